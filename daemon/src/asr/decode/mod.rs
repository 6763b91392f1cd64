//! Decoding policy: which tokens a window becomes, and what to do when the model goes wrong.
//!
//! Per 30 s window, as the reference implementations do: encode the audio once; feed the prompt
//! (hotwords, previous text, start sequence) once; then search (beam search at temperature 0,
//! best-of-N sampling above) and fall back to the next temperature while the text compresses
//! too well, is too unlikely, or loops. The hallucination firewall then drops silence (no-speech
//! gate), collapses repetition loops, and rejects text that still compresses like a loop; every
//! suppression is counted. The pure parts live in `rules`, `search`, `guard` and `prompt`.
//! Never publishes or logs text.

pub mod guard;
pub mod prompt;
pub mod rules;
pub mod search;
pub mod timing;

use tch::{Device, Kind, Tensor};

use super::whisper::mel::LogMel;
use super::whisper::model::{DecoderState, TextDecoder, Whisper};
use super::whisper::tokenizer::{SpecialTokens, WhisperTokenizer};
use super::whisper::{HOP_LENGTH, N_FRAMES, N_SAMPLES, TIME_PRECISION};
use super::AsrError;
use crate::config::AsrConfig;
use rules::{split_window_after, LogitRules, Suppression};
use search::{Hypothesis, Limits, StepModel};

/// Decoding settings; every default is openai-whisper's command line (which faster-whisper
/// follows), and each comes from the `[asr]` config section.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodeOptions {
    /// Beams at temperature 0 (1 = greedy).
    pub beam_size: usize,
    /// Samples drawn at each temperature above 0; the best is kept.
    pub best_of: usize,
    /// Beam search stops after `beam_size × patience` finished candidates.
    pub patience: f32,
    /// Tried in order until a window passes the checks below.
    pub temperatures: Vec<f32>,
    /// Text that compresses better than this (zlib) is a loop: try a higher temperature.
    pub compression_ratio_threshold: f32,
    /// Text with a lower mean token log-probability is unreliable: try a higher temperature.
    pub logprob_threshold: f32,
    /// A window whose `<|nospeech|>` probability is above this, with unreliable text, is silence.
    pub no_speech_threshold: f32,
    /// Prompt each window with the text before it.
    pub condition_on_previous_text: bool,
    /// Forget that text after a window needed a temperature above this.
    pub prompt_reset_on_temperature: f32,
    /// The first timestamp may not be later than this many seconds into the window.
    pub max_initial_timestamp: f64,
    /// Most tokens sampled per window (reference `sample_len`: n_text_ctx / 2).
    pub sample_len: usize,
    /// Time each word from the cross-attention alignment heads (one more decoder pass).
    pub word_timestamps: bool,
    /// Encode only the window's audio and a margin (`short_context_frames`) instead of the
    /// whole 30 s: the encoder's cost grows with its input, and a live decode holds a few
    /// seconds. Off for `transcribe`.
    pub short_audio_context: bool,
}

/// Mel frames the encoder sees with `short_audio_context`: the window's audio and 1 s after it,
/// at least 10 s (Whisper was trained on 30 s inputs; much shorter ones decode worse), even (the
/// encoder's second convolution halves the frames).
pub fn short_context_frames(window_samples: usize) -> i64 {
    const MARGIN_FRAMES: i64 = 100;
    const MIN_FRAMES: i64 = 1_000;
    let content = (window_samples as i64 + HOP_LENGTH - 1) / HOP_LENGTH;
    let frames = (content + MARGIN_FRAMES).clamp(MIN_FRAMES, N_FRAMES);
    frames + frames % 2
}

