//! Silero VAD (TorchScript, `silero_vad.jit`) through `tch::CModule`: one speech probability per
//! 32 ms frame of 16 kHz audio. The module keeps its own recurrent state and audio context
//! between calls, so frames must arrive in stream order (one instance per stream).
//!
//! Owns the model only. Must run on the VAD stage's own thread, never on a tokio worker.

use std::path::{Path, PathBuf};

use tch::{CModule, IValue, Kind, Tensor};

/// Samples per frame the model accepts at 16 kHz.
pub const SILERO_FRAME: usize = 512;

#[derive(Debug, thiserror::Error)]
pub enum SileroError {
    #[error("cannot load Silero VAD from {path}: {source}; fetch it with scripts/setup or point vad.model at silero_vad.jit")]
    Load {
        path: PathBuf,
        #[source]
        source: tch::TchError,
    },
    #[error("Silero VAD failed on a frame: {0}")]
    Inference(#[from] tch::TchError),
    #[error("Silero VAD returned {0:?} instead of a probability tensor")]
    Output(String),
}

pub struct SileroVad {
    module: CModule,
}

impl SileroVad {
    pub fn load(path: &Path) -> Result<Self, SileroError> {
        let mut module = CModule::load(path).map_err(|source| SileroError::Load {
            path: path.to_owned(),
            source,
        })?;
        module.set_eval();
        Ok(Self { module })
    }

    /// The probability that `frame` (`SILERO_FRAME` samples, 16 kHz) is speech.
    pub fn speech_probability(&mut self, frame: &[f32]) -> Result<f32, SileroError> {
        let _no_grad = tch::no_grad_guard();
        let input = Tensor::f_from_slice(frame)?.f_view([1, frame.len() as i64])?;
        let output = self.module.forward_is(&[
            IValue::Tensor(input),
            IValue::Int(i64::from(crate::pipeline::STREAM_RATE)),
        ])?;
        match output {
            IValue::Tensor(t) => Ok(t.f_to_kind(Kind::Float)?.f_double_value(&[0, 0])? as f32),
            other => Err(SileroError::Output(format!("{other:?}"))),
        }
    }

    /// Forgets the recurrent state and audio context: the next frame starts a new stream.
    pub fn reset(&mut self) -> Result<(), SileroError> {
        self.module.method_is::<IValue>("reset_states", &[])?;
        Ok(())
    }
}
