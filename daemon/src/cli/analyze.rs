//! `roomscribe analyze FILE`: a meeting's meaning, offline. A WAV is transcribed and its
//! speakers found as `transcribe --speakers` does; a transcript JSON (`{"segments": [{start,
//! end, text, speaker}]}`) is taken as it is. Either way the meaning rules the daemon runs live
//! make the summary, printed as JSON (`segments`, `action_items`, `decisions`, `questions`,
//! `keywords`, `entities`, `talk_time`, `key_points`, `summary`) or Markdown.

use std::path::PathBuf;

use roomscribe::meaning::{self, Context, Utterance};
use roomscribe::pipeline::{FindingBody, MeetingMeaning};
use serde::Deserialize;

use super::transcribe::{failure_of, hear, TranscribeArgs};
use super::{fail, load_config, Failure, EX_DATAERR, EX_NOINPUT, EX_USAGE};

pub struct AnalyzeArgs {
    pub file: PathBuf,
    pub config: Option<PathBuf>,
    pub model: Option<PathBuf>,
    /// The meeting's date (YYYY-MM-DD), for due dates; default today.
    pub date: Option<String>,
    pub markdown: bool,
}

/// A transcript as tools write it.
#[derive(Deserialize)]
struct TranscriptFile {
    segments: Vec<TranscriptSegment>,
}

#[derive(Deserialize)]
struct TranscriptSegment {
    start: f64,
    end: f64,
    text: String,
    #[serde(default)]
    speaker: Option<String>,
}

pub fn analyze_command(args: AnalyzeArgs) -> Result<(), Failure> {
    let config = args.config.as_deref().map(load_config).transpose()?.unwrap_or_default();
    let language = config.meaning.language.clone();
    let cues = meaning::cues(&language).ok_or_else(|| {
        fail(
            EX_USAGE,
            anyhow::anyhow!(
                "meaning.language {language:?} has no cue table; use one of {:?}",
                meaning::LANGUAGES
            ),
        )
    })?;
    let meeting_day = match &args.date {
        Some(date) => parse_date(date).ok_or_else(|| {
            fail(
                EX_USAGE,
                anyhow::anyhow!("--date {date:?} is not a date; write it as YYYY-MM-DD"),
            )
        })?,
        None => roomscribe::clock::local_day(roomscribe::clock::unix_millis()),
    };
    let (utterances, failure) = if is_json(&args.file)? {
        (read_transcript(&args.file)?, None)
    } else {
        let heard = hear(TranscribeArgs {
            file: args.file.clone(),
            format: roomscribe::transcript_format::TranscriptFormat::Json,
            model: args.model.clone(),
            config: args.config.clone(),
            beam_size: None,
            threads: None,
            device: None,
            compute_type: None,
            word_timestamps: false,
            speakers: config.speakers.enabled,
            vad: true,
        })?;
        let utterances = heard
            .segments
            .iter()
            .enumerate()
            .map(|(i, s)| Utterance {
                seq: i as u64,
                start: s.start,
                end: s.end,
                speaker: heard
                    .speakers
                    .get(i)
                    .and_then(Option::as_ref)
                    .map(|by| by.speaker_name.clone().unwrap_or_else(|| by.speaker.clone())),
                text: s.text.trim().to_owned(),
            })
            .collect();
        (utterances, heard.failure)
    };
    let context = Context {
        meeting_day,
        min_confidence: config.meaning.min_confidence,
        keywords: 10,
    };
    let meaning = meaning::analyse(&utterances, cues, &context);
    if args.markdown {
        print!("{}", roomscribe::meaning::render::markdown(&meaning, 0.0));
    } else {
        let mut text = serde_json::to_string_pretty(&document(&utterances, &meaning)).unwrap_or_default();
        text.push('\n');
        print!("{text}");
    }
    failure_of(failure)
}

/// The summary JSON: the lists the corpus scorer reads, each item with its finding id and
/// segments.
fn document(utterances: &[Utterance], meaning: &MeetingMeaning) -> serde_json::Value {
    let list = |findings: &[roomscribe::pipeline::Finding]| -> Vec<serde_json::Value> {
        findings
            .iter()
            .map(|f| {
                let mut value = match &f.body {
                    FindingBody::Question(q) => serde_json::to_value(q),
                    FindingBody::ActionItem(a) => serde_json::to_value(a),
                    FindingBody::Decision(d) => serde_json::to_value(d),
                    FindingBody::Keywords(k) => serde_json::to_value(k),
                    FindingBody::TalkTime(t) => serde_json::to_value(t),
                }
                .unwrap_or_default();
                value["finding"] = f.id.clone().into();
                value["segments"] = serde_json::json!(f.segments);
                value["start"] = f.start.into();
                value
            })
            .collect()
    };
    serde_json::json!({
        "segments": utterances.iter().map(|u| serde_json::json!({
            "start": u.start, "end": u.end, "text": u.text, "speaker": u.speaker,
        })).collect::<Vec<_>>(),
        "action_items": list(&meaning.action_items),
        "decisions": list(&meaning.decisions),
        "questions": list(&meaning.questions),
        "keywords": meaning.keywords,
        "entities": meaning.entities,
        "talk_time": meaning.talk_time,
        "key_points": meaning.key_points,
        "summary": meaning.overview,
    })
}

fn is_json(file: &std::path::Path) -> Result<bool, Failure> {
    if file.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
        return Ok(true);
    }
    let mut head = [0u8; 1];
    let mut handle = std::fs::File::open(file).map_err(|e| {
        fail(
            EX_NOINPUT,
            anyhow::anyhow!(
                "cannot open {} ({e}); pass an existing WAV or transcript JSON",
                file.display()
            ),
        )
    })?;
    let read = std::io::Read::read(&mut handle, &mut head).unwrap_or(0);
    Ok(read == 1 && (head[0] == b'{' || head[0] == b'['))
}

fn read_transcript(file: &std::path::Path) -> Result<Vec<Utterance>, Failure> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        fail(
            EX_NOINPUT,
            anyhow::anyhow!("cannot read {} ({e}); pass a transcript JSON in UTF-8", file.display()),
        )
    })?;
    let transcript: TranscriptFile = serde_json::from_str(&text).map_err(|e| {
        fail(
            EX_DATAERR,
            anyhow::anyhow!(
                "{} is not a transcript ({e}); expected {{\"segments\": [{{\"start\", \"end\", \"text\", \"speaker\"}}]}}",
                file.display()
            ),
        )
    })?;
    Ok(transcript
        .segments
        .into_iter()
        .enumerate()
        .map(|(i, s)| Utterance {
            seq: i as u64,
            start: s.start,
            end: s.end,
            speaker: s.speaker.filter(|s| !s.is_empty()),
            text: s.text,
        })
        .collect())
}

/// Days since 1970-01-01 of `YYYY-MM-DD`.
fn parse_date(date: &str) -> Option<i64> {
    let mut parts = date.splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then(|| meaning::dates::days_from_civil(year, month, day))
}
