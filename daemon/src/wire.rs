//! What goes over the wire: versioned CBOR payloads (`ciborium`), and their rendering for
//! humans (`roomscribe watch`). Every payload is a map carrying its schema version `v`, a unique
//! `id` (UUIDv7, time-ordered) and `ts` (Unix milliseconds when it was made).
//!
//! Versioning rule: a payload's `v` goes up when fields are added; fields are only ever added,
//! never renamed, retyped or removed, so a consumer written for `v = 1` keeps working on every
//! later version by ignoring what it does not know. Speaker embeddings and voiceprints are never
//! in any payload.
//! Pure encoding; never touches a socket.

use serde::{Deserialize, Serialize};

use crate::clock::{round_ms, unix_millis};
use crate::health::HealthSnapshot;
use crate::pipeline::{
    ActionItem, AudioEvent, Decision, Finding, FindingBody, Keywords, LabelChange, MeetingMeaning, MeetingRecord,
    MeetingSummary, PartialTranscript, Participant, Question, RecordKey, SpeakersRevision, TalkTime, Transcript,
};

/// What every payload opens with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// The payload's schema version.
    pub v: u32,
    /// Unique, time-ordered (UUIDv7).
    pub id: String,
    /// Unix time in milliseconds when the payload was made.
    pub ts: u64,
    /// The device it comes from.
    pub device: String,
}

impl Envelope {
    pub fn new(version: u32, device: &str) -> Self {
        Self {
            v: version,
            id: uuid::Uuid::now_v7().to_string(),
            ts: unix_millis(),
            device: device.to_owned(),
        }
    }
}

/// Schema version of `TranscriptMessage` (2 added `speaker`, `speaker_name`,
/// `speaker_confidence`; 3 added `revision`).
pub const TRANSCRIPT_VERSION: u32 = 3;

/// A final transcript segment on `roomscribe/<device>/transcript`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TranscriptMessage {
    /// `v`, `id`, `ts`, `device`: on every payload.
    #[serde(flatten)]
    pub envelope: Envelope,
    /// 1, 2, 3… per daemon run; a gap means a message was lost.
    pub seq: u64,
    /// Seconds from the start of the audio stream.
    pub start: f64,
    pub end: f64,
    pub text: String,
    /// 0-1: exp of the mean token log-probability.
    pub confidence: f32,
    pub is_final: bool,
    pub language: String,
    /// The meeting it belongs to (none when meetings are off and none was started).
    pub meeting: Option<String>,
    /// Idempotency key `<device>/<meeting or ->/<record seq>`: the same on every delivery.
    pub key: String,
    /// v2: who said it, `S1`, `S2`, … per meeting (as labelled live; a later `speakers`
    /// revision may correct it); null when speakers are off or nobody could be told yet.
    #[serde(default)]
    pub speaker: Option<String>,
    /// v2: the enrolled name of the voice, or null.
    #[serde(default)]
    pub speaker_name: Option<String>,
    /// v2: 0-1, how sure the attribution is; null without a speaker.
    #[serde(default)]
    pub speaker_confidence: Option<f32>,
    /// v3: 1 as first heard; 2 when the final was heard again with the speech around it and
    /// came out different (same `seq`: it replaces the first).
    #[serde(default = "first_revision")]
    pub revision: u32,
}

fn first_revision() -> u32 {
    1
}

impl TranscriptMessage {
    pub fn new(device: &str, t: &Transcript, key: &RecordKey) -> Self {
        Self {
            envelope: Envelope::new(TRANSCRIPT_VERSION, device),
            seq: t.sequence,
            start: round_ms(t.start),
            end: round_ms(t.end),
            text: t.text.clone(),
            confidence: t.confidence,
            is_final: true,
            language: t.language.clone(),
            meeting: key.meeting.clone(),
            key: key.key.clone(),
            speaker: t.speaker.as_ref().map(|s| s.label.clone()),
            speaker_name: t.speaker.as_ref().and_then(|s| s.name.clone()),
            speaker_confidence: t.speaker.as_ref().map(|s| (s.confidence * 1000.0).round() / 1000.0),
            revision: t.revision,
        }
    }
}

/// Schema version of `PartialMessage`.
pub const PARTIAL_VERSION: u32 = 1;

