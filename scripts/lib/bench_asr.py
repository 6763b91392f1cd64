#!/usr/bin/env python3
"""`scripts/bench asr`: roomscribe and faster-whisper side by side on every WAV of the corpus.

Each run is a separate process (so its peak RSS is its own), timed from start to exit, model
load included, with 2 threads. WER comes from the corpus's own scorer (score.py). Printed per
file and setting: WER, real-time factor (processing seconds / audio seconds), peak RSS, and the
ratios roomscribe / faster-whisper. Settings: greedy and beam 5; roomscribe at float32, mixed
(bfloat16 encoder, float32 decoder) and bfloat16, faster-whisper at float32 and int8.

With --repeat N every system runs N times on every file and setting, the systems taking turns,
and the median time counts (WER: the mean of the N runs; RSS: the largest). faster-whisper's
temperature fallback samples without a fixed seed, so its time on noisy files varies from run
to run (2× on the 5 dB babble meeting); the median of several runs says more than one.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

HERE = Path(__file__).resolve().parent
THREADS = 2
# score.py bootstraps its own venv (jiwer, whisper-normalizer) with the system Python 3.11.
SCORER_PYTHON = "python3.11"


def run_measured(cmd: list[str]) -> tuple[bytes, float, float]:
    """Runs `cmd`; returns (stdout, wall seconds, peak RSS in MiB)."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"bench: {' '.join(cmd)} failed:\n{err.read().decode(errors='replace')}")
        return out.read(), elapsed, usage.ru_maxrss / 1024


def wer(score_py: Path, truth: Path, hypothesis: bytes) -> float:
    with tempfile.NamedTemporaryFile("wb", suffix=".json") as hyp:
        hyp.write(hypothesis)
        hyp.flush()
        out = subprocess.run([SCORER_PYTHON, str(score_py), str(truth), hyp.name],
                             check=True, capture_output=True).stdout
    return json.loads(out)["wer"]


def duration(wav: Path) -> float:
    with wave.open(str(wav)) as w:
        return w.getnframes() / w.getframerate()


OURS = ("roomscribe", "roomscribe-mixed", "roomscribe-bf16")
BASELINES = ("fw-float32", "fw-int8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--roomscribe", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--files", default="**/*.wav", help="glob under the corpus")
    parser.add_argument("--systems", default=",".join(OURS + BASELINES),
                        help="comma-separated subset of: " + ", ".join(OURS + BASELINES))
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs per system, file and setting; the median time counts")
    args = parser.parse_args()
    if args.repeat < 1:
        sys.exit("bench: --repeat must be at least 1")
    chosen = args.systems.split(",")
    unknown = set(chosen) - set(OURS + BASELINES)
    if unknown:
        sys.exit(f"bench: unknown systems {', '.join(sorted(unknown))}; known: {', '.join(OURS + BASELINES)}")
    ours_chosen = [s for s in OURS if s in chosen]
    baselines_chosen = [s for s in BASELINES if s in chosen]
    corpus = Path(args.corpus)
    score_py = corpus.parent / "tools" / "score.py"
    wavs = sorted(corpus.glob(args.files))
    if not wavs:
        sys.exit(f"bench: no WAV matches {args.files} under {corpus}")

    def ours(beam: int, compute_type: str):
        return [args.roomscribe, "transcribe", None, "--format", "json", "--model", args.model,
                "--beam-size", str(beam), "--threads", str(THREADS), "--device", "cpu",
                "--compute-type", compute_type]

    def theirs(beam: int, compute_type: str):
        return [sys.executable, str(HERE / "fw_transcribe.py"), args.model, None, "--beam-size", str(beam),
                "--compute-type", compute_type, "--threads", str(THREADS)]

    settings = [("greedy", 1), ("beam5", 5)]
    # float32 (the reference's arithmetic), mixed (bfloat16 encoder, float32 decoder: what
    # "auto" picks on a CPU with native bfloat16) and bfloat16 throughout.
    rows = []
    totals: dict[str, dict[str, float]] = {}
    print(f"{'file':<22} {'setting':<8} {'system':<16} {'WER%':>6} {'RTF':>7} {'RSS MiB':>8}")
    for wav in wavs:
        truth = wav.with_suffix(".json")
        seconds = duration(wav)
        for name, beam in settings:
            systems = [("roomscribe", ours(beam, "float32")), ("roomscribe-mixed", ours(beam, "mixed")),
                       ("roomscribe-bf16", ours(beam, "bfloat16")),
                       ("fw-float32", theirs(beam, "float32")), ("fw-int8", theirs(beam, "int8"))]
            systems = [(system, cmd) for system, cmd in systems if system in chosen]
            runs: dict[str, list[tuple[float, float, float]]] = {system: [] for system, _ in systems}
            for _ in range(args.repeat):
                for system, cmd in systems:
                    cmd = [str(wav) if part is None else part for part in cmd]
                    out, elapsed, rss = run_measured(cmd)
                    runs[system].append((wer(score_py, truth, out), elapsed, rss))
            results = {}
            for system, _ in systems:
                w = statistics.mean(r[0] for r in runs[system])
                elapsed = statistics.median(r[1] for r in runs[system])
                rss = max(r[2] for r in runs[system])
                results[system] = (w, elapsed / seconds, rss)
                t = totals.setdefault(f"{name}/{system}", {"err": 0.0, "elapsed": 0.0, "audio": 0.0, "rss": 0.0, "n": 0})
                t["err"] += w
                t["elapsed"] += elapsed
                t["audio"] += seconds
                t["rss"] = max(t["rss"], rss)
                t["n"] += 1
                print(f"{wav.name:<22} {name:<8} {system:<16} {100 * w:6.2f} {elapsed / seconds:7.4f} {rss:8.1f}", flush=True)
            rows.append((wav.name, name, results))

    print("\nroomscribe / faster-whisper (real-time factor and peak RSS: below 1.0 means roomscribe is better)")
    print(f"{'file':<22} {'setting':<8} {'ours/baseline':<27} {'WER pts':>8} {'RTF ratio':>10} {'RSS ratio':>10}")
    for file, name, results in rows:
        for ours_name in ours_chosen:
            ours_w, ours_rtf, ours_rss = results[ours_name]
            for base in baselines_chosen:
                w, rtf, rss = results[base]
                label = f"{ours_name}/{base}"
                print(f"{file:<22} {name:<8} {label:<27} {100 * (ours_w - w):+8.2f} {ours_rtf / rtf:10.3f} {ours_rss / rss:10.3f}")
    print("\nTotals (mean WER over files; RTF over all audio; largest peak RSS)")
    for key, t in totals.items():
        print(f"{key:<28} WER {100 * t['err'] / t['n']:6.2f}%  RTF {t['elapsed'] / t['audio']:.4f}  RSS {t['rss']:.1f} MiB")
    for name, _ in settings:
        for ours_name in ours_chosen:
            ours_t = totals[f"{name}/{ours_name}"]
            for base in baselines_chosen:
                b = totals[f"{name}/{base}"]
                ratio = (ours_t["elapsed"] / ours_t["audio"]) / (b["elapsed"] / b["audio"])
                print(f"{name} {ours_name}/{base}: RTF ratio {ratio:.3f}, "
                      f"WER {100 * (ours_t['err'] - b['err']) / ours_t['n']:+.2f} pts")


if __name__ == "__main__":
    main()
