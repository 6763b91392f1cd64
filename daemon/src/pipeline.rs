//! The types that cross stage boundaries, and nothing else. Stages share only these; none of
//! them imports another stage. Positions are counted in 16 kHz samples from the start of the
//! stream, so every stage agrees on time without sharing a clock.

use crate::clock::round_ms;

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
    /// Nobody has spoken since the last segment closed, `QUIET_AFTER_CLOSE_SAMPLES` ago, at
    /// stream position `at_sample`: a moment for work that must not hold up a final (hearing
    /// the last finals again). Once per quiet spell; may be dropped.
    Quiet { at_sample: u64 },
}

/// How long after a segment closed, with no new speech, the VAD stage says `Quiet`: 1 s (the
/// close itself took `vad.min_silence_ms`).
pub const QUIET_AFTER_CLOSE_SAMPLES: u64 = STREAM_RATE as u64;

impl SpeechEvent {
    /// The event's name, for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            SpeechEvent::Partial(_) => "partial",
            SpeechEvent::Pause(_) => "pause",
            SpeechEvent::LongPause(_) => "long_pause",
            SpeechEvent::Final(_) => "final",
            SpeechEvent::Quiet { .. } => "quiet",
        }
    }

    /// Whether the event ends a stretch of speech (a pause, a long pause or a close): what ASR
    /// must decode as a final, soon.
    pub fn ends_speech(&self) -> bool {
        matches!(
            self,
            SpeechEvent::Pause(_) | SpeechEvent::LongPause(_) | SpeechEvent::Final(_)
        )
    }

    /// The speech the event carries (none for `Quiet`).
    pub fn segment(&self) -> Option<&SpeechSegment> {
        match self {
            SpeechEvent::Partial(segment)
            | SpeechEvent::Pause(segment)
            | SpeechEvent::LongPause(segment)
            | SpeechEvent::Final(segment) => Some(segment),
            SpeechEvent::Quiet { .. } => None,
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

/// What the ASR stage hands to the speakers stage.
#[derive(Debug, Clone, PartialEq)]
pub enum AsrOutput {
    Partial(PartialTranscript),
    Final(HeardTranscript),
    Revision(TextRevision),
}

/// A final heard again, with the speech around it, and heard differently: its new words.
/// The final keeps its sequence, times and speaker (as corrected at its meeting's end, if that
/// came first); only the text and confidence change.
#[derive(Debug, Clone, PartialEq)]
pub struct TextRevision {
    /// The final's `sequence`.
    pub sequence: u64,
    pub text: String,
    pub confidence: f32,
    /// Each word and when it was said (stream seconds), so that a final split by speaker can
    /// be revised piece by piece.
    pub words: Vec<TimedWord>,
}

/// A final transcript and the audio it was heard in, for the speakers stage.
#[derive(Debug, Clone, PartialEq)]
pub struct HeardTranscript {
    pub transcript: Transcript,
    /// 16 kHz audio from `transcript.start` to `transcript.end`.
    pub audio: Vec<f32>,
    /// Each word's time span (stream seconds), when `asr.word_timestamps` is on; else empty.
    pub words: Vec<TimedWord>,
}

/// One recognised word and when it was said (stream seconds).
#[derive(Debug, Clone, PartialEq)]
pub struct TimedWord {
    pub word: String,
    pub start: f64,
    pub end: f64,
}

/// What the speakers stage hands to the meeting stage: finals with who said them.
#[derive(Debug, Clone, PartialEq)]
pub enum AttributedOutput {
    Partial(PartialTranscript),
    Final(Transcript),
    /// A final already handed on, heard again (its `sequence` as the speakers stage numbered it).
    Revision(TextRevision),
    /// A final already handed on, found to be another voice's.
    Relabel(Relabel),
}

/// A final already handed on whose voice the live rules changed: the voice it was given turned
/// out to hold two people, and this final is the other one's. Told as the final's next
/// revision, with the new speaker.
#[derive(Debug, Clone, PartialEq)]
pub struct Relabel {
    /// The final's `sequence`, as the speakers stage numbered it.
    pub sequence: u64,
    /// The speakers stage's number for its voice now.
    pub voice: u64,
    /// The enrolled name that voice matches, if any.
    pub name: Option<String>,
}

/// A final piece of transcript.
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
    /// Who said it: set by the speakers stage (none when speakers are off or nobody could be
    /// told yet), labelled for the meeting by the meeting stage.
    pub speaker: Option<SpeakerTag>,
    /// 1 as first heard; 2 once heard again with the speech around it (`TextRevision`).
    pub revision: u32,
}

/// Who said a piece of transcript.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeakerTag {
    /// The speakers stage's number for the voice: stable while the voice is heard, never reused.
    pub voice: u64,
    /// `S1`, `S2`, … for the meeting, given by the meeting stage (empty before it).
    pub label: String,
    /// The enrolled name the voice matched, if any.
    pub name: Option<String>,
    /// 0-1: how sure the attribution is.
    pub confidence: f32,
    /// The piece's speaker embedding, unit length. Biometric: stored on the device for
    /// re-clustering and enrolment, never published, exported, synced or logged.
    pub embedding: Vec<f32>,
}

