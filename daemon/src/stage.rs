//! The stage contract every stage follows: a stage is built from its config, then run with one
//! `StageContext` (its name, the one shutdown signal, its heartbeat and its counters) and the
//! typed bounded channels `app` wires; a stage run as a task says which it is while it runs
//! (`as_stage`), for panic reports. Source stages (audio, control, health,
//! sync) stop when shutdown is requested; every other stage drains its input and stops when
//! that input closes, so nothing already captured is lost on a clean stop.
//!
//! The heartbeat is how the watchdog knows a stage is alive: a stage marks each piece of work
//! (`Heartbeat::working`); waiting for input is alive, and a piece of work that lasts longer
//! than the watchdog budget is stuck. This module never sleeps, never spawns and never talks to
//! systemd (that is `health::watchdog`).

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// What a stage's counters hand to health: one way for every stage.
pub trait Counters: Send + Sync {
    type Snapshot;
    fn snapshot(&self) -> Self::Snapshot;
}

/// A value a stage updates and health reads (a copy), for counters that are not atomics.
#[derive(Debug, Default)]
pub struct Shared<T>(Mutex<T>);

impl<T: Clone> Shared<T> {
    pub fn new(value: T) -> Self {
        Self(Mutex::new(value))
    }

    pub fn update<R>(&self, change: impl FnOnce(&mut T) -> R) -> R {
        change(&mut self.lock())
    }

    /// The value itself, for a few changes in a row (hold it briefly: health waits on it).
    pub fn lock(&self) -> std::sync::MutexGuard<'_, T> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<T: Clone + Send> Counters for Shared<T> {
    type Snapshot = T;
    fn snapshot(&self) -> T {
        self.lock().clone()
    }
}

/// The one shutdown signal. Reading it is a single atomic load (the capture thread checks it
/// every period without a lock); async stages can wait for it.
#[derive(Clone, Debug, Default)]
pub struct Shutdown(Arc<ShutdownState>);

#[derive(Debug, Default)]
struct ShutdownState {
    requested: AtomicBool,
    notify: tokio::sync::Notify,
}

impl Shutdown {
    /// Asks every source stage to stop (idempotent).
    pub fn request(&self) {
        self.0.requested.store(true, Ordering::Release);
        self.0.notify.notify_waiters();
    }

    pub fn is_requested(&self) -> bool {
        self.0.requested.load(Ordering::Acquire)
    }

    /// Returns once shutdown has been requested.
    pub async fn requested(&self) {
        loop {
            let notified = self.0.notify.notified();
            if self.is_requested() {
                return;
            }
            notified.await;
        }
    }
}

/// One stage's liveness: whether it is inside a piece of work, and since when.
#[derive(Clone, Debug)]
pub struct Heartbeat(Arc<Beat>);

#[derive(Debug)]
struct Beat {
    name: &'static str,
    epoch: Instant,
    /// Milliseconds since `epoch` when the current piece of work began, plus one; 0 while the
    /// stage waits for input.
    busy_since: AtomicU64,
}

/// Marks a piece of work for as long as it lives.
#[must_use = "the work is marked only while this guard lives"]
pub struct Working<'a>(&'a Beat);

impl Drop for Working<'_> {
    fn drop(&mut self) {
        self.0.busy_since.store(0, Ordering::Release);
    }
}

impl Heartbeat {
    fn new(name: &'static str, epoch: Instant) -> Self {
        Self(Arc::new(Beat {
            name,
            epoch,
            busy_since: AtomicU64::new(0),
        }))
    }

    pub fn name(&self) -> &'static str {
        self.0.name
    }

    /// The stage starts a piece of work (a chunk, a segment, a record); it ends when the
    /// returned guard drops.
    pub fn working(&self) -> Working<'_> {
        let now = self.0.epoch.elapsed().as_millis() as u64 + 1;
        self.0.busy_since.store(now, Ordering::Release);
        faults::inject(self.0.name);
        Working(&self.0)
    }

    /// How long the current piece of work has lasted (`None` while waiting for input).
    pub fn busy_for(&self) -> Option<Duration> {
        let since = self.0.busy_since.load(Ordering::Acquire);
        (since > 0).then(|| {
            let now = self.0.epoch.elapsed().as_millis() as u64 + 1;
            Duration::from_millis(now.saturating_sub(since))
        })
    }
}

