"""The PDF reader against the test speeches typeset as the journal prints them, and against bad files.

Each speech is typeset once (tests/material/journal_pdf.py) and read back once per module; the
tests then compare what `read_pdf` recovered with the gold corpus text: the body paragraph by
paragraph, the `*` footnote whole, the running headers and page numbers set apart, the title,
the author, the editor line and the English end matter in place.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from reportlab.lib import pdfencrypt
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from pipeline.inputs import Extracted, read_document
from pipeline.inputs.pdf import read_pdf
from pipeline.normalize import InputError
from tests.material import TEST_SPEECHES, gold, has_byline, paragraphs
from tests.material import journal_pdf as jp

_EDITOR = re.compile(r"^【责任编辑")


def compact(text: str) -> str:
    """Text without any spaces: what the comparison with gold ignores (PDFs space digits apart)."""
    return re.sub(r"[\s\u3000]+", "", text)


@pytest.fixture(scope="module")
def typeset(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[dict[str, Any], Path, Extracted]]:
    """Each test speech typeset and read back, once for the module."""
    folder = tmp_path_factory.mktemp("journal")
    out = {}
    for name in TEST_SPEECHES:
        record = gold(name)
        path = folder / f"{name}.pdf"
        jp.typeset_journal(record, path)
        out[name] = (record, path, read_pdf(path.read_bytes(), str(path)))
    return out


def parts(record: dict[str, Any], ex: Extracted) -> dict[str, list[str]]:
    """The lines of `ex.text` cut into title, author, body, editor and the end matter after it."""
    lines = ex.text.split("\n")
    title = compact(record["meta"]["title"])
    k, acc = 0, ""
    while k < len(lines) and len(acc) < len(title):
        acc += compact(lines[k]).replace("*", "")
        k += 1
    out = {"title": lines[:k]}
    out["author"] = lines[k : k + 1] if has_byline(record) else []
    start = k + len(out["author"])
    editor = next(i for i, ln in enumerate(lines) if _EDITOR.match(ln))
    out["body"] = lines[start:editor]
    out["editor"] = [lines[editor]]
    out["end"] = lines[editor + 1 :]
    return out


@pytest.mark.parametrize("name", TEST_SPEECHES)
def test_body_paragraphs_equal_gold(typeset: dict, name: str) -> None:
    record, _, ex = typeset[name]
    body = parts(record, ex)["body"]
    assert [compact(p) for p in body] == [compact(p) for p in paragraphs(record)]


@pytest.mark.parametrize("name", TEST_SPEECHES)
def test_title_and_author_lines_on_top(typeset: dict, name: str) -> None:
    record, _, ex = typeset[name]
    got = parts(record, ex)
    assert 1 <= len(got["title"]) <= 2
    assert compact("".join(got["title"])).replace("*", "") == compact(record["meta"]["title"])
    assert got["title"][-1].endswith("*")  # the note marker stays for normalize to strip
    # A long title is set on two lines, and each comes out as a line of its own.
    assert len(got["title"]) == len(jp.title_lines(record["meta"]["title"]))
    if has_byline(record):
        assert compact(got["author"][0]) == record["meta"]["speaker"]


@pytest.mark.parametrize("name", TEST_SPEECHES)
def test_star_footnote_whole_and_out_of_the_text(typeset: dict, name: str) -> None:
    record, _, ex = typeset[name]
    note = jp.footnote_text(record)
    assert [(n["marker"], compact(n["text"])) for n in ex.footnotes] == [("*", compact(note))]
    assert compact(note)[:12] not in compact(ex.text)


@pytest.mark.parametrize("name", TEST_SPEECHES)
def test_headers_and_page_numbers_are_furniture_only(typeset: dict, name: str) -> None:
    record, _, ex = typeset[name]
    meta = record["meta"]
    expected = []
    for number in range(jp.FIRST_PAGE_NUMBER, jp.FIRST_PAGE_NUMBER + int(ex.meta["pages"])):
        if number > jp.FIRST_PAGE_NUMBER:
            expected.append(jp.JOURNAL_HEADER if number % 2 == 0 else f"{meta['speaker']}：{meta['title']}")
        expected.append(str(number))
    assert [compact(f) for f in ex.furniture] == [compact(e) for e in expected]
    lines = [compact(ln) for ln in ex.text.split("\n")]
    assert compact(jp.JOURNAL_HEADER) not in compact(ex.text)
    assert compact(f"{meta['speaker']}：{meta['title']}") not in lines
    assert not [ln for ln in lines if ln.isdigit()]


@pytest.mark.parametrize("name", TEST_SPEECHES)
def test_editor_line_and_english_end_matter_last(typeset: dict, name: str) -> None:
    record, _, ex = typeset[name]
    got = parts(record, ex)
    assert compact(got["editor"][0]) == compact(jp.EDITOR_LINE)
    abstract = record.get("abstract")
    if not abstract:
        assert got["end"] == []
        return
    # Title (a wrapped title rejoined), author and the abstract as one line, spaced as printed.
    assert got["end"] == [abstract["title"], abstract["author"], " ".join(abstract["text"].split())]


@pytest.mark.parametrize("name", TEST_SPEECHES)
def test_no_spaces_between_cjk_characters(typeset: dict, name: str) -> None:
    """Justified lines and digits in a Latin font put gaps between characters; no spaces come of them.

    (The editor line is left out: `李  静` has its spaces in the PDF, and they are kept as printed.)
    """
    record, _, ex = typeset[name]
    got = parts(record, ex)
    cjk = r"[\u4e00-\u9fff，。、；：？！“”（）《》]"
    for line in got["title"] + got["body"] + [ex.footnotes[0]["text"]]:
        assert not re.search(f"{cjk} +{cjk}", line), line


@pytest.mark.parametrize("name", TEST_SPEECHES)
def test_a_page_break_falls_inside_a_paragraph(typeset: dict, name: str) -> None:
    """The typeset file really tests rejoining across pages: some page ends mid-paragraph."""
    record, path, _ = typeset[name]
    ends = [compact(p) for p in paragraphs(record)]
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages[:-1]:
            body = [ln for ln in page.extract_text_lines() if abs(ln["chars"][0]["size"] - jp.BODY) < 0.1]
            last = compact(body[-1]["text"]) if body else ""
            if last and not any(p.endswith(last) for p in ends):
                return
    pytest.fail(f"every page of {path.name} ends with a paragraph; the page-break join goes untested")


def test_typesetting_is_deterministic(tmp_path: Path) -> None:
    record = gold(TEST_SPEECHES[0])
    jp.typeset_journal(record, tmp_path / "a.pdf")
    jp.typeset_journal(record, tmp_path / "b.pdf")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_read_document_dispatches_pdf_by_content(typeset: dict, tmp_path: Path) -> None:
    record, path, _ = typeset["2023-china-central-asia-declaration"]
    disguised = tmp_path / "speech.txt"
    disguised.write_bytes(path.read_bytes())
    ex = read_document(disguised, max_bytes=10_000_000)
    assert ex.format == "pdf"
    assert compact(paragraphs(record)[0]) in compact(ex.text)


def test_pdftotext_sees_a_real_text_layer(typeset: dict) -> None:
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("pdftotext (poppler-utils) is required on CI")
        pytest.skip("pdftotext not installed (apt-get install poppler-utils); the text-layer check needs it")
    record, path, _ = typeset["2024-xi-jinping-focac-keynote"]
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    flat = compact(out)
    body = "".join(paragraphs(record))
    assert set(compact(body)) <= set(flat)
    assert compact(paragraphs(record)[0]) in flat


# --------------------------------------------------------------------------- other layouts


def _canvas() -> tuple[BytesIO, canvas.Canvas]:
    buf = BytesIO()
    return buf, canvas.Canvas(buf, pagesize=(jp.PAGE_W, jp.PAGE_H), invariant=True)


def test_raised_note_marker_stays_in_its_line() -> None:
    """A superscript raised past pdfplumber's line tolerance is folded back where it was printed."""
    buf, c = _canvas()
    text = "这是正文里的一句话，句末有一个注释标记"
    c.setFont(jp.CJK_FONT, jp.BODY)
    c.drawString(jp.LEFT, 600, text)
    end = jp.LEFT + jp.pdfmetrics.stringWidth(text, jp.CJK_FONT, jp.BODY)
    c.setFont(jp.CJK_FONT, 6)
    c.drawString(end + 0.5, 608, "①")
    c.setFont(jp.CJK_FONT, jp.BODY)
    c.drawString(end + 6.5, 600, "。")
    c.save()
    assert read_pdf(buf.getvalue(), "raised.pdf").text == text + "①。"


