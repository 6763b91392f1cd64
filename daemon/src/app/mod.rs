//! The wiring, and only the wiring: builds every stage from the `Config`, creates the channels
//! between them (capacity and full-policy named here), starts each stage with its context,
//! tells systemd when it is ready, and shuts down in the direction the data flows.
//!
//! ```text
//! audio ─▶ vad ─▶ asr ─▶ speakers ─▶ meeting ─▶ store ─▶ bus      store ─(outbox)─▶ sync
//!           └───── room reports ─────▶ ┘     control ─▶ speakers, meeting, store
//!                                             supervisor: health, watchdog
//! ```
//!
//! Channels: all bounded, each constant below says its capacity and what happens when it is
//! full. Beside them: store → sync through the outbox table in SQLite (durable, with a watch
//! that says "written"); control → speakers, the enrolled voices on a watch (the latest set
//! wins); control → stages, the running configuration (`config::live`), each stage waking only
//! when its own section changed.
//!
//! Shutdown: one signal (`stage::Shutdown`) stops the source stages (audio, control, the
//! supervisor, sync); every other stage drains its input and ends when it closes (the meeting
//! stage ends the meeting going on and summarises it). The drain is bounded by
//! `shutdown.drain_timeout_s`; stages still running then are named in the log.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::asr;
use crate::audio::{self, CaptureStats};
use crate::bus::{self, Publisher};
use crate::control::signing::Authority;
use crate::control::task::{ControlCounters, ControlPlane};
use crate::health::systemd;
use crate::meeting;
use crate::stage::{as_stage, Shared, Shutdown, Stages};
use crate::store::stage::StoreCounters;
use crate::supervisor::{self, HealthPublishing, HealthSources, QueueProbe, Queues};
use crate::{control, speakers, store, sync, vad};
use startup::Built;

mod outcome;
mod startup;

use outcome::{spawn, spawn_on_own_runtime, StageThreads};
pub use outcome::{AppError, RunSummary};

/// audio → vad: 6.4 s in chunks of 100 ms. The capture thread never waits: the ring in front of
/// the audio stage absorbs the lag; past three quarters full the oldest audio is dropped
/// (counted, and reported by health).
const AUDIO_CHUNKS: usize = 64;
/// vad → asr: speech events waiting for the model; a final segment blocks VAD when ASR lags, a
/// partial or pause is dropped when the channel is full (the final carries its audio).
const SPEECH_EVENTS: usize = 16;
/// asr → speakers: finals with their audio (a full channel holds a few minutes of speech, ~30 MB
/// at worst); ASR blocks when the speakers stage lags, a partial is dropped instead.
const TRANSCRIPTS: usize = 64;
/// speakers → meeting: attributed transcripts; the speakers stage blocks when the meeting lags.
const ATTRIBUTED: usize = 256;
/// vad → meeting: room metrics (the meeting clock) and silence/noise events; a report that does
/// not fit is dropped, never waited for.
const AUDIO_REPORTS: usize = 64;
/// meeting → store: records to commit; the meeting stage blocks when the store lags (partials
/// are dropped instead).
const RECORDS: usize = 256;
/// store → bus: records already committed; the store blocks when the bus lags.
const PUBLISHED: usize = 256;
/// control → meeting and control → store: operators' requests, each answered on its own
/// one-shot channel.
const MEETING_REQUESTS: usize = 16;
const STORE_REQUESTS: usize = 16;

/// Runs the daemon until SIGTERM or SIGINT. `file` is the configuration file's table, already
/// checked; remote overrides kept in its `state_dir` are laid over it.
pub fn run(file: toml::Table) -> Result<RunSummary, AppError> {
    let built = Built::load(file)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("roomscribe-io")
        .enable_all()
        .build()
        .map_err(|source| AppError::Thread { stage: "tokio", source })?;
    runtime.block_on(run_pipeline(built))
}

