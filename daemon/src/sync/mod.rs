//! Upstream sync: drains the store's outbox, in order, to a standard MQTT broker (rumqttc,
//! QoS 1, persistent session). A record is marked delivered only when its PUBACK arrives, so a
//! dead uplink, a refused login or a power cut loses nothing: what was not acknowledged is sent
//! again, under the same idempotency key (at least once, never lossy).
//!
//! Owns the upstream connection, its backoff and its bandwidth cap. Reads and acknowledges the
//! outbox only through `store::OutboxReader`; never writes records and never touches the
//! embedded broker. Is run on a thread of its own (SQLite calls block; `app` starts it).

mod bucket;

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::time::Duration;

use rumqttc::{AsyncClient, ConnectReturnCode, ConnectionError, Event, MqttOptions, Outgoing, Packet, QoS};
use tokio::sync::{mpsc, watch};

use crate::backoff::Backoff;
use crate::config::live::Section;
use crate::config::SyncConfig;
use crate::health::SyncHealth;
use crate::stage::{Shared, StageContext};
use crate::store::outbox::{OutboxItem, OutboxReader, StoreError};
use bucket::TokenBucket;

/// Records published and not yet acknowledged, at most.
const WINDOW: usize = 64;
/// Largest upstream packet (a long meeting's summary is tens of kilobytes).
const MAX_PACKET: usize = 16 * 1024 * 1024;

/// Where `kind` goes upstream.
pub fn upstream_topic(config: &SyncConfig, device: &str, kind: &str) -> String {
    let leaf = match kind {
        "segment" => "transcript",
        "revision" => "transcript/revision",
        "insight" => "insights",
        other => other,
    };
    format!("{}/{device}/{leaf}", config.topic_prefix)
}

/// What health reads of the sync.
pub type SyncCounters = Shared<SyncHealth>;
type Health = SyncCounters;

/// Runs the sync until shutdown is requested (anything in flight then is sent again next time).
/// Its work is waiting on the network and on short SQLite reads, so its heartbeat always
/// reads "waiting": a dead uplink is reported in health, never treated as a stuck stage.
/// `config` may change at any time: the connection is remade with the new settings.
/// `outbox_written` changes whenever the store commits a record for upstream: the sync waits on
/// it while idle instead of polling the outbox.
pub async fn run_stage(
    ctx: StageContext<SyncCounters>,
    store_path: PathBuf,
    device: String,
    config: Section<SyncConfig>,
    outbox_written: watch::Receiver<u64>,
) {
    tokio::select! {
        _ = ctx.shutdown.requested() => {}
        _ = forward(store_path, device, config, &ctx.counters, outbox_written) => {}
    }
}

async fn forward(
    store_path: PathBuf,
    device: String,
    mut config: Section<SyncConfig>,
    health: &Health,
    mut outbox_written: watch::Receiver<u64>,
) {
    let mut outbox = loop {
        match OutboxReader::open(&store_path, &device) {
            Ok(reader) => break reader,
            Err(error) => {
                set_error(health, "error", error.to_string());
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        }
    };
    let mut backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(1));
    // A dead uplink fails every few seconds for days: the journal hears each new reason once.
    let mut last_failure = String::new();
    loop {
        config.take_change();
        let settings = config.current().clone();
        refresh_backlog(&outbox, health);
        if settings.host.is_empty() {
            health_mut(health).state = "disabled".into();
            if config.changed().await.is_err() {
                return;
            }
            continue;
        }
        health_mut(health).state = "connecting".into();
        let outcome = tokio::select! {
            outcome = session(&settings, &device, &mut outbox, &mut outbox_written, health) => outcome,
            changed = config.changed() => match changed {
                Ok(_) => {
                    tracing::info!("Upstream sync settings changed; reconnecting");
                    backoff.reset();
                    continue;
                }
                Err(_) => return,
            },
        };
        match outcome {
            Ok(()) => backoff.reset(),
            Err(why) => {
                backoff.set_ceiling(Duration::from_secs(u64::from(settings.backoff_max_s)));
                let wait = backoff.next_wait();
                if health_mut(health).state == "connected" {
                    // It had connected: whatever ends the connection is news.
                    last_failure.clear();
                }
                if why != last_failure {
                    tracing::warn!(error = %why, "Upstream sync failed; retrying with backoff");
                    last_failure.clone_from(&why);
                } else {
                    tracing::debug!(error = %why, retry_in_s = wait.as_secs_f64(), "Upstream sync failed again");
                }
                set_error(health, "error", why);
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    changed = config.changed() => {
                        if changed.is_err() {
                            return;
                        }
                        tracing::info!("Upstream sync settings changed; reconnecting now");
                        backoff.reset();
                    }
                }
            }
        }
    }
}

