//! The store stage: commits every record the meeting stage hands on (meetings, segments,
//! insights, summaries) and only then hands it to the bus; passes live partials through
//! unstored; answers the store's requests (exports, configuration history, operators' signed
//! times); keeps the store within its disk budget.
//!
//! Is run on a thread of its own (SQLite calls block; `app` starts it). When the disk is full it keeps what it could
//! not write in memory (bounded), still publishes live, retries, and says so in health. Decides
//! nothing about meetings; must never publish by itself or talk to the upstream (that is the
//! sync, through the outbox).

use std::collections::VecDeque;
use std::time::Duration;

use tokio::sync::{mpsc, watch};

use super::{Store, StoreError};
use crate::config::live::Section;
use crate::config::{StoreConfig, SyncConfig};
use crate::health::StoreHealth;
use crate::pipeline::{MeetingOutput, Published, RecordKey, RecordTopic, SegmentRecord, StoreRequest, ToStore};
use crate::stage::{Shared, StageContext};
use crate::transcript_format::TranscriptFormat;
use base64::Engine as _;

use crate::wire::{self, InsightMessage, MeetingMessage, SpeakersMessage, SummaryMessage, TranscriptMessage};

/// Records kept in memory while the disk is full; past this the oldest is dropped (counted).
const HELD_MAX: usize = 10_000;

/// How often held records are retried and the disk budget is checked.
const HOUSEKEEPING: Duration = Duration::from_secs(5);

/// What health reads of the store stage.
pub type StoreCounters = Shared<StoreHealth>;

/// The channels the stage reads.
pub struct Inputs {
    pub records: mpsc::Receiver<ToStore>,
    pub requests: mpsc::Receiver<StoreRequest>,
    pub sync_config: Section<SyncConfig>,
}

/// Where the stage's work goes.
pub struct Outputs {
    /// Every record once committed, and live partials, for the bus.
    pub published: mpsc::Sender<Published>,
    /// Counts commits of records for upstream: what the sync waits on instead of polling.
    pub outbox_written: watch::Sender<u64>,
}

/// Runs until the meeting stage closes its channel (it has ended the meeting going on and
/// handed over its summary by then).
pub async fn run_stage(
    ctx: StageContext<StoreCounters>,
    store: Store,
    device: &str,
    config: &StoreConfig,
    inputs: Inputs,
    outputs: Outputs,
) {
    StoreStage::new(ctx, store, device, config, outputs).run(inputs).await
}

struct StoreStage {
    ctx: StageContext<StoreCounters>,
    store: Store,
    device: String,
    budget: (u64, u64),
    /// Records the disk could not take yet, oldest first, each with whether it goes upstream.
    held: VecDeque<(MeetingOutput, bool)>,
    out: mpsc::Sender<Published>,
    /// Counts commits of records for upstream; the sync is told through it.
    outbox_written: watch::Sender<u64>,
}

impl StoreStage {
    fn new(
        ctx: StageContext<StoreCounters>,
        store: Store,
        device: &str,
        config: &StoreConfig,
        outputs: Outputs,
    ) -> Self {
        let mib = |n: u32| u64::from(n) * 1024 * 1024;
        Self {
            ctx,
            store,
            device: device.to_owned(),
            budget: (mib(config.disk_budget_mib), mib(config.hard_cap_mib)),
            held: VecDeque::new(),
            out: outputs.published,
            outbox_written: outputs.outbox_written,
        }
    }

