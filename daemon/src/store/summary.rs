//! What a meeting's summary says until the meaning stage makes it richer: its statistics and
//! its transcript. Pure functions over stored records.

use serde::Serialize;

/// A meeting as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeetingRecord {
    pub id: String,
    /// Unix milliseconds.
    pub started_ms: u64,
    pub ended_ms: Option<u64>,
    /// Seconds into the audio stream.
    pub stream_start_s: f64,
    pub stream_end_s: Option<f64>,
    pub started_by: String,
    pub ended_by: Option<String>,
}

/// A final segment as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentRecord {
    /// Seconds into the audio stream.
    pub start_s: f64,
    pub end_s: f64,
    pub text: String,
    pub confidence: f32,
    pub language: String,
}

/// The numbers of a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MeetingStats {
    /// From the meeting's start to its end (or to `until` while it is open), s.
    pub duration_s: f64,
    pub segments: u64,
    pub words: u64,
    /// Time covered by speech segments, s.
    pub speech_s: f64,
}

pub fn stats(meeting: &MeetingRecord, segments: &[SegmentRecord], until: f64) -> MeetingStats {
    let end = meeting.stream_end_s.unwrap_or(until);
    MeetingStats {
        duration_s: round_ms((end - meeting.stream_start_s).max(0.0)),
        segments: segments.len() as u64,
        words: segments.iter().map(|s| s.text.split_whitespace().count() as u64).sum(),
        speech_s: round_ms(segments.iter().map(|s| (s.end_s - s.start_s).max(0.0)).sum()),
    }
}

/// One line per segment, `[mm:ss] text`, timed from the meeting's start.
pub fn transcript(meeting: &MeetingRecord, segments: &[SegmentRecord]) -> String {
    let mut text = String::new();
    for segment in segments {
        let at = (segment.start_s - meeting.stream_start_s).max(0.0) as u64;
        text.push_str(&format!("[{:02}:{:02}] {}\n", at / 60, at % 60, segment.text.trim()));
    }
    text
}

fn round_ms(seconds: f64) -> f64 {
    (seconds * 1000.0).round() / 1000.0
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
            start_s,
            end_s,
            text: text.into(),
            confidence: 0.9,
            language: "en".into(),
        }
    }

    #[test]
    fn stats_count_words_speech_and_duration() {
        let segments = [
            segment(10.0, 14.5, "Good morning everyone."),
            segment(75.0, 80.0, " Let's start. "),
        ];
        let s = stats(&meeting(), &segments, 0.0);
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
        assert_eq!(stats(&open, &[], 42.5).duration_s, 32.5);
        assert_eq!(stats(&open, &[], 0.0).duration_s, 0.0);
    }
}
