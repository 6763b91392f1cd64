//! Talk time: who spoke how long, in how many turns, their longest monologue and pace, how
//! often they began while someone else was still talking, and how much of the meeting was
//! silent. From the segments' times and speakers; pure.
//!
//! An interruption is a turn that begins before the last speaker's segment ends (transcripts
//! whose turns overlap), or, live, where segments never overlap, one that begins with no pause
//! at all after a segment that stops mid-sentence (the speakers stage splits a final where the
//! voice changes: the last speaker had not finished).

use super::text::Utterance;
use crate::clock::round_ms;
use crate::pipeline::{SpeakerTalk, TalkTime};

/// Talk time of `utterances` (none without speakers).
pub fn talk_time(utterances: &[Utterance]) -> Option<TalkTime> {
    let attributed: Vec<&Utterance> = utterances.iter().filter(|u| u.speaker.is_some()).collect();
    let first = utterances.first()?;
    let span = utterances.iter().map(|u| u.end).fold(first.end, f64::max) - first.start;
    if attributed.is_empty() {
        return None;
    }
    let mut speakers: Vec<SpeakerTalk> = Vec::new();
    let mut words: Vec<f64> = Vec::new();
    // Speaker, turn start, end of the last segment, and whether that segment ended a sentence.
    let mut previous: Option<(&str, f64, f64, bool)> = None;
    let mut current_turn = 0.0;
    for (i, utterance) in attributed.iter().enumerate() {
        let who = utterance.speaker.as_deref().unwrap_or_default();
        let index = match speakers.iter().position(|s| s.speaker == who) {
            Some(index) => index,
            None => {
                speakers.push(SpeakerTalk {
                    speaker: who.to_owned(),
                    seconds: 0.0,
                    share: 0.0,
                    turns: 0,
                    longest_monologue_s: 0.0,
                    words_per_minute: 0.0,
                    interruptions: 0,
                });
                words.push(0.0);
                speakers.len() - 1
            }
        };
        let seconds = (utterance.end - utterance.start).max(0.0);
        speakers[index].seconds += seconds;
        words[index] += utterance.text.split_whitespace().count() as f64;
        let new_turn = previous.is_none_or(|(last, _, _, _)| last != who);
        if new_turn {
            speakers[index].turns += 1;
            current_turn = utterance.start;
            // Began before the last speaker had finished.
            if let Some((_, _, last_end, finished)) = previous {
                let overlapped = utterance.start < last_end - 0.05;
                let cut_in = !finished && (utterance.start - last_end).abs() <= NO_PAUSE_S;
                if (overlapped || cut_in) && i > 0 {
                    speakers[index].interruptions += 1;
                }
            }
        }
        let turn_length = utterance.end - current_turn;
        if turn_length > speakers[index].longest_monologue_s {
            speakers[index].longest_monologue_s = turn_length;
        }
        let end = previous.map_or(utterance.end, |(_, _, e, _)| {
            if new_turn {
                utterance.end
            } else {
                e.max(utterance.end)
            }
        });
        previous = Some((who, current_turn, end, ends_sentence(&utterance.text)));
    }
    let total: f64 = speakers.iter().map(|s| s.seconds).sum();
    for (speaker, words) in speakers.iter_mut().zip(words) {
        speaker.share = if total > 0.0 {
            round_ms(speaker.seconds / total)
        } else {
            0.0
        };
        speaker.words_per_minute = if speaker.seconds > 0.0 {
            (words * 60.0 / speaker.seconds).round()
        } else {
            0.0
        };
        speaker.seconds = round_ms(speaker.seconds);
        speaker.longest_monologue_s = round_ms(speaker.longest_monologue_s);
    }
    speakers.sort_by(|a, b| b.seconds.total_cmp(&a.seconds));
    let (covered, overlap) = coverage(utterances);
    Some(TalkTime {
        speakers,
        silence_ratio: if span > 0.0 {
            round_ms((1.0 - covered / span).clamp(0.0, 1.0))
        } else {
            0.0
        },
        overlap_s: round_ms(overlap),
    })
}

/// Two segments this close (in seconds) follow each other with no pause: a split of one final.
const NO_PAUSE_S: f64 = 0.02;

/// Whether `text` ends a sentence (or a question, an exclamation, a trailing-off "…").
fn ends_sentence(text: &str) -> bool {
    text.trim_end().ends_with(['.', '?', '!', '…', '"', '\u{201d}'])
}

/// Seconds covered by any segment, and seconds covered by two or more.
fn coverage(utterances: &[Utterance]) -> (f64, f64) {
    let mut edges: Vec<(f64, i32)> = utterances
        .iter()
        .flat_map(|u| [(u.start, 1), (u.end.max(u.start), -1)])
        .collect();
    edges.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let (mut covered, mut overlap, mut depth, mut at) = (0.0, 0.0, 0, 0.0);
    for (time, step) in edges {
        if depth >= 1 {
            covered += time - at;
        }
        if depth >= 2 {
            overlap += time - at;
        }
        depth += step;
        at = time;
    }
    (covered, overlap)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(speaker: &str, start: f64, end: f64, text: &str) -> Utterance {
        Utterance {
            seq: 0,
            start,
            end,
            speaker: Some(speaker.into()),
            text: text.into(),
        }
    }

    #[test]
    fn shares_turns_monologues_interruptions_and_silence() {
        let t = talk_time(&[
            u("Ana", 0.0, 10.0, "one two three four five six seven eight nine ten"),
            u("Ana", 10.5, 20.0, "more words"),
            u("Raj", 19.0, 25.0, "an interruption here"),
            u("Ana", 35.0, 40.0, "back again"),
        ])
        .unwrap();
        let ana = t.speakers.iter().find(|s| s.speaker == "Ana").unwrap();
        let raj = t.speakers.iter().find(|s| s.speaker == "Raj").unwrap();
        assert_eq!((ana.seconds, ana.turns, raj.turns), (24.5, 2, 1));
        assert_eq!(ana.longest_monologue_s, 20.0);
        assert_eq!((raj.interruptions, ana.interruptions), (1, 0));
        assert!((ana.share + raj.share - 1.0).abs() < 1e-3);
        assert_eq!(t.overlap_s, 1.0);
        assert!(
            (t.silence_ratio - 0.2625).abs() < 0.001,
            "10.5 of 40 s silent: {}",
            t.silence_ratio
        );
        assert!(talk_time(&[Utterance {
            speaker: None,
            ..u("x", 0.0, 1.0, "hi")
        }])
        .is_none());
    }

    #[test]
    fn a_voice_that_takes_over_mid_sentence_without_a_pause_interrupts() {
        // Live finals never overlap: Raj's piece was split from Ana's final where the voice
        // changed, her sentence unfinished. Omar answers a finished question, and Ana speaks
        // after a pause: neither interrupts.
        let t = talk_time(&[
            u("Ana", 0.0, 3.2, "So the budget for the launch is"),
            u("Raj", 3.2, 5.0, "Sorry, can I check one thing?"),
            u("Omar", 5.0, 6.0, "Sure."),
            u("Ana", 6.8, 8.0, "As I was saying"),
        ])
        .unwrap();
        let interruptions = |who: &str| t.speakers.iter().find(|s| s.speaker == who).unwrap().interruptions;
        assert_eq!(
            (interruptions("Raj"), interruptions("Omar"), interruptions("Ana")),
            (1, 0, 0)
        );
        assert_eq!(t.overlap_s, 0.0);
    }
}
