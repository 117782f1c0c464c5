"""Tokenizer (segmentation, filters, resources, hash, backends) and the cached, parallel tokenize()."""

from __future__ import annotations

import difflib
import hashlib
import logging
import multiprocessing
import os
import pickle
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import analysis.tokens as tokens_mod
from analysis import config
from analysis.errors import AnalysisError, ReadError
from analysis.tokens import Tokenizer, Tokens, load_slogan_terms, load_stopwords, load_user_dict, tokenize

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def tk() -> Tokenizer:
    return Tokenizer()


@pytest.fixture(scope="module")
def raw_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(RAW.glob("*.txt"))]


@pytest.fixture(scope="module")
def jieba_nohmm() -> Tokenizer:
    return Tokenizer(backend="jieba", hmm=False)


@pytest.fixture(scope="module")
def rjieba_nohmm() -> Tokenizer:
    return Tokenizer(hmm=False)


def small_corpus() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": ["a", "b", "c", "d"],
            "company": ["中国联通", "中国移动", "中国电信", "中国联通"],
            "text": [
                "巩固深化党纪学习教育成效 推动企业全面从严治党向纵深发展",
                "坚决做到“两个维护”的自觉性更加增强",
                "以“三会一课”、主题党日为载体,构建1+N制度体系,加强党的纪律建设",
                "巩固深化党纪学习教育成效 推动企业全面从严治党向纵深发展",  # same text as "a"
            ],
        },
        index=[10, 20, 30, 40],
    )


# ------------------------------------------------------------------------------ pinned segmentation
# Real sentences from the sample documents; expected lists checked by hand (slogans whole, sensible cuts).
PINNED_SEGMENT = [
    (  # seed 001, title
        "巩固深化党纪学习教育成效 推动企业全面从严治党向纵深发展",
        ["巩固", "深化", "党纪学习教育", "成效", " ", "推动", "企业", "全面从严治党", "向", "纵深", "发展"],
    ),
    (  # seed 004
        "坚决做到“两个维护”的自觉性更加增强",
        ["坚决", "做到", "“", "两个维护", "”", "的", "自觉性", "更加", "增强"],
    ),
    (  # seed 000
        "不断增强“四个意识”、坚定“四个自信”、做到“两个维护”。",
        ["不断", "增强", "“", "四个意识", "”", "、", "坚定", "“", "四个自信", "”", "、", "做到", "“", "两个维护",
         "”", "。"],
    ),
    (  # seed 003
        "深刻领会“两个确立”的决定性意义，在践行“两个维护”上常抓不懈、久久为功",
        ["深刻领会", "“", "两个确立", "”", "的", "决定性", "意义", "，", "在", "践行", "“", "两个维护", "”", "上",
         "常抓不懈", "、", "久久为功"],
    ),
    (  # seed 004
        "中国移动坚持践行“四下基层”和新时代“枫桥经验”",
        ["中国移动", "坚持", "践行", "“", "四下基层", "”", "和", "新时代", "“", "枫桥经验", "”"],
    ),
    (  # seed 000
        "强调了以严的基调强化政治监督、正风肃纪反腐的极端重要性",
        ["强调", "了", "以", "严的基调", "强化", "政治监督", "、", "正风肃纪反腐", "的", "极端", "重要性"],
    ),
    (  # seed 000
        "中国联通积极响应并深入贯彻国务院国资委党委召开的党风廉政建设和反腐败工作会议精神",
        ["中国联通", "积极响应", "并", "深入", "贯彻", "国务院国资委", "党委", "召开", "的", "党风廉政建设", "和",
         "反腐败", "工作", "会议", "精神"],
    ),
    (  # seed 001
        "会上,纪检监察组组长、党组成员董群传达了习近平总书记关于全面加强党的纪律建设的重要论述",
        ["会上", ",", "纪检监察组", "组长", "、", "党组", "成员", "董群", "传达", "了", "习近平", "总书记", "关于",
         "全面", "加强", "党", "的", "纪律建设", "的", "重要", "论述"],
    ),
    (  # seed 001
        "深化以案说德、 以案说纪、以案说法、以案说责",
        ["深化", "以案说德", "、", " ", "以案说纪", "、", "以案说法", "、", "以案说责"],
    ),
    (  # seed 000
        "引导党员干部以案为鉴、以案促改,筑牢拒腐防变的思想防线",
        ["引导", "党员干部", "以案为鉴", "、", "以案促改", ",", "筑牢", "拒腐防变", "的", "思想", "防线"],
    ),
    (  # seed 002
        "中国联通坚持把高标准高质量抓好主题教育作为一项重大政治任务",
        ["中国联通", "坚持", "把", "高标准", "高质量", "抓好", "主题教育", "作为", "一项", "重大", "政治任务"],
    ),
]

