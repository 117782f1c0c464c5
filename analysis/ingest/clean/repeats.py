"""Repeated passages of one document: removed only when they are certainly an artefact, and recorded.

News restates its lead, and a restated slogan is what users count, so a sentence that merely resembles
an earlier one is never removed. Two kinds of repeat are removed (first occurrence kept):

1. **Repeated paragraph**: a paragraph whose text equals an earlier paragraph's once whitespace and
   punctuation are ignored (at least ``min_paragraph_chars`` letters/digits/ideographs; short lines such
   as ``一、`` or ``会议强调`` repeat legitimately).
2. **Restated passage**: a run of at least ``min_run`` (2) consecutive sentences, each a near-duplicate
   of the sentences of an earlier run in the same order: character-bigram Jaccard similarity of at
   least ``threshold`` (0.5), punctuation and spaces ignored, sentences of ``min_sentence_chars`` (15)
   or more. This is how machine-rewritten pages repeat a description in other words (seed 001 restates
   the two sentences describing the meeting, at 0.59 and 0.52). A single restated sentence is kept,
   whatever its similarity: that is a lead restated in the body (seed 001 restates one sentence at
   0.80, and the fixtures in ``tests/test_repeats.py`` of news that restates its lead score up to 0.8).

Wrapping does not matter: sentences are read across line breaks that do not end a sentence (a PDF's
hard-wrapped lines) and paragraphs are compared the same way, so a document as text and as PDF loses
the same text.

Everything removed is returned as :class:`Removal` records (position in the output, the exact text,
the reason), from which :func:`restore_repeats` puts the text back. Work per document is linear: each
sentence is compared with a bounded number of earlier candidates.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Removal",
    "dedupe_paragraphs",
    "removals_from_json",
    "removals_to_json",
    "remove_repeats",
    "restore_repeats",
]

REPEATED_PARAGRAPH = "repeated paragraph"
RESTATED_PASSAGE = "restated passage"

# A sentence ends at 。！？!? (with closing quotes/brackets), or at a line break after a line that is
# complete in itself (it ends with punctuation, or it is short: a title, a heading, a header line).
_SENTENCE_END_RE = re.compile(r"[。！？!?]+[”’」』)）]*")
_KEY_DROP_RE = re.compile(r"[\W_]+")
_LINE_COMPLETE_RE = re.compile(r"[。！？!?；;：:…][”’」』)）]*\s*$")
_WRAPPED_LINE_MIN_CHARS = 40  # shorter lines without closing punctuation are titles, headings, labels
# Bounded effort: candidates compared per sentence, matches kept per sentence.
_MAX_COMPARISONS = 64
_MAX_MATCHES = 8
_RUN_GAP = 2  # the earlier run may skip one sentence (a paraphrase merges or splits sentences)


@dataclass(frozen=True)
class Removal:
    """One removed passage: ``at`` is its offset in the returned text, ``text`` exactly what was cut."""

    at: int
    text: str
    reason: str


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for line in text.split("\n"):
        spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def _continues(line: str) -> bool:
    """Does a sentence go on after this line's break (a hard-wrapped line)?"""
    stripped = line.strip()
    return len(stripped) >= _WRAPPED_LINE_MIN_CHARS and not _LINE_COMPLETE_RE.search(stripped)


