//! `roomscribe transcribe`: a WAV file in, a transcript out (text, JSON, SRT or WebVTT); and
//! `roomscribe vad`: a WAV file in, the speech the VAD stage finds in it out.
//!
//! Streams the file through the reference long-form loop: a buffer of at most 30 s is decoded,
//! the part its segments account for is dropped, more audio is read in, and so on, so memory
//! stays flat for any length. The formatting functions are pure. Never touches the bus.

use std::io::Write;

use serde::Serialize;

use crate::asr::whisper::N_SAMPLES;
use crate::asr::{AsrError, TextSegment, Transcriber};
use crate::audio::wav::{WavError, WavSource};
use crate::config::VadConfig;
use crate::pipeline::{SpeechEvent, STREAM_RATE};
use crate::vad;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Text,
    Json,
    Srt,
    Vtt,
}

#[derive(Debug, thiserror::Error)]
pub enum TranscribeError {
    #[error(transparent)]
    Wav(#[from] WavError),
    #[error(transparent)]
    Asr(#[from] AsrError),
}

/// Files longer than this get progress lines on stderr.
const PROGRESS_ABOVE_SECONDS: f64 = 60.0;

/// Transcribes `wav`, reporting progress to `progress` for long files. A file that turns out to
/// be corrupt part-way is transcribed up to the damage; the error is returned with what was
/// recognised before it.
pub fn transcribe_file(
    transcriber: &Transcriber,
    mut wav: WavSource,
    progress: &mut dyn Write,
) -> (Vec<TextSegment>, Option<TranscribeError>) {
    let duration = wav.duration_seconds();
    let report = duration > PROGRESS_ABOVE_SECONDS;
    let mut buffer: Vec<f32> = Vec::with_capacity(N_SAMPLES * 2);
    let mut block = Vec::with_capacity(STREAM_RATE as usize);
    let mut offset_samples = 0usize;
    let mut at_end = false;
    let mut segments = Vec::new();
    let mut failure = None;
    let mut last_reported = 0.0;
    let mut context = transcriber.new_context();
    loop {
        while !at_end && buffer.len() < N_SAMPLES {
            match wav.read_block(&mut block, STREAM_RATE as usize) {
                Ok(()) if block.is_empty() => at_end = true,
                Ok(()) => buffer.extend_from_slice(&block),
                Err(error) => {
                    buffer.extend_from_slice(&block);
                    failure = Some(error.into());
                    at_end = true;
                }
            }
        }
        if buffer.len() < crate::asr::whisper::HOP_LENGTH as usize {
            break;
        }
        let window = &buffer[..buffer.len().min(N_SAMPLES)];
        let (pieces, consumed) = match transcriber.transcribe_window(window, &mut context, offset_samples as u64) {
            Ok(outcome) => outcome,
            Err(error) => return (segments, Some(error.into())),
        };
        let offset = offset_samples as f64 / f64::from(STREAM_RATE);
        segments.extend(pieces.into_iter().map(|p| p.shifted(offset)));
        buffer.drain(..consumed);
        offset_samples += consumed;
        let done = offset_samples as f64 / f64::from(STREAM_RATE);
        if report && (done - last_reported >= 30.0 || (at_end && buffer.is_empty())) {
            let _ = writeln!(
                progress,
                "transcribe: {:.0}% ({done:.0} of {duration:.0} s)",
                (100.0 * done / duration).min(100.0)
            );
            last_reported = done;
        }
    }
    (segments, failure)
}

/// Renders segments in `format`.
pub fn render(segments: &[TextSegment], format: OutputFormat) -> String {
    match format {
        OutputFormat::Text => segments.iter().map(|s| format!("{}\n", s.text)).collect(),
        OutputFormat::Json => render_json(segments),
        OutputFormat::Srt => segments
            .iter()
            .enumerate()
            .map(|(i, s)| {
                format!(
                    "{}\n{} --> {}\n{}\n\n",
                    i + 1,
                    clock(s.start, ','),
                    clock(s.end, ','),
                    s.text
                )
            })
            .collect(),
        OutputFormat::Vtt => {
            let cues: String = segments
                .iter()
                .map(|s| format!("{} --> {}\n{}\n\n", clock(s.start, '.'), clock(s.end, '.'), s.text))
                .collect();
            format!("WEBVTT\n\n{cues}")
        }
    }
}

fn render_json(segments: &[TextSegment]) -> String {
    #[derive(Serialize)]
    struct Word<'a> {
        word: &'a str,
        start: f64,
        end: f64,
    }
    #[derive(Serialize)]
    struct Segment<'a> {
        start: f64,
        end: f64,
        text: &'a str,
        language: &'a str,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        words: Vec<Word<'a>>,
    }
    let ms = |seconds: f64| (seconds * 1000.0).round() / 1000.0;
    #[derive(Serialize)]
    struct Document<'a> {
        segments: Vec<Segment<'a>>,
    }
    let document = Document {
        segments: segments
            .iter()
            .map(|s| Segment {
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
                    })
                    .collect(),
            })
            .collect(),
    };
    let mut out = serde_json::to_string_pretty(&document).expect("plain structs always serialise");
    out.push('\n');
    out
}

