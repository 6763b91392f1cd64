//! A stored meeting written out for people and tools: JSON, Markdown, SRT, WebVTT, plain
//! text, PDF or DOCX; JSON, Markdown, PDF and DOCX also carry what the meaning rules made of it
//! (decisions, action items, questions, key points, keywords, talk time). Pure formatting
//! (through `transcript_format`, `meaning::render` and `documents`); times are counted from
//! the meeting's start.

use crate::documents::{self, Block, Document, DocumentError};
use crate::pipeline::{FindingBody, MeetingMeaning, MeetingRecord, MeetingStats, Participant, SegmentRecord};
use crate::transcript_format::{clock, subtitles, Cue, TranscriptFormat};

/// `meeting` as `format`; PDF and DOCX say when it started on a clock `utc_offset_s` from UTC
/// (the room's, which the caller reads).
pub fn render(
    format: TranscriptFormat,
    meeting: &MeetingRecord,
    segments: &[SegmentRecord],
    meaning: Option<&MeetingMeaning>,
    utc_offset_s: i32,
) -> Result<Vec<u8>, DocumentError> {
    Ok(match format {
        TranscriptFormat::Json => json(meeting, segments, meaning).into_bytes(),
        TranscriptFormat::Markdown => markdown(meeting, segments, meaning).into_bytes(),
        TranscriptFormat::Srt | TranscriptFormat::Vtt | TranscriptFormat::Text => {
            subtitles(format, cues(meeting, segments)).into_bytes()
        }
        TranscriptFormat::Pdf => documents::pdf(&document(meeting, segments, meaning, utc_offset_s)),
        TranscriptFormat::Docx => documents::docx(&document(meeting, segments, meaning, utc_offset_s))?,
    })
}

