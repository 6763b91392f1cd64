//! `scripts/bench sync`: the offline-first path, against the floors it is built on, in one run.
//! - Store write latency per final segment (one transaction: segment row, outbox row, fsync by
//!   synchronous=FULL) against a bare SQLite insert of the same payload with the same
//!   durability: what the store's bookkeeping adds to the fsync it cannot avoid.
//! - Draining a 10 000-record backlog to Debian's mosquitto on loopback (read from SQLite, QoS 1,
//!   marked delivered on PUBACK) against a bare rumqttc publisher sending the same payloads with
//!   the same window and no store: what durability costs in messages per second.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};
use tokio::sync::watch;

use roomscribe::config::SyncConfig;
use roomscribe::pipeline::SegmentRecord;
use roomscribe::pipeline::Transcript;
use roomscribe::stage::{Shutdown, StageContext};
use roomscribe::store::{OutboxReader, Store};
use roomscribe::wire::{to_cbor, TranscriptMessage};

use common::{free_port, start_mosquitto};

const BACKLOG: usize = 10_000;
const LATENCY_SEGMENTS: usize = 1_000;
/// The sync's window, given to the baseline too.
const WINDOW: u16 = 64;

fn transcript(i: usize) -> Transcript {
    Transcript {
        sequence: i as u64,
        start: i as f64 * 4.0,
        end: i as f64 * 4.0 + 3.5,
        text: "We agreed to spend the money on new desks and lamps for the office.".into(),
        confidence: 0.87,
        language: "en".into(),
        speaker: None,
        revision: 1,
    }
}

