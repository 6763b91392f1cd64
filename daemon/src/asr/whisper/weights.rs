//! Reading Whisper checkpoints into tensors named as in the reference implementation
//! (`encoder.blocks.0.attn.query.weight`, …), whatever layout they were stored in.
//!
//! Owns the file formats: the CTranslate2 `model.bin` (binary container, fused projections,
//! float16) is parsed here, and the Hugging Face `model.safetensors` (transformers' names) is
//! read here; both are renamed to reference keys, so `model.rs` reads like the paper and never
//! knows where a tensor came from. Must never run the model or keep files open after loading.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use tch::{Device, Kind, Tensor};

use super::ModelDims;

/// Why a checkpoint could not be loaded. Every variant names the file and what to do.
#[derive(Debug, thiserror::Error)]
pub enum WeightsError {
    #[error("cannot read model file {path}: {source}; check the path, or fetch the models with scripts/setup")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not a CTranslate2 Whisper model ({reason}); re-fetch it with scripts/setup or convert it with ct2-transformers-converter")]
    Format { path: PathBuf, reason: String },
    #[error("{path} has no tensor `{name}` (a truncated or non-Whisper model file); re-fetch the model")]
    MissingTensor { path: PathBuf, name: String },
    #[error("{path}: tensor `{name}` has shape {actual:?}, expected {expected:?}; the model file does not match its own dimensions")]
    Shape {
        path: PathBuf,
        name: String,
        actual: Vec<i64>,
        expected: Vec<i64>,
    },
    #[error("{path} is not a readable safetensors file ({source}); re-download or re-convert the model")]
    Safetensors {
        path: PathBuf,
        #[source]
        source: tch::TchError,
    },
    #[error("{path}: libtorch could not build tensor `{name}`: {source}")]
    Torch {
        path: PathBuf,
        name: String,
        #[source]
        source: tch::TchError,
    },
}

/// All tensors of one checkpoint, under reference names, as the file stores them (on the CPU,
/// in its number format). `take` removes a tensor and only then moves it to the target device
/// and number format, so each weight is used exactly once, and the model's weights exist in
/// both forms one tensor at a time rather than all at once (the peak memory of loading).
pub struct Checkpoint {
    path: PathBuf,
    tensors: HashMap<String, Tensor>,
    device: Device,
    /// The number format tensors are taken in, unless `kind_overrides` says otherwise.
    kind: Kind,
    /// (name prefix, number format): a model half computing in another format than the rest.
    kind_overrides: Vec<(String, Kind)>,
    pub dims: ModelDims,
}

impl Checkpoint {
    /// Removes and returns the tensor `name`, checking its shape, on the target device and in
    /// its number format.
    pub fn take(&mut self, name: &str, shape: &[i64]) -> Result<Tensor, WeightsError> {
        let tensor = self.tensors.remove(name).ok_or_else(|| WeightsError::MissingTensor {
            path: self.path.clone(),
            name: name.to_owned(),
        })?;
        if tensor.size() != shape {
            return Err(WeightsError::Shape {
                path: self.path.clone(),
                name: name.to_owned(),
                actual: tensor.size(),
                expected: shape.to_vec(),
            });
        }
        self.place(tensor, name)
    }

    /// Tensors whose name starts with `prefix` are taken in `kind` (a model half that computes
    /// in another number format than the rest).
    pub fn convert(&mut self, prefix: &str, kind: Kind) {
        self.kind_overrides.push((prefix.to_owned(), kind));
    }

    /// Moves `tensor` (named `name`) to the target device and number format.
    fn place(&self, tensor: Tensor, name: &str) -> Result<Tensor, WeightsError> {
        let kind = self
            .kind_overrides
            .iter()
            .rev()
            .find(|(prefix, _)| name.starts_with(prefix.as_str()))
            .map_or(self.kind, |&(_, kind)| kind);
        tensor
            .f_to_device(self.device)
            .and_then(|t| t.f_to_kind(kind))
            .map_err(|source| self.torch_error(name, source))
    }

