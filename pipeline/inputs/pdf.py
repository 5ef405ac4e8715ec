"""Reading a speech out of a PDF, using what the layout knows and plain text has lost.

A journal article in PDF (《国际问题研究》 and the like) carries its structure in type size and
position, not in characters: the body is set in one size in one column; running headers and
page numbers sit in the margins; footnotes are set smaller at the foot of a page, below a short
rule; the title is larger; a paragraph begins with an indented line and ends with a short one.
Once `pdftotext` has flattened the page, all of that has to be guessed back from the words
(which `normalize` can do, less surely). Here it is read off the page instead:

* lines come from pdfplumber (characters clustered by position), each with its median type size;
* the body size is the size most characters are set in; the column's edges are where most body
  lines start and end, page by page (facing pages have mirrored margins);
* leading lines set smaller than the body, page numbers, and lines that recur at the top or foot
  of several pages are running heads and folios (`furniture`);
* the run of small type after a page's last body line, below a short rule or opening with a note
  marker, is footnotes; notes that wrap are joined;
* paragraphs are rebuilt from first-line indents, lines ending short of the column, changes of
  type size and extra leading; a paragraph broken by a page break (with the page's foot, notes
  and the next page's head in between) is joined again.

The result is one paragraph a line (title lines and the author first, then the body, the editor
line, the English end matter), which `normalize` passes through as clean text.
"""

from __future__ import annotations

import logging
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from ..normalize import InputError
from . import Extracted

log = logging.getLogger("dipnlp")

# Characters set on a square em (ideographs, CJK and full-width punctuation): no spaces go between them.
_CJK_CHAR = re.compile(r"[\u2014\u2026\u201c\u201d\u2018\u2019\u00b7\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff"
                       r"\uf900-\ufaff\uff00-\uffef\u2460-\u24ff]")
_LATIN_END = re.compile(r"[A-Za-z0-9,.;:!?)\]'\"%]$")
_LATIN_START = re.compile(r"^[A-Za-z0-9(\['\"]")
_PAGE_NUMBER = re.compile(r"^[-—–·\s]*(?:第\s*)?\d{1,4}(?:\s*页)?[-—–·\s]*$")
_JOURNAL_HEADER = re.compile(r"(?:《[^》]{2,20}》|[\u4e00-\u9fff]{2,12})\s*\d{4}\s*年\s*第\s*\d{1,2}\s*期")
_EDITOR = re.compile(r"^\s*[【\[]\s*责\s*任\s*编\s*辑")
# A footnote opens with its marker: *, [1], ［1］, ①, (1); a bare number only as `1.` or set small (superscript).
_NOTE_MARKER = re.compile(
    r"^\s*(\*+|\[\d{1,3}\]|［\d{1,3}］|[①-⑳㉑-㉟㊱-㊿]|[（(]\d{1,3}[）)]|\d{1,3}[.．、](?=\s))\s*"
)
_BARE_NUMBER = re.compile(r"^\s*(\d{1,3})(?!\d)\s*")
_MARKER_ONLY = re.compile(r"^[\s*\[\]［］()（）\d①-⑳]+$")
_CID_GARBAGE = re.compile(r"\(cid:\d+\)")
_JUNK_META = {"", "untitled", "anonymous", "unknown", "unspecified", "administrator", "user", "author"}

SMALL = 0.9  # footnote type is under this share of the body size
SIZE_STEP = 0.06  # a change of type size by more than this share starts a new paragraph


@dataclass
class Line:
    """One printed line: its text, median type size and box, on page `page` (0-based)."""

    text: str
    size: float
    x0: float
    x1: float
    top: float
    bottom: float
    page: int
    chars: list[dict[str, Any]] = field(default_factory=list, repr=False)


@dataclass
class _Column:
    left: float
    right: float


# --------------------------------------------------------------------------- opening

