//! The VAD stage: finds speech in the audio stream and hands padded segments to ASR, and
//! measures the room (`meter`: levels, noise floor, silence and noise events) for the bus.
//!
//! Owns the speech detector (Silero VAD, or the energy gate when the model is missing) and the
//! pure `segmenter`. Takes `AudioChunk`s, cuts them into 32 ms frames, and sends each closed
//! `SpeechSegment` on. When its input closes it flushes the open segment, so audio already
//! captured is never lost at shutdown. Runs on its own thread; never transcribes, never publishes.

pub mod energy;
pub mod meter;
pub mod segmenter;
pub mod silero;

use tokio::sync::mpsc;

use crate::config::live::Section;
use crate::config::VadConfig;
use crate::pipeline::{
    AudioChunk, AudioMetrics, AudioReport, SpeechEvent, SpeechSegment, QUIET_AFTER_CLOSE_SAMPLES, STREAM_RATE,
};
use crate::stage::{Shared, StageContext};
use energy::EnergyGate;
use meter::{AudioMeter, MeterRules};
use segmenter::{Endpoint, Segmenter, SegmenterRules};
use silero::{SileroError, SileroVad, SILERO_FRAME};

/// Analysis frame: 32 ms, the frame Silero VAD takes at 16 kHz.
pub const FRAME_SAMPLES: usize = SILERO_FRAME;

/// Frames quieter than this (RMS, dBFS) are not speech anyone could transcribe.
const INAUDIBLE_DBFS: f32 = -60.0;
/// After this many inaudible frames in a row (about a second) the model rests until a louder
/// frame comes, and then starts from a fresh state: long silence and a quiet room cost nothing,
/// and the short gaps inside speech are still heard by the model as they always were.
const REST_AFTER_FRAMES: u32 = 31;

/// Decides, frame by frame, how likely speech is.
pub struct Detector {
    silero: Option<SileroVad>,
    /// Inaudible frames in a row; past `REST_AFTER_FRAMES` the model is not run.
    inaudible_frames: u32,
    /// Always kept: the decision when there is no model, or when the model fails on a frame.
    energy: EnergyGate,
    silero_failures: u64,
}

impl Detector {
    /// Silero VAD when `config.model` exists; the energy gate (with a warning) when it does not.
    /// A model file that exists but cannot be loaded is an error: it needs fixing, not hiding.
    pub fn from_config(config: &VadConfig) -> Result<Self, SileroError> {
        let silero = if config.model.is_file() {
            let model = SileroVad::load(&config.model)?;
            tracing::info!(model = %config.model.display(), "Speech detector: Silero VAD");
            Some(model)
        } else {
            tracing::warn!(
                model = %config.model.display(),
                "Silero VAD model missing; speech detector: energy gate (fetch the model with scripts/setup)"
            );
            None
        };
        Ok(Self {
            silero,
            inaudible_frames: 0,
            energy: EnergyGate::new(config.margin_db, config.min_level_dbfs),
            silero_failures: 0,
        })
    }

    /// Takes the energy gate's settings from `config` (the model stays as loaded).
    pub fn retune(&mut self, config: &VadConfig) {
        self.energy = EnergyGate::new(config.margin_db, config.min_level_dbfs);
    }

    pub fn name(&self) -> &'static str {
        if self.silero.is_some() {
            "silero"
        } else {
            "energy gate"
        }
    }

    fn speech_probability(&mut self, frame: &[f32]) -> f32 {
        let energy = self.energy.speech_probability(frame);
        let Some(silero) = self.silero.as_mut().filter(|_| frame.len() == SILERO_FRAME) else {
            return energy;
        };
        if level_dbfs(frame) < INAUDIBLE_DBFS {
            self.inaudible_frames = self.inaudible_frames.saturating_add(1);
            if self.inaudible_frames > REST_AFTER_FRAMES {
                return 0.0;
            }
        } else if std::mem::take(&mut self.inaudible_frames) > REST_AFTER_FRAMES {
            if let Err(error) = silero.reset() {
                tracing::debug!(%error, "Silero VAD state could not be reset; carrying on with it");
            }
        }
        match silero.speech_probability(frame) {
            Ok(probability) => probability,
            Err(error) => {
                self.silero_failures += 1;
                if self.silero_failures == 1 || self.silero_failures.is_power_of_two() {
                    tracing::error!(%error, failures = self.silero_failures, "Silero VAD failed on a frame; using the energy gate for it");
                }
                energy
            }
        }
    }
}

/// RMS level of `frame`, dBFS (-inf for digital silence).
fn level_dbfs(frame: &[f32]) -> f32 {
    let power = frame.iter().map(|s| s * s).sum::<f32>() / frame.len().max(1) as f32;
    10.0 * power.log10()
}

pub fn rules_from(config: &VadConfig) -> SegmenterRules {
    let frames = |ms: u32| (ms as usize * STREAM_RATE as usize / 1000).div_ceil(FRAME_SAMPLES);
    SegmenterRules {
        frame_samples: FRAME_SAMPLES,
        threshold: config.threshold,
        min_speech_frames: frames(config.min_speech_ms),
        pause_frames: frames(config.pause_ms),
        min_silence_frames: frames(config.min_silence_ms),
        pad_samples: config.speech_pad_ms as usize * STREAM_RATE as usize / 1000,
        max_segment_samples: (config.max_segment_s * STREAM_RATE as f32) as usize,
        quiet_samples: QUIET_AFTER_CLOSE_SAMPLES,
    }
}

