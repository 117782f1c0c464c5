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
  log_ratio  Hardie's (2014) Log Ratio, log2((a / total_target) / (b / total_reference)); a zero count
             is replaced by 0.5 (in that cell only) so the ratio stays finite.
  logodds_z  Monroe, Colaresi & Quinn (2008) log-odds ratio with an informative Dirichlet prior, as a
             z-score. The prior is the pooled corpus (every row of the DTM, whatever the target and
             reference): alpha_w = a0 * y_w / n, with y_w the term's pooled count and n the pooled
             token total. a0 (``prior_size``) defaults to n, i.e. alpha_w = y_w: each term is shrunk by
             as much evidence as the corpus holds about it, with no tuning constant; pass a number
             (e.g. 1000) for a weaker prior. With i = target, j = reference:
               delta_w = ln((a + alpha_w) / (total_target + a0 - a - alpha_w))
                       - ln((b + alpha_w) / (total_reference + a0 - b - alpha_w))
               var_w  ~= 1 / (a + alpha_w) + 1 / (b + alpha_w)
               z_w     = delta_w / sqrt(var_w)
Terms with count_target + count_reference < min_count (and terms absent from both) are not tested
and not returned; the threshold is shown in the ``min_count`` column.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from analysis.dtm import DTM
from analysis.errors import AnalysisError
from analysis.stats.frequency import _require_counts, _term_keys

__all__ = ["REST_LABEL", "g2_statistic", "keyness", "log_ratio", "logodds_z"]

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
]

Correction = Literal["fdr", "bonferroni"] | None


