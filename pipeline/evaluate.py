"""Scores of predicted corpus records against gold ones: the keys of the SPEC's `evaluate --json`."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from typing import Any

from spacy.language import Language

from .align import candidate_sections
from .analyse import analyse, doc_to_record
from .corpus import Doc
from .scoring import best_match, label_scores, prf


class Tally:
    """Counts of true positives, predictions and gold items, by key."""

    def __init__(self) -> None:
        self.tp: Counter[str] = Counter()
        self.pred: Counter[str] = Counter()
        self.gold: Counter[str] = Counter()

    def add(self, key: str, pred: set, gold: set) -> None:
        self.tp[key] += len(pred & gold)
        self.pred[key] += len(pred)
        self.gold[key] += len(gold)

    def score(self, key: str) -> dict[str, float]:
        return prf(self.tp[key], self.pred[key], self.gold[key])


def project_alignment(pred: dict[str, Any], gold: dict[str, Any]) -> set[tuple[str, str]]:
    """Predicted (unit, section) pairs in gold ids: units and sections matched by character overlap."""
    pred_units = {u["id"]: (u["start"], u["end"]) for u in (pred.get("abstract") or {}).get("units", [])}
    gold_units = [(u["id"], (u["start"], u["end"])) for u in gold["abstract"]["units"]]
    gold_secs = [(s["id"], (s["start"], s["end"])) for s in candidate_sections(gold.get("sections", []))]
    pred_secs = {s["id"]: (s["start"], s["end"]) for s in candidate_sections(pred.get("sections", []))}
    pairs = set()
    for a in pred.get("alignment") or []:
        if a["unit"] not in pred_units:
            continue
        gu = best_match(pred_units[a["unit"]], [span for _, span in gold_units])
        if gu is None:
            continue
        for sid in a["sections"]:
            if sid not in pred_secs:
                continue
            gs = best_match(pred_secs[sid], [span for _, span in gold_secs])
            if gs is not None:
                pairs.add((gold_units[gu][0], gold_secs[gs][0]))
    return pairs


def score_records(pairs: Iterable[tuple[dict[str, Any], Doc]]) -> dict[str, Any]:
    """Micro-averaged scores over (predicted record, gold record) pairs; null where no gold."""
    t = Tally()
    theme_gold: list[str] = []
    theme_pred: list[str | None] = []
    present: set[str] = set()
    for pred, gold in pairs:
        if gold.get("words"):
            present.add("tokens")
            t.add("tokens", {tuple(w) for w in pred["words"]}, {tuple(w) for w in gold["words"]})
        if gold.get("sentences"):
            present.add("sents")
            t.add("sents", {(s["start"], s["end"]) for s in pred["sentences"]},
                  {(s["start"], s["end"]) for s in gold["sentences"]})
            pred_spans = [(s["start"], s["end"]) for s in pred["sentences"]]
            for s in gold["sentences"]:
                if s.get("theme"):
                    present.add("themes")
                    i = best_match((s["start"], s["end"]), pred_spans)
                    theme_gold.append(s["theme"])
                    theme_pred.append(pred["sentences"][i]["theme"] if i is not None else None)
        if gold.get("sections"):
            present.add("sections")
            t.add("sections", {(s["kind"], s["start"], s["end"]) for s in pred["sections"]},
                  {(s["kind"], s["start"], s["end"]) for s in gold["sections"]})
        if "entities" in gold:
            present.add("ents")
            pred_ents = {(e["start"], e["end"], e["label"]) for e in pred["entities"]}
            gold_ents = {(e["start"], e["end"], e["label"]) for e in gold["entities"]}
            t.add("ents", pred_ents, gold_ents)
            for label in {e[2] for e in pred_ents | gold_ents}:
                t.add(f"ents:{label}", {e for e in pred_ents if e[2] == label}, {e for e in gold_ents if e[2] == label})
        if gold.get("alignment") and (gold.get("abstract") or {}).get("units"):
            present.add("align")
            gold_pairs = {(a["unit"], sid) for a in gold["alignment"] for sid in a["sections"]}
            t.add("align", project_alignment(pred, gold), gold_pairs)

    out: dict[str, Any] = {}
    for key in ("tokens", "ents", "align"):
        s = t.score(key) if key in present else None
        for part in "prf":
            out[f"{key}_{part}"] = None if s is None else s[part]
    out["sents_f"] = t.score("sents")["f"] if "sents" in present else None
    out["sections_f"] = t.score("sections")["f"] if "sections" in present else None
    out["ents_per_type"] = (
        {k.split(":", 1)[1]: t.score(k) for k in sorted(t.gold | t.pred) if k.startswith("ents:")}
        if "ents" in present else None
    )
    if "themes" in present:
        themes = label_scores(theme_gold, theme_pred)
        out["themes_acc"] = themes["acc"]
        out["themes_macro_f"] = themes["macro_f"]
        out["themes_per_label"] = themes["per_label"]
        out["themes_confusion"] = confusion(theme_gold, theme_pred)
    else:
        out.update(themes_acc=None, themes_macro_f=None, themes_per_label=None)
    return out


def confusion(gold: list[str], pred: list[str | None]) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    for g, p in zip(gold, pred):
        row = table.setdefault(g, {})
        row[p or "NONE"] = row.get(p or "NONE", 0) + 1
    return table


class EvaluationError(ValueError):
    """Gold and prediction cannot be compared; the message names the document and the place."""


def offset_map(pred_text: str, gold_text: str, doc_id: str = "<document>") -> list[int]:
    """For each offset of `pred_text` (and its end), the same place in `gold_text`.

    The pipeline normalises what it reads, so a gold text with `中国 + 中亚五国` comes back as
    `中国+中亚五国` and every later offset moves. The two texts may differ only in whitespace;
    any other difference stops the evaluation with the first place it occurs, since a score over
    shifted offsets is silently wrong.
    """
    mapping = [0] * (len(pred_text) + 1)
    i = j = 0
    while i < len(pred_text) or j < len(gold_text):
        if i < len(pred_text) and j < len(gold_text) and pred_text[i] == gold_text[j]:
            mapping[i] = j
            i, j = i + 1, j + 1
        elif j < len(gold_text) and gold_text[j].isspace():
            j += 1
        elif i < len(pred_text) and pred_text[i].isspace():
            mapping[i] = j
            i += 1
        else:
            raise EvaluationError(
                f"{doc_id}: the pipeline changes the gold text at character {j} "
                f"(gold {gold_text[max(0, j - 8) : j + 8]!r}, pipeline {pred_text[max(0, i - 8) : i + 8]!r}); "
                "correct the gold text or evaluate on text the pipeline keeps as it is")
    mapping[len(pred_text)] = len(gold_text)
    return mapping


def to_gold_offsets(record: dict[str, Any], gold_text: str) -> dict[str, Any]:
    """The record with every span moved onto the gold text (`offset_map`)."""
    if record["text"] == gold_text:
        return record
    m = offset_map(record["text"], gold_text, record["id"])

    def span(start: int, end: int) -> tuple[int, int]:
        return m[start], (m[end - 1] + 1 if end > start else m[start])

    moved = dict(record, text=gold_text)
    moved["words"] = [list(span(s, e)) for s, e in record["words"]]
    for key in ("sentences", "entities", "sections"):
        moved[key] = [dict(x, **dict(zip(("start", "end"), span(x["start"], x["end"])))) for x in record[key]]
    return moved


def evaluate(nlp: Language, golds: list[Doc]) -> dict[str, Any]:
    """Run `nlp` on each gold document's clean text (and its abstract) and score it on the gold text."""
    pairs = []
    n_words = 0
    elapsed = 0.0
    for gold in golds:
        abstract = (gold.get("abstract") or {}).get("text")
        start = time.perf_counter()
        doc = analyse(nlp, gold["text"], abstract)
        elapsed += time.perf_counter() - start
        n_words += sum(1 for tok in doc if not tok.is_space)
        pairs.append((to_gold_offsets(doc_to_record(doc, gold["id"]), gold["text"]), gold))
    scores = score_records(pairs)
    scores["words_per_second"] = n_words / elapsed if elapsed else None
    scores["n_docs"] = len(golds)
    return scores
