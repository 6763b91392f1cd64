//! The store stage: takes final transcripts from ASR and room reports from VAD, decides when
//! meetings start and end, commits every segment, insight and summary, and only then hands
//! them to the bus. Partials and room metrics pass through unstored.
//!
//! Runs on its own thread (SQLite calls block). When the disk is full it keeps what it could
//! not write in memory (bounded), still publishes live, retries, and says so in health. Must
//! never publish by itself or talk to the upstream (that is the sync, through the outbox).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot, watch};

use super::export::ExportFormat;
use super::meeting::{Decision, EndedBy, MeetingRules};
use super::summary::{self, MeetingRecord, SegmentRecord};
use super::{RecordKey, Store, StoreError};
use crate::bus::wire::{self, InsightMessage, MeetingMessage, SummaryMessage, TranscriptMessage};
use crate::config::{MeetingConfig, StoreConfig, SyncConfig};
use crate::health::StoreHealth;
use crate::pipeline::{AsrOutput, AudioEvent, AudioReport, Published, RecordTopic, Transcript};

/// Records kept in memory while the disk is full; past this the oldest is dropped (counted).
const HELD_MAX: usize = 10_000;

/// How often held records are retried and the disk budget is checked.
const HOUSEKEEPING: Duration = Duration::from_secs(5);

/// What operators ask of the store (through the control task), each with its answer.
#[derive(Debug)]
pub enum StoreRequest {
    StartMeeting(Reply),
    StopMeeting(Reply),
    /// Publish (and store) a summary of the meeting going on, or of the last one.
    SummaryNow(Reply),
    /// A stored meeting (`None`: the latest) written out.
    Export {
        meeting: Option<String>,
        format: ExportFormat,
        reply: Reply,
    },
    /// An operator's signed message is about to take effect: keep its time, unless it is not
    /// newer than the last one kept for that operator (a replay: answers false).
    AdvanceOperatorClock {
        user: String,
        ts_ms: u64,
        reply: oneshot::Sender<Result<bool, String>>,
    },
    /// A remote configuration document and what became of it.
    ConfigHistory {
        revision: u64,
        accepted: bool,
        document: String,
        errors: String,
    },
}

pub type Reply = oneshot::Sender<Result<serde_json::Value, String>>;

/// Something to commit. What the disk cannot take yet waits, in order, in `held`.
enum Write {
    MeetingStarted(MeetingRecord),
    MeetingEnded(MeetingRecord),
    Segment {
        meeting: Option<String>,
        transcript: Transcript,
    },
    Insight {
        meeting: Option<String>,
        event: AudioEvent,
    },
    Summary {
        meeting: MeetingRecord,
        is_final: bool,
    },
}

/// The channels the stage reads.
pub struct Inputs {
    pub asr: mpsc::Receiver<AsrOutput>,
    pub reports: mpsc::Receiver<AudioReport>,
    pub requests: mpsc::Receiver<StoreRequest>,
    pub meeting_config: watch::Receiver<MeetingConfig>,
    pub sync_config: watch::Receiver<SyncConfig>,
}

pub struct StoreStage {
    store: Store,
    device: String,
    budget: (u64, u64),
    rules: MeetingRules,
    meeting: Option<MeetingRecord>,
    /// The furthest stream time seen (end of speech, or of a metrics window).
    stream_now: f64,
    /// Writes the disk could not take yet, oldest first, each with whether it goes upstream.
    held: VecDeque<(Write, bool)>,
    health: Arc<Mutex<StoreHealth>>,
    out: mpsc::Sender<Published>,
    /// Counts commits of records for upstream; the sync is told through it.
    outbox_written: watch::Sender<u64>,
}

impl StoreStage {
    pub fn new(
        store: Store,
        device: &str,
        config: &StoreConfig,
        meeting: &MeetingConfig,
        health: Arc<Mutex<StoreHealth>>,
        out: mpsc::Sender<Published>,
    ) -> Self {
        let mib = |n: u32| u64::from(n) * 1024 * 1024;
        Self {
            store,
            device: device.to_owned(),
            budget: (mib(config.disk_budget_mib), mib(config.hard_cap_mib)),
            rules: MeetingRules::new(meeting),
            meeting: None,
            stream_now: 0.0,
            held: VecDeque::new(),
            health,
            out,
            outbox_written: watch::channel(0).0,
        }
    }

