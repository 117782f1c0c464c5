"""Uncertainty of rates: a bootstrap over documents.

A rate per 10,000 tokens pools every token of a group, but tokens are not independent draws: a
document that repeats a term 30 times is one editorial decision, not 30. The intervals therefore treat
the *document* as the unit (a nonparametric bootstrap of documents within the group, Efron & Tibshirani
1993, the usual cluster bootstrap): resample the group's documents with replacement ``n_boot`` times,
recompute the pooled rate sum(count) / sum(tokens) each time, and report the percentile interval.
In simulation (tests/test_stats_meaning.py: 40 documents of random length, gamma-distributed document
rates) the 95% interval covers the true rate 86% of the time with 10 documents, 92% with 40 and 94%
with 100 (BCa did no better there), against 83% for the token-level Poisson interval it replaces.
Seeded, so a report is reproducible. Groups with fewer than two documents have no document-level
variation to resample: their interval is NaN (say so; never draw it as certain). With only a handful of
documents any bootstrap interval is too narrow: read intervals of groups with fewer than about ten
documents as optimistic. A term with no occurrence in the group gets the interval [0, 0]: the bootstrap
cannot see what no document shows.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from analysis.errors import AnalysisError

__all__ = ["DEFAULT_BOOT", "bootstrap_rate_ci"]

DEFAULT_BOOT = 1000
_MAX_CELLS = 4_000_000  # resampled values held at once (n_boot x terms): chunk the terms beyond this
#: Resampling weights (resamples x documents) drawn and used as floats at once; the rest wait as small
#: integers. One float matrix of all of them took 1.3 GB for a group of 160,000 documents.
_MAX_WEIGHTS = 1 << 22


def _weight_rows(n: int) -> int:
    """Resamples of ``n`` documents drawn, and used as floats, at once."""
    return max(1, _MAX_WEIGHTS // n)


def _resample_weights(rng: np.random.Generator, n: int, n_boot: int) -> np.ndarray:
    """``n_boot`` resamples of ``n`` documents drawn with replacement, as how often each document is
    drawn (uint16; uint32 in the unlikely case a document is drawn more than 65,535 times).

    Each resample is ``n`` uniform draws of a document, counted: the multinomial(n, 1/n, ..., 1/n)
    weights of the document bootstrap, drawn a block of resamples at a time (numpy's own multinomial
    makes one binomial draw per document and took 9 s for 1,000 resamples of 160,000 documents)."""
    rows = _weight_rows(n)
    out = np.empty((n_boot, n), dtype=np.uint16)
    for a in range(0, n_boot, rows):
        k = min(rows, n_boot - a)
        picks = rng.integers(0, n, size=(k, n), dtype=np.int64)
        for r in range(k):  # one resample at a time: its counts fit in the cache (a third faster)
            drawn = np.bincount(picks[r], minlength=n)
            # (a count above 65,535 needs more draws than that: more documents)
            if n > np.iinfo(np.uint16).max and out.dtype == np.uint16 and drawn.max() > np.iinfo(np.uint16).max:
                out = out.astype(np.uint32)
            out[a + r] = drawn
    return out


def bootstrap_rate_ci(
    counts: np.ndarray | sp.spmatrix,
    tokens: np.ndarray,
    codes: np.ndarray,
    n_groups: int,
    *,
    level: float = 0.95,
    n_boot: int = DEFAULT_BOOT,
    seed: int = 0,
    per: float = 10_000.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval of the pooled rate of every term (column) in every group.

    counts: n_docs x n_terms (dense or sparse); tokens: the documents' token totals; codes: the group
    (0..n_groups-1) of every document. Returns (low, high), each n_groups x n_terms, per ``per`` tokens.
    """
    if not 0 < level < 1:
        raise AnalysisError(f"the confidence level must be in (0, 1), got {level}")
    if n_boot < 10:
        raise AnalysisError(f"n_boot must be at least 10, got {n_boot}")
    counts = sp.csr_matrix(counts, dtype=np.float64)
    tokens = np.asarray(tokens, dtype=np.float64)
    n_terms = counts.shape[1]
    low = np.full((n_groups, n_terms), np.nan)
    high = np.full((n_groups, n_terms), np.nan)
    rng = np.random.default_rng(seed)
    q = [100 * (1 - level) / 2, 100 * (1 + level) / 2]
    for g in range(n_groups):
        idx = np.flatnonzero(codes == g)
        n = len(idx)
        if n < 2:
            continue
        weights = _resample_weights(rng, n, n_boot)  # n_boot x n
        rows = _weight_rows(n)
        chunks = [slice(a, a + rows) for a in range(0, n_boot, rows)]
        denom = np.concatenate([weights[c].astype(np.float64) @ tokens[idx] for c in chunks])
        sub = counts[idx]
        step = max(1, _MAX_CELLS // n_boot)
        for start in range(0, n_terms, step):
            block = sub[:, start : start + step]
            num = np.concatenate([np.asarray(block.T @ weights[c].astype(np.float64).T).T for c in chunks])
            with np.errstate(divide="ignore", invalid="ignore"):
                rates = num / denom[:, None] * per
            if (denom == 0).any():  # a resample of documents without tokens has no rate
                rates[denom == 0, :] = np.nan
                lo, hi = np.nanpercentile(rates, q, axis=0)
            else:  # two order statistics ("nearest" percentiles): a partition, no full sort
                ranks = np.rint(np.array(q) / 100 * (n_boot - 1)).astype(np.int64)
                part = np.partition(rates, ranks, axis=0)
                lo, hi = part[ranks[0]], part[ranks[1]]
            low[g, start : start + step] = lo
            high[g, start : start + step] = hi
    return low, high

