"""Slogan (提法) extraction, lexicon, per-group profile and adoption timeline.

Hand counts on the sample documents were made with ``grep -o TERM FILE | wc -l`` on the raw files
(the terms below never straddle a PDF space or a <PAGE_DIV> in these files) and re-read in context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import AnalysisError, ReadError
from analysis.stats.slogans import (
    KINDS,
    MAX_COMPOUND,
    MAX_QUOTED,
    MAX_TITLE,
    SloganHit,
    adoption_timeline,
    extract_slogans,
    is_numbered,
    load_slogan_lexicon,
    normalize_slogan,
    slogan_counts,
    slogan_profile,
)

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
SEED = {
    "000": RAW / "000_80c5e8dbfcbfbb28.txt",
    "001": RAW / "001_d018b7b22c4d4108.txt",
    "002": RAW / "002_7056b8479da2a9af.txt",
    "003": RAW / "003_376b9caba071efd0.txt",
    "004": RAW / "004_83744d454e603408.txt",
}
_CJKP = r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef“”‘’]"


def local_repair(raw: str) -> str:
    """Minimal PDF repair, independent of analysis.ingest.clean: page markers out, spaces between CJK out."""
    text = raw.replace("<PAGE_DIV>", "")
    return re.sub(rf"(?<={_CJKP})[ \t]+(?={_CJKP})", "", text)


def cleaned_versions(raw: str) -> list[tuple[str, str]]:
    """The locally repaired text, plus analysis.ingest.clean's prepared and fully cleaned versions."""
    from analysis.ingest import clean

    return [
        ("local", local_repair(raw)),
        ("prepare", clean.prepare(raw).text),
        ("clean_text", clean.clean_text(raw)),
    ]


def counts(text: str, **kw) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    for h in extract_slogans(text, **kw):
        out[(h.text, h.kind)] = out.get((h.text, h.kind), 0) + 1
    return out


def texts(text: str, **kw) -> list[str]:
    return [h.text for h in extract_slogans(text, **kw)]


# ------------------------------------------------------------------------------------ sample seeds
@pytest.mark.parametrize("version", ["local", "prepare", "clean_text"])
def test_seed000_pdf_repaired_counts(version):
    versions = dict(cleaned_versions(SEED["000"].read_text(encoding="utf-8")))
    c = counts(versions[version])
    assert c[("全面从严治党", "lexicon")] == 12
    assert (
        c[("党风廉政建设", "lexicon")] == 15
    )  # 14 in the body + 1 inside 《中国联通党风廉政建设责任制实施办法》
    assert c[("四风", "numbered")] == 3
    assert c[("四个意识", "numbered")] == 1
    assert c[("四个自信", "numbered")] == 1
    assert c[("两个维护", "numbered")] == 1
    assert c[("中国联通党风廉政建设责任制实施办法", "title")] == 1
    assert c[("中国联通领导干部廉洁从业若干规定", "title")] == 1
    # leftmost-longest: 全面从严治党 is never also counted as 从严治党; 全面深化从严治党 is (x3)
    assert c[("从严治党", "lexicon")] == 3


def test_sample_corpus_counts(sample_corpus):
    """The same hand counts through the real pipeline (readers -> clean -> corpus, conftest fixture)."""
    by_seed = {
        p[:3]: doc_id for p, doc_id in zip(sample_corpus["path"], sample_corpus["doc_id"], strict=True)
    }
    c = slogan_counts(sample_corpus)
    got = {(r.doc_id, r.slogan): r.count for r in c.itertuples()}
    expected = {
        ("000", "全面从严治党"): 12,
        ("000", "党风廉政建设"): 15,
        ("000", "两个维护"): 1,
        ("001", "全面从严治党"): 5,
        ("001", "身边事"): 2,
        ("002", "三个抓实"): 1,
        ("002", "4+99+32"): 1,
        ("003", "两个维护"): 3,
        ("003", "两个确立"): 1,
        ("003", "十四五"): 1,
        ("004", "两个维护"): 2,
        ("004", "两个确立"): 1,
        ("004", "四下基层"): 2,
        ("004", "三会一课"): 2,
        ("004", "三不腐"): 1,
        ("004", "1+N"): 1,
    }
    assert {k: got.get((by_seed[k[0]], k[1])) for k in expected} == expected


