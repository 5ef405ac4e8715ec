"""Web pages and Word files in: the corpus's own speeches, published in the shapes the ministry,
Xinhua and People's Daily use and typed into Word, must come back paragraph for paragraph,
title first and the title block as printed, with none of the page around them."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest

from pipeline.inputs import Extracted, read_bytes
from pipeline.inputs import html as html_reader
from pipeline.inputs.docx import read_docx
from pipeline.inputs.html import read_html
from pipeline.normalize import InputError

from .material import TEST_SPEECHES, gold, paragraphs
from .material.web import FURNITURE, SHAPES, ministry_page, ministry_page_gb, title_block
from .material.word import broken_paragraph, word_file

SITES = {"ministry": "fmprc.gov.cn", "xinhua": "xinhuanet.com", "peoples_daily": "people.com.cn"}
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@pytest.fixture(scope="module")
def records() -> dict[str, dict[str, Any]]:
    return {name: gold(name) for name in TEST_SPEECHES}


def assert_round_trip(ex: Extracted, record: dict[str, Any]) -> None:
    """Title, then the title block as printed, then exactly the gold paragraphs; the title once."""
    lines = ex.text.split("\n")
    title = record["meta"]["title"]
    block = title_block(record)
    assert lines[0] == title
    assert lines.count(title) == 1
    assert lines[1 : 1 + len(block)] == block
    assert lines[1 + len(block) :] == [p.replace(" ", "") for p in paragraphs(record)]


# --------------------------------------------------------------------------- web pages

@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("name", TEST_SPEECHES)
def test_a_published_page_gives_back_the_speech_and_nothing_of_the_page(records, name, shape):
    record = records[name]
    page = SHAPES[shape](record)
    ex = read_html(page.encode(), f"{name}.html")
    assert ex.format == "html"
    assert_round_trip(ex, record)
    assert [s for s in FURNITURE if s in ex.text] == []
    assert ex.meta["title"] == record["meta"]["title"]
    assert ex.meta["date"] == record["meta"]["date"]
    assert ex.meta["site"] == SITES[shape]


def test_the_press_conference_keeps_questions_as_their_own_paragraphs(records):
    record = records["2016-wang-yi-press"]
    ex = read_html(ministry_page(record).encode(), "press.html")
    questions = [ln for ln in ex.text.split("\n") if re.match(r"^[^：]{1,20}记者：", ln)]
    assert "<strong>" in ministry_page(record)  # the page sets them in bold, inline markup to see through
    assert len(questions) >= 8
    assert questions == [p for p in paragraphs(record) if re.match(r"^[^：]{1,20}记者：", p)]


def test_an_old_ministry_page_in_gb2312_is_decoded_as_declared(records):
    record = records["2023-china-central-asia-declaration"]
    data = ministry_page_gb(record)
    assert b'charset=gb2312' in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    ex = read_bytes(data, "old.htm")  # through the dispatcher, which tells HTML by content
    assert ex.format == "html"
    assert_round_trip(ex, record)
    assert ex.meta["date"] == record["meta"]["date"]


def test_undeclared_gb18030_and_a_stale_gb2312_declaration_are_both_read():
    body = "<p>各位朋友，大家好！很高兴同大家见面，共同探讨中国同世界的关系。</p>"
    undeclared = f"<html><body>{body}</body></html>".encode("gb18030")
    assert read_html(undeclared, "a.html").text == "各位朋友，大家好！很高兴同大家见面，共同探讨中国同世界的关系。"
    stale = f'<html><head><meta charset="gb2312"></head><body>{body}</body></html>'.encode()
    ex = read_html(stale, "b.html")
    assert ex.text == "各位朋友，大家好！很高兴同大家见面，共同探讨中国同世界的关系。"
    assert ex.notes == ["the page declares gb2312 but is UTF-8; read as UTF-8"]
    broken = f'<html><head><meta charset="utf-8"></head><body>{body}</body></html>'.encode().replace(
        "同大家".encode(), "同".encode() + b"\xff" + "大家".encode())
    ex = read_html(broken, "c.html")
    assert ex.text == "各位朋友，大家好！很高兴同\ufffd大家见面，共同探讨中国同世界的关系。"
    assert ex.notes == ["1 byte sequence(s) in the page are not UTF-8; shown as \ufffd"]


def test_a_source_line_break_between_chinese_characters_is_no_space():
    page = ("<html><body><div><p>中华人民\n共和国成立于1949\n年，至今已有七十\n  多年。Hello\nworld 这是\n"
            "一段测试文字，用来确认源码中的换行不会变成空格。</p></div></body></html>")
    text = read_html(page.encode(), "wrapped.html").text
    assert text == ("中华人民共和国成立于1949年，至今已有七十多年。Hello world "
                    "这是一段测试文字，用来确认源码中的换行不会变成空格。")


def test_furniture_inside_the_article_is_set_aside_and_the_editor_kept():
    page = """<html><head><meta charset="utf-8"><title>携手推进现代化 - 新华网</title></head><body>
