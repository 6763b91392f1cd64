//! `scripts/bench capture`: what capture costs. Five minutes of 48 kHz stereo S16 audio go
//! through a real alsa-lib `file` PCM and the capture thread (read, channel mix, resample to
//! 16 kHz, ring) as fast as it runs; then the 16 kHz stream goes through the VAD stage (Silero
//! when `ROOMSCRIBE_SILERO` names the model, else the energy gate). Run one after the other so
//! neither waits for the other (live, the VAD would set the pace and nothing would be measured).
//! Prints CPU seconds per audio hour for each, allocations on the capture thread after start,
//! and sox doing the same read, mix and resample as the baseline.

#[path = "../tests/capture_fixture/mod.rs"]
mod capture_fixture;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use capture_fixture::{capture_thread_allocations, room_pcm};
use roomscribe::audio::{self, CaptureStats, Source};
use roomscribe::config::{CaptureConfig, Pacing, VadConfig};
use roomscribe::stage::{Shutdown, StageContext};
use roomscribe::vad;

const SECONDS: u64 = 300;
const RATE: u64 = 48_000;

/// CPU seconds (user + system) each thread of this process has used, by thread name.
fn thread_cpu_seconds() -> Vec<(String, f64)> {
    let ticks = 100.0; // USER_HZ on Linux
    let mut out = Vec::new();
    for task in std::fs::read_dir("/proc/self/task").into_iter().flatten().flatten() {
        let (Ok(comm), Ok(stat)) = (
            std::fs::read_to_string(task.path().join("comm")),
            std::fs::read_to_string(task.path().join("stat")),
        ) else {
            continue;
        };
        // Fields after the parenthesised name: state is field 3, utime 14, stime 15.
        let Some(after) = stat.rsplit_once(')').map(|(_, rest)| rest) else {
            continue;
        };
        let fields: Vec<&str> = after.split_whitespace().collect();
        let (Some(utime), Some(stime)) = (fields.get(11), fields.get(12)) else {
            continue;
        };
        let cpu = (utime.parse::<f64>().unwrap_or(0.0) + stime.parse::<f64>().unwrap_or(0.0)) / ticks;
        out.push((comm.trim().to_owned(), cpu));
    }
    out
}

fn cpu_seconds(who: libc::c_int) -> f64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given.
    let usage = unsafe {
        libc::getrusage(who, usage.as_mut_ptr());
        usage.assume_init()
    };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

fn children_cpu_seconds() -> f64 {
    cpu_seconds(libc::RUSAGE_CHILDREN)
}

fn self_cpu_seconds() -> f64 {
    cpu_seconds(libc::RUSAGE_SELF)
}

fn sox(args: &[&str]) {
    let status = Command::new("sox")
        .args(args)
        .status()
        .expect("sox runs (scripts/setup installs it)");
    assert!(status.success(), "sox {args:?}");
}

