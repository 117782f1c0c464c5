"""Company naming forms the alias table alone cannot judge: they depend on the words around them.

* **Bare short forms** (``resources/company_short_forms.csv``): ``移动抢险救灾党员突击队``,
  ``移动在全国累计出动保障人员``. 移动 and 电信 are ordinary words ("mobile", "telecommunications"); they
  name the operator only at the start of a clause, followed by a word that makes them an organisation
  (公司, 党员, 突击队, 在全国 ...), and only in a text about telecommunications (two different words of
  ``resources/telecom_context.txt``).
* **The subject after a time word**: ``…。近日，中国移动某省某市分公司组织…``: the company that opens a
  clause right after 近日 / 日前 / X月X日 / 今年以来 in the lead is the grammatical subject of the
  report, as the first 40 characters of the lead are.
* **A partner in a joint activity**: ``某大学党支部与福州电信分公司党支部举行共建签约仪式``: the
  operator joined to the lead's subject by 与/和/携手 in a 共建 / 签约 / 合作 clause is a subject too.
* **An organiser subtitle**: a line under the title opening with a dash (``——某物业党支部、中国移动
  通信集团北京有限公司``) names the units behind the report; a company named there is not an item of an
  enumeration of many companies but one of the organisers.
* **Several operators as the subject**: a title that names several companies as items of one list
  (``出席中国电信、中国移动、中国联通年度工作会议``; ``中国移动等26家中管企业``) has no single subject.
"""

from __future__ import annotations

import csv
import functools
import re
from typing import Any, NamedTuple

from analysis import config
from analysis._text import word_list
from analysis.ingest.metadata.textsearch import window, windowed_matches


class ShortForm(NamedTuple):
    start: int
    end: int
    company: str
    alias: str


def _context_words() -> tuple[str, ...]:
    return word_list("telecom_context.txt")


# A clause boundary (or the start of a line) before a short form: never inside a longer word.
_BOUNDARY = r"(?:^|(?<=[,，。;；:：、!?！？\s“”\"'（(【\[]))"


@functools.lru_cache(maxsize=1)
def _short_forms() -> tuple[tuple[re.Pattern[str], str, str, Any], ...]:
    path = config.RESOURCES_DIR / "company_short_forms.csv"
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            company = (row.get("company") or "").strip()
            short = (row.get("short") or "").strip()
            follow = (row.get("follow") or "").strip()
            if not company or company.startswith("#") or not short or not follow:
                continue
            rx = re.compile(rf"{_BOUNDARY}{re.escape(short)}(?=(?:{follow}))")
            out.append((rx, company, short, window(rx, short)))
    return tuple(out)


def telecom_context(text: str) -> bool:
    """Does the text use at least two different telecom words (基站, 通信, 网络 ...)?"""
    search = _context_search()
    if search is None:
        return telecom_context_by_words(text)
    rx, hidden = search
    seen: set[str] = set()
    for m in rx.finditer(text):
        seen.add(m.group())
        if len(seen) >= 2:
            return True
    if not seen:
        return False  # (no word matches anywhere: none occurs)
    # One word found: another can only hide where the search took the found one instead (inside it,
    # or starting inside it).
    (word,) = seen
    return any(other in text for other in hidden[word])


def telecom_context_by_words(text: str) -> bool:
    """:func:`telecom_context` one substring test per word (the tests compare the two)."""
    found = 0
    for word in _context_words():
        if word in text:
            found += 1
            if found >= 2:
                return True
    return False


@functools.lru_cache(maxsize=1)
def _context_search() -> tuple[re.Pattern[str], dict[str, tuple[str, ...]]] | None:
    """The context words as one alternation (a scan skipping ahead to a word's first character), and
    for each word the others that a match of it can hide: the words inside it and the words that
    begin with an end of it. None when a word is empty or listed twice (counted twice by the test
    per word)."""
    listed = _context_words()
    if "" in listed or len(set(listed)) != len(listed):
        return None
    words = sorted(listed, key=lambda w: (-len(w), w))
    hidden = {
        w: tuple(
            u
            for u in words
            if u != w and (u in w or any(u.startswith(w[i:]) for i in range(1, len(w))))
        )
        for w in words
    }
    return re.compile("|".join(map(re.escape, words))), hidden


