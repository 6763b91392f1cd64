//! How refused commands and configuration documents reach the log: the first of each burst in
//! full, the rest counted, so that a client flooding the command or config topics cannot flood
//! the journal (or slow the answers to everyone else). Pure: the caller passes the time. Never drops the reply itself, only the
//! log line.

use std::time::{Duration, Instant};

/// How long after a logged refusal further ones are only counted.
pub const QUIET_FOR: Duration = Duration::from_secs(10);

/// What to log for one refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLine {
    /// Log this refusal in full; `quieted` more were refused (and not logged) before it.
    Full { quieted: u64 },
    /// Only counted.
    Quiet,
}

/// Refusals seen, and when the last one was logged.
#[derive(Debug, Default)]
pub struct RefusalLog {
    last_logged: Option<Instant>,
    quieted: u64,
}

impl RefusalLog {
    /// Whether the refusal seen `now` is logged in full.
    pub fn refused(&mut self, now: Instant) -> LogLine {
        match self.last_logged {
            Some(at) if now.saturating_duration_since(at) < QUIET_FOR => {
                self.quieted += 1;
                LogLine::Quiet
            }
            _ => {
                self.last_logged = Some(now);
                LogLine::Full {
                    quieted: std::mem::take(&mut self.quieted),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_logs_its_first_refusal_and_counts_the_rest_into_the_next_line() {
        let start = Instant::now();
        let mut log = RefusalLog::default();
        assert_eq!(log.refused(start), LogLine::Full { quieted: 0 });
        for i in 1..=500 {
            assert_eq!(log.refused(start + Duration::from_millis(i)), LogLine::Quiet);
        }
        assert_eq!(log.refused(start + QUIET_FOR), LogLine::Full { quieted: 500 });
        assert_eq!(log.refused(start + QUIET_FOR * 3), LogLine::Full { quieted: 0 });
    }
}
