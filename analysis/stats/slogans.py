"""Slogans (提法): quoted phrases, 《titles》, numbered formulations and lexicon terms in Chinese text.

What counts as a hit (``SloganHit.kind``):

``title``     the content of 《…》 (a document, book or programme title; 〈…〉 may nest inside).
``numbered``  a numbered formulation (``NUMBERED_RE``): 两个维护, 四个意识, 三不腐, 四下基层, 十九大,
              十四五, 1+N, 4+99+32, 一岗双责, 三会一课 ...
``lexicon``   a term of the slogan lexicon (``resources/slogans.txt`` plus the user's files).
``quoted``    any other phrase in quotes: “…” ‘…’ 「…」 『…』 "…" ＂…＂ 〝…〞.

Where a hit is found and what kind it gets are separate questions:

* Lexicon terms are found anywhere in the text (plain, quoted or inside a title), leftmost-longest and
  non-overlapping, so 全面从严治党 is never also counted as 从严治党.
* Quoted and title spans are found line by line (a hit never spans a paragraph). Curly quotes pair in
  any direction (“…” ”…“ “…“ ”…”: real documents contain all four), each quote family only with
  itself, left to right. A pair is rejected if its content holds sentence punctuation (。！？；!?;) or
  is too long (``MAX_QUOTED`` characters; ``MAX_COMPOUND`` for 、-lists with items of at most
  ``MAX_PART``, while commas join clauses, not slogans); the closing mark of a rejected pair is tried
  again as an opening mark, so one stray quote cannot swallow a paragraph nor unpair the quotes after
  it. An accepted pair is a slogan if its content has two or more characters with a CJK one (“实”字
  is emphasis: the marks pair, no hit), is a numbered formulation, or - inside “” 「」 『』 〝〞, not
  ‘’ (apostrophes) nor ASCII quotes (markup) - has letters/digits such as BASIC6.
* Numbered formulations are recognised inside quotes and on lexicon terms with ``NUMBERED_RE``; in
  plain text only two unambiguous shapes are searched (``x+y`` formulas such as 1+N, 4+99+32, and the
  five-year plans 十一五..十五五), because "四个方面" or "三名人员" in running text are not slogans.

The kind describes the slogan, not the place it was found: a text always gets the same kind, whatever
its quoting, by the precedence title > numbered > lexicon > quoted. So “四个意识” and a plain 四个意识
are one slogan in the counts. One hit per span: a quoted span equal to a lexicon term or a numbered
formulation is reported once, with that kind; a 《title》 stays a title (its content is a work's name),
but lexicon terms inside a longer title are counted (《中国联通党风廉政建设责任制实施办法》 counts
党风廉政建设).

Compounds (a quoted or lexicon span listing parts with 、 ， or ,): the compound is the slogan
(“学思想、强党性、重实践、建新功”). With ``split_compound=True`` each part that is a numbered
formulation, and each lexicon term inside a part (一体推进不敢腐 -> 不敢腐), is reported too, with its
own span; parts that are plain words (理论学习, 推动发展 ...) are not. A list is numbered if every part
is (两个维护、四个意识). With ``split_compound=False`` a compound is one hit and the hits inside it are
dropped (titles excepted).

Hit text is normalised: outer whitespace stripped, whitespace next to a CJK character or punctuation
removed (PDF spacing: “ 身边事 ” -> 身边事, 六 +X -> 六+X), other runs of whitespace collapsed to one
space, full-width letters, digits and ＋ made ASCII. ``start``/``end`` index the source text, and
``normalize_slogan(text[start:end]) == hit.text``; use ``normalize_slogan`` on lists of your own.
"""

from __future__ import annotations

import bisect
import collections
import functools
import itertools
import operator
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis import config
from analysis.errors import AnalysisError, ReadError
from analysis.stats.columns import flag_thin, with_vocabulary

__all__ = [
    "KINDS",
    "NUMBERED_RE",
    "SloganHit",
    "adoption_timeline",
    "extract_slogans",
    "is_numbered",
    "load_slogan_lexicon",
    "normalize_slogan",
    "slogan_counts",
    "slogan_profile",
]

#: Kinds in order of precedence (a text that is both numbered and a lexicon term is "numbered").
KINDS = ("title", "numbered", "lexicon", "quoted")
_RANK = {k: i for i, k in enumerate(KINDS)}

MAX_QUOTED = 20  # characters of a quoted slogan (after normalisation)
MAX_COMPOUND = 48  # characters of a quoted 、-list (理论学习有收获、思想政治受洗礼、... has 39)
MAX_PART = 16  # characters of each item of such a list
MAX_TITLE = 60  # characters of a 《title》

_ALL_LABEL = "(all)"  # group label of the overall profile, as in stats.frequency

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{_CJK}]")
_FULLWIDTH = str.maketrans(
    {**{chr(0xFF10 + i): str(i) for i in range(10)},
     **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
     **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
     "＋": "+"}
)
# Whitespace touching a non-ASCII-word character (CJK, punctuation) is PDF spacing: drop it.
_SPACE_NEAR_CJK = re.compile(r"\s+(?=[^\sA-Za-z0-9])|(?<=[^\sA-Za-z0-9])\s+")
_SPACES = re.compile(r"\s+")

# ---------------------------------------------------------------------------------- numbered forms
_NUM = "一二两三四五六七八九十"
#: Full-match pattern of a numbered formulation (applied to quoted content, parts and lexicon terms):
#:   1. formula:   numbers (digits or 一..十) joined by "+", letters allowed for all but one element,
#:                 optionally followed by a short CJK tail: 1+N, 4+99+32, 1+1, 六+X项整改任务
#:   2. five-year plan: 十一五 .. 十五五, optionally 规划/时期
#:   3. counted:   a numeral other than 一 (二两三..十, 百, 千), or digits followed by a CJK
#:                 character, then 1-11 CJK/alnum characters in all: 两个维护, 四个意识, 三不腐, 四下基层,
#:                 十九大, 12字, 三读三悟三增强 (not 5G; not 双-: 双向, 双方 are plain words, 双碳
#:                 is a lexicon term)
#:   4. 一-forms:  一 followed by text that contains a second numeral: 一岗双责, 一老一少, 一二二五,
#:                 一带一路 (a lone 一 starts too many plain words: 一线, 一体化, 一个问题)
#: A list (parts separated by 、 ， ,) is numbered if every part is: 两个维护、四个意识.
NUMBERED_RE = re.compile(
    rf"""
    (?: (?:[0-9]+|[A-Za-z]|[{_NUM}]+) (?:\+(?:[0-9]+|[A-Za-z]|[{_NUM}]+))+ [{_CJK}]{{0,8}}
      | 十[一二三四五]五(?:规划|时期)?
      | (?:[二两三四五六七八九十百千]|[0-9]+(?=[{_CJK}])) [{_CJK}0-9A-Za-z+]{{1,11}}
      | 一[{_CJK}]{{0,5}}[{_NUM}双][{_CJK}]{{0,5}}
    )""",
    re.VERBOSE,
)
_FORMULA_HAS_DIGIT = re.compile(rf"[0-9{_NUM}]")
# Plain-text searches (no quotes needed): x+y formulas with at least one number, five-year plans.
# No whitespace inside and no digit, letter, ':' '.' '-' '/' around, so times (13:02:46 +0800),
# decimals and dates are not formulas.
_PLAIN_FORMULA = re.compile(
    r"(?<![0-9A-Za-z+.:/\-＋])(?:[0-9０-９]+|[A-Za-z])(?:[+＋](?:[0-9０-９]+|[A-Za-z]))+(?![0-9A-Za-z+.:/\-＋])"
)
_PLAIN_PLAN = re.compile(r"(?<![〇零一二两三四五六七八九十百千万第])十[一二三四五]五(?![〇零一二两三四五六七八九十百千万个年月日号%])")

