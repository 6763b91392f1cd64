//! Searching for the likeliest token sequence of one window: beam search with patience (the
//! reference `BeamSearchDecoder`) at temperature 0, and best-of-N sampling above it.
//!
//! The network is behind `StepModel`, so the search is tested on a toy vocabulary. Hypothesis `i`
//! of a step continues hypothesis `sources[i]` of the step before; the model reorders its caches
//! to match. Rules (timestamps, suppression) are applied to every row before scoring.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use wide::{f32x8, CmpGt};

use super::rules::{log_sum_exp, max_of};

/// One step of the decoder for a batch of hypotheses.
pub trait StepModel {
    type Error;
    /// Hypothesis `i` continues hypothesis `sources[i]` of the previous call (of the prompt, on
    /// the first call) with `tokens[i]`; returns each hypothesis' next-token logits.
    fn step(&mut self, sources: &[usize], tokens: &[i64]) -> Result<Vec<Vec<f32>>, Self::Error>;
}

/// A finished candidate: its sampled tokens (no end-of-text) and their summed log-probability.
#[derive(Debug, Clone, PartialEq)]
pub struct Hypothesis {
    pub tokens: Vec<i64>,
    pub sum_logprob: f32,
}

impl Hypothesis {
    /// The reference ranking with `length_penalty = None`: mean log-probability per token.
    fn rank_score(&self) -> f32 {
        self.sum_logprob / self.tokens.len().max(1) as f32
    }
}

/// The best of `candidates` by the reference ranker.
pub fn best(candidates: Vec<Hypothesis>) -> Option<Hypothesis> {
    candidates
        .into_iter()
        .fold(None, |best: Option<Hypothesis>, h| match best {
            Some(b) if b.rank_score() >= h.rank_score() => Some(b),
            _ => Some(h),
        })
}

/// What bounds a search.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub eot: i64,
    pub max_tokens: usize,
    /// A hypothesis this calls hopeless (a repetition loop) grows no further: it would only go
    /// round its loop up to `max_tokens`, one forward pass per token, and be rejected anyway.
    pub hopeless: fn(&[i64]) -> bool,
}

/// Beam search from the prompt's logits `first`. Returns the finished candidates (at least
/// `beam_size` when the length limit ends the search).
pub fn beam_search<M: StepModel>(
    model: &mut M,
    first: Vec<f32>,
    rules: &dyn Fn(&mut [f32], &[i64]),
    beam_size: usize,
    patience: f32,
    limits: Limits,
) -> Result<Vec<Hypothesis>, M::Error> {
    let beam_size = beam_size.max(1);
    let max_candidates = ((beam_size as f32 * patience).round() as usize).max(1);
    let mut beams = vec![Hypothesis {
        tokens: Vec::new(),
        sum_logprob: 0.0,
    }];
    let mut rows = vec![first];
    let mut finished: Vec<Hypothesis> = Vec::new();
    for _ in 0..limits.max_tokens {
        let mut candidates: Vec<(f32, usize, i64)> = Vec::with_capacity(beams.len() * (beam_size + 1));
        for (i, (beam, row)) in beams.iter().zip(rows.iter_mut()).enumerate() {
            rules(row, &beam.tokens);
            let normaliser = log_sum_exp(row);
            for token in top_k(row, beam_size + 1) {
                candidates.push((beam.sum_logprob + row[token] - normaliser, i, token as i64));
            }
        }
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut newly_finished = Vec::new();
        let mut next: Vec<(usize, i64, f32)> = Vec::with_capacity(beam_size);
        for (score, source, token) in candidates {
            if token == limits.eot {
                newly_finished.push(Hypothesis {
                    tokens: beams[source].tokens.clone(),
                    sum_logprob: score,
                });
            } else {
                next.push((source, token, score));
                if next.len() == beam_size {
                    break;
                }
            }
        }
        for hypothesis in newly_finished {
            if finished.len() >= max_candidates {
                break;
            }
            finished.push(hypothesis);
        }
        if finished.len() >= max_candidates || next.is_empty() {
            return Ok(finished);
        }
        let sources: Vec<usize> = next.iter().map(|n| n.0).collect();
        let tokens: Vec<i64> = next.iter().map(|n| n.1).collect();
        beams = next
            .iter()
            .map(|&(source, token, score)| {
                let mut tokens = beams[source].tokens.clone();
                tokens.push(token);
                Hypothesis {
                    tokens,
                    sum_logprob: score,
                }
            })
            .collect();
        if beams.iter().all(|beam| (limits.hopeless)(&beam.tokens)) {
            // Every live beam is looping: the model is lost in this window at this temperature,
            // and the loops are the answer, for the caller to retry hotter or collapse. Not the
            // side candidates that finished on the way: ranked above the loops they are often
            // an early end-of-text, which would silently drop the rest of the window.
            beams.sort_by(|a, b| b.sum_logprob.total_cmp(&a.sum_logprob));
            return Ok(beams);
        }
        rows = model.step(&sources, &tokens)?;
    }
    // Out of length: the unfinished beams, best first, fill the candidate list.
    beams.sort_by(|a, b| b.sum_logprob.total_cmp(&a.sum_logprob));
    for beam in beams {
        if finished.len() >= beam_size {
            break;
        }
        finished.push(beam);
    }
    Ok(finished)
}

