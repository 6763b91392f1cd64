//! Sentences and words: a meeting's final transcripts cut into sentences (each knowing its
//! segment, speaker, turn and time) and sentences into words. Pure; never decides what a
//! sentence means.

use super::Language;

/// One final transcript segment as the meaning rules see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Utterance {
    /// The segment's sequence number.
    pub seq: u64,
    pub start: f64,
    pub end: f64,
    /// An enrolled name, else the meeting's label; none without the speakers stage.
    pub speaker: Option<String>,
    pub text: String,
}

/// One sentence of the meeting.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    pub text: String,
    /// Index of its utterance.
    pub utterance: usize,
    /// Its place in the utterance (0 for the first sentence).
    pub index: usize,
    /// The segment it starts in.
    pub seq: u64,
    /// Every segment it spans (a sentence the recogniser cut across segments is whole here).
    pub seqs: Vec<u64>,
    pub speaker: Option<String>,
    /// Runs of consecutive utterances by the same speaker share a turn number (without
    /// speakers, every utterance is a turn of its own).
    pub turn: usize,
    /// Times interpolated by the sentence's place in the utterance's text.
    pub start: f64,
    pub end: f64,
    pub words: Vec<Word>,
}

impl Sentence {
    pub fn is_question(&self) -> bool {
        self.text.trim_end().ends_with('?')
    }

    /// The words in lower case, apostrophes straightened.
    pub fn lower(&self) -> String {
        self.words
            .iter()
            .map(|w| w.lower.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A word with what surrounds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// As written, without the punctuation around it.
    pub raw: String,
    /// Lower case, curly apostrophes straightened.
    pub lower: String,
    /// Punctuation right after it (`,` `.` `?` `!` `;` `:` or none).
    pub punct_after: Option<char>,
}

impl Word {
    pub fn capitalised(&self) -> bool {
        self.raw.chars().next().is_some_and(char::is_uppercase)
    }
}

/// Cuts a text into sentences: after `.`, `?`, `!` (or `…`) followed by a space and a capital
/// letter or a digit, or at the end; not after an abbreviation or inside a number ("4.2").
pub fn split_sentences<'t>(text: &'t str, language: &Language) -> Vec<&'t str> {
    let bytes: Vec<(usize, char)> = text.char_indices().collect();
    let mut sentences = Vec::new();
    let mut begin = 0;
    for (i, &(at, c)) in bytes.iter().enumerate() {
        if !matches!(c, '.' | '?' | '!' | '…') {
            continue;
        }
        let next = bytes.get(i + 1).map(|&(_, n)| n);
        if next.is_some_and(|n| !n.is_whitespace() && !matches!(n, '"' | '\'' | ')' | '”' | '’')) {
            continue;
        }
        let after = bytes[i + 1..]
            .iter()
            .map(|&(_, n)| n)
            .find(|n| !n.is_whitespace() && !matches!(n, '"' | ')' | '”' | '’'));
        if after.is_some_and(|n| !(n.is_uppercase() || n.is_ascii_digit() || n == '"' || n == '“')) {
            continue;
        }
        let word_before = text[begin..at]
            .rsplit(|ch: char| ch.is_whitespace())
            .next()
            .unwrap_or("")
            .to_lowercase();
        if c == '.' && language.abbreviations.contains(&word_before.as_str()) {
            continue;
        }
        let end = at + c.len_utf8();
        let sentence = text[begin..end].trim();
        if !sentence.is_empty() {
            sentences.push(sentence);
        }
        begin = end;
    }
    let rest = text[begin..].trim();
    if !rest.is_empty() {
        sentences.push(rest);
    }
    sentences
}

/// Where each clause of `text` runs, between its commas, semicolons, colons and sentence
/// marks (byte ranges, the marks left out).
pub fn clause_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut start = 0;
    for (at, mark) in text.match_indices([',', ';', ':', '.', '!', '?']) {
        if text[start..at].trim().is_empty() {
            start = at + mark.len();
            continue;
        }
        ranges.push((start, at));
        start = at + mark.len();
    }
    if !text[start..].trim().is_empty() {
        ranges.push((start, text.len()));
    }
    ranges
}

/// The words of `text` in lower case, an apostrophe kept inside one ("don't"), anything else
/// a break.
pub fn lower_words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A lower-case word without a possessive or plural "s" ("friday's", "fridays": "friday"), for
/// telling whether two sentences speak of the same thing.
pub fn singular(word: &str) -> &str {
    let word = word.strip_suffix("'s").unwrap_or(word);
    word.strip_suffix('s').unwrap_or(word)
}

