//! A meeting's speakers: the meeting's own labels (`S1`, `S2`, … in order of first appearance)
//! for the speakers stage's voices, the end-of-meeting revision of those labels from
//! re-clustering everything the meeting said, and who spoke how much. Pure functions over the
//! meeting's segments; never logs (segments hold embeddings).

use std::collections::HashMap;

use crate::pipeline::{LabelChange, SegmentRecord};
use crate::voices::{label, recluster, ClusterRules, Piece};

/// The meeting's labels for the voices heard in it.
#[derive(Debug, Default)]
pub struct MeetingVoices {
    labels: HashMap<u64, String>,
}

impl MeetingVoices {
    /// The label of `voice` in this meeting (a new one, the next number, for a voice first
    /// heard now).
    pub fn label_for(&mut self, voice: u64) -> String {
        let next = self.labels.len();
        self.labels.entry(voice).or_insert_with(|| label(next)).clone()
    }
}

/// Re-clusters the meeting's segments that carry a voice and relabels them in place. A
/// cluster keeps the live label it shares the most talk time with (so labels the live rules
/// got right do not move), and the name most of its talk time had. Returns the segments whose
/// label changed.
pub fn revise(segments: &mut [SegmentRecord], rules: &ClusterRules) -> Vec<LabelChange> {
    let voiced: Vec<usize> = (0..segments.len())
        .filter(|&i| segments[i].voice.as_ref().is_some_and(|v| !v.is_empty()) && segments[i].speaker.is_some())
        .collect();
    if voiced.is_empty() {
        return Vec::new();
    }
    let mut live_labels: Vec<&str> = Vec::new();
    let pieces: Vec<Piece> = voiced
        .iter()
        .map(|&i| {
            let live = segments[i].speaker.as_deref().unwrap_or_default();
            let live = match live_labels.iter().position(|&l| l == live) {
                Some(index) => index,
                None => {
                    live_labels.push(live);
                    live_labels.len() - 1
                }
            };
            Piece {
                embedding: segments[i].voice.clone().unwrap_or_default(),
                seconds: (segments[i].end_s - segments[i].start_s).max(0.0) as f32,
                live,
            }
        })
        .collect();
    let clusters = recluster(&pieces, rules);
    let count = clusters.iter().max().map_or(0, |m| m + 1);
    // Talk time each cluster shares with each live label.
    let mut shared: HashMap<(usize, String), f64> = HashMap::new();
    for (&i, &cluster) in voiced.iter().zip(&clusters) {
        let live = segments[i].speaker.clone().unwrap_or_default();
        *shared.entry((cluster, live)).or_default() += f64::from(pieces_seconds(&segments[i]));
    }
    let mut pairs: Vec<((usize, String), f64)> = shared.into_iter().collect();
    pairs.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut label_of: Vec<Option<String>> = vec![None; count];
    let mut taken: Vec<String> = Vec::new();
    for ((cluster, live), _) in pairs {
        if label_of[cluster].is_none() && !taken.contains(&live) {
            taken.push(live.clone());
            label_of[cluster] = Some(live);
        }
    }
    let mut next = 0;
    for slot in label_of.iter_mut().filter(|l| l.is_none()) {
        while taken.contains(&label(next)) {
            next += 1;
        }
        taken.push(label(next));
        *slot = Some(label(next));
    }
    // The name most of each cluster's talk time carried.
    let mut names: HashMap<(usize, String), f64> = HashMap::new();
    for (&i, &cluster) in voiced.iter().zip(&clusters) {
        if let Some(name) = &segments[i].speaker_name {
            *names.entry((cluster, name.clone())).or_default() += f64::from(pieces_seconds(&segments[i]));
        }
    }
    let name_of = |cluster: usize| {
        names
            .iter()
            .filter(|((c, _), _)| *c == cluster)
            .max_by(|a, b| a.1.total_cmp(b.1).then_with(|| b.0 .1.cmp(&a.0 .1)))
            .map(|((_, name), _)| name.clone())
    };
    let mut changes = Vec::new();
    for (&i, &cluster) in voiced.iter().zip(&clusters) {
        let to = label_of[cluster].clone().unwrap_or_default();
        let segment = &mut segments[i];
        segment.speaker_name = name_of(cluster);
        let from = segment.speaker.replace(to.clone()).unwrap_or_default();
        if from != to {
            changes.push(LabelChange {
                seq: segment.seq,
                start: segment.start_s,
                end: segment.end_s,
                from,
                to,
            });
        }
    }
    changes
}

fn pieces_seconds(segment: &SegmentRecord) -> f32 {
    (segment.end_s - segment.start_s).max(0.0) as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SpeakersConfig;
    use crate::pipeline::Participant;

    fn segment(start_s: f64, speaker: &str, voice: &[f32], name: Option<&str>) -> SegmentRecord {
        SegmentRecord {
            // One segment every 2 s, numbered from 1.
            seq: Some((start_s / 2.0) as u64 + 1),
            start_s,
            end_s: start_s + 2.0,
            text: "words".into(),
            confidence: 0.9,
            language: "en".into(),
            speaker: Some(speaker.into()),
            speaker_name: name.map(str::to_owned),
            speaker_confidence: Some(0.8),
            voice: Some(voice.to_vec()),
        }
    }

    #[test]
    fn labels_follow_first_appearance_per_meeting() {
        let mut voices = MeetingVoices::default();
        assert_eq!(voices.label_for(7), "S1");
        assert_eq!(voices.label_for(3), "S2");
        assert_eq!(voices.label_for(7), "S1");
    }

    #[test]
    fn a_live_mistake_is_corrected_and_told_and_right_labels_stay() {
        let (a, b) = ([1.0, 0.0, 0.0], [0.0, 1.0, 0.0]);
        let mut segments = vec![
            segment(0.0, "S1", &a, None),
            segment(2.0, "S2", &b, Some("Bob")),
            // Live founded S3 on one piece of Bob's voice: too little talk to be a participant.
            segment(4.0, "S3", &b, None),
            segment(6.0, "S1", &a, None),
            segment(8.0, "S2", &b, Some("Bob")),
        ];
        let rules = ClusterRules {
            same_speaker: 0.99,
            min_talk_s: 3.0,
            ..ClusterRules::at_meeting_end(&SpeakersConfig::default())
        };
        let changes = revise(&mut segments, &rules);
        assert_eq!(
            changes,
            [LabelChange {
                seq: Some(3),
                start: 4.0,
                end: 6.0,
                from: "S3".into(),
                to: "S2".into()
            }]
        );
        let labels: Vec<&str> = segments.iter().map(|s| s.speaker.as_deref().unwrap()).collect();
        assert_eq!(labels, ["S1", "S2", "S2", "S1", "S2"]);
        assert_eq!(
            segments[2].speaker_name.as_deref(),
            Some("Bob"),
            "the cluster's name goes with it"
        );
        let people = Participant::all_in(&segments);
        assert_eq!(people[0].label, "S2");
        assert_eq!((people[0].talk_s, people[0].turns, people[0].share), (6.0, 2, 0.6));
        assert_eq!(people[0].name.as_deref(), Some("Bob"));
        assert_eq!((people[1].label.as_str(), people[1].turns), ("S1", 2));
    }

    #[test]
    fn segments_without_speakers_are_left_alone() {
        let mut segments = vec![SegmentRecord {
            seq: None,
            speaker: None,
            voice: None,
            ..segment(0.0, "S1", &[1.0], None)
        }];
        assert!(revise(&mut segments, &ClusterRules::at_meeting_end(&SpeakersConfig::default())).is_empty());
        assert!(Participant::all_in(&segments).is_empty());
    }
}
