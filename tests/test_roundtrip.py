"""Round trips through the front door: the 4 test speeches as a journal PDF (read by our PDF reader,
and as text by poppler's pdftotext and by pdfplumber's extract_text), a ministry web page, a Word
file and one line of a collection, each read back with `read_document` and normalised: the body is
the gold text, and the title and speaker are found."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from pipeline.inputs import read_document, to_speech
from pipeline.structure import find_sections

from .material import TEST_SPEECHES, gold, has_byline
from .material.formats import FORMATS, make_document


def make(fmt: str, record: dict, folder: Path) -> Path:
    if fmt == "pdftotext" and shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("pdftotext is missing in CI: .ci/run installs poppler-utils")
        pytest.skip("pdftotext (poppler-utils) is not installed: apt-get install poppler-utils")
    return make_document(fmt, record, folder)


def compact(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("roundtrip")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", TEST_SPEECHES)
def test_the_body_is_the_gold_text_and_the_title_and_speaker_are_found(name, fmt, folder):
    record = gold(name)
    path = make(fmt, record, folder)
    speech = to_speech(read_document(path, 5_000_000), str(path))
    assert compact(speech.text) == compact(record["text"])
    assert compact(speech.title) == compact(record["meta"]["title"])
    if has_byline(record):
        assert speech.speaker == record["meta"]["speaker"]
    assert speech.coverage["dropped"] == 0 and speech.notes == []


@pytest.mark.parametrize("fmt", ["pdf", "pdftotext", "pdfplumber-text", "html", "docx"])
def test_paragraphs_and_sections_survive_where_the_format_marks_them(fmt, folder):
    record = gold("2024-xi-jinping-focac-keynote")
    path = make(fmt, record, folder)
    speech = to_speech(read_document(path, 5_000_000), str(path))
    assert speech.text == record["text"]
    assert [(s["kind"], s["start"], s["end"]) for s in find_sections(speech.text)] == [
        (s["kind"], s["start"], s["end"]) for s in record["sections"]]


def test_the_journal_pdf_sets_apart_its_footnote_abstract_and_furniture(folder):
    record = gold("2020-xi-jinping-unga")
    for fmt in ("pdf", "pdftotext", "pdfplumber-text"):
        path = make(fmt, record, folder)
        speech = to_speech(read_document(path, 5_000_000), str(path))
        assert [f["marker"] for f in speech.footnotes] == ["*"], fmt
        assert record["meta"]["venue"].split("（")[0] in compact(speech.footnotes[0]["text"]), fmt
        assert speech.abstract is not None and speech.abstract.author == record["abstract"]["author"], fmt
        assert compact(speech.abstract.text) == compact(record["abstract"]["text"]), fmt
        assert speech.coverage["furniture"] > 0 and speech.editor, fmt
