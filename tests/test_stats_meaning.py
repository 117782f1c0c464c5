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
    cols = ["group", "term", "group_tokens_target", "group_tokens_reference", "g2", "p_adjusted", "significant"]
    pd.testing.assert_frame_equal(k_full[cols], k_trim[cols])
    sizes = Counter()
    for doc, company in zip(tk.docs, tk.docvars["company"], strict=True):
        sizes[company] += len(doc)
    for row in k_trim.drop_duplicates("group").itertuples():
        assert row.group_tokens_target == sizes[row.group]
        assert row.group_tokens_reference == sum(sizes.values()) - sizes[row.group]


def test_trend_denominator_does_not_move_with_trimming():
    tk = _random_corpus(seed=5)
    full = dtm(tk)
    t_full = trend(full, ["w0", "w1"])
    t_trim = trend(full.trim(min_count=20), ["w0", "w1"])
    pd.testing.assert_frame_equal(t_full, t_trim)
    per_year = Counter()
    for doc, year in zip(tk.docs, tk.docvars["year"], strict=True):
        per_year[int(year)] += len(doc)
    assert dict(zip(t_full["year"], t_full["group_tokens"], strict=True)) == dict(per_year)


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


# ------------------------------------------------------- 2. keyness direction agrees with observed vs expected
def _two_groups(a: int, b: int, tt: int, tr: int) -> DTM:
    docvars = pd.DataFrame({"doc_id": ["t", "r"], "company": ["T", "R"]})
    docs = [["x"] * a + ["f"] * (tt - a), ["x"] * b + ["g"] * (tr - b)]
    return dtm(FakeTokens(docs, docvars))


def test_issue_example_zero_count_in_small_target_is_under_use():
    # target 200 tokens, rest 10,000; the term 0 times in the target, 8 in the rest (issue 10)
    k = keyness(_two_groups(0, 8, 200, 10_000), target="T", min_count=1).set_index("term")
    row = k.loc["x"]
    assert row["g2"] < 0 and row["logodds_z"] < 0
    assert row["log_ratio"] < 0  # was +1.64 with 0.5 in the zero cell
    assert not row["log_ratio_estimable"]


def _sign(v: float, tol: float = 1e-9) -> int:
    return 0 if abs(v) <= tol else (1 if v > 0 else -1)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@st.composite
def _tables(draw):
    tt = draw(st.integers(1, 3000))
    tr = draw(st.integers(1, 3000))
    a = draw(st.integers(0, tt))
    b = draw(st.integers(0, tr))
    if a + b == 0:
        b = 1 if tr else 0
        a = 1 if b == 0 else a
    return a, b, tt, tr


@settings(max_examples=300, deadline=None)
@given(_tables(), st.sampled_from([None, 1.0, 50.0]))
def test_every_effect_size_points_the_way_of_observed_against_expected(table, prior_size):
    from analysis.stats.keyness import g2_statistic, log_ratio, logodds_z

    a, b, tt, tr = table
    expected_a = (a + b) * tt / (tt + tr)  # oracle: expected target count under independence
    want = _sign(a - expected_a, tol=1e-9 * max(1.0, expected_a))
    g2 = g2_statistic(np.array([a]), np.array([b]), tt, tr)[0]
    lr = log_ratio(np.array([a]), np.array([b]), tt, tr)[0]
    n = tt + tr
    a0 = n if prior_size is None else prior_size
    prior = np.array([a0 * (a + b) / n])
    z = logodds_z(np.array([a]), np.array([b]), tt, tr, prior, a0)[0]
    if want == 0:
        assert abs(lr) < 1e-9 and abs(z) < 1e-9 and abs(g2) < 1e-9
    else:
        assert np.sign(lr) == want, (a, b, tt, tr, lr)
        assert np.sign(z) == want, (a, b, tt, tr, z)
        if abs(g2) > 1e-12:
            assert np.sign(g2) == want


