//! roomscribe: the meeting-room transcriber daemon.
//!
//! ```text
//!  audio ──▶ vad ──▶ asr ──▶ speakers ──▶ meeting ──▶ store ──▶ bus     store ─(outbox)─▶ sync
//!             └──────── room reports ──────▶ ┘
//!  control: operators' configuration and commands ──▶ config::live sections, speakers, meeting, store
//!  supervisor: health from every stage's counters; systemd's watchdog
//! ```
//!
//! Stages (`audio`, `vad`, `asr`, `speakers`, `meeting`, `store`, `bus`, `sync`) follow one contract
//! (`stage`): built from their config, run with one context, connected by the typed bounded
//! channels `app` wires. They share only the types in `pipeline`, the payloads in `wire` and the
//! small shared modules (`config`, `clock`, `backoff`, `bounded`, `transcript_format`, `voices`,
//! `health`'s snapshot types); none imports another stage (`tests/architecture.rs` checks it). `control`
//! carries out what operators publish; `supervisor` assembles health and feeds the watchdog;
//! `offline` holds `transcribe` and `vad`.
//! `torch_threads` gives each inference thread its own libtorch thread count. The binary
//! (`main.rs`, `cli/`) is the only place that uses `anyhow` and decides exit codes.

pub mod app;
pub mod asr;
pub mod audio;
pub mod backoff;
pub mod bounded;
pub mod bus;
pub mod clock;
pub mod config;
pub mod control;
pub mod documents;
pub mod fuzzing;
pub mod health;
pub mod meaning;
pub mod meeting;
pub mod offline;
pub mod pipeline;
pub mod speakers;
pub mod stage;
pub mod store;
pub mod supervisor;
pub mod sync;
pub mod torch_threads;
pub mod transcript_format;
pub mod vad;
pub mod voices;
pub mod wire;
