"""A corpus speech typeset the way 《国际问题研究》 prints one, so the PDF reader meets a real layout.

The point is to reproduce what makes journal PDFs hard to read back, not to look pretty: a
justified single column whose lines break inside sentences, first-line indents as the only
paragraph mark, a title in larger type with a raised `*` footnote marker, the footnote at the
foot of page 1 below a short rule, running headers and page numbers, digits set in a Latin
font with a quarter-em gap on each side (which makes extractors put spaces around them), the
editor line and the English title, author and abstract at the end.

Everything is computed from the text with reportlab's own metrics and written with
`invariant=True`, so the same record gives the same bytes on every run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from . import has_byline, office

CJK_FONT = "STSong-Light"
LATIN_FONT = "Times-Roman"
LATIN_BOLD = "Times-Bold"
pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))

PAGE_W, PAGE_H = 184 * mm, 260 * mm  # 16K, the journal's trim size
BODY = 10.5
PITCH = 18.0  # body line spacing
COLUMN_CHARS = 34
COLUMN_W = COLUMN_CHARS * BODY
LEFT = (PAGE_W - COLUMN_W) / 2
RIGHT = LEFT + COLUMN_W
BODY_TOP = PAGE_H - 72  # first body baseline on a continuation page
BODY_BOTTOM = 66  # lowest body baseline
HEADER_Y = PAGE_H - 42
FOLIO_Y = 34  # page numbers at the foot
NOTE_SIZE, NOTE_PITCH = 9.0, 13.0
TITLE_SIZE, AUTHOR_SIZE = 17.0, 12.0
FIRST_PAGE_NUMBER = 7
JOURNAL_HEADER = "《国际问题研究》2022 年第 1 期"
EDITOR_LINE = "【责任编辑：李  静】"

# Chinese line-breaking rules (禁则): these never start a line, those never end one.
NO_START = set("，。、；：？！”’）》」』】…—%·")
NO_END = set("“‘（《「『【")
_LATIN_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.%\-+/]*|[ -~]")


@dataclass
class Token:
    """One unbreakable piece of a line: a CJK character, a run of Latin letters/digits, a dash pair."""

    text: str
    font: str
    size: float
    width: float
    latin: bool


def _tokens(text: str, size: float) -> list[Token]:
    out: list[Token] = []
    i = 0
    while i < len(text):
        m = _LATIN_RUN.match(text, i)
        if m and text[i] != " ":
            run = m.group(0)
            out.append(Token(run, LATIN_FONT, size, pdfmetrics.stringWidth(run, LATIN_FONT, size), True))
            i = m.end()
            continue
        if text.startswith(("——", "……"), i):  # a pair the typesetter never splits
            piece = text[i : i + 2]
        else:
            piece = text[i]
        out.append(Token(piece, CJK_FONT, size, pdfmetrics.stringWidth(piece, CJK_FONT, size), False))
        i += len(piece)
    return out


def _printable(tok: Token) -> str:
    """The text as the CID font can encode it.

    STSong-Light's Unicode CMap (UniGB-UCS2-H) has no code for U+00B7, the dot between the parts
    of a foreign name (谢尔达尔·别尔德穆哈梅多夫); the glyph is reached through U+30FB, and text
    extractors map it back to U+00B7, as they do for a real journal's PDF.
    """
    return tok.text.replace("\u00b7", "\u30fb") if tok.font == CJK_FONT else tok.text


def _gap(a: Token, b: Token) -> float:
    """The quarter-em a Chinese typesetter puts between a Latin run and a Chinese character."""
    return a.size / 4 if a.latin != b.latin and a.text.strip() and b.text.strip() else 0.0


def natural_width(tokens: list[Token]) -> float:
    """The width of a line of tokens set without justification."""
    return sum(t.width for t in tokens) + sum(_gap(a, b) for a, b in zip(tokens, tokens[1:]))


def wrap_cjk(text: str, size: float, first_width: float, width: float) -> list[list[Token]]:
    """Greedy line breaking by measured width, moving characters so that 禁则 hold."""
    tokens = _tokens(text, size)
    lines: list[list[Token]] = []
    current: list[Token] = []
    limit = first_width
    for tok in tokens:
        if current and natural_width(current + [tok]) > limit + 0.01:
            carry: list[Token] = []
            head = tok
            # Pull characters down until the new line does not start with a closing mark...
            while head.text[0] in NO_START and len(current) > 1:
                carry.insert(0, current.pop())
                head = carry[0]
            # ...and the old one does not end with an opening one.
            while len(current) > 1 and current[-1].text[-1] in NO_END:
                carry.insert(0, current.pop())
            lines.append(current)
            current = carry
            limit = width
        current.append(tok)
    if current:
        lines.append(current)
    return lines


def wrap_latin(text: str, font: str, size: float, width: float) -> list[str]:
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words:
        trial = f"{current} {word}" if current else word
        if current and pdfmetrics.stringWidth(trial, font, size) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


def title_lines(title: str) -> list[str]:
    """One line, or two split at a dash or a comma near the middle (or the middle itself)."""
    if pdfmetrics.stringWidth(title, CJK_FONT, TITLE_SIZE) <= COLUMN_W * 0.85:
        return [title]
    middle = len(title) / 2
    cuts = [m.start() for m in re.finditer("——", title)] + [m.end() for m in re.finditer("[，、：]", title)]
    cuts = [c for c in cuts if 4 <= c <= len(title) - 4]
    cut = min(cuts, key=lambda c: abs(c - middle)) if cuts else round(middle)
    return [title[:cut], title[cut:]]


def _date_cn(date: str) -> str:
    y, m, d = (int(x) for x in date.split("-"))
    return f"{y}年{m}月{d}日"


def footnote_text(record: dict[str, Any]) -> str:
    """The `*` note the journal prints under the title's marker, written from the record's meta."""
    meta = record["meta"]
    when = _date_cn(meta["date"])
    if not has_byline(record):
        return f"本文为{when}{meta['venue']}通过的《{meta['title']}》，有关数据和表述做了一些更新。"
    return f"本文为{office(record) or ''}{meta['speaker']}{when}在{meta['venue']}上的讲话，有关数据和表述做了一些更新。"


def byline(record: dict[str, Any]) -> str | None:
    """The author as a byline prints it: two-character names spaced out (王  毅)."""
    if not has_byline(record):
        return None
    name = record["meta"]["speaker"]
    return f"{name[0]}\u3000{name[1]}" if len(name) == 2 else name


def draw_tokens(c: canvas.Canvas, tokens: list[Token], x: float, y: float, spread: float = 0.0) -> None:
    """Draw one line token by token from `x`; `spread` is the extra space shared out to justify it."""
    gaps = len(tokens) - 1
    extra = spread / gaps if gaps > 0 else 0.0
    text = c.beginText()  # one text object a line, each piece placed where it falls
    font: tuple[str, float] | None = None
    for k, tok in enumerate(tokens):
        if font != (tok.font, tok.size):
            font = (tok.font, tok.size)
            text.setFont(*font)
        text.setTextOrigin(x, y)
        text.textOut(_printable(tok))
        if k + 1 < len(tokens):
            x += tok.width + _gap(tok, tokens[k + 1]) + extra
    c.drawText(text)


class _Typesetter:
    def __init__(self, path: Path, record: dict[str, Any]) -> None:
        self.c = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H), invariant=True)
        self.c.setTitle(record["meta"]["title"])
        self.c.setAuthor(record["meta"].get("speaker") or "")
        self.record = record
        self.page = FIRST_PAGE_NUMBER
        self.y = BODY_TOP
        self.bottom = BODY_BOTTOM

    # -- drawing ------------------------------------------------------------------
    def draw_tokens(self, tokens: list[Token], x: float, y: float, spread: float = 0.0) -> None:
        draw_tokens(self.c, tokens, x, y, spread)

    def draw_mixed(self, text: str, size: float, y: float, align: str = "left", x: float = LEFT) -> None:
        tokens = _tokens(text, size)
        width = natural_width(tokens)
        if align == "center":
            x = (PAGE_W - width) / 2
        elif align == "right":
            x = RIGHT - width
        self.draw_tokens(tokens, x, y)

    def furniture(self) -> None:
        """Running header (from page 2 on) and the page number at the foot."""
        if self.page > FIRST_PAGE_NUMBER:
            meta = self.record["meta"]
            header = JOURNAL_HEADER if self.page % 2 == 0 else f"{meta['speaker']}：{meta['title']}"
            self.draw_mixed(header, 9.0, HEADER_Y, align="center")
            self.c.setLineWidth(0.5)
            self.c.line(LEFT, HEADER_Y - 5, RIGHT, HEADER_Y - 5)
        self.draw_mixed(str(self.page), 9.0, FOLIO_Y, align="center")

    def new_page(self) -> None:
        self.c.showPage()
        self.page += 1
        self.y = BODY_TOP
        self.bottom = BODY_BOTTOM
        self.furniture()

    def need(self, height: float) -> None:
        if self.y - height < self.bottom - 0.01:
            self.new_page()

    # -- parts ----------------------------------------------------------------------
    def first_page(self) -> None:
        meta = self.record["meta"]
        self.furniture()
        y = PAGE_H - 96
        lines = title_lines(meta["title"])
        for k, line in enumerate(lines):
            self.draw_mixed(line, TITLE_SIZE, y, align="center")
            if k == len(lines) - 1:  # the note marker: small and raised, as the journal sets it
                end = (PAGE_W + natural_width(_tokens(line, TITLE_SIZE))) / 2
                self.c.setFont(LATIN_FONT, 10.5)
                self.c.drawString(end + 1, y + 6, "*")
            y -= TITLE_SIZE * 1.6
        name = byline(self.record)
        if name:
            y -= 4
            self.c.setFont(CJK_FONT, AUTHOR_SIZE)
            self.c.drawCentredString(PAGE_W / 2, y, name)
            y -= AUTHOR_SIZE * 2.2
        self.y = y - 8
        # The footnote sits at the foot; the body stops above its rule.
        note_lines = wrap_cjk("*\u3000" + footnote_text(self.record), NOTE_SIZE, COLUMN_W, COLUMN_W)
        ny = BODY_BOTTOM - 10 + NOTE_PITCH * (len(note_lines) - 1)
        rule_y = ny + NOTE_PITCH
        self.c.setLineWidth(0.5)
        self.c.line(LEFT, rule_y, LEFT + COLUMN_W / 4, rule_y)
        for k, toks in enumerate(note_lines):
            spread = COLUMN_W - natural_width(toks) if k + 1 < len(note_lines) else 0.0
            self.draw_tokens(toks, LEFT, ny, spread)
            ny -= NOTE_PITCH
        self.bottom = rule_y + PITCH * 0.9

    def body(self) -> None:
        indent = 2 * BODY
        for para in (p.strip() for p in self.record["text"].split("\n")):
            if not para:
                continue
            lines = wrap_cjk(para, BODY, COLUMN_W - indent, COLUMN_W)
            for k, toks in enumerate(lines):
                self.need(0)
                x = LEFT + (indent if k == 0 else 0.0)
                last = k + 1 == len(lines)
                self.draw_tokens(toks, x, self.y, 0.0 if last else (RIGHT - x) - natural_width(toks))
                self.y -= PITCH

    def end_matter(self, abstract: bool) -> None:
        self.need(0)
        self.draw_mixed(EDITOR_LINE, 9.0, self.y, align="right")
        self.y -= PITCH
        data = self.record.get("abstract") if abstract else None
        if not data:
            return
        english_title = wrap_latin(data["title"], LATIN_BOLD, 12.0, COLUMN_W * 0.9)
        abstract_lines = wrap_latin(data["text"], LATIN_FONT, 9.0, COLUMN_W)
        self.y -= PITCH
        self.need(18 * len(english_title) + 40 + NOTE_PITCH * 2)
        self.c.setFont(LATIN_BOLD, 12.0)
        for line in english_title:
            self.c.drawCentredString(PAGE_W / 2, self.y, line)
            self.y -= 18
        if data.get("author"):
            self.c.setFont(LATIN_FONT, BODY)
            self.c.drawCentredString(PAGE_W / 2, self.y, data["author"])
            self.y -= 24
        for k, line in enumerate(abstract_lines):
            self.need(0)
            text = self.c.beginText(LEFT, self.y)
            text.setFont(LATIN_FONT, 9.0)
            words = line.count(" ")
            if k + 1 < len(abstract_lines) and words:  # justified by word spacing, as the journal does
                text.setWordSpace((COLUMN_W - pdfmetrics.stringWidth(line, LATIN_FONT, 9.0)) / words)
            text.textLine(line)
            self.c.drawText(text)
            self.y -= NOTE_PITCH

    def save(self) -> None:
        self.c.showPage()
        self.c.save()


def typeset_journal(record: dict[str, Any], path: Path, *, abstract: bool = True) -> None:
    """Write `record` (a corpus record) to `path` as the journal would print it."""
    ts = _Typesetter(Path(path), record)
    ts.first_page()
    ts.body()
    ts.end_matter(abstract)
    ts.save()
