"""From text as it comes out of a journal PDF (or already clean) to a clean speech body.

The PDF layer is undone in one pass over lines: page numbers and running headers are
dropped, footnotes and the editor line are set aside, hard-wrapped lines are rejoined into
paragraphs, spaces a PDF puts around Latin digits and between CJK characters are removed,
and the English title, author and abstract at the end are split off. Clean text (one
paragraph per line) passes through unchanged, so normalisation is idempotent.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = "，。、；：？！“”‘’（）《》【】「」『』—…·"
_CJK_RE = re.compile(f"[{CJK}]")
_LATIN_RE = re.compile(r"[A-Za-z]")
PARA_END = tuple("。！？：；”’）」』…")
# Footnote markers in the body: [1], *, ①…⑳, and superscript-like (1) after a character.
_MARKER_RE = re.compile(r"\s*(?:\[\d{1,3}\]|［\d{1,3}］|[①-⑳]|\*+)")
_FOOTNOTE_START = re.compile(r"^\s*(\[\d{1,3}\]|［\d{1,3}］|[①-⑳]|\*+)\s*(?=\S)")
_PAGE_NUMBER = re.compile(r"^\s*[-—]?\s*\d{1,4}\s*[-—]?\s*$")
_JOURNAL_HEADER = re.compile(r"^\s*《[^》]{2,20}》\s*\d{4}\s*年\s*第\s*\d{1,2}\s*期\s*$")
_EDITOR = re.compile(r"^\s*[【\[]\s*责\s*任\s*编\s*辑\s*[：:](.*?)[】\]]\s*$")
_KEYWORDS = re.compile(r"^\s*(key\s*words?|keywords)\s*[:：]", re.I)
_ABSTRACT_LABEL = re.compile(r"^\s*abstract\s*[:：]\s*", re.I)
_AUTHOR_EN = re.compile(r"^\s*(?:by\s+)?[A-Z][A-Z'\-]+(?:\s+[A-Z][a-z'\-]+)+\s*\*?\s*$")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_HEADING_START = re.compile(
    r"^(第[一二三四五六七八九十]{1,3}[，,、]|[一二三四五六七八九十]{1,3}[、．.]|（[一二三四五六七八九十]{1,3}）"
    r"|[一二三四五六七八九十]{1,2}是|展望|最后，|女士们|各位|尊敬的)"
)


class InputError(ValueError):
    """Input that cannot be analysed; the message says what to do."""


@dataclass
class Abstract:
    title: str | None
    author: str | None
    text: str


@dataclass
class Speech:
    """A normalised speech: the clean body and what the PDF layer carried around it."""

    text: str
    title: str | None = None
    speaker: str | None = None
    footnotes: list[dict[str, str]] = field(default_factory=list)
    abstract: Abstract | None = None
    editor: str | None = None
    converted_from_traditional: bool = False
    dropped: list[str] = field(default_factory=list)  # page furniture and end matter set aside


# --------------------------------------------------------------------------- decoding

def decode(data: bytes, source: str = "<input>") -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 (with BOM) or GB18030/GBK."""
    if not data.strip():
        raise InputError(f"{source}: the file is empty; give a file with the speech's text")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16")
    elif data[:3] == b"\xef\xbb\xbf":
        text = data[3:].decode("utf-8", errors="strict")
    else:
        if _looks_utf16_without_bom(data):
            text = data.decode("utf-16-le" if data[1::2].count(0) > data[0::2].count(0) else "utf-16-be")
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                try:
                    text = data.decode("gb18030")
                except UnicodeDecodeError:
                    raise InputError(
                        f"{source}: not text in UTF-8, UTF-16 or GB18030; is it a binary file? "
                        "Give the text extracted from the PDF (for example with pdftotext)"
                    ) from None
    if _is_binary(text):
        raise InputError(
            f"{source}: looks like a binary file, not text; extract the text first "
            "(for example pdftotext FILE.pdf FILE.txt)"
        )
    return text


def _looks_utf16_without_bom(data: bytes) -> bool:
    sample = data[:4000]
    return len(sample) >= 4 and sample.count(0) > len(sample) // 4


