"""Web pages made from corpus records, in the shapes the ministry and the news sites publish.

The markup is written here, not copied: it has what makes these pages hard to read, namely a
header and navigation bar, a breadcrumb, a title outside the article, a date and source line,
font-size buttons, share buttons, related links and a long footer, so that a reader which
kept any of it, or lost a short paragraph such as 谢谢。, would fail the round trip. The
title block (subtitle, date and place, byline) sits at the top of the article, as on the
ministry's pages, for `pipeline.normalize` to parse.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from . import has_byline, office, paragraphs

_CJK = re.compile(r"[\u4e00-\u9fff]")
# Cities a venue may name; the date-and-place line gives the city only.
_CITIES = ["北京", "上海", "西安", "青岛", "天津", "博鳌", "纽约", "日内瓦", "达沃斯", "雅加达", "撒马尔罕", "利雅得"]

NAV = ["首页", "外交部", "外交动态", "外交部发言人", "政策文件", "国家和组织", "领事服务", "资料"]
FOOTER_LINKS = ["中国政府网", "全国人民代表大会", "全国政协", "最高人民法院", "最高人民检察院", "国务院新闻办公室"]
RELATED = ["外交部发言人就有关问题答记者问", "中方介绍近期高层交往情况", "驻外使馆举办国庆招待会"]
# What a reader must never keep: navigation, footer and page furniture of the shapes below.
FURNITURE = ["中国政府网", "版权所有", "京ICP备", "分享到", "相关新闻", "首页", "【大 中 小】", "纠错", "责编",
             "打印本页", "关闭窗口", "来源"]


def place(record: dict[str, Any]) -> str:
    """The city of the date-and-place line: the one the venue names, else Beijing (video speeches too)."""
    venue = record["meta"].get("venue") or ""
    for city in _CITIES:
        if city in venue:
            return city
    return "北京"


def subtitle(record: dict[str, Any]) -> str | None:
    """`——在{venue}上的讲话` for a speech whose title does not say where it was given."""
    title = record["meta"]["title"]
    if record.get("genre") in ("press", "joint_statement") or re.search("在.+上的", title):
        return None
    venue = re.sub(r"（[^）]*）|，.*$", "", record["meta"].get("venue") or "")
    return f"——在{venue}上的讲话" if venue else None


def date_place(record: dict[str, Any]) -> str:
    """`（2024年9月5日，北京）`: the date without leading zeros, as the ministry prints it."""
    y, m, d = (int(x) for x in record["meta"]["date"].split("-"))
    return f"（{y}年{m}月{d}日，{place(record)}）"


def byline(record: dict[str, Any]) -> str | None:
    """`{office} {speaker}` for a bylined record with a known office."""
    who = office(record)
    if not has_byline(record) or who is None:
        return None
    return f"{who} {record['meta']['speaker']}"


def title_block(record: dict[str, Any]) -> list[str]:
    """The lines between the title and the body, in the order the pages print them."""
    return [x for x in (subtitle(record), date_place(record), byline(record)) if x]


def _ymd(record: dict[str, Any]) -> tuple[str, str, str]:
    y, m, d = record["meta"]["date"].split("-")
    return y, m, d


def _entities(text: str) -> str:
    """Escape as the ministry's older CMS does: curly quotes and dashes as named entities."""
    return (escape(text, quote=False).replace("“", "&ldquo;").replace("”", "&rdquo;")
            .replace("—", "&mdash;"))


def _wrap(text: str, width: int = 38) -> str:
    """Hard-wrap a paragraph in the HTML source, as some editors save it, every `width` characters
    where the break falls between two Chinese characters (where a browser shows no space)."""
    out, line = [], ""
    for i, ch in enumerate(text):
        line += ch
        nxt = text[i + 1 : i + 2]
        if len(line) >= width and _CJK.match(ch) and nxt and _CJK.match(nxt):
            out.append(line)
            line = ""
    return "\n".join([*out, line] if line else out)


def _body_paragraphs(record: dict[str, Any]) -> list[str]:
    """The record's paragraphs; a press conference's questions in bold, as the ministry sets them."""
    out = []
    for p in paragraphs(record):
        if record.get("genre") == "press" and re.match(r"^[^：]{1,20}记者：", p):
            out.append(f"<strong>{_entities(p)}</strong>")
        else:
            out.append(_entities(p))
    return out