    async fn run(mut self, mut inputs: Inputs) {
        let heartbeat = self.ctx.heartbeat.clone();
        let mut requests_open = true;
        let mut housekeeping = tokio::time::interval(HOUSEKEEPING);
        loop {
            tokio::select! {
                record = inputs.records.recv() => match record {
                    None => break,
                    Some(ToStore::Partial { partial, meeting }) => {
                        // Live only: a partial that does not fit now is superseded by the next.
                        let _ = self.out.try_send(Published::Partial { partial, meeting });
                    }
                    Some(ToStore::Record(record)) => {
                        let _work = heartbeat.working();
                        inputs.sync_config.take_change();
                        let forward = self.forwards(&record, inputs.sync_config.current());
                        self.write(*record, forward).await;
                    }
                },
                request = inputs.requests.recv(), if requests_open => match request {
                    None => requests_open = false,
                    Some(request) => {
                        let _work = heartbeat.working();
                        self.on_request(request);
                    }
                },
                _ = housekeeping.tick() => {
                    let _work = heartbeat.working();
                    self.housekeeping();
                }
            }
        }
        self.housekeeping();
        if !self.held.is_empty() {
            tracing::error!(
                records = self.held.len(),
                "Stopping with records the full disk could not take; they are lost"
            );
        }
    }

    /// Whether `record` also goes into the outbox: segments and insights only when sync is set
    /// up and asks for them; summaries always (so they go once an upstream is configured).
    fn forwards(&self, record: &MeetingOutput, sync: &SyncConfig) -> bool {
        let configured = !sync.host.is_empty();
        match record {
            MeetingOutput::Segment { .. } => configured && sync.segments,
            MeetingOutput::Insight { .. } | MeetingOutput::Finding { .. } => configured && sync.insights,
            MeetingOutput::Summary(_) => true,
            // A revision corrects segments: it goes where they went.
            MeetingOutput::Speakers(_) => configured && sync.segments,
            MeetingOutput::MeetingStarted(_) | MeetingOutput::MeetingEnded(_) => false,
        }
    }

    /// Commits `record` and publishes it. While the disk is full it waits behind the records
    /// already held (order is kept: a meeting's row before its segments) and is published now.
    async fn write(&mut self, record: MeetingOutput, forward: bool) {
        self.log(&record);
        self.retry_held();
        let committed = if self.held.is_empty() {
            self.commit(&record, forward)
                .inspect_err(|error| self.failed(error))
                .ok()
        } else {
            None
        };
        let published = match committed {
            Some(published) => {
                self.writes_again();
                published
            }
            None => {
                let live = Some(self.unstored(&record));
                if self.held.len() == HELD_MAX {
                    self.held.pop_front();
                    self.health(|h| h.lost += 1);
                }
                self.held.push_back((record, forward));
                let held = self.held.len() as u64;
                self.health(|h| h.held_in_memory = held);
                live
            }
        };
        if let Some(published) = published {
            let _ = self.out.send(published).await;
        }
    }

    /// What the journal gets about a record: never what was said (personal data: the journal's
    /// retention and access are not the store's), except at debug, when someone asked for it.
    fn log(&self, record: &MeetingOutput) {
        match record {
            MeetingOutput::Segment { transcript, .. } => {
                tracing::info!(
                    seq = transcript.sequence,
                    revision = transcript.revision,
                    start = transcript.start,
                    end = transcript.end,
                    words = transcript.text.split_whitespace().count(),
                    "Transcript"
                );
                tracing::debug!(seq = transcript.sequence, text = %transcript.text, "Transcript text");
            }
            MeetingOutput::Insight { event, .. } => {
                tracing::info!(kind = InsightMessage::kind_of(event), "Room event");
            }
            // The finding's words are the meeting's: its kind and id only.
            MeetingOutput::Finding { finding, .. } => {
                tracing::info!(
                    kind = finding.body.kind(),
                    finding = %finding.id,
                    revision = finding.revision,
                    "Meeting insight"
                );
            }
            _ => {}
        }
    }

