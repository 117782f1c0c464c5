"""Document metadata: title, publication date, company and source, extracted from one document.

Every function takes what ``clean.prepare`` gives (front matter, headings, simplified text with the
boilerplate still in it) but also copes with raw text: HTML tags, a YAML front matter block, PDF
spacing, fullwidth characters and traditional script are tolerated.

Publication date (``extract_date``)
-----------------------------------
The guiding rule is *never invent a date*: a date is returned only when the document states it as
its own date. Dates are read in these forms (with or without spaces, fullwidth digits allowed):
``2024年1月30日`` ``2024-07-30`` ``2024/7/30`` ``2024.04.15 15:23`` ``2024-01-30T10:30:00+08:00``
``二〇二四年一月三十日`` (〇 ○ 零 O 0 as zero); ``20240130`` only right after a date label or in
front matter, English month names also on a short line under the title (``3 May 2019 | 中國聯通``).
A time glued to the date (``2020-05-0610:20``) and pinyin glosses on digits are tolerated. Month-day dates (``7月29日``) never count, and a date must be
real with a year in 1990..next year.

The text is split into lines and laid out as: page chrome (site bars, breadcrumbs), the title line
(the given ``title``, else found as :func:`extract_title` does), the *header* (the lines between the
title and the first body paragraph) and the *body*. Each date found gets a score; the highest wins,
ties go to the earliest line:

====  =====================================================================================
 100  front matter: date, published, pubdate, publish_date, created, ... (updated/lastmod last)
  95  header: after a publication label (发布时间/发布日期/发表时间/发文时间/刊发时间/Published ...)
  90  header: after a generic label (时间/日期/Date) that is not the tail of a longer word
  88  header: on a meta line (a short non-sentence line with 来源/作者/编辑/浏览/字号 ...)
  85  body or footer: after a publication label
  80  header: after an update label (更新时间/修改时间/Updated); elsewhere it is ignored
  80  a newspaper page header, anywhere: ``人民邮电 2021年2月26日 星期五 第2版`` (also with the page
      label on the next line: ``人民邮电报 2016年6月9日 星期四`` / ``第03版：要闻``)
  78  body or footer: on a meta line, or after a generic label on a short line that no paragraph
      follows (``时间：2021-05-21 10:10:03`` under the article)
  75  header: a line holding nothing but the date (and time / weekday / brackets)
  72  header: a short non-sentence line with the date (``人民邮电报 2024-01-30 第1版``)
  70  the title line with the date standing at its end (``标题 2024-01-30``), not in a link list
  68  a date-only line at most two lines above the title
  60  a closing line under the last paragraph signed by a unit or outlet: ``（中国移动新闻宣传中心
      2023年1月17日）``, ``（新华社 2019年3月5日）``, ``（2023年1月17日 人民邮电报）``; without brackets
      only a signatory body or a newspaper (``中国移动党组 2023年1月17日``, ``人民邮电报 2021年4月14日``);
      not ``（截至…）``, ``（…起施行）``, a person or a meeting's name, nor an item of a list
  55  a date-only signature line in 年月日 form among the last lines (only if there is one such line)
  50  a news dateline in the first body paragraph: ``新华社北京2024年1月30日电``
====  =====================================================================================

Everything from a line opening related links or comments (相关新闻, 上一篇, 网友评论, a forum's
reply floors 沙发 / 2# and reply box ...) on is another article's and is not read. Never used,
whatever the score: dates after 今天/今日/当前/现在 (crawl dates); dates without a publication label on
or above page-chrome lines (登录, 网站首页, 繁體, breadcrumbs ...) unless labelled on a meta line
(``时间：… 作者：… 来源：…``, also split over two lines) or standing right under the title with no
chrome in between, labelled, on a meta line or alone on the line directly below it (chrome further
down, such as a forum's ``您需要 登录 才可以下载或查看`` prompt or a 繁體/打印 toolbar, does not
veto them; when the title is repeated after the site bars, the later one counts); weekday-tagged
dates (``2026年11月21日 星期六``) unless labelled on a meta line (below the title a label, a meta
line or a line of its own right under the title is enough); dates after another field's label
(会议时间：, 截止日期：) or in an event block (时间：… with 地点：… next to it); ``20240130`` and English month
names without a label; dates inside a body sentence, including a full date opening the first
paragraph (``2015年3月2日，中国电信召开…``): that is the date of the event, and a document whose
only dates are such is left undated.

Company (``extract_company``)
-----------------------------
Names are matched with the alias table (``resources/companies.csv``: ``company,alias,kind,weight``;
``kind`` is ``name`` for a literal or ``pattern`` for a regular expression, such as the province
branches 广东移动/北京联通/上海电信). Matching is on NFKC-normalised simplified text, Latin letters
case-insensitive, leftmost-longest and non-overlapping. Ambiguous bare words (移动, 电信, 铁塔, 广电)
are not aliases; bare 联通 is a pattern that skips 设施联通/互联联通/联通性.

1. The title names exactly one company: that company.
2. The title names several: the first named, unless another one named in the title has at least
   1.5 times its weighted mentions in the body.
3. No company in the title: mentions in the article (from the title line to the first
   related-links line; site bars and link lists above the title do not count), weighted by the
   alias weight, doubled in the first 150 characters of the first body paragraph (the lead) and
   tripled in its first 40 (the subject: ``近日，中国联通召开…``), except items of a list
   (``中国石油、中国移动等``). A publisher that is one of the companies (``来源：中国移动``) adds 2
   to its score. The leader wins only with a score of at least 3, at least one mention (the lead's
   subject and the publisher count as one each) per 2,500 characters, and twice the score of the
   runner-up. Otherwise the document is about none of them: '' (one passing mention, a list of
   many enterprises, two operators on equal footing).

Not counted as mentions: other articles' headlines inside the article span (``·标题``, ``标题
[04-14]``, ``标题 2021-03-04``, everything after 为您推荐 / 大家都在看 ..., a run of headline-like
lines after the last paragraph). Items of an enumeration (``中国电信、中国移动、中国联通有关…``, every
item including the last; ``国家电网和中国移动``; ``中国移动等``) count half and get no lead bonus. A tag
line naming exactly one company (``标签: 党建 中国移动``) adds 2, like a publisher.

Title (``extract_title``) and source (``extract_source``) rules are in their docstrings.
"""

from __future__ import annotations

import csv
import datetime as dt
import email.utils
import functools
import html
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from analysis import config
from analysis.errors import AnalysisError
from analysis.ingest.metadata import companyforms, datefmt, runin

__all__ = [
    "AliasEntry",
    "CompanyAliases",
    "Mention",
    "explain_company",
    "explain_date",
    "extract_company",
    "extract_date",
    "extract_source",
    "extract_title",
    "load_aliases",
    "parse_date",
]

# ----------------------------------------------------------------------------------------------
# Text normalisation shared by all extractors
# ----------------------------------------------------------------------------------------------

_CJK_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK = f"[{_CJK_CHARS}]"
_CJK_RE = re.compile(_CJK)
_WORD_CHAR_RE = re.compile(rf"{_CJK}|[A-Za-z]")
_CJK_SPACE_RE = re.compile(rf"(?<={_CJK})[ \t]+(?={_CJK})")

# Common characters that exist only in traditional script: one of them means "convert first".
_TRAD_RE = re.compile(
    "[國聯動電鐵廣發佈時間來歲東這個們為會說對與產業經黨習進總體關開從際實現網報導編輯責寫記圖點擊閱讀覽號單"
    "處專題義務區員廠層檢權幹歷續結應變華週轉載錄]"
)
_HTML_TAG_RE = re.compile(r"</?[a-zA-Z][^<>]{0,2000}>")
_HTML_BREAK_RE = re.compile(r"<\s*(?:br|/p|/div|/h[1-6]|/li|/tr|/td|/th|/title|p|div|li|tr|h[1-6])\b[^<>]*>", re.I)
_HTML_DROP_RE = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.I | re.S)
_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# Mirror-site pinyin glosses after characters: 國(guó)家(jiā) -> 國家.
_PINYIN = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
_GLOSS_RE = re.compile(
    rf"(?<={_CJK})[(（]\s*(?=[{_PINYIN}]*[aeiouvüāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])[{_PINYIN}]{{1,6}}[1-5]?\s*[)）]"
)
# Mirror pages that gloss every character gloss digits too: 2(èr)0(líng)2(èr)4(sì); only tone-marked glosses.
_DIGIT_GLOSS_RE = re.compile(r"(?<=[0-9])[(（]\s*(?=[^)）]{0,6}[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])" + rf"[{_PINYIN}]{{1,6}}\s*[)）]")
_FM_LINE_RE = re.compile(r"^\s*([A-Za-z_][\w-]*|[\u4e00-\u9fff]+)\s*:\s*(.*?)\s*$")


@functools.lru_cache(maxsize=1)
def _t2s_converter():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


def _to_simplified(text: str) -> str:
    """Traditional -> simplified, only when the text shows traditional characters (cheap otherwise)."""
    if not _TRAD_RE.search(text):
        return text
    return _t2s_converter().convert(text)


def _strip_html(text: str) -> str:
    """Very light HTML -> text for raw input: paragraphs become lines, tags and entities go."""
    if not _HTML_TAG_RE.search(text):
        return text
    text = _HTML_DROP_RE.sub("", text)
    text = _HTML_BREAK_RE.sub("\n", text)
    text = _HTML_TAG_RE.sub("", text)
    return html.unescape(text)


