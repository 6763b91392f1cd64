//! What the daemon makes before its runtime starts: the configuration with remote overrides,
//! the audio source, the models, the store and its recovery. Whatever can fail at start fails
//! here, with its own error, before a thread or a socket exists. Never starts a stage.

use super::AppError;
use crate::asr::Transcriber;
use crate::audio::Source;
use crate::config::live::LiveConfig;
use crate::config::{validate_table, Config};
use crate::control::RemoteConfig;
use crate::meeting::{self, rules::EndedBy};
use crate::store::Store;
use crate::{speakers, vad};

/// Everything made before the runtime starts.
pub(super) struct Built {
    pub config: Config,
    pub remote: RemoteConfig,
    pub live: LiveConfig,
    pub source: Source,
    pub detector: vad::Detector,
    pub transcriber: Transcriber,
    pub store: Store,
    pub unsummarised: Vec<meeting::Unsummarised>,
    pub attributor: Option<speakers::Attributor>,
    pub speakers_health: crate::health::SpeakersHealth,
    pub voiceprints: Vec<crate::pipeline::Voiceprint>,
}

impl Built {
    /// Validates `file` (the configuration file's table), lays the remote overrides kept in its
    /// `state_dir` over it, opens the audio source, loads the models and opens the store,
    /// recovering what a power cut left open.
    pub fn load(file: toml::Table) -> Result<Self, AppError> {
        let state_dir = validate_table(file.clone()).map_err(AppError::Config)?.state_dir;
        let (remote, config) = RemoteConfig::load(file, &state_dir).map_err(AppError::Config)?;
        let live = LiveConfig::new(&config);
        let source = Source::open_live(live.section(|c| &c.capture))?;
        let detector = vad::Detector::from_config(&config.vad)?;
        let transcriber = Transcriber::load(&config.asr)?;
        tracing::info!(
            model = %config.asr.model_dir.display(),
            details = %transcriber.describe(),
            libtorch = env!("ROOMSCRIBE_LIBTORCH"),
            "Whisper model loaded"
        );
        let store_path = config.state_dir.join(&config.store.path);
        let mut store = Store::open(&store_path, &config.device_id)?;
        tracing::info!(path = %store_path.display(), "Meeting store open");
        let unsummarised = store.recover(EndedBy::Recovery.as_str())?;
        let voiceprints = store.voiceprints()?;
        let (attributor, speakers_health) = speakers::load(&config.speakers, transcriber.device(), voiceprints.clone());
        Ok(Self {
            config,
            remote,
            live,
            source,
            detector,
            transcriber,
            store,
            unsummarised,
            attributor,
            speakers_health,
            voiceprints,
        })
    }
}
