"""Publication date (``extract_date``)
-----------------------------------
The guiding rule is *never invent a date*: a date is returned only when the document states it as
its own date. Dates are read in these forms (with or without spaces, fullwidth digits allowed):
``2024年1月30日`` ``2024-07-30`` ``2024/7/30`` ``2024.04.15 15:23`` ``2024-01-30T10:30:00+08:00``
``二〇二四年一月三十日`` (〇 ○ 零 O 0 as zero); ``20240130`` only right after a date label or in
front matter, English month names also on a short line under the title (``3 May 2019 | 中國聯通``).
A time glued to the date (``2020-05-0610:20``) and pinyin glosses on digits are tolerated. Month-day dates (``7月29日``) never count, and a date must be
real with a year in 1990..next year. Day-first or month-first dates (``22/09/2025``, ``6/11/2019``) are
read only when the order is certain or the page settles it (:mod:`.datefmt`); otherwise not at all.
A header run into the first paragraph or into the title line is split off first (:mod:`.runin`).

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
  73  a repost's timestamp run into the first lines, with a clock time and next to an outlet or
      account name: ``标题公众号某某2023-07-30 11:07某某日报 记者 …`` (:mod:`.datefmt`)
  50  a news dateline in the first body paragraph: ``新华社北京2024年1月30日电``
  49  the first paragraph opening with the date and a relative day: ``6/11/2019，昨日，…``
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
(会议时间：, 截止日期：) or in an event block (时间：… with 地点：… next to it); dates bounding a period or a
deadline (``截至2025年6月30日止``, ``2025年1月1日起施行``, ``…至2024年12月31日``, ``…前报送``); ``20240130`` and English month
names without a label; dates inside a body sentence, including a full date opening the first
paragraph (``2015年3月2日，中国电信召开…``): that is the date of the event, and a document whose
only dates are such is left undated.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from analysis.ingest.metadata import datefmt
from analysis.ingest.metadata.lines import (
    _CHROME_RE,
    _CJK,
    _CJK_CHARS,
    _CRAWL_NAV_RE,
    _LINE_CACHE,
    _META_LABEL_RE,
    _META_RE,
    _WORD_CHAR_RE,
    _article_end,
    _canonical,
    _chrome_end,
    _cjk_count,
    _first_body,
    _ignorecase_variants,
    _is_body_line,
    _is_sentence,
    _Lines,
    _lines,
    _locate,
    _norm,
    _spaced,
)

# ----------------------------------------------------------------------------------------------
# Dates
# ----------------------------------------------------------------------------------------------

_CN_ZERO = "〇○零OoΟО0"
_CN_DIGITS = {c: 0 for c in _CN_ZERO} | dict(zip("一二三四五六七八九", range(1, 10), strict=True))
_MONTHS_EN = {
    m: i
    for i, names in enumerate(
        [
            ("jan",),
            ("feb",),
            ("mar",),
            ("apr",),
            ("may",),
            ("jun",),
            ("jul",),
            ("aug",),
            ("sep", "sept"),
            ("oct",),
            ("nov",),
            ("dec",),
        ],
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
        re.compile(
            r"(?<![0-9])(?P<y>(?:19|20)[0-9]{2})(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12][0-9]|3[01])(?![0-9])"
        ),
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
_WEEKDAY_RE = re.compile(
    r"\s*[(\[【]?\s*(?:星期|周|礼拜)[一二三四五六日天七]|\s*[(\[【]?\s*(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\b"
)
_FILLER_RE = re.compile(r"[\s\[\]【】()<>《》:,.。·|/\-–—_~〔〕「」『』\"'“”‘’]+")


_OTHER_LABEL_RE = re.compile(rf"{_CJK}{{2,8}}\s*:\s*[\[【(<]?\s*$")
_TODAY_RE = re.compile(r"(?:今天|今日|当前|现在|系统时间|today|now)[^0-9]{0,6}$", re.I)


_STRONG_CJK = _spaced(
    f"{verb}{noun}"
    for verb in (
        "发布",
        "发表",
        "发文",
        "发稿",
        "刊发",
        "刊登",
        "刊出",
        "出版",
        "上线",
        "成文",
        "印发",
        "公布",
        "录入",
        "添加",
        "上传",
        "出刊",
    )
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
    return datefmt.valid_date(y, m, d)


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


@functools.lru_cache(maxsize=_LINE_CACHE)
def _find_dates(line: str, order: datefmt.Order | None = None) -> tuple[_DateHit, ...]:
    """All valid dates in one (normalised) line, non-overlapping, in order.

    ``22/09/2025``-style dates only when their day/month order is certain (``order``: the page's own).
    """
    # Every format but 二〇二四年一月三十日 holds a year 19xx/20xx in ASCII digits; that one needs 年 and 月.
    year = ("19" in line or "20" in line) and _YEAR_RE.search(line) is not None
    cn = "年" in line and "月" in line
    if not (year or cn):
        return ()
    # an English date needs a letter a month name can start with (in any case re.I allows)
    english = year and any(c in line for c in _MONTH_FIRST)
    # what the other formats hold besides the year (their regexes, opening with a lookbehind, are tried
    # at every position of the line): 年 and 月; a separator; eight digits in a row
    formats = {
        "cjk": year and cn,
        "numeric": year and ("-" in line or "/" in line or "." in line),
        "cn": cn,
        "compact": year and _COMPACT_HINT_RE.search(line) is not None,
        "english": english,
        "dmy": year and datefmt.may_hold_day_month(line),
    }
    return _scan_dates(line, order, year, cn, english, formats)


_COMPACT_HINT_RE = re.compile(r"(?:19|20)[0-9]{6}")


def _scan_dates(
    line: str,
    order: datefmt.Order | None,
    year: bool = True,
    cn: bool = True,
    english: bool = True,
    formats: dict[str, bool] | None = None,
) -> tuple[_DateHit, ...]:
    """:func:`_find_dates` without the prefilter: ``year`` / ``cn`` / ``english`` False skip the formats
    that need a 19xx/20xx year in ASCII digits / the 年 and 月 of 二〇二四年一月三十日 / a month's name,
    ``formats`` (format -> False) any other (the tests call it with all True)."""
    hits: list[_DateHit] = []
    for fmt, rx in _DATE_RES:
        if not (cn if fmt == "cn" else year) or (fmt == "english" and not english):
            continue
        if formats is not None and not formats.get(fmt, True):
            continue
        for m in rx.finditer(line):
            date = _hit_date(fmt, m)
            if date is not None:
                hits.append(_DateHit(m.start(), m.end(), date, fmt))
    if year and ("/" in line or "." in line or "-" in line) and (formats is None or formats.get("dmy", True)):
        for m in datefmt.DAY_MONTH_RE.finditer(line):
            date = datefmt.resolve(m, order)
            if date is not None:
                hits.append(_DateHit(m.start(), m.end(), date, "dmy"))
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    out: list[_DateHit] = []
    for h in hits:
        if not out or h.start >= out[-1].end:
            out.append(h)
    return tuple(out)


_YEAR_RE = re.compile(r"(?:19|20)[0-9]{2}")
_MONTH_FIRST = "".join(_ignorecase_variants(c) for c in dict.fromkeys(m[0] for m in _MONTHS_EN))


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
    return _front_matter_date_key(front_matter)[0]


def _front_matter_date_key(front_matter: Mapping[str, object]) -> tuple[dt.date | None, str]:
    """The front matter date and the key it was read from."""
    lowered = {str(k).strip().lower(): v for k, v in front_matter.items()}
    for key in _FM_DATE_KEYS:
        if key in lowered:
            date = parse_date(lowered[key])
            if date is not None:
                return date, key
    return None, ""


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


@functools.lru_cache(maxsize=_LINE_CACHE)
def _edge_date(line: str) -> _DateHit | None:
    """A date standing at the end (or start) of a line, apart from the text: ``标题 2024-01-30``."""
    hits = [h for h in _find_dates(line) if h.fmt not in _LABEL_ONLY_FORMATS]
    if not hits:
        return None
    last, first = hits[-1], hits[0]
    tail = _TIME_RE.sub("", _WEEKDAY_RE.sub("", line[last.end :]))
    if not _FILLER_RE.sub("", tail) and (last.start == 0 or line[last.start - 1] in " ([【<"):
        return last
    if not _FILLER_RE.sub("", line[: first.start]) and (
        first.end == len(line) or line[first.end] in " )]】>"
    ):
        return first
    return None


_EVENT_FIELD_RE = re.compile(
    r"^[\[【(]?\s*(?:地点|地址|会场|会议地点|活动地点|主办|承办|参会|报名)\s*[:】\])]"
)


def _near_event_block(lines: _Lines, i: int) -> bool:
    """Is line ``i`` part of an event notice block (时间 / 地点 / 主办 fields)?"""
    here = lines.norm[i]
    if _EVENT_FIELD_RE.search(re.sub(r"^.*?(?=地点|地址|会场|主办|承办)", "", here)):
        return True
    return any(
        0 <= j < len(lines.norm) and _EVENT_FIELD_RE.match(lines.norm[j])
        for j in (i - 2, i - 1, i + 1, i + 2)
    )


def _meta_neighbour(lines: _Lines, i: int) -> bool:
    """Is the line after ``i`` the rest of a meta line (作者：… 来源：…) split over two lines?"""
    if i + 1 >= len(lines.norm):
        return False
    nxt = lines.norm[i + 1]
    return bool(_META_LABEL_RE.match(nxt)) and not _is_sentence(nxt) and not _CRAWL_NAV_RE.search(nxt)


def _under_title(lines: _Lines, i: int, hit: _DateHit, title_idx: int, in_header: bool) -> bool:
    """A line holding only the date (and weekday) right under a located title: ``2020.05.06 星期三``."""
    return (
        title_idx >= 0 and in_header and title_idx < i <= title_idx + 2 and not _residual(lines.norm[i], hit)
    )


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
_BRACKETED_RE = re.compile(
    r"^[(\[【〔](?P<inner>[^()\[\]【】〔〕]*(?:\([^()]*\)[^()\[\]【】〔〕]*)*)[)\]】〕]$"
)
_EDITION_TAIL_RE = re.compile(r"第?\s*[0-9一二三四五六七八九十]{1,3}\s*版")


def _closing_signature(line: str, hit: _DateHit, aliases: Any = None) -> bool:
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
        return bool(_UNIT_NAME_RE.fullmatch(name)) or _canonical(name, aliases) != ""
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


@functools.lru_cache(maxsize=_LINE_CACHE)
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
    lines: _Lines,
    i: int,
    hit: _DateHit,
    kind: _LineKind,
    title_idx: int,
    body_start: int,
    chrome: int,
    aliases: Any = None,
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
    bare_under_title = (
        i == title_idx + 1 and not _residual(line, hit) and not _WEEKDAY_RE.match(line, hit.end)
    )
    labelled_under_title = (label is not None or meta or bare_under_title) and _right_under_title(
        lines, i, title_idx, body_start
    )
    if kind.crawl_nav or (i < chrome and not (labelled_meta or labelled_under_title)):
        return None  # in the site's bars above the article: the crawl date, a news ticker
    if _WEEKDAY_RE.match(line, hit.end) and not (
        labelled_meta
        or (not above_title and (label or meta or _under_title(lines, i, hit, title_idx, in_header)))
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
        and _closing_signature(line, hit, aliases)
        and _in_footer(lines, i)
        and not _in_list(lines, i)
    ):
        return 60, False  # （中国移动新闻宣传中心 2023年1月17日） under the last paragraph
    if kind.sentence:
        if (
            i == body_start
            and re.match(r"\s*电", line[hit.end :])
            and re.search(r"[社网报台讯]", prefix[-30:])
        ):
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


def extract_date(
    front_matter: Mapping[str, object], text: str, *, title: str = "", aliases: Any = None
) -> dt.date | None:
    """Publication date stated by the document, or None when it states none (never a guess).

    Scoring rules: see the module docstring. ``title`` (if known) locates the title line; otherwise
    the title is found with the rules of :func:`extract_title`. ``aliases`` (a ``CompanyAliases``,
    default the shipped table) tells which closing signatures name a company.
    """
    return _date(front_matter, _lines(text or ""), title=title, aliases=aliases)


def explain_date(
    front_matter: Mapping[str, object], text: str, *, title: str = "", aliases: Any = None
) -> tuple[dt.date | None, str]:
    """:func:`extract_date` and its evidence (``date_source``): the rule and the line it read."""
    return _date_explained(front_matter, _lines(text or ""), title=title, aliases=aliases)


def _extra_date_rule(
    lines: _Lines, i: int, hit: _DateHit, body_start: int, title_idx: int
) -> tuple[int, bool] | None:
    """Date positions of :mod:`.datefmt`: a run-in repost timestamp, a dateline with a relative day."""
    if hit.fmt in _LABEL_ONLY_FORMATS:
        return None
    line = lines.norm[i]
    if i <= body_start and datefmt.run_in_timestamp(line, i, hit.start, hit.end):
        return datefmt.RUN_IN_SCORE, False
    # the first paragraph; on a page without a headline the "title" line is that paragraph
    lead = i == body_start or (i == title_idx and _is_body_line(line))
    if lead and datefmt.relative_dateline(line, hit.start, hit.end):
        return datefmt.RELATIVE_SCORE, False
    return None


def _date(
    front_matter: Mapping[str, object], lines: _Lines, *, title: str = "", aliases: Any = None
) -> dt.date | None:
    return _date_explained(front_matter, lines, title=title, aliases=aliases)[0]


def _date_explained(
    front_matter: Mapping[str, object], lines: _Lines, *, title: str = "", aliases: Any = None
) -> tuple[dt.date | None, str]:
    date, key = _front_matter_date_key(front_matter or {})
    if date is None:
        date, key = _front_matter_date_key(lines.front_matter)
    if date is not None:
        return date, f"{datefmt.describe(100, -1, '')}: {key}"
    if not lines.norm:
        return None, ""
    title_idx = _locate(lines, title) if title else -1
    if title_idx < 0:
        from analysis.ingest.metadata.titles import _title_line_index  # titles builds on this module

        title_idx = _title_line_index(lines)
    body_start = _first_body(lines, title_idx)
    chrome = _chrome_end(lines, body_start)
    if title and title_idx < chrome:  # the title repeated after the site bars (page title, then headline)
        again = _locate(
            _Lines(lines.raw[chrome + 1 : body_start], lines.norm[chrome + 1 : body_start]), title
        )
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
            if datefmt.bounds_a_period(line, hit.start, hit.end):
                continue  # 截至2025年6月30日止 / 2025年1月1日起施行: a period or a deadline
            scored = _score_hit(lines, i, hit, kind, title_idx, body_start, chrome, aliases)
            if scored is None:
                scored = _extra_date_rule(lines, i, hit, body_start, title_idx)
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
