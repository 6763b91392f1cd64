//! Builds the daemon from a `Config`: opens the source, loads the model, starts the broker,
//! creates every channel (capacity and full-policy named here), starts each stage on its own
//! thread, tells systemd when it is ready, and shuts down in the direction the data flows.
//!
//! Channels (all bounded):
//! - audio → vad: `AUDIO_CHUNKS` chunks of 100 ms. The capture thread never waits: the ring in
//!   front of the audio stage absorbs the lag, and when the ring is three quarters full the
//!   oldest audio is dropped (counted, and reported by health).
//! - vad → asr: `SPEECH_EVENTS`; a final segment blocks VAD when ASR lags (lag shows up as
//!   ring fill); a partial is dropped when the channel is full (the next one supersedes it), and
//!   ASR skips a partial whenever anything else is already waiting.
//! - asr → store: `TRANSCRIPTS`; ASR blocks when the store lags.
//! - vad → store: `AUDIO_REPORTS` (room metrics for health and the meeting clock, silence/noise
//!   events for insights); a report that does not fit is dropped, never waited for.
//! - store → bus: `PUBLISHED`, records already committed; the store blocks when the publisher
//!   lags (partials and metrics are dropped instead).
//! - control → store: `STORE_REQUESTS` (meeting commands, exports, configuration history),
//!   each answered on its own one-shot channel.
//! - store → sync: the outbox table in SQLite (durable; the sync polls it).
//! - bus → control (made in `bus`): the newest configuration document (a watch: a newer one
//!   supersedes one not yet checked) and up to 64 commands (one more is answered "busy").
//! - control → stages: one watch per section (`control::LiveSections`); a stage picks up a new
//!   section between two pieces of work.
//!
//! Shutdown: stop the source; each stage drains its input and exits when that input closes (the
//! store ends the meeting going on and summarises it); the whole drain is bounded by
//! `shutdown.drain_timeout_s`; stages still running then are named in the log. The broker and
//! the sync are the last things running and end with the process (what the sync had in flight
//! is sent again at the next start).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::asr::{self, AsrError, Transcriber};
use crate::audio::{self, AudioError, CaptureStats, Source};
use crate::bus::wire::{unix_millis, CommandReply, ConfigStateMessage, FieldError};
use crate::bus::OperatorInbox;
use crate::bus::{self, BusError, Publisher};
use crate::config::{validate_table, CaptureSource, Config, ConfigError, ConfigErrors};
use crate::control::commands::{self, Command};
use crate::control::signing::{self, Admitted, Authority};
use crate::control::{LiveReceivers, LiveSections, Outcome, RemoteConfig};
use crate::health::{self, systemd, AsrHealth, BusHealth, HealthSnapshot, QueueDepths};
use crate::store::stage::{Inputs, StoreRequest, StoreStage};
use crate::store::{Store, StoreError};
use crate::{sync, vad};

