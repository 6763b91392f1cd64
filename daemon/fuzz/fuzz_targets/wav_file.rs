#![no_main]
//! Fuzz target: roomscribe::fuzzing::wav_file (run with `scripts/fuzz wav_file SECONDS`).

libfuzzer_sys::fuzz_target!(|data: &[u8]| roomscribe::fuzzing::wav_file(data));
