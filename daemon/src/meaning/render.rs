//! What the meaning rules found, written for people: the Markdown of a meeting's summary
//! (overview, decisions, action items, open and answered questions, key points, keywords,
//! talk time). Pure formatting.

use crate::pipeline::{FindingBody, MeetingMeaning};
use crate::transcript_format::clock;

/// The meaning as Markdown sections (no title: the caller has one); times are shown from
/// `origin` (the meeting's start in the stream).
pub fn markdown(meaning: &MeetingMeaning, origin: f64) -> String {
    let clock = |t: f64| clock(t - origin);
    let mut out = String::new();
    if !meaning.overview.is_empty() {
        out.push_str(&format!("## Summary\n\n{}\n\n", meaning.overview));
    }
    let who = |name: &Option<String>| name.clone().unwrap_or_else(|| "—".into());
    let cell = |text: &str| text.replace('|', "\\|").replace('\n', " ");
    if !meaning.decisions.is_empty() {
        out.push_str("## Decisions\n\n");
        for f in &meaning.decisions {
            if let FindingBody::Decision(d) = &f.body {
                out.push_str(&format!("- {} ({}, {})\n", d.decision, who(&d.by), clock(f.start)));
            }
        }
        out.push('\n');
    }
    if !meaning.action_items.is_empty() {
        out.push_str("## Action items\n\n| Owner | Task | Due | Said |\n|---|---|---|---|\n");
        for f in &meaning.action_items {
            if let FindingBody::ActionItem(a) = &f.body {
                let due = match (&a.due, &a.due_date) {
                    (Some(due), Some(date)) => format!("{due} ({date})"),
                    (Some(due), None) => due.clone(),
                    _ => "—".into(),
                };
                out.push_str(&format!(
                    "| {} | {} | {} | {} |\n",
                    cell(&who(&a.owner)),
                    cell(&a.task),
                    cell(&due),
                    clock(f.start)
                ));
            }
        }
        out.push('\n');
    }
    let (open, answered): (Vec<_>, Vec<_>) = meaning
        .questions
        .iter()
        .filter_map(|f| match &f.body {
            FindingBody::Question(q) => Some((f, q)),
            _ => None,
        })
        .partition(|(_, q)| !q.answered);
    if !open.is_empty() {
        out.push_str("## Open questions\n\n");
        for (f, q) in &open {
            out.push_str(&format!("- {} ({}, {})\n", q.text, who(&q.asker), clock(f.start)));
        }
        out.push('\n');
    }
    if !answered.is_empty() {
        out.push_str("## Questions answered\n\n");
        for (f, q) in &answered {
            out.push_str(&format!(
                "- {} ({}; answered by {}, {})\n",
                q.text,
                who(&q.asker),
                who(&q.answered_by),
                clock(f.start)
            ));
        }
        out.push('\n');
    }
    if !meaning.key_points.is_empty() {
        out.push_str("## Key points\n\n");
        for point in &meaning.key_points {
            out.push_str(&format!(
                "- {}: {} ({})\n",
                who(&point.speaker),
                point.text,
                clock(point.start)
            ));
        }
        out.push('\n');
    }
    if !meaning.keywords.is_empty() {
        out.push_str(&format!("## Keywords\n\n{}\n\n", meaning.keywords.join(", ")));
    }
    if let Some(talk) = &meaning.talk_time {
        out.push_str("## Talk time\n\n| Speaker | Talk | Share | Turns | Longest | Words/min | Interruptions |\n|---|---|---|---|---|---|---|\n");
        for s in &talk.speakers {
            out.push_str(&format!(
                "| {} | {} | {:.0}% | {} | {} | {:.0} | {} |\n",
                cell(&s.speaker),
                crate::transcript_format::clock(s.seconds),
                s.share * 100.0,
                s.turns,
                crate::transcript_format::clock(s.longest_monologue_s),
                s.words_per_minute,
                s.interruptions
            ));
        }
        out.push_str(&format!(
            "\nSilence: {:.0}% of the meeting; overlapping speech: {}.\n\n",
            talk.silence_ratio * 100.0,
            crate::transcript_format::clock(talk.overlap_s)
        ));
    }
    out
}
