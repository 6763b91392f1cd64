#!/usr/bin/env python3
"""Writes daemon/src/asr/whisper/testdata/mel_golden.json: Whisper log-mel values of a fixed
synthetic signal, computed by faster-whisper's FeatureExtractor (a numpy implementation of the
reference `log_mel_spectrogram`, independent of ours). Run once, with the bench venv:

    ~/.cache/roomscribe/bench-venv/bin/python scripts/lib/make_mel_golden.py

The signal is rebuilt bit for bit by the Rust test (`golden_signal` in mel.rs).
"""
import json
from pathlib import Path

import numpy as np
from faster_whisper.feature_extractor import FeatureExtractor

RATE = 16000
SAMPLES = 8000
PADDING = 800
FRAMES = [0, 1, 17, 33, 49, 54]


def golden_signal() -> np.ndarray:
    n = np.arange(SAMPLES, dtype=np.float64)
    t = n / RATE
    x = 0.5 * np.sin(2 * np.pi * 440.0 * t) + 0.25 * t * np.sin(2 * np.pi * 1234.5 * t)
    return x.astype(np.float32)


def main() -> None:
    mel = FeatureExtractor(feature_size=80)(golden_signal(), padding=PADDING)
    out = {
        "about": "scripts/lib/make_mel_golden.py: faster-whisper FeatureExtractor on golden_signal()",
        "samples": SAMPLES,
        "padding": PADDING,
        "frames_total": int(mel.shape[1]),
        "frames": {str(f): [round(float(v), 5) for v in mel[:, f]] for f in FRAMES},
    }
    path = Path(__file__).resolve().parents[2] / "daemon/src/asr/whisper/testdata/mel_golden.json"
    path.write_text(json.dumps(out) + "\n")
    print(f"wrote {path} ({mel.shape})")


if __name__ == "__main__":
    main()