def read_pdf(data: bytes, source: str) -> Extracted:
    """Read a PDF's text layer into an `Extracted`: body paragraphs one a line, notes and furniture apart.

    Raises `InputError` (one line naming `source` and the fix) for encrypted, image-only and
    damaged files.
    """
    if b"%%EOF" not in data[-4096:]:
        # A download cut short: pdfminer would read the pages it can find and silently lose the rest.
        raise _damaged(source, "the file ends before the PDF does (a download cut short?)")
    try:
        pdf = pdfplumber.open(BytesIO(data))
        try:
            pdf_pages = pdf.pages
        except (TypeError, KeyError, AttributeError, ValueError) as exc:
            # pdfplumber reads the page boxes unguarded: a broken page tree fails with plain Python
            # errors (and so would pdf.close(), which walks it again; the stream is ours, nothing leaks).
            raise _damaged(source, f"its page tree is broken ({_reason(exc)})") from None
        with pdf:
            meta = _meta(pdf.metadata, len(pdf_pages))
            pages = [_page_lines(page, k) for k, page in enumerate(pdf_pages)]
            rules = [_rules(page) for page in pdf_pages]
            heights = [float(page.height) for page in pdf_pages]
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
        if isinstance(cause, PDFEncryptionError):
            raise InputError(
                f"{source}: the PDF is encrypted; decrypt it first "
                "(for example qpdf --decrypt IN.pdf OUT.pdf) and give that file"
            ) from None
        raise _damaged(source, _reason(cause)) from None
    except (PSException, MalformedPDFException) as exc:
        raise _damaged(source, _reason(exc)) from None
    if not pages:
        raise _damaged(source, "it has no pages")
    return _assemble(pages, rules, heights, meta, source)


def _damaged(source: str, reason: str) -> InputError:
    return InputError(f"{source}: cannot read the PDF (damaged?): {reason}; export or download it again")


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:120]


def _meta(info: dict[str, Any], n_pages: int) -> dict[str, str]:
    """Title and author from the document information, when they are more than a tool's placeholder."""
    meta = {"pages": str(n_pages)}
    for key in ("Title", "Author"):
        value = info.get(key)
        if not isinstance(value, str):
            continue
        value = " ".join(value.split())
        if value.lower() in _JUNK_META or value.startswith("Microsoft Word") or re.search(
            r"\.(docx?|pdf|indd|tex|wps)$", value, re.I
        ):
            continue
        meta[key.lower()] = value
    return meta


# --------------------------------------------------------------------------- lines

def _page_lines(page: Any, index: int) -> list[Line]:
    """The page's lines, top to bottom, with superscripts put back into the line they belong to."""
    page = page.dedupe_chars()  # fake bold prints each character twice
    raw = page.extract_text_lines(return_chars=True, keep_blank_chars=True)
    # Characters of no size print nothing (and appear in damaged files); they would only mislead.
    sized = ([c for c in r["chars"] if c["size"] > 0.5] for r in raw)
    lines = [_make_line(chars, index) for chars in sized if chars]
    lines = [ln for ln in lines if ln.text]
    return _merge_raised(sorted(lines, key=lambda ln: (ln.top, ln.x0)))


def _make_line(chars: list[dict[str, Any]], page: int) -> Line:
    chars = sorted(chars, key=lambda c: c["x0"])
    printed = [c for c in chars if c["text"].strip()] or chars
    return Line(
        text=_line_text(chars),
        size=float(statistics.median(c["size"] for c in printed)),
        x0=float(min(c["x0"] for c in printed)),
        x1=float(max(c["x1"] for c in printed)),
        top=float(min(c["top"] for c in printed)),
        bottom=float(max(c["bottom"] for c in printed)),
        page=page,
        chars=chars,
    )


def _line_text(chars: list[dict[str, Any]]) -> str:
    """The characters in order; a space only where the PDF has one or between Latin words set apart.

    pdfplumber's own line text puts a space wherever two characters are more than 3 pt apart,
    which in justified Chinese (or around digits set in a Latin font) splits words that are not
    split. Spaces the PDF itself carries are kept as printed.
    """
    out: list[str] = []
    prev: dict[str, Any] | None = None
    for ch in chars:
        text = ch["text"]
        if prev is not None and text.strip() and prev["text"].strip():
            gap = ch["x0"] - prev["x1"]
            em = min(ch["size"], prev["size"])
            latin_pair = not _CJK_CHAR.match(prev["text"][-1]) and not _CJK_CHAR.match(text[0])
            # Between Latin words a gap is a word space; any wider than two ems separates two
            # things set on one line (a running head and its page number).
            if (latin_pair and gap > 0.15 * em) or gap > 2 * em:
                out.append(" ")
        out.append(text)
        prev = ch
    text = "".join(out).strip()
    # Word spacing stretched to justify a Latin line can show up as a space and a gap: one space.
    return re.sub(r"(?<=[^\s\u3000]) {2,}(?=[A-Za-z0-9(])", " ", text)


