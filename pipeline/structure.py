"""The structure of a speech from its clean text: preamble, numbered sections, items,
conclusion, outlook and closing.

Chinese diplomatic speeches mark their structure with a small closed set of devices
(第一，… / 一、… / （一）… / 一是… / 展望… / 谢谢), so rules over paragraph openings find
it more reliably than a model trained on a dozen documents would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .sentences import split_sentences

NUM = "一二三四五六七八九十"
_DIGITS = {ch: i + 1 for i, ch in enumerate(NUM[:-1])}


def chinese_number(s: str) -> int:
    """十 → 10, 十二 → 12, 二十 → 20; enough for section numbers."""
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + _DIGITS.get(s[1:], 0)
    if s.endswith("十"):
        return 10 * _DIGITS.get(s[:-1], 0)
    if "十" in s:
        tens, ones = s.split("十")
        return 10 * _DIGITS.get(tens, 0) + _DIGITS.get(ones, 0)
    return _DIGITS.get(s, 0)


_ORDINAL_HEAD = re.compile(f"^第([{NUM}]{{1,3}})[，,、]")
_NUMBERED_HEAD = re.compile(f"^([{NUM}]{{1,3}})[、．.]")
_BRACKET_ITEM = re.compile(f"^[（(]([{NUM}]{{1,3}})[）)]")
_SHI_ITEM = re.compile(f"^([{NUM}]{{1,3}})是")
_QUESTION = re.compile(r"^[^，。：:]{2,24}(记者|报|社|台|网|电视)[^，。：:]{0,8}[：:]")
_OUTLOOK = re.compile(r"^(展望|新的一年|面向新的一年|明年，|放眼明年)")
_CONCLUSION = re.compile(
    r"^(回顾|总结|综上|总之|总的来看|归结起来|一年来的实践|一年来，我们深刻|实践告诉我们|实践证明|"
    r"抚今追昔|回首|我们深刻体会到|一年的外交实践|这些成就|[^。]{0,30}之所以[^。]{0,80}根本在于)"
)
_CLOSING = re.compile(r"(谢谢|感谢大家|祝[愿各大]|预祝|干杯|祝福|于.{2,20}签署|签署于)")
_CLOSING_START = re.compile(r"^(让我们|最后|女士们|各位|朋友们|同志们|谢谢|主席先生，)")
_VOCATIVE = re.compile(r"^(女士们|先生们|各位|朋友们|同志们|亲爱的|尊敬的)[^。]{0,24}[！：!:，]$")


@dataclass
class Paragraph:
    start: int
    end: int
    text: str


def paragraphs(text: str) -> list[Paragraph]:
    out: list[Paragraph] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            out.append(Paragraph(pos, pos + len(line), line))
        pos += len(line) + 1
    return out


def first_sentence(text: str) -> str:
    spans = split_sentences(text)
    return text[spans[0][0] : spans[0][1]] if spans else text


def _is_heading_line(p: Paragraph) -> bool:
    return len(split_sentences(p.text)) == 1 and len(p.text) <= 120


def opens_section(text: str) -> bool:
    """Whether a paragraph reads as a heading: numbered, a question, or one short sentence."""
    return bool(_ORDINAL_HEAD.match(text) or _NUMBERED_HEAD.match(text) or _QUESTION.match(text)) or (
        len(text) <= 60 and len(split_sentences(text)) == 1)


def _is_topic_heading(p: Paragraph, following: Paragraph | None) -> bool:
    """An unnumbered headline: one short sentence that a much longer paragraph develops
    (筹建亚洲基础设施投资银行取得历史性突破，成为这一年中国外交的一大亮点。)."""
    t = p.text
    if following is not None and (_ORDINAL_HEAD.match(following.text) or _NUMBERED_HEAD.match(following.text)):
        return False  # the last word of a numbered section, not the headline of a new one
    return (following is not None and t.endswith("。") and len(t) <= 60 and len(split_sentences(t)) == 1
            and len(following.text) >= max(80, 2 * len(t))
            and not any(r.match(t) for r in (_SHI_ITEM, _VOCATIVE, _CONCLUSION, _OUTLOOK)))


def _opens_points(p: Paragraph, is_point: bool) -> bool:
    """一是… or a whole-paragraph 第一，… followed directly by 第二，…: the first of the points a
    preceding paragraph announces."""
    m_ord = _ORDINAL_HEAD.match(p.text)
    return bool(_SHI_ITEM.match(p.text)) or bool(m_ord and m_ord[1] == "一" and not _is_heading_line(p) and is_point)


def parallel_runs(paras: list[Paragraph], min_run: int = 3, max_head: int = 40) -> set[int]:
    """Paragraphs in runs of at least `min_run` that open alike (坚持对话协商，… 坚持共建共享，…;
    中国将始终做…): unnumbered points, each a short headline sentence that the paragraph develops."""
    sentences = [split_sentences(p.text) for p in paras]
    point = [len(ss) > 1 and ss[0][1] - ss[0][0] <= max_head for ss in sentences]
    out: set[int] = set()
    k = 0
    while k < len(paras):
        j = k + 1
        while j < len(paras) and point[k] and point[j] and paras[j].text[:2] == paras[k].text[:2]:
            j += 1
        if j - k >= min_run:
            out.update(range(k, j))
        k = j
    return out


def ordinal_points(paras: list[Paragraph]) -> set[int]:
    """第一，… paragraphs that follow one another directly (第一，… 第二，… 第三，…): the points of
    one announcement. Where other paragraphs stand between 第一 and 第二, the numbers head sections
    (the seed's 第一，面对世纪疫情… is followed by four paragraphs before 第二)."""
    numbers = [chinese_number(m[1]) if (m := _ORDINAL_HEAD.match(p.text)) else 0 for p in paras]
    out: set[int] = set()
    for k in range(len(paras) - 1):
        if numbers[k] and numbers[k + 1] == numbers[k] + 1:
            out.update((k, k + 1))
    return out


def _opens_outlook(text: str, p: Paragraph) -> bool:
    """展望…, or a paragraph that opens with the year after the one the speech reviews (2022年，…
    in a review of 2021, the first year the text names)."""
    if _OUTLOOK.match(p.text):
        return True
    m_year = _YEAR_OPENING.match(p.text)
    m_first = _FIRST_YEAR.search(text)
    return bool(m_year and m_first and int(m_year[1]) == int(m_first[1]) + 1 and p.start > len(text) // 2)


_YEAR_OPENING = re.compile(r"^(\d{4})年[，,]")
_FIRST_YEAR = re.compile(r"(\d{4})年")


def find_sections(text: str) -> list[dict[str, Any]]:
    """Sections in the corpus format; top-level ones tile the text, items tile their parent's tail."""
    paras = paragraphs(text)
    if not paras:
        return []
    n = len(paras)
    points = ordinal_points(paras)

    # 1. Closing: a vocative line near the end and all after it, else trailing thanks or calls.
    closing_at = n
    for k in range(n - 1, max(n - 5, 0), -1):
        if _VOCATIVE.match(paras[k].text):
            closing_at = k
            break
    else:
        for k in range(n - 1, max(n - 3, 0), -1):
            t = paras[k].text
            if (_CLOSING.search(t) and len(t) <= 150) or (_CLOSING_START.match(t) and len(t) <= 250):
                closing_at = k
            else:
                break

    # 2. Top-level openings and items, in one pass.
    tops: list[tuple[int, str]] = []  # (paragraph index, kind)
    items: list[tuple[int, int]] = []  # (paragraph index, top index it belongs to)
    scheme: str | None = None  # which numbering opened the body sections
    expected = 1
    in_outlook = False
    after_body = False
    headlines = 0  # unnumbered headline paragraphs that opened body sections
    parallel = parallel_runs(paras[:closing_at])
    series = 0  # the next number of a run of announced 第一，… item paragraphs
    after_items = False
    for k, p in enumerate(paras[:closing_at]):
        t = p.text
        m_ord, m_num = _ORDINAL_HEAD.match(t), _NUMBERED_HEAD.match(t)
        # Parallel openings are points of their own only where no 第一，… numbering heads the sections.
        m_item = _SHI_ITEM.match(t) or _BRACKET_ITEM.match(t) or (k in parallel and scheme != "ord")
        was_item, after_items = after_items, False
        if m_ord and chinese_number(m_ord[1]) in (1, series) and not _is_heading_line(p) and tops and (
                k in points or scheme == "ord" and in_outlook):
            # 第一，… opening a whole paragraph, not a headline: the points a section announces.
            series = chinese_number(m_ord[1]) + 1
            items.append((k, len(tops) - 1))
            after_items = True
            continue
        if was_item and scheme is None and not m_item and not in_outlook and not _CONCLUSION.match(t):
            # In an unnumbered speech the paragraph after a run of points moves on to a new topic.
            tops.append((k, "body"))
            after_body = True
            continue
        head = None
        if m_num and scheme in (None, "num") and chinese_number(m_num[1]) == expected:
            head = "num"
        elif m_ord and scheme in (None, "ord") and not in_outlook and chinese_number(m_ord[1]) == expected:
            if scheme == "ord" or _is_heading_line(p) or chinese_number(m_ord[1]) == 1:
                head = "ord"
        elif _QUESTION.match(t) and scheme in (None, "q") and t.rstrip().endswith(("？", "?")):
            head = "q"
        if head:
            scheme = head
            tops.append((k, "body"))
            expected += 1 if head != "q" else 0
            after_body = True
            continue
        if (scheme is None or expected > 1) and not in_outlook and k > 0 and not m_item and not m_ord and \
                _is_topic_heading(p, paras[k + 1] if k + 1 < closing_at else None):
            tops.append((k, "body"))
            headlines += 1
            after_body = True
            continue
        if k > 0 and not in_outlook and _opens_outlook(text, p):
            tops.append((k, "outlook"))
            in_outlook = True
            continue
        next_is_item = k + 1 < closing_at and (_opens_points(paras[k + 1], k + 1 in points)
                                               or (k + 1 in parallel and k not in parallel and scheme != "ord"))
        if next_is_item and not m_item and not in_outlook and k > 1 and (not tops or tops[-1][0] < k - 1):
            # An announcement followed by points (一是…, 第一，…, or a parallel run) opens a section.
            tops.append((k, "body"))
            after_body = True
            continue
        if after_body and not in_outlook and _CONCLUSION.match(t) and (not tops or tops[-1][1] != "conclusion"):
            tops.append((k, "conclusion"))
            continue
        if (m_item or (m_ord and (in_outlook or scheme != "ord"))) and tops:
            items.append((k, len(tops) - 1))
            after_items = True

    # An outlook that ends in its points (一是…六是) and one last paragraph after them: that is the close.
    if closing_at == n and in_outlook and items and items[-1][1] == len(tops) - 1 and items[-1][0] == n - 2 \
            and not _SHI_ITEM.match(paras[-1].text) and tops[-1][1] == "outlook":
        closing_at = n - 1
    if closing_at < n:
        tops.append((closing_at, "closing"))

    # 3. Preamble: whatever precedes the first opening.
    if not tops or tops[0][0] > 0:
        tops.insert(0, (0, "preamble"))
        items = [(k, t + 1) for k, t in items]

    # A speech without numbered sections or a run of headlines: the greeting and the first
    # paragraph are the preamble, and a body section starts after them.
    if scheme is None and headlines < 2:
        first_content = next((k for k, p in enumerate(paras) if not p.text.endswith("：")), 0)
        body_at = first_content + 1
        later = [k for k, _ in tops[1:]]
        if body_at < n and (not later or later[0] > body_at):
            tops.insert(1, (body_at, "body"))
            items = [(k, t + 1 if t >= 1 else t) for k, t in items]

    # 4. Spans.
    sections: list[dict[str, Any]] = []
    starts = [paras[k].start for k, _ in tops] + [len(text)]
    for idx, (k, kind) in enumerate(tops):
        sid = f"s{idx}"
        start, end = (0 if idx == 0 else starts[idx]), starts[idx + 1]
        title = first_sentence(paras[k].text) if kind == "body" else None
        sections.append({"id": sid, "kind": kind, "start": start, "end": end, "title": title, "parent": None})
    by_top: dict[int, list[int]] = {}
    for k, t in items:
        if tops[t][0] < k:
            by_top.setdefault(t, []).append(k)
    children: list[dict[str, Any]] = []
    for t, ks in by_top.items():
        parent = sections[t]
        for j, k in enumerate(ks):
            end = paras[ks[j + 1]].start if j + 1 < len(ks) else parent["end"]
            children.append({
                "id": f"{parent['id']}.{j + 1}", "kind": "item", "start": paras[k].start, "end": end,
                "title": first_sentence(paras[k].text), "parent": parent["id"],
            })
    # Items follow their parent in document order.
    ordered: list[dict[str, Any]] = []
    for s in sections:
        ordered.append(s)
        ordered.extend(c for c in children if c["parent"] == s["id"])
    return ordered