def test_seed000_raw_text_gives_the_same_counts():
    """PDF spaces in seed 000 fall next to, never inside, these two terms (反腐败工 作, 、 具体)."""
    raw = SEED["000"].read_text(encoding="utf-8")
    assert "党风廉政建设和反腐败工 作" in raw
    c = counts(raw)
    assert (c[("全面从严治党", "lexicon")], c[("党风廉政建设", "lexicon")]) == (12, 15)


def test_profile_with_real_tokens(sample_corpus, cache_dir):
    from analysis.tokens import tokenize

    tokens = tokenize(sample_corpus, cache_dir=cache_dir, progress=False)
    prof = slogan_profile(sample_corpus, tokens, by="company")
    n_tokens = {
        g: sum(len(d) for d, c in zip(tokens.docs, tokens.docvars["company"], strict=True) if c == g)
        for g in ("中国联通", "中国移动")
    }
    r = prof[(prof.group == "中国联通") & (prof.slogan == "全面从严治党")].iloc[0]
    assert r["group_tokens"] == n_tokens["中国联通"] and r["count"] == 17 and r["docs_with_term"] == 2
    assert r["rate_per_10k"] == pytest.approx(17 / n_tokens["中国联通"] * 10_000)


def test_seed001_spaces_inside_and_around_quotes():
    text = local_repair(SEED["001"].read_text(encoding="utf-8"))
    c = counts(text)
    assert c[("身边事", "quoted")] == 2
    assert c[("身边人", "quoted")] == 2
    assert c[("现场+视频", "quoted")] == 3
    assert c[("张清贵违法犯罪案件警示录", "title")] == 2
    # with the original spacing the quote content is stripped too: “ 身边事 ” style
    raw_hits = [h for h in extract_slogans(SEED["001"].read_text(encoding="utf-8")) if h.text == "身边事"]
    assert len(raw_hits) == 2


def test_seed002_reversed_and_unbalanced_quotes():
    text = local_repair(SEED["002"].read_text(encoding="utf-8"))
    hits = extract_slogans(text)
    by_text = {h.text: h for h in hits}
    h = by_text["三个抓实"]
    assert h.kind == "numbered"
    assert text[h.start - 1] == "”" and text[h.end] == "“"  # ”三个抓实“: reversed marks
    assert text[h.start : h.end] == "三个抓实"
    # “实施人才强企,打造雇主品牌“ (closing mark reversed) and ”边学边调研…边找方法边整改“
    assert by_text["实施人才强企,打造雇主品牌"].kind == "quoted"
    assert by_text["边学边调研、边调研边找方法、边找方法边整改"].kind == "quoted"
    # the reversed pairs did not unpair the quotes that follow them in the same paragraph
    assert "真学" in by_text and "真用" in by_text
    c = counts(text)
    assert c[("4+99+32", "numbered")] == 1
    assert c[("学思想、强党性、重实践、建新功", "lexicon")] == 1
    assert c[("主题教育", "lexicon")] == 26
    assert c[("三读三悟三增强", "numbered")] == 1
    # “六项基层行动、十项攻坚工程、六 +X 项整改任务”: compound kept, numbered parts reported too
    assert c[("六项基层行动、十项攻坚工程、六+X项整改任务", "numbered")] == 1
    assert c[("六+X项整改任务", "numbered")] == 1
    # no quoted span crosses a sentence end
    assert all("。" not in h.text for h in hits)


def test_seed003_numbered():
    c = counts(local_repair(SEED["003"].read_text(encoding="utf-8")))
    assert c[("十四五", "numbered")] == 1
    assert c[("两个维护", "numbered")] == 3
    assert c[("两个确立", "numbered")] == 1
    assert c[("党史学习教育", "lexicon")] == 25
    assert c[("学党史、悟思想、办实事、开新局", "lexicon")] == 1
    # the front matter time "13:02:46 +0800" is no x+y formula
    assert not any("0800" in t for t, _ in c)


