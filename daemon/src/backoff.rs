//! The one wait-before-retrying rule: doubling from a first wait up to a ceiling, each wait
//! drawn at random from the upper half of its step (so a fleet coming back online after an
//! outage does not retry in step). Used wherever something is reopened or reconnected. Pure
//! arithmetic: it never sleeps itself.

use std::time::Duration;

use rand::{Rng, SeedableRng};

pub struct Backoff {
    first: Duration,
    ceiling: Duration,
    attempt: u32,
    rng: rand::rngs::SmallRng,
}

impl Backoff {
    /// Waits start at `first` and double up to `ceiling` (never below `first`).
    pub fn new(first: Duration, ceiling: Duration) -> Self {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        Self {
            first,
            ceiling: ceiling.max(first),
            attempt: 0,
            rng: rand::rngs::SmallRng::seed_from_u64(seed ^ u64::from(std::process::id())),
        }
    }

    /// Changes the ceiling (a live configuration change); the step reached is kept.
    pub fn set_ceiling(&mut self, ceiling: Duration) {
        self.ceiling = ceiling.max(self.first);
    }

    /// The next attempt waits `first` again (the last one worked).
    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    /// How long to wait before the next attempt.
    pub fn next_wait(&mut self) -> Duration {
        let step = self.first.saturating_mul(1 << self.attempt.min(16)).min(self.ceiling);
        self.attempt += 1;
        step.mul_f64(self.rng.random_range(0.5..=1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_up_to_the_ceiling_with_jitter_in_the_upper_half() {
        let mut backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(10));
        for step in [1.0, 2.0, 4.0, 8.0, 10.0, 10.0] {
            let wait = backoff.next_wait().as_secs_f64();
            assert!((step * 0.5..=step).contains(&wait), "{wait} for a step of {step}");
        }
        backoff.reset();
        assert!(backoff.next_wait() <= Duration::from_secs(1));
    }

    #[test]
    fn a_ceiling_below_the_first_wait_is_the_first_wait() {
        let mut backoff = Backoff::new(Duration::from_millis(500), Duration::from_millis(100));
        for _ in 0..3 {
            assert!(backoff.next_wait() <= Duration::from_millis(500));
        }
    }
}
