//! Remote configuration at run time. Owns the running configuration and its revision: checks
//! each document operators publish on `/config` against the file (`config::remote`), keeps the
//! accepted overrides on disk (the embedded broker forgets retained messages when it restarts,
//! and a power cycle must change nothing), and hands each stage its new section through a watch
//! channel. Capture restarts itself on a new section; the parts that cannot change while running
//! (the model, the listener, the device id) are named in `restart_required` and take effect at
//! the next start. Operators' commands are parsed in `commands`. Never decides what a field
//! means: that is `config`.

pub mod commands;
pub mod refusals;
pub mod signing;
pub mod task;

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::live::LiveConfig;
use crate::config::remote::{restart_required, Overrides};
use crate::config::{validate_table, Config, ConfigError, ConfigErrors};

/// File name of the accepted overrides inside `state_dir`.
const OVERRIDES_FILE: &str = "remote-config.json";

/// What is kept on disk: the overrides and their revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Persisted {
    revision: u64,
    overrides: serde_json::Value,
}

/// The result of one published document.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Applied (live where it can be) and kept; `restart_required` names what waits for the next
    /// start.
    Accepted {
        revision: u64,
        restart_required: Vec<&'static str>,
    },
    /// The same overrides as already in force (a retained document delivered again).
    Unchanged { revision: u64 },
    /// Not applied; the running configuration is untouched.
    Rejected { revision: u64, errors: Vec<ConfigError> },
}

pub struct RemoteConfig {
    file: toml::Table,
    overrides: Overrides,
    revision: u64,
    /// What the daemon started with (the parts that cannot change live stay so until restart).
    started_with: Config,
    path: PathBuf,
}

impl RemoteConfig {
    /// Starts from the file's table and the overrides kept in `state_dir`, if they still make a
    /// valid configuration with this file. Returns the configuration to run with.
    pub fn load(file: toml::Table, state_dir: &Path) -> Result<(Self, Config), ConfigErrors> {
        let path = state_dir.join(OVERRIDES_FILE);
        let file_config = validate_table(file.clone())?;
        let mut remote = Self {
            overrides: Overrides(toml::Table::new()),
            revision: 0,
            started_with: file_config.clone(),
            file,
            path,
        };
        let Some(persisted) = read_persisted(&remote.path) else {
            return Ok((remote, file_config));
        };
        let overrides = serde_json::to_vec(&persisted.overrides)
            .ok()
            .and_then(|json| Overrides::decode(&json).ok());
        match overrides.map(|o| (o.apply_to(&remote.file), o)) {
            Some((Ok(config), overrides)) => {
                tracing::info!(
                    revision = persisted.revision,
                    path = %remote.path.display(),
                    "Remote configuration in force"
                );
                remote.overrides = overrides;
                remote.revision = persisted.revision;
                remote.started_with = config.clone();
                Ok((remote, config))
            }
            Some((Err(errors), _)) => {
                tracing::error!(
                    path = %remote.path.display(),
                    %errors,
                    "The kept remote configuration no longer fits the configuration file; running with the file alone"
                );
                Ok((remote, file_config))
            }
            None => {
                tracing::error!(path = %remote.path.display(), "The kept remote configuration is unreadable; running with the file alone");
                Ok((remote, file_config))
            }
        }
    }