def test_seed004_numbered():
    c = counts(local_repair(SEED["004"].read_text(encoding="utf-8")))
    assert c[("两个维护", "numbered")] == 2
    assert c[("两个确立", "numbered")] == 1
    assert c[("四下基层", "numbered")] == 2
    assert c[("三会一课", "numbered")] == 2
    assert c[("三不腐", "numbered")] == 1
    assert c[("1+N", "numbered")] == 1
    assert c[("1+1", "numbered")] == 1
    assert c[("枫桥经验", "lexicon")] == 2
    assert c[("领题破题合力攻坚", "quoted")] == 1  # “领题破题 合力攻坚”: PDF space removed
    assert ("一个问题", "quoted") in c  # a lone 一 does not make a numbered formulation
    assert ("双向审核", "numbered") not in c  # 双向 is a plain word
    assert c[("BASIC6", "quoted")] == 1


# ------------------------------------------------------------------------------------ extraction
@pytest.mark.parametrize(
    "text",
    [
        "要增强“四个意识”。",
        "要增强”四个意识“。",
        "要增强“四个意识“。",
        "要增强”四个意识”。",
        "要增强「四个意识」。",
        "要增强『四个意识』。",
        '要增强"四个意识"。',
        "要增强‘四个意识’。",
        "要增强＂四个意识＂。",
        "要增强〝四个意识〞。",
    ],
)
def test_every_quote_style(text):
    hits = extract_slogans(text, lexicon=[])
    assert [(h.text, h.kind, h.start, h.end) for h in hits] == [("四个意识", "numbered", 4, 8)]


def test_unbalanced_quote_does_not_swallow_the_paragraph():
    text = "他说“我们要坚定不移推进改革发展，持续提升服务质量和效率，确保各项任务落实到位，真抓实干 坚定“两个维护”和“四个自信”。"
    hits = extract_slogans(text, lexicon=[])
    assert [h.text for h in hits] == ["两个维护", "四个自信"]


def test_sentence_end_blocks_a_pair_but_not_the_next_one():
    text = "第一句“没有收尾。第二句“四个意识”。"
    assert texts(text, lexicon=[]) == ["四个意识"]


def test_single_character_quotes_pair_but_are_not_slogans():
    # “实”字 is emphasis; its marks must still pair, else 字功夫，以 would become a "slogan"
    text = "下足“实”字功夫，以“真学”“真思”推进"
    assert texts(text, lexicon=[]) == ["真学", "真思"]


def test_hits_never_cross_lines():
    text = "开头“四个\n意识”结尾"
    assert extract_slogans(text, lexicon=[]) == []


def test_quoted_length_is_capped():
    long = "甲" * (MAX_QUOTED + 1)
    assert texts(f"“{long}”", lexicon=[]) == []
    assert texts(f"“{'甲' * MAX_QUOTED}”", lexicon=[]) == ["甲" * MAX_QUOTED]


def test_only_lists_with_dunhao_may_be_longer():
    clause = (
        "坚定不移推进改革发展，持续提升服务质量，确保落实"  # 24 characters with commas: speech, not a slogan
    )
    assert texts(f"“{clause}”", lexicon=[]) == []
    listing = "理论学习有收获、思想政治受洗礼、干事创业敢担当、为民服务解难题、清正廉洁作表率"
    assert texts(f"“{listing}”", lexicon=[]) == [listing]


def test_title_kind_and_nested_lexicon_term():
    hits = extract_slogans("修订《党风廉政建设责任制实施办法》。", lexicon=["党风廉政建设"])
    assert [(h.text, h.kind) for h in hits] == [
        ("党风廉政建设责任制实施办法", "title"),
        ("党风廉政建设", "lexicon"),
    ]


def test_precedence_one_hit_per_span():
    # quoted text equal to a lexicon term or a numbered formulation is reported once, with that kind
    assert counts("坚持“全面从严治党”", lexicon=["全面从严治党"]) == {("全面从严治党", "lexicon"): 1}
    assert counts("做到“两个维护”", lexicon=["两个维护"]) == {("两个维护", "numbered"): 1}
    assert counts("“1+N”体系") == {("1+N", "numbered"): 1}
    # same text, same kind whether quoted or not
    assert counts("两个维护和“两个维护”", lexicon=["两个维护"]) == {("两个维护", "numbered"): 2}


def test_lexicon_longest_match_non_overlapping():
    lex = ["从严治党", "全面从严治党"]
    assert texts("推进全面从严治党", lexicon=lex) == ["全面从严治党"]
    assert texts("全面深化从严治党", lexicon=lex) == ["从严治党"]
    assert texts("全面从严治党全面从严治党", lexicon=lex) == ["全面从严治党", "全面从严治党"]


