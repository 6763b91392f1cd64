//! `scripts/bench mqtt`: the embedded broker (rumqttd, as the daemon starts it) against Debian's
//! mosquitto on loopback, in one run, with the same client (rumqttc), the same payloads (a
//! transcript-sized CBOR message) and the same pattern: one publisher, one subscriber, QoS 1.
//! Prints publish-to-receive latency p50/p99 at a steady rate, messages per second when the
//! publisher goes as fast as it can, and the ratios.

mod common;

use std::time::{Duration, Instant};

use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};

use roomscribe::bus;
use roomscribe::config::BusConfig;

use common::{free_port, start_mosquitto};

const PAYLOAD_BYTES: usize = 256;
const LATENCY_MESSAGES: usize = 2_000;
const THROUGHPUT_MESSAGES: usize = 20_000;

/// A connected client and its event loop driven in the background; `on_publish` sees every
/// message that arrives.
async fn client(port: u16, id: &str, mut on_publish: impl FnMut(&[u8]) + Send + 'static) -> AsyncClient {
    for _ in 0..100 {
        let mut options = MqttOptions::new(id, "127.0.0.1", port);
        options.set_keep_alive(Duration::from_secs(30));
        options.set_inflight(100);
        let (client, mut event_loop) = AsyncClient::new(options, 1_000);
        match tokio::time::timeout(Duration::from_secs(2), event_loop.poll()).await {
            Ok(Ok(Event::Incoming(Packet::ConnAck(_)))) => {
                tokio::spawn(async move {
                    while let Ok(event) = event_loop.poll().await {
                        if let Event::Incoming(Packet::Publish(p)) = event {
                            on_publish(&p.payload);
                        }
                    }
                });
                return client;
            }
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    panic!("no broker answered on port {port}");
}

fn payload(sent_at_ns: u128) -> Vec<u8> {
    let mut bytes = sent_at_ns.to_le_bytes().to_vec();
    bytes.resize(PAYLOAD_BYTES, 0x61);
    bytes
}

fn sent_at(payload: &[u8]) -> u128 {
    u128::from_le_bytes(payload[..16].try_into().unwrap())
}

struct Results {
    p50_us: f64,
    p99_us: f64,
    messages_per_s: f64,
}

async fn measure(port: u16, label: &str) -> Results {
    let origin = Instant::now();
    let (latency_tx, mut latency_rx) = tokio::sync::mpsc::unbounded_channel();
    let subscriber = client(port, &format!("bench-sub-{label}"), move |p| {
        let _ = latency_tx.send(origin.elapsed().as_nanos() - sent_at(p));
    })
    .await;
    subscriber.subscribe("bench/+", QoS::AtLeastOnce).await.unwrap();
    let publisher = client(port, &format!("bench-pub-{label}"), |_| {}).await;
    // The subscription is live once a probe comes back; probes are not measured.
    loop {
        let probe = payload(origin.elapsed().as_nanos());
        publisher
            .publish("bench/probe", QoS::AtLeastOnce, false, probe)
            .await
            .unwrap();
        if tokio::time::timeout(Duration::from_millis(100), latency_rx.recv())
            .await
            .is_ok()
        {
            break;
        }
    }
    while latency_rx.try_recv().is_ok() {}

    // Latency at a steady 1000 messages per second.
    let mut latencies = Vec::with_capacity(LATENCY_MESSAGES);
    for _ in 0..LATENCY_MESSAGES {
        let message = payload(origin.elapsed().as_nanos());
        publisher
            .publish("bench/latency", QoS::AtLeastOnce, false, message)
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(1)).await;
        while let Ok(ns) = latency_rx.try_recv() {
            latencies.push(ns as f64 / 1e3);
        }
    }
    while latencies.len() < LATENCY_MESSAGES {
        match tokio::time::timeout(Duration::from_secs(5), latency_rx.recv()).await {
            Ok(Some(ns)) => latencies.push(ns as f64 / 1e3),
            _ => break,
        }
    }
    latencies.sort_by(f64::total_cmp);
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];

    // Throughput: as fast as the publisher can, until the subscriber has everything.
    let started = Instant::now();
    for _ in 0..THROUGHPUT_MESSAGES {
        let message = payload(origin.elapsed().as_nanos());
        publisher
            .publish("bench/throughput", QoS::AtLeastOnce, false, message)
            .await
            .unwrap();
    }
    let mut received = 0;
    while received < THROUGHPUT_MESSAGES {
        match tokio::time::timeout(Duration::from_secs(10), latency_rx.recv()).await {
            Ok(Some(_)) => received += 1,
            _ => break,
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    assert_eq!(received, THROUGHPUT_MESSAGES, "{label}: every QoS 1 message arrives");
    Results {
        p50_us: at(0.5),
        p99_us: at(0.99),
        messages_per_s: received as f64 / elapsed,
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let embedded_port = free_port();
    bus::start_broker(
        &BusConfig {
            listen: format!("127.0.0.1:{embedded_port}"),
            mqtt5_listen: format!("127.0.0.1:{}", free_port()),
            max_connections: 16,
            ..BusConfig::default()
        },
        "bench",
    )
    .expect("the embedded broker starts");
    let mosquitto_port = free_port();
    let _mosquitto = start_mosquitto(&std::env::temp_dir(), mosquitto_port);

    let embedded = runtime.block_on(measure(embedded_port, "embedded"));
    let mosquitto = runtime.block_on(measure(mosquitto_port, "mosquitto"));

    println!(
        "{PAYLOAD_BYTES}-byte QoS 1 messages, one publisher and one subscriber (rumqttc) on loopback; \
         latency at 1000 msg/s over {LATENCY_MESSAGES} messages, throughput over {THROUGHPUT_MESSAGES}"
    );
    println!("{:<26} {:>12} {:>12} {:>12}", "", "p50 µs", "p99 µs", "msg/s");
    for (name, r) in [("embedded (rumqttd)", &embedded), ("mosquitto 2", &mosquitto)] {
        println!(
            "{name:<26} {:>12.0} {:>12.0} {:>12.0}",
            r.p50_us, r.p99_us, r.messages_per_s
        );
    }
    println!(
        "{:<26} {:>12.2} {:>12.2} {:>12.2}",
        "ratio embedded / mosquitto",
        embedded.p50_us / mosquitto.p50_us,
        embedded.p99_us / mosquitto.p99_us,
        embedded.messages_per_s / mosquitto.messages_per_s
    );
}