    /// The error for a libtorch failure while building the weights named `name` from this file.
    pub fn torch_error(&self, name: &str, source: tch::TchError) -> WeightsError {
        WeightsError::Torch {
            path: self.path.clone(),
            name: name.to_owned(),
            source,
        }
    }

    /// Like `take`, for the tensors (key-projection biases) that the reference model lacks and
    /// some layouts store as zeros.
    pub fn take_optional(&mut self, name: &str, shape: &[i64]) -> Result<Option<Tensor>, WeightsError> {
        if self.tensors.contains_key(name) {
            self.take(name, shape).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Loads a CTranslate2 Whisper `model.bin`, whose weights are taken in `kind` on `device`.
    pub fn from_ctranslate2(path: &Path, device: Device, kind: Kind) -> Result<Self, WeightsError> {
        let raw = read_ctranslate2(path)?;
        let format = |reason: String| WeightsError::Format {
            path: path.to_owned(),
            reason,
        };
        let scalar = |name: &str| -> Result<i64, WeightsError> {
            raw.get(name)
                .and_then(RawTensor::as_integer)
                .ok_or_else(|| WeightsError::MissingTensor {
                    path: path.to_owned(),
                    name: name.to_owned(),
                })
        };
        let n_audio_head = scalar("encoder/num_heads")?;
        let n_text_head = scalar("decoder/num_heads")?;
        let mut renamed = HashMap::new();
        // Each variable's bytes are dropped once its tensors exist: the file is never held twice.
        for (ct2_name, tensor) in raw {
            for (name, part) in reference_names(&ct2_name) {
                let tensor = tensor.to_tensor(path, &ct2_name)?;
                let tensor = match part {
                    Part::Whole => tensor,
                    Part::Chunk { index, of } => {
                        let rows = tensor.size()[0];
                        if rows % of != 0 {
                            return Err(format(format!(
                                "`{ct2_name}` has {rows} rows, not divisible into {of} projections"
                            )));
                        }
                        tensor.narrow(0, index * rows / of, rows / of)
                    }
                };
                renamed.insert(name, tensor);
            }
        }
        Self::assemble(path, renamed, n_audio_head, n_text_head, device, kind)
    }

    /// Loads a Hugging Face `model.safetensors` (transformers' Whisper names), whose weights are
    /// taken in `kind` on `device`; the head counts come from its `config.json`.
    pub fn from_safetensors(
        path: &Path,
        n_audio_head: i64,
        n_text_head: i64,
        device: Device,
        kind: Kind,
    ) -> Result<Self, WeightsError> {
        let named = Tensor::read_safetensors(path).map_err(|source| WeightsError::Safetensors {
            path: path.to_owned(),
            source,
        })?;
        let mut renamed = HashMap::with_capacity(named.len());
        for (hf_name, tensor) in named {
            let Some(name) = reference_from_hf(&hf_name) else {
                continue;
            };
            renamed.insert(name, tensor);
        }
        Self::assemble(path, renamed, n_audio_head, n_text_head, device, kind)
    }

    /// A checkpoint of `tensors` (reference names), its dimensions read off the tensors.
    fn assemble(
        path: &Path,
        tensors: HashMap<String, Tensor>,
        n_audio_head: i64,
        n_text_head: i64,
        device: Device,
        kind: Kind,
    ) -> Result<Self, WeightsError> {
        let dims = infer_dims(path, &tensors, n_audio_head, n_text_head)?;
        Ok(Self {
            path: path.to_owned(),
            tensors,
            device,
            kind,
            kind_overrides: Vec::new(),
            dims,
        })
    }

    /// Every tensor under its Hugging Face name, for writing that layout. The reference key
    /// projections' biases (zeros in CTranslate2 files) have no Hugging Face name and are left out.
    pub fn into_hf_tensors(mut self) -> Result<Vec<(String, Tensor)>, WeightsError> {
        let mut named = std::mem::take(&mut self.tensors)
            .into_iter()
            .filter_map(|(name, tensor)| hf_from_reference(&name).map(|hf| (name, hf, tensor)))
            .map(|(name, hf, tensor)| Ok((hf, self.place(tensor, &name)?)))
            .collect::<Result<Vec<_>, WeightsError>>()?;
        named.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(named)
    }
}

/// Modules inside a residual block: (reference name, transformers name), for both directions.
const BLOCK_MODULES: [(&str, &str); 13] = [
    ("attn.query", "self_attn.q_proj"),
    ("attn.key", "self_attn.k_proj"),
    ("attn.value", "self_attn.v_proj"),
    ("attn.out", "self_attn.out_proj"),
    ("attn_ln", "self_attn_layer_norm"),
    ("cross_attn.query", "encoder_attn.q_proj"),
    ("cross_attn.key", "encoder_attn.k_proj"),
    ("cross_attn.value", "encoder_attn.v_proj"),
    ("cross_attn.out", "encoder_attn.out_proj"),
    ("cross_attn_ln", "encoder_attn_layer_norm"),
    ("mlp.0", "fc1"),
    ("mlp.2", "fc2"),
    ("mlp_ln", "final_layer_norm"),
];

/// Tensors outside the blocks: (reference name, transformers name).
const OUTSIDE_BLOCKS: [(&str, &str); 11] = [
    ("encoder.conv1.weight", "model.encoder.conv1.weight"),
    ("encoder.conv1.bias", "model.encoder.conv1.bias"),
    ("encoder.conv2.weight", "model.encoder.conv2.weight"),
    ("encoder.conv2.bias", "model.encoder.conv2.bias"),
    ("encoder.positional_embedding", "model.encoder.embed_positions.weight"),
    ("encoder.ln_post.weight", "model.encoder.layer_norm.weight"),
    ("encoder.ln_post.bias", "model.encoder.layer_norm.bias"),
    ("decoder.token_embedding.weight", "model.decoder.embed_tokens.weight"),
    ("decoder.positional_embedding", "model.decoder.embed_positions.weight"),
    ("decoder.ln.weight", "model.decoder.layer_norm.weight"),
    ("decoder.ln.bias", "model.decoder.layer_norm.bias"),
];

/// Splits `{stack}{separator}{n}.{module}.{leaf}` (e.g. `encoder.blocks.0.attn.query.weight`).
fn split_block_name<'a>(name: &'a str, separator: &str) -> Option<(&'a str, &'a str, &'a str, &'a str)> {
    let (stack, rest) = name.split_once(separator)?;
    let (n, rest) = rest.split_once('.')?;
    let (module, leaf) = rest.rsplit_once('.')?;
    matches!(stack, "encoder" | "decoder").then_some((stack, n, module, leaf))
}

/// The transformers name of a reference tensor (`encoder.blocks.0.attn.query.weight` →
/// `model.encoder.layers.0.self_attn.q_proj.weight`). The reference key projections have no
/// bias, nor do transformers' (CTranslate2 stores zeros): those map to nothing.
pub fn hf_from_reference(name: &str) -> Option<String> {
    if let Some((_, hf)) = OUTSIDE_BLOCKS.iter().find(|(reference, _)| *reference == name) {
        return Some((*hf).to_owned());
    }
    if name.ends_with("attn.key.bias") {
        return None;
    }
    let (stack, n, module, leaf) = split_block_name(name, ".blocks.")?;
    let (_, hf_module) = BLOCK_MODULES.iter().find(|(reference, _)| *reference == module)?;
    Some(format!("model.{stack}.layers.{n}.{hf_module}.{leaf}"))
}

/// The reference name of a transformers tensor; `None` for tensors the model does not use
/// (`proj_out.weight` is tied to the token embedding).
pub fn reference_from_hf(name: &str) -> Option<String> {
    if let Some((reference, _)) = OUTSIDE_BLOCKS.iter().find(|(_, hf)| *hf == name) {
        return Some((*reference).to_owned());
    }
    let (stack, n, module, leaf) = split_block_name(name.strip_prefix("model.")?, ".layers.")?;
    let (reference_module, _) = BLOCK_MODULES.iter().find(|(_, hf)| *hf == module)?;
    Some(format!("{stack}.blocks.{n}.{reference_module}.{leaf}"))
}

/// Reads the dimensions off the tensors, as the reference checkpoint's `dims` would hold them.
fn infer_dims(
    path: &Path,
    tensors: &HashMap<String, Tensor>,
    n_audio_head: i64,
    n_text_head: i64,
) -> Result<ModelDims, WeightsError> {
    let size = |name: &str| {
        tensors
            .get(name)
            .map(Tensor::size)
            .ok_or_else(|| WeightsError::MissingTensor {
                path: path.to_owned(),
                name: name.to_owned(),
            })
    };
    let count_layers = |prefix: &str| {
        (0..)
            .take_while(|n| tensors.contains_key(&format!("{prefix}.blocks.{n}.attn_ln.weight")))
            .count() as i64
    };
    let conv1 = size("encoder.conv1.weight")?;
    let audio_pos = size("encoder.positional_embedding")?;
    let embedding = size("decoder.token_embedding.weight")?;
    let text_pos = size("decoder.positional_embedding")?;
    Ok(ModelDims {
        n_mels: conv1[1],
        n_audio_ctx: audio_pos[0],
        n_audio_state: conv1[0],
        n_audio_head,
        n_audio_layer: count_layers("encoder"),
        n_vocab: embedding[0],
        n_text_ctx: text_pos[0],
        n_text_state: embedding[1],
        n_text_head,
        n_text_layer: count_layers("decoder"),
    })
}

/// Which slice of a CTranslate2 variable a reference tensor is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Whole,
    Chunk { index: i64, of: i64 },
}

