"""Document-term matrix: sparse counts + feature names + the corpus docvars aligned to rows.

The DTM is built straight from our own token lists (a vocabulary built with ``pandas.factorize``), so no
scikit-learn token pattern ever re-tokenises the tokens and drops one-character Chinese words.
Features are sorted by code point, which makes the column order deterministic whatever the document order.

Grouping follows quanteda's ``dfm_group``: rows are summed per group, the group docvars keep only the
columns that are constant within every group, and a weighted matrix is refused.

Every row carries its token total in the docvar ``n_tokens`` (set by ``dtm()``: the document's tokens after
stopword and punctuation filtering, before any feature trimming or selection). Trimming, selecting
features or weighting never changes it; grouping sums it. It is the denominator of every rate, keyness
total and trend in ``analysis.stats``, so dropping rare terms never changes the rate of a kept term.
``kept_tokens`` is the row sum over the features still in the matrix.
"""

from __future__ import annotations

import hashlib
import math
import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import chain
from typing import Any, Protocol

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis import _dtm_cache
from analysis._steps import picked_rows, runs
from analysis.errors import AnalysisError

__all__ = ["DTM", "NONE_LABEL", "TOKENS_COLUMN", "UNDATED_LABEL", "build_dtm", "dtm"]

#: Group label for documents whose date-like grouping value (year, date, month, ...) is missing.
UNDATED_LABEL = "(undated)"
#: Group label for documents whose other grouping value is missing or empty (e.g. company '').
NONE_LABEL = "(none)"
#: Docvar holding each row's token total (before trimming); summed by grouping.
TOKENS_COLUMN = "n_tokens"
#: Joins the labels of several grouping columns, e.g. "中国联通|2024".
LABEL_SEPARATOR = "|"

_DATE_LIKE = {"year", "date", "month", "quarter", "week", "day"}
# to_frame() refuses to densify more cells than this.
_MAX_DENSE_CELLS = 20_000_000


class TokensLike(Protocol):
    """Anything with token lists and aligned docvars (analysis.tokens.Tokens satisfies it)."""

    docs: Sequence[Sequence[str]]
    docvars: pd.DataFrame