/// A live hypothesis on `roomscribe/<device>/transcript/partial`; superseded by the final.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartialMessage {
    /// `v`, `id`, `ts`, `device`: on every payload.
    #[serde(flatten)]
    pub envelope: Envelope,
    /// The `seq` the final transcript of this speech will carry (or a later one, if it splits).
    pub seq: u64,
    pub start: f64,
    pub end: f64,
    /// The words that will not change any more (LocalAgreement-2).
    pub stable: String,
    /// The whole hypothesis: `stable`, then the tentative rest.
    pub text: String,
    pub is_final: bool,
    pub language: String,
    /// The meeting going on, if any.
    pub meeting: Option<String>,
}

impl PartialMessage {
    pub fn new(device: &str, p: &PartialTranscript, meeting: Option<String>) -> Self {
        Self {
            envelope: Envelope::new(PARTIAL_VERSION, device),
            seq: p.sequence,
            start: round_ms(p.start),
            end: round_ms(p.end),
            stable: p.stable.clone(),
            text: p.text.clone(),
            is_final: false,
            language: p.language.clone(),
            meeting,
        }
    }
}

/// Schema version of `HealthMessage`.
pub const HEALTH_VERSION: u32 = 2;

/// A health snapshot on `roomscribe/<device>/health` (retained).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthMessage {
    /// `v`, `id`, `ts`, `device`: on every payload.
    #[serde(flatten)]
    pub envelope: Envelope,
    /// roomscribe's version.
    pub version: String,
    pub uptime_s: u64,
    /// capture, audio, process, queues, asr, disk: see `HealthSnapshot`.
    #[serde(flatten)]
    pub snapshot: HealthSnapshot,
}

impl HealthMessage {
    pub fn new(device: &str, uptime: std::time::Duration, snapshot: HealthSnapshot) -> Self {
        Self {
            envelope: Envelope::new(HEALTH_VERSION, device),
            version: env!("CARGO_PKG_VERSION").into(),
            uptime_s: uptime.as_secs(),
            snapshot,
        }
    }
}

/// Schema version of `ConfigStateMessage`.
pub const CONFIG_STATE_VERSION: u32 = 1;

/// One problem with a configuration document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldError {
    /// `vad.threshold`; empty when the document as a whole is wrong.
    pub field: String,
    pub message: String,
}

/// The outcome of the last configuration document, on `roomscribe/<device>/config/state`
/// (retained).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigStateMessage {
    /// `v`, `id`, `ts`, `device`: on every payload.
    #[serde(flatten)]
    pub envelope: Envelope,
    /// The revision in force (0: the file alone). A rejected document leaves it unchanged.
    pub revision: u64,
    /// "accepted" or "rejected".
    pub status: String,
    pub errors: Vec<FieldError>,
    /// Parts that apply only at the next start ("asr", "bus", "vad", "daemon"); empty when
    /// everything applied live.
    pub restart_required: Vec<String>,
}

impl ConfigStateMessage {
    pub fn new(device: &str, revision: u64, errors: Vec<FieldError>, restart_required: &[&str]) -> Self {
        Self {
            envelope: Envelope::new(CONFIG_STATE_VERSION, device),
            revision,
            status: if errors.is_empty() { "accepted" } else { "rejected" }.into(),
            errors,
            restart_required: restart_required.iter().map(|s| (*s).to_owned()).collect(),
        }
    }
}

/// Schema version of `CommandReply`.
pub const COMMAND_REPLY_VERSION: u32 = 1;

/// The answer to a command, on `roomscribe/<device>/cmd/<name>/reply`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommandReply {
    /// `v`, `id`, `ts`, `device`: on every payload.
    #[serde(flatten)]
    pub envelope: Envelope,
    pub command: String,
    /// The command's transaction id; null when the payload was unreadable.
    pub tx: Option<String>,
    pub ok: bool,
    /// What went wrong and what to send instead (when not ok).
    pub error: Option<String>,
    /// The command's result (when ok).
    pub result: Option<serde_json::Value>,
}

impl CommandReply {
    pub fn new(device: &str, command: &str, tx: Option<String>, outcome: Result<serde_json::Value, String>) -> Self {
        let (ok, error, result) = match outcome {
            Ok(result) => (true, None, Some(result)),
            Err(error) => (false, Some(error), None),
        };
        Self {
            envelope: Envelope::new(COMMAND_REPLY_VERSION, device),
            command: command.to_owned(),
            tx,
            ok,
            error,
            result,
        }
    }
}