/// audio → vad: 6.4 s of audio.
const AUDIO_CHUNKS: usize = 64;
/// vad → asr: speech segments (and partial audio) waiting for the model.
const SPEECH_EVENTS: usize = 16;
/// asr → store: transcripts waiting to be stored.
const TRANSCRIPTS: usize = 256;
/// vad → store: room metrics and events; the VAD stage drops a report rather than wait.
const AUDIO_REPORTS: usize = 64;
/// store → bus: committed records waiting to be published.
const PUBLISHED: usize = 256;
/// control → store: operators' requests waiting for the store.
const STORE_REQUESTS: usize = 16;
/// How long a command waits for the store's answer.
const STORE_ANSWER: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Audio(#[from] AudioError),
    #[error(transparent)]
    Asr(#[from] AsrError),
    #[error(transparent)]
    Bus(#[from] BusError),
    #[error(transparent)]
    Vad(#[from] crate::vad::silero::SileroError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("could not start the {stage} thread: {source}")]
    Thread {
        stage: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("could not install the signal handlers: {0}")]
    Signals(#[source] std::io::Error),
    #[error("the configuration is not valid:\n{0}")]
    Config(ConfigErrors),
}

/// What a run did, for the last log lines and the exit code.
#[derive(Debug)]
pub struct RunSummary {
    pub transcripts_published: u64,
    pub drained: bool,
    /// Why the audio stage stopped by itself, if it failed (a WAV source simply ends).
    pub audio_failure: Option<AudioError>,
}

fn spawn<T: Send + 'static>(
    stage: &'static str,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<JoinHandle<T>, AppError> {
    std::thread::Builder::new()
        .name(stage.into())
        .spawn(f)
        .map_err(|source| AppError::Thread { stage, source })
}

/// Runs the daemon until SIGTERM or SIGINT. `file` is the configuration file's table, already
/// checked; remote overrides kept in its `state_dir` are laid over it.
pub fn run(file: toml::Table) -> Result<RunSummary, AppError> {
    let state_dir = validate_table(file.clone()).map_err(AppError::Config)?.state_dir;
    let (remote, config) = RemoteConfig::load(file, &state_dir).map_err(AppError::Config)?;
    let (live, receivers) = LiveSections::new(&config);
    let source = Source::open_live(receivers.capture.clone())?;
    let detector = vad::Detector::from_config(&config.vad)?;
    let transcriber = Transcriber::load(&config.asr)?;
    tracing::info!(model = %config.asr.model_dir.display(), details = %transcriber.describe(), "Whisper model loaded");
    let store_path = config.state_dir.join(&config.store.path);
    let store = Store::open(&store_path, &config.device_id)?;
    tracing::info!(path = %store_path.display(), "Meeting store open");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("roomscribe-io")
        .enable_all()
        .build()
        .map_err(|source| AppError::Thread { stage: "tokio", source })?;
    let control = Control {
        remote,
        live,
        receivers,
    };
    runtime.block_on(run_pipeline(config, control, source, detector, transcriber, store))
}

/// Remote configuration and the stages' live sections, handed to the pipeline.
struct Control {
    remote: RemoteConfig,
    live: LiveSections,
    receivers: LiveReceivers,
}

async fn run_pipeline(
    config: Config,
    control: Control,
    source: Source,
    detector: vad::Detector,
    transcriber: Transcriber,
    store: Store,
) -> Result<RunSummary, AppError> {
    let Control {
        remote,
        live,
        receivers,
    } = control;
    let daemon_login = bus::start_broker(&config.bus, &config.device_id)?;
    let mut publisher = Publisher::connect(&daemon_login, &config.device_id, &config.bus).await?;
    let mut sigterm =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).map_err(AppError::Signals)?;
    let mut sigint =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).map_err(AppError::Signals)?;

    let (chunk_tx, chunk_rx) = mpsc::channel(AUDIO_CHUNKS);
    let (segment_tx, segment_rx) = mpsc::channel(SPEECH_EVENTS);
    let (transcript_tx, transcript_rx) = mpsc::channel(TRANSCRIPTS);
    // Health reads queue depths through weak handles, which never keep a channel open.
    let (audio_queue, speech_queue, transcript_queue) =
        (chunk_tx.downgrade(), segment_tx.downgrade(), transcript_tx.downgrade());
    let (report_tx, report_rx) = mpsc::channel(AUDIO_REPORTS);
    let (published_tx, published_rx) = mpsc::channel(PUBLISHED);
    let published_queue = published_tx.downgrade();
    let (request_tx, request_rx) = mpsc::channel(STORE_REQUESTS);
    let stop = Arc::new(AtomicBool::new(false));
    let stats = Arc::new(CaptureStats::default());

    let audio_stage = {
        let (stop, stats, pacing) = (stop.clone(), stats.clone(), config.capture.pacing);
        spawn("audio", move || audio::run_stage(source, pacing, chunk_tx, stop, stats))?
    };
    let detector_name = detector.name();
    let vad_config = receivers.vad.clone();
    let vad_stage = spawn("vad", move || {
        vad::run_stage(vad_config, detector, chunk_rx, segment_tx, report_tx)
    })?;
    let firewall = transcriber.stats.clone();
    let timings = transcriber.timings.clone();
    let asr_config = receivers.asr.clone();
    let asr_stage = spawn("asr", move || {
        asr::live::run_stage(transcriber, asr_config, segment_rx, transcript_tx)
    })?;
    let store_health = Arc::new(Mutex::new(health::StoreHealth::default()));
    let store_path = store.path().to_owned();
    let outbox_written;
    let store_stage = {
        let stage = StoreStage::new(
            store,
            &config.device_id,
            &config.store,
            &config.meeting,
            store_health.clone(),
            published_tx,
        );
        let inputs = Inputs {
            asr: transcript_rx,
            reports: report_rx,
            requests: request_rx,
            meeting_config: receivers.meeting.clone(),
            sync_config: receivers.sync.clone(),
        };
        outbox_written = stage.outbox_written();
        let runtime = tokio::runtime::Handle::current();
        spawn("store", move || runtime.block_on(stage.run(inputs)))?
    };
    let sync_health = Arc::new(Mutex::new(health::SyncHealth::default()));
    {
        let (device, config, health) = (config.device_id.clone(), receivers.sync.clone(), sync_health.clone());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|source| AppError::Thread { stage: "sync", source })?;
        // Never joined: it ends with the process (what it had in flight is sent again).
        drop(spawn("sync", move || {
            runtime.block_on(sync::run(store_path, device, config, health, outbox_written))
        })?);
    }
    let operator_inbox = publisher.take_operator_inbox().expect("the publisher was just made");
    let control_task = {
        tokio::spawn(run_control(
            remote,
            live,
            Authority::new(&config.bus.users),
            operator_inbox,
            publisher.outbox(),
            config.device_id.clone(),
            request_tx,
        ))
    };
    let latest_metrics = Arc::new(Mutex::new(None));
    let metrics_for_bus = latest_metrics.clone();
    let health_stop = Arc::new(AtomicBool::new(false));
    let health = {
        let outbox = publisher.outbox();
        let connection = publisher.stats();
        let stats = stats.clone();
        let firewall_for_health = firewall.clone();
        let state_dir = config.state_dir.clone();
        let source_name = match config.capture.source {
            CaptureSource::Alsa => config.capture.pcm.clone(),
            CaptureSource::Wav => config.capture.file.display().to_string(),
        };
        tokio::spawn(bus::publish_health(
            outbox,
            config.device_id.clone(),
            receivers.health_interval_s.clone(),
            move || HealthSnapshot {
                capture: stats.snapshot(&source_name),
                audio: latest_metrics.lock().unwrap_or_else(PoisonError::into_inner).clone(),
                process: health::process_usage(),
                queues: QueueDepths {
                    audio: depth(&audio_queue),
                    speech: depth(&speech_queue),
                    transcripts: depth(&transcript_queue),
                    published: depth(&published_queue),
                },
                asr: AsrHealth {
                    timing: timings.summary(),
                    hallucinations_suppressed: firewall_for_health.hallucinations_suppressed(),
                    no_speech_windows: firewall_for_health.no_speech.load(Ordering::Relaxed),
                },
                disk: health::disk_free(&state_dir),
                store: store_health.lock().unwrap_or_else(PoisonError::into_inner).clone(),
                sync: sync_health.lock().unwrap_or_else(PoisonError::into_inner).clone(),
                bus: BusHealth {
                    reconnects: connection.reconnects.load(Ordering::Relaxed),
                    status_corrected: connection.status_corrected.load(Ordering::Relaxed),
                },
            },
            health_stop.clone(),
        ))
    };
    let mut bus_stage = tokio::spawn(publisher.run_stage(published_rx, metrics_for_bus));

    let broker = &config.bus.listen;
    systemd::ready(&format!("Listening on {broker}; transcribing"));
    tracing::info!(%broker, device = %config.device_id, vad = detector_name, "roomscribe is ready");

    let mut finished_early = None;
    tokio::select! {
        _ = sigterm.recv() => tracing::info!("SIGTERM received; draining the pipeline"),
        _ = sigint.recv() => tracing::info!("SIGINT received; draining the pipeline"),
        published = &mut bus_stage => finished_early = Some(published),
    }
    if finished_early.is_some() {
        tracing::info!("The audio source ended and everything it held was published; stopping");
    }
    systemd::stopping("Draining the pipeline");
    stop.store(true, Ordering::Relaxed);
    health_stop.store(true, Ordering::Relaxed);
    let _ = health.await;
    control_task.abort();

    let deadline = Duration::from_secs(u64::from(config.shutdown.drain_timeout_s));
    let published = match finished_early {
        Some(result) => Some(result),
        None => tokio::time::timeout(deadline, &mut bus_stage).await.ok(),
    };
    let drained = published.is_some();
    if !drained {
        let stragglers: Vec<&str> = [
            ("audio", audio_stage.is_finished()),
            ("vad", vad_stage.is_finished()),
            ("asr", asr_stage.is_finished()),
            ("store", store_stage.is_finished()),
        ]
        .into_iter()
        .filter(|(_, done)| !done)
        .map(|(name, _)| name)
        .collect();
        tracing::error!(
            seconds = deadline.as_secs(),
            stages = ?stragglers,
            "The pipeline did not drain in time; exiting without the rest"
        );
    }
    let audio_failure = if audio_stage.is_finished() {
        audio_stage
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            .err()
    } else {
        None
    };
    tracing::info!(
        captured_frames = stats.captured_frames.load(Ordering::Relaxed),
        dropped_frames = stats.dropped_frames.load(Ordering::Relaxed),
        overruns = stats.overruns.load(Ordering::Relaxed),
        suspends = stats.suspends.load(Ordering::Relaxed),
        reopen_attempts = stats.reopen_attempts.load(Ordering::Relaxed),
        "Capture stopped"
    );
    tracing::info!(
        no_speech_windows = firewall.no_speech.load(Ordering::Relaxed),
        repetitions_collapsed = firewall.repetition_collapsed.load(Ordering::Relaxed),
        loops_rejected = firewall.compression_rejected.load(Ordering::Relaxed),
        fillers_dropped = firewall.silence_fillers.load(Ordering::Relaxed),
        hallucinations_suppressed = firewall.hallucinations_suppressed(),
        "Hallucination firewall"
    );
    Ok(RunSummary {
        transcripts_published: published.and_then(Result::ok).unwrap_or(0),
        drained,
        audio_failure,
    })
}