/// One connection: connects, then keeps the outbox draining until the connection fails.
/// Returns why it ended.
async fn session(
    settings: &SyncConfig,
    device: &str,
    outbox: &mut OutboxReader,
    outbox_written: &mut watch::Receiver<u64>,
    health: &Health,
) -> Result<(), String> {
    let client_id = if settings.client_id.is_empty() {
        format!("roomscribe-{device}")
    } else {
        settings.client_id.clone()
    };
    let mut options = MqttOptions::new(client_id, settings.host.clone(), settings.port);
    options
        .set_clean_session(false)
        .set_keep_alive(Duration::from_secs(30))
        .set_max_packet_size(MAX_PACKET, MAX_PACKET)
        .set_inflight(WINDOW as u16)
        .set_request_channel_capacity(WINDOW * 2);
    if !settings.username.is_empty() {
        options.set_credentials(settings.username.clone(), settings.password.clone());
    }
    if settings.tls {
        let ca = std::fs::read(&settings.ca_file).map_err(|e| {
            format!(
                "cannot read sync.ca_file {}: {e}; point it at the PEM file of the upstream's certificate authority",
                settings.ca_file.display()
            )
        })?;
        options.set_transport(rumqttc::Transport::tls_with_config(rumqttc::TlsConfiguration::Simple {
            ca,
            alpn: None,
            client_auth: None,
        }));
    }
    let (client, mut event_loop) = AsyncClient::new(options, WINDOW * 2);
    // The event loop runs in a task of its own and hands events over a channel, so waiting for
    // one never races (and cancels) the loop's own I/O.
    let (events_tx, mut events) = mpsc::channel(WINDOW * 4);
    let driver = tokio::spawn(async move {
        loop {
            let event = event_loop.poll().await;
            let failed = event.is_err();
            if events_tx.send(event).await.is_err() || failed {
                return;
            }
        }
    });
    let result = drain(settings, device, &client, &mut events, outbox, outbox_written, health).await;
    driver.abort();
    result
}

async fn drain(
    settings: &SyncConfig,
    device: &str,
    client: &AsyncClient,
    events: &mut mpsc::Receiver<Result<Event, ConnectionError>>,
    outbox: &mut OutboxReader,
    outbox_written: &mut watch::Receiver<u64>,
    health: &Health,
) -> Result<(), String> {
    let target = format!("{}:{}", settings.host, settings.port);
    // Cleared when the store stage has ended (the daemon stops): nothing more will be written.
    let mut store_open = true;
    // Wait for the broker's answer to the login.
    loop {
        match events.recv().await {
            Some(Ok(Event::Incoming(Packet::ConnAck(ack)))) if ack.code == ConnectReturnCode::Success => break,
            Some(Ok(Event::Incoming(Packet::ConnAck(ack)))) => return Err(refused(&target, ack.code)),
            Some(Ok(_)) => {}
            Some(Err(error)) => return Err(connection_error(&target, error)),
            None => return Err(format!("the connection to {target} ended")),
        }
    }
    tracing::info!(upstream = %target, "Connected to the upstream broker; draining the outbox");
    {
        let mut h = health_mut(health);
        h.state = "connected".into();
        h.last_error = None;
    }
    let mut bucket = TokenBucket::new(settings.max_kbps);
    // Sent but not yet numbered by the client (in order), and numbered but not yet acknowledged.
    let mut unnumbered: VecDeque<i64> = VecDeque::new();
    let mut by_packet_id: HashMap<u16, i64> = HashMap::new();
    let mut acknowledged: Vec<i64> = Vec::new();
    let mut last_sent = 0i64;
    let mut ready: VecDeque<OutboxItem> = VecDeque::new();
    let mut last_backlog = std::time::Instant::now();
    loop {
        // Fill the window, in outbox order, as far as the bandwidth cap allows.
        let mut wait_for_bandwidth = None;
        while unnumbered.len() + by_packet_id.len() < WINDOW {
            if ready.is_empty() {
                let room = WINDOW - unnumbered.len() - by_packet_id.len();
                ready.extend(outbox.pending(last_sent, room).map_err(|e| store_failure(&e))?);
            }
            let Some(item) = ready.front() else { break };
            if let Some(wait) = bucket.take(item.payload.len()) {
                wait_for_bandwidth = Some(wait);
                break;
            }
            let item = ready.pop_front().expect("front() was Some");
            client
                .try_publish(
                    upstream_topic(settings, device, &item.kind),
                    QoS::AtLeastOnce,
                    false,
                    item.payload,
                )
                .map_err(|e| format!("could not queue a record for {target}: {e}"))?;
            unnumbered.push_back(item.seq);
            last_sent = item.seq;
        }
        let idle = unnumbered.is_empty() && by_packet_id.is_empty();
        let event = tokio::select! {
            event = events.recv() => event,
            _ = tokio::time::sleep(wait_for_bandwidth.unwrap_or_default()), if wait_for_bandwidth.is_some() => continue,
            written = outbox_written.changed(), if idle && wait_for_bandwidth.is_none() && store_open => {
                store_open = written.is_ok();
                continue;
            }
        };
        match event {
            Some(Ok(Event::Outgoing(Outgoing::Publish(packet_id)))) => {
                if let Some(seq) = unnumbered.pop_front() {
                    by_packet_id.insert(packet_id, seq);
                }
            }
            Some(Ok(Event::Incoming(Packet::PubAck(ack)))) => {
                if let Some(seq) = by_packet_id.remove(&ack.pkid) {
                    acknowledged.push(seq);
                }
            }
            Some(Ok(_)) => {}
            Some(Err(error)) => {
                flush(outbox, &mut acknowledged, health)?;
                return Err(connection_error(&target, error));
            }
            None => return Err(format!("the connection to {target} ended")),
        }
        // Acknowledgements are written in batches: at most a window's worth is ever sent twice.
        if !acknowledged.is_empty() && (acknowledged.len() >= WINDOW / 2 || events.is_empty()) {
            flush(outbox, &mut acknowledged, health)?;
        }
        if last_backlog.elapsed() >= Duration::from_secs(1) {
            refresh_backlog(outbox, health);
            last_backlog = std::time::Instant::now();
        }
    }
}

