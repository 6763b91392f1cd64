//! A learned scorer's second opinion on what the rules found: a finding the rules are unsure of
//! goes when the scorer (`learned`) rates every sentence of it low, since the rules then read
//! work or a ruling where the room only talked ("So Thursday morning, I go up on the roof.").
//! Owns only that veto and when, live, it can be given; which findings are open to it is each
//! kind's rule (`actions::open_to_a_second_opinion`, `decisions::open_to_a_second_opinion`).
//! Pure: never does I/O and never scores by itself.

use super::holds;
use super::text::Sentence;
use crate::pipeline::Finding;

/// What the scorer says of each sentence and how low is a veto.
pub struct Opinion<'a> {
    /// How likely the sentence at an index is to be what the finding claims.
    pub score: &'a dyn Fn(usize) -> f64,
    /// A finding open to the veto goes when every sentence of it rates under this.
    pub veto_bar: f64,
    /// How many sentences after its own the scorer reads (`learned::Reading::reads_ahead`).
    pub reads_ahead: usize,
}

/// The findings of `found` the scorer does not overrule: one that is `open` to a second opinion
/// goes when every sentence of it rates under the veto bar. Until the meeting is over
/// (`meeting_over`), such a finding waits for the sentences the scorer reads after it, so the
/// live tracker hands on nothing it would later take back.
pub fn upheld(
    sentences: &[Sentence],
    found: Vec<Finding>,
    open: impl Fn(&Finding) -> bool,
    opinion: &Opinion<'_>,
    meeting_over: bool,
) -> Vec<Finding> {
    found
        .into_iter()
        .filter(|finding| {
            if !open(finding) {
                return true;
            }
            let said: Vec<usize> = (0..sentences.len())
                .filter(|&at| holds(finding, &sentences[at]))
                .collect();
            let Some(&last) = said.last() else {
                return true;
            };
            if !meeting_over && last + opinion.reads_ahead >= sentences.len() {
                return false;
            }
            said.iter().any(|&at| (opinion.score)(at) >= opinion.veto_bar)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meaning::text;
    use crate::pipeline::{Decision, FindingBody};

    /// The sentence at `at` as a decision.
    fn decided(sentences: &[Sentence], at: usize) -> Finding {
        let sentence = &sentences[at];
        Finding {
            id: format!("decision-{at}"),
            revision: 1,
            segments: sentence.seqs.clone(),
            start: 0.0,
            body: FindingBody::Decision(Decision {
                text: sentence.text.clone(),
                decision: sentence.text.clone(),
                by: sentence.speaker.clone(),
                confidence: 0.7,
            }),
        }
    }

    fn rated(score: &dyn Fn(usize) -> f64, reads_ahead: usize) -> Opinion<'_> {
        Opinion {
            score,
            veto_bar: 0.2,
            reads_ahead,
        }
    }

    #[test]
    fn what_the_scorer_rates_low_goes_only_when_open_to_it() {
        let sentences = text::said(&[
            ("Lau", "So Thursday morning, I go up on the roof."),
            ("Mei", "So the ties come from Wing Hing."),
            ("Mei", "Fine."),
        ]);
        // The scorer rates only the sentence about Wing Hing as what was found.
        let score = |at: usize| {
            if sentences[at].text.contains("Wing Hing") {
                0.5
            } else {
                0.05
            }
        };
        let found = vec![decided(&sentences, 0), decided(&sentences, 1)];
        let kept: Vec<String> = upheld(&sentences, found.clone(), |_| true, &rated(&score, 1), true)
            .into_iter()
            .map(|f| f.id)
            .collect();
        assert_eq!(kept, [found[1].id.clone()]);
        assert_eq!(upheld(&sentences, found, |_| false, &rated(&score, 1), true).len(), 2);
    }

    #[test]
    fn live_an_open_finding_waits_for_what_the_scorer_reads_after_it() {
        let lines = [
            ("Lau", "The roof ties are loose."),
            ("Lau", "So the ties come from Wing Hing."),
            ("Mei", "Lovely weather today."),
            ("Lau", "It really is lovely."),
        ];
        let kept = |lines: &[(&str, &str)], reads_ahead: usize, meeting_over: bool| {
            let sentences = text::said(lines);
            let found = vec![decided(&sentences, 1)];
            upheld(&sentences, found, |_| true, &rated(&|_| 0.5, reads_ahead), meeting_over).len()
        };
        assert_eq!(kept(&lines[..3], 2, false), 0, "one sentence after it: too soon");
        assert_eq!(kept(&lines[..3], 2, true), 1, "over: read to the end");
        assert_eq!(kept(&lines, 2, false), 1, "the two it reads are said");
        assert_eq!(kept(&lines[..3], 1, false), 1, "a scorer that reads one after: said");
    }
}
