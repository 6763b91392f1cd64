//! `roomscribe transcribe`: a WAV file in, a transcript out (text, JSON, SRT or WebVTT); and
//! `roomscribe vad`: a WAV file in, the speech the VAD stage finds in it out.
//!
//! By default the file first goes through the daemon's own VAD stage (same detector, rules and
//! padding as the live path), and only the speech is decoded, as faster-whisper's `vad_filter`
//! does: the speech segments are joined into one stream, which runs through the reference
//! long-form loop, and every time is mapped back to the file's. Silence and noise then cost the
//! VAD's time, not Whisper's. `--no-vad` decodes the whole file.
//!
//! With `--speakers`, each segment's audio then goes through the speakers stage's rules (the
//! same `Attributor`: split where the voice changes, online labels) and the end-of-meeting
//! re-clustering, as if the file were one meeting; each segment carries both labels.
//!
//! Streams: a buffer of at most 30 s is decoded, the part its segments account for is dropped,
//! more audio is read in, and so on, so memory stays flat for any length. The formatting
//! functions are pure. Never touches the bus.

use std::io::Write;

use serde::Serialize;

use crate::asr::whisper::{HOP_LENGTH, N_SAMPLES};
use crate::asr::{AsrError, TextSegment, Transcriber, Word};
use crate::audio::wav::{WavError, WavSource};
use crate::config::VadConfig;
use crate::pipeline::{AudioChunk, SpeechEvent, SpeechSegment, STREAM_RATE};
use crate::stage::{Shutdown, StageContext};
use crate::transcript_format::{subtitles, Cue, TranscriptFormat};
use crate::vad;

#[derive(Debug, thiserror::Error)]
pub enum TranscribeError {
    #[error(transparent)]
    Wav(#[from] WavError),
    #[error(transparent)]
    Asr(#[from] AsrError),
    #[error(transparent)]
    Vad(#[from] vad::silero::SileroError),
}

/// Files longer than this get progress lines on stderr.
const PROGRESS_ABOVE_SECONDS: f64 = 60.0;

/// What the VAD gate kept of a file: how much was speech (decoded) and how much was skipped.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GateSummary {
    /// "silero" or "energy gate".
    pub detector: &'static str,
    /// Seconds handed to Whisper (speech and its padding).
    pub speech_s: f64,
    /// Seconds of the file never decoded.
    pub skipped_s: f64,
}

/// A transcribed file: its segments, what the VAD gate kept (none with `--no-vad`), and the
/// error that stopped it part-way, if one did (the segments are what came before it).
#[derive(Debug)]
pub struct Transcription {
    pub segments: Vec<TextSegment>,
    pub gate: Option<GateSummary>,
    pub failure: Option<TranscribeError>,
}

/// Where the decoded stream's audio lies in the file: a run of `len` samples at `decoded` in the
/// decoded stream comes from `file` in the file.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Span {
    decoded: u64,
    file: u64,
    len: u64,
}

/// The spans of the decoded stream still in the buffer, in order.
#[derive(Debug, Default)]
struct Timeline {
    spans: std::collections::VecDeque<Span>,
}

impl Timeline {
    /// Appends `len` samples read from `file`; contiguous runs merge.
    fn push(&mut self, decoded: u64, file: u64, len: u64) {
        if let Some(last) = self.spans.back_mut() {
            if last.decoded + last.len == decoded && last.file + last.len == file {
                last.len += len;
                return;
            }
        }
        self.spans.push_back(Span { decoded, file, len });
    }

    /// Forgets the spans wholly before `decoded`.
    fn drop_before(&mut self, decoded: u64) {
        while self.spans.len() > 1 && self.spans[0].decoded + self.spans[0].len <= decoded {
            self.spans.pop_front();
        }
    }