# --------------------------------------------------------------------------------------- quotes
# Each family pairs only with itself; within a family any mark opens and any mark closes.
_FAMILIES = {
    "“": "curly2", "”": "curly2",
    "‘": "curly1", "’": "curly1",
    "「": "corner", "」": "corner",
    "『": "corner2", "』": "corner2",
    '"': "ascii", "＂": "ascii",
    "〝": "prime", "〞": "prime", "〟": "prime",
}
_OPENERS_ONLY = {"「": "」", "『": "』"}  # corner brackets are never reversed in practice
_CLOSERS_ONLY = {"」", "』"}
_QUOTE_RE = re.compile("[" + re.escape("".join(_FAMILIES)) + "]")
_ALNUM_OK = {"curly2", "corner", "corner2", "prime"}  # where BASIC6 may be a slogan (not ‘’: apostrophes)
_SENTENCE_END = re.compile(r"[。！？；!?;]")
_COMPOUND_SEP = re.compile(r"[、，,]")
_TITLE_RE = re.compile(rf"《([^《》\n。！？；]{{1,{MAX_TITLE + 20}}})》")


@dataclass(frozen=True)
class SloganHit:
    """One slogan occurrence: normalised ``text``, ``kind`` (see KINDS), span ``start:end`` in the source."""

    text: str
    kind: str
    start: int
    end: int


def normalize_slogan(s: str) -> str:
    """A slogan's canonical text (how hit texts and lexicon terms are compared; see module docstring)."""
    s = s.translate(_FULLWIDTH).strip()
    s = _SPACE_NEAR_CJK.sub("", s)
    return _SPACES.sub(" ", s)


_MEMO_MAX = 200  # strings up to this length are memoised (slogans repeat across documents; lines do not)


@functools.lru_cache(maxsize=1 << 16)
def _normalize_memo(s: str) -> str:
    return normalize_slogan(s)


def _normalized(s: str) -> str:
    return _normalize_memo(s) if len(s) <= _MEMO_MAX else normalize_slogan(s)


@functools.lru_cache(maxsize=1 << 16)
def _is_numbered_memo(text: str) -> bool:
    return is_numbered(text)


def is_numbered(text: str) -> bool:
    """True if the (normalised) text is a numbered formulation (see ``NUMBERED_RE``)."""
    t = normalize_slogan(text)
    parts = [p for p in _COMPOUND_SEP.split(t) if p]
    if len(parts) > 1:  # a list (两个维护、四个意识) is numbered if every item is
        return all(is_numbered(p) for p in parts)
    if not NUMBERED_RE.fullmatch(t):
        return False
    return "+" not in t or bool(_FORMULA_HAS_DIGIT.search(t))  # A+B is no numbered formula


# ---------------------------------------------------------------------------------------- lexicon
def _parse_lexicon(text: str) -> list[str]:
    terms: list[str] = []
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        term = normalize_slogan(line)
        if term:
            terms.append(term)
    return terms


@functools.lru_cache(maxsize=32)
def _read_lexicon_file(path: str, mtime_ns: int) -> tuple[str, ...]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReadError(path, f"cannot read slogan lexicon: {exc}") from None
    return tuple(_parse_lexicon(text))


def _lexicon_terms(path: str | Path) -> tuple[str, ...]:
    p = Path(path)
    try:
        mtime = p.stat().st_mtime_ns
    except OSError as exc:
        raise ReadError(p, f"cannot read slogan lexicon: {exc.strerror or exc}") from None
    return _read_lexicon_file(str(p), mtime)


def load_slogan_lexicon(path: str | Path | None = None, extra: Iterable[str | Path] = ()) -> list[str]:
    """Slogan terms from ``path`` (default ``config.SLOGANS_FILE``) plus every file in ``extra``.

    Files: UTF-8, one term per line, ``#`` starts a comment. Terms are normalised like hit texts and
    deduplicated, first occurrence first. Raises ReadError for an unreadable file.
    """
    seen: dict[str, None] = {}
    for p in (config.SLOGANS_FILE if path is None else path, *extra):
        for term in _lexicon_terms(p):
            seen.setdefault(term, None)
    return list(seen)


class _Lexicon:
    """A compiled lexicon: the set of terms, their leftmost-longest matches (an Aho-Corasick automaton,
    :meth:`matches`) and a trie-shaped regex of the same matches (the line scan's, and the fallback)."""

    def __init__(self, terms: tuple[str, ...]) -> None:
        self.terms = frozenset(t for t in terms if t)
        self.min_len = min((len(t) for t in self.terms), default=0)
        self.multiline = any("\n" in t for t in self.terms)
        self._plain: dict[bool, dict[str, str]] = {}

    # compiled on first use: a process that only reads cached counts never builds the regex
    @functools.cached_property
    def regex(self) -> re.Pattern[str] | None:
        return _trie_regex(self.terms) if self.terms else None

    @functools.cached_property
    def every(self) -> re.Pattern[str] | None:
        """The same trie inside a lookahead: the longest term starting at *every* position, overlaps allowed."""
        return re.compile(f"(?=({self.regex.pattern}))") if self.regex is not None else None

    def __getstate__(self) -> dict[str, Any]:
        # the automaton cannot be pickled: a copy sent to another process builds its own
        return {k: v for k, v in self.__dict__.items() if k != "_automaton"}

    @functools.cached_property
    def _automaton(self) -> tuple[Any, tuple[str, ...]] | None:
        import ahocorasick_rs

        ordered = tuple(sorted(self.terms))
        if not ordered:
            return None
        return ahocorasick_rs.AhoCorasick(ordered, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest), ordered

    def matches(self, text: str) -> tuple[list[str], list[tuple[int, int]]]:
        """The terms and spans of the leftmost-longest, non-overlapping matches of the terms in ``text``,
        in order: what ``regex.finditer`` finds, found by the automaton (about three times faster; the
        regex where the text cannot be encoded as UTF-8, a lone surrogate)."""
        if self._automaton is None:
            return [], []
        automaton, ordered = self._automaton
        try:
            found = automaton.find_matches_as_indexes(text)
        except UnicodeEncodeError:
            assert self.regex is not None
            spans = [m.span() for m in self.regex.finditer(text)]
            return [text[a:b] for a, b in spans], spans
        return list(map(ordered.__getitem__, map(_FIRST, found))), list(map(_SPAN_OF_INDEXES, found))

    def occurrences(self, text: str) -> dict[str, int]:
        """Every occurrence of every term in ``text``, including those inside a longer term or overlapping
        another one (中国特色社会主义 inside 习近平新时代中国特色社会主义思想 counts).

        An occurrence that starts outside every leftmost-longest match would itself have been matched
        there, so only the positions inside a match need a second look, and what a match holds is worked
        out once per distinct match (``_inside``): one scan plus a few probes.
        """
        found: dict[str, int] = {}
        if self.terms:
            self._add_occurrences(text, self.matches(text)[1], found)
        return found

    @functools.cached_property
    def _proper_prefixes(self) -> frozenset[str]:
        return frozenset(t[:k] for t in self.terms for k in range(1, len(t)))

    @functools.lru_cache(maxsize=1 << 14)  # noqa: B019 - one _Lexicon per term set, kept by _compiled_lexicon
    def _inside(self, match: str) -> tuple[tuple[tuple[str, int], ...], tuple[int, ...]]:
        """What ``occurrences`` adds for a leftmost-longest match ``match``: the counts that depend on the
        match alone, and the offsets inside it where a term may run past its end (probed in the text)."""
        terms, min_len = self.terms, self.min_len
        found: dict[str, int] = {}

        def add_prefixes(longest: str) -> None:
            for n in range(min_len, len(longest) + 1):
                piece = longest[:n]
                if piece in terms:
                    found[piece] = found.get(piece, 0) + 1

        add_prefixes(match)
        probe: list[int] = []
        for p in range(1, len(match)):
            rest = match[p:]
            if rest in self._proper_prefixes:  # a longer term starts with the rest: look at the text
                probe.append(p)
                continue
            for n in range(len(rest), min_len - 1, -1):  # else the longest term here lies inside the match
                if rest[:n] in terms:
                    add_prefixes(rest[:n])
                    break
        return tuple(found.items()), tuple(probe)

    @functools.cached_property
    def term_kinds(self) -> dict[str, str]:
        """The kind of each term: numbered or lexicon."""
        return {t: "numbered" if _is_numbered_memo(t) else "lexicon" for t in self.terms}

    def plain_kinds(self, split_compound: bool) -> dict[str, str]:
        """term -> kind, for the terms whose leftmost-longest match is exactly one hit (the whole match,
        no compound): all but the 、-lists."""
        plain = self._plain.get(split_compound)
        if plain is None:
            plain = {}
            for t in self.terms:
                hits, compound = _segment_hits(t, "lexicon", self, split_compound)
                if compound is None and len(hits) == 1 and hits[0][:3] == (0, len(t), t):
                    plain[t] = hits[0][3]
            self._plain[split_compound] = plain
        return plain

    def occurrences_of_matches(
        self, text: str, by_term: dict[str, list[int]], spans: list[tuple[int, int]]
    ) -> dict[str, int]:
        """``occurrences(text)`` from the leftmost-longest matches of the text: their spans, and the
        matches of each term (indices into ``spans``)."""
        found: dict[str, int] = {}
        for w, idx in by_term.items():
            counts, probe = self._inside(w)
            for term, k in counts:
                found[term] = found.get(term, 0) + k * len(idx)
            for i in idx if probe else ():
                self._probe(text, spans[i][0], probe, found)
        return found

    def _probe(self, text: str, start: int, probe: Any, found: dict[str, int]) -> None:
        """Count the terms that begin at the probe offsets of a match starting at ``start`` (the
        occurrences inside it that the leftmost-longest match passed over)."""
        terms, min_len, every = self.terms, self.min_len, self.every
        assert every is not None
        for p in probe:
            inner = every.match(text, start + p)
            if inner is not None and inner.group(1):
                longest = inner.group(1)
                for n in range(min_len, len(longest) + 1):
                    piece = longest[:n]
                    if piece in terms:
                        found[piece] = found.get(piece, 0) + 1

    def _add_occurrences(self, line: str, matches: list[tuple[int, int]], found: dict[str, int]) -> None:
        """``occurrences`` of one line from its leftmost-longest matches (same counts, fewer probes)."""
        for start, end in matches:
            counts, probe = self._inside(line[start:end])
            for term, n in counts:
                found[term] = found.get(term, 0) + n
            if probe:
                self._probe(line, start, probe, found)


