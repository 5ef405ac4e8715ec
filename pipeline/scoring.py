"""Precision, recall and F1 from counts, and the overlap matching that maps predictions onto gold."""

from __future__ import annotations


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": p, "r": r, "f": f}


def label_scores(gold: list[str], pred: list[str | None]) -> dict:
    """Accuracy, macro-F1 over the gold labels, and P/R/F1 per label, for one label per item."""
    per_label = {}
    for label in sorted(set(gold)):
        tp = sum(1 for g, p in zip(gold, pred) if g == p == label)
        per_label[label] = prf(tp, pred.count(label), gold.count(label))
    return {
        "acc": sum(g == p for g, p in zip(gold, pred)) / len(gold),
        "macro_f": sum(v["f"] for v in per_label.values()) / len(per_label),
        "per_label": per_label,
    }


def best_match(span: tuple[int, int], candidates: list[tuple[int, int]]) -> int | None:
    """The index of the candidate span that overlaps `span` most (None if none overlaps)."""
    best, best_ov = None, 0
    for i, (start, end) in enumerate(candidates):
        ov = min(span[1], end) - max(span[0], start)
        if ov > best_ov:
            best, best_ov = i, ov
    return best
