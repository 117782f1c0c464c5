"""Title of a document: front matter, the line above the publication line, headings (rules in
:func:`extract_title`)."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from typing import Any

from analysis.ingest.metadata import runin
from analysis.ingest.metadata.dates import (
    _EDITION_RE,
    _TIME_RE,
    _WEEKDAY_RE,
    _edge_date,
    _find_dates,
    _in_list,
    _residual,
)
from analysis.ingest.metadata.lines import (
    _CJK,
    _DISCLAIMER_RE,
    _LEAD_LABEL_RE,
    _LINE_CACHE,
    _LIST_ITEM_RE,
    _META_LABEL_RE,
    _META_RE,
    _SITE_NAME_RE,
    _URL_RE,
    _ZERO_WIDTH_RE,
    _canonical,
    _chrome_end,
    _cjk_at_least,
    _cjk_count,
    _first_body,
    _is_nav,
    _is_sentence,
    _Lines,
    _lines,
    _locate,
    _norm,
    _to_simplified,
)

# ----------------------------------------------------------------------------------------------
# Title
# ----------------------------------------------------------------------------------------------

_TITLE_KEYS = ("title", "articletitle", "og:title", "标题", "headline", "subject")
_QUOTE_PAIRS = {
    "“": "”",
    '"': '"',
    "「": "」",
    "『": "』",
    "【": "】",
    "《": "》",
    "'": "'",
    "‘": "’",
    "[": "]",
}
_SUFFIX_SEP_RE = re.compile(r"\s*(?:_|\||｜|\s[-–—]\s|--)\s*")
_SITE_SUFFIX_RE = re.compile(
    r"(?:网|报|社|台|频道|官网|网站|门户|新闻|在线|中心|首页|集团|公司|\.com|\.cn|\.net|\.org)$|^[A-Za-z .]{2,20}$"
)
_PIC_SUFFIX_RE = re.compile(r"\s*[(\[（【](?:组图|图|视频|图文|多图|附视频|高清)[)\]）】]\s*$")
_CJK_PUNCT = "，。、；：！？“”‘’（）《》【】「」『』·—…,;:!?()"
# The title repairs' regexes, compiled once (a title is cleaned for every document).
_SPLIT_WORD_RE = re.compile(rf"{_CJK} +{_CJK}")
_CJK_SPACES_RE = re.compile(rf"(?<={_CJK}) +(?={_CJK})")
_CJK_TAIL_RE = re.compile(rf"{_CJK}{{1,4}}$")
_CJK_HEAD_RE = re.compile(rf"{_CJK}{{1,4}}")
_HEADING_MARKS_RE = re.compile(r"^#{1,6}\s*|\s*#+\s*$")
_BOLD_RE = re.compile(r"^\*\*(.+)\*\*$")
_SPACES_RE = re.compile(r"\s+")
_PUNCT_SPACE_RE = re.compile(rf"\s+(?=[{re.escape(_CJK_PUNCT)}])|(?<=[{re.escape(_CJK_PUNCT)}])\s+")
_DATE_SPACE_RE = re.compile(r"(?<=[0-9])\s+(?=[年月日号])|(?<=[年月])\s+(?=[0-9])")
# For the removals above that are tried at every position of a line (no anchor at the start, or a
# lookbehind first): what each match holds, found by a search the engine runs fast (a character class
# or a literal first); the removal runs only on a title that holds it.
_HINTS = {
    _HEADING_MARKS_RE: re.compile("#"),
    _PIC_SUFFIX_RE: re.compile(r"[(\[（【]"),
    _PUNCT_SPACE_RE: re.compile(r"\s"),
    _DATE_SPACE_RE: re.compile(r"\s"),
}


def _sub_where(rx: re.Pattern[str], s: str) -> str:
    """``rx.sub("", s)``, skipped when ``s`` lacks what every match of ``rx`` holds (:data:`_HINTS`)."""
    return rx.sub("", s) if _HINTS[rx].search(s) else s


_HEADING_MARK_RE = re.compile(r"^#{1,6}\s*")
_REPORTER_RE = re.compile(r"记者|通讯员|摄影|特约")
_IMAGE_FILE_RE = re.compile(r"\.(?:png|jpe?g|gif|webp)\b", re.I)
_LATIN_WORD_RE = re.compile(r"[A-Za-z]{2,}")


def _repair_cjk_spaces(s: str) -> str:
    """Drop a space between CJK characters when it splits a word (PDF artefact ``推动企 业``).

    A space is kept when the words on both sides stay whole (``教育会 巩固``): Chinese titles use a
    space between clauses. Word boundaries come from the rjieba dictionary.
    """
    if not _SPLIT_WORD_RE.search(s):
        return s
    import rjieba

    out: list[str] = []
    pos = 0
    for m in _CJK_SPACES_RE.finditer(s):
        left = _CJK_TAIL_RE.search(s[max(0, m.start() - 4) : m.start()])  # bounded: long lines
        right = _CJK_HEAD_RE.match(s[m.end() :])
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


def _strip_site_suffix(s: str, aliases: Any = None) -> str:
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
            _SITE_SUFFIX_RE.search(tail) is not None or _canonical(tail, aliases) != ""
        )
        if not is_site or _cjk_count(head) + len(head.split()) < 4:
            break
        s = head
    return s


def _clean_title(s: str, aliases: Any = None) -> str:
    """Markdown marks, wrapping quotes, site suffixes and broken spacing removed from a title."""
    s = _ZERO_WIDTH_RE.sub("", s).strip()
    s = _sub_where(_HEADING_MARKS_RE, s)
    s = _BOLD_RE.sub(r"\1", s)
    s = _SPACES_RE.sub(" ", s).strip()
    s = _sub_where(_PIC_SUFFIX_RE, s)
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
    s = _strip_site_suffix(s, aliases)
    s = _strip_wrapping(s)
    s = _sub_where(_DATE_SPACE_RE, _sub_where(_PUNCT_SPACE_RE, s))
    s = _repair_cjk_spaces(s)
    return _to_simplified(s.strip())


@functools.lru_cache(maxsize=_LINE_CACHE)
def _is_title_candidate(norm: str) -> bool:
    """Could this (normalised) line be a title? Rejects navigation, meta, site names, prose."""
    s = _HEADING_MARK_RE.sub("", norm).strip()
    if not s or len(s) > 100 or s.startswith(("---", "<!--", "<", "![", "image")) or _URL_RE.match(s):
        return False  # (longer than 100 characters: the last test refuses it, the others only refuse)
    if _DISCLAIMER_RE.search(s) or _is_nav(s) or _LEAD_LABEL_RE.match(s) or _META_LABEL_RE.search(s):
        return False
    if s.startswith(("—", "--", "-", "－")) or (
        _REPORTER_RE.search(s) and _cjk_count(s) < 20
    ) or runin.is_byline(s):
        return False  # a subtitle or a byline
    if _IMAGE_FILE_RE.search(s) or (_EDITION_RE.search(s) and _find_dates(s)):
        return False
    cjk = _cjk_count(s)
    if cjk < 6 and len(_LATIN_WORD_RE.findall(s)) < 4:
        return False
    if _SITE_NAME_RE.match(s):
        return False
    hits = _find_dates(s)
    if hits and all(not _residual(s, h) or len(_residual(s, h)) <= 4 for h in hits):
        return False
    prose = "。" in s or s.endswith(("!", "?", "."))
    return len(s) <= 100 and not (prose and len(s) > 60)


@functools.lru_cache(maxsize=_LINE_CACHE)
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
    """Memoised :func:`_find_title_line` (every extractor asks for the title line)."""
    if "title_pick" not in lines.memo:
        lines.memo["title_pick"] = _find_title_line(lines)
    return lines.memo["title_pick"]


def _find_title_line(lines: _Lines) -> tuple[int, bool]:
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
    long = [
        i
        for i in cands
        if _cjk_count(lines.norm[i]) >= 8 or len(_LATIN_WORD_RE.findall(lines.norm[i])) >= 4
    ]
    return (long or cands)[0], False


_TRAILING_MONTH_DAY_RE = re.compile(r"\s(?:0[1-9]|1[0-2])[-/](?:0[1-9]|[12][0-9]|3[01])$")


@functools.lru_cache(maxsize=_LINE_CACHE)
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
    if (
        not _is_title_candidate(above)
        or _LIST_ITEM_RE.search(above)
        or _dated_headline(above)
        or _dated_headline(here)
    ):
        return False
    n_above, n_here = _cjk_count(above), _cjk_count(here)
    if n_above < 18 or n_here > n_above or n_above + n_here > 64:
        return False
    if re.search(r"[。!?:;)\]】”’]$", above) or re.match(r"[—\-(\[【“‘]", here):
        return False
    return not (
        prev >= 1 and _is_title_candidate(lines.norm[prev - 1]) and _cjk_count(lines.norm[prev - 1]) >= 12
    )


def _title_line_index(lines: _Lines) -> int:
    return _title_pick(lines)[0]


def extract_title(
    front_matter: Mapping[str, object], headings: Sequence[str], text: str, *, aliases: Any = None
) -> str:
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
    between two clauses is kept. ``aliases`` (default the shipped table) tells which site suffixes are
    a company's name.
    """
    return _title(front_matter, headings, _lines(text or ""), aliases)


