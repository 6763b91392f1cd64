//! Pure speech segmentation and endpointing: per-frame speech probabilities in, padded
//! segments and pauses out.
//!
//! Rules (double-threshold hysteresis, as Silero VAD's reference `get_speech_timestamps`):
//! - a segment opens when a frame reaches `threshold`;
//! - while speech goes on, frames down to `threshold - 0.15` keep it going; a frame below that
//!   starts a silence, and only a frame back at `threshold` ends the silence (a frame in between
//!   is a blip, not speech: it neither resets nor breaks the silence);
//! - after `pause` of silence the segment so far is handed out once as a pause (speech may
//!   resume: ASR decodes ahead and commits it at a sentence end), and after twice that once more
//!   as a long pause (the end of a turn, whatever its punctuation);
//! - after `min_silence` of silence the segment closes;
//! - every segment keeps `pad` of audio on both sides; bursts shorter than `min_speech` are
//!   dropped;
//! - a segment that reaches `max_segment` is split at its quietest frame in the second half (the
//!   least likely speech, then the lowest level: a pause between words rather than a word), and
//!   the rest goes on as the next segment;
//! - a gap in the stream (audio dropped upstream) closes the open segment;
//! - `quiet` after a segment closed, if no new one opened, the stream is quiet (once; ASR
//!   uses the moment to hear the last finals again).
//!
//! No I/O, no clocks: positions are sample counts.

use std::collections::VecDeque;

use crate::pipeline::SpeechSegment;

/// Segmentation rules, in samples and frames of `frame_samples`.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmenterRules {
    pub frame_samples: usize,
    pub threshold: f32,
    pub min_speech_frames: usize,
    /// Silence after which the segment so far is handed out as a pause.
    pub pause_frames: usize,
    pub min_silence_frames: usize,
    pub pad_samples: usize,
    pub max_segment_samples: usize,
    /// Samples after a segment closed, with no new one open, after which the stream is quiet.
    pub quiet_samples: u64,
}

impl SegmenterRules {
    fn continue_threshold(&self) -> f32 {
        (self.threshold - 0.15).max(0.01)
    }
}

/// What a frame completed.
#[derive(Debug, Clone, PartialEq)]
pub enum Endpoint {
    /// The speech paused: the segment so far, padded as a final would be. It stays open.
    Pause(SpeechSegment),
    /// The same pause lasted twice as long.
    LongPause(SpeechSegment),
    /// The segment closed.
    Closed(SpeechSegment),
    /// `quiet_samples` have passed since a segment closed and none is open (once per quiet
    /// spell); `at_sample` is the stream position.
    Quiet { at_sample: u64 },
}

struct OpenSegment {
    start_sample: u64,
    samples: Vec<f32>,
    /// Every frame pushed into the segment: where it ends in `samples`, and how quiet it is.
    frames: Vec<FrameQuietness>,
    speech_frames: usize,
    /// Where the last speech frame ends in `samples`.
    speech_end: usize,
    trailing_silence_frames: usize,
    /// How often the current silence was handed out: 0, 1 (a pause) or 2 (a long pause).
    pauses_sent: u8,
}

impl OpenSegment {
    /// The segment up to its last speech frame, plus at most `pad` of the silence after it.
    fn padded(&self, pad: usize) -> SpeechSegment {
        let keep = (self.speech_end + pad).min(self.samples.len());
        SpeechSegment {
            start_sample: self.start_sample,
            samples: self.samples[..keep].to_vec(),
            speech_end_sample: self.start_sample + self.speech_end as u64,
        }
    }
}

/// What ranks a frame as a place to split: first its speech probability, then its energy.
#[derive(Debug, Clone, Copy)]
struct FrameQuietness {
    end: usize,
    speech_probability: f32,
    energy: f32,
}

impl FrameQuietness {
    fn quieter_than(&self, other: &FrameQuietness) -> bool {
        (self.speech_probability, self.energy) < (other.speech_probability, other.energy)
    }
}

fn energy(frame: &[f32]) -> f32 {
    frame.iter().map(|s| s * s).sum::<f32>() / frame.len().max(1) as f32
}

