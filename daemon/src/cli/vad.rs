//! `roomscribe vad`: the daemon's VAD stage over a WAV file, speech stretches printed as JSON.

use std::path::{Path, PathBuf};

use roomscribe::offline;

use super::{cache_dir, fail, load_config, open_wav, Failure, EX_DATAERR};

pub fn vad_command(file: &Path, config: Option<&Path>, model: Option<PathBuf>) -> Result<(), Failure> {
    let wav = open_wav(file)?;
    let vad_config = vad_settings(config.map(load_config).transpose()?.map(|c| c.vad), model);
    let timeline = offline::detect_speech(wav, &vad_config).map_err(|error| match error {
        offline::DetectError::Wav(error) => fail(EX_DATAERR, error),
        offline::DetectError::Vad(error) => fail(EX_DATAERR, error),
    })?;
    println!(
        "{}",
        serde_json::to_string(&timeline).expect("a timeline is plain data")
    );
    Ok(())
}

/// The `[vad]` settings of a configuration (the defaults without one), with the Silero model:
/// `model` if given, else the configuration's; without a configuration, the installed model,
/// else the one scripts/setup fetched (missing means the energy gate).
pub fn vad_settings(
    configured: Option<roomscribe::config::VadConfig>,
    model: Option<PathBuf>,
) -> roomscribe::config::VadConfig {
    let from_file = configured.is_some();
    let mut vad_config = configured.unwrap_or_default();
    vad_config.model = match (model, from_file) {
        (Some(model), _) => model,
        (None, true) => vad_config.model,
        (None, false) => std::iter::once(vad_config.model.clone())
            .chain(cache_dir().map(|cache| cache.join("roomscribe/models/silero-vad/silero_vad.jit")))
            .find(|candidate| candidate.is_file())
            .unwrap_or(vad_config.model),
    };
    vad_config
}