def test_block_paragraphs_without_indents() -> None:
    """A ragged, unindented layout with space between paragraphs (a word processor's export)."""
    paras = paragraphs(gold("2020-xi-jinping-unga"))[:5]
    buf, c = _canvas()
    y = jp.PAGE_H - 80
    for para in paras:
        for line in jp.wrap_cjk(para, jp.BODY, jp.COLUMN_W, jp.COLUMN_W):
            jp.draw_tokens(c, line, jp.LEFT, y)
            y -= jp.PITCH
        y -= jp.PITCH  # a blank line between paragraphs
    c.save()
    got = read_pdf(buf.getvalue(), "word.pdf").text.split("\n")
    assert [compact(p) for p in got] == [compact(p) for p in paras]


def test_another_journals_layout() -> None:
    """Running head in body type with the folio at its outer end, numbered notes without a rule,
    note markers in the body, a paragraph carried over to the next page."""
    paras = paragraphs(gold("2024-xi-jinping-focac-keynote"))[2:9]
    notes = [
        "①\u3000参见《中非合作论坛——北京行动计划（2025—2027）》，2024年9月6日，第3页。"
        "这一条注释很长，要折到第二行上，好看注释的两行能不能接回一条。",
        "②\u3000同上。",
    ]
    marked = [p + {1: "①", 3: "②"}.get(k, "") for k, p in enumerate(paras)]
    buf, c = _canvas()

    def head(folio: int) -> None:
        c.setFont(jp.CJK_FONT, jp.BODY)
        c.drawString(jp.LEFT, jp.PAGE_H - 40, "国际问题研究 2022年第1期")
        c.setFont(jp.LATIN_FONT, jp.BODY)
        c.drawRightString(jp.RIGHT, jp.PAGE_H - 40, str(folio))

    folio, y, bottom = 21, jp.PAGE_H - 80, 150.0
    head(folio)
    note_y = 120.0
    for note in notes:
        for line in jp.wrap_cjk(note, 9.0, jp.COLUMN_W, jp.COLUMN_W):
            jp.draw_tokens(c, line, jp.LEFT, note_y)
            note_y -= 12
    for para in marked:
        lines = jp.wrap_cjk(para, jp.BODY, jp.COLUMN_W - 2 * jp.BODY, jp.COLUMN_W)
        for k, line in enumerate(lines):
            if y < bottom:
                c.showPage()
                folio, y, bottom = folio + 1, jp.PAGE_H - 80, 60.0
                head(folio)
            x = jp.LEFT + (2 * jp.BODY if k == 0 else 0.0)
            spread = 0.0 if k + 1 == len(lines) else jp.RIGHT - x - jp.natural_width(line)
            jp.draw_tokens(c, line, x, y, spread)
            y -= jp.PITCH
    c.save()
    assert folio == 22  # the text did run onto a second page
    ex = read_pdf(buf.getvalue(), "other.pdf")
    assert [compact(p) for p in ex.text.split("\n")] == [compact(p) for p in marked]
    assert [(n["marker"], compact(n["text"])) for n in ex.footnotes] == [(n[0], compact(n[1:])) for n in notes]
    assert [compact(f) for f in ex.furniture] == ["国际问题研究2022年第1期21", "国际问题研究2022年第1期22"]


