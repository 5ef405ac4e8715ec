"""The seed article as a PDF extractor left it (../shared/seed/): the first real input.

Every expectation is computed from the file itself (its lines, its markers), so no part of its
text is written into the project.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from pipeline.normalize import count_cjk, normalize
from pipeline.structure import find_sections

from .conftest import ROOT

SEED = ROOT.parent / "shared" / "seed" / "2021-wang-yi-review.txt"
NUMBERS = "一二三四五六七八九"


@pytest.fixture(scope="module")
def raw() -> str:
    if not SEED.exists():
        pytest.skip(f"{SEED} is absent: the seed article is read from ../shared/seed only")
    return SEED.read_text("utf8")


@pytest.fixture(scope="module")
def lines(raw: str) -> list[str]:
    return [ln.strip() for ln in raw.split("\n") if ln.strip()]


@pytest.fixture(scope="module")
def speech(raw: str):
    return normalize(raw, str(SEED))


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_body_holds_the_speech(raw, speech):
    # The file's Chinese characters other than the speech's own: title, byline, footnote, header, editor line.
    assert count_cjk(raw) > 8000
    assert count_cjk(speech.text) >= 0.99 * 7930
    assert speech.coverage["input"] == count_cjk(raw) and speech.coverage["dropped"] == 0
    assert speech.coverage["footnotes"] < speech.coverage["body"] / 10
    assert speech.notes == []


def test_title_speaker_and_the_english_end_matter(lines, speech):
    title_lines = [re.sub(r"\s*\*$", "", ln) for ln in lines[:2]]
    assert speech.title == compact("".join(title_lines))
    assert speech.speaker == "王毅"
    assert speech.abstract.author == "WANG Yi"
    english = [ln for ln in lines if re.match(r"[A-Z]", ln)]
    assert speech.abstract.title.startswith(english[0].split()[0]) and len(speech.abstract.text) > 800
    assert speech.editor and "责任编辑" not in speech.text


def test_the_title_footnote_is_whole_and_the_sentence_it_interrupts_joins_again(lines, speech):
    k = next(i for i, ln in enumerate(lines) if ln.startswith("*"))
    note_lines = [lines[k].lstrip("*").strip(), lines[k + 1], lines[k + 2]]
    assert lines[k + 2].endswith("。")  # the note is three lines long
    assert [f["marker"] for f in speech.footnotes] == ["*"]
    assert compact(speech.footnotes[0]["text"]) == compact("".join(note_lines))
    before, after = compact(lines[k - 1]), compact(lines[k + 3])
    assert before + after in compact(speech.text)
    assert not any(compact(x) in compact(speech.text) for x in note_lines)


def test_no_page_furniture_or_markers_in_the_body(lines, speech):
    furniture = [ln for ln in lines if re.fullmatch(r"\d{1,3}", ln) or ln.startswith("《")]
    assert furniture, "the seed has a page number and a running header"
    for ln in furniture:
        assert compact(ln) in [compact(x) for x in speech.furniture]
    assert "国际问题研究" not in speech.text and "[1]" not in speech.text and "*" not in speech.text
    assert not re.search(r"\d \S|\S \d", speech.text)  # no spaces left around Latin digits


def test_the_sections_are_those_the_speech_has(speech):
    sections = find_sections(speech.text)
    tops = [s for s in sections if s["parent"] is None]
    assert [s["kind"] for s in tops] == ["preamble"] + ["body"] * 9 + ["conclusion", "outlook", "closing"]
    assert [s["title"][:2] for s in tops if s["kind"] == "body"] == [f"第{n}" for n in NUMBERS]
    items = [s for s in sections if s["kind"] == "item"]
    outlook = next(s for s in tops if s["kind"] == "outlook")
    assert [s["parent"] for s in items] == [outlook["id"]] * 6
    assert [s["title"][:2] for s in items] == [f"{n}是" for n in NUMBERS[:6]]


def test_dipnlp_run_on_the_seed(raw, tiny_model, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pipeline", "run", str(SEED), "--model", str(tiny_model),
                           "--out", str(tmp_path)], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "warning" not in proc.stderr
    record = json.loads((tmp_path / f"{SEED.stem}.json").read_text("utf8"))
    assert record["meta"]["speaker"] == "王毅" and record["meta"]["date"] == "2021-12-20"
    assert record["meta"]["kind"] == "review" and record["meta"]["format"] == "text"
    assert record["coverage"]["body"] == count_cjk(record["text"]) >= 0.99 * 7930
    assert record["coverage"]["dropped"] == 0
    assert sum(s["kind"] == "body" for s in record["sections"]) == 9
    assert record["abstract"]["author"] == "WANG Yi" and record["alignment"]
