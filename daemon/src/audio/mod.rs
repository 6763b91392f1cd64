//! The audio stage: turns a source (an ALSA PCM or a WAV file) into 16 kHz mono `AudioChunk`s.
//!
//! For ALSA, a dedicated capture thread opens the PCM (retrying with backoff while it is missing
//! or gone), reads periods in the granted format, averages the chosen channels, resamples to
//! 16 kHz and pushes into the preallocated SPSC ring. After a device is opened it never
//! allocates and never waits on the rest of the daemon. The stage thread drains the ring into
//! chunks for the VAD stage; when the daemon lags it drops the oldest audio, so what reaches the
//! daemon is always the newest, and every lost sample is counted.
//! Sources that deliver faster than real time can be paced by the wall clock.
//! This stage never looks at what the audio contains.

pub mod alsa;
pub mod mix;
pub mod resample;
pub mod ring;
pub mod wav;

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use self::alsa::{AlsaCapture, AlsaError, Granted, Recovered};
use self::mix::ChannelMix;
use self::resample::{ResampleError, StreamResampler};
use self::wav::{WavError, WavSource};
use crate::backoff::Backoff;
use crate::config::live::Section;
use crate::config::{CaptureConfig, CaptureSource, Pacing};
use crate::health::CaptureHealth;
use crate::pipeline::{AudioChunk, STREAM_RATE};
use crate::stage::{Counters, Heartbeat, Shutdown, StageContext};

/// Samples per chunk handed to the VAD stage: 100 ms.
pub const CHUNK_SAMPLES: usize = STREAM_RATE as usize / 10;

#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error(transparent)]
    Alsa(#[from] AlsaError),
    #[error(transparent)]
    Wav(#[from] WavError),
    #[error(transparent)]
    Resample(#[from] ResampleError),
    #[error("{0}")]
    Channels(String),
}

/// Where the capture path stands, as health reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum CaptureState {
    /// Not opened yet.
    Starting = 0,
    /// Reading audio.
    Up = 1,
    /// The device is missing or failed; it is being reopened with backoff.
    Down = 2,
    /// The stage ended (shutdown, or the end of a WAV file).
    Stopped = 3,
}

impl CaptureState {
    pub fn name(self) -> &'static str {
        match self {
            CaptureState::Starting => "starting",
            CaptureState::Up => "up",
            CaptureState::Down => "down",
            CaptureState::Stopped => "stopped",
        }
    }
}

/// What health reports about the device: set when it opens or fails, never while streaming.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeviceReport {
    pub granted: Option<Granted>,
    pub last_error: Option<String>,
}

/// Counters and state the capture path keeps; read by logs and health.
#[derive(Debug, Default)]
pub struct CaptureStats {
    state: AtomicU8,
    /// Device frames read.
    pub captured_frames: AtomicU64,
    /// 16 kHz samples lost because the daemon lagged: the oldest audio dropped to make room,
    /// or (rarely) the newest when the ring was full before the stage could make room.
    pub dropped_frames: AtomicU64,
    /// ALSA overruns (EPIPE: the device's own buffer filled before it was read), recovered.
    pub overruns: AtomicU64,
    /// ALSA suspends (ESTRPIPE), recovered.
    pub suspends: AtomicU64,
    /// Attempts to open the device again after it was missing or failed.
    pub reopen_attempts: AtomicU64,
    pub device: Mutex<DeviceReport>,
    /// The configured PCM (or WAV file), as health names it.
    source: String,
    /// Woken whenever `state` changes (health publishes at once then).
    pub state_changed: tokio::sync::Notify,
}

impl CaptureStats {
    /// Counters for capture from `source` (the PCM or file health names).
    pub fn new(source: impl Into<String>) -> Self {
        Self {
            source: source.into(),
            ..Self::default()
        }
    }

    pub fn state(&self) -> CaptureState {
        match self.state.load(Ordering::Relaxed) {
            1 => CaptureState::Up,
            2 => CaptureState::Down,
            3 => CaptureState::Stopped,
            _ => CaptureState::Starting,
        }
    }

    /// What health publishes.
    fn health(&self) -> CaptureHealth {
        let report = self
            .device
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        let granted = report.granted;
        CaptureHealth {
            state: self.state().name().into(),
            source: self.source.clone(),
            rate: granted.map(|g| g.rate),
            channels: granted.map(|g| g.channels),
            format: granted.map(|g| g.format.name().into()),
            period_frames: granted.map(|g| g.period_frames as u64),
            captured_frames: self.captured_frames.load(Ordering::Relaxed),
            dropped_frames: self.dropped_frames.load(Ordering::Relaxed),
            overruns: self.overruns.load(Ordering::Relaxed),
            suspends: self.suspends.load(Ordering::Relaxed),
            reopen_attempts: self.reopen_attempts.load(Ordering::Relaxed),
            last_error: report.last_error,
        }
    }

