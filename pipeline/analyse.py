"""Running a pipeline on speeches and turning its docs into corpus-format records."""

from __future__ import annotations

import re
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from .align import clause_units
from .frontmatter import FrontMatter
from .inputs import Extracted, to_speech
from .themes import doc_themes


def make_doc(nlp: Language, raw: str | Extracted, abstract: str | None = None, source: str = "<input>") -> Doc:
    """Tokenize (normalise, find structure, segment) and attach a separately given abstract.

    `raw` is text, or what a reader made of a PDF, web page or Word file."""
    if isinstance(raw, Extracted):
        doc = nlp.tokenizer.from_speech(to_speech(raw, source))
        doc._.meta["format"] = raw.format
        doc._.meta["site"] = raw.meta.get("site")  # the web page's site (fmprc.gov.cn, xinhuanet.com …)
    else:
        doc = nlp.make_doc(raw)
    if abstract is not None:
        doc._.abstract = {"title": None, "author": None, "text": " ".join(abstract.split())}
    return doc


def analyse(nlp: Language, raw: str, abstract: str | None = None) -> Doc:
    return nlp(make_doc(nlp, raw, abstract))


FRONT_KEYS = tuple(FrontMatter().as_meta())
_FULL_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_YEAR = re.compile(r"(\d{4})年")


def speech_date(footnotes: list[dict[str, str]], title: str | None) -> str | None:
    """The delivery date a journal's first footnote gives (…2021年12月20日在…), else the title's year."""
    for note in footnotes:
        m = _FULL_DATE.search(note["text"])
        if m:
            return f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}"
    m = _YEAR.search(title or "")
    return m[1] if m else None


def doc_to_record(doc: Doc, doc_id: str, raw: str | None = None, source: str | None = None) -> dict[str, Any]:
    """The corpus format, filled with the pipeline's predictions."""
    meta = doc._.meta or {}
    front = {key: meta.get(key) for key in FRONT_KEYS}
    front["date"] = front["date"] or speech_date(doc._.footnotes or [], meta.get("title"))
    record: dict[str, Any] = {
        "id": doc_id,
        "meta": {**front, "venue": None, "source": source,
                 **{key: meta[key] for key in ("format", "site") if meta.get(key)}},
        "text": doc.text,
        "sections": doc._.sections or [],
        "sentences": [
            {"start": s, "end": e, "theme": label, "score": None if score is None else round(score, 4)}
            for s, e, label, score in doc_themes(doc)
        ],
        "entities": [{"start": e.start_char, "end": e.end_char, "label": e.label_, "text": e.text} for e in doc.ents],
        "words": [[t.idx, t.idx + len(t.text)] for t in doc if not t.is_space],
        "footnotes": doc._.footnotes or [],
    }
    if meta.get("coverage"):
        record["coverage"] = meta["coverage"]
    if raw is not None:
        record["raw"] = raw
    abstract = doc._.abstract
    if abstract:
        units = abstract.get("units") or clause_units(abstract["text"])
        record["abstract"] = {"title": abstract.get("title"), "author": abstract.get("author"),
                              "text": abstract["text"], "units": units}
    if doc._.alignment is not None:
        record["alignment"] = doc._.alignment
    notes = list(meta.get("notes") or [])
    if meta.get("converted_from_traditional"):
        notes.append("the input was in traditional characters and was converted to simplified")
    if not abstract:
        notes.append("no English abstract: alignment skipped")
    if notes:
        record["notes"] = notes
    return record
