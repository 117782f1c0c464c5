"""The prepared form of a document for metadata extraction: its lines, normalised once.

:func:`_lines` splits a text into non-empty lines, kept as given (``raw``) and normalised for matching
(``norm``: NFKC, no zero-width characters, simplified script); both lists are aligned. The extractors
(:mod:`.dates`, :mod:`.titles`, :mod:`.sources`, :mod:`.companies`) all read one such object, and the
layout facts they share (which line is the title, where the body starts, where the page chrome ends)
are computed once per document and remembered in it (``memo``).

Also here: the line classification every extractor uses (prose, body paragraph, navigation, meta line)
and the page-layout word lists (site chrome, the lines that end an article, link-list headers).
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from analysis._text import HAN_BMP, HAN_URO, convert_script, word_list, words_pattern
from analysis.errors import AnalysisError
from analysis.ingest.metadata import runin

# ----------------------------------------------------------------------------------------------
# Text normalisation shared by all extractors
# ----------------------------------------------------------------------------------------------

# Line classifiers are pure functions of the line: each result is remembered (a document asks about the
# same line from several extractors).
_LINE_CACHE = 1 << 15
_CJK_CHARS = HAN_BMP
_CJK = f"[{_CJK_CHARS}]"
_CJK_RE = re.compile(_CJK)
_WORD_CHAR_RE = re.compile(rf"{_CJK}|[A-Za-z]")
_CJK_SPACE_RE = re.compile(rf"(?<={_CJK})[ \t]+(?={_CJK})")


_BLANK_RUN_RE = re.compile(r"[ \t]+")


def _is_cjk_char(c: str) -> bool:
    return "\u3400" <= c <= "\u4dbf" or "\u4e00" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"


def _drop_cjk_spaces(s: str) -> str:
    """``_CJK_SPACE_RE.sub("", s)``: spaces and tabs between two CJK characters go. Most texts hold
    neither (the spacing repair ran before): a substring test then saves the regex, which (starting
    with a lookbehind) is tried at every position; otherwise each run of spaces and tabs is looked at
    where it stands (the regex removes exactly the whole runs with a CJK character on both sides)."""
    if " " not in s and "\t" not in s:
        return s
    out: list[str] = []
    pos = 0
    for m in _BLANK_RUN_RE.finditer(s):
        a, b = m.span()
        if a > 0 and b < len(s) and _is_cjk_char(s[a - 1]) and _is_cjk_char(s[b]):
            out.append(s[pos:a])
            pos = b
    if not out:
        return s
    out.append(s[pos:])
    return "".join(out)

# Common characters that exist only in traditional script: one of them means "convert first".
_TRAD_RE = re.compile(
    "[國聯動電鐵廣發佈時間來歲東這個們為會說對與產業經黨習進總體關開從際實現網報導編輯責寫記圖點擊閱讀覽號單"
    "處專題義務區員廠層檢權幹歷續結應變華週轉載錄]"
)
_HTML_TAG_RE = re.compile(r"</?[a-zA-Z][^<>]{0,2000}>")
_HTML_BREAK_RE = re.compile(
    r"<\s*(?:br|/p|/div|/h[1-6]|/li|/tr|/td|/th|/title|p|div|li|tr|h[1-6])\b[^<>]*>", re.I
)
_HTML_DROP_RE = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.I | re.S)
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_ZERO_WIDTH_RE = re.compile(f"[{_ZERO_WIDTH}]")
# Mirror-site pinyin glosses after characters: 國(guó)家(jiā) -> 國家.
_PINYIN = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
_GLOSS_RE = re.compile(
    rf"(?<={_CJK})[(（]\s*(?=[{_PINYIN}]*[aeiouvüāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])[{_PINYIN}]{{1,6}}[1-5]?\s*[)）]"
)
# Mirror pages that gloss every character gloss digits too: 2(èr)0(líng)2(èr)4(sì); only tone-marked glosses.
_DIGIT_GLOSS_RE = re.compile(
    r"(?<=[0-9])[(（]\s*(?=[^)）]{0,6}[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])" + rf"[{_PINYIN}]{{1,6}}\s*[)）]"
)
# What every gloss of both kinds holds: an opening bracket, then (after spaces) a pinyin letter. The
# search starts at a bracket (the engine skips ahead to one); the gloss regexes, which start with a
# lookbehind, are tried at every position of the text.
_GLOSS_HINT_RE = re.compile(rf"[(（]\s*[{_PINYIN}]")
_FM_LINE_RE = re.compile(rf"^\s*([A-Za-z_][\w-]*|[{HAN_URO}]+)\s*:\s*(.*?)\s*$")


def _to_simplified(text: str) -> str:
    """Traditional -> simplified, only when the text shows traditional characters (cheap otherwise)."""
    if not _TRAD_RE.search(text):
        return text
    return convert_script(text, "t2s")


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
    return _to_simplified(_nfkc(s))


# Fullwidth ASCII forms and the ideographic space: each one's compatibility decomposition is the one
# ASCII character it stands for (，-> , ０-> 0 　-> space).
_FULLWIDTH_RE = re.compile("[\uff01-\uff5e\u3000]")


_COMMON_FULLWIDTH = (*((c, chr(ord(c) - 0xFEE0)) for c in "，：（）！？；"), ("\u3000", " "))


def _fullwidth_to_ascii(m: re.Match[str]) -> str:
    return " " if m[0] == "\u3000" else chr(ord(m[0]) - 0xFEE0)


def _nfkc(s: str) -> str:
    """:func:`_norm` short of the script conversion (which is decided for a whole text at once).

    Fast path: replacing a fullwidth form by its decomposition keeps the text's NFKD, hence its NFKC;
    when the result is already NFKC (``is_normalized`` is a quick check), it *is* the NFKC of ``s``.
    """
    if unicodedata.is_normalized("NFKC", s):
        u = s  # (most lines: NFKC text holds no fullwidth form, each has a decomposition)
    else:
        u = s
        for wide, narrow in _COMMON_FULLWIDTH:  # (the usual ones by str.replace, no call per character)
            if wide in u:
                u = u.replace(wide, narrow)
        u = _FULLWIDTH_RE.sub(_fullwidth_to_ascii, u)
        if not unicodedata.is_normalized("NFKC", u):
            u = unicodedata.normalize("NFKC", s)
    for c in _ZERO_WIDTH:  # (a few substring tests scan faster than the character class)
        if c in u:
            return _ZERO_WIDTH_RE.sub("", u)
    return u


def _bracket_positions(text: str) -> Iterable[int]:
    for b in "(（":
        p = text.find(b)
        while p >= 0:
            yield p
            p = text.find(b, p + 1)


def _strip_glosses(text: str) -> str:
    """Pinyin glosses after characters and digits go (every gloss opens with a bracket)."""
    if not any(_GLOSS_HINT_RE.match(text, p) for p in _bracket_positions(text)):
        return text  # (_GLOSS_HINT_RE.search: a hint starts at a bracket)
    return _DIGIT_GLOSS_RE.sub("", _GLOSS_RE.sub("", text))


def _norm_joined(lines: _Lines, raw: Sequence[str], no_trad: bool = False) -> str:
    """``_norm("\n".join(raw))`` for lines of the document, each line's NFKC computed once per document.
    ``no_trad``: the lines are lines of ``lines.raw`` (or parts of them) in a document without a
    traditional character (see :func:`_norm_line`): the script test is saved.

    NFKC never reaches across a line break (``\n`` is a starter that composes with nothing), so
    normalising line by line and joining is the same as normalising the joined text; the script
    conversion is still decided on the joined text, as :func:`_norm` does. Normalising line by line
    is also faster: ``unicodedata.normalize`` returns an already normalised line at once.
    """
    if any("\n" in ln for ln in raw):  # not lines (never so for _Lines.raw, split on \n)
        return _norm("\n".join(raw))
    joined = _nfkc_joined(lines, raw)
    if no_trad:
        return joined
    return _to_simplified(joined)


def _nfkc_joined(lines: _Lines, raw: Sequence[str]) -> str:
    memo: dict[str, str] = lines.memo.setdefault("nfkc", {})
    parts = []
    for ln in raw:
        done = memo.get(ln)
        if done is None:
            done = memo[ln] = _nfkc(ln)
        parts.append(done)
    return "\n".join(parts)


def _norm_line(lines: _Lines, line: str) -> str:
    """``_norm(line)`` for a line of ``lines.norm`` (or a part of one): in a document whose text shows
    no traditional character, no part of it does (the characters tested are CJK ideographs, which
    NFKC neither composes nor makes out of more than one character), and the script test is saved."""
    return _nfkc(line) if lines.memo.get("no_trad") else _norm(line)


_NON_CJK_RE = re.compile(f"[^{_CJK_CHARS}]+")


@functools.lru_cache(maxsize=_LINE_CACHE)
def _cjk_count(s: str) -> int:
    """How many CJK characters ``s`` holds (what is left when everything else goes: no list of matches)."""
    return len(_NON_CJK_RE.sub("", s))


def _cjk_at_least(s: str, n: int) -> bool:
    """``_cjk_count(s) >= n``, mostly without counting the whole line: a line shorter than ``n`` holds
    fewer, and a prose line's first ``2n`` characters usually hold ``n`` already."""
    if len(s) < n:
        return False
    if len(s) > 2 * n and len(_NON_CJK_RE.sub("", s[: 2 * n])) >= n:
        return True
    return _cjk_count(s) >= n


