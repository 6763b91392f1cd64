//! roomscribe: the meeting-room transcriber daemon.
//!
//! ```text
//!  audio ──▶ vad ──▶ asr ──▶ bus ──▶ control ──▶ (live sections back to the stages)
//!  ALSA PCM   speech    Whisper on   embedded MQTT broker,    remote config,
//!  or WAV,    segments  libtorch     CBOR transcripts,        commands
//!  ring       + room               health, insights
//!             metrics
//! ```
//!
//! Data flows one way through bounded channels created in `app`; stages share only the types in
//! `pipeline` and never call each other. `config` is the one typed configuration, validated in
//! one place; `control` applies operators' configuration documents and commands to the running
//! stages. `health` speaks to systemd and builds the health snapshot. `offline` holds the
//! `transcribe` and `vad` commands. The binary (`main.rs`) is the only place that uses `anyhow`
//! and decides exit codes.

pub mod app;
pub mod asr;
pub mod audio;
pub mod bus;
pub mod config;
pub mod control;
pub mod health;
pub mod offline;
pub mod pipeline;
pub mod vad;
