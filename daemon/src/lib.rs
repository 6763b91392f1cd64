//! roomscribe: the meeting-room transcriber daemon.
//!
//! ```text
//!  audio ──▶ vad ──▶ asr ──▶ bus
//!  (ALSA/WAV)  (speech    (Whisper on   (embedded MQTT broker,
//!   ring)      segments)   libtorch)     CBOR transcripts)
//! ```
//!
//! Data flows one way through bounded channels created in `app`; stages share only the types in
//! `pipeline` and never call each other. `config` is the one typed configuration, validated in
//! one place. `health` speaks to systemd. The binary (`main.rs`) is the only place that uses
//! `anyhow` and decides exit codes.

pub mod asr;
pub mod config;
pub mod pipeline;
