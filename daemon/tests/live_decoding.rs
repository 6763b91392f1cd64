//! The live decodes on real tiny.en weights and the JFK sample, where `scripts/setup` put them
//! (`models/manifest.toml`): a partial gives way to the end of a turn (asked between decoder
//! steps, it stops at once with `AsrError::Abandoned`; never asked, it decodes the whole
//! hypothesis), and a final decoded after the speech heard before it keeps only its own words,
//! timed from its own start.

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::process::Command;

use roomscribe::asr::{AsrError, HeardBefore, TextSegment, Transcriber};
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

fn text_of(pieces: &[TextSegment]) -> String {
    pieces.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join(" ")
}

#[test]
fn a_final_decoded_after_the_speech_before_it_keeps_only_its_own_words_and_times() {
    let config = AsrConfig {
        model_dir: artifact("whisper-tiny.en"),
        word_timestamps: true,
        ..AsrConfig::default()
    };
    let transcriber = Transcriber::load(&config).expect("tiny.en loads");
    let jfk = artifact("jfk").join("jfk.wav");
    let audio = WavSource::open(&jfk).unwrap().read_to_end().unwrap();
    // "And so, my fellow Americans," ends before 3 s; "ask not…" starts after.
    let (before, own) = audio.split_at(3 * 16_000);
    let heard = HeardBefore {
        audio: before,
        text: "And so, my fellow Americans,",
    };
    let mut context = transcriber.new_context();
    let pieces = transcriber
        .transcribe_live(Some(heard), own, &mut context)
        .expect("decodes");
    let text = text_of(&pieces).to_lowercase();
    assert!(
        text.contains("ask not what your country can do for you") && text.contains("what you can do for your country"),
        "{text}"
    );
    assert!(
        !text.contains("americans"),
        "the speech heard before is not given out: {text}"
    );
    let own_s = own.len() as f64 / 16_000.0;
    let first = &pieces[0];
    assert!(
        (0.0..1.5).contains(&first.start),
        "timed from the final's own start: {first:?}"
    );
    assert!(pieces.iter().all(|p| p.end <= own_s + 0.05), "{pieces:?}");
    let first_word = &first.words[0];
    assert_eq!(first_word.word.to_lowercase(), "ask", "{:?}", first.words);
    assert!(
        (0.0..1.5).contains(&first_word.start),
        "the first word is where it is spoken, not over the heard speech: {first_word:?}"
    );

    // Silence after speech: nothing, neither the heard words again nor anything made up (the
    // decode after the heard speech gives no text, and alone the no-speech gate drops it).
    let silence = vec![0.0f32; 2 * 16_000];
    let pieces = transcriber
        .transcribe_live(Some(heard), &silence, &mut context)
        .expect("decodes");
    assert!(pieces.is_empty(), "{pieces:?}");
}
