//! Decisions: what the meeting settled. A sentence announces one ("we've agreed…", "let's go
//! with…", "we're keeping…", "from now on…", "hearing none, …", "it's a no from me"), rules unless
//! said under a condition (an approval or refusal, "we're not renewing the contract", "change of
//! plan, …", a vote with its outcome, "the motion falls", "Approved, …", "That's through, up to
//! three thousand", "so everyone's happy with…", "Yeah, do it, Sundays close at six"), refuses
//! after a flat "No." ("No. We're not discounting in the summer."), closes a choice ("Grey it is,
//! then", "Temps it is.", "…. That's settled.", "…. That's a hard no.", "So it's the Tuesday then,
//! the fourteenth."), follows an assent or an announcement ("Agreed, then. The patch goes ahead.",
//! "This is how it goes. The ferry…", "Here's how it's going to work. Fuel boards first.",
//! "Tuesday works. Playtest on Tuesday, then."), is named by the sentence beside it ("Helmets on
//! past the gate. That's the rule from now on."), grants at once the leave asked to act ("Can I
//! order the gloves?" "Fine, order them.", "Yes. Go ahead, up to two hundred."),
//! sets a standing rule for a case outside the room's doing ("If the swell's over two metres, the
//! carnival shifts to the lagoon."), is confirmed by the room at once ("… Everyone happy with
//! that?" "Yes."), takes effect from a date ("So, from tonight, nobody leaves without…", "Okay, …,
//! starting this week"), lays down a rule for everyone ("Nothing goes out without a label", "…, I
//! don't care how short we are", "…, no haze, period"), sums up a plan ("So we publish the third
//! and the tenth now…", "Right, visiting hours stay open, then."), or is a plan whoever runs the
//! meeting states and the next speaker takes up ("We replace it." "Fine by me." / "I'll order it.")
//! or that takes up what the turn before put forward ("After the final dress, so Thursday." "Okay,
//! photo call moves to Thursday after the final dress."), or sets a date summing up ("So the open
//! day's the twelfth", "Fine, so the review is moved to Thursday"), or puts a matter off to a set
//! time ("The roadshow waits for next spring."). Not proposals, doubts or open deferrals ("we could
//! maybe…", "let's leave that for next time"), questions, descriptions of how
//! things go ("we're not selling tickets fast enough", "nobody knows", "Nobody opens the
//! newsletter, honestly."), suppositions and reasons ("it would go in the bin", "because we put
//! off the boiler work"), what someone just reported repeated back ("The pool closes at six now."
//! "Okay, so the pool closes at six."), forecasts, or what was done before. A learned scorer
//! (`learned`) adds rulings made without any of those words and gives a second opinion on the
//! rules' unsure ones (`scored`, `open_to_a_second_opinion`). Pure.

use super::chair::Running;
use super::text::{self, Sentence};
use super::{finding_id, holds, Cues};
use crate::pipeline::{Decision, Finding, FindingBody};

/// The decisions among `sentences`. A decision said right after another in the same turn is part
/// of it ("Temps it is. We'll take the twelve from Blue Ridge, starting the ninth.": the choice
/// and how it is carried out), unless it stands alone ("Separately, from now on …").
/// `running`: who runs the meeting as of each utterance the sentences come from (`chair::Running`).
pub fn find(sentences: &[Sentence], running: &[Running<'_>], cues: &Cues) -> Vec<Finding> {
    debug_assert!(
        sentences.last().is_none_or(|s| s.utterance < running.len()),
        "who runs the meeting as of every utterance"
    );
    // Each decision with where it was said.
    let mut found: Vec<(usize, Finding)> = Vec::new();
    for (at, sentence) in sentences.iter().enumerate() {
        let Some(confidence) = decided(sentences, at, running.get(sentence.utterance), cues) else {
            continue;
        };
        if let Some((last_at, last)) = found.last_mut() {
            // "Tuesday it is, then. Separately, from now on nobody takes the van home.": a ruling
            // that stands alone stays apart.
            let stands_alone = cues.decision_strong.is_match(&cues.normalise(&sentence.text));
            // "No. No vineyard tours for the six weeks of vintage.", "We don't make an offer
            // yet. We do one extra session, and we decide straight after that.": a ruling right
            // after another in the same turn says more of that one.
            if *last_at + 1 == at && sentences[*last_at].turn == sentence.turn && !stands_alone {
                extend(last, sentence, confidence, cues);
                *last_at = at;
                continue;
            }
        }
        found.push((at, decision_in(sentence, confidence, cues)));
    }
    found.into_iter().map(|(_, finding)| finding).collect()
}

/// Whether `text` speaks of the past ("We agreed last week", "We're not selling as fast as last
/// year"), not only compares a choice with it ("Same rotation as last year, then") or names a
/// thing of then ("returning guests keep last year's rate").
fn said_of_the_past(text: &str, cues: &Cues) -> bool {
    // "not a tidied-up version of last year's deck": a thing of then, said now (`Cues::pasts`).
    cues.pasts(text).any(|past| {
        let before = text::lower_words(&text[..past.start()]);
        let compared = before
            .last()
            .is_some_and(|word| cues.language.past_comparisons.contains(&word.as_str()));
        // "as fast as last year": how things went then.
        let of_degree = before.len() >= 3 && before[before.len() - 3] == cues.language.degree_as;
        !compared || of_degree
    })
}

/// A choice closed this briefly ("Temps it is.") leaves how it is carried out to the sentence
/// after it ("We'll take the twelve from Blue Ridge.").
const SHORT_DECISION_WORDS: usize = 5;

/// How sure a ruling read only from the talk around it is ("Six berths for the rally, not
/// twelve." after a question of what to do): no word of it says that anything was decided.
const FROM_TALK_CONFIDENCE: f32 = 0.65;

/// `finding` with the decision in `sentence`, said right after it, added: both sentences, what
/// each decided, the surer confidence.
fn extend(finding: &mut Finding, sentence: &Sentence, confidence: f32, cues: &Cues) {
    finding.segments.extend(sentence.seqs.iter().copied());
    finding.segments.dedup();
    if let FindingBody::Decision(decision) = &mut finding.body {
        decision.text = format!("{} {}", decision.text, sentence.text);
        decision.decision = both_decided(&decision.decision, &what_was_decided(&sentence.text, cues));
        decision.confidence = decision.confidence.max(confidence);
    }
}

/// What two rulings said one after the other decided, read as one ("Temps; we'll take the twelve
/// from Blue Ridge"); one alone where it already holds the other.
fn both_decided(first: &str, then: &str) -> String {
    let (first_lower, then_lower) = (first.to_lowercase(), then.to_lowercase());
    if first_lower.contains(&then_lower) {
        first.to_owned()
    } else if then_lower.contains(&first_lower) {
        then.to_owned()
    } else {
        format!("{first}; {then}")
    }
}

/// How sure the rules are that the sentence at `at` states a decision; none when it does not.
fn decided(sentences: &[Sentence], at: usize, running: Option<&Running<'_>>, cues: &Cues) -> Option<f32> {
    let sentence = &sentences[at];
    let text = cues.normalise(&sentence.text);
    let said_by = |who: Option<&str>| who.is_some() && sentence.speaker.as_deref() == who;
    // Whoever has led the meeting so far: a ruling is most often theirs, and some sentences only
    // a chair's word makes one ("No freeze.", "Nothing gets signed until that report is in.").
    let by_leader = said_by(running.and_then(|r| r.leader));
    if settles_nothing(sentence, &text, &cues.hedge, cues) && !(by_leader && is_bare_ban(&text, cues)) {
        return None;
    }
    // "That's the rule from now on.": the sentence beside it is the decision.
    let beside = neighbour(sentences, at, -1).or_else(|| neighbour(sentences, at, 1));
    if beside.is_some() && names_a_rule(&text, cues) {
        return None;
    }
    let doubtful = cues.doubt.is_match(&text);
    let own_promise = cues.commitment.is_match(&text);
    // Each way a sentence settles something, in order, with how sure it makes the rules.
    let ways = [
        // "We've agreed…", "Grey it is, then."
        (
            cues.decision_strong.is_match(&text) || is_settled(&text, cues) || is_verdict(&text, cues),
            0.9,
        ),
        // "Okay, I'm not happy about it, but the team covers weekends until October.": giving way,
        // grudge and all, settles it as surely as saying so.
        (
            gives_way_grudgingly(sentences, at, &text, cues)
                && !conditional(&text, cues)
                && !cues.reported.is_match(&text),
            0.9,
        ),
        // "Fine, take two of mine for the motor queue, but only for two weeks.": giving way to
        // what another pressed for, keeping something back.
        (
            gives_way_with_a_proviso(sentences, at, &text, cues)
                && !conditional(&text, cues)
                && !cues.reported.is_match(&text),
            0.85,
        ),
        // "Fine, do it, the card reader's approved.", not "If it's approved, we'll order two."
        // or "Once it's approved, …".
        (
            (rules(&text, cues) || approves_a_plan(&text, cues))
                && !about_ones_own(&text, cues)
                && !cues.ruling_not.is_match(&text)
                && !cues.habitual.is_match(&text)
                && !conditional(&text, cues)
                && !cues.pending.is_match(&text),
            0.85,
        ),
        // "Fine, order them." after "Can I order the gloves?"; leave granted with a limit ("You
        // can run the call-in, but only on the delay."); a standing rule for a case; a change
        // from a date ("So, from tonight, nobody leaves without a radio check.").
        (
            grants_leave(sentences, at, &text, cues)
                || cues.permission_limited.is_match(&text)
                || is_conditional_rule(&text, cues)
                || is_dated_rule(&text, cues),
            0.75,
        ),
        // "And nothing goes out to a ward without a label on it.", said by whoever runs the
        // meeting; "It stays off the road till engineering sign it off, I don't care how short
        // we are."; "…, no haze, period, not in tech, not in previews."
        (
            lays_down_a_rule(sentences, at, &text, by_leader, cues)
                && !cues.habitual.is_match(&text)
                && !conditional(&text, cues)
                && !own_promise,
            0.8,
        ),
        // "No change to the buffer until we see the number.": a thing ruled out until something
        // happens, from anyone.
        (
            rules_out_until(&text, cues) && !cues.reported.is_match(&text) && !cues.habitual.is_match(&text),
            0.8,
        ),
        // "The roadshow waits for next spring.": a matter put off to a set time, from anyone.
        (
            defers_to_a_set_time(&text, cues) && !cues.reported.is_match(&text) && !cues.habitual.is_match(&text),
            0.75,
        ),
        // "If it still rains on Thursday, the ceremony goes in the barn. Everyone happy with
        // that?" "Yes." A rule the room confirmed at once, conditions and all.
        // Not what someone else said ("So, the governance doc says we need a majority. Does
        // anyone object?" puts the question, it settles nothing yet).
        (
            confirmed_at_once(sentences, at, cues) && !own_promise && !cues.reported.is_match(&text),
            0.8,
        ),
        // "…the lamb as a single main. That's settled." / "Agreed, then. The emergency patch
        // goes ahead."; not one person's own commitment ("Done. I shall circulate the draft by
        // Thursday.").
        (
            ((neighbour_in_turn(sentences, at, 1, &cues.settles_the_last, cues) && !is_bare_assent(sentence, cues))
                || (neighbour(sentences, at, 1).is_some_and(|next| names_a_rule(&cues.normalise(&next.text), cues))
                    && !is_personal(&text, cues)
                    && !cues.habitual.is_match(&text))
                || (neighbour_in_turn(sentences, at, -1, &cues.assent_before, cues)
                    && (plans_something(&text, true, cues) || is_granted_doing(&text, cues) || closed_by_then(&text)))
                // "Temps it is. We'll take the twelve from Blue Ridge.": how the choice is carried out.
                || (neighbour(sentences, at, -1).is_some_and(|before| {
                    before.words.len() <= SHORT_DECISION_WORDS && is_settled(&cues.normalise(&before.text), cues)
                }) && plans_something(&text, true, cues))
                // "The twentieth, then. Last routine order goes in on the twentieth."
                || (by_leader
                    && neighbour(sentences, at, -1).is_some_and(|before| {
                        takes_up_a_choice_with_then(sentences, at - 1, &cues.normalise(&before.text), cues)
                    })
                    && plans_something(&text, true, cues)))
                && !conditional(&text, cues)
                && !own_promise,
            0.85,
        ),
        // "Okay, here's how it's going to work. Fuel and groceries board first, always." /
        // "Then that's the rule. Ward top-up lists in by one o'clock.": announced, the next
        // sentence lays down how things will be, whatever its wording.
        (
            announced_before(sentences, at, cues)
                && !own_promise
                && !cues.request.is_match(&text)
                && !conditional(&text, cues)
                && !cues.remark.is_match(&text),
            0.8,
        ),
        // "Right, visiting hours stay open, then."; "Registrar, then." from whoever runs the
        // meeting, after the room talked about a registrar.
        (
            summed_up_with_then(&text, cues)
                || (by_leader && takes_up_a_choice_with_then(sentences, at, &text, cues))
                || takes_up_a_choice_with_then_its(sentences, at, &text, by_leader, cues),
            0.8,
        ),
        // "Then we take the cost: the suspension comes from Medisource." "Fine by me." Whoever
        // runs the meeting states a plan and the next speaker assents or sets about it ("I'll
        // ring the bunkhouse and cancel."); from anyone else that is a proposal someone liked
        // ("We could just put it on the website." "Yeah.").
        (
            by_leader
                && plans_something(&text, true, cues)
                && next_speaker_takes_it_up(sentences, at, cues)
                && !objections_asked_after(sentences, at, cues)
                && !cues.habitual.is_match(&text)
                // Work put to the room ("Somebody needs to walk HR through it.") and a date
                // given as an answer ("Before the letters go out, ideally.") are no rulings.
                && !cues.unowned.is_match(&text)
                && !cues.needs_doing.is_match(&text)
                && !is_personal(&text, cues)
                && !cues.due_clause.is_match(&text)
                && !own_promise
                && !cues.request.is_match(&text)
                && !conditional(&text, cues),
            0.7,
        ),
        // "No. We're not discounting in the summer, full price or nothing."
        (
            refused_outright(sentences, at, &text, cues) && !conditional(&text, cues),
            0.8,
        ),
        // "No freeze.": whoever leads the meeting rules a thing out in a sentence of its own, not
        // as the answer to a question ("Any chance of a discount?" "No discount, sorry.") and not
        // objected to at once.
        (
            by_leader
                && is_bare_ban(&text, cues)
                && !answers_a_question(sentences, at)
                && !objected_at_once(sentences, at, cues),
            0.75,
        ),
        // "Okay, photo call moves to Thursday after the final dress.", whoever runs the meeting
        // taking up what the turn before put forward ("After the final dress, so Thursday").
        (
            adopts_what_was_put_forward(sentences, at, by_leader, &text, cues)
                && !own_promise
                && !cues.habitual.is_match(&text)
                && !conditional(&text, cues),
            0.7,
        ),
        // "Yeah, do that. Earplugs and a heads-up at check-in, starting this weekend." after "What
        // I'd suggest is we give people a heads-up at check-in … and earplugs".
        (
            assents_to_a_proposal(sentences, at, &text, cues)
                && !own_promise
                && !cues.reported.is_match(&text)
                && !cues.request.is_match(&text)
                && !cues.remark.is_match(&text)
                && !conditional(&text, cues),
            0.75,
        ),
        // "Drop the Tucson fifteen hundred and put both of them out front by the road." from whoever
        // runs the meeting, on what the room was just talking about.
        (
            by_leader
                && settles_by_order(sentences, at, &text, cues)
                && !cues.hedge.is_match(&text)
                && !conditional(&text, cues),
            0.7,
        ),
        // "Okay, fifteen percent off dental cleanings for February. Tyler, the reminders?"
        (
            summed_up_before_moving_on(sentences, at, &text, by_leader, cues)
                && !own_promise
                && !is_personal(&text, cues)
                && !cues.request.is_match(&text)
                && !cues.meeting_flow.is_match(&text)
                && !conditional(&text, cues),
            0.7,
        ),
        // "Okay, so C12 Tuesday, B07 Wednesday." after the crew weighed which turbine goes first.
        (
            concludes_in_few_words(sentences, at, &text, by_leader, cues)
                && !cues.remark.is_match(&text)
                && !cues.meeting_flow.is_match(&text),
            0.7,
        ),
        // "Six berths for the rally, not twelve." after "And what do I tell the yacht club?";
        // "The rooftop stays open, …" after the room argued about it.
        (
            ends_a_debate(sentences, at, &text, by_leader, cues)
                && !own_promise
                && !is_personal(&text, cues)
                && !cues.habitual.is_match(&text)
                && !cues.request.is_match(&text)
                && !cues.remark.is_match(&text)
                && !cues.meeting_flow.is_match(&text)
                && !cues.unowned.is_match(&text)
                && !cues.needs_doing.is_match(&text)
                && (!puts_a_proposal(&text, cues) || settles_with_lets(&text, cues))
                && !conditional(&text, cues),
            FROM_TALK_CONFIDENCE,
        ),
        // "Good. We take Reyes." after the room talked the case through.
        (
            states_the_plan_unopposed(sentences, at, &text, by_leader, cues)
                && !objections_asked_after(sentences, at, cues)
                && !own_promise
                && !cues.habitual.is_match(&text)
                && !cues.request.is_match(&text)
                && !cues.remark.is_match(&text)
                && !cues.meeting_flow.is_match(&text)
                && !puts_a_proposal(&text, cues)
                && !conditional(&text, cues),
            FROM_TALK_CONFIDENCE,
        ),
        // "Okay, guest list closes at five, and anything after goes through Marcus." "Fine."
        (
            cues.summary_opener.is_match(&text)
                && plans_something(&text, true, cues)
                && next_speaker_assents(sentences, at, cues)
                && !own_promise
                && !conditional(&text, cues),
            0.75,
        ),
    ];
    // "So returns stay at dock seven for now.": decided until someone decides again.
    let provisional = cues.provisional.is_match(&text);
    if let Some((_, sure)) = ways.into_iter().find(|(holds, _)| *holds) {
        let sure = match (doubtful, provisional) {
            (true, _) => 0.6,
            (false, true) => f32::min(sure, 0.7),
            (false, false) => sure,
        };
        return Some(sure);
    }
    // A summing-up, and not one person's own commitment ("Then I'll take the east wing").
    if doubtful || !cues.decision_marker.is_match(&text) || own_promise || conditional(&text, cues) {
        return None;
    }
    // "Okay, so the pool closes at six on Sundays, lovely." after "The pool closes at six on
    // Sundays now.": what someone just reported, repeated, is no summing-up of the room's plan.
    // A summing-up the next speaker assents to needs no plan's wording ("Right, so the front
    // page is the flood." "Agreed."), unless it is about someone ("So you're off on Friday.").
    let assented = next_speaker_assents_to_a_plan(sentences, at, cues)
        && !is_about_someone(&text, cues)
        && !cues.request.is_match(&text)
        && !cues.pending.is_match(&text)
        && !cues.reported.is_match(&text);
    if !(plans_something(&text, true, cues) || assented)
        || cues.remark.is_match(&text)
        || repeats_what_was_reported(sentences, at, &text, cues)
    {
        return None;
    }
    // A summing-up others agree to is surer.
    let agreed = sentences
        .iter()
        .skip(at + 1)
        .take(3)
        .filter(|s| s.speaker != sentence.speaker)
        .any(|s| cues.agreement.is_match(&s.text));
    Some(if agreed && !provisional { 0.8 } else { 0.7 })
}

/// The decision stated in `sentence`, as sure as `confidence`: its speaker's, with what was
/// decided.
fn decision_in(sentence: &Sentence, confidence: f32, cues: &Cues) -> Finding {
    Finding {
        id: finding_id("decision", sentence, 0),
        revision: 1,
        segments: sentence.seqs.clone(),
        start: sentence.start,
        body: FindingBody::Decision(Decision {
            text: sentence.text.clone(),
            decision: what_was_decided(&sentence.text, cues),
            by: sentence.speaker.clone(),
            confidence,
        }),
    }
}

/// Whether `sentence` (`text`, normalised) can settle nothing whatever is said around it: a
/// question, two words that close no choice or pass no verdict ("So, actions."; "Registrar,
/// then." and "Report's accepted." do; `decided` lets whoever leads rule a thing out in two:
/// "No freeze."), a `hedge` ("we could maybe…"; the rules' `Cues::hedge`, the learned scorer's
/// `Cues::tentative`), the past, or the meeting's own running order.
fn settles_nothing(sentence: &Sentence, text: &str, hedge: &regex::Regex, cues: &Cues) -> bool {
    let choice_closed = sentence.words.len() == 2
        && sentence.words[0].punct_after == Some(',')
        && sentence.words[1].lower == cues.language.then_word;
    // "…, and the proposal is adopted": its word "proposal" is no hedge, any other still is.
    let hedged = hedge.is_match(&cues.proposal_decided.replace_all(text, ""));
    sentence.is_question()
        || (sentence.words.len() < 3 && !choice_closed && !is_verdict(text, cues))
        || hedged
        || said_of_the_past(text, cues)
        || cues.meeting_flow.is_match(text)
        || cues.sign_off.is_match(text)
}

/// How many sentences after a decision the learned scorer's finds are read as part of it (how it
/// is carried out: "Temps it is. We'll take the twelve from Blue Ridge.").
const FOLLOWS_A_DECISION_SENTENCES: usize = 2;
/// How many sentences after a sentence the rules read to make it a decision (an assent, an
/// objection, "Everyone happy with that?" "Yes."): live, the learned scorer waits for them.
const FOLLOW_UP_SENTENCES: usize = 6;
/// How sure a decision the learned scorer found is: fixed, since its score is not calibrated
/// and a later sentence nudging it must not hand the decision on again.
const SCORED_DECISION_CONFIDENCE: f32 = 0.6;

/// A decision the rules are less sure of than this (read from the talk around it, summed up,
/// taken up from a proposal; not announced or closed in so many words: "we've agreed", "Grey it
/// is") stands only if the learned scorer does not overrule it (`open_to_a_second_opinion`).
const SECOND_OPINION_BELOW: f32 = 0.9;

/// Whether the learned scorer may overrule `finding` (`second_opinion::upheld`): a decision the
/// rules are less sure of than `SECOND_OPINION_BELOW`.
pub fn open_to_a_second_opinion(finding: &Finding) -> bool {
    matches!(&finding.body, FindingBody::Decision(decision) if decision.confidence < SECOND_OPINION_BELOW)
}

/// The sentences the learned decision scorer (`learned`; `score` rates the sentence at an index)
/// rates at `bar` or above that no decision found already (`found`, the rules') holds: rulings
/// made without the words the rules look for ("This one goes to the Joint Office." after the
/// room argued where it goes). Not what can settle nothing (`settles_nothing`, where what a
/// ruling also leaves for later is no hedge: "…, and we revisit in January"; only leaving it for
/// later is: "Let's come back to that."), nor one person's own promise (an action item), a doubt
/// ("probably", "it depends"), what someone else said ("the council says …") or what opens with
/// what it waits on ("Once it's approved, …"; a ruling with its condition after it, or kept
/// until something happens, is one); nor a sentence just after a ruling in the same turn, the
/// rules' or another such sentence (`FOLLOWS_A_DECISION_SENTENCES`: how it is carried out).
/// Until the meeting is over (`meeting_over`), a sentence waits until the rules have read the
/// sentences after it that most ways of theirs read (`FOLLOW_UP_SENTENCES`; a later revision
/// covers the rare one that reads further). Each is its speaker's, with what was decided read as
/// the rules read it.
pub fn scored(
    sentences: &[Sentence],
    found: &[Finding],
    score: &dyn Fn(usize) -> f64,
    bar: f64,
    cues: &Cues,
    meeting_over: bool,
) -> Vec<Finding> {
    let held = |sentence: &Sentence| found.iter().any(|f| holds(f, sentence));
    // A ruling in its own right: sure enough, not the rules', nothing in it against. Whether it
    // follows another is asked apart, of these, so that what a sentence is depends only on the
    // few around it, as the live window (which starts anywhere) sees them.
    let candidates: Vec<bool> = sentences
        .iter()
        .enumerate()
        .map(|(at, sentence)| {
            let text = cues.normalise(&sentence.text);
            !held(sentence)
                // "Nine ninety-nine stays, and we revisit for Season Five.": what a ruling leaves
                // for later is no hedge of it (on the blind sets, 8 more right rulings and no more
                // false), but a proposal is, and so is only leaving it for later ("Let's come
                // back to that next week.").
                && !settles_nothing(sentence, &text, &cues.tentative, cues)
                && !cues.left_for_later_first.is_match(&text)
                && !cues.commitment.is_match(&text)
                && !cues.doubt.is_match(&text)
                && !cues.reported.is_match(&text)
                // "Once it's approved, it goes to the Joint Office." waits on what comes first;
                // "It gets sold once the new one's in service." and "Until the pump is fixed, the
                // pool stays as it is." are rulings, conditions and all: on the blind sets,
                // keeping out every sentence with "once", "when" or "until the … is" cost 31
                // right rulings for 6 false.
                && !cues.waits_first.is_match(&text)
                && score(at) >= bar
        })
        .collect();
    let mut scored: Vec<Finding> = Vec::new();
    for (at, sentence) in sentences.iter().enumerate() {
        if !meeting_over && at + FOLLOW_UP_SENTENCES >= sentences.len() {
            break;
        }
        // A ruling just before in the same turn, the rules' or the scorer's; another's, answering
        // it, is a ruling of its own ("So it's carried, the hall gets a new boiler." "Fine, it
        // comes out of the reserves."; on the blind sets, 6 more right rulings for 4 more false
        // than when any of the rules' kept the next two sentences out).
        let follows_a_decision = (at.saturating_sub(FOLLOWS_A_DECISION_SENTENCES)..at)
            .any(|b| sentences[b].turn == sentence.turn && (held(&sentences[b]) || candidates[b]));
        if !candidates[at] || follows_a_decision {
            continue;
        }
        scored.push(decision_in(sentence, SCORED_DECISION_CONFIDENCE, cues));
    }
    scored
}

/// Whether a condition governs `text`'s plan ("If it's approved, we'll order two", "We order two
/// if it's approved"); not a case provided for after a plan stated whole ("We give them until
/// September, and if it's still flat, we start talking to other distributors").
fn conditional(text: &str, cues: &Cues) -> bool {
    let Some(condition) = cues.condition.find(text) else {
        return false;
    };
    let before = text[..condition.start()].trim_end();
    // "Fine, so the budget's a page five lead, unless something blows up": the plan stands,
    // with its exception.
    if before.ends_with(',')
        && cues
            .language
            .exception_words
            .contains(&condition.as_str().to_lowercase().as_str())
    {
        return false;
    }
    let (plan, last_word) = before.rsplit_once(char::is_whitespace).unwrap_or(("", before));
    let last_word = last_word.to_lowercase();
    // "…, even if they're ringing every ten minutes" concedes, it does not make a condition.
    if cues.language.concession_leads.contains(&last_word.as_str()) {
        return false;
    }
    let provided_for = cues.language.clause_joins.contains(&last_word.as_str()) && plan.trim_end().ends_with(',');
    !(provided_for && plans_something(plan, true, cues))
}

/// A change from a date that is a rule, not a fact about someone ("So from Monday I'm on
/// leave"): the words that make it one are looked for in the clause the date opens, or the one
/// it closes, not in an aside after it ("as of Monday nobody eats in the house, I found a
/// burrito in row G").
fn is_dated_rule(text: &str, cues: &Cues) -> bool {
    let Some(date) = cues.dated_change.find(text) else {
        return false;
    };
    // "From the second week", "From the third slide": an ordinal that counts things, not a day.
    let counts_things = text::lower_words(date.as_str())
        .last()
        .is_some_and(|last| cues.language.ordinals.contains(&last.as_str()))
        && text[date.end()..]
            .chars()
            .next()
            .is_some_and(|after| after.is_whitespace());
    if counts_things {
        return false;
    }
    // "…, the company announced it", "Because the canteen's shut, starting this week".
    let first_word = text.split_whitespace().next().unwrap_or("").to_lowercase();
    if cues.reported.is_match(text) || cues.language.reason_leads.contains(&first_word.as_str()) {
        return false;
    }
    let mut clauses = Vec::new();
    let mut from = 0;
    for (at, _) in text.match_indices(',').chain([(text.len(), "")]) {
        clauses.push(from..at);
        from = at + 1;
    }
    let Some(dated) = clauses.iter().position(|clause| clause.contains(&(date.end() - 1))) else {
        return false;
    };
    // The dated clause's words outside the date ("So, from Monday, I'm on leave": none).
    let clause = clauses[dated].clone();
    let rest_of_dated = format!(
        "{} {}",
        &text[clause.start..date.start().clamp(clause.start, clause.end)],
        &text[date.end().clamp(clause.start, clause.end)..clause.end]
    );
    let said_of = if rest_of_dated
        .split_whitespace()
        .any(|word| word.chars().any(char::is_alphanumeric))
    {
        clauses[dated].clone()
    } else {
        clauses
            .get(dated + 1)
            .or_else(|| dated.checked_sub(1).map(|before| &clauses[before]))
            .cloned()
            .unwrap_or(0..0)
    };
    !cues.dated_not.is_match(&text[said_of])
}

/// A rule laid down: "nobody"/"nothing" and what may not happen without what, from whoever
/// runs the meeting (`by_leader`: "And nothing goes out to a ward without a label."); insisted on
/// by them ("Volunteers only, nobody gets forced, you've got my word on that.", "It stays off the
/// road till engineering sign it off, I don't care how short we are."); or a thing banned or a
/// plan closed with ", full stop" ("…, no haze, period") that answers no question ("Any regrets?"
/// "No regrets, period."); or, from whoever runs the meeting, a state kept until something
/// happens ("Number two stays off until the new blades are on."). Not a remark on how things
/// are ("Nobody opens the newsletter, honestly."), nor what others said or a past.
fn lays_down_a_rule(sentences: &[Sentence], at: usize, text: &str, by_leader: bool, cues: &Cues) -> bool {
    if cues.remark.is_match(text) {
        return false;
    }
    let (mut prohibits, mut prohibits_with_a_limit, mut bans) = (false, false, false);
    for captures in cues.prohibition.captures_iter(text) {
        if let Some(verb) = captures.name("verb") {
            let verb = verb.as_str().to_lowercase();
            if !cues.language.prohibition_not.contains(&verb.as_str()) {
                prohibits = true;
                prohibits_with_a_limit |= captures.name("limit").is_some() || captures.name("contrast").is_some();
            }
        }
        bans |= captures.name("banned").is_some();
    }
    let Some(insisted) = cues.emphatic.captures(text) else {
        return by_leader && (prohibits_with_a_limit || stands_until(text, cues));
    };
    if insisted.name("closer").is_some() {
        // "…, no haze, period"; a plan too, from anyone ("The launch goes out at full price,
        // end of story.", from whoever runs the meeting when only "final" closes it: "It goes to
        // next sprint, final."); from whoever runs the meeting also how a thing will be
        // ("Pemberton is out of Q3 and Q4, full stop."), not a judgement of "it" or "that"
        // ("It's too expensive, full stop.") nor what can or must be ("We can't write three
        // days, no exceptions"). Not when objected to at once.
        let words = text::lower_words(text);
        let of_a_thing = first_after_leads(&words, cues).is_some_and(|first| {
            let subject = words[first].split('\'').next().unwrap_or("");
            !cues.language.subject_pronouns.contains(&subject)
                && !cues.language.back_references.contains(&subject)
                && !cues.language.personal_leads.contains(&subject)
        });
        let firm = by_leader || insisted.name("final").is_none();
        let ruled = bans
            || prohibits
            || (firm && plans_something(text, true, cues))
            || (by_leader && of_a_thing && !cues.rule_not.is_match(text));
        return ruled
            && !cues.dated_not.is_match(text)
            && !answers_a_question(sentences, at)
            && !objected_at_once(sentences, at, cues);
    }
    by_leader && (prohibits || plans_something(text, true, cues)) && !cues.reported.is_match(text)
}

/// Whether `text` keeps a state until something happens ("Number two stays off until the new
/// blades are on.", "Until it's fixed, nobody drives it."). Not the speaker's own plans ("I'll
/// stay until five, then I have to go."): what stays, or what is ruled after "until …,", is no
/// first person; nor what others said.
fn stands_until(text: &str, cues: &Cues) -> bool {
    cues.standing_until.captures(text).is_some_and(|captures| {
        let ruled = ["subject", "ruled", "closed", "closed_after"]
            .into_iter()
            .find_map(|name| captures.name(name));
        // "My laptop's offline until IT have reimaged it": the word or the one before it.
        let word_before = ruled.and_then(|word| text::lower_words(&text[..word.start()]).pop());
        ![ruled.map(|word| word.as_str().to_lowercase()), word_before]
            .into_iter()
            .flatten()
            .any(|word| cues.language.personal_leads.contains(&word.as_str()))
    }) && !cues.reported.is_match(text)
}

/// Whether `text` opens by ruling a thing out until something happens ("No change to the buffer
/// until we see the number.", "Nothing about pricing goes on the website until Sofia's model is
/// back.", "Nobody patches anything until it's been photographed"). From anyone: in the written
/// meetings 35 of 39 such sentences are rulings, most but not all from whoever chairs. Not what
/// rules nothing ("No idea until after the call.", "Nobody was, Piotr, until the toast.") nor a
/// shop's till ("Nobody mentioned the till at lunch").
fn rules_out_until(text: &str, cues: &Cues) -> bool {
    cues.ban_until.captures(text).is_some_and(|captures| {
        let word = |name: &str| captures.name(name).map(|m| m.as_str().to_lowercase());
        let first = word("first").unwrap_or_default();
        let before = word("before").unwrap_or_else(|| first.clone());
        !cues.language.ban_until_not.contains(&first.as_str()) && !cues.language.determiners.contains(&before.as_str())
    })
}

/// Whether `text` puts a matter off to a set time or event as the plan ("The roadshow waits for
/// next spring.", "We look at night runs again on the fifteenth of January, and not before.").
/// From anyone: in the written meetings such a sentence is nearly always what the room settled.
/// Not a person waiting ("She waits until the shop opens", "My parcel waits for …"), nor under a
/// condition ("If it rains, we look at it again on Monday", "… again in March if sales are
/// down"); what it waits to see may be a question ("…, when we've seen whether permits work").
fn defers_to_a_set_time(text: &str, cues: &Cues) -> bool {
    cues.deferral.captures(text).is_some_and(|captures| {
        let deferred_at = captures.get(0).expect("group 0 is the match").start();
        // "If it rains, we look at it again on Monday", "We look at it again in March if sales
        // are down": only maybe put off. What it waits to see may be a question ("…, when we've
        // seen whether permits work").
        let conditioned = cues.condition.find_iter(text).any(|condition| {
            condition.start() < deferred_at || condition.as_str().eq_ignore_ascii_case(cues.language.condition_word)
        });
        !conditioned
            && captures.name("subject").is_none_or(|subject| {
                let subject = subject.as_str().to_lowercase();
                let subject = subject.as_str();
                let language = cues.language;
                let a_person = (language.subject_pronouns.contains(&subject)
                    && !language.back_references.contains(&subject))
                    || language.personal_leads.contains(&subject)
                    || language.others_possessives.contains(&subject);
                !a_person
            })
    })
}

/// Whether the sentence at `at` opens a turn that answers a question the turn before asked.
fn answers_a_question(sentences: &[Sentence], at: usize) -> bool {
    at.checked_sub(1)
        .map(|before| &sentences[before])
        .is_some_and(|before| before.turn != sentences[at].turn && before.is_question())
}

/// Leave to go ahead with the plan it approves ("Yeah, do it, Sundays close at six till
/// spring."); not encouragement about someone ("Yeah, go for it, see how far that gets you.",
/// "Do it, he deserves it").
fn approves_a_plan(text: &str, cues: &Cues) -> bool {
    let Some(approved) = cues.approval.captures(text).and_then(|c| c.name("approved")) else {
        return false;
    };
    let first = approved.as_str().split_whitespace().next().unwrap_or("").to_lowercase();
    let about_someone =
        first != cues.language.first_person_plural && cues.language.subject_pronouns.contains(&first.as_str());
    !about_someone && !cues.remark.is_match(text) && plans_something(approved.as_str(), true, cues)
}

/// "We're not discounting in the summer", "We won't wait for Friday" said after a flat "No." in
/// the same turn, or opening with "No,": a refusal of what was just asked for; not a state
/// ("No, we're not getting anywhere", "No, we won't have time").
fn refused_outright(sentences: &[Sentence], at: usize, text: &str, cues: &Cues) -> bool {
    let Some(refused) = cues.refusal.captures(text) else {
        return false;
    };
    let language = cues.language;
    let state = match (refused.name("ing"), refused.name("verb")) {
        (Some(ing), _) => language.not_plan_states.contains(&ing.as_str().to_lowercase().as_str()),
        (None, Some(verb)) => language.not_plans.contains(&verb.as_str().to_lowercase().as_str()),
        (None, None) => true,
    };
    // "We won't wait for Friday" after "Can we not club it with Friday's release?"; not "We
    // won't make it in time" after "Can we get there by six?".
    let echoes = refused.name("ing").is_some() || {
        let asked = turn_before_from_someone_else(sentences, at);
        shares_a_telling_word(text, asked.iter().map(|s| s.text.as_str()), cues)
    };
    if state || !echoes {
        return false;
    }
    let described = cues.ruling_not.is_match(text) || cues.remark.is_match(text);
    !described && (cues.flat_no.is_match(text) || neighbour_in_turn(sentences, at, -1, &cues.flat_no, cues))
}

/// Whoever runs the meeting (`by_leader`) sums up (`summary_opener`, "So …") a plan that takes up
/// what the turn before, someone else's, put forward as a fragment: two of its words that say
/// something.
fn adopts_what_was_put_forward(sentences: &[Sentence], at: usize, by_leader: bool, text: &str, cues: &Cues) -> bool {
    if !by_leader
        || !(cues.summary_opener.is_match(text) || cues.decision_marker.is_match(text))
        || !plans_something(text, true, cues)
    {
        return false;
    }
    let put_forward: Vec<&Sentence> = turn_before_from_someone_else(sentences, at)
        .into_iter()
        .filter(|s| !s.is_question())
        .collect();
    // A fragment put forward ("After the final dress, so Thursday."), not a plan or a report of
    // one the chair just repeats ("The pool closes at six on Sundays." "Okay, so the pool closes
    // at six on Sundays.").
    if put_forward.iter().any(|s| {
        let said = cues.normalise(&s.text);
        plans_something(&said, true, cues) || cues.reported.is_match(&said)
    }) || cues.remark.is_match(text)
    {
        return false;
    }
    let offered: Vec<&str> = put_forward.iter().map(|s| s.text.as_str()).collect();
    shares_two_telling_words(text, &offered, cues)
}

/// The sentences of the turn before the one of the sentence at `at`, latest first, when someone
/// else said it; none otherwise.
fn turn_before_from_someone_else(sentences: &[Sentence], at: usize) -> Vec<&Sentence> {
    let sentence = &sentences[at];
    let Some(before) = sentences[..at].iter().rev().find(|before| before.turn != sentence.turn) else {
        return Vec::new();
    };
    if before.speaker == sentence.speaker {
        return Vec::new();
    }
    sentences[..at]
        .iter()
        .rev()
        .skip_while(|s| s.turn == sentence.turn)
        .take_while(|s| s.turn == before.turn)
        .collect()
}

/// Whether `text` says a word that says something (singular and plural alike) that one of `said`
/// said too.
fn shares_a_telling_word<'a>(text: &str, said: impl IntoIterator<Item = &'a str>, cues: &Cues) -> bool {
    let said: Vec<String> = said
        .into_iter()
        .flat_map(|s| cues.telling_words(s))
        .map(|word| text::singular(&word).to_owned())
        .collect();
    cues.telling_words(text)
        .iter()
        .any(|word| said.iter().any(|s| s == text::singular(word)))
}

