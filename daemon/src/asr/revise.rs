//! Which published finals are heard again together, and which of the words heard again belong
//! to which final.
//!
//! A live final is a phrase decoded alone, moments after it was said; `transcribe` hears half a
//! minute at a time, with the text before it as prompt, and gets more right (public corpus,
//! beam 5: 21.0 % live against 12.3 %; "Good point." came out live as "Good boy it."). So the
//! live loop keeps the audio of every final it publishes, and when about `REVISE_AFTER_SAMPLES`
//! of it have gathered, or the speech stops for a while, decodes finals together, up to one
//! 30 s window, the way `transcribe` does. Each word heard again goes to the final its middle
//! falls in (the audio is the finals' audio end to end, so the boundaries are exact); a final
//! whose words changed (not only its punctuation or case) gets a `TextRevision`, unless Whisper
//! is less sure of the new words than it was of the published ones (a second hearing is better
//! on the whole, not every time: public corpus, beam 5, revised WER 15.9 % taking every
//! revision, 15.2 % taking only those heard at least as surely).
//!
//! A group shorter than `PROMPT_FROM_SAMPLES` (the finals of a quiet moment: often one short
//! phrase) is heard after a lead-in: up to `LEAD_IN_SAMPLES` of the finals' audio heard just
//! before it, whose words only give it context and are dropped. Alone, "Sounds good to me."
//! came back as "How is it going to me?"; `transcribe` hears it after half a minute.
//!
//! A group in which any final would keep fewer than half its words revises none of them
//! (words that moved across a boundary, or were not heard again): a revision corrects words,
//! it never drops or duplicates them.
//! Pure: no model, no channel, no clock.

use std::collections::VecDeque;

use crate::pipeline::{TextRevision, TimedWord, STREAM_RATE};

/// Audio of published finals that makes a revision due at the next segment close.
pub const REVISE_AFTER_SAMPLES: usize = 20 * STREAM_RATE as usize;
/// The most audio of finals kept for hearing again (about 7.7 MB): two minutes.
pub const MAX_UNREVISED_SAMPLES: usize = 120 * STREAM_RATE as usize;
/// The most audio heard again at once: one Whisper window.
pub const GROUP_MAX_SAMPLES: usize = 30 * STREAM_RATE as usize;
/// A group shorter than this is decoded without the text before it as prompt: given a few
/// seconds of audio and a prompt, Whisper copies the prompt (see `live`).
pub const PROMPT_FROM_SAMPLES: usize = 10 * STREAM_RATE as usize;
/// The most audio of finals already heard that goes before a short group as its lead-in (kept:
/// about 1.3 MB more).
pub const LEAD_IN_SAMPLES: usize = 20 * STREAM_RATE as usize;
/// Audio heard longer ago than this before a group (a long silence, finals forgotten or never
/// published between) is no lead-in for it.
const LEAD_IN_WITHIN_S: f64 = 30.0;
// A lead-in and a short group fit one window together.
const _: () = assert!(LEAD_IN_SAMPLES + PROMPT_FROM_SAMPLES <= GROUP_MAX_SAMPLES);
/// A group in which a final would keep fewer than this share of its words revises nothing.
const MIN_WORDS_KEPT: f64 = 0.5;

/// A final as published, with its audio.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishedFinal {
    pub sequence: u64,
    /// Stream seconds of its first sample.
    pub start: f64,
    pub text: String,
    /// Whisper's confidence in `text` when it was published (as `Transcript::confidence`).
    pub confidence: f32,
    pub audio: Vec<f32>,
}

/// Finals published and not heard again yet, oldest first.
#[derive(Debug, Default)]
pub struct Unrevised {
    finals: VecDeque<PublishedFinal>,
    samples: usize,
    /// The last `LEAD_IN_SAMPLES` of the finals already taken into groups, end to end.
    heard: Vec<f32>,
    /// Stream seconds where the last of `heard` ends.
    heard_until: f64,
}

