#![no_main]
//! Fuzz target: roomscribe::fuzzing::broker_packet (run with `scripts/fuzz broker_packet SECONDS`).

libfuzzer_sys::fuzz_target!(|data: &[u8]| roomscribe::fuzzing::broker_packet(data));
