//! The `roomscribe` binary: the command line and the panic policy. Each subcommand lives in its
//! own module under `cli`, which also holds the exit codes and logging set-up. The binary is
//! the only place that uses `anyhow`; everything it runs lives in the library.
//!
//! Exit codes follow sysexits.h: 65 bad input data, 66 missing input, 69 a device or port that
//! is unavailable, 70 an internal failure, 73 an output that cannot be written, 78 a bad
//! configuration.

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use cli::transcribe::TranscribeArgs;
use cli::{init_logging, Failure, EX_SOFTWARE};
use roomscribe::config::{ComputeDevice, ComputeType};
use roomscribe::transcript_format::TranscriptFormat;

#[derive(Parser)]
#[command(
    name = "roomscribe",
    version = concat!(env!("CARGO_PKG_VERSION"), "\nlinked ", env!("ROOMSCRIBE_LIBTORCH")),
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
        /// text, json, markdown (md), srt or vtt.
        #[arg(long, short, default_value = "text")]
        format: TranscriptFormat,
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
        /// Say who spoke each segment (`speaker`, `live_speaker`, `speaker_name` in JSON;
        /// names in the other formats), treating the file as one meeting; with --config, the
        /// voices enrolled in its store are named.
        #[arg(long)]
        speakers: bool,
        /// Decode the whole file. By default only the speech the VAD stage finds is decoded
        /// (the [vad] settings of --config; the JSON output says what was skipped).
        #[arg(long)]
        no_vad: bool,
    },
    /// What a meeting meant, offline: a 16 kHz WAV (transcribed, speakers found) or a
    /// transcript JSON ({"segments": [{start, end, text, speaker}]}) through the daemon's
    /// meaning rules; prints the summary as JSON (action_items, decisions, questions, keywords,
    /// talk_time, summary, …) or Markdown.
    Analyze {
        /// The WAV file or transcript JSON.
        file: PathBuf,
        /// Take the [meaning], [speakers] and [asr] settings from this configuration.
        #[arg(long, short, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Whisper model folder for a WAV (as for `transcribe`).
        #[arg(long, value_name = "DIR")]
        model: Option<PathBuf>,
        /// The meeting's date, YYYY-MM-DD, for due dates ("Friday"); default today.
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
        /// Print Markdown instead of JSON.
        #[arg(long)]
        markdown: bool,
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
    /// Write a stored meeting out as JSON, Markdown, SRT, WebVTT, PDF or DOCX (from the store of --config;
    /// safe while the daemon runs).
    Export {
        #[arg(long, short, value_name = "FILE")]
        config: PathBuf,
        /// The meeting's id (default: the latest).
        #[arg(long, value_name = "ID")]
        meeting: Option<String>,
        /// json, markdown (md), srt, vtt, text, or pdf and docx (the summary to forward).
        #[arg(long, short, default_value = "json")]
        format: TranscriptFormat,
        /// Write here instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// List the stored meetings (id, start, end, how they started and ended) instead.
        #[arg(long)]
        list: bool,
    },
    /// Keep a recording of one person's voice (at least 3 s of them speaking) as a voiceprint
    /// under NAME in the store of --config: later meetings name that voice. Voiceprints never
    /// leave the device.
    Enroll {
        #[arg(long, short, value_name = "FILE")]
        config: PathBuf,
        /// The person's name, as transcripts and summaries will show it.
        #[arg(long)]
        name: String,
        /// A 16 kHz WAV file of the person speaking.
        file: PathBuf,
    },
    /// List the enrolled voices (names, where they came from) in the store of --config.
    Voices {
        #[arg(long, short, value_name = "FILE")]
        config: PathBuf,
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

/// A panic anywhere (any stage's thread, a task, the broker's threads) ends the process with
/// 70 once it is logged with the stage it happened in (a task's, else the thread's name),
/// instead of leaving the daemon half alive or exiting 0: systemd's `Restart=on-failure` then
/// starts it again. What the store committed is safe; what was in flight is lost, as on a
/// power cut.
fn exit_on_panic() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        report(info);
        let thread = std::thread::current();
        let stage = roomscribe::stage::running_stage()
            .or(thread.name())
            .unwrap_or("unnamed");
        tracing::error!(
            stage,
            "A thread panicked; exiting with 70 so that the service manager restarts the daemon"
        );
        // Not `std::process::exit`: that runs libtorch's C++ static destructors while the
        // other stages' threads still use them, which once corrupted the heap and turned the
        // 70 into a SIGABRT. What the store committed is already on disk (SQLite's journal).
        let _ = std::io::Write::flush(&mut std::io::stderr());
        // SAFETY: `_exit` ends the process at once; it touches no memory of ours.
        unsafe { libc::_exit(i32::from(EX_SOFTWARE)) }
    }));
}

fn main() -> ExitCode {
    exit_on_panic();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run { config } => cli::run::run(&config),
        Command::Analyze {
            file,
            config,
            model,
            date,
            markdown,
        } => {
            init_logging("warn");
            cli::analyze::analyze_command(cli::analyze::AnalyzeArgs {
                file,
                config,
                model,
                date,
                markdown,
            })
        }
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
            speakers,
            no_vad,
        } => {
            init_logging("warn");
            cli::transcribe::transcribe_command(TranscribeArgs {
                file,
                format,
                model,
                config,
                beam_size,
                threads,
                device: device.map(Into::into),
                compute_type: compute_type.map(Into::into),
                word_timestamps,
                speakers,
                vad: !no_vad,
            })
        }
        Command::Vad { file, config, model } => {
            init_logging("warn");
            cli::vad::vad_command(&file, config.as_deref(), model)
        }
        Command::Capture {
            config,
            seconds,
            output,
        } => {
            init_logging("warn");
            cli::capture::capture(&config, seconds, &output)
        }
        Command::Watch { broker, device } => {
            init_logging("warn");
            cli::watch::watch(&broker, device.as_deref())
        }
        Command::Models {
            command: ModelsCommand::Convert { source, destination },
        } => {
            init_logging("warn");
            cli::models::convert(&source, &destination)
        }
        Command::Validate { file } => cli::validate::validate(&file),
        Command::Enroll { config, name, file } => {
            init_logging("warn");
            cli::enroll::enroll(&config, &name, &file)
        }
        Command::Voices { config } => {
            init_logging("warn");
            cli::enroll::voices(&config)
        }
        Command::Export {
            config,
            meeting,
            format,
            output,
            list,
        } => {
            init_logging("warn");
            cli::export::export(&config, meeting.as_deref(), format, output.as_deref(), list)
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
