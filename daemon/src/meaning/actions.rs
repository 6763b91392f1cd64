//! Action items: what someone is to do, who, and by when. Found from the ways people hand out
//! and take on work — "I'll …", "let me …", "I can … by Friday", and without "I'll": "I'm ordering
//! the kit today", "the area manager gets an email from me tomorrow", "you'll have a draft by
//! Friday" (the speaker), "Mira, can you …", "Tom, you'll need to …", "Do them today, Teodor"
//! (the name addressed), "can you …" (whoever takes it on, else the person spoken to), "let's
//! have Lena …", "someone should …", "can someone …?" (owned once someone says "that's yours", "I
//! can do that" or the task again: "Oh, go on, I'll ring him"), "the handbook needs updating".
//! The taker's own "I'll send them over this afternoon" is the same item, with its date. Not past
//! habits, hypotheticals, reported speech, refusals, offers that stand only if something does not
//! happen ("… if nobody else does") or "I will say…". The due date is looked for in the task's clause (a date, a time of
//! day, "before family meal"), then in the rest of the sentence, then in the replies that follow
//! ("No hurry, the end of the month works", "I can have it by Monday"). Work handed out
//! without any of those words is left to the learned scorer (`scored_items`). Pure.

use super::dates;
use super::heard::Heard;
use super::text::{self, Sentence};
use super::{finding_id, holds, Cues, Language};
use crate::pipeline::{ActionItem, Finding, FindingBody};

/// How many sentences after an item the learned scorer's finds are read as part of it.
const FOLLOWS_AN_ITEM_SENTENCES: usize = 2;
/// How sure a promise in the speaker's own words ("I'll …", "let me …") is an item.
const PROMISE_CONFIDENCE: f32 = 0.85;
/// How sure an item the learned scorer found is: as a statement handed over, since its score is
/// not calibrated (the classes were weighted equally in training) and a fixed value keeps the
/// item from being handed on again whenever a later sentence nudges the score.
const SCORED_ITEM_CONFIDENCE: f32 = 0.6;

/// How many sentences after an item may still give it an owner or a due date.
const FOLLOW_UP_SENTENCES: usize = 6;

/// How many turns after an item a plain assent ("Yeah.", "Okay.") may still take it on: the
/// reply, or the one after a reply that named someone ("Jo can do it." "Okay.").
const ACCEPTED_WITHIN_TURNS: usize = 2;

/// The fewest words a statement handed to someone ("Samples go to the lab. Lachie, that's
/// yours.") must have to be a task.
const HANDED_STATEMENT_MIN_WORDS: usize = 4;
/// The fewest words of a thing named and handed over with what to do ("the minutes: by Friday").
const HANDED_THING_MIN_WORDS: usize = 2;

/// The fewest letters before a past ending for a word to be read as a past tense ("reached",
/// not "red" or "bed").
const PAST_STEM_MIN_CHARS: usize = 3;

/// How sure something put to someone by name with a date, and taken on by them, is an item:
/// no more than a statement handed over, as its wording may name no doing.
const PUT_AND_TAKEN_CONFIDENCE: f32 = 0.6;
/// The fewest words of an order put to someone by name without a verb the request table lists
/// ("count the spares"; not "direct bookings", a topic handed over).
const ORDER_MIN_WORDS: usize = 3;
/// The most words of a sentence that only calls someone before what they are asked ("Ray, the
/// transfer switch.").
const CALLING_SENTENCE_MAX_WORDS: usize = 6;

/// How sure a statement handed to someone is an item: less than a request or a promise, which
/// name the doing in their own words.
const HANDED_STATEMENT_CONFIDENCE: f32 = 0.6;

/// Who an item belongs to, as found so far.
#[derive(Debug, Clone, PartialEq)]
enum Owner {
    /// A name said in the sentence, or the speaker who took it on.
    Known(String),
    /// The person the request was put to, not named: whoever takes it on, else whoever spoke
    /// before.
    Addressee,
    /// Nobody yet ("someone should …").
    Open,
}

/// One item as found in its sentence, before the sentences after it are read.
struct Found {
    owner: Owner,
    task: String,
    due: Option<String>,
    confidence: f32,
    /// Where the task's clause starts (its verb) and ends in the sentence (bytes).
    clause_start: usize,
    clause_end: usize,
    /// Only an item if someone takes it on (a question of who will do it).
    needs_taker: bool,
}

/// The action items among `sentences`, said at a meeting on `meeting_day`. Until the meeting is
/// over (`meeting_over`), the last turn so far waits for the next one, which may turn down what
/// it offers ("I can drive the samples myself." "No need, the inspector comes to us."), so the
/// live feed hands on nothing it would have to withdraw; a request in an earlier turn is still
/// read with the reply that takes it on.
pub fn find(sentences: &[Sentence], heard: &Heard, cues: &Cues, meeting_day: i64, meeting_over: bool) -> Vec<Finding> {
    let mut findings: Vec<Finding> = Vec::new();
    // Sentences already read as part of an earlier item (a taker's "I'll send them over").
    let mut absorbed = vec![false; sentences.len()];
    for (at, sentence) in sentences.iter().enumerate() {
        let text = cues.normalise(&sentence.text);
        // "You should always read last year's letter first": advice on how things are done.
        let waits_for_a_reply = !meeting_over && text::next_turn_from_someone_else(sentences, at).is_empty();
        if sentence.words.len() < 3
            || absorbed[at]
            || waits_for_a_reply
            || is_advice(&text.to_lowercase(), cues.language)
        {
            continue;
        }
        // "Priya, that's yours": the item just said gets an owner (or is made of the sentence
        // before, when that one was no item yet).
        let found = items_in(sentences, at, &text, heard, cues);
        if let Some((name, handed_at)) = handed_to(&text, sentence, cues) {
            if let Some(previous) = findings.iter_mut().rev().take(2).find(|f| {
                matches!(&f.body, FindingBody::ActionItem(a) if a.owner.is_none())
                    && f.segments.last().is_some_and(|s| *s + 3 >= sentence.seq)
            }) {
                if let FindingBody::ActionItem(item) = &mut previous.body {
                    item.owner = Some(name);
                    item.text = format!("{} {}", item.text, sentence.text);
                    if item.due.is_none() {
                        item.due = due_in(&text, cues);
                    }
                }
                previous.segments.extend(&sentence.seqs);
                continue;
            }
            if found.is_empty() {
                if let Some(item) = handed_statement(sentences, at, &text, handed_at, name, cues, meeting_day)
                    .filter(|item| !findings.iter().any(|f| f.segments.contains(&item.segments[0])))
                {
                    findings.push(item);
                    continue;
                }
            }
        }
        if found.is_empty() {
            if let Some((item, beside)) =
                placed_item(sentences, at, &text, heard, cues, meeting_day).filter(|(_, beside)| {
                    !findings
                        .iter()
                        .any(|f| holds(f, sentence) || beside.is_some_and(|b| holds(f, &sentences[b])))
                })
            {
                if let Some(beside) = beside.filter(|&beside| beside > at) {
                    absorbed[beside] = true;
                }
                findings.push(item);
                continue;
            }
        }
        let many = found.len() > 1;
        for (n, item) in found.into_iter().enumerate() {
            let mut owner = item.owner.clone();
            let mut due = item.due.clone().or_else(|| {
                // Elsewhere in the sentence, when only one item is in it: a time, else an event
                // its own clause names ("…, before the first named storm.").
                (!many)
                    .then(|| {
                        let rest = &text[item.clause_end..];
                        due_in(rest, cues).or_else(|| event_in(rest, cues))
                    })
                    .flatten()
            });
            let mut segments = sentence.seqs.clone();
            let mut task = item.task.clone();
            let mut confidence = item.confidence;
            let mut text_said = sentence.text.clone();
            let mut follow = FollowUp::default();
            // Put to someone by name or to the person spoken to, not to the room: what they
            // promise in reply says how they will do it.
            let asked_directly = match &item.owner {
                Owner::Known(name) => sentence.speaker.as_ref() != Some(name),
                Owner::Addressee => true,
                Owner::Open => false,
            };
            for (offset, later) in sentences.iter().enumerate().skip(at + 1).take(FOLLOW_UP_SENTENCES) {
                let later_text = cues.normalise(&later.text);
                // The promise in it that says how, if any: none when it adds another thing.
                let how = says_how(&later_text, &sentences[..offset], cues);
                follow.read(sentence, later, &later_text, cues);
                // "Mike, can you lean on them?" "I'll call them right after this.", "You'll have it
                // by three.": a promise in reply from the one asked takes it on, as "Sure." would.
                let asked_of_them = match &owner {
                    Owner::Known(name) => later.speaker.as_ref() == Some(name),
                    Owner::Addressee => true,
                    Owner::Open => false,
                };
                if follow.taken_by.is_none()
                    && asked_directly
                    && asked_of_them
                    && later.turn != sentence.turn
                    && follow.turns_after == 1
                    && !later.is_question()
                    && (cues.commitment.is_match(&later_text) || cues.delivery_promised.is_match(&later_text))
                {
                    follow.taken_by = later.speaker.clone();
                    follow.taken_by_promise = true;
                }
                if follow.taken_at.is_none()
                    && follow.taken_by.is_none()
                    && owner == Owner::Open
                    && later.turn != sentence.turn
                    && takes_on(&later_text, &item.task, cues)
                {
                    follow.taken_by = later.speaker.clone();
                }
                if follow.taken_at.is_none() {
                    if let Some(taker) = follow.taken_by.clone() {
                        if owner == Owner::Open || owner == Owner::Addressee {
                            // Whoever took it on owns it: their words are part of the item.
                            owner = Owner::Known(taker.clone());
                            confidence = (confidence + 0.1).min(1.0);
                            segments.push(later.seq);
                            text_said = format!("{text_said} {}", later.text);
                        }
                        if owner == Owner::Known(taker.clone()) {
                            follow.taken_at = Some(offset);
                            // "I'll sort that, chef." took it: no item of its own; nor has "Ya,
                            // I'll block one hour on Thursday." after "Karthik, please give
                            // Arjun a handover by Friday", or "Yeah, I'm on it, I'll get the
                            // auto-electrician out.": how they will do what they took on.
                            let from_someone_else = sentence.speaker.as_ref() != Some(&taker);
                            absorbed[offset] = refers_back(&later_text, cues)
                                || takes_on(&later_text, &item.task, cues)
                                || (from_someone_else && how.is_some());
                            // "Can you sort that?" "I'll ring the supplier tomorrow.": the
                            // promise says what "that" is.
                            let named = how
                                .as_deref()
                                .filter(|_| from_someone_else)
                                .and_then(|promise| what_the_promise_names(&task, promise, cues));
                            if let Some((named_task, named_due)) = named {
                                task = named_task;
                                due = named_due.or(due);
                                if segments.last() != Some(&later.seq) {
                                    segments.push(later.seq);
                                    text_said = format!("{text_said} {}", later.text);
                                }
                            }
                        }
                    }
                } else if later.speaker == follow.taken_by
                    && (refers_back(&later_text, cues)
                        || (follow.taken_at.is_some_and(|taken| sentences[taken].turn == later.turn)
                            && how.as_deref().is_some_and(|promise| {
                                (asked_directly && !follow.taken_by_promise)
                                    || about_the_task(promise, &item.task, cues)
                            })))
                {
                    // "I'll do it. I'll send them over this afternoon.", "Sure. I'll go through
                    // it over the weekend." (asked by name), "I'll do it. I'll have the notice
                    // up by the end of the month." (a volunteer, about the task): the same item,
                    // maybe with its due date (said of the promise: "I think it's end of month,
                    // but I'll confirm" dates the licences, not the check).
                    absorbed[offset] = true;
                    // "Could you check that before we commit?" "Yes. I will go through all her
                    // papers next week.": the promise says what "that" is, and by when.
                    if let Some((named_task, named_due)) = how
                        .as_deref()
                        .and_then(|promise| what_the_promise_names(&task, promise, cues))
                    {
                        task = named_task;
                        due = named_due.or(due);
                        segments.push(later.seq);
                        text_said = format!("{text_said} {}", later.text);
                        continue;
                    }
                    if due.is_none() {
                        due = if refers_back(&later_text, cues) {
                            due_in(&later_text, cues)
                        } else {
                            how.as_deref().and_then(|promise| due_in(promise, cues))
                        };
                        if due.is_some() {
                            segments.push(later.seq);
                            text_said = format!("{text_said} {}", later.text);
                        }
                    }
                    continue;
                }
                if follow.stop {
                    break;
                }
                // "Plus I'll review Rohan's PR tomorrow" dates its own promise, not this one.
                let another_promise = cues.commitment.is_match(&later_text) && how.is_none();
                // "I usually do a sweep on a Friday afternoon" tells a habit, not this item's time.
                if due.is_none()
                    && follow.may_give_due
                    && !later.is_question()
                    && !another_promise
                    && !cues.habitual.is_match(&later_text)
                {
                    if let Some(d) = due_of_reply(&later_text, cues) {
                        due = Some(d);
                        segments.push(later.seq);
                        // "Happy to. I can have the menu sorted by Monday.": said of this item.
                        absorbed[offset] |= cues
                            .commitment
                            .captures(&later_text)
                            .is_some_and(|c| c.name("can").is_some());
                    }
                }
            }
            if item.needs_taker && owner == Owner::Open {
                continue;
            }
            if owner == Owner::Addressee {
                owner = match addressee(sentences, at) {
                    Some(name) => Owner::Known(name),
                    None => Owner::Open,
                };
            }
            segments.dedup();
            let due_date = due
                .as_deref()
                .and_then(|d| dates::resolve(d, meeting_day, cues.language))
                .map(dates::iso);
            findings.push(Finding {
                id: finding_id("action", sentence, n),
                revision: 1,
                segments,
                start: sentence.start,
                body: FindingBody::ActionItem(ActionItem {
                    text: text_said,
                    owner: match owner {
                        Owner::Known(name) => Some(name),
                        Owner::Addressee | Owner::Open => None,
                    },
                    task,
                    due,
                    due_date,
                    said_by: sentence.speaker.clone(),
                    confidence,
                }),
            });
        }
    }
    for finding in &mut findings {
        if let FindingBody::ActionItem(item) = &mut finding.body {
            item.task = told_once(&item.task, item.due.as_deref(), cues);
        }
    }
    findings
}

/// What the sentences after an item say about it.
#[derive(Default)]
struct FollowUp {
    /// Someone other than the asker took it on ("Right, leave it with me").
    taken_by: Option<String>,
    /// Where they did, once the item has been given to them.
    taken_at: Option<usize>,
    /// They took it on with a promise of their own ("I'll call them right after this."), not a
    /// "Sure.": a further promise in their turn is another item unless it is about this one.
    taken_by_promise: bool,
    /// The turns read after the item's, and the last of them.
    turns_after: usize,
    last_turn: Option<usize>,
    /// The next sentences may still name a due date.
    may_give_due: bool,
    /// A new topic or item began: read no further.
    stop: bool,
    sentences_read: usize,
}

impl FollowUp {
    fn read(&mut self, item: &Sentence, later: &Sentence, text: &str, cues: &Cues) {
        self.sentences_read += 1;
        let other = later.turn != item.turn;
        let starts_new_item = cues.commitment.is_match(text)
            || cues.request.is_match(text)
            || cues.unowned.is_match(text)
            || cues.assignment.is_match(text);
        // The asker's own "Fine, so …" takes nothing on; "Fine, I'll do it myself" does.
        let taker = later.speaker != item.speaker || cues.commitment.is_match(text);
        // A plain "Yeah." takes it on in the reply, or the turn after it ("Jo can do it."
        // "Okay."), not later when the talk has moved on.
        if other && self.last_turn != Some(later.turn) {
            self.last_turn = Some(later.turn);
            self.turns_after += 1;
        }
        let in_reply = self.turns_after <= ACCEPTED_WITHIN_TURNS;
        if other && taker && in_reply && self.taken_by.is_none() && cues.acceptance.is_match(text) {
            self.taken_by = later.speaker.clone();
        }
        // The item's own turn goes on ("… No hurry, the end of the month works."), or the reply
        // names a time ("I can have it done by Monday"), or a question asks for one.
        self.may_give_due = later.words.len() <= 14 || cues.due_expected.is_match(text);
        if (starts_new_item && !cues.due_expected.is_match(text) && self.sentences_read > 1) || self.sentences_read > 4
        {
            self.stop = true;
        }
    }
}

/// The items a sentence holds (more than one when it hands out several: "I'll take the east
/// wing, Joao, you take the west").
fn items_in(sentences: &[Sentence], at: usize, text: &str, heard: &Heard, cues: &Cues) -> Vec<Found> {
    let sentence = &sentences[at];
    let mut found: Vec<(usize, Found)> = Vec::new();
    // ASCII only, so that a byte offset into `text` is the same offset here: full Unicode lower
    // case changes lengths ("İ" is two bytes, its lower case three) and slicing by `text`'s
    // offsets would panic. The patterns match case-insensitively anyway.
    let lower = text.to_ascii_lowercase();
    if is_hypothetical(&lower, cues) {
        return Vec::new();
    }
    // Said of the past: no item before it ("Last year Tom booked the van by Friday"); an item
    // whose clause ends before it stands ("Lupe can get the charter booked, she's got the
    // contact from last year").
    let past_from = cues.past_in(&lower).map(|past| past.start());
    if past_from == Some(0) {
        return Vec::new();
    }
    let vocative = cues
        .name_called(&sentence.words)
        .or_else(|| called_just_before(sentences, at, cues))
        .or_else(|| called_last(sentences, at, heard, cues));
    // "I'll …"
    for captures in cues.commitment.captures_iter(text) {
        let verb = captures.name("verb").map_or("", |m| m.as_str()).to_lowercase();
        let whole = captures.get(0).expect("group 0 is the match");
        let before = &lower[..whole.start()];
        let rest = captures.name("rest").map_or("", |m| m.as_str());
        let dated_task = cues.language.tasks_when_dated.contains(&verb.as_str()) && due_in(rest, cues).is_some();
        // "Let me check with the budget office": a promise; "let me think", "let me show you"
        // happen in the meeting.
        let let_me = captures.name("let_me").is_some();
        // "I can get that to you by tomorrow", "I'm planning to send it on the fifteenth"
        // promise; "I can do eight in a day", "I'm planning to retire" tell.
        let undated_can = captures.name("can").is_some()
            && due_in(rest, cues).is_none_or(|due| due.to_lowercase().starts_with(cues.language.duration_lead));
        if undated_can
            || is_contingent(rest, cues)
            || is_contingent(before, cues)
            || (let_me
                && (rest.trim().is_empty()
                    || cues.language.in_meeting.contains(&verb.as_str())
                    || cues.language.to_the_room.contains(&verb.as_str())))
            || (cues.language.not_tasks.contains(&verb.as_str()) && !dated_task)
            || cues.reported.is_match(before)
            || is_said_to_the_room(&verb, rest, cues)
            || is_bare_acceptance(&verb, rest, cues.language)
            || promises_nothing(&verb, rest, cues)
            || turned_down(sentences, at, cues)
        {
            continue;
        }
        let Some(speaker) = sentence.speaker.clone() else {
            found.push((whole.start(), item(Owner::Open, &captures, cues, 0.7)));
            continue;
        };
        let mut promised = item(Owner::Known(speaker), &captures, cues, PROMISE_CONFIDENCE);
        // "Monday I'll do a toolbox talk on it": the time said first dates it.
        promised.due = promised
            .due
            .or_else(|| captures.name("fronted").and_then(|when| due_in(when.as_str(), cues)));
        found.push((whole.start(), promised));
    }
    // "I can keep him warm till then." "Please do.": an offer taken up is a promise.
    if found.is_empty() && !sentence.is_question() && offer_taken_up(sentences, at, cues) {
        if let (Some(speaker), Some(captures)) = (sentence.speaker.clone(), cues.offer.captures(text)) {
            let verb = captures.name("verb").map_or("", |m| m.as_str()).to_lowercase();
            let rest = captures.name("rest").map_or("", |m| m.as_str());
            let whole = captures.get(0).expect("group 0 is the match");
            // Taken up, "I can keep him warm" is a task as a dated "I'll keep …" is.
            let no_task = cues.language.not_tasks.contains(&verb.as_str())
                && !cues.language.tasks_when_dated.contains(&verb.as_str());
            if !no_task
                && !is_contingent(rest, cues)
                && !is_bare_acceptance(&verb, rest, cues.language)
                && !promises_nothing(&verb, rest, cues)
            {
                found.push((whole.start(), item(Owner::Known(speaker), &captures, cues, 0.75)));
            }
        }
    }
    // "Should I write to the VC office formally?" "Yes, please.": an offer asked and taken up is
    // the asker's item; not asked right after taking something on ("Sure. Do you want me to
    // prioritise the bigger stores?" asks how to do it).
    let just_took_on = || {
        at.checked_sub(1)
            .map(|before| &sentences[before])
            .is_some_and(|before| {
                before.turn == sentence.turn && cues.agreement.is_match(&cues.normalise(&before.text))
            })
    };
    if found.is_empty() && sentence.is_question() && offer_asked_taken_up(sentences, at, cues) && !just_took_on() {
        if let (Some(speaker), Some(captures)) = (sentence.speaker.clone(), cues.offer_asked.captures(text)) {
            let verb = captures.name("verb").map_or("", |m| m.as_str()).to_lowercase();
            let rest = captures.name("rest").map_or("", |m| m.as_str());
            let whole = captures.get(0).expect("group 0 is the match");
            if !cues.language.not_tasks.contains(&verb.as_str())
                && !is_said_to_the_room(&verb, rest, cues)
                && !is_bare_acceptance(&verb, rest, cues.language)
                && !promises_nothing(&verb, rest, cues)
            {
                found.push((whole.start(), item(Owner::Known(speaker), &captures, cues, 0.75)));
            }
        }
    }
    // "I'm ordering the kit today", "the area manager gets an email from me tomorrow", "you'll
    // have a draft tomorrow": the speaker's, said another way.
    if let Some(speaker) = sentence.speaker.as_ref().filter(|_| !sentence.is_question()) {
        for promise in framed_promises(text, &lower, &sentences[..at], cues) {
            let owner = Owner::Known(speaker.clone());
            let mut promised = item_of_clause(owner, &promise.task, promise.start, promise.end, cues, 0.75);
            // The time said first is when, unless the task says what it is done by ("First thing
            // Monday I'm ringing the agency about cover for August").
            if !promised
                .due
                .as_deref()
                .is_some_and(|due| is_a_deadline(due, cues.language))
            {
                promised.due = promise.when.or(promised.due);
            }
            // "The canteen, I'll sort both": the promise read from "I'll" on is this one, said
            // in part.
            found.retain(|(start, earlier)| {
                earlier.owner != promised.owner || !(promise.start..promise.end).contains(start)
            });
            found.push((promise.start, promised));
        }
    }
    // "The truncation bugs get logged by me today": the speaker named as who does it.
    if found.is_empty() && !sentence.is_question() {
        found.extend(done_by_the_speaker(sentence, text, &lower, cues).map(|done| (done.clause_start, done)));
    }
    // "Tamsin chases Penryn Marine for that quote this week": work handed out in the present.
    if !sentence.is_question() {
        for (who, promise) in named_promises(sentences, at, text, &lower, heard, cues) {
            let owner = Owner::Known(who);
            found.push((
                promise.start,
                item_of_clause(owner, &promise.task, promise.start, promise.end, cues, 0.7),
            ));
        }
    }
    // "Declan, you're ringing her today": work told to someone by name, in the second person.
    if found.is_empty() {
        if let Some((who, told)) = told_by_name(sentences, at, text, &lower, heard, cues) {
            let owner = Owner::Known(who);
            found.push((
                told.start,
                item_of_clause(owner, &told.task, told.start, told.end, cues, 0.7),
            ));
        }
    }
    if found.is_empty() {
        found.extend(
            result_promised(sentences, at, text, &lower, cues).map(|promised| (promised.clause_start, promised)),
        );
    }
    // "Telling the association is my department": work the speaker claims as theirs.
    let claims = found.is_empty() && !sentence.is_question() && !cues.hand_over.is_match(text);
    if let (true, Some(speaker)) = (claims, sentence.speaker.clone()) {
        if let Some(claim) = claimed_job(text, &lower, cues) {
            let mut claimed = item_of_clause(Owner::Known(speaker), &claim.task, claim.start, claim.end, cues, 0.75);
            claimed.due = claimed.due.or(claim.when);
            found.push((claim.start, claimed));
        }
    }
    // "can you …", "please …", "Joao, you take …"
    for captures in cues.request.captures_iter(text) {
        let whole = captures.get(0).expect("group 0 is the match");
        let verb = request_verb(&captures);
        let rest = captures.name("rest").map_or("", |m| m.as_str());
        if verb.is_empty()
            || is_asked_of_the_meeting(&verb, rest, cues)
            || is_bare_acceptance(&verb, rest, cues.language)
            // "Please don't make it April.": asks that something not be done.
            || cues.negation.is_match(&verb)
        {
            continue;
        }
        if cues.negation.is_match(&lower[..whole.start()]) && !sentence.is_question() {
            continue;
        }
        // "How many could you have ready by eleven?" asks about it, not for it.
        if sentence.is_question()
            && text::lower_words(&lower[..whole.start()])
                .first()
                .is_some_and(|first| cues.language.asks_about.contains(&first.as_str()))
        {
            continue;
        }
        // "you need to …" and a bare "do them today" are said of people in general too: a task
        // only when put to someone by name, and not as a question or a condition.
        let obliged = captures.name("obliged").is_some();
        let bare_imperative = captures.name("imperative").is_some() && captures.name("you").is_none();
        // A tag ("…, would you?") leaves an order an order.
        let asks = sentence.is_question() && !cues.request_bare.is_match(text);
        if (obliged || bare_imperative)
            && (vocative.is_none()
                || asks
                || cues.condition.is_match(&lower[..whole.start()])
                || (bare_imperative && starts_with_a_pronoun(rest, cues.language)))
        {
            continue;
        }
        let owner = vocative
            .clone()
            .map_or(Owner::Addressee, |called| owner_called(called, cues.language));
        found.push((whole.start(), item(owner, &captures, cues, 0.8)));
    }
    // "Log it with the vendor before you knock off, would you?": an order its tag puts to
    // whoever was spoken to, whatever its verb.
    if found.is_empty() && sentence.is_question() {
        if let Some(captures) = cues.tagged_order.captures(text) {
            let verb = captures.name("verb").map_or("", |m| m.as_str()).to_lowercase();
            let rest = captures.name("rest").map_or("", |m| m.as_str());
            // A task, not a courtesy in the room ("Shut the door behind you, would you?"): a
            // verb of the ways of asking, or a time to do it by.
            let a_task = cues.request.is_match(&format!("{verb}{rest}")) || due_in(rest, cues).is_some();
            if a_task
                && !cues.language.not_order_leads.contains(&verb.as_str())
                && !cues.language.not_names.contains(&verb.as_str())
                && !cues.language.in_meeting.contains(&verb.as_str())
                && !is_said_to_the_room(&verb, rest, cues)
                && !rest.trim().is_empty()
            {
                let owner = vocative
                    .clone()
                    .map_or(Owner::Addressee, |called| owner_called(called, cues.language));
                let whole = captures.get(0).expect("group 0 is the match");
                found.push((whole.start(), item(owner, &captures, cues, 0.75)));
            }
        }
    }
    // "let's have Lena …", "Tariq will …"
    for captures in cues.assignment.captures_iter(text) {
        let whole = captures.get(0).expect("group 0 is the match");
        let named = captures.name("named").or_else(|| captures.name("owner"));
        let owner = match (captures.name("who"), named) {
            (Some(who), _) if who.as_str().eq_ignore_ascii_case(cues.language.you) => vocative
                .clone()
                .map_or(Owner::Addressee, |called| owner_called(called, cues.language)),
            // A capital opening the sentence says nothing: "Housekeeping will laugh at us".
            (Some(who), _) | (None, Some(who))
                if cues.could_be_name(who.as_str()) && (who.start() > 0 || is_known_name(who.as_str(), heard)) =>
            {
                Owner::Known(who.as_str().to_owned())
            }
            _ => continue,
        };
        let verb = captures.name("verb").map_or("", |m| m.as_str()).to_lowercase();
        // "Quarter to five" is a time, not Quarter's task; "Over to you" hands over the floor.
        if cues.language.not_tasks.contains(&verb.as_str())
            || cues.language.numbers.contains(&verb.as_str())
            || cues.language.subject_pronouns.contains(&verb.as_str())
            || cues.language.determiners.contains(&verb.as_str())
            // "Jo can do it" after "Who's going to write the press release?" gives that item
            // its taker; it is no item of its own.
            || is_bare_acceptance(&verb, captures.name("rest").map_or("", |m| m.as_str()), cues.language)
            // "If the count looks the same, Sernapesca will flag the site": what someone
            // would do, not work given.
            || cues.condition.is_match(&lower[..whole.start()])
            // "…, Chennai to Hamburg": a capital is a place or a name, not a verb.
            || captures
                .name("verb")
                .is_some_and(|verb| verb.as_str().chars().next().is_some_and(char::is_uppercase))
        {
            continue;
        }
        found.push((whole.start(), item(owner, &captures, cues, 0.8)));
    }
    // "Ailsa, the final list must go to the agent latest Thursday." "Will do.": put to someone
    // by name with a time to do it by, and taken on by them ("…, that's yours" is read as a
    // hand-over, with the rest of the meeting).
    if found.is_empty() && !cues.hand_over.is_match(text) {
        let put = match (&vocative, in_exchange_with(sentences, at)) {
            (Some(called), _) => put_to_and_taken(sentences, at, text, &lower, called, true, cues),
            // Without a name, only when the reply says the time again.
            (None, Some(other)) => put_to_and_taken(sentences, at, text, &lower, &other, false, cues).filter(|put| {
                put.due
                    .as_deref()
                    .is_some_and(|due| reply_repeats_the_due(sentences, at, due, cues))
            }),
            (None, None) => None,
        };
        if let Some(put) = put.or_else(|| {
            vocative
                .as_deref()
                .and_then(|called| ordered_by_name(sentences, at, text, &lower, called, cues))
        }) {
            found.push((put.clause_start, put));
        }
    }
    // "Batbold, the list of drivers to payroll by the twentieth": a thing handed over by name.
    if found.is_empty() {
        found.extend(
            handed_over_with_a_date(sentences, at, text, &lower, heard, cues)
                .map(|handed| (handed.clause_start, handed)),
        );
    }
    let owned = !found.is_empty();
    // "someone should …", "the handbook needs updating": only when nobody was given anything
    // in the same sentence (then it is a side remark about that item).
    if !owned {
        let unowned = cues.unowned.captures(text).or_else(|| {
            (!sentence.is_question())
                .then(|| cues.needs_doing.captures(text))
                .flatten()
        });
        // "Who's chasing the college, then?", "Who raises it with the county?" ask after the
        // doing: its verb is the "-ing" or third-person form's.
        let asked_doing = |c: &regex::Captures<'_>| {
            c.name("who_ing")
                .map(|ing| base_of_ing(&ing.as_str().to_lowercase(), cues))
                .or_else(|| {
                    c.name("who_plain")
                        .map(|plain| base_of_third_person(&plain.as_str().to_lowercase(), cues.language))
                })
        };
        if let Some(captures) = unowned.filter(|c| {
            let verb = c.name("verb").or_else(|| c.name("who_verb")).map_or("", |m| m.as_str());
            let verb = asked_doing(c).unwrap_or_else(|| verb.to_lowercase());
            // "Can anyone hear me?", "Who's speaking?" ask about the meeting; "someone needs to
            // walk HR through it" does not.
            let in_meeting = (c.name("asked").is_some() || c.name("who_ing").is_some())
                && cues.language.in_meeting.contains(&verb.as_str());
            let rest = c
                .name("rest")
                .or_else(|| c.name("who_rest"))
                .or_else(|| c.name("who_plain_rest"))
                .map_or("", |m| m.as_str());
            // "Who has the keys?" asks who holds something, "Who knows?" nothing.
            let not_a_doing = c.name("who_plain").is_some_and(|plain| {
                cues.language
                    .not_third_person
                    .contains(&plain.as_str().to_lowercase().as_str())
            });
            // "Who's coming on Friday?" asks where people will be, "Who is smiling?" what
            // someone does now; "Who's doing the reserve review?" after work.
            let ongoing_not_doing = c.name("who_ing").is_some_and(|ing| {
                rest.trim().is_empty() || !ongoing_is_work(&ing.as_str().to_lowercase(), &verb, rest, cues.language)
            });
            // "Can I have someone to propose the minutes?" asks for the meeting's own procedure.
            !in_meeting
                && !not_a_doing
                && !ongoing_not_doing
                && !cues.language.not_tasks.contains(&verb.as_str())
                && !is_bare_acceptance(&verb, rest, cues.language)
                && !cues.procedure_promise.is_match(&format!("{verb}{rest}").to_lowercase())
        }) {
            let whole = captures.get(0).expect("group 0 is the match");
            // "…, Keiko, would you mind?" puts a name to it at once.
            let owner = match (&vocative, cues.request_bare.is_match(text)) {
                (Some(name), true) => Owner::Known(name.clone()),
                _ => Owner::Open,
            };
            let asked = captures.name("who_ing").or_else(|| captures.name("who_plain"));
            let mut open = match (asked_doing(&captures), asked) {
                (Some(base), Some(asked)) => {
                    let rest = captures
                        .name("who_rest")
                        .or_else(|| captures.name("who_plain_rest"))
                        .map_or("", |m| m.as_str());
                    item_of_clause(owner, &format!("{base}{rest}"), asked.start(), whole.end(), cues, 0.7)
                }
                _ => item(owner, &captures, cues, 0.7),
            };
            if let Some(thing) = captures.name("thing") {
                open.task = format!("{} {}", open.task, thing.as_str().trim());
            }
            // "Who's going to send the invite?" is an item only once someone takes it on.
            open.needs_taker = ["who_verb", "who_ing", "who_plain", "asked"]
                .iter()
                .any(|group| captures.name(group).is_some());
            found.push((whole.start(), open));
        }
    }
    if let Some(past_from) = past_from {
        found.retain(|(_, item)| item.clause_end <= past_from);
    }
    found.sort_by_key(|(start, _)| *start);
    end_before_next(&mut found, text, cues);
    found.dedup_by(|later, earlier| later.1.task == earlier.1.task || merged(&mut earlier.1, &later.1, cues.language));
    found.into_iter().map(|(_, f)| f).collect()
}

/// "I'll run it, I'll do the three mutants before the end of the month": one person's promises
/// in one sentence are one item, its task the later one where the earlier only points at it,
/// else both. Whether `later` went into `earlier`.
fn merged(earlier: &mut Found, later: &Found, language: &Language) -> bool {
    if !matches!(&earlier.owner, Owner::Known(_)) || earlier.owner != later.owner {
        return false;
    }
    let object = earlier.task.split_once(' ').map_or("", |(_, object)| object);
    earlier.task = if names_something_said(object, language) {
        later.task.clone()
    } else {
        format!("{} and {}", earlier.task, later.task)
    };
    earlier.due = earlier.due.take().or_else(|| later.due.clone());
    earlier.confidence = earlier.confidence.max(later.confidence);
    earlier.clause_end = later.clause_end;
    true
}

fn item(owner: Owner, captures: &regex::Captures<'_>, cues: &Cues, confidence: f32) -> Found {
    let verb = captures
        .name("imperative")
        .filter(|m| !m.as_str().is_empty())
        .or_else(|| captures.name("minding"))
        .or_else(|| captures.name("verb"))
        .or_else(|| captures.name("who_verb"));
    let rest = captures
        .name("rest")
        .or_else(|| captures.name("who_rest"))
        .map_or("", |m| m.as_str());
    let clause = format!("{}{rest}", verb.map_or("", |m| m.as_str()));
    let clause_end = captures.get(0).map_or(0, |m| m.end());
    let clause_start = verb.map_or(clause_end, |m| m.start());
    item_of_clause(owner, &clause, clause_start, clause_end, cues, confidence)
}

/// An item whose task is `clause` (from its verb on), found at `clause_start..clause_end`.
fn item_of_clause(
    owner: Owner,
    clause: &str,
    clause_start: usize,
    clause_end: usize,
    cues: &Cues,
    confidence: f32,
) -> Found {
    let mut due = due_in(clause, cues);
    let mut task = clause.to_owned();
    if let Some(found) = due_found(&task, cues) {
        task.replace_range(found, "");
    } else if let Some(found) = cues.due_event.find(&task) {
        // "… before family meal", "… before they go to the exec team": an event as the due date.
        due = Some(task[found.start()..].trim().to_owned());
        task.truncate(found.start());
    }
    let task = tidy_task(&task, cues.language);
    Found {
        owner,
        task,
        due,
        confidence,
        clause_start,
        clause_end,
        needs_taker: false,
    }
}

