//! The one place configuration is checked. Every error is collected, so `roomscribe validate`
//! (and the unit's `ExecStartPre`) lists them all at once, each naming its field.
//!
//! Checking goes field by field: every section has serde defaults, so a table holding a single
//! key deserializes on its own and any unknown field, wrong type or unknown variant is reported
//! against exactly that key. Then the whole file is deserialized and the value rules are applied.

use std::fmt;
use std::net::SocketAddr;

use super::{CaptureSource, Config, AUTO_LANGUAGE};

/// One problem, naming the field (`vad.min_silence_ms`) and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub field: String,
    pub message: String,
}

impl ConfigError {
    /// An error about `field`; both parts are cut to a readable length (a value quoted in the
    /// message may be megabytes long).
    pub fn new(field: impl AsRef<str>, message: impl AsRef<str>) -> Self {
        Self {
            field: crate::bounded::cut(field.as_ref(), crate::bounded::QUOTE_CHARS),
            message: crate::bounded::cut(message.as_ref(), 2 * crate::bounded::QUOTE_CHARS),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

/// Every problem found in one document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigErrors(pub Vec<ConfigError>);

/// The most errors listed for one document; the rest are counted in one last line (a document
/// with thousands of unknown keys would otherwise give megabytes of errors).
pub const MAX_LISTED_ERRORS: usize = 20;

impl ConfigErrors {
    /// `errors`, the first `MAX_LISTED_ERRORS` of them and a count of the rest.
    fn listed(mut errors: Vec<ConfigError>) -> Self {
        if errors.len() > MAX_LISTED_ERRORS {
            let more = errors.len() - MAX_LISTED_ERRORS;
            errors.truncate(MAX_LISTED_ERRORS);
            errors.push(ConfigError::new("", format!("…and {more} more errors")));
        }
        Self(errors)
    }
}

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

/// Parses a TOML document and checks it; on success the config is ready to run with.
/// Fields with a structural error (unknown, wrong type) are reported and then left at their
/// defaults, so the value rules still run on everything else and one pass lists every error.
pub fn parse_and_validate(text: &str) -> Result<Config, ConfigErrors> {
    validate_table(parse_table(text)?)
}

/// Parses a configuration file's bytes into its table, without checking what it says: TOML
/// is UTF-8, and a file that is not says at which byte it stops being so.
pub fn parse_file(bytes: &[u8]) -> Result<toml::Table, ConfigErrors> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        ConfigErrors(vec![ConfigError::new(
            "",
            format!(
                "not UTF-8 text: the byte at offset {} is not valid UTF-8; save the file as UTF-8 (TOML requires it)",
                e.valid_up_to()
            ),
        )])
    })?;
    parse_table(text)
}

/// Parses a TOML document into its table, without checking what it says.
pub fn parse_table(text: &str) -> Result<toml::Table, ConfigErrors> {
    text.parse().map_err(|e: toml::de::Error| {
        ConfigErrors(vec![ConfigError::new(
            "",
            format!("not valid TOML: {}", e.message().trim()),
        )])
    })
}

/// Checks a configuration already parsed into a table (a file, or a file with remote overrides
/// laid over it).
pub fn validate_table(mut table: toml::Table) -> Result<Config, ConfigErrors> {
    let mut errors = Vec::new();
    let mut rejected: Vec<(String, Option<String>)> = Vec::new();
    for (key, value) in &table {
        let section = match value {
            toml::Value::Table(section) => Some(section),
            _ => None,
        };
        let bad_fields = match section {
            Some(section) if is_section(key) => check_each_field(key, section, &mut errors),
            _ => {
                if !check_one("", key, value, &mut errors) {
                    rejected.push((key.clone(), None));
                }
                continue;
            }
        };
        rejected.extend(bad_fields.into_iter().map(|field| (key.clone(), Some(field))));
    }
    for (key, field) in rejected {
        match (field, table.get_mut(&key)) {
            (Some(field), Some(toml::Value::Table(section))) => {
                section.remove(&field);
            }
            _ => {
                table.remove(&key);
            }
        }
    }
    let config: Config = toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| ConfigErrors(vec![ConfigError::new("", e.message().trim())]))?;
    errors.extend(check_values(&config));
    if errors.is_empty() {
        Ok(config)
    } else {
        Err(ConfigErrors::listed(errors))
    }
}

