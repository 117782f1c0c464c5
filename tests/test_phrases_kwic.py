"""New-phrase discovery, KWIC concordance and collocations."""

from __future__ import annotations

import math
import random
import re
import warnings
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from analysis.errors import AnalysisError
from analysis.stats.collocations import collocations, sentence_tokens, split_sentences
from analysis.stats.kwic import PARAGRAPH_MARK, kwic
from analysis.stats.phrases import discover_phrases, known_words


@dataclass
class FakeTokens:
    docs: list[list[str]]
    docvars: pd.DataFrame
    tokenizer_hash: str = "test"


def fake_tokens(docs: list[list[str]]) -> FakeTokens:
    return FakeTokens(docs, pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(docs))]}))


# ----------------------------------------------------------------------------------------- phrases
FILLER = [
    "推进", "建设", "发展", "企业", "工作", "能力", "服务", "网络", "创新", "管理", "技术", "平台", "系统", "应用",
    "加快", "提升", "深化", "全面", "持续", "重点", "项目", "产业", "安全", "融合", "数据", "智能", "运营", "客户",
]


def synthetic_corpus(seed: int = 7) -> list[list[str]]:
    """Random filler text; 数字 孪生 planted 40 times, always together, between random neighbours."""
    rng = random.Random(seed)
    docs = []
    for _ in range(40):
        doc = [rng.choice(FILLER) for _ in range(60)]
        doc.insert(rng.randrange(1, 59), "孪生")
        doc.insert(doc.index("孪生"), "数字")
        docs.append(doc)
    return docs


def test_planted_phrase_is_discovered():
    docs = synthetic_corpus()
    out = discover_phrases(fake_tokens(docs), min_count=5, top_n=None, dictionary=[])
    assert list(out.columns) == ["phrase", "count", "pmi", "left_entropy", "right_entropy", "score",
                                 "in_dictionary", "tokens", "docs_with_term", "count_verbatim", "docs_verbatim"]
    top = out.iloc[0]
    assert top["phrase"] == "数字孪生" and top["tokens"] == "数字 孪生" and top["count"] == 40
    # 数字 and 孪生 occur 40 times each, only together: PMI = log2(40 * N / (40 * 40)) = log2(N / 40)
    n = sum(len(d) for d in docs)
    assert top["pmi"] == pytest.approx(math.log2(n / 40))
    assert top["left_entropy"] > 2 and top["right_entropy"] > 2
    # a pair of filler words that is adjacent only by chance scores far lower (if frequent at all)
    chance = out[out["tokens"] == "推进 建设"]
    assert chance.empty or chance.iloc[0]["score"] < top["score"] / 3
    # a fragment of the phrase plus a neighbour has no freedom on the side of the fragment
    assert (out[out["tokens"].str.startswith("数字 孪生 ")]["score"] < top["score"]).all()


def test_entropy_and_pmi_by_hand():
    # a b x | a b y | c a b   (3 documents); N = 9 tokens; count(a b) = 3, count(a) = 3, count(b) = 3
    docs = [["甲", "乙", "丙"], ["甲", "乙", "丁"], ["戊", "甲", "乙"]]
    out = discover_phrases(docs, min_count=3, top_n=None, dictionary=[])
    assert list(out["phrase"]) == ["甲乙"]
    r = out.iloc[0]
    assert r["pmi"] == pytest.approx(math.log2(3 * 9 / (3 * 3)))
    # left neighbours: <start>, <start>, 戊 -> each distinct: log2(3)
    assert r["left_entropy"] == pytest.approx(math.log2(3))
    # right neighbours: 丙, 丁, <end> -> log2(3)
    assert r["right_entropy"] == pytest.approx(math.log2(3))
    assert r["score"] == pytest.approx(math.log2(3) * math.log2(3))


def test_phrase_with_constant_neighbour_scores_zero():
    docs = [["甲", "乙", "丙"]] * 5
    out = discover_phrases(docs, min_count=5, top_n=None, dictionary=[]).set_index("tokens")
    # 甲 乙 is always followed by 丙: right entropy 0 -> score 0; 甲 乙 丙 is the unit
    assert out.loc["甲 乙", "right_entropy"] == pytest.approx(0.0)
    assert out.loc["甲 乙", "score"] == pytest.approx(0.0)
    assert out.loc["甲 乙 丙", "count"] == 5


