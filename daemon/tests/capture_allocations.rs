//! The capture thread never allocates once its device is open: a counting global allocator
//! watches the thread named `capture` while more than 60 s of 48 kHz stereo audio goes through a
//! real alsa-lib `file` PCM, channel mixing, resampling and the ring.
//!
//! Only Rust allocations are seen (see `capture_fixture`).

mod capture_fixture;

use std::sync::atomic::Ordering;
use std::sync::Arc;

use capture_fixture::{capture_thread_allocations, room_pcm};
use roomscribe::audio::{self, CaptureStats, Source};
use roomscribe::config::{CaptureConfig, Pacing};
use roomscribe::stage::{Shutdown, StageContext};

const SECONDS: u64 = 65;

#[test]
fn capture_thread_does_not_allocate_after_start() {
    let dir = std::env::temp_dir().join(format!("roomscribe-alloc-{}", std::process::id()));
    room_pcm(&dir, SECONDS);

    let config = CaptureConfig {
        pcm: "room".into(),
        rate: 48_000,
        channels: 2,
        period_frames: 960,
        ring_ms: 60_000,
        pacing: Pacing::Device,
        ..CaptureConfig::default()
    };
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let stop = Shutdown::default();
    let stats = Arc::new(CaptureStats::new(&config.pcm));
    let stage = {
        let ctx = StageContext::standalone("audio", stop.clone(), stats.clone());
        let source = Source::open(&config).unwrap();
        std::thread::spawn(move || audio::run_stage(ctx, source, Pacing::Device, tx))
    };

    // The first chunk means the device is open and every buffer is made: start watching.
    let first = rx.blocking_recv().expect("audio arrives");
    let at_start = capture_thread_allocations();
    let mut received = first.samples.len() as u64;
    while received < 60 * 16_000 {
        received += rx.blocking_recv().expect("audio keeps arriving").samples.len() as u64;
    }
    let after_a_minute = capture_thread_allocations();
    stop.request();
    while rx.blocking_recv().is_some() {}
    stage.join().unwrap().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();

    assert!(
        at_start > 0,
        "the counter sees the capture thread (opening the device allocates)"
    );
    assert!(
        stats.captured_frames.load(Ordering::Relaxed) >= 60 * 48_000,
        "a minute of device audio went through"
    );
    assert_eq!(
        stats.dropped_frames.load(Ordering::Relaxed),
        0,
        "nothing was lost on the way"
    );
    assert_eq!(
        after_a_minute - at_start,
        0,
        "the capture thread allocated while streaming {} s of audio",
        received / 16_000
    );
}
