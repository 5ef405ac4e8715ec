"""Reading, validating and checking corpus documents (the SPEC's corpus format).

Every reader goes through `load_doc`, which validates against the JSON Schema shipped
with the package, so a malformed file fails with one line naming the file and the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from .labels import ENTITY_LABELS, QUOTE_MARKS, SECTION_KINDS, THEMES
from .sentences import split_sentences

Doc = dict[str, Any]


class CorpusError(ValueError):
    """A corpus file that cannot be used; the message names the file and the fix."""


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    return json.loads(resources.files("pipeline").joinpath("corpus.schema.json").read_text("utf8"))


def validate(doc: Doc, source: str = "<doc>") -> Doc:
    """Raise `CorpusError` unless `doc` conforms to the corpus schema."""
    validator = jsonschema.Draft202012Validator(schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(doc))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise CorpusError(f"{source}: not a corpus document: at {where}: {error.message}")
    return doc


def load_doc(path: str | Path) -> Doc:
    """Read and validate one corpus JSON file."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise CorpusError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise CorpusError(f"{path}: not UTF-8 text; corpus files are UTF-8 JSON") from None
    except json.JSONDecodeError as err:
        raise CorpusError(f"{path}: invalid JSON at line {err.lineno}: {err.msg}") from None
    return validate(doc, str(path))


NOT_DOCUMENTS = {"schema.json", "splits.json"}  # the corpus folder's own metadata


def iter_paths(inputs: Iterable[str | Path], suffix: str = ".json") -> Iterator[Path]:
    """Expand files and folders (sorted, non-recursive) into file paths."""
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            yield from sorted(q for q in p.iterdir()
                              if q.is_file() and q.suffix == suffix and q.name not in NOT_DOCUMENTS)
        else:
            yield p


def load_docs(inputs: Iterable[str | Path]) -> list[Doc]:
    return [load_doc(p) for p in iter_paths(inputs)]


def read_splits(path: str | Path) -> dict[str, list[str]]:
    return json.loads(Path(path).read_text("utf8"))


def split_paths(corpus_dir: str | Path, split: str) -> list[Path]:
    """The corpus files of one split named in `corpus/splits.json`."""
    corpus_dir = Path(corpus_dir)
    splits = read_splits(corpus_dir / "splits.json")
    if split not in splits:
        raise CorpusError(f"{corpus_dir / 'splits.json'}: no split named {split!r}")
    return [corpus_dir / f"{doc_id}.json" for doc_id in splits[split]]


def finest_sections(doc: Doc) -> list[dict[str, Any]]:
    """Sections that no other section names as parent."""
    parents = {s.get("parent") for s in doc.get("sections", [])}
    return [s for s in doc.get("sections", []) if s["id"] not in parents]


_PAIRS = {"“": "”", "‘": "’", "《": "》", "「": "」", "『": "』"}


def _loose_edge(span: str) -> bool:
    """A quote mark at an edge is wrong unless its partner is inside the span (《公约》第十五次大会)."""
    if span != span.strip():
        return True
    head, tail = span[0], span[-1]
    if head in QUOTE_MARKS and not (head in _PAIRS and _PAIRS[head] in span[1:-1]):
        return True
    closers = {v: k for k, v in _PAIRS.items()}
    return tail in QUOTE_MARKS and not (tail in closers and closers[tail] in span[1:-1])


