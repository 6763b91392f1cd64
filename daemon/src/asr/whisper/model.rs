//! The Whisper transformer: `AudioEncoder` (two convolutions, sinusoidal positions, pre-norm
//! residual attention blocks) and `TextDecoder` (token + learned positions, blocks with causal
//! self-attention and cross-attention to the audio, logits through the tied token embedding).
//!
//! Mechanism only, named as in the reference checkpoint; the decoder keeps a key/value cache so
//! each new token costs one position, and cross-attention keys/values are computed once per audio
//! window. Must never choose tokens (that is `asr::decode`) and never run on a tokio worker.

use tch::{Kind, Tensor};

use super::half_weights::HalfWeight;
use super::weights::{Checkpoint, WeightsError};
use super::ModelDims;

type TchResult<T> = Result<T, tch::TchError>;

/// `y = x Wᵀ + b`.
struct Linear {
    weight: Weight,
    bias: Option<Tensor>,
}

/// A projection's weight, in the form that suits the inputs it sees and so the library that
/// multiplies by it.
enum Weight {
    /// An ordinary tensor, multiplied by the BLAS libtorch was built with (MKL on x86).
    Dense(Tensor),
    /// A oneDNN tensor, for float32 projections of long inputs on a CPU (the encoder's 1500
    /// positions). oneDNN picks its kernels by instruction set, where MKL takes a generic path on
    /// non-Intel CPUs: on the 2-core AMD target the encoder's projections run about twice as fast
    /// (measured: 1500×1536→384 in 3.9 ms against 8.0 ms). For a handful of rows (decoding steps)
    /// its fixed cost per call loses.
    OneDnn(Tensor),
    /// Packed as float16 for FBGEMM, for the decoder's projections on a CPU when the checkpoint's
    /// weights are float16 values (so nothing is rounded). A decoding step streams every weight
    /// for a handful of rows: half the bytes make the vocabulary projection about 2× and the
    /// block projections about 3× faster than MKL on the 2-core AMD target (measured at 5 rows:
    /// 51864×384 in 1.2 ms against 2.3 ms).
    Half(HalfWeight),
}

impl Linear {
    fn load(ckpt: &mut Checkpoint, name: &str, n_in: i64, n_out: i64) -> Result<Self, WeightsError> {
        Ok(Self {
            weight: Weight::Dense(ckpt.take(&format!("{name}.weight"), &[n_out, n_in])?),
            bias: Some(ckpt.take(&format!("{name}.bias"), &[n_out])?),
        })
    }

    /// The key projections of Whisper have no bias (some layouts store zeros: they are ignored).
    fn load_without_bias(ckpt: &mut Checkpoint, name: &str, n_in: i64, n_out: i64) -> Result<Self, WeightsError> {
        let weight = ckpt.take(&format!("{name}.weight"), &[n_out, n_in])?;
        ckpt.take_optional(&format!("{name}.bias"), &[n_out])?;
        Ok(Self {
            weight: Weight::Dense(weight),
            bias: None,
        })
    }

    /// The ordinary tensor of a weight not yet moved (`for_long_inputs`, `for_few_rows`).
    fn dense(&self) -> TchResult<&Tensor> {
        match &self.weight {
            Weight::Dense(weight) => Ok(weight),
            Weight::OneDnn(_) | Weight::Half(_) => Err(tch::TchError::Kind(
                "a projection's weight is reshaped only before it is moved to oneDNN or float16".to_owned(),
            )),
        }
    }

    /// One projection doing the work of several that read the same input: their weights
    /// stacked, a missing bias standing as zeros.
    fn stack(parts: &[Linear]) -> TchResult<Self> {
        let weights = parts.iter().map(Linear::dense).collect::<TchResult<Vec<_>>>()?;
        let biases = parts
            .iter()
            .zip(&weights)
            .map(|(p, weight)| match &p.bias {
                Some(bias) => Ok(bias.shallow_clone()),
                None => Tensor::f_zeros([weight.size()[0]], (weight.kind(), weight.device())),
            })
            .collect::<TchResult<Vec<_>>>()?;
        Ok(Self {
            weight: Weight::Dense(Tensor::f_cat(&weights, 0)?),
            bias: Some(Tensor::f_cat(&biases, 0)?),
        })
    }

    /// This projection with its weight moved to oneDNN, where that is faster (float32 on a CPU
    /// whose libtorch has oneDNN); unchanged otherwise. Only for projections that always see long
    /// inputs.
    fn for_long_inputs(self) -> TchResult<Self> {
        let weight = self.dense()?;
        let on_cpu_float32 = weight.device() == tch::Device::Cpu && weight.kind() == Kind::Float;
        if !on_cpu_float32 || !tch::utils::has_mkldnn() {
            return Ok(self);
        }
        Ok(Self {
            weight: Weight::OneDnn(weight.f_contiguous()?.f_to_mkldnn(None)?),
            bias: self.bias.map(|b| b.f_contiguous()?.f_to_mkldnn(None)).transpose()?,
        })
    }

    /// This projection with its weight packed as float16 (see `Weight::Half`), where that loses
    /// nothing and this libtorch can; unchanged otherwise. For projections of a handful of rows.
    fn for_few_rows(self) -> TchResult<Self> {
        let packed = match HalfWeight::pack_exact(self.dense()?) {
            Ok(packed) => packed,
            Err(error) => {
                tracing::debug!(%error, "float16 weights unavailable here; the decoder keeps float32 weights");
                None
            }
        };
        Ok(match packed {
            Some(packed) => Self {
                weight: Weight::Half(packed),
                bias: self.bias,
            },
            None => self,
        })
    }