impl Unrevised {
    /// Keeps `published` for hearing again; past `MAX_UNREVISED_SAMPLES` (ASR has had no
    /// moment to spare for a while) the oldest are forgotten: returns how many (they stand as
    /// published).
    pub fn push(&mut self, published: PublishedFinal) -> usize {
        self.samples += published.audio.len();
        self.finals.push_back(published);
        let mut forgotten = 0;
        while self.samples > MAX_UNREVISED_SAMPLES && self.finals.len() > 1 {
            if let Some(oldest) = self.finals.pop_front() {
                self.samples -= oldest.audio.len();
                forgotten += 1;
                // What was heard before is no longer just before what is left.
                self.heard.clear();
            }
        }
        forgotten
    }

    pub fn is_empty(&self) -> bool {
        self.finals.is_empty()
    }

    /// How many finals wait to be heard again.
    pub fn len(&self) -> usize {
        self.finals.len()
    }

    /// Enough audio has gathered for a window with context.
    pub fn due(&self) -> bool {
        self.samples >= REVISE_AFTER_SAMPLES
    }

    /// Forgets everything (the settings changed: what was published stays as it is).
    pub fn clear(&mut self) {
        self.finals.clear();
        self.samples = 0;
        self.heard.clear();
    }

    /// The oldest finals whose audio fits in one window (at least one final); a short group
    /// with the audio heard just before it as its lead-in.
    pub fn take_group(&mut self) -> Option<Group> {
        let first = self.finals.pop_front()?;
        let mut samples = first.audio.len();
        let mut finals = vec![first];
        while let Some(next) = self.finals.front() {
            if samples + next.audio.len() > GROUP_MAX_SAMPLES {
                break;
            }
            samples += next.audio.len();
            finals.extend(self.finals.pop_front());
        }
        self.samples -= samples;
        let just_before = finals[0].start - self.heard_until <= LEAD_IN_WITHIN_S;
        let lead_in = if samples < PROMPT_FROM_SAMPLES && just_before {
            self.heard.clone()
        } else {
            Vec::new()
        };
        for published in &finals {
            self.heard.extend_from_slice(&published.audio);
            self.heard_until = published.start + published.audio.len() as f64 / f64::from(STREAM_RATE);
        }
        let excess = self.heard.len().saturating_sub(LEAD_IN_SAMPLES);
        self.heard.drain(..excess);
        Some(Group { finals, lead_in })
    }
}

/// Finals heard again together.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub finals: Vec<PublishedFinal>,
    /// Audio heard before the finals, decoded with them for context only (empty for a group
    /// long enough to carry its own).
    pub lead_in: Vec<f32>,
}

/// One word heard again, times in seconds from the start of the group's audio.
#[derive(Debug, Clone, PartialEq)]
pub struct HeardWord {
    pub word: String,
    pub start: f64,
    pub end: f64,
    /// Of the piece of text it came in.
    pub confidence: f32,
}

/// What hearing a group again gave.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The finals whose text changed, each with its new words.
    Revised(Vec<TextRevision>),
    /// A final would have kept fewer than half its words (`heard` words in all against
    /// `published`): nothing revised.
    Distrusted { heard: usize, published: usize },
}

impl Group {
    /// The lead-in and the finals' audio end to end: what is decoded.
    pub fn audio(&self) -> Vec<f32> {
        let finals = self.finals.iter().flat_map(|f| f.audio.iter().copied());
        self.lead_in.iter().copied().chain(finals).collect()
    }

    /// The finals' own audio, in samples (without the lead-in).
    pub fn finals_samples(&self) -> usize {
        self.finals.iter().map(|f| f.audio.len()).sum()
    }