impl DecodeOptions {
    pub fn from_config(config: &AsrConfig) -> Self {
        Self {
            beam_size: config.beam_size as usize,
            best_of: config.best_of as usize,
            patience: config.patience,
            temperatures: config.temperatures.clone(),
            compression_ratio_threshold: config.compression_ratio_threshold,
            logprob_threshold: config.logprob_threshold,
            no_speech_threshold: config.no_speech_threshold,
            condition_on_previous_text: config.condition_on_previous_text,
            prompt_reset_on_temperature: 0.5,
            max_initial_timestamp: 1.0,
            sample_len: 224,
            word_timestamps: config.word_timestamps,
            short_audio_context: false,
        }
    }
}

/// Why the firewall held text back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suppressed {
    /// The no-speech gate: silence or noise that the model would have put words to.
    NoSpeech,
    /// A repetition loop was cut down to one occurrence.
    RepetitionCollapsed,
    /// Even at the highest temperature the text compressed like a loop: dropped.
    CompressionRejected,
    /// The model judged the window probably silent and said only a filler ("you", "thank you").
    SilenceFiller,
}

/// The decoded window before splitting: best tokens (end-of-text removed) and the checks' inputs.
#[derive(Debug, Clone)]
pub struct WindowResult {
    pub tokens: Vec<i64>,
    pub avg_logprob: f32,
    pub no_speech_prob: f32,
    pub temperature: f32,
    pub compression_ratio: f32,
    /// A loop in the token list (timestamps included): what the firewall can collapse.
    pub repetition: Option<guard::Repetition>,
    /// A loop in the text alone (e.g. the same sentence between changing timestamps).
    pub text_loops: bool,
}

impl WindowResult {
    /// The reference no-speech gate: silence is likely and the text is unlikely.
    pub fn is_silence(&self, options: &DecodeOptions) -> bool {
        self.no_speech_prob > options.no_speech_threshold && self.avg_logprob < options.logprob_threshold
    }

    /// Whether the next temperature should be tried. A loop always is: the search stops a loop
    /// as soon as it is recognised, before the model grows confident in it, so its average
    /// log-probability is low and would pass it off as silence, dropping speech the model only
    /// lost its way in.
    fn needs_fallback(&self, options: &DecodeOptions) -> bool {
        let bad = self.compression_ratio > options.compression_ratio_threshold
            || self.avg_logprob < options.logprob_threshold
            || self.text_loops;
        self.repetition.is_some() || (bad && !self.is_silence(options))
    }
}

/// A segment of text tokens, times in seconds from the window (or audio) start.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedSegment {
    pub start: f64,
    pub end: f64,
    pub tokens: Vec<i64>,
    pub avg_logprob: f32,
    /// Its words, times in seconds from the window start, when word timestamps are on.
    pub words: Vec<timing::AlignedWord>,
}

/// What one window gave: its segments (times from the window start), how much of the window
/// they account for (the caller resumes there), and what the firewall held back.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowOutcome {
    pub segments: Vec<DecodedSegment>,
    pub consumed_samples: usize,
    pub temperature: f32,
    pub suppressed: Option<Suppressed>,
    /// The language detected in this window, when the decoder was asked to detect it.
    pub detected_language: Option<String>,
}

/// Which language token starts a window's transcript.
#[derive(Debug, Clone, Copy)]
pub enum LanguageToken<'a> {
    /// English-only model: none (its start sequence is `<|startoftranscript|>` alone).
    EnglishOnly,
    /// A multilingual model transcribing one configured language.
    Fixed(i64),
    /// A multilingual model asked to find out: the likeliest of these (code, token) per window.
    Detect(&'a [(String, i64)]),
}

/// The language the model finds likeliest from `logits` (the next-token logits after
/// `<|startoftranscript|>`), among `languages` (code, token), with its probability among them:
/// the reference `detect_language`. `None` when no language token has a finite logit.
pub fn pick_language<'l>(logits: &[f32], languages: &'l [(String, i64)]) -> Option<(&'l (String, i64), f32)> {
    let scores: Vec<f32> = languages
        .iter()
        .map(|&(_, token)| {
            usize::try_from(token)
                .ok()
                .and_then(|t| logits.get(t))
                .copied()
                .unwrap_or(f32::NEG_INFINITY)
        })
        .collect();
    let normaliser = rules::log_sum_exp(&scores);
    let (best, score) = scores
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, score)| score.is_finite())
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    Some((&languages[best], (score - normaliser).exp()))
}