    /// Replaces the hotwords until the next restart or accepted document (not kept on disk).
    pub fn set_hotwords(&self, words: &str, live: &LiveConfig) {
        live.update(|config| config.asr.hotwords = words.to_owned());
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The accepted overrides as JSON (to publish them again, retained, after a restart);
    /// `None` when there are none.
    pub fn overrides_json(&self) -> Option<Vec<u8>> {
        (!self.overrides.0.is_empty()).then(|| serde_json::to_vec(&self.overrides.to_json()).expect("JSON"))
    }

    /// Whether `payload` holds exactly the overrides already in force (a retained document
    /// delivered again, or the daemon's own re-publication at start).
    pub fn is_in_force(&self, payload: &[u8]) -> bool {
        Overrides::decode(payload).is_ok_and(|o| o == self.overrides)
    }

    /// A rejection that changes nothing, for a document refused before it was read.
    pub fn refuse(&self, why: String) -> Outcome {
        Outcome::Rejected {
            revision: self.revision,
            errors: vec![ConfigError::new("", why)],
        }
    }

    /// Checks a published document; if it is valid and new, keeps it on disk and sends the
    /// changed sections to the stages.
    pub fn handle(&mut self, payload: &[u8], live: &LiveConfig) -> Outcome {
        let reject = |errors: ConfigErrors| Outcome::Rejected {
            revision: self.revision,
            errors: errors.0,
        };
        let overrides = match Overrides::decode(payload) {
            Ok(overrides) => overrides,
            Err(errors) => return reject(errors),
        };
        if overrides == self.overrides {
            return Outcome::Unchanged {
                revision: self.revision,
            };
        }
        let config = match overrides.apply_to(&self.file) {
            Ok(config) => config,
            Err(errors) => return reject(errors),
        };
        let revision = self.revision + 1;
        let persisted = Persisted {
            revision,
            overrides: overrides.to_json(),
        };
        if let Err(error) = write_atomically(&self.path, &serde_json::to_vec_pretty(&persisted).expect("JSON")) {
            return reject(ConfigErrors(vec![ConfigError::new(
                "",
                format!(
                    "could not keep the configuration in {}: {error}; nothing was changed (free disk space or fix the state directory's permissions, then publish again)",
                    self.path.display()
                ),
            )]));
        }
        self.overrides = overrides;
        self.revision = revision;
        live.publish(&config);
        let restart_required = restart_required(&self.started_with, &config);
        Outcome::Accepted {
            revision,
            restart_required,
        }
    }
}

fn read_persisted(path: &Path) -> Option<Persisted> {
    let text = std::fs::read(path).ok()?;
    serde_json::from_slice(&text).ok()
}

/// Writes `bytes` to `path` so that a power cut leaves either the old file or the new one:
/// a temporary file, fsync, rename, fsync of the folder.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let folder = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder)?;
    let temporary = path.with_extension("json.tmp");
    let mut file = std::fs::File::create(&temporary)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&temporary, path)?;
    std::fs::File::open(folder)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state_dir(label: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("roomscribe-control-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn file() -> toml::Table {
        "[vad]\nthreshold = 0.4\n".parse().unwrap()
    }

    #[test]
    fn accepted_overrides_reach_the_stage_and_survive_a_restart() {
        let dir = state_dir("survive");
        let (mut remote, config) = RemoteConfig::load(file(), &dir).unwrap();
        let live = LiveConfig::new(&config);
        let (mut vad, mut capture) = (live.section(|c| &c.vad), live.section(|c| &c.capture));
        let outcome = remote.handle(br#"{"vad": {"threshold": 0.7}, "asr": {"model_dir": "/m"}}"#, &live);
        assert_eq!(
            outcome,
            Outcome::Accepted {
                revision: 1,
                restart_required: vec!["asr"]
            }
        );
        assert_eq!(vad.take_change().map(|v| v.threshold), Some(0.7));
        assert!(!capture.has_changed(), "capture did not change");

        let again = remote.handle(br#"{"vad": {"threshold": 0.7}, "asr": {"model_dir": "/m"}}"#, &live);
        assert_eq!(again, Outcome::Unchanged { revision: 1 });

        let (reloaded, config) = RemoteConfig::load(file(), &dir).unwrap();
        assert_eq!(reloaded.revision(), 1);
        assert_eq!(config.vad.threshold, 0.7);
        assert_eq!(config.asr.model_dir, PathBuf::from("/m"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn rejected_documents_change_nothing() {
        let dir = state_dir("reject");
        let (mut remote, config) = RemoteConfig::load(file(), &dir).unwrap();
        let live = LiveConfig::new(&config);
        let mut vad = live.section(|c| &c.vad);
        let Outcome::Rejected { revision, errors } = remote.handle(br#"{"vad": {"threshold": 9}}"#, &live) else {
            panic!("out of range must be rejected")
        };
        assert_eq!(revision, 0);
        assert_eq!(errors[0].field, "vad.threshold");
        assert!(!vad.has_changed());
        assert!(!dir.join(OVERRIDES_FILE).exists(), "nothing kept");
    }

    #[test]
    fn kept_overrides_that_no_longer_fit_the_file_are_ignored() {
        let dir = state_dir("misfit");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join(OVERRIDES_FILE),
            r#"{"revision": 4, "overrides": {"vad": {"no_such_field": 1}}}"#,
        )
        .unwrap();
        let (remote, config) = RemoteConfig::load(file(), &dir).unwrap();
        assert_eq!(remote.revision(), 0);
        assert_eq!(config.vad.threshold, 0.4);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
