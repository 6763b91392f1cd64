//! The meeting stage: takes final and partial transcripts from the speakers stage and room
//! reports from VAD, decides when meetings start and end (`rules`), names each meeting's
//! speakers and revises them when it ends (`speakers`), runs the meaning rules on each final
//! (`crate::meaning`: questions, action items, decisions live; keywords every so often; talk
//! time at the end), builds their summaries (`summary`), answers operators' meeting commands,
//! and hands everything on to the store in order. A final heard again by ASR goes on as the
//! same transcript with the next `revision`.
//!
//! Owns no file and no socket: it never stores, publishes or reads the database (what a
//! meeting needs for its summary, it has seen go by).

pub mod rules;
pub mod speakers;
pub mod summary;

use std::collections::VecDeque;

use tokio::sync::mpsc;

use crate::clock::unix_millis;
use crate::config::live::Section;
use crate::config::{MeaningConfig, MeetingConfig, SpeakersConfig};
use crate::health::MeetingHealth;
use crate::meaning::{self, Tracker, Utterance};
use crate::pipeline::{
    AttributedOutput, AudioReport, Finding, FindingBody, MeetingMeaning, MeetingOutput, MeetingRecord, MeetingRequest,
    Relabel, SegmentRecord, SpeakersRevision, TextRevision, ToStore, Transcript,
};
use crate::stage::{Shared, StageContext};
use rules::{Decision, EndedBy, MeetingRules};

/// What health reads of the meeting stage.
pub type MeetingCounters = Shared<MeetingHealth>;

/// A meeting the store found closed but never summarised (a power cut came in between), with
/// its segments: summarised first, before anything new.
pub type Unsummarised = (MeetingRecord, Vec<SegmentRecord>);

/// The channels the stage reads.
pub struct Inputs {
    pub transcripts: mpsc::Receiver<AttributedOutput>,
    pub reports: mpsc::Receiver<AudioReport>,
    pub requests: mpsc::Receiver<MeetingRequest>,
    pub config: Section<MeetingConfig>,
    /// For the end-of-meeting re-clustering's thresholds.
    pub speakers: Section<SpeakersConfig>,
    pub meaning: Section<MeaningConfig>,
}

/// Summarises `backlog`, then runs until ASR and VAD have both closed their channels, handing
/// records to the store on `out`; a meeting still open then is ended (`shutdown`) and
/// summarised.
pub fn run_stage(
    ctx: StageContext<MeetingCounters>,
    config: &MeetingConfig,
    backlog: Vec<Unsummarised>,
    inputs: Inputs,
    out: mpsc::Sender<ToStore>,
) -> impl std::future::Future<Output = ()> {
    MeetingStage::new(ctx, config, out).run(inputs, backlog)
}

struct MeetingStage {
    ctx: StageContext<MeetingCounters>,
    rules: MeetingRules,
    /// The meeting going on, and its segments so far.
    meeting: Option<(MeetingRecord, Vec<SegmentRecord>)>,
    /// The meaning rules over the meeting going on (none with `[meaning] enabled = false`).
    tracker: Option<Tracker>,
    meaning: MeaningConfig,
    /// The labels of the voices heard in the meeting going on (or since the last one ended).
    voices: speakers::MeetingVoices,
    /// The furthest stream time seen (end of speech, or of a metrics window).
    stream_now: f64,
    /// The last transcripts handed on, and the meeting each was said in: what a revision
    /// (`TextRevision`) changes.
    recent: VecDeque<(Option<String>, Transcript)>,
    out: mpsc::Sender<ToStore>,
}

/// What a record handed to the store counts as in the stage's health.
enum Counted {
    Started(String),
    Ended,
    Summary,
    SpeakerRevision,
    Question,
    ActionItem,
    Decision,
    Keywords,
    TalkTime,
    Nothing,
}

impl Counted {
    fn of(output: &MeetingOutput) -> Self {
        match output {
            MeetingOutput::MeetingStarted(meeting) => Self::Started(meeting.id.clone()),
            MeetingOutput::MeetingEnded(_) => Self::Ended,
            MeetingOutput::Summary(_) => Self::Summary,
            MeetingOutput::Speakers(revision) if !revision.changes.is_empty() => Self::SpeakerRevision,
            MeetingOutput::Finding { finding, .. } => match finding.body {
                FindingBody::Question(_) => Self::Question,
                FindingBody::ActionItem(_) => Self::ActionItem,
                FindingBody::Decision(_) => Self::Decision,
                FindingBody::Keywords(_) => Self::Keywords,
                FindingBody::TalkTime(_) => Self::TalkTime,
            },
            MeetingOutput::Speakers(_) | MeetingOutput::Segment { .. } | MeetingOutput::Insight { .. } => Self::Nothing,
        }
    }

