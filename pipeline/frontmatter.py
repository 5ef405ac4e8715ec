"""The title block above a speech: title, subtitle, date and place, the speaker's office and name.

Journals print a title on one or two lines and the author's name under it; the ministry's site
and the news agencies print a title, a subtitle (`——在…上的主旨演讲`), a date and place line
(`（2019年2月16日，慕尼黑）`) and a byline (`中华人民共和国国务委员兼外交部长 王毅`); a press
conference's title carries its date and spokesperson (`2026年7月21日外交部发言人林剑主持例行记者会`).
These few shapes are parsed by rules, line by line, or from the start of a text with no line
breaks at all, so that the body starts at the speech and `meta` gets what the block says.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
_NAME = rf"[{_CJK}](?:\s*[{_CJK}·•]){{1,5}}"
# Titles an office ends with, longest first so that 副主席 wins over 主席.
_OFFICE_END = ("国务委员兼外交部长", "外交部发言人", "外交部部长", "外交部长", "副主席", "副总理", "国务委员",
               "主席", "总理", "部长", "外长", "发言人", "大使", "特使", "秘书长", "委员长", "总书记", "书记",
               "总统", "首相", "代表", "主任")
_OFFICE = rf"[{_CJK}（）()]{{0,30}}?(?:{'|'.join(_OFFICE_END)})"
_OFFICE_WORD = re.compile("兼|" + "|".join(_OFFICE_END))
_SUBTITLE = re.compile(r"^[—－─-]{1,2}\s*\S.*$")
_DATE = r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
_DATE_PLACE = re.compile(rf"^[（(]\s*{_DATE}\s*(?:[，,、]?\s*([^）)]{{1,30}}?))?\s*[）)]$")
_DATE_LINE = re.compile(rf"^{_DATE}$")
_BYLINE = re.compile(rf"^(?:({_OFFICE})\s*)?({_NAME})$")
_SPOKESPERSON = re.compile(
    rf"(外交部发言人|国务委员兼外交部长|外交部长|外长|发言人)\s*([{_CJK}]{{2,3}}?)(?=主持|就|出席|在|答|回答|接受|会见|举行)")
_VOCATIVE = re.compile(r"^(尊敬的|女士们|先生们|各位|朋友们|同志们|亲爱的|主席先生|主席女士|秘书长先生|大家好)")
_SENTENCE_END = tuple("。！？!?；;")
_KINDS = (
    ("press conference", re.compile(r"记者会|记者招待会|答.{0,4}记者问|回答中外记者提问|吹风会")),
    ("joint statement", re.compile(r"联合声明|联合公报|宣言|共同声明|联合新闻公报")),
    ("statement", re.compile(r"声明|谈话")),
    ("review", re.compile(r"中国外交[：:]|外交回顾|回顾与展望|国际形势与中国外交")),
    ("keynote", re.compile(r"主旨演讲|主旨讲话|演讲|讲话|致辞|发言")),
)


@dataclass
class FrontMatter:
    """What a title block says; every field may be missing."""

    title: str | None = None
    subtitle: str | None = None
    speaker: str | None = None
    office: str | None = None
    date: str | None = None  # ISO: 2019-02-16
    place: str | None = None
    kind: str | None = None

    def as_meta(self) -> dict[str, str | None]:
        return asdict(self)


def _compact(line: str) -> str:
    return re.sub(r"\s+", "", line)


def _iso(m: re.Match) -> str:
    return f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}"


def _is_title_line(line: str) -> bool:
    s = line.strip()
    return 0 < len(s) <= 60 and not s.endswith(_SENTENCE_END) and not _VOCATIVE.match(s) and "记者：" not in s


def _byline(line: str) -> tuple[str | None, str] | None:
    """(office, name) when the line is a byline: a name, or an office and a name."""
    s = line.strip().strip("*").strip()
    m = _BYLINE.match(s)
    if not m:
        return None
    name = _compact(m[2])
    if not 2 <= len(name) <= 6 or (m[1] is None and len(name) > 4) or _OFFICE_WORD.search(name):
        return None
    return (_compact(m[1]) if m[1] else None), name


def classify(front: FrontMatter) -> str | None:
    """The kind of text a title block announces (review, keynote, press conference, …)."""
    words = " ".join(filter(None, (front.title, front.subtitle)))
    for kind, pattern in _KINDS:
        if pattern.search(words):
            return kind
    return None


def _finish(front: FrontMatter) -> FrontMatter:
    text = front.title or ""
    if front.speaker is None and text:
        m = _SPOKESPERSON.search(text)
        if m:
            front.office, front.speaker = m[1], m[2]
    if front.date is None:
        m = re.search(_DATE, text)
        if m:
            front.date = _iso(m)
    front.kind = classify(front) or front.kind
    return front


_FULL_TEXT = re.compile(r"[（(]\s*全文\s*[）)]$")
_DATELINE = re.compile(rf"^(?:新华社|中新社|中新网|人民网|央视网|国际在线|中国日报网|[{_CJK}]{{2,6}}日报)[^。]{{0,12}}?"
                       r"\d{1,2}月\d{1,2}日(?:电|讯)")
_INTRO_END = re.compile(r"(?:全文|讲话|演讲|致辞|发言|署名文章|谈话)如下[：:]$")
_TITLED = re.compile(r"题为《([^》]{2,60})》")
_SPEAKER_AT = re.compile(rf"^([{_CJK}]{{2,3}})(?:在|出席)")


@dataclass
class _Preface:
    title: str | None
    speaker: str | None
    kind: str | None  # what the headline calls the text (…主旨讲话（全文）: a keynote)
    end: int  # index (into lines) after its last line


def _preface(rows: list[tuple[int, str]]) -> tuple[_Preface | None, list[tuple[int, str]]]:
    """What a news agency puts above the full text of a speech: a headline ending （全文）
    (习近平在…上的主旨讲话（全文）) and an intro paragraph (新华社北京9月5日电 … 讲话全文如下：).

    They are part of the title block, not of the speech; the speech's own title is the one the
    intro quotes (发表题为《…》的主旨讲话) or the headline without （全文）.
    """
    k, title, speaker, kind = 0, None, None, None
    if rows and _FULL_TEXT.search(rows[0][1]):
        title = _FULL_TEXT.sub("", _compact(rows[0][1]))
        m = _SPEAKER_AT.match(title)
        speaker = m[1] if m else None
        kind = classify(FrontMatter(title=title))
        k = 1
    if len(rows) > k and (_DATELINE.match(rows[k][1]) or _INTRO_END.search(rows[k][1])):
        m = _TITLED.search(rows[k][1])
        title = m[1] if m else title
        k += 1
    if k == 0:
        return None, rows
    return _Preface(title, speaker, kind, rows[k - 1][0] + 1), rows[k:]


def _join_spaced_names(rows: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """One-character lines in a row are a name set with wide spacing (`王  毅`) that an extractor
    broke into lines; they are one line again, indexed by its last part."""
    out: list[tuple[int, str]] = []
    for i, s in rows:
        if len(s) == 1 and out and len(out[-1][1]) < 4 and all(len(x) == 1 for x in out[-1][1]):
            out[-1] = (i, out[-1][1] + s)
        else:
            out.append((i, s))
    return out


def parse_lines(lines: list[str], strip_marker=lambda s: s) -> tuple[FrontMatter, int]:
    """The title block at the top of `lines` (blank lines allowed) and the index of the first body line.

    A block is recognised only where it ends in something only a title block has: a byline, a
    date and place line or a subtitle, or where its first line is a title that names its kind
    (…记者会, …宣言, …上的讲话), or a news agency's preface stands above it (`_preface`). Without
    one, nothing is taken: a clean text that starts with its first paragraph keeps it.
    """
    nonblank = _join_spaced_names([(i, strip_marker(ln.strip())) for i, ln in enumerate(lines) if ln.strip()][:11])
    preface, nonblank = _preface(nonblank)
    front = FrontMatter()
    titles: list[str] = []
    end = None  # index (into lines) after the last line of the block
    for k, (i, s) in enumerate(nonblank):
        if not s:  # a line that held only a footnote marker
            if titles:
                end = i + 1
            continue
        byline = _byline(s) if titles or front.date else None
        m_date = _DATE_PLACE.match(s) or _DATE_LINE.match(_compact(s))
        if m_date and (titles or k == 0):
            front.date = _iso(m_date)
            if m_date.re is _DATE_PLACE and m_date[4]:
                front.place = m_date[4].strip()
            end = i + 1
        elif _SUBTITLE.match(s) and titles and front.subtitle is None:
            front.subtitle = _compact(s).lstrip("—－─-")
            end = i + 1
        elif byline and front.speaker is None:
            front.office, front.speaker = byline
            end = i + 1
        elif end is None and _is_title_line(s) and len(titles) < 3:
            titles.append(_compact(s))
        else:
            break
    if end is None and titles and (_SPOKESPERSON.search(titles[0]) or classify(FrontMatter(title=titles[0]))):
        # A title that says what it heads (…记者会, …宣言, …上的讲话) needs no byline under it.
        titles = titles[:1]
        end = nonblank[0][0] + 1
    if end is None and preface:
        # A news agency's headline and intro with no title block of the speech's own under them.
        return _finish(FrontMatter(title=preface.title, speaker=preface.speaker, kind=preface.kind)), preface.end
    if end is None:
        return FrontMatter(), 0
    front.title = "".join(titles) or (preface.title if preface else None)
    front.speaker = front.speaker or (preface.speaker if preface else None)
    front.kind = preface.kind if preface else None
    return _finish(front), end


_INLINE_SUBTITLE = re.compile(r"——[^。！？]{2,60}?(?:讲话|演讲|致辞|发言|报告|答问|文章)")
_INLINE_DATE = re.compile(rf"[（(]\s*{_DATE}\s*(?:[，,、]?\s*([^）)]{{1,30}}?))?\s*[）)]")
_BODY_START = re.compile(r"\s*(尊敬的|女士们|先生们|各位|朋友们|同志们|亲爱的|主席先生|主席女士|大家好|"
                         r"[^，。！？：]{2,24}记者[：:]|第一[，、]|一、)")


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def split_inline(text: str) -> tuple[FrontMatter, int]:
    """The title block at the start of a text with no line breaks, and where the body starts.

    Recognised by a subtitle (——在…上的讲话) or a date and place in brackets within the first 120
    characters, with the title before it; a byline may follow, ending at a space or where the
    speech's first words (a salutation, a reporter's question, 第一，) begin.
    """
    head = text[:200]
    found = [m for m in (_INLINE_SUBTITLE.search(head), _INLINE_DATE.search(head)) if m and m.start() <= 120]
    if not found:
        return FrontMatter(), 0
    first = min(found, key=lambda m: m.start())
    if first.start() == 0 or any(ch in text[: first.start()] for ch in "。！？"):
        return FrontMatter(), 0
    front = FrontMatter(title=_compact(text[: first.start()]))
    pos = first.start()
    m_sub = _INLINE_SUBTITLE.match(text, pos)
    if m_sub:
        front.subtitle = _compact(m_sub[0]).lstrip("—")
        pos = _skip_space(text, m_sub.end())
    m_date = _INLINE_DATE.match(text, pos)
    if m_date:
        front.date = _iso(m_date)
        front.place = m_date[4].strip() if m_date[4] else None
        pos = _skip_space(text, m_date.end())
    m_body = _BODY_START.search(text, pos, pos + 50)
    cuts = [c for c in (text.find(" ", pos, pos + 40), m_body.start() if m_body else -1) if c > pos]
    for cut in sorted(cuts):
        byline = _byline(text[pos:cut])
        if byline:
            front.office, front.speaker = byline
            pos = _skip_space(text, cut)
            break
    return _finish(front), pos
