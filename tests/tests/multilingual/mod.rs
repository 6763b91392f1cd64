//! Multilingual models: the language token, given or detected. No multilingual Whisper can be
//! fetched here (only PyPI, npm, crates.io and Debian are reachable), so the test builds one
//! from tiny.en: its vocabulary already holds the 99 language tokens, and one more embedding
//! row makes the model multilingual by Whisper's own rule (51865 tokens or more). The language
//! tokens' embedding rows are then set so that the model's choice after
//! `<|startoftranscript|>` is known: `<|de|>` gets the row of `<|0.00|>` (what tiny.en says
//! first, with a logit far above zero), `<|es|>` half of it, every other language a zero row.
//! What such a model transcribes is near nonsense; which language it finds, and where that
//! language shows up, is the test.

use std::path::Path;

use serde_json::{Map, Value};

use crate::support::*;

const EMBEDDING: &str = "model.decoder.embed_tokens.weight";
/// tiny.en's vocabulary: `<|startoftranscript|>`, the language tokens after it, `<|0.00|>`.
const SOT: usize = 50257;
const FIRST_LANGUAGE: usize = SOT + 1;
const LANGUAGES: usize = 99;
const GERMAN: usize = FIRST_LANGUAGE + 2;
const SPANISH: usize = FIRST_LANGUAGE + 3;
const FIRST_TIMESTAMP: usize = 50363;

/// Rewrites the token embedding of the Hugging Face `model.safetensors` in `dir` as the module
/// comment says, keeping every other tensor byte for byte.
fn make_multilingual(dir: &Path) {
    let path = dir.join("model.safetensors");
    let bytes = std::fs::read(&path).unwrap();
    let header_len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header: Map<String, Value> = serde_json::from_slice(&bytes[8..8 + header_len]).unwrap();
    let data = &bytes[8 + header_len..];
    let mut tensors: Vec<(String, Value, Vec<u8>)> = header
        .iter()
        .filter(|(name, _)| *name != "__metadata__")
        .map(|(name, info)| {
            let offsets = &info["data_offsets"];
            let (begin, end) = (
                offsets[0].as_u64().unwrap() as usize,
                offsets[1].as_u64().unwrap() as usize,
            );
            (name.clone(), info.clone(), data[begin..end].to_vec())
        })
        .collect();
    tensors.sort_by_key(|(_, info, _)| info["data_offsets"][0].as_u64().unwrap());
    let (_, info, embedding) = tensors
        .iter_mut()
        .find(|(name, _, _)| name == EMBEDDING)
        .unwrap_or_else(|| panic!("no {EMBEDDING} in {}", path.display()));
    let rows = info["shape"][0].as_u64().unwrap() as usize;
    let width = info["shape"][1].as_u64().unwrap() as usize;
    assert_eq!(rows, 51864, "expected tiny.en's vocabulary");
    let row_bytes = embedding.len() / rows;
    let row = |index: usize| index * row_bytes..(index + 1) * row_bytes;
    let timestamp_row = embedding[row(FIRST_TIMESTAMP)].to_vec();
    for language in FIRST_LANGUAGE..FIRST_LANGUAGE + LANGUAGES {
        embedding[row(language)].fill(0);
    }
    embedding[row(GERMAN)].copy_from_slice(&timestamp_row);
    assert_eq!(info["dtype"], "F16", "the converted tiny.en is float16");
    let mut half_row = timestamp_row;
    halve_f16(&mut half_row);
    embedding[row(SPANISH)].copy_from_slice(&half_row);
    embedding.extend(std::iter::repeat_n(0u8, row_bytes));
    info["shape"] = Value::from(vec![rows + 1, width]);

    let mut new_header = Map::new();
    if let Some(metadata) = header.get("__metadata__") {
        new_header.insert("__metadata__".into(), metadata.clone());
    }
    let mut offset = 0;
    for (name, info, data) in &tensors {
        let mut info = info.clone();
        info["data_offsets"] = Value::from(vec![offset, offset + data.len()]);
        offset += data.len();
        new_header.insert(name.clone(), info);
    }
    let header_bytes = serde_json::to_vec(&new_header).unwrap();
    let mut out = (header_bytes.len() as u64).to_le_bytes().to_vec();
    out.extend(header_bytes);
    for (_, _, data) in tensors {
        out.extend(data);
    }
    std::fs::write(&path, out).unwrap();
}

/// Halves little-endian IEEE half-precision numbers in place: one off the exponent (the
/// smallest normal numbers become zero; zeros, subnormals, infinities and NaN stay).
fn halve_f16(bytes: &mut [u8]) {
    for pair in bytes.chunks_exact_mut(2) {
        let mut value = u16::from_le_bytes([pair[0], pair[1]]);
        match (value >> 10) & 0x1f {
            0 | 0x1f => {}
            1 => value &= 0x8000,
            _ => value -= 1 << 10,
        }
        pair.copy_from_slice(&value.to_le_bytes());
    }
}

fn transcribe_with_language(model: &Path, config_dir: &TempDir, language: &str) -> std::process::Output {
    let config = config_dir.path(&format!("{language}.toml"));
    std::fs::write(&config, format!("[asr]\nlanguage = \"{language}\"\n")).unwrap();
    let wav = artifact("jfk").join("jfk.wav");
    roomscribe(&[
        "transcribe",
        wav.to_str().unwrap(),
        "-f",
        "json",
        "--beam-size",
        "1",
        "--model",
        model.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ])
}

fn languages_of(output: &std::process::Output) -> Vec<String> {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    let segments = document["segments"].as_array().unwrap();
    assert!(!segments.is_empty(), "no segments: {document}");
    segments
        .iter()
        .map(|s| s["language"].as_str().unwrap().to_owned())
        .collect()
}

/// "auto" finds the language the model prefers and every segment carries it; a configured
/// language is used as given; a code the vocabulary lacks is a configuration error naming the
/// field. The English-only original says "en" whatever is configured.
#[test]
fn a_multilingual_model_detects_or_takes_the_language_and_says_which() {
    let dir = TempDir::new("multilingual");
    let model = dir.path("tiny-multilingual");
    let out = roomscribe(&[
        "models",
        "convert",
        whisper_model().to_str().unwrap(),
        model.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    make_multilingual(&model);

    let detected = languages_of(&transcribe_with_language(&model, &dir, "auto"));
    assert!(detected.iter().all(|l| l == "de"), "{detected:?}");

    let given = languages_of(&transcribe_with_language(&model, &dir, "es"));
    assert!(given.iter().all(|l| l == "es"), "{given:?}");

    let unknown = transcribe_with_language(&model, &dir, "qq");
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert_eq!(unknown.status.code(), Some(78), "{stderr}");
    assert!(stderr.contains("asr.language") && stderr.contains("qq"), "{stderr}");

    let english_only = languages_of(&transcribe_with_language(&whisper_model(), &dir, "auto"));
    assert!(english_only.iter().all(|l| l == "en"), "{english_only:?}");
}