def test_owner_password_only_is_read() -> None:
    """Files "encrypted" only to restrict printing open without a password, as viewers open them.

    (Latin text: reportlab encrypts a CID font's CIDSystemInfo strings so that neither pdfminer
    nor poppler can map its glyphs back, a fault of the writer, not of encryption.)
    """
    buf = BytesIO()
    c = canvas.Canvas(buf, invariant=True, encrypt=pdfencrypt.StandardEncryption("", ownerPassword="owner"))
    c.setFont(jp.LATIN_FONT, 12)
    c.drawString(72, 700, "Remarks at the opening ceremony")
    c.save()
    assert read_pdf(buf.getvalue(), "restricted.pdf").text == "Remarks at the opening ceremony"


# --------------------------------------------------------------------------- bad files


def _encrypted() -> bytes:
    buf = BytesIO()
    c = canvas.Canvas(buf, invariant=True, encrypt="secret")
    c.setFont(jp.CJK_FONT, 12)
    c.drawString(72, 700, "中非友谊跨越山海")
    c.save()
    return buf.getvalue()


def _image_only() -> bytes:
    from PIL import Image

    buf = BytesIO()
    c = canvas.Canvas(buf, invariant=True)
    c.drawImage(ImageReader(Image.new("L", (60, 80), 200)), 72, 300, width=300, height=400)
    c.rect(72, 100, 300, 100, fill=1)
    c.save()
    return buf.getvalue()


def _truncated(typeset: dict) -> bytes:
    data = typeset["2020-xi-jinping-unga"][1].read_bytes()
    return data[: len(data) // 2]


def _garbage() -> bytes:
    return b"%PDF-1.4\n" + bytes((i * 7919) % 251 for i in range(4000)) + b"\n%%EOF\n"


@pytest.mark.parametrize(
    ("kind", "says"),
    [
        ("encrypted", "the PDF is encrypted; decrypt it first (for example qpdf --decrypt"),
        ("image", "the PDF has no text layer (a scanned image?); run OCR first (for example ocrmypdf"),
        ("truncated", "cannot read the PDF (damaged?): "),
        ("garbage", "cannot read the PDF (damaged?): "),
    ],
)
def test_bad_pdfs_name_the_file_and_the_fix(typeset: dict, kind: str, says: str) -> None:
    data = {"encrypted": _encrypted, "image": _image_only, "garbage": _garbage}.get(kind, lambda: _truncated(typeset))()
    source = f"in/{kind}.pdf"
    with pytest.raises(InputError) as err:
        read_pdf(data, source)
    message = str(err.value)
    assert message.startswith(f"{source}: {says}")
    assert "\n" not in message
    if kind in ("truncated", "garbage"):
        assert message.endswith("; export or download it again")