def test_logodds_direction_with_a_named_reference_of_another_size():
    # Three groups: the whole-corpus rate (C dominates) lies outside both compared rates. With a
    # whole-corpus prior the small target's z-score flipped; pooled over the two compared groups it
    # cannot. A: 1 in 100 tokens (1%); B: 2000 in 100,000 (2%); C: 30,000 in 300,000 (10%).
    docvars = pd.DataFrame({"doc_id": ["a", "b", "c"], "company": ["A", "B", "C"]})
    docs = [["x"] * 1 + ["f"] * 99, ["x"] * 2000 + ["f"] * 98_000, ["x"] * 30_000 + ["f"] * 270_000]
    k = keyness(dtm(FakeTokens(docs, docvars)), target="A", reference="B", min_count=1).set_index("term")
    assert k.loc["x", "g2"] < 0
    assert k.loc["x", "logodds_z"] < 0
    assert k.loc["x", "log_ratio"] == pytest.approx(np.log2(0.01 / 0.02))


# ----------------------------------------------------------- 3. the correction family is the whole table
def _three_companies() -> DTM:
    rng = np.random.default_rng(11)
    vocab = [f"t{i}" for i in range(40)]
    docs, companies = [], []
    for company, tilt in (("甲", 0), ("乙", 10), ("丙", 20)):
        p = np.ones(40)
        p[tilt : tilt + 5] = 6.0  # each company over-uses five terms
        p /= p.sum()
        for _ in range(4):
            docs.append(list(rng.choice(vocab, size=300, p=p)))
            companies.append(company)
    docvars = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(docs))], "company": companies})
    return dtm(FakeTokens(docs, docvars))


@pytest.mark.parametrize(("correction", "method"), [("fdr", "fdr_bh"), ("bonferroni", "bonferroni")])
def test_table_family_matches_statsmodels_over_the_whole_table(correction, method):
    from statsmodels.stats.multitest import multipletests

    m = _three_companies()
    k = keyness(m, by="company", min_count=1, correction=correction)
    assert k["group"].nunique() == 3
    reject, p_adj, _, _ = multipletests(k["p_value"].to_numpy(), alpha=0.05, method=method)
    np.testing.assert_allclose(k["p_adjusted"].to_numpy(), p_adj, rtol=1e-12)
    assert (k["significant"].to_numpy() == reject).all()
    assert set(k["family"]) == {"table"} and set(k["correction"]) == {method}
    assert (k["family_size"] == len(k)).all()


def test_block_family_matches_statsmodels_per_block():
    from statsmodels.stats.multitest import multipletests

    k = keyness(_three_companies(), by="company", min_count=1, family="block")
    for _, block in k.groupby("group"):
        _, p_adj, _, _ = multipletests(block["p_value"].to_numpy(), method="fdr_bh")
        np.testing.assert_allclose(block["p_adjusted"].to_numpy(), p_adj, rtol=1e-12)
        assert (block["family_size"] == len(block)).all()
    assert set(k["family"]) == {"block"}
    none = keyness(_three_companies(), by="company", min_count=1, correction=None)
    assert (none["p_adjusted"] == none["p_value"]).all() and set(none["correction"]) == {"none"}


# --------------------------------------------------------------------- 4. nested slogans count every time
def _plain_scan(text: str, term: str) -> int:
    """Oracle: every start position where the term occurs (overlaps included)."""
    return sum(1 for i in range(len(text)) if text.startswith(term, i))


@pytest.fixture(scope="module")
def sample_tokens(sample_corpus, cache_dir):
    from analysis.tokens import tokenize

    return tokenize(sample_corpus, cache_dir=cache_dir, progress=False)


def test_nested_lexicon_terms_count_every_occurrence_on_the_sample(sample_corpus):
    from analysis.stats.slogans import load_slogan_lexicon, slogan_counts

    counts = slogan_counts(sample_corpus)
    lexicon = load_slogan_lexicon()
    for term in ("中国特色社会主义", "正风肃纪", "全面从严治党", "习近平新时代中国特色社会主义思想"):
        assert term in lexicon
        want = sum(_plain_scan(t, term) for t in sample_corpus["text"])
        rows = counts[(counts["slogan"] == term) & (counts["kind"].isin(["lexicon", "numbered"]))]
        assert int(rows["count"].sum()) == want, term
    nested = counts[counts["slogan"] == "中国特色社会主义"]
    assert nested["count"].sum() == 9  # all inside 习近平新时代中国特色社会主义思想 (issue 10)
    assert nested["count_standalone"].sum() == 0
    # every lexicon term that occurs, per document, against the plain scan
    for doc_id, text in zip(sample_corpus["doc_id"], sample_corpus["text"], strict=True):
        doc = counts[(counts["doc_id"] == doc_id) & counts["kind"].isin(["lexicon", "numbered"])]
        for term, n in zip(doc["slogan"], doc["count"], strict=True):
            if term in lexicon and term in text:
                assert n == _plain_scan(text, term), (doc_id, term)