PINNED_TOKENIZE = [
    (
        "巩固深化党纪学习教育成效 推动企业全面从严治党向纵深发展",
        ["巩固", "深化", "党纪学习教育", "成效", "推动", "企业", "全面从严治党", "纵深", "发展"],
    ),
    ("坚决做到“两个维护”的自觉性更加增强", ["坚决", "做到", "两个维护", "自觉性", "增强"]),
    (  # seed 004: numbers, punctuation, 各/次 (single characters) out
        "中国移动党组开展集体学习46次,各单位党委开展学习研讨1828次",
        ["中国移动", "党组", "开展", "集体", "学习", "单位", "党委", "开展", "学习研讨"],
    ),
    (  # seed 004
        "全体党员通过“三会一课”、主题党日深入学习党的创新理论",
        ["全体", "党员", "三会一课", "主题党日", "深入", "学习", "创新", "理论"],
    ),
    (  # news boilerplate out
        "发布时间：2024-07-30 发布人：新闻宣传中心",
        ["新闻宣传中心"],
    ),
    (
        "本报讯（记者 张三 通讯员 李四）据悉，中国铁塔进一步推进相关工作。责任编辑：王五",
        ["张三", "李四", "中国铁塔", "推进", "工作", "王五"],
    ),
]


@pytest.mark.parametrize(("text", "expected"), PINNED_SEGMENT)
def test_segment_pinned(tk: Tokenizer, text: str, expected: list[str]) -> None:
    assert tk.segment(text) == expected


@pytest.mark.parametrize(("text", "expected"), PINNED_TOKENIZE)
def test_tokenize_pinned(tk: Tokenizer, text: str, expected: list[str]) -> None:
    assert tk.tokenize(text) == expected


SLOGANS = [
    "全面从严治党", "党风廉政建设", "两个维护", "四个意识", "四个自信", "两个确立", "主题教育", "党纪学习教育",
    "警示教育", "高质量发展", "三不腐", "四风", "第一议题", "中央八项规定", "党史学习教育", "三会一课", "主题党日",
    "四下基层", "枫桥经验", "国资委", "纪检监察组", "中国联通", "中国移动", "中国电信", "中国铁塔", "中国广电",
    "党组", "党委", "廉洁文化", "正风肃纪反腐", "自我革命", "政治监督", "一岗双责", "两个责任", "以案促改",
    "以案说德", "十四五", "十五五", "1+N", "两个务必", "四个全面", "五位一体", "新质生产力", "学纪知纪明纪守纪",
]


@pytest.mark.parametrize("slogan", SLOGANS)
def test_slogans_stay_whole(tk: Tokenizer, slogan: str) -> None:
    for text in (f"要坚持{slogan}，推动工作", f"“{slogan}”", f"深入落实{slogan}要求"):
        assert slogan in tk.segment(text), (text, tk.segment(text))


def test_every_dictionary_term_stays_whole(tk: Tokenizer) -> None:
    terms = [w for w, _, _ in load_user_dict(config.USERDICT_FILE)] + load_slogan_terms(config.SLOGANS_FILE)
    split = [(t, tk.segment(f"要{t}。")) for t in terms if t not in tk.segment(f"要{t}。")]
    assert not split


def test_slogan_counts_in_seed_000(sample_corpus: pd.DataFrame, tmp_path: Path) -> None:
    # issue 3: seed 000 uses 全面从严治党 12 times and 党风廉政建设 15 times once its PDF spacing is repaired
    toks = tokenize(sample_corpus, cache_dir=tmp_path, progress=False)
    row = sample_corpus.index[sample_corpus["path"].str.startswith("000_")][0]
    doc = toks.docs[sample_corpus.index.get_loc(row)]
    assert doc.count("全面从严治党") == 12
    assert doc.count("党风廉政建设") == 15


