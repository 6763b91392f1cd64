//! What health reports: the typed snapshot published on `roomscribe/<device>/health` (each
//! stage's part is its counters' snapshot), this process's CPU, memory and disk from /proc and
//! statvfs, and speaking to systemd (`systemd`). Assembling and publishing a snapshot and
//! feeding the watchdog is the supervisor's; nothing here spawns, sleeps or blocks a stage.

pub mod board;
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthSnapshot {
    pub capture: CaptureHealth,
    /// The room's sound over the last metrics window; absent until the first window ends.
    pub audio: Option<AudioMetrics>,
    pub process: ProcessHealth,
    pub queues: QueueDepths,
    pub asr: AsrHealth,
    pub speakers: SpeakersHealth,
    /// Added in v2.
    #[serde(default)]
    pub meeting: MeetingHealth,
    pub disk: DiskHealth,
    pub store: StoreHealth,
    pub sync: SyncHealth,
    pub bus: BusHealth,
    /// Added in v2.
    #[serde(default)]
    pub control: ControlHealth,
    /// Every stage, as the watchdog sees it.
    pub stages: Vec<StageHealth>,
    /// The board: GPU load, temperatures, power rails, memory, release; absent where nothing
    /// of it can be read.
    #[serde(default)]
    pub board: Option<board::BoardHealth>,
}

/// One stage's liveness.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageHealth {
    pub name: String,
    /// "waiting" (for input: alive), "working", or "stuck" (inside one piece of work for longer
    /// than `watchdog.stuck_after_s`: systemd's watchdog will restart the daemon).
    pub state: String,
    /// How long the current piece of work has lasted, s (absent while waiting).
    pub busy_s: Option<f64>,
}

/// The daemon's own connection to its embedded broker.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BusHealth {
    /// Times the connection was lost and made again since start.
    pub reconnects: u64,
    /// Times `offline` appeared on the status topic while the daemon ran and was corrected.
    pub status_corrected: u64,
    /// Kept for v1 consumers: the same as `control.refused`.
    #[serde(default)]
    pub refused: u64,
    /// Connections the broker turned away before a login was accepted (wrong password,
    /// refused client id or last will, a bad first packet, no CONNECT in time).
    #[serde(default)]
    pub broker_refused_connects: u64,
    /// Publishes the broker refused because the client may not publish on that topic (the
    /// client was disconnected; nobody received the message).
    #[serde(default)]
    pub broker_refused_publishes: u64,
    /// Malformed packets and packets over `bus.max_payload_bytes` (the client was disconnected).
    #[serde(default)]
    pub broker_refused_malformed: u64,
}

/// The meeting store, as its stage last saw it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StoreHealth {
    /// "ok", "full" (the disk is full: records wait in memory) or "failing".
    pub state: String,
    /// What went wrong last, with what to do.
    pub last_error: Option<String>,
    /// Bytes in use in the database.
    pub used_bytes: u64,
    /// Records not yet written (disk full), kept in memory and retried.
    pub held_in_memory: u64,
    /// Records dropped because even memory was full (each is lost).
    pub lost: u64,
    /// Rows pruned to keep within `store.disk_budget_mib`.
    pub pruned_rows: u64,
    /// Undelivered summaries pruned past `store.hard_cap_mib`; above 0 is an alert.
    pub summaries_pruned: u64,
    /// The store is above `store.hard_cap_mib`: an alert.
    pub over_hard_cap: bool,
    /// Kept for v1 consumers: the same as `meeting.current`.
    #[serde(default)]
    pub meeting: Option<String>,
}

/// The meeting stage: the meeting going on, and what it handed to the store since start.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MeetingHealth {
    /// The meeting going on, if any.
    pub current: Option<String>,
    /// Meetings started and ended since start.
    pub started: u64,
    pub ended: u64,
    /// Summaries made (at a meeting's end, on the `summary` command, and for a meeting a power
    /// cut left without one).
    pub summaries: u64,
    /// Findings of the meaning rules, by kind; a revised finding counts again.
    pub questions: u64,
    pub action_items: u64,
    pub decisions: u64,
    pub keywords: u64,
    pub talk_time: u64,
    /// End-of-meeting speaker revisions that changed stored labels.
    pub speaker_revisions: u64,
}

/// What operators asked of the device (configuration documents and commands) since start.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ControlHealth {
    /// Configuration documents accepted (each applied, or listed in `restart_required`).
    pub configs_accepted: u64,
    /// Commands carried out (answered with a result).
    pub commands_carried_out: u64,
    /// Commands and configuration documents admitted that could not be carried out (no such
    /// meeting, the daemon busy or stopping, the store unable to keep their signed time): each
    /// was answered with why and what to do.
    pub commands_failed: u64,
    /// Commands and configuration documents refused (malformed, unsigned, replayed, unknown,
    /// invalid): each was answered with why, and changed nothing.
    pub refused: u64,
}

