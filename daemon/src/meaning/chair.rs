//! Who runs the meeting, as far as it has gone, read from the meeting's start to each utterance
//! (counting it): `leader`, whoever has done most of what a chair does (spoken, called people by
//! name, moved the meeting along). The rules read it where only a chair's word makes a ruling
//! ("No freeze.", "Nothing gets signed until that report is in."), and the learned decision
//! scorer reads it too. A chair who talks least but hands the floor round and makes the calls
//! still leads; whoever talks most without doing so need not. Counted from the start, never from
//! a live window, so the live feed and the summary read the same answer for the same sentence;
//! whoever spoke first is only where the count starts, so a meeting someone else opens ("Before
//! we start, the alarm went off again") finds its leader once the chair has done more. Counted
//! by utterance: a sentence finished in the next utterance is read as of the one it starts in.
//! Pure: never decides what a sentence means.

use std::collections::HashMap;

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
}

/// Who runs the meeting as of each utterance (`said`: each one's speaker and what it counts, in
/// order).
pub fn running<'a>(said: impl IntoIterator<Item = (Option<&'a str>, Counted)>) -> Vec<Running<'a>> {
    // Each speaker's lead points so far.
    let mut totals: HashMap<&str, u32> = HashMap::new();
    let mut leader: Option<(&str, u32)> = None;
    said.into_iter()
        .map(|(speaker, gained)| {
            // An utterance that says nothing (no sentence) counts nobody in.
            if let Some(speaker) = speaker.filter(|_| gained.sentences > 0) {
                let points = totals.entry(speaker).or_default();
                *points += gained.lead_points;
                let points = *points;
                match &mut leader {
                    Some((name, lead)) if *name == speaker => *lead = points,
                    Some((_, lead)) if points <= *lead => {}
                    _ => leader = Some((speaker, points)),
                }
            }
            Running {
                leader: leader.map(|(name, _)| name),
            }
        })
        .collect()
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
}
