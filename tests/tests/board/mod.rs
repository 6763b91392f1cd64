//! The box's own health, from the outside (issue 19): a test build of the daemon reads a fake
//! sysfs tree laid out like a Jetson Orin's (`tests/fixtures/orin-sysfs`); health, its JSON
//! mirror and Home Assistant's sensors carry the board's GPU load, temperatures, power and
//! memory; heating the hottest zone past `board.thermal_limit_c` publishes one
//! `thermal_throttle` insight, and another only after it has cooled and heated again.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::support::*;

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn fixture() -> PathBuf {
    repo_root().join("tests/fixtures/orin-sysfs")
}

#[test]
fn board_health_reaches_health_its_mirror_and_home_assistant_and_heat_raises_one_insight() {
    let dir = TempDir::new("board");
    let board = dir.path("board");
    copy_tree(&fixture(), &board);
    let hottest = board.join("sys/devices/virtual/thermal/thermal_zone3/temp");
    let asoundrc = silent_room(&dir);
    let port = free_port();
    let config = daemon_config(port, "silence", "")
        + "health_interval_s = 1\njson_mirror = true\nhome_assistant = true\n[board]\nthermal_limit_c = 60\n";
    let daemon = Daemon::start_binary(
        &roomscribe_with_faults_bin(),
        &dir,
        &config,
        Some(&asoundrc),
        &[("ROOMSCRIBE_BOARD_ROOT", &board)],
    );
    daemon.wait_for_log("roomscribe is ready", Duration::from_secs(60));
    let subscriber = Subscriber::start_subscribed(&dir, port, "#");
    let json_health = || -> Option<serde_json::Value> {
        subscriber
            .on_topic("roomscribe/room-7/json/health")
            .last()
            .map(|m| serde_json::from_slice(m).unwrap())
    };
    wait_until(Duration::from_secs(20), "JSON health with the board", || {
        json_health().is_some_and(|h| h["board"].is_object())
    });
    let health = json_health().unwrap();
    let b = &health["board"];
    assert_eq!(b["gpu_load"].as_f64().map(|l| (l * 100.0).round()), Some(42.0), "{b}");
    assert_eq!(
        (b["hottest"]["zone"].as_str(), b["hottest"]["celsius"].as_f64()),
        (Some("tj-thermal"), Some(52.5))
    );
    assert_eq!(
        b["temperatures"].as_array().unwrap().len(),
        4,
        "the disabled zone is left out: {b}"
    );
    assert!((b["total_power_w"].as_f64().unwrap() - 6.096).abs() < 0.01, "{b}");
    assert_eq!(b["memory"]["total_mib"], 7620);
    assert!(b["release"].as_str().unwrap().starts_with("R36"));
    let cbor = decode_cbor_independently(&subscriber.on_topic("roomscribe/room-7/health"));
    assert!(
        cbor.iter().any(|h| h["board"]["hottest"]["zone"] == "tj-thermal"),
        "the CBOR health has it too"
    );

    // Home Assistant's sensors, rendered by Jinja2 over that JSON.
    let document: serde_json::Value = serde_json::from_slice(
        subscriber
            .on_topic("homeassistant/device/roomscribe_room-7/config")
            .last()
            .expect("the discovery document"),
    )
    .unwrap();
    let state = |key: &str| {
        render_home_assistant_template(document["components"][key]["value_template"].as_str().unwrap(), &health)
    };
    assert_eq!(state("gpu_load"), "42.0");
    assert_eq!(state("board_temperature"), "52.5");
    assert_eq!(state("board_power"), "6.1");
    assert_eq!(
        state("board_memory"),
        format!(
            "{:.1}",
            100.0 * (1.0 - b["memory"]["available_mib"].as_f64().unwrap() / 7620.0)
        )
    );
    let attributes = |key: &str| -> serde_json::Value {
        let template = document["components"][key]["json_attributes_template"]
            .as_str()
            .unwrap();
        serde_json::from_str(&render_home_assistant_template(template, &health)).unwrap()
    };
    let zones = attributes("board_temperature");
    assert_eq!(zones["hottest_zone"], "tj-thermal", "{zones}");
    assert_eq!(zones["zones"].as_array().unwrap().len(), 4, "{zones}");
    let rails = attributes("board_power");
    assert!(
        rails["rails"].as_array().unwrap().iter().any(|r| r["rail"] == "VDD_IN"),
        "{rails}"
    );
    assert_eq!(attributes("board_memory")["total_mib"], 7620);

    // Heat: one insight at the limit; none while it stays hot or cools a little; another after
    // it cooled 5 °C under the limit and heated again.
    let throttles = || -> Vec<serde_json::Value> {
        decode_cbor_independently(&subscriber.on_topic("roomscribe/room-7/insights"))
            .into_iter()
            .filter(|i| i["kind"] == "thermal_throttle")
            .collect()
    };
    let wait_for_health_at = |celsius: f64| {
        wait_until(
            Duration::from_secs(20),
            &format!("health reading {celsius} °C"),
            || json_health().is_some_and(|h| h["board"]["hottest"]["celsius"].as_f64() == Some(celsius)),
        )
    };
    std::fs::write(&hottest, "65000\n").unwrap();
    wait_until(Duration::from_secs(20), "a thermal_throttle insight", || {
        throttles().len() == 1
    });
    let first = &throttles()[0];
    assert_eq!(
        (first["zone"].as_str(), first["celsius"].as_f64()),
        (Some("tj-thermal"), Some(65.0)),
        "{first}"
    );
    std::fs::write(&hottest, "58000\n").unwrap();
    wait_for_health_at(58.0);
    std::fs::write(&hottest, "66000\n").unwrap();
    wait_for_health_at(66.0);
    std::fs::write(&hottest, "50000\n").unwrap();
    wait_for_health_at(50.0);
    assert_eq!(
        throttles().len(),
        1,
        "no second insight before it cooled 5 °C under the limit"
    );
    std::fs::write(&hottest, "70000\n").unwrap();
    wait_until(Duration::from_secs(20), "a second thermal_throttle insight", || {
        throttles().len() == 2
    });
    // Home Assistant's event entity fires on the mirrored insight, and only on that kind.
    let mirrored: Vec<serde_json::Value> = subscriber
        .on_topic("roomscribe/room-7/json/insights")
        .iter()
        .map(|m| serde_json::from_slice(m).unwrap())
        .collect();
    let event = document["components"]["thermal_throttles"]["value_template"]
        .as_str()
        .unwrap();
    let throttle = mirrored
        .iter()
        .rfind(|i| i["kind"] == "thermal_throttle")
        .expect("the insight on the JSON mirror");
    let fired: serde_json::Value = serde_json::from_str(&render_home_assistant_template(event, throttle)).unwrap();
    assert_eq!(
        (
            fired["event_type"].as_str(),
            fired["zone"].as_str(),
            fired["celsius"].as_f64()
        ),
        (Some("thermal_throttle"), Some("tj-thermal"), Some(70.0))
    );
    let other = serde_json::json!({"kind": "high_noise", "noise_floor_dbfs": -30.0});
    assert_eq!(render_home_assistant_template(event, &other), "");
    let log = daemon.log_text();
    assert!(log.contains("The board is hot"), "{log}");
}
