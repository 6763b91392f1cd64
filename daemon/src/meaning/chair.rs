//! Who runs the meeting, as far as it has gone, read two ways from the meeting's start to each
//! utterance (counting it): `leader`, whoever has done most of what a chair does (spoken, called
//! people by name, moved the meeting along), which the learned decision scorer reads and the
//! rules too where only a chair's word makes a ruling ("No freeze."), and the rules' cautious
//! `chair`, whoever has clearly said most, or opened and is one of the two who said most in a
//! meeting of three or more, else nobody. A ruling is most often theirs. Counted from the start, never from a live window, so the live feed and the summary
//! read the same answer for the same sentence; whoever spoke first is only where the count
//! starts, so a meeting someone else opens ("Before we start, the alarm went off again") finds
//! its leader once the chair has done more. Counted by utterance: a sentence finished in the
//! next utterance is read as of the one it starts in. Pure: never decides what a sentence means.

use super::{text, Cues};

/// What any sentence counts towards the lead.
const SENTENCE_POINTS: u32 = 1;
/// What calling someone by name adds ("Prossy, the container."): a chair hands the floor round.
const NAME_CALL_POINTS: u32 = 3;
/// What moving the meeting along adds ("Let's move on to the pallets.").
const MEETING_FLOW_POINTS: u32 = 3;

/// What one utterance counts towards who runs the meeting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counted {
    pub sentences: u32,
    /// A point a sentence, more for each one that calls someone by name or moves the meeting
    /// along.
    pub lead_points: u32,
}

/// What `said`, one utterance, counts.
pub fn counted(said: &str, cues: &Cues) -> Counted {
    text::split_sentences(said.trim(), cues.language)
        .into_iter()
        .fold(Counted::default(), |counted, sentence| {
            let calls = cues.name_called(&text::words(sentence)).is_some();
            let moves_on = cues.meeting_flow.is_match(&cues.normalise(sentence));
            Counted {
                sentences: counted.sentences + 1,
                lead_points: counted.lead_points
                    + SENTENCE_POINTS
                    + u32::from(calls) * NAME_CALL_POINTS
                    + u32::from(moves_on) * MEETING_FLOW_POINTS,
            }
        })
}

/// Who runs the meeting as of one utterance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Running<'a> {
    /// Whoever has the most lead points from the start: the one ahead stays ahead until someone
    /// has more, so whoever speaks first leads first and a tie changes nothing. None only until
    /// a known speaker has spoken.
    pub leader: Option<&'a str>,
    /// Whoever has said the most sentences by a clear margin (a quarter more than the next);
    /// without one, in a meeting of three or more, whoever opened it when they are one of the two
    /// who said most (a chair who lets the room talk); none without speakers, between two people
    /// level in talk, or when the one who opened says little. The rules would rather nobody ran
    /// the meeting than the wrong person.
    pub chair: Option<&'a str>,
}

/// Who runs the meeting as of each utterance (`said`: each one's speaker and what it counts, in
/// order).
pub fn running<'a>(said: impl IntoIterator<Item = (Option<&'a str>, Counted)>) -> Vec<Running<'a>> {
    // Each speaker's totals, in the order they first spoke.
    let mut totals: Vec<(&str, Counted)> = Vec::new();
    let mut leader: Option<(&str, u32)> = None;
    said.into_iter()
        .map(|(speaker, gained)| {
            // An utterance that says nothing (no sentence) counts nobody in.
            if let Some(speaker) = speaker.filter(|_| gained.sentences > 0) {
                let at = match totals.iter().position(|(name, _)| *name == speaker) {
                    Some(at) => at,
                    None => {
                        totals.push((speaker, Counted::default()));
                        totals.len() - 1
                    }
                };
                let total = &mut totals[at].1;
                total.sentences += gained.sentences;
                total.lead_points += gained.lead_points;
                let points = total.lead_points;
                match &mut leader {
                    Some((name, lead)) if *name == speaker => *lead = points,
                    Some((_, lead)) if points <= *lead => {}
                    _ => leader = Some((speaker, points)),
                }
            }
            Running {
                leader: leader.map(|(name, _)| name),
                chair: chair(&totals),
            }
        })
        .collect()
}