def test_runs_break_at_documents_and_non_cjk_tokens():
    docs = [["数字", "5G", "孪生"]] * 6 + [["数字"], ["孪生"]] * 6
    assert discover_phrases(docs, min_count=2, dictionary=[]).empty


def test_in_dictionary_and_exclude_known(tmp_path):
    docs = synthetic_corpus()
    out = discover_phrases(docs, dictionary=["数字孪生"])
    assert bool(out.iloc[0]["in_dictionary"])
    assert "数字孪生" not in set(discover_phrases(docs, dictionary=["数字孪生"], exclude_known=True)["phrase"])
    f = tmp_path / "dict.txt"
    f.write_text("数字孪生 10 n\n# comment\n", encoding="utf-8")
    assert known_words(f) == {"数字孪生"}
    assert "全面从严治党" in known_words()  # default: bundled userdict.txt + slogans.txt


def test_phrases_options_and_errors():
    docs = synthetic_corpus()
    assert len(discover_phrases(docs, top_n=1, dictionary=[])) == 1
    assert discover_phrases([], dictionary=[]).empty
    assert discover_phrases(docs, min_count=1000, dictionary=[]).empty
    assert set(discover_phrases(docs, max_len=2, top_n=None, dictionary=[])["tokens"].str.count(" ")) == {1}
    for kw in ({"min_count": 0}, {"max_len": 1}, {"top_n": 0}):
        with pytest.raises(AnalysisError):
            discover_phrases(docs, **kw)
    with pytest.raises(AnalysisError):
        discover_phrases("not tokens")


# -------------------------------------------------------------------------------------------- kwic
@pytest.fixture
def corpus() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": ["b", "a", "c"],
            "company": ["中国移动", "中国联通", ""],
            "date": pd.to_datetime(["2024-03-01", "2023-05-18", None]),
            "title": ["移动", "联通", "无日期"],
            "text": [
                "坚决做到两个维护。\n两个维护<script>x</script>更加自觉",
                "增强四个意识，做到“两个维护”，坚定四个自信",
                "两个维护",
            ],
        }
    )


def test_kwic_basic(corpus):
    out = kwic(corpus, "两个维护", window=4)
    assert list(out.columns) == ["doc_id", "path", "company", "date", "title", "left", "match", "right", "start"]
    # sorted by date (undated last), then doc, then position
    assert list(out["doc_id"]) == ["a", "b", "b", "c"]
    first = out.iloc[0]
    assert (first["left"], first["match"], first["right"]) == ("，做到“", "两个维护", "”，坚定")
    assert first["company"] == "中国联通" and first["title"] == "联通"
    # the left context stops at the paragraph break; the match starts the second paragraph of b
    second_para = out.iloc[2]
    assert second_para["left"] == "" and second_para["right"] == "<scr"
    assert out.iloc[1]["right"] == "。"
    assert pd.isna(out.iloc[3]["date"]) and out.iloc[3]["company"] == "(none)"
    # text is returned as plain strings, markup untouched (never rendered, never escaped here)
    assert "<scr" in second_para["right"]
    assert all(corpus.set_index("doc_id").loc[r.doc_id, "text"][r.start : r.start + 4] == "两个维护"
               for r in out.itertuples())


def test_kwic_across_paragraphs_and_regex(corpus):
    out = kwic(corpus, "两个维护", window=6, cross_paragraphs=True)
    row = out[(out.doc_id == "b") & (out.start > 5)].iloc[0]
    assert row["left"] == "两个维护。" + PARAGRAPH_MARK  # 6 characters back, the break shown as ⏎
    out = kwic(corpus, r"四个(意识|自信)", regex=True, window=2)
    assert list(out["match"]) == ["四个意识", "四个自信"]
    assert kwic(corpus, "四个.识", window=2).empty  # literal by default
    assert len(kwic(corpus, "两个维护", max_rows=2)) == 2
    assert kwic(corpus, "不存在").empty
    assert list(kwic(corpus, "不存在").columns) == list(out.columns)
    assert kwic(corpus, "z*", regex=True).empty  # only empty matches: skipped
    assert list(kwic(corpus, "x*", regex=True)["match"]) == ["x"]
    with pytest.raises(AnalysisError):
        kwic(corpus, "")
    with pytest.raises(AnalysisError):
        kwic(corpus, "(", regex=True)
    with pytest.raises(AnalysisError):
        kwic(corpus.drop(columns=["text"]), "两个维护")