def short_form_mentions(text: str, windows: bool = True) -> list[ShortForm]:
    """Bare short forms naming an operator in ``text`` (normalised), or [] outside a telecom text.

    A match is the short form itself (what stands around it is look-around), so the pattern is tried
    only where the short form occurs (``windows=False``: over the whole text, as the tests compare).
    """
    forms = _short_forms()
    if not any(short in text for _, _, short, _ in forms) or not telecom_context(text):
        return []
    return [
        ShortForm(m.start(), m.end(), company, short)
        for rx, company, short, win in forms
        for m in (
            windowed_matches(rx, text, short, win, text.find(short)) if windows and win else rx.finditer(text)
        )
    ]


_TIME_OPENER_RE = re.compile(
    r"(?:^|[。;；!?！？]\s*)(?:近日|日前|近期|昨日|昨天|今日|今天|[0-9]{1,2}月[0-9]{1,2}日(?:[上下]午|晚间?|上午)?|"
    r"[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日|今年以来|[0-9]{1,2}月(?:上|中|下)旬|本月|当天|当日)\s*[,，]?\s*$"
)


def subject_after_time_word(text: str, start: int) -> bool:
    """Does the mention at ``start`` open a clause right after a time word (``。近日，中国移动…``)?"""
    return bool(_TIME_OPENER_RE.search(text[max(0, start - 20) : start]))


_PARTNER_BEFORE_RE = re.compile(r"(?:与|和|同|携手|联合)\s*$")
_PARTNER_AFTER_RE = re.compile(r"^[^。;!?]{0,60}?(?:共建|联建|结对|签约|签署|联学|共学|联合开展|共同开展|合作)")


def partner_subject(text: str, start: int, end: int) -> bool:
    """Is the mention at ``start:end`` the partner of the lead's subject in a joint activity?

    ``近日，某大学信息学院党支部与福州电信分公司网络发展部党支部举行共建签约仪式``: a university or a
    design institute co-building with an operator's branch; the operator is what the user counts.
    """
    return bool(_PARTNER_BEFORE_RE.search(text[max(0, start - 4) : start]) and _PARTNER_AFTER_RE.match(text[end:]))


_SUBTITLE_RE = re.compile(r"^\s*(?:—|--)\s*\S")  # ——, —, -- (NFKC); not a Markdown item "- …"


def is_subtitle(line: str) -> bool:
    """A subtitle line under the title: it opens with a dash (``——某物业党支部、中国移动…``)."""
    return bool(_SUBTITLE_RE.match(line)) and len(line) <= 80


_COUNTED_LIST_RE = re.compile(r"^\s*等\s*[0-9一二三四五六七八九十两几多]+\s*[家个]")


def title_lists_several(title: str, spans: list[tuple[int, int, str]]) -> bool:
    """Does the title name companies only as items of one list, with no single subject?

    ``中国电信、中国移动、中国联通年度工作会议`` (three or more items, or two joined by 、) or a counted
    list (``中国移动等26家中管企业``). Two companies joined by 与/和 (``中国移动与中国联通签署协议``) have a
    subject each: not a list here.
    """
    if not spans:
        return False
    if any(_COUNTED_LIST_RE.match(title[end:]) for _, end, _ in spans):
        return True
    companies = {c for _, _, c in spans}
    if len(companies) < 2:
        return False
    gaps = [title[spans[k][1] : spans[k + 1][0]] for k in range(len(spans) - 1)]
    joined = all(re.fullmatch(r"\s*(?:、|,|，|和|与|及|以及)\s*", g) for g in gaps)
    return joined and (len(companies) >= 3 or any("、" in g for g in gaps))