    /// File seconds of decoded-stream seconds `t`. A time on the seam of two spans belongs to
    /// the earlier one when it ends something (`is_end`), else to the later one; times past the
    /// last span are clamped to its end.
    fn file_seconds(&self, t: f64, is_end: bool) -> f64 {
        let rate = f64::from(STREAM_RATE);
        let position = (t * rate).max(0.0);
        let inside = |s: &&Span| {
            let (start, end) = (s.decoded as f64, (s.decoded + s.len) as f64);
            if is_end {
                position > start && position <= end
            } else {
                position >= start && position < end
            }
        };
        let span = self
            .spans
            .iter()
            .find(inside)
            .or_else(|| self.spans.iter().rev().find(|s| (s.decoded as f64) <= position))
            .or(self.spans.front());
        match span {
            Some(s) => {
                let within = (position - s.decoded as f64).clamp(0.0, s.len as f64);
                (s.file as f64 + within) / rate
            }
            None => t,
        }
    }

    /// `piece` (decoded-stream seconds) in file seconds.
    fn to_file(&self, piece: TextSegment) -> TextSegment {
        TextSegment {
            start: self.file_seconds(piece.start, false),
            end: self.file_seconds(piece.end, true),
            words: piece
                .words
                .into_iter()
                .map(|w| Word {
                    start: self.file_seconds(w.start, false),
                    end: self.file_seconds(w.end, true),
                    ..w
                })
                .collect(),
            ..piece
        }
    }
}

/// Runs the VAD stage over `wav` on two threads (a reader and the stage): speech segments come
/// out of the returned channel, and the threads' results out of the handles.
struct VadThreads {
    detector: &'static str,
    events: tokio::sync::mpsc::Receiver<SpeechEvent>,
    reader: std::thread::JoinHandle<Result<(), WavError>>,
    stage: std::thread::JoinHandle<u64>,
}

impl VadThreads {
    fn spawn(mut wav: WavSource, config: &VadConfig) -> Result<Self, vad::silero::SileroError> {
        let detector = vad::Detector::from_config(config)?;
        let name = detector.name();
        // Small queues: the stage runs at most a few segments ahead of Whisper.
        let (chunk_tx, chunk_rx) = tokio::sync::mpsc::channel(4);
        let (event_tx, events) = tokio::sync::mpsc::channel(4);
        let (report_tx, report_rx) = tokio::sync::mpsc::channel(1);
        drop(report_rx);
        let config_rx = crate::config::live::Section::fixed(config.clone());
        let ctx = StageContext::standalone("vad", Shutdown::default(), Default::default());
        let stage = std::thread::spawn(move || vad::run_stage(ctx, config_rx, detector, chunk_rx, event_tx, report_tx));
        let reader = std::thread::spawn(move || -> Result<(), WavError> {
            let mut position = 0u64;
            loop {
                let mut samples = Vec::with_capacity(STREAM_RATE as usize);
                wav.read_block(&mut samples, STREAM_RATE as usize)?;
                if samples.is_empty() {
                    return Ok(());
                }
                let len = samples.len() as u64;
                if chunk_tx
                    .blocking_send(AudioChunk {
                        start_sample: position,
                        samples,
                    })
                    .is_err()
                {
                    return Ok(());
                }
                position += len;
            }
        });
        Ok(Self {
            detector: name,
            events,
            reader,
            stage,
        })
    }

    /// The next closed speech segment; `None` at the end.
    fn next_segment(&mut self) -> Option<SpeechSegment> {
        loop {
            match self.events.blocking_recv()? {
                SpeechEvent::Final(segment) => return Some(segment),
                SpeechEvent::Partial(_)
                | SpeechEvent::Pause(_)
                | SpeechEvent::LongPause(_)
                | SpeechEvent::Quiet { .. } => {}
            }
        }
    }