def _merge_raised(lines: list[Line]) -> list[Line]:
    """Fold superscript note markers (a raised `*` or `1`) that clustered as lines of their own.

    pdfplumber clusters lines by the characters' tops, so a marker raised more than its
    tolerance becomes a "line" just above (or, sorted by top, just before) the one it belongs to.
    """
    lines = list(lines)
    k = 0
    while k < len(lines):
        ln = lines[k]
        if _MARKER_ONLY.match(ln.text) and len(ln.text) <= 4:
            hosts = [j for j in (k - 1, k + 1) if 0 <= j < len(lines) and lines[j].size > ln.size
                     and lines[j].top < ln.bottom and ln.top < lines[j].bottom]
            if hosts:
                host = lines[hosts[0]]
                chars = sorted(host.chars + ln.chars, key=lambda c: c["x0"])
                lines[hosts[0]] = Line(_line_text(chars), host.size, min(host.x0, ln.x0), max(host.x1, ln.x1),
                                       host.top, host.bottom, host.page, chars)
                del lines[k]
                continue
        k += 1
    return lines


def _rules(page: Any) -> list[tuple[float, float, float]]:
    """Horizontal rules on the page as (top, x0, x1): the short one above footnotes is among them."""
    return [(float(e["top"]), float(e["x0"]), float(e["x1"])) for e in page.horizontal_edges]


# --------------------------------------------------------------------------- the document

def _assemble(
    pages: list[list[Line]], rules: list[list[tuple[float, float, float]]], heights: list[float],
    meta: dict[str, str], source: str,
) -> Extracted:
    everything = [ln for page in pages for ln in page]
    printed = sum(len(ln.text.replace(" ", "")) for ln in everything)
    if printed == 0:
        raise InputError(
            f"{source}: the PDF has no text layer (a scanned image?); run OCR first "
            "(for example ocrmypdf --language chi_sim IN.pdf OUT.pdf) and give that file"
        )
    garbage = sum(len(m) for ln in everything for m in _CID_GARBAGE.findall(ln.text))
    if garbage > 0.3 * printed:
        raise InputError(
            f"{source}: the PDF's fonts carry no character map, so its text cannot be read; run OCR first "
            "(for example ocrmypdf --force-ocr --language chi_sim IN.pdf OUT.pdf) and give that file"
        )
    body = _body_size(everything)
    widths = sorted(ln.x1 - ln.x0 for ln in everything if abs(ln.size - body) <= SIZE_STEP * body)
    column_width = widths[int(0.9 * (len(widths) - 1))] if widths else max(ln.x1 - ln.x0 for ln in everything)
    repeated = _repeated_margins(pages)
    furniture: list[str] = []
    notes_lines: list[Line] = []
    kept: list[list[Line]] = []
    for lines, page_rules, height in zip(pages, rules, heights):
        page_kept, page_furniture, page_notes = _split_page(lines, page_rules, height, body, column_width, repeated)
        furniture += [ln.text for ln in page_furniture]
        notes_lines += page_notes
        kept.append(page_kept)
    columns = _columns(kept, body)
    paragraphs = _paragraphs(kept, columns, body)
    notes: list[str] = []
    empty = [str(k + 1) for k, lines in enumerate(pages) if not lines]
    if empty:
        notes.append(f"pages without a text layer (images?): {', '.join(empty)}; their text, if any, is missing")
    log.debug("%s: body %.1f pt, %d paragraphs, %d furniture lines, %d footnote lines",
              source, body, len(paragraphs), len(furniture), len(notes_lines))
    return Extracted(
        text="\n".join(paragraphs),
        format="pdf",
        meta=meta,
        footnotes=_footnotes(notes_lines),
        furniture=furniture,
        notes=notes,
    )


def _body_size(lines: list[Line]) -> float:
    """The type size that holds the most characters."""
    counts: Counter[float] = Counter()
    for ln in lines:
        counts[round(ln.size * 2) / 2] += len(ln.text)
    return counts.most_common(1)[0][0]


def _margin_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _repeated_margins(pages: list[list[Line]]) -> set[str]:
    """Texts (digits wildcarded) that open or close at least two pages: running heads and feet."""
    counts: Counter[str] = Counter()
    for lines in pages:
        ends = {_margin_key(ln.text) for ln in lines[:2] + lines[-2:]}
        counts.update(ends)
    return {key for key, n in counts.items() if n >= 2 and len(key) <= 60}


def _is_small(ln: Line, body: float) -> bool:
    return ln.size < SMALL * body


