"""Keyness of terms in a target group against a reference: G², Log Ratio and informative-prior log-odds.

For each term the 2x2 table is

                     target            reference
    term             a                 b
    other tokens     total_target - a  total_reference - b

Statistics (all vectorised over the terms of a block):
  g2         Dunning's (1993) log-likelihood G² = 2 * sum(O * ln(O / E)) over the four cells, no
             continuity correction (equals scipy.stats.chi2_contingency(table, lambda_="log-likelihood",
             correction=False)). **Signed by direction**, as quanteda does: positive when the term's
             relative frequency is higher in the target (over-used), negative when lower.
  p_value    chi-squared survival function of |g2| with 1 degree of freedom.
  p_adjusted p_value corrected over the terms tested in the block: Benjamini-Hochberg FDR ("fdr"),
             Bonferroni ("bonferroni") or none (None: p_adjusted == p_value).
  significant p_adjusted < alpha.
  log_ratio  Hardie's (2014) Log Ratio, log2((a / total_target) / (b / total_reference)), when both counts
             are positive. A zero count has no finite ratio; Hardie's remedy (0.5 in the zero cell) can
             point the wrong way (a = 0 of 200 tokens against b = 8 of 10,000 gives +1.64, "over-used",
             though the term is under-used), so a zero cell gets instead the posterior mean rate under a
             Beta prior of one token's weight centred on the pooled rate p = (a + b) / (total_target +
             total_reference) of the two groups compared: rate = (count + p) / (total + 1) for both
             groups (additive smoothing towards the pooled rate: the informative-prior idea of Monroe,
             Colaresi & Quinn 2008, applied to the two rates). Each smoothed rate lies between the
             observed rate and p, so the sign always agrees with observed against expected (the sign
             of g2). Such rows have ``log_ratio_estimable`` False: the value says the direction, not
             the size (any size is compatible with a zero count); never draw it as a large effect.
  logodds_z  Monroe, Colaresi & Quinn (2008) log-odds ratio with an informative Dirichlet prior, as a
             z-score. The prior is the pooled counts of the two groups compared (target + reference;
             for target against the rest that is the whole corpus, as in Monroe et al.): alpha_w =
             a0 * y_w / n, with y_w the term's pooled count and n the pooled token total. Pooling
             only the two groups compared keeps the prior mean between their two rates, so the
             z-score never points against the data (a whole-corpus prior outside both rates can flip
             it when the groups differ in size). a0 (``prior_size``) defaults to n, i.e. alpha_w = y_w:
             each term is shrunk by as much evidence as the comparison holds about it, with no tuning
             constant; pass a number (e.g. 1000) for a weaker prior. With i = target, j = reference:
               delta_w = ln((a + alpha_w) / (total_target + a0 - a - alpha_w))
                       - ln((b + alpha_w) / (total_reference + a0 - b - alpha_w))
               var_w  ~= 1 / (a + alpha_w) + 1 / (b + alpha_w)
               z_w     = delta_w / sqrt(var_w)

Totals (``total_target``, ``total_reference``) are the groups' token totals (docvar ``n_tokens``: all
tokens after stopword filtering, before any trimming of the DTM), so trimming never changes a 2x2 table.

Which measure answers which question:
  * g2 / p_adjusted / significant: is the difference larger than chance would make it, given these token
    counts? With large corpora tiny differences are significant; with one long document a repetition is.
  * log_ratio: how large is the difference (each point doubles the ratio of relative frequencies)?
  * logodds_z: a ranking of terms by difference that shrinks rare terms towards no difference; |z| > 1.96
    is a much stricter bar than G² + FDR.
  * docs_with_term_* and dp_*: does the difference stand on many documents (a habit of the group) or on
    one (a single text repeating a word)? Use ``min_docs=2`` (or more) to test only terms that several
    documents use.

Direction: g2, log_ratio and logodds_z are positive when the term's relative frequency is higher in the
target than in the reference (observed count in the target above its expected count), negative when
lower, and all three always agree.

Terms with count_target + count_reference < min_count (and terms absent from both) are not tested
and not returned; the threshold is shown in the ``min_count`` column.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any, Literal, Protocol

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis.dtm import DTM, TOKENS_COLUMN
from analysis.errors import AnalysisError
from analysis.stats.frequency import _require_counts, _term_keys

__all__ = [
    "REST_LABEL", "g2_statistic", "keyness", "keyness_from", "log_ratio", "logodds_z", "year_over_year",
    "year_over_year_from",
]

#: Reference label when a group is compared with all the other groups.
REST_LABEL = "(rest)"

KEYNESS_COLUMNS = [
    "group",
    "reference",
    "term",
    "count_target",
    "count_reference",
    "total_target",
    "total_reference",
    "g2",
    "p_value",
    "p_adjusted",
    "significant",
    "log_ratio",
    "logodds_z",
    "min_count",
    "log_ratio_estimable",
    "correction",
    "family",
    "family_size",
    "docs_with_term_target",
    "docs_with_term_reference",
    "group_docs_target",
    "group_docs_reference",
    "dp_target",
    "dp_reference",
]

Correction = Literal["fdr", "bonferroni"] | None
Family = Literal["table", "block"]
#: Name of each correction in the ``correction`` column (statsmodels' method names).
CORRECTION_NAMES = {"fdr": "fdr_bh", "bonferroni": "bonferroni", None: "none"}


def keyness(
    dtm: DTM,
    by: str | Sequence[str] = "company",
    target: str | int | None = None,
    reference: str | int | None = None,
    *,
    min_count: int = 5,
    min_docs: int = 1,
    correction: Correction = "fdr",
    family: Family = "table",
    alpha: float = 0.05,
    prior_size: float | None = None,
) -> pd.DataFrame:
    """Keyness table: terms over- and under-used in a target group (see the module docstring).

    Modes (groups are those of ``DTM.group(by)``; ``target``/``reference`` are group labels, e.g.
    "中国联通", 2024 or "中国联通|2024"):
      target None                 one block per group, each against the rest ("(rest)"); groups
                                  without tokens are skipped
      target given, reference None  target against the rest
      target and reference given  target against the reference group
    min_count:  minimum count_target + count_reference for a term to be tested.
    min_docs:   minimum number of documents (target and reference together) containing the term for
                it to be tested: min_docs=2 keeps a term that one document repeats out of the table
                (and out of the correction family).
    correction: "fdr" (Benjamini-Hochberg), "bonferroni" or None.
    family:     which p-values are corrected together: "table" (default: every test in the returned
                table, all blocks at once, so a table of k blocks is one family) or "block" (each
                target/reference pair separately, as a single comparison would be).
    alpha:      level for ``significant``.
    prior_size: a0 of the Dirichlet prior for ``logodds_z``; None = the pooled token total.

    Columns: group, reference (str labels), term, count_target, count_reference, group_tokens_target,
    group_tokens_reference (int), g2 (signed), p_value, p_adjusted (float), significant (bool), log_ratio,
    logodds_z (float), min_count (int, the threshold used), log_ratio_estimable (bool, False when a
    count is zero: log_ratio then gives the direction only), correction ("fdr_bh", "bonferroni" or
    "none"), family ("table" or "block") and family_size (int, the number of tests corrected together);
    docs_with_term_target/_reference (documents of each side containing the term), group_docs_target/
    _reference (documents on each side) and dp_target/_reference (Gries' DP over each side's
    documents, see ``analysis.stats.dispersion``): a term that one long document repeats has few
    documents and a DP near 1, and is no habit of the group however large its G².
    group_tokens_target/_reference are token totals before any trimming (docvar ``n_tokens``). Blocks
    follow group order; within a block rows are sorted by g2 descending (most over-used first, most
    under-used last), ties by term.
    """
    _require_counts(dtm, "keyness")
    _check_options(correction, family, alpha, min_count, min_docs, prior_size, target, reference)
    grouped = dtm.group(by)
    codes, _ = dtm.group_codes(by)
    return _keyness_grouped(
        dtm.features, grouped.counts, grouped.docvars, _MatrixSides(dtm, codes), by=by, target=target,
        reference=reference, min_count=min_count, min_docs=min_docs, correction=correction, family=family,
        alpha=alpha, prior_size=prior_size,
    )  # fmt: skip


def keyness_from(
    features: np.ndarray,
    counts: sp.csr_matrix,
    gv: pd.DataFrame,
    sides: Sides,
    by: str | Sequence[str] = "company",
    target: str | int | None = None,
    reference: str | int | None = None,
    *,
    min_count: int = 5,
    min_docs: int = 1,
    correction: Correction = "fdr",
    family: Family = "table",
    alpha: float = 0.05,
    prior_size: float | None = None,
) -> pd.DataFrame:
    """``keyness`` from grouped sums: ``counts`` groups x ``features``, ``gv`` the group docvars of
    ``DTM.group`` (group, n_docs, n_tokens), ``sides`` the documents behind them (DP, documents with
    the term), e.g. summed partition by partition (``analysis.stats.streamed``)."""
    _check_options(correction, family, alpha, min_count, min_docs, prior_size, target, reference)
    return _keyness_grouped(
        features, counts, gv, sides, by=by, target=target, reference=reference, min_count=min_count,
        min_docs=min_docs, correction=correction, family=family, alpha=alpha, prior_size=prior_size,
    )  # fmt: skip



def _check_options(
    correction: Correction, family: Family, alpha: float, min_count: int, min_docs: int,
    prior_size: float | None, target: str | int | None, reference: str | int | None,
) -> None:  # fmt: skip
    if correction not in ("fdr", "bonferroni", None):
        raise AnalysisError(f"correction must be 'fdr', 'bonferroni' or None, got {correction!r}")
    if family not in ("table", "block"):
        raise AnalysisError(f"family must be 'table' or 'block', got {family!r}")
    if not 0 < alpha < 1:
        raise AnalysisError(f"alpha must be in (0, 1), got {alpha}")
    if min_count < 0:
        raise AnalysisError(f"min_count must be >= 0, got {min_count}")
    if min_docs < 1:
        raise AnalysisError(f"min_docs must be >= 1, got {min_docs}")
    if prior_size is not None and prior_size <= 0:
        raise AnalysisError(f"prior_size must be positive or None, got {prior_size}")
    if reference is not None and target is None:
        raise AnalysisError("a reference group needs a target group")


def _keyness_grouped(
    features: np.ndarray,
    counts: sp.csr_matrix,
    gv: pd.DataFrame,
    sides: Sides,
    *,
    by: str | Sequence[str],
    target: str | int | None,
    reference: str | int | None,
    min_count: int,
    min_docs: int,
    correction: Correction,
    family: Family,
    alpha: float,
    prior_size: float | None,
) -> pd.DataFrame:
    """The keyness table of ``keyness`` and ``keyness_from`` (called by them: the groups left out are
    reported at their caller's line)."""
    labels = [str(x) for x in gv["group"]]
    if len(labels) < 2:
        raise AnalysisError(f"keyness needs at least two groups of {by!r}, found {labels}")
    if target is None:  # every group against the rest; a group without tokens has nothing to compare
        sizes = gv[TOKENS_COLUMN].to_numpy().astype(np.float64)
        pairs = [(i, None) for i in range(len(labels)) if 0 < sizes[i] < sizes.sum()]
    else:
        t = _find_group(labels, target, by)
        pairs = [(t, None if reference is None else _find_group(labels, reference, by))]
        if pairs[0][1] == t:
            raise AnalysisError(f"target and reference are the same group {labels[t]!r}")
    out = _keyness_pairs(
        features, counts, gv, sides, pairs, min_count=min_count, correction=correction, family=family,
        alpha=alpha, prior_size=prior_size, min_docs=min_docs,
    )  # fmt: skip
    from analysis.select import report_left_out

    reasons: dict[str, int] = {}
    total = 0
    if target is None:  # groups without tokens have nothing to compare: say so
        compared = {t for t, _ in pairs}
        skipped = [i for i in range(len(labels)) if i not in compared]
        n_skipped = int(gv["n_docs"].to_numpy()[skipped].sum()) if skipped else 0
        reasons = {f"in groups without tokens ({', '.join(labels[i] for i in skipped)})": n_skipped}
        total = int(gv["n_docs"].sum())
    report_left_out(out, "keyness", reasons, total, stacklevel=4)  # warns at the line calling our caller
    return out


class Sides(Protocol):
    """The documents behind a keyness comparison of group ``t`` with group ``r`` (None: the rest)."""

    def docs(self, t: int, r: int | None) -> tuple[np.ndarray, np.ndarray]:
        """Documents containing each feature, on the target side and on the reference side."""
        ...

    def dispersion(
        self, requests: list[tuple[int, int | None, np.ndarray, np.ndarray, np.ndarray]]
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """(dp_target, dp_reference) of the sorted feature positions ``terms`` for every request
        (t, r, terms, counts on the target side, counts on the reference side)."""
        ...


class _MatrixSides:
    """Sides of a document-level DTM in memory (``codes``: the group of every row)."""

    def __init__(self, dtm: DTM, codes: np.ndarray) -> None:
        from analysis.stats._dispersion_cache import SideDispersion

        self.dtm, self.codes = dtm, codes
        self._done: dict[tuple[int, int | None], tuple[tuple[np.ndarray, np.ndarray], ...]] = {}
        self._over = SideDispersion(sp.csr_matrix(dtm.counts), dtm.n_tokens)  # a side seen before: from the cache

    def _sides(self, t: int, r: int | None) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
        if (t, r) not in self._done:
            in_t = self.codes == t
            in_r = ~in_t if r is None else self.codes == r
            self._done[(t, r)] = tuple(self._over.over(np.flatnonzero(mask)) for mask in (in_t, in_r))
        return self._done[(t, r)]

    def docs(self, t: int, r: int | None) -> tuple[np.ndarray, np.ndarray]:
        target, reference = self._sides(t, r)
        return target[0], reference[0]

    def dispersion(
        self, requests: list[tuple[int, int | None, np.ndarray, np.ndarray, np.ndarray]]
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        out = []
        for t, r, terms, _, _ in requests:
            target, reference = self._sides(t, r)
            out.append((target[1][terms], reference[1][terms]))
        return out


def _keyness_pairs(
    features: np.ndarray,
    grouped_counts: sp.csr_matrix,
    gv: pd.DataFrame,
    sides: Sides,
    pairs: list[tuple[int, int | None]],
    *,
    min_count: int,
    correction: Correction,
    family: Family,
    alpha: float,
    prior_size: float | None,
    min_docs: int = 1,
) -> pd.DataFrame:
    """Blocks for the (target row, reference row or None = the rest) pairs of the grouped counts, corrected."""
    labels = [str(x) for x in gv["group"]]
    n_groups, n_features = grouped_counts.shape
    counts = grouped_counts.toarray() if n_groups * n_features <= 5_000_000 else None
    pooled = np.asarray(grouped_counts.sum(axis=0), dtype=np.float64).ravel()
    # Totals are the groups' token totals (docvar n_tokens, fixed before any trimming), so trimming the
    # DTM never changes a term's 2x2 table.
    sizes = gv[TOKENS_COLUMN].to_numpy().astype(np.float64)
    group_docs = gv["n_docs"].to_numpy().astype(np.int64)
    pooled_total = float(sizes.sum())
    if pooled_total == 0:
        raise AnalysisError("keyness needs a DTM with at least one token")

    def row(i: int) -> np.ndarray:
        if counts is not None:
            return counts[i].astype(np.float64)
        return grouped_counts[i].toarray().ravel().astype(np.float64)

    term_keys = _term_keys(features)
    blocks = []
    requests: list[tuple[int, int | None, np.ndarray, np.ndarray, np.ndarray]] = []
    side_docs = []
    for t, r in pairs:
        a = row(t)
        b = pooled - a if r is None else row(r)
        total_t = float(sizes[t])
        total_r = pooled_total - total_t if r is None else float(sizes[r])
        docs_t, docs_r = sides.docs(t, r)
        if min_docs > 1:  # a term must stand on enough documents to be tested at all
            few = docs_t + docs_r < min_docs
            a, b = np.where(few, 0.0, a), np.where(few, 0.0, b)  # zero in both: never tested
        block = _block(
                a,
                b,
                total_t,
                total_r,
                prior_size,
                features,
                term_keys,
                target_label=labels[t],
                reference_label=REST_LABEL if r is None else labels[r],
                min_count=min_count,
            )
        tested = pd.Index(features).get_indexer(block["term"])
        terms = np.sort(tested)
        requests.append((t, r, terms, a[terms], b[terms]))
        blocks.append((block, tested, terms))
        n_t = int(group_docs[t])
        side_docs.append(((docs_t, n_t), (docs_r, int(group_docs.sum()) - n_t if r is None else int(group_docs[r]))))
    dps = sides.dispersion(requests)
    for (block, tested, terms), dp_pair, docs_pair in zip(blocks, dps, side_docs, strict=True):
        at = np.searchsorted(terms, tested)
        for side, dp, (docs, n_docs) in zip(("target", "reference"), dp_pair, docs_pair, strict=True):
            block[f"docs_with_term_{side}"] = docs[tested]
            block[f"group_docs_{side}"] = np.int64(n_docs)
            block[f"dp_{side}"] = dp[at]
    blocks = [b for b, _, _ in blocks]
    if not blocks:
        from analysis.stats.columns import with_vocabulary

        return with_vocabulary(pd.DataFrame({c: [] for c in KEYNESS_COLUMNS}), "keyness")
    out = pd.concat(blocks, ignore_index=True)
    p = out["p_value"].to_numpy(dtype=np.float64)
    if family == "table":
        out["p_adjusted"] = _adjust(p, correction)
        out["family_size"] = np.int64(len(out))
    else:
        block_id = np.repeat(np.arange(len(blocks)), [len(b) for b in blocks])
        adjusted = np.empty_like(p)
        sizes_of = np.zeros(len(p), dtype=np.int64)
        for k in range(len(blocks)):
            sel = block_id == k
            adjusted[sel] = _adjust(p[sel], correction)
            sizes_of[sel] = int(sel.sum())
        out["p_adjusted"] = adjusted
        out["family_size"] = sizes_of
    out["significant"] = out["p_adjusted"] < alpha
    out["correction"] = CORRECTION_NAMES[correction]
    out["family"] = family
    from analysis.stats.columns import with_vocabulary

    return with_vocabulary(out[KEYNESS_COLUMNS], "keyness")


def _block(
    a: np.ndarray,
    b: np.ndarray,
    total_t: float,
    total_r: float,
    prior_size: float | None,
    features: np.ndarray,
    term_keys: np.ndarray,
    *,
    target_label: str,
    reference_label: str,
    min_count: int,
) -> pd.DataFrame:
    if total_t == 0 or total_r == 0:
        empty = target_label if total_t == 0 else reference_label
        raise AnalysisError(f"keyness: group {empty!r} has no tokens")
    tested = np.flatnonzero((a + b >= min_count) & (a + b > 0))
    a, b = a[tested], b[tested]
    # Dirichlet prior from the two groups compared (see the module docstring).
    n = total_t + total_r
    a0 = n if prior_size is None else float(prior_size)
    prior = a0 * (a + b) / n
    g2 = g2_statistic(a, b, total_t, total_r)
    p = _chi2_sf_1df(np.abs(g2))
    out = pd.DataFrame(
        {
            "group": target_label,
            "reference": reference_label,
            "term": features[tested],
            "count_target": a.astype(np.int64),
            "count_reference": b.astype(np.int64),
            "total_target": np.int64(total_t),
            "total_reference": np.int64(total_r),
            "g2": g2,
            "p_value": p,
            "p_adjusted": np.nan,  # set over the family by the caller
            "significant": False,
            "log_ratio": log_ratio(a, b, total_t, total_r),
            "logodds_z": logodds_z(a, b, total_t, total_r, prior, a0),
            "min_count": np.int64(min_count),
            "log_ratio_estimable": (a > 0) & (b > 0),
        }
    )
    order = np.lexsort((term_keys[tested], -g2))
    return out.iloc[order].reset_index(drop=True)


def g2_statistic(a: np.ndarray, b: np.ndarray, total_t: float, total_r: float) -> np.ndarray:
    """Signed G² for counts ``a`` (target) and ``b`` (reference) out of the two totals."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    n = total_t + total_r
    row_term = a + b
    row_other = n - row_term
    observed = (a, b, total_t - a, total_r - b)
    expected = (
        row_term * total_t / n,
        row_term * total_r / n,
        row_other * total_t / n,
        row_other * total_r / n,
    )
    g2 = np.zeros_like(a)
    with np.errstate(divide="ignore", invalid="ignore"):
        for o, e in zip(observed, expected, strict=True):
            g2 += np.where(o > 0, o * np.log(o / e), 0.0)
    g2 = np.maximum(2.0 * g2, 0.0)  # rounding can make a zero statistic slightly negative
    over = a * total_r >= b * total_t  # target relative frequency >= reference relative frequency
    return np.where(over, g2, -g2)


def log_ratio(a: np.ndarray, b: np.ndarray, total_t: float, total_r: float) -> np.ndarray:
    """Hardie's Log Ratio, log2 of the ratio of relative frequencies.

    Where a count is zero both rates are smoothed towards the pooled rate p of the two groups,
    (count + p) / (total + 1), which keeps the sign of observed against expected (module docstring).
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    p = (a + b) / (total_t + total_r)
    zero = (a == 0) | (b == 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plain = np.log2((a / total_t) / (b / total_r))
        smoothed = np.log2(((a + p) / (total_t + 1.0)) / ((b + p) / (total_r + 1.0)))
    return np.where(zero, smoothed, plain)


def logodds_z(
    a: np.ndarray, b: np.ndarray, total_t: float, total_r: float, prior: np.ndarray, a0: float
) -> np.ndarray:
    """Monroe et al. (2008) z-score of the log-odds ratio with informative Dirichlet prior ``prior``."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    prior = np.asarray(prior, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = np.log((a + prior) / (total_t + a0 - a - prior)) - np.log(
            (b + prior) / (total_r + a0 - b - prior)
        )
    var = 1.0 / (a + prior) + 1.0 / (b + prior)
    # Equal rates: no difference (also when the term is every token of both groups, where the odds
    # are infinite and delta would be inf - inf).
    with np.errstate(invalid="ignore"):
        return np.where(a * total_r == b * total_t, 0.0, delta / np.sqrt(var))


def _adjust(p: np.ndarray, correction: Correction) -> np.ndarray:
    if len(p) == 0 or correction is None:
        return p.copy()
    if correction == "bonferroni":
        return np.minimum(p * len(p), 1.0)
    return _benjamini_hochberg(p)


def _chi2_sf_1df(x: np.ndarray) -> np.ndarray:
    """``scipy.stats.chi2.sf(x, df=1)`` for x >= 0 (NaN stays NaN): the special function it calls, without
    importing scipy.stats (about a second of start-up for every command that computes keyness)."""
    from scipy.special import chdtrc

    return np.asarray(chdtrc(1.0, np.asarray(x, dtype=np.float64)), dtype=np.float64)


def _benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """``scipy.stats.false_discovery_control(p, method="bh")`` for a 1-D array of p-values in [0, 1], step
    for step (same sort, products and running minimum, so the same floats), without importing scipy.stats."""
    ps = np.asarray(p, dtype=np.float64)
    if ps.size <= 1:
        return ps.copy()
    order = np.argsort(ps)
    adjusted = ps[order]
    m = len(adjusted)
    adjusted *= m / np.arange(1, m + 1, dtype=np.float64)
    np.minimum.accumulate(adjusted[::-1], out=adjusted[::-1])
    out = np.empty_like(adjusted)
    out[order] = adjusted
    return np.clip(out, 0.0, 1.0)


def _find_group(labels: list[str], name: str | int, by: str | Sequence[str]) -> int:
    key = str(name)
    if key in labels:
        return labels.index(key)
    alias = canonical_label(key)
    if alias in labels:
        return labels.index(alias)
    raise AnalysisError(f"no group {key!r} in {by!r}; groups are {labels}")


def canonical_label(label: str) -> str:
    """A group label with every part that is a company alias replaced by the canonical company name:
    "China Telecom" -> "中国电信", "China Mobile|2024" -> "中国移动|2024" (the shipped alias table;
    traditional script is converted). Parts that are no alias are kept."""
    from analysis.ingest.clean import to_simplified
    from analysis.ingest.metadata import load_aliases

    try:
        aliases = load_aliases()
    except AnalysisError:
        return label
    parts = []
    for part in str(label).split("|"):
        p = part.strip()
        parts.append(aliases.canonical(p) or aliases.canonical(to_simplified(p)) or p)
    return "|".join(parts)


def year_over_year(
    dtm: DTM,
    *,
    within: str | None = "company",
    by: str = "year",
    min_count: int = 5,
    min_docs: int = 1,
    correction: Correction = "fdr",
    family: Family = "table",
    alpha: float = 0.05,
    prior_size: float | None = None,
) -> pd.DataFrame:
    """Keyness of each period against the period before it, per ``within`` group (default: company).

    For every value of ``within`` (every company; ``None``: the whole corpus) and every pair of
    consecutive periods of ``by`` present in its documents (2022 -> 2023, 2023 -> 2024; a gap such as
    2021 -> 2023 is compared as it is and visible in the columns), one keyness block: target = the later
    period, reference = the earlier one. Undated documents and, with ``within``, documents without a
    value there (no company) are left out; a ``DocumentsLeftOut`` warning and ``attrs["left_out"]`` say
    how many.

    Columns: those of ``keyness`` (group "中国联通|2024", reference "中国联通|2023"), then ``within``
    (e.g. company), ``by`` (the later period) and ``<by>_reference`` (the earlier one). The correction
    family is the whole table by default, as in ``keyness``.
    """
    from analysis.dtm import _is_missing

    _require_counts(dtm, "year_over_year")
    if family not in ("table", "block"):
        raise AnalysisError(f"family must be 'table' or 'block', got {family!r}")
    if correction not in ("fdr", "bonferroni", None):
        raise AnalysisError(f"correction must be 'fdr', 'bonferroni' or None, got {correction!r}")
    cols = [by] if within is None else [within, by]
    missing_cols = [c for c in cols if c not in dtm.docvars.columns]
    if missing_cols:
        raise AnalysisError(f"year_over_year: {missing_cols} not a docvar (docvars are {list(dtm.docvars.columns)})")
    keep = np.ones(dtm.n_docs, dtype=bool)
    for c in cols:
        keep &= ~_is_missing(dtm.docvars[c])
    sub = dtm.subset(keep)
    grouped = sub.group(cols)
    codes, gv = sub.group_codes(cols)
    out = _year_over_year_grouped(
        sub.features, grouped.counts, gv, _MatrixSides(sub, codes), cols=cols, within=within, by=by,
        min_count=min_count, min_docs=min_docs, correction=correction, family=family, alpha=alpha,
        prior_size=prior_size,
    )  # fmt: skip
    from analysis.select import report_left_out

    report_left_out(out, "year_over_year", {f"without {' or '.join(cols)}": int((~keep).sum())}, len(keep))  # warns at the caller's line
    return out


def year_over_year_from(
    features: np.ndarray,
    grouping: Any,
    sides: Sides,
    *,
    n_docs: int,
    within: str | None = "company",
    by: str = "year",
    min_count: int = 5,
    min_docs: int = 1,
    correction: Correction = "fdr",
    family: Family = "table",
    alpha: float = 0.05,
    prior_size: float | None = None,
) -> pd.DataFrame:
    """``year_over_year`` from grouped sums: ``grouping`` has ``counts`` (groups x ``features``) and
    ``gv`` (the group docvars of ``[within, by]`` over the documents that have both), ``n_docs`` is the
    number of documents before those without a value were left out."""
    if family not in ("table", "block"):
        raise AnalysisError(f"family must be 'table' or 'block', got {family!r}")
    if correction not in ("fdr", "bonferroni", None):
        raise AnalysisError(f"correction must be 'fdr', 'bonferroni' or None, got {correction!r}")
    cols = [by] if within is None else [within, by]
    kept = int(grouping.gv["n_docs"].sum())
    out = _year_over_year_grouped(
        features, grouping.counts, grouping.gv, sides, cols=cols, within=within, by=by, min_count=min_count,
        min_docs=min_docs, correction=correction, family=family, alpha=alpha, prior_size=prior_size,
    )  # fmt: skip
    from analysis.select import report_left_out

    report_left_out(out, "year_over_year", {f"without {' or '.join(cols)}": n_docs - kept}, n_docs)  # warns at the caller's line
    return out


def _year_over_year_grouped(
    features: np.ndarray,
    counts: sp.csr_matrix,
    gv: pd.DataFrame,
    sides: Sides,
    *,
    cols: list[str],
    within: str | None,
    by: str,
    min_count: int,
    min_docs: int,
    correction: Correction,
    family: Family,
    alpha: float,
    prior_size: float | None,
) -> pd.DataFrame:
    group_tokens = gv[TOKENS_COLUMN].to_numpy()
    pairs: list[tuple[int, int | None]] = []
    owner = [None] * len(gv) if within is None else list(gv[within])
    for key in dict.fromkeys(owner):
        rows = [i for i in range(len(gv)) if owner[i] == key and group_tokens[i] > 0]
        pairs += [(later, earlier) for earlier, later in pairwise(rows)]
    from analysis.stats.columns import with_vocabulary

    base = list(with_vocabulary(pd.DataFrame({c: [] for c in KEYNESS_COLUMNS}), "keyness").columns)
    out_cols = [*base, *([] if within is None else [within]), by, f"{by}_reference"]
    if not pairs:
        out = pd.DataFrame({c: [] for c in out_cols})
    else:
        out = _keyness_pairs(
            features, counts, gv, sides, pairs, min_count=min_count, correction=correction, family=family,
            alpha=alpha, prior_size=prior_size, min_docs=min_docs,
        )
        label_row = {str(g): i for i, g in enumerate(gv["group"])}
        t_rows = out["group"].map(label_row).to_numpy(dtype=np.int64)
        r_rows = out["reference"].map(label_row).to_numpy(dtype=np.int64)
        if within is not None:
            out[within] = gv[within].to_numpy()[t_rows]
        out[by] = gv[by].to_numpy()[t_rows]
        out[f"{by}_reference"] = gv[by].to_numpy()[r_rows]
        out = out[out_cols]
    return out


# help(function) shows the definitions too: the package namespace shadows this module by the function.
from analysis.stats._suggest import with_module_doc  # noqa: E402

with_module_doc(__doc__, keyness, year_over_year)
