//! The only file that talks to ALSA: opens a capture PCM, negotiates its parameters, reports
//! what the device granted, and reads periods of interleaved S16_LE samples.
//!
//! Reading never allocates: the caller owns the buffer. Overruns (EPIPE) and suspends
//! (ESTRPIPE) are recovered here and counted by the caller; this file never decides policy.

use alsa::pcm::{Access, Format, HwParams, PCM};
use alsa::{Direction, ValueOr};

#[derive(Debug, thiserror::Error)]
pub enum AlsaError {
    #[error("cannot open ALSA capture PCM {pcm:?}: {source}; list capture PCMs with `arecord -L` and set capture.pcm")]
    Open {
        pcm: String,
        #[source]
        source: alsa::Error,
    },
    #[error(
        "ALSA PCM {pcm:?} refused {what}: {source}; check the device supports it (`arecord -D {pcm} --dump-hw-params`)"
    )]
    Negotiate {
        pcm: String,
        what: &'static str,
        #[source]
        source: alsa::Error,
    },
    #[error("ALSA PCM {pcm:?} granted {what} {granted} instead of {wanted}; roomscribe cannot convert it yet")]
    Granted {
        pcm: String,
        what: &'static str,
        wanted: u32,
        granted: u32,
    },
    #[error("reading ALSA PCM {pcm:?} failed and could not be recovered: {source}")]
    Read {
        pcm: String,
        #[source]
        source: alsa::Error,
    },
}

/// What the device actually granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Granted {
    pub rate: u32,
    pub channels: u32,
    pub period_frames: usize,
    pub buffer_frames: usize,
}

/// One successful read: how many frames arrived, and whether an overrun was recovered first.
pub struct ReadOutcome {
    pub frames: usize,
    pub recovered_overrun: bool,
}

pub struct AlsaCapture {
    name: String,
    pcm: PCM,
    pub granted: Granted,
}

impl AlsaCapture {
    /// Opens `name` for capture at `rate` Hz, `channels`, S16_LE, with `period_frames` periods
    /// and a buffer of eight periods.
    pub fn open(name: &str, rate: u32, channels: u32, period_frames: u32) -> Result<Self, AlsaError> {
        let pcm = PCM::new(name, Direction::Capture, false).map_err(|source| AlsaError::Open {
            pcm: name.to_owned(),
            source,
        })?;
        let negotiate = |what: &'static str| {
            move |source| AlsaError::Negotiate {
                pcm: name.to_owned(),
                what,
                source,
            }
        };
        let granted = {
            let hw = HwParams::any(&pcm).map_err(negotiate("hardware parameters"))?;
            hw.set_access(Access::RWInterleaved)
                .map_err(negotiate("interleaved access"))?;
            hw.set_format(Format::s16()).map_err(negotiate("format S16_LE"))?;
            hw.set_channels(channels).map_err(negotiate("the channel count"))?;
            hw.set_rate(rate, ValueOr::Nearest)
                .map_err(negotiate("the sample rate"))?;
            hw.set_period_size_near(i64::from(period_frames), ValueOr::Nearest)
                .map_err(negotiate("the period size"))?;
            hw.set_buffer_size_near(i64::from(period_frames) * 8)
                .map_err(negotiate("the buffer size"))?;
            pcm.hw_params(&hw).map_err(negotiate("the negotiated parameters"))?;
            Granted {
                rate: hw.get_rate().map_err(negotiate("reporting its rate"))?,
                channels: hw.get_channels().map_err(negotiate("reporting its channels"))?,
                period_frames: hw.get_period_size().map_err(negotiate("reporting its period"))? as usize,
                buffer_frames: hw.get_buffer_size().map_err(negotiate("reporting its buffer"))? as usize,
            }
        };
        if granted.rate != rate {
            return Err(AlsaError::Granted {
                pcm: name.to_owned(),
                what: "rate",
                wanted: rate,
                granted: granted.rate,
            });
        }
        Ok(Self {
            name: name.to_owned(),
            pcm,
            granted,
        })
    }

    /// Blocks until a period is read into `buf` (interleaved; its length is a whole number of
    /// frames). An overrun or suspend is recovered once and the read retried.
    pub fn read(&mut self, buf: &mut [i16]) -> Result<ReadOutcome, AlsaError> {
        let io = self.pcm.io_i16().map_err(|source| AlsaError::Read {
            pcm: self.name.clone(),
            source,
        })?;
        let mut recovered_overrun = false;
        loop {
            match io.readi(buf) {
                Ok(frames) => {
                    return Ok(ReadOutcome {
                        frames,
                        recovered_overrun,
                    })
                }
                Err(error) if !recovered_overrun => {
                    self.pcm.try_recover(error, true).map_err(|source| AlsaError::Read {
                        pcm: self.name.clone(),
                        source,
                    })?;
                    recovered_overrun = true;
                }
                Err(source) => {
                    return Err(AlsaError::Read {
                        pcm: self.name.clone(),
                        source,
                    })
                }
            }
        }
    }
}
