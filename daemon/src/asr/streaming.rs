//! The live path's decisions, pure: which audio of the open segment to decode for each speech
//! event, when a decode made ahead of time becomes final, and the partials' LocalAgreement-2.
//!
//! Finals at turn ends: the VAD hands out the open segment at each pause (`vad.pause_ms` of
//! silence). ASR decodes it ahead with the final settings. If that text ends a phrase (a
//! sentence or clause mark) and is more than one word, it is published at once and the
//! segment's audio up to the pause is done (`SpeechCursor`: the audio after it carries on as
//! the open segment); if not, the whole sentences before its unfinished phrase are published
//! and the rest is held (`finished_sentences`), and the held text is published when the silence
//! lasts twice as long (a long pause ends a turn whatever its punctuation) or the segment closes
//! with no more speech, or is dropped when speech resumes. When no pause comes between two
//! turns, a partial that shows a sentence finished with words after it
//! (`sentence_ends_with_more`) has its final decoded then. Audio is never dropped: whatever was not published is decoded
//! again from where the published text's audio ends.
//!
//! Partials: LocalAgreement-2 (Macháček et al., "Turning Whisper into Real-Time Transcription
//! System", 2023): the growing speech buffer is re-decoded about once a second, and the words
//! two consecutive passes agree on are committed; the rest is tentative. Committed words never
//! change until the final transcript replaces them all.

use std::time::{Duration, Instant};

use crate::pipeline::{SpeechEvent, SpeechSegment};

/// Whether `event` can be skipped because one of the events `waiting` after it carries what it
/// would give: any later event supersedes a partial; a pause or long pause is superseded by a
/// later pause, long pause or close of the same segment (ASR is behind: the phrases are then
/// decoded together, one decode instead of several, so it catches up), but not by a partial
/// alone (speech resumed, and this pause may end a turn).
pub fn is_superseded<'a>(event: &SpeechEvent, mut waiting: impl Iterator<Item = &'a SpeechEvent>) -> bool {
    match event {
        SpeechEvent::Partial(_) => waiting.next().is_some(),
        SpeechEvent::Pause(pause) | SpeechEvent::LongPause(pause) => waiting.any(|later| match later {
            SpeechEvent::Pause(s) | SpeechEvent::LongPause(s) | SpeechEvent::Final(s) => {
                s.start_sample == pause.start_sample
            }
            SpeechEvent::Partial(_) | SpeechEvent::Quiet { .. } => false,
        }),
        SpeechEvent::Final(_) => false,
        // A later quiet spell does the same work.
        SpeechEvent::Quiet { .. } => waiting.any(|later| matches!(later, SpeechEvent::Quiet { .. })),
    }
}

/// Where the live path stands in the stream: what is final, and what was decoded ahead.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SpeechCursor {
    /// Stream position up to which finals are published: audio before it is never decoded again.
    committed_until: u64,
    /// The pause decoded ahead and held (its text did not end a sentence), if any.
    held: Option<AheadKey>,
}

/// Which audio a decode made ahead covered: the segment, where its speech ended, where the
/// decode began.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct AheadKey {
    segment_start: u64,
    speech_end: u64,
    from: u64,
}

/// What to do with a segment that closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FinalPlan {
    /// The decode held from its last pause covers all its speech: publish that.
    PublishHeld,
    /// Decode the segment from this stream position and publish it.
    Decode { from: u64 },
    /// Its speech was all published at pauses: only padding is left.
    Nothing,
}

impl SpeechCursor {
    /// Where decoding `segment` starts: after what is already final.
    pub fn from(&self, segment: &SpeechSegment) -> u64 {
        self.committed_until.clamp(segment.start_sample, segment.end_sample())
    }

    /// The stream position up to which finals are published.
    pub fn committed_until(&self) -> u64 {
        self.committed_until
    }

    /// A partial or a pause: the stream position to decode from, or `None` when no speech
    /// follows what is final.
    pub fn ahead(&self, segment: &SpeechSegment) -> Option<u64> {
        let from = self.from(segment);
        (segment.speech_end_sample > from).then_some(from)
    }