    fn commit(&mut self, record: &MeetingOutput, forward: bool) -> Result<Option<Published>, StoreError> {
        let device = &self.device;
        let encode = |key: &RecordKey| message(device, record, key);
        let payload = match record {
            MeetingOutput::MeetingStarted(meeting) => {
                self.store.begin_meeting(meeting)?;
                encode(&RecordKey::unstored(Some(meeting.id.clone())))
            }
            MeetingOutput::MeetingEnded(meeting) => {
                let (ended_ms, end) = (
                    meeting.ended_ms.unwrap_or(meeting.started_ms),
                    meeting.stream_end_s.unwrap_or(meeting.stream_start_s),
                );
                self.store
                    .end_meeting(&meeting.id, ended_ms, end, meeting.ended_by.as_deref().unwrap_or(""))?;
                encode(&RecordKey::unstored(Some(meeting.id.clone())))
            }
            MeetingOutput::Segment { meeting, transcript } if transcript.revision > 1 => {
                let revised =
                    self.store
                        .revise_segment(meeting.as_deref(), &SegmentRecord::of(transcript), forward, encode)?;
                match revised {
                    Some(payload) => payload,
                    None => {
                        tracing::debug!(
                            seq = transcript.sequence,
                            "A revision of a segment this run never stored; dropped"
                        );
                        return Ok(None);
                    }
                }
            }
            MeetingOutput::Segment { meeting, transcript } => {
                self.store
                    .add_segment(meeting.as_deref(), &SegmentRecord::of(transcript), forward, encode)?
            }
            MeetingOutput::Insight { meeting, event } => {
                self.store
                    .add_insight(meeting.as_deref(), InsightMessage::kind_of(event), forward, encode)?
            }
            MeetingOutput::Finding { meeting, finding } => {
                self.store
                    .add_insight(meeting.as_deref(), finding.body.kind(), forward, encode)?
            }
            MeetingOutput::Speakers(revision) => self.store.revise_speakers(revision, forward, encode)?,
            MeetingOutput::Summary(summary) => {
                let payload = self.store.add_summary(&summary.meeting.id, summary.is_final, encode)?;
                tracing::info!(
                    meeting = %summary.meeting.id,
                    segments = summary.stats.segments,
                    words = summary.stats.words,
                    "Summary stored"
                );
                payload
            }
        };
        if forward {
            self.outbox_written
                .send_modify(|written| *written = written.wrapping_add(1));
        }
        Ok(Some(Published::Record {
            topic: topic_of(record),
            payload,
        }))
    }

    /// The message for a record the disk could not take yet: no key, so it goes out live now,
    /// and upstream once it is written.
    fn unstored(&self, record: &MeetingOutput) -> Published {
        Published::Record {
            topic: topic_of(record),
            payload: message(&self.device, record, &RecordKey::unstored(meeting_of(record))),
        }
    }

    /// Keeps the store within its budget and retries held records.
    fn housekeeping(&mut self) {
        match self.store.enforce_budget(self.budget.0, self.budget.1) {
            Ok(report) => {
                self.health(|health| {
                    health.used_bytes = report.used_bytes;
                    health.pruned_rows += report.pruned_rows;
                    health.summaries_pruned += report.summaries_pruned;
                    health.over_hard_cap = report.over_hard_cap;
                });
                if report.summaries_pruned > 0 {
                    tracing::error!(
                        pruned = report.summaries_pruned,
                        "The store reached store.hard_cap_mib: undelivered summaries were pruned; check the upstream sync"
                    );
                } else if report.pruned_rows > 0 {
                    tracing::info!(
                        rows = report.pruned_rows,
                        used_bytes = report.used_bytes,
                        "Pruned the store to its disk budget"
                    );
                }
            }
            Err(error) => self.failed(&error),
        }
        self.retry_held();
    }

    /// Commits held records, oldest first, until one fails again.
    fn retry_held(&mut self) {
        while let Some((record, forward)) = self.held.pop_front() {
            match self.commit(&record, forward) {
                Ok(_) => {
                    let held = self.held.len() as u64;
                    self.health(|h| h.held_in_memory = held);
                    self.writes_again();
                }
                Err(error) => {
                    self.held.push_front((record, forward));
                    self.failed(&error);
                    break;
                }
            }
        }
    }