/// An enrolled voice: a name and its voiceprint (unit embedding). Biometric: never leaves the
/// device.
#[derive(Debug, Clone, PartialEq)]
pub struct Voiceprint {
    pub name: String,
    pub embedding: Vec<f32>,
}

/// Every enrolled voice, as the control task last read them from the store: a watch, not a
/// queue, so that the speakers stage takes the latest set when it next works and the control
/// task never waits for a stage that is idle in a quiet room.
pub type EnrolledVoices = tokio::sync::watch::Receiver<Vec<Voiceprint>>;

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

/// Something about the room (or the box in it) worth telling a dashboard.
#[derive(Debug, Clone, PartialEq)]
pub enum AudioEvent {
    /// Nobody has spoken for `seconds`, since `start` (seconds into the stream).
    LongSilence { start: f64, seconds: f64 },
    /// The background got louder than the configured limit.
    HighNoise { at: f64, noise_floor_dbfs: f32 },
    /// The board's hottest thermal zone reached `board.thermal_limit_c` (reported by the
    /// supervisor, at about `at` seconds into the stream).
    ThermalThrottle { at: f64, zone: String, celsius: f32 },
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
    /// A final heard again (`revision` 2): its own topic, so that a consumer of `transcript`
    /// never sees a `seq` twice.
    TranscriptRevision,
    Insight,
    Summary,
    /// The room's meeting state (retained).
    Meeting,
    /// A meeting's corrected speaker labels, after re-clustering at its end.
    Speakers,
}

/// What the store stage hands to the bus: records already committed (CBOR, byte for byte as
/// stored), and the live partials that are not stored.
#[derive(Debug, Clone, PartialEq)]
pub enum Published {
    /// A live hypothesis, and the meeting going on (if any).
    Partial {
        partial: PartialTranscript,
        meeting: Option<String>,
    },
    Record {
        topic: RecordTopic,
        payload: Vec<u8>,
    },
}

/// The identity the store gives a record before its payload is made: `key` is the
/// idempotency key (device, meeting, sequence) every consumer may de-duplicate on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordKey {
    pub meeting: Option<String>,
    /// Device-wide, never reused.
    pub seq: u64,
    pub key: String,
}

impl RecordKey {
    /// The key of a record the store could not take yet (disk full): it is published live
    /// without one, and gets one (and goes upstream) once it is written.
    pub fn unstored(meeting: Option<String>) -> Self {
        Self {
            meeting,
            seq: 0,
            key: String::new(),
        }
    }
}

/// A meeting, as the meeting stage decides it and the store keeps it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MeetingRecord {
    pub id: String,
    /// Unix milliseconds.
    pub started_ms: u64,
    pub ended_ms: Option<u64>,
    /// Seconds into the audio stream.
    pub stream_start_s: f64,
    pub stream_end_s: Option<f64>,
    pub started_by: String,
    pub ended_by: Option<String>,
}

