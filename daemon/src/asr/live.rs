//! The ASR stage's live loop: speech events from the VAD stage in, partial and final
//! transcripts out, on a dedicated thread.
//!
//! Finals come at turn ends, not only at segment ends: each pause of the open segment is decoded
//! ahead with the final settings, and published at once when its text ends a phrase (see
//! `streaming`, which decides what each event decodes; this loop only runs the model and sends).
//! Partials are decoded greedily, only when nothing else waits and at most half of the time
//! (`PartialPacer`), so that they rarely delay a final.
//! Never stores, publishes or logs text itself.

use std::collections::VecDeque;
use std::time::Instant;

use tokio::sync::mpsc;

use super::streaming::{ends_phrase, is_superseded, FinalPlan, LocalAgreement, PartialPacer, SpeechCursor};
use super::{AsrCounters, AsrError, LeadIn, TextSegment, Transcriber};
use crate::config::live::Section;
use crate::config::AsrConfig;
use crate::pipeline::{
    AsrOutput, HeardTranscript, PartialTranscript, SpeechEvent, SpeechSegment, TimedWord, Transcript, STREAM_RATE,
};
use crate::stage::StageContext;

/// Events read ahead of the one being handled (the VAD → ASR channel's capacity).
const LOOKAHEAD: usize = 16;

/// At most the last this many seconds of published speech are heard again before a decode.
const LEAD_MAX_S: f64 = 6.0;

/// Published speech that ended longer ago than this is not heard again (the room fell silent;
/// what follows is not a continuation).
const LEAD_MAX_GAP_S: f64 = 3.0;

/// Runs the stage until its input closes. A decode that fails is logged, and the audio it
/// covered is decoded again with the segment's final (a failed final is skipped).
///
/// Each decode starts with the last few seconds of audio already published, and is forced to
/// begin with their published text (`Lead`): a phrase of a second or two is then heard in
/// context, as `transcribe` hears it, instead of alone.
///
/// Live decodes are prompted with `asr.initial_prompt` and `asr.hotwords` only, never with the
/// text before them as a prompt (`condition_on_previous_text` is for `transcribe`'s 30 s windows): given a
/// sentence of audio and the previous sentences as prompt, Whisper copies the prompt instead of
/// hearing the audio (pub_m02: "The training budget is almost unused…" came out twice as "Let's
/// get started.", the meeting's opening words, and was lost; with the prompt cut to 48 tokens,
/// still once).
pub fn run_stage(
    ctx: StageContext<AsrCounters>,
    mut transcriber: Transcriber,
    mut live_config: Section<AsrConfig>,
    mut events: mpsc::Receiver<SpeechEvent>,
    out: mpsc::Sender<AsrOutput>,
) {
    transcriber.use_configured_threads();
    let _no_grad = tch::no_grad_guard();
    let mut live = LiveState {
        cursor: SpeechCursor::default(),
        agreement: LocalAgreement::default(),
        held: None,
        sequence: 0,
        pacer: PartialPacer::default(),
        lead: None,
    };
    // Events taken from the channel and not yet handled, so that a skipped event can be told
    // from one that is only late; no more than the channel holds.
    let mut waiting: VecDeque<SpeechEvent> = VecDeque::with_capacity(LOOKAHEAD);
    loop {
        if waiting.is_empty() {
            match events.blocking_recv() {
                Some(event) => waiting.push_back(event),
                None => return,
            }
        }
        while waiting.len() < LOOKAHEAD {
            match events.try_recv() {
                Ok(event) => waiting.push_back(event),
                Err(_) => break,
            }
        }
        let Some(event) = waiting.pop_front() else {
            return;
        };
        let _work = ctx.heartbeat.working();
        if let Some(config) = live_config.take_change() {
            match transcriber.reconfigure(&config) {
                Ok(()) => {
                    live.held = None;
                    live.lead = None;
                    tracing::info!("Transcription settings changed");
                }
                Err(error) => {
                    tracing::error!(%error, "New transcription settings could not be applied; keeping the old ones")
                }
            }
        }
        let run = LiveRun {
            transcriber: &transcriber,
            out: &out,
        };
        // While ASR lags, what a later event carries is not decoded twice (see `is_superseded`).
        let superseded = is_superseded(&event, waiting.iter())
            || matches!(event, SpeechEvent::Partial(_)) && !live.pacer.due(Instant::now());
        tracing::debug!(
            event = event.kind(),
            speech_end_s = seconds(event.segment().speech_end_sample),
            waiting = waiting.len(),
            superseded,
            "Speech event"
        );
        let carry_on = match event {
            _ if superseded => true,
            SpeechEvent::Partial(segment) => run.partial(&mut live, &segment),
            SpeechEvent::Pause(segment) => run.pause(&mut live, &segment),
            SpeechEvent::LongPause(segment) => run.long_pause(&mut live, &segment),
            SpeechEvent::Final(segment) => run.finalise(&mut live, &segment),
        };
        if !carry_on {
            tracing::warn!("Transcript output closed; the ASR stage stops");
            return;
        }
    }
}