    /// Enrols the voice labelled `speaker` in stored meeting `meeting` as `name`.
    fn enroll_from_meeting(&mut self, meeting: &str, speaker: &str, name: &str) -> Result<serde_json::Value, String> {
        let (print, seconds) = self
            .store
            .meeting_voice(meeting, speaker)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| {
                format!("meeting {meeting} has no speech of {speaker} with a voice; the meeting's summary lists its speakers")
            })?;
        self.store
            .enroll(name, &print, &format!("meeting {meeting} {speaker}"))
            .map_err(|e| e.to_string())?;
        tracing::info!(
            seconds = crate::clock::round_ms(seconds),
            "A voice was enrolled from a stored meeting"
        );
        Ok(
            serde_json::json!({ "enrolled": name, "meeting": meeting, "speaker": speaker, "speech_s": crate::clock::round_ms(seconds) }),
        )
    }

    fn on_request(&mut self, request: StoreRequest) {
        match request {
            StoreRequest::Export { meeting, format, reply } => {
                let answer = self.export(meeting.as_deref(), format).map_err(|e| e.to_string());
                let _ = reply.send(answer);
            }
            StoreRequest::AdvanceOperatorClock { user, ts_ms, reply } => {
                let answer = self.store.advance_operator_clock(&user, ts_ms).map_err(|error| {
                    self.failed(&error);
                    error.to_string()
                });
                let _ = reply.send(answer);
            }
            StoreRequest::Enroll {
                meeting,
                speaker,
                name,
                reply,
            } => {
                let answer = self.enroll_from_meeting(&meeting, &speaker, &name);
                let _ = reply.send(answer);
            }
            StoreRequest::Forget { name, reply } => {
                let answer = match self.store.forget(&name) {
                    Ok(true) => Ok(serde_json::json!({ "forgotten": name })),
                    Ok(false) => Err(format!(
                        "no voice named {name:?} is enrolled; the `speakers` command lists them"
                    )),
                    Err(error) => Err(error.to_string()),
                };
                let _ = reply.send(answer);
            }
            StoreRequest::ListVoices(reply) => {
                let answer = self
                    .store
                    .list_voices()
                    .map(|voices| serde_json::json!({ "voices": voices }))
                    .map_err(|e| e.to_string());
                let _ = reply.send(answer);
            }
            StoreRequest::Voiceprints(reply) => {
                let _ = reply.send(self.store.voiceprints().map_err(|e| e.to_string()));
            }
            StoreRequest::ConfigHistory {
                revision,
                accepted,
                document,
                errors,
            } => {
                if let Err(error) = self.store.record_config(revision, accepted, &document, &errors) {
                    self.failed(&error);
                }
            }
        }
    }

    fn export(&self, meeting: Option<&str>, format: TranscriptFormat) -> Result<serde_json::Value, StoreError> {
        let (record, document) = self.store.export(meeting, format)?;
        // A PDF or DOCX travels as base64 inside the reply (MQTT payloads here are documents).
        let (document, encoding) = match String::from_utf8(document) {
            Ok(text) if !format.is_document() => (text, "utf-8"),
            Ok(text) => (base64::engine::general_purpose::STANDARD.encode(text), "base64"),
            Err(bytes) => (
                base64::engine::general_purpose::STANDARD.encode(bytes.into_bytes()),
                "base64",
            ),
        };
        Ok(serde_json::json!({
            "meeting": record.id,
            "format": format.name(),
            "encoding": encoding,
            "document": document,
        }))
    }

    /// A write went through: after a full disk or a failure, the log says the store is back.
    fn writes_again(&self) {
        let was = self.health(|health| std::mem::replace(&mut health.state, "ok".into()));
        if was == "full" || was == "failing" {
            tracing::info!(was, "The meeting store writes again");
        }
    }

    fn failed(&self, error: &StoreError) {
        let state = if error.is_full() { "full" } else { "failing" };
        let changed = self.health(|health| {
            let changed = health.state != state;
            health.state = state.into();
            health.last_error = Some(error.to_string());
            changed
        });
        if changed {
            tracing::error!(%error, "The meeting store cannot write");
        }
    }

    fn health<R>(&self, change: impl FnOnce(&mut StoreHealth) -> R) -> R {
        self.ctx.counters.update(change)
    }

    #[cfg(test)]
    fn counters(&self) -> std::sync::Arc<StoreCounters> {
        self.ctx.counters.clone()
    }
}