/// `decode_with_fallback`'s answer: the result, the encoded audio, the start sequence used and
/// the language detected in the window, if it was detected.
type WindowDecoding = (WindowResult, Tensor, Vec<i64>, Option<String>);

/// Speech at the start of a window that was heard already, and its text: the decoder starts
/// as if it had just written that text (`rules::heard_prefix`), so that a short phrase after it
/// is heard in its context rather than alone; only what comes after it is returned.
#[derive(Debug, Clone, Copy)]
pub struct Preceding<'a> {
    /// The text heard, as text tokens (no timestamps).
    pub text: &'a [i64],
    /// How many of the window's first samples it spans.
    pub samples: usize,
}

/// Drives the model over windows of at most 30 s.
pub struct Decoder<'a> {
    pub model: &'a Whisper,
    pub mel: &'a LogMel,
    pub tokenizer: &'a WhisperTokenizer,
    pub suppression: &'a Suppression,
    /// The language token each window starts with, or the languages to detect it among.
    pub language: LanguageToken<'a>,
    pub hotwords: &'a [i64],
    pub options: &'a DecodeOptions,
    /// (decoder layer, head) pairs whose cross-attention follows the audio (word timestamps).
    pub alignment_heads: &'a [(i64, i64)],
    pub device: Device,
    /// Asked before the encoder and before every decoder step: true gives up the window with
    /// `AsrError::Abandoned` (a live partial that more urgent work is waiting behind).
    pub abandon: Option<&'a dyn Fn() -> bool>,
    /// Speech heard already at the start of the window, if any.
    pub preceding: Option<Preceding<'a>>,
}