pub struct Segmenter {
    rules: SegmenterRules,
    /// The last `pad_samples` of audio outside any segment.
    pre_roll: VecDeque<f32>,
    open: Option<OpenSegment>,
    /// Stream position of the next sample pushed.
    position: u64,
    /// Where the stream will be quiet, if no segment opens first: set when one closes.
    quiet_at: Option<u64>,
}

impl Segmenter {
    pub fn new(rules: SegmenterRules) -> Self {
        Self {
            pre_roll: VecDeque::with_capacity(rules.pad_samples + rules.frame_samples),
            rules,
            open: None,
            position: 0,
            quiet_at: None,
        }
    }

    /// New rules from the next frame on; an open segment stays open under them.
    pub fn set_rules(&mut self, rules: SegmenterRules) {
        self.rules = rules;
    }

    /// Feeds one frame and its speech probability; returns a pause or a closed segment when the
    /// frame completes one.
    pub fn push(&mut self, frame: &[f32], speech_probability: f32) -> Option<Endpoint> {
        let frame_start = self.position;
        self.position += frame.len() as u64;
        let quietness = |end| FrameQuietness {
            end,
            speech_probability,
            energy: energy(frame),
        };
        let Some(open) = self.open.as_mut() else {
            if speech_probability >= self.rules.threshold {
                let mut samples = Vec::with_capacity(self.rules.max_segment_samples);
                samples.extend(self.pre_roll.drain(..));
                samples.extend_from_slice(frame);
                self.open = Some(OpenSegment {
                    start_sample: frame_start - (samples.len() - frame.len()) as u64,
                    frames: vec![quietness(samples.len())],
                    speech_end: samples.len(),
                    samples,
                    speech_frames: 1,
                    trailing_silence_frames: 0,
                    pauses_sent: 0,
                });
            } else {
                self.remember(frame);
                if self.quiet_at.is_some_and(|at| self.position >= at) {
                    self.quiet_at = None;
                    return Some(Endpoint::Quiet {
                        at_sample: self.position,
                    });
                }
            }
            return None;
        };
        open.samples.extend_from_slice(frame);
        open.frames.push(quietness(open.samples.len()));
        let in_silence = open.trailing_silence_frames > 0;
        let speech = if in_silence {
            speech_probability >= self.rules.threshold
        } else {
            speech_probability >= self.rules.continue_threshold()
        };
        if speech {
            open.speech_frames += 1;
            open.trailing_silence_frames = 0;
            open.speech_end = open.samples.len();
            open.pauses_sent = 0;
        } else {
            open.trailing_silence_frames += 1;
        }
        if open.trailing_silence_frames >= self.rules.min_silence_frames {
            return self.close().map(Endpoint::Closed);
        }
        if open.samples.len() >= self.rules.max_segment_samples {
            return self.split_at_quietest().map(Endpoint::Closed);
        }
        let pause = self.rules.pause_frames.max(1);
        if open.speech_frames < self.rules.min_speech_frames {
            return None;
        }
        match open.pauses_sent {
            0 if open.trailing_silence_frames >= pause => {
                open.pauses_sent = 1;
                Some(Endpoint::Pause(open.padded(self.rules.pad_samples)))
            }
            1 if open.trailing_silence_frames >= 2 * pause => {
                open.pauses_sent = 2;
                Some(Endpoint::LongPause(open.padded(self.rules.pad_samples)))
            }
            _ => None,
        }
    }