def _split_page(
    lines: list[Line], rules: list[tuple[float, float, float]], height: float, body: float, column_width: float,
    repeated: set[str],
) -> tuple[list[Line], list[Line], list[Line]]:
    """Body lines, furniture and footnote lines of one page."""
    furniture: list[Line] = []
    lines = list(lines)

    def margin_line(ln: Line) -> bool:
        return bool(
            _PAGE_NUMBER.match(ln.text)
            or (ln.size <= body * 1.05 and (_margin_key(ln.text) in repeated or _JOURNAL_HEADER.search(ln.text)))
        )

    def running_head(ln: Line, nxt: Line | None) -> bool:
        if ln.bottom >= 0.2 * height:
            return False
        if margin_line(ln):
            return True
        # Small type standing apart from what follows it; small type running on at its own
        # leading (an English abstract carried over to this page) is text.
        return _is_small(ln, body) and (nxt is None or nxt.top - ln.bottom > 0.8 * ln.size)

    # Running head and folio: at most a few leading lines in the top band.
    while lines and len(furniture) < 3 and running_head(lines[0], lines[1] if len(lines) > 1 else None):
        furniture.append(lines.pop(0))
    # Folio and running foot: trailing lines in the bottom band.
    tail: list[Line] = []
    while lines and lines[-1].top > 0.8 * height and margin_line(lines[-1]):
        tail.insert(0, lines.pop())
    furniture += tail

    notes = _footnote_block(lines, rules, body, column_width)
    kept = lines[: len(lines) - len(notes)]
    return kept, furniture, notes


def _footnote_block(
    lines: list[Line], rules: list[tuple[float, float, float]], body: float, column_width: float
) -> list[Line]:
    """The trailing lines that are footnotes: small type after the last body line, below a short rule
    or opening with a marker. Small type that does none of that (an English abstract) stays text."""
    last_main = max((k for k, ln in enumerate(lines) if not _is_small(ln, body)), default=-1)
    run = lines[last_main + 1 :]
    if not run:
        return []
    above = lines[last_main].bottom if last_main >= 0 else run[0].top - 1
    short_rules = [
        top for top, x0, x1 in rules if above - 1 <= top <= run[-1].top and x1 - x0 < 0.6 * column_width
    ]
    if short_rules:
        rule = min(short_rules)
        below = [ln for ln in run if ln.top >= rule - 1]
        if below:
            return below
    return run if _note_start(run[0]) else []


def _note_start(ln: Line) -> tuple[str, str] | None:
    """(marker, rest) when the line opens a footnote.

    A bare number counts only when it is set smaller than the note (a superscript): a wrapped
    note line may well begin with "24 年来".
    """
    m = _NOTE_MARKER.match(ln.text)
    if m:
        return m.group(1), ln.text[m.end() :]
    m = _BARE_NUMBER.match(ln.text)
    if m and ln.chars:
        digits = [c for c in ln.chars if c["text"].strip()][: len(m.group(1))]
        if digits and all(c["size"] < 0.85 * ln.size for c in digits):
            return m.group(1), ln.text[m.end() :]
    return None


def _footnotes(lines: list[Line]) -> list[dict[str, str]]:
    """Footnote lines into notes: a marker opens one; the lines after it until the next are its text."""
    notes: list[dict[str, str]] = []
    for ln in lines:
        start = _note_start(ln)
        if start or not notes:
            marker, rest = start or ("", ln.text)
            notes.append({"marker": marker, "text": rest})
        else:
            notes[-1]["text"] = _join(notes[-1]["text"], ln.text)
    for note in notes:
        note["text"] = note["text"].strip()
    return notes


# --------------------------------------------------------------------------- paragraphs

