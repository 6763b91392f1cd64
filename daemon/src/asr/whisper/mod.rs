//! Whisper (Radford et al., 2022, "Robust Speech Recognition via Large-Scale Weak Supervision")
//! on libtorch: the model's constants, its dimensions and the pieces that make it up.
//!
//! This module is mechanism only: it turns audio into log-mel frames, frames into encoder states,
//! and tokens into next-token logits. Which tokens to pick is policy and lives in `asr::decode`.
//! It must never read configuration, talk to channels or decide what is published.

pub mod convert;
mod half_weights;
pub mod mel;
pub mod model;
pub mod tokenizer;
pub mod weights;

/// Audio sample rate every Whisper model is trained on.
pub const SAMPLE_RATE: usize = 16_000;
/// FFT window: 25 ms at 16 kHz.
pub const N_FFT: i64 = 400;
/// Hop between mel frames: 10 ms at 16 kHz.
pub const HOP_LENGTH: i64 = 160;
/// One encoder window is 30 s of audio…
pub const CHUNK_SECONDS: usize = 30;
/// …that is this many samples…
pub const N_SAMPLES: usize = CHUNK_SECONDS * SAMPLE_RATE;
/// …and this many mel frames (the encoder halves it to 1500 positions).
pub const N_FRAMES: i64 = (N_SAMPLES as i64) / HOP_LENGTH;
/// Seconds per timestamp token step (`<|0.02|>`).
pub const TIME_PRECISION: f64 = 0.02;

/// The hyper-parameters of one checkpoint, named as in the reference `ModelDimensions`.
/// They are read off the weights themselves (and the head count off the model files), so any
/// Whisper size loads without a table of known sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelDims {
    pub n_mels: i64,
    pub n_audio_ctx: i64,
    pub n_audio_state: i64,
    pub n_audio_head: i64,
    pub n_audio_layer: i64,
    pub n_vocab: i64,
    pub n_text_ctx: i64,
    pub n_text_state: i64,
    pub n_text_head: i64,
    pub n_text_layer: i64,
}

impl ModelDims {
    /// English-only checkpoints have 51864 tokens; multilingual ones have more (language tokens).
    pub fn is_multilingual(&self) -> bool {
        self.n_vocab >= 51865
    }
}
