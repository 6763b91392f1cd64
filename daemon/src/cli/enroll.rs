//! `roomscribe enroll`: a recording of one person's voice kept as a voiceprint under their name
//! in the store of a configuration (later meetings name that voice); `roomscribe voices`: the
//! enrolled names; `known_voices`: the voiceprints offline tools (`transcribe --speakers`,
//! `analyze`) name speakers with. A running daemon loads voiceprints when it starts (the
//! `speaker_enroll` and `speaker_forget` commands apply at once). Never prints or logs a
//! voiceprint.

use std::path::{Path, PathBuf};

use roomscribe::config::Config;
use roomscribe::pipeline::{Voiceprint, STREAM_RATE};
use roomscribe::speakers::Encoder;
use roomscribe::store::Store;

use super::{cache_dir, fail, load_config, open_wav, Failure, EX_DATAERR, EX_NOINPUT, EX_SOFTWARE};

/// The shortest recording that makes a useful voiceprint, s.
const SHORTEST_S: f64 = 3.0;

/// The CAM++ weights: the configured file, else the one `scripts/setup` fetched.
pub fn speaker_model(config: &Config) -> Result<PathBuf, Failure> {
    let configured = config.speakers.model.clone();
    let cached = cache_dir().map(|base| base.join("roomscribe/models/campplus/campplus_cn_en_common.pt"));
    std::iter::once(configured.clone())
        .chain(cached)
        .find(|p| p.is_file())
        .ok_or_else(|| {
            fail(
                EX_NOINPUT,
                anyhow::anyhow!(
                    "no CAM++ speaker model at {} (speakers.model); run scripts/setup",
                    configured.display()
                ),
            )
        })
}

/// The voices enrolled in the store of `config`, for offline tools to name them as the daemon
/// does: none when it has no store yet, or when the store cannot be read (said once; the
/// speakers are still found, only not named).
pub fn known_voices(config: &Config) -> Vec<Voiceprint> {
    let path = config.state_dir.join(&config.store.path);
    if !path.is_file() {
        return Vec::new();
    }
    match Store::open(&path, &config.device_id).and_then(|store| store.voiceprints()) {
        Ok(voices) => voices,
        Err(error) => {
            tracing::warn!(%error, "The enrolled voices could not be read; speakers stay unnamed (check the store's permissions)");
            Vec::new()
        }
    }
}

fn open_store(config: &Config) -> Result<Store, Failure> {
    let path = config.state_dir.join(&config.store.path);
    Store::open(&path, &config.device_id).map_err(|e| fail(EX_NOINPUT, e))
}

pub fn enroll(config: &Path, name: &str, file: &Path) -> Result<(), Failure> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(fail(
            EX_DATAERR,
            anyhow::anyhow!("--name must be 1-64 characters without control characters"),
        ));
    }
    let config = load_config(config)?;
    let audio = open_wav(file)?.read_to_end().map_err(|e| fail(EX_DATAERR, e))?;
    let seconds = audio.len() as f64 / f64::from(STREAM_RATE);
    if seconds < SHORTEST_S {
        return Err(fail(
            EX_DATAERR,
            anyhow::anyhow!(
                "{} holds {seconds:.1} s of audio; record at least {SHORTEST_S:.0} s of the person speaking",
                file.display()
            ),
        ));
    }
    let encoder = Encoder::load(&speaker_model(&config)?, tch::Device::Cpu).map_err(|e| fail(EX_NOINPUT, e))?;
    let print = encoder.embed(&audio).map_err(|e| fail(EX_SOFTWARE, e))?;
    let mut store = open_store(&config)?;
    store.enroll(name, &print, "file").map_err(|e| fail(EX_SOFTWARE, e))?;
    println!(
        "Enrolled {name:?} from {:.1} s of audio; the daemon names this voice from its next start.",
        seconds
    );
    Ok(())
}

pub fn voices(config: &Path) -> Result<(), Failure> {
    let config = load_config(config)?;
    let store = open_store(&config)?;
    for voice in store.list_voices().map_err(|e| fail(EX_SOFTWARE, e))? {
        println!(
            "{}\t{}\tenrolled {}",
            voice["name"].as_str().unwrap_or(""),
            voice["source"].as_str().unwrap_or(""),
            voice["enrolled"]
        );
    }
    Ok(())
}
