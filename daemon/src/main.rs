//! The `roomscribe` binary: command line, logging set-up and exit codes. The only place that
//! uses `anyhow`; everything it runs lives in the library.
//!
//! Exit codes follow sysexits.h: 65 bad input data, 66 missing input, 69 a device or port that
//! is unavailable, 70 an internal failure, 73 an output that cannot be written, 78 a bad
//! configuration.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use roomscribe::app::{self, AppError};
use roomscribe::asr::{AsrError, Transcriber};
use roomscribe::audio::wav::{WavError, WavSource};
use roomscribe::audio::AudioError;
use roomscribe::bus::{topics::Topics, wire::render_for_humans, BusError};
use roomscribe::config::{self, AsrConfig, ComputeDevice, ComputeType, Config};
use roomscribe::offline::{self, OutputFormat, TranscribeError};
use roomscribe::store::{Store, StoreError};
use tracing_subscriber::EnvFilter;

const EX_DATAERR: u8 = 65;
const EX_NOINPUT: u8 = 66;
const EX_UNAVAILABLE: u8 = 69;
const EX_SOFTWARE: u8 = 70;
const EX_CANTCREAT: u8 = 73;
const EX_CONFIG: u8 = 78;

#[derive(Parser)]
#[command(
    name = "roomscribe",
    version,
    about = "On-device meeting transcriber: ALSA in, Whisper on libtorch, MQTT out"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the daemon (under systemd: Type=notify).
    Run {
        /// The TOML configuration (see firmware-config/roomscribe.toml).
        #[arg(long, short, value_name = "FILE")]
        config: PathBuf,
    },
    /// Transcribe a 16 kHz WAV file and print the result.
    Transcribe {
        /// The WAV file.
        file: PathBuf,
        #[arg(long, short, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Whisper model folder (default: asr.model_dir of --config, else the installed model,
        /// else the one scripts/setup fetched).
        #[arg(long, value_name = "DIR")]
        model: Option<PathBuf>,
        /// Take the [asr] settings (decoding, prompt, hotwords) from this configuration.
        #[arg(long, short, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Beams at temperature 0 (1 = greedy); overrides the configuration.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=16))]
        beam_size: Option<u32>,
        /// CPU threads for libtorch (0 = one per core); overrides the configuration.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=64))]
        threads: Option<u32>,
        /// Where the model runs; overrides the configuration.
        #[arg(long, value_enum)]
        device: Option<DeviceArg>,
        /// The number format the model computes in; overrides the configuration.
        #[arg(long, value_enum)]
        compute_type: Option<ComputeTypeArg>,
        /// Time every word (JSON output lists them per segment).
        #[arg(long)]
        word_timestamps: bool,
        /// Decode the whole file. By default only the speech the VAD stage finds is decoded
        /// (the [vad] settings of --config; the JSON output says what was skipped).
        #[arg(long)]
        no_vad: bool,
    },
    /// Find speech in a 16 kHz WAV file with the daemon's VAD stage; prints JSON
    /// ({"detector", "segments": [[start, end], ...]}, seconds).
    Vad {
        /// The WAV file.
        file: PathBuf,
        /// Take the [vad] settings from this configuration.
        #[arg(long, short, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Silero VAD model (default: vad.model of --config, else the installed model, else the
        /// one scripts/setup fetched; missing means the energy gate).
        #[arg(long, value_name = "FILE")]
        model: Option<PathBuf>,
    },
    /// Record what the daemon hears: the [capture] source of --config after channel mixing and
    /// resampling (16 kHz mono, 16-bit), written to a WAV file.
    Capture {
        #[arg(long, short, value_name = "FILE")]
        config: PathBuf,
        /// Seconds of audio to record.
        #[arg(long, value_name = "S", default_value_t = 10.0)]
        seconds: f64,
        /// The WAV file to write.
        #[arg(long, short, value_name = "FILE")]
        output: PathBuf,
    },
    /// Print what a roomscribe broker publishes, decoded for humans.
    Watch {
        /// The broker's address.
        #[arg(long, default_value = "127.0.0.1:1883", value_name = "HOST:PORT")]
        broker: String,
        /// Only this device (default: every device on the broker).
        #[arg(long, value_name = "ID")]
        device: Option<String>,
    },
    /// Model tools.
    Models {
        #[command(subcommand)]
        command: ModelsCommand,
    },
    /// Write a stored meeting out as JSON, Markdown, SRT or WebVTT (from the store of --config;
    /// safe while the daemon runs).
    Export {
        #[arg(long, short, value_name = "FILE")]
        config: PathBuf,
        /// The meeting's id (default: the latest).
        #[arg(long, value_name = "ID")]
        meeting: Option<String>,
        /// json, markdown (md), srt or vtt.
        #[arg(long, short, default_value = "json")]
        format: roomscribe::store::export::ExportFormat,
        /// Write here instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// List the stored meetings (id, start, end, how they started and ended) instead.
        #[arg(long)]
        list: bool,
    },
    /// Check a configuration file; list every error (exit 78 if any).
    Validate {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum ModelsCommand {
    /// Write the Hugging Face layout (model.safetensors, config.json, tokenizer.json) of a
    /// CTranslate2 Whisper folder.
    Convert {
        /// The CTranslate2 folder (model.bin, config.json, tokenizer.json).
        source: PathBuf,
        /// The folder to write (created if missing).
        destination: PathBuf,
    },
}

/// `--device`, as the command line spells it.
#[derive(Clone, Copy, clap::ValueEnum)]
enum DeviceArg {
    Auto,
    Cpu,
    Cuda,
}

impl From<DeviceArg> for ComputeDevice {
    fn from(device: DeviceArg) -> Self {
        match device {
            DeviceArg::Auto => ComputeDevice::Auto,
            DeviceArg::Cpu => ComputeDevice::Cpu,
            DeviceArg::Cuda => ComputeDevice::Cuda,
        }
    }
}

/// `--compute-type`, as the command line spells it.
#[derive(Clone, Copy, clap::ValueEnum)]
enum ComputeTypeArg {
    Auto,
    Float32,
    Bfloat16,
    Float16,
    Mixed,
}

impl From<ComputeTypeArg> for ComputeType {
    fn from(compute_type: ComputeTypeArg) -> Self {
        match compute_type {
            ComputeTypeArg::Auto => ComputeType::Auto,
            ComputeTypeArg::Float32 => ComputeType::Float32,
            ComputeTypeArg::Bfloat16 => ComputeType::Bfloat16,
            ComputeTypeArg::Float16 => ComputeType::Float16,
            ComputeTypeArg::Mixed => ComputeType::Mixed,
        }
    }
}

/// Output formats of `transcribe`, as the command line spells them.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
    Srt,
    Vtt,
}