/// Maps one CTranslate2 variable to the reference tensor(s) it holds. CTranslate2 fuses the
/// self-attention q, k, v projections into `linear_0` (in that order), and the cross-attention
/// k, v into `attention/linear_1`. Variables the model does not need map to nothing.
fn reference_names(ct2: &str) -> Vec<(String, Part)> {
    let whole = |name: String| vec![(name, Part::Whole)];
    let param = |leaf: &str| {
        match leaf {
            "gamma" => "weight",
            "beta" => "bias",
            other => other,
        }
        .to_owned()
    };
    let parts: Vec<&str> = ct2.split('/').collect();
    match parts.as_slice() {
        ["encoder", conv @ ("conv1" | "conv2"), leaf] => whole(format!("encoder.{conv}.{leaf}")),
        [stack @ ("encoder" | "decoder"), "position_encodings", "encodings"] => {
            whole(format!("{stack}.positional_embedding"))
        }
        ["encoder", "layer_norm", leaf] => whole(format!("encoder.ln_post.{}", param(leaf))),
        ["decoder", "layer_norm", leaf] => whole(format!("decoder.ln.{}", param(leaf))),
        ["decoder", "embeddings", "weight"] => whole("decoder.token_embedding.weight".into()),
        [stack @ ("encoder" | "decoder"), layer, module, sub, leaf] if layer.starts_with("layer_") => {
            let n = &layer["layer_".len()..];
            let block = format!("{stack}.blocks.{n}");
            let leaf = param(leaf);
            match (*module, *sub) {
                ("self_attention", "linear_0") => ["query", "key", "value"]
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        (
                            format!("{block}.attn.{p}.{leaf}"),
                            Part::Chunk { index: i as i64, of: 3 },
                        )
                    })
                    .collect(),
                ("self_attention", "linear_1") => whole(format!("{block}.attn.out.{leaf}")),
                ("self_attention", "layer_norm") => whole(format!("{block}.attn_ln.{leaf}")),
                ("attention", "linear_0") => whole(format!("{block}.cross_attn.query.{leaf}")),
                ("attention", "linear_1") => ["key", "value"]
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        (
                            format!("{block}.cross_attn.{p}.{leaf}"),
                            Part::Chunk { index: i as i64, of: 2 },
                        )
                    })
                    .collect(),
                ("attention", "linear_2") => whole(format!("{block}.cross_attn.out.{leaf}")),
                ("attention", "layer_norm") => whole(format!("{block}.cross_attn_ln.{leaf}")),
                ("ffn", "linear_0") => whole(format!("{block}.mlp.0.{leaf}")),
                ("ffn", "linear_1") => whole(format!("{block}.mlp.2.{leaf}")),
                ("ffn", "layer_norm") => whole(format!("{block}.mlp_ln.{leaf}")),
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

