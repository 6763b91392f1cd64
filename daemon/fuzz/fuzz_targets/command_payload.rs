#![no_main]
//! Fuzz target: roomscribe::fuzzing::command_payload (run with `scripts/fuzz command_payload SECONDS`).

libfuzzer_sys::fuzz_target!(|data: &[u8]| roomscribe::fuzzing::command_payload(data));