    /// Changes whenever a record for upstream is committed (what the sync waits on).
    pub fn outbox_written(&self) -> watch::Receiver<u64> {
        self.outbox_written.subscribe()
    }

    /// Runs until ASR and VAD have both closed their channels; a meeting still open then is
    /// ended (`shutdown`) and summarised. Meetings left open by a power cut are closed first.
    pub async fn run(mut self, mut inputs: Inputs) {
        self.recover().await;
        let (mut asr_open, mut reports_open, mut requests_open) = (true, true, true);
        let mut housekeeping = tokio::time::interval(HOUSEKEEPING);
        while asr_open || reports_open {
            tokio::select! {
                output = inputs.asr.recv(), if asr_open => match output {
                    None => asr_open = false,
                    Some(AsrOutput::Partial(partial)) => {
                        // Live only: a partial that does not fit now is superseded by the next.
                        let meeting = self.meeting.as_ref().map(|m| m.id.clone());
                        let _ = self.out.try_send(Published::Partial { partial, meeting });
                    }
                    Some(AsrOutput::Final(transcript)) => self.on_transcript(transcript, &inputs.sync_config).await,
                },
                report = inputs.reports.recv(), if reports_open => match report {
                    None => reports_open = false,
                    Some(AudioReport::Metrics(metrics)) => {
                        self.stream_now = self.stream_now.max(metrics.start + metrics.seconds);
                        let heard_speech = metrics.speech_duty_cycle > 0.0;
                        let _ = self.out.try_send(Published::Metrics(metrics));
                        if let Some(decision) = self.rules.tick(self.stream_now, heard_speech) {
                            self.apply(decision).await;
                        }
                    }
                    Some(AudioReport::Event(event)) => self.on_event(event, &inputs.sync_config).await,
                },
                request = inputs.requests.recv(), if requests_open => match request {
                    None => requests_open = false,
                    Some(request) => self.on_request(request).await,
                },
                changed = inputs.meeting_config.changed() => {
                    if changed.is_ok() {
                        self.rules.set_config(&inputs.meeting_config.borrow_and_update());
                    }
                }
                _ = housekeeping.tick() => self.housekeeping(),
            }
        }
        if let Some(decision) = self.rules.stop(self.stream_now, EndedBy::Shutdown) {
            self.apply(decision).await;
        }
        self.housekeeping();
        if !self.held.is_empty() {
            tracing::error!(
                records = self.held.len(),
                "Stopping with records the full disk could not take; they are lost"
            );
        }
    }

    /// Which records also go into the outbox: segments and insights only when sync is set up
    /// and asks for them (summaries always, so they go once an upstream is configured).
    fn forward_flags(&self, sync: &watch::Receiver<SyncConfig>) -> (bool, bool) {
        let sync = sync.borrow();
        let configured = !sync.host.is_empty();
        (configured && sync.segments, configured && sync.insights)
    }

    /// Closes meetings a power cut left open, at their last speech, and summarises every ended
    /// meeting whose summary was never stored.
    async fn recover(&mut self) {
        let open = match self.store.open_meetings() {
            Ok(open) => open,
            Err(error) => {
                self.failed(&error);
                return;
            }
        };
        for meeting in open {
            let segments = self.store.segments(&meeting.id).unwrap_or_default();
            let end = segments.iter().map(|s| s.end_s).fold(meeting.stream_start_s, f64::max);
            let ended_ms = meeting.started_ms + ((end - meeting.stream_start_s) * 1000.0) as u64;
            match self
                .store
                .end_meeting(&meeting.id, ended_ms, end, EndedBy::Recovery.as_str())
            {
                Ok(()) => tracing::warn!(
                    meeting = %meeting.id,
                    "A meeting left open by an unclean stop was closed at its last speech"
                ),
                Err(error) => self.failed(&error),
            }
        }
        match self.store.unsummarised_meetings() {
            Ok(meetings) => {
                for meeting in meetings {
                    self.write(
                        Write::Summary {
                            meeting,
                            is_final: true,
                        },
                        (false, false),
                    )
                    .await;
                }
            }
            Err(error) => self.failed(&error),
        }
    }

