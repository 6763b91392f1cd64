//! The bus stage: owns the embedded MQTT broker (rumqttd, on its own threads) and the daemon's
//! own connection to it, which publishes what the store committed (transcripts, insights,
//! summaries, the meeting state), live partials, and retained health snapshots, as CBOR.
//!
//! The publisher is a regular MQTT 5 client of the embedded broker (rumqttc over loopback), so
//! transcripts get QoS 1, the status topic is retained, the broker publishes the last will
//! `offline` if the daemon's connection dies while the broker lives, and every message carries
//! its content type for MQTT 5 subscribers. This stage never decides what text says; it only
//! names topics (`topics`) and encodes payloads (`wire`).

pub mod acl;
pub mod discovery;
pub mod topics;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rumqttc::v5::mqttbytes::v5::{LastWill, LastWillProperties, Packet, PublishProperties};
use rumqttc::v5::{AsyncClient, ClientError, Event, EventLoop, MqttOptions};
use rumqttc::Outgoing;
use tokio::sync::mpsc;

/// The quality of service the bus publishes with (MQTT 5's type, the same three levels).
pub use rumqttc::v5::mqttbytes::QoS;

use crate::config::{BusConfig, Role};
use crate::health::BusHealth;
use crate::pipeline::{Published, RecordTopic};
use crate::stage::{Counters, StageContext};
use crate::wire::{to_cbor, to_json, PartialMessage};
use acl::{BrokerRefusals, ListenerAcl, ListenerKind, TopicRules};
use topics::Topics;

