//! The ASR stage's live loop: speech events from the VAD stage in, partial and final
//! transcripts out, on a dedicated thread.
//!
//! Finals come at turn ends, not only at segment ends: each pause of the open segment is decoded
//! ahead with the final settings, and published at once when its text is a phrase of more than
//! one word, or, when it is not, the whole sentences before the unfinished phrase are; and when
//! a partial shows a sentence finished with speech after it (two turns with no pause between),
//! the open segment is decoded with the final settings at once and its whole sentences published
//! (see `streaming`, which decides what each event decodes; this loop only runs the model and
//! sends).
//! Partials are decoded greedily, only when nothing else waits and at most half of the time
//! (`PartialPacer`), and a partial gives way between decoder steps when a pause or a close
//! arrives, so that they rarely delay a final.
//! With `asr.revise_finals`, published finals are heard again together, about 20 s at a time
//! or when the room goes quiet, as `transcribe` hears them; those that come out different go
//! out as revisions (see `revise`, which decides the groups and which word is whose).
//! Each final is decoded after the speech of the finals just before it (`HeardTail`).
//! Never stores, publishes or logs text itself.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::time::Instant;

use tokio::sync::mpsc;

use super::decode::prompt::PromptContext;
use super::revise::{Group, HeardWord, Outcome, PublishedFinal, Unrevised, PROMPT_FROM_SAMPLES};
use super::streaming::{
    complete_at_pause, finished_sentences, is_superseded, sentence_ends_with_more, FinalPlan, LocalAgreement,
    PartialPacer, SpeechCursor,
};
use super::whisper::N_SAMPLES;
use super::{AsrCounters, AsrError, HeardBefore, RevisionStats, TextSegment, Transcriber};
use crate::config::live::Section;
use crate::config::AsrConfig;
use crate::pipeline::{
    AsrOutput, HeardTranscript, PartialTranscript, SpeechEvent, SpeechSegment, TimedWord, Transcript, STREAM_RATE,
};
use crate::stage::StageContext;

/// Events read ahead of the one being handled (the VAD → ASR channel's capacity).
const LOOKAHEAD: usize = 16;

/// The most of the last finals' speech a live final is decoded after (`HeardTail`). Public
/// corpus, beam 5, live WER 21.0 % with none; about 18.9 % with speech before only up to 9 s in
/// all (what the encoder's shortest context holds anyway); 15.7 % with up to 8 s before every
/// final that fits one window with it, for about a third more CPU (the encoder hears more).
const HEARD_BEFORE_SAMPLES: usize = 8 * STREAM_RATE as usize;
/// Speech heard longer ago than this before a final is no context for it.
const HEARD_WITHIN_S: f64 = 30.0;

