//! Whisper's byte-level BPE tokenizer (from the model's `tokenizer.json`) and its special tokens.
//!
//! Special tokens are looked up by name, never hard-coded, so English-only and multilingual
//! vocabularies both work; timestamp tokens are the ids after `<|notimestamps|>` (0.00 s, then
//! steps of 0.02 s), as in the reference. Owns text ⇄ ids; never decides which ids to emit.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum TokenizerError {
    #[error("cannot load tokenizer {path}: {reason}; the model folder needs Whisper's tokenizer.json (re-fetch it with scripts/setup)")]
    Load { path: PathBuf, reason: String },
    #[error("tokenizer {path} has no special token `{token}`: it is not a Whisper tokenizer")]
    MissingSpecial { path: PathBuf, token: String },
    #[error("tokenizer could not {action}: {reason}")]
    Codec { action: &'static str, reason: String },
}

/// The control tokens the decoder needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpecialTokens {
    pub eot: i64,
    pub sot: i64,
    pub sot_prev: i64,
    pub transcribe: i64,
    pub no_speech: i64,
    pub no_timestamps: i64,
    /// `<|0.00|>`; every id from here on is a timestamp.
    pub timestamp_begin: i64,
}

pub struct WhisperTokenizer {
    inner: tokenizers::Tokenizer,
    pub special: SpecialTokens,
}

impl WhisperTokenizer {
    pub fn from_file(path: &Path) -> Result<Self, TokenizerError> {
        let inner = tokenizers::Tokenizer::from_file(path).map_err(|e| TokenizerError::Load {
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
        let id = |token: &str| {
            inner
                .token_to_id(token)
                .map(i64::from)
                .ok_or_else(|| TokenizerError::MissingSpecial {
                    path: path.to_owned(),
                    token: token.to_owned(),
                })
        };
        // English-only vocabularies call the no-speech token `<|nocaptions|>`.
        let no_speech = id("<|nospeech|>").or_else(|_| id("<|nocaptions|>"))?;
        let no_timestamps = id("<|notimestamps|>")?;
        let special = SpecialTokens {
            eot: id("<|endoftext|>")?,
            sot: id("<|startoftranscript|>")?,
            sot_prev: id("<|startofprev|>")?,
            transcribe: id("<|transcribe|>")?,
            no_speech,
            no_timestamps,
            timestamp_begin: no_timestamps + 1,
        };
        Ok(Self { inner, special })
    }

    /// The id of a language token such as `<|en|>`, when the vocabulary has one.
    pub fn language_token(&self, language: &str) -> Option<i64> {
        self.inner.token_to_id(&format!("<|{language}|>")).map(i64::from)
    }

    /// The language tokens (`<|en|>`, `<|zh|>`, …) with their codes: the run of `<|code|>`
    /// tokens right after `<|startoftranscript|>`, which ends at `<|translate|>`.
    pub fn languages(&self) -> Vec<(String, i64)> {
        (self.special.sot + 1..)
            .map_while(|id| {
                let token = self.inner.id_to_token(u32::try_from(id).ok()?)?;
                let code = token.strip_prefix("<|")?.strip_suffix("|>")?;
                let is_language = (2..=3).contains(&code.len()) && code.chars().all(|c| c.is_ascii_lowercase());
                is_language.then(|| (code.to_owned(), id))
            })
            .collect()
    }

    /// Ids of `text` as ordinary tokens (for prompts); the leading space matters to Whisper.
    pub fn encode(&self, text: &str) -> Result<Vec<i64>, TokenizerError> {
        let encoding = self.inner.encode(text, false).map_err(|e| TokenizerError::Codec {
            action: "encode text",
            reason: e.to_string(),
        })?;
        Ok(encoding.get_ids().iter().map(|&id| i64::from(id)).collect())
    }

    /// Text of ordinary tokens; control and timestamp tokens are skipped.
    pub fn decode(&self, tokens: &[i64]) -> Result<String, TokenizerError> {
        let ids: Vec<u32> = tokens
            .iter()
            .filter(|&&t| t >= 0 && t < self.special.eot)
            .map(|&t| t as u32)
            .collect();
        self.inner.decode(&ids, false).map_err(|e| TokenizerError::Codec {
            action: "decode tokens",
            reason: e.to_string(),
        })
    }
}