    /// Splits the open segment after its quietest frame in the second half of the maximum
    /// length; the rest stays open as the next segment.
    fn split_at_quietest(&mut self) -> Option<SpeechSegment> {
        let mut segment = self.open.take()?;
        let half = self.rules.max_segment_samples / 2;
        let cut = segment
            .frames
            .iter()
            .filter(|f| f.end >= half && f.end <= self.rules.max_segment_samples)
            // On a tie the later frame wins: segments stay as long as allowed.
            .fold(None, |best: Option<FrameQuietness>, f| match best {
                Some(b) if b.quieter_than(f) => Some(b),
                _ => Some(*f),
            })
            .map_or(self.rules.max_segment_samples, |f| f.end)
            .min(segment.samples.len());
        let rest = segment.samples.split_off(cut);
        let frames = segment
            .frames
            .iter()
            .filter(|f| f.end > cut)
            .map(|f| FrameQuietness { end: f.end - cut, ..*f })
            .collect();
        // The continuation is the same speech: it inherits the confirmed speech count.
        self.open = Some(OpenSegment {
            start_sample: segment.start_sample + cut as u64,
            samples: rest,
            frames,
            speech_frames: segment.speech_frames,
            speech_end: segment.speech_end.saturating_sub(cut),
            trailing_silence_frames: segment.trailing_silence_frames,
            pauses_sent: segment.pauses_sent,
        });
        Some(SpeechSegment {
            start_sample: segment.start_sample,
            speech_end_sample: segment.start_sample + segment.speech_end.min(cut) as u64,
            samples: segment.samples,
        })
    }

    /// `samples` of the stream are missing (dropped upstream): the open segment ends where its
    /// audio does, the pre-roll is forgotten, and positions skip the gap.
    pub fn skip(&mut self, samples: u64) -> Option<SpeechSegment> {
        self.pre_roll.clear();
        self.position += samples;
        let open = self.open.take()?;
        let speech = open.speech_frames >= self.rules.min_speech_frames;
        if speech {
            self.quiet_at = Some(self.position + self.rules.quiet_samples);
        }
        speech.then_some(SpeechSegment {
            start_sample: open.start_sample,
            speech_end_sample: open.start_sample + open.speech_end as u64,
            samples: open.samples,
        })
    }

    /// A copy of the segment still open (its audio so far), if speech is going on.
    pub fn open_segment(&self) -> Option<SpeechSegment> {
        self.open.as_ref().map(|open| SpeechSegment {
            start_sample: open.start_sample,
            samples: open.samples.clone(),
            speech_end_sample: open.start_sample + open.speech_end as u64,
        })
    }

    /// Whether a segment is open and its latest frame was speech (not a silence that may end it).
    pub fn is_speaking(&self) -> bool {
        self.open.as_ref().is_some_and(|open| open.trailing_silence_frames == 0)
    }

    /// Ends the stream: closes any open segment.
    pub fn finish(&mut self) -> Option<SpeechSegment> {
        self.close()
    }

    /// Closes the open segment, keeping `pad_samples` of its trailing silence; the rest of that
    /// silence becomes pre-roll for the next one.
    fn close(&mut self) -> Option<SpeechSegment> {
        let open = self.open.take()?;
        let segment = open.padded(self.rules.pad_samples);
        self.remember(&open.samples[segment.samples.len()..]);
        let speech = open.speech_frames >= self.rules.min_speech_frames;
        if speech {
            self.quiet_at = Some(self.position + self.rules.quiet_samples);
        }
        speech.then_some(segment)
    }

