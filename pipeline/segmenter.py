"""Fine-tuning the pkuseg segmenter on PKU-standard text, and scoring segmentations.

The pretrained mixed-domain model splits names, dates and affixes its own way; People's
Daily 1998 (the PKU standard of SIGHAN 2005) and the corpus's gold words teach it the
standard the evaluation uses. `spacy_pkuseg.train` continues from the mixed model.
"""

from __future__ import annotations

import contextlib
import io
import math
import random
import re
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .corpus import load_doc

_TAGGED = re.compile(r"(\S+?)/([A-Za-z]+)\]?[a-z]*")
# names, numbers and times: a People's Daily word of these tags missing from a word list is
# missing because the list's text did not mention it, not because the standard splits it
_NAME_TAGS = frozenset({"nr", "ns", "nt", "nz", "nx", "m", "t"})
_HAN = re.compile(r"^[\u4e00-\u9fff]+$")


def pd98_tagged(path: str | Path) -> Iterator[list[tuple[str, str]]]:
    """(word, tag) pairs of each line of People's Daily 1998 (`word/tag  word/tag`, compounds in [ ])."""
    with open(path, encoding="utf8") as f:
        for line in f:
            pairs = [(m.group(1).lstrip("["), m.group(2)) for m in _TAGGED.finditer(line)]
            pairs = [(w, t) for w, t in pairs if w]
            if pairs:
                yield pairs


def pd98_sentences(path: str | Path) -> Iterator[list[str]]:
    """Words of each line of People's Daily 1998."""
    for pairs in pd98_tagged(path):
        yield [w for w, _ in pairs]


class StandardConverter:
    """Re-segments People's Daily 1998 by the word list of the standard the model must follow.

    The SIGHAN 2005 PKU training text is People's Daily of January 1998 too (its word list
    holds that month's article ids and 98% of its word types), cut by a later revision of the
    standard: 放在, 更是, 取决于, 官兵们 are split there (放|在, 取决|于) and 通货紧缩 joined.
    The word list says which: a common word missing from it is split into
    listed words (fewest parts, then the most frequent), and adjacent words whose join is
    listed, while one of them is not, are joined. Names, numbers and times are left alone.
    """

    def __init__(self, vocab: Iterable[str], freq: Counter[str]) -> None:
        self.vocab = frozenset(vocab)
        self.freq = freq

    @classmethod
    def from_word_list(cls, word_list: str | Path, lines: list[list[tuple[str, str]]]) -> StandardConverter:
        """The list's words, and word frequencies from the tagged lines it will convert."""
        vocab = (w.strip() for w in Path(word_list).read_text("utf8").splitlines())
        return cls((w for w in vocab if w), Counter(w for pairs in lines for w, _ in pairs))

    def split(self, word: str) -> list[str]:
        """The word as the fewest listed parts (ties: the most frequent parts), or itself."""
        n = len(word)
        best: list[tuple[int, float, list[str]] | None] = [(0, 0.0, [])] + [None] * n
        for j in range(1, n + 1):
            for i in range(max(0, j - 6), j):
                part = word[i:j]
                if best[i] is None or part == word or part not in self.vocab:
                    continue
                cost, rarity, parts = best[i]
                cand = (cost + 1, rarity - math.log1p(self.freq[part]), [*parts, part])
                if best[j] is None or cand[:2] < best[j][:2]:
                    best[j] = cand
        return best[n][2] if best[n] else [word]

    def __call__(self, pairs: list[tuple[str, str]]) -> list[str]:
        joined: list[tuple[str, str]] = []
        i = 0
        while i < len(pairs):
            for k in (3, 2):
                parts = [w for w, _ in pairs[i : i + k]]
                whole = "".join(parts)
                if (len(parts) == k and whole in self.vocab and not self.freq[whole]
                        and any(p not in self.vocab for p in parts)):
                    joined.append((whole, ""))
                    i += k
                    break
            else:
                joined.append(pairs[i])
                i += 1
        out: list[str] = []
        for word, tag in joined:
            keep = word in self.vocab or len(word) < 2 or tag in _NAME_TAGS or not _HAN.match(word)
            out.extend([word] if keep else self.split(word))
        return out


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
    standard_words: str | None = None
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
        tagged = list(pd98_tagged(settings.pd98))
        convert = (StandardConverter.from_word_list(settings.standard_words, tagged)
                   if settings.standard_words else (lambda pairs: [w for w, _ in pairs]))
        kept = tagged[: settings.pd98_limit] if settings.pd98_limit else tagged
        lines.extend(" ".join(convert(pairs)) for pairs in kept)
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