    fn forward(&self, x: &Tensor) -> TchResult<Tensor> {
        match &self.weight {
            Weight::Dense(weight) => project(x, weight, self.bias.as_ref()),
            Weight::OneDnn(weight) => {
                let mut size = x.size();
                let n_in = size.last().copied().unwrap_or(0);
                let y = x
                    .f_reshape([-1, n_in])?
                    .f_contiguous()?
                    .f_to_mkldnn(None)?
                    .f_mkldnn_linear(weight, self.bias.as_ref())?
                    .f_to_dense(None, false)?;
                if let Some(last) = size.last_mut() {
                    *last = weight.size()[0];
                }
                y.f_reshape(size.as_slice())
            }
            Weight::Half(weight) => weight.linear(x, self.bias.as_ref()),
        }
    }
}

/// `x Wᵀ + b` over the last dimension of `x`, for a dense weight. A decoding step has a handful
/// of rows (one per hypothesis); where its weights did not take the float16 form (CUDA, no
/// FBGEMM), those are computed as `(W xᵀ)ᵀ`, which BLAS streams the weight through without
/// repacking it first: about 3× faster for the vocabulary projection and 1.3× for the MLP on
/// the 2-core target (measured). Long inputs (the encoder, the prompt) take the ordinary
/// orientation.
fn project(x: &Tensor, weight: &Tensor, bias: Option<&Tensor>) -> TchResult<Tensor> {
    const FEW_ROWS: i64 = 16;
    let mut size = x.size();
    let rows: i64 = size[..size.len() - 1].iter().product();
    if rows > FEW_ROWS {
        return x.f_linear(weight, bias);
    }
    let flat = x.f_reshape([rows, -1])?;
    // One row (greedy decoding) would go down BLAS's single-threaded matrix-vector path, about
    // 3× slower on the vocabulary than a product with two rows: give it two, keep one.
    let columns = if rows == 1 {
        weight
            .f_mm(&Tensor::f_cat(&[&flat, &flat], 0)?.f_tr()?)?
            .f_narrow(1, 0, 1)?
    } else {
        weight.f_mm(&flat.f_tr()?)?
    };
    // Back to row-major at once: a transposed view would make every later op copy.
    let y = columns.f_tr()?.f_contiguous()?;
    let y = match bias {
        Some(bias) => y.f_add(bias)?,
        None => y,
    };
    if let Some(last) = size.last_mut() {
        *last = weight.size()[0];
    }
    y.f_reshape(size.as_slice())
}

struct LayerNorm {
    weight: Tensor,
    bias: Tensor,
    dim: i64,
}

impl LayerNorm {
    fn load(ckpt: &mut Checkpoint, name: &str, dim: i64) -> Result<Self, WeightsError> {
        Ok(Self {
            weight: ckpt.take(&format!("{name}.weight"), &[dim])?,
            bias: ckpt.take(&format!("{name}.bias"), &[dim])?,
            dim,
        })
    }

    fn forward(&self, x: &Tensor) -> TchResult<Tensor> {
        x.f_layer_norm([self.dim], Some(&self.weight), Some(&self.bias), 1e-5, true)
    }
}

/// Cross-attention keys and values computed from one audio window, `[1, positions, state]`.
#[derive(Default)]
struct CrossAttentionCache {
    key: Option<Tensor>,
    value: Option<Tensor>,
}

impl CrossAttentionCache {
    /// The same keys and values for another state; nothing is copied (they are never written
    /// after they are computed).
    fn share(&self) -> Self {
        Self {
            key: self.key.as_ref().map(Tensor::shallow_clone),
            value: self.value.as_ref().map(Tensor::shallow_clone),
        }
    }
}

/// Self-attention keys and values of the tokens seen so far, in buffers `[batch, capacity, state]`
/// written in place: a step writes one position instead of copying the whole cache into a grown
/// tensor, and reordering hypotheses moves only the positions after `common`.
struct SelfAttentionCache {
    key: Tensor,
    value: Tensor,
    /// Positions filled.
    len: i64,
    /// Positions identical in every hypothesis (those seen while the batch was 1: the prompt).
    common: i64,
}

impl SelfAttentionCache {
    /// An empty cache for keys/values like `t` `[batch, n, state]`.
    fn empty_like(t: &Tensor) -> TchResult<Self> {
        Ok(Self {
            key: Self::buffer_like(t, t.size()[0], 0)?,
            value: Self::buffer_like(t, t.size()[0], 0)?,
            len: 0,
            common: 0,
        })
    }

    /// A buffer like `t` with room for `needed` positions and half as many again, so that
    /// appending one position at a time copies the cache only now and then.
    fn buffer_like(t: &Tensor, batch: i64, needed: i64) -> TchResult<Tensor> {
        let (_, _, n_state) = t.size3()?;
        let capacity = (needed + needed / 2).max(64);
        Tensor::f_empty([batch, capacity, n_state], (t.kind(), t.device()))
    }

    fn batch(&self) -> i64 {
        self.key.size()[0]
    }

    /// Appends `[batch, n, state]` keys/values and returns all of them so far, as views.
    fn append(&mut self, key: &Tensor, value: &Tensor) -> TchResult<(Tensor, Tensor)> {
        let n = key.size()[1];
        let needed = self.len + n;
        if needed > self.key.size()[1] {
            for buffer in [&mut self.key, &mut self.value] {
                let grown = Self::buffer_like(buffer, buffer.size()[0], needed)?;
                grown
                    .f_narrow(1, 0, self.len)?
                    .f_copy_(&buffer.f_narrow(1, 0, self.len)?)?;
                *buffer = grown;
            }
        }
        self.key.f_narrow(1, self.len, n)?.f_copy_(key)?;
        self.value.f_narrow(1, self.len, n)?.f_copy_(value)?;
        self.len = needed;
        if self.batch() == 1 {
            self.common = self.len;
        }
        Ok((self.key.f_narrow(1, 0, self.len)?, self.value.f_narrow(1, 0, self.len)?))
    }

