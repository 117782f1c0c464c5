"""A publication header run into the first paragraph, split back into its own line.

Flattened pages (an HTML page saved without its line breaks, a copy from a browser) put the header
and the first paragraph on one line: ``时间：2021-05-21 10:10 来源：人民网 近日，中国联通召开…``. The
extractors read a header line and a paragraph differently, so the answer would depend on the line
wrapping. :func:`split_run_in_headers` restores the break: a line among the first ones that opens with
labelled header fields (labels in ``resources/header_labels.txt``) and dates, separated by spaces, and
runs on into prose is cut where the prose starts. A line without such an opening is left alone.

:func:`is_promotion` tells a site's promotion line (``更多资讯可登录某某网``, ``更多精彩请关注…``) from
the header of a related-news list (``更多资讯``, ``更多新闻>>``): the article goes on after the former.
"""

from __future__ import annotations

import functools
import itertools
import re

from analysis._text import words_pattern
from analysis.ingest.metadata import datefmt

_HEAD_LINES = 8  # only the first lines of a document hold its header
_DATEISH_RE = re.compile(r"^[\[【(]?[0-9]{1,4}(?:[-/.:年月日号][0-9]{0,4})+[日号]?[\]】)]?$|^(?:星期|周)[一二三四五六日天]$")
_PROSE_RE = re.compile(r"[,，。;；!?！？]")
_CJK_RE = re.compile(r"[\u3400-\u9fff]")


@functools.lru_cache(maxsize=1)
def _label_re() -> re.Pattern[str]:
    alternation = words_pattern("header_labels.txt")
    return re.compile(rf"^[\[【]?(?:{alternation})[\]】]?\s*(?:[:：]|(?<=/))\s*(?P<value>.*)$")


@functools.lru_cache(maxsize=1)
def _label_anywhere_re() -> re.Pattern[str]:
    """A cheap gate: does a line hold a header label with its colon at all?"""
    return re.compile(rf"(?:{words_pattern('header_labels.txt')})[\]】]?\s*[:：]|/|[0-9]:[0-9]{{2}}")


def _split_point(line: str) -> int:
    """Offset where the paragraph starts in a header-plus-paragraph line, or -1."""
    cuts = _split_points(line)
    return cuts[-1] if cuts and cuts[-1] != _head_cut(line) else -1


def _head_cut(line: str) -> int:
    """Offset of the first labelled field after a headline on the same line (``标题 时间：…``), or -1."""
    label_re = _label_re()
    tokens = list(re.finditer(r"\S+", line))[:10]
    for k, m in enumerate(tokens):
        if k >= 6:
            return -1
        # the header starts with a label, or with a date that a labelled field follows
        dated = _DATEISH_RE.match(m.group(0)) and any(label_re.match(t.group(0)) for t in tokens[k + 1 : k + 4])
        if label_re.match(m.group(0)) or dated:
            head = line[: m.start()]
            if k == 0 or len(head) > 60 or _PROSE_RE.search(head) or len(_CJK_RE.findall(head)) < 6:
                return -1
            if any(_DATEISH_RE.match(t) for t in head.split()):
                return -1
            return m.start()
    return -1


def _split_points(line: str) -> list[int]:
    """Cuts of a line opening with a header: after a headline before it, before the paragraph after it."""
    label_re = _label_re()
    head = _head_cut(line)
    labelled = False
    expect_value = False
    for m in re.finditer(r"\S+", line[max(head, 0) :]):
        token, at = m.group(0), m.start() + max(head, 0)
        lab = label_re.match(token)
        if lab:
            labelled = True
            value = lab.group("value")
            if _PROSE_RE.search(value):
                return [head] if head > 0 else []  # the value runs into the prose: no safe cut there
            expect_value = not value
            continue
        if _DATEISH_RE.match(token):
            expect_value = False
            continue
        if expect_value and len(token) <= 20 and not _PROSE_RE.search(token):
            expect_value = False
            continue
        if not labelled or at == 0:
            return []
        rest = line[at:]
        if len(_CJK_RE.findall(rest)) >= 25 and _PROSE_RE.search(rest):
            return [c for c in (head, at) if c > 0]
        return [head] if head > 0 else []
    return [head] if head > 0 and labelled else []


_STAMP_RE = re.compile(
    r"(?<![0-9])(?:19|20)[0-9]{2}\s*[-/.年]\s*[0-9]{1,2}\s*[-/.月]\s*[0-9]{1,2}\s*日?\s*[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?"
)
_WECHAT_TAIL_RE = re.compile(r"(?:微信)?(?:公众号|微信号)[\u4e00-\u9fff]{0,6}$|(?:原创|发表于)\s*$")