def _split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """A leading ``---`` block of ``key: value`` lines, parsed loosely (raw input only)."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped.startswith("---"):
        return {}, text
    lines = stripped.split("\n")
    if lines[0].strip() != "---":
        return {}, text
    for end in range(1, min(len(lines), 200)):
        if lines[end].strip() in ("---", "..."):
            meta: dict[str, str] = {}
            for line in lines[1:end]:
                m = _FM_LINE_RE.match(line)
                if m:
                    meta.setdefault(m.group(1).lower(), m.group(2).strip().strip("\"'"))
            return meta, "\n".join(lines[end + 1 :])
    return {}, text


def _norm(s: str) -> str:
    """NFKC (fullwidth -> ASCII), no zero-width characters, simplified script."""
    s = _ZERO_WIDTH_RE.sub("", unicodedata.normalize("NFKC", s))
    return _to_simplified(s)


def _cjk_count(s: str) -> int:
    return len(_CJK_RE.findall(s))


@dataclass
class _Lines:
    """Non-empty lines of a document: as given (``raw``) and normalised (``norm``), aligned."""

    raw: list[str]
    norm: list[str]
    front_matter: dict[str, str] = field(default_factory=dict)


_MAX_HEAD_LINES = 400
_MAX_TAIL_LINES = 40
_MAX_LINE_CHARS = 20_000
_MAX_MATCH_CHARS = 2_000_000  # company mentions are counted in the first 2 M characters


def _lines(text: str) -> _Lines:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    fm, text = _split_front_matter(text)
    text = _DIGIT_GLOSS_RE.sub("", _GLOSS_RE.sub("", _strip_html(text)))
    raw = [ln.strip() for ln in text.split("\n")]
    raw = [ln[:_MAX_LINE_CHARS] for ln in raw if ln]
    if len(raw) > _MAX_HEAD_LINES + _MAX_TAIL_LINES:  # huge documents: metadata lives at the ends
        raw = raw[:_MAX_HEAD_LINES] + raw[-_MAX_TAIL_LINES:]
    joined = _norm("\n".join(raw))
    norm = joined.split("\n")
    if len(norm) != len(raw):  # defensive: a conversion changed the line structure
        norm = [_norm(ln) for ln in raw]
    keep = [i for i, ln in enumerate(norm) if ln.strip()]
    raw, norm = runin.split_run_in_headers([raw[i] for i in keep], [norm[i].strip() for i in keep])
    return _Lines(raw, norm, fm)


# ----------------------------------------------------------------------------------------------
# Line classification
# ----------------------------------------------------------------------------------------------

_DISCLAIMER_RE = re.compile(
    r"本文档为|比赛用语料|仅允许在本次比赛|大语言模型改写|内容可能与现实情况不符|免责声明|版权所有|"
    r"copyright|©|ICP备|ICP证|公网安备|转载请注明|未经授权",
    re.I,
)
_BARRIER_FREE = r"无障碍(?=\s|$|\||浏览|阅读|通道|模式)"
# Forum (Discuz) chrome around a thread: register / log-in prompts and thread tools.
_FORUM_PROMPT = r"立即注册|马上注册|没有(?:帐|账)号|才可以(?:下载|查看|回帖|浏览)|发新帖|收起左侧|只看该作者|复制链接|本版积分规则"
# A breadcrumb with › or » separators: 中国广电论坛 › 行业资讯 › 查看内容.
_BREADCRUMB = r"[^›»\s][^›»]{0,15}[›»][^›»]{1,16}[›»]"
_NAV_RE = re.compile(
    r"网站首页|网站地图|当前位置|您的位置|你的位置|您现在的位置|首页\s*[>»›/]|[>»›]\s*正文|登录|"
    rf"设为首页|加入收藏|收藏本站|{_BARRIER_FREE}|繁體|繁体版|简体版|手机版|(?<![A-Za-z])English(?![A-Za-z])|"
    r"关闭窗口|打印本页|返回(?:首页|顶部|列表|上一页)|上一篇|下一篇|相关(?:新闻|阅读|文章|链接|推荐)|扫一扫|"
    rf"{_FORUM_PROMPT}|{_BREADCRUMB}"
)
_META_RE = re.compile(
    r"来源|作者|编辑|责编|记者|通讯员|浏览|阅读|点击|字号|字体|打印|分享|供稿|出处|发布人|发布者|发布单位|"
    r"发表于|发布于|稿源|摄影|审核|校对|访问量|原创|转载|投稿|栏目|(?:查看|回复)\s*[:：]\s*[0-9]|"
    r"source|author|editor|views?\b",
    re.I,
)
_META_LABEL_RE = re.compile(
    r"(?:来源|作者|责任编辑|编辑|责编|记者|通讯员|浏览|阅读|点击|字号|字体|供稿|出处|发布人|发布者|发布单位|"
    r"发布时间|发布日期|发表时间|发表日期|更新时间|日\s*期|时\s*间|稿源|摄影|审核|标签|关键词|关键字|"
    r"source|author|date|published|tags?)(?:次数|量)?\s*[:：]",
    re.I,
)
_LEAD_LABEL_RE = re.compile(r"^(?:摘要|导读|核心提示|编者按|按语|提要|内容提要|图片|图为|image)\s*[:：]?", re.I)
_URL_RE = re.compile(r"^(?:<?https?://|www\.)\S*>?$|^!?\[[^\]]*\]\([^)]*\)$", re.I)
_SITE_NAME_RE = re.compile(rf"^{_CJK}{{2,12}}(?:官网|官方网站|网站|新闻网|门户|频道|日报|晚报|时报|报|网|新闻中心)$")
_SENTENCE_END_RE = re.compile(r"[。!?;…]")


def _is_sentence(line: str) -> bool:
    """Prose rather than a title or meta line (works on NFKC text: fullwidth ， is ',')."""
    if "。" in line:
        return True
    cjk = _cjk_count(line)
    if cjk >= 30 and (line.count(",") >= 2 or _SENTENCE_END_RE.search(line)):
        return True
    return cjk >= 80 and "," in line


def _is_body_line(line: str) -> bool:
    """A paragraph of the article (not boilerplate such as the corpus disclaimer)."""
    if _DISCLAIMER_RE.search(line):
        return False
    cjk = _cjk_count(line)
    return (cjk >= 25 and _is_sentence(line)) or cjk >= 100


def _is_nav(line: str) -> bool:
    if _NAV_RE.search(line) or line.count("|") >= 2:
        return True
    tokens = line.split()
    return len(tokens) >= 4 and all(len(t) <= 5 for t in tokens)


# ----------------------------------------------------------------------------------------------
# Dates
# ----------------------------------------------------------------------------------------------

_CN_ZERO = "〇○零OoΟО0"
_CN_DIGITS = {c: 0 for c in _CN_ZERO} | dict(zip("一二三四五六七八九", range(1, 10), strict=True))
_MONTHS_EN = {
    m: i
    for i, names in enumerate(
        [("jan",), ("feb",), ("mar",), ("apr",), ("may",), ("jun",), ("jul",), ("aug",), ("sep", "sept"),
         ("oct",), ("nov",), ("dec",)],
        start=1,
    )
    for m in names
}
_EN_MON = r"(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sept|sep|oct|nov|dec)[a-z]*\.?"

_DATE_RES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "cjk",
        re.compile(
            r"(?<![0-9])(?P<y>(?:19|20)[0-9]{2})\s*年\s*(?P<m>[0-9]{1,2})\s*月\s*(?P<d>[0-9]{1,2})(?![0-9])\s*[日号]?"
        ),
    ),
    (
        "numeric",
        re.compile(
            r"(?<![0-9.])(?P<y>(?:19|20)[0-9]{2})\s*(?P<sep>[-/.])\s*(?P<m>[0-9]{1,2})\s*(?P=sep)\s*"
            r"(?P<d>[0-9]{1,2})(?:(?![0-9]|\.[0-9])|(?<=[0-9]{2})(?=[0-9]{2}:[0-9]{2}))"
        ),
    ),
    (
        "cn",
        re.compile(
            rf"(?<![{_CN_ZERO}一二三四五六七八九])(?P<y>[{_CN_ZERO}一二三四五六七八九]{{4}})\s*年\s*"
            r"(?P<m>[元一二三四五六七八九十]{1,3})\s*月\s*(?P<d>[一二三四五六七八九十廿卅]{1,3})\s*[日号]"
        ),
    ),
    (
        "compact",
        re.compile(r"(?<![0-9])(?P<y>(?:19|20)[0-9]{2})(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12][0-9]|3[01])(?![0-9])"),
    ),
    (
        "english",
        re.compile(
            rf"(?<![a-z]){_EN_MON}\s+(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)[0-9]{{2}})(?![0-9])"
            rf"|(?<![0-9])(?P<d2>[0-9]{{1,2}})(?:st|nd|rd|th)?\s+{_EN_MON.replace('mon>', 'mon2>')},?\s+"
            r"(?P<y2>(?:19|20)[0-9]{2})(?![0-9])",
            re.I,
        ),
    ),
)
# Formats that only count right after a label or in front matter.
_LABEL_ONLY_FORMATS = frozenset({"compact", "english"})

_TIME_RE = re.compile(
    r"[0-9]{1,2}\s*:\s*[0-9]{2}(?:\s*:\s*[0-9]{2})?(?:\.[0-9]+)?(?:\s*(?:[+-][0-9]{2}:?[0-9]{2}|Z|UTC|GMT|CST))?"
    r"|[0-9]{1,2}\s*[时点]\s*(?:[0-9]{1,2}\s*分)?(?:\s*[0-9]{1,2}\s*秒)?|[上下]午|凌晨|晚上|\b[AP]M\b|T(?=[0-9])"
)
_WEEKDAY_RE = re.compile(r"\s*[(\[【]?\s*(?:星期|周|礼拜)[一二三四五六日天七]|\s*[(\[【]?\s*(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\b")
_FILLER_RE = re.compile(r"[\s\[\]【】()<>《》:,.。·|/\-–—_~〔〕「」『』\"'“”‘’]+")
# Lines where a date is the crawl date or belongs to another article.
_CRAWL_NAV_RE = re.compile(
    rf"登录|设为首页|加入收藏|收藏本站|{_BARRIER_FREE}|网站地图|网站首页|繁體|繁体版|简体版|手机版|"
    r"(?<![A-Za-z])English(?![A-Za-z])|欢迎(?:您|你|访问|光临|来到)|上一篇|下一篇|相关(?:新闻|阅读|文章|链接|推荐|报道)|"
    r"推荐阅读|延伸阅读|热点(?:新闻|推荐|文章)|今日热点|排行榜|往期(?:回顾|推荐)|(?:查看)?更多\s*(?:>|»|$)"
)
# A line that ends the article: what follows belongs to other articles or to readers' comments.
_ARTICLE_END_RE = re.compile(
    r"^[\[【(]?\s*(?:相关(?:新闻|阅读|文章|链接|推荐|报道|稿件)|推荐阅读|延伸阅读|热点(?:新闻|推荐|文章)|热门(?:文章|新闻)|"
    r"猜你喜欢|最新(?:文章|新闻|动态)|精彩推荐|上一篇|下一篇|上一条|下一条|网友评论|发表评论|我要评论|评论区|"
    r"精彩评论|全部评论|用户评论|留言板?|"
    # forum replies (沙发, 板凳, 2#, 3楼) and the reply box under a thread
    r"(?:沙发|板凳|地板|藤椅|[0-9]{1,4}\s*[#楼])(?:\s*$|\s.{0,30}发表于)|您需要登录后才可以回帖|快速回复|本版积分规则)"
)
# Page chrome before the article: site bars, breadcrumbs. Dates above such a line belong to the page.
_CHROME_RE = re.compile(
    _CRAWL_NAV_RE.pattern + r"|首页\s*[>»›/]|[>»›]\s*正文|当前位置|您的位置|你的位置|您现在的位置|所在位置|"
    + _BREADCRUMB
)
_OTHER_LABEL_RE = re.compile(rf"{_CJK}{{2,8}}\s*:\s*[\[【(<]?\s*$")
_TODAY_RE = re.compile(r"(?:今天|今日|当前|现在|系统时间|today|now)[^0-9]{0,6}$", re.I)


def _spaced(words: Iterable[str]) -> str:
    """Alternation of words, each allowing stray spaces between its characters (PDF text)."""
    return "|".join(r"\s*".join(map(re.escape, w)) for w in sorted(set(words), key=len, reverse=True))


_STRONG_CJK = _spaced(
    f"{verb}{noun}"
    for verb in ("发布", "发表", "发文", "发稿", "刊发", "刊登", "刊出", "出版", "上线", "成文", "印发", "公布", "录入",
                 "添加", "上传", "出刊")
    for noun in ("时间", "日期", "于")
)
_STRONG_EN = (
    r"publish(?:ed|ing)?(?:\s+(?:on|at|date|time))?|publication\s+date|pub\.?\s*date|date\s+published|"
    r"posted(?:\s+(?:on|at))?|release(?:d|\s+date)?(?:\s+on)?"
)
_BARE_STRONG = _spaced(("发布", "发表", "发稿", "刊发"))
_UPDATE = _spaced(("更新时间", "更新日期", "修改时间", "修改日期", "最后更新", "最后修改", "更新于")) + (
    r"|(?:last\s+)?(?:updated|modified)(?:\s+(?:on|at))?"
)
_WEAK = _spaced(("时间", "日期")) + r"|date|time"
_SEP = r"[\s\]】)>*_]*:?[\s\[【(<*_]*"
_LABEL_TAIL_RE = re.compile(
    rf"(?:(?P<strong>{_STRONG_CJK}|(?<![a-z]){_STRONG_EN})"
    rf"|(?<![a-z])(?P<update>{_UPDATE})"
    rf"|(?<![a-z])(?P<weak>{_WEAK})){_SEP}$"
    rf"|(?P<bare>{_BARE_STRONG})\s*:[\s\[【(]*$",
    re.I,
)
# Words that may stand before a publication label: 文章发布时间, 信息发布日期.
_LABEL_PREFIX_RE = re.compile(r"(?:文章|信息|新闻|稿件|本文|网页|页面|内容|首次|原文|正式)\s*$")


class _DateHit(NamedTuple):
    start: int
    end: int
    date: dt.date
    fmt: str


def _cn_number(s: str) -> int | None:
    """一 .. 三十一 (also 廿/卅/元) -> int."""
    s = s.replace("廿", "二十").replace("卅", "三十").replace("元", "一")
    if not s:
        return None
    if "十" in s:
        head, _, tail = s.partition("十")
        if "十" in tail or len(head) > 1 or len(tail) > 1:
            return None
        tens = _CN_DIGITS.get(head, -1) if head else 1
        ones = _CN_DIGITS.get(tail, -1) if tail else 0
        return None if tens < 1 or ones < 0 else tens * 10 + ones
    return _CN_DIGITS.get(s) if len(s) == 1 else None


def _valid_date(y: int | None, m: int | None, d: int | None) -> dt.date | None:
    if y is None or m is None or d is None:
        return None
    if not 1990 <= y <= dt.date.today().year + 1:
        return None
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _hit_date(fmt: str, m: re.Match[str]) -> dt.date | None:
    if fmt == "cn":
        digits = [_CN_DIGITS.get(c) for c in m.group("y")]
        if any(x is None for x in digits):
            return None
        year = int("".join(str(x) for x in digits))
        return _valid_date(year, _cn_number(m.group("m")), _cn_number(m.group("d")))
    if fmt == "english":
        mon = (m.group("mon") or m.group("mon2") or "").lower()
        y, d = m.group("y") or m.group("y2"), m.group("d") or m.group("d2")
        return _valid_date(int(y), _MONTHS_EN.get(mon), int(d))
    return _valid_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))


def _find_dates(line: str, order: datefmt.Order | None = None) -> list[_DateHit]:
    """All valid dates in one (normalised) line, non-overlapping, in order.

    ``22/09/2025``-style dates only when their day/month order is certain (``order``: the page's own).
    """
    hits: list[_DateHit] = []
    for fmt, rx in _DATE_RES:
        for m in rx.finditer(line):
            date = _hit_date(fmt, m)
            if date is not None:
                hits.append(_DateHit(m.start(), m.end(), date, fmt))
    if "/" in line or "." in line or "-" in line:
        for m in datefmt.DAY_MONTH_RE.finditer(line):
            date = datefmt.resolve(m, order)
            if date is not None:
                hits.append(_DateHit(m.start(), m.end(), date, "dmy"))
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    out: list[_DateHit] = []
    for h in hits:
        if not out or h.start >= out[-1].end:
            out.append(h)
    return out


def parse_date(value: object) -> dt.date | None:
    """First date in a free-form value (front matter, override files), any supported format, or None."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    s = _norm(str(value)).strip()
    if not s:
        return None
    hits = _find_dates(s)
    if hits:
        return hits[0].date
    try:
        parsed = email.utils.parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError):
        return None
    return _valid_date(parsed.year, parsed.month, parsed.day)