impl Decoder<'_> {
    fn special(&self) -> SpecialTokens {
        self.tokenizer.special
    }

    /// `<|startoftranscript|>`, then for multilingual models the language and task tokens.
    fn sot_sequence(&self, language: Option<i64>) -> Vec<i64> {
        let special = self.special();
        match self.language {
            LanguageToken::EnglishOnly => vec![special.sot],
            _ => [Some(special.sot), language, Some(special.transcribe)]
                .into_iter()
                .flatten()
                .collect(),
        }
    }

    /// The window's language token, and its code when it was detected: the configured one, or
    /// the likeliest after `<|startoftranscript|>` over this window's audio. Detection runs in
    /// `scratch`, whose cross-attention keys/values the prompt then reuses.
    fn window_language(
        &self,
        audio: &Tensor,
        scratch: &mut DecoderState,
    ) -> Result<(Option<i64>, Option<String>), AsrError> {
        let languages = match self.language {
            LanguageToken::EnglishOnly => return Ok((None, None)),
            LanguageToken::Fixed(token) => return Ok((Some(token), None)),
            LanguageToken::Detect(languages) => languages,
        };
        let sot = Tensor::f_from_slice(&[self.special().sot])?
            .f_unsqueeze(0)?
            .f_to_device(self.device)?;
        let logits = self.model.decoder.forward(&sot, audio, scratch, &[0])?;
        let row = row_to_vec(&logits.f_get(0)?.f_get(0)?)?;
        let Some(((code, token), probability)) = pick_language(&row, languages) else {
            return Ok((None, None));
        };
        tracing::debug!(language = code, probability, "Detected the language of a window");
        Ok((Some(*token), Some(code.clone())))
    }

    /// Decodes one window (at most 30 s) conditioned on `context` (previous text tokens);
    /// `seed` makes sampling at temperatures above 0 repeatable.
    pub fn decode_window(&self, window: &[f32], context: &[i64], seed: u64) -> Result<WindowOutcome, AsrError> {
        let window_frames = (window.len() as i64 / HOP_LENGTH).min(N_FRAMES);
        let heard_text = self.preceding.map_or(&[][..], |preceding| preceding.text);
        let heard = self.preceding.map_or_else(Vec::new, |preceding| {
            rules::heard_prefix(self.special().timestamp_begin, preceding.text, preceding.samples)
        });
        let (mut result, audio, sot_sequence, detected_language) =
            self.decode_with_fallback(window, context, &heard, seed)?;
        let whole_window = |temperature, suppressed| WindowOutcome {
            segments: Vec::new(),
            consumed_samples: window.len(),
            temperature,
            suppressed,
            detected_language: detected_language.clone(),
        };
        // After speech heard before, the window's own audio is taken only as text that passes
        // the checks at the first temperature; else it is left to be decoded alone, where the
        // no-speech gate (blind here: the heard speech is speech) and the fallback judge it.
        let first_temperature = result.temperature;
        let decode_alone = || WindowOutcome {
            consumed_samples: self.preceding.map_or(0, |preceding| preceding.samples),
            ..whole_window(first_temperature, None)
        };
        if !heard.is_empty() && result.needs_fallback(self.options) {
            return Ok(decode_alone());
        }
        tracing::debug!(
            no_speech_prob = result.no_speech_prob,
            avg_logprob = result.avg_logprob,
            temperature = result.temperature,
            compression_ratio = result.compression_ratio,
            tokens = result.tokens.len(),
            "Decoded a window"
        );
        if result.is_silence(self.options) {
            return Ok(whole_window(result.temperature, Some(Suppressed::NoSpeech)));
        }
        if result.no_speech_prob > self.options.no_speech_threshold
            && guard::is_silence_filler(&self.tokenizer.decode(&result.tokens)?)
        {
            return Ok(whole_window(result.temperature, Some(Suppressed::SilenceFiller)));
        }
        let mut suppressed = None;
        if let Some(repetition) = result.repetition {
            result.tokens = guard::collapse(&result.tokens, repetition);
            suppressed = Some(Suppressed::RepetitionCollapsed);
        } else if result.compression_ratio > self.options.compression_ratio_threshold {
            return Ok(whole_window(result.temperature, Some(Suppressed::CompressionRejected)));
        }
        let split = split_window_after(&heard, &result.tokens, self.special().timestamp_begin, window_frames);
        if !heard.is_empty() && split.segments.is_empty() {
            return Ok(decode_alone());
        }
        let consumed_samples = if split.consumed_frames >= window_frames {
            window.len()
        } else {
            (split.consumed_frames * HOP_LENGTH) as usize
        };
        let mut segments: Vec<DecodedSegment> = split
            .segments
            .into_iter()
            .map(|s| DecodedSegment {
                start: s.start,
                end: s.end,
                tokens: s.tokens,
                avg_logprob: result.avg_logprob,
                words: Vec::new(),
            })
            .collect();
        if self.options.word_timestamps && !segments.is_empty() {
            self.add_word_timestamps(&mut segments, &audio, &sot_sequence, heard_text, window_frames)?;
        }
        Ok(WindowOutcome {
            segments,
            consumed_samples,
            temperature: result.temperature,
            suppressed,
            detected_language,
        })
    }

    /// Aligns the text tokens of `segments` to the audio with the alignment heads' attention and
    /// dynamic time warping (the reference `find_alignment`), and gives each segment its words,
    /// each with its probability from the same forward pass (each text token's probability
    /// among the text tokens, given the text before it, as the reference computes it). The
    /// text heard before the window's own audio (`heard_text`) is aligned with them, so that
    /// their words are not spread over its audio, and its words are not given out.
    fn add_word_timestamps(
        &self,
        segments: &mut [DecodedSegment],
        audio: &Tensor,
        sot_sequence: &[i64],
        heard_text: &[i64],
        window_frames: i64,
    ) -> Result<(), AsrError> {
        let _no_grad = tch::no_grad_guard();
        let special = self.special();
        let text_of = |segment: &DecodedSegment| -> Vec<i64> {
            segment.tokens.iter().copied().filter(|&t| t < special.eot).collect()
        };
        let new_text: Vec<i64> = segments.iter().flat_map(text_of).collect();
        let text: Vec<i64> = heard_text.iter().chain(&new_text).copied().collect();
        let mut tokens = sot_sequence.to_vec();
        tokens.push(special.no_timestamps);
        tokens.extend(&text);
        tokens.push(special.eot);
        let input = Tensor::f_from_slice(&tokens)?
            .f_unsqueeze(0)?
            .f_to_device(self.device)?;
        let (layers, logits) = self.model.decoder.align(&input, audio)?;
        let token_probabilities = self.token_probabilities(&logits, sot_sequence.len() as i64, &text)?;
        let frames = (window_frames / 2).max(1);
        let (first_row, rows) = (sot_sequence.len() as i64, text.len() as i64 + 1);
        let mut mean = vec![0f32; (rows * frames) as usize];
        for &(layer, head) in self.alignment_heads {
            let Some(weights) = layers.get(layer as usize) else {
                continue;
            };
            let head_weights = weights
                .f_get(0)?
                .f_get(head)?
                .f_narrow(0, first_row, rows)?
                .f_narrow(1, 0, frames)?
                .f_contiguous()?;
            let mut data = vec![0f32; (rows * frames) as usize];
            let numel = data.len();
            head_weights.f_to_device(Device::Cpu)?.f_copy_data(&mut data, numel)?;
            let filtered = timing::normalise_and_filter(
                &timing::Matrix {
                    rows: rows as usize,
                    cols: frames as usize,
                    data,
                },
                7,
            );
            for (m, v) in mean.iter_mut().zip(filtered.data) {
                *m -= v / self.alignment_heads.len() as f32;
            }
        }
        let path = timing::dtw(&timing::Matrix {
            rows: rows as usize,
            cols: frames as usize,
            data: mean,
        });
        let token_texts: Vec<String> = text
            .iter()
            .map(|&t| self.tokenizer.decode(&[t]))
            .collect::<Result<_, _>>()?;
        let words = timing::word_times(&path, &timing::split_words(&token_texts), &token_probabilities);
        // Hand each segment the words whose first token it holds, after the heard text's.
        let heard_words = timing::split_words(&token_texts[..heard_text.len()]).len();
        let mut words = words.into_iter().skip(heard_words);
        let mut taken = heard_text.len();
        for segment in segments.iter_mut() {
            let count = text_of(segment).len();
            let first_tokens = timing::split_words(&token_texts[taken..taken + count]).len();
            segment.words = timing::merge_punctuation(words.by_ref().take(first_tokens).collect());
            // As the reference does: the segment spans its words (alignment can place the last
            // word's end past the segment's end timestamp, or its first word before its start).
            if let (Some(first), Some(last)) = (segment.words.first(), segment.words.last()) {
                segment.start = first.start;
                segment.end = last.end;
            }
            taken += count;
        }
        Ok(())
    }

    /// The probability of each of `text`'s tokens given the tokens before it, from the logits
    /// `[1, n, n_vocab]` of the alignment pass, whose text starts after `text_from` tokens (the
    /// start sequence; the row before each token predicts it). As in the reference, the
    /// softmax is over the text tokens only (those below end-of-text).
    fn token_probabilities(&self, logits: &Tensor, text_from: i64, text: &[i64]) -> Result<Vec<f32>, AsrError> {
        if text.is_empty() {
            return Ok(Vec::new());
        }
        let eot = self.special().eot;
        let rows = logits
            .f_get(0)?
            .f_narrow(0, text_from, text.len() as i64)?
            .f_narrow(1, 0, eot)?
            .f_softmax(-1, Kind::Float)?;
        let index = Tensor::f_from_slice(text)?.f_to_device(rows.device())?.f_unsqueeze(1)?;
        Ok(row_to_vec(&rows.f_gather(1, &index, false)?.f_squeeze_dim(1)?)?)
    }

    /// Encodes the window and the prompt once, then searches at each temperature in turn until
    /// the result passes the checks (the last one is kept either way). `heard` follows the
    /// start sequence as if sampled (`rules::heard_prefix`); the result holds only what is
    /// sampled after it. Also returns the encoded audio, the start sequence used and the
    /// language detected, if it was detected.
    fn decode_with_fallback(
        &self,
        window: &[f32],
        context: &[i64],
        heard: &[i64],
        seed: u64,
    ) -> Result<WindowDecoding, AsrError> {
        let _no_grad = tch::no_grad_guard();
        let special = self.special();
        let started = std::time::Instant::now();
        let mel = self.mel.compute(window, N_SAMPLES - window.len())?;
        let frames = if self.options.short_audio_context {
            short_context_frames(window.len()).min(N_FRAMES)
        } else {
            N_FRAMES
        };
        let mel = mel.f_narrow(1, 0, frames)?.f_unsqueeze(0)?;
        let mel_ms = started.elapsed().as_secs_f64() * 1e3;
        if self.abandon.is_some_and(|abandon| abandon()) {
            return Err(AsrError::Abandoned);
        }
        let audio = self.model.encode(&mel)?;
        let encoder_ms = started.elapsed().as_secs_f64() * 1e3 - mel_ms;
        let previous = if self.options.condition_on_previous_text {
            context
        } else {
            &[]
        };
        let decoder = &self.model.decoder;
        let mut scratch = decoder.new_state();
        let (language, detected_language) = self.window_language(&audio, &mut scratch)?;
        let sot_sequence = self.sot_sequence(language);
        let mut prompt = prompt::build_prompt(special.sot_prev, self.hotwords, previous, &sot_sequence);
        prompt.extend_from_slice(heard);
        let mut prompt_state = scratch.restart_on_same_audio();
        let prompt_tensor = Tensor::f_from_slice(&prompt)?
            .f_unsqueeze(0)?
            .f_to_device(self.device)?;
        let sot_index = prompt.iter().position(|&t| t == special.sot).unwrap_or(0) as i64;
        let last_index = prompt.len() as i64 - 1;
        let logits = decoder.forward(&prompt_tensor, &audio, &mut prompt_state, &[sot_index, last_index])?;
        let no_speech_prob = logits
            .f_get(0)?
            .f_get(0)?
            .f_softmax(-1, Kind::Float)?
            .f_double_value(&[special.no_speech])? as f32;
        let first_row = row_to_vec(&logits.f_get(0)?.f_get(1)?)?;

        let suppression = self.suppression;
        let max_initial_timestamp_index = (self.options.max_initial_timestamp / TIME_PRECISION).round() as i64;
        let apply_rules = move |row: &mut [f32], sampled: &[i64]| {
            let rules = LogitRules {
                special,
                suppression,
                max_initial_timestamp_index,
            };
            if heard.is_empty() {
                rules.apply(row, sampled)
            } else {
                // The rules read the heard text as the start of what was sampled.
                let so_far: Vec<i64> = heard.iter().chain(sampled).copied().collect();
                rules.apply(row, &so_far)
            }
        };
        let limits = Limits {
            eot: special.eot,
            max_tokens: self
                .options
                .sample_len
                .min((self.model.dims.n_text_ctx as usize).saturating_sub(prompt.len())),
            hopeless: |tokens| guard::find_repetition(tokens).is_some(),
        };
        let temperatures: &[f32] = match &self.options.temperatures[..] {
            [] => &[0.0],
            // After speech heard before, no fallback (see `decode_window`).
            [first, ..] if !heard.is_empty() => std::slice::from_ref(first),
            all => all,
        };
        let mut last = None;
        for &temperature in temperatures {
            let mut step = WhisperStep {
                decoder,
                audio: &audio,
                state: prompt_state.fork()?,
                device: self.device,
                forward_time: std::time::Duration::ZERO,
                steps: 0,
                abandon: self.abandon,
            };
            let candidates = if temperature > 0.0 {
                search::sample(
                    &mut step,
                    first_row.clone(),
                    &apply_rules,
                    self.options.best_of,
                    temperature,
                    seed,
                    limits,
                )?
            } else {
                search::beam_search(
                    &mut step,
                    first_row.clone(),
                    &apply_rules,
                    self.options.beam_size,
                    self.options.patience,
                    limits,
                )?
            };
            let best = search::best(candidates).unwrap_or(Hypothesis {
                tokens: Vec::new(),
                sum_logprob: 0.0,
            });
            let text = self.tokenizer.decode(&best.tokens)?;
            let text_tokens: Vec<i64> = best.tokens.iter().copied().filter(|&t| t < special.eot).collect();
            let result = WindowResult {
                avg_logprob: best.sum_logprob / (best.tokens.len() as f32 + 1.0),
                repetition: guard::find_repetition(&best.tokens),
                text_loops: guard::find_repetition(&text_tokens).is_some(),
                tokens: best.tokens,
                no_speech_prob,
                temperature,
                compression_ratio: guard::compression_ratio(&text),
            };
            let done = !result.needs_fallback(self.options);
            tracing::debug!(
                temperature,
                mel_ms,
                encoder_ms,
                steps = step.steps,
                forward_ms = step.forward_time.as_secs_f64() * 1e3,
                search_ms = started.elapsed().as_secs_f64() * 1e3 - mel_ms - encoder_ms,
                "Searched a window"
            );
            last = Some(result);
            if done {
                break;
            }
        }
        Ok((
            last.expect("at least one temperature is tried"),
            audio,
            sot_sequence,
            detected_language,
        ))
    }
}

