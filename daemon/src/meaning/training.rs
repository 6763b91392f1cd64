//! What the learned scorers (`learned`) are trained on: the sentences of a written meeting's
//! ground truth (`tests/fixtures/written-meetings`), each with its neighbours and whether it is
//! part of an action item, and of a decision. `build.rs` compiles this file too and does the
//! reading; this only looks at parsed JSON. Never does I/O.

use super::learned::SentenceView;

/// How much of a sentence identifies it inside an item's text (an item's text joins sentences).
const SENTENCE_KEY_CHARS: usize = 40;
/// How many turns after an item's own a sentence may be part of it (the replies that take it on
/// or give its date, how a decision is carried out); a sentence farther away that happens to
/// match its text is not.
const LABEL_TURNS_AFTER: usize = 3;

/// A sentence of a written meeting, its neighbours, and what it is part of.
#[derive(Debug, Clone, PartialEq)]
pub struct TruthSentence {
    pub text: String,
    pub before: String,
    pub after: String,
    pub after_next: String,
    pub next_is_someone_else: bool,
    /// Said by whoever runs the meeting (`chair_named`).
    pub by_chair: bool,
    /// Part of an action item.
    pub work: bool,
    /// Part of a decision.
    pub ruling: bool,
}

impl TruthSentence {
    pub fn view(&self) -> SentenceView<'_> {
        SentenceView {
            text: &self.text,
            before: &self.before,
            after: &self.after,
            after_next: &self.after_next,
            next_is_someone_else: self.next_is_someone_else,
            by_leader: self.by_chair,
        }
    }
}

/// Why a ground-truth file cannot train the scorers (written by hand: `build.rs` has no
/// `thiserror`).
#[derive(Debug, PartialEq)]
pub enum TruthError {
    NoTurns,
    /// None of the named list's (`action_items`, `decisions`) texts is in the turns.
    ItemsNotInTurns(&'static str),
}

impl std::error::Error for TruthError {}

impl std::fmt::Display for TruthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TruthError::NoTurns => f.write_str("it has no `turns`: a written meeting's truth needs them"),
            TruthError::ItemsNotInTurns(list) => write!(
                f,
                "none of its `{list}` texts is found in its turns: correct their `text` or `turn_index`"
            ),
        }
    }
}

/// A turn's text cut after each '.', '?' or '!' that a space follows (for the sets whose turns
/// give no `sentences`).
pub fn split_sentences(text: &str) -> Vec<String> {
    let mut sentences = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let ends = matches!(c, '.' | '?' | '!') && chars.peek().is_some_and(|(_, next)| next.is_whitespace());
        if ends {
            sentences.push(text[start..at + c.len_utf8()].trim().to_owned());
            start = at + c.len_utf8();
        }
    }
    sentences.push(text[start..].trim().to_owned());
    sentences.retain(|s| !s.is_empty());
    sentences
}

/// Who runs the meeting, as its truth says: the one speaker whose `role` calls them a chair
/// ("operations manager (chair)", "board chairperson"; not a vice chair); else whoever speaks
/// first. Where no role names a chair, whoever opens runs the meeting in every read set; where
/// several do, they chair committees ("board chair" and "finance committee chair", or a
/// convenor beside a "programme chair" and a "hospitality chair"), and whoever opens runs it.
fn chair_named<'a>(truth: &serde_json::Value, said: &'a [(usize, String, String)]) -> Option<&'a str> {
    let chairs = |speaker: &str| {
        let role = truth["speakers"][speaker]["role"]
            .as_str()
            .unwrap_or_default()
            .to_lowercase();
        let words: Vec<&str> = role
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| !w.is_empty())
            .collect();
        words
            .iter()
            .enumerate()
            .any(|(at, word)| word.starts_with("chair") && (at == 0 || words[at - 1] != "vice"))
    };
    let speakers = || {
        said.iter()
            .map(|(_, speaker, _)| speaker.as_str())
            .filter(|s| !s.is_empty())
    };
    let mut named: Vec<&str> = speakers().filter(|speaker| chairs(speaker)).collect();
    named.dedup();
    match named.as_slice() {
        [only] => Some(*only),
        _ => speakers().next(),
    }
}

