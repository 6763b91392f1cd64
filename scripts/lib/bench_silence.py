#!/usr/bin/env python3
"""`scripts/bench silence`: an hour without speech through `transcribe`, roomscribe against
faster-whisper with its `vad_filter`, side by side.

Twenty minutes each of digital silence, pink noise at -50 dBFS and mains hum (50 Hz with two
harmonics, -30 dBFS peak), made by sox. Each system transcribes each file (beam 5, 2 threads);
printed: words out (should be 0) and CPU seconds (user + system of the process, model load
included), and the ratio roomscribe / faster-whisper. roomscribe's `--no-vad` on the first two
minutes of each shows what the VAD gate saves.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
KINDS = {
    "silence": ["trim", "0", "{s}"],
    "pink-50dBFS": ["synth", "{s}", "pinknoise", "gain", "-n", "-50"],
    "hum": ["synth", "{s}", "sine", "50", "sine", "100", "sine", "150", "remix", "-", "gain", "-n", "-30"],
}


def run(cmd: list[str]) -> tuple[int, float, float]:
    """Runs `cmd`; returns (words printed, CPU seconds, wall seconds)."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"bench: {' '.join(cmd)} failed:\n{err.read().decode(errors='replace')}")
        segments = json.loads(out.read())["segments"]
    words = sum(len(s["text"].split()) for s in segments)
    return words, usage.ru_utime + usage.ru_stime, wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--roomscribe", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--fw-python", required=True, help="a Python with faster-whisper")
    parser.add_argument("--minutes", type=float, default=20.0, help="minutes of each kind")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-silence-") as tmp:
        files = {}
        for kind, effects in KINDS.items():
            for label, seconds in ((kind, args.minutes * 60), (f"{kind}-2min", 120)):
                path = Path(tmp) / f"{label}.wav"
                subprocess.run(["sox", "-n", "-r", "16000", "-c", "1", "-b", "16", str(path)]
                               + [e.format(s=seconds) for e in effects], check=True)
                files[label] = path
        ours = [args.roomscribe, "transcribe", None, "--format", "json", "--model", args.model,
                "--threads", "2", "--device", "cpu"]
        theirs = [args.fw_python, str(HERE / "fw_transcribe.py"), args.model, None, "--beam-size", "5",
                  "--compute-type", "float32", "--threads", "2", "--vad-filter"]
        print(f"{'audio':<16} {'system':<24} {'words':>5} {'CPU s':>8} {'wall s':>8}")
        totals = {"roomscribe": 0.0, "faster-whisper vad_filter": 0.0}
        for kind in KINDS:
            for system, cmd in (("roomscribe", ours), ("faster-whisper vad_filter", theirs)):
                words, cpu, wall = run([str(files[kind]) if p is None else p for p in cmd])
                totals[system] += cpu
                print(f"{kind:<16} {system:<24} {words:>5} {cpu:8.1f} {wall:8.1f}", flush=True)
            words, cpu, wall = run([str(files[f"{kind}-2min"]) if p is None else p for p in ours] + ["--no-vad"])
            print(f"{kind + ' 2 min':<16} {'roomscribe --no-vad':<24} {words:>5} {cpu:8.1f} {wall:8.1f}", flush=True)
        hour = 3 * args.minutes
        print(f"\n{hour:.0f} minutes without speech: roomscribe {totals['roomscribe'] / 60:.2f} CPU-minutes, "
              f"faster-whisper vad_filter {totals['faster-whisper vad_filter'] / 60:.2f} CPU-minutes, "
              f"ratio {totals['roomscribe'] / totals['faster-whisper vad_filter']:.2f}")


if __name__ == "__main__":
    main()
