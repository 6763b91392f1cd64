#![no_main]
//! Fuzz target: roomscribe::fuzzing::signed_envelope (run with `scripts/fuzz signed_envelope SECONDS`).

libfuzzer_sys::fuzz_target!(|data: &[u8]| roomscribe::fuzzing::signed_envelope(data));
