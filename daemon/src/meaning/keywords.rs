//! Keywords and named things. Keyphrases are ranked by statistics over the meeting's own text,
//! in the manner of YAKE (Campos et al., 2020): candidates are runs of one to three content
//! words inside a sentence (no stopword, none across punctuation); a phrase
//! scores by how often it is said, in how many sentences and by how many speakers, with longer
//! phrases preferred, and a phrase that only ever occurs inside a longer one gives way to it.
//! A single word also has to be a thing and specific: one common in general use ("end",
//! "talk") weighs less by how common it is, one never seen after a determiner nor first
//! said in the plural (a verb or an adjective: "confirmed", "wrong") weighs less again, and days and
//! months are dates, not topics.
//! People's names (the speakers, and names addressed) are not topics. Entities are capitalised
//! runs that do not start a sentence, numbers and dates. Pure.

use std::collections::{HashMap, HashSet};

use super::text::{Sentence, Word};
use super::{Cues, Language};

/// The longest phrase considered.
const MAX_WORDS: usize = 3;

/// How steeply a single word's weight falls with how common it is: its weight is its rarity
/// (0-1, `Cues::rarity`) to this power. Chosen by measurement over the rooms corpus and the
/// written meetings (keyword recall@10 over 51 meetings: 0.39 without, 0.48 at 1-4 on a flat
/// plateau past 3).
const COMMONNESS_EXPONENT: i32 = 4;

/// The weight of a single word with no sign of being a thing (never after a determiner, first
/// said in the singular: a plural said only later is not looked for). Measured as above: 0.5 and 0.3 alike, 1.0 worse by 0.03.
const NOT_A_THING: f64 = 0.3;

#[derive(Default)]
struct Candidate {
    /// As first written (its usual spelling).
    surface: String,
    count: usize,
    sentences: HashSet<usize>,
    speakers: HashSet<String>,
    first_at: usize,
}