#[derive(Debug, thiserror::Error)]
pub enum BusError {
    #[error("cannot listen on {addr} for the embedded MQTT broker: {source}; another broker (mosquitto?) may hold the port: stop it or change bus.listen")]
    Listen {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("the embedded MQTT broker could not open the daemon's private loopback listener: {0}; check that the loopback interface (127.0.0.1) is up")]
    PrivateListener(String),
    #[error("could not start the embedded MQTT broker thread: {0}")]
    Thread(#[source] std::io::Error),
    #[error("could not make the daemon's private broker login: {0}; check that /dev/urandom is readable")]
    DaemonLogin(#[source] std::io::Error),
    #[error("{field} {path}: {reason}; point it at a readable PEM file")]
    TlsFile {
        field: &'static str,
        path: PathBuf,
        reason: String,
    },
    #[error("the embedded MQTT broker on {addr} did not accept the daemon's connection within {seconds} s: {reason}")]
    NotReachable {
        addr: SocketAddr,
        seconds: u64,
        reason: String,
    },
}

/// The MQTT client id of the daemon's own connection, which no other client may take.
pub fn daemon_client_id(device_id: &str) -> String {
    format!("roomscribe-{device_id}")
}

/// The username of the daemon's own connection on its private listener.
const DAEMON_USERNAME: &str = "roomscribe-daemon";

/// Where and how the daemon's own connection logs in: a private MQTT 5 listener on the
/// loopback port the system gives the broker at start (bound by the broker itself, so no other
/// process can take it in between), with a password made at start and kept only in memory. The
/// broker lets only this login publish on the device's output topics (see `acl`).
pub struct DaemonLogin {
    addr: SocketAddr,
    password: String,
    /// What the broker's listeners refused, counted by their ACLs.
    refusals: Arc<BrokerRefusals>,
}

/// What a listener of the broker says of its bind: the address bound, or why not.
type BindReport = std::sync::mpsc::Receiver<Result<SocketAddr, String>>;

/// How long the broker may take to bind its listeners (it takes milliseconds).
const BIND_TIMEOUT: Duration = Duration::from_secs(10);

/// The daemon's password on its private listener: 32 random bytes, hex.
fn daemon_password() -> std::io::Result<String> {
    use std::io::Read;
    let mut secret = [0u8; 32];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut secret)?;
    Ok(hex::encode(secret))
}

/// Starts rumqttd on its own threads, listening on `config.listen` (MQTT 3.1.1) and
/// `config.mqtt5_listen` (MQTT 5) and, when set, on `config.lan_listen`,
/// `config.lan_mqtt5_listen`, `config.tls_listen` (TLS) and `config.websocket_listen`, where
/// every client must log in as one of `config.users`; and on the daemon's private listener,
/// whose login it returns. Every listener enforces the topic rules of `acl`.
/// rumqttd has no in-process shutdown: it stops when the process exits, after every stage.
pub fn start_broker(config: &BusConfig, device_id: &str) -> Result<DaemonLogin, BusError> {
    let parse = |listen: &str| -> SocketAddr { listen.parse().expect("listeners are checked by config validation") };
    let max_payload = config.max_payload_bytes as usize;
    let rules = TopicRules::new(
        &Topics::new(device_id),
        config
            .home_assistant
            .then(|| discovery::config_topic(&config.home_assistant_prefix, device_id)),
        &daemon_client_id(device_id),
    );
    let roles: HashMap<String, Role> = config.users.iter().map(|u| (u.name.clone(), u.role)).collect();
    let password = daemon_password().map_err(BusError::DaemonLogin)?;
    let refusals: Arc<BrokerRefusals> = Arc::default();
    // Each listener says what it bound, or why it could not (vendor patch 6): rumqttd would
    // report a failed bind only in its own log.
    let mut binds: Vec<(String, SocketAddr, BindReport)> = Vec::new();
    let acl_for = |kind: ListenerKind| -> Option<Arc<dyn rumqttd::Acl>> {
        Some(Arc::new(ListenerAcl::new(rules.clone(), kind, refusals.clone())))
    };
    let mut listener =
        |name: &str, addr: SocketAddr, auth: Option<HashMap<String, String>>, tls: Option<rumqttd::TlsConfig>| {
            let kind = match (&auth, name) {
                (_, "daemon") => ListenerKind::Daemon,
                (None, _) => ListenerKind::Local,
                (Some(_), _) => ListenerKind::Logins(roles.clone()),
            };
            let (report, bound) = std::sync::mpsc::sync_channel(1);
            binds.push((name.to_owned(), addr, bound));
            Ok::<_, BusError>((
                name.to_owned(),
                rumqttd::ServerSettings {
                    name: format!("roomscribe-{name}"),
                    listen: addr,
                    tls,
                    next_connection_delay_ms: 1,
                    connections: rumqttd::ConnectionSettings {
                        connection_timeout_ms: 5_000,
                        max_payload_size: match kind {
                            ListenerKind::Daemon => OWN_MESSAGE_LIMIT,
                            _ => max_payload,
                        },
                        max_inflight_count: 100,
                        auth,
                        external_auth: None,
                        dynamic_filters: true,
                        acl: acl_for(kind),
                    },
                    bound: Some(rumqttd::BoundAddr(report)),
                },
            ))
        };
    let logins: HashMap<String, String> = config
        .users
        .iter()
        .map(|u| (u.name.clone(), u.password.clone()))
        .collect();
    let mut servers = HashMap::from([listener("loopback", parse(&config.listen), None, None)?]);
    let mut mqtt5_servers = HashMap::from([
        listener("loopback-mqtt5", parse(&config.mqtt5_listen), None, None)?,
        listener(
            "daemon",
            SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            Some(HashMap::from([(DAEMON_USERNAME.to_owned(), password.clone())])),
            None,
        )?,
    ]);
    if !config.lan_listen.is_empty() {
        servers.extend([listener("lan", parse(&config.lan_listen), Some(logins.clone()), None)?]);
    }
    if !config.lan_mqtt5_listen.is_empty() {
        mqtt5_servers.extend([listener(
            "lan-mqtt5",
            parse(&config.lan_mqtt5_listen),
            Some(logins.clone()),
            None,
        )?]);
    }
    if !config.tls_listen.is_empty() {
        let certpath = pem_file("bus.tls_cert_file", &config.tls_cert_file, "CERTIFICATE")?;
        let keypath = pem_file("bus.tls_key_file", &config.tls_key_file, "PRIVATE KEY")?;
        let tls = rumqttd::TlsConfig::Rustls {
            capath: None,
            certpath,
            keypath,
        };
        servers.extend([listener(
            "tls",
            parse(&config.tls_listen),
            Some(logins.clone()),
            Some(tls),
        )?]);
    }
    let websocket = if config.websocket_listen.is_empty() {
        None
    } else {
        Some(HashMap::from([listener(
            "websocket",
            parse(&config.websocket_listen),
            Some(logins),
            None,
        )?]))
    };
    let broker_config = rumqttd::Config {
        id: 0,
        router: rumqttd::RouterConfig {
            max_connections: config.max_connections as usize,
            max_outgoing_packet_count: 200,
            // rumqttd keeps a commit log per topic in memory, for subscribers that lag: bound it
            // for a small device. Each message counts what it holds in memory: its payload,
            // its topic and some 230 bytes of structure (vendor patch 7). Two of the largest payloads a segment, at
            // least 256 KiB (some five hundred transcripts), four segments: at most 1 MiB a topic
            // with the defaults.
            max_segment_size: (max_payload * 2).max(256 << 10),
            max_segment_count: 4,
            custom_segment: None,
            initialized_filters: None,
            shared_subscriptions_strategy: Default::default(),
        },
        v4: Some(servers),
        v5: Some(mqtt5_servers),
        ws: websocket,
        ..Default::default()
    };
    std::thread::Builder::new()
        .name("mqtt-broker".into())
        .spawn(move || {
            let mut broker = rumqttd::Broker::new(broker_config);
            if let Err(error) = broker.start() {
                tracing::error!(%error, "The embedded MQTT broker stopped");
            }
        })
        .map_err(BusError::Thread)?;
    let deadline = std::time::Instant::now() + BIND_TIMEOUT;
    let mut private = None;
    for (name, addr, bound) in binds {
        let bound = bound
            .recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
            .unwrap_or_else(|_| Err(format!("it was not listening after {} s", BIND_TIMEOUT.as_secs())));
        match (name == "daemon", bound) {
            (true, Ok(bound)) => private = Some(bound),
            (true, Err(reason)) => return Err(BusError::PrivateListener(reason)),
            (false, Ok(_)) => {}
            (false, Err(reason)) => {
                return Err(BusError::Listen {
                    addr,
                    source: std::io::Error::other(reason),
                })
            }
        }
    }
    Ok(DaemonLogin {
        addr: private.ok_or_else(|| BusError::PrivateListener("it was not configured".into()))?,
        password,
        refusals,
    })
}

/// Checks that `path` is a readable PEM file holding a `kind` block (rumqttd would only log the
/// failure from its own thread); returns it as the text path rumqttd takes.
fn pem_file(field: &'static str, path: &std::path::Path, kind: &str) -> Result<String, BusError> {
    let fail = |reason: String| BusError::TlsFile {
        field,
        path: path.to_owned(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| fail(format!("cannot be read ({e})")))?;
    if !text.contains("-----BEGIN ") || !text.contains(kind) {
        return Err(fail(format!("holds no PEM {kind}")));
    }
    path.to_str()
        .map(str::to_owned)
        .ok_or_else(|| fail("is not valid UTF-8".into()))
}

/// Where a local client reaches a listener bound to `addr` (an unspecified address means loopback).
pub fn local_address(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => SocketAddr::new(Ipv4Addr::LOCALHOST.into(), addr.port()),
        IpAddr::V6(ip) if ip.is_unspecified() => SocketAddr::new(Ipv6Addr::LOCALHOST.into(), addr.port()),
        _ => addr,
    }
}

/// The largest message of the daemon's own (a long meeting's summary with its whole transcript,
/// an export's reply): 16 MiB. The private listener takes this much from the daemon (the other
/// listeners only `bus.max_payload_bytes`), and the daemon sends nothing larger: the broker would
/// end the connection, and every message queued on it would go with it.
pub const OWN_MESSAGE_LIMIT: usize = 16 << 20;

/// A message the publisher's connection did not take.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("could not queue a message on {topic}: the publisher's queue is full or its connection to the embedded broker has closed; it recovers by itself, or the daemon's log says why not")]
    NotQueued { topic: String },
    #[error("a message of {bytes} bytes on {topic} is over the {OWN_MESSAGE_LIMIT}-byte limit of the daemon's own messages and was not sent; what it held is in the store (`roomscribe export` reads it)")]
    TooLarge { topic: String, bytes: usize },
}