fn segment(t: &Transcript) -> SegmentRecord {
    SegmentRecord::of(t)
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

/// Per-commit latencies (ms) of `n` segments through the store, and of the same payloads
/// through a bare SQLite table with the same durability.
fn write_latencies(dir: &Path, n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut store = Store::open(&dir.join("latency.db"), "bench").unwrap();
    let mut ours = Vec::with_capacity(n);
    let mut payloads = Vec::with_capacity(n);
    for i in 0..n {
        let t = transcript(i);
        let started = Instant::now();
        let payload = store
            .add_segment(None, &segment(&t), true, |key| {
                to_cbor(&TranscriptMessage::new("bench", &t, key))
            })
            .unwrap();
        ours.push(started.elapsed().as_secs_f64() * 1e3);
        payloads.push(payload);
    }
    let bare = rusqlite::Connection::open(dir.join("bare.db")).unwrap();
    bare.pragma_update(None, "journal_mode", "WAL").unwrap();
    bare.pragma_update(None, "synchronous", "FULL").unwrap();
    bare.execute("CREATE TABLE t (payload BLOB NOT NULL)", []).unwrap();
    let mut floor = Vec::with_capacity(n);
    for payload in &payloads {
        let started = Instant::now();
        bare.execute("INSERT INTO t (payload) VALUES (?1)", [payload]).unwrap();
        floor.push(started.elapsed().as_secs_f64() * 1e3);
    }
    ours.sort_by(f64::total_cmp);
    floor.sort_by(f64::total_cmp);
    (ours, floor)
}

/// Seconds the sync takes to drain the store at `db` (holding `BACKLOG` records) to `port`.
fn drain_with_sync(runtime: &tokio::runtime::Runtime, db: &Path, port: u16) -> f64 {
    let config = SyncConfig {
        host: "127.0.0.1".into(),
        port,
        client_id: "bench-sync".into(),
        ..SyncConfig::default()
    };
    let receiver = roomscribe::config::live::Section::fixed(config);
    let ctx = StageContext::standalone("sync", Shutdown::default(), Default::default());
    let outbox = OutboxReader::open(db, "bench").unwrap();
    assert_eq!(outbox.backlog().unwrap().0, BACKLOG as u64);
    let started = Instant::now();
    // The backlog is already written: nothing will signal a new record.
    let (_no_writes, outbox_written) = watch::channel(0);
    let task = runtime.spawn(roomscribe::sync::run_stage(
        ctx,
        db.to_owned(),
        "bench".into(),
        receiver,
        outbox_written,
    ));
    while outbox.backlog().unwrap().0 > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "the backlog did not drain"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let elapsed = started.elapsed().as_secs_f64();
    task.abort();
    elapsed
}

/// Seconds a bare rumqttc publisher takes to have `payloads` acknowledged at QoS 1.
async fn drain_bare(port: u16, payloads: Vec<Vec<u8>>) -> f64 {
    let mut options = MqttOptions::new("bench-bare", "127.0.0.1", port);
    options.set_inflight(WINDOW).set_max_packet_size(1 << 20, 1 << 20);
    let (client, mut event_loop) = AsyncClient::new(options, usize::from(WINDOW) * 2);
    loop {
        if let Event::Incoming(Packet::ConnAck(_)) = event_loop.poll().await.unwrap() {
            break;
        }
    }
    let total = payloads.len();
    let started = Instant::now();
    let publisher = tokio::spawn(async move {
        for payload in payloads {
            client
                .publish("bench/room/transcript", QoS::AtLeastOnce, false, payload)
                .await
                .unwrap();
        }
        client
    });
    let mut acknowledged = 0;
    while acknowledged < total {
        if let Event::Incoming(Packet::PubAck(_)) = event_loop.poll().await.unwrap() {
            acknowledged += 1;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    drop(publisher.await);
    elapsed
}

fn main() {
    let dir = std::env::temp_dir().join(format!("roomscribe-bench-sync-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();

    let (ours, floor) = write_latencies(&dir, LATENCY_SEGMENTS);

    let db = dir.join("backlog.db");
    let mut payloads = Vec::with_capacity(BACKLOG);
    {
        let mut store = Store::open(&db, "bench").unwrap();
        for i in 0..BACKLOG {
            let t = transcript(i);
            payloads.push(
                store
                    .add_segment(None, &segment(&t), true, |key| {
                        to_cbor(&TranscriptMessage::new("bench", &t, key))
                    })
                    .unwrap(),
            );
        }
    }
    let port = free_port();
    let _mosquitto = start_mosquitto(&dir, port);
    let synced_s = drain_with_sync(&runtime, &db, port);
    let bare_s = runtime.block_on(drain_bare(port, payloads.clone()));
    let bytes = payloads.iter().map(Vec::len).sum::<usize>() / payloads.len();

    println!("Store write latency per final segment ({LATENCY_SEGMENTS} commits, WAL, synchronous=FULL, ms)");
    println!("{:<34} {:>8} {:>8} {:>8}", "", "p50", "p99", "max");
    for (name, sorted) in [
        ("roomscribe store (segment+outbox)", &ours),
        ("bare SQLite insert, same payload", &floor),
    ] {
        println!(
            "{name:<34} {:>8.3} {:>8.3} {:>8.3}",
            percentile(sorted, 0.5),
            percentile(sorted, 0.99),
            sorted[sorted.len() - 1]
        );
    }
    println!(
        "{:<34} {:>8.2} {:>8.2}",
        "ratio store / bare",
        percentile(&ours, 0.5) / percentile(&floor, 0.5),
        percentile(&ours, 0.99) / percentile(&floor, 0.99)
    );
    println!();
    println!("Draining a {BACKLOG}-record backlog ({bytes}-byte CBOR segments) to mosquitto on loopback, QoS 1, window {WINDOW}");
    println!("{:<34} {:>10} {:>10}", "", "seconds", "msg/s");
    for (name, seconds) in [
        ("roomscribe sync (outbox, PUBACK)", synced_s),
        ("bare rumqttc publisher, no store", bare_s),
    ] {
        println!("{name:<34} {seconds:>10.2} {:>10.0}", BACKLOG as f64 / seconds);
    }
    println!("{:<34} {:>10.2}", "ratio sync / bare (msg/s)", bare_s / synced_s);
    let _ = std::fs::remove_dir_all(&dir);
}
