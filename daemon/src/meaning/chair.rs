//! Who runs the meeting, as far as it has gone: whoever has done most of what a chair does from
//! the meeting's start to each utterance (spoken, called people by name, moved the meeting
//! along). The learned decision scorer reads whether that person says a sentence, since a
//! ruling is most often theirs. Counted from the start, never from a window, so the live feed
//! and the summary read the same answer for the same sentence; whoever spoke first is only
//! where the count starts, so a meeting someone else opens ("Before we start, the alarm went
//! off again") finds its chair once the chair has done more. Pure: never decides what a
//! sentence means.

use super::{text, Cues};

/// What any sentence counts.
const SENTENCE_POINTS: u32 = 1;
/// What calling someone by name adds ("Prossy, the container."): a chair hands the floor round.
const NAME_CALL_POINTS: u32 = 3;
/// What moving the meeting along adds ("Let's move on to the pallets.").
const MEETING_FLOW_POINTS: u32 = 3;

/// How much `said`, one utterance, shows its speaker running the meeting: a point a sentence,
/// more for each one that calls someone by name or moves the meeting along.
pub fn lead_points(said: &str, cues: &Cues) -> u32 {
    text::split_sentences(said.trim(), cues.language)
        .into_iter()
        .map(|sentence| {
            let calls = cues.name_called(&text::words(sentence)).is_some();
            let moves_on = cues.meeting_flow.is_match(&cues.normalise(sentence));
            SENTENCE_POINTS + u32::from(calls) * NAME_CALL_POINTS + u32::from(moves_on) * MEETING_FLOW_POINTS
        })
        .sum()
}

/// Who runs the meeting as of each utterance (`said`: each one's speaker and `lead_points`, in
/// order): whoever has the most points from the start to it. The one ahead stays ahead until
/// someone has more, so whoever speaks first leads first, and a tie changes nothing. None until
/// a known speaker has spoken.
pub fn leaders<'a>(said: impl IntoIterator<Item = (Option<&'a str>, u32)>) -> Vec<Option<&'a str>> {
    let mut points: Vec<(&str, u32)> = Vec::new();
    let mut leader: Option<(&str, u32)> = None;
    said.into_iter()
        .map(|(speaker, gained)| {
            if let Some(speaker) = speaker {
                let total = match points.iter_mut().find(|(name, _)| *name == speaker) {
                    Some((_, total)) => {
                        *total += gained;
                        *total
                    }
                    None => {
                        points.push((speaker, gained));
                        gained
                    }
                };
                match &mut leader {
                    Some((name, lead)) if *name == speaker => *lead = total,
                    Some((_, lead)) if total <= *lead => {}
                    _ => leader = Some((speaker, total)),
                }
            }
            leader.map(|(name, _)| name)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meaning::cues;

    #[test]
    fn a_sentence_counts_a_point_and_calling_a_name_or_moving_on_counts_more() {
        let english = cues("en").unwrap();
        assert_eq!(lead_points("The road was terrible. Potholes everywhere.", english), 2);
        assert_eq!(lead_points("Prossy, the container.", english), 1 + NAME_CALL_POINTS);
        assert_eq!(
            lead_points("Good. Let's move on to the pallets.", english),
            2 + MEETING_FLOW_POINTS
        );
        // A name not set off by commas calls nobody; a word that opens sentences is no name.
        assert_eq!(lead_points("I spoke to Prossy yesterday.", english), 1);
        assert_eq!(lead_points("Okay, fine.", english), 1);
        assert_eq!(lead_points("", english), 0);
    }

    #[test]
    fn whoever_speaks_first_leads_until_someone_does_more() {
        let leaders = leaders([
            (None, 1),
            (Some("Lars"), 2),
            (Some("Ingrid"), 2),
            (Some("Ingrid"), 1),
            (Some("Lars"), 1),
            (Some("Lars"), 1),
        ]);
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
        let points: Vec<u32> = meeting.iter().map(|(_, said)| lead_points(said, english)).collect();
        let leaders = leaders(meeting.iter().zip(&points).map(|((who, _), &p)| (Some(*who), p)));
        assert_eq!(leaders[0], Some("Lars"));
        assert_eq!(leaders[6], Some("Ingrid"), "{leaders:?}");
    }
}
