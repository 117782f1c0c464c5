"""The slogan tables (``slogan_profile``, ``adoption_timeline``, ``slogan_trend``) count from integer-coded
rows (``slogans._doc_counts``); here they are checked against oracles written with pandas on the public
string rows of ``slogan_counts``, on generated corpora where doc_ids repeat, companies and dates are
missing and titles, quotes and lexicon terms mix, plus one corpus counted by hand."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.stats.slogans import adoption_timeline, slogan_counts, slogan_profile
from analysis.stats.trends import slogan_trend
from analysis.tokens import tokenize

PIECES = ["全面从严治党", "“两个维护”", "《主题教育》", "主题教育", "“新提法甲”", "党风廉政建设", "。", "公司召开会议",
          "“全面从严治党”", "三不腐"]  # fmt: skip
COMPANIES = ["中国联通", "中国移动", None]
DATES = ["2021-03-01", "2022-07-15", "2022-01-02", None]

documents = st.lists(
    st.tuples(
        st.lists(st.sampled_from(PIECES), max_size=8).map("".join),
        st.sampled_from(["a", "b", "c", "d", "e", "f"]),  # doc_id: repeats happen
        st.sampled_from(COMPANIES),
        st.sampled_from(DATES),
    ),
    min_size=1,
    max_size=12,
)


def _corpus(rows: list[tuple[str, str, str | None, str | None]]) -> pd.DataFrame:
    dates = pd.to_datetime(pd.Series([r[3] for r in rows], dtype=object))
    return pd.DataFrame(
        {
            "doc_id": [r[1] for r in rows],
            "text": [r[0] for r in rows],
            "company": pd.Series([r[2] for r in rows], dtype=object),
            "date": dates,
            "year": dates.dt.year.astype("Int64"),
        }
    )


def _first_rows(corpus: pd.DataFrame) -> pd.DataFrame:
    """slogan_counts's rows with the docvars of the first row of their doc_id (where a repeated doc_id's
    rows are counted: the documented rule)."""
    counts = slogan_counts(corpus)
    first = corpus.drop_duplicates("doc_id").set_index("doc_id")
    out = counts.join(first[["company", "date"]], on="doc_id")
    out["company"] = out["company"].fillna("(none)")
    return out


def _oracle_profile(corpus: pd.DataFrame) -> pd.DataFrame:
    rows = _first_rows(corpus)
    out = rows.groupby(["company", "slogan", "kind"]).agg(
        count=("count", "sum"), count_standalone=("count_standalone", "sum"), n_docs=("doc_id", "nunique"),
        first_date=("date", "min"), last_date=("date", "max"),
    )  # fmt: skip
    return out.reset_index().rename(columns={"company": "group"})


def _sorted(df: pd.DataFrame, keys: list[str], cols: list[str]) -> pd.DataFrame:
    out = df[cols].copy()
    for c in keys:
        out[c] = out[c].astype(object)
    for c in ("count", "count_standalone", "n_docs", "docs_with_term", "n_dated"):
        if c in out.columns:
            out[c] = out[c].astype(np.int64)
    for c in ("first_date", "last_date"):
        out[c] = out[c].astype("datetime64[ns]")
    return out.sort_values(keys).reset_index(drop=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=documents)
def test_profile_and_timeline_equal_pandas_oracles_on_the_string_rows(rows: list) -> None:
    corpus = _corpus(rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = slogan_profile(corpus, None, by="company", ci=None)
        timeline = adoption_timeline(corpus)
    want = _oracle_profile(corpus)
    keys = ["group", "slogan", "kind"]
    cols = [*keys, "count", "count_standalone", "first_date", "last_date"]
    got_docs = got.rename(columns={"docs_with_term": "n_docs"})
    if len(got):  # the string columns the tables have always had, not the categoricals they are counted on
        assert got["slogan"].dtype == "str" and got["kind"].dtype == "str"
    pd.testing.assert_frame_equal(_sorted(got_docs, keys, [*cols, "n_docs"]), _sorted(want, keys, [*cols, "n_docs"]))

    first = _first_rows(corpus)
    dated = first.assign(dated=first["date"].notna())
    tl_want = dated.groupby(["slogan", "kind", "company"]).agg(
        first_date=("date", "min"), last_date=("date", "max"), n_docs=("doc_id", "nunique"),
        n_dated=("dated", "sum"), count=("count", "sum"),
    ).reset_index()  # fmt: skip
    tl_cols = ["slogan", "kind", "company", "first_date", "last_date", "n_docs", "n_dated", "count"]
    got_tl = timeline.rename(columns={"docs_with_term": "n_docs"})
    pd.testing.assert_frame_equal(
        _sorted(got_tl, ["slogan", "kind", "company"], tl_cols), _sorted(tl_want, ["slogan", "kind", "company"], tl_cols)
    )


def test_a_repeated_doc_id_counted_by_hand() -> None:
    corpus = _corpus(
        [
            ("全面从严治党。“两个维护”", "a", "中国联通", "2021-03-01"),
            ("全面从严治党", "a", "中国移动", "2022-07-15"),  # same doc_id: counted with the first row
            ("“两个维护”，全面从严治党", "c", "中国移动", "2022-01-02"),
        ]
    )
    got = slogan_profile(corpus, None, by="company", ci=None).set_index(["group", "slogan"])
    assert got.loc[("中国联通", "全面从严治党"), "count"] == 2
    assert got.loc[("中国联通", "全面从严治党"), "docs_with_term"] == 1
    assert got.loc[("中国移动", "全面从严治党"), "count"] == 1
    assert got.loc[("中国移动", "两个维护"), "first_date"] == pd.Timestamp("2022-01-02")
    assert ("中国移动", "两个维护") in got.index and got.loc[("中国联通", "两个维护"), "count"] == 1
    asked = slogan_profile(corpus, None, by="company", slogans=["全面从严治党", "主题教育"], ci=None)
    assert asked[["group", "slogan", "count"]].values.tolist() == [
        ["中国移动", "全面从严治党", 1], ["中国移动", "主题教育", 0],
        ["中国联通", "全面从严治党", 2], ["中国联通", "主题教育", 0],
    ]  # fmt: skip


def test_slogan_trend_counts_only_the_rows_it_keeps_when_a_doc_id_repeats() -> None:
    corpus = _corpus(
        [
            ("全面从严治党，全面从严治党", "a", "中国联通", "2021-03-01"),
            ("全面从严治党", "a", "中国联通", None),  # undated: left out, and its count with it
            ("全面从严治党", "b", "中国联通", "2022-07-15"),
        ]
    )
    tokens = tokenize(corpus, progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = slogan_trend(corpus, tokens, ["全面从严治党"], by="year", ci=None)
    assert got.set_index("year")["count"].to_dict() == {2021: 2, 2022: 1}
    assert got.attrs["left_out"] == {"undated (no period)": 1}
    both = _corpus([*[r for r in [("全面从严治党", "a", "中国联通", "2021-03-01")] * 2]])  # repeated and both kept
    both_tokens = tokenize(both, progress=False)
    assert slogan_trend(both, both_tokens, ["全面从严治党"], by="year", ci=None)["count"].tolist() == [2]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=documents, merge=st.booleans(), kinds=st.sampled_from([None, ["lexicon"], ["quoted", "title"]]))
def test_per_document_rows_are_one_per_document_slogan_and_kind(rows: list, merge: bool, kinds: list | None) -> None:
    # the tables count documents as rows (groupby size, not nunique): this is what makes that exact
    from analysis.stats.slogans import _doc_counts

    corpus = _corpus(rows)
    counts = _doc_counts(corpus, None, kinds, True, merge_repeats=merge)
    assert not counts.duplicated(["_row", "slogan", "kind"]).any()
    if not merge:
        assert counts["_row"].between(0, len(corpus) - 1).all()
