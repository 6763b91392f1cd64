//! A stored meeting written out for people and tools: JSON, Markdown, SRT or WebVTT. Pure
//! formatting; times are counted from the meeting's start.

use super::summary::{self, MeetingRecord, SegmentRecord};

/// The formats `roomscribe export` and the `export` command write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Json,
    Markdown,
    Srt,
    Vtt,
}

impl ExportFormat {
    pub fn name(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Markdown => "markdown",
            Self::Srt => "srt",
            Self::Vtt => "vtt",
        }
    }
}

impl std::str::FromStr for ExportFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "json" => Ok(Self::Json),
            "markdown" | "md" => Ok(Self::Markdown),
            "srt" => Ok(Self::Srt),
            "vtt" | "webvtt" => Ok(Self::Vtt),
            other => Err(format!(
                "unknown export format {other:?}: use json, markdown, srt or vtt"
            )),
        }
    }
}

pub fn render(format: ExportFormat, meeting: &MeetingRecord, segments: &[SegmentRecord]) -> String {
    match format {
        ExportFormat::Json => json(meeting, segments),
        ExportFormat::Markdown => markdown(meeting, segments),
        ExportFormat::Srt => subtitles(meeting, segments, Subtitles::Srt),
        ExportFormat::Vtt => subtitles(meeting, segments, Subtitles::Vtt),
    }
}

fn json(meeting: &MeetingRecord, segments: &[SegmentRecord]) -> String {
    let stats = summary::stats(
        meeting,
        segments,
        meeting.stream_end_s.unwrap_or(meeting.stream_start_s),
    );
    let document = serde_json::json!({
        "meeting": meeting,
        "stats": stats,
        "segments": segments.iter().map(|s| serde_json::json!({
            "start": relative(meeting, s.start_s),
            "end": relative(meeting, s.end_s),
            "text": s.text.trim(),
            "confidence": s.confidence,
            "language": s.language,
        })).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

fn markdown(meeting: &MeetingRecord, segments: &[SegmentRecord]) -> String {
    let stats = summary::stats(
        meeting,
        segments,
        meeting.stream_end_s.unwrap_or(meeting.stream_start_s),
    );
    let mut text = format!(
        "# Meeting {}\n\n- Duration: {}\n- Segments: {}\n- Words: {}\n- Speech: {}\n\n## Transcript\n\n",
        meeting.id,
        clock(stats.duration_s),
        stats.segments,
        stats.words,
        clock(stats.speech_s),
    );
    for segment in segments {
        text.push_str(&format!(
            "**[{}]** {}\n\n",
            clock(relative(meeting, segment.start_s)),
            segment.text.trim()
        ));
    }
    text
}

#[derive(Clone, Copy)]
enum Subtitles {
    Srt,
    Vtt,
}

fn subtitles(meeting: &MeetingRecord, segments: &[SegmentRecord], kind: Subtitles) -> String {
    let (mut text, separator) = match kind {
        Subtitles::Srt => (String::new(), ','),
        Subtitles::Vtt => ("WEBVTT\n\n".to_owned(), '.'),
    };
    for (index, segment) in segments.iter().enumerate() {
        if let Subtitles::Srt = kind {
            text.push_str(&format!("{}\n", index + 1));
        }
        text.push_str(&format!(
            "{} --> {}\n{}\n\n",
            timestamp(relative(meeting, segment.start_s), separator),
            timestamp(relative(meeting, segment.end_s), separator),
            segment.text.trim()
        ));
    }
    text
}

fn relative(meeting: &MeetingRecord, stream_s: f64) -> f64 {
    ((stream_s - meeting.stream_start_s).max(0.0) * 1000.0).round() / 1000.0
}

/// `hh:mm:ss,mmm` (SRT) or `hh:mm:ss.mmm` (WebVTT).
fn timestamp(seconds: f64, separator: char) -> String {
    let ms = (seconds * 1000.0).round() as u64;
    format!(
        "{:02}:{:02}:{:02}{separator}{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

/// `h:mm:ss`, whole seconds (as the summary's `[mm:ss]`).
fn clock(seconds: f64) -> String {
    let s = seconds.max(0.0) as u64;
    format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meeting() -> MeetingRecord {
        MeetingRecord {
            id: "0190-meeting".into(),
            started_ms: 1_700_000_000_000,
            ended_ms: Some(1_700_003_725_000),
            stream_start_s: 100.0,
            stream_end_s: Some(3825.0),
            started_by: "command".into(),
            ended_by: Some("command".into()),
        }
    }

    fn segments() -> Vec<SegmentRecord> {
        vec![
            SegmentRecord {
                start_s: 100.5,
                end_s: 103.25,
                text: " Good morning.".into(),
                confidence: 0.9,
                language: "en".into(),
            },
            SegmentRecord {
                start_s: 3761.0,
                end_s: 3764.125,
                text: "Thanks, all.".into(),
                confidence: 0.8,
                language: "en".into(),
            },
        ]
    }

    #[test]
    fn srt_numbers_cues_and_times_them_from_the_meeting_start() {
        assert_eq!(
            render(ExportFormat::Srt, &meeting(), &segments()),
            "1\n00:00:00,500 --> 00:00:03,250\nGood morning.\n\n2\n01:01:01,000 --> 01:01:04,125\nThanks, all.\n\n"
        );
    }

    #[test]
    fn webvtt_has_its_header_and_dotted_milliseconds() {
        assert_eq!(
            render(ExportFormat::Vtt, &meeting(), &segments()),
            "WEBVTT\n\n00:00:00.500 --> 00:00:03.250\nGood morning.\n\n01:01:01.000 --> 01:01:04.125\nThanks, all.\n\n"
        );
    }

    #[test]
    fn markdown_has_the_statistics_and_timed_lines() {
        let text = render(ExportFormat::Markdown, &meeting(), &segments());
        assert!(text.starts_with("# Meeting 0190-meeting\n\n- Duration: 1:02:05\n- Segments: 2\n- Words: 4\n"));
        assert!(text.contains("**[0:00:00]** Good morning.\n\n**[1:01:01]** Thanks, all.\n"));
    }

    #[test]
    fn json_round_trips_through_a_json_parser() {
        let value: serde_json::Value =
            serde_json::from_str(&render(ExportFormat::Json, &meeting(), &segments())).unwrap();
        assert_eq!(value["meeting"]["id"], "0190-meeting");
        assert_eq!(value["stats"]["segments"], 2);
        assert_eq!(value["segments"][1]["start"], 3661.0);
        assert_eq!(value["segments"][0]["text"], "Good morning.");
    }

    #[test]
    fn formats_are_named_as_users_type_them() {
        assert_eq!("md".parse::<ExportFormat>(), Ok(ExportFormat::Markdown));
        assert_eq!("webvtt".parse::<ExportFormat>(), Ok(ExportFormat::Vtt));
        assert!("pdf"
            .parse::<ExportFormat>()
            .unwrap_err()
            .contains("json, markdown, srt or vtt"));
    }
}
