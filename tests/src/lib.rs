//! Test-only crate: everything lives in `tests/e2e.rs` and its `support` harness.
