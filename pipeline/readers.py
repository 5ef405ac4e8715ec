"""Registered spaCy readers: the gold corpus and MSRA NER as training examples.

Examples are built per paragraph from the clean text, so their offsets are the corpus's.
MSRA knows only PER/LOC/ORG; numbers and dates in it are unannotated, so their tokens are
marked missing ("-") instead of "O" and the model is not taught that they are no entities.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc as SpacyDoc
from spacy.training import Example, offsets_to_biluo_tags
from spacy.util import registry

from .corpus import Doc as CorpusDoc
from .corpus import load_doc, split_paths
from .themes import NO_THEMES, THEMES_KEY

MSRA_LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": "GPE"}
# Places MSRA calls LOC that are not polities (OntoNotes LOC): seas, rivers, continents, regions.
_LOC_SUFFIX = re.compile(r"(洋|海|江|河|湖|山|岛|半岛|洲|峡|湾|高原|平原|沙漠|地区|流域|盆地|大陆)$")
_UNSEEN_IN_MSRA = re.compile(r"[0-9０-９零〇一二三四五六七八九十百千万亿两几多余半%％年月日时分秒世纪]")


def make_doc(nlp: Language, text: str) -> SpacyDoc:
    """The predicted doc of a clean text: segmented without normalising it again."""
    tok = nlp.tokenizer
    return tok.tokenize_clean(text) if hasattr(tok, "tokenize_clean") else nlp.make_doc(text)


def _segmenter(nlp: Language) -> object:
    """The segmenter the tokenizer has loaded (at initialisation), or the tokenizer itself."""
    zh = getattr(nlp.tokenizer, "zh", None)
    return getattr(zh, "pkuseg_seg", None) or nlp.tokenizer


def doc_examples(nlp: Language, doc: CorpusDoc) -> Iterator[Example]:
    """One Example per paragraph, with entities and sentence themes where the gold has them."""
    text = doc["text"]
    ents = doc.get("entities")
    sents = doc.get("sentences") or []
    pos = 0
    for para in text.split("\n"):
        start, end = pos, pos + len(para)
        pos = end + 1
        if not para.strip():
            continue
        annotations: dict = {}
        if ents is not None:
            annotations["entities"] = [
                (e["start"] - start, e["end"] - start, e["label"]) for e in ents if start <= e["start"] < end
            ]
        themes = [(s["start"] - start, s["end"] - start, s["theme"]) for s in sents
                  if start <= s["start"] < end and s.get("theme")]
        predicted = make_doc(nlp, para)
        if themes:
            annotations["spans"] = {THEMES_KEY: themes}
        else:
            predicted.user_data[NO_THEMES] = True
        yield Example.from_dict(predicted, _aligned(predicted, annotations))


def _aligned(doc, annotations: dict) -> dict:
    """Snap spans to token boundaries ('expand'), dropping any that then overlap."""
    out = dict(annotations)
    if "entities" in annotations:
        ents, last = [], -1
        for s, e, label in sorted(annotations["entities"]):
            span = doc.char_span(s, e, label=label, alignment_mode="expand")
            if span is None or span.start_char < last:
                continue
            ents.append((span.start_char, span.end_char, label))
            last = span.end_char
        out["entities"] = ents
    if "spans" in annotations:
        spans = {}
        for key, items in annotations["spans"].items():
            fixed = []
            for s, e, label in items:
                span = doc.char_span(s, e, alignment_mode="expand")
                if span is not None:
                    fixed.append((span.start_char, span.end_char, label))
            spans[key] = fixed
        out["spans"] = spans
    return out


def read_msra(path: str | Path, limit: int = 0) -> Iterator[tuple[str, list[tuple[int, int, str]]]]:
    """(text, [(start, end, MSRA label)]) per sentence of a `char TAG` file."""
    chars: list[str] = []
    tags: list[str] = []
    count = 0

    def flush():
        text = "".join(chars)
        spans, start = [], None
        for i, tag in enumerate(tags):
            if tag.startswith(("B-", "S-")):
                start = i
            if tag.startswith(("E-", "S-")) and start is not None:
                spans.append((start, i + 1, tag[2:]))
                start = None
        return text, spans

    with open(path, encoding="utf8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2:
                chars.append(parts[0])
                tags.append(parts[1])
            elif chars:
                yield flush()
                count += 1
                chars, tags = [], []
                if limit and count >= limit:
                    return
    if chars:
        yield flush()


def msra_label(name: str, label: str) -> str:
    if label == "LOC" and _LOC_SUFFIX.search(name):
        return "LOC"
    return MSRA_LABELS[label]


def msra_example(nlp: Language, text: str, spans: list[tuple[int, int, str]]) -> Example:
    doc = make_doc(nlp, text)
    offsets = _aligned(doc, {"entities": [(s, e, msra_label(text[s:e], lab)) for s, e, lab in spans]})["entities"]
    tags = offsets_to_biluo_tags(doc, offsets)
    tags = ["-" if t == "O" and _UNSEEN_IN_MSRA.search(tok.text) else t for t, tok in zip(tags, doc)]
    doc.user_data[NO_THEMES] = True
    return Example.from_dict(doc, {"entities": tags})


class CorpusReader:
    """Examples from the split's corpus documents, plus MSRA sentences when `msra_path` is set.

    spaCy's initialisation asks for the examples once per component and training once per epoch;
    they are made once per segmenter (spaCy copies the predicted docs before it changes them)."""

    def __init__(self, corpus_dir: str, split: str, msra_path: str | None, msra_limit: int, shuffle_seed: int) -> None:
        self.corpus_dir, self.split = corpus_dir, split
        self.msra_path, self.msra_limit = msra_path, msra_limit
        self.shuffle_seed = shuffle_seed
        self.segmenter: object = None  # the one the examples were made with
        self.examples: list[Example] = []

    def __call__(self, nlp: Language) -> Iterator[Example]:
        segmenter = _segmenter(nlp)
        if self.segmenter is not segmenter:
            self.examples = []
            for path in split_paths(self.corpus_dir, self.split):
                self.examples.extend(doc_examples(nlp, load_doc(path)))
            if self.msra_path:
                self.examples.extend(msra_example(nlp, text, spans)
                                     for text, spans in read_msra(self.msra_path, self.msra_limit))
            if self.shuffle_seed:
                random.Random(self.shuffle_seed).shuffle(self.examples)
            self.segmenter = segmenter
        yield from self.examples


@registry.readers("dipnlp.Corpus.v1")
def create_corpus_reader(
    corpus_dir: str, split: str, msra_path: str | None = None, msra_limit: int = 0, shuffle_seed: int = 0
) -> Callable[[Language], Iterable[Example]]:
    return CorpusReader(corpus_dir, split, msra_path, msra_limit, shuffle_seed)