    /// Makes hypothesis `i` continue hypothesis `index[i]`.
    fn reorder(&mut self, index: &Tensor) -> TchResult<()> {
        let batch = index.size()[0];
        for buffer in [&mut self.key, &mut self.value] {
            if batch == buffer.size()[0] {
                let mut distinct = buffer.f_narrow(1, self.common, self.len - self.common)?;
                distinct.f_copy_(&distinct.f_index_select(0, index)?)?;
            } else {
                let resized = Self::buffer_like(buffer, batch, self.len)?;
                resized
                    .f_narrow(1, 0, self.len)?
                    .f_copy_(&buffer.f_narrow(1, 0, self.len)?.f_index_select(0, index)?)?;
                *buffer = resized;
            }
        }
        Ok(())
    }

    /// An independent copy of the filled positions.
    fn copy(&self) -> TchResult<Self> {
        let copy_of = |buffer: &Tensor| -> TchResult<Tensor> {
            let copy = Self::buffer_like(buffer, buffer.size()[0], self.len)?;
            copy.f_narrow(1, 0, self.len)?
                .f_copy_(&buffer.f_narrow(1, 0, self.len)?)?;
            Ok(copy)
        };
        Ok(Self {
            key: copy_of(&self.key)?,
            value: copy_of(&self.value)?,
            ..*self
        })
    }
}

/// The projections of one attention layer as the checkpoint names them.
struct AttentionWeights {
    query: Linear,
    key: Linear,
    value: Linear,
    out: Linear,
}

impl AttentionWeights {
    fn load(ckpt: &mut Checkpoint, name: &str, n_state: i64) -> Result<Self, WeightsError> {
        Ok(Self {
            query: Linear::load(ckpt, &format!("{name}.query"), n_state, n_state)?,
            key: Linear::load_without_bias(ckpt, &format!("{name}.key"), n_state, n_state)?,
            value: Linear::load(ckpt, &format!("{name}.value"), n_state, n_state)?,
            out: Linear::load(ckpt, &format!("{name}.out"), n_state, n_state)?,
        })
    }
}

/// Scaled dot-product attention split into heads: what self- and cross-attention share.
#[derive(Clone, Copy)]
struct Heads {
    n_head: i64,
}

impl Heads {
    /// `q` `[batch, n, state]` over `k`/`v` `[batch, m, state]` → `[batch, n, state]`
    /// (libtorch's fused kernel), before the output projection.
    fn attend(self, q: &Tensor, k: &Tensor, v: &Tensor, mask: Option<&Tensor>) -> TchResult<Tensor> {
        let (q, k, v) = (self.split(q)?, self.split(k)?, self.split(v)?);
        let attended = Tensor::f_scaled_dot_product_attention(&q, &k, &v, mask, 0.0, false, None, false)?;
        Self::merge(&attended)
    }

    /// `t` `[batch, n, state]` → `[batch, heads, n, state / heads]`.
    fn split(self, t: &Tensor) -> TchResult<Tensor> {
        let (batch, n, n_state) = t.size3()?;
        t.f_reshape([batch, n, self.n_head, n_state / self.n_head])?
            .f_transpose(1, 2)
    }

    /// The heads joined again: `[batch, heads, n, head_dim]` → `[batch, n, state]`.
    fn merge(t: &Tensor) -> TchResult<Tensor> {
        let (batch, heads, n, head_dim) = t.size4()?;
        t.f_transpose(1, 2)?.f_reshape([batch, n, heads * head_dim])
    }

    /// `attend` for the decoder, whose shapes change every step (the self-attention's keys grow
    /// by one, the prompt's length and the number of live hypotheses vary). For float16 and
    /// bfloat16 on CUDA, libtorch 2.11's fused kernel picks cuDNN's attention, which builds and
    /// caches a graph for each new shape, about 8 ms of CPU each: on an H200 a float16 decoding
    /// step took 16-39 ms against 2 ms in float32. There the product is written out as the
    /// paper has it, a few kernels that cost the same for every shape (2.8 ms a step). Float32
    /// on CUDA, and every CPU, keep the fused kernel (on CUDA about 20% faster a step than
    /// written out; measured).
    fn attend_decoding(self, q: &Tensor, k: &Tensor, v: &Tensor, mask: Option<&Tensor>) -> TchResult<Tensor> {
        let cudnn_would_take_it = q.device().is_cuda() && matches!(q.kind(), Kind::Half | Kind::BFloat16);
        if cudnn_would_take_it {
            self.attend_as_written(q, k, v, mask)
        } else {
            self.attend(q, k, v, mask)
        }
    }

    /// `softmax(q kᵀ / √d + mask) v` per head, the softmax in float32 (as the reference
    /// implementation does), the result in `q`'s number format.
    fn attend_as_written(self, q: &Tensor, k: &Tensor, v: &Tensor, mask: Option<&Tensor>) -> TchResult<Tensor> {
        let head_dim = q.size3()?.2 / self.n_head;
        let q = self.split(q)?.f_mul_scalar(1.0 / (head_dim as f64).sqrt())?;
        let scores = q.f_matmul(&self.split(k)?.f_transpose(-1, -2)?)?;
        let scores = match mask {
            Some(mask) => scores.f_add(mask)?,
            None => scores,
        };
        let weights = scores.f_softmax(-1, Kind::Float)?.f_to_kind(q.kind())?;
        Self::merge(&weights.f_matmul(&self.split(v)?)?)
    }
}

/// Self-attention: every position attends to the positions of the same sequence.
struct SelfAttention {
    heads: Heads,
    n_state: i64,
    /// The query, key and value projections stacked into one matrix: one product for all three.
    query_key_value: Linear,
    out: Linear,
}

impl SelfAttention {
    fn load(ckpt: &mut Checkpoint, name: &str, n_state: i64, n_head: i64) -> Result<Self, WeightsError> {
        let AttentionWeights { query, key, value, out } = AttentionWeights::load(ckpt, name, n_state)?;
        Ok(Self {
            heads: Heads { n_head },
            n_state,
            query_key_value: Linear::stack(&[query, key, value])
                .map_err(|source| ckpt.torch_error(&format!("{name}.query/key/value"), source))?,
            out,
        })
    }

