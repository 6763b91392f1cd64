#!/usr/bin/env python3
"""`scripts/bench vad`: frame-level speech/non-speech F1 of roomscribe's VAD stage against the
ground-truth turns of every meeting of the public corpus, Silero VAD side by side with the
energy gate roomscribe falls back to (the baseline), on a 10 ms grid.

Segments are scored as the VAD finds them, without the padding the daemon adds for ASR
(speech_pad_ms = 0); every other [vad] setting is the default.

Targets (issue 4): F1 >= 0.90 on the clean meetings, >= 0.80 on the 5 dB ones.
"""
import argparse
import json
import pathlib
import subprocess
import sys
import tempfile

from precision_recall import precision_recall_f1

GRID = 0.01


def frames(intervals, duration):
    marks = [False] * int(round(duration / GRID))
    for start, end in intervals:
        for i in range(max(0, int(round(start / GRID))), min(len(marks), int(round(end / GRID)))):
            marks[i] = True
    return marks


def f1(truth, guess):
    return precision_recall_f1(truth, guess)[2]


def condition(meta):
    snr = meta["condition"].get("snr_db")
    return "clean" if snr is None else f"{snr:g} dB"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--roomscribe", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--silero-model", required=True)
    args = parser.parse_args()

    work = pathlib.Path(tempfile.mkdtemp(prefix="roomscribe-bench-vad-"))
    configs = {
        "silero": f'[vad]\nmodel = "{args.silero_model}"\nspeech_pad_ms = 0\n',
        "energy gate": '[vad]\nmodel = "/nonexistent/silero_vad.jit"\nspeech_pad_ms = 0\n',
    }
    for name, text in configs.items():
        (work / f"{name.replace(' ', '-')}.toml").write_text(text)

    wavs = sorted(pathlib.Path(args.corpus).glob("meetings/*.wav"))
    print(f"{'file':<24} {'condition':<10} {'silero F1':>10} {'energy F1':>10} {'ratio':>7}")
    by_condition = {}
    for wav in wavs:
        meta = json.loads(wav.with_suffix(".json").read_text())
        truth = frames([(t["start"], t["end"]) for t in meta["turns"]], meta["duration"])
        scores = {}
        for name in configs:
            config = work / f"{name.replace(' ', '-')}.toml"
            out = subprocess.run(
                [args.roomscribe, "vad", str(wav), "--config", str(config)],
                capture_output=True, text=True, check=True,
            )
            timeline = json.loads(out.stdout)
            assert timeline["detector"] == name, timeline["detector"]
            scores[name] = f1(truth, frames(timeline["segments"], meta["duration"]))
        cond = condition(meta)
        by_condition.setdefault(cond, []).append(scores)
        ratio = scores["silero"] / scores["energy gate"] if scores["energy gate"] else float("inf")
        print(f"{wav.name:<24} {cond:<10} {scores['silero']:10.3f} {scores['energy gate']:10.3f} {ratio:7.2f}")

    print("\nMean F1 by condition (silero / energy gate)")
    targets = {"clean": 0.90, "5 dB": 0.80}
    failed = False
    for cond, rows in sorted(by_condition.items()):
        silero = sum(r["silero"] for r in rows) / len(rows)
        energy = sum(r["energy gate"] for r in rows) / len(rows)
        target = targets.get(cond)
        verdict = ""
        if target is not None:
            verdict = f"  target {target:.2f}: {'met' if silero >= target else 'NOT MET'}"
            failed |= silero < target
        print(f"{cond:<10} {silero:.3f} / {energy:.3f}  (ratio {silero / energy if energy else float('inf'):.2f}){verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