/// Whether `text` shares two words that say something with what was `said`.
fn shares_two_telling_words(text: &str, said: &[&str], cues: &Cues) -> bool {
    let offered: Vec<String> = said.iter().flat_map(|s| cues.telling_words(s)).collect();
    let mut shared = cues.telling_words(text);
    shared.sort();
    shared.dedup();
    shared.iter().filter(|word| offered.contains(word)).count() >= 2
}

/// Whether the sentence at `at` repeats a plan the turn before, someone else's, stated as a
/// fact, not put forward with a doubt ("We could publish on the third." stays a proposal the
/// summing-up settles).
fn repeats_what_was_reported(sentences: &[Sentence], at: usize, text: &str, cues: &Cues) -> bool {
    let reported: Vec<&str> = turn_before_from_someone_else(sentences, at)
        .into_iter()
        .filter(|s| {
            let said = cues.normalise(&s.text);
            !s.is_question() && !cues.hedge.is_match(&said) && plans_something(&said, true, cues)
        })
        .map(|s| s.text.as_str())
        .collect();
    !reported.is_empty() && shares_two_telling_words(text, &reported, cues)
}

/// Whether the turn of the sentence at `at` asks for objections after it: a "yes" then objects
/// ("Any objections?" "Yes, Tuesdays clash.").
fn objections_asked_after(sentences: &[Sentence], at: usize, cues: &Cues) -> bool {
    let turn = sentences[at].turn;
    sentences[at + 1..]
        .iter()
        .take_while(|later| later.turn == turn)
        .any(|later| cues.objection_ask.is_match(&cues.normalise(&later.text)))
}

/// The sentence `offset` places from the one at `at` (1: the next, -1: the one before), when it
/// is in the same turn.
fn neighbour(sentences: &[Sentence], at: usize, offset: isize) -> Option<&Sentence> {
    at.checked_add_signed(offset)
        .and_then(|place| sentences.get(place))
        .filter(|neighbour| neighbour.turn == sentences[at].turn)
}

/// Whether the sentence `offset` places from the one at `at` is in the same turn and matches
/// `cue`.
fn neighbour_in_turn(sentences: &[Sentence], at: usize, offset: isize, cue: &regex::Regex, cues: &Cues) -> bool {
    neighbour(sentences, at, offset).is_some_and(|neighbour| cue.is_match(&cues.normalise(&neighbour.text)))
}

/// Whether the sentence before the one at `at`, in its turn, announces it: "Here's how it's going
/// to work.", or a rule named as the turn opens ("Then that's the rule."), which can only name
/// what follows it.
fn announced_before(sentences: &[Sentence], at: usize, cues: &Cues) -> bool {
    let Some(before) = neighbour(sentences, at, -1) else {
        return false;
    };
    let said = cues.normalise(&before.text);
    let opens_the_turn = neighbour(sentences, at - 1, -1).is_none();
    let draws_a_consequence = text::lower_words(&said)
        .first()
        .is_some_and(|first| cues.language.rule_named_leads.contains(&first.as_str()));
    cues.announces_the_rule.is_match(&said) || (opens_the_turn && draws_a_consequence && names_a_rule(&said, cues))
}

/// Whether `text` rules on something of the speaker's own ("My visa is approved, finally."), not
/// the meeting's business ("I'm not authorising a second van" is a ruling all the same).
fn about_ones_own(text: &str, cues: &Cues) -> bool {
    let words = text::lower_words(text);
    first_after_leads(&words, cues).is_some_and(|first| cues.language.possessive_leads.contains(&words[first].as_str()))
}

/// Where the first word of `words` after the leading "Okay, so" and assents ("Yeah, fine,") is.
fn first_after_leads(words: &[String], cues: &Cues) -> Option<usize> {
    words
        .iter()
        .position(|word| !cues.language.decision_leads.contains(&word.as_str()) && !cues.agreement.is_match(word))
}

/// Whether a summing-up is about a person ("So you're off on Friday.", "So I'm on leave.") or a
/// state of things ("So it's raining."), not the meeting's business.
/// A summing-up that says too little to settle anything ("So, bay one.", "Right, so not ten.")
/// counts as one too.
fn is_about_someone(text: &str, cues: &Cues) -> bool {
    let body = cues
        .decision_marker
        .find(text)
        .map_or(text, |marker| &text[marker.end()..]);
    let words = text::lower_words(body);
    // "So Carol is on holiday next week.": about someone named.
    let named_first = body
        .split_whitespace()
        .next()
        .is_some_and(|first| cues.could_be_name(first.trim_end_matches(|c: char| !c.is_alphabetic())));
    // "Then write us a few more like that.": a request, not a summing-up.
    named_first
        || cues.request.is_match(body.trim_start_matches([',', ' ']))
        || words.len() < SUMMED_UP_MIN_WORDS
        || words
            .iter()
            .any(|word| cues.language.summed_up_not_about.contains(&word.as_str()))
        || words.first().is_some_and(|first| {
            cues.language.personal_leads.contains(&first.as_str())
                || cues.language.summed_up_not_first.contains(&first.as_str())
        })
        // "Then it's an alcohol-free festival" names a choice; "So it's raining" does not.
        || (words.first().is_some_and(|first| first == "it's")
            && words.get(1).is_none_or(|second| !cues.language.determiners.contains(&second.as_str())))
}

/// The fewest words after its "so" a summing-up without a plan's wording needs.
const SUMMED_UP_MIN_WORDS: usize = 5;

/// How many sentences back an assent looks for the proposal it takes up.
const PROPOSAL_WINDOW_SENTENCES: usize = 6;