_FIRST = operator.itemgetter(0)
_SPAN_OF_INDEXES = operator.itemgetter(1, 2)  # (start, end) of an automaton's (term index, start, end)


def _trie_regex(terms: Iterable[str]) -> re.Pattern[str]:
    trie: dict[str, Any] = {}
    for term in terms:
        node = trie
        for ch in term:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:  # a term ends here: the longer continuations are optional (tried first: greedy)
            return f"(?:{body})?"
        return body

    # The root never ends a term; its branches start with distinct characters, so the regex engine
    # only explores the branch of the current character.
    return re.compile(build(trie))


@functools.lru_cache(maxsize=8)
def _compiled_lexicon(terms: tuple[str, ...]) -> _Lexicon:
    return _Lexicon(terms)


def _get_lexicon(lexicon: Iterable[str] | None) -> _Lexicon:
    if lexicon is None:
        return _compiled_lexicon(tuple(load_slogan_lexicon()))
    if isinstance(lexicon, _Lexicon):
        return lexicon
    if isinstance(lexicon, (str, Path)):
        raise AnalysisError("lexicon must be a list of terms; use load_slogan_lexicon(path) to read a file")
    return _compiled_lexicon(tuple(sorted({normalize_slogan(t) for t in lexicon} - {""})))


# -------------------------------------------------------------------------------------- extraction
def _kind_of(text: str, lex: _Lexicon, found_as: str) -> str:
    if found_as == "title":
        return "title"
    if _is_numbered_memo(text):
        return "numbered"
    if text in lex.terms:
        return "lexicon"
    return "quoted"


def _trimmed_span(line: str, a: int, b: int) -> tuple[int, int]:
    """Shrink line[a:b] so it does not start or end with whitespace."""
    while a < b and line[a].isspace():
        a += 1
    while b > a and line[b - 1].isspace():
        b -= 1
    return a, b


def _parts(line: str, a: int, b: int) -> list[tuple[int, int]]:
    """Spans of the 、/，/, separated parts of line[a:b] (trimmed, empty parts dropped)."""
    spans = []
    pos = a
    for m in _COMPOUND_SEP.finditer(line, a, b):
        spans.append(_trimmed_span(line, pos, m.start()))
        pos = m.end()
    spans.append(_trimmed_span(line, pos, b))
    return [(s, e) for s, e in spans if e > s]


def _pairable(content: str) -> bool:
    """Can this be the content of a pair of quote marks? (structure only: length, punctuation)"""
    n = len(content)
    if n < 1 or _SENTENCE_END.search(content):
        return False
    if "、" in content:  # only 、-lists may be longer: commas join clauses of speech, not slogans
        parts = [p for p in content.split("、") if p]
        return n <= MAX_COMPOUND and bool(parts) and max(len(p) for p in parts) <= MAX_PART
    return n <= MAX_QUOTED


def _reportable(content: str, family: str) -> bool:
    """Is the content of a valid pair a slogan? (not single-character emphasis like “实”字, not code)"""
    if is_numbered(content):
        return True
    if _CJK_RE.search(content):
        return len(content) >= 2
    return family in _ALNUM_OK and len(content) >= 2 and any(c.isalnum() for c in content)


def _quoted_spans(line: str) -> list[tuple[int, int]]:
    """Content spans (start, end) of the quoted slogans in one line (see the module docstring)."""
    return _paired(line, [(m.start(), m.group()) for m in _QUOTE_RE.finditer(line)])


def _paired(text: str, marks: list[tuple[int, str]]) -> list[tuple[int, int]]:
    """Content spans of the quoted slogans given the quote marks (position in ``text``, mark) of one line."""
    spans: list[tuple[int, int]] = []
    i = 0
    n = len(marks)
    while i < n:
        pos, ch = marks[i]
        family = _FAMILIES[ch]
        j = i + 1
        while j < n and _FAMILIES[marks[j][1]] != family:
            j += 1
        if ch in _CLOSERS_ONLY or j == n:
            i += 1
            continue
        end_pos, end_ch = marks[j]
        if ch in _OPENERS_ONLY and end_ch != _OPENERS_ONLY[ch]:
            i = j
            continue
        raw = text[pos + 1 : end_pos]
        lead, trail, pairable, reportable = (
            _pair_verdict_memo(raw, family) if len(raw) <= _MEMO_MAX else _pair_verdict(raw, family)
        )
        if pairable:
            if reportable:
                spans.append((pos + 1 + lead, end_pos - trail))
            i = j + 1  # both marks used
        else:
            i = j  # the closing mark may open the next quote
    return spans


def _pair_verdict(raw: str, family: str) -> tuple[int, int, bool, bool]:
    """(leading whitespace, trailing whitespace, can the marks pair, is the pair a slogan) for the text
    ``raw`` between two quote marks of ``family``."""
    a, b = _trimmed_span(raw, 0, len(raw))
    if b == a:
        return a, 0, False, False
    content = _normalized(raw[a:b])
    if not _pairable(content):
        return a, len(raw) - b, False, False
    return a, len(raw) - b, True, _reportable(content, family)


_pair_verdict_memo = functools.lru_cache(maxsize=1 << 16)(_pair_verdict)


_Hit = tuple[int, int, str, str]  # start, end, normalised text, kind