/// "UTC", or "UTC+01:00" / "UTC-05:30": which clock a document's times are on.
fn utc_offset(offset_s: i32) -> String {
    if offset_s == 0 {
        return "UTC".into();
    }
    let sign = if offset_s < 0 { '-' } else { '+' };
    let minutes = offset_s.unsigned_abs() / 60;
    format!("UTC{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The meeting as a document to forward: when and how long, the summary, decisions, action
/// items, open questions, key points, keywords, who talked how much, then the transcript.
fn document(
    meeting: &MeetingRecord,
    segments: &[SegmentRecord],
    meaning: Option<&MeetingMeaning>,
    offset_s: i32,
) -> Document {
    let stats = stats(meeting, segments);
    let day = crate::clock::day_at(meeting.started_ms, offset_s);
    let minute = (meeting.started_ms as i64 / 60_000 + i64::from(offset_s) / 60).rem_euclid(1_440);
    let mut blocks = vec![Block::Paragraph(format!(
        "Started {} {:02}:{:02} {}, lasted {}; {} words in {} segments.",
        crate::meaning::dates::iso(day),
        minute / 60,
        minute % 60,
        utc_offset(offset_s),
        clock(stats.duration_s),
        stats.words,
        stats.segments
    ))];
    let at = |t: f64| clock(relative(meeting, t));
    let who = |name: &Option<String>| name.clone().unwrap_or_else(|| "—".into());
    if let Some(meaning) = meaning {
        if !meaning.overview.is_empty() {
            blocks.push(Block::Heading("Summary".into()));
            blocks.push(Block::Paragraph(meaning.overview.clone()));
        }
        let decisions: Vec<Block> = meaning
            .decisions
            .iter()
            .filter_map(|f| match &f.body {
                FindingBody::Decision(d) => Some(Block::Bullet(format!(
                    "{} ({}, {})",
                    d.decision,
                    who(&d.by),
                    at(f.start)
                ))),
                _ => None,
            })
            .collect();
        if !decisions.is_empty() {
            blocks.push(Block::Heading("Decisions".into()));
            blocks.extend(decisions);
        }
        let actions: Vec<Vec<String>> = meaning
            .action_items
            .iter()
            .filter_map(|f| match &f.body {
                FindingBody::ActionItem(a) => Some(vec![
                    who(&a.owner),
                    a.task.clone(),
                    match (&a.due, &a.due_date) {
                        (Some(due), Some(date)) => format!("{due} ({date})"),
                        (Some(due), None) => due.clone(),
                        _ => "—".into(),
                    },
                ]),
                _ => None,
            })
            .collect();
        if !actions.is_empty() {
            blocks.push(Block::Heading("Action items".into()));
            blocks.push(Block::Table {
                header: vec!["Owner".into(), "Task".into(), "Due".into()],
                rows: actions,
            });
        }
        let open: Vec<Block> = meaning
            .questions
            .iter()
            .filter_map(|f| match &f.body {
                FindingBody::Question(q) if !q.answered => Some(Block::Bullet(format!(
                    "{} ({}, {})",
                    q.text,
                    who(&q.asker),
                    at(f.start)
                ))),
                _ => None,
            })
            .collect();
        if !open.is_empty() {
            blocks.push(Block::Heading("Open questions".into()));
            blocks.extend(open);
        }
        if !meaning.key_points.is_empty() {
            blocks.push(Block::Heading("Key points".into()));
            blocks.extend(
                meaning
                    .key_points
                    .iter()
                    .map(|p| Block::Bullet(format!("{}: {}", who(&p.speaker), p.text))),
            );
        }
        if !meaning.keywords.is_empty() {
            blocks.push(Block::Heading("Keywords".into()));
            blocks.push(Block::Paragraph(meaning.keywords.join(", ")));
        }
        if let Some(talk) = &meaning.talk_time {
            blocks.push(Block::Heading("Talk time".into()));
            blocks.push(Block::Table {
                header: vec!["Speaker".into(), "Talk".into(), "Share".into(), "Turns".into()],
                rows: talk
                    .speakers
                    .iter()
                    .map(|s| {
                        vec![
                            s.speaker.clone(),
                            clock(s.seconds),
                            format!("{:.0}%", s.share * 100.0),
                            s.turns.to_string(),
                        ]
                    })
                    .collect(),
            });
        }
    }
    blocks.push(Block::Heading("Transcript".into()));
    blocks.extend(segments.iter().map(|s| {
        Block::Paragraph(match s.speaker_display() {
            Some(who) => format!("[{}] {who}: {}", at(s.start_s), s.text.trim()),
            None => format!("[{}] {}", at(s.start_s), s.text.trim()),
        })
    }));
    Document {
        title: format!("Meeting {}", meeting.id),
        blocks,
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

fn json(meeting: &MeetingRecord, segments: &[SegmentRecord], meaning: Option<&MeetingMeaning>) -> String {
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
        "meaning": meaning,
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

fn markdown(meeting: &MeetingRecord, segments: &[SegmentRecord], meaning: Option<&MeetingMeaning>) -> String {
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
    if let Some(meaning) = meaning {
        head.push_str(&crate::meaning::render::markdown(meaning, meeting.stream_start_s));
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

    fn text(format: TranscriptFormat, meaning: Option<&MeetingMeaning>) -> String {
        String::from_utf8(render(format, &meeting(), &segments(), meaning, 0).unwrap()).unwrap()
    }

    #[test]
    fn a_documents_clock_is_named_with_its_offset() {
        assert_eq!(utc_offset(0), "UTC");
        assert_eq!(utc_offset(3600), "UTC+01:00");
        assert_eq!(utc_offset(-(5 * 3600 + 1800)), "UTC-05:30");
    }

    #[test]
    fn pdf_and_docx_are_documents_with_the_transcript() {
        let pdf = render(TranscriptFormat::Pdf, &meeting(), &segments(), None, 0).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(
            pdf.windows(13).any(|w| w == b"Good morning."),
            "the words are in the page stream"
        );
        let docx = render(TranscriptFormat::Docx, &meeting(), &segments(), None, 0).unwrap();
        assert!(docx.starts_with(b"PK"));
    }

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
                seq: None,
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
                seq: None,
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
            text(TranscriptFormat::Srt, None),
            "1\n00:00:00,500 --> 00:00:03,250\nGood morning.\n\n2\n01:01:01,000 --> 01:01:04,125\nThanks, all.\n\n"
        );
    }

    #[test]
    fn webvtt_has_its_header_and_dotted_milliseconds() {
        assert_eq!(
            text(TranscriptFormat::Vtt, None),
            "WEBVTT\n\n00:00:00.500 --> 00:00:03.250\nGood morning.\n\n01:01:01.000 --> 01:01:04.125\nThanks, all.\n\n"
        );
    }

    #[test]
    fn markdown_has_the_statistics_and_timed_lines() {
        let text = text(TranscriptFormat::Markdown, None);
        assert!(text.starts_with("# Meeting 0190-meeting\n\n- Duration: 1:02:05\n- Segments: 2\n- Words: 4\n"));
        assert!(text.contains("**[0:00:00]** Good morning.\n\n**[1:01:01]** Thanks, all.\n"));
        assert!(!text.contains("## Action items"), "nothing found, no section");
    }

    #[test]
    fn markdown_lists_action_items_and_decisions_timed_from_the_meeting_start() {
        use crate::pipeline::{ActionItem, Decision, Finding, FindingBody};
        let finding = |id: &str, body| Finding {
            id: id.into(),
            revision: 1,
            segments: vec![1],
            start: meeting().stream_start_s + 65.0,
            body,
        };
        let meaning = MeetingMeaning {
            action_items: vec![finding(
                "action-1.0",
                FindingBody::ActionItem(ActionItem {
                    text: "Priya, can you fix the | alert by Friday?".into(),
                    owner: Some("Priya".into()),
                    task: "fix the | alert".into(),
                    due: Some("by Friday".into()),
                    due_date: Some("2026-12-04".into()),
                    said_by: Some("S1".into()),
                    confidence: 0.8,
                }),
            )],
            decisions: vec![finding(
                "decision-1.1",
                FindingBody::Decision(Decision {
                    text: "We're keeping the price.".into(),
                    decision: "we're keeping the price".into(),
                    by: Some("S2".into()),
                    confidence: 0.9,
                }),
            )],
            ..Default::default()
        };
        let text = text(TranscriptFormat::Markdown, Some(&meaning));
        assert!(
            text.contains("| Priya | fix the \\| alert | by Friday (2026-12-04) | 0:01:05 |"),
            "{text}"
        );
        assert!(
            text.contains("## Decisions\n\n- we're keeping the price (S2, 0:01:05)"),
            "{text}"
        );
        assert!(text.find("## Decisions") < text.find("## Transcript"));
    }

    #[test]
    fn json_round_trips_through_a_json_parser() {
        let value: serde_json::Value = serde_json::from_str(&text(TranscriptFormat::Json, None)).unwrap();
        assert_eq!(value["meeting"]["id"], "0190-meeting");
        assert_eq!(value["stats"]["segments"], 2);
        assert_eq!(value["segments"][1]["start"], 3661.0);
        assert_eq!(value["segments"][0]["text"], "Good morning.");
    }
}