def test_compound_split():
    lex = ["学思想、强党性、重实践、建新功", "学思想", "建新功"]
    text = "聚焦“学思想、强党性、重实践、建新功”总要求"
    assert texts(text, lexicon=lex) == ["学思想、强党性、重实践、建新功", "学思想", "建新功"]
    assert texts(text, lexicon=lex, split_compound=False) == ["学思想、强党性、重实践、建新功"]
    # a quoted list of numbered formulations: compound (numbered, starts with 两) + its parts
    c = counts("增强“两个维护、四个意识”", lexicon=[])
    assert c == {
        ("两个维护、四个意识", "numbered"): 1,
        ("两个维护", "numbered"): 1,
        ("四个意识", "numbered"): 1,
    }
    assert counts("增强“两个维护、四个意识”", lexicon=[], split_compound=False) == {
        ("两个维护、四个意识", "numbered"): 1
    }
    # parts that are plain words are not slogans of their own
    assert texts("强化“理论学习、调查研究、推动发展”", lexicon=[]) == ["理论学习、调查研究、推动发展"]
    # a lexicon part inside a longer part is found: 一体推进不敢腐 -> 不敢腐
    lex = ["一体推进不敢腐、不能腐、不想腐", "不敢腐", "不能腐", "不想腐"]
    assert texts("一体推进不敢腐、不能腐、不想腐", lexicon=lex) == [
        "一体推进不敢腐、不能腐、不想腐",
        "不敢腐",
        "不能腐",
        "不想腐",
    ]


def test_plain_text_numbered_shapes():
    assert counts("构建1+N制度体系", lexicon=[]) == {("1+N", "numbered"): 1}
    assert counts("完成“十四五”规划和十四五时期目标", lexicon=[]) == {("十四五", "numbered"): 2}
    # not formulas: times, 5G+, 二十五, counted phrases in running text
    for text in ["2022-01-14 13:02:46 +0800", "推进5G+行业应用", "共二十五人", "从四个方面阐述", "A+B"]:
        assert extract_slogans(text, lexicon=[]) == [], text


@pytest.mark.parametrize(
    "text",
    [
        "两个维护",
        "四个意识",
        "三不腐",
        "四下基层",
        "十四五",
        "十九大",
        "1+N",
        "4+99+32",
        "六+X项整改任务",
        "一岗双责",
        "一老一少",
        "一二二五",
        "三会一课",
        "两学一做",
        "12字",
        "五字诀",
    ],
)
def test_is_numbered_yes(text):
    assert is_numbered(text)


@pytest.mark.parametrize(
    "text", ["一个问题", "一体化", "双向审核", "5G", "A+B", "第一议题", "全面从严治党", "1729"]
)
def test_is_numbered_no(text):
    assert not is_numbered(text)


def test_normalisation():
    assert normalize_slogan(" 身边事 ") == "身边事"
    assert normalize_slogan("六 +X 项") == "六+X项"
    assert normalize_slogan("１＋Ｎ") == "1+N"
    assert normalize_slogan("Wi  Fi") == "Wi Fi"
    hit = extract_slogans("用 “ 身边事 ” 警醒", lexicon=[])[0]
    assert hit == SloganHit("身边事", "quoted", 4, 7)


def test_bad_input():
    with pytest.raises(AnalysisError):
        extract_slogans(None)  # type: ignore[arg-type]
    with pytest.raises(AnalysisError):
        extract_slogans("x", lexicon="全面从严治党")  # a str is not a list of terms


# -------------------------------------------------------------------------------- property tests
_ALPHABET = list(
    '“”‘’「」『』"＂《》〈〉、，,。！？；  \n\t+1N２两个维护四意识三不腐十五学思想一二党建设ABC的'
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(alphabet=st.sampled_from(_ALPHABET), max_size=120), st.text(max_size=80)))
def test_extractor_properties(text):
    hits = extract_slogans(text)
    spans = set()
    for h in hits:
        assert h.kind in KINDS
        assert 0 <= h.start < h.end <= len(text)
        assert "\n" not in text[h.start : h.end]
        assert normalize_slogan(text[h.start : h.end]) == h.text
        assert h.text
        if h.kind == "title":
            assert len(h.text) <= MAX_TITLE
        elif h.kind == "quoted":
            assert len(h.text) <= MAX_COMPOUND
        assert (h.start, h.end) not in spans
        spans.add((h.start, h.end))
    assert hits == sorted(hits, key=lambda h: (h.start, -h.end))


