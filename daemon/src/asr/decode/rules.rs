//! The reference decoding rules, as plain functions over a row of logits and a token list:
//! `SuppressBlank`, `SuppressTokens` and `ApplyTimestampRules`, plus how a window's tokens split
//! into timed segments and where the seek loop resumes. No model, no I/O: unit-tested on a toy
//! vocabulary.

use wide::f32x8;

use crate::asr::whisper::tokenizer::SpecialTokens;
use crate::asr::whisper::{HOP_LENGTH, SAMPLE_RATE, TIME_PRECISION};

/// Token lists the model's own files say to suppress.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suppression {
    /// Never sampled (`suppress_ids`: non-speech symbols and control tokens).
    pub always: Vec<i64>,
    /// Not sampled as the first token (`suppress_ids_begin`: the blank and end-of-text).
    pub at_begin: Vec<i64>,
}

/// The rules applied to one row of logits before the next token is chosen.
pub struct LogitRules<'a> {
    pub special: SpecialTokens,
    pub suppression: &'a Suppression,
    /// `max_initial_timestamp` in timestamp steps.
    pub max_initial_timestamp_index: i64,
}

impl LogitRules<'_> {
    /// Masks `logits` (one row over the vocabulary) given the tokens sampled so far in this
    /// window (`sampled`, without the start-of-transcript sequence).
    pub fn apply(&self, logits: &mut [f32], sampled: &[i64]) {
        let s = &self.special;
        let vocab = logits.len() as i64;
        let mut mask = |from: i64, to: i64| {
            for token in from.max(0)..to.min(vocab) {
                logits[token as usize] = f32::NEG_INFINITY;
            }
        };
        if sampled.is_empty() {
            for &t in &self.suppression.at_begin {
                mask(t, t + 1);
            }
        }
        for &t in &self.suppression.always {
            mask(t, t + 1);
        }
        mask(s.no_timestamps, s.no_timestamps + 1);

        let is_timestamp = |t: i64| t >= s.timestamp_begin;
        let last_was_timestamp = sampled.last().is_some_and(|&t| is_timestamp(t));
        let penultimate_was_timestamp = sampled.len() < 2 || is_timestamp(sampled[sampled.len() - 2]);
        if last_was_timestamp {
            if penultimate_was_timestamp {
                mask(s.timestamp_begin, vocab);
            } else {
                mask(0, s.eot);
            }
        }
        if let Some(&last_timestamp) = sampled.iter().rev().find(|&&t| is_timestamp(t)) {
            // Timestamps never decrease, and a closed segment must have non-zero length.
            let first_allowed = if last_was_timestamp && !penultimate_was_timestamp {
                last_timestamp
            } else {
                last_timestamp + 1
            };
            mask(s.timestamp_begin, first_allowed);
        }
        if sampled.is_empty() {
            mask(0, s.timestamp_begin);
            mask(s.timestamp_begin + self.max_initial_timestamp_index + 1, vocab);
        }

        // If all timestamps together are likelier than any single text token, take a timestamp.
        // Both sides are log-probabilities less the row's log-normaliser, so they compare as
        // logits: no softmax over the whole vocabulary is needed.
        let split = (s.timestamp_begin as usize).min(logits.len());
        let timestamp_logit = log_sum_exp(&logits[split..]);
        let max_text_logit = max_of(&logits[..split]);
        if timestamp_logit > max_text_logit {
            logits[..split].fill(f32::NEG_INFINITY);
        }
    }
}

/// `log Σ exp(v)`, the normaliser turning logits into log-probabilities (`-inf` when all are).
/// It runs over the whole vocabulary for every hypothesis of every step, so the exponentials
/// are taken eight lanes at a time (`wide`: SSE/AVX on x86, NEON on the Jetson's ARM cores).
pub fn log_sum_exp(values: &[f32]) -> f32 {
    let max = max_of(values);
    if max == f32::NEG_INFINITY {
        return f32::NEG_INFINITY;
    }
    let lanes = values.chunks_exact(8);
    let tail: f32 = lanes.remainder().iter().map(|&v| (v - max).exp()).sum();
    let shift = f32x8::splat(max);
    let sum = lanes
        .map(|chunk| {
            let chunk: [f32; 8] = chunk.try_into().expect("chunks_exact yields 8 values");
            (f32x8::from(chunk) - shift).exp()
        })
        .fold(f32x8::ZERO, |total, e| total + e);
    max + (sum.reduce_add() + tail).ln()
}

