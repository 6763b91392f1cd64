//! Remote configuration: a partial document (a CBOR or JSON map) that operators publish, retained,
//! on `roomscribe/<device>/config`. It is merged over the file configuration and checked by the
//! same code as `roomscribe validate`, so a remote change can never be something the file could
//! not say. Pure: bytes in; the checked `Config`, or every error, out; plus which parts of the
//! daemon must restart to apply the change. Never touches the bus or the disk.

use super::validate::{validate_table, ConfigError, ConfigErrors};
use super::{BusConfig, Config};

/// A partial configuration as published: sections and fields to override, nothing else.
#[derive(Debug, Clone, PartialEq)]
pub struct Overrides(pub toml::Table);

fn error(field: &str, message: impl Into<String>) -> ConfigErrors {
    ConfigErrors(vec![ConfigError::new(field, message.into())])
}

impl Overrides {
    /// Reads a CBOR map, or a JSON object, whose keys are configuration sections and fields.
    pub fn decode(payload: &[u8]) -> Result<Self, ConfigErrors> {
        let value = match ciborium::from_reader::<ciborium::Value, _>(payload) {
            Ok(cbor) if cbor.is_map() => from_cbor(&cbor, "")?,
            _ => match serde_json::from_slice::<serde_json::Value>(payload) {
                Ok(json) => from_json(&json, "")?,
                Err(_) => {
                    return Err(error(
                        "",
                        "the document is neither a CBOR map nor a JSON object; publish a map of sections and fields, e.g. {\"vad\": {\"threshold\": 0.6}}",
                    ))
                }
            },
        };
        match value {
            toml::Value::Table(table) => Ok(Self(table)),
            _ => Err(error(
                "",
                "the document must be a map of sections and fields, e.g. {\"vad\": {\"threshold\": 0.6}}",
            )),
        }
    }

    /// The overrides laid over `base` (the file's own table): maps merge key by key, any other
    /// value replaces what was there.
    pub fn over(&self, base: &toml::Table) -> toml::Table {
        merge(base.clone(), &self.0)
    }

    /// The merged configuration, checked as `roomscribe validate` checks a file.
    pub fn apply_to(&self, base: &toml::Table) -> Result<Config, ConfigErrors> {
        validate_table(self.over(base))
    }

    /// The overrides as JSON, for keeping them on disk.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(&self.0).expect("a TOML table is valid JSON")
    }
}

fn merge(mut base: toml::Table, patch: &toml::Table) -> toml::Table {
    for (key, value) in patch {
        let merged = match (base.remove(key), value) {
            (Some(toml::Value::Table(old)), toml::Value::Table(new)) => toml::Value::Table(merge(old, new)),
            (_, new) => new.clone(),
        };
        base.insert(key.clone(), merged);
    }
    base
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn from_cbor(value: &ciborium::Value, path: &str) -> Result<toml::Value, ConfigErrors> {
    use ciborium::Value as C;
    Ok(match value {
        C::Bool(b) => toml::Value::Boolean(*b),
        C::Integer(i) => {
            let i = i64::try_from(i128::from(*i)).map_err(|_| error(path, "is an integer out of range"))?;
            toml::Value::Integer(i)
        }
        C::Float(f) => toml::Value::Float(*f),
        C::Text(t) => toml::Value::String(t.clone()),
        C::Array(items) => toml::Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| from_cbor(item, &format!("{path}[{i}]")))
                .collect::<Result<_, _>>()?,
        ),
        C::Map(entries) => {
            let mut table = toml::Table::new();
            for (key, item) in entries {
                let Some(key) = key.as_text() else {
                    return Err(error(path, "has a key that is not text"));
                };
                table.insert(key.to_owned(), from_cbor(item, &join(path, key))?);
            }
            toml::Value::Table(table)
        }
        C::Null => return Err(error(path, "is null; leave the field out to keep its current value")),
        _ => return Err(error(path, "is not a text, number, boolean, list or map")),
    })
}

fn from_json(value: &serde_json::Value, path: &str) -> Result<toml::Value, ConfigErrors> {
    use serde_json::Value as J;
    Ok(match value {
        J::Bool(b) => toml::Value::Boolean(*b),
        J::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => toml::Value::Integer(i),
            (None, Some(f)) => toml::Value::Float(f),
            _ => return Err(error(path, "is a number out of range")),
        },
        J::String(s) => toml::Value::String(s.clone()),
        J::Array(items) => toml::Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| from_json(item, &format!("{path}[{i}]")))
                .collect::<Result<_, _>>()?,
        ),
        J::Object(entries) => {
            let mut table = toml::Table::new();
            for (key, item) in entries {
                table.insert(key.clone(), from_json(item, &join(path, key))?);
            }
            toml::Value::Table(table)
        }
        J::Null => return Err(error(path, "is null; leave the field out to keep its current value")),
    })
}