def test_overlapping_and_nested_terms_by_hand():
    from analysis.stats.slogans import slogan_counts

    corpus = pd.DataFrame({"doc_id": ["a"], "text": ["正风肃纪反腐，坚持正风肃纪。甲乙丙丁"]})
    got = slogan_counts(corpus, lexicon=["正风肃纪反腐", "正风肃纪", "甲乙丙", "乙丙丁"]).set_index("slogan")
    assert got.loc["正风肃纪", "count"] == 2 and got.loc["正风肃纪", "count_standalone"] == 1
    assert got.loc["正风肃纪反腐", "count"] == 1 and got.loc["正风肃纪反腐", "count_standalone"] == 1
    assert got.loc["乙丙丁", "count"] == 1 and got.loc["乙丙丁", "count_standalone"] == 0  # overlapped
    assert got.loc["甲乙丙", "count_standalone"] == 1


def test_profile_timeline_and_slogan_trend_agree(sample_corpus, sample_tokens):
    from analysis.stats.slogans import adoption_timeline, slogan_profile
    from analysis.stats.trends import slogan_trend

    slogans = ["中国特色社会主义", "全面从严治党", "两个维护", "正风肃纪"]
    dated = sample_corpus[sample_corpus["year"].notna()]
    profile = slogan_profile(dated, sample_tokens, by="year")
    tr = slogan_trend(sample_corpus, sample_tokens, slogans)
    timeline = adoption_timeline(sample_corpus)
    for s in slogans:
        p = profile[profile["slogan"] == s]
        t = tr[tr["term"] == s]
        assert int(p["count"].sum()) == int(t["count"].sum()), s
        for year, n in zip(t["year"], t["count"], strict=True):
            assert int(p.loc[p["group"] == str(year), "count"].sum()) == n
        all_docs = slogan_profile(sample_corpus, sample_tokens, by=None)
        assert int(timeline.loc[timeline["slogan"] == s, "count"].sum()) == int(
            all_docs.loc[all_docs["slogan"] == s, "count"].sum()
        )
    assert tr.loc[tr["term"] == "中国特色社会主义", "count"].sum() > 0
    # same denominators as trend() on the DTM
    from analysis.dtm import dtm as build

    t_dtm = trend(build(sample_tokens), slogans)
    np.testing.assert_array_equal(t_dtm["group_tokens"].to_numpy(), tr["group_tokens"].to_numpy())


# ------------------------------------------------------- 5. collocations: G², t-score against NLTK; logDice bound
def _spaced_docs(seed: int, window: int) -> list[list[str]]:
    """Random documents with the term 中 placed more than 2 * window tokens apart (windows never overlap)."""
    rng = random.Random(seed)
    vocab = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸", "子", "丑"]
    docs = []
    for _ in range(12):
        doc = rng.choices(vocab, weights=range(len(vocab), 0, -1), k=rng.randint(10, 80))
        pos = rng.randint(0, 3)
        while pos < len(doc):
            doc[pos] = "中"
            pos += 2 * window + 1 + rng.randint(0, 6)
        docs.append(doc)
    return docs


@pytest.mark.parametrize(("window", "seed"), [(2, 1), (3, 2), (5, 3)])
def test_collocation_scores_against_nltk_with_a_window(window, seed):
    from nltk.collocations import BigramAssocMeasures, BigramCollocationFinder

    from analysis.stats.collocations import collocations

    docs = _spaced_docs(seed, window)
    # None between documents: NLTK's window never pairs tokens across a None
    words = [w for d in docs for w in [*d, *([None] * window)]]
    finder = BigramCollocationFinder.from_words(words, window_size=window + 1)
    pairs = finder.ngram_fd
    word_fd = finder.word_fd
    n_all = sum(len(d) for d in docs)
    term = "中"
    near = {c: pairs[(term, c)] + pairs[(c, term)] for c in word_fd if c != term}
    r = sum(near.values())  # every position near the term holds one collocate
    m = n_all - word_fd[term]
    out = collocations(docs, term, window=window, min_count=1).set_index("collocate")
    assert len(out) > 5
    for c, row in out.iterrows():
        o = near[c]
        assert row["count"] == o
        assert row["collocate_total"] == word_fd[c]
        marg = (o, (r, word_fd[c]), m)
        assert abs(row["g2"]) == pytest.approx(BigramAssocMeasures.likelihood_ratio(*marg), rel=1e-9)
        assert row["t_score"] == pytest.approx(BigramAssocMeasures.student_t(*marg), rel=1e-9, abs=1e-12)
        assert row["pmi"] == pytest.approx(BigramAssocMeasures.pmi(*marg), rel=1e-9, abs=1e-12)


