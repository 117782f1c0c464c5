"""Tests for analysis.stats: frequency, TF-IDF, keyness, similarity, trends (oracles and hand counts)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from analysis.dtm import DTM, dtm
from analysis.errors import AnalysisError
from analysis.stats import frequency, keyness, similarity, tfidf_profile, trend
from analysis.stats.keyness import KEYNESS_COLUMNS, g2_statistic, log_ratio


@dataclass
class FakeTokens:
    docs: list[list[str]]
    docvars: pd.DataFrame


def build(docs, companies, years) -> DTM:
    docvars = pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(len(docs))],
            "company": companies,
            "year": pd.array(years, dtype="Int64"),
        }
    )
    return dtm(FakeTokens(docs, docvars))


@pytest.fixture
def corpus() -> DTM:
    """Three companies' documents; counts below are by hand.

    d0 联通 2023: 党 党 建 5G                 (4 tokens)
    d1 联通 2024: 党 两个维护 两个维护 5G 5G   (5)
    d2 移动 2024: 党 建 建 建                 (4)
    d3 移动 (undated): 建 高质量发展          (2)
    d4 电信 2023: 党 高质量发展 高质量发展 两个维护 5G  (5)
    """
    return build(
        [
            ["党", "党", "建", "5G"],
            ["党", "两个维护", "两个维护", "5G", "5G"],
            ["党", "建", "建", "建"],
            ["建", "高质量发展"],
            ["党", "高质量发展", "高质量发展", "两个维护", "5G"],
        ],
        ["中国联通", "中国联通", "中国移动", "中国移动", "中国电信"],
        [2023, 2024, 2024, None, 2023],
    )


# ------------------------------------------------------------------------------------------ frequency
def test_frequency_overall_by_hand(corpus):
    f = frequency(corpus)
    assert list(f.columns) == ["group", "term", "count", "rate_per_10k", "docs_with_term", "rank", "docs_share", "dp",
                               "group_docs", "group_tokens", "rate_ci_low", "rate_ci_high", "thin_group"]
    assert (f["rate_ci_low"] <= f["rate_per_10k"] + 1e-9).all() and (f["rate_per_10k"] <= f["rate_ci_high"] + 1e-9).all()
    assert "rate_ci_low" not in frequency(corpus, ci=None).columns
    assert set(f["group"]) == {"(all)"}
    # totals over 20 tokens: 党 5, 建 5, 5G 4, 两个维护 3, 高质量发展 3
    got = f.set_index("term")
    assert got.loc["党", "count"] == 5
    assert got.loc["党", "rate_per_10k"] == pytest.approx(5 / 20 * 10_000)
    assert got.loc["党", "docs_with_term"] == 4
    assert got.loc["建", "docs_with_term"] == 3
    assert got.loc["5G", "docs_with_term"] == 3
    # ranks: "min" ties, ties ordered by term (code point: 党 U+515A < 建 U+5EFA)
    assert f["term"].tolist() == ["党", "建", "5G", "两个维护", "高质量发展"]
    assert f["rank"].tolist() == [1, 1, 3, 4, 4]


def test_frequency_by_company_by_hand(corpus):
    f = frequency(corpus, by="company")
    assert f["group"].unique().tolist() == ["中国电信", "中国移动", "中国联通"]
    lt = f[f["group"] == "中国联通"].set_index("term")
    # 联通: 9 tokens; 党 3 (2 docs), 5G 3 (2 docs), 两个维护 2 (1 doc), 建 1 (1 doc)
    assert lt["count"].to_dict() == {"党": 3, "5G": 3, "两个维护": 2, "建": 1}
    assert lt["docs_with_term"].to_dict() == {"党": 2, "5G": 2, "两个维护": 1, "建": 1}
    assert lt.loc["两个维护", "rate_per_10k"] == pytest.approx(2 / 9 * 10_000)
    assert lt["rank"].to_dict() == {"5G": 1, "党": 1, "两个维护": 3, "建": 4}
    # DP over 联通's documents d0 (4 of 9 tokens) and d1 (5 of 9): 党 2 + 1 -> 0.5 * (2/9 + 2/9)
    assert lt.loc["党", "dp"] == pytest.approx(2 / 9)
    assert lt.loc["两个维护", "dp"] == pytest.approx(4 / 9)  # only in d1: 0.5 * (4/9 + 4/9)
    assert lt.loc["党", "docs_share"] == 1.0 and lt.loc["建", "docs_share"] == 0.5
    assert (lt["group_docs"] == 2).all() and (lt["group_tokens"] == 9).all()
    yd = f[f["group"] == "中国移动"].set_index("term")
    assert yd.loc["建", "count"] == 4 and yd.loc["建", "docs_with_term"] == 2
    # grouped counts add up to the overall counts
    overall = frequency(corpus).set_index("term")["count"]
    pd.testing.assert_series_equal(f.groupby("term")["count"].sum().sort_index(), overall.sort_index())


def test_frequency_top_n_and_errors(corpus):
    f = frequency(corpus, by=["company", "year"], top_n=1)
    assert f.groupby("group").size().max() == 1
    assert "中国移动|(undated)" in set(f["group"])
    with pytest.raises(AnalysisError, match="raw counts"):
        frequency(corpus.tfidf())
    with pytest.raises(AnalysisError, match="top_n"):
        frequency(corpus, top_n=0)


# -------------------------------------------------------------------------------------------- TF-IDF
def test_tfidf_per_document_matches_sklearn(corpus):
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = [
        ["党", "党", "建", "5G"],
        ["党", "两个维护", "两个维护", "5G", "5G"],
        ["党", "建", "建", "建"],
        ["建", "高质量发展"],
        ["党", "高质量发展", "高质量发展", "两个维护", "5G"],
    ]
    for sublinear in (False, True):
        vec = TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=sublinear)
        expected = vec.fit_transform(docs).toarray()
        names = vec.get_feature_names_out()
        prof = tfidf_profile(corpus, top_n=None, sublinear_tf=sublinear)
        assert list(prof.columns) == ["group", "term", "tfidf", "count", "rank"]
        got = prof.pivot(index="group", columns="term", values="tfidf").reindex(
            index=[f"d{i}" for i in range(5)], columns=names
        )
        np.testing.assert_allclose(got.fillna(0).to_numpy(), expected, rtol=1e-12)
    prof = tfidf_profile(corpus, top_n=None)
    d0 = prof[prof["group"] == "d0"]
    # 建 and 5G tie (count 1, doc freq 3): same rank, ordered by term
    assert d0["term"].tolist() == ["党", "5G", "建"]
    assert d0["rank"].tolist() == [1, 2, 2]
    assert d0["tfidf"].is_monotonic_decreasing
    assert d0.set_index("term")["count"].to_dict() == {"党": 2, "建": 1, "5G": 1}


def test_tfidf_group_profile_is_document_idf_on_summed_counts(corpus):
    prof = tfidf_profile(corpus, by="company", top_n=None)
    # idf over 5 documents (smoothed): ln((1 + n) / (1 + df)) + 1
    df = {"党": 4, "建": 3, "5G": 3, "两个维护": 2, "高质量发展": 2}
    idf = {t: math.log(6 / (1 + d)) + 1 for t, d in df.items()}
    liantong = {"党": 3, "5G": 3, "两个维护": 2, "建": 1}
    raw = {t: c * idf[t] for t, c in liantong.items()}
    norm = math.sqrt(sum(v * v for v in raw.values()))
    got = prof[prof["group"] == "中国联通"].set_index("term")["tfidf"]
    for t, v in raw.items():
        assert got[t] == pytest.approx(v / norm)
    assert tfidf_profile(corpus, by="company", top_n=2).groupby("group").size().tolist() == [2, 2, 2]


# ------------------------------------------------------------------------------------------- keyness
TABLES = [
    (10, 3, 1000, 2000),
    (0, 25, 500, 800),
    (7, 7, 100, 100),
    (120, 40, 5000, 9000),
    (1, 0, 10, 30),
    (3, 1, 10, 20),
]


@pytest.mark.parametrize(("a", "b", "tt", "tr"), TABLES)
def test_g2_matches_scipy_log_likelihood(a, b, tt, tr):
    table = np.array([[a, b], [tt - a, tr - b]])
    expected = sps.chi2_contingency(table, lambda_="log-likelihood", correction=False)[0]
    got = g2_statistic(np.array([a]), np.array([b]), tt, tr)[0]
    assert abs(got) == pytest.approx(expected, rel=1e-10, abs=1e-12)
    # signed by direction: negative when the target's relative frequency is lower
    if a / tt < b / tr:
        assert got <= 0
    else:
        assert got >= 0


def two_groups(a, b, tt, tr) -> DTM:
    """Company A: 'x' a times + filler; company B: 'x' b times + filler."""
    return build(
        [["x"] * a + ["a"] * (tt - a), ["x"] * b + ["b"] * (tr - b)],
        ["A", "B"],
        [2024, 2024],
    )


def test_keyness_g2_and_p_value_through_the_dtm():
    m = two_groups(3, 1, 10, 20)
    k = keyness(m, target="A", min_count=1, correction=None)
    row = k.set_index("term").loc["x"]
    table = np.array([[3, 1], [7, 19]])
    chi2, p, _, _ = sps.chi2_contingency(table, lambda_="log-likelihood", correction=False)
    assert row["g2"] == pytest.approx(chi2)
    assert row["p_value"] == pytest.approx(p)
    assert row["p_adjusted"] == row["p_value"]
    assert (row["count_target"], row["count_reference"], row["group_tokens_target"], row["group_tokens_reference"]) == (
        3,
        1,
        10,
        20,
    )
    assert row["reference"] == "(rest)"


def test_log_ratio_with_zero_count():
    # a = 0: both rates smoothed towards the pooled rate p = 8 / 300 with one token's weight:
    #   log2(((0 + p) / 101) / ((8 + p) / 201))
    p = 8 / 300
    assert log_ratio(np.array([0]), np.array([8]), 100, 200)[0] == pytest.approx(
        math.log2((p / 101) / ((8 + p) / 201))
    )
    # b = 0: p = 4 / 200: log2(((4 + p) / 101) / (p / 101)) = log2(201)
    assert log_ratio(np.array([4]), np.array([0]), 100, 100)[0] == pytest.approx(math.log2(201))
    # both positive: Hardie's Log Ratio exactly
    assert log_ratio(np.array([2]), np.array([2]), 50, 100)[0] == pytest.approx(1.0)
    m = two_groups(4, 0, 100, 100)
    k = keyness(m, target="A", min_count=1).set_index("term")
    assert k.loc["x", "log_ratio"] == pytest.approx(math.log2(201))
    assert not k.loc["x", "log_ratio_estimable"]
    assert k.loc["a", "log_ratio_estimable"] == False  # noqa: E712 (numpy bool)
    assert np.isfinite(k["log_ratio"]).all()


def test_logodds_worked_by_hand():
    # Target A: 'x' 3 of 10 tokens; reference B: 'x' 1 of 20. Pooled corpus: y_x = 4, n = 30.
    # Default a0 = n = 30, so alpha_x = 30 * 4 / 30 = 4:
    #   delta = ln((3 + 4) / (10 + 30 - 3 - 4)) - ln((1 + 4) / (20 + 30 - 1 - 4))
    #         = ln(7 / 33) - ln(5 / 45) = ln(63 / 33)
    #   var   = 1 / (3 + 4) + 1 / (1 + 4) = 1/7 + 1/5 = 12/35
    #   z     = ln(63 / 33) / sqrt(12 / 35)  (about 1.104)
    expected = math.log(63 / 33) / math.sqrt(12 / 35)
    m = two_groups(3, 1, 10, 20)
    k = keyness(m, target="A", min_count=1).set_index("term")
    assert k.loc["x", "logodds_z"] == pytest.approx(expected)
    assert k.loc["x", "logodds_z"] == pytest.approx(1.1043, abs=1e-4)
    # a0 = 10: alpha_x = 10 * 4 / 30 = 4/3
    #   delta = ln((3 + 4/3) / (10 + 10 - 3 - 4/3)) - ln((1 + 4/3) / (20 + 10 - 1 - 4/3))
    #         = ln((13/3) / (47/3)) - ln((7/3) / (83/3)) = ln(13/47) - ln(7/83)
    #   var   = 3/13 + 3/7
    expected10 = (math.log(13 / 47) - math.log(7 / 83)) / math.sqrt(3 / 13 + 3 / 7)
    k10 = keyness(m, target="A", min_count=1, prior_size=10).set_index("term")
    assert k10.loc["x", "logodds_z"] == pytest.approx(expected10)


@pytest.fixture
def skewed() -> DTM:
    """Company A over-uses 'p', 'q'; B over-uses 'r'; 's' is even; 'rare' occurs twice."""
    a = ["p"] * 40 + ["q"] * 12 + ["r"] * 5 + ["s"] * 20 + ["rare"] * 2 + ["f"] * 121
    b = ["p"] * 10 + ["q"] * 6 + ["r"] * 30 + ["s"] * 20 + ["f"] * 134
    c = ["p"] * 5 + ["r"] * 5 + ["s"] * 10 + ["f"] * 80
    return build([a, b, c], ["A", "B", "C"], [2023, 2023, 2024])


def test_keyness_modes(skewed):
    k = keyness(skewed, min_count=5)
    renamed = {"total_target": "group_tokens_target", "total_reference": "group_tokens_reference"}
    assert list(k.columns) == [renamed.get(c, c) for c in KEYNESS_COLUMNS]
    assert not {"total_target", "total_reference"} & set(k.columns)
    assert k["group"].unique().tolist() == ["A", "B", "C"]
    assert set(k["reference"]) == {"(rest)"}
    a = k[k["group"] == "A"]
    assert a["g2"].is_monotonic_decreasing
    assert a["term"].iloc[0] == "p" and a["term"].iloc[-1] == "r"
    assert (a["group_tokens_target"] == 200).all() and (a["group_tokens_reference"] == 300).all()

    only = keyness(skewed, target="B", min_count=5)
    assert set(only["group"]) == {"B"} and set(only["reference"]) == {"(rest)"}
    per_block = keyness(skewed, min_count=5, family="block")
    pd.testing.assert_frame_equal(
        only.drop(columns="family"), per_block[per_block["group"] == "B"].reset_index(drop=True).drop(columns="family")
    )

    pair = keyness(skewed, target="A", reference="B", min_count=5).set_index("term")
    assert set(pair["reference"]) == {"B"}
    assert pair.loc["r", "count_target"] == 5 and pair.loc["r", "count_reference"] == 30
    assert (pair["group_tokens_reference"] == 200).all()
    assert pair.loc["r", "g2"] < 0 and pair.loc["p", "g2"] > 0
    assert pair.loc["s", "g2"] == pytest.approx(0.0, abs=1e-9)  # 20/200 vs 20/200

    by_year = keyness(skewed, by="year", target=2023, min_count=5)
    assert set(by_year["group"]) == {"2023"}

    with pytest.raises(AnalysisError, match="no group 'Z'"):
        keyness(skewed, target="Z")
    with pytest.raises(AnalysisError, match="same group"):
        keyness(skewed, target="A", reference="A")
    with pytest.raises(AnalysisError, match="needs a target"):
        keyness(skewed, reference="A")
    with pytest.raises(AnalysisError, match="raw counts"):
        keyness(skewed.tfidf())


def test_keyness_skips_groups_without_tokens_against_the_rest():
    m = build([["a", "b", "a"], [], ["b", "b"]], ["X", "Y", "Z"], [2024, 2024, 2024])
    with pytest.warns(UserWarning, match=r"1 of 3 documents left out \(1 in groups without tokens \(Y\)\)"):
        k = keyness(m, min_count=1)
    assert sum(k.attrs["left_out"].values()) == 1
    assert k["group"].unique().tolist() == ["X", "Z"]
    with pytest.raises(AnalysisError, match="'Y' has no tokens"):
        keyness(m, target="Y")


def test_keyness_says_what_it_left_out_at_the_callers_line():
    from analysis.stats.keyness import _MatrixSides, keyness_from

    m = build([["a", "b", "a"], [], ["b", "b"]], ["X", "Y", "Z"], [2024, 2024, 2024])
    grouped = m.group("company")
    sides = _MatrixSides(m, m.group_codes("company")[0])
    with pytest.warns(UserWarning, match="left out") as caught:
        keyness(m, min_count=1)
        keyness_from(m.features, grouped.counts, grouped.docvars, sides, min_count=1)
    assert [w.filename for w in caught] == [__file__, __file__]
    assert keyness(m, target="X", min_count=1).attrs["left_out"] == {}
    assert keyness(m, min_count=100).empty


def test_keyness_min_count_filtering(skewed):
    k = keyness(skewed, target="A", min_count=5)
    assert "rare" not in set(k["term"])  # 2 + 0 < 5
    assert (k["count_target"] + k["count_reference"] >= 5).all()
    assert (k["min_count"] == 5).all()
    k2 = keyness(skewed, target="A", min_count=2)
    assert "rare" in set(k2["term"]) and (k2["min_count"] == 2).all()
    # a term absent from both target and reference is never tested, even with min_count=0
    pair = keyness(skewed, target="B", reference="C", min_count=0)
    assert "rare" not in set(pair["term"])


def test_keyness_corrections(skewed):
    raw = keyness(skewed, target="A", min_count=1, correction=None)
    p = raw["p_value"].to_numpy()
    m = len(p)
    bonf = keyness(skewed, target="A", min_count=1, correction="bonferroni")
    np.testing.assert_allclose(bonf["p_adjusted"], np.minimum(p * m, 1.0))
    # Benjamini-Hochberg by hand: p_(i) * m / i, then running minimum from the largest p down
    order = np.argsort(p)
    scaled = p[order] * m / np.arange(1, m + 1)
    bh_sorted = np.minimum.accumulate(scaled[::-1])[::-1]
    bh = np.empty(m)
    bh[order] = np.minimum(bh_sorted, 1.0)
    fdr = keyness(skewed, target="A", min_count=1, correction="fdr")
    np.testing.assert_allclose(fdr["p_adjusted"], bh)
    assert (fdr["significant"] == (fdr["p_adjusted"] < 0.05)).all()
    strict = keyness(skewed, target="A", min_count=1, correction="bonferroni", alpha=0.001)
    assert strict["significant"].sum() <= bonf["significant"].sum()
    with pytest.raises(AnalysisError, match="correction"):
        keyness(skewed, correction="holm")


# ---------------------------------------------------------------------------------------- similarity
def test_similarity_matrix(corpus):
    s = similarity(corpus, by="company")
    labels = ["中国电信", "中国移动", "中国联通"]
    assert s.index.tolist() == labels and s.columns.tolist() == labels
    np.testing.assert_allclose(np.diag(s.to_numpy()), 1.0)
    np.testing.assert_allclose(s.to_numpy(), s.to_numpy().T)
    assert ((s.to_numpy() >= 0) & (s.to_numpy() <= 1)).all()
    # consistent with the TF-IDF group profiles: cosine of the unit vectors
    prof = tfidf_profile(corpus, by="company", top_n=None).pivot(
        index="group", columns="term", values="tfidf"
    )
    prof = prof.fillna(0).reindex(labels)
    expected = prof.to_numpy() @ prof.to_numpy().T
    np.testing.assert_allclose(s.to_numpy(), expected, rtol=1e-12)
    c = similarity(corpus, by="company", weighting="count")
    # count vectors: 联通 (党 3, 5G 3, 两个维护 2, 建 1) vs 移动 (党 1, 建 4, 高质量发展 1)
    expected_lm = (3 * 1 + 1 * 4) / (math.sqrt(9 + 9 + 4 + 1) * math.sqrt(1 + 16 + 1))
    assert c.loc["中国联通", "中国移动"] == pytest.approx(expected_lm)
    with pytest.raises(AnalysisError, match="weighting"):
        similarity(corpus, weighting="bm25")


def test_similarity_identical_groups_and_empty_group():
    m = build([["a", "b"], ["a", "b", "a", "b"], []], ["X", "Y", "Z"], [2020, 2020, 2020])
    s = similarity(m)
    assert s.loc["X", "Y"] == pytest.approx(1.0)
    assert s.loc["Z"].isna().all()


# -------------------------------------------------------------------------------------------- trends
def test_trend_zero_rows_and_undated_exclusion(corpus):
    t = trend(corpus, ["高质量发展", "不存在的词"])
    assert list(t.columns) == ["year", "term", "count", "rate_per_10k", "group_docs", "group_tokens", "rate_ci_low",
                               "rate_ci_high", "thin_group"]
    assert list(trend(corpus, "党", ci=None, thin_docs=None).columns) == [
        "year", "term", "count", "rate_per_10k", "group_docs", "group_tokens"]
    assert t["year"].dtype == "Int64"
    assert t["year"].tolist() == [2023, 2023, 2024, 2024]
    assert t["term"].tolist() == ["高质量发展", "不存在的词"] * 2
    # d3 (移动, undated, has 高质量发展 once) is excluded; 2023 = d0 + d4 (9 tokens), 2024 = d1 + d2 (9)
    assert t["count"].tolist() == [2, 0, 0, 0]
    assert t["group_docs"].tolist() == [2, 2, 2, 2]
    assert t["group_tokens"].tolist() == [9, 9, 9, 9]
    assert t["rate_per_10k"].tolist() == pytest.approx([2 / 9 * 10_000, 0, 0, 0])


def test_trend_company_filter(corpus):
    t = trend(corpus, "建", company="中国移动", ci=None, thin_docs=None)
    # 移动: d2 2024 (建 3 of 4 tokens); d3 undated excluded
    assert t.to_dict("records") == [
        {"year": 2024, "term": "建", "count": 3, "rate_per_10k": 7500.0, "group_docs": 1,
         "group_tokens": 4}
    ]
    with pytest.raises(AnalysisError, match="no documents for company"):
        trend(corpus, "建", company="中国铁塔")


def test_trend_without_dated_documents_is_empty():
    m = build([["a"], ["b"]], ["X", "Y"], [None, None])
    t = trend(m, "a", ci=None)
    assert t.empty and list(t.columns) == ["year", "term", "count", "rate_per_10k", "group_docs",
                                           "group_tokens", "thin_group"]
    assert trend(m, "a").empty