/// What the loop carries from one event to the next.
struct LiveState {
    cursor: SpeechCursor,
    agreement: LocalAgreement,
    /// The last pause decoded ahead whose text did not end a sentence.
    held: Option<Decoded>,
    /// The last final's `sequence`.
    sequence: u64,
    pacer: PartialPacer,
    /// The end of what was last published, heard again before the next decode.
    lead: Option<Lead>,
}

/// The end of the last published decode: its last pieces' text and their audio, up to where
/// that decode's audio ended.
struct Lead {
    audio: Vec<f32>,
    text: String,
    /// Where the text's speech ends, in seconds from the start of `audio`.
    spoken_s: f64,
    /// The stream position where `audio` ends.
    end_sample: u64,
}

impl Lead {
    /// The last pieces of `decoded` that start within `LEAD_MAX_S` of its last word (the last
    /// piece alone when it is longer; nothing when that is longer than twice as much).
    fn of(decoded: &Decoded) -> Option<Self> {
        let last = decoded.pieces.last()?;
        let first = decoded
            .pieces
            .iter()
            .position(|piece| piece.start >= last.end - LEAD_MAX_S)
            .unwrap_or(decoded.pieces.len() - 1);
        let pieces = &decoded.pieces[first..];
        let start = pieces[0].start;
        if last.end - start > 2.0 * LEAD_MAX_S {
            return None;
        }
        let end = decoded.start + decoded.audio_s;
        Some(Self {
            audio: decoded.audio_between(start, end),
            text: pieces
                .iter()
                .map(|piece| piece.text.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            spoken_s: last.end - start,
            end_sample: (end * f64::from(STREAM_RATE)).round() as u64,
        })
    }

    /// Whether a decode from stream position `from` continues this lead.
    fn continued_at(&self, from: u64) -> bool {
        from >= self.end_sample && seconds(from - self.end_sample) <= LEAD_MAX_GAP_S
    }
}

/// Audio decoded with the final settings, not yet published.
struct Decoded {
    /// Times in stream seconds.
    pieces: Vec<TextSegment>,
    /// The audio decoded, from stream second `start` on: each final carries its part of it to
    /// the speakers stage.
    audio: Vec<f32>,
    start: f64,
    processing_s: f64,
    audio_s: f64,
}

impl Decoded {
    /// The audio from stream second `from` to `to`.
    fn audio_between(&self, from: f64, to: f64) -> Vec<f32> {
        let index =
            |t: f64| (((t - self.start) * f64::from(STREAM_RATE)).round().max(0.0) as usize).min(self.audio.len());
        let (a, b) = (index(from), index(to));
        self.audio[a..b.max(a)].to_vec()
    }
}

/// The loop's tools for one event.
struct LiveRun<'a> {
    transcriber: &'a Transcriber,
    out: &'a mpsc::Sender<AsrOutput>,
}

fn seconds(samples: u64) -> f64 {
    samples as f64 / f64::from(STREAM_RATE)
}

/// The audio of `segment` from stream position `from` on.
fn audio_from(segment: &SpeechSegment, from: u64) -> &[f32] {
    let offset = (from.saturating_sub(segment.start_sample) as usize).min(segment.samples.len());
    &segment.samples[offset..]
}