impl PublishError {
    fn on(topic: &str) -> impl FnOnce(ClientError) -> Self + '_ {
        move |_| Self::NotQueued {
            topic: crate::bounded::cut(topic, 200),
        }
    }

    /// `payload` is over `OWN_MESSAGE_LIMIT`.
    fn check(topic: &str, payload: &[u8]) -> Result<(), Self> {
        if payload.len() > OWN_MESSAGE_LIMIT {
            return Err(Self::TooLarge {
                topic: crate::bounded::cut(topic, 200),
                bytes: payload.len(),
            });
        }
        Ok(())
    }
}

/// What a payload is: its MQTT 5 content type (3.1.1 subscribers get the same bytes without it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    Cbor,
    Json,
    /// The status words `online`, `offline`, `stopped`.
    Text,
}

impl Content {
    pub fn content_type(self) -> &'static str {
        match self {
            Content::Cbor => "application/cbor",
            Content::Json => "application/json",
            Content::Text => "text/plain; charset=utf-8",
        }
    }

    /// MQTT 5's payload format indicator: 1 when the payload is UTF-8 text.
    fn is_utf8(self) -> Option<u8> {
        (self != Content::Cbor).then_some(1)
    }

    fn properties(self) -> PublishProperties {
        PublishProperties {
            payload_format_indicator: self.is_utf8(),
            content_type: Some(self.content_type().into()),
            ..Default::default()
        }
    }
}