    /// Gives each final the words whose middle falls in its audio, and revises those whose
    /// words changed. If any final would keep fewer than half its words (words moved to a
    /// neighbour across a boundary, a hearing that missed them, a script without spaces whose
    /// "words" are whole phrases), the group revises nothing: a revision may correct words,
    /// never lose or duplicate them.
    pub fn revise(&self, words: &[HeardWord]) -> Outcome {
        let rate = f64::from(STREAM_RATE);
        let last = self.finals.len() - 1;
        // Words of the lead-in are context: none of them goes to a final.
        let lead_in = self.lead_in.len() as f64 / rate;
        let mut offset = lead_in;
        let mut shares = Vec::with_capacity(self.finals.len());
        for (index, published) in self.finals.iter().enumerate() {
            let end = offset + published.audio.len() as f64 / rate;
            let mine: Vec<&HeardWord> = words
                .iter()
                .filter(|w| {
                    let middle = (w.start + w.end) / 2.0;
                    (middle >= offset || (index == 0 && self.lead_in.is_empty())) && (index == last || middle < end)
                })
                .collect();
            shares.push((published, offset, end, mine));
            offset = end;
        }
        let short = shares.iter().any(|(published, _, _, mine)| {
            (mine.len() as f64) < MIN_WORDS_KEPT * spoken_words(&published.text).len() as f64
        });
        if short {
            return Outcome::Distrusted {
                heard: words.iter().filter(|w| (w.start + w.end) / 2.0 >= lead_in).count(),
                published: self.finals.iter().map(|f| spoken_words(&f.text).len()).sum(),
            };
        }
        let mut revisions = Vec::new();
        for (published, offset, end, mine) in shares {
            let text = mine.iter().map(|w| w.word.as_str()).collect::<Vec<_>>().join(" ");
            let confidence = mine.iter().map(|w| w.confidence).sum::<f32>() / mine.len().max(1) as f32;
            let changed = spoken_words(&text) != spoken_words(&published.text);
            if !mine.is_empty() && changed && confidence >= published.confidence {
                let to_stream = |t: f64| published.start + (t - offset).clamp(0.0, end - offset);
                revisions.push(TextRevision {
                    sequence: published.sequence,
                    confidence,
                    words: mine
                        .iter()
                        .map(|w| TimedWord {
                            word: w.word.clone(),
                            start: to_stream(w.start),
                            end: to_stream(w.end),
                        })
                        .collect(),
                    text,
                });
            }
        }
        Outcome::Revised(revisions)
    }
}

