//! Health reporting. For now: speaking to systemd (`systemd`). Later: the health snapshot that
//! the bus publishes. Never blocks a stage.

pub mod systemd;