/// Whether the sentence at `at` assents, as it opens ("Okay, done, twenty-five an hour, …") or in
/// the sentence before it in its turn ("Yeah, do that.", "Then yes."), and takes up a proposal
/// someone put in the sentences just before ("What I'd suggest is we give people a heads-up…",
/// "Shall we do one more round, in person?"): two words that say something in common. Not a
/// question of fact answered ("Is the printer broken?" "Yes, the printer's broken.").
fn assents_to_a_proposal(sentences: &[Sentence], at: usize, text: &str, cues: &Cues) -> bool {
    let assented = cues.assent_lead.is_match(text)
        || neighbour_in_turn(sentences, at, -1, &cues.assent_before, cues)
        || neighbour(sentences, at, -1)
            .is_some_and(|before| before.words.len() <= 2 && cues.agreement.is_match(&cues.normalise(&before.text)));
    if !assented {
        return false;
    }
    // "Yes, the boiler is the problem.": a state confirmed, not a plan taken up.
    let states = text::lower_words(text)
        .iter()
        .any(|word| cues.language.state_words.contains(&word.as_str()));
    if states && !plans_something(text, true, cues) {
        return false;
    }
    let proposals: Vec<&str> = sentences[at.saturating_sub(PROPOSAL_WINDOW_SENTENCES)..at]
        .iter()
        .filter(|said| said.turn != sentences[at].turn && puts_a_proposal(&cues.normalise(&said.text), cues))
        .map(|said| said.text.as_str())
        .collect();
    !proposals.is_empty() && shares_two_telling_words(text, &proposals, cues)
}

/// Whether `text` proposes to act ("We could cap it at forty", "How about we …"), not guesses
/// how things are ("Could the boiler be it?", "We should have booked earlier").
fn puts_a_proposal(text: &str, cues: &Cues) -> bool {
    cues.proposal.captures_iter(text).any(|captures| {
        captures
            .name("verb")
            .is_none_or(|verb| !cues.language.not_plans.contains(&verb.as_str().to_lowercase().as_str()))
    })
}

/// Whether `text` is about the speaker's own life ("My sister's visiting and we're going
/// hiking."), which no rule named beside it makes the meeting's.
fn is_personal(text: &str, cues: &Cues) -> bool {
    let words = text::lower_words(text);
    first_after_leads(&words, cues).is_some_and(|first| cues.language.personal_leads.contains(&words[first].as_str()))
}

/// A ruling (`decision_ruling`); a change of plan ("Okay, scrap what I said, …") only with the
/// plan it changes to, not "Forget what I said about the weather, it's sunny".
fn rules(text: &str, cues: &Cues) -> bool {
    cues.decision_ruling
        .captures(text)
        .is_some_and(|captures| captures.name("changed").is_none() || plans_something(text, true, cues))
}

/// The most words in a choice given way to without a verb ("Fine, noon", "…, but alright,
/// Tuesday night", "two on the van at night, I'll wear it").
const GIVEN_WAY_TO_MAX_WORDS: usize = 6;
/// How many sentences back a choice given way to without a verb was put forward by others.
const CHOICE_PUT_FORWARD_SENTENCES: usize = 6;

/// Whether `text` gives way with a grudge said aloud: the speaker's own reluctance
/// (`Cues::reluctance`) beside what they give way to, a plan ("Okay, I'm not happy about it, but
/// the team covers weekends until October", "against my better judgement, the hero goes to the
/// blankets"), how a thing will be, set against the grudge with "but", or, after an answer or
/// with words that give way by themselves, a choice named in a few words that others put
/// forward just before ("Fine, noon, but I want it on record I don't love it" after "I'm
/// thinking Thursday at noon"). Not the grudge alone ("I don't love it, but fine."), a
/// complaint ("Registration closes at noon, and I don't like that."), a vote ("In favour,
/// reluctantly."), a promise ("…, but I'll do it": an action item), a reason ("…, because
/// accruals post late") or an opinion ("I don't like it, but the customers love it").
fn gives_way_grudgingly(sentences: &[Sentence], at: usize, text: &str, cues: &Cues) -> bool {
    let language = cues.language;
    if !cues.reluctance.is_match(text) {
        return false;
    }
    let consents = cues
        .reluctance
        .captures_iter(text)
        .any(|grudge| grudge.name("consent").is_some());
    let clauses = clauses_of(text, cues);
    // Where a grudge opens its clause ("Okay, I'm not happy about it"; not "a noise I don't
    // like").
    let grudges: Vec<usize> = (0..clauses.len())
        .filter(|&at| {
            let words = &clauses[at].words;
            cues.reluctance
                .find(&words[reply_opening(words, cues)..].join(" "))
                .is_some_and(|grudge| grudge.start() == 0)
        })
        .collect();
    let mut answered = false;
    let mut given_way_to = false;
    for (place, clause) in clauses.iter().enumerate() {
        if cues.reluctance.is_match(&clause.words.join(" ")) {
            continue;
        }
        let opening = reply_opening(&clause.words, cues);
        answered |= concedes(&clause.words[..opening], cues);
        let said = &clause.words[opening..];
        let Some(first) = said.first() else {
            continue;
        };
        let joined = said.join(" ");
        if cues.commitment.is_match(&joined) {
            return false;
        }
        if language.reason_leads.contains(&first.as_str()) || cues.condition.is_match(&joined) {
            continue;
        }
        // Given way to: after the grudge, or before one "but" sets against it ("We relabel lot
        // seven, but I don't love it"); not a complaint after it ("…, and I don't like that").
        let set_against = clause.after_but && grudges.iter().any(|&grudge| grudge < place);
        let conceded = consents
            || grudges.iter().any(|&grudge| grudge < place)
            || grudges
                .iter()
                .any(|&grudge| grudge > place && clauses[grudge].after_but);
        let named = (answered || consents)
            && said.len() <= GIVEN_WAY_TO_MAX_WORDS
            && !language.subject_pronouns.contains(&first.as_str())
            && !cues.has_a_verb(said)
            && !language
                .then_not_decided
                .iter()
                .any(|phrase| text::has_phrase(said, phrase))
            && shares_a_telling_word(
                &joined,
                said_by_others_before(sentences, at, CHOICE_PUT_FORWARD_SENTENCES),
                cues,
            );
        // "I'm not happy about it, but the team covers weekends until October": how a thing
        // will be, set against the grudge; not how it is ("…, but the numbers are good"), what
        // someone thinks of it ("…, but the customers love it") or what might be ("…, but we'd
        // lose the slot").
        let of_a_thing = set_against
            && said.len() >= 3
            && !language.subject_pronouns.contains(&first.as_str())
            && !language.back_references.contains(&first.as_str())
            && !language.personal_leads.contains(&first.as_str())
            && !said.iter().any(|word| {
                language.state_words.contains(&word.as_str()) || language.opinion_words.contains(&word.as_str())
            })
            && !cues.rule_not.is_match(&joined);
        given_way_to |= named || of_a_thing || (conceded && plans_something(&joined, true, cues));
    }
    given_way_to
}

/// A clause of a sentence, lower case: what punctuation or "but" sets apart.
struct Clause {
    words: Vec<String>,
    /// Whether "but" opens it ("…, but the team covers weekends").
    after_but: bool,
}

/// The clauses of `text`: split at punctuation, and at "but" with or without a comma ("I don't
/// love it but we ship Monday").
fn clauses_of(text: &str, cues: &Cues) -> Vec<Clause> {
    text.split([',', ';', ':', '.', '!'])
        .flat_map(|piece| {
            let words = text::lower_words(piece);
            let opens_with_but = words.first().is_some_and(|word| word == cues.language.but_word);
            words
                .split(|word| word == cues.language.but_word)
                .enumerate()
                .map(|(nth, part)| Clause {
                    words: part.to_vec(),
                    after_but: nth > 0 || opens_with_but,
                })
                .collect::<Vec<_>>()
        })
        .filter(|clause| !clause.words.is_empty())
        .collect()
}

/// Whether `text`, a reply to someone else, gives way to what was pressed for while keeping
/// something back: an answer ("Fine", "Okay"), what is given way to, then "but" and what the
/// speaker holds to ("Fine, take two of mine for the motor queue, but only for two weeks",
/// "Fine, mobile money straight to the families, but my office sees every payment"); or the
/// answer said twice ("Okay, okay, fruit every day"). What is given way to is an order that
/// settles what others were talking about ("skip it this year" after being pressed), a plan, or
/// a choice in a few words that others pressed for just before. Not one's own promise ("Fine,
/// I'll do it, but not today": an action item), thanks, leave to speak ("Okay, go ahead, but
/// keep it short"), or an answer to what was asked ("How do the numbers look?" "Okay, the
/// numbers look good, but …").
fn gives_way_with_a_proviso(sentences: &[Sentence], at: usize, text: &str, cues: &Cues) -> bool {
    let language = cues.language;
    let sentence = &sentences[at];
    let replies = at
        .checked_sub(1)
        .map(|before| &sentences[before])
        .is_some_and(|before| before.turn != sentence.turn && before.speaker != sentence.speaker);
    if !replies {
        return false;
    }
    let clauses = clauses_of(text, cues);
    let is_answer = |clause: &Clause| {
        !clause.after_but && reply_opening(&clause.words, cues) == clause.words.len() && concedes(&clause.words, cues)
    };
    let answers = clauses.iter().take_while(|clause| is_answer(clause)).count();
    let Some(given_way_to) = clauses.get(answers) else {
        return false;
    };
    let kept_back = clauses[answers + 1..].iter().any(|clause| clause.after_but)
        || neighbour(sentences, at, 1)
            .is_some_and(|next| next.words.first().is_some_and(|word| word.lower == language.but_word));
    if answers == 0 || given_way_to.after_but || !(kept_back || answers >= 2) {
        return false;
    }
    let choice = &given_way_to.words;
    let first = &choice[0];
    let joined = choice.join(" ");
    if cues.commitment.is_match(&joined)
        || language
            .then_not_decided
            .iter()
            .any(|phrase| text::has_phrase(choice, phrase))
    {
        return false;
    }
    let discussed = said_by_others_before(sentences, at, CHOICE_PUT_FORWARD_SENTENCES);
    // Others pressed for it: what they said last asks nothing ("How do the numbers look?", "Can
    // I add one thing?" "Okay, go ahead, …").
    let pressed = turn_before_from_someone_else(sentences, at)
        .first()
        .is_some_and(|before| !before.is_question());
    // "Skip it this year" after being pressed; "take two of mine for the motor queue" on what
    // others were talking about; not "give me a minute", "take a look" or "go ahead".
    let ordered = (language.settling_verbs.contains(&first.as_str())
        || language.granted_verbs.contains(&first.as_str()))
        && choice.get(1).is_some_and(|object| {
            if language.settling_not_objects.contains(&object.as_str()) {
                pressed && language.back_references.contains(&object.as_str())
            } else {
                shares_a_telling_word(&choice[1..].join(" "), discussed.iter().copied(), cues)
            }
        });
    let named = pressed
        && choice.len() <= GIVEN_WAY_TO_MAX_WORDS
        && !language.subject_pronouns.contains(&first.as_str())
        && !cues.has_a_verb(choice)
        && shares_a_telling_word(&joined, discussed.iter().copied(), cues);
    ordered || named || (pressed && plans_something(&joined, true, cues))
}

/// Whether `words` (lower case) hold an answer that concedes ("fine", "all right").
fn concedes(words: &[String], cues: &Cues) -> bool {
    cues.language
        .conceding_words
        .iter()
        .any(|answer| text::has_phrase(words, answer))
}

/// How many of `words` (lower case) only open a reply ("fine", "but alright", "so").
fn reply_opening(words: &[String], cues: &Cues) -> usize {
    let mut at = 0;
    'words: while at < words.len() {
        for phrase in cues.language.reply_openers {
            let phrase: Vec<&str> = phrase.split(' ').collect();
            let end = at + phrase.len();
            if end <= words.len() && words[at..end].iter().zip(&phrase).all(|(w, p)| w == p) {
                at = end;
                continue 'words;
            }
        }
        break;
    }
    at
}

/// Whether `text` (normalised) names what the sentence beside it lays down ("That's the rain
/// plan."), not a rule of thumb ("That's the golden rule.").
fn names_a_rule(text: &str, cues: &Cues) -> bool {
    cues.names_the_rule.captures(text).is_some_and(|captures| {
        captures.name("kind").is_none_or(|kind| {
            !cues
                .language
                .general_rule_kinds
                .contains(&kind.as_str().to_lowercase().as_str())
        })
    })
}

/// Whether `text` carries a plan: "we publish", "the carnival shifts to the lagoon", and with
/// `progressive` "we're doing two collection points"; not "we have", "we tested", "we're
/// seeing more returns" or "we're doing fine".
fn plans_something(text: &str, progressive: bool, cues: &Cues) -> bool {
    let language = cues.language;
    cues.decision_plan.captures_iter(text).any(|captures| {
        let whole = captures.get(0).expect("group 0 is the match");
        let before = &text[..whole.start()];
        // "once the amendment's approved": a plan waited for in its own clause.
        let clause = before.rsplit_once(',').map_or(before, |(_, clause)| clause);
        if cues.pending.is_match(clause) || cues.condition.is_match(clause) {
            return false;
        }
        // "The bridge is closed until March", "My visa's approved": a state, a plan only summed
        // up ("So the trial is extended") or from a date ("…'s open again from August").
        if captures.name("state").is_some() {
            let firmly = cues.emphatic.captures(text).is_some_and(|c| c.name("closer").is_some());
            return cues.decision_marker.is_match(text)
                || cues.dated_change.is_match(text)
                || text::lower_words(text).contains(&cues.language.from_word.to_owned())
                || firmly;
        }
        let word_before = before.split_whitespace().next_back().unwrap_or("").to_lowercase();
        if language.not_plan_after.contains(&word_before.as_str())
            || language
                .not_plan_after_endings
                .iter()
                .any(|ending| word_before.ends_with(ending))
        {
            return false;
        }
        // "So the AGM's the fourteenth", summing up; not "So today's the fourteenth", "My
        // flight's on Tuesday".
        if let Some(event) = captures.name("event") {
            let event = event.as_str().to_lowercase();
            let firmly = cues.emphatic.captures(text).is_some_and(|c| c.name("closer").is_some());
            return (cues.decision_marker.is_match(text) || firmly)
                && !language.rule_subject_not.contains(&event.as_str())
                && !language.not_events.contains(&event.as_str())
                && !language.personal_leads.contains(&word_before.as_str());
        }
        if let Some(ing) = captures.name("ing") {
            if !progressive {
                return false;
            }
            let ing = ing.as_str().to_lowercase();
            let object = captures.name("object").map_or("", |m| m.as_str().trim()).to_lowercase();
            return !language.not_plan_states.contains(&ing.as_str())
                && !language.not_plan_state_objects.contains(&object.as_str());
        }
        match captures.name("verb") {
            // "We haven't got another week", "we can't": a negated auxiliary states, it does
            // not plan; "we don't run the late line" refuses, a plan all the same.
            Some(verb) if text[verb.end()..].starts_with("'t") && !verb.as_str().eq_ignore_ascii_case("don") => false,
            Some(verb) => {
                let verb = verb.as_str().to_lowercase();
                !language.not_plans.contains(&verb.as_str())
                    && !language.not_plan_endings.iter().any(|ending| verb.ends_with(ending))
            }
            None => true,
        }
    })
}

/// A standing rule for a case: "If the swell's over two metres, the carnival shifts to the
/// lagoon.", "Unless the survey says otherwise, we close the north stand."; not a forecast
/// ("If the truck's here at seven, we're finishing by six"), a plan still weighed ("If we write
/// the ticket by tomorrow, we ship on Friday"), a hypothetical ("If it were up to me, we'd…") or a
/// promise ("If it rains, I'll bring the gazebo").
fn is_conditional_rule(text: &str, cues: &Cues) -> bool {
    let Some(captures) = cues.conditional_rule.captures(text.trim()) else {
        return false;
    };
    let (Some(case), Some(rule)) = (captures.name("case"), captures.name("rule")) else {
        return false;
    };
    let first_word = |clause: &str| clause.split_whitespace().next().unwrap_or("").to_lowercase();
    !cues
        .language
        .rule_case_not
        .contains(&first_word(case.as_str()).as_str())
        && !cues
            .language
            .rule_subject_not
            .contains(&first_word(rule.as_str()).as_str())
        && !cues.hypothetical.is_match(text)
        && !cues.rule_not.is_match(rule.as_str())
        && plans_something(rule.as_str(), false, cues)
}

/// The sentence at `at` opens a turn that grants, at once, the leave the turn before asked to
/// do something: "Can I order the level five gloves?" "Fine, order them."; "Can I get Thursday
/// off? My sister's there." "Yeah, take Thursday."; not leave to speak ("Can I ask something?"
/// "Yeah, go ahead."). A bare assent of a word or two may open the turn first ("Yes. Go ahead,
/// up to two hundred.").
fn grants_leave(sentences: &[Sentence], at: usize, text: &str, cues: &Cues) -> bool {
    let sentence = &sentences[at];
    let (opening, text) = match at.checked_sub(1).map(|before| &sentences[before]) {
        Some(assent)
            if assent.turn == sentence.turn
                && assent.words.len() <= 2
                && cues.agreement.is_match(&cues.normalise(&assent.text)) =>
        {
            (at - 1, format!("{} {text}", cues.normalise(&assent.text)))
        }
        _ => (at, text.to_owned()),
    };
    let Some(before) = opening.checked_sub(1).map(|before| &sentences[before]) else {
        return false;
    };
    if before.turn == sentence.turn || before.speaker == sentence.speaker {
        return false;
    }
    let asked_to_act = |asked: &Sentence| {
        asked.is_question()
            && cues
                .permission_asked
                .captures(&cues.normalise(&asked.text))
                .and_then(|c| c.name("verb"))
                .is_some_and(|verb| {
                    !cues
                        .language
                        .permission_to_speak
                        .contains(&verb.as_str().to_lowercase().as_str())
                })
    };
    // The turn before, back to its first sentence.
    let mut turn_before = sentences[..opening].iter().rev().take_while(|s| s.turn == before.turn);
    turn_before.any(asked_to_act) && cues.permission_given.is_match(&text)
}

/// Whether `text` is a choice closed by "then" ("Option two, then.").
fn closed_by_then(text: &str) -> bool {
    let words: Vec<String> = text
        .trim_end_matches(['.', '!'])
        .split_whitespace()
        .map(|w| w.trim_matches(',').to_lowercase())
        .collect();
    words.len() >= 2 && words.last().is_some_and(|last| last == "then")
}

/// The sentences others said in the `window` sentences before the one at `at`.
fn said_by_others_before(sentences: &[Sentence], at: usize, window: usize) -> Vec<&str> {
    said_by_others_since(sentences, at, at.saturating_sub(window))
}

/// The sentences others said from the one at `start` up to the one at `at`.
fn said_by_others_since(sentences: &[Sentence], at: usize, start: usize) -> Vec<&str> {
    sentences[start..at]
        .iter()
        .filter(|said| said.speaker != sentences[at].speaker)
        .map(|said| said.text.as_str())
        .collect()
}

/// How many sentences back an order that settles a matter looks for the matter.
const ORDER_DISCUSSED_SENTENCES: usize = 4;

/// Whether `text` is an order to the room that settles what was just discussed: it opens (after
/// "Fine," or "Yeah,") with a settling verb and a thing ("Leave the logo as it is.", "Fine, keep
/// the retargeting, move the rest to reels."), is put to nobody by name, and shares a word that
/// says something with the sentences others said just before. Not about the meeting itself
/// ("Leave it with me.", "Keep going.", "Give me a second.").
fn settles_by_order(sentences: &[Sentence], at: usize, text: &str, cues: &Cues) -> bool {
    let words = text::lower_words(text);
    let Some(verb_at) = first_after_leads(&words, cues) else {
        return false;
    };
    let (verb, object) = (&words[verb_at], words.get(verb_at + 1));
    let named = sentences[at]
        .words
        .iter()
        .any(|word| cues.could_be_name(&word.raw) && word.punct_after == Some(','));
    // "Leave the registrar with me": taken on, not settled.
    let taken_on = text::has_phrase(&words, cues.language.taken_on_phrase);
    if !cues.language.settling_verbs.contains(&verb.as_str())
        || object.is_none_or(|object| cues.language.settling_not_objects.contains(&object.as_str()))
        || named
        || taken_on
        || sentences[at].is_question()
    {
        return false;
    }
    let discussed = said_by_others_before(sentences, at, ORDER_DISCUSSED_SENTENCES);
    shares_a_telling_word(&words[verb_at + 1..].join(" "), discussed, cues)
}

/// The most words of an assent that says nothing else ("Yeah, I like that.").
const BARE_ASSENT_MAX_WORDS: usize = 4;

/// Whether `sentence` only assents ("Yeah, I like that." before "Let's do that."): what is
/// settled is what was put forward, not the assent.
fn is_bare_assent(sentence: &Sentence, cues: &Cues) -> bool {
    sentence.words.len() <= BARE_ASSENT_MAX_WORDS && cues.agreement.is_match(&cues.normalise(&sentence.text))
}

/// How many sentences back a summing-up looks for what it sums up.
const SUMMED_UP_DISCUSSED_SENTENCES: usize = 8;

/// Whether `text` is whoever runs the meeting summing up what others just discussed ("Okay,
/// fifteen percent off dental cleanings for February.", or after a one-word assent: "Good.",
/// "Fine.") and then, in the same turn, turning to someone by name ("Tyler, the reminders?"):
/// moving on is what settles it, whatever its wording. It must share two words that say
/// something with what others said just before.
fn summed_up_before_moving_on(sentences: &[Sentence], at: usize, text: &str, by_leader: bool, cues: &Cues) -> bool {
    let sentence = &sentences[at];
    if !by_leader || sentence.is_question() {
        return false;
    }
    let opened = cues.summary_opener.is_match(text)
        || neighbour(sentences, at, -1)
            .is_some_and(|before| before.words.len() == 1 && cues.agreement.is_match(&before.text));
    let turns_to_someone = neighbour(sentences, at, 1).is_some_and(|next| {
        next.words
            .first()
            .is_some_and(|first| first.punct_after == Some(',') && cues.could_be_name(&first.raw))
    });
    if !(opened && turns_to_someone) {
        return false;
    }
    let discussed = said_by_others_before(sentences, at, SUMMED_UP_DISCUSSED_SENTENCES);
    shares_two_telling_words(text, &discussed, cues)
}

/// How many sentences back a conclusion in a few words, or a plan the chair states, looks for
/// the talk it closes.
const CONCLUDED_DISCUSSED_SENTENCES: usize = 8;

/// The most words of a conclusion without a verb, its opening words left out.
const CONCLUSION_MAX_WORDS: usize = 14;
/// The most words after a closing phrase that say what was turned down ("…, then, not live").
const CLOSER_TURNED_DOWN_MAX_WORDS: usize = 4;

/// How many of `words` (lower case) open the sentence as a conclusion's opening words ("Okay,
/// so C12 Tuesday": 2), none when no word among them closes ("So eight thousand reais.").
fn opening_words(words: &[String], cues: &Cues) -> usize {
    let language = cues.language;
    let opening = words
        .iter()
        .take_while(|word| {
            language.conclusion_openers.contains(&word.as_str()) || language.conclusion_fillers.contains(&word.as_str())
        })
        .count();
    let closes = words[..opening]
        .iter()
        .any(|word| language.conclusion_openers.contains(&word.as_str()));
    if closes {
        opening
    } else {
        0
    }
}

