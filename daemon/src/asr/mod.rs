//! The speech-to-text stage: Whisper on libtorch, on a dedicated thread.
//!
//! Owns the model files and the libtorch device. Takes `SpeechSegment`s from the VAD stage and
//! hands `Transcript`s on; the same `Transcriber` serves `roomscribe transcribe`. Inference never
//! runs on a tokio worker, and this stage never publishes or stores anything itself.

pub mod decode;
pub mod live;
pub mod revise;
pub mod streaming;
pub mod whisper;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use serde::Deserialize;
use tch::{Device, Kind};

use crate::config::{AsrConfig, ComputeDevice, ComputeType, AUTO_LANGUAGE};
use crate::health::{AsrHealth, AsrTimingSummary};
use crate::stage::Counters;
use decode::prompt::PromptContext;
use decode::rules::Suppression;
use decode::{DecodeOptions, Decoder, LanguageToken, Suppressed};
use whisper::mel::LogMel;
use whisper::model::Whisper;
use whisper::tokenizer::{TokenizerError, WhisperTokenizer};
use whisper::weights::{Checkpoint, WeightsError};

#[derive(Debug, thiserror::Error)]
pub enum AsrError {
    #[error("model folder {dir} has no {file}; point asr.model_dir (or --model) at a Whisper model: CTranslate2 layout (model.bin, config.json, tokenizer.json) or Hugging Face layout (model.safetensors, config.json, tokenizer.json); scripts/setup fetches one")]
    MissingModelFile { dir: PathBuf, file: &'static str },
    #[error("{path} is not a valid model config.json: {reason}; re-fetch the model")]
    ModelConfig { path: PathBuf, reason: String },
    #[error(transparent)]
    Weights(#[from] WeightsError),
    #[error(transparent)]
    Tokenizer(#[from] TokenizerError),
    #[error("asr.device is \"cuda\" but {reason}; use \"auto\" or \"cpu\"")]
    NoCuda { reason: &'static str },
    #[error("asr.compute_type \"float16\" needs a CUDA device (CPUs compute it slowly, if at all); use \"bfloat16\" or \"float32\"")]
    Float16OnCpu,
    #[error("asr.language is \"{language}\" but this multilingual model has no <|{language}|> token; use one of its language codes or \"auto\"")]
    UnknownLanguage { language: String },
    #[error("libtorch failed while transcribing: {0}")]
    Torch(#[from] tch::TchError),
    /// Not a failure: a live partial given up for a pause or a final waiting behind it.
    #[error("the decode was given up for more urgent speech")]
    Abandoned,
}

/// The parts of a model's `config.json` that loading and decoding need. CTranslate2 and Hugging
/// Face name them differently; both spellings are read.
#[derive(Debug, Default, Deserialize)]
struct ModelConfigJson {
    /// CTranslate2.
    suppress_ids: Option<Vec<i64>>,
    suppress_ids_begin: Option<Vec<i64>>,
    /// Hugging Face.
    suppress_tokens: Option<Vec<i64>>,
    begin_suppress_tokens: Option<Vec<i64>>,
    /// Both layouts: (decoder layer, head) pairs for word timestamps.
    alignment_heads: Option<Vec<(i64, i64)>>,
    encoder_attention_heads: Option<i64>,
    decoder_attention_heads: Option<i64>,
}

/// Which on-disk layout a model folder holds.
enum ModelLayout {
    CTranslate2 { model_bin: PathBuf },
    HuggingFace { safetensors: PathBuf },
}

impl ModelLayout {
    fn locate(dir: &Path) -> Result<Self, AsrError> {
        let safetensors = dir.join("model.safetensors");
        if safetensors.is_file() {
            return Ok(Self::HuggingFace { safetensors });
        }
        Ok(Self::CTranslate2 {
            model_bin: require(dir, "model.bin")?,
        })
    }
}

fn read_model_config(path: &Path) -> Result<ModelConfigJson, AsrError> {
    std::fs::read(path)
        .map_err(|e| e.to_string())
        .and_then(|bytes| serde_json::from_slice(&bytes).map_err(|e| e.to_string()))
        .map_err(|reason| AsrError::ModelConfig {
            path: path.to_owned(),
            reason,
        })
}

/// A piece of recognised text, times in seconds from the start of the audio given.
#[derive(Debug, Clone, PartialEq)]
pub struct TextSegment {
    pub start: f64,
    pub end: f64,
    pub text: String,
    pub confidence: f32,
    /// Each word and its times (seconds), when word timestamps are on.
    pub words: Vec<Word>,
    /// The language of the text: the configured one, or the one detected in its window.
    pub language: String,
}

/// Speech heard just before audio to transcribe, and what was heard in it (`transcribe_live`).
#[derive(Debug, Clone, Copy)]
pub struct HeardBefore<'a> {
    /// 16 kHz mono, ending where the audio to transcribe starts.
    pub audio: &'a [f32],
    pub text: &'a str,
}

/// One word with its time span.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub word: String,
    pub start: f64,
    pub end: f64,
    /// How sure Whisper was of it: the mean probability of its tokens (0 to 1).
    pub probability: f32,
}

impl From<&Word> for crate::pipeline::TimedWord {
    fn from(w: &Word) -> Self {
        Self {
            word: w.word.clone(),
            start: w.start,
            end: w.end,
        }
    }
}

impl TextSegment {
    /// The segment cut after each word inside it that ends a sentence (`ends_sentence`; not a
    /// lone first word, more often a name called), by its word times: the earlier part ends
    /// with that word, the later starts halfway to the next word. Whisper often puts a question
    /// and its quick answer in one timestamped piece. Unchanged without word times, or when
    /// its words do not spell its text.
    pub fn split_at_sentence_ends(self) -> Vec<TextSegment> {
        let spelled = self.words.iter().map(|w| w.word.as_str()).collect::<Vec<_>>().join(" ");
        if self.words.is_empty() || spelled != self.text {
            return vec![self];
        }
        let last = self.words.len() - 1;
        let mut cuts: Vec<usize> = (1..last)
            .filter(|&i| streaming::ends_sentence(&self.words[i].word))
            .map(|i| i + 1)
            .collect();
        cuts.push(self.words.len());
        let mut pieces = Vec::with_capacity(cuts.len());
        let mut from = 0;
        for &to in &cuts {
            let words = self.words[from..to].to_vec();
            let start = if from == 0 {
                self.start
            } else {
                (self.words[from - 1].end + words[0].start) / 2.0
            };
            let end = if to == self.words.len() {
                self.end
            } else {
                words[words.len() - 1].end
            };
            pieces.push(TextSegment {
                start,
                end,
                text: words.iter().map(|w| w.word.as_str()).collect::<Vec<_>>().join(" "),
                confidence: self.confidence,
                words,
                language: self.language.clone(),
            });
            from = to;
        }
        pieces
    }

    /// The same segment with no time before `seconds` (word alignment can reach back into
    /// speech heard before the audio given).
    pub fn not_before(self, seconds: f64) -> Self {
        let start = self.start.max(seconds);
        Self {
            start,
            end: self.end.max(start),
            words: self
                .words
                .into_iter()
                .map(|w| Word {
                    start: w.start.max(seconds),
                    end: w.end.max(seconds),
                    ..w
                })
                .collect(),
            ..self
        }
    }

    /// The same segment `seconds` later (from window or segment time to stream time).
    pub fn shifted(self, seconds: f64) -> Self {
        Self {
            start: self.start + seconds,
            end: self.end + seconds,
            words: self
                .words
                .into_iter()
                .map(|w| Word {
                    start: w.start + seconds,
                    end: w.end + seconds,
                    ..w
                })
                .collect(),
            ..self
        }
    }
}

/// What the hallucination firewall held back since start (read by logs and health).
#[derive(Debug, Default)]
pub struct FirewallStats {
    /// Windows judged silence by the no-speech gate.
    pub no_speech: AtomicU64,
    /// Repetition loops cut down to one occurrence.
    pub repetition_collapsed: AtomicU64,
    /// Windows dropped because their text still compressed like a loop.
    pub compression_rejected: AtomicU64,
    /// Probably-silent windows whose only text was a filler such as "you" or "thank you".
    pub silence_fillers: AtomicU64,
}

/// How long ASR took on recent final segments, for health.
#[derive(Debug, Default)]
pub struct AsrTimings {
    /// (processing seconds, audio seconds) of the last `KEEP` segments.
    recent: std::sync::Mutex<std::collections::VecDeque<(f64, f64)>>,
    segments: AtomicU64,
}

impl AsrTimings {
    const KEEP: usize = 256;

    pub fn record(&self, processing_s: f64, audio_s: f64) {
        self.segments.fetch_add(1, Ordering::Relaxed);
        let mut recent = self.recent.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if recent.len() == Self::KEEP {
            recent.pop_front();
        }
        recent.push_back((processing_s, audio_s));
    }

    /// `None` before the first segment.
    pub fn summary(&self) -> Option<AsrTimingSummary> {
        let recent = self.recent.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if recent.is_empty() {
            return None;
        }
        let mut latencies: Vec<f64> = recent.iter().map(|&(p, _)| p * 1e3).collect();
        latencies.sort_by(f64::total_cmp);
        let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
        let (processing, audio) = recent.iter().fold((0.0, 0.0), |(p, a), &(dp, da)| (p + dp, a + da));
        Some(AsrTimingSummary {
            segments: self.segments.load(Ordering::Relaxed),
            real_time_factor: if audio > 0.0 { processing / audio } else { 0.0 },
            latency_p50_ms: at(0.5),
            latency_p95_ms: at(0.95),
        })
    }
}

impl FirewallStats {
    fn count(&self, suppressed: Suppressed) {
        let counter = match suppressed {
            Suppressed::NoSpeech => &self.no_speech,
            Suppressed::RepetitionCollapsed => &self.repetition_collapsed,
            Suppressed::CompressionRejected => &self.compression_rejected,
            Suppressed::SilenceFiller => &self.silence_fillers,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Outputs held back for looking like hallucinations (the plain no-speech gate not included).
    pub fn hallucinations_suppressed(&self) -> u64 {
        [
            &self.repetition_collapsed,
            &self.compression_rejected,
            &self.silence_fillers,
        ]
        .iter()
        .map(|c| c.load(Ordering::Relaxed))
        .sum()
    }
}

/// What health reads of the ASR stage: the firewall's counts, recent timings and revisions.
#[derive(Debug, Default)]
pub struct AsrCounters {
    pub firewall: Arc<FirewallStats>,
    pub timings: Arc<AsrTimings>,
    pub revisions: Arc<RevisionStats>,
}

/// What hearing live finals again did (`live`, `revise`).
#[derive(Debug, Default)]
pub struct RevisionStats {
    pub finals_revised: AtomicU64,
    pub distrusted: AtomicU64,
    /// Finals never heard again: ASR had no moment to spare before two minutes of them piled up.
    pub forgotten: AtomicU64,
    /// Finals published and not heard again yet (a gauge); a final leaves it once its
    /// revision, if any, has been sent on.
    pub awaiting: AtomicU64,
}

impl Counters for AsrCounters {
    type Snapshot = AsrHealth;
    fn snapshot(&self) -> AsrHealth {
        AsrHealth {
            timing: self.timings.summary(),
            hallucinations_suppressed: self.firewall.hallucinations_suppressed(),
            no_speech_windows: self.firewall.no_speech.load(Ordering::Relaxed),
            finals_revised: self.revisions.finals_revised.load(Ordering::Relaxed),
            revisions_distrusted: self.revisions.distrusted.load(Ordering::Relaxed),
            finals_not_revised: self.revisions.forgotten.load(Ordering::Relaxed),
            finals_awaiting_revision: self.revisions.awaiting.load(Ordering::Relaxed),
        }
    }
}

/// The configured language's token for a multilingual model (`None`: detect it per window, for
/// "auto"); English-only models take no language token and ignore the setting.
fn resolve_language(tokenizer: &WhisperTokenizer, multilingual: bool, language: &str) -> Result<Option<i64>, AsrError> {
    if !multilingual || language == AUTO_LANGUAGE {
        return Ok(None);
    }
    tokenizer
        .language_token(language)
        .map(Some)
        .ok_or_else(|| AsrError::UnknownLanguage {
            language: language.to_owned(),
        })
}

/// A loaded model and everything needed to turn 16 kHz audio into text.
pub struct Transcriber {
    model: Whisper,
    mel: LogMel,
    tokenizer: WhisperTokenizer,
    suppression: Suppression,
    /// The vocabulary's language tokens (code, token); a multilingual model has them.
    languages: Vec<(String, i64)>,
    /// The configured language's token, for a multilingual model not asked to detect it.
    language_token: Option<i64>,
    alignment_heads: Vec<(i64, i64)>,
    hotwords: Vec<i64>,
    initial_prompt: Vec<i64>,
    options: DecodeOptions,
    /// Greedy, single temperature: live partials are cheap and replaced by the final anyway.
    partial_options: DecodeOptions,
    /// `options` for live finals: a short audio context.
    live_options: DecodeOptions,
    /// `options` for hearing live finals again (`revise`): the whole window, every word timed.
    revision_options: DecodeOptions,
    device: Device,
    precision: Precision,
    language: String,
    /// libtorch CPU threads (`asr.threads`; 0 = one per core).
    threads: u32,
    pub stats: Arc<FirewallStats>,
    pub timings: Arc<AsrTimings>,
}

/// Live partials: greedy, one temperature, a short audio context.
fn partial_options(config: &AsrConfig) -> DecodeOptions {
    DecodeOptions {
        beam_size: 1,
        temperatures: vec![0.0],
        ..live_options(config)
    }
}

/// Hearing finals again: the configured settings, with word times to tell which final each
/// word belongs to.
fn revision_options(config: &AsrConfig) -> DecodeOptions {
    DecodeOptions {
        word_timestamps: true,
        ..DecodeOptions::from_config(config)
    }
}

/// Live finals: the configured settings with a short audio context (see `DecodeOptions`).
fn live_options(config: &AsrConfig) -> DecodeOptions {
    DecodeOptions {
        short_audio_context: true,
        ..DecodeOptions::from_config(config)
    }
}

impl Transcriber {
    /// Loads the model in `config.model_dir` onto the configured device.
    pub fn load(config: &AsrConfig) -> Result<Self, AsrError> {
        crate::torch_threads::set_for_this_thread(config.threads);
        let (device, precision) = choose_device(config.device, config.compute_type)?;
        let dir = &config.model_dir;
        let layout = ModelLayout::locate(dir)?;
        let config_json = require(dir, "config.json")?;
        let tokenizer_json = require(dir, "tokenizer.json")?;
        let mut model_config = read_model_config(&config_json)?;
        let generation_config = dir.join("generation_config.json");
        if model_config.suppress_tokens.is_none() && generation_config.is_file() {
            let generation = read_model_config(&generation_config)?;
            model_config.suppress_tokens = generation.suppress_tokens;
            model_config.begin_suppress_tokens = generation.begin_suppress_tokens;
            model_config.alignment_heads = model_config.alignment_heads.or(generation.alignment_heads);
        }
        let tokenizer = WhisperTokenizer::from_file(&tokenizer_json)?;
        let started = std::time::Instant::now();
        let checkpoint = match &layout {
            ModelLayout::CTranslate2 { model_bin } => {
                Checkpoint::from_ctranslate2(model_bin, device, precision.decoder)?
            }
            ModelLayout::HuggingFace { safetensors } => {
                let heads = |value: Option<i64>, field: &str| {
                    value.ok_or_else(|| AsrError::ModelConfig {
                        path: config_json.clone(),
                        reason: format!("`{field}` is missing"),
                    })
                };
                let n_audio_head = heads(model_config.encoder_attention_heads, "encoder_attention_heads")?;
                let n_text_head = heads(model_config.decoder_attention_heads, "decoder_attention_heads")?;
                Checkpoint::from_safetensors(safetensors, n_audio_head, n_text_head, device, precision.decoder)?
            }
        };
        let model = Whisper::load(checkpoint, precision.encoder)?;
        tracing::debug!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            "Whisper weights loaded"
        );
        let language_token = resolve_language(&tokenizer, model.dims.is_multilingual(), &config.language)?;
        let languages = tokenizer.languages();
        let encode_prompt = |text: &str| -> Result<Vec<i64>, AsrError> {
            let text = text.trim();
            if text.is_empty() {
                Ok(Vec::new())
            } else {
                Ok(tokenizer.encode(&format!(" {text}"))?)
            }
        };
        let hotwords = encode_prompt(&config.hotwords)?;
        // Without a list from the model: every head of the upper half of the decoder (reference).
        let alignment_heads = model_config.alignment_heads.clone().unwrap_or_else(|| {
            let d = model.dims;
            (d.n_text_layer / 2..d.n_text_layer)
                .flat_map(|layer| (0..d.n_text_head).map(move |head| (layer, head)))
                .collect()
        });
        let initial_prompt = encode_prompt(&config.initial_prompt)?;
        Ok(Self {
            mel: LogMel::new(model.dims.n_mels, device)?,
            model,
            tokenizer,
            suppression: Suppression {
                always: model_config
                    .suppress_ids
                    .or(model_config.suppress_tokens)
                    .unwrap_or_default(),
                at_begin: model_config
                    .suppress_ids_begin
                    .or(model_config.begin_suppress_tokens)
                    .unwrap_or_default(),
            },
            languages,
            language_token,
            alignment_heads,
            hotwords,
            initial_prompt,
            options: DecodeOptions::from_config(config),
            partial_options: partial_options(config),
            live_options: live_options(config),
            revision_options: revision_options(config),
            device,
            precision,
            language: config.language.clone(),
            threads: config.threads,
            stats: Arc::default(),
            timings: Arc::default(),
        })
    }

    /// Gives the calling thread the configured libtorch threads. Call it first on every thread
    /// that runs this model (see `torch_threads`).
    pub fn use_configured_threads(&self) {
        crate::torch_threads::set_for_this_thread(self.threads);
    }

    /// Takes the settings that can change while running from `config`: decoding options,
    /// prompt, hotwords, language. The model, device and threads stay as loaded.
    pub fn reconfigure(&mut self, config: &AsrConfig) -> Result<(), AsrError> {
        let encode_prompt = |text: &str| -> Result<Vec<i64>, AsrError> {
            if text.is_empty() {
                Ok(Vec::new())
            } else {
                Ok(self.tokenizer.encode(&format!(" {text}"))?)
            }
        };
        let hotwords = encode_prompt(&config.hotwords)?;
        let initial_prompt = encode_prompt(&config.initial_prompt)?;
        self.language_token = resolve_language(&self.tokenizer, self.model.dims.is_multilingual(), &config.language)?;
        self.hotwords = hotwords;
        self.initial_prompt = initial_prompt;
        self.options = DecodeOptions::from_config(config);
        self.partial_options = partial_options(config);
        self.live_options = live_options(config);
        self.revision_options = revision_options(config);
        self.language = config.language.clone();
        Ok(())
    }

    /// Human-readable description of what was loaded, for the start-up log.
    /// The counters health reads while this model transcribes.
    pub fn counters(&self) -> AsrCounters {
        AsrCounters {
            firewall: self.stats.clone(),
            timings: self.timings.clone(),
            revisions: Arc::default(),
        }
    }

    /// Where the model runs (the speakers stage embeds on the same device).
    pub fn device(&self) -> tch::Device {
        self.device
    }

    pub fn describe(&self) -> String {
        let d = &self.model.dims;
        let decoder_weights = match (self.model.decoder.has_float16_weights(), self.device) {
            (true, _) => " with float16 weights (FBGEMM)",
            (false, tch::Device::Cpu) if !cfg!(target_arch = "x86_64") => {
                " with float32 weights (FBGEMM's float16 weights are x86-64 only; on a Jetson the GPU's float16 path is the fast one)"
            }
            (false, _) => "",
        };
        format!(
            "{} layers × {} wide, vocabulary {}, on {:?}, encoder in {:?}, decoder in {:?}{decoder_weights}",
            d.n_audio_layer, d.n_audio_state, d.n_vocab, self.device, self.precision.encoder, self.precision.decoder
        )
    }

    /// The language of the text this model produces, unless it is detected per window.
    fn configured_language(&self) -> &str {
        if self.model.dims.is_multilingual() {
            &self.language
        } else {
            "en"
        }
    }

    /// The language of a decoded window's text: what was detected in it, else the configured one.
    fn language_of(&self, outcome: &decode::WindowOutcome) -> String {
        outcome
            .detected_language
            .clone()
            .unwrap_or_else(|| self.configured_language().to_owned())
    }

    /// Which language token the decoder starts each window with.
    fn language_choice(&self) -> LanguageToken<'_> {
        match (self.model.dims.is_multilingual(), self.language_token) {
            (false, _) => LanguageToken::EnglishOnly,
            (true, Some(token)) => LanguageToken::Fixed(token),
            (true, None) => LanguageToken::Detect(&self.languages),
        }
    }

    fn decoder_with<'a>(&'a self, options: &'a DecodeOptions) -> Decoder<'a> {
        Decoder {
            model: &self.model,
            mel: &self.mel,
            tokenizer: &self.tokenizer,
            suppression: &self.suppression,
            language: self.language_choice(),
            hotwords: &self.hotwords,
            options,
            alignment_heads: &self.alignment_heads,
            device: self.device,
            abandon: None,
            preceding: None,
        }
    }

    /// A fresh conversation context (holding the configured initial prompt).
    pub fn new_context(&self) -> PromptContext {
        PromptContext::new(self.initial_prompt.clone())
    }

    /// Transcribes 16 kHz mono audio of any length already in memory, with the reference seek
    /// loop, continuing `context`. Blocking; call from a dedicated thread.
    pub fn transcribe(&self, samples: &[f32], context: &mut PromptContext) -> Result<Vec<TextSegment>, AsrError> {
        self.transcribe_with(&self.options, samples, context, true, None)
    }

    /// `transcribe` for a live final: the same settings, with a short audio context. With
    /// `heard`, speech heard just before `samples`, the first window starts with that speech
    /// and its text as if it had just been decoded (`decode::Preceding`): a short phrase alone
    /// is often misheard ("Sounds good to me." as "How is it going to me?"), after what was
    /// said before it, not. Times stay from the start of `samples`.
    pub fn transcribe_live(
        &self,
        heard: Option<HeardBefore<'_>>,
        samples: &[f32],
        context: &mut PromptContext,
    ) -> Result<Vec<TextSegment>, AsrError> {
        self.transcribe_with(&self.live_options, samples, context, true, heard)
    }

    /// `transcribe` for finals heard again together (`revise`): every word timed. Counts
    /// nothing in the firewall's stats: the finals' own decodes did.
    pub fn transcribe_revision(
        &self,
        samples: &[f32],
        context: &mut PromptContext,
    ) -> Result<Vec<TextSegment>, AsrError> {
        self.transcribe_with(&self.revision_options, samples, context, false, None)
    }

    /// The seek loop; with `heard` (when it has text, and room in one window with the audio),
    /// the first window is that speech and the start of `samples`, decoded after its text.
    fn transcribe_with(
        &self,
        options: &DecodeOptions,
        samples: &[f32],
        context: &mut PromptContext,
        count: bool,
        heard: Option<HeardBefore<'_>>,
    ) -> Result<Vec<TextSegment>, AsrError> {
        let mut out = Vec::new();
        let mut seek = 0usize;
        let heard = heard.filter(|heard| {
            !heard.audio.is_empty()
                && !heard.text.trim().is_empty()
                && heard.audio.len() + samples.len() <= whisper::N_SAMPLES
        });
        let heard = match heard {
            Some(heard) => Some((heard, self.tokenizer.encode(&format!(" {}", heard.text.trim()))?)),
            None => None,
        };
        // Text that would take more than a quarter of the decoder's context is no speech of
        // a few seconds: not worth what it leaves the final.
        let heard = heard.filter(|(_, text)| text.len() <= decode::prompt::MAX_TEXT_CONTEXT / 4);
        if let Some((heard, text)) = heard {
            let window: Vec<f32> = heard.audio.iter().chain(samples).copied().collect();
            let preceding = decode::Preceding {
                text: &text,
                samples: heard.audio.len(),
            };
            let (pieces, consumed) = self.window_with(options, &window, context, 0, count, Some(preceding))?;
            let heard_s = heard.audio.len() as f64 / whisper::SAMPLE_RATE as f64;
            out.extend(pieces.into_iter().map(|p| p.shifted(-heard_s).not_before(0.0)));
            // The window may leave the end of `samples` to the next (or, having found nothing
            // after the heard speech, all of it: it is then decoded alone).
            seek = consumed.saturating_sub(heard.audio.len());
        }
        while samples.len() - seek >= whisper::HOP_LENGTH as usize {
            let window = &samples[seek..(seek + whisper::N_SAMPLES).min(samples.len())];
            let (pieces, consumed) = self.window_with(options, window, context, seek as u64, count, None)?;
            let offset = seek as f64 / whisper::SAMPLE_RATE as f64;
            out.extend(pieces.into_iter().map(|p| p.shifted(offset)));
            seek += consumed;
        }
        Ok(out)
    }

    /// Transcribes one window of at most 30 s, continuing `context`; returns its segments (times
    /// from the window start) and how many samples they account for, for callers that stream.
    /// `seed` makes sampling repeatable (the window's position is a good one).
    pub fn transcribe_window(
        &self,
        window: &[f32],
        context: &mut PromptContext,
        seed: u64,
    ) -> Result<(Vec<TextSegment>, usize), AsrError> {
        self.window_with(&self.options, window, context, seed, true, None)
    }

    /// One window, after `preceding` when given; with `count`, what the firewall held back goes
    /// into `stats`.
    fn window_with(
        &self,
        options: &DecodeOptions,
        window: &[f32],
        context: &mut PromptContext,
        seed: u64,
        count: bool,
        preceding: Option<decode::Preceding<'_>>,
    ) -> Result<(Vec<TextSegment>, usize), AsrError> {
        let decoder = Decoder {
            preceding,
            ..self.decoder_with(options)
        };
        let outcome = decoder.decode_window(window, context.tokens(), seed)?;
        if let Some(suppressed) = outcome.suppressed.filter(|_| count) {
            self.stats.count(suppressed);
        }
        for segment in &outcome.segments {
            context.push(&segment.tokens);
        }
        if !options.condition_on_previous_text || outcome.temperature > options.prompt_reset_on_temperature {
            context.reset();
        }
        let language = self.language_of(&outcome);
        Ok((self.to_text(outcome.segments, &language)?, outcome.consumed_samples))
    }

    /// A quick hypothesis of speech still going on (at most 30 s, greedy), for live partials:
    /// its text and language. Reads `context` but does not extend it, and counts nothing: the
    /// final pass does that. Gives up with `AsrError::Abandoned` as soon as `abandon` says so
    /// (it is asked before the encoder and between decoder steps).
    pub fn transcribe_partial(
        &self,
        samples: &[f32],
        context: &PromptContext,
        abandon: &dyn Fn() -> bool,
    ) -> Result<(String, String), AsrError> {
        let window = &samples[..samples.len().min(whisper::N_SAMPLES)];
        // A partial is one greedy pass that nothing falls back from: a loop would run to the
        // window's 224 tokens (seconds of a busy ASR thread). Speech gives about 3 tokens a
        // second; more than 8 a second is a loop.
        let seconds = window.len() / whisper::SAMPLE_RATE;
        let options = DecodeOptions {
            sample_len: (16 + 8 * seconds).min(self.partial_options.sample_len),
            ..self.partial_options.clone()
        };
        let decoder = Decoder {
            abandon: Some(abandon),
            ..self.decoder_with(&options)
        };
        let outcome = decoder.decode_window(window, context.tokens(), 0)?;
        let language = self.language_of(&outcome);
        let texts = self.to_text(outcome.segments, &language)?;
        Ok((
            texts.into_iter().map(|t| t.text).collect::<Vec<_>>().join(" "),
            language,
        ))
    }

    fn to_text(&self, segments: Vec<decode::DecodedSegment>, language: &str) -> Result<Vec<TextSegment>, AsrError> {
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
                words: segment
                    .words
                    .into_iter()
                    .map(|word| Word {
                        word: word.text.trim().to_owned(),
                        start: word.start,
                        end: word.end,
                        probability: word.probability,
                    })
                    .collect(),
                language: language.to_owned(),
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

/// The number formats the encoder and the decoder compute in.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Precision {
    encoder: Kind,
    decoder: Kind,
}

impl Precision {
    fn uniform(kind: Kind) -> Self {
        Self {
            encoder: kind,
            decoder: kind,
        }
    }
}

/// The device (CUDA when asked for, or available under "auto"; else CPU) and the number formats
/// (see `ComputeType`).
fn choose_device(wanted: ComputeDevice, compute_type: ComputeType) -> Result<(Device, Precision), AsrError> {
    let cuda = tch::Cuda::is_available();
    let device = match wanted {
        ComputeDevice::Cpu => Device::Cpu,
        ComputeDevice::Auto if !cuda => Device::Cpu,
        ComputeDevice::Auto | ComputeDevice::Cuda if cuda => Device::Cuda(0),
        _ => {
            return Err(AsrError::NoCuda {
                reason: "this libtorch has no CUDA support or no GPU is visible",
            })
        }
    };
    let mixed = Precision {
        encoder: Kind::BFloat16,
        decoder: Kind::Float,
    };
    let precision = match (compute_type, device) {
        (ComputeType::Float32, _) => Precision::uniform(Kind::Float),
        (ComputeType::Bfloat16, _) => Precision::uniform(Kind::BFloat16),
        (ComputeType::Mixed, _) => mixed,
        (ComputeType::Float16, Device::Cpu) => return Err(AsrError::Float16OnCpu),
        (ComputeType::Float16, _) | (ComputeType::Auto, Device::Cuda(_)) => Precision::uniform(Kind::Half),
        (ComputeType::Auto, _) => Precision::uniform(Kind::Float),
    };
    let bfloat16 = precision.encoder == Kind::BFloat16 || precision.decoder == Kind::BFloat16;
    if device == Device::Cpu
        && bfloat16
        && !cpu_has_native_bfloat16(&std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default())
    {
        tracing::warn!(
            "This CPU has no native bfloat16 (AVX-512 BF16, AMX or Arm BF16): libtorch emulates it, slower than float32; set asr.compute_type = \"float32\""
        );
    }
    Ok((device, precision))
}

/// Whether `/proc/cpuinfo` lists bfloat16 arithmetic in hardware: x86's AVX-512 BF16 or AMX, or
/// Arm's BF16. Without it libtorch emulates bfloat16, slower than float32 (worth a warning).
fn cpu_has_native_bfloat16(cpuinfo: &str) -> bool {
    cpuinfo
        .lines()
        .filter(|line| line.starts_with("flags") || line.starts_with("Features"))
        .filter_map(|line| line.split_once(':'))
        .any(|(_, flags)| {
            flags
                .split_whitespace()
                .any(|flag| matches!(flag, "avx512_bf16" | "amx_bf16" | "bf16"))
        })
}

#[cfg(test)]
mod sentence_split_tests {
    use super::{TextSegment, Word};

    fn spoken(words: &[(&str, f64, f64)]) -> TextSegment {
        TextSegment {
            start: 10.0,
            end: 14.0,
            text: words.iter().map(|w| w.0).collect::<Vec<_>>().join(" "),
            confidence: 0.8,
            words: words
                .iter()
                .map(|&(word, start, end)| Word {
                    word: word.to_owned(),
                    start,
                    end,
                    probability: 0.8,
                })
                .collect(),
            language: "en".to_owned(),
        }
    }

    #[test]
    fn a_question_and_its_quick_answer_in_one_piece_come_apart_between_their_words() {
        let piece = spoken(&[
            ("Ben,", 10.0, 10.3),
            ("can", 10.3, 10.5),
            ("you?", 10.5, 11.0),
            ("Will", 11.4, 11.6),
            ("do.", 11.6, 13.9),
        ]);
        let pieces = piece.split_at_sentence_ends();
        let texts: Vec<&str> = pieces.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, ["Ben, can you?", "Will do."]);
        assert_eq!((pieces[0].start, pieces[0].end), (10.0, 11.0));
        assert_eq!(
            (pieces[1].start, pieces[1].end),
            (11.2, 14.0),
            "halfway between the words"
        );
        assert_eq!(pieces[1].words.len(), 2);
    }

    #[test]
    fn a_name_called_a_last_word_and_text_the_words_do_not_spell_stay_whole() {
        let named = spoken(&[("Tom.", 10.0, 10.3), ("Book", 10.5, 10.7), ("it.", 10.7, 11.0)]);
        assert_eq!(named.clone().split_at_sentence_ends(), vec![named]);
        let mut respelled = spoken(&[("It", 10.0, 10.3), ("is.", 10.5, 10.7), ("Go", 10.7, 11.0)]);
        respelled.text = "It is 4.2. Go".to_owned();
        assert_eq!(respelled.clone().split_at_sentence_ends(), vec![respelled]);
        let untimed = TextSegment {
            words: Vec::new(),
            ..spoken(&[("We", 10.0, 10.3), ("agreed.", 10.5, 10.7), ("Fine.", 10.7, 11.0)])
        };
        assert_eq!(untimed.clone().split_at_sentence_ends(), vec![untimed]);
    }
}

#[cfg(test)]
mod timing_tests {
    use super::*;

    #[test]
    fn timings_summarise_speed_and_latency() {
        let timings = AsrTimings::default();
        assert!(timings.summary().is_none());
        for i in 1..=100 {
            timings.record(f64::from(i) / 100.0, 10.0);
        }
        let summary = timings.summary().unwrap();
        assert_eq!(summary.segments, 100);
        assert!((summary.real_time_factor - 0.0505).abs() < 1e-9);
        assert!((summary.latency_p50_ms - 510.0).abs() < 1e-6, "{summary:?}");
        assert!((summary.latency_p95_ms - 950.0).abs() < 1e-6, "{summary:?}");
    }
}

#[cfg(test)]
mod precision_tests {
    use super::*;

    #[test]
    fn native_bfloat16_is_read_from_the_cpu_flags() {
        let zen4 = "processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_bf16 vaes\n";
        let skylake = "processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512bw\n";
        let neoverse_v1 = "processor\t: 0\nFeatures\t: fp asimd sve bf16 i8mm\n";
        let cortex_a78 = "processor\t: 0\nFeatures\t: fp asimd asimdhp asimddp\n";
        assert!(cpu_has_native_bfloat16(zen4));
        assert!(!cpu_has_native_bfloat16(skylake));
        assert!(cpu_has_native_bfloat16(neoverse_v1));
        assert!(!cpu_has_native_bfloat16(cortex_a78));
        assert!(!cpu_has_native_bfloat16(""));
    }

    #[test]
    fn compute_types_map_to_encoder_and_decoder_formats() {
        let cpu = |compute_type| choose_device(ComputeDevice::Cpu, compute_type).map(|(_, p)| p).ok();
        assert_eq!(cpu(ComputeType::Float32), Some(Precision::uniform(Kind::Float)));
        assert_eq!(cpu(ComputeType::Bfloat16), Some(Precision::uniform(Kind::BFloat16)));
        assert_eq!(
            cpu(ComputeType::Mixed),
            Some(Precision {
                encoder: Kind::BFloat16,
                decoder: Kind::Float
            })
        );
        assert_eq!(cpu(ComputeType::Float16), None);
        assert_eq!(
            cpu(ComputeType::Auto),
            Some(Precision::uniform(Kind::Float)),
            "exact by default"
        );
    }
}