@dataclass
class DTM:
    """A document-term matrix.

    counts:   scipy.sparse.csr_matrix, n_docs x n_features; int64 counts, float64 when ``weighted``.
    features: 1-D object ndarray of str, one per column (sorted by code point when built by ``dtm()``).
    docvars:  pandas DataFrame aligned to the rows (index reset to 0..n-1), with ``n_tokens`` (the row's
              token total before any trimming; added from the row sums when missing). A grouped DTM
              has the columns ``group`` (str label), the grouping columns, ``n_docs`` and ``n_tokens``.
    weighted: True once the counts have been weighted (e.g. TF-IDF); such a DTM cannot be grouped.
    """

    counts: sp.csr_matrix
    features: np.ndarray
    docvars: pd.DataFrame
    weighted: bool = False

    def __post_init__(self) -> None:
        if not sp.issparse(self.counts):
            raise AnalysisError(f"DTM counts must be a scipy sparse matrix, got {type(self.counts).__name__}")
        counts = sp.csr_matrix(self.counts)
        if self.weighted:
            counts = counts.astype(np.float64, copy=False)
        elif counts.dtype.kind in "biu":
            counts = counts.astype(np.int64, copy=False)
        else:
            raise AnalysisError(f"an unweighted DTM needs integer counts, got dtype {counts.dtype}")
        self.counts = counts
        self.features = np.asarray(self.features, dtype=object)
        if self.features.ndim != 1:
            raise AnalysisError("DTM features must be one-dimensional")
        if not isinstance(self.docvars, pd.DataFrame):
            raise AnalysisError("DTM docvars must be a pandas DataFrame")
        self.docvars = self.docvars.reset_index(drop=True)
        n_docs, n_features = counts.shape
        if n_docs != len(self.docvars):
            raise AnalysisError(f"DTM has {n_docs} rows but {len(self.docvars)} docvars rows")
        if n_features != len(self.features):
            raise AnalysisError(f"DTM has {n_features} columns but {len(self.features)} feature names")
        if not pd.Index(self.features).is_unique:
            raise AnalysisError("DTM feature names must be unique")
        if TOKENS_COLUMN not in self.docvars.columns:
            if self.weighted:  # weights are no token counts: the totals are unknown
                self.docvars[TOKENS_COLUMN] = np.full(n_docs, np.nan)
            else:
                self.docvars = self.docvars.copy()
                self.docvars[TOKENS_COLUMN] = self.kept_tokens.astype(np.int64)
        elif not self.weighted and n_docs:
            totals = pd.to_numeric(self.docvars[TOKENS_COLUMN], errors="coerce").to_numpy(dtype=np.float64)
            if np.isnan(totals).any() or (totals < self.kept_tokens - 1e-9).any():
                raise AnalysisError(
                    f"docvar {TOKENS_COLUMN!r} must hold each row's token total (at least its row sum)"
                )

    # ----------------------------------------------------------------------------------------- basics
    @property
    def shape(self) -> tuple[int, int]:
        """(n_docs, n_features)."""
        return self.counts.shape

    @property
    def n_docs(self) -> int:
        """Number of rows (documents, or groups for a grouped DTM)."""
        return self.counts.shape[0]

    @property
    def n_features(self) -> int:
        return self.counts.shape[1]

    @property
    def n_tokens(self) -> np.ndarray:
        """Token total of every row (docvar ``n_tokens``: before trimming), a 1-D float/int ndarray.

        This is the denominator of rates: it does not change when features are trimmed or selected.
        """
        return self.docvars[TOKENS_COLUMN].to_numpy()

    @property
    def kept_tokens(self) -> np.ndarray:
        """Row sums over the features kept in the matrix (weight sums if weighted)."""
        return np.asarray(self.counts.sum(axis=1)).ravel()

    @property
    def group_labels(self) -> np.ndarray:
        """Row labels: the ``group`` docvar if grouped, else ``doc_id``, else the row number."""
        for col in ("group", "doc_id"):
            if col in self.docvars.columns:
                return self.docvars[col].astype(str).to_numpy(dtype=object)
        return np.array([str(i) for i in range(self.n_docs)], dtype=object)

    def totals(self) -> pd.Series:
        """Feature totals over all rows, indexed by feature (name ``count``)."""
        values = np.asarray(self.counts.sum(axis=0)).ravel()
        return pd.Series(values, index=pd.Index(self.features, name="term"), name="count")

    def doc_freq(self) -> pd.Series:
        """Number of rows in which each feature occurs, indexed by feature (name ``doc_freq``)."""
        values = np.asarray((self.counts > 0).sum(axis=0)).ravel().astype(np.int64)
        return pd.Series(values, index=pd.Index(self.features, name="term"), name="doc_freq")

    def feature_index(self, terms: Sequence[str]) -> np.ndarray:
        """Column index of each term, -1 for a term not in the vocabulary."""
        return pd.Index(self.features).get_indexer(list(terms))

    # ----------------------------------------------------------------------------------- selections
    def subset(self, mask: Any) -> DTM:
        """Rows where the boolean ``mask`` (array-like or Series of length n_docs) is True."""
        arr = mask.to_numpy() if isinstance(mask, pd.Series) else np.asarray(mask)
        if arr.shape != (self.n_docs,):
            raise AnalysisError(f"subset mask has shape {arr.shape}, expected ({self.n_docs},)")
        if arr.dtype != bool:
            if pd.isna(arr).any():
                raise AnalysisError("subset mask contains missing values")
            arr = arr.astype(bool)
        idx = np.flatnonzero(arr)
        return DTM(self.counts[idx], self.features.copy(), self.docvars.iloc[idx], weighted=self.weighted)

    def select_features(self, keep: np.ndarray) -> DTM:
        """Columns where the boolean ``keep`` (length n_features) is True."""
        keep = np.asarray(keep, dtype=bool)
        if keep.shape != (self.n_features,):
            raise AnalysisError(f"feature mask has shape {keep.shape}, expected ({self.n_features},)")
        idx = np.flatnonzero(keep)
        return DTM(self.counts[:, idx], self.features[idx], self.docvars.copy(), weighted=self.weighted)

    def trim(
        self,
        min_count: float | None = None,
        min_docs: int | None = None,
        max_docs_share: float | None = None,
    ) -> DTM:
        """Drop features by total count, document frequency and share of documents containing them.

        min_count:      keep features whose total count is >= min_count (refused on a weighted DTM).
        min_docs:       keep features occurring in >= min_docs rows.
        max_docs_share: keep features occurring in <= this share (0..1] of the rows.
        """
        keep = np.ones(self.n_features, dtype=bool)
        if min_count is not None:
            if self.weighted:
                raise AnalysisError("will not trim a weighted DTM by min_count; trim the counts first")
            keep &= self.totals().to_numpy() >= min_count
        if min_docs is not None or max_docs_share is not None:
            df = self.doc_freq().to_numpy()
            if min_docs is not None:
                keep &= df >= min_docs
            if max_docs_share is not None:
                if not 0 < max_docs_share <= 1:
                    raise AnalysisError(f"max_docs_share must be in (0, 1], got {max_docs_share}")
                keep &= df <= max_docs_share * self.n_docs
        return self.select_features(keep)

    # -------------------------------------------------------------------------------------- grouping
    def group_codes(self, by: str | Sequence[str]) -> tuple[np.ndarray, pd.DataFrame]:
        """Group number of every row and the docvars of the groups (see ``group``), without summing."""
        cols = as_columns(by)
        missing = [c for c in cols if c not in self.docvars.columns]
        if missing:
            raise AnalysisError(
                f"cannot group by {missing}: not a docvar (docvars are {list(self.docvars.columns)})"
            )
        n = self.n_docs
        if n == 0:
            empty = self.docvars.iloc[:0][cols].copy()
            empty.insert(0, "group", pd.Series([], dtype=str))
            empty["n_docs"] = pd.Series([], dtype=np.int64)
            empty[TOKENS_COLUMN] = pd.Series([], dtype=np.int64)
            return np.zeros(0, dtype=np.int64), empty.reset_index(drop=True)

        per_col_codes = []
        per_col_labels = []
        for col in cols:
            codes, labels = _column_codes(self.docvars[col], col)
            per_col_codes.append(codes)
            per_col_labels.append(labels)
        # Lexicographic over the columns' natural orders; missing values sort last in each column. The
        # columns' codes as the digits of one number (first column most significant) sort the same way,
        # and one column of integers is found unique ten times faster than the rows of several.
        sizes = [len(labels) for labels in per_col_labels]
        if math.prod(sizes) < 2**62:
            combined = np.zeros(n, dtype=np.int64)
            for codes, size in zip(per_col_codes, sizes, strict=True):
                combined = combined * size + codes
            numbers, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
            digits = []
            for size in reversed(sizes):
                numbers, digit = np.divmod(numbers, size)
                digits.append(digit)
            uniq = np.column_stack(digits[::-1])
        else:
            uniq, first, inverse = np.unique(
                np.column_stack(per_col_codes), axis=0, return_index=True, return_inverse=True
            )
        inverse = np.asarray(inverse).ravel()

        labels = [LABEL_SEPARATOR.join(per_col_labels[j][row[j]] for j in range(len(cols))) for row in uniq]
        gv = self.docvars.iloc[first][cols].reset_index(drop=True)
        gv.insert(0, "group", labels)
        if "n_docs" in self.docvars.columns:  # regrouping a grouped DTM: add up the documents behind it
            weights = pd.to_numeric(self.docvars["n_docs"], errors="coerce").fillna(0).to_numpy(float)
            gv["n_docs"] = np.bincount(inverse, weights=weights, minlength=len(uniq)).astype(np.int64)
        else:
            gv["n_docs"] = np.bincount(inverse, minlength=len(uniq)).astype(np.int64)
        totals = pd.to_numeric(self.docvars[TOKENS_COLUMN], errors="coerce").to_numpy(dtype=np.float64)
        summed = np.bincount(inverse, weights=np.nan_to_num(totals), minlength=len(uniq))
        if np.isnan(totals).any():
            gv[TOKENS_COLUMN] = summed
            gv.loc[np.bincount(inverse, weights=np.isnan(totals), minlength=len(uniq)) > 0, TOKENS_COLUMN] = np.nan
        else:
            gv[TOKENS_COLUMN] = summed.astype(np.int64)

        others = [c for c in self.docvars.columns if c not in {*cols, "group", "n_docs", TOKENS_COLUMN}]
        constant = [c for c in others if _is_constant_within(self.docvars[c], inverse, first)]
        if constant:
            extra = self.docvars.iloc[first][constant].reset_index(drop=True)
            gv = pd.concat([gv, extra], axis=1)
        return inverse.astype(np.int64), gv

    def group(self, by: str | Sequence[str]) -> DTM:
        """Sum rows per group of one or more docvars (e.g. "company", "year", ["company", "year"]).

        The result's docvars are: ``group`` (str label, several keys joined with "|", e.g.
        "中国联通|2024"), the grouping columns, ``n_docs`` (documents behind the row), ``n_tokens``
        (their token totals, summed) and every other
        docvar that is constant within every group. A missing grouping value forms its own group,
        labelled "(undated)" for date-like columns (year, date, month, ...) and "(none)" otherwise
        (NA or an empty string, e.g. company ''). Groups are ordered by each column's natural order
        (numbers numerically, strings by code point), missing values last.
        """
        if self.weighted:
            raise AnalysisError(
                "will not group a weighted DTM: group the counts first, then weight the grouped DTM"
            )
        codes, gv = self.group_codes(by)
        return DTM(group_sums(self.counts, codes, len(gv)), self.features.copy(), gv, weighted=False)

    # ------------------------------------------------------------------------------------- weighting
    def tfidf(self, *, norm: str | None = "l2", smooth_idf: bool = True, sublinear_tf: bool = False) -> DTM:
        """TF-IDF weighted copy (scikit-learn's TfidfTransformer fitted on these rows' counts)."""
        from sklearn.feature_extraction.text import TfidfTransformer

        if self.weighted:
            raise AnalysisError("this DTM is already weighted")
        transformer = TfidfTransformer(norm=norm, smooth_idf=smooth_idf, sublinear_tf=sublinear_tf)
        weighted = transformer.fit_transform(self.counts)
        return DTM(sp.csr_matrix(weighted), self.features.copy(), self.docvars.copy(), weighted=True)

    def to_frame(self) -> pd.DataFrame:
        """Dense DataFrame (rows named by ``group_labels``, columns by feature); for small matrices only."""
        cells = self.n_docs * self.n_features
        if cells > _MAX_DENSE_CELLS:
            raise AnalysisError(f"to_frame would densify {cells:,} cells; trim() or subset() the DTM first")
        return pd.DataFrame(
            self.counts.toarray(),
            index=pd.Index(self.group_labels, name="document"),
            columns=pd.Index(self.features, name="term"),
        )