/// The meeting a record belongs to.
fn meeting_of(record: &MeetingOutput) -> Option<String> {
    match record {
        MeetingOutput::Segment { meeting, .. }
        | MeetingOutput::Insight { meeting, .. }
        | MeetingOutput::Finding { meeting, .. } => meeting.clone(),
        MeetingOutput::MeetingStarted(m) | MeetingOutput::MeetingEnded(m) => Some(m.id.clone()),
        MeetingOutput::Summary(summary) => Some(summary.meeting.id.clone()),
        MeetingOutput::Speakers(revision) => Some(revision.meeting.clone()),
    }
}

/// Which topic a stored record goes out on.
fn topic_of(record: &MeetingOutput) -> RecordTopic {
    match record {
        MeetingOutput::MeetingStarted(_) | MeetingOutput::MeetingEnded(_) => RecordTopic::Meeting,
        MeetingOutput::Segment { transcript, .. } if transcript.revision > 1 => RecordTopic::TranscriptRevision,
        MeetingOutput::Segment { .. } => RecordTopic::Transcript,
        MeetingOutput::Insight { .. } | MeetingOutput::Finding { .. } => RecordTopic::Insight,
        MeetingOutput::Summary(_) => RecordTopic::Summary,
        MeetingOutput::Speakers(_) => RecordTopic::Speakers,
    }
}