# --------------------------------------------------------------------------------------- filters
def test_filter_rules(tk: Tokenizer) -> None:
    text = "构建“1+N”制度体系，推进5G-A和4G网络，APP上线，ICT业务增长30%，2024年完成1.8万个基站，落实十四五规划"
    out = tk.tokenize(text)
    for kept in ("1+N", "5G-A", "4G", "APP", "ICT", "十四五", "制度", "基站"):
        assert kept in out
    for dropped in ("“", "，", "30%", "2024", "1.8", "和", "年"):
        assert dropped in tk.segment(text) and dropped not in out
    assert all(len(t) > 1 for t in out)


def test_stopwords(tk: Tokenizer) -> None:
    for word in ("的", "我们", "进一步", "相关", "有关", "发布时间", "责任编辑", "本报讯", "据悉", "此外"):
        assert tk.is_stopword(word)
    assert tk.is_stopword("HTTP") and tk.is_stopword("www")  # ASCII case-folded
    for content in ("工作", "发展", "建设", "党建", "全面从严治党", "5G"):
        assert not tk.is_stopword(content)


def test_keep_single_chars_and_numbers() -> None:
    text = "中国移动党组开展集体学习46次,各单位党委开展学习研讨1828次，加强党的纪律建设"
    default = Tokenizer().tokenize(text)
    singles = Tokenizer(keep_single_chars=True).tokenize(text)
    numbers = Tokenizer(keep_numbers=True).tokenize(text)
    assert "次" not in default and "次" in singles and "党" in singles
    assert "的" not in singles and "各" not in singles  # stopwords stay out
    assert "46" not in singles and "46" in numbers and "1828" in numbers
    assert "次" not in numbers


@given(st.text(alphabet="中国联通全面从严治党两个维护的了和，。、“” 5GAPN+1-.%\n", max_size=60))
@settings(max_examples=80, deadline=None)
def test_tokenize_is_filtered_segmentation(tk: Tokenizer, text: str) -> None:
    seg = tk.segment(text)
    assert "".join(seg) == text  # segmentation loses nothing
    out = tk.tokenize(text)
    assert out == [t for t in seg if tk.keeps(t)]
    assert all(len(t) > 1 and not tk.is_stopword(t) and re.search(r"[^\W_]", t) for t in out)


# ------------------------------------------------------------------------------------- resources
def test_resource_files_are_versioned_and_substantial() -> None:
    for path in (config.USERDICT_FILE, config.STOPWORDS_FILE):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert re.fullmatch(r"# textlab \w+ v\d+", first), first
    entries = load_user_dict(config.USERDICT_FILE)
    assert len(entries) >= 300
    assert len({w for w, _, _ in entries}) == len(entries)
    assert all(f >= 1000 for _, f, _ in entries)
    assert len(load_stopwords(config.STOPWORDS_FILE)) >= 300
    assert "工作" not in load_stopwords(config.STOPWORDS_FILE)


def test_user_dict_parsing(tmp_path: Path) -> None:
    p = tmp_path / "d.txt"
    p.write_text("# comment\n\n甲乙丙\n丁戊己 7\n庚辛壬 8 nz\n癸子丑 n  # trailing comment\n", encoding="utf-8")
    assert load_user_dict(p) == [
        ("甲乙丙", tokens_mod.DEFAULT_USER_FREQ, ""),
        ("丁戊己", 7, ""),
        ("庚辛壬", 8, "nz"),
        ("癸子丑", tokens_mod.DEFAULT_USER_FREQ, "n"),
    ]
    for bad in ("词 x5\n", "词 0\n", "词 5 n extra\n"):
        p.write_text(bad, encoding="utf-8")
        with pytest.raises(ReadError):
            load_user_dict(p)
    with pytest.raises(ReadError):
        Tokenizer(user_dicts=[tmp_path / "missing.txt"])