/// The words of `text` as said: lower case, without punctuation. Finals whose words are the
/// same are not revised for a comma or a capital (the live punctuation of a turn reads well).
fn spoken_words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|word| {
            word.chars()
                .filter(|c| c.is_alphanumeric() || *c == '\'')
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|word| !word.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn published(sequence: u64, start: f64, seconds: f64, text: &str) -> PublishedFinal {
        PublishedFinal {
            sequence,
            start,
            text: text.into(),
            confidence: 0.5,
            audio: vec![0.0; (seconds * f64::from(STREAM_RATE)) as usize],
        }
    }

    fn heard(words: &[(&str, f64, f64)]) -> Vec<HeardWord> {
        words
            .iter()
            .map(|&(word, start, end)| HeardWord {
                word: word.into(),
                start,
                end,
                confidence: 0.8,
            })
            .collect()
    }

    /// The revisions of a hearing the group trusts.
    fn trusted(group: &Group, words: &[HeardWord]) -> Vec<TextRevision> {
        match group.revise(words) {
            Outcome::Revised(revisions) => revisions,
            distrusted => panic!("expected a trusted hearing, got {distrusted:?}"),
        }
    }

    #[test]
    fn a_group_takes_the_oldest_finals_that_fit_in_one_window() {
        let mut unrevised = Unrevised::default();
        for (seq, seconds) in [(1, 12.0), (2, 10.0), (3, 9.0), (4, 5.0)] {
            assert_eq!(unrevised.push(published(seq, 0.0, seconds, "a b")), 0);
        }
        assert!(unrevised.due());
        assert_eq!(unrevised.len(), 4);
        let group = unrevised.take_group().unwrap();
        assert_eq!(group.finals.iter().map(|f| f.sequence).collect::<Vec<_>>(), [1, 2]);
        assert!(!unrevised.due(), "14 s left");
        assert_eq!(unrevised.len(), 2, "health's finals_awaiting_revision");
        let rest = unrevised.take_group().unwrap();
        assert_eq!(rest.finals.iter().map(|f| f.sequence).collect::<Vec<_>>(), [3, 4]);
        assert!(unrevised.take_group().is_none() && unrevised.is_empty());
    }

    #[test]
    fn words_go_to_the_final_their_middle_falls_in_and_times_map_back_to_the_stream() {
        // Final 7 said 100.0-102.0 s, final 8 said 105.0-106.5 s: end to end, 0-2 and 2-3.5.
        let group = Group {
            lead_in: Vec::new(),
            finals: vec![
                published(7, 100.0, 2.0, "Good boy it."),
                published(8, 105.0, 1.5, "some of the photos"),
            ],
        };
        let words = heard(&[
            ("Good", 0.1, 0.6),
            ("point.", 0.6, 2.1),
            ("Some", 2.2, 2.5),
            ("of", 2.5, 2.6),
            ("the", 2.6, 2.8),
            ("photos.", 2.8, 3.4),
        ]);
        let revisions = trusted(&group, &words);
        assert_eq!(
            revisions.len(),
            1,
            "only the final whose words changed is revised, not a full stop"
        );
        assert_eq!(revisions[0].sequence, 7);
        assert_eq!(revisions[0].text, "Good point.");
        let last = revisions[0].words.last().unwrap();
        assert!(
            (last.start - 100.6).abs() < 1e-9 && (last.end - 102.0).abs() < 1e-9,
            "clamped to its final: {last:?}"
        );
    }

    #[test]
    fn a_final_heard_again_less_surely_keeps_its_text() {
        let group = Group {
            lead_in: Vec::new(),
            finals: vec![
                PublishedFinal {
                    confidence: 0.9,
                    ..published(1, 10.0, 2.0, "The contact form now works.")
                },
                published(2, 13.0, 1.0, "Good boy it."),
            ],
        };
        let words = heard(&[
            ("The", 0.0, 0.2),
            ("contact", 0.2, 0.6),
            ("format", 0.6, 1.0),
            ("works.", 1.0, 1.8),
            ("Good", 2.1, 2.4),
            ("point.", 2.4, 2.9),
        ]);
        let revisions = trusted(&group, &words);
        // Heard at 0.8: better than final 2's 0.5, worse than final 1's 0.9.
        assert_eq!(revisions.len(), 1);
        assert_eq!((revisions[0].sequence, revisions[0].text.as_str()), (2, "Good point."));
    }

    #[test]
    fn words_that_moved_to_a_neighbour_revise_nothing() {
        // "Okay." heard again with "It works now": its word went to final 2, which would then
        // say it twice; final 1 would keep none.
        let group = Group {
            lead_in: Vec::new(),
            finals: vec![published(1, 0.0, 2.0, "Okay."), published(2, 3.0, 2.0, "It work snow.")],
        };
        let words = heard(&[
            ("Okay,", 1.8, 2.3),
            ("it", 2.3, 2.5),
            ("works", 2.5, 3.0),
            ("now.", 3.0, 3.5),
        ]);
        assert_eq!(group.revise(&words), Outcome::Distrusted { heard: 4, published: 4 });
    }

    #[test]
    fn a_hearing_with_far_fewer_words_revises_nothing() {
        let group = Group {
            lead_in: Vec::new(),
            finals: vec![published(
                1,
                0.0,
                4.0,
                "We still have about twenty broken links to fix.",
            )],
        };
        assert_eq!(
            group.revise(&heard(&[("We", 0.0, 0.3), ("still", 0.3, 0.6)])),
            Outcome::Distrusted { heard: 2, published: 9 }
        );
    }

    #[test]
    fn a_short_group_is_heard_after_what_came_before_and_gets_none_of_its_words() {
        let mut unrevised = Unrevised::default();
        unrevised.push(published(1, 0.0, 12.0, "We moved the launch by a week."));
        unrevised.push(published(2, 13.0, 1.5, "Sounds good to me."));
        let both = unrevised.take_group().unwrap();
        assert_eq!(both.finals.len(), 2, "both fit in one window");
        assert!(both.lead_in.is_empty(), "long enough, and nothing was heard before it");

        // Heard one at a time (a quiet moment after each), the short one gets a lead-in.
        let mut unrevised = Unrevised::default();
        unrevised.push(published(1, 0.0, 12.0, "We moved the launch by a week."));
        let long = unrevised.take_group().unwrap();
        assert!(long.lead_in.is_empty());
        unrevised.push(published(2, 13.0, 1.5, "How is God for me?"));
        let short = unrevised.take_group().unwrap();
        assert_eq!(
            short.lead_in.len(),
            12 * STREAM_RATE as usize,
            "the whole final before it"
        );
        assert_eq!(short.audio().len(), short.lead_in.len() + short.finals_samples());
        let revisions = trusted(
            &short,
            &heard(&[
                ("launch", 10.0, 10.5),
                ("week.", 11.5, 11.9),
                ("Sounds", 12.1, 12.4),
                ("good", 12.4, 12.7),
                ("to", 12.7, 12.9),
                ("me.", 12.9, 13.3),
            ]),
        );
        assert_eq!(revisions.len(), 1);
        assert_eq!(
            revisions[0].text, "Sounds good to me.",
            "the lead-in's words are context only"
        );
        assert!(
            (revisions[0].words[0].start - 13.1).abs() < 1e-9,
            "times from the final's own start"
        );

        // A lead-in never holds more than LEAD_IN_SAMPLES, and only audio heard just before.
        let mut unrevised = Unrevised::default();
        unrevised.push(published(1, 0.0, 25.0, "A long explanation."));
        unrevised.take_group().unwrap();
        unrevised.push(published(2, 26.0, 1.0, "Right."));
        assert_eq!(unrevised.take_group().unwrap().lead_in.len(), LEAD_IN_SAMPLES);
        unrevised.push(published(3, 27.0 + LEAD_IN_WITHIN_S + 1.0, 1.0, "Hello again."));
        assert!(
            unrevised.take_group().unwrap().lead_in.is_empty(),
            "after a long silence"
        );
        unrevised.push(published(4, 60.0, 1.0, "Okay."));
        assert!(!unrevised.take_group().unwrap().lead_in.is_empty());
        unrevised.clear();
        unrevised.push(published(5, 62.0, 1.0, "Fine."));
        assert!(
            unrevised.take_group().unwrap().lead_in.is_empty(),
            "cleared with the settings"
        );

        // Finals forgotten unheard leave a hole: what was heard before them is no lead-in.
        let mut unrevised = Unrevised::default();
        unrevised.push(published(1, 0.0, 5.0, "Before."));
        unrevised.take_group().unwrap();
        unrevised.push(published(2, 6.0, 1.0, "Forgotten."));
        unrevised.push(published(3, 7.5, 1.0, "After the hole."));
        assert_eq!(unrevised.push(published(4, 9.0, 118.5, "A long stretch.")), 1);
        let after_the_hole = unrevised.take_group().unwrap();
        assert_eq!(after_the_hole.finals.len(), 1);
        assert_eq!(after_the_hole.finals[0].sequence, 3, "the oldest was forgotten");
        assert!(after_the_hole.lead_in.is_empty());
    }

    #[test]
    fn past_two_minutes_unheard_the_oldest_finals_are_forgotten() {
        let mut unrevised = Unrevised::default();
        let forgotten: usize = (0..13).map(|seq| unrevised.push(published(seq, 0.0, 10.0, "a"))).sum();
        assert_eq!(forgotten, 1);
        assert_eq!(unrevised.take_group().unwrap().finals[0].sequence, 1);
    }
}
