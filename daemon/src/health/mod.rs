//! Health reporting: speaking to systemd (`systemd`) and the typed snapshots that the bus
//! publishes on `roomscribe/<device>/health`. Snapshots are read from counters the stages keep;
//! building one never blocks a stage.

pub mod systemd;

use serde::{Deserialize, Serialize};

use crate::pipeline::AudioMetrics;

/// The capture path as health reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaptureHealth {
    /// "starting", "up", "down" (missing or failed, being reopened) or "stopped".
    pub state: String,
    /// The configured PCM (or WAV file).
    pub source: String,
    /// What the device granted when it last opened; absent until it has.
    pub rate: Option<u32>,
    pub channels: Option<u32>,
    pub format: Option<String>,
    pub period_frames: Option<u64>,
    pub captured_frames: u64,
    /// 16 kHz samples lost because the daemon lagged.
    pub dropped_frames: u64,
    pub overruns: u64,
    pub suspends: u64,
    pub reopen_attempts: u64,
    /// Why the device last failed to open or stream, with what to do.
    pub last_error: Option<String>,
}

/// Everything one health message reports.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthSnapshot {
    pub capture: CaptureHealth,
    /// The room's sound over the last metrics window; absent until the first window ends.
    pub audio: Option<AudioMetrics>,
}
