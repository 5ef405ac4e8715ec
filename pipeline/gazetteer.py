"""Known names as entities: a gazetteer of the names the training corpus annotates.

Diplomatic speeches repeat a closed set of long names (initiatives, treaties, summits,
organisations) that a statistical NER trained on a dozen speeches misses or cuts short.
The gazetteer matches them on the characters, so pkuseg's word boundaries do not matter,
and merges them with the NER's entities: the longest span wins, a known name on a tie.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.util import filter_spans

from .corpus import load_doc, split_paths


def merge(doc: Doc, found: Iterable[tuple[int, int, str]]) -> list[Span]:
    """The doc's entities with these character spans added; the longest span wins, a found one on a tie."""
    spans = [doc.char_span(a, b, label=label, alignment_mode="expand") for a, b, label in found]
    spans = [s for s in spans if s is not None]
    # filter_spans keeps the longest; on equal length the earlier in the list, so the found ones first.
    return sorted(filter_spans(spans + list(doc.ents)), key=lambda s: s.start)


@Language.factory("entity_gazetteer", default_config={"labels": ["EVENT", "LAW", "INITIATIVE", "ORG"],
                                                      "min_length": 3, "min_count": 1, "min_share": 0.0})
def make_gazetteer(nlp: Language, name: str, labels: list[str], min_length: int, min_count: int,
                   min_share: float) -> Gazetteer:
    return Gazetteer(name, labels=labels, min_length=min_length, min_count=min_count, min_share=min_share)


def entity_shares(docs: list[dict], names: Iterable[str]) -> dict[str, float]:
    """For each name, the share of its occurrences in the documents' texts that lie inside a gold
    entity (of any label: 中非合作论坛 inside 中非合作论坛峰会 is a name all the same)."""
    names = set(names)
    inside: dict[str, int] = {}
    total: dict[str, int] = {}
    for doc in docs:
        spans = [(e["start"], e["end"]) for e in doc.get("entities", [])]
        for name in names:
            for m in re.finditer(re.escape(name), doc["text"]):
                total[name] = total.get(name, 0) + 1
                if any(a <= m.start() and m.end() <= b for a, b in spans):
                    inside[name] = inside.get(name, 0) + 1
    return {name: inside.get(name, 0) / n for name, n in total.items()}


class Gazetteer:
    """`min_share`: a name is kept only where at least this share of its occurrences in the
    training texts lie inside a gold entity. 冷战 is an EVENT once, and far more often the
    冷战 of 冷战思维, which is no entity."""

    def __init__(self, name: str, labels: list[str], min_length: int, min_count: int, min_share: float = 0.0
                 ) -> None:
        self.name = name
        self.labels = list(labels)
        self.min_length = min_length
        self.min_count = min_count
        self.min_share = min_share
        self.names: dict[str, str] = {}
        self._pattern: re.Pattern | None = None

    def add(self, names: dict[str, str]) -> None:
        self.names.update({k: v for k, v in names.items() if v in self.labels and len(k) >= self.min_length})
        ordered = sorted(self.names, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def __call__(self, doc: Doc) -> Doc:
        if self._pattern is not None:
            found = [(m.start(), m.end(), self.names[m.group()]) for m in self._pattern.finditer(doc.text)]
            doc.ents = merge(doc, found)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)

    def initialize(self, get_examples: Callable[[], Iterable[Example]], *, nlp: Language | None = None,
                   corpus_dir: str | None = None, split: str = "train") -> None:
        """Collect the names of the split's gold documents (the training data, never dev or test)."""
        docs = [load_doc(path) for path in split_paths(corpus_dir, split)] if corpus_dir else []
        counts: dict[tuple[str, str], int] = {}
        for doc in docs:
            for e in doc.get("entities", []):
                key = (doc["text"][e["start"] : e["end"]], e["label"])
                counts[key] = counts.get(key, 0) + 1
        best: dict[str, tuple[int, str]] = {}
        for (text, label), n in counts.items():
            if n >= self.min_count and n > best.get(text, (0, ""))[0]:
                best[text] = (n, label)
        if self.min_share > 0:
            shares = entity_shares(docs, [text for text, (_, label) in best.items() if label in self.labels])
            best = {text: v for text, v in best.items() if shares.get(text, 1.0) >= self.min_share}
        self.names = {}
        self.add({text: label for text, (_, label) in best.items()})

    def to_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "names.json", self.names)

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> Gazetteer:
        self.names = {}
        self.add(srsly.read_json(Path(path) / "names.json"))
        return self

    def to_bytes(self, exclude: Iterable[str] = ()) -> bytes:
        return srsly.msgpack_dumps(self.names)

    def from_bytes(self, data: bytes, exclude: Iterable[str] = ()) -> Gazetteer:
        self.names = {}
        self.add(srsly.msgpack_loads(data))
        return self