_FM_DATE_KEYS = (
    "date", "published", "pubdate", "pub_date", "publish_date", "publishdate", "published_at", "publishedat",
    "publication_date", "datepublished", "date_published", "publishtime", "publish_time", "article:published_time",
    "og:published_time", "发布时间", "发布日期", "日期", "时间", "created",
    "created_at", "creation_date", "time", "datetime", "updated", "modified", "lastmod", "last_modified",
    "date_modified", "更新时间",
)  # fmt: skip


def _front_matter_date(front_matter: Mapping[str, object]) -> dt.date | None:
    lowered = {str(k).strip().lower(): v for k, v in front_matter.items()}
    for key in _FM_DATE_KEYS:
        if key in lowered:
            date = parse_date(lowered[key])
            if date is not None:
                return date
    return None


def _label_before(prefix: str) -> str | None:
    """'strong' / 'update' / 'weak' when ``prefix`` ends with a date label and its separator."""
    offset = max(0, len(prefix) - 40)
    m = _LABEL_TAIL_RE.search(prefix, offset)
    if not m:
        return None
    kind = "strong" if m.group("bare") else next(k for k in ("strong", "update", "weak") if m.group(k))
    before = prefix[: m.start()]
    if before and _WORD_CHAR_RE.match(before[-1]):
        # Glued to a word: 会议时间 / 截止日期 / 成绩公布时间 label something else, but a meta line
        # whose spaces were lost (来源:人民网发布时间:…) or 文章发布时间 is fine.
        ok = (kind == "strong" and _LABEL_PREFIX_RE.search(before)) or _META_LABEL_RE.search(before)
        if not ok:
            return None
    return kind


def _residual(line: str, hit: _DateHit) -> str:
    """What a line holds besides this date, its time, weekday and punctuation."""
    rest = line[: hit.start] + " " + line[hit.end :]
    rest = _TIME_RE.sub(" ", rest)
    rest = _WEEKDAY_RE.sub(" ", rest)
    return _FILLER_RE.sub("", rest)


def _norm_key(s: str) -> str:
    return re.sub(r"[\s#*]+", "", _norm(s))


def _locate(lines: _Lines, title: str) -> int:
    """Index of the line holding ``title`` (or held by it), else -1."""
    key = _norm_key(title)
    if len(key) < 4:
        return -1
    for i, line in enumerate(lines.norm[:_MAX_HEAD_LINES]):
        lk = _norm_key(line)
        if key in lk or (len(lk) >= 6 and lk in key):
            return i
    return -1


def _chrome_end(lines: _Lines, end: int) -> int:
    """Index of the last page-chrome line (site bar, breadcrumbs) before line ``end``, else -1."""
    for i in range(min(end, len(lines.norm)) - 1, -1, -1):
        if _CHROME_RE.search(lines.norm[i]):
            return i
    return -1


def _article_end(lines: _Lines, body_start: int) -> int:
    """Index of the first line after the body start that opens related links or comments, else len."""
    for i in range(max(body_start, 0) + 1, len(lines.norm)):
        line = lines.norm[i]
        if _ARTICLE_END_RE.match(line) or (
            len(line) <= 20 and _LIST_HEADER_RE.match(line) and not runin.is_promotion(line)
        ):
            return i
    return len(lines.norm)


def _first_body(lines: _Lines, after: int) -> int:
    for i in range(max(after + 1, 0), len(lines.norm)):
        if _is_body_line(lines.norm[i]):
            return i
    return len(lines.norm)


def _edge_date(line: str) -> _DateHit | None:
    """A date standing at the end (or start) of a line, apart from the text: ``标题 2024-01-30``."""
    hits = [h for h in _find_dates(line) if h.fmt not in _LABEL_ONLY_FORMATS]
    if not hits:
        return None
    last, first = hits[-1], hits[0]
    tail = _TIME_RE.sub("", _WEEKDAY_RE.sub("", line[last.end :]))
    if not _FILLER_RE.sub("", tail) and (last.start == 0 or line[last.start - 1] in " ([【<"):
        return last
    if not _FILLER_RE.sub("", line[: first.start]) and (first.end == len(line) or line[first.end] in " )]】>"):
        return first
    return None


_EVENT_FIELD_RE = re.compile(r"^[\[【(]?\s*(?:地点|地址|会场|会议地点|活动地点|主办|承办|参会|报名)\s*[:】\])]")


def _near_event_block(lines: _Lines, i: int) -> bool:
    """Is line ``i`` part of an event notice block (时间 / 地点 / 主办 fields)?"""
    here = lines.norm[i]
    if _EVENT_FIELD_RE.search(re.sub(r"^.*?(?=地点|地址|会场|主办|承办)", "", here)):
        return True
    return any(0 <= j < len(lines.norm) and _EVENT_FIELD_RE.match(lines.norm[j]) for j in (i - 2, i - 1, i + 1, i + 2))