def _title(
    front_matter: Mapping[str, object], headings: Sequence[str], lines: _Lines, aliases: Any = None
) -> str:
    fm = {str(k).strip().lower(): v for k, v in (front_matter or {}).items()}
    for source in (fm, lines.front_matter):
        for key in _TITLE_KEYS:
            value = source.get(key)
            if value is not None and str(value).strip():
                cleaned = _clean_title(str(value), aliases)
                if cleaned:
                    return cleaned
    idx, anchored = _title_pick(lines)
    if anchored:
        if _wrapped_title(lines, idx):  # a PDF title broken over two lines
            return _clean_title(lines.raw[idx - 1] + lines.raw[idx], aliases)
        return _clean_title(lines.raw[idx], aliases)
    first_body = _first_body(lines, -1)
    good_headings = [h for h in headings if h and _is_title_candidate(_norm(h))]
    if good_headings:
        h = good_headings[0]
        pos = _locate(lines, h)
        if pos < 0 or pos < first_body:
            return _clean_title(h, aliases)
    if idx >= 0:
        return _clean_title(lines.raw[idx], aliases)
    if good_headings:
        return _clean_title(good_headings[0], aliases)
    if headings and str(headings[0]).strip():
        return _clean_title(str(headings[0]), aliases)
    for raw, norm in zip(lines.raw, lines.norm, strict=True):
        if _cjk_at_least(norm, 6) and not _DISCLAIMER_RE.search(norm) and not _is_nav(norm) and not runin.is_byline(norm):
            first = runin.strip_dateline(re.split(r"[。!?！？]", raw, maxsplit=1)[0])  # no XX新闻电（记者…）
            return _clean_title(first[:60], aliases)
    return ""
