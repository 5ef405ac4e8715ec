"""Web pages: the speech as the ministry's or a news site's article page carries it.

People save the page they read the speech on (File → Save Page As), so a page brings its
header, navigation bar, breadcrumb, date and source line, share buttons, related links and
footer along with the speech. The page's own title, date and site are read first; then its
chrome (navigation, header, footer, share and related blocks by tag, class or id) and the
small blocks that are furniture as a whole (a `【大 中 小】` row, `（责编：…）`, the date and
source line) are dropped; trafilatura finds the article in what is left, and any furniture
line still in it is set aside by the same patterns. What was set aside goes to
`Extracted.furniture`. The page's title sits outside the article on every site we know, so
it is put back as the first line, for `pipeline.normalize` to read the front matter from the
same top lines as in a text file: title, subtitle, date and place, byline.

A source line break next to a Chinese character is no break for the reader (CSS Text 3
removes it between wide characters), so it is removed before extraction; otherwise a page
saved from an editor that wraps its source would come out with spaces inside words.
"""

from __future__ import annotations

import codecs
import datetime
import logging
import re
from typing import Any
from urllib.parse import urlsplit

import lxml.etree
import lxml.html

from ..normalize import CJK, CJK_PUNCT, InputError, decode
from . import Extracted

log = logging.getLogger("dipnlp")

_CJK_RE = re.compile(f"[{CJK}]")
_WIDE = f"{CJK}{re.escape(CJK_PUNCT)}\u3000"
# Whitespace holding a line break next to a wide character: a source wrap, not a space.
_SEGMENT_BREAK = re.compile(f"(?<=[{_WIDE}])[ \\t\\r\\f]*\\n\\s*|[ \\t\\r\\f]*\\n\\s*(?=[{_WIDE}])")

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# The legacy Chinese code pages are all subsets of GB18030; decoding as GB18030 reads the
# characters GBK pages use although they declare GB2312 (a page declaring gb2312 routinely
# holds 镕 or 喆, which GB2312 lacks).
_GB_FAMILY = {"gb2312", "gb_2312", "gb_2312-80", "gbk", "x-gbk", "cp936", "ms936", "windows-936", "euc-cn",
              "csgb2312", "iso-ir-58", "chinese", "gb18030"}

# Known sites: (domain, names the page itself uses for it).
_SITES: list[tuple[str, tuple[str, ...]]] = [
    ("fmprc.gov.cn", ("中华人民共和国外交部", "外交部")),
    ("mfa.gov.cn", ()),
    ("xinhuanet.com", ("新华网", "新华社")),
    ("news.cn", ()),
    ("people.com.cn", ("人民网", "人民日报")),
    ("gov.cn", ("中国政府网",)),
    ("chinadaily.com.cn", ("中国日报网",)),
    ("cctv.com", ("央视网",)),
    ("qstheory.cn", ("求是网",)),
    ("chinanews.com.cn", ("中国新闻网",)),
]
_SITE_NAMES = sorted({n for _, names in _SITES for n in names} | {"中华人民共和国中央人民政府"}, key=len, reverse=True)
# Channel names sites put between the title and their own name: `…--时政--人民网`.
_CHANNELS = {"时政", "国际", "要闻", "新闻", "高层", "滚动", "滚动新闻", "重要讲话", "讲话", "外交", "政治", "领导人",
             "外交动态", "部领导活动", "新闻中心", "正文", "全文"}
# The last separator of a head title and what follows it; the dash family counts (…-新华网),
# so the tail must hold no separator itself and is cut only when it names a site.
_TITLE_SEPARATOR = re.compile(
    r"^(?P<head>.*[^\s_|｜\-－—])\s*(?:_|\||｜|-{1,2}|－{1,2}|—{1,2})\s*(?P<tail>[^_|｜\-－—]{1,30})$"
)

# A date as sites print it: 2019-02-16, 2019/02/16, 2019.02.16, 2019年02月16日.
_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)\s*日?")
_TIME = re.compile(r"\d{1,2}:\d{2}")
_DATE_CUE = re.compile(r"发布时间|发布日期|发表时间|日期|时间|来源|来 源|\d{1,2}:\d{2}")
_META_DATE_NAMES = ("publishdate", "pubdate", "publish_date", "publication_date", "article:published_time",
                    "og:release_date", "dc.date", "dc.date.issued", "date")
_DATE_PLACE = re.compile(r"^[（(]\s*((?:19|20)\d\d)年(\d{1,2})月(\d{1,2})日")