/// The rules' chair among `totals` (each speaker's, in the order they first spoke).
fn chair<'a>(totals: &[(&'a str, Counted)]) -> Option<&'a str> {
    let mut by_talk: Vec<(&str, u32)> = totals.iter().map(|(name, c)| (*name, c.sentences)).collect();
    // Stable: of two level in talk, whoever spoke first comes first.
    by_talk.sort_by_key(|&(_, sentences)| std::cmp::Reverse(sentences));
    match by_talk.as_slice() {
        [(only, _)] => Some(only),
        [(first, most), (_, next), ..] if *most * 4 > *next * 5 => Some(first),
        [(first, _), (second, _), _, ..] => {
            let opened = totals.first().map(|(name, _)| *name)?;
            [*first, *second].contains(&opened).then_some(opened)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meaning::cues;

    fn lead_points(said: &str) -> u32 {
        counted(said, cues("en").unwrap()).lead_points
    }

    #[test]
    fn a_sentence_counts_a_point_and_calling_a_name_or_moving_on_counts_more() {
        let two = Counted {
            sentences: 2,
            lead_points: 2,
        };
        assert_eq!(
            counted("The road was terrible. Potholes everywhere.", cues("en").unwrap()),
            two
        );
        assert_eq!(lead_points("Prossy, the container."), 1 + NAME_CALL_POINTS);
        assert_eq!(
            lead_points("Good. Let's move on to the pallets."),
            2 + MEETING_FLOW_POINTS
        );
        // A name not set off by commas calls nobody; a word that opens sentences is no name.
        assert_eq!(lead_points("I spoke to Prossy yesterday."), 1);
        assert_eq!(lead_points("Okay, fine."), 1);
        assert_eq!(counted("", cues("en").unwrap()), Counted::default());
    }

    /// Who runs the meeting as of each of `said` (speaker, sentences, lead points).
    fn runs(said: &[(Option<&'static str>, u32, u32)]) -> Vec<Running<'static>> {
        running(
            said.iter()
                .map(|&(speaker, sentences, lead_points)| (speaker, Counted { sentences, lead_points })),
        )
    }

    #[test]
    fn whoever_speaks_first_leads_until_someone_does_more() {
        let leaders: Vec<Option<&str>> = runs(&[
            (None, 1, 1),
            (Some("Lars"), 2, 2),
            (Some("Ingrid"), 2, 2),
            (Some("Ingrid"), 1, 1),
            (Some("Lars"), 1, 1),
            (Some("Lars"), 1, 1),
        ])
        .iter()
        .map(|r| r.leader)
        .collect();
        assert_eq!(
            leaders,
            [
                None,
                Some("Lars"),
                Some("Lars"),
                Some("Ingrid"),
                Some("Ingrid"),
                Some("Lars")
            ],
            "a tie keeps whoever was ahead; only more points take the lead"
        );
    }

    #[test]
    fn a_chair_who_does_not_open_takes_the_lead_by_running_the_meeting() {
        let english = cues("en").unwrap();
        let meeting = [
            (
                "Lars",
                "Before we start, the oxygen alarm on tank seven went off again at four.",
            ),
            (
                "Lars",
                "I reset it and the levels were fine, so I think it's the probe.",
            ),
            ("Ingrid", "Thanks. Morning, everyone, let's get started."),
            ("Maja", "Is the probe the old type?"),
            ("Ingrid", "Maja, hold that thought. Lars, the nitrite first."),
            ("Lars", "Nitrite is down to point two."),
            ("Ingrid", "Good. So the feed stays as it is."),
        ];
        let running = running(meeting.iter().map(|(who, said)| (Some(*who), counted(said, english))));
        assert_eq!(running[0].leader, Some("Lars"));
        assert_eq!(running[6].leader, Some("Ingrid"), "{running:?}");
    }

    #[test]
    fn the_rules_chair_has_clearly_said_most_or_opened_and_said_about_as_much() {
        let chairs = |said: &[(Option<&'static str>, u32, u32)]| -> Vec<Option<&'static str>> {
            runs(said).iter().map(|r| r.chair).collect()
        };
        // Alone, then level with Tom, then a quarter ahead of him.
        assert_eq!(
            chairs(&[(Some("Ines"), 2, 2), (Some("Tom"), 2, 2), (Some("Ines"), 1, 1)]),
            [Some("Ines"), None, Some("Ines")]
        );
        // Three or more: whoever opened, when one of the two who said most; not otherwise.
        assert_eq!(
            chairs(&[(Some("Ines"), 2, 2), (Some("Tom"), 2, 2), (Some("Jo"), 1, 1)]),
            [Some("Ines"), None, Some("Ines")]
        );
        assert_eq!(
            chairs(&[
                (Some("Mia"), 1, 1),
                (Some("Ines"), 3, 3),
                (Some("Tom"), 3, 3),
                (None, 5, 5)
            ]),
            [Some("Mia"), Some("Ines"), None, None]
        );
    }
}