async fn run_pipeline(built: Built) -> Result<RunSummary, AppError> {
    let Built {
        config, remote, live, ..
    } = built;
    let mut stages = Stages::new(Shutdown::default());
    use tokio::signal::unix::{signal, SignalKind};
    let daemon_login = bus::start_broker(&config.bus, &config.device_id)?;
    let mut publisher = Publisher::connect(&daemon_login, &config.device_id, &config.bus).await?;
    let mut sigterm = signal(SignalKind::terminate()).map_err(AppError::Signals)?;
    let mut sigint = signal(SignalKind::interrupt()).map_err(AppError::Signals)?;

    let (chunk_tx, chunk_rx) = mpsc::channel(AUDIO_CHUNKS);
    let (segment_tx, segment_rx) = mpsc::channel(SPEECH_EVENTS);
    let (transcript_tx, transcript_rx) = mpsc::channel(TRANSCRIPTS);
    let (attributed_tx, attributed_rx) = mpsc::channel(ATTRIBUTED);
    let (enrolled_tx, enrolled_rx) = tokio::sync::watch::channel(built.voiceprints);
    let (report_tx, report_rx) = mpsc::channel(AUDIO_REPORTS);
    let (record_tx, record_rx) = mpsc::channel(RECORDS);
    let (published_tx, published_rx) = mpsc::channel(PUBLISHED);
    let (meeting_request_tx, meeting_request_rx) = mpsc::channel(MEETING_REQUESTS);
    let (store_request_tx, store_request_rx) = mpsc::channel(STORE_REQUESTS);
    let queues = Queues {
        audio: QueueProbe::of(&chunk_tx),
        speech: QueueProbe::of(&segment_tx),
        transcripts: QueueProbe::of(&transcript_tx),
        attributed: QueueProbe::of(&attributed_tx),
        records: QueueProbe::of(&record_tx),
        published: QueueProbe::of(&published_tx),
    };

    let audio_ctx = stages.context("audio", Arc::new(CaptureStats::new(config.capture.source_name())));
    let capture = audio_ctx.counters.clone();
    let pacing = config.capture.pacing;
    let audio_stage = spawn("audio", move || {
        audio::run_stage(audio_ctx, built.source, pacing, chunk_tx)
    })?;

    let vad_ctx = stages.context("vad", Arc::new(vad::VadCounters::default()));
    let vad_counters = vad_ctx.counters.clone();
    let (vad_config, detector_name) = (live.section(|c| &c.vad), built.detector.name());
    // The supervisor's thermal insight joins the room events, through a weak handle: it never
    // keeps the channel open once VAD has closed it.
    let board_events = report_tx.downgrade();
    let vad_stage = spawn("vad", move || {
        vad::run_stage(vad_ctx, vad_config, built.detector, chunk_rx, segment_tx, report_tx)
    })?;

    let asr_ctx = stages.context("asr", Arc::new(built.transcriber.counters()));
    let asr_counters = asr_ctx.counters.clone();
    let asr_config = live.section(|c| &c.asr);
    let asr_stage = spawn("asr", move || {
        asr::live::run_stage(asr_ctx, built.transcriber, asr_config, segment_rx, transcript_tx)
    })?;

    let speakers_ctx = stages.context("speakers", Arc::new(Shared::new(built.speakers_health)));
    let speakers_counters = speakers_ctx.counters.clone();
    let speakers_config = live.section(|c| &c.speakers);
    let speakers_stage = spawn("speakers", move || {
        speakers::run_stage(
            speakers_ctx,
            built.attributor,
            speakers_config,
            transcript_rx,
            enrolled_rx,
            attributed_tx,
        )
    })?;

    let meeting_ctx = stages.context("meeting", Arc::new(meeting::MeetingCounters::default()));
    let (meeting_name, meeting_counters) = (meeting_ctx.name, meeting_ctx.counters.clone());
    let meeting_inputs = meeting::Inputs {
        transcripts: attributed_rx,
        reports: report_rx,
        requests: meeting_request_rx,
        config: live.section(|c| &c.meeting),
        speakers: live.section(|c| &c.speakers),
        meaning: live.section(|c| &c.meaning),
    };
    let meeting_task = tokio::spawn(as_stage(
        meeting_name,
        meeting::run_stage(
            meeting_ctx,
            &config.meeting,
            built.unsummarised,
            meeting_inputs,
            record_tx,
        ),
    ));

    let store_ctx = stages.context("store", Arc::new(StoreCounters::default()));
    let store_counters = store_ctx.counters.clone();
    let store_path = built.store.path().to_owned();
    let (outbox_written_tx, outbox_written) = tokio::sync::watch::channel(0);
    let store_inputs = store::stage::Inputs {
        records: record_rx,
        requests: store_request_rx,
        sync_config: live.section(|c| &c.sync),
    };
    let store_outputs = store::stage::Outputs {
        published: published_tx,
        outbox_written: outbox_written_tx,
    };
    let (device_id, store_config, store) = (config.device_id.clone(), config.store.clone(), built.store);
    let store_thread = spawn_on_own_runtime("store", move || async move {
        store::stage::run_stage(store_ctx, store, &device_id, &store_config, store_inputs, store_outputs).await
    })
    .await?;

    // Never joined: the sync stops at shutdown or ends with the process (what it had in flight
    // is sent again at the next start).
    let sync_ctx = stages.context("sync", Arc::new(sync::SyncCounters::default()));
    let sync_counters = sync_ctx.counters.clone();
    let (sync_config, device_id) = (live.section(|c| &c.sync), config.device_id.clone());
    spawn_on_own_runtime("sync", move || {
        sync::run_stage(sync_ctx, store_path, device_id, sync_config, outbox_written)
    })
    .await?;

    let health = HealthPublishing {
        outbox: publisher.outbox(),
        device_id: config.device_id.clone(),
        interval_s: live.section(|c| &c.bus.health_interval_s),
        board: live.section(|c| &c.board),
        events: board_events,
    };
    let plane = ControlPlane {
        remote,
        live,
        authority: Authority::new(&config.bus.users),
        outbox: publisher.outbox(),
        device_id: config.device_id.clone(),
        meeting: meeting_request_tx,
        store: store_request_tx,
        enrolled: enrolled_tx,
    };
    let inbox = publisher.take_operator_inbox().expect("the publisher was just made");
    let control_ctx = stages.context("control", Arc::new(ControlCounters::default()));
    let control_counters = control_ctx.counters.clone();
    let control_task = tokio::spawn(as_stage(
        control_ctx.name,
        control::task::run_stage(control_ctx, plane, inbox),
    ));

    let bus_ctx = stages.context("bus", publisher.stats());
    let sources = HealthSources {
        capture: capture.clone(),
        vad: vad_counters,
        speakers: speakers_counters,
        asr: asr_counters.clone(),
        meeting: meeting_counters,
        store: store_counters,
        sync: sync_counters,
        bus: bus_ctx.counters.clone(),
        control: control_counters,
        queues,
        stages: stages.clone(),
        stuck_after: Duration::from_secs(u64::from(config.watchdog.stuck_after_s)),
        state_dir: config.state_dir.clone(),
        board_root: crate::health::board::root(),
    };
    let (health_task, watchdog_task) = supervisor::start(&mut stages, health, sources);
    let mut bus_stage = tokio::spawn(as_stage(bus_ctx.name, publisher.run_stage(bus_ctx, published_rx)));

    let broker = &config.bus.listen;
    systemd::ready(&format!("Listening on {broker}; transcribing"));
    tracing::info!(%broker, device = %config.device_id, vad = detector_name, "roomscribe is ready");

    let threads = StageThreads {
        audio: audio_stage,
        vad: vad_stage,
        asr: asr_stage,
        speakers: speakers_stage,
        meeting: meeting_task,
        store: store_thread,
    };
    let finished_early = tokio::select! {
        _ = sigterm.recv() => { tracing::info!("SIGTERM received; draining the pipeline"); None }
        _ = sigint.recv() => { tracing::info!("SIGINT received; draining the pipeline"); None }
        published = &mut bus_stage => {
            tracing::info!("The audio source ended and everything it held was published; stopping");
            Some(published)
        }
    };
    systemd::stopping("Draining the pipeline");
    stages.shutdown().request();
    let _ = tokio::join!(health_task, watchdog_task, control_task);

    let deadline = Duration::from_secs(u64::from(config.shutdown.drain_timeout_s));
    let published = match finished_early {
        Some(result) => Some(result),
        None => tokio::time::timeout(deadline, &mut bus_stage).await.ok(),
    };
    let drained = published.is_some();
    if !drained {
        supervisor::log_stragglers(deadline, &threads.running());
    }
    let audio_failure = threads.audio_failure();
    supervisor::log_totals(&capture, &asr_counters);
    Ok(RunSummary {
        transcripts_published: published.and_then(Result::ok).unwrap_or(0),
        drained,
        audio_failure,
    })
}
