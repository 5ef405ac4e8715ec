"""A speech as collections store it: the title block and every paragraph on one line."""

from __future__ import annotations

from typing import Any

from . import has_byline, office, paragraphs


def title_block(record: dict[str, Any]) -> list[str]:
    """Title, subtitle, date and place, byline: the lines a news page prints above a speech."""
    meta = record["meta"]
    year, month, day = (int(x) for x in meta["date"].split("-"))
    lines = [meta["title"]]
    if record.get("genre") in ("keynote", "unga", "review") and not meta["title"].endswith(("讲话", "演讲", "致辞")):
        lines.append(f"——在{meta['venue'].split('（')[0]}上的讲话")
    lines.append(f"（{year}年{month}月{day}日）")
    if has_byline(record):
        lines.append(" ".join(filter(None, (office(record), meta["speaker"]))))
    return lines


def one_line(record: dict[str, Any], sep: str = "") -> str:
    """The title block joined by spaces, the paragraphs by `sep` (nothing, as a CSV cell keeps them)."""
    return " ".join(title_block(record)) + " " + sep.join(paragraphs(record))
