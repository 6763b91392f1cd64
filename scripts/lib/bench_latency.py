#!/usr/bin/env python3
"""`scripts/bench latency`: how long after a turn ends its final transcript reaches a subscriber.

Each meeting of the corpus is played to the real daemon through an ALSA `file` PCM, paced in
real time (`capture.pacing = "realtime"`), with the default [vad] settings; Debian's
`mosquitto_sub` subscribes from outside and stamps every message on arrival. Per meeting and
setting (beam 5 and greedy):

- latency of each ground-truth turn: from the moment its last sample was captured to the arrival
  of the final that carries its last words: the last final to start before the turn's end (less
  0.3 s, Whisper's timing error), p50 / p95 / max;
- turns dropped ("drop"): turns no first-published final overlaps at all, what the live path
  published nothing for;
- turns lost: turns of which fewer than half the words reached any final near them ("lost",
  by the finals as first published; "rev", by each final's latest revision; "off", by offline
  `transcribe`'s segments, scored the same way: a turn the recogniser mishears offline too is
  lost there as well, so "lost" above "off" is, net, what the live path loses that offline
  transcription keeps);
- live WER (the finals as first published, in order), revised WER (each final's latest
  revision: `asr.revise_finals` hears finals again with the speech around them) and offline
  `roomscribe transcribe` WER of the same file at the same beam size, all scored by the
  corpus's score.py.

With `--speakers` (the CAM++ weights given by `scripts/bench latency`), the daemon also labels
speakers live and a meeting ends 5 s after its last speech; each meeting is then scored for who
spoke when by the corpus's scorer from what a subscriber received: the finals' labels as first
published, at each final's latest revision (a live voice split in two mid-meeting sends its
earlier finals again, relabelled), and after the end-of-meeting re-clustering (the latest labels
with the `speakers` topic's changes applied): DER with a 0.25 s collar, speakers
counted, attribution. That is `scripts/bench speakers` on the live path's own finals, not on
offline segments. Run it on ../shared/corpus/rooms:
`scripts/bench latency --corpus ../shared/corpus/rooms --files 'meetings/pub_r0[1-6].wav' --beams 5 --speakers`.

The stream's origin in wall-clock time comes from the retained health messages (one a second):
`ts - capture.captured_frames / 16000`, the smallest over the run, which is at most one ALSA period
(20 ms) early, so latencies are if anything overstated by that much.
"""
import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

SCORER_PYTHON = "python3.11"
RATE = 16000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def words(text: str) -> list[str]:
    return [w for w in re.sub(r"[^a-z0-9' ]", " ", text.lower()).split() if w]


def score_wer(score_py: Path, truth: Path, segments: list[dict]) -> float:
    return score_file(score_py, truth, segments)["wer"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round((len(ordered) - 1) * q)))]


def cbor_decode(payload: bytes):
    import cbor2  # Debian's python3-cbor2 (scripts/setup installs it)
    return cbor2.loads(payload)