def test_collocation_g2_sentence_unit_against_scipy():
    from scipy.stats import chi2_contingency

    from analysis.stats.collocations import SentenceTokens, collocations

    sents = [["甲", "乙"], ["乙", "丙"], ["丙", "丁"], ["甲", "乙", "甲"], ["乙", "丁"], ["戊"]]
    st_ = SentenceTokens(sents, pd.DataFrame({"doc_id": ["d"] * len(sents)}))
    out = collocations(st_, "乙", unit="sentence", min_count=1).set_index("collocate")
    # 甲: both in 2 sentences, 乙 in 4, 甲 in 2, 6 sentences
    table = np.array([[2, 2], [0, 2]])
    g2 = chi2_contingency(table, lambda_="log-likelihood", correction=False)[0]
    assert out.loc["甲", "g2"] == pytest.approx(g2)
    assert out["log_dice"].max() <= 14.0 + 1e-12


def test_log_dice_window_bound_is_stated_correctly():
    from analysis.stats.collocations import collocations, log_dice_max

    # the issue's example: was 15.78 with a position counted once per nearby occurrence
    out = collocations([list("甲乙甲乙甲乙甲")], "甲", window=5, min_count=1)
    assert (out["log_dice"] <= log_dice_max("window", 5) + 1e-12).all()
    # the bound is reached: every 丙 next to the term and f(丙) = 2w f(term)
    docs = [["丙", "中", "丙"] for _ in range(4)]
    top = collocations(docs, "中", window=1, min_count=1)["log_dice"].max()
    assert top == pytest.approx(log_dice_max("window", 1)) and top > 14.0
    assert log_dice_max("window", 5) == pytest.approx(14 + np.log2(20 / 11))
    rng = random.Random(4)
    for _ in range(30):
        w = rng.randint(1, 6)
        docs = [[rng.choice("甲乙丙") for _ in range(rng.randint(1, 30))] for _ in range(rng.randint(1, 5))]
        got = collocations(docs, "甲", window=w, min_count=1)
        assert (got["log_dice"] <= log_dice_max("window", w) + 1e-9).all()


# ------------------------------------------------------------------------ 6. dispersion: Gries' DP
GRIES_2008_PARTS = [  # Gries (2008), IJCL 13(4): five corpus parts of 9, 10, 10, 10 and 11 words
    "b a m n i b e u p",
    "b a s a t b e w q n",
    "b c a g a b e s t a",
    "b a g h a b e a a t",
    "b a h a a b e a x a t",
]


def _gries_dtm() -> DTM:
    docs = [line.split() for line in GRIES_2008_PARTS]
    return dtm(FakeTokens(docs, pd.DataFrame({"doc_id": [f"p{i}" for i in range(5)], "corpus": ["c"] * 5})))


def test_dp_reproduces_gries_2008_worked_example():
    from analysis.stats.dispersion import dispersion

    m = _gries_dtm()
    # the paper's quantities: l = 50, s = (0.18, 0.2, 0.2, 0.2, 0.22), f(a) = 15, v = (1, 2, 3, 4, 5)
    assert m.n_tokens.tolist() == [9, 10, 10, 10, 11]
    d = dispersion(m).set_index("term")
    assert d.loc["a", "count"] == 15
    # DP(a) = 0.5 * (|1/15 - .18| + |2/15 - .2| + |3/15 - .2| + |4/15 - .2| + |5/15 - .22|) = 0.18
    assert d.loc["a", "dp"] == pytest.approx(0.18)
    # b: 2 in every part: 0.5 * (|.2 - .18| + 0 + 0 + 0 + |.2 - .22|) = 0.02
    assert d.loc["b", "dp"] == pytest.approx(0.02)
    # x: once, in the last part only: 0.5 * (.18 + .2 + .2 + .2 + |1 - .22|) = 0.78
    assert d.loc["x", "dp"] == pytest.approx(0.78)
    assert d.loc["a", "docs_with_term"] == 5 and d.loc["x", "docs_share"] == pytest.approx(0.2)
    # the frequency table carries the same DP, and trimming does not move it (denominators are fixed)
    f = frequency(m.trim(min_count=2)).set_index("term")
    assert f.loc["a", "dp"] == pytest.approx(0.18) and f.loc["b", "dp"] == pytest.approx(0.02)