def check_doc(doc: Doc) -> list[str]:
    """Span-level problems the schema cannot see; an empty list means the file is sound."""
    problems: list[str] = []
    text = doc["text"]
    n = len(text)

    def bad_span(kind: str, item: dict[str, Any]) -> bool:
        if not 0 <= item["start"] < item["end"] <= n:
            problems.append(f"{kind} [{item['start']}, {item['end']}) lies outside the text")
            return True
        return False

    # Sentences: the rule-based split, each with a known theme.
    sents = doc.get("sentences")
    if sents is not None:
        expected = split_sentences(text)
        got = [(s["start"], s["end"]) for s in sents]
        if got != expected:
            for (gs, ge), (es, ee) in zip(got, expected):
                if (gs, ge) != (es, ee):
                    problems.append(
                        f"sentences do not follow the sentence rule near {text[es:ee][:30]!r}"
                    )
                    break
            else:
                problems.append(f"{len(got)} sentences where the rule gives {len(expected)}")
        for s in sents:
            theme = s.get("theme")
            if theme is not None and theme not in THEMES:
                problems.append(f"unknown theme {theme!r}")

    # Entities: inside the text, known labels, no overlap, no quote marks at the edges.
    ents = sorted(doc.get("entities", []), key=lambda e: (e["start"], e["end"]))
    last_end = -1
    for e in ents:
        if bad_span("entity", e):
            continue
        span = text[e["start"] : e["end"]]
        if e["label"] not in ENTITY_LABELS:
            problems.append(f"entity {span!r} has unknown label {e['label']!r}")
        if _loose_edge(span):
            problems.append(f"entity {span!r} keeps a quote mark or space at its edge")
        if "\n" in span:
            problems.append(f"entity {span!r} crosses a paragraph")
        if e["start"] < last_end:
            problems.append(f"entity {span!r} overlaps the one before it")
        last_end = max(last_end, e["end"])

    # Sections: one level covers the body in order; items tile the tail of their parent.
    sections = doc.get("sections", [])
    ids = [s["id"] for s in sections]
    if len(set(ids)) != len(ids):
        problems.append("section ids are not unique")
    by_id = {s["id"]: s for s in sections}
    top = [s for s in sections if not s.get("parent")]
    for s in sections:
        bad_span("section", s)
        if s["kind"] not in SECTION_KINDS:
            problems.append(f"section {s['id']} has unknown kind {s['kind']!r}")
        if s["kind"] == "item" and not s.get("parent"):
            problems.append(f"item section {s['id']} has no parent")
    if top:
        if top[0]["start"] != 0 or top[-1]["end"] != n:
            problems.append("top-level sections do not cover the whole text")
        for a, b in zip(top, top[1:]):
            if a["end"] != b["start"]:
                problems.append(f"sections {a['id']} and {b['id']} leave a gap or overlap")
    children: dict[str, list[dict[str, Any]]] = {}
    for s in sections:
        if s.get("parent"):
            if s["parent"] not in by_id:
                problems.append(f"section {s['id']} names unknown parent {s['parent']}")
                continue
            children.setdefault(s["parent"], []).append(s)
    for pid, kids in children.items():
        parent = by_id[pid]
        if kids[-1]["end"] != parent["end"] or kids[0]["start"] <= parent["start"]:
            problems.append(f"the items of {pid} do not cover the end of their parent")
        for a, b in zip(kids, kids[1:]):
            if a["end"] != b["start"]:
                problems.append(f"items {a['id']} and {b['id']} leave a gap or overlap")

    # Words: contiguous, non-empty, covering every non-space character.
    words = doc.get("words")
    if words:
        covered = set()
        for s, e in words:
            if not 0 <= s < e <= n:
                problems.append(f"word [{s}, {e}) lies outside the text")
                break
            covered.update(range(s, e))
        missing = [i for i in range(n) if not text[i].isspace() and i not in covered]
        if missing:
            problems.append(f"{len(missing)} characters are in no word, first at {missing[0]}")

    # Abstract and alignment.
    abstract = doc.get("abstract") or {}
    units = abstract.get("units", [])
    unit_ids = {u["id"] for u in units}
    for u in units:
        if not 0 <= u["start"] < u["end"] <= len(abstract["text"]):
            problems.append(f"abstract unit {u['id']} lies outside the abstract")
    finest = {s["id"] for s in finest_sections(doc)} | {p for p in children}
    for a in doc.get("alignment", []):
        if a["unit"] not in unit_ids:
            problems.append(f"alignment names unknown unit {a['unit']}")
        for sid in a["sections"]:
            if sid not in finest:
                problems.append(f"alignment of {a['unit']} names unknown section {sid}")
    return problems


def to_dataset(inputs: Iterable[str | Path]):
    """The corpus as a `datasets.Dataset`: one row per sentence, with its theme and entities."""
    from datasets import Dataset

    rows: dict[str, list] = {"doc_id": [], "section": [], "text": [], "theme": [], "entities": []}
    for doc in load_docs(inputs):
        text = doc["text"]
        leaves = finest_sections(doc)
        for s in doc.get("sentences", []):
            section = next((x["id"] for x in leaves if x["start"] <= s["start"] < x["end"]), None)
            rows["doc_id"].append(doc["id"])
            rows["section"].append(section)
            rows["text"].append(text[s["start"] : s["end"]])
            rows["theme"].append(s.get("theme"))
            rows["entities"].append([
                {"start": e["start"] - s["start"], "end": e["end"] - s["start"], "label": e["label"],
                 "text": text[e["start"] : e["end"]]}
                for e in doc.get("entities", []) if s["start"] <= e["start"] and e["end"] <= s["end"]
            ])
    return Dataset.from_dict(rows)
