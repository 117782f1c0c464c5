"""A term's count and rate per year, with the documents and tokens behind each year."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.dtm import DTM, _is_missing
from analysis.errors import AnalysisError
from analysis.ingest.clean import to_simplified
from analysis.stats.frequency import _require_counts

__all__ = ["trend"]


def trend(
    dtm: DTM,
    terms: str | Sequence[str],
    *,
    by: str = "year",
    company: str | None = None,
) -> pd.DataFrame:
    """Count and rate per 10,000 tokens of each term in each period of docvar ``by`` (default year).

    company: keep only that company's documents (docvar ``company``).
    Undated documents (``by`` missing) are excluded: they belong to no period.

    Columns (the first is named after ``by``):
      year          period value (Int64 for year), ascending; every period present in the filtered,
                    dated corpus appears, even when the term count is zero
      term          str, in the order given (duplicates dropped); a term not in the vocabulary gets
                    zero counts
      count         int; occurrences of the term in the period
      rate_per_10k  float; count / n_tokens * 10,000 (NaN when the period has no tokens)
      n_docs        int; documents in the period
      n_tokens      int; all tokens (not only these terms) in the period
    Rows: period ascending, then term in the given order. No dated document: an empty frame.
    """
    _require_counts(dtm, "trend")
    # Counts are on simplified text: a traditional-script term is converted first.
    term_list = [to_simplified(t) for t in ([terms] if isinstance(terms, str) else terms)]
    term_list = list(dict.fromkeys(term_list))
    if not term_list:
        raise AnalysisError("trend needs at least one term")
    if by not in dtm.docvars.columns:
        raise AnalysisError(f"cannot trend by {by!r}: not a docvar (docvars are {list(dtm.docvars.columns)})")

    sub = dtm
    if company is not None:
        if "company" not in dtm.docvars.columns:
            raise AnalysisError("company= needs a 'company' docvar")
        mask = (dtm.docvars["company"] == company).fillna(False).to_numpy(dtype=bool)
        if not mask.any():
            known = sorted({str(c) for c in dtm.docvars["company"].dropna() if str(c)})
            raise AnalysisError(f"no documents for company {company!r}; companies are {known}")
        sub = sub.subset(mask)
    sub = sub.subset(~_is_missing(sub.docvars[by]))

    columns = [by, "term", "count", "rate_per_10k", "n_docs", "n_tokens"]
    if sub.n_docs == 0:
        empty = pd.DataFrame({c: [] for c in columns})
        empty[by] = empty[by].astype(dtm.docvars[by].dtype)
        return empty

    # Group all tokens for n_tokens, then only the requested columns for the counts.
    n_tokens_doc = sub.n_tokens
    idx = sub.feature_index(term_list)
    found = idx >= 0
    selected = np.zeros((sub.n_docs, len(term_list)), dtype=np.int64)
    if found.any():
        selected[:, found] = sub.counts[:, idx[found]].toarray()
    codes, gv = sub.group_codes(by)
    n_periods = len(gv)
    counts = np.zeros((n_periods, len(term_list)), dtype=np.int64)
    np.add.at(counts, codes, selected)
    n_tokens = np.bincount(codes, weights=n_tokens_doc, minlength=n_periods).astype(np.int64)
    n_docs = gv["n_docs"].to_numpy(dtype=np.int64)

    with np.errstate(divide="ignore", invalid="ignore"):
        rate = counts / n_tokens[:, None] * 10_000.0
    rate[n_tokens == 0, :] = np.nan
    k = len(term_list)
    out = pd.DataFrame(
        {
            by: np.repeat(gv[by].to_numpy(), k),
            "term": np.tile(np.array(term_list, dtype=object), n_periods),
            "count": counts.ravel(),
            "rate_per_10k": rate.ravel(),
            "n_docs": np.repeat(n_docs, k),
            "n_tokens": np.repeat(n_tokens, k),
        }
    )
    out[by] = out[by].astype(gv[by].dtype)
    return out[columns]
