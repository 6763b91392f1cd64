//! How a run ended: what it did (`RunSummary`), or why the daemon could not start or run
//! (`AppError`, each variant from the module that knows what went wrong and says what to do);
//! how a stage thread is started (`spawn`, `spawn_on_own_runtime`) and the threads the drain waits on (`StageThreads`). Never decides what to do about
//! it: `main` turns both into log lines and an exit code.

use std::thread::JoinHandle;

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

/// Starts a stage on a thread of its own, named after it.
pub(super) fn spawn<T: Send + 'static>(
    stage: &'static str,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<JoinHandle<T>, AppError> {
    std::thread::Builder::new()
        .name(stage.into())
        .spawn(f)
        .map_err(|source| AppError::Thread { stage, source })
}

/// Starts an async stage whose work blocks (SQLite calls) on a thread of its own, named after
/// it, with a single-threaded runtime of its own (so its waits never hold up the pipeline's).
/// The runtime is made on that thread: one that cannot be made is this function's error,
/// awaited without blocking the caller's runtime.
pub(super) async fn spawn_on_own_runtime<F: std::future::Future + 'static>(
    stage: &'static str,
    make: impl FnOnce() -> F + Send + 'static,
) -> Result<JoinHandle<Option<F::Output>>, AppError>
where
    F::Output: Send + 'static,
{
    let (made, outcome) = tokio::sync::oneshot::channel();
    let thread = spawn(stage, move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
        match runtime {
            Ok(runtime) => {
                let _ = made.send(Ok(()));
                Some(runtime.block_on(make()))
            }
            Err(error) => {
                let _ = made.send(Err(error));
                None
            }
        }
    })?;
    match outcome.await {
        Ok(Ok(())) => Ok(thread),
        Ok(Err(source)) => Err(AppError::Thread { stage, source }),
        Err(_) => Err(AppError::Thread {
            stage,
            source: std::io::Error::other("the thread ended before making its runtime"),
        }),
    }
}

/// The stages between the source and the bus, kept to name those still running when the drain
/// runs out of time, and to learn why the audio stage stopped.
pub(super) struct StageThreads {
    pub audio: JoinHandle<Result<(), AudioError>>,
    pub vad: JoinHandle<u64>,
    pub asr: JoinHandle<()>,
    pub speakers: JoinHandle<()>,
    pub meeting: tokio::task::JoinHandle<()>,
    pub store: JoinHandle<Option<()>>,
}

impl StageThreads {
    /// The stages that have not finished, in the direction the data flows.
    pub fn running(&self) -> Vec<&'static str> {
        [
            ("audio", self.audio.is_finished()),
            ("vad", self.vad.is_finished()),
            ("asr", self.asr.is_finished()),
            ("speakers", self.speakers.is_finished()),
            ("meeting", self.meeting.is_finished()),
            ("store", self.store.is_finished()),
        ]
        .into_iter()
        .filter(|(_, finished)| !finished)
        .map(|(name, _)| name)
        .collect()
    }

    /// Why the audio stage failed, if it has stopped (a WAV that ended is no failure). A panic
    /// in it goes on unwinding here, so the process exits as a panic does.
    pub fn audio_failure(self) -> Option<AudioError> {
        if !self.audio.is_finished() {
            return None;
        }
        self.audio
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            .err()
    }
}