def _meta_neighbour(lines: _Lines, i: int) -> bool:
    """Is the line after ``i`` the rest of a meta line (作者：… 来源：…) split over two lines?"""
    if i + 1 >= len(lines.norm):
        return False
    nxt = lines.norm[i + 1]
    return bool(_META_LABEL_RE.match(nxt)) and not _is_sentence(nxt) and not _CRAWL_NAV_RE.search(nxt)


def _under_title(lines: _Lines, i: int, hit: _DateHit, title_idx: int, in_header: bool) -> bool:
    """A line holding only the date (and weekday) right under a located title: ``2020.05.06 星期三``."""
    return title_idx >= 0 and in_header and title_idx < i <= title_idx + 2 and not _residual(lines.norm[i], hit)


_UNDER_TITLE_LINES = 6


def _right_under_title(lines: _Lines, i: int, title_idx: int, body_start: int) -> bool:
    """Is line ``i`` in the header right below the title, with no page chrome in between?"""
    if title_idx < 0 or not title_idx < i < body_start or i - title_idx > _UNDER_TITLE_LINES:
        return False
    return not any(_CHROME_RE.search(lines.norm[j]) for j in range(title_idx + 1, i))


# The unit or outlet signing a closing line: a name in book marks or one ending like a unit's name.
_UNIT_NAME_RE = re.compile(
    rf"《[^《》]{{2,20}}》|{_CJK}[{_CJK_CHARS}A-Za-z0-9()·]{{0,28}}"
    r"(?:中心|[^全局内外]部|办公室|办公厅|委员会|党组|党委|纪委|纪检组|纪检监察组|工会|团委|支部|总支|公司|集团|"
    r"新闻社|通讯社|[^公旅会结]社|[^画海情简年周日晚月]报|日报|晚报|新闻网|[^联上入]网|电视台|广播电台|杂志|周刊|研究院|协会|学会|联合会)"
)
# Without brackets only a signatory body or a newspaper / news agency: 中国移动党组 2023年1月17日,
# 人民邮电报 2021年4月14日 (not a website or a service hall: their footers carry the day's date).
_SIGNATORY_RE = re.compile(
    rf"《[^《》]{{2,20}}》|{_CJK}[{_CJK_CHARS}()]{{1,28}}(?:党组|党委|纪委|纪检组|纪检监察组|委员会|办公室|办公厅|工会|"
    r"团委|支部|总支|新闻宣传中心|[^全局内外]部|新闻社|通讯社|[^公旅会结]社|[^画海情简年周日晚月]报|日报|晚报)"
)
_CLOSING_LABEL_RE = re.compile(r"^(?:文章|稿件|信息|新闻)?(?:来源|稿源|出处|供稿)\s*:\s*")
_BRACKETED_RE = re.compile(r"^[(\[【〔](?P<inner>[^()\[\]【】〔〕]*(?:\([^()]*\)[^()\[\]【】〔〕]*)*)[)\]】〕]$")
_EDITION_TAIL_RE = re.compile(r"第?\s*[0-9一二三四五六七八九十]{1,3}\s*版")


def _closing_signature(line: str, hit: _DateHit) -> bool:
    """A closing line that signs the article: a unit or outlet with the full date, nothing else.

    ``（中国移动新闻宣传中心 2023年1月17日）``, ``（新华社 2019年3月5日）``, ``（2023年1月17日 人民邮电报）``,
    ``（《人民邮电报》 2021年4月14日）``; without brackets only a signatory body (``中国移动党组 2023年1月17日``).
    Not ``（截至2023年1月17日）``, ``（2023年1月17日起施行）``, ``（张三 2023年1月17日）`` or a meeting's name.
    """
    if hit.fmt in _LABEL_ONLY_FORMATS or len(line) > 60:
        return False
    m = _BRACKETED_RE.match(line)
    inner_start, inner_end = (m.start("inner"), m.end("inner")) if m else (0, len(line))
    if not (inner_start <= hit.start and hit.end <= inner_end):
        return False

    def extra(s: str) -> str:
        s = _WEEKDAY_RE.sub(" ", _TIME_RE.sub(" ", _EDITION_TAIL_RE.sub(" ", s)))
        return re.sub(r"[\s,、/|·—–\-]+", "", s)

    before, after = line[inner_start : hit.start], line[hit.end : inner_end]
    if extra(after) and extra(before):
        return False  # the date stands inside the text, not at an edge
    name = re.sub(r"^[\s,、/|·—–\-]+|[\s,、/|·—–\-]+$", "", before if extra(before) else after)
    name = _CLOSING_LABEL_RE.sub("", name)
    if not name or len(name) > 30:
        return False
    if m:
        return bool(_UNIT_NAME_RE.fullmatch(name)) or _canonical_company(name) != ""
    return bool(_SIGNATORY_RE.fullmatch(name))


def _in_list(lines: _Lines, i: int) -> bool:
    """Is line ``i`` one of several neighbouring ``text + date`` lines (a list of links)?"""
    return any(0 <= j < len(lines.norm) and _edge_date(lines.norm[j]) is not None for j in (i - 1, i + 1))


class _LineKind(NamedTuple):
    sentence: bool
    meta: bool
    crawl_nav: bool
    edition: bool


_EDITION_RE = re.compile(r"第\s*[0-9一二三四五六七八九十]{1,3}\s*版|[A-Z]?[0-9]{1,2}\s*版")


def _line_kind(line: str) -> _LineKind:
    sentence = _is_sentence(line)
    meta = bool(_META_RE.search(line)) and not sentence and len(line) <= 160
    edition = bool(_EDITION_RE.search(line)) and len(line) <= 60
    return _LineKind(sentence, meta, bool(_CRAWL_NAV_RE.search(line)), edition)


_PAGE_LABEL_RE = re.compile(r"^第\s*[0-9一二三四五六七八九十]{1,3}\s*版\s*(?::\s*\S{1,10})?$")


def _paper_masthead(lines: _Lines, i: int, hit: _DateHit) -> bool:
    """An e-paper masthead (a newspaper's name and the issue date) with the page label on the next line."""
    if i + 1 >= len(lines.norm) or not _PAGE_LABEL_RE.match(lines.norm[i + 1]) or len(lines.norm[i]) > 40:
        return False
    return re.fullmatch(rf"{_CJK}{{2,12}}报", _residual(lines.norm[i], hit)) is not None


def _in_footer(lines: _Lines, i: int) -> bool:
    """No article paragraph follows line ``i`` (before related links or comments start)."""
    end = _article_end(lines, i)
    return not any(_is_body_line(lines.norm[j]) for j in range(i + 1, end))


def _score_hit(
    lines: _Lines, i: int, hit: _DateHit, kind: _LineKind, title_idx: int, body_start: int, chrome: int
) -> tuple[int, bool] | None:
    """Score of one date occurrence (see the module docstring), or None when it must not be used.

    The flag is True for tail signature dates, which only count when they are alone.
    """
    line = lines.norm[i]
    prefix = line[: hit.start]
    if _TODAY_RE.search(prefix[-12:]):
        return None
    label = _label_before(prefix)
    if label is None and i > 0 and not _FILLER_RE.sub("", prefix):
        label = _label_before(lines.norm[i - 1])  # label and value split over two lines (table cells)
    in_header = i < body_start
    above_title = title_idx < 0 or i < title_idx
    if label is None and _OTHER_LABEL_RE.search(prefix):
        return None  # 会议时间：… / 截止日期：… label some other date
    # 20240130 needs a label; an English date also stands alone under the title (3 May 2019 | 中國聯通)
    english_header = hit.fmt == "english" and in_header and not above_title and not kind.sentence
    if label is None and hit.fmt in _LABEL_ONLY_FORMATS and not english_header:
        return None
    if label == "strong":
        return (95 if in_header else 85), False
    if kind.edition and not kind.sentence:
        return 80, False  # 人民邮电 2021年2月26日 星期五 第2版: the newspaper's page header
    if _paper_masthead(lines, i, hit):
        return 80, False  # 人民邮电报 2016年6月9日 星期四 / 第03版：要闻: the same over two lines
    meta = kind.meta
    # 时间：2016年6月27日 星期一  作者：…  来源：… is the article's own meta line, wherever it stands
    labelled_meta = label is not None and (meta or _meta_neighbour(lines, i))
    # A labelled date right under the title is the article's, whatever chrome comes below it (a forum's
    # 您需要 登录 才可以… prompt): chrome only vetoes dates above it, in the site's bars.
    # A line holding only the date directly under the title counts too (``标题 / 2019-05-03 / 【繁體】【打印】``).
    bare_under_title = i == title_idx + 1 and not _residual(line, hit) and not _WEEKDAY_RE.match(line, hit.end)
    labelled_under_title = (label is not None or meta or bare_under_title) and _right_under_title(
        lines, i, title_idx, body_start
    )
    if kind.crawl_nav or (i < chrome and not (labelled_meta or labelled_under_title)):
        return None  # in the site's bars above the article: the crawl date, a news ticker
    if _WEEKDAY_RE.match(line, hit.end) and not (
        labelled_meta or (not above_title and (label or meta or _under_title(lines, i, hit, title_idx, in_header)))
    ):
        return None  # 2026年11月21日 星期六: the day the page was fetched, unless labelled on a meta line
    if label == "update":  # outside the header it is the site's "last updated" stamp
        return (80, False) if in_header else None
    if label == "weak":
        if _near_event_block(lines, i):
            return None  # 时间:… 地点:… describes an event
        if in_header:
            return 90, False
        if meta or (not kind.sentence and _in_footer(lines, i)):
            return 78, False  # 时间：… on the meta line under the last paragraph
        return None
    if meta:
        return (88 if in_header else 78), False
    if (
        not in_header
        and i > body_start
        and _closing_signature(line, hit)
        and _in_footer(lines, i)
        and not _in_list(lines, i)
    ):
        return 60, False  # （中国移动新闻宣传中心 2023年1月17日） under the last paragraph
    if kind.sentence:
        if i == body_start and re.match(r"\s*电", line[hit.end :]) and re.search(r"[社网报台讯]", prefix[-30:]):
            return 50, False
        return None
    residual = _residual(line, hit)
    if i == title_idx:
        # 标题 2024-01-30, or 2024-01-30 标题 (the date line and the title run together)
        edge = _edge_date(line)
        ok = edge is not None and edge.start == hit.start and not _in_list(lines, i)
        if ok and edge.start == 0:
            ok = _cjk_count(residual) >= 6
        return (70, False) if ok else None
    if not residual:  # a line holding only the date
        if title_idx >= 0 and in_header and not above_title:
            return 75, False
        if title_idx < 0 and in_header and i >= body_start - 2:
            return 75, False
        if title_idx >= 0 and title_idx - 2 <= i < title_idx:
            return 68, False
        if i >= _article_end(lines, body_start) - 4 and hit.fmt in ("cjk", "cn"):
            return 55, True
        return None
    if in_header and not above_title and len(residual) <= 20 and not _in_list(lines, i):
        return 72, False
    return None