    /// Waits for both threads; the reader's error, if the file broke part-way.
    fn join(self) -> Result<(), WavError> {
        drop(self.events);
        self.stage.join().expect("the VAD stage does not panic");
        self.reader.join().expect("the WAV reader thread does not panic")
    }
}

/// Speech closer together than this is decoded with the audio between it, as one stretch: a
/// short gap is part of a conversation's rhythm, and cutting it out costs Whisper words (pub_m01:
/// 8.8% WER with every gap cut, as without the gate when they are kept). Only longer silence is
/// skipped. faster-whisper's `vad_filter` keeps gaps under 2 s likewise.
const KEEP_GAPS_UNDER_SAMPLES: u64 = 2 * STREAM_RATE as u64;
/// The most audio handed to the decoder at once, so memory stays flat for any length.
const MAX_RUN_SAMPLES: u64 = 10 * STREAM_RATE as u64;

/// The stretches of speech the VAD finds, read from the file: each VAD segment (padded), joined
/// with the next when the gap between them is shorter than `KEEP_GAPS_UNDER_SAMPLES`.
struct SpeechStretches {
    vad: VadThreads,
    file: WavSource,
    /// Where `file` will read next.
    file_position: u64,
    /// The next sample of the current stretch to read, and where the stretch ends so far.
    next: u64,
    end: u64,
}

impl SpeechStretches {
    /// The next run of speech and where it starts in the file; `None` at the end.
    fn next(&mut self) -> Option<Result<(u64, Vec<f32>), WavError>> {
        if self.next >= self.end {
            let segment = self.vad.next_segment()?;
            let (start, end) = (segment.start_sample, segment.end_sample());
            if start.saturating_sub(self.end) >= KEEP_GAPS_UNDER_SAMPLES || self.end == 0 {
                self.next = start;
            }
            self.end = end.max(self.next);
        }
        if self.file_position != self.next {
            if let Err(error) = self.file.seek(self.next) {
                return Some(Err(error));
            }
            self.file_position = self.next;
        }
        let wanted = (self.end - self.next).min(MAX_RUN_SAMPLES) as usize;
        let mut samples = Vec::with_capacity(wanted);
        if let Err(error) = self.file.read_block(&mut samples, wanted) {
            return Some(Err(error));
        }
        if samples.is_empty() {
            // The file is shorter than the VAD said: nothing more to read.
            self.end = self.next;
            return None;
        }
        let start = self.next;
        self.next += samples.len() as u64;
        self.file_position = self.next;
        Some(Ok((start, samples)))
    }
}

/// Where the audio to decode comes from: the whole file, or the speech the VAD finds in it.
enum AudioFeed {
    Whole { wav: WavSource, position: u64 },
    Speech(Box<SpeechStretches>),
}

impl AudioFeed {
    /// The next run of audio and where it starts in the file; `None` at the end.
    fn next(&mut self) -> Option<Result<(u64, Vec<f32>), WavError>> {
        match self {
            Self::Whole { wav, position } => {
                let mut block = Vec::with_capacity(STREAM_RATE as usize);
                let start = *position;
                match wav.read_block(&mut block, STREAM_RATE as usize) {
                    Ok(()) if block.is_empty() => None,
                    Ok(()) => {
                        *position += block.len() as u64;
                        Some(Ok((start, block)))
                    }
                    Err(error) => Some(Err(error)),
                }
            }
            Self::Speech(stretches) => stretches.next(),
        }
    }
}

/// Transcribes `wav`, reporting progress to `progress` for long files. With `vad`, only the
/// speech the VAD stage finds is decoded. A file that turns out to be corrupt part-way is
/// transcribed up to the damage; the error comes back with what was recognised before it.
pub fn transcribe_file(
    transcriber: &Transcriber,
    wav: WavSource,
    vad: Option<&VadConfig>,
    progress: &mut dyn Write,
) -> Transcription {
    transcriber.use_configured_threads();
    let duration = wav.duration_seconds();
    let report = duration > PROGRESS_ABOVE_SECONDS;
    let mut feed = match vad {
        None => AudioFeed::Whole { wav, position: 0 },
        Some(config) => {
            let opened = wav
                .reopen()
                .map_err(TranscribeError::from)
                .and_then(|file| Ok((file, VadThreads::spawn(wav, config)?)));
            match opened {
                Ok((file, vad)) => AudioFeed::Speech(Box::new(SpeechStretches {
                    vad,
                    file,
                    file_position: 0,
                    next: 0,
                    end: 0,
                })),
                Err(error) => {
                    return Transcription {
                        segments: Vec::new(),
                        gate: None,
                        failure: Some(error),
                    }
                }
            }
        }
    };
    let mut buffer: Vec<f32> = Vec::with_capacity(N_SAMPLES * 2);
    let mut timeline = Timeline::default();
    // Stream positions: of buffer[0], and of the end of what was read, in the decoded stream.
    let (mut buffer_start, mut read_end) = (0u64, 0u64);
    let mut at_end = false;
    let mut segments = Vec::new();
    let mut failure = None;
    let mut last_reported = 0.0;
    let mut context = transcriber.new_context();
    loop {
        while !at_end && buffer.len() < N_SAMPLES {
            match feed.next() {
                None => at_end = true,
                Some(Ok((file_start, samples))) => {
                    timeline.push(read_end, file_start, samples.len() as u64);
                    read_end += samples.len() as u64;
                    buffer.extend_from_slice(&samples);
                }
                Some(Err(error)) => {
                    failure = Some(error.into());
                    at_end = true;
                }
            }
        }
        if buffer.len() < HOP_LENGTH as usize {
            break;
        }
        let window = &buffer[..buffer.len().min(N_SAMPLES)];
        let (pieces, consumed) = match transcriber.transcribe_window(window, &mut context, buffer_start) {
            Ok(outcome) => outcome,
            Err(error) => {
                failure = Some(error.into());
                break;
            }
        };
        let offset = buffer_start as f64 / f64::from(STREAM_RATE);
        segments.extend(pieces.into_iter().map(|p| timeline.to_file(p.shifted(offset))));
        buffer.drain(..consumed);
        buffer_start += consumed as u64;
        timeline.drop_before(buffer_start);
        let done = if at_end && buffer.len() < HOP_LENGTH as usize {
            duration
        } else {
            timeline.file_seconds(buffer_start as f64 / f64::from(STREAM_RATE), false)
        };
        if report && (done - last_reported >= 30.0 || (at_end && buffer.is_empty())) {
            let _ = writeln!(
                progress,
                "transcribe: {:.0}% ({done:.0} of {duration:.0} s)",
                (100.0 * done / duration).min(100.0)
            );
            last_reported = done;
        }
    }
    let gate = match feed {
        AudioFeed::Whole { .. } => None,
        AudioFeed::Speech(stretches) => {
            let detector = stretches.vad.detector;
            if let Err(error) = stretches.vad.join() {
                failure.get_or_insert(error.into());
            }
            let speech_s = read_end as f64 / f64::from(STREAM_RATE);
            Some(GateSummary {
                detector,
                speech_s,
                skipped_s: (duration - speech_s).max(0.0),
            })
        }
    };
    Transcription {
        segments,
        gate,
        failure,
    }
}

/// Who said a segment of a transcribed file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpokenBy {
    /// `S1`, `S2`, … after re-clustering the whole file (as at a meeting's end).
    pub speaker: String,
    /// As the online rules labelled it while going through the file (as live).
    pub live_speaker: String,
    /// The enrolled name the voice matched, if any.
    pub speaker_name: Option<String>,
    pub speaker_confidence: f32,
}