/// Schema version of `InsightMessage`. v2: the meaning rules' kinds (`question`,
/// `action_item`, `decision`, `keywords`, `talk_time`) besides the room's.
pub const INSIGHT_VERSION: u32 = 2;

/// An insight on `roomscribe/<device>/insights`: a room event or a finding of the meaning
/// rules. `kind` says which, and which one of the kind's fields is present; a finding revised
/// later comes again with the same `finding` id and a higher `revision`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InsightMessage {
    /// `v`, `id`, `ts`, `device`: on every payload.
    #[serde(flatten)]
    pub envelope: Envelope,
    /// "long_silence", "high_noise", "thermal_throttle", "question", "action_item",
    /// "decision", "keywords" or "talk_time".
    pub kind: String,
    /// Seconds into the stream where it began (was said).
    pub start: f64,
    /// How long the silence has lasted (long_silence).
    pub seconds: Option<f64>,
    /// The background level (high_noise).
    pub noise_floor_dbfs: Option<f32>,
    /// The hottest thermal zone and its temperature, °C (thermal_throttle).
    #[serde(default)]
    pub zone: Option<String>,
    #[serde(default)]
    pub celsius: Option<f32>,
    /// A finding's id, stable for the meeting (`action-17.1`).
    #[serde(default)]
    pub finding: Option<String>,
    /// 1 when first found, higher when a later sentence changed it.
    #[serde(default)]
    pub revision: Option<u32>,
    /// Sequence numbers of the transcript segments it came from.
    #[serde(default)]
    pub segments: Vec<u64>,
    #[serde(default)]
    pub question: Option<Question>,
    #[serde(default)]
    pub action_item: Option<ActionItem>,
    #[serde(default)]
    pub decision: Option<Decision>,
    #[serde(default)]
    pub keywords: Option<Keywords>,
    #[serde(default)]
    pub talk_time: Option<TalkTime>,
    pub meeting: Option<String>,
    /// Idempotency key, as on transcripts.
    pub key: String,
}

impl InsightMessage {
    fn blank(device: &str, kind: &str, start: f64, key: &RecordKey) -> Self {
        Self {
            envelope: Envelope::new(INSIGHT_VERSION, device),
            kind: kind.into(),
            start: round_ms(start),
            seconds: None,
            noise_floor_dbfs: None,
            zone: None,
            celsius: None,
            finding: None,
            revision: None,
            segments: Vec::new(),
            question: None,
            action_item: None,
            decision: None,
            keywords: None,
            talk_time: None,
            meeting: key.meeting.clone(),
            key: key.key.clone(),
        }
    }

    pub fn new(device: &str, event: &AudioEvent, key: &RecordKey) -> Self {
        match event {
            AudioEvent::LongSilence { start, seconds } => Self {
                seconds: Some(round_ms(*seconds)),
                ..Self::blank(device, "long_silence", *start, key)
            },
            AudioEvent::HighNoise { at, noise_floor_dbfs } => Self {
                noise_floor_dbfs: Some(*noise_floor_dbfs),
                ..Self::blank(device, "high_noise", *at, key)
            },
            AudioEvent::ThermalThrottle { at, zone, celsius } => Self {
                zone: Some(zone.clone()),
                celsius: Some(*celsius),
                ..Self::blank(device, "thermal_throttle", *at, key)
            },
        }
    }

    pub fn of_finding(device: &str, finding: &Finding, key: &RecordKey) -> Self {
        let mut message = Self {
            finding: Some(finding.id.clone()),
            revision: Some(finding.revision),
            segments: finding.segments.clone(),
            ..Self::blank(device, finding.body.kind(), finding.start, key)
        };
        match &finding.body {
            FindingBody::Question(q) => message.question = Some(q.clone()),
            FindingBody::ActionItem(a) => message.action_item = Some(a.clone()),
            FindingBody::Decision(d) => message.decision = Some(d.clone()),
            FindingBody::Keywords(k) => message.keywords = Some(k.clone()),
            FindingBody::TalkTime(t) => message.talk_time = Some(t.clone()),
        }
        message
    }

    /// "long_silence", "high_noise" or "thermal_throttle".
    pub fn kind_of(event: &AudioEvent) -> &'static str {
        match event {
            AudioEvent::LongSilence { .. } => "long_silence",
            AudioEvent::HighNoise { .. } => "high_noise",
            AudioEvent::ThermalThrottle { .. } => "thermal_throttle",
        }
    }
}

/// Schema version of `SummaryMessage`. v3: what the meaning rules made of the meeting.
pub const SUMMARY_VERSION: u32 = 3;

