//! The live path, from the outside (issue 14): turns close together lose no word and each get
//! their own final, and the finals heard again keep every word and reach the store;
//! `transcribe` decodes only what the VAD calls speech; the room's noise floor raises no alarm
//! on a clean meeting.

use std::time::Duration;

use crate::support::*;

/// The text of `roomscribe transcribe FILE --format json` (default settings: beam 5, VAD gate on),
/// with its JSON.
fn offline_transcript(wav: &std::path::Path, extra: &[&str]) -> (String, serde_json::Value) {
    let model = whisper_model();
    let silero = silero_model();
    let dir = TempDir::new("offline-config");
    let config = dir.path("roomscribe.toml");
    std::fs::write(
        &config,
        format!(
            "[vad]\nmodel = \"{}\"\n[asr]\nmodel_dir = \"{}\"\nthreads = 2\n",
            silero.display(),
            model.display()
        ),
    )
    .unwrap();
    let mut args = vec![
        "transcribe",
        wav.to_str().unwrap(),
        "--format",
        "json",
        "--config",
        config.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let out = roomscribe(&args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = json["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["text"].as_str().unwrap())
        .collect::<Vec<_>>()
        .join(" ");
    (text, json)
}

/// Issue 14: twelve turns 0.2-0.5 s apart, closer than the silence that ends a VAD segment.
/// Live, they used to come back as one final per merged stretch, and a whole sentence was lost
/// when Whisper ended its text early. Now every turn has a final of its own, none lost (at least
/// half its words as first published), no final runs across two turns, and once heard again in the quiet after the
/// meeting the finals are within a point of WER of offline `transcribe` on the same audio.
#[test]
fn turns_close_together_each_get_a_final_and_the_kept_text_matches_offline() {
    let dir = TempDir::new("close-turns");
    let meeting = close_turns_meeting();
    let asoundrc = file_pcm_config(&dir, "meeting", &meeting.raw);
    let port = free_port();
    let mut daemon = Daemon::start_ready(&dir, &daemon_config(port, "meeting", ""), Some(&asoundrc));
    let subscriber = Subscriber::start(&dir, port, "roomscribe/room-7/#");
    let last = meeting.turns.last().unwrap();
    let finals = || decode_cbor_independently(&subscriber.on_topic("roomscribe/room-7/transcript"));
    wait_until(Duration::from_secs(90), "a final of the last turn", || {
        finals().iter().any(|f| f["end"].as_f64().unwrap() > last.end - 1.0)
    });
    // The room is quiet after the last turn: the finals are heard again, and health says when
    // none is left (a health message sent after the last final was seen).
    let seen = subscriber.on_topic("roomscribe/room-7/health").len();
    wait_until(Duration::from_secs(60), "every final heard again", || {
        let messages = decode_cbor_independently(&subscriber.on_topic("roomscribe/room-7/health"));
        messages.len() > seen + 1 && messages.last().unwrap()["asr"]["finals_awaiting_revision"] == 0
    });
    // A clean stop drains what was captured: whatever else would still come is published first.
    daemon.terminate();
    assert_eq!(daemon.wait_exit(Duration::from_secs(30)), 0, "{}", daemon.log_text());
    let finals = finals();
    let revised = revised_finals_of(&subscriber, "roomscribe/room-7");

    let live_text = finals
        .iter()
        .map(|f| f["text"].as_str().unwrap())
        .collect::<Vec<_>>()
        .join(" ");
    let (offline_text, _) = offline_transcript(&meeting.wav, &[]);
    let (live_wer, offline_wer) = (
        word_error_rate(&meeting.text(), &live_text),
        word_error_rate(&meeting.text(), &offline_text),
    );
    let revised_text = revised
        .iter()
        .map(|f| f["text"].as_str().unwrap())
        .collect::<Vec<_>>()
        .join(" ");
    let revised_wer = word_error_rate(&meeting.text(), &revised_text);
    eprintln!(
        "live WER {live_wer:.3}: {live_text:?}\nrevised WER {revised_wer:.3}: {revised_text:?}\noffline WER {offline_wer:.3}: {offline_text:?}"
    );
    // The issue's bound, on what the meeting record keeps: each final's latest revision (the
    // store's text, and what a subscriber that replaces a final by its revision holds) is within
    // one point of offline WER; on these 110 words one word is 0.9 of a point. First finals are
    // each phrase heard after at most 8 s before it, before the next is said, and tiny.en can
    // hear a phrase otherwise than inside 30 s of speech (6.4 % first-final WER here when each
    // was heard alone, 5.5 % since, against offline's 2.7 %): what they must not do is lose a
    // phrase, checked turn by turn below.
    let one_point = 0.01;
    assert!(
        revised_wer <= offline_wer + one_point + 1e-9,
        "the kept finals lost words that offline found: revised {revised_wer:.3} vs offline {offline_wer:.3}\nrevised: {revised_text}\noffline: {offline_text}"
    );
    let stored: Vec<String> = query_store(
        &dir.path("state").join("roomscribe.db"),
        "SELECT text FROM segments ORDER BY seq",
    )
    .into_iter()
    .map(|row| row[0].as_str().unwrap().to_owned())
    .collect();
    let published: Vec<String> = revised.iter().map(|f| f["text"].as_str().unwrap().to_owned()).collect();
    assert_eq!(stored, published, "the store holds each final's latest revision");

    // Every turn has a final of its own: each final lies within one turn (a final may run into
    // the next turn by Whisper's timing error, not by whole words), and each turn has one.
    let overlap = |f: &serde_json::Value, turn: &Turn| {
        let (start, end) = (f["start"].as_f64().unwrap(), f["end"].as_f64().unwrap());
        (end.min(turn.end) - start.max(turn.start)).max(0.0)
    };
    for f in &finals {
        let turns: Vec<&str> = meeting
            .turns
            .iter()
            .filter(|t| overlap(f, t) > 0.3)
            .map(|t| t.text.as_str())
            .collect();
        assert!(turns.len() <= 1, "one final runs across turns {turns:?}: {f}");
    }
    for turn in &meeting.turns {
        let own: Vec<&serde_json::Value> = finals.iter().filter(|f| overlap(f, turn) > 0.3).collect();
        assert!(
            !own.is_empty(),
            "no final of its own for {:?} ({:.2}-{:.2} s): {finals:?}",
            turn.text,
            turn.start,
            turn.end
        );
        // Not lost (`scripts/bench latency`'s measure): at least half its words, as first
        // published; the words misheard alone are what the revision above mends.
        let heard: Vec<String> = own.iter().flat_map(|f| words(f["text"].as_str().unwrap())).collect();
        let said = words(&turn.text);
        let found = said.iter().filter(|w| heard.contains(w)).count();
        assert!(
            found * 2 >= said.len(),
            "the finals of {:?} hold {found} of its {} words: {own:?}",
            turn.text,
            said.len()
        );
    }
}

/// Issue 14: `transcribe` runs the VAD first and decodes only speech, as the live path does.
/// Silence, pink noise at -50 dBFS and mains hum give no words; the JSON says what was skipped;
/// speech keeps the file's times; `--no-vad` still decodes everything.
#[test]
fn transcribe_decodes_only_what_the_vad_calls_speech() {
    let dir = TempDir::new("vad-gate");
    let quiet = dir.path("quiet.wav");
    sox(&[
        "-n",
        "-r",
        "16000",
        "-c",
        "1",
        "-b",
        "16",
        quiet.to_str().unwrap(),
        "synth",
        "60",
        "pinknoise",
        "gain",
        "-n",
        "-50",
    ]);
    let hum = dir.path("hum.wav");
    sox(&[
        "-n",
        "-r",
        "16000",
        "-c",
        "1",
        "-b",
        "16",
        hum.to_str().unwrap(),
        "synth",
        "60",
        "sine",
        "50",
        "sine",
        "100",
        "sine",
        "150",
        "remix",
        "-",
        "gain",
        "-n",
        "-30",
    ]);
    let silence = dir.path("silence.wav");
    sox_audio(&silence, &["trim", "0", "60"]);
    let started = cpu_seconds_of_children();
    for wav in [&silence, &quiet, &hum] {
        let (text, json) = offline_transcript(wav, &[]);
        assert!(text.trim().is_empty(), "{} gave {text:?}", wav.display());
        assert_eq!(json["vad"]["detector"], "silero", "{json}");
        let skipped = json["vad"]["skipped_s"].as_f64().unwrap();
        assert!(skipped > 55.0, "{}: {json}", wav.display());
    }
    eprintln!(
        "3 minutes of silence, -50 dBFS pink noise and hum: {:.1} CPU seconds (scripts/bench silence measures an hour)",
        cpu_seconds_of_children() - started
    );

    // Speech after a minute of silence keeps its place in the file.
    let meeting = meeting();
    let late = dir.path("late.wav");
    sox(&[
        silence.to_str().unwrap(),
        meeting.wav.to_str().unwrap(),
        late.to_str().unwrap(),
    ]);
    let (text, json) = offline_transcript(&late, &[]);
    assert!(word_error_rate(&meeting.text(), &text) < 0.25, "{text}");
    let first = json["segments"][0]["start"].as_f64().unwrap();
    let expected = 60.0 + meeting.turns[0].start;
    assert!(
        (first - expected).abs() < 1.0,
        "the first words start at {first} s, spoken at {expected} s: {json}"
    );
    let skipped = json["vad"]["skipped_s"].as_f64().unwrap();
    assert!(skipped > 60.0, "the silence was skipped: {json}");
    let (_, whole) = offline_transcript(&late, &["--no-vad"]);
    assert!(whole["vad"].is_null(), "--no-vad says it decoded everything: {whole}");
}

/// CPU seconds (user + system) this process's finished children have used so far.
fn cpu_seconds_of_children() -> f64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a complete rusage into the pointer it is given.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr());
        usage.assume_init()
    };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Issue 14: the noise floor is what the room sounds like between words. Pink and brown noise
/// at about -30 dBFS are each reported as high noise, with a floor near their level. (A clean
/// meeting with silent gaps raises none: `daemon_publishes_an_alsa_meeting_as_cbor_transcripts`
/// checks that.)
#[test]
fn steady_noise_is_reported_as_high_noise_near_its_level() {
    for colour in ["pinknoise", "brownnoise"] {
        let dir = TempDir::new(&format!("noisy-room-{colour}"));
        let wav = dir.path("noise.wav");
        // Peaks at -20 dBFS: about -30 dBFS RMS.
        sox_audio(&wav, &["synth", "6", colour, "gain", "-n", "-20"]);
        let level = rms_dbfs(&samples_of(&wav));
        let raw = dir.path("noise.raw");
        sox(&[wav.to_str().unwrap(), "-t", "raw", raw.to_str().unwrap()]);
        let asoundrc = file_pcm_config(&dir, "noise", &raw);
        let port = free_port();
        let config = daemon_config(port, "noise", "metrics_interval_s = 1\n");
        let _daemon = Daemon::start_ready(&dir, &config, Some(&asoundrc));
        let subscriber = Subscriber::start(&dir, port, "roomscribe/room-7/insights");
        let noise_events = || {
            decode_cbor_independently(&subscriber.on_topic("roomscribe/room-7/insights"))
                .into_iter()
                .filter(|m| m["kind"] == "high_noise")
                .collect::<Vec<_>>()
        };
        wait_until(
            Duration::from_secs(20),
            &format!("a high-noise insight in {colour}"),
            || !noise_events().is_empty(),
        );
        let floor = noise_events()[0]["noise_floor_dbfs"].as_f64().unwrap();
        assert!(
            floor > -45.0 && floor < level + 1.0 && floor > level - 8.0,
            "{colour}: floor {floor:.1} dBFS in noise of {level:.1} dBFS RMS"
        );
    }
}

fn rms_dbfs(samples: &[f32]) -> f64 {
    let power = samples.iter().map(|&s| f64::from(s) * f64::from(s)).sum::<f64>() / samples.len().max(1) as f64;
    10.0 * power.log10()
}