def _is_binary(text: str) -> bool:
    sample = text[:20000]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    return "\x00" in sample or controls > max(8, len(sample) // 100)


def read_input(path: str | Path, max_bytes: int) -> str:
    """Read and decode one input file, refusing files over `max_bytes`."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give files, or the folder alone to run every file in it")
    if size > max_bytes:
        raise InputError(
            f"{path}: {size / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB limit for one speech; "
            "split it into one file per speech or raise --max-mb"
        )
    return decode(path.read_bytes(), str(path))


# --------------------------------------------------------------------------- characters

def to_simplified(text: str) -> tuple[str, bool]:
    """Convert traditional characters to simplified when the text is mostly traditional."""
    from opencc import OpenCC

    sample = "".join(_CJK_RE.findall(text[:20000]))
    if not sample:
        return text, False
    simplified = OpenCC("t2s").convert(sample)
    changed = sum(a != b for a, b in zip(sample, simplified))
    if changed / len(sample) < 0.02:
        return text, False
    return OpenCC("t2s").convert(text), True


def tidy_characters(text: str) -> str:
    """Line endings, invisible characters, odd spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = text.translate(_ZERO_WIDTH)
    text = text.replace("\u3000", "  ").replace("\u00a0", " ").replace("\t", " ")
    return text


def squeeze_spaces(line: str) -> str:
    """Drop the spaces a PDF puts between CJK and Latin digits or between CJK characters."""
    line = line.strip()
    near_cjk = f"[{CJK}{re.escape(CJK_PUNCT)}]"
    line = re.sub(f"(?<={near_cjk}) +", "", line)
    line = re.sub(f" +(?={near_cjk})", "", line)
    line = re.sub(r"(?<=[0-9.%]) +(?=%)", "", line)
    line = re.sub(r"(?<=[-–/+]) +(?=[0-9A-Za-z])|(?<=[0-9A-Za-z]) +(?=[-–/+])", "", line)
    return re.sub(r" {2,}", " ", line)


# --------------------------------------------------------------------------- lines

def cjk_ratio(line: str) -> float:
    letters = len(_CJK_RE.findall(line)) + len(_LATIN_RE.findall(line))
    return len(_CJK_RE.findall(line)) / letters if letters else 0.0


def _display_len(line: str) -> int:
    """Characters a line takes on the page; a run of Latin or digits counts about half."""
    return len(_CJK_RE.findall(line)) + sum(1 for ch in line if ch in CJK_PUNCT) + (
        len(re.findall(r"[A-Za-z0-9]", line)) + 1
    ) // 2


def _is_page_furniture(line: str, repeated: set[str], title: str | None) -> bool:
    s = line.strip()
    if _PAGE_NUMBER.match(s) or _JOURNAL_HEADER.match(s):
        return True
    compact = s.replace(" ", "")
    return compact in repeated or (title is not None and compact == title)


def _repeated_short_lines(lines: list[str]) -> set[str]:
    """Short lines without final punctuation seen at least twice: running headers."""
    counts = Counter(
        ln.replace(" ", "") for ln in lines if 0 < len(ln.strip()) <= 50 and not ln.strip().endswith(PARA_END)
    )
    return {ln for ln, c in counts.items() if c >= 2 and not _HEADING_START.match(ln)}


def _is_clean_layout(lines: list[str]) -> bool:
    """One paragraph per line: most lines end a sentence or are long."""
    body = [ln.strip() for ln in lines if ln.strip()]
    if not body:
        return True
    ended = sum(1 for ln in body if ln.endswith(PARA_END) or len(ln) > 60 or _HEADING_START.match(ln))
    return ended / len(body) >= 0.8


# --------------------------------------------------------------------------- the English end matter

def split_english_tail(lines: list[str]) -> tuple[list[str], list[str]]:
    """Split off the trailing block of lines written mostly in Latin script."""
    idx = len(lines)
    for i in range(len(lines) - 1, -1, -1):
        s = lines[i].strip()
        if not s or _PAGE_NUMBER.match(s) or _JOURNAL_HEADER.match(s) or _EDITOR.match(s):
            continue
        if cjk_ratio(s) <= 0.2 and _LATIN_RE.search(s):
            idx = i
            continue
        break
    tail = lines[idx:]
    if not any(_LATIN_RE.search(ln) and len(ln.strip()) > 20 for ln in tail):
        return lines, []
    return lines[:idx], tail


def parse_english(tail: list[str], dropped: list[str] | None = None) -> Abstract | None:
    """Title, author and abstract from the English end matter."""
    rows = [ln.strip() for ln in tail if ln.strip() and not _PAGE_NUMBER.match(ln.strip())]
    rows = [r for r in rows if not _EDITOR.match(r)]
    if dropped is not None:
        dropped.extend(ln.strip() for ln in tail if _PAGE_NUMBER.match(ln.strip()) or _EDITOR.match(ln.strip()))
    if not rows:
        return None
    title_rows: list[str] = []
    author = None
    body_rows: list[str] = []
    state = "title"
    for k, row in enumerate(rows):
        if _KEYWORDS.match(row):
            if dropped is not None:
                dropped.extend(rows[k:])
            break
        if _ABSTRACT_LABEL.match(row):
            state = "abstract"
            row = _ABSTRACT_LABEL.sub("", row)
            if row:
                body_rows.append(row)
            continue
        if state == "title" and _AUTHOR_EN.match(row) and title_rows:
            author = row.strip(" *")
            state = "after_author"
            continue
        if state == "title":
            title_rows.append(row)
        else:
            body_rows.append(row)
    if not body_rows and title_rows and author is None:
        # No labels at all: the block is the abstract itself.
        body_rows, title_rows = title_rows, []
    return Abstract(
        title=join_latin(title_rows) or None,
        author=author,
        text=join_latin(body_rows),
    )


def join_latin(rows: list[str]) -> str:
    out = ""
    for row in rows:
        row = row.strip()
        if not out:
            out = row
        elif out.endswith("-") and row[:1].islower():
            out += row
        else:
            out += " " + row
    return re.sub(r"\s+", " ", out).strip()


# --------------------------------------------------------------------------- the whole pass

def normalize(raw: str, source: str = "<input>", simplify: bool = True) -> Speech:
    """Clean raw speech text; raise `InputError` when there is no Chinese speech in it."""
    text = tidy_characters(unicodedata.normalize("NFC", raw))
    converted = False
    if simplify:
        text, converted = to_simplified(text)
    if not _CJK_RE.search(text):
        raise InputError(f"{source}: contains no Chinese text; dipnlp analyses Chinese speeches")
    lines = text.split("\n")
    lines, english = split_english_tail(lines)
    dropped: list[str] = []
    abstract = parse_english(english, dropped) if english else None

    editor = None
    kept: list[str] = []
    for ln in lines:
        m = _EDITOR.match(ln)
        if m:
            editor = re.sub(r"\s+", "", m.group(1)) or None
            dropped.append(ln.strip())
            continue
        kept.append(ln)
    lines = kept

    title, speaker, start = _front_matter(lines)
    lines = lines[start:]
    if _is_clean_layout(lines):
        paragraphs = [squeeze_spaces(ln) for ln in lines if ln.strip()]
        footnotes: list[dict[str, str]] = []
    else:
        paragraphs, footnotes = _undo_pdf_layout(lines, title, dropped)
    paragraphs = [p for p in (_strip_markers(p) for p in paragraphs) if p]
    if not any(_CJK_RE.search(p) for p in paragraphs):
        raise InputError(f"{source}: no speech body left once headers, footnotes and the abstract are set aside; "
                         "give the text of the speech itself")
    return Speech(
        text="\n".join(paragraphs),
        title=title,
        speaker=speaker,
        footnotes=footnotes,
        abstract=abstract if abstract and abstract.text else None,
        editor=editor,
        converted_from_traditional=converted,
        dropped=dropped,
    )


def _strip_markers(paragraph: str) -> str:
    """Remove footnote markers that follow a character (never a leading list marker)."""
    return re.sub(r"(?<=\S)" + _MARKER_RE.pattern, "", paragraph).strip()


def _front_matter(lines: list[str]) -> tuple[str | None, str | None, int]:
    """Title and author at the top: short lines, then a line holding only a 2-4 character name."""
    nonblank = [(i, ln.strip()) for i, ln in enumerate(lines) if ln.strip()]
    for k, (i, ln) in enumerate(nonblank[:4]):
        name = re.sub(r"[\s*]|\[\d+\]", "", ln)
        if k > 0 and 2 <= len(name) <= 4 and all(_CJK_RE.match(ch) for ch in name):
            heads = [x for _, x in nonblank[:k]]
            if all(len(x) <= 60 and not x.endswith(PARA_END) for x in heads):
                return _strip_markers("".join(squeeze_spaces(x) for x in heads)), name, i + 1
    return None, None, 0


def _undo_pdf_layout(
    lines: list[str], title: str | None, dropped: list[str]
) -> tuple[list[str], list[dict[str, str]]]:
    compact_title = title.replace(" ", "") if title else None
    repeated = _repeated_short_lines(lines)
    body: list[tuple[str, bool, bool]] = []  # (line, blank line before it, indented)
    footnotes: list[dict[str, str]] = []
    in_note = False
    blank_before = False
    for ln in lines:
        s = ln.strip()
        if not s:
            blank_before = True
            continue
        if _is_page_furniture(s, repeated, compact_title):
            dropped.append(s)
            in_note = False
            blank_before = False
            continue
        m = _FOOTNOTE_START.match(s)
        if m and (s[m.end() : m.end() + 1] not in CJK_PUNCT) and (in_note or _note_like(s, m)):
            footnotes.append({"marker": m.group(1), "text": squeeze_spaces(s[m.end() :])})
            in_note = True
            continue
        if in_note:
            footnotes[-1]["text"] += squeeze_spaces(s)
            continue
        body.append((s, blank_before, ln.startswith("  ")))
        blank_before = False
    return _join_paragraphs(body), footnotes


def _note_like(line: str, m: re.Match) -> bool:
    """A marker at the start of a line opens a footnote when a space or a source cue follows."""
    rest = line[m.end() :]
    return line[m.end() - 1 : m.end()].isspace() or bool(
        re.match(r"(本文|参见|见|作者|资料来源|数据来源|引自|据|This)", rest)
    ) or m.group(1).startswith("*")


def _join_paragraphs(body: list[tuple[str, bool, bool]]) -> list[str]:
    """Rejoin hard-wrapped lines into paragraphs.

    The first signal a layout offers wins: first-line indents, else blank lines (when none
    falls inside a sentence), else a short line ending a sentence.
    """
    if not body:
        return []
    widths = sorted(_display_len(s) for s, _, _ in body)
    full = widths[int(len(widths) * 0.9)] if len(widths) >= 5 else max(widths)
    n_indented = sum(1 for _, _, ind in body if ind)
    use_indent = 3 <= n_indented <= 0.8 * len(body)
    use_blanks = not use_indent and any(blank for _, blank, _ in body[1:]) and all(
        prev.endswith(PARA_END) for (prev, _, _), (_, blank, _) in zip(body, body[1:]) if blank
    )
    paragraphs: list[str] = []
    current = prev = ""
    for line, blank, indented in body:
        starts_new = False
        if current:
            if use_indent:
                starts_new = indented
            elif use_blanks:
                starts_new = blank
            else:
                short_prev = _display_len(prev) < full - 1
                # Inside a paragraph every line is full; a short one ends it (headings too).
                starts_new = short_prev or (
                    prev.endswith(PARA_END) and bool(_HEADING_START.match(squeeze_spaces(line)))
                )
        if starts_new:
            paragraphs.append(current)
            current = ""
        current = _join_line(current, line)
        prev = line
    if current:
        paragraphs.append(current)
    return [squeeze_spaces(p) for p in paragraphs]


def _join_line(current: str, line: str) -> str:
    if not current:
        return line
    if _LATIN_RE.search(current[-1:]) and _LATIN_RE.search(line[:1]):
        return current + " " + line
    return current + line