def _repost_cuts(line: str, index: int) -> tuple[int, int] | None:
    """Cuts of a flattened repost's first line: headline | timestamp, outlet, author | paragraph.

    ``标题公众号某某2023-07-30 11:07某某日报 记者甲 7月30日晚间，…``: the timestamp must be a run-in
    timestamp (:func:`datefmt.run_in_timestamp`), the headline before it at least six CJK characters
    without sentence punctuation, at most three short names after it, and a paragraph after those.
    """
    m = _STAMP_RE.search(line)
    if not m or not datefmt.run_in_timestamp(line, index, m.start(), _date_end(line, m)):
        return None
    head = line[: m.start()]
    if len(_CJK_RE.findall(head)) < 6 or _PROSE_RE.search(head):
        return None
    pos = m.end()
    for _ in range(3):
        tok = re.match(r"\s*(\S+)", line[pos:])
        if not tok or len(tok.group(1)) > 12 or _PROSE_RE.search(tok.group(1)):
            break
        pos += tok.end()
    rest = line[pos:]
    if pos == m.end() or len(_CJK_RE.findall(rest)) < 25 or not _PROSE_RE.search(rest):
        return None
    return m.start(), pos


def _date_end(line: str, m: re.Match[str]) -> int:
    """End of the date part (before the clock time) of a :data:`_STAMP_RE` match."""
    time = re.search(r"\s*[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?$", m.group(0))
    return m.start() + (time.start() if time else len(m.group(0)))


def split_run_in_headers(raw: list[str], norm: list[str]) -> tuple[list[str], list[str]]:
    """Lines with a run-in header split in two (``raw`` and ``norm`` stay aligned).

    A flattened repost's first line is split in three: headline (WeChat markers such as 公众号… at its
    end dropped), timestamp line, paragraph.
    """
    cuts: dict[int, list[int]] = {}
    gate = _label_anywhere_re()
    for i, n in enumerate(norm[:_HEAD_LINES]):
        # every cut is at a space, and needs a label, a slash or a clock time on the line
        if " " not in n or len(raw[i]) != len(n) or not gate.search(n):
            continue
        repost = _repost_cuts(n, i) if i < 3 else None
        if repost:
            cuts[i] = list(repost)
        elif points := _split_points(n):
            cuts[i] = points
    if not cuts:
        return raw, norm
    out_raw: list[str] = []
    out_norm: list[str] = []
    for i, (r, n) in enumerate(zip(raw, norm, strict=True)):
        bounds = [0, *cuts.get(i, []), len(n)]
        for k, (a, b) in enumerate(itertools.pairwise(bounds)):
            rp, np_ = r[a:b].strip(), n[a:b].strip()
            if k == 0 and i in cuts and len(bounds) == 4 and _STAMP_RE.search(n[b:]):  # a repost's headline: drop the WeChat marker behind it
                tail = _WECHAT_TAIL_RE.search(np_)
                if tail and len(_CJK_RE.findall(np_[: tail.start()])) >= 6:
                    rp, np_ = rp[: tail.start()].strip(), np_[: tail.start()].strip()
            if np_:
                out_raw.append(rp)
                out_norm.append(np_)
    return out_raw, out_norm


_PROMOTION_RE = re.compile(r"^[\[【(]?\s*更多.{0,8}?(?:可|请|敬请|欢迎)?\s*(?:登录|登陆|关注|下载|访问|扫描|扫码|搜索|订阅|收听|收看)")


def is_promotion(line: str) -> bool:
    """A site's promotion line (更多资讯可登录…, 更多精彩请关注…), not the header of a list of links."""
    return bool(_PROMOTION_RE.match(line))


_BYLINE_RE = re.compile(
    r"(?:记者|通讯员|摄影|实习生|见习记者|特约记者)\s*[/|:]"  # 某某网  记者/王某 通讯员/李某
    r"|^[\u4e00-\u9fff]{2,14}(?:网|报|社|台|电视台)讯?\s*\(\s*(?:记者|通讯员)"  # 某某网讯（记者 王某）
)


# _BYLINE_RE's two branches apart: a search for the first skips ahead to 记者 ..., the second (anchored)
# is tried at the start only, where the alternation tried both at every position.
_BYLINE_WORD_RE = re.compile(r"(?:记者|通讯员|摄影|实习生|见习记者|特约记者)\s*[/|:]")
_BYLINE_HEAD_RE = re.compile(r"[\u4e00-\u9fff]{2,14}(?:网|报|社|台|电视台)讯?\s*\(\s*(?:记者|通讯员)")
_SENTENCE_PUNCT_RE = re.compile(r"[。!?]")