/// Handles what operators publish. Configuration documents are checked and answered on the
/// config state topic (retained); at start it says which revision is in force and publishes the
/// kept overrides again, retained (the embedded broker forgot them when it last stopped).
/// Commands are carried out and answered on their reply topic with their transaction id.
async fn run_control(
    mut remote: RemoteConfig,
    live: LiveSections,
    mut authority: Authority,
    inbox: OperatorInbox,
    outbox: bus::Outbox,
    device_id: String,
    store: mpsc::Sender<StoreRequest>,
) {
    let topics = outbox.topics().clone();
    let started = std::time::Instant::now();
    let say = |revision, errors: Vec<ConfigError>, restart: &[&str]| {
        let errors = errors
            .into_iter()
            .map(|e| FieldError {
                field: e.field,
                message: e.message,
            })
            .collect();
        ConfigStateMessage::new(&device_id, revision, errors, restart)
    };
    let qos = bus::QoS::AtLeastOnce;
    let report_failure = |result: Result<(), bus::PublishError>| {
        if let Err(error) = result {
            tracing::warn!(%error, "Could not queue a control message for publishing");
        }
    };
    let state = say(remote.revision(), Vec::new(), &[]);
    report_failure(outbox.publish(&topics.config_state(), qos, true, &state).await);
    if let Some(overrides) = remote.overrides_json() {
        report_failure(
            outbox
                .publish_as(&topics.config(), true, overrides, bus::Content::Json)
                .await,
        );
    }
    let OperatorInbox {
        config: mut documents,
        mut commands,
    } = inbox;
    let mut documents_open = true;
    loop {
        let message = tokio::select! {
            changed = documents.changed(), if documents_open => match changed {
                Ok(()) => documents.borrow_and_update().clone().map(Operator::Config),
                Err(_) => {
                    documents_open = false;
                    continue;
                }
            },
            command = commands.recv() => match command {
                Some(command) => Some(Operator::Command(command)),
                None => return,
            },
        };
        let Some(message) = message else { continue };
        match message {
            Operator::Config(message) => {
                if remote.is_in_force(&authority.unwrap_unchecked(&message)) {
                    continue;
                }
                let admitted = match authority.admit(&topics.config(), &message, unix_millis()) {
                    Ok(admitted) => keep_stamp(&store, &mut authority, admitted).await,
                    Err(why) => Err(why),
                };
                let document = document_as_json(admitted.as_deref().unwrap_or(message.as_slice()));
                let outcome = match admitted {
                    Ok(document) => remote.handle(&document, &live),
                    Err(why) => remote.refuse(why),
                };
                let history = |revision, errors: &[ConfigError]| StoreRequest::ConfigHistory {
                    revision,
                    accepted: errors.is_empty(),
                    document: document.clone(),
                    errors: serde_json::to_string(&errors.iter().map(|e| (&e.field, &e.message)).collect::<Vec<_>>())
                        .unwrap_or_default(),
                };
                let state = match outcome {
                    Outcome::Unchanged { .. } => continue,
                    Outcome::Accepted {
                        revision,
                        restart_required,
                    } => {
                        tracing::info!(revision, restart_required = ?restart_required, "Remote configuration accepted");
                        let _ = store.send(history(revision, &[])).await;
                        say(revision, Vec::new(), &restart_required)
                    }
                    Outcome::Rejected { revision, errors } => {
                        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                        tracing::warn!(revision, fields = ?fields, "Remote configuration rejected; the running configuration is unchanged");
                        let _ = store.send(history(revision, &errors)).await;
                        say(revision, errors, &[])
                    }
                };
                report_failure(outbox.publish(&topics.config_state(), qos, true, &state).await);
            }
            Operator::Command(bus::Command { name, payload }) => {
                let topic = format!("{}{name}", topics.command_prefix());
                let admitted = match authority.admit(&topic, &payload, unix_millis()) {
                    Ok(admitted) => keep_stamp(&store, &mut authority, admitted).await,
                    Err(why) => Err(why),
                };
                let parsed = admitted
                    .map_err(|error| commands::Rejected {
                        tx: commands::transaction_of(&authority.unwrap_unchecked(&payload)),
                        error,
                    })
                    .and_then(|payload| commands::parse(&name, &payload));
                let (tx, outcome) = match parsed {
                    Ok((tx, Command::Ping)) => (
                        Some(tx),
                        Ok(serde_json::json!({
                            "uptime_s": started.elapsed().as_secs(),
                            "version": env!("CARGO_PKG_VERSION"),
                            "config_revision": remote.revision(),
                        })),
                    ),
                    Ok((tx, Command::SetHotwords { words })) => {
                        remote.set_hotwords(&words, &live);
                        tracing::info!(%words, "Hotwords set by command");
                        (Some(tx), Ok(serde_json::json!({ "hotwords": words })))
                    }
                    Ok((tx, Command::MeetingStart)) => (Some(tx), ask_store(&store, StoreRequest::StartMeeting).await),
                    Ok((tx, Command::MeetingStop)) => (Some(tx), ask_store(&store, StoreRequest::StopMeeting).await),
                    Ok((tx, Command::Summary)) => (Some(tx), ask_store(&store, StoreRequest::SummaryNow).await),
                    Ok((tx, Command::Export { meeting, format })) => (
                        Some(tx),
                        ask_store(&store, |reply| StoreRequest::Export { meeting, format, reply }).await,
                    ),
                    Err(rejected) => {
                        tracing::warn!(command = %name, error = %rejected.error, "A command was refused");
                        (rejected.tx, Err(rejected.error))
                    }
                };
                let reply = CommandReply::new(&device_id, &name, tx, outcome);
                report_failure(outbox.publish(&topics.command_reply(&name), qos, false, &reply).await);
            }
        }
    }
}

