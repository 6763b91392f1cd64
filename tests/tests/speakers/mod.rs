//! Who spoke, from the outside (issue 17): a harness meeting of three voices through the live
//! daemon comes back with each final's speaker, the meeting's end publishes the corrected
//! labels and the participants; a voice enrolled by command from that meeting is named in the
//! next one while a stranger stays `S<n>`; forgetting it removes the voiceprint from the file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::support::*;

/// A meeting made by `scripts/lib/make-meeting --cast CAST`, with who spoke each turn.
pub(crate) fn cast_meeting(dir: &TempDir, cast: &str) -> (PathBuf, Vec<(Turn, String)>) {
    cast_meeting_with_gaps(dir, cast, &[])
}

/// `cast_meeting` with the silence after each turn given (one per turn; none: the cast's own).
fn cast_meeting_with_gaps(dir: &TempDir, cast: &str, gaps: &[&str]) -> (PathBuf, Vec<(Turn, String)>) {
    let out = dir.path(cast);
    let status = Command::new(repo_root().join("scripts/lib/make-meeting"))
        .arg(&out)
        .args(["--cast", cast])
        .args(gaps)
        .status()
        .unwrap();
    assert!(status.success(), "make-meeting --cast {cast} failed");
    let turns = std::fs::read_to_string(out.join("turns.tsv")).unwrap();
    let speakers = std::fs::read_to_string(out.join("speakers.txt")).unwrap();
    let turns = turns
        .lines()
        .zip(speakers.lines())
        .map(|(line, speaker)| {
            let mut f = line.splitn(3, '\t');
            let turn = Turn {
                start: f.next().unwrap().parse().unwrap(),
                end: f.next().unwrap().parse().unwrap(),
                text: f.next().unwrap().to_owned(),
            };
            (turn, speaker.to_owned())
        })
        .collect();
    (out.join("meeting.raw"), turns)
}

/// The daemon's configuration for a meeting on PCM `pcm`; `bus_extra` goes into its `[bus]`,
/// `speakers_extra` into its `[speakers]`.
fn config(port: u16, pcm: &str, state: &Path, bus_extra: &str, speakers_extra: &str) -> String {
    let model = artifact("campplus").join("campplus_cn_en_common.pt");
    format!(
        "state_dir = \"{}\"\n{}{bus_extra}[speakers]\n{speakers_extra}model = \"{}\"\n",
        state.display(),
        daemon_config(port, pcm, ""),
        model.display()
    )
}

/// Seconds each final shares with each turn.
fn overlap(final_: &serde_json::Value, turn: &Turn) -> f64 {
    let (start, end) = (final_["start"].as_f64().unwrap(), final_["end"].as_f64().unwrap());
    (end.min(turn.end) - start.max(turn.start)).max(0.0)
}

/// Share of the finals' time (within turns) whose label maps to the turn's speaker, under the
/// best one-to-one mapping of labels to speakers (greedy by shared time).
fn attribution(finals: &[serde_json::Value], turns: &[(Turn, String)], label: &str) -> f64 {
    let mut shared: HashMap<(String, String), f64> = HashMap::new();
    let mut total = 0.0;
    for f in finals {
        let Some(who) = f[label].as_str() else { continue };
        for (turn, speaker) in turns {
            let t = overlap(f, turn);
            *shared.entry((who.to_owned(), speaker.clone())).or_default() += t;
            total += t;
        }
    }
    let mut pairs: Vec<((String, String), f64)> = shared.into_iter().collect();
    pairs.sort_by(|a, b| b.1.total_cmp(&a.1));
    let (mut used_labels, mut used_speakers, mut right) = (Vec::new(), Vec::new(), 0.0);
    for ((who, speaker), t) in pairs {
        if !used_labels.contains(&who) && !used_speakers.contains(&speaker) {
            used_labels.push(who);
            used_speakers.push(speaker);
            right += t;
        }
    }
    right / total.max(f64::EPSILON)
}

/// Plays `raw` to a daemon (state in `state`), returns the decoded messages per topic after the
/// meeting was stopped by command and its summary arrived.
pub(crate) fn play_meeting(
    dir: &TempDir,
    name: &str,
    raw: &Path,
    state: &Path,
    last_end: f64,
) -> (Daemon, u16, Subscriber) {
    play_meeting_with(dir, name, raw, state, last_end, "")
}

