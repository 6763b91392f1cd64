//! The supervisor watches the stages from outside: it assembles the health snapshot from every
//! stage's counters (one way for all: `Counters::snapshot`) and the queues between them,
//! publishes it (retained) on an interval and at once when capture changes state, and feeds
//! systemd's watchdog only while no stage is stuck inside one piece of work.
//!
//! It reads; it never changes a stage, and it never waits on one (a stuck stage must not stop
//! health from saying so).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::asr::AsrCounters;
use crate::audio::CaptureStats;
use crate::bus::{ConnectionStats, Outbox, QoS};
use crate::config::live::Section;
use crate::config::BoardConfig;
use crate::control::task::ControlCounters;
use crate::health::board::ThrottleWatch;
use crate::health::{self, systemd, BusHealth, HealthSnapshot, QueueDepths, StoreHealth};
use crate::meeting::MeetingCounters;
use crate::pipeline::{AudioEvent, AudioReport};
use crate::speakers::SpeakersCounters;
use crate::stage::{as_stage, Counters, StageContext, Stages};
use crate::store::stage::StoreCounters;
use crate::sync::SyncCounters;
use crate::vad::VadCounters;
use crate::wire::HealthMessage;

/// How often stuck stages are looked for when systemd has no watchdog set.
const CHECK_WITHOUT_WATCHDOG: Duration = Duration::from_secs(5);

/// Items waiting in one channel: read through a weak handle, which never keeps it open.
pub struct QueueProbe(Box<dyn Fn() -> usize + Send + Sync>);

impl QueueProbe {
    pub fn of<T: Send + 'static>(sender: &mpsc::Sender<T>) -> Self {
        let weak = sender.downgrade();
        Self(Box::new(move || {
            weak.upgrade()
                .map_or(0, |sender| sender.max_capacity() - sender.capacity())
        }))
    }

    fn depth(&self) -> usize {
        (self.0)()
    }
}

/// The queues between stages, in the order data flows.
pub struct Queues {
    pub audio: QueueProbe,
    pub speech: QueueProbe,
    pub transcripts: QueueProbe,
    pub attributed: QueueProbe,
    pub records: QueueProbe,
    pub published: QueueProbe,
}

/// Everything health is assembled from.
pub struct HealthSources {
    pub capture: Arc<CaptureStats>,
    pub vad: Arc<VadCounters>,
    pub speakers: Arc<SpeakersCounters>,
    pub asr: Arc<AsrCounters>,
    pub meeting: Arc<MeetingCounters>,
    pub store: Arc<StoreCounters>,
    pub sync: Arc<SyncCounters>,
    pub bus: Arc<ConnectionStats>,
    pub control: Arc<ControlCounters>,
    pub queues: Queues,
    pub stages: Stages,
    /// How long one piece of work may last before its stage counts as stuck.
    pub stuck_after: Duration,
    pub state_dir: PathBuf,
    /// Where the board is read (`/`; a fake tree in test builds).
    pub board_root: PathBuf,
}

impl HealthSources {
    pub fn snapshot(&self) -> HealthSnapshot {
        let q = &self.queues;
        let (meeting, control) = (self.meeting.snapshot(), self.control.snapshot());
        // The v1 fields, kept: copies of what v2 reports in the sections that own them.
        let store = StoreHealth {
            meeting: meeting.current.clone(),
            ..self.store.snapshot()
        };
        let bus = BusHealth {
            refused: control.refused,
            ..self.bus.snapshot()
        };
        HealthSnapshot {
            capture: self.capture.snapshot(),
            audio: self.vad.snapshot(),
            process: health::process_usage(),
            queues: QueueDepths {
                audio: q.audio.depth(),
                speech: q.speech.depth(),
                transcripts: q.transcripts.depth(),
                attributed: q.attributed.depth(),
                published: q.published.depth(),
                records: q.records.depth(),
            },
            asr: self.asr.snapshot(),
            speakers: self.speakers.snapshot(),
            meeting,
            disk: health::disk_free(&self.state_dir),
            store,
            sync: self.sync.snapshot(),
            bus,
            control,
            stages: self.stages.report(self.stuck_after),
            board: Some(health::board::read(&self.board_root)).filter(|b| !b.is_empty()),
        }
    }
}

/// Starts the health publisher and the watchdog, each with its own stage context.
pub fn start(
    stages: &mut Stages,
    publishing: HealthPublishing,
    sources: HealthSources,
) -> (JoinHandle<()>, JoinHandle<()>) {
    let sources = Arc::new(sources);
    let health_ctx = stages.context("health", Arc::new(()));
    let health = tokio::spawn(as_stage(
        health_ctx.name,
        publish_health(health_ctx, publishing, sources.clone()),
    ));
    let watchdog_ctx = stages.context("watchdog", Arc::new(()));
    let watchdog = tokio::spawn(as_stage(watchdog_ctx.name, watchdog(watchdog_ctx, sources)));
    (health, watchdog)
}

/// Where and how often health is published, and where a thermal event goes.
pub struct HealthPublishing {
    pub outbox: Outbox,
    pub device_id: String,
    /// `bus.health_interval_s`, live.
    pub interval_s: Section<u32>,
    pub board: Section<BoardConfig>,
    /// The meeting stage's room reports, held weakly: never keeps that channel open.
    pub events: mpsc::WeakSender<AudioReport>,
}

