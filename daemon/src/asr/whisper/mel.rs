//! Whisper's log-mel front end: 25 ms Hann windows every 10 ms, a Slaney-normalised mel
//! filterbank (as librosa builds it), log10, a dynamic range of 8 (80 dB) below the peak, and
//! Whisper's (x + 4) / 4 scaling. Matches the reference `log_mel_spectrogram` step for step.
//!
//! Owns only the maths from samples to frames; never decides how audio is windowed into segments.

use tch::{Device, Kind, Tensor};

use super::{HOP_LENGTH, N_FFT, SAMPLE_RATE};

/// The mel filterbank `[n_mels, n_fft / 2 + 1]`, row-major, as `librosa.filters.mel(sr=16000,
/// n_fft=400, n_mels=n_mels)` computes it (Slaney mel scale, Slaney area normalisation).
pub fn mel_filters(n_mels: usize) -> Vec<f32> {
    let n_freqs = N_FFT as usize / 2 + 1;
    let sr = SAMPLE_RATE as f64;
    let fft_freqs: Vec<f64> = (0..n_freqs).map(|i| i as f64 * sr / N_FFT as f64).collect();
    let (mel_min, mel_max) = (hz_to_mel(0.0), hz_to_mel(sr / 2.0));
    let mel_points: Vec<f64> = (0..n_mels + 2)
        .map(|i| mel_to_hz(mel_min + (mel_max - mel_min) * i as f64 / (n_mels + 1) as f64))
        .collect();
    let mut weights = vec![0f32; n_mels * n_freqs];
    for m in 0..n_mels {
        let (left, centre, right) = (mel_points[m], mel_points[m + 1], mel_points[m + 2]);
        let norm = 2.0 / (right - left);
        for (k, &f) in fft_freqs.iter().enumerate() {
            let rising = (f - left) / (centre - left);
            let falling = (right - f) / (right - centre);
            weights[m * n_freqs + k] = (rising.min(falling).max(0.0) * norm) as f32;
        }
    }
    weights
}

/// Slaney's mel scale: linear below 1 kHz, logarithmic above.
fn hz_to_mel(hz: f64) -> f64 {
    const F_SP: f64 = 200.0 / 3.0;
    const MIN_LOG_HZ: f64 = 1000.0;
    let log_step = 6.4f64.ln() / 27.0;
    if hz < MIN_LOG_HZ {
        hz / F_SP
    } else {
        MIN_LOG_HZ / F_SP + (hz / MIN_LOG_HZ).ln() / log_step
    }
}

fn mel_to_hz(mel: f64) -> f64 {
    const F_SP: f64 = 200.0 / 3.0;
    const MIN_LOG_HZ: f64 = 1000.0;
    let min_log_mel = MIN_LOG_HZ / F_SP;
    let log_step = 6.4f64.ln() / 27.0;
    if mel < min_log_mel {
        mel * F_SP
    } else {
        MIN_LOG_HZ * ((mel - min_log_mel) * log_step).exp()
    }
}

/// Computes log-mel features; the filterbank and window are built once and reused.
pub struct LogMel {
    filters: Tensor,
    window: Tensor,
}

impl LogMel {
    pub fn new(n_mels: i64, device: Device) -> Result<Self, tch::TchError> {
        let filters = Tensor::f_from_slice(&mel_filters(n_mels as usize))?
            .f_reshape([n_mels, N_FFT / 2 + 1])?
            .f_to_device(device)?;
        let window = Tensor::f_hann_window_periodic(N_FFT, true, (Kind::Float, device))?;
        Ok(Self { filters, window })
    }