    fn count_into(self, health: &mut MeetingHealth) {
        match self {
            Self::Started(id) => {
                health.current = Some(id);
                health.started += 1;
            }
            Self::Ended => {
                health.current = None;
                health.ended += 1;
            }
            Self::Summary => health.summaries += 1,
            Self::SpeakerRevision => health.speaker_revisions += 1,
            Self::Question => health.questions += 1,
            Self::ActionItem => health.action_items += 1,
            Self::Decision => health.decisions += 1,
            Self::Keywords => health.keywords += 1,
            Self::TalkTime => health.talk_time += 1,
            Self::Nothing => {}
        }
    }
}

/// Transcripts remembered for their revisions: ASR revises within about 30 s of speech.
const RECENT_TRANSCRIPTS: usize = 256;

impl MeetingStage {
    fn new(ctx: StageContext<MeetingCounters>, config: &MeetingConfig, out: mpsc::Sender<ToStore>) -> Self {
        Self {
            ctx,
            rules: MeetingRules::new(config),
            meeting: None,
            tracker: None,
            meaning: MeaningConfig::default(),
            voices: speakers::MeetingVoices::default(),
            stream_now: 0.0,
            recent: VecDeque::with_capacity(RECENT_TRANSCRIPTS),
            out,
        }
    }

    async fn run(mut self, mut inputs: Inputs, backlog: Vec<Unsummarised>) {
        let heartbeat = self.ctx.heartbeat.clone();
        self.meaning = inputs.meaning.current().clone();
        for (meeting, segments) in backlog {
            let until = meeting.stream_end_s.unwrap_or(meeting.stream_start_s);
            let meaning = self.meaning_of_stored(&meeting, &segments);
            self.send(MeetingOutput::Summary(summary::summarise(
                &meeting, &segments, until, true, meaning,
            )))
            .await;
        }
        let (mut asr_open, mut reports_open, mut requests_open) = (true, true, true);
        while asr_open || reports_open {
            tokio::select! {
                output = inputs.transcripts.recv(), if asr_open => match output {
                    None => asr_open = false,
                    Some(AttributedOutput::Partial(partial)) => {
                        // Live only: a partial that does not fit now is superseded by the next.
                        let meeting = self.meeting_id();
                        let _ = self.out.try_send(ToStore::Partial { partial, meeting });
                    }
                    Some(AttributedOutput::Final(transcript)) => {
                        let _work = heartbeat.working();
                        self.on_transcript(transcript, inputs.speakers.current()).await;
                    }
                    Some(AttributedOutput::Revision(revision)) => {
                        let _work = heartbeat.working();
                        self.on_revision(revision).await;
                    }
                    Some(AttributedOutput::Relabel(relabel)) => {
                        let _work = heartbeat.working();
                        self.on_relabel(relabel).await;
                    }
                },
                report = inputs.reports.recv(), if reports_open => match report {
                    None => reports_open = false,
                    Some(AudioReport::Metrics(metrics)) => {
                        let _work = heartbeat.working();
                        self.stream_now = self.stream_now.max(metrics.start + metrics.seconds);
                        if let Some(decision) = self.rules.tick(self.stream_now, metrics.speech_duty_cycle > 0.0) {
                            self.apply(decision, inputs.speakers.current()).await;
                        }
                        self.rolling_keywords().await;
                    }
                    Some(AudioReport::Event(event)) => {
                        let _work = heartbeat.working();
                        let meeting = self.meeting_id();
                        self.send(MeetingOutput::Insight { meeting, event }).await;
                    }
                },
                request = inputs.requests.recv(), if requests_open => match request {
                    None => requests_open = false,
                    Some(request) => {
                        let _work = heartbeat.working();
                        self.on_request(request, inputs.speakers.current()).await;
                    }
                },
                Ok(config) = inputs.config.changed() => self.rules.set_config(&config),
                Ok(config) = inputs.meaning.changed() => self.meaning = config.clone(),
            }
        }
        if let Some(decision) = self.rules.stop(self.stream_now, EndedBy::Shutdown) {
            self.apply(decision, inputs.speakers.current()).await;
        }
    }

