//! Home Assistant MQTT discovery: one device-based discovery document (JSON, retained) naming
//! the device's sensors over the JSON mirror topics, since Home Assistant reads JSON, not CBOR.
//! Pure document building; the bus publishes it at start and again whenever Home Assistant
//! announces itself `online` on `<prefix>/status`.

use serde_json::json;

use super::topics::Topics;

/// Where the document for `device_id` goes.
pub fn config_topic(prefix: &str, device_id: &str) -> String {
    format!("{prefix}/device/{}/config", object_id(device_id))
}

/// Where Home Assistant says `online` when it (re)starts.
pub fn status_topic(prefix: &str) -> String {
    format!("{prefix}/status")
}

fn object_id(device_id: &str) -> String {
    format!("roomscribe_{device_id}")
}

/// The discovery document: the device, its availability (the retained status topic), sensors
/// for capture, speech recognition, the meeting, the last transcript, the store, the upstream
/// sync and the board (GPU load, hottest zone with every zone as attributes, power with its
/// rails, memory), `event` entities for action items, decisions and thermal throttles (from the
/// insights), and the last summary as a sensor whose attributes hold its lists (a state is
/// capped at 255 characters).
pub fn document(topics: &Topics, device_id: &str) -> serde_json::Value {
    let id = object_id(device_id);
    let health = topics.json_mirror(&topics.health());
    let sensor = |key: &str, name: &str, state_topic: &str, template: &str| {
        json!({
            "p": "sensor",
            "name": name,
            "unique_id": format!("{id}_{key}"),
            "state_topic": state_topic,
            "value_template": template,
        })
    };
    let mut components = serde_json::Map::new();
    let mut add = |key: &str, mut component: serde_json::Value, extra: serde_json::Value| {
        if let (Some(target), Some(extra)) = (component.as_object_mut(), extra.as_object()) {
            target.extend(extra.clone());
        }
        components.insert(key.to_owned(), component);
    };
    add(
        "capture",
        sensor("capture", "Capture", &health, "{{ value_json.capture.state }}"),
        json!({ "entity_category": "diagnostic" }),
    );
    add(
        "noise_floor",
        sensor(
            "noise_floor",
            "Noise floor",
            &health,
            "{{ value_json.audio.noise_floor_dbfs if value_json.audio else none }}",
        ),
        json!({ "unit_of_measurement": "dBFS", "state_class": "measurement" }),
    );
    add(
        "real_time_factor",
        sensor(
            "real_time_factor",
            "Speech recognition real-time factor",
            &health,
            "{{ value_json.asr.timing.real_time_factor if value_json.asr.timing else none }}",
        ),
        json!({ "state_class": "measurement", "entity_category": "diagnostic" }),
    );
    add(
        "memory",
        sensor(
            "memory",
            "Memory",
            &health,
            "{{ value_json.process.rss_mib | round(1) }}",
        ),
        json!({ "unit_of_measurement": "MiB", "state_class": "measurement", "entity_category": "diagnostic" }),
    );
    add(
        "sync_backlog",
        sensor(
            "sync_backlog",
            "Upstream backlog",
            &health,
            "{{ value_json.sync.backlog }}",
        ),
        json!({ "state_class": "measurement", "entity_category": "diagnostic" }),
    );
    add(
        "store",
        sensor("store", "Meeting store", &health, "{{ value_json.store.state }}"),
        json!({ "entity_category": "diagnostic" }),
    );
    add(
        "gpu_load",
        sensor(
            "gpu_load",
            "GPU load",
            &health,
            "{{ (value_json.board.gpu_load * 100) | round(0) if value_json.board and value_json.board.gpu_load is not none else none }}",
        ),
        json!({ "unit_of_measurement": "%", "state_class": "measurement", "entity_category": "diagnostic" }),
    );
    add(
        "board_temperature",
        sensor(
            "board_temperature",
            "Board temperature",
            &health,
            "{{ value_json.board.hottest.celsius if value_json.board and value_json.board.hottest else none }}",
        ),
        json!({
            "unit_of_measurement": "°C", "device_class": "temperature", "state_class": "measurement",
            "entity_category": "diagnostic",
            // Every zone, as [{zone, celsius}], and which is the hottest.
            "json_attributes_topic": health,
            "json_attributes_template": "{{ {'zones': value_json.board.temperatures, \
                'hottest_zone': value_json.board.hottest.zone if value_json.board.hottest else none} | tojson \
                if value_json.board else '{}' }}",
        }),
    );
    add(
        "board_power",
        sensor(
            "board_power",
            "Board power",
            &health,
            "{{ value_json.board.total_power_w | round(2) if value_json.board and value_json.board.total_power_w is not none else none }}",
        ),
        json!({
            "unit_of_measurement": "W", "device_class": "power", "state_class": "measurement",
            "entity_category": "diagnostic",
            // Every rail, as [{rail, volts, amps, watts}].
            "json_attributes_topic": health,
            "json_attributes_template": "{{ {'rails': value_json.board.power} | tojson if value_json.board else '{}' }}",
        }),
    );
    add(
        "board_memory",
        sensor(
            "board_memory",
            "Board memory used",
            &health,
            "{{ (100 * (1 - value_json.board.memory.available_mib / value_json.board.memory.total_mib)) | round(1) \
             if value_json.board and value_json.board.memory and value_json.board.memory.total_mib else none }}",
        ),
        json!({
            "unit_of_measurement": "%", "state_class": "measurement", "entity_category": "diagnostic",
            // CPU and GPU share it on a Jetson.
            "json_attributes_topic": health,
            "json_attributes_template": "{{ value_json.board.memory | tojson if value_json.board and value_json.board.memory else '{}' }}",
        }),
    );
    add(
        "last_transcript",
        sensor(
            "last_transcript",
            "Last transcript",
            &topics.json_mirror(&topics.transcript()),
            "{{ value_json.text[:255] }}",
        ),
        json!({}),
    );
    add(
        "meeting",
        json!({
            "p": "binary_sensor",
            "name": "Meeting",
            "unique_id": format!("{id}_meeting"),
            "device_class": "occupancy",
            "state_topic": topics.json_mirror(&topics.meeting()),
            "value_template": "{{ 'ON' if value_json.state == 'started' else 'OFF' }}",
        }),
        json!({}),
    );
    for (kind, name) in [("action_item", "Action item"), ("decision", "Decision")] {
        add(
            &format!("{kind}s"),
            json!({
                "p": "event",
                "name": name,
                "unique_id": format!("{id}_{kind}s"),
                "state_topic": topics.json_mirror(&topics.insights()),
                "event_types": [kind],
                // Other kinds of insight render empty, which Home Assistant ignores.
                "value_template": format!(
                    "{{% if value_json.kind == '{kind}' %}}{{{{ dict(value_json.{kind}, event_type='{kind}', \
                     finding=value_json.finding, revision=value_json.revision, meeting=value_json.meeting) | tojson }}}}{{% endif %}}"
                ),
            }),
            json!({}),
        );
    }
    add(
        "thermal_throttles",
        json!({
            "p": "event",
            "name": "Thermal throttle",
            "unique_id": format!("{id}_thermal_throttles"),
            "state_topic": topics.json_mirror(&topics.insights()),
            "event_types": ["thermal_throttle"],
            "entity_category": "diagnostic",
            "value_template": "{% if value_json.kind == 'thermal_throttle' %}{{ {'event_type': 'thermal_throttle', \
                'zone': value_json.zone, 'celsius': value_json.celsius} | tojson }}{% endif %}",
        }),
        json!({}),
    );
    let summary = topics.json_mirror(&topics.summary());
    add(
        "summary",
        sensor(
            "summary",
            "Last meeting summary",
            &summary,
            "{{ (value_json.overview or ('Meeting ' ~ value_json.meeting))[:255] }}",
        ),
        json!({
            "json_attributes_topic": summary,
            "json_attributes_template": "{{ {'meeting': value_json.meeting, 'is_final': value_json.is_final, \
                'decisions': value_json.meaning.decisions | map(attribute='decision') | list, \
                'action_items': value_json.meaning.action_items | map(attribute='task') | list, \
                'owners': value_json.meaning.action_items | map(attribute='owner') | list, \
                'open_questions': value_json.meaning.questions | rejectattr('answered') | map(attribute='text') | list, \
                'keywords': value_json.meaning.keywords, \
                'participants': value_json.participants | map(attribute='label') | list} | tojson }}",
        }),
    );
    json!({
        "device": {
            "identifiers": [id],
            "name": format!("roomscribe {device_id}"),
            "manufacturer": "roomscribe",
            "model": "meeting-room transcriber",
            "sw_version": env!("CARGO_PKG_VERSION"),
        },
        "origin": { "name": "roomscribe", "sw_version": env!("CARGO_PKG_VERSION") },
        "availability_topic": topics.status(),
        "payload_available": "online",
        "payload_not_available": "offline",
        "components": components,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_names_the_device_and_reads_the_json_mirror() {
        let topics = Topics::new("room-1");
        let doc = document(&topics, "room-1");
        assert_eq!(doc["device"]["identifiers"][0], "roomscribe_room-1");
        assert_eq!(doc["availability_topic"], "roomscribe/room-1/status");
        let components = doc["components"].as_object().unwrap();
        assert!(components.len() >= 14);
        for (key, component) in components {
            assert_eq!(component["unique_id"], format!("roomscribe_room-1_{key}"));
            let state = component["state_topic"].as_str().unwrap();
            assert!(state.starts_with("roomscribe/room-1/json/"), "{key} reads {state}");
            assert!(["sensor", "binary_sensor", "event"].contains(&component["p"].as_str().unwrap()));
        }
        let actions = &doc["components"]["action_items"];
        assert_eq!(
            (actions["p"].as_str(), actions["event_types"][0].as_str()),
            (Some("event"), Some("action_item"))
        );
        assert_eq!(actions["state_topic"], "roomscribe/room-1/json/insights");
        assert!(actions["value_template"]
            .as_str()
            .unwrap()
            .starts_with("{% if value_json.kind == 'action_item' %}"));
        assert_eq!(
            doc["components"]["meeting"]["state_topic"],
            "roomscribe/room-1/json/meeting"
        );
        assert_eq!(
            config_topic("homeassistant", "room-1"),
            "homeassistant/device/roomscribe_room-1/config"
        );
        assert_eq!(status_topic("ha"), "ha/status");
    }
}