/// Best-of-N sampling at `temperature` (> 0): N independent hypotheses, each token drawn from the
/// rule-masked distribution sharpened or flattened by the temperature. `seed` makes it repeatable.
pub fn sample<M: StepModel>(
    model: &mut M,
    first: Vec<f32>,
    rules: &dyn Fn(&mut [f32], &[i64]),
    best_of: usize,
    temperature: f32,
    seed: u64,
    limits: Limits,
) -> Result<Vec<Hypothesis>, M::Error> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let n = best_of.max(1);
    let mut hypotheses = vec![
        Hypothesis {
            tokens: Vec::new(),
            sum_logprob: 0.0,
        };
        n
    ];
    // `alive[i]` is the hypothesis behind row i of the model's current batch.
    let mut alive: Vec<usize> = (0..n).collect();
    let mut rows = vec![first; n];
    // The model's batch holds only the prompt before the first step.
    let mut first_step = true;
    for _ in 0..limits.max_tokens {
        let mut still: Vec<(usize, usize, i64)> = Vec::new();
        for (row_index, (&h, row)) in alive.iter().zip(rows.iter_mut()).enumerate() {
            rules(row, &hypotheses[h].tokens);
            let token = draw(row, temperature, &mut rng);
            hypotheses[h].sum_logprob += row[token] - log_sum_exp(row);
            if token as i64 != limits.eot {
                hypotheses[h].tokens.push(token as i64);
                if !(limits.hopeless)(&hypotheses[h].tokens) {
                    still.push((h, row_index, token as i64));
                }
            }
        }
        if still.is_empty() {
            break;
        }
        let sources: Vec<usize> = still.iter().map(|s| if first_step { 0 } else { s.1 }).collect();
        let tokens: Vec<i64> = still.iter().map(|s| s.2).collect();
        rows = model.step(&sources, &tokens)?;
        alive = still.iter().map(|s| s.0).collect();
        first_step = false;
    }
    Ok(hypotheses)
}

/// Draws a token from `softmax(logits / temperature)`. The weights are taken eight lanes at a
/// time (they are computed for the whole vocabulary, every hypothesis, every step) and summed
/// in double precision.
fn draw(logits: &[f32], temperature: f32, rng: &mut SmallRng) -> usize {
    let max = max_of(logits);
    let inverse_temperature = 1.0 / temperature;
    let weight = |logit: f32| ((logit - max) * inverse_temperature).exp();
    let (shift, scale) = (f32x8::splat(max), f32x8::splat(inverse_temperature));
    let lanes = logits.chunks_exact(8);
    let tail = lanes.remainder().iter().map(|&logit| weight(logit));
    let weights: Vec<f32> = lanes
        .flat_map(|chunk| {
            let chunk = f32x8::from(<[f32; 8]>::try_from(chunk).expect("chunks_exact yields 8 values"));
            ((chunk - shift) * scale).exp().to_array()
        })
        .chain(tail)
        .collect();
    let total: f64 = weights.iter().map(|&w| f64::from(w)).sum();
    let mut target = rng.random::<f64>() * total;
    for (token, &w) in weights.iter().enumerate() {
        let w = f64::from(w);
        if target < w {
            return token;
        }
        target -= w;
    }
    weights.iter().rposition(|&w| w > 0.0).unwrap_or(0)
}

