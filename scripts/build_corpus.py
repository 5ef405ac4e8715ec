"""Build `corpus/<id>.json` from the authoring sources in `corpus/src/` (format: corpus/src/README.md).

    python scripts/build_corpus.py                 # build every source
    python scripts/build_corpus.py --check FILE... # only parse and check, write nothing
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.corpus import check_doc, validate  # noqa: E402
from pipeline.labels import SECTION_KINDS, THEMES  # noqa: E402
from pipeline.sentences import split_sentences  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ENTITY = re.compile(r"\[\[([^\[\]|]+)\|([A-Z_]+)\]\]")
SECTION = re.compile(r"^==\s+(\S+)(?:\s+(\S+))?(?:\s+(\S+))?\s*$")
SENTENCE = re.compile(r"^([A-Z_]+) (.+)$")
HEADER_KEYS = ("id", "title", "speaker", "date", "venue", "genre", "source")
GENRES = ("review", "unga", "keynote", "press", "joint_statement")


class SourceError(ValueError):
    pass


def strip_entities(line: str, offset: int) -> tuple[str, list[dict[str, Any]]]:
    """Remove `[[text|LABEL]]` markup; return the plain text and entity spans at `offset`."""
    out: list[str] = []
    ents: list[dict[str, Any]] = []
    pos = 0
    length = 0
    for m in ENTITY.finditer(line):
        before = line[pos : m.start()]
        out.append(before)
        length += len(before)
        ents.append(
            {"start": offset + length, "end": offset + length + len(m[1]), "label": m[2], "text": m[1]}
        )
        out.append(m[1])
        length += len(m[1])
        pos = m.end()
    out.append(line[pos:])
    plain = "".join(out)
    if "[[" in plain or "]]" in plain:
        raise SourceError(f"broken entity markup in {line[:40]!r}")
    return plain, ents


def parse_source(src: str) -> dict[str, Any]:
    lines = src.splitlines()
    meta: dict[str, str] = {}
    i = 0
    while i < len(lines) and not lines[i].startswith("=="):
        line = lines[i].strip()
        if line:
            key, _, value = line.partition(":")
            if key.strip() not in HEADER_KEYS:
                raise SourceError(f"line {i + 1}: unknown header key {key!r}")
            meta[key.strip()] = value.strip()
        i += 1
    if "id" not in meta:
        raise SourceError("the header has no id")
    if meta.get("genre") not in GENRES:
        raise SourceError(f"genre must be one of {', '.join(GENRES)}")

    paragraphs: list[list[tuple[str, str]]] = []  # (theme, marked-up sentence)
    sections: list[dict[str, Any]] = []
    footnotes: list[dict[str, str]] = []
    abstract: dict[str, Any] | None = None
    unit_lines: list[tuple[list[str], str]] = []
    word_lines: list[str] = []
    block = "body"
    current: list[tuple[str, str]] = []

    def end_paragraph() -> None:
        nonlocal current
        if current:
            paragraphs.append(current)
            sections[-1]["paras"].append(len(paragraphs) - 1)
            current = []

    for lineno, raw in enumerate(lines[i:], start=i + 1):
        line = raw.strip()
        m = SECTION.match(line)
        if m:
            end_paragraph()
            name = m[1]
            if name in ("footnotes", "abstract", "words"):
                block = name
                if name == "abstract":
                    abstract = {"title": None, "author": None}
                continue
            block = "body"
            kind, parent = m[2], m[3]
            if kind not in SECTION_KINDS:
                raise SourceError(f"line {lineno}: section kind {kind!r} is not one of {SECTION_KINDS}")
            if kind == "item" and not parent:
                raise SourceError(f"line {lineno}: item section {name} needs a parent")
            sections.append({"id": name, "kind": kind, "parent": parent, "paras": []})
            continue
        if not line:
            if block == "body":
                end_paragraph()
            continue
        if block == "footnotes":
            marker, sep, text = line.partition("|")
            if not sep:
                raise SourceError(f"line {lineno}: a footnote is 'MARKER | text'")
            footnotes.append({"marker": marker.strip(), "text": text.strip()})
        elif block == "abstract":
            assert abstract is not None
            if line.startswith(("title:", "author:")):
                key, _, value = line.partition(":")
                abstract[key] = value.strip()
                continue
            ids, sep, text = line.partition("|")
            if not sep:
                raise SourceError(f"line {lineno}: an abstract unit is 'IDS | clause'")
            ids = ids.strip()
            unit_lines.append(([] if ids == "-" else [x.strip() for x in ids.split(",")], text.strip()))
        elif block == "words":
            word_lines.append(line)
        else:
            if not sections:
                raise SourceError(f"line {lineno}: text before the first '== ID KIND' line")
            m = SENTENCE.match(line)
            if not m or m[1] not in THEMES:
                raise SourceError(f"line {lineno}: a sentence line is 'THEME sentence' with a theme of {THEMES}")
            current.append((m[1], m[2].strip()))
    end_paragraph()

    # Assemble the text, sentences and entities.
    text_parts: list[str] = []
    sentences: list[dict[str, Any]] = []
    entities: list[dict[str, Any]] = []
    para_span: list[tuple[int, int]] = []
    pos = 0
    for p_idx, para in enumerate(paragraphs):
        if p_idx:
            text_parts.append("\n")
            pos += 1
        p_start = pos
        for theme, marked in para:
            plain, ents = strip_entities(marked, pos)
            sentences.append({"start": pos, "end": pos + len(plain), "theme": theme})
            entities.extend(ents)
            text_parts.append(plain)
            pos += len(plain)
        para_span.append((p_start, pos))
    text = "".join(text_parts)

    # Each source line must be exactly one sentence of the rule.
    rule = split_sentences(text)
    got = [(s["start"], s["end"]) for s in sentences]
    if rule != got:
        rule_set, got_set = set(rule), set(got)
        for s, e in got:
            if (s, e) not in rule_set:
                inner = [x for x in rule if s <= x[0] < e]
                hint = " | ".join(text[a:b] for a, b in inner)[:120]
                raise SourceError(f"line is not one sentence by the rule: {text[s:e][:60]!r} -> {hint!r}")
        extra = [x for x in rule if x not in got_set]
        raise SourceError(f"sentence split mismatch near {text[extra[0][0]:extra[0][1]][:40]!r}")

    # Sections: top-level ones tile the text, a parent runs to the end of its last item.
    by_id = {s["id"]: s for s in sections}
    out_sections: list[dict[str, Any]] = []
    for s in sections:
        if not s["paras"]:
            if not any(c["parent"] == s["id"] for c in sections):
                raise SourceError(f"section {s['id']} is empty")
    for s in sections:
        paras = s["paras"] or next(c["paras"] for c in sections if c["parent"] == s["id"])
        s["start"] = para_span[paras[0]][0]
    top_level = [s for s in sections if s["parent"] is None]
    for group in [top_level] + [[c for c in sections if c["parent"] == s["id"]] for s in top_level]:
        for a, b in zip(group, group[1:]):
            a["end"] = b["start"]
        if group:
            parent = by_id.get(group[-1]["parent"] or "")
            group[-1]["end"] = parent["end"] if parent else len(text)
    for s in sections:
        first_para = paragraphs[s["paras"][0]] if s["paras"] else []
        title = None
        if first_para:
            first = strip_entities(first_para[0][1], 0)[0]
            heading_like = len(first_para) == 1 and len(first) <= 40 and first[-1] not in "。！？：”"
            if s["kind"] in ("body", "item") or heading_like:
                title = first
        out_sections.append(
            {"id": s["id"], "kind": s["kind"], "start": s["start"], "end": s["end"],
             "title": title, "parent": s["parent"]}
        )

    doc: dict[str, Any] = {
        "id": meta["id"],
        "meta": {k: meta.get(k) for k in ("title", "speaker", "date", "venue", "source")},
        "genre": meta["genre"],
        "text": text,
        "sections": out_sections,
        "sentences": sentences,
        "entities": entities,
        "footnotes": footnotes,
    }
    if word_lines:
        doc["words"] = words_from_lines(word_lines, text, sentences)
    if abstract is not None:
        units, alignment, parts, apos = [], [], [], 0
        for k, (ids, clause) in enumerate(unit_lines):
            if k:
                parts.append(" ")
                apos += 1
            units.append({"id": f"a{k}", "start": apos, "end": apos + len(clause)})
            alignment.append({"unit": f"a{k}", "sections": ids})
            parts.append(clause)
            apos += len(clause)
        abstract["text"] = "".join(parts)
        abstract["units"] = units
        doc["abstract"] = abstract
        doc["alignment"] = alignment
    return doc


def words_from_lines(word_lines: list[str], text: str, sentences: list[dict[str, Any]]) -> list[list[int]]:
    if len(word_lines) != len(sentences):
        raise SourceError(f"the words block has {len(word_lines)} lines for {len(sentences)} sentences")
    words: list[list[int]] = []
    for line, sent in zip(word_lines, sentences):
        pos = sent["start"]
        for w in line.split():
            if text[pos : pos + len(w)] != w:
                raise SourceError(f"word {w!r} does not match the text at {text[pos:pos + 10]!r}")
            words.append([pos, pos + len(w)])
            pos += len(w)
        if pos != sent["end"]:
            raise SourceError(f"the words of line {line[:20]!r} do not cover its sentence")
    return words


def build(path: Path) -> dict[str, Any]:
    try:
        doc = parse_source(path.read_text("utf8"))
    except SourceError as err:
        raise SourceError(f"{path}: {err}") from None
    validate(doc, str(path))
    problems = check_doc(doc)
    if problems:
        raise SourceError(f"{path}: " + "; ".join(problems[:5]))
    if doc["id"] != path.stem:
        raise SourceError(f"{path}: the id {doc['id']!r} differs from the file name")
    return doc


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sources", nargs="*", type=Path)
    ap.add_argument("--check", action="store_true", help="parse and check only; write nothing")
    ap.add_argument("--out", type=Path, default=ROOT / "corpus")
    args = ap.parse_args(argv)
    sources = args.sources or sorted((ROOT / "corpus" / "src").glob("*.txt"))
    failed = 0
    for path in sources:
        try:
            doc = build(path)
        except (SourceError, ValueError) as err:
            print(f"error: {err}")
            failed += 1
            continue
        n_chars = sum(1 for ch in doc["text"] if "\u4e00" <= ch <= "\u9fff")
        summary = (f"{path.name}: {n_chars} Chinese characters, {len(doc['sentences'])} sentences, "
                   f"{len(doc['entities'])} entities, {len(doc['sections'])} sections")
        if args.check:
            print(f"ok {summary}")
            continue
        out = args.out / f"{doc['id']}.json"
        tmp = out.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", "utf8")
        tmp.replace(out)
        print(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out} ({summary})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