/// "I'll update the deck and Raj will book the room for Thursday": a clause runs to the next
/// punctuation, so one that holds the next item's start ends there (with the word that joined
/// them), and its due date is looked for in what is left.
fn end_before_next(found: &mut [(usize, Found)], text: &str, cues: &Cues) {
    for at in 1..found.len() {
        let next_start = found[at].0;
        let earlier = &found[at - 1].1;
        if earlier.clause_end <= next_start || earlier.clause_start >= next_start {
            continue;
        }
        let mut clause = text[earlier.clause_start..next_start].trim_end_matches([',', ' ']);
        if let Some((kept, last)) = clause.rsplit_once(' ') {
            if cues.language.clause_joins.contains(&last.to_lowercase().as_str()) {
                clause = kept.trim_end_matches([',', ' ']);
            }
        }
        let (owner, confidence, needs_taker) = (earlier.owner.clone(), earlier.confidence, earlier.needs_taker);
        let mut cut = item_of_clause(owner, clause, earlier.clause_start, next_start, cues, confidence);
        cut.needs_taker = needs_taker;
        found[at - 1].1 = cut;
    }
}

/// A task without what hangs off it: the language's trailing hedges and fillers ("please",
/// "as well"), doubled spaces, and the space or second comma a date taken out of its middle
/// left ("clear the gutters , before the rain", "run the first one,, he's back").
fn tidy_task(task: &str, language: &Language) -> String {
    let mut words: Vec<&str> = task.split_whitespace().collect();
    while let Some(trailer) = language.task_trailers.iter().find(|trailer| {
        let tail = trailer.split(' ').count();
        tail <= words.len()
            && trailer
                .split(' ')
                .zip(&words[words.len() - tail..])
                .all(|(t, w)| w.eq_ignore_ascii_case(t))
    }) {
        words.truncate(words.len() - trailer.split(' ').count());
    }
    // A date taken out of the middle leaves its comma behind a space ("clear the gutters ,
    // before the rain").
    let mut told = words.join(" ").replace(" ,", ",");
    while told.contains(",,") {
        told = told.replace(",,", ",");
    }
    told.trim_end_matches([',', ';', ':']).to_owned()
}

/// `task` as the summary's reader wants it, each thing said once: without its due date
/// (`due`, which the item carries apart) where that stands at an edge of a clause ("the
/// letter to NTSA, by Friday please, with the route map": the letter to NTSA, with the route
/// map; "Signs at the garden gate by Thursday"), and without the speaker's claim on it at its
/// end ("Heat illness toolbox talk for every crew, that's on me"; the thing claimed opens with
/// its verb when it opens with what is being done: "Getting the volunteers together, that's
/// mine", get the volunteers together), and, when it says what to do, without why ("organise
/// the overlap, so the knowledge stays"). A date inside a clause stays ("the Friday table"), and
/// so does a task that would be left empty.
fn told_once(task: &str, due: Option<&str>, cues: &Cues) -> String {
    let said = cues.normalise(task);
    // The claim may stand before the date ("…, that's on me by Friday") or after it ("… by
    // Thursday and that's on me"): read for it on both sides of taking the date out.
    let mut told = without_claim(&said, cues);
    if let Some(due) = due {
        told = without_claim(&without_due_at_an_edge(&told, due, cues.language), cues);
    }
    // "organise the overlap, so the knowledge stays": what to do, then why.
    if super::says_what_to_do(&told, cues.language) {
        let why = told.match_indices(", ").map(|(at, _)| at).find(|&at| {
            let next = told[at + 2..].split_whitespace().next().unwrap_or_default();
            cues.language.rationale_leads.contains(&next.to_lowercase().as_str())
        });
        if let Some(at) = why {
            told.truncate(at);
        }
    }
    let told = tidy_task(told.trim().trim_end_matches(['.', '!']), cues.language);
    if told.split_whitespace().next().is_none() {
        // Nothing but the date ("Before the first."): the task is as said.
        return said.trim().trim_end_matches(['.', '!']).to_owned();
    }
    told
}

/// `said` without the speaker's claim at its end (`Cues::claim_tail`: "Heat illness toolbox
/// talk for every crew, that's on me"); the thing claimed opens with its verb when it opens
/// with what is being done ("Getting the NTSA letter out, that's mine": get the NTSA letter
/// out; only the first word is lowered, so names and letters stay).
fn without_claim(said: &str, cues: &Cues) -> String {
    let Some(claim) = cues.claim_tail.find(said) else {
        return said.to_owned();
    };
    let thing = said[..claim.start()].trim_end_matches([',', ';', ' ']);
    let (first, rest) = thing.split_once(' ').unwrap_or((thing, ""));
    let opening_lowered = format!("{} {rest}", first.to_lowercase());
    let opening_lowered = opening_lowered.trim_end();
    as_what_to_do(opening_lowered, cues)
        .filter(|doing| doing != opening_lowered)
        .unwrap_or_else(|| thing.to_owned())
}

/// `task` without `due` where the date ends it ("… by Thursday"), ends a clause ("…, by Friday
/// please, with the map": a trailing "please" belongs to the date) or opens it ("Tomorrow
/// morning, the …"); else `task` as it was.
fn without_due_at_an_edge(task: &str, due: &str, language: &Language) -> String {
    let (lower, due) = (task.to_ascii_lowercase(), due.trim().to_ascii_lowercase());
    let whole_words = |at: &usize| {
        !lower[..*at].ends_with(|c: char| c.is_alphanumeric())
            && !lower[*at + due.len()..].starts_with(|c: char| c.is_alphanumeric())
    };
    // The first time it is said, as the rules read the date (`due_found`).
    let Some(at) = lower
        .match_indices(&due)
        .map(|(at, _)| at)
        .find(whole_words)
        .filter(|_| !due.is_empty())
    else {
        return task.to_owned();
    };
    // A date kept without its lead ("Thursday") takes the one word that leads it ("by"); one
    // kept with it leaves what comes before alone ("hand the keys in by Friday").
    let mut before: Vec<&str> = task[..at].split_whitespace().collect();
    let is_lead = |word: &str| language.due_leads.contains(&word.to_lowercase().as_str());
    let due_has_its_lead = due.split_whitespace().next().is_some_and(is_lead);
    if !due_has_its_lead && before.last().is_some_and(|last| is_lead(last)) {
        before.pop();
    }
    // "Their call is on the fourteenth": the date is what the clause says, not when to do it.
    let said_of_a_state = before.last().is_some_and(|last| {
        let last = last.to_lowercase();
        language
            .copulas
            .iter()
            .any(|copula| last == *copula || (copula.starts_with('\'') && last.ends_with(copula)))
    });
    if said_of_a_state {
        return task.to_owned();
    }
    let before = before.join(" ");
    let after = &task[at + due.len()..];
    let (rest_of_clause, beyond) = after
        .split_once(',')
        .map_or((after, None), |(rest, beyond)| (rest, Some(beyond)));
    // Only words that hang off a task ("please", "as well") may follow the date in its clause.
    let only_trailers = tidy_task(rest_of_clause.trim().trim_end_matches(['.', '!']), language).is_empty();
    if !only_trailers {
        return task.to_owned();
    }
    match beyond {
        // The date ends the task: whatever came before it is the task.
        None => before.trim_end_matches([',', ';']).to_owned(),
        // The date opens the task, a clause of its own: the rest is the task.
        Some(beyond) if before.is_empty() => beyond.trim_start().to_owned(),
        // The date ends a clause that goes on.
        Some(beyond) => format!("{},{beyond}", before.trim_end_matches([',', ';'])),
    }
}

/// A due date said in `text`, as said.
fn due_in(text: &str, cues: &Cues) -> Option<String> {
    let found = due_found(text, cues)?;
    Some(
        text[found]
            .trim()
            .trim_end_matches([',', '.', ';', '?', '!'])
            .to_owned(),
    )
    .filter(|d| !d.is_empty())
}

/// Where the due date in `text` is: the first deadline ("by Friday"), else the first time
/// said, not counting an ordinal that a thing follows ("fix
/// the printer on the second floor") or a time gone ("the minutes from last Thursday").
fn due_found(text: &str, cues: &Cues) -> Option<std::ops::Range<usize>> {
    let gone = |found: &regex::Match<'_>| {
        let lead = cues.language.past_time_lead;
        found.as_str().trim_start().to_lowercase().starts_with(lead)
            || text[..found.start()].to_lowercase().ends_with(lead)
    };
    let is_deadline = |found: &regex::Match<'_>| is_a_deadline(found.as_str(), cues.language);
    let mut times = cues.due.find_iter(text).filter(|found| {
        !found.as_str().trim().is_empty()
            && !ordinal_of_a_thing(text, found, cues.language)
            && !day_of_a_thing(text, found, cues.language)
            && !gone(found)
    });
    let first = times.next()?;
    let found = if is_deadline(&first) {
        first
    } else {
        times.find(is_deadline).unwrap_or(first)
    };
    // A clock time is told from a count by what follows it ("before two and sign the log"):
    // the word that joins the next clause is not part of the date.
    Some(found.start()..found.start() + cues.date_said(found.as_str()).len())
}

/// Whether `said`, a time, is one to do something by ("by three", "before the audit").
fn is_a_deadline(said: &str, language: &Language) -> bool {
    let said = said.trim_start().to_lowercase();
    language
        .deadline_leads
        .iter()
        .any(|lead| said.strip_prefix(lead).is_some_and(|rest| rest.starts_with(' ')))
}

/// "the Saturday crew", "the Friday CSAT email", "the Christmas party", "today's changes": a day
/// named as what a thing is of ("on the Christmas shifts"), with no word that would make it a
/// time to do something by ("by", "before"; "by Friday lunch" stays a date), so no due date.
fn day_of_a_thing(text: &str, found: &regex::Match<'_>, language: &Language) -> bool {
    let said = found.as_str().trim().to_lowercase();
    // "on the Christmas shifts": past a word that leads a place or a day, not a deadline.
    let said = match said.split_once(' ') {
        Some((lead, rest)) if language.thing_day_leads.contains(&lead) => rest.to_owned(),
        _ => said,
    };
    let after = &text[found.end()..];
    let words = &language.date_words;
    if words.today.iter().any(|today| said == *today) && after.starts_with(words.possessive) {
        return true;
    }
    let next = after.split_whitespace().next().unwrap_or("").to_lowercase();
    said.starts_with(&format!("{} ", words.the))
        && !next.is_empty()
        && next.chars().all(char::is_alphabetic)
        && !language.stopwords.contains(&next.as_str())
        && !language.due_leads.contains(&next.as_str())
        && !words.day_followers.contains(&next.as_str())
        && !words.parts_of_day.contains(&next.as_str())
        && !language.months.contains(&next.as_str())
        && !language.weekdays.contains(&next.as_str())
}

/// "the second floor", "the 3rd row": an ordinal with a noun after it, no day of the month.
fn ordinal_of_a_thing(text: &str, found: &regex::Match<'_>, language: &Language) -> bool {
    let last = found.as_str().split_whitespace().last().unwrap_or("").to_lowercase();
    let ordinal = language.ordinals.contains(&last.as_str())
        || (last.starts_with(|c: char| c.is_ascii_digit()) && last.ends_with(|c: char| c.is_alphabetic()));
    let next = text[found.end()..]
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_lowercase();
    ordinal
        && !next.is_empty()
        && next.chars().all(char::is_alphabetic)
        && !language.stopwords.contains(&next.as_str())
        && !language.months.contains(&next.as_str())
        && !language.weekdays.contains(&next.as_str())
}

/// A due date in a reply or a sentence after the item: a time expression, or a clause that
/// opens with "before …" ("Before the tickets go on sale, ideally.").
fn due_of_reply(text: &str, cues: &Cues) -> Option<String> {
    due_in(text, cues).or_else(|| {
        cues.due_clause
            .captures(text)
            .and_then(|c| c.name("due"))
            .map(|m| m.as_str().trim().to_owned())
    })
}

/// The one an order is for when their name closes it ("Get her out here before the fourteenth,
/// Rosa."): someone else who speaks in the meeting, set off by a comma as the last word. Not a
/// courtesy ("Thanks for covering on Saturday, Rosa.", "See you Thursday, Rosa.", "Get well
/// soon, Rosa.").
fn called_last(sentences: &[Sentence], at: usize, heard: &Heard, cues: &Cues) -> Option<String> {
    let sentence = &sentences[at];
    let (last, before) = sentence.words.split_last()?;
    let set_off = before.last()?.punct_after == Some(',') && matches!(last.punct_after, Some('.' | '!'));
    let speaks = heard.speaks(&last.raw);
    let lower = sentence.text.to_lowercase();
    let courtesy = before
        .first()
        .is_some_and(|first| cues.language.not_orders.contains(&first.lower.as_str()))
        || cues
            .language
            .courtesies
            .iter()
            .any(|courtesy| lower.starts_with(courtesy));
    (set_off && speaks && !courtesy && sentence.speaker.as_deref() != Some(last.raw.as_str())).then(|| last.raw.clone())
}

/// Who a request said to `called` belongs to: the person of that name, or, called by a title
/// ("Engineer, kindly …"), the one addressed, known by who takes it on.
fn owner_called(called: String, language: &Language) -> Owner {
    if language.titles.contains(&called.to_lowercase().as_str()) {
        Owner::Addressee
    } else {
        Owner::Known(called)
    }
}

/// The name the same speaker's sentence just before ended on, set off by a comma ("…east
/// wing, Joao. You take the west.") or standing alone after "and" ("Oh, and Tariq. Please
/// file…"): the recogniser often ends a sentence after the name that opens the next one's
/// request. Not a one-word sentence ("Noted.", "Done." are capitalised like names) nor the end
/// of a list ("…Ana, Joao, and Tariq.").
fn called_just_before(sentences: &[Sentence], at: usize, cues: &Cues) -> Option<String> {
    let before = &sentences[at.checked_sub(1)?];
    if before.turn != sentences[at].turn {
        return None;
    }
    let words = &before.words;
    let last = words.len().checked_sub(1).filter(|&last| last > 0)?;
    let and = cues.language.and;
    let after_comma = words[last - 1].punct_after == Some(',') && words[last - 1].lower != and;
    // "and Tariq." or "Oh, and Tariq.": nothing else in the sentence.
    let called_alone = words[last - 1].lower == and && last <= 2;
    if after_comma || called_alone {
        if let Some(name) = cues.called_name(&words[last].raw) {
            return Some(name);
        }
    }
    // "Ray, the transfer switch. Get Coastal Power out here this week.": a short sentence that
    // only calls someone and names the thing.
    // Not "Two quotes. Pestbusters, nine hundred a quarter.": the one called answers.
    let calls_first = words[0].punct_after == Some(',') && cues.could_be_name(&words[0].raw);
    let answered = text::next_turn_from_someone_else(sentences, at)
        .first()
        .is_some_and(|reply| reply.speaker.as_deref() == Some(words[0].raw.as_str()));
    (calls_first && answered && words.len() <= CALLING_SENTENCE_MAX_WORDS && !before.is_question())
        .then(|| words[0].raw.clone())
}

/// The one a sentence that opens its speaker's turn is said to when the turns either side of
/// it are that person's: "Brent, what about the zone map?" "The layers are done." "New zone
/// map on the website by Friday." "Friday, yes ma'am."
fn in_exchange_with(sentences: &[Sentence], at: usize) -> Option<String> {
    let sentence = &sentences[at];
    let before = &sentences[at.checked_sub(1)?];
    let speaker = sentence.speaker.as_ref()?;
    if before.turn == sentence.turn || before.speaker.as_ref() == Some(speaker) {
        return None;
    }
    let other = before.speaker.clone()?;
    let reply = text::next_turn_from_someone_else(sentences, at)
        .first()?
        .speaker
        .clone()?;
    (reply == other).then_some(other)
}

/// Whether the reply to an item says its time again ("Friday, yes ma'am.") and the turn before
/// it did not: whoever takes a deadline on names it, while "I think Friday." "The auditors come
/// on Friday, then." "Yes, Friday." only agrees on a date.
fn reply_repeats_the_due(sentences: &[Sentence], at: usize, due: &str, cues: &Cues) -> bool {
    let (Some(reply), Some(before)) = (
        text::next_turn_from_someone_else(sentences, at).first(),
        at.checked_sub(1).map(|before| &sentences[before]),
    ) else {
        return false;
    };
    let turn_before: Vec<String> = sentences[..at]
        .iter()
        .filter(|s| s.turn == before.turn)
        .flat_map(|s| text::lower_words(&s.text))
        .collect();
    let said = text::lower_words(&reply.text);
    let due_words = words_of_the_time(due, cues);
    due_words.iter().any(|word| said.contains(word)) && !due_words.iter().any(|word| turn_before.contains(word))
}

/// "Priya, that's yours", "that one's Marcus's", "Winston, the swap list, that's yours": the
/// name a task is handed to; "…, that's me": the speaker's. With where in `text` the hand-over starts.
fn handed_to(text: &str, sentence: &Sentence, cues: &Cues) -> Option<(String, usize)> {
    let captures = cues.hand_over.captures(text)?;
    let starts_at = captures
        .name("handed")
        .or_else(|| captures.name("handed_is"))
        .or_else(|| captures.get(0))?
        .start();
    if captures.name("me").is_some() {
        let no_work = captures
            .name("own")
            .is_some_and(|own| owns_no_work(own.as_str(), cues.language));
        return sentence.speaker.clone().filter(|_| !no_work).map(|me| (me, starts_at));
    }
    let name = captures
        .name("called")
        .or_else(|| captures.name("before"))
        .or_else(|| captures.name("after"))
        .or_else(|| captures.name("named_after"))
        .or_else(|| captures.name("possessor"))?
        .as_str();
    // "The floor is yours, Priya.", "Callum, the next round's on you.": no work handed.
    let no_work = owns_no_work(&text[..starts_at], cues.language);
    (cues.could_be_name(name) && !no_work).then(|| (name.to_owned(), starts_at))
}

/// "Samples go to the lab tomorrow. Lachie, that's yours.", "The report goes up to the board,
/// that's me.": a plain statement of something to be done, handed to someone when no item was
/// found in it. The statement is the clause before the hand-over, the thing named between the
/// name and the hand-over with what follows it ("Winston, the swap list, that's yours, get it
/// to Shona"), or the speaker's sentence before when the hand-over stands alone; not a question,
/// nor said of the past, of what might be ("we could…"), or of what others said.
fn handed_statement(
    sentences: &[Sentence],
    at: usize,
    text: &str,
    handed_at: usize,
    owner: String,
    cues: &Cues,
    meeting_day: i64,
) -> Option<Finding> {
    let sentence = &sentences[at];
    // "Tom, the old van, that's yours?" asks.
    if sentence.is_question() {
        return None;
    }
    let clause = text[..handed_at].trim().trim_end_matches([',', ';', ':']).trim();
    // "Winston, the swap list, that's yours, get it to Shona by the twentieth": the thing named,
    // with what the rest of the sentence says of it.
    // Only with work said of it, a date or an instruction; not "Tom, the blue mug, that's
    // yours.", "…, that's yours, you earned it" or "…, that's yours, mate".
    let called = format!("{owner},");
    let hand_over = cues.hand_over.captures(text);
    // "The hall booking is mine, that's easy.", "Procurement's my job": the thing taken is named
    // in the taking ("it's mine" names nothing: the sentence before says what).
    let own_thing = hand_over
        .as_ref()
        .and_then(|captures| captures.name("own"))
        .map(|own| own.as_str().trim().to_owned())
        .filter(|own| {
            let own = own.to_lowercase();
            !cues.language.subject_pronouns.contains(&own.as_str())
                && !cues.language.determiners.contains(&own.as_str())
        });
    // "Tanisha, the setup is yours." "Okay.": work, since it was taken on.
    let taken_on = taken_on_by(sentences, at, &owner, cues);
    // "Right, Alasdair, this one's yours.": the thing only points at the sentence before.
    let points_before = clause.find(&called).is_some_and(|at| {
        let words = text::lower_words(&clause[at + owner.len() + 1..]);
        let language = cues.language;
        !words.is_empty()
            && words.iter().all(|word| {
                language.back_references.contains(&word.as_str())
                    || language.numbers.contains(&word.as_str())
                    || language.determiners.contains(&word.as_str())
            })
    });
    let thing_named = own_thing.clone().or_else(|| {
        clause
            .find(&called)
            .map(|at| &clause[at + owner.len() + 1..])
            .filter(|_| !points_before)
            .and_then(|thing| {
                let handed = hand_over
                    .as_ref()
                    .and_then(|captures| captures.name("handed").or_else(|| captures.name("handed_is")))
                    .map_or(handed_at, |handed| handed.end());
                let rest = text[handed..]
                    .trim_start_matches([',', ' '])
                    .trim_end_matches(['.', '!']);
                let first = rest.split_whitespace().next().unwrap_or("").to_lowercase();
                let instructs = due_in(rest, cues).is_some()
                    || (rest.split_whitespace().count() >= 2
                        && !cues.language.subject_pronouns.contains(&first.as_str())
                        && !cues.hedge.is_match(rest));
                if instructs {
                    Some(format!("{}: {rest}", thing.trim()))
                } else {
                    taken_on.then(|| thing.trim().to_owned())
                }
            })
    });
    // "Tom, the blue mug, that's yours." hands over no work.
    if thing_named.is_none() && clause.contains(&called) && !points_before {
        return None;
    }
    let in_the_same_sentence =
        thing_named.is_some() || (!points_before && clause.split_whitespace().count() >= HANDED_STATEMENT_MIN_WORDS);
    // A thing named is short and still a task ("Tom, the minutes, that's yours, by Friday").
    let least_words = if own_thing.is_some() {
        1
    } else if thing_named.is_some() {
        HANDED_THING_MIN_WORDS
    } else {
        HANDED_STATEMENT_MIN_WORDS
    };
    let (said, statement) = if let Some(thing) = thing_named {
        (sentence, thing)
    } else if in_the_same_sentence {
        (sentence, clause.to_owned())
    } else {
        let before = &sentences[at.checked_sub(1)?];
        if before.turn != sentence.turn || before.is_question() {
            return None;
        }
        (
            before,
            cues.normalise(&before.text).trim_end_matches(['.', '!']).to_owned(),
        )
    };
    let plain = statement.split_whitespace().count() >= least_words
        && cues.past_in(&statement).is_none()
        && !cues.hypothetical.is_match(&statement)
        && !cues.hedge.is_match(&statement)
        && !cues.reported.is_match(&statement)
        && !cues.negation.is_match(&statement);
    if !plain {
        return None;
    }
    let due = due_in(&statement, cues).or_else(|| due_in(&text[handed_at..], cues));
    let task = match &due {
        Some(d) => statement.replacen(d.as_str(), "", 1),
        None => statement.clone(),
    };
    let task = task.split_whitespace().collect::<Vec<_>>().join(" ");
    let task = task.trim_end_matches([':', ',']).trim_end().to_owned();
    // "Marta, chasing that certificate is yours.": the work as a verb, when it acts on a thing
    // ("everything on the list", "evening cover" are things).
    let task = match task.split_once(' ') {
        Some((first, rest))
            if first.ends_with(cues.language.ing_ending)
                && first.chars().all(|c| c.is_ascii_lowercase())
                && rest.split_whitespace().next().is_some_and(|object| {
                    cues.language
                        .promised_object_leads
                        .contains(&object.to_lowercase().as_str())
                }) =>
        {
            format!("{} {rest}", base_of_ing(first, cues))
        }
        _ => task,
    };
    let due_date = due
        .as_deref()
        .and_then(|d| dates::resolve(d, meeting_day, cues.language))
        .map(dates::iso);
    let mut segments = said.seqs.clone();
    segments.extend(&sentence.seqs);
    segments.dedup();
    let text_said = if in_the_same_sentence {
        sentence.text.clone()
    } else {
        format!("{} {}", said.text, sentence.text)
    };
    Some(Finding {
        id: finding_id("action", said, 0),
        revision: 1,
        segments,
        start: said.start,
        body: FindingBody::ActionItem(ActionItem {
            text: text_said,
            owner: Some(owner),
            task: task.trim_end_matches([',', '.', ';']).to_owned(),
            due,
            due_date,
            said_by: sentence.speaker.clone(),
            confidence: HANDED_STATEMENT_CONFIDENCE,
        }),
    })
}

/// "That one's on me. Every site gets the updated sheet before tonight's shift.", "The
/// induction sits with me anyway.", "The blade order goes to Elín, before noon today.", "Leave
/// both of those with me, they'll be done before noon.": work said to be someone's by where it
/// sits, the speaker's or a participant's (see `Language::placed`). The task is the thing
/// said or, when that only points at it ("that one", "both of those"), the sentence beside it
/// in the same turn, the next first, which says when (or, when it says its own time, the request
/// just before the turn); that sentence's place is returned too, as is that of one with the
/// time said right after it ("Both will be done this morning.", "I'll go through it early next
/// week.": how, the same item), unless it opens by adding another item of its own ("And I'll
/// ring the vet by Friday."). Someone else's only with a time to do it by, or taken on by the
/// one named; the speaker's own when it names the work ("The induction sits with me."): "Lunch
/// is on me." and "That's on me, sorry." hand over no work. Not a question, nor said of
/// the past, of what might be or of what others said, nor denied.
fn placed_item(
    sentences: &[Sentence],
    at: usize,
    text: &str,
    heard: &Heard,
    cues: &Cues,
    meeting_day: i64,
) -> Option<(Finding, Option<usize>)> {
    let sentence = &sentences[at];
    if sentence.is_question() {
        return None;
    }
    let captures = cues.placed.captures(text)?;
    let lower = text.to_ascii_lowercase();
    if is_hypothetical(&lower, cues)
        || cues.past_in(&lower).is_some()
        || cues.negation.is_match(&lower)
        || cues.hedge.is_match(&lower)
        || cues.reported.is_match(&lower)
    {
        return None;
    }
    // "The shopping goes on my list if we run out": a claim under a condition; not "…, I'm
    // putting a check on it so even if the app sends it twice, we create it once", said after.
    let rest_start = captures.name("rest").map_or(lower.len(), |m| m.start());
    let rest_clause = lower[rest_start..].split([',', ';']).next().unwrap_or("");
    if cues.condition.is_match(&lower[..rest_start]) || cues.condition.is_match(rest_clause) {
        return None;
    }
    let language = cues.language;
    let thing = captures
        .name("left")
        .or_else(|| captures.name("listed"))
        .or_else(|| captures.name("volunteered"))
        .or_else(|| captures.name("thing"))?
        .as_str()
        .trim();
    // "Put me down for the nine-thirty.", "Leave the blog with me." volunteer in so many words:
    // no time needed ("Leave it with me." names nothing: it needs one).
    let volunteered = captures.name("volunteered").is_some()
        || captures
            .name("left")
            .or_else(|| captures.name("listed"))
            .is_some_and(|left| {
                // "Leave a copy for me at reception." asks for a thing; "… if the courier comes" waits.
                let first = left.as_str().split_whitespace().next().unwrap_or("").to_lowercase();
                !points_only(left.as_str(), cues)
                    && !language.indefinite_articles.contains(&first.as_str())
                    && !is_contingent(text, cues)
                    && !cues.condition.is_match(text)
            });
    let speakers = volunteered
        || ["left", "listed", "mine", "onto_mine", "to_me", "from_me"]
            .iter()
            .any(|group| captures.name(group).is_some());
    let owner = if speakers {
        sentence.speaker.clone()?
    } else {
        let name = captures
            .name("possessor")
            .or_else(|| captures.name("to_name"))?
            .as_str();
        if name.eq_ignore_ascii_case(language.you) {
            cues.name_called(&sentence.words).or_else(|| addressee(sentences, at))?
        } else if heard.speaks(name) {
            // A participant: "KDC goes to Narok" sends a thing to a place.
            name.to_owned()
        } else {
            return None;
        }
    };
    // "Because the ice machine is on my list": a reason given for something else.
    let gives_a_reason = text::lower_words(thing)
        .first()
        .is_some_and(|first| language.reason_leads.contains(&first.as_str()));
    if owns_no_work(thing, language) || gives_a_reason {
        return None;
    }
    // "Put me down for drinks after": a treat, not work.
    let treat = content_words(thing, cues);
    if volunteered
        && !treat.is_empty()
        && treat
            .iter()
            .all(|word| language.volunteered_not_tasks.contains(&word.as_str()))
    {
        return None;
    }
    let same_turn = |beside: usize| {
        sentences
            .get(beside)
            .filter(|s| s.turn == sentence.turn && !s.is_question())
            .map(|s| (beside, cues.normalise(&s.text)))
    };
    let rest = captures.name("rest").map_or("", |m| m.as_str());
    let own_due = due_or_event(rest, cues).or_else(|| due_or_event(text, cues));
    // "And I'll ring the vet by Friday." after it adds another item, not this one's time; "I'll
    // pull the logger download before I go home" says how, "I'll have it done by Friday" when.
    let another = |said: &str| {
        let opens_with_addition = text::lower_words(said)
            .first()
            .is_some_and(|first| language.addition_leads.contains(&first.as_str()));
        is_an_item_of_its_own(said, cues) && opens_with_addition && !refers_back(said, cues)
    };
    let next = same_turn(at + 1).filter(|(_, said)| due_or_event(said, cues).is_some() && !another(said));
    // "Put me down for the nine-thirty": a time or a number named is the thing volunteered for.
    let pointer = if volunteered {
        content_words(thing, cues).is_empty()
    } else {
        points_only(thing, cues)
    };
    let (beside, task) = if pointer {
        // "That one's on me.": the sentence beside it says what (and maybe when); "Leave both
        // of those with me, they'll be done before noon.": what was asked just before.
        let previous = at.checked_sub(1).and_then(|before| {
            let said = &sentences[before];
            (said.turn == sentence.turn || own_due.is_some()).then(|| (before, cues.normalise(&said.text)))
        });
        // A question of the speaker's own is no task; a request from the turn before may be.
        let (beside, said) = match (next, previous) {
            (Some(next), _) => next,
            (_, Some(previous))
                if !sentences[previous.0].is_question() || sentences[previous.0].turn != sentence.turn =>
            {
                previous
            }
            _ => return None,
        };
        if cues.past_in(&said.to_ascii_lowercase()).is_some() || says_what_was_done(&said, language) {
            return None;
        }
        (Some(beside), said.trim_end_matches(['.', '!', '?']).to_owned())
    } else {
        // "The induction sits with me anyway. Tuesday morning, before the shift starts.": when
        // said right after, about it ("Both will be done this morning.").
        let continues = next.filter(|(_, said)| {
            let first = text::lower_words(said).into_iter().next().unwrap_or_default();
            due_found(said, cues).is_some_and(|due| due.start == 0) || points_only(&first, cues)
        });
        (
            continues.filter(|_| own_due.is_none()).map(|(beside, _)| beside),
            thing.to_owned(),
        )
    };
    let due =
        own_due.or_else(|| beside.and_then(|beside| due_or_event(&cues.normalise(&sentences[beside].text), cues)));
    // "The screen reader retest sits with me.": the speaker names the work they keep, which
    // needs no time; "That one's on me." needs the sentence beside it to say what, "Tea is on
    // me." is a treat, "The dog stays with me." says where a thing is kept, and what is left
    // with them was weighed above ("Leave a copy for me").
    let kept_only = captures.name("placed_verb").is_some_and(|verb| {
        language
            .kept_not_worked
            .contains(&verb.as_str().to_lowercase().as_str())
    });
    let names_own_work = speakers
        && !pointer
        && !kept_only
        && captures.name("left").is_none()
        && captures.name("listed").is_none()
        && !treat.is_empty()
        && !treat
            .iter()
            .all(|word| language.volunteered_not_tasks.contains(&word.as_str()));
    if due.is_none() && !volunteered && !names_own_work && (speakers || !taken_on_by(sentences, at, &owner, cues)) {
        return None;
    }
    let task_without_due = match &due {
        Some(due) => task.replacen(due.as_str(), "", 1),
        None => task.clone(),
    };
    // "Thursday's truck goes on my board": a time that is all the thing is names it.
    let (task, due) = if text::lower_words(&task_without_due).is_empty() {
        (task, None)
    } else {
        (task_without_due, due)
    };
    let task = tidy_task(task.trim().trim_end_matches([',', '.', ';']).trim(), language);
    let due_date = due
        .as_deref()
        .and_then(|d| dates::resolve(d, meeting_day, language))
        .map(dates::iso);
    let mut said = vec![sentence];
    if let Some(beside) = beside {
        said.push(&sentences[beside]);
        said.sort_by_key(|s| s.seq);
    }
    let mut segments: Vec<u64> = said.iter().flat_map(|s| s.seqs.iter().copied()).collect();
    segments.sort_unstable();
    segments.dedup();
    Some((
        Finding {
            id: finding_id("action", sentence, 0),
            revision: 1,
            segments,
            start: said[0].start,
            body: FindingBody::ActionItem(ActionItem {
                text: said.iter().map(|s| s.text.as_str()).collect::<Vec<_>>().join(" "),
                owner: Some(owner),
                task,
                due,
                due_date,
                said_by: sentence.speaker.clone(),
                confidence: HANDED_STATEMENT_CONFIDENCE,
            }),
        },
        beside,
    ))
}

/// "Ailsa, the final list must go to the agent latest Thursday." "Will do.", "Gareth, minutes
/// out by Friday, please." "Will do.", "That engine needs a test run before Saturday, Rune."
/// "Yes, I will do it.": whatever is put to a participant by name with a time to do it by, and
/// taken on by them in the next turn, is their item, however it is worded (an order with a verb
/// no table lists, a need, a thing and its date). Called by name (`by_name`), saying the time
/// back takes it on too ("…, out to members by Friday." "Friday."). The task is the clause that
/// holds the date, from the name called when it opens the sentence, up to the reason given for
/// it. Not a question, nor said of the past, of what might be or of what
/// others said, nor a date stated ("Ailsa, your flight is on Thursday." "Okay."). `lower` is
/// `text` in ASCII lower case (the caller has already ruled out a hypothetical).
fn put_to_and_taken(
    sentences: &[Sentence],
    at: usize,
    text: &str,
    lower: &str,
    called: &str,
    by_name: bool,
    cues: &Cues,
) -> Option<Found> {
    let sentence = &sentences[at];
    if sentence.is_question() || cues.hedge.is_match(lower) || cues.reported.is_match(lower) {
        return None;
    }
    // The first clause that holds a time to do it by ("by Friday", "before we sail"), up to
    // the reason given for it.
    let clauses = text::clause_ranges(text);
    let (index, due) = clauses.iter().enumerate().find_map(|(index, &(start, end))| {
        let clause = &text[start..end];
        let due = due_found(clause, cues).or_else(|| cues.due_event.find(clause).map(|event| event.range()))?;
        Some((index, start + due.start..start + due.end))
    })?;
    let said_back = by_name && due_said_back_by(sentences, at, called, &text[due.clone()], cues);
    if !taken_on_by(sentences, at, called, cues) && !said_back {
        return None;
    }
    let (mut clause_start, clause_end) = clauses[index];
    // "Joost, a full count of the trolleys, by Thursday please.": a clause that holds nothing
    // but the time dates what the clause before it named.
    let besides_the_due = format!("{} {}", &text[clause_start..due.start], &text[due.end..clause_end]);
    if index > 0 && tidy_task(&besides_the_due, cues.language).split_whitespace().count() < HANDED_THING_MIN_WORDS {
        clause_start = clauses[index - 1].0;
    }
    // "Sylvie, the minutes, with the vote recorded by name, out to members by Friday.": what is
    // handed over runs from the name called.
    let called_first = clauses
        .first()
        .is_some_and(|&(start, end)| text[start..end].trim_end_matches([',', ' ']) == called);
    let task_start = if called_first && index > 1 {
        clauses[1].0
    } else {
        clause_start
    };
    if cues.date_stated.is_match(text[clause_start..due.start].trim_end()) {
        return None;
    }
    let reason = cues
        .language
        .reasons_after_a_date
        .iter()
        .filter_map(|lead| lower[due.end..clause_end].find(&format!(" {lead} ")))
        .min();
    let clause_end = reason.map_or(clause_end, |reason| due.end + reason);
    let clause = text[clause_start..clause_end].trim();
    // "Then the sheets from last week, Marta, get them corrected …" is said of what is to come;
    // "Priya, the forms reached the bank on Tuesday" is not, but "Nimal, all four scales,
    // checked and sealed by the twentieth" is: a clause that opens with the state wanted by a
    // deadline.
    let state_wanted = text::lower_words(clause)
        .first()
        .is_some_and(|first| reads_past(first, cues.language))
        && is_a_deadline(&text[due.clone()], cues.language);
    if cues.past_in(&lower[clause_start..clause_end]).is_some()
        || cues.negation.is_match(&lower[clause_start..clause_end])
        || (says_what_was_done(clause, cues.language) && !state_wanted)
    {
        return None;
    }
    let clause = text[task_start..clause_end].trim();
    let clause = clause
        .strip_prefix(called)
        .map_or(clause, |rest| rest.trim_start_matches([',', ' ']));
    let put = item_of_clause(
        Owner::Known(called.to_owned()),
        clause,
        task_start,
        clause_end,
        cues,
        PUT_AND_TAKEN_CONFIDENCE,
    );
    // "After the final dress, so Thursday." names a time, not a thing to do.
    let only_a_time = text::lower_words(&put.task)
        .first()
        .is_some_and(|first| cues.language.due_leads.contains(&first.as_str()));
    (put.task.split_whitespace().count() >= HANDED_THING_MIN_WORDS && !only_a_time).then_some(put)
}