# ------------------------------------------------------------------------------------------ lexicon
def test_bundled_lexicon():
    terms = load_slogan_lexicon()
    assert 150 <= len(terms) <= 400
    assert len(set(terms)) == len(terms)
    for t in [
        "全面从严治党",
        "党风廉政建设",
        "两个维护",
        "四个意识",
        "四个自信",
        "两个确立",
        "主题教育",
        "党纪学习教育",
        "警示教育",
        "高质量发展",
        "三不腐",
        "一体推进不敢腐、不能腐、不想腐",
        "四风",
        "第一议题",
        "中央八项规定精神",
        "党史学习教育",
        "不忘初心、牢记使命",
        "三会一课",
        "四下基层",
        "枫桥经验",
        "自我革命",
        "两学一做",
        "三严三实",
        "群众路线教育实践活动",
        "网络强国",
        "数字中国",
        "新质生产力",
        "国之重器",
        "一岗双责",
        "以案促改",
        "廉洁文化",
        "正风肃纪反腐",
        "政治监督",
        "学思想、强党性、重实践、建新功",
        "学党史、悟思想、办实事、开新局",
        "十四五",
    ]:
        assert t in terms, t
    assert all(normalize_slogan(t) == t for t in terms)
    # no term hides a counted slogan behind a generic suffix (leftmost-longest matching)
    for short, long in [
        ("党风廉政建设", "党风廉政建设和反腐败工作"),
        ("全面从严治党", "全面从严治党永远在路上"),
    ]:
        assert long not in terms and short in terms


def test_lexicon_files(tmp_path):
    f = tmp_path / "mine.txt"
    f.write_text("# my terms\n数字孪生  # comment\n\n全面从严治党\n", encoding="utf-8")
    terms = load_slogan_lexicon(extra=[f])
    assert "数字孪生" in terms and terms.count("全面从严治党") == 1
    assert load_slogan_lexicon(f) == ["数字孪生", "全面从严治党"]
    assert texts("推进数字孪生", lexicon=load_slogan_lexicon(f)) == ["数字孪生"]
    with pytest.raises(ReadError):
        load_slogan_lexicon(tmp_path / "missing.txt")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\xfa")
    with pytest.raises(ReadError):
        load_slogan_lexicon(bad)


# ------------------------------------------------------------------------------------ corpus tables
@dataclass
class FakeTokens:
    docs: list[list[str]]
    docvars: pd.DataFrame
    tokenizer_hash: str = "test"
    extra: dict = field(default_factory=dict)


@pytest.fixture
def corpus() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": ["d1", "d2", "d3", "d4"],
            "company": ["中国联通", "中国联通", "中国移动", ""],
            "year": pd.array([2023, 2024, 2024, pd.NA], dtype="Int64"),
            "date": pd.to_datetime(["2023-05-18", "2024-01-30", "2024-03-01", None]),
            "title": ["a", "b", "c", "d"],
            "text": [
                "坚决做到“两个维护”。全面从严治党。",
                "全面从严治党永远在路上，全面从严治党。\n做到两个维护。",
                "践行“四下基层”，做到“两个维护”。",
                "全面从严治党",
            ],
        }
    )


LEX = ["全面从严治党", "两个维护", "四下基层"]


def tokens_for(corpus: pd.DataFrame, sizes: list[int]) -> FakeTokens:
    return FakeTokens([["词"] * n for n in sizes], corpus.drop(columns=["text"]))