def ministry_page(record: dict[str, Any], charset: str = "utf-8") -> str:
    """The foreign ministry's article page: title in a div (no h1), the speech in `div#News_Body_Txt_A`."""
    title = record["meta"]["title"]
    y, m, d = _ymd(record)
    nav = "\n".join(f'      <li><a href="/web/{i}/">{x}</a></li>' for i, x in enumerate(NAV))
    block = "\n".join(f'<p style="text-align: center;">{_entities(x)}</p>' for x in title_block(record))
    body = "\n".join(f"<p>\u3000\u3000{x}</p>" for x in _body_paragraphs(record))
    related = "\n".join(f'      <li><a href="/web/zyxw/{i}.shtml">{x}</a></li>' for i, x in enumerate(RELATED))
    footer = " | ".join(f'<a href="http://www.example.gov.cn/{i}">{x}</a>' for i, x in enumerate(FOOTER_LINKS))
    if charset == "utf-8":
        head_charset = '<meta charset="utf-8">'
    else:
        head_charset = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{head_charset}
<title>{escape(title)}_中华人民共和国外交部</title>
<meta name="keywords" content="外交部,重要讲话">
<link rel="stylesheet" href="/css/main.css">
<script src="/js/jquery.js"></script>
</head>
<body>
<div class="header">
  <div class="logo"><a href="/"><img src="/images/logo.png" alt="中华人民共和国外交部"></a></div>
  <div class="search"><input type="text" name="q"><button>搜索</button></div>
  <div class="nav">
    <ul>
{nav}
    </ul>
  </div>
</div>
<div class="container">
  <div class="breadcrumb"><a href="/">首页</a> &gt; <a href="/web/wjb/">外交部</a> &gt;
    <a href="/web/zyjh/">重要讲话</a></div>
  <div class="news-main">
    <div class="news-title">{_entities(title)}</div>
    <div class="news-info">
      <span class="time">{y}/{m}/{d}</span>
      <span class="source">来源：外交部</span>
      <span class="fontsize">【<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】</span>
      <span class="tools"><a href="javascript:window.print()">打印本页</a>
        <a href="javascript:window.close()">关闭窗口</a></span>
    </div>
    <div id="News_Body_Txt_A" class="news-content">
{block}
{body}
<p>【<a href="javascript:window.print()">打印本页</a>】 【<a href="javascript:window.close()">关闭窗口</a>】</p>
    </div>
    <div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>
    <div class="related">
      <h3>相关新闻</h3>
      <ul>
{related}
      </ul>
    </div>
  </div>
</div>
<div class="footer">
  <div class="links">{footer}</div>
  <p>版权所有：中华人民共和国外交部 京ICP备05000000号</p>
  <p>地址：北京市朝阳区 邮编：100000 网站主办：外交部办公厅</p>
</div>
</body>
</html>
"""


def ministry_page_gb(record: dict[str, Any]) -> bytes:
    """The ministry page as its older pages are served: declared GB2312, bytes in GB18030."""
    return ministry_page(record, charset="gb2312").encode("gb18030")


def xinhua_page(record: dict[str, Any]) -> str:
    """Xinhua's article page: `<h1>`, a source-and-time line, `div#detail`, editor line, footer."""
    title = record["meta"]["title"]
    y, m, d = _ymd(record)
    nav = " ".join(f'<a href="/{x}/">{x}</a>' for x in ["首页", "时政", "国际", "财经", "评论", "视频"])
    block = "\n".join(f'<p style="text-align:center">{escape(x)}</p>' for x in title_block(record))
    body = "\n".join(f"<p>{_wrap(escape(p))}</p>" for p in paragraphs(record))
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>{escape(title)}-新华网</title>
<meta property="og:url" content="http://www.xinhuanet.com/politics/{y}-{m}/{d}/c_1130000000.htm">
<meta name="publishdate" content="{y}-{m}-{d}">
</head>
<body>
<div class="header-nav">{nav}</div>
<div class="domPC">
  <div class="head-line">
    <h1><span class="title">{escape(title)}</span></h1>
    <div class="header-cont">
      <div class="info">来源： 新华网 | {y}-{m}-{d} 12:01:30</div>
    </div>
  </div>
  <div class="main">
    <div id="detail">
{block}
{body}
<div class="editor">【<a href="#">纠错</a>】 【责任编辑：王小明】</div>
    </div>
    <div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
  </div>