# ----------------------------------------------------------------------------------- collocations
def test_collocations_by_hand():
    # doc 1: 甲0 乙1 丙2 乙3 丁4 丙5    doc 2: 乙0 戊1 甲2 戊3     N = 10 tokens; term 乙 occurs 3 times
    # window 1, windows merged, the term's own positions left out:
    #   doc 1: around 1 -> {0, 2}, around 3 -> {2, 4}: positions {0, 2, 4} = 甲 丙 丁 (丙@2 counted once)
    #   doc 2: around 0 -> {1} = 戊                          -> R = 4 positions near the term
    # M = N - f(term) = 7 positions that are not the term
    # observed O: 甲 1, 丙 1, 丁 1, 戊 1;  corpus totals f(c): 甲 2, 丙 2, 丁 1, 戊 2
    # E(丁) = R * f / M = 4 / 7;  pmi(丁) = log2(7 / 4);   E(戊) = 8 / 7;  pmi(戊) = log2(7 / 8)
    # log_dice(丁) = 14 + log2(2 * 1 / (3 + 1)) = 13
    # t_score(丁) = (1 - 4/7) / 1
    docs = [["甲", "乙", "丙", "乙", "丁", "丙"], ["乙", "戊", "甲", "戊"]]
    out = collocations(fake_tokens(docs), "乙", window=1, min_count=1)
    assert list(out.columns) == ["term", "collocate", "count", "term_total", "collocate_total", "expected", "pmi",
                                 "log_dice", "g2", "t_score"]
    got = out.set_index("collocate")
    assert got.loc["丙", "count"] == 1 and got.loc["甲", "count"] == 1 and got.loc["戊", "count"] == 1
    assert got.loc["丁", "expected"] == pytest.approx(4 / 7)
    assert got.loc["丁", "pmi"] == pytest.approx(math.log2(7 / 4))
    assert got.loc["戊", "pmi"] == pytest.approx(math.log2(7 / 8))
    assert got.loc["丁", "log_dice"] == pytest.approx(13.0)
    assert got.loc["丁", "t_score"] == pytest.approx(3 / 7)
    assert got.loc["戊", "g2"] < 0 < got.loc["丁", "g2"]  # signed: repelled vs attracted
    assert set(got["term_total"]) == {3}
    assert "乙" not in got.index  # never its own collocate
    assert out.iloc[0]["collocate"] == "丁"  # sorted by pmi
    # min_count drops the rare ones
    assert collocations(docs, "乙", window=1, min_count=2).empty
    assert list(collocations(docs, "乙", window=2, min_count=2)["collocate"]) == ["丙", "甲"]
    by_count = collocations(docs, "乙", window=2, min_count=1, sort="count")
    assert by_count.iloc[0]["collocate"] in {"丙", "甲"} and by_count.iloc[0]["count"] == 2


def test_collocations_sentence_unit():
    corpus = pd.DataFrame({"doc_id": ["d1"], "text": ["甲 乙。乙 丙！\n丙 丁；甲 乙 甲"]})

    class SpaceTokenizer:
        def tokenize(self, s: str) -> list[str]:
            return [t for t in s.replace("。", " ").replace("！", " ").replace("；", " ").split() if t]

    sents = sentence_tokens(corpus, SpaceTokenizer())
    assert sents.docs == [["甲", "乙"], ["乙", "丙"], ["丙", "丁"], ["甲", "乙", "甲"]]
    assert list(sents.docvars["doc_id"]) == ["d1"] * 4
    # sentences: 4; term 乙 in 3; 甲 in 2 sentences, both with 乙: expected = 3 * 2 / 4 = 1.5
    out = collocations(sents, "乙", unit="sentence", min_count=1).set_index("collocate")
    assert out.loc["甲", "count"] == 2 and out.loc["甲", "collocate_total"] == 2
    assert out.loc["甲", "expected"] == pytest.approx(1.5)
    assert out.loc["甲", "pmi"] == pytest.approx(math.log2(2 / 1.5))
    with pytest.raises(AnalysisError, match="sentence"):
        collocations(fake_tokens(sents.docs), "乙", unit="sentence")


