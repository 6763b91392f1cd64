//! `roomscribe capture`: the audio stage alone, its output (16 kHz mono) written to a WAV
//! file: what the daemon hears, for checking a microphone.

use std::path::Path;

use super::{fail, load_config, Failure, EX_CANTCREAT, EX_NOINPUT, EX_UNAVAILABLE};

/// Runs the audio stage alone and writes `seconds` of its output stream to `output`.
pub fn capture(config_path: &Path, seconds: f64, output: &Path) -> Result<(), Failure> {
    use roomscribe::audio::{self, CaptureStats, Source};
    use roomscribe::stage::{Counters, Shutdown, StageContext};
    use std::sync::Arc;

    let config = load_config(config_path)?;
    let source = Source::open(&config.capture).map_err(|e| fail(EX_NOINPUT, e))?;
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: roomscribe::pipeline::STREAM_RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(output, spec).map_err(|e| {
        fail(
            EX_CANTCREAT,
            anyhow::anyhow!(
                "cannot write {}: {e}; check the folder exists and is writable",
                output.display()
            ),
        )
    })?;
    let wanted = (seconds.max(0.0) * f64::from(roomscribe::pipeline::STREAM_RATE)).round() as u64;
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let stop = Shutdown::default();
    let stats = Arc::new(CaptureStats::new(&config.capture.pcm));
    let stage = {
        let ctx = StageContext::standalone("audio", stop.clone(), stats.clone());
        let pacing = config.capture.pacing;
        std::thread::spawn(move || audio::run_stage(ctx, source, pacing, tx))
    };
    let mut written = 0u64;
    while written < wanted {
        let chunk = match rx.try_recv() {
            Ok(chunk) => chunk,
            Err(tokio::sync::mpsc::error::TryRecvError::Disconnected) => break,
            Err(tokio::sync::mpsc::error::TryRecvError::Empty) => {
                if stats.state() == audio::CaptureState::Down {
                    stop.request();
                    let report = stats.snapshot();
                    return Err(fail(
                        EX_UNAVAILABLE,
                        anyhow::anyhow!("{}", report.last_error.unwrap_or_else(|| "capture failed".into())),
                    ));
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
                continue;
            }
        };
        for &sample in chunk.samples.iter().take((wanted - written) as usize) {
            let value = (sample * 32_768.0).round().clamp(-32_768.0, 32_767.0) as i16;
            writer
                .write_sample(value)
                .map_err(|e| fail(EX_CANTCREAT, anyhow::anyhow!("writing {}: {e}", output.display())))?;
            written += 1;
        }
    }
    stop.request();
    drop(rx);
    let stage_result = stage.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    writer
        .finalize()
        .map_err(|e| fail(EX_CANTCREAT, anyhow::anyhow!("finishing {}: {e}", output.display())))?;
    stage_result.map_err(|e| fail(EX_UNAVAILABLE, e))?;
    let health = stats.snapshot();
    eprintln!(
        "captured {:.2} s into {} (device: {} Hz, {} channels, {}; dropped {}, overruns {})",
        written as f64 / f64::from(roomscribe::pipeline::STREAM_RATE),
        output.display(),
        health.rate.map_or("?".into(), |r| r.to_string()),
        health.channels.map_or("?".into(), |c| c.to_string()),
        health.format.unwrap_or_else(|| "?".into()),
        health.dropped_frames,
        health.overruns
    );
    Ok(())
}
