//! `scripts/bench speakers --sweep`: how the `[speakers]` thresholds were chosen. For each
//! meeting (a WAV and the JSON `roomscribe transcribe --word-timestamps` made of it), every
//! segment's window embeddings are computed once; then, for every point of a grid of
//! `same_speaker` × `change_similarity` × `recluster_similarity` × `min_talk_s` ×
//! `min_new_speaker_s`, the speakers stage's rules and
//! the end-of-meeting re-clustering label the meeting, and the labels are written as two
//! hypotheses (live, after re-clustering) for the corpus scorer.
//!
//! Usage: speakers_sweep [--grid] MODEL OUT_DIR WAV:TRANSCRIPT_JSON...
//! Without `--grid`, only the defaults of `[speakers]` (what `scripts/bench speakers` scores).
//! Writes OUT_DIR/<point>/{live,final}/<meeting>.json and prints the CPU seconds the
//! embeddings and the rules took per audio hour. When every segment names its `speaker` (the
//! ground truth's turns), it also prints how far apart the voices are: the mean cosine of two
//! turns by one speaker, of two by different speakers, and the closest two speakers'
//! centroids; and `voices::separation` (on turn centroids, each weighing one) between the two
//! halves of one speaker's turns and between two speakers, which is what
//! `voices::DISTINCT_VOICES` was chosen from.

use std::path::{Path, PathBuf};
use std::time::Instant;

use roomscribe::audio::wav::WavSource;
use roomscribe::config::SpeakersConfig;
use roomscribe::meeting::speakers::{revise, MeetingVoices};
use roomscribe::pipeline::{HeardTranscript, SegmentRecord, TimedWord, Transcript, STREAM_RATE};
use roomscribe::speakers::{Attributor, Encoder, Labeller};
use roomscribe::voices::{centroid, cosine, separation, ClusterRules, DISTINCT_VOICES};

const SAME_SPEAKER: [f32; 5] = [0.4, 0.45, 0.5, 0.55, 0.6];
const CHANGE_SIMILARITY: [f32; 2] = [0.4, 0.5];
const RECLUSTER_SIMILARITY: [f32; 3] = [0.5, 0.6, 0.7];
const MIN_TALK_S: [f32; 3] = [3.0, 6.0, 10.0];
const MIN_NEW_SPEAKER_S: [f32; 2] = [1.0, 2.0];

struct Meeting {
    name: String,
    heard: Vec<HeardTranscript>,
    /// Who said each segment, when the transcript says.
    speakers: Vec<Option<String>>,
    windows: Vec<Option<Vec<Vec<f32>>>>,
}

fn read_audio(path: &Path) -> Vec<f32> {
    WavSource::open(path)
        .and_then(|mut wav| wav.read_to_end())
        .expect("a readable WAV")
}

