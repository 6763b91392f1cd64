//! Live partial hypotheses with LocalAgreement-2 (Macháček et al., "Turning Whisper into
//! Real-Time Transcription System", 2023): the growing speech buffer is re-decoded about once a
//! second, and the words two consecutive passes agree on are committed; the rest is tentative.
//! Committed words never change until the segment's final transcript replaces them all.
//! Pure: words in, words out.

/// What a partial shows: the stable prefix, and the tentative rest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Partial {
    pub stable: String,
    pub tentative: String,
}

impl Partial {
    /// The whole hypothesis: stable words, then tentative ones.
    pub fn text(&self) -> String {
        match (self.stable.is_empty(), self.tentative.is_empty()) {
            (true, _) => self.tentative.clone(),
            (false, true) => self.stable.clone(),
            (false, false) => format!("{} {}", self.stable, self.tentative),
        }
    }
}

/// The agreement state of one open speech segment.
#[derive(Debug, Default)]
pub struct LocalAgreement {
    committed: Vec<String>,
    previous: Vec<String>,
}

impl LocalAgreement {
    /// Takes the newest hypothesis of the whole buffer so far.
    pub fn update(&mut self, hypothesis: &str) -> Partial {
        let words: Vec<String> = hypothesis.split_whitespace().map(str::to_owned).collect();
        let agreed = self
            .previous
            .iter()
            .zip(&words)
            .take_while(|(a, b)| same_word(a, b))
            .count();
        // Commit only forward, and only what still agrees with what was committed before.
        let still_consistent = self.committed.iter().zip(&words).all(|(a, b)| same_word(a, b));
        if agreed > self.committed.len() && still_consistent {
            self.committed = words[..agreed].to_vec();
        }
        let tentative = if still_consistent {
            words.get(self.committed.len()..).unwrap_or_default().join(" ")
        } else {
            String::new()
        };
        self.previous = words;
        Partial {
            stable: self.committed.join(" "),
            tentative,
        }
    }

    /// The segment ended (its final transcript takes over): start again.
    pub fn reset(&mut self) {
        self.committed.clear();
        self.previous.clear();
    }
}

/// Words agree when they differ at most in case and punctuation (a comma that comes and goes
/// as more context arrives is not a disagreement).
fn same_word(a: &str, b: &str) -> bool {
    let key = |w: &str| -> String {
        w.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    key(a) == key(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_stable_after_one_pass() {
        let mut agreement = LocalAgreement::default();
        let partial = agreement.update("Good morning every");
        assert_eq!(partial.stable, "");
        assert_eq!(partial.tentative, "Good morning every");
    }

    #[test]
    fn words_two_passes_agree_on_become_stable() {
        let mut agreement = LocalAgreement::default();
        agreement.update("Good morning every");
        let partial = agreement.update("Good morning, everyone. Let's");
        assert_eq!(partial.stable, "Good morning,");
        assert_eq!(partial.tentative, "everyone. Let's");
        assert_eq!(partial.text(), "Good morning, everyone. Let's");
    }

    #[test]
    fn stable_words_never_shrink_when_a_later_pass_disagrees() {
        let mut agreement = LocalAgreement::default();
        agreement.update("We agreed to spend");
        agreement.update("We agreed to spend the money");
        let partial = agreement.update("We agreed to spent the money on");
        assert_eq!(partial.stable, "We agreed to spend");
        assert_eq!(
            partial.tentative, "",
            "a pass that contradicts the stable words shows nothing new"
        );
    }

    #[test]
    fn reset_starts_a_new_segment() {
        let mut agreement = LocalAgreement::default();
        agreement.update("a b c");
        agreement.update("a b c d");
        agreement.reset();
        assert_eq!(agreement.update("x y").stable, "");
    }
}