/// Indices of the `k` largest values, largest first (ties: lower index first), skipping `-inf`.
/// One pass over the row keeping a sorted list of at most `k`: `k` is the beam size plus one,
/// the row is the whole vocabulary. Once the list is full almost nothing beats its last entry,
/// so eight values at a time are compared with that bar and only a chunk with a winner is
/// looked at value by value.
fn top_k(values: &[f32], k: usize) -> Vec<usize> {
    let mut best: Vec<usize> = Vec::with_capacity(k + 1);
    // What a newcomer must beat: anything finite until the list is full, then its last entry.
    let mut bar = f32::NEG_INFINITY;
    for (chunk_index, chunk) in values.chunks(8).enumerate() {
        if let Ok(lanes) = <[f32; 8]>::try_from(chunk) {
            if !f32x8::from(lanes).cmp_gt(f32x8::splat(bar)).any() {
                continue;
            }
        }
        for (offset, &value) in chunk.iter().enumerate() {
            if value > bar {
                let at = best.partition_point(|&b| values[b] >= value);
                best.insert(at, chunk_index * 8 + offset);
                best.truncate(k);
                if best.len() == k {
                    bar = best.last().map_or(bar, |&last| values[last]);
                }
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    const EOT: i64 = 4;

    /// A toy language model over tokens 0..=4 (4 = end of text). Its probabilities depend on the
    /// prefix, so it also checks that hypotheses are reordered as `sources` says.
    struct Toy {
        prefixes: Vec<Vec<i64>>,
    }

    fn toy_logits(prefix: &[i64]) -> Vec<f32> {
        let p: [f32; 5] = match prefix {
            // Greedy takes 0 (0.5) but then only weak continuations follow;
            [] => [0.5, 0.45, 0.03, 0.01, 0.01],
            // after 0 the best is to go on with 2, then end;
            [0] => [0.1, 0.1, 0.3, 0.25, 0.25],
            [0, 2] => [0.1, 0.1, 0.1, 0.1, 0.6],
            // while after 1 ending at once is almost certain.
            [1] => [0.01, 0.01, 0.01, 0.01, 0.96],
            _ => [0.05, 0.05, 0.05, 0.05, 0.8],
        };
        p.iter().map(|x| x.ln()).collect()
    }

    impl StepModel for Toy {
        type Error = ();
        fn step(&mut self, sources: &[usize], tokens: &[i64]) -> Result<Vec<Vec<f32>>, ()> {
            self.prefixes = sources
                .iter()
                .zip(tokens)
                .map(|(&s, &t)| {
                    let mut p = self.prefixes[s].clone();
                    p.push(t);
                    p
                })
                .collect();
            Ok(self.prefixes.iter().map(|p| toy_logits(p)).collect())
        }
    }

    fn toy() -> Toy {
        Toy {
            prefixes: vec![Vec::new()],
        }
    }

    const LIMITS: Limits = Limits {
        eot: EOT,
        max_tokens: 10,
        hopeless: |_| false,
    };
    fn no_rules(_: &mut [f32], _: &[i64]) {}

    #[test]
    fn beam_of_one_is_greedy() {
        let found = beam_search(&mut toy(), toy_logits(&[]), &no_rules, 1, 1.0, LIMITS).unwrap();
        let best = best(found).unwrap();
        assert_eq!(best.tokens, vec![0, 2]);
        assert!((best.sum_logprob - (0.5f32.ln() + 0.3f32.ln() + 0.6f32.ln())).abs() < 1e-5);
    }

    #[test]
    fn beam_search_finds_the_likelier_sequence_greedy_misses() {
        let found = beam_search(&mut toy(), toy_logits(&[]), &no_rules, 2, 1.0, LIMITS).unwrap();
        let best = best(found).unwrap();
        assert_eq!(best.tokens, vec![1], "0.45 × 0.96 beats 0.5 × 0.3 × 0.6");
        assert!((best.sum_logprob - (0.45f32.ln() + 0.96f32.ln())).abs() < 1e-5);
    }

    #[test]
    fn patience_collects_more_finished_candidates_before_stopping() {
        let patient = beam_search(&mut toy(), toy_logits(&[]), &no_rules, 2, 2.0, LIMITS).unwrap();
        let impatient = beam_search(&mut toy(), toy_logits(&[]), &no_rules, 2, 1.0, LIMITS).unwrap();
        assert_eq!(patient.len(), 4);
        assert_eq!(impatient.len(), 2);
    }

    #[test]
    fn rules_apply_to_every_hypothesis() {
        let forbid_one = |row: &mut [f32], _: &[i64]| row[1] = f32::NEG_INFINITY;
        let found = beam_search(&mut toy(), toy_logits(&[]), &forbid_one, 2, 1.0, LIMITS).unwrap();
        assert!(found.iter().all(|h| !h.tokens.contains(&1)), "{found:?}");
    }

    #[test]
    fn length_limit_returns_the_unfinished_beams() {
        let never_end = |row: &mut [f32], _: &[i64]| row[EOT as usize] = f32::NEG_INFINITY;
        let limits = Limits {
            max_tokens: 3,
            ..LIMITS
        };
        let found = beam_search(&mut toy(), toy_logits(&[]), &never_end, 2, 1.0, limits).unwrap();
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|h| h.tokens.len() == 3));
    }

    #[test]
    fn beams_that_all_loop_stop_at_once_and_are_returned_for_the_caller_to_reject() {
        let never_end = |row: &mut [f32], _: &[i64]| row[EOT as usize] = f32::NEG_INFINITY;
        let limits = Limits {
            hopeless: |tokens| tokens.len() >= 3,
            ..LIMITS
        };
        let mut model = toy();
        let found = beam_search(&mut model, toy_logits(&[]), &never_end, 2, 1.0, limits).unwrap();
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|h| h.tokens.len() == 3), "{found:?}");
        assert!(
            model.prefixes.iter().all(|p| p.len() < 3),
            "no forward pass for a hopeless beam: {:?}",
            model.prefixes
        );
    }

    #[test]
    fn when_every_beam_loops_the_loops_are_the_answer_not_what_finished_on_the_way() {
        // [1] ends at once (0.96); everything starting with 0 is called a loop after two tokens.
        let limits = Limits {
            hopeless: |tokens| tokens.first() == Some(&0) && tokens.len() >= 2,
            ..LIMITS
        };
        let found = beam_search(&mut toy(), toy_logits(&[]), &no_rules, 2, 2.0, limits).unwrap();
        assert!(!found.is_empty());
        assert!(
            found.iter().all(|h| h.tokens.len() == 2 && h.tokens[0] == 0),
            "{found:?}"
        );
    }

    #[test]
    fn a_sampled_hypothesis_that_loops_grows_no_further() {
        let never_end = |row: &mut [f32], _: &[i64]| row[EOT as usize] = f32::NEG_INFINITY;
        let limits = Limits {
            hopeless: |tokens| tokens.len() >= 2,
            ..LIMITS
        };
        let found = sample(&mut toy(), toy_logits(&[]), &never_end, 4, 1.0, 9, limits).unwrap();
        assert_eq!(found.len(), 4);
        assert!(found.iter().all(|h| h.tokens.len() == 2), "{found:?}");
    }

    #[test]
    fn sampling_is_repeatable_and_spreads_with_temperature() {
        let run =
            |temperature, seed| sample(&mut toy(), toy_logits(&[]), &no_rules, 8, temperature, seed, LIMITS).unwrap();
        assert_eq!(run(1.0, 7), run(1.0, 7), "same seed, same samples");
        let cold = run(0.01, 3);
        assert!(
            cold.iter().all(|h| h.tokens.first() == Some(&0)),
            "near zero temperature is greedy"
        );
        let hot = run(1.0, 3);
        let firsts: std::collections::HashSet<_> = hot.iter().filter_map(|h| h.tokens.first()).collect();
        assert!(firsts.len() >= 2, "at temperature 1 the first token varies: {hot:?}");
    }

    #[test]
    fn top_k_agrees_with_sorting_a_long_row_with_ties_masks_and_nan() {
        let mut rng = SmallRng::seed_from_u64(3);
        for length in [5, 8, 13, 64, 1001] {
            // Few distinct values, so ties are common; some masked, one NaN.
            let mut values: Vec<f32> = (0..length).map(|_| f32::from(rng.random_range(0u8..20))).collect();
            for _ in 0..length / 4 {
                let at = rng.random_range(0..length);
                values[at] = f32::NEG_INFINITY;
            }
            values[rng.random_range(0..length)] = f32::NAN;
            let mut sorted: Vec<usize> = (0..length).filter(|&i| values[i] > f32::NEG_INFINITY).collect();
            sorted.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
            for k in [1, 3, 6, 2000] {
                let want: Vec<usize> = sorted.iter().copied().take(k).collect();
                assert_eq!(top_k(&values, k), want, "length {length}, k {k}");
            }
        }
    }

    #[test]
    fn top_k_orders_by_value_and_skips_masked() {
        let values = [0.1, f32::NEG_INFINITY, 0.7, 0.3, 0.7];
        assert_eq!(top_k(&values, 3), vec![2, 4, 3]);
        assert_eq!(top_k(&values, 10), vec![2, 4, 3, 0]);
    }
}