/// Publishes a retained health snapshot every `interval_s` (a new interval applies at once),
/// and at once whenever the capture state changes, until shutdown is requested; hands a
/// `thermal_throttle` event to the meeting stage when the board's hottest zone reaches
/// `board.thermal_limit_c` (never waiting: a full queue drops it, and says so).
async fn publish_health(ctx: StageContext<()>, publishing: HealthPublishing, sources: Arc<HealthSources>) {
    let HealthPublishing {
        outbox,
        device_id,
        mut interval_s,
        board,
        events,
    } = publishing;
    let started = Instant::now();
    let topic = outbox.topics().health();
    let mut throttle = ThrottleWatch::default();
    loop {
        let capture_changed = sources.capture.state_changed.notified();
        let snapshot = sources.snapshot();
        let hottest = snapshot.board.as_ref().and_then(|b| b.hottest.as_ref());
        if let Some(zone) = throttle.observe(hottest, board.current().thermal_limit_c) {
            let at = snapshot.audio.as_ref().map_or(0.0, |a| a.start + a.seconds);
            tracing::warn!(zone = %zone.zone, celsius = zone.celsius, "The board is hot: its clocks may be throttled");
            let event = AudioEvent::ThermalThrottle {
                at,
                zone: zone.zone.clone(),
                celsius: zone.celsius,
            };
            let sent = events.upgrade().map(|e| e.try_send(AudioReport::Event(event)));
            if !matches!(sent, Some(Ok(()))) {
                tracing::warn!("The thermal_throttle insight was dropped: the meeting stage is behind");
            }
        }
        let message = HealthMessage::new(&device_id, started.elapsed(), snapshot);
        if let Err(error) = outbox.publish(&topic, QoS::AtLeastOnce, true, &message).await {
            tracing::warn!(%error, "Could not queue a health snapshot");
        }
        let interval = Duration::from_secs(u64::from(*interval_s.current()));
        tokio::select! {
            _ = ctx.shutdown.requested() => return,
            _ = capture_changed => {}
            // `Err` once the control task has stopped (at shutdown): that branch then sleeps
            // instead of waking the loop over and over.
            Ok(_) = interval_s.changed() => {}
            _ = tokio::time::sleep(interval) => {}
        }
    }
}

/// Feeds systemd's watchdog (WATCHDOG=1 at half its `WatchdogSec=`) while no stage is stuck;
/// when one is, says which (journal, `systemctl status`, health) and stops feeding it, so
/// systemd restarts the daemon. Without a watchdog it still looks, and says so.
async fn watchdog(ctx: StageContext<()>, sources: Arc<HealthSources>) {
    let interval = systemd::watchdog_interval();
    let mut reported: Vec<&'static str> = Vec::new();
    loop {
        let stuck = sources.stages.stuck(sources.stuck_after);
        let names: Vec<&'static str> = stuck.iter().map(|s| s.stage).collect();
        if stuck.is_empty() {
            if !reported.is_empty() {
                tracing::warn!(stages = ?reported, "The stuck stages finished their work; feeding the watchdog again");
                systemd::status("Transcribing");
            }
            if interval.is_some() {
                systemd::watchdog_alive();
            }
        } else if names != reported {
            for s in &stuck {
                tracing::error!(
                    stage = s.stage,
                    busy_s = s.busy_for.as_secs(),
                    budget_s = sources.stuck_after.as_secs(),
                    "A stage is stuck inside one piece of work; no more watchdog pings, systemd will restart the daemon"
                );
            }
            systemd::status(&format!("Stuck: {}", names.join(", ")));
        }
        reported = names;
        tokio::select! {
            _ = ctx.shutdown.requested() => return,
            _ = tokio::time::sleep(interval.unwrap_or(CHECK_WITHOUT_WATCHDOG)) => {}
        }
    }
}

/// The drain ran out of time: names the stages still `running`.
pub fn log_stragglers(deadline: Duration, running: &[&'static str]) {
    tracing::error!(seconds = deadline.as_secs(), stages = ?running, "The pipeline did not drain in time; exiting without the rest");
}

/// The run's totals, for the journal.
pub fn log_totals(capture: &CaptureStats, asr: &AsrCounters) {
    use std::sync::atomic::Ordering::Relaxed;
    tracing::info!(
        captured_frames = capture.captured_frames.load(Relaxed),
        dropped_frames = capture.dropped_frames.load(Relaxed),
        overruns = capture.overruns.load(Relaxed),
        suspends = capture.suspends.load(Relaxed),
        reopen_attempts = capture.reopen_attempts.load(Relaxed),
        "Capture stopped"
    );
    let firewall = &asr.firewall;
    tracing::info!(
        no_speech_windows = firewall.no_speech.load(Relaxed),
        repetitions_collapsed = firewall.repetition_collapsed.load(Relaxed),
        loops_rejected = firewall.compression_rejected.load(Relaxed),
        fillers_dropped = firewall.silence_fillers.load(Relaxed),
        hallucinations_suppressed = firewall.hallucinations_suppressed(),
        "Hallucination firewall"
    );
}