/// Whether `phrase` (lower case, one space between words) stands in `words` as whole words:
/// "if" is not in "fifteen".
pub fn has_phrase(words: &[String], phrase: &str) -> bool {
    format!(" {} ", words.join(" ")).contains(&format!(" {phrase} "))
}

/// The words of a sentence.
pub fn words(sentence: &str) -> Vec<Word> {
    sentence
        .split_whitespace()
        .filter_map(|token| {
            let token = token.replace(['’', '‘'], "'");
            let trimmed_end = token.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '%');
            let punct_after = token[trimmed_end.len()..]
                .chars()
                .find(|c| matches!(c, ',' | '.' | '?' | '!' | ';' | ':' | '—' | '-'));
            let raw = trimmed_end.trim_start_matches(|c: char| !c.is_alphanumeric() && c != '£' && c != '$');
            (!raw.is_empty()).then(|| Word {
                raw: raw.to_owned(),
                lower: raw.to_lowercase(),
                punct_after,
            })
        })
        .collect()
}

/// How long a pause may be for a sentence left open at the end of one segment to go on in the
/// next one.
const SENTENCE_GOES_ON_S: f64 = 3.0;

/// Every sentence of `utterances`, in order. A segment that ends without a full stop, question
/// or exclamation mark and is followed closely by the same speaker's next segment (or, with no
/// pause and a cut in mid-phrase, another label's) has its last sentence finished there ("And
/// I'll write up" + "the parking rules in the handbook."), however many segments it takes.
pub fn sentences(utterances: &[Utterance], language: &Language) -> Vec<Sentence> {
    let mut out: Vec<Sentence> = Vec::new();
    // The utterance the last sentence so far ends in.
    let mut last_ends_in = None;
    let mut turn = 0;
    for (u, utterance) in utterances.iter().enumerate() {
        let same_speaker = u > 0 && utterance.speaker.is_some() && utterances[u - 1].speaker == utterance.speaker;
        if u > 0 && !same_speaker {
            turn += 1;
        }
        let text = utterance.text.trim();
        let length = text.chars().count().max(1) as f64;
        let duration = (utterance.end - utterance.start).max(0.0);
        let mut consumed = 0usize;
        // A cut with no pause is inside one sentence even when the speaker label changed there
        // (speaker changes are found in windows, and a window can straddle one) if the text
        // after it starts in lower case or the text before it ends with no mark at all ("Should
        // we tell" + "Femi what the workshop is for?"). The straddling window mislabels the
        // short side of the cut, so the sentence goes to whoever said the longer part.
        let no_pause = u > 0 && utterance.start - utterances[u - 1].end < 0.3;
        let continues_mid_sentence = text.chars().next().is_some_and(char::is_lowercase)
            || out
                .last()
                .and_then(|last| last.text.trim_end().chars().last())
                .is_some_and(char::is_alphanumeric);
        let open = out.last().filter(|last| {
            u > 0
                && last_ends_in == Some(u - 1)
                && (same_speaker || utterance.speaker.is_none() || (continues_mid_sentence && no_pause))
                && utterance.start - last.end <= SENTENCE_GOES_ON_S
                && !last.text.trim_end().ends_with(['.', '?', '!', '…'])
        });
        let mut goes_on = open.is_some();
        for (index, sentence) in split_sentences(text, language).into_iter().enumerate() {
            let offset = text[consumed..].find(sentence).map_or(consumed, |o| consumed + o);
            let begin_chars = text[..offset].chars().count() as f64;
            let end_chars = begin_chars + sentence.chars().count() as f64;
            consumed = offset + sentence.len();
            let end = utterance.start + duration * end_chars / length;
            if std::mem::take(&mut goes_on) {
                if let Some(last) = out.last_mut() {
                    if utterance.speaker.is_some()
                        && last.speaker != utterance.speaker
                        && sentence.chars().count() > last.text.chars().count()
                    {
                        last.speaker = utterance.speaker.clone();
                        last.turn = turn;
                    }
                    last.text = format!("{} {sentence}", last.text);
                    last.words = words(&last.text);
                    last.end = end;
                    last.seqs.push(utterance.seq);
                    last_ends_in = Some(u);
                    continue;
                }
            }
            last_ends_in = Some(u);
            out.push(Sentence {
                text: sentence.to_owned(),
                utterance: u,
                index,
                seq: utterance.seq,
                seqs: vec![utterance.seq],
                speaker: utterance.speaker.clone(),
                turn,
                start: utterance.start + duration * begin_chars / length,
                end,
                words: words(sentence),
            });
        }
    }
    out
}