def _segment_hits(seg: str, how: str, lex: _Lexicon, split_compound: bool) -> tuple[tuple[_Hit, ...], tuple[int, int] | None]:
    """Hits of one found span ``seg`` (offsets relative to it) and its compound span, if it is one.

    ``how``: "title" (the content of 《》), "quoted", "lexicon" (a leftmost-longest lexicon match) or
    "plain" (a plain-text formula). Depends on ``seg`` alone, so it is memoised for short spans."""
    hits: list[_Hit] = []

    def add(a: int, b: int, found_as: str) -> None:
        a, b = _trimmed_span(seg, a, b)
        t = _normalized(seg[a:b]) if b > a else ""
        if t and (found_as != "plain" or _is_numbered_memo(t)):
            hits.append((a, b, t, _kind_of(t, lex, found_as)))

    n = len(seg)
    if how == "title":
        if len(_normalized(seg)) <= MAX_TITLE:
            add(0, n, "title")
        return tuple(hits), None
    if how == "plain":
        add(0, n, "plain")
        return tuple(hits), None
    add(0, n, how)
    parts = _parts(seg, 0, n)
    if len(parts) < 2:
        return tuple(hits), None
    if split_compound:
        for pa, pb in parts:
            if _is_numbered_memo(seg[pa:pb]):
                add(pa, pb, "part")
            if lex.regex is not None:
                for m in lex.regex.finditer(seg, pa, pb):
                    if m.end() > m.start():
                        add(m.start(), m.end(), "part")
    return tuple(hits), _trimmed_span(seg, 0, n)


_segment_hits_memo = functools.lru_cache(maxsize=1 << 16)(_segment_hits)


def _line_hits(
    line: str, lex: _Lexicon, split_compound: bool
) -> tuple[list[_Hit], list[tuple[int, int]], list[tuple[int, int]]]:
    """Hits of one line (offsets relative to the line, possibly several per span), its compound spans
    and its leftmost-longest lexicon matches."""
    hits: list[_Hit] = []
    compounds: list[tuple[int, int]] = []

    def take(a: int, b: int, how: str) -> None:
        seg = line[a:b]
        found = (_segment_hits_memo if b - a <= _MEMO_MAX else _segment_hits)(seg, how, lex, split_compound)
        for ra, rb, t, kind in found[0]:
            hits.append((a + ra, a + rb, t, kind))
        if found[1] is not None:
            compounds.append((a + found[1][0], a + found[1][1]))

    if "《" in line:
        for m in _TITLE_RE.finditer(line):
            take(m.start(1), m.end(1), "title")
    for a, b in _quoted_spans(line):
        take(a, b, "quoted")
    matches: list[tuple[int, int]] = []
    if lex.regex is not None:
        matches = [(m.start(), m.end()) for m in lex.regex.finditer(line) if m.end() > m.start()]
        for a, b in matches:
            take(a, b, "lexicon")
    if "+" in line or "＋" in line:
        for m in _PLAIN_FORMULA.finditer(line):
            take(m.start(), m.end(), "plain")
    if "十" in line:
        for m in _PLAIN_PLAN.finditer(line):
            take(m.start(), m.end(), "plain")
    return hits, compounds, matches


def _scan(
    text: str, lex: _Lexicon, split_compound: bool, occurrences: dict[str, int] | None = None
) -> list[_Hit]:
    """The hits of ``extract_slogans`` as tuples, sorted; fills ``occurrences`` (if given) with
    ``lex.occurrences(text)`` from the same pass over the lines."""
    best: dict[tuple[int, int], tuple[str, str]] = {}
    rank = _RANK
    offset = 0
    for line in text.split("\n"):
        line_hits, compounds, matches = _line_hits(line, lex, split_compound)
        for a, b, t, kind in line_hits:
            if not split_compound and kind != "title" and any(
                ca <= a and b <= cb and (ca, cb) != (a, b) for ca, cb in compounds
            ):
                continue
            span = (a + offset, b + offset)
            old = best.get(span)
            if old is None or rank[kind] < rank[old[1]]:
                best[span] = (t, kind)
        if occurrences is not None and matches:
            lex._add_occurrences(line, matches, occurrences)
        offset += len(line) + 1
    hits = [(a, b, t, kind) for (a, b), (t, kind) in best.items()]
    hits.sort(key=lambda h: (h[0], -h[1], rank[h[3]]))
    return hits


def extract_slogans(
    text: str, *, lexicon: Iterable[str] | None = None, split_compound: bool = True
) -> list[SloganHit]:
    """All slogan hits in ``text``, sorted by start (then longer first); one hit per span.

    ``lexicon``: terms to look for (default: ``load_slogan_lexicon()``; pass ``[]`` for none).
    ``split_compound``: also report the known parts of a compound (see the module docstring).
    Never raises on a str; a non-str raises AnalysisError.
    """
    if not isinstance(text, str):
        raise AnalysisError(f"extract_slogans needs a str, got {type(text).__name__}")
    lex = _get_lexicon(lexicon)
    return [SloganHit(t, kind, a, b) for a, b, t, kind in _scan(text, lex, split_compound)]


# ------------------------------------------------------------------------------------ corpus tables
def _require_columns(corpus: Any, cols: Sequence[str], what: str, texts: Any = None) -> None:
    if texts is not None:  # the texts are read from ``texts`` (a CorpusTexts), not from a column
        cols = [c for c in cols if c != "text"]
    if not isinstance(corpus, pd.DataFrame) or ("text" not in corpus.columns and texts is None):
        from analysis.stats._suggest import refuse

        refuse(what, corpus, "corpus", f"{what}(corpus, tokens, ...) with corpus = tl.load_corpus(folder)")
    missing = [c for c in cols if c not in corpus.columns]
    if missing:
        raise AnalysisError(f"{what}: corpus lacks column(s) {missing}")


def _check_kinds(kinds: Iterable[str] | None) -> set[str] | None:
    if kinds is None:
        return None
    ks = {kinds} if isinstance(kinds, str) else set(kinds)
    bad = ks - set(KINDS)
    if bad:
        raise AnalysisError(f"unknown slogan kind(s) {sorted(bad)}; kinds are {list(KINDS)}")
    return ks


def slogan_counts(
    corpus: pd.DataFrame,
    *,
    lexicon: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
    split_compound: bool = True,
    texts: Any = None,
) -> pd.DataFrame:
    """Slogan counts per document, long format: the one source of slogan counts for every table.

    Columns:
      doc_id            str
      slogan            str, normalised hit text
      kind              str (see KINDS)
      count             int; every occurrence. For a lexicon term this includes occurrences inside a
                        longer lexicon term or overlapping another one (中国特色社会主义 inside
                        习近平新时代中国特色社会主义思想, 正风肃纪 inside 正风肃纪反腐): a plain scan of
                        the text for the term (never less than ``count_standalone``)
      count_standalone  int; the occurrences that are a hit of their own (``extract_slogans``: not
                        inside a longer lexicon term); equal to ``count`` for non-lexicon slogans
    Rows: one per (document, slogan, kind) that occurs, in corpus order, then count descending, slogan.
    ``kinds`` keeps only those kinds. A document's rows are cached by its text, the lexicon and the rules
    (``analysis.stats._slogan_cache``): an unchanged document is not scanned again. ``texts``: an
    ``analysis.engine.texts.CorpusTexts`` aligned with the rows of a corpus table without ``text``
    (the ``stats`` command: the texts are read a partition at a time).
    """
    _require_columns(corpus, ["doc_id", "text"], "slogan_counts", texts)
    corpus = corpus.reset_index(drop=True)
    counts = _doc_counts(corpus, lexicon, kinds, split_compound, texts)  # cached per text
    cols = ["doc_id", "slogan", "kind", "count", "count_standalone"]
    if counts.empty:
        return pd.DataFrame({c: pd.Series(dtype=np.int64 if c.startswith("count") else object) for c in cols})
    doc_ids = corpus["doc_id"].astype(str).to_numpy(dtype=object)
    return pd.DataFrame(
        {
            "doc_id": doc_ids[counts["_row"].to_numpy()],
            "slogan": counts["slogan"].to_numpy(dtype=object),
            "kind": counts["kind"].to_numpy(dtype=object),
            "count": counts["count"].to_numpy(dtype=np.int64),
            "count_standalone": counts["count_standalone"].to_numpy(dtype=np.int64),
        }
    )


