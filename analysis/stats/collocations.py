"""Collocations: which tokens keep company with a term, scored by PMI, logDice, log-likelihood and t-score.

Every score comes from one 2x2 table per collocate c (Evert 2008, "Corpora and collocations"):

                          c          not c
    near the term         O          R - O
    elsewhere             f(c) - O   M - R - f(c) + O        (total M)

``unit="window"`` (default) on ``tokens.docs`` (the filtered token lists of ``analysis.tokens``):
  the sample space is the M = N - f(term) token positions that are not the term itself (N = corpus
  tokens). R is the number of those positions within ``window`` tokens left or right of some occurrence
  of the term (overlapping windows are merged, so a position is counted once even when it is near two
  occurrences; windows stop at document ends); O is how many of them hold c; f(c) is c's corpus
  frequency (``collocate_total``). Token lists have no punctuation, so a window may reach across a
  sentence boundary.
``unit="sentence"`` on sentence-level token lists (``sentence_tokens(corpus)``): the sample space is
  the M sentences; R = sentences containing the term (``term_total``), f(c) = sentences containing c,
  O = sentences containing both.

Scores:
  expected  E = R * f(c) / M, the count expected if c were scattered at random
  pmi       log2(O / E)
  g2        Dunning's log-likelihood G² = 2 * sum(o * ln(o / e)) over the four cells, signed: positive
            when O > E (attraction), negative when O < E. As NLTK's ``likelihood_ratio`` on the table.
  t_score   (O - E) / sqrt(O) (Church et al. 1991); as NLTK's ``student_t``. Favours frequent pairs.
  log_dice  14 + log2(2 * O / (f(term) + f(c))) (Rychlý 2008): not inflated for rare collocates.
            Its bound depends on the unit: in sentence mode O <= min(f(term), f(c)), so log_dice <= 14;
            in window mode one occurrence of the term has up to 2 * window neighbours, so O can exceed
            f(term) and log_dice <= 14 + log2(4w / (2w + 1)) (< 15; 14.86 for w = 5), reached when
            f(c) = 2w * f(term) and every c stands next to the term (``log_dice_max``).

The term itself is never its own collocate. Collocates with ``count < min_count`` are left out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError
from analysis.ingest.clean import to_simplified
from analysis.stats._suggest import near_variants, refuse, say_not_found

__all__ = ["SentenceTokens", "collocations", "g2_table", "log_dice_max", "sentence_tokens", "split_sentences"]

COLLOCATION_COLUMNS = [
    "term", "collocate", "count", "term_total", "collocate_total", "expected", "pmi", "log_dice", "g2",
    "t_score",
]
SORT_KEYS = ("pmi", "count", "log_dice", "g2", "t_score")


def log_dice_max(unit: str = "window", window: int = 5) -> float:
    """The largest log_dice possible for ``unit`` ("window" with ``window``, or "sentence")."""
    if unit == "sentence":
        return 14.0
    return 14.0 + float(np.log2(4 * window / (2 * window + 1)))


def g2_table(o11: np.ndarray, r1: np.ndarray, c1: np.ndarray, m: float) -> np.ndarray:
    """Signed G² of the 2x2 tables with cell O = ``o11``, row total ``r1``, column total ``c1`` of ``m``."""
    o11 = np.asarray(o11, dtype=np.float64)
    r1 = np.asarray(r1, dtype=np.float64) * np.ones_like(o11)
    c1 = np.asarray(c1, dtype=np.float64) * np.ones_like(o11)
    cells = (o11, r1 - o11, c1 - o11, m - r1 - c1 + o11)
    expected = (r1 * c1 / m, r1 * (m - c1) / m, (m - r1) * c1 / m, (m - r1) * (m - c1) / m)
    total = np.zeros_like(o11)
    with np.errstate(divide="ignore", invalid="ignore"):
        for o, e in zip(cells, expected, strict=True):
            total += np.where(o > 0, o * np.log(o / e), 0.0)
    g2 = np.maximum(2.0 * total, 0.0)
    return np.where(o11 >= expected[0], g2, -g2)

_SENTENCE_END = re.compile(r"(?<=[。！？；!?;…])|\n")


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``: split after 。！？；!?;… and at paragraph breaks; empty pieces dropped."""
    return [s for s in (p.strip() for p in _SENTENCE_END.split(text)) if s]


@dataclass
class SentenceTokens:
    """Token lists per sentence: ``docs[i]`` is one sentence of document ``docvars.doc_id[i]``."""

    docs: list[list[str]]
    docvars: pd.DataFrame
    unit: str = "sentence"