def _extra_date_rule(lines: _Lines, i: int, hit: _DateHit, body_start: int) -> tuple[int, bool] | None:
    """Date positions of :mod:`datefmt`: a run-in repost timestamp, a dateline with a relative day."""
    if hit.fmt in _LABEL_ONLY_FORMATS:
        return None
    line = lines.norm[i]
    if i <= body_start and datefmt.run_in_timestamp(line, i, hit.start, hit.end):
        return datefmt.RUN_IN_SCORE, False
    if i == body_start and datefmt.relative_dateline(line, hit.start, hit.end):
        return datefmt.RELATIVE_SCORE, False
    return None


def extract_date(front_matter: Mapping[str, object], text: str, *, title: str = "") -> dt.date | None:
    """Publication date stated by the document, or None when it states none (never a guess).

    Scoring rules: see the module docstring. ``title`` (if known) locates the title line; otherwise
    the title is found with the rules of :func:`extract_title`.
    """
    return explain_date(front_matter, text, title=title)[0]


def explain_date(front_matter: Mapping[str, object], text: str, *, title: str = "") -> tuple[dt.date | None, str]:
    """:func:`extract_date` and its evidence: the rule and the line it read (``date_source``)."""
    date = _front_matter_date(front_matter or {})
    if date is not None:
        return date, datefmt.describe(100, -1, "")
    lines = _lines(text or "")
    date = _front_matter_date(lines.front_matter)
    if date is not None:
        return date, datefmt.describe(100, -1, "")
    if not lines.norm:
        return None, ""
    title_idx = _locate(lines, title) if title else -1
    if title_idx < 0:
        title_idx = _title_line_index(lines)
    body_start = _first_body(lines, title_idx)
    chrome = _chrome_end(lines, body_start)
    if title and title_idx < chrome:  # the title repeated after the site bars (page title, then headline)
        again = _locate(_Lines(lines.raw[chrome + 1 : body_start], lines.norm[chrome + 1 : body_start]), title)
        if again >= 0:
            title_idx = chrome + 1 + again
    n = _article_end(lines, body_start)
    order = datefmt.page_order(lines.norm[:n])
    best: tuple[int, int, int] | None = None
    best_date: dt.date | None = None
    best_fmt = ""
    tail: list[tuple[dt.date, int]] = []
    for i, line in enumerate(lines.norm[:n]):
        hits = _find_dates(line, order.order if order else None)
        kind = _line_kind(line) if hits else None
        for hit in hits:
            scored = _score_hit(lines, i, hit, kind, title_idx, body_start, chrome)
            if scored is None:
                scored = _extra_date_rule(lines, i, hit, body_start)
            if scored is None:
                continue
            score, is_tail = scored
            if is_tail:
                tail.append((hit.date, i))
                continue
            key = (-score, i, hit.start)
            if best is None or key < best:
                best, best_date, best_fmt = key, hit.date, hit.fmt
    if best_date is None and len(tail) == 1 and n > 1:
        return tail[0][0], datefmt.describe(55, tail[0][1], lines.norm[tail[0][1]])
    if best is None:
        return None, ""
    used_order = order if best_fmt == "dmy" and order is not None else None
    return best_date, datefmt.describe(-best[0], best[1], lines.norm[best[1]], used_order)


# ----------------------------------------------------------------------------------------------
# Title
# ----------------------------------------------------------------------------------------------

_TITLE_KEYS = ("title", "articletitle", "og:title", "标题", "headline", "subject")
_QUOTE_PAIRS = {"“": "”", '"': '"', "「": "」", "『": "』", "【": "】", "《": "》", "'": "'", "‘": "’", "[": "]"}
_SUFFIX_SEP_RE = re.compile(r"\s*(?:_|\||｜|\s[-–—]\s|--)\s*")
_SITE_SUFFIX_RE = re.compile(
    r"(?:网|报|社|台|频道|官网|网站|门户|新闻|在线|中心|首页|集团|公司|\.com|\.cn|\.net|\.org)$|^[A-Za-z .]{2,20}$"
)
_PIC_SUFFIX_RE = re.compile(r"\s*[(\[（【](?:组图|图|视频|图文|多图|附视频|高清)[)\]）】]\s*$")
_CJK_PUNCT = "，。、；：！？“”‘’（）《》【】「」『』·—…,;:!?()"


def _repair_cjk_spaces(s: str) -> str:
    """Drop a space between CJK characters when it splits a word (PDF artefact ``推动企 业``).

    A space is kept when the words on both sides stay whole (``教育会 巩固``): Chinese titles use a
    space between clauses. Word boundaries come from the rjieba dictionary.
    """
    if not re.search(rf"{_CJK} +{_CJK}", s):
        return s
    import rjieba

    out: list[str] = []
    pos = 0
    for m in re.finditer(rf"(?<={_CJK}) +(?={_CJK})", s):
        left = re.search(rf"{_CJK}{{1,4}}$", s[max(0, m.start() - 4) : m.start()])  # bounded: long lines
        right = re.match(rf"{_CJK}{{1,4}}", s[m.end() :])
        lw, rw = (left.group(0) if left else ""), (right.group(0) if right else "")
        keep = True
        if lw and rw:
            if len(lw) == 1 or len(rw) == 1:
                keep = False
            else:
                bounds, acc = set(), 0
                for tok in rjieba.cut(lw + rw):
                    acc += len(tok)
                    bounds.add(acc)
                keep = len(lw) in bounds
        out.append(s[pos : m.start()] + (" " if keep else ""))
        pos = m.end()
    out.append(s[pos:])
    return "".join(out)


def _strip_wrapping(s: str) -> str:
    for _ in range(2):
        if len(s) >= 2 and s[0] in _QUOTE_PAIRS and s[-1] == _QUOTE_PAIRS[s[0]]:
            inner = s[1:-1]
            if s[0] not in inner and _QUOTE_PAIRS[s[0]] not in inner:
                s = inner.strip()
    return s


def _strip_site_suffix(s: str) -> str:
    for _ in range(3):
        parts = list(_SUFFIX_SEP_RE.finditer(s))
        if not parts:
            break
        last = parts[-1]
        head, tail = s[: last.start()].strip(), s[last.end() :].strip()
        if not tail:
            s = head
            continue
        is_site = len(tail) <= 20 and (
            _SITE_SUFFIX_RE.search(tail) is not None or _canonical_company(tail) != ""
        )
        if not is_site or _cjk_count(head) + len(head.split()) < 4:
            break
        s = head
    return s


def _clean_title(s: str) -> str:
    """Markdown marks, wrapping quotes, site suffixes and broken spacing removed from a title."""
    s = _ZERO_WIDTH_RE.sub("", s).strip()
    s = re.sub(r"^#{1,6}\s*|\s*#+\s*$", "", s)
    s = re.sub(r"^\*\*(.+)\*\*$", r"\1", s)
    s = re.sub(r"\s+", " ", s).strip()
    s = _PIC_SUFFIX_RE.sub("", s)
    edge = _edge_date(s)  # 标题 2024-01-30 (scraped title line with its date)
    if edge is not None:
        rest = (s[: edge.start] if edge.start > 0 else s[edge.end :]).strip(" ()[]【】<>-|_")
        if edge.start == 0:  # 2024-01-30 10:30 星期二 标题: the time and weekday go with the date
            while m := (_TIME_RE.match(rest) or _WEEKDAY_RE.match(rest)):
                if not m.group(0).strip():
                    break
                rest = rest[m.end() :].strip(" ()[]【】<>-|_")
        if _cjk_count(rest) >= 6:
            s = _TIME_RE.sub("", rest).strip(" ()[]【】<>-|_") if edge.start > 0 else rest
    s = _strip_site_suffix(s)
    s = _strip_wrapping(s)
    s = re.sub(rf"\s+(?=[{re.escape(_CJK_PUNCT)}])|(?<=[{re.escape(_CJK_PUNCT)}])\s+", "", s)
    s = re.sub(r"(?<=[0-9])\s+(?=[年月日号])|(?<=[年月])\s+(?=[0-9])", "", s)
    s = _repair_cjk_spaces(s)
    return _to_simplified(s.strip())


def _is_title_candidate(norm: str) -> bool:
    """Could this (normalised) line be a title? Rejects navigation, meta, site names, prose."""
    s = re.sub(r"^#{1,6}\s*", "", norm).strip()
    if not s or s.startswith(("---", "<!--", "<", "![", "image")) or _URL_RE.match(s):
        return False
    if _DISCLAIMER_RE.search(s) or _is_nav(s) or _LEAD_LABEL_RE.match(s) or _META_LABEL_RE.search(s):
        return False
    if s.startswith(("—", "--", "-", "－")) or (re.search(r"记者|通讯员|摄影|特约", s) and _cjk_count(s) < 20):
        return False  # a subtitle or a byline
    if re.search(r"\.(?:png|jpe?g|gif|webp)\b", s, re.I) or (_EDITION_RE.search(s) and _find_dates(s)):
        return False
    cjk = _cjk_count(s)
    if cjk < 6 and len(re.findall(r"[A-Za-z]{2,}", s)) < 4:
        return False
    if _SITE_NAME_RE.match(s):
        return False
    hits = _find_dates(s)
    if hits and all(not _residual(s, h) or len(_residual(s, h)) <= 4 for h in hits):
        return False
    prose = "。" in s or s.endswith(("!", "?", "."))
    return len(s) <= 100 and not (prose and len(s) > 60)


def _is_anchor(line: str) -> bool:
    """A publication line that typically sits right under the title (labelled date, source, author)."""
    if _META_LABEL_RE.search(line):
        return True
    hits = _find_dates(line)
    if not hits or _is_sentence(line):
        return False
    if _META_RE.search(line):
        return True
    return any(not _residual(line, h) and not _WEEKDAY_RE.match(line, h.end) for h in hits)


