//! The hallucination firewall's detectors: text that compresses too well (the reference's
//! compression-ratio test), repetition loops (the same n-gram over and over), and the filler
//! Whisper puts on noise ("you", "thank you", …). Pure functions; the decoder decides what to do
//! with a positive.

use std::io::Write;

/// `len(text) / len(zlib(text))`, as the reference computes it; loops compress very well.
pub fn compression_ratio(text: &str) -> f32 {
    if text.is_empty() {
        return 0.0;
    }
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    encoder
        .write_all(text.as_bytes())
        .expect("writing into a Vec cannot fail");
    let compressed = encoder.finish().expect("writing into a Vec cannot fail");
    text.len() as f32 / compressed.len() as f32
}

/// A run of one n-gram repeated back to back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repetition {
    /// Index of the first token of the run.
    pub start: usize,
    /// The n-gram's length in tokens.
    pub period: usize,
    /// How many times it occurs in a row.
    pub repeats: usize,
}

impl Repetition {
    pub fn end(&self) -> usize {
        self.start + self.period * self.repeats
    }
}

/// Longest n-gram considered, in tokens.
const MAX_PERIOD: usize = 16;

/// The longest repetition loop in `tokens`: an n-gram (1-16 tokens) occurring at least 4 times
/// in a row over at least 8 tokens, or a single token at least 8 times. Ordinary speech ("no, no,
/// no", "ha ha ha") stays below that; Whisper's loops ("Thank you. Thank you. …") do not.
pub fn find_repetition(tokens: &[i64]) -> Option<Repetition> {
    let mut longest: Option<Repetition> = None;
    for period in 1..=MAX_PERIOD.min(tokens.len() / 2) {
        let mut run_start = 0;
        let mut run = 0;
        for i in period..=tokens.len() {
            let matches = i < tokens.len() && tokens[i] == tokens[i - period];
            if matches {
                if run == 0 {
                    run_start = i - period;
                }
                run += 1;
                continue;
            }
            let repeats = run / period + 1;
            let span = repeats * period;
            let is_loop = (repeats >= 4 && span >= 8) || (period == 1 && repeats >= 8);
            if run > 0 && is_loop && longest.is_none_or(|l| span > l.period * l.repeats) {
                longest = Some(Repetition {
                    start: run_start,
                    period,
                    repeats,
                });
            }
            run = 0;
        }
    }
    longest
}

/// `tokens` with a repetition loop cut down to a single occurrence of its n-gram.
pub fn collapse(tokens: &[i64], repetition: Repetition) -> Vec<i64> {
    let keep_until = repetition.start + repetition.period;
    tokens[..keep_until]
        .iter()
        .chain(&tokens[repetition.end().min(tokens.len())..])
        .copied()
        .collect()
}

/// What Whisper typically says over silence and noise (learnt from subtitled video), compared
/// after lower-casing and dropping punctuation.
const SILENCE_FILLERS: &[&str] = &[
    "you",
    "thank you",
    "thanks",
    "thank you very much",
    "thanks for watching",
    "thank you for watching",
    "thank you so much for watching",
    "please subscribe",
    "bye",
    "bye bye",
    "subtitles by the amaraorg community",
    "so",
    "oh",
    "hmm",
];

/// Whether `text` is only what Whisper says over noise: a known filler, or at most two words.
/// Only meaningful together with a high no-speech probability (real short answers come with a
/// low one).
pub fn is_silence_filler(text: &str) -> bool {
    let normalised: String = text
        .chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    let words: Vec<&str> = normalised.split_whitespace().collect();
    words.len() <= 2 || SILENCE_FILLERS.contains(&words.join(" ").as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loops_compress_far_better_than_speech() {
        let speech = "Let us start with the budget for the new office, then the hiring plan.";
        let looped = "Thank you. ".repeat(20);
        assert!(compression_ratio(speech) < 2.4, "{}", compression_ratio(speech));
        assert!(compression_ratio(&looped) > 2.4, "{}", compression_ratio(&looped));
    }

    #[test]
    fn a_phrase_loop_is_found_with_its_period() {
        // " Thank", " you", "." repeated 5 times after some real text.
        let mut tokens = vec![10, 11, 12];
        for _ in 0..5 {
            tokens.extend([1, 2, 3]);
        }
        let r = find_repetition(&tokens).unwrap();
        assert_eq!((r.start, r.period, r.repeats), (3, 3, 5));
        assert_eq!(collapse(&tokens, r), vec![10, 11, 12, 1, 2, 3]);
    }

    #[test]
    fn a_single_token_loop_is_found() {
        let tokens = [5, 9, 9, 9, 9, 9, 9, 9, 9, 9, 6];
        let r = find_repetition(&tokens).unwrap();
        assert_eq!((r.start, r.period, r.repeats), (1, 1, 9));
        assert_eq!(collapse(&tokens, r), vec![5, 9, 6]);
    }

    #[test]
    fn fillers_are_recognised_whatever_their_punctuation() {
        assert!(is_silence_filler(" You"));
        assert!(is_silence_filler("Thank you for watching!"));
        assert!(is_silence_filler("Subtitles by the Amara.org community"));
        assert!(is_silence_filler(""));
        assert!(!is_silence_filler("Let us start with the budget."));
        assert!(!is_silence_filler("I will send the order on Friday."));
    }

    #[test]
    fn ordinary_repetition_in_speech_is_left_alone() {
        assert_eq!(find_repetition(&[1, 2, 1, 2, 1, 2, 7]), None, "no, no, no");
        assert_eq!(find_repetition(&[4, 4, 4, 4]), None, "ha ha ha ha");
        assert_eq!(find_repetition(&[1, 2, 3, 4, 5, 6, 7, 8]), None);
        assert_eq!(find_repetition(&[]), None);
    }
}