/// `play_meeting` with more `[bus]` settings.
pub(crate) fn play_meeting_with(
    dir: &TempDir,
    name: &str,
    raw: &Path,
    state: &Path,
    last_end: f64,
    bus_extra: &str,
) -> (Daemon, u16, Subscriber) {
    play_meeting_configured(dir, name, raw, state, last_end, bus_extra, "")
}

/// `play_meeting_with` with more `[speakers]` settings too.
fn play_meeting_configured(
    dir: &TempDir,
    name: &str,
    raw: &Path,
    state: &Path,
    last_end: f64,
    bus_extra: &str,
    speakers_extra: &str,
) -> (Daemon, u16, Subscriber) {
    let asoundrc = file_pcm_config(dir, name, raw);
    let port = free_port();
    let config = config(port, name, state, bus_extra, speakers_extra);
    let daemon = Daemon::start_ready(dir, &config, Some(&asoundrc));
    let subscriber = Subscriber::start_subscribed(dir, port, "roomscribe/room-7/#");
    wait_until(Duration::from_secs(120), "a final of the last turn", || {
        decode_cbor_independently(&subscriber.on_topic("roomscribe/room-7/transcript"))
            .iter()
            .any(|f| f["end"].as_f64().unwrap() > last_end - 1.5)
    });
    (daemon, port, subscriber)
}

pub(crate) fn command(
    dir: &TempDir,
    port: u16,
    subscriber: &Subscriber,
    name: &str,
    payload: serde_json::Value,
) -> serde_json::Value {
    mosquitto_pub(
        dir,
        port,
        &format!("roomscribe/room-7/cmd/{name}"),
        payload.to_string().as_bytes(),
        false,
    );
    let topic = format!("roomscribe/room-7/cmd/{name}/reply");
    let reply = || {
        decode_cbor_independently(&subscriber.on_topic(&topic))
            .into_iter()
            .find(|r| r["tx"] == payload["tx"])
    };
    wait_until(Duration::from_secs(20), &format!("the reply to {name}"), || {
        reply().is_some()
    });
    reply().unwrap()
}

