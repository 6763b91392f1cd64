//! The speakers stage: final transcripts and their audio in from ASR, the same transcripts out
//! to the meeting stage with who said them, split where the speaker changes. Partials pass
//! through; a revision of a final's text is shared among the turns the final went on as.
//! Runs on its own thread, on the ASR model's device.
//!
//! Owns the speaker encoder (`fbank` → `campplus`, each checked against its reference), the
//! voices heard recently (`voices::OnlineClusters`) and the enrolled voiceprints the control
//! task hands it. Never stores, publishes or logs an embedding, a voiceprint or text; the
//! labels it gives are the stage's voice numbers, which the meeting stage turns into `S1`, `S2`,
//! … per meeting.

pub mod campplus;
pub mod fbank;
pub mod turns;

use std::collections::VecDeque;
use std::path::Path;
use std::time::Instant;

use tch::Device;
use tokio::sync::mpsc;

use crate::config::live::Section;
use crate::config::SpeakersConfig;
use crate::health::SpeakersHealth;
use crate::pipeline::{
    AsrOutput, AttributedOutput, EnrolledVoices, HeardTranscript, Relabel, SpeakerTag, Transcript, Voiceprint,
    STREAM_RATE,
};
use crate::stage::{Shared, StageContext};
use crate::voices::{best_voiceprint, centroid, unit, ClusterRules, OnlineClusters};
use campplus::{CamPlus, CamPlusError};
use fbank::{subtract_mean, Fbank, MEL_BINS};
use turns::{share_revision, HandedOn};

/// Finals remembered for their revisions: ASR revises within about 30 s of speech.
const REMEMBERED_FINALS: usize = 256;

/// Shortest audio, s, worth an embedding; a shorter final gets the voice heard last, unsure.
const SHORTEST_EMBEDDED_S: f64 = 0.2;

pub type SpeakersCounters = Shared<SpeakersHealth>;

/// The speaker encoder: Kaldi fbank, then CAM++.
pub struct Encoder {
    fbank: Fbank,
    model: CamPlus,
}

impl Encoder {
    pub fn load(path: &Path, device: Device) -> Result<Self, CamPlusError> {
        Ok(Self {
            fbank: Fbank::new(),
            model: CamPlus::load(path, device)?,
        })
    }

    /// Unit embeddings of `count` equal consecutive windows of `audio` (16 kHz), in one pass;
    /// the frames left over after the last whole window are not used.
    pub fn embed_windows(&self, audio: &[f32], count: usize) -> Result<Vec<Vec<f32>>, CamPlusError> {
        let log_mel = self.fbank.log_mel(audio);
        let frames = log_mel.len() / MEL_BINS;
        let per_window = (frames / count.max(1)).max(1);
        let count = (frames / per_window).clamp(1, count.max(1));
        let mut batch = Vec::with_capacity(count * per_window * MEL_BINS);
        for window in 0..count {
            let rows = &log_mel[window * per_window * MEL_BINS..(window + 1) * per_window * MEL_BINS];
            let mut features = rows.to_vec();
            subtract_mean(&mut features);
            batch.extend(features);
        }
        Ok(self
            .model
            .embed_batch(&batch, per_window)?
            .iter()
            .map(|e| unit(e))
            .collect())
    }

    /// One unit embedding of all of `audio` (for enrolment).
    pub fn embed(&self, audio: &[f32]) -> Result<Vec<f32>, CamPlusError> {
        let features = self.fbank.features(audio);
        Ok(unit(&self.model.embed(&features)?))
    }
}

/// Attributes finals to voices: what the stage does to each one, without channels.
pub struct Attributor {
    encoder: Encoder,
    labeller: Labeller,
}

/// The rules side of attribution, given window embeddings: splitting, online labels, names.
/// No model: the stage's `Attributor` embeds, this labels (the threshold sweep of
/// `scripts/bench speakers` runs many of these over one set of embeddings).
pub struct Labeller {
    clusters: OnlineClusters,
    voiceprints: Vec<Voiceprint>,
    config: SpeakersConfig,
    /// The voice of the last piece, for finals too short to embed.
    last_voice: Option<(u64, Option<String>)>,
}