/// A meeting's summary on `roomscribe/<device>/summary` (QoS 1) and upstream: its statistics
/// and transcript until the meaning stage adds more. `is_final` is false for one asked for
/// while the meeting goes on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryMessage {
    /// `v`, `id`, `ts`, `device`: on every payload.
    #[serde(flatten)]
    pub envelope: Envelope,
    pub meeting: String,
    /// Idempotency key, as on transcripts.
    pub key: String,
    pub is_final: bool,
    /// Unix milliseconds.
    pub started: u64,
    pub ended: Option<u64>,
    pub started_by: String,
    pub ended_by: Option<String>,
    pub duration_s: f64,
    pub segments: u64,
    pub words: u64,
    pub speech_s: f64,
    /// v2: who spoke and how much (after the meeting's speaker revision), most talk first;
    /// empty without speakers.
    #[serde(default)]
    pub participants: Vec<Participant>,
    /// One line per segment: `[mm:ss] Speaker: text` (`[mm:ss] text` without speakers).
    pub transcript: String,
    /// v3: a few sentences to forward: topics, decisions, actions, open questions.
    #[serde(default)]
    pub overview: String,
    /// v3: the meeting's questions, action items and decisions (each as on `insights`, latest
    /// revision), keywords, entities, talk time and key points.
    #[serde(default)]
    pub meaning: MeetingMeaning,
}

impl SummaryMessage {
    pub fn new(device: &str, summary: &MeetingSummary, key: &RecordKey) -> Self {
        let (meeting, stats) = (&summary.meeting, &summary.stats);
        Self {
            envelope: Envelope::new(SUMMARY_VERSION, device),
            meeting: meeting.id.clone(),
            key: key.key.clone(),
            is_final: summary.is_final,
            started: meeting.started_ms,
            ended: meeting.ended_ms,
            started_by: meeting.started_by.clone(),
            ended_by: meeting.ended_by.clone(),
            duration_s: stats.duration_s,
            segments: stats.segments,
            words: stats.words,
            speech_s: stats.speech_s,
            participants: summary.participants.clone(),
            transcript: summary.transcript.clone(),
            overview: summary.meaning.overview.clone(),
            meaning: summary.meaning.clone(),
        }
    }
}

/// Schema version of `SpeakersMessage` (2 added each change's `seq`).
pub const SPEAKERS_VERSION: u32 = 2;

/// A finished meeting's corrected speaker labels on `roomscribe/<device>/speakers` (QoS 1) and
/// upstream: the stored segments whose label the end-of-meeting re-clustering changed
/// (identified by their transcripts' `seq` and their stream times), and who spoke how much
/// after it. The stored segments, summary and exports use the corrected labels; the
/// transcripts published live are not re-sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpeakersMessage {
    /// `v`, `id`, `ts`, `device`: on every payload.
    #[serde(flatten)]
    pub envelope: Envelope,
    pub meeting: String,
    /// Idempotency key, as on transcripts.
    pub key: String,
    pub changes: Vec<LabelChange>,
    pub participants: Vec<Participant>,
}

impl SpeakersMessage {
    pub fn new(device: &str, revision: &SpeakersRevision, key: &RecordKey) -> Self {
        Self {
            envelope: Envelope::new(SPEAKERS_VERSION, device),
            meeting: revision.meeting.clone(),
            key: key.key.clone(),
            changes: revision
                .changes
                .iter()
                .map(|c| LabelChange {
                    start: round_ms(c.start),
                    end: round_ms(c.end),
                    ..c.clone()
                })
                .collect(),
            participants: revision.participants.clone(),
        }
    }
}

/// Schema version of `MeetingMessage`.
pub const MEETING_VERSION: u32 = 1;

/// The room's meeting state on `roomscribe/<device>/meeting` (retained): what a dashboard
/// shows as "in a meeting since …".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeetingMessage {
    /// `v`, `id`, `ts`, `device`: on every payload.
    #[serde(flatten)]
    pub envelope: Envelope,
    /// "started" or "ended".
    pub state: String,
    pub meeting: String,
    pub started: u64,
    pub ended: Option<u64>,
    pub started_by: String,
    pub ended_by: Option<String>,
}

