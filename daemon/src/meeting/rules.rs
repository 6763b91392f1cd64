//! When a meeting starts and ends: pure rules over stream time (seconds into the audio stream),
//! so a WAV file played fast and a live room follow the same rules. Never touches the database.

use crate::config::MeetingConfig;

/// Why a meeting started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartedBy {
    Speech,
    Command,
}

impl StartedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Speech => "speech",
            Self::Command => "command",
        }
    }
}

/// Why a meeting ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndedBy {
    /// `meeting.end_after_quiet_s` passed without speech.
    Quiet,
    Command,
    /// The daemon stopped.
    Shutdown,
    /// Found open at start-up (the daemon had lost power).
    Recovery,
}

impl EndedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Quiet => "quiet",
            Self::Command => "command",
            Self::Shutdown => "shutdown",
            Self::Recovery => "recovery",
        }
    }
}

/// What the rules decide.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision {
    /// Open a meeting beginning at this stream time.
    Start { at: f64, by: StartedBy },
    /// Close the open meeting at this stream time (its last speech, or now for a command).
    End { at: f64, by: EndedBy },
}

/// The meeting rules' memory: whether one is open and when speech was last heard.
#[derive(Debug, Clone)]
pub struct MeetingRules {
    auto_start: bool,
    end_after_quiet_s: f64,
    open: bool,
    /// Stream time of the end of the last speech (or of the start, for a meeting started by
    /// command before anyone spoke).
    last_speech: f64,
}

impl MeetingRules {
    pub fn new(config: &MeetingConfig) -> Self {
        Self {
            auto_start: config.auto_start,
            end_after_quiet_s: f64::from(config.end_after_quiet_s),
            open: false,
            last_speech: 0.0,
        }
    }

    pub fn set_config(&mut self, config: &MeetingConfig) {
        self.auto_start = config.auto_start;
        self.end_after_quiet_s = f64::from(config.end_after_quiet_s);
    }

    pub fn is_open(&self) -> bool {
        self.open
    }

    /// Speech from `start` to `end`: may start a meeting (first, before the speech is stored).
    pub fn speech(&mut self, start: f64, end: f64) -> Option<Decision> {
        let decision = if !self.open && self.auto_start {
            self.open = true;
            Some(Decision::Start {
                at: start,
                by: StartedBy::Speech,
            })
        } else {
            None
        };
        if self.open {
            self.last_speech = self.last_speech.max(end);
        }
        decision
    }

    /// The stream has reached `now` (room metrics arrive on a steady beat, speech or not), and
    /// the VAD `heard_speech` in the window ending there (it knows long before ASR has finished
    /// the words): may end a meeting that has been quiet long enough.
    pub fn tick(&mut self, now: f64, heard_speech: bool) -> Option<Decision> {
        if self.open && heard_speech {
            self.last_speech = self.last_speech.max(now);
        }
        if self.open && now - self.last_speech >= self.end_after_quiet_s {
            self.open = false;
            return Some(Decision::End {
                at: self.last_speech,
                by: EndedBy::Quiet,
            });
        }
        None
    }

    /// A start command at stream time `now`; `None` when one is already open.
    pub fn start_command(&mut self, now: f64) -> Option<Decision> {
        if self.open {
            return None;
        }
        self.open = true;
        self.last_speech = now;
        Some(Decision::Start {
            at: now,
            by: StartedBy::Command,
        })
    }

    /// A stop command, or the daemon stopping (`by`); `None` when none is open.
    pub fn stop(&mut self, now: f64, by: EndedBy) -> Option<Decision> {
        if !self.open {
            return None;
        }
        self.open = false;
        Some(Decision::End {
            at: now.max(self.last_speech),
            by,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(auto_start: bool, quiet: u32) -> MeetingRules {
        MeetingRules::new(&MeetingConfig {
            auto_start,
            end_after_quiet_s: quiet,
        })
    }

    #[test]
    fn speech_starts_a_meeting_and_quiet_ends_it_at_the_last_speech() {
        let mut r = rules(true, 60);
        assert_eq!(
            r.speech(12.0, 15.0),
            Some(Decision::Start {
                at: 12.0,
                by: StartedBy::Speech
            })
        );
        assert_eq!(r.speech(20.0, 31.5), None);
        assert_eq!(r.tick(90.0, false), None, "58.5 s of quiet is not yet 60");
        assert_eq!(
            r.tick(91.5, false),
            Some(Decision::End {
                at: 31.5,
                by: EndedBy::Quiet
            })
        );
        assert!(!r.is_open());
        assert!(matches!(r.speech(200.0, 201.0), Some(Decision::Start { at, .. }) if at == 200.0));
    }

    #[test]
    fn without_auto_start_only_a_command_opens_a_meeting() {
        let mut r = rules(false, 60);
        assert_eq!(r.speech(1.0, 2.0), None);
        assert_eq!(r.tick(500.0, true), None);
        assert_eq!(
            r.start_command(600.0),
            Some(Decision::Start {
                at: 600.0,
                by: StartedBy::Command
            })
        );
        assert_eq!(r.start_command(601.0), None, "one meeting at a time");
        assert_eq!(r.speech(610.0, 612.0), None);
        assert_eq!(
            r.stop(615.0, EndedBy::Command),
            Some(Decision::End {
                at: 615.0,
                by: EndedBy::Command
            })
        );
        assert_eq!(r.stop(616.0, EndedBy::Command), None);
    }

    #[test]
    fn a_commanded_meeting_without_speech_also_ends_after_the_quiet_period() {
        let mut r = rules(true, 30);
        r.start_command(100.0);
        assert_eq!(r.tick(129.0, false), None);
        assert!(matches!(r.tick(130.0, false), Some(Decision::End { at, by: EndedBy::Quiet }) if at == 100.0));
    }

    #[test]
    fn speech_the_vad_heard_keeps_a_meeting_open_before_its_transcript_arrives() {
        let mut r = rules(true, 5);
        r.speech(0.3, 4.3);
        assert_eq!(r.tick(9.0, true), None, "someone is speaking; ASR has not finished yet");
        assert_eq!(r.tick(13.9, false), None);
        assert!(matches!(r.tick(14.0, false), Some(Decision::End { at, .. }) if at == 9.0));
    }

    #[test]
    fn shutdown_ends_at_the_later_of_now_and_the_last_speech() {
        let mut r = rules(true, 30);
        r.speech(5.0, 9.0);
        assert!(matches!(r.stop(7.0, EndedBy::Shutdown), Some(Decision::End { at, .. }) if at == 9.0));
    }
}