/// Everything a stage runs with besides its channels.
#[derive(Clone, Debug)]
pub struct StageContext<C> {
    pub name: &'static str,
    pub shutdown: Shutdown,
    pub heartbeat: Heartbeat,
    pub counters: Arc<C>,
}

impl<C> StageContext<C> {
    /// A context for a stage run on its own, outside the daemon (a tool, a benchmark, a test):
    /// nobody watches its heartbeat; `shutdown` stops it.
    pub fn standalone(name: &'static str, shutdown: Shutdown, counters: Arc<C>) -> Self {
        Stages::new(shutdown).context(name, counters)
    }
}

/// Every stage's heartbeat, as the watchdog and health read them.
#[derive(Clone, Debug)]
pub struct Stages {
    epoch: Instant,
    shutdown: Shutdown,
    beats: Vec<Heartbeat>,
}

/// A stage inside one piece of work for longer than the budget.
#[derive(Debug, Clone, PartialEq)]
pub struct Stuck {
    pub stage: &'static str,
    pub busy_for: Duration,
}

impl Stages {
    pub fn new(shutdown: Shutdown) -> Self {
        Self {
            epoch: Instant::now(),
            shutdown,
            beats: Vec::new(),
        }
    }

    /// The one shutdown signal every context carries.
    pub fn shutdown(&self) -> &Shutdown {
        &self.shutdown
    }

    /// The context for the stage called `name`, with its counters.
    pub fn context<C>(&mut self, name: &'static str, counters: Arc<C>) -> StageContext<C> {
        let heartbeat = Heartbeat::new(name, self.epoch);
        self.beats.push(heartbeat.clone());
        StageContext {
            name,
            shutdown: self.shutdown.clone(),
            heartbeat,
            counters,
        }
    }

    /// Every stage's liveness for health, judged against `budget`.
    pub fn report(&self, budget: Duration) -> Vec<crate::health::StageHealth> {
        self.beats
            .iter()
            .map(|beat| {
                let busy_for = beat.busy_for();
                let state = match busy_for {
                    None => "waiting",
                    Some(busy) if busy > budget => "stuck",
                    Some(_) => "working",
                };
                crate::health::StageHealth {
                    name: beat.name().into(),
                    state: state.into(),
                    busy_s: busy_for.map(|b| crate::clock::round_ms(b.as_secs_f64())),
                }
            })
            .collect()
    }

    /// Stages whose current piece of work has lasted longer than `budget`.
    pub fn stuck(&self, budget: Duration) -> Vec<Stuck> {
        self.beats
            .iter()
            .filter_map(|beat| {
                let busy_for = beat.busy_for()?;
                (busy_for > budget).then_some(Stuck {
                    stage: beat.name(),
                    busy_for,
                })
            })
            .collect()
    }
}

thread_local! {
    /// The async stage this thread is polling, if any.
    static POLLING: Cell<Option<&'static str>> = const { Cell::new(None) };
}

/// The async stage whose task this thread is running right now, if any. A stage run as a task
/// shares the runtime's threads, whose names say nothing: a panic report asks this first.
pub fn running_stage() -> Option<&'static str> {
    POLLING.with(Cell::get)
}

/// `task`, known as stage `name` (`running_stage`) while it runs: wrap every stage spawned on
/// the runtime in it.
pub fn as_stage<F: Future>(name: &'static str, task: F) -> AsStage<F> {
    AsStage {
        name,
        task: Box::pin(task),
    }
}

/// A stage's task that says which stage it is while it is polled (see `as_stage`).
pub struct AsStage<F> {
    name: &'static str,
    task: Pin<Box<F>>,
}