/// The parts of the daemon that must restart for `new` to replace `old`; empty when every
/// change applies live.
pub fn restart_required(old: &Config, new: &Config) -> Vec<&'static str> {
    // Every section is named, so that a new one cannot be forgotten here.
    let Config {
        device_id,
        state_dir,
        vad,
        asr,
        speakers,
        bus,
        store,
        log,
        shutdown,
        watchdog,
        // Read live by their stages (`config::live`; a new `capture` reopens the device).
        capture: _,
        meaning: _,
        meeting: _,
        sync: _,
        board: _,
    } = old;
    let mut parts = Vec::new();
    // The device's name is in every topic, and the state folder holds the store and these
    // overrides: both are set up once at start.
    if *device_id != new.device_id || *state_dir != new.state_dir {
        parts.push("daemon");
    }
    if vad.model != new.vad.model {
        parts.push("vad");
    }
    let b = &new.asr;
    if (&asr.model_dir, asr.device, asr.compute_type, asr.threads)
        != (&b.model_dir, b.device, b.compute_type, b.threads)
    {
        parts.push("asr");
    }
    if (speakers.enabled, &speakers.model) != (new.speakers.enabled, &new.speakers.model) {
        parts.push("speakers");
    }
    // Everything of the bus but the health interval: listeners, limits, logins and the mirror
    // are set up when the broker and the publisher start.
    let without_interval = |bus: &BusConfig| BusConfig {
        health_interval_s: 0,
        ..bus.clone()
    };
    if without_interval(bus) != without_interval(&new.bus) {
        parts.push("bus");
    }
    if *store != new.store {
        parts.push("store");
    }
    // The log filter is installed once at start; the drain deadline is read at start too.
    if *log != new.log {
        parts.push("log");
    }
    if *shutdown != new.shutdown {
        parts.push("shutdown");
    }
    if *watchdog != new.watchdog {
        parts.push("watchdog");
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> toml::Table {
        "device_id = \"room-1\"\n[vad]\nthreshold = 0.4\nmin_silence_ms = 700\n"
            .parse()
            .unwrap()
    }

    fn cbor(value: &serde_json::Value) -> Vec<u8> {
        let mut out = Vec::new();
        ciborium::into_writer(value, &mut out).unwrap();
        out
    }

    #[test]
    fn a_cbor_document_overrides_only_what_it_names() {
        let doc = cbor(&serde_json::json!({"vad": {"threshold": 0.6}, "asr": {"hotwords": "Kubernetes"}}));
        let config = Overrides::decode(&doc).unwrap().apply_to(&file()).unwrap();
        assert_eq!(config.vad.threshold, 0.6);
        assert_eq!(config.vad.min_silence_ms, 700, "the file's value stays");
        assert_eq!(config.device_id, "room-1");
        assert_eq!(config.asr.hotwords, "Kubernetes");
    }

    #[test]
    fn a_json_document_works_too() {
        let config = Overrides::decode(br#"{"bus": {"health_interval_s": 5}}"#)
            .unwrap()
            .apply_to(&file())
            .unwrap();
        assert_eq!(config.bus.health_interval_s, 5);
    }

    #[test]
    fn errors_name_the_field_like_validate_does() {
        let fields = |doc: serde_json::Value| -> Vec<String> {
            Overrides::decode(&cbor(&doc))
                .and_then(|o| o.apply_to(&file()))
                .unwrap_err()
                .0
                .into_iter()
                .map(|e| e.field)
                .collect()
        };
        assert_eq!(
            fields(serde_json::json!({"vad": {"threshold": "high"}})),
            ["vad.threshold"]
        );
        assert_eq!(
            fields(serde_json::json!({"vad": {"threshold": 3.0}})),
            ["vad.threshold"]
        );
        assert_eq!(fields(serde_json::json!({"vad": {"treshold": 0.3}})), ["vad.treshold"]);
        assert_eq!(
            fields(serde_json::json!({"asr": {"beam_size": null}})),
            ["asr.beam_size"]
        );
    }

    #[test]
    fn garbage_and_non_maps_are_rejected_with_what_to_publish() {
        for payload in [&b"\xff\x00garbage"[..], b"[1, 2]", b"42", b""] {
            let errors = Overrides::decode(payload).unwrap_err();
            assert!(errors.0[0].message.contains("map"), "{payload:?}: {errors}");
        }
    }

    #[test]
    fn restarts_are_named_only_for_what_cannot_change_live() {
        let old = Config::default();
        let mut new = old.clone();
        new.vad.threshold = 0.7;
        new.asr.hotwords = "roadmap".into();
        assert!(restart_required(&old, &new).is_empty());
        new.bus.health_interval_s = 5;
        assert!(
            restart_required(&old, &new).is_empty(),
            "the health interval applies live"
        );
        new.capture.pcm = "hw:1".into();
        new.asr.model_dir = "/models/base.en".into();
        new.bus.users.push(crate::config::UserConfig {
            name: "it-ops".into(),
            password: "a-long-password".into(),
            role: crate::config::Role::Operator,
        });
        assert_eq!(
            restart_required(&old, &new),
            ["asr", "bus"],
            "a new capture section reopens the device"
        );
        new.log.level = "debug".into();
        new.shutdown.drain_timeout_s += 1;
        assert_eq!(
            restart_required(&old, &new),
            ["asr", "bus", "log", "shutdown"],
            "the log filter and the drain deadline are read once at start"
        );
        new.state_dir = "/data/elsewhere".into();
        assert_eq!(
            restart_required(&old, &new)[0],
            "daemon",
            "the store and the overrides live in the state folder"
        );
    }
}
