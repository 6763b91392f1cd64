//! What the meeting meant, from the outside (issue 18): a harness meeting in which people ask,
//! decide and hand out work, played to the live daemon through an ALSA file PCM, comes back on
//! `insights` as question, decision and action_item findings with the right speakers, owners
//! and due dates; the summary and the Markdown export hold them.

use std::process::Command;
use std::time::Duration;

use crate::speakers::{cast_meeting, command, play_meeting_with};
use crate::support::*;

#[test]
fn a_live_meeting_publishes_its_questions_decisions_and_action_items_and_the_summary_holds_them() {
    let dir = TempDir::new("meaning");
    let state = dir.path("state");
    let (raw, turns) = cast_meeting(&dir, "review");
    let last_end = turns.last().unwrap().0.end;
    let (daemon, port, subscriber) = play_meeting_with(
        &dir,
        "review",
        &raw,
        &state,
        last_end,
        "json_mirror = true\nhome_assistant = true\nhealth_interval_s = 1\n",
    );
    let stopped = command(
        &dir,
        port,
        &subscriber,
        "meeting_stop",
        serde_json::json!({"tx": "stop-1"}),
    );
    assert_eq!(stopped["ok"], true, "{stopped}");
    wait_until(Duration::from_secs(30), "the final summary", || {
        decode_cbor_independently(&subscriber.on_topic("roomscribe/room-7/summary"))
            .iter()
            .any(|s| s["is_final"] == true)
    });
    let finals = revised_finals_of(&subscriber, "roomscribe/room-7");
    let speaker_of = |words: &str| -> String {
        finals
            .iter()
            .find(|f| f["text"].as_str().unwrap().contains(words))
            .unwrap_or_else(|| panic!("no final holds {words:?}: {finals:?}"))["speaker"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let insights = decode_cbor_independently(&subscriber.on_topic("roomscribe/room-7/insights"));
    let of_kind = |kind: &str| -> Vec<&serde_json::Value> { insights.iter().filter(|i| i["kind"] == kind).collect() };

    let actions = of_kind("action_item");
    let van = actions
        .iter()
        .find(|i| i["action_item"]["task"].as_str().unwrap_or("").contains("removal van"))
        .unwrap_or_else(|| panic!("no action item to book the van: {insights:?}"));
    let heard: Vec<&str> = finals.iter().filter_map(|f| f["text"].as_str()).collect();
    assert_eq!(
        van["action_item"]["owner"], "Tom",
        "the name addressed owns it: {van}\nfinals: {heard:?}"
    );
    assert_eq!(van["action_item"]["due"], "before Friday", "{van}");
    assert!(
        van["action_item"]["due_date"].as_str().is_some_and(|d| d.len() == 10),
        "{van}"
    );
    assert!(!van["segments"].as_array().unwrap().is_empty(), "{van}");
    let plan = actions
        .iter()
        .find(|i| i["action_item"]["task"].as_str().unwrap_or("").contains("floor plan"))
        .unwrap_or_else(|| panic!("no action item to send the floor plan: {insights:?}"));
    assert_eq!(
        plan["action_item"]["owner"].as_str(),
        Some(speaker_of("floor plan").as_str()),
        "'I will' is owned by whoever said it: {plan}"
    );
    assert_eq!(plan["action_item"]["due"], "tomorrow", "{plan}");

    let decisions = of_kind("decision");
    assert_eq!(decisions.len(), 1, "{decisions:?}");
    assert!(decisions[0]["decision"]["text"]
        .as_str()
        .unwrap()
        .contains("move the whole team"));
    assert_eq!(
        decisions[0]["decision"]["by"].as_str(),
        Some(speaker_of("whole team").as_str())
    );

    let questions = of_kind("question");
    let date = questions
        .iter()
        .rfind(|q| q["question"]["text"].as_str().unwrap().contains("for the move"))
        .unwrap_or_else(|| panic!("no question about the move: {questions:?}"));
    assert_eq!(date["question"]["answered"], false, "'not yet' answers nothing: {date}");
    assert_eq!(
        date["question"]["asker"].as_str(),
        Some(speaker_of("for the move").as_str())
    );
    assert!(
        insights
            .iter()
            .all(|i| i["meeting"].is_string() && i["key"].is_string()),
        "every insight names its meeting and key"
    );

    let summary = decode_cbor_independently(&subscriber.on_topic("roomscribe/room-7/summary"))
        .into_iter()
        .find(|s| s["is_final"] == true)
        .unwrap();
    assert_eq!(summary["v"], 3);
    let meaning = &summary["meaning"];
    assert!(meaning["action_items"].as_array().unwrap().len() >= 2, "{meaning}");
    assert_eq!(meaning["decisions"].as_array().unwrap().len(), 1, "{meaning}");
    assert!(summary["overview"].as_str().unwrap().contains("Tom will"), "{summary}");
    assert!(
        meaning["talk_time"]["speakers"]
            .as_array()
            .is_some_and(|s| s.len() >= 2),
        "{meaning}"
    );

    // Health counts what the meeting stage handed on and what operators asked.
    let mut health = serde_json::Value::Null;
    wait_until(Duration::from_secs(20), "health counting the ended meeting", || {
        health = subscriber
            .on_topic("roomscribe/room-7/json/health")
            .last()
            .and_then(|m| serde_json::from_slice(m).ok())
            .unwrap_or_default();
        health["meeting"]["ended"].as_u64() >= Some(1)
    });
    let counted = |field: &str| health["meeting"][field].as_u64().unwrap_or(0);
    assert!(health["meeting"]["current"].is_null(), "{health}");
    assert!(counted("action_items") >= 2 && counted("decisions") >= 1, "{health}");
    assert!(counted("questions") >= 1 && counted("summaries") >= 1, "{health}");
    assert!(
        health["control"]["commands_carried_out"].as_u64() >= Some(1),
        "{health}"
    );
    assert_eq!(health["v"], 2, "{health}");
    // v1's fields stay for v1 consumers, as copies of the sections that own them now.
    assert_eq!(health["bus"]["refused"], health["control"]["refused"], "{health}");
    assert_eq!(health["store"]["meeting"], health["meeting"]["current"], "{health}");

    let export = command(
        &dir,
        port,
        &subscriber,
        "export",
        serde_json::json!({"tx": "md-1", "format": "markdown"}),
    );
    assert_eq!(export["ok"], true, "{export}");
    let markdown = export["result"]["document"].as_str().unwrap();
    for section in [
        "## Decisions",
        "## Action items",
        "## Open questions",
        "## Talk time",
        "## Transcript",
    ] {
        assert!(markdown.contains(section), "{section} missing:\n{markdown}");
    }
    assert!(markdown.contains("| Tom | "), "{markdown}");

    // The documents people forward, read back by independent readers.
    for (format, reader) in [("pdf", "pdftotext"), ("docx", "python3-docx")] {
        let reply = command(
            &dir,
            port,
            &subscriber,
            "export",
            serde_json::json!({"tx": format!("{format}-1"), "format": format}),
        );
        assert_eq!(
            (reply["ok"].as_bool(), reply["result"]["encoding"].as_str()),
            (Some(true), Some("base64"))
        );
        let file = dir.path(&format!("summary.{format}"));
        let bytes = base64_decode(reply["result"]["document"].as_str().unwrap());
        std::fs::write(&file, bytes).unwrap();
        let text = match reader {
            "pdftotext" => run_for_text(Command::new("pdftotext").arg(&file).arg("-")),
            // Debian's interpreter, where scripts/setup installs python3-docx.
            _ => run_for_text(Command::new("/usr/bin/python3").args([
                "-c",
                "import docx,sys; d=docx.Document(sys.argv[1]); print('\\n'.join([p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells]))",
            ]).arg(&file)),
        };
        for expected in [
            "Decisions",
            "Action items",
            "Tom",
            "move the whole team",
            "Open questions",
            "Transcript",
        ] {
            assert!(
                text.contains(expected),
                "{reader} finds no {expected:?} in the {format}:\n{text}"
            );
        }
    }
    home_assistant_renders_the_insights(port, &subscriber);
    let log = daemon.log_text();
    assert!(
        !log.contains("removal"),
        "the meeting's words stay out of the log:\n{log}"
    );
}

/// Standard base64 (the export reply's encoding of a document), decoded here without the
/// daemon's code.
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("{c} is not base64"),
    };
    let digits: Vec<u8> = text.bytes().filter(|c| *c != b'=').map(value).collect();
    digits
        .chunks(4)
        .flat_map(|chunk| {
            let n = chunk.iter().fold(0u32, |n, d| n << 6 | u32::from(*d)) << (6 * (4 - chunk.len()));
            let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
            bytes.into_iter().take(chunk.len() - 1).collect::<Vec<_>>()
        })
        .collect()
}