/// The sentences of one ground-truth meeting (`turns`, each with `sentences` or a `text`), each
/// labelled by whether it is part of an action item, and of a decision: its opening inside the
/// item's text (or the item's inside it), said in the item's turn (`turn_index`, or the turn
/// before: some sets count from one) or the few after.
pub fn labelled_sentences(truth: &serde_json::Value) -> Result<Vec<TruthSentence>, TruthError> {
    let field = |value: &serde_json::Value, name: &str| value[name].as_str().unwrap_or_default().trim().to_owned();
    let turns = truth["turns"].as_array().ok_or(TruthError::NoTurns)?;
    let listed = |list: &str| -> Vec<(String, Option<usize>)> {
        truth[list]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .map(|item| (field(item, "text"), item["turn_index"].as_u64().map(|t| t as usize)))
                    .filter(|(text, _)| !text.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    };
    let (items, decisions) = (listed("action_items"), listed("decisions"));
    // (turn index, speaker, sentence)
    let mut said: Vec<(usize, String, String)> = Vec::new();
    for (turn_index, turn) in turns.iter().enumerate() {
        let speaker = field(turn, "speaker");
        let sentences = match turn["sentences"].as_array().filter(|s| !s.is_empty()) {
            Some(sentences) => sentences.iter().map(|s| field(s, "text")).collect(),
            None => split_sentences(&field(turn, "text")),
        };
        said.extend(
            sentences
                .into_iter()
                .filter(|s| !s.is_empty())
                .map(|s| (turn_index, speaker.clone(), s)),
        );
    }
    let key = |text: &str| text.chars().take(SENTENCE_KEY_CHARS).collect::<String>();
    let part_of = |listed: &[(String, Option<usize>)], turn: usize, text: &str| {
        listed.iter().any(|(item, item_turn)| {
            let near = item_turn.is_none_or(|t| (t.saturating_sub(1)..=t + LABEL_TURNS_AFTER).contains(&turn));
            near && (item.contains(&key(text)) || text.contains(&key(item)))
        })
    };
    let chair = chair_named(truth, &said);
    let text_at = |at: usize| said.get(at).map(|(_, _, t)| t.clone()).unwrap_or_default();
    let labelled: Vec<TruthSentence> = (0..said.len())
        .map(|at| {
            let (turn, speaker, text) = &said[at];
            TruthSentence {
                text: text.clone(),
                before: at.checked_sub(1).map(text_at).unwrap_or_default(),
                after: text_at(at + 1),
                after_next: text_at(at + 2),
                next_is_someone_else: said.get(at + 1).is_some_and(|(_, s, _)| s != speaker),
                by_chair: !speaker.is_empty() && chair == Some(speaker.as_str()),
                work: part_of(&items, *turn, text),
                ruling: part_of(&decisions, *turn, text),
            }
        })
        .collect();
    if !items.is_empty() && !labelled.iter().any(|s| s.work) {
        return Err(TruthError::ItemsNotInTurns("action_items"));
    }
    if !decisions.is_empty() && !labelled.iter().any(|s| s.ruling) {
        return Err(TruthError::ItemsNotInTurns("decisions"));
    }
    Ok(labelled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turns_without_sentences_are_cut_where_a_sentence_ends() {
        assert_eq!(
            split_sentences("Right. Marta, the van? Yes! 3.5 tonnes."),
            ["Right.", "Marta, the van?", "Yes!", "3.5 tonnes."]
        );
        assert!(split_sentences("  ").is_empty());
    }

    fn truth(items: serde_json::Value) -> serde_json::Value {
        truth_with(items, serde_json::json!([]))
    }

    fn truth_with(items: serde_json::Value, decisions: serde_json::Value) -> serde_json::Value {
        serde_json::json!({
            "turns": [
                {"speaker": "S1", "text": "Okay. Marta, the van on Thursday.",
                 "sentences": [{"text": "Okay."}, {"text": "Marta, the van on Thursday."}]},
                {"speaker": "S2", "text": "Fine, I'll take it."},
                {"speaker": "S1", "text": "Good."},
                {"speaker": "S3", "text": "Lovely weather."},
                {"speaker": "S1", "text": "Right."},
                {"speaker": "S2", "text": "Okay. That's all."}
            ],
            "action_items": items,
            "decisions": decisions
        })
    }

    #[test]
    fn an_items_sentences_are_work_near_its_turn_only() {
        let items = serde_json::json!([
            {"text": "Marta, the van on Thursday. Fine, I'll take it.", "turn_index": 0},
            {"text": "Okay.", "turn_index": 0}
        ]);
        let sentences = labelled_sentences(&truth(items)).unwrap();
        let work: Vec<&str> = sentences.iter().filter(|s| s.work).map(|s| s.text.as_str()).collect();
        // The stray "Okay." of the last turn matches an item's text but is far from it.
        assert_eq!(work, ["Okay.", "Marta, the van on Thursday.", "Fine, I'll take it."]);
        let van = &sentences[1];
        assert_eq!(
            (van.before.as_str(), van.after.as_str()),
            ("Okay.", "Fine, I'll take it.")
        );
        assert_eq!(van.after_next, "Good.");
        assert!(van.next_is_someone_else);
        assert!(!sentences[0].next_is_someone_else, "the same speaker goes on");
        assert_eq!(sentences.last().unwrap().after, "");
        assert_eq!(sentences[sentences.len() - 2].after_next, "");
        // No role names a chair: S1, who opened the meeting, runs it.
        let by_chair: Vec<bool> = sentences.iter().map(|s| s.by_chair).collect();
        assert_eq!(by_chair, [true, true, false, true, false, true, false, false]);
        assert!(sentences.iter().all(|s| !s.ruling), "no decisions listed");
    }

    #[test]
    fn the_chair_is_whoever_the_roles_name_else_whoever_opens() {
        let by_chair = |speakers: serde_json::Value| {
            let mut meeting = truth(serde_json::json!([]));
            meeting["speakers"] = speakers;
            let sentences = labelled_sentences(&meeting).unwrap();
            sentences.iter().map(|s| s.by_chair).collect::<Vec<bool>>()
        };
        let s2 = [false, false, true, false, false, false, true, true];
        assert_eq!(
            by_chair(serde_json::json!({"S2": {"role": "site manager (chair)"}})),
            s2
        );
        assert_eq!(
            by_chair(serde_json::json!({"S1": {"role": "vice chair"}, "S2": {"role": "board chairperson"}})),
            s2
        );
        let s1 = [true, true, false, true, false, true, false, false];
        // Two committee chairs, neither of whom opened: whoever opened runs the meeting.
        assert_eq!(
            by_chair(serde_json::json!({"S3": {"role": "events chair"}, "S2": {"role": "finance chair"}})),
            s1
        );
        // A board chair who opens, beside a committee chair.
        assert_eq!(
            by_chair(serde_json::json!({"S1": {"role": "board chair"}, "S2": {"role": "finance committee chair"}})),
            s1
        );
        assert_eq!(by_chair(serde_json::json!({"S3": {"role": "wheelchair user"}})), s1);
    }

    #[test]
    fn a_decisions_sentences_are_rulings_near_its_turn_only() {
        let decisions = serde_json::json!([
            {"text": "Fine, I'll take it. Good.", "turn_index": 1},
            {"text": "Right.", "turn_index": 4}
        ]);
        let sentences = labelled_sentences(&truth_with(serde_json::json!([]), decisions)).unwrap();
        let ruled: Vec<&str> = sentences.iter().filter(|s| s.ruling).map(|s| s.text.as_str()).collect();
        assert_eq!(ruled, ["Fine, I'll take it.", "Good.", "Right."]);
        assert!(sentences.iter().all(|s| !s.work), "no action items listed");
    }

    #[test]
    fn truth_that_cannot_train_says_why() {
        assert_eq!(
            labelled_sentences(&serde_json::json!({"action_items": []})),
            Err(TruthError::NoTurns)
        );
        let items = serde_json::json!([{"text": "Somebody books the hall.", "turn_index": 2}]);
        assert_eq!(
            labelled_sentences(&truth(items)),
            Err(TruthError::ItemsNotInTurns("action_items"))
        );
        let decisions = serde_json::json!([{"text": "The hall stays shut.", "turn_index": 0}]);
        let error = labelled_sentences(&truth_with(serde_json::json!([]), decisions)).unwrap_err();
        assert_eq!(error, TruthError::ItemsNotInTurns("decisions"));
        assert!(error.to_string().contains("`decisions`"), "{error}");
        assert!(labelled_sentences(&truth(serde_json::json!([])))
            .unwrap()
            .iter()
            .all(|s| !s.work));
    }
}