    fn set_state(&self, state: CaptureState) {
        if self.state.swap(state as u8, Ordering::Relaxed) != state as u8 {
            self.state_changed.notify_one();
        }
    }

    fn report(&self, update: impl FnOnce(&mut DeviceReport)) {
        let mut report = self.device.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        update(&mut report);
    }
}

impl Counters for CaptureStats {
    type Snapshot = CaptureHealth;
    fn snapshot(&self) -> CaptureHealth {
        self.health()
    }
}

/// A source ready to run. A WAV file is opened here, so a wrong path is an error at start; an
/// ALSA PCM is opened by the capture thread, which keeps retrying while it is missing, and
/// reopens it whenever its configuration changes.
pub enum Source {
    Alsa(Section<CaptureConfig>),
    Wav(WavSource),
}

impl Source {
    /// A source whose configuration never changes.
    pub fn open(config: &CaptureConfig) -> Result<Self, AudioError> {
        Self::open_live(Section::fixed(config.clone()))
    }

    /// A source that follows `config`: a new capture section reopens the device with it.
    pub fn open_live(config: Section<CaptureConfig>) -> Result<Self, AudioError> {
        let current = config.current().clone();
        Ok(match current.source {
            CaptureSource::Alsa => Source::Alsa(config),
            CaptureSource::Wav => Source::Wav(WavSource::open(&current.file)?),
        })
    }
}

/// Whether the configuration changed since the capture thread last took it (lock-free unless
/// something was published).
fn reconfigured(config: &mut Section<CaptureConfig>) -> bool {
    config.has_changed()
}

/// Sleeps until `frames` frames at `rate` of wall-clock time have passed since `start`, when
/// pacing by the wall clock. Deadlines are absolute, so pacing does not drift.
fn pace(pacing: Pacing, start: Instant, frames: u64, rate: u32) {
    if pacing == Pacing::Realtime {
        let due = start + Duration::from_secs_f64(frames as f64 / f64::from(rate));
        let now = Instant::now();
        if due > now {
            std::thread::sleep(due - now);
        }
    }
}

/// Runs until `stop` is set or the source ends, then flushes what it holds and returns; dropping
/// `out` tells the next stage the stream is over.
pub fn run_stage(
    ctx: StageContext<CaptureStats>,
    source: Source,
    pacing: Pacing,
    out: mpsc::Sender<AudioChunk>,
) -> Result<(), AudioError> {
    let (stop, stats) = (&ctx.shutdown, &*ctx.counters);
    let result = match source {
        Source::Wav(wav) => {
            stats.set_state(CaptureState::Up);
            run_wav(wav, pacing, &out, stop, stats, &ctx.heartbeat)
        }
        Source::Alsa(config) => run_alsa(config, &out, stop, stats, &ctx.heartbeat),
    };
    stats.set_state(CaptureState::Stopped);
    result
}

fn run_wav(
    mut wav: WavSource,
    pacing: Pacing,
    out: &mpsc::Sender<AudioChunk>,
    stop: &Shutdown,
    stats: &CaptureStats,
    heartbeat: &Heartbeat,
) -> Result<(), AudioError> {
    let start = Instant::now();
    let mut position = 0u64;
    while !stop.is_requested() {
        let mut samples = Vec::with_capacity(CHUNK_SAMPLES);
        {
            let _work = heartbeat.working();
            wav.read_block(&mut samples, CHUNK_SAMPLES)?;
        }
        if samples.is_empty() {
            break;
        }
        let frames = samples.len() as u64;
        stats.captured_frames.fetch_add(frames, Ordering::Relaxed);
        pace(pacing, start, position + frames, STREAM_RATE);
        if out
            .blocking_send(AudioChunk {
                start_sample: position,
                samples,
            })
            .is_err()
        {
            break;
        }
        position += frames;
    }
    Ok(())
}

