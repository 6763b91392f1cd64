//! The only file that talks to ALSA: opens a capture PCM, negotiates rate, channels, sample
//! format, period and buffer, reports what the device granted, and reads periods of interleaved
//! samples.
//!
//! Reading never allocates: the period buffer is made once at open. Overruns (EPIPE) and
//! suspends (ESTRPIPE) are recovered here and reported to the caller, which counts them; any
//! other read error means the device is gone and the caller reopens it. This file never decides
//! policy.

use alsa::pcm::{Access, Format, HwParams, PCM};
use alsa::{Direction, ValueOr};

use super::mix::Interleaved;
use crate::config::SampleFormat;

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
    #[error(
        "ALSA PCM {pcm:?} granted {granted} channels instead of {wanted}; set capture.channels to what the device has"
    )]
    Channels { pcm: String, wanted: u32, granted: u32 },
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
    pub format: SampleFormat,
    pub period_frames: usize,
    pub buffer_frames: usize,
}

/// What a read had to recover from before it succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovered {
    /// EPIPE: the device's buffer filled before it was read; audio in between is lost.
    Overrun,
    /// ESTRPIPE: the device was suspended (system sleep, USB autosuspend) and resumed.
    Suspend,
}

/// One successful read: how many frames arrived, and what was recovered first.
pub struct ReadOutcome {
    pub frames: usize,
    pub recovered: Option<Recovered>,
}

/// One period of interleaved samples in the granted format.
enum PeriodBuffer {
    S16(Vec<i16>),
    S32(Vec<i32>),
    F32(Vec<f32>),
}

pub struct AlsaCapture {
    name: String,
    pcm: PCM,
    buffer: PeriodBuffer,
    pub granted: Granted,
}

fn alsa_format(format: SampleFormat) -> Format {
    match format {
        SampleFormat::S16Le => Format::S16LE,
        SampleFormat::S32Le => Format::S32LE,
        SampleFormat::FloatLe => Format::FloatLE,
    }
}

impl AlsaCapture {
    /// Opens `name` for capture asking for `rate` Hz (the nearest rate the device has is
    /// accepted: the stream is resampled), exactly `channels` and `format`, `period_frames`
    /// periods and a buffer of `buffer_periods` periods.
    pub fn open(
        name: &str,
        rate: u32,
        channels: u32,
        format: SampleFormat,
        period_frames: u32,
        buffer_periods: u32,
    ) -> Result<Self, AlsaError> {
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
            hw.set_format(alsa_format(format))
                .map_err(negotiate("the sample format (capture.format)"))?;
            hw.set_channels_near(channels).map_err(negotiate("the channel count"))?;
            hw.set_rate(rate, ValueOr::Nearest)
                .map_err(negotiate("the sample rate"))?;
            hw.set_period_size_near(i64::from(period_frames), ValueOr::Nearest)
                .map_err(negotiate("the period size"))?;
            hw.set_buffer_size_near(i64::from(period_frames) * i64::from(buffer_periods))
                .map_err(negotiate("the buffer size"))?;
            pcm.hw_params(&hw).map_err(negotiate("the negotiated parameters"))?;
            Granted {
                rate: hw.get_rate().map_err(negotiate("reporting its rate"))?,
                channels: hw.get_channels().map_err(negotiate("reporting its channels"))?,
                format,
                period_frames: hw.get_period_size().map_err(negotiate("reporting its period"))? as usize,
                buffer_frames: hw.get_buffer_size().map_err(negotiate("reporting its buffer"))? as usize,
            }
        };
        if granted.channels != channels {
            return Err(AlsaError::Channels {
                pcm: name.to_owned(),
                wanted: channels,
                granted: granted.channels,
            });
        }
        let samples = granted.period_frames * granted.channels as usize;
        let buffer = match format {
            SampleFormat::S16Le => PeriodBuffer::S16(vec![0; samples]),
            SampleFormat::S32Le => PeriodBuffer::S32(vec![0; samples]),
            SampleFormat::FloatLe => PeriodBuffer::F32(vec![0.0; samples]),
        };
        Ok(Self {
            name: name.to_owned(),
            pcm,
            buffer,
            granted,
        })
    }

    /// Blocks until a period is read and returns it with what was recovered on the way. An
    /// overrun or suspend is recovered once and the read retried; an error after that (ENODEV,
    /// EIO: the device went away) is returned for the caller to reopen.
    pub fn read(&mut self) -> Result<(ReadOutcome, Interleaved<'_>), AlsaError> {
        let read_error = |name: &str, source| AlsaError::Read {
            pcm: name.to_owned(),
            source,
        };
        let mut recovered = None;
        let frames = loop {
            let result = match &mut self.buffer {
                PeriodBuffer::S16(buf) => self.pcm.io_i16().and_then(|io| io.readi(buf)),
                PeriodBuffer::S32(buf) => self.pcm.io_i32().and_then(|io| io.readi(buf)),
                PeriodBuffer::F32(buf) => self.pcm.io_f32().and_then(|io| io.readi(buf)),
            };
            match result {
                Ok(frames) => break frames,
                Err(error) if recovered.is_none() => {
                    let kind = match error.errno() {
                        libc::ESTRPIPE => Recovered::Suspend,
                        libc::EPIPE => Recovered::Overrun,
                        _ => return Err(read_error(&self.name, error)),
                    };
                    self.pcm
                        .try_recover(error, true)
                        .map_err(|e| read_error(&self.name, e))?;
                    recovered = Some(kind);
                }
                Err(error) => return Err(read_error(&self.name, error)),
            }
        };
        let samples = frames * self.granted.channels as usize;
        let period = match &self.buffer {
            PeriodBuffer::S16(buf) => Interleaved::S16(&buf[..samples]),
            PeriodBuffer::S32(buf) => Interleaved::S32(&buf[..samples]),
            PeriodBuffer::F32(buf) => Interleaved::F32(&buf[..samples]),
        };
        Ok((ReadOutcome { frames, recovered }, period))
    }
}