/// Forwarding to the upstream broker.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncHealth {
    /// "disabled" (no sync.host), "connecting", "connected" or "error".
    pub state: String,
    /// Why the last attempt failed, with what to do.
    pub last_error: Option<String>,
    /// Records waiting to go upstream, and their bytes.
    pub backlog: u64,
    pub backlog_bytes: u64,
    /// Records acknowledged by the upstream since start.
    pub delivered: u64,
    /// Unix milliseconds of the last acknowledgement.
    pub last_delivered_ms: Option<u64>,
}

/// The daemon process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessHealth {
    /// CPU seconds (user + system) since start.
    pub cpu_s: f64,
    pub rss_mib: f64,
}

/// Items waiting in each channel between stages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueDepths {
    /// 100 ms audio chunks waiting for VAD.
    pub audio: usize,
    /// Speech segments waiting for ASR.
    pub speech: usize,
    /// Transcripts (with their audio) waiting for the speakers stage.
    pub transcripts: usize,
    /// Attributed transcripts waiting for the meeting stage.
    pub attributed: usize,
    /// Stored records waiting to be published.
    pub published: usize,
    /// Records the meeting stage handed on, waiting for the store.
    pub records: usize,
}

/// What health reports about ASR speed.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AsrTimingSummary {
    /// Final segments transcribed since start.
    pub segments: u64,
    /// Processing seconds per audio second over the recent segments.
    pub real_time_factor: f64,
    /// Processing time per segment, median and 95th percentile, over the recent segments.
    pub latency_p50_ms: f64,
    pub latency_p95_ms: f64,
}

/// Speech recognition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AsrHealth {
    /// Absent before the first segment.
    pub timing: Option<AsrTimingSummary>,
    /// Outputs held back as hallucinations (loops, fillers on silence).
    pub hallucinations_suppressed: u64,
    /// Windows the no-speech gate judged silent.
    pub no_speech_windows: u64,
    /// Live finals heard again with the speech around them and published with new text.
    #[serde(default)]
    pub finals_revised: u64,
    /// Groups of finals heard again that gave far fewer words than were published, so that
    /// none of them was revised.
    #[serde(default)]
    pub revisions_distrusted: u64,
    /// Finals never heard again: ASR was busy until two minutes of them had piled up.
    #[serde(default)]
    pub finals_not_revised: u64,
    /// Finals published and not heard again yet: they are heard again in the next quiet moment.
    #[serde(default)]
    pub finals_awaiting_revision: u64,
}

/// Who spoke: the speakers stage.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SpeakersHealth {
    /// "on", "off" (`speakers.enabled` is false) or "unavailable" (the model could not be
    /// loaded: `last_error` says why).
    pub state: String,
    pub last_error: Option<String>,
    /// Voices heard recently (not yet forgotten).
    pub voices: u64,
    /// Enrolled voiceprints.
    pub enrolled: u64,
    /// Finals attributed, and extra turns made by splitting them.
    pub finals: u64,
    pub splits: u64,
    /// Finals already handed on given another speaker: the voice they had turned out to hold
    /// two people. Those of the meeting going on go out again as their next revision; one of a
    /// meeting already ended keeps its re-clustered label.
    pub relabelled: u64,
    /// Audio embedded, s, and the time spent on it (fbank and encoder), s.
    pub embedded_s: f64,
    pub processing_s: f64,
}

/// The disk holding `state_dir`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiskHealth {
    pub path: String,
    /// Absent when it cannot be read.
    pub free_mib: Option<f64>,
}

/// CPU time and resident memory of this process, from /proc.
pub fn process_usage() -> ProcessHealth {
    let ticks = 100.0; // USER_HZ on Linux
    let cpu_s = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|stat| {
            let fields: Vec<String> = stat.rsplit_once(')')?.1.split_whitespace().map(str::to_owned).collect();
            let utime: f64 = fields.get(11)?.parse().ok()?;
            let stime: f64 = fields.get(12)?.parse().ok()?;
            Some((utime + stime) / ticks)
        })
        .unwrap_or(0.0);
    let rss_mib = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let kib: f64 = status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))?
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()
                .ok()?;
            Some(kib / 1024.0)
        })
        .unwrap_or(0.0);
    ProcessHealth { cpu_s, rss_mib }
}

/// Free space for the daemon on the file system holding `path` (or, before `path` exists,
/// its nearest existing parent).
pub fn disk_free(path: &std::path::Path) -> DiskHealth {
    let existing = path.ancestors().find(|p| p.exists()).unwrap_or(path);
    let free_mib = std::ffi::CString::new(existing.as_os_str().as_encoded_bytes())
        .ok()
        .and_then(|c_path| {
            let mut stats = std::mem::MaybeUninit::<libc::statvfs>::zeroed();
            // SAFETY: statvfs fills the struct it is given from a NUL-terminated path.
            let ok = unsafe { libc::statvfs(c_path.as_ptr(), stats.as_mut_ptr()) } == 0;
            // SAFETY: initialised by statvfs when it succeeded.
            ok.then(|| unsafe { stats.assume_init() })
        })
        .map(|s| s.f_bavail as f64 * s.f_frsize as f64 / (1024.0 * 1024.0));
    DiskHealth {
        path: path.display().to_string(),
        free_mib,
    }
}
