"""Lay a corpus document out as text extracted from a journal PDF.

    python scripts/make_raw.py corpus/2021-wang-yi-review.json corpus/raw/2021-wang-yi-review.txt \
        --journal "《国际问题研究》2022 年第 1 期" --editor "李  静"

The layout is what pdftotext gives for a Chinese journal article: indented paragraphs hard-
wrapped every 34 characters with blank lines between lines, spaces around Latin digits,
footnote markers in the text and footnotes at the foot of the page, running headers and
page numbers, an editor line, and the English title, author and abstract at the end.
"""

from __future__ import annotations

import argparse
import json
import re
import textwrap
from pathlib import Path

WIDTH = 34
LINES_PER_PAGE = 30


def space_digits(s: str) -> str:
    """PDF text puts spaces around runs of Latin digits and letters inside Chinese."""
    return re.sub(r"(?<=[\u4e00-\u9fff，。：；、])([0-9A-Za-z.%]+)|([0-9A-Za-z.%]+)(?=[\u4e00-\u9fff，。：；、])",
                  lambda m: f" {m.group(0)} ", s).replace("  ", " ")


def wrap(paragraph: str) -> list[str]:
    """Fill lines to WIDTH, a Latin letter or digit taking half the width of a Chinese character."""
    lines, line, width = [], "", 0.0
    for ch in paragraph:
        line += ch
        width += 0.5 if ch.isascii() else 1.0
        if width >= WIDTH:
            lines.append(line)
            line, width = "", 0.0
    if line:
        lines.append(line)
    return lines


def layout(doc: dict, journal: str, editor: str, note_after: str | None) -> str:
    meta = doc["meta"]
    notes = {n["marker"]: n["text"] for n in doc.get("footnotes", [])}
    body_lines: list[tuple[str, str | None]] = []  # (line, footnote marker shown on this line)
    for para in doc["text"].split("\n"):
        marker = None
        if note_after and note_after in para and "[1]" in notes:
            para = para.replace(note_after, note_after + "[1]", 1)
            marker = "[1]"
            note_after = None
        for k, line in enumerate(wrap(para)):
            body_lines.append((("\u3000\u3000" if k == 0 else "") + space_digits(line),
                               marker if "[1]" in line else None))
    out: list[str] = [space_digits(meta["title"]), "", " ".join(meta["speaker"]) + " *", ""]
    page, count, pending = 1, 2, ["*"] if "*" in notes else []
    for line, marker in body_lines:
        if marker:
            pending.append(marker)
        out += [line, ""]
        count += 1
        if count >= LINES_PER_PAGE:
            for m in pending:
                out += [f"{m} {space_digits(notes[m])}", ""]
            pending = []
            page += 1
            out += [str(page + 10), "", journal if page % 2 else space_digits(meta["title"]), ""]
            count = 0
    for m in pending:
        out += [f"{m} {space_digits(notes[m])}", ""]
    out += [f"【责任编辑：{editor}】", ""]
    abstract = doc.get("abstract")
    if abstract:
        out += [abstract["title"], "", abstract["author"], ""]
        out += textwrap.wrap("Abstract: " + abstract["text"], 90)
        out += ["", "Key Words: China's diplomacy; major-country diplomacy; global governance", ""]
    out.append(str(page + 11))
    return "\n".join(out) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("doc", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--journal", default="《国际问题研究》2022 年第 1 期")
    ap.add_argument("--editor", default="李  静")
    ap.add_argument("--note-after", default=None, help="text after which the [1] marker goes")
    args = ap.parse_args()
    doc = json.loads(args.doc.read_text("utf8"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(layout(doc, args.journal, args.editor, args.note_after), "utf8")


if __name__ == "__main__":
    main()
