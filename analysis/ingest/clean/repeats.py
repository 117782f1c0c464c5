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

import bisect
import functools
import itertools
import json
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
    "remove_repeats_each",
    "restore_repeats",
]

REPEATED_PARAGRAPH = "repeated paragraph"
RESTATED_PASSAGE = "restated passage"

# A sentence ends at 。！？!? (with closing quotes/brackets), or at a line break after a line that is
# complete in itself (it ends with punctuation, or it is short: a title, a heading, a header line).
# (the first mark written apart from the rest of the run: a pattern that starts with a character class
# lets the regex engine skip ahead to the next candidate; one that starts with a repeat is tried at
# every position)
_SENTENCE_END_RE = re.compile(r"[。！？!?][。！？!?]*[”’」』)）]*")
_KEY_DROP_RE = re.compile(r"[\W_]+")
_LINE_COMPLETE_RE = re.compile(r"[。！？!?；;：:…][”’」』)）]*\s*$")
_WRAPPED_LINE_MIN_CHARS = 40  # shorter lines without closing punctuation are titles, headings, labels
# Bounded effort: candidates compared per sentence, matches kept per sentence.
_MAX_COMPARISONS = 64
_MAX_MATCHES = 8
_RUN_GAP = 2  # the earlier run may skip one sentence (a paraphrase merges or splits sentences)
_MAX_PAIR_WORK = 4_000_000  # keys x (bigram, key) pairs up to which _Bigrams.may_match compares all at once


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


_CLOSERS = "”’」』)）"
_LINE_ENDS = tuple("。！？!?；;：:…")


def _continues(line: str) -> bool:
    """Does a sentence go on after this line's break (a hard-wrapped line)?"""
    stripped = line.strip()
    # not _LINE_COMPLETE_RE.search(stripped), read from the end (the search tries every position)
    return len(stripped) >= _WRAPPED_LINE_MIN_CHARS and not stripped.rstrip(_CLOSERS).endswith(_LINE_ENDS)


def _wrapped(text: str, lines: list[tuple[int, int]]) -> list[bool]:
    """For each line: does a sentence go on after its break (:func:`_continues`)? The last line never."""
    out = [b - a >= _WRAPPED_LINE_MIN_CHARS and _continues(text[a:b]) for a, b in lines]
    out[-1] = False
    return out


def _sentences(text: str, lines: list[tuple[int, int]], wrapped: list[bool]) -> list[tuple[int, int]]:
    """Sentence spans over the whole text (a sentence may cross a wrapped line break); each one holds a
    character other than whitespace."""
    out: list[tuple[int, int]] = []
    start = None
    # sentence ends over the whole text at once: an end never spans a line break, so these are the
    # ends of each line's own search
    ends = [m.end() for m in _SENTENCE_END_RE.finditer(text)]
    k, n = 0, len(ends)
    for (a, b), goes_on in zip(lines, wrapped, strict=True):
        if start is None:
            start = a
        pos = a
        while k < n and ends[k] <= b:
            out.append((start, ends[k]))
            start = pos = ends[k]
            k += 1
        if not goes_on:
            if text[pos:b].strip():
                out.append((start, b))
            start = None
    return out


def _paragraphs(lines: list[tuple[int, int]], wrapped: list[bool]) -> list[tuple[int, int]]:
    """Paragraph spans: lines, with hard-wrapped lines joined to the next one."""
    out: list[tuple[int, int]] = []
    start = None
    for (a, b), goes_on in zip(lines, wrapped, strict=True):
        if start is None:
            start = a
        if not goes_on:
            out.append((start, b))
            start = None
    return out


def _key(s: str) -> str:
    return _KEY_DROP_RE.sub("", s)


