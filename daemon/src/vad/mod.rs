//! The VAD stage: finds speech in the audio stream and hands padded segments to ASR.
//!
//! Owns the detector (the energy gate for now) and the pure `segmenter`. Takes `AudioChunk`s,
//! cuts them into 30 ms frames, and sends each closed `SpeechSegment` on. When its input closes
//! it flushes the open segment, so audio already captured is never lost at shutdown.
//! Never transcribes, never publishes.

pub mod energy;
pub mod segmenter;

use tokio::sync::mpsc;

use crate::config::VadConfig;
use crate::pipeline::{AudioChunk, SpeechSegment, STREAM_RATE};
use energy::EnergyGate;
use segmenter::{Segmenter, SegmenterRules};

/// Analysis frame: 30 ms.
pub const FRAME_SAMPLES: usize = STREAM_RATE as usize * 30 / 1000;

pub fn rules_from(config: &VadConfig) -> SegmenterRules {
    let frames = |ms: u32| (ms as usize * STREAM_RATE as usize / 1000).div_ceil(FRAME_SAMPLES);
    SegmenterRules {
        frame_samples: FRAME_SAMPLES,
        threshold: 0.5,
        min_speech_frames: frames(config.min_speech_ms),
        min_silence_frames: frames(config.min_silence_ms),
        pad_samples: config.speech_pad_ms as usize * STREAM_RATE as usize / 1000,
        max_segment_samples: (config.max_segment_s * STREAM_RATE as f32) as usize,
    }
}

/// Runs until `chunks` closes; returns how many segments it sent.
pub fn run_stage(config: &VadConfig, mut chunks: mpsc::Receiver<AudioChunk>, out: mpsc::Sender<SpeechSegment>) -> u64 {
    let mut gate = EnergyGate::new(config.margin_db, config.min_level_dbfs);
    let mut segmenter = Segmenter::new(rules_from(config));
    let mut pending: Vec<f32> = Vec::with_capacity(FRAME_SAMPLES * 2);
    let mut sent = 0u64;
    let mut send = |segment: SpeechSegment| {
        tracing::debug!(
            start = segment.start_seconds(),
            seconds = segment.samples.len() as f64 / f64::from(STREAM_RATE),
            "Speech segment found"
        );
        sent += 1;
        out.blocking_send(segment).is_ok()
    };
    while let Some(chunk) = chunks.blocking_recv() {
        pending.extend_from_slice(&chunk.samples);
        let whole = pending.len() / FRAME_SAMPLES * FRAME_SAMPLES;
        for frame in pending[..whole].chunks_exact(FRAME_SAMPLES) {
            let probability = gate.speech_probability(frame);
            if let Some(segment) = segmenter.push(frame, probability) {
                if !send(segment) {
                    return sent;
                }
            }
        }
        pending.drain(..whole);
    }
    if !pending.is_empty() {
        let probability = gate.speech_probability(&pending);
        if let Some(segment) = segmenter.push(&pending, probability) {
            send(segment);
        }
    }
    if let Some(segment) = segmenter.finish() {
        send(segment);
    }
    sent
}