def test_one_document_repeating_a_term_shows_in_keyness():
    # Company T: five documents; one of them repeats 常州 30 times. R: five documents without it.
    docs, companies = [], []
    for i in range(5):
        docs.append(["常州"] * 30 + ["会"] * 70 if i == 0 else ["党建"] * 3 + ["会"] * 97)
        companies.append("T")
    for _ in range(5):
        docs.append(["党建"] * 1 + ["会"] * 99)
        companies.append("R")
    m = dtm(FakeTokens(docs, pd.DataFrame({"doc_id": [f"d{i}" for i in range(10)], "company": companies})))
    k = keyness(m, target="T", reference="R", min_count=1).set_index("term")
    assert k.loc["常州", "significant"]
    assert k.loc["常州", "docs_with_term_target"] == 1 and k.loc["常州", "group_docs_target"] == 5
    assert k.loc["常州", "dp_target"] == pytest.approx(0.8)  # 0.5 * (0.8 + 4 * 0.2)
    assert k.loc["党建", "docs_with_term_target"] == 4 and k.loc["党建", "docs_with_term_reference"] == 5
    assert k.loc["党建", "dp_reference"] == pytest.approx(0.0)
    rest = keyness(m, by="company", min_count=1).set_index(["group", "term"])
    assert rest.loc[("R", "党建"), "group_docs_reference"] == 5


# ------------------------------------------------------------- 7. bootstrap intervals over documents
def _simulated_group(rng: np.random.Generator, n_docs: int, rate: float) -> tuple[np.ndarray, np.ndarray]:
    """Documents of random length whose own rates vary (gamma): counts are overdispersed, as in news."""
    lengths = rng.integers(50, 600, size=n_docs)
    doc_rates = rng.gamma(shape=1.5, scale=rate / 1.5, size=n_docs)
    return rng.poisson(doc_rates * lengths), lengths


def test_bootstrap_interval_covers_a_known_rate_at_about_the_stated_level():
    from analysis.stats.uncertainty import bootstrap_rate_ci

    rng = np.random.default_rng(2024)
    true_rate = 0.004  # 40 per 10k tokens
    n_sim, n_docs = 400, 40
    covered = naive_covered = 0
    for i in range(n_sim):
        counts, lengths = _simulated_group(rng, n_docs, true_rate)
        low, high = bootstrap_rate_ci(counts[:, None], lengths, np.zeros(n_docs, dtype=int), 1,
                                      level=0.95, n_boot=400, seed=i)
        covered += low[0, 0] <= true_rate * 10_000 <= high[0, 0]
        # tokens as the unit (Poisson, Wald): the interval documents-as-unit is meant to replace
        est = counts.sum() / lengths.sum()
        half = 1.96 * np.sqrt(counts.sum()) / lengths.sum()
        naive_covered += est - half <= true_rate <= est + half
    coverage = covered / n_sim
    assert 0.90 <= coverage <= 0.985, coverage
    assert naive_covered / n_sim < 0.85  # token-level intervals are far too narrow for such data


def test_trend_carries_seeded_intervals_and_no_interval_for_one_document():
    tk = _random_corpus(seed=9, n_docs=30)
    tk.docvars.loc[0, "year"] = 2020  # a year of one document
    m = dtm(tk)
    t = trend(m, ["w0", "w3"])
    assert {"rate_ci_low", "rate_ci_high"} <= set(t.columns)
    one = t[t["year"] == 2020]
    assert one["group_docs"].eq(1).all() and one["rate_ci_low"].isna().all()
    many = t[t["group_docs"] > 1]
    assert (many["rate_ci_low"] <= many["rate_per_10k"] + 1e-9).all()
    assert (many["rate_per_10k"] <= many["rate_ci_high"] + 1e-9).all()
    pd.testing.assert_frame_equal(t, trend(m, ["w0", "w3"]))  # seeded: reproducible
    assert not trend(m, ["w0"], seed=1)["rate_ci_low"].equals(trend(m, ["w0"], seed=2)["rate_ci_low"])