/// CTranslate2's data type ids (`ctranslate2::DataType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ct2Type {
    Float32,
    Int8,
    Int16,
    Int32,
    Float16,
    BFloat16,
}

impl Ct2Type {
    fn from_id(id: u8) -> Option<Self> {
        Some(match id {
            0 => Self::Float32,
            1 => Self::Int8,
            2 => Self::Int16,
            3 => Self::Int32,
            4 => Self::Float16,
            5 => Self::BFloat16,
            _ => return None,
        })
    }

    fn kind(self) -> Kind {
        match self {
            Self::Float32 => Kind::Float,
            Self::Int8 => Kind::Int8,
            Self::Int16 => Kind::Int16,
            Self::Int32 => Kind::Int,
            Self::Float16 => Kind::Half,
            Self::BFloat16 => Kind::BFloat16,
        }
    }

    fn width(self) -> usize {
        match self {
            Self::Int8 => 1,
            Self::Int16 | Self::Float16 | Self::BFloat16 => 2,
            Self::Float32 | Self::Int32 => 4,
        }
    }
}

/// One variable as stored: raw little-endian bytes plus shape and type.
struct RawTensor {
    dims: Vec<i64>,
    dtype: Ct2Type,
    bytes: Vec<u8>,
}

impl RawTensor {
    fn to_tensor(&self, path: &Path, name: &str) -> Result<Tensor, WeightsError> {
        if self.dtype == Ct2Type::Int8 && self.dims.len() > 1 {
            return Err(WeightsError::Format {
                path: path.to_owned(),
                reason: format!(
                    "`{name}` is int8-quantized, which roomscribe does not load; convert with --quantization float16"
                ),
            });
        }
        Tensor::f_from_data_size(&self.bytes, &self.dims, self.dtype.kind()).map_err(|source| WeightsError::Torch {
            path: path.to_owned(),
            name: name.to_owned(),
            source,
        })
    }

