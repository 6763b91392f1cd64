//! Cutting text that came from outside (a field's value, a user name, a topic) to a length fit
//! for an error message or a log line, so that a 10 MB value gives a one-line error. Pure; the
//! one place such text is cut.

/// The longest piece of outside text an error message quotes, in characters.
pub const QUOTE_CHARS: usize = 200;

/// `text` cut to `max_chars` characters, with "…" where it was cut.
pub fn cut(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_with_an_ellipsis_and_short_text_kept() {
        assert_eq!(cut("abcdef", 3), "abc…");
        assert_eq!(cut("abc", 3), "abc");
        assert_eq!(cut("ééé", 2), "éé…", "cuts on characters, not bytes");
        assert_eq!(
            cut(&"x".repeat(10_000_000), QUOTE_CHARS).chars().count(),
            QUOTE_CHARS + 1
        );
    }
}