def test_slogan_terms_loader(tmp_path: Path) -> None:
    assert load_slogan_terms(tmp_path / "missing.txt") == []
    p = tmp_path / "s.txt"
    p.write_text("# lexicon\n\n## theme\n两个维护\n学思想、强党性\n1+N\n两个维护\n", encoding="utf-8")
    assert load_slogan_terms(p) == ["两个维护", "1+N"]  # compounds cannot be one token: skipped
    assert set(load_slogan_terms(config.SLOGANS_FILE)) <= {w for w, _, _ in Tokenizer().user_words}


def test_user_dict_and_stopword_extension(tmp_path: Path) -> None:
    text = "联通数智大脑赋能基层治理"
    assert "联通数智大脑" not in Tokenizer().segment(text)
    d = tmp_path / "mydict.txt"
    d.write_text("联通数智大脑 50000 nz\n", encoding="utf-8")
    s = tmp_path / "mystop.txt"
    s.write_text("赋能\n", encoding="utf-8")
    ext = Tokenizer(user_dicts=[d], stopword_files=[s])
    assert ext.tokenize(text) == ["联通数智大脑", "基层", "治理"]
    with pytest.raises(AnalysisError):
        Tokenizer(user_dicts=str(d))  # type: ignore[arg-type]


def test_hash_tracks_options_and_resources(tmp_path: Path) -> None:
    base = Tokenizer().hash
    assert re.fullmatch(r"[0-9a-f]{64}", base)
    assert Tokenizer().hash == base
    variants = [
        Tokenizer(keep_single_chars=True),
        Tokenizer(keep_numbers=True),
        Tokenizer(hmm=False),
        Tokenizer(backend="jieba"),
    ]
    d1, d2 = tmp_path / "a.txt", tmp_path / "sub" / "b.txt"
    d2.parent.mkdir()
    d1.write_text("联通数智大脑 50000 nz\n", encoding="utf-8")
    d2.write_text("联通数智大脑 50000 nz\n", encoding="utf-8")
    with_dict = Tokenizer(user_dicts=[d1])
    assert Tokenizer(user_dicts=[d2]).hash == with_dict.hash  # content, not path
    variants.append(with_dict)
    d1.write_text("联通数智大脑 40000 nz\n", encoding="utf-8")
    variants.append(Tokenizer(user_dicts=[d1]))
    s = tmp_path / "stop.txt"
    s.write_text("赋能\n", encoding="utf-8")
    variants.append(Tokenizer(stopword_files=[s]))
    hashes = [v.hash for v in variants]
    assert base not in hashes and len(set(hashes)) == len(hashes)


def test_unknown_backend() -> None:
    with pytest.raises(AnalysisError, match="backend"):
        Tokenizer(backend="thulac")  # type: ignore[arg-type]


def test_lazy_and_picklable(tk: Tokenizer) -> None:
    fresh = Tokenizer()
    assert not fresh.is_initialized  # constructing reads files only
    fresh.segment("两个维护")
    assert fresh.is_initialized
    clone = pickle.loads(pickle.dumps(fresh))
    assert not clone.is_initialized and clone.hash == fresh.hash
    assert clone.tokenize(PINNED_TOKENIZE[0][0]) == PINNED_TOKENIZE[0][1]


# -------------------------------------------------------------------------------------- backends
def _ascii_only_differences(a: list[str], b: list[str]) -> list[tuple[list[str], list[str]]]:
    """Opcodes where two segmentations differ, failing on any difference that touches non-ASCII text."""
    diffs = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op != "equal":
            left, right = a[i1:i2], b[j1:j2]
            assert "".join(left) == "".join(right)
            assert "".join(left).isascii(), (left, right)
            diffs.append((left, right))
    return diffs


def test_rjieba_equals_jieba_without_hmm(
    raw_texts: list[str], rjieba_nohmm: Tokenizer, jieba_nohmm: Tokenizer
) -> None:
    for text in raw_texts:
        assert rjieba_nohmm.segment(text) == jieba_nohmm.segment(text)


