//! `roomscribe transcribe`: a WAV file through VAD and Whisper, offline, printed as text,
//! JSON, Markdown, SRT or WebVTT.

use std::path::PathBuf;

use roomscribe::asr::TextSegment;
use roomscribe::asr::Transcriber;
use roomscribe::config::{AsrConfig, ComputeDevice, ComputeType};
use roomscribe::offline::{self, SpokenBy, TranscribeError};
use roomscribe::speakers::{Attributor, Encoder};
use roomscribe::transcript_format::TranscriptFormat;
use roomscribe::voices::ClusterRules;

use super::vad::vad_settings;
use super::{asr_exit_code, cache_dir, fail, load_config, open_wav, Failure, EX_DATAERR, EX_NOINPUT};

/// The model folder `transcribe` uses when `--model` is not given: the installed one, else the
/// one `scripts/setup` fetched into the cache.
pub fn default_model_dirs() -> Vec<PathBuf> {
    let installed = AsrConfig::default().model_dir;
    let cache = cache_dir().map(|base| base.join("roomscribe/models/whisper-tiny.en"));
    std::iter::once(installed).chain(cache).collect()
}

pub struct TranscribeArgs {
    pub file: PathBuf,
    pub format: TranscriptFormat,
    pub model: Option<PathBuf>,
    pub config: Option<PathBuf>,
    pub beam_size: Option<u32>,
    pub threads: Option<u32>,
    pub device: Option<ComputeDevice>,
    pub compute_type: Option<ComputeType>,
    pub word_timestamps: bool,
    /// Say who spoke each segment.
    pub speakers: bool,
    /// Decode only the speech the VAD stage finds.
    pub vad: bool,
}

pub fn transcribe_command(args: TranscribeArgs) -> Result<(), Failure> {
    let format = args.format;
    if format.is_document() {
        return Err(fail(
            super::EX_USAGE,
            anyhow::anyhow!(
                "--format {} writes a stored meeting's summary: use `roomscribe export --format {}` (or the export command)",
                format.name(),
                format.name()
            ),
        ));
    }
    let heard = hear(args)?;
    print!(
        "{}",
        offline::render(&heard.segments, &heard.speakers, heard.gate.as_ref(), format)
    );
    failure_of(heard.failure)
}

/// A file transcribed (and, when asked, attributed to speakers).
pub struct Heard {
    pub segments: Vec<TextSegment>,
    /// One per segment with `--speakers`, else empty.
    pub speakers: Vec<Option<SpokenBy>>,
    pub gate: Option<offline::GateSummary>,
    /// What stopped it part-way (the segments are what came before).
    pub failure: Option<TranscribeError>,
}

/// The exit status and message for what stopped a transcription part-way.
pub fn failure_of(failure: Option<TranscribeError>) -> Result<(), Failure> {
    match failure {
        None => Ok(()),
        Some(TranscribeError::Wav(error)) => Err(fail(EX_DATAERR, error)),
        Some(TranscribeError::Asr(error)) => Err(fail(asr_exit_code(&error), error)),
        Some(TranscribeError::Vad(error)) => Err(fail(EX_DATAERR, error)),
    }
}

/// Transcribes the file of `args` (and says who spoke, with `args.speakers`).
pub fn hear(args: TranscribeArgs) -> Result<Heard, Failure> {
    let wav = open_wav(&args.file)?;
    let config = args.config.as_deref().map(load_config).transpose()?;
    let speakers_config = config.as_ref().map(|c| c.speakers.clone()).unwrap_or_default();
    let speaker_model = match args.speakers {
        true => Some(super::enroll::speaker_model(
            config.as_ref().unwrap_or(&Default::default()),
        )?),
        false => None,
    };
    let known_voices = match (&config, args.speakers) {
        (Some(config), true) => super::enroll::known_voices(config),
        _ => Vec::new(),
    };
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
    let (segments, speakers) = match speaker_model {
        None => (transcription.segments, Vec::new()),
        Some(model) => {
            // On the model's device, as in the daemon.
            let encoder = Encoder::load(&model, transcriber.device()).map_err(|e| fail(EX_NOINPUT, e))?;
            let mut attributor = Attributor::new(encoder, speakers_config.clone(), known_voices);
            let wav = open_wav(&args.file)?;
            let end_rules = ClusterRules::at_meeting_end(&speakers_config);
            offline::attribute_speakers(transcription.segments, wav, &mut attributor, &end_rules)
                .map_err(|e| fail(EX_DATAERR, e))?
        }
    };
    Ok(Heard {
        segments,
        speakers,
        gate: transcription.gate,
        failure: transcription.failure,
    })
}