def test_collocations_edge_cases():
    docs = [["甲", "乙"]]
    with pytest.warns(UserWarning, match="does not occur"):
        assert collocations(docs, "不存在").empty
    for kw in ({"window": 0}, {"min_count": 0}, {"unit": "paragraph"}, {"sort": "dice"}):
        with pytest.raises(AnalysisError):
            collocations(docs, "甲", **kw)
    with pytest.raises(AnalysisError):
        collocations(docs, "")


def test_split_sentences():
    assert split_sentences("第一句。第二句！\n第三段；最后") == ["第一句。", "第二句！", "第三段；", "最后"]


def test_traditional_search_terms_find_simplified_text() -> None:
    import pandas as pd

    from analysis.stats.kwic import kwic

    corpus = pd.DataFrame(
        {
            "doc_id": ["a"],
            "company": ["中国联通"],
            "date": [pd.Timestamp("2024-01-30")],
            "title": ["t"],
            "text": ["公司坚持全面从严治党，推动高质量发展。"],
        }
    )
    assert kwic(corpus, "全面從嚴治黨")["match"].tolist() == ["全面从严治党"]


_KWIC_CHARS = "党建中国移动两个维护\n ，。Aa"


def _text_column(texts: list[str], kind: str | None) -> object:
    """Texts as Python strings (``kind`` None) or as an Arrow-backed array, as a corpus read back from
    parquet holds them."""
    if kind is None:
        return texts
    return pd.array(texts, dtype=pd.ArrowDtype(pa.large_string()) if kind == "large_string" else kind)


@settings(max_examples=150, deadline=None)
@given(
    texts=st.lists(st.text(alphabet=_KWIC_CHARS, max_size=60), min_size=1, max_size=4),
    term=st.text(alphabet=_KWIC_CHARS.replace("\n", ""), min_size=1, max_size=3),
    window=st.integers(0, 6),
    cross=st.booleans(),
    ignore_case=st.booleans(),
    kind=st.sampled_from([None, "string[pyarrow]", "large_string"]),
)
def test_kwic_of_a_literal_term_equals_the_search_paragraph_by_paragraph(texts, term, window, cross, ignore_case, kind):
    """A literal term is searched over the whole text at once (in an Arrow column: only the texts that
    Arrow counts it in): the same lines as the escaped term as a regular expression, which is searched
    one paragraph at a time."""
    corpus = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": _text_column(texts, kind)})
    options = {"window": window, "cross_paragraphs": cross, "ignore_case": ignore_case}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a term that never occurs: the not-found warning
        fast = kwic(corpus, term, **options)
        by_line = kwic(corpus, re.escape(term), regex=True, **options)
    pd.testing.assert_frame_equal(fast.reset_index(drop=True), by_line.reset_index(drop=True))