<div id="detail"><p>【大 中 小】</p><p>发布时间：2024-09-05 12:01</p>
<p>中非友谊跨越山海，历久弥新。半个多世纪前，在极其艰苦的条件下，中国援建的坦赞铁路穿越崇山峻岭，成为中非友谊的不朽丰碑。</p>
<p>谢谢大家！</p><p>2024年9月5日</p><p>(责编：李明、张华)</p><p>【纠错】 【责任编辑：王小明】</p>
<p>分享到：微信 微博</p><p>【打印本页】 【关闭窗口】</p></div></body></html>"""
    ex = read_html(page.encode(), "inner.html")
    assert ex.text.split("\n") == [
        "携手推进现代化",
        "中非友谊跨越山海，历久弥新。半个多世纪前，在极其艰苦的条件下，中国援建的坦赞铁路穿越崇山峻岭，成为中非友谊的不朽丰碑。",
        "谢谢大家！",
        "2024年9月5日",  # a closing date is the speaker's, not the page's
    ]
    assert ex.furniture == ["【大 中 小】", "发布时间：2024-09-05 12:01", "(责编：李明、张华)",
                            "【纠错】 【责任编辑：王小明】", "分享到：微信 微博", "【打印本页】 【关闭窗口】"]
    assert ex.meta == {"title": "携手推进现代化", "date": "2024-09-05", "site": "xinhuanet.com", "editor": "李明、张华"}


def test_a_subtitle_under_the_title_follows_it_once_and_the_navigation_stays_out():
    page = """<html><head><meta charset="utf-8">
<title>在慕尼黑安全会议上的演讲_中华人民共和国外交部</title></head><body>
<div class="nav"><a href="/">首页</a> <a href="/wjb/">外交部</a></div>
<h1>在慕尼黑安全会议上的演讲</h1><h2>——在第五十五届慕尼黑安全会议上的主旨演讲</h2>
<div class="content">（2019年2月16日，慕尼黑）<br>中华人民共和国国务委员兼外交部长 王毅<br>
　　主席先生，女士们，先生们：<br>
　　很高兴来到慕尼黑，同各位朋友见面。我们愿同各方一道，推动国际关系朝着更加公正合理的方向发展。<br>
</div><div class="footer">版权所有：中华人民共和国外交部</div></body></html>"""
    ex = read_html(page.encode(), "msc.html")
    assert ex.text.split("\n") == [
        "在慕尼黑安全会议上的演讲",
        "——在第五十五届慕尼黑安全会议上的主旨演讲",
        "（2019年2月16日，慕尼黑）",
        "中华人民共和国国务委员兼外交部长 王毅",
        "主席先生，女士们，先生们：",
        "很高兴来到慕尼黑，同各位朋友见面。我们愿同各方一道，推动国际关系朝着更加公正合理的方向发展。",
    ]
    assert ex.meta["date"] == "2019-02-16"  # from the date-and-place line: the page prints no other


@pytest.mark.parametrize("line", ['<span class="time">2019/02/16</span>', "<div>发布时间：2019-02-16</div>",
                                  "<div>2019年02月16日 12:01 | 来源：<a>人民网－人民日报</a></div>"])
def test_the_date_is_the_one_printed_by_the_title_not_the_speech_date(line):
    """The page went up the day after the speech; meta keeps the page's date, the text the speech's."""
    page = f"""<html><head><meta charset="utf-8"><title>在慕尼黑安全会议上的演讲</title></head><body>
<h1>在慕尼黑安全会议上的演讲</h1>{line}
<div class="content"><p>（2019年2月15日，慕尼黑）</p>
<p>很高兴来到慕尼黑，同各位朋友见面。我们愿同各方一道，推动国际关系朝着更加公正合理的方向发展。</p></div></body></html>"""
    ex = read_html(page.encode(), "msc.html")
    assert ex.meta["date"] == "2019-02-16"
    assert ex.text.split("\n")[1] == "（2019年2月15日，慕尼黑）"


def test_without_trafilatura_the_paragraphs_of_a_small_page_are_read(monkeypatch):
    monkeypatch.setattr(html_reader, "_trafilatura", lambda tree, source: None)
    page = """<html><head><title>致辞_中华人民共和国外交部</title></head><body>
