"""Date forms that need more than one regular expression, and the names of the date rules.

Three things live here, each small and each checked by ``tests/test_dates_companies.py``:

* **Day and month order.** ``22/09/2025`` (Hong Kong, day first) and ``6/11/2019`` (a mirror of a US
  page, month first) look the same. A date written day-or-month first is read only when its order is
  certain: one of the two numbers is above 12 (``22/09/2025`` is 22 September), both are equal, or the
  page itself settles the order (:func:`page_order`). Otherwise it is not read at all: never a guess.
* **Two date positions the layout rules cannot see**: a WeChat repost flattened into one line with the
  timestamp run in between the headline and the account name (:func:`run_in_timestamp`), and a lead
  that opens with the date followed by a relative day, ``6/11/2019，昨日，…`` (:func:`relative_dateline`).
* **Evidence**: :func:`describe` names the rule behind a date score, for the ``date_source`` column.

Everything works on normalised text (NFKC: fullwidth digits and punctuation are already ASCII).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Literal, NamedTuple

Order = Literal["dmy", "mdy"]

# 22/09/2025, 6/11/2019, 22.09.2025, 22-09-2025 (the same separator twice, the year last).
DAY_MONTH_RE = re.compile(
    r"(?<![0-9./\-])(?P<a>[0-9]{1,2})\s*(?P<sep>[/.\-])\s*(?P<b>[0-9]{1,2})\s*(?P=sep)\s*"
    r"(?P<y>(?:19|20)[0-9]{2})(?![0-9]|\.[0-9])"
)


def may_hold_day_month(line: str) -> bool:
    """What a :data:`DAY_MONTH_RE` match holds, tested before the regex (which, opening with a
    lookbehind, is tried at every position): one separator twice and a year 19xx/20xx."""
    return (
        (line.count("/") >= 2 or line.count(".") >= 2 or line.count("-") >= 2)
        and ("19" in line or "20" in line)
    )


_MONTH_DAY_RE = re.compile(r"(?<![0-9])(?P<m>[0-9]{1,2})\s*月\s*(?P<d>[0-9]{1,2})\s*[日号]")
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_EN_MONTH_DAY_RE = re.compile(
    r"(?<![a-z])(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?P<d>[0-9]{1,2})(?![0-9])"
    r"|(?<![0-9])(?P<d2>[0-9]{1,2})\s+(?P<mon2>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*(?![a-z])",
    re.I,
)
# 昨日（10日）: the day alone, in brackets right after the relative word.
_DAY_GLOSS_RE = re.compile(r"^\s*[(（]\s*(?:(?P<m>[0-9]{1,2})\s*月)?\s*(?P<d>[0-9]{1,2})\s*日\s*[)）]")
# Relative day words and their offset from the date they follow (the date the text was written).
_RELATIVE_DAYS = {"昨日": -1, "昨天": -1, "前日": -2, "前天": -2, "今日": 0, "今天": 0, "当日": 0, "当天": 0}
_RELATIVE_RE = re.compile(r"^[\s,，、]{0,3}(?:(?:本报|本网|记者)?讯?\s*)?(?P<w>昨日|昨天|前日|前天|今日|今天|日前|近日)")
_TIME_AFTER_RE = re.compile(r"^\s*(?:[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)")
# The account or outlet a repost names right after its timestamp (中国基金报, 新华社, 人民网 ...).
_OUTLET_AFTER_RE = re.compile(
    r"^\s*[\u4e00-\u9fff]{2,12}?(?:报|网|社|台|日报|晚报|时报|周刊|杂志|财经|新闻|在线|客户端|发布|观察|视点|头条)"
    r"(?![\u4e00-\u9fff]{0,2}[,，。])"
)
# What a flattened WeChat header carries right before the timestamp.
_WECHAT_BEFORE_RE = re.compile(r"(?:公众号|微信号|原创|发表于|推送|微信)\s*[\u4e00-\u9fff]{0,8}\s*$")
_RUN_IN_MAX_LINE = 3  # the timestamp must stand in the first three lines
_RUN_IN_MAX_OFFSET = 120  # ... within the first 120 characters of its line


def valid_date(y: int, m: int, d: int) -> dt.date | None:
    """The date, if it is a real calendar date of a supported year (1990 to next year); else None."""
    if not 1990 <= y <= dt.date.today().year + 1:
        return None
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def readings(m: re.Match[str]) -> tuple[dt.date | None, dt.date | None]:
    """The day-first and the month-first reading of a :data:`DAY_MONTH_RE` match (None if impossible)."""
    a, b, y = int(m.group("a")), int(m.group("b")), int(m.group("y"))
    return valid_date(y, b, a), valid_date(y, a, b)


def resolve(m: re.Match[str], order: Order | None = None) -> dt.date | None:
    """The date of a :data:`DAY_MONTH_RE` match when its order is certain, else None.

    Certain: only one reading is a real date (``22/09/2025``), both readings are the same day
    (``5/5/2020``), or ``order`` (from :func:`page_order`) says which one the page uses.
    """
    dmy, mdy = readings(m)
    if dmy is None or mdy is None or dmy == mdy:
        return dmy or mdy
    if order == "dmy":
        return dmy
    if order == "mdy":
        return mdy
    return None


class OrderEvidence(NamedTuple):
    order: Order
    line: int
    why: str


def page_order(lines: Sequence[str]) -> OrderEvidence | None:
    """Which order a page writes ``a/b/yyyy`` dates in, from the page's own evidence, else None.

    1. Dates whose order is certain (a number above 12): all day-first or all month-first settles it.
    2. An ambiguous date followed by a relative day (``6/11/2019，昨日，…``) and a month-day date in the
       same text that is exactly that relative day for one reading only (``6月10日`` is the day before
       11 June, not before 6 November), or the day glossed right after it (``昨日（10日）``).
    Contradictory evidence gives None.
    """
    certain: dict[str, tuple[int, str]] = {}
    ambiguous: list[tuple[int, re.Match[str], str]] = []
    for i, line in enumerate(lines):
        if not may_hold_day_month(line):
            continue
        for m in DAY_MONTH_RE.finditer(line):
            dmy, mdy = readings(m)
            if dmy is not None and mdy is None:
                certain.setdefault("dmy", (i, m.group(0)))
            elif mdy is not None and dmy is None:
                certain.setdefault("mdy", (i, m.group(0)))
            elif dmy is not None and mdy is not None and dmy != mdy:
                ambiguous.append((i, m, line))
    if not ambiguous:
        return None
    if len(certain) == 1:
        ((order, (i, text)),) = certain.items()
        return OrderEvidence(order, i, f"the page writes {text} ({'day' if order == 'dmy' else 'month'} first)")
    if certain:
        return None
    month_days: set[tuple[int, int]] = set()
    for line in lines:
        month_days.update((int(x.group("m")), int(x.group("d"))) for x in _MONTH_DAY_RE.finditer(line))
        for x in _EN_MONTH_DAY_RE.finditer(line):  # June 10 / 10 June on a mirror of an English page
            mon = (x.group("mon") or x.group("mon2")).lower()
            month_days.add((_MONTH_NAMES.index(mon) + 1, int(x.group("d") or x.group("d2"))))
    found: set[str] = set()
    first: OrderEvidence | None = None
    for i, m, line in ambiguous:
        rel = _RELATIVE_RE.match(line[m.end() :])
        if not rel or rel.group("w") not in _RELATIVE_DAYS:
            continue
        offset = dt.timedelta(days=_RELATIVE_DAYS[rel.group("w")])
        dmy, mdy = readings(m)
        gloss = _DAY_GLOSS_RE.match(line[m.end() + rel.end() :])  # 昨日（10日）
        fits = {
            order: (day + offset).month * 100 + (day + offset).day
            for order, day in (("dmy", dmy), ("mdy", mdy))
            if day is not None
            and (
                ((day + offset).month, (day + offset).day) in month_days
                or (
                    gloss is not None
                    and int(gloss.group("d")) == (day + offset).day
                    and (gloss.group("m") is None or int(gloss.group("m")) == (day + offset).month)
                )
            )
        }
        if len(fits) == 1:
            order = next(iter(fits))
            found.add(order)
            event = fits[order]
            first = first or OrderEvidence(
                order, i, f"{m.group(0)} then {rel.group('w')}, and the text dates the event {event // 100}月{event % 100}日"
            )
    return first if len(found) == 1 else None


def run_in_timestamp(line: str, line_index: int, start: int, end: int) -> bool:
    """A repost's timestamp run into the first line: ``标题公众号新闻2023-07-30 11:07中国基金报 …``.

    The date (``start:end`` in ``line``) must be in the first lines of the document, near the start of
    its line, carry a clock time, and stand next to a source: an outlet or account name right after
    the time, or a WeChat marker (公众号, 原创, 发表于 ...) right before the date. An event date in a
    sentence has neither a clock time glued to it nor an outlet name behind it.
    """
    if line_index >= _RUN_IN_MAX_LINE or start > _RUN_IN_MAX_OFFSET:
        return False
    time = _TIME_AFTER_RE.match(line[end:])
    if not time:
        return False
    after = line[end + time.end() :]
    return bool(_OUTLET_AFTER_RE.match(after) or _WECHAT_BEFORE_RE.search(line[:start]))


def relative_dateline(line: str, start: int, end: int) -> bool:
    """The first paragraph opens with the date and a relative day: ``6/11/2019，昨日，…``.

    The event is told relative to the date (昨日, 今天, 日前 ...), so the date is when the report was
    written, not when the event happened. A date followed by anything else (``2015年3月2日，中国电信召开…``)
    is the event's and is never used.
    """
    if start > 12 or re.search(r"[\u4e00-\u9fff]{5}", line[:start]):
        return False  # only a short dateline label (本报讯) may precede the date
    return bool(_RELATIVE_RE.match(line[end:]))


_PERIOD_BEFORE_RE = re.compile(r"(?:截至|截止(?:到|至)?|直至|至|到|自|从|由)\s*$")
_PERIOD_AFTER_RE = re.compile(r"^\s*(?:起|止|以来|以前|之前|前|以后|之后|后|开始|至|到|[-~～—–]\s*[0-9一二〇○零])")


def bounds_a_period(line: str, start: int, end: int) -> bool:
    """Does the date open, close or bound a period or a deadline rather than date the page?

    ``截至2025年6月30日止六个月``, ``2025年1月1日起施行``, ``2024年1月1日至2024年12月31日``, ``…前报送``:
    the date of a reporting period, a rule's start or a deadline, wherever the line stands.
    """
    return bool(_PERIOD_BEFORE_RE.search(line[max(0, start - 6) : start]) or _PERIOD_AFTER_RE.match(line[end : end + 6]))


# ----------------------------------------------------------------------------------------------
# Evidence: the rule behind a date score (see the score table in metadata/__init__.py)
# ----------------------------------------------------------------------------------------------

RUN_IN_SCORE = 73
RELATIVE_SCORE = 49
_RULES = {
    100: "front matter or <meta> date",
    95: "publication label in the header",
    90: "date label in the header",
    88: "meta line in the header",
    85: "publication label below the header",
    80: "update label in the header",
    78: "labelled date or meta line under the article",
    75: "date line under the title",
    RUN_IN_SCORE: "run-in timestamp next to the source",
    72: "short header line",
    70: "date at the edge of the title line",
    68: "date line above the title",
    60: "closing signature",
    55: "date-only signature line",
    50: "news dateline",
    RELATIVE_SCORE: "dateline with a relative day (昨日/今日)",
}
_EDITION_RE = re.compile(r"第\s*[0-9一二三四五六七八九十]{1,3}\s*版|[A-Z]?[0-9]{1,2}\s*版|报\s*$")


def describe(score: int, line_index: int, line: str, order: OrderEvidence | None = None) -> str:
    """``date_source`` text: the rule, the line (1-based, non-empty lines of the text) and its start."""
    rule = _RULES.get(score, f"score {score}")
    if score == 80 and _EDITION_RE.search(line[:60]):
        rule = "newspaper page header"
    snippet = line if len(line) <= 40 else line[:39] + "…"
    out = f"{rule}; line {line_index + 1}: {snippet}" if line_index >= 0 else rule
    if order is not None:
        out += f"; {'day' if order.order == 'dmy' else 'month'} first because {order.why} (line {order.line + 1})"
    return out
