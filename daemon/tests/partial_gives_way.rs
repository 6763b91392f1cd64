//! A live partial gives way to the end of a turn: asked between decoder steps, it stops at
//! once with `AsrError::Abandoned`; never asked, it decodes the whole hypothesis. Real
//! tiny.en weights and the JFK sample, where `scripts/setup` put them (`models/manifest.toml`).

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::process::Command;

use roomscribe::asr::{AsrError, Transcriber};
use roomscribe::audio::wav::WavSource;
use roomscribe::config::AsrConfig;

/// The folder of `artifact`, where `scripts/setup` put it.
fn artifact(name: &str) -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let out = Command::new("python3")
        .arg(repo.join("scripts/lib/artifacts.py"))
        .args(["path", name])
        .output()
        .expect("python3 runs scripts/lib/artifacts.py");
    let path = PathBuf::from(String::from_utf8(out.stdout).unwrap().trim());
    assert!(path.is_dir(), "{} is missing: run scripts/setup", path.display());
    path
}

#[test]
fn a_partial_gives_way_between_decoder_steps_and_is_whole_otherwise() {
    let config = AsrConfig {
        model_dir: artifact("whisper-tiny.en"),
        ..AsrConfig::default()
    };
    let transcriber = Transcriber::load(&config).expect("tiny.en loads");
    let jfk = artifact("jfk").join("jfk.wav");
    let audio = WavSource::open(&jfk).unwrap().read_to_end().unwrap();
    let context = transcriber.new_context();

    let (text, _) = transcriber
        .transcribe_partial(&audio, &context, &|| false)
        .expect("a partial nobody waits behind");
    assert!(
        text.to_lowercase().contains("ask not what your country can do for you"),
        "{text}"
    );

    let asked = Cell::new(0);
    let waits_after_three = || {
        asked.set(asked.get() + 1);
        asked.get() > 3
    };
    match transcriber.transcribe_partial(&audio, &context, &waits_after_three) {
        Err(AsrError::Abandoned) => {}
        other => panic!("expected the partial to give way, got {other:?}"),
    }
    assert_eq!(
        asked.get(),
        4,
        "asked before the encoder and each step, and stopped at the first yes"
    );
}