    /// See `Linear::for_long_inputs`; for the encoder.
    fn for_long_inputs(self) -> TchResult<Self> {
        Ok(Self {
            query_key_value: self.query_key_value.for_long_inputs()?,
            out: self.out.for_long_inputs()?,
            ..self
        })
    }

    /// See `Linear::for_few_rows`; for the decoder.
    fn for_few_rows(self) -> TchResult<Self> {
        Ok(Self {
            query_key_value: self.query_key_value.for_few_rows()?,
            out: self.out.for_few_rows()?,
            ..self
        })
    }

    /// Over `x` alone (the encoder).
    fn forward(&self, x: &Tensor) -> TchResult<Tensor> {
        let (q, k, v) = self.projections(x)?;
        let attended = self.heads.attend(&q, &k.f_contiguous()?, &v.f_contiguous()?, None)?;
        self.out.forward(&attended)
    }

    /// The new positions `x` over the cached ones and themselves (the decoder), appending their
    /// keys/values to `cache`.
    fn forward_cached(
        &self,
        x: &Tensor,
        mask: Option<&Tensor>,
        cache: &mut Option<SelfAttentionCache>,
    ) -> TchResult<Tensor> {
        let (q, k_new, v_new) = self.projections(x)?;
        let mut filled = match cache.take() {
            Some(filled) => filled,
            None => SelfAttentionCache::empty_like(&k_new)?,
        };
        let (k, v) = filled.append(&k_new, &v_new)?;
        *cache = Some(filled);
        self.out.forward(&self.heads.attend_decoding(&q, &k, &v, mask)?)
    }

    /// Queries, keys and values of `x`, from one product.
    fn projections(&self, x: &Tensor) -> TchResult<(Tensor, Tensor, Tensor)> {
        let qkv = self.query_key_value.forward(x)?;
        Ok((
            qkv.f_narrow(-1, 0, self.n_state)?,
            qkv.f_narrow(-1, self.n_state, self.n_state)?,
            qkv.f_narrow(-1, 2 * self.n_state, self.n_state)?,
        ))
    }
}

/// Cross-attention: the text's positions attend to the audio's.
struct CrossAttention {
    heads: Heads,
    n_state: i64,
    /// Applied to the text, a handful of rows per step.
    query: Linear,
    /// The key and value projections stacked, applied once per window to the audio.
    key_value: Linear,
    out: Linear,
}

impl CrossAttention {
    fn load(ckpt: &mut Checkpoint, name: &str, n_state: i64, n_head: i64) -> Result<Self, WeightsError> {
        let AttentionWeights { query, key, value, out } = AttentionWeights::load(ckpt, name, n_state)?;
        Ok(Self {
            heads: Heads { n_head },
            n_state,
            query,
            key_value: Linear::stack(&[key, value])
                .map_err(|source| ckpt.torch_error(&format!("{name}.key/value"), source))?,
            out,
        })
    }

    /// The query and output projections see a handful of rows per step (`Linear::for_few_rows`);
    /// the keys and values come from the whole window, once (`Linear::for_long_inputs`).
    fn for_few_rows(self) -> TchResult<Self> {
        Ok(Self {
            query: self.query.for_few_rows()?,
            key_value: self.key_value.for_long_inputs()?,
            out: self.out.for_few_rows()?,
            ..self
        })
    }

    /// Keys and values are computed on first use and kept at batch size 1: every hypothesis of
    /// a beam attends to the same audio. The hypotheses are folded into the query positions
    /// (cross-attention has no mask, so rows are independent), which makes one matrix product
    /// against the shared keys instead of a copy per hypothesis.
    fn forward(&self, x: &Tensor, audio: &Tensor, cache: &mut CrossAttentionCache) -> TchResult<Tensor> {
        if cache.key.is_none() {
            let kv = self.key_value.forward(audio)?;
            cache.key = Some(kv.f_narrow(-1, 0, self.n_state)?.f_contiguous()?);
            cache.value = Some(kv.f_narrow(-1, self.n_state, self.n_state)?.f_contiguous()?);
        }
        let (Some(k), Some(v)) = (&cache.key, &cache.value) else {
            unreachable!("cross-attention cache was filled above")
        };
        let (batch, n_ctx, n_state) = x.size3()?;
        let q = self.query.forward(x)?.f_reshape([1, batch * n_ctx, n_state])?;
        let attended = self
            .heads
            .attend_decoding(&q, k, v, None)?
            .f_reshape([batch, n_ctx, n_state])?;
        self.out.forward(&attended)
    }

    /// The attention weights of each head over the audio, `[batch, heads, n, n_audio_ctx]`
    /// (for word timestamps); uses the keys cached by `forward`.
    fn weights(&self, x: &Tensor, cache: &CrossAttentionCache) -> TchResult<Tensor> {
        let Some(k) = &cache.key else {
            unreachable!("cross-attention weights are read after the forward pass filled the cache")
        };
        let q = self.heads.split(&self.query.forward(x)?)?;
        let head_dim = q.size4()?.3;
        let k = self.heads.split(k)?;
        let scores = q
            .f_matmul(&k.f_transpose(-1, -2)?)?
            .f_mul_scalar(1.0 / (head_dim as f64).sqrt())?;
        scores.f_to_kind(Kind::Float)?.f_softmax(-1, Kind::Float)
    }
}

/// Pre-norm transformer block: attention, optional cross-attention, and a GELU MLP, each residual.
struct ResidualAttentionBlock {
    attn: SelfAttention,
    attn_ln: LayerNorm,
    cross_attn: Option<(CrossAttention, LayerNorm)>,
    mlp_fc1: Linear,
    mlp_fc2: Linear,
    mlp_ln: LayerNorm,
}

