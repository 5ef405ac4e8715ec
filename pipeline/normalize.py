"""From text as it comes out of a journal PDF (or already clean) to a clean speech body.

The PDF layer is undone in one pass over lines: page numbers and running headers are
dropped, footnotes and the editor line are set aside, hard-wrapped lines are rejoined into
paragraphs, spaces a PDF puts around Latin digits and between CJK characters are removed,
and the English title, author and abstract at the end are split off. Clean text (one
paragraph per line) passes through unchanged, so normalisation is idempotent.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from .frontmatter import FrontMatter, parse_lines, split_inline

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = "，。、；：？！“”‘’（）《》【】「」『』—…·"
_CJK_RE = re.compile(f"[{CJK}]")
_LATIN_RE = re.compile(r"[A-Za-z]")
PARA_END = tuple("。！？：；”’）」』…")
# Footnote markers in the body: [1], *, ①…⑳, and superscript-like (1) after a character.
_MARKER_RE = re.compile(r"\s*(?:\[\d{1,3}\]|［\d{1,3}］|[①-⑳]|\*+)")
_FOOTNOTE_START = re.compile(r"^\s*(\[\d{1,3}\]|［\d{1,3}］|[①-⑳]|\*+)\s*(?=\S)")
_MARKER_LINE = re.compile(r"^\s*(?:\[\d{1,3}\]|［\d{1,3}］|[①-⑳]|\*+)\s*$")
_PAGE_NUMBER = re.compile(r"^\s*[-—]?\s*\d{1,4}\s*[-—]?\s*$")
_JOURNAL_HEADER = re.compile(r"^\s*《[^》]{2,20}》\s*\d{4}\s*年\s*第\s*\d{1,2}\s*期\s*$")
_EDITOR = re.compile(r"^\s*[【\[]\s*责\s*任\s*编\s*辑\s*[：:](.*?)[】\]]\s*$")
_KEYWORDS = re.compile(r"^\s*(key\s*words?|keywords)\s*[:：]", re.I)
_ABSTRACT_LABEL = re.compile(r"^\s*abstract\s*[:：]\s*", re.I)
_AUTHOR_EN = re.compile(r"^\s*(?:by\s+)?[A-Z][A-Z'\-]+(?:\s+[A-Z][a-z'\-]+)+\s*\*?\s*$")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_HEADING_START = re.compile(
    r"^(第[一二三四五六七八九十]{1,3}[，,、]|[一二三四五六七八九十]{1,3}[、．.]|（[一二三四五六七八九十]{1,3}）"
    r"|[一二三四五六七八九十]{1,2}是|展望|最后，|女士们|各位|尊敬的)"
)


class InputError(ValueError):
    """Input that cannot be analysed; the message says what to do."""


@dataclass
class Abstract:
    title: str | None
    author: str | None
    text: str


@dataclass
class Speech:
    """A normalised speech: the clean body and what the layout carried around it."""

    text: str
    front: FrontMatter = field(default_factory=FrontMatter)
    title_block: str = ""  # the lines the front matter was read from, as they were
    footnotes: list[dict[str, str]] = field(default_factory=list)
    abstract: Abstract | None = None
    editor: str | None = None
    converted_from_traditional: bool = False
    furniture: list[str] = field(default_factory=list)  # running headers, page numbers, markers, the editor line
    coverage: dict[str, int] = field(default_factory=dict)  # Chinese characters of the input, by where they went
    notes: list[str] = field(default_factory=list)  # warnings for the user

    @property
    def title(self) -> str | None:
        return self.front.title

    @property
    def speaker(self) -> str | None:
        return self.front.speaker


# --------------------------------------------------------------------------- decoding

def decode(data: bytes, source: str = "<input>") -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 (with BOM) or GB18030/GBK."""
    if not data.strip():
        raise InputError(f"{source}: the file is empty; give a file with the speech's text")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16")
    elif data[:3] == b"\xef\xbb\xbf":
        text = data[3:].decode("utf-8", errors="strict")
    elif _looks_utf16_without_bom(data):
        text = data.decode("utf-16-le" if data[1::2].count(0) > data[0::2].count(0) else "utf-16-be")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _best_legacy_decoding(data)
            if text is None:
                raise InputError(
                    f"{source}: not text in UTF-8, UTF-16 or GB18030; is it a binary file? "
                    "dipnlp reads text, PDF, web page (.html) and Word (.docx) files"
                ) from None
    if _is_binary(text):
        raise InputError(
            f"{source}: looks like a binary file, not text; dipnlp reads text, PDF, web page (.html) "
            "and Word (.docx) files: convert it to one of these (an old .doc: save it as .docx)"
        )
    return text