#[derive(Debug, thiserror::Error)]
pub enum AttributeError {
    #[error(transparent)]
    Wav(#[from] WavError),
    #[error(transparent)]
    Encoder(#[from] crate::speakers::campplus::CamPlusError),
}

/// Labels the segments of a transcribed file (`wav`, each segment's audio read again by
/// seeking, so memory stays flat for any length) with their speakers: the speakers stage's
/// rules on each segment's audio (a segment holding a change of voice is split, a voice found
/// to be two relabels the segments it moved), then the end-of-meeting re-clustering over the
/// whole file.
pub fn attribute_speakers(
    segments: Vec<TextSegment>,
    mut wav: WavSource,
    attributor: &mut crate::speakers::Attributor,
    end_rules: &crate::voices::ClusterRules,
) -> Result<(Vec<TextSegment>, Vec<Option<SpokenBy>>), AttributeError> {
    use crate::pipeline::{HeardTranscript, SegmentRecord, TimedWord, Transcript};
    let at = |t: f64| (t * f64::from(STREAM_RATE)).round().max(0.0) as u64;
    let mut labels = crate::meeting::speakers::MeetingVoices::default();
    let mut out_segments = Vec::new();
    let mut records: Vec<SegmentRecord> = Vec::new();
    for (index, segment) in segments.into_iter().enumerate() {
        let heard = HeardTranscript {
            transcript: Transcript {
                sequence: index as u64,
                start: segment.start,
                end: segment.end,
                text: segment.text.clone(),
                confidence: segment.confidence,
                language: segment.language.clone(),
                speaker: None,
                revision: 1,
            },
            audio: wav.read_span(
                at(segment.start),
                at(segment.end).saturating_sub(at(segment.start)) as usize,
            )?,
            words: segment.words.iter().map(TimedWord::from).collect(),
        };
        // Numbered as the daemon numbers finals: one more per turn, a split final's turns too.
        let attributed = attributor.attribute(heard, records.len() as u64)?;
        for relabel in attributed.relabels {
            if let Some(record) = records.get_mut(relabel.sequence as usize) {
                record.speaker = Some(labels.label_for(relabel.voice));
                record.speaker_name = relabel.name;
            }
        }
        for mut transcript in attributed.transcripts {
            if let Some(tag) = &mut transcript.speaker {
                tag.label = labels.label_for(tag.voice);
            }
            records.push(SegmentRecord::of(&transcript));
            let words = segment
                .words
                .iter()
                .filter(|w| w.start >= transcript.start - 0.01 && w.end <= transcript.end + 0.01)
                .cloned()
                .collect();
            out_segments.push(TextSegment {
                start: transcript.start,
                end: transcript.end,
                text: transcript.text,
                confidence: transcript.confidence,
                words,
                language: transcript.language,
            });
        }
    }
    let live: Vec<Option<String>> = records.iter().map(|r| r.speaker.clone()).collect();
    crate::meeting::speakers::revise(&mut records, end_rules);
    let spoken = records
        .into_iter()
        .zip(live)
        .map(|(record, live)| {
            Some(SpokenBy {
                speaker: record.speaker?,
                live_speaker: live?,
                speaker_name: record.speaker_name,
                speaker_confidence: record.speaker_confidence.unwrap_or(0.0),
            })
        })
        .collect();
    Ok((out_segments, spoken))
}

/// Renders segments in `format`, with their speakers when `speakers` has one per segment;
/// JSON also says what the VAD gate kept (`null` without it).
pub fn render(
    segments: &[TextSegment],
    speakers: &[Option<SpokenBy>],
    gate: Option<&GateSummary>,
    format: TranscriptFormat,
) -> String {
    let speaker_of = |index: usize| {
        speakers
            .get(index)
            .and_then(Option::as_ref)
            .map(|s| s.speaker_name.as_deref().unwrap_or(&s.speaker))
    };
    match format {
        TranscriptFormat::Json => render_json(segments, speakers, gate),
        _ => subtitles(
            format,
            segments.iter().enumerate().map(|(index, s)| Cue {
                start: s.start,
                end: s.end,
                text: &s.text,
                speaker: speaker_of(index),
            }),
        ),
    }
}

fn render_json(segments: &[TextSegment], speakers: &[Option<SpokenBy>], gate: Option<&GateSummary>) -> String {
    #[derive(Serialize)]
    struct Word<'a> {
        word: &'a str,
        start: f64,
        end: f64,
        /// How sure Whisper was of the word, to three places (as faster-whisper's words have it).
        probability: f64,
    }
    #[derive(Serialize)]
    struct Segment<'a> {
        start: f64,
        end: f64,
        text: &'a str,
        language: &'a str,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        words: Vec<Word<'a>>,
        #[serde(flatten, skip_serializing_if = "Option::is_none")]
        speaker: Option<&'a SpokenBy>,
    }
    let ms = crate::clock::round_ms;
    #[derive(Serialize)]
    struct Document<'a> {
        segments: Vec<Segment<'a>>,
        vad: Option<&'a GateSummary>,
    }
    let document = Document {
        segments: segments
            .iter()
            .enumerate()
            .map(|(index, s)| Segment {
                speaker: speakers.get(index).and_then(Option::as_ref),
                start: ms(s.start),
                end: ms(s.end),
                text: &s.text,
                language: &s.language,
                words: s
                    .words
                    .iter()
                    .map(|w| Word {
                        word: &w.word,
                        start: ms(w.start),
                        end: ms(w.end),
                        probability: (f64::from(w.probability) * 1e3).round() / 1e3,
                    })
                    .collect(),
            })
            .collect(),
        vad: gate,
    };
    let mut out = serde_json::to_string_pretty(&document).expect("plain structs always serialise");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segments() -> Vec<TextSegment> {
        vec![
            TextSegment {
                start: 0.0,
                end: 2.5,
                text: "Hello there.".into(),
                confidence: 0.9,
                words: vec![],
                language: "en".into(),
            },
            TextSegment {
                start: 3661.2,
                end: 3663.0,
                text: "An hour later.".into(),
                confidence: 0.8,
                words: vec![crate::asr::Word {
                    word: "An".into(),
                    start: 3661.2,
                    end: 3661.4,
                    probability: 0.9,
                }],
                language: "en".into(),
            },
        ]
    }

    #[test]
    fn json_is_an_object_of_segments_in_seconds() {
        let value: serde_json::Value =
            serde_json::from_str(&render(&segments(), &[], None, TranscriptFormat::Json)).unwrap();
        assert_eq!(value["segments"][1]["start"], 3661.2);
        assert_eq!(value["segments"][0]["text"], "Hello there.");
        assert_eq!(value["segments"].as_array().unwrap().len(), 2);
        assert!(
            value["segments"][0].get("words").is_none(),
            "no words key without word timestamps"
        );
        assert_eq!(value["segments"][1]["words"][0]["word"], "An");
        assert_eq!(value["segments"][1]["words"][0]["end"], 3661.4);
    }

    #[test]
    fn json_says_what_the_vad_gate_kept() {
        let gate = GateSummary {
            detector: "silero",
            speech_s: 12.5,
            skipped_s: 47.5,
        };
        let value: serde_json::Value =
            serde_json::from_str(&render(&segments(), &[], Some(&gate), TranscriptFormat::Json)).unwrap();
        assert_eq!(value["vad"]["detector"], "silero");
        assert_eq!(value["vad"]["skipped_s"], 47.5);
        let ungated: serde_json::Value =
            serde_json::from_str(&render(&segments(), &[], None, TranscriptFormat::Json)).unwrap();
        assert!(ungated["vad"].is_null(), "--no-vad says so: {ungated}");
    }

    #[test]
    fn decoded_times_map_back_to_the_file() {
        // Speech at 10-12 s and 30-31 s of the file, joined into 3 s of decoded stream.
        let mut timeline = Timeline::default();
        timeline.push(0, 160_000, 32_000);
        timeline.push(32_000, 480_000, 16_000);
        let file = |t, is_end| timeline.file_seconds(t, is_end);
        assert!((file(0.5, false) - 10.5).abs() < 1e-9);
        assert!(
            (file(2.0, true) - 12.0).abs() < 1e-9,
            "an end on the seam ends the first run"
        );
        assert!(
            (file(2.0, false) - 30.0).abs() < 1e-9,
            "a start on the seam starts the second"
        );
        assert!((file(2.5, true) - 30.5).abs() < 1e-9);
        assert!((file(9.0, true) - 31.0).abs() < 1e-9, "past the end: clamped");
        let piece = TextSegment {
            start: 1.0,
            end: 2.6,
            text: "two runs".into(),
            confidence: 1.0,
            words: vec![crate::asr::Word {
                word: "runs".into(),
                start: 2.1,
                end: 2.6,
                probability: 0.9,
            }],
            language: "en".into(),
        };
        let mapped = timeline.to_file(piece);
        assert!((mapped.start - 11.0).abs() < 1e-9 && (mapped.end - 30.6).abs() < 1e-9);
        assert!((mapped.words[0].start - 30.1).abs() < 1e-9);
    }

    #[test]
    fn contiguous_audio_is_one_run_and_old_runs_are_forgotten() {
        let mut timeline = Timeline::default();
        timeline.push(0, 0, 16_000);
        timeline.push(16_000, 16_000, 16_000);
        assert_eq!(timeline.spans.len(), 1, "the whole file read block by block");
        timeline.push(32_000, 100_000, 16_000);
        timeline.drop_before(40_000);
        assert_eq!(timeline.spans.len(), 1);
        assert!((timeline.file_seconds(2.5, false) - 6.75).abs() < 1e-9);
    }

    #[test]
    fn srt_numbers_cues_and_uses_commas() {
        let srt = render(&segments(), &[], None, TranscriptFormat::Srt);
        assert!(srt.starts_with("1\n00:00:00,000 --> 00:00:02,500\nHello there.\n\n2\n01:01:01,200 --> 01:01:03,000\n"));
    }

    #[test]
    fn vtt_has_its_header_and_uses_dots() {
        let vtt = render(&segments(), &[], None, TranscriptFormat::Vtt);
        assert!(vtt.starts_with("WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nHello there.\n"));
    }

    #[test]
    fn text_is_one_line_per_segment() {
        assert_eq!(
            render(&segments(), &[], None, TranscriptFormat::Text),
            "Hello there.\nAn hour later.\n"
        );
    }
}