/// How the daemon publishes its messages: CBOR on their topic and, with `bus.json_mirror`, the
/// same message as JSON under `roomscribe/<device>/json/...` for tools that cannot read CBOR.
#[derive(Clone)]
pub struct Outbox {
    client: AsyncClient,
    topics: Topics,
    json_mirror: bool,
}

impl Outbox {
    pub fn topics(&self) -> &Topics {
        &self.topics
    }

    /// Queues `payload` as it is, QoS 1, labelled `content`.
    pub async fn publish_as(
        &self,
        topic: &str,
        retain: bool,
        payload: Vec<u8>,
        content: Content,
    ) -> Result<(), PublishError> {
        self.send(topic, QoS::AtLeastOnce, retain, payload, content).await
    }

    /// Queues `payload` labelled `content`; waits while the client's queue is full.
    async fn send(
        &self,
        topic: &str,
        qos: QoS,
        retain: bool,
        payload: Vec<u8>,
        content: Content,
    ) -> Result<(), PublishError> {
        PublishError::check(topic, &payload)?;
        self.client
            .publish_with_properties(topic, qos, retain, payload, content.properties())
            .await
            .map_err(PublishError::on(topic))
    }

    /// Queues `payload` labelled `content` only if there is room now.
    fn try_send(
        &self,
        topic: &str,
        qos: QoS,
        retain: bool,
        payload: Vec<u8>,
        content: Content,
    ) -> Result<(), PublishError> {
        PublishError::check(topic, &payload)?;
        self.client
            .try_publish_with_properties(topic, qos, retain, payload, content.properties())
            .map_err(PublishError::on(topic))
    }

    /// Queues a CBOR payload made elsewhere (a stored record), byte for byte, QoS 1, and its
    /// JSON mirror.
    pub async fn publish_cbor(&self, topic: &str, retain: bool, payload: Vec<u8>) -> Result<(), PublishError> {
        let mirror = self
            .json_mirror
            .then(|| ciborium::from_reader::<ciborium::Value, _>(payload.as_slice()).map(|value| to_json(&value)));
        self.publish_as(topic, retain, payload, Content::Cbor).await?;
        match mirror {
            Some(Ok(json)) => {
                self.publish_as(&self.topics.json_mirror(topic), retain, json, Content::Json)
                    .await?
            }
            Some(Err(error)) => {
                tracing::warn!(%error, topic, "A stored record is not valid CBOR; no JSON mirror for it")
            }
            None => {}
        }
        Ok(())
    }

