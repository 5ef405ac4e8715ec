"""Word files made from corpus records with python-docx, as people type speeches into Word.

A Title-styled title, the title block centred under it, an empty paragraph (people leave one),
then the body in Normal style with a first-line indent on some paragraphs, a press
conference's questions in bold, and one long paragraph carrying a line break (Shift+Enter)
between two Chinese characters, as text pasted from a wrapped source does.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from . import paragraphs
from .web import title_block

_CJK = re.compile(r"[\u4e00-\u9fff]")


def broken_paragraph(record: dict[str, Any]) -> tuple[int, int]:
    """Which body paragraph gets a line break, and where: the longest, near its middle, between two characters."""
    body = paragraphs(record)
    index = max(range(len(body)), key=lambda i: len(body[i]))
    text = body[index]
    cut = next(i for i in range(len(text) // 2, len(text)) if _CJK.match(text[i - 1]) and _CJK.match(text[i]))
    return index, cut


def word_file(record: dict[str, Any], path: str | Path) -> Path:
    """Write the record as a .docx at `path`."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    path = Path(path)
    document = docx.Document()
    document.core_properties.title = record["meta"]["title"]
    document.core_properties.author = ""
    document.add_paragraph(record["meta"]["title"], style="Title")
    for line in title_block(record):
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("")
    broken, cut = broken_paragraph(record)
    for i, text in enumerate(paragraphs(record)):
        p = document.add_paragraph(style="Normal")
        if i % 2 == 0:
            p.paragraph_format.first_line_indent = Pt(24)
        if i == broken:
            p.add_run(text[:cut]).add_break()
            p.add_run(text[cut:])
        elif record.get("genre") == "press" and re.match(r"^[^：]{1,20}记者：", text):
            p.add_run(text).bold = True
        else:
            p.add_run(text)
    document.save(str(path))
    return path
