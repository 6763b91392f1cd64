//! The capture thread never allocates once its device is open: a counting global allocator
//! watches the thread named `capture` while more than 60 s of 48 kHz stereo audio goes through a
//! real alsa-lib `file` PCM, channel mixing, resampling and the ring.
//!
//! Only Rust allocations are seen (alsa-lib's own C code uses malloc directly); the steady
//! state of alsa-lib's `readi` on a prepared PCM does not allocate either.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use roomscribe::audio::{self, CaptureStats, Source};
use roomscribe::config::{CaptureConfig, Pacing};

struct CountingAllocator;

static CAPTURE_THREAD_ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// Set while counting, so the bookkeeping's own allocations are not counted.
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

fn count_if_capture_thread() {
    let _ = COUNTING.try_with(|busy| {
        if busy.replace(true) {
            return;
        }
        if std::thread::current().name() == Some("capture") {
            CAPTURE_THREAD_ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        busy.set(false);
    });
}

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_if_capture_thread();
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_if_capture_thread();
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_if_capture_thread();
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

const SECONDS: u64 = 65;

#[test]
fn capture_thread_does_not_allocate_after_start() {
    let dir = std::env::temp_dir().join(format!("roomscribe-alloc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let raw: PathBuf = dir.join("room.raw");
    let status = Command::new("sox")
        .args([
            "-n",
            "-r",
            "48000",
            "-c",
            "2",
            "-b",
            "16",
            "-e",
            "signed-integer",
            "-t",
            "raw",
        ])
        .arg(&raw)
        .args(["synth", &SECONDS.to_string(), "pinknoise", "sine", "440", "vol", "0.3"])
        .status()
        .expect("sox runs (scripts/setup installs it)");
    assert!(status.success());
    let asoundrc = dir.join("asoundrc");
    std::fs::write(
        &asoundrc,
        format!(
            "pcm.room {{\n  type file\n  slave.pcm \"null\"\n  file \"/dev/null\"\n  infile \"{}\"\n  format \"raw\"\n}}\n",
            raw.display()
        ),
    )
    .unwrap();
    // Read by alsa-lib when the capture thread first opens a PCM, after this point.
    std::env::set_var(
        "ALSA_CONFIG_PATH",
        format!("/usr/share/alsa/alsa.conf:{}", asoundrc.display()),
    );

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
    let stop = Arc::new(AtomicBool::new(false));
    let stats = Arc::new(CaptureStats::default());
    let stage = {
        let (stop, stats) = (stop.clone(), stats.clone());
        let source = Source::open(&config).unwrap();
        std::thread::spawn(move || audio::run_stage(source, Pacing::Device, tx, stop, stats))
    };

    // The first chunk means the device is open and every buffer is made: start watching.
    let first = rx.blocking_recv().expect("audio arrives");
    let at_start = CAPTURE_THREAD_ALLOCATIONS.load(Ordering::Relaxed);
    let mut received = first.samples.len() as u64;
    while received < 60 * 16_000 {
        received += rx.blocking_recv().expect("audio keeps arriving").samples.len() as u64;
    }
    let after_a_minute = CAPTURE_THREAD_ALLOCATIONS.load(Ordering::Relaxed);
    stop.store(true, Ordering::Relaxed);
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