    fn meeting_id(&self) -> Option<String> {
        self.meeting.as_ref().map(|(m, _)| m.id.clone())
    }

    /// Hands a record to the store, waiting for room (records are never dropped here).
    async fn send(&self, output: MeetingOutput) {
        let counted = Counted::of(&output);
        if self.out.send(ToStore::Record(Box::new(output))).await.is_err() {
            tracing::error!("The store stage has stopped; a record could not be handed to it");
            return;
        }
        self.ctx.counters.update(|health| counted.count_into(health));
    }

    async fn on_transcript(&mut self, mut transcript: Transcript, speakers: &SpeakersConfig) {
        self.stream_now = self.stream_now.max(transcript.end);
        if let Some(decision) = self.rules.speech(transcript.start, transcript.end) {
            self.apply(decision, speakers).await;
        }
        if let Some(speaker) = &mut transcript.speaker {
            speaker.label = self.voices.label_for(speaker.voice);
        }
        let record = SegmentRecord::of(&transcript);
        let utterance = Utterance {
            seq: transcript.sequence,
            start: transcript.start,
            end: transcript.end,
            speaker: record.speaker_display().map(str::to_owned),
            text: transcript.text.clone(),
        };
        if let Some((_, segments)) = &mut self.meeting {
            segments.push(record);
        }
        let meeting = self.meeting_id();
        if self.recent.len() == RECENT_TRANSCRIPTS {
            self.recent.pop_front();
        }
        self.recent.push_back((meeting.clone(), transcript.clone()));
        self.send(MeetingOutput::Segment { meeting, transcript }).await;
        // After its segment: a finding names segments the store already has.
        if let Some(tracker) = &mut self.tracker {
            let findings = tracker.add(utterance);
            self.hand_on(findings, None).await;
        }
    }

    /// A final heard again: its new text goes to the store (a transcript with the next
    /// revision, for the meeting it was said in), into the meeting's summary if it is still
    /// going on, and through the meaning rules again.
    async fn on_revision(&mut self, revision: TextRevision) {
        let Some((meeting, transcript)) = self
            .recent
            .iter_mut()
            .rev()
            .find(|(_, t)| t.sequence == revision.sequence)
        else {
            tracing::debug!(
                sequence = revision.sequence,
                "A revision of a transcript long gone; dropped"
            );
            return;
        };
        // A turn of a split final whose own words did not change.
        if transcript.text.trim() == revision.text.trim() {
            return;
        }
        transcript.text = revision.text;
        transcript.confidence = revision.confidence;
        transcript.revision += 1;
        let (meeting, transcript) = (meeting.clone(), transcript.clone());
        let current = self.meeting_id();
        if let (Some((_, segments)), true) = (&mut self.meeting, meeting == current) {
            if let Some(segment) = segments.iter_mut().rev().find(|s| s.seq == Some(transcript.sequence)) {
                segment.text.clone_from(&transcript.text);
                segment.confidence = transcript.confidence;
            }
        }
        let findings = match (&mut self.tracker, meeting == current) {
            (Some(tracker), true) => tracker.revise(transcript.sequence, &transcript.text),
            _ => Vec::new(),
        };
        self.send(MeetingOutput::Segment { meeting, transcript }).await;
        self.hand_on(findings, None).await;
    }

    /// A final of the meeting going on found to be another voice's: it goes to the store as
    /// its next revision with the new label (a correction is told, never made silently), into
    /// the meeting's segments, and the meaning rules hear who really said it. A final of a
    /// meeting that has ended keeps the label its end-of-meeting re-clustering gave it.
    async fn on_relabel(&mut self, relabel: Relabel) {
        let current = self.meeting_id();
        let Some((meeting, transcript)) = self
            .recent
            .iter_mut()
            .rev()
            .find(|(meeting, t)| t.sequence == relabel.sequence && *meeting == current && meeting.is_some())
        else {
            tracing::debug!(
                sequence = relabel.sequence,
                "A relabel of a final not of the meeting going on (or long gone); dropped"
            );
            return;
        };
        let Some(tag) = &mut transcript.speaker else { return };
        let label = self.voices.label_for(relabel.voice);
        if tag.label == label && tag.name == relabel.name {
            return;
        }
        tag.voice = relabel.voice;
        tag.label = label;
        tag.name = relabel.name;
        transcript.revision += 1;
        let (meeting, transcript) = (meeting.clone(), transcript.clone());
        let revised = SegmentRecord::of(&transcript);
        let speaker = revised.speaker_display().map(str::to_owned);
        if let Some((_, segments)) = &mut self.meeting {
            if let Some(segment) = segments.iter_mut().find(|s| s.seq == Some(transcript.sequence)) {
                segment.speaker = revised.speaker;
                segment.speaker_name = revised.speaker_name;
            }
        }
        let findings = self
            .tracker
            .as_mut()
            .map(|t| t.relabel_one(transcript.sequence, speaker))
            .unwrap_or_default();
        self.send(MeetingOutput::Segment { meeting, transcript }).await;
        self.hand_on(findings, None).await;
    }