impl MeetingMessage {
    pub fn new(device: &str, meeting: &MeetingRecord) -> Self {
        Self {
            envelope: Envelope::new(MEETING_VERSION, device),
            state: if meeting.ended_ms.is_some() { "ended" } else { "started" }.into(),
            meeting: meeting.id.clone(),
            started: meeting.started_ms,
            ended: meeting.ended_ms,
            started_by: meeting.started_by.clone(),
            ended_by: meeting.ended_by.clone(),
        }
    }
}

/// Reads an operator's payload (a command) as a JSON-like map, from CBOR or JSON.
pub fn read_map(payload: &[u8]) -> Option<serde_json::Map<String, serde_json::Value>> {
    let value = match ciborium::from_reader::<serde_json::Value, _>(payload) {
        Ok(value) => value,
        Err(_) => serde_json::from_slice::<serde_json::Value>(payload).ok()?,
    };
    match value {
        serde_json::Value::Object(map) => Some(map),
        _ => None,
    }
}

/// The transaction id in a payload, if it can be read (to answer a refused command).
pub fn transaction_of(payload: &[u8]) -> Option<String> {
    match read_map(payload)?.get("tx")? {
        serde_json::Value::String(tx) if tx.len() <= 128 => Some(tx.clone()),
        _ => None,
    }
}

/// Encodes any payload as JSON (the optional mirror for tools that cannot read CBOR).
pub fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("every payload is plain data")
}

/// Encodes any payload as CBOR.
pub fn to_cbor<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(128);
    ciborium::into_writer(value, &mut out).expect("writing CBOR into a Vec cannot fail");
    out
}

/// `; S1 (Alice) 62 s 55%, S2 …` for a summary line, or nothing without participants.
fn talk_times(participants: &[Participant]) -> String {
    if participants.is_empty() {
        return String::new();
    }
    let each: Vec<String> = participants
        .iter()
        .map(|p| {
            let name = p.name.as_deref().map(|n| format!(" ({n})")).unwrap_or_default();
            format!("{}{name} {:.0} s {:.0}%", p.label, p.talk_s, p.share * 100.0)
        })
        .collect();
    format!("; {}", each.join(", "))
}

