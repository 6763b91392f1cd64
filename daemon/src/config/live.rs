//! The running configuration as the stages see it: one watch of the whole `Config`
//! (`LiveConfig`, held by the control task), and each stage's own view of its section
//! (`Section`), which wakes the stage only when that section changed. A stage picks up a new
//! section between two pieces of work. A new live section needs no edit here: a stage asks for
//! `live.section(|c| &c.its_section)` where it is wired.
//!
//! Never checks a configuration (that is `validate`) and never decides what needs a restart.

use std::sync::Arc;

use tokio::sync::watch;

use super::Config;

/// The sending side: the control task publishes each accepted configuration here.
pub struct LiveConfig(watch::Sender<Arc<Config>>);

/// The control task has stopped (the daemon is stopping).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed;

impl LiveConfig {
    pub fn new(config: &Config) -> Self {
        Self(watch::channel(Arc::new(config.clone())).0)
    }

    /// A stage's view of one section of the configuration.
    pub fn section<T: Clone + PartialEq>(&self, pick: fn(&Config) -> &T) -> Section<T> {
        let rx = self.0.subscribe();
        let seen = pick(&rx.borrow()).clone();
        Section {
            source: Source::Live { rx, pick },
            seen,
            pending: None,
        }
    }

    /// Hands the stages `config`; each one whose section changed wakes.
    pub fn publish(&self, config: &Config) {
        self.0.send_replace(Arc::new(config.clone()));
    }

    /// Changes the running configuration in place (a command such as `set_hotwords`).
    pub fn update(&self, change: impl FnOnce(&mut Config)) {
        let mut config = Config::clone(&self.0.borrow());
        change(&mut config);
        self.publish(&config);
    }
}

/// One stage's section of the running configuration.
#[derive(Clone)]
pub struct Section<T> {
    source: Source<T>,
    /// The section as the stage last took it.
    seen: T,
    /// A newer section, found and not yet taken.
    pending: Option<T>,
}

#[derive(Clone)]
enum Source<T> {
    Live {
        rx: watch::Receiver<Arc<Config>>,
        pick: fn(&Config) -> &T,
    },
    /// A section that never changes (a tool or benchmark running a stage alone).
    Fixed,
}

impl<T: Clone + PartialEq> Section<T> {
    /// A section that never changes.
    pub fn fixed(value: T) -> Self {
        Self {
            source: Source::Fixed,
            seen: value,
            pending: None,
        }
    }

    /// The section as the stage last took it.
    pub fn current(&self) -> &T {
        &self.seen
    }

    /// Whether the section differs from the one the stage last took. Cheap when nothing was
    /// published (one atomic read); compares, and copies only a changed section, otherwise.
    pub fn has_changed(&mut self) -> bool {
        let published = match &self.source {
            Source::Live { rx, .. } => rx.has_changed().unwrap_or(false),
            Source::Fixed => false,
        };
        if published {
            self.compare();
        }
        self.pending.is_some()
    }

    /// Takes the newest configuration published and keeps this section of it if it changed.
    fn compare(&mut self) {
        let Source::Live { rx, pick } = &mut self.source else {
            return;
        };
        let config = rx.borrow_and_update();
        let now = pick(&config);
        self.pending = (now != &self.seen).then(|| now.clone());
    }

    /// The section now, if it differs from the one the stage last took; takes it.
    pub fn take_change(&mut self) -> Option<T> {
        self.has_changed();
        let now = self.pending.take()?;
        self.seen = now.clone();
        Some(now)
    }

    /// Waits until the section changes, and takes it. `Err` once the control task has stopped
    /// (a fixed section never changes: it waits for ever).
    pub async fn changed(&mut self) -> Result<T, Closed> {
        loop {
            if let Some(now) = self.take_change() {
                return Ok(now);
            }
            match &mut self.source {
                Source::Live { rx, .. } => rx.changed().await.map_err(|_| Closed)?,
                Source::Fixed => std::future::pending().await,
            }
            // `changed` marked the newest configuration seen: compare it now.
            self.compare();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_stage_wakes_only_for_its_own_section() {
        let live = LiveConfig::new(&Config::default());
        let mut vad = live.section(|c| &c.vad);
        let mut sync = live.section(|c| &c.sync);
        live.update(|c| c.vad.threshold = 0.7);
        assert!(vad.has_changed());
        assert!(!sync.has_changed(), "the sync's section did not change");
        assert_eq!(vad.take_change().map(|v| v.threshold), Some(0.7));
        assert_eq!(vad.take_change(), None, "taken once");
        assert_eq!(sync.take_change(), None);

        let waiter = tokio::spawn(async move { sync.changed().await.map(|s| s.max_kbps) });
        // The waiter is parked inside `changed` before anything is published.
        tokio::task::yield_now().await;
        live.update(|c| c.vad.threshold = 0.4);
        tokio::task::yield_now().await;
        live.update(|c| c.sync.max_kbps = 7);
        let woke = tokio::time::timeout(std::time::Duration::from_secs(5), waiter).await;
        assert_eq!(woke.unwrap().unwrap(), Ok(7));
        assert_eq!(vad.current().threshold, 0.7, "until it takes the change");
    }

    #[test]
    fn a_fixed_section_never_changes() {
        let mut fixed = Section::fixed(3u32);
        assert!(!fixed.has_changed());
        assert_eq!((fixed.take_change(), *fixed.current()), (None, 3));
    }
}