def score_file(score_py: Path, truth: Path, segments: list[dict]) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".json") as hyp:
        json.dump({"segments": segments}, hyp)
        hyp.flush()
        out = subprocess.run([SCORER_PYTHON, str(score_py), str(truth), hyp.name],
                             check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def play_live(args, wav: Path, beam: int, work: Path) -> tuple[list[tuple[float, dict]], float, float, list[dict]]:
    """Plays `wav` to the daemon; returns (arrival time, decoded final) pairs, the stream origin,
    the daemon's CPU seconds (whole process, from its last health message) and the speaker
    revisions published (with `--speakers`)."""
    with wave.open(str(wav)) as w:
        if (w.getframerate(), w.getnchannels(), w.getsampwidth()) != (RATE, 1, 2):
            sys.exit(f"bench: {wav} is not 16 kHz mono 16-bit")
        raw = w.readframes(w.getnframes())
        seconds = w.getnframes() / RATE
    # Ten seconds of silence after the meeting let the last turn end; the PCM then goes quiet.
    (work / "meeting.raw").write_bytes(raw + bytes(2 * RATE * 10))
    (work / "asoundrc").write_text(
        'pcm.meeting {\n  type file\n  slave.pcm "null"\n  file "/dev/null"\n'
        f'  infile "{work / "meeting.raw"}"\n  format "raw"\n}}\n')
    port, port5 = free_port(), free_port()
    (work / "roomscribe.toml").write_text(
        f'device_id = "bench"\nstate_dir = "{work / "state"}"\n'
        '[capture]\npcm = "meeting"\npacing = "realtime"\n'
        f'[vad]\nmodel = "{args.silero}"\n'
        f'[asr]\nmodel_dir = "{args.model}"\nthreads = 2\nbeam_size = {beam}\n'
        f'revise_finals = {"false" if args.no_revise else "true"}\n'
        f'[bus]\nlisten = "127.0.0.1:{port}"\nmqtt5_listen = "127.0.0.1:{port5}"\nhealth_interval_s = 1\n'
        + (f'[speakers]\nmodel = "{args.campplus}"\n[meeting]\nend_after_quiet_s = 5\n' if args.speakers else ''))
    env = dict(os.environ, ALSA_CONFIG_PATH=f"/usr/share/alsa/alsa.conf:{work / 'asoundrc'}", RUST_LOG=os.environ.get("BENCH_LATENCY_RUST_LOG", "warn"))
    log = open(work / "daemon.log", "wb")
    daemon = subprocess.Popen([args.roomscribe, "run", "--config", str(work / "roomscribe.toml")],
                              stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        sub = None
        deadline = time.monotonic() + 60
        while sub is None:
            if daemon.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"bench: the daemon did not start:\n{(work / 'daemon.log').read_text()}")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    sub = subprocess.Popen(
                        ["mosquitto_sub", "-p", str(port), "-q", "1", "-t", "roomscribe/bench/#",
                         "-F", "%U %t %x"], stdout=subprocess.PIPE, text=True)
                    break
            time.sleep(0.05)
        lines = []
        end = time.monotonic() + seconds + 12
        import selectors
        sel = selectors.DefaultSelector()
        sel.register(sub.stdout, selectors.EVENT_READ)
        # With speakers, the meeting's end (5 s quiet) brings the speakers revision: wait for it.
        patience = time.monotonic() + seconds + 120
        while time.monotonic() < end or (
                args.speakers and time.monotonic() < patience
                and not any(" roomscribe/bench/speakers " in line for line in lines)):
            for _ in sel.select(timeout=0.5):
                line = sub.stdout.readline()
                if line:
                    lines.append(line)
        sub.terminate()
        lines.extend(sub.stdout.readlines())
    finally:
        daemon.terminate()
        daemon.wait(timeout=60)
        log.close()
        if os.environ.get("BENCH_LATENCY_RUST_LOG"):
            kept = Path(tempfile.gettempdir()) / f"bench-latency-{wav.stem}-beam{beam}.log"
            shutil.copyfile(work / "daemon.log", kept)
            print(f"daemon log kept in {kept}", file=sys.stderr)
    finals, origins, cpu_s, speakers = [], [], 0.0, []
    for line in lines:
        parts = line.split(" ", 2)
        if len(parts) != 3:
            continue
        arrival, topic, payload = float(parts[0]), parts[1], bytes.fromhex(parts[2].strip())
        if topic in ("roomscribe/bench/transcript", "roomscribe/bench/transcript/revision"):
            finals.append((arrival, cbor_decode(payload)))
        elif topic == "roomscribe/bench/speakers":
            speakers.append(cbor_decode(payload))
        elif topic == "roomscribe/bench/health":
            health = cbor_decode(payload)
            frames = (health.get("capture") or {}).get("captured_frames") or 0
            if frames > RATE:
                origins.append(health["ts"] / 1000 - frames / RATE)
            cpu_s = max(cpu_s, (health.get("process") or {}).get("cpu_s") or 0.0)
    if not origins:
        sys.exit(f"bench: no health message told the stream's origin:\n{(work / 'daemon.log').read_text()}")
    return finals, min(origins), cpu_s, speakers


def turn_results(turns: list[dict], finals: list[tuple[float, dict]], origin: float):
    """Per turn: latency (s) or None when lost."""
    results = []
    for turn in turns:
        near = [(a, f) for a, f in finals if f["start"] < turn["end"] + 1.0 and f["end"] > turn["start"] - 1.0]
        heard = set(w for _, f in near for w in words(f["text"]))
        said = words(turn["text"])
        recall = sum(w in heard for w in said) / max(1, len(said))
        carrying = [(f["start"], a) for a, f in near if f["start"] < turn["end"] - 0.3]
        if recall < 0.5 or not carrying:
            results.append(None)
            continue
        _, arrival = max(carrying)
        results.append(arrival - (origin + turn["end"]))
    return results


def dropped_turns(turns: list[dict], finals: list[tuple[float, dict]]) -> int:
    """Turns no final overlaps in time: nothing was published for them (misheard turns are not
    counted here; `turn_results` counts them as lost)."""
    return sum(not any(f["start"] < turn["end"] and f["end"] > turn["start"] for _, f in finals) for turn in turns)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--roomscribe", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--silero", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--files", default="meetings/pub_m0[1-3].wav", help="glob under the corpus")
    parser.add_argument("--beams", default="5,1", help="beam sizes to run, comma-separated")
    parser.add_argument("--speakers", action="store_true",
                        help="label speakers live and score who spoke when (live and re-clustered)")
    parser.add_argument("--campplus", help="CAM++ weights, for --speakers")
    parser.add_argument("--keep-finals", metavar="DIR",
                        help="write each meeting's finals (latest revisions) as DIR/<meeting>.transcript.json, "
                             "segments for `speakers_sweep` (tuning the [speakers] thresholds on live finals)")
    parser.add_argument("--no-revise", action="store_true",
                        help="asr.revise_finals = false: finals are not heard again (for an A/B)")
    args = parser.parse_args()
    if args.speakers and not (args.campplus and Path(args.campplus).is_file()):
        sys.exit("bench: --speakers needs --campplus, the CAM++ weights (scripts/bench latency passes them)")
    corpus = Path(args.corpus)
    score_py = corpus.parent / "tools" / "score.py"
    wavs = sorted(corpus.glob(args.files))
    if not wavs:
        sys.exit(f"bench: no WAV matches {args.files} under {corpus}")
    for tool in ("mosquitto_sub", SCORER_PYTHON):
        if not shutil.which(tool):
            sys.exit(f"bench: {tool} is missing (scripts/setup installs it)")
    print(f"{'file':<20} {'beam':>4} {'turns':>5} {'drop':>4} {'lost':>4} {'rev':>4} {'off':>4} {'p50 s':>6} {'p95 s':>6} {'max s':>6} "
          f"{'live WER%':>9} {'revised WER%':>12} {'offline WER%':>12} {'CPU s':>6}")
    speaker_rows = []
    for beam in [int(b) for b in args.beams.split(",")]:
        every, lost_total, turns_total, live_w, rev_w, off_w, cpu_total = [], 0, 0, [], [], [], 0.0
        lost_revised_total, lost_offline_total, dropped_total = 0, 0, 0
        for wav in wavs:
            truth_path = wav.with_suffix(".json")
            truth = json.loads(truth_path.read_text())
            with tempfile.TemporaryDirectory(prefix="bench-latency-") as tmp:
                finals, origin, cpu_s, speakers = play_live(args, wav, beam, Path(tmp))
            # A revision (the final heard again with the speech around it) has the same seq and
            # a higher `revision`: latency counts first finals, "revised WER" the latest text.
            revised = {}
            for arrival, final in finals:
                if final["seq"] not in revised or final.get("revision", 1) > revised[final["seq"]].get("revision", 1):
                    revised[final["seq"]] = final
            finals = sorted((af for af in finals if af[1].get("revision", 1) == 1), key=lambda af: af[1]["seq"])
            if args.keep_finals:
                kept_dir = Path(args.keep_finals)
                kept_dir.mkdir(parents=True, exist_ok=True)
                (kept_dir / f"{wav.stem}.transcript.json").write_text(json.dumps({"segments": [
                    {"start": f["start"], "end": f["end"], "text": f["text"], "live_speaker": f.get("speaker")}
                    for _, f in sorted(revised.items())]}))
            if args.speakers:
                first = {f["seq"]: f for _, f in finals}
                speaker_rows.append((wav.name, beam, who_spoke(score_py, truth_path, revised, first, speakers)))
            latencies = turn_results(truth["turns"], finals, origin)
            kept = [l for l in latencies if l is not None]
            lost = len(latencies) - len(kept)
            dropped = dropped_turns(truth["turns"], finals)
            dropped_total += dropped
            lost_revised = turn_results(truth["turns"], [(0.0, f) for f in revised.values()], 0.0).count(None)
            live = score_wer(score_py, truth_path, [
                {"start": f["start"], "end": f["end"], "text": f["text"]} for _, f in finals])
            revised_wer = score_wer(score_py, truth_path, [
                {"start": f["start"], "end": f["end"], "text": f["text"]} for _, f in sorted(revised.items())])
            offline_json = subprocess.run(
                [args.roomscribe, "transcribe", str(wav), "--format", "json", "--model", args.model,
                 "--beam-size", str(beam), "--threads", "2"], check=True, capture_output=True).stdout
            offline_segments = json.loads(offline_json)["segments"]
            offline = score_wer(score_py, truth_path, offline_segments)
            lost_offline = turn_results(truth["turns"], [(0.0, f) for f in offline_segments], 0.0).count(None)
            every += kept
            lost_total += lost
            lost_revised_total += lost_revised
            lost_offline_total += lost_offline
            turns_total += len(latencies)
            live_w.append(live)
            rev_w.append(revised_wer)
            cpu_total += cpu_s
            off_w.append(offline)
            p = (lambda q: percentile(kept, q)) if kept else (lambda q: float("nan"))
            print(f"{wav.name:<20} {beam:>4} {len(latencies):>5} {dropped:>4} {lost:>4} {lost_revised:>4} {lost_offline:>4} "
                  f"{p(0.5):6.2f} {p(0.95):6.2f} "
                  f"{max(kept, default=float('nan')):6.2f} {100 * live:9.2f} {100 * revised_wer:12.2f} {100 * offline:12.2f} {cpu_s:6.1f}", flush=True)
            if os.environ.get("BENCH_LATENCY_TURNS"):
                for turn, latency in zip(truth["turns"], latencies):
                    shown = "lost" if latency is None else f"{latency:5.2f}"
                    print(f"    {turn['end']:8.2f} {shown:>6}  {turn['text'][:70]}")
                for arrival, final in finals:
                    print(f"    final {final['start']:7.2f}-{final['end']:7.2f} at {arrival - origin:8.2f}  {final['text']}")
                    if revised[final["seq"]] is not final:
                        print(f"      revised to  {revised[final['seq']]['text']}")
        if every:
            print(f"{'all':<20} {beam:>4} {turns_total:>5} {dropped_total:>4} {lost_total:>4} {lost_revised_total:>4} "
                  f"{lost_offline_total:>4} {percentile(every, 0.5):6.2f} "
                  f"{percentile(every, 0.95):6.2f} {max(every):6.2f} {100 * statistics.mean(live_w):9.2f} "
                  f"{100 * statistics.mean(rev_w):12.2f} {100 * statistics.mean(off_w):12.2f} {cpu_total:6.1f}", flush=True)


    if speaker_rows:
        print(f"\nwho spoke when, from the finals a subscriber received (DER with a 0.25 s collar)")
        print(f"{'file':<20} {'beam':>4} {'spk':>3} {'live DER':>9} {'live n':>6} {'live attr':>9} "
              f"{'relab DER':>9} {'relab n':>7} {'moved':>5} "
              f"{'final DER':>9} {'final n':>7} {'final attr':>10} {'changed':>7} {'revisions':>9}")
        for name, beam, row in speaker_rows:
            print(f"{name:<20} {beam:>4} {row['ref']:>3} {row['live']['der']:9.3f} {row['live']['n']:>6} "
                  f"{row['live']['attribution']:9.3f} {row['relabelled']['der']:9.3f} {row['relabelled']['n']:>7} "
                  f"{row['moved']:>5} {row['final']['der']:9.3f} {row['final']['n']:>7} "
                  f"{row['final']['attribution']:10.3f} {row['changed']:>7} {row['revisions']:>9}")
        for beam in sorted({b for _, b, _ in speaker_rows}):
            rows = [r for _, b, r in speaker_rows if b == beam]
            for kind in ("live", "relabelled", "final"):
                scored = sum(r[kind]["scored_s"] for r in rows)
                der = sum(r[kind]["der"] * r[kind]["scored_s"] for r in rows) / scored if scored else float("nan")
                exact = sum(r[kind]["n"] == r["ref"] for r in rows)
                print(f"total beam {beam} {kind:<10}: DER {der:.3f} (pooled over {scored:.0f} s), "
                      f"speaker count exact {exact} of {len(rows)}, attribution "
                      f"{statistics.mean(r[kind]['attribution'] for r in rows):.3f} (mean of files)")


def who_spoke(score_py: Path, truth: Path, revised: dict, first: dict, speakers: list[dict]) -> dict:
    """Scores the finals' labels (each final's text and times at its latest revision) three
    ways: as first published ("live"); at each final's latest revision ("relabelled": a live
    voice split in two mid-meeting sends its earlier finals again with the new speaker); and
    after the meeting's speakers revision ("final", its changes applied to the latest labels,
    which is what the store holds)."""
    latest = [{"start": f["start"], "end": f["end"], "text": f["text"], "speaker": f.get("speaker")}
              for _, f in sorted(revised.items())]
    live = [dict(s, speaker=(first.get(seq) or f).get("speaker"))
            for s, (seq, f) in zip(latest, sorted(revised.items()))]
    changes = {c["seq"]: c["to"] for message in speakers for c in message.get("changes", [])}
    final = [dict(s, speaker=changes.get(seq, s["speaker"])) for seq, s in zip(sorted(revised), latest)]
    relabelled = sum(1 for s, l in zip(latest, live) if s["speaker"] != l["speaker"])

    def scores(segments):
        if not segments or any(s["speaker"] is None for s in segments):
            return {"der": float("nan"), "scored_s": 0.0, "n": 0, "attribution": float("nan")}
        result = score_file(score_py, truth, segments)
        d = result.get("diarization") or {}
        return {"der": d.get("der", float("nan")), "scored_s": d.get("scored_ref_s", 0.0),
                "n": d.get("hyp_speakers", 0), "attribution": (result.get("speaker") or {}).get("accuracy", float("nan")),
                "ref": d.get("ref_speakers", 0)}

    live_scores = scores(live)
    return {"live": live_scores, "relabelled": scores(latest), "final": scores(final),
            "ref": live_scores.get("ref", 0), "moved": relabelled,
            "changed": sum(1 for seq in revised if seq in changes), "revisions": len(speakers)}


if __name__ == "__main__":
    main()
