//! The audio stage: turns a source (an ALSA PCM or a WAV file) into 16 kHz mono `AudioChunk`s.
//!
//! For ALSA, a dedicated capture thread reads periods into a preallocated buffer and pushes them
//! into the preallocated SPSC ring; it never blocks on the rest of the daemon and never
//! allocates after start. The stage thread drains the ring into chunks for the VAD stage.
//! Sources that deliver faster than real time can be paced by the wall clock.
//! This stage never looks at what the audio contains.

pub mod alsa;
pub mod ring;
pub mod wav;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use self::alsa::{AlsaCapture, AlsaError};
use self::wav::{WavError, WavSource};
use crate::config::{CaptureConfig, CaptureSource, Pacing};
use crate::pipeline::{AudioChunk, STREAM_RATE};

/// Samples per chunk handed to the VAD stage: 100 ms.
pub const CHUNK_SAMPLES: usize = STREAM_RATE as usize / 10;

#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error(transparent)]
    Alsa(#[from] AlsaError),
    #[error(transparent)]
    Wav(#[from] WavError),
}

/// Counters the capture path keeps; read by logs and health.
#[derive(Debug, Default)]
pub struct CaptureStats {
    /// Frames read from the source.
    pub captured_frames: AtomicU64,
    /// Frames lost because the ring was full (the rest of the daemon lagged).
    pub dropped_frames: AtomicU64,
    /// ALSA overruns (the device's own buffer filled before we read it) that were recovered.
    pub overruns: AtomicU64,
}

/// An opened source; opening happens before the daemon reports ready, so a wrong device or
/// file is an error at start, not a silent stage.
pub enum Source {
    Alsa(AlsaCapture),
    Wav(WavSource),
}

impl Source {
    pub fn open(config: &CaptureConfig) -> Result<Self, AudioError> {
        Ok(match config.source {
            CaptureSource::Alsa => {
                let capture = AlsaCapture::open(&config.pcm, config.rate, config.channels, config.period_frames)?;
                let g = capture.granted;
                tracing::info!(
                    pcm = %config.pcm,
                    rate = g.rate,
                    channels = g.channels,
                    period_frames = g.period_frames,
                    buffer_frames = g.buffer_frames,
                    "ALSA capture opened"
                );
                Source::Alsa(capture)
            }
            CaptureSource::Wav => Source::Wav(WavSource::open(&config.file)?),
        })
    }
}

/// Sleeps until `frames` frames' worth of wall-clock time has passed since `start`, when pacing
/// by the wall clock. Deadlines are absolute, so pacing does not drift.
fn pace(pacing: Pacing, start: Instant, frames: u64) {
    if pacing == Pacing::Realtime {
        let due = start + Duration::from_secs_f64(frames as f64 / f64::from(STREAM_RATE));
        let now = Instant::now();
        if due > now {
            std::thread::sleep(due - now);
        }
    }
}

/// Runs until `stop` is set or the source ends, then flushes what it holds and returns; dropping
/// `out` tells the next stage the stream is over.
pub fn run_stage(
    source: Source,
    pacing: Pacing,
    out: mpsc::Sender<AudioChunk>,
    stop: Arc<AtomicBool>,
    stats: Arc<CaptureStats>,
) -> Result<(), AudioError> {
    match source {
        Source::Wav(wav) => run_wav(wav, pacing, &out, &stop, &stats),
        Source::Alsa(capture) => run_alsa(capture, pacing, &out, &stop, &stats),
    }
}

fn run_wav(
    mut wav: WavSource,
    pacing: Pacing,
    out: &mpsc::Sender<AudioChunk>,
    stop: &AtomicBool,
    stats: &CaptureStats,
) -> Result<(), AudioError> {
    let start = Instant::now();
    let mut position = 0u64;
    while !stop.load(Ordering::Relaxed) {
        let mut samples = Vec::with_capacity(CHUNK_SAMPLES);
        wav.read_block(&mut samples, CHUNK_SAMPLES)?;
        if samples.is_empty() {
            break;
        }
        let frames = samples.len() as u64;
        stats.captured_frames.fetch_add(frames, Ordering::Relaxed);
        pace(pacing, start, position + frames);
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
    mut capture: AlsaCapture,
    pacing: Pacing,
    out: &mpsc::Sender<AudioChunk>,
    stop: &AtomicBool,
    stats: &CaptureStats,
) -> Result<(), AudioError> {
    let mut ring = ring::new_ring();
    let (mut producer, mut consumer) = ring.split();
    let capture_done = AtomicBool::new(false);
    let stage_thread = std::thread::current();
    std::thread::scope(|scope| {
        let capture_thread = scope.spawn(|| {
            let result = capture_loop(&mut capture, &mut producer, pacing, stop, stats, &stage_thread);
            capture_done.store(true, Ordering::Release);
            stage_thread.unpark();
            result
        });
        let mut position = 0u64;
        let mut chunk = Vec::with_capacity(CHUNK_SAMPLES);
        loop {
            let done = capture_done.load(Ordering::Acquire);
            ring::drain_into(&mut consumer, &mut chunk, CHUNK_SAMPLES);
            let ring_empty = consumer.is_empty();
            if chunk.len() == CHUNK_SAMPLES || (done && ring_empty && !chunk.is_empty()) {
                let samples = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK_SAMPLES));
                let frames = samples.len() as u64;
                if out
                    .blocking_send(AudioChunk {
                        start_sample: position,
                        samples,
                    })
                    .is_err()
                {
                    stop.store(true, Ordering::Relaxed);
                }
                position += frames;
            } else if done && ring_empty {
                break;
            } else if ring_empty {
                std::thread::park_timeout(Duration::from_millis(50));
            }
        }
        capture_thread.join().unwrap_or_else(|_| {
            tracing::error!("The capture thread panicked");
            Ok(())
        })
    })
}

/// The capture thread's loop: read a period, push it, wake the stage thread. No allocation.
fn capture_loop(
    capture: &mut AlsaCapture,
    producer: &mut heapless::spsc::Producer<'_, i16>,
    pacing: Pacing,
    stop: &AtomicBool,
    stats: &CaptureStats,
    stage_thread: &std::thread::Thread,
) -> Result<(), AudioError> {
    let period = capture.granted.period_frames * capture.granted.channels as usize;
    let mut buf = vec![0i16; period];
    let start = Instant::now();
    let mut frames_total = 0u64;
    while !stop.load(Ordering::Relaxed) {
        pace(pacing, start, frames_total);
        let outcome = capture.read(&mut buf)?;
        if outcome.recovered_overrun {
            stats.overruns.fetch_add(1, Ordering::Relaxed);
        }
        let frames = outcome.frames;
        frames_total += frames as u64;
        stats.captured_frames.fetch_add(frames as u64, Ordering::Relaxed);
        let dropped = ring::push_all(producer, &buf[..frames]);
        if dropped > 0 {
            stats.dropped_frames.fetch_add(dropped as u64, Ordering::Relaxed);
        }
        stage_thread.unpark();
    }
    Ok(())
}