#[test]
fn live_finals_name_their_speakers_and_an_enrolled_voice_is_named_in_the_next_meeting() {
    let dir = TempDir::new("speakers");
    let state = dir.path("state");
    let (raw, turns) = cast_meeting(&dir, "panel");
    let last_end = turns.last().unwrap().0.end;
    let (mut daemon, port, subscriber) = play_meeting(&dir, "panel", &raw, &state, last_end);
    let stopped = command(
        &dir,
        port,
        &subscriber,
        "meeting_stop",
        serde_json::json!({"tx": "stop-1"}),
    );
    assert_eq!(stopped["ok"], true, "{stopped}");
    let meeting = stopped["result"]["meeting"].as_str().unwrap().to_owned();
    wait_until(Duration::from_secs(20), "the speakers revision", || {
        !subscriber.on_topic("roomscribe/room-7/speakers").is_empty()
    });
    let finals = revised_finals_of(&subscriber, "roomscribe/room-7");
    for f in &finals {
        assert_eq!(f["v"], 3, "{f}");
        assert!(f["speaker"].as_str().is_some_and(|s| s.starts_with('S')), "{f}");
        assert!(f.get("embedding").is_none() && f.get("voice").is_none(), "{f}");
    }
    let live = attribution(&finals, &turns, "speaker");
    eprintln!("live attribution {live:.3}: {finals:#?}");
    assert!(live >= 0.9, "live attribution {live:.3} is under 90 %");

    let revision = decode_cbor_independently(&subscriber.on_topic("roomscribe/room-7/speakers")).remove(0);
    assert_eq!(revision["meeting"], meeting.as_str(), "{revision}");
    let participants = revision["participants"].as_array().unwrap();
    assert_eq!(participants.len(), 3, "three people spoke: {revision}");
    // The stored segments carry the revised labels; the revision lists exactly the changes.
    let db = state.join("roomscribe.db");
    let stored = query_store(
        &db,
        "SELECT start_s, end_s, speaker, live_speaker FROM segments ORDER BY start_s",
    );
    let changed = stored.iter().filter(|r| r[2] != r[3]).count();
    assert_eq!(
        changed,
        revision["changes"].as_array().unwrap().len(),
        "{revision}\n{stored:?}"
    );
    let revised: Vec<serde_json::Value> = stored
        .iter()
        .map(|r| serde_json::json!({"start": r[0], "end": r[1], "speaker": r[2]}))
        .collect();
    let after = attribution(&revised, &turns, "speaker");
    assert!(after >= 0.9, "attribution after re-clustering {after:.3}");
    wait_until(Duration::from_secs(20), "the final summary", || {
        decode_cbor_independently(&subscriber.on_topic("roomscribe/room-7/summary"))
            .iter()
            .any(|s| s["is_final"] == true && s["participants"].as_array().is_some_and(|p| p.len() == 3))
    });

    // "The one who opened the meeting is Alice."
    let opener = stored[0][2].as_str().unwrap().to_owned();
    let enrolled = command(
        &dir,
        port,
        &subscriber,
        "speaker_enroll",
        serde_json::json!({"tx": "enrol-1", "meeting": meeting, "speaker": opener, "name": "Alice"}),
    );
    assert_eq!(enrolled["ok"], true, "{enrolled}");
    let listed = command(&dir, port, &subscriber, "speakers", serde_json::json!({"tx": "list-1"}));
    assert_eq!(listed["result"]["voices"][0]["name"], "Alice", "{listed}");
    daemon.terminate();
    assert_eq!(daemon.wait_exit(Duration::from_secs(30)), 0, "{}", daemon.log_text());
    assert!(!daemon.log_text().contains("Alice"), "names stay out of the log");

    // The next meeting: Alice (A) and C again with other sentences, and a stranger (D).
    let (raw, turns) = cast_meeting(&dir, "guests");
    let last_end = turns.last().unwrap().0.end;
    let (mut daemon, port, subscriber) = play_meeting(&dir, "guests", &raw, &state, last_end);
    let finals = revised_finals_of(&subscriber, "roomscribe/room-7");
    let mut alice_turns = 0;
    for (turn, speaker) in &turns {
        let own: Vec<&serde_json::Value> = finals.iter().filter(|f| overlap(f, turn) > 1.0).collect();
        assert!(!own.is_empty(), "no final for {turn:?}");
        if speaker == "A" {
            alice_turns += 1;
            assert!(
                own.iter().any(|f| f["speaker_name"] == "Alice"),
                "Alice's turn {turn:?} was not named: {own:#?}"
            );
            continue;
        }
        for f in own {
            assert!(f["speaker_name"].is_null(), "{speaker} was named: {f}");
            let label = f["speaker"].as_str().unwrap_or_default();
            assert!(
                label
                    .strip_prefix('S')
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())),
                "{speaker}, not enrolled, should be labelled S<n>: {f}"
            );
        }
    }
    assert_eq!(alice_turns, 2, "the guests cast gives Alice two turns");

    let print = query_store(&db, "SELECT hex(embedding) FROM voiceprints WHERE name = 'Alice'");
    let print = decode_hex(print[0][0].as_str().unwrap()).unwrap();
    let forgotten = command(
        &dir,
        port,
        &subscriber,
        "speaker_forget",
        serde_json::json!({"tx": "forget-1", "name": "Alice"}),
    );
    assert_eq!(forgotten["ok"], true, "{forgotten}");
    assert!(query_store(&db, "SELECT name FROM voiceprints").is_empty());
    daemon.terminate();
    assert_eq!(daemon.wait_exit(Duration::from_secs(30)), 0, "{}", daemon.log_text());
    for file in ["roomscribe.db", "roomscribe.db-wal"] {
        let bytes = std::fs::read(state.join(file)).unwrap_or_default();
        assert!(
            !bytes.windows(32).any(|w| w == &print[..32]),
            "the forgotten voiceprint is still in {file}"
        );
    }
}