    /// Queues `message` (and its JSON mirror); waits while the client's queue is full.
    pub async fn publish<T: serde::Serialize>(
        &self,
        topic: &str,
        qos: QoS,
        retain: bool,
        message: &T,
    ) -> Result<(), PublishError> {
        self.send(topic, qos, retain, to_cbor(message), Content::Cbor).await?;
        if self.json_mirror {
            let mirror = self.topics.json_mirror(topic);
            self.send(&mirror, qos, retain, to_json(message), Content::Json).await?;
        }
        Ok(())
    }

    /// Queues `message` (and its mirror) only if there is room now.
    pub fn try_publish<T: serde::Serialize>(
        &self,
        topic: &str,
        qos: QoS,
        retain: bool,
        message: &T,
    ) -> Result<(), PublishError> {
        self.try_send(topic, qos, retain, to_cbor(message), Content::Cbor)?;
        if self.json_mirror {
            let mirror = self.topics.json_mirror(topic);
            self.try_send(&mirror, qos, retain, to_json(message), Content::Json)?;
        }
        Ok(())
    }
}

/// The daemon's own connection to the broker.
pub struct Publisher {
    client: AsyncClient,
    outbox: Outbox,
    topics: Topics,
    device_id: String,
    /// What operators publish (taken once by `app`).
    operator_inbox: Option<OperatorInbox>,
    stats: Arc<ConnectionStats>,
    event_loop: tokio::task::JoinHandle<()>,
}

/// How long the publisher waits for the broker at start.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Bytes of an MQTT packet besides its payload that the daemon's connection allows: a topic of
/// the protocol's longest (64 KiB) and the fixed and variable headers.
const PACKET_HEADROOM: u32 = 65_536 + 1_024;

/// What health reports about the daemon's own connection to the broker.
#[derive(Debug, Default)]
pub struct ConnectionStats {
    /// Times the connection was lost and made again (subscriptions and `online` renewed).
    pub reconnects: AtomicU64,
    /// Times `offline` appeared on the status topic while the daemon ran (a last will the broker
    /// delivered late, or another client), and `online` was said again.
    pub status_corrected: AtomicU64,
    /// What the broker itself turned away before anything reached the daemon.
    broker: Arc<BrokerRefusals>,
    /// Set once the daemon says `offline` itself, on its way out.
    stopping: std::sync::atomic::AtomicBool,
}

impl Counters for ConnectionStats {
    type Snapshot = BusHealth;
    fn snapshot(&self) -> BusHealth {
        BusHealth {
            reconnects: self.reconnects.load(Ordering::Relaxed),
            status_corrected: self.status_corrected.load(Ordering::Relaxed),
            // Filled in from the control task's counters where health is assembled.
            refused: 0,
            broker_refused_connects: self.broker.connects.load(Ordering::Relaxed),
            broker_refused_publishes: self.broker.publishes.load(Ordering::Relaxed),
            broker_refused_malformed: self.broker.malformed_packets.load(Ordering::Relaxed),
        }
    }
}