    /// `samples` (16 kHz mono, any length) followed by `padding` zero samples → `[n_mels, frames]`,
    /// with `frames = (len + padding) / HOP_LENGTH`, as the reference computes it.
    pub fn compute(&self, samples: &[f32], padding: usize) -> Result<Tensor, tch::TchError> {
        let device = self.filters.device();
        let audio = Tensor::f_from_slice(samples)?.f_to_device(device)?;
        let audio = if padding > 0 {
            audio.f_constant_pad_nd([0, padding as i64])?
        } else {
            audio
        };
        // `torch.stft(center=True)` reflect-pads n_fft/2 on each side; done here explicitly because
        // tch always passes `align_to_window`, which libtorch rejects together with `center`.
        let centred = audio
            .f_unsqueeze(0)?
            .f_reflection_pad1d([N_FFT / 2, N_FFT / 2])?
            .f_squeeze_dim(0)?;
        let stft = centred.f_stft(N_FFT, HOP_LENGTH, N_FFT, Some(&self.window), false, true, true, false)?;
        let frames = stft.size()[1];
        let magnitudes = stft.f_narrow(1, 0, frames - 1)?.f_abs()?.f_square()?;
        let mel = self.filters.f_matmul(&magnitudes)?;
        let log_spec = mel.f_clamp_min(1e-10)?.f_log10()?;
        let floor = log_spec.f_max()?.f_sub_scalar(8.0)?;
        let log_spec = log_spec.f_maximum(&floor)?;
        log_spec.f_add_scalar(4.0)?.f_div_scalar(4.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mel_scale_round_trips() {
        for hz in [0.0, 200.0, 999.0, 1000.0, 4000.0, 8000.0] {
            assert!((mel_to_hz(hz_to_mel(hz)) - hz).abs() < 1e-6, "{hz}");
        }
    }

    #[test]
    fn slaney_scale_is_linear_below_one_kilohertz() {
        assert!((hz_to_mel(1000.0) - 15.0).abs() < 1e-9);
        assert!((hz_to_mel(500.0) - 7.5).abs() < 1e-9);
    }

    /// The signal `scripts/lib/make_mel_golden.py` fed to faster-whisper's feature extractor.
    fn golden_signal(samples: usize) -> Vec<f32> {
        (0..samples)
            .map(|n| {
                let t = n as f64 / SAMPLE_RATE as f64;
                let two_pi = 2.0 * std::f64::consts::PI;
                (0.5 * (two_pi * 440.0 * t).sin() + 0.25 * t * (two_pi * 1234.5 * t).sin()) as f32
            })
            .collect()
    }

    #[test]
    fn log_mel_matches_golden_values_from_an_independent_implementation() {
        let golden: serde_json::Value = serde_json::from_str(include_str!("testdata/mel_golden.json")).unwrap();
        let samples = golden["samples"].as_u64().unwrap() as usize;
        let padding = golden["padding"].as_u64().unwrap() as usize;
        let mel = LogMel::new(80, Device::Cpu)
            .unwrap()
            .compute(&golden_signal(samples), padding)
            .unwrap();
        assert_eq!(mel.size(), vec![80, golden["frames_total"].as_i64().unwrap()]);
        let mut worst = 0f64;
        for (frame, expected) in golden["frames"].as_object().unwrap() {
            let frame: i64 = frame.parse().unwrap();
            for (bin, value) in expected.as_array().unwrap().iter().enumerate() {
                let ours = mel.double_value(&[bin as i64, frame]);
                worst = worst.max((ours - value.as_f64().unwrap()).abs());
            }
        }
        assert!(
            worst < 1e-4,
            "largest difference from the golden log-mel values: {worst}"
        );
    }

    #[test]
    fn filterbank_matches_the_table_whisper_ships() {
        // Peaks of six bands of `mel_80` in openai-whisper's assets/mel_filters.npz (librosa's
        // `filters.mel(sr=16000, n_fft=400, n_mels=80)` in float32): (band, fft bin, weight).
        const GOLDEN: [(usize, usize, f32); 6] = [
            (0, 1, 2.486_259_5e-2),
            (1, 2, 2.287_177_2e-2),
            (20, 20, 1.389_039_4e-2),
            (40, 43, 1.473_556_6e-2),
            (60, 93, 6.591_093e-3),
            (79, 192, 3.164_711_9e-3),
        ];
        let f = mel_filters(80);
        let n_freqs = 201;
        assert_eq!(f.len(), 80 * n_freqs);
        for (band, bin, weight) in GOLDEN {
            let row = &f[band * n_freqs..(band + 1) * n_freqs];
            let peak = row
                .iter()
                .copied()
                .enumerate()
                .fold((0, 0f32), |a, (k, v)| if v > a.1 { (k, v) } else { a });
            assert_eq!(peak.0, bin, "band {band} peaks at bin {}", peak.0);
            assert!((peak.1 - weight).abs() < 1e-7, "band {band}: {} vs {weight}", peak.1);
        }
    }
}