    /// A pause was decoded from `from`: publish it now if its text ends a phrase (then the
    /// segment's audio up to the pause is final), else hold it for the segment's close. Returns
    /// whether to publish.
    pub fn decoded_ahead(&mut self, pause: &SpeechSegment, from: u64, complete: bool) -> bool {
        if complete {
            self.committed_until = pause.end_sample();
            self.held = None;
        } else {
            self.held = Some(AheadKey {
                segment_start: pause.start_sample,
                speech_end: pause.speech_end_sample,
                from,
            });
        }
        complete
    }

    /// A decode made ahead published its leading sentences, up to stream position `until`
    /// (where its next piece starts): the segment's audio before it is final, and the rest
    /// carries on as the open segment. With `hold`, the rest of the decode is held, as a
    /// pause's whole decode is, for a long pause of the same silence or the close.
    pub fn published_until(&mut self, pause: &SpeechSegment, until: u64, hold: bool) {
        self.committed_until = self.committed_until.max(until.min(pause.end_sample()));
        self.held = hold.then(|| AheadKey {
            segment_start: pause.start_sample,
            speech_end: pause.speech_end_sample,
            from: self.from(pause),
        });
    }

    /// Whether the decode held from a pause covers `pause` (a long pause of the same silence).
    pub fn held_covers(&self, pause: &SpeechSegment) -> bool {
        let from = self.from(pause);
        self.held.as_ref().is_some_and(|held| {
            held.segment_start == pause.start_sample && held.speech_end == pause.speech_end_sample && held.from == from
        })
    }

    /// The held decode is published at a long pause: the segment's audio up to it is final.
    pub fn publish_held(&mut self, pause: &SpeechSegment) {
        self.committed_until = self.committed_until.max(pause.end_sample());
        self.held = None;
    }

    /// The segment closed: what to publish. Call `closed` once it is published.
    pub fn plan_final(&self, segment: &SpeechSegment) -> FinalPlan {
        let from = self.from(segment);
        if self.held_covers(segment) {
            FinalPlan::PublishHeld
        } else if segment.speech_end_sample > from {
            FinalPlan::Decode { from }
        } else {
            FinalPlan::Nothing
        }
    }

    /// The segment's final is published: all its audio is done.
    pub fn closed(&mut self, segment: &SpeechSegment) {
        self.committed_until = self.committed_until.max(segment.end_sample());
        self.held = None;
    }
}

/// Whether `text` ends a phrase: its last character, past closing quotes and brackets, is a
/// full stop, question mark, exclamation mark, comma, semicolon or colon. Whisper punctuates what
/// it hears as complete; without a prompt it often writes a turn's question mark as a comma, so
/// a comma at a pause counts too (a sentence may then come as two finals, no word lost). A
/// trailing ellipsis or dash is speech trailing off, not an end.
pub fn ends_phrase(text: &str) -> bool {
    let text = without_closing_marks(text);
    text.ends_with(['.', '?', '!', ',', ';', ':']) && !text.ends_with("...")
}

/// `text` without trailing space, closing quotes and brackets.
fn without_closing_marks(text: &str) -> &str {
    text.trim_end()
        .trim_end_matches(['"', '\'', '\u{201d}', '\u{2019}', ')', ']'])
}

/// Whether text decoded at a pause is a whole phrase, to publish at once: it ends a phrase and
/// holds more than one word. A single word before a short pause is more often the start of
/// what follows ("Tom," + "can you book the van?", a name Whisper then writes as "Tom.") or a
/// filler than a turn of its own; it is held, and a long pause still publishes it.
pub fn complete_at_pause(text: &str) -> bool {
    // Scripts written without spaces between words (Chinese, Japanese, Thai, …) cannot be
    // counted this way: there, a phrase mark is enough.
    let unspaced = text.chars().any(|c| {
        matches!(c, '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{9fff}' | '\u{0e00}'..='\u{0eff}' | '\u{1000}'..='\u{109f}' | '\u{1780}'..='\u{17ff}')
    });
    ends_phrase(text) && (unspaced || text.split_whitespace().count() > 1)
}

