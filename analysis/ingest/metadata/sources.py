"""Source of a document: the publisher or outlet it states (rules in :func:`extract_source`)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from analysis.ingest.metadata.dates import (
    _find_dates,
    _residual,
)
from analysis.ingest.metadata.lines import (
    _CJK,
    _CJK_CHARS,
    _CJK_RE,
    _META_LABEL_RE,
    _WORD_CHAR_RE,
    _article_end,
    _first_body,
    _is_sentence,
    _Lines,
    _lines,
    _norm,
    _spaced,
)

# ----------------------------------------------------------------------------------------------
# Source
# ----------------------------------------------------------------------------------------------

_SOURCE_EN = "source"
_SOURCE_LABELS: tuple[tuple[int, str], ...] = (
    (
        3,
        _spaced(
            (
                "来源",
                "文章来源",
                "稿件来源",
                "信息来源",
                "新闻来源",
                "消息来源",
                "内容来源",
                "本文来源",
                "稿源",
                "出处",
                "转载自",
                "转自",
                "来源于",
            )
        )
        + r"|" + _SOURCE_EN,
    ),
    (
        2,
        _spaced(("发布单位", "发布机构", "发布部门", "发稿单位", "供稿单位", "供稿", "信息提供", "主办单位")),
    ),
    (1, _spaced(("发布人", "发布者", "信息发布人"))),
)
_SOURCE_RES = tuple(
    (prio, re.compile(rf"(?:{rx})\s*(?P<colon>:\s*|\s+)", re.I)) for prio, rx in _SOURCE_LABELS
)
# The same labels searched faster: each Han alternation without re.I (Han has no case: the same
# matches, but re can then skip ahead to a label's first character) apart from "source", and each
# regex only on a line holding one of the characters every label of it holds (源 of 来源 ..., the o
# of source in either case). A Han match and a source match never overlap (one holds no Latin letter).
_SOURCE_FAST = tuple(
    (prio, re.compile(rf"(?:{rx})\s*(?P<colon>:\s*|\s+)", flags), re.compile(f"[{''.join(needles)}]"))
    for prio, rx, flags, needles in (
        (3, _SOURCE_LABELS[0][1].removesuffix("|" + _SOURCE_EN), 0, ("源", "处", "转")),
        (3, _SOURCE_EN, re.I, ("o", "O")),
        (2, _SOURCE_LABELS[1][1], 0, ("位", "构", "门", "供")),
        (1, _SOURCE_LABELS[2][1], 0, ("布",)),
    )
)
# What a label's separator (``\s*(?P<colon>:\s*|\s+)`` above) holds in any case: a colon or a space.
_LABEL_END_RE = re.compile(r"[:\s]")


def _has_label_end(line: str) -> bool:
    """``_LABEL_END_RE.search(line)``, faster: re's \\s is str.isspace, whose runs str.split cuts at (a
    text holds one iff it splits in two or starts or ends with one)."""
    if ":" in line or " " in line:
        return True
    if line.isprintable():
        return False  # (every white space but " " is unprintable)
    return len(line.split(None, 1)) > 1 or line[:1].isspace() or line[-1:].isspace()
_SOURCE_STOP_RE = re.compile(
    r"\s{2,}|\t|[|丨【\[]|\s*(?:发布时间|发布日期|发表时间|更新时间|时\s*间|日\s*期|作者|责任编辑|编辑|责编|记者|"
    r"通讯员|浏览|阅读|点击|字号|字体|打印|分享|审核|摄影|来源|发布人|供稿|关键词|标签)\s*[:：]"
    r"|\s*(?:19|20)[0-9]{2}\s*[-/.年]|\s+(?:作者|编辑|记者|浏览|点击|阅读)",
    re.I,
)
_SOURCE_JUNK = frozenset(
    {
        "本站",
        "本网",
        "网络",
        "互联网",
        "未知",
        "佚名",
        "不详",
        "原创",
        "其他",
        "综合",
        "网友",
        "本站原创",
        "转载",
        "网络转载",
        "无",
    }
)
_SOURCE_KEYS = (
    "source",
    "contentsource",
    "publisher",
    "media",
    "outlet",
    "来源",
    "出处",
    "发布单位",
    "文章来源",
)
_SITE_KEYS = ("og:site_name", "sitename", "site_name")  # last resort: the outlet that carried the page
_OUTLET_RE = re.compile(rf"^{_CJK}[{_CJK_CHARS}·]{{1,14}}(?:报|网|社|台|杂志|日报|晚报|时报|周刊|频道)$")


_OPENERS = "([【「『<《\"'“‘"  # character sets for str.strip
# what a source value must not hold (sentence punctuation, a URL) and must hold (a word)
_VALUE_PUNCT_RE = re.compile(r"[。,;!?]")
_VALUE_URL_RE = re.compile(r"https?://|www\.", re.I)
_VALUE_WORD_RE = re.compile(rf"{_CJK}|[A-Za-z]{{2,}}")
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
    if (
        not v
        or len(v) > 30
        or v in _SOURCE_JUNK
        or _VALUE_PUNCT_RE.search(v)
        or _VALUE_URL_RE.match(v)
    ):
        return ""
    if not _VALUE_WORD_RE.search(v) or any(not _residual(v, h) for h in _find_dates(v)):
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
    if front_matter:
        return _find_source(front_matter, lines)
    # without front matter of its own, once per document (the company rule asks for it, then describe)
    if "source" not in lines.memo:
        lines.memo["source"] = _find_source({}, lines)
    return lines.memo["source"]


def _find_source(front_matter: Mapping[str, object], lines: _Lines) -> str:
    fm = {str(k).strip().lower(): v for k, v in front_matter.items()}
    for source in (fm, lines.front_matter):
        for key in _SOURCE_KEYS:
            value = source.get(key)
            if value is not None:
                cleaned = _clean_source_value(_norm(str(value)))
                if cleaned:
                    return cleaned
    best_value = _labelled_source(lines)
    if best_value:
        return best_value
    for source in (fm, lines.front_matter):
        for key in _SITE_KEYS:
            if not source.get(key):
                continue  # (nothing to clean: "")
            cleaned = _clean_source_value(_norm(str(source.get(key))))
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


def _labelled_source(lines: _Lines) -> str:
    """The source a labelled line of the article states ('' if none), once per document (memo)."""
    if "labelled_source" not in lines.memo:
        lines.memo["labelled_source"] = _find_labelled_source(lines)
    return lines.memo["labelled_source"]


def _find_labelled_source(lines: _Lines, needles: bool = True) -> str:
    """The first labelled source of the highest priority (``needles=False``: the labels as one re.I
    regex per priority, tried on every line, as the tests compare)."""
    best: tuple[int, int, int] | None = None
    best_value = ""
    end = _article_end(lines, _first_body(lines, -1))
    for i, line in enumerate(lines.norm[:end]):
        if needles and not _has_label_end(line):
            continue  # every label is followed by a colon or a space (most prose lines hold neither)
        for prio, rx, holds in _SOURCE_FAST if needles else ((p, r, None) for p, r in _SOURCE_RES):
            if holds is not None and not holds.search(line):
                continue
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
    return best_value
