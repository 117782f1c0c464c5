"""Dispersion: is a term used across a group's documents, or repeated by one of them?

For a group of documents (the corpus parts) and a term:

  docs_with_term  number of the group's documents containing the term
  docs_share      docs_with_term / documents in the group
  dp              Gries' (2008) Deviation of Proportions, DP = 0.5 * sum_i |v_i - s_i| over the group's
                  documents i, where s_i is document i's share of the group's tokens (token totals
                  before any trimming, docvar ``n_tokens``) and v_i its share of the term's occurrences
                  in the group. 0: the term is spread exactly like the text itself; towards 1: it is
                  concentrated in a small part of the text (one long document repeating it). A group of
                  one document has DP 0 by definition: look at docs_with_term, not DP, for thin groups.
                  Gries, S. Th. (2008). Dispersions and adjusted frequencies in corpora. International
                  Journal of Corpus Linguistics 13(4), 403-437.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis._steps import row_arrays, runs
from analysis.dtm import DTM, group_sums
from analysis.errors import AnalysisError
from analysis.stats.frequency import _require_counts

__all__ = ["DISPERSION_COLUMNS", "dispersion", "dispersion_by_group", "dispersion_over"]

DISPERSION_COLUMNS = ["group", "term", "count", "docs_with_term", "group_docs", "docs_share", "dp"]


#: Stored entries per step of the dispersion passes: the per-entry arrays stay this long, whatever the
#: size of the matrix (at 1 GB of text one pass over all entries held about 5 GB of them).
_ENTRIES_PER_STEP = 1 << 22
#: Largest group x term table looked up densely (int32); larger ones are searched.
_DENSE_CELLS = 1 << 25


def _entries(counts: sp.csr_matrix, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(position within ``rows``, column, count as float) of the positive entries of the rows ``rows``."""
    indptr, indices, data = row_arrays(counts, rows)
    local = np.repeat(np.arange(len(indptr) - 1, dtype=np.int64), np.diff(indptr))
    keep = data > 0
    return local[keep], indices[keep].astype(np.int64), data[keep].astype(np.float64)


def _cell_totals(
    counts: sp.csr_matrix,
    codes: np.ndarray,
    n_groups: int,
    chosen: np.ndarray,
    steps: list[np.ndarray],
    positive: bool,
) -> sp.csr_matrix:
    """Group x term sums of the positive entries of the rows ``chosen`` (sorted CSR, no stored zero);
    ``positive``: every stored entry of ``counts`` is positive."""
    shape = (n_groups, counts.shape[1])
    if positive:  # every entry counts: the group sums
        totals = group_sums(counts, codes, n_groups, chosen)
    else:
        totals = sp.csr_matrix(shape, dtype=np.float64)
        for step in steps:
            local, cols, data = _entries(counts, chosen[step])
            totals = totals + sp.csr_matrix((data, (codes[step][local], cols)), shape=shape)
    totals.sum_duplicates()
    totals.eliminate_zeros()
    totals.sort_indices()
    return totals