def _sentences(text: str, lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentence spans over the whole text (a sentence may cross a wrapped line break)."""
    out: list[tuple[int, int]] = []
    start = None
    for a, b in lines:
        if start is None:
            start = a
        pos = a
        for m in _SENTENCE_END_RE.finditer(text, a, b):
            out.append((start, m.end()))
            start = pos = m.end()
        if not _continues(text[a:b]) or b >= len(text):
            if text[pos:b].strip():
                out.append((start, b))
            start = None
    return [(s, e) for s, e in out if text[s:e].strip()]


def _paragraphs(text: str, lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Paragraph spans: lines, with hard-wrapped lines joined to the next one."""
    out: list[tuple[int, int]] = []
    start = None
    for a, b in lines:
        if start is None:
            start = a
        if not _continues(text[a:b]) or b >= len(text):
            out.append((start, b))
            start = None
    if start is not None:
        out.append((start, lines[-1][1]))
    return out


def _key(s: str) -> str:
    return _KEY_DROP_RE.sub("", s)


def _ranked_bigrams(keys: list[str]) -> list[list[int]]:
    """For each key, its distinct character bigrams as ranks in one global order (rarest in this
    document first, ties by code point), sorted. Computed for all keys at once with numpy."""
    import numpy as np

    lengths = np.fromiter((len(k) for k in keys), dtype=np.int64, count=len(keys))
    chars = np.frombuffer("".join(keys).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    seg = np.repeat(np.arange(len(keys), dtype=np.uint64), lengths)
    ends = np.cumsum(lengths)
    ok = np.ones(len(chars), dtype=bool)
    ok[ends - 1] = False  # a bigram never spans two keys
    first = np.flatnonzero(ok[:-1]) if len(chars) > 1 else np.zeros(0, dtype=np.int64)
    codes = (chars[first] << np.uint64(21)) | chars[first + 1]
    pairs = np.unique((seg[first] << np.uint64(42)) | codes)  # distinct (key, bigram), sorted by key
    pair_seg = (pairs >> np.uint64(42)).astype(np.int64)
    pair_code = pairs & np.uint64((1 << 42) - 1)
    uniq, inverse, counts = np.unique(pair_code, return_inverse=True, return_counts=True)
    rank_of = np.empty(len(uniq), dtype=np.int64)
    rank_of[np.lexsort((uniq, counts))] = np.arange(len(uniq))
    ranks = rank_of[inverse]
    order = np.lexsort((ranks, pair_seg))
    bounds = np.searchsorted(pair_seg[order], np.arange(len(keys) + 1))
    ranked = ranks[order].tolist()
    return [ranked[bounds[k] : bounds[k + 1]] for k in range(len(keys))]


def _near_duplicates(keys: list[str | None], threshold: float) -> list[list[int]]:
    """For each sentence, earlier sentences whose bigram Jaccard similarity is >= ``threshold``.

    Prefix filtering over bigrams ranked rarest first (in this document) finds every such pair; the
    number of candidates compared per sentence is capped, so a document of endlessly similar sentences
    stays linear. Identical sentences are matched by their key without any comparison.
    """
    distinct_keys = [k for k in dict.fromkeys(keys) if k is not None and len(k) > 1]
    if not distinct_keys:
        return [[] for _ in keys]
    distinct = dict(zip(distinct_keys, _ranked_bigrams(distinct_keys), strict=True))
    index: dict[int, list[int]] = {}
    ids: list[frozenset[int] | None] = []
    matches: list[list[int]] = []
    last_same: dict[str, int] = {}  # key -> latest sentence with exactly this key
    for i, key in enumerate(keys):
        found: list[int] = []
        c = distinct.get(key) if key is not None else None
        if c is None:
            ids.append(None)
            matches.append(found)
            continue
        if key in last_same:  # an identical sentence: similarity 1, nothing to search
            matches.append([last_same[key]])
            ids.append(None)
            last_same[key] = i
            continue
        last_same[key] = i
        ordered = c
        own = frozenset(ordered)
        size = len(own)
        prefix = ordered[: size - math.ceil(threshold * size) + 1]
        checked: set[int] = set()
        for g in prefix:
            for j in reversed(index.get(g, ())):  # nearest earlier sentences first
                if j in checked:
                    continue
                checked.add(j)
                other = ids[j]
                if other is not None and threshold * size <= len(other) <= size / threshold:
                    inter = len(own & other)
                    if inter / (size + len(other) - inter) >= threshold:
                        found.append(j)
                if len(checked) >= _MAX_COMPARISONS or len(found) >= _MAX_MATCHES:
                    break
            if len(checked) >= _MAX_COMPARISONS or len(found) >= _MAX_MATCHES:
                break
        for g in prefix:
            index.setdefault(g, []).append(i)
        ids.append(own)
        matches.append(found)
    return matches


def _restated_runs(matches: list[list[int]], min_run: int) -> set[int]:
    """Sentences in runs of >= ``min_run`` consecutive sentences restating an earlier run in order."""
    # chains[i]: {j: (length, start)} for chains ending with sentence i matched to earlier sentence j
    chains: list[dict[int, tuple[int, int]]] = []
    removed: set[int] = set()
    for i, found in enumerate(matches):
        here: dict[int, tuple[int, int]] = {}
        prev = chains[i - 1] if i else {}
        for j in found:
            best = (1, i)
            for jp, (length, start) in prev.items():
                if j - _RUN_GAP <= jp < j and j < start and length + 1 > best[0]:
                    best = (length + 1, start)
            here[j] = best
        chains.append(here)
        longest = max(here.values(), default=(0, i))
        if longest[0] >= min_run:
            removed.update(range(longest[1], i + 1))
    return removed


def remove_repeats(
    text: str,
    *,
    threshold: float = 0.5,
    min_run: int = 2,
    min_paragraph_chars: int = 10,
    min_sentence_chars: int = 15,
) -> tuple[str, list[Removal]]:
    """Remove repeated paragraphs and restated passages (see the module docstring); return the text
    and what was removed. ``text`` has one paragraph per line (as cleaning leaves it)."""
    if not text:
        return text, []
    lines = _line_spans(text)
    cut: list[tuple[int, int, str]] = []
    seen: set[str] = set()
    for a, b in _paragraphs(text, lines):
        key = _key(text[a:b])
        if len(key) < min_paragraph_chars:
            continue
        if key in seen:
            cut.append((a, b, REPEATED_PARAGRAPH))
        else:
            seen.add(key)
    sentences = _sentences(text, lines)
    keys: list[str | None] = []
    for s, e in sentences:
        k = _key(text[s:e])
        keys.append(k if len(k) >= min_sentence_chars else None)
    restated = _restated_runs(_near_duplicates(keys, threshold), min_run)
    for k in sorted(restated):
        s, e = sentences[k]
        cut.append((s, e, RESTATED_PASSAGE))
    if not cut:
        return text, []
    return _apply(text, cut)


def _apply(text: str, cut: list[tuple[int, int, str]]) -> tuple[str, list[Removal]]:
    """Cut the spans (merged where they touch, overlap or only a line break separates them) and record
    them against the output."""
    cut.sort()
    merged: list[list[Any]] = []
    for a, b, reason in cut:
        if merged and (a <= merged[-1][1] or (a == merged[-1][1] + 1 and text[merged[-1][1]] == "\n")):
            merged[-1][1] = max(merged[-1][1], b)
            if reason not in merged[-1][2]:
                merged[-1][2].append(reason)
        else:
            merged.append([a, b, [reason]])
    spans = []
    for a, b, reasons in merged:
        # Whole lines go with one line break (the one before them, or after them at the very start);
        # a passage at a line start takes the spaces after it.
        line_start = a == 0 or text[a - 1] == "\n"
        line_end = b == len(text) or text[b] == "\n"
        if line_start and line_end:
            if a > 0:
                a -= 1
            elif b < len(text):
                b += 1
        elif line_start:
            while b < len(text) and text[b] in " \t":
                b += 1
        spans.append((a, b, " + ".join(reasons)))
    out: list[str] = []
    removals: list[Removal] = []
    pos = length = 0
    for a, b, reason in spans:
        a = max(a, pos)
        if a >= b:
            continue
        out.append(text[pos:a])
        length += a - pos
        removals.append(Removal(length, text[a:b], reason))
        pos = b
    out.append(text[pos:])
    return "".join(out), removals


def restore_repeats(text: str, removals: Iterable[Removal]) -> str:
    """Put removed passages back: ``restore_repeats(*remove_repeats(t)) == t``."""
    out: list[str] = []
    pos = 0
    for r in sorted(removals, key=lambda r: r.at):
        out.append(text[pos : r.at])
        out.append(r.text)
        pos = r.at
    out.append(text[pos:])
    return "".join(out)


def removals_to_json(removals: Iterable[Removal]) -> str:
    """Removals as a JSON list of ``{"at", "text", "reason"}`` objects ('' when there are none)."""
    items = [{"at": r.at, "text": r.text, "reason": r.reason} for r in removals]
    return json.dumps(items, ensure_ascii=False) if items else ""


def removals_from_json(value: str) -> list[Removal]:
    """The inverse of :func:`removals_to_json` (the corpus table's ``removed_text`` column)."""
    if not value:
        return []
    return [Removal(int(d["at"]), str(d["text"]), str(d["reason"])) for d in json.loads(value)]


def dedupe_paragraphs(text: str, **options: Any) -> str:
    """The text with repeats removed (see :func:`remove_repeats` for the options)."""
    return remove_repeats(text, **options)[0]
