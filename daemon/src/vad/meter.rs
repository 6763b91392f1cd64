//! Measures the room from the frames the VAD stage sees and its speech decisions: level (RMS and
//! peak, dBFS), noise floor, clipping and speech duty cycle per reporting window, and the events
//! "long silence" and "high noise". Pure: frames and decisions in, `AudioReport`s out; positions
//! are sample counts.
//!
//! The noise floor is a low percentile of the frame levels of the last `floor_horizon` (30 s, or
//! the window when longer), whatever the VAD called them: the room's background is what the
//! quietest moments sound like, and 30 s of talk has gaps where a 2 s window may have none. (The mean of the frames
//! the VAD called non-speech, used before, is dominated by speech onsets and quiet phonemes, and
//! raised false alarms on meetings whose gaps are digital silence.)

use crate::pipeline::{AudioEvent, AudioMetrics, AudioReport, STREAM_RATE};

/// What the meter reports and when.
#[derive(Debug, Clone, PartialEq)]
pub struct MeterRules {
    pub window_samples: u64,
    /// Silence this long is an event (once per silence).
    pub long_silence_samples: u64,
    /// A noise floor above this is an event; it re-arms 3 dB below.
    pub high_noise_dbfs: f32,
    /// How far back the noise floor looks (at least the window): long enough that continuous
    /// speech has gaps in it.
    pub floor_horizon_samples: u64,
}

/// Below this a sample is "silent" for dB purposes; keeps digital silence finite.
const FLOOR_DBFS: f32 = -120.0;
/// A sample this close to full scale counts as clipped.
const CLIPPED: f32 = 0.999;
/// Hysteresis of the high-noise event, dB.
const NOISE_REARM_DB: f32 = 3.0;
/// The share of a window's frames quieter than its noise floor. Low enough that a window of
/// continuous speech finds its floor in the gaps between words, high enough that a few frames of
/// dropout do not set it.
const NOISE_FLOOR_PERCENTILE: f64 = 0.05;

fn dbfs(power: f64) -> f32 {
    if power <= 0.0 {
        FLOOR_DBFS
    } else {
        (10.0 * power.log10()).max(f64::from(FLOOR_DBFS)) as f32
    }
}

pub struct AudioMeter {
    rules: MeterRules,
    position: u64,
    window_start: u64,
    sum_squares: f64,
    samples: u64,
    /// The level (dBFS) of every frame of the floor's horizon, oldest first.
    recent_levels: std::collections::VecDeque<f32>,
    /// Scratch for the percentile; its capacity is kept across windows.
    sorted_levels: Vec<f32>,
    peak: f32,
    clipped: u64,
    frames: u64,
    speech_frames: u64,
    /// Where the current silence began, and whether it was already reported.
    silence_since: Option<u64>,
    silence_reported: bool,
    noise_alerted: bool,
    last_noise_floor_dbfs: f32,
}

impl AudioMeter {
    pub fn new(rules: MeterRules) -> Self {
        Self {
            rules,
            position: 0,
            window_start: 0,
            sum_squares: 0.0,
            samples: 0,
            recent_levels: std::collections::VecDeque::new(),
            sorted_levels: Vec::new(),
            peak: 0.0,
            clipped: 0,
            frames: 0,
            speech_frames: 0,
            silence_since: Some(0),
            silence_reported: false,
            noise_alerted: false,
            last_noise_floor_dbfs: FLOOR_DBFS,
        }
    }

    /// New rules from the next frame on; the current window and silence carry on.
    pub fn set_rules(&mut self, rules: MeterRules) {
        self.rules = rules;
    }