fn run_alsa(
    mut config: Section<CaptureConfig>,
    out: &mpsc::Sender<AudioChunk>,
    stop: &Shutdown,
    stats: &CaptureStats,
    heartbeat: &Heartbeat,
) -> Result<(), AudioError> {
    // The ring is made once: a new ring_ms takes effect at the next start.
    let ring_ms = config.current().ring_ms;
    let capacity = (u64::from(ring_ms) * u64::from(STREAM_RATE) / 1000) as usize;
    ring::with_ring(capacity, |queue| {
        let (mut producer, mut consumer) = queue.split();
        let capture_done = AtomicBool::new(false);
        let stage_thread = std::thread::current();
        std::thread::scope(|scope| {
            let capture_thread = std::thread::Builder::new()
                .name("capture".into())
                .spawn_scoped(scope, || {
                    let result = capture_thread(&mut config, &mut producer, stop, stats, &stage_thread);
                    capture_done.store(true, Ordering::Release);
                    stage_thread.unpark();
                    result
                })
                .map_err(|e| AudioError::Channels(format!("cannot start the capture thread: {e}")))?;
            drain_ring(&mut consumer, &capture_done, out, stop, stats, heartbeat);
            // A panic is never swallowed: it goes on to this thread (the binary's panic hook
            // has already ended the process with 70 by then).
            capture_thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    })
}

/// The stage thread: moves audio from the ring to the VAD stage in chunks, taking audio out of
/// the ring only when the next stage has room. While it has none, the ring fills; past three
/// quarters, the oldest half is dropped (and counted) so the capture thread always finds room
/// for the newest audio.
fn drain_ring(
    consumer: &mut heapless::spsc::Consumer<'_, f32>,
    capture_done: &AtomicBool,
    out: &mpsc::Sender<AudioChunk>,
    stop: &Shutdown,
    stats: &CaptureStats,
    heartbeat: &Heartbeat,
) {
    let capacity = consumer.capacity();
    let mut position = 0u64;
    let mut chunk = Vec::with_capacity(CHUNK_SAMPLES);
    let mut lagging = false;
    loop {
        let done = capture_done.load(Ordering::Acquire);
        let permit = match out.try_reserve() {
            Ok(permit) => permit,
            Err(mpsc::error::TrySendError::Closed(())) => {
                // Nobody takes audio any more: the daemon is stopping.
                stop.request();
                return;
            }
            Err(mpsc::error::TrySendError::Full(())) => {
                if done {
                    // Shutting down: what is left is drained in order, waiting for room.
                    std::thread::sleep(Duration::from_millis(5));
                    continue;
                }
                if consumer.len() > capacity / 4 * 3 {
                    let dropped = chunk.len() + ring::discard_oldest(consumer, capacity / 2);
                    position += dropped as u64;
                    chunk.clear();
                    stats.dropped_frames.fetch_add(dropped as u64, Ordering::Relaxed);
                    if !lagging {
                        tracing::warn!(
                            dropped_samples = dropped,
                            "The daemon is not keeping up with capture; dropping the oldest audio"
                        );
                        lagging = true;
                    }
                }
                std::thread::park_timeout(Duration::from_millis(20));
                continue;
            }
        };
        lagging = false;
        let _work = heartbeat.working();
        ring::drain_into(consumer, &mut chunk, CHUNK_SAMPLES);
        let ring_empty = consumer.is_empty();
        if chunk.len() == CHUNK_SAMPLES || (done && ring_empty && !chunk.is_empty()) {
            let samples = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK_SAMPLES));
            let frames = samples.len() as u64;
            permit.send(AudioChunk {
                start_sample: position,
                samples,
            });
            position += frames;
        } else {
            drop(permit);
            if done && ring_empty {
                return;
            }
            if ring_empty {
                std::thread::park_timeout(Duration::from_millis(50));
            }
        }
    }
}

/// Waits between reopen attempts: `retry_initial_ms`, doubling up to `retry_max_ms`.
fn reopen_backoff(config: &CaptureConfig) -> Backoff {
    Backoff::new(
        Duration::from_millis(u64::from(config.retry_initial_ms)),
        Duration::from_millis(u64::from(config.retry_max_ms)),
    )
}

/// Sleeps `total`, waking early when `stop` is set or the configuration changes.
fn sleep_unless_stopped(total: Duration, stop: &Shutdown, config: &mut Section<CaptureConfig>) {
    let until = Instant::now() + total;
    while !stop.is_requested() && !reconfigured(config) {
        let now = Instant::now();
        if now >= until {
            return;
        }
        std::thread::sleep((until - now).min(Duration::from_millis(50)));
    }
}

/// An opened device and everything its stream needs, allocated once.
struct OpenDevice {
    capture: AlsaCapture,
    mix: ChannelMix,
    mono: Vec<f32>,
    resampler: StreamResampler,
}

