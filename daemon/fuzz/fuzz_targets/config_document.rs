#![no_main]
//! Fuzz target: roomscribe::fuzzing::config_document (run with `scripts/fuzz config_document SECONDS`).

libfuzzer_sys::fuzz_target!(|data: &[u8]| roomscribe::fuzzing::config_document(data));
