//! The speech-to-text stage: Whisper on libtorch, on a dedicated thread.
//!
//! Owns the model files and the libtorch device. Takes `SpeechSegment`s from the VAD stage and
//! hands `Transcript`s on; the same `Transcriber` serves `roomscribe transcribe`. Inference never
//! runs on a tokio worker, and this stage never publishes or stores anything itself.

pub mod decode;
pub mod whisper;

use std::path::{Path, PathBuf};

use serde::Deserialize;
use tch::{Device, Kind};
use tokio::sync::mpsc;

use crate::config::{AsrConfig, ComputeDevice};
use crate::pipeline::{SpeechSegment, Transcript};
use decode::{DecodeOptions, Decoder, Suppression};
use whisper::mel::LogMel;
use whisper::model::Whisper;
use whisper::tokenizer::{TokenizerError, WhisperTokenizer};
use whisper::weights::{Checkpoint, WeightsError};

#[derive(Debug, thiserror::Error)]
pub enum AsrError {
    #[error("model folder {dir} has no {file}; point asr.model_dir (or --model) at a Whisper model in CTranslate2 layout (model.bin, config.json, tokenizer.json), or fetch it with scripts/setup")]
    MissingModelFile { dir: PathBuf, file: &'static str },
    #[error("{path} is not a valid model config.json: {reason}; re-fetch the model")]
    ModelConfig { path: PathBuf, reason: String },
    #[error(transparent)]
    Weights(#[from] WeightsError),
    #[error(transparent)]
    Tokenizer(#[from] TokenizerError),
    #[error("asr.device is \"cuda\" but {reason}; use \"auto\" or \"cpu\"")]
    NoCuda { reason: &'static str },
    #[error("libtorch failed while transcribing: {0}")]
    Torch(#[from] tch::TchError),
}

/// The parts of a CTranslate2 Whisper `config.json` that decoding needs.
#[derive(Debug, Deserialize)]
struct Ct2ModelConfig {
    #[serde(default)]
    suppress_ids: Vec<i64>,
    #[serde(default)]
    suppress_ids_begin: Vec<i64>,
}

/// A piece of recognised text, times in seconds from the start of the audio given.
#[derive(Debug, Clone, PartialEq)]
pub struct TextSegment {
    pub start: f64,
    pub end: f64,
    pub text: String,
    pub confidence: f32,
}

/// A loaded model and everything needed to turn 16 kHz audio into text.
pub struct Transcriber {
    model: Whisper,
    mel: LogMel,
    tokenizer: WhisperTokenizer,
    suppression: Suppression,
    sot_sequence: Vec<i64>,
    options: DecodeOptions,
    device: Device,
    kind: Kind,
    language: String,
}

impl Transcriber {
    /// Loads the model in `config.model_dir` onto the configured device.
    pub fn load(config: &AsrConfig) -> Result<Self, AsrError> {
        if config.threads > 0 {
            tch::set_num_threads(config.threads as i32);
        }
        let (device, kind) = choose_device(config.device)?;
        let dir = &config.model_dir;
        let model_bin = require(dir, "model.bin")?;
        let config_json = require(dir, "config.json")?;
        let tokenizer_json = require(dir, "tokenizer.json")?;
        let model_config: Ct2ModelConfig = std::fs::read(&config_json)
            .map_err(|e| e.to_string())
            .and_then(|bytes| serde_json::from_slice(&bytes).map_err(|e| e.to_string()))
            .map_err(|reason| AsrError::ModelConfig {
                path: config_json.clone(),
                reason,
            })?;
        let tokenizer = WhisperTokenizer::from_file(&tokenizer_json)?;
        let model = Whisper::load(Checkpoint::from_ctranslate2(&model_bin, device, kind)?)?;
        let special = tokenizer.special;
        let mut sot_sequence = vec![special.sot];
        if model.dims.is_multilingual() {
            if let Some(language) = tokenizer.language_token(&config.language) {
                sot_sequence.push(language);
            }
            sot_sequence.push(special.transcribe);
        }
        Ok(Self {
            mel: LogMel::new(model.dims.n_mels, device)?,
            model,
            tokenizer,
            suppression: Suppression {
                always: model_config.suppress_ids,
                at_begin: model_config.suppress_ids_begin,
            },
            sot_sequence,
            options: DecodeOptions::default(),
            device,
            kind,
            language: config.language.clone(),
        })
    }

    /// Human-readable description of what was loaded, for the start-up log.
    pub fn describe(&self) -> String {
        let d = &self.model.dims;
        format!(
            "{} layers × {} wide, vocabulary {}, on {:?} as {:?}",
            d.n_audio_layer, d.n_audio_state, d.n_vocab, self.device, self.kind
        )
    }

    /// The language of the text this model produces.
    pub fn language(&self) -> &str {
        if self.model.dims.is_multilingual() {
            &self.language
        } else {
            "en"
        }
    }

    fn decoder(&self) -> Decoder<'_> {
        Decoder {
            model: &self.model,
            mel: &self.mel,
            special: self.tokenizer.special,
            suppression: &self.suppression,
            sot_sequence: &self.sot_sequence,
            options: &self.options,
            device: self.device,
            kind: self.kind,
        }
    }

    /// Transcribes 16 kHz mono audio of any length. Blocking; call from a dedicated thread.
    pub fn transcribe(&self, samples: &[f32]) -> Result<Vec<TextSegment>, AsrError> {
        self.to_text(self.decoder().transcribe(samples)?)
    }

    /// Transcribes one window of at most 30 s; returns its segments (times from the window
    /// start) and how many samples they account for, for callers that stream long audio.
    pub fn transcribe_window(&self, window: &[f32]) -> Result<(Vec<TextSegment>, usize), AsrError> {
        let outcome = self.decoder().decode_window(window)?;
        Ok((self.to_text(outcome.segments)?, outcome.consumed_samples))
    }

    fn to_text(&self, segments: Vec<decode::DecodedSegment>) -> Result<Vec<TextSegment>, AsrError> {
        let mut out = Vec::with_capacity(segments.len());
        for segment in segments {
            let text = self.tokenizer.decode(&segment.tokens)?.trim().to_owned();
            if text.is_empty() {
                continue;
            }
            out.push(TextSegment {
                start: segment.start,
                end: segment.end,
                text,
                confidence: segment.avg_logprob.exp().clamp(0.0, 1.0),
            });
        }
        Ok(out)
    }
}

fn require(dir: &Path, file: &'static str) -> Result<PathBuf, AsrError> {
    let path = dir.join(file);
    if path.is_file() {
        Ok(path)
    } else {
        Err(AsrError::MissingModelFile {
            dir: dir.to_owned(),
            file,
        })
    }
}

/// CUDA with float16 when asked for (or available under "auto"), else CPU with float32.
fn choose_device(wanted: ComputeDevice) -> Result<(Device, Kind), AsrError> {
    let cuda = tch::Cuda::is_available();
    match wanted {
        ComputeDevice::Cpu => Ok((Device::Cpu, Kind::Float)),
        ComputeDevice::Auto if !cuda => Ok((Device::Cpu, Kind::Float)),
        ComputeDevice::Auto | ComputeDevice::Cuda if cuda => Ok((Device::Cuda(0), Kind::Half)),
        _ => Err(AsrError::NoCuda {
            reason: "this libtorch has no CUDA support or no GPU is visible",
        }),
    }
}

/// Runs the stage until its input closes: each speech segment in, its transcripts out.
/// A segment that fails is logged and skipped; the stage goes on with the next one.
pub fn run_stage(
    transcriber: Transcriber,
    mut segments: mpsc::Receiver<SpeechSegment>,
    transcripts: mpsc::Sender<Transcript>,
) {
    let _no_grad = tch::no_grad_guard();
    let mut sequence = 0u64;
    while let Some(segment) = segments.blocking_recv() {
        let started = std::time::Instant::now();
        let audio_seconds = segment.samples.len() as f64 / f64::from(crate::pipeline::STREAM_RATE);
        let pieces = match transcriber.transcribe(&segment.samples) {
            Ok(pieces) => pieces,
            Err(error) => {
                tracing::error!(%error, start = segment.start_seconds(), "Transcription of a speech segment failed; skipping it");
                continue;
            }
        };
        tracing::debug!(
            audio_seconds,
            elapsed_ms = started.elapsed().as_millis() as u64,
            pieces = pieces.len(),
            "Transcribed a speech segment"
        );
        for piece in pieces {
            sequence += 1;
            let transcript = Transcript {
                sequence,
                start: segment.start_seconds() + piece.start,
                end: segment.start_seconds() + piece.end.min(audio_seconds),
                text: piece.text,
                confidence: piece.confidence,
                language: transcriber.language().to_owned(),
            };
            if transcripts.blocking_send(transcript).is_err() {
                tracing::warn!("Transcript output closed; the ASR stage stops");
                return;
            }
        }
    }
}
