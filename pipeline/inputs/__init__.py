"""Reading speeches as people have them: text, PDF, web pages and Word files.

Each reader turns one file into an `Extracted`: the words in reading order, one paragraph a
line where the format knows its paragraphs, together with whatever the file's own structure
already told apart (a PDF's footnotes and running headers by their type size and position, a
web page's title and date). `dipnlp.normalize` then does the rest the same way for every
format: front matter, markers, the English end matter, paragraphs where none are marked.

The format is told by content, not by suffix: a PDF saved as `.txt` or a web page saved
without a suffix is still read as what it is.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from ..normalize import InputError, Speech, count_cjk, coverage_notes, decode, normalize

_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}")
# Suffixes a folder is searched for; a file named on the command line is read whatever its suffix.
SUFFIXES = {".txt", ".text", ".md", ".pdf", ".html", ".htm", ".xhtml", ".docx"}


@dataclass
class Extracted:
    """One input file, read: the text and what the container set apart from it."""

    text: str
    format: str  # "text", "pdf", "html" or "docx"
    meta: dict[str, str] = field(default_factory=dict)  # what the container says: a page's title, date
    footnotes: list[dict[str, str]] = field(default_factory=list)  # notes the layout set apart
    furniture: list[str] = field(default_factory=list)  # running headers and page numbers the layout set apart
    notes: list[str] = field(default_factory=list)  # what the reader wants the user to know


def sniff(data: bytes) -> str:
    """The format of a file from its first bytes: pdf, docx, html or text."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as z:
                if "word/document.xml" in z.namelist():
                    return "docx"
        except zipfile.BadZipFile:  # damaged: a Word file still names its parts near the start
            if b"[Content_Types].xml" in data[:4096] or b"word/" in data[:4096]:
                return "docx"
        return "zip"
    lowered = head[:1024].lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in lowered or b"<body" in lowered:
        return "html"
    # UTF-16 HTML: the same test on the decoded start.
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            start = data[:2048].decode("utf-16", errors="ignore").lower()
        except UnicodeDecodeError:
            start = ""
        if "<html" in start or "<!doctype html" in start:
            return "html"
    return "text"


def read_document(path: str | Path, max_bytes: int) -> Extracted:
    """Read one input file of any supported format; `InputError` names the file and the fix."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give files, or the folder alone to run every file in it")
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    if size > max_bytes:
        raise InputError(
            f"{path}: {size / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB limit for one input; "
            "split it into one file per speech or raise --max-mb"
        )
    data = path.read_bytes()
    return read_bytes(data, str(path))


def read_bytes(data: bytes, source: str) -> Extracted:
    """`read_document` for bytes already in memory; `source` names them in errors."""
    if not data.strip():
        raise InputError(f"{source}: the file is empty; give a file with the speech's text")
    kind = sniff(data)
    if kind == "pdf":
        from .pdf import read_pdf

        return read_pdf(data, source)
    if kind == "docx":
        from .docx import read_docx

        return read_docx(data, source)
    if kind == "zip":
        raise InputError(f"{source}: a zip archive, not a Word .docx file; unpack it and give the speeches inside")
    if kind == "html":
        from .html import read_html

        return read_html(data, source)
    return Extracted(text=decode(data, source), format="text")


def to_speech(extracted: Extracted, source: str = "<input>") -> Speech:
    """Normalise what a reader recovered, keeping what its layout had already set apart.

    Footnotes and page furniture found by a PDF's type sizes come first and count in the
    coverage as if they had been in the text; the container's title and date (and a PDF's
    author) fill in only what the text's own title block does not say.
    """
    speech = normalize(extracted.text, source)
    speech.footnotes = extracted.footnotes + speech.footnotes
    speech.furniture = extracted.furniture + speech.furniture
    set_apart = {"footnotes": sum(count_cjk(f["text"]) for f in extracted.footnotes),
                 "furniture": sum(count_cjk(x) for x in extracted.furniture)}
    for key, n in set_apart.items():
        speech.coverage[key] += n
        speech.coverage["input"] += n
    front = speech.front
    front.title = front.title or extracted.meta.get("title")
    front.date = front.date or extracted.meta.get("date")
    author = extracted.meta.get("author") or ""
    if extracted.format == "pdf" and _NAME.fullmatch(author):
        # A journal PDF's author field names the article's author; a Word file's names whoever saved it.
        front.speaker = front.speaker or author
    speech.notes = extracted.notes + coverage_notes(speech.coverage)
    return speech