impl Publisher {
    /// Connects to the broker's private listener with the daemon's login, announces `online`
    /// (retained) and leaves the last will `offline`. Returns once the broker has acknowledged
    /// the connection.
    pub async fn connect(login: &DaemonLogin, device_id: &str, config: &BusConfig) -> Result<Self, BusError> {
        let topics = Topics::new(device_id);
        let addr = login.addr;
        let mut options = MqttOptions::new(daemon_client_id(device_id), addr.ip().to_string(), addr.port());
        options.set_credentials(DAEMON_USERNAME, login.password.clone());
        options.set_keep_alive(Duration::from_secs(5));
        // Everything the broker accepts must reach the daemon too: rumqttc's own default (10 KiB)
        // let one larger message break this connection. Room for the topic and headers on top.
        options.set_max_packet_size(Some(config.max_payload_bytes.saturating_add(PACKET_HEADROOM)));
        let will_properties = LastWillProperties {
            delay_interval: None,
            payload_format_indicator: Content::Text.is_utf8(),
            message_expiry_interval: None,
            content_type: Some(Content::Text.content_type().into()),
            response_topic: None,
            correlation_data: None,
            user_properties: Vec::new(),
        };
        options.set_last_will(LastWill::new(
            topics.status(),
            "offline",
            QoS::AtLeastOnce,
            true,
            Some(will_properties),
        ));
        let (client, mut event_loop) = AsyncClient::new(options, 256);
        let deadline = tokio::time::Instant::now() + CONNECT_TIMEOUT;
        let not_reachable = |reason: String| BusError::NotReachable {
            addr,
            seconds: CONNECT_TIMEOUT.as_secs(),
            reason,
        };
        loop {
            match tokio::time::timeout_at(deadline, event_loop.poll()).await {
                Ok(Ok(Event::Incoming(Packet::ConnAck(_)))) => break,
                Ok(Ok(_)) => {}
                // The broker's listener thread may not be accepting yet: try again shortly.
                Ok(Err(_)) => tokio::time::sleep(Duration::from_millis(50)).await,
                Err(_) => return Err(not_reachable("no CONNACK".into())),
            }
        }
        let outbox = Outbox {
            client: client.clone(),
            topics: topics.clone(),
            json_mirror: config.json_mirror,
        };
        outbox
            .publish_as(&topics.status(), true, b"online".to_vec(), Content::Text)
            .await
            .map_err(|e| not_reachable(e.to_string()))?;
        let announcement = config.home_assistant.then(|| Announcement {
            status_topic: discovery::status_topic(&config.home_assistant_prefix),
            config_topic: discovery::config_topic(&config.home_assistant_prefix, device_id),
            document: discovery::document(&topics, device_id).to_string().into_bytes(),
        });
        // Its own status too: `offline` there while the daemon runs is corrected (see `drive`).
        let mut filters = vec![topics.config(), topics.commands_filter(), topics.status()];
        if let Some(announcement) = &announcement {
            filters.push(announcement.status_topic.clone());
            outbox
                .publish_as(
                    &announcement.config_topic,
                    true,
                    announcement.document.clone(),
                    Content::Json,
                )
                .await
                .map_err(|e| not_reachable(e.to_string()))?;
        }
        for filter in &filters {
            client
                .subscribe(filter.clone(), QoS::AtLeastOnce)
                .await
                .map_err(|e| not_reachable(e.to_string()))?;
        }
        tracing::info!(private_listener = %addr, "The daemon's own connection to the embedded broker is up");
        let stats = Arc::new(ConnectionStats {
            broker: login.refusals.clone(),
            ..ConnectionStats::default()
        });
        let (config_tx, config_rx) = tokio::sync::watch::channel(None);
        let (command_tx, command_rx) = mpsc::channel(WAITING_COMMANDS);
        Ok(Self {
            // The connection's driver is part of the bus stage, for a panic report too.
            event_loop: tokio::spawn(crate::stage::as_stage(
                "bus",
                drive(
                    event_loop,
                    outbox.clone(),
                    device_id.to_owned(),
                    Inboxes {
                        config: config_tx,
                        commands: command_tx,
                        announcement,
                        filters,
                        stats: stats.clone(),
                    },
                ),
            )),
            outbox,
            stats,
            client,
            topics,
            device_id: device_id.to_owned(),
            operator_inbox: Some(OperatorInbox {
                config: config_rx,
                commands: command_rx,
            }),
        })
    }

    /// What operators publish on the config and command topics; `None` after the first call.
    pub fn take_operator_inbox(&mut self) -> Option<OperatorInbox> {
        self.operator_inbox.take()
    }

    /// The outbox for tasks that publish beside the transcript stage (health, control).
    pub fn outbox(&self) -> Outbox {
        self.outbox.clone()
    }

    /// The connection's counters, for health.
    pub fn stats(&self) -> Arc<ConnectionStats> {
        self.stats.clone()
    }

