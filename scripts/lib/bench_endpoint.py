#!/usr/bin/env python3
"""`scripts/bench endpoint`: how well the VAD stage's endpointer finds the ends of turns, for a
sweep of `vad.threshold`, `vad.pause_ms` and `vad.min_silence_ms`, on every meeting of the given
corpora. (The hysteresis below the threshold, 0.15, is Silero's reference `neg_threshold`.)

Runs `roomscribe vad` (the daemon's own VAD stage: Silero, hysteresis, padding) per file and
setting and compares its pauses and segment ends with the ground-truth turns:

- ends found: of the turn ends followed by a gap (the next turn starts after it), the share where
  a pause was handed out (or the segment closed) before the next turn began: a final can come
  there;
- lag p50 / p95: from the turn's end to that moment (the speech end the VAD saw, plus pause_ms):
  the part of the latency before decoding starts;
- pauses inside turns per minute of speech: decodes made ahead that speech then overruns (wasted
  CPU; they become finals only if Whisper ends a sentence there);
- merged: turn ends not followed by a segment end before the next turn (with min_silence_ms).
"""
import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round((len(ordered) - 1) * q)))] if ordered else float("nan")


def run_vad(roomscribe: str, silero: str, wav: Path, threshold: float, pause_ms: int, min_silence_ms: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".toml") as config:
        config.write(f'[vad]\nmodel = "{silero}"\nthreshold = {threshold}\npause_ms = {pause_ms}\n'
                     f'min_silence_ms = {min_silence_ms}\n')
        config.flush()
        out = subprocess.run([roomscribe, "vad", str(wav), "--config", config.name],
                             check=True, capture_output=True).stdout
    return json.loads(out)


def evaluate(turns, timeline, pause_s):
    found, lags, merged, ends = 0, [], 0, 0
    events = sorted([p + pause_s for p in timeline["pauses"]])
    segment_ends = [end for _, end in timeline["segments"]]
    inside = 0
    for i, turn in enumerate(turns):
        inside += sum(1 for p in timeline["pauses"] if turn["start"] + 0.1 < p < turn["end"] - 0.1)
        if i + 1 == len(turns):
            continue
        next_start = turns[i + 1]["start"]
        if next_start <= turn["end"]:
            continue  # overlapped speech: no end to find
        ends += 1
        # The moment the VAD could hand this turn over: a pause whose speech ended near the turn's end.
        candidates = [t for t in events if turn["end"] - 0.3 <= t - pause_s and t <= next_start + 0.1]
        if candidates:
            found += 1
            lags.append(min(candidates) - turn["end"])
        if not any(turn["end"] - 0.3 <= e <= next_start + 0.3 for e in segment_ends):
            merged += 1
    speech_min = sum(t["end"] - t["start"] for t in turns) / 60
    return found, ends, lags, merged, inside, speech_min


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--roomscribe", required=True)
    parser.add_argument("--silero", required=True)
    parser.add_argument("--corpus", action="append", required=True, help="a corpus folder (repeatable)")
    parser.add_argument("--threshold", default="0.5")
    parser.add_argument("--pause-ms", default="96,128,160,192,256,320")
    parser.add_argument("--min-silence-ms", default="400,600,800")
    args = parser.parse_args()
    sets = []
    for corpus in args.corpus:
        wavs = sorted(p for p in Path(corpus).glob("meetings/*.wav") if p.with_suffix(".json").is_file())
        if wavs:
            sets.append((Path(corpus).name, wavs))
    if not sets:
        sys.exit("bench: no meetings found")
    print(f"{'corpus':<8} {'thresh':>6} {'pause':>5} {'silence':>7} {'ends found':>10} {'lag p50':>7} {'lag p95':>7} "
          f"{'inside/min':>10} {'merged':>6}")
    for name, wavs in sets:
        truths = {w: json.loads(w.with_suffix(".json").read_text())["turns"] for w in wavs}
        settings = [(t, p, m) for t in [float(v) for v in args.threshold.split(",")]
                    for m in [int(v) for v in args.min_silence_ms.split(",")]
                    for p in [int(v) for v in args.pause_ms.split(",")] if p <= m]
        for threshold, pause, min_silence in settings:
            found = ends = merged = inside = 0
            lags, speech_min = [], 0.0
            for wav in wavs:
                timeline = run_vad(args.roomscribe, args.silero, wav, threshold, pause, min_silence)
                f, e, l, m, i, s = evaluate(truths[wav], timeline, pause / 1000)
                found, ends, merged, inside, speech_min = found + f, ends + e, merged + m, inside + i, speech_min + s
                lags += l
            print(f"{name:<8} {threshold:>6.2f} {pause:>5} {min_silence:>7} {100 * found / max(1, ends):9.1f}% "
                  f"{percentile(lags, 0.5):7.2f} {percentile(lags, 0.95):7.2f} "
                  f"{inside / max(speech_min, 1e-9):10.1f} {merged:>6}", flush=True)


if __name__ == "__main__":
    main()
