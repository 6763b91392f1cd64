//! A meeting's summary: its participants, statistics, transcript, and what the meaning rules
//! made of it. Pure functions over the meeting's segments; never stores or publishes.

use crate::pipeline::{MeetingMeaning, MeetingRecord, MeetingStats, MeetingSummary, Participant, SegmentRecord};
use crate::transcript_format::minute_mark;

/// The summary of `meeting` with `segments`; an open meeting's duration runs until `until`.
pub fn summarise(
    meeting: &MeetingRecord,
    segments: &[SegmentRecord],
    until: f64,
    is_final: bool,
    meaning: MeetingMeaning,
) -> MeetingSummary {
    MeetingSummary {
        meaning,
        meeting: meeting.clone(),
        stats: MeetingStats::of(meeting, segments, until),
        participants: Participant::all_in(segments),
        transcript: transcript(meeting, segments),
        is_final,
    }
}

/// One line per segment, `[mm:ss] Speaker: text` (`[mm:ss] text` without a speaker), timed
/// from the meeting's start.
pub fn transcript(meeting: &MeetingRecord, segments: &[SegmentRecord]) -> String {
    let mut text = String::new();
    for segment in segments {
        let at = minute_mark((segment.start_s - meeting.stream_start_s).max(0.0));
        match segment.speaker_display() {
            Some(who) => text.push_str(&format!("[{at}] {who}: {}\n", segment.text.trim())),
            None => text.push_str(&format!("[{at}] {}\n", segment.text.trim())),
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn meeting() -> MeetingRecord {
        MeetingRecord {
            id: "m1".into(),
            started_ms: 1_700_000_000_000,
            ended_ms: Some(1_700_000_100_000),
            stream_start_s: 10.0,
            stream_end_s: Some(110.0),
            started_by: "speech".into(),
            ended_by: Some("quiet".into()),
        }
    }

    fn segment(start_s: f64, end_s: f64, text: &str) -> SegmentRecord {
        SegmentRecord {
            seq: None,
            start_s,
            end_s,
            text: text.into(),
            confidence: 0.9,
            language: "en".into(),
            speaker: None,
            speaker_name: None,
            speaker_confidence: None,
            voice: None,
        }
    }

    #[test]
    fn stats_count_words_speech_and_duration() {
        let segments = [
            segment(10.0, 14.5, "Good morning everyone."),
            segment(75.0, 80.0, " Let's start. "),
        ];
        let s = MeetingStats::of(&meeting(), &segments, 0.0);
        assert_eq!(
            s,
            MeetingStats {
                duration_s: 100.0,
                segments: 2,
                words: 5,
                speech_s: 9.5
            }
        );
        assert_eq!(
            transcript(&meeting(), &segments),
            "[00:00] Good morning everyone.\n[01:05] Let's start.\n"
        );
    }

    #[test]
    fn an_open_meeting_lasts_until_now() {
        let open = MeetingRecord {
            stream_end_s: None,
            ended_ms: None,
            ..meeting()
        };
        assert_eq!(MeetingStats::of(&open, &[], 42.5).duration_s, 32.5);
        assert_eq!(MeetingStats::of(&open, &[], 0.0).duration_s, 0.0);
    }
}
