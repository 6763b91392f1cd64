//! Who is in the meeting, as far as it has gone: who has spoken and which names have been said
//! (not opening a sentence, where any word is capitalised), counted from the meeting's start.
//! The rules ask it whether a word names someone ("Luis takes San Javier"), so that the live
//! feed, which reads only its window, and the summary, which reads everything, know the same
//! people: a name said before the window still names someone in it. Pure: never decides what a
//! sentence means.

use std::collections::{HashMap, HashSet};

use super::{text, Cues};

/// The names said in `said`, one utterance, each time it says one ("Luis can do it, Luis
/// knows them" says Luis twice; a name opening a sentence is not counted).
pub fn names_said(said: &str, cues: &Cues) -> Vec<String> {
    text::split_sentences(said.trim(), cues.language)
        .into_iter()
        .flat_map(|sentence| {
            text::words(sentence)
                .into_iter()
                .skip(1)
                .filter(|word| cues.could_be_name(&word.raw))
                .map(|word| word.raw)
        })
        .collect()
}

/// The people of a meeting so far.
#[derive(Debug, Default)]
pub struct Heard {
    speakers: HashSet<String>,
    /// How many times each name has been said.
    names: HashMap<String, usize>,
}

impl Heard {
    /// From each utterance's speaker and the names it says (`names_said`).
    pub fn new<'a>(
        speakers: impl IntoIterator<Item = Option<&'a str>>,
        names: impl IntoIterator<Item = &'a [String]>,
    ) -> Self {
        let mut heard = Heard::default();
        for speaker in speakers.into_iter().flatten() {
            heard.add(Some(speaker), &[]);
        }
        for names in names {
            heard.add(None, names);
        }
        heard
    }

    /// One more utterance: its speaker and the names it says (`names_said`).
    pub fn add(&mut self, speaker: Option<&str>, names: &[String]) {
        if let Some(speaker) = speaker.filter(|s| !self.speakers.contains(*s)) {
            self.speakers.insert(speaker.to_owned());
        }
        for name in names {
            *self.names.entry(name.clone()).or_default() += 1;
        }
    }

    /// From the utterances of the whole meeting so far.
    pub fn of(utterances: &[text::Utterance], cues: &Cues) -> Self {
        let names: Vec<Vec<String>> = utterances.iter().map(|u| names_said(&u.text, cues)).collect();
        Heard::new(
            utterances.iter().map(|u| u.speaker.as_deref()),
            names.iter().map(Vec::as_slice),
        )
    }

    /// `who` has spoken in the meeting.
    pub fn speaks(&self, who: &str) -> bool {
        self.speakers.contains(who)
    }

    /// How many times the name `who` has been said.
    pub fn said(&self, who: &str) -> usize {
        self.names.get(who).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::super::cues;
    use super::*;

    #[test]
    fn names_are_counted_where_they_do_not_open_a_sentence() {
        let cues = cues("en").unwrap();
        assert_eq!(
            names_said(
                "Luis and I can split it. I take Cauquenes, Luis takes San Javier.",
                cues
            ),
            ["Cauquenes", "Luis", "San", "Javier"]
        );
        let utterances = text::utterances([("Ana", "Ask Luis, or Luis himself."), ("S2", "Fine.")]);
        let heard = Heard::of(&utterances, cues);
        assert_eq!((heard.said("Luis"), heard.said("Ana"), heard.said("Ask")), (2, 0, 0));
        assert!(heard.speaks("Ana") && heard.speaks("S2") && !heard.speaks("Luis"));
    }
}