def keyness(
    dtm: DTM,
    by: str | Sequence[str] = "company",
    target: str | int | None = None,
    reference: str | int | None = None,
    *,
    min_count: int = 5,
    correction: Correction = "fdr",
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
    correction: "fdr" (Benjamini-Hochberg), "bonferroni" or None, applied within each block.
    alpha:      level for ``significant``.
    prior_size: a0 of the Dirichlet prior for ``logodds_z``; None = the pooled token total.

    Columns: group, reference (str labels), term, count_target, count_reference, total_target,
    total_reference (int), g2 (signed), p_value, p_adjusted (float), significant (bool), log_ratio,
    logodds_z (float), min_count (int, the threshold used). Blocks follow group order; within a block
    rows are sorted by g2 descending (most over-used first, most under-used last), ties by term.
    """
    _require_counts(dtm, "keyness")
    if correction not in ("fdr", "bonferroni", None):
        raise AnalysisError(f"correction must be 'fdr', 'bonferroni' or None, got {correction!r}")
    if not 0 < alpha < 1:
        raise AnalysisError(f"alpha must be in (0, 1), got {alpha}")
    if min_count < 0:
        raise AnalysisError(f"min_count must be >= 0, got {min_count}")
    if prior_size is not None and prior_size <= 0:
        raise AnalysisError(f"prior_size must be positive or None, got {prior_size}")
    if reference is not None and target is None:
        raise AnalysisError("a reference group needs a target group")

    grouped = dtm.group(by)
    labels = [str(x) for x in grouped.docvars["group"]]
    counts = grouped.counts.toarray() if grouped.n_docs * grouped.n_features <= 5_000_000 else None
    pooled = np.asarray(grouped.counts.sum(axis=0), dtype=np.float64).ravel()
    # Totals are the groups' token totals (docvar n_tokens, fixed before any trimming), so trimming the
    # DTM never changes a term's 2x2 table.
    sizes = grouped.n_tokens.astype(np.float64)
    pooled_total = float(sizes.sum())
    if pooled_total == 0:
        raise AnalysisError("keyness needs a DTM with at least one token")
    a0 = pooled_total if prior_size is None else float(prior_size)
    prior = a0 * pooled / pooled_total

    def row(i: int) -> np.ndarray:
        if counts is not None:
            return counts[i].astype(np.float64)
        return grouped.counts[i].toarray().ravel().astype(np.float64)

    if len(labels) < 2:
        raise AnalysisError(f"keyness needs at least two groups of {by!r}, found {labels}")
    if target is None:  # every group against the rest; a group without tokens has nothing to compare
        pairs = [(i, None) for i in range(len(labels)) if 0 < sizes[i] < pooled_total]
    else:
        t = _find_group(labels, target, by)
        pairs = [(t, None if reference is None else _find_group(labels, reference, by))]
        if pairs[0][1] == t:
            raise AnalysisError(f"target and reference are the same group {labels[t]!r}")

    term_keys = _term_keys(dtm.features)
    blocks = []
    for t, r in pairs:
        a = row(t)
        b = pooled - a if r is None else row(r)
        total_t = float(sizes[t])
        total_r = pooled_total - total_t if r is None else float(sizes[r])
        blocks.append(
            _block(
                a,
                b,
                total_t,
                total_r,
                prior,
                a0,
                dtm.features,
                term_keys,
                target_label=labels[t],
                reference_label=REST_LABEL if r is None else labels[r],
                min_count=min_count,
                correction=correction,
                alpha=alpha,
            )
        )
    if not blocks:
        return pd.DataFrame({c: [] for c in KEYNESS_COLUMNS})
    return pd.concat(blocks, ignore_index=True)[KEYNESS_COLUMNS]


def _block(
    a: np.ndarray,
    b: np.ndarray,
    total_t: float,
    total_r: float,
    prior: np.ndarray,
    a0: float,
    features: np.ndarray,
    term_keys: np.ndarray,
    *,
    target_label: str,
    reference_label: str,
    min_count: int,
    correction: Correction,
    alpha: float,
) -> pd.DataFrame:
    if total_t == 0 or total_r == 0:
        empty = target_label if total_t == 0 else reference_label
        raise AnalysisError(f"keyness: group {empty!r} has no tokens")
    tested = np.flatnonzero((a + b >= min_count) & (a + b > 0))
    a, b, prior = a[tested], b[tested], prior[tested]
    g2 = g2_statistic(a, b, total_t, total_r)
    p = stats.chi2.sf(np.abs(g2), df=1)
    p_adj = _adjust(p, correction)
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
            "p_adjusted": p_adj,
            "significant": p_adj < alpha,
            "log_ratio": log_ratio(a, b, total_t, total_r),
            "logodds_z": logodds_z(a, b, total_t, total_r, prior, a0),
            "min_count": np.int64(min_count),
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
    """Hardie's Log Ratio, log2 of the ratio of relative frequencies; zero counts become 0.5."""
    a = np.where(np.asarray(a) == 0, 0.5, a).astype(np.float64)
    b = np.where(np.asarray(b) == 0, 0.5, b).astype(np.float64)
    return np.log2((a / total_t) / (b / total_r))


def logodds_z(
    a: np.ndarray, b: np.ndarray, total_t: float, total_r: float, prior: np.ndarray, a0: float
) -> np.ndarray:
    """Monroe et al. (2008) z-score of the log-odds ratio with informative Dirichlet prior ``prior``."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    prior = np.asarray(prior, dtype=np.float64)
    delta = np.log((a + prior) / (total_t + a0 - a - prior)) - np.log(
        (b + prior) / (total_r + a0 - b - prior)
    )
    var = 1.0 / (a + prior) + 1.0 / (b + prior)
    return delta / np.sqrt(var)


def _adjust(p: np.ndarray, correction: Correction) -> np.ndarray:
    if len(p) == 0 or correction is None:
        return p.copy()
    if correction == "bonferroni":
        return np.minimum(p * len(p), 1.0)
    return stats.false_discovery_control(p, method="bh")


def _find_group(labels: list[str], name: str | int, by: str | Sequence[str]) -> int:
    key = str(name)
    if key not in labels:
        raise AnalysisError(f"no group {key!r} in {by!r}; groups are {labels}")
    return labels.index(key)