    async fn on_transcript(&mut self, transcript: Transcript, sync: &watch::Receiver<SyncConfig>) {
        self.stream_now = self.stream_now.max(transcript.end);
        if let Some(decision) = self.rules.speech(transcript.start, transcript.end) {
            self.apply(decision).await;
        }
        // What was said is personal data: the journal's retention and access are not the
        // store's, so the text is logged only at debug, when someone asked for it.
        tracing::info!(
            seq = transcript.sequence,
            start = transcript.start,
            end = transcript.end,
            words = transcript.text.split_whitespace().count(),
            "Transcript"
        );
        tracing::debug!(seq = transcript.sequence, text = %transcript.text, "Transcript text");
        let meeting = self.meeting.as_ref().map(|m| m.id.clone());
        let flags = self.forward_flags(sync);
        self.write(Write::Segment { meeting, transcript }, flags).await;
    }

    async fn on_event(&mut self, event: AudioEvent, sync: &watch::Receiver<SyncConfig>) {
        tracing::info!(kind = InsightMessage::kind_of(&event), "Room event");
        let meeting = self.meeting.as_ref().map(|m| m.id.clone());
        let flags = self.forward_flags(sync);
        self.write(Write::Insight { meeting, event }, flags).await;
    }

    /// Carries out a meeting decision: stores it, tells the room, summarises an ended meeting.
    async fn apply(&mut self, decision: Decision) -> Option<MeetingRecord> {
        match decision {
            Decision::Start { at, by } => {
                let meeting = MeetingRecord {
                    id: uuid::Uuid::now_v7().to_string(),
                    started_ms: wire::unix_millis(),
                    ended_ms: None,
                    stream_start_s: at,
                    stream_end_s: None,
                    started_by: by.as_str().into(),
                    ended_by: None,
                };
                tracing::info!(meeting = %meeting.id, started_by = by.as_str(), "Meeting started");
                self.write(Write::MeetingStarted(meeting.clone()), (false, false)).await;
                self.meeting = Some(meeting.clone());
                self.health().meeting = Some(meeting.id.clone());
                Some(meeting)
            }
            Decision::End { at, by } => {
                let mut meeting = self.meeting.take()?;
                let ended_ms = meeting.started_ms + ((at - meeting.stream_start_s).max(0.0) * 1000.0) as u64;
                meeting.ended_ms = Some(ended_ms.min(wire::unix_millis()).max(meeting.started_ms));
                meeting.stream_end_s = Some(at);
                meeting.ended_by = Some(by.as_str().into());
                tracing::info!(meeting = %meeting.id, ended_by = by.as_str(), "Meeting ended");
                self.health().meeting = None;
                // Closed first, then summarised: after a cut in between, the next start finds
                // a closed meeting without its summary and writes it (once).
                self.write(Write::MeetingEnded(meeting.clone()), (false, false)).await;
                self.write(
                    Write::Summary {
                        meeting: meeting.clone(),
                        is_final: true,
                    },
                    (false, false),
                )
                .await;
                Some(meeting)
            }
        }
    }

    /// Commits `write` and publishes it. While the disk is full it waits behind the writes
    /// already held (order is kept: a meeting's row before its segments) and is published now.
    async fn write(&mut self, write: Write, (segments, insights): (bool, bool)) {
        let forward = match &write {
            Write::Segment { .. } => segments,
            Write::Insight { .. } => insights,
            Write::Summary { .. } => true,
            Write::MeetingStarted(_) | Write::MeetingEnded(_) => false,
        };
        self.retry_held();
        let committed = if self.held.is_empty() {
            self.commit(&write, forward)
                .inspect_err(|error| self.failed(error))
                .ok()
        } else {
            None
        };
        let published = match committed {
            Some(published) => {
                self.health().state = "ok".into();
                published
            }
            None => {
                let live = self.encode_unstored(&write);
                if self.held.len() == HELD_MAX {
                    self.held.pop_front();
                    self.health().lost += 1;
                }
                self.held.push_back((write, forward));
                self.health().held_in_memory = self.held.len() as u64;
                live
            }
        };
        let _ = self.out.send(published).await;
    }

