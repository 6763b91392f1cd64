//! WAV files as an audio source, streamed block by block (memory stays flat for any length).
//!
//! Owns the file format checks: PCM integer (8-32 bit) or 32-bit float, any channel count
//! (averaged to mono), 16 kHz only until resampling lands. Never reads a whole file at once.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use hound::{SampleFormat, WavReader};

use crate::pipeline::STREAM_RATE;

#[derive(Debug, thiserror::Error)]
pub enum WavError {
    #[error("cannot open {path}: {source}; check the path and permissions")]
    Open {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not a readable WAV file ({reason}); convert it with `sox IN -r 16000 -c 1 -b 16 OUT.wav`")]
    Format { path: PathBuf, reason: String },
    #[error(
        "{path} is {rate} Hz; roomscribe reads 16000 Hz WAV for now: convert it with `sox IN -r 16000 -c 1 OUT.wav`"
    )]
    Rate { path: PathBuf, rate: u32 },
    #[error("{path} is corrupt after {seconds:.1} s ({reason}); the audio before that point was used")]
    Corrupt {
        path: PathBuf,
        seconds: f64,
        reason: String,
    },
}

/// An open WAV file, yielding 16 kHz mono f32 blocks.
pub struct WavSource {
    path: PathBuf,
    reader: WavReader<BufReader<File>>,
    channels: usize,
    scale: f32,
    float: bool,
    frames_read: u64,
}

impl WavSource {
    pub fn open(path: &Path) -> Result<Self, WavError> {
        let file = File::open(path).map_err(|source| WavError::Open {
            path: path.to_owned(),
            source,
        })?;
        let reader = WavReader::new(BufReader::new(file)).map_err(|e| WavError::Format {
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
        let spec = reader.spec();
        if spec.sample_rate != STREAM_RATE {
            return Err(WavError::Rate {
                path: path.to_owned(),
                rate: spec.sample_rate,
            });
        }
        let float = spec.sample_format == SampleFormat::Float;
        if float && spec.bits_per_sample != 32 {
            return Err(WavError::Format {
                path: path.to_owned(),
                reason: format!("{}-bit float samples are not supported", spec.bits_per_sample),
            });
        }
        Ok(Self {
            path: path.to_owned(),
            channels: usize::from(spec.channels.max(1)),
            scale: if float {
                1.0
            } else {
                2f32.powi(i32::from(spec.bits_per_sample) - 1)
            },
            float,
            reader,
            frames_read: 0,
        })
    }

    /// The same file opened again, read from its start: a second reader that moves on its own.
    pub fn reopen(&self) -> Result<Self, WavError> {
        Self::open(&self.path)
    }

    /// Moves to `frame` (mono samples from the start); the next block is read from there.
    pub fn seek(&mut self, frame: u64) -> Result<(), WavError> {
        let target = u32::try_from(frame).unwrap_or(u32::MAX);
        self.reader.seek(target).map_err(|e| WavError::Format {
            path: self.path.clone(),
            reason: format!("cannot move to sample {frame}: {e}"),
        })?;
        self.frames_read = u64::from(target);
        Ok(())
    }

    /// The `frames` mono samples from `frame` on (fewer at the end of the file).
    pub fn read_span(&mut self, frame: u64, frames: usize) -> Result<Vec<f32>, WavError> {
        self.seek(frame)?;
        let mut out = Vec::with_capacity(frames);
        self.read_block(&mut out, frames)?;
        Ok(out)
    }

    /// Every sample from here to the end of the file (for short files: a voice to enrol).
    pub fn read_to_end(&mut self) -> Result<Vec<f32>, WavError> {
        let (mut all, mut block) = (Vec::new(), Vec::new());
        loop {
            self.read_block(&mut block, STREAM_RATE as usize * 10)?;
            if block.is_empty() {
                return Ok(all);
            }
            all.extend_from_slice(&block);
        }
    }

    /// Length in seconds, from the header (for progress reports).
    pub fn duration_seconds(&self) -> f64 {
        f64::from(self.reader.duration()) / f64::from(STREAM_RATE)
    }

    /// Fills `out` (cleared first) with up to `frames` mono samples; an empty `out` is the end.
    /// Non-finite float samples become silence.
    pub fn read_block(&mut self, out: &mut Vec<f32>, frames: usize) -> Result<(), WavError> {
        out.clear();
        let wanted = frames * self.channels;
        let scale = self.scale;
        let result = if self.float {
            let samples = self.reader.samples::<f32>().take(wanted);
            downmix(
                samples.map(|s| s.map(|v| if v.is_finite() { v.clamp(-1.0, 1.0) } else { 0.0 })),
                self.channels,
                out,
            )
        } else {
            let samples = self.reader.samples::<i32>().take(wanted);
            downmix(samples.map(|s| s.map(|v| v as f32 / scale)), self.channels, out)
        };
        self.frames_read += out.len() as u64;
        result.map_err(|e| WavError::Corrupt {
            path: self.path.clone(),
            seconds: self.frames_read as f64 / f64::from(STREAM_RATE),
            reason: e.to_string(),
        })
    }
}

/// Averages interleaved frames to mono, appending to `out`; stops at the first read error.
fn downmix(
    samples: impl Iterator<Item = Result<f32, hound::Error>>,
    channels: usize,
    out: &mut Vec<f32>,
) -> Result<(), hound::Error> {
    let (mut sum, mut in_frame) = (0f32, 0);
    for sample in samples {
        sum += sample?;
        in_frame += 1;
        if in_frame == channels {
            out.push(sum / channels as f32);
            (sum, in_frame) = (0.0, 0);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stereo_frames_are_averaged_to_mono() {
        let samples = [0.5f32, -0.5, 1.0, 0.0].map(Ok);
        let mut out = Vec::new();
        downmix(samples.into_iter(), 2, &mut out).unwrap();
        assert_eq!(out, vec![0.0, 0.5]);
    }

    #[test]
    fn a_read_error_keeps_what_came_before() {
        let samples = vec![Ok(0.25f32), Err(hound::Error::FormatError("truncated")), Ok(1.0)];
        let mut out = Vec::new();
        assert!(downmix(samples.into_iter(), 1, &mut out).is_err());
        assert_eq!(out, vec![0.25]);
    }
}
