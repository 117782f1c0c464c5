"""Searching a regex fast where its matches can only be in a few places.

A pattern every match of which holds a literal run of Han characters (its *needle*: 联通 in
``(?:北京|上海…)(?:省|市)?联通``) and is at most a few characters long can only match next to an
occurrence of the needle. :func:`windowed_matches` tries the pattern only there, with the result of
``finditer`` over the whole text; :func:`window` says whether a pattern qualifies. Python's ``re``
otherwise tries an alternation such as the 300 city names at every position of the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

# Han characters have no case and no case-insensitive equivalents: such a needle is found verbatim.
_HAN_NEEDLE_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")
_MAX_WINDOW = 64


def _first_chars(parsed: Any) -> frozenset[str] | None:
    """Every character a match of the parsed pattern can start with (a superset), or None if unknown."""
    from re import _parser

    for op, arg in parsed:
        if op in (_parser.ASSERT, _parser.ASSERT_NOT, _parser.AT):
            continue  # zero-width: the match starts with what follows
        if op is _parser.LITERAL:
            return frozenset(chr(arg))
        if op is _parser.IN:
            chars: set[str] = set()
            for item_op, item in arg:
                if item_op is _parser.LITERAL:
                    chars.add(chr(item))
                elif item_op is _parser.RANGE and item[1] - item[0] < 256:
                    chars.update(map(chr, range(item[0], item[1] + 1)))
                else:  # NEGATE, CATEGORY, a wide range
                    return None
            return frozenset(chars)
        if op is _parser.BRANCH:
            union: set[str] = set()
            for branch in arg[1]:
                first = _first_chars(branch)
                if first is None:
                    return None
                union |= first
            return frozenset(union)
        if op is _parser.SUBPATTERN:
            return _first_chars(arg[-1])
        if op in (_parser.MAX_REPEAT, _parser.MIN_REPEAT) and arg[0] >= 1:
            return _first_chars(arg[2])
        return None
    return None


def window(rx: re.Pattern[str], needle: str | None) -> tuple[int, frozenset[str] | None] | None:
    """Where to try ``rx``: the longest match, when every match holds the Han ``needle`` verbatim and
    is at most :data:`_MAX_WINDOW` characters long, and the Han characters a match can start with
    (None: any); else None (then the whole text is scanned)."""
    if needle is None or not _HAN_NEEDLE_RE.fullmatch(needle):
        return None
    try:
        from re import _parser

        parsed = _parser.parse(rx.pattern, rx.flags)
        hi = parsed.getwidth()[1]
        first = _first_chars(parsed)
    except Exception:
        return None
    if first is not None and not all(_HAN_NEEDLE_RE.fullmatch(c * 2) for c in first):
        first = None  # a cased letter may match in another case
    return (hi, first) if len(needle) <= hi <= _MAX_WINDOW else None


def first_pairs(rx: re.Pattern[str]) -> frozenset[str] | None:
    """The two characters every match of ``rx`` begins with, when the pattern begins (after
    zero-width assertions) with an alternation whose every branch opens with two Han literals (the
    city names of the branch patterns), or with two Han literals; else None."""
    try:
        from re import _parser

        parsed = list(_parser.parse(rx.pattern, rx.flags))
    except Exception:
        return None
    items = [(op, arg) for op, arg in parsed if op not in (_parser.ASSERT, _parser.ASSERT_NOT)]
    if items and items[0][0] is _parser.SUBPATTERN and items[0][1][1] == 0 and items[0][1][2] == 0:
        items = list(items[0][1][-1]) + items[1:]  # (?:…) opening the pattern, no flags of its own
    if not items:
        return None
    branches = items[0][1][1] if items[0][0] is _parser.BRANCH else [items]
    pairs: set[str] = set()
    for branch in branches:
        head = list(branch)[:2]
        if len(head) < 2 or any(op is not _parser.LITERAL for op, _ in head):
            return None
        pair = "".join(chr(arg) for _, arg in head)
        if not _HAN_NEEDLE_RE.fullmatch(pair):
            return None  # a cased letter may match in another case
        pairs.add(pair)
    return frozenset(pairs)


def windowed_matches(
    rx: re.Pattern[str], t: str, needle: str, window: tuple[int, frozenset[str] | None], o: int
) -> Iterator[re.Match[str]]:
    """What ``rx.finditer(t)`` yields, trying ``rx`` only where a match can start: on one of its first
    characters at most ``width`` characters before an occurrence of ``needle``, which every match
    contains (see :func:`window`); ``o`` is the needle's first occurrence.

    A match is never empty (it holds the needle), so ``finditer`` resumes right after each match;
    ``rx.match(t, s)`` sees the whole string, lookbehinds included, as ``finditer``'s own search does.
    """
    width, first = window
    back = width - len(needle)
    nxt = 0  # candidate starts below this were tried or lie inside a match
    while o >= 0:
        s = max(nxt, o - back)
        while s <= o:
            m = rx.match(t, s) if first is None or t[s] in first else None
            if m is not None:
                yield m
                s = m.end()
                break
            s += 1
        nxt = s
        o = t.find(needle, o + 1)


def occurrences(t: str, needle: str) -> list[int]:
    """Every start of ``needle`` in ``t``, overlapping ones included, in order."""
    out = []
    o = t.find(needle)
    while o >= 0:
        out.append(o)
        o = t.find(needle, o + 1)
    return out


def windowed_spans(
    rx: re.Pattern[str],
    t: str,
    needle_len: int,
    window: tuple[int, frozenset[str] | None],
    starts: list[int],
    pairs: frozenset[str] | None = None,
) -> list[tuple[int, int]]:
    """``(start, end)`` of what :func:`windowed_matches` yields, given every start of the needle
    (``starts``, increasing) instead of finding them: one list, no generator; a literal (whose longest
    match is its needle) is tried once per occurrence. ``pairs``: :func:`first_pairs` of ``rx``, the
    two characters a match begins with (tested instead of the first one)."""
    width, first = window
    back = width - needle_len
    out: list[tuple[int, int]] = []
    nxt = 0
    match = rx.match
    if back == 0:
        for o in starts:
            if o >= nxt and (first is None or t[o] in first):
                m = match(t, o)
                if m is not None:
                    nxt = m.end()
                    out.append((o, nxt))
        return out
    for o in starts:
        s = o - back
        if s < nxt:
            s = nxt
        while s <= o:
            if pairs is not None:
                m = match(t, s) if t[s : s + 2] in pairs else None
            else:
                m = match(t, s) if first is None or t[s] in first else None
            if m is not None:
                out.append((s, m.end()))
                s = m.end()
                break
            s += 1
        nxt = s
    return out
