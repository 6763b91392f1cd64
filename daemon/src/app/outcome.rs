//! How a run ended: what it did (`RunSummary`), or why the daemon could not start or run
//! (`AppError`, each variant from the module that knows what went wrong and says what to do).
//! Never decides what to do about it: `main` turns both into log lines and an exit code.

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

/// What a run did, for the last log lines and the exit code.
#[derive(Debug)]
pub struct RunSummary {
    pub transcripts_published: u64,
    pub drained: bool,
    /// Why the audio stage stopped by itself, if it failed (a WAV source simply ends).
    pub audio_failure: Option<AudioError>,
}