/// Where a closing phrase of the language starts in `words`, when it ends them or only what was
/// turned down follows it ("saturday in that case not tuesday"): the words before it are the
/// conclusion.
fn closing_words(words: &[String], cues: &Cues) -> Option<usize> {
    let language = cues.language;
    language.conclusion_closers.iter().find_map(|closer| {
        let phrase: Vec<&str> = closer.split(' ').collect();
        (1..words.len()).rev().find(|&at| {
            let end = at + phrase.len();
            let matches = end <= words.len() && words[at..end].iter().zip(&phrase).all(|(w, p)| w == p);
            let rest = &words[end.min(words.len())..];
            let closes =
                rest.is_empty() || (rest.len() <= CLOSER_TURNED_DOWN_MAX_WORDS && rest[0] == language.turned_down_word);
            matches && closes
        })
    })
}

/// Whether the next turn, someone else's, opens with an objection ("No, …", "Hang on, …"); a
/// "No" that answers what the turn asked after the sentence is none ("Okay, thirteen. Nobody
/// wants to play again?" "No, thirteen is fine.").
fn objected_at_once(sentences: &[Sentence], at: usize, cues: &Cues) -> bool {
    let turn = sentences[at].turn;
    let asked_after = sentences[at + 1..]
        .iter()
        .take_while(|later| later.turn == turn)
        .any(Sentence::is_question);
    let Some(reply) = text::next_turn_from_someone_else(sentences, at).first() else {
        return false;
    };
    let reply_text = cues.normalise(&reply.text);
    let answers_the_question = asked_after && cues.no_objection.is_match(&reply_text);
    !answers_the_question
        && text::lower_words(&reply_text)
            .first()
            .is_some_and(|first| cues.language.objection_openers.contains(&first.as_str()))
}

/// Whether `text` is whoever runs the meeting closing the talk in a few words without a verb,
/// after an opening word ("Okay, so C12 Tuesday, B07 Wednesday.", "Fine, generator from six to
/// nine until the new controller is in.", "Then Hartley's, over Christmas."): at least two
/// words that say something, one of which others said just before; or before a closing phrase
/// ("Saturday, in that case."), one; not objected to at once
/// ("Thursday at two, then." "Hang on, …"). Not the meeting's own
/// business ("Okay, two things.", "Right, next item.", "Okay, thanks, everyone.", "Okay, hands
/// up for a hundred and twenty."), an estimate ("Right, roughly an hour of downtime."), or who
/// is next ("And Tomasz, the pour itself.", "Okay, Callum first then, and Priya second.").
fn concludes_in_few_words(sentences: &[Sentence], at: usize, text: &str, by_leader: bool, cues: &Cues) -> bool {
    if !by_leader || sentences[at].is_question() {
        return false;
    }
    let language = cues.language;
    let words = text::lower_words(text);
    let opened = opening_words(&words, cues);
    // Or closed: "Saturday, in that case." (one telling word is enough there: the closer says
    // it was chosen).
    let closed_at = if opened == 0 { closing_words(&words, cues) } else { None };
    let conclusion = match closed_at {
        Some(closer) => &words[..closer],
        None => &words[opened..],
    };
    let least_telling = if closed_at.is_some() { 1 } else { 2 };
    if (opened == 0 && closed_at.is_none())
        || conclusion.is_empty()
        || conclusion.len() > CONCLUSION_MAX_WORDS
        || cues.has_a_verb(conclusion)
        || conclusion
            .iter()
            .any(|word| language.conclusion_not_words.contains(&word.as_str()))
    {
        return false;
    }
    let joined = conclusion.join(" ");
    cues.telling_words(&joined).len() >= least_telling
        && !objected_at_once(sentences, at, cues)
        && shares_a_telling_word(
            &joined,
            said_by_others_before(sentences, at, CONCLUDED_DISCUSSED_SENTENCES),
            cues,
        )
        && !names_a_participant(conclusion, &sentences[..=at])
}

/// How many sentences back a ruling looks for the debate it ends.
const DEBATE_SENTENCES: usize = 6;

/// How many turns back it looks, when those hold more sentences …
const DEBATE_TURNS: usize = 4;

/// … but never more sentences back than this (a long report is no debate).
const DEBATE_MAX_SENTENCES: usize = 12;

/// Whether `text` is whoever runs the meeting ending, without an opening word, a debate the
/// others just had: "Six berths for the rally, not twelve." after "And what do I tell the yacht
/// club about the rally?", "Two-thirty, starting next week." after "Could we move this huddle to
/// two-thirty?", "The rooftop stays open, and breakfast moves down to the courtyard." after a
/// proposal and a doubt. Others asked, put forward or disputed something in the sentences just
/// before (for a plan, as far back as `debate_start`); the ruling takes up a word that says
/// something from them; it is a few words without
/// a verb (as `concludes_in_few_words`, less its opener), states a plan in the present or puts
/// one with a "let's" that settles ("Let's take the sixteenth.", `settles_with_lets`); and
/// nobody objects at once. Not who is next ("Rosa, then the grid."), the meeting's own business
/// or a plan of the speaker's own.
fn ends_a_debate(sentences: &[Sentence], at: usize, text: &str, by_leader: bool, cues: &Cues) -> bool {
    if !by_leader || sentences[at].is_question() {
        return false;
    }
    let language = cues.language;
    let words = text::lower_words(text);
    // "So eight thousand reais." repeats what was said; with an opener ("Okay, so …") other
    // rules judge it.
    let repeats = words
        .first()
        .is_some_and(|first| language.conclusion_fillers.contains(&first.as_str()));
    let few_words = words.len() <= CONCLUSION_MAX_WORDS
        && !repeats
        && !cues.has_a_verb(&words)
        && cues.telling_words(text).len() >= 2
        && !words
            .iter()
            .any(|word| language.conclusion_not_words.contains(&word.as_str()));
    // "We lose the wall, or we fly the truss": choices laid out; "Diesel's my problem": the
    // speaker's own.
    let choices = words.iter().any(|word| word == language.or_word);
    let own = words
        .iter()
        .any(|word| language.personal_leads.contains(&word.as_str()));
    if !(few_words || plans_something(text, false, cues) || settles_with_lets(text, cues))
        || choices
        || own
        || names_a_participant(&words, &sentences[..=at])
    {
        return false;
    }
    let speaker = sentences[at].speaker.as_deref();
    // "Only coming home." after "Are they going out too?": an answer, unless the question asked
    // what to do.
    let answers = at
        .checked_sub(1)
        .map(|before| &sentences[before])
        .is_some_and(|before| {
            before.speaker.as_deref() != speaker
                && before.is_question()
                && !cues.ruling_asked.is_match(&cues.normalise(&before.text))
        });
    if answers {
        return false;
    }
    // A few words without a verb take up only what was just said.
    let start = if few_words {
        at.saturating_sub(DEBATE_SENTENCES)
    } else {
        debate_start(sentences, at)
    };
    let before = &sentences[start..at];
    let debated = before
        .iter()
        .filter(|said| said.speaker.as_deref() != speaker)
        .any(|said| {
            let said_text = cues.normalise(&said.text);
            said.is_question()
                || puts_a_proposal(&said_text, cues)
                || text::lower_words(&said_text)
                    .first()
                    .is_some_and(|first| language.objection_openers.contains(&first.as_str()))
        });
    debated
        && !objected_at_once(sentences, at, cues)
        && shares_a_telling_word(text, said_by_others_since(sentences, at, start), cues)
}

/// Whether `text` puts, with "let's" and a verb that settles (`Language::lets_settling`),
/// something to do ("Let's take the sixteenth.", "Let's hold it at the community hall on the
/// twenty-third."): not the meeting's own business ("Let's vote.", "Let's see what estates
/// say."), a thing put off or passed on ("Let's hold that over to March.", "Let's take it to the
/// board.") nor a manner of speaking ("Let's face it, …").
fn settles_with_lets(text: &str, cues: &Cues) -> bool {
    let Some(captures) = cues.lets_do.captures(text.trim()) else {
        return false;
    };
    let language = cues.language;
    let verb = captures.name("verb").map_or("", |m| m.as_str()).to_lowercase();
    let rest = text::lower_words(captures.name("rest").map_or("", |m| m.as_str()));
    !rest.is_empty()
        && language.lets_settling.contains(&verb.as_str())
        && !rest
            .iter()
            .any(|word| language.lets_not_settled_words.contains(&word.as_str()))
        && !cues.meeting_flow.is_match(text)
}

/// Where the debate a ruling at `at` may end begins: the last few sentences, or the last few
/// turns when those reach further (the chair's own long answer, "Put weight on with what?
/// There's no grass. … It ain't gonna rain.", after the question that opened it), up to a limit.
fn debate_start(sentences: &[Sentence], at: usize) -> usize {
    let turn = sentences[at].turn;
    let by_turns = sentences[..at]
        .iter()
        .position(|said| said.turn + DEBATE_TURNS >= turn)
        .unwrap_or(at);
    at.saturating_sub(DEBATE_SENTENCES)
        .min(by_turns)
        .max(at.saturating_sub(DEBATE_MAX_SENTENCES))
}

/// Whether one of `words` (lower case) is the name of someone who speaks in `sentences`: the
/// meeting up to the sentence judged, never after it, so the live feed (which has not heard a
/// latecomer yet) and the summary read the sentence alike.
fn names_a_participant(words: &[String], sentences: &[Sentence]) -> bool {
    let mut speakers: Vec<&str> = sentences.iter().filter_map(|s| s.speaker.as_deref()).collect();
    speakers.sort_unstable();
    speakers.dedup();
    speakers
        .iter()
        .flat_map(|speaker| text::lower_words(speaker))
        .any(|name| words.contains(&name))
}

/// Whether `text` is whoever runs the meeting stating in the present what the room does ("Good.
/// We take Reyes.", "Okay, we drop the Collector."), on something others were just talking
/// about, and the next speaker does not object ("No, …", "But …"). Not choices laid out ("We
/// lose the wall, or we fly the truss.").
fn states_the_plan_unopposed(sentences: &[Sentence], at: usize, text: &str, by_leader: bool, cues: &Cues) -> bool {
    if !by_leader || sentences[at].is_question() {
        return false;
    }
    let language = cues.language;
    let words = text::lower_words(text);
    let opened = opening_words(&words, cues);
    let by_the_room = words
        .get(opened)
        .is_some_and(|word| language.room_subjects.contains(&word.as_str()));
    // "We lose the wall, or we fly the front truss": choices laid out, not one made.
    let choices = words.iter().any(|word| word == language.or_word);
    if !by_the_room || choices || !plans_something(text, false, cues) {
        return false;
    }
    !objected_at_once(sentences, at, cues)
        && shares_a_telling_word(
            text,
            said_by_others_before(sentences, at, CONCLUDED_DISCUSSED_SENTENCES),
            cues,
        )
}

/// How many sentences back a choice closed by "then" looks for the option it takes up.
const CHOICE_DISCUSSED_SENTENCES: usize = 6;

/// The most words a choice closed by "then" has ("Hoarding by the clubhouse, then").
const CHOICE_MAX_WORDS: usize = 6;

/// Whether `text` opens with a short choice closed by "then" ("Registrar, then.", "Hoarding by
/// the clubhouse, then, and the shirts stay as they are.", "Recorded, then, not live.") that
/// takes up an option someone else named in the sentences just before, where options were put
/// ("…, or …", "We could …"), and nobody objects at once ("Hang on, …"); not a
/// greeting or a hand-over ("See you Thursday, then.", "Over to you, then."), an answer taken
/// ("What's next?" "The budget." "The budget, then.") or a remark ("Leeds, then, lucky you.").
fn takes_up_a_choice_with_then(sentences: &[Sentence], at: usize, text: &str, cues: &Cues) -> bool {
    let lower = text.to_lowercase();
    // "Registrar, then." or "…, then, and …"; not "Durian night, then the rats come back."
    let Some(choice) = lower
        .split_once(", then")
        .filter(|(choice, after)| {
            let tail = after.trim_start_matches(',').trim();
            let plan_after = tail
                .strip_prefix("and ")
                .is_some_and(|plan| plans_something(plan, true, cues));
            // "Recorded, then, not live.": with what was turned down.
            let turned_down = text::lower_words(tail).split_first().is_some_and(|(first, rest)| {
                first == cues.language.turned_down_word && rest.len() < CLOSER_TURNED_DOWN_MAX_WORDS
            });
            !choice.contains(',') && (after.trim_end_matches(['.', '!']).is_empty() || plan_after || turned_down)
        })
        .map(|(choice, _)| choice)
    else {
        return false;
    };
    let words = text::lower_words(choice);
    if words.is_empty()
        || words.len() > CHOICE_MAX_WORDS
        || cues
            .language
            .then_not_decided
            .iter()
            .any(|phrase| text::has_phrase(&words, phrase))
    {
        return false;
    }
    takes_up_an_option(sentences, at, choice, options_put(sentences, at, cues), cues)
}

/// Whether options were put in the sentences just before `at` ("…, or …", "We could …").
fn options_put(sentences: &[Sentence], at: usize, cues: &Cues) -> bool {
    sentences[at.saturating_sub(CHOICE_DISCUSSED_SENTENCES)..at]
        .iter()
        .any(|said| {
            let said = cues.normalise(&said.text);
            text::lower_words(&said)
                .iter()
                .any(|word| word == cues.language.or_word)
                || puts_a_proposal(&said, cues)
        })
}

/// Whether `choice`, said at `at`, takes up what someone else named in the sentences just
/// before and nobody objects at once; not an answer taken when no options were put ("What's the
/// next item?" "The budget." "The budget, then.").
fn takes_up_an_option(sentences: &[Sentence], at: usize, choice: &str, options_put: bool, cues: &Cues) -> bool {
    let answer_taken = at.checked_sub(1).is_some_and(|before| {
        answers_a_question(sentences, before) && sentences[before - 1].speaker == sentences[at].speaker
    });
    if !options_put && answer_taken {
        return false;
    }
    let discussed = said_by_others_before(sentences, at, CHOICE_DISCUSSED_SENTENCES);
    shares_a_telling_word(choice, discussed, cues) && !objected_at_once(sentences, at, cues)
}

/// "Then it's the higher quote.", "Then it's Kapsiwa, on Saturday the twenty-sixth.": one of the
/// options the room weighed, taken by whoever runs the meeting or after options were put: a
/// thing or a name others spoke of in the sentences before. Not a state ("Then it's small.",
/// "Then it's not an option."), whose say it is ("Then it's Sarah's call.") or a choice under a
/// condition ("Then it's the higher quote, if finance agrees.").
fn takes_up_a_choice_with_then_its(
    sentences: &[Sentence],
    at: usize,
    text: &str,
    by_leader: bool,
    cues: &Cues,
) -> bool {
    let Some(choice) = cues
        .choice_then_its
        .captures(text.trim())
        .and_then(|c| c.name("choice"))
    else {
        return false;
    };
    let words = text::lower_words(choice.as_str());
    if words.len() > CHOICE_MAX_WORDS
        || cues
            .language
            .then_not_decided
            .iter()
            .any(|phrase| text::has_phrase(&words, phrase))
    {
        return false;
    }
    let options_put = options_put(sentences, at, cues);
    (by_leader || options_put)
        && !conditional(text, cues)
        && takes_up_an_option(sentences, at, choice.as_str(), options_put, cues)
}

/// Whether `text` opens with a verb leave is granted for ("Take the spare van for the week.").
fn is_granted_doing(text: &str, cues: &Cues) -> bool {
    let first = text.split_whitespace().next().unwrap_or("").to_lowercase();
    cues.language.granted_verbs.contains(&first.as_str())
}

/// The first sentence of the next turn, someone else's, assents ("Fine.", "Fine by me.").
fn next_speaker_assents(sentences: &[Sentence], at: usize, cues: &Cues) -> bool {
    cues.next_speaker_opens_with(sentences, at, &cues.agreement)
}

/// The first sentence of the next turn, someone else's, assents to a plan ("Agreed.", "Sounds
/// good."), not only confirms a fact ("Yeah.", "Exactly.").
fn next_speaker_assents_to_a_plan(sentences: &[Sentence], at: usize, cues: &Cues) -> bool {
    cues.next_speaker_opens_with(sentences, at, &cues.plan_assent)
}

/// The next turn, someone else's, assents to the sentence at `at` or its speaker sets about it
/// ("I'll ring the bunkhouse and cancel in the morning.").
fn next_speaker_takes_it_up(sentences: &[Sentence], at: usize, cues: &Cues) -> bool {
    next_speaker_assents(sentences, at, cues)
        || text::next_turn_from_someone_else(sentences, at)
            .iter()
            .any(|said| !said.is_question() && cues.commitment.is_match(&cues.normalise(&said.text)))
}

/// The sentence at `at` is followed in its turn by a call to confirm it ("Everyone happy with
/// that?") and the next turn, someone else's, assents.
fn confirmed_at_once(sentences: &[Sentence], at: usize, cues: &Cues) -> bool {
    let sentence = &sentences[at];
    let Some(ask) = sentences.get(at + 1).filter(|ask| ask.turn == sentence.turn) else {
        return false;
    };
    let ask = cues.normalise(&ask.text);
    // "Everyone happy?" is answered "Yes"; "Any objections?" is answered "No".
    let assent = if cues.confirm_ask.is_match(&ask) {
        &cues.agreement
    } else if cues.objection_ask.is_match(&ask) {
        &cues.no_objection
    } else {
        return false;
    };
    sentences
        .iter()
        .skip(at + 2)
        .find(|reply| reply.turn != sentence.turn)
        .is_some_and(|reply| reply.speaker != sentence.speaker && assent.is_match(&cues.normalise(&reply.text)))
}

/// "Right, visiting hours stay open, then.", "Fifteen licences then, not twenty."; not "Okay,
/// see you Thursday then."
fn summed_up_with_then(text: &str, cues: &Cues) -> bool {
    cues.decision_then
        .captures(text.trim())
        .and_then(|c| c.name("choice").or_else(|| c.name("contrasted")))
        .is_some_and(|choice| {
            let words = text::lower_words(choice.as_str());
            // "So it's raining then": a state, not a choice.
            words.len() >= 2
                && !cues.then_state.is_match(&words.join(" "))
                && !cues
                    .language
                    .then_not_decided
                    .iter()
                    .any(|phrase| text::has_phrase(&words, phrase))
        })
}

/// A thing ruled out in a sentence of its own ("No freeze.", "Okay, so no OT for now."), not a
/// stock phrase ("No problem.", "No exceptions.", "No argument from me.").
fn is_bare_ban(text: &str, cues: &Cues) -> bool {
    cues.bare_ban
        .captures(text.trim())
        .and_then(|captures| captures.name("banned"))
        .is_some_and(|banned| {
            let words = text::lower_words(banned.as_str());
            // "No that's fine.", "No we're good." answer; they rule nothing out.
            !cues.has_a_verb(&words)
                && words
                    .iter()
                    .all(|word| !cues.language.not_banned.contains(&word.as_str()))
        })
}

/// A verdict on someone or something ending the sentence ("So for this role it's a no for
/// Vikram."), not on people or a time ("It's a yes for them, they loved it", "it's a no for this
/// year").
fn is_verdict(text: &str, cues: &Cues) -> bool {
    cues.verdict.captures(text.trim()).is_some_and(|captures| {
        let language = cues.language;
        // "Minutes adopted.", not "We carried." or "Which nobody approved.": a thing passed.
        if let Some(passed) = captures.name("passed") {
            let passed = passed.as_str().to_lowercase();
            return !language.subject_pronouns.contains(&passed.as_str())
                && !language.nobody.contains(&passed.as_str())
                && !language.not_passed_things.contains(&passed.as_str());
        }
        let whom = captures.name("whom").map_or("", |m| m.as_str()).to_lowercase();
        !language.subject_pronouns.contains(&whom.as_str())
            && !language.object_pronouns.contains(&whom.as_str())
            && !language.determiners.contains(&whom.as_str())
    })
}

/// The most words of a choice closed by "it is" alone ("Two pound a strip it is.").
const SETTLED_CHOICE_MAX_WORDS: usize = 4;

/// "Agreed, bags at the front it is", not "Okay, that's just how it is".
fn is_settled(text: &str, cues: &Cues) -> bool {
    let Some(captures) = cues.decision_settled.captures(text) else {
        return false;
    };
    let Some(choice) = captures.name("choice") else {
        return false;
    };
    // "I hate it, but April twenty-second it is": what is conceded first leaves the choice bare.
    let conceded_end = captures.name("conceded").map_or(0, |conceded| conceded.end());
    let bare = choice.start() == conceded_end && captures.name("then").is_none();
    // "Right, fifty lux it is for the whole room", not "Yeah it is for the whole team".
    if bare && captures.name("scope").is_some() {
        return false;
    }
    let choice = choice.as_str().to_lowercase();
    let words: Vec<&str> = choice.split_whitespace().collect();
    let last = words.last().copied().unwrap_or("");
    // Without a lead word ("Agreed, …") or "then", a choice closed is short and does not open
    // like a remark ("Temps it is."; not "Of course it is" or "That's just how it is").
    if bare
        && (words.len() > SETTLED_CHOICE_MAX_WORDS
            || words
                .first()
                .is_some_and(|first| cues.language.settled_not_first.contains(first)))
    {
        return false;
    }
    !cues.language.not_settled_after.contains(&last)
}