    /// The value of a scalar integer variable such as `encoder/num_heads`.
    fn as_integer(&self) -> Option<i64> {
        if !self.dims.is_empty() && self.dims.iter().product::<i64>() != 1 {
            return None;
        }
        let b = &self.bytes;
        match self.dtype {
            Ct2Type::Int8 => b.first().map(|&v| v as i8 as i64),
            Ct2Type::Int16 => Some(i16::from_le_bytes(b.get(..2)?.try_into().ok()?) as i64),
            Ct2Type::Int32 => Some(i32::from_le_bytes(b.get(..4)?.try_into().ok()?) as i64),
            _ => None,
        }
    }
}

/// Parses the container: header, variables, aliases (see ../shared/notes on the layout).
fn read_ctranslate2(path: &Path) -> Result<HashMap<String, RawTensor>, WeightsError> {
    let file = File::open(path).map_err(|source| WeightsError::Io {
        path: path.to_owned(),
        source,
    })?;
    let mut reader = Ct2Reader {
        inner: BufReader::with_capacity(1 << 20, file),
        path,
    };
    let version = reader.u32()?;
    if !(5..=6).contains(&version) {
        return Err(reader.format(format!("binary version {version}, expected 5 or 6")));
    }
    let spec = reader.string()?;
    if spec != "WhisperSpec" {
        return Err(reader.format(format!("model spec `{spec}`, expected `WhisperSpec`")));
    }
    let _spec_revision = reader.u32()?;
    let count = reader.u32()?;
    let mut variables = HashMap::with_capacity(count as usize);
    for _ in 0..count {
        let name = reader.string()?;
        let rank = reader.u8()?;
        let dims = (0..rank)
            .map(|_| reader.u32().map(i64::from))
            .collect::<Result<Vec<_>, _>>()?;
        let type_id = reader.u8()?;
        let dtype = Ct2Type::from_id(type_id)
            .ok_or_else(|| reader.format(format!("`{name}` has unknown data type id {type_id}")))?;
        let byte_count = reader.u32()? as usize;
        let expected = dims.iter().product::<i64>().max(1) as usize * dtype.width();
        if byte_count != expected {
            return Err(reader.format(format!(
                "`{name}` holds {byte_count} bytes, its shape {dims:?} needs {expected}"
            )));
        }
        let bytes = reader.bytes(byte_count)?;
        variables.insert(name, RawTensor { dims, dtype, bytes });
    }
    let alias_count = reader.u32()?;
    for _ in 0..alias_count {
        let alias = reader.string()?;
        let target = reader.string()?;
        if reference_names(&alias).is_empty() {
            // e.g. `decoder/projection/weight`: the output projection is tied to the embedding.
            continue;
        }
        let source = variables
            .get(&target)
            .ok_or_else(|| reader.format(format!("alias `{alias}` points at missing `{target}`")))?;
        let copy = RawTensor {
            dims: source.dims.clone(),
            dtype: source.dtype,
            bytes: source.bytes.clone(),
        };
        variables.insert(alias, copy);
    }
    Ok(variables)
}

