//! Interleaved device frames (S16_LE, S32_LE or FLOAT_LE, 1-8 channels) to one mono f32 stream
//! in [-1, 1]: the chosen channels are averaged (one channel is a selection, all of them a
//! downmix). Pure and allocation-free: the caller owns every buffer.

/// The device's samples for one read, in the format the PCM granted.
#[derive(Debug, Clone, Copy)]
pub enum Interleaved<'a> {
    S16(&'a [i16]),
    S32(&'a [i32]),
    F32(&'a [f32]),
}

impl Interleaved<'_> {
    fn sample(&self, index: usize) -> f32 {
        match self {
            Interleaved::S16(s) => f32::from(s[index]) / 32_768.0,
            // Through f64: an i32 does not fit f32's mantissa, the quotient does.
            Interleaved::S32(s) => (f64::from(s[index]) / 2_147_483_648.0) as f32,
            Interleaved::F32(s) => {
                let v = s[index];
                if v.is_finite() {
                    v.clamp(-1.0, 1.0)
                } else {
                    0.0
                }
            }
        }
    }
}

/// Which channels make the mono stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelMix {
    channels: usize,
    /// 0-based indices into a frame; never empty.
    used: Vec<usize>,
}

impl ChannelMix {
    /// `use_channels` empty means every channel. Indices must be below `channels` (config
    /// validation guarantees it for the configured count; a device granting fewer channels is
    /// reported by the caller).
    pub fn new(channels: usize, use_channels: &[u32]) -> Result<Self, String> {
        if channels == 0 {
            return Err("the device has no channels".into());
        }
        let used: Vec<usize> = if use_channels.is_empty() {
            (0..channels).collect()
        } else {
            use_channels.iter().map(|&c| c as usize).collect()
        };
        if let Some(&bad) = used.iter().find(|&&c| c >= channels) {
            return Err(format!(
                "capture.use_channels names channel {bad}, but the device has {channels} (0-based)"
            ));
        }
        Ok(Self { channels, used })
    }

    pub fn channels(&self) -> usize {
        self.channels
    }

    /// Writes one mono sample per whole frame of `input` into `out` and returns how many.
    /// `out` must hold at least that many.
    pub fn mix_into(&self, input: Interleaved<'_>, out: &mut [f32]) -> usize {
        let len = match input {
            Interleaved::S16(s) => s.len(),
            Interleaved::S32(s) => s.len(),
            Interleaved::F32(s) => s.len(),
        };
        let frames = len / self.channels;
        let scale = 1.0 / self.used.len() as f32;
        for (frame, slot) in out.iter_mut().enumerate().take(frames) {
            let base = frame * self.channels;
            let sum: f32 = self.used.iter().map(|&c| input.sample(base + c)).sum();
            *slot = sum * scale;
        }
        frames
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_maps_full_scale_to_unit_range() {
        let mono = ChannelMix::new(1, &[]).unwrap();
        let mut out = [0.0; 3];
        mono.mix_into(Interleaved::S16(&[i16::MIN, 0, 16_384]), &mut out);
        assert_eq!(out, [-1.0, 0.0, 0.5]);
        mono.mix_into(Interleaved::S32(&[i32::MIN, 0, 1 << 30]), &mut out);
        assert_eq!(out, [-1.0, 0.0, 0.5]);
        mono.mix_into(Interleaved::F32(&[-1.5, f32::NAN, 0.25]), &mut out);
        assert_eq!(out, [-1.0, 0.0, 0.25], "clamped, and NaN becomes silence");
    }

    #[test]
    fn empty_selection_averages_every_channel() {
        let mix = ChannelMix::new(2, &[]).unwrap();
        let mut out = [0.0; 2];
        let frames = mix.mix_into(Interleaved::S16(&[16_384, 0, -16_384, -16_384]), &mut out);
        assert_eq!(frames, 2);
        assert_eq!(out, [0.25, -0.5]);
    }

    #[test]
    fn one_channel_is_selected_and_a_list_is_averaged() {
        let frame = [0.1f32, 0.2, 0.3, 0.4];
        let mut out = [0.0; 1];
        ChannelMix::new(4, &[2])
            .unwrap()
            .mix_into(Interleaved::F32(&frame), &mut out);
        assert_eq!(out, [0.3]);
        ChannelMix::new(4, &[0, 3])
            .unwrap()
            .mix_into(Interleaved::F32(&frame), &mut out);
        assert!((out[0] - 0.25).abs() < 1e-7);
    }

    #[test]
    fn a_partial_trailing_frame_is_ignored() {
        let mix = ChannelMix::new(2, &[]).unwrap();
        let mut out = [9.0; 2];
        assert_eq!(mix.mix_into(Interleaved::S16(&[0, 0, 5]), &mut out), 1);
        assert_eq!(out[1], 9.0);
    }

    #[test]
    fn channel_beyond_the_device_is_an_error_naming_it() {
        let error = ChannelMix::new(2, &[0, 5]).unwrap_err();
        assert!(error.contains("channel 5") && error.contains("has 2"), "{error}");
    }
}