def test_slogan_counts(corpus):
    out = slogan_counts(corpus, lexicon=LEX)
    assert list(out.columns) == ["doc_id", "slogan", "kind", "count", "count_standalone"]
    assert (out["count"] == out["count_standalone"]).all()  # nothing nested here
    got = {(r.doc_id, r.slogan, r.kind): r.count for r in out.itertuples()}
    assert got == {
        ("d1", "两个维护", "numbered"): 1,
        ("d1", "全面从严治党", "lexicon"): 1,
        ("d2", "全面从严治党", "lexicon"): 2,
        ("d2", "两个维护", "numbered"): 1,
        ("d3", "四下基层", "numbered"): 1,
        ("d3", "两个维护", "numbered"): 1,
        ("d4", "全面从严治党", "lexicon"): 1,
    }
    assert list(out["doc_id"]) == ["d1", "d1", "d2", "d2", "d3", "d3", "d4"]
    only = slogan_counts(corpus, lexicon=LEX, kinds=["lexicon"])
    # the lexicon's formulations, numbered ones included (issue 13: 两个维护 was silently dropped)
    assert set(only["slogan"]) == set(LEX)
    assert set(slogan_counts(corpus, lexicon=LEX, kinds=["numbered"])["kind"]) == {"numbered"}
    with pytest.raises(AnalysisError):
        slogan_counts(corpus, kinds=["bogus"])
    with pytest.raises(AnalysisError):
        slogan_counts(corpus.drop(columns=["text"]))


def test_slogan_profile_by_company_with_tokens(corpus):
    tokens = tokens_for(corpus, [100, 300, 50, 10])
    out = slogan_profile(corpus, tokens, by="company", lexicon=LEX)
    assert list(out.columns) == [
        "group",
        "slogan",
        "kind",
        "count",
        "count_standalone",
        "rate_per_10k",
        "docs_with_term",
        "first_date",
        "last_date",
        "group_docs",
        "group_tokens",
        "in_lexicon",
        "rate_ci_low",
        "rate_ci_high",
        "thin_group",
    ]
    row = out[(out.group == "中国联通") & (out.slogan == "全面从严治党")].iloc[0]
    # d1 (1) + d2 (2) = 3 occurrences in 100 + 300 tokens -> 3 / 400 * 10,000 = 75
    assert row["count"] == 3 and row["docs_with_term"] == 2
    assert row["rate_per_10k"] == pytest.approx(75.0)
    assert row["first_date"] == pd.Timestamp("2023-05-18") and row["last_date"] == pd.Timestamp("2024-01-30")
    assert row["group_docs"] == 2 and row["group_tokens"] == 400
    row = out[(out.group == "中国移动") & (out.slogan == "两个维护")].iloc[0]
    assert row["rate_per_10k"] == pytest.approx(1 / 50 * 10_000)
    # the document without a company is its own group "(none)", undated -> NaT
    row = out[out.group == "(none)"].iloc[0]
    assert (
        row["slogan"] == "全面从严治党"
        and pd.isna(row["first_date"])
        and row["rate_per_10k"] == pytest.approx(1000.0)
    )
    assert list(dict.fromkeys(out["group"])) == ["中国移动", "中国联通", "(none)"]  # DTM.group order


def test_slogan_profile_other_groupings(corpus):
    tokens = tokens_for(corpus, [100, 300, 50, 10])
    by_year = slogan_profile(corpus, tokens, by="year", lexicon=LEX)
    assert set(by_year["group"]) == {"2023", "2024", "(undated)"}
    r = by_year[(by_year.group == "2024") & (by_year.slogan == "两个维护")].iloc[0]
    assert r["count"] == 2 and r["docs_with_term"] == 2 and r["rate_per_10k"] == pytest.approx(2 / 350 * 10_000)
    both = slogan_profile(corpus, tokens, by=["company", "year"], lexicon=LEX)
    assert "中国联通|2024" in set(both["group"])
    overall = slogan_profile(corpus, tokens, by=None, lexicon=LEX)
    assert set(overall["group"]) == {"(all)"}
    r = overall[overall.slogan == "全面从严治党"].iloc[0]
    assert r["count"] == 4 and r["docs_with_term"] == 3 and r["rate_per_10k"] == pytest.approx(4 / 460 * 10_000)
    assert r["first_date"] == pd.Timestamp("2023-05-18") and r["last_date"] == pd.Timestamp("2024-01-30")
    # min_docs counts documents in the whole corpus: 四下基层 is in one document only
    assert "四下基层" not in set(
        slogan_profile(corpus, tokens, by="company", min_docs=2, lexicon=LEX)["slogan"]
    )
    assert set(slogan_profile(corpus, tokens, by="company", kinds=["numbered"], lexicon=LEX)["kind"]) == {
        "numbered"
    }
    with pytest.raises(AnalysisError):
        slogan_profile(corpus, tokens, by="nonexistent", lexicon=LEX)


