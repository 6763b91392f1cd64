//! Questions: every sentence asked as one, who asked it, and whether someone else answered it
//! (the next turn by another speaker, unless that turn is a non-answer such as "good question,
//! let's park it", "not sure" or "nobody's said"). Pure.

use super::text::Sentence;
use super::{finding_id, Cues};
use crate::pipeline::{Finding, FindingBody, Question};

/// How many later turns may hold the answer.
const ANSWER_WITHIN_TURNS: usize = 2;

/// The questions among `sentences`, each answered or not by what follows.
pub fn find(sentences: &[Sentence], cues: &Cues) -> Vec<Finding> {
    sentences
        .iter()
        .enumerate()
        .filter(|(_, s)| cues.asks(s) && s.words.len() >= 2)
        .map(|(at, sentence)| {
            let answer = answer_to(sentences, at, cues);
            Finding {
                id: finding_id("question", sentence, 0),
                revision: 1,
                segments: sentence.seqs.iter().copied().chain(answer.map(|a| a.seq)).collect(),
                start: sentence.start,
                body: FindingBody::Question(Question {
                    text: sentence.text.clone(),
                    asker: sentence.speaker.clone(),
                    answered: answer.is_some(),
                    answered_by: answer.and_then(|a| a.speaker.clone()),
                }),
            }
        })
        .collect()
}

/// The first sentence of the reply to the question at `at`: the next turn by someone else that
/// is not itself a question, unless it declines to answer.
fn answer_to<'a>(sentences: &'a [Sentence], at: usize, cues: &Cues) -> Option<&'a Sentence> {
    let question = &sentences[at];
    let mut turns_seen = 0;
    let mut last_turn = question.turn;
    for (i, sentence) in sentences.iter().enumerate().skip(at + 1) {
        if sentence.turn == question.turn {
            // The asker went on: a later question of theirs takes over, unless it follows at
            // once ("Does radio do anything for us? Like, have we ever measured it?"): then one
            // reply answers both.
            if sentence.is_question() && i > at + 1 {
                return None;
            }
            continue;
        }
        if sentence.turn != last_turn {
            turns_seen += 1;
            last_turn = sentence.turn;
            if turns_seen > ANSWER_WITHIN_TURNS {
                return None;
            }
        }
        let by_someone_else = question.speaker.is_none() || sentence.speaker != question.speaker;
        if !by_someone_else {
            continue;
        }
        // The whole reply turn is read for a non-answer: "A few. I'm not sure which ones."
        let reply: String = sentences[i..]
            .iter()
            .take_while(|s| s.turn == sentence.turn)
            .take(2)
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let reply = cues.normalise(&reply);
        if cues.non_answer.is_match(&reply) {
            return None;
        }
        if sentence.is_question() {
            continue;
        }
        return Some(sentence);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::{cues, text};
    use super::*;

    fn meeting(lines: &[(&str, &str)]) -> Vec<Sentence> {
        text::said(lines)
    }

    fn questions(lines: &[(&str, &str)]) -> Vec<Question> {
        find(&meeting(lines), cues("en").unwrap())
            .into_iter()
            .map(|f| match f.body {
                FindingBody::Question(q) => q,
                _ => unreachable!(),
            })
            .collect()
    }

    #[test]
    fn a_question_answered_by_someone_else_names_who_answered() {
        let q = questions(&[
            ("Ana", "Is the build green? I saw a red run."),
            ("Raj", "It is, I fixed the flaky test."),
        ]);
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].text, "Is the build green?");
        assert_eq!((q[0].asker.as_deref(), q[0].answered), (Some("Ana"), true));
        assert_eq!(q[0].answered_by.as_deref(), Some("Raj"));
    }

    #[test]
    fn a_question_asked_again_at_once_in_other_words_shares_the_reply() {
        let q = questions(&[
            (
                "Keiko",
                "Does radio do anything for us? Like, have we ever been able to measure it?",
            ),
            ("Dima", "Not cleanly, no."),
        ]);
        assert_eq!(q.len(), 2);
        assert!(q.iter().all(|q| q.answered), "{q:?}");
        let q = questions(&[
            (
                "Ana",
                "Is the venue booked? I ask because the flyers are out. And who does the catering?",
            ),
            ("Raj", "Sam does."),
        ]);
        assert_eq!(q.iter().map(|q| q.answered).collect::<Vec<_>>(), [false, true], "{q:?}");
    }

    #[test]
    fn not_yet_not_me_and_it_depends_answer_a_question() {
        for reply in [
            "Not yet. I sent it on Monday.",
            "Not me.",
            "Sometimes. Depends on the day.",
            "Results queue. But the ward is still waiting on bloods, so it's noticeable.",
        ] {
            let q = questions(&[("Ana", "Has the supplier confirmed the date?"), ("Raj", reply)]);
            assert!(q[0].answered, "{reply}");
        }
    }

    #[test]
    fn deflections_silence_and_the_end_of_the_meeting_leave_a_question_open() {
        for reply in [
            "That's a good question. Let's park it for now.",
            "A few. I'm honestly not sure which ones.",
            "Um. Let me think it over.",
            "Not yet. We can come back to it later.",
            "The auditors are still looking at it.",
            "Not a word. I emailed them twice.",
            "Nobody's said. The notice just says ongoing.",
            "Your guess is as good as mine.",
            "Let's leave that for next week, we're over.",
            "Let's hold that over to March, it deserves a proper discussion.",
            "I've heard nothing, sorry.",
            "Not yet, the landlord has not answered.",
            "Not yet, the landlord does not answer.",
        ] {
            let q = questions(&[("Ana", "Do we have a count for cancelled bookings?"), ("Raj", reply)]);
            assert!(!q[0].answered, "{reply}");
        }
        assert!(!questions(&[("Ana", "Anyone know the password?")])[0].answered);
        let q = questions(&[("Ana", "Who owns billing?"), ("Ana", "Nobody? Okay.")]);
        assert!(q.iter().all(|q| !q.answered), "only the asker spoke");
    }

    #[test]
    fn statements_are_not_questions() {
        for said in [
            "We ship on Friday.",
            "What we need is a plan.",
            "Is that right! Great.",
            "Who knew.",
            "Which is precisely why we need volunteers on the door.",
            "The question is open.",
            // A topic, then a statement about it: not the question forms.
            "And the plan is that we ship on Friday.",
            "The good news is that it works.",
            "So the winner is anyone's guess.",
            "The list is everyone on the team.",
            "The room was anything but quiet.",
            "And the budget is that of last year.",
            "The launch is this Friday.",
            "Okay, so the release is this week.",
            "The demo was this morning.",
            "The best option is this one.",
            "The problem is anyone using the old version gets an error.",
            "The plan is everyone meeting at nine.",
            "The work you did everyone loved.",
            "The fix is that simple.",
        ] {
            assert!(questions(&[("Ana", said), ("Raj", "Sure.")]).is_empty(), "{said}");
        }
    }

    #[test]
    fn a_question_worded_as_one_is_found_without_its_question_mark() {
        for said in [
            "Mira, is the booking definitely confirmed.",
            "Do we have a figure for returns yet.",
            "So can you see the screen",
            // A topic first, its comma lost.
            "And the parking itself is that included.",
            "And the market is anyone else shipping a folding model this year.",
            "The new build, does everyone have it.",
            "As for the venue is that confirmed",
        ] {
            assert_eq!(questions(&[("Ana", said), ("Raj", "Yes, it is.")]).len(), 1, "{said}");
        }
    }
}
