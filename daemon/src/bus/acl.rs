//! Who may publish where on the embedded broker: the pure topic rules (`TopicRules`) and the
//! per-listener ACLs the patched rumqttd asks (`ListenerAcl`). The broker enforces them; this
//! module never reads the network, the clock or the configuration file.
//!
//! Everything under `roomscribe/` (and this device's Home Assistant discovery document) is the
//! device's: only the daemon's own connection publishes there, except that operators (and local
//! clients on the device's loopback listeners) may publish on `config` and `cmd/<name>`, where
//! their messages are still checked for an operator's signature. Viewers publish nothing there.
//! Topics outside the namespace stay open to every client that may connect (Home Assistant
//! publishes its birth message on `<prefix>/status`, and the broker serves the room's other
//! dashboards too).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::topics::{Topics, ROOT};
use crate::config::Role;

/// Who publishes, as the broker knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Publisher {
    /// The daemon's own connection (its private listener and login).
    Daemon,
    /// A login with the `operator` role.
    Operator,
    /// A login with the `viewer` role.
    Viewer,
    /// Any client of a loopback listener: someone on the device itself, with no login checked.
    LocalClient,
}

/// The topics the rules protect, for one device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicRules {
    config: String,
    command_prefix: String,
    /// The Home Assistant discovery document's topic, when discovery is on.
    discovery: Option<String>,
    /// The daemon's own MQTT client id, which no other client may take over.
    daemon_client_id: String,
}

impl TopicRules {
    pub fn new(topics: &Topics, discovery: Option<String>, daemon_client_id: &str) -> Self {
        Self {
            config: topics.config(),
            command_prefix: topics.command_prefix(),
            discovery,
            daemon_client_id: daemon_client_id.to_owned(),
        }
    }

    /// Whether `who` may publish on `topic` (a message or a last will).
    pub fn may_publish(&self, who: Publisher, topic: &str) -> bool {
        let in_namespace = topic == ROOT || topic.starts_with(&format!("{ROOT}/"));
        let is_discovery = self.discovery.as_deref() == Some(topic);
        if who == Publisher::Daemon || !(in_namespace || is_discovery) {
            return true;
        }
        let inbound = topic == self.config || self.is_command(topic);
        inbound && matches!(who, Publisher::Operator | Publisher::LocalClient)
    }

    /// Whether a client that is not the daemon may connect with `client_id`: the daemon's own
    /// id is refused, so that no client can take its session over (and so silence it).
    pub fn may_connect(&self, who: Publisher, client_id: &str) -> bool {
        who == Publisher::Daemon || client_id != self.daemon_client_id
    }

    /// `cmd/<name>`: one level, not empty (replies are `cmd/<name>/reply`).
    fn is_command(&self, topic: &str) -> bool {
        topic
            .strip_prefix(&self.command_prefix)
            .is_some_and(|name| !name.is_empty() && !name.contains('/'))
    }
}

/// Which clients a listener serves.
#[derive(Debug, Clone)]
pub enum ListenerKind {
    /// The daemon's private listener: only its own login connects.
    Daemon,
    /// A loopback listener: anyone on the device, no login checked.
    Local,
    /// A listener for the room's network: only logins, checked by the broker, with their roles.
    Logins(HashMap<String, Role>),
}

/// What the broker's listeners turned away, counted for health.
#[derive(Debug, Default)]
pub struct BrokerRefusals {
    /// Connections that ended before a CONNECT was accepted (wrong login, refused client id or
    /// last will, a bad first packet, no CONNECT in time).
    pub connects: AtomicU64,
    /// Publishes on topics the client may not publish on.
    pub publishes: AtomicU64,
    /// Malformed packets and packets over `bus.max_payload_bytes`.
    pub malformed_packets: AtomicU64,
}

/// One listener's ACL, as rumqttd asks it; it counts what the listener refuses.
#[derive(Debug, Clone)]
pub struct ListenerAcl {
    rules: TopicRules,
    kind: ListenerKind,
    refusals: Arc<BrokerRefusals>,
}

impl ListenerAcl {
    pub fn new(rules: TopicRules, kind: ListenerKind, refusals: Arc<BrokerRefusals>) -> Self {
        Self { rules, kind, refusals }
    }

    /// Who a client of this listener is; `None` when it may not connect at all.
    fn publisher(&self, username: Option<&str>) -> Option<Publisher> {
        match &self.kind {
            ListenerKind::Daemon => Some(Publisher::Daemon),
            ListenerKind::Local => Some(Publisher::LocalClient),
            ListenerKind::Logins(roles) => match roles.get(username?)? {
                Role::Operator => Some(Publisher::Operator),
                Role::Viewer => Some(Publisher::Viewer),
            },
        }
    }
}

impl rumqttd::Acl for ListenerAcl {
    fn may_connect(&self, client_id: &str, username: Option<&str>) -> bool {
        self.publisher(username)
            .is_some_and(|who| self.rules.may_connect(who, client_id))
    }

