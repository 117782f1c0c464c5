"""Tests for analysis.dtm: building, grouping, trimming, weighting; grouped-totals invariant."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.dtm import DTM, NONE_LABEL, UNDATED_LABEL, build_dtm, dtm
from analysis.errors import AnalysisError


@dataclass
class FakeTokens:
    """Stand-in for analysis.tokens.Tokens: dtm() only needs .docs and .docvars."""

    docs: list[list[str]]
    docvars: pd.DataFrame
    tokenizer_hash: str = "test"


def make_tokens(docs, companies, years, **extra) -> FakeTokens:
    n = len(docs)
    docvars = pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(n)],
            "company": companies,
            "year": pd.array(years, dtype="Int64"),
            "date": pd.to_datetime([f"{y}-03-01" if y is not None else None for y in years]),
            "title": [f"title {i}" for i in range(n)],
            **extra,
        }
    )
    return FakeTokens(docs=docs, docvars=docvars)


@pytest.fixture
def tokens() -> FakeTokens:
    return make_tokens(
        docs=[
            ["党", "建", "党", "5G", "全面从严治党"],
            ["全面从严治党", "党", "高质量发展"],
            ["建", "建", "1+N"],
            ["党"],
            [],
        ],
        companies=["中国联通", "中国联通", "中国移动", "", "中国移动"],
        years=[2023, 2024, 2024, 2023, None],
        source=["联通官网", "联通官网", "移动官网", "", "移动官网"],
    )


# ------------------------------------------------------------------------------------------ building
def test_dtm_counts_by_hand(tokens):
    m = dtm(tokens)
    assert m.features.tolist() == sorted(["党", "建", "5G", "全面从严治党", "高质量发展", "1+N"])
    frame = m.to_frame()
    assert frame.loc["d0"].to_dict() == {
        "1+N": 0,
        "5G": 1,
        "全面从严治党": 1,
        "党": 2,
        "建": 1,
        "高质量发展": 0,
    }
    assert frame.loc["d2", "建"] == 2
    assert frame.loc["d4"].sum() == 0  # empty document keeps its row
    assert m.n_tokens.tolist() == [5, 3, 3, 1, 0]
    assert m.counts.dtype == np.int64
    assert m.weighted is False
    assert m.docvars["doc_id"].tolist() == ["d0", "d1", "d2", "d3", "d4"]


def test_dtm_keeps_one_character_chinese_words_and_matches_countvectorizer(tokens):
    """Oracle: CountVectorizer with an identity analyzer (no token pattern) counts the same."""
    from sklearn.feature_extraction.text import CountVectorizer

    m = build_dtm(tokens)
    assert "党" in m.features and "建" in m.features
    cv = CountVectorizer(analyzer=lambda doc: doc)
    expected = cv.fit_transform(tokens.docs)
    names = cv.get_feature_names_out()
    order = np.argsort(names)
    assert m.features.tolist() == names[order].tolist()
    assert (m.counts != expected.tocsc()[:, order]).nnz == 0


def test_dtm_resets_docvars_index():
    tk = make_tokens([["a"], ["b"]], ["X", "Y"], [2020, 2021])
    tk.docvars.index = [10, 20]
    m = dtm(tk)
    assert m.docvars.index.tolist() == [0, 1]


def test_dtm_rejects_misaligned_input():
    tk = make_tokens([["a"], ["b"]], ["X", "Y"], [2020, 2021])
    tk.docs = [["a"]]
    with pytest.raises(AnalysisError, match="1 token lists but 2 docvars rows"):
        dtm(tk)
    with pytest.raises(AnalysisError, match=r"\.docs"):
        dtm(object())


def test_dtm_post_init_validates_shapes():
    counts = sp.csr_matrix(np.array([[1, 0], [0, 2]]))
    with pytest.raises(AnalysisError, match="feature names"):
        DTM(counts, np.array(["a"], dtype=object), pd.DataFrame({"doc_id": ["x", "y"]}))
    with pytest.raises(AnalysisError, match="docvars rows"):
        DTM(counts, np.array(["a", "b"], dtype=object), pd.DataFrame({"doc_id": ["x"]}))
    with pytest.raises(AnalysisError, match="unique"):
        DTM(counts, np.array(["a", "a"], dtype=object), pd.DataFrame({"doc_id": ["x", "y"]}))
    with pytest.raises(AnalysisError, match="integer counts"):
        DTM(counts.astype(float), np.array(["a", "b"], dtype=object), pd.DataFrame({"doc_id": ["x", "y"]}))
    with pytest.raises(AnalysisError, match="sparse"):
        DTM(np.eye(2), np.array(["a", "b"], dtype=object), pd.DataFrame({"doc_id": ["x", "y"]}))


# ------------------------------------------------------------------------------------------ grouping
def test_group_by_company(tokens):
    g = dtm(tokens).group("company")
    # code-point order of the labels, the missing company ('') last
    assert g.docvars["group"].tolist() == ["中国移动", "中国联通", NONE_LABEL]
    assert g.docvars["n_docs"].tolist() == [2, 2, 1]
    frame = g.to_frame()
    assert frame.loc["中国联通", "党"] == 3
    assert frame.loc["中国联通", "全面从严治党"] == 2
    assert frame.loc["中国移动", "建"] == 2
    assert frame.loc[NONE_LABEL, "党"] == 1
    # 'source' is constant within every company; doc_id, title, year, date are not
    assert "source" in g.docvars.columns
    assert g.docvars["source"].tolist() == ["移动官网", "联通官网", ""]
    for col in ("doc_id", "title", "year", "date"):
        assert col not in g.docvars.columns
    assert g.docvars["company"].tolist() == ["中国移动", "中国联通", ""]


def test_group_by_year_undated_last_and_typed(tokens):
    g = dtm(tokens).group("year")
    assert g.docvars["group"].tolist() == ["2023", "2024", UNDATED_LABEL]
    assert g.docvars["year"].dtype == "Int64"
    assert g.docvars["year"].isna().tolist() == [False, False, True]
    assert g.n_tokens.tolist() == [6, 6, 0]


def test_group_by_company_and_year(tokens):
    g = dtm(tokens).group(["company", "year"])
    assert g.docvars["group"].tolist() == [
        "中国移动|2024",
        "中国移动|(undated)",
        "中国联通|2023",
        "中国联通|2024",
        "(none)|2023",
    ]
    assert list(g.docvars.columns[:4]) == ["group", "company", "year", "n_docs"]
    # single-document groups: every docvar is constant within its group, so all are kept
    assert "doc_id" in g.docvars.columns


def test_regroup_grouped_dtm_adds_document_counts(tokens):
    m = dtm(tokens)
    g = m.group(["company", "year"]).group("company")
    assert g.docvars["n_docs"].tolist() == m.group("company").docvars["n_docs"].tolist()
    assert (g.counts != m.group("company").counts).nnz == 0


def test_group_refuses_weighted_and_unknown_columns(tokens):
    m = dtm(tokens)
    with pytest.raises(AnalysisError, match="will not group a weighted DTM"):
        m.tfidf().group("company")
    with pytest.raises(AnalysisError, match="not a docvar"):
        m.group("region")
    with pytest.raises(AnalysisError, match="at least one"):
        m.group([])


def test_group_labels_and_datetime_keys(tokens):
    m = dtm(tokens)
    assert m.group_labels.tolist() == ["d0", "d1", "d2", "d3", "d4"]
    g = m.group("date")
    assert g.docvars["group"].tolist() == ["2023-03-01", "2024-03-01", UNDATED_LABEL]


# ------------------------------------------------------------------------------ trim, subset, weight
def test_trim(tokens):
    m = dtm(tokens)
    # totals: 党 4, 建 3, 全面从严治党 2, 5G 1, 1+N 1, 高质量发展 1; doc freq: 党 3, 建 2, 全面从严治党 2
    assert sorted(m.trim(min_count=2).features.tolist()) == sorted(["党", "建", "全面从严治党"])
    assert sorted(m.trim(min_docs=2).features.tolist()) == sorted(["党", "建", "全面从严治党"])
    # 5 documents: share 0.5 keeps doc_freq <= 2.5
    assert "党" not in m.trim(max_docs_share=0.5).features
    assert "建" in m.trim(max_docs_share=0.5).features
    trimmed = m.trim(min_count=3, min_docs=3)
    assert trimmed.features.tolist() == ["党"]
    assert trimmed.kept_tokens.tolist() == [2, 1, 0, 1, 0]
    assert trimmed.n_tokens.tolist() == [5, 3, 3, 1, 0]  # the denominator does not move with trimming
    assert trimmed.n_docs == m.n_docs
    with pytest.raises(AnalysisError, match="max_docs_share"):
        m.trim(max_docs_share=0)
    with pytest.raises(AnalysisError, match="weighted"):
        m.tfidf().trim(min_count=1)


def test_totals_subset_tfidf(tokens):
    m = dtm(tokens)
    assert m.totals()["党"] == 4
    assert m.doc_freq()["党"] == 3
    sub = m.subset(m.docvars["company"] == "中国联通")
    assert sub.docvars["doc_id"].tolist() == ["d0", "d1"]
    assert sub.n_tokens.tolist() == [5, 3]
    assert sub.docvars.index.tolist() == [0, 1]
    with pytest.raises(AnalysisError, match="mask"):
        m.subset([True, False])
    w = m.tfidf()
    assert w.weighted and w.counts.dtype == np.float64
    norms = np.sqrt(np.asarray(w.counts.multiply(w.counts).sum(axis=1)).ravel())
    np.testing.assert_allclose(norms, [1, 1, 1, 1, 0])
    with pytest.raises(AnalysisError, match="already weighted"):
        w.tfidf()


# ---------------------------------------------------------------------- invariant: grouped == ungrouped
WORDS = ["党", "建", "5G", "1+N", "全面从严治党", "两个维护", "的", "高质量发展"]


@st.composite
def corpora(draw):
    n = draw(st.integers(min_value=1, max_value=12))
    docs = draw(st.lists(st.lists(st.sampled_from(WORDS), max_size=15), min_size=n, max_size=n))
    companies = draw(
        st.lists(st.sampled_from(["中国联通", "中国移动", "中国电信", ""]), min_size=n, max_size=n)
    )
    years = draw(st.lists(st.sampled_from([2021, 2022, 2024, None]), min_size=n, max_size=n))
    return make_tokens(docs, companies, years)


@settings(max_examples=60, deadline=None)
@given(corpora())
def test_grouped_totals_equal_ungrouped_totals(tk):
    m = dtm(tk)
    for by in ("company", "year", ["company", "year"]):
        g = m.group(by)
        pd.testing.assert_series_equal(g.totals(), m.totals())
        assert g.n_tokens.sum() == m.n_tokens.sum()
        assert g.docvars["n_docs"].sum() == m.n_docs
        assert g.docvars["group"].is_unique
        # every document's row lands in exactly its group
        codes, _ = m.group_codes(by)
        for k in range(g.n_docs):
            expected = np.asarray(m.counts[codes == k].sum(axis=0)).ravel()
            np.testing.assert_array_equal(g.counts[k].toarray().ravel(), expected)


_DOCVAR_VALUES = {
    "str": st.sampled_from(["中国移动", "中国联通", "", "  ", None]),
    "float": st.sampled_from([1.0, 2.5, 0.0, -0.0, float("nan")]),
    "Int64": st.sampled_from([1, 2, None]),
    "datetime": st.sampled_from(["2022-01-01", "2023-05-06", None]),
    "category": st.sampled_from(["a", "b", None]),
    "object": st.sampled_from(["x", 1, 1.0, None, float("nan"), " "]),
}


@settings(max_examples=200, deadline=None)
@given(
    kind=st.sampled_from(sorted(_DOCVAR_VALUES)),
    data=st.data(),
    n_groups=st.integers(1, 4),
)
def test_constant_within_groups_and_missing_values_as_the_reference_rules(kind, data, n_groups):
    """The whole-column forms of the grouping helpers give what the per-value rules give: a groupby
    ``nunique`` (missing counting as a value) and ``isinstance(v, str) and not v.strip()`` per cell."""
    from analysis.dtm import _is_constant_within, _is_missing

    n = data.draw(st.integers(1, 12))
    values = data.draw(st.lists(_DOCVAR_VALUES[kind], min_size=n, max_size=n))
    codes = np.array(data.draw(st.lists(st.integers(0, n_groups - 1), min_size=n, max_size=n)))
    dtype = {"str": "str", "float": "float64", "Int64": "Int64", "datetime": "datetime64[ns]",
             "category": "category", "object": object}[kind]  # fmt: skip
    series = pd.Series(values, dtype=dtype, index=np.arange(n) * 3 + 7)
    _, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    want = bool((series.groupby(inverse).nunique(dropna=False) <= 1).all())
    assert _is_constant_within(series, inverse, first) == want
    blank = series.map(lambda v: isinstance(v, str) and not v.strip()).to_numpy(dtype=bool)
    assert (_is_missing(series) == (series.isna().to_numpy() | blank)).all()


@settings(max_examples=100, deadline=None)
@given(
    columns=st.lists(
        st.lists(st.sampled_from(["b", "a", "", None, "中国移动"]), min_size=6, max_size=6), min_size=1, max_size=3
    )
)
def test_group_codes_as_the_rows_of_the_columns_codes_found_unique(columns):
    """Groups numbered by one integer per row give what ``np.unique(rows, axis=0)`` of the columns' codes
    gives: the same groups, in the same (lexicographic) order, and the same first rows."""
    from analysis.dtm import _column_codes

    names = [f"c{j}" for j in range(len(columns))]
    docvars = pd.DataFrame({name: pd.Series(col, dtype=object) for name, col in zip(names, columns, strict=True)})
    docvars["doc_id"] = [f"d{i}" for i in range(6)]
    m = DTM(sp.csr_matrix(np.ones((6, 1), dtype=np.int64)), np.array(["x"], dtype=object), docvars)
    codes, gv = m.group_codes(names)
    per_col = [_column_codes(docvars[name], name) for name in names]
    uniq, first, inverse = np.unique(
        np.column_stack([c for c, _ in per_col]), axis=0, return_index=True, return_inverse=True
    )
    assert codes.tolist() == np.asarray(inverse).ravel().tolist()
    assert gv["group"].tolist() == ["|".join(per_col[j][1][row[j]] for j in range(len(names))) for row in uniq]
    assert gv["n_docs"].tolist() == np.bincount(np.asarray(inverse).ravel()).tolist()
    assert gv[names].fillna("?").values.tolist() == docvars.iloc[first][names].fillna("?").values.tolist()


def test_group_sums_kept_for_the_same_arrays_and_groups_only():
    """A repeated sum is given from the last ones kept (another matrix object over the same arrays hits
    it), as a copy of its own; a change of the values in place, other groups or other rows are summed."""
    from analysis.dtm import group_sums

    rng = np.random.default_rng(3)
    counts = sp.csr_matrix(rng.integers(0, 3, size=(20, 7)))
    codes = rng.integers(0, 3, size=20)

    def reference(m, c, rows=None):
        rows = np.arange(m.shape[0]) if rows is None else rows
        out = np.zeros((3, m.shape[1]), dtype=np.int64)
        np.add.at(out, c[rows], m.toarray()[rows])
        return out

    first = group_sums(counts, codes, 3)
    first.data[:] = 99  # the caller's copy: the kept sum does not change with it
    again = group_sums(sp.csr_matrix(counts), codes, 3)
    assert np.array_equal(again.toarray(), reference(counts, codes)) and again.has_sorted_indices
    again.data[:] = 77  # a sum given from the kept ones is a copy too
    assert np.array_equal(group_sums(counts, codes, 3).toarray(), reference(counts, codes))
    counts.data[5] += 4  # the same arrays, changed in place
    assert np.array_equal(group_sums(counts, codes, 3).toarray(), reference(counts, codes))
    other = (codes + 1) % 3
    assert np.array_equal(group_sums(counts, other, 3).toarray(), reference(counts, other))
    rows = np.array([1, 4, 9])
    assert np.array_equal(group_sums(counts, codes[rows], 3, rows).toarray(), reference(counts, codes, rows))


def test_document_frequencies_kept_for_the_same_arrays_only():
    from analysis.dtm import document_frequencies

    counts = sp.csr_matrix(np.random.default_rng(5).integers(0, 2, size=(30, 9)))
    first = document_frequencies(counts)
    assert np.array_equal(first, (counts.toarray() > 0).sum(axis=0)) and not first.flags.writeable
    assert document_frequencies(sp.csr_matrix(counts)) is first  # another matrix over the same arrays
    counts.indices[0] = (counts.indices[0] + 1) % 9  # changed in place (no longer sorted: only counted)
    assert np.array_equal(document_frequencies(counts), np.bincount(counts.indices, minlength=9))
    other = counts.copy()
    assert document_frequencies(other) is not first


def test_a_large_group_sum_is_not_kept(monkeypatch: pytest.MonkeyPatch):
    """A sum as large as a matrix (one group per document) is not held a second time."""
    import sys

    dtm_module = sys.modules["analysis.dtm"]
    monkeypatch.setattr(dtm_module, "_KEPT_MAX_ENTRIES", 10)
    counts = sp.csr_matrix(np.random.default_rng(8).integers(1, 3, size=(12, 4)))
    dtm_module.group_sums(counts, np.arange(12), 12)  # 48 entries
    assert dtm_module._KEPT.get(counts, ("group_sums", None)) is None
    assert not any(asked[0] == "group_sums" and asked[1][1] == 12 for (_, asked), _, _ in dtm_module._KEPT.entries)
    small = dtm_module.group_sums(counts, np.zeros(12, dtype=np.int64), 1)  # 4 entries: kept
    assert any(asked[0] == "group_sums" and asked[1][1] == 1 for (_, asked), _, _ in dtm_module._KEPT.entries)
    assert small.nnz == 4