/// A live voice found to hold two people is parted as soon as both have said enough, and the
/// finals already published with the wrong speaker go out again, corrected, as their next
/// revision. With `same_speaker` at 0.3, below how alike the panel's three voices are to the
/// speaker encoder (0.33-0.49 between voices, 0.8-0.9 within one), every voice at first joins
/// the one heard before it, as the shipped 0.4 does now and then to two alike real voices.
#[test]
fn a_live_voice_found_to_hold_two_people_is_split_and_its_published_finals_relabelled() {
    let dir = TempDir::new("speakers-split");
    let state = dir.path("state");
    let (raw, turns) = cast_meeting(&dir, "panel");
    let last_end = turns.last().unwrap().0.end;
    let (mut daemon, _port, subscriber) =
        play_meeting_configured(&dir, "panel", &raw, &state, last_end, "", "same_speaker = 0.3\n");
    let first = decode_cbor_independently(&subscriber.on_topic("roomscribe/room-7/transcript"));
    let finals = revised_finals_of(&subscriber, "roomscribe/room-7");
    let relabelled: Vec<&serde_json::Value> = finals
        .iter()
        .filter(|f| {
            first
                .iter()
                .any(|o| o["seq"] == f["seq"] && o["speaker"] != f["speaker"])
        })
        .collect();
    assert!(!relabelled.is_empty(), "no final was relabelled: {finals:#?}");
    let (before, after) = (
        attribution(&first, &turns, "speaker"),
        attribution(&finals, &turns, "speaker"),
    );
    assert!(
        after >= 0.85 && after > before,
        "attribution as first published {before:.3}, as relabelled live {after:.3}: {finals:#?}"
    );
    // Stored before published: the store has each relabelled final's new label, as published
    // live, so the meeting's end tells only what its own re-clustering changes.
    let stored = query_store(
        &state.join("roomscribe.db"),
        "SELECT seq, speaker, live_speaker FROM segments ORDER BY seq",
    );
    for f in &relabelled {
        let row = stored
            .iter()
            .find(|r| r[0] == f["seq"])
            .unwrap_or_else(|| panic!("{f} not stored: {stored:?}"));
        assert_eq!((&row[1], &row[2]), (&f["speaker"], &f["speaker"]), "{f}");
    }
    daemon.terminate();
    assert_eq!(daemon.wait_exit(Duration::from_secs(30)), 0, "{}", daemon.log_text());
}

