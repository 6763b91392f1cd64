//! A stored meeting written out for people and tools: JSON, Markdown, SRT, WebVTT or plain
//! text. Pure formatting (through `transcript_format`); times are counted from the meeting's
//! start.

use crate::pipeline::{MeetingRecord, MeetingStats, Participant, SegmentRecord};
use crate::transcript_format::{clock, subtitles, Cue, TranscriptFormat};

pub fn render(format: TranscriptFormat, meeting: &MeetingRecord, segments: &[SegmentRecord]) -> String {
    match format {
        TranscriptFormat::Json => json(meeting, segments),
        TranscriptFormat::Markdown => markdown(meeting, segments),
        TranscriptFormat::Srt | TranscriptFormat::Vtt | TranscriptFormat::Text => {
            subtitles(format, cues(meeting, segments))
        }
    }
}

fn stats(meeting: &MeetingRecord, segments: &[SegmentRecord]) -> MeetingStats {
    MeetingStats::of(
        meeting,
        segments,
        meeting.stream_end_s.unwrap_or(meeting.stream_start_s),
    )
}

fn cues<'a>(meeting: &'a MeetingRecord, segments: &'a [SegmentRecord]) -> impl Iterator<Item = Cue<'a>> + 'a {
    segments.iter().map(|s| Cue {
        start: relative(meeting, s.start_s),
        end: relative(meeting, s.end_s),
        text: &s.text,
        speaker: s.speaker_display(),
    })
}

fn json(meeting: &MeetingRecord, segments: &[SegmentRecord]) -> String {
    let document = serde_json::json!({
        "meeting": meeting,
        "stats": stats(meeting, segments),
        "segments": segments.iter().map(|s| serde_json::json!({
            "start": relative(meeting, s.start_s),
            "end": relative(meeting, s.end_s),
            "text": s.text.trim(),
            "confidence": s.confidence,
            "language": s.language,
            "speaker": s.speaker,
            "speaker_name": s.speaker_name,
        })).collect::<Vec<_>>(),
        "participants": Participant::all_in(segments),
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

fn markdown(meeting: &MeetingRecord, segments: &[SegmentRecord]) -> String {
    let stats = stats(meeting, segments);
    let mut head = format!(
        "# Meeting {}\n\n- Duration: {}\n- Segments: {}\n- Words: {}\n- Speech: {}\n\n",
        meeting.id,
        clock(stats.duration_s),
        stats.segments,
        stats.words,
        clock(stats.speech_s),
    );
    let people = Participant::all_in(segments);
    if !people.is_empty() {
        head.push_str("## Participants\n\n| Speaker | Talk time | Share | Turns |\n|---|---|---|---|\n");
        for p in &people {
            let who = match &p.name {
                Some(name) => format!("{name} ({})", p.label),
                None => p.label.clone(),
            };
            head.push_str(&format!(
                "| {who} | {} | {:.0}% | {} |\n",
                clock(p.talk_s),
                p.share * 100.0,
                p.turns
            ));
        }
        head.push('\n');
    }
    head.push_str("## Transcript\n\n");
    head + &subtitles(TranscriptFormat::Markdown, cues(meeting, segments))
}

fn relative(meeting: &MeetingRecord, stream_s: f64) -> f64 {
    crate::clock::round_ms((stream_s - meeting.stream_start_s).max(0.0))
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
                speaker: None,
                speaker_name: None,
                speaker_confidence: None,
                voice: None,
            },
            SegmentRecord {
                start_s: 3761.0,
                end_s: 3764.125,
                text: "Thanks, all.".into(),
                confidence: 0.8,
                language: "en".into(),
                speaker: None,
                speaker_name: None,
                speaker_confidence: None,
                voice: None,
            },
        ]
    }

    #[test]
    fn srt_numbers_cues_and_times_them_from_the_meeting_start() {
        assert_eq!(
            render(TranscriptFormat::Srt, &meeting(), &segments()),
            "1\n00:00:00,500 --> 00:00:03,250\nGood morning.\n\n2\n01:01:01,000 --> 01:01:04,125\nThanks, all.\n\n"
        );
    }

    #[test]
    fn webvtt_has_its_header_and_dotted_milliseconds() {
        assert_eq!(
            render(TranscriptFormat::Vtt, &meeting(), &segments()),
            "WEBVTT\n\n00:00:00.500 --> 00:00:03.250\nGood morning.\n\n01:01:01.000 --> 01:01:04.125\nThanks, all.\n\n"
        );
    }

    #[test]
    fn markdown_has_the_statistics_and_timed_lines() {
        let text = render(TranscriptFormat::Markdown, &meeting(), &segments());
        assert!(text.starts_with("# Meeting 0190-meeting\n\n- Duration: 1:02:05\n- Segments: 2\n- Words: 4\n"));
        assert!(text.contains("**[0:00:00]** Good morning.\n\n**[1:01:01]** Thanks, all.\n"));
    }

    #[test]
    fn json_round_trips_through_a_json_parser() {
        let value: serde_json::Value =
            serde_json::from_str(&render(TranscriptFormat::Json, &meeting(), &segments())).unwrap();
        assert_eq!(value["meeting"]["id"], "0190-meeting");
        assert_eq!(value["stats"]["segments"], 2);
        assert_eq!(value["segments"][1]["start"], 3661.0);
        assert_eq!(value["segments"][0]["text"], "Good morning.");
    }
}