/// A final segment as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SegmentRecord {
    /// The transcript's `seq`, as published (findings name their segments by it); none for a
    /// segment stored by a build before schema 4.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
    /// Seconds into the audio stream.
    pub start_s: f64,
    pub end_s: f64,
    pub text: String,
    pub confidence: f32,
    pub language: String,
    /// `S1`, `S2`, … (after the meeting's re-clustering, once it ran); none without speakers.
    pub speaker: Option<String>,
    pub speaker_name: Option<String>,
    pub speaker_confidence: Option<f32>,
    /// The speaker embedding (biometric: kept in the store for re-clustering and enrolment,
    /// never serialised).
    #[serde(skip)]
    pub voice: Option<Vec<f32>>,
}

impl SegmentRecord {
    pub fn of(transcript: &Transcript) -> Self {
        let speaker = transcript.speaker.as_ref();
        Self {
            seq: Some(transcript.sequence),
            start_s: transcript.start,
            end_s: transcript.end,
            text: transcript.text.clone(),
            confidence: transcript.confidence,
            language: transcript.language.clone(),
            speaker: speaker.map(|s| s.label.clone()),
            speaker_name: speaker.and_then(|s| s.name.clone()),
            speaker_confidence: speaker.map(|s| s.confidence),
            voice: speaker.map(|s| s.embedding.clone()),
        }
    }

    /// Who said it, for people: the enrolled name, else the label.
    pub fn speaker_display(&self) -> Option<&str> {
        self.speaker_name.as_deref().or(self.speaker.as_deref())
    }
}

/// One speaker of a meeting and how much they said.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Participant {
    /// `S1`, `S2`, …
    pub label: String,
    /// The enrolled name, if the voice is known.
    pub name: Option<String>,
    /// Seconds of the meeting's segments attributed to them.
    pub talk_s: f64,
    /// Share of all attributed talk time, 0-1.
    pub share: f64,
    /// Runs of consecutive segments.
    pub turns: u64,
}

impl Participant {
    /// Who spoke how much: talk time, share and turns per label, most talk first.
    pub fn all_in(segments: &[SegmentRecord]) -> Vec<Participant> {
        let mut found: Vec<Participant> = Vec::new();
        let mut previous: Option<&str> = None;
        for segment in segments {
            let Some(label) = segment.speaker.as_deref() else {
                continue;
            };
            let index = match found.iter().position(|p| p.label == label) {
                Some(index) => index,
                None => {
                    found.push(Participant {
                        label: label.to_owned(),
                        name: None,
                        talk_s: 0.0,
                        share: 0.0,
                        turns: 0,
                    });
                    found.len() - 1
                }
            };
            let participant = &mut found[index];
            participant.talk_s += (segment.end_s - segment.start_s).max(0.0);
            if segment.speaker_name.is_some() {
                participant.name.clone_from(&segment.speaker_name);
            }
            if previous != Some(label) {
                participant.turns += 1;
            }
            previous = Some(label);
        }
        let total: f64 = found.iter().map(|p| p.talk_s).sum();
        for participant in &mut found {
            participant.share = round_ms(if total > 0.0 { participant.talk_s / total } else { 0.0 });
            participant.talk_s = round_ms(participant.talk_s);
        }
        found.sort_by(|a, b| b.talk_s.total_cmp(&a.talk_s).then_with(|| a.label.cmp(&b.label)));
        found
    }
}

/// One stored segment whose speaker label the end-of-meeting re-clustering changed.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LabelChange {
    /// The segment's transcript `seq`, as published live (none for a segment stored without
    /// one). Speakers schema 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
    /// The segment's stream times (they identify it within its meeting).
    pub start: f64,
    pub end: f64,
    pub from: String,
    pub to: String,
}

/// The corrected speaker labels of a finished meeting: which segments changed label, and who
/// spoke how much after the correction. Live labels are never rewritten silently: this is how
/// a change is told.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeakersRevision {
    pub meeting: String,
    pub changes: Vec<LabelChange>,
    pub participants: Vec<Participant>,
}

/// The numbers of a meeting.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct MeetingStats {
    /// From the meeting's start to its end (or to `until` while it is open), s.
    pub duration_s: f64,
    pub segments: u64,
    pub words: u64,
    /// Time covered by speech segments, s.
    pub speech_s: f64,
}