def _columns(pages: list[list[Line]], body: float) -> list[_Column]:
    """Each page's column edges: where most body-size lines start, and where full lines end.

    Page by page, because facing pages are often set with mirrored margins; a page with few
    body lines borrows the edges of the pages that have them.
    """

    def edges(lines: list[Line]) -> _Column | None:
        body_lines = [ln for ln in lines if abs(ln.size - body) <= SIZE_STEP * body]
        if len(body_lines) < 3:
            return None
        # The leftmost start shared by a fair number of lines: continuation lines start there even
        # on a page of short paragraphs where first lines (indented) are the majority.
        starts = Counter(round(ln.x0) for ln in body_lines)
        shared = [x for x, n in starts.items() if n >= max(2, 0.1 * len(body_lines))]
        left = min(shared) if shared else starts.most_common(1)[0][0]
        ends = sorted(ln.x1 for ln in body_lines)
        return _Column(float(left), ends[int(0.9 * (len(ends) - 1))])

    found = [edges(lines) for lines in pages]
    known = [c for c in found if c is not None]
    overall = _Column(
        statistics.median(c.left for c in known) if known else min(
            (ln.x0 for lines in pages for ln in lines), default=0.0),
        statistics.median(c.right for c in known) if known else max(
            (ln.x1 for lines in pages for ln in lines), default=0.0),
    )

    def borrowed(k: int) -> _Column:
        # The nearest page on the same side of the spread.
        same_side = [found[j] for j in sorted(range(len(found)), key=lambda j: abs(j - k)) if (j - k) % 2 == 0]
        return next((c for c in same_side if c is not None), overall)

    return [c if c is not None else borrowed(k) for k, c in enumerate(found)]


def _paragraphs(pages: list[list[Line]], columns: list[_Column], body: float) -> list[str]:
    """Rejoin lines into paragraphs, across page breaks too."""
    pitch = _pitch(pages, body)
    indented = sum(1 for lines, col in zip(pages, columns) for ln in lines if _indent(ln, col) > 1.2)
    total = sum(len(lines) for lines in pages) or 1
    spaced = sum(1 for lines in pages for a, b in zip(lines, lines[1:]) if b.top - a.top > 1.6 * pitch)
    # Where indents or extra leading mark paragraphs, a line ending a little short is only a break
    # pushed by the line-breaking rules (禁则); without them, a short line is the main sign of an end.
    short_ems = 2.5 if indented >= 0.03 * total or spaced >= 0.03 * total else 1.5

    out: list[str] = []
    current = ""
    prev: Line | None = None
    prev_col: _Column | None = None
    for lines, col in zip(pages, columns):
        for ln in lines:
            if prev is None or prev_col is None or _starts_paragraph(ln, col, prev, prev_col, pitch, short_ems):
                if current:
                    out.append(current)
                current = ln.text
            else:
                current = _join(current, ln.text)
            prev, prev_col = ln, col
    if current:
        out.append(current)
    return out


def _pitch(pages: list[list[Line]], body: float) -> float:
    """The usual distance between body lines' tops."""
    steps = [
        b.top - a.top
        for lines in pages
        for a, b in zip(lines, lines[1:])
        if abs(a.size - body) <= SIZE_STEP * body and abs(b.size - body) <= SIZE_STEP * body and b.top > a.top
    ]
    return statistics.median(steps) if steps else body * 1.6


def _indent(ln: Line, col: _Column) -> float:
    """How far right of the column's left edge the line starts, in ems of its own size."""
    return (ln.x0 - col.left) / ln.size


def _is_centered(ln: Line, col: _Column) -> bool:
    left, right = ln.x0 - col.left, col.right - ln.x1
    return left > ln.size and right > ln.size and abs(left - right) < ln.size


def _starts_paragraph(ln: Line, col: _Column, prev: Line, prev_col: _Column, pitch: float, short_ems: float) -> bool:
    if _EDITOR.match(ln.text) or _EDITOR.match(prev.text):
        return True
    if abs(ln.size - prev.size) > SIZE_STEP * max(ln.size, prev.size):
        return True  # title, author, body, notes and abstract are set in different sizes
    if _is_centered(ln, col) and _is_centered(prev, prev_col):
        # Consecutive centred lines: a wrapped Latin title goes on; Chinese title lines stay apart.
        return not (_LATIN_END.search(prev.text) and _LATIN_START.match(ln.text))
    if _indent(ln, col) > 1.2:
        return True  # a first-line indent (or a centred or right-set line)
    if (prev_col.right - prev.x1) / prev.size > short_ems:
        return True  # the previous line stopped short: a paragraph's last line, a heading
    if _is_centered(prev, prev_col):
        return True
    same_page = ln.page == prev.page
    return same_page and ln.top - prev.top > 1.6 * pitch  # extra leading between block paragraphs


def _join(current: str, line: str) -> str:
    """Join a wrapped line: nothing between CJK characters, one space between Latin words."""
    current, line = current.rstrip(), line.lstrip()
    if not current:
        return line
    if current.endswith("-") and line[:1].islower() and len(current) > 1 and current[-2].isalpha():
        return current + line  # a word hyphenated at the line end, or a compound: keep the hyphen
    if _LATIN_END.search(current) and _LATIN_START.match(line):
        return current + " " + line
    return current + line
