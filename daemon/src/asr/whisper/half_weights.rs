//! Projections whose weights are kept as float16 and multiplied with float32 inputs on the CPU,
//! by the FBGEMM library inside libtorch (through `csrc/half_weights.cpp`: tch does not bind it).
//!
//! A decoding step multiplies a handful of rows by every decoder weight, so its time is the time
//! to stream the weights from memory: half the bytes, about half the time. The products still
//! accumulate in float32. Owns only the crossing into C++; must never be handed weights that
//! float16 cannot hold exactly (the caller checks), nor run anywhere but on the CPU.

use std::ffi::{c_char, CStr};
use std::ptr;

use tch::{Kind, TchError, Tensor};
use torch_sys::C_tensor;

extern "C" {
    fn roomscribe_half_pack(weight: *const C_tensor, packed: *mut *mut C_tensor) -> *mut c_char;
    fn roomscribe_half_linear(
        input: *const C_tensor,
        packed: *const C_tensor,
        bias: *const C_tensor,
        output: *mut *mut C_tensor,
    ) -> *mut c_char;
    fn roomscribe_half_free_error(error: *mut c_char);
}

/// A weight `[n_out, n_in]` packed as float16 for FBGEMM.
pub struct HalfWeight {
    packed: Tensor,
}

impl HalfWeight {
    /// Packs `weight` (float32, CPU) if it holds only float16 values, so nothing is rounded:
    /// `Ok(None)` when it does not. An error when this libtorch cannot (built without FBGEMM,
    /// or a CPU without AVX2): the caller keeps the float32 weight.
    pub fn pack_exact(weight: &Tensor) -> Result<Option<Self>, TchError> {
        if weight.device() != tch::Device::Cpu || weight.kind() != Kind::Float || weight.dim() != 2 {
            return Ok(None);
        }
        if !weight.f_to_kind(Kind::Half)?.f_to_kind(Kind::Float)?.f_equal(weight)? {
            return Ok(None);
        }
        let mut packed = ptr::null_mut();
        // SAFETY: `weight` is a live tensor for the duration of the call; on success the shim
        // hands over a tensor allocated with `new`, which `Tensor::from_ptr` owns and frees.
        unsafe {
            check(roomscribe_half_pack(weight.as_ptr(), &mut packed))?;
            Ok(Some(Self {
                packed: Tensor::from_ptr(packed),
            }))
        }
    }

    /// `x Wᵀ + b` over the last dimension of `x` (float32, CPU).
    pub fn linear(&self, x: &Tensor, bias: Option<&Tensor>) -> Result<Tensor, TchError> {
        let mut output = ptr::null_mut();
        let bias = bias.map_or(ptr::null(), Tensor::as_ptr);
        // SAFETY: as in `pack_exact`; the shim checks shapes and kinds and reports a mismatch
        // as an error, and `bias` is null or a live tensor.
        unsafe {
            check(roomscribe_half_linear(
                x.as_ptr(),
                self.packed.as_ptr(),
                bias,
                &mut output,
            ))?;
            Ok(Tensor::from_ptr(output))
        }
    }
}

/// Turns the shim's message (null on success) into a `TchError`, freeing it.
///
/// SAFETY: `error` is null or a message the shim allocated and nothing else frees.
unsafe fn check(error: *mut c_char) -> Result<(), TchError> {
    if error.is_null() {
        return Ok(());
    }
    let message = CStr::from_ptr(error).to_string_lossy().into_owned();
    roomscribe_half_free_error(error);
    Err(TchError::Torch(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn max_difference(a: &Tensor, b: &Tensor) -> f64 {
        (a - b).abs().max().double_value(&[])
    }

    /// `weight` packed. libtorch's x86-64 builds carry FBGEMM, so there it must pack; elsewhere
    /// an error saying FBGEMM is missing means there is nothing to test (`None`).
    fn packed(weight: &Tensor) -> Option<HalfWeight> {
        match HalfWeight::pack_exact(weight) {
            Ok(packed) => Some(packed.expect("float16 values pack")),
            Err(error) if !cfg!(target_arch = "x86_64") => {
                eprintln!("no FBGEMM in this libtorch, nothing to test: {error}");
                None
            }
            Err(error) => panic!("FBGEMM failed on x86-64: {error}"),
        }
    }

    #[test]
    fn a_float16_weight_computes_what_the_float32_product_does() {
        let weight = Tensor::randn([300, 64], (Kind::Float, tch::Device::Cpu))
            .to_kind(Kind::Half)
            .to_kind(Kind::Float);
        let bias = Tensor::randn([300], (Kind::Float, tch::Device::Cpu));
        let x = Tensor::randn([2, 5, 64], (Kind::Float, tch::Device::Cpu));
        let Some(half) = packed(&weight) else { return };
        let with_bias = half.linear(&x, Some(&bias)).unwrap();
        assert_eq!(with_bias.size(), [2, 5, 300]);
        assert!(max_difference(&with_bias, &x.linear(&weight, Some(&bias))) < 1e-4);
        let without = half.linear(&x, None).unwrap();
        assert!(max_difference(&without, &x.linear::<&Tensor>(&weight, None)) < 1e-4);
    }

    #[test]
    fn a_weight_float16_would_round_is_left_alone() {
        let weight = Tensor::from_slice(&[1.0f32, 1.0 + 1e-6, 0.5, 2.0]).reshape([2, 2]);
        assert!(HalfWeight::pack_exact(&weight).unwrap().is_none());
    }

    #[test]
    fn a_mis_shaped_input_is_an_error_not_a_crash() {
        let weight = Tensor::ones([8, 4], (Kind::Float, tch::Device::Cpu));
        let Some(half) = packed(&weight) else { return };
        let error = half.linear(&Tensor::ones([3, 5], (Kind::Float, tch::Device::Cpu)), None);
        assert!(error.is_err());
    }
}