# Page furniture trafilatura may leave in the article: only short lines are tested.
_FURNITURE = [
    re.compile(r"^[【\[]?\s*(?:字号[:：]?\s*)?大\s*中\s*小\s*[】\]]?$"),
    re.compile(r"^[【\[]?\s*(?:打印本页|打印|关闭窗口|关闭|收藏|返回顶部)\s*[】\]]?(?:\s*[【\[]?\s*"
               r"(?:打印本页|打印|关闭窗口|关闭|收藏|返回顶部)\s*[】\]]?)*$"),
    re.compile(r"分享到|分享至|扫一扫|微信扫一扫"),
    re.compile(r"^相关(?:新闻|阅读|链接|报道|稿件)"),
    re.compile(r"纠错|责任编辑|责编|^[（(【\[]?\s*编辑\s*[:：]"),
    re.compile(r"版权所有|Copyright|All Rights Reserved|ICP备|ICP证|公网安备", re.I),
    re.compile(r"^(?:首页|当前位置[:：]?|您的位置[:：]?)\s*(?:>|＞|›|»|&gt;)"),
    re.compile(r"^(?:来源|来 源|稿源)\s*[:：]"),
    re.compile(r"^(?:发布时间|发布日期|时间|日期)\s*[:：]"),
    # A date line: numeric (2019/02/16) with an optional time and source; written out
    # (2019年02月16日) only with a time or a source, since a letter's closing date is text.
    re.compile(r"^(?:19|20)\d\d\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}\s*(?:\d{1,2}:\d{2}(?::\d{2})?)?"
               r"\s*(?:[|｜丨]?\s*(?:来源|来 源)\s*[:：].*)?$"),
    re.compile(r"^(?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:\d{1,2}:\d{2}(?::\d{2})?\s*"
               r"(?:[|｜丨]?\s*(?:来源|来 源)\s*[:：].*)?|[|｜丨]?\s*(?:来源|来 源)\s*[:：].*)$"),
]
# Class and id words of page chrome, as whole words (`foot` but not `footnote`).
_CHROME = re.compile(r"(?:^|[\s_-])(?:nav|navbar|menu|breadcrumbs?|crumbs?|path|footer|foot|header|topbar|share|"
                     r"related|toolbar|tools|copyright|fontsize)(?:$|[\s_-])")
_BLOCKS = {"div", "p", "span", "li", "td", "section", "center", "font", "h2", "h3", "h4", "h5", "h6"}
_EDITOR_NAME = re.compile(r"(?:责任编辑|责编)\s*[:：]\s*([^】\])）]+)")

_NO_TEXT = ("{source}: no speech text found in this web page; save the page with the speech itself "
            "(File → Save Page As) or copy its text into a .txt file")


def read_html(data: bytes, source: str) -> Extracted:
    """Read a saved web page: the article's paragraphs one per line, the title put first."""
    html, notes = _decode(data, source)
    tree = _parse(html, source)
    _join_segment_breaks(tree)
    # What the page says about itself is read before its chrome goes: the date line and the
    # subtitle may sit in a header block.
    page_title, title_element = _page_title(tree)
    subtitle = _subtitle_after(title_element)
    page_date = _page_date(tree)
    site = _site(tree)
    furniture = _strip_chrome(tree)

    doc = _trafilatura(tree, source)
    lines = _lines(doc.text if doc is not None and doc.text else "")
    if not any(_CJK_RE.search(ln) for ln in lines):
        log.info("%s: trafilatura found no Chinese main text; reading the page's <p> elements", source)
        lines = _paragraph_fallback(tree)
    kept: list[str] = []
    for ln in lines:
        (furniture if _is_furniture(ln) else kept).append(ln)
    editors = [m.group(1) for m in map(_EDITOR_NAME.search, furniture) if m]
    editor = re.sub(r"\s+", "", editors[0]) if editors else None
    if not any(_CJK_RE.search(ln) for ln in kept):
        raise InputError(_NO_TEXT.format(source=source))

    title = page_title or _clean_title(getattr(doc, "title", None) or "")
    kept = _title_first(kept, title, subtitle)
    meta: dict[str, str] = {}
    if title:
        meta["title"] = title
    date = page_date or _date_of(getattr(doc, "date", None) or "") or _date_place(kept[:6])
    if date:
        meta["date"] = date
    site = site or _site_of_urls([getattr(doc, "url", None) or "", getattr(doc, "hostname", None) or ""])
    if site:
        meta["site"] = site
    if editor:
        meta["editor"] = editor
    log.debug("%s: web page, %d lines kept, %d set aside as page furniture", source, len(kept), len(furniture))
    return Extracted(text="\n".join(kept), format="html", meta=meta, furniture=furniture, notes=notes)


