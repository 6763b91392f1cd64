"""Precision, recall and F1 of yes/no guesses against the truth, for the benchmark and experiment
scripts that count hits one by one (speech frames, sentences)."""


def precision_recall_f1(truth, guess):
    """(precision, recall, F1) of `guess` against `truth`, two equal-length sequences of bools."""
    tp = sum(1 for t, g in zip(truth, guess) if t and g)
    fp = sum(1 for t, g in zip(truth, guess) if g and not t)
    fn = sum(1 for t, g in zip(truth, guess) if t and not g)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