/// Whether `text` ends a sentence: a full stop, question mark or exclamation mark, past closing
/// quotes and brackets (not an ellipsis: speech trailing off).
pub fn ends_sentence(text: &str) -> bool {
    let text = without_closing_marks(text);
    text.ends_with(['.', '?', '!']) && !text.ends_with("...")
}

/// Of the pieces one decode found, in order, how many make whole sentences that speech went on
/// after: the leading pieces up to the last piece but one that ends a sentence, when they hold
/// more than one word (as `complete_at_pause`). The pieces after them may still be growing.
/// Whisper cuts its timestamped pieces at sentence ends, so two turns with no pause between
/// them (a quick reply) come out as two pieces: the first is final at the next pause, or as
/// soon as a partial confirms it, instead of waiting for the turn after it to end too.
pub fn finished_sentences(texts: &[&str]) -> usize {
    let before_last = &texts[..texts.len().saturating_sub(1)];
    let Some(last_end) = before_last.iter().rposition(|text| ends_sentence(text)) else {
        return 0;
    };
    let count = last_end + 1;
    if complete_at_pause(&texts[..count].join(" ")) {
        count
    } else {
        0
    }
}

/// How many sentences a partial's words finish with a word after them (a lone first word with a
/// mark is more often a name called than a sentence): when this grows, a turn may have ended
/// inside the open segment, worth a final's decode now. The partial's tentative words count as
/// well as its stable ones: waiting for a second partial to agree cost a second or more at turns
/// with no pause before the next speaker, and the final's own decode (beam search, the final
/// settings) is what decides whether a sentence ended there (`finished_sentences`).
pub fn sentence_ends_with_more(partial: &str) -> usize {
    let words: Vec<&str> = partial.split_whitespace().collect();
    words
        .iter()
        .enumerate()
        .filter(|&(index, word)| index > 0 && index + 1 < words.len() && ends_sentence(word))
        .count()
}

/// What a partial shows: the stable prefix, and the tentative rest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Partial {
    pub stable: String,
    pub tentative: String,
}

impl Partial {
    /// The whole hypothesis: stable words, then tentative ones.
    pub fn text(&self) -> String {
        match (self.stable.is_empty(), self.tentative.is_empty()) {
            (true, _) => self.tentative.clone(),
            (false, true) => self.stable.clone(),
            (false, false) => format!("{} {}", self.stable, self.tentative),
        }
    }
}

/// The agreement state of one open speech segment.
#[derive(Debug, Default)]
pub struct LocalAgreement {
    committed: Vec<String>,
    previous: Vec<String>,
}

impl LocalAgreement {
    /// Takes the newest hypothesis of the whole buffer so far.
    pub fn update(&mut self, hypothesis: &str) -> Partial {
        let words: Vec<String> = hypothesis.split_whitespace().map(str::to_owned).collect();
        let agreed = self
            .previous
            .iter()
            .zip(&words)
            .take_while(|(a, b)| same_word(a, b))
            .count();
        // Commit only forward, and only what still agrees with what was committed before.
        let still_consistent = self.committed.iter().zip(&words).all(|(a, b)| same_word(a, b));
        if agreed > self.committed.len() && still_consistent {
            self.committed = words[..agreed].to_vec();
        }
        let tentative = if still_consistent {
            words.get(self.committed.len()..).unwrap_or_default().join(" ")
        } else {
            String::new()
        };
        self.previous = words;
        Partial {
            stable: self.committed.join(" "),
            tentative,
        }
    }

    /// The segment ended (its final transcript takes over): start again.
    pub fn reset(&mut self) {
        self.committed.clear();
        self.previous.clear();
    }
}

