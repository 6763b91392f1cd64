//! `roomscribe watch`: what a roomscribe broker publishes, decoded for humans, until Ctrl-C.

use std::time::Duration;

use roomscribe::bus::topics::Topics;
use roomscribe::wire::render_for_humans;

use super::{fail, Failure, EX_CONFIG, EX_UNAVAILABLE};

pub fn watch(broker: &str, device: Option<&str>) -> Result<(), Failure> {
    let (host, port) = broker
        .rsplit_once(':')
        .and_then(|(h, p)| Some((h.trim_matches(['[', ']']).to_owned(), p.parse::<u16>().ok()?)))
        .ok_or_else(|| {
            fail(
                EX_CONFIG,
                anyhow::anyhow!("--broker {broker:?} must be HOST:PORT, e.g. 127.0.0.1:1883"),
            )
        })?;
    let filter = device.map_or_else(Topics::every_device, |d| Topics::new(d).everything());
    let mut options = rumqttc::MqttOptions::new(format!("roomscribe-watch-{}", std::process::id()), host, port);
    options.set_keep_alive(Duration::from_secs(10));
    options.set_max_packet_size(16 << 20, 16 << 20);
    let (client, mut connection) = rumqttc::Client::new(options, 16);
    client.subscribe(&filter, rumqttc::QoS::AtLeastOnce)?;
    eprintln!("watching {filter} on {broker} (Ctrl-C to stop)");
    let mut connected = false;
    for event in connection.iter() {
        match event {
            Ok(rumqttc::Event::Incoming(rumqttc::Packet::ConnAck(_))) => connected = true,
            Ok(rumqttc::Event::Incoming(rumqttc::Packet::Publish(p))) => {
                println!("{}", render_for_humans(&p.topic, &p.payload));
            }
            Ok(_) => {}
            Err(error) if !connected => {
                return Err(fail(
                    EX_UNAVAILABLE,
                    anyhow::anyhow!("cannot reach the broker at {broker}: {error}; is roomscribe running?"),
                ))
            }
            Err(error) => {
                eprintln!("roomscribe: connection to {broker} lost ({error}); reconnecting");
                std::thread::sleep(Duration::from_secs(1));
            }
        }
    }
    Ok(())
}
