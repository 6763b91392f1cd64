//! Where a final transcript changes speaker, and how its text is shared among the turns: pure
//! rules on window embeddings, times and words (no model, no I/O).
//!
//! A final's audio is cut into equal windows about `window_s` long, each embedded once. The
//! windows are split where the two sides are least alike (a binary segmentation over the
//! windows' centroids), for as long as the two sides of the best split are less alike than
//! `change_similarity`; each run of windows is a turn. Text goes with time: by the words' own
//! times when ASR gave them, else by each word's share of the characters.

use crate::pipeline::{TextRevision, TimedWord};
use crate::voices::{centroid, cosine};

/// How many equal windows of about `window_s` cover `seconds` of audio (at least one).
pub fn window_count(seconds: f64, window_s: f64) -> usize {
    ((seconds / window_s.max(0.1)).round() as usize).max(1)
}

/// The first window of every turn after the first, in order: where consecutive windows'
/// embeddings say the speaker changed. Windows are unit embeddings in time order.
pub fn change_points(windows: &[Vec<f32>], change_similarity: f32) -> Vec<usize> {
    let mut cuts = Vec::new();
    split(windows, 0, change_similarity, &mut cuts);
    cuts.sort_unstable();
    cuts
}

fn split(windows: &[Vec<f32>], offset: usize, change_similarity: f32, cuts: &mut Vec<usize>) {
    if windows.len() < 2 {
        return;
    }
    let side = |range: &[Vec<f32>]| centroid(range.iter().map(|w| (w.as_slice(), 1.0)));
    let best = (1..windows.len())
        .map(|k| (k, cosine(&side(&windows[..k]), &side(&windows[k..]))))
        .min_by(|a, b| a.1.total_cmp(&b.1));
    if let Some((k, similarity)) = best {
        if similarity < change_similarity {
            cuts.push(offset + k);
            split(&windows[..k], offset, change_similarity, cuts);
            split(&windows[k..], offset + k, change_similarity, cuts);
        }
    }
}

/// `text` (spoken from `start` to `end`, stream seconds) shared among the turns that `cuts`
/// (stream seconds, ascending, inside the span) separate: one string per turn, possibly empty.
/// With `words` (ASR's word times), each word goes to the turn holding its middle; without,
/// each word's middle is placed by its share of the characters.
pub fn split_text(text: &str, words: &[TimedWord], start: f64, end: f64, cuts: &[f64]) -> Vec<String> {
    let placed: Vec<(&str, f64)> = if words.is_empty() {
        let spoken: Vec<&str> = text.split_whitespace().collect();
        let total: usize = spoken.iter().map(|w| w.chars().count() + 1).sum();
        let mut before = 0usize;
        spoken
            .into_iter()
            .map(|word| {
                let length = word.chars().count() + 1;
                let middle = (before as f64 + length as f64 / 2.0) / total.max(1) as f64;
                before += length;
                (word, start + middle * (end - start))
            })
            .collect()
    } else {
        words.iter().map(|w| (w.word.trim(), (w.start + w.end) / 2.0)).collect()
    };
    let mut turns = vec![Vec::new(); cuts.len() + 1];
    for (word, at) in placed {
        let turn = cuts.iter().take_while(|&&cut| at >= cut).count();
        turns[turn].push(word);
    }
    turns.into_iter().map(|words| words.join(" ")).collect()
}

/// A turn a final was handed on as: its sequence number and stream times.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HandedOn {
    pub sequence: u64,
    pub start: f64,
    pub end: f64,
}

