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

from analysis.dtm import DTM
from analysis.errors import AnalysisError
from analysis.stats.frequency import _require_counts

__all__ = ["DISPERSION_COLUMNS", "dispersion", "dispersion_by_group", "dispersion_over"]

DISPERSION_COLUMNS = ["group", "term", "count", "docs_with_term", "group_docs", "docs_share", "dp"]


def dispersion_over(counts: sp.csr_matrix, n_tokens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(docs_with_term, dp) for every column of ``counts`` over all its rows as the parts.

    ``n_tokens`` are the rows' token totals. dp is NaN for a column with no occurrence.
    """
    counts = sp.csr_matrix(counts)
    n_features = counts.shape[1]
    coo = counts.tocoo()
    keep = coo.data > 0
    rows, cols, data = coo.row[keep], coo.col[keep], coo.data[keep].astype(np.float64)
    sizes = np.asarray(n_tokens, dtype=np.float64)
    total = sizes.sum()
    share = sizes / total if total > 0 else np.zeros_like(sizes)
    col_total = np.bincount(cols, weights=data, minlength=n_features)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = data / col_total[cols]
    s = share[rows]
    dev = np.bincount(cols, weights=np.abs(v - s), minlength=n_features)
    covered = np.bincount(cols, weights=s, minlength=n_features)
    docs = np.bincount(cols, minlength=n_features).astype(np.int64)
    dp = 0.5 * (dev + np.maximum(1.0 - covered, 0.0))
    dp[col_total == 0] = np.nan
    return docs, np.clip(dp, 0.0, 1.0)


def dispersion_by_group(
    counts: sp.csr_matrix, n_tokens: np.ndarray, codes: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per (group, term) with at least one occurrence: (group, term index, docs_with_term, dp), sorted
    by group then term (the order of a CSR matrix's stored entries)."""
    coo = sp.csr_matrix(counts).tocoo()
    keep = coo.data > 0
    rows, cols, data = coo.row[keep], coo.col[keep], coo.data[keep].astype(np.float64)
    n_features = np.int64(counts.shape[1])
    sizes = np.asarray(n_tokens, dtype=np.float64)
    group_tokens = np.bincount(codes, weights=sizes, minlength=n_groups)
    g = codes[rows].astype(np.int64)
    keys = g * n_features + cols.astype(np.int64)
    uniq, inverse = np.unique(keys, return_inverse=True)
    inverse = np.asarray(inverse).ravel()
    cell_total = np.bincount(inverse, weights=data, minlength=len(uniq))
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(group_tokens[g] > 0, sizes[rows] / group_tokens[g], 0.0)
    v = data / cell_total[inverse]
    dev = np.bincount(inverse, weights=np.abs(v - s), minlength=len(uniq))
    covered = np.bincount(inverse, weights=s, minlength=len(uniq))
    docs = np.bincount(inverse, minlength=len(uniq)).astype(np.int64)
    dp = np.clip(0.5 * (dev + np.maximum(1.0 - covered, 0.0)), 0.0, 1.0)
    return uniq // n_features, uniq % n_features, docs, dp


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