impl ResidualAttentionBlock {
    fn load(
        ckpt: &mut Checkpoint,
        name: &str,
        n_state: i64,
        n_head: i64,
        cross_attention: bool,
    ) -> Result<Self, WeightsError> {
        let n_mlp = n_state * 4;
        let cross_attn = if cross_attention {
            Some((
                CrossAttention::load(ckpt, &format!("{name}.cross_attn"), n_state, n_head)?,
                LayerNorm::load(ckpt, &format!("{name}.cross_attn_ln"), n_state)?,
            ))
        } else {
            None
        };
        Ok(Self {
            attn: SelfAttention::load(ckpt, &format!("{name}.attn"), n_state, n_head)?,
            attn_ln: LayerNorm::load(ckpt, &format!("{name}.attn_ln"), n_state)?,
            cross_attn,
            mlp_fc1: Linear::load(ckpt, &format!("{name}.mlp.0"), n_state, n_mlp)?,
            mlp_fc2: Linear::load(ckpt, &format!("{name}.mlp.2"), n_mlp, n_state)?,
            mlp_ln: LayerNorm::load(ckpt, &format!("{name}.mlp_ln"), n_state)?,
        })
    }

    /// See `Linear::for_long_inputs`; for the encoder's blocks.
    fn for_long_inputs(self) -> TchResult<Self> {
        Ok(Self {
            attn: self.attn.for_long_inputs()?,
            mlp_fc1: self.mlp_fc1.for_long_inputs()?,
            mlp_fc2: self.mlp_fc2.for_long_inputs()?,
            ..self
        })
    }

    /// See `Linear::for_few_rows`; for the decoder's blocks.
    fn for_few_rows(self) -> TchResult<Self> {
        Ok(Self {
            attn: self.attn.for_few_rows()?,
            cross_attn: self
                .cross_attn
                .map(|(cross_attn, ln)| Ok::<_, tch::TchError>((cross_attn.for_few_rows()?, ln)))
                .transpose()?,
            mlp_fc1: self.mlp_fc1.for_few_rows()?,
            mlp_fc2: self.mlp_fc2.for_few_rows()?,
            ..self
        })
    }

    /// The encoder's block: self-attention over the audio positions alone, then the MLP.
    fn forward_audio(&self, x: &Tensor) -> TchResult<Tensor> {
        let x = x.f_add(&self.attn.forward(&self.attn_ln.forward(x)?)?)?;
        self.mlp(&x)
    }

    /// The decoder's block: causal self-attention over the cached and new tokens, attention to
    /// the audio, then the MLP. Pushes the cross-attention weights onto `capture` when given.
    fn forward_text(
        &self,
        x: &Tensor,
        audio: &Tensor,
        mask: Option<&Tensor>,
        cache: &mut BlockCache,
        capture: Option<&mut Vec<Tensor>>,
    ) -> TchResult<Tensor> {
        let x = x.f_add(
            &self
                .attn
                .forward_cached(&self.attn_ln.forward(x)?, mask, &mut cache.attn)?,
        )?;
        let x = match &self.cross_attn {
            Some((cross_attn, cross_ln)) => {
                let normed = cross_ln.forward(&x)?;
                let attended = cross_attn.forward(&normed, audio, &mut cache.cross_attn)?;
                if let Some(capture) = capture {
                    capture.push(cross_attn.weights(&normed, &cache.cross_attn)?);
                }
                x.f_add(&attended)?
            }
            None => x,
        };
        self.mlp(&x)
    }

    fn mlp(&self, x: &Tensor) -> TchResult<Tensor> {
        let h = self.mlp_fc1.forward(&self.mlp_ln.forward(x)?)?.f_gelu("none")?;
        x.f_add(&self.mlp_fc2.forward(&h)?)
    }
}

#[derive(Default)]
struct BlockCache {
    /// Empty until the first tokens are fed.
    attn: Option<SelfAttentionCache>,
    cross_attn: CrossAttentionCache,
}

pub struct AudioEncoder {
    conv1_weight: Tensor,
    conv1_bias: Tensor,
    conv2_weight: Tensor,
    conv2_bias: Tensor,
    positional_embedding: Tensor,
    blocks: Vec<ResidualAttentionBlock>,
    ln_post: LayerNorm,
}

impl AudioEncoder {
    fn load(ckpt: &mut Checkpoint, d: &ModelDims) -> Result<Self, WeightsError> {
        let s = d.n_audio_state;
        Ok(Self {
            conv1_weight: ckpt.take("encoder.conv1.weight", &[s, d.n_mels, 3])?,
            conv1_bias: ckpt.take("encoder.conv1.bias", &[s])?,
            conv2_weight: ckpt.take("encoder.conv2.weight", &[s, s, 3])?,
            conv2_bias: ckpt.take("encoder.conv2.bias", &[s])?,
            positional_embedding: ckpt.take("encoder.positional_embedding", &[d.n_audio_ctx, s])?,
            blocks: (0..d.n_audio_layer)
                .map(|i| {
                    let name = format!("encoder.blocks.{i}");
                    ResidualAttentionBlock::load(ckpt, &name, s, d.n_audio_head, false)?
                        .for_long_inputs()
                        .map_err(|source| ckpt.torch_error(&name, source))
                })
                .collect::<Result<_, _>>()?,
            ln_post: LayerNorm::load(ckpt, "encoder.ln_post", s)?,
        })
    }

    /// `mel` `[batch, n_mels, 3000]` → audio features `[batch, n_audio_ctx, n_audio_state]` (or
    /// fewer frames → half as many positions).
    pub fn forward(&self, mel: &Tensor) -> TchResult<Tensor> {
        let x = mel
            .f_conv1d(&self.conv1_weight, Some(&self.conv1_bias), [1], [1], [1], 1)?
            .f_gelu("none")?;
        let x = x
            .f_conv1d(&self.conv2_weight, Some(&self.conv2_bias), [2], [1], [1], 1)?
            .f_gelu("none")?;
        // A shorter input (a live decode's short context) takes the first positions.
        let positions = x.size()[2];
        let mut x = x
            .f_permute([0, 2, 1])?
            .f_add(&self.positional_embedding.f_narrow(0, 0, positions)?)?;
        for block in &self.blocks {
            x = block.forward_audio(&x)?;
        }
        self.ln_post.forward(&x)
    }
}