impl From<Format> for OutputFormat {
    fn from(format: Format) -> Self {
        match format {
            Format::Text => OutputFormat::Text,
            Format::Json => OutputFormat::Json,
            Format::Srt => OutputFormat::Srt,
            Format::Vtt => OutputFormat::Vtt,
        }
    }
}

/// An error with the exit code it maps to.
struct Failure {
    code: u8,
    error: anyhow::Error,
}

impl<E: Into<anyhow::Error>> From<E> for Failure {
    fn from(error: E) -> Self {
        Self {
            code: EX_SOFTWARE,
            error: error.into(),
        }
    }
}

fn fail(code: u8, error: impl Into<anyhow::Error>) -> Failure {
    Failure {
        code,
        error: error.into(),
    }
}

/// A panic anywhere (any stage's thread, a task, the broker's threads) ends the process with
/// 70 once it is logged with the thread it happened on, instead of leaving the daemon half
/// alive or exiting 0: systemd's `Restart=on-failure` then starts it again. What the store
/// committed is safe; what was in flight is lost, as on a power cut.
fn exit_on_panic() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        report(info);
        let thread = std::thread::current();
        let stage = thread.name().unwrap_or("unnamed");
        tracing::error!(
            stage,
            "A thread panicked; exiting with 70 so that the service manager restarts the daemon"
        );
        std::process::exit(i32::from(EX_SOFTWARE));
    }));
}

