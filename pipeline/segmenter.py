"""Fine-tuning the pkuseg segmenter on PKU-standard text, and scoring segmentations.

The pretrained mixed-domain model splits names, dates and affixes its own way; People's
Daily 1998 (the PKU standard of SIGHAN 2005) and the corpus's gold words teach it the
standard the evaluation uses. `spacy_pkuseg.train` continues from the mixed model.
"""

from __future__ import annotations

import contextlib
import io
import random
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .corpus import load_doc

_TAGGED = re.compile(r"(\S+?)/[A-Za-z]+\]?[a-z]*")


def pd98_sentences(path: str | Path) -> Iterator[list[str]]:
    """Words of each line of People's Daily 1998 (`word/tag  word/tag`, compounds in [ ])."""
    with open(path, encoding="utf8") as f:
        for line in f:
            words = [m.group(1).lstrip("[") for m in _TAGGED.finditer(line)]
            words = [w for w in words if w]
            if words:
                yield words


def corpus_sentences(paths: Iterable[str | Path]) -> Iterator[list[str]]:
    """Gold words of corpus documents that have them, one list per sentence."""
    for path in paths:
        doc = load_doc(path)
        if not doc.get("words"):
            continue
        text = doc["text"]
        words = doc["words"]
        k = 0
        for s in doc["sentences"]:
            out = []
            while k < len(words) and words[k][1] <= s["end"]:
                if words[k][0] >= s["start"]:
                    out.append(text[words[k][0] : words[k][1]])
                k += 1
            if out:
                yield out


@dataclass
class SegmenterSettings:
    init_model: str
    pd98: str | None
    pd98_limit: int = 0
    corpus_paths: tuple[str, ...] = ()
    corpus_repeat: int = 1
    iterations: int = 3
    seed: int = 0


def train_segmenter(settings: SegmenterSettings, out_dir: str | Path, quiet: bool = True) -> dict:
    """Fine-tune pkuseg from `init_model`; returns what was trained on and how long it took."""
    import spacy_pkuseg

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    if settings.pd98:
        for i, words in enumerate(pd98_sentences(settings.pd98)):
            if settings.pd98_limit and i >= settings.pd98_limit:
                break
            lines.append(" ".join(words))
    corpus = [" ".join(w) for w in corpus_sentences(settings.corpus_paths)]
    lines.extend(corpus * settings.corpus_repeat)
    if not lines:
        raise ValueError("the segmenter has no training data: set segmenter.pd98 or give corpus files with words")
    random.Random(settings.seed).shuffle(lines)
    held_out = lines[:200]
    train_file, test_file = out_dir / "train.txt", out_dir / "heldout.txt"
    train_file.write_text("\n".join(lines) + "\n", "utf8")
    test_file.write_text("\n".join(held_out) + "\n", "utf8")
    start = time.perf_counter()
    sink = io.StringIO()
    # pkuseg shuffles each pass with the global `random`: seed it for a reproducible model, then
    # give the caller's state back
    state = random.getstate()
    random.seed(settings.seed)
    try:
        with contextlib.redirect_stdout(sink) if quiet else contextlib.nullcontext():
            spacy_pkuseg.train(str(train_file), str(test_file), str(out_dir), train_iter=settings.iterations,
                               init_model=settings.init_model)
    finally:
        random.setstate(state)
    train_file.unlink()
    test_file.unlink()
    return {"sentences": len(lines), "corpus_sentences": len(corpus), "iterations": settings.iterations,
            "seconds": round(time.perf_counter() - start, 1)}


def spans(words: Iterable[str]) -> set[tuple[int, int]]:
    out, pos = set(), 0
    for w in words:
        out.add((pos, pos + len(w)))
        pos += len(w)
    return out


def score_lines(gold: list[list[str]], pred: list[list[str]]) -> dict[str, float]:
    """Word precision, recall and F1 over character spans, SIGHAN style."""
    tp = n_pred = n_gold = 0
    for g, p in zip(gold, pred, strict=True):
        gs, ps = spans(g), spans(p)
        tp += len(gs & ps)
        n_pred += len(ps)
        n_gold += len(gs)
    prec, rec = tp / n_pred, tp / n_gold
    return {"p": prec, "r": rec, "f": 2 * prec * rec / (prec + rec)}