/// Runs the stage until its input closes (then hears again whatever finals are still
/// unrevised). A decode that fails is logged, and the audio it covered is decoded again with
/// the segment's final (a failed final is skipped).
///
/// Live decodes are prompted with `asr.initial_prompt` and `asr.hotwords` only, never with the
/// text before them (`condition_on_previous_text` is for `transcribe`'s 30 s windows): given a
/// sentence of audio and the previous sentences as prompt, Whisper copies the prompt instead of
/// hearing the audio (pub_m02: "The training budget is almost unused…" came out twice as "Let's
/// get started.", the meeting's opening words, and was lost; with the prompt cut to 48 tokens,
/// still once). Instead, a final is decoded after the speech of the finals just before it, that
/// speech's text given as what the decoder has already written in the window (`HeardTail`):
/// tied to audio it can hear, the text is continued, not copied, and a short phrase is heard in
/// its context ("Sounds good to me." alone came out as "How is it going to me?").
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
        sentence_ends_tried: 0,
        held: None,
        sequence: 0,
        pacer: PartialPacer::default(),
        revise: live_config.current().revise_finals,
        unrevised: Unrevised::default(),
        revision_context: transcriber.new_context(),
        heard: HeardTail::default(),
    };
    // Events taken from the channel and not yet handled, so that a skipped event can be told
    // from one that is only late; no more than the channel holds.
    let mut waiting: VecDeque<SpeechEvent> = VecDeque::with_capacity(LOOKAHEAD);
    loop {
        if waiting.is_empty() {
            match events.blocking_recv() {
                Some(event) => waiting.push_back(event),
                None => {
                    // The source ended: hear the last finals again. Not on a stop, where the
                    // meeting's summary waits behind this stage (they stand as published).
                    if !ctx.shutdown.is_requested() {
                        let run = LiveRun {
                            transcriber: &transcriber,
                            out: &out,
                            revisions: &ctx.counters.revisions,
                        };
                        let _work = ctx.heartbeat.working();
                        run.revise_while(&mut live, || true);
                    }
                    return;
                }
            }
        }
        read_ahead(&mut events, &mut waiting);
        let Some(event) = waiting.pop_front() else {
            return;
        };
        let _work = ctx.heartbeat.working();
        if let Some(config) = live_config.take_change() {
            match transcriber.reconfigure(&config) {
                Ok(()) => {
                    live.held = None;
                    live.revise = config.revise_finals;
                    // The prompt starts again from the new initial prompt, and what was heard
                    // under the old settings is no context.
                    live.revision_context = transcriber.new_context();
                    live.heard = HeardTail::default();
                    if !live.revise {
                        live.unrevised.clear();
                        ctx.counters.revisions.awaiting.store(0, Ordering::Relaxed);
                    }
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
            revisions: &ctx.counters.revisions,
        };
        // While ASR lags, what a later event carries is not decoded twice (see `is_superseded`).
        let superseded = is_superseded(&event, waiting.iter())
            || matches!(event, SpeechEvent::Partial(_)) && !live.pacer.due(Instant::now());
        tracing::debug!(
            event = event.kind(),
            speech_end_s = event.segment().map(|s| seconds(s.speech_end_sample)),
            waiting = waiting.len(),
            superseded,
            "Speech event"
        );
        let carry_on = match event {
            _ if superseded => true,
            SpeechEvent::Partial(segment) => {
                // A pause or a close that arrives meanwhile is a turn's end waiting: the
                // partial gives way to it.
                let inbox = RefCell::new((&mut events, &mut waiting));
                let turn_end_waiting = || {
                    let (events, waiting) = &mut *inbox.borrow_mut();
                    read_ahead(events, waiting);
                    waiting.iter().any(SpeechEvent::ends_speech)
                };
                run.partial(&mut live, &segment, &turn_end_waiting)
            }
            SpeechEvent::Pause(segment) => run.pause(&mut live, &segment),
            SpeechEvent::LongPause(segment) => run.long_pause(&mut live, &segment),
            SpeechEvent::Final(segment) => {
                // Between turns, when finals enough for a window with context have gathered:
                // one window, and only if no speech waits.
                run.finalise(&mut live, &segment)
                    && (!waiting.is_empty()
                        || !events.is_empty()
                        || !live.unrevised.due()
                        || run.revise_next(&mut live))
            }
            // The room is quiet: one window after another, for as long as no speech comes.
            SpeechEvent::Quiet { .. } => !waiting.is_empty() || run.revise_while(&mut live, || events.is_empty()),
        };
        if !carry_on {
            tracing::warn!("Transcript output closed; the ASR stage stops");
            return;
        }
    }
}

/// Moves what the VAD stage has sent meanwhile into `waiting`, up to `LOOKAHEAD` events.
fn read_ahead(events: &mut mpsc::Receiver<SpeechEvent>, waiting: &mut VecDeque<SpeechEvent>) {
    while waiting.len() < LOOKAHEAD {
        match events.try_recv() {
            Ok(event) => waiting.push_back(event),
            Err(_) => break,
        }
    }
}

/// What the loop carries from one event to the next.
struct LiveState {
    cursor: SpeechCursor,
    agreement: LocalAgreement,
    /// How many sentence ends with words after them the partial held when the open segment was
    /// last decoded for them (`sentence_ends_with_more`).
    sentence_ends_tried: usize,
    /// The last pause decoded ahead whose text did not end a sentence.
    held: Option<Decoded>,
    /// The last final's `sequence`.
    sequence: u64,
    pacer: PartialPacer,
    /// `asr.revise_finals`.
    revise: bool,
    /// Finals published and not heard again yet.
    unrevised: Unrevised,
    /// The text heard again so far, for the next group's prompt.
    revision_context: PromptContext,
    /// The last finals' speech, for the next final's decode.
    heard: HeardTail,
}

/// The speech of the last finals published and their text, end to end (a final's speech runs
/// from its start to the next one's, or to its decode's end; speech between segments that was
/// no final is not in it), at most `HEARD_BEFORE_SAMPLES`. A live final is decoded after the
/// most of it that fits (`Transcriber::transcribe_live`).
#[derive(Debug, Default)]
struct HeardTail {
    audio: Vec<f32>,
    /// Each final's first sample in `audio`, and its text.
    finals: VecDeque<(usize, String)>,
    /// Where `audio` ends, in stream seconds.
    end: f64,
}

impl HeardTail {
    /// Adds a decode's finals, and forgets the oldest beyond `HEARD_BEFORE_SAMPLES`.
    fn push(&mut self, decoded: &Decoded) {
        let Some(first) = decoded.pieces.first() else {
            return;
        };
        let end = decoded.start + decoded.audio_s;
        let from = first.start.clamp(decoded.start, end);
        for piece in &decoded.pieces {
            let offset = ((piece.start.max(from) - from) * f64::from(STREAM_RATE)).round() as usize;
            self.finals.push_back((self.audio.len() + offset, piece.text.clone()));
        }
        self.audio.extend(decoded.audio_between(from, end));
        self.end = end;
        while self
            .finals
            .front()
            .is_some_and(|&(offset, _)| self.audio.len().saturating_sub(offset) > HEARD_BEFORE_SAMPLES)
        {
            self.finals.pop_front();
        }
        let kept_from = self.finals.front().map_or(self.audio.len(), |&(offset, _)| offset);
        self.audio.drain(..kept_from.min(self.audio.len()));
        for (offset, _) in &mut self.finals {
            *offset -= kept_from;
        }
    }

    /// The speech and text of the latest finals that fit in one window with `own_samples` of
    /// audio starting at stream second `start`, when they were heard just before it.
    fn before(&self, start: f64, own_samples: usize) -> Option<(&[f32], String)> {
        if !(self.end - 0.05..=self.end + HEARD_WITHIN_S).contains(&start) {
            return None;
        }
        let room = N_SAMPLES.saturating_sub(own_samples);
        let first = self
            .finals
            .iter()
            .position(|&(offset, _)| self.audio.len() - offset <= room)?;
        let text = self
            .finals
            .iter()
            .skip(first)
            .map(|(_, text)| text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        Some((&self.audio[self.finals[first].0..], text))
    }
}

impl LiveState {
    /// Finals took over what the partials showed: their agreement starts again.
    fn restart_partials(&mut self) {
        self.agreement.reset();
        self.sentence_ends_tried = 0;
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
    /// Its first `count` pieces, and the rest, cut where the rest starts.
    fn split_at(self, count: usize) -> (Decoded, Decoded) {
        let end = self.start + self.audio_s;
        let cut = self
            .pieces
            .get(count)
            .map_or(end, |piece| piece.start.clamp(self.start, end));
        let (done_audio, rest_audio) = (self.audio_between(self.start, cut), self.audio_between(cut, end));
        let mut first = self.pieces;
        let rest = first.split_off(count.min(first.len()));
        let done = Decoded {
            audio: done_audio,
            pieces: first,
            start: self.start,
            processing_s: self.processing_s,
            audio_s: cut - self.start,
        };
        let rest = Decoded {
            audio: rest_audio,
            pieces: rest,
            start: cut,
            processing_s: 0.0,
            audio_s: end - cut,
        };
        (done, rest)
    }

    /// The same decode with each piece cut at the sentence ends inside it.
    fn with_sentences_apart(self) -> Decoded {
        Decoded {
            pieces: self
                .pieces
                .into_iter()
                .flat_map(TextSegment::split_at_sentence_ends)
                .collect(),
            ..self
        }
    }

    /// Where it starts in the stream, in samples.
    fn start_sample(&self) -> u64 {
        (self.start * f64::from(STREAM_RATE)).round() as u64
    }

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
    revisions: &'a RevisionStats,
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
    /// A live hypothesis of the speech not yet final, given up when `give_way` says so.
    /// Returns false when the output closed.
    fn partial(&self, live: &mut LiveState, segment: &SpeechSegment, give_way: &dyn Fn() -> bool) -> bool {
        let Some(from) = live.cursor.ahead(segment) else {
            return true;
        };
        let audio = audio_from(segment, from);
        let start = seconds(from);
        let prompt = self.transcriber.new_context();
        let started = Instant::now();
        let decoded = self.transcriber.transcribe_partial(audio, &prompt, give_way);
        live.pacer.decoded(started, Instant::now());
        let (hypothesis, language) = match decoded {
            Ok(partial) => partial,
            Err(AsrError::Abandoned) => {
                tracing::debug!(start, "A partial gave way to the end of a turn");
                return true;
            }
            Err(error) => {
                tracing::warn!(%error, start, "A partial hypothesis failed; skipping it");
                return true;
            }
        };
        let partial = live.agreement.update(&hypothesis);
        let text = partial.text();
        // A sentence with speech after it: a turn may have ended inside the open segment (a
        // quick reply, no pause between). Its final need not wait for a pause, nor for a second
        // partial to agree: the final's own decode tells.
        let sentence_ends = sentence_ends_with_more(&text);
        if sentence_ends > live.sentence_ends_tried && !give_way() {
            live.sentence_ends_tried = sentence_ends;
            if let Some(carry_on) = self.finish_sentences(live, segment, from) {
                return carry_on;
            }
        }
        if text.is_empty() {
            // Nothing recognised yet (or only what the firewall held back): say nothing.
            return true;
        }
        let message = PartialTranscript {
            sequence: live.sequence + 1,
            start,
            end: seconds(segment.end_sample()),
            text,
            stable: partial.stable,
            language,
        };
        self.out.blocking_send(AsrOutput::Partial(message)).is_ok()
    }

    /// The speech paused: decode it ahead; publish it if it is a whole phrase of more than one
    /// word (`complete_at_pause`), else hold it.
    fn pause(&self, live: &mut LiveState, segment: &SpeechSegment) -> bool {
        let Some(from) = live.cursor.ahead(segment) else {
            return true;
        };
        let decoded = match self.decode(live, segment, from) {
            Ok(decoded) => decoded,
            Err(error) => {
                tracing::warn!(%error, start = seconds(from), "Decoding at a pause failed; the segment's final decodes it again");
                return true;
            }
        };
        let text = decoded
            .pieces
            .iter()
            .map(|piece| piece.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let complete = complete_at_pause(&text);
        if live.cursor.decoded_ahead(segment, from, complete) {
            live.held = None;
            return self.publish(live, decoded);
        }
        let decoded = decoded.with_sentences_apart();
        let texts: Vec<&str> = decoded.pieces.iter().map(|piece| piece.text.as_str()).collect();
        let sentences = finished_sentences(&texts);
        if sentences > 0 {
            // Whole sentences, then a phrase that goes on: the sentences are final now, the
            // phrase is held as an unfinished pause's decode is.
            let (done, rest) = decoded.split_at(sentences);
            live.cursor.published_until(segment, rest.start_sample(), true);
            live.held = Some(rest);
            self.publish(live, done)
        } else {
            live.held = Some(decoded);
            true
        }
    }

    /// Decodes the open segment from `from` with the final settings, and publishes the whole
    /// sentences it finds before the words still being spoken (`finished_sentences`): their
    /// audio is final, the rest carries on as the open segment. `None` when it found none (or
    /// the decode failed: the segment's next pause or close decodes that audio again).
    fn finish_sentences(&self, live: &mut LiveState, segment: &SpeechSegment, from: u64) -> Option<bool> {
        let decoded = match self.decode(live, segment, from) {
            Ok(decoded) => decoded.with_sentences_apart(),
            Err(error) => {
                tracing::warn!(%error, start = seconds(from), "Decoding a finished sentence failed; the next pause decodes it again");
                return None;
            }
        };
        let texts: Vec<&str> = decoded.pieces.iter().map(|piece| piece.text.as_str()).collect();
        let sentences = finished_sentences(&texts);
        if sentences == 0 {
            return None;
        }
        let (done, still_spoken) = decoded.split_at(sentences);
        live.cursor.published_until(segment, still_spoken.start_sample(), false);
        live.held = None;
        Some(self.publish(live, done))
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
        match self.decode(live, segment, from) {
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
                match self.decode(live, segment, from) {
                    Ok(decoded) => self.publish(live, decoded),
                    Err(error) => {
                        tracing::error!(%error, start = seconds(from), "Transcription of a speech segment failed; skipping it");
                        true
                    }
                }
            }
        };
        live.cursor.closed(segment);
        live.restart_partials();
        carry_on
    }

    /// Decodes `segment` from stream position `from` with the final settings, without
    /// publishing anything.
    fn decode(&self, live: &LiveState, segment: &SpeechSegment, from: u64) -> Result<Decoded, AsrError> {
        let audio = audio_from(segment, from);
        let (start, audio_s) = (seconds(from), audio.len() as f64 / f64::from(STREAM_RATE));
        let mut context = self.transcriber.new_context();
        let heard = live.heard.before(start, audio.len());
        let started = Instant::now();
        let pieces = self.transcriber.transcribe_live(
            heard.as_ref().map(|(audio, text)| HeardBefore { audio, text }),
            audio,
            &mut context,
        )?;
        let processing_s = started.elapsed().as_secs_f64();
        tracing::debug!(
            start,
            audio_s,
            heard_before_s = heard
                .as_ref()
                .map_or(0.0, |(audio, _)| audio.len() as f64 / f64::from(STREAM_RATE)),
            elapsed_ms = (processing_s * 1e3) as u64,
            pieces = pieces.len(),
            "Decoded speech"
        );
        Ok(Decoded {
            pieces: pieces
                .into_iter()
                .map(|piece| {
                    let end = piece.end.min(audio_s);
                    TextSegment { end, ..piece }.shifted(start)
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
        live.restart_partials();
        live.heard.push(&decoded);
        let decoded_end = decoded.start + decoded.audio.len() as f64 / f64::from(STREAM_RATE);
        for (index, piece) in decoded.pieces.iter().enumerate() {
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
                    revision: 1,
                },
                audio: decoded.audio_between(piece.start, piece.end),
                words: piece.words.iter().map(TimedWord::from).collect(),
            };
            if live.revise {
                // Heard again, the decode's audio is cut only where its pieces meet: a piece's
                // own times may clip its last syllable, which a second hearing would then miss.
                let from = if index == 0 { decoded.start } else { piece.start };
                let to = decoded.pieces.get(index + 1).map_or(decoded_end, |next| next.start);
                let forgotten = live.unrevised.push(PublishedFinal {
                    sequence: live.sequence,
                    start: from,
                    text: piece.text.clone(),
                    confidence: piece.confidence,
                    audio: decoded.audio_between(from, to),
                });
                self.revisions.forgotten.fetch_add(forgotten as u64, Ordering::Relaxed);
                self.count_awaiting(live);
            }
            if self.out.blocking_send(AsrOutput::Final(heard)).is_err() {
                return false;
            }
        }
        true
    }

    /// Hears the oldest unrevised finals again (one window). Returns false when the output
    /// closed.
    fn revise_next(&self, live: &mut LiveState) -> bool {
        let Some(group) = live.unrevised.take_group() else {
            return true;
        };
        let carry_on = self.revise(live, &group);
        self.count_awaiting(live);
        carry_on
    }

    /// Tells health how many finals wait to be heard again.
    fn count_awaiting(&self, live: &LiveState) {
        self.revisions
            .awaiting
            .store(live.unrevised.len() as u64, Ordering::Relaxed);
    }

    /// Hears unrevised finals again, a window at a time, while `idle` says nothing else waits.
    fn revise_while(&self, live: &mut LiveState, idle: impl Fn() -> bool) -> bool {
        while !live.unrevised.is_empty() && idle() {
            if !self.revise_next(live) {
                return false;
            }
        }
        true
    }

    /// Decodes `group`'s finals together as `transcribe` would, and sends a revision of each
    /// whose text came out different. A failed decode revises nothing (the finals stand).
    fn revise(&self, live: &mut LiveState, group: &Group) -> bool {
        let audio = group.audio();
        // A short group is decoded without a prompt (Whisper would copy it, see `run_stage`),
        // after the audio heard before it instead.
        let prompted = group.finals_samples() >= PROMPT_FROM_SAMPLES;
        let mut context = if prompted {
            live.revision_context.clone()
        } else {
            self.transcriber.new_context()
        };
        let started = Instant::now();
        let pieces = match self.transcriber.transcribe_revision(&audio, &mut context) {
            Ok(pieces) => pieces,
            Err(error) => {
                tracing::warn!(%error, finals = group.finals.len(), "Hearing finals again failed; they stand as published");
                return true;
            }
        };
        if prompted {
            live.revision_context = context;
        }
        let words: Vec<HeardWord> = pieces
            .iter()
            .flat_map(|piece| {
                piece.words.iter().map(|w| HeardWord {
                    word: w.word.clone(),
                    start: w.start,
                    end: w.end,
                    confidence: piece.confidence,
                })
            })
            .collect();
        let revisions = match group.revise(&words) {
            Outcome::Revised(revisions) => revisions,
            Outcome::Distrusted { heard, published } => {
                tracing::debug!(heard, published, "Finals heard again gave far fewer words; they stand");
                self.revisions.distrusted.fetch_add(1, Ordering::Relaxed);
                return true;
            }
        };
        tracing::debug!(
            finals = group.finals.len(),
            revised = revisions.len(),
            audio_s = audio.len() as f64 / f64::from(STREAM_RATE),
            lead_in_s = group.lead_in.len() as f64 / f64::from(STREAM_RATE),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "Finals heard again"
        );
        self.revisions
            .finals_revised
            .fetch_add(revisions.len() as u64, Ordering::Relaxed);
        revisions
            .into_iter()
            .all(|revision| self.out.blocking_send(AsrOutput::Revision(revision)).is_ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: f64 = STREAM_RATE as f64;

    fn piece(start: f64, end: f64, text: &str) -> TextSegment {
        TextSegment {
            start,
            end,
            text: text.to_owned(),
            confidence: 0.9,
            words: Vec::new(),
            language: "en".to_owned(),
        }
    }

    /// A decode from stream second `start`, `audio_s` long, whose samples hold their own
    /// stream position (in samples), so that a slice tells where it came from.
    fn decoded(start: f64, audio_s: f64, pieces: Vec<TextSegment>) -> Decoded {
        let first = (start * RATE) as usize;
        Decoded {
            pieces,
            audio: (first..first + (audio_s * RATE) as usize).map(|i| i as f32).collect(),
            start,
            processing_s: 0.1,
            audio_s,
        }
    }

    #[test]
    fn a_final_is_decoded_after_the_finals_just_before_it_as_many_as_fit() {
        let mut heard = HeardTail::default();
        heard.push(&decoded(
            10.0,
            3.0,
            vec![
                piece(10.2, 11.0, "We ship Friday."),
                piece(11.5, 12.8, "Any questions?"),
            ],
        ));
        heard.push(&decoded(14.0, 2.0, vec![piece(14.1, 15.9, "Sounds good.")]));
        let (audio, text) = heard.before(16.5, RATE as usize).unwrap();
        assert_eq!(text, "We ship Friday. Any questions? Sounds good.");
        assert_eq!(audio.len(), (2.8 * RATE) as usize + (1.9 * RATE) as usize);
        assert_eq!(audio[0], 10.2 * RATE as f32, "from the first final's start");
        assert_eq!(
            *audio.last().unwrap(),
            16.0 * RATE as f32 - 1.0,
            "to the last decode's end"
        );
        // Audio of its own that leaves room for the last final's speech only.
        let long_own = N_SAMPLES - (2.0 * RATE) as usize;
        let (audio, text) = heard.before(16.5, long_own).unwrap();
        assert_eq!(text, "Sounds good.");
        assert_eq!(audio[0], 14.1 * RATE as f32);
        assert!(heard.before(16.5, N_SAMPLES).is_none(), "no room at all");
    }

    #[test]
    fn speech_heard_long_before_or_overlapping_is_no_context_and_old_finals_are_forgotten() {
        let mut heard = HeardTail::default();
        assert!(heard.before(1.0, 100).is_none(), "nothing heard yet");
        heard.push(&decoded(
            0.0,
            10.0,
            vec![piece(0.0, 5.0, "One."), piece(5.0, 10.0, "Two.")],
        ));
        let (audio, text) = heard.before(10.0, 100).unwrap();
        assert_eq!(text, "Two.", "at most 8 s: the final that began 10 s ago is forgotten");
        assert_eq!(audio.len(), 5 * STREAM_RATE as usize);
        assert!(heard.before(10.0 + HEARD_WITHIN_S + 1.0, 100).is_none(), "too long ago");
        assert!(heard.before(9.0, 100).is_none(), "audio it already holds");
        heard.push(&decoded(12.0, 1.0, Vec::new()));
        assert_eq!(
            heard.before(13.0, 100).unwrap().1,
            "Two.",
            "a decode with no text adds nothing"
        );
        assert!(heard.audio.len() <= HEARD_BEFORE_SAMPLES);
    }
}