    fn commit(&mut self, write: &Write, forward: bool) -> Result<Published, StoreError> {
        let device = self.device.clone();
        let (topic, payload) = match write {
            Write::MeetingStarted(meeting) => {
                self.store.begin_meeting(meeting)?;
                (
                    RecordTopic::Meeting,
                    wire::to_cbor(&MeetingMessage::new(&device, meeting)),
                )
            }
            Write::MeetingEnded(meeting) => {
                let (ended_ms, end) = (
                    meeting.ended_ms.unwrap_or(meeting.started_ms),
                    meeting.stream_end_s.unwrap_or(meeting.stream_start_s),
                );
                self.store.end_meeting(
                    &meeting.id,
                    ended_ms,
                    end,
                    meeting.ended_by.as_deref().unwrap_or("command"),
                )?;
                (
                    RecordTopic::Meeting,
                    wire::to_cbor(&MeetingMessage::new(&device, meeting)),
                )
            }
            Write::Segment { meeting, transcript } => {
                let segment = SegmentRecord {
                    start_s: transcript.start,
                    end_s: transcript.end,
                    text: transcript.text.clone(),
                    confidence: transcript.confidence,
                    language: transcript.language.clone(),
                };
                let payload = self.store.add_segment(meeting.as_deref(), &segment, forward, |key| {
                    wire::to_cbor(&TranscriptMessage::new(&device, transcript, key))
                })?;
                (RecordTopic::Transcript, payload)
            }
            Write::Insight { meeting, event } => {
                let payload =
                    self.store
                        .add_insight(meeting.as_deref(), InsightMessage::kind_of(event), forward, |key| {
                            wire::to_cbor(&InsightMessage::new(&device, event, key))
                        })?;
                (RecordTopic::Insight, payload)
            }
            Write::Summary { meeting, is_final } => {
                let segments = self.store.segments(&meeting.id)?;
                let stats = summary::stats(meeting, &segments, self.stream_now);
                let text = summary::transcript(meeting, &segments);
                let payload = self.store.add_summary(&meeting.id, *is_final, |key| {
                    wire::to_cbor(&SummaryMessage::new(&device, meeting, &stats, text, *is_final, key))
                })?;
                tracing::info!(meeting = %meeting.id, segments = stats.segments, words = stats.words, "Summary stored");
                (RecordTopic::Summary, payload)
            }
        };
        if forward {
            self.outbox_written
                .send_modify(|written| *written = written.wrapping_add(1));
        }
        Ok(Published::Record { topic, payload })
    }

    /// The live message for a record the disk could not take: no key yet (it gets one, and goes
    /// upstream, once it is written).
    fn encode_unstored(&self, write: &Write) -> Published {
        let unstored = |meeting: &Option<String>| RecordKey {
            meeting: meeting.clone(),
            seq: 0,
            key: String::new(),
        };
        let (topic, payload) = match write {
            Write::MeetingStarted(meeting) | Write::MeetingEnded(meeting) => (
                RecordTopic::Meeting,
                wire::to_cbor(&MeetingMessage::new(&self.device, meeting)),
            ),
            Write::Segment { meeting, transcript } => (
                RecordTopic::Transcript,
                wire::to_cbor(&TranscriptMessage::new(&self.device, transcript, &unstored(meeting))),
            ),
            Write::Insight { meeting, event } => (
                RecordTopic::Insight,
                wire::to_cbor(&InsightMessage::new(&self.device, event, &unstored(meeting))),
            ),
            Write::Summary { meeting, is_final } => {
                let stats = summary::stats(meeting, &[], self.stream_now);
                (
                    RecordTopic::Summary,
                    wire::to_cbor(&SummaryMessage::new(
                        &self.device,
                        meeting,
                        &stats,
                        String::new(),
                        *is_final,
                        &unstored(&Some(meeting.id.clone())),
                    )),
                )
            }
        };
        Published::Record { topic, payload }
    }

