//! Offline first, from the outside: the daemon stores every record in SQLite before publishing
//! it, and forwards the store to Debian's mosquitto as the upstream broker. Stores are read with
//! Python's own sqlite3; payloads are decoded with Python's cbor2.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::support::*;

/// `daemon_config` with room metrics (the meeting clock) and health every second, meetings
/// ending after `quiet_s` without speech, and `sync` lines for the `[sync]` section.
fn offline_config(port: u16, pcm: &str, quiet_s: u32, sync: &str) -> String {
    daemon_config(port, pcm, "metrics_interval_s = 1\n")
        + &format!("health_interval_s = 1\n[meeting]\nend_after_quiet_s = {quiet_s}\n[sync]\n")
        + sync
}

fn store_of(dir: &TempDir) -> PathBuf {
    dir.path("state").join("roomscribe.db")
}

/// (kind, idempotency key, payload) of every outbox row, in outbox order.
fn outbox(db: &Path) -> Vec<(String, String, Vec<u8>)> {
    query_store(
        db,
        "SELECT kind, idempotency_key, hex(payload) FROM outbox ORDER BY seq",
    )
    .into_iter()
    .map(|row| {
        let text = |i: usize| row[i].as_str().unwrap().to_owned();
        (text(0), text(1), decode_hex(&text(2)).unwrap())
    })
    .collect()
}

fn undelivered(db: &Path) -> i64 {
    query_store(db, "SELECT count(*) FROM outbox WHERE delivered_ms IS NULL")[0][0]
        .as_i64()
        .unwrap()
}

