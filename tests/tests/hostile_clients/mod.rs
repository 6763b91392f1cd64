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
/// 10 KiB default); its connection must also come back by itself when something takes it
/// away, here a client that logs in with the daemon's client id (the broker then drops the
/// older connection).
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

    // Take the daemon's client id: the broker drops its connection; it must come back.
    std::process::Command::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-i", "roomscribe-room-7"])
        .args(["-t", "nothing/here", "-W", "1"])
        .output()
        .expect("mosquitto_sub runs");
    wait_until(Duration::from_secs(20), "the daemon's connection back", || {
        daemon
            .log_text()
            .contains("Connection to the embedded broker made again")
    });
    assert_answers_ping(&dir, port, &subscriber, "after-takeover");
    // The broker may deliver the dropped connection's last will after the daemon is back; the
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