def _looks_utf16_without_bom(data: bytes) -> bool:
    """Mostly Latin UTF-16: every other byte is zero (valid UTF-8 too, as NULs, so tested first)."""
    sample = data[:4000]
    return len(sample) >= 4 and sample.count(0) > len(sample) // 4


# The commonest characters of Chinese prose: about one in eight of a speech's characters, and
# almost none of a wrong decoding's (GBK bytes read as UTF-16 still land among the ideographs).
_COMMON = frozenset("的是在和了有不我们国中为这发展合作人大一以")


def _best_legacy_decoding(data: bytes) -> str | None:
    """Not UTF-8: GB18030/GBK or UTF-16 without a BOM, whichever reads as Chinese prose.

    Chinese UTF-16 has no zero bytes to give it away (中 is 4E 2D), and GB18030 decodes most byte
    strings into something, so the candidates are compared by the share of common characters.
    """
    candidates = ["gb18030"] + (["utf-16-le", "utf-16-be"] if len(data) % 2 == 0 else [])
    decoded = {}
    for codec in candidates:
        try:
            decoded[codec] = data.decode(codec)
        except UnicodeDecodeError:
            continue
    if not decoded:
        return None

    def share(text: str) -> float:
        sample = text[:20000]
        return sum(ch in _COMMON for ch in sample) / max(1, len(sample))

    return max(decoded.values(), key=share)