# ------------------------------------------------------------------------------------------ building
def dtm(tokens: TokensLike, *, cache: bool = True) -> DTM:
    """Build a DTM from token lists (``tokens.docs``) and their docvars (``tokens.docvars``, same order).

    Tokens are counted exactly as given (one-character words included). Features come out sorted.
    The docvar ``n_tokens`` records every document's token count: the denominator of rates, kept
    through any later trimming. ``cache``: the counts of ``tokenize``'s cached token lists are kept
    on disk and read back by the next call on the same tokens (``analysis._dtm_cache``); the streamed
    statistics, which count one partition at a time, pass False.
    """
    docs = getattr(tokens, "docs", None)
    docvars = getattr(tokens, "docvars", None)
    if docs is None or docvars is None:
        raise AnalysisError("dtm() needs an object with .docs (token lists) and .docvars (DataFrame)")
    if not isinstance(docvars, pd.DataFrame):
        raise AnalysisError("tokens.docvars must be a pandas DataFrame")
    if len(docs) != len(docvars):
        raise AnalysisError(f"{len(docs)} token lists but {len(docvars)} docvars rows")

    from analysis.tokens import TokenLists

    # cached token lists: counted from the token cache's codes, or read back from the count cache
    built = None
    if isinstance(docs, TokenLists):
        built = _dtm_cache.counts_of(docs) if cache else docs.sparse_counts()
    if built is not None:
        counts, features, lengths = built
        docvars = docvars.reset_index(drop=True).copy()
        docvars[TOKENS_COLUMN] = lengths
        return DTM(counts, features, docvars, weighted=False)
    lengths = np.fromiter((len(d) for d in docs), dtype=np.int64, count=len(docs))
    flat = np.empty(int(lengths.sum()), dtype=object)
    flat[:] = list(chain.from_iterable(docs))
    if len(flat):
        codes, uniques = pd.factorize(flat, sort=True)
    else:
        codes, uniques = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object)
    features = np.asarray(uniques, dtype=object)
    indptr = np.zeros(len(docs) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    counts = sp.csr_matrix(
        (np.ones(len(flat), dtype=np.int64), np.asarray(codes, dtype=np.int64), indptr),
        shape=(len(docs), len(features)),
    )
    counts.sum_duplicates()  # one entry per (doc, term), indices sorted
    docvars = docvars.reset_index(drop=True).copy()
    docvars[TOKENS_COLUMN] = lengths
    return DTM(counts, features, docvars, weighted=False)


build_dtm = dtm


# ------------------------------------------------------------------------------------------- helpers
def as_columns(by: str | Sequence[str]) -> list[str]:
    """The grouping columns of ``by`` in every form the package accepts: "company", "company,year"
    (also "company+year", "company|year", full-width commas), ["company", "year"], ("company", "year")."""
    if isinstance(by, str):
        cols = [c.strip() for c in re.split(r"[,，+|]", by) if c.strip()]
    elif isinstance(by, (list, tuple, pd.Index, np.ndarray)):
        cols = [str(c).strip() for c in by]
    else:
        raise AnalysisError(
            f"by= must be a docvar name or a list of them (e.g. 'company', ['company', 'year']), "
            f"got {type(by).__name__}"
        )
    if not cols:
        raise AnalysisError("group by needs at least one docvar name")
    if len(set(cols)) != len(cols):
        raise AnalysisError(f"duplicate grouping columns: {cols}")
    return cols


#: Stored entries per step of :func:`group_sums`: scipy's sparse product first reserves an index and a
#: value for every stored entry of its right operand (about 1.3 GB at once for 1 GB of text).
_SUM_ENTRIES = 1 << 22


def group_sums(
    counts: sp.csr_matrix, codes: np.ndarray, n_groups: int, rows: np.ndarray | None = None
) -> sp.csr_matrix:
    """The rows of ``counts`` summed per group: ``n_groups`` x features, CSR with sorted indices.

    ``codes``: the group of every row (of every row in ``rows`` when given: only those rows are summed).
    Integer counts are summed a step of rows at a time (exact in any order), so the memory of the
    sum does not grow with the matrix; other values in one product, in row order."""
    counts = sp.csr_matrix(counts)
    codes = np.asarray(codes, dtype=np.int64)
    chosen = np.arange(counts.shape[0], dtype=np.int64) if rows is None else np.asarray(rows, dtype=np.int64)
    asked = (
        hashlib.sha1(codes.tobytes()).digest(), n_groups,
        None if rows is None else hashlib.sha1(np.asarray(rows, dtype=np.int64).tobytes()).digest(),
    )
    kept = _KEPT.get(counts, ("group_sums", asked))
    if kept is not None:
        return kept.copy()
    if np.issubdtype(counts.dtype, np.integer):
        steps = runs(np.diff(counts.indptr)[chosen], _SUM_ENTRIES)
    else:
        steps = [np.arange(len(chosen))]
    out = sp.csr_matrix((n_groups, counts.shape[1]), dtype=counts.dtype)
    for step in steps:
        out = out + _indicator(codes[step], n_groups, len(step)) @ picked_rows(counts, chosen[step])
    out = sp.csr_matrix(out)
    out.sum_duplicates()
    out.sort_indices()
    if out.nnz <= _KEPT_MAX_ENTRIES:  # (a sum per document, say, would be a second matrix held)
        _KEPT.put(counts, ("group_sums", asked), out.copy())
    return out


def document_frequencies(counts: sp.csr_matrix) -> np.ndarray:
    """Documents (rows) holding each feature: the stored entries per column (read-only, kept for the
    same matrix: a report fits the TF-IDF weights of the 1 GB matrix three times)."""
    counts = sp.csr_matrix(counts)
    kept = _KEPT.get(counts, ("document_frequencies",))
    if kept is None:
        kept = np.bincount(counts.indices, minlength=counts.shape[1])
        kept.flags.writeable = False
        _KEPT.put(counts, ("document_frequencies",), kept)
    return kept  # type: ignore[no-any-return]


class _Kept:
    """The last few results computed from a matrix, for the same matrix (and arguments) again: a
    report's notebooks sum the document-term matrix per company six times (0.7 s each at 1 GB of
    text), each time through another matrix object over the same arrays. A result is given only while
    those arrays live (weak references: a matrix that is gone, or new arrays at a reused address, never
    match), and a sample of the values and indices is part of the key (a change in place shows)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: list[tuple[Any, tuple[Any, ...], Any]] = []

    def get(self, counts: sp.csr_matrix, asked: Any) -> Any:
        key, owners = (_matrix_key(counts), asked), _buffers(counts)
        for i, (kept_key, refs, value) in enumerate(self.entries):
            if kept_key == key and all(ref() is a for ref, a in zip(refs, owners, strict=True)):
                self.entries.insert(0, self.entries.pop(i))
                return value
        return None

    def put(self, counts: sp.csr_matrix, asked: Any, value: Any) -> None:
        refs = tuple(weakref.ref(a) for a in _buffers(counts))
        self.entries.insert(0, ((_matrix_key(counts), asked), refs, value))
        del self.entries[self.size :]


_KEPT = _Kept(6)
_KEPT_MAX_ENTRIES = 1 << 22  # group sums kept up to this many entries (48 MB of int64 counts)


def _buffers(counts: sp.csr_matrix) -> tuple[np.ndarray, ...]:
    """The arrays owning the matrix's memory (a matrix handed out again is a view of the same ones)."""
    owners = []
    for a in (counts.data, counts.indices, counts.indptr):
        while isinstance(a.base, np.ndarray):
            a = a.base
        owners.append(a)
    return tuple(owners)


def _matrix_key(counts: sp.csr_matrix) -> tuple[Any, ...]:
    """The matrix: its arrays' addresses, shape, type and a sample of its values and indices."""
    step = max(1, counts.nnz // 4096)
    return (
        tuple(a.__array_interface__["data"][0] for a in (counts.data, counts.indices, counts.indptr)),
        counts.shape, counts.nnz, str(counts.dtype),
        counts.data[::step].tobytes(), counts.indices[::step].tobytes(),
    )


def _indicator(codes: np.ndarray, n_groups: int, n_docs: int) -> sp.csr_matrix:
    """n_groups x n_docs 0/1 matrix with a 1 at (group of doc, doc)."""
    return sp.csr_matrix(
        (np.ones(n_docs, dtype=np.int64), (codes, np.arange(n_docs))), shape=(n_groups, n_docs)
    )


def _is_missing(series: pd.Series) -> np.ndarray:
    missing = series.isna().to_numpy(dtype=bool, copy=True)
    if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
        try:  # each distinct value looked at once (a docvar has a few; its column 160,000 rows at 1 GB)
            codes, uniques = pd.factorize(series)
        except TypeError:  # unhashable values
            blank = series.map(_is_blank).to_numpy(dtype=bool)
        else:
            blank_of = np.fromiter(map(_is_blank, uniques), dtype=bool, count=len(uniques))
            blank = np.append(blank_of, False)[codes]  # (a missing value's code is -1)
        missing |= blank
    return missing


def _is_blank(value: Any) -> bool:
    return isinstance(value, str) and not value.strip()


def _column_codes(series: pd.Series, name: str) -> tuple[np.ndarray, list[str]]:
    """Codes 0..k-1 in the column's natural sort order, missing -> k; and the k+1 labels."""
    missing = _is_missing(series)
    present = series[~missing]
    try:
        codes_present, uniques = pd.factorize(present, sort=True)
    except TypeError:  # mixed, unorderable types: order by their text
        codes_present, uniques = pd.factorize(present.astype(str), sort=True)
    codes = np.full(len(series), len(uniques), dtype=np.int64)
    codes[~missing] = codes_present
    missing_label = UNDATED_LABEL if _is_date_like(series, name) else NONE_LABEL
    labels = [_format_label(v) for v in uniques] + [missing_label]
    return codes, labels


def _is_date_like(series: pd.Series, name: str) -> bool:
    return name.lower() in _DATE_LIKE or pd.api.types.is_datetime64_any_dtype(series.dtype)


def _format_label(value: Any) -> str:
    if isinstance(value, (pd.Timestamp, datetime)):
        ts = pd.Timestamp(value)
        return ts.date().isoformat() if ts == ts.normalize() else ts.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, np.integer):
        return str(int(value))
    return str(value)


def _is_constant_within(series: pd.Series, codes: np.ndarray, first: np.ndarray | None = None) -> bool:
    """Does the column hold one value (missing counting as a value) in every group? ``first``: the
    first row of each group, when known: each row is then compared with its group's first row, in
    whole-column operations (a groupby ``nunique`` per docvar cost 0.1-0.3 s at 160,000 documents)."""
    if first is not None and series.dtype != object:  # (object columns may hold unhashable values)
        values = series.reset_index(drop=True)
        ref = values.take(np.asarray(first)[codes]).reset_index(drop=True)
        same = values.eq(ref).to_numpy(dtype=bool, na_value=False)
        both_missing = values.isna().to_numpy(dtype=bool) & ref.isna().to_numpy(dtype=bool)
        return bool((same | both_missing).all())
    try:
        return bool((series.groupby(codes).nunique(dropna=False) <= 1).all())
    except TypeError:  # unhashable values (lists, dicts): not carried over
        return False


_as_columns = as_columns  # old private name
