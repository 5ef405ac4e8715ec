"""A speech as collections store it: the title block and every paragraph on one line."""

from __future__ import annotations

from typing import Any

from . import paragraphs
from .web import title_block


def one_line(record: dict[str, Any], sep: str = "") -> str:
    """The title and its block joined by spaces, the paragraphs by `sep` (nothing, as a CSV cell keeps them)."""
    return " ".join([record["meta"]["title"], *title_block(record)]) + " " + sep.join(paragraphs(record))