    /// Hands findings to the store, those of the kinds `[meaning] live_kinds` names, as the
    /// meeting going on's (`for_meeting` names one that has just ended instead).
    async fn hand_on(&self, findings: Vec<Finding>, for_meeting: Option<&str>) {
        let meeting = for_meeting.map(str::to_owned).or_else(|| self.meeting_id());
        for finding in findings {
            if self.meaning.live_kinds.iter().any(|k| k == finding.body.kind()) {
                self.send(MeetingOutput::Finding {
                    meeting: meeting.clone(),
                    finding,
                })
                .await;
            }
        }
    }

    /// The rolling keywords, every `[meaning] keyword_interval_s` of stream time.
    async fn rolling_keywords(&mut self) {
        let (interval, window) = (
            f64::from(self.meaning.keyword_interval_s),
            f64::from(self.meaning.keyword_window_s),
        );
        let now = self.stream_now;
        if let Some(finding) = self
            .tracker
            .as_mut()
            .and_then(|t| t.rolling_keywords(now, interval, window))
        {
            self.hand_on(vec![finding], None).await;
        }
    }

    /// A tracker for a meeting that starts now, if the rules are on.
    fn new_tracker(&self, meeting: &MeetingRecord) -> Option<Tracker> {
        let cues = meaning::cues(&self.meaning.language).filter(|_| self.meaning.enabled)?;
        Some(Tracker::new(cues, self.context(meeting)))
    }

    fn context(&self, meeting: &MeetingRecord) -> meaning::Context {
        meaning::Context {
            meeting_day: crate::clock::local_day(meeting.started_ms),
            min_confidence: self.meaning.min_confidence,
            keywords: 10,
        }
    }

    /// The meaning of a meeting read back from the store (summarised after a power cut).
    fn meaning_of_stored(&self, meeting: &MeetingRecord, segments: &[SegmentRecord]) -> MeetingMeaning {
        let Some(cues) = meaning::cues(&self.meaning.language).filter(|_| self.meaning.enabled) else {
            return MeetingMeaning::default();
        };
        let utterances: Vec<Utterance> = segments
            .iter()
            .enumerate()
            .map(|(i, s)| Utterance {
                seq: s.seq.unwrap_or(i as u64),
                start: s.start_s,
                end: s.end_s,
                speaker: s.speaker_display().map(str::to_owned),
                text: s.text.clone(),
            })
            .collect();
        meaning::analyse(&utterances, cues, &self.context(meeting))
    }