    /// Publishes what the store stage hands on until it closes: committed records byte for
    /// byte as stored (QoS 1; the meeting state retained) and partials (QoS 0, not retained).
    /// Then says `offline` and disconnects. Returns how many final transcripts were published.
    pub async fn run_stage(self, ctx: StageContext<ConnectionStats>, mut stored: mpsc::Receiver<Published>) -> u64 {
        let mut published = 0;
        let partial_topic = self.topics.transcript_partial();
        while let Some(item) = stored.recv().await {
            let _work = ctx.heartbeat.working();
            match item {
                Published::Partial { partial, meeting } => {
                    let message = PartialMessage::new(&self.device_id, &partial, meeting);
                    if let Err(error) = self
                        .outbox
                        .try_publish(&partial_topic, QoS::AtMostOnce, false, &message)
                    {
                        tracing::debug!(%error, "A partial was not queued; the next one supersedes it");
                    }
                }
                Published::Record { topic, payload } => {
                    let (name, retain) = match topic {
                        RecordTopic::Transcript => (self.topics.transcript(), false),
                        RecordTopic::TranscriptRevision => (self.topics.transcript_revision(), false),
                        RecordTopic::Insight => (self.topics.insights(), false),
                        RecordTopic::Summary => (self.topics.summary(), false),
                        RecordTopic::Speakers => (self.topics.speakers(), false),
                        RecordTopic::Meeting => (self.topics.meeting(), true),
                    };
                    match self.outbox.publish_cbor(&name, retain, payload).await {
                        Ok(()) if topic == RecordTopic::Transcript => published += 1,
                        Ok(()) => {}
                        Err(error) => {
                            tracing::error!(%error, topic = %name, "Could not queue a stored record for publishing")
                        }
                    }
                }
            }
        }
        self.stats.stopping.store(true, Ordering::Relaxed);
        let _ = self
            .outbox
            .publish_as(&self.topics.status(), true, b"offline".to_vec(), Content::Text)
            .await;
        let _ = self.client.disconnect().await;
        if tokio::time::timeout(Duration::from_secs(5), self.event_loop)
            .await
            .is_err()
        {
            tracing::warn!("The MQTT publisher did not finish sending within 5 s");
        }
        published
    }
}

/// What operators publish, as the control task takes it: the newest configuration document
/// (a newer one supersedes one not yet checked, as on a retained topic: only the latest
/// counts), and commands, in order.
pub struct OperatorInbox {
    pub config: tokio::sync::watch::Receiver<Option<Vec<u8>>>,
    pub commands: mpsc::Receiver<Command>,
}

/// A payload on `cmd/<name>`.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    pub name: String,
    pub payload: Vec<u8>,
}

/// Commands waiting for the control task. One arriving when all are taken is answered at once
/// with a "busy" error (never silence).
const WAITING_COMMANDS: usize = 64;

/// The Home Assistant discovery document and where it goes.
struct Announcement {
    status_topic: String,
    config_topic: String,
    document: Vec<u8>,
}

/// Where `drive` hands what arrives, and what it renews after a reconnect.
struct Inboxes {
    config: tokio::sync::watch::Sender<Option<Vec<u8>>>,
    commands: mpsc::Sender<Command>,
    announcement: Option<Announcement>,
    /// The topic filters the daemon subscribes to.
    filters: Vec<String>,
    stats: Arc<ConnectionStats>,
}