impl LiveRun<'_> {
    /// A live hypothesis of the speech not yet final. Returns false when the output closed.
    fn partial(&self, live: &mut LiveState, segment: &SpeechSegment) -> bool {
        let Some(from) = live.cursor.ahead(segment) else {
            return true;
        };
        let audio = audio_from(segment, from);
        let start = seconds(from);
        let prompt = self.transcriber.new_context();
        let started = Instant::now();
        let decoded = self.transcriber.transcribe_partial(audio, &prompt);
        live.pacer.decoded(started, Instant::now());
        let (hypothesis, language) = match decoded {
            Ok(partial) => partial,
            Err(error) => {
                tracing::warn!(%error, start, "A partial hypothesis failed; skipping it");
                return true;
            }
        };
        let partial = live.agreement.update(&hypothesis);
        if partial.text().is_empty() {
            // Nothing recognised yet (or only what the firewall held back): say nothing.
            return true;
        }
        let message = PartialTranscript {
            sequence: live.sequence + 1,
            start,
            end: seconds(segment.end_sample()),
            text: partial.text(),
            stable: partial.stable,
            language,
        };
        self.out.blocking_send(AsrOutput::Partial(message)).is_ok()
    }

    /// The speech paused: decode it ahead; publish it if it ends a phrase, else hold it.
    fn pause(&self, live: &mut LiveState, segment: &SpeechSegment) -> bool {
        let Some(from) = live.cursor.ahead(segment) else {
            return true;
        };
        let decoded = match self.decode(segment, from, live.lead.as_ref()) {
            Ok(decoded) => decoded,
            Err(error) => {
                tracing::warn!(%error, start = seconds(from), "Decoding at a pause failed; the segment's final decodes it again");
                return true;
            }
        };
        let complete = decoded.pieces.last().is_some_and(|piece| ends_phrase(&piece.text));
        if live.cursor.decoded_ahead(segment, from, complete) {
            live.held = None;
            self.publish(live, decoded)
        } else {
            live.held = Some(decoded);
            true
        }
    }

    /// The pause lasted: the speech up to it ends a turn. Publish the decode held from the
    /// pause, or, when the pause was not decoded (skipped while ASR was busy), decode it now.
    fn long_pause(&self, live: &mut LiveState, segment: &SpeechSegment) -> bool {
        if live.cursor.held_covers(segment) {
            if let Some(decoded) = live.held.take() {
                live.cursor.publish_held(segment);
                return self.publish(live, decoded);
            }
        }
        let Some(from) = live.cursor.ahead(segment) else {
            return true;
        };
        match self.decode(segment, from, live.lead.as_ref()) {
            Ok(decoded) => {
                live.cursor.decoded_ahead(segment, from, true);
                live.held = None;
                self.publish(live, decoded)
            }
            Err(error) => {
                tracing::warn!(%error, start = seconds(from), "Decoding at a long pause failed; the segment's final decodes it again");
                true
            }
        }
    }

    /// The segment closed: publish what of it is not final yet.
    fn finalise(&self, live: &mut LiveState, segment: &SpeechSegment) -> bool {
        let held = live.held.take();
        let carry_on = match (live.cursor.plan_final(segment), held) {
            (FinalPlan::PublishHeld, Some(decoded)) => self.publish(live, decoded),
            (FinalPlan::Nothing, _) => true,
            // A held decode lost to a settings change is decoded again.
            (FinalPlan::Decode { .. } | FinalPlan::PublishHeld, _) => {
                let from = live.cursor.from(segment);
                match self.decode(segment, from, live.lead.as_ref()) {
                    Ok(decoded) => self.publish(live, decoded),
                    Err(error) => {
                        tracing::error!(%error, start = seconds(from), "Transcription of a speech segment failed; skipping it");
                        true
                    }
                }
            }
        };
        live.cursor.closed(segment);
        live.agreement.reset();
        carry_on
    }

    /// Decodes `segment` from stream position `from` with the final settings, after `lead` when
    /// it leads up to `from`, without publishing anything.
    fn decode(&self, segment: &SpeechSegment, from: u64, lead: Option<&Lead>) -> Result<Decoded, AsrError> {
        let audio = audio_from(segment, from);
        let (start, audio_s) = (seconds(from), audio.len() as f64 / f64::from(STREAM_RATE));
        let lead = lead.filter(|lead| lead.continued_at(from));
        let started = Instant::now();
        let (pieces, lead_s) = match lead {
            Some(lead) => {
                let heard: Vec<f32> = lead.audio.iter().chain(audio).copied().collect();
                let lead_in = LeadIn {
                    text: &lead.text,
                    spoken_s: lead.spoken_s,
                };
                let lead_s = lead.audio.len() as f64 / f64::from(STREAM_RATE);
                (self.transcriber.transcribe_live(&heard, Some(&lead_in))?, lead_s)
            }
            None => (self.transcriber.transcribe_live(audio, None)?, 0.0),
        };
        let processing_s = started.elapsed().as_secs_f64();
        tracing::debug!(
            start,
            audio_s,
            lead_s,
            elapsed_ms = (processing_s * 1e3) as u64,
            pieces = pieces.len(),
            "Decoded speech"
        );
        // Times from the start of the lead become stream times; the new audio starts at `from`.
        let to_stream = |t: f64| start + (t - lead_s).clamp(0.0, audio_s);
        Ok(Decoded {
            pieces: pieces
                .into_iter()
                .map(|piece| {
                    let (piece_start, piece_end) = (to_stream(piece.start), to_stream(piece.end));
                    let words = piece
                        .words
                        .iter()
                        .map(|word| super::Word {
                            word: word.word.clone(),
                            start: to_stream(word.start),
                            end: to_stream(word.end),
                        })
                        .collect();
                    TextSegment {
                        start: piece_start,
                        end: piece_end.max(piece_start),
                        words,
                        ..piece
                    }
                })
                .collect(),
            audio: audio.to_vec(),
            start,
            processing_s,
            audio_s,
        })
    }

    /// Sends `decoded` as finals.
    fn publish(&self, live: &mut LiveState, decoded: Decoded) -> bool {
        self.transcriber.timings.record(decoded.processing_s, decoded.audio_s);
        live.agreement.reset();
        if let Some(lead) = Lead::of(&decoded) {
            live.lead = Some(lead);
        }
        for piece in &decoded.pieces {
            live.sequence += 1;
            let heard = HeardTranscript {
                transcript: Transcript {
                    sequence: live.sequence,
                    start: piece.start,
                    end: piece.end,
                    text: piece.text.clone(),
                    confidence: piece.confidence,
                    language: piece.language.clone(),
                    speaker: None,
                },
                audio: decoded.audio_between(piece.start, piece.end),
                words: piece.words.iter().map(TimedWord::from).collect(),
            };
            if self.out.blocking_send(AsrOutput::Final(heard)).is_err() {
                return false;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn piece(start: f64, end: f64, text: &str) -> TextSegment {
        TextSegment {
            start,
            end,
            text: text.into(),
            confidence: 0.9,
            words: Vec::new(),
            language: "en".into(),
        }
    }

    /// A decode from stream second 10 of 12 s of audio (a ramp, so positions can be read back).
    fn decoded(pieces: Vec<TextSegment>) -> Decoded {
        Decoded {
            pieces,
            audio: (0..12 * STREAM_RATE as usize).map(|i| i as f32).collect(),
            start: 10.0,
            processing_s: 0.5,
            audio_s: 12.0,
        }
    }

    #[test]
    fn the_lead_is_the_last_pieces_within_six_seconds_and_the_audio_up_to_the_decodes_end() {
        let lead = Lead::of(&decoded(vec![
            piece(10.0, 13.0, "First."),
            piece(15.0, 17.0, "Second."),
            piece(17.5, 20.5, "Third."),
        ]))
        .expect("a lead");
        assert_eq!(lead.text, "Second. Third.");
        assert!((lead.spoken_s - 5.5).abs() < 1e-9);
        assert_eq!(
            lead.audio.len(),
            7 * STREAM_RATE as usize,
            "from 15 s to the end at 22 s"
        );
        assert_eq!(lead.audio[0], 5.0 * STREAM_RATE as f32);
        assert_eq!(lead.end_sample, 22 * u64::from(STREAM_RATE));
    }

    #[test]
    fn a_long_last_piece_leads_alone_and_a_very_long_one_not_at_all() {
        let alone = Lead::of(&decoded(vec![piece(10.0, 11.0, "One."), piece(11.5, 19.0, "Two.")])).unwrap();
        assert_eq!(alone.text, "Two.");
        assert!(Lead::of(&decoded(vec![piece(10.0, 22.5, "Long.")])).is_none());
        assert!(Lead::of(&decoded(Vec::new())).is_none());
    }

    #[test]
    fn a_lead_continues_only_what_follows_it_closely() {
        let lead = Lead::of(&decoded(vec![piece(10.0, 13.0, "First.")])).unwrap();
        let at = |s: f64| (s * f64::from(STREAM_RATE)) as u64;
        assert!(lead.continued_at(at(22.0)), "the same segment, straight after");
        assert!(lead.continued_at(at(24.5)), "the next segment, after a short silence");
        assert!(!lead.continued_at(at(25.5)), "after a long silence");
        assert!(!lead.continued_at(at(21.0)), "audio it already holds");
    }
}