pub fn meter_rules_from(config: &VadConfig) -> MeterRules {
    MeterRules {
        window_samples: u64::from(config.metrics_interval_s) * u64::from(STREAM_RATE),
        long_silence_samples: u64::from(config.long_silence_s) * u64::from(STREAM_RATE),
        high_noise_dbfs: config.high_noise_dbfs,
        floor_horizon_samples: NOISE_FLOOR_HORIZON_S * u64::from(STREAM_RATE),
    }
}

/// How far back the noise floor looks (at least one metrics window).
const NOISE_FLOOR_HORIZON_S: u64 = 30;

/// Audio between two partials of an open segment: about a second.
const PARTIAL_EVERY_SAMPLES: usize = STREAM_RATE as usize;

/// What health reads of the VAD stage: the room's sound over the last metrics window.
pub type VadCounters = Shared<Option<AudioMetrics>>;

/// Runs until `chunks` closes; returns how many segments it sent. While a segment is open, its
/// audio so far goes out as a partial about once a second (only while speech goes on, and only
/// if ASR has room for it), and once per pause as a `Pause` (and a `LongPause` if it lasts);
/// a second after a segment closed with no new speech, once, `Quiet`. Room metrics and events
/// go to `reports` when it has room (they never hold up speech).
/// A new `[vad]` section (remote configuration) takes effect at the next chunk; the model file
/// is only read at start.
pub fn run_stage(
    ctx: StageContext<VadCounters>,
    mut live_config: Section<VadConfig>,
    mut detector: Detector,
    mut chunks: mpsc::Receiver<AudioChunk>,
    out: mpsc::Sender<SpeechEvent>,
    reports: mpsc::Sender<AudioReport>,
) -> u64 {
    crate::torch_threads::set_for_this_thread(1);
    let mut config = live_config.current().clone();
    let mut segmenter = Segmenter::new(rules_from(&config));
    let mut meter = AudioMeter::new(meter_rules_from(&config));
    let mut pending: Vec<f32> = Vec::with_capacity(FRAME_SAMPLES * 2);
    let mut sent = 0u64;
    let mut partial_at = PARTIAL_EVERY_SAMPLES;
    let early = out.clone();
    let mut send = |segment: SpeechSegment| {
        tracing::debug!(
            start = segment.start_seconds(),
            seconds = segment.samples.len() as f64 / f64::from(STREAM_RATE),
            "Speech segment found"
        );
        sent += 1;
        out.blocking_send(SpeechEvent::Final(segment)).is_ok()
    };
    // Partials and pauses that do not fit are skipped: the final carries all their audio.
    let send_early = |event: SpeechEvent| {
        let _ = early.try_send(event);
    };
    let mut expected_start = 0u64;
    while let Some(chunk) = chunks.blocking_recv() {
        let _work = ctx.heartbeat.working();
        if let Some(changed) = live_config.take_change() {
            config = changed;
            segmenter.set_rules(rules_from(&config));
            meter.set_rules(meter_rules_from(&config));
            detector.retune(&config);
            tracing::info!("Speech detection settings changed");
        }
        if chunk.start_sample > expected_start {
            // Audio was dropped upstream: what was pending is cut off from what follows.
            let gap = chunk.start_sample - expected_start + pending.len() as u64;
            pending.clear();
            if let Some(segment) = segmenter.skip(gap) {
                if !send(segment) {
                    return sent;
                }
            }
        }
        expected_start = chunk.start_sample + chunk.samples.len() as u64;
        pending.extend_from_slice(&chunk.samples);
        let whole = pending.len() / FRAME_SAMPLES * FRAME_SAMPLES;
        for frame in pending[..whole].chunks_exact(FRAME_SAMPLES) {
            let probability = detector.speech_probability(frame);
            for report in meter.push(frame, probability >= config.threshold) {
                if let AudioReport::Metrics(metrics) = &report {
                    ctx.counters.update(|latest| *latest = Some(metrics.clone()));
                }
                if reports.try_send(report).is_err() {
                    tracing::debug!("An audio report was dropped: the bus is busy");
                }
            }
            match segmenter.push(frame, probability) {
                Some(Endpoint::Closed(segment)) => {
                    partial_at = PARTIAL_EVERY_SAMPLES;
                    if !send(segment) {
                        return sent;
                    }
                }
                Some(Endpoint::Pause(segment)) => send_early(SpeechEvent::Pause(segment)),
                Some(Endpoint::LongPause(segment)) => send_early(SpeechEvent::LongPause(segment)),
                Some(Endpoint::Quiet { at_sample }) => send_early(SpeechEvent::Quiet { at_sample }),
                None => {}
            }
        }
        pending.drain(..whole);
        // No partial while the speech pauses: a pause or the final follows, and a partial
        // decoded now would only hold them up.
        if segmenter.is_speaking() {
            if let Some(open) = segmenter.open_segment().filter(|open| open.samples.len() >= partial_at) {
                partial_at = open.samples.len() + PARTIAL_EVERY_SAMPLES;
                send_early(SpeechEvent::Partial(open));
            }
        }
    }
    if !pending.is_empty() {
        let probability = detector.speech_probability(&pending);
        if let Some(Endpoint::Closed(segment)) = segmenter.push(&pending, probability) {
            send(segment);
        }
    }
    if let Some(segment) = segmenter.finish() {
        send(segment);
    }
    sent
}
