"""A term's count and rate per year, with the documents and tokens behind each year.

Two sources of counts, one table shape:

* ``trend(dtm, terms)`` counts tokens of the DTM (a term is one token of the tokenizer);
* ``slogan_trend(corpus, tokens, slogans)`` counts slogans exactly as ``slogan_profile`` does
  (``slogan_counts``: every occurrence, nested ones included), so the year-trend charts and the slogan
  tables agree.

Both divide by the same denominator: the period's token total (tokens after stopword filtering, before
any trimming of the DTM).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis.dtm import DTM, TOKENS_COLUMN, _is_missing
from analysis.errors import AnalysisError
from analysis.ingest.clean import to_simplified
from analysis.select import report_left_out
from analysis.stats.frequency import _require_counts
from analysis.stats.uncertainty import DEFAULT_BOOT, bootstrap_rate_ci

__all__ = ["TREND_COLUMNS", "slogan_trend", "trend"]

#: Columns after the period column (named after ``by``).
TREND_COLUMNS = ["term", "count", "rate_per_10k", "n_docs", "n_tokens"]


def trend(
    dtm: DTM,
    terms: str | Sequence[str],
    *,
    by: str | Sequence[str] = "year",
    company: str | None = None,
    ci: float | None = 0.95,
    n_boot: int = DEFAULT_BOOT,
    seed: int = 0,
    use_year_hint: bool = False,
    thin_docs: int | None = 3,
) -> pd.DataFrame:
    """Count and rate per 10,000 tokens of each term in each period of docvar ``by`` (default year).

    ``by`` takes the forms every function takes: "year", "company,year", ["company", "year"] (then
    one row per company and year, with a column for each).

    company: keep only that company's documents (docvar ``company``; any alias works).
    Undated documents (``by`` missing) are left out: they belong to no period. How many is said in a
    ``DocumentsLeftOut`` warning and in ``attrs["left_out"]``. ``use_year_hint=True`` places undated
    documents whose headline or opening phrase names a year (``analysis.select.year_hints``) in that
    year; the column ``docs_year_hint`` says how many documents of each period were placed so.

    Columns (the first is named after ``by``):
      year          period value (Int64 for year), ascending; every period present in the filtered,
                    dated corpus appears, even when the term count is zero
      term          str, in the order given (duplicates dropped); a term not in the vocabulary gets
                    zero counts
      count         int; occurrences of the term in the period
      rate_per_10k  float; count / group_tokens * 10,000 (NaN when the period has no tokens)
      group_docs    int; documents in the period
      group_tokens  int; all tokens of the period's documents (after stopword filtering, before any
                    trimming of the DTM): the rate's denominator (also as ``group_tokens``)
      rate_ci_low, rate_ci_high  float; ``ci`` (default 95%) percentile bootstrap interval of the rate,
                    resampling the period's documents (``n_boot`` resamples, ``seed``; see
                    ``analysis.stats.uncertainty``); NaN for a period of one document. ``ci=None``
                    leaves both columns out.
      thin_group    bool; the period has fewer than ``thin_docs`` documents (None: no column)
    Rows: period ascending, then term in the given order. No dated document: an empty frame.
    """
    _require_counts(dtm, "trend")
    term_list = _term_list(terms, "trend")
    cols = _by_columns(by, dtm.docvars, "docvar")
    sub = dtm
    if company is not None:
        sub = sub.subset(_company_mask(dtm.docvars, company))
    docvars, keep, hinted = _place(sub.docvars, cols, use_year_hint)
    sub = DTM(sub.counts, sub.features, docvars, weighted=sub.weighted).subset(keep)
    hinted = hinted[keep]
    if sub.n_docs == 0:
        out = _empty(cols, dtm.docvars, [], ci)
        report_left_out(out, "trend", {"undated (no period)": int((~keep).sum())}, len(keep))
        return out
    idx = sub.feature_index(term_list)
    found = idx >= 0
    selected = np.zeros((sub.n_docs, len(term_list)), dtype=np.int64)
    if found.any():
        selected[:, found] = sub.counts[:, idx[found]].toarray()
    out = _period_table(
        sub.docvars, cols, term_list, {"count": selected}, sub.n_tokens, (ci, n_boot, seed, thin_docs),
        hinted if use_year_hint else None,
    )
    report_left_out(out, "trend", {"undated (no period)": int((~keep).sum())}, len(keep))
    if not found.all():
        _say_missing(out, [t for t, f in zip(term_list, found, strict=True) if not f], dtm)
    return out


def slogan_trend(
    corpus: pd.DataFrame,
    tokens: Any,
    slogans: str | Iterable[str],
    *,
    by: str | Sequence[str] = "year",
    company: str | None = None,
    lexicon: Iterable[str] | None = None,
    ci: float | None = 0.95,
    n_boot: int = DEFAULT_BOOT,
    seed: int = 0,
    use_year_hint: bool = False,
    thin_docs: int | None = 3,
) -> pd.DataFrame:
    """Count and rate per 10,000 tokens of each slogan per period, counted as ``slogan_profile`` does.

    ``tokens``: ``tokenize(corpus)`` (its token lists give the denominators, as in ``trend``).
    Columns: as ``trend`` (the slogan in ``term``; ``ci``, ``n_boot``, ``seed`` as there), plus ``count_standalone`` (occurrences not inside
    a longer lexicon term) after ``count``. A slogan found as a 《title》 and as a lexicon term is
    counted once (the title occurrence is part of the lexicon term's count).
    """
    from analysis.stats.slogans import _doc_counts, _doc_sizes, _require_columns, normalize_slogan

    _require_columns(corpus, ["doc_id", "text"], "slogan_trend")
    if tokens is None:
        raise AnalysisError("slogan_trend needs tokens: slogan_trend(corpus, tokenize(corpus), slogans)")
    names = [normalize_slogan(to_simplified(s)) for s in ([slogans] if isinstance(slogans, str) else slogans)]
    term_list = _term_list([n for n in names if n], "slogan_trend")
    cols = _by_columns(by, corpus, "corpus column")
    corpus = corpus.reset_index(drop=True)
    sizes, _ = _doc_sizes(corpus, tokens)
    in_company = np.ones(len(corpus), dtype=bool)
    if company is not None:
        in_company = _company_mask(corpus, company)
    corpus, placed, hinted = _place(corpus, cols, use_year_hint)
    keep = in_company & placed
    n_undated = int((in_company & ~placed).sum())
    hinted = hinted[keep]
    doc_tokens = sizes.to_numpy()[keep]
    if not keep.any():
        out = _empty(cols, corpus, ["count_standalone"], ci)
        report_left_out(out, "slogan_trend", {"undated (no period)": n_undated}, int(in_company.sum()))
        return out
    if corpus["doc_id"].astype(str)[keep].is_unique:  # counted on the whole corpus (its text not copied)
        counts = _doc_counts(corpus, lexicon, None, True, merge_repeats=False)
        counts = counts[keep[counts["_row"].to_numpy()]]
        counts = counts.assign(_row=(np.cumsum(keep) - 1)[counts["_row"].to_numpy()])
        sub = corpus.drop(columns=["text"])[keep].reset_index(drop=True)
    else:  # repeated doc_ids: their rows are summed within the kept rows only
        sub = corpus[keep].reset_index(drop=True)
        counts = _doc_counts(sub, lexicon, None, True)
    counts = counts[counts["slogan"].isin(term_list)]  # _row: the row of ``sub``
    # A text is one slogan whatever the kind it was found as; a title occurrence of a lexicon term is
    # already inside the term's count, so titles count only for slogans found only as titles.
    not_title = (counts["kind"] != "title").to_numpy(dtype=bool)
    # per (document, slogan): found as anything but a title? (a built-in reduction: one Python call
    # per group took 4 minutes for the 837,000 pairs of 1 GB)
    has_other = pd.Series(not_title, index=counts.index).groupby(
        [counts["_row"].to_numpy(), counts["slogan"].cat.codes.to_numpy()]
    ).transform("any")
    counts = counts[not_title | ~has_other.to_numpy(dtype=bool)]
    col_of = {t: j for j, t in enumerate(term_list)}
    cols_of = np.array([col_of.get(t, -1) for t in counts["slogan"].cat.categories], dtype=np.int64)
    matrices = {}
    for name in ("count", "count_standalone"):
        mat = np.zeros((len(sub), len(term_list)), dtype=np.int64)
        np.add.at(
            mat,
            (counts["_row"].to_numpy(dtype=np.int64), cols_of[counts["slogan"].cat.codes.to_numpy(dtype=np.int64)]),
            counts[name].to_numpy(dtype=np.int64),
        )
        matrices[name] = mat
    docvars = sub.drop(columns=["text"], errors="ignore")
    docvars[TOKENS_COLUMN] = doc_tokens
    out = _period_table(
        docvars, cols, term_list, matrices, doc_tokens, (ci, n_boot, seed, thin_docs), hinted if use_year_hint else None
    )
    report_left_out(out, "slogan_trend", {"undated (no period)": n_undated}, int(in_company.sum()))
    return out


# ------------------------------------------------------------------------------------------- helpers
def _term_list(terms: str | Iterable[str], what: str) -> list[str]:
    if not isinstance(terms, str) and not isinstance(terms, Iterable):
        raise AnalysisError(f"{what} needs a term or a list of terms, got {type(terms).__name__}")
    # Counts are on simplified text: a traditional-script term is converted first.
    term_list = [to_simplified(str(t)) for t in ([terms] if isinstance(terms, str) else terms)]
    term_list = list(dict.fromkeys(t for t in term_list if t))
    if not term_list:
        raise AnalysisError(f"{what} needs at least one term")
    return term_list


def _place(frame: pd.DataFrame, cols: list[str], use_year_hint: bool) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """(frame with years filled from hints when asked, rows with every ``cols`` value, hinted rows)."""
    hinted = np.zeros(len(frame), dtype=bool)
    if use_year_hint and "year" in cols:
        from analysis.select import effective_years

        year, hinted = effective_years(frame, True)
        frame = frame.copy()
        frame["year"] = year.to_numpy()
        frame["year"] = frame["year"].astype("Int64")
    return frame, _complete(frame, cols), hinted


def _say_missing(out: pd.DataFrame, missing: list[str], dtm: DTM) -> None:
    """Warn about terms that are no token of the DTM, with near variants, and record them in attrs."""
    import warnings
    from collections import Counter

    from analysis.stats._suggest import TermNotFoundWarning, near_variants

    vocab = Counter(dict(zip(dtm.features, dtm.totals().to_numpy(), strict=True)))
    variants = {t: near_variants(t, vocab) for t in missing}
    out.attrs["not_found"] = missing
    out.attrs["near_variants"] = variants
    for t, v in variants.items():
        hint = f"near variants that are tokens: {', '.join(v)}" if v else "no near variant found either"
        warnings.warn(
            f"trend: {t!r} is no token of this corpus (counts 0); {hint}. A phrase of several tokens "
            "(a slogan) is counted by slogan_trend(corpus, tokens, [...])",
            TermNotFoundWarning,
            stacklevel=3,
        )


def _by_columns(by: str | Sequence[str], frame: pd.DataFrame, what: str) -> list[str]:
    from analysis.dtm import as_columns

    cols = as_columns(by)
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise AnalysisError(f"cannot trend by {missing}: not a {what} (available: {list(frame.columns)})")
    return cols


def _complete(frame: pd.DataFrame, cols: list[str]) -> np.ndarray:
    keep = np.ones(len(frame), dtype=bool)
    for c in cols:
        keep &= ~_is_missing(frame[c])
    return keep


def _company_mask(docvars: pd.DataFrame, company: str) -> np.ndarray:
    if "company" not in docvars.columns:
        raise AnalysisError("company= needs a 'company' docvar")
    mask = (docvars["company"] == company).fillna(False).to_numpy(dtype=bool)
    if not mask.any():
        from analysis.stats.keyness import canonical_label

        mask = (docvars["company"] == canonical_label(company)).fillna(False).to_numpy(dtype=bool)
    if not mask.any():
        known = sorted({str(c) for c in docvars["company"].dropna() if str(c)})
        raise AnalysisError(f"no documents for company {company!r}; companies are {known}")
    return mask


def _period_table(
    docvars: pd.DataFrame,
    cols: list[str],
    term_list: list[str],
    matrices: dict[str, np.ndarray],
    doc_tokens: np.ndarray,
    boot: tuple[Any, ...] = (None, DEFAULT_BOOT, 0, 3),
    hinted: np.ndarray | None = None,
) -> pd.DataFrame:
    """The trend table from per-document count matrices (n_docs x n_terms) and token totals."""
    import scipy.sparse as sp

    from analysis.dtm import DTM

    keys = pd.DataFrame({c: docvars[c].reset_index(drop=True) for c in cols})
    keys[TOKENS_COLUMN] = np.asarray(doc_tokens)
    empty = DTM(sp.csr_matrix((len(keys), 0), dtype=np.int64), np.array([], dtype=object), keys)
    codes, gv = empty.group_codes(cols)
    n_periods = len(gv)
    summed = {}
    for name, mat in matrices.items():
        acc = np.zeros((n_periods, len(term_list)), dtype=np.int64)
        np.add.at(acc, codes, mat)
        summed[name] = acc
    n_tokens = np.bincount(codes, weights=np.asarray(doc_tokens, dtype=np.float64), minlength=n_periods)
    n_tokens = n_tokens.astype(np.int64)
    n_docs = gv["n_docs"].to_numpy(dtype=np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = summed["count"] / n_tokens[:, None] * 10_000.0
    rate[n_tokens == 0, :] = np.nan
    k = len(term_list)
    data: dict[str, Any] = {c: np.repeat(gv[c].to_numpy(), k) for c in cols}
    data["term"] = np.tile(np.array(term_list, dtype=object), n_periods)
    for name in matrices:
        data[name] = summed[name].ravel()
    data["rate_per_10k"] = rate.ravel()
    data["n_docs"] = np.repeat(n_docs, k)
    data["n_tokens"] = np.repeat(n_tokens, k)
    if hinted is not None:  # documents placed in their period by a year hint, not a stated date
        data["docs_year_hint"] = np.repeat(np.bincount(codes, weights=hinted, minlength=n_periods).astype(np.int64), k)
    ci, n_boot, seed = boot[:3]
    if ci is not None:
        low, high = bootstrap_rate_ci(
            matrices["count"], doc_tokens, codes, n_periods, level=ci, n_boot=n_boot, seed=seed
        )
        data["rate_ci_low"] = low.ravel()
        data["rate_ci_high"] = high.ravel()
    out = pd.DataFrame(data)
    for c in cols:
        out[c] = out[c].astype(gv[c].dtype)
    if ci is not None:
        out.attrs["ci_level"] = ci
    from analysis.stats.columns import flag_thin, with_vocabulary

    return flag_thin(with_vocabulary(out, "trend"), boot[3] if len(boot) > 3 else 3)


def _empty(by_cols: list[str], frame: pd.DataFrame, extra: list[str], ci: float | None) -> pd.DataFrame:
    cols = [*by_cols, "term", "count", *extra, "rate_per_10k", "n_docs", "n_tokens"]
    if ci is not None:
        cols += ["rate_ci_low", "rate_ci_high"]
    out = pd.DataFrame({c: [] for c in cols})
    for c in by_cols:
        out[c] = out[c].astype(frame[c].dtype)
    from analysis.stats.columns import flag_thin, with_vocabulary

    return flag_thin(with_vocabulary(out, "trend"), 3)


# help(function) shows the definitions too: the package namespace shadows this module by the function.
from analysis.stats._suggest import with_module_doc  # noqa: E402

with_module_doc(__doc__, trend, slogan_trend)