def sentence_tokens(corpus: pd.DataFrame, tokenizer: Any | None = None) -> SentenceTokens:
    """Split every document into sentences and tokenize each with ``tokenizer.tokenize``.

    ``tokenizer`` defaults to ``analysis.tokens.Tokenizer()`` (same dictionary and filters as the
    document tokens). Not cached: meant for collocations of a few terms.
    """
    if not isinstance(corpus, pd.DataFrame) or not {"doc_id", "text"} <= set(corpus.columns):
        raise AnalysisError("sentence_tokens needs a corpus DataFrame with doc_id and text columns")
    if tokenizer is None:
        from analysis.tokens import Tokenizer

        tokenizer = Tokenizer()
    docs: list[list[str]] = []
    ids: list[str] = []
    for doc_id, text in zip(corpus["doc_id"].astype(str), corpus["text"], strict=True):
        if not isinstance(text, str):
            continue
        for sentence in split_sentences(text):
            docs.append(list(tokenizer.tokenize(sentence)))
            ids.append(doc_id)
    return SentenceTokens(docs, pd.DataFrame({"doc_id": ids}))


def _docs_of(tokens: Any) -> list[list[str]]:
    docs = getattr(tokens, "docs", tokens)
    if isinstance(docs, (str, bytes)) or not isinstance(docs, Iterable):
        raise AnalysisError("expected Tokens (an object with .docs) or a list of token lists")
    return [list(d) for d in docs]


def collocations(
    tokens: Any,
    term: str,
    *,
    window: int = 5,
    min_count: int = 2,
    unit: Literal["window", "sentence"] = "window",
    sort: Literal["pmi", "count", "log_dice", "g2", "t_score"] = "pmi",
) -> pd.DataFrame:
    """Collocates of ``term`` (one token, exact match) with their association scores.

    ``tokens``: Tokens or a list of token lists; for ``unit="sentence"`` the output of
    ``sentence_tokens`` (anything else would silently turn "sentence" into "document").

    Columns (see the module docstring for the formulas):
      term             str
      collocate        str
      count            int; observed co-occurrences O (positions near the term holding the collocate;
                       sentences containing both, for sentences)
      term_total       int; occurrences of the term (sentences containing it, for sentences)
      collocate_total  int; corpus frequency of the collocate (sentences containing it, for sentences)
      expected         float; E under independence
      pmi              float; log2(O / E)
      log_dice         float; see the module docstring for its bound in each unit
      g2               float; signed log-likelihood G² of the 2x2 table
      t_score          float; (O - E) / sqrt(O)
    Rows: ``sort`` descending ("pmi", "count", "log_dice", "g2" or "t_score"), ties by count, then
    collocate. Empty (with these columns) if the term does not occur, with a ``TermNotFoundWarning``
    naming near variants (tokens sharing its characters; also in ``attrs["near_variants"]``).
    """
    from analysis.dtm import DTM

    if isinstance(tokens, (pd.DataFrame, DTM)):
        refuse("collocations", tokens, "tokens", "collocations(tl.tokenize(corpus), term)"
               " (or collocations(tl.sentence_tokens(corpus), term, unit='sentence'))")
    if not isinstance(term, str) or not term:
        raise AnalysisError("collocations needs a non-empty term")
    asked = term
    term = to_simplified(term)  # tokens are simplified script
    if unit not in ("window", "sentence"):
        raise AnalysisError(f"unit must be 'window' or 'sentence', got {unit!r}")
    if sort not in SORT_KEYS:
        raise AnalysisError(f"sort must be one of {', '.join(SORT_KEYS)}, got {sort!r}")
    if window < 1:
        raise AnalysisError(f"window must be >= 1, got {window}")
    if min_count < 1:
        raise AnalysisError(f"min_count must be >= 1, got {min_count}")
    if unit == "sentence" and getattr(tokens, "unit", None) != "sentence":
        raise AnalysisError(
            "unit='sentence' needs sentence-level tokens: collocations(sentence_tokens(corpus), term, "
            "unit='sentence')"
        )
    if unit == "window":
        observed, term_total, totals, near, space = _window_counts(*_codes_of(tokens), term, window)
    else:
        observed, term_total, totals, near, space = _sentence_counts(_docs_of(tokens), term)

    rows = [(c, o) for c, o in observed.items() if o >= min_count and c != term]
    if term_total == 0:
        out = _empty()
        say_not_found(out, "collocations", term, near_variants(term, totals), asked)
        return out
    if not rows:
        return _empty()
    coll = np.array([c for c, _ in rows], dtype=object)
    obs = np.array([o for _, o in rows], dtype=np.int64)
    ctot = np.array([totals[c] for c in coll], dtype=np.int64)
    exp = near * ctot.astype(np.float64) / space
    out = pd.DataFrame(
        {
            "term": term,
            "collocate": coll,
            "count": obs,
            "term_total": np.int64(term_total),
            "collocate_total": ctot,
            "expected": exp,
            "pmi": np.log2(obs / exp),
            "log_dice": 14.0 + np.log2(2.0 * obs / (term_total + ctot)),
            "g2": g2_table(obs, near, ctot, space),
            "t_score": (obs - exp) / np.sqrt(obs),
        }
    )
    keys = [sort, "count", "collocate"] if sort != "count" else ["count", "pmi", "collocate"]
    out = out.sort_values(keys, ascending=[False, False, True], kind="stable").reset_index(drop=True)
    return out[COLLOCATION_COLUMNS]


