//! The types that cross stage boundaries, and nothing else. Stages share only these; none of
//! them imports another stage. Positions are counted in 16 kHz samples from the start of the
//! stream, so every stage agrees on time without sharing a clock.

/// Samples per second everywhere after capture.
pub const STREAM_RATE: u32 = 16_000;

/// A run of 16 kHz mono audio in [-1, 1] from the audio stage.
#[derive(Debug, Clone, PartialEq)]
pub struct AudioChunk {
    /// Stream position of the first sample.
    pub start_sample: u64,
    pub samples: Vec<f32>,
}

/// One stretch of speech found by the VAD stage, padded, at most 30 s long.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeechSegment {
    pub start_sample: u64,
    pub samples: Vec<f32>,
    /// Stream position just after its last speech frame: what follows is padding or silence.
    pub speech_end_sample: u64,
}

impl SpeechSegment {
    pub fn start_seconds(&self) -> f64 {
        self.start_sample as f64 / f64::from(STREAM_RATE)
    }

    /// Stream position just after its last sample.
    pub fn end_sample(&self) -> u64 {
        self.start_sample + self.samples.len() as u64
    }
}

/// What the VAD stage hands to ASR about the speech going on. All three carry the open
/// segment's audio from its start; ASR tells them apart by `start_sample`.
#[derive(Debug, Clone, PartialEq)]
pub enum SpeechEvent {
    /// About once a second while speech goes on, for live partials. May be dropped.
    Partial(SpeechSegment),
    /// The speech paused for `vad.pause_ms`: the segment up to the pause, padded as a final
    /// would be. Speech may resume (then more events of the same segment follow) or not (then
    /// the `Final` holds no more speech than this). ASR may decode it ahead of the final, and
    /// publish it when it ends a phrase. May be dropped.
    Pause(SpeechSegment),
    /// The same pause has lasted twice `vad.pause_ms`: the speech up to it ends a turn whatever
    /// its punctuation, and ASR publishes it. May be dropped.
    LongPause(SpeechSegment),
    /// The segment closed. Never dropped.
    Final(SpeechSegment),
}

impl SpeechEvent {
    /// The event's name, for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            SpeechEvent::Partial(_) => "partial",
            SpeechEvent::Pause(_) => "pause",
            SpeechEvent::LongPause(_) => "long_pause",
            SpeechEvent::Final(_) => "final",
        }
    }

    /// The speech the event carries.
    pub fn segment(&self) -> &SpeechSegment {
        match self {
            SpeechEvent::Partial(segment)
            | SpeechEvent::Pause(segment)
            | SpeechEvent::LongPause(segment)
            | SpeechEvent::Final(segment) => segment,
        }
    }
}

/// A live hypothesis of the speech still going on (superseded by the final transcript).
#[derive(Debug, Clone, PartialEq)]
pub struct PartialTranscript {
    /// The `sequence` the final transcript of this speech will get… or a later one, when the
    /// speech turns out to hold several segments.
    pub sequence: u64,
    pub start: f64,
    pub end: f64,
    /// Words two consecutive passes agreed on (LocalAgreement-2); they will not change.
    pub stable: String,
    /// Stable words, then the tentative rest.
    pub text: String,
    pub language: String,
}

/// What the ASR stage hands to the bus.
#[derive(Debug, Clone, PartialEq)]
pub enum AsrOutput {
    Partial(PartialTranscript),
    Final(Transcript),
}

/// A final piece of transcript from the ASR stage.
#[derive(Debug, Clone, PartialEq)]
pub struct Transcript {
    /// 1, 2, 3… in publication order since the daemon started.
    pub sequence: u64,
    /// Seconds from the start of the stream.
    pub start: f64,
    pub end: f64,
    pub text: String,
    /// exp(average token log-probability), 0-1.
    pub confidence: f32,
    pub language: String,
}

/// The room's sound over one reporting window, measured by the VAD stage (which knows which
/// frames are speech).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AudioMetrics {
    /// Seconds from the start of the stream to the start of the window.
    pub start: f64,
    pub seconds: f64,
    /// Level of the whole window (RMS), dB relative to full scale.
    pub rms_dbfs: f32,
    pub peak_dbfs: f32,
    /// Level of the window's non-speech frames: the room's background.
    pub noise_floor_dbfs: f32,
    /// Share of samples at full scale (the gain is too high).
    pub clipping_ratio: f32,
    /// Share of frames that were speech.
    pub speech_duty_cycle: f32,
}

/// Something about the room worth telling a dashboard.
#[derive(Debug, Clone, PartialEq)]
pub enum AudioEvent {
    /// Nobody has spoken for `seconds`, since `start` (seconds into the stream).
    LongSilence { start: f64, seconds: f64 },
    /// The background got louder than the configured limit.
    HighNoise { at: f64, noise_floor_dbfs: f32 },
}

/// What the VAD stage reports besides speech: periodic metrics and events.
#[derive(Debug, Clone, PartialEq)]
pub enum AudioReport {
    Metrics(AudioMetrics),
    Event(AudioEvent),
}

/// Which topic a stored record goes out on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordTopic {
    Transcript,
    Insight,
    Summary,
    /// The room's meeting state (retained).
    Meeting,
}

/// What the store stage hands to the bus: records already committed (CBOR, byte for byte as
/// stored), and the live things that are not stored (partials, room metrics for health).
#[derive(Debug, Clone, PartialEq)]
pub enum Published {
    /// A live hypothesis, and the meeting going on (if any).
    Partial {
        partial: PartialTranscript,
        meeting: Option<String>,
    },
    Metrics(AudioMetrics),
    Record {
        topic: RecordTopic,
        payload: Vec<u8>,
    },
}
