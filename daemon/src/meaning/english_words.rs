//! The English names of days and months, which both the cue table (`english`) and the learned
//! scorers' word classes (`learned`) read, kept apart so that `build.rs`, which trains the
//! scorers, compiles them too.
//! Plain constants: never does I/O.

pub const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

pub const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