pub struct TextDecoder {
    /// Looked up per token; float16 when `vocabulary` holds the same values as float16 (they are
    /// exact, in half the memory), the decoder's number format otherwise.
    token_embedding: Tensor,
    /// The logits' projection: the token embedding, tied (as its own `Linear` so that it can
    /// take the few-rows form).
    vocabulary: Linear,
    positional_embedding: Tensor,
    blocks: Vec<ResidualAttentionBlock>,
    ln: LayerNorm,
}

/// The decoder's memory for one audio window: per-block self- and cross-attention caches.
pub struct DecoderState {
    blocks: Vec<BlockCache>,
    /// Tokens already fed through the decoder (the offset of the next position).
    pub position: i64,
}

impl DecoderState {
    /// A second state continuing from the same point: its own copy of the self-attention
    /// caches (they are written in place), the cross-attention ones shared.
    pub fn fork(&self) -> TchResult<Self> {
        Ok(Self {
            blocks: self
                .blocks
                .iter()
                .map(|b| {
                    Ok(BlockCache {
                        attn: b.attn.as_ref().map(SelfAttentionCache::copy).transpose()?,
                        cross_attn: b.cross_attn.share(),
                    })
                })
                .collect::<TchResult<_>>()?,
            position: self.position,
        })
    }

    /// A state at the start of a new token sequence over the same audio: no tokens seen, but
    /// the cross-attention keys/values this state computed from the audio are kept.
    pub fn restart_on_same_audio(&self) -> Self {
        Self {
            blocks: self
                .blocks
                .iter()
                .map(|b| BlockCache {
                    attn: None,
                    cross_attn: b.cross_attn.share(),
                })
                .collect(),
            position: 0,
        }
    }

    /// Hypotheses the state holds (1 after the prompt).
    pub fn batch(&self) -> usize {
        self.blocks
            .first()
            .and_then(|b| b.attn.as_ref())
            .map_or(1, |cache| cache.batch() as usize)
    }

    /// Makes hypothesis `i` continue from hypothesis `sources[i]` (beam search reordering; also
    /// grows a batch of 1 into a batch of many). Only self-attention caches depend on the
    /// hypothesis; cross-attention caches are shared.
    pub fn reorder(&mut self, sources: &[i64]) -> TchResult<()> {
        let Some(device) = self.blocks.iter().find_map(|b| b.attn.as_ref().map(|c| c.key.device())) else {
            return Ok(());
        };
        let index = Tensor::f_from_slice(sources)?.f_to_device(device)?;
        for cache in self.blocks.iter_mut().filter_map(|b| b.attn.as_mut()) {
            cache.reorder(&index)?;
        }
        Ok(())
    }
}

impl TextDecoder {
    /// Every projection of a decoding step sees a handful of rows: they take that form (see
    /// `Linear::for_few_rows`).
    fn load(ckpt: &mut Checkpoint, d: &ModelDims) -> Result<Self, WeightsError> {
        const EMBEDDING: &str = "decoder.token_embedding.weight";
        let s = d.n_text_state;
        let token_embedding = ckpt.take(EMBEDDING, &[d.n_vocab, s])?;
        let vocabulary = Linear {
            weight: Weight::Dense(token_embedding.shallow_clone()),
            bias: None,
        }
        .for_few_rows()
        .map_err(|source| ckpt.torch_error(EMBEDDING, source))?;
        let token_embedding = match vocabulary.weight {
            Weight::Half(_) => token_embedding
                .f_to_kind(Kind::Half)
                .map_err(|source| ckpt.torch_error(EMBEDDING, source))?,
            Weight::Dense(_) | Weight::OneDnn(_) => token_embedding,
        };
        Ok(Self {
            token_embedding,
            vocabulary,
            positional_embedding: ckpt.take("decoder.positional_embedding", &[d.n_text_ctx, s])?,
            blocks: (0..d.n_text_layer)
                .map(|i| {
                    let name = format!("decoder.blocks.{i}");
                    ResidualAttentionBlock::load(ckpt, &name, s, d.n_text_head, true)?
                        .for_few_rows()
                        .map_err(|source| ckpt.torch_error(&name, source))
                })
                .collect::<Result<_, _>>()?,
            ln: LayerNorm::load(ckpt, "decoder.ln", s)?,
        })
    }

    /// Whether the decoding step's projections took the float16 form (`Linear::for_few_rows`):
    /// where they did not (no FBGEMM in this libtorch, a CPU without AVX2, weights float16
    /// cannot hold), decoding on a CPU is about 1.5× slower.
    pub fn has_float16_weights(&self) -> bool {
        matches!(self.vocabulary.weight, Weight::Half(_))
    }

    /// The number format the decoder computes in.
    fn kind(&self) -> Kind {
        self.positional_embedding.kind()
    }

    /// `tokens` `[batch, n]` → their embeddings `[batch, n, state]`, in the decoder's format.
    fn embed(&self, tokens: &Tensor) -> TchResult<Tensor> {
        Tensor::f_embedding(&self.token_embedding, tokens, -1, false, false)?.f_to_kind(self.kind())
    }

    pub fn new_state(&self) -> DecoderState {
        DecoderState {
            blocks: self.blocks.iter().map(|_| BlockCache::default()).collect(),
            position: 0,
        }
    }