# ------------------------------------------------------------------------------- 8. year over year
def test_year_over_year_blocks_match_single_comparisons():
    from analysis.stats.keyness import year_over_year

    tk = _random_corpus(seed=21, n_docs=60)
    tk.docvars.loc[0, "year"] = pd.NA  # undated: left out
    m = dtm(tk)
    with pytest.warns(UserWarning, match="1 of 60 documents left out"):
        yoy = year_over_year(m, min_count=3, family="block")
    assert sum(yoy.attrs["left_out"].values()) == 1
    pairs = yoy[["company", "year", "year_reference"]].drop_duplicates()
    # every company with three years has two consecutive pairs, later against earlier
    assert set(map(tuple, pairs.to_numpy().tolist())) == {
        (c, y, y - 1) for c in ("丙", "乙", "甲") for y in (2022, 2023)
    }
    for company, year, prev in pairs.itertuples(index=False):
        block = yoy[(yoy["company"] == company) & (yoy["year"] == year)].reset_index(drop=True)
        single = keyness(
            m.subset(m.docvars["year"].notna().to_numpy()), by=["company", "year"],
            target=f"{company}|{year}", reference=f"{company}|{prev}", min_count=3,
        )
        cols = ["term", "count_target", "count_reference", "group_tokens_target", "g2", "p_adjusted", "dp_target"]
        pd.testing.assert_frame_equal(block[cols], single[cols])
    whole = year_over_year(m, within=None, min_count=3)
    assert set(whole["group"]) == {"2022", "2023"} and set(whole["reference"]) == {"2021", "2022"}
    assert set(whole["family"]) == {"table"} and (whole["family_size"] == len(whole)).all()


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="甲乙丙丁", min_size=0, max_size=40),
    st.lists(st.text(alphabet="甲乙丙丁", min_size=1, max_size=5), min_size=1, max_size=6),
)
def test_every_lexicon_occurrence_is_counted_against_a_plain_scan(text, terms):
    from analysis.stats.slogans import _Lexicon

    got = _Lexicon(tuple(terms)).occurrences(text)
    for term in set(terms):
        assert got.get(term, 0) == _plain_scan(text, term), (text, term)


def test_slogan_profile_rates_carry_document_bootstrap_intervals(sample_corpus, sample_tokens):
    from analysis.stats.slogans import slogan_profile

    p = slogan_profile(sample_corpus, sample_tokens, by=None)
    assert {"rate_ci_low", "rate_ci_high"} <= set(p.columns)
    assert (p["rate_ci_low"] <= p["rate_per_10k"] + 1e-9).all() and (p["rate_per_10k"] <= p["rate_ci_high"] + 1e-9).all()
    one = slogan_profile(sample_corpus, sample_tokens, by="doc_id")  # groups of one document: no interval
    assert one["rate_ci_low"].isna().all()


def test_slogan_trend_counts_a_title_only_where_the_slogan_has_no_other_occurrence():
    """全面从严治党 in 《…》 is inside its lexicon count already; 数字经济新论 is found only as a title."""
    import pandas as pd

    from analysis.stats.trends import slogan_trend
    from analysis.tokens import tokenize

    corpus = pd.DataFrame({
        "doc_id": ["a", "b", "c"],
        "text": ["学习《全面从严治党》一书，推进全面从严治党。", "学习《数字经济新论》一书。", "全面从严治党，《数字经济新论》。"],
        "year": [2023, 2024, 2024],
        "date": pd.to_datetime(["2023-01-01", "2024-01-01", "2024-02-01"]),
        "company": ["中国联通"] * 3,
    })  # fmt: skip
    trend = slogan_trend(corpus, tokenize(corpus, progress=False), ["全面从严治党", "数字经济新论"], ci=None)
    got = {(r.year, r.term): (r.count, r.count_standalone) for r in trend.itertuples()}
    assert got == {
        (2023, "全面从严治党"): (2, 1),
        (2023, "数字经济新论"): (0, 0),
        (2024, "全面从严治党"): (1, 1),
        (2024, "数字经济新论"): (2, 2),
    }
