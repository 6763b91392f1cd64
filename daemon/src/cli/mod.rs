//! What every subcommand shares: the exit codes (sysexits.h), `Failure` (an error with its
//! code), logging set-up, reading the configuration file, and opening input files safely.
//! Each subcommand lives in its own module and returns `Result<(), Failure>`.

pub mod analyze;
pub mod capture;
pub mod enroll;
pub mod export;
pub mod models;
pub mod run;
pub mod transcribe;
pub mod vad;
pub mod validate;
pub mod watch;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use roomscribe::asr::AsrError;
use roomscribe::audio::wav::{WavError, WavSource};
use roomscribe::config::{self, Config};
use tracing_subscriber::EnvFilter;

/// A command line that cannot work (sysexits EX_USAGE).
pub const EX_USAGE: u8 = 64;
pub const EX_DATAERR: u8 = 65;
pub const EX_NOINPUT: u8 = 66;
pub const EX_UNAVAILABLE: u8 = 69;
pub const EX_SOFTWARE: u8 = 70;
pub const EX_CANTCREAT: u8 = 73;
pub const EX_CONFIG: u8 = 78;

/// An error with the exit code it maps to.
pub struct Failure {
    pub code: u8,
    pub error: anyhow::Error,
}

impl<E: Into<anyhow::Error>> From<E> for Failure {
    fn from(error: E) -> Self {
        Self {
            code: EX_SOFTWARE,
            error: error.into(),
        }
    }
}

pub fn fail(code: u8, error: impl Into<anyhow::Error>) -> Failure {
    Failure {
        code,
        error: error.into(),
    }
}

/// Logs go to journald when systemd gave us a journal stream, else to stderr; never both.
pub fn init_logging(default_filter: &str) {
    use tracing_subscriber::prelude::*;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let registry = tracing_subscriber::registry().with(filter);
    if std::env::var_os("JOURNAL_STREAM").is_some() {
        match tracing_journald::layer() {
            Ok(journald) => {
                registry.with(journald).init();
                return;
            }
            Err(error) => eprintln!("roomscribe: journald is not reachable ({error}); logging to stderr"),
        }
    }
    registry
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(std::io::stderr().is_terminal())
                .with_target(false),
        )
        .init();
}

pub fn load_config(path: &Path) -> Result<Config, Failure> {
    read_config(path).map(|(_, config)| config)
}

/// The configuration file's table and the configuration it makes, checked.
pub fn read_config(path: &Path) -> Result<(toml::Table, Config), Failure> {
    regular_file(path, "pass the configuration file")?;
    let bytes = std::fs::read(path).map_err(|e| {
        fail(
            EX_NOINPUT,
            anyhow::anyhow!("cannot read config {}: {e}; pass an existing file", path.display()),
        )
    })?;
    let invalid = |errors: config::ConfigErrors| {
        let list: Vec<String> = errors.0.iter().map(|e| format!("  {e}")).collect();
        fail(
            EX_CONFIG,
            anyhow::anyhow!("{} is not a valid configuration:\n{}", path.display(), list.join("\n")),
        )
    };
    let table = config::parse_file(&bytes).map_err(invalid)?;
    let config = config::validate_table(table.clone()).map_err(invalid)?;
    Ok((table, config))
}

/// Refuses at once a path that exists but is not a regular file: opening a FIFO would wait for
/// a writer, forever if none comes. A missing path is left to the open that follows.
pub fn regular_file(path: &Path, what_to_do: &str) -> Result<(), Failure> {
    match std::fs::metadata(path) {
        Ok(metadata) if !metadata.is_file() => Err(fail(
            EX_NOINPUT,
            anyhow::anyhow!(
                "{} is not a regular file (a directory, FIFO or device); {what_to_do}",
                path.display()
            ),
        )),
        _ => Ok(()),
    }
}

/// Opens a WAV file for the offline commands: a missing file is missing input (66), anything
/// else wrong with it is bad data (65).
pub fn open_wav(file: &Path) -> Result<WavSource, Failure> {
    regular_file(
        file,
        "pass a WAV file (for live audio, use `roomscribe run` with an ALSA device)",
    )?;
    WavSource::open(file).map_err(|error| {
        let code = if matches!(error, WavError::Open { .. }) {
            EX_NOINPUT
        } else {
            EX_DATAERR
        };
        fail(code, error)
    })
}

/// `$XDG_CACHE_HOME`, else `~/.cache`: where scripts/setup keeps models.
pub fn cache_dir() -> Option<PathBuf> {
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
}

pub fn asr_exit_code(error: &AsrError) -> u8 {
    match error {
        AsrError::MissingModelFile { .. } => EX_NOINPUT,
        AsrError::Weights(_) | AsrError::Tokenizer(_) | AsrError::ModelConfig { .. } => EX_DATAERR,
        AsrError::NoCuda { .. } | AsrError::Float16OnCpu | AsrError::UnknownLanguage { .. } => EX_CONFIG,
        // Only live partials are given up; a command never sees it.
        AsrError::Torch(_) | AsrError::Abandoned => EX_SOFTWARE,
    }
}