fn key_of(payload: &[u8]) -> String {
    decode_cbor_independently(&[payload.to_vec()])[0]["key"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The synthetic meeting behind an ALSA PCM named "meeting", and an upstream broker that is
/// down but already holds the collecting subscriber's session (registered once, then stopped).
fn meeting_with_the_uplink_down(dir: &TempDir) -> (&'static Meeting, PathBuf, Upstream) {
    let meeting = meeting();
    let asoundrc = file_pcm_config(dir, "meeting", &meeting.raw);
    let mut upstream = Upstream::new(dir, None);
    upstream.start_with_collector(None);
    upstream.stop();
    (meeting, asoundrc, upstream)
}

#[test]
fn a_meeting_recorded_offline_arrives_upstream_in_order_and_byte_identical() {
    let dir = TempDir::new("offline-sync");
    let (meeting, asoundrc, mut upstream) = meeting_with_the_uplink_down(&dir);

    let port = free_port();
    let sync = format!(
        "host = \"127.0.0.1\"\nport = {}\ntopic_prefix = \"up\"\nsegments = true\nbackoff_max_s = 1\n",
        upstream.port
    );
    let mut daemon = Daemon::start_ready(&dir, &offline_config(port, "meeting", 5, &sync), Some(&asoundrc));
    let local = Subscriber::start(&dir, port, "roomscribe/room-7/#");
    wait_until(
        Duration::from_secs(120),
        "the meeting's summary, published locally",
        || !local.on_topic("roomscribe/room-7/summary").is_empty(),
    );

    // The whole meeting happened offline: it is all in the store, waiting.
    let db = store_of(&dir);
    let waiting = outbox(&db);
    let kinds: Vec<&str> = waiting.iter().map(|(kind, _, _)| kind.as_str()).collect();
    assert_eq!(kinds.last(), Some(&"summary"), "{kinds:?}");
    assert!(
        kinds.iter().filter(|k| **k == "segment").count() >= meeting.turns.len() - 1,
        "{kinds:?}"
    );
    assert_eq!(undelivered(&db), waiting.len() as i64);
    wait_until(
        Duration::from_secs(15),
        "health to report the unreachable upstream and the backlog",
        || {
            let health = latest_health(port);
            health["sync"]["state"] == "error"
                && health["sync"]["last_error"]
                    .as_str()
                    .is_some_and(|e| e.contains("cannot reach"))
                && health["sync"]["backlog"] == waiting.len()
        },
    );
    // Locally, the summary is the stored record byte for byte.
    assert_eq!(
        local.on_topic("roomscribe/room-7/summary")[0],
        waiting.last().unwrap().2
    );

    upstream.start();
    wait_until(Duration::from_secs(30), "the outbox to drain upstream", || {
        undelivered(&db) == 0
    });
    let received = upstream.collected(None, 3);
    let sent: Vec<(String, Vec<u8>)> = waiting
        .iter()
        .map(|(kind, _, payload)| {
            let leaf = if kind == "segment" { "transcript" } else { kind.as_str() };
            (format!("up/room-7/{leaf}"), payload.clone())
        })
        .collect();
    assert_eq!(
        received.len(),
        sent.len(),
        "every record once (nothing was cut off mid-flight)"
    );
    assert!(
        received == sent,
        "upstream got the stored records, in order, byte for byte"
    );
    let summary = &decode_cbor_independently(&[received.last().unwrap().1.clone()])[0];
    assert_eq!(summary["ended_by"], "quiet");
    assert!(summary["transcript"].as_str().unwrap().contains("budget"), "{summary}");
    let keys: Vec<String> = received.iter().map(|(_, p)| key_of(p)).collect();
    let stored_keys: Vec<&String> = waiting.iter().map(|(_, key, _)| key).collect();
    assert_eq!(keys.iter().collect::<Vec<_>>(), stored_keys);

    // The same meeting, written out from the store by the command line.
    let config = dir.path("roomscribe.toml");
    let vtt = roomscribe(&["export", "--config", config.to_str().unwrap(), "--format", "vtt"]);
    assert!(vtt.status.success(), "{}", String::from_utf8_lossy(&vtt.stderr));
    let vtt = String::from_utf8(vtt.stdout).unwrap();
    assert!(vtt.starts_with("WEBVTT\n\n00:00:"), "{vtt}");
    assert!(word_error_rate(&meeting.text(), &vtt_text(&vtt)) < 0.25, "{vtt}");
    daemon.terminate();
    assert_eq!(daemon.wait_exit(Duration::from_secs(30)), 0);
}

/// The spoken text of a WebVTT document.
fn vtt_text(vtt: &str) -> String {
    vtt.lines()
        .filter(|line| !line.is_empty() && !line.contains("-->") && *line != "WEBVTT")
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_power_cut_mid_meeting_and_mid_sync_loses_nothing_committed() {
    let dir = TempDir::new("power-cut");
    let (_, asoundrc, mut upstream) = meeting_with_the_uplink_down(&dir);
    let port = free_port();
    // The uplink is down while the first segments are stored, then comes back capped at
    // 1 kbit/s: the backlog drains a record every couple of seconds, and the kill finds some
    // records delivered and some still waiting.
    let upstream_port = upstream.port;
    let sync = |max_kbps: u32| {
        format!(
            "host = \"127.0.0.1\"\nport = {upstream_port}\ntopic_prefix = \"up\"\nsegments = true\ninsights = true\n\
             backoff_max_s = 1\nmax_kbps = {max_kbps}\n"
        )
    };
    let mut daemon = Daemon::start_ready(&dir, &offline_config(port, "meeting", 600, &sync(1)), Some(&asoundrc));
    let db = store_of(&dir);
    wait_until(Duration::from_secs(90), "3 segments stored", || {
        query_store(&db, "SELECT count(*) FROM segments")[0][0]
            .as_i64()
            .unwrap()
            >= 3
    });
    upstream.start();
    let delivered = || {
        query_store(&db, "SELECT count(*) FROM outbox WHERE delivered_ms IS NOT NULL")[0][0]
            .as_i64()
            .unwrap()
    };
    wait_until(Duration::from_secs(30), "some records delivered, some waiting", || {
        delivered() >= 1 && undelivered(&db) >= 1
    });
    daemon.child.kill().unwrap();
    daemon.child.wait().unwrap();

    // What was committed before the cut.
    let committed = query_store(&db, "SELECT record_seq, hex(payload) FROM segments ORDER BY record_seq");
    let check = query_store(&db, "PRAGMA integrity_check");
    assert_eq!(check[0][0], "ok");
    let open = query_store(&db, "SELECT id FROM meetings WHERE ended_ms IS NULL");
    assert_eq!(open.len(), 1, "the cut came mid-meeting");
    let meeting_id = open[0][0].as_str().unwrap().to_owned();

    // Back on, with silence in the room and no cap: the open meeting is closed and summarised,
    // and everything drains.
    let asoundrc = silent_room(&dir);
    let mut daemon = Daemon::start_ready(&dir, &offline_config(port, "silence", 600, &sync(0)), Some(&asoundrc));
    wait_until(
        Duration::from_secs(30),
        "the recovered meeting's summary to be delivered",
        || {
            let summaries = query_store(&db, "SELECT count(*) FROM summaries")[0][0]
                .as_i64()
                .unwrap();
            summaries == 1 && undelivered(&db) == 0
        },
    );
    let after = query_store(&db, "SELECT record_seq, hex(payload) FROM segments ORDER BY record_seq");
    assert!(
        after.starts_with(&committed),
        "every committed segment is still there, unchanged"
    );
    let ended = query_store(&db, &format!("SELECT ended_by FROM meetings WHERE id = '{meeting_id}'"));
    assert_eq!(ended[0][0], "recovery");
    assert_eq!(query_store(&db, "PRAGMA integrity_check")[0][0], "ok");

    let received = upstream.collected(None, 3);
    let mut by_key: HashMap<String, Vec<u8>> = HashMap::new();
    for (_, payload) in &received {
        let key = key_of(payload);
        if let Some(earlier) = by_key.insert(key.clone(), payload.clone()) {
            assert_eq!(&earlier, payload, "a record delivered twice is the same record: {key}");
        }
    }
    for (kind, key, payload) in outbox(&db) {
        assert_eq!(
            by_key.get(&key),
            Some(&payload),
            "{kind} {key} arrived upstream as stored"
        );
    }
    assert!(received.len() >= by_key.len());
    daemon.terminate();
    assert_eq!(daemon.wait_exit(Duration::from_secs(30)), 0);
}

#[test]
fn a_refused_login_is_reported_data_is_kept_and_a_config_change_delivers_it() {
    let dir = TempDir::new("sync-login");
    let login = Some(("roomscribe", "correct horse battery"));
    let mut upstream = Upstream::new(&dir, login);
    upstream.start_with_collector(login);
    let asoundrc = silent_room(&dir);
    let port = free_port();
    let sync = format!(
        "host = \"127.0.0.1\"\nport = {}\ntopic_prefix = \"up\"\nusername = \"roomscribe\"\npassword = \"wrong\"\nbackoff_max_s = 1\n",
        upstream.port
    );
    let mut daemon = Daemon::start_ready(&dir, &offline_config(port, "silence", 600, &sync), Some(&asoundrc));
    let local = Subscriber::start_subscribed(&dir, port, "roomscribe/room-7/#");

    // A meeting by command: started, summarised so far, stopped, exported.
    let command = |name: &str, payload: &str| {
        mosquitto_pub(
            &dir,
            port,
            &format!("roomscribe/room-7/cmd/{name}"),
            payload.as_bytes(),
            false,
        );
        let tx = serde_json::from_str::<serde_json::Value>(payload).unwrap()["tx"].clone();
        let topic = format!("roomscribe/room-7/cmd/{name}/reply");
        let reply = || {
            decode_cbor_independently(&local.on_topic(&topic))
                .into_iter()
                .find(|reply| reply["tx"] == tx)
        };
        wait_until(Duration::from_secs(10), &format!("the reply to {name} {tx}"), || {
            reply().is_some()
        });
        reply().unwrap()
    };
    let started = command("meeting_start", r#"{"tx": "s1"}"#);
    assert_eq!(
        (started["tx"].as_str(), started["ok"].as_bool()),
        (Some("s1"), Some(true)),
        "{started}"
    );
    let meeting_id = started["result"]["meeting"].as_str().unwrap().to_owned();
    let twice = command("meeting_start", r#"{"tx": "s2"}"#);
    assert_eq!(twice["ok"], false, "{twice}");
    assert!(twice["error"].as_str().unwrap().contains("already going on"), "{twice}");
    let so_far = command("summary", r#"{"tx": "m1"}"#);
    assert_eq!(so_far["ok"], true, "{so_far}");
    let stopped = command("meeting_stop", r#"{"tx": "e1"}"#);
    assert_eq!(stopped["result"]["meeting"], meeting_id.as_str(), "{stopped}");
    let exported = command(
        "export",
        &format!(r#"{{"tx": "x1", "format": "markdown", "meeting": "{meeting_id}"}}"#),
    );
    assert!(
        exported["result"]["document"]
            .as_str()
            .unwrap()
            .starts_with(&format!("# Meeting {meeting_id}")),
        "{exported}"
    );
    let missing = command("export", r#"{"tx": "x2", "meeting": "no-such-meeting"}"#);
    assert!(missing["error"].as_str().unwrap().contains("no meeting"), "{missing}");
    let summaries = decode_cbor_independently(&local.on_topic("roomscribe/room-7/summary"));
    let finals: Vec<bool> = summaries.iter().map(|s| s["is_final"].as_bool().unwrap()).collect();
    assert_eq!(finals, [false, true]);

    // The upstream refuses the login: health says so and what to do; the summaries wait.
    let db = store_of(&dir);
    wait_until(Duration::from_secs(15), "health to report the refused login", || {
        let health = latest_health(port);
        health["sync"]["state"] == "error"
            && health["sync"]["last_error"]
                .as_str()
                .is_some_and(|e| e.contains("check sync.username and sync.password"))
            && health["sync"]["backlog"] == 2
    });
    assert_eq!(undelivered(&db), 2);

    // IT fixes the password remotely; the backlog drains.
    let fix = br#"{"sync": {"password": "correct horse battery"}}"#;
    mosquitto_pub(&dir, port, "roomscribe/room-7/config", fix, true);
    wait_until(
        Duration::from_secs(30),
        "the outbox to drain with the new password",
        || undelivered(&db) == 0,
    );
    let received = upstream.collected(login, 3);
    let stored: Vec<Vec<u8>> = outbox(&db).into_iter().map(|(_, _, payload)| payload).collect();
    assert_eq!(received.iter().map(|(_, p)| p.clone()).collect::<Vec<_>>(), stored);
    assert!(received.iter().all(|(topic, _)| topic == "up/room-7/summary"));
    let history = query_store(&db, "SELECT accepted, document FROM config_history");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0][0], 1);
    let document = history[0][1].as_str().unwrap();
    assert!(
        document.contains("\"sync\"") && !document.contains("correct horse"),
        "passwords are not kept: {document}"
    );
    daemon.terminate();
    assert_eq!(daemon.wait_exit(Duration::from_secs(30)), 0);
}

#[test]
fn sync_over_tls_checks_the_broker_and_a_tls_mismatch_is_reported_until_fixed() {
    let dir = TempDir::new("sync-tls");
    let certificates = make_certificates(&dir);
    let (mut upstream, tls_port) = Upstream::with_tls(&dir, None, Some(&certificates));
    upstream.start_with_collector(None);
    let asoundrc = silent_room(&dir);
    let port = free_port();
    // TLS on, but pointed at the broker's plain port: a mismatch.
    let sync = format!(
        "host = \"127.0.0.1\"\nport = {}\ntls = true\nca_file = \"{}\"\ntopic_prefix = \"up\"\nbackoff_max_s = 1\n",
        upstream.port,
        certificates.ca.display()
    );
    let mut daemon = Daemon::start_ready(&dir, &offline_config(port, "silence", 600, &sync), Some(&asoundrc));
    for (name, tx) in [("meeting_start", "a"), ("meeting_stop", "b")] {
        let payload = format!(r#"{{"tx": "{tx}"}}"#);
        mosquitto_pub(
            &dir,
            port,
            &format!("roomscribe/room-7/cmd/{name}"),
            payload.as_bytes(),
            false,
        );
    }
    let db = store_of(&dir);
    wait_until(Duration::from_secs(15), "the summary in the outbox", || {
        query_store(&db, "SELECT count(*) FROM outbox")
            .first()
            .is_some_and(|r| r[0] == 1)
    });
    wait_until(Duration::from_secs(15), "health to name the TLS failure", || {
        let health = latest_health(port);
        health["sync"]["state"] == "error"
            && health["sync"]["last_error"]
                .as_str()
                .is_some_and(|e| e.contains("TLS") && e.contains("sync.tls"))
    });
    assert_eq!(undelivered(&db), 1, "nothing is lost while TLS fails");

    mosquitto_pub(
        &dir,
        port,
        "roomscribe/room-7/config",
        format!(r#"{{"sync": {{"port": {tls_port}}}}}"#).as_bytes(),
        true,
    );
    wait_until(Duration::from_secs(30), "delivery over TLS", || undelivered(&db) == 0);
    let received = upstream.collected(None, 3);
    let stored: Vec<Vec<u8>> = outbox(&db).into_iter().map(|(_, _, payload)| payload).collect();
    assert_eq!(received.into_iter().map(|(_, p)| p).collect::<Vec<_>>(), stored);
    daemon.terminate();
    assert_eq!(daemon.wait_exit(Duration::from_secs(30)), 0);
}

/// A full disk, for real: the state directory is a 2 MiB tmpfs in a mount namespace of the
/// daemon's own (util-linux `unshare`, as the sandbox test makes one), filled to its last block
/// once the daemon is ready. The meeting is still published live, the log says once that the
/// store cannot write and health says `full`; the daemon keeps running. Once space is freed the
/// records held in memory are written: the store ends with every final subscribers saw, and the
/// log says it writes again.
#[test]
fn a_full_disk_keeps_the_meeting_live_and_stores_it_once_space_returns() {
    let dir = TempDir::new("full-disk");
    let state = dir.path("state");
    std::fs::create_dir_all(&state).unwrap();
    let wrapper = executable_script(
        &dir,
        "on-a-small-disk",
        &format!(
            "#!/bin/sh\n\
             exec unshare --mount --map-root-user sh -c 'mount -t tmpfs -o size=2m tmpfs \"$0\" && exec \"$@\"' \
             \"{}\" \"{}\" \"$@\"\n",
            state.display(),
            roomscribe_bin().display()
        ),
    );
    let meeting = meeting();
    let asoundrc = file_pcm_config(&dir, "meeting", &meeting.raw);
    let port = free_port();
    let operator = "users = [{ name = \"it-ops\", password = \"operator-secret-1\", role = \"operator\" }]\n";
    let config = format!(
        "state_dir = \"{}\"\n{}",
        state.display(),
        offline_config(port, "meeting", 600, "").replacen(
            "health_interval_s",
            &format!("{operator}health_interval_s"),
            1
        )
    );
    let mut daemon = Daemon::start_binary(&wrapper, &dir, &config, Some(&asoundrc), &[]);
    daemon.wait_for_log("roomscribe is ready", Duration::from_secs(60));
    let subscriber = Subscriber::start(&dir, port, "roomscribe/room-7/#");
    // In the daemon's mount namespace (its pid: the wrapper and unshare exec into it). Every
    // write is bounded: were this ever the machine's own disk, it would take 4 MiB of it.
    let in_its_namespace = |command: &str| {
        let out = std::process::Command::new("nsenter")
            .args(["-t", &daemon.child.id().to_string(), "-m", "sh", "-c", command])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let filler = state.join("filler");
    in_its_namespace(&format!(
        "dd if=/dev/zero of='{}' bs=4k count=1024 2>/dev/null",
        filler.display()
    ));
    assert!(
        !filler.exists(),
        "the filler went to the daemon's tmpfs, not this machine's disk"
    );
    let free = in_its_namespace(&format!("df --output=avail '{}' | tail -n 1", state.display()));
    assert_eq!(free.trim(), "0", "the daemon's disk is full");

    let health = || decode_cbor_independently(&subscriber.on_topic("roomscribe/room-7/health"));
    let finals = || decode_cbor_independently(&subscriber.on_topic("roomscribe/room-7/transcript"));
    wait_until(Duration::from_secs(120), "the meeting published live", || {
        meeting.finals_reach_the_end(&finals())
    });
    wait_until(Duration::from_secs(10), "health saying the store is full", || {
        health().last().is_some_and(|h| h["store"]["state"] == "full")
    });
    let log = daemon.log_text();
    assert_eq!(
        log.matches("The meeting store cannot write").count(),
        1,
        "one error line for the full disk:\n{log}"
    );
    assert!(
        finals().iter().all(|f| f["key"] == ""),
        "published before it was stored, without a key"
    );

    // A signed command whose time the store cannot keep is not carried out (it could be
    // replayed after a restart), and that is the device's failure, not a refusal of the sender.
    let ping = "roomscribe/room-7/cmd/ping";
    let signed = crate::signed_message("it-ops", "operator-secret-1", ping, r#"{"tx": "on-a-full-disk"}"#);
    mosquitto_pub(&dir, port, ping, &signed, false);
    let replies = || decode_cbor_independently(&subscriber.on_topic("roomscribe/room-7/cmd/ping/reply"));
    wait_until(Duration::from_secs(15), "the signed ping answered", || {
        replies().iter().any(|r| r["tx"] == "on-a-full-disk")
    });
    let reply = replies().into_iter().find(|r| r["tx"] == "on-a-full-disk").unwrap();
    assert_eq!(reply["ok"], false, "{reply}");
    assert!(
        reply["error"]
            .as_str()
            .unwrap()
            .contains("could not keep the signed time"),
        "{reply}"
    );
    wait_until(Duration::from_secs(10), "health counting the failed command", || {
        health()
            .last()
            .is_some_and(|h| h["control"]["commands_failed"] == 1 && h["control"]["refused"] == 0)
    });

    in_its_namespace(&format!("rm '{}'", filler.display()));
    wait_until(Duration::from_secs(30), "the held records written", || {
        health()
            .last()
            .is_some_and(|h| h["store"]["state"] == "ok" && h["store"]["held_in_memory"] == 0)
    });
    daemon.wait_for_log("The meeting store writes again", Duration::from_secs(5));
    // The store lives on the tmpfs, gone with the daemon: read it while it runs.
    let exported = in_its_namespace(&format!(
        "'{}' export --config '{}' --format json",
        roomscribe_bin().display(),
        dir.path("roomscribe.toml").display()
    ));
    let exported: serde_json::Value = serde_json::from_str(&exported).expect("the stored meeting as JSON");
    let stored: Vec<&str> = exported["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    let revised = revised_finals_of(&subscriber, "roomscribe/room-7");
    let published: Vec<&str> = revised.iter().map(|f| f["text"].as_str().unwrap().trim()).collect();
    assert!(!published.is_empty());
    assert_eq!(stored, published, "every final published is stored, as last revised");
    daemon.terminate();
    assert_eq!(daemon.wait_exit(Duration::from_secs(30)), 0, "{}", daemon.log_text());
}