/// The largest of `values`, ignoring NaN (`-inf` when empty), eight lanes at a time: a plain
/// `fold` over `f32::max` is one long dependency chain, and it runs over the whole vocabulary
/// several times per hypothesis per step.
pub fn max_of(values: &[f32]) -> f32 {
    let lanes = values.chunks_exact(8);
    let tail = lanes.remainder().iter().copied().fold(f32::NEG_INFINITY, f32::max);
    lanes
        .map(|chunk| f32x8::from(<[f32; 8]>::try_from(chunk).expect("chunks_exact yields 8 values")))
        .fold(f32x8::splat(f32::NEG_INFINITY), f32x8::max)
        .to_array()
        .into_iter()
        .fold(tail, f32::max)
}

/// A piece of one window's output between two timestamps, in seconds from the window start.
/// Its tokens keep their timestamp tokens, as the reference's do: the next window's prompt is
/// built from them, and a prompt without timestamps teaches the model to stop emitting them.
#[derive(Debug, Clone, PartialEq)]
pub struct TimedTokens {
    pub start: f64,
    pub end: f64,
    pub tokens: Vec<i64>,
}

/// How a window's sampled tokens split into segments, and how far the window was consumed.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowSplit {
    pub segments: Vec<TimedTokens>,
    /// Mel frames of the window that the segments account for; the seek loop resumes there.
    pub consumed_frames: i64,
}

/// Audio after the output's last timestamp that is left to the next window rather than taken
/// as done, in mel frames (1 s): a window whose text ends earlier than this before the audio
/// does may have stopped short of speech.
pub const UNDECODED_TAIL_FRAMES: i64 = 100;

/// The reference transcribe loop's rule, with one change: cut at each pair of consecutive
/// timestamps; resume at the last cut if the output does not end on a single timestamp; if it
/// does (or holds no pair), the reference takes the whole window as done. Here it is done only
/// up to the last timestamp when more than `UNDECODED_TAIL_FRAMES` of audio follow it: Whisper
/// sometimes ends its text early (two sentences close together in a short segment give one), and
/// that rest must be decoded, not dropped. Silence there costs one more window, which the
/// no-speech gate then drops. A shorter rest (under a second) is taken as done; on the live
/// path it stays part of the last final's audio, which is heard again with it
/// (`asr.revise_finals`), so a word Whisper left there still reaches the record.
pub fn split_window(tokens: &[i64], timestamp_begin: i64, window_frames: i64) -> WindowSplit {
    let is_ts = |t: i64| t >= timestamp_begin;
    let seconds = |t: i64| (t - timestamp_begin) as f64 * TIME_PRECISION;
    // Each timestamp step is two mel frames (the encoder halves the frame rate).
    let frames = |t: i64| (t - timestamp_begin) * 2;
    let done_up_to = |last_timestamp: Option<i64>| match last_timestamp.map(frames) {
        Some(end) if end >= 1 && end + UNDECODED_TAIL_FRAMES < window_frames => end,
        _ => window_frames,
    };
    let n = tokens.len();
    let single_timestamp_ending = n >= 2 && !is_ts(tokens[n - 2]) && is_ts(tokens[n - 1]);
    let mut cuts: Vec<usize> = (1..n).filter(|&i| is_ts(tokens[i - 1]) && is_ts(tokens[i])).collect();
    let mut segments = Vec::new();
    let last_timestamp = tokens.iter().rev().copied().find(|&t| is_ts(t));
    if cuts.is_empty() {
        let mut duration = window_frames as f64 * HOP_LENGTH as f64 / SAMPLE_RATE as f64;
        if let Some(last) = last_timestamp.filter(|&t| t != timestamp_begin) {
            duration = seconds(last);
        }
        if tokens.iter().any(|&t| !is_ts(t)) {
            segments.push(TimedTokens {
                start: 0.0,
                end: duration,
                tokens: tokens.to_vec(),
            });
        }
        return WindowSplit {
            segments,
            consumed_frames: done_up_to(last_timestamp),
        };
    }
    if single_timestamp_ending {
        cuts.push(n);
    }
    let mut last_cut = 0;
    for &cut in &cuts {
        let piece = &tokens[last_cut..cut];
        if piece.iter().any(|&t| !is_ts(t)) {
            segments.push(TimedTokens {
                start: seconds(piece[0]),
                end: seconds(piece[piece.len() - 1]),
                tokens: piece.to_vec(),
            });
        }
        last_cut = cut;
    }
    let consumed_frames = if single_timestamp_ending {
        done_up_to(last_timestamp)
    } else {
        frames(tokens[last_cut - 1]).clamp(1, window_frames)
    };
    WindowSplit {
        segments,
        consumed_frames,
    }
}