    /// Feeds `tokens` `[batch, n]` (the tokens not yet seen by `state`) and returns the logits at
    /// `positions` (indices into those `n` tokens), `[batch, positions.len(), n_vocab]`, float32.
    /// Only the positions asked for go through the vocabulary projection, its largest product.
    pub fn forward(
        &self,
        tokens: &Tensor,
        audio: &Tensor,
        state: &mut DecoderState,
        positions: &[i64],
    ) -> TchResult<Tensor> {
        let n = tokens.size()[1];
        let offset = state.position;
        let position_embedding = self.positional_embedding.f_narrow(0, offset, n)?;
        let mut x = self.embed(tokens)?.f_add(&position_embedding)?;
        let mask = if n > 1 {
            Some(causal_mask(n, offset, x.kind(), x.device())?)
        } else {
            None
        };
        for (block, cache) in self.blocks.iter().zip(state.blocks.iter_mut()) {
            x = block.forward_text(&x, audio, mask.as_ref(), cache, None)?;
        }
        state.position += n;
        let wanted = if positions.len() == 1 && positions[0] == n - 1 && n == 1 {
            x
        } else {
            let index = Tensor::f_from_slice(positions)?.f_to_device(x.device())?;
            x.f_index_select(1, &index)?
        };
        self.vocabulary
            .forward(&self.ln.forward(&wanted)?)?
            .f_to_kind(Kind::Float)
    }
}

impl TextDecoder {
    /// Feeds `tokens` `[1, n]` through a fresh decoder and returns every layer's cross-attention
    /// weights, each `[1, heads, n, n_audio_ctx]` (what word timestamps are aligned with), and
    /// the logits at every position, `[1, n, n_vocab]`, float32 (how sure the model is of each
    /// token given those before it: the words' probabilities).
    pub fn align(&self, tokens: &Tensor, audio: &Tensor) -> TchResult<(Vec<Tensor>, Tensor)> {
        let n = tokens.size()[1];
        let mut state = self.new_state();
        let mut x = self
            .embed(tokens)?
            .f_add(&self.positional_embedding.f_narrow(0, 0, n)?)?;
        let mask = if n > 1 {
            Some(causal_mask(n, 0, x.kind(), x.device())?)
        } else {
            None
        };
        let mut weights = Vec::with_capacity(self.blocks.len());
        for (block, cache) in self.blocks.iter().zip(state.blocks.iter_mut()) {
            x = block.forward_text(&x, audio, mask.as_ref(), cache, Some(&mut weights))?;
        }
        let logits = self.vocabulary.forward(&self.ln.forward(&x)?)?.f_to_kind(Kind::Float)?;
        Ok((weights, logits))
    }
}

/// Additive mask letting position `i` of the new tokens see every cached position and the new
/// positions up to itself.
fn causal_mask(n: i64, offset: i64, kind: Kind, device: tch::Device) -> TchResult<Tensor> {
    Tensor::f_full([n, offset + n], f64::NEG_INFINITY, (kind, device))?.f_triu(offset + 1)
}

/// A loaded Whisper model.
pub struct Whisper {
    pub dims: ModelDims,
    pub encoder: AudioEncoder,
    pub decoder: TextDecoder,
}

impl Whisper {
    /// Loads both halves; the encoder computes in `encoder_kind`, the decoder in the
    /// checkpoint's kind.
    pub fn load(mut ckpt: Checkpoint, encoder_kind: Kind) -> Result<Self, WeightsError> {
        let dims = ckpt.dims;
        ckpt.convert("encoder.", encoder_kind);
        Ok(Self {
            encoder: AudioEncoder::load(&mut ckpt, &dims)?,
            decoder: TextDecoder::load(&mut ckpt, &dims)?,
            dims,
        })
    }