impl OpenDevice {
    fn open(config: &CaptureConfig) -> Result<Self, AudioError> {
        let capture = AlsaCapture::open(
            &config.pcm,
            config.rate,
            config.channels,
            config.format,
            config.period_frames,
            config.buffer_periods,
        )?;
        let granted = capture.granted;
        let mix = ChannelMix::new(granted.channels as usize, &config.use_channels).map_err(AudioError::Channels)?;
        Ok(Self {
            mono: vec![0.0; granted.period_frames],
            resampler: StreamResampler::new(granted.rate, granted.period_frames)?,
            capture,
            mix,
        })
    }
}

/// The capture thread: open the device (retrying with backoff while it is missing), stream it,
/// and when it fails, report and reopen; a new configuration reopens it too. Returns when `stop`
/// is set.
fn capture_thread(
    config: &mut Section<CaptureConfig>,
    producer: &mut heapless::spsc::Producer<'_, f32>,
    stop: &Shutdown,
    stats: &CaptureStats,
    stage_thread: &std::thread::Thread,
) -> Result<(), AudioError> {
    let mut current = config.current().clone();
    let mut backoff = reopen_backoff(&current);
    let mut failures = 0u64;
    while !stop.is_requested() {
        if let Some(changed) = config.take_change() {
            current = changed;
            backoff = reopen_backoff(&current);
            tracing::info!(pcm = %current.pcm, "Capture configuration changed; reopening the device");
        }
        if failures > 0 {
            stats.reopen_attempts.fetch_add(1, Ordering::Relaxed);
        }
        let outcome = OpenDevice::open(&current).and_then(|mut device| {
            let g = device.capture.granted;
            tracing::info!(
                pcm = %current.pcm,
                rate = g.rate,
                channels = g.channels,
                format = g.format.name(),
                period_frames = g.period_frames,
                buffer_frames = g.buffer_frames,
                "ALSA capture opened"
            );
            stats.report(|r| r.granted = Some(g));
            stats.set_state(CaptureState::Up);
            backoff.reset();
            failures = 0;
            stream(&mut device, producer, current.pacing, config, stop, stats, stage_thread)
        });
        match outcome {
            Ok(StreamEnd::Stopped) => return Ok(()),
            Ok(StreamEnd::Reconfigured) => {}
            Err(error) => {
                failures += 1;
                let wait = backoff.next_wait();
                if failures == 1 || stats.state() != CaptureState::Down {
                    tracing::warn!(
                        error = %error,
                        retry_in_ms = wait.as_millis() as u64,
                        "Audio capture is down; retrying"
                    );
                }
                stats.report(|r| r.last_error = Some(error.to_string()));
                stats.set_state(CaptureState::Down);
                sleep_unless_stopped(wait, stop, config);
            }
        }
    }
    Ok(())
}

/// Why streaming an open device ended without an error.
enum StreamEnd {
    Stopped,
    Reconfigured,
}

/// Streams an opened device until `stop` or a new configuration (then flushes the resampler),
/// or until a read fails. Reads a period, averages the channels, resamples, pushes into the
/// ring, wakes the stage thread: no allocation, no lock, no wait on anything but the device.
fn stream(
    device: &mut OpenDevice,
    producer: &mut heapless::spsc::Producer<'_, f32>,
    pacing: Pacing,
    config: &mut Section<CaptureConfig>,
    stop: &Shutdown,
    stats: &CaptureStats,
    stage_thread: &std::thread::Thread,
) -> Result<StreamEnd, AudioError> {
    let rate = device.capture.granted.rate;
    let mut push = |samples: &[f32]| {
        let lost = ring::push_all(producer, samples);
        if lost > 0 {
            stats.dropped_frames.fetch_add(lost as u64, Ordering::Relaxed);
        }
    };
    let start = Instant::now();
    let mut frames_total = 0u64;
    let end = loop {
        if stop.is_requested() {
            break StreamEnd::Stopped;
        }
        if reconfigured(config) {
            break StreamEnd::Reconfigured;
        }
        pace(pacing, start, frames_total, rate);
        let (outcome, period) = device.capture.read()?;
        match outcome.recovered {
            Some(Recovered::Overrun) => stats.overruns.fetch_add(1, Ordering::Relaxed),
            Some(Recovered::Suspend) => stats.suspends.fetch_add(1, Ordering::Relaxed),
            None => 0,
        };
        let frames = device.mix.mix_into(period, &mut device.mono);
        frames_total += frames as u64;
        stats.captured_frames.fetch_add(frames as u64, Ordering::Relaxed);
        device.resampler.push(&device.mono[..frames], &mut push)?;
        stage_thread.unpark();
    };
    device.resampler.flush(&mut push)?;
    Ok(end)
}