@dataclass
class _Lines:
    """Non-empty lines of a document: as given (``raw``) and normalised (``norm``), aligned.

    ``text``: the text the lines were made from; ``memo``: layout facts computed once per document
    (title line, first body paragraph ...), keyed by the name of the function that computed them.
    """

    raw: list[str]
    norm: list[str]
    front_matter: dict[str, str] = field(default_factory=dict)
    text: str = ""
    memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)


_MAX_HEAD_LINES = 400
_MAX_TAIL_LINES = 40
_MAX_LINE_CHARS = 20_000
_MAX_MATCH_CHARS = 2_000_000  # company mentions are counted in the first 2 M characters


def _lines(text: str, nfkc: dict[str, str] | None = None) -> _Lines:
    """The prepared lines of ``text``; ``nfkc``: the per-line NFKC memo of another view of the same
    document (its lines before the spacing repair), shared (NFKC is a function of the line alone)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    fm, text = _split_front_matter(text)
    text = runin.rejoin_hard_wrapped(_strip_glosses(_strip_html(text)))
    raw = [ln.strip() for ln in text.split("\n")]
    raw = [ln[:_MAX_LINE_CHARS] for ln in raw if ln]
    if len(raw) > _MAX_HEAD_LINES + _MAX_TAIL_LINES:  # huge documents: metadata lives at the ends
        raw = raw[:_MAX_HEAD_LINES] + raw[-_MAX_TAIL_LINES:]
    prepared = _Lines(raw, [], fm, text)
    if nfkc is not None:
        prepared.memo["nfkc"] = nfkc
    joined = _nfkc_joined(prepared, raw)  # _norm_joined (raw was split on \n), whose script test is kept
    if _TRAD_RE.search(joined):
        joined = convert_script(joined, "t2s")
    else:
        prepared.memo["no_trad"] = True
    norm = joined.split("\n")
    if len(norm) != len(raw):  # defensive: a conversion changed the line structure
        norm = [_norm(ln) for ln in raw]
    keep = [i for i, ln in enumerate(norm) if ln.strip()]
    prepared.raw, prepared.norm = runin.split_run_in_headers([raw[i] for i in keep], [norm[i].strip() for i in keep])
    return prepared


# ----------------------------------------------------------------------------------------------
# Line classification
# ----------------------------------------------------------------------------------------------

# Characters re.I matches with an ASCII letter besides its two cases (Python's re case rules).
_IGNORECASE_EXTRA = {"i": "\u0130\u0131", "s": "\u017f", "k": "\u212a"}


def _ignorecase_variants(c: str) -> str:
    """Every character ``re.compile(c, re.I)`` matches, for an ASCII letter or a caseless character
    (anything else: the character itself and its two cases, which the caller must not rely on)."""
    return "".join(dict.fromkeys(c + c.lower() + c.upper() + _IGNORECASE_EXTRA.get(c.lower(), "")))


class _Words:
    """Does a line hold one of ``words`` or match one of the ``rest`` regexes? The same answer as
    ``re.compile(pattern, flags).search(line)`` for ``pattern``, the alternation of them all
    (:attr:`pattern`), found faster: the words without cased letters are one alternation without
    ``re.I`` (``re`` then skips ahead to a word's first character), the rest apart. Each regex of ``rest`` comes with the substrings one of
    which every match contains, and runs only on a line holding one; under ``re.I`` a word with cased
    letters stays a regex (the tests check the equivalence on generated lines)."""

    def __init__(self, words: Iterable[str], *rest: tuple[tuple[str, ...], str], flags: int = 0) -> None:
        ordered = sorted(set(words), key=lambda w: (-len(w), w))
        self.pattern = "|".join([*map(re.escape, ordered), *(rx for _, rx in rest)])
        self.flags = flags
        cased = [w for w in ordered if flags & re.I and any(c.lower() != c or c.upper() != c for c in w)]
        self._words = tuple(w for w in ordered if w not in cased)
        # the uncased words as one alternation: re skips ahead to a word's first character, faster than
        # one substring test per word (a word occurs in the line iff the alternation matches somewhere)
        self._words_re = re.compile("|".join(map(re.escape, self._words))) if self._words else None
        self._cased = re.compile("|".join(map(re.escape, cased)), flags) if cased else None
        # a match of a cased word starts with a character re.I takes for the word's first one
        known = all(w[0].isascii() or w[0].lower() == w[0] == w[0].upper() for w in cased)
        self._cased_first = "".join(sorted({c for w in cased for c in _ignorecase_variants(w[0])})) if known else None
        self._cased_hint = re.compile(f"[{re.escape(self._cased_first)}]") if self._cased_first else None
        self._rest = tuple((needles, re.compile(rx, flags)) for needles, rx in rest)
        # every needle of the rest as one alternation: a line holding none skips them all
        all_needles = sorted({n for needles, _ in rest for n in needles}, key=lambda w: (-len(w), w))
        self._rest_hint = re.compile("|".join(map(re.escape, all_needles))) if all(all_needles) else None

    def search(self, line: str) -> bool:
        if self._words_re is not None and self._words_re.search(line):
            return True
        if (
            self._cased is not None
            and (self._cased_hint is None or self._cased_hint.search(line))
            and self._cased.search(line)
        ):
            return True
        if not self._rest or (self._rest_hint is not None and not self._rest_hint.search(line)):
            return False
        return any(rx.search(line) for needles, rx in self._rest if any(n in line for n in needles))


_DISCLAIMER_RE = _Words(word_list("layout_disclaimer.txt"), flags=re.I)
_BARRIER_FREE = r"无障碍(?=\s|$|\||浏览|阅读|通道|模式)"
# A breadcrumb with › or » separators: 中国广电论坛 › 行业资讯 › 查看内容.
_BREADCRUMB = r"[^›»\s][^›»]{0,15}[›»][^›»]{1,16}[›»]"
_SITE_BAR_RES = (
    (("首页",), r"首页\s*[>»›/]"),
    (("正文",), r"[>»›]\s*正文"),
    (("›", "»"), _BREADCRUMB),
)
_NAV_RE = _Words(
    word_list("layout_navigation.txt"),
    *_SITE_BAR_RES[:2],
    (("无障碍",), _BARRIER_FREE),
    (("English",), r"(?<![A-Za-z])English(?![A-Za-z])"),
    _SITE_BAR_RES[2],
)
class _AnyOf:
    """``search`` / ``match`` of the alternation of ``regexes``: the first match any of them finds, or
    None; for boolean use (it need not be the match the alternation would give). Lets a Han
    alternation run without re.I apart from its Latin words: the same matches (Han has no case), but
    re can then skip ahead to a word's first character instead of trying every position."""

    def __init__(self, *regexes: re.Pattern[str]) -> None:
        self._regexes = regexes

    def search(self, s: str) -> re.Match[str] | None:
        for rx in self._regexes:
            m = rx.search(s)
            if m is not None:
                return m
        return None

    def match(self, s: str) -> re.Match[str] | None:
        for rx in self._regexes:
            m = rx.match(s)
            if m is not None:
                return m
        return None


# A meta line's words (来源, 作者, 浏览 ...); Latin ones in any case.
_META_RE = _AnyOf(
    re.compile(
        r"来源|作者|编辑|责编|记者|通讯员|浏览|阅读|点击|字号|字体|打印|分享|供稿|出处|发布人|发布者|发布单位|"
        r"发表于|发布于|稿源|摄影|审核|校对|访问量|原创|转载|投稿|栏目|(?:查看|回复)\s*[:：]\s*[0-9]"
    ),
    re.compile(r"source|author|editor|views?\b", re.I),
)
# A label and its colon (来源：, 发布时间：, Source:).
_META_LABEL_TAIL = r"(?:次数|量)?\s*[:：]"
_META_LABEL_RE = _AnyOf(
    re.compile(
        r"(?:来源|作者|责任编辑|编辑|责编|记者|通讯员|浏览|阅读|点击|字号|字体|供稿|出处|发布人|发布者|发布单位|"
        r"发布时间|发布日期|发表时间|发表日期|更新时间|日\s*期|时\s*间|稿源|摄影|审核|标签|关键词|关键字)"
        + _META_LABEL_TAIL
    ),
    re.compile(r"(?:source|author|date|published|tags?)" + _META_LABEL_TAIL, re.I),
)
_LEAD_LABEL_RE = re.compile(
    r"^(?:摘要|导读|核心提示|编者按|按语|提要|内容提要|图片|图为|image)\s*[:：]?", re.I
)
_URL_RE = re.compile(r"^(?:<?https?://|www\.)\S*>?$|^!?\[[^\]]*\]\([^)]*\)$", re.I)
_SITE_NAME_RE = re.compile(
    rf"^{_CJK}{{2,12}}(?:官网|官方网站|网站|新闻网|门户|频道|日报|晚报|时报|报|网|新闻中心)$"
)
_SENTENCE_END_RE = re.compile(r"[。!?;…]")


@functools.lru_cache(maxsize=_LINE_CACHE)
def _is_sentence(line: str) -> bool:
    """Prose rather than a title or meta line (works on NFKC text: fullwidth ， is ',')."""
    if "。" in line:
        return True
    # (30 CJK characters and two commas or an end mark) or (80 and a comma); the cheap tests first
    if line.count(",") >= 2 or _SENTENCE_END_RE.search(line):
        return _cjk_at_least(line, 30)
    return "," in line and _cjk_at_least(line, 80)


@functools.lru_cache(maxsize=_LINE_CACHE)
def _is_body_line(line: str) -> bool:
    """A paragraph of the article (not boilerplate such as the corpus disclaimer)."""
    if _DISCLAIMER_RE.search(line):
        return False
    if _cjk_at_least(line, 25) and _is_sentence(line):
        return True
    return _cjk_at_least(line, 100)


@functools.lru_cache(maxsize=_LINE_CACHE)
def _is_nav(line: str) -> bool:
    if _NAV_RE.search(line) or line.count("|") >= 2:
        return True
    tokens = line.split()
    return len(tokens) >= 4 and all(len(t) <= 5 for t in tokens)


# Lines where a date is the crawl date or belongs to another article.
_CRAWL_NAV_RES = (
    (("无障碍",), _BARRIER_FREE),
    (("English",), r"(?<![A-Za-z])English(?![A-Za-z])"),
    (("更多",), r"(?:查看)?更多\s*(?:>|»|$)"),
)
_CRAWL_NAV_RE = _Words(word_list("layout_chrome.txt"), *_CRAWL_NAV_RES)
# A line that ends the article: what follows belongs to other articles or to readers' comments.
_ARTICLE_END_RE = re.compile(
    rf"^[\[【(]?\s*(?:{words_pattern('layout_article_end.txt')}|"
    # forum replies (沙发, 板凳, 2#, 3楼)
    r"(?:沙发|板凳|地板|藤椅|[0-9]{1,4}\s*[#楼])(?:\s*$|\s.{0,30}发表于))"
)
# Page chrome before the article: site bars, breadcrumbs. Dates above such a line belong to the page.
_CHROME_RE = _Words(
    (*word_list("layout_chrome.txt"), "当前位置", "您的位置", "你的位置", "您现在的位置", "所在位置"),
    *_CRAWL_NAV_RES,
    *_SITE_BAR_RES,
)


def _spaced(words: Iterable[str]) -> str:
    """Alternation of words, each allowing stray spaces between its characters (PDF text)."""
    return "|".join(r"\s*".join(map(re.escape, w)) for w in sorted(set(words), key=len, reverse=True))


_KEY_DROP_RE = re.compile(r"[\s#*]+")


def _norm_key(s: str, lines: _Lines | None = None) -> str:
    """``s`` normalised without spaces, # and * (``lines``: ``s`` is a line of theirs, see _norm_line)."""
    n = _norm(s) if lines is None else _norm_line(lines, s)
    # _KEY_DROP_RE.sub("", n): re's \s is str.isspace, where str.split cuts
    return "".join(n.split()).replace("#", "").replace("*", "")


def _locate(lines: _Lines, title: str) -> int:
    """Index of the line holding ``title`` (or held by it), else -1 (once per document and title)."""
    found: dict[str, int] = lines.memo.setdefault("locate", {})
    if title not in found:
        found[title] = _find_line(lines, title)
    return found[title]


def _find_line(lines: _Lines, title: str) -> int:
    key = _norm_key(title)
    if len(key) < 4:
        return -1
    keys: dict[str, str] = lines.memo.setdefault("line_keys", {})  # line -> _norm_key(line)
    for i, line in enumerate(lines.norm[:_MAX_HEAD_LINES]):
        lk = keys.get(line)
        if lk is None:
            lk = keys[line] = _norm_key(line, lines)
        if key in lk or (len(lk) >= 6 and lk in key):
            return i
    return -1


def _chrome_end(lines: _Lines, end: int) -> int:
    """Index of the last page-chrome line (site bar, breadcrumbs) before line ``end``, else -1."""
    for i in range(min(end, len(lines.norm)) - 1, -1, -1):
        if _is_chrome(lines.norm[i]):
            return i
    return -1


@functools.lru_cache(maxsize=_LINE_CACHE)
def _is_chrome(line: str) -> bool:
    """A site bar or breadcrumb line (a promotion line under the date, 更多资讯可登录…, is none)."""
    return bool(_CHROME_RE.search(line)) and not runin.is_promotion(line)


def _article_end(lines: _Lines, body_start: int) -> int:
    """Index of the first line after the body start that opens related links or comments, else len."""
    done: dict[int, int] = lines.memo.setdefault("article_end", {})
    if body_start not in done:
        done[body_start] = _find_article_end(lines, body_start)
    return done[body_start]


def _find_article_end(lines: _Lines, body_start: int) -> int:
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


# Items of a link list: a bullet in front, or a short date behind (·标题 / 标题 [04-14] / 标题 2024-01-30).
_LIST_ITEM_RE = re.compile(
    r"^\s*[·•●◆◇■□▪▸►○]|[\[(【]\s*[0-9]{1,4}[-/.][0-9]{1,2}(?:[-/.][0-9]{1,2})?\s*[\])】]\s*$"
)


_LIST_HEADER_RE = re.compile(
    rf"^[\[【(]?\s*(?:{words_pattern('layout_link_lists.txt')})"
)


def _canonical(name: str, aliases: Any = None) -> str:
    """Canonical company of a short string with the given alias table (default: the shipped one).

    '' when the string names no company or the table is unavailable.
    """
    if aliases is None:
        # companies.py builds on this module; the default table is only needed at call time.
        from analysis.ingest.metadata.companies import load_aliases

        try:
            aliases = load_aliases()
        except AnalysisError:
            return ""
    return aliases.canonical(name)