<div class="header"><p>中华人民共和国外交部</p></div><p>各位来宾：</p><p>欢迎大家。</p>
<div class="footer"><p>版权所有：中华人民共和国外交部</p></div></body></html>"""
    ex = read_html(page.encode(), "small.html")
    assert ex.text.split("\n") == ["致辞", "各位来宾：", "欢迎大家。"]


@pytest.mark.parametrize("page", [
    "<html><head><title>Hello</title></head><body><p>Only English text here, and plenty of it.</p></body></html>",
    "<html><body><div class='nav'><a>首页</a></div></body></html>",
    "<html><body></body></html>",
])
def test_a_page_without_a_chinese_text_says_what_to_do(page):
    with pytest.raises(InputError) as err:
        read_html(page.encode(), "page.html")
    message = str(err.value)
    assert message.startswith("page.html: no speech text found in this web page")
    assert "Save Page As" in message and "\n" not in message


# --------------------------------------------------------------------------- Word files

@pytest.mark.parametrize("name", TEST_SPEECHES)
def test_a_word_file_gives_back_the_speech(records, name, tmp_path):
    record = records[name]
    path = word_file(record, tmp_path / f"{name}.docx")
    with zipfile.ZipFile(path) as z:
        assert "<w:br/>" in z.read("word/document.xml").decode("utf-8")  # the pasted line break is there
    ex = read_bytes(path.read_bytes(), str(path))
    assert ex.format == "docx"
    assert_round_trip(ex, record)
    assert ex.meta == {"title": record["meta"]["title"]}  # python-docx's default author is not a person
    index, _ = broken_paragraph(record)
    assert ex.text.split("\n")[1 + len(title_block(record)) + index] == paragraphs(record)[index]


def _docx_bytes(build) -> bytes:
    import docx

    document = docx.Document()
    build(document)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def test_line_breaks_join_chinese_lines_but_keep_title_block_lines():
    def build(document):
        p = document.add_paragraph()
        for i, line in enumerate(["携手推进现代化，共创中非美好未来", "——在2024年中非合作论坛峰会开幕式上的讲话",
                                  "（2024年9月5日，北京）", "中华人民共和国主席 习近平"]):
            run = p.add_run(line)
            if i < 3:
                run.add_break()
        q = document.add_paragraph()
        q.add_run("中华人民").add_break()
        q.add_run("共和国万岁。Hello").add_break()
        q.add_run("world")

    ex = read_docx(_docx_bytes(build), "breaks.docx")
    assert ex.text.split("\n") == ["携手推进现代化，共创中非美好未来", "——在2024年中非合作论坛峰会开幕式上的讲话",
                                   "（2024年9月5日，北京）", "中华人民共和国主席 习近平",
                                   "中华人民共和国万岁。Hello world"]


def test_tables_tracked_changes_and_footnotes_are_read_in_order():
    from docx.oxml import parse_xml

    def build(document):
        document.add_paragraph("开头一段。")
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).merge(table.cell(0, 1)).text = "合并的单元格。"
        table.cell(1, 0).text = "左边。"
        table.cell(1, 1).text = "右边。"
        p = document.add_paragraph("保留")
        p._p.append(parse_xml(f'<w:ins xmlns:w="{W}" w:id="1" w:author="a"><w:r><w:t>插入的</w:t></w:r></w:ins>'))
        p._p.append(parse_xml(f'<w:del xmlns:w="{W}" w:id="2" w:author="a"><w:r><w:delText>删掉的</w:delText>'
                              "</w:r></w:del>"))
        p.add_run("文字。")

    data = _docx_bytes(build)
    footnotes = (f'<w:footnotes xmlns:w="{W}"><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/>'
                 '</w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>参见《人民日报》2024年9月6日。</w:t>'
                 "</w:r></w:p></w:footnote></w:footnotes>")
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("word/footnotes.xml", footnotes)
    ex = read_docx(out.getvalue(), "mixed.docx")
    assert ex.text.split("\n") == ["开头一段。", "合并的单元格。", "左边。", "右边。", "保留插入的文字。"]
    assert ex.notes == ["1 table(s) in the Word file were read cell by cell, row by row, as paragraphs"]
    assert ex.footnotes == [{"marker": "1", "text": "参见《人民日报》2024年9月6日。"}]


def _garbage_document() -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "this is not XML <<<")
    return out.getvalue()


def _truncated(tmp_path: Path) -> bytes:
    data = word_file(gold(TEST_SPEECHES[-1]), tmp_path / "whole.docx").read_bytes()
    return data[: len(data) // 2]


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_word_file_says_what_to_do(damage, tmp_path):
    data = _garbage_document() if damage == "garbage" else _truncated(tmp_path)
    with pytest.raises(InputError) as err:
        read_docx(data, "speech.docx")
    message = str(err.value)
    assert message == "speech.docx: cannot read the Word file (damaged?); open it in Word and save it again as .docx"


def test_a_word_file_without_chinese_text_is_refused():
    data = _docx_bytes(lambda d: d.add_paragraph("Only English here."))
    with pytest.raises(InputError, match=r"^english\.docx: the Word file holds no Chinese text"):
        read_docx(data, "english.docx")
