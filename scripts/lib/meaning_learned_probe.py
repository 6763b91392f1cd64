#!/usr/bin/env python3
"""An experiment, not part of the product: would a small learned sentence scorer find action
items and decisions in meetings nobody read better than the hand-written meaning rules do?
(For action items it did, and for decisions with --decision-features; the product's scorers,
built from it, are in daemon/src/meaning/learned.rs, trained by daemon/build.rs. This script
still serves to try other features.)

Sentence level only. A sentence is labelled an action item (or a decision) when it is part of
one in the truth file. A logistic regression over the sentence's words and word pairs (TF-IDF),
the words of the sentences before and after it, whether its speaker talks most and whether the
next sentence is someone else's, is trained on the written sets that have been read
(tests/fixtures/written-meetings, all but --unread and --not-trained) and judged on:

  unread  the sets nobody has read yet (--unread, by default the two newest);
  rooms   ../shared/corpus/rooms (the rules were written from it: an upper bound for them).

Its threshold is chosen by five-fold cross-validation over the read sets, grouped by set, so
nothing of the judged sets is seen. The rules' sentences are those inside an item that
`roomscribe analyze` found (--rules-hyp: a folder of its outputs, <set>/<id>.json, as
`scripts/bench meaning` or the scorer reads them). Only totals are printed for the judged sets,
so running this does not read their misses.

With --decision-features the decision scorer reads what the product's decision scorer reads
(learned.rs, Reading::Decision): the sentence's words and pairs and its first word, the words of
the sentence before, after and (weighed 0.3) after next, and whether whoever runs the meeting
says it (the chair the truth names, in the judged meetings too: the product guesses it, chair.rs), someone else speaks next, it asks, it is short (six words or fewer).

With --write-union DIR it also writes, per judged meeting, the rules' output with each sentence
the learned scorer finds at --bar or above, and the rules did not, added as an item (its speaker
as the owner; the sentence as the task or decision; a decision not within two sentences after
one), for the corpus's scorer to judge as items; with --veto V, a decision of the rules' less sure
than 0.9 whose every sentence the scorer rates under V is left out (the product's second opinion,
decisions::upheld):

  python3 ../shared/corpus/tools/score.py --set-dir tests/fixtures/written-meetings/written-zi \
      --hyp-dir DIR/written-zi

Needs scikit-learn (PyPI), in a virtual environment outside the repository, e.g.:

  python3 -m venv ~/.cache/roomscribe/learned-probe-venv
  ~/.cache/roomscribe/learned-probe-venv/bin/pip install scikit-learn
  ~/.cache/roomscribe/learned-probe-venv/bin/python scripts/lib/meaning_learned_probe.py \\
      --rules-hyp OUT --judge unread
"""
import argparse
import collections
import json
import pathlib
import re

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from precision_recall import precision_recall_f1

REPO = pathlib.Path(__file__).resolve().parents[2]
WRITTEN = REPO / "tests" / "fixtures" / "written-meetings"
ROOMS = REPO.parent / "shared" / "corpus" / "rooms" / "meetings"
# How much of a sentence identifies it inside an item's text (items join sentences).
SENTENCE_KEY_CHARS = 40
# The weight of the neighbouring sentences' words against the sentence's own.
NEIGHBOUR_WEIGHT = 0.5
# With --decision-features: the weight of the sentence after next, and what counts as short.
FAR_NEIGHBOUR_WEIGHT = 0.3
SHORT_SENTENCE_WORDS = 6
# The inverse regularisation strength, as the product's (learned.rs).
REGULARISATION_C = 8
# A decision just after another carries it out (decisions::scored).
FOLLOWS_A_DECISION_SENTENCES = 2
# Rules decisions at least this sure face no second opinion (decisions::upheld).
SECOND_OPINION_BELOW = 0.9
WORDS = r"(?u)\b[\w']+\b"


def truth_files(judge, unread):
    """(set name, truth) of the meetings to train on and of those to judge."""
    train, judged = [], []
    for path in sorted(WRITTEN.glob("written-*/meetings/*.json")):
        if path.name.endswith(".transcript.json"):
            continue
        name = path.parts[-3]
        (judged if judge == "unread" and name in unread else train).append((name, path))
    if judge == "rooms":
        judged = [("rooms", path) for path in sorted(ROOMS.glob("pub_r0?.json"))]
    train = [(name, path) for name, path in train if name not in unread]
    return train, judged