def test_slogan_profile_without_tokens_uses_characters(corpus):
    out = slogan_profile(corpus, None, by=None, lexicon=LEX)
    assert "rate_per_10k_chars" in out.columns and "rate_per_10k" not in out.columns
    n_chars = sum(len(re.sub(r"\s", "", t)) for t in corpus["text"])
    r = out[out.slogan == "全面从严治党"].iloc[0]
    assert r["group_tokens"] == n_chars
    assert r["rate_per_10k_chars"] == pytest.approx(4 / n_chars * 10_000)


def test_slogan_profile_tokens_must_match(corpus):
    other = corpus.assign(doc_id=["x1", "x2", "x3", "x4"])
    with pytest.raises(AnalysisError, match="do not cover"):
        slogan_profile(corpus, tokens_for(other, [1, 1, 1, 1]), lexicon=LEX)
    # the tokens may come in another order: they are matched by doc_id
    shuffled = corpus.iloc[::-1].reset_index(drop=True)
    tokens = tokens_for(shuffled, [10, 50, 300, 100])
    a = slogan_profile(corpus, tokens, lexicon=LEX)
    b = slogan_profile(corpus, tokens_for(corpus, [100, 300, 50, 10]), lexicon=LEX)
    pd.testing.assert_frame_equal(a, b)


def test_adoption_timeline(corpus):
    out = adoption_timeline(corpus, lexicon=LEX)
    assert list(out.columns) == [
        "slogan",
        "kind",
        "company",
        "first_date",
        "last_date",
        "docs_with_term",
        "n_dated",
        "count",
        "count_standalone",
    ]
    r = out[(out.slogan == "全面从严治党") & (out.company == "中国联通")].iloc[0]
    assert (r["first_date"], r["last_date"]) == (pd.Timestamp("2023-05-18"), pd.Timestamp("2024-01-30"))
    assert (r["docs_with_term"], r["n_dated"], r["count"]) == (2, 2, 3)
    # undated documents count in docs_with_term, not in the dates
    r = out[(out.slogan == "全面从严治党") & (out.company == "(none)")].iloc[0]
    assert pd.isna(r["first_date"]) and (r["docs_with_term"], r["n_dated"]) == (1, 0)
    # ordered by the slogan's first use anywhere; undated rows last within the slogan
    assert list(dict.fromkeys(out["slogan"])) == ["两个维护", "全面从严治党", "四下基层"]
    assert list(out[out.slogan == "全面从严治党"]["company"]) == ["中国联通", "(none)"]
    sub = adoption_timeline(corpus, slogans=["四下基层"], lexicon=LEX)
    assert list(sub["slogan"]) == ["四下基层"] and sub.iloc[0]["company"] == "中国移动"
    assert adoption_timeline(corpus, slogans=["不存在"], lexicon=LEX).empty
    assert adoption_timeline(corpus, min_docs=3, lexicon=LEX)["slogan"].unique().tolist() == [
        "两个维护",
        "全面从严治党",
    ]


def test_samples_profile_end_to_end():
    """All five samples as a corpus (locally repaired): the seed counts add up per company."""
    rows = []
    for i, (key, path) in enumerate(SEED.items()):
        rows.append(
            {
                "doc_id": key,
                "company": "中国移动" if key == "004" else "中国联通",
                "date": pd.Timestamp(
                    ["2024-01-30", "2024-07-30", "2023-05-18", "2022-01-14", "2024-02-01"][i]
                ),
                "text": local_repair(path.read_text(encoding="utf-8")),
            }
        )
    corpus = pd.DataFrame(rows)
    prof = slogan_profile(corpus, by="company")
    r = prof[(prof.group == "中国联通") & (prof.slogan == "两个维护")].iloc[0]
    assert (r["count"], r["docs_with_term"]) == (4, 2)  # seed 000 (1) + seed 003 (3)
    assert r["first_date"] == pd.Timestamp("2022-01-14") and r["last_date"] == pd.Timestamp("2024-01-30")
    r = prof[(prof.group == "中国移动") & (prof.slogan == "两个维护")].iloc[0]
    assert (r["count"], r["docs_with_term"]) == (2, 1)
    tl = adoption_timeline(corpus, slogans=["全面从严治党"])
    r = tl[tl.company == "中国联通"].iloc[0]
    assert (r["count"], r["docs_with_term"]) == (17, 2)  # seed 000 (12) + seed 001 (5)
