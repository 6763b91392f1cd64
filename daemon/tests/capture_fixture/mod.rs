//! Shared by the capture-thread allocation test and `scripts/bench capture`: a global allocator
//! that counts the allocations made on the thread named `capture`, and an ALSA PCM `room` of
//! type `file` (over a `null` slave) that plays 48 kHz stereo S16 noise and a sweep made by sox.
//!
//! Only Rust allocations are seen (alsa-lib's own C code calls malloc directly).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};

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

/// Allocations made so far on the thread named `capture`.
pub fn capture_thread_allocations() -> u64 {
    CAPTURE_THREAD_ALLOCATIONS.load(Ordering::Relaxed)
}

/// Makes `seconds` of 48 kHz stereo S16 audio in `dir` and the PCM `room` that plays it, and
/// points alsa-lib at it (read when the capture thread first opens a PCM, after this call).
/// Returns the raw audio file.
pub fn room_pcm(dir: &Path, seconds: u64) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let raw = dir.join("room.raw");
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
        .args([
            "synth",
            &seconds.to_string(),
            "pinknoise",
            "sine",
            "220-880",
            "vol",
            "0.3",
        ])
        .status()
        .expect("sox runs (scripts/setup installs it)");
    assert!(status.success(), "sox could not make the room's audio");
    let asoundrc = dir.join("asoundrc");
    std::fs::write(
        &asoundrc,
        format!(
            "pcm.room {{\n  type file\n  slave.pcm \"null\"\n  file \"/dev/null\"\n  infile \"{}\"\n  format \"raw\"\n}}\n",
            raw.display()
        ),
    )
    .unwrap();
    std::env::set_var(
        "ALSA_CONFIG_PATH",
        format!("/usr/share/alsa/alsa.conf:{}", asoundrc.display()),
    );
    raw
}