def _doc_rows(text: str, lex: _Lexicon, split_compound: bool) -> list[tuple[str, str, int, int]]:
    """(slogan, kind, count, count_standalone) of one document (every kind), count descending, then
    slogan, ties in order of first occurrence: the rows ``slogan_counts`` gives a document.

    The rows of ``_scan`` (what ``_scan_rows`` computes from its hits), found in one pass over the whole
    text instead of line by line (no hit crosses a line: neither a lexicon term nor a title holds a line
    break, quote marks pair within their line), and with the lexicon matches counted, not made into hits
    one by one: a match that is a hit of its own (most are: a term that is no compound) counts once,
    unless another hit has the same span or, with ``split_compound=False``, a compound holds it."""
    if lex.multiline:  # a term with a line break (only from a hand-made _Lexicon): the line scan
        return _scan_rows(text, lex, split_compound)
    rank = _RANK
    found: list[_Hit] = []  # hits other than the plain lexicon matches
    compounds: list[tuple[int, int]] = []

    def take(a: int, b: int, how: str) -> None:
        seg = text[a:b]
        hits, compound = (_segment_hits_memo if b - a <= _MEMO_MAX else _segment_hits)(seg, how, lex, split_compound)
        for ra, rb, t, kind in hits:
            found.append((a + ra, a + rb, t, kind))
        if compound is not None:
            compounds.append((a + compound[0], a + compound[1]))

    if "《" in text:
        for m in _TITLE_RE.finditer(text):
            take(m.start(1), m.end(1), "title")
    for a, b in _doc_quoted_spans(text):
        take(a, b, "quoted")
    words, spans = lex.matches(text)
    # each term's matches (indices, in text order), grouped by a sort in C rather than a loop per match
    by_word = {
        w: list(g) for w, g in itertools.groupby(sorted(range(len(words)), key=words.__getitem__), words.__getitem__)
    }
    plain = lex.plain_kinds(split_compound)  # term -> kind, for terms whose match is exactly one hit
    for w, idx in by_word.items():
        if w not in plain:  # compounds (their parts are hits too)
            for i in idx:
                take(*spans[i], "lexicon")
    for a, b in _lines_with(text, "+", "＋"):  # the line scan's windows: only lines with a plus sign
        for m in _PLAIN_FORMULA.finditer(text, a, b):
            take(m.start(), m.end(), "plain")
    for m in _PLAN_CORE.finditer(text):  # 十一五 .. 十五五, then the context _PLAIN_PLAN asks for
        if _PLAIN_PLAN.match(text, m.start()):
            take(m.start(), m.end(), "plain")

    dropped: set[int] = set()  # plain lexicon matches that are no hit of their own
    if compounds and not split_compound:  # the hits inside a compound are dropped (titles excepted)
        compounds.sort()
        found = [h for h in found if h[3] == "title" or not _inside_compound(compounds, h[0], h[1])]
        starts = [a for a, _ in spans]
        for ca, cb in compounds:
            i = bisect.bisect_left(starts, ca)
            while i < len(spans) and spans[i][0] < cb:
                if spans[i][1] <= cb and spans[i] != (ca, cb) and words[i] in plain:
                    dropped.add(i)
                i += 1
    best: dict[tuple[int, int], tuple[str, str]] = {}
    for a, b, t, kind in found:
        old = best.get((a, b))
        if old is None or rank[kind] < rank[old[1]]:
            best[a, b] = (t, kind)
    if best and spans:  # a plain match whose span another hit has is that hit (same text; a title wins)
        at = dict(zip(spans, range(len(spans)), strict=True))
        for span in best:
            i = at.get(span, -1)
            if i >= 0 and words[i] in plain:
                dropped.add(i)

    # (slogan, kind) -> [standalone count, sort key of the first hit, count of every occurrence]; the key
    # orders equal (count, slogan) as the line scan's hits come (one slogan may be a title and a term)
    standalone: dict[tuple[str, str], list[Any]] = {}
    for (a, b), (t, kind) in best.items():
        key = (a, -b, rank[kind])
        entry = standalone.get((t, kind))
        if entry is None:
            standalone[t, kind] = [1, key, 0]
        else:
            entry[0] += 1
            if key < entry[1]:
                entry[1] = key
    lost = collections.Counter(words[i] for i in dropped) if dropped else {}
    for w, idx in by_word.items():
        kind = plain.get(w)
        if kind is None:
            continue
        if w in lost:
            idx = [i for i in idx if i not in dropped]
            if not idx:
                continue
        a, b = spans[idx[0]]
        key = (a, -b, rank[kind])
        entry = standalone.get((w, kind))
        if entry is None:
            standalone[w, kind] = [len(idx), key, 0]
        else:
            entry[0] += len(idx)
            if key < entry[1]:
                entry[1] = key

    last = (len(text) + 1, 0, 0)  # terms met only inside longer ones: after every hit
    term_kinds = lex.term_kinds
    for term, n in lex.occurrences_of_matches(text, by_word, spans).items():
        kind = term_kinds[term]
        entry = standalone.get((term, kind))
        if entry is None:
            standalone[term, kind] = [0, last, n]
        else:
            entry[2] = n
    rows = sorted(
        (-(n if n > n_alone else n_alone), slogan, key, kind, n_alone)
        for (slogan, kind), (n_alone, key, n) in standalone.items()
    )
    return [(slogan, kind, -negative, n_alone) for negative, slogan, _, kind, n_alone in rows]


_QUOTE_OR_LINE_RE = re.compile("[" + re.escape("".join(_FAMILIES)) + "\n]")


# _PLAIN_PLAN without its lookarounds: a literal-led pattern the regex engine finds fast; its matches are
# _PLAIN_PLAN's candidates (three characters, two of them 十 .. 五: two candidates never overlap)
_PLAN_CORE = re.compile("十[一二三四五]五")


def _lines_with(text: str, *marks: str) -> list[tuple[int, int]]:
    """(start, end) of every line of ``text`` holding one of ``marks``, in order, each once."""
    found = sorted({i for mark in marks for i in _positions(text, mark)})
    lines: list[tuple[int, int]] = []
    for i in found:
        if lines and i < lines[-1][1]:
            continue
        a = text.rfind("\n", 0, i) + 1
        b = text.find("\n", i)
        lines.append((a, len(text) if b < 0 else b))
    return lines


def _positions(text: str, mark: str) -> Iterator[int]:
    i = text.find(mark)
    while i >= 0:
        yield i
        i = text.find(mark, i + 1)


def _doc_quoted_spans(text: str) -> list[tuple[int, int]]:
    """``_quoted_spans`` of every line of ``text``, with offsets into ``text``."""
    spans: list[tuple[int, int]] = []
    line: list[tuple[int, str]] = []
    for m in _QUOTE_OR_LINE_RE.finditer(text):
        ch = m.group()
        if ch == "\n":
            if len(line) > 1:
                spans += _paired(text, line)
            line = []
        else:
            line.append((m.start(), ch))
    if len(line) > 1:
        spans += _paired(text, line)
    return spans


def _inside_compound(compounds: list[tuple[int, int]], a: int, b: int) -> bool:
    """Is the span a:b inside one of the compound spans (sorted), and not that span itself?"""
    stop = bisect.bisect_right(compounds, (a, sys.maxsize))  # those starting at or before a
    return any(b <= cb and (ca, cb) != (a, b) for ca, cb in compounds[:stop])


def _scan_rows(text: str, lex: _Lexicon, split_compound: bool) -> list[tuple[str, str, int, int]]:
    """``_doc_rows`` from the hits of the line scan ``_scan`` (the reference the fast path is tested on)."""
    standalone: dict[tuple[str, str], int] = {}
    occurrences: dict[str, int] = {}
    for _, _, t, kind in _scan(text, lex, split_compound, occurrences):
        standalone[t, kind] = standalone.get((t, kind), 0) + 1
    every: dict[tuple[str, str], int] = {}
    for term, n in occurrences.items():
        every["numbered" if _is_numbered_memo(term) else "lexicon", term] = n
    for term_kind, term in every:
        standalone.setdefault((term, term_kind), 0)
    rows = [
        (slogan, kind, max(every.get((kind, slogan), n_alone), n_alone), n_alone)
        for (slogan, kind), n_alone in standalone.items()
    ]
    rows.sort(key=lambda r: (-r[2], r[0]))  # stable: equal (count, slogan) keep their first-occurrence order
    return rows