    /// Feeds one frame and whether it was speech; returns what became due.
    pub fn push(&mut self, frame: &[f32], speech: bool) -> Vec<AudioReport> {
        let mut reports = Vec::new();
        let power: f64 = frame.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
        self.sum_squares += power;
        self.samples += frame.len() as u64;
        let horizon_frames = (self.rules.floor_horizon_samples.max(self.rules.window_samples)
            / frame.len().max(1) as u64)
            .max(1) as usize;
        self.recent_levels.push_back(dbfs(power / frame.len().max(1) as f64));
        while self.recent_levels.len() > horizon_frames {
            self.recent_levels.pop_front();
        }
        self.peak = frame.iter().fold(self.peak, |peak, s| peak.max(s.abs()));
        self.clipped += frame.iter().filter(|s| s.abs() >= CLIPPED).count() as u64;
        self.frames += 1;
        if speech {
            self.speech_frames += 1;
            self.silence_since = None;
            self.silence_reported = false;
        } else {
            self.silence_since.get_or_insert(self.position);
        }
        self.position += frame.len() as u64;

        if let Some(since) = self.silence_since {
            let silent = self.position - since;
            if !self.silence_reported && silent >= self.rules.long_silence_samples {
                self.silence_reported = true;
                reports.push(AudioReport::Event(AudioEvent::LongSilence {
                    start: seconds(since),
                    seconds: seconds(silent),
                }));
            }
        }
        if self.position - self.window_start >= self.rules.window_samples {
            reports.extend(self.close_window());
        }
        reports
    }

    /// Ends the current window: its metrics, and a high-noise event when the floor crosses the
    /// limit.
    fn close_window(&mut self) -> Vec<AudioReport> {
        let mut reports = Vec::new();
        self.sorted_levels.clear();
        self.sorted_levels.extend(self.recent_levels.iter().copied());
        let noise_floor_dbfs = noise_floor(&mut self.sorted_levels).unwrap_or(self.last_noise_floor_dbfs);
        self.last_noise_floor_dbfs = noise_floor_dbfs;
        reports.push(AudioReport::Metrics(AudioMetrics {
            start: seconds(self.window_start),
            seconds: seconds(self.position - self.window_start),
            rms_dbfs: dbfs(self.sum_squares / self.samples.max(1) as f64),
            peak_dbfs: dbfs(f64::from(self.peak) * f64::from(self.peak)),
            noise_floor_dbfs,
            clipping_ratio: self.clipped as f32 / self.samples.max(1) as f32,
            speech_duty_cycle: self.speech_frames as f32 / self.frames.max(1) as f32,
        }));
        if !self.noise_alerted && noise_floor_dbfs > self.rules.high_noise_dbfs {
            self.noise_alerted = true;
            reports.push(AudioReport::Event(AudioEvent::HighNoise {
                at: seconds(self.position),
                noise_floor_dbfs,
            }));
        } else if self.noise_alerted && noise_floor_dbfs < self.rules.high_noise_dbfs - NOISE_REARM_DB {
            self.noise_alerted = false;
        }
        let recent_levels = std::mem::take(&mut self.recent_levels);
        let sorted_levels = std::mem::take(&mut self.sorted_levels);
        *self = Self {
            recent_levels,
            sorted_levels,
            rules: self.rules.clone(),
            position: self.position,
            window_start: self.position,
            silence_since: self.silence_since,
            silence_reported: self.silence_reported,
            noise_alerted: self.noise_alerted,
            last_noise_floor_dbfs: self.last_noise_floor_dbfs,
            ..Self::new(self.rules.clone())
        };
        reports
    }
}

/// The level below which `NOISE_FLOOR_PERCENTILE` of the frames lie; `None` for no frames.
/// Reorders `levels`.
fn noise_floor(levels: &mut [f32]) -> Option<f32> {
    if levels.is_empty() {
        return None;
    }
    let rank = ((levels.len() - 1) as f64 * NOISE_FLOOR_PERCENTILE).floor() as usize;
    let (_, floor, _) = levels.select_nth_unstable_by(rank, f32::total_cmp);
    Some(*floor)
}