def test_rjieba_equals_jieba_with_hmm_on_chinese(raw_texts: list[str]) -> None:
    fast, ref = Tokenizer(), Tokenizer(backend="jieba")
    n_diffs = 0
    for text in raw_texts:
        a, b = fast.segment(text), ref.segment(text)
        n_diffs += len(_ascii_only_differences(a, b))
        assert [t for t in a if CJK.search(t)] == [t for t in b if CJK.search(t)]
        assert [t for t in fast.tokenize(text) if CJK.search(t)] == [
            t for t in ref.tokenize(text) if CJK.search(t)
        ]
    # what is true today: the two HMM implementations split ASCII runs (PAGE_DIV, URLs, dates) differently
    assert n_diffs > 0


def test_backends_agree_when_user_words_redefine_dictionary_words(raw_texts: list[str], tmp_path: Path) -> None:
    # Re-adding a word of the default dictionary: jieba adds its frequency to the dictionary total again,
    # jieba-rs replaces it. Restating the 200 most frequent words (a third of the total) would make jieba's
    # total 1.24x jieba-rs's, and the borderline compound below is joined or split depending on the total:
    # one token iff f(AB) > f(A) f(B) / total.
    import jieba

    default: dict[str, int] = {}
    for line in (Path(jieba.__file__).parent / "dict.txt").open(encoding="utf-8"):
        word, freq = line.split()[:2]
        default[word] = int(freq)
    top = sorted(default.items(), key=lambda kv: -kv[1])[:200]
    restated = tmp_path / "restated.txt"
    lines = "".join(f"{w} {f}\n" for w, f in top) + "龘龘 1000000\n靐靐 1000000\n"
    restated.write_text(lines, encoding="utf-8")
    words = Tokenizer(user_dicts=[restated]).user_words
    total = sum(default.values()) + sum(f - default.get(w, 0) for w, f, _ in words)  # jieba-rs's total
    restated.write_text(lines + f"龘龘靐靐 {int(1e12 / (total * 1.12))}\n", encoding="utf-8")
    fast = Tokenizer(user_dicts=[restated], hmm=False)
    ref = Tokenizer(user_dicts=[restated], hmm=False, backend="jieba")
    assert fast.segment("龘龘靐靐") == ref.segment("龘龘靐靐") == ["龘龘", "靐靐"]
    for text in raw_texts:
        assert fast.segment(text) == ref.segment(text)


@given(st.text(alphabet="".join(sorted(set("".join(p.read_text() for p in RAW.glob("*.txt"))))), max_size=80))
@settings(max_examples=60, deadline=None)
def test_backends_agree_on_any_sample_characters(
    rjieba_nohmm: Tokenizer, jieba_nohmm: Tokenizer, text: str
) -> None:
    assert rjieba_nohmm.segment(text) == jieba_nohmm.segment(text)


# ------------------------------------------------------------------------------------- tokenize()
def test_tokenize_corpus_alignment(tmp_path: Path) -> None:
    corpus = small_corpus()
    toks = tokenize(corpus, cache_dir=tmp_path, n_jobs=1, progress=False)
    assert isinstance(toks, Tokens) and len(toks) == 4
    assert "text" not in toks.docvars.columns
    assert list(toks.docvars.index) == [0, 1, 2, 3]
    assert list(toks.docvars["doc_id"]) == ["a", "b", "c", "d"]
    assert list(toks.docvars["company"]) == list(corpus["company"])
    assert toks.docvars["content_hash"].str.fullmatch("[0-9a-f]{64}").all()  # computed when missing
    assert toks.docs[0] == PINNED_TOKENIZE[0][1]
    assert toks.docs[3] == toks.docs[0] and toks.docs[3] is not toks.docs[0]
    assert toks.docs[2] == ["三会一课", "主题党日", "载体", "构建", "1+N", "制度", "体系", "加强", "纪律建设"]
    assert toks.n_tokens.tolist() == [9, 5, 9, 9]
    assert toks.n_tokens.index.equals(toks.docvars.index)
    assert toks.tokenizer_hash == Tokenizer().hash


def test_tokenize_hashes_the_text_itself_and_handles_empty(tmp_path: Path) -> None:
    corpus = pd.DataFrame({"doc_id": ["x", "y"], "text": ["", None], "content_hash": ["h1", "h2"]})
    toks = tokenize(corpus, cache_dir=tmp_path, progress=False)
    assert toks.docs == [[], []]
    empty_hash = hashlib.sha256(b"").hexdigest()  # a given content_hash column is not trusted
    assert list(toks.docvars["content_hash"]) == [empty_hash, empty_hash]
    empty = tokenize(corpus.iloc[:0], cache_dir=tmp_path, progress=False)
    assert len(empty) == 0 and empty.n_tokens.empty