/// Words agree when they differ at most in case and punctuation (a comma that comes and goes
/// as more context arrives is not a disagreement).
fn same_word(a: &str, b: &str) -> bool {
    let key = |w: &str| -> String {
        w.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    key(a) == key(b)
}

/// Keeps partials from taking more than half of the ASR thread, so that a turn's end mostly
/// finds it free: a pause that arrives while a partial decodes waits for it (the encoder cannot
/// be interrupted), which is the largest part of a final's latency after its own decode.
/// A partial is due when the thread has been free of partials for at least as long as the last
/// one took.
#[derive(Debug, Default, Clone, Copy)]
pub struct PartialPacer {
    /// When the last partial's decode ended, and how long it took.
    last: Option<(Instant, Duration)>,
}

impl PartialPacer {
    /// Whether a partial may be decoded at `now`.
    pub fn due(&self, now: Instant) -> bool {
        self.last
            .is_none_or(|(ended, took)| now.saturating_duration_since(ended) >= took)
    }

    /// A partial's decode ran from `started` to `ended`.
    pub fn decoded(&mut self, started: Instant, ended: Instant) {
        self.last = Some((ended, ended.saturating_duration_since(started)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A segment starting at `start`, `len` samples long, its speech ending at `speech_end`.
    fn segment(start: u64, len: usize, speech_end: u64) -> SpeechSegment {
        SpeechSegment {
            start_sample: start,
            samples: vec![0.0; len],
            speech_end_sample: speech_end,
        }
    }

    #[test]
    fn phrases_end_at_sentence_and_clause_marks() {
        for complete in [
            "We agreed.",
            "Who orders it?",
            "Great!",
            "He said \"done.\"",
            "(Fine.) ",
        ] {
            assert!(ends_phrase(complete), "{complete}");
        }
        assert!(ends_phrase("the new furniture,"), "a clause mark");
        for open in ["We agreed to", "So...", "", "Well -"] {
            assert!(!ends_phrase(open), "{open}");
        }
    }

    #[test]
    fn a_lone_word_at_a_pause_waits_for_what_follows() {
        assert!(complete_at_pause("Can you book the van?"));
        assert!(complete_at_pause("Sure, leave it with me."));
        assert!(!complete_at_pause("Tom."));
        assert!(!complete_at_pause("Okay,"));
        assert!(complete_at_pause("我们周五发布吧,"), "no spaces between words to count");
        assert!(!complete_at_pause("Can you book the"));
    }

    #[test]
    fn waiting_events_supersede_partials_but_a_pause_only_by_more_of_its_segment() {
        let partial = SpeechEvent::Partial(segment(0, 3000, 3000));
        let pause = SpeechEvent::Pause(segment(0, 5000, 4800));
        let later_pause = SpeechEvent::Pause(segment(0, 9000, 8800));
        let long = SpeechEvent::LongPause(segment(0, 5000, 4800));
        let close = SpeechEvent::Final(segment(0, 5000, 4800));
        assert!(is_superseded(&partial, [&pause].into_iter()));
        assert!(!is_superseded(&partial, std::iter::empty()));
        assert!(
            !is_superseded(&pause, [&partial].into_iter()),
            "speech resumed: this pause may still end a turn"
        );
        assert!(
            is_superseded(&pause, [&partial, &later_pause].into_iter()),
            "ASR is behind by a phrase: decode them together"
        );
        assert!(is_superseded(&pause, [&long].into_iter()));
        assert!(is_superseded(&pause, [&close].into_iter()));
        assert!(is_superseded(&long, [&close].into_iter()));
        let other_segment = SpeechEvent::Final(segment(90_000, 5000, 94_800));
        assert!(!is_superseded(&pause, [&other_segment].into_iter()));
        assert!(!is_superseded(&close, [&partial].into_iter()));
    }

    #[test]
    fn a_pause_ending_a_sentence_is_published_and_the_rest_decoded_after_it() {
        let mut cursor = SpeechCursor::default();
        let pause = segment(1000, 5000, 5800);
        assert_eq!(cursor.ahead(&pause), Some(1000));
        assert!(cursor.decoded_ahead(&pause, 1000, true));
        assert_eq!(cursor.committed_until(), 6000);
        // Speech resumed; the segment closes later with more speech: only that is decoded.
        let closed = segment(1000, 12_000, 12_800);
        assert_eq!(cursor.plan_final(&closed), FinalPlan::Decode { from: 6000 });
        let partial = segment(1000, 9000, 10_000);
        assert_eq!(
            cursor.ahead(&partial),
            Some(6000),
            "partials show only what is not final"
        );
        cursor.closed(&closed);
        assert_eq!(cursor.committed_until(), 13_000);
    }

    #[test]
    fn whole_sentences_before_an_unfinished_phrase_are_done_and_the_last_piece_never_is() {
        let quick_reply = [
            "Sorry, I'm on the train, so if I cut out, that's why.",
            "No worries, so the goal today is",
        ];
        assert_eq!(finished_sentences(&quick_reply), 1);
        assert_eq!(finished_sentences(&["We agreed.", "Who orders it?", "and then"]), 2);
        assert_eq!(
            finished_sentences(&["We agreed.", "Fine."]),
            1,
            "the last piece may still be growing, whatever its mark"
        );
        assert_eq!(finished_sentences(&["Tom.", "can you book the van"]), 0, "one word");
        assert_eq!(
            finished_sentences(&["so if I cut out,", "that's why"]),
            0,
            "a clause mark"
        );
        assert_eq!(finished_sentences(&["and then...", "we left"]), 0, "trailing off");
        assert_eq!(finished_sentences(&["One sentence."]), 0);
        assert_eq!(finished_sentences(&[]), 0);
    }

    #[test]
    fn a_sentence_end_counts_once_a_word_follows_it() {
        assert_eq!(sentence_ends_with_more("That's why."), 0, "nothing after it yet");
        assert_eq!(sentence_ends_with_more("That's why. No"), 1);
        assert_eq!(sentence_ends_with_more("We agreed. Fine. We go"), 2);
        assert_eq!(sentence_ends_with_more("Tom. Can you"), 0, "a name, not a sentence");
        assert_eq!(sentence_ends_with_more("so if I cut out, that's"), 0);
        assert_eq!(sentence_ends_with_more(""), 0);
    }

    #[test]
    fn sentences_published_inside_a_segment_leave_the_rest_open_from_their_end() {
        let mut cursor = SpeechCursor::default();
        let pause = segment(1000, 9000, 9500);
        cursor.published_until(&pause, 6000, true);
        assert_eq!(cursor.committed_until(), 6000);
        let long = segment(1000, 9200, 9500);
        assert!(cursor.held_covers(&long), "the rest is held for a long pause");
        let resumed = segment(1000, 14_000, 14_500);
        assert_eq!(cursor.plan_final(&resumed), FinalPlan::Decode { from: 6000 });
        // From a partial, speech goes on: nothing is held.
        let mut cursor = SpeechCursor::default();
        let open = segment(1000, 9000, 9900);
        cursor.published_until(&open, 6000, false);
        assert!(!cursor.held_covers(&open));
        assert_eq!(cursor.ahead(&open), Some(6000));
        // Never past the segment, never backwards.
        cursor.published_until(&open, 4000, false);
        assert_eq!(cursor.committed_until(), 6000);
        cursor.published_until(&open, 50_000, false);
        assert_eq!(cursor.committed_until(), 10_000);
    }

    #[test]
    fn a_published_pause_nobody_speaks_after_leaves_nothing_to_decode() {
        let mut cursor = SpeechCursor::default();
        let pause = segment(0, 5000, 4800);
        cursor.decoded_ahead(&pause, 0, true);
        assert_eq!(cursor.plan_final(&pause), FinalPlan::Nothing);
        assert_eq!(cursor.ahead(&pause), None);
    }

    #[test]
    fn a_held_pause_is_the_final_only_when_no_speech_followed() {
        let mut cursor = SpeechCursor::default();
        let pause = segment(0, 5000, 4800);
        assert!(!cursor.decoded_ahead(&pause, 0, false), "no sentence end: held");
        assert_eq!(cursor.committed_until(), 0);
        let same_speech = segment(0, 5000, 4800);
        assert_eq!(cursor.plan_final(&same_speech), FinalPlan::PublishHeld);
        let more_speech = segment(0, 9000, 8800);
        assert_eq!(
            cursor.plan_final(&more_speech),
            FinalPlan::Decode { from: 0 },
            "speech resumed: the held text is dropped and the whole segment decoded"
        );
        let other_segment = segment(20_000, 5000, 24_800);
        assert_eq!(cursor.plan_final(&other_segment), FinalPlan::Decode { from: 20_000 });
    }

    #[test]
    fn a_long_pause_publishes_the_held_decode_whatever_its_punctuation() {
        let mut cursor = SpeechCursor::default();
        let pause = segment(0, 5000, 4800);
        cursor.decoded_ahead(&pause, 0, false);
        let long = segment(0, 5200, 4800);
        assert!(cursor.held_covers(&long), "the same speech, a longer silence");
        cursor.publish_held(&long);
        assert_eq!(cursor.committed_until(), 5200);
        assert_eq!(cursor.plan_final(&segment(0, 5200, 4800)), FinalPlan::Nothing);
        let resumed = segment(0, 9000, 8800);
        assert!(!cursor.held_covers(&resumed));
        assert_eq!(cursor.ahead(&resumed), Some(5200));
    }

    #[test]
    fn a_segment_split_before_the_published_point_carries_on_after_it() {
        let mut cursor = SpeechCursor::default();
        cursor.decoded_ahead(&segment(0, 300_000, 299_000), 0, true);
        // The maximum length split the segment at 250 000: that part is all final already.
        let first = segment(0, 250_000, 250_000);
        assert_eq!(cursor.plan_final(&first), FinalPlan::Nothing);
        cursor.closed(&first);
        let rest = segment(250_000, 100_000, 340_000);
        assert_eq!(cursor.plan_final(&rest), FinalPlan::Decode { from: 300_000 });
    }

    #[test]
    fn nothing_is_stable_after_one_pass() {
        let mut agreement = LocalAgreement::default();
        let partial = agreement.update("Good morning every");
        assert_eq!(partial.stable, "");
        assert_eq!(partial.tentative, "Good morning every");
    }

    #[test]
    fn words_two_passes_agree_on_become_stable() {
        let mut agreement = LocalAgreement::default();
        agreement.update("Good morning every");
        let partial = agreement.update("Good morning, everyone. Let's");
        assert_eq!(partial.stable, "Good morning,");
        assert_eq!(partial.tentative, "everyone. Let's");
        assert_eq!(partial.text(), "Good morning, everyone. Let's");
    }

    #[test]
    fn stable_words_never_shrink_when_a_later_pass_disagrees() {
        let mut agreement = LocalAgreement::default();
        agreement.update("We agreed to spend");
        agreement.update("We agreed to spend the money");
        let partial = agreement.update("We agreed to spent the money on");
        assert_eq!(partial.stable, "We agreed to spend");
        assert_eq!(
            partial.tentative, "",
            "a pass that contradicts the stable words shows nothing new"
        );
    }

    #[test]
    fn reset_starts_a_new_segment() {
        let mut agreement = LocalAgreement::default();
        agreement.update("a b c");
        agreement.update("a b c d");
        agreement.reset();
        assert_eq!(agreement.update("x y").stable, "");
    }

    #[test]
    fn partials_take_at_most_half_of_the_asr_thread() {
        let start = Instant::now();
        let at = |ms: u64| start + Duration::from_millis(ms);
        let mut pacer = PartialPacer::default();
        assert!(pacer.due(start), "the first partial is always due");
        pacer.decoded(at(0), at(700));
        assert!(!pacer.due(at(1000)), "300 ms free after a 700 ms partial is not enough");
        assert!(pacer.due(at(1400)));
        pacer.decoded(at(1400), at(1600));
        assert!(
            pacer.due(at(1800)),
            "a cheap partial leaves room for the next one sooner"
        );
    }
}