def _title_pick(lines: _Lines) -> tuple[int, bool]:
    """Line index of the title in the text (-1 if none) and whether a publication line anchors it.

    Candidates are title-like lines before the first body paragraph, not items of link lists
    (``·…``, ``… [04-14]``). The title is the nearest candidate at most three lines above the first
    publication line (发布时间…, 来源…, a date), or else at most two lines below it; without one, the
    first candidate of at least 8 CJK characters (or 4 Latin words), else the first.
    """
    first_body = _first_body(lines, -1)
    end = min(first_body, len(lines.norm))
    cands = [
        i
        for i in range(end)
        if _is_title_candidate(lines.norm[i])
        and not _LIST_ITEM_RE.search(lines.norm[i])
        and not (_edge_date(lines.norm[i]) is not None and _in_list(lines, i))
    ]
    chrome = _chrome_end(lines, end)
    cands = [i for i in cands if i > chrome] or cands  # the title comes after site bars and breadcrumbs
    # A headline with its date (标题 2021-04-14, 标题 04-14) above another candidate is an item of a
    # related-news block over the article; the title is further down.
    cands = [i for i in cands if not (_dated_headline(lines.norm[i]) and any(k > i for k in cands))]
    if not cands:
        return -1, False
    for j in range(end):
        if _is_anchor(lines.norm[j]):
            above = [i for i in cands if j - 3 <= i < j]
            if above:
                return above[-1], True
            below = [i for i in cands if j < i <= j + 2]  # layouts with the meta line above the title
            if below:
                return below[0], True
    long = [i for i in cands if _cjk_count(lines.norm[i]) >= 8 or len(re.findall(r"[A-Za-z]{2,}", lines.norm[i])) >= 4]
    return (long or cands)[0], False


# Items of a link list: a bullet in front, or a short date behind (·标题 / 标题 [04-14] / 标题 2024-01-30).
_LIST_ITEM_RE = re.compile(
    r"^\s*[·•●◆◇■□▪▸►○]|[\[(【]\s*[0-9]{1,4}[-/.][0-9]{1,2}(?:[-/.][0-9]{1,2})?\s*[\])】]\s*$"
)


_TRAILING_MONTH_DAY_RE = re.compile(r"\s(?:0[1-9]|1[0-2])[-/](?:0[1-9]|[12][0-9]|3[01])$")


def _dated_headline(norm: str) -> bool:
    """A headline followed by its date: ``标题 2021-04-14``, ``标题（2021年4月14日）``, ``标题 04-14``."""
    if _TRAILING_MONTH_DAY_RE.search(norm):
        return True
    edge = _edge_date(norm)
    return edge is not None and edge.start > 0


def _wrapped_title(lines: _Lines, idx: int) -> bool:
    """Is line ``idx`` the second half of a title wrapped at the page width (PDF text)?

    The line above must be a full-width title-like line (18+ CJK characters, no closing punctuation)
    that is not one of several headlines in a row, and the two together no longer than a title.
    """
    prev = idx - 1
    if prev < 0 or prev <= _chrome_end(lines, idx):
        return False
    above, here = lines.norm[prev], lines.norm[idx]
    if not _is_title_candidate(above) or _LIST_ITEM_RE.search(above) or _dated_headline(above) or _dated_headline(here):
        return False
    n_above, n_here = _cjk_count(above), _cjk_count(here)
    if n_above < 18 or n_here > n_above or n_above + n_here > 64:
        return False
    if re.search(r"[。!?:;)\]】”’]$", above) or re.match(r"[—\-(\[【“‘]", here):
        return False
    return not (prev >= 1 and _is_title_candidate(lines.norm[prev - 1]) and _cjk_count(lines.norm[prev - 1]) >= 12)


def _title_line_index(lines: _Lines) -> int:
    return _title_pick(lines)[0]


def extract_title(front_matter: Mapping[str, object], headings: Sequence[str], text: str) -> str:
    """Title of the document, cleaned; '' only for a document without any usable line.

    Order: front matter ``title``; a title-like line right above the publication line (发布时间…,
    来源…, a date: at most three lines above it); the first heading if it stands before the first
    body paragraph (or is not in the text); the first title-like line before the body (preferring
    8+ CJK characters); the first heading; the opening of the first paragraph. Title-like lines are
    not navigation, breadcrumbs, site names, date/meta/author lines, the corpus disclaimer, subtitles
    starting with a dash, lines under 6 CJK characters or long prose lines; a headline followed by its
    date (``标题 [04-14]``, ``标题 2021-03-04``) loses to a candidate further down (related news above
    the article). A title wrapped over two lines (PDF text, 18+ CJK characters on the first) is joined.
    Cleaning strips markdown ``#``, wrapping quotes/brackets, a trailing site name after ``_`` ``|``
    `` - `` (``…_中国联通``, ``… - 人民网``) and ``(图)``; whitespace is collapsed, spaces next to
    Chinese punctuation dropped and a space that splits a word (PDF artefact) removed, while a space
    between two clauses is kept.
    """
    fm = {str(k).strip().lower(): v for k, v in (front_matter or {}).items()}
    lines = _lines(text or "")
    for source in (fm, lines.front_matter):
        for key in _TITLE_KEYS:
            value = source.get(key)
            if value is not None and str(value).strip():
                cleaned = _clean_title(str(value))
                if cleaned:
                    return cleaned
    idx, anchored = _title_pick(lines)
    if anchored:
        if _wrapped_title(lines, idx):  # a PDF title broken over two lines
            return _clean_title(lines.raw[idx - 1] + lines.raw[idx])
        return _clean_title(lines.raw[idx])
    first_body = _first_body(lines, -1)
    good_headings = [h for h in headings if h and _is_title_candidate(_norm(h))]
    if good_headings:
        h = good_headings[0]
        pos = _locate(lines, h)
        if pos < 0 or pos < first_body:
            return _clean_title(h)
    if idx >= 0:
        return _clean_title(lines.raw[idx])
    if good_headings:
        return _clean_title(good_headings[0])
    if headings and str(headings[0]).strip():
        return _clean_title(str(headings[0]))
    for raw, norm in zip(lines.raw, lines.norm, strict=True):
        if _cjk_count(norm) >= 6 and not _DISCLAIMER_RE.search(norm) and not _is_nav(norm):
            first = re.split(r"[。!?！？]", raw, maxsplit=1)[0]
            return _clean_title(first[:60])
    return ""


# ----------------------------------------------------------------------------------------------
# Source
# ----------------------------------------------------------------------------------------------

_SOURCE_LABELS: tuple[tuple[int, str], ...] = (
    (3, _spaced(("来源", "文章来源", "稿件来源", "信息来源", "新闻来源", "消息来源", "内容来源", "本文来源",
                 "稿源", "出处", "转载自", "转自", "来源于")) + r"|source"),
    (2, _spaced(("发布单位", "发布机构", "发布部门", "发稿单位", "供稿单位", "供稿", "信息提供", "主办单位"))),
    (1, _spaced(("发布人", "发布者", "信息发布人"))),
)
_SOURCE_RES = tuple((prio, re.compile(rf"(?:{rx})\s*(?P<colon>:\s*|\s+)", re.I)) for prio, rx in _SOURCE_LABELS)
_SOURCE_STOP_RE = re.compile(
    r"\s{2,}|\t|[|丨【\[]|\s*(?:发布时间|发布日期|发表时间|更新时间|时\s*间|日\s*期|作者|责任编辑|编辑|责编|记者|"
    r"通讯员|浏览|阅读|点击|字号|字体|打印|分享|审核|摄影|来源|发布人|供稿|关键词|标签)\s*[:：]"
    r"|\s*(?:19|20)[0-9]{2}\s*[-/.年]|\s+(?:作者|编辑|记者|浏览|点击|阅读)",
    re.I,
)
_SOURCE_JUNK = frozenset({"本站", "本网", "网络", "互联网", "未知", "佚名", "不详", "原创", "其他", "综合", "网友",
                          "本站原创", "转载", "网络转载", "无"})
_SOURCE_KEYS = ("source", "contentsource", "publisher", "media", "outlet", "来源", "出处", "发布单位", "文章来源")
_SITE_KEYS = ("og:site_name", "sitename", "site_name")  # last resort: the outlet that carried the page
_OUTLET_RE = re.compile(rf"^{_CJK}[{_CJK_CHARS}·]{{1,14}}(?:报|网|社|台|杂志|日报|晚报|时报|周刊|频道)$")


_OPENERS = "([【「『<《\"'“‘"  # character sets for str.strip
_CLOSERS = ")]】」』>》\"'”’.,。;；:、 "


def _clean_source_value(value: str) -> str:
    v = value.strip().lstrip(_OPENERS + " :")
    m = _SOURCE_STOP_RE.search(v)
    if m:
        v = v[: m.start()]
    v = v.strip().rstrip(_CLOSERS).strip()
    v = v.lstrip(_OPENERS).strip()
    if v.count("(") > v.count(")"):
        v = v[: v.rfind("(")].strip()
    if not v or len(v) > 30 or v in _SOURCE_JUNK or re.search(r"[。,;!?]", v) or re.match(r"https?://|www\.", v, re.I):
        return ""
    if not re.search(rf"{_CJK}|[A-Za-z]{{2,}}", v) or any(not _residual(v, h) for h in _find_dates(v)):
        return ""
    return v


def extract_source(front_matter: Mapping[str, object], text: str) -> str:
    """Publisher or outlet as stated ('' when none): 人民网, 新华社, 人民邮电报, 新闻宣传中心 ...

    Order: front matter ``source``/``publisher``; then labelled lines, 来源 family (来源, 文章来源,
    信息来源, 稿源, 出处, 转载自, Source) before publishing units (发布单位, 供稿) before persons in
    charge (发布人); earliest first within a family. Labels glued to a preceding word (数据来源,
    图片来源) do not count, unless an earlier label on the same line shows a meta line whose spaces
    were lost (``发布日期:2019年3月5日来源:…``); a label without a colon counts only on a meta line.
    The value stops at the next label, a date, a bar, a bracket or a double space; trailing
    punctuation goes; URLs, prose and placeholders (本站, 网络, 原创 ...) give nothing.
    Last resort: a front matter category or tag that is an outlet name (``人民邮电报新闻`` ->
    ``人民邮电报``; pinyin slugs are ignored).
    """
    return _source(front_matter or {}, _lines(text or ""))