    fn remember(&mut self, samples: &[f32]) {
        self.pre_roll.extend(samples.iter().copied());
        let excess = self.pre_roll.len().saturating_sub(self.rules.pad_samples);
        self.pre_roll.drain(..excess);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRAME: usize = 10;

    fn rules() -> SegmenterRules {
        SegmenterRules {
            frame_samples: FRAME,
            threshold: 0.5,
            min_speech_frames: 3,
            pause_frames: 2,
            min_silence_frames: 4,
            pad_samples: 20,
            max_segment_samples: 1000,
            quiet_samples: 50,
        }
    }

    /// Feeds frames with the given probabilities (frame i holds the value i) and collects what
    /// comes out, the closing at the end of the stream included.
    fn endpoints(rules: SegmenterRules, probabilities: &[f32]) -> Vec<Endpoint> {
        let mut segmenter = Segmenter::new(rules);
        let mut out = Vec::new();
        for (i, &p) in probabilities.iter().enumerate() {
            out.extend(segmenter.push(&[i as f32; FRAME], p));
        }
        out.extend(segmenter.finish().map(Endpoint::Closed));
        out
    }

    /// The closed segments of `endpoints`.
    fn run(rules: SegmenterRules, probabilities: &[f32]) -> Vec<SpeechSegment> {
        endpoints(rules, probabilities)
            .into_iter()
            .filter_map(|e| match e {
                Endpoint::Closed(segment) => Some(segment),
                Endpoint::Pause(_) | Endpoint::LongPause(_) | Endpoint::Quiet { .. } => None,
            })
            .collect()
    }

    fn pauses(rules: SegmenterRules, probabilities: &[f32]) -> Vec<SpeechSegment> {
        endpoints(rules, probabilities)
            .into_iter()
            .filter_map(|e| match e {
                Endpoint::Pause(segment) => Some(segment),
                Endpoint::Closed(_) | Endpoint::LongPause(_) | Endpoint::Quiet { .. } => None,
            })
            .collect()
    }

    fn frames_of(segment: &SpeechSegment) -> Vec<usize> {
        let mut frames: Vec<usize> = segment.samples.iter().map(|&s| s as usize).collect();
        frames.dedup();
        frames
    }

    #[test]
    fn speech_is_padded_on_both_sides() {
        let p = [0., 0., 0., 0., 1., 1., 1., 1., 0., 0., 0., 0., 0., 0.];
        let segments = run(rules(), &p);
        assert_eq!(segments.len(), 1);
        assert_eq!(frames_of(&segments[0]), vec![2, 3, 4, 5, 6, 7, 8, 9]);
        assert_eq!(segments[0].start_sample, 2 * FRAME as u64);
    }

    #[test]
    fn short_bursts_are_dropped() {
        let p = [0., 1., 1., 0., 0., 0., 0., 0.];
        assert!(run(rules(), &p).is_empty());
    }

    #[test]
    fn short_pauses_do_not_split_a_segment() {
        let p = [1., 1., 1., 0., 0., 0., 1., 1., 0., 0., 0., 0.];
        let segments = run(rules(), &p);
        assert_eq!(segments.len(), 1);
        assert_eq!(frames_of(&segments[0]), (0..=9).collect::<Vec<_>>());
    }

    #[test]
    fn long_pauses_split_segments() {
        let p = [1., 1., 1., 0., 0., 0., 0., 0., 0., 1., 1., 1., 0., 0., 0., 0.];
        let segments = run(rules(), &p);
        assert_eq!(segments.len(), 2);
        assert_eq!(frames_of(&segments[0]), vec![0, 1, 2, 3, 4]);
        assert_eq!(frames_of(&segments[1]), vec![7, 8, 9, 10, 11, 12, 13]);
    }

    #[test]
    fn a_pause_hands_out_the_speech_so_far_padded_like_the_final() {
        // Speech in frames 0-4, then silence: the pause comes after 2 quiet frames, the long
        // pause after 4, the close after 5, and all hold the same audio (speech plus 20
        // samples of padding).
        let rules = SegmenterRules {
            min_silence_frames: 5,
            ..rules()
        };
        let p = [1., 1., 1., 1., 1., 0., 0., 0., 0., 0., 0.];
        let all = endpoints(rules, &p);
        assert_eq!(all.len(), 3, "{all:?}");
        let (Endpoint::Pause(pause), Endpoint::LongPause(long), Endpoint::Closed(closed)) = (&all[0], &all[1], &all[2])
        else {
            panic!("a pause, a long pause, then the close: {all:?}");
        };
        assert_eq!(pause, closed, "a pause nobody speaks after is the final segment");
        assert_eq!(long, closed);
        assert_eq!(frames_of(pause), (0..=6).collect::<Vec<_>>());
        assert_eq!(pause.speech_end_sample, 5 * FRAME as u64);
    }

    #[test]
    fn a_pause_is_handed_out_once_per_silence_and_the_segment_goes_on() {
        let p = [1., 1., 1., 0., 0., 0., 1., 1., 0., 0., 0., 0., 0.];
        let pauses = pauses(rules(), &p);
        assert_eq!(pauses.len(), 2, "one per silence: {pauses:?}");
        assert_eq!(frames_of(&pauses[0]), vec![0, 1, 2, 3, 4]);
        assert_eq!(pauses[0].speech_end_sample, 3 * FRAME as u64);
        assert_eq!(pauses[1].start_sample, 0, "the same segment, grown");
        assert_eq!(pauses[1].speech_end_sample, 8 * FRAME as u64);
        assert_eq!(
            run(rules(), &p).len(),
            1,
            "a pause shorter than min_silence splits nothing"
        );
    }

    #[test]
    fn speech_shorter_than_min_speech_gives_no_pause() {
        let p = [1., 1., 0., 0., 0., 0.];
        assert!(endpoints(rules(), &p).is_empty());
    }

    #[test]
    fn a_blip_between_the_thresholds_does_not_end_a_silence() {
        // After speech, 0.4 (between 0.35 and 0.5) keeps speech going; once silence began, the
        // same 0.4 is a blip that neither resets the silence nor counts as speech.
        let p = [1., 1., 1., 0., 0.4, 0., 0., 0., 0., 0.];
        let segments = run(rules(), &p);
        assert_eq!(segments.len(), 1);
        assert_eq!(segments[0].speech_end_sample, 3 * FRAME as u64);
        assert_eq!(
            frames_of(&segments[0]),
            vec![0, 1, 2, 3, 4],
            "closed 4 frames after the speech, padding 2"
        );
    }

    #[test]
    fn only_a_frame_at_the_threshold_ends_a_silence() {
        let p = [1., 1., 1., 0., 0., 0., 0.5, 0., 0., 0., 0., 0.];
        let segments = run(rules(), &p);
        assert_eq!(segments.len(), 1);
        assert_eq!(segments[0].speech_end_sample, 7 * FRAME as u64);
    }

    #[test]
    fn hysteresis_keeps_a_segment_open_just_below_the_threshold() {
        let p = [0.9, 0.9, 0.9, 0.4, 0.4, 0.4, 0.4, 0.4, 0., 0., 0., 0.];
        let segments = run(rules(), &p);
        assert_eq!(segments.len(), 1);
        assert_eq!(frames_of(&segments[0]), (0..=9).collect::<Vec<_>>());
    }

    #[test]
    fn long_speech_is_cut_at_the_maximum_length_without_losing_samples() {
        let rules = SegmenterRules {
            max_segment_samples: 50,
            ..rules()
        };
        // Speech at a steady level: no frame is quieter than another.
        let mut segmenter = Segmenter::new(rules);
        let mut segments = Vec::new();
        for _ in 0..12 {
            segments.extend(segmenter.push(&[0.5; FRAME], 1.0).map(|e| match e {
                Endpoint::Closed(segment) => segment,
                Endpoint::Pause(_) | Endpoint::LongPause(_) | Endpoint::Quiet { .. } => {
                    panic!("no pause in steady speech")
                }
            }));
        }
        segments.extend(segmenter.finish());
        assert_eq!(
            segments.iter().map(|s| s.samples.len()).collect::<Vec<_>>(),
            vec![50, 50, 20]
        );
        assert_eq!(segments[1].start_sample, 50);
        assert_eq!(segments[2].start_sample, 100);
    }

    #[test]
    fn long_speech_is_split_at_its_quietest_frame_in_the_second_half() {
        let rules = SegmenterRules {
            max_segment_samples: 100,
            ..rules()
        };
        // Ten frames of speech fill the maximum; frame 7 is a brief dip (a pause between words),
        // frame 2 a deeper one but too early to cut at.
        let p = [1., 1., 0.2, 1., 1., 1., 1., 0.6, 1., 1., 1., 1., 0., 0., 0., 0.];
        let segments = run(rules, &p);
        assert_eq!(segments.len(), 2);
        assert_eq!(frames_of(&segments[0]), (0..=7).collect::<Vec<_>>());
        assert_eq!(segments[1].start_sample, 80);
        assert_eq!(frames_of(&segments[1])[0], 8, "nothing lost at the cut");
    }

    #[test]
    fn equally_likely_frames_split_at_the_lowest_energy() {
        let rules = SegmenterRules {
            max_segment_samples: 100,
            ..rules()
        };
        let mut segmenter = Segmenter::new(rules);
        let mut out = Vec::new();
        for i in 0..10 {
            let level = if i == 6 { 0.01 } else { 0.5 };
            out.extend(segmenter.push(&[level; FRAME], 0.9));
        }
        assert_eq!(out.len(), 1);
        let Endpoint::Closed(first) = &out[0] else {
            panic!("a split closes a segment: {out:?}")
        };
        assert_eq!(first.samples.len(), 70, "cut after the quiet frame 6");
    }

    #[test]
    fn a_segment_closed_by_a_gap_is_followed_by_quiet_too() {
        let mut segmenter = Segmenter::new(rules());
        for i in 0..4 {
            segmenter.push(&[i as f32; FRAME], 1.0);
        }
        assert!(segmenter.skip(1_000).is_some());
        let quiet: Vec<Endpoint> = (0..8).filter_map(|_| segmenter.push(&[0.0; FRAME], 0.0)).collect();
        assert_eq!(quiet, [Endpoint::Quiet { at_sample: 1_090 }]);
    }

    #[test]
    fn a_gap_in_the_stream_closes_the_open_segment_and_moves_time_on() {
        let mut segmenter = Segmenter::new(rules());
        for i in 0..4 {
            assert!(segmenter.push(&[i as f32; FRAME], 1.0).is_none());
        }
        let closed = segmenter.skip(1_000).expect("the speech before the gap");
        assert_eq!(frames_of(&closed), vec![0, 1, 2, 3]);
        for _ in 0..3 {
            segmenter.push(&[9.0; FRAME], 1.0);
        }
        let after = segmenter.finish().unwrap();
        assert_eq!(after.start_sample, 40 + 1_000, "positions count the missing audio");
        assert_eq!(frames_of(&after), vec![9], "no pre-roll from before the gap");
    }

    #[test]
    fn the_open_segment_can_be_seen_while_speech_goes_on() {
        let mut segmenter = Segmenter::new(rules());
        assert!(segmenter.open_segment().is_none());
        for (i, p) in [0.0, 0.0, 1.0, 1.0].into_iter().enumerate() {
            segmenter.push(&[i as f32; FRAME], p);
        }
        let open = segmenter.open_segment().unwrap();
        assert_eq!(open.start_sample, 0);
        assert_eq!(frames_of(&open), vec![0, 1, 2, 3]);
    }

    #[test]
    fn open_segment_is_flushed_at_the_end_of_the_stream() {
        let p = [0., 1., 1., 1., 1.];
        let segments = run(rules(), &p);
        assert_eq!(segments.len(), 1);
        assert_eq!(frames_of(&segments[0]), vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn the_stream_is_quiet_once_some_time_after_a_segment_closed_with_none_open() {
        // Speech frames 2-5; the segment closes 4 silent frames later, at frame 9's end (100);
        // 50 samples on (frame 14's end) the stream is quiet. A blip too short to be speech
        // (frame 17) opens no segment and does not put it off; the quiet is said once.
        let mut p = vec![0.0; 30];
        p[2..6].fill(1.0);
        p[17] = 1.0;
        let quiet: Vec<u64> = endpoints(rules(), &p)
            .into_iter()
            .filter_map(|e| match e {
                Endpoint::Quiet { at_sample } => Some(at_sample),
                _ => None,
            })
            .collect();
        assert_eq!(quiet, [150]);
        // Speech again before the quiet comes: no quiet until its own segment closed.
        let mut p = vec![0.0; 40];
        p[2..6].fill(1.0);
        p[12..16].fill(1.0);
        let ends: Vec<String> = endpoints(rules(), &p)
            .into_iter()
            .filter_map(|e| match e {
                Endpoint::Quiet { at_sample } => Some(format!("quiet {at_sample}")),
                Endpoint::Closed(segment) => Some(format!("closed {}", segment.end_sample())),
                _ => None,
            })
            .collect();
        assert_eq!(ends.first().map(String::as_str), Some("closed 80"));
        assert_eq!(ends.iter().filter(|e| e.starts_with("quiet")).count(), 1, "{ends:?}");
        assert!(ends.last().unwrap().starts_with("quiet 2"), "{ends:?}");
    }
}