/// Whether the sentence after the one at `at` is someone else's (a known speaker, not its own).
pub fn someone_else_next(sentences: &[Sentence], at: usize) -> bool {
    sentences
        .get(at + 1)
        .is_some_and(|next| next.speaker.is_some() && next.speaker != sentences[at].speaker)
}

/// The sentences of the turn after the one of the sentence at `at`, when someone else says it;
/// none otherwise (no next turn, or the same speaker again).
pub fn next_turn_from_someone_else(sentences: &[Sentence], at: usize) -> &[Sentence] {
    let sentence = &sentences[at];
    let Some(first) = sentences[at + 1..].iter().position(|next| next.turn != sentence.turn) else {
        return &[];
    };
    let start = at + 1 + first;
    if sentences[start].speaker == sentence.speaker {
        return &[];
    }
    let length = sentences[start..]
        .iter()
        .take_while(|next| next.turn == sentences[start].turn)
        .count();
    &sentences[start..start + length]
}

/// A meeting of `(speaker, what they said)` lines, one utterance each, 5 s apart: the meaning
/// rules' tests speak through this.
#[cfg(test)]
pub fn utterances<'a>(lines: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<Utterance> {
    lines
        .into_iter()
        .enumerate()
        .map(|(i, (who, text))| Utterance {
            seq: i as u64,
            start: i as f64 * 5.0,
            end: i as f64 * 5.0 + 4.0,
            speaker: Some(who.into()),
            text: text.into(),
        })
        .collect()
}