# --------------------------------------------------------------------------- decoding and parsing

def _decode(data: bytes, source: str) -> tuple[str, list[str]]:
    """The page as text: BOM, else the declared charset, else UTF-8 (a few broken bytes
    allowed), else GB18030, else `normalize.decode`'s error.

    A page declaring a Chinese code page whose bytes are valid UTF-8 was re-saved by a tool
    that converted the bytes but not the declaration; UTF-8 is then the truth (valid UTF-8
    is practically never GBK text by chance).
    """
    if data[:3] == b"\xef\xbb\xbf":
        return data[3:].decode("utf-8", errors="replace"), []
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return decode(data, source), []
    head = data[:4096]
    m = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    declared = m.group(1).decode("ascii").lower() if m else None
    if declared:
        codec = "gb18030" if declared in _GB_FAMILY else declared
        try:
            codecs.lookup(codec)
        except LookupError:
            log.debug("%s: unknown charset %r declared; guessing", source, declared)
        else:
            if codec == "gb18030" and not data.isascii():
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError:
                    pass
                else:
                    return text, [f"the page declares {declared} but is UTF-8; read as UTF-8"]
            try:
                return data.decode(codec), []
            except UnicodeDecodeError:
                log.debug("%s: not valid %s as declared; guessing", source, declared)
    # UTF-8 with a few broken bytes (a page cut and pasted together) is still UTF-8: a GBK
    # page read as UTF-8 breaks on nearly every character, so a handful of errors tells them apart.
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("utf-8", errors="replace")
            bad = text.count("\ufffd")
            if bad <= max(3, len(text) // 2000):
                return text, [f"{bad} byte sequence(s) in the page are not UTF-8; shown as \ufffd"]
    return decode(data, source), []


def _parse(html: str, source: str) -> lxml.html.HtmlElement:
    """An lxml tree; lxml refuses text carrying an XML encoding declaration, so that goes first."""
    html = _XML_DECLARATION.sub("", html, count=1)
    try:
        return lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        raise InputError(_NO_TEXT.format(source=source)) from None


def _join_segment_breaks(tree: lxml.html.HtmlElement) -> None:
    """Remove source line breaks next to Chinese characters in every text node (not in <pre>)."""
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "pre", "textarea"):
            if el.tail and "\n" in el.tail:
                el.tail = _SEGMENT_BREAK.sub("", el.tail)
            continue
        if el.text and "\n" in el.text:
            el.text = _SEGMENT_BREAK.sub("", el.text)
        if el.tail and "\n" in el.tail:
            el.tail = _SEGMENT_BREAK.sub("", el.tail)


# --------------------------------------------------------------------------- the main text

def _trafilatura(tree: lxml.html.HtmlElement, source: str) -> Any:
    """trafilatura's extraction with metadata, or None where it finds nothing.

    Balanced settings (neither favor_precision nor favor_recall): on the ministry's,
    Xinhua's and People's Daily's article shapes they keep every paragraph, the one-word
    ones (谢谢。) included; precision gives the same text, and recall also takes the
    ministry's title div, which is harmless but shows it reaches further into the page.
    Tables are left out (sites lay out footers with them) and so are comments.

    htmldate's extensive date search is off: on a Chinese page it falls through to dateparser,
    which loads every locale it has (2 to 8 seconds the first time) to read a date the page's
    own date line already gave (`_page_date`); the cheap meta-tag and address checks stay on.
    """
    import trafilatura

    date_params = {"original_date": True, "extensive_search": False,
                   "max_date": datetime.date.today().isoformat()}
    try:
        return trafilatura.bare_extraction(tree, include_comments=False, include_tables=False,
                                           include_images=False, include_links=False, with_metadata=True,
                                           deduplicate=False, date_extraction_params=date_params)
    except Exception as err:  # noqa: BLE001 - a failed heuristic must not stop the fallback
        log.warning("%s: trafilatura failed (%s); reading the page's <p> elements", source, err)
        return None


def _lines(text: str) -> list[str]:
    """One paragraph per line: runs of spaces squeezed, ideographic indents stripped."""
    out = []
    for ln in text.replace("\r", "\n").split("\n"):
        ln = re.sub(r"[ \t\u00a0]+", " ", ln).strip(" \u3000\t\u00a0")
        if ln:
            out.append(ln)
    return out