impl MeetingStats {
    /// The numbers of `meeting` with `segments`; an open meeting lasts until `until`.
    pub fn of(meeting: &MeetingRecord, segments: &[SegmentRecord], until: f64) -> Self {
        let end = meeting.stream_end_s.unwrap_or(until);
        Self {
            duration_s: round_ms((end - meeting.stream_start_s).max(0.0)),
            segments: segments.len() as u64,
            words: segments.iter().map(|s| s.text.split_whitespace().count() as u64).sum(),
            speech_s: round_ms(segments.iter().map(|s| (s.end_s - s.start_s).max(0.0)).sum()),
        }
    }
}

/// What the meeting stage made of a meeting, for the store to keep and the bus to publish.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingSummary {
    pub meeting: MeetingRecord,
    pub stats: MeetingStats,
    /// Who spoke, and how much (after re-clustering); empty without speakers.
    pub participants: Vec<Participant>,
    /// One line per segment: `[mm:ss] Speaker: text`.
    pub transcript: String,
    /// What the meaning rules made of it (empty with `[meaning] enabled = false`).
    pub meaning: MeetingMeaning,
    /// False for one asked for while the meeting goes on.
    pub is_final: bool,
}

/// One finding of the meaning rules about a meeting, with where it came from. Its `id` is
/// stable for the meeting (the same sentence gives the same id, live and offline); a finding
/// changed by a later sentence (an owner or a due date resolved, a question answered) comes
/// again with the same id and a higher `revision`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Finding {
    /// `action-17.1`: the kind, then the segment sequence number and sentence it starts at.
    pub id: String,
    /// 1 when first found.
    pub revision: u32,
    /// Sequence numbers of the transcript segments it came from.
    pub segments: Vec<u64>,
    /// Seconds into the stream where it was said.
    pub start: f64,
    #[serde(flatten)]
    pub body: FindingBody,
}

/// What a finding says; the tag is the insight's `kind`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FindingBody {
    Question(Question),
    ActionItem(ActionItem),
    Decision(Decision),
    Keywords(Keywords),
    TalkTime(TalkTime),
}

impl FindingBody {
    /// The insight `kind` it goes out as.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Question(_) => "question",
            Self::ActionItem(_) => "action_item",
            Self::Decision(_) => "decision",
            Self::Keywords(_) => "keywords",
            Self::TalkTime(_) => "talk_time",
        }
    }
}

/// A question asked in the meeting.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Question {
    /// The sentence as said.
    pub text: String,
    /// Who asked (an enrolled name, else the meeting's label), if speakers are known.
    pub asker: Option<String>,
    /// Whether someone answered it (false: open so far, or left open at the end).
    pub answered: bool,
    pub answered_by: Option<String>,
}

/// Something someone is to do.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ActionItem {
    /// The sentence(s) it was said in.
    pub text: String,
    /// Who is to do it: a name addressed, or the speaker who took it on; null when nobody did.
    pub owner: Option<String>,
    /// What is to be done (the verb phrase).
    pub task: String,
    /// When, as said ("before Friday", "next sprint").
    pub due: Option<String>,
    /// `due` as a date (YYYY-MM-DD) relative to the meeting's date, where it names one.
    pub due_date: Option<String>,
    /// Who said it.
    pub said_by: Option<String>,
    /// 0-1: how sure the rules are that this is a commitment.
    pub confidence: f32,
}

/// Something the meeting decided.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Decision {
    /// The sentence it was said in.
    pub text: String,
    /// What was decided, without the words that announced it.
    pub decision: String,
    /// Who said it.
    pub by: Option<String>,
    pub confidence: f32,
}

/// What the meeting is about: ranked keyphrases and the names, numbers and dates said.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Keywords {
    /// Best first.
    pub keywords: Vec<String>,
    pub entities: Vec<String>,
    /// True for the whole meeting, false for the rolling window of the last minutes.
    pub whole_meeting: bool,
}

