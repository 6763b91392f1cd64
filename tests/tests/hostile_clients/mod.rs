//! The MQTT surface under careless and hostile clients (issue 15), from the outside: Debian's
//! `mosquitto_pub` / `mosquitto_sub` against the daemon's embedded broker.

use std::time::Duration;

use crate::support::*;

/// The replies on `cmd/ping/reply` whose transaction id is `tx`.
fn pongs(subscriber: &Subscriber, tx: &str) -> Vec<serde_json::Value> {
    let candidates: Vec<Vec<u8>> = subscriber
        .on_topic("roomscribe/room-7/cmd/ping/reply")
        .into_iter()
        .filter(|p| p.windows(tx.len()).any(|w| w == tx.as_bytes()))
        .collect();
    decode_cbor_independently(&candidates)
        .into_iter()
        .filter(|r| r["tx"] == tx)
        .collect()
}

/// Pings the daemon and waits for its answer.
fn assert_answers_ping(dir: &TempDir, port: u16, subscriber: &Subscriber, tx: &str) {
    mosquitto_pub(
        dir,
        port,
        "roomscribe/room-7/cmd/ping",
        format!(r#"{{"tx": "{tx}"}}"#).as_bytes(),
        false,
    );
    wait_until(Duration::from_secs(15), &format!("an answer to ping {tx}"), || {
        pongs(subscriber, tx).iter().any(|r| r["ok"] == true)
    });
}

/// The retained status, as a newly connecting client sees it.
fn retained_status(port: u16) -> String {
    let out = std::process::Command::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-C", "1", "-W", "5"])
        .args(["-t", "roomscribe/room-7/status"])
        .output()
        .expect("mosquitto_sub runs");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Issue 15: one 11 KB message used to break the daemon's own connection for good (rumqttc's
/// 10 KiB default); a client that logged in with the daemon's client id used to take its
/// session over; and its connection must come back by itself when something kills it.
#[test]
fn large_messages_and_a_stolen_connection_leave_the_daemon_answering() {
    let dir = TempDir::new("hostile-bus");
    let port = free_port();
    let asoundrc = silent_room(&dir);
    let config = daemon_config(port, "silence", "") + "health_interval_s = 1\n";
    let daemon = Daemon::start_ready(&dir, &config, Some(&asoundrc));
    let subscriber = Subscriber::start_subscribed(&dir, port, "roomscribe/room-7/#");
    assert_answers_ping(&dir, port, &subscriber, "before");

    for size in [11_000usize, 60_000] {
        let payload = vec![b'x'; size];
        mosquitto_pub(&dir, port, "roomscribe/room-7/cmd/ping", &payload, false);
        mosquitto_pub(&dir, port, "roomscribe/room-7/config", &payload, false);
        assert_answers_ping(&dir, port, &subscriber, &format!("after-{size}"));
        assert_eq!(retained_status(port), "online", "after {size} bytes");
    }
    let log = daemon.log_text();
    assert!(!log.contains("Max Payload"), "the daemon's connection broke:\n{log}");

    // A client cannot take the daemon's client id (that used to drop the daemon's connection).
    let takeover = std::process::Command::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-i", "roomscribe-room-7"])
        .args(["-t", "nothing/here", "-W", "2"])
        .output()
        .expect("mosquitto_sub runs");
    assert!(
        !takeover.status.success(),
        "the broker must refuse the daemon's client id"
    );
    assert_answers_ping(&dir, port, &subscriber, "after-takeover");
    assert!(
        !daemon.log_text().contains("made again"),
        "the refused takeover cost no reconnect"
    );

    // Kill the daemon's own connection from outside (the kernel resets both ends of the
    // socket); it must come back by itself.
    let log = daemon.log_text();
    let private = log
        .split("private_listener=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|addr| addr.rsplit(':').next())
        .unwrap_or_else(|| panic!("the daemon logs its private listener:\n{log}"))
        .to_owned();
    let killed = std::process::Command::new("ss")
        .args(["-K", "-t", "state", "established", "dport", "=", &format!(":{private}")])
        .output()
        .expect("ss (iproute2) runs");
    assert!(
        killed.status.success(),
        "ss -K needs root and a kernel with INET_DIAG_DESTROY: {}",
        String::from_utf8_lossy(&killed.stderr)
    );
    wait_until(Duration::from_secs(20), "the daemon's connection back", || {
        daemon
            .log_text()
            .contains("Connection to the embedded broker made again")
    });
    assert_answers_ping(&dir, port, &subscriber, "after-kill");
    // The broker may deliver the killed connection's last will after the daemon is back; the
    // daemon hears it on its own status topic and says online again.
    wait_until(Duration::from_secs(10), "online replacing the last will", || {
        retained_status(port) == "online"
    });
    wait_until(Duration::from_secs(10), "health counting the reconnect", || {
        decode_cbor_independently(&subscriber.on_topic("roomscribe/room-7/health"))
            .iter()
            .any(|h| h["bus"]["reconnects"].as_u64() >= Some(1))
    });
}

/// Issue 15: the newest signed time accepted from each operator is kept in the store before the
/// message acts, so a signed configuration and a signed command replayed after a restart are
/// refused and reported. A clean stop logs no ERROR.
#[test]
fn signed_messages_replayed_after_a_restart_are_refused() {
    let dir = TempDir::new("replay");
    let (port, lan) = (free_port(), free_port());
    let asoundrc = silent_room(&dir);
    let config = daemon_config(port, "silence", "")
        + &format!(
            "lan_listen = \"127.0.0.1:{lan}\"\n\
             users = [{{ name = \"it-ops\", password = \"operator-secret-1\", role = \"operator\" }}]\n"
        );
    let config_topic = "roomscribe/room-7/config";
    let ping_topic = "roomscribe/room-7/cmd/ping";
    let sign = |topic: &str, payload: &str| crate::signed_message("it-ops", "operator-secret-1", topic, payload);
    let superseded = sign(config_topic, r#"{"vad": {"threshold": 0.6}}"#);

    let mut daemon = Daemon::start_ready(&dir, &config, Some(&asoundrc));
    let ping;
    {
        let subscriber = Subscriber::start_subscribed(&dir, port, "roomscribe/room-7/#");
        let states = || decode_cbor_independently(&subscriber.on_topic("roomscribe/room-7/config/state"));
        mosquitto_pub(&dir, port, config_topic, &superseded, false);
        wait_until(Duration::from_secs(10), "the first document accepted", || {
            states().iter().any(|s| s["revision"] == 1 && s["status"] == "accepted")
        });
        let newer = sign(config_topic, r#"{"vad": {"threshold": 0.7}}"#);
        mosquitto_pub(&dir, port, config_topic, &newer, false);
        wait_until(Duration::from_secs(10), "the newer document accepted", || {
            states().iter().any(|s| s["revision"] == 2 && s["status"] == "accepted")
        });
        ping = sign(ping_topic, r#"{"tx": "once"}"#);
        // Signed after the documents: an operator's messages must come in the order signed.
        mosquitto_pub(&dir, port, ping_topic, &ping, false);
        wait_until(Duration::from_secs(10), "the signed ping answered", || {
            pongs(&subscriber, "once").iter().any(|r| r["ok"] == true)
        });
    }
    daemon.terminate();
    assert_eq!(daemon.wait_exit(Duration::from_secs(30)), 0);
    let log = daemon.log_text();
    assert!(!log.contains("ERROR"), "a clean stop logs no ERROR:\n{log}");

    let _daemon = Daemon::start_ready(&dir, &config, Some(&asoundrc));
    let subscriber = Subscriber::start_subscribed(&dir, port, "roomscribe/room-7/#");
    let states = || decode_cbor_independently(&subscriber.on_topic("roomscribe/room-7/config/state"));
    mosquitto_pub(&dir, port, config_topic, &superseded, false);
    wait_until(Duration::from_secs(10), "the replayed document refused", || {
        states().iter().any(|s| s["status"] == "rejected")
    });
    let refused = states().into_iter().find(|s| s["status"] == "rejected").unwrap();
    assert!(
        refused["errors"][0]["message"].as_str().unwrap().contains("replay"),
        "{refused}"
    );
    assert_eq!(refused["revision"], 2, "the configuration in force stays: {refused}");
    mosquitto_pub(&dir, port, ping_topic, &ping, false);
    wait_until(Duration::from_secs(10), "the replayed ping refused", || {
        !pongs(&subscriber, "once").is_empty()
    });
    let reply = &pongs(&subscriber, "once")[0];
    assert_eq!(reply["ok"], false, "{reply}");
    assert!(reply["error"].as_str().unwrap().contains("replay"), "{reply}");
    mosquitto_pub(&dir, port, ping_topic, &sign(ping_topic, r#"{"tx": "fresh"}"#), false);
    wait_until(Duration::from_secs(10), "a freshly signed ping answered", || {
        pongs(&subscriber, "fresh").iter().any(|r| r["ok"] == true)
    });
}