/// Whether `key` names a section (a table of `Config`), from `Config` itself: a new section
/// needs no edit here.
fn is_section(key: &str) -> bool {
    static SECTIONS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    SECTIONS
        .get_or_init(|| match toml::Value::try_from(Config::default()) {
            Ok(toml::Value::Table(defaults)) => defaults
                .into_iter()
                .filter(|(_, value)| value.is_table())
                .map(|(name, _)| name)
                .collect(),
            _ => Vec::new(),
        })
        .iter()
        .any(|name| name == key)
}

/// Checks each field of a section alone; returns the names of the fields that failed.
fn check_each_field(section: &str, table: &toml::Table, errors: &mut Vec<ConfigError>) -> Vec<String> {
    table
        .iter()
        .filter(|(key, value)| !check_one(section, key, value, errors))
        .map(|(key, _)| key.clone())
        .collect()
}

/// Deserializes `{key = value}` alone (inside `[section]` when there is one) as a `Config`,
/// recording any error against `section.key`.
fn check_one(section: &str, key: &str, value: &toml::Value, errors: &mut Vec<ConfigError>) -> bool {
    let mut single = toml::Table::new();
    single.insert(key.to_owned(), value.clone());
    let document = if section.is_empty() {
        single
    } else {
        toml::Table::from_iter([(section.to_owned(), toml::Value::Table(single))])
    };
    match toml::Value::Table(document).try_into::<Config>() {
        Ok(_) => true,
        Err(e) => {
            let field = if section.is_empty() {
                key.to_owned()
            } else {
                format!("{section}.{key}")
            };
            errors.push(ConfigError::new(field, e.message().trim()));
            false
        }
    }
}

/// Collects value-rule failures.
struct Checks(Vec<ConfigError>);

impl Checks {
    fn require(&mut self, ok: bool, field: &str, message: impl FnOnce() -> String) {
        if !ok {
            self.0.push(ConfigError::new(field, message()));
        }
    }

    /// `value` must lie in `low..=high`; `why` (may be empty) explains the bound.
    fn range<T: PartialOrd + std::fmt::Display + Default + Copy>(
        &mut self,
        field: &str,
        value: T,
        low: T,
        high: T,
        why: &str,
    ) {
        let separator = if low < T::default() { " to " } else { "-" };
        self.require((low..=high).contains(&value), field, || {
            let why = if why.is_empty() {
                String::new()
            } else {
                format!(" ({why})")
            };
            format!("{value} is out of range {low}{separator}{high}{why}")
        });
    }
}