fn run_for_text(command: &mut Command) -> String {
    let out = command.output().expect("the reader runs (scripts/setup installs it)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The discovery document's event entities and summary sensor, rendered by Jinja2 (Home
/// Assistant's template engine) over the JSON the daemon really published.
fn home_assistant_renders_the_insights(port: u16, subscriber: &Subscriber) {
    // The discovery document is retained: a one-shot subscriber made now still gets it (a
    // second `Subscriber` in the same folder would share the first one's output file).
    let retained = Command::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &port.to_string()])
        .args([
            "-t",
            "homeassistant/device/roomscribe_room-7/config",
            "-C",
            "1",
            "-W",
            "10",
        ])
        .output()
        .expect("mosquitto_sub is installed (scripts/setup)");
    let document: serde_json::Value = serde_json::from_slice(&retained.stdout).expect("the discovery document");
    let components = &document["components"];
    let json_of = |topic: &str| -> Vec<serde_json::Value> {
        subscriber
            .on_topic(topic)
            .iter()
            .map(|m| serde_json::from_slice(m).unwrap())
            .collect()
    };
    let insights = json_of("roomscribe/room-7/json/insights");
    let summary = json_of("roomscribe/room-7/json/summary")
        .into_iter()
        .rfind(|s| s["is_final"] == true)
        .expect("the final JSON summary");
    let actions = &components["action_items"];
    assert_eq!(actions["state_topic"], "roomscribe/room-7/json/insights");
    let template = actions["value_template"].as_str().unwrap();
    let van = insights
        .iter()
        .rfind(|i| i["kind"] == "action_item" && i["action_item"]["owner"] == "Tom")
        .expect("Tom's action item on the JSON mirror");
    let event: serde_json::Value = serde_json::from_str(&render_home_assistant_template(template, van)).unwrap();
    assert_eq!(
        (event["event_type"].as_str(), event["owner"].as_str()),
        (Some("action_item"), Some("Tom"))
    );
    assert_eq!(event["due"], "before Friday");
    let question = insights.iter().find(|i| i["kind"] == "question").unwrap();
    assert_eq!(
        render_home_assistant_template(template, question),
        "",
        "other kinds render empty"
    );
    let decision = insights.iter().find(|i| i["kind"] == "decision").unwrap();
    let event: serde_json::Value = serde_json::from_str(&render_home_assistant_template(
        components["decisions"]["value_template"].as_str().unwrap(),
        decision,
    ))
    .unwrap();
    assert!(
        event["decision"].as_str().unwrap().contains("move the whole team"),
        "{event}"
    );

    let sensor = &components["summary"];
    let state = render_home_assistant_template(sensor["value_template"].as_str().unwrap(), &summary);
    assert!(!state.is_empty() && state.chars().count() <= 255, "{state}");
    let attributes: serde_json::Value = serde_json::from_str(&render_home_assistant_template(
        sensor["json_attributes_template"].as_str().unwrap(),
        &summary,
    ))
    .unwrap();
    assert_eq!(
        attributes["decisions"].as_array().map(Vec::len),
        Some(1),
        "{attributes}"
    );
    assert!(
        attributes["owners"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("Tom")),
        "{attributes}"
    );
    assert!(
        !attributes["open_questions"].as_array().unwrap().is_empty(),
        "{attributes}"
    );
}