    fn may_publish(&self, _client_id: &str, username: Option<&str>, topic: &str) -> bool {
        self.publisher(username)
            .is_some_and(|who| self.rules.may_publish(who, topic))
    }

    fn refused(&self, refusal: rumqttd::Refusal) {
        let counter = match refusal {
            rumqttd::Refusal::Connect => &self.refusals.connects,
            rumqttd::Refusal::Publish => &self.refusals.publishes,
            rumqttd::Refusal::MalformedPacket => &self.refusals.malformed_packets,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rumqttd::Acl;

    fn rules() -> TopicRules {
        let topics = Topics::new("room-1");
        TopicRules::new(
            &topics,
            Some("homeassistant/device/roomscribe_room-1/config".into()),
            "roomscribe-room-1",
        )
    }

    const OUTPUTS: [&str; 13] = [
        "roomscribe/room-1/status",
        "roomscribe/room-1/speakers",
        "roomscribe/room-1/transcript",
        "roomscribe/room-1/transcript/partial",
        "roomscribe/room-1/insights",
        "roomscribe/room-1/summary",
        "roomscribe/room-1/meeting",
        "roomscribe/room-1/health",
        "roomscribe/room-1/config/state",
        "roomscribe/room-1/cmd/ping/reply",
        "roomscribe/room-1/json/transcript",
        "homeassistant/device/roomscribe_room-1/config",
        "roomscribe/room-1//status",
    ];

    #[test]
    fn only_the_daemon_publishes_on_the_devices_outputs() {
        let rules = rules();
        for topic in OUTPUTS {
            assert!(rules.may_publish(Publisher::Daemon, topic), "{topic}");
            for who in [Publisher::Operator, Publisher::Viewer, Publisher::LocalClient] {
                assert!(!rules.may_publish(who, topic), "{who:?} on {topic}");
            }
        }
    }

    #[test]
    fn operators_and_local_clients_configure_and_command_viewers_do_not() {
        let rules = rules();
        for topic in ["roomscribe/room-1/config", "roomscribe/room-1/cmd/ping"] {
            assert!(rules.may_publish(Publisher::Operator, topic));
            assert!(rules.may_publish(Publisher::LocalClient, topic));
            assert!(!rules.may_publish(Publisher::Viewer, topic), "{topic}");
        }
        assert!(!rules.may_publish(Publisher::Operator, "roomscribe/room-1/cmd/"));
        assert!(!rules.may_publish(Publisher::Operator, "roomscribe/room-2/config"));
        assert!(!rules.may_publish(Publisher::Operator, "roomscribe"));
    }

    #[test]
    fn topics_outside_the_namespace_stay_open() {
        let rules = rules();
        assert!(rules.may_publish(Publisher::Viewer, "homeassistant/status"));
        assert!(rules.may_publish(Publisher::LocalClient, "office/lights"));
        assert!(rules.may_publish(Publisher::Viewer, "roomscribers/x"));
    }

    #[test]
    fn no_client_takes_the_daemons_session() {
        let rules = rules();
        assert!(!rules.may_connect(Publisher::LocalClient, "roomscribe-room-1"));
        assert!(!rules.may_connect(Publisher::Operator, "roomscribe-room-1"));
        assert!(rules.may_connect(Publisher::Daemon, "roomscribe-room-1"));
        assert!(rules.may_connect(Publisher::Viewer, "dashboard"));
    }

    #[test]
    fn a_listener_for_logins_knows_roles_and_refuses_unknown_names() {
        let roles = HashMap::from([("it-ops".to_owned(), Role::Operator), ("wall".to_owned(), Role::Viewer)]);
        let lan = ListenerAcl::new(rules(), ListenerKind::Logins(roles), Arc::default());
        assert!(lan.may_publish("c", Some("it-ops"), "roomscribe/room-1/config"));
        assert!(!lan.may_publish("c", Some("wall"), "roomscribe/room-1/config"));
        assert!(!lan.may_publish("c", None, "homeassistant/status"));
        assert!(!lan.may_connect("c", Some("stranger")));
        let local = ListenerAcl::new(rules(), ListenerKind::Local, Arc::default());
        assert!(
            !local.may_publish("c", Some("it-ops"), "roomscribe/room-1/status"),
            "a loopback listener checks no login, so a name gives nothing"
        );
    }

    #[test]
    fn every_listener_counts_what_it_refuses_in_one_place() {
        let refusals = Arc::new(BrokerRefusals::default());
        let local = ListenerAcl::new(rules(), ListenerKind::Local, refusals.clone());
        let daemon = ListenerAcl::new(rules(), ListenerKind::Daemon, refusals.clone());
        local.refused(rumqttd::Refusal::MalformedPacket);
        local.refused(rumqttd::Refusal::Publish);
        daemon.refused(rumqttd::Refusal::MalformedPacket);
        local.refused(rumqttd::Refusal::Connect);
        assert_eq!(refusals.malformed_packets.load(Ordering::Relaxed), 2);
        assert_eq!(refusals.publishes.load(Ordering::Relaxed), 1);
        assert_eq!(refusals.connects.load(Ordering::Relaxed), 1);
    }
}
