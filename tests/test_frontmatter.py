"""The title block above a speech, as journals, the ministry's site, news agencies and collections print it."""

from __future__ import annotations

import pytest

from pipeline.frontmatter import parse_lines, split_inline
from pipeline.inputs import read_bytes, to_speech

from .material import TEST_SPEECHES, gold, has_byline
from .material.web import xinhua_full_text_page


def test_a_web_title_block():
    front, end = parse_lines(["携手推进现代化，共创中非美好未来", "——在2024年中非合作论坛峰会开幕式上的主旨讲话",
                              "（2024年9月5日，北京）", "中华人民共和国主席　习近平", "尊敬的法耶总统："])
    assert (front.title, front.subtitle, front.office, front.speaker, front.date, front.place, front.kind) == (
        "携手推进现代化，共创中非美好未来", "在2024年中非合作论坛峰会开幕式上的主旨讲话", "中华人民共和国主席",
        "习近平", "2024-09-05", "北京", "keynote")
    assert end == 4


def test_a_journal_title_on_two_lines_and_a_spaced_byline_broken_by_the_extractor():
    front, end = parse_lines(["2021 年中国外交：", "", "秉持合作共赢 *", "", "王", "", "毅", "", "纵观世界形势。"],
                             strip_marker=lambda s: s.rstrip(" *"))
    assert (front.title, front.speaker, front.kind, end) == ("2021年中国外交：秉持合作共赢", "王毅", "review", 7)


@pytest.mark.parametrize("title, speaker, office, date, kind", [
    ("2026年7月21日外交部发言人林剑主持例行记者会", "林剑", "外交部发言人", "2026-07-21", "press conference"),
    ("外交部长王毅就中国外交政策和对外关系回答中外记者提问", "王毅", "外交部长", None, "press conference"),
    ("中国—中亚峰会西安宣言", None, None, None, "joint statement"),
])
def test_a_title_that_names_its_kind_needs_no_byline(title, speaker, office, date, kind):
    front, end = parse_lines([title, "各位记者朋友，大家好！"])
    assert (front.title, front.speaker, front.office, front.date, front.kind, end) == (
        title, speaker, office, date, kind, 1)


@pytest.mark.parametrize("lines", [
    ["主席先生：", "首先，我谨代表中国政府和人民，祝贺您就任。"],
    ["各位记者朋友，大家上午好！", "很高兴再次同大家见面。"],
    ["中华人民共和国主席习近平、哈萨克斯坦共和国总统托卡耶夫于2023年5月18日至19日举行首届峰会。"],
])
def test_a_text_that_starts_with_its_speech_keeps_its_first_lines(lines):
    assert parse_lines(lines) == (parse_lines([])[0], 0)


def test_a_news_agency_preface_is_part_of_the_title_block():
    lines = ["习近平在2024年中非合作论坛峰会开幕式上的主旨讲话（全文）",
             "新华社北京9月5日电 国家主席习近平发表题为《携手推进现代化，共创中非美好未来》的主旨讲话。讲话全文如下：",
             "尊敬的法耶总统，各位同事："]
    front, end = parse_lines(lines)
    assert (front.title, front.speaker, front.kind, end) == ("携手推进现代化，共创中非美好未来", "习近平", "keynote", 2)


def test_a_title_block_at_the_start_of_a_text_without_line_breaks():
    text = ("外交部长王毅就中国外交政策和对外关系回答中外记者提问 （2016年3月8日） 外交部长 王毅 "
            "各位记者朋友，大家上午好！很高兴再次同大家见面。")
    front, pos = split_inline(text)
    assert (front.title, front.date, front.office, front.speaker) == (
        "外交部长王毅就中国外交政策和对外关系回答中外记者提问", "2016-03-08", "外交部长", "王毅")
    assert text[pos:].startswith("各位记者朋友")
    assert split_inline("各位记者朋友，大家好！今天（2016年3月8日）我们见面。") == (split_inline("")[0], 0)


@pytest.mark.parametrize("name", [n for n in TEST_SPEECHES if has_byline(gold(n)) and gold(n)["genre"] != "press"])
def test_a_xinhua_full_text_page(name):
    record = gold(name)
    speech = to_speech(read_bytes(xinhua_full_text_page(record).encode("utf8"), f"{name}.html"))
    assert speech.text == record["text"]
    assert (speech.title, speech.speaker) == (record["meta"]["title"], record["meta"]["speaker"])
    assert speech.front.date == record["meta"]["date"] and speech.coverage["dropped"] == 0