/// The Whisper text decoder as a `StepModel` for the search: one batched forward per step.
struct WhisperStep<'a> {
    decoder: &'a TextDecoder,
    audio: &'a Tensor,
    state: DecoderState,
    device: Device,
    /// Time spent in the network (reordering, forward, copying logits out), for the debug log.
    forward_time: std::time::Duration,
    steps: usize,
    abandon: Option<&'a dyn Fn() -> bool>,
}

impl StepModel for WhisperStep<'_> {
    type Error = AsrError;

    fn step(&mut self, sources: &[usize], tokens: &[i64]) -> Result<Vec<Vec<f32>>, AsrError> {
        if self.abandon.is_some_and(|abandon| abandon()) {
            return Err(AsrError::Abandoned);
        }
        let started = std::time::Instant::now();
        self.steps += 1;
        let is_identity = sources.iter().enumerate().all(|(i, &s)| i == s) && sources.len() == self.state.batch();
        if !is_identity {
            let sources: Vec<i64> = sources.iter().map(|&s| s as i64).collect();
            self.state.reorder(&sources)?;
        }
        let n = tokens.len() as i64;
        let input = Tensor::f_from_slice(tokens)?.f_view([n, 1])?.f_to_device(self.device)?;
        let logits = self
            .decoder
            .forward(&input, self.audio, &mut self.state, &[0])?
            .f_squeeze_dim(1)?
            // One transfer from the device for all rows.
            .f_to_device(Device::Cpu)?;
        let rows = (0..n)
            .map(|i| row_to_vec(&logits.f_get(i)?))
            .collect::<Result<_, _>>()?;
        self.forward_time += started.elapsed();
        Ok(rows)
    }
}