    /// `mel` `[batch, n_mels, 3000]`, float32 → audio features in the decoder's number format.
    pub fn encode(&self, mel: &Tensor) -> TchResult<Tensor> {
        let audio = self
            .encoder
            .forward(&mel.f_to_kind(self.encoder.conv1_weight.kind())?)?;
        audio.f_to_kind(self.decoder.kind())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Weights and biases are float16 values (as in the checkpoints we ship), so that every form
    /// of the weight can hold them.
    fn random_linear(n_in: i64, n_out: i64) -> Linear {
        let options = (Kind::Float, tch::Device::Cpu);
        let float16_values = |t: Tensor| t.to_kind(Kind::Half).to_kind(Kind::Float);
        Linear {
            weight: Weight::Dense(float16_values(Tensor::randn([n_out, n_in], options))),
            bias: Some(float16_values(Tensor::randn([n_out], options))),
        }
    }

    fn copy_of(linear: &Linear) -> Linear {
        Linear {
            weight: Weight::Dense(linear.dense().unwrap().copy()),
            bias: linear.bias.as_ref().map(Tensor::copy),
        }
    }

    fn max_difference(a: &Tensor, b: &Tensor) -> f64 {
        a.f_sub(b).unwrap().abs().max().double_value(&[])
    }

    /// The same products from `moved` as from the dense `linear`, for inputs of `rows` rows.
    fn assert_same_products(linear: &Linear, moved: &Linear, rows: &[i64]) {
        for &n in rows {
            let x = Tensor::randn(
                [2, n, linear.dense().unwrap().size()[1]],
                (Kind::Float, tch::Device::Cpu),
            );
            let (want, got) = (linear.forward(&x).unwrap(), moved.forward(&x).unwrap());
            assert_eq!(got.size(), want.size());
            let difference = max_difference(&want, &got);
            assert!(difference < 1e-4, "{n} rows differ by {difference}");
        }
    }

    #[test]
    fn a_projection_moved_to_onednn_computes_what_the_dense_one_does() {
        tch::manual_seed(7);
        let dense = random_linear(96, 48);
        let moved = copy_of(&dense).for_long_inputs().unwrap();
        assert_eq!(matches!(moved.weight, Weight::OneDnn(_)), tch::utils::has_mkldnn());
        assert_same_products(&dense, &moved, &[40]);
    }

    #[test]
    fn a_projection_in_float16_computes_what_the_dense_one_does() {
        tch::manual_seed(5);
        let dense = random_linear(96, 300);
        let moved = copy_of(&dense).for_few_rows().unwrap();
        // libtorch's x86-64 builds carry FBGEMM; elsewhere the weight may stay float32.
        assert!(
            matches!(moved.weight, Weight::Half(_)) || !cfg!(target_arch = "x86_64"),
            "float16 values on an x86-64 CPU take the float16 form"
        );
        assert_same_products(&dense, &moved, &[1, 5, 40]);
        let rounded = Linear {
            weight: Weight::Dense(dense.dense().unwrap().f_add_scalar(1e-4).unwrap()),
            bias: None,
        };
        assert!(
            matches!(rounded.for_few_rows().unwrap().weight, Weight::Dense(_)),
            "weights float16 cannot hold stay float32"
        );
        assert!(
            copy_of(&dense).for_few_rows().unwrap().for_long_inputs().is_err(),
            "a moved weight is not moved again"
        );
    }

    #[test]
    fn attention_written_out_computes_what_the_fused_kernel_does() {
        tch::manual_seed(13);
        let heads = Heads { n_head: 6 };
        let options = (Kind::Float, tch::Device::Cpu);
        // A prompt of 4 tokens after 3 cached ones (masked), then one step of 5 hypotheses
        // over 9 positions, then cross-attention of 5 rows over 300 audio positions.
        let cases = [
            (1, 4, 7, Some(causal_mask(4, 3, Kind::Float, tch::Device::Cpu).unwrap())),
            (5, 1, 9, None),
            (1, 5, 300, None),
        ];
        for (batch, n, m, mask) in cases {
            let q = Tensor::randn([batch, n, 384], options);
            let (k, v) = (
                Tensor::randn([batch, m, 384], options),
                Tensor::randn([batch, m, 384], options),
            );
            let fused = heads.attend(&q, &k, &v, mask.as_ref()).unwrap();
            let written = heads.attend_as_written(&q, &k, &v, mask.as_ref()).unwrap();
            assert_eq!(written.size(), fused.size());
            let difference = max_difference(&fused, &written);
            assert!(difference < 1e-5, "{batch}×{n} over {m} differ by {difference}");
        }
        let masked = heads
            .attend_as_written(
                &Tensor::randn([1, 2, 384], options),
                &Tensor::randn([1, 2, 384], options),
                &Tensor::cat(
                    &[Tensor::ones([1, 1, 384], options), Tensor::zeros([1, 1, 384], options)],
                    1,
                ),
                Some(&causal_mask(2, 0, Kind::Float, tch::Device::Cpu).unwrap()),
            )
            .unwrap();
        assert_eq!(
            masked.get(0).get(0),
            Tensor::ones([384], options),
            "the first position sees only itself"
        );
    }

    #[test]
    fn the_few_rows_orientation_computes_an_ordinary_projection() {
        tch::manual_seed(11);
        let linear = random_linear(64, 200);
        for rows in [1, 3, 17] {
            let x = Tensor::randn([rows, 1, 64], (Kind::Float, tch::Device::Cpu));
            let want = x.linear(linear.dense().unwrap(), linear.bias.as_ref());
            let got = linear.forward(&x).unwrap();
            assert_eq!(got.size(), vec![rows, 1, 200]);
            assert!(
                max_difference(&want, &got) < 1e-4,
                "{rows} rows differ by {}",
                max_difference(&want, &got)
            );
        }
    }

    /// The in-place cache against the obvious one (concatenate, then gather hypotheses): a
    /// prompt at batch 1, growth to three hypotheses, appends past the first capacity, and
    /// reorders that move the distinct positions, including one that shrinks the batch.
    #[test]
    fn the_in_place_self_attention_cache_holds_what_concatenation_would() {
        tch::manual_seed(3);
        let options = (Kind::Float, tch::Device::Cpu);
        let index = |sources: &[i64]| Tensor::from_slice(sources);
        let prompt = Tensor::randn([1, 30, 4], options);
        let mut cache = SelfAttentionCache::empty_like(&prompt).unwrap();
        let (key, _) = cache.append(&prompt, &prompt.f_neg().unwrap()).unwrap();
        assert!(max_difference(&key, &prompt) == 0.0);
        let mut expected = prompt.copy();
        let mut forked = None;
        let grow: &[i64] = &[0, 0, 0];
        let shuffles: [&[i64]; 3] = [&[2, 0, 1], &[1, 1, 2], &[0, 1, 2]];
        let shrink: &[i64] = &[2, 0];
        let schedule = std::iter::once(grow)
            .chain(shuffles.into_iter().cycle().take(58))
            .chain(std::iter::once(shrink));
        for (step, sources) in schedule.enumerate() {
            cache.reorder(&index(sources)).unwrap();
            expected = expected.index_select(0, &index(sources));
            let new = Tensor::randn([sources.len() as i64, 1, 4], options);
            let (key, value) = cache.append(&new, &new.f_neg().unwrap()).unwrap();
            expected = Tensor::cat(&[&expected, &new], 1);
            assert_eq!(key.size(), expected.size(), "step {step}");
            assert!(max_difference(&key, &expected) == 0.0, "keys differ at step {step}");
            assert!(
                max_difference(&value, &expected.f_neg().unwrap()) == 0.0,
                "values differ at step {step}"
            );
            if step == 10 {
                forked = Some((cache.copy().unwrap(), expected.copy()));
            }
        }
        assert_eq!(cache.batch(), 2);
        assert_eq!(cache.common, 30, "only the prompt is common to all hypotheses");
        let (mut forked, at_fork) = forked.unwrap();
        let forked_keys = forked.append(&Tensor::zeros([3, 0, 4], options), &Tensor::zeros([3, 0, 4], options));
        assert!(
            max_difference(&forked_keys.unwrap().0, &at_fork) == 0.0,
            "a copy is untouched by what the original did afterwards"
        );
    }
}