/// Marks acknowledged records delivered.
fn flush(outbox: &mut OutboxReader, acknowledged: &mut Vec<i64>, health: &Health) -> Result<(), String> {
    if acknowledged.is_empty() {
        return Ok(());
    }
    outbox.mark_delivered(acknowledged).map_err(|e| store_failure(&e))?;
    let mut h = health_mut(health);
    h.delivered += acknowledged.len() as u64;
    h.last_delivered_ms = Some(crate::clock::unix_millis());
    acknowledged.clear();
    Ok(())
}

fn refresh_backlog(outbox: &OutboxReader, health: &Health) {
    if let Ok((records, bytes)) = outbox.backlog() {
        let mut h = health_mut(health);
        h.backlog = records;
        h.backlog_bytes = bytes;
    }
}

fn refused(target: &str, code: ConnectReturnCode) -> String {
    match code {
        ConnectReturnCode::BadUserNamePassword | ConnectReturnCode::NotAuthorized => {
            format!("{target} refused the login ({code:?}): check sync.username and sync.password")
        }
        ConnectReturnCode::BadClientId => {
            format!("{target} refused the client id: set sync.client_id to one it accepts")
        }
        other => format!("{target} refused the connection ({other:?})"),
    }
}

fn connection_error(target: &str, error: ConnectionError) -> String {
    match error {
        ConnectionError::ConnectionRefused(code) => refused(target, code),
        ConnectionError::Io(e) => format!("cannot reach {target}: {e}; check sync.host, sync.port and the uplink"),
        ConnectionError::Tls(e) => format!(
            "TLS with {target} failed: {e}; check sync.tls (does the broker speak TLS on this port?) and sync.ca_file"
        ),
        other => format!("connection to {target} failed: {other}"),
    }
}

fn store_failure(error: &StoreError) -> String {
    format!("the outbox could not be read or updated: {error}")
}

fn set_error(health: &Health, state: &str, error: String) {
    let mut h = health_mut(health);
    h.state = state.into();
    h.last_error = Some(error);
}

fn health_mut(health: &Health) -> std::sync::MutexGuard<'_, SyncHealth> {
    health.lock()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upstream_topics_hang_under_the_prefix_and_device() {
        let config = SyncConfig {
            topic_prefix: "fleet/eu".into(),
            ..SyncConfig::default()
        };
        assert_eq!(upstream_topic(&config, "room-1", "summary"), "fleet/eu/room-1/summary");
        assert_eq!(
            upstream_topic(&config, "room-1", "segment"),
            "fleet/eu/room-1/transcript"
        );
        assert_eq!(upstream_topic(&config, "room-1", "insight"), "fleet/eu/room-1/insights");
        assert_eq!(
            upstream_topic(&config, "room-1", "revision"),
            "fleet/eu/room-1/transcript/revision"
        );
    }
}