def _paragraph_fallback(tree: lxml.html.HtmlElement) -> list[str]:
    """The text of the page's <p> elements outside header, nav and footer: for pages too small
    for trafilatura's heuristics."""
    skip = re.compile(r"header|footer|nav|menu|breadcrumb|share|related", re.I)
    lines = []
    for p in tree.iter("p"):
        if any(skip.search(f"{a.tag} {a.get('class', '')} {a.get('id', '')}") for a in p.iterancestors()):
            continue
        lines.extend(_lines(p.text_content()))
    return lines


def _strip_chrome(tree: lxml.html.HtmlElement) -> list[str]:
    """Drop the page's navigation, header, footer, share and related-links blocks, and the
    small blocks that are furniture as a whole (`2019年02月16日 12:01 | 来源：<a>人民网</a>`).

    trafilatura leaves these out of a full article page by itself, but on a small page it
    falls back to taking the whole body, navigation bar included, and it splits a date line
    at its link, leaving the site's name as a line of its own. A block holding a long
    Chinese text is a wrapper around the article, whatever its class says, and stays.
    Returns the furniture blocks' texts, in page order (the chrome's are not worth keeping).
    """
    doomed: list[lxml.html.HtmlElement] = []
    seen: set[lxml.html.HtmlElement] = set()
    furniture = []
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in ("html", "body", "head", "title", "meta", "script", "style"):
            continue
        if el.getparent() in seen:
            seen.add(el)  # inside a block already dropped
            continue
        names = f"{el.get('class', '')} {el.get('id', '')}".lower()
        if el.tag in ("nav", "header", "footer", "aside") or _CHROME.search(names):
            if not any(len(t.strip()) >= 60 and _CJK_RE.search(t) for t in el.itertext()):
                doomed.append(el)
                seen.add(el)
        elif el.tag in _BLOCKS:
            text = re.sub(r"\s+", " ", el.text_content()).strip()
            if text and _is_furniture(text):
                doomed.append(el)
                seen.add(el)
                furniture.append(text)
    for el in doomed:
        el.drop_tree()
    return furniture


def _is_furniture(line: str) -> bool:
    """A short line matching what sites print around an article; a speech's paragraphs are longer."""
    return len(line) <= 80 and any(rx.search(line) for rx in _FURNITURE)


# --------------------------------------------------------------------------- title

def _clean_title(title: str) -> str:
    """The title without the site's suffix: `…_中华人民共和国外交部`, `… - 新华网`, `…--时政--人民网`."""
    title = re.sub(r"\s+", " ", title).strip()
    removed_site = False
    while True:
        m = _TITLE_SEPARATOR.match(title)
        if not m:
            break
        tail = m.group("tail").strip()
        if _is_site_name(tail):
            removed_site = True
        elif not (removed_site and tail in _CHANNELS):
            break
        title = m.group("head").strip()
    return title


def _is_site_name(text: str) -> bool:
    """A site's name as titles append it: exactly a known name, a short `…网`, or a domain."""
    text = text.strip()
    if text in _SITE_NAMES:
        return True
    if re.fullmatch(r"[A-Za-z0-9 .\-]+", text) and re.search(r"(?i)\.(?:com|cn|org|net)\b|xinhua|people", text):
        return True
    return len(text) <= 12 and text.endswith(("网", "网站", "频道"))


def _page_title(tree: lxml.html.HtmlElement) -> tuple[str, lxml.html.HtmlElement | None]:
    """The page's own title and the element showing it.

    The head's title (`og:title`, else `<title>`, the site's name cut off) is what the page
    calls itself; the element showing the same words (a `<h1>` or a title div) is returned
    with it, to find a subtitle set under it. Without a head title, the first visible one.
    """
    head = ""
    for xp in ('//meta[@property="og:title"]/@content', "//head/title//text()", "//title//text()"):
        found = re.sub(r"\s+", " ", "".join(tree.xpath(xp))).strip()
        if found and _CJK_RE.search(found):
            head = _clean_title(found)
            break
    visible = []
    for el in list(tree.iter("h1")) + tree.xpath(
        '//body//*[contains(translate(@class, "TITLE", "title"), "title") or '
        'contains(translate(@id, "TITLE", "title"), "title")]'
    ):
        if el.tag in ("title", "script", "style", "img", "input"):
            continue
        text = re.sub(r"\s+", " ", el.text_content()).strip()
        if _CJK_RE.search(text) and 2 <= len(text) <= 120 and not _is_site_name(text) and not _DATE.search(text):
            visible.append((_clean_title(text), el))
    compact = head.replace(" ", "")
    for text, el in visible:
        if text.replace(" ", "") == compact:
            return text, el
    if head:
        return head, None
    return visible[0] if visible else ("", None)