def is_byline(line: str) -> bool:
    """A byline (``某某网  记者/王某 通讯员/李某``, ``某某网讯（记者 王某）``) of any length: never a title.

    ``line`` is normalised (NFKC: ``／`` is ``/``, ``（`` is ``(``). A title quoting a reporter does not
    put a slash or a colon right after 记者.
    """
    if _SENTENCE_PUNCT_RE.search(line):
        return False  # (a paragraph: the cheap test first)
    return bool(_BYLINE_WORD_RE.search(line) or _BYLINE_HEAD_RE.match(line))


_SENTENCE_END_RE = re.compile(r"[。!?！？;；…][”’」』)）】》]*$")
_ENDERS, _CLOSERS = "。!?！？;；…", "”’」』)）】》"


def _ends_sentence(s: str) -> bool:
    """``_SENTENCE_END_RE.search(s)``, looking at the end only (the regex is tried at every position):
    the last character before the closing quotes and brackets ends a sentence ($ also matches before
    a final line break)."""
    for t in (s, s[:-1]) if s.endswith("\n") else (s,):
        r = t.rstrip(_CLOSERS)
        if r and r[-1] in _ENDERS:
            return True
    return False


def looks_hard_wrapped(lines: list[str]) -> bool:
    """Is the whole text wrapped at a fixed width (a copy from a terminal or an e-mail)?

    The longest lines are all of one width: three or more lines within 3 characters of the longest
    line that do not end a sentence. A page with real paragraphs ends them with 。, and its longest
    lines are of varied length.
    """
    return _wrap_width(lines) is not None


def _wrap_width(lines: list[str]) -> int | None:
    """The width a whole text is hard-wrapped at (see :func:`looks_hard_wrapped`), else None."""
    if len(lines) < 3:
        return None
    longest = max(map(len, lines))
    # only the longest lines matter: strip just those (indentation may pad a line by a few characters)
    stripped = [s for s in (ln.strip() for ln in lines if len(ln) >= longest - 8) if len(s) >= 10]
    if len(stripped) < 3:
        return None
    width = max(len(s) for s in stripped)
    full = sum(1 for s in stripped if len(s) >= width - 3 and not _ends_sentence(s))
    return width if full >= 3 else None


def rejoin_hard_wrapped(text: str) -> str:
    """``text`` with its fixed-width wrapping undone (the rules of the PDF re-joining), else unchanged.

    A hard-wrapped paragraph puts a sentence's opening date on a short line of its own-looking line
    (``2015年3月2日，中国电信某分``), which the layout rules would read as a header date: re-joined, it is
    a body sentence again and never taken.
    """
    from analysis.ingest.clean.spacing import join_wrapped_lines  # cleaning comes before metadata

    width = _wrap_width(text.split("\n")) if text.count("\n") >= 3 else None
    if width is None:
        return text
    # The PDF rules keep a line that looks like a header (``2000-01-13 10:``) apart; in text wrapped at
    # a fixed width, a line of that width (a trailing space may be lost) that ends no sentence was cut
    # by the wrapping, wherever it was cut (the first line, a headline, stays as it is).
    lines = join_wrapped_lines(text).split("\n")
    out: list[str] = []
    cut = False
    for i, line in enumerate(lines):
        if cut:
            out[-1] += line.strip()
        else:
            out.append(line)
        s = out[-1].strip()
        cut = i > 0 and len(line.strip()) >= width - 1 and not _ends_sentence(s)
    return "\n".join(out)


_DATELINE_RE = re.compile(
    r"^\s*(?:[\u4e00-\u9fffA-Za-z]{2,14}(?:电|讯)|本报讯|本网讯)\s*(?:[(（][^)）]{1,30}[)）])?\s*[,，:：]?\s*"
)


def strip_dateline(sentence: str) -> str:
    """A lead sentence without its news dateline (``XX新闻电（记者 某某）``, ``本报讯``), for a title.

    Used only when a page has no headline and its first sentence stands in for the title; the rest
    must still hold six CJK characters, else the sentence is kept whole.
    """
    m = _DATELINE_RE.match(sentence)
    if not m or not re.search(r"[(（]|讯", m.group(0)):
        return sentence  # 某某电 alone could be the start of a name (某某电力): only with a bracket or 讯
    rest = sentence[m.end() :]
    return rest if len(_CJK_RE.findall(rest)) >= 6 else sentence