/// `HH:MM:SS,mmm` (SRT) or `HH:MM:SS.mmm` (WebVTT).
fn clock(seconds: f64, separator: char) -> String {
    let total_ms = (seconds.max(0.0) * 1000.0).round() as u64;
    let (h, m, s, ms) = (
        total_ms / 3_600_000,
        total_ms / 60_000 % 60,
        total_ms / 1000 % 60,
        total_ms % 1000,
    );
    format!("{h:02}:{m:02}:{s:02}{separator}{ms:03}")
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
                }],
                language: "en".into(),
            },
        ]
    }

    #[test]
    fn json_is_an_object_of_segments_in_seconds() {
        let value: serde_json::Value = serde_json::from_str(&render(&segments(), OutputFormat::Json)).unwrap();
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
    fn srt_numbers_cues_and_uses_commas() {
        let srt = render(&segments(), OutputFormat::Srt);
        assert!(srt.starts_with("1\n00:00:00,000 --> 00:00:02,500\nHello there.\n\n2\n01:01:01,200 --> 01:01:03,000\n"));
    }

    #[test]
    fn vtt_has_its_header_and_uses_dots() {
        let vtt = render(&segments(), OutputFormat::Vtt);
        assert!(vtt.starts_with("WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nHello there.\n"));
    }

    #[test]
    fn text_is_one_line_per_segment() {
        assert_eq!(
            render(&segments(), OutputFormat::Text),
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
}

#[derive(Debug, thiserror::Error)]
pub enum DetectError {
    #[error(transparent)]
    Wav(#[from] WavError),
    #[error(transparent)]
    Vad(#[from] vad::silero::SileroError),
}

/// Runs the VAD stage itself (same detector, segmenter and rules as the daemon) over `wav`.
pub fn detect_speech(mut wav: WavSource, config: &VadConfig) -> Result<SpeechTimeline, DetectError> {
    let detector = vad::Detector::from_config(config)?;
    let name = detector.name();
    let (chunk_tx, chunk_rx) = tokio::sync::mpsc::channel(64);
    let (event_tx, mut event_rx) = tokio::sync::mpsc::channel(64);
    let (report_tx, report_rx) = tokio::sync::mpsc::channel(1);
    drop(report_rx);
    let (_config_tx, config_rx) = tokio::sync::watch::channel(config.clone());
    let stage = std::thread::spawn(move || vad::run_stage(config_rx, detector, chunk_rx, event_tx, report_tx));
    let reader = std::thread::spawn(move || -> Result<(), WavError> {
        let mut position = 0u64;
        loop {
            let mut samples = Vec::with_capacity(STREAM_RATE as usize);
            wav.read_block(&mut samples, STREAM_RATE as usize)?;
            if samples.is_empty() {
                return Ok(());
            }
            let len = samples.len() as u64;
            let chunk = crate::pipeline::AudioChunk {
                start_sample: position,
                samples,
            };
            if chunk_tx.blocking_send(chunk).is_err() {
                return Ok(());
            }
            position += len;
        }
    });
    let mut segments = Vec::new();
    while let Some(event) = event_rx.blocking_recv() {
        if let SpeechEvent::Final(segment) = event {
            let start = segment.start_seconds();
            segments.push((start, start + segment.samples.len() as f64 / f64::from(STREAM_RATE)));
        }
    }
    let read = reader.join().expect("the WAV reader thread does not panic");
    stage.join().expect("the VAD stage does not panic");
    read?;
    Ok(SpeechTimeline {
        detector: name,
        segments,
    })
}
