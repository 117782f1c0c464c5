"""TF-IDF keyword profiles per document or per group (scikit-learn's TfidfTransformer, computed on our counts).

How a group profile is formed, and why:
  1. IDF is learned over the *documents* of the DTM (smoothed: idf = ln((1 + n) / (1 + df)) + 1).
     Learning it over groups would be degenerate: with 3-5 companies a term's group document frequency
     can only take 3-5 values, so IDF could not tell a term used once by every company from one that
     every company uses in every document.
  2. The group's term counts are summed over its documents (exactly the ``DTM.group`` counts), then
     weighted by that document IDF and L2-normalised - the transformer's ``transform`` on the grouped
     counts. Summing counts (instead of averaging document TF-IDF vectors) weights every token
     equally, so a group profile is consistent with the group's frequencies and keyness, and a few very
     short documents cannot dominate it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis.dtm import DTM, document_frequencies, group_sums
from analysis.errors import AnalysisError
from analysis.stats.frequency import _clean, _coords, _require_counts, _term_keys, rank_within_groups

__all__ = ["tfidf_matrix", "tfidf_profile"]

TFIDF_COLUMNS = ["group", "term", "tfidf", "count", "rank"]


class _Idf:
    """scikit-learn's ``TfidfTransformer(norm="l2", use_idf=True, smooth_idf=True)`` fitted on ``counts``,
    step for step in numpy (the same operations in the same order, so the same floats; a test compares
    the two). Written out because importing scikit-learn costs about a second at every start-up of a
    command, more than the whole computation."""

    def __init__(self, counts: sp.csr_matrix, sublinear_tf: bool) -> None:
        self._fit(document_frequencies(counts), counts.shape[0], sublinear_tf)

    @classmethod
    def from_doc_freq(cls, doc_freq: np.ndarray, n_docs: int, sublinear_tf: bool = False) -> _Idf:
        """As fitted on a DTM of ``n_docs`` documents with these document frequencies."""
        obj = cls.__new__(cls)
        obj._fit(np.asarray(doc_freq), n_docs, sublinear_tf)
        return obj

    def _fit(self, doc_freq: np.ndarray, n_docs: int, sublinear_tf: bool) -> None:
        n_samples = n_docs + 1  # smoothed: one extra document containing every term
        df = doc_freq.astype(np.float64)
        df += 1.0
        idf = np.full_like(df, fill_value=n_samples, dtype=np.float64)
        idf /= df
        np.log(idf, out=idf)
        idf += 1.0
        self.idf = idf
        self.sublinear_tf = sublinear_tf

    def transform(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        x = sp.csr_matrix(counts, dtype=np.float64, copy=True)
        if self.sublinear_tf:
            np.log(x.data, out=x.data)
            x.data += 1.0
        x.data *= self.idf[x.indices]
        _normalize_rows_l2(x)
        return x


def _normalize_rows_l2(x: sp.csr_matrix) -> None:
    """Divide every row by its L2 norm in place, the squares summed left to right as scikit-learn's
    ``inplace_csr_row_normalize_l2`` does (``np.add.accumulate`` is sequential; ``sum`` would pair)."""
    data, indptr = x.data, x.indptr
    for i in range(x.shape[0]):
        a, b = int(indptr[i]), int(indptr[i + 1])
        if a == b:
            continue
        row = data[a:b]
        total = np.add.accumulate(row * row)[-1]
        if total == 0.0:
            continue
        row /= np.sqrt(total)


def _fit_idf(dtm: DTM, sublinear_tf: bool) -> _Idf:
    return _Idf(sp.csr_matrix(dtm.counts), sublinear_tf)


def tfidf_matrix(
    dtm: DTM, by: str | Sequence[str] | None = None, *, sublinear_tf: bool = False
) -> tuple[sp.csr_matrix, sp.csr_matrix, np.ndarray]:
    """TF-IDF rows per document (``by=None``) or per group, as described in the module docstring.

    Returns (weights, counts, labels): two n_rows x n_features CSR matrices with the same features as
    ``dtm`` and the row labels (doc_id, or group labels as in ``DTM.group``).
    """
    _require_counts(dtm, "TF-IDF")
    if dtm.n_docs == 0:
        raise AnalysisError("TF-IDF needs at least one document")
    transformer = _fit_idf(dtm, sublinear_tf)
    if by is None:
        counts = _clean(dtm.counts)
        labels = dtm.group_labels
    else:
        codes, gv = dtm.group_codes(by)
        counts = _clean(group_sums(dtm.counts, codes, len(gv)))
        labels = gv["group"].to_numpy(dtype=object)
    weights = sp.csr_matrix(transformer.transform(counts))
    return weights, counts, labels


def tfidf_profile(
    dtm: DTM,
    by: str | Sequence[str] | None = None,
    top_n: int | None = 20,
    *,
    sublinear_tf: bool = False,
) -> pd.DataFrame:
    """Top TF-IDF terms per document (``by=None``) or per group of docvar(s) ``by``.

    IDF is learned over the documents; a group profile is the group's summed counts weighted by that
    IDF and L2-normalised (see the module docstring for why). ``sublinear_tf`` uses 1 + ln(tf).

    Columns:
      group  str; the doc_id when ``by`` is None, else the group label as in ``DTM.group``
      term   str
      tfidf  float; L2-normalised TF-IDF weight of the term in the document/group
      count  int; raw count of the term in the document/group
      rank   int; 1-based rank by tfidf within the group ("min" ties), ties ordered by term
    Rows: terms occurring in the document/group, tfidf descending; ``top_n`` rows per group
    (``None`` keeps all).
    """
    if top_n is not None and top_n < 1:
        raise AnalysisError(f"top_n must be a positive integer or None, got {top_n}")
    weights, counts, labels = tfidf_matrix(dtm, by, sublinear_tf=sublinear_tf)
    return profile_from(weights, counts, labels, dtm.features, top_n)


def profile_from(
    weights: sp.csr_matrix, counts: sp.csr_matrix, labels: np.ndarray, features: np.ndarray, top_n: int | None
) -> pd.DataFrame:
    """The ``tfidf_profile`` table of rows of TF-IDF ``weights`` and their ``counts`` (as ``tfidf_matrix``
    returns them; also computed from grouped sums by ``analysis.stats.streamed``)."""
    if top_n is not None and top_n < 1:
        raise AnalysisError(f"top_n must be a positive integer or None, got {top_n}")
    rows, cols = _coords(counts)
    weights.sort_indices()
    if np.array_equal(weights.indptr, counts.indptr) and np.array_equal(weights.indices, counts.indices):
        values = weights.data.astype(np.float64)  # same sparsity pattern: no lookup needed
    else:
        values = np.asarray(weights[rows, cols], dtype=np.float64).ravel()
    sel, rank = rank_within_groups(rows, values, _term_keys(features)[cols], top_n)
    return pd.DataFrame(
        {
            "group": labels[rows[sel]],
            "term": features[cols[sel]],
            "tfidf": values[sel],
            "count": counts.data[sel].astype(np.int64),
            "rank": rank,
        },
        columns=TFIDF_COLUMNS,
    )


# help(function) shows the definitions too: the package namespace shadows this module by the function.
from analysis.stats._suggest import with_module_doc  # noqa: E402

with_module_doc(__doc__, tfidf_profile)