def _doc_sizes(corpus: pd.DataFrame, tokens: Any | None) -> tuple[pd.Series, str]:
    """Size of every document (index doc_id): tokens if ``tokens`` is given, else non-space characters."""
    ids = corpus["doc_id"].astype(str)
    if tokens is None:
        chars = corpus["text"].map(lambda t: len(_SPACES.sub("", t)) if isinstance(t, str) else 0)
        return pd.Series(chars.to_numpy(dtype=np.int64), index=ids), "rate_per_10k_chars"
    docs = getattr(tokens, "docs", None)
    if docs is None:
        raise AnalysisError("tokens must have .docs (token lists), e.g. analysis.tokens.tokenize(corpus)")
    from analysis.tokens import list_lengths

    lengths = list_lengths(docs)  # analysis.tokens.TokenLists: no list is made
    docvars = getattr(tokens, "docvars", None)
    if isinstance(docvars, pd.DataFrame) and "doc_id" in docvars.columns:
        if len(docvars) != len(lengths):
            raise AnalysisError(f"tokens has {len(lengths)} token lists but {len(docvars)} docvars rows")
        sizes = pd.Series(lengths, index=docvars["doc_id"].astype(str).to_numpy())
        sizes = sizes[~sizes.index.duplicated()]
        # one hash look-up (Series.isin of a string column against 160,000 ids takes about 1 s)
        at = sizes.index.get_indexer(ids.to_numpy())
        if (at < 0).any():
            missing = ids[at < 0]
            raise AnalysisError(
                f"tokens do not cover the corpus: {len(missing)} doc_id(s) missing, e.g. {missing.iloc[0]}; "
                "tokenize this corpus first"
            )
        return pd.Series(sizes.to_numpy()[at], index=ids.to_numpy()), "rate_per_10k"
    if len(lengths) != len(corpus):
        raise AnalysisError(f"tokens has {len(lengths)} token lists for {len(corpus)} documents")
    return pd.Series(lengths, index=ids.to_numpy()), "rate_per_10k"


def _group_codes(docvars: pd.DataFrame, by: str | Sequence[str] | None) -> tuple[np.ndarray, np.ndarray]:
    """Group number per document and the group labels, labelled exactly as ``DTM.group`` does."""
    if by is None:
        return np.zeros(len(docvars), dtype=np.int64), np.array([_ALL_LABEL], dtype=object)
    from analysis.dtm import (
        DTM,  # labels ("中国联通|2024", "(none)", "(undated)") shared with the DTM
        as_columns,
    )

    cols = as_columns(by)
    missing = [c for c in cols if c not in docvars.columns]
    if missing:
        raise AnalysisError(f"cannot group by {missing}: not a corpus column (columns are {list(docvars.columns)})")
    # Only the grouping columns, in a fresh frame: nothing else (nor the corpus's attrs) is needed.
    keys = pd.DataFrame({c: docvars[c].to_numpy() for c in dict.fromkeys(cols)})
    empty = DTM(sp.csr_matrix((len(keys), 0), dtype=np.int64), np.array([], dtype=object), keys)
    codes, gv = empty.group_codes(cols)
    return codes, gv["group"].to_numpy(dtype=object)


def _dates(corpus: pd.DataFrame) -> pd.Series:
    if "date" not in corpus.columns:
        return pd.Series(pd.NaT, index=range(len(corpus)), dtype="datetime64[ns]")
    return pd.to_datetime(corpus["date"], errors="coerce").reset_index(drop=True)


