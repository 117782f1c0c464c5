"""Collocations: which tokens keep company with a term, scored by PMI and logDice.

Two units of co-occurrence:

``unit="window"`` (default) on ``tokens.docs`` (the filtered token lists of ``analysis.tokens``):
  * ``count`` (O): how often the collocate stands within ``window`` tokens left or right of an
    occurrence of the term, summed over the term's occurrences (a collocate token near two occurrences
    counts twice);
  * ``expected`` (E) = S * f(c) / N: S is the number of window slots around all occurrences of the
    term (clipped at document ends; slots holding the term itself included), f(c) the collocate's
    corpus frequency (``collocate_total``) and N the corpus size in tokens: the count expected if the
    collocate were scattered at random;
  * ``pmi`` = log2(O / E).
  Token lists have no punctuation, so a window may reach across a sentence boundary.

``unit="sentence"`` on sentence-level token lists (``sentence_tokens(corpus)``): co-occurrence means
  the same sentence. O = sentences containing both, f(c) = sentences containing the collocate,
  E = f(term) * f(c) / N with N the number of sentences, ``pmi`` = log2(O / E).

``log_dice`` = 14 + log2(2 * O / (f(term) + f(c))) (Rychlý 2008): like PMI an association score, but
not inflated for rare collocates; at most 14.

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

__all__ = ["SentenceTokens", "collocations", "sentence_tokens", "split_sentences"]

COLLOCATION_COLUMNS = [
    "term", "collocate", "count", "term_total", "collocate_total", "expected", "pmi", "log_dice",
]

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
    sort: Literal["pmi", "count", "log_dice"] = "pmi",
) -> pd.DataFrame:
    """Collocates of ``term`` (one token, exact match) with their association scores.

    ``tokens``: Tokens or a list of token lists; for ``unit="sentence"`` the output of
    ``sentence_tokens`` (anything else would silently turn "sentence" into "document").

    Columns (see the module docstring for the formulas):
      term             str
      collocate        str
      count            int; observed co-occurrences O
      term_total       int; occurrences of the term (sentences containing it, for sentences)
      collocate_total  int; corpus frequency of the collocate (sentences containing it, for sentences)
      expected         float; E under independence
      pmi              float; log2(O / E)
      log_dice         float
    Rows: ``sort`` descending ("pmi", "count" or "log_dice"), ties by count, then collocate. Empty
    (with these columns) if the term does not occur.
    """
    if not isinstance(term, str) or not term:
        raise AnalysisError("collocations needs a non-empty term")
    term = to_simplified(term)  # tokens are simplified script
    if unit not in ("window", "sentence"):
        raise AnalysisError(f"unit must be 'window' or 'sentence', got {unit!r}")
    if sort not in ("pmi", "count", "log_dice"):
        raise AnalysisError(f"sort must be 'pmi', 'count' or 'log_dice', got {sort!r}")
    if window < 1:
        raise AnalysisError(f"window must be >= 1, got {window}")
    if min_count < 1:
        raise AnalysisError(f"min_count must be >= 1, got {min_count}")
    if unit == "sentence" and getattr(tokens, "unit", None) != "sentence":
        raise AnalysisError(
            "unit='sentence' needs sentence-level tokens: collocations(sentence_tokens(corpus), term, "
            "unit='sentence')"
        )
    docs = _docs_of(tokens)
    if unit == "window":
        observed, term_total, totals, expected_of = _window_counts(docs, term, window)
    else:
        observed, term_total, totals, expected_of = _sentence_counts(docs, term)

    rows = [(c, o) for c, o in observed.items() if o >= min_count and c != term]
    if not rows or term_total == 0:
        return _empty()
    coll = np.array([c for c, _ in rows], dtype=object)
    obs = np.array([o for _, o in rows], dtype=np.int64)
    ctot = np.array([totals[c] for c in coll], dtype=np.int64)
    exp = expected_of(ctot)
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
        }
    )
    keys = [sort, "count", "collocate"] if sort != "count" else ["count", "pmi", "collocate"]
    out = out.sort_values(keys, ascending=[False, False, True], kind="stable").reset_index(drop=True)
    return out[COLLOCATION_COLUMNS]


def _window_counts(docs: list[list[str]], term: str, window: int) -> tuple[Counter[str], int, Counter[str], Any]:
    totals: Counter[str] = Counter()
    observed: Counter[str] = Counter()
    n_tokens = 0
    slots = 0
    term_total = 0
    for doc in docs:
        totals.update(doc)
        n = len(doc)
        n_tokens += n
        for i, tok in enumerate(doc):
            if tok != term:
                continue
            term_total += 1
            lo, hi = max(0, i - window), min(n, i + window + 1)
            slots += hi - lo - 1
            observed.update(doc[lo:i])
            observed.update(doc[i + 1 : hi])

    def expected(ctot: np.ndarray) -> np.ndarray:
        return slots * ctot.astype(np.float64) / n_tokens

    return observed, term_total, totals, expected


def _sentence_counts(docs: list[list[str]], term: str) -> tuple[Counter[str], int, Counter[str], Any]:
    totals: Counter[str] = Counter()
    observed: Counter[str] = Counter()
    term_total = 0
    for sentence in docs:
        types = set(sentence)
        totals.update(types)
        if term in types:
            term_total += 1
            observed.update(types)
    n_sentences = len(docs)

    def expected(ctot: np.ndarray) -> np.ndarray:
        return term_total * ctot.astype(np.float64) / n_sentences

    return observed, term_total, totals, expected


def _empty() -> pd.DataFrame:
    dtypes = {"count": np.int64, "term_total": np.int64, "collocate_total": np.int64,
              "expected": float, "pmi": float, "log_dice": float}
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, object)) for c in COLLOCATION_COLUMNS})