fn main() -> ExitCode {
    exit_on_panic();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run { config } => run(&config),
        Command::Transcribe {
            file,
            format,
            model,
            config,
            beam_size,
            threads,
            device,
            compute_type,
            word_timestamps,
            no_vad,
        } => {
            init_logging("warn");
            transcribe_command(TranscribeArgs {
                file,
                format: format.into(),
                model,
                config,
                beam_size,
                threads,
                device: device.map(Into::into),
                compute_type: compute_type.map(Into::into),
                word_timestamps,
                vad: !no_vad,
            })
        }
        Command::Vad { file, config, model } => {
            init_logging("warn");
            vad_command(&file, config.as_deref(), model)
        }
        Command::Capture {
            config,
            seconds,
            output,
        } => {
            init_logging("warn");
            capture(&config, seconds, &output)
        }
        Command::Watch { broker, device } => {
            init_logging("warn");
            watch(&broker, device.as_deref())
        }
        Command::Models {
            command: ModelsCommand::Convert { source, destination },
        } => {
            init_logging("warn");
            convert(&source, &destination)
        }
        Command::Validate { file } => validate(&file),
        Command::Export {
            config,
            meeting,
            format,
            output,
            list,
        } => {
            init_logging("warn");
            export(&config, meeting.as_deref(), format, output.as_deref(), list)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure { code, error }) => {
            eprintln!("roomscribe: error: {error}");
            ExitCode::from(code)
        }
    }
}