def _prepare(
    corpus: pd.DataFrame, what: str, lexicon: Iterable[str] | None, kinds: Iterable[str] | None,
    split_compound: bool, texts: Any = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per-document counts, the corpus with a clean index): ``_doc_counts`` of the corpus."""
    _require_columns(corpus, ["doc_id", "text"], what, texts)
    corpus = corpus.reset_index(drop=True)
    return _doc_counts(corpus, lexicon, kinds, split_compound, texts), corpus


def _doc_counts(
    corpus: pd.DataFrame, lexicon: Iterable[str] | None, kinds: Iterable[str] | None, split_compound: bool,
    texts: Any = None, *, merge_repeats: bool = True,
) -> pd.DataFrame:
    """The rows of ``slogan_counts`` for statistics: ``_row`` (the corpus row of the document; the
    first row of its doc_id, whose rows are summed, when a doc_id repeats, unless ``merge_repeats`` is
    False) in place of ``doc_id``, and
    ``slogan`` and ``kind`` as categoricals (millions of rows on a large corpus: no string per row).
    ``corpus`` has a clean index. There is at most one row per (``_row``, ``slogan``, ``kind``): a
    document's cached rows are one per (slogan, kind), and a repeated doc_id's are summed. The tables
    count documents by counting rows (a groupby ``nunique`` takes 1.5 s on 6 M rows, ``size`` 0.01 s)."""
    ks = _check_kinds(kinds)
    lex = _get_lexicon(lexicon if lexicon is None else list(lexicon))
    from analysis.stats._slogan_cache import slogan_rows

    r = slogan_rows(corpus["text"] if texts is None else texts, lex, split_compound)  # cached per text
    doc_ids = corpus["doc_id"].astype(str).to_numpy(dtype=object)
    unique = not merge_repeats or pd.Index(doc_ids).is_unique
    rows = r.doc if unique else np.asarray(pd.Series(np.arange(len(doc_ids))).groupby(doc_ids, sort=False).transform("first"))[r.doc]
    out = pd.DataFrame(
        {
            "_row": rows.astype(np.int64, copy=False),
            "slogan": pd.Categorical.from_codes(r.codes, categories=pd.Index(r.vocab, dtype=object)),
            "kind": pd.Categorical.from_codes(r.kind.astype(np.int64), categories=pd.Index(KINDS, dtype=object)),
            "count": r.count,
            "count_standalone": r.alone,
        }
    )
    if ks is not None and len(out):
        keep = out["kind"].isin(ks).to_numpy(copy=True)
        if "lexicon" in ks:  # as in slogan_counts: the lexicon's formulations, numbered ones included
            keep |= out["slogan"].isin(lex.terms).to_numpy()
        out = out[keep].reset_index(drop=True)
    if unique or out.empty:
        return out
    # as slogan_counts: the rows of a doc_id summed, in order of its first row, count descending, slogan
    out = out.groupby(["_row", "slogan", "kind"], sort=False, observed=True, as_index=False)[
        ["count", "count_standalone"]
    ].sum()
    order = np.lexsort((_text_rank(out["slogan"]), -out["count"].to_numpy(), out["_row"].to_numpy()))
    return out.iloc[order].reset_index(drop=True)


def _text_rank(values: pd.Series) -> np.ndarray:
    """Per row of a categorical column, the rank of its string among the categories (code point order)."""
    cats = values.cat.categories.to_numpy(dtype=object)
    rank = np.empty(len(cats), dtype=np.int64)
    rank[np.argsort(cats, kind="stable")] = np.arange(len(cats))
    return rank[values.cat.codes.to_numpy(dtype=np.int64)]


def _as_text(values: pd.Series) -> pd.Series:
    """A categorical column of slogans or kinds as the string column the tables have always had."""
    return pd.Series(np.asarray(values.astype(object)), index=values.index, dtype="str")


def _min_docs_filter(counts: pd.DataFrame, min_docs: int) -> pd.DataFrame:
    if min_docs < 1:
        raise AnalysisError(f"min_docs must be >= 1, got {min_docs}")
    if min_docs == 1 or counts.empty:
        return counts
    n = counts.groupby(["slogan", "kind"], observed=True)["_row"].transform("size")  # one row per document
    return counts[n >= min_docs]


def slogan_profile(
    corpus: pd.DataFrame,
    tokens: Any | None = None,
    *,
    by: str | Sequence[str] | None = "company",
    min_docs: int = 1,
    kinds: Iterable[str] | None = None,
    lexicon: Iterable[str] | None = None,
    split_compound: bool = True,
    slogans: Iterable[str] | None = None,
    pool: dict[str, Iterable[str]] | None = None,
    thin_docs: int | None = 3,
    ci: float | None = 0.95,
    n_boot: int = 1000,
    seed: int = 0,
    texts: Any = None,
) -> pd.DataFrame:
    """Slogan use per group: how often, how densely, in how many documents, first and last seen.

    ``slogans=[...]``: exactly these slogans, whatever their kind and whether or not the lexicon knows
    them (every occurrence in the text is counted), one row per group and slogan, zero rows included,
    in the order given. ``pool={"label": [...]}`` adds one row per group for the slogans of each list
    counted together (kind "pooled"; ``docs_with_term``: documents using any of them). ``min_docs`` and
    ``kinds`` do not apply to slogans asked for by name. ``kinds=["lexicon"]`` keeps every lexicon
    formulation, numbered ones such as 两个维护 included.

    ``by``: "company", "year", ["company", "year"], any corpus column(s), or None (one group "(all)").
    Group labels are those of ``DTM.group`` ("中国联通|2024"; "(none)" for no company, "(undated)").

    Columns:
      group          str
      slogan, kind   str (see ``extract_slogans``)
      count          int; occurrences in the group, a lexicon term's occurrences inside longer lexicon
                     terms included (see ``slogan_counts``)
      count_standalone  int; occurrences that are not inside a longer lexicon term
      rate_per_10k   float; count per 10,000 tokens of the group (``tokens.docs`` lengths: the tokens
                     after stopword/punctuation filtering, the same base as stats.frequency). Without
                     ``tokens`` the column is ``rate_per_10k_chars``: per 10,000 non-whitespace
                     characters of the group's text.
      docs_with_term int; documents of the group using the slogan
      first_date, last_date  datetime64; earliest and latest date of those documents (NaT if undated)
      group_docs     int; documents in the group (thin groups stay visible)
      group_tokens   int; tokens (or characters) in the group, the rate's denominator
      thin_group     bool; the group has fewer than ``thin_docs`` documents (None: no column)
      rate_ci_low, rate_ci_high  float; ``ci`` (default 95%) bootstrap interval of the rate over the
                     group's documents (``analysis.stats.uncertainty``); NaN for a one-document group;
                     ``ci=None`` leaves them out
      in_lexicon     bool; the slogan is a formulation of the lexicon; False marks a candidate (a quoted
                     or numbered phrase found in the text, not yet a known formulation)
    Rows: slogans used in at least ``min_docs`` documents of the whole corpus (so every group is
    profiled on the same slogans); only (group, slogan) pairs that occur; groups in label order, then
    count descending, slogan.

    ``texts``: see ``slogan_counts`` (a corpus table without ``text``, its texts read from ``texts``).
    """
    base = load_slogan_lexicon() if lexicon is None else [normalize_slogan(t) for t in lexicon]
    wanted = _wanted(slogans, pool)
    if wanted is None:
        counts, corpus = _prepare(corpus, "slogan_profile", lexicon, kinds, split_compound, texts)
        counts = _min_docs_filter(counts, min_docs)
    else:
        asked = [t for members in wanted.values() for t in members]
        counts, corpus = _prepare(
            corpus, "slogan_profile", list(dict.fromkeys([*base, *asked])), None, split_compound, texts
        )
        counts = _as_wanted(counts, wanted, base)
    sizes, rate_col = _doc_sizes(corpus, tokens)
    codes, labels = _group_codes(corpus, by)
    dates = _dates(corpus)
    group_size = np.bincount(codes, weights=sizes.to_numpy(dtype=np.float64), minlength=len(labels))
    group_docs = np.bincount(codes, minlength=len(labels))

    cols = ["group", "slogan", "kind", "count", "count_standalone", rate_col, "n_docs", "first_date",
            "last_date", "group_docs", "group_size", "in_lexicon"]
    if ci is not None:
        cols += ["rate_ci_low", "rate_ci_high"]
    if (counts.empty and wanted is None) or len(labels) == 0:  # no slogan, or no document (an empty selection)
        return flag_thin(with_vocabulary(_empty(cols), "slogan_profile"), thin_docs)
    rows = counts["_row"].to_numpy()
    df = pd.DataFrame(
        {
            "_g": codes[rows],
            "slogan": counts["slogan"],
            "kind": counts["kind"],
            "count": counts["count"].to_numpy(),
            "count_standalone": counts["count_standalone"].to_numpy(),
            "_row": rows,
            "date": dates.to_numpy()[rows],
        }
    )
    out = (
        df.groupby(["_g", "slogan", "kind"], sort=False, observed=True)
        .agg(count=("count", "sum"), count_standalone=("count_standalone", "sum"),
             n_docs=("_row", "size"), first_date=("date", "min"),
             last_date=("date", "max"))
        .reset_index()
    )
    if wanted is not None:  # every group x every slogan asked for, zeros included, in the order given
        kinds_of = _wanted_kinds(wanted, counts, base)
        grid = pd.DataFrame(
            {
                "_g": np.repeat(np.arange(len(labels), dtype=np.int64), len(wanted)),
                "slogan": pd.Categorical(list(wanted) * len(labels), dtype=counts["slogan"].dtype),
                "kind": pd.Categorical([kinds_of[label] for label in wanted] * len(labels), dtype=counts["kind"].dtype),
            }
        )
        out = grid.merge(out.astype({"_g": np.int64}), on=["_g", "slogan", "kind"], how="left")
        for c in ("count", "count_standalone", "n_docs"):
            out[c] = out[c].fillna(0)
    g = out["_g"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        out[rate_col] = np.where(group_size[g] > 0, out["count"] / group_size[g] * 10_000.0, np.nan)
    out["group"] = labels[g]
    out["group_docs"] = group_docs[g].astype(np.int64)
    out["group_size"] = group_size[g].astype(np.int64)
    out["count"] = out["count"].astype(np.int64)
    out["count_standalone"] = out["count_standalone"].astype(np.int64)
    out["n_docs"] = out["n_docs"].astype(np.int64)
    if ci is not None:
        _rate_ci(out, counts, codes, len(labels), sizes.to_numpy(dtype=np.float64), (ci, n_boot, seed))
    lex_terms = set(base)
    names = out["slogan"].cat.categories.to_numpy(dtype=object)
    known = np.array(
        [all(t in lex_terms for t in wanted[sl]) if wanted is not None and sl in wanted else sl in lex_terms
         for sl in names],
        dtype=bool,
    )
    out["in_lexicon"] = known[out["slogan"].cat.codes.to_numpy(dtype=np.int64)]
    out["slogan"] = _as_text(out["slogan"])
    out["kind"] = _as_text(out["kind"])
    if wanted is None:
        out = out.sort_values(["_g", "count", "slogan", "kind"], ascending=[True, False, True, True], kind="stable")

    return flag_thin(with_vocabulary(out.reset_index(drop=True)[cols], "slogan_profile"), thin_docs)


def _rate_ci(
    out: pd.DataFrame, counts: pd.DataFrame, codes: np.ndarray, n_groups: int, sizes: np.ndarray,
    boot: tuple[float, int, int],
) -> None:
    """Bootstrap intervals of every (group, slogan) rate of ``out``, resampling documents. The slogan
    and kind columns of both are categoricals of the same categories."""
    from analysis.stats._slogan_cache import cached_rate_ci

    n_kinds = len(counts["kind"].cat.categories)

    def pair(df: pd.DataFrame) -> np.ndarray:
        return df["slogan"].cat.codes.to_numpy(dtype=np.int64) * n_kinds + df["kind"].cat.codes.to_numpy(dtype=np.int64)

    # (slogan, kind) pairs numbered in order of first appearance in ``out``
    at, keys = pd.factorize(pair(out))
    cols = np.asarray(pd.Index(keys).get_indexer(pair(counts)), dtype=np.int64)
    ok = cols >= 0
    matrix = sp.csr_matrix(
        (counts["count"].to_numpy(dtype=np.float64)[ok], (counts["_row"].to_numpy()[ok], cols[ok])),
        shape=(len(sizes), len(keys)),
    )
    low, high = cached_rate_ci(matrix, sizes, codes, n_groups, boot)
    at = np.asarray(at, dtype=np.int64)
    g = out["_g"].to_numpy(dtype=np.int64)
    out["rate_ci_low"] = low[g, at]
    out["rate_ci_high"] = high[g, at]


def _wanted(slogans: Iterable[str] | None, pool: dict[str, Iterable[str]] | None) -> dict[str, list[str]] | None:
    """{output label: member texts} for slogans asked for by name (a single slogan is its own member)."""
    if slogans is None and pool is None:
        return None
    from analysis.ingest.clean import to_simplified

    def norm(t: Any) -> str:
        if not isinstance(t, str):
            raise AnalysisError(f"slogans are strings, got {type(t).__name__}: {t!r}")
        return normalize_slogan(to_simplified(t))

    wanted: dict[str, list[str]] = {}
    for t in [slogans] if isinstance(slogans, str) else (slogans or []):
        if norm(t):
            wanted[norm(t)] = [norm(t)]
    if pool is not None:
        if not isinstance(pool, dict):
            raise AnalysisError('pool must be a dict such as {"两个维护·四个意识": ["两个维护", "四个意识"]}')
        for label, members in pool.items():
            items = [norm(m) for m in ([members] if isinstance(members, str) else members) if norm(m)]
            if not items:
                raise AnalysisError(f"pool {label!r} has no slogans")
            wanted[str(label)] = list(dict.fromkeys(items))
    if not wanted:
        raise AnalysisError("slogans= and pool= name no slogan")
    return wanted


def _one_kind(counts: pd.DataFrame) -> pd.DataFrame:
    """One row per (document, text): a title occurrence of a lexicon term is already in its count."""
    if counts.empty:
        return counts
    not_title = counts["kind"] != "title"
    other = not_title.groupby([counts["_row"], counts["slogan"]], observed=True).transform("any")  # vectorised: no per-group lambda
    return counts[not_title | ~other]


def _as_wanted(counts: pd.DataFrame, wanted: dict[str, list[str]], base: list[str]) -> pd.DataFrame:
    """The per-document counts relabelled to the slogans and pools asked for (``slogan`` and ``kind``
    categoricals: the labels asked for, and their kinds)."""
    members = {t for ms in wanted.values() for t in ms}
    counts = _one_kind(counts[counts["slogan"].isin(members)])
    kinds_of = _wanted_kinds(wanted, counts, base)
    parts = []
    for label, members_of in wanted.items():
        sub = counts[counts["slogan"].isin(members_of)]
        if sub.empty:
            continue
        agg = sub.groupby("_row", sort=False).agg(
            count=("count", "sum"), count_standalone=("count_standalone", "sum")
        ).reset_index()
        agg["slogan"], agg["kind"] = label, kinds_of[label]
        parts.append(agg)
    slogan_type = pd.CategoricalDtype(pd.Index(list(wanted), dtype=object))
    kind_type = pd.CategoricalDtype(pd.Index(list(dict.fromkeys(kinds_of.values())), dtype=object))
    out = (
        pd.concat(parts, ignore_index=True) if parts
        else pd.DataFrame({"_row": np.zeros(0, np.int64), "count": np.zeros(0, np.int64),
                           "count_standalone": np.zeros(0, np.int64), "slogan": [], "kind": []})
    )
    return out.astype({"slogan": slogan_type, "kind": kind_type})


def _wanted_kinds(wanted: dict[str, list[str]], counts: pd.DataFrame, base: list[str]) -> dict[str, str]:
    """The kind of each label asked for: "pooled" for a pool, else the kind its rows were found as (the
    last row's, after ``_one_kind``), else what the text is."""
    found: dict[str, str] = {}
    if len(counts):
        last = counts.drop_duplicates("slogan", keep="last")
        found = dict(zip(last["slogan"].astype(object), last["kind"].astype(object), strict=True))
    out = {}
    for label, members in wanted.items():
        if len(members) > 1 or label != members[0]:
            out[label] = "pooled"
        else:
            t = members[0]
            out[label] = found.get(t) or ("numbered" if is_numbered(t) else "lexicon" if t in base else "quoted")
    return out


def adoption_timeline(
    corpus: pd.DataFrame,
    *,
    slogans: Iterable[str] | None = None,
    min_docs: int = 1,
    kinds: Iterable[str] | None = None,
    lexicon: Iterable[str] | None = None,
    split_compound: bool = True,
) -> pd.DataFrame:
    """When each company first and last used each slogan.

    ``slogans``: keep only these slogan texts (normalised like hits). ``min_docs``: keep slogans used
    in at least that many documents of the whole corpus.

    Columns:
      slogan, kind           str
      company                str (as in the corpus; "(none)" for documents without a company, the label
                             every stats table uses)
      first_date, last_date  datetime64; over the company's *dated* documents using the slogan, NaT when
                             all of them are undated
      docs_with_term         int; the company's documents using the slogan, undated ones included
      n_dated                int; how many of those have a date (n_docs - n_dated were ignored for dates)
      count                  int; occurrences in those documents (nested lexicon occurrences included)
      count_standalone       int; occurrences not inside a longer lexicon term
    Rows ordered by the slogan's first use anywhere (undated-only slogans last), slogan, then
    first_date within the slogan (NaT last), company.
    """
    counts, corpus = _prepare(corpus, "adoption_timeline", lexicon, kinds, split_compound)
    if slogans is not None:
        wanted = {normalize_slogan(s) for s in ([slogans] if isinstance(slogans, str) else slogans)}
        counts = counts[counts["slogan"].isin(wanted)]
    counts = _min_docs_filter(counts, min_docs)
    cols = ["slogan", "kind", "company", "first_date", "last_date", "n_docs", "n_dated", "count",
            "count_standalone"]
    if counts.empty:
        return with_vocabulary(_empty(cols), "adoption_timeline")
    from analysis.dtm import NONE_LABEL, _is_missing

    company = (
        corpus["company"].fillna("").astype(str) if "company" in corpus.columns
        else pd.Series("", index=corpus.index)
    )
    company = company.where(~_is_missing(company), NONE_LABEL)  # the one label for "no company"
    rows = counts["_row"].to_numpy()
    dates = _dates(corpus).to_numpy()[rows]
    df = pd.DataFrame(
        {
            "slogan": counts["slogan"],
            "kind": counts["kind"],
            "company": pd.Categorical(company.to_numpy(dtype=object)[rows]),
            "count": counts["count"].to_numpy(),
            "count_standalone": counts["count_standalone"].to_numpy(),
            "_row": rows,
            "date": dates,
            "dated": ~pd.isna(dates),
        }
    )
    out = (
        df.groupby(["slogan", "kind", "company"], sort=False, observed=True)
        .agg(first_date=("date", "min"), last_date=("date", "max"), n_docs=("_row", "size"),
             n_dated=("dated", "sum"), count=("count", "sum"), count_standalone=("count_standalone", "sum"))
        .reset_index()
    )
    for c in ("n_docs", "n_dated", "count", "count_standalone"):
        out[c] = out[c].astype(np.int64)
    for c in ("slogan", "kind", "company"):
        out[c] = _as_text(out[c])
    out["_first"] = out.groupby(["slogan", "kind"])["first_date"].transform("min")
    out = out.sort_values(
        ["_first", "slogan", "kind", "first_date", "company"], na_position="last", kind="stable"
    )
    return with_vocabulary(out.reset_index(drop=True)[cols], "adoption_timeline")


def _empty(cols: list[str]) -> pd.DataFrame:
    dtypes = {
        "first_date": "datetime64[ns]", "last_date": "datetime64[ns]",
        "count": np.int64, "count_standalone": np.int64, "n_docs": np.int64, "n_dated": np.int64, "group_docs": np.int64,
        "group_size": np.int64, "rate_per_10k": np.float64, "rate_per_10k_chars": np.float64,
        "rate_ci_low": np.float64, "rate_ci_high": np.float64, "in_lexicon": bool,
    }
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, object)) for c in cols})


# help(function) shows the definitions too: the package namespace shadows this module by the function.
from analysis.stats._suggest import with_module_doc  # noqa: E402

with_module_doc(__doc__, extract_slogans, slogan_profile, slogan_counts)