def _source(front_matter: Mapping[str, object], lines: _Lines) -> str:
    fm = {str(k).strip().lower(): v for k, v in front_matter.items()}
    for source in (fm, lines.front_matter):
        for key in _SOURCE_KEYS:
            value = source.get(key)
            if value is not None:
                cleaned = _clean_source_value(_norm(str(value)))
                if cleaned:
                    return cleaned
    best: tuple[int, int, int] | None = None
    best_value = ""
    end = _article_end(lines, _first_body(lines, -1))
    for i, line in enumerate(lines.norm[:end]):
        for prio, rx in _SOURCE_RES:
            for m in rx.finditer(line):
                colon = ":" in m.group("colon")
                if not colon and (_is_sentence(line) or not _CJK_RE.match(m.group(0))):
                    continue  # 来源 人民网 only on a meta line; English needs "Source:"
                glued = m.start() > 0 and _WORD_CHAR_RE.match(line[m.start() - 1])
                if glued and not (colon and _META_LABEL_RE.search(line[: m.start()])):
                    continue  # 数据来源 / 图片来源; but 发布日期:2019年3月5日来源:… (spaces lost) is fine
                value = _clean_source_value(line[m.end() :])
                if not value:
                    continue
                key = (-prio, i, m.start())
                if best is None or key < best:
                    best, best_value = key, value
    if best_value:
        return best_value
    for source in (fm, lines.front_matter):
        for key in _SITE_KEYS:
            cleaned = _clean_source_value(_norm(str(source.get(key) or "")))
            if cleaned:
                return cleaned
    for source in (fm, lines.front_matter):
        for key in ("categories", "category", "tags", "tag"):
            value = source.get(key)
            if value is None:
                continue
            for token in re.split(r"[\s,，;；\[\]'\"、]+", _norm(str(value))):
                token = re.sub(r"(?:新闻|频道|栏目|文章)$", "", token)
                if _OUTLET_RE.match(token):
                    return token
    return ""


# ----------------------------------------------------------------------------------------------
# Companies
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AliasEntry:
    """One row of the alias table: ``alias`` (a literal name or a regex) means ``company``."""

    company: str
    alias: str
    kind: str = "name"  # "name" | "pattern"
    weight: float = 1.0


class Mention(NamedTuple):
    """One company mention found in a text (character offsets in the normalised text)."""

    start: int
    end: int
    company: str
    alias: str
    weight: float


def _needle(alias: str) -> str:
    """A substring every match of a literal alias contains (lower case; first word if spaced)."""
    return alias.strip().lower().split()[0] if alias.strip() else alias


def _alias_regex(entry: AliasEntry) -> str:
    if entry.kind == "pattern":
        return entry.alias
    parts = [r"\s+" if ch.isspace() else re.escape(ch) for ch in re.sub(r"\s+", " ", entry.alias.strip())]
    rx = "".join(parts)
    if re.match(r"[A-Za-z0-9]", entry.alias):
        rx = r"(?<![A-Za-z0-9])" + rx
    if re.search(r"[A-Za-z0-9]$", entry.alias):
        rx += r"(?![A-Za-z0-9])"
    return rx