/// What one final became.
pub struct Attributed {
    pub transcripts: Vec<Transcript>,
    /// Finals handed on before this one that now belong to another voice.
    pub relabels: Vec<Relabel>,
    pub embedded_s: f64,
}

impl Attributor {
    pub fn new(encoder: Encoder, config: SpeakersConfig, voiceprints: Vec<Voiceprint>) -> Self {
        Self {
            encoder,
            labeller: Labeller::new(config, voiceprints),
        }
    }

    pub fn set_config(&mut self, config: SpeakersConfig) {
        self.labeller.set_config(config);
    }

    pub fn set_voiceprints(&mut self, voiceprints: Vec<Voiceprint>) {
        self.labeller.voiceprints = voiceprints;
    }

    pub fn voices(&self) -> usize {
        self.labeller.clusters.speakers()
    }

    /// The window embeddings of `heard`'s audio (none when it is too short to embed).
    pub fn embed(&self, heard: &HeardTranscript) -> Result<Option<Vec<Vec<f32>>>, CamPlusError> {
        let seconds = heard.audio.len() as f64 / f64::from(STREAM_RATE);
        if seconds < SHORTEST_EMBEDDED_S {
            return Ok(None);
        }
        let count = turns::window_count(seconds, f64::from(self.labeller.config.window_s));
        self.encoder.embed_windows(&heard.audio, count).map(Some)
    }

    /// `heard` as one or more transcripts (split where the voice changes), each with its
    /// speaker; `sequence` is the first one's number.
    pub fn attribute(&mut self, heard: HeardTranscript, sequence: u64) -> Result<Attributed, CamPlusError> {
        let windows = self.embed(&heard)?;
        Ok(self.labeller.label(heard, windows, sequence))
    }
}

impl Labeller {
    pub fn new(config: SpeakersConfig, voiceprints: Vec<Voiceprint>) -> Self {
        Self {
            clusters: OnlineClusters::new(ClusterRules::online(&config)),
            voiceprints,
            config,
            last_voice: None,
        }
    }

    pub fn set_config(&mut self, config: SpeakersConfig) {
        self.clusters.set_rules(ClusterRules::online(&config));
        self.config = config;
    }