/// The wire message (CBOR) of `record`, stored under `key` (a meeting's own message carries
/// none).
fn message(device: &str, record: &MeetingOutput, key: &RecordKey) -> Vec<u8> {
    match record {
        MeetingOutput::MeetingStarted(meeting) | MeetingOutput::MeetingEnded(meeting) => {
            wire::to_cbor(&MeetingMessage::new(device, meeting))
        }
        MeetingOutput::Segment { transcript, .. } => wire::to_cbor(&TranscriptMessage::new(device, transcript, key)),
        MeetingOutput::Insight { event, .. } => wire::to_cbor(&InsightMessage::new(device, event, key)),
        MeetingOutput::Finding { finding, .. } => wire::to_cbor(&InsightMessage::of_finding(device, finding, key)),
        MeetingOutput::Speakers(revision) => wire::to_cbor(&SpeakersMessage::new(device, revision, key)),
        MeetingOutput::Summary(summary) => wire::to_cbor(&SummaryMessage::new(device, summary, key)),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::pipeline::{MeetingRecord, Transcript};
    use crate::stage::{Counters, Shutdown, Stages};

    fn meeting() -> MeetingRecord {
        MeetingRecord {
            id: "m1".into(),
            started_ms: 1_000,
            ended_ms: None,
            stream_start_s: 0.0,
            stream_end_s: None,
            started_by: "speech".into(),
            ended_by: None,
        }
    }

    #[test]
    fn the_next_start_closes_open_meetings_and_hands_back_each_unsummarised_one_once() {
        let dir = std::env::temp_dir().join(format!("roomscribe-stage-recover-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("store.db");
        {
            let mut store = Store::open(&path, "room-1").unwrap();
            for (id, ended) in [("open", false), ("closed-unsummarised", true), ("done", true)] {
                store
                    .begin_meeting(&MeetingRecord {
                        id: id.into(),
                        ..meeting()
                    })
                    .unwrap();
                if ended {
                    store.end_meeting(id, 9_000, 8.0, "quiet").unwrap();
                }
            }
            let segment = SegmentRecord {
                seq: None,
                start_s: 1.0,
                end_s: 4.5,
                text: "Good morning.".into(),
                confidence: 0.9,
                language: "en".into(),
                speaker: None,
                speaker_name: None,
                speaker_confidence: None,
                voice: None,
            };
            store
                .add_segment(Some("open"), &segment, false, |_| b"segment".to_vec())
                .unwrap();
            store.add_summary("done", true, |_| b"summary".to_vec()).unwrap();
        }
        let mut store = Store::open(&path, "room-1").unwrap();
        let mut backlog = store.recover("recovery").unwrap();
        backlog.sort_by(|a, b| a.0.id.cmp(&b.0.id));
        let ids: Vec<&str> = backlog.iter().map(|(m, _)| m.id.as_str()).collect();
        assert_eq!(ids, ["closed-unsummarised", "open"]);
        let (open, segments) = &backlog[1];
        assert_eq!(
            (open.ended_by.as_deref(), open.stream_end_s, segments.len()),
            (Some("recovery"), Some(4.5), 1)
        );
        for (meeting, _) in &backlog {
            store.add_summary(&meeting.id, true, |_| b"summary".to_vec()).unwrap();
        }
        drop(store);
        let mut store = Store::open(&path, "room-1").unwrap();
        assert!(
            store.recover("recovery").unwrap().is_empty(),
            "each summary is written once"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn a_full_disk_keeps_records_in_memory_publishes_them_live_and_writes_them_later() {
        let dir = std::env::temp_dir().join(format!("roomscribe-stage-full-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = Store::open(&dir.join("store.db"), "room-1").unwrap();
        let (out, mut published) = mpsc::channel(16);
        let ctx = Stages::new(Shutdown::default()).context("store", Arc::new(StoreCounters::default()));
        let outputs = Outputs {
            published: out,
            outbox_written: watch::channel(0).0,
        };
        let mut stage = StoreStage::new(ctx, store, "room-1", &StoreConfig::default(), outputs);
        let health = stage.counters();
        let pages: i64 = stage
            .store
            .conn
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .unwrap();
        stage.store.conn.pragma_update(None, "max_page_count", pages).unwrap();

        let long = "budget ".repeat(2000);
        let transcript = Transcript {
            sequence: 1,
            start: 5.0,
            end: 8.0,
            text: long.clone(),
            confidence: 0.9,
            language: "en".into(),
            speaker: None,
            revision: 1,
        };
        stage.write(MeetingOutput::MeetingStarted(meeting()), false).await;
        let segment = MeetingOutput::Segment {
            meeting: Some("m1".into()),
            transcript,
        };
        stage.write(segment, false).await;
        let mut topics = Vec::new();
        while let Ok(item) = published.try_recv() {
            if let Published::Record { topic, payload } = item {
                topics.push(topic);
                if topic == RecordTopic::Transcript {
                    let live: TranscriptMessage = ciborium::from_reader(payload.as_slice()).unwrap();
                    assert_eq!(live.text, long, "the room still sees the words");
                    assert_eq!(live.key, "", "no key until it is stored");
                }
            }
        }
        assert_eq!(topics, [RecordTopic::Meeting, RecordTopic::Transcript]);
        let h = health.snapshot();
        assert_eq!((h.state.as_str(), h.held_in_memory), ("full", 1), "{h:?}");
        assert!(h.last_error.as_deref().unwrap().contains("full"));
        stage.housekeeping();
        assert_eq!(health.snapshot().held_in_memory, 1, "still full: still held");

        stage
            .store
            .conn
            .pragma_update(None, "max_page_count", 1_000_000)
            .unwrap();
        stage.housekeeping();
        let h = health.snapshot();
        assert_eq!((h.state.as_str(), h.held_in_memory), ("ok", 0), "{h:?}");
        let stored = stage.store.segments("m1").unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].text, long);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