/// The last timestamp a window may carry (30 s).
const LAST_TIMESTAMP_INDEX: i64 = 1500;

/// What a window's decode starts from when it follows speech already heard: that speech's text
/// as one segment from the window's start to `samples` in, `<|0.00|> text <|end|>`, as if the
/// decoder had just written it. The rules then ask for the next segment to start there or later.
/// Empty when there is no text.
pub fn heard_prefix(timestamp_begin: i64, text: &[i64], samples: usize) -> Vec<i64> {
    if text.is_empty() {
        return Vec::new();
    }
    let samples_per_step = TIME_PRECISION * SAMPLE_RATE as f64;
    let end = (samples as f64 / samples_per_step).round() as i64;
    let mut prefix = Vec::with_capacity(text.len() + 2);
    prefix.push(timestamp_begin);
    prefix.extend_from_slice(text);
    prefix.push(timestamp_begin + end.clamp(1, LAST_TIMESTAMP_INDEX));
    prefix
}

/// `split_window` of a window decoded after `heard_prefix`: the prefix and the tokens sampled
/// after it split together (the first sampled segment starts at the timestamp after the
/// prefix), and only the segments sampled are kept, less those that start where the window's
/// audio has ended. After speech it has heard, Whisper can go on past the audio into the
/// padding, saying again what it heard or what it just wrote (a rooms meeting's 2.4 s final
/// came back with four more segments timed 4-19 s after its end, one of them the heard text).
pub fn split_window_after(prefix: &[i64], sampled: &[i64], timestamp_begin: i64, window_frames: i64) -> WindowSplit {
    if prefix.is_empty() {
        return split_window(sampled, timestamp_begin, window_frames);
    }
    let tokens: Vec<i64> = prefix.iter().chain(sampled).copied().collect();
    let mut split = split_window(&tokens, timestamp_begin, window_frames);
    let heard_end = (prefix[prefix.len() - 1] - timestamp_begin) as f64 * TIME_PRECISION;
    let audio_end = (window_frames * HOP_LENGTH) as f64 / SAMPLE_RATE as f64;
    // Every sampled segment ends after the prefix's end: the rules allow no timestamp below it,
    // and a segment's end is later than its start.
    split
        .segments
        .retain(|segment| segment.end > heard_end && segment.start < audio_end);
    split
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A toy vocabulary: 0..10 text, 10 eot, 11 sot, 12 transcribe, 13 no-speech,
    /// 14 no-timestamps, 15.. timestamps (15 = 0.00 s, 16 = 0.02 s, …, 99 = 1.68 s); the
    /// start-of-previous id is never produced here.
    fn special() -> SpecialTokens {
        SpecialTokens {
            eot: 10,
            sot: 11,
            sot_prev: 16,
            transcribe: 12,
            no_speech: 13,
            no_timestamps: 14,
            timestamp_begin: 15,
        }
    }

    fn rules(suppression: &Suppression) -> LogitRules<'_> {
        LogitRules {
            special: special(),
            suppression,
            max_initial_timestamp_index: 50,
        }
    }

    #[test]
    fn max_of_finds_the_largest_value_wherever_it_is_and_ignores_nan() {
        for length in [0, 1, 7, 8, 9, 16, 23] {
            for at in 0..length {
                let mut values: Vec<f32> = (0..length).map(|i| -(i as f32) - 1.0).collect();
                values[at] = 3.5;
                assert_eq!(max_of(&values), 3.5, "length {length}, largest at {at}");
            }
        }
        assert_eq!(max_of(&[]), f32::NEG_INFINITY);
        let mut with_nan = vec![1.0; 17];
        with_nan[2] = f32::NAN;
        with_nan[16] = f32::NAN;
        with_nan[9] = 2.0;
        assert_eq!(max_of(&with_nan), 2.0);
    }

    #[test]
    fn log_sum_exp_matches_a_direct_double_precision_sum() {
        // A vocabulary-sized row (not a multiple of the 8 lanes) spread over a wide range of
        // logits, with masked entries.
        let row: Vec<f32> = (0..51_867)
            .map(|i| match i % 97 {
                0 => f32::NEG_INFINITY,
                k => ((i * 7919) % 4001) as f32 / 100.0 - 30.0 + k as f32 * 0.01,
            })
            .collect();
        let max = row.iter().copied().fold(f64::NEG_INFINITY, |m, v| m.max(f64::from(v)));
        let direct = max + row.iter().map(|&v| (f64::from(v) - max).exp()).sum::<f64>().ln();
        let fast = f64::from(log_sum_exp(&row));
        assert!((fast - direct).abs() < 1e-5, "{fast} vs {direct}");
        assert_eq!(log_sum_exp(&[f32::NEG_INFINITY; 9]), f32::NEG_INFINITY);
        assert!((log_sum_exp(&[0.0, 0.0]) - 2f32.ln()).abs() < 1e-6);
    }

    fn allowed(logits: &[f32]) -> Vec<usize> {
        logits
            .iter()
            .enumerate()
            .filter(|(_, &l)| l > f32::NEG_INFINITY)
            .map(|(i, _)| i)
            .collect()
    }

    #[test]
    fn first_token_must_be_a_timestamp_no_later_than_the_maximum_initial_one() {
        let suppression = Suppression::default();
        let mut logits = vec![0.0; 100];
        rules(&suppression).apply(&mut logits, &[]);
        assert_eq!(allowed(&logits), (15..=65).collect::<Vec<_>>());
    }

    #[test]
    fn timestamps_come_in_pairs_so_text_cannot_follow_a_lone_timestamp() {
        let suppression = Suppression::default();
        let mut logits = vec![0.0; 100];
        logits[3] = 50.0; // a strong text token must still be masked
        rules(&suppression).apply(&mut logits, &[15, 4, 5, 30]);
        let ok = allowed(&logits);
        assert!(ok.iter().all(|&t| t == 10 || t >= 30), "{ok:?}");
        assert!(
            ok.contains(&30),
            "the closing timestamp may repeat the last one: {ok:?}"
        );
    }

    #[test]
    fn after_a_timestamp_pair_the_next_token_is_not_a_timestamp() {
        let suppression = Suppression::default();
        let mut logits = vec![0.0; 100];
        logits[4] = 20.0;
        rules(&suppression).apply(&mut logits, &[15, 4, 30, 30]);
        assert!(allowed(&logits).iter().all(|&t| t < 15));
    }

    #[test]
    fn timestamps_never_go_back_in_time() {
        let suppression = Suppression::default();
        let mut logits = vec![0.0; 100];
        logits[40] = 30.0;
        rules(&suppression).apply(&mut logits, &[15, 4, 30, 30, 5]);
        let ok = allowed(&logits);
        assert!(!ok.iter().any(|&t| (15..=30).contains(&t)), "{ok:?}");
        assert!(ok.contains(&31));
    }

    #[test]
    fn likely_timestamps_win_over_any_single_text_token() {
        let suppression = Suppression::default();
        let mut logits = vec![0.0; 100];
        logits[2] = 2.0; // best text token, but 85 timestamps share more mass
        rules(&suppression).apply(&mut logits, &[15, 2]);
        assert!(allowed(&logits).iter().all(|&t| t >= 15));
    }

    #[test]
    fn suppressed_and_begin_suppressed_tokens_are_masked() {
        let suppression = Suppression {
            always: vec![3],
            at_begin: vec![4, 10],
        };
        let mut logits = vec![0.0; 100];
        logits[4] = 40.0;
        rules(&suppression).apply(&mut logits, &[15]);
        let ok = allowed(&logits);
        assert!(!ok.contains(&3) && !ok.contains(&14));
        assert!(ok.contains(&4), "begin-suppression applies to the first token only");
        let mut first = vec![0.0; 100];
        rules(&suppression).apply(&mut first, &[]);
        assert!(!allowed(&first).contains(&10));
    }

    #[test]
    fn window_splits_at_consecutive_timestamps_and_resumes_after_the_last_pair() {
        // <0.00> a b <1.00><1.00> c <2.00> d   (ends mid-segment: resume at 2.00 s)
        let tokens = [15, 1, 2, 65, 65, 3, 115, 4];
        let split = split_window(&tokens, 15, 3000);
        assert_eq!(split.segments.len(), 1);
        assert_eq!(
            split.segments[0].tokens,
            vec![15, 1, 2, 65],
            "timestamps stay, for the next prompt"
        );
        assert!((split.segments[0].start - 0.0).abs() < 1e-9);
        assert!((split.segments[0].end - 1.0).abs() < 1e-9);
        assert_eq!(split.consumed_frames, 100);
    }

    #[test]
    fn single_timestamp_ending_near_the_end_of_the_audio_consumes_the_whole_window() {
        // Text up to 2.00 s of a 2.5 s window: what follows is padding.
        let tokens = [15, 1, 2, 65, 65, 3, 115];
        let split = split_window(&tokens, 15, 250);
        assert_eq!(split.segments.len(), 2);
        assert_eq!(split.segments[1].tokens, vec![65, 3, 115]);
        assert!((split.segments[1].start - 1.0).abs() < 1e-9);
        assert!((split.segments[1].end - 2.0).abs() < 1e-9);
        assert_eq!(split.consumed_frames, 250);
    }

    /// Issue 14: two sentences 0.4 s apart in one 8 s segment; Whisper wrote the first and
    /// stopped. The reference rule took the window as done and the second sentence was lost.
    #[test]
    fn text_ending_well_before_the_audio_leaves_the_rest_to_the_next_window() {
        let tokens = [15, 1, 2, 65, 65, 3, 115];
        let split = split_window(&tokens, 15, 800);
        assert_eq!(split.segments.len(), 2);
        assert_eq!(split.consumed_frames, 200, "resume at 2.00 s, where the text ends");
        let no_pair = split_window(&[15, 1, 2, 3, 40], 15, 800);
        assert_eq!(no_pair.consumed_frames, 50, "resume at 0.50 s");
    }

    #[test]
    fn no_timestamp_pair_makes_one_segment_up_to_the_last_timestamp() {
        let tokens = [15, 1, 2, 3, 40];
        let split = split_window(&tokens, 15, 120);
        assert_eq!(split.segments.len(), 1);
        assert!((split.segments[0].end - 0.5).abs() < 1e-9);
        assert_eq!(split.consumed_frames, 120);
        let untimed = split_window(&[15, 1, 2, 3], 15, 3000);
        assert_eq!(
            untimed.consumed_frames, 3000,
            "no end timestamp: nothing to resume from"
        );
    }

    #[test]
    fn speech_heard_before_is_one_segment_up_to_where_the_window_s_own_audio_starts() {
        assert_eq!(
            heard_prefix(15, &[1, 2], 16_000),
            vec![15, 1, 2, 65],
            "1 s in: <|1.00|>"
        );
        assert_eq!(
            heard_prefix(15, &[1, 2], 16_150),
            vec![15, 1, 2, 65],
            "to the nearest step"
        );
        assert_eq!(
            heard_prefix(15, &[1], 16_000 * 40),
            vec![15, 1, 15 + 1500],
            "never past 30 s"
        );
        assert_eq!(heard_prefix(15, &[1], 0), vec![15, 1, 16], "a segment has length");
        assert!(heard_prefix(15, &[], 16_000).is_empty(), "no text, no prefix");
    }

    #[test]
    fn only_what_was_sampled_after_the_heard_prefix_is_kept() {
        let prefix = [15, 1, 2, 65];
        // <1.02> c d <1.50>: one segment of its own, times in the window.
        let split = split_window_after(&prefix, &[66, 3, 4, 90], 15, 250);
        assert_eq!(split.segments.len(), 1);
        assert_eq!(split.segments[0].tokens, vec![66, 3, 4, 90]);
        assert!((split.segments[0].start - 1.02).abs() < 1e-9);
        assert!((split.segments[0].end - 1.5).abs() < 1e-9);
        assert_eq!(split.consumed_frames, 250);
        // Starting right where the heard speech ends.
        let at_once = split_window_after(&prefix, &[65, 3, 90], 15, 250);
        assert_eq!(at_once.segments.len(), 1);
        assert_eq!(at_once.segments[0].tokens, vec![65, 3, 90]);
        // Nothing sampled: nothing kept, and the audio after the heard speech is left to the
        // next window when there is more than a second of it.
        // Past the audio's end (250 frames: 2.5 s): what Whisper wrote for padding goes.
        let past_the_end = split_window_after(&prefix, &[66, 3, 4, 90, 140, 1, 2, 160], 15, 250);
        assert_eq!(past_the_end.segments.len(), 1, "{past_the_end:?}");
        assert_eq!(past_the_end.segments[0].tokens, vec![66, 3, 4, 90]);
        let nothing = split_window_after(&prefix, &[], 15, 800);
        assert!(nothing.segments.is_empty());
        assert_eq!(nothing.consumed_frames, 100);
        assert_eq!(
            split_window_after(&[], &[15, 1, 2, 65], 15, 250),
            split_window(&[15, 1, 2, 65], 15, 250),
            "no prefix: the plain split"
        );
    }
}