fn row_to_vec(row: &Tensor) -> Result<Vec<f32>, tch::TchError> {
    let row = row.f_to_device(Device::Cpu)?.f_to_kind(Kind::Float)?.f_contiguous()?;
    let mut out = vec![0f32; row.numel()];
    let numel = out.len();
    row.f_copy_data(&mut out, numel)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_audio_context_holds_the_window_and_a_second_at_least_ten_seconds_even() {
        assert_eq!(short_context_frames(16_000), 1_000, "1 s of audio: the 10 s floor");
        assert_eq!(
            short_context_frames(16_000 * 12 + 1),
            1_302,
            "12 s and a sample, 1 s more, even"
        );
        assert_eq!(short_context_frames(16_000 * 30), N_FRAMES, "never past 30 s");
    }

    fn result(no_speech_prob: f32, avg_logprob: f32, compression_ratio: f32) -> WindowResult {
        WindowResult {
            tokens: vec![],
            avg_logprob,
            no_speech_prob,
            temperature: 0.0,
            compression_ratio,
            repetition: None,
            text_loops: false,
        }
    }

    #[test]
    fn the_likeliest_language_token_is_picked_with_its_probability_among_languages() {
        let languages: Vec<(String, i64)> = [("en", 3), ("de", 5), ("fr", 6)]
            .iter()
            .map(|&(code, token)| (code.to_owned(), token))
            .collect();
        // Token 4 is not a language: however likely, it does not count.
        let logits = [0.0, 0.0, 0.0, 1.0, 9.0, 3.0, 1.0];
        let ((code, token), probability) = pick_language(&logits, &languages).unwrap();
        assert_eq!((code.as_str(), *token), ("de", 5));
        let expected = 3f32.exp() / (1f32.exp() + 3f32.exp() + 1f32.exp());
        assert!((probability - expected).abs() < 1e-6, "{probability} vs {expected}");
        let suppressed = [
            0.0,
            0.0,
            0.0,
            f32::NEG_INFINITY,
            0.0,
            f32::NEG_INFINITY,
            f32::NEG_INFINITY,
        ];
        assert_eq!(pick_language(&suppressed, &languages), None);
        let beyond_the_vocabulary = [(String::from("xx"), 99)];
        assert_eq!(pick_language(&logits, &beyond_the_vocabulary), None);
    }

    #[test]
    fn silence_gate_needs_both_no_speech_and_low_confidence() {
        let options = DecodeOptions::from_config(&AsrConfig::default());
        assert!(result(0.9, -1.5, 1.0).is_silence(&options));
        assert!(!result(0.9, -0.2, 1.0).is_silence(&options));
        assert!(!result(0.1, -1.5, 1.0).is_silence(&options));
    }

    #[test]
    fn fallback_on_loops_or_unlikely_text_but_not_on_silence() {
        let options = DecodeOptions::from_config(&AsrConfig::default());
        assert!(
            result(0.1, -0.3, 3.0).needs_fallback(&options),
            "compresses like a loop"
        );
        assert!(result(0.1, -1.2, 1.5).needs_fallback(&options), "unlikely text");
        assert!(!result(0.1, -0.3, 1.5).needs_fallback(&options), "good text");
        assert!(
            !result(0.9, -1.2, 1.5).needs_fallback(&options),
            "silence is not retried"
        );
        let mut looping = result(0.1, -0.3, 1.5);
        looping.repetition = Some(guard::Repetition {
            start: 0,
            period: 3,
            repeats: 5,
        });
        assert!(looping.needs_fallback(&options), "repetition loop");
        let mut cut_short = result(0.9, -1.2, 1.1);
        cut_short.repetition = looping.repetition;
        assert!(
            cut_short.needs_fallback(&options),
            "a loop stopped early is retried, not taken for silence"
        );
    }

    #[test]
    fn defaults_are_the_reference_defaults() {
        let options = DecodeOptions::from_config(&AsrConfig::default());
        assert_eq!(options.beam_size, 5);
        assert_eq!(options.best_of, 5);
        assert_eq!(options.patience, 1.0);
        assert_eq!(options.temperatures, vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(options.compression_ratio_threshold, 2.4);
        assert_eq!(options.logprob_threshold, -1.0);
        assert_eq!(options.no_speech_threshold, 0.6);
        assert!(options.condition_on_previous_text);
    }
}