    /// Carries out a meeting decision: tells the store, and, for an ended meeting, revises its
    /// speakers and summarises it.
    async fn apply(&mut self, decision: Decision, speakers: &SpeakersConfig) -> Option<MeetingRecord> {
        self.voices = speakers::MeetingVoices::default();
        match decision {
            Decision::Start { at, by } => {
                let meeting = MeetingRecord {
                    id: uuid::Uuid::now_v7().to_string(),
                    started_ms: unix_millis(),
                    ended_ms: None,
                    stream_start_s: at,
                    stream_end_s: None,
                    started_by: by.as_str().into(),
                    ended_by: None,
                };
                tracing::info!(meeting = %meeting.id, started_by = by.as_str(), "Meeting started");
                self.send(MeetingOutput::MeetingStarted(meeting.clone())).await;
                self.tracker = self.new_tracker(&meeting);
                self.meeting = Some((meeting.clone(), Vec::new()));
                Some(meeting)
            }
            Decision::End { at, by } => {
                let (mut meeting, mut segments) = self.meeting.take()?;
                let ended_ms = meeting.started_ms + ((at - meeting.stream_start_s).max(0.0) * 1000.0) as u64;
                meeting.ended_ms = Some(ended_ms.min(unix_millis()).max(meeting.started_ms));
                meeting.stream_end_s = Some(at);
                meeting.ended_by = Some(by.as_str().into());
                tracing::info!(meeting = %meeting.id, ended_by = by.as_str(), "Meeting ended");
                // Closed first, then summarised: after a cut in between, the next start finds
                // a closed meeting without its summary and writes it (once).
                self.send(MeetingOutput::MeetingEnded(meeting.clone())).await;
                let mut tracker = self.tracker.take();
                if segments.iter().any(|s| s.voice.is_some()) {
                    let rules = crate::voices::ClusterRules::at_meeting_end(speakers);
                    let changes = speakers::revise(&mut segments, &rules);
                    // A revision of a final after this goes out with the corrected label.
                    for (said_in, transcript) in &mut self.recent {
                        let corrected = segments.iter().find(|s| s.seq == Some(transcript.sequence));
                        if let (true, Some(tag), Some(segment)) = (
                            said_in.as_deref() == Some(meeting.id.as_str()),
                            &mut transcript.speaker,
                            corrected,
                        ) {
                            tag.label = segment.speaker.clone().unwrap_or_default();
                            tag.name.clone_from(&segment.speaker_name);
                        }
                    }
                    self.send(MeetingOutput::Speakers(SpeakersRevision {
                        meeting: meeting.id.clone(),
                        changes,
                        participants: crate::pipeline::Participant::all_in(&segments),
                    }))
                    .await;
                    if let Some(tracker) = &mut tracker {
                        let labels: Vec<Option<String>> = segments
                            .iter()
                            .map(|s| s.speaker_display().map(str::to_owned))
                            .collect();
                        let revised = tracker.relabel(&labels);
                        self.hand_on(revised, Some(&meeting.id)).await;
                    }
                }
                let meaning = match &mut tracker {
                    Some(tracker) => {
                        let (meaning, closing) = tracker.meaning(true);
                        self.hand_on(closing, Some(&meeting.id)).await;
                        meaning
                    }
                    None => MeetingMeaning::default(),
                };
                let summary = summary::summarise(&meeting, &segments, at, true, meaning);
                self.send(MeetingOutput::Summary(summary)).await;
                Some(meeting)
            }
        }
    }