/// Who talked how much.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TalkTime {
    pub speakers: Vec<SpeakerTalk>,
    /// Share of the meeting's time nobody spoke, 0-1.
    pub silence_ratio: f64,
    /// Seconds two or more spoke at once.
    pub overlap_s: f64,
}

/// One speaker's talk.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SpeakerTalk {
    pub speaker: String,
    pub seconds: f64,
    /// Of all talk, 0-1.
    pub share: f64,
    pub turns: u64,
    pub longest_monologue_s: f64,
    pub words_per_minute: f64,
    /// Turns they began while someone else was still speaking.
    pub interruptions: u64,
}

/// Everything the meaning rules made of a meeting, for its summary.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MeetingMeaning {
    pub questions: Vec<Finding>,
    pub action_items: Vec<Finding>,
    pub decisions: Vec<Finding>,
    pub keywords: Vec<String>,
    pub entities: Vec<String>,
    pub talk_time: Option<TalkTime>,
    /// The few most central sentences, in order, with who said them.
    pub key_points: Vec<KeyPoint>,
    /// A few sentences a person can forward: topics, decisions, actions, open questions.
    pub overview: String,
}

/// A central sentence of the meeting.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct KeyPoint {
    pub text: String,
    pub speaker: Option<String>,
    pub start: f64,
    pub segment: u64,
}

/// What the meeting stage hands to the store: a record to commit (then publish), or a live
/// partial that the store only passes on.
#[derive(Debug, Clone, PartialEq)]
pub enum ToStore {
    /// Boxed: a summary is large, and partials are many.
    Record(Box<MeetingOutput>),
    /// A live hypothesis, and the meeting going on (if any). Never stored.
    Partial {
        partial: PartialTranscript,
        meeting: Option<String>,
    },
}

/// A record of the meeting stage: the store commits it, then hands it to the bus.
#[derive(Debug, Clone, PartialEq)]
pub enum MeetingOutput {
    MeetingStarted(MeetingRecord),
    MeetingEnded(MeetingRecord),
    Segment {
        meeting: Option<String>,
        transcript: Transcript,
    },
    Insight {
        meeting: Option<String>,
        event: AudioEvent,
    },
    /// A finding of the meaning rules (new, or a higher revision of one already handed on).
    Finding {
        meeting: Option<String>,
        finding: Finding,
    },
    /// Stored labels corrected (the store updates its segments, then publishes the revision).
    Speakers(SpeakersRevision),
    Summary(MeetingSummary),
}

/// How an operator's request is answered: a JSON result, or what went wrong and what to do.
pub type Reply = tokio::sync::oneshot::Sender<Result<serde_json::Value, String>>;

/// What operators ask of the meeting stage (through the control task).
#[derive(Debug)]
pub enum MeetingRequest {
    Start(Reply),
    Stop(Reply),
    /// Publish (and store) a summary of the meeting going on.
    SummaryNow(Reply),
}

/// What operators ask of the store (through the control task), each with its answer.
#[derive(Debug)]
pub enum StoreRequest {
    /// A stored meeting (`None`: the latest) written out.
    Export {
        meeting: Option<String>,
        format: crate::transcript_format::TranscriptFormat,
        reply: Reply,
    },
    /// An operator's signed message is about to take effect: keep its time, unless it is not
    /// newer than the last one kept for that operator (a replay: answers false).
    AdvanceOperatorClock {
        user: String,
        ts_ms: u64,
        reply: tokio::sync::oneshot::Sender<Result<bool, String>>,
    },
    /// Enrol the voice labelled `speaker` in stored meeting `meeting` as `name`.
    Enroll {
        meeting: String,
        speaker: String,
        name: String,
        reply: Reply,
    },
    /// Delete the voiceprint `name` from the store (the file, not just the view).
    Forget { name: String, reply: Reply },
    /// Every enrolled voice (names only in `reply`, for operators).
    ListVoices(Reply),
    /// Every enrolled voice with its voiceprint, for the speakers stage.
    Voiceprints(tokio::sync::oneshot::Sender<Result<Vec<Voiceprint>, String>>),
    /// A remote configuration document and what became of it.
    ConfigHistory {
        revision: u64,
        accepted: bool,
        document: String,
        errors: String,
    },
}
