#!/usr/bin/env python3
"""The baseline for `scripts/bench asr`: faster-whisper on one WAV, printed as roomscribe's
`transcribe --format json` prints it ({"segments": [{"start", "end", "text"}]}).

    fw_transcribe.py MODEL_DIR WAV --beam-size N --compute-type float32|int8 --threads N [--vad-filter]
"""
import argparse
import json

from faster_whisper import WhisperModel


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("wav")
    parser.add_argument("--beam-size", type=int, required=True)
    parser.add_argument("--compute-type", required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--vad-filter", action="store_true", help="decode only what Silero VAD calls speech")
    args = parser.parse_args()
    model = WhisperModel(args.model, device="cpu", compute_type=args.compute_type, cpu_threads=args.threads)
    segments, _ = model.transcribe(args.wav, beam_size=args.beam_size, language="en",
                                   vad_filter=args.vad_filter)
    out = [{"start": s.start, "end": s.end, "text": s.text.strip()} for s in segments]
    print(json.dumps({"segments": out}))


if __name__ == "__main__":
    main()