struct Ct2Reader<'a> {
    inner: BufReader<File>,
    path: &'a Path,
}

impl Ct2Reader<'_> {
    fn format(&self, reason: String) -> WeightsError {
        WeightsError::Format {
            path: self.path.to_owned(),
            reason,
        }
    }

    fn bytes(&mut self, n: usize) -> Result<Vec<u8>, WeightsError> {
        let mut buf = vec![0; n];
        self.inner.read_exact(&mut buf).map_err(|e| {
            if e.kind() == std::io::ErrorKind::UnexpectedEof {
                self.format("the file ends early: it is truncated".into())
            } else {
                WeightsError::Io {
                    path: self.path.to_owned(),
                    source: e,
                }
            }
        })?;
        Ok(buf)
    }

    fn u8(&mut self) -> Result<u8, WeightsError> {
        Ok(self.bytes(1)?[0])
    }

    fn u16(&mut self) -> Result<u16, WeightsError> {
        let b = self.bytes(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Result<u32, WeightsError> {
        let b = self.bytes(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A `u16` length (counting a trailing NUL) and the bytes.
    fn string(&mut self) -> Result<String, WeightsError> {
        let len = self.u16()? as usize;
        let mut bytes = self.bytes(len)?;
        if bytes.last() == Some(&0) {
            bytes.pop();
        }
        String::from_utf8(bytes).map_err(|_| self.format("a variable name is not UTF-8".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fused_self_attention_splits_into_query_key_value_in_order() {
        let names = reference_names("decoder/layer_2/self_attention/linear_0/bias");
        assert_eq!(
            names,
            vec![
                (
                    "decoder.blocks.2.attn.query.bias".to_owned(),
                    Part::Chunk { index: 0, of: 3 }
                ),
                (
                    "decoder.blocks.2.attn.key.bias".to_owned(),
                    Part::Chunk { index: 1, of: 3 }
                ),
                (
                    "decoder.blocks.2.attn.value.bias".to_owned(),
                    Part::Chunk { index: 2, of: 3 }
                ),
            ]
        );
    }

    #[test]
    fn cross_attention_key_value_are_fused_key_first() {
        let names = reference_names("decoder/layer_0/attention/linear_1/weight");
        assert_eq!(
            names[0],
            (
                "decoder.blocks.0.cross_attn.key.weight".to_owned(),
                Part::Chunk { index: 0, of: 2 }
            )
        );
        assert_eq!(
            names[1],
            (
                "decoder.blocks.0.cross_attn.value.weight".to_owned(),
                Part::Chunk { index: 1, of: 2 }
            )
        );
    }

    #[test]
    fn layer_norms_map_gamma_beta_to_weight_bias() {
        assert_eq!(
            reference_names("encoder/layer_norm/gamma"),
            vec![("encoder.ln_post.weight".to_owned(), Part::Whole)]
        );
        assert_eq!(
            reference_names("encoder/layer_3/ffn/layer_norm/beta"),
            vec![("encoder.blocks.3.mlp_ln.bias".to_owned(), Part::Whole)]
        );
    }

    #[test]
    fn hugging_face_names_round_trip_to_reference_names() {
        let reference = [
            "encoder.conv1.weight",
            "encoder.conv2.bias",
            "encoder.positional_embedding",
            "encoder.blocks.3.attn.query.weight",
            "encoder.blocks.3.attn.value.bias",
            "encoder.blocks.0.attn.out.weight",
            "encoder.blocks.0.attn_ln.bias",
            "encoder.blocks.1.mlp.0.weight",
            "encoder.blocks.1.mlp.2.bias",
            "encoder.blocks.1.mlp_ln.weight",
            "encoder.ln_post.weight",
            "decoder.token_embedding.weight",
            "decoder.positional_embedding",
            "decoder.blocks.2.cross_attn.key.weight",
            "decoder.blocks.2.cross_attn_ln.weight",
            "decoder.ln.bias",
        ];
        for name in reference {
            let hf = hf_from_reference(name).unwrap_or_else(|| panic!("{name} has no transformers name"));
            assert_eq!(reference_from_hf(&hf).as_deref(), Some(name), "via {hf}");
        }
        assert_eq!(
            hf_from_reference("decoder.blocks.2.cross_attn.query.weight").as_deref(),
            Some("model.decoder.layers.2.encoder_attn.q_proj.weight")
        );
        assert_eq!(
            hf_from_reference("encoder.blocks.0.attn.key.bias"),
            None,
            "transformers has no key bias"
        );
        assert_eq!(reference_from_hf("proj_out.weight"), None, "tied to the embedding");
    }

    fn tiny_dims() -> ModelDims {
        ModelDims {
            n_mels: 80,
            n_audio_ctx: 1500,
            n_audio_state: 384,
            n_audio_head: 6,
            n_audio_layer: 4,
            n_vocab: 51864,
            n_text_ctx: 448,
            n_text_state: 384,
            n_text_head: 6,
            n_text_layer: 4,
        }
    }

    #[test]
    fn a_missing_tensor_is_named_in_the_error() {
        let mut checkpoint = Checkpoint {
            path: PathBuf::from("model.safetensors"),
            tensors: HashMap::new(),
            device: Device::Cpu,
            kind: Kind::Float,
            kind_overrides: Vec::new(),
            dims: tiny_dims(),
        };
        let error = checkpoint.take("decoder.ln.weight", &[384]).err().unwrap().to_string();
        assert!(
            error.contains("model.safetensors") && error.contains("`decoder.ln.weight`"),
            "{error}"
        );
        checkpoint.tensors.insert(
            "decoder.ln.bias".into(),
            Tensor::zeros([10], (Kind::Float, Device::Cpu)),
        );
        let error = checkpoint.take("decoder.ln.bias", &[384]).err().unwrap().to_string();
        assert!(error.contains("shape [10]") && error.contains("[384]"), "{error}");
    }

    #[test]
    fn tensors_are_taken_in_the_number_format_of_their_model_half() {
        let half = |n: i64| Tensor::ones([n], (Kind::Half, Device::Cpu));
        let mut checkpoint = Checkpoint {
            path: PathBuf::from("model.bin"),
            tensors: HashMap::from([
                ("encoder.ln_post.weight".to_owned(), half(4)),
                ("decoder.ln.weight".to_owned(), half(4)),
            ]),
            device: Device::Cpu,
            kind: Kind::Float,
            kind_overrides: Vec::new(),
            dims: tiny_dims(),
        };
        checkpoint.convert("encoder.", Kind::BFloat16);
        let encoder = checkpoint.take("encoder.ln_post.weight", &[4]).unwrap();
        let decoder = checkpoint.take("decoder.ln.weight", &[4]).unwrap();
        assert_eq!((encoder.kind(), decoder.kind()), (Kind::BFloat16, Kind::Float));
        assert_eq!(decoder.double_value(&[0]), 1.0);
    }

    #[test]
    fn flags_and_unknown_variables_map_to_nothing() {
        assert!(reference_names("decoder/alignment_heads").is_empty());
        assert!(reference_names("encoder/num_heads").is_empty());
    }
}