    async fn on_request(&mut self, request: MeetingRequest, speakers: &SpeakersConfig) {
        match request {
            MeetingRequest::Start(reply) => {
                let answer = match self.rules.start_command(self.stream_now) {
                    Some(decision) => match self.apply(decision, speakers).await {
                        Some(meeting) => Ok(serde_json::json!({ "meeting": meeting.id })),
                        None => Err("the meeting could not be started".to_owned()),
                    },
                    None => Err(format!(
                        "meeting {} is already going on; stop it first",
                        self.meeting_id().as_deref().unwrap_or("?")
                    )),
                };
                let _ = reply.send(answer);
            }
            MeetingRequest::Stop(reply) => {
                let answer = match self.rules.stop(self.stream_now, EndedBy::Command) {
                    Some(decision) => match self.apply(decision, speakers).await {
                        Some(meeting) => Ok(serde_json::json!({ "meeting": meeting.id })),
                        None => Err("no meeting is going on".to_owned()),
                    },
                    None => Err("no meeting is going on".to_owned()),
                };
                let _ = reply.send(answer);
            }
            MeetingRequest::SummaryNow(reply) => {
                let meaning = self.tracker.as_mut().map(|t| t.meaning(false).0).unwrap_or_default();
                let summary = self
                    .meeting
                    .as_ref()
                    .map(|(meeting, segments)| summary::summarise(meeting, segments, self.stream_now, false, meaning));
                let answer = match summary {
                    Some(summary) => {
                        let id = summary.meeting.id.clone();
                        self.send(MeetingOutput::Summary(summary)).await;
                        Ok(serde_json::json!({ "meeting": id, "is_final": false }))
                    }
                    None => Err("no meeting is going on; `export` writes out a past one".to_owned()),
                };
                let _ = reply.send(answer);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::MeetingSummary;
    use crate::stage::{Counters, Shutdown, Stages};

    fn transcript(sequence: u64, text: &str) -> Transcript {
        Transcript {
            sequence,
            start: sequence as f64 * 5.0,
            end: sequence as f64 * 5.0 + 3.0,
            text: text.into(),
            confidence: 0.9,
            language: "en".into(),
            speaker: None,
            revision: 1,
        }
    }

    /// Runs the stage over `finals` (and a backlog), then closes its inputs; returns what it
    /// handed to the store.
    async fn run(backlog: Vec<Unsummarised>, finals: Vec<Transcript>) -> Vec<MeetingOutput> {
        run_outputs(backlog, finals.into_iter().map(AttributedOutput::Final).collect()).await
    }

    /// `run` over finals and revisions.
    async fn run_outputs(backlog: Vec<Unsummarised>, outputs: Vec<AttributedOutput>) -> Vec<MeetingOutput> {
        run_counted(backlog, outputs).await.0
    }

    /// `run_outputs`, and the stage's health once it stopped.
    async fn run_counted(
        backlog: Vec<Unsummarised>,
        outputs: Vec<AttributedOutput>,
    ) -> (Vec<MeetingOutput>, MeetingHealth) {
        let (out, mut records) = mpsc::channel(64);
        let (asr_tx, asr) = mpsc::channel(64);
        let (_, reports) = mpsc::channel(1);
        let (_, requests) = mpsc::channel(1);
        let config = Section::fixed(MeetingConfig::default());
        for output in outputs {
            asr_tx.send(output).await.unwrap();
        }
        drop(asr_tx);
        let counters = std::sync::Arc::new(MeetingCounters::default());
        let ctx = Stages::new(Shutdown::default()).context("meeting", counters.clone());
        let inputs = Inputs {
            transcripts: asr,
            reports,
            requests,
            config,
            speakers: Section::fixed(SpeakersConfig::default()),
            meaning: Section::fixed(MeaningConfig::default()),
        };
        run_stage(ctx, &MeetingConfig::default(), backlog, inputs, out).await;
        let mut seen = Vec::new();
        while let Ok(output) = records.try_recv() {
            if let ToStore::Record(record) = output {
                seen.push(*record);
            }
        }
        (seen, counters.snapshot())
    }

    #[tokio::test]
    async fn speech_opens_a_meeting_and_the_end_of_input_closes_and_summarises_it() {
        let (seen, health) = run_counted(
            Vec::new(),
            vec![transcript(1, "Good morning."), transcript(2, "Let's start.")]
                .into_iter()
                .map(AttributedOutput::Final)
                .collect(),
        )
        .await;
        let kinds: Vec<&str> = seen
            .iter()
            .map(|o| match o {
                MeetingOutput::MeetingStarted(_) => "started",
                MeetingOutput::Segment { .. } => "segment",
                MeetingOutput::MeetingEnded(_) => "ended",
                MeetingOutput::Summary(_) => "summary",
                MeetingOutput::Finding { .. } => "finding",
                MeetingOutput::Insight { .. } | MeetingOutput::Speakers(_) => "other",
            })
            .collect();
        assert_eq!(kinds, ["started", "segment", "segment", "ended", "summary"]);
        let Some(MeetingOutput::Summary(MeetingSummary {
            stats,
            transcript,
            is_final,
            meeting,
            participants,
            ..
        })) = seen.last()
        else {
            unreachable!()
        };
        assert!(is_final);
        assert!(participants.is_empty(), "no speakers without the speakers stage");
        assert_eq!((stats.segments, stats.words), (2, 4));
        assert_eq!(transcript, "[00:00] Good morning.\n[00:05] Let's start.\n");
        assert_eq!(meeting.ended_by.as_deref(), Some("shutdown"));
        let MeetingOutput::Segment { meeting: Some(id), .. } = &seen[1] else {
            unreachable!()
        };
        assert_eq!(id, &meeting.id, "segments carry the meeting they belong to");
        assert_eq!(
            (
                health.started,
                health.ended,
                health.summaries,
                health.current.as_deref()
            ),
            (1, 1, 1, None),
            "health counted the meeting and knows none is going on: {health:?}"
        );
    }

    #[tokio::test]
    async fn a_question_goes_out_live_and_again_when_it_is_answered_and_the_summary_holds_it() {
        let speak = |sequence, who: &str, text: &str| Transcript {
            speaker: Some(crate::pipeline::SpeakerTag {
                voice: sequence,
                label: String::new(),
                name: Some(who.into()),
                confidence: 0.9,
                embedding: if sequence == 1 { vec![1.0, 0.0] } else { vec![0.0, 1.0] },
            }),
            // Long enough for both voices to stay participants after re-clustering.
            start: sequence as f64 * 10.0,
            end: sequence as f64 * 10.0 + 8.0,
            ..transcript(sequence, text)
        };
        let (seen, health) = run_counted(
            Vec::new(),
            vec![
                AttributedOutput::Final(speak(1, "Ana", "Does the nightly build pass now?")),
                AttributedOutput::Final(speak(2, "Raj", "It does, I fixed the flaky test this morning.")),
            ],
        )
        .await;
        let questions: Vec<(u32, bool)> = seen
            .iter()
            .filter_map(|o| match o {
                MeetingOutput::Finding {
                    finding,
                    meeting: Some(_),
                } => match &finding.body {
                    crate::pipeline::FindingBody::Question(q) => Some((finding.revision, q.answered)),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        assert_eq!(questions, [(1, false), (2, true)], "asked, then answered: {seen:?}");
        assert_eq!(health.questions, 2, "health counts the question and its revision");
        let Some(MeetingOutput::Summary(summary)) = seen.last() else {
            unreachable!()
        };
        assert_eq!(summary.meaning.questions.len(), 1);
        assert_eq!(
            summary.meaning.questions[0].revision, 2,
            "the summary holds the latest revision"
        );
        assert!(
            !summary.meaning.overview.contains("Open questions"),
            "{}",
            summary.meaning.overview
        );
    }

    #[tokio::test]
    async fn a_backlog_is_summarised_first_from_the_segments_it_came_with() {
        let meeting = MeetingRecord {
            id: "cut-short".into(),
            started_ms: 1_000,
            ended_ms: Some(5_500),
            stream_start_s: 0.0,
            stream_end_s: Some(4.5),
            started_by: "speech".into(),
            ended_by: Some("recovery".into()),
        };
        let segment = SegmentRecord {
            seq: None,
            start_s: 1.0,
            end_s: 4.5,
            text: "Good morning.".into(),
            confidence: 0.9,
            language: "en".into(),
            speaker: None,
            speaker_name: None,
            speaker_confidence: None,
            voice: None,
        };
        let seen = run(vec![(meeting, vec![segment])], Vec::new()).await;
        assert_eq!(seen.len(), 1, "nothing else happened");
        let MeetingOutput::Summary(summary) = &seen[0] else {
            unreachable!()
        };
        assert_eq!(
            (
                summary.meeting.id.as_str(),
                summary.stats.segments,
                summary.stats.duration_s
            ),
            ("cut-short", 1, 4.5)
        );
    }

    #[tokio::test]
    async fn findings_of_a_recovered_meeting_name_the_segments_by_the_seq_they_were_published_with() {
        let meeting = MeetingRecord {
            id: "after-a-power-cut".into(),
            started_ms: 1_000,
            ended_ms: Some(20_000),
            stream_start_s: 0.0,
            stream_end_s: Some(19.0),
            started_by: "speech".into(),
            ended_by: Some("recovery".into()),
        };
        let said = |seq: u64, start_s: f64, who: &str, text: &str| SegmentRecord {
            seq: Some(seq),
            start_s,
            end_s: start_s + 4.0,
            text: text.into(),
            confidence: 0.9,
            language: "en".into(),
            speaker: Some(who.into()),
            speaker_name: None,
            speaker_confidence: Some(0.9),
            voice: None,
        };
        let segments = vec![
            said(41, 1.0, "S1", "Does the nightly build pass now?"),
            said(42, 6.0, "S2", "It does, I fixed the flaky test this morning."),
        ];
        let seen = run(vec![(meeting, segments)], Vec::new()).await;
        let Some(MeetingOutput::Summary(summary)) = seen.last() else {
            unreachable!()
        };
        let question = &summary.meaning.questions[0];
        assert_eq!(question.id, "question-41.0", "the id a live finding of it had");
        assert_eq!(question.segments, [41, 42], "the question and its answer, as published");
    }

    #[tokio::test]
    async fn a_final_heard_again_goes_on_as_its_next_revision_and_through_the_rules_again() {
        let seen = run_outputs(
            Vec::new(),
            vec![
                AttributedOutput::Final(transcript(1, "Good morning.")),
                AttributedOutput::Final(transcript(2, "So we decide it to launch on Tuesday.")),
                AttributedOutput::Revision(TextRevision {
                    sequence: 2,
                    text: "So we decided to launch on Tuesday.".into(),
                    confidence: 0.8,
                    words: Vec::new(),
                }),
                AttributedOutput::Revision(TextRevision {
                    sequence: 99,
                    text: "never heard".into(),
                    confidence: 0.8,
                    words: Vec::new(),
                }),
            ],
        )
        .await;
        let segments: Vec<&Transcript> = seen
            .iter()
            .filter_map(|o| match o {
                MeetingOutput::Segment { transcript, .. } => Some(transcript),
                _ => None,
            })
            .collect();
        assert_eq!(
            segments.iter().map(|t| (t.sequence, t.revision)).collect::<Vec<_>>(),
            [(1, 1), (2, 1), (2, 2)],
            "one revision, of the final it names; one of a final never seen is dropped"
        );
        assert_eq!(segments[2].text, "So we decided to launch on Tuesday.");
        assert_eq!(
            (segments[2].start, segments[2].end),
            (segments[1].start, segments[1].end)
        );
        let revised_at = seen
            .iter()
            .position(|o| matches!(o, MeetingOutput::Segment { transcript, .. } if transcript.revision == 2))
            .unwrap();
        let revised_decision = seen[revised_at..].iter().any(|o| {
            matches!(o, MeetingOutput::Finding { finding, .. }
                if matches!(&finding.body, crate::pipeline::FindingBody::Decision(d) if d.text == "So we decided to launch on Tuesday."))
        });
        assert!(
            revised_decision,
            "the decision comes again with the revised sentence, after its revision: {seen:#?}"
        );
        let Some(MeetingOutput::Summary(summary)) = seen.last() else {
            panic!("a summary last: {seen:#?}")
        };
        assert!(
            summary.transcript.contains("So we decided to launch on Tuesday."),
            "{}",
            summary.transcript
        );
        assert!(!summary.transcript.contains("decide it"), "{}", summary.transcript);
    }

    #[tokio::test]
    async fn a_final_given_another_voice_goes_on_as_its_next_revision_with_the_new_label() {
        let voiced = |sequence, voice| Transcript {
            speaker: Some(crate::pipeline::SpeakerTag {
                voice,
                label: String::new(),
                name: None,
                confidence: 0.9,
                embedding: vec![1.0, 0.0],
            }),
            ..transcript(sequence, "I will send the order to the supplier on Friday.")
        };
        let seen = run_outputs(
            Vec::new(),
            vec![
                AttributedOutput::Final(voiced(1, 1)),
                AttributedOutput::Final(voiced(2, 1)),
                AttributedOutput::Relabel(Relabel {
                    sequence: 2,
                    voice: 2,
                    name: None,
                }),
                AttributedOutput::Relabel(Relabel {
                    sequence: 99,
                    voice: 2,
                    name: None,
                }),
                // The reply the rules wait for before they hand on the last turn's work.
                AttributedOutput::Final(Transcript {
                    text: "Great, thanks.".into(),
                    ..voiced(3, 1)
                }),
            ],
        )
        .await;
        let segments: Vec<(u64, u32, String)> = seen
            .iter()
            .filter_map(|o| match o {
                MeetingOutput::Segment { transcript, .. } => Some((
                    transcript.sequence,
                    transcript.revision,
                    transcript.speaker.as_ref().unwrap().label.clone(),
                )),
                _ => None,
            })
            .collect();
        assert_eq!(
            segments,
            [
                (1, 1, "S1".into()),
                (2, 1, "S1".into()),
                (2, 2, "S2".into()),
                (3, 1, "S1".into())
            ],
            "the relabelled final again, as S2; a relabel of a final never seen is dropped"
        );
        let relabelled_at = seen
            .iter()
            .position(|o| matches!(o, MeetingOutput::Segment { transcript, .. } if transcript.revision == 2))
            .unwrap();
        let owned_by_s2 = seen[relabelled_at..].iter().any(|o| {
            matches!(o, MeetingOutput::Finding { finding, .. }
                if matches!(&finding.body, crate::pipeline::FindingBody::ActionItem(a)
                    if finding.segments == [2] && a.owner.as_deref() == Some("S2")))
        });
        assert!(
            owned_by_s2,
            "the action item again, owned by who really said it: {seen:#?}"
        );
    }
}
