//! The clock helpers every module shares: wall-clock Unix milliseconds (payload stamps,
//! signature windows, meeting start times), the room's local day and offset (due dates and
//! documents say what the room's clock said, not UTC) and rounding seconds to whole
//! milliseconds (every time we publish or store). Never sleeps and never keeps time itself.

/// Unix time in milliseconds: every payload's `ts`, and the clock signatures are checked against.
pub fn unix_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// The offset from UTC, in seconds, of the room's clock at Unix time `unix_ms`: the system time
/// zone (`TZ`, else /etc/localtime; 0 where neither names one, as on an image left at UTC).
pub fn local_offset_s(unix_ms: u64) -> i32 {
    i64::try_from(unix_ms)
        .ok()
        .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
        .map_or(0, |instant| jiff::tz::TimeZone::system().to_offset(instant).seconds())
}

/// Days since 1970-01-01 of the date a clock `offset_s` from UTC shows at Unix time `unix_ms`.
pub fn day_at(unix_ms: u64, offset_s: i32) -> i64 {
    (unix_ms as i64 + i64::from(offset_s) * 1000).div_euclid(86_400_000)
}

/// The room's day at `unix_ms`: "tomorrow" said at 7 pm in Denver is the next local day, not
/// the next UTC one.
pub fn local_day(unix_ms: u64) -> i64 {
    day_at(unix_ms, local_offset_s(unix_ms))
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
    fn the_day_is_the_one_the_rooms_clock_shows() {
        // 2026-12-03 02:00 UTC.
        let at = 1_796_263_200_000;
        let utc_day = at / 86_400_000;
        assert_eq!(day_at(at, 0), utc_day as i64);
        assert_eq!(
            day_at(at, -7 * 3600),
            utc_day as i64 - 1,
            "19:00 the day before in Denver"
        );
        assert_eq!(day_at(at, 9 * 3600), utc_day as i64, "11:00 the same day in Tokyo");
        assert_eq!(
            day_at(at, 22 * 3600),
            utc_day as i64 + 1,
            "a clock 22 h ahead is on the next day"
        );
    }

    #[test]
    fn unix_millis_is_after_2024() {
        assert!(unix_millis() > 1_704_067_200_000);
    }
}