    /// `heard` labelled from its window embeddings (`embed`): split where they change voice,
    /// each turn given the voice the online rules find (and its enrolled name).
    pub fn label(&mut self, heard: HeardTranscript, windows: Option<Vec<Vec<f32>>>, sequence: u64) -> Attributed {
        let HeardTranscript {
            transcript,
            audio,
            words,
        } = heard;
        let seconds = audio.len() as f64 / f64::from(STREAM_RATE);
        self.clusters
            .forget_unheard_since(transcript.end - f64::from(self.config.forget_after_s));
        let Some(windows) = windows.filter(|w| !w.is_empty()) else {
            let speaker = self.last_voice.clone().map(|(voice, name)| SpeakerTag {
                voice,
                label: String::new(),
                name,
                confidence: 0.1,
                embedding: Vec::new(),
            });
            return Attributed {
                transcripts: vec![Transcript {
                    sequence,
                    speaker,
                    ..transcript
                }],
                relabels: Vec::new(),
                embedded_s: 0.0,
            };
        };
        let window_s = seconds / windows.len() as f64;
        let mut runs: Vec<(usize, usize)> = Vec::new();
        let mut first = 0;
        for cut in turns::change_points(&windows, self.config.change_similarity) {
            runs.push((first, cut));
            first = cut;
        }
        runs.push((first, windows.len()));
        let time_of = |window: usize| {
            if window >= windows.len() {
                transcript.end
            } else {
                transcript.start + window as f64 * window_s
            }
        };
        let cuts: Vec<f64> = runs[1..].iter().map(|&(from, _)| time_of(from)).collect();
        let texts = turns::split_text(&transcript.text, &words, transcript.start, transcript.end, &cuts);
        // A turn that got no words joins the one before it (or, the first, the one after).
        let mut turns_with_text: Vec<((usize, usize), String)> = Vec::new();
        for (run, text) in runs.into_iter().zip(texts) {
            match turns_with_text.last_mut() {
                Some(last) if text.is_empty() => last.0 .1 = run.1,
                Some(last) if last.1.is_empty() => *last = ((last.0 .0, run.1), text),
                _ => turns_with_text.push((run, text)),
            }
        }
        let single = turns_with_text.len() == 1;
        let mut transcripts: Vec<Transcript> = Vec::with_capacity(turns_with_text.len());
        let mut relabels = Vec::new();
        for (index, ((from, to), text)) in turns_with_text.into_iter().enumerate() {
            let embedding = centroid(windows[from..to].iter().map(|w| (w.as_slice(), 1.0)));
            let (start, end) = if single {
                (transcript.start, transcript.end)
            } else {
                (time_of(from), time_of(to))
            };
            let assignment = self
                .clusters
                .assign(&embedding, (end - start) as f32, end, sequence + index as u64);
            for moved in &assignment.moved {
                let name = self.name_of(moved.voice);
                // A turn of this very final moves before it is handed on.
                match transcripts.iter_mut().find(|t| t.sequence == moved.tag) {
                    Some(Transcript { speaker: Some(tag), .. }) => {
                        tag.voice = moved.voice;
                        tag.name = name;
                    }
                    Some(_) => {}
                    None => relabels.push(Relabel {
                        sequence: moved.tag,
                        voice: moved.voice,
                        name,
                    }),
                }
            }
            let speaker = assignment.voice.map(|voice| {
                let name = self.name_of(voice);
                self.last_voice = Some((voice, name.clone()));
                SpeakerTag {
                    voice,
                    label: String::new(),
                    name,
                    confidence: assignment.confidence,
                    embedding,
                }
            });
            transcripts.push(Transcript {
                sequence: sequence + index as u64,
                start,
                end,
                text: if single { transcript.text.clone() } else { text },
                speaker,
                ..transcript.clone()
            });
        }
        Attributed {
            transcripts,
            relabels,
            embedded_s: windows.len() as f64 * window_s,
        }
    }

    /// The enrolled name voice `voice`'s centroid matches, if any.
    fn name_of(&self, voice: u64) -> Option<String> {
        let centroid = self.clusters.centroid_of(voice)?;
        let prints = self
            .voiceprints
            .iter()
            .map(|v| (v.name.as_str(), v.embedding.as_slice()));
        best_voiceprint(&centroid, prints, self.config.known_voice_match).map(|(n, _)| n.to_owned())
    }
}

/// The attributor `config` asks for, on `device`, with the enrolled `voiceprints`, and the
/// stage's first health. Speakers off, or a model that cannot be loaded, give none: the daemon
/// still transcribes, and the log and health say why there are no speakers.
pub fn load(
    config: &SpeakersConfig,
    device: Device,
    voiceprints: Vec<Voiceprint>,
) -> (Option<Attributor>, SpeakersHealth) {
    let enrolled = voiceprints.len() as u64;
    if !config.enabled {
        let health = SpeakersHealth {
            state: "off".into(),
            enrolled,
            ..SpeakersHealth::default()
        };
        return (None, health);
    }
    match Encoder::load(&config.model, device) {
        Ok(encoder) => {
            tracing::info!(model = %config.model.display(), ?device, enrolled, "Speaker encoder loaded");
            let health = SpeakersHealth {
                state: "on".into(),
                enrolled,
                ..SpeakersHealth::default()
            };
            (Some(Attributor::new(encoder, config.clone(), voiceprints)), health)
        }
        Err(error) => {
            tracing::warn!(%error, "Transcripts will carry no speaker");
            let health = SpeakersHealth {
                state: "unavailable".into(),
                last_error: Some(error.to_string()),
                enrolled,
                ..SpeakersHealth::default()
            };
            (None, health)
        }
    }
}