def _subtitle_after(element: lxml.html.HtmlElement | None) -> str | None:
    """A `——在…上的讲话` line set under the title outside the article, as some pages do."""
    if element is None:
        return None
    for sib in list(element.itersiblings())[:2]:
        text = re.sub(r"\s+", " ", sib.text_content()).strip()
        if text.startswith(("——", "—", "--")) and _CJK_RE.search(text) and len(text) <= 120:
            return text
    return None


def _title_first(lines: list[str], title: str, subtitle: str | None) -> list[str]:
    """Put the title first unless it already is; never twice.

    A title the article already shows near its top (on one line, or broken over two or three
    by `<br>`) is moved up, not repeated. A subtitle found under the title outside the article
    goes right after it when the article lacks it.
    """
    if not title:
        return lines
    compact = title.replace(" ", "")
    found = next(((i, k) for i in range(min(4, len(lines))) for k in (1, 2, 3)
                  if "".join(lines[i : i + k]).replace(" ", "") == compact), None)
    if found:
        i, k = found
        lines = lines[:i] + lines[i + k :]
    if subtitle and not any(ln.replace(" ", "") == subtitle.replace(" ", "") for ln in lines[:4]):
        lines = [subtitle, *lines]
    return [title, *lines]


# --------------------------------------------------------------------------- date and site

def _date_of(text: str) -> str | None:
    m = _DATE.search(text or "")
    if not m:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _page_date(tree: lxml.html.HtmlElement) -> str | None:
    """The date the page prints by its title (`2019/02/16`, `发布时间：2019-02-16`), else its meta tags.

    The visible line comes first: trafilatura's date search (htmldate) reads the year alone
    from an address like `/n1/2024/0905/` as 2024-01-01, and the line by the title is what
    the reader sees. A short text with a date counts when it has a cue (发布时间, 来源, a time
    of day) or nothing else; the date-and-place line `（2024年9月5日，北京）` has neither.
    """
    for el in tree.iter("time"):
        found = _date_of(el.get("datetime") or el.text_content())
        if found:
            return found
    for text in tree.xpath("//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::a)]"):
        text = re.sub(r"\s+", " ", text).strip()
        if not text or len(text) > 80 or not _DATE.search(text):
            continue
        rest = _DATE.sub("", text, count=1)
        if _DATE_CUE.search(text) or not re.sub(r"[\s|｜丨:：\-/]", "", rest):
            found = _date_of(text)
            if found:
                return found
    for name in _META_DATE_NAMES:
        for value in tree.xpath(f'//meta[@name="{name}" or @property="{name}" or @itemprop="{name}"]/@content'):
            found = _date_of(value)
            if found:
                return found
    return None


def _date_place(lines: list[str]) -> str | None:
    """The speech's own date from a `（2024年9月5日，北京）` line, when the page prints no other."""
    for ln in lines:
        m = _DATE_PLACE.match(ln)
        if m:
            return _date_of("-".join(m.groups()))
    return None


def _site(tree: lxml.html.HtmlElement) -> str | None:
    """The site a page came from: its canonical or og:url address, else the names it prints."""
    site = _site_of_urls(tree.xpath('//link[@rel="canonical"]/@href | //meta[@property="og:url"]/@content'))
    if site:
        return site
    # No address: the site's name in what the head's title adds to the page's title, else in
    # the copyright line (a title like 外交部长王毅… names the ministry without being its site).
    raw = re.sub(r"\s+", " ", "".join(tree.xpath("//title//text()"))).strip()
    texts = [raw.replace(_clean_title(raw), "", 1)]
    texts += [t for t in tree.xpath("//body//text()") if "版权所有" in t or "主办" in t]
    for text in texts:
        for domain, names in _SITES:
            if any(name in text for name in names):
                return domain
    return None


def _site_of_urls(urls: list[str]) -> str | None:
    """The known domain an address belongs to (www.mfa.gov.cn → mfa.gov.cn), else its host."""
    for url in urls:
        host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").lower()
        if not host:
            continue
        for domain, _ in _SITES:
            if host == domain or host.endswith("." + domain):
                return domain
        return host.removeprefix("www.")
    return None
