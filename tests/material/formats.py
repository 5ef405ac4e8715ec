"""A corpus record written out in each format the readers take, for round trips and benchmarks."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pdfplumber

from .journal_pdf import typeset_journal
from .oneline import one_line
from .web import ministry_page
from .word import word_file

# our PDF reader; the PDF's text as poppler's pdftotext and pdfplumber's extract_text leave it;
# a ministry page; a Word file; the title block and every paragraph on one line.
FORMATS = ["pdf", "pdftotext", "pdfplumber-text", "html", "docx", "oneline"]


def make_document(fmt: str, record: dict[str, Any], folder: Path) -> Path:
    """The speech in format `fmt`, written under `folder` (the PDF is typeset once and reused)."""
    name = record["id"]
    pdf = folder / f"{name}.pdf"
    if fmt in ("pdf", "pdftotext", "pdfplumber-text") and not pdf.exists():
        typeset_journal(record, pdf)
    if fmt == "pdf":
        return pdf
    path = folder / f"{name}.{fmt}"
    if fmt == "pdftotext":
        subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), str(path)], check=True)
    elif fmt == "pdfplumber-text":
        with pdfplumber.open(pdf) as doc:
            path.write_text("\n".join(page.extract_text() or "" for page in doc.pages), "utf8")
    elif fmt == "html":
        path.write_text(ministry_page(record), "utf8")
    elif fmt == "docx":
        word_file(record, path)
    elif fmt == "oneline":
        path.write_text(one_line(record), "utf8")
    else:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    return path