/// The offline tools, as an integrator would try them on recordings: `transcribe --speakers`
/// says who spoke each segment; `enroll` keeps a voice from a recording of one person (and
/// refuses one too short to be a voiceprint); with that store's configuration, `transcribe
/// --speakers` names the voice in another meeting (other sentences) and leaves the others
/// `S<n>`; `analyze` finds the meeting's request, plan, decision and question, with the
/// enrolled name on who said them and due dates resolved against `--date`.
#[test]
fn offline_tools_say_who_spoke_enrol_a_voice_from_a_file_and_find_what_was_meant() {
    let dir = TempDir::new("speakers-offline");
    let model = whisper_model();
    let model = model.to_str().unwrap();
    let (review_raw, review_turns) = cast_meeting(&dir, "review");
    let (panel_raw, panel_turns) = cast_meeting(&dir, "panel");
    let review = review_raw.with_file_name("meeting.wav");
    let panel = panel_raw.with_file_name("meeting.wav");
    let segments_of = |wav: &Path, extra: &[&str]| -> Vec<serde_json::Value> {
        let mut args = vec![
            "transcribe",
            wav.to_str().unwrap(),
            "--speakers",
            "--format",
            "json",
            "--model",
            model,
        ];
        args.extend(extra);
        let out = roomscribe(&args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let document: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        document["segments"].as_array().unwrap().clone()
    };

    let segments = segments_of(&review, &[]);
    let found = attribution(&segments, &review_turns, "speaker");
    assert!(found >= 0.9, "attribution {found:.3}: {segments:#?}");
    let mut labels: Vec<&str> = segments.iter().filter_map(|s| s["speaker"].as_str()).collect();
    labels.sort_unstable();
    labels.dedup();
    assert_eq!(labels, ["S1", "S2", "S3"], "three voices: {segments:#?}");
    assert!(
        segments.iter().all(|s| s["speaker_name"].is_null()),
        "no store, no names"
    );

    // A recording of A alone: A's turns of the review meeting.
    let mut keep = vec!["trim".to_owned()];
    for (turn, speaker) in &review_turns {
        if speaker == "A" {
            keep.push(format!("={}", turn.start));
            keep.push(format!("={}", turn.end));
        }
    }
    let alice = dir.path("alice.wav");
    let mut args = vec![review.to_str().unwrap(), alice.to_str().unwrap()];
    args.extend(keep.iter().map(String::as_str));
    sox(&args);
    let too_short = dir.path("blip.wav");
    sox(&[alice.to_str().unwrap(), too_short.to_str().unwrap(), "trim", "0", "1.5"]);
    let config = dir.path("roomscribe.toml");
    let campplus = artifact("campplus").join("campplus_cn_en_common.pt");
    std::fs::write(
        &config,
        format!(
            "state_dir = \"{}\"\n[speakers]\nmodel = \"{}\"\n",
            dir.path("state").display(),
            campplus.display()
        ),
    )
    .unwrap();
    let config = config.to_str().unwrap();
    let refused = roomscribe(&[
        "enroll",
        "--config",
        config,
        "--name",
        "Alice",
        too_short.to_str().unwrap(),
    ]);
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "a 1.5 s recording was enrolled");
    assert!(
        said.contains("at least 3 s") && said.trim().lines().count() == 1,
        "{said}"
    );
    let enrolled = roomscribe(&["enroll", "--config", config, "--name", "Alice", alice.to_str().unwrap()]);
    assert!(
        enrolled.status.success(),
        "{}",
        String::from_utf8_lossy(&enrolled.stderr)
    );
    let listed = roomscribe(&["voices", "--config", config]);
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert_eq!(listed.lines().count(), 1, "{listed}");
    assert!(listed.starts_with("Alice\tfile\t"), "{listed}");

    // Another meeting, other sentences: A is named, B and C are not.
    let segments = segments_of(&panel, &["--config", config]);
    let mut named_turns = 0;
    for (turn, speaker) in &panel_turns {
        let heard: Vec<&serde_json::Value> = segments.iter().filter(|s| overlap(s, turn) > 1.0).collect();
        assert!(!heard.is_empty(), "no segment for {turn:?}");
        match speaker.as_str() {
            "A" => named_turns += usize::from(heard.iter().any(|s| s["speaker_name"] == "Alice")),
            _ => assert!(
                heard.iter().all(|s| s["speaker_name"].is_null()),
                "{speaker} was named: {heard:#?}"
            ),
        }
    }
    let a_turns = panel_turns.iter().filter(|(_, s)| s == "A").count();
    assert!(
        a_turns >= 2 && named_turns == a_turns,
        "{named_turns} of A's {a_turns} turns named: {segments:#?}"
    );

    // What the review meant, 2026-12-07 being a Monday.
    let out = roomscribe(&[
        "analyze",
        review.to_str().unwrap(),
        "--config",
        config,
        "--model",
        model,
        "--date",
        "2026-12-07",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let meant: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let items = meant["action_items"].as_array().unwrap();
    let van = items
        .iter()
        .find(|a| a["task"].as_str().is_some_and(|t| t.contains("removal van")))
        .unwrap_or_else(|| panic!("no van: {meant:#}"));
    assert_eq!(
        (van["owner"].as_str(), van["said_by"].as_str()),
        (Some("Tom"), Some("Alice")),
        "{van}"
    );
    assert_eq!(
        (van["due"].as_str(), van["due_date"].as_str()),
        (Some("before Friday"), Some("2026-12-11")),
        "{van}"
    );
    let plan = items
        .iter()
        .find(|a| a["task"].as_str().is_some_and(|t| t.contains("floor plan")))
        .unwrap_or_else(|| panic!("no floor plan: {meant:#}"));
    let c_label = plan["said_by"].as_str().unwrap();
    assert!(c_label.starts_with('S') && c_label != "Alice", "{plan}");
    assert_eq!(
        plan["owner"].as_str(),
        Some(c_label),
        "'I will' is the speaker's: {plan}"
    );
    assert_eq!(plan["due_date"], "2026-12-08", "{plan}");
    let decisions = meant["decisions"].as_array().unwrap();
    assert_eq!(decisions.len(), 1, "{meant:#}");
    assert!(decisions[0]["decision"]
        .as_str()
        .unwrap()
        .contains("move the whole team"));
    let question = meant["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["text"].as_str().is_some_and(|t| t.contains("a date for the move")))
        .unwrap_or_else(|| panic!("no question: {meant:#}"));
    assert_eq!(question["answered"], false, "'not yet' answers nothing: {question}");
    let talkers = meant["talk_time"]["speakers"].as_array().unwrap();
    assert_eq!(talkers.len(), 3, "{meant:#}");
    assert!(talkers.iter().any(|t| t["speaker"] == "Alice"), "{meant:#}");
}

/// Enrolled while the meeting runs ("S1 is Alice", by command, from the meeting so far): that
/// voice is named from its next words on, without a restart, and nobody else is.
#[test]
fn a_voice_enrolled_mid_meeting_is_named_from_its_next_words_on() {
    let dir = TempDir::new("speakers-mid-meeting");
    let state = dir.path("state");
    // Ten seconds of silence after the third turn leave time to enrol A before A speaks again.
    let (raw, turns) = cast_meeting_with_gaps(&dir, "panel", &["1.2", "1.0", "10", "0.8", "1.2", "0.4", "1.0", "2.0"]);
    let last_end = turns.last().unwrap().0.end;
    let asoundrc = file_pcm_config(&dir, "panel", &raw);
    let port = free_port();
    let _daemon = Daemon::start_ready(&dir, &config(port, "panel", &state, "", ""), Some(&asoundrc));
    let subscriber = Subscriber::start_subscribed(&dir, port, "roomscribe/room-7/#");
    let finals = || decode_cbor_independently(&subscriber.on_topic("roomscribe/room-7/transcript"));
    let (first_turn, first_speaker) = &turns[0];
    assert_eq!(first_speaker, "A");
    wait_until(Duration::from_secs(60), "a final of A's first turn", || {
        finals().iter().any(|f| overlap(f, first_turn) > 1.0)
    });
    let opening = finals().into_iter().find(|f| overlap(f, first_turn) > 1.0).unwrap();
    let label = opening["speaker"].as_str().expect("a speaker label").to_owned();
    let meeting = opening["meeting"].as_str().expect("the meeting id").to_owned();
    let enrolled = command(
        &dir,
        port,
        &subscriber,
        "speaker_enroll",
        serde_json::json!({"tx": "enrol-live", "meeting": meeting, "speaker": label, "name": "Alice"}),
    );
    assert_eq!(enrolled["ok"], true, "{enrolled}");
    // The turns after the silence, all spoken after the enrolment was answered.
    let resumed = 3;
    assert!(
        finals()
            .iter()
            .all(|f| f["end"].as_f64().unwrap() < turns[resumed].0.start),
        "the daemon had already heard past the silence when the enrolment was answered"
    );
    wait_until(Duration::from_secs(120), "a final of the last turn", || {
        finals().iter().any(|f| f["end"].as_f64().unwrap() > last_end - 1.5)
    });
    let all = finals();
    let mut named_turns = 0;
    for (turn, speaker) in &turns[resumed..] {
        let heard: Vec<&serde_json::Value> = all.iter().filter(|f| overlap(f, turn) > 1.0).collect();
        assert!(!heard.is_empty(), "no final for {turn:?}");
        match speaker.as_str() {
            "A" => named_turns += usize::from(heard.iter().any(|f| f["speaker_name"] == "Alice")),
            _ => assert!(
                heard.iter().all(|f| f["speaker_name"].is_null()),
                "{speaker} was named: {heard:#?}"
            ),
        }
    }
    let a_turns = turns[resumed..].iter().filter(|(_, s)| s == "A").count();
    assert!(
        a_turns >= 2 && named_turns == a_turns,
        "{named_turns} of A's {a_turns} later turns named: {all:#?}"
    );
}
