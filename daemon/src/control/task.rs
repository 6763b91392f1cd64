//! The control task: what operators publish, carried out. Configuration documents are checked
//! and answered on the retained config state topic; commands are carried out (meeting commands
//! by the meeting stage, exports by the store) and answered on their reply topic. Every signed
//! message's time is kept in the store before it takes effect (no replay, after a restart
//! either). Never publishes anything but its answers and the kept overrides.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::mpsc;

use super::commands::{self, Command};
use super::refusals::{LogLine, RefusalLog};
use super::signing::{self, Admitted, Authority};
use super::{Outcome, RemoteConfig};
use crate::bus::{self, OperatorInbox};
use crate::clock::unix_millis;
use crate::config::live::LiveConfig;
use crate::config::ConfigError;
use crate::health::ControlHealth;
use crate::pipeline::{MeetingRequest, Reply, StoreRequest, Voiceprint};
use crate::stage::{Counters, StageContext};
use crate::wire::{CommandReply, ConfigStateMessage, FieldError};

/// How long a command waits for the stage that answers it.
const STAGE_ANSWER: Duration = Duration::from_secs(10);

/// What the control task works with.
pub struct ControlPlane {
    pub remote: RemoteConfig,
    pub live: LiveConfig,
    pub authority: Authority,
    pub outbox: bus::Outbox,
    pub device_id: String,
    pub meeting: mpsc::Sender<MeetingRequest>,
    pub store: mpsc::Sender<StoreRequest>,
    /// The enrolled voices, for the speakers stage.
    pub enrolled: tokio::sync::watch::Sender<Vec<Voiceprint>>,
}

/// What health reads of the control task.
#[derive(Debug, Default)]
pub struct ControlCounters {
    configs_accepted: AtomicU64,
    commands_carried_out: AtomicU64,
    commands_failed: AtomicU64,
    refused: AtomicU64,
}

impl ControlCounters {
    fn count(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

impl Counters for ControlCounters {
    type Snapshot = ControlHealth;
    fn snapshot(&self) -> ControlHealth {
        ControlHealth {
            configs_accepted: self.configs_accepted.load(Ordering::Relaxed),
            commands_carried_out: self.commands_carried_out.load(Ordering::Relaxed),
            commands_failed: self.commands_failed.load(Ordering::Relaxed),
            refused: self.refused.load(Ordering::Relaxed),
        }
    }
}

/// Handles what operators publish. Configuration documents are checked and answered on the
/// config state topic (retained); at start it says which revision is in force and publishes the
/// kept overrides again, retained (the embedded broker forgot them when it last stopped).
/// Commands are carried out and answered on their reply topic with their transaction id.
pub async fn run_stage(ctx: StageContext<ControlCounters>, plane: ControlPlane, inbox: OperatorInbox) {
    let ControlPlane {
        mut remote,
        live,
        mut authority,
        outbox,
        device_id,
        meeting,
        store,
        enrolled,
    } = plane;
    let counters = &ctx.counters;
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
    let (mut config_refusals, mut command_refusals) = (RefusalLog::default(), RefusalLog::default());
    loop {
        let message = tokio::select! {
            _ = ctx.shutdown.requested() => return,
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
                    Err(why) => Err(NotActed::Refused(why)),
                };
                let document = document_as_json(admitted.as_deref().unwrap_or(message.as_slice()));
                let mut store_failed = false;
                let outcome = match admitted {
                    Ok(document) => remote.handle(&document, &live),
                    Err(NotActed::Refused(why)) => remote.refuse(why),
                    Err(NotActed::StoreFailed(why)) => {
                        store_failed = true;
                        remote.refuse(why)
                    }
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
                        ControlCounters::count(&counters.configs_accepted);
                        tracing::info!(revision, restart_required = ?restart_required, "Remote configuration accepted");
                        let _ = store.send(history(revision, &[])).await;
                        say(revision, Vec::new(), &restart_required)
                    }
                    Outcome::Rejected { revision, errors } => {
                        if store_failed {
                            ControlCounters::count(&counters.commands_failed);
                            tracing::warn!(
                                revision,
                                "A signed configuration was not applied: the store could not keep its signed time"
                            );
                        } else {
                            ControlCounters::count(&counters.refused);
                            if let LogLine::Full { quieted } = config_refusals.refused(std::time::Instant::now()) {
                                let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                                tracing::warn!(revision, fields = ?fields, more_refused_before = quieted, "Remote configuration rejected; the running configuration is unchanged (further refusals within 10 s are answered but not logged)");
                            }
                        }
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
                    Err(why) => Err(NotActed::Refused(why)),
                };
                let rejected = |error| commands::Rejected {
                    tx: commands::transaction_of(&authority.unwrap_unchecked(&payload)),
                    error,
                };
                // A rejection, and whether the sender is to blame (refused) or the device (failed).
                let parsed = match admitted {
                    Ok(payload) => commands::parse(&name, &payload).map_err(|why| (why, true)),
                    Err(NotActed::Refused(error)) => Err((rejected(error), true)),
                    Err(NotActed::StoreFailed(error)) => Err((rejected(error), false)),
                };
                let refused = matches!(parsed, Err((_, true)));
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
                        // Their count only: hotwords are the meeting's vocabulary, often names.
                        tracing::info!(
                            words = words.split(',').filter(|w| !w.trim().is_empty()).count(),
                            "Hotwords set by command"
                        );
                        (Some(tx), Ok(serde_json::json!({ "hotwords": words })))
                    }
                    Ok((tx, Command::MeetingStart)) => (Some(tx), ask(&meeting, MeetingRequest::Start).await),
                    Ok((tx, Command::MeetingStop)) => (Some(tx), ask(&meeting, MeetingRequest::Stop).await),
                    Ok((tx, Command::Summary)) => (Some(tx), ask(&meeting, MeetingRequest::SummaryNow).await),
                    Ok((tx, Command::Export { meeting, format })) => (
                        Some(tx),
                        ask(&store, |reply| StoreRequest::Export { meeting, format, reply }).await,
                    ),
                    Ok((tx, Command::SpeakerEnroll { meeting, speaker, name })) => {
                        let request = |reply| StoreRequest::Enroll {
                            meeting,
                            speaker,
                            name,
                            reply,
                        };
                        let outcome = ask(&store, request).await;
                        (Some(tx), refresh_voiceprints(&store, &enrolled, outcome).await)
                    }
                    Ok((tx, Command::SpeakerForget { name })) => {
                        let outcome = ask(&store, |reply| StoreRequest::Forget { name, reply }).await;
                        (Some(tx), refresh_voiceprints(&store, &enrolled, outcome).await)
                    }
                    Ok((tx, Command::Speakers)) => (Some(tx), ask(&store, StoreRequest::ListVoices).await),
                    Err((rejected, true)) => {
                        ControlCounters::count(&counters.refused);
                        if let LogLine::Full { quieted } = command_refusals.refused(std::time::Instant::now()) {
                            tracing::warn!(command = %name, error = %rejected.error, more_refused_before = quieted, "A command was refused (further refusals within 10 s are answered but not logged)");
                        }
                        (rejected.tx, Err(rejected.error))
                    }
                    Err((rejected, false)) => {
                        tracing::warn!(command = %name, "A signed command was not carried out: the store could not keep its signed time");
                        (rejected.tx, Err(rejected.error))
                    }
                };
                match (&outcome, refused) {
                    (Ok(_), _) => ControlCounters::count(&counters.commands_carried_out),
                    (Err(_), false) => ControlCounters::count(&counters.commands_failed),
                    (Err(_), true) => {}
                }
                let reply = CommandReply::new(&device_id, &name, tx, outcome);
                report_failure(outbox.publish(&topics.command_reply(&name), qos, false, &reply).await);
            }
        }
    }
}