/// "Jesper, count everything in the container and make a list of what's missing." "Ja, okay.":
/// a sentence that calls someone and goes on with a verb (after "also", "please", or a clause
/// of why or when: "Jesper, since you're in the workshop on Thursday, count …"), taken on by
/// them in the next turn, is their item, whatever the verb (the request table lists the common
/// ones); so is one given a time, its verb acting on a thing, without a reply ("Piotr, raise
/// the change control by the end of next week."). The task runs to the end of the sentence. Not
/// praise or a greeting ("Jesper, great work." "Thanks."), a question, a condition, the past, a
/// negation or what others said.
/// The fewest letters before "-ing" of a word read as an "-ing" form ("housekeeping"; not
/// "ring", "bring").
const ING_STEM_MIN_CHARS: usize = 3;

fn ordered_by_name(
    sentences: &[Sentence],
    at: usize,
    text: &str,
    lower: &str,
    called: &str,
    cues: &Cues,
) -> Option<Found> {
    let sentence = &sentences[at];
    let language = cues.language;
    let first = sentence.words.first()?;
    if first.raw != called
        || first.punct_after != Some(',')
        || sentence.is_question()
        || cues.hedge.is_match(lower)
        || cues.reported.is_match(lower)
        || cues.past_in(lower).is_some()
        || cues.negation.is_match(lower)
        || cues.condition.is_match(lower)
    {
        return None;
    }
    // What follows "Name,": past the adverbs and a clause of why or when.
    let mut rest = text[text.find(',')? + 1..].trim_start();
    loop {
        let token = rest.split_whitespace().next()?;
        let word = token.to_lowercase();
        if language.order_adverbs.contains(&word.as_str()) {
            rest = rest[token.len()..].trim_start_matches([',', ' ']);
        } else if language.order_preludes.contains(&word.as_str()) {
            rest = rest[rest.find(',')? + 1..].trim_start();
        } else {
            break;
        }
    }
    let taken = taken_on_by(sentences, at, called, cues);
    // "No, I'm away, Jola has the login.": turned down by the one called.
    let refused = text::next_turn_from_someone_else(sentences, at)
        .first()
        .is_some_and(|reply| {
            let reply_text = cues.normalise(&reply.text);
            reply.speaker.as_deref() == Some(called)
                && (cues.negation.is_match(&reply_text)
                    || text::lower_words(&reply_text)
                        .first()
                        .is_some_and(|first| language.objection_openers.contains(&first.as_str())))
        });
    let after_verb = rest.split_once(' ').map_or("", |(_, after)| after);
    let mut words = rest.split_whitespace();
    let verb = words.next()?;
    let lowered = verb.to_lowercase();
    let due = due_in(rest, cues);
    // "Piotr, raise the change control by Friday.": an order with its time and its thing.
    let ordered_with_a_time = due.is_some()
        && !refused
        && !language.in_meeting.contains(&lowered.as_str())
        && acts_on_something(&lowered, after_verb, language);
    let plain = verb.chars().all(|c| c.is_ascii_lowercase());
    // "Amina, housekeeping and the plastic.", "Piotr, debounce is a good idea": a topic or a
    // thing named, not an order.
    // ("Piotr, ring the council" orders: "ring" is no "-ing" form.)
    let named_thing = lowered
        .strip_suffix(language.ing_ending)
        .is_some_and(|stem| stem.len() >= ING_STEM_MIN_CHARS)
        || words
            .next()
            .is_some_and(|after| language.copulas.contains(&after.to_lowercase().as_str()));
    // "Raj, walk us through it.": done there and then, unless given a time; taken on, only
    // when said to the room ("Sam, talk to facilities about the heating." "Will do." is work).
    let in_meeting = language.in_meeting.contains(&lowered.as_str())
        && due.is_none()
        && (!taken || names_the_room(after_verb, language));
    if !(taken || ordered_with_a_time)
        || !plain
        || named_thing
        || in_meeting
        || language.not_orders.contains(&lowered.as_str())
        || language.not_tasks.contains(&lowered.as_str())
        || cues.is_stopword(&lowered)
        || language.numbers.contains(&lowered.as_str())
    {
        return None;
    }
    let clause_start = text.len() - rest.len();
    let clause = rest.trim_end_matches(['.', '!']);
    let put = item_of_clause(
        Owner::Known(called.to_owned()),
        clause,
        clause_start,
        clause_start + clause.len(),
        cues,
        PUT_AND_TAKEN_CONFIDENCE,
    );
    (put.task.split_whitespace().count() >= ORDER_MIN_WORDS).then_some(put)
}

/// Whether `clause` says what was done: a verb in "-ed" that is no participle after "be",
/// "needs", "get them" or "the" ("the forms reached the bank", not "they need to be signed",
/// "get them corrected" or "the signed forms").
fn says_what_was_done(clause: &str, language: &Language) -> bool {
    let words = text::lower_words(clause);
    words.iter().enumerate().skip(1).any(|(at, word)| {
        let before = words[at - 1].as_str();
        // "the signed forms": an adjective.
        let participle = language.participle_leads.contains(&before)
            || language.determiners.contains(&before)
            || language
                .participle_lead_endings
                .iter()
                .any(|ending| before.ends_with(ending))
            || (at >= 2
                && language.object_pronouns.contains(&before)
                && language.participle_causatives.contains(&words[at - 2].as_str()));
        reads_past(word, language) && !participle
    })
}

/// Whether `word` (lower case) has the form of a past tense or participle ("reached",
/// "sealed"; not "red", "hundred").
fn reads_past(word: &str, language: &Language) -> bool {
    word.len() >= language.past_ending.len() + PAST_STEM_MIN_CHARS
        && word.ends_with(language.past_ending)
        && !language.past_ending_not.iter().any(|not| word.ends_with(not))
}

/// Whether a thing someone is said to have is no work, by its last word: a turn, a fault, a
/// courtesy ("The floor is yours", "The mistake, that's my problem", "The pleasure is mine").
fn owns_no_work(thing: &str, language: &Language) -> bool {
    text::lower_words(thing)
        .last()
        .is_some_and(|last| language.owned_not_tasks.contains(&last.as_str()))
}

/// The person a request without a name was put to: the last other speaker before it.
fn addressee(sentences: &[Sentence], at: usize) -> Option<String> {
    let asker = sentences[at].speaker.as_ref()?;
    sentences[..at]
        .iter()
        .rev()
        .take(8)
        .find_map(|s| s.speaker.as_ref().filter(|who| *who != asker).cloned())
}

/// "tell us", "give me a second", "take us through the timeline": done in the meeting, not
/// after it.
fn is_said_to_the_room(verb: &str, rest: &str, cues: &Cues) -> bool {
    let language = cues.language;
    (language.to_the_room.contains(&verb) && names_the_room(rest, language))
        || leads_the_room_through(verb, rest, language)
}

/// "take us through the timeline", "run me through it": the people in the room led through
/// something there and then (`through_the_room`).
fn leads_the_room_through(verb: &str, rest: &str, language: &Language) -> bool {
    language.through_the_room.contains(&verb)
        && after_the_room(rest, language)
            .is_some_and(|after| text::lower_words(&after).first().map(String::as_str) == Some(language.through_word))
}

/// The verb of a request (`cues.request`'s "imperative", "minding" or "verb"), lower case.
fn request_verb(captures: &regex::Captures<'_>) -> String {
    captures
        .name("imperative")
        .or_else(|| captures.name("minding"))
        .or_else(|| captures.name("verb"))
        .map_or("", |m| m.as_str())
        .to_lowercase()
}

/// Whether a request of `verb` and `rest` is done in the meeting itself ("Can you walk us
/// through the timeline?", "Can you go first?") or said to the room, not work for later ("can
/// you go back through the log before Friday?" is).
fn is_asked_of_the_meeting(verb: &str, rest: &str, cues: &Cues) -> bool {
    let dated_task = cues.language.tasks_when_dated.contains(&verb) && due_in(rest, cues).is_some();
    (cues.language.in_meeting.contains(&verb) && !dated_task) || is_said_to_the_room(verb, rest, cues)
}

/// Whether `text` asks only for something done for the room there and then ("Priya, can you
/// walk us through the timeline?", "Talk me through it."): every request in it has a verb of
/// the meeting's own (`in_meeting`, or one that leads the room through: "take us through") put
/// to the people in the room, with no time to do it by, and
/// there is at least one. Narrower than `is_asked_of_the_meeting`, which the rules use to leave
/// the cue words to the scorer: "talk to the teachers tonight", "give me two days" are work.
fn only_asks_for_it_now(text: &str, cues: &Cues) -> bool {
    let mut requests = cues.request.captures_iter(text).peekable();
    requests.peek().is_some()
        && requests.all(|captures| {
            let rest = captures.name("rest").map_or("", |m| m.as_str());
            let verb = request_verb(&captures);
            ((cues.language.in_meeting.contains(&verb.as_str()) && names_the_room(rest, cues.language))
                || leads_the_room_through(&verb, rest, cues.language))
                && due_in(rest, cues).is_none()
        })
}

/// Whether `sentence` gives only the time for work said before it ("Ideally before Easter.",
/// "No rush, next month is fine."): a time, said the way a deadline is answered
/// (`due_expected`), with no promise, request, hand-out or taking-on of its own ("Yep, mine.
/// Thursday at the latest.") and no one called ("Rachel, … falls to you, ideally for next
/// Tuesday.").
fn only_dates_earlier_work(sentence: &Sentence, cues: &Cues) -> bool {
    let text = cues.normalise(&sentence.text);
    due_of_reply(&text, cues).is_some()
        && cues.due_expected.is_match(&text.to_lowercase())
        && !cues.commitment.is_match(&text)
        && !cues.request.is_match(&text)
        && !cues.assignment.is_match(&text)
        && !cues.acceptance.is_match(&text)
        && cues.name_called(&sentence.words).is_none()
}

/// Whether `rest`, what follows a verb, opens with the people in the room ("us", "everyone").
fn names_the_room(rest: &str, language: &Language) -> bool {
    after_the_room(rest, language).is_some()
}

/// What follows the people in the room when `rest` opens with them ("us through it": "through
/// it"), in lower case.
fn after_the_room(rest: &str, language: &Language) -> Option<String> {
    let rest = rest.trim_start().to_lowercase();
    language.to_the_room_objects.iter().find_map(|object| {
        let after = rest.strip_prefix(object)?;
        (after.is_empty() || after.starts_with(' ')).then(|| after.trim_start().to_owned())
    })
}

/// "I'll take that", "I'll do it right after this": taking on what was just asked, not a new
/// item.
fn is_bare_acceptance(verb: &str, rest: &str, language: &Language) -> bool {
    let rest = rest.trim().to_lowercase();
    let object = rest.split_whitespace().next().unwrap_or("");
    let (vague, vague_objects) = language.vague_promise;
    (language.bare_acceptance_verbs.contains(&verb) && language.bare_acceptance_objects.contains(&object))
        // "I'll try": a promise of nothing in particular ("I'll try to fix it" is a task).
        || (verb == vague && vague_objects.contains(&object))
}

/// "I'm going to the one in Basel" (going somewhere), "I'll propose we spend five thousand" (put
/// to the meeting there and then), "I'll hold you to that": shaped like a promise, a promise of
/// nothing to be done.
fn promises_nothing(verb: &str, rest: &str, cues: &Cues) -> bool {
    let language = cues.language;
    let rest = rest.trim().to_lowercase();
    let first = rest.split_whitespace().next().unwrap_or("");
    let said = format!("{verb} {rest}");
    language.determiners.contains(&verb)
        || (language.proposing_verbs.contains(&verb)
            && language.subject_pronouns.contains(&first)
            && !language.back_references.contains(&first))
        || language.promise_idioms.iter().any(|idiom| said.starts_with(idiom))
        || language.promise_sayings.iter().any(|saying| {
            said.strip_prefix(saying).is_some_and(|after| {
                let after = after.trim_start();
                after.is_empty() || after.starts_with([',', '.', '!', ';'])
            })
        })
        || cues.procedure_promise.is_match(said.trim())
}

/// Whether the next turn, someone else's, turns down what the sentence at `at` offered or
/// promised ("I can ring the caterers this afternoon." "No need, Carol already has."), or refuses
/// it flatly ("No, Bob, I need you here."); a flat no is no refusal when it answers a question
/// asked after the promise ("I'll ring the plumber. Any objections?" "No, go ahead.") or goes
/// on to take the offer up ("No, no, please do.").
fn turned_down(sentences: &[Sentence], at: usize, cues: &Cues) -> bool {
    let Some(reply) = text::next_turn_from_someone_else(sentences, at).first() else {
        return false;
    };
    let said = cues.normalise(&reply.text);
    if cues.offer_declined.is_match(&said) {
        return true;
    }
    let asked_after = sentences[at + 1..]
        .iter()
        .take_while(|said| said.turn == sentences[at].turn)
        .any(Sentence::is_question);
    cues.offer_refused
        .find(&said)
        .is_some_and(|no| !asked_after && !cues.offer_taken.is_match(&said[no.end()..]))
}

/// Whether the next turn, someone else's, takes up what the sentence at `at` offered ("I can
/// keep him warm till then." "Please do."; "Would you? That'd be great."): its first sentence
/// that asks nothing.
fn offer_taken_up(sentences: &[Sentence], at: usize, cues: &Cues) -> bool {
    text::next_turn_from_someone_else(sentences, at)
        .iter()
        .find(|said| !said.is_question())
        .is_some_and(|said| cues.offer_taken.is_match(&cues.normalise(&said.text)))
}

/// The words of a time that name it ("Friday" of "by the Friday"), without the words that lead
/// it or determiners.
fn words_of_the_time(due: &str, cues: &Cues) -> Vec<String> {
    text::lower_words(due)
        .into_iter()
        .filter(|word| {
            !cues.language.due_leads.contains(&word.as_str()) && !cues.language.determiners.contains(&word.as_str())
        })
        .collect()
}

/// The most words of a reply that takes work on by saying its time back ("Spanish too, by the
/// fifteenth, yes."); a longer one says more than that.
const SAID_BACK_MAX_WORDS: usize = 7;

/// Whether the reply to the sentence at `at` is `called` saying its time to do it by back
/// ("Friday.", "By the fifteenth.", "Wednesday's fine."), or opening with it before a proviso
/// ("Before Friday, sir, provided the rain holds off."), which takes it on; not objecting
/// ("No, Friday's impossible.").
fn due_said_back_by(sentences: &[Sentence], at: usize, called: &str, due: &str, cues: &Cues) -> bool {
    let Some(reply) = text::next_turn_from_someone_else(sentences, at).first() else {
        return false;
    };
    let said = cues.normalise(&reply.text);
    let words: Vec<String> = text::lower_words(&said)
        .into_iter()
        .map(|word| word.strip_suffix("'s").map_or(word.clone(), str::to_owned))
        .collect();
    let objects = words
        .first()
        .is_some_and(|first| cues.language.objection_openers.contains(&first.as_str()))
        || cues.negation.is_match(&said);
    let due_words = words_of_the_time(due, cues);
    // Besides the time, only assent, words of what was put, or words that say nothing:
    // "Tuesday is tight." and "Tuesday's tight, yeah." doubt it.
    let put = text::lower_words(&sentences[at].text);
    let says_more_than_the_time = |words: &[String]| {
        words.iter().any(|word| {
            !due_words.contains(word)
            && !cues.language.due_leads.contains(&word.as_str())
            && !cues.language.determiners.contains(&word.as_str())
            && !cues.agreement.is_match(word)
            && !put.contains(word)
            && !cues.is_stopword(word)
            // "Friday EOD, sir.": a title to close the reply, as a form of address.
            && !(words.last() == Some(word) && cues.language.titles.contains(&word.as_str()))
        })
    };
    // The time said back first, as its own clause, then maybe a title, then a proviso: not
    // "Before September, in the middle of the holidays.", which objects.
    let first_clause: Vec<String> = text::lower_words(said.split([',', ';', '.']).next().unwrap_or(""))
        .into_iter()
        .map(|word| word.strip_suffix("'s").map_or(word.clone(), str::to_owned))
        .collect();
    let after_the_time: Vec<&String> = words
        .iter()
        .skip(first_clause.len())
        .skip_while(|word| cues.language.titles.contains(&word.as_str()) || cues.agreement.is_match(word))
        .collect();
    let after = after_the_time
        .iter()
        .map(|word| word.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let proviso_follows = after.is_empty()
        || (cues
            .language
            .proviso_leads
            .iter()
            .any(|lead| after == *lead || after.starts_with(&format!("{lead} ")))
            && !cues.hedge.is_match(&after)
            && !cues.doubt.is_match(&after));
    let opens_with_the_time = !first_clause.is_empty()
        && !says_more_than_the_time(&first_clause)
        && due_words.iter().all(|word| first_clause.contains(word))
        && proviso_follows;
    let only_the_time = words.len() <= SAID_BACK_MAX_WORDS
        && !says_more_than_the_time(&words)
        && due_words.iter().all(|word| words.contains(word));
    reply.speaker.as_deref() == Some(called)
        && !reply.is_question()
        && !objects
        && (only_the_time || opens_with_the_time)
}

/// Whether the next turn, someone else's, is `called`'s and opens by taking on what the sentence
/// at `at` put to them ("Okay.", "Will do.", "Friday, fine.").
fn taken_on_by(sentences: &[Sentence], at: usize, called: &str, cues: &Cues) -> bool {
    // "Kees, the plant and the pump for Thursday. In writing this time." "In writing, yes.":
    // yes, with nothing but words of the turn that put it.
    let put: Vec<String> = sentences
        .iter()
        .filter(|s| s.turn == sentences[at].turn)
        .flat_map(|s| text::lower_words(&s.text))
        .collect();
    // Not a hedge, a condition or a doubt ("Maybe, yeah.", "If I can, yes."): a plain yes and
    // at least one word of what was put, besides words that say nothing.
    let echoed_with_a_yes = |said: &str| {
        let words = text::lower_words(said);
        let says_yes = |word: &String| cues.language.plain_yes.contains(&word.as_str());
        words.iter().any(says_yes)
            && words.iter().any(|word| put.contains(word) && !cues.is_stopword(word))
            && words
                .iter()
                .all(|word| says_yes(word) || put.contains(word) || cues.is_stopword(word))
            && !cues.negation.is_match(said)
            && !cues.hedge.is_match(said)
            && !cues.condition.is_match(said)
            && !cues.doubt.is_match(said)
    };
    text::next_turn_from_someone_else(sentences, at)
        .first()
        .is_some_and(|reply| {
            let said = cues.normalise(&reply.text);
            reply.speaker.as_deref() == Some(called)
                && !reply.is_question()
                && (cues.acceptance.is_match(&said) || echoed_with_a_yes(&said))
        })
}

/// Whether the next turn, someone else's, says yes to what the question at `at` offered
/// ("Should I write to them?" "Yes, ma'am, please."; not "I'm good, thanks.").
fn offer_asked_taken_up(sentences: &[Sentence], at: usize, cues: &Cues) -> bool {
    text::next_turn_from_someone_else(sentences, at)
        .first()
        .is_some_and(|said| cues.offer_asked_taken.is_match(&cues.normalise(&said.text)))
}

/// Whether a promise adds to what its speaker took on ("And I'll have the receipts out", "… I'll
/// also book the room") rather than saying how they will do it ("Ya, I'll block one hour on
/// Thursday").
fn adds_another(text: &str, promise: &str, language: &Language) -> bool {
    let words = text::lower_words(text);
    let lead = promise.split_whitespace().next().unwrap_or("").to_lowercase();
    language
        .addition_words
        .iter()
        .any(|word| text::has_phrase(&words, word))
        || language.addition_leads.contains(&lead.as_str())
        || words
            .first()
            .is_some_and(|first| language.addition_leads.contains(&first.as_str()))
}

/// The promise in `text` of whoever took an item on, when it says how they will do that item
/// rather than adding another: its clause (from the verb on).
fn says_how(text: &str, before: &[Sentence], cues: &Cues) -> Option<String> {
    let Some(captures) = cues.commitment.captures(text) else {
        // "Yep, the area manager gets an email from me tomorrow."
        let lower = text.to_ascii_lowercase();
        let promise = framed_promises(text, &lower, before, cues).into_iter().next()?;
        return (!adds_another(text, &text[promise.start..promise.end], cues.language)).then_some(promise.task);
    };
    let promise = captures.get(0).expect("group 0 is the match").as_str();
    if adds_another(text, promise, cues.language) {
        return None;
    }
    let verb = captures.name("verb").map_or("", |m| m.as_str());
    let rest = captures.name("rest").map_or("", |m| m.as_str());
    Some(format!("{verb}{rest}"))
}

/// Who is spoken of as they are done to: "she" is "her", "the area manager" stays.
fn object_form(who: &str, language: &Language) -> String {
    let lower = who.to_lowercase();
    language
        .object_forms
        .iter()
        .find(|(subject, _)| *subject == lower)
        .map_or_else(
            // A name keeps its capital ("talk to Marjorie"); "The committee" and "Everyone" are
            // lower case.
            || {
                if lower.contains(' ') || language.not_names.contains(&lower.as_str()) {
                    lower.clone()
                } else {
                    who.to_owned()
                }
            },
            |(_, object)| (*object).to_owned(),
        )
}

/// A promise said without "I'll".
struct FramedPromise {
    /// Its task, as a clause from the verb on ("email the area manager tomorrow").
    task: String,
    /// "Right after this" in "Right after this I put the tape up".
    when: Option<String>,
    /// Where it is said in the sentence (bytes).
    start: usize,
    end: usize,
}

/// `verb` in lower case, as the speaker would say it of themselves when a team they lead does
/// it ("my crew clears": "clear"; "my guys press" is said so already).
fn base_of_team_verb(verb: &str, captures: &regex::Captures<'_>, language: &Language) -> String {
    let verb = verb.to_lowercase();
    let singular_team = captures
        .name("team")
        .is_some_and(|team| language.teams.contains(&team.as_str().to_lowercase().as_str()));
    if singular_team {
        base_of_third_person(&verb, language)
    } else {
        verb
    }
}

/// Whether the word after "I" is no doing in the present: a past ("I reached"), a word that is
/// no verb ("I also", "I really") or no plan ("I think", "I have"); not "I call", "I send".
fn no_present_doing(verb: &str, language: &Language) -> bool {
    let verb = verb.to_lowercase();
    (verb.ends_with(language.past_ending) && !language.past_ending_not.iter().any(|not| verb.ends_with(not)))
        || language.adverb_endings.iter().any(|ending| verb.ends_with(ending))
        || language.not_plans.contains(&verb.as_str())
        || language.stopwords.contains(&verb.as_str())
        || language.present_not_promises.contains(&verb.as_str())
}

/// The speaker's promises in `text` (`lower`: its ASCII lower case) said as what is under way
/// ("I'm ordering the kit today", "After this I call the Tuas side", by the team the speaker
/// leads: "My crew clears aisle twelve on Monday"), from the other end ("the
/// area manager gets an email from me tomorrow", "the committee is going to hear from me on
/// Thursday") or as a delivery by a time of something just discussed in the sentences `before`
/// it: "you'll have a draft of the notice tomorrow"; in order.
/// Each runs to the end of its own clause ("… and I'll book the room" is another). Not under a
/// condition or reported; not where someone will be ("I'm heading to Leeds tomorrow").
fn framed_promises(text: &str, lower: &str, before: &[Sentence], cues: &Cues) -> Vec<FramedPromise> {
    let language = cues.language;
    let dated =
        |rest: &str| due_in(rest, cues).is_some_and(|due| !due.to_lowercase().starts_with(language.duration_lead));
    let said_so = |start: usize| cues.reported.is_match(&lower[..start]) || is_contingent(&lower[..start], cues);
    // "He'll get a call from me if he's late again": no promise under a condition.
    let conditional = |clause: &str| is_contingent(clause, cues) || cues.condition.is_match(clause);
    let mut promises = Vec::new();
    // Read only when a delivery is promised.
    let mut discussed: Option<Vec<String>> = None;
    for captures in cues.commitment_ongoing.captures_iter(text) {
        let Some(whole) = captures.get(0) else {
            continue;
        };
        let rest = own_clause(captures.name("rest").map_or("", |m| m.as_str()), language);
        let ongoing = captures.name("verb").or(captures.name("soon_verb"));
        let (verb, when) = match (ongoing, captures.name("now"), captures.name("when")) {
            // "This sprint I'm adding a schema check": the time said first.
            (Some(ing), _, _) if captures.name("soon").is_some() => {
                (ing, captures.name("soon").map(|m| m.as_str().to_owned()))
            }
            (Some(ing), _, _) if dated(rest) => (ing, None),
            (None, Some(now), when) => (now, when.map(|when| when.as_str().to_owned())),
            // "I call the agency again today.", "My crew clears aisle twelve on Monday.": the
            // present for a promise with its time.
            (None, None, _) => match captures.name("plain").or(captures.name("team_plain")) {
                Some(plain)
                    if dated(rest)
                        && !cues.habitual.is_match(rest)
                        // "my team has", "my crew suggests": no doing, said or as the speaker
                        // would say it.
                        && !no_present_doing(plain.as_str(), language)
                        && !no_present_doing(&base_of_team_verb(plain.as_str(), &captures, language), language) =>
                {
                    (plain, None)
                }
                _ => continue,
            },
            _ => continue,
        };
        let verb_lower = base_of_team_verb(verb.as_str(), &captures, language);
        // The verb the task is said with: "ordering" is "order".
        let base = if ongoing.is_some() {
            base_of_ing(&verb_lower, cues)
        } else {
            verb_lower.clone()
        };
        // "I'm taking the refund numbers to the finance sync tomorrow", not "I'm taking Friday off".
        if language.not_tasks.contains(&verb_lower.as_str())
            || language.not_plans.contains(&base.as_str())
            || !ongoing_is_work(&verb_lower, &base, rest, language)
            || language.not_plans.contains(&verb_lower.as_str())
            || !acts_on_something(&verb_lower, rest, language)
            || conditional(rest)
            || said_so(verb.start())
        {
            continue;
        }
        let verb = if ongoing.is_some() || captures.name("team_plain").is_some() {
            base
        } else {
            verb.as_str().to_owned()
        };
        let end = whole.end() - (captures.name("rest").map_or(0, |m| m.as_str().len()) - rest.len());
        promises.push(FramedPromise {
            task: format!("{verb}{rest}"),
            when,
            start: ongoing.or(captures.name("now")).map_or(whole.start(), |m| m.start()),
            end,
        });
    }
    for captures in cues.from_me.captures_iter(text) {
        let (Some(whom), Some(whole)) = (captures.name("whom"), captures.get(0)) else {
            continue;
        };
        let full_rest = captures.name("rest").map_or("", |m| m.as_str());
        let rest = own_clause(full_rest, language);
        let doing = match captures.name("what") {
            Some(what) => {
                let what = what.as_str().to_lowercase();
                match language.from_me_doing.iter().find(|(said, _)| *said == what) {
                    Some((_, doing)) => *doing,
                    None => continue,
                }
            }
            None => language.heard_from_me_doing,
        };
        let nobody = language.nobody_reached.contains(&whom.as_str().to_lowercase().as_str());
        // "I'll make sure he hears that from me": the speaker's own promise already holds it.
        let clause_before = lower[..whom.start()].rsplit([',', ';']).next().unwrap_or("");
        if nobody || conditional(full_rest) || said_so(whom.start()) || cues.commitment.is_match(clause_before) {
            continue;
        }
        promises.push(FramedPromise {
            task: format!("{doing} {}{rest}", object_form(whom.as_str(), language)),
            when: None,
            start: whom.start(),
            end: whole.end() - (full_rest.len() - rest.len()),
        });
    }
    for captures in cues.delivery_promised.captures_iter(text) {
        let Some(thing) = captures.name("thing") else {
            continue;
        };
        let kept = own_clause(thing.as_str(), language);
        let said = kept.to_lowercase();
        let refused = language
            .not_delivered
            .iter()
            .any(|word| said == *word || said.starts_with(&format!("{word} ")));
        // "You'll have it tomorrow", "You'll have the quote by Friday" of a quote just
        // discussed; not "You'll have a great time on Friday".
        let first = said.split_whitespace().next().unwrap_or("");
        let known = language.back_references.contains(&first) || {
            let discussed = discussed.get_or_insert_with(|| discussed_before(before, cues));
            content_words(kept, cues)
                .iter()
                .any(|word| said_before(word, discussed))
        };
        if refused || !known || !dated(kept) || conditional(thing.as_str()) || said_so(thing.start()) {
            continue;
        }
        promises.push(FramedPromise {
            task: format!("{} {kept}", language.delivery_doing),
            when: None,
            start: thing.start(),
            end: thing.start() + kept.len(),
        });
    }
    for captures in cues.object_first_promise.captures_iter(text) {
        if let Some(promise) = object_first(&captures, lower, cues) {
            promises.push(promise);
        }
    }
    for captures in cues.object_resumed.captures_iter(text) {
        if let Some(promise) = resumed_object(&captures, lower, cues) {
            promises.push(promise);
        }
    }
    promises.sort_by_key(|promise| promise.start);
    promises
}

/// A promise that names its thing first (`captures` of `Cues::object_first_promise` in `text`,
/// `lower` its ASCII lower case): "The sessions I'll schedule for the second week of November"
/// (schedule the sessions for the second week of November), "And the panels I'll chase up with
/// the Tennant Creek mob this arvo", "The landlord I'll talk to this arvo" (talk to the
/// landlord). Not a clause of its own before "I'll" ("The thing is I'll …", "That's why
/// I'll …"), a time ("The week after I'll …", "This time I'll bring the biscuits": the verb has
/// its own object), a verb that is no work ("The bit I'll need is …") or an adverb ("That part
/// I'll happily tell …"), the thing as the subject of what follows ("The one I'll miss is
/// Friday"), a preposition left alone ("The form I'll look at."), under a condition or
/// reported.
fn object_first(captures: &regex::Captures<'_>, lower: &str, cues: &Cues) -> Option<FramedPromise> {
    let language = cues.language;
    let (thing, verb, whole) = (captures.name("thing")?, captures.name("verb")?, captures.get(0)?);
    let rest = own_clause(captures.name("rest").map_or("", |m| m.as_str()), language);
    let words = text::lower_words(thing.as_str());
    let verb_said = verb.as_str().to_lowercase();
    let rest_words = text::lower_words(rest);
    let no_thing = words
        .iter()
        .skip(1)
        .any(|word| language.not_in_a_fronted_thing.contains(&word.as_str()))
        || due_in(thing.as_str(), cues).is_some();
    // "That part I'll happily tell my dispatchers": how the speaker feels about it, no verb.
    let no_work = language.not_tasks.contains(&verb_said.as_str())
        || language.adverb_endings.iter().any(|ending| verb_said.ends_with(ending));
    let thing_is_subject = rest_words
        .iter()
        .any(|word| language.copulas.contains(&word.as_str()) || language.not_plans.contains(&word.as_str()));
    // "This time I'll bring the biscuits", "That night I'll call Ana": the verb has its own
    // object, so what came first is when.
    let own_object = rest_words.first().is_some_and(|first| {
        language.determiners.contains(&first.as_str()) || language.object_pronouns.contains(&first.as_str())
    }) || rest.trim_start().starts_with(char::is_uppercase);
    // "The landlord I'll talk to this arvo": the thing goes after the verb's own preposition;
    // a preposition left with nothing ("The form I'll look at.") is no task to say.
    // Read from the words as said, not `rest_words`: those drop marks ("“to”"), so their
    // lengths are no offsets into `rest`.
    let said_rest = rest.trim_start();
    let (first_said, after_first) = said_rest.split_once(' ').unwrap_or((said_rest, ""));
    let preposition = Some(first_said.to_lowercase()).filter(|first| {
        language
            .verbs_with_their_preposition
            .contains(&(verb_said.as_str(), first.as_str()))
    });
    let dangling = rest_words.len() == 1 && language.dangling_prepositions.contains(&rest_words[0].as_str());
    if no_thing
        || no_work
        || thing_is_subject
        || own_object
        || dangling
        || is_contingent(rest, cues)
        || cues.condition.is_match(rest)
        || cues.reported.is_match(&lower[..thing.start()])
    {
        return None;
    }
    let (determiner, named) = thing.as_str().split_once(' ')?;
    let thing_said = format!("{} {named}", determiner.to_lowercase());
    let task = match preposition {
        Some(preposition) => format!("{verb_said} {preposition} {thing_said} {}", after_first.trim_start()),
        None => format!("{verb_said} {thing_said}{rest}"),
    };
    Some(FramedPromise {
        task: task.trim_end().to_owned(),
        when: None,
        start: thing.start(),
        end: whole.end() - (captures.name("rest").map_or(0, |m| m.as_str().len()) - rest.len()),
    })
}

/// A promise that names its thing first and then points back to it (`captures` of
/// `Cues::object_resumed` in `text`, `lower` its ASCII lower case): "The trial master file gap
/// list, I'll take that on with the CRO" (take on the trial master file gap list with the CRO),
/// "The agenda, I'll send it on Monday", "The canteen and an extra bus, I'll sort both": a thing
/// opens with a determiner or a number, or lists things. A clause said first that leaves work
/// to do, with a general promise, is the task as said ("His care plan needs updating too, I'll
/// do that before the review"). Not an assent ("Fine, I'll take it") or a name called ("Ess,
/// I'll do it after the exercise"), which answer what was asked; not a filler ("Worst case,
/// I'll do it myself"), a time ("Tomorrow, I'll do it"), what only points back ("That one, I'll
/// do it"), everything or nothing ("Anything else, I'll handle it"), a clause of what is or
/// will be with a promise of its own ("The van is full, I'll sort it", "The client will be
/// furious, I'll call them"), "that" before a thing ("…, I'll do that report"), a verb that is
/// no work ("The budget, I'll leave that to you"), under a condition or reported.
fn resumed_object(captures: &regex::Captures<'_>, lower: &str, cues: &Cues) -> Option<FramedPromise> {
    let language = cues.language;
    let (thing, verb, whole) = (captures.name("thing")?, captures.name("verb")?, captures.get(0)?);
    let verb_said = verb.as_str().to_lowercase();
    let rest = own_clause(captures.name("rest").map_or("", |m| m.as_str()), language);
    // Leading parts that answer or call someone ("Yeah, the canteen", "Tom, the fixtures") are
    // not the thing.
    let mut parts: Vec<&str> = thing.as_str().split(", ").collect();
    while parts.first().is_some_and(|part| {
        let part_words = text::lower_words(part);
        cues.agreement.is_match(part)
            || (part_words.len() == 1 && only_a_name(part.trim(), cues))
            || part_words
                .iter()
                .all(|word| language.plain_yes.contains(&word.as_str()))
    }) {
        parts.remove(0);
    }
    let said = parts.join(", ");
    let words = text::lower_words(&said);
    // One word is too often an interjection or a name ("Grand, I'll sell them").
    if words.len() < 2 {
        return None;
    }
    let first = words.first()?;
    let only_a_time = due_in(&said, cues).is_some_and(|due| text::lower_words(&due).len() >= words.len());
    let points_back = language.back_references.contains(&first.as_str())
        || language.subject_pronouns.contains(&first.as_str())
        || words.iter().all(|word| language.stopwords.contains(&word.as_str()));
    let a_clause = words.iter().skip(1).any(|word| {
        language.not_in_a_fronted_thing.contains(&word.as_str()) || language.clause_verbs.contains(&word.as_str())
    });
    // "…, I'll do that report": "that" is the report's, not the thing's.
    let rest_words = text::lower_words(rest);
    let pointer = captures.name("pointer")?.as_str().to_lowercase();
    let preposition = captures.name("preposition").map(|m| m.as_str().to_lowercase());
    let work_with_preposition = preposition.as_deref().is_some_and(|preposition| {
        language
            .tasks_with_their_preposition
            .contains(&(verb_said.as_str(), preposition))
    });
    // A clause is the work only when the promise is a general one ("I'll do that", "I'll see
    // to it"): "The client will be furious, I'll call them" calls the client.
    let work_pending = words
        .iter()
        .any(|word| language.pending_work_words.contains(&word.as_str()))
        && (language.bare_acceptance_verbs.contains(&verb_said.as_str()) || work_with_preposition);
    // A thing, not a filler ("Long story short", "Worst case", "Moving on, the agenda"): it
    // opens with a determiner or a number, or lists things.
    let a_thing = language.determiners.contains(&first.as_str())
        || language.numbers.contains(&first.as_str())
        || first.chars().all(|c| c.is_ascii_digit())
        || words.iter().any(|word| word == language.and);
    let pointer_is_a_determiner = !language.object_pronouns.contains(&pointer.as_str())
        && rest_words.first().is_some_and(|next| {
            !language.stopwords.contains(&next.as_str())
                && !language.verb_particles.contains(&next.as_str())
                && due_found(rest, cues).is_none_or(|due| !rest[..due.start].trim().is_empty())
        });
    if only_a_time
        || points_back
        || language.not_claimed_leads.contains(&first.as_str())
        || (a_clause && !work_pending)
        || (!a_clause && !a_thing)
        || pointer_is_a_determiner
        || (language.not_tasks.contains(&verb_said.as_str()) && !work_with_preposition)
        || preposition.as_deref().is_some_and(|preposition| {
            !language
                .verbs_with_their_preposition
                .contains(&(verb_said.as_str(), preposition))
        })
        || (language.not_plans.contains(&verb_said.as_str()) && !work_with_preposition)
        || is_contingent(&said.to_lowercase(), cues)
        || cues.condition.is_match(&said)
        || is_contingent(rest, cues)
        || cues.condition.is_match(rest)
        || cues.reported.is_match(&lower[..thing.start()])
    {
        return None;
    }
    let end = whole.end() - (captures.name("rest").map_or(0, |m| m.as_str().len()) - rest.len());
    let start = whole.start() + whole.as_str().find(said.as_str())?;
    if a_clause {
        return Some(FramedPromise {
            task: said,
            when: due_in(rest, cues),
            start,
            end,
        });
    }
    // The thing as said, its first word lowered where it is a common word ("Network, wifi …").
    let thing_said = match said.split_once(' ') {
        _ if !cues.word_ranks.contains_key(first.as_str()) => said.clone(),
        Some((lead, named)) if lead.chars().skip(1).all(|c| !c.is_uppercase()) => {
            format!("{} {named}", lead.to_lowercase())
        }
        None if said.chars().skip(1).all(|c| !c.is_uppercase()) => said.to_lowercase(),
        _ => said.clone(),
    };
    // A particle goes before the thing ("take that on with the CRO": take on the …) where
    // nothing follows it or a preposition does; otherwise it opens a time or a place ("send it
    // on Monday", "look after them in the morning") and stays with the rest.
    let particle = captures.name("particle").map(|m| m.as_str().to_lowercase());
    let particle_ends_the_verb = preposition.is_none()
        && rest_words.first().is_none_or(|next| {
            language.dangling_prepositions.contains(&next.as_str())
                || language.due_leads.contains(&next.as_str())
                || next == language.and
        });
    let (linking, rest) = match (preposition, particle) {
        (Some(preposition), Some(particle)) => (format!(" {preposition}"), format!(" {particle}{rest}")),
        (Some(preposition), None) => (format!(" {preposition}"), rest.to_owned()),
        (None, Some(particle)) if particle_ends_the_verb => (format!(" {particle}"), rest.to_owned()),
        (None, Some(particle)) => (String::new(), format!(" {particle}{rest}")),
        (None, None) => (String::new(), rest.to_owned()),
    };
    Some(FramedPromise {
        task: format!("{verb_said}{linking} {thing_said}{rest}").trim_end().to_owned(),
        when: None,
        start,
        end,
    })
}

/// Work the speaker claims as theirs in `text` (`lower`: its ASCII lower case): "Telling the
/// commoners' association is my department" (tell the commoners' association), "And the routing
/// template is my job" (the routing template, as "Procurement's my job" is taken: `placed_item`),
/// "The TikTok plan, that's my job anyway", "A roofer up there, that one's on my list", "The
/// clinical narrative, I've got it", "Since it's
/// happening anyway, the scope doc is mine to write" (what `placed_item` reads is its own);
/// dated by what follows the claim ("…, by Friday"). Not what only refers back ("That's my
/// job", "This bit is my problem"), what is no work ("The mistake, that's my problem"), nor what
/// someone else said.
fn claimed_job(text: &str, lower: &str, cues: &Cues) -> Option<FramedPromise> {
    let language = cues.language;
    let captures = cues.claimed_job.captures(text)?;
    let (whole, thing) = (
        captures.get(0)?,
        captures
            .name("thing")
            .or_else(|| captures.name("thing_before"))
            .or_else(|| captures.name("doing_before"))
            .or_else(|| captures.name("thing_mine"))?,
    );
    let said = thing.as_str().trim();
    let words = text::lower_words(said);
    let first = words.first()?;
    let refers_back = language.back_references.contains(&first.as_str())
        || language.subject_pronouns.contains(&first.as_str())
        || words.iter().all(|word| language.stopwords.contains(&word.as_str()));
    // "No worries, leave it with me", "Anything urgent can come to me": an assent or a routing,
    // no work; "The mistake, that's my problem" and "Missing the deadline, that's on me" own a
    // fault.
    let no_work = language.not_claimed_leads.contains(&first.as_str())
        || owns_no_work(said, language)
        || language.not_orders.contains(&first.as_str())
        || cues.agreement.is_match(said)
        || captures
            .name("doing_before")
            .is_some_and(|_| language.not_tasks.contains(&base_of_ing(first, cues).as_str()));
    // "The pairing exercise is mine to design." opens as `placed_item` reads it, dated from the
    // sentence after.
    let placed = captures.name("mine_verb").is_some() && cues.placed.is_match(text);
    // "The clinical narrative, I've got it." ends its clause ("The receipts, I've got them in
    // the car" says where they are); "The missed bins, that's me with photos" goes on with how
    // or when, but "The last slide, that's me done" says the speaker's state.
    let after = text::lower_words(&text[whole.end()..]);
    let claim_trails = (captures.name("got").is_some()
        && !text[whole.end()..].trim_start().is_empty()
        && !text[whole.end()..].trim_start().starts_with([',', '.', ';', '!', '?']))
        || (captures.name("me_doing").is_some()
            && after
                .first()
                .is_some_and(|next| language.not_claim_after.contains(&next.as_str()) || reads_past(next, language)));
    if refers_back || no_work || placed || claim_trails || cues.reported.is_match(&lower[..thing.start()]) {
        return None;
    }
    // "The scope doc is mine to write": the verb said, then the thing ("write the scope doc");
    // "Telling the association": the doing itself; "the routing template": the thing, as said.
    let task = match (captures.name("mine_verb"), said.split_once(' ')) {
        (Some(verb), Some((lead, rest))) if language.stopwords.contains(&first.as_str()) => {
            format!("{} {} {rest}", verb.as_str().to_lowercase(), lead.to_lowercase())
        }
        (Some(verb), _) => format!("{} {said}", verb.as_str().to_lowercase()),
        (None, Some((doing, rest))) if first.ends_with("ing") && !language.stopwords.contains(&first.as_str()) => {
            format!("{} {rest}", base_of_ing(&doing.to_lowercase(), cues))
        }
        (None, _) => said.to_owned(),
    };
    Some(FramedPromise {
        task,
        when: due_in(own_clause(&text[whole.end()..], language), cues),
        start: thing.start(),
        end: whole.end(),
    })
}

/// Work the speaker names themselves as doing by a time, said of the thing or of who gets it:
/// "And the truncation bugs get logged by me today, with screenshots.", "A letter to every rep
/// goes out under my name this week.", "The holiday grid gets posted Monday, from my desk.",
/// "The visit slots come back with me on Thursday." The task is the sentence, without its time.
/// Not "Friday's fine by me", "Nothing more from me", what was done ("The bugs were logged by
/// me yesterday"), under a condition, hedged, denied or reported.
fn done_by_the_speaker(sentence: &Sentence, text: &str, lower: &str, cues: &Cues) -> Option<Found> {
    let speaker = sentence.speaker.clone()?;
    let captures = cues.speaker_as_doer.captures(lower)?;
    let before = captures.name("before")?.as_str();
    let named_at = captures.get(0)?;
    // Up to the end of the clause that names the speaker: what follows is another matter
    // ("…, so nobody closes them as won't-fix").
    let end = text::clause_ranges(text)
        .into_iter()
        .map(|(_, end)| end)
        .find(|&end| end >= named_at.end())
        .unwrap_or(text.len());
    let said = &lower[..end];
    let due = due_in(&text[..end], cues);
    let dated = due
        .as_deref()
        .is_some_and(|due| !due.to_lowercase().starts_with(cues.language.duration_lead));
    // "Run the slides by me before Friday.", "Please check back with me on Monday.": asked of
    // the one spoken to.
    if !dated
        || cues.request.is_match(said)
        || cues.language.not_doing_before_speaker.contains(&before)
        || cues.past_in(lower).is_some()
        || says_what_was_done(&text[..end], cues.language)
        || cues.hedge.is_match(said)
        || cues.negation.is_match(said)
        || text::lower_words(said).iter().any(|word| {
            cues.language.nobody.contains(&word.as_str()) || cues.language.nobody_reached.contains(&word.as_str())
        })
        || cues.condition.is_match(said)
        || is_contingent(said, cues)
        || cues.reported.is_match(&lower[..named_at.start()])
    {
        return None;
    }
    let start = cues
        .language
        .clause_joins
        .iter()
        .filter_map(|join| lower.strip_prefix(&format!("{join} ")).map(|_| join.len() + 1))
        .next()
        .unwrap_or(0);
    let mut done = item_of_clause(Owner::Known(speaker), text[start..end].trim(), start, end, cues, 0.7);
    done.due = done.due.or(due);
    Some(done)
}

/// Work someone the meeting knows by name is said to do by a time, in the present, as a chair
/// hands it out without "will" or "can you": "Tamsin chases Penryn Marine for that quote this
/// week", "Mai is sending the buyer the list this week", or with no time when summed up ("So
/// Tanya books the gas technician.") or when whoever does it is in the meeting ("Yvette writes
/// that check.", "Cody's frying the fish": someone present told what they do, where a name only
/// said might be a firm's, "Lexica fixes it"), or of someone away by a time when the word can
/// only be a name ("Greg confirms the quantity to us in writing today", not "Treasury puts it
/// on the rate sheet on Monday" nor "Shard prices have dropped since Wednesday"); with who does
/// it, in order. Each runs
/// to the end of its own clause. Not a habit ("Marcus pulls the log every Friday"), where
/// someone will be ("Aino is flying to Oulu on Monday"), a verb of thinking or being, under a
/// condition or reported.
fn named_promises(
    sentences: &[Sentence],
    at: usize,
    text: &str,
    lower: &str,
    heard: &Heard,
    cues: &Cues,
) -> Vec<(String, FramedPromise)> {
    let language = cues.language;
    let conditional = |clause: &str| is_contingent(clause, cues) || cues.condition.is_match(clause);
    let mut promises = Vec::new();
    // Each try starts past the verb of the last one, so that a clause turned down leaves the
    // next name in the sentence to be read ("Marcus thinks it's fine, and Tamsin chases …").
    let mut from = 0;
    while let Some(captures) = cues.named_doing.captures_at(text, from) {
        let (Some(who), Some(whole), Some(verb)) = (
            captures.name("who"),
            captures.get(0),
            captures.name("verb").or_else(|| captures.name("plain")),
        ) else {
            break;
        };
        from = who.end();
        let full_rest = captures.name("rest").map_or("", |m| m.as_str());
        let rest = before_next_clause(own_clause(full_rest, language), language);
        let said = verb.as_str().to_lowercase();
        let base = if captures.name("verb").is_some() {
            base_of_ing(&said, cues)
        } else {
            base_of_third_person(&said, language)
        };
        let before = &lower[..who.start()];
        // By a time, or before an event said as a clause of its own ("Owen pulls the results onto
        // one page, before Siobhan starts writing").
        let dated = due_in(rest, cues).is_some_and(|due| !due.to_lowercase().starts_with(language.duration_lead))
            || event_in(full_rest, cues).is_some()
            || cues.due_event.is_match(rest.trim_end());
        // "So Tanya books the gas technician.": who does what, summed up or said of someone in
        // the meeting, needs no time.
        let leads = text::lower_words(before);
        let summed_up = leads.last().is_some_and(|last| last == language.so_word)
            && leads
                .iter()
                .all(|word| language.decision_leads.contains(&word.as_str()));
        // A verb is in lower case: "Tamsin Jones" is one name.
        if verb.as_str().chars().next().is_some_and(char::is_uppercase)
            || !(names_someone(who.as_str(), &sentences[at], heard, cues)
                || (dated && only_a_name(who.as_str(), cues) && cues.past_in(full_rest).is_none()
                    && !says_what_was_done(full_rest, language)))
            || !(dated || summed_up || heard.speaks(who.as_str()))
            // Said of someone present with no time, not what they do in the meeting ("Raj walks
            // us through the numbers").
            || (!(dated || summed_up) && language.in_meeting.contains(&base.as_str()))
            || language.not_third_person.contains(&said.as_str())
            || !ongoing_is_work(&said, &base, rest, language)
            || language.not_tasks.contains(&base.as_str())
            || language.not_plans.contains(&base.as_str())
            || language.present_not_promises.contains(&base.as_str())
            || !acts_on_something(&base, rest, language)
            || cues.habitual.is_match(rest)
            || conditional(rest)
            || conditional(before)
            || cues.reported.is_match(before)
        {
            continue;
        }
        let end = whole.end() - (full_rest.len() - rest.len());
        from = end;
        promises.push((
            who.as_str().to_owned(),
            FramedPromise {
                task: format!("{base}{rest}"),
                when: None,
                start: verb.start(),
                end,
            },
        ));
    }
    promises
}

/// "Batbold, the list of drivers to payroll by the twentieth, otherwise it slips into January.",
/// "Vikram, RCA document, Friday EOD.": a thing handed to someone in the meeting called by name
/// as the sentence opens, by someone else, in clauses without a verb and with a date to do it
/// by (to the first clause with a verb). Without a date a name and a thing hand over the floor
/// ("Marta, direct bookings.", "Nuno, the menu first."); praise or a wish ("Priya, good work on
/// Saturday") hands over nothing. When they answer, the answer says whether they took it on
/// (`put_to_and_taken`); this is the chair handing out work the room does not stop to answer.
fn handed_over_with_a_date(
    sentences: &[Sentence],
    at: usize,
    text: &str,
    lower: &str,
    heard: &Heard,
    cues: &Cues,
) -> Option<Found> {
    let sentence = &sentences[at];
    let who = cues.name_called(&sentence.words)?;
    // Answered by them, it is theirs only if the answer takes it on (`put_to_and_taken`); so it
    // waits for the next turn, which must be someone else's (live, what a later turn says can
    // only add a finding, never take one back).
    let next_is_someone_elses = text::next_turn_from_someone_else(sentences, at)
        .first()
        .is_some_and(|reply| reply.speaker.as_deref() != Some(who.as_str()));
    // The name opens the sentence ("…, Kees." at its end calls, it does not hand over).
    let rest = without_name_called(text, &who, cues);
    if rest.len() == text.len()
        || !text.ends_with(rest)
        || !next_is_someone_elses
        || sentence.is_question()
        || sentence.speaker.as_deref() == Some(who.as_str())
        || !heard.speaks(&who)
        || cues.request.is_match(text)
        || cues.past_in(lower).is_some()
        || cues.negation.is_match(lower)
        || cues.condition.is_match(lower)
    {
        return None;
    }
    // Up to the first clause with a verb.
    let mut taken = 0;
    for clause in rest.split(", ") {
        if cues.has_a_verb(&text::lower_words(clause)) {
            break;
        }
        taken = (taken + clause.len() + ", ".len()).min(rest.len());
    }
    let handed = rest[..taken].trim_end_matches([',', ' ', '.', '!']);
    // "Priya, good work on Saturday", "Rui, good luck finding your volunteer" hand over nothing.
    let first = text::lower_words(handed).into_iter().next()?;
    if cues.language.not_orders.contains(&first.as_str()) || due_in(handed, cues).is_none() {
        return None;
    }
    let start = text.len() - rest.len();
    let item = item_of_clause(Owner::Known(who), handed, start, start + handed.len(), cues, 0.7);
    // "Bob, by Wednesday please." dates what was said before; it hands over nothing new.
    (!item.task.is_empty()).then_some(item)
}

/// "Declan, you're ringing her today to tell her", "Josh, you'll rejig teams three and six",
/// "Camila, you feed her the marketing claims": work told, in the second person, to someone in
/// the meeting called by name as the sentence opens, by someone else. Unlike an order ("Jesper,
/// count the spares"), it needs no reply to be theirs: it says what they will be doing. The
/// verb does something to something. Not a question, a condition, the past, a negation, a habit
/// or what others said, nor what they know, feel or are ("Tom, you know the numbers", "Ana,
/// you'll love this", "Sofia, you're joking", "Raj, you're doing great").
fn told_by_name(
    sentences: &[Sentence],
    at: usize,
    text: &str,
    lower: &str,
    heard: &Heard,
    cues: &Cues,
) -> Option<(String, FramedPromise)> {
    let language = cues.language;
    let sentence = &sentences[at];
    let captures = cues.told_doing.captures(text)?;
    let (who, verb, whole) = (captures.name("who")?, captures.name("verb")?, captures.get(0)?);
    let full_rest = captures.name("rest").map_or("", |m| m.as_str());
    let rest = before_next_clause(own_clause(full_rest, language), language);
    let said = verb.as_str().to_lowercase();
    let ongoing = captures.name("ongoing").is_some();
    if ongoing != said.ends_with(language.ing_ending) {
        return None;
    }
    // "Kwame, you nominated him" says what was done; "Thandiwe, you first" who speaks next.
    let present = captures.name("future").is_none() && !ongoing;
    if present && (no_present_doing(&said, language) || language.ordinals.contains(&said.as_str())) {
        return None;
    }
    let base = if ongoing {
        base_of_ing(&said, cues)
    } else {
        said.clone()
    };
    let after: Vec<String> = rest.split_whitespace().take(2).map(str::to_lowercase).collect();
    // "Raj, you're doing a great job" praises.
    let praise = after.iter().any(|word| language.not_orders.contains(&word.as_str()));
    let names_a_thing = !praise
        && (acts_on_something(&base, rest, language)
            || (rest.split_whitespace().count() >= 2 && after.first().is_some_and(|first| !cues.is_stopword(first))));
    if sentence.is_question()
        || sentence.speaker.as_deref() == Some(who.as_str())
        || !names_someone(who.as_str(), &sentences[at], heard, cues)
        || !names_a_thing
        || (ongoing && !ongoing_is_work(&said, &base, rest, language))
        || language.not_orders.contains(&base.as_str())
        || promises_nothing(&base, rest, cues)
        || language.not_tasks.contains(&base.as_str())
        || language.not_plans.contains(&base.as_str())
        || language.present_not_promises.contains(&base.as_str())
        || language.in_meeting.contains(&base.as_str())
        || cues.request.is_match(text)
        || cues.past_in(lower).is_some()
        || cues.negation.is_match(lower)
        || cues.hedge.is_match(lower)
        || cues.reported.is_match(lower)
        || cues.condition.is_match(lower)
        || cues.habitual.is_match(rest)
        || is_contingent(rest, cues)
        || says_what_was_done(&format!("{base}{rest}"), language)
    {
        return None;
    }
    let end = whole.end() - (full_rest.len() - rest.len());
    Some((
        who.as_str().to_owned(),
        FramedPromise {
            task: format!("{base}{rest}"),
            when: None,
            start: verb.start(),
            end,
        },
    ))
}

/// `rest` up to the next clause joined by a comma and a conjunction ("…, and if they've gone
/// cold, …" is another clause's condition).
fn before_next_clause<'a>(rest: &'a str, language: &Language) -> &'a str {
    let lower = rest.to_ascii_lowercase();
    language
        .clause_joins
        .iter()
        .filter_map(|join| lower.find(&format!(", {join} ")))
        .min()
        .map_or(rest, |at| &rest[..at])
}