/// Runs the stage until its input closes. Without an attributor (speakers off, or the model
/// missing) finals pass through without a speaker. A final whose embedding fails passes
/// through without one too, and the failure is logged (never its text).
pub fn run_stage(
    ctx: StageContext<SpeakersCounters>,
    mut attributor: Option<Attributor>,
    mut config: Section<SpeakersConfig>,
    mut input: mpsc::Receiver<AsrOutput>,
    mut enrolled: EnrolledVoices,
    out: mpsc::Sender<AttributedOutput>,
) {
    crate::torch_threads::set_for_this_thread(1);
    let _no_grad = tch::no_grad_guard();
    // Finals added by splits so far: later sequences move up by as many.
    let mut added = 0u64;
    // The turns each recent final went on as (by ASR's sequence), for its revision.
    let mut handed_on: VecDeque<(u64, Vec<HandedOn>)> = VecDeque::with_capacity(REMEMBERED_FINALS);
    while let Some(output) = input.blocking_recv() {
        let _work = ctx.heartbeat.working();
        if enrolled.has_changed().unwrap_or(false) {
            let prints = enrolled.borrow_and_update().clone();
            ctx.counters.update(|h| h.enrolled = prints.len() as u64);
            if let Some(attributor) = attributor.as_mut() {
                attributor.set_voiceprints(prints);
            }
        }
        if let (Some(changed), Some(attributor)) = (config.take_change(), attributor.as_mut()) {
            attributor.set_config(changed);
        }
        let sent = match output {
            AsrOutput::Partial(mut partial) => {
                partial.sequence += added;
                // Live only: a partial that does not fit now is superseded by the next.
                let _ = out.try_send(AttributedOutput::Partial(partial));
                true
            }
            AsrOutput::Revision(revision) => match handed_on.iter().find(|(asr, _)| *asr == revision.sequence) {
                Some((_, turns)) => share_revision(&revision, turns)
                    .into_iter()
                    .all(|r| out.blocking_send(AttributedOutput::Revision(r)).is_ok()),
                None => {
                    tracing::debug!(sequence = revision.sequence, "A revision of a final long gone; dropped");
                    true
                }
            },
            AsrOutput::Final(heard) => {
                let asr_sequence = heard.transcript.sequence;
                let sequence = asr_sequence + added;
                let (transcripts, relabels) = match attributor.as_mut() {
                    None => (
                        vec![Transcript {
                            sequence,
                            ..heard.transcript
                        }],
                        Vec::new(),
                    ),
                    Some(attributor) => {
                        let started = Instant::now();
                        let fallback = heard.transcript.clone();
                        match attributor.attribute(heard, sequence) {
                            Ok(attributed) => {
                                let elapsed = started.elapsed().as_secs_f64();
                                let voices = attributor.voices() as u64;
                                ctx.counters.update(|h| {
                                    h.finals += 1;
                                    h.splits += attributed.transcripts.len() as u64 - 1;
                                    h.embedded_s += attributed.embedded_s;
                                    h.processing_s += elapsed;
                                    h.voices = voices;
                                    h.relabelled += attributed.relabels.len() as u64;
                                });
                                (attributed.transcripts, attributed.relabels)
                            }
                            Err(error) => {
                                tracing::error!(%error, start = fallback.start, "Could not embed a final's audio; it goes on without a speaker");
                                (vec![Transcript { sequence, ..fallback }], Vec::new())
                            }
                        }
                    }
                };
                added += transcripts.len() as u64 - 1;
                if handed_on.len() == REMEMBERED_FINALS {
                    handed_on.pop_front();
                }
                let turns = transcripts
                    .iter()
                    .map(|t| HandedOn {
                        sequence: t.sequence,
                        start: t.start,
                        end: t.end,
                    })
                    .collect();
                handed_on.push_back((asr_sequence, turns));
                relabels
                    .into_iter()
                    .map(AttributedOutput::Relabel)
                    .chain(transcripts.into_iter().map(AttributedOutput::Final))
                    .all(|output| out.blocking_send(output).is_ok())
            }
        };
        if !sent {
            tracing::warn!("The meeting stage closed its input; the speakers stage stops");
            return;
        }
    }
}
