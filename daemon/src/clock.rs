//! The two clock helpers every module shares: wall-clock Unix milliseconds (payload stamps,
//! signature windows, meeting start times) and rounding seconds to whole milliseconds (every
//! time we publish or store). Never sleeps and never keeps time itself.

/// Unix time in milliseconds: every payload's `ts`, and the clock signatures are checked against.
pub fn unix_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// `seconds` rounded to the millisecond, as every published and stored time is.
pub fn round_ms(seconds: f64) -> f64 {
    (seconds * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_to_the_nearest_millisecond() {
        assert_eq!(round_ms(1.23449), 1.234);
        assert_eq!(round_ms(1.2345), 1.235);
        assert_eq!(round_ms(-0.0004), -0.0);
    }

    #[test]
    fn unix_millis_is_after_2024() {
        assert!(unix_millis() > 1_704_067_200_000);
    }
}
