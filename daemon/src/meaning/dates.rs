//! Due dates: a spoken time ("Friday", "before Thursday's stand-up", "the fourteenth", "end of
//! next week") as a calendar date relative to the meeting's date, where it names one ("next
//! sprint" or "before Easter" stay words). Civil-calendar arithmetic on days since 1970-01-01;
//! pure, and never reads a clock.

use super::Language;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of `days` since 1970-01-01: (year, month, day).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// ISO date text of `days`.
pub fn iso(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Monday = 0 … Sunday = 6.
fn weekday(days: i64) -> i64 {
    (days + 3).rem_euclid(7)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    let next = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    (days_from_civil(next.0, next.1, 1) - days_from_civil(year, month, 1)) as u32
}

/// The date `due` names, said at a meeting on day `today`; none when it names no single day.
pub fn resolve(due: &str, today: i64, language: &Language) -> Option<i64> {
    let due = due.to_lowercase().replace(['’', '‘'], "'");
    let words: Vec<&str> = due
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let has = |w: &str| words.contains(&w);
    let after_word = |w: &str| {
        words
            .iter()
            .position(|x| *x == w)
            .and_then(|i| words.get(i + 1))
            .copied()
    };
    let friday_of_week = |day: i64| day + (4 - weekday(day));
    let w = &language.date_words;
    if w.today.iter().any(|t| has(t)) || (has(w.end) && after_word(w.of) == Some(w.day)) {
        return Some(today);
    }
    if has(w.this) && after_word(w.this).is_some_and(|part| w.parts_of_day.contains(&part)) {
        return Some(today);
    }
    if has(w.tomorrow) {
        return Some(today + 1);
    }
    if has(w.end) {
        let next = has(w.next);
        if has(w.week) {
            let friday = friday_of_week(today);
            return Some(if next { friday + 7 } else { friday.max(today) });
        }
        if has(w.month) {
            let (y, m, _) = civil_from_days(today);
            let (y, m) = match next {
                true if m == 12 => (y + 1, 1),
                true => (y, m + 1),
                false => (y, m),
            };
            return Some(days_from_civil(y, m, days_in_month(y, m)));
        }
        // "by the end of January": that month's last day, next year's once it has gone by.
        if let Some(month) = language.months.iter().position(|m| has(m)).map(|i| i as u32 + 1) {
            let (year, this_month, _) = civil_from_days(today);
            let year = if month < this_month { year + 1 } else { year };
            return Some(days_from_civil(year, month, days_in_month(year, month)));
        }
        return None;
    }
    for (index, name) in language.weekdays.iter().enumerate() {
        let said = words
            .iter()
            .position(|word| word.trim_end_matches(w.possessive) == *name);
        if let Some(position) = said {
            let ahead = (index as i64 - weekday(today)).rem_euclid(7);
            let ahead = if ahead == 0 { 7 } else { ahead };
            let next = position > 0 && words[position - 1] == w.next;
            // "next Monday" said before the weekend means the one after the coming one.
            let extra = if next && today + ahead <= friday_of_week(today) + 2 {
                7
            } else {
                0
            };
            return Some(today + ahead + extra);
        }
    }
    // A spelled ordinal is a day after "the" or a month, before "of" or a month, or last ("the
    // fourteenth at noon", "March first", "first of May", "by the fourteenth"), with no thing
    // after it: not "first thing" or "the first week of March", which name no day.
    let is_day = |at: usize| {
        let before = at.checked_sub(1).map(|b| words[b]);
        let after = words.get(at + 1).copied();
        let a_thing_follows = after.is_some_and(|a| {
            a != w.of
                && a.chars().all(char::is_alphabetic)
                && !language.months.contains(&a)
                && !language.weekdays.contains(&a)
                && !w.day_followers.contains(&a)
        });
        let placed = before.is_some_and(|b| b == w.the || language.months.contains(&b))
            || after.is_none_or(|a| a == w.of || language.months.contains(&a));
        placed && !a_thing_follows
    };
    let day_of_month = words.iter().enumerate().find_map(|(at, word)| {
        language
            .ordinals
            .iter()
            .position(|o| o == word)
            .filter(|_| is_day(at))
            .map(|i| i as u32 + 1)
            .or_else(|| {
                let digits = word.trim_end_matches(|c: char| c.is_alphabetic());
                (digits.len() < word.len() || words.len() > 1)
                    .then(|| digits.parse::<u32>().ok())
                    .flatten()
                    .filter(|d| (1..=31).contains(d))
            })
    });
    let month = language.months.iter().position(|m| has(m)).map(|i| i as u32 + 1);
    let (year, this_month, day_today) = civil_from_days(today);
    match (day_of_month, month) {
        (Some(day), Some(month)) => {
            let year = if (month, day) < (this_month, day_today) {
                year + 1
            } else {
                year
            };
            (day <= days_in_month(year, month)).then(|| days_from_civil(year, month, day))
        }
        (Some(day), None) => {
            let (y, m) = if day >= day_today {
                (year, this_month)
            } else if this_month == 12 {
                (year + 1, 1)
            } else {
                (year, this_month + 1)
            };
            (day <= days_in_month(y, m)).then(|| days_from_civil(y, m, day))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::english::ENGLISH;
    use super::*;

    /// Wednesday 2026-12-02.
    fn today() -> i64 {
        days_from_civil(2026, 12, 2)
    }

    fn resolved(due: &str) -> Option<String> {
        resolve(due, today(), &ENGLISH).map(iso)
    }

    #[test]
    fn the_calendar_round_trips() {
        for days in [-1000, 0, 19_000, 20_424, 60_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(iso(0), "1970-01-01");
        assert_eq!(weekday(today()), 2, "a Wednesday");
    }

    #[test]
    fn spoken_days_become_dates_after_the_meeting() {
        assert_eq!(resolved("today").as_deref(), Some("2026-12-02"));
        assert_eq!(resolved("end of day").as_deref(), Some("2026-12-02"));
        assert_eq!(resolved("tomorrow morning").as_deref(), Some("2026-12-03"));
        assert_eq!(resolved("before Friday").as_deref(), Some("2026-12-04"));
        assert_eq!(resolved("before Thursday's stand-up").as_deref(), Some("2026-12-03"));
        assert_eq!(
            resolved("by Wednesday").as_deref(),
            Some("2026-12-09"),
            "not the same day"
        );
        assert_eq!(resolved("next Monday").as_deref(), Some("2026-12-07"));
        assert_eq!(resolved("by the end of the week").as_deref(), Some("2026-12-04"));
        assert_eq!(resolved("the end of next week").as_deref(), Some("2026-12-11"));
        assert_eq!(resolved("end of the month").as_deref(), Some("2026-12-31"));
        assert_eq!(resolved("by the end of January").as_deref(), Some("2027-01-31"));
        assert_eq!(resolved("end of December").as_deref(), Some("2026-12-31"));
        assert_eq!(resolved("on the fourteenth").as_deref(), Some("2026-12-14"));
        assert_eq!(resolved("the 1st").as_deref(), Some("2027-01-01"), "the next first");
        assert_eq!(resolved("the fourteenth at noon").as_deref(), Some("2026-12-14"));
        assert_eq!(resolved("first thing"), None, "early, on no day said");
        assert_eq!(resolved("first thing Friday").as_deref(), Some("2026-12-04"));
        assert_eq!(resolved("March first").as_deref(), Some("2027-03-01"));
        assert_eq!(resolved("first of March").as_deref(), Some("2027-03-01"));
        assert_eq!(resolved("the first week of March"), None, "a week, not a day");
        assert_eq!(resolved("the nineteenth of March").as_deref(), Some("2027-03-19"));
    }

    #[test]
    fn spans_and_events_stay_words() {
        for due in [
            "next sprint",
            "before Easter",
            "next month",
            "next week",
            "before the tickets go on sale",
        ] {
            assert_eq!(resolved(due), None, "{due}");
        }
    }
}
