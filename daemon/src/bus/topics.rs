//! Every MQTT topic name roomscribe uses, built in one place (`roomscribe/<device_id>/...`).
//! Pure string building; nothing else in the daemon spells a topic.

/// The root every topic hangs from.
pub const ROOT: &str = "roomscribe";

/// The topics of one device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topics {
    base: String,
}

impl Topics {
    pub fn new(device_id: &str) -> Self {
        Self {
            base: format!("{ROOT}/{device_id}"),
        }
    }

    /// Retained `online`, or `offline` (last will, and on a clean stop).
    pub fn status(&self) -> String {
        format!("{}/status", self.base)
    }

    /// Final transcript segments, CBOR, QoS 1.
    pub fn transcript(&self) -> String {
        format!("{}/transcript", self.base)
    }

    /// Finals heard again with the speech around them and changed: the transcript payload
    /// with `revision` 2, the same `seq` and times, CBOR, QoS 1, not retained.
    pub fn transcript_revision(&self) -> String {
        format!("{}/transcript/revision", self.base)
    }

    /// Live partial hypotheses, CBOR, QoS 0, not retained, about once a second while someone
    /// speaks.
    pub fn transcript_partial(&self) -> String {
        format!("{}/transcript/partial", self.base)
    }

    /// Retained health snapshots, CBOR, every `bus.health_interval_s` and when capture changes
    /// state.
    pub fn health(&self) -> String {
        format!("{}/health", self.base)
    }

    /// Room events (long silence, high noise), CBOR, QoS 1, not retained.
    pub fn insights(&self) -> String {
        format!("{}/insights", self.base)
    }

    /// Meeting summaries, CBOR, QoS 1, not retained (also forwarded upstream).
    pub fn summary(&self) -> String {
        format!("{}/summary", self.base)
    }

    /// A finished meeting's corrected speaker labels, CBOR, QoS 1, not retained.
    pub fn speakers(&self) -> String {
        format!("{}/speakers", self.base)
    }

    /// The room's meeting state (started/ended), CBOR, QoS 1, retained.
    pub fn meeting(&self) -> String {
        format!("{}/meeting", self.base)
    }

    /// Retained desired configuration, written by operators: a partial CBOR or JSON document
    /// merged over the file.
    pub fn config(&self) -> String {
        format!("{}/config", self.base)
    }

    /// Retained outcome of the last configuration document: revision, accepted or rejected,
    /// every error, what waits for a restart.
    pub fn config_state(&self) -> String {
        format!("{}/config/state", self.base)
    }

    /// Where commands arrive: `cmd/<name>` (subscribe with `commands_filter`).
    pub fn command_prefix(&self) -> String {
        format!("{}/cmd/", self.base)
    }

    /// Every command topic, one level deep (replies are two levels deep and not included).
    pub fn commands_filter(&self) -> String {
        format!("{}/cmd/+", self.base)
    }

    /// The reply to command `name`, CBOR, QoS 1, not retained.
    pub fn command_reply(&self, name: &str) -> String {
        format!("{}/cmd/{name}/reply", self.base)
    }

    /// Where the JSON copy of a message on `topic` goes (`roomscribe/<device>/json/...`).
    pub fn json_mirror(&self, topic: &str) -> String {
        match topic.strip_prefix(&self.base) {
            Some(rest) => format!("{}/json{rest}", self.base),
            None => topic.to_owned(),
        }
    }

    /// Everything this device publishes.
    pub fn everything(&self) -> String {
        format!("{}/#", self.base)
    }

    /// Everything every roomscribe device on this broker publishes.
    pub fn every_device() -> String {
        format!("{ROOT}/+/#")
    }
}

/// The command name in `topic` (`roomscribe/<device>/cmd/<name>`), if it is a command topic
/// and not a reply.
pub fn name_in(topic: &str, prefix: &str) -> Option<String> {
    let name = topic.strip_prefix(prefix)?;
    (!name.is_empty() && !name.contains('/')).then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_mirror_hangs_under_json() {
        let topics = Topics::new("room-1");
        assert_eq!(
            topics.json_mirror(&topics.transcript()),
            "roomscribe/room-1/json/transcript"
        );
        assert_eq!(
            topics.json_mirror(&topics.command_reply("ping")),
            "roomscribe/room-1/json/cmd/ping/reply"
        );
    }

    #[test]
    fn topics_hang_from_the_device() {
        let t = Topics::new("room-4");
        assert_eq!(t.status(), "roomscribe/room-4/status");
        assert_eq!(t.transcript(), "roomscribe/room-4/transcript");
        assert_eq!(t.transcript_partial(), "roomscribe/room-4/transcript/partial");
        assert_eq!(t.transcript_revision(), "roomscribe/room-4/transcript/revision");
        assert_eq!(t.everything(), "roomscribe/room-4/#");
        assert_eq!(Topics::every_device(), "roomscribe/+/#");
    }

    #[test]
    fn only_command_topics_name_a_command() {
        let prefix = "roomscribe/room-1/cmd/";
        assert_eq!(name_in("roomscribe/room-1/cmd/ping", prefix).as_deref(), Some("ping"));
        assert_eq!(name_in("roomscribe/room-1/cmd/ping/reply", prefix), None);
        assert_eq!(name_in("roomscribe/room-1/cmd/", prefix), None);
        assert_eq!(name_in("roomscribe/room-1/config", prefix), None);
    }
}