fn seconds(samples: u64) -> f64 {
    samples as f64 / f64::from(STREAM_RATE)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRAME: usize = 160;

    fn meter() -> AudioMeter {
        AudioMeter::new(MeterRules {
            window_samples: 16_000,
            long_silence_samples: 32_000,
            high_noise_dbfs: -30.0,
            floor_horizon_samples: 16_000,
        })
    }

    fn metrics(reports: &[AudioReport]) -> Vec<AudioMetrics> {
        reports
            .iter()
            .filter_map(|r| match r {
                AudioReport::Metrics(m) => Some(m.clone()),
                AudioReport::Event(_) => None,
            })
            .collect()
    }

    fn events(reports: &[AudioReport]) -> Vec<AudioEvent> {
        reports
            .iter()
            .filter_map(|r| match r {
                AudioReport::Event(e) => Some(e.clone()),
                AudioReport::Metrics(_) => None,
            })
            .collect()
    }

    #[test]
    fn levels_floor_clipping_and_duty_cycle_over_a_window() {
        let mut meter = meter();
        let mut reports = Vec::new();
        // Half a second of speech at full-scale square wave (RMS 0 dBFS, every sample clipped),
        // half a second of background at 0.01 (-40 dBFS).
        for _ in 0..50 {
            reports.extend(meter.push(&[1.0; FRAME], true));
        }
        for _ in 0..50 {
            reports.extend(meter.push(&[0.01; FRAME], false));
        }
        let m = metrics(&reports);
        assert_eq!(m.len(), 1);
        let m = &m[0];
        assert_eq!((m.start, m.seconds), (0.0, 1.0));
        assert!((m.peak_dbfs - 0.0).abs() < 1e-3, "{m:?}");
        assert!((m.noise_floor_dbfs + 40.0).abs() < 0.01, "{m:?}");
        assert!((m.rms_dbfs + 3.01).abs() < 0.01, "half the window at full power: {m:?}");
        assert!((m.clipping_ratio - 0.5).abs() < 1e-6, "{m:?}");
        assert!((m.speech_duty_cycle - 0.5).abs() < 1e-6, "{m:?}");
    }

    #[test]
    fn long_silence_is_reported_once_per_silence() {
        let mut meter = meter();
        let mut reports = Vec::new();
        for _ in 0..100 {
            reports.extend(meter.push(&[0.0; FRAME], false));
        }
        assert!(events(&reports).is_empty(), "one second is not long");
        for _ in 0..300 {
            reports.extend(meter.push(&[0.0; FRAME], false));
        }
        assert_eq!(
            events(&reports),
            vec![AudioEvent::LongSilence {
                start: 0.0,
                seconds: 2.0
            }]
        );
        reports.extend(meter.push(&[0.3; FRAME], true));
        for _ in 0..200 {
            reports.extend(meter.push(&[0.0; FRAME], false));
        }
        assert_eq!(events(&reports).len(), 2, "speech re-arms the event");
        assert!(matches!(
            events(&reports)[1],
            AudioEvent::LongSilence { start, .. } if (start - 4.01).abs() < 1e-9
        ));
    }

    #[test]
    fn high_noise_is_reported_when_the_floor_crosses_the_limit_and_rearms_below_it() {
        let mut meter = meter();
        // One window of background at `level`; only the noise events (the background is also a
        // long silence).
        let noise = |meter: &mut AudioMeter, level: f32| -> Vec<AudioReport> {
            (0..100)
                .flat_map(|_| meter.push(&[level; FRAME], false))
                .filter(|r| matches!(r, AudioReport::Event(AudioEvent::HighNoise { .. })))
                .collect()
        };
        assert!(events(&noise(&mut meter, 0.001)).is_empty(), "-60 dBFS is quiet");
        let loud = events(&noise(&mut meter, 0.1));
        assert!(
            matches!(loud[..], [AudioEvent::HighNoise { noise_floor_dbfs, .. }] if (noise_floor_dbfs + 20.0).abs() < 0.01)
        );
        assert!(events(&noise(&mut meter, 0.1)).is_empty(), "still loud: reported once");
        assert!(events(&noise(&mut meter, 0.001)).is_empty());
        assert_eq!(events(&noise(&mut meter, 0.1)).len(), 1, "re-armed after quieting");
    }

    /// Repeatable noise, uniform in [-1, 1] scaled to `rms` (a tiny linear congruential
    /// generator: the test needs no crate).
    fn noise(frames: usize, rms: f32, seed: u32) -> Vec<Vec<f32>> {
        let mut state = seed;
        let scale = rms * 3f32.sqrt();
        (0..frames)
            .map(|_| {
                (0..FRAME)
                    .map(|_| {
                        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                        (state >> 8) as f32 / (1u32 << 24) as f32 * 2.0 * scale - scale
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn speech_with_silent_gaps_has_the_floor_of_its_gaps() {
        let mut meter = meter();
        let mut reports = Vec::new();
        // 80% speech whose level swells and fades (quiet phonemes at -46 dBFS included, which a
        // VAD may well call non-speech), 20% gaps at -80 dBFS.
        for (i, frame) in noise(100, 1.0, 7).into_iter().enumerate() {
            let (gain, speech) = match i % 10 {
                0 | 1 => (1e-4, false),
                2 => (0.005, false),
                k => (0.02 * k as f32, true),
            };
            let frame: Vec<f32> = frame.iter().map(|s| s * gain).collect();
            reports.extend(meter.push(&frame, speech));
        }
        let floor = metrics(&reports)[0].noise_floor_dbfs;
        assert!((floor + 80.0).abs() < 2.0, "floor {floor} dBFS, the gaps are -80");
    }

    #[test]
    fn steady_noise_has_its_own_level_as_the_floor() {
        let mut meter = AudioMeter::new(MeterRules {
            high_noise_dbfs: -45.0,
            ..meter().rules
        });
        let reports: Vec<_> = noise(100, 10f32.powf(-30.0 / 20.0), 3)
            .into_iter()
            .flat_map(|frame| meter.push(&frame, false))
            .collect();
        let floor = metrics(&reports)[0].noise_floor_dbfs;
        assert!((floor + 30.0).abs() < 1.5, "floor {floor} dBFS in -30 dBFS noise");
        assert!(
            events(&reports)
                .iter()
                .any(|e| matches!(e, AudioEvent::HighNoise { .. })),
            "-30 dBFS noise is above the default -45 dBFS limit: {reports:?}"
        );
    }

    #[test]
    fn the_floor_looks_back_past_a_window_of_continuous_speech() {
        let mut meter = AudioMeter::new(MeterRules {
            floor_horizon_samples: 48_000,
            high_noise_dbfs: -45.0,
            ..meter().rules
        });
        let mut reports = Vec::new();
        // A second of silence at -80 dBFS, then two seconds of speech with no gap at all.
        for frame in noise(100, 1e-4, 5) {
            reports.extend(meter.push(&frame, false));
        }
        for frame in noise(200, 0.1, 6) {
            reports.extend(meter.push(&frame, true));
        }
        let floors: Vec<f32> = metrics(&reports).iter().map(|m| m.noise_floor_dbfs).collect();
        assert_eq!(floors.len(), 3);
        assert!(floors.iter().all(|f| *f < -75.0), "{floors:?}");
        assert!(events(&reports)
            .iter()
            .all(|e| !matches!(e, AudioEvent::HighNoise { .. })));
    }

    #[test]
    fn digital_silence_has_a_finite_level() {
        let mut meter = meter();
        let reports: Vec<_> = (0..100).flat_map(|_| meter.push(&[0.0; FRAME], false)).collect();
        let m = &metrics(&reports)[0];
        assert_eq!(m.rms_dbfs, FLOOR_DBFS);
        assert_eq!(m.peak_dbfs, FLOOR_DBFS);
    }
}
