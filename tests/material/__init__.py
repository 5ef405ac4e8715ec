"""Test material made here from the corpus's own speeches: the same gold text typeset as a
journal PDF, saved as web pages in the shapes the ministry and news agencies publish, written
into Word files and collapsed onto one line. Round trips compare what the readers recover with
the gold text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
TEST_SPEECHES = ["2016-wang-yi-press", "2020-xi-jinping-unga", "2023-china-central-asia-declaration",
                 "2024-xi-jinping-focac-keynote"]

# The speaker's office as a byline prints it, by speaker and year.
OFFICES = {"习近平": "中华人民共和国主席", "王毅": "国务委员兼外交部长", "杨洁篪": "外交部长",
           "秦刚": "国务委员兼外交部长"}


def gold(name: str) -> dict[str, Any]:
    """A corpus record by id."""
    return json.loads((CORPUS / f"{name}.json").read_text("utf8"))


def paragraphs(record: dict[str, Any]) -> list[str]:
    return [p for p in record["text"].split("\n") if p.strip()]


def office(record: dict[str, Any]) -> str | None:
    speaker = record["meta"].get("speaker") or ""
    if record["meta"]["date"] < "2018" and speaker == "王毅":
        return "外交部长"
    return OFFICES.get(speaker)


def has_byline(record: dict[str, Any]) -> bool:
    """A joint statement is signed by its parties, not bylined by one speaker."""
    return record.get("genre") != "joint_statement"
