//! The upstream bandwidth cap: a token bucket over payload bytes. Pure arithmetic on a clock.

use std::time::{Duration, Instant};

pub struct TokenBucket {
    /// Bytes per second; `None` is no cap.
    rate: Option<f64>,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    /// A cap of `kbps` kilobits per second (0: none). It may burst one second's worth.
    pub fn new(kbps: u32) -> Self {
        let rate = (kbps > 0).then(|| f64::from(kbps) * 1000.0 / 8.0);
        Self {
            rate,
            tokens: rate.unwrap_or(0.0),
            last: Instant::now(),
        }
    }

    /// Takes `bytes` if the cap allows them now; otherwise says how long to wait. A payload
    /// larger than one second's worth goes once the bucket is full (it could never fit).
    pub fn take(&mut self, bytes: usize) -> Option<Duration> {
        self.take_at(bytes, Instant::now())
    }

    fn take_at(&mut self, bytes: usize, now: Instant) -> Option<Duration> {
        let rate = self.rate?;
        self.tokens = (self.tokens + now.duration_since(self.last).as_secs_f64() * rate).min(rate);
        self.last = now;
        let needed = (bytes as f64).min(rate);
        if self.tokens >= needed {
            self.tokens -= bytes as f64;
            None
        } else {
            Some(Duration::from_secs_f64((needed - self.tokens) / rate))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_cap_never_waits() {
        let mut bucket = TokenBucket::new(0);
        assert_eq!(bucket.take(10_000_000), None);
    }

    #[test]
    fn the_cap_allows_one_second_then_paces_at_the_rate() {
        let start = Instant::now();
        let mut bucket = TokenBucket::new(80); // 10 000 bytes/s
        bucket.last = start;
        assert_eq!(bucket.take_at(6_000, start), None);
        assert_eq!(bucket.take_at(4_000, start), None);
        let wait = bucket.take_at(1_000, start).unwrap();
        assert!((wait.as_secs_f64() - 0.1).abs() < 1e-9, "{wait:?}");
        assert_eq!(bucket.take_at(1_000, start + Duration::from_millis(100)), None);
    }

    #[test]
    fn an_oversized_payload_goes_when_the_bucket_is_full_and_leaves_a_debt() {
        let start = Instant::now();
        let mut bucket = TokenBucket::new(8); // 1 000 bytes/s
        bucket.last = start;
        assert_eq!(bucket.take_at(5_000, start), None);
        let wait = bucket.take_at(10, start).unwrap();
        assert!(
            wait >= Duration::from_secs(4),
            "the debt of 4 000 bytes is paid first: {wait:?}"
        );
    }
}