impl<F: Future> Future for AsStage<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let _polling = Polling::enter(self.name);
        self.task.as_mut().poll(cx)
    }
}

/// This thread polls stage `name` until it drops, then what it polled before (also when the
/// poll unwinds).
struct Polling(Option<&'static str>);

impl Polling {
    fn enter(name: &'static str) -> Self {
        Self(POLLING.with(|polling| polling.replace(Some(name))))
    }
}

impl Drop for Polling {
    fn drop(&mut self) {
        POLLING.with(|polling| polling.set(self.0));
    }
}

/// Test-only faults, compiled in only with the `fault-injection` feature (never in the shipped
/// binary): `ROOMSCRIBE_FAULT=<stage>:hang` makes that stage's first piece of work never end,
/// `<stage>:panic` makes it panic.
#[cfg(feature = "fault-injection")]
mod faults {
    pub fn inject(stage: &str) {
        static FAULT: std::sync::OnceLock<Option<(String, String)>> = std::sync::OnceLock::new();
        let fault = FAULT.get_or_init(|| {
            let spec = std::env::var("ROOMSCRIBE_FAULT").ok()?;
            let (stage, kind) = spec.split_once(':')?;
            Some((stage.to_owned(), kind.to_owned()))
        });
        match fault {
            Some((target, kind)) if target == stage && kind == "hang" => loop {
                std::thread::park();
            },
            Some((target, kind)) if target == stage && kind == "panic" => {
                panic!("fault injected into the {stage} stage")
            }
            _ => {}
        }
    }
}

#[cfg(not(feature = "fault-injection"))]
mod faults {
    #[inline(always)]
    pub fn inject(_stage: &str) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiting_is_alive_and_long_work_is_stuck() {
        let mut stages = Stages::new(Shutdown::default());
        let asr = stages.context("asr", Arc::new(()));
        let vad = stages.context("vad", Arc::new(()));
        assert!(stages.stuck(Duration::ZERO).is_empty(), "both wait for input");
        let work = asr.heartbeat.working();
        std::thread::sleep(Duration::from_millis(30));
        let stuck = stages.stuck(Duration::from_millis(10));
        assert_eq!(stuck.len(), 1);
        assert_eq!(stuck[0].stage, "asr");
        assert!(stuck[0].busy_for >= Duration::from_millis(30));
        assert!(stages.stuck(Duration::from_secs(60)).is_empty(), "within its budget");
        drop(work);
        assert!(stages.stuck(Duration::ZERO).is_empty());
        assert_eq!(vad.heartbeat.busy_for(), None);
    }

    #[tokio::test]
    async fn a_stage_task_is_known_by_name_while_it_runs_and_only_then() {
        assert_eq!(running_stage(), None);
        let seen = as_stage("meeting", async {
            let before = running_stage();
            tokio::task::yield_now().await;
            (before, running_stage())
        })
        .await;
        assert_eq!(seen, (Some("meeting"), Some("meeting")), "across an await too");
        assert_eq!(running_stage(), None, "and no longer once it returned");
        let nested = as_stage("bus", async {
            let inner = as_stage("control", async { running_stage() }).await;
            (inner, running_stage())
        })
        .await;
        assert_eq!(nested, (Some("control"), Some("bus")), "the outer stage comes back");
    }

    #[tokio::test]
    async fn shutdown_wakes_every_waiter_once_requested() {
        let shutdown = Shutdown::default();
        let waiter = tokio::spawn({
            let shutdown = shutdown.clone();
            async move { shutdown.requested().await }
        });
        tokio::task::yield_now().await;
        assert!(!shutdown.is_requested());
        shutdown.request();
        tokio::time::timeout(Duration::from_secs(5), waiter)
            .await
            .unwrap()
            .unwrap();
        // Asked after the fact, it returns at once.
        shutdown.requested().await;
    }

    #[test]
    fn shared_counters_hand_out_copies() {
        let counters = Shared::new(3u64);
        counters.update(|n| *n += 1);
        assert_eq!(counters.snapshot(), 4);
    }
}
