//! `roomscribe run`: the daemon. Sets up logging from the configuration, runs `app`, and maps
//! what stopped it to an exit code systemd's `Restart=` logic can act on.

use std::path::Path;

use roomscribe::app::{self, AppError};
use roomscribe::audio::wav::WavError;
use roomscribe::audio::AudioError;
use roomscribe::bus::BusError;
use roomscribe::store::StoreError;

use super::{asr_exit_code, fail, init_logging, read_config, Failure};
use super::{EX_CANTCREAT, EX_CONFIG, EX_DATAERR, EX_NOINPUT, EX_SOFTWARE, EX_UNAVAILABLE};

pub fn run(path: &Path) -> Result<(), Failure> {
    let (file, config) = read_config(path)?;
    // rumqttd's router logs an ERROR whenever a client sends DISCONNECT before closing its socket
    // (its own comment calls the double disconnect expected); keep that module quiet.
    init_logging(&format!(
        "{},rumqttd=warn,rumqttd::router::routing=off,rumqttc=warn",
        config.log.level
    ));
    tracing::info!(version = env!("CARGO_PKG_VERSION"), config = %path.display(), "roomscribe starting");
    let summary = app::run(file).map_err(|error| {
        let code = match &error {
            AppError::Audio(AudioError::Alsa(_)) | AppError::Bus(BusError::Listen { .. }) => EX_UNAVAILABLE,
            AppError::Audio(AudioError::Wav(WavError::Open { .. })) => EX_NOINPUT,
            AppError::Audio(AudioError::Wav(_)) => EX_DATAERR,
            AppError::Asr(error) => asr_exit_code(error),
            AppError::Vad(_) => EX_DATAERR,
            AppError::Config(_) | AppError::Bus(BusError::TlsFile { .. }) => EX_CONFIG,
            // A store from a newer build will not open by restarting either.
            AppError::Store(StoreError::TooNew { .. }) => EX_CONFIG,
            AppError::Store(_) => EX_CANTCREAT,
            _ => EX_SOFTWARE,
        };
        fail(code, error)
    })?;
    tracing::info!(
        transcripts = summary.transcripts_published,
        drained = summary.drained,
        "roomscribe stopped"
    );
    match summary.audio_failure {
        Some(error) => Err(fail(EX_UNAVAILABLE, anyhow::anyhow!("audio capture failed: {error}"))),
        None => Ok(()),
    }
}