/// Polls the client's event loop (which does the actual network I/O) until it disconnects,
/// handing what operators publish to the control task, and announcing the device again when
/// Home Assistant comes online. A lost connection is made again (the event loop reconnects on
/// the next poll); then the subscriptions are renewed and `online` replaces the last will.
async fn drive(mut event_loop: EventLoop, outbox: Outbox, device_id: String, inboxes: Inboxes) {
    let Inboxes {
        config,
        commands,
        announcement,
        filters,
        stats,
    } = inboxes;
    let topics = outbox.topics().clone();
    let (config_topic, command_prefix, status_topic) = (topics.config(), topics.command_prefix(), topics.status());
    let mut busy = 0u64;
    let mut connected = true;
    loop {
        match event_loop.poll().await {
            Ok(Event::Outgoing(Outgoing::Disconnect)) => return,
            Ok(Event::Incoming(Packet::ConnAck(_))) if !connected => {
                connected = true;
                let reconnects = stats.reconnects.fetch_add(1, Ordering::Relaxed) + 1;
                tracing::info!(
                    reconnects,
                    "Connection to the embedded broker made again; renewing subscriptions"
                );
                // Never wait here: this loop is what empties the client's queue.
                for filter in &filters {
                    if let Err(error) = outbox.client.try_subscribe(filter.clone(), QoS::AtLeastOnce) {
                        tracing::error!(%error, filter, "Could not subscribe again; commands and configuration may go unheard");
                    }
                }
                let renewed = outbox
                    .try_send(
                        &topics.status(),
                        QoS::AtLeastOnce,
                        true,
                        b"online".to_vec(),
                        Content::Text,
                    )
                    .and_then(|()| match &announcement {
                        Some(a) => outbox.try_send(
                            &a.config_topic,
                            QoS::AtLeastOnce,
                            true,
                            a.document.clone(),
                            Content::Json,
                        ),
                        None => Ok(()),
                    });
                if let Err(error) = renewed {
                    tracing::warn!(%error, "Could not queue the status after reconnecting");
                }
            }
            Ok(Event::Incoming(Packet::Publish(publish))) => {
                // Topics are UTF-8 by the protocol, and the broker checks it.
                let topic = String::from_utf8_lossy(&publish.topic);
                if let Some(a) = announcement.as_ref().filter(|a| topic == a.status_topic) {
                    if publish.payload.as_ref() == b"online" {
                        tracing::info!("Home Assistant came online; announcing the device again");
                        // Never wait here: this loop is what empties the client's queue.
                        let document = a.document.clone();
                        if let Err(error) =
                            outbox.try_send(&a.config_topic, QoS::AtLeastOnce, true, document, Content::Json)
                        {
                            tracing::warn!(%error, "Could not queue the Home Assistant announcement");
                        }
                    }
                    continue;
                }
                if topic == config_topic {
                    config.send_replace(Some(publish.payload.to_vec()));
                    continue;
                }
                if topic == status_topic {
                    // The broker may deliver the last will of a connection it dropped after the
                    // daemon has reconnected; the status is the daemon's, and it is running.
                    if publish.payload.as_ref() == b"offline" && !stats.stopping.load(Ordering::Relaxed) {
                        let corrected = stats.status_corrected.fetch_add(1, Ordering::Relaxed) + 1;
                        if corrected.is_power_of_two() {
                            tracing::warn!(
                                corrected,
                                "The status said offline while the daemon runs; saying online again"
                            );
                        }
                        if let Err(error) =
                            outbox.try_send(&status_topic, QoS::AtLeastOnce, true, b"online".to_vec(), Content::Text)
                        {
                            tracing::warn!(%error, "Could not queue the status");
                        }
                    }
                    continue;
                }
                let Some(name) = topics::name_in(&topic, &command_prefix) else {
                    continue;
                };
                let command = Command {
                    name,
                    payload: publish.payload.to_vec(),
                };
                if let Err(mpsc::error::TrySendError::Full(command)) = commands.try_send(command) {
                    busy += 1;
                    // A flood must not flood the journal too: 1, 2, 4, 8… are logged.
                    if busy.is_power_of_two() {
                        tracing::warn!(
                            busy,
                            "Commands are arriving faster than they are carried out; answering busy"
                        );
                    }
                    let reply = crate::wire::CommandReply::new(
                        &device_id,
                        &command.name,
                        crate::wire::transaction_of(&command.payload),
                        Err(format!(
                            "busy: {WAITING_COMMANDS} commands are waiting; send it again shortly"
                        )),
                    );
                    let _ = outbox.try_publish(&topics.command_reply(&command.name), QoS::AtLeastOnce, false, &reply);
                }
            }
            Ok(_) => {}
            Err(error) => {
                if std::mem::replace(&mut connected, false) {
                    tracing::warn!(%error, "Connection to the embedded broker lost; reconnecting");
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    }
}
