#!/usr/bin/env python3
"""Write the English word-frequency list the keyword ranking weighs single words by
(`daemon/src/meaning/english-common-words.txt`).

Source: the byte-pair vocabulary of Whisper's tokenizer (`tokenizer.json` in the model folder
`scripts/setup` fetches; MIT licence, the GPT-2 vocabulary). Byte-pair merges are learned most
frequent first, so a whole word's token id orders words by how often they occur in general
text. Kept: tokens that are a space and a lower-case ASCII word of three or more letters, in
id order, one per line. Deterministic: the same tokenizer gives the same file.

    python3 scripts/lib/common_words.py ~/.cache/roomscribe/models/whisper-tiny.en/tokenizer.json \
        > daemon/src/meaning/english-common-words.txt
"""
import json
import sys

SPACE = "\u0120"  # how the byte-level vocabulary writes a leading space


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: common_words.py TOKENIZER_JSON > english-common-words.txt")
    vocab = json.load(open(sys.argv[1], encoding="utf-8"))["model"]["vocab"]
    words = sorted((rank, token[1:]) for token, rank in vocab.items()
                   if token.startswith(SPACE) and len(token) >= 4
                   and token[1:].isascii() and token[1:].isalpha() and token[1:].islower())
    sys.stdout.write("".join(f"{word}\n" for _, word in words))


if __name__ == "__main__":
    main()
