//! Why the daemon could not start or run: one error type for the wiring, each variant from the
//! module that knows what went wrong (and says what to do). Never decides what to do about it.

use crate::asr::AsrError;
use crate::audio::AudioError;
use crate::bus::BusError;
use crate::config::ConfigErrors;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Audio(#[from] AudioError),
    #[error(transparent)]
    Asr(#[from] AsrError),
    #[error(transparent)]
    Bus(#[from] BusError),
    #[error(transparent)]
    Vad(#[from] crate::vad::silero::SileroError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("could not start the {stage} thread: {source}")]
    Thread {
        stage: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("could not install the signal handlers: {0}")]
    Signals(#[source] std::io::Error),
    #[error("the configuration is not valid:\n{0}")]
    Config(ConfigErrors),
}
