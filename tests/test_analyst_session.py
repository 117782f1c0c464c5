"""Issue 13: the analyst's notebook session, for the statistics: one vocabulary, every exclusion said,
clear answers to wrong or empty questions."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import pandas as pd
import pytest

from analysis.dtm import DTM, dtm
from analysis.errors import AnalysisError
from analysis.stats import collocations, frequency, keyness, kwic, trend


@dataclass
class FakeTokens:
    docs: list[list[str]]
    docvars: pd.DataFrame


@pytest.fixture
def small() -> DTM:
    docs = [["党建", "改革", "党建"], ["党建", "创新"], ["改革", "创新", "创新"], ["党建"], ["改革"]]
    docvars = pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(5)],
            "company": ["中国联通", "中国联通", "中国移动", "中国移动", ""],
            "year": pd.array([2022, 2023, 2022, None, 2023], dtype="Int64"),
        }
    )
    return dtm(FakeTokens(docs, docvars))


@pytest.mark.parametrize("by", ["company,year", ["company", "year"], ("company", "year"), "company+year"])
def test_by_is_accepted_in_the_same_forms_everywhere(small, by):
    f = frequency(small, by=by, ci=None)
    assert "中国联通|2022" in set(f["group"])
    t = trend(small, "党建", by=by, ci=None)  # was TypeError: unhashable type: 'list'
    assert list(t.columns[:3]) == ["company", "year", "term"]
    row = t[(t["company"] == "中国联通") & (t["year"] == 2022)].iloc[0]
    assert row["count"] == 2 and row["group_tokens"] == 3
    k = keyness(small, by=by, target="中国联通|2022", min_count=1)
    assert set(k["group"]) == {"中国联通|2022"}
    with pytest.raises(AnalysisError, match="by="):
        frequency(small, by=3)


def test_targets_and_company_filters_accept_any_alias(small):
    k = keyness(small, by="company", target="China Mobile", reference="中國聯通", min_count=1)
    assert set(k["group"]) == {"中国移动"} and set(k["reference"]) == {"中国联通"}
    k2 = keyness(small, by="company,year", target="China Unicom|2023", min_count=1)
    assert set(k2["group"]) == {"中国联通|2023"}
    t = trend(small, "党建", company="China Unicom", ci=None)
    assert t["count"].sum() == 3
    with pytest.raises(AnalysisError, match="no group 'China Satcom'"):
        keyness(small, by="company", target="China Satcom")


# ------------------------------------------------------------------ wrong inputs and empty answers
@pytest.fixture
def corpus() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": ["a1", "b2"],
            "path": ["unicom/2024-01.txt", "mobile/2023-05.html"],
            "title": ["联通党建会议", "移动工作会议"],
            "company": ["中国联通", "中国移动"],
            "date": pd.to_datetime(["2024-01-05", "2023-05-01"]),
            "text": ["坚决做到两个维护，全面从严治党。\n推进党风廉政建设。", "全面从严治党永远在路上。"],
        }
    )


def test_wrong_input_types_are_refused_naming_the_right_call(corpus, small):
    from analysis.stats import discover_phrases, slogan_profile

    with pytest.raises(AnalysisError, match=r"tokenize\(corpus\)"):
        collocations(corpus, "党建")  # was: an empty frame
    with pytest.raises(AnalysisError, match=r"kwic\(corpus, term\)"):
        kwic(FakeTokens([["党建"]], pd.DataFrame({"doc_id": ["x"]})), "党建")
    with pytest.raises(AnalysisError, match=r"tl\.dtm\(tl\.tokenize\(corpus\)\)"):
        frequency(corpus)
    with pytest.raises(AnalysisError, match=r"tl\.dtm"):
        keyness(FakeTokens([["党建"]], pd.DataFrame({"doc_id": ["x"]})))
    with pytest.raises(AnalysisError, match="load_corpus"):
        slogan_profile(small)
    with pytest.raises(AnalysisError, match="tokenize"):
        discover_phrases(corpus)


def test_kwic_rows_carry_path_and_title(corpus):
    out = kwic(corpus, "全面从严治党")
    assert list(out["path"]) == ["mobile/2023-05.html", "unicom/2024-01.txt"]
    assert list(out["title"]) == ["移动工作会议", "联通党建会议"]


def test_a_term_that_never_occurs_says_so_with_near_variants(corpus, small):
    from analysis.stats._suggest import TermNotFoundWarning

    with pytest.warns(TermNotFoundWarning, match="全面从严治党") as rec:
        out = kwic(corpus, "全面从严冶党")  # a typo: 冶 for 治
    assert out.empty and "全面从严治党" in out.attrs["near_variants"]
    assert "does not occur" in str(rec[0].message)
    with pytest.warns(TermNotFoundWarning, match="改革"):
        c = collocations(FakeTokens([["党建", "改革创新"], ["改革", "党建"]], pd.DataFrame({"doc_id": ["a", "b"]})),
                         "改革开放")
    assert c.empty and "改革" in c.attrs["near_variants"]
    with pytest.warns(TermNotFoundWarning, match="党建"):
        t = trend(small, ["党建工作", "改革"], ci=None)
    assert t.attrs["not_found"] == ["党建工作"] and "党建" in t.attrs["near_variants"]["党建工作"]
    # traditional script is searched as simplified, and found
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(kwic(corpus, "兩個維護")) == 1


def test_each_statistic_docstring_holds_its_definitions():
    import analysis as tl

    assert "Dunning" in tl.keyness.__doc__ and "Monroe" in tl.keyness.__doc__ and "Hardie" in tl.keyness.__doc__
    assert "Gries" in tl.dispersion.__doc__
    assert "Rychl" in tl.collocations.__doc__ and "14 + log2(4w / (2w + 1))" in tl.collocations.__doc__
    assert "slogan_trend" in tl.trend.__doc__
    assert "numbered" in tl.slogan_profile.__doc__
    assert "paragraph" in tl.kwic.__doc__


# ------------------------------------------------------------------------------ one vocabulary
def test_one_name_per_concept_across_tables(small, corpus):
    from analysis.stats import adoption_timeline, slogan_profile
    from analysis.stats.columns import RENAMED

    tokens = FakeTokens([["词"] * 10, ["词"] * 20], corpus.drop(columns=["text"]))
    tables = {
        "frequency": frequency(small, by="company", ci=None),
        "trend": trend(small, "党建", ci=None),
        "keyness": keyness(small, by="company", target="中国联通", min_count=1),
        "slogan_profile": slogan_profile(corpus, tokens, by="company", lexicon=["全面从严治党", "两个维护"]),
        "adoption_timeline": adoption_timeline(corpus, lexicon=["全面从严治党"]),
    }
    for name, table in tables.items():
        for old, new in RENAMED[name].items():
            assert new in table.columns, (name, new)
            assert old not in table.columns, (name, old)  # the old names are gone (issue 13: a young API)
    # documents with the term / in the group / tokens in the group: the same names everywhere
    assert {"docs_with_term", "group_docs", "group_tokens"} <= set(tables["frequency"].columns)
    assert {"docs_with_term", "group_docs", "group_tokens"} <= set(tables["slogan_profile"].columns)
    assert {"group_docs", "group_tokens"} <= set(tables["trend"].columns)
    # one label for "no company" in every stats table
    assert "(none)" in set(tables["frequency"]["group"])
    nocomp = corpus.assign(company=["", "中国移动"])
    assert "(none)" in set(adoption_timeline(nocomp, lexicon=["全面从严治党"])["company"])
    assert "(none)" in set(kwic(nocomp, "全面从严治党")["company"])


# ---------------------------------------------------------------------- document-aware thresholds
def _one_doc_terms() -> DTM:
    docs = [["常州"] * 12 + ["会"] * 40, ["党建"] * 3 + ["会"] * 40, ["党建"] * 4 + ["会"] * 40,
            ["党建"] * 1 + ["会"] * 60, ["会"] * 60]
    docvars = pd.DataFrame({"doc_id": list("abcde"), "company": ["电信", "电信", "电信", "移动", "移动"]})
    return dtm(FakeTokens(docs, docvars))


def test_min_docs_keeps_one_document_terms_out_of_keyness_and_its_family():
    m = _one_doc_terms()
    k1 = keyness(m, target="电信", reference="移动", min_count=1)
    assert k1.set_index("term").loc["常州", "docs_with_term_target"] == 1
    k2 = keyness(m, target="电信", reference="移动", min_count=1, min_docs=2)
    assert "常州" not in set(k2["term"]) and "党建" in set(k2["term"])
    assert (k2["docs_with_term_target"] + k2["docs_with_term_reference"] >= 2).all()
    assert k2["family_size"].iloc[0] == len(k2) < len(k1)
    with pytest.raises(AnalysisError, match="min_docs"):
        keyness(m, min_docs=0)


def test_min_docs_in_frequency():
    m = _one_doc_terms()
    f = frequency(m, by="company", min_docs=2, ci=None)
    assert (f["docs_with_term"] >= 2).all()
    tel = f[f["group"] == "电信"]
    assert list(tel["term"]) == ["会", "党建"] and list(tel["rank"]) == [1, 2]
    assert "常州" in set(frequency(m, by="company", ci=None)["term"])


# -------------------------------------------------------------- every exclusion said; select; year hints
@pytest.fixture
def hinted_corpus() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": ["a", "b", "c", "d", "e"],
            "title": ["中国移动2022年工作会议", "联通党建", "电信通知", "移动会议", "2021年与2022年对比"],
            "company": ["中国移动", "中国联通", "中国电信", "中国移动", "中国联通"],
            "date": pd.to_datetime([None, "2023-03-01", None, "2024-01-01", None]),
            "year": pd.array([None, 2023, None, 2024, None], dtype="Int64"),
            "text": ["全面从严治党。", "全面从严治党，两个维护。", "召开2023年度党建工作会议，全面从严治党。",
                     "两个维护。", "全面从严治党。"],
        }
    )


def test_year_hints_are_opt_in_and_never_a_date(hinted_corpus):
    from analysis.select import add_year_hint, year_hints

    h = year_hints(hinted_corpus)
    assert list(h["year_hint"].astype("float").fillna(0).astype(int)) == [2022, 0, 2023, 0, 0]
    assert list(h["year_hint_source"]) == ["headline", "", "body phrase", "", ""]  # e: two years, no hint
    added = add_year_hint(hinted_corpus)
    assert added["date"].isna().sum() == 3 and added["year"].isna().sum() == 3  # dates untouched


def test_select_years_says_what_it_leaves_out(hinted_corpus, small):
    from analysis.select import DocumentsLeftOut, select

    with pytest.warns(DocumentsLeftOut, match="3 undated"):
        out = select(hinted_corpus, years=(2022, 2024))
    assert list(out["doc_id"]) == ["b", "d"]
    assert sum(out.attrs["left_out"].values()) == 3
    with pytest.warns(DocumentsLeftOut):
        hinted = select(hinted_corpus, years=(2022, 2024), use_year_hint=True)
    assert list(hinted["doc_id"]) == ["a", "b", "c", "d"]
    assert list(hinted["year_from_hint"]) == [True, False, True, False]
    assert list(hinted["year"]) == [2022, 2023, 2023, 2024]
    assert len(select(hinted_corpus, companies="China Mobile")) == 2
    # DTM and tokens too, same kind back
    with pytest.warns(DocumentsLeftOut, match="undated"):
        m = select(small, years=2022)
    assert isinstance(m, DTM) and m.n_docs == 2 and m.docvars.attrs["left_out"]
    with pytest.raises(AnalysisError, match="years"):
        select(small, years="2022")


def test_trend_says_undated_documents_are_left_out(small):
    from analysis.select import DocumentsLeftOut

    with pytest.warns(DocumentsLeftOut, match="1 of 5 documents left out"):
        t = trend(small, "党建", ci=None)
    assert t.attrs["left_out"] == {"undated (no period)": 1}


def test_trend_with_year_hints_labels_the_hinted_documents(hinted_corpus):
    from analysis.select import add_year_hint
    from analysis.stats.trends import slogan_trend

    corpus = add_year_hint(hinted_corpus)
    tokens = FakeTokens([["词"] * 10] * 5, corpus.drop(columns=["text"]))
    m = dtm(tokens)
    with pytest.warns(UserWarning):
        plain = trend(m, "词", ci=None)
    assert list(plain["year"]) == [2023, 2024]
    with pytest.warns(UserWarning, match="1 of 5"):
        hinted = trend(m, "词", ci=None, use_year_hint=True)
    assert list(hinted["year"]) == [2022, 2023, 2024]
    assert list(hinted["docs_year_hint"]) == [1, 1, 0] and list(hinted["group_docs"]) == [1, 2, 1]
    with pytest.warns(UserWarning):
        st = slogan_trend(corpus, tokens, ["全面从严治党"], ci=None, use_year_hint=True)
    assert list(st["docs_year_hint"]) == [1, 1, 0] and list(st["count"]) == [1, 2, 0]


# ------------------------------------------------------------------------------ slogans on request
def test_slogan_profile_returns_exactly_the_slogans_asked_for(corpus):
    from analysis.stats import slogan_profile

    tokens = FakeTokens([["词"] * 100, ["词"] * 50], corpus.drop(columns=["text"]))
    lex = ["全面从严治党"]  # 两个维护 and 党风廉政建设 are not in this lexicon
    out = slogan_profile(corpus, tokens, lexicon=lex, slogans=["两个维护", "党风廉政建设", "不存在的提法"])
    assert list(out["slogan"]) == ["两个维护", "党风廉政建设", "不存在的提法"] * 2
    got = out.set_index(["group", "slogan"])
    assert got.loc[("中国联通", "两个维护"), "count"] == 1
    assert got.loc[("中国移动", "两个维护"), "count"] == 0  # zero rows are kept
    assert got.loc[("中国联通", "党风廉政建设"), "count"] == 1 and not got.loc[("中国联通", "党风廉政建设"), "in_lexicon"]
    assert got.loc[("中国联通", "两个维护"), "kind"] == "numbered"
    pooled = slogan_profile(corpus, tokens, lexicon=lex, pool={"两个维护+从严": ["两个维护", "全面从严治党"]})
    p = pooled.set_index("group")
    assert list(pooled["slogan"].unique()) == ["两个维护+从严"] and set(pooled["kind"]) == {"pooled"}
    assert p.loc["中国联通", "count"] == 2 and p.loc["中国联通", "docs_with_term"] == 1
    assert p.loc["中国移动", "count"] == 1
    assert p.loc["中国联通", "rate_per_10k"] == pytest.approx(2 / 100 * 10_000)
    with pytest.raises(AnalysisError, match="pool"):
        slogan_profile(corpus, tokens, pool=["两个维护"])


def test_default_profile_marks_candidates_apart_from_formulations(corpus):
    from analysis.stats import slogan_profile

    c = corpus.assign(text=["坚持“卡片”管理，做到“两个维护”，全面从严治党。", "全面从严治党。"])
    out = slogan_profile(c, lexicon=["全面从严治党", "两个维护"])
    marks = dict(zip(out["slogan"], out["in_lexicon"], strict=True))
    assert marks == {"卡片": False, "两个维护": True, "全面从严治党": True}
    lexicon_only = slogan_profile(c, lexicon=["全面从严治党", "两个维护"], kinds=["lexicon"])
    assert set(lexicon_only["slogan"]) == {"两个维护", "全面从严治党"}  # numbered 两个维护 not dropped


# ------------------------------------------------------------------------------ phrases that exist
def test_phrase_candidates_occur_verbatim_with_counts_and_documents():
    from analysis.stats import discover_phrases

    # 以 is a stopword: the token lists glue 习近平同志 核心 together though the text never has them adjacent
    texts, docs = [], []
    for i in range(8):
        texts.append(f"以习近平同志为核心的党中央。数字孪生平台上线第{i}期，数字孪生工厂建成。")
        docs.append(["习近平同志", "核心", "党中央", "数字", "孪生", "平台", "上线", "数字", "孪生", "工厂", "建成"])
    for i in range(6):
        texts.append(f"推进数字孪生应用第{i}次。")
        docs.append(["推进", "数字", "孪生", "应用"])
    corpus = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": texts})
    tokens = FakeTokens(docs, corpus[["doc_id"]])
    loose = discover_phrases(tokens, min_count=3, top_n=None, dictionary=[])
    assert "习近平同志核心" in set(loose["phrase"])  # the artefact issue 13 saw
    found = discover_phrases(tokens, min_count=3, top_n=None, dictionary=[], corpus=corpus)
    assert "习近平同志核心" not in set(found["phrase"]) and "习近平同志核心党中央" not in set(found["phrase"])
    row = found.set_index("phrase").loc["数字孪生"]
    assert row["count_verbatim"] == 22 and row["docs_verbatim"] == 14 and row["docs_with_term"] == 14
    assert (found["count_verbatim"] > 0).all()


def test_thin_groups_are_flagged(small):
    f = frequency(small, by="company", ci=None)
    assert f.groupby("group")["thin_group"].first().to_dict() == {"(none)": True, "中国移动": True, "中国联通": True}
    f1 = frequency(small, by="company", ci=None, thin_docs=2)
    assert f1.groupby("group")["thin_group"].first().to_dict() == {"(none)": True, "中国移动": False, "中国联通": False}
    assert "thin_group" not in frequency(small, ci=None, thin_docs=None).columns