def sentences(set_name, truth, decision_features=False):
    """Each sentence of a meeting with its neighbours, who said it and its labels."""
    talk = collections.Counter()
    for turn in truth["turns"]:
        talk[turn["speaker"]] += len(turn["text"].split())
    chair = talk.most_common(1)[0][0]
    said = [
        (turn["speaker"], sentence["text"].strip())
        for turn in truth["turns"]
        for sentence in (turn.get("sentences") or [{"text": turn["text"]}])
    ]
    # Whoever runs the meeting, as the product's training takes it (training.rs, chair_named): the
    # speaker whose role calls them its chair (not a vice chair), else whoever speaks first.
    def chairs(speaker):
        words = re.findall(r"[a-z]+", ((truth.get("speakers") or {}).get(speaker) or {}).get("role", "").lower())
        return any(w.startswith("chair") and (i == 0 or words[i - 1] != "vice") for i, w in enumerate(words))

    runs = next((speaker for speaker, _ in said if chairs(speaker)), said[0][0] if said else None)

    def inside(text, items):
        key = text[:SENTENCE_KEY_CHARS]
        return any(key in item["text"] or item["text"][:SENTENCE_KEY_CHARS] in text for item in items)

    names = [
        turn.get("name") or turn["speaker"]
        for turn in truth["turns"]
        for _ in (turn.get("sentences") or [None])
    ]
    rows = []
    for at, (speaker, text) in enumerate(said):
        after = said[at + 1] if at + 1 < len(said) else None
        features = [speaker == chair, bool(after and after[0] != speaker)]
        own = text
        if decision_features:
            words = re.findall(WORDS, text.lower())
            features = [
                bool(after and after[0] != speaker),
                speaker == runs,
                text.endswith("?"),
                len(words) <= SHORT_SENTENCE_WORDS,
            ]
            own = text + (" __first_" + words[0] if words else "")
        rows.append(
            {
                "set": set_name,
                "id": truth["id"],
                "name": names[at],
                "text": text,
                "own": own,
                "before": said[at - 1][1] if at else "",
                "after": after[1] if after else "",
                "after_next": said[at + 2][1] if decision_features and at + 2 < len(said) else "",
                "features": features,
                "action_items": inside(text, truth["action_items"]),
                "decisions": inside(text, truth["decisions"]),
            }
        )
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rules-hyp", required=True, type=pathlib.Path, help="analyze outputs, <set>/<id>.json")
    parser.add_argument("--judge", choices=["unread", "rooms"], default="unread")
    parser.add_argument("--unread", nargs="+", default=["written-zi", "written-zj"])
    parser.add_argument(
        "--not-trained",
        nargs="*",
        default=["written-zk", "written-zl"],
        help="sets kept out of training too (ROUNDS.md's zi and zj numbers; give none to judge zk and zl)",
    )
    parser.add_argument("--write-union", type=pathlib.Path, help="write rules + learned outputs here")
    parser.add_argument("--bar", type=float, default=0.95, help="the learned score an added sentence needs")
    parser.add_argument("--decision-features", action="store_true", help="read as the product's decision scorer")
    parser.add_argument("--veto", type=float, default=0.0, help="drop unsure rules decisions the scorer rates under this")
    args = parser.parse_args()

    train_files, judged_files = truth_files(args.judge, set(args.unread))
    train_files = [(name, path) for name, path in train_files if name not in args.not_trained]
    features = args.decision_features
    train = [row for name, path in train_files for row in sentences(name, json.loads(path.read_text()), features)]
    judged = [row for name, path in judged_files for row in sentences(name, json.loads(path.read_text()), features)]

    own = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, token_pattern=WORDS)
    beside = TfidfVectorizer(min_df=3, sublinear_tf=True, token_pattern=WORDS)
    own.fit([row["own"] for row in train])
    beside.fit([row["before"] for row in train] + [row["after"] for row in train])

    def matrix(rows):
        parts = [
            own.transform([row["own"] for row in rows]),
            NEIGHBOUR_WEIGHT * beside.transform([row["before"] for row in rows]),
            NEIGHBOUR_WEIGHT * beside.transform([row["after"] for row in rows]),
        ]
        if features:
            parts.append(FAR_NEIGHBOUR_WEIGHT * beside.transform([row["after_next"] for row in rows]))
        parts.append(csr_matrix(np.array([row["features"] for row in rows], dtype=float)))
        return hstack(parts).tocsr()

    train_x, judged_x = matrix(train), matrix(judged)
    groups = [row["set"] for row in train]
    rules_found = {}
    for name, path in judged_files:
        hyp = args.rules_hyp / name / f"{json.loads(path.read_text())['id']}.json"
        rules_found[(name, hyp.stem)] = json.loads(hyp.read_text()) if hyp.exists() else {}

    union = {key: json.loads(json.dumps(found)) for key, found in rules_found.items()}
    print(f"trained on {len(train_files)} read meetings, judged on {len(judged_files)} ({args.judge})")
    for kind in ("action_items", "decisions"):
        train_y = np.array([row[kind] for row in train])
        held_out = np.zeros(len(train))
        for fit, check in GroupKFold(5).split(train_x, train_y, groups):
            model = LogisticRegression(C=REGULARISATION_C, class_weight="balanced", max_iter=2000)
            held_out[check] = model.fit(train_x[fit], train_y[fit]).predict_proba(train_x[check])[:, 1]
        threshold = max(
            np.arange(0.3, 0.96, 0.025),
            key=lambda t: precision_recall_f1(train_y, held_out >= t)[2],
        )
        model = LogisticRegression(C=REGULARISATION_C, class_weight="balanced", max_iter=2000).fit(train_x, train_y)
        learned_scores = model.predict_proba(judged_x)[:, 1]
        learned = learned_scores >= threshold
        labels = [row[kind] for row in judged]
        rules = [
            any(
                row["text"][:SENTENCE_KEY_CHARS] in (item.get("text") or "")
                for item in rules_found.get((row["set"], row["id"]), {}).get(kind, [])
            )
            for row in judged
        ]
        either = [a or b for a, b in zip(rules, learned)]
        cv = precision_recall_f1(train_y, held_out >= threshold)
        print(f"{kind}: read sets, cross-validated by set: P {cv[0]:.2f} R {cv[1]:.2f} F1 {cv[2]:.2f}")
        for name, found in (("learned", learned), ("rules", rules), ("either", either)):
            p, r, f = precision_recall_f1(labels, found)
            print(f"  {args.judge:7s} {name:8s} P {p:.2f} R {r:.2f} F1 {f:.2f}  ({sum(labels)} sentences labelled)")
        held = []
        for at, (row, score, by_rules) in enumerate(zip(judged, learned_scores, rules)):
            recent = range(max(0, at - FOLLOWS_A_DECISION_SENTENCES), at)
            follows = kind == "decisions" and any(held[b] and judged[b]["id"] == row["id"] for b in recent)
            held.append(bool(by_rules) or score >= max(threshold, args.bar))
            if by_rules or follows or score < max(threshold, args.bar):
                continue
            added = {"text": row["text"], "owner": row["name"], "task": row["text"]}
            if kind == "decisions":
                added = {"text": row["text"], "decision": row["text"]}
            union.setdefault((row["set"], row["id"]), {}).setdefault(kind, []).append(added)
        if kind == "decisions" and args.veto > 0:
            for key, found in union.items():
                scores = [(row["text"][:SENTENCE_KEY_CHARS], score) for row, score in zip(judged, learned_scores)
                          if (row["set"], row["id"]) == key]
                found[kind] = [
                    item for item in found.get(kind, [])
                    if item.get("confidence", 1.0) >= SECOND_OPINION_BELOW
                    or not [s for k, s in scores if k in (item.get("text") or "")]
                    or max(s for k, s in scores if k in (item.get("text") or "")) >= args.veto
                ]
    if args.write_union:
        for (set_name, meeting), found in union.items():
            folder = args.write_union / set_name
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{meeting}.json").write_text(json.dumps(found))


if __name__ == "__main__":
    main()
