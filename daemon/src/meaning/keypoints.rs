//! Key points: the few most central sentences of a meeting, by TextRank (Mihalcea & Tarau,
//! 2004) over a graph whose edges are the content words two sentences share, normalised by
//! their lengths. Returned in the order they were said, with who said them. Pure.

use std::collections::HashSet;

use super::text::Sentence;
use super::Cues;
use crate::pipeline::KeyPoint;

/// Sentences shorter than this (in content words) are not key points.
const MIN_CONTENT_WORDS: usize = 4;
const DAMPING: f64 = 0.85;
const ITERATIONS: usize = 40;
/// The graph holds at most this many sentences (the richest in content words): its weights are
/// a square matrix, so a two-hour meeting's thousands of sentences would cost tens of MB and
/// seconds at its end. 400 cost about 1 MB.
const MAX_CANDIDATES: usize = 400;

/// The `count` most central sentences, in order.
pub fn central(sentences: &[Sentence], cues: &Cues, count: usize) -> Vec<KeyPoint> {
    let bags: Vec<HashSet<String>> = sentences
        .iter()
        .map(|s| {
            s.words
                .iter()
                .filter(|w| w.lower.len() >= 3 && !cues.is_stopword(&w.lower))
                .map(|w| w.lower.clone())
                .collect()
        })
        .collect();
    let mut eligible: Vec<usize> = (0..sentences.len())
        .filter(|&i| bags[i].len() >= MIN_CONTENT_WORDS && !sentences[i].is_question())
        .collect();
    if eligible.len() > MAX_CANDIDATES {
        eligible.sort_by_key(|&i| std::cmp::Reverse(bags[i].len()));
        eligible.truncate(MAX_CANDIDATES);
        eligible.sort_unstable();
    }
    let n = eligible.len();
    if n == 0 {
        return Vec::new();
    }
    let mut weights = vec![vec![0.0f64; n]; n];
    for a in 0..n {
        for b in (a + 1)..n {
            let (x, y) = (&bags[eligible[a]], &bags[eligible[b]]);
            let shared = x.intersection(y).count() as f64;
            if shared > 0.0 {
                let w = shared / ((x.len() as f64).ln() + (y.len() as f64).ln()).max(1.0);
                weights[a][b] = w;
                weights[b][a] = w;
            }
        }
    }
    let out_sums: Vec<f64> = weights.iter().map(|row| row.iter().sum()).collect();
    let mut rank = vec![1.0f64; n];
    for _ in 0..ITERATIONS {
        let next: Vec<f64> = (0..n)
            .map(|i| {
                let incoming: f64 = (0..n)
                    .filter(|&j| out_sums[j] > 0.0)
                    .map(|j| weights[j][i] / out_sums[j] * rank[j])
                    .sum();
                (1.0 - DAMPING) + DAMPING * incoming
            })
            .collect();
        rank = next;
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| rank[b].total_cmp(&rank[a]).then(a.cmp(&b)));
    let mut chosen: Vec<usize> = order.into_iter().take(count).map(|i| eligible[i]).collect();
    chosen.sort_unstable();
    chosen
        .into_iter()
        .map(|i| KeyPoint {
            text: sentences[i].text.clone(),
            speaker: sentences[i].speaker.clone(),
            start: sentences[i].start,
            segment: sentences[i].seq,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{cues, text};
    use super::*;

    #[test]
    fn a_long_meeting_is_ranked_over_a_bounded_graph() {
        let utterances: Vec<text::Utterance> = (0..3_000u64)
            .map(|i| text::Utterance {
                seq: i,
                start: i as f64,
                end: i as f64 + 1.0,
                speaker: None,
                text: format!(
                    "The budget review covers topic number {} and the supplier contract.",
                    i % 50
                ),
            })
            .collect();
        let points = central(
            &text::sentences(&utterances, &crate::meaning::english::ENGLISH),
            cues("en").unwrap(),
            5,
        );
        assert_eq!(points.len(), 5);
        assert!(
            points.windows(2).all(|w| w[0].segment < w[1].segment),
            "in the order said"
        );
    }

    #[test]
    fn the_sentence_sharing_most_with_the_rest_is_central() {
        let lines = [
            "The checkout alert fired twelve minutes late on Saturday.",
            "The checkout alert window is fifteen minutes, which is far too long for checkout.",
            "My shoes are still wet from the rain outside.",
            "A five minute alert window would have caught the checkout errors.",
            "Lunch is sandwiches again today, from the place downstairs.",
        ];
        let utterances: Vec<text::Utterance> = lines
            .iter()
            .enumerate()
            .map(|(i, t)| text::Utterance {
                seq: i as u64,
                start: i as f64,
                end: i as f64 + 1.0,
                speaker: None,
                text: (*t).into(),
            })
            .collect();
        let points = central(
            &text::sentences(&utterances, &crate::meaning::english::ENGLISH),
            cues("en").unwrap(),
            1,
        );
        assert_eq!(points.len(), 1);
        assert_eq!(points[0].segment, 1, "{points:?}");
    }
}