/// Whether `word` can only be a name: capitalised and no word of the language ("Sigrid",
/// "Greg"; not "Treasury", "Sunset", "Eleven", which open sentences too), with no capital
/// inside a part ("Fatima-Zahra"; not a product, "CloudTrail", at the cost of "McKenzie"). A
/// firm whose name is no word passes ("Acme"): the price of reading people who are away.
fn only_a_name(word: &str, cues: &Cues) -> bool {
    cues.could_be_name(word)
        && !cues.word_ranks.contains_key(word.to_lowercase().as_str())
        && word
            .split('-')
            .all(|part| part.chars().skip(1).all(|c| !c.is_uppercase()))
}

/// Whether `who` is a name the meeting knows ("Tamsin", "Fatima-Zahra"): a speaker's, or said
/// in the meeting so far other than in `sentence` ("Okay, Acme sends the quote by Friday." names
/// no one known), not a day.
fn names_someone(who: &str, sentence: &Sentence, heard: &Heard, cues: &Cues) -> bool {
    let lower = who.to_lowercase();
    let said_here = sentence.words.iter().skip(1).filter(|word| word.raw == who).count();
    (cues.could_be_name(who) || heard.speaks(who))
        && !cues.language.weekdays.contains(&lower.as_str())
        && !cues.language.months.contains(&lower.as_str())
        && (heard.speaks(who) || heard.said(who) > said_here)
}

/// The verb a third-person form is of: "chases" "chase", "carries" "carry", "pushes" "push".
fn base_of_third_person(verb: &str, language: &Language) -> String {
    language
        .third_person_endings
        .iter()
        .find_map(|(ending, base)| verb.strip_suffix(ending).map(|stem| format!("{stem}{base}")))
        .unwrap_or_else(|| verb.to_owned())
}

/// Whether what follows a verb someone is said to do is what it does something to: as after a
/// promise ("the list", "it", "in the new starters"), a number of things ("three test tiles") or
/// a name ("Penryn Marine"), not a day ("Monday"), an age ("40 on Saturday") or, past a
/// particle, a place ("in Singapore").
fn acts_on_something(verb: &str, rest: &str, language: &Language) -> bool {
    let mut words = rest.split_whitespace();
    does_something_to(verb, rest, language)
        || words.next().is_some_and(|first| {
            let lower = first.trim_end_matches([',', ';', ':']).to_lowercase();
            let a_number = language.numbers.contains(&lower.as_str())
                || (!lower.is_empty() && lower.chars().all(|c| c.is_ascii_digit()));
            // "three test tiles": a number of things, not "40 on Saturday".
            let of_things = words
                .next()
                .is_some_and(|next| !language.stopwords.contains(&next.to_lowercase().as_str()));
            (a_number && of_things)
                || (first.chars().next().is_some_and(char::is_uppercase)
                    && !a_number
                    && !language.weekdays.contains(&lower.as_str())
                    && !language.months.contains(&lower.as_str()))
        })
}

/// Whether `said` (normalised) holds an item of its own ("I'll …", "that's me", "it's on me"):
/// no sentence beside another item to lend it a task or a time.
fn is_an_item_of_its_own(said: &str, cues: &Cues) -> bool {
    cues.commitment.is_match(said) || cues.hand_over.is_match(said) || cues.placed.is_match(said)
}

/// Whether a thing said only points at work said elsewhere ("that one", "those three", "both
/// of those"): no word of its own but numbers.
fn points_only(thing: &str, cues: &Cues) -> bool {
    content_words(thing, cues)
        .iter()
        .all(|word| cues.language.numbers.contains(&word.as_str()))
}

/// An event said as a due date, a clause of its own in `text` ("…, before the first named
/// storm, …", "…, before anybody signs."; not "… but I'd like someone to check it before it
/// goes out", someone else's part).
fn event_in(text: &str, cues: &Cues) -> Option<String> {
    text.split([',', ';', '.', '?', '!'])
        .find_map(|clause| cues.due_event.find(clause.trim()).filter(|event| event.start() == 0))
        .map(|event| event.as_str().trim().to_owned())
}

/// A due date said in `text`, or an event as one ("before we leave this room").
fn due_or_event(text: &str, cues: &Cues) -> Option<String> {
    let text = text.trim_end().trim_end_matches(['.', '!', '?', ',', ';']);
    due_in(text, cues).or_else(|| cues.due_event.find(text).map(|found| found.as_str().trim().to_owned()))
}

/// "The paper is half written on my laptop already, and it'll be finished before eleven.",
/// "Before the end of the month it will be in.": a thing the speaker says will be done by a
/// time is their promise when it is handed to the one spoken to ("It'll be with you by
/// Monday") or the speaker speaks of their own doing in it or in the sentence before it in the
/// turn (a first-person word: "The parts will be in by Friday." alone is news of someone else's
/// work). The task is the thing finished or, when only pointed at ("it", "they"), the clause or
/// sentence before it in the turn, unless that sentence is an item of its own. Not a question,
/// under a condition, hedged, denied or reported.
fn result_promised(sentences: &[Sentence], at: usize, text: &str, lower: &str, cues: &Cues) -> Option<Found> {
    let sentence = &sentences[at];
    let speaker = sentence.speaker.clone()?;
    if sentence.is_question() {
        return None;
    }
    let captures = cues.result_promised.captures(text)?;
    let whole = captures.get(0)?;
    let thing = captures.name("thing")?;
    let rest = captures.name("rest").map_or("", |m| m.as_str());
    let language = cues.language;
    let before = &lower[..thing.start()];
    if is_contingent(rest, cues)
        || is_contingent(before, cues)
        || cues.condition.is_match(lower)
        || cues.hedge.is_match(lower)
        || cues.negation.is_match(lower)
        || cues.reported.is_match(lower)
        || cues.past_in(lower).is_some()
    {
        return None;
    }
    let due =
        due_or_event(rest, cues).or_else(|| captures.name("fronted").and_then(|when| due_in(when.as_str(), cues)))?;
    // "It'll be with you by Monday": handed over by the speaker; else the speaker's own doing
    // said in the sentence or the one before it in the turn ("The paper is on my laptop. …").
    let handed_to_you = captures.name("to_you").is_some() || captures.name("comes").is_some();
    let before_in_turn = at
        .checked_sub(1)
        .map(|before| &sentences[before])
        .filter(|before| before.turn == sentence.turn);
    let own_doing = handed_to_you
        || [Some(sentence), before_in_turn].into_iter().flatten().any(|s| {
            s.words
                .iter()
                .any(|w| language.personal_leads.contains(&w.lower.as_str()))
        });
    if !own_doing {
        return None;
    }
    let thing_said = thing.as_str().trim();
    // "I'll be out of station for one week" says where someone will be.
    let thing_lower = thing_said.to_lowercase();
    if language.subject_pronouns.contains(&thing_lower.as_str())
        && !language.thing_pronouns.contains(&thing_lower.as_str())
    {
        return None;
    }
    let said_before = text[..whole.start()].trim().trim_end_matches([',', ';', ':']);
    let task = if !points_only(thing_said, cues) {
        // "finish the samples", the determiner in lower case after the verb.
        let thing_said = match thing_said.split_once(' ') {
            Some((first, rest)) if language.determiners.contains(&first.to_lowercase().as_str()) => {
                format!("{} {rest}", first.to_lowercase())
            }
            _ => thing_said.to_owned(),
        };
        format!("{} {thing_said}", language.result_doing)
    } else if content_words(said_before, cues).len() >= 2 {
        // "The paper is half written on my laptop already, and it'll be finished …"
        said_before.to_owned()
    } else {
        // The sentence before in the turn: a reply's "it" is the request's own item.
        let previous = &sentences[at.checked_sub(1)?];
        if previous.turn != sentence.turn || previous.is_question() {
            return None;
        }
        let said = cues.normalise(&previous.text);
        // "Let me rework the plan. It'll be done before we board.": the time of an item already
        // found there ("I'll …", "that's me"), which says when.
        if is_an_item_of_its_own(&said, cues)
            || cues.past_in(&said.to_ascii_lowercase()).is_some()
            || says_what_was_done(&said, language)
        {
            return None;
        }
        said.trim_end_matches(['.', '!', '?']).to_owned()
    };
    Some(Found {
        owner: Owner::Known(speaker),
        task: tidy_task(&task, language),
        due: Some(due),
        confidence: 0.6,
        clause_start: whole.start(),
        clause_end: whole.end(),
        needs_taker: false,
    })
}

/// `rest` up to where another clause with its own subject starts ("the kit today and I'll book
/// the room": "the kit today").
fn own_clause<'a>(rest: &'a str, language: &Language) -> &'a str {
    // ASCII lower case keeps byte offsets.
    let lower = rest.to_ascii_lowercase();
    let and = format!(" {} ", language.and);
    for (at, _) in lower.match_indices(&and) {
        let next = lower[at + and.len()..].split_whitespace().next().unwrap_or("");
        let subject = next.split('\'').next().unwrap_or("");
        if language.subject_pronouns.contains(&subject) {
            return rest[..at].trim_end_matches([',', ' ']);
        }
    }
    rest
}

/// Whether what follows a promised verb is what it does something to ("the kit", "to the
/// council" after "writing"), not where or how ("to Leeds", "like a baby").
fn does_something_to(verb: &str, rest: &str, language: &Language) -> bool {
    let mut words = rest.split_whitespace().map(str::to_lowercase).peekable();
    // "tape off the bay": past the verb's particle.
    words.next_if(|word| language.verb_particles.contains(&word.as_str()));
    match words.next() {
        Some(first) if first == language.to_word => language.to_object_verbs.contains(&verb),
        Some(first) => language.promised_object_leads.contains(&first.as_str()),
        None => false,
    }
}