def _cell_dispersion(
    counts: sp.csr_matrix,
    n_tokens: np.ndarray,
    codes: np.ndarray,
    n_groups: int,
    rows: np.ndarray | None = None,
    sums: sp.csr_matrix | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(group, term, docs_with_term, dp) of every (group, term) cell with an occurrence, sorted by group
    then term. ``rows``: the rows that are the documents (None: all), ``codes`` their groups (aligned
    with ``rows``), ``n_tokens`` every row's token total.

    The cells and their totals come from the group sums (or a pass over the entries when some are not
    positive); then each entry's deviation is added, a step of rows at a time, in entry order
    (``np.add.at``): the order one pass over all entries adds them in, so the values do not depend on
    the step size. ``sums``: the group sums of all rows (``group_sums``, no stored zero), when the
    caller has them already (used when every entry is positive)."""
    counts = sp.csr_matrix(counts)
    n_features = np.int64(counts.shape[1])
    codes = np.asarray(codes, dtype=np.int64)
    chosen = np.arange(counts.shape[0], dtype=np.int64) if rows is None else np.asarray(rows, dtype=np.int64)
    sizes = np.asarray(n_tokens, dtype=np.float64)[chosen]
    group_tokens = np.bincount(codes, weights=sizes, minlength=n_groups)
    steps = runs(np.diff(counts.indptr)[chosen], _ENTRIES_PER_STEP)  # positions in ``chosen``
    positive = len(counts.data) == 0 or bool(counts.data.min() > 0)
    if sums is not None and positive and rows is None:
        totals = sums
    else:
        totals = _cell_totals(counts, codes, n_groups, chosen, steps, positive)
    cell_group = np.repeat(np.arange(n_groups, dtype=np.int64), np.diff(totals.indptr))
    cell_term = totals.indices.astype(np.int64)
    cell_total = totals.data.astype(np.float64)
    n_cells = len(cell_total)
    if n_groups * int(n_features) <= _DENSE_CELLS:
        lookup = np.full(n_groups * int(n_features), -1, dtype=np.int32 if n_cells < 2**31 else np.int64)
        lookup[cell_group * n_features + cell_term] = np.arange(n_cells)
        cell_of = lambda keys: lookup[keys]  # noqa: E731
    else:
        cell_keys = cell_group * n_features + cell_term  # sorted: CSR order
        cell_of = lambda keys: np.searchsorted(cell_keys, keys)  # noqa: E731
    dev = np.zeros(n_cells)
    covered = np.zeros(n_cells)
    docs = np.zeros(n_cells, dtype=np.int64)
    for step in steps:  # pass 2: every entry's |v - s| and s, added to its cell
        row_group = codes[step]
        with np.errstate(divide="ignore", invalid="ignore"):  # s: the document's share of its group's tokens
            row_share = np.where(group_tokens[row_group] > 0, sizes[step] / group_tokens[row_group], 0.0)
        if positive:  # every entry counts: spread the rows' values over their entries (no gather)
            indptr, cols, data = row_arrays(counts, chosen[step])
            per_row = np.diff(indptr)
            s = np.repeat(row_share, per_row)
            cell = cell_of(cols) if n_groups == 1 else cell_of(np.repeat(row_group, per_row) * n_features + cols)
        else:
            local, cols, data = _entries(counts, chosen[step])
            s = row_share[local]
            cell = cell_of(row_group[local] * n_features + cols)
        v = np.divide(data, cell_total[cell])  # (the same float64 quotient as from the count as a float)
        np.abs(np.subtract(v, s, out=v), out=v)
        np.add.at(dev, cell, v)
        np.add.at(covered, cell, s)
        docs += np.bincount(cell, minlength=n_cells)
    dp = np.clip(0.5 * (dev + np.maximum(1.0 - covered, 0.0)), 0.0, 1.0)
    return cell_group, cell_term, docs, dp


def dispersion_over(
    counts: sp.csr_matrix, n_tokens: np.ndarray, rows: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(docs_with_term, dp) for every column of ``counts`` over its rows as the parts (``rows``: only
    these rows, without copying the matrix). ``n_tokens`` are every row's token totals. dp is NaN for
    a column with no occurrence.
    """
    counts = sp.csr_matrix(counts)
    n_features = counts.shape[1]
    n_parts = counts.shape[0] if rows is None else len(rows)
    _, term, docs_cell, dp_cell = _cell_dispersion(counts, n_tokens, np.zeros(n_parts, dtype=np.int64), 1, rows)
    docs = np.zeros(n_features, dtype=np.int64)
    dp = np.full(n_features, np.nan)
    docs[term] = docs_cell
    dp[term] = dp_cell
    return docs, dp


def dispersion_by_group(
    counts: sp.csr_matrix, n_tokens: np.ndarray, codes: np.ndarray, n_groups: int, sums: sp.csr_matrix | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per (group, term) with at least one occurrence: (group, term index, docs_with_term, dp), sorted
    by group then term (the order of a CSR matrix's stored entries). ``sums``: ``group_sums(counts,
    codes, n_groups)`` without stored zeros and with sorted indices, if the caller has it."""
    return _cell_dispersion(counts, n_tokens, codes, n_groups, sums=sums)


def dispersion(dtm: DTM, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Dispersion of every term in each group of docvar(s) ``by`` (all documents: group "(all)").

    Columns: group, term, count, docs_with_term, group_docs, docs_share, dp (see the module docstring).
    Rows: terms occurring in the group, groups in ``DTM.group`` order, then dp ascending (most evenly
    spread first), ties by count descending and term. Pass a document-level DTM.
    """
    _require_counts(dtm, "dispersion")
    if "n_docs" in dtm.docvars.columns:
        raise AnalysisError("dispersion needs a document-level DTM (documents are the parts), not a grouped one")
    if by is None:
        from analysis.stats.frequency import ALL_LABEL

        codes = np.zeros(dtm.n_docs, dtype=np.int64)
        labels = np.array([ALL_LABEL], dtype=object)
    else:
        codes, gv = dtm.group_codes(by)
        labels = gv["group"].to_numpy(dtype=object)
    group_docs = np.bincount(codes, minlength=len(labels)).astype(np.int64)
    g, j, docs, dp = dispersion_by_group(dtm.counts, dtm.n_tokens, codes, len(labels))
    count_of = sp.csr_matrix((np.ones(dtm.n_docs), (codes, np.arange(dtm.n_docs))), shape=(len(labels), dtm.n_docs))
    grouped = sp.csr_matrix(count_of @ dtm.counts)
    counts = np.asarray(grouped[g, j]).ravel().astype(np.int64) if len(g) else np.zeros(0, dtype=np.int64)
    out = pd.DataFrame(
        {
            "group": labels[g],
            "term": dtm.features[j],
            "count": counts,
            "docs_with_term": docs,
            "group_docs": group_docs[g],
            "docs_share": docs / np.maximum(group_docs[g], 1),
            "dp": dp,
        }
    )
    out["_g"] = g
    out = out.sort_values(["_g", "dp", "count", "term"], ascending=[True, True, False, True], kind="stable")
    return out.drop(columns="_g").reset_index(drop=True)[DISPERSION_COLUMNS]


# help(function) shows the definitions too: the package namespace shadows this module by the function.
from analysis.stats._suggest import with_module_doc  # noqa: E402

with_module_doc(__doc__, dispersion)