@functools.lru_cache(maxsize=2)
def _kept_table(limit: int) -> Any:
    """Per code point below ``limit``: True when :func:`_key` keeps the character (found by running the key
    rule itself over every character)."""
    import numpy as np

    table = np.zeros(limit, dtype=bool)
    every = "".join(map(chr, range(limit)))
    kept = np.frombuffer(_key(every).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    table[kept] = True
    return table


def _span_keys(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """``[_key(text[a:b]) for a, b in spans]``, computed once for the whole text: a span's key is the
    slice of the text's key between the numbers of kept characters before its ends."""
    import numpy as np

    if not spans or not text:
        return ["" for _ in spans]
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    table = _kept_table(0x10000 if int(codes.max()) < 0x10000 else 0x110000)
    before = np.zeros(len(codes) + 1, dtype=np.int64)
    kept = table[codes]
    np.cumsum(kept, out=before[1:])
    flat = np.fromiter(itertools.chain.from_iterable(spans), dtype=np.int64, count=2 * len(spans))
    ends = iter(before[flat].tolist())
    whole = codes[kept].tobytes().decode("utf-32-le")  # kept characters are never lone surrogates
    return [whole[a:b] for a, b in zip(ends, ends, strict=True)]


def _span_keys_each(texts: list[str], spans: list[list[tuple[int, int]]]) -> list[list[str]]:
    """``[_span_keys(t, s) for t, s in zip(texts, spans)]`` in one pass over the texts joined: a span's
    key depends on its own characters only, so the spans are those of the joined text, shifted."""
    if len(texts) == 1:
        return [_span_keys(texts[0], spans[0])]
    shifted: list[tuple[int, int]] = []
    offset = 0
    for text, own in zip(texts, spans, strict=True):
        shifted.extend((a + offset, b + offset) for a, b in own)
        offset += len(text)
    keys = _span_keys("".join(texts), shifted)
    out, at = [], 0
    for own in spans:
        out.append(keys[at : at + len(own)])
        at += len(own)
    return out


def _sorted_pairs(major: Any, minor: Any) -> tuple[Any, Any]:
    """Two non-negative int64 arrays sorted together by ``major``, then ``minor`` (one sort of a
    combined key where both fit in 63 bits)."""
    import numpy as np

    if len(major):
        bits = int(minor.max()).bit_length()
        width = int(major.max()).bit_length() + bits
        if width <= 63:
            both = (major << bits) | minor
            if width <= 32:  # a 32-bit sort is about twice as fast
                both = both.astype(np.uint32)
            both = np.sort(both).astype(np.int64, copy=False)
            return both >> bits, both & ((1 << bits) - 1)
    order = np.lexsort((minor, major))
    return major[order], minor[order]


class _Bigrams:
    """The distinct character bigrams of the distinct keys (each longer than one character, in order of
    first occurrence), computed for all keys at once with numpy.

    ``novel(threshold)[d]`` is False when key ``d`` may have a near-duplicate among the keys before it;
    :meth:`ranked` gives each key's bigrams as ranks in one global order.
    """

    def __init__(self, distinct: list[str], docs: list[int] | None = None) -> None:
        """``docs``: the number of keys of each of several documents, whose keys ``distinct`` holds one
        document after another; their bigrams are told apart by document (see :meth:`each`)."""
        import numpy as np

        n = self.n = len(distinct)
        lengths = np.fromiter(map(len, distinct), dtype=np.int64, count=n)
        chars = np.frombuffer("".join(distinct).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        code = (chars[:-1] << 21) | chars[1:]  # the bigram at every position
        seg = np.repeat(np.arange(n, dtype=np.int64), lengths)[:-1]
        if docs is not None:  # the document above the bigram's 42 bits: sorted by document first
            doc_of_key = np.repeat(np.arange(len(docs), dtype=np.int64), docs)
            code |= doc_of_key[seg] << 42
        inside = np.ones(len(code), dtype=bool)
        inside[np.cumsum(lengths[:-1]) - 1] = False  # a bigram never spans two keys
        code, seg = code[inside], seg[inside]
        bits = (n - 1).bit_length()
        if len(code) and int(code.max()).bit_length() + bits <= 63:
            # one sort of (bigram, key) as one number; equal numbers are the repeated pairs
            both = np.sort((code << bits) | seg)
            distinct_pair = np.ones(len(both), dtype=bool)
            distinct_pair[1:] = both[1:] != both[:-1]
            both = both[distinct_pair]
            code, seg = both >> bits, both & ((1 << bits) - 1)
            first_of_code = np.ones(len(code), dtype=bool)
            first_of_code[1:] = code[1:] != code[:-1]
            self.code, self.seg, self.first_of_code = code, seg, first_of_code
        else:
            code, seg = _sorted_pairs(code, seg)  # by bigram, then key
            first_of_code = np.ones(len(code), dtype=bool)
            first_of_code[1:] = code[1:] != code[:-1]
            distinct_pair = first_of_code.copy()
            distinct_pair[1:] |= seg[1:] != seg[:-1]
            self.code, self.seg = code[distinct_pair], seg[distinct_pair]
            self.first_of_code = first_of_code[distinct_pair]
        self.size = np.bincount(self.seg, minlength=n)

    @classmethod
    def each(cls, documents: list[list[str]]) -> list[_Bigrams]:
        """``[_Bigrams(d) for d in documents]`` from one construction over all their keys: each
        document's pairs are one block of the joint (bigram, key) order, since the document is the
        bigram code's highest part. Every document needs a key."""
        import numpy as np

        counts = [len(d) for d in documents]
        joint = cls([key for d in documents for key in d], docs=counts)
        doc_of_pair = joint.code >> 42
        pair_bounds = np.searchsorted(doc_of_pair, np.arange(len(documents) + 1)).tolist()
        key_bounds = [0, *itertools.accumulate(counts)]
        views = []
        for d, n in enumerate(counts):
            lo, hi, first_key = pair_bounds[d], pair_bounds[d + 1], key_bounds[d]
            view = cls.__new__(cls)
            view.n = n
            view.code = joint.code[lo:hi] & ((1 << 42) - 1)
            view.seg = joint.seg[lo:hi] - first_key
            view.first_of_code = joint.first_of_code[lo:hi]
            view.size = joint.size[first_key : first_key + n]
            views.append(view)
        return views

    def novel(self, threshold: float) -> list[bool]:
        """Per key: fewer than ``threshold`` of its distinct bigrams occur in the keys before it, so none
        of them is a near-duplicate (the similarity of two bigram sets is at most the share of either
        one that they have in common)."""
        import numpy as np

        shared = np.bincount(self.seg[~self.first_of_code], minlength=self.n)
        # the similarity is compared in floating point: a margin far above its rounding keeps this exact
        return (shared < threshold * (1 - 1e-9) * self.size).tolist()  # type: ignore[no-any-return]

    def may_match(self, ids: list[int], threshold: float) -> list[bool]:
        """Per key of ``ids``: False when no key before it reaches ``threshold`` bigram Jaccard
        similarity with it, so a search can find nothing for it (every earlier key compared at once,
        by counting the bigrams they share; True for all when that would be much work)."""
        import numpy as np

        seg, size = self.seg, self.size
        if len(ids) * len(seg) > _MAX_PAIR_WORK:
            return [True] * len(ids)
        group = np.cumsum(self.first_of_code) - 1  # the bigram of each (bigram, key) pair, numbered
        mark = np.zeros(int(group[-1]) + 1 if len(group) else 0, dtype=bool)
        out = []
        for d in ids:
            if d == 0:
                out.append(False)
                continue
            own = group[seg == d]
            mark[own] = True
            shared = np.bincount(seg[mark[group] & (seg < d)], minlength=d)
            mark[own] = False
            # as the search computes it, with a margin far above its rounding (never a false False)
            similarity = shared / (size[d] + size[:d] - shared)
            out.append(bool((similarity >= threshold * (1 - 1e-9)).any()))
        return out

    def ranked(self) -> tuple[list[int], list[int]]:
        """``(ranked, bounds)``: ``ranked[bounds[d]:bounds[d + 1]]`` are key ``d``'s distinct bigrams as
        ranks in one global order (rarest in this document first, ties by code point), sorted."""
        ranked, bounds = self.ranked_arrays()
        return ranked.tolist(), bounds.tolist()

    def ranked_arrays(self) -> tuple[Any, Any]:
        """:meth:`ranked` as numpy arrays."""
        import numpy as np

        group = np.flatnonzero(self.first_of_code)
        counts = np.diff(np.append(group, len(self.code)))  # keys per distinct bigram
        rank_of = np.empty(len(group), dtype=np.int64)
        # by count, then by code: the groups are in code order already, so a stable sort by count (a
        # radix sort for 16-bit counts) is the same as a lexsort of (code, count)
        small = counts.astype(np.uint16) if len(counts) and int(counts.max()) < 1 << 16 else counts
        rank_of[np.argsort(small, kind="stable")] = np.arange(len(group))
        ranks = np.repeat(rank_of, counts)
        ranked = _sorted_pairs(self.seg, ranks)[1]
        bounds = np.concatenate(([0], np.cumsum(self.size)))
        return ranked, bounds


def _searched(
    keys: list[str | None], first: dict[str, int], novel: list[bool], threshold: float, min_run: int
) -> list[bool]:
    """Which sentences are searched for near-duplicates: an exact pre-check.

    A sentence can only have a near-duplicate earlier when it repeats an earlier key or its key is not
    novel (see :meth:`_Bigrams.novel`). Its matches only count in a run of ``min_run`` consecutive
    sentences with matches, so for ``min_run`` >= 2 a sentence whose neighbours can have none need not
    be searched either. Most documents have no sentence left to search.
    """
    is_novel = dict(zip(first, novel, strict=True))
    candidate = [key in first and (first[key] != i or not is_novel[key]) for i, key in enumerate(keys)]  # type: ignore[operator]
    if min_run <= 1:
        return candidate
    last = len(candidate) - 1
    return [
        c and ((i > 0 and candidate[i - 1]) or (i < last and candidate[i + 1])) for i, c in enumerate(candidate)
    ]


def _distinct(keys: list[str | None]) -> dict[str, int]:
    """The keys that are searched and indexed (longer than one character), each with its first
    sentence, in order."""
    first: dict[str, int] = {}
    for i, key in enumerate(keys):
        if key is not None and len(key) > 1 and key not in first:
            first[key] = i
    return first


def _near_duplicates(
    keys: list[str | None],
    threshold: float,
    *,
    min_run: int = 1,
    precheck: bool = True,
    first: dict[str, int] | None = None,
    bigrams: _Bigrams | None = None,
) -> list[list[int]]:
    """For each sentence, earlier sentences whose bigram Jaccard similarity is >= ``threshold``.

    Prefix filtering over bigrams ranked rarest first (in this document) finds every such pair; the
    number of candidates compared per sentence is capped, so a document of endlessly similar sentences
    stays linear. Identical sentences are matched by their key without any comparison.

    With ``precheck``, only the sentences that :func:`_searched` keeps are searched; the others get no
    matches, which :func:`_restated_runs` with the same ``min_run`` cannot tell apart from the full
    search (a property test checks this).

    ``first`` (:func:`_distinct` of the keys) and ``bigrams`` (their :class:`_Bigrams`) are made here
    unless given (:func:`remove_repeats_each` makes them for many documents at once).
    """
    matches: list[list[int]] = [[] for _ in keys]
    if first is None:
        first = _distinct(keys)  # key -> its first sentence; these sentences are indexed
    if not first:
        return matches
    if bigrams is None:
        bigrams = _Bigrams(list(first))
    if precheck:
        search = _searched(keys, first, bigrams.novel(threshold), threshold, min_run)
    else:
        search = [key is not None and key in first for key in keys]
    if not any(search):
        return matches
    owner = list(first.values())  # distinct key -> sentence
    key_id = {i: d for d, i in enumerate(owner)}
    last_same: dict[str, int] = {}  # key -> latest sentence with exactly this key
    searched: list[int] = []  # distinct keys searched at their first sentence
    for i, key in enumerate(keys):
        if key is None or key not in first:
            continue
        if key in last_same:  # an identical sentence: similarity 1, nothing to search
            if search[i]:
                matches[i].append(last_same[key])
        elif search[i]:
            searched.append(key_id[i])
        last_same[key] = i
    if searched:  # most searched keys resemble no single earlier key enough: nothing to search
        searched = [d for d, maybe in zip(searched, bigrams.may_match(searched, threshold), strict=True) if maybe]
    if not searched:  # only identical sentences to match
        return matches
    import numpy as np

    ranked_np, bounds_np = bigrams.ranked_arrays()
    sizes = bigrams.size
    # the prefix of a key: its first size - ceil(threshold * size) + 1 ranks (at most all of them)
    plen_np = np.minimum(sizes - np.ceil(threshold * sizes).astype(np.int64) + 1, sizes)
    bounds, plen = bounds_np.tolist(), plen_np.tolist()

    def ranks_of(d: int) -> list[int]:
        return ranked_np[bounds[d] : bounds[d + 1]].tolist()  # type: ignore[no-any-return]

    # The index: for each bigram rank that a searched sentence looks up, the earlier indexed sentences
    # with that rank in their prefix, in order (found for all earlier keys at once).
    prefixes = {d: ranked_np[bounds[d] : bounds[d] + plen[d]].tolist() for d in searched}
    index: dict[int, list[int]] = {}
    last = searched[-1]
    if last:
        want = np.zeros(int(ranked_np.max()) + 1, dtype=bool)
        want[list(itertools.chain.from_iterable(prefixes.values()))] = True
        stop = bounds[last]
        seg_of = np.repeat(np.arange(last, dtype=np.int64), sizes[:last])
        pos = np.arange(stop, dtype=np.int64) - np.repeat(bounds_np[:last], sizes[:last])
        head = ranked_np[:stop]
        take = (pos < plen_np[seg_of]) & want[head]
        g_sel, d_sel = head[take], seg_of[take]
        order = np.argsort(g_sel, kind="stable")  # by rank, each rank's keys in order
        for g, d in zip(g_sel[order].tolist(), d_sel[order].tolist(), strict=True):
            index.setdefault(g, []).append(owner[d])
    sets: dict[int, set[int]] = {}
    for d in searched:
        i = owner[d]
        own = set(ranks_of(d))
        size = len(own)
        found = matches[i]
        checked: set[int] = set()
        for g in prefixes[d]:
            earlier = index.get(g, [])
            for at in range(bisect.bisect_left(earlier, i) - 1, -1, -1):  # nearest earlier sentences first
                j = earlier[at]
                if j in checked:
                    continue
                checked.add(j)
                dj = key_id[j]
                other_size = bounds[dj + 1] - bounds[dj]
                if threshold * size <= other_size <= size / threshold:
                    other = sets.get(dj)
                    if other is None:
                        other = sets[dj] = set(ranks_of(dj))
                    inter = len(own & other)
                    if inter / (size + other_size - inter) >= threshold:
                        found.append(j)
                if len(checked) >= _MAX_COMPARISONS or len(found) >= _MAX_MATCHES:
                    break
            if len(checked) >= _MAX_COMPARISONS or len(found) >= _MAX_MATCHES:
                break
    return matches


def _restated_runs(matches: list[list[int]], min_run: int) -> set[int]:
    """Sentences in runs of >= ``min_run`` consecutive sentences restating an earlier run in order."""
    # chains[i]: {j: (length, start)} for chains ending with sentence i matched to earlier sentence j
    chains: list[dict[int, tuple[int, int]]] = []
    removed: set[int] = set()
    for i, found in enumerate(matches):
        if not found:  # no chain ends here
            chains.append({})
            continue
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
    (result,) = remove_repeats_each(
        [text],
        threshold=threshold,
        min_run=min_run,
        min_paragraph_chars=min_paragraph_chars,
        min_sentence_chars=min_sentence_chars,
    )
    if isinstance(result, Exception):
        raise result
    return result


def _each(batch: Any, one: Any, items: list[Any]) -> list[Any]:
    """``batch(items)``, or when it raises, ``one(item)`` of each item, an item whose call raises getting
    its exception in its place."""
    try:
        return batch(items)  # type: ignore[no-any-return]
    except Exception:
        out: list[Any] = []
        for item in items:
            try:
                out.append(one(item))
            except Exception as exc:
                out.append(exc)
        return out


def remove_repeats_each(
    texts: list[str],
    *,
    threshold: float = 0.5,
    min_run: int = 2,
    min_paragraph_chars: int = 10,
    min_sentence_chars: int = 15,
) -> list[tuple[str, list[Removal]] | Exception]:
    """:func:`remove_repeats` of each text, in order; a text whose removal raises gets the exception in
    its place. The answers are the same; the keys and bigrams of all the texts are made in one pass
    each (numpy's cost per call is most of a short document's)."""
    out: list[Any] = [None] * len(texts)
    split: dict[int, tuple[list[tuple[int, int]], list[tuple[int, int]]]] = {}  # paragraphs, sentences
    for k, text in enumerate(texts):
        if not text:
            out[k] = (text, [])
            continue
        try:
            lines = _line_spans(text)
            wrapped = _wrapped(text, lines)
            split[k] = (_paragraphs(lines, wrapped), _sentences(text, lines, wrapped))
        except Exception as exc:
            out[k] = exc
    docs = list(split)
    all_keys = _each(
        lambda ks: _span_keys_each([texts[k] for k in ks], [split[k][0] + split[k][1] for k in ks]),
        lambda k: _span_keys(texts[k], split[k][0] + split[k][1]),
        docs,
    )
    cuts: dict[int, list[tuple[int, int, str]]] = {}
    keys_of: dict[int, tuple[list[str | None], dict[str, int]]] = {}
    for k, span_keys in zip(docs, all_keys, strict=True):
        if isinstance(span_keys, Exception):
            out[k] = span_keys
            continue
        paragraphs = split[k][0]
        cut = cuts[k] = []
        seen: set[str] = set()
        for (a, b), key in zip(paragraphs, span_keys, strict=False):
            if len(key) < min_paragraph_chars:
                continue
            if key in seen:
                cut.append((a, b, REPEATED_PARAGRAPH))
            else:
                seen.add(key)
        keys = [key if len(key) >= min_sentence_chars else None for key in span_keys[len(paragraphs) :]]
        keys_of[k] = (keys, _distinct(keys))
    indexed = [k for k in keys_of if keys_of[k][1]]
    bigrams = dict(
        zip(
            indexed,
            _each(_Bigrams.each, lambda d: _Bigrams(d), [list(keys_of[k][1]) for k in indexed]),
            strict=True,
        )
    )
    for k, (keys, first) in keys_of.items():
        try:
            if isinstance(bigrams.get(k), Exception):
                raise bigrams[k]
            matches = _near_duplicates(keys, threshold, min_run=min_run, first=first, bigrams=bigrams.get(k))
            cut = cuts[k]
            for n in sorted(_restated_runs(matches, min_run)):
                s, e = split[k][1][n]
                cut.append((s, e, RESTATED_PASSAGE))
            out[k] = _apply(texts[k], cut) if cut else (texts[k], [])
        except Exception as exc:
            out[k] = exc
    return out


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