/// The value rules: ranges, formats and fields that depend on each other.
fn check_values(c: &Config) -> Vec<ConfigError> {
    let mut check = Checks(Vec::new());
    let id_ok = !c.device_id.is_empty()
        && c.device_id.len() <= 64
        && c.device_id
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-');
    check.require(id_ok, "device_id", || {
        format!(
            "{:?} must be 1-64 characters of A-Z, a-z, 0-9, '_' or '-' (it is part of every MQTT topic)",
            c.device_id
        )
    });

    let cap = &c.capture;
    check.range("capture.rate", cap.rate, 8_000, 192_000, "");
    check.range("capture.channels", cap.channels, 1, 8, "");
    for &channel in &cap.use_channels {
        check.require(channel < cap.channels, "capture.use_channels", || {
            format!(
                "names channel {channel}, but capture.channels is {} (channels are 0-based)",
                cap.channels
            )
        });
    }
    check.require(
        cap.use_channels.len() == cap.use_channels.iter().collect::<std::collections::HashSet<_>>().len(),
        "capture.use_channels",
        || "names a channel twice".into(),
    );
    check.range("capture.buffer_periods", cap.buffer_periods, 2, 64, "");
    check.range("capture.ring_ms", cap.ring_ms, 500, 240_000, "");
    check.range("capture.retry_initial_ms", cap.retry_initial_ms, 50, 60_000, "");
    check.range(
        "capture.retry_max_ms",
        cap.retry_max_ms,
        cap.retry_initial_ms.clamp(50, 60_000),
        600_000,
        "it must be at least capture.retry_initial_ms",
    );
    check.range("capture.period_frames", cap.period_frames, 32, 16_000, "");
    check.require(!cap.pcm.trim().is_empty(), "capture.pcm", || {
        "must name an ALSA PCM, e.g. \"default\" or \"hw:1,0\"".into()
    });
    check.require(
        cap.source != CaptureSource::Wav || !cap.file.as_os_str().is_empty(),
        "capture.file",
        || "must name a WAV file when capture.source = \"wav\"".into(),
    );

    let vad = &c.vad;
    check.range("vad.threshold", vad.threshold, 0.05, 0.95, "");
    check.range("vad.margin_db", vad.margin_db, 3.0, 40.0, "");
    check.range("vad.min_level_dbfs", vad.min_level_dbfs, -90.0, -10.0, "");
    check.range("vad.min_speech_ms", vad.min_speech_ms, 0, 5_000, "");
    check.range("vad.pause_ms", vad.pause_ms, 32, 5_000, "");
    check.range("vad.min_silence_ms", vad.min_silence_ms, 100, 10_000, "");
    check.require(vad.pause_ms <= vad.min_silence_ms, "vad.pause_ms", || {
        format!(
            "must not be longer than vad.min_silence_ms ({} ms): a pause is silence before the segment ends",
            vad.min_silence_ms
        )
    });
    check.range("vad.speech_pad_ms", vad.speech_pad_ms, 0, 2_000, "");
    check.range(
        "vad.max_segment_s",
        vad.max_segment_s,
        1.0,
        30.0,
        "one Whisper window is 30 s",
    );
    check.range("vad.metrics_interval_s", vad.metrics_interval_s, 1, 3_600, "");
    check.range("vad.long_silence_s", vad.long_silence_s, 5, 86_400, "");
    check.range("vad.high_noise_dbfs", vad.high_noise_dbfs, -90.0, 0.0, "");

    let asr = &c.asr;
    check.require(!asr.model_dir.as_os_str().is_empty(), "asr.model_dir", || {
        "must name a Whisper model folder".into()
    });
    check.range("asr.threads", asr.threads, 0, 64, "");
    check.range("asr.beam_size", asr.beam_size, 1, 16, "");
    check.range("asr.best_of", asr.best_of, 1, 16, "");
    check.range("asr.patience", asr.patience, 0.5, 4.0, "");
    check.require(
        !asr.temperatures.is_empty()
            && asr.temperatures.iter().all(|t| (0.0..=1.0).contains(t))
            && asr.temperatures.windows(2).all(|w| w[0] < w[1]),
        "asr.temperatures",
        || {
            format!(
                "{:?} must be a non-empty ascending list of values 0-1",
                asr.temperatures
            )
        },
    );
    check.range(
        "asr.compression_ratio_threshold",
        asr.compression_ratio_threshold,
        1.0,
        10.0,
        "",
    );
    check.range("asr.logprob_threshold", asr.logprob_threshold, -10.0, 0.0, "");
    check.range("asr.no_speech_threshold", asr.no_speech_threshold, 0.0, 1.0, "");
    check.range("asr.context_reset_s", asr.context_reset_s, 0.0, 3600.0, "");
    for (field, text) in [
        ("asr.initial_prompt", &asr.initial_prompt),
        ("asr.hotwords", &asr.hotwords),
    ] {
        let length = text.chars().count();
        check.require(length <= 1000, field, || {
            format!("is {length} characters; keep it under 1000 (the model sees at most 223 tokens)")
        });
    }
    let is_code = (2..=3).contains(&asr.language.len()) && asr.language.chars().all(|ch| ch.is_ascii_lowercase());
    check.require(is_code || asr.language == AUTO_LANGUAGE, "asr.language", || {
        format!(
            "{:?} must be a Whisper language code such as \"en\" or \"de\", or \"auto\"",
            asr.language
        )
    });

    let bus = &c.bus;
    for (field, listen, example) in [
        ("bus.listen", &bus.listen, "127.0.0.1:1883"),
        ("bus.mqtt5_listen", &bus.mqtt5_listen, "127.0.0.1:1885"),
    ] {
        check.require(listen.parse::<SocketAddr>().is_ok(), field, || {
            format!("{listen:?} must be an IP address and port, e.g. \"{example}\"")
        });
    }
    check.range("bus.max_payload_bytes", bus.max_payload_bytes, 1_024, 16_777_216, "");
    check.range("bus.max_connections", bus.max_connections, 2, 10_000, "");
    check.range("bus.health_interval_s", bus.health_interval_s, 1, 3_600, "");
    check.require(!bus.home_assistant || bus.json_mirror, "bus.home_assistant", || {
        "needs bus.json_mirror = true: Home Assistant reads JSON, not CBOR".into()
    });
    check.require(
        !bus.home_assistant_prefix.is_empty() && !bus.home_assistant_prefix.contains(['+', '#', '/']),
        "bus.home_assistant_prefix",
        || {
            format!(
                "{:?} must be one topic level without wildcards, e.g. \"homeassistant\"",
                bus.home_assistant_prefix
            )
        },
    );
    for (field, listen, example) in [
        ("bus.lan_listen", &bus.lan_listen, "0.0.0.0:1884"),
        ("bus.lan_mqtt5_listen", &bus.lan_mqtt5_listen, "0.0.0.0:1886"),
        ("bus.tls_listen", &bus.tls_listen, "0.0.0.0:8883"),
        ("bus.websocket_listen", &bus.websocket_listen, "0.0.0.0:9001"),
    ] {
        if listen.is_empty() {
            continue;
        }
        check.require(listen.parse::<SocketAddr>().is_ok(), field, || {
            format!("{listen:?} must be an IP address and port, e.g. \"{example}\"")
        });
        check.require(!bus.users.is_empty(), "bus.users", || {
            format!("must name at least one user when {field} is set (no one could log in)")
        });
    }
    if !bus.tls_listen.is_empty() {
        for (field, file) in [
            ("bus.tls_cert_file", &bus.tls_cert_file),
            ("bus.tls_key_file", &bus.tls_key_file),
        ] {
            check.require(!file.as_os_str().is_empty(), field, || {
                "must name a PEM file when bus.tls_listen is set".into()
            });
        }
    }
    let mut names = std::collections::HashSet::new();
    for user in &bus.users {
        check.require((1..=64).contains(&user.name.len()), "bus.users", || {
            format!("user name {:?} must be 1-64 characters", user.name)
        });
        check.require(names.insert(&user.name), "bus.users", || {
            format!("user {:?} is listed twice", user.name)
        });
        check.require(user.password.chars().count() >= 12, "bus.users", || {
            format!("the password of {:?} is shorter than 12 characters", user.name)
        });
    }

    let store = &c.store;
    check.require(!store.path.as_os_str().is_empty(), "store.path", || {
        "must name the database file, e.g. \"roomscribe.db\"".into()
    });
    check.range("store.disk_budget_mib", store.disk_budget_mib, 1, 1_048_576, "");
    check.require(
        store.hard_cap_mib >= store.disk_budget_mib,
        "store.hard_cap_mib",
        || {
            format!(
                "{} must be at least store.disk_budget_mib ({})",
                store.hard_cap_mib, store.disk_budget_mib
            )
        },
    );
    check.range("meeting.end_after_quiet_s", c.meeting.end_after_quiet_s, 5, 86_400, "");

    let speakers = &c.speakers;
    check.require(
        !speakers.enabled || !speakers.model.as_os_str().is_empty(),
        "speakers.model",
        || "must name the CAM++ weights file when speakers.enabled is true".into(),
    );
    check.range("speakers.window_s", speakers.window_s, 0.5, 5.0, "");
    for (field, value) in [
        ("speakers.same_speaker", speakers.same_speaker),
        ("speakers.change_similarity", speakers.change_similarity),
        ("speakers.recluster_similarity", speakers.recluster_similarity),
        ("speakers.known_voice_match", speakers.known_voice_match),
    ] {
        check.range(field, value, 0.0, 1.0, "a cosine similarity");
    }
    check.range("speakers.min_new_speaker_s", speakers.min_new_speaker_s, 0.2, 10.0, "");
    check.range("speakers.max_speakers", speakers.max_speakers, 1, 32, "");
    check.range("speakers.min_talk_s", speakers.min_talk_s, 0.0, 600.0, "");
    check.range("speakers.forget_after_s", speakers.forget_after_s, 30, 86_400, "");

    check.range("board.thermal_limit_c", c.board.thermal_limit_c, 40.0, 120.0, "");

    let meaning = &c.meaning;
    check.require(
        crate::meaning::LANGUAGES.contains(&meaning.language.as_str()),
        "meaning.language",
        || {
            format!(
                "{:?} has no cue table; use one of {:?} (or set meaning.enabled = false)",
                meaning.language,
                crate::meaning::LANGUAGES
            )
        },
    );
    check.range("meaning.keyword_interval_s", meaning.keyword_interval_s, 10, 3_600, "");
    check.range("meaning.keyword_window_s", meaning.keyword_window_s, 30, 7_200, "");
    check.range("meaning.min_confidence", meaning.min_confidence, 0.0, 1.0, "");
    for kind in &meaning.live_kinds {
        check.require(
            super::MEANING_KINDS.contains(&kind.as_str()),
            "meaning.live_kinds",
            || format!("{kind:?} is not a kind; use any of {:?}", super::MEANING_KINDS),
        );
    }

    let sync = &c.sync;
    if !sync.host.is_empty() {
        check.require(
            !sync.host.contains(char::is_whitespace) && !sync.host.contains('/'),
            "sync.host",
            || {
                format!(
                    "{:?} must be a host name or address, without a scheme or path",
                    sync.host
                )
            },
        );
        check.require(sync.port != 0, "sync.port", || "must be 1-65535".into());
        check.require(
            !sync.tls || !sync.ca_file.as_os_str().is_empty(),
            "sync.ca_file",
            || "must name a PEM file of trusted certificate authorities when sync.tls is true".into(),
        );
    }
    check.require(
        !sync.topic_prefix.is_empty()
            && !sync.topic_prefix.contains(['+', '#'])
            && !sync.topic_prefix.starts_with('/')
            && !sync.topic_prefix.ends_with('/'),
        "sync.topic_prefix",
        || {
            format!(
                "{:?} must be a topic path without wildcards or leading/trailing '/'",
                sync.topic_prefix
            )
        },
    );
    check.require(sync.client_id.len() <= 64, "sync.client_id", || {
        "must be at most 64 characters".into()
    });
    check.range("sync.backoff_max_s", sync.backoff_max_s, 1, 3_600, "");

    check.require(
        tracing_subscriber::EnvFilter::try_new(&c.log.level).is_ok(),
        "log.level",
        || {
            format!(
                "{:?} is not a log filter such as \"info\" or \"roomscribe=debug,warn\"",
                c.log.level
            )
        },
    );
    check.range(
        "shutdown.drain_timeout_s",
        c.shutdown.drain_timeout_s,
        1,
        300,
        "keep it below the unit's TimeoutStopSec",
    );
    check.range(
        "watchdog.stuck_after_s",
        c.watchdog.stuck_after_s,
        2,
        3_600,
        "keep it above ASR's slowest window on this hardware",
    );
    check.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors_of(text: &str) -> Vec<ConfigError> {
        parse_and_validate(text).expect_err("config should be rejected").0
    }

    fn fields(errors: &[ConfigError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_file_that_is_not_utf8_names_the_byte() {
        let errors = parse_file(b"device_id = \"r\xe9\"\n")
            .expect_err("Latin-1 is refused")
            .0;
        assert_eq!(errors.len(), 1);
        assert!(errors[0].to_string().contains("offset 14"), "{}", errors[0]);
        assert!(parse_file("device_id = \"r\u{e9}\"\n".as_bytes()).is_ok());
    }

    #[test]
    fn empty_file_means_every_default() {
        assert_eq!(parse_and_validate("").unwrap(), Config::default());
    }

    #[test]
    fn shipped_firmware_config_is_valid_and_equals_the_defaults() {
        let text = include_str!("../../../firmware-config/roomscribe.toml");
        assert_eq!(parse_and_validate(text).unwrap(), Config::default());
    }

    #[test]
    fn thousands_of_errors_are_listed_twenty_and_counted() {
        let text: String = std::iter::once("[vad]\n".to_owned())
            .chain((0..5_000).map(|i| format!("unknown_{i} = 1\n")))
            .collect();
        let errors = errors_of(&text);
        assert_eq!(errors.len(), MAX_LISTED_ERRORS + 1);
        assert_eq!(errors[0].field, "vad.unknown_0");
        assert_eq!(errors[MAX_LISTED_ERRORS].message, "…and 4980 more errors");
        assert!(ConfigErrors(errors).to_string().len() < 40_000);
    }

    #[test]
    fn unknown_field_is_named_with_its_section() {
        let errors = errors_of("[vad]\nmin_silense_ms = 300\n");
        assert_eq!(fields(&errors), ["vad.min_silense_ms"]);
        assert!(errors[0].message.contains("unknown field"), "{}", errors[0].message);
        assert!(
            errors[0].message.contains("min_silence_ms"),
            "lists the valid names: {}",
            errors[0].message
        );
    }

    #[test]
    fn every_section_names_its_unknown_field_and_keeps_the_rest() {
        let shipped = parse_table(include_str!("../../../firmware-config/roomscribe.toml")).unwrap();
        let sections: Vec<&String> = shipped.iter().filter(|(_, v)| v.is_table()).map(|(k, _)| k).collect();
        assert!(sections.len() >= 9, "the shipped file has every section: {sections:?}");
        for section in sections {
            let errors = errors_of(&format!("[{section}]\nno_such_field = 1\n"));
            assert_eq!(fields(&errors), [format!("{section}.no_such_field")], "{section}");
        }
        let errors = errors_of("[sync]\nhots = 1\nhost = \"broker.example\"\nport = 0\n");
        assert_eq!(
            fields(&errors),
            ["sync.hots", "sync.port"],
            "a misspelt field does not hide the section's other errors"
        );
    }

    #[test]
    fn a_pause_may_not_outlast_the_silence_that_ends_a_segment() {
        let errors = errors_of("[vad]\npause_ms = 700\nmin_silence_ms = 600\n");
        assert_eq!(fields(&errors), ["vad.pause_ms"]);
        assert!(errors[0].message.contains("600 ms"), "{}", errors[0].message);
        assert!(parse_and_validate("[vad]\npause_ms = 600\nmin_silence_ms = 600\n").is_ok());
    }

    #[test]
    fn language_is_a_whisper_code_or_auto() {
        for accepted in ["de", "haw", "auto"] {
            let text = format!("[asr]\nlanguage = \"{accepted}\"\n");
            assert!(parse_and_validate(&text).is_ok(), "{accepted}");
        }
        for rejected in ["German", "e", "DE", "autodetect"] {
            let errors = errors_of(&format!("[asr]\nlanguage = \"{rejected}\"\n"));
            assert_eq!(fields(&errors), ["asr.language"], "{rejected}");
            assert!(errors[0].message.contains("\"auto\""), "{}", errors[0].message);
        }
    }

    #[test]
    fn unknown_section_is_named() {
        let errors = errors_of("[vda]\nmargin_db = 3\n");
        assert_eq!(fields(&errors), ["vda"]);
        assert!(errors[0].message.contains("unknown field"));
    }

    #[test]
    fn wrong_type_is_named_with_what_was_expected() {
        let errors = errors_of("[bus]\nmax_connections = \"many\"\n");
        assert_eq!(fields(&errors), ["bus.max_connections"]);
        assert!(errors[0].message.contains("invalid type"), "{}", errors[0].message);
    }

    #[test]
    fn unknown_variant_is_named() {
        let errors = errors_of("[capture]\npacing = \"fast\"\n");
        assert_eq!(fields(&errors), ["capture.pacing"]);
        assert!(
            errors[0].message.contains("realtime"),
            "lists the variants: {}",
            errors[0].message
        );
    }

    #[test]
    fn out_of_range_value_is_named_with_the_range() {
        let errors = errors_of("[vad]\nmax_segment_s = 45.0\n");
        assert_eq!(fields(&errors), ["vad.max_segment_s"]);
        assert!(errors[0].message.contains("1-30"));
    }

    #[test]
    fn every_structural_error_is_listed_at_once() {
        let errors = errors_of("devce_id = \"x\"\n[vad]\nmargin_db = \"loud\"\nfoo = 1\n[bus]\nmax_connections = -1\n");
        assert_eq!(
            fields(&errors),
            ["devce_id", "vad.margin_db", "vad.foo", "bus.max_connections"]
        );
    }

    #[test]
    fn structural_and_value_errors_are_listed_together() {
        let errors = errors_of("[vad]\nmargin_db = \"loud\"\nmax_segment_s = 45.0\n");
        assert_eq!(fields(&errors), ["vad.margin_db", "vad.max_segment_s"]);
    }

    #[test]
    fn every_value_error_is_listed_at_once() {
        let text = "device_id = \"room 1\"\n[capture]\nrate = 4000\nsource = \"wav\"\n[bus]\nlisten = \"localhost\"\n";
        let errors = errors_of(text);
        assert_eq!(
            fields(&errors),
            ["device_id", "capture.rate", "capture.file", "bus.listen"]
        );
    }

    #[test]
    fn every_listener_address_is_checked_and_logins_go_with_the_lan_ones() {
        let errors = errors_of("[bus]\nmqtt5_listen = \"\"\nlan_mqtt5_listen = \"lan\"\n");
        assert_eq!(
            fields(&errors),
            ["bus.mqtt5_listen", "bus.lan_mqtt5_listen", "bus.users"]
        );
        assert!(errors[0].message.contains("127.0.0.1:1885"), "{}", errors[0].message);
        assert!(
            errors[2].message.contains("bus.lan_mqtt5_listen"),
            "{}",
            errors[2].message
        );
    }

    #[test]
    fn capture_channels_are_checked_against_the_channel_count() {
        let errors = errors_of("[capture]\nchannels = 2\nuse_channels = [0, 2, 0]\nformat = \"S24_LE\"\n");
        assert_eq!(
            fields(&errors),
            ["capture.format", "capture.use_channels", "capture.use_channels"]
        );
        assert!(errors[1].message.contains("channel 2"), "{}", errors[1].message);
        let ok =
            parse_and_validate("[capture]\nrate = 48000\nchannels = 4\nformat = \"S32_LE\"\nuse_channels = [1, 3]\n");
        assert!(ok.is_ok(), "{ok:?}");
    }

    #[test]
    fn decoding_rules_are_checked() {
        let errors = errors_of("[asr]\nbeam_size = 0\ntemperatures = [0.4, 0.2]\nno_speech_threshold = 1.5\n");
        assert_eq!(
            fields(&errors),
            ["asr.beam_size", "asr.temperatures", "asr.no_speech_threshold"]
        );
    }

    #[test]
    fn syntax_error_is_reported_as_such() {
        let errors = errors_of("[vad\nmargin_db = 3\n");
        assert!(errors[0].message.starts_with("not valid TOML"), "{}", errors[0].message);
    }
}