/// Why an operator's message did not act.
enum NotActed {
    /// The message itself may not act (unsigned, forged, stale, replayed): counted as refused.
    Refused(String),
    /// The message may act but the store could not keep its signed time, so it was not
    /// carried out (the device's fault, not the sender's): counted as failed.
    StoreFailed(String),
}

/// Keeps an admitted message's signed time in the store before it takes effect, so that it
/// cannot be replayed, after a restart either; returns its payload, or why it may not act (a
/// replay, or a store that could not keep the time).
async fn keep_stamp(
    store: &mpsc::Sender<StoreRequest>,
    authority: &mut Authority,
    admitted: Admitted,
) -> Result<Vec<u8>, NotActed> {
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
        Ok(()) => tokio::time::timeout(STAGE_ANSWER, answer).await,
        Err(_) => {
            return Err(NotActed::StoreFailed(
                "the store has stopped (the daemon is shutting down); send it again later".into(),
            ))
        }
    };
    match kept {
        Ok(Ok(Ok(true))) => {
            authority.accepted(&stamp);
            Ok(admitted.payload)
        }
        Ok(Ok(Ok(false))) => Err(NotActed::Refused(signing::REPLAY.into())),
        Ok(Ok(Err(error))) => Err(NotActed::StoreFailed(format!(
            "the store could not keep the signed time ({error}); nothing changed, sign it again and retry"
        ))),
        Ok(Err(_)) | Err(_) => Err(NotActed::StoreFailed(
            "the store did not confirm the signed time; nothing changed, sign it again and retry".into(),
        )),
    }
}

/// After an enrolment or a deletion that succeeded, hands the speakers stage every voiceprint
/// the store now holds, so the change applies from the next word on.
async fn refresh_voiceprints(
    store: &mpsc::Sender<StoreRequest>,
    enrolled: &tokio::sync::watch::Sender<Vec<Voiceprint>>,
    outcome: Result<serde_json::Value, String>,
) -> Result<serde_json::Value, String> {
    let done = outcome?;
    let (reply, answer) = tokio::sync::oneshot::channel();
    let prints = match store.send(StoreRequest::Voiceprints(reply)).await {
        Ok(()) => tokio::time::timeout(STAGE_ANSWER, answer).await,
        Err(_) => return Err("the daemon is shutting down; the change is stored and applies after the restart".into()),
    };
    match prints {
        Ok(Ok(Ok(prints))) => {
            enrolled.send_replace(prints);
            Ok(done)
        }
        Ok(Ok(Err(error))) => Err(format!(
            "the change is stored, but reading it back failed ({error}); it applies after a restart"
        )),
        Ok(Err(_)) | Err(_) => {
            Err("the change is stored; it applies after a restart (the store did not answer in time)".into())
        }
    }
}

/// Sends a request to a stage (the meeting stage or the store) and waits, bounded, for its
/// answer.
async fn ask<R>(stage: &mpsc::Sender<R>, request: impl FnOnce(Reply) -> R) -> Result<serde_json::Value, String> {
    let (reply, answer) = tokio::sync::oneshot::channel();
    if stage.send(request(reply)).await.is_err() {
        return Err("the daemon is shutting down; send it again after the restart".into());
    }
    match tokio::time::timeout(STAGE_ANSWER, answer).await {
        Ok(Ok(result)) => result,
        Ok(Err(_)) => Err("the daemon stopped before answering; send it again after the restart".into()),
        Err(_) => Err(format!(
            "no answer within {} s (the daemon is busy); try again",
            STAGE_ANSWER.as_secs()
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

/// One thing for the control task to do.
enum Operator {
    Config(Vec<u8>),
    Command(bus::Command),
}