/// Where the VAD stage finds speech in a file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpeechTimeline {
    /// "silero" or "energy gate".
    pub detector: &'static str,
    /// (start, end) in seconds, as the VAD stage would hand them to ASR (padded by
    /// `speech_pad_ms`).
    pub segments: Vec<(f64, f64)>,
    /// Where the speech ended at each pause the VAD handed out (seconds): `vad.pause_ms` later,
    /// ASR began decoding ahead.
    pub pauses: Vec<f64>,
}

#[derive(Debug, thiserror::Error)]
pub enum DetectError {
    #[error(transparent)]
    Wav(#[from] WavError),
    #[error(transparent)]
    Vad(#[from] vad::silero::SileroError),
}

/// Runs the VAD stage itself (same detector, segmenter and rules as the daemon) over `wav`.
pub fn detect_speech(wav: WavSource, config: &VadConfig) -> Result<SpeechTimeline, DetectError> {
    let mut threads = VadThreads::spawn(wav, config)?;
    let detector = threads.detector;
    let mut segments = Vec::new();
    let mut pauses = Vec::new();
    while let Some(event) = threads.events.blocking_recv() {
        let seconds = |sample: u64| sample as f64 / f64::from(STREAM_RATE);
        match event {
            SpeechEvent::Final(segment) => {
                segments.push((seconds(segment.start_sample), seconds(segment.end_sample())))
            }
            SpeechEvent::Pause(segment) => pauses.push(seconds(segment.speech_end_sample)),
            SpeechEvent::Partial(_) | SpeechEvent::LongPause(_) | SpeechEvent::Quiet { .. } => {}
        }
    }
    threads.join()?;
    Ok(SpeechTimeline {
        detector,
        segments,
        pauses,
    })
}
