//! `roomscribe models convert`: writes the Hugging Face layout (`model.safetensors`,
//! `config.json`, `tokenizer.json`) from a CTranslate2 Whisper folder, keeping the weights in
//! float16 as CTranslate2 stores them. The result loads in roomscribe and in transformers.
//! File I/O only; never runs the model.

use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};
use tch::{Device, Kind, Tensor};

use super::weights::{Checkpoint, WeightsError};

#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    #[error(
        "{path} is missing: the source must be a CTranslate2 Whisper folder (model.bin, config.json, tokenizer.json)"
    )]
    Missing { path: PathBuf },
    #[error("cannot read {path}: {reason}")]
    Read { path: PathBuf, reason: String },
    #[error("cannot write {path}: {reason}; check the destination folder is writable")]
    Write { path: PathBuf, reason: String },
    #[error(transparent)]
    Weights(#[from] WeightsError),
}

/// Converts `source` (CTranslate2 layout) into `destination` (Hugging Face layout), creating it.
pub fn ctranslate2_to_hugging_face(source: &Path, destination: &Path) -> Result<(), ConvertError> {
    let input = |name: &str| {
        let path = source.join(name);
        if path.is_file() {
            Ok(path)
        } else {
            Err(ConvertError::Missing { path })
        }
    };
    let (model_bin, config_json, tokenizer_json) =
        (input("model.bin")?, input("config.json")?, input("tokenizer.json")?);
    let ct2_config: Map<String, Value> = std::fs::read(&config_json)
        .map_err(|e| e.to_string())
        .and_then(|bytes| serde_json::from_slice(&bytes).map_err(|e| e.to_string()))
        .map_err(|reason| ConvertError::Read {
            path: config_json.clone(),
            reason,
        })?;
    let checkpoint = Checkpoint::from_ctranslate2(&model_bin, Device::Cpu, Kind::Half)?;
    let d = checkpoint.dims;
    let write_error = |path: &Path, reason: String| ConvertError::Write {
        path: path.to_owned(),
        reason,
    };
    std::fs::create_dir_all(destination).map_err(|e| write_error(destination, e.to_string()))?;

    let safetensors = destination.join("model.safetensors");
    let tensors: Vec<(String, Tensor)> = checkpoint.into_hf_tensors()?;
    Tensor::write_safetensors(&tensors, &safetensors).map_err(|e| write_error(&safetensors, e.to_string()))?;

    let field = |name: &str| ct2_config.get(name).cloned().unwrap_or(Value::Array(Vec::new()));
    let config = json!({
        "architectures": ["WhisperForConditionalGeneration"],
        "model_type": "whisper",
        "torch_dtype": "float16",
        "d_model": d.n_audio_state,
        "encoder_attention_heads": d.n_audio_head,
        "decoder_attention_heads": d.n_text_head,
        "encoder_layers": d.n_audio_layer,
        "decoder_layers": d.n_text_layer,
        "encoder_ffn_dim": d.n_audio_state * 4,
        "decoder_ffn_dim": d.n_text_state * 4,
        "num_mel_bins": d.n_mels,
        "vocab_size": d.n_vocab,
        "max_source_positions": d.n_audio_ctx,
        "max_target_positions": d.n_text_ctx,
        "suppress_tokens": field("suppress_ids"),
        "begin_suppress_tokens": field("suppress_ids_begin"),
        "alignment_heads": field("alignment_heads"),
        "tie_word_embeddings": true,
    });
    let config_out = destination.join("config.json");
    let text = serde_json::to_string_pretty(&config).expect("a JSON value always serialises");
    std::fs::write(&config_out, text + "\n").map_err(|e| write_error(&config_out, e.to_string()))?;
    let tokenizer_out = destination.join("tokenizer.json");
    std::fs::copy(&tokenizer_json, &tokenizer_out).map_err(|e| write_error(&tokenizer_out, e.to_string()))?;
    Ok(())
}