/// A revision of a final that went on as `turns` (in order), shared among them as the final's
/// text was: each word goes to the turn its middle falls in. A turn that gets no word keeps its
/// text (no revision for it).
pub fn share_revision(revision: &TextRevision, turns: &[HandedOn]) -> Vec<TextRevision> {
    if let [only] = turns {
        return vec![TextRevision {
            sequence: only.sequence,
            ..revision.clone()
        }];
    }
    let last = turns.len().saturating_sub(1);
    turns
        .iter()
        .enumerate()
        .filter_map(|(index, turn)| {
            let next_start = turns.get(index + 1).map_or(f64::INFINITY, |t| t.start);
            let words: Vec<TimedWord> = revision
                .words
                .iter()
                .filter(|w| {
                    let middle = (w.start + w.end) / 2.0;
                    (index == 0 || middle >= turn.start) && (index == last || middle < next_start)
                })
                .cloned()
                .collect();
            (!words.is_empty()).then(|| TextRevision {
                sequence: turn.sequence,
                text: words.iter().map(|w| w.word.as_str()).collect::<Vec<_>>().join(" "),
                confidence: revision.confidence,
                words,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn direction(index: usize) -> Vec<f32> {
        let mut v = vec![0.0; 8];
        v[index] = 1.0;
        v
    }

    /// A window of voice `index`, a little off its direction.
    fn window(index: usize, wobble: f32) -> Vec<f32> {
        let mut v = direction(index);
        v[(index + 3) % 8] = wobble;
        crate::voices::unit(&v)
    }

    #[test]
    fn windows_are_about_the_asked_length() {
        assert_eq!(window_count(0.3, 1.5), 1);
        assert_eq!(window_count(2.0, 1.5), 1);
        assert_eq!(window_count(2.4, 1.5), 2);
        assert_eq!(window_count(9.0, 1.5), 6);
    }

    #[test]
    fn one_voice_is_not_split_and_a_change_is_found_where_it_is() {
        let same: Vec<Vec<f32>> = (0..5).map(|i| window(0, 0.1 * i as f32)).collect();
        assert!(change_points(&same, 0.5).is_empty());
        let changed = vec![window(0, 0.1), window(0, 0.2), window(1, 0.1), window(1, 0.3)];
        assert_eq!(change_points(&changed, 0.5), [2]);
    }

    #[test]
    fn a_back_and_forth_gives_every_turn() {
        let windows = vec![
            window(0, 0.1),
            window(0, 0.2),
            window(1, 0.0),
            window(2, 0.1),
            window(2, 0.2),
        ];
        assert_eq!(change_points(&windows, 0.5), [2, 3]);
    }

    #[test]
    fn text_follows_the_characters_without_word_times() {
        let turns = split_text("yes I agree. What about Friday then?", &[], 10.0, 14.0, &[11.6]);
        assert_eq!(turns, ["yes I agree.", "What about Friday then?"]);
    }

    #[test]
    fn text_follows_the_word_times_when_there_are_some() {
        let words: Vec<TimedWord> = [("Sure.", 0.0, 0.5), ("Tuesday", 1.4, 1.9), ("works.", 1.9, 2.3)]
            .into_iter()
            .map(|(word, start, end)| TimedWord {
                word: word.into(),
                start,
                end,
            })
            .collect();
        let turns = split_text("Sure. Tuesday works.", &words, 0.0, 2.3, &[1.0]);
        assert_eq!(turns, ["Sure.", "Tuesday works."]);
        assert_eq!(split_text("Sure.", &words[..1], 0.0, 2.3, &[1.0]), ["Sure.", ""]);
    }

    #[test]
    fn a_revision_of_a_split_final_is_shared_among_its_turns_by_time() {
        let word = |w: &str, start: f64, end: f64| TimedWord {
            word: w.into(),
            start,
            end,
        };
        let revision = TextRevision {
            sequence: 4,
            text: "Good point. I talked to them.".into(),
            confidence: 0.7,
            words: vec![
                word("Good", 10.0, 10.3),
                word("point.", 10.3, 10.8),
                word("I", 11.0, 11.1),
                word("talked", 11.1, 11.5),
                word("to", 11.5, 11.6),
                word("them.", 11.6, 12.0),
            ],
        };
        let turns = [
            HandedOn {
                sequence: 4,
                start: 10.0,
                end: 10.9,
            },
            HandedOn {
                sequence: 5,
                start: 10.9,
                end: 12.0,
            },
        ];
        let shared = share_revision(&revision, &turns);
        assert_eq!(
            shared.iter().map(|r| (r.sequence, r.text.as_str())).collect::<Vec<_>>(),
            [(4, "Good point."), (5, "I talked to them.")]
        );
        let unsplit = share_revision(&revision, &turns[1..]);
        assert_eq!(
            (unsplit[0].sequence, unsplit[0].text.as_str()),
            (5, revision.text.as_str())
        );
    }
}