/// The sentences of such a meeting (`utterances`).
#[cfg(test)]
pub fn said(lines: &[(&str, &str)]) -> Vec<Sentence> {
    sentences(&utterances(lines.iter().copied()), &super::english::ENGLISH)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meaning::english::ENGLISH;

    #[test]
    fn clauses_run_between_marks() {
        let text = "Okay. Ailsa, the list goes Thursday, because he needs it.";
        let clauses: Vec<&str> = clause_ranges(text).into_iter().map(|(a, b)| &text[a..b]).collect();
        assert_eq!(
            clauses,
            ["Okay", " Ailsa", " the list goes Thursday", " because he needs it"]
        );
        assert!(clause_ranges("").is_empty());
        assert!(clause_ranges(", ,.").is_empty());
    }

    #[test]
    fn phrases_match_whole_words_only() {
        let words = lower_words("Fifteen, and I'll ALSO ring them — as well.");
        assert_eq!(words[..3], ["fifteen", "and", "i'll"]);
        assert!(has_phrase(&words, "also") && has_phrase(&words, "ring them as well"));
        assert!(!has_phrase(&words, "if") && !has_phrase(&words, "ring the"));
    }

    #[test]
    fn sentences_end_at_stops_not_inside_numbers_or_after_abbreviations() {
        assert_eq!(
            split_sentences("We ship 4.2 on Friday. Dr. Lee agrees! Does she? yes, mostly", &ENGLISH),
            ["We ship 4.2 on Friday.", "Dr. Lee agrees!", "Does she? yes, mostly"]
        );
        assert_eq!(split_sentences("  ", &ENGLISH), Vec::<&str>::new());
    }

    #[test]
    fn words_keep_apostrophes_and_say_what_punctuation_follows() {
        let w = words("Priya, that’s yours (as well).");
        let lower: Vec<&str> = w.iter().map(|w| w.lower.as_str()).collect();
        assert_eq!(lower, ["priya", "that's", "yours", "as", "well"]);
        assert_eq!(w[0].punct_after, Some(','));
        assert!(w[0].capitalised());
        assert_eq!(w[4].punct_after, Some('.'));
    }

    #[test]
    fn turns_follow_speakers_and_times_follow_the_text() {
        let u = |seq, speaker: &str, text: &str| Utterance {
            seq,
            start: seq as f64 * 10.0,
            end: seq as f64 * 10.0 + 4.0,
            speaker: Some(speaker.into()),
            text: text.into(),
        };
        let s = sentences(
            &[u(0, "S1", "Hi. Ok."), u(1, "S1", "Go on."), u(2, "S2", "Sure.")],
            &ENGLISH,
        );
        let turns: Vec<usize> = s.iter().map(|s| s.turn).collect();
        assert_eq!(turns, [0, 0, 0, 1]);
        assert_eq!((s[0].start, s[1].end), (0.0, 4.0));
        assert!(s[1].start > 1.0 && s[1].start < 3.0);
        assert_eq!((s[1].index, s[3].seq), (1, 2));
    }

    #[test]
    fn a_sentence_cut_across_segments_is_whole_unless_the_speaker_changed() {
        let u = |seq, speaker: &str, start: f64, text: &str| Utterance {
            seq,
            start,
            end: start + 2.0,
            speaker: Some(speaker.into()),
            text: text.into(),
        };
        let s = sentences(
            &[
                u(0, "S1", 0.0, "And I'll write up"),
                u(1, "S1", 2.5, "the parking rules in the handbook. Done."),
                u(2, "S2", 5.0, "Before"),
                u(3, "S1", 7.5, "lunch, then."),
                u(4, "S2", 9.5, "So we"),
                u(5, "S3", 11.5, "ship it."),
            ],
            &ENGLISH,
        );
        let texts: Vec<&str> = s.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "And I'll write up the parking rules in the handbook.",
                "Done.",
                "Before",
                "lunch, then.",
                "So we ship it."
            ]
        );
        assert_eq!(s[4].speaker.as_deref(), Some("S3"), "whoever said the longer part");
        assert_eq!((s[0].seqs.clone(), s[0].end), (vec![0, 1], 2.5 + 2.0 * 34.0 / 40.0));
        assert_eq!(s[1].utterance, 1);
    }

    #[test]
    fn a_sentence_goes_on_over_as_many_segments_as_it_takes_and_over_a_label_change_in_mid_phrase() {
        let u = |seq, speaker: &str, start: f64, end: f64, text: &str| Utterance {
            seq,
            start,
            end,
            speaker: Some(speaker.into()),
            text: text.into(),
        };
        let s = sentences(
            &[
                u(0, "S1", 0.0, 3.0, "What if we share the budget out,"),
                u(1, "S1", 3.0, 6.0, "20 and 10, and review the figures again"),
                u(2, "S1", 6.0, 8.0, "after six weeks? Fine."),
                u(3, "S1", 9.0, 11.0, "Should we ask"),
                u(4, "S2", 11.0, 14.0, "Femi what the workshop will cover?"),
                u(5, "S2", 15.0, 17.0, "I think we should"),
                u(6, "S1", 17.5, 19.0, "No, wait."),
                u(7, "S1", 19.0, 20.0, "We could,"),
                u(8, "S2", 20.0, 22.0, "Sure."),
            ],
            &ENGLISH,
        );
        let texts: Vec<&str> = s.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "What if we share the budget out, 20 and 10, and review the figures again after six weeks?",
                "Fine.",
                "Should we ask Femi what the workshop will cover?",
                "I think we should",
                "No, wait.",
                "We could,",
                "Sure."
            ]
        );
        assert_eq!(s[0].seqs, [0, 1, 2]);
        assert_eq!(s[2].speaker.as_deref(), Some("S2"), "whoever said the longer part");

        let unlabelled = Utterance {
            speaker: None,
            ..u(1, "-", 2.0, 5.0, "the parking rules in the handbook and the wiki.")
        };
        let s = sentences(&[u(0, "S1", 0.0, 2.0, "And I'll write up"), unlabelled], &ENGLISH);
        assert_eq!(s.len(), 1);
        assert_eq!(
            s[0].speaker.as_deref(),
            Some("S1"),
            "a part nobody was heard in gives no speaker"
        );
    }

    #[test]
    fn the_next_turn_is_someone_elses_whole_turn() {
        let said = said(&[("Ann", "One. Two."), ("Bob", "Three. Four."), ("Cy", "Five.")]);
        let texts = |at: usize| -> Vec<&str> {
            next_turn_from_someone_else(&said, at)
                .iter()
                .map(|s| s.text.as_str())
                .collect()
        };
        assert_eq!(texts(0), ["Three.", "Four."]);
        assert_eq!(texts(1), ["Three.", "Four."]);
        assert_eq!(texts(3), ["Five."]);
        assert!(texts(4).is_empty(), "no turn after the last");
    }
}