fn main() {
    let dir = std::env::temp_dir().join(format!("roomscribe-bench-capture-{}", std::process::id()));
    let raw = room_pcm(&dir, SECONDS);
    let raw_str = raw.to_str().unwrap();
    tch::set_num_threads(1);

    let capture = CaptureConfig {
        pcm: "room".into(),
        rate: RATE as u32,
        channels: 2,
        period_frames: 960,
        ring_ms: 60_000,
        pacing: Pacing::Device,
        ..CaptureConfig::default()
    };
    let vad_config = VadConfig {
        model: std::env::var_os("ROOMSCRIBE_SILERO").map_or_else(|| Path::new("/nonexistent").into(), PathBuf::from),
        ..VadConfig::default()
    };
    let detector = vad::Detector::from_config(&vad_config).expect("the Silero model loads");
    let detector_name = detector.name();

    // Phase 1: capture alone, its output kept in memory.
    let (chunk_tx, mut chunk_rx) = tokio::sync::mpsc::channel(64);
    let stop = Shutdown::default();
    let stats = Arc::new(CaptureStats::new(&capture.pcm));
    let started = Instant::now();
    let audio_stage = {
        let ctx = StageContext::standalone("audio", stop.clone(), stats.clone());
        let source = Source::open(&capture).unwrap();
        std::thread::Builder::new()
            .name("audio".into())
            .spawn(move || audio::run_stage(ctx, source, Pacing::Device, chunk_tx))
            .unwrap()
    };
    let mut stream = Vec::new();
    let mut allocations_at_start = None;
    let mut samples = 0u64;
    while samples < SECONDS * 16_000 {
        let chunk = chunk_rx.blocking_recv().expect("capture keeps delivering");
        allocations_at_start.get_or_insert(capture_thread_allocations());
        samples += chunk.samples.len() as u64;
        stream.push(chunk);
    }
    let allocations_streaming = capture_thread_allocations() - allocations_at_start.unwrap_or(0);
    let capture_cpu: f64 = thread_cpu_seconds()
        .iter()
        .filter(|(n, _)| n == "capture")
        .map(|(_, s)| s)
        .sum();
    let capture_wall = started.elapsed().as_secs_f64();
    stop.request();
    while chunk_rx.blocking_recv().is_some() {}
    audio_stage.join().unwrap().unwrap();

    // Phase 2: the VAD stage over that stream.
    let (chunk_tx, chunk_rx) = tokio::sync::mpsc::channel(64);
    let (event_tx, mut event_rx) = tokio::sync::mpsc::channel(64);
    let (report_tx, mut report_rx) = tokio::sync::mpsc::channel(64);
    let cpu_before = self_cpu_seconds();
    let vad_started = Instant::now();
    let vad_stage = std::thread::Builder::new()
        .name("vad".into())
        .spawn(move || {
            vad::run_stage(
                StageContext::standalone("vad", Shutdown::default(), Default::default()),
                roomscribe::config::live::Section::fixed(vad_config),
                detector,
                chunk_rx,
                event_tx,
                report_tx,
            )
        })
        .unwrap();
    let feeder = std::thread::spawn(move || {
        for chunk in stream {
            if chunk_tx.blocking_send(chunk).is_err() {
                return;
            }
        }
    });
    let reports = std::thread::spawn(move || while report_rx.blocking_recv().is_some() {});
    let mut segments = 0u64;
    while let Some(event) = event_rx.blocking_recv() {
        segments += u64::from(matches!(event, roomscribe::pipeline::SpeechEvent::Final(_)));
    }
    feeder.join().unwrap();
    vad_stage.join().unwrap();
    reports.join().unwrap();
    let vad_cpu = self_cpu_seconds() - cpu_before;
    let vad_wall = vad_started.elapsed().as_secs_f64();

    let sox_before = children_cpu_seconds();
    let out = dir.join("sox.wav");
    sox(&[
        "-t",
        "raw",
        "-r",
        "48000",
        "-e",
        "signed-integer",
        "-b",
        "16",
        "-c",
        "2",
        raw_str,
        "-r",
        "16000",
        "-c",
        "1",
        out.to_str().unwrap(),
    ]);
    let sox_cpu = children_cpu_seconds() - sox_before;
    std::fs::remove_dir_all(&dir).unwrap();

    let hours = SECONDS as f64 / 3600.0;
    let (capture_per_hour, vad_per_hour, sox_per_hour) = (capture_cpu / hours, vad_cpu / hours, sox_cpu / hours);
    println!(
        "{SECONDS} s of 48 kHz stereo S16 through an ALSA file PCM; VAD: {detector_name}, {segments} speech segments"
    );
    println!("{:<46} {:>15} {:>9}", "", "CPU s / audio h", "wall s");
    println!(
        "{:<46} {:>15.1} {:>9.2}",
        "roomscribe capture thread (read, mix, resample)", capture_per_hour, capture_wall
    );
    println!(
        "{:<46} {:>15.1} {:>9.2}",
        "roomscribe VAD stage", vad_per_hour, vad_wall
    );
    println!(
        "{:<46} {:>15.1}",
        "roomscribe capture + resample + VAD",
        capture_per_hour + vad_per_hour
    );
    println!("{:<46} {:>15.1}", "sox: read, mix, resample (baseline)", sox_per_hour);
    println!(
        "ratio roomscribe capture thread / sox: {:.2}",
        capture_per_hour / sox_per_hour
    );
    println!("allocations on the capture thread after start: {allocations_streaming}");
    println!(
        "dropped {} samples, {} overruns",
        stats.dropped_frames.load(Ordering::Relaxed),
        stats.overruns.load(Ordering::Relaxed)
    );
}