def test_tokenize_bad_input(tmp_path: Path) -> None:
    with pytest.raises(AnalysisError):
        tokenize(["text"], cache_dir=tmp_path)  # type: ignore[arg-type]
    with pytest.raises(AnalysisError, match="text"):
        tokenize(pd.DataFrame({"doc_id": ["a"]}), cache_dir=tmp_path)
    with pytest.raises(AnalysisError, match="n_jobs"):
        tokenize(small_corpus(), cache_dir=tmp_path, n_jobs=0)
    with pytest.raises(AnalysisError, match="Tokenizer"):
        tokenize(small_corpus(), "jieba", cache_dir=tmp_path)  # type: ignore[arg-type]


def test_cached_rerun_does_no_segmentation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = small_corpus()
    first = tokenize(corpus, cache_dir=tmp_path, n_jobs=1, progress=False)
    shard_dir = tmp_path / "tokens" / first.tokenizer_hash[:16]
    assert len(list(shard_dir.glob("shard-*.arrow"))) == 1
    assert (shard_dir / "tokenizer.json").is_file()

    def forbidden(self: Tokenizer, text: str) -> list[str]:
        raise AssertionError("segmented on a cached run")

    monkeypatch.setattr(Tokenizer, "segment", forbidden)
    fresh = Tokenizer()
    second = tokenize(corpus, fresh, cache_dir=tmp_path, n_jobs=1, progress=False)
    assert not fresh.is_initialized  # the dictionary was never even built
    assert second.docs == first.docs
    assert len(list(shard_dir.glob("shard-*.arrow"))) == 1  # nothing new written


def test_changed_document_is_the_only_one_segmented(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = small_corpus()
    first = tokenize(corpus, cache_dir=tmp_path, n_jobs=1, progress=False)
    calls: list[str] = []
    original = Tokenizer.segment

    def counting(self: Tokenizer, text: str) -> list[str]:
        calls.append(text)
        return original(self, text)

    monkeypatch.setattr(Tokenizer, "segment", counting)
    changed = corpus.copy()
    changed.loc[20, "text"] = "坚持“第一议题”制度，落实中央八项规定精神"
    second = tokenize(changed, cache_dir=tmp_path, n_jobs=1, progress=False)
    assert calls == [changed.loc[20, "text"]]
    assert second.docs[1] == Tokenizer().tokenize(changed.loc[20, "text"])
    assert [second.docs[i] for i in (0, 2, 3)] == [first.docs[i] for i in (0, 2, 3)]
    shard_dir = tmp_path / "tokens" / first.tokenizer_hash[:16]
    assert len(list(shard_dir.glob("shard-*.arrow"))) == 2  # appended, not rewritten


def test_cache_is_per_tokenizer(tmp_path: Path) -> None:
    corpus = small_corpus()
    a = tokenize(corpus, cache_dir=tmp_path, n_jobs=1, progress=False)
    b = tokenize(corpus, Tokenizer(keep_single_chars=True), cache_dir=tmp_path, n_jobs=1, progress=False)
    assert a.tokenizer_hash != b.tokenizer_hash
    assert len(list((tmp_path / "tokens").iterdir())) == 2
    assert "党" not in a.docs[2] and "党" in b.docs[2]


def test_compaction_and_corrupt_shards(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tokens_mod, "_MAX_SHARDS", 2)
    corpus = small_corpus()
    expected = tokenize(corpus, cache_dir=tmp_path / "ref", n_jobs=1, progress=False).docs
    for i in range(1, 5):
        tokenize(corpus.iloc[:i], cache_dir=tmp_path, n_jobs=1, progress=False)
    shard_dir = next((tmp_path / "tokens").iterdir())
    assert 1 <= len(list(shard_dir.glob("shard-*.arrow"))) <= 2
    (shard_dir / "shard-00000000000000000000-0-broken.arrow").write_bytes(b"not arrow")
    monkeypatch.setattr(Tokenizer, "segment", lambda self, text: pytest.fail("segmented"))
    assert tokenize(corpus, cache_dir=tmp_path, n_jobs=1, progress=False).docs == expected


@pytest.mark.parametrize("start_method", ["default", "forkserver"])
def test_parallel_matches_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start_method: str) -> None:
    if start_method != "default":  # what Python >= 3.12 uses: workers must not rely on inherited state
        if start_method not in multiprocessing.get_all_start_methods():
            pytest.skip(f"no {start_method} on this platform")
        monkeypatch.setattr(tokens_mod, "_mp_context", lambda: multiprocessing.get_context(start_method))
    monkeypatch.setattr(tokens_mod, "_PARALLEL_MIN_CHARS", 0)
    monkeypatch.setattr(tokens_mod, "_CHUNK_MIN_CHARS", 1)
    texts = [p.read_text(encoding="utf-8") for p in sorted(RAW.glob("*.txt"))] * 2
    corpus = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": texts})
    serial = tokenize(corpus, cache_dir=tmp_path / "serial", n_jobs=1, progress=False)
    parallel = tokenize(corpus, cache_dir=tmp_path / "parallel", n_jobs=2, progress=False)
    assert parallel.docs == serial.docs
    assert parallel.docs[0] == Tokenizer().tokenize(texts[0])


