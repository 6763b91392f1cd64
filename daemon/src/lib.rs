//! roomscribe: the meeting-room transcriber daemon.
//!
//! ```text
//!  audio ──▶ vad ──▶ asr ──▶ store ──▶ bus ──▶ control ──▶ (live sections back to the stages)
//!  ALSA PCM   speech    Whisper on  SQLite:     embedded MQTT   remote config,
//!  or WAV,    segments  libtorch    meetings,   broker, CBOR    commands (meetings,
//!  ring       + room ───────────▶   segments,   transcripts,    export: to the store)
//!             metrics               insights,   summaries,
//!                                   summaries   health
//!                                     │
//!                                     └─ outbox ──▶ sync ──▶ upstream MQTT broker
//! ```
//!
//! Data flows one way through bounded channels created in `app`; stages share only the types in
//! `pipeline` and never call each other. `config` is the one typed configuration, validated in
//! one place; `control` applies operators' configuration documents and commands to the running
//! stages. `health` speaks to systemd and builds the health snapshot. `offline` holds the
//! `transcribe` and `vad` commands. `store` commits every record before the bus publishes it;
//! `sync` forwards the store's outbox upstream. `torch_threads` gives each inference thread its
//! own libtorch thread count. The binary (`main.rs`) is the only place that uses `anyhow`
//! and decides exit codes.

pub mod app;
pub mod asr;
pub mod audio;
pub mod bounded;
pub mod bus;
pub mod config;
pub mod control;
pub mod fuzzing;
pub mod health;
pub mod offline;
pub mod pipeline;
pub mod store;
pub mod sync;
pub mod torch_threads;
pub mod vad;