fn heard_segments(audio: &[f32], transcript: &Path) -> (Vec<HeardTranscript>, Vec<Option<String>>) {
    let document: serde_json::Value =
        serde_json::from_slice(&std::fs::read(transcript).expect("a transcript")).expect("JSON");
    let at = |t: f64| ((t * f64::from(STREAM_RATE)) as usize).min(audio.len());
    let segments = document["segments"].as_array().expect("segments");
    let speakers = segments
        .iter()
        .map(|s| s["speaker"].as_str().map(str::to_owned))
        .collect();
    let heard = segments
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (start, end) = (s["start"].as_f64().unwrap(), s["end"].as_f64().unwrap());
            HeardTranscript {
                transcript: Transcript {
                    sequence: i as u64,
                    start,
                    end,
                    text: s["text"].as_str().unwrap_or("").to_owned(),
                    confidence: 0.9,
                    language: "en".into(),
                    speaker: None,
                    revision: 1,
                },
                audio: audio[at(start)..at(end).max(at(start))].to_vec(),
                words: s["words"]
                    .as_array()
                    .map(|words| {
                        words
                            .iter()
                            .map(|w| TimedWord {
                                word: w["word"].as_str().unwrap_or("").to_owned(),
                                start: w["start"].as_f64().unwrap_or(start),
                                end: w["end"].as_f64().unwrap_or(end),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect();
    (heard, speakers)
}

/// How alike a corpus's voices are to the encoder, from the truth's turns.
struct Separability {
    /// Mean cosine of two turns by one speaker.
    same: f32,
    /// Mean cosine of two turns by different speakers.
    different: f32,
    /// Highest cosine between two speakers' centroids in any one meeting (the pair most easily
    /// taken for one voice).
    nearest: f32,
    /// Lowest and highest `separation` of the first and second half of one speaker's turns
    /// (one voice split in two, as re-clustering should join it), for speakers of four turns
    /// or more.
    halves: (f32, f32),
    /// Lowest `separation` of two speakers of one meeting (two voices re-clustering must keep).
    least_apart: f32,
}

/// Over `meetings` whose segments all name their speaker: how alike their voices are.
fn separability(meetings: &[Meeting]) -> Option<Separability> {
    if meetings.iter().any(|m| m.speakers.iter().any(Option::is_none)) {
        return None;
    }
    let (mut same, mut different, mut closest) = (Vec::new(), Vec::new(), Vec::new());
    let (mut apart, mut halves) = (Vec::new(), Vec::new());
    for meeting in meetings {
        let mut turns: Vec<(&str, Vec<f32>)> = Vec::new();
        for (speaker, windows) in meeting.speakers.iter().zip(&meeting.windows) {
            let (Some(speaker), Some(windows)) = (speaker.as_deref(), windows) else {
                continue;
            };
            turns.push((speaker, centroid(windows.iter().map(|w| (w.as_slice(), 1.0)))));
        }
        for (i, (a, x)) in turns.iter().enumerate() {
            for (b, y) in &turns[i + 1..] {
                if a == b { &mut same } else { &mut different }.push(cosine(x, y));
            }
        }
        let mut names: Vec<&str> = turns.iter().map(|(s, _)| *s).collect();
        names.sort_unstable();
        names.dedup();
        let centre = |name: &str| {
            centroid(
                turns
                    .iter()
                    .filter(|(s, _)| *s == name)
                    .map(|(_, e)| (e.as_slice(), 1.0)),
            )
        };
        let turns_of = |name: &str| -> Vec<(&[f32], f32)> {
            turns
                .iter()
                .filter(|(s, _)| *s == name)
                .map(|(_, e)| (e.as_slice(), 1.0))
                .collect()
        };
        for (i, a) in names.iter().enumerate() {
            for b in &names[i + 1..] {
                closest.push(cosine(&centre(a), &centre(b)));
                apart.push(separation(&turns_of(a), &turns_of(b)));
            }
            // Halves of fewer than two turns each have no centre to speak of.
            let own = turns_of(a);
            if own.len() >= 4 {
                let (first, second) = own.split_at(own.len() / 2);
                halves.push(separation(first, second));
            }
        }
    }
    let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len().max(1) as f32;
    let highest = |v: &[f32]| v.iter().copied().fold(f32::MIN, f32::max);
    let lowest = |v: &[f32]| v.iter().copied().fold(f32::MAX, f32::min);
    (!same.is_empty() && !different.is_empty()).then(|| Separability {
        same: mean(&same),
        different: mean(&different),
        nearest: highest(&closest),
        halves: (lowest(&halves), highest(&halves)),
        least_apart: lowest(&apart),
    })
}

fn write(path: PathBuf, records: &[SegmentRecord], labels: &[Option<String>]) {
    let segments: Vec<serde_json::Value> = records
        .iter()
        .zip(labels)
        .map(|(r, label)| serde_json::json!({"start": r.start_s, "end": r.end_s, "text": r.text, "speaker": label}))
        .collect();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(
        path,
        serde_json::to_vec(&serde_json::json!({ "segments": segments })).unwrap(),
    )
    .unwrap();
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let grid = args.first().is_some_and(|a| a == "--grid");
    if grid {
        args.remove(0);
    }
    let [model, out, pairs @ ..] = args.as_slice() else {
        eprintln!("usage: speakers_sweep [--grid] MODEL OUT_DIR WAV:TRANSCRIPT_JSON...");
        std::process::exit(64);
    };
    let defaults = SpeakersConfig::default();
    let points: Vec<SpeakersConfig> = if grid {
        let mut points = Vec::new();
        for same_speaker in SAME_SPEAKER {
            for change_similarity in CHANGE_SIMILARITY {
                for recluster_similarity in RECLUSTER_SIMILARITY {
                    for min_talk_s in MIN_TALK_S {
                        for min_new_speaker_s in MIN_NEW_SPEAKER_S {
                            points.push(SpeakersConfig {
                                same_speaker,
                                change_similarity,
                                recluster_similarity,
                                min_talk_s,
                                min_new_speaker_s,
                                ..defaults.clone()
                            });
                        }
                    }
                }
            }
        }
        points
    } else {
        vec![defaults]
    };
    roomscribe::torch_threads::set_for_this_thread(1);
    let _no_grad = tch::no_grad_guard();
    let encoder = Encoder::load(Path::new(model), tch::Device::Cpu).expect("the CAM++ weights");
    let probe = Attributor::new(encoder, SpeakersConfig::default(), Vec::new());
    let (mut audio_s, mut cpu) = (0.0, 0.0);
    let meetings: Vec<Meeting> = pairs
        .iter()
        .map(|pair| {
            let (wav, transcript) = pair.split_once(':').expect("WAV:TRANSCRIPT_JSON");
            let audio = read_audio(Path::new(wav));
            audio_s += audio.len() as f64 / f64::from(STREAM_RATE);
            let (heard, speakers) = heard_segments(&audio, Path::new(transcript));
            let started = Instant::now();
            let windows = heard.iter().map(|h| probe.embed(h).expect("embedding")).collect();
            cpu += started.elapsed().as_secs_f64();
            let name = Path::new(wav).file_stem().unwrap().to_string_lossy().into_owned();
            Meeting {
                name,
                heard,
                speakers,
                windows,
            }
        })
        .collect();
    println!(
        "embeddings: {cpu:.1} s for {audio_s:.0} s of audio, {:.1} CPU-s per audio hour (one thread)",
        cpu / audio_s * 3600.0
    );
    if let Some(voices) = separability(&meetings) {
        println!(
            "voices (truth turns): cosine {:.2} between turns of one speaker, {:.2} between \
             turns of different speakers, {:.2} between the two closest speakers' centroids; \
             separation {:.2} to {:.2} between the two halves of one speaker's turns, {:.2} and up \
             between two speakers (re-clustering keeps clusters {DISTINCT_VOICES} apart)",
            voices.same, voices.different, voices.nearest, voices.halves.0, voices.halves.1, voices.least_apart
        );
    }
    let started = Instant::now();
    for config in points {
        let point = format!(
            "same{}_change{}_re{}_talk{}_new{}",
            config.same_speaker,
            config.change_similarity,
            config.recluster_similarity,
            config.min_talk_s,
            config.min_new_speaker_s
        );
        for meeting in &meetings {
            let mut labeller = Labeller::new(config.clone(), Vec::new());
            let mut voices = MeetingVoices::default();
            let mut records: Vec<SegmentRecord> = Vec::new();
            for (heard, windows) in meeting.heard.iter().zip(&meeting.windows) {
                let attributed = labeller.label(heard.clone(), windows.clone(), records.len() as u64);
                for relabel in attributed.relabels {
                    if let Some(record) = records.get_mut(relabel.sequence as usize) {
                        record.speaker = Some(voices.label_for(relabel.voice));
                    }
                }
                for mut t in attributed.transcripts {
                    if let Some(tag) = &mut t.speaker {
                        tag.label = voices.label_for(tag.voice);
                    }
                    records.push(SegmentRecord::of(&t));
                }
            }
            let hypothesis = |kind: &str| {
                Path::new(out)
                    .join(&point)
                    .join(kind)
                    .join(format!("{}.json", meeting.name))
            };
            let live: Vec<Option<String>> = records.iter().map(|r| r.speaker.clone()).collect();
            write(hypothesis("live"), &records, &live);
            revise(&mut records, &ClusterRules::at_meeting_end(&config));
            let revised: Vec<Option<String>> = records.iter().map(|r| r.speaker.clone()).collect();
            write(hypothesis("final"), &records, &revised);
        }
    }
    if !grid {
        let elapsed = started.elapsed().as_secs_f64();
        println!(
            "rules and re-clustering: {elapsed:.2} s, {:.2} CPU-s per audio hour",
            elapsed / audio_s * 3600.0
        );
    }
}