@dataclass(frozen=True)
class CompanyAliases:
    """The alias table: canonical company names and what names them in text.

    ``find(text)`` returns leftmost-longest, non-overlapping mentions on normalised (NFKC, simplified)
    text; ``scores(text)`` sums their weights per company; ``canonical(name)`` maps any alias to its
    canonical company ('' if unknown).
    """

    entries: tuple[AliasEntry, ...]
    _compiled: tuple[tuple[re.Pattern[str], AliasEntry], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        compiled = []
        for e in self.entries:
            if e.weight <= 0:
                continue
            try:
                compiled.append((re.compile(_alias_regex(e), re.I), e))
            except re.error as exc:
                raise AnalysisError(f"company alias {e.alias!r} ({e.company}): bad pattern: {exc}") from None
        object.__setattr__(self, "_compiled", tuple(compiled))

    @property
    def companies(self) -> tuple[str, ...]:
        """Canonical names in table order."""
        return tuple(dict.fromkeys(e.company for e in self.entries))

    def find(self, text: str) -> list[Mention]:
        """Company mentions in ``text`` (normalised here), leftmost-longest, non-overlapping."""
        return self._find_prepared(prepare_for_matching(text))

    def _find_prepared(self, t: str) -> list[Mention]:
        lowered = t.lower()
        found = [
            Mention(m.start(), m.end(), e.company, e.alias, e.weight)
            for rx, e in self._compiled
            if e.kind == "pattern" or _needle(e.alias) in lowered  # cheap test before the regex
            for m in rx.finditer(t)
            if m.end() > m.start()
        ]
        found.sort(key=lambda x: (x.start, -(x.end - x.start), -x.weight))
        out: list[Mention] = []
        for mention in found:
            if not out or mention.start >= out[-1].end:
                out.append(mention)
        return out

    def scores(self, text: str) -> dict[str, float]:
        """Sum of mention weights per company."""
        totals: dict[str, float] = {}
        for mention in self.find(text):
            totals[mention.company] = totals.get(mention.company, 0.0) + mention.weight
        return totals

    def canonical(self, name: str) -> str:
        """Canonical company for a name that is (or contains only) one alias; '' if none."""
        name = (name or "").strip()
        if name in self.companies:
            return name
        mentions = self.find(name)
        companies = {m.company for m in mentions}
        if len(companies) == 1 and sum(m.end - m.start for m in mentions) >= len(prepare_for_matching(name)) - 2:
            return companies.pop()
        return ""


def prepare_for_matching(text: str) -> str:
    """Text as alias matching sees it: NFKC, simplified, no spaces between CJK characters."""
    return _CJK_SPACE_RE.sub("", _norm(text or ""))


def _read_alias_file(path: Path) -> list[AliasEntry]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            rows = list(reader)
            fieldnames = [f.strip().lower() for f in (reader.fieldnames or [])]
    except FileNotFoundError:
        raise AnalysisError(f"{path}: company alias file not found") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise AnalysisError(f"{path}: cannot read company alias file: {exc}") from None
    if not {"company", "alias"} <= set(fieldnames):
        raise AnalysisError(f"{path}: company alias file needs columns company,alias (has: {', '.join(fieldnames)})")
    entries = []
    for lineno, row in enumerate(rows, start=2):
        row = {str(k).strip().lower(): (v or "").strip() for k, v in row.items() if k is not None}
        company, alias = row.get("company", ""), row.get("alias", "")
        if not company or company.startswith("#") or not alias:
            continue
        kind = (row.get("kind") or "name").lower()
        if kind not in ("name", "pattern"):
            raise AnalysisError(f"{path}:{lineno}: kind must be 'name' or 'pattern', not {kind!r}")
        try:
            weight = float(row.get("weight") or 1.0)
        except ValueError:
            raise AnalysisError(f"{path}:{lineno}: weight must be a number, not {row.get('weight')!r}") from None
        if not math.isfinite(weight) or weight < 0:
            raise AnalysisError(f"{path}:{lineno}: weight must be >= 0, not {weight}")
        if kind == "name":
            alias = _norm(alias)
        else:
            try:
                re.compile(alias)
            except re.error as exc:
                raise AnalysisError(f"{path}:{lineno}: bad pattern {alias!r}: {exc}") from None
        entries.append(AliasEntry(_norm(company), alias, kind, weight))
    return entries


@functools.lru_cache(maxsize=16)
def _load_cached(files: tuple[tuple[str, int, int], ...]) -> CompanyAliases:
    merged: dict[tuple[str, str, str], AliasEntry] = {}
    for path, _mtime, _size in files:
        for e in _read_alias_file(Path(path)):
            merged.pop((e.company, e.alias, e.kind), None)  # a later file may re-weight (0 = switch off)
            merged[(e.company, e.alias, e.kind)] = e
    # A literal that a pattern of the same company covers would bypass the pattern's exclusions
    # (中國移動 normalises to 中国移动, which the 中国移动(?!互联网…) pattern handles): drop it.
    patterns = [e for e in merged.values() if e.kind == "pattern"]
    for k, e in list(merged.items()):
        if e.kind == "name" and any(
            p.company == e.company and re.fullmatch(p.alias, e.alias, re.I) for p in patterns
        ):
            del merged[k]
    for company in dict.fromkeys(e.company for e in merged.values()):  # the canonical name names itself
        own = [e for e in merged.values() if e.company == company]
        if not any(re.fullmatch(_alias_regex(e), company, re.I) for e in own):
            merged[(company, company, "name")] = AliasEntry(company, company)
    if not merged:
        raise AnalysisError(f"no company aliases in {', '.join(p for p, _, _ in files)}")
    return CompanyAliases(tuple(merged.values()))


def load_aliases(path: str | Path | None = None, extra: Iterable[str | Path] = ()) -> CompanyAliases:
    """Alias table from ``path`` (default ``resources/companies.csv``) plus user CSV files ``extra``.

    CSV columns: ``company,alias`` and optionally ``kind`` (``name`` literal, default; ``pattern``
    regular expression) and ``weight`` (default 1; 0 switches an alias off). Later files add aliases
    and companies or re-weight earlier rows. Cached per (path, mtime, size).
    """
    paths = [Path(path) if path is not None else config.COMPANIES_FILE, *(Path(p) for p in extra)]
    key = []
    for p in paths:
        try:
            st = p.stat()
        except OSError:
            raise AnalysisError(f"{p}: company alias file not found") from None
        key.append((str(p.resolve()), st.st_mtime_ns, st.st_size))
    return _load_cached(tuple(key))


def _canonical_company(name: str) -> str:
    """Canonical company for a short string using the shipped table ('' if none or unavailable)."""
    try:
        return load_aliases().canonical(name)
    except AnalysisError:
        return ""


_LEAD_CHARS = 150
_SUBJECT_CHARS = 40
_LIST_SEP_RE = re.compile(r"\s*(?:、|,|和|与|及|以及|或|同)\s*")
# Before a mention: an earlier item of an enumeration (中国石油、国家电网和中国移动); after it: 等.
_LIST_BEFORE_RE = re.compile(r"、[^,。;!?:\n]{1,15}(?:和|及|以及|与|或)\s*$")
_LIST_AFTER_RE = re.compile(r"\s*等(?![待候级同])")
_TAG_LINE_RE = re.compile(r"^[\[【(]?\s*(?:标签|关键词|关键字|tags?|keywords?)\s*[\]】)]?\s*:", re.I)
_LIST_HEADER_RE = re.compile(
    r"^[\[【(]?\s*(?:为您推荐|为你推荐|大家都在看|编辑推荐|热门推荐|热点推荐|热点资讯|最新资讯|图片新闻|新闻排行|"
    r"点击排行|阅读排行|24小时热点|今日推荐|精选推荐|往期回顾|往期推荐|更多(?:新闻|资讯|报道|阅读)|"
    r"你可能感兴趣|您可能感兴趣|相关专题|专题推荐)"
)


def _list_items(text: str, mentions: Sequence[Mention]) -> set[int]:
    """Indices of mentions that are items of an enumeration.

    ``中国电信、中国移动、中国联通有关负责同志``: every item, the last one too; ``中国石油、中国移动等``:
    an item next to 、 or before 等; ``国家电网和中国移动``after an earlier 、 item. Two names joined by
    和/与 alone (``中国移动与中国联通签署协议``) are not a list.
    """
    out: set[int] = set()
    group: list[int] = []
    enumerated = False

    def close() -> None:
        closed_by_deng = bool(group) and _LIST_AFTER_RE.match(text[mentions[group[-1]].end :][:3])
        if len(group) >= 3 or (len(group) >= 2 and (enumerated or closed_by_deng)):
            out.update(group)  # 中国电信和中国移动等: both items

    for k, m in enumerate(mentions):
        if group:
            gap = text[mentions[group[-1]].end : m.start]
            if _LIST_SEP_RE.fullmatch(gap):
                group.append(k)
                enumerated = enumerated or "、" in gap
                continue
            close()
        group, enumerated = [k], False
    close()
    for k, m in enumerate(mentions):
        before, after = text[max(0, m.start - 25) : m.start], text[m.end : m.end + 3]
        enumerated = before.endswith("、") or after.startswith("、")
        if enumerated or _LIST_AFTER_RE.match(after) or _LIST_BEFORE_RE.search(before):
            out.add(k)
    return out


def _headline_lines(lines: _Lines, first: int, end: int, title_idx: int) -> set[int]:
    """Lines of the article span that are other articles' headlines, not the article's text.

    Link-list items (``·标题``, ``标题 [04-14]``, ``标题 2021-03-04``), everything after a list header
    (为您推荐, 大家都在看 ...) and, after the last paragraph, a run of two or more headline-like lines.
    """
    skip: set[int] = set()
    for i in range(max(first, 0), end):
        if i == title_idx:
            continue
        norm = lines.norm[i]
        if _LIST_HEADER_RE.match(norm) and len(norm) <= 20 and not runin.is_promotion(norm):
            skip.update(range(i, end))
            break
        if _is_sentence(norm) or _META_LABEL_RE.search(norm):
            continue
        if _LIST_ITEM_RE.search(norm) or (_dated_headline(norm) and _cjk_count(norm) >= 6):
            skip.add(i)
    last_body = max((i for i in range(max(first, 0), end) if _is_body_line(lines.norm[i])), default=-1)
    if last_body >= 0:
        run: list[int] = []
        for i in range(last_body + 1, end + 1):
            if i < end and i not in skip and _is_title_candidate(lines.norm[i]) and not _is_sentence(lines.norm[i]):
                run.append(i)
                continue
            if len(run) >= 2:
                skip.update(run)
            run = []
    return skip


def _tagged_company(lines: _Lines, first: int, end: int, aliases: CompanyAliases) -> str:
    """The one company named on the article's tag line (标签: 党建 中国移动), else ''."""
    for i in range(max(first, 0), end):
        norm = lines.norm[i]
        if _TAG_LINE_RE.match(norm) and len(norm) <= 80:
            named = {m.company for m in aliases.find(norm)}
            return named.pop() if len(named) == 1 else ""
    return ""


def _with_short_forms(text: str, found: list[Mention]) -> list[Mention]:
    """``found`` plus the bare short forms of a telecom text (移动抢险救灾党员突击队), non-overlapping."""
    extra = [Mention(f.start, f.end, f.company, f.alias, 1.0) for f in companyforms.short_form_mentions(text)]
    if not extra:
        return found
    taken = [(m.start, m.end) for m in found]
    extra = [m for m in extra if not any(a < m.end and m.start < b for a, b in taken)]
    return sorted([*found, *extra], key=lambda m: m.start)


def _first_line_naming(lines: _Lines, company: str, aliases: CompanyAliases, lo: int, hi: int) -> str:
    """``line N: …`` for the first line in ``lo:hi`` that names ``company`` (evidence)."""
    for i in range(max(lo, 0), min(hi, len(lines.norm))):
        t = prepare_for_matching(lines.norm[i])
        if any(m.company == company for m in _with_short_forms(t, aliases._find_prepared(t))):
            snippet = lines.norm[i] if len(lines.norm[i]) <= 40 else lines.norm[i][:39] + "…"
            return f"; line {i + 1}: {snippet}"
    return ""


def extract_company(title: str, text: str, aliases: CompanyAliases | None = None) -> str:
    """Canonical company the document is about, or '' (rules in the module docstring)."""
    return explain_company(title, text, aliases)[0]


def explain_company(title: str, text: str, aliases: CompanyAliases | None = None) -> tuple[str, str]:
    """:func:`extract_company` and its evidence (``company_source``): the rule, the scores, the line."""
    aliases = aliases if aliases is not None else load_aliases()
    title_t = prepare_for_matching(title or "")
    title_found = aliases._find_prepared(title_t)
    in_title = list(dict.fromkeys(m.company for m in title_found))
    title_list = companyforms.title_lists_several(title_t, [(m.start, m.end, m.company) for m in title_found])
    lines = _lines(text or "")
    title_idx = _locate(lines, title) if title else -1
    if title_idx < 0:
        title_idx = _title_line_index(lines)
    start = _first_body(lines, title_idx)
    if 0 <= title_idx < len(lines.norm) and not in_title and _is_body_line(lines.norm[title_idx]):
        start = title_idx  # no headline: the "title" is the opening of the first paragraph, the lead
    # The article only: not the site bars and link lists above the title, nor related news below.
    first = max(title_idx, _chrome_end(lines, title_idx if title_idx >= 0 else start) + 1, 0)
    end = _article_end(lines, start)
    if first > 0 or end < len(lines.raw) or len(text or "") <= _MAX_MATCH_CHARS:
        skip = _headline_lines(lines, first, end, title_idx)
        body = prepare_for_matching("\n".join(lines.raw[i] for i in range(first, end) if i not in skip))
    else:
        body = prepare_for_matching((text or "")[:_MAX_MATCH_CHARS])
    scores: dict[str, float] = {}
    counts: dict[str, int] = {}
    found = _with_short_forms(body, aliases._find_prepared(body))
    listed = _list_items(body, found)
    for k, mention in enumerate(found):  # an item of a list (中国电信、中国移动、中国联通) counts half
        scores[mention.company] = scores.get(mention.company, 0.0) + mention.weight * (0.5 if k in listed else 1)
        counts[mention.company] = counts.get(mention.company, 0) + 1

    def where(company: str) -> str:
        return _first_line_naming(lines, company, aliases, first, end)

    if in_title and not title_list:
        head = in_title[0]
        rival = max(in_title, key=lambda c: scores.get(c, 0.0))
        if rival != head and scores.get(rival, 0.0) >= 1.5 * max(scores.get(head, 0.0), 1.0):
            return rival, f"title names {', '.join(in_title)}; {rival} has 1.5x the mentions in the body"
        if len(in_title) > 1:
            return head, f"title names {', '.join(in_title)}; the first named"
        return head, f"title names {head}"
    if not scores:
        return "", "no company named" if not in_title else f"title lists {', '.join(in_title)}; body names none"
    strong: dict[str, int] = {}  # subject of the lead or publisher: worth more than a mention
    why: dict[str, list[str]] = {}
    if start < len(lines.norm):
        lead = prepare_for_matching(lines.norm[start])[:_LEAD_CHARS]
        in_lead = _with_short_forms(lead, aliases._find_prepared(lead))
        lead_list = _list_items(lead, in_lead)
        for k, m in enumerate(in_lead):  # the lead counts double, its subject triple
            if k in lead_list:
                continue  # an item of a list: 中国石油、中国移动等
            subject = m.start < _SUBJECT_CHARS or companyforms.subject_after_time_word(lead, m.start)
            scores[m.company] = scores.get(m.company, 0.0) + m.weight * (2 if subject else 1)
            strong[m.company] = strong.get(m.company, 0) + subject
            why.setdefault(m.company, []).append("lead subject" if subject else "lead")
    for m in aliases.find(_source({}, lines)):  # 来源：中国移动 -> the publisher is the company
        scores[m.company] = scores.get(m.company, 0.0) + 2 * m.weight
        strong[m.company] = strong.get(m.company, 0) + 1
        why.setdefault(m.company, []).append("publisher")
    tagged = _tagged_company(lines, first, end, aliases)
    if tagged:  # 标签: 党建 中国移动 -> the site filed the article under the company
        scores[tagged] = scores.get(tagged, 0.0) + 2
        strong[tagged] = strong.get(tagged, 0) + 1
        why.setdefault(tagged, []).append("tag line")
    organiser = _subtitle_company(lines, title_idx, start, aliases)
    if organiser:  # ——某物业党支部、中国移动通信集团北京有限公司: one of the organisers
        scores[organiser] = scores.get(organiser, 0.0) + 2
        strong[organiser] = strong.get(organiser, 0) + 1
        why.setdefault(organiser, []).append("subtitle organiser")
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    leader, top = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    needed = max(1, math.ceil(len(body) / 2500))
    table = ", ".join(f"{c} {v:g}" for c, v in ranked[:4])
    lead_in = f"title lists {', '.join(in_title)}; " if in_title else ""
    if top >= 3 and counts.get(leader, 0) + strong.get(leader, 0) >= needed and top >= 2 * runner_up:
        reasons = f" ({', '.join(dict.fromkeys(why[leader]))})" if why.get(leader) else ""
        return leader, f"{lead_in}article scores {table}{reasons}{where(leader)}"
    if len(ranked) > 1 and top < 2 * runner_up:
        return "", f"{lead_in}no single subject: several companies share it ({table})"
    return "", f"{lead_in}too few mentions to name a subject ({table})"


def _subtitle_company(lines: _Lines, title_idx: int, start: int, aliases: CompanyAliases) -> str:
    """The one company named on the subtitle lines around the title (——…、中国移动…), else ''."""
    if title_idx < 0:
        return ""
    named: set[str] = set()
    for i in range(max(0, title_idx - 3), min(start, title_idx + 4, len(lines.norm))):
        if i != title_idx and companyforms.is_subtitle(lines.norm[i]):
            named.update(m.company for m in aliases.find(lines.norm[i]))
    return named.pop() if len(named) == 1 else ""
