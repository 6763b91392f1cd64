//! Test-only crate: the end-to-end tests live in `tests/e2e.rs`, their harness in
//! `tests/support/`. They drive the built `roomscribe` binary from the outside, the way an
//! integrator or a dashboard would.
