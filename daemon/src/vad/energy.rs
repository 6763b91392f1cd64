//! The energy gate: a frame is speech when it is clearly louder than the tracked noise floor.
//! The fallback when the Silero model is missing, and for any frame the model fails on.
//!
//! Pure: levels in, a 0/1 speech probability out.

/// Tracks the noise floor (follows quiet frames at once, rises slowly through loud ones).
pub struct EnergyGate {
    margin_db: f32,
    min_level_dbfs: f32,
    noise_floor_db: f32,
}

/// How fast the noise floor may rise, per frame (32 ms frames: about 1 dB per second).
const FLOOR_RISE_DB_PER_FRAME: f32 = 0.03;
/// Digital silence is treated as this level.
const SILENCE_DBFS: f32 = -100.0;

impl EnergyGate {
    pub fn new(margin_db: f32, min_level_dbfs: f32) -> Self {
        Self {
            margin_db,
            min_level_dbfs,
            noise_floor_db: SILENCE_DBFS,
        }
    }

    /// The frame's speech probability: 1.0 or 0.0.
    pub fn speech_probability(&mut self, frame: &[f32]) -> f32 {
        let level = rms_dbfs(frame);
        let is_speech = level > self.noise_floor_db + self.margin_db && level > self.min_level_dbfs;
        self.noise_floor_db = if level < self.noise_floor_db {
            level
        } else {
            (self.noise_floor_db + FLOOR_RISE_DB_PER_FRAME).min(level)
        };
        if is_speech {
            1.0
        } else {
            0.0
        }
    }
}

/// RMS level of `frame` in dB relative to full scale.
pub fn rms_dbfs(frame: &[f32]) -> f32 {
    if frame.is_empty() {
        return SILENCE_DBFS;
    }
    let mean_square = frame.iter().map(|&s| s * s).sum::<f32>() / frame.len() as f32;
    (10.0 * mean_square.log10()).max(SILENCE_DBFS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(amplitude: f32) -> Vec<f32> {
        (0..512).map(|i| amplitude * (i as f32 * 0.3).sin()).collect()
    }

    #[test]
    fn full_scale_sine_is_about_minus_three_dbfs() {
        assert!((rms_dbfs(&tone(1.0)) + 3.01).abs() < 0.1);
        assert_eq!(rms_dbfs(&[0.0; 512]), -100.0);
    }

    #[test]
    fn speech_over_silence_is_detected_and_silence_is_not() {
        let mut gate = EnergyGate::new(12.0, -55.0);
        assert_eq!(gate.speech_probability(&[0.0; 512]), 0.0);
        assert_eq!(gate.speech_probability(&tone(0.1)), 1.0);
        assert_eq!(gate.speech_probability(&[0.0; 512]), 0.0);
    }

    #[test]
    fn steady_noise_is_learned_as_the_floor() {
        let mut gate = EnergyGate::new(12.0, -55.0);
        let noise = tone(0.01); // about -43 dBFS
        let decisions: Vec<f32> = (0..3000).map(|_| gate.speech_probability(&noise)).collect();
        assert_eq!(decisions.last(), Some(&0.0), "a constant hum stops counting as speech");
        assert_eq!(
            gate.speech_probability(&tone(0.2)),
            1.0,
            "speech over the hum still does"
        );
    }

    #[test]
    fn quiet_sounds_below_the_absolute_minimum_are_not_speech() {
        let mut gate = EnergyGate::new(12.0, -55.0);
        gate.speech_probability(&[0.0; 512]);
        assert_eq!(gate.speech_probability(&tone(0.0005)), 0.0);
    }
}