def _codes_of(tokens: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(vocabulary, integer code of every token in document order, tokens per document): the token
    cache's codes when ``tokens`` holds them (no Python list is made), else the lists factorised."""
    from analysis.tokens import TokenLists, factorized

    docs = getattr(tokens, "docs", tokens)
    flat = docs.flat_codes() if isinstance(docs, TokenLists) else None
    if flat is not None:
        vocab, codes, lengths = flat
        return np.asarray(vocab, dtype=object), codes, np.asarray(lengths, dtype=np.int64)
    return factorized(_docs_of(tokens))


#: Tokens counted per step of the corpus tally: at 1 GB of text one bincount of every token made a
#: 0.8 GB copy, which took 1.7 s to fault in; steps of this size take 0.2 s in all.
_TALLY_STEP = 1 << 22


def _window_counts(
    vocab: np.ndarray, codes: np.ndarray, lengths: np.ndarray, term: str, window: int
) -> tuple[Counter[str], int, Counter[str], int, int]:
    """(O per collocate, f(term), f per token, R = positions near the term, M = positions not the term).

    Every occurrence of the term covers the positions within ``window`` tokens of it inside its
    document; the covered positions (the union of those ranges, the term's own positions taken out)
    are R, and O counts the tokens there."""
    n_tokens = len(codes)
    tally = np.zeros(len(vocab), dtype=np.int64)
    for a in range(0, n_tokens, _TALLY_STEP):  # (bincount copies its input to int64: a step at a time)
        tally += np.bincount(codes[a : a + _TALLY_STEP], minlength=len(vocab))
    where = np.flatnonzero(vocab == term)
    hits = np.flatnonzero(codes == where[0]) if len(where) else np.zeros(0, dtype=np.int64)
    observed: Counter[str] = Counter()
    near = 0
    if len(hits):
        ends = np.cumsum(lengths)
        doc = np.searchsorted(ends, hits, side="right")  # the document of every occurrence
        lo = np.maximum(ends[doc] - lengths[doc], hits - window)
        hi = np.minimum(ends[doc], hits + window + 1)
        # the union of the ranges [lo, hi) (sorted by lo, as the hits are): merged runs, then every position
        reach = np.maximum.accumulate(hi)
        new_run = np.ones(len(hits), dtype=bool)
        new_run[1:] = lo[1:] >= reach[:-1]
        starts, stops = lo[new_run], reach[np.r_[np.flatnonzero(new_run)[1:] - 1, len(hits) - 1]]
        sizes = stops - starts
        positions = np.repeat(starts - np.r_[0, np.cumsum(sizes)[:-1]], sizes) + np.arange(int(sizes.sum()))
        positions = positions[codes[positions] != where[0]]  # the term's own positions are not its neighbours
        near = len(positions)
        found = np.bincount(codes[positions], minlength=len(vocab))
        observed = Counter({vocab[c]: int(found[c]) for c in np.flatnonzero(found)})
    totals: Counter[str] = Counter(dict(zip(vocab[tally > 0].tolist(), tally[tally > 0].tolist(), strict=True)))
    return observed, len(hits), totals, near, n_tokens - len(hits)


def _sentence_counts(docs: list[list[str]], term: str) -> tuple[Counter[str], int, Counter[str], int, int]:
    totals: Counter[str] = Counter()
    observed: Counter[str] = Counter()
    term_total = 0
    for sentence in docs:
        types = set(sentence)
        totals.update(types)
        if term in types:
            term_total += 1
            observed.update(types)
    return observed, term_total, totals, term_total, len(docs)


def _empty() -> pd.DataFrame:
    dtypes = {"count": np.int64, "term_total": np.int64, "collocate_total": np.int64,
              "expected": float, "pmi": float, "log_dice": float, "g2": float, "t_score": float}
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, object)) for c in COLLOCATION_COLUMNS})


# help(function) shows the definitions too: the package namespace shadows this module by the function.
from analysis.stats._suggest import with_module_doc  # noqa: E402

with_module_doc(__doc__, collocations)