/// Whether `ing` (its verb `base`, then `rest`) is someone's work going on: not where they are
/// or what they think ("running late", "coming on Friday"), unless it is a verb that is work
/// with a thing to do it to ("running the float schedule", "telling the warehouse"; not "taking
/// a day off", "getting the train").
fn ongoing_is_work(ing: &str, base: &str, rest: &str, language: &Language) -> bool {
    if !language.ongoing_not_tasks.contains(&ing) {
        return true;
    }
    let thing = rest
        .split_whitespace()
        .map(|word| word.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
        .find(|word| {
            !language.promised_object_leads.contains(&word.as_str())
                && !language.verb_particles.contains(&word.as_str())
        });
    language.ongoing_work.contains(&ing)
        && does_something_to(base, rest, language)
        && thing.is_none_or(|thing| !language.ongoing_work_not_things.contains(&thing.as_str()))
}

/// `task` as what to do: one that opens with what is being done ("redoing the rota",
/// "checking the vans") opens with its verb instead ("redo the rota"); "bring", "ring" and
/// "string" are verbs, not "-ing" forms (no vowel, nor "y" as in "drying", before the "-ing").
/// None when an "-ing" word opens it that names a thing or a time ("meeting notes", "nothing
/// goes out", "during the week"): only one followed by what it acts on is being done.
pub fn as_what_to_do(task: &str, cues: &Cues) -> Option<String> {
    let language = cues.language;
    let (first, rest) = task.split_once(' ').unwrap_or((task, ""));
    let Some(stem) = first.strip_suffix("ing") else {
        return Some(task.to_owned());
    };
    if !stem.chars().any(|c| c == 'y' || language.vowels.contains(c)) {
        return Some(task.to_owned());
    }
    let next = rest.split_whitespace().next().unwrap_or_default().to_lowercase();
    let is_doing = first.chars().all(|c| c.is_ascii_lowercase())
        && !language.not_doings.contains(&first)
        && (language.determiners.contains(&next.as_str())
            || language.object_pronouns.contains(&next.as_str())
            || language.verb_particles.contains(&next.as_str()));
    is_doing.then(|| format!("{} {rest}", base_of_ing(first, cues)))
}

/// The verb an "-ing" form is of: "ordering" "order", "putting" "put", "writing" "write",
/// and, for a stem no word list names, "messaging" "message", "rewriting" "rewrite" (the
/// stem is no word of the language, the stem with "e" is: `Cues::word_ranks`).
fn base_of_ing(ing: &str, cues: &Cues) -> String {
    let language = cues.language;
    let stem = ing.strip_suffix("ing").unwrap_or(ing);
    if language.ing_drops_e.contains(&stem) {
        return format!("{stem}e");
    }
    if language.ing_stems_doubled.contains(&stem) {
        return stem.to_owned();
    }
    let mut chars = stem.chars().rev();
    match (chars.next(), chars.next()) {
        (Some(last), Some(before))
            if last == before && !language.kept_doubles.contains(last) && !language.vowels.contains(last) =>
        {
            stem[..stem.len() - last.len_utf8()].to_owned()
        }
        // "dying", "lying", "tying".
        (Some('y'), Some(_)) if stem.chars().count() == 2 => format!("{}ie", &stem[..stem.len() - 1]),
        _ => {
            let with_e = format!("{stem}e");
            let known = |word: &str| cues.word_ranks.contains_key(word);
            // A stem of one short vowel and one consonant would have doubled it ("sitting"), so
            // "noting", "coding" and "taping" drop an "e": "note", not "not".
            if known(&with_e) && (!known(stem) || one_short_syllable(stem, language)) {
                with_e
            } else {
                stem.to_owned()
            }
        }
    }
}

/// Whether `stem` is one syllable ending in a single vowel and a single consonant that is not
/// "w", "x" or "y" ("not", "cod", "tap"; not "eat", "fix", "open").
fn one_short_syllable(stem: &str, language: &Language) -> bool {
    let letters: Vec<char> = stem.chars().collect();
    let vowels = letters.iter().filter(|&&c| language.vowels.contains(c)).count();
    match letters.as_slice() {
        [.., before, vowel, last] => {
            vowels == 1
                && language.vowels.contains(*vowel)
                && !language.vowels.contains(*before)
                && !language.vowels.contains(*last)
                && !"wxy".contains(*last)
        }
        _ => false,
    }
}

/// The fewest letters of a word that may name what was discussed ("fog").
const CONTENT_WORD_MIN_CHARS: usize = 3;

/// How many sentences before a promise may say what it delivers.
const DISCUSSED_SENTENCES: usize = 4;

/// The words of the last few sentences of `before` that are not stopwords.
fn discussed_before(before: &[Sentence], cues: &Cues) -> Vec<String> {
    before[before.len().saturating_sub(DISCUSSED_SENTENCES)..]
        .iter()
        .flat_map(|sentence| content_words(&sentence.text, cues))
        .collect()
}

/// The words of `text` that are not stopwords, even short ones ("fog").
fn content_words(text: &str, cues: &Cues) -> Vec<String> {
    text::lower_words(text)
        .into_iter()
        .filter(|word| word.chars().count() >= CONTENT_WORD_MIN_CHARS && !cues.is_stopword(word))
        .collect()
}

/// Whether `word` was said in `discussed`, singular or plural ("notice" of "notices").
fn said_before(word: &str, discussed: &[String]) -> bool {
    discussed
        .iter()
        .any(|said| text::singular(said) == text::singular(word))
}

/// Whether a promise names something of the task ("I'll have the notice up" of "put a notice up
/// in the waiting room"): a word that says something, in both.
fn about_the_task(promise: &str, task: &str, cues: &Cues) -> bool {
    let task_words = cues.telling_words(task);
    cues.telling_words(promise).iter().any(|word| task_words.contains(word))
}

/// "I'll cover it if Sam can't make it", "I'll fix it myself if nobody else does": an offer that
/// stands only if something does not happen.
fn is_contingent(clause: &str, cues: &Cues) -> bool {
    let clause = clause.to_lowercase();
    let words: Vec<&str> = clause.split_whitespace().collect();
    words
        .iter()
        .position(|word| *word == cues.language.condition_word)
        .is_some_and(|at| {
            let condition = &words[at + 1..];
            cues.negation.is_match(&condition.join(" "))
                || condition.iter().any(|word| cues.language.nobody.contains(word))
        })
}

/// A name the meeting knows: a speaker's, or a capitalised word said in the meeting so far other
/// than at the start of a sentence.
fn is_known_name(word: &str, heard: &Heard) -> bool {
    heard.speaks(word) || heard.said(word) > 0
}

/// "Oh, go on, I'll ring him" after "we need someone to ring the vicar": a commitment with the
/// open task's verb, or to something already named.
fn takes_on(text: &str, task: &str, cues: &Cues) -> bool {
    let task_verb = task.split_whitespace().next().unwrap_or("").to_lowercase();
    cues.commitment.captures(text).is_some_and(|captures| {
        let verb = captures.name("verb").map_or("", |m| m.as_str()).to_lowercase();
        let rest = captures.name("rest").map_or("", |m| m.as_str());
        (!task_verb.is_empty() && verb == task_verb)
            // "I'll do the twentieth", "I'll take the south side".
            || (cues.language.bare_acceptance_verbs.contains(&verb.as_str()) && !rest.trim().is_empty())
            || names_something_said(rest, cues.language)
    })
}

/// "Do you …", "do we …": a question, not an order.
fn starts_with_a_pronoun(rest: &str, language: &Language) -> bool {
    let first = rest.split_whitespace().next().unwrap_or("").to_lowercase();
    language.subject_pronouns.contains(&first.as_str())
}

/// "I'll send them over this afternoon": a commitment to something already named, said by
/// whoever just took an item on (the same item, with its due date).
fn refers_back(text: &str, cues: &Cues) -> bool {
    cues.commitment
        .captures(text)
        .is_some_and(|captures| names_something_said(captures.name("rest").map_or("", |m| m.as_str()), cues.language))
}

/// Whether `lower` (lower case) is advice on how things are always done ("You should always read
/// last year's letter first"), which asks for no work now.
fn is_advice(lower: &str, language: &Language) -> bool {
    language.advice.iter().any(|advice| lower.contains(advice))
}

/// The task and due date that a promise in reply (`promise`, from its verb on) gives a request
/// whose `task` names nothing but what was said before it ("Could you check that?" "I'll go
/// through all her papers next week."): none when the request names its work, or when the
/// promise too only points back ("I'll do it after this").
fn what_the_promise_names(task: &str, promise: &str, cues: &Cues) -> Option<(String, Option<String>)> {
    if !only_points_back(task, cues.language) || points_back_first(promise, cues.language) {
        return None;
    }
    let said = item_of_clause(Owner::Open, promise, 0, promise.len(), cues, 0.0);
    Some((said.task, said.due))
}

/// Whether a task names nothing but what was said before it ("check that", "sort it out").
fn only_points_back(task: &str, language: &Language) -> bool {
    let words: Vec<String> = task
        .split_whitespace()
        .skip(1)
        .map(|word| word.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
        .filter(|word| !language.verb_particles.contains(&word.as_str()))
        .collect();
    !words.is_empty() && language.back_references.contains(&words.join(" ").as_str())
}

/// Whether a task's object is something said before ("do it after this", "send them over").
fn points_back_first(task: &str, language: &Language) -> bool {
    task.split_once(' ')
        .is_some_and(|(_, rest)| names_something_said(rest, language))
}

/// Whether what follows a commitment's verb opens with a word for something already named
/// ("them over this afternoon", "a new one done").
fn names_something_said(rest: &str, language: &Language) -> bool {
    let rest = rest.trim().to_lowercase();
    language
        .back_references
        .iter()
        .any(|words| rest == *words || rest.starts_with(&format!("{words} ")))
}

/// A hypothetical before any commitment ("If it were up to me, I'd …", "I would have …").
fn is_hypothetical(lower: &str, cues: &Cues) -> bool {
    cues.hypothetical.find(lower).is_some_and(|m| {
        // "I'll draft it, but I'd like someone to check it": the commitment came first.
        let before = &lower[..m.start()];
        // "It'd be great if you could share it" is a request worded as a condition.
        let asked = cues
            .request
            .find_iter(lower)
            .any(|r| r.start() <= m.start() && r.end() >= m.end());
        !cues.commitment.is_match(before) && !asked
    })
}

/// A learned scorer's reading of the sentences: `score` rates the sentence at an index, and one
/// rated `bar` or above is work in its own right.
pub struct Rated<'a> {
    pub score: &'a dyn Fn(usize) -> f64,
    pub bar: f64,
}

/// An item the rules are less sure of than this stands only if the learned scorer does not
/// overrule it (`open_to_a_second_opinion`).
const SECOND_OPINION_BELOW: f32 = 0.9;

/// Whether the learned scorer may overrule `finding` (`second_opinion::upheld`): an item the
/// rules are less sure of than `SECOND_OPINION_BELOW`, unless it names both who does it and by
/// when ("Dev, let's have you pull the chart colours out into the theme file during the next
/// sprint."): the scorer reads no owners or dates, and such a sentence is plain work.
pub fn open_to_a_second_opinion(finding: &Finding) -> bool {
    matches!(&finding.body, FindingBody::ActionItem(item)
        if item.confidence < SECOND_OPINION_BELOW && !(item.owner.is_some() && item.due.is_some()))
}

/// Whether `finding` is a promise in the speaker's own words with no time to do it by ("I'll
/// find the belt loader."), which the learned scorer overrules at a stricter bar
/// (`UNDATED_PROMISE_VETO_BAR`): open to a second opinion, held as sure as a promise and owned
/// by whoever said it (not "Log it with the vendor, would you?" "Sure.", taken on by another).
pub fn an_undated_promise(finding: &Finding) -> bool {
    open_to_a_second_opinion(finding)
        && matches!(&finding.body, FindingBody::ActionItem(item)
            if item.confidence >= PROMISE_CONFIDENCE
                && item.due.is_none()
                && item.owner.is_some()
                && item.owner == item.said_by)
}

/// The sentences the learned scorer (`learned`, as `rated`) finds that are not part of an item already found (`found`, the rules'): work handed
/// out without the words the rules look for. A sentence just after an item or another such
/// sentence (`FOLLOWS_AN_ITEM_SENTENCES`) is taken as part of it (a reply taking it on, its date:
/// "Oh, sorry, yes. I'll do it right after this.", "Before the end of the month, if possible."),
/// not as another, unless it calls someone by name in the same turn as the sentence before. Until the meeting is over (`meeting_over`), a
/// sentence waits until the rules have read all the replies that could make it part of an
/// item (`FOLLOW_UP_SENTENCES`), so the live tracker hands on nothing the whole meeting would
/// not find.
///
/// The owner is the name the sentence calls ("Marta, the van and the crates.", "The van,
/// Marta."), else whoever takes it on in the next sentence ("Leave it with me."), else its
/// speaker; the task is the sentence without the name called and the words that only open it
/// ("So", "Okay,"); it is not a sign-off ("That's it from me."); the due date is the rules'
/// reading of the sentence, else of the next two ("Before Friday, ideally."), which then belong
/// to the item, unless one of them is a question, an item of its own or new work.
pub fn scored_items(
    sentences: &[Sentence],
    heard: &Heard,
    found: &[Finding],
    rated: &Rated<'_>,
    cues: &Cues,
    meeting_day: i64,
    meeting_over: bool,
) -> Vec<Finding> {
    let held = |sentence: &Sentence| found.iter().any(|f| holds(f, sentence));
    // Work in its own right: sure enough, and not the rules'. Whether it follows other work is
    // asked apart, of these, so that what a sentence is depends only on the few around it, as
    // the live window (which starts anywhere) sees them.
    let candidates: Vec<bool> = (0..sentences.len())
        .map(|at| {
            sentences[at].words.len() >= 3
                && !held(&sentences[at])
                && !is_advice(&sentences[at].text.to_lowercase(), cues.language)
                && !only_asks_for_it_now(&cues.normalise(&sentences[at].text), cues)
                && !only_dates_earlier_work(&sentences[at], cues)
                && !cues.sign_off.is_match(&cues.normalise(&sentences[at].text))
                && (rated.score)(at) >= rated.bar
        })
        .collect();
    let mut scored: Vec<Finding> = Vec::new();
    for (at, sentence) in sentences.iter().enumerate() {
        if !meeting_over && at + FOLLOW_UP_SENTENCES >= sentences.len() {
            break;
        }
        let next = sentences.get(at + 1);
        if !candidates[at] {
            continue;
        }
        let called = cues
            .name_called(&sentence.words)
            .or_else(|| called_last(sentences, at, heard, cues));
        // A name called in the same turn hands out work of its own, however close after other
        // work ("Marta, the chairs. Tom, the tables.").
        let follows_an_item = (at.saturating_sub(FOLLOWS_AN_ITEM_SENTENCES)..at).any(|b| {
            held(&sentences[b]) || (candidates[b] && !(called.is_some() && sentences[b].turn == sentence.turn))
        });
        if follows_an_item {
            continue;
        }
        let mut text_said = sentence.text.clone();
        let mut segments = sentence.seqs.clone();
        let due = due_in(&cues.normalise(&sentence.text), cues).or_else(|| {
            let later = sentences[at + 1..].iter().take(FOLLOWS_AN_ITEM_SENTENCES);
            let of_its_own = |later: &Sentence| {
                let text = cues.normalise(&later.text);
                later.is_question()
                    || held(later)
                    || cues.commitment.is_match(&text)
                    || cues.request.is_match(&text)
                    || cues.assignment.is_match(&text)
                    || cues.name_called(&later.words).is_some()
            };
            later
                .take_while(|later| !of_its_own(later))
                .enumerate()
                .find_map(|(n, later)| {
                    let due = due_of_reply(&cues.normalise(&later.text), cues)?;
                    for said in &sentences[at + 1..=at + 1 + n] {
                        text_said = format!("{text_said} {}", said.text);
                        segments.extend(&said.seqs);
                    }
                    Some(due)
                })
        });
        segments.dedup();
        let due_date = due
            .as_deref()
            .and_then(|d| dates::resolve(d, meeting_day, cues.language))
            .map(dates::iso);
        let taker = next
            .filter(|next| {
                text::someone_else_next(sentences, at) && cues.acceptance.is_match(&cues.normalise(&next.text))
            })
            .and_then(|next| next.speaker.clone());
        let task = without_opening_words(
            match &called {
                Some(name) => without_name_called(&sentence.text, name, cues),
                None => sentence.text.as_str(),
            },
            cues.language,
        );
        let task = task.as_str();
        scored.push(Finding {
            id: finding_id("action", sentence, 0),
            revision: 1,
            segments,
            start: sentence.start,
            body: FindingBody::ActionItem(ActionItem {
                text: text_said,
                owner: called.or(taker).or_else(|| sentence.speaker.clone()),
                task: told_once(task.trim(), due.as_deref(), cues),
                due,
                due_date,
                said_by: sentence.speaker.clone(),
                confidence: SCORED_ITEM_CONFIDENCE,
            }),
        });
    }
    scored
}

/// `text` without the words that only open it ("So the state gets a report from me", "Okay,
/// and the van goes back"): a task says what is to be done, not how the sentence began. What
/// is left still opens the sentence, so it opens with a capital ("The state gets …"): a
/// sentence, not what to do after "will" (`overview`).
fn without_opening_words(text: &str, language: &Language) -> String {
    let mut rest = text.trim_start();
    loop {
        let (first, after) = rest.split_once(' ').unwrap_or((rest, ""));
        let word = first.trim_end_matches(',').to_lowercase();
        // "So", "and" join whatever follows; "Now", "Well", "Great" open only before a comma
        // ("Now that the van is back", "Great Western needs the invoice").
        let opens = language.conclusion_fillers.contains(&word.as_str())
            || (first.ends_with(',')
                && (language.vocative_leads.contains(&word.as_str())
                    || language.conclusion_openers.contains(&word.as_str())));
        if !opens || after.is_empty() {
            break;
        }
        rest = after.trim_start();
    }
    if rest.len() == text.trim_start().len() {
        return rest.to_owned();
    }
    // Still the sentence it was said in, so a capital ("Payroll gets the rates from me").
    let mut letters = rest.chars();
    letters
        .next()
        .map_or_else(String::new, |first| first.to_uppercase().chain(letters).collect())
}

/// `text` without `name` called at its start ("Marta, the van", "Okay, Marta, the van", "Oh,
/// and Marta, the van") or its end ("the van, Marta.").
fn without_name_called<'a>(text: &'a str, name: &str, cues: &Cues) -> &'a str {
    let is_name = |word: &str| cues.called_name(word.trim()).as_deref() == Some(name);
    let is_lead = |word: &str| cues.language.vocative_leads.contains(&word.to_lowercase().as_str());
    let mut from = 0;
    for part in text.split(", ") {
        let mut words: Vec<&str> = part.split_whitespace().collect();
        let last = words.pop().unwrap_or_default();
        from += part.len() + ", ".len();
        if is_name(last) && words.iter().all(|word| is_lead(word)) {
            return text.get(from..).unwrap_or(text);
        }
        if !(words.is_empty() && is_lead(last)) {
            break;
        }
    }
    match text.rsplit_once(", ") {
        Some((rest, last)) if is_name(last.trim_end_matches(['.', '!', '?'])) => rest,
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::super::learned;
    use super::super::{cues, dates, text};
    use super::*;

    fn items(lines: &[(&str, &str)]) -> Vec<ActionItem> {
        let cues = cues("en").unwrap();
        find(
            &text::said(lines),
            &Heard::of(&text::utterances(lines.iter().copied()), cues),
            cues,
            dates::days_from_civil(2026, 12, 2),
            true,
        )
        .into_iter()
        .map(|f| match f.body {
            FindingBody::ActionItem(a) => a,
            _ => unreachable!(),
        })
        .collect()
    }

    fn one(lines: &[(&str, &str)]) -> ActionItem {
        let mut found = items(lines);
        assert_eq!(found.len(), 1, "{found:?}");
        found.remove(0)
    }

    #[test]
    fn the_scorer_may_overrule_unsure_items_but_not_named_work_with_a_date() {
        let cues = cues("en").unwrap();
        let found_in = |lines: &[(&str, &str)]| {
            let found = find(
                &text::said(lines),
                &Heard::of(&text::utterances(lines.iter().copied()), cues),
                cues,
                dates::days_from_civil(2026, 12, 2),
                true,
            );
            assert_eq!(found.len(), 1, "{found:?}");
            found.into_iter().next().unwrap()
        };
        let named_with_a_date = found_in(&[(
            "Maya",
            "Dev, let's have you pull the chart colours out into the theme file during the next sprint.",
        )]);
        let FindingBody::ActionItem(item) = &named_with_a_date.body else {
            unreachable!()
        };
        assert!(item.confidence < SECOND_OPINION_BELOW, "{item:?}");
        assert!(!open_to_a_second_opinion(&named_with_a_date));
        let unowned = found_in(&[(
            "Maya",
            "Someone should look at the App Store screenshots, because they still show the old onboarding.",
        )]);
        assert!(open_to_a_second_opinion(&unowned), "{unowned:?}");
        assert!(!an_undated_promise(&unowned), "{unowned:?}");
        // A promise with no time is open to the stricter bar; one with its time is not.
        let undated = found_in(&[("Maya", "I'll find the belt loader.")]);
        assert!(an_undated_promise(&undated), "{undated:?}");
        // Work taken on by another ("Log it with the vendor, would you?" "Sure.") is no promise
        // of the speaker's, however sure.
        let mut taken = undated.clone();
        if let FindingBody::ActionItem(item) = &mut taken.body {
            item.owner = Some("Dev".into());
        }
        assert!(!an_undated_promise(&taken), "{taken:?}");
    }

    #[test]
    fn meanwhile_opens_a_promise_and_month_end_dates_it() {
        let a = one(&[(
            "Olivier",
            "Meanwhile I'll rework the spacing for Ottawa before we leave for Toronto.",
        )]);
        assert_eq!(a.owner.as_deref(), Some("Olivier"));
        assert_eq!(a.task, "rework the spacing for Ottawa");
        assert_eq!(a.due.as_deref(), Some("before we leave for Toronto"));
        let a = one(&[("Jenna", "I'll close out the gap list with the CRO by month end.")]);
        assert_eq!(a.due.as_deref(), Some("by month end"));
        // "Year-end" naming a thing dates nothing, nor cuts the event it names short.
        let a = one(&[("Jenna", "I'll draft the year-end report.")]);
        assert_eq!(a.due, None, "{a:?}");
        let a = one(&[("Jenna", "I'll check the figures before the year-end report goes out.")]);
        assert_ne!(a.due.as_deref(), Some("before the year-end"), "{a:?}");
    }

    #[test]
    fn the_speakers_own_work_after_another_item_in_the_same_turn_is_an_item_of_its_own() {
        let found = items(&[
            ("Jacko", "If I get the panels this week, yeah."),
            (
                "Fiona",
                "Jacko, get the yards fixed before the twelfth. And the notice to the council sits with me.",
            ),
            ("Jacko", "Will do."),
        ]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].owner.as_deref(), Some("Jacko"));
        assert_eq!(found[1].owner.as_deref(), Some("Fiona"));
        assert!(found[1].text.starts_with("And the notice"), "{found:?}");
    }

    /// Each sentence, said alone, is no action item.
    fn none_is_an_item(said: &[&str]) {
        for said in said {
            assert!(items(&[("Ana", said)]).is_empty(), "{said}");
        }
    }

    /// Each sentence, said by Luis and answered by Ana's "Good.", is no action item.
    fn none_is_an_item_when_answered(said: &[&str]) {
        for said in said {
            assert!(items(&[("Luis", said), ("Ana", "Good.")]).is_empty(), "{said}");
        }
    }

    #[test]
    fn i_will_makes_the_speaker_the_owner_with_the_due_date() {
        let a = one(&[(
            "Tom",
            "Okay. I'll send round the minutes by Friday, so everyone has them.",
        )]);
        assert_eq!(a.owner.as_deref(), Some("Tom"));
        assert_eq!(a.task, "send round the minutes");
        assert_eq!(a.due.as_deref(), Some("by Friday"));
        assert_eq!(a.due_date.as_deref(), Some("2026-12-04"));
    }

    #[test]
    fn a_name_addressed_owns_the_request() {
        let a = one(&[(
            "Ana",
            "Priya, since you know it best, can you update the alert before Thursday's stand-up?",
        )]);
        assert_eq!(
            (a.owner.as_deref(), a.due.as_deref()),
            (Some("Priya"), Some("before Thursday's stand-up"))
        );
        assert_eq!(a.task, "update the alert");
        let a = one(&[(
            "Ana",
            "Oh, and Tariq, please file your receipts in the expenses folder today.",
        )]);
        assert_eq!((a.owner.as_deref(), a.due.as_deref()), (Some("Tariq"), Some("today")));
        let a = one(&[(
            "Ana",
            "Lena, let's have you move the invoices into the new ledger during the next sprint.",
        )]);
        assert_eq!(
            (a.owner.as_deref(), a.due.as_deref()),
            (Some("Lena"), Some("during the next sprint"))
        );
    }

    #[test]
    fn a_name_that_ended_the_sentence_before_owns_the_request() {
        let a = one(&[(
            "Ana",
            "Good, that settles it. Oh, and Tariq. Please file your receipts today.",
        )]);
        assert_eq!(
            (a.owner.as_deref(), a.task.as_str()),
            (Some("Tariq"), "file your receipts")
        );
        let two = items(&[(
            "Ana",
            "Then I'll take the ones in the east wing, Joao. You take the west.",
        )]);
        let owners: Vec<Option<&str>> = two.iter().map(|a| a.owner.as_deref()).collect();
        assert_eq!(owners, [Some("Ana"), Some("Joao")], "{two:?}");
        // Another speaker's sentence, or a name not set off, says nothing about who is asked.
        let a = one(&[("Lee", "Thanks, Joao."), ("Ana", "Can you send me the dates?")]);
        assert_eq!(a.owner.as_deref(), Some("Lee"), "the last other speaker: {a:?}");
        let a = one(&[
            ("Ana", "I sat next to Joao. Can you send me the dates?"),
            ("Raj", "Sure."),
        ]);
        assert_eq!(a.owner.as_deref(), Some("Raj"), "{a:?}");
        // A one-word sentence is capitalised whatever it is; a list ends on "and" a name.
        let a = one(&[("Raj", "Fine."), ("Ana", "Noted. Can you send me the dates?")]);
        assert_eq!(a.owner.as_deref(), Some("Raj"), "{a:?}");
        let a = one(&[
            ("Raj", "Fine."),
            ("Ana", "I talked to Ana, Joao, and Tariq. Can you send me the dates?"),
        ]);
        assert_eq!(a.owner.as_deref(), Some("Raj"), "{a:?}");
    }

    #[test]
    fn you_without_a_name_is_whoever_takes_it_on() {
        let a = one(&[
            ("Ana", "We need the numbers."),
            ("Raj", "They're late."),
            ("Ana", "Could you chase finance for them?"),
            ("Lee", "Right, leave it with me."),
        ]);
        assert_eq!(a.owner.as_deref(), Some("Lee"));
    }

    #[test]
    fn a_plain_statement_handed_to_someone_is_their_item() {
        let found = items(&[
            ("Mick", "Samples go to the lab tomorrow. Lachie, that's yours."),
            ("Lachie", "Yep."),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].owner.as_deref(), Some("Lachie"));
        assert_eq!(found[0].task, "Samples go to the lab");
        assert_eq!(found[0].due.as_deref(), Some("tomorrow"));
        let found = items(&[("Dana", "The rain plan conversation with the mom, that's Marcus's.")]);
        assert_eq!(found[0].owner.as_deref(), Some("Marcus"), "{found:?}");
        let found = items(&[(
            "Ruth",
            "And the write-off needs to go up to the directorate, that's me.",
        )]);
        assert_eq!(found[0].owner.as_deref(), Some("Ruth"), "{found:?}");
        for not_handed in [
            &[("Ruth", "Last year the cones went missing. Lachie, that's yours, mate.")][..],
            &[("Ruth", "Is that the new van outside?"), ("Bob", "Yes, that's mine.")],
            &[("Ruth", "We might move the samples to the lab. Lachie, that's yours.")],
            &[("Ruth", "Who brought the cake?"), ("Bob", "That's me.")],
        ] {
            assert!(items(not_handed).is_empty(), "{not_handed:?}: {:?}", items(not_handed));
        }
    }

    #[test]
    fn work_under_way_takes_a_name_or_a_number_of_things_as_what_it_acts_on() {
        for (said, owner, task) in [
            (
                (
                    "Giulia",
                    "I'm ringing Ferretti in Faenza this afternoon about the elements.",
                ),
                "Giulia",
                "ring Ferretti in Faenza about the elements",
            ),
            (
                (
                    "Giulia",
                    "Marco is firing three test tiles with the dark cobalt on Friday.",
                ),
                "Marco",
                "fire three test tiles with the dark cobalt",
            ),
        ] {
            let found = items(&[("Marco", "The kiln runs hot."), said]);
            assert_eq!(found.len(), 1, "{said:?}: {found:?}");
            assert_eq!(found[0].owner.as_deref(), Some(owner), "{said:?}");
            assert_eq!(found[0].task, task, "{said:?}");
        }
        for said in [
            "I'm seeing Ferretti this afternoon.",
            "I'm visiting Faenza on Friday.",
            "I'm ringing Monday.",
            "I'm landing in Singapore on Monday.",
            "I'm turning 40 on Saturday.",
            "I'm losing two people next month.",
        ] {
            let found = items(&[("Marco", "The kiln runs hot."), ("Giulia", said)]);
            assert!(found.is_empty(), "{said}: {found:?}");
        }
    }

    #[test]
    fn a_thing_handed_over_by_name_with_a_date_is_theirs() {
        for (said, owner, task, due) in [
            (
                "Batbold, the list of drivers to payroll by the twentieth, otherwise it slips into January.",
                "Batbold",
                "the list of drivers to payroll",
                "by the twentieth",
            ),
            (
                "Kees, the plant and the pump for Thursday.",
                "Kees",
                "the plant and the pump",
                "for Thursday",
            ),
        ] {
            let found = items(&[
                ("Oyun", "Right, where are we with it?"),
                (owner, "Nearly there."),
                ("Oyun", said),
                ("Tuvshin", "Are we done?"),
            ]);
            assert_eq!(found.len(), 1, "{said}: {found:?}");
            assert_eq!(found[0].owner.as_deref(), Some(owner), "{said}");
            assert_eq!(found[0].task, task, "{said}");
            assert_eq!(found[0].due.as_deref(), Some(due), "{said}");
        }
        // Answered by them, the answer must take it on: yes with words of the turn that put
        // it, or the time said back, titles and all; not a doubt.
        for (put, reply, taken) in [
            (
                "Kees, the plant and the pump for Thursday. In writing this time.",
                "In writing, yes.",
                true,
            ),
            ("Kees, RCA document, Friday EOD.", "Friday EOD, sir.", true),
            (
                "Kees, the plant and the pump for Thursday.",
                "Thursday's tight, yeah.",
                false,
            ),
        ] {
            let found = items(&[("Bram", put), ("Kees", reply)]);
            assert_eq!(found.len(), usize::from(taken), "{put} {reply}: {found:?}");
        }
        // Without a date a name and a thing hand over the floor; praise or a wish hands over
        // nothing; nor does a question, or a name the meeting has only heard.
        for said in [
            "Kees, direct bookings.",
            "Kees, good work on Saturday.",
            "Kees, good luck finding your Saturday volunteer.",
            "Kees, the pump for Thursday?",
            "Ruud, the application for the closure by Monday.",
            "The Zoë list, Kees, by Friday.",
            "Kees, not the pump for Thursday.",
        ] {
            let found = items(&[
                ("Oyun", "Right, where are we with it?"),
                ("Kees", "Nearly there."),
                ("Oyun", said),
                ("Tuvshin", "Are we done?"),
            ]);
            assert!(found.is_empty(), "{said}: {found:?}");
        }
    }

    #[test]
    fn who_does_what_summed_up_with_so_or_said_of_someone_present_needs_no_time() {
        for said in ["So Tanya books the gas technician.", "Tanya books the gas technician."] {
            let found = items(&[
                ("Tanya", "The furnaces need a certified gas technician."),
                ("Darlene", said),
            ]);
            assert_eq!(found.len(), 1, "{said}: {found:?}");
            assert_eq!(found[0].owner.as_deref(), Some("Tanya"));
            assert_eq!(found[0].task, "book the gas technician");
        }
        // Said of a name the meeting has only heard, with no time and not summed up, it may be a
        // firm's ("Lexica fixes it, that's their contract.").
        let found = items(&[
            ("Tanya", "The furnaces need a certified gas technician, says Lexica."),
            ("Darlene", "Lexica fixes the furnaces."),
        ]);
        assert!(found.is_empty(), "{found:?}");
        for not_summed in [
            "Tanya wins this one.",
            "Tanya is joining us for the delivery part.",
            "So Tanya has the keys.",
            "So Tanya prefers the cheaper quote.",
            "So Tanya books the gas technician every autumn.",
            "If it fails, so Tanya books the gas technician.",
        ] {
            let found = items(&[
                ("Tanya", "The furnaces need a certified gas technician."),
                ("Darlene", not_summed),
            ]);
            assert!(found.is_empty(), "{not_summed}: {found:?}");
        }
    }

    #[test]
    fn asked_is_anybody_on_it_and_taken_with_that_ones_mine() {
        let found = items(&[
            ("Kumar", "The survey report is late again."),
            ("Faridah", "Is anybody chasing the survey people?"),
            ("Hafiz", "Fine, that one's mine, I know the surveyor."),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].owner.as_deref(), Some("Hafiz"));
        assert_eq!(found[0].task, "chase the survey people");
        for (asked, reply) in [
            ("Is anybody chasing the survey people?", "Not that I know of."),
            ("Is anybody using the van on Thursday?", "Yeah, I am."),
        ] {
            let found = items(&[("Faridah", asked), ("Hafiz", reply)]);
            assert!(found.is_empty(), "{asked} {reply}: {found:?}");
        }
    }

    #[test]
    fn work_named_as_someones_job_is_theirs_and_a_pointer_keeps_the_sentence_before() {
        for (said, owner, task) in [
            (
                "Callum, the hut booking's your job, they fill up early.",
                "Callum",
                "the hut booking",
            ),
            (
                "Marta, chasing that certificate is yours.",
                "Marta",
                "chase that certificate",
            ),
            (
                "Marcus, the roster for that is yours, get it posted before Friday.",
                "Marcus",
                "the roster for that: get it posted",
            ),
        ] {
            let found = items(&[
                ("Ewan", "Callum and Marta and Marcus all know the drill."),
                ("Ewan", said),
                (owner, "Okay."),
            ]);
            assert_eq!(found.len(), 1, "{said}: {found:?}");
            assert_eq!(found[0].owner.as_deref(), Some(owner), "{said}");
            assert_eq!(found[0].task, task, "{said}");
        }
        for pointer in ["Alasdair, this one's yours.", "Right, Alasdair, this one's yours."] {
            let pointed = items(&[
                ("Ruth", "The beacon supplier needs ringing before Friday."),
                ("Ruth", pointer),
                ("Alasdair", "Okay."),
            ]);
            assert_eq!(pointed.len(), 1, "{pointer}: {pointed:?}");
            assert_eq!(pointed[0].owner.as_deref(), Some("Alasdair"), "{pointer}");
            assert!(pointed[0].task.contains("beacon supplier"), "{pointer}: {pointed:?}");
        }
        for no_work in [
            &[("Ruth", "Next is the marketing update. The floor is yours, Priya.")][..],
            &[("Ruth", "The choice is yours, Dwayne.")],
            &[("Ruth", "Callum, the next round's on you."), ("Callum", "Ha, fine.")],
        ] {
            let found = items(no_work);
            assert!(found.is_empty(), "{no_work:?}: {found:?}");
        }
        // An "-ing" word that is a thing stays as said.
        let found = items(&[("Ruth", "Ana, everything on the snag list is yours, by Friday.")]);
        assert!(found.iter().all(|item| !item.task.contains("everyth ")), "{found:?}");
    }

    #[test]
    fn an_order_by_name_with_a_time_needs_no_reply_and_a_time_gone_is_none() {
        let found = items(&[
            ("Piotr", "The drawings are nearly done."),
            ("Ana", "Piotr, raise the change control by the end of next week."),
            ("Ana", "Next item."),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].owner.as_deref(), Some("Piotr"));
        assert_eq!(found[0].task, "raise the change control");
        assert_eq!(found[0].due.as_deref(), Some("by the end of next week"));
        for not_ordered in [
            "Piotr, raise the minutes from last Thursday.",
            "Piotr, great work on the drawings last week.",
            "Piotr, raise the change control.",
        ] {
            let found = items(&[
                ("Piotr", "The drawings are nearly done."),
                ("Ana", not_ordered),
                ("Ana", "Next item."),
            ]);
            assert!(found.is_empty(), "{not_ordered}: {found:?}");
        }
    }

    #[test]
    fn an_order_by_name_turned_down_is_none_and_one_taken_on_keeps_its_verb() {
        let refused = items(&[
            ("Ana", "Piotr, raise the change control by Friday."),
            ("Piotr", "No, I'm away, Jola has the login."),
        ]);
        assert!(refused.is_empty(), "{refused:?}");
        for (order, task) in [
            ("Piotr, ring the council by Friday.", "ring the council"),
            (
                "Piotr, talk to facilities about the heating.",
                "talk to facilities about the heating",
            ),
        ] {
            let found = items(&[("Ana", order), ("Piotr", "Will do.")]);
            assert_eq!(found.len(), 1, "{order}: {found:?}");
            assert_eq!(found[0].owner.as_deref(), Some("Piotr"), "{order}");
            assert_eq!(found[0].task, task, "{order}");
        }
    }

    #[test]
    fn work_said_to_be_yours_before_the_name_is_theirs() {
        let found = items(&[
            ("Dwayne", "The neighbours will complain about the noise."),
            (
                "Ana",
                "So the neighbour letters are yours, Dwayne, hand-delivered by Monday.",
            ),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].owner.as_deref(), Some("Dwayne"));
        assert!(found[0].task.contains("neighbour letters"), "{found:?}");
        let not_a_name = items(&[
            ("Segun", "The old screen was mine."),
            (
                "Ana",
                "And Segun, you designed the first screen, so the new one is yours, by Thursday if possible.",
            ),
            ("Segun", "Okay, Thursday."),
        ]);
        assert_eq!(not_a_name.len(), 1, "{not_a_name:?}");
        assert_eq!(not_a_name[0].owner.as_deref(), Some("Segun"), "{not_a_name:?}");
    }

    #[test]
    fn leaving_a_named_thing_with_me_planning_to_and_which_is_why_are_the_speakers() {
        for (said, task) in [
            ("Leave the blog with me.", "the blog"),
            (
                "I'm planning to send it to the club on the fifteenth.",
                "send it to the club",
            ),
            (
                "I know, which is why I'm locking the branch myself on Friday at six.",
                "lock the branch myself",
            ),
        ] {
            let found = items(&[("Ana", "Right, the blog and the branch."), ("Maya", said)]);
            assert_eq!(found.len(), 1, "{said}: {found:?}");
            assert_eq!(found[0].owner.as_deref(), Some("Maya"), "{said}");
            assert_eq!(found[0].task, task, "{said}");
        }
        for not_taken in [
            "Leave it with me. I could, yeah.",
            "I'm planning to retire, honestly, if I'm lucky.",
            "Leave a copy for me at reception.",
            "Leave the parcel with me if the courier comes.",
            "I don't see why I'm chasing the Henley invoices this week.",
        ] {
            let found = items(&[("Ana", "Right, the blog and the branch."), ("Maya", not_taken)]);
            assert!(found.is_empty(), "{not_taken}: {found:?}");
        }
    }

    #[test]
    fn taking_a_risk_making_the_call_and_walking_the_room_through_are_no_work() {
        for said in [
            &[("Wei", "Let's put them on it. I'll take the risk.")][..],
            &[(
                "Aoife",
                "Okay, I'm going to make a call here, because we could go round on this for an hour.",
            )],
            &[
                ("Sam", "Raj, walk us through it."),
                ("Raj", "Sure. The numbers are down."),
            ],
        ] {
            let found = items(said);
            assert!(found.is_empty(), "{said:?}: {found:?}");
        }
        for promise in [
            "I'll take the risk register to the board on Monday.",
            "I'll drop it off at reception tomorrow.",
        ] {
            let found = items(&[("Wei", promise)]);
            assert_eq!(found.len(), 1, "{promise}: {found:?}");
        }
    }

    #[test]
    fn what_is_put_to_someone_by_name_with_a_date_and_taken_on_is_theirs() {
        for (put, owner, task, due) in [
            (
                "Okay. Priya, the signed forms must reach the bank by Tuesday, because they close the account after that.",
                "Priya",
                "the signed forms must reach the bank",
                "by Tuesday",
            ),
            ("Right. Priya, slides out by Friday, please.", "Priya", "slides out", "by Friday"),
            (
                "The boiler needs a service before the first frost, Priya, or we freeze.",
                "Priya",
                "The boiler needs a service",
                "before the first frost",
            ),
            (
                "Priya, the stand goes up by Monday so the visitors see it first.",
                "Priya",
                "the stand goes up",
                "by Monday",
            ),
        ] {
            let found = items(&[("Omar", put), ("Priya", "Will do.")]);
            assert_eq!(found.len(), 1, "{put}: {found:?}");
            assert_eq!(found[0].owner.as_deref(), Some(owner), "{put}");
            assert_eq!(found[0].task, task, "{put}");
            assert_eq!(found[0].due.as_deref(), Some(due), "{put}");
        }
        // The state wanted by a deadline, taken on by saying the time back.
        let sealed = one(&[
            (
                "Omar",
                "Priya, all four collection point scales, checked and sealed by the twentieth.",
            ),
            ("Priya", "By the twentieth."),
        ]);
        assert_eq!(sealed.owner.as_deref(), Some("Priya"), "{sealed:?}");
        assert_eq!(sealed.due.as_deref(), Some("by the twentieth"), "{sealed:?}");
        // Taken on by saying the time back.
        for reply in [
            "Tuesday.",
            "By Tuesday.",
            "Tuesday's fine.",
            "Forms too, by Tuesday, yes.",
            // The time first, then a proviso; a yes of another language.
            "By Tuesday, provided the bank is open.",
            "Tuesday, sir, as long as the bank is open.",
            "Oui, oui, the signed forms.",
        ] {
            let found = items(&[
                (
                    "Omar",
                    "Priya, the signed forms, with the old account closed, to the bank by Tuesday.",
                ),
                ("Priya", reply),
            ]);
            assert_eq!(found.len(), 1, "{reply}: {found:?}");
            assert_eq!(found[0].owner.as_deref(), Some("Priya"), "{reply}");
            assert_eq!(
                found[0].task, "the signed forms, with the old account closed, to the bank",
                "{reply}"
            );
        }
        // Hyphenated names are called as any other.
        let called = items(&[
            ("Omar", "Fatima-Zahra, slides out by Friday, please."),
            ("Fatima-Zahra", "Friday."),
        ]);
        assert_eq!(called.len(), 1, "{called:?}");
        assert_eq!(called[0].owner.as_deref(), Some("Fatima-Zahra"));
        for not_taken in [
            // A date stated, not a time to do something by.
            &[("Omar", "Priya, your flight is on Tuesday."), ("Priya", "Okay.")][..],
            // The time said back with a doubt, asked back, or as more than an answer.
            &[
                ("Omar", "Priya, the signed forms must reach the bank by Tuesday."),
                ("Priya", "Tuesday is tight."),
            ],
            &[
                (
                    "Omar",
                    "Priya, the signed forms, with the old account closed, to the bank by Tuesday.",
                ),
                ("Priya", "Tuesday's tight, yeah."),
            ],
            &[
                (
                    "Omar",
                    "Priya, the signed forms, with the old account closed, to the bank by Tuesday.",
                ),
                ("Priya", "Tuesday?"),
            ],
            &[
                ("Omar", "Priya, the signed forms must reach the bank by Tuesday."),
                ("Priya", "No, Tuesday."),
            ],
            &[
                (
                    "Omar",
                    "Priya, the signed forms, with the old account closed, to the bank by Tuesday.",
                ),
                ("Priya", "By Tuesday, in the middle of the audit."),
            ],
            &[
                (
                    "Omar",
                    "Priya, the signed forms, with the old account closed, to the bank by Tuesday.",
                ),
                ("Priya", "Tuesday, if I'm lucky."),
            ],
            &[("Omar", "Priya, the audit's on Friday."), ("Priya", "Yes.")],
            // Not taken on, or taken on by someone else.
            &[
                ("Omar", "Priya, the signed forms must reach the bank by Tuesday."),
                ("Priya", "Tuesday is tight."),
            ],
            &[
                ("Omar", "Priya, the signed forms must reach the bank by Tuesday."),
                ("Leo", "Yes."),
            ],
            // Asked, past, what might be.
            &[
                ("Omar", "Priya, the forms reach the bank by Tuesday?"),
                ("Priya", "Yes."),
            ],
            &[
                ("Omar", "Priya, the forms reached the bank on Tuesday."),
                ("Priya", "Yes."),
            ],
            &[
                ("Omar", "Priya, the forms reached the bank by Tuesday."),
                ("Priya", "Yes."),
            ],
            &[
                ("Omar", "Priya, the forms might reach the bank by Tuesday."),
                ("Priya", "Okay."),
            ],
            // No time to do it by.
            &[("Omar", "Priya, the forms must reach the bank."), ("Priya", "Okay.")],
        ] {
            assert!(items(not_taken).is_empty(), "{not_taken:?}: {:?}", items(not_taken));
        }
    }

    #[test]
    fn more_ways_of_giving_and_taking_work_without_a_cue_word() {
        for (lines, owner, task) in [
            (
                &[
                    (
                        "Ann",
                        "Tariq can get the van booked, he's got the number from last year.",
                    ),
                    ("Tariq", "Yep, on it."),
                ][..],
                "Tariq",
                "get the van booked",
            ),
            (
                &[
                    ("Ann", "Tariq's the one to chase the printer this week, he knows them."),
                    ("Tariq", "Go on then."),
                ],
                "Tariq",
                "chase the printer",
            ),
            (
                &[("Ann", "The refund list, my team will have it with accounts by Friday.")],
                "Ann",
                "have it with accounts",
            ),
            (
                &[("Ann", "First thing tomorrow, I ring the landlord about the boiler.")],
                "Ann",
                "ring the landlord about the boiler",
            ),
            (
                &[("Ann", "Tariq, you know the vendor, so call them this week.")],
                "Tariq",
                "call them",
            ),
            (
                &[("Ann", "Tariq, you make the new rota before Friday.")],
                "Tariq",
                "make the new rota",
            ),
        ] {
            let found = items(lines);
            assert_eq!(found.len(), 1, "{lines:?}: {found:?}");
            assert_eq!(found[0].owner.as_deref(), Some(owner), "{lines:?}");
            assert_eq!(found[0].task, task, "{lines:?}");
        }
        none_is_an_item(&[
            "Last year Tariq can get the van booked in a day.",
            "Tariq got the van booked last year.",
            "My team will be fine.",
            "So make sure you're comfortable.",
        ]);
    }

    #[test]
    fn work_handed_over_or_taken_in_other_words() {
        for (lines, owner) in [
            (
                &[("Ann", "Tariq, the rota for May is yours, get it posted before Friday.")][..],
                "Tariq",
            ),
            (
                &[(
                    "Ann",
                    "Sign the form on Monday and the refund goes through that afternoon, leave that with me.",
                )],
                "Ann",
            ),
            (
                &[
                    ("Ann", "And somebody's got to get the gas bottles in before the fair."),
                    ("Tariq", "Put that on me."),
                ],
                "Tariq",
            ),
            (
                &[
                    ("Ann", "Tariq, would you be up for doing the spring poster as well?"),
                    ("Tariq", "Go on, then."),
                ],
                "Tariq",
            ),
            (&[("Ann", "Tariq, you tell their buyer this week.")], "Tariq"),
        ] {
            let found = items(lines);
            assert_eq!(found.len(), 1, "{lines:?}: {found:?}");
            assert_eq!(found[0].owner.as_deref(), Some(owner), "{lines:?}");
        }
        for not_handed in [
            &[("Ann", "Tariq, the blue mug is yours.")][..],
            &[
                ("Ann", "Can I have someone to propose the minutes?"),
                ("Tariq", "I'll propose."),
            ],
            &[("Ann", "Leave that with me, Tariq, I was only joking.")],
        ] {
            assert!(items(not_handed).is_empty(), "{not_handed:?}: {:?}", items(not_handed));
        }
    }

    #[test]
    fn a_thing_named_and_handed_over_is_the_item_of_whoever_is_called() {
        let found = items(&[
            (
                "Gail",
                "Right, the fire drill. Omar, the sign-in sheets, that's yours, have them printed by Monday.",
            ),
            ("Omar", "No problem."),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].owner.as_deref(), Some("Omar"));
        assert_eq!(found[0].task, "the sign-in sheets: have them printed");
        assert_eq!(found[0].due.as_deref(), Some("by Monday"));
        let short = items(&[("Gail", "Okay, Tom, the minutes, that's yours, by Friday.")]);
        assert_eq!(short.len(), 1, "{short:?}");
        assert_eq!(short[0].owner.as_deref(), Some("Tom"));
        assert_eq!(short[0].task, "the minutes", "{short:?}");
        assert_eq!(short[0].due.as_deref(), Some("by Friday"));
        for not_handed in [
            &[("Ruth", "Tom, the blue mug, that's yours.")][..],
            &[("Ruth", "Tom, the last slice, that's yours, you earned it.")],
            &[("Ruth", "Tom, the blue mug, that's yours, isn't it?")],
            &[("Ruth", "Tom, the old van, that's yours? It's blocking the gate.")],
        ] {
            assert!(items(not_handed).is_empty(), "{not_handed:?}: {:?}", items(not_handed));
        }
    }

    #[test]
    fn what_i_want_is_for_you_to_is_a_request() {
        let found = items(&[
            (
                "Ruth",
                "What I do want is for you to get on the phone to Alliance first thing tomorrow.",
            ),
            ("Dev", "Will do."),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].owner.as_deref(), Some("Dev"));
        assert_eq!(found[0].task, "get on the phone to Alliance");
    }

    #[test]
    fn someone_should_is_owned_once_it_is_handed_over_and_dated_by_the_reply() {
        let a = one(&[
            (
                "Femi",
                "Someone also needs to book the band for the gala. Keiko, that's you, I'm afraid.",
            ),
            ("Keiko", "By when?"),
            ("Femi", "Ideally before Christmas."),
        ]);
        assert_eq!(
            (a.owner.as_deref(), a.due.as_deref()),
            (Some("Keiko"), Some("before Christmas"))
        );
        let a = one(&[(
            "Ana",
            "Someone should check the fire exits, because the signs are faded.",
        )]);
        assert_eq!(a.owner, None);
    }

    #[test]
    fn a_due_date_said_after_the_request_belongs_to_it() {
        let a = one(&[(
            "Ana",
            "Mira, can you gather the visitor numbers? No rush, next week is fine.",
        )]);
        assert_eq!(a.due.as_deref(), Some("next week"));
        let a = one(&[(
            "Ana",
            "Could you set up a waiting list? Before the tickets go on sale, ideally.",
        )]);
        assert_eq!(a.due.as_deref(), Some("Before the tickets go on sale"));
        let a = one(&[
            ("Ana", "Joao, would you plan the team lunch?"),
            ("Joao", "Happy to. I can have the menu sorted by Monday."),
        ]);
        assert_eq!(
            (a.owner.as_deref(), a.due.as_deref()),
            (Some("Joao"), Some("by Monday"))
        );
    }

    #[test]
    fn other_ways_of_handing_out_work_are_found() {
        let a = one(&[
            ("Ana", "Who's going to send the invite to the vendors?"),
            ("Raj", "I can do that."),
        ]);
        assert_eq!(
            (a.owner.as_deref(), a.task.as_str()),
            (Some("Raj"), "send the invite to the vendors")
        );
        assert!(
            items(&[
                ("Ana", "Who is going to send the invite?"),
                ("Raj", "No idea, honestly.")
            ])
            .is_empty(),
            "a question of who, nobody taking it, is no item"
        );
        // Asked in the present, taken on as people say it.
        for (taken, by) in [
            ("That one's mine.", "Denise"),
            ("That'd be me, I guess.", "Diego"),
            ("Assign it to me, but I'll need the screener links.", "Tyler"),
            ("Sign me up.", "Priya"),
        ] {
            let a = one(&[("Ana", "Who raises the cat room AC with the county?"), (by, taken)]);
            assert_eq!(
                (a.owner.as_deref(), a.task.as_str()),
                (Some(by), "raise the cat room AC with the county"),
                "{taken}"
            );
        }
        let a = one(&[
            ("Ana", "Someone has to check the caption files."),
            ("Tyler", "Assign it to me, but I'll need the screener links."),
        ]);
        assert_eq!(a.owner.as_deref(), Some("Tyler"));
        // Who holds or wants something, or a question about the item just handed out.
        for asked in [
            "Who has the keys to the van?",
            "Who wants the last samosa?",
            "Who wants it?",
        ] {
            assert!(items(&[("Ana", asked), ("Raj", "Me.")]).is_empty(), "{asked}");
        }
        let a = one(&[("Ana", "Action item for Sarah: update the deck by Monday.")]);
        assert_eq!(
            (a.owner.as_deref(), a.due.as_deref()),
            (Some("Sarah"), Some("by Monday"))
        );
        let a = one(&[("Ana", "Tom, make sure you send the slides before Friday.")]);
        assert_eq!((a.owner.as_deref(), a.task.as_str()), (Some("Tom"), "send the slides"));
        let a = one(&[("Ana", "I will follow up with legal next week.")]);
        assert_eq!((a.owner.as_deref(), a.due.as_deref()), (Some("Ana"), Some("next week")));
    }

    #[test]
    fn one_sentence_can_hand_out_two_items() {
        let found = items(&[(
            "Lena",
            "Then I'll take the east wing, Joao, you take the west, and we share the rest.",
        )]);
        let owners: Vec<Option<&str>> = found.iter().map(|a| a.owner.as_deref()).collect();
        assert_eq!(owners, [Some("Lena"), Some("Joao")]);
    }

    #[test]
    fn leading_someone_else_through_is_work() {
        let washed = one(&[("Ana", "Dev, can you take the van through the wash on Friday?")]);
        assert_eq!(washed.owner.as_deref(), Some("Dev"), "{washed:?}");
    }

    #[test]
    fn false_friends_are_not_action_items() {
        none_is_an_item(&[
            "I will say this, though.",
            "Last release we used to send a summary to the whole company.",
            "We used to run a full load test before every release.",
            "If we ran the survey again, I'd probably ask them about parking.",
            "If it were up to me, I'd open the shop at nine.",
            "For what it's worth, I would have signed off on that budget two years ago.",
            "I'm not hosting that quiz again.",
            "She said she'll send it on Monday.",
            "Keiko, can you hear us clearly now?",
            "Priya, can you walk us through the timeline?",
            "Tomasz, would you take us through the timeline?",
            "Annelie, please run us through it.",
            "Can you take the group through it?",
            "I'll need legal for that.",
            "I think we could maybe ship it later.",
            "I won't be able to make Friday.",
            "Would you like some coffee before we start?",
            "Did you send the invoice?",
            "Okay, I'll try.",
            "Could you recommend a vendor?",
        ]);
    }

    #[test]
    fn an_open_request_belongs_to_whoever_volunteers_even_after_a_word_or_two() {
        let a = one(&[
            (
                "Sian",
                "Can someone call the supplier about the broken fridge this morning?",
            ),
            ("Mari", "I'll do it. I'm on my break at ten anyway."),
        ]);
        assert_eq!(
            (a.owner.as_deref(), a.due.as_deref()),
            (Some("Mari"), Some("this morning"))
        );
        let a = one(&[
            (
                "Aug",
                "Someone needs to run the induction for the new lot on Tuesday evening.",
            ),
            ("Thandi", "That's me. I'll do it."),
            ("Mae", "Did the checks ever come back?"),
        ]);
        assert_eq!(a.owner.as_deref(), Some("Thandi"), "a taker two sentences on: {a:?}");
        let a = one(&[
            (
                "Dec",
                "Someone's going to have to redo the traffic plan for it, though.",
            ),
            ("Femi", "I can take that."),
        ]);
        assert_eq!(
            (a.owner.as_deref(), a.task.as_str()),
            (Some("Femi"), "redo the traffic plan for it")
        );
        assert!(
            items(&[("Ana", "Can anyone hear me at the back?"), ("Raj", "Yes.")]).is_empty(),
            "a question about the meeting itself"
        );
        assert!(
            items(&[("Ana", "Can someone open a window?"), ("Raj", "It's stuck, sorry.")]).is_empty(),
            "nobody took it"
        );
        let a = one(&[
            ("Ana", "And somebody's got to ring the Hallorans."),
            ("Raj", "I sold them the package, so the Hallorans are mine."),
            ("Ana", "Thanks. Okay, Mo, tastings."),
            ("Mo", "Yeah, so, I've got nine couples waiting."),
        ]);
        assert_eq!(
            a.owner.as_deref(),
            Some("Raj"),
            "taken in the reply, not by a later 'Yeah': {a:?}"
        );
    }

    #[test]
    fn a_takers_own_words_about_it_are_the_same_item_with_its_due_date() {
        let a = one(&[
            ("Keiko", "Can someone send me the cutdown scripts?"),
            ("Lara", "I'll do it. I'll send them over this afternoon."),
            ("Keiko", "Thanks."),
        ]);
        assert_eq!(
            (a.owner.as_deref(), a.due.as_deref()),
            (Some("Lara"), Some("this afternoon"))
        );
        // Something new the taker promises is an item of its own.
        let found = items(&[
            ("Keiko", "Can someone send me the cutdown scripts?"),
            ("Lara", "I'll do it. I'll also book the studio for Friday."),
        ]);
        assert_eq!(found.len(), 2, "{found:?}");
    }

    #[test]
    fn you_need_to_and_a_bare_order_are_tasks_when_put_to_someone_by_name() {
        let a = one(&[(
            "Thandi",
            "Augustin, you'll need to ring the supermarket and confirm the entrance.",
        )]);
        assert_eq!(a.owner.as_deref(), Some("Augustin"));
        assert_eq!(a.task, "ring the supermarket and confirm the entrance");
        let a = one(&[("Sian", "Do them today, Teodor, honestly.")]);
        assert_eq!((a.owner.as_deref(), a.due.as_deref()), (Some("Teodor"), Some("today")));
        none_is_an_item(&[
            "You need to book weeks ahead for that venue.",
            "If you need to leave early, Sam, just say.",
            "Do you have the figures, Sam?",
            "Call it what you like.",
            "Sam, do we know who's coming?",
        ]);
    }

    #[test]
    fn a_time_of_day_dates_an_item_and_makes_a_meeting_verb_a_task() {
        let a = one(&[("Teo", "I'll repeat the blood gas at nine, then we'll see.")]);
        assert_eq!(
            (a.task.as_str(), a.due.as_deref()),
            ("repeat the blood gas", Some("at nine"))
        );
        let a = one(&[("Ana", "Could you try for a sample this morning, after breakfast?")]);
        assert_eq!(a.due.as_deref(), Some("this morning"));
        let a = one(&[("Ana", "I'll ring the council before lunch.")]);
        assert_eq!(a.due.as_deref(), Some("before lunch"));
        let a = one(&[("Ana", "I'll look at two quotes and pick one.")]);
        assert_eq!(a.due, None, "a number that is no time");
        none_is_an_item(&[
            "I'll repeat that.",
            "And for her, do the forms need doing today, or can that wait?",
            "I'll second that.",
            "Then I'll entertain a motion to adjourn.",
            "I'll abstain on this one.",
        ]);
    }

    #[test]
    fn more_ways_of_asking_and_offering_are_found_and_offers_that_depend_are_not() {
        for (said, owner) in [
            (
                "Rosa, it'd be great if you could share the template before Friday's call.",
                "Rosa",
            ),
            (
                "Femi, any chance you could get the copy to the printers by Wednesday lunchtime?",
                "Femi",
            ),
            ("Li, can I ask you to write up the power analysis before Monday?", "Li"),
            (
                "Priya, would you be good enough to review the list before we file?",
                "Priya",
            ),
        ] {
            assert_eq!(one(&[("Ana", said)]).owner.as_deref(), Some(owner), "{said}");
        }
        let a = one(&[("Sofia", "It's drafted. I can get that to you by tomorrow evening.")]);
        assert_eq!(
            (a.owner.as_deref(), a.due.as_deref()),
            (Some("Sofia"), Some("by tomorrow evening"))
        );
        let a = one(&[("Dan", "I shall circulate the draft to you both by Thursday at noon.")]);
        assert_eq!(a.due.as_deref(), Some("by Thursday at noon"));
        let a = one(&[("Dan", "I'll book the room in the next day or two.")]);
        assert_eq!(a.due.as_deref(), Some("in the next day or two"));
        none_is_an_item(&[
            "I'll fix the coffee machine myself if nobody else does.",
            "I'll play the part myself if his knee doesn't behave.",
            "I can do about eight in a day, with all the driving.",
            "I can see why.",
        ]);
    }

    #[test]
    fn saying_the_open_task_again_takes_it_on() {
        let a = one(&[
            ("Mo", "We still need someone to ring the vicar about the hall."),
            ("Hattie", "Oh, go on, I'll ring him."),
        ]);
        assert_eq!(a.owner.as_deref(), Some("Hattie"));
        let a = one(&[
            (
                "Ingrid",
                "Somebody should present on the twentieth, we've got a free slot.",
            ),
            ("Ollie", "Oh, uh, go on then, I'll do the twentieth."),
        ]);
        assert_eq!(a.owner.as_deref(), Some("Ollie"));
        let a = one(&[
            (
                "Margaret",
                "Someone needs to chase the expert's letter. Who can take that?",
            ),
            ("Thomas", "I can take that on."),
        ]);
        assert_eq!(a.owner.as_deref(), Some("Thomas"), "who can take that is the same item");
    }

    #[test]
    fn names_after_but_clock_times_and_events_are_read_and_a_capital_at_the_start_is_no_owner() {
        let a = one(&[("Ruth", "But Femi, chase legal ASAP, don't wait for them.")]);
        assert_eq!((a.owner.as_deref(), a.due.as_deref()), (Some("Femi"), Some("ASAP")));
        let a = one(&[("Claire", "Daniel, you'll need to clear the luggage room by half ten.")]);
        assert_eq!(a.due.as_deref(), Some("by half ten"));
        let a = one(&[("Claire", "I'll email the new policy round straight after this meeting.")]);
        assert_eq!(a.due.as_deref(), Some("straight after this meeting"));
        let a = one(&[("Kavya", "I will complete the data room by the fifteenth of November.")]);
        assert_eq!(a.due.as_deref(), Some("by the fifteenth of November"));
        let a = one(&[("Pat", "Paudie, would you ever get the lines marked before the match?")]);
        assert_eq!(a.task, "get the lines marked");
        let a = one(&[
            ("Sharon", "Morning."),
            ("Lorraine", "Sharon can ring the supplier and book the engineer."),
        ]);
        assert_eq!(a.owner.as_deref(), Some("Sharon"));
        none_is_an_item(&[
            "Housekeeping will laugh at us.",
            "Over to you, Daniel.",
            "Seriously, if we don't get two more coaches by the end of the month, I'll have to cap the team.",
        ]);
    }

    #[test]
    fn one_persons_promises_in_one_sentence_are_one_item() {
        let a = one(&[(
            "Callum",
            "I'll run it, I'll do the three mutants before the end of the month.",
        )]);
        assert_eq!(
            (a.task.as_str(), a.due.as_deref()),
            ("do the three mutants", Some("before the end of the month"))
        );
        let a = one(&[(
            "Ciaran",
            "I'll ring Tom tomorrow and get the order in, and I'll ask him about the warranty.",
        )]);
        assert_eq!(a.owner.as_deref(), Some("Ciaran"));
        assert!(
            a.task.contains("ring Tom") && a.task.contains("ask him about the warranty"),
            "{a:?}"
        );
        // Two people's are two.
        let found = items(&[("Ana", "I'll take the east wing, Joao, you take the west.")]);
        assert_eq!(found.len(), 2, "{found:?}");
    }

    #[test]
    fn sayings_shaped_like_promises_are_no_items() {
        none_is_an_item(&[
            "I'm going to the one in Basel in the autumn anyway.",
            "I'll propose we spend up to five thousand on the drainage.",
            "I'll suggest you take the early train.",
            "I'll hold you to that, Ceri.",
        ]);
        let a = one(&[("Huw", "I'll propose it at the AGM in March.")]);
        assert_eq!(a.task, "propose it at the AGM");
        let a = one(&[("Huw", "I'm going to book the minibus today.")]);
        assert_eq!(a.task, "book the minibus");
    }

    #[test]
    fn the_takers_promise_about_the_task_is_the_same_item() {
        let a = one(&[
            ("Ciaran", "Someone needs to put a notice up in the waiting room."),
            ("Niamh", "I'll do it. I'll have the notice up by the end of the month."),
        ]);
        assert_eq!(
            (a.owner.as_deref(), a.due.as_deref()),
            (Some("Niamh"), Some("by the end of the month"))
        );
        // Another thing, led by "And", is another item; so is one about something else.
        for taker in [
            "I'll do that. And I'll have the donation receipts out by the fifteenth.",
            "I'll do that. I'll have the donation receipts out by the fifteenth.",
        ] {
            let found = items(&[("Carol", "Could someone phone the landlord?"), ("Bev", taker)]);
            assert_eq!(found.len(), 2, "{taker}: {found:?}");
        }
    }

    #[test]
    fn a_reply_to_a_request_by_name_says_how_not_what_else() {
        let a = one(&[
            ("Rajesh", "Karthik, please give a handover to Arjun by Friday."),
            ("Karthik", "Ya, I'll block one hour on Thursday."),
        ]);
        assert_eq!(
            (a.owner.as_deref(), a.task.as_str(), a.due.as_deref()),
            (Some("Karthik"), "give a handover to Arjun", Some("by Friday"))
        );
        let found = items(&[
            ("Rajesh", "Karthik, please give a handover to Arjun by Friday."),
            ("Karthik", "Ya, and I'll also update the runbook."),
        ]);
        assert_eq!(found.len(), 2, "{found:?}");
        // A reply to someone else's nudge about one's own promise is a promise of its own.
        let found = items(&[
            ("Brodie", "I'll paddle out and tell them myself."),
            ("Hemi", "You'll ring them, mate."),
            ("Brodie", "Yeah, I'll ring the fishing club tonight."),
        ]);
        assert!(
            found
                .iter()
                .any(|a| a.task == "ring the fishing club" && a.due.as_deref() == Some("tonight")),
            "{found:?}"
        );
    }

    #[test]
    fn the_askers_own_fine_takes_nothing_on() {
        let found = items(&[
            ("Rajesh", "Who will tell the client no?"),
            ("Sneha", "True."),
            ("Rajesh", "Fine, so the demo moves to Wednesday."),
        ]);
        assert!(found.is_empty(), "{found:?}");
        let a = one(&[
            ("Rajesh", "Who will tell the client?"),
            ("Sneha", "Not me."),
            ("Rajesh", "Fine, I'll do it myself."),
        ]);
        assert_eq!(
            (a.owner.as_deref(), a.task.as_str()),
            (Some("Rajesh"), "tell the client")
        );
    }

    #[test]
    fn more_ways_to_hand_work_to_someone_named() {
        let cases = [
            (
                "Aoife's going to set up the vaccine slots next week, aren't you, Aoife?",
                "Aoife",
            ),
            ("Then Sneha will fix the login page by tomorrow.", "Sneha"),
            ("Divya, kindly do the smoke testing tonight.", "Divya"),
            ("Priya, get me a draft by Monday, yeah?", "Priya"),
        ];
        for (said, owner) in cases {
            let a = one(&[(owner, "Morning."), ("Siobhan", said)]);
            assert_eq!(a.owner.as_deref(), Some(owner), "{said}");
        }
        // A purpose, a forecast and the floor handed over are not work handed out.
        for said in [
            "Mike will get a quote, so Bev can take it to them.",
            "Sophie's going to be thrilled.",
            "Njeri, kindly lead us.",
        ] {
            let found = items(&[
                ("Bev", "Morning."),
                ("Sophie", "Hi."),
                ("Njeri", "Hello."),
                ("Carol", said),
            ]);
            assert!(
                found.iter().all(|a| a.owner.as_deref() != Some("Bev")
                    && a.owner.as_deref() != Some("Sophie")
                    && a.owner.as_deref() != Some("Njeri")),
                "{said}: {found:?}"
            );
        }
    }

    #[test]
    fn a_request_to_a_title_belongs_to_whoever_takes_it() {
        let a = one(&[
            (
                "Adebayo",
                "Engineer, kindly obtain three quotations for the roof sheets by the twentieth.",
            ),
            ("Tunde", "Noted, sir."),
        ]);
        assert_eq!(a.owner.as_deref(), Some("Tunde"));
        assert_eq!(a.due.as_deref(), Some("by the twentieth"));
    }

    #[test]
    fn a_clause_ends_where_the_next_item_starts() {
        let found = items(&[
            ("Raj", "Morning."),
            ("Greg", "I'll update the deck and Raj will book the room for Thursday."),
        ]);
        let got: Vec<_> = found
            .iter()
            .map(|a| (a.owner.as_deref(), a.task.as_str(), a.due.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                (Some("Greg"), "update the deck", None),
                (Some("Raj"), "book the room", Some("for Thursday"))
            ]
        );
    }

    #[test]
    fn a_reply_that_promises_more_dates_only_its_own_promise() {
        let found = items(&[
            ("Arjun", "Someone should write up the test plan."),
            ("Kavya", "I'll do it. Plus I'll review Rohan's PR tomorrow."),
        ]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(
            (found[0].task.as_str(), found[0].due.as_deref()),
            ("write up the test plan", None)
        );
        assert_eq!(found[1].due.as_deref(), Some("tomorrow"));
    }

    #[test]
    fn asked_by_name_a_promise_after_the_yes_says_how() {
        for reply in [
            "Sure. I'll go through it over the weekend.",
            "No worries, I'll ring around tomorrow.",
        ] {
            let a = one(&[
                ("Sunil", "Nisha, please review the contract before Monday."),
                ("Nisha", reply),
            ]);
            assert_eq!(
                (a.owner.as_deref(), a.due.as_deref()),
                (Some("Nisha"), Some("before Monday")),
                "{reply}"
            );
        }
        // A volunteer's promise about something else is its own item.
        let found = items(&[
            ("Maeve", "Someone should email the parents about the trip."),
            ("Claire", "I'll do it. I'll ring the coach company in the morning."),
        ]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[1].due.as_deref(), Some("in the morning"));
    }

    #[test]
    fn naming_the_taker_is_no_item_of_its_own() {
        let a = one(&[
            ("Nick", "Who's going to write the press release?"),
            ("Sam", "Jo can do it."),
            ("Jo", "Okay."),
        ]);
        assert_eq!(
            (a.owner.as_deref(), a.task.as_str()),
            (Some("Jo"), "write the press release")
        );
        none_is_an_item(&["Bronwyn, kindly note that the office is closed on Monday."]);
    }

    #[test]
    fn an_ordinal_before_a_thing_is_no_date() {
        let a = one(&[
            ("Ana", "Someone needs to fix the printer on the second floor."),
            ("Tariq", "I'll do it."),
        ]);
        assert_eq!(
            (a.task.as_str(), a.due.as_deref()),
            ("fix the printer on the second floor", None)
        );
        let a = one(&[("Ana", "I'll send the invoices by the second, before the audit.")]);
        assert_eq!(a.due.as_deref(), Some("by the second"));
        let a = one(&[
            ("Ana", "Chef, kindly update the allergen sheet by the weekend."),
            ("Marco", "Yes chef."),
        ]);
        assert_eq!(
            (a.owner.as_deref(), a.due.as_deref()),
            (Some("Marco"), Some("by the weekend"))
        );
    }

    #[test]
    fn a_day_a_thing_is_of_is_no_date() {
        let due = |lines: &[(&str, &str)]| one(lines).due;
        assert_eq!(due(&[("Ana", "I'll update the draft with today's changes.")]), None);
        assert_eq!(
            due(&[(
                "Ana",
                "I'll update the draft with today's changes and circulate it by Friday."
            )])
            .as_deref(),
            Some("by Friday")
        );
        assert_eq!(due(&[("Ana", "Nomvula, can you sort out the Saturday crew?")]), None);
        assert_eq!(due(&[("Ana", "Also, the Friday CSAT email, I'll rewrite it.")]), None);
        assert_eq!(due(&[("Ana", "I'll put Lars on the Christmas shifts.")]), None);
        assert_eq!(
            due(&[("Ana", "I'll put Lars on the Christmas rota by the Friday.")]).as_deref(),
            Some("by the Friday")
        );
        // A day said as a time stays one, with a part of the day or a deadline after it.
        assert_eq!(
            due(&[("Ana", "I'll ring the supplier on the Friday morning.")]).as_deref(),
            Some("on the Friday morning")
        );
        assert_eq!(
            due(&[("Ana", "I'll ring the supplier the Friday before.")]).as_deref(),
            Some("the Friday")
        );
        assert_eq!(
            due(&[("Ana", "I'll send the report Friday.")]).as_deref(),
            Some("Friday")
        );
    }

    #[test]
    fn of_two_times_for_one_task_the_deadline_is_due() {
        let a = one(&[(
            "Ana",
            "I'll do the callout list this afternoon and send it to the crew leads by three o'clock.",
        )]);
        assert_eq!(a.due.as_deref(), Some("by three o'clock"));
        let a = one(&[("Ana", "I'll pull the numbers for September by Friday.")]);
        assert_eq!(a.due.as_deref(), Some("by Friday"));
        // One time alone, or a deadline said first, is the one due.
        let a = one(&[("Ana", "I'll call the film office tomorrow.")]);
        assert_eq!(a.due.as_deref(), Some("tomorrow"));
        let a = one(&[("Ana", "I'll send it by Friday, and we'll talk on Monday.")]);
        assert_eq!(a.due.as_deref(), Some("by Friday"));
    }

    #[test]
    fn times_said_around_the_meeting_are_dates() {
        let due = |said: &str| one(&[("Ana", said)]).due;
        assert_eq!(
            due("I'll call the leveler guy soon as we're done here.").as_deref(),
            Some("soon as we're done here")
        );
        assert_eq!(
            due("I'll forward it to you after the call.").as_deref(),
            Some("after the call")
        );
        assert_eq!(
            due("I'll run the interviews the week after next.").as_deref(),
            Some("the week after next")
        );
        assert_eq!(due("I'll confirm to you by evening.").as_deref(), Some("by evening"));
    }

    #[test]
    fn an_event_in_a_clause_of_its_own_is_the_due_date() {
        let a = one(&[(
            "Ana",
            "Tommy, you get me a list of every vehicle we can put a driver in, before the first named storm.",
        )]);
        assert_eq!(
            (a.owner.as_deref(), a.due.as_deref()),
            (Some("Tommy"), Some("before the first named storm"))
        );
        // Someone else's part of the sentence dates nothing of the speaker's.
        let a = one(&[(
            "Ana",
            "I'll draft a note for the customers, but I'd like someone from engineering to check the wording before it goes out.",
        )]);
        assert_eq!(a.due, None);
    }

    #[test]
    fn a_promise_under_way_with_a_time_is_the_speakers() {
        let ordering = one(&[("Olu", "I'm ordering the spare pump today.")]);
        assert_eq!(ordering.owner.as_deref(), Some("Olu"));
        assert_eq!(ordering.due.as_deref(), Some("today"));
        // The time said first, or the promise given as a reason.
        let monday = one(&[(
            "Fiona",
            "First thing Monday I'm ringing the agency about cover for August.",
        )]);
        assert_eq!(monday.due.as_deref(), Some("First thing Monday"));
        let fronted = one(&[("Anouk", "This sprint I'm adding a schema check to the ingestion.")]);
        assert_eq!(
            (fronted.owner.as_deref(), fronted.task.as_str(), fronted.due.as_deref()),
            (
                Some("Anouk"),
                "add a schema check to the ingestion",
                Some("This sprint")
            )
        );
        let reason = one(&[(
            "Diego",
            "Good, because I'm sending the refund numbers to the finance team tomorrow.",
        )]);
        assert_eq!(
            (reason.task.as_str(), reason.due.as_deref()),
            ("send the refund numbers to the finance team", Some("tomorrow"))
        );
        let next = one(&[("Farhan", "Right after this I tape off the bay and move the pallets.")]);
        assert_eq!(next.owner.as_deref(), Some("Farhan"));
        assert_eq!(next.task, "tape off the bay and move the pallets");
        assert_eq!(next.due.as_deref(), Some("Right after this"));
        // Where someone will be, what is under way with no time, and a duration are no items.
        none_is_an_item(&[
            "I'm flying to Boston on Monday.",
            "I'm working from home tomorrow.",
            "I'm seeing the dentist tomorrow.",
            "I'm ordering the kit.",
            "I'm ordering the kit in two weeks if the budget allows.",
            "Tomorrow morning I'm flying to Boston.",
            "This week I'm working from home.",
            "Because I'm seeing the dentist tomorrow.",
            "Every two days I'm ordering more.",
        ]);
    }

    #[test]
    fn a_promise_said_from_the_other_end_is_the_speakers() {
        let email = one(&[("Graham", "Yep, the area manager gets an email from me tomorrow.")]);
        assert_eq!(email.owner.as_deref(), Some("Graham"));
        assert_eq!(email.task, "email the area manager");
        assert_eq!(email.due.as_deref(), Some("tomorrow"));
        let ring = one(&[(
            "Sione",
            "I know the lady who does the bookings, she'll get a ring from me Thursday.",
        )]);
        assert_eq!(ring.task, "ring her");
        let heard = one(&[("Carmen", "The committee is going to hear from me on Thursday.")]);
        assert_eq!(heard.task, "talk to the committee");
        for (said, task, due) in [
            (
                "Then their account manager hears it from me this week, before the notice goes out.",
                "talk to their account manager",
                "this week",
            ),
            ("Fine. They'll hear it from me by Friday.", "talk to them", "by Friday"),
            (
                "Not at all, he'll have an email from me this afternoon with you copied in.",
                "email him with you copied in",
                "this afternoon",
            ),
        ] {
            let told = one(&[("Amara", said)]);
            assert_eq!(told.owner.as_deref(), Some("Amara"), "{said}");
            assert_eq!(told.task, task, "{said}");
            assert_eq!(told.due.as_deref(), Some(due), "{said}");
        }
        // Reported, a message someone else sends, or what someone would rather not hear.
        none_is_an_item(&[
            "He said the area manager gets an email from me tomorrow.",
            "The area manager gets an email from head office tomorrow.",
            "Graham won't want to hear it from me.",
        ]);
        let sure = one(&[(
            "Pat",
            "Gilles starts on Monday, and I'll make sure he hears that from me tomorrow.",
        )]);
        assert_eq!(sure.task, "make sure he hears that from me", "{sure:?}");
    }

    #[test]
    fn a_delivery_promised_with_a_time_is_the_speakers() {
        let draft = one(&[
            ("Carmen", "The customer notice has to go out this week."),
            ("Tomasz", "Works for me. You'll have a draft of the notice tomorrow."),
        ]);
        assert_eq!(draft.owner.as_deref(), Some("Tomasz"));
        assert_eq!(draft.task, "deliver a draft of the notice");
        assert_eq!(draft.due.as_deref(), Some("tomorrow"));
        none_is_an_item(&[
            "You'll have to send it by Friday.",
            "You'll have seen the email by now.",
            "You'll have time to eat on Friday.",
            "You'll have a great time.",
            "You'll have a great time on Friday.",
            "You'll have it tomorrow if the courier turns up.",
        ]);
        // Nothing said before names what would be delivered.
        none_is_an_item(&["You'll have a draft of the notice tomorrow."]);
    }

    #[test]
    fn asked_by_name_a_reply_from_the_other_end_is_the_same_item() {
        let found = items(&[
            ("Hemi", "Graham, give them another nudge, would you?"),
            ("Graham", "Yep, the area manager gets an email from me tomorrow."),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].owner.as_deref(), Some("Graham"));
        assert_eq!(found[0].due.as_deref(), Some("tomorrow"));
    }

    #[test]
    fn a_one_word_reply_is_no_name() {
        let found = items(&[("Jia Hui", "Confirm, Saturday morning.")]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn promises_said_another_way_keep_to_their_clause_and_read_as_a_task() {
        // One person's promises in one sentence are one item, each clause its own words.
        let both = one(&[(
            "Olu",
            "The area manager gets an email from me tomorrow and I'll book the room.",
        )]);
        assert_eq!(both.task, "email the area manager and book the room");
        assert_eq!(both.due.as_deref(), Some("tomorrow"));
        assert_eq!(
            one(&[("Olu", "I'm ordering the spare pump today.")]).task,
            "order the spare pump"
        );
        assert_eq!(
            one(&[("Olu", "I'm putting the notice up today.")]).task,
            "put the notice up"
        );
        assert_eq!(
            one(&[("Olu", "I'm writing to the council this week.")]).task,
            "write to the council"
        );
        none_is_an_item(&[
            "I'm heading to Leeds tomorrow.",
            "I'm running late today.",
            "Tomorrow I fly to Boston.",
            "Tonight I sleep like a baby.",
            "Nobody gets a call from me on Sunday.",
            "He'll get a call from me if he's late again.",
            "I'm ordering the kit today?",
        ]);
    }

    #[test]
    fn an_offer_the_next_speaker_takes_up_is_the_offerers_item() {
        let kept = one(&[
            ("Arvind", "He could fit the visual designer opening in brand."),
            (
                "Sneha",
                "That role opens only in January. I can keep him warm till then.",
            ),
            ("Meenakshi", "Please do."),
        ]);
        assert_eq!(kept.owner.as_deref(), Some("Sneha"), "{kept:?}");
        let folks = one(&[
            ("Renee", "I could get two of my folks on it tomorrow."),
            ("Dana", "Do it."),
        ]);
        assert_eq!(folks.owner.as_deref(), Some("Renee"), "{folks:?}");
        assert_eq!(folks.due.as_deref(), Some("tomorrow"), "{folks:?}");
        for reply in ["Right, next item.", "Great.", "Thanks."] {
            let found = items(&[("Sneha", "I can keep him warm till then."), ("Meenakshi", reply)]);
            assert!(found.is_empty(), "{reply}: {found:?}");
        }
        let told = items(&[("Mei", "I can do eight rooms in an hour."), ("Bronwyn", "Please do.")]);
        assert_eq!(told.len(), 1, "taken up, a telling becomes a promise: {told:?}");
    }

    #[test]
    fn the_meetings_own_procedure_and_a_greeting_are_no_items() {
        let moved = items(&[
            ("Patricia", "Could I have a motion to approve the audited statements?"),
            ("Farah", "I'll move it."),
            ("Doug", "Second."),
        ]);
        assert!(
            moved.iter().all(|item| item.owner.as_deref() != Some("Farah")),
            "{moved:?}"
        );
        none_is_an_item(&[
            "Thank you all, I'll close the meeting there.",
            "Then I'm going to defer this item to the next meeting.",
            "Morning, everyone, grab a coffee, there's heaps.",
            "I'll make a motion we spend up to eighteen hundred on the pump.",
            "I'll propose them.",
            "I'm going to call it: going concern is a significant risk this year.",
        ]);
        assert_eq!(items(&[("Ana", "I'll move it to Tuesday.")]).len(), 1);
    }

    #[test]
    fn a_question_about_what_someone_could_do_asks_for_nothing() {
        let asked = |question: &'static str| items(&[("Mei", "Forty, maybe."), ("Bronwyn", question)]);
        assert!(asked("How many could you have ready by eleven, realistically?").is_empty());
        assert_eq!(asked("Could you have forty ready by eleven?").len(), 1);
    }

    #[test]
    fn an_order_with_a_tag_goes_to_whoever_was_spoken_to() {
        let logged = one(&[
            ("Lachie", "The encoder on desk two is playing up again."),
            (
                "Bronwyn",
                "Log it with the vendor before you knock off this morning, would you?",
            ),
        ]);
        assert_eq!(logged.owner.as_deref(), Some("Lachie"), "{logged:?}");
        assert!(logged.task.starts_with("Log it with the vendor"), "{logged:?}");
        for not_ordered in ["What a day, would you?", "Is it fixed yet, could you?"] {
            let found = items(&[("Lachie", "The encoder is playing up."), ("Bronwyn", not_ordered)]);
            assert!(found.is_empty(), "{not_ordered}: {found:?}");
        }
    }

    #[test]
    fn offers_taken_up_later_in_the_turn_and_procedure_said_other_ways() {
        for (offer, reply) in [
            ("I can ring the caterers. They owe me a favour.", "Please do."),
            ("I can ring the caterers.", "Would you? That'd be great."),
            ("I can ring the caterers.", "Sure, go ahead."),
        ] {
            let rung = one(&[("Bob", offer), ("Ann", reply)]);
            assert_eq!(rung.owner.as_deref(), Some("Bob"), "{reply}: {rung:?}");
        }
        none_is_an_item(&[
            "I'll propose it, Chair.",
            "I'll move that we accept the accounts as presented.",
            "Right, I'll close there, thanks everyone.",
        ]);
    }

    #[test]
    fn a_tagged_order_is_a_task_only_with_a_task_verb_or_a_time() {
        let found = items(&[
            ("Bob", "Sorry I'm late."),
            ("Ann", "Shut the door behind you, would you?"),
        ]);
        assert!(found.is_empty(), "{found:?}");
        let chased = one(&[
            ("Bob", "The printers still haven't sent the proofs."),
            ("Ann", "Chase the printers by Friday, would you, Bob?"),
        ]);
        assert_eq!(chased.owner.as_deref(), Some("Bob"), "{chased:?}");
    }

    #[test]
    fn a_promise_or_offer_turned_down_is_no_item() {
        for reply in [
            "No need, Carol already has.",
            "Don't worry, it's sorted.",
            "Oh, that's already done.",
            // A flat no, or "please don't": a joke or a kind offer the room will not have.
            "No, Bob, I need you here for the tasting.",
            "No. Save your afternoon for the tasting.",
            "Please don't, last time you did that they sent forty pies.",
        ] {
            let found = items(&[("Bob", "I can ring the caterers this afternoon."), ("Ann", reply)]);
            assert!(found.is_empty(), "{reply}: {found:?}");
        }
        for reply in [
            "Thanks, Bob.",
            "No problem, thanks.",
            "Nobody else will, so thanks.",
            "No, no, please do.",
            "Please don't forget the receipt.",
        ] {
            let kept = one(&[("Bob", "I'll ring the caterers this afternoon."), ("Ann", reply)]);
            assert_eq!(kept.owner.as_deref(), Some("Bob"), "{reply}: {kept:?}");
        }
        // A no that answers "Any objections?" lets the promise stand.
        let kept = one(&[
            ("Bob", "I'll ring the caterers this afternoon. Any objections?"),
            ("Ann", "No, go ahead."),
        ]);
        assert_eq!(kept.owner.as_deref(), Some("Bob"), "{kept:?}");
    }

    #[test]
    fn an_offer_asked_and_taken_up_is_the_askers_item() {
        for (offer, reply) in [
            ("Should I write to the VC office formally, sir?", "Yes, ma'am, please."),
            ("Do you want me to ring the caterers?", "If you could."),
            ("Want me to send the minutes round?", "Please."),
        ] {
            let offered = one(&[("Fatima", offer), ("Ramesh", reply)]);
            assert_eq!(offered.owner.as_deref(), Some("Fatima"), "{offer} {offered:?}");
        }
        for (offer, reply) in [
            ("Do you want me to draft the note to corporate?", "I'm good, thanks."),
            ("Should I ring the caterers?", "No need, Carol already has."),
            ("Shall I ring the caterers?", "What for?"),
        ] {
            let found = items(&[("Fatima", offer), ("Ramesh", reply)]);
            assert!(found.is_empty(), "{offer} {reply}: {found:?}");
        }
        // Right after taking something on, such a question asks how to do it.
        let booked = items(&[
            (
                "Zoe",
                "Ravi, can you book the sampling weekends with the store managers?",
            ),
            ("Ravi", "Sure. Do you want me to prioritise the bigger stores?"),
            ("Zoe", "Yes, the top fifteen by footfall."),
        ]);
        assert_eq!(booked.len(), 1, "{booked:?}");
        assert!(booked[0].task.starts_with("book the sampling weekends"), "{booked:?}");
    }

    #[test]
    fn a_name_called_then_also_or_just_and_an_order_is_a_request() {
        let put = one(&[
            (
                "Grace",
                "Esther, also put a line in the pre-arrival email, so nobody is surprised.",
            ),
            ("Esther", "Okay."),
        ]);
        assert_eq!(put.owner.as_deref(), Some("Esther"), "{put:?}");
        assert_eq!(put.task, "put a line in the pre-arrival email");
    }

    #[test]
    fn an_order_to_someone_by_name_they_take_on_is_theirs_whatever_its_verb() {
        for (order, task) in [
            (
                "Jesper, count everything in the container and make a list of what's missing.",
                "count everything in the container and make a list of what's missing",
            ),
            (
                "Jesper, since you're in the workshop anyway, count the spares.",
                "count the spares",
            ),
            ("Jesper, please tag the faulty harnesses.", "tag the faulty harnesses"),
        ] {
            let counted = one(&[("Mette", order), ("Jesper", "Sure.")]);
            assert_eq!(counted.owner.as_deref(), Some("Jesper"), "{order}: {counted:?}");
            assert_eq!(counted.task, task);
        }
        for (said, reply) in [
            // Not taken on, or not by whoever was called.
            ("Jesper, count the spares.", "Why me?"),
            // Praise, a greeting, a question, the past, a condition.
            ("Jesper, great work on the blades.", "Sure."),
            ("Jesper, welcome back to the crew.", "Sure."),
            ("Jesper, count the spares?", "Sure."),
            ("Jesper, counted the spares yesterday.", "Sure."),
            ("Jesper, if the boat is late, count the spares.", "Sure."),
            // A topic or a thing named, handed over to talk about.
            ("Jesper, housekeeping and the spares.", "Sure."),
            ("Jesper, debounce is a good idea.", "Sure."),
            ("Jesper, direct bookings.", "Sure."),
        ] {
            let found = items(&[("Mette", said), ("Jesper", reply)]);
            assert!(found.is_empty(), "{said} {reply}: {found:?}");
        }
        let other = items(&[("Mette", "Jesper, count the spares."), ("Anders", "Sure.")]);
        assert!(other.is_empty(), "{other:?}");
    }

    #[test]
    fn a_time_alone_in_its_clause_dates_what_the_clause_before_named() {
        let counted = one(&[
            ("Ann", "Bob, a full stock count of the cold room, by Wednesday please."),
            ("Bob", "Okay, Wednesday."),
        ]);
        assert_eq!(counted.owner.as_deref(), Some("Bob"), "{counted:?}");
        assert_eq!(counted.task, "a full stock count of the cold room");
        assert_eq!(counted.due.as_deref(), Some("by Wednesday"));
        // An unusual verb the request table does not list, taken on with the time said again.
        let pulled = one(&[
            (
                "Ann",
                "Bob, pull the old invoices and flag every unpaid one, by Friday.",
            ),
            ("Bob", "Friday, fine."),
        ]);
        assert_eq!(pulled.owner.as_deref(), Some("Bob"), "{pulled:?}");
        // A name and a time, nothing to do; a time given as the answer to "when".
        let found = items(&[("Ann", "Bob, by Wednesday please."), ("Bob", "Okay, Wednesday.")]);
        assert!(found.is_empty(), "{found:?}");
        let found = items(&[
            ("Ann", "Bob, when do you want the photo call?"),
            ("Bob", "After the dress run, so Thursday, nine at night."),
            ("Ann", "Okay, Thursday it is."),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn a_short_sentence_that_calls_someone_names_who_the_next_one_is_for() {
        let got = one(&[
            ("Ann", "Bob, the boiler. Get the engineer out this week, please."),
            ("Bob", "Yes, will do."),
        ]);
        assert_eq!(got.owner.as_deref(), Some("Bob"), "{got:?}");
        // Not a list that opens with a firm's name, answered by someone else.
        let found = items(&[
            (
                "Bob",
                "Two quotes. Sparkle, four hundred a month. The old firm, Brite, five hundred.",
            ),
            ("Cat", "Sparkle is the one the bakery uses."),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn a_deadline_set_without_a_name_is_for_whoever_the_speaker_is_talking_with_if_they_repeat_it() {
        let mapped = one(&[
            ("Ann", "Bob, what about the floor plan on the intranet?"),
            ("Bob", "The drawings are done, I just haven't put them up."),
            (
                "Ann",
                "New floor plan on the intranet by Monday, with the room finder working.",
            ),
            ("Bob", "Monday, yes."),
        ]);
        assert_eq!(mapped.owner.as_deref(), Some("Bob"), "{mapped:?}");
        // Agreeing on a date the other just gave is no task; nor is a reply that does not say
        // the time again.
        let found = items(&[
            ("Ann", "When is the inspection?"),
            ("Bob", "I think Tuesday."),
            ("Ann", "The inspectors come on Tuesday, then."),
            ("Bob", "Yes, Tuesday."),
        ]);
        assert!(found.is_empty(), "{found:?}");
        let found = items(&[
            ("Ann", "Bob, what about the floor plan?"),
            ("Bob", "The drawings are done."),
            ("Ann", "New floor plan on the intranet by Monday."),
            ("Bob", "Sure."),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn a_bare_volunteer_takes_on_what_was_asked_of_the_room() {
        for reply in [
            "I can.",
            "I will.",
            "Me.",
            "Leave that one to me.",
            "Leave this with me.",
        ] {
            let taken = one(&[("Ann", "Who can ring the landlord about the damp?"), ("Bob", reply)]);
            assert_eq!(taken.owner.as_deref(), Some("Bob"), "{reply}: {taken:?}");
        }
        for reply in ["Me neither.", "I can't.", "Me?"] {
            let found = items(&[("Ann", "Who can ring the landlord about the damp?"), ("Bob", reply)]);
            assert!(found.is_empty(), "{reply}: {found:?}");
        }
    }

    #[test]
    fn what_someone_is_thinking_of_is_no_task_even_when_a_time_is_repeated() {
        let found = items(&[
            ("Ann", "Bob, the harvest order?"),
            ("Bob", "Still thinking."),
            (
                "Ann",
                "So my thinking is the east block comes off Monday night, before the heat.",
            ),
            ("Bob", "Monday night could work."),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn a_promise_in_reply_from_the_one_asked_takes_the_request_on() {
        let found = items(&[
            ("Ann", "Bob, can you chase the depot about the grader before Friday?"),
            ("Bob", "I'll call them right after this."),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].owner.as_deref(), Some("Bob"));
        assert_eq!(found[0].task, "chase the depot about the grader");
        // Another promise later in the same turn, about something else, is an item of its own.
        let found = items(&[
            ("Ann", "Bob, you tell her."),
            (
                "Bob",
                "I'll phone her tonight. And the press. I'll clean the press this weekend.",
            ),
        ]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found.iter().all(|item| item.owner.as_deref() == Some("Bob")),
            "{found:?}"
        );
    }

    #[test]
    fn a_verb_of_the_meeting_with_a_time_is_a_task_and_a_request_not_to_is_none() {
        let gone = one(&[
            ("Ann", "Bob, can you go back through the invoices before Friday?"),
            ("Bob", "Sure."),
        ]);
        assert_eq!(gone.owner.as_deref(), Some("Bob"), "{gone:?}");
        for asked in [
            "Bob, can you go first?",
            "Please don't make it April, that's the busy month.",
        ] {
            let found = items(&[("Ann", asked), ("Bob", "Okay.")]);
            assert!(found.is_empty(), "{asked}: {found:?}");
        }
    }

    #[test]
    fn the_speaker_named_as_who_does_it_by_a_time_owns_it() {
        for (said, due) in [
            (
                "And the truncation bugs get logged against the release by me today, with screenshots, so nobody closes them as won't-fix.",
                "today",
            ),
            ("A letter to every rep goes out under my name this week, with the chiefs copied.", "this week"),
            ("The holiday staffing grid gets posted Monday, from my desk.", "Monday"),
            ("Then the yacht club gets that in writing from me tomorrow.", "tomorrow"),
            ("I'm there Thursday anyway, so the visit slots come back with me.", "Thursday"),
        ] {
            let done = one(&[("Nat", said), ("Priscila", "Good.")]);
            assert_eq!(done.owner.as_deref(), Some("Nat"), "{said}: {done:?}");
            assert_eq!(done.due.as_deref(), Some(due), "{said}: {done:?}");
            assert!(!done.task.contains("won't-fix"), "{said}: {done:?}");
        }
        for said in [
            "Friday's fine by me.",
            "It's a no from me for Friday's budget.",
            "Nothing more from me on Friday's launch.",
            "The bugs were logged by me yesterday.",
            "If it rains, the tarp comes from me on Monday.",
            "Nat says the grid gets posted Monday, from my desk.",
            "The grid gets posted from my desk.",
            "That's a yes from me for Friday.",
            "One more thing from me: the audit is on Friday.",
            "Quick update from my end: the build ships Friday.",
        ] {
            let found = items(&[("Nat", said), ("Priscila", "Good.")]);
            assert!(found.is_empty(), "{said}: {found:?}");
        }
        // Asked of the one spoken to, not the speaker's.
        for said in [
            "Priscila, run the slides by me before Friday.",
            "Please check back with me on Monday.",
        ] {
            let found = items(&[("Nat", said), ("Priscila", "Will do.")]);
            assert!(
                found.iter().all(|item| item.owner.as_deref() != Some("Nat")),
                "{said}: {found:?}"
            );
        }
    }

    #[test]
    fn a_request_that_only_points_back_takes_its_task_from_the_promise_that_answers_it() {
        let checked = one(&[
            ("Ingrid", "Her certificates are due in December."),
            ("Ingrid", "Magnus, could you check that before we commit?"),
            (
                "Magnus",
                "Yes. I will go through all her papers next week and tell you what is missing.",
            ),
        ]);
        assert_eq!(checked.owner.as_deref(), Some("Magnus"), "{checked:?}");
        assert_eq!(
            checked.task, "go through all her papers and tell you what is missing",
            "{checked:?}"
        );
        assert_eq!(checked.due.as_deref(), Some("next week"), "{checked:?}");
        let sorted = one(&[
            ("Ingrid", "The supplier sent the wrong valves."),
            ("Ingrid", "Can you sort that out?"),
            ("Magnus", "I'll ring the supplier tomorrow."),
        ]);
        assert_eq!(sorted.owner.as_deref(), Some("Magnus"), "{sorted:?}");
        assert_eq!(sorted.task, "ring the supplier", "{sorted:?}");
        assert_eq!(sorted.due.as_deref(), Some("tomorrow"), "{sorted:?}");
        // A request that names its work keeps it; the reply says how.
        let named = one(&[
            ("Ingrid", "Magnus, could you check the certificates before we commit?"),
            ("Magnus", "Yes. I will go through all her papers next week."),
        ]);
        assert_eq!(named.task, "check the certificates", "{named:?}");
    }

    #[test]
    fn volunteering_with_a_thing_of_then_named_or_to_be_put_on_something_is_an_item() {
        for (said, task) in [
            (
                "Sign me up for wrangling the moderators, I've still got last year's list.",
                "wrangling the moderators",
            ),
            ("Put me on the Christmas shifts, by the way.", "the Christmas shifts"),
        ] {
            let volunteered = one(&[("Ana", "We need people for it."), ("Lars", said)]);
            assert_eq!(volunteered.owner.as_deref(), Some("Lars"), "{said}");
            assert_eq!(volunteered.task, task, "{said}");
        }
        // Advice on how things are always done asks for nothing now.
        assert!(items(&[(
            "Ana",
            "Tom, you should always read last year's letter before you go in."
        )])
        .is_empty());
        assert!(items(&[(
            "Helen",
            "You should always read last year's letter before you go in, by the way, Tom, it tells you a lot."
        )])
        .is_empty());
        assert_eq!(
            items(&[("Ana", "Kerry, you need to log the error code every time it happens.")]).len(),
            1,
            "a standing task is one"
        );
        none_is_an_item(&[
            "Don't put me on the spot.",
            "Put me on hold.",
            "Last year I signed up for the moderators.",
        ]);
    }

    #[test]
    fn work_the_speaker_claims_as_their_job_is_theirs() {
        for (said, task, due) in [
            (
                "Telling the commoners' association is my department, they like to know these things.",
                "tell the commoners' association",
                None,
            ),
            (
                "And the routing template is my job, by Wednesday.",
                "the routing template",
                Some("by Wednesday"),
            ),
            (
                "The TikTok content plan, that's my job anyway.",
                "The TikTok content plan",
                None,
            ),
            ("Marketing is my problem.", "Marketing", None),
            ("Rob and the sales team are my problem.", "Rob and the sales team", None),
            ("The fee paragraphs can come to me.", "The fee paragraphs", None),
            (
                "The sacks are my headache, the depot owes us five hundred anyway.",
                "The sacks",
                None,
            ),
            ("The clinical narrative, I've got it.", "The clinical narrative", None),
            (
                "The couple and the bride's mother, leave them with me.",
                "The couple and the bride's mother",
                None,
            ),
            (
                "The missed bins, that's me with photos every weekend.",
                "The missed bins",
                None,
            ),
            (
                "The narrative part, leave it to me, over the weekend.",
                "The narrative part",
                Some("over the weekend"),
            ),
            (
                "Moving the SSO stories into sprint two, that's on me before Thursday's planning.",
                "move the SSO stories into sprint two",
                Some("before Thursday's planning"),
            ),
            (
                "Since it's happening anyway, the NetSuite scope doc is mine to write.",
                "write the NetSuite scope doc",
                None,
            ),
        ] {
            let claimed = one(&[("Ana", "What about the rest?"), ("Ben", said)]);
            assert_eq!(claimed.owner.as_deref(), Some("Ben"), "{said}");
            assert_eq!(claimed.task, task, "{said}");
            assert_eq!(claimed.due.as_deref(), due, "{said}");
        }
        none_is_an_item(&[
            "That's my job.",
            "This bit is my problem.",
            "It's not my job.",
            "The routing template isn't my job.",
            "Is the routing template my job?",
            "She said the routing template is my job.",
            "That's mine to worry about.",
            "That can come to me.",
            "The blame, that's on me.",
            "No worries, leave it with me.",
            "Anything urgent can come to me.",
            "Everything else, that's on me.",
            "Missing the deadline, that's on me.",
            "The mistake, that's my problem.",
            "Yes, I've got it.",
            "Repair, not replace, I've got that.",
            "The receipts, I've got them in the car.",
            "The last slide, that's me done.",
            "Okay, that's me with the keys.",
        ]);
    }

    #[test]
    fn work_under_way_with_a_verb_that_also_says_where_one_is_needs_a_thing_done() {
        for (said, task) in [
            (
                "I'm taking all of this to the exec team on Thursday.",
                "take all of this to the exec team",
            ),
            (
                "Good, because I'm taking the refund numbers to the finance sync tomorrow.",
                "take the refund numbers to the finance sync",
            ),
        ] {
            let taken = one(&[("Nadia", said)]);
            assert_eq!(taken.owner.as_deref(), Some("Nadia"), "{said}");
            assert_eq!(taken.task, task, "{said}");
        }
        let named = one(&[
            ("Ana", "So Priya's doing the row C retests Wednesday."),
            ("Priya", "Fine."),
        ]);
        assert_eq!(
            (named.owner.as_deref(), named.task.as_str()),
            (Some("Priya"), "do the row C retests")
        );
        none_is_an_item(&[
            "I'm taking a day off on Thursday.",
            "I'm taking the train on Friday.",
            "I'm running late this morning.",
            "I'm taking the minutes today.",
            "I'm doing fine this week.",
        ]);
    }

    #[test]
    fn work_someone_named_does_by_a_time_in_the_present_is_theirs() {
        for (said, owner, due) in [
            (
                "Tamsin chases Penryn Marine for that quote this week, and if they've gone cold, she finds somebody else.",
                "Tamsin",
                "this week",
            ),
            ("Mai is sending the buyer the full subcontractor list this week.", "Mai", "this week"),
            ("So Priya's covering the front desk on Wednesday.", "Priya", "on Wednesday"),
            (
                "Owen pulls the last six months of results onto one page, before Siobhan starts writing.",
                "Owen",
                "before Siobhan starts writing",
            ),
            ("Fatima-Zahra rings both camps this week for December prices.", "Fatima-Zahra", "this week"),
            (
                "Marcus pulls the wet pack log for the last ninety days, with root causes, by Friday.",
                "Marcus",
                "by Friday",
            ),
        ] {
            let lines = [("Denise", said), (owner, "Fine.")];
            let handed = one(&lines);
            assert_eq!(handed.owner.as_deref(), Some(owner), "{said}: {handed:?}");
            assert_eq!(handed.due.as_deref(), Some(due), "{said}: {handed:?}");
            assert!(!handed.task.contains("gone cold"), "{said}: {handed:?}");
        }
        // A clause turned down leaves the next one in the sentence to be read; two in one.
        let after_a_thought = items(&[
            (
                "Denise",
                "Marcus thinks it's fine, and Tamsin chases Penryn Marine for the quote this week.",
            ),
            ("Tamsin", "Fine."),
        ]);
        assert_eq!(after_a_thought.len(), 1, "{after_a_thought:?}");
        assert_eq!(after_a_thought[0].owner.as_deref(), Some("Tamsin"));
        let two = items(&[
            (
                "Denise",
                "Tamsin chases the quote this week, and Marcus organizes the rota by Friday.",
            ),
            ("Tamsin", "Fine."),
            ("Marcus", "Sure."),
        ]);
        let owners: Vec<_> = two.iter().map(|item| item.owner.as_deref()).collect();
        assert_eq!(owners, [Some("Tamsin"), Some("Marcus")], "{two:?}");
        assert!(two[1].task.starts_with("organize the rota"), "{two:?}");
        let applies = one(&[
            ("Denise", "Marcus supplies the permit forms by Friday."),
            ("Marcus", "Sure."),
        ]);
        assert!(applies.task.starts_with("supply the permit forms"), "{applies:?}");
        for said in [
            // A capital known only from this sentence that is a word too is no one.
            "Okay, Central sends the revised quote by Friday.",
            // A habit, where someone will be, what someone thinks, a past, a condition, reported.
            "Marcus pulls the log every Friday.",
            "Tamsin is flying to Boston on Monday.",
            "Tamsin thinks the quote comes by Friday.",
            "Tamsin makes a fair point about Friday.",
            "Tamsin chased Penryn Marine last week.",
            "If it rains, Tamsin brings the tarp on Monday.",
            "Derek says Tamsin sends it by Friday.",
        ] {
            let found = items(&[("Denise", said), ("Tamsin", "Yes."), ("Marcus", "Okay.")]);
            assert!(found.is_empty(), "{said}: {found:?}");
        }
        // Someone away, by a time, when the word can only be a name; not a word that opens a
        // sentence anyway, nor a past.
        let away = one(&[
            ("Denise", "Greg confirms the quantity to us in writing today."),
            ("Marcus", "Good."),
        ]);
        assert_eq!(away.owner.as_deref(), Some("Greg"), "{away:?}");
        assert_eq!(away.task, "confirm the quantity to us in writing");
        for said in [
            "Treasury puts it on the rate sheet on Monday morning.",
            "CloudTrail shows an IP from a hosting provider on Tuesday.",
            "Shard prices on the auction house have dropped forty percent since Wednesday.",
        ] {
            let found = items(&[("Denise", said), ("Marcus", "Okay.")]);
            assert!(found.is_empty(), "{said}: {found:?}");
        }
        // With no time to do it by, only someone in the meeting is told what they do; a name the
        // meeting has only heard might be a firm's.
        let present = one(&[("Denise", "Tamsin chases Penryn Marine."), ("Tamsin", "Yes.")]);
        assert_eq!(present.owner.as_deref(), Some("Tamsin"), "{present:?}");
        for said in [
            "Marcus said Tamsin was off. Tamsin chases Penryn Marine.",
            "Marcus said Tamsin was off. Tamsin chases Penryn Marine, because Marcus wants the quote.",
        ] {
            let found = items(&[("Denise", said), ("Derek", "Okay.")]);
            assert!(found.is_empty(), "{said}: {found:?}");
        }
    }

    #[test]
    fn who_is_doing_something_asks_for_a_taker_and_the_reply_takes_it() {
        for (asked, reply, task) in [
            ("So who's doing the reserve review?", "Me.", "do the reserve review"),
            (
                "Who's dealing with the forwarder on that?",
                "That's me.",
                "deal with the forwarder",
            ),
            (
                "Who's chasing the college, then?",
                "Put my name on that one.",
                "chase the college",
            ),
        ] {
            let taken = one(&[
                ("Teresa", asked),
                ("Malik", reply),
                ("Olu", "I usually do a sweep on a Friday afternoon anyway."),
            ]);
            assert_eq!(taken.owner.as_deref(), Some("Malik"), "{asked}: {taken:?}");
            assert!(taken.task.starts_with(task), "{asked}: {taken:?}");
            // A habit said after it is no time to do it by.
            assert_eq!(taken.due, None, "{asked}: {taken:?}");
        }
        // Nobody takes it, or it asks where people will be or who speaks.
        for (asked, reply) in [
            ("Who's doing the reserve review?", "Good question."),
            ("Who's coming on Friday?", "Me."),
            ("Who's speaking first?", "Me."),
            ("Who is smiling?", "Okay, okay."),
            ("And who's editing?", "Me."),
        ] {
            let found = items(&[("Teresa", asked), ("Malik", reply), ("Olu", "Right.")]);
            assert!(found.is_empty(), "{asked}: {found:?}");
        }
    }

    #[test]
    fn an_item_of_its_own_after_work_placed_with_someone_stays_its_own() {
        let found = items(&[
            ("Ana", "Can someone book the van for the away game?"),
            ("Ben", "That one's on me."),
            ("Ben", "And I'll ring the vet by Friday."),
            ("Ana", "Great."),
        ]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].task.contains("van") && found[0].due.is_none(), "{found:?}");
        assert_eq!(found[0].owner.as_deref(), Some("Ben"), "{found:?}");
        assert!(found[1].task.contains("ring the vet"), "{found:?}");
        assert_eq!(found[1].due.as_deref(), Some("by Friday"), "{found:?}");
        // The speaker's own placement without a time of its own is an item of its own; it does
        // not borrow the next item's.
        let both = items(&[
            ("Ana", "Next, the van."),
            ("Ben", "The van booking sits with me."),
            ("Ben", "And I'll ring the vet by Friday."),
            ("Ana", "Great."),
        ]);
        assert_eq!(both.len(), 2, "{both:?}");
        assert_eq!(both[0].task, "The van booking", "{both:?}");
        assert_eq!(both[0].due, None, "{both:?}");
        assert!(both[1].task.contains("ring the vet"), "{both:?}");
        // An apology takes nothing on.
        let sorry = items(&[
            ("Ana", "Ben, the gate was open on Sunday night."),
            ("Ben", "That's on me."),
        ]);
        assert!(sorry.is_empty(), "{sorry:?}");
        // Said of it, or how it will be done, the next sentence dates it.
        for how in [
            "I'll pull the logger download before I go home tonight.",
            "I'll have another look at the logger before Friday.",
        ] {
            let placed = one(&[
                ("Ana", "Next, the fridge."),
                ("Ben", "Leave the fridge with me."),
                ("Ben", how),
                ("Ana", "Great."),
            ]);
            assert!(placed.text.contains("Leave the fridge"), "{how}: {placed:?}");
        }
        let dated = one(&[
            ("Ana", "Next, the van."),
            ("Ben", "The van booking sits with me."),
            ("Ben", "I'll have it done by Friday."),
            ("Ana", "Great."),
        ]);
        assert_eq!(dated.due.as_deref(), Some("by Friday"), "{dated:?}");
    }

    #[test]
    fn asking_whether_someone_s_team_can_do_it_is_a_request_to_them() {
        let asked = one(&[
            (
                "Noor",
                "Felix, can your team start the soak test on it tomorrow morning?",
            ),
            ("Felix", "Yep."),
        ]);
        assert_eq!(asked.owner.as_deref(), Some("Felix"), "{asked:?}");
        assert_eq!(asked.due.as_deref(), Some("tomorrow morning"), "{asked:?}");
        assert!(asked.task.starts_with("start the soak test"), "{asked:?}");
    }

    #[test]
    fn a_name_called_last_in_the_sentence_is_who_an_order_is_for() {
        for said in [
            "Get her out here before the fourteenth, Rosa.",
            "Follow up with the Hosur people, Rosa!",
        ] {
            let ordered = one(&[("Dale", said), ("Cody", "The hogs are back."), ("Rosa", "Hmm.")]);
            assert_eq!(ordered.owner.as_deref(), Some("Rosa"), "{said}: {ordered:?}");
        }
        // Without a name an order is said to anyone; thanks, a goodbye or good wishes are no
        // order, nor is a name of no one in the meeting.
        assert!(items(&[("Dale", "Get her out here before the fourteenth."), ("Cody", "Hmm.")]).is_empty());
        for (said, reply) in [
            ("Thanks for covering on Saturday, Rosa.", "No worries."),
            ("See you Thursday, Rosa.", "Yep, see you then."),
            ("Get well soon, Rosa.", "Thanks."),
            ("Grab a seat, Rosa.", "Sure."),
            ("Ring the supplier, Brightwell.", "Okay."),
        ] {
            let found = items(&[("Dale", said), ("Rosa", reply)]);
            assert!(found.is_empty(), "{said}: {found:?}");
        }
    }

    #[test]
    fn work_told_to_someone_by_name_in_the_second_person_is_theirs_without_a_reply() {
        for (said, owner, task) in [
            (
                "Declan, you're ringing her today to tell her, before the daughter rings us.",
                "Declan",
                "ring her",
            ),
            (
                "Josh, you'll rejig teams three and six.",
                "Josh",
                "rejig teams three and six",
            ),
            (
                "Camila, you feed her the marketing claims so they match the website.",
                "Camila",
                "feed her the marketing claims",
            ),
            (
                "Sofia, you're running the float schedule.",
                "Sofia",
                "run the float schedule",
            ),
            (
                "And Kirsty, you're doing the refresher for the night staff.",
                "Kirsty",
                "do the refresher",
            ),
        ] {
            // The one called says nothing back: the next speaker asks about something else.
            let lines = [
                ("Noor", said),
                ("Yolanda", "Will the holiday let keep her, though?"),
                (owner, "Hmm."),
            ];
            let told = one(&lines);
            assert_eq!(told.owner.as_deref(), Some(owner), "{said}: {told:?}");
            assert!(told.task.starts_with(task), "{said}: {told:?}");
        }
        for said in [
            // What they know, feel, are or did; praise; who speaks next.
            "Tom, you know the numbers better than I do.",
            "Ana, you'll love this one.",
            "Sofia, you're joking.",
            "Raj, you're running late.",
            "Raj, you're doing a great job on the rota.",
            "Tom, you hit the nail on the head.",
            "Dan, you read my mind.",
            "Sam, you're asking the wrong person.",
            "Kwame, you nominated him.",
            "Sipho, you raised this one.",
            "Thandiwe, you first, the near-miss.",
            // A question, a condition, a habit, a negation, reported, the past.
            "Raj, you're taking the minutes?",
            "Raj, if it rains you're bringing the tarp.",
            "Raj, you always feed the kiln crew first.",
            "Raj, you're not chasing the supplier.",
            "Raj, you said Derek sends the forms.",
            "Raj, you booked the van last week.",
        ] {
            let found = items(&[("Ana", said), ("Raj", "Hmm."), ("Tom", "Right.")]);
            assert!(found.is_empty(), "{said}: {found:?}");
        }
        // The speaker calling their own name tells no one.
        assert!(items(&[("Raj", "Raj, you'll rejig the teams."), ("Tom", "Right.")]).is_empty());
    }

    #[test]
    fn the_present_with_a_time_is_a_promise_but_not_a_habit_a_past_or_a_thought() {
        for said in [
            "I call the agency again today.",
            "The engineer's number is with me, I call him after lunch.",
        ] {
            let called = one(&[("Ann", said), ("Bob", "Good.")]);
            assert_eq!(called.owner.as_deref(), Some("Ann"), "{said}: {called:?}");
        }
        // The team the speaker leads acts for them.
        for (said, task) in [
            (
                "Meanwhile my crew clears the back aisles on Monday.",
                "clear the back aisles",
            ),
            ("My guys cut them tomorrow morning.", "cut them"),
            ("My guys press the seals on Monday.", "press the seals"),
        ] {
            let cleared = one(&[("Ann", said), ("Bob", "Good.")]);
            assert_eq!(cleared.owner.as_deref(), Some("Ann"), "{said}: {cleared:?}");
            assert_eq!(cleared.task, task, "{said}: {cleared:?}");
        }
        for said in [
            "My team works on Saturday.",
            "My team meets every Friday.",
            "I call them every Friday.",
            "I sent it on Friday.",
            "I work on Saturday.",
            "I suppose the main thing today is the front elevation.",
            "I propose an internal audit on the fourteenth of November.",
        ] {
            let found = items(&[("Ann", said), ("Bob", "Good.")]);
            assert!(found.is_empty(), "{said}: {found:?}");
        }
    }

    #[test]
    fn a_thing_named_as_mine_or_handed_over_and_taken_is_an_item() {
        let booked = one(&[(
            "Ann",
            "Okay, so it's catered, in the church hall. The hall booking is mine, that's easy.",
        )]);
        assert_eq!(booked.owner.as_deref(), Some("Ann"), "{booked:?}");
        assert_eq!(booked.task, "The hall booking");
        let procured = one(&[("Ann", "We go out to tender. Procurement's my job.")]);
        assert_eq!(procured.task, "Procurement");
        let set_up = one(&[
            (
                "Ann",
                "Tina, the setup is yours, and maybe a little how-to for the newsletter.",
            ),
            ("Tina", "Okay."),
        ]);
        assert_eq!(set_up.owner.as_deref(), Some("Tina"), "{set_up:?}");
        assert_eq!(set_up.task, "the setup");
        // Not taken on: a gift, not work; a courtesy or an apology is no work either.
        let found = items(&[("Ann", "Tom, the blue mug, that's yours."), ("Tom", "Thanks!")]);
        assert!(found.is_empty(), "{found:?}");
        for (said, reply) in [
            ("Thanks for hosting us, Bob.", "The pleasure is mine."),
            (
                "Someone should fix the invoice that went out twice.",
                "Sorry, the mistake is mine.",
            ),
        ] {
            let found = items(&[("Ann", said), ("Bob", reply)]);
            assert!(found.iter().all(|item| item.owner.is_none()), "{reply}: {found:?}");
        }
    }

    #[test]
    fn a_time_said_before_the_promise_dates_it() {
        let talk = one(&[(
            "Lachlan",
            "Monday I'll do a toolbox talk on it, once for days and once for nights.",
        )]);
        assert_eq!(talk.owner.as_deref(), Some("Lachlan"));
        assert_eq!(talk.task, "do a toolbox talk on it");
        assert_eq!(talk.due.as_deref(), Some("Monday"));
        let photos = one(&[("Kieran", "And this arvo I'll send the overhead team my photos.")]);
        assert_eq!(photos.due.as_deref(), Some("this arvo"));
        let page = one(&[("Devon", "Straight after this I'll page the resident again.")]);
        assert_eq!(page.due.as_deref(), Some("Straight after this"));
        // A clock time with the next clause after it dates the item and is no part of its task.
        let cart = one(&[("Kwame", "I'll go through the cart before two and sign the log.")]);
        assert_eq!(cart.due.as_deref(), Some("before two"));
        assert_eq!(cart.task, "go through the cart and sign the log");
        none_is_an_item(&[
            "If the weather holds, tomorrow I'll check the cart.",
            "Tomorrow I'll say a few words about safety.",
            "He said tomorrow I'll check the cart.",
        ]);
    }

    #[test]
    fn someone_hearing_from_the_speaker_in_the_present_is_a_promise() {
        let call = one(&[("Rhonda", "Then Marjorie hears from me this afternoon.")]);
        assert_eq!(call.owner.as_deref(), Some("Rhonda"));
        assert_eq!(call.task, "talk to Marjorie");
        assert_eq!(call.due.as_deref(), Some("this afternoon"));
        none_is_an_item(&["She said Marjorie hears from me this afternoon."]);
        // A word that is no name loses the capital it had opening the sentence.
        let language = cues("en").unwrap().language;
        assert_eq!(object_form("Everyone", language), "everyone");
        assert_eq!(object_form("Marjorie", language), "Marjorie");
    }

    #[test]
    fn work_said_to_sit_with_someone_is_theirs_with_a_time() {
        // The speaker's: the thing named, or the sentence beside a pointer.
        let induction = one(&[(
            "Tomasz",
            "The induction sits with me anyway. Tuesday morning, before the shift starts.",
        )]);
        assert_eq!(induction.owner.as_deref(), Some("Tomasz"));
        assert_eq!(induction.task, "The induction");
        assert_eq!(induction.due.as_deref(), Some("Tuesday morning"));
        // The time may be an event ("before the shift starts.").
        let briefing = one(&[(
            "Camila",
            "That one's on me. Every site gets the updated sheet before the shift starts.",
        )]);
        assert_eq!(briefing.due.as_deref(), Some("before the shift starts"));
        let sheet = one(&[(
            "Camila",
            "That one's on me. Every site gets the updated sheet by Friday.",
        )]);
        assert_eq!(sheet.owner.as_deref(), Some("Camila"));
        assert_eq!(sheet.task, "Every site gets the updated sheet");
        assert_eq!(sheet.due.as_deref(), Some("by Friday"));
        let slot = one(&[(
            "Elin",
            "Booking the slot is on my side, along with the truck. Both will be done this morning.",
        )]);
        assert_eq!(slot.task, "Booking the slot");
        assert_eq!(slot.due.as_deref(), Some("this morning"));
        let left = one(&[
            ("Rhonda", "The network desk needs to know about the schedule change."),
            ("Walt", "Leave both of those with me, they'll be done before noon."),
        ]);
        assert_eq!(left.owner.as_deref(), Some("Walt"), "{left:?}");
        assert_eq!(left.due.as_deref(), Some("before noon"));
        // A participant's, by name.
        let blades = one(&[
            ("Elín", "Morning."),
            ("Sigrún", "The blade order goes to Elín, before noon today."),
        ]);
        assert_eq!(blades.owner.as_deref(), Some("Elín"));
        assert_eq!(blades.task, "The blade order");
        let list = one(&[
            ("Mutua", "Morning."),
            ("Otieno", "The canteen list is Mutua's to get, by Friday."),
        ]);
        assert_eq!(list.owner.as_deref(), Some("Mutua"));
        // The speaker's own work, named, needs no time.
        let kept = one(&[("Ana", "Next, the induction."), ("Ben", "The induction sits with me.")]);
        assert_eq!(kept.owner.as_deref(), Some("Ben"));
        assert_eq!(kept.task, "The induction");
        // A treat, blame, where a thing is, a place, the past, only pointing back, denied,
        // reported.
        none_is_an_item(&[
            "Lunch is on me tomorrow.",
            "Lunch is on me.",
            "Tea is on me.",
            "The dog stays with me.",
            "That's on me, sorry, I forgot it yesterday.",
            "The keys are with me until Friday.",
            "And the van goes to Narok on Thursday.",
            "The induction sat with me last year.",
            "That one sits with me.",
            "The induction isn't on me this week.",
            "She said the induction is on me this week.",
        ]);
    }

    #[test]
    fn a_result_promised_by_a_time_with_the_speakers_own_doing_is_theirs() {
        let paper = one(&[(
            "Winnie",
            "The paper is half written on my laptop already, and it'll be finished before eleven.",
        )]);
        assert_eq!(paper.owner.as_deref(), Some("Winnie"));
        assert_eq!(paper.task, "The paper is half written on my laptop already");
        assert_eq!(paper.due.as_deref(), Some("before eleven"));
        let application = one(&[(
            "Femke",
            "The subsidy application I know from the solar panels. Before the end of the month it will be in.",
        )]);
        assert_eq!(application.owner.as_deref(), Some("Femke"));
        assert_eq!(application.due.as_deref(), Some("Before the end of the month"));
        let samples = one(&[("Rocío", "My lab has them. The samples will be ready by Friday.")]);
        assert_eq!(samples.task, "finish the samples");
        // News of others' work, where someone will be, under a condition, hedged, and the time
        // of an item already found ("Let me …"), which is no second item.
        none_is_an_item(&[
            "The parts will be in by Friday.",
            "I'll be out of station for one week.",
            "If the supplier calls, I think it'll be done by Friday.",
            "My guess is the report will maybe be ready by Friday.",
        ]);
        let once = items(&[(
            "Kofi",
            "Let me rework the oven loading plan. It'll be done before we board.",
        )]);
        assert_eq!(once.len(), 1, "{once:?}");
    }

    #[test]
    fn volunteering_a_delivery_to_the_one_spoken_to_and_a_name_with_its_suffix() {
        let shift = one(&[("Barbara", "Put me down for the nine-thirty.")]);
        assert_eq!(shift.owner.as_deref(), Some("Barbara"));
        assert_eq!(shift.task, "the nine-thirty");
        let duty = one(&[("Barbara", "Put me down for lunch duty on Friday.")]);
        assert_eq!(duty.owner.as_deref(), Some("Barbara"), "{duty:?}");
        none_is_an_item(&["Put me down for drinks after.", "Count me in for the curry tonight."]);
        let letter = one(&[("Carmen", "A letter to all of them goes out from my office by Friday.")]);
        assert_eq!(letter.owner.as_deref(), Some("Carmen"));
        assert_eq!(letter.due.as_deref(), Some("by Friday"));
        let list = one(&[(
            "Nekesa",
            "The itemised list will be with you Monday, with the supplier's prices.",
        )]);
        assert_eq!(list.owner.as_deref(), Some("Nekesa"));
        assert_eq!(list.due.as_deref(), Some("Monday"));
        let wording = one(&[
            ("Caleb", "Can you write the wording of the correction for me?"),
            ("Yesenia", "You'll have it by three."),
        ]);
        assert_eq!(wording.owner.as_deref(), Some("Yesenia"), "{wording:?}");
        let website = one(&[
            ("Kenji", "Sato-san, can you update the website today?"),
            ("Sato", "Hai."),
        ]);
        assert_eq!(website.owner.as_deref(), Some("Sato"));
        none_is_an_item(&[
            "Put me down as undecided.",
            "The results will be with you Monday, if the lab is quick.",
            "The letter went out from my office last week.",
        ]);
        // The suffix is the language's: a hyphenated word is not cut elsewhere ("Self-serve, …").
        let found = items(&[("Kenji", "Self-serve, can you check the kiosk today?")]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].owner, None);
        // Nor a given name that ends like a suffix elsewhere ("Min-ji").
        let found = items(&[("Kenji", "Min-ji, can you check the kiosk today?"), ("Min-ji", "Sure.")]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_ne!(found[0].owner.as_deref(), Some("Min"));
        let inbox = one(&[(
            "Dev",
            "The letter will be in your inbox by Thursday, with the request attached.",
        )]);
        assert_eq!(inbox.owner.as_deref(), Some("Dev"));
        assert_eq!(inbox.due.as_deref(), Some("by Thursday"));
    }

    /// A scorer that has learned "van", "hall" and "crates" mean work and "lovely" and "last
    /// week" do not.
    fn toy_scorer() -> learned::Scorer {
        let work = [
            "Marta, the van on Thursday.",
            "The hall on Monday, Tom.",
            "The crates and the van, first thing.",
            "Crates to the hall on Friday.",
            "The van and the hall.",
            "Tom, the crates.",
        ];
        let talk = [
            "Lovely weather last week.",
            "It was lovely last week.",
            "Last week was lovely at the hall.",
            "A lovely time last week.",
            "Lovely, thanks.",
            "That was last week.",
        ];
        let views: Vec<_> = work.iter().chain(&talk).map(|t| plain_view(t, "")).collect();
        let labels: Vec<bool> = work.iter().map(|_| true).chain(talk.iter().map(|_| false)).collect();
        learned::train(learned::Reading::ActionItem, &views, &labels).0
    }

    /// A sentence as a scorer reads it, with only what follows it and whether someone else says
    /// that.
    fn plain_view<'a>(text: &'a str, after: &'a str) -> learned::SentenceView<'a> {
        learned::SentenceView {
            text,
            before: "",
            after,
            after_next: "",
            next_is_someone_else: !after.is_empty(),
            by_leader: false,
        }
    }

    /// What the toy scorer adds to the rules' items once the meeting is over.
    fn scored(lines: &[(&str, &str)], bar: f64) -> Vec<Finding> {
        scored_so_far(lines, bar, true)
    }

    fn scored_so_far(lines: &[(&str, &str)], bar: f64, meeting_over: bool) -> Vec<Finding> {
        let sentences = text::said(lines);
        let cues = cues("en").unwrap();
        let day = dates::days_from_civil(2026, 12, 2);
        let heard = Heard::of(&text::utterances(lines.iter().copied()), cues);
        let found = find(&sentences, &heard, cues, day, meeting_over);
        let scorer = toy_scorer();
        let score = |at: usize| {
            let view = learned::SentenceView {
                before: at.checked_sub(1).map_or("", |b| sentences[b].text.as_str()),
                next_is_someone_else: text::someone_else_next(&sentences, at),
                ..plain_view(
                    &sentences[at].text,
                    sentences.get(at + 1).map_or("", |s| s.text.as_str()),
                )
            };
            scorer.probability(&view)
        };
        scored_items(
            &sentences,
            &heard,
            &found,
            &Rated { score: &score, bar },
            cues,
            day,
            meeting_over,
        )
    }

    #[test]
    fn a_list_handed_out_by_name_in_one_turn_is_one_item_each() {
        let items = scored_items_of(
            &[
                ("Ana", "Marta, the van on Thursday."),
                ("Ana", "Tom, the crates and the hall."),
                ("Ana", "Priya, the hall and the van."),
                ("Lee", "Lovely weather last week."),
            ],
            0.5,
        );
        let owners: Vec<Option<&str>> = items.iter().map(|i| i.owner.as_deref()).collect();
        assert_eq!(owners, [Some("Marta"), Some("Tom"), Some("Priya")]);
        // Said without a name, the next sentence carries the first out.
        let items = scored_items_of(
            &[
                ("Ana", "Marta, the van on Thursday."),
                ("Ana", "The crates and the hall."),
                ("Lee", "Lovely weather last week."),
            ],
            0.5,
        );
        assert_eq!(items.len(), 1, "{items:?}");
    }

    fn scored_items_of(lines: &[(&str, &str)], bar: f64) -> Vec<ActionItem> {
        scored(lines, bar)
            .into_iter()
            .map(|f| match f.body {
                FindingBody::ActionItem(item) => item,
                other => panic!("not an action item: {other:?}"),
            })
            .collect()
    }

    #[test]
    fn advice_is_no_work_however_sure_the_scorer() {
        let lines = [
            ("Ana", "Marta, you should always check the van and the crates first."),
            ("Marta", "Fine."),
        ];
        assert!(scored_items_of(&lines, 0.5).is_empty());
        let lines = [("Ana", "Marta, the van and the crates first."), ("Marta", "Fine.")];
        assert_eq!(scored_items_of(&lines, 0.5).len(), 1, "the same work handed out");
    }

    #[test]
    fn a_request_done_in_the_meeting_is_no_work_however_sure_the_scorer() {
        let lines = [
            (
                "Ana",
                "Priya, you are on call, so can you walk us through the timeline?",
            ),
            ("Priya", "Sure."),
        ];
        // At a bar of nought the scorer takes any sentence of three words or more.
        assert!(scored_items_of(&lines, 0.0).is_empty());
        let lines = [
            ("Ana", "Priya, you are on call, so the timeline write-up is yours."),
            ("Priya", "Sure."),
        ];
        assert_eq!(scored_items_of(&lines, 0.0).len(), 1, "work for later");
        let cues = cues("en").unwrap();
        assert!(only_asks_for_it_now("Can you talk me through it?", cues));
        assert!(only_asks_for_it_now("Would you take us through the timeline?", cues));
        assert!(
            !only_asks_for_it_now("Can you walk us through it on Friday?", cues),
            "a time for it"
        );
        assert!(
            !only_asks_for_it_now("Please talk to the teachers about it.", cues),
            "not the room"
        );
        assert!(!only_asks_for_it_now("Give me two days.", cues), "a verb of other work");
        assert!(
            !only_asks_for_it_now("The van and the crates.", cues),
            "no request at all"
        );
    }

    #[test]
    fn a_time_for_work_said_before_is_no_work_of_its_own_however_sure_the_scorer() {
        // The rules' item is "Someone also needs to chase the raffle prizes. Okay, I can do
        // that."; its date is four sentences on, farther than a scored sentence is taken as part
        // of the item before.
        let lines = [
            ("Fiona", "Someone also needs to chase the raffle prizes."),
            ("Fiona", "Rosa, that's you, you did it brilliantly last year."),
            ("Rosa", "Ha, fine. By when?"),
            ("Fiona", "Ideally before Easter."),
            ("Rosa", "Okay, I can do that."),
        ];
        // At a bar of nought the scorer takes any sentence of three words or more.
        let found = scored_items_of(&lines, 0.0);
        assert!(
            found.iter().all(|item| item.text != "Ideally before Easter."),
            "{found:?}"
        );
        let cues = cues("en").unwrap();
        let sentence = |line: (&str, &str)| text::said(&[line]).remove(0);
        assert!(only_dates_earlier_work(
            &sentence(("Ana", "No rush, next month is fine.")),
            cues
        ));
        for work in [
            "Yep, mine, Thursday at the latest.",
            "Rachel, the first session falls to you, ideally for next Tuesday.",
            "I'll send it, ideally before Easter.",
            "The van goes back on Friday.",
        ] {
            assert!(!only_dates_earlier_work(&sentence(("Ana", work)), cues), "{work}");
        }
    }

    #[test]
    fn scored_work_is_owned_by_the_name_called_the_taker_or_the_speaker() {
        let found = scored_items_of(
            &[
                ("Ana", "Marta, the van and the crates."),
                ("Marta", "Fine."),
                ("Ana", "So we had lovely weather last week."),
                ("Tom", "The crates to the hall on Friday."),
                ("Tom", "Anything else?"),
                ("Ana", "It was lovely last week."),
                ("Ana", "The van and the hall, first thing."),
                ("Luis", "Leave it with me."),
                ("Ana", "Good."),
            ],
            0.8,
        );
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0].owner.as_deref(), Some("Marta"));
        assert_eq!(found[0].said_by.as_deref(), Some("Ana"));
        assert_eq!(found[0].task, "the van and the crates", "without the name called");
        assert_eq!(found[0].due, None);
        assert_eq!(
            found[1].owner.as_deref(),
            Some("Tom"),
            "nobody else took it: the speaker"
        );
        assert_eq!(found[1].due.as_deref(), Some("on Friday"));
        assert_eq!(found[1].due_date.as_deref(), Some("2026-12-04"));
        assert_eq!(
            found[1].task, "The crates to the hall",
            "the date is the item's due date"
        );
        assert_eq!(found[2].owner.as_deref(), Some("Luis"), "taken on in the reply");
        assert!(found.iter().all(|item| item.confidence == SCORED_ITEM_CONFIDENCE));
    }

    #[test]
    fn a_promise_that_names_its_thing_first_is_the_speakers() {
        let item = one(&[
            (
                "Luis",
                "And the panels I'll chase up with the Tennant Creek mob this arvo.",
            ),
            ("Ana", "Good."),
        ]);
        assert_eq!(item.owner.as_deref(), Some("Luis"));
        assert_eq!(item.task, "chase the panels up with the Tennant Creek mob");
        assert_eq!(item.due.as_deref(), Some("this arvo"));
        assert_eq!(
            one(&[
                ("Luis", "The boards I'll replace at the working bee."),
                ("Ana", "Good.")
            ])
            .task,
            "replace the boards at the working bee"
        );
        let talked_to = one(&[("Luis", "The landlord I'll talk to this arvo."), ("Ana", "Good.")]);
        // Marks around the preposition are read, not sliced through.
        let quoted = one(&[("Luis", "The landlord I'll talk “to” this arvo."), ("Ana", "Good.")]);
        assert_eq!(quoted.owner.as_deref(), Some("Luis"), "{quoted:?}");
        assert_eq!(talked_to.task, "talk to the landlord");
        assert_eq!(talked_to.due.as_deref(), Some("this arvo"));
        none_is_an_item_when_answered(&[
            "The thing is I'll be away on Friday.",
            "The one I'll miss is the Friday run.",
            "That part I'll happily tell my dispatchers.",
            "The report I'll write if the numbers come in.",
            "He said, the boards I'll replace at the working bee.",
            "This time I'll bring the biscuits.",
            "That night I'll call Ana.",
            "The form I'll look at.",
        ]);
    }

    #[test]
    fn a_thing_named_first_and_pointed_back_to_is_the_speakers_promise() {
        let promised = |said: &str| one(&[("Luis", said), ("Ana", "Good.")]);
        let taken =
            promised("The trial master file gap list, I'll take that on with the CRO and close it out by month end.");
        assert_eq!(taken.owner.as_deref(), Some("Luis"));
        assert_eq!(
            taken.task,
            "take on the trial master file gap list with the CRO and close it out"
        );
        assert_eq!(taken.due.as_deref(), Some("by month end"));
        let sorted = promised("The canteen and an extra bus from the station, I'll sort both.");
        assert_eq!(
            sorted.task, "sort the canteen and an extra bus from the station",
            "one item, not one for \"sort both\" beside it"
        );
        let listed = promised("Network, wifi and the meeting room screens for the move, I'll take those.");
        assert_eq!(
            listed.task,
            "take network, wifi and the meeting room screens for the move"
        );
        // A particle that opens a time stays with it.
        let sent = promised("The agenda, I'll send it on Monday.");
        assert_eq!(sent.task, "send the agenda");
        assert_eq!(sent.due.as_deref(), Some("on Monday"));
        let chased = promised("The two invoices, I'll chase them up.");
        assert_eq!(chased.task, "chase up the two invoices");
        // A clause that leaves work to do is the task as said; "see" is work with its "to".
        let seen_to = promised("Posters for the drop-in will be up by Wednesday, I'll see to it.");
        assert_eq!(seen_to.task, "Posters for the drop-in will be up");
        assert_eq!(seen_to.due.as_deref(), Some("by Wednesday"));
        // What comes first is no thing to do: no task holds it ("I'll sell them" may be an
        // item of its own).
        for (not_resumed, first) in [
            ("Fine, I'll take it.", "fine"),
            ("Grand, I'll sell them to the cattle.", "grand"),
            ("Tomorrow morning, I'll do it.", "tomorrow"),
            ("Anything else, I'll handle it.", "anything"),
            ("The van is full, I'll sort it.", "van"),
            ("The client will be furious, I'll call them tomorrow.", "furious"),
            ("Worst case, I'll do it myself.", "worst"),
            ("Moving on, the agenda, I'll send it out.", "moving"),
            ("The budget, the staffing, I'll leave that to you.", "budget"),
            ("The weekend rota, I'll do that report.", "rota"),
            ("If the quote is late, I'll chase it.", "quote"),
            ("He said: the crates, I'll take them.", "crates"),
        ] {
            let found = items(&[("Luis", not_resumed), ("Ana", "Good.")]);
            assert!(
                found.iter().all(|item| !item.task.to_lowercase().contains(first)),
                "{not_resumed}: {found:?}"
            );
        }
    }

    #[test]
    fn work_put_on_the_speakers_list_is_theirs() {
        for (said, task) in [
            ("Put the server cleanup on my list.", "the server cleanup"),
            (
                "And the greige fabric goes on my list, I'm talking to their technical man tomorrow.",
                "the greige fabric",
            ),
            (
                "A roofer up there before the end of the month, that one's on my list now.",
                "A roofer up there",
            ),
            // A day that is the thing's is no due date.
            ("Thursday's truck goes on my board.", "Thursday's truck"),
        ] {
            let item = one(&[("Luis", said), ("Ana", "Good.")]);
            assert_eq!(
                (item.owner.as_deref(), item.task.as_str()),
                (Some("Luis"), task),
                "{said}"
            );
        }
        assert_eq!(
            one(&[("Luis", "Thursday's truck goes on my board."), ("Ana", "Good.")]).due,
            None
        );
        none_is_an_item_when_answered(&[
            "Because the ice machine is on my list.",
            "The shopping goes on my list if we run out.",
        ]);
    }

    #[test]
    fn work_said_to_fall_to_the_speaker_is_theirs() {
        for (said, task, due) in [
            ("And the guest breweries are down to me.", "the guest breweries", None),
            (
                "So the new text for the printer is a job for me, today.",
                "the new text for the printer",
                Some("today"),
            ),
            ("The engineer is my responsibility.", "The engineer", None),
            (
                "The menus and the wine list are both mine, done by Friday.",
                "The menus and the wine list",
                Some("by Friday"),
            ),
        ] {
            let item = one(&[("Luis", said), ("Ana", "Good.")]);
            assert_eq!(
                (item.owner.as_deref(), item.task.as_str(), item.due.as_deref()),
                (Some("Luis"), task, due),
                "{said}"
            );
        }
        none_is_an_item_when_answered(&[
            "If it were down to me we'd be putting more into it, not less.",
            "My team, my responsibility.",
            "The delay is not down to me.",
            "The mix-up was a job for me to untangle last spring.",
        ]);
    }

    #[test]
    fn a_task_says_its_date_and_the_speakers_claim_on_it_once() {
        let cues = cues("en").unwrap();
        for (task, due, told) in [
            (
                "Signs at the garden gate by Thursday",
                Some("by Thursday"),
                "Signs at the garden gate",
            ),
            (
                "Signs at the garden gate by Thursday",
                Some("Thursday"),
                "Signs at the garden gate",
            ),
            (
                "the letter to NTSA, by Friday please, with the route map",
                Some("by Friday"),
                "the letter to NTSA, with the route map",
            ),
            (
                "Tomorrow morning, the van goes back",
                Some("Tomorrow morning"),
                "the van goes back",
            ),
            (
                "Signs at the garden gate by Thursday, that's on my list",
                Some("by Thursday"),
                "Signs at the garden gate",
            ),
            (
                "Getting the volunteers together on the slip, that's mine",
                None,
                "get the volunteers together on the slip",
            ),
            (
                "The may-contain line, that part's on me as well",
                None,
                "The may-contain line",
            ),
            (
                "The transporters need to hear it, so I'm on that",
                None,
                "The transporters need to hear it",
            ),
            (
                "organise an overlap between Lukasz and Ania, so the customs knowledge stays",
                None,
                "organise an overlap between Lukasz and Ania",
            ),
            // A sentence, not what to do: why may be all of it ("…, so the note sits with me").
            (
                "The partner raises the order, so the slot isn't held up",
                None,
                "The partner raises the order, so the slot isn't held up",
            ),
            (
                "clear the gutters , before the rain",
                None,
                "clear the gutters, before the rain",
            ),
            (
                "run the first one, , he's back on Monday",
                None,
                "run the first one, he's back on Monday",
            ),
            ("Hand the keys in by Friday", Some("by Friday"), "Hand the keys in"),
            ("Pass it on by Friday as well", Some("by Friday"), "Pass it on"),
            (
                "Getting the NTSA letter out to Tamsin, that's mine",
                None,
                "get the NTSA letter out to Tamsin",
            ),
            (
                "Signs at the gate by Thursday and that's on me",
                Some("by Thursday"),
                "Signs at the gate",
            ),
            (
                "review the changes, since the last release",
                None,
                "review the changes, since the last release",
            ),
            // Inside a clause, a state, a word that only holds the date, or nothing left: as said.
            (
                "Get it to the Friday table by noon",
                Some("Friday"),
                "Get it to the Friday table by noon",
            ),
            (
                "Their steering call is on the fourteenth, so the week before",
                Some("on the fourteenth"),
                "Their steering call is on the fourteenth, so the week before",
            ),
            ("Ask the mayor", Some("May"), "Ask the mayor"),
            ("By Friday.", Some("by Friday"), "By Friday"),
            ("Before the first.", Some("Before the first"), "Before the first"),
            (
                "The PFMEA needs the new slide geometry, so that part is on my desk before Friday",
                Some("before Friday"),
                "The PFMEA needs the new slide geometry",
            ),
            (
                "Missing the deadline, that's on me if anyone asks",
                None,
                "Missing the deadline, that's on me if anyone asks",
            ),
        ] {
            assert_eq!(told_once(task, due, cues), told, "{task}");
        }
    }

    #[test]
    fn a_date_said_just_after_scored_work_is_its_due_date() {
        let found = scored(
            &[
                ("Ana", "Marta, the van and the crates."),
                ("Ana", "Before Friday, ideally."),
                ("Marta", "Fine."),
            ],
            0.8,
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].segments, [0, 1]);
        let FindingBody::ActionItem(item) = &found[0].body else {
            panic!("not an action item");
        };
        assert_eq!(item.due.as_deref(), Some("Before Friday"));
        assert_eq!(item.text, "Marta, the van and the crates. Before Friday, ideally.");
    }

    #[test]
    fn scored_work_below_the_bar_is_left_and_the_last_sentences_wait_until_the_meeting_is_over() {
        let mut lines = vec![("Ana", "Marta, the van and the crates."), ("Marta", "Fine.")];
        assert_eq!(scored(&lines, 0.8).len(), 1);
        assert!(scored(&lines, 0.999_999).is_empty());
        // Live, what follows may yet make it part of a rules item: it waits for the replies.
        assert!(scored_so_far(&lines, 0.8, false).is_empty());
        lines.extend([("Lee", "It was lovely last week."); FOLLOW_UP_SENTENCES - 1]);
        assert_eq!(scored_so_far(&lines, 0.8, false).len(), 1);
    }

    #[test]
    fn a_name_that_closes_the_sentence_or_follows_a_lead_word_owns_scored_work() {
        let found = scored_items_of(
            &[
                ("Ana", "The van and the crates, Marta."),
                ("Marta", "Fine."),
                ("Ana", "It was lovely last week."),
                ("Ana", "That was last week."),
                ("Ana", "Okay, Tom, the crates and the hall."),
                ("Tom", "Sure."),
            ],
            0.8,
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(
            (found[0].owner.as_deref(), found[0].task.as_str()),
            (Some("Marta"), "The van and the crates")
        );
        assert_eq!(
            (found[1].owner.as_deref(), found[1].task.as_str()),
            (Some("Tom"), "the crates and the hall")
        );
    }

    #[test]
    fn a_date_in_someone_elses_promise_or_a_question_is_not_scored_works_due_date() {
        for (who, after) in [
            ("Tom", "I'll send the minutes by Friday."),
            ("Ana", "Can we do it by Friday?"),
        ] {
            let found = scored(
                &[
                    ("Ana", "Marta, the van and the crates."),
                    (who, after),
                    ("Lee", "Okay."),
                ],
                0.8,
            );
            let FindingBody::ActionItem(item) = &found[0].body else {
                panic!("not an action item");
            };
            assert_eq!(item.due, None, "{after}");
            assert_eq!(found[0].segments, [0], "{after}");
        }
    }

    #[test]
    fn a_sentence_of_a_rules_item_or_just_after_one_is_not_scored_again() {
        // The rules find the promise; the van right after it is its detail, not another item.
        let found = scored_items_of(
            &[
                ("Ana", "I'll book the van for the crates by Friday."),
                ("Tom", "Okay. The van and the hall, first thing."),
                ("Ana", "Lovely, thanks."),
                ("Ana", "It was a lovely time last week."),
                ("Tom", "Marta, the van and the crates."),
                ("Marta", "Fine."),
            ],
            0.8,
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].text, "Marta, the van and the crates.");
        // Two scored sentences in a row are one item.
        let found = scored_items_of(
            &[
                ("Ana", "Marta, the van and the crates."),
                ("Ana", "The crates and the hall too."),
                ("Marta", "Fine."),
            ],
            0.8,
        );
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn the_same_words_as_an_earlier_item_do_not_hide_new_work() {
        // Tom's "Sure, I can do that." is part of the rules' item; Marta's later one is not, so
        // the work right after it is still read.
        let found = scored_items_of(
            &[
                ("Ana", "Can someone send the minutes by Friday?"),
                ("Tom", "Sure, I can do that."),
                ("Ana", "It was a lovely time last week."),
                ("Ana", "Last week was lovely at the hall."),
                ("Marta", "Sure, I can do that."),
                ("Ana", "Tom, the crates and the van."),
                ("Tom", "Okay."),
            ],
            0.8,
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].text, "Tom, the crates and the van.");
    }

    #[test]
    fn the_built_english_scorer_tells_handed_out_work_from_chat() {
        let scorer = cues("en")
            .unwrap()
            .action_item_scorer
            .as_ref()
            .expect("build.rs trained it");
        let view = plain_view;
        let work = scorer.probability(&view(
            "Priya, get the signed lease back to the landlord by Friday.",
            "Will do.",
        ));
        let chat = scorer.probability(&view(
            "The landlord was lovely about the lease last year.",
            "He always is.",
        ));
        assert!(work > 0.9, "{work}");
        assert!(chat < 0.1, "{chat}");
    }

    #[test]
    fn a_scored_task_drops_the_words_that_only_open_the_sentence() {
        let language = cues("en").unwrap().language;
        for (said, task) in [
            (
                "So the state gets a loss report from me",
                "The state gets a loss report from me",
            ),
            ("Okay, and then the van goes back", "Then the van goes back"),
            ("Okay, so, then, the van goes back", "The van goes back"),
            ("The van goes back", "The van goes back"),
            (
                "Now that the van is back, Priya returns it",
                "Now that the van is back, Priya returns it",
            ),
            ("Great Western needs the invoice", "Great Western needs the invoice"),
            ("the van and the crates", "the van and the crates"),
            ("Right.", "Right."),
            ("", ""),
        ] {
            assert_eq!(without_opening_words(said, language), task, "{said}");
        }
    }

    #[test]
    fn an_ing_form_gives_its_verb() {
        let cues = cues("en").unwrap();
        for (ing, base) in [
            ("ordering", "order"),
            ("putting", "put"),
            ("writing", "write"),
            ("filling", "fill"),
            ("messaging", "message"),
            ("rewriting", "rewrite"),
            ("checking", "check"),
        ] {
            assert_eq!(base_of_ing(ing, cues), base, "{ing}");
        }
        for (ing, base) in [
            ("noting", "note"),
            ("coding", "code"),
            ("dying", "die"),
            ("visiting", "visit"),
            ("fixing", "fix"),
            ("eating", "eat"),
        ] {
            assert_eq!(base_of_ing(ing, cues), base, "{ing}");
        }
        let to_do = |task| as_what_to_do(task, cues);
        assert_eq!(to_do("redoing the rota").as_deref(), Some("redo the rota"));
        assert_eq!(to_do("noting the changes").as_deref(), Some("note the changes"));
        assert_eq!(to_do("drying the nets").as_deref(), Some("dry the nets"));
        assert_eq!(to_do("bring the van").as_deref(), Some("bring the van"));
        assert_eq!(to_do("ring him tonight").as_deref(), Some("ring him tonight"));
        assert_eq!(to_do("update the alert").as_deref(), Some("update the alert"));
        // An "-ing" word that names a thing or a time is nothing to "will".
        for thing in [
            "meeting notes",
            "nothing goes out",
            "morning briefing",
            "during the week",
            "training records",
            "checking",
        ] {
            assert_eq!(to_do(thing), None, "{thing}");
        }
    }
}
