"""Issue 10: numbers that mean what a reader takes them to mean.

Each test checks against an oracle computed here, independently of the code under test (plain counting
on the token lists, scipy, statsmodels, NLTK, a hand-worked example from the literature).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from analysis.dtm import DTM, dtm
from analysis.stats import frequency, keyness, trend


@dataclass
class FakeTokens:
    docs: list[list[str]]
    docvars: pd.DataFrame


def _random_corpus(seed: int = 7, n_docs: int = 40) -> FakeTokens:
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(400)]
    weights = [1.0 / (i + 1) for i in range(400)]  # Zipf-like: many rare terms that trimming removes
    docs = [rng.choices(vocab, weights, k=rng.randint(5, 120)) for _ in range(n_docs)]
    docvars = pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(n_docs)],
            "company": [rng.choice(["甲", "乙", "丙"]) for _ in range(n_docs)],
            "year": pd.array([rng.choice([2021, 2022, 2023]) for _ in range(n_docs)], dtype="Int64"),
        }
    )
    return FakeTokens(docs, docvars)


# ------------------------------------------------------------------ 1. denominators do not move with trimming
def test_rates_use_document_token_totals_whatever_the_trimming():
    tk = _random_corpus()
    full = dtm(tk)
    trimmed = full.trim(min_count=5)
    assert trimmed.n_features < full.n_features  # the trimming really dropped terms
    # oracle: plain counting on the token lists, per company
    tokens_of = Counter()
    counts_of: Counter[tuple[str, str]] = Counter()
    for doc, company in zip(tk.docs, tk.docvars["company"], strict=True):
        tokens_of[company] += len(doc)
        for t in doc:
            counts_of[company, t] += 1
    for m in (full, trimmed, full.select_features(full.features == "w0")):
        f = frequency(m, by="company")
        for row in f.itertuples():
            expected = counts_of[row.group, row.term] / tokens_of[row.group] * 10_000
            assert row.rate_per_10k == pytest.approx(expected, rel=1e-12)


def test_keyness_totals_and_calls_do_not_move_with_trimming():
    tk = _random_corpus(seed=3, n_docs=60)
    full = dtm(tk)
    trimmed = full.trim(min_count=5)
    k_full = keyness(full, by="company", min_count=5)
    k_trim = keyness(trimmed, by="company", min_count=5)
    assert len(k_full) == len(k_trim) > 0
    cols = ["group", "term", "total_target", "total_reference", "g2", "p_adjusted", "significant"]
    pd.testing.assert_frame_equal(k_full[cols], k_trim[cols])
    sizes = Counter()
    for doc, company in zip(tk.docs, tk.docvars["company"], strict=True):
        sizes[company] += len(doc)
    for row in k_trim.drop_duplicates("group").itertuples():
        assert row.total_target == sizes[row.group]
        assert row.total_reference == sum(sizes.values()) - sizes[row.group]


def test_trend_denominator_does_not_move_with_trimming():
    tk = _random_corpus(seed=5)
    full = dtm(tk)
    t_full = trend(full, ["w0", "w1"])
    t_trim = trend(full.trim(min_count=20), ["w0", "w1"])
    pd.testing.assert_frame_equal(t_full, t_trim)
    per_year = Counter()
    for doc, year in zip(tk.docs, tk.docvars["year"], strict=True):
        per_year[int(year)] += len(doc)
    assert dict(zip(t_full["year"], t_full["n_tokens"], strict=True)) == dict(per_year)


def test_n_tokens_is_summed_by_grouping_and_kept_by_subset():
    tk = _random_corpus()
    m = dtm(tk).trim(min_count=10)
    g = m.group("company")
    assert g.n_tokens.sum() == sum(len(d) for d in tk.docs)
    assert m.kept_tokens.sum() < m.n_tokens.sum()
    sub = m.subset(np.arange(m.n_docs) < 5)
    assert sub.n_tokens.tolist() == [len(d) for d in tk.docs[:5]]


def test_dtm_without_token_totals_uses_row_sums_and_checks_them():
    import scipy.sparse as sp

    from analysis.errors import AnalysisError

    counts = sp.csr_matrix(np.array([[1, 2], [0, 3]]))
    m = DTM(counts, np.array(["a", "b"], dtype=object), pd.DataFrame({"doc_id": ["x", "y"]}))
    assert m.n_tokens.tolist() == [3, 3]
    with pytest.raises(AnalysisError, match="n_tokens"):
        DTM(counts, np.array(["a", "b"], dtype=object), pd.DataFrame({"n_tokens": [1, 3]}))
