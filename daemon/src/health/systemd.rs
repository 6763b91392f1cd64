//! systemd's notify protocol: READY=1 once the broker listens and the model is loaded,
//! STATUS= lines for `systemctl status`, STOPPING=1 when shutdown begins, WATCHDOG=1 while
//! every stage is alive (the supervisor decides when).
//! Outside systemd (no `$NOTIFY_SOCKET`) every call is a no-op.

use sd_notify::NotifyState;

fn notify(states: &[NotifyState<'_>]) {
    if let Err(error) = sd_notify::notify(states) {
        tracing::warn!(%error, "Could not notify systemd");
    }
}

pub fn ready(status: &str) {
    notify(&[NotifyState::Ready, NotifyState::Status(status)]);
}

pub fn stopping(status: &str) {
    notify(&[NotifyState::Stopping, NotifyState::Status(status)]);
}

/// Tells systemd's watchdog the daemon is alive.
pub fn watchdog_alive() {
    notify(&[NotifyState::Watchdog]);
}

/// How often systemd wants WATCHDOG=1 (half its `WatchdogSec=`), if it wants it at all.
pub fn watchdog_interval() -> Option<std::time::Duration> {
    sd_notify::watchdog_enabled().map(|timeout| timeout / 2)
}

/// Tells systemd which stage is stuck (shown by `systemctl status`).
pub fn status(status: &str) {
    notify(&[NotifyState::Status(status)]);
}