/// Keeps an admitted message's signed time in the store before it takes effect, so that it
/// cannot be replayed, after a restart either; returns its payload, or why it may not act (a
/// replay, or a store that could not keep the time).
async fn keep_stamp(
    store: &mpsc::Sender<StoreRequest>,
    authority: &mut Authority,
    admitted: Admitted,
) -> Result<Vec<u8>, String> {
    let Some(stamp) = admitted.stamp else {
        return Ok(admitted.payload);
    };
    let (reply, answer) = tokio::sync::oneshot::channel();
    let request = StoreRequest::AdvanceOperatorClock {
        user: stamp.user.clone(),
        ts_ms: stamp.ts,
        reply,
    };
    let kept = match store.send(request).await {
        Ok(()) => tokio::time::timeout(STORE_ANSWER, answer).await,
        Err(_) => return Err("the store has stopped (the daemon is shutting down); send it again later".into()),
    };
    match kept {
        Ok(Ok(Ok(true))) => {
            authority.accepted(&stamp);
            Ok(admitted.payload)
        }
        Ok(Ok(Ok(false))) => Err(signing::REPLAY.into()),
        Ok(Ok(Err(error))) => Err(format!(
            "the store could not keep the signed time ({error}); nothing changed, sign it again and retry"
        )),
        Ok(Err(_)) | Err(_) => {
            Err("the store did not confirm the signed time; nothing changed, sign it again and retry".into())
        }
    }
}

