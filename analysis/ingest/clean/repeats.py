"""Repeated passages of one document kept once."""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter

__all__ = ["dedupe_paragraphs"]

# ---------------------------------------------------------------------------------------------------
# Repeated paragraphs
# ---------------------------------------------------------------------------------------------------

_SENTENCE_RE = re.compile(r"[^。！？!?\n]*(?:[。！？!?]+[”’」』)）]*|$)")
_KEY_DROP_RE = re.compile(r"[\W_]+")
_SENTENCE_END_RE = re.compile(r"[。！？!?][”’」』)）]*\s*$")


def _split_sentences(paragraph: str) -> list[str]:
    return [s for s in _SENTENCE_RE.findall(paragraph) if s]


def _bigrams(key: str) -> set[str]:
    return {a + b for a, b in itertools.pairwise(key)}


def _drop_near_duplicate_sentences(paragraphs: list[str], threshold: float, min_chars: int) -> list[str]:
    """Drop sentences whose character-bigram Jaccard similarity with an earlier kept sentence reaches
    ``threshold``.

    Candidates come from a prefix-filter index: bigrams are ranked rarest first across the document and
    only the first ``n - ceil(threshold * n) + 1`` of each sentence are indexed/probed, which is enough
    to find every pair at or above the threshold while keeping posting lists short.
    """
    sentences = [_split_sentences(p) for p in paragraphs]
    raw_grams: list[list[set[str] | None]] = []
    for sents in sentences:
        row: list[set[str] | None] = []
        for s in sents:
            key = _KEY_DROP_RE.sub("", s)
            # Only finished sentences take part: titles and headings restate the body by design.
            finished = _SENTENCE_END_RE.search(s) is not None
            row.append(_bigrams(key) if finished and len(key) >= min_chars else None)
        raw_grams.append(row)
    freq: Counter[str] = Counter(g for row in raw_grams for gs in row if gs for g in gs)
    # Any fixed global order makes the prefix filter exact; rarest first keeps posting lists short.
    rank = {g: r for r, g in enumerate(sorted(freq, key=freq.__getitem__))}
    index: dict[int, list[frozenset[int]]] = {}
    out = []
    for sents, row in zip(sentences, raw_grams, strict=True):
        kept = []
        for s, raw in zip(sents, row, strict=True):
            if raw is None:
                kept.append(s)
                continue
            ordered = sorted(map(rank.__getitem__, raw))
            ids = frozenset(ordered)
            size = len(ids)
            prefix = ordered[: size - math.ceil(threshold * size) + 1]
            if not _has_near_duplicate(ids, prefix, index, threshold):
                kept.append(s)
                for g in prefix:
                    index.setdefault(g, []).append(ids)
        if kept:
            out.append("".join(kept))
    return out


def _has_near_duplicate(
    ids: frozenset[int], prefix: list[int], index: dict[int, list[frozenset[int]]], threshold: float
) -> bool:
    size = len(ids)
    checked: set[int] = set()
    for g in prefix:
        for other in index.get(g, ()):
            if id(other) in checked:
                continue
            checked.add(id(other))
            # Jaccard >= t needs t*|a| <= |b| <= |a|/t: skip the rest without intersecting.
            if not threshold * size <= len(other) <= size / threshold:
                continue
            inter = len(ids & other)
            if inter / (size + len(other) - inter) >= threshold:
                return True
    return False


def dedupe_paragraphs(
    text: str, *, min_chars: int = 10, similarity: float | None = 0.5, min_sentence_chars: int = 15
) -> str:
    """Keep each repeated passage of a document once (the first occurrence).

    Two passes over the lines (one paragraph per line):

    1. Near-duplicate sentences (LLM-rewritten texts repeat a description in other words, as seed 001
       does): a sentence with at least ``min_sentence_chars`` letters/ideographs is dropped when the
       Jaccard similarity of its character bigrams with an earlier kept sentence is >= ``similarity``
       (punctuation and spaces ignored; identical sentences have similarity 1). ``similarity=None``
       disables this pass.
    2. Exact paragraphs: a line equal to an earlier one, ignoring whitespace, is dropped when it has at
       least ``min_chars`` non-space characters. Short lines (一、, 会议强调) are never deduplicated.
    """
    paragraphs = [p for p in text.split("\n") if p.strip()]
    if similarity is not None:
        paragraphs = _drop_near_duplicate_sentences(paragraphs, similarity, min_sentence_chars)
    seen: set[str] = set()
    out = []
    for p in paragraphs:
        key = re.sub(r"\s+", "", p)
        if len(key) >= min_chars:
            if key in seen:
                continue
            seen.add(key)
        out.append(p)
    return "\n".join(out)

