"""Group sums, Gries' DP and bootstrap resamples computed a step at a time (issue 12: at 1 GB of text,
one pass over every stored entry of the matrix held about 5 GB of per-entry arrays, and the resampling
weights of the whole-corpus group 2.5 GB) give what the definition and one pass give, whatever the step
size and whether the group x term cells are looked up densely or searched.

The oracle computes DP cell by cell from the definition (Gries 2008), with plain loops written here.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis._steps import row_arrays
from analysis.dtm import DTM, group_sums
from analysis.errors import AnalysisError
from analysis.stats.dispersion import dispersion_by_group, dispersion_over
from analysis.stats.frequency import frequency

# the modules themselves: the package attributes of the same names are the functions
dtm_module = sys.modules["analysis.dtm"]
dispersion_module = sys.modules["analysis.stats.dispersion"]


def _random_counts(seed: int, n_docs: int = 30, n_terms: int = 12) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    dense = rng.integers(0, 4, size=(n_docs, n_terms)) * (rng.random((n_docs, n_terms)) < 0.4)
    n_tokens = dense.sum(axis=1) + rng.integers(0, 5, size=n_docs)  # totals before trimming: at least the counts
    codes = rng.integers(0, 3, size=n_docs)
    return sp.csr_matrix(dense.astype(np.int64)), n_tokens.astype(np.int64), codes.astype(np.int64)


def _oracle(dense: np.ndarray, n_tokens: np.ndarray, codes: np.ndarray, n_groups: int) -> dict:
    """(group, term) -> (docs_with_term, dp) for every cell with an occurrence, by the definition."""
    out = {}
    for g in range(n_groups):
        docs = [i for i in range(len(codes)) if codes[i] == g]
        size = sum(n_tokens[i] for i in docs)
        for j in range(dense.shape[1]):
            total = sum(dense[i, j] for i in docs)
            if total == 0:
                continue
            dev = sum(abs(dense[i, j] / total - (n_tokens[i] / size if size else 0.0)) for i in docs)
            out[(g, j)] = (sum(1 for i in docs if dense[i, j] > 0), min(1.0, 0.5 * dev))
    return out


@pytest.fixture
def small_steps(monkeypatch: pytest.MonkeyPatch):
    def set_steps(entries: int, dense_cells: int) -> None:
        monkeypatch.setattr(dispersion_module, "_ENTRIES_PER_STEP", entries)
        monkeypatch.setattr(dispersion_module, "_DENSE_CELLS", dense_cells)
        monkeypatch.setattr(dtm_module, "_SUM_ENTRIES", entries)

    return set_steps


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), entries=st.sampled_from([1, 2, 7, 1 << 22]), dense=st.sampled_from([0, 1 << 25]))
def test_dispersion_by_group_matches_the_definition(seed, entries, dense):
    counts, n_tokens, codes = _random_counts(seed)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(dispersion_module, "_ENTRIES_PER_STEP", entries)
        mp.setattr(dispersion_module, "_DENSE_CELLS", dense)
        g, j, docs, dp = dispersion_by_group(counts, n_tokens, codes, 3)
    want = _oracle(counts.toarray(), n_tokens, codes, 3)
    assert list(zip(g.tolist(), j.tolist(), strict=True)) == sorted(want)  # sorted by group, then term
    for cell, n, value in zip(zip(g.tolist(), j.tolist(), strict=True), docs, dp, strict=True):
        assert n == want[cell][0]
        assert value == pytest.approx(want[cell][1], abs=1e-12)


def test_steps_do_not_change_a_bit(small_steps):
    # few terms: a step holds several entries of one cell, whose partial sums would round differently
    counts, n_tokens, codes = _random_counts(3, n_docs=400, n_terms=3)
    rows = np.flatnonzero(codes != 1)
    whole = dispersion_by_group(counts, n_tokens, codes, 3), dispersion_over(counts, n_tokens, rows=rows)
    sums = group_sums(counts, codes, 3)
    small_steps(40, 0)  # steps of about 40 entries; cells searched, not looked up
    stepped = dispersion_by_group(counts, n_tokens, codes, 3), dispersion_over(counts, n_tokens, rows=rows)
    for a, b in zip(whole[0] + whole[1], stepped[0] + stepped[1], strict=True):
        assert np.array_equal(a, b, equal_nan=True)  # the same additions in the same order
    stepped_sums = group_sums(counts, codes, 3)
    assert (stepped_sums != sums).nnz == 0 and stepped_sums.has_sorted_indices
    indicator = sp.csr_matrix((np.ones(len(codes), dtype=np.int64), (codes, np.arange(len(codes)))), shape=(3, 400))
    assert (sp.csr_matrix(indicator @ counts) != sums).nnz == 0


def test_dispersion_over_selected_rows_equals_the_copied_rows(small_steps):
    counts, n_tokens, _ = _random_counts(11, n_docs=50)
    rows = np.array([1, 2, 3, 10, 11, 40, 49])
    small_steps(3, 1 << 25)
    docs, dp = dispersion_over(counts, n_tokens, rows=rows)
    docs_copy, dp_copy = dispersion_over(counts[rows], n_tokens[rows])
    assert np.array_equal(docs, docs_copy) and np.array_equal(dp, dp_copy, equal_nan=True)
    absent = np.asarray(counts[rows].sum(axis=0)).ravel() == 0
    assert np.isnan(dp[absent]).all() and (docs[absent] == 0).all()


def test_frequency_refuses_negative_counts_and_ignores_stored_zeros():
    docvars = pd.DataFrame({"doc_id": ["a", "b", "c"], "company": ["甲", "甲", "乙"], "n_tokens": [4, 4, 4]})
    features = np.array(["x", "y"], dtype=object)
    with_zero = sp.csr_matrix((np.array([2, 0, 1, 3]), np.array([0, 1, 0, 1]), np.array([0, 2, 3, 4])), shape=(3, 2))
    table = frequency(DTM(with_zero, features, docvars), by="company", top_n=None)
    got = {(r.group, r.term): (r.count, r.docs_with_term) for r in table.itertuples()}
    assert got == {("甲", "x"): (3, 2), ("乙", "y"): (3, 1)}  # the stored zero is no occurrence
    negative = sp.csr_matrix(np.array([[2, -1], [1, 0], [0, 3]], dtype=np.int64))
    with pytest.raises(AnalysisError, match="non-negative"):
        frequency(DTM(negative, features, docvars), by="company")
    with pytest.raises(AnalysisError, match="non-negative"):
        frequency(DTM(negative, features, docvars), by="company", top_n=1)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), top_n=st.integers(1, 6), by=st.sampled_from([None, "company", "company,year"]))
def test_frequency_top_n_is_the_head_of_the_whole_table(seed, top_n, by):
    """With ``top_n`` the documents and DP are computed for the selected cells only (from their terms'
    columns): the rows are exactly the first ``top_n`` of each group of the whole table."""
    counts, n_tokens, codes = _random_counts(seed, n_docs=40, n_terms=12)
    rng = np.random.default_rng(seed)
    docvars = pd.DataFrame({
        "doc_id": [f"d{i}" for i in range(40)], "company": np.array(["甲", "乙", "丙"])[codes],
        "year": rng.integers(2020, 2023, size=40), "n_tokens": n_tokens,
    })  # fmt: skip
    m = DTM(counts, np.array([f"t{j:02d}" for j in range(12)], dtype=object), docvars)
    whole = frequency(m, by=by, top_n=None, n_boot=50)
    head = whole.groupby("group", sort=False).head(top_n).reset_index(drop=True)
    pd.testing.assert_frame_equal(frequency(m, by=by, top_n=top_n, n_boot=50), head, check_exact=True)


def test_bootstrap_weights_in_blocks_are_the_draws_of_one_call(monkeypatch: pytest.MonkeyPatch):
    uncertainty = sys.modules["analysis.stats.uncertainty"]
    counts, n_tokens, codes = _random_counts(5, n_docs=120, n_terms=6)
    whole = uncertainty.bootstrap_rate_ci(counts, n_tokens, codes, 3, n_boot=200, seed=4)
    picks = np.random.default_rng(9).integers(0, 50, size=(200, 50))  # 200 resamples of 50 documents
    one_call = np.stack([np.bincount(row, minlength=50) for row in picks])
    monkeypatch.setattr(uncertainty, "_MAX_WEIGHTS", 170)  # blocks of 3 resamples of 50 documents
    weights = uncertainty._resample_weights(np.random.default_rng(9), 50, 200)
    assert weights.dtype == np.uint16 and np.array_equal(weights, one_call)
    stepped = uncertainty.bootstrap_rate_ci(counts, n_tokens, codes, 3, n_boot=200, seed=4)
    for a, b in zip(whole, stepped, strict=True):
        assert np.array_equal(a, b, equal_nan=True)
    assert np.isfinite(whole[0]).sum() > 10


@pytest.mark.parametrize("fraction", [0.0, 0.25])
def test_bootstrap_intervals_are_the_percentiles_of_the_resampled_rates(fraction: float):
    """Against the definition, with dense products: whole token totals take the sparse product for the
    denominators (exact sums: the very same values), others the BLAS one (equal to rounding)."""
    uncertainty = sys.modules["analysis.stats.uncertainty"]
    counts, n_tokens, codes = _random_counts(7, n_docs=150, n_terms=8)
    tokens = n_tokens + fraction
    low, high = uncertainty.bootstrap_rate_ci(counts, tokens, codes, 3, n_boot=300, seed=11)
    rng = np.random.default_rng(11)
    ranks = np.rint(np.array([2.5, 97.5]) / 100 * 299).astype(np.int64)
    for g in range(3):
        idx = np.flatnonzero(codes == g)
        picks = rng.integers(0, len(idx), size=(300, len(idx)))  # one call: the blocks' draws (above)
        weights = np.stack([np.bincount(row, minlength=len(idx)) for row in picks]).astype(np.float64)
        rates = (weights @ counts[idx].toarray()) / (weights @ tokens[idx])[:, None] * 10_000
        part = np.partition(rates, ranks, axis=0)
        check = np.testing.assert_array_equal if fraction == 0 else np.testing.assert_allclose
        check(low[g], part[ranks[0]])
        check(high[g], part[ranks[1]])
    assert np.isfinite(low).all() and (high > low).sum() > 10


def test_no_rows_sum_to_nothing_and_have_no_dispersion():
    """A side of a comparison may hold no document: the sums are empty and every DP missing."""
    counts, n_tokens, _ = _random_counts(2, n_docs=10, n_terms=4)
    none = np.zeros(0, dtype=np.int64)
    sums = group_sums(counts, none, 1, rows=none)
    assert sums.shape == (1, 4) and sums.nnz == 0
    docs, dp = dispersion_over(counts, n_tokens, rows=none)
    assert (docs == 0).all() and np.isnan(dp).all()


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), a=st.integers(0, 29), n=st.integers(1, 30), picked=st.booleans())
def test_row_arrays_are_the_rows_and_views_of_consecutive_ones(seed, a, n, picked):
    counts = _random_counts(seed)[0]
    rows = np.arange(a, min(a + n, 30))
    if picked:  # a gap: not consecutive
        rows = rows[rows != rows[len(rows) // 2]] if len(rows) > 2 else np.array([0, 29])
    indptr, indices, data = row_arrays(counts, rows)
    part = counts[rows]
    assert np.array_equal(indptr, part.indptr) and np.array_equal(indices, part.indices)
    assert np.array_equal(data, part.data)
    consecutive = int(rows[-1]) - int(rows[0]) + 1 == len(rows)
    assert np.shares_memory(data, counts.data) == (consecutive and len(data) > 0)