/// One line for a human: transcripts as `[start–end] text`, plain UTF-8 (such as `online`) as
/// it is, and any other CBOR as JSON. (CBOR maps start with a byte that is never valid UTF-8.)
pub fn render_for_humans(topic: &str, payload: &[u8]) -> String {
    if let Ok(t) = ciborium::from_reader::<TranscriptMessage, _>(payload) {
        let who = match (&t.speaker_name, &t.speaker) {
            (Some(name), _) => format!("{name}: "),
            (None, Some(label)) => format!("{label}: "),
            (None, None) => String::new(),
        };
        return format!(
            "{topic}  [{:>7.2}–{:>7.2}] {who}{}  (#{} conf {:.2})",
            t.start, t.end, t.text, t.seq, t.confidence
        );
    }
    if let Ok(p) = ciborium::from_reader::<PartialMessage, _>(payload) {
        return format!("{topic}  [{:>7.2}–{:>7.2}] … {}", p.start, p.end, p.text);
    }
    if let Ok(r) = ciborium::from_reader::<CommandReply, _>(payload) {
        return format!(
            "{topic}  {} tx {}: {}",
            r.command,
            r.tx.as_deref().unwrap_or("?"),
            match (&r.error, &r.result) {
                (Some(error), _) => format!("error: {error}"),
                (None, Some(result)) => format!("ok {result}"),
                (None, None) => "ok".into(),
            }
        );
    }
    if let Ok(c) = ciborium::from_reader::<ConfigStateMessage, _>(payload) {
        let errors: Vec<String> = c.errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect();
        return format!(
            "{topic}  revision {} {}{}{}",
            c.revision,
            c.status,
            if errors.is_empty() {
                String::new()
            } else {
                format!(": {}", errors.join("; "))
            },
            if c.restart_required.is_empty() {
                String::new()
            } else {
                format!(" (restart needed for {})", c.restart_required.join(", "))
            }
        );
    }
    if let Ok(i) = ciborium::from_reader::<InsightMessage, _>(payload) {
        let who = |name: &Option<String>| name.clone().unwrap_or_else(|| "?".into());
        let revised = match i.revision {
            Some(r) if r > 1 => format!(" (revision {r})"),
            _ => String::new(),
        };
        return match (
            &i.seconds,
            &i.noise_floor_dbfs,
            &i.question,
            &i.action_item,
            &i.decision,
            &i.keywords,
            &i.talk_time,
        ) {
            (Some(seconds), ..) => format!("{topic}  {} at {:.1} s: {seconds:.0} s", i.kind, i.start),
            (_, Some(floor), ..) => format!("{topic}  {} at {:.1} s: noise floor {floor:.1} dBFS", i.kind, i.start),
            _ if i.kind == "thermal_throttle" => format!(
                "{topic}  thermal_throttle: {} at {:.1} °C",
                i.zone.as_deref().unwrap_or("?"),
                i.celsius.unwrap_or(f32::NAN)
            ),
            (_, _, Some(q), ..) => format!(
                "{topic}  question{revised} from {}: {} [{}]",
                who(&q.asker),
                q.text,
                match &q.answered_by {
                    Some(by) if q.answered => format!("answered by {by}"),
                    _ if q.answered => "answered".into(),
                    _ => "open".into(),
                }
            ),
            (_, _, _, Some(a), ..) => format!(
                "{topic}  action item{revised}: {} to {}{}",
                a.owner.as_deref().unwrap_or("(no owner yet)"),
                a.task,
                a.due.as_deref().map(|d| format!(", {d}")).unwrap_or_default()
            ),
            (_, _, _, _, Some(d), ..) => format!("{topic}  decision{revised} by {}: {}", who(&d.by), d.decision),
            (_, _, _, _, _, Some(k), _) => format!(
                "{topic}  keywords{}: {}",
                if k.whole_meeting { " of the meeting" } else { "" },
                k.keywords.join(", ")
            ),
            (_, _, _, _, _, _, Some(t)) => format!(
                "{topic}  talk time: {}",
                t.speakers
                    .iter()
                    .map(|s| format!("{} {:.0}%", s.speaker, s.share * 100.0))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            _ => format!("{topic}  {} at {:.1} s", i.kind, i.start),
        };
    }
    if let Ok(m) = ciborium::from_reader::<SummaryMessage, _>(payload) {
        return format!(
            "{topic}  meeting {}{}: {:.0} s, {} segments, {} words{}\n{}",
            m.meeting,
            if m.is_final { "" } else { " (so far)" },
            m.duration_s,
            m.segments,
            m.words,
            talk_times(&m.participants),
            m.transcript.trim_end()
        );
    }
    if let Ok(m) = ciborium::from_reader::<SpeakersMessage, _>(payload) {
        let changes: Vec<String> = m
            .changes
            .iter()
            .map(|c| format!("[{:.2}–{:.2}] {} → {}", c.start, c.end, c.from, c.to))
            .collect();
        return format!(
            "{topic}  meeting {} speakers revised: {} segment(s) relabelled{}{}",
            m.meeting,
            changes.len(),
            talk_times(&m.participants),
            if changes.is_empty() {
                String::new()
            } else {
                format!("\n  {}", changes.join("\n  "))
            }
        );
    }
    if let Ok(m) = ciborium::from_reader::<MeetingMessage, _>(payload) {
        return format!(
            "{topic}  meeting {} {} ({})",
            m.meeting,
            m.state,
            m.ended_by.as_deref().unwrap_or(&m.started_by)
        );
    }
    if let Ok(h) = ciborium::from_reader::<HealthMessage, _>(payload) {
        let c = &h.snapshot.capture;
        return format!(
            "{topic}  up {} s, capture {} ({}), dropped {}, overruns {}, reopens {}{}",
            h.uptime_s,
            c.state,
            c.source,
            c.dropped_frames,
            c.overruns,
            c.reopen_attempts,
            c.last_error.as_deref().map(|e| format!(": {e}")).unwrap_or_default()
        );
    }
    if let Ok(text) = std::str::from_utf8(payload) {
        return format!("{topic}  {text}");
    }
    match ciborium::from_reader::<ciborium::Value, _>(payload).map(|v| serde_json::to_string(&v)) {
        Ok(Ok(json)) => format!("{topic}  {json}"),
        _ => format!("{topic}  <{} bytes, neither CBOR nor text>", payload.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transcript() -> Transcript {
        Transcript {
            sequence: 3,
            start: 1.23456,
            end: 2.5,
            text: "Good morning everyone.".into(),
            confidence: 0.8,
            language: "en".into(),
            speaker: None,
            revision: 1,
        }
    }

    fn key() -> RecordKey {
        RecordKey {
            meeting: Some("m-1".into()),
            seq: 17,
            key: "room-1/m-1/17".into(),
        }
    }

    fn action_item() -> Finding {
        Finding {
            id: "action-3.0".into(),
            revision: 2,
            segments: vec![3, 4],
            start: 12.5,
            body: FindingBody::ActionItem(ActionItem {
                text: "Priya, can you update the alert before Friday?".into(),
                owner: Some("Priya".into()),
                task: "update the alert".into(),
                due: Some("before Friday".into()),
                due_date: Some("2026-12-04".into()),
                said_by: Some("S1".into()),
                confidence: 0.8,
            }),
        }
    }

    #[test]
    fn a_finding_goes_out_tagged_with_its_kind_id_and_revision() {
        let message = InsightMessage::of_finding("room-1", &action_item(), &key());
        let bytes = to_cbor(&message);
        let back: InsightMessage = ciborium::from_reader(bytes.as_slice()).unwrap();
        assert_eq!(back, message);
        let value: serde_json::Value = ciborium::from_reader(bytes.as_slice()).unwrap();
        assert_eq!(value["kind"], "action_item");
        assert_eq!(
            (value["finding"].as_str(), value["revision"].as_u64()),
            (Some("action-3.0"), Some(2))
        );
        assert_eq!(value["action_item"]["owner"], "Priya");
        assert_eq!(value["action_item"]["due_date"], "2026-12-04");
        assert_eq!(value["segments"], serde_json::json!([3, 4]));
        assert!(value["question"].is_null());
        let line = render_for_humans("roomscribe/room-1/insights", &bytes);
        assert_eq!(
            line,
            "roomscribe/room-1/insights  action item (revision 2): Priya to update the alert, before Friday"
        );
    }

    #[test]
    fn transcripts_name_their_speaker_and_v1_payloads_still_read() {
        let mut spoken = transcript();
        spoken.speaker = Some(crate::pipeline::SpeakerTag {
            voice: 4,
            label: "S2".into(),
            name: Some("Alice".into()),
            confidence: 0.87654,
            embedding: vec![0.5; 192],
        });
        let message = TranscriptMessage::new("room-1", &spoken, &key());
        assert_eq!(message.envelope.v, 3);
        let bytes = to_cbor(&message);
        let map = read_map(&bytes).unwrap();
        assert_eq!(map["speaker"], "S2");
        assert_eq!(map["speaker_name"], "Alice");
        assert_eq!(
            map["speaker_confidence"].as_f64().map(|c| (c * 1000.0).round()),
            Some(877.0)
        );
        assert!(
            map.keys().all(|k| !k.contains("embedding") && k != "voice"),
            "no embedding on the wire: {map:?}"
        );
        assert!(render_for_humans("t", &bytes).contains("Alice: Good morning"));
        // A consumer's view of a version 1 message (no speaker fields) still reads.
        let mut v1 = read_map(&to_cbor(&TranscriptMessage::new("room-1", &transcript(), &key()))).unwrap();
        for field in ["speaker", "speaker_name", "speaker_confidence"] {
            v1.remove(field);
        }
        v1.insert("v".into(), 1.into());
        let back: TranscriptMessage = ciborium::from_reader(to_cbor(&v1).as_slice()).unwrap();
        assert_eq!((back.envelope.v, back.speaker), (1, None));
    }

    #[test]
    fn a_speakers_revision_says_what_changed_and_renders_for_humans() {
        let revision = SpeakersRevision {
            meeting: "m-1".into(),
            changes: vec![LabelChange {
                seq: Some(3),
                start: 4.0004,
                end: 6.0,
                from: "S1".into(),
                to: "S2".into(),
            }],
            participants: vec![Participant {
                label: "S2".into(),
                name: Some("Bob".into()),
                talk_s: 6.0,
                share: 0.6,
                turns: 2,
            }],
        };
        let bytes = to_cbor(&SpeakersMessage::new("room-1", &revision, &key()));
        let back: SpeakersMessage = ciborium::from_reader(bytes.as_slice()).unwrap();
        assert_eq!((back.changes[0].seq, back.changes[0].start), (Some(3), 4.0));
        assert_eq!(back.envelope.v, 2);
        let line = render_for_humans("roomscribe/room-1/speakers", &bytes);
        assert!(line.contains("1 segment(s) relabelled; S2 (Bob) 6 s 60%"), "{line}");
        assert!(line.contains("S1 → S2"), "{line}");
    }

    #[test]
    fn summaries_carry_their_key_and_render_for_humans() {
        let meeting = MeetingRecord {
            id: "m-1".into(),
            started_ms: 1,
            ended_ms: Some(61_001),
            stream_start_s: 0.0,
            stream_end_s: Some(61.0),
            started_by: "speech".into(),
            ended_by: Some("quiet".into()),
        };
        let summary = MeetingSummary {
            meeting: meeting.clone(),
            stats: crate::pipeline::MeetingStats {
                duration_s: 61.0,
                segments: 1,
                words: 3,
                speech_s: 2.5,
            },
            participants: Vec::new(),
            transcript: "[00:00] Good morning everyone.\n".into(),
            is_final: true,
            meaning: MeetingMeaning {
                action_items: vec![action_item()],
                keywords: vec!["release scope".into()],
                overview: "Actions: Priya will update the alert.".into(),
                ..Default::default()
            },
        };
        let message = SummaryMessage::new("room-1", &summary, &key());
        let bytes = to_cbor(&message);
        let back: SummaryMessage = ciborium::from_reader(bytes.as_slice()).unwrap();
        assert_eq!(back, message);
        assert_eq!(back.key, "room-1/m-1/17");
        let line = render_for_humans("roomscribe/room-1/summary", &bytes);
        assert!(
            line.contains("meeting m-1: 61 s, 1 segments, 3 words\n[00:00] Good morning everyone."),
            "{line}"
        );
        let started = MeetingRecord {
            ended_ms: None,
            ended_by: None,
            ..meeting
        };
        let line = render_for_humans(
            "roomscribe/room-1/meeting",
            &to_cbor(&MeetingMessage::new("room-1", &started)),
        );
        assert!(line.ends_with("meeting m-1 started (speech)"), "{line}");
    }

    #[test]
    fn transcript_round_trips_through_cbor_with_version_and_id() {
        let message = TranscriptMessage::new("room-1", &transcript(), &key());
        let bytes = to_cbor(&message);
        let back: TranscriptMessage = ciborium::from_reader(bytes.as_slice()).unwrap();
        assert_eq!(back, message);
        assert_eq!(back.envelope.v, TRANSCRIPT_VERSION);
        assert_eq!(back.start, 1.235);
        assert!(uuid::Uuid::parse_str(&back.envelope.id).is_ok_and(|id| id.get_version_num() == 7));
    }

    #[test]
    fn transcript_is_a_cbor_map_with_the_documented_keys() {
        let bytes = to_cbor(&TranscriptMessage::new("room-1", &transcript(), &key()));
        let value: ciborium::Value = ciborium::from_reader(bytes.as_slice()).unwrap();
        let keys: Vec<String> = value
            .as_map()
            .unwrap()
            .iter()
            .map(|(k, _)| k.as_text().unwrap().to_owned())
            .collect();
        let expected = [
            "v",
            "id",
            "ts",
            "device",
            "seq",
            "start",
            "end",
            "text",
            "confidence",
            "is_final",
            "language",
            "meeting",
            "key",
            "speaker",
            "speaker_name",
            "speaker_confidence",
            "revision",
        ];
        assert_eq!(keys, expected);
    }

    #[test]
    fn partials_round_trip_and_are_marked_for_humans() {
        let partial = PartialTranscript {
            sequence: 4,
            start: 10.0,
            end: 12.5,
            stable: "We agreed".into(),
            text: "We agreed to spend".into(),
            language: "en".into(),
        };
        let bytes = to_cbor(&PartialMessage::new("room-1", &partial, Some("m-1".into())));
        let back: PartialMessage = ciborium::from_reader(bytes.as_slice()).unwrap();
        assert!(!back.is_final);
        assert_eq!((back.seq, back.stable.as_str()), (4, "We agreed"));
        assert_eq!(back.meeting.as_deref(), Some("m-1"));
        let line = render_for_humans("roomscribe/room-1/transcript/partial", &bytes);
        assert!(line.contains("… We agreed to spend"), "{line}");
    }

    #[test]
    fn humans_see_transcripts_and_plain_text() {
        let bytes = to_cbor(&TranscriptMessage::new("room-1", &transcript(), &key()));
        let line = render_for_humans("roomscribe/room-1/transcript", &bytes);
        assert!(line.contains("Good morning everyone."), "{line}");
        assert!(line.contains("2.50"), "{line}");
        assert_eq!(
            render_for_humans("roomscribe/room-1/status", b"online"),
            "roomscribe/room-1/status  online"
        );
    }
}