def _is_binary(text: str) -> bool:
    sample = text[:20000]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    return "\x00" in sample or controls > max(8, len(sample) // 100)


# --------------------------------------------------------------------------- characters

def to_simplified(text: str) -> tuple[str, bool]:
    """Convert traditional characters to simplified when the text is mostly traditional."""
    from opencc import OpenCC

    sample = "".join(_CJK_RE.findall(text[:20000]))
    if not sample:
        return text, False
    simplified = OpenCC("t2s").convert(sample)
    changed = sum(a != b for a, b in zip(sample, simplified))
    if changed / len(sample) < 0.02:
        return text, False
    return OpenCC("t2s").convert(text), True


def tidy_characters(text: str) -> str:
    """Line endings, invisible characters, odd spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = text.translate(_ZERO_WIDTH)
    text = text.replace("\u3000", "  ").replace("\u00a0", " ").replace("\t", " ")
    return text


def squeeze_spaces(line: str) -> str:
    """Drop the spaces a PDF puts between CJK and Latin digits or between CJK characters."""
    line = line.strip()
    near_cjk = f"[{CJK}{re.escape(CJK_PUNCT)}]"
    line = re.sub(f"(?<={near_cjk}) +", "", line)
    line = re.sub(f" +(?={near_cjk})", "", line)
    line = re.sub(r"(?<=[0-9.%]) +(?=%)", "", line)
    line = re.sub(r"(?<=[-–/+]) +(?=[0-9A-Za-z])|(?<=[0-9A-Za-z]) +(?=[-–/+])", "", line)
    return re.sub(r" {2,}", " ", line)


# --------------------------------------------------------------------------- lines

def cjk_ratio(line: str) -> float:
    letters = len(_CJK_RE.findall(line)) + len(_LATIN_RE.findall(line))
    return len(_CJK_RE.findall(line)) / letters if letters else 0.0


def _display_len(line: str) -> int:
    """Characters a line takes on the page; a run of Latin or digits counts about half."""
    return len(_CJK_RE.findall(line)) + sum(1 for ch in line if ch in CJK_PUNCT) + (
        len(re.findall(r"[A-Za-z0-9]", line)) + 1
    ) // 2


def _is_page_furniture(line: str, repeated: set[str], running: set[str]) -> bool:
    """Page numbers, the journal's running header, lines repeated on pages, the article's running title."""
    s = line.strip()
    if _PAGE_NUMBER.match(s) or _JOURNAL_HEADER.match(s):
        return True
    compact = s.replace(" ", "")
    return compact in repeated or any(compact == x or compact.endswith(f"：{x}") for x in running)


def _repeated_short_lines(lines: list[str]) -> set[str]:
    """Short lines without final punctuation seen at least twice: running headers."""
    counts = Counter(
        ln.replace(" ", "") for ln in lines if 0 < len(ln.strip()) <= 50 and not ln.strip().endswith(PARA_END)
    )
    return {ln for ln, c in counts.items() if c >= 2 and not _HEADING_START.match(ln)}


def _is_clean_layout(lines: list[str]) -> bool:
    """One paragraph per line: most lines end a sentence or are long."""
    body = [ln.strip() for ln in lines if ln.strip()]
    if not body:
        return True
    ended = sum(1 for ln in body if ln.endswith(PARA_END) or len(ln) > 60 or _HEADING_START.match(ln))
    return ended / len(body) >= 0.8


# --------------------------------------------------------------------------- the English end matter

def _is_tail_furniture(row: str) -> bool:
    return bool(_PAGE_NUMBER.match(row) or _JOURNAL_HEADER.match(row) or _EDITOR.match(row))


def split_english_tail(lines: list[str]) -> tuple[list[str], list[str]]:
    """Split off the trailing block of lines written mostly in Latin script."""
    idx = len(lines)
    for i in range(len(lines) - 1, -1, -1):
        s = lines[i].strip()
        if not s or _PAGE_NUMBER.match(s) or _JOURNAL_HEADER.match(s) or _EDITOR.match(s):
            continue
        if cjk_ratio(s) <= 0.2 and _LATIN_RE.search(s):
            idx = i
            continue
        break
    tail = lines[idx:]
    if not any(_LATIN_RE.search(ln) and len(ln.strip()) > 20 for ln in tail):
        return lines, []
    return lines[:idx], tail


def parse_english(tail: list[str], set_aside: list[str] | None = None) -> Abstract | None:
    """Title, author and abstract from the English end matter; its page furniture (an abstract
    that crosses a page has a header and a page number inside) and keywords go to `set_aside`."""
    rows = [ln.strip() for ln in tail if ln.strip() and not _is_tail_furniture(ln.strip())]
    if set_aside is not None:
        set_aside.extend(ln.strip() for ln in tail if ln.strip() and _is_tail_furniture(ln.strip()))
    if not rows:
        return None
    title_rows: list[str] = []
    author = None
    body_rows: list[str] = []
    state = "title"
    for k, row in enumerate(rows):
        if _KEYWORDS.match(row):
            if set_aside is not None:
                set_aside.extend(rows[k:])
            break
        if _ABSTRACT_LABEL.match(row):
            state = "abstract"
            row = _ABSTRACT_LABEL.sub("", row)
            if row:
                body_rows.append(row)
            continue
        if state == "title" and _AUTHOR_EN.match(row) and title_rows:
            author = row.strip(" *")
            state = "after_author"
            continue
        if state == "title":
            title_rows.append(row)
        else:
            body_rows.append(row)
    if not body_rows and title_rows and author is None:
        # No labels at all: the block is the abstract itself.
        body_rows, title_rows = title_rows, []
    return Abstract(
        title=join_latin(title_rows) or None,
        author=author,
        text=join_latin(body_rows),
    )


def join_latin(rows: list[str]) -> str:
    out = ""
    for row in rows:
        row = row.strip()
        if not out:
            out = row
        elif out.endswith("-") and row[:1].islower():
            out += row
        else:
            out += " " + row
    return re.sub(r"\s+", " ", out).strip()


# --------------------------------------------------------------------------- text with no line breaks

_OPENING = (r"第[一二三四五六七八九十]{1,3}[，、]|[一二三四五六七八九十]{1,3}、|（[一二三四五六七八九十]{1,3}）|"
            r"[一二三四五六七八九十]{1,2}是|尊敬的|女士们|各位|朋友们|同志们|主席先生|谢谢|展望|最后，|"
            r"[^，。！？：“”\s]{2,24}记者[：:]|[^，。！？：“”\s]{0,8}发言人[：:]")
_SENTENCE_END = re.compile(r"[。！？!?][”’」』）)]*|[：:](?=\s*(?:第一[，、]|一、|（一）|一是))")
_SALUTATION = re.compile(r"^(尊敬的|女士们|先生们|各位|朋友们|同志们|亲爱的|主席先生)[^。！？]{0,120}?[：:]")
# A reporter's question runs to its last question mark; the answer follows without a name.
_QUESTION_TURN = re.compile(r"^[^，。！？：“”\s]{2,24}记者[：:].*?[？?][”’）)]*(?=[^？?]*$|[^？?]*[。！][^？?]*$)")
# Longer than any paragraph of the corpus (483 characters): a line this long holds several.
UNBROKEN_LINE = 600


def recover_paragraphs(text: str, speaker: str | None = None) -> list[str]:
    """Paragraphs of a text that lost its line breaks (a speech per line of a collection).

    A new paragraph starts after a sentence where the next words open one the way speeches
    do: a salutation, 第一，/一、/（一）/一是, a reporter's question (…记者：), the speaker's or
    spokesperson's answer (王毅：, 发言人：), 展望…, 最后，…, 谢谢…; a salutation ends at its colon.
    """
    opening = re.compile(_OPENING + (f"|{re.escape(speaker)}[：:]" if speaker else ""))
    cuts = [0]
    for m in _SENTENCE_END.finditer(text):
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos < len(text) and opening.match(text, pos) and pos > cuts[-1]:
            cuts.append(pos)
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:] + [len(text)]):
        para = text[a:b].strip()
        m = _SALUTATION.match(para) or _QUESTION_TURN.match(para)
        if m and m.end() < len(para):
            out += [para[: m.end()], para[m.end() :].strip()]
        elif para:
            out.append(para)
    return out


# --------------------------------------------------------------------------- the whole pass

def count_cjk(text: str | None) -> int:
    return len(_CJK_RE.findall(text or ""))


def normalize(raw: str, source: str = "<input>", simplify: bool = True) -> Speech:
    """Clean raw speech text; raise `InputError` when there is no Chinese speech in it.

    Every Chinese character of the input is accounted for in `Speech.coverage` (body, title
    block, footnotes, abstract, page furniture, dropped), and `Speech.notes` warns when the
    split looks wrong: a footnote that swallowed the speech reads as footnotes larger than a
    tenth of the body.
    """
    text = tidy_characters(unicodedata.normalize("NFC", raw))
    converted = False
    if simplify:
        text, converted = to_simplified(text)
    if not _CJK_RE.search(text):
        raise InputError(f"{source}: contains no Chinese text; dipnlp analyses Chinese speeches")
    lines = text.split("\n")
    lines, english = split_english_tail(lines)
    furniture: list[str] = []
    abstract = parse_english(english, furniture) if english else None
    tail_furniture = sum(count_cjk(x) for x in furniture)

    editor = None
    kept: list[str] = []
    for ln in lines:
        m = _EDITOR.match(ln)
        if m:
            editor = re.sub(r"\s+", "", m.group(1)) or None
            furniture.append(ln.strip())
            continue
        kept.append(ln)
    lines = kept

    front, start = parse_lines(lines, strip_marker=_strip_markers)
    front_text = "\n".join(lines[:start])
    lines = lines[start:]
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is not None and len(lines[first]) > UNBROKEN_LINE and start == 0:
        inline, pos = split_inline(lines[first].strip())
        if pos:
            front, front_text = inline, lines[first].strip()[:pos]
            lines[first] = lines[first].strip()[pos:]
    footnotes: list[dict[str, str]] = []
    if _is_clean_layout(lines):
        paragraphs = [squeeze_spaces(ln) for ln in lines if ln.strip()]
    else:
        paragraphs, footnotes = _undo_pdf_layout(lines, front, furniture)
    if len(paragraphs) <= 3 or any(len(p) > 2000 for p in paragraphs):
        # A text that lost its line breaks (a clean text's long paragraph keeps its inline 第二，…).
        paragraphs = [q for p in paragraphs for q in (
            recover_paragraphs(p, front.speaker) if len(p) > UNBROKEN_LINE else [p])]
    paragraphs = [p for p in (_strip_markers(p) for p in paragraphs) if p]
    if not any(_CJK_RE.search(p) for p in paragraphs):
        raise InputError(f"{source}: no speech body left once headers, footnotes and the abstract are set aside; "
                         "give the text of the speech itself")
    speech = Speech(
        text="\n".join(paragraphs),
        front=front,
        title_block=front_text,
        footnotes=footnotes,
        abstract=abstract if abstract and abstract.text else None,
        editor=editor,
        converted_from_traditional=converted,
        furniture=furniture,
    )
    speech.coverage = {
        "input": count_cjk(text),
        "body": count_cjk(speech.text),
        "title_block": count_cjk(speech.title_block),
        "footnotes": sum(count_cjk(f["text"]) for f in footnotes),
        "abstract": count_cjk("\n".join(english)) - tail_furniture,
        "furniture": sum(count_cjk(x) for x in furniture),
    }
    speech.coverage["dropped"] = speech.coverage["input"] - sum(
        v for k, v in speech.coverage.items() if k != "input")
    speech.notes = coverage_notes(speech.coverage)
    return speech


def coverage_notes(coverage: dict[str, int]) -> list[str]:
    """Warnings for a split that looks wrong: nothing is set aside without a word."""
    notes = []
    body, total = coverage["body"], coverage["input"]
    if coverage["footnotes"] > body / 10:
        notes.append(f"footnotes hold {coverage['footnotes']} Chinese characters, more than a tenth of the body's "
                     f"{body}: a footnote may have taken in part of the speech; check the record's footnotes")
    if body < total / 2:
        notes.append(f"the body holds only {body} of the input's {total} Chinese characters; check what went to "
                     "the footnotes, the title block and the page furniture")
    if coverage["dropped"] > 0:
        notes.append(f"{coverage['dropped']} Chinese characters of the input were dropped")
    return notes


def _strip_markers(paragraph: str) -> str:
    """Remove footnote markers that follow a character (never a leading list marker)."""
    return re.sub(r"(?<=\S)" + _MARKER_RE.pattern, "", paragraph).strip()


def _full_width(lines: list[str]) -> int:
    """The width of a full line of the body: the median of lines that do not end a sentence."""
    widths = sorted(_display_len(s) for s in lines if not s.endswith(PARA_END)) or sorted(map(_display_len, lines))
    return widths[len(widths) // 2] if widths else 0


def _undo_pdf_layout(
    lines: list[str], front: FrontMatter, furniture: list[str]
) -> tuple[list[str], list[dict[str, str]]]:
    """Page furniture out, footnotes aside, hard-wrapped lines joined into paragraphs.

    A footnote runs from its marker while each of its lines is full (small type holds more
    characters than a body line) and has not ended a sentence: the seed's three-line note in the
    middle of a paragraph ends there, and the paragraph it interrupted joins up again.
    """
    stripped = [ln.strip() for ln in lines if ln.strip()]
    repeated = _repeated_short_lines(lines)
    full = _full_width(stripped)
    running = {front.title} if front.title else set()  # odd pages: the title, or `author：title`
    body: list[tuple[str, bool, bool]] = []  # (line, blank line before it, indented)
    footnotes: list[dict[str, str]] = []
    note_open = False
    note_width = 0
    blank_before = False
    for ln in lines:
        s = ln.strip()
        if not s:
            blank_before = True
            continue
        if _is_page_furniture(s, repeated, running) or _MARKER_LINE.match(s):
            furniture.append(s)
            note_open = False
            blank_before = False
            continue
        m = _FOOTNOTE_START.match(s)
        if m and (s[m.end() : m.end() + 1] not in CJK_PUNCT) and _note_like(s, m):
            footnotes.append({"marker": m.group(1), "text": squeeze_spaces(s[m.end() :])})
            note_width = _display_len(s)
            note_open = note_width >= full - 1 and not s.endswith(("。", "！", "？"))
            continue
        if note_open:
            footnotes[-1]["text"] += squeeze_spaces(s)
            width = _display_len(s)
            note_width = max(note_width, width)
            note_open = width >= min(note_width, full) - 1 and not s.endswith(("。", "！", "？"))
            continue
        body.append((s, blank_before, ln.startswith("  ")))
        blank_before = False
    return _join_paragraphs(body, full), footnotes


def _note_like(line: str, m: re.Match) -> bool:
    """A marker at the start of a line opens a footnote when a space or a source cue follows."""
    rest = line[m.end() :]
    return line[m.end() - 1 : m.end()].isspace() or bool(
        re.match(r"(本文|参见|见|作者|资料来源|数据来源|引自|据|This)", rest)
    ) or m.group(1).startswith("*")


def _join_paragraphs(body: list[tuple[str, bool, bool]], full: int) -> list[str]:
    """Rejoin hard-wrapped lines into paragraphs.

    The first signal a layout offers wins: first-line indents, else blank lines (when none
    falls inside a sentence), else line widths: a line that ends a sentence well short of a
    full line ends its paragraph, and so does a sentence end before a heading (第一，…) or
    before a line two characters short of full (an indent the extractor dropped).
    """
    if not body:
        return []
    n_indented = sum(1 for _, _, ind in body if ind)
    use_indent = 3 <= n_indented <= 0.8 * len(body)
    use_blanks = not use_indent and any(blank for _, blank, _ in body[1:]) and all(
        prev.endswith(PARA_END) for (prev, _, _), (_, blank, _) in zip(body, body[1:]) if blank
    )
    paragraphs: list[str] = []
    current = prev = ""
    for line, blank, indented in body:
        starts_new = False
        if current:
            if use_indent:
                starts_new = indented
            elif use_blanks:
                starts_new = blank
            else:
                width = _display_len(prev)
                # A first line whose indent the extractor dropped is two characters short of full.
                indented_width = full - 3 <= _display_len(line) <= full - 2 and not line.endswith(PARA_END)
                starts_new = (prev.endswith(PARA_END) and (width <= full - 3 or indented_width or bool(
                    _HEADING_START.match(squeeze_spaces(line))))) or width <= full * 0.6
        if starts_new:
            paragraphs.append(current)
            current = ""
        current = _join_line(current, line)
        prev = line
    if current:
        paragraphs.append(current)
    return [squeeze_spaces(p) for p in paragraphs]


def _join_line(current: str, line: str) -> str:
    if not current:
        return line
    if _LATIN_RE.search(current[-1:]) and _LATIN_RE.search(line[:1]):
        return current + " " + line
    return current + line