/// The meeting's keyphrases, best first, at most `limit`.
pub fn rank(sentences: &[Sentence], cues: &Cues, limit: usize) -> Vec<String> {
    let mut names = people(sentences, cues);
    names.extend(written_as_names(sentences, cues));
    let things = said_as_things(sentences, cues);
    let mut candidates: HashMap<String, Candidate> = HashMap::new();
    for (index, sentence) in sentences.iter().enumerate() {
        for run in runs(&sentence.words) {
            for n in 1..=MAX_WORDS.min(run.len()) {
                for window in run.windows(n) {
                    if window
                        .iter()
                        .any(|w| cues.is_stopword(&w.lower) || !is_content(w, cues) || names.contains(&w.lower))
                        || (n == 1 && is_calendar(&window[0].lower, cues.language))
                    {
                        continue;
                    }
                    let key = window
                        .iter()
                        .map(|w| stem(&w.lower, cues.language))
                        .collect::<Vec<_>>()
                        .join(" ");
                    let candidate = candidates.entry(key).or_insert_with(|| Candidate {
                        surface: window.iter().map(|w| w.lower.as_str()).collect::<Vec<_>>().join(" "),
                        first_at: index,
                        ..Default::default()
                    });
                    candidate.count += 1;
                    candidate.sentences.insert(index);
                    if let Some(speaker) = &sentence.speaker {
                        candidate.speakers.insert(speaker.clone());
                    }
                }
            }
        }
    }
    let total = sentences.len().max(1) as f64;
    let mut scored: Vec<(f64, &String, &Candidate)> = candidates
        .iter()
        // A word must come back in several sentences, a phrase at least twice.
        .filter(|(key, c)| {
            if key.contains(' ') {
                c.count >= 2
            } else {
                c.sentences.len() >= 2
            }
        })
        .map(|(key, c)| {
            let words = key.split(' ').count() as f64;
            let spread = c.sentences.len() as f64;
            let voices = c.speakers.len().max(1) as f64;
            // A single word is a topic if it names a thing, and a specific one.
            let specific = if words == 1.0 {
                let thing = if things.contains(key.as_str()) || c.surface != **key {
                    1.0
                } else {
                    NOT_A_THING
                };
                thing * cues.rarity(key).powi(COMMONNESS_EXPONENT)
            } else {
                1.0
            };
            // Said often, in several places, by several people; a little earlier is a little
            // better (agendas come first); longer phrases are more specific.
            let score = specific
                * spread.ln_1p()
                * (1.0 + 0.3 * (voices - 1.0))
                * (1.0 + 1.2 * (words - 1.0))
                * (1.0 + 0.2 * (1.0 - c.first_at as f64 / total))
                * (c.count as f64).sqrt();
            (score, key, c)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let mut chosen: Vec<(&String, &Candidate)> = Vec::new();
    for (_, key, candidate) in &scored {
        if chosen.len() >= limit {
            break;
        }
        // A word or phrase mostly said as part of a phrase already chosen adds nothing; a
        // phrase around a chosen word takes its place when it accounts for a good part of it
        // ("dialog" said six times, "conflict dialog" three: the phrase names the topic).
        if chosen
            .iter()
            .any(|(other, c)| contains_words(other, key) && candidate.count <= c.count * 2)
        {
            continue;
        }
        let replaces =
            |(other, c): &(&String, &Candidate)| contains_words(key, other) && candidate.count * 3 >= c.count;
        if let Some(at) = chosen.iter().position(replaces) {
            chosen[at] = (key, candidate);
            chosen.retain(|(other, _)| !contains_words(key, other) || other == key);
            continue;
        }
        if chosen.iter().any(|(other, _)| contains_words(key, other)) {
            continue;
        }
        chosen.push((key, candidate));
    }
    chosen.into_iter().map(|(_, c)| c.surface.clone()).collect()
}

/// Names, numbers and dates said in the meeting, in order of first mention.
pub fn entities(sentences: &[Sentence], cues: &Cues) -> Vec<String> {
    let names = people(sentences, cues);
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for sentence in sentences {
        let words = &sentence.words;
        let mut i = 1;
        while i < words.len() {
            let starts_run =
                words[i].capitalised() && words[i].lower != cues.language.capital_i && !names.contains(&words[i].lower);
            if !starts_run {
                i += 1;
                continue;
            }
            let mut j = i;
            while j + 1 < words.len() && words[j].punct_after.is_none() && words[j + 1].capitalised() {
                j += 1;
            }
            let entity = words[i..=j]
                .iter()
                .map(|w| w.raw.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let weekday_or_month = j == i && is_calendar(&words[i].lower, cues.language);
            if !weekday_or_month && !cues.is_stopword(&words[i].lower) && seen.insert(entity.to_lowercase()) {
                out.push(entity);
            }
            i = j + 1;
        }
        for found in cues.due.find_iter(&sentence.text) {
            let date = cues.date_said(found.as_str()).trim().to_owned();
            if date.split_whitespace().count() > 0 && seen.insert(date.to_lowercase()) {
                out.push(date);
            }
        }
    }
    out
}

/// The lower-case names of the people in the meeting: the speakers, and words addressed as
/// names ("Priya, can you…").
fn people(sentences: &[Sentence], cues: &Cues) -> HashSet<String> {
    let mut names: HashSet<String> = sentences
        .iter()
        .filter_map(|s| s.speaker.as_ref())
        .map(|s| s.to_lowercase())
        .collect();
    for sentence in sentences {
        if let Some(first) = sentence.words.first() {
            if first.punct_after == Some(',') && cues.could_be_name(&first.raw) {
                names.insert(first.lower.clone());
            }
        }
    }
    names
}

/// Lower-case words written as a name every time they are said inside a sentence ("the
/// review for Femi", "and Femi asked"): someone or something named, not a topic. Days and
/// months aside; an acronym ("API") is no name.
fn written_as_names(sentences: &[Sentence], cues: &Cues) -> HashSet<String> {
    // Per word: how often written as a name, and otherwise.
    let mut writings: HashMap<&str, (usize, usize)> = HashMap::new();
    for word in sentences.iter().flat_map(|sentence| sentence.words.iter().skip(1)) {
        let as_name = cues.could_be_name(&word.raw) && word.raw.chars().skip(1).all(char::is_lowercase);
        let counts = writings.entry(word.lower.as_str()).or_default();
        if as_name {
            counts.0 += 1;
        } else {
            counts.1 += 1;
        }
    }
    writings
        .into_iter()
        .filter(|&(word, (as_name, otherwise))| as_name > 0 && otherwise == 0 && !is_calendar(word, cues.language))
        .map(|(word, _)| word.to_owned())
        .collect()
}

/// The words (as counted: singular) said right after a determiner somewhere in the meeting
/// ("the rota", "our budget"): things, whatever else they may also be.
fn said_as_things(sentences: &[Sentence], cues: &Cues) -> HashSet<String> {
    sentences
        .iter()
        .flat_map(|sentence| sentence.words.windows(2))
        .filter(|pair| pair[0].punct_after.is_none() && cues.language.determiners.contains(&pair[0].lower.as_str()))
        .map(|pair| stem(&pair[1].lower, cues.language))
        .collect()
}

/// A day of the week or a month: a date, not a topic.
fn is_calendar(word: &str, language: &Language) -> bool {
    language.weekdays.contains(&word) || language.months.contains(&word)
}

/// Runs of words not broken by punctuation.
fn runs(words: &[Word]) -> Vec<&[Word]> {
    let mut out = Vec::new();
    let mut begin = 0;
    for (i, word) in words.iter().enumerate() {
        if word.punct_after.is_some() {
            out.push(&words[begin..=i]);
            begin = i + 1;
        }
    }
    if begin < words.len() {
        out.push(&words[begin..]);
    }
    out
}

/// A word that can be part of a topic: three or more letters (a hyphen inside), not a number
/// or an adverb of manner.
fn is_content(word: &Word, cues: &Cues) -> bool {
    let lower = word.lower.as_str();
    lower.chars().count() >= 3
        && lower.chars().all(|c| c.is_alphabetic() || c == '-')
        && !(lower.len() > 5 && cues.language.adverb_endings.iter().any(|e| lower.ends_with(e)))
        && !cues.language.numbers.contains(&lower)
        && !cues.language.ordinals.contains(&lower)
}

/// A plural's singular, enough to count "screens" with "screen".
fn stem(word: &str, language: &Language) -> String {
    if language.not_plurals.iter().any(|ending| word.ends_with(ending)) {
        return word.to_owned();
    }
    language
        .plurals
        .iter()
        .find(|(ending, _, shortest)| word.len() >= *shortest && word.ends_with(ending))
        .map_or_else(
            || word.to_owned(),
            |(ending, singular, _)| format!("{}{singular}", &word[..word.len() - ending.len()]),
        )
}

fn contains_words(outer: &str, inner: &str) -> bool {
    outer != inner && format!(" {outer} ").contains(&format!(" {inner} "))
}

#[cfg(test)]
mod tests {
    use super::super::{cues, text};
    use super::*;

    fn sentences(lines: &[(&str, &str)]) -> Vec<Sentence> {
        text::said(lines)
    }

    #[test]
    fn repeated_phrases_said_by_several_people_rank_first_and_names_are_not_topics() {
        let s = sentences(&[
            ("Maya", "Okay, dark mode. Jonas, where is dark mode?"),
            ("Jonas", "Dark mode is blocked by the chart colours."),
            ("Maya", "Then the chart colours go first, before dark mode."),
            ("Jonas", "Fine, and offline sync after that."),
            ("Maya", "Offline sync needs the conflict dialog."),
        ]);
        let keywords = rank(&s, cues("en").unwrap(), 5);
        assert_eq!(&keywords[..2], ["dark mode", "chart colours"], "{keywords:?}");
        assert!(keywords.contains(&"offline sync".to_owned()), "{keywords:?}");
        assert!(
            !keywords.iter().any(|k| k.contains("jonas") || k.contains("maya")),
            "{keywords:?}"
        );
        assert!(
            !keywords.contains(&"mode".to_owned()),
            "a word inside a chosen phrase: {keywords:?}"
        );
    }

    #[test]
    fn someone_talked_about_is_no_topic_but_an_acronym_can_be() {
        let s = sentences(&[
            ("Mira", "This is the review for Femi, the design intern."),
            (
                "Tariq",
                "Femi asked sharp questions, and the SQL exercise went well for Femi.",
            ),
            (
                "Lena",
                "The SQL exercise on Friday, yes. Femi was slow in the SQL exercise.",
            ),
            (
                "Mira",
                "Fine, and the Pool notes by Monday, the pool is the last point.",
            ),
        ]);
        let keywords = rank(&s, cues("en").unwrap(), 10);
        assert!(!keywords.iter().any(|k| k.contains("femi")), "{keywords:?}");
        assert!(keywords.contains(&"sql exercise".to_owned()), "{keywords:?}");
        let names = written_as_names(&s, cues("en").unwrap());
        assert!(names.contains("femi"), "{names:?}");
        for not_a_name in ["sql", "friday", "monday", "pool", "review"] {
            assert!(!names.contains(not_a_name), "{not_a_name}: {names:?}");
        }
    }

    #[test]
    fn a_word_common_everywhere_a_verb_and_a_day_give_way_to_the_thing_talked_about() {
        let s = sentences(&[
            ("Ana", "At the end of term we run the raffle on Friday."),
            ("Ben", "Confirmed. The end of term works, and Friday is fine."),
            (
                "Ana",
                "The raffle prizes are confirmed, so by the end of Friday we are done.",
            ),
            ("Ben", "And the end of the raffle is confirmed for Friday."),
        ]);
        let cues = cues("en").unwrap();
        let keywords = rank(&s, cues, 5);
        assert_eq!(keywords.first().map(String::as_str), Some("raffle"), "{keywords:?}");
        assert!(
            !keywords.contains(&"friday".to_owned()),
            "a day is a date: {keywords:?}"
        );
        let place = |word: &str| keywords.iter().position(|k| k == word).unwrap_or(usize::MAX);
        assert!(place("raffle") < place("end"), "{keywords:?}");
        assert!(place("raffle") < place("confirmed"), "{keywords:?}");
    }

    #[test]
    fn rarity_follows_the_frequency_list() {
        let cues = cues("en").unwrap();
        assert!(cues.rarity("the") < 0.1);
        assert!(cues.rarity("end") < cues.rarity("wheelchair"));
        assert!(cues.rarity("wheelchair") < 1.0);
        assert_eq!(cues.rarity("autoclave"), 1.0, "a word the list does not hold is rare");
    }

    #[test]
    fn entities_are_capitalised_runs_numbers_and_dates() {
        let s = sentences(&[("Ana", "We ship to the App Store on Friday, after Tom signs off.")]);
        let found = entities(&s, cues("en").unwrap());
        assert!(found.contains(&"App Store".to_owned()), "{found:?}");
        assert!(found.contains(&"Tom".to_owned()), "{found:?}");
        assert!(found.iter().any(|e| e.contains("Friday")), "{found:?}");
    }
}