# ------------------------------------------------------------------------------------------ quiet
FAKE_PKG_RESOURCES = '''
"""Stand-in for the pkg_resources of setuptools < 81, which warns when imported (as jieba does)."""
import importlib.util, os, warnings
warnings.warn("pkg_resources is deprecated as an API.", UserWarning, stacklevel=2)

def resource_stream(package, name):
    return open(os.path.join(os.path.dirname(importlib.util.find_spec(package).origin), name), "rb")
'''

QUIET_SCRIPT = textwrap.dedent(
    """
    import logging, sys, warnings
    warnings.simplefilter("always")  # any warning that escapes would be printed on stderr
    root = (logging.getLogger().level, list(logging.getLogger().handlers))
    import analysis.tokens
    from analysis.tokens import Tokenizer
    for backend in ("jieba", "rjieba"):
        print(backend, Tokenizer(backend=backend).tokenize("中国联通召开警示教育会"))
    assert (logging.getLogger().level, list(logging.getLogger().handlers)) == root
    print("pkg_resources" in sys.modules)
    """
)


@pytest.mark.parametrize("old_setuptools", [False, True])
def test_no_warnings_or_jieba_log_lines(tmp_path: Path, old_setuptools: bool) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    paths = [str(ROOT)]
    if old_setuptools:
        (tmp_path / "pkg_resources.py").write_text(FAKE_PKG_RESOURCES, encoding="utf-8")
        paths.insert(0, str(tmp_path))
    env["PYTHONPATH"] = os.pathsep.join(paths)
    proc = subprocess.run(
        [sys.executable, "-c", QUIET_SCRIPT], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert lines[0] == lines[1].replace("rjieba", "jieba") == "jieba ['中国联通', '召开', '警示教育']"
    assert lines[2] == str(old_setuptools)  # the fake pkg_resources really was imported (and silenced)


def test_jieba_logger_is_the_only_logger_touched() -> None:
    before = {name: logging.getLogger(name).level for name in ("", "analysis", "py.warnings")}
    Tokenizer(backend="jieba", hmm=False, keep_numbers=True).segment("两个维护")
    assert logging.getLogger("jieba").level == logging.WARNING
    assert {name: logging.getLogger(name).level for name in before} == before


def test_edited_text_is_never_served_stale_tokens(tmp_path: Path) -> None:
    corpus = pd.DataFrame({"doc_id": ["a"], "text": ["公司坚持全面从严治党，推动高质量发展。"]})
    first = tokenize(corpus, cache_dir=tmp_path, progress=False)
    assert "全面从严治党" in first.docs[0]
    edited = corpus.assign(content_hash="stale-hash-from-before-the-edit")
    edited["text"] = edited["text"].str.replace("全面从严治党", "")
    second = tokenize(edited, cache_dir=tmp_path, progress=False)
    assert "全面从严治党" not in second.docs[0] and "高质量发展" in second.docs[0]
