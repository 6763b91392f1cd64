//! The entry points of the fuzz targets in `daemon/fuzz`, one per parser that a client on the
//! network or a careless operator can reach, shared with the test that replays their corpora
//! in CI (`daemon/tests/fuzz_corpus.rs`). Each takes any bytes and must return without
//! panicking, whatever it makes of them. Nothing here runs in the daemon.

use bytes::BytesMut;
use rumqttd::protocol::v4::V4;
use rumqttd::protocol::v5::V5;
use rumqttd::protocol::Protocol;

use crate::audio::wav::WavSource;
use crate::config::remote::Overrides;
use crate::config::{parse_file, validate_table, Role, UserConfig};
use crate::control::commands;
use crate::control::signing::{Authority, Envelope};

/// A target's entry point.
pub type Target = fn(&[u8]);

/// Every target, by the name of its corpus folder and fuzz binary.
pub const TARGETS: [(&str, Target); 6] = [
    ("config_document", config_document),
    ("command_payload", command_payload),
    ("signed_envelope", signed_envelope),
    ("wav_file", wav_file),
    ("config_toml", config_toml),
    ("broker_packet", broker_packet),
];

/// A remote configuration document (CBOR or JSON), read and laid over an empty file.
pub fn config_document(data: &[u8]) {
    if let Ok(overrides) = Overrides::decode(data) {
        let _ = overrides.apply_to(&toml::Table::new());
        let _ = overrides.to_json();
    }
}

/// A command's payload; the first byte picks the command (one past the known ones: an unknown
/// name).
pub fn command_payload(data: &[u8]) {
    let (name, payload) = match data.split_first() {
        Some((first, rest)) => (
            commands::KNOWN
                .get(usize::from(*first) % (commands::KNOWN.len() + 1))
                .copied()
                .unwrap_or("no_such_command"),
            rest,
        ),
        None => ("ping", data),
    };
    let _ = commands::parse(name, payload);
    let _ = commands::transaction_of(payload);
}

/// The signed envelope around configuration and commands, checked by an authority with one
/// operator and one viewer.
pub fn signed_envelope(data: &[u8]) {
    let users = [
        UserConfig {
            name: "it-ops".into(),
            password: "operator-secret-1".into(),
            role: Role::Operator,
        },
        UserConfig {
            name: "facility".into(),
            password: "viewer-secret-22".into(),
            role: Role::Viewer,
        },
    ];
    let authority = Authority::new(&users);
    let _ = Envelope::read(data);
    let _ = authority.admit("roomscribe/fuzz/config", data, 1_800_000_000_000);
    let _ = authority.unwrap_unchecked(data);
}

/// A WAV file as `transcribe` and `vad` read it: header, blocks, a seek back.
pub fn wav_file(data: &[u8]) {
    let path = std::env::temp_dir().join(format!("roomscribe-fuzz-{}.wav", std::process::id()));
    if std::fs::write(&path, data).is_err() {
        return;
    }
    if let Ok(mut wav) = WavSource::open(&path) {
        let _ = wav.duration_seconds();
        let mut block = Vec::new();
        for _ in 0..64 {
            if wav.read_block(&mut block, 4096).is_err() || block.is_empty() {
                break;
            }
        }
        let _ = wav.seek(0);
        let _ = wav.read_block(&mut block, 16);
    }
    let _ = std::fs::remove_file(&path);
}

/// The configuration file, as `validate` and `run` read it.
pub fn config_toml(data: &[u8]) {
    let _ = parse_file(data).and_then(validate_table);
}

/// MQTT packets as the embedded broker reads them from a client, before any login: the first
/// byte picks the protocol (even: 3.1.1, odd: 5), the rest is the stream, read packet after
/// packet under the default payload limit.
pub fn broker_packet(data: &[u8]) {
    let Some((version, stream)) = data.split_first() else {
        return;
    };
    let mut buffer = BytesMut::from(stream);
    let limit = crate::config::BusConfig::default().max_payload_bytes as usize;
    for _ in 0..64 {
        let read = if version % 2 == 0 {
            V4.read_mut(&mut buffer, limit)
        } else {
            V5.read_mut(&mut buffer, limit)
        };
        if read.is_err() {
            break;
        }
    }
}