    /// Keeps the store within its budget and retries held records.
    fn housekeeping(&mut self) {
        match self.store.enforce_budget(self.budget.0, self.budget.1) {
            Ok(report) => {
                let mut health = self.health();
                health.used_bytes = report.used_bytes;
                health.pruned_rows += report.pruned_rows;
                health.summaries_pruned += report.summaries_pruned;
                health.over_hard_cap = report.over_hard_cap;
                drop(health);
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
        while let Some((write, forward)) = self.held.pop_front() {
            match self.commit(&write, forward) {
                Ok(_) => {
                    let mut health = self.health();
                    health.state = "ok".into();
                    health.held_in_memory = self.held.len() as u64;
                }
                Err(error) => {
                    self.held.push_front((write, forward));
                    self.failed(&error);
                    break;
                }
            }
        }
    }

    async fn on_request(&mut self, request: StoreRequest) {
        match request {
            StoreRequest::StartMeeting(reply) => {
                let answer = match self.rules.start_command(self.stream_now) {
                    Some(decision) => match self.apply(decision).await {
                        Some(meeting) => Ok(serde_json::json!({ "meeting": meeting.id })),
                        None => Err("the meeting could not be started".to_owned()),
                    },
                    None => Err(format!(
                        "meeting {} is already going on; stop it first",
                        self.meeting.as_ref().map_or("?", |m| m.id.as_str())
                    )),
                };
                let _ = reply.send(answer);
            }
            StoreRequest::StopMeeting(reply) => {
                let answer = match self.rules.stop(self.stream_now, EndedBy::Command) {
                    Some(decision) => match self.apply(decision).await {
                        Some(meeting) => Ok(serde_json::json!({ "meeting": meeting.id })),
                        None => Err("no meeting is going on".to_owned()),
                    },
                    None => Err("no meeting is going on".to_owned()),
                };
                let _ = reply.send(answer);
            }
            StoreRequest::SummaryNow(reply) => {
                let answer = match self.meeting.clone() {
                    Some(meeting) => {
                        self.write(
                            Write::Summary {
                                meeting: meeting.clone(),
                                is_final: false,
                            },
                            (false, false),
                        )
                        .await;
                        Ok(serde_json::json!({ "meeting": meeting.id, "is_final": false }))
                    }
                    None => Err("no meeting is going on; `export` writes out a past one".to_owned()),
                };
                let _ = reply.send(answer);
            }
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

    fn export(&self, meeting: Option<&str>, format: ExportFormat) -> Result<serde_json::Value, StoreError> {
        let (record, document) = self.store.export(meeting, format)?;
        Ok(serde_json::json!({
            "meeting": record.id,
            "format": format.name(),
            "document": document,
        }))
    }

    fn failed(&self, error: &StoreError) {
        let mut health = self.health();
        let state = if error.is_full() { "full" } else { "failing" };
        if health.state != state {
            tracing::error!(%error, "The meeting store cannot write");
        }
        health.state = state.into();
        health.last_error = Some(error.to_string());
    }

    fn health(&self) -> std::sync::MutexGuard<'_, StoreHealth> {
        self.health.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transcript(sequence: u64, text: &str) -> Transcript {
        Transcript {
            sequence,
            start: sequence as f64 * 5.0,
            end: sequence as f64 * 5.0 + 3.0,
            text: text.into(),
            confidence: 0.9,
            language: "en".into(),
        }
    }

    fn meeting(id: &str, ended: bool) -> MeetingRecord {
        MeetingRecord {
            id: id.into(),
            started_ms: 1_000,
            ended_ms: ended.then_some(9_000),
            stream_start_s: 0.0,
            stream_end_s: ended.then_some(8.0),
            started_by: "speech".into(),
            ended_by: ended.then(|| "quiet".into()),
        }
    }

    #[tokio::test]
    async fn the_next_start_closes_open_meetings_and_writes_each_missing_summary_once() {
        let dir = std::env::temp_dir().join(format!("roomscribe-stage-recover-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("store.db");
        {
            let mut store = Store::open(&path, "room-1").unwrap();
            for (id, ended) in [("open", false), ("closed-unsummarised", true), ("done", true)] {
                store.begin_meeting(&meeting(id, false)).unwrap();
                if ended {
                    store.end_meeting(id, 9_000, 8.0, "quiet").unwrap();
                }
            }
            let segment = SegmentRecord {
                start_s: 1.0,
                end_s: 4.5,
                text: "Good morning.".into(),
                confidence: 0.9,
                language: "en".into(),
            };
            store
                .add_segment(Some("open"), &segment, false, |_| b"segment".to_vec())
                .unwrap();
            store.add_summary("done", true, |_| b"summary".to_vec()).unwrap();
        }
        let start = |path: &std::path::Path| {
            let (out, published) = mpsc::channel(16);
            let stage = StoreStage::new(
                Store::open(path, "room-1").unwrap(),
                "room-1",
                &StoreConfig::default(),
                &MeetingConfig::default(),
                Arc::new(Mutex::new(StoreHealth::default())),
                out,
            );
            (stage, published)
        };
        let (mut stage, mut published) = start(&path);
        stage.recover().await;
        let mut summaries = Vec::new();
        while let Ok(Published::Record { topic, payload }) = published.try_recv() {
            assert_eq!(topic, RecordTopic::Summary);
            summaries.push(ciborium::from_reader::<SummaryMessage, _>(payload.as_slice()).unwrap());
        }
        let mut ids: Vec<&str> = summaries.iter().map(|s| s.meeting.as_str()).collect();
        ids.sort_unstable();
        assert_eq!(ids, ["closed-unsummarised", "open"]);
        let open = summaries.iter().find(|s| s.meeting == "open").unwrap();
        assert_eq!(
            (open.ended_by.as_deref(), open.segments, open.duration_s),
            (Some("recovery"), 1, 4.5)
        );

        // A second start finds nothing left to do.
        drop(stage);
        let (mut stage, mut published) = start(&path);
        stage.recover().await;
        assert!(published.try_recv().is_err(), "each summary is written once");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn a_full_disk_keeps_records_in_memory_publishes_them_live_and_writes_them_later() {
        let dir = std::env::temp_dir().join(format!("roomscribe-stage-full-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = Store::open(&dir.join("store.db"), "room-1").unwrap();
        let health = Arc::new(Mutex::new(StoreHealth::default()));
        let (out, mut published) = mpsc::channel(16);
        let mut stage = StoreStage::new(
            store,
            "room-1",
            &StoreConfig::default(),
            &MeetingConfig::default(),
            health.clone(),
            out,
        );
        let pages: i64 = stage
            .store
            .conn
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .unwrap();
        stage.store.conn.pragma_update(None, "max_page_count", pages).unwrap();

        let long = "budget ".repeat(2000);
        stage
            .on_transcript(transcript(1, &long), &watch::channel(SyncConfig::default()).1)
            .await;
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
        {
            let h = health.lock().unwrap();
            assert_eq!((h.state.as_str(), h.held_in_memory), ("full", 1), "{h:?}");
            assert!(h.last_error.as_deref().unwrap().contains("full"));
        }
        stage.housekeeping();
        assert_eq!(health.lock().unwrap().held_in_memory, 1, "still full: still held");

        stage
            .store
            .conn
            .pragma_update(None, "max_page_count", 1_000_000)
            .unwrap();
        stage.housekeeping();
        let h = health.lock().unwrap().clone();
        assert_eq!((h.state.as_str(), h.held_in_memory), ("ok", 0), "{h:?}");
        let meeting = stage.meeting.clone().unwrap();
        let stored = stage.store.segments(&meeting.id).unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].text, long);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