/// The decision without the words around it: a leading "Okay, so" or "First,", a trailing
/// "that's settled".
fn what_was_decided(text: &str, cues: &Cues) -> String {
    let text = cues.normalise(text);
    let mut body = text.trim().trim_end_matches(['.', '!']).to_owned();
    if let Some(marker) = cues.decision_marker.find(&body) {
        body = body[marker.end()..].trim_start_matches([',', ' ']).to_owned();
    }
    while let Some(first) = body.split([',', ' ']).next().filter(|w| !w.is_empty()) {
        let lead = first.to_lowercase();
        if !cues.language.decision_leads.contains(&lead.as_str()) {
            break;
        }
        body = body[first.len()..].trim_start_matches([',', ' ']).to_owned();
    }
    if is_settled(&text, cues) {
        // "Agreed, bags at the front it is": what was chosen.
        if let Some(captures) = cues.decision_settled.captures(&text) {
            // "Fifty lux it is for the whole room": the choice and what it is for.
            let scope = captures.name("scope").map_or("", |scope| scope.as_str());
            if let Some(choice) = captures.name("choice") {
                body = format!("{}{scope}", choice.as_str().trim());
            }
        }
    }
    if let Some(cue) = cues.decision_strong.find(&body) {
        let tail = &body[cue.start()..];
        if cue.end() == body.len() && tail.split_whitespace().count() <= 3 {
            body = body[..cue.start()].trim_end_matches([',', ' ', ';']).to_owned();
        }
    }
    let mut chars = body.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text.trim_end_matches('.').to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{chair, cues, learned, text};
    use super::*;

    /// The rules' decisions among `lines`, one utterance each, with who runs the meeting
    /// counted as a meeting counts it.
    fn found_in(lines: &[(&str, &str)]) -> Vec<Finding> {
        let cues = cues("en").unwrap();
        let utterances = text::utterances(lines.iter().copied());
        let counted: Vec<_> = utterances.iter().map(|u| chair::counted(&u.text, cues)).collect();
        find(
            &text::said(lines),
            &super::super::running_of(&utterances, &counted),
            cues,
        )
    }

    fn decisions(lines: &[(&str, &str)]) -> Vec<Decision> {
        found_in(lines)
            .into_iter()
            .map(|f| match f.body {
                FindingBody::Decision(d) => d,
                _ => unreachable!(),
            })
            .collect()
    }

    /// Each sentence, said alone, is no decision.
    fn none_is_a_decision(said: &[&str]) {
        for said in said {
            assert!(decisions(&[("Maya", said)]).is_empty(), "{said}");
        }
    }

    /// Each sentence, said alone, is one decision.
    fn each_is_one_decision(said: &[&str]) {
        for said in said {
            assert_eq!(decisions(&[("Maya", said)]).len(), 1, "{said}");
        }
    }

    #[test]
    fn giving_way_with_a_proviso_decides() {
        let given_way = [
            [
                ("Sam", "Can we have two of your people for the motor queue?"),
                (
                    "Maya",
                    "Fine, take two of mine for the motor queue, but only for two weeks.",
                ),
            ],
            [
                ("Sam", "Mobile money straight to the families is faster than vouchers."),
                (
                    "Maya",
                    "Fine, mobile money straight to the families, but my office sees every payment.",
                ),
            ],
            [
                ("Sam", "The students need fruit every day, and a halal dish."),
                ("Maya", "Okay, okay, fruit every day."),
            ],
            [
                ("Sam", "Three routes is plenty for the first year."),
                (
                    "Maya",
                    "All right, you've worn me down, three routes, but the scary one stays in.",
                ),
            ],
        ];
        for lines in given_way {
            let found = decisions(&lines);
            assert_eq!(found.len(), 1, "{lines:?}: {found:?}");
            assert_eq!(found[0].by.as_deref(), Some("Maya"), "{lines:?}");
        }
        let not_given_way = [
            // One's own promise, a remark, thanks.
            [
                ("Sam", "Could somebody do the slides?"),
                ("Maya", "Fine, I'll do it, but not today."),
            ],
            [
                ("Sam", "How do the numbers look?"),
                ("Maya", "Okay, the numbers look good, but we need more data."),
            ],
            [
                ("Sam", "Here are the minutes from last time."),
                ("Maya", "Okay, thanks, but I have one more thing."),
            ],
            // Leave to speak or to wait, a look offered.
            [
                ("Sam", "Can I add one thing to the rota?"),
                ("Maya", "Okay, go ahead, but keep it short."),
            ],
            [
                ("Sam", "I have the rota here for everyone."),
                ("Maya", "Fine, give me a minute, but don't start without me."),
            ],
            [
                ("Sam", "I'd like to see the draft of the rota."),
                ("Maya", "Okay, take a look, but it's rough."),
            ],
            // A choice nobody put forward.
            [
                ("Sam", "The hall is booked for the whole week."),
                ("Maya", "Fine, mobile money, but my office sees every payment."),
            ],
        ];
        for lines in not_given_way {
            let found = decisions(&lines);
            assert!(found.is_empty(), "{lines:?}: {found:?}");
        }
    }

    #[test]
    fn giving_way_with_a_grudge_decides() {
        each_is_one_decision(&[
            "Okay, I'm not happy about it, but the team covers weekends until the end of October.",
            "I don't love it from a quality standpoint, but alright, we relabel lot seven on the new data.",
            "Okay, against my better judgement, the hero goes to the blankets for Black Friday week.",
            "Okay. I don't like it, but faculty go on May first.",
            "Sixteen stays, then, I'll live with it, but we're turning good kids away.",
            "I don't love it but we ship on Monday.",
        ]);
        // A choice named in a few words, put forward by someone else just before.
        let noon = [
            ("Ray", "Lupe and Darnell, I'm thinking Thursday at noon for you."),
            ("Darnell", "Fine, noon, but I want it on record I don't love it."),
        ];
        let found = decisions(&noon);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].by.as_deref(), Some("Darnell"));
        none_is_a_decision(&[
            // The grudge alone, a promise, a fact, a thing hated, a vote, a reason.
            "I don't love it, but fine.",
            "I'm not happy about it, but I'll do it.",
            "I don't love it, but it works.",
            "I don't love it, but the numbers are good.",
            "I'm not happy about it, but the client would walk away.",
            "Fine by me, I hate that patch kit.",
            "In favour, reluctantly.",
            "I don't love it, because accruals always post late.",
            // A choice in a few words that nobody put forward.
            "Fine, noon, but I want it on record I don't love it.",
            // Someone else's grudge, "reluctantly" said of others, a complaint, an opinion.
            "They're not happy about it, but they went along.",
            "The board reluctantly agreed, March.",
            "Registration closes at noon, and I don't like that.",
            "I don't like it, but the customers love it.",
        ]);
        // Not an answer: "and" only joins ("Friday's no better" shares "Friday" with the
        // proposal).
        let complaint = [
            ("Sam", "We could do the review Thursday or Friday."),
            ("Maya", "I don't like Thursday, and Friday's no better."),
        ];
        assert!(decisions(&complaint).is_empty());
    }

    #[test]
    fn announced_decisions_are_found_with_who_said_them() {
        for said in [
            "Okay, let's go with the blue logo in the next print run.",
            "We're going with the caterer that does vegan options, that's settled.",
            "First, we're agreed the newsletter moves to a monthly schedule.",
            "We're keeping it at ten euros.",
            "For this season we'll stick with paper tickets.",
            "So the decision is to keep the old forum open for two more weeks.",
            "We agreed to open the new cafe on Friday the ninth.",
            "And this applies from now on: whoever locks up checks the windows.",
            "We are going with the printer that offers free delivery.",
            "Probably one last point, and it holds from now on.",
            "Final decision: we keep the old vendor.",
            "We won't renew the contract with them.",
        ] {
            let found = decisions(&[("Maya", said)]);
            assert_eq!(found.len(), 1, "{said}");
            assert_eq!(found[0].by.as_deref(), Some("Maya"));
        }
    }

    #[test]
    fn a_summed_up_plan_is_a_decision() {
        let found = decisions(&[
            ("Mira", "So we publish the third and the tenth now."),
            ("Tariq", "Works for me."),
        ]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].decision, "we publish the third and the tenth now");
        assert_eq!(
            decisions(&[("Maya", "So the recycling plan goes in, bins and all.")]).len(),
            1
        );
    }

    /// A meeting Ines opens: her item and her question to Tom, his answer, then `said` by `who`
    /// and `reply` by the other. Said by Ines, she runs it (three sentences to one); said by Tom,
    /// they are level and nobody does.
    fn run_by_ines(
        item: [&'static str; 3],
        who: &'static str,
        said: &'static str,
        reply: &'static str,
    ) -> Vec<Decision> {
        let other = if who == "Ines" { "Tom" } else { "Ines" };
        decisions(&[
            ("Ines", item[0]),
            ("Ines", item[1]),
            ("Tom", item[2]),
            (who, said),
            (other, reply),
        ])
    }

    /// The minibus item of a meeting Ines runs.
    const MINIBUS: [&str; 3] = [
        "Right, item two is the minibus.",
        "Tom, what did the garage say?",
        "Six hundred for the clutch.",
    ];

    /// The minibus discussed, then `settling` said by `who` and assented to by the other.
    fn minibus(who: &'static str, settling: &'static str) -> Vec<Decision> {
        run_by_ines(MINIBUS, who, settling, "Fair enough.")
    }

    #[test]
    fn whoever_runs_the_meeting_settles_a_plan_the_next_speaker_assents_to() {
        let found = minibus("Ines", "We fix the clutch and keep it for one more year.");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].by.as_deref(), Some("Ines"));
        assert_eq!(
            minibus("Ines", "Then we don't run it on Sundays.").len(),
            1,
            "a refusal plans too"
        );
        let set_about = run_by_ines(
            MINIBUS,
            "Ines",
            "We fix the clutch and keep it for one more year.",
            "I'll ring them this afternoon and book it in.",
        );
        assert_eq!(set_about.len(), 1, "taken up by the next speaker: {set_about:?}");
        for (who, not_settling) in [
            ("Tom", "We fix the clutch and keep it for one more year."),
            ("Ines", "Tom, please make sure we log the mileage every time."),
            ("Ines", "So either we fix the clutch or we scrap it."),
            ("Ines", "My suggestion is we fix the clutch."),
            ("Ines", "We haven't got the money this year."),
            ("Ines", "We lose about two pallets a week to breakage."),
            ("Ines", "We always end up doing it ourselves."),
            ("Ines", "We sell more in winter than in summer."),
            ("Ines", "Somebody needs to walk the garage through it."),
            ("Ines", "Before the garage closes, ideally."),
            ("Ines", "We fix the clutch. Any objections?"),
        ] {
            assert!(minibus(who, not_settling).is_empty(), "{who}: {not_settling}");
        }
    }

    #[test]
    fn whoever_hands_the_floor_round_runs_the_meeting_not_whoever_talks_most() {
        // Counted as of Ines's plan: Tom has said three sentences, Jo one.
        let meeting = |opening: &[(&'static str, &'static str)]| {
            let mut lines = opening.to_vec();
            lines.extend([
                ("Tom", "Six hundred for the clutch."),
                ("Tom", "And the tyres are nearly bald."),
                ("Tom", "It's an old van."),
                ("Jo", "That's a lot."),
                ("Ines", "We fix the clutch and keep it for one more year."),
                ("Tom", "Fair enough."),
            ]);
            decisions(&lines)
        };
        // Ines put the item and turned to Tom: she runs it though Tom talks more, and her plan,
        // assented to, is settled.
        let run_by_ines = meeting(&[
            ("Ines", "Right, item two is the minibus."),
            ("Ines", "Tom, what did the garage say?"),
        ]);
        assert_eq!(run_by_ines.len(), 1, "{run_by_ines:?}");
        assert_eq!(run_by_ines[0].by.as_deref(), Some("Ines"));
        // Mia put the item and turned to Tom, then let the room talk: Ines's plan is one voice
        // of several.
        let run_by_mia = meeting(&[
            ("Mia", "Right, let's move on to the minibus."),
            ("Mia", "Tom, what did the garage say?"),
            ("Ines", "I only heard half of it."),
        ]);
        assert!(run_by_mia.is_empty(), "{run_by_mia:?}");
        // A quiet chair who ran the talk makes the call, though Tom has said most.
        let mut quiet = vec![
            ("Mia", "Right, let's move on to the minibus."),
            ("Mia", "Tom, what did the garage say?"),
        ];
        quiet.extend([
            ("Tom", "Six hundred for the clutch."),
            ("Tom", "And the tyres are nearly bald."),
            ("Tom", "It's an old van. We use it every day."),
            ("Jo", "That's a lot."),
            ("Mia", "We fix the clutch and keep it for one more year."),
            ("Tom", "Fair enough."),
        ]);
        let settled = decisions(&quiet);
        assert_eq!(settled.len(), 1, "{settled:?}");
        assert_eq!(settled[0].by.as_deref(), Some("Mia"));
    }

    #[test]
    fn a_thing_ruled_out_until_something_happens_is_a_decision_from_anyone() {
        each_is_one_decision(&[
            "No change to the buffer until we see the number.",
            "Nothing about pricing goes on the website or the blog until Sofia's model is back.",
            "Nobody patches anything until it's been photographed and GPS tagged, no matter who rings up.",
            "No police for now, not until Otieno has seen the books.",
            "Not a single invoice leaves the building unless Joy has signed it.",
        ]);
        none_is_a_decision(&[
            "No idea until after the budget call, sorry.",
            "Nobody was, Piotr, until the toast.",
            "Nothing has happened till date.",
            "Nobody mentioned the till at lunch.",
            "No, Martin's on leave until Wednesday.",
            "No new agents until the container lands?",
            "She said no new agents until the container is in.",
        ]);
    }

    #[test]
    fn rulings_said_one_after_another_in_a_turn_are_one_decision() {
        each_is_one_decision(&[
            "We don't make an offer yet. We do one extra session, and we decide straight after that.",
            "The roadshow waits for next spring. We look at it again in March.",
        ]);
        // What each ruling decided stays in the one finding.
        let found = decisions(&[(
            "Ruth",
            "Temps it is. We'll take the twelve from Blue Ridge, starting the ninth.",
        )]);
        assert_eq!(found.len(), 1, "{found:?}");
        let decided = found[0].decision.to_lowercase();
        assert!(decided.contains("temps") && decided.contains("blue ridge"), "{decided}");
    }

    #[test]
    fn a_matter_put_off_to_a_set_time_is_a_decision_from_anyone() {
        each_is_one_decision(&[
            "The roadshow waits for next spring.",
            "And towing waits until the May meeting, when we've seen whether permits work.",
            "We look at it again on the fourteenth, once the vendor has replayed the two cases.",
            "We decide that on the tenth, once we see how the first wave sells.",
        ]);
        // Said by someone other than whoever runs the meeting.
        let found = decisions(&[
            ("Ines", "Right, item two is the minibus."),
            ("Ines", "Tom, what did the garage say?"),
            ("Tom", "Six hundred for the clutch, and the tyres are nearly bald."),
            ("Jo", "Then the new tyres wait, and we look at them again in March."),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].by.as_deref(), Some("Jo"));
        none_is_a_decision(&[
            "She waits for the bus every morning.",
            "Their retry already waits for the callback.",
            "If it rains, we look at it again on Monday.",
            "Do we decide that on the tenth?",
            "Paul said the launch waits until January.",
            "We'll decide it next week.",
            "The script waits for the database to come up.",
            "Tom waits for the courier.",
            "Okay, we look at it again.",
            "We decide on the venue.",
            "We settle in at the lodge on arrival.",
            "We look at it again in March if sales are down.",
        ]);
    }

    #[test]
    fn proposals_deferrals_facts_and_the_past_are_not_decisions() {
        none_is_a_decision(&[
            "We could maybe consider offering the course as an evening class.",
            "We could maybe think about a picnic instead?",
            "Fine, let's not decide the venue yet.",
            "Let's park that for now, the room's booked at noon.",
            "So we trialled the new menu with twelve guests last month.",
            "So we have three weeks.",
            "Then I wouldn't announce the date until the hall confirms.",
            "Last year we decided to go with the cheaper coach.",
            "Shall we go with option B?",
            "So let's go through the open items.",
            "We've got a full agenda, so let's keep things brief.",
            "So, if we write the ticket by tomorrow, we ship on Friday.",
        ]);
    }

    #[test]
    fn a_choice_closed_with_a_set_phrase_or_a_summed_up_doing_is_a_decision() {
        let found = decisions(&[("Gwen", "Agreed, bags at the front it is.")]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].decision, "bags at the front");
        let found = decisions(&[("Sian", "We'll stick with the current rota for now.")]);
        assert_eq!(found.len(), 1, "for now is provisional, still decided");
        assert!(found[0].confidence < 0.9);
        assert_eq!(
            decisions(&[("Thandi", "Okay, so we're doing two collection points this year.")]).len(),
            1
        );
        // What is conceded first still closes the choice after it.
        each_is_one_decision(&["Okay. I hate it, but April twenty-second it is."]);
        none_is_a_decision(&[
            "Okay, that's just how it is.",
            "I know, but that's just how it is.",
            "Sorry, but of course it is.",
            "So we're seeing more returns this month.",
            "So we're doing fine on the budget.",
            "So, um, we came back with two lines after the last session.",
            "Right, so we went with the cheaper printer.",
        ]);
    }

    #[test]
    fn rulings_and_refusals_are_decisions_and_moving_on_is_not() {
        each_is_one_decision(&[
            "Then without objection, the committee recommends the rubber surface.",
            "We won't be hiring a second header this year, too dear.",
            "Then that's a yes to hiring seasonal staff two weeks earlier.",
            "Grey it is, then, for the dress.",
            "I'm putting my foot down: the vase just falls off, no wires.",
        ]);
        let found = decisions(&[(
            "Siobhan",
            "So, tonight's specials are the hake and the lamb neck as a main. That's settled.",
        )]);
        assert_eq!(found.len(), 1, "a sentence settled by the next");
        none_is_a_decision(&[
            "Of course it is.",
            "Good point, Aisha, but let's keep moving.",
            "Let's do it the usual way: everyone votes first, then we talk.",
        ]);
    }

    #[test]
    fn rules_from_a_day_on_and_what_a_board_resolves_are_decisions_and_proposals_are_not() {
        each_is_one_decision(&[
            "From Monday, lunches are staggered, so the desk is never empty.",
            "Hearing none, the minutes are approved as circulated.",
            "The board agrees to defer the launch to the first quarter.",
        ]);
        none_is_a_decision(&[
            "So the proposal was that we launch in November with two kitchens.",
            "So what I am suggesting is, we fix the delivery model first.",
            "It's half seven, so let's keep this to fifteen minutes.",
        ]);
    }

    #[test]
    fn a_ruling_a_refusal_and_a_summing_up_closed_by_then_are_decisions() {
        each_is_one_decision(&[
            "Full credit on both pallets, that's my call.",
            "It's a no from me for this year's budget, Pieter, sorry.",
            "My ruling as chair is that we keep to that.",
            "Let's not do Friday deploys anymore.",
            "Right, visiting hours stay open, then.",
            "Right, crunch-free sprint then.",
        ]);
        let found = decisions(&[("Ruth", "Agreed, then. The emergency patch goes ahead with the roofer.")]);
        assert_eq!(found.len(), 1, "the plan after an assent");
        assert!(
            decisions(&[("Dan", "Done. I shall circulate the draft to you both by Thursday.")]).is_empty(),
            "a promise after an assent is an action item"
        );
        none_is_a_decision(&[
            "Okay, see you Thursday then.",
            "Right, fair enough then.",
            "Okay, I'll send it round then.",
            "Let's not get into that now.",
            "We decided back in January to try three-week sprints.",
            "We decided at the last inspection we'd keep the paper charts.",
        ]);
    }

    #[test]
    fn an_approval_a_refusal_a_change_of_plan_and_a_consensus_are_decisions_unless_conditional() {
        each_is_one_decision(&[
            "Fine, buy it, the new kettle's approved.",
            "The overtime request is approved for March.",
            "I'm not authorising a second van this quarter.",
            "Your leave request is turned down, I'm afraid.",
            "Okay, change of plan, the fete moves to the Sunday.",
            "We're not renewing the cleaning contract with Brightway.",
            "We are not running the raffle at the spring fair.",
            "So everyone's happy with the late shift starting at four.",
            "What I'm hearing is we're all fine with dropping the newsletter.",
            "Six for, two against. The motion carries: the hall fee goes up to forty pounds.",
        ]);
        none_is_a_decision(&[
            "If the grant's approved, we'll hire a second tutor.",
            "Once the budget is approved we can order the chairs.",
            "We're not doing great on the waiting list.",
            "We're not doing badly, all things considered.",
            "Not everyone's happy with the new rota, to be honest.",
            "Is everyone happy with the new rota?",
            "The loan was approved last year without any fuss.",
            "We could maybe look at approving it next month.",
            // The vote confirms the motion said before; that sentence is the decision.
            "Aye. Motion carries, two to nothing.",
            // A motion put is not yet carried.
            "Proposed by Maureen, seconded by Siobhan, that we hold the October price at forty-four cent.",
        ]);
    }

    #[test]
    fn a_hard_no_settles_the_sentence_before_it() {
        let found = decisions(&[(
            "Jo",
            "We are not selling the minibus to the rugby club. That's a hard no.",
        )]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].text.contains("minibus"), "{found:?}");
        assert!(
            decisions(&[("Jo", "That's a hard no.")]).is_empty(),
            "nothing before it to settle"
        );
        let stressed = decisions(&[(
            "Jo",
            "Helmets on in the yard at all times. No exceptions, not even for visitors.",
        )]);
        assert_eq!(stressed.len(), 1, "{stressed:?}");
        assert!(
            stressed[0].text.contains("Helmets"),
            "the rule, not its stress: {stressed:?}"
        );
    }

    #[test]
    fn a_rule_the_room_confirms_at_once_is_a_decision_and_one_it_does_not_is_not() {
        let confirmed = decisions(&[
            (
                "Ines",
                "If the boiler fails again, the classes move to the church hall. Everyone happy with that?",
            ),
            ("Tom", "Yes, fine by me."),
        ]);
        assert_eq!(confirmed.len(), 1, "{confirmed:?}");
        assert!(confirmed[0].text.contains("church hall"), "{confirmed:?}");
        assert_eq!(confirmed[0].by.as_deref(), Some("Ines"));
        let objected = decisions(&[
            (
                "Ines",
                "If the boiler fails again, the classes move to the church hall. Everyone happy with that?",
            ),
            ("Tom", "Not really, the hall has no heating either."),
        ]);
        assert!(objected.is_empty(), "an objection decides nothing: {objected:?}");
        let own_promise = decisions(&[
            ("Ines", "I'll ring the plumber in the morning. Any objections?"),
            ("Tom", "No, go ahead."),
        ]);
        assert!(
            own_promise.is_empty(),
            "one person's promise is an action item: {own_promise:?}"
        );
    }

    #[test]
    fn a_standing_rule_for_a_case_outside_the_rooms_doing_is_a_decision() {
        each_is_one_decision(&[
            "If the river's above the second marker, the ride goes via the bypass.",
            "Unless the boiler's fixed by Monday, we close the east wing.",
            "If a volunteer doesn't turn up, the stall shifts to the porch.",
        ]);
        none_is_a_decision(&[
            "If it rains, I'll bring the gazebo from home.",
            "If the bus is late, you can always ring the office.",
            "If it were up to me, we'd close the east wing.",
            "If the river's high, we should probably use the bypass.",
            "If the boiler goes, we have a real problem.",
            "If the van's here by eight, we're loading by nine.",
        ]);
    }

    #[test]
    fn leave_granted_after_the_asker_says_why_or_with_a_limit_is_a_decision_and_a_remark_is_not() {
        let granted = decisions(&[
            ("Luis", "Hey, can I get Thursday off? My sister lives there."),
            ("Marcus", "Yeah, take Thursday, just be back on the bus for Boise."),
        ]);
        assert_eq!(granted.len(), 1, "{granted:?}");
        let team = decisions(&[
            ("Sipho", "Can my crew use the north gate while the road is dug up?"),
            ("Johan", "Okay, you can use the north gate."),
        ]);
        assert_eq!(team.len(), 1, "{team:?}");
        each_is_one_decision(&[
            "Then yeah, you can run the phone-in, but only on the delay.",
            "You can offer ten percent on repeat orders only, not on new ones.",
            "Ja, you can take the small van, but stay off the motorway.",
            "You can have the Friday slot, but if it rains you move inside.",
        ]);
        none_is_a_decision(&[
            "You can take the bus, but it's slow.",
            "You can have a look at it later.",
            "You can't use the east ramp.",
            "You can only do so much in a day.",
        ]);
        let remark = decisions(&[
            ("Luis", "Can I ask you something about the rota? It's urgent."),
            ("Marcus", "Yeah, take a seat."),
        ]);
        assert!(remark.is_empty(), "{remark:?}");
    }

    #[test]
    fn a_plan_summed_up_after_okay_is_a_decision_only_when_the_next_speaker_assents() {
        let assented = decisions(&[
            (
                "Dana",
                "Okay, the guest list closes at five, and anything later goes through Marcus.",
            ),
            ("Marcus", "Fine."),
        ]);
        assert_eq!(assented.len(), 1, "{assented:?}");
        let staging = decisions(&[
            ("Kim", "Okay, the front rig goes on the deck and the wall stays."),
            ("Jess", "Cool. I'll redo the chart."),
        ]);
        assert_eq!(staging.len(), 1, "{staging:?}");
        for (said, reply) in [
            ("Okay, the guest list closes at five.", "Does it? I thought six."),
            ("Okay, the printer is broken again.", "Fine."),
            ("Okay, I'll send the list over tonight.", "Fine."),
            ("Okay, if it rains the gig goes inside.", "Fine."),
            ("Okay, let's talk about what we change.", "Sure."),
        ] {
            let found = decisions(&[("Dana", said), ("Marcus", reply)]);
            assert!(found.is_empty(), "{said} {reply}: {found:?}");
        }
    }

    #[test]
    fn a_choice_against_another_a_ban_closed_with_period_and_a_change_from_today_are_decisions() {
        each_is_one_decision(&[
            "Fifteen licences then, not twenty.",
            "The blue van then, not the red one.",
            "No haze tonight, period.",
            "Nobody drives the forklift without a ticket, full stop.",
            "So the night reviewer is off the pharma account from today.",
            "The car park closes at six, effective immediately.",
        ]);
        none_is_a_decision(&[
            "See you Thursday then, not Friday.",
            "It was a good night, period.",
            "I'm working from home from tomorrow.",
            "I was off sick from today, apparently.",
        ]);
    }

    #[test]
    fn a_plan_closed_with_full_stop_is_a_ruling_from_anyone() {
        each_is_one_decision(&[
            "Pemberton is out of Q3 and Q4, full stop.",
            "Every unit gets a furnace inspection before November first, no exceptions.",
            "The launch is full price with normal shipping, end of story.",
            "It goes to next sprint, final.",
        ]);
        none_is_a_decision(&[
            "We can't write three days, no exceptions.",
            "Farhana, final inspection, third-party, the twenty-sixth.",
            "It was a good night, period.",
        ]);
    }

    #[test]
    fn taking_a_proposal_up_with_its_plan_after_lets_do_it_decides() {
        each_is_one_decision(&[
            "Let's do it: two deliveries, the ground floor by the fifteenth of February and the rest by the end of April.",
            "Yeah, let's do that, biosolar on the upper roof.",
            "Okay, let's do it for November only, the north-east goes with Jadlog.",
        ]);
        none_is_a_decision(&[
            "Let's do it the usual way: everyone gives their vote first.",
            "Let's do it properly next time.",
        ]);
    }

    #[test]
    fn one_of_the_options_taken_with_then_its_is_decided() {
        let quotes = |taken: &'static str| {
            decisions(&[
                ("Darlene", "Next, the mould."),
                ("Tanya", "We have two quotes, the cheap one paints over it."),
                ("Wayne", "The higher quote opens the walls and tests the air."),
                ("Darlene", taken),
                ("Wayne", "Good."),
            ])
        };
        for taken in ["Then it's the higher quote.", "Then it's Kapsiwa, on Saturday."] {
            let found = if taken.contains("Kapsiwa") {
                decisions(&[
                    ("Grace", "Where do we hold the training day?"),
                    ("Peter", "Kapsiwa has a hall, or the factory."),
                    ("Grace", taken),
                ])
            } else {
                quotes(taken)
            };
            assert_eq!(found.len(), 1, "{taken}: {found:?}");
        }
        for state in ["Then it's small.", "Then it's not an option.", "Then it's the weekend."] {
            let found = quotes(state);
            assert!(found.is_empty(), "{state}: {found:?}");
        }
    }

    #[test]
    fn the_chair_ending_a_debate_with_lets_decides_and_putting_off_does_not() {
        let meeting = |ruling: &'static str| {
            decisions(&[
                ("Sanne", "Next, the negotiation date."),
                ("Sanne", "Delta offered the ninth or the sixteenth."),
                ("Joost", "Should we wait for the certificate before we meet them?"),
                ("Marta", "The certificate comes on the twelfth, I think."),
                ("Sanne", ruling),
                ("Joost", "Fine."),
            ])
        };
        let taken = meeting("Let's take the sixteenth, with the certificate in hand.");
        assert_eq!(taken.len(), 1, "{taken:?}");
        for not_settled in [
            "Let's hold the date over to next week.",
            "Let's see what the certificate says first.",
            "Let's all hope for the sixteenth.",
            "Let's vote on the date.",
        ] {
            let found = meeting(not_settled);
            assert!(found.is_empty(), "{not_settled}: {found:?}");
        }
    }

    #[test]
    fn a_decision_reported_from_an_earlier_meeting_is_not_one() {
        none_is_a_decision(&[
            "We agreed at stage two that the entrance would face the park.",
            "We decided in March that the hall stays shut on Sundays.",
            "We decided back in the spring to keep the old boiler.",
        ]);
        each_is_one_decision(&["We agreed on the blue one.", "We've decided to keep the old boiler."]);
    }

    #[test]
    fn a_plan_after_an_assent_must_be_a_plan() {
        let found = decisions(&[("Hayley", "Deal. The kids are the stars anyway.")]);
        assert!(found.is_empty(), "{found:?}");
        let plan = decisions(&[("Hayley", "Agreed, then. The patch goes ahead tonight.")]);
        assert_eq!(plan.len(), 1, "{plan:?}");
        let choice = decisions(&[("Hayley", "Agreed. Option two, then.")]);
        assert_eq!(choice.len(), 1, "{choice:?}");
    }

    #[test]
    fn leave_to_act_granted_at_once_is_a_decision_and_leave_to_speak_is_not() {
        let granted = decisions(&[
            ("Owen", "Can I book the minibus for the away match?"),
            ("Carys", "Yes, go ahead and book it, but get the cheaper insurance."),
        ]);
        assert_eq!(granted.len(), 1, "{granted:?}");
        assert_eq!(granted[0].by.as_deref(), Some("Carys"));
        let order = decisions(&[("Owen", "Could we order new bibs?"), ("Carys", "Fine, order them.")]);
        assert_eq!(order.len(), 1, "{order:?}");
        for (asked, answer) in [
            ("Can I ask something about the rota?", "Yeah, go ahead."),
            ("Can I book the minibus for the away match?", "No, take the cars."),
            (
                "Can I book the minibus for the away match?",
                "Let me check the budget first.",
            ),
        ] {
            let found = decisions(&[("Owen", asked), ("Carys", answer)]);
            assert!(found.is_empty(), "{asked} {answer}: {found:?}");
        }
    }

    #[test]
    fn a_vote_tally_with_its_outcome_an_adoption_and_from_here_on_are_decisions() {
        each_is_one_decision(&[
            "Five in favour, one against, so the bar closes at eleven.",
            "The accounts are adopted as presented.",
            "From here on out, every van gets checked before it leaves the yard.",
            "Henceforth, the key stays in the office.",
            "The club will not lend the marquee to anyone this summer.",
            "We're not selling the old kit to the under twelves.",
            "Sundays it is.",
            "So, four in favour, one against, and the proposal is adopted.",
            "The minutes stand adopted as a true record.",
            "Two and a half percent from January, unanimous.",
            "The borehole contract goes to Maji Bora, three votes to one.",
        ]);
        none_is_a_decision(&[
            "Of course it is.",
            "That's just the way it is.",
            "Here it is.",
            "We're not taking any chances with the weather, I'd say.",
            "Five in favour, one against.",
            "My proposal is that we wait until spring.",
            "Perhaps the proposal is adopted.",
        ]);
    }

    #[test]
    fn a_change_from_a_date_said_first_is_a_decision_and_a_fact_about_someone_is_not() {
        each_is_one_decision(&[
            "So, from Thursday, the side gate stays locked after six.",
            "From here on, the minibus keys stay in the office.",
            "In the meantime, from tomorrow, every delivery is signed for at the desk.",
            "From the next roster, Sarah patrols with team four.",
            "And starting this shift, the fridge temperature gets written every four hours.",
            "So from the second, the crew works six till one.",
            "And from now until launch this meeting is Tuesdays and Fridays.",
            "The answer's no, and it stays no.",
            "Kit bags off the pitch before kick-off, that one is final.",
            "The open day goes ahead whatever the weather.",
            "Approved. Take the spare van for the week.",
        ]);
        none_is_a_decision(&[
            "So from Monday I'm on leave for a fortnight.",
            "Then from June we were short two drivers.",
            "So from tomorrow, if it's dry, maybe we start on the fence.",
            "So from next week I'll be covering the early shift.",
            "From what I hear, the new starters are doing fine.",
            "From the next roster I'm on nights.",
            "From the second week it was raining every day.",
            "From the second week, it was raining every day.",
            "From the third slide, you can see the dip.",
            "From now till Friday I'm working from home.",
        ]);
    }

    #[test]
    fn descriptions_forecasts_and_courtesies_are_not_rulings() {
        none_is_a_decision(&[
            "He's rejected it twice already.",
            "Half the invoices are rejected on the first pass.",
            "We're not selling raffle tickets fast enough.",
            "We're not hiring drivers these days.",
            "We won't take long, there are only two items.",
            "I hate a last-minute change of plan.",
            "Everyone's happy with the new coffee machine.",
            "I'm broadly in favour, so put me down for it.",
            "So the email from Tuesday has the wrong link.",
            "Then from tomorrow it's meant to rain all week.",
            "So from Monday we're on leave.",
            "If the kettle's on, it goes off by itself after a minute.",
            "If the price goes up, we lose the contract.",
            "It's too expensive, full stop.",
            "Send me the PDF once that one's final.",
            "Lovely day it is.",
        ]);
        for (asked, answer) in [
            ("Can I share my screen?", "Yep, go ahead."),
            ("Could I open a window?", "Sure, go ahead."),
            ("Can I go first, I have to leave at three?", "Yeah, go ahead."),
        ] {
            let found = decisions(&[("Owen", asked), ("Carys", answer)]);
            assert!(found.is_empty(), "{asked} {answer}: {found:?}");
        }
        let next_item = decisions(&[("Ruth", "Carried. Next item is the car park.")]);
        assert!(next_item.is_empty(), "{next_item:?}");
        let no_error = decisions(&[("Ruth", "The scanner checks every parcel. No exceptions so far.")]);
        assert!(no_error.is_empty(), "{no_error:?}");
    }

    #[test]
    fn any_objections_is_answered_no_and_a_yes_objects() {
        let agreed = decisions(&[
            ("Ines", "We keep the Tuesday slot for the juniors. Any objections?"),
            ("Tom", "None from me."),
        ]);
        assert_eq!(agreed.len(), 1, "{agreed:?}");
        let objected = decisions(&[
            ("Ines", "We keep the Tuesday slot for the juniors. Any objections?"),
            ("Tom", "Yes, Tuesdays clash with choir."),
        ]);
        assert!(objected.is_empty(), "a yes to 'any objections' objects: {objected:?}");
        let yeah = decisions(&[
            ("Ines", "The juniors train on the back pitch. Everyone happy with that?"),
            ("Tom", "Yeah."),
        ]);
        assert_eq!(yeah.len(), 1, "{yeah:?}");
    }

    #[test]
    fn a_decision_announced_with_a_colon_is_found() {
        each_is_one_decision(&["Decision: we keep the old vendor for another year."]);
    }

    /// The kitchen discussed, then `said` by `who`, answered by the other with something that
    /// neither assents nor sets about it.
    fn kitchen(who: &'static str, said: &'static str) -> Vec<Decision> {
        let item = [
            "Right, the kitchen.",
            "Tom, how did the inspection go?",
            "Mostly fine, the lids were the one thing.",
        ];
        run_by_ines(item, who, said, "The dishwasher's playing up again too.")
    }

    #[test]
    fn a_rule_laid_down_for_everyone_is_a_decision() {
        let chair = kitchen(
            "Ines",
            "And nothing leaves the kitchen without a lid, even if they're shouting for it.",
        );
        assert_eq!(chair.len(), 1, "whoever runs the meeting lays it down: {chair:?}");
        for (who, not_ruled) in [
            ("Tom", "And nothing leaves the kitchen without a lid."),
            ("Ines", "Nobody knows where the spare key is."),
            ("Ines", "If nobody complains, nothing changes."),
        ] {
            let found = kitchen(who, not_ruled);
            assert!(found.is_empty(), "{who}: {not_ruled}: {found:?}");
        }
        for insisted in [
            "Volunteers only, nobody gets made to stay late, you've got my word on that.",
            "The fryer stays off till the engineer signs it off, I don't care how busy we get.",
            "The old fryer stays in the yard, and that's the end of it.",
        ] {
            assert_eq!(
                kitchen("Ines", insisted).len(),
                1,
                "insisted on by the chair: {insisted}"
            );
            assert!(
                kitchen("Tom", insisted).is_empty(),
                "insisted on by anyone else: {insisted}"
            );
        }
        let banned = "Until the landlord puts it in writing, no candles, full stop, not even on birthdays.";
        assert_eq!(kitchen("Tom", banned).len(), 1, "a ban closed by anyone");
        for (who, remark) in [
            ("Ines", "Nobody opens the newsletter, honestly."),
            ("Ines", "Nothing moves in August, it's dead."),
            (
                "Ines",
                "I don't care how cheap it is, nobody drinks that coffee, honestly.",
            ),
            (
                "Tom",
                "The corner shop closes at six on Saturdays now, and that's that.",
            ),
        ] {
            let found = kitchen(who, remark);
            assert!(found.is_empty(), "{who}: {remark}: {found:?}");
        }
        let answered = decisions(&[
            ("Ines", "Any regrets about the move?"),
            ("Tom", "No regrets, period, best thing we've done."),
        ]);
        assert!(answered.is_empty(), "an answer, not a ban: {answered:?}");
        assert!(
            kitchen("Tom", "It was a shambles, full stop.").is_empty(),
            "insistence on what happened rules nothing"
        );
    }

    #[test]
    fn a_change_from_a_date_is_judged_by_its_own_clause() {
        each_is_one_decision(&[
            "As of Friday nobody parks in the loading bay, I had a van blocked in twice.",
            "Okay, choir practice Tuesday evenings, seven to nine, starting this week.",
            "From next month, members pay a key deposit, and they get it back when they leave.",
            "But from tonight, the last bus only leaves from the front stand.",
            "From Monday, if it rains, the market moves into the hall.",
        ]);
        none_is_a_decision(&[
            "But from tonight there's heavy snow coming in.",
            "So from Monday he's off sick for two weeks.",
            "The timetable changes, starting next week, the company announced it.",
            "From next week I'm on nights.",
            "So from tomorrow I'll open up, and Jo closes.",
            "The new porter is starting next week.",
        ]);
    }

    #[test]
    fn motions_defeated_or_carried_and_the_chairs_rulings_are_decisions() {
        each_is_one_decision(&[
            "The amendment is defeated.",
            "Carried, the treasurer is re-elected for another year.",
            "That's a separate matter, so I'm ruling it out of order.",
            "The motion falls.",
            "The ayes have it.",
        ]);
        none_is_a_decision(&[
            "I'm ruling nothing out at this stage.",
            "Carried, as far as I remember, but it was close.",
            "Our champion is defeated for the first time in a decade.",
        ]);
    }

    #[test]
    fn a_vote_carried_with_what_it_carries_and_a_bare_verdict_are_decisions() {
        each_is_one_decision(&[
            "That's unanimous, motion carries, up to eighteen hundred for the Brush 2 pump.",
            "Motion carries four to one, we're buying the camera.",
            "The motion carries, charges go up on the first of September.",
            "That's unanimous, the old trawler is declared derelict and the impound starts.",
            "So that's four to one, we recommend the renewal.",
            "Report's accepted.",
            "Grand, minutes adopted.",
            "Minutes accepted.",
            "Then it's accepted.",
        ]);
        none_is_a_decision(&[
            "We carried.",
            "Which nobody approved.",
            "Already approved.",
            "Nothing approved.",
            "Is the report accepted?",
        ]);
        // A vote counted on its own settles what is said after it.
        let found = decisions(&[("Ann", "Four in favour, one against. We join the county's joint mocks.")]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].text.contains("joint mocks"), "{found:?}");
    }

    #[test]
    fn whoever_leads_ruling_a_thing_out_in_a_sentence_of_its_own_is_a_decision() {
        let debate = |ruling: &str| {
            decisions(&[
                ("Dana", "Okay, let's start. Priya, the flaky tests."),
                ("Priya", "We want a merge freeze for a week."),
                ("Marcus", "A week of nobody shipping is a week we don't have."),
                ("Dana", ruling),
                ("Priya", "Fine."),
            ])
        };
        for ruling in ["No freeze.", "Okay, so no OT for now.", "No discount for Marlowe."] {
            let found = debate(ruling);
            assert_eq!(found.len(), 1, "{ruling}: {found:?}");
            assert_eq!(found[0].by.as_deref(), Some("Dana"), "{ruling}");
        }
        // A stock phrase, an aside, a ban from someone who does not lead, or the answer to a
        // question rules nothing out.
        for aside in [
            "No problem.",
            "No exceptions.",
            "No argument from me.",
            "No worries at all.",
            "No thank you.",
            "No that's fine.",
            "No we're good.",
        ] {
            assert!(debate(aside).is_empty(), "{aside}");
        }
        let from_the_floor = decisions(&[
            ("Dana", "Okay, let's start. Priya, the flaky tests."),
            ("Priya", "We want a merge freeze for a week."),
            ("Marcus", "No freeze."),
        ]);
        assert!(from_the_floor.is_empty(), "{from_the_floor:?}");
        let answered = decisions(&[
            ("Dana", "Okay, let's start. Priya, the flaky tests."),
            ("Priya", "Is there a freeze on at the moment?"),
            ("Dana", "No freeze."),
        ]);
        assert!(answered.is_empty(), "{answered:?}");
    }

    #[test]
    fn a_ruling_named_before_its_colon_is_a_decision() {
        each_is_one_decision(&[
            "Then that's the scope: open matters plus anything closed this year, and the rest stays read-only.",
            "So that's the plan: the fair moves to the car park.",
            "I'm going to call it: going concern is a significant risk this year.",
        ]);
        none_is_a_decision(&[
            "So that's the problem: the pump is dead.",
            "I'm going to call it a day.",
            "Then that's the plan?",
        ]);
    }

    #[test]
    fn a_thing_of_then_named_in_a_plan_for_now_does_not_date_the_plan() {
        each_is_one_decision(&["We're going with fresh creative, not a tidied-up version of last year's deck."]);
        none_is_a_decision(&["We went with last year's deck last year."]);
    }

    #[test]
    fn a_refusal_says_what_is_refused() {
        each_is_one_decision(&[
            "No, we're not taking second-hand laptops, even at that price.",
            "We're not doing it for that money.",
        ]);
        none_is_a_decision(&[
            "We're not doing it right, that's the problem.",
            "We're not using it much, to be fair.",
        ]);
    }

    #[test]
    fn a_choice_closed_with_then_may_open_with_a_word_of_its_own_and_close_with_a_date() {
        each_is_one_decision(&[
            "Brilliant, so it's the Wednesday then, the ninth.",
            "Lovely, so it's the red van for the festival then.",
        ]);
        none_is_a_decision(&[
            "Okay, see you Wednesday then, bye.",
            "Great, so it's raining then, brilliant.",
            "So it's raining then.",
            "Oh, so it's my fault then, is it.",
        ]);
    }

    #[test]
    fn an_approval_carries_what_it_approves() {
        each_is_one_decision(&["Yeah, do it, the cafe shuts at four through the winter."]);
        none_is_a_decision(&[
            "Yeah, go ahead, I'm listening.",
            "Go on, do it.",
            "Yeah, go for it, see how far that gets you.",
            "Do it, he deserves it, honestly.",
        ]);
    }

    #[test]
    fn whoever_runs_the_meeting_takes_up_what_the_turn_before_put_forward() {
        let put = |settling: &'static str| {
            decisions(&[
                ("Ines", "Right, the minibus."),
                ("Ines", "Tom, when can the garage take it?"),
                ("Tom", "Tuesday, first thing, before the school run."),
                ("Ines", settling),
                ("Tom", "The drivers will moan."),
            ])
        };
        assert_eq!(
            put("Okay, the minibus goes in Tuesday, before the school run.").len(),
            1
        );
        assert!(
            put("Okay, the minibus goes in on Friday.").is_empty(),
            "not what was put forward"
        );
        let repeated = decisions(&[
            ("Ines", "Right, the minibus."),
            ("Ines", "Tom, when does it go back?"),
            ("Tom", "The minibus goes back to the depot on Friday."),
            ("Ines", "Okay, the minibus goes back to the depot on Friday."),
            ("Tom", "The drivers will moan."),
        ]);
        assert!(repeated.is_empty(), "a plan reported and repeated: {repeated:?}");
    }

    #[test]
    fn a_case_provided_for_after_a_whole_plan_leaves_it_a_plan() {
        let provided_for = minibus(
            "Ines",
            "We give the garage until June, and if it still slips, we look elsewhere.",
        );
        assert_eq!(provided_for.len(), 1, "{provided_for:?}");
        assert!(minibus("Ines", "We fix the clutch if the garage has the part.").is_empty());
    }

    #[test]
    fn a_supposition_or_a_reason_is_no_plan() {
        none_is_a_decision(&[
            "So more than half of it would go to waste.",
            "So we ended level, but only because we put off the repairs.",
        ]);
    }

    #[test]
    fn a_refusal_after_a_flat_no_is_a_decision() {
        each_is_one_decision(&[
            "No. We're not discounting in the summer, full price or nothing.",
            "No, we're not lending the projector out again.",
        ]);
        none_is_a_decision(&[
            "No, we're not getting anywhere with this.",
            "We're not discounting in the summer.",
        ]);
    }

    #[test]
    fn plain_rulings_and_announced_plans_are_decisions() {
        each_is_one_decision(&[
            "Aye, go with the hogsheads then.",
            "I'm going to rule that we hold that over to the autumn meeting.",
            "Okay. Approved, the rehearsal's Saturday morning and it comes out of contingency.",
            "Starting next month, no van leaves the yard without a tracker.",
            "Right, this is how it goes. The old boat works the weekend, and she goes to dry dock on the Tuesday after.",
        ]);
        let chair = kitchen(
            "Ines",
            "No tours in the cellar during harvest. Tastings stay upstairs, but nobody comes into the cellar.",
        );
        assert_eq!(chair.len(), 1, "{chair:?}");
    }

    #[test]
    fn choices_laid_out_deferrals_and_states_are_no_decisions() {
        none_is_a_decision(&[
            "So the choice is, we fix it now or we nurse it till July.",
            "If it rains, we talk again.",
            "So we're living on borrowed time.",
        ]);
    }

    #[test]
    fn words_inside_other_words_and_clauses_around_a_date_do_not_decide() {
        each_is_one_decision(&[
            "Right, we're not renewing the contract.",
            "From Monday, everyone brings their own mug.",
            "Approved, the cafe shuts at four until the end of March.",
        ]);
        none_is_a_decision(&[
            "We open at seven if it's dry.",
            "So, from Monday, I'm on leave.",
            "Okay, I'm in Leeds, starting Monday.",
            "No, we're not doing it right, that's the problem.",
        ]);
    }

    #[test]
    fn a_rule_named_beside_it_or_announced_before_it_is_a_decision() {
        let named = decisions(&[("Maya", "Helmets on past the gate. That's the rule from now on.")]);
        assert_eq!(named.len(), 1, "{named:?}");
        assert_eq!(named[0].text, "Helmets on past the gate.");
        let opened = decisions(&[
            ("Sam", "It means the forms need to be in by noon."),
            ("Maya", "Then that's the rule. Forms in by noon on Fridays."),
        ]);
        assert_eq!(opened.len(), 1, "{opened:?}");
        assert_eq!(opened[0].text, "Forms in by noon on Fridays.");
        let announced = decisions(&[(
            "Maya",
            "Okay, here's how it's going to work. Deliveries unload at the back, always, before nine.",
        )]);
        assert_eq!(announced.len(), 1, "{announced:?}");
        assert_eq!(announced[0].text, "Deliveries unload at the back, always, before nine.");
        for call in [
            "Okay, I've heard enough.",
            "Right, here's my call.",
            "I've made my mind up.",
        ] {
            let called = decisions(&[("Maya", &format!("{call} We ship on the old firmware."))]);
            assert_eq!(called.len(), 1, "{call}: {called:?}");
            assert_eq!(called[0].text, "We ship on the old firmware.", "{call}");
        }
        // A rule of thumb, a rule with nothing beside it, a question after the announcement, and a
        // telephone call.
        none_is_a_decision(&[
            "Always back up twice. That's the golden rule.",
            "That's the rule.",
            "Here's how it's going to work. Who's driving?",
            "I'll make the call. She's usually in by eight.",
            "Okay, let me make a call. The depot closes at four.",
        ]);
        // A rule named at the end of a turn names what came before it, not the next turn.
        let found = decisions(&[("Maya", "That's the plan."), ("Sam", "The van's outside.")]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn a_word_between_lets_and_go_with_still_decides_and_a_joke_does_not() {
        each_is_one_decision(&[
            "Let's just go with the red one.",
            "We'll just stick with the old printer.",
        ]);
        none_is_a_decision(&["If the numbers are bad we'll just make it all into soup."]);
    }

    #[test]
    fn a_plan_closed_with_final_is_a_ruling_from_whoever_runs_the_meeting() {
        let chair = kitchen("Ines", "The deep clean goes to next month, final.");
        assert_eq!(chair.len(), 1, "{chair:?}");
        let other = kitchen("Tom", "The deep clean goes to next month, final.");
        assert!(other.is_empty(), "{other:?}");
    }

    #[test]
    fn a_choice_closed_with_it_is_keeps_what_it_is_for() {
        let found = decisions(&[("Maya", "Right, forty percent it is for the whole team.")]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].decision, "forty percent for the whole team");
        none_is_a_decision(&[
            "Yeah it is for the whole team.",
            "Okay, that's just how it is for everyone.",
        ]);
    }

    #[test]
    fn leave_granted_after_a_bare_yes_is_a_decision() {
        let granted = decisions(&[
            ("Sam", "Can I book the minibus for the trip?"),
            ("Maya", "Yes. Go ahead, book it for the Friday."),
        ]);
        assert_eq!(granted.len(), 1, "{granted:?}");
        let to_speak = decisions(&[("Sam", "Can I ask something?"), ("Maya", "Yes. Go ahead, ask.")]);
        assert!(to_speak.is_empty(), "{to_speak:?}");
    }

    #[test]
    fn go_on_then_a_change_of_plan_and_a_refusal_with_wont_are_decisions() {
        each_is_one_decision(&[
            "Go on then, we keep the bar open till midnight on the Saturday.",
            "Okay, scrap that, the launch moves to June.",
            "Forget what I said, we print the flyers in colour.",
        ]);
        let refused = decisions(&[
            ("Sam", "Can we not wait for the new batch?"),
            ("Maya", "No, it's too late for that. We won't wait for the batch."),
        ]);
        assert_eq!(refused.len(), 1, "{refused:?}");
        let no_time = decisions(&[("Sam", "Can we fit it in?"), ("Maya", "No. We won't have time.")]);
        assert!(no_time.is_empty(), "{no_time:?}");
    }

    #[test]
    fn a_date_set_or_moved_in_a_summing_up_is_a_decision() {
        each_is_one_decision(&[
            "So the open day's the twelfth, in the main hall.",
            "Fine, so the review is moved to Thursday.",
            "Grand, so we close the office on the Friday.",
        ]);
        none_is_a_decision(&[
            "So it's the twelfth.",
            "It's the twelfth.",
            "The review is on Thursday.",
        ]);
    }

    #[test]
    fn relief_at_a_plan_is_assent_to_it() {
        let found = run_by_ines(
            MINIBUS,
            "Ines",
            "Okay. We sell the minibus and hire one when we need it.",
            "Thank goodness.",
        );
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn a_rule_of_thumb_a_personal_plan_and_a_confirmation_name_no_rule() {
        none_is_a_decision(&[
            "Never leave a knife in the sink. That's the first rule.",
            "My sister's visiting and we're going hiking. That's the plan for the weekend.",
        ]);
        let confirmed = decisions(&[
            ("Sam", "So we're meeting at the station at nine?"),
            ("Maya", "That's the plan. The forecast looks good for it."),
        ]);
        assert!(confirmed.is_empty(), "{confirmed:?}");
    }

    #[test]
    fn a_refusal_with_wont_must_refuse_what_was_asked_and_a_change_of_plan_needs_a_plan() {
        let cannot = decisions(&[
            ("Sam", "Can we get there by six?"),
            ("Maya", "No. We won't make it in time."),
        ]);
        assert!(cannot.is_empty(), "{cannot:?}");
        none_is_a_decision(&["Forget what I said about the weather, it's actually sunny."]);
    }

    #[test]
    fn a_day_or_ones_own_date_is_no_date_set() {
        none_is_a_decision(&["Right, so today's the fourteenth."]);
        let flight = run_by_ines(MINIBUS, "Ines", "My flight's on Tuesday.", "Great.");
        assert!(flight.is_empty(), "{flight:?}");
        let firm = kitchen("Ines", "The deep clean is on the fourteenth, no extension.");
        assert_eq!(firm.len(), 1, "{firm:?}");
    }

    #[test]
    fn plans_announced_after_a_colon_skipped_kept_or_ended_and_motions_through_are_decisions() {
        each_is_one_decision(&[
            "Here's how we'll play it: one drink each on the first round.",
            "We're skipping the duty-free run until the return sector.",
            "So returns stay at dock seven.",
            "Right, so the demo ends when you beat the swamp boss.",
            "Carried, minutes accepted as amended.",
            "That's through, up to three thousand for the gym gear.",
            "Nobody leaves early on Friday, that's not up for discussion.",
        ]);
        none_is_a_decision(&[
            "Here's the thing: nobody reads it.",
            "Are we skipping lunch today?",
            "The film ends when he dies.",
            "That's through the door on the left.",
        ]);
    }

    #[test]
    fn do_that_and_a_day_that_works_make_the_plan_after_them_decided() {
        let done = decisions(&[
            ("Sam", "I can do a cheaper version of the fog."),
            (
                "Maya",
                "Do that. Cheap fog for the demo, and we do the pretty version for launch.",
            ),
        ]);
        assert_eq!(done.len(), 1, "{done:?}");
        assert!(done[0].text.starts_with("Cheap fog"), "{done:?}");
        let works = decisions(&[
            ("Sam", "Tuesday?"),
            ("Maya", "Tuesday works. External playtest on Tuesday afternoon, then."),
        ]);
        assert_eq!(works.len(), 1, "{works:?}");
    }

    #[test]
    fn a_ruling_nobody_sees_differently_is_decided_and_a_rule_quoted_is_not() {
        let ruled = decisions(&[
            (
                "Maya",
                "I'm comfortable not renewing the lease. Anyone see it differently?",
            ),
            ("Sam", "No, I agree."),
        ]);
        assert_eq!(ruled.len(), 1, "{ruled:?}");
        let quoted = decisions(&[
            (
                "Maya",
                "So, the governance doc says we need a majority of the trustees. Does anyone object?",
            ),
            ("Sam", "No."),
        ]);
        assert!(quoted.is_empty(), "{quoted:?}");
    }

    #[test]
    fn a_short_choice_and_the_plan_after_it_are_one_decision() {
        let found = decisions(&[
            ("Tanisha", "They can send twelve, starting the ninth."),
            (
                "Darlene",
                "Temps it is. We'll take the twelve from Blue Ridge, starting the ninth.",
            ),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].text.starts_with("Temps it is. We'll take"), "{found:?}");
        assert!(
            found[0].decision.contains("Blue Ridge"),
            "the longer of the two: {found:?}"
        );
        let two = decisions(&[(
            "Maya",
            "We're keeping the ten euro ticket for members. From now on, nobody gets in without a wristband.",
        )]);
        assert_eq!(two.len(), 2, "a ruling that stands alone stays apart: {two:?}");
    }

    #[test]
    fn we_will_and_we_are_not_plan_but_not_what_we_will_talk_about_or_put_off() {
        let ruled = minibus("Ines", "Okay, so we're not signing with the garage this season.");
        assert_eq!(ruled.len(), 1, "{ruled:?}");
        let rebuilt = minibus("Ines", "Right. We'll rebuild the clutch and keep it another year.");
        assert_eq!(rebuilt.len(), 1, "{rebuilt:?}");
        for not_settling in [
            "So here's what we'll do.",
            "Right so, it's gone eight, we'll make a start.",
            "We'll pick it up at the next meeting.",
            "Let's leave the date till Shona knows, and we'll settle it next month.",
            "I know, we'll live with it.",
            "We'll find something.",
            "Then, once the amendment's approved, we'll need the van.",
        ] {
            assert!(minibus("Ines", not_settling).is_empty(), "{not_settling}");
        }
    }

    #[test]
    fn a_provisional_decision_is_one_held_less_surely() {
        let found = decisions(&[
            ("Kelvin", "Mezzanine cannot, the goods lift too small."),
            ("Mei Ling", "So returns stay at dock seven for now."),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].confidence <= 0.7, "{found:?}");
    }

    #[test]
    fn a_vote_counted_opens_what_it_carried() {
        for carried in [
            "Four to one, carried. Pints go up twenty pee from the first of March.",
            "That's three to one, then. Saturday flu clinics go ahead on the first two Saturdays in October.",
            "That's unanimous. Eastfield's open on Saturdays again from the first Saturday in August.",
        ] {
            let found = decisions(&[("Dai", "Aye."), ("Gwyn", carried)]);
            assert_eq!(found.len(), 1, "{carried}: {found:?}");
        }
        let found = decisions(&[
            ("Dai", "Aye."),
            ("Gwyn", "That's three to one, then. I'm off to get a coffee."),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn a_short_choice_closed_by_then_takes_up_an_option_the_room_named() {
        let club = |choice: &'static str| {
            decisions(&[
                ("Gwyn", "Right. Sponsorship. Hughes Motors want their name somewhere."),
                ("Dai", "A hoarding's fine by me."),
                ("Carys", "And I'd rather keep the shirts as they are."),
                ("Gwyn", choice),
                ("Dai", "And the floodlights?"),
            ])
        };
        let found = club("Hoarding by the clubhouse, then, and the shirts stay as they are.");
        assert_eq!(found.len(), 1, "{found:?}");
        for not_chosen in [
            "See you Thursday, then.",
            "Durian night, then the rats come back.",
            "Pizza for the volunteers, then, and a cake.",
        ] {
            assert!(club(not_chosen).is_empty(), "{not_chosen}");
        }
    }

    #[test]
    fn a_choice_closed_after_ja_or_aye_is_settled() {
        each_is_one_decision(&["Ja, fine, weekly it is, from this harvest."]);
        none_is_a_decision(&["Aye, it is.", "Yeah, it is."]);
    }

    #[test]
    fn an_assent_that_takes_up_a_proposal_decides_it() {
        let done = decisions(&[
            (
                "Tash",
                "What I'd suggest is we give people a heads-up at check-in and earplugs in the rooms on weekends.",
            ),
            (
                "Bronwyn",
                "Yeah, do that. Earplugs and a heads-up at check-in, starting this weekend.",
            ),
        ]);
        assert_eq!(done.len(), 1, "{done:?}");
        assert!(done[0].text.starts_with("Earplugs"), "{done:?}");
        let inline = decisions(&[
            (
                "Lachie",
                "Maybe we charge twenty-five an hour for late checkout, two p.m. latest?",
            ),
            (
                "Bronwyn",
                "Okay, done, twenty-five an hour for late checkout, two p.m. latest.",
            ),
        ]);
        assert_eq!(inline.len(), 1, "{inline:?}");
        for (asked, answered) in [
            ("Is the printer broken again?", "Yes, the printer is broken again."),
            (
                "Could we get the solar grant, maybe?",
                "Yes, they told me the solar grant qualifies, fifty percent.",
            ),
        ] {
            let found = decisions(&[("Ann", asked), ("Bob", answered)]);
            assert!(found.is_empty(), "{answered}: {found:?}");
        }
    }

    #[test]
    fn a_summing_up_the_next_speaker_assents_to_is_a_decision_unless_it_is_about_someone() {
        let assented = |summing_up: &'static str| decisions(&[("Fionnuala", summing_up), ("Declan", "Agreed.")]);
        for settled in [
            "Right, so the front page is the flood, and the angle is the defences.",
            "Fine, so the budget's a page five lead, unless something blows up on the night.",
            "Then, with that correction, the minutes are agreed as a correct record.",
        ] {
            assert_eq!(assented(settled).len(), 1, "{settled}");
        }
        for not_settled in [
            "So, bay one.",
            "So you're off on Friday, then, all week.",
            "So we need to be asking for specific things, please.",
            "Then write us a few more like that.",
            "So Hayley's going to redo the board with the new times.",
            "Then at least it's on paper for the council.",
            "So we ship on Friday if the tests pass.",
        ] {
            assert!(assented(not_settled).is_empty(), "{not_settled}");
        }
    }

    #[test]
    fn a_choice_with_not_and_a_no_for_someone_are_decisions() {
        each_is_one_decision(&[
            "Yeah, I'm with Kevin, let's do email, not push.",
            "So for this role it's a no for Vikram.",
        ]);
        none_is_a_decision(&["Honestly, it's a yes for me."]);
    }

    #[test]
    fn outcomes_foreseen_facts_confirmed_and_guesses_are_no_decisions() {
        for (said, reply) in [
            ("At this rate we'll run out of gloves by Friday.", "Yeah."),
            ("We'll lose the deposit either way.", "Yeah."),
            ("We'll cross that bridge when we come to it.", "Yeah."),
            (
                "Yeah, my sister's up, so we'll go camping at the lakes.",
                "Yeah, sounds good.",
            ),
            ("So the boiler is twenty years old.", "Yeah."),
            ("So the main problem is the parking at weekends.", "Exactly."),
            ("So Carol is on holiday all of next week.", "Yep."),
            ("The bridge is closed until March for repairs.", "Yeah, I saw."),
            ("My visa is approved, finally.", "Great news."),
            ("Let's be honest, not everyone reads the newsletter.", "True."),
            ("It's a yes for them, they loved the colours.", "Nice."),
            ("Sadly it's a no for this year, the council said.", "Shame."),
        ] {
            let found = run_by_ines(MINIBUS, "Ines", said, reply);
            assert!(found.is_empty(), "{said}: {found:?}");
        }
        for (guess, confirmed) in [
            (
                "Could the boiler be the problem, maybe?",
                "Yes, the boiler is the problem, the engineer checked it.",
            ),
            (
                "Maybe we should have booked the hall earlier.",
                "Yeah, true, the hall was booked solid by January.",
            ),
        ] {
            let found = decisions(&[("Tom", guess), ("Ines", confirmed)]);
            assert!(found.is_empty(), "{confirmed}: {found:?}");
        }
    }

    #[test]
    fn a_choice_closed_by_then_is_no_answer_taken_or_remark() {
        let answer = decisions(&[
            ("Ines", "Right, item four. What's the next item?"),
            ("Tom", "The budget."),
            ("Ines", "The budget, then."),
        ]);
        assert!(answer.is_empty(), "{answer:?}");
        let remark = decisions(&[
            ("Ines", "Right, item four. Where are you off to?"),
            ("Tom", "I'm stuck in Leeds all week."),
            ("Ines", "Leeds, then, lucky you."),
        ]);
        assert!(remark.is_empty(), "{remark:?}");
        let registrar = decisions(&[
            ("Helen", "Right. Locums. A registrar or another locum for the summer?"),
            ("Ama", "A registrar would need their own room."),
            ("Siobhan", "We'll find something."),
            (
                "Helen",
                "Registrar, then. We're taking one from February, with Raj supervising.",
            ),
        ]);
        assert_eq!(registrar.len(), 1, "{registrar:?}");
        assert!(registrar[0].text.starts_with("Registrar, then."), "{registrar:?}");
        let called = decisions(&[("Gwyn", "Hands up for twenty pee, then.")]);
        assert!(called.is_empty(), "a vote called: {called:?}");
    }

    #[test]
    fn a_ruling_that_stands_alone_is_not_merged_and_votes_count_in_more_ways() {
        let two = decisions(&[(
            "Ines",
            "Tuesday it is, then. Separately, from now on nobody takes the van home overnight.",
        )]);
        assert_eq!(two.len(), 2, "{two:?}");
        let carried = decisions(&[
            ("Dai", "Aye."),
            (
                "Gwyn",
                "Seven votes to two, carried. The hall fee goes up to forty pounds in May.",
            ),
        ]);
        assert_eq!(carried.len(), 1, "{carried:?}");
    }

    #[test]
    fn more_ways_a_room_settles_something() {
        for (lines, starts) in [
            (
                &[("Ines", "Okay, the van goes back on Fridays, that's what we're doing.")][..],
                "Okay, the van goes back",
            ),
            (
                &[(
                    "Ines",
                    "Right, new rule from Monday: no visitor signs in without a badge.",
                )],
                "Right, new rule",
            ),
            (
                &[(
                    "Ines",
                    "Okay, so forty covers a night until the kitchen is fixed. We go with that.",
                )],
                "Okay, so forty covers",
            ),
            (
                &[
                    ("Tom", "Should we trial the new supplier?"),
                    (
                        "Ines",
                        "Let's try it. Two sites first, and we look at the waste in March.",
                    ),
                ],
                "Let's try it.",
            ),
            (
                &[("Ines", "Let's push the launch to April and stop guessing.")],
                "Let's push the launch",
            ),
            (&[("Ines", "So five to two, Tuesday it is.")], "So five to two"),
            (
                &[
                    ("Tom", "Either the agency or we cover it ourselves."),
                    ("Ines", "Right, so the agency then, as a one-month trial."),
                ],
                "Right, so the agency then",
            ),
        ] {
            let found = decisions(lines);
            assert_eq!(found.len(), 1, "{lines:?}: {found:?}");
            assert!(found[0].text.starts_with(starts), "{lines:?}: {found:?}");
        }
        for not_settled in [
            &[("Ines", "So my idea is we do the audit the same day.")][..],
            &[("Tom", "Can you take the late shift?"), ("Ines", "Yeah, go on then.")],
            &[("Ines", "It's not urgent, but it's, yeah, it's getting worse.")],
            &[("Ines", "Here's a thought. We move the stand-up to ten.")],
            &[("Ines", "We go with that supplier every year.")],
        ] {
            let found = decisions(not_settled);
            assert!(found.is_empty(), "{not_settled:?}: {found:?}");
        }
    }

    #[test]
    fn a_room_settles_things_in_yet_more_ways() {
        for (lines, starts) in [
            (
                &[("Ines", "Okay, same caterer as last year, then.")][..],
                "Okay, same caterer",
            ),
            (
                &[("Ines", "Thanks. That's the accounts approved, then.")],
                "That's the accounts approved",
            ),
            (
                &[("Tom", "Makes sense to me."), ("Ines", "Three pound a ticket it is.")],
                "Three pound a ticket",
            ),
            (
                &[("Ines", "Rotas go up by Thursday noon. That's a rule for everyone.")],
                "Rotas go up",
            ),
            (
                &[("Ines", "And the cold rule. Below zero, the site closes at two.")],
                "Below zero",
            ),
            (
                &[("Ines", "Scratch the split order, we take the full delivery now.")],
                "Scratch the split order",
            ),
            (
                &[("Ines", "Okay, okay. Change it, then. Lunch moves to twelve.")],
                "Lunch moves to twelve",
            ),
            (
                &[("Ines", "Then the audit goes one week later, to the ninth.")],
                "Then the audit",
            ),
        ] {
            let found = decisions(lines);
            assert_eq!(found.len(), 1, "{lines:?}: {found:?}");
            assert!(found[0].text.contains(starts), "{lines:?}: {found:?}");
        }
        for not_settled in [
            &[("Ines", "We agreed that last year, then.")][..],
            &[("Ines", "We're not selling them as fast as last year.")],
            &[("Ines", "So my thinking was we split the order.")],
            &[("Ines", "Okay, we start, there's a lot today.")],
            &[("Ines", "Tell him we'll send a case of the red.")],
            &[("Ines", "Of course it is, and so is the other one.")],
        ] {
            let found = decisions(not_settled);
            assert!(found.is_empty(), "{not_settled:?}: {found:?}");
        }
    }

    #[test]
    fn dropping_an_option_or_refusing_as_a_body_is_a_decision() {
        let dropped = decisions(&[
            ("Sam", "Last year we used three sites and one was a mess."),
            (
                "Maya",
                "Then let's not bother with the school. The church hall and the depot are fine.",
            ),
        ]);
        assert_eq!(dropped.len(), 1, "{dropped:?}");
        assert_eq!(dropped[0].text, "Then let's not bother with the school.");
        let refused = decisions(&[("Maya", "We will not give any loans to members this season.")]);
        assert_eq!(refused.len(), 1, "{refused:?}");
        none_is_a_decision(&[
            "Let's not bother arguing about it.",
            "We won't know until Friday.",
            "We will not give up on it, I hope.",
        ]);
    }

    #[test]
    fn the_plan_or_a_change_announced_is_the_next_sentence() {
        let planned = decisions(&[
            ("Sam", "My proposal is we bus everyone to the regional hub."),
            (
                "Maya",
                "Right, that's the plan then. No shelter in town above category three, everyone goes to the hub.",
            ),
        ]);
        assert_eq!(planned.len(), 1, "{planned:?}");
        assert_eq!(
            planned[0].text,
            "No shelter in town above category three, everyone goes to the hub."
        );
        let changed = decisions(&[(
            "Maya",
            "Oh, right. Then let's change the rota. The new starters go on the twelfth, the rest stay on the twentieth.",
        )]);
        assert_eq!(changed.len(), 1, "{changed:?}");
        assert!(
            changed[0].text.starts_with("The new starters go on the twelfth"),
            "{changed:?}"
        );
        // "Let's change the subject" announces nothing about the meeting's business.
        none_is_a_decision(&["Let's change the subject. Who's seen the match?"]);
    }

    #[test]
    fn lets_do_it_settles_what_the_speaker_just_said_not_an_assent() {
        let settled = decisions(&[
            ("Sam", "A deposit for new clients would stop the no-shows."),
            (
                "Maya",
                "Okay, twenty pound deposit for new clients, taken off the bill. Let's do it.",
            ),
        ]);
        assert_eq!(settled.len(), 1, "{settled:?}");
        assert_eq!(
            settled[0].text,
            "Okay, twenty pound deposit for new clients, taken off the bill."
        );
        let found = decisions(&[
            (
                "Sam",
                "What if we texted first and only phoned the ones who don't reply?",
            ),
            ("Maya", "Yeah, I like that. Let's do that."),
        ]);
        assert!(found.iter().all(|d| d.text != "Yeah, I like that."), "{found:?}");
    }

    #[test]
    fn a_chair_summing_up_the_talk_and_turning_to_someone_settles_it() {
        let talk = [
            (
                "Maya",
                "Morning. Thanks for coming in early, let's get started. Dental month next. Last year was twenty percent off.",
            ),
            ("Sam", "Fifteen or twenty percent off cleanings this year?"),
            ("Lee", "Fifteen. We'll still fill the cleanings."),
        ];
        let mut summed = talk.to_vec();
        summed.push((
            "Maya",
            "Okay, fifteen percent off cleanings for February. Sam, the reminders?",
        ));
        let found = decisions(&summed);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].text, "Okay, fifteen percent off cleanings for February.");
        // Not about what was discussed, nor from someone who does not run the meeting, nor
        // without turning to someone.
        let mut elsewhere = talk.to_vec();
        elsewhere.push(("Maya", "Okay, the car park is shut on Monday. Sam, the rota?"));
        assert!(decisions(&elsewhere).is_empty());
        let mut not_chair = talk.to_vec();
        not_chair.push((
            "Lee",
            "Okay, fifteen percent off cleanings for February. Sam, the reminders?",
        ));
        assert!(decisions(&not_chair).is_empty());
        // Without turning to anyone, the same few words still close the talk (see
        // `concludes_in_few_words`).
        let mut alone = talk.to_vec();
        alone.push(("Maya", "Okay, fifteen percent off cleanings for February."));
        assert_eq!(decisions(&alone).len(), 1);
    }

    #[test]
    fn plain_rulings_without_a_cue_word_of_deciding() {
        for (said, text) in [
            ("So from now, loaners only for recall customers.", None),
            (
                "From next Monday, the front desk photographs every car at reception.",
                None,
            ),
            (
                "Then nobody without a badge goes on site, starting this Sunday, no exceptions.",
                None,
            ),
            ("No envelopes, we stay with the boxes.", None),
            (
                "Then something's changed. We're not renewing, we go out to tender.",
                Some("We're not renewing, we go out to tender."),
            ),
            ("So the timetable stands as Ciaran has it.", None),
        ] {
            let found = decisions(&[("Maya", said)]);
            assert_eq!(found.len(), 1, "{said}: {found:?}");
            assert_eq!(found[0].text, text.unwrap_or(said));
        }
        none_is_a_decision(&[
            "So as it stands, the seniors start on Tuesday the fourth.",
            "We stay with my aunt when we visit.",
            "From now, I guess.",
            "From now, I'm taking the early train.",
        ]);
    }

    /// A crew meeting Mette runs (she speaks most): the crew weighs two turbines, then Mette
    /// says `closing`, and `reply` answers her when there is one.
    fn turbines(closing: &'static str, reply: Option<(&'static str, &'static str)>) -> Vec<Decision> {
        let mut lines = vec![
            ("Mette", "Morning. Two turbines down this week."),
            ("Mette", "Anders, what do you think?"),
            (
                "Anders",
                "The gearbox has been down nine days, so I would do the gearbox first.",
            ),
            ("Tom", "The blades can wait a day, the inspection was clean."),
            ("Mette", closing),
        ];
        lines.extend(reply);
        decisions(&lines)
    }

    #[test]
    fn the_chair_closing_the_talk_in_a_few_words_without_a_verb_decides() {
        for closing in [
            "Okay, so gearbox Tuesday, blades Wednesday.",
            "Fine, the gearbox first until the new motor is in.",
            "Right, the gearbox on Tuesday, the blades on Wednesday.",
        ] {
            assert_eq!(turbines(closing, None).len(), 1, "{closing}");
        }
        for closing in [
            // The meeting's own business, an estimate, who is next.
            "Okay, two things about the gearbox.",
            "Right, next item, the blades.",
            "Okay, thanks, everyone, good gearbox work.",
            "Okay, roughly nine days of gearbox downtime.",
            "Okay, Anders first, then Tom on the gearbox.",
            // No word that closes ("So …" repeats), one thing named, nothing the crew said.
            "So gearbox Tuesday, blades Wednesday.",
            "Okay, the gearbox.",
            "Okay, the parking rota.",
            // A verb: other rules judge it.
            "Okay, I think the gearbox might be Tuesday.",
        ] {
            assert!(turbines(closing, None).is_empty(), "{closing}");
        }
        // From anyone but the one running the meeting, a few words settle nothing.
        let from_tom = decisions(&[
            ("Mette", "Morning. Two turbines down this week."),
            ("Mette", "Anders, what do you think?"),
            ("Mette", "Tom?"),
            (
                "Anders",
                "The gearbox has been down nine days, so I would do the gearbox first.",
            ),
            ("Tom", "Okay, so gearbox Tuesday, blades Wednesday."),
        ]);
        assert!(from_tom.is_empty(), "{from_tom:?}");
    }

    #[test]
    fn the_chair_ending_a_debate_without_an_opener_decides() {
        let harbour = |ruling: &'static str, reply: &'static str| {
            decisions(&[
                ("Morwenna", "Next, the rally."),
                ("Morwenna", "They asked for twelve berths."),
                ("Kerenza", "We can't give the rally twelve berths in August."),
                ("Tamsin", "And what do I tell the yacht club about the rally?"),
                ("Morwenna", ruling),
                ("Tamsin", reply),
                ("Morwenna", "Right, fees."),
            ])
        };
        for ruling in [
            "Six berths for the rally, not twelve.",
            "The rally stays on the outer pontoon, and the club pays the berths up front.",
        ] {
            let ruled = harbour(ruling, "Then the club hears it from me tomorrow.");
            assert_eq!(ruled.len(), 1, "{ruling}: {ruled:?}");
            assert_eq!(ruled[0].by.as_deref(), Some("Morwenna"), "{ruling}");
        }
        // Objected to at once; choices laid out, the speaker's own, a recap, who is next.
        let objected = harbour("Six berths for the rally, not twelve.", "No, that's far too few.");
        assert!(objected.is_empty(), "{objected:?}");
        for ruling in [
            "Six berths for the rally, or twelve for the club.",
            "Rally berths are my problem, not yours.",
            "So twelve berths for the rally.",
            "Tamsin, the rally berths.",
        ] {
            let found = harbour(ruling, "Okay.");
            assert!(found.is_empty(), "{ruling}: {found:?}");
        }
        // An answer to a question that asks no ruling is an answer.
        for (asked, answer) in [
            (
                "Are the rally boats all from Brittany?",
                "All Breton boats, the whole rally.",
            ),
            (
                "Are we losing rally bookings because of the berths?",
                "Not yet, but three rally boats complained to the club.",
            ),
            (
                "How many rally complaints did we get?",
                "Eleven rally complaints, all about the berths.",
            ),
        ] {
            let answered = decisions(&[
                ("Morwenna", "Next, the rally."),
                ("Morwenna", "They asked for twelve berths."),
                ("Kerenza", asked),
                ("Morwenna", answer),
                ("Kerenza", "Lovely."),
                ("Morwenna", "Right, fees."),
            ]);
            assert!(answered.is_empty(), "{answer}: {answered:?}");
        }
        // Nobody asked, put forward or disputed anything: a remark.
        let unasked = decisions(&[
            ("Morwenna", "Next, the rally."),
            ("Kerenza", "The rally boats arrive in August."),
            ("Morwenna", "Twelve Breton rally boats, lovely."),
            ("Morwenna", "Right, fees."),
        ]);
        assert!(unasked.is_empty(), "{unasked:?}");
        // The chair's own answer fills the sentences before the ruling: the question that
        // opened the debate is still a few turns back. A ruling without a verb takes up only
        // what was just said.
        let long_answer = |ruling: &'static str| {
            decisions(&[
                ("Dale", "Calves."),
                ("Rosa", "San Angelo's got a special calf sale on the fourteenth."),
                ("Cody", "Shouldn't we hold the steers, though?"),
                ("Dale", "Put weight on with what?"),
                ("Dale", "There's no grass."),
                ("Dale", "If it rained, I'd hold them till spring, sure."),
                ("Dale", "It ain't gonna rain."),
                ("Rosa", "And if we hold them, we're buying hay to feed them."),
                ("Dale", "Okay."),
                ("Dale", ruling),
                ("Rosa", "They fill up quick for the specials."),
            ])
        };
        let ruled = long_answer("The steers go on the fourteenth.");
        assert_eq!(ruled.len(), 1, "{ruled:?}");
        let few_words = long_answer("Steers on the fourteenth.");
        assert!(few_words.is_empty(), "{few_words:?}");
    }

    #[test]
    fn the_chair_stating_what_the_room_does_unopposed_decides() {
        let taken = turbines("Okay, we fix the gearbox first and the blades after it.", None);
        assert_eq!(taken.len(), 1, "{taken:?}");
        let objected = turbines(
            "Okay, we fix the gearbox first and the blades after it.",
            Some(("Anders", "No, the motor isn't here yet.")),
        );
        assert!(objected.is_empty(), "{objected:?}");
        for closing in [
            "We fix the gearbox first, or we fix the blades first.",
            "We'll see how the gearbox looks on Tuesday.",
            "We got the gearbox going last winter.",
        ] {
            assert!(turbines(closing, None).is_empty(), "{closing}");
        }
    }

    #[test]
    fn a_state_kept_until_something_happens_is_the_chairs_ruling() {
        for ruled in [
            "Number two stays off until the new blades are on.",
            "The lid check stays until we have three clean weeks.",
            "And until the inspector signs it off, the fryer does not go back on.",
            "Until Tom fixes the seal, the walk-in gets no deliveries.",
            "The fryer stays off till the engineer has been, no matter how busy we get.",
            "Right, lane two is closed until it's properly repaired.",
            "And until Tom has done it, that end of the deck's closed.",
        ] {
            assert_eq!(kitchen("Ines", ruled).len(), 1, "ruled by the chair: {ruled}");
            assert!(kitchen("Tom", ruled).is_empty(), "said by anyone else: {ruled}");
        }
        for (who, not_ruled) in [
            ("Ines", "The fryer stayed off until the engineer came last week."),
            ("Ines", "Tom said the fryer stays off until Monday."),
            ("Ines", "Until Monday I'm in the other kitchen."),
            ("Ines", "I'll stay until five, then I have to go."),
            ("Ines", "Until we hear back, I don't know."),
            ("Ines", "Till next week, don't work too hard."),
            // News of a date, not a ruling; the speaker's own things.
            ("Ines", "The bridge is closed until March."),
            ("Ines", "The kitchen is closed until the twenty-third."),
            ("Ines", "Until March, the bridge is closed."),
            ("Ines", "The pool is closed until the planned reopening in March."),
            ("Ines", "My laptop's offline until IT have reimaged it."),
        ] {
            let found = kitchen(who, not_ruled);
            assert!(found.is_empty(), "{who}: {not_ruled}: {found:?}");
        }
    }

    #[test]
    fn the_chair_closing_with_then_or_in_that_case_decides_unless_objected_to() {
        for closing in ["Gearbox, in that case.", "Gearbox, then, not the blades."] {
            assert_eq!(turbines(closing, None).len(), 1, "{closing}");
            assert_eq!(
                turbines(closing, Some(("Tom", "Fine by me."))).len(),
                1,
                "{closing}, assented to"
            );
            assert!(
                turbines(closing, Some(("Tom", "Hang on, the crane is booked for the blades."))).is_empty(),
                "{closing}, objected to"
            );
        }
        // A question asked after it is what the "No" answers.
        let asked = decisions(&[
            ("Mette", "Morning. Two turbines down this week."),
            (
                "Anders",
                "The gearbox has been down nine days, so I would do the gearbox first.",
            ),
            ("Mette", "Okay, so gearbox Tuesday, blades Wednesday. Any problems?"),
            ("Anders", "No, that works."),
        ]);
        assert_eq!(asked.len(), 1, "{asked:?}");
        for not_closing in [
            "See you Thursday, then.",
            "Next item, then.",
            "Gearbox, then, if Anders agrees.",
        ] {
            assert!(turbines(not_closing, None).is_empty(), "{not_closing}");
        }
    }

    /// What a stand-in for the learned scorer, sure of every sentence holding `marked` and of
    /// nothing else, adds to the rules' decisions.
    fn scored_with(lines: &[(&str, &str)], marked: &str, meeting_over: bool) -> Vec<Finding> {
        let sentences = text::said(lines);
        let cues = cues("en").unwrap();
        let found = found_in(lines);
        let score = |at: usize| {
            if sentences[at].text.contains(marked) {
                0.99
            } else {
                0.01
            }
        };
        scored(&sentences, &found, &score, 0.9, cues, meeting_over)
    }

    /// The texts of what the scorer adds to `sentences` read from `from` on, when it is sure of
    /// every sentence holding `marked` and there are no rules' decisions.
    fn scored_alone_from(sentences: &[Sentence], from: usize, marked: &str) -> Vec<String> {
        let window = &sentences[from..];
        let score = |at: usize| if window[at].text.contains(marked) { 0.99 } else { 0.01 };
        scored(window, &[], &score, 0.9, cues("en").unwrap(), true)
            .into_iter()
            .map(|f| match f.body {
                FindingBody::Decision(d) => d.text,
                _ => unreachable!(),
            })
            .collect()
    }

    fn scored_texts(lines: &[(&str, &str)], marked: &str) -> Vec<String> {
        scored_with(lines, marked, true)
            .into_iter()
            .map(|f| match f.body {
                FindingBody::Decision(d) => d.text,
                _ => unreachable!(),
            })
            .collect()
    }

    #[test]
    fn a_ruling_the_scorer_is_sure_of_is_a_decision_of_its_speaker() {
        let lines = [
            ("Lau", "The leak in Block 4 is back."),
            (
                "Mei",
                "The plumber says it is the Joint Office's pipe. He came on Monday.",
            ),
            ("Lau", "This one goes to the Joint Office."),
            ("Mei", "Fine."),
        ];
        assert!(
            found_in(&lines).is_empty(),
            "level in talk: nobody runs it for the rules"
        );
        let found = scored_with(&lines, "goes to", true);
        assert_eq!(found.len(), 1, "{found:?}");
        let FindingBody::Decision(decision) = &found[0].body else {
            unreachable!()
        };
        assert_eq!(decision.text, "This one goes to the Joint Office.");
        assert_eq!(decision.by.as_deref(), Some("Lau"));
        assert_eq!(decision.confidence, SCORED_DECISION_CONFIDENCE);
        assert_eq!(found[0].segments, [2], "the third line's");
        assert!(
            scored_texts(&lines, "nothing marked").is_empty(),
            "only what the scorer is sure of"
        );
    }

    #[test]
    fn what_can_settle_nothing_is_no_decision_however_sure_the_scorer() {
        for said in [
            "Does this one go to the Joint Office?",
            "So, actions.",
            "Maybe this one goes to the Joint Office.",
            "It goes to the Joint Office, but it depends on the plumber.",
            "Last year this one went to the Joint Office.",
            "So the goal today is to decide where this one goes.",
            "I'll take this one to the Joint Office.",
            "This one probably goes to the Joint Office.",
            "The council says it goes to the Joint Office.",
            "Once it's approved, it goes to the Joint Office.",
            "So, once it's approved, it goes to the Joint Office.",
            "Let's come back to the Joint Office next week.",
            "Okay, we'll talk again about the Joint Office then.",
        ] {
            let lines = [("Lau", "The leak is back."), ("Lau", said), ("Mei", "Right.")];
            // With no rules' decisions to hold it, only the gates keep it out.
            assert!(scored_alone_from(&text::said(&lines), 0, said).is_empty(), "{said}");
        }
        // The same ruling, plainly said, is one.
        let lines = [
            ("Lau", "The leak is back."),
            ("Lau", "It goes to the Joint Office."),
            ("Mei", "Right."),
        ];
        assert_eq!(scored_texts(&lines, "Joint Office"), ["It goes to the Joint Office."]);
        assert_eq!(
            scored_alone_from(&text::said(&lines), 0, "Joint Office"),
            ["It goes to the Joint Office."]
        );
        // A state kept until something happens waits on nothing: it is the ruling.
        let kept = "That lot stays in Mbale until it reads twelve and a half.";
        let lines = [("Lau", "The lot is still wet."), ("Lau", kept), ("Mei", "Right.")];
        assert_eq!(scored_alone_from(&text::said(&lines), 0, "Mbale"), [kept]);
        let waits = "Once it reads twelve and a half, that lot goes to Mbale.";
        let lines = [("Lau", "The lot is still wet."), ("Lau", waits), ("Mei", "Right.")];
        assert!(scored_alone_from(&text::said(&lines), 0, "Mbale").is_empty());
        // The same ruling with its condition after it, kept until something happens, or leaving
        // a part for later, is one.
        for ruled in [
            "That lot goes to Mbale once it reads twelve and a half.",
            "Until the dryer is fixed, that lot goes to Mbale.",
            "That lot goes to Mbale, and we revisit the price in January.",
        ] {
            let lines = [("Lau", "The lot is still wet."), ("Lau", ruled), ("Mei", "Right.")];
            assert_eq!(scored_alone_from(&text::said(&lines), 0, "Mbale"), [ruled]);
        }
    }

    #[test]
    fn what_the_scorer_adds_does_not_hang_on_where_the_reading_starts() {
        // A recap: rulings, each answered, then two said in one turn (the second carries out the
        // first). The live window may start at any sentence.
        let sentences = text::said(&[
            ("Lau", "The van goes to Lee."),
            ("Mei", "Fine."),
            ("Lau", "The hall goes to the scouts."),
            ("Mei", "Okay."),
            ("Lau", "The boxes go to Mei."),
            ("Mei", "Good."),
            ("Lau", "The keys go to Chen. The spare set goes to Ana."),
            ("Mei", "Right."),
        ]);
        let whole = scored_alone_from(&sentences, 0, " go");
        assert_eq!(
            whole,
            [
                "The van goes to Lee.",
                "The hall goes to the scouts.",
                "The boxes go to Mei.",
                "The keys go to Chen."
            ]
        );
        // Past the few sentences a window's start can leave unread before them, the same.
        for from in 1..sentences.len() {
            let settled = |found: Vec<String>| -> Vec<String> {
                let after_start = &sentences[from + FOLLOWS_A_DECISION_SENTENCES.min(sentences.len() - from)..];
                found
                    .into_iter()
                    .filter(|t| after_start.iter().any(|s| &s.text == t))
                    .collect()
            };
            assert_eq!(
                settled(scored_alone_from(&sentences, from, " go")),
                settled(whole.clone()),
                "read from {from}"
            );
        }
    }

    #[test]
    fn a_decision_the_rules_found_and_what_carries_it_out_are_not_found_again() {
        let lines = [
            (
                "Lau",
                "We've agreed the Joint Office takes the leak. The plumber goes in on Monday. The \
                 residents get a letter.",
            ),
            ("Mei", "Fine."),
        ];
        assert_eq!(found_in(&lines).len(), 1, "the rules find the first");
        // The two after it in the same turn carry it out.
        assert!(scored_texts(&lines, "e").is_empty());
        // Another's, answering it at once, is a ruling of its own.
        let lines = [
            ("Lau", "We've agreed the Joint Office takes the leak."),
            ("Mei", "And Chen writes up the leak for the file."),
            ("Lau", "Fine."),
        ];
        assert_eq!(found_in(&lines).len(), 1, "the rules find the first");
        assert_eq!(
            scored_texts(&lines, "Chen"),
            ["And Chen writes up the leak for the file."]
        );
    }

    #[test]
    fn live_a_ruling_waits_until_the_rules_have_read_what_follows_it() {
        let mut lines = vec![("Lau", "The leak is back."), ("Lau", "It goes to the Joint Office.")];
        lines.extend([("Mei", "The weather is lovely today."); FOLLOW_UP_SENTENCES - 1]);
        assert!(scored_with(&lines, "Joint Office", false).is_empty(), "too soon");
        assert_eq!(
            scored_with(&lines, "Joint Office", true).len(),
            1,
            "over: read to the end"
        );
        lines.push(("Mei", "The weather is lovely today."));
        assert_eq!(
            scored_with(&lines, "Joint Office", false).len(),
            1,
            "followed far enough"
        );
    }

    #[test]
    fn the_built_english_scorer_tells_a_ruling_from_chat() {
        let scorer = cues("en")
            .unwrap()
            .decision_scorer
            .as_ref()
            .expect("build.rs trained it");
        let view = |text, before, after, by_leader| learned::SentenceView {
            text,
            before,
            after,
            after_next: "",
            next_is_someone_else: true,
            by_leader,
        };
        let ruling = scorer.probability(&view(
            "Then the contract goes to Maji Bora, three votes to one.",
            "Those in favour of Rift Flow? One.",
            "Noted.",
            true,
        ));
        let chat = scorer.probability(&view(
            "The drillers were late again last week.",
            "How was the site visit?",
            "They always are.",
            false,
        ));
        assert!(ruling > 0.9, "{ruling}");
        assert!(chat < 0.1, "{chat}");
    }

    /// A decision the rules found in the sentence at `at`, as sure as `confidence`.
    fn ruled(sentences: &[Sentence], at: usize, confidence: f32) -> Finding {
        decision_in(&sentences[at], confidence, cues("en").unwrap())
    }

    #[test]
    fn the_scorer_may_overrule_only_decisions_the_rules_are_unsure_of() {
        let sentences = text::said(&[
            ("Lau", "So Thursday morning, I go up on the roof."),
            ("Lau", "We've agreed the roof gets new ties."),
        ]);
        assert!(open_to_a_second_opinion(&ruled(&sentences, 0, 0.7)));
        assert!(!open_to_a_second_opinion(&ruled(&sentences, 1, SECOND_OPINION_BELOW)));
    }
}
