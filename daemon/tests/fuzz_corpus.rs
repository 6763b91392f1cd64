//! Replays the committed corpus of every fuzz target (`daemon/fuzz/corpus/<target>/`: seeds,
//! the inputs `scripts/fuzz` found new coverage with, and fixed crashes) through the same entry
//! points the fuzz binaries call, so that a parser change that panics on any of them fails an
//! ordinary test run, without a fuzzer.

use std::path::Path;

use roomscribe::fuzzing::TARGETS;

#[test]
fn every_fuzz_corpus_input_is_handled_without_a_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    for (target, run) in TARGETS {
        let folder = root.join(target);
        let inputs: Vec<_> = std::fs::read_dir(&folder)
            .unwrap_or_else(|e| panic!("{}: {e}; every target keeps a corpus", folder.display()))
            .map(|entry| entry.unwrap().path())
            .collect();
        assert!(!inputs.is_empty(), "{target}: the corpus is empty");
        for input in inputs {
            let data = std::fs::read(&input).unwrap();
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(outcome.is_ok(), "{target} panicked on {}", input.display());
        }
    }
}
