//! systemd's notify protocol: READY=1 once the broker listens and the model is loaded,
//! STATUS= lines for `systemctl status`, STOPPING=1 when shutdown begins.
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