/// Logs go to journald when systemd gave us a journal stream, else to stderr; never both.
fn init_logging(default_filter: &str) {
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

fn load_config(path: &Path) -> Result<Config, Failure> {
    read_config(path).map(|(_, config)| config)
}

/// The configuration file's table and the configuration it makes, checked.
fn read_config(path: &Path) -> Result<(toml::Table, Config), Failure> {
    regular_file(path, "pass the configuration file")?;
    let bytes = std::fs::read(path).map_err(|e| {
        fail(
            EX_NOINPUT,
            anyhow::anyhow!("cannot read config {}: {e}; pass an existing file", path.display()),
        )
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        fail(
            EX_CONFIG,
            anyhow::anyhow!(
                "{} is not UTF-8 text: the byte at offset {} is not valid UTF-8; save the file as UTF-8 (TOML requires it)",
                path.display(),
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    let invalid = |errors: config::ConfigErrors| {
        let list: Vec<String> = errors.0.iter().map(|e| format!("  {e}")).collect();
        fail(
            EX_CONFIG,
            anyhow::anyhow!("{} is not a valid configuration:\n{}", path.display(), list.join("\n")),
        )
    };
    let table = config::parse_table(&text).map_err(invalid)?;
    let config = config::validate_table(table.clone()).map_err(invalid)?;
    Ok((table, config))
}

fn convert(source: &Path, destination: &Path) -> Result<(), Failure> {
    use roomscribe::asr::whisper::convert::{ctranslate2_to_hugging_face, ConvertError};
    ctranslate2_to_hugging_face(source, destination).map_err(|error| {
        let code = match &error {
            ConvertError::Missing { .. } => EX_NOINPUT,
            ConvertError::Read { .. } | ConvertError::Weights(_) => EX_DATAERR,
            ConvertError::Write { .. } => EX_CANTCREAT,
        };
        fail(code, error)
    })?;
    println!(
        "wrote the Hugging Face layout of {} to {}",
        source.display(),
        destination.display()
    );
    Ok(())
}

fn export(
    config: &Path,
    meeting: Option<&str>,
    format: roomscribe::store::export::ExportFormat,
    output: Option<&Path>,
    list: bool,
) -> Result<(), Failure> {
    let config = load_config(config)?;
    let path = config.state_dir.join(&config.store.path);
    if !path.is_file() {
        return Err(fail(
            EX_NOINPUT,
            anyhow::anyhow!(
                "no meeting store at {}: the daemon has not stored anything with this configuration yet",
                path.display()
            ),
        ));
    }
    let store = Store::open(&path, &config.device_id).map_err(|e| fail(EX_NOINPUT, e))?;
    if list {
        for m in store.meetings().map_err(|e| fail(EX_SOFTWARE, e))? {
            println!(
                "{}\tstarted {}\tended {}\t{} → {}",
                m.id,
                m.started_ms,
                m.ended_ms.map_or("-".into(), |t| t.to_string()),
                m.started_by,
                m.ended_by.as_deref().unwrap_or("(going on)")
            );
        }
        return Ok(());
    }
    let (_, document) = store.export(meeting, format).map_err(|e| match e {
        StoreError::NoSuchMeeting(_) => fail(EX_NOINPUT, e),
        other => fail(EX_SOFTWARE, other),
    })?;
    match output {
        Some(file) => std::fs::write(file, document)
            .map_err(|e| fail(EX_CANTCREAT, anyhow::anyhow!("cannot write {}: {e}", file.display())))?,
        None => print!("{document}"),
    }
    Ok(())
}

fn validate(path: &Path) -> Result<(), Failure> {
    load_config(path)?;
    println!("{}: ok", path.display());
    Ok(())
}

fn run(path: &Path) -> Result<(), Failure> {
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

/// Refuses at once a path that exists but is not a regular file: opening a FIFO would wait for
/// a writer, forever if none comes. A missing path is left to the open that follows.
fn regular_file(path: &Path, what_to_do: &str) -> Result<(), Failure> {
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
fn open_wav(file: &Path) -> Result<WavSource, Failure> {
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

fn vad_command(file: &Path, config: Option<&Path>, model: Option<PathBuf>) -> Result<(), Failure> {
    let wav = open_wav(file)?;
    let vad_config = vad_settings(config.map(load_config).transpose()?.map(|c| c.vad), model);
    let timeline = offline::detect_speech(wav, &vad_config).map_err(|error| match error {
        offline::DetectError::Wav(error) => fail(EX_DATAERR, error),
        offline::DetectError::Vad(error) => fail(EX_DATAERR, error),
    })?;
    println!(
        "{}",
        serde_json::to_string(&timeline).expect("a timeline is plain data")
    );
    Ok(())
}

/// The `[vad]` settings of a configuration (the defaults without one), with the Silero model:
/// `model` if given, else the configuration's; without a configuration, the installed model,
/// else the one scripts/setup fetched (missing means the energy gate).
fn vad_settings(
    configured: Option<roomscribe::config::VadConfig>,
    model: Option<PathBuf>,
) -> roomscribe::config::VadConfig {
    let from_file = configured.is_some();
    let mut vad_config = configured.unwrap_or_default();
    vad_config.model = match (model, from_file) {
        (Some(model), _) => model,
        (None, true) => vad_config.model,
        (None, false) => std::iter::once(vad_config.model.clone())
            .chain(cache_dir().map(|cache| cache.join("roomscribe/models/silero-vad/silero_vad.jit")))
            .find(|candidate| candidate.is_file())
            .unwrap_or(vad_config.model),
    };
    vad_config
}

/// `$XDG_CACHE_HOME`, else `~/.cache`: where scripts/setup keeps models.
fn cache_dir() -> Option<PathBuf> {
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
}

/// Runs the audio stage alone and writes `seconds` of its output stream to `output`.
fn capture(config_path: &Path, seconds: f64, output: &Path) -> Result<(), Failure> {
    use roomscribe::audio::{self, CaptureStats, Source};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    let config = load_config(config_path)?;
    let source = Source::open(&config.capture).map_err(|e| fail(EX_NOINPUT, e))?;
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: roomscribe::pipeline::STREAM_RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(output, spec).map_err(|e| {
        fail(
            EX_CANTCREAT,
            anyhow::anyhow!(
                "cannot write {}: {e}; check the folder exists and is writable",
                output.display()
            ),
        )
    })?;
    let wanted = (seconds.max(0.0) * f64::from(roomscribe::pipeline::STREAM_RATE)).round() as u64;
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let stop = Arc::new(AtomicBool::new(false));
    let stats = Arc::new(CaptureStats::default());
    let stage = {
        let (stop, stats, pacing) = (stop.clone(), stats.clone(), config.capture.pacing);
        std::thread::spawn(move || audio::run_stage(source, pacing, tx, stop, stats))
    };
    let mut written = 0u64;
    while written < wanted {
        let chunk = match rx.try_recv() {
            Ok(chunk) => chunk,
            Err(tokio::sync::mpsc::error::TryRecvError::Disconnected) => break,
            Err(tokio::sync::mpsc::error::TryRecvError::Empty) => {
                if stats.state() == audio::CaptureState::Down {
                    stop.store(true, Ordering::Relaxed);
                    let report = stats.snapshot(&config.capture.pcm);
                    return Err(fail(
                        EX_UNAVAILABLE,
                        anyhow::anyhow!("{}", report.last_error.unwrap_or_else(|| "capture failed".into())),
                    ));
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
                continue;
            }
        };
        for &sample in chunk.samples.iter().take((wanted - written) as usize) {
            let value = (sample * 32_768.0).round().clamp(-32_768.0, 32_767.0) as i16;
            writer
                .write_sample(value)
                .map_err(|e| fail(EX_CANTCREAT, anyhow::anyhow!("writing {}: {e}", output.display())))?;
            written += 1;
        }
    }
    stop.store(true, Ordering::Relaxed);
    drop(rx);
    let stage_result = stage.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    writer
        .finalize()
        .map_err(|e| fail(EX_CANTCREAT, anyhow::anyhow!("finishing {}: {e}", output.display())))?;
    stage_result.map_err(|e| fail(EX_UNAVAILABLE, e))?;
    let health = stats.snapshot(&config.capture.pcm);
    eprintln!(
        "captured {:.2} s into {} (device: {} Hz, {} channels, {}; dropped {}, overruns {})",
        written as f64 / f64::from(roomscribe::pipeline::STREAM_RATE),
        output.display(),
        health.rate.map_or("?".into(), |r| r.to_string()),
        health.channels.map_or("?".into(), |c| c.to_string()),
        health.format.unwrap_or_else(|| "?".into()),
        health.dropped_frames,
        health.overruns
    );
    Ok(())
}

fn asr_exit_code(error: &AsrError) -> u8 {
    match error {
        AsrError::MissingModelFile { .. } => EX_NOINPUT,
        AsrError::Weights(_) | AsrError::Tokenizer(_) | AsrError::ModelConfig { .. } => EX_DATAERR,
        AsrError::NoCuda { .. } | AsrError::Float16OnCpu | AsrError::UnknownLanguage { .. } => EX_CONFIG,
        AsrError::Torch(_) => EX_SOFTWARE,
    }
}

/// The model folder `transcribe` uses when `--model` is not given: the installed one, else the
/// one `scripts/setup` fetched into the cache.
fn default_model_dirs() -> Vec<PathBuf> {
    let installed = AsrConfig::default().model_dir;
    let cache = cache_dir().map(|base| base.join("roomscribe/models/whisper-tiny.en"));
    std::iter::once(installed).chain(cache).collect()
}

struct TranscribeArgs {
    file: PathBuf,
    format: OutputFormat,
    model: Option<PathBuf>,
    config: Option<PathBuf>,
    beam_size: Option<u32>,
    threads: Option<u32>,
    device: Option<ComputeDevice>,
    compute_type: Option<ComputeType>,
    word_timestamps: bool,
    /// Decode only the speech the VAD stage finds.
    vad: bool,
}

fn transcribe_command(args: TranscribeArgs) -> Result<(), Failure> {
    let wav = open_wav(&args.file)?;
    let config = args.config.as_deref().map(load_config).transpose()?;
    let vad_config = args
        .vad
        .then(|| vad_settings(config.as_ref().map(|c| c.vad.clone()), None));
    let mut asr_config = config.map(|c| c.asr).unwrap_or_default();
    asr_config.model_dir = match (args.model, &args.config) {
        (Some(dir), _) => dir,
        (None, Some(_)) => asr_config.model_dir,
        (None, None) => {
            let candidates = default_model_dirs();
            candidates
                .iter()
                .find(|d| d.join("model.bin").is_file())
                .cloned()
                .ok_or_else(|| {
                    let tried: Vec<String> = candidates.iter().map(|d| d.display().to_string()).collect();
                    fail(
                        EX_NOINPUT,
                        anyhow::anyhow!(
                            "no Whisper model found (looked in {}); run scripts/setup or pass --model DIR",
                            tried.join(", ")
                        ),
                    )
                })?
        }
    };
    if let Some(beam_size) = args.beam_size {
        asr_config.beam_size = beam_size;
    }
    if let Some(threads) = args.threads {
        asr_config.threads = threads;
    }
    if let Some(device) = args.device {
        asr_config.device = device;
    }
    if let Some(compute_type) = args.compute_type {
        asr_config.compute_type = compute_type;
    }
    asr_config.word_timestamps |= args.word_timestamps;
    let transcriber = Transcriber::load(&asr_config).map_err(|e| fail(asr_exit_code(&e), e))?;
    let transcription = offline::transcribe_file(&transcriber, wav, vad_config.as_ref(), &mut std::io::stderr());
    if let Some(gate) = &transcription.gate {
        tracing::info!(
            detector = gate.detector,
            speech_s = gate.speech_s,
            skipped_s = gate.skipped_s,
            "Decoded only the speech the VAD found (--no-vad decodes everything)"
        );
    }
    print!(
        "{}",
        offline::render(&transcription.segments, transcription.gate.as_ref(), args.format)
    );
    match transcription.failure {
        None => Ok(()),
        Some(TranscribeError::Wav(error)) => Err(fail(EX_DATAERR, error)),
        Some(TranscribeError::Asr(error)) => Err(fail(asr_exit_code(&error), error)),
        Some(TranscribeError::Vad(error)) => Err(fail(EX_DATAERR, error)),
    }
}

fn watch(broker: &str, device: Option<&str>) -> Result<(), Failure> {
    let (host, port) = broker
        .rsplit_once(':')
        .and_then(|(h, p)| Some((h.trim_matches(['[', ']']).to_owned(), p.parse::<u16>().ok()?)))
        .ok_or_else(|| {
            fail(
                EX_CONFIG,
                anyhow::anyhow!("--broker {broker:?} must be HOST:PORT, e.g. 127.0.0.1:1883"),
            )
        })?;
    let filter = device.map_or_else(Topics::every_device, |d| Topics::new(d).everything());
    let mut options = rumqttc::MqttOptions::new(format!("roomscribe-watch-{}", std::process::id()), host, port);
    options.set_keep_alive(Duration::from_secs(10));
    options.set_max_packet_size(16 << 20, 16 << 20);
    let (client, mut connection) = rumqttc::Client::new(options, 16);
    client.subscribe(&filter, rumqttc::QoS::AtLeastOnce)?;
    eprintln!("watching {filter} on {broker} (Ctrl-C to stop)");
    let mut connected = false;
    for event in connection.iter() {
        match event {
            Ok(rumqttc::Event::Incoming(rumqttc::Packet::ConnAck(_))) => connected = true,
            Ok(rumqttc::Event::Incoming(rumqttc::Packet::Publish(p))) => {
                println!("{}", render_for_humans(&p.topic, &p.payload));
            }
            Ok(_) => {}
            Err(error) if !connected => {
                return Err(fail(
                    EX_UNAVAILABLE,
                    anyhow::anyhow!("cannot reach the broker at {broker}: {error}; is roomscribe running?"),
                ))
            }
            Err(error) => {
                eprintln!("roomscribe: connection to {broker} lost ({error}); reconnecting");
                std::thread::sleep(Duration::from_secs(1));
            }
        }
    }
    Ok(())
}