@settings(max_examples=100, deadline=None)
@given(
    docs=st.lists(
        st.tuples(
            st.text(alphabet=_KWIC_CHARS, max_size=40),
            st.sampled_from(["b", "a", "c", "党"]),  # doc_ids repeat
            st.sampled_from(["2022-05-01", "2021-01-01", None]),
            st.sampled_from(["中国移动", "", None]),
        ),
        min_size=1,
        max_size=6,
    ),
    term=st.sampled_from(["党", "两个", "a", "\n"]),
    max_rows=st.sampled_from([None, 0, 1, 2, 5]),
    kind=st.sampled_from([None, "string[pyarrow]", "large_string"]),
)
@example(  # same date: doc_id orders, not the corpus order; an undated document last; a doc_id repeated
    docs=[("党", "党", None, None), ("党", "b", "2022-05-01", ""), ("a党", "a", "2022-05-01", None), ("党党", "b", "2022-05-01", "")],
    term="党",
    max_rows=None,
    kind=None,
)
@example(  # max_rows ends inside the lines of a doc_id that two documents of one date share
    docs=[("党党", "b", "2022-05-01", ""), ("a", "a", None, None), ("党", "b", "2022-05-01", ""), ("党", "c", "2022-05-01", "")],
    term="党",
    max_rows=2,
    kind="large_string",
)
def test_kwic_rows_and_their_order_equal_a_pandas_oracle(docs, term, max_rows, kind):
    """Every line, and the documented order (date, undated last; doc_id; start), as pandas sorts them;
    the counts of all lines and documents in ``attrs``. ``kind``: the text column as Python strings or
    Arrow-backed (where a literal term is counted by Arrow and only the texts needed are searched)."""
    corpus = pd.DataFrame(
        {
            "doc_id": [d[1] for d in docs],
            "text": _text_column([d[0] for d in docs], kind),
            "date": pd.to_datetime(pd.Series([d[2] for d in docs], dtype=object)).to_numpy(),
            "company": pd.Series([d[3] for d in docs], dtype=object).to_numpy(),
        },
        index=[10 * i + 3 for i in range(len(docs))],  # not a RangeIndex
    )
    rows = []
    for text, doc_id, date, company in docs:
        offset = 0
        for line in text.split("\n"):
            for m in re.finditer(re.escape(term), line):
                rows.append((doc_id, "", company or "(none)", pd.Timestamp(date) if date else pd.NaT, "",
                             line[max(0, m.start() - 3) : m.start()], m.group(), line[m.end() : m.end() + 3],
                             offset + m.start()))
            offset += len(line) + 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = kwic(corpus, term, window=3, max_rows=max_rows)
    assert got.attrs["lines"] == len(rows) and got.attrs["rows"] == len(got)
    assert got.attrs["documents"] == sum(1 for d in docs if any(term in line for line in d[0].split("\n")))
    if not rows:
        assert got.empty
        return
    want = pd.DataFrame(rows, columns=list(got.columns)).astype({"date": corpus["date"].dtype, "start": "int64"})
    want = want.sort_values(["date", "doc_id", "start"], na_position="last", kind="stable").reset_index(drop=True)
    if max_rows is not None:
        want = want.head(max_rows)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert list(got.index) == list(range(len(got)))


class _Watched(list):
    """A list of texts that records which of them are read."""

    def __init__(self, items):
        super().__init__(items)
        self.read: list[int] = []

    def __getitem__(self, i):
        self.read.append(i)
        return super().__getitem__(i)


def test_near_variants_of_a_missing_term_read_a_bounded_sample_spread_over_the_corpus() -> None:
    from analysis.stats._suggest import text_variants

    filler = "公司召开会议研究部署相关工作。" * 60  # 900 characters, none of them in the term
    texts = _Watched([filler] * 4999 + ["深入推进全面从严治党工作。"])
    assert text_variants("全面从严治党向", texts, max_chars=90_000) == []
    assert len(texts.read) <= 101  # 90,000 characters: about a hundred texts, not five thousand
    assert max(texts.read) > 4000  # from across the corpus, not only its beginning
    # read whole when the budget allows: the one text that holds a variant is found
    small = _Watched([filler] * 999 + ["深入推进全面从严治党工作。"])
    assert text_variants("全面从严治党向", small)[:1] == ["全面从严治党"]
    assert sorted(small.read) == list(range(1000))


@pytest.mark.parametrize("max_rows", [None, 3])
def test_kwic_of_a_column_in_pieces_equals_that_of_python_strings(max_rows, monkeypatch: pytest.MonkeyPatch) -> None:
    """An Arrow text column in several pieces (a corpus read from parquet) is read a few texts at a time,
    and with ``max_rows`` only the texts needed: the lines of the same texts held as Python strings."""
    from analysis import _frames

    monkeypatch.setattr(_frames, "TEXT_STEP", 4)
    texts = [f"第{i}段坚持全面从严治党。" * (i % 3) + "其他内容" for i in range(12)]
    pieces = pa.chunked_array([texts[:5], texts[5:7], texts[7:]], type=pa.large_string())
    arrow = pd.DataFrame(
        {"doc_id": [f"d{i:02d}" for i in range(12)], "text": pd.array(pieces, dtype=pd.ArrowDtype(pa.large_string()))}
    )
    assert arrow["text"].array.__arrow_array__().num_chunks == 3
    plain = pd.DataFrame({"doc_id": arrow["doc_id"], "text": texts})
    got, want = kwic(arrow, "全面从严治党", max_rows=max_rows), kwic(plain, "全面从严治党", max_rows=max_rows)
    pd.testing.assert_frame_equal(got, want)
    assert got.attrs == want.attrs and got.attrs["lines"] == 12 and got.attrs["documents"] == 8