</div>
<div class="foot">
  <p><a href="/about/">关于我们</a> | <a href="/contact/">联系我们</a> | <a href="/ad/">广告服务</a></p>
  <p>Copyright &copy; 2000-{y} XINHUANET.com All Rights Reserved. 版权所有 新华网</p>
  <p>京ICP备00000000号</p>
</div>
</body>
</html>
"""


def peoples_daily_page(record: dict[str, Any]) -> str:
    """People's Daily Online's article page: `<h1>`, date-and-source div, `div.rm_txt_con`, editors."""
    title = record["meta"]["title"]
    y, m, d = _ymd(record)
    nav = " ".join(f'<a href="/{x}/">{x}</a>' for x in ["首页", "时政", "国际", "观点", "地方", "图片"])
    block = "\n".join(f'<p style="text-align: center;">{escape(x)}</p>' for x in title_block(record))
    body = "\n".join(f'<p style="text-indent: 2em;">{escape(p)}</p>' for p in paragraphs(record))
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>{escape(title)}--时政--人民网</title>
<link rel="canonical" href="http://politics.people.com.cn/n1/{y}/{m}{d}/c1024-40000000.html">
</head>
<body>
<div class="topbar"><a href="/">人民网</a> {nav}</div>
<div class="main">
  <div class="col col-1 fl">
    <div class="path">人民网 &gt;&gt; 时政</div>
    <h1>{escape(title)}</h1>
    <div class="col-1-1 fl">{y}年{m}月{d}日 12:01 | 来源：<a href="#">人民网－人民日报</a></div>
    <div class="rm_txt_con cf">
{block}
{body}
      <div class="edit cf">(责编：李明、张华)</div>
    </div>
    <div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
  </div>
</div>
<div class="footer">
  <p>人民日报社概况 | 关于人民网 | 报社招聘 | 招聘英才 | 广告服务 | 合作加盟 | 供稿服务 | 数据服务 | 网站声明</p>
  <p>人 民 网 版权所有，未经书面授权禁止使用</p>
  <p>Copyright &copy; 1997-{y} by www.people.com.cn. all rights reserved</p>
</div>
</body>
</html>
"""


# Every shape by name, for parametrised tests.
def xinhua_full_text_page(record: dict[str, Any]) -> str:
    """Xinhua's full-text page of a speech: the headline `{speaker}在{venue}上的讲话（全文）`, then in
    the article a dateline intro that quotes the title and ends `讲话全文如下：`, then the speech's
    own title, its block and the body."""
    meta = record["meta"]
    y, m, d = (int(x) for x in meta["date"].split("-"))
    venue = re.sub(r"（[^）]*）|，.*$", "", meta.get("venue") or "")
    headline = f"{meta['speaker']}在{venue}上的讲话（全文）"
    intro = (f"新华社{place(record)}{m}月{d}日电 {meta['speaker']}{m}月{d}日在{venue}发表题为"
             f"《{meta['title']}》的讲话。讲话全文如下：")
    article = [intro, meta["title"], *title_block(record), *paragraphs(record)]
    body = "\n".join(f"<p>{escape(p)}</p>" for p in article)
    return f"""<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>{escape(headline)}-新华网</title></head>
<body>
<div class="header-nav"><a href="/">首页</a> <a href="/politics/">时政</a></div>
<h1>{escape(headline)}</h1>
<div class="info">来源： 新华网 | {y}-{m:02d}-{d:02d} 12:01:30</div>
<div id="detail">
{body}
</div>
<div class="foot"><p>Copyright &copy; 2000-{y} XINHUANET.com All Rights Reserved. 版权所有 新华网</p></div>
</body>
</html>
"""


SHAPES = {"ministry": ministry_page, "xinhua": xinhua_page, "peoples_daily": peoples_daily_page}