/// Sends a request to the store stage and waits (bounded) for its answer.
async fn ask_store(
    store: &mpsc::Sender<StoreRequest>,
    request: impl FnOnce(crate::store::stage::Reply) -> StoreRequest,
) -> Result<serde_json::Value, String> {
    let (reply, answer) = tokio::sync::oneshot::channel();
    if store.send(request(reply)).await.is_err() {
        return Err("the store has stopped (the daemon is shutting down)".into());
    }
    match tokio::time::timeout(STORE_ANSWER, answer).await {
        Ok(Ok(result)) => result,
        Ok(Err(_)) => Err("the store stopped before answering".into()),
        Err(_) => Err(format!(
            "the store did not answer within {} s; try again",
            STORE_ANSWER.as_secs()
        )),
    }
}

/// A configuration document (CBOR or JSON) as JSON text for the configuration history, every
/// `password` replaced by "***" (the history is for auditing, not a second copy of secrets).
fn document_as_json(document: &[u8]) -> String {
    fn redact(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, value) in map.iter_mut() {
                    if key == "password" {
                        *value = serde_json::Value::String("***".into());
                    } else {
                        redact(value);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(redact),
            _ => {}
        }
    }
    let parsed = ciborium::from_reader::<serde_json::Value, _>(document)
        .ok()
        .or_else(|| serde_json::from_slice(document).ok());
    match parsed {
        Some(mut value) => {
            redact(&mut value);
            value.to_string()
        }
        None => format!("<{} bytes, neither CBOR nor JSON>", document.len()),
    }
}

/// Items waiting in a channel (0 once it has closed).
fn depth<T>(queue: &mpsc::WeakSender<T>) -> usize {
    queue
        .upgrade()
        .map_or(0, |sender| sender.max_capacity() - sender.capacity())
}

/// One thing for the control task to do.
enum Operator {
    Config(Vec<u8>),
    Command(bus::Command),
}
