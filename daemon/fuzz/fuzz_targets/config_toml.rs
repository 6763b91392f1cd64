#![no_main]
//! Fuzz target: roomscribe::fuzzing::config_toml (run with `scripts/fuzz config_toml SECONDS`).

libfuzzer_sys::fuzz_target!(|data: &[u8]| roomscribe::fuzzing::config_toml(data));
