"""Word files: the speech as someone typed or pasted it into a .docx.

A Word paragraph is a paragraph of the speech, so the text is one paragraph per line with
nothing to rejoin. The document body is walked in the XML's own order rather than through
`Paragraph.text`, which leaves out runs inside tracked insertions (`w:ins`), content controls
and smart tags; tables come in document order, cell by cell, and footnotes from
`word/footnotes.xml` are set aside in `Extracted.footnotes` as a PDF's are.

A line break inside a paragraph (`w:br`, Shift+Enter) usually comes from text pasted out of a
PDF or a web page that was wrapped there; between Chinese characters it is removed. After a
sentence's end or before a subtitle dash or a date line it is kept as a line of its own, as
that is how title blocks are typed in one paragraph.
"""

from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Iterator
from io import BytesIO

import lxml.etree

from ..normalize import CJK, CJK_PUNCT, PARA_END, InputError
from . import Extracted

log = logging.getLogger("dipnlp")

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_NS = {"w": _W, "mc": _MC}


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


_CJK_RE = re.compile(f"[{CJK}]")
_WIDE = f"{CJK}{re.escape(CJK_PUNCT)}"
# Containers whose block children are read as if they stood in the body.
_TRANSPARENT = {_w("sdt"), _w("sdtContent"), _w("customXml"), _w("ins"), _w("moveTo"), _w("smartTag")}
# Runs of a paragraph, wherever they are nested, except deleted text and text boxes' own paragraphs.
_RUNS = lxml.etree.XPath(
    ".//w:r[not(ancestor::w:del) and not(ancestor::w:moveFrom) and not(ancestor::w:txbxContent)"
    " and not(ancestor::mc:Fallback)]",
    namespaces=_NS,
)
_INDENT = re.compile(r"^(?:\u3000|\t| {2,})")
_BREAK_BEFORE = re.compile(r"^\s*(?:——|—|--|[（(]\s*(?:19|20)\d\d\s*年)")

_DAMAGED = "{source}: cannot read the Word file (damaged?); open it in Word and save it again as .docx"


def read_docx(data: bytes, source: str) -> Extracted:
    """Read a .docx: its paragraphs (and table cells) in order, one per line; title and author from its properties."""
    import docx

    try:
        document = docx.Document(BytesIO(data))
        body = document.element.body
        core = document.core_properties
        meta = {key: value.strip() for key, value in (("title", core.title), ("author", core.author))
                if value and value.strip()}
    except Exception as err:  # noqa: BLE001 - python-docx raises zip, XML, key and value errors alike
        log.debug("%s: python-docx failed: %r", source, err)
        raise InputError(_DAMAGED.format(source=source)) from None
    if meta.get("author") == "python-docx":  # the library's template default, not a person
        del meta["author"]

    lines: list[str] = []
    tables = 0
    for kind, el in _blocks(body):
        if kind == "table":
            tables += 1
            continue
        lines.extend(_paragraph_lines(el))
    notes = []
    if tables:
        notes.append(f"{tables} table(s) in the Word file were read cell by cell, row by row, as paragraphs")
    footnotes = _footnotes(data, source)
    if not any(_CJK_RE.search(ln) for ln in lines):
        raise InputError(f"{source}: the Word file holds no Chinese text; give the file with the speech's text")
    log.debug("%s: Word file, %d paragraphs, %d tables, %d footnotes", source, len(lines), tables, len(footnotes))
    return Extracted(text="\n".join(lines), format="docx", meta=meta, footnotes=footnotes, notes=notes)


def _blocks(container: lxml.etree._Element) -> Iterator[tuple[str, lxml.etree._Element]]:
    """("paragraph", w:p) in document order, through tables' cells and content controls;
    ("table", w:tbl) once before each table's paragraphs, to count them."""
    for child in container.iterchildren():
        if child.tag == _w("p"):
            yield "paragraph", child
        elif child.tag == _w("tbl"):
            yield "table", child
            # XML cells, not python-docx's row.cells: a merged cell is one w:tc here, not repeated.
            for row in child.iterchildren(_w("tr")):
                for cell in row.iterchildren(_w("tc")):
                    yield from _blocks(cell)
        elif child.tag in _TRANSPARENT:
            yield from _blocks(child)


def _run_text(run: lxml.etree._Element) -> str:
    """A run's text: w:t, tabs as spaces, a line break as \\n; page and column breaks as nothing."""
    out = []
    for el in run.iterchildren():
        if el.tag == _w("t"):
            out.append(el.text or "")
        elif el.tag == _w("tab"):
            out.append(" ")
        elif el.tag == _w("cr") or (el.tag == _w("br") and el.get(_w("type"), "textWrapping") == "textWrapping"):
            out.append("\n")
        elif el.tag == _w("noBreakHyphen"):
            out.append("-")
    return "".join(out)


def _paragraph_lines(p: lxml.etree._Element) -> list[str]:
    """One paragraph's text as lines: usually one, more where a break starts a title-block line."""
    text = "".join(_run_text(r) for r in _RUNS(p))
    lines: list[str] = []
    for raw in text.split("\n"):
        piece = raw.strip(" \u3000\t\u00a0")
        if not piece:
            continue
        if not lines:
            lines.append(piece)
            continue
        prev = lines[-1]
        # A new line: after a sentence's end, before a subtitle or date line, or where the
        # next line is indented (web text pasted with its `<br>　　` paragraphs).
        if prev.endswith(PARA_END) or _BREAK_BEFORE.match(piece) or _INDENT.match(raw):
            lines.append(piece)
        elif re.match(f"[{_WIDE}]", piece[0]) or re.search(f"[{_WIDE}]$", prev):
            lines[-1] = prev + piece
        else:
            lines[-1] = f"{prev} {piece}"
    return [re.sub(r"[ \t\u00a0]+", " ", ln) for ln in lines]


def _footnotes(data: bytes, source: str) -> list[dict[str, str]]:
    """The document's footnotes, numbered as Word shows them; separators left out."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as z:
            if "word/footnotes.xml" not in z.namelist():
                return []
            root = lxml.etree.fromstring(z.read("word/footnotes.xml"))
    except (zipfile.BadZipFile, KeyError, lxml.etree.XMLSyntaxError) as err:
        log.warning("%s: footnotes unreadable (%s); left out", source, err)
        return []
    notes = []
    for note in root.iterchildren(_w("footnote")):
        if note.get(_w("type")) in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        text = "".join(ln for p in note.iter(_w("p")) for ln in _paragraph_lines(p)).strip()
        if text:
            notes.append({"marker": str(len(notes) + 1), "text": text})
    return notes
