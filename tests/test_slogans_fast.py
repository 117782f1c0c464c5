"""The per-document slogan rows of the fast whole-text scan (``slogans._doc_rows``) equal those of the line
scan behind ``extract_slogans`` (``slogans._scan_rows``) on generated text: lexicon terms (compounds,
nested and overlapping ones included), every quote family in any direction, 《titles》, numbered
formulations, formulas, five-year plans, PDF spacing, line breaks and noise."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from analysis.stats.slogans import _doc_rows, _get_lexicon, _Lexicon, _scan_rows, load_slogan_lexicon

LEXICON = load_slogan_lexicon()
NUMBERED = ["两个维护", "四个意识", "三不腐", "十九大", "一岗双责", "三会一课", "1+N", "4+99+32", "六+X项整改任务",
            "十四五", "十一五规划", "两个维护、四个意识", "１＋Ｎ", "A+B", "12字"]  # fmt: skip
MARKS = list("“”‘’「」『』\"＂〝〞〟《》〈〉")
PUNCT = [*"、，,。！？；;:：.-/ \u3000\t\n", "\n\n", "  "]
NOISE = [*"的了和在是中国移动联通电信党建工作全面从严治一二三四五十百千第个年月日号%", "13:02:46 +0800", "2024", "BASIC6", "5G", "x", "实"]

piece = st.one_of(
    st.sampled_from(LEXICON),
    st.sampled_from(NUMBERED),
    st.sampled_from(MARKS),
    st.sampled_from(PUNCT),
    st.sampled_from(NOISE),
    st.text(alphabet="全面从严治党两个维护四十五一二三＋+1N、“”《》\n ", max_size=4),
    st.sampled_from(LEXICON + NUMBERED).map(lambda t: f"《{t}》"),  # a title that is a slogan too
)
document = st.lists(piece, max_size=60).map("".join)


def _same(text: str, lex: _Lexicon) -> None:
    for split_compound in (True, False):
        assert _doc_rows(text, lex, split_compound) == _scan_rows(text, lex, split_compound), (split_compound, text)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=document)
@example(text="“全面从严治党”和《全面从严治党》，全面从严治党")  # a title and a term of one text: the title's hit first
@example(text="《全面从严治党》“全面从严治党”")
@example(text="《两个维护》")  # one title that is a term: equal counts, the title's row first
@example(text="坚持“不忘初心、牢记使命”，一体推进不敢腐、不能腐、不想腐")  # compounds, split or not
@example(text="“学思想、强党性、重实践、建新功”\n“两个维护、四个意识”")
@example(text="1+N\n十四五 十十四五 第十四五 十四五年")  # formulas and plans at line edges, in context
@example(text="”全面从严治党“ “ 两个维护 ”")  # reversed quotes, PDF spacing
def test_fast_rows_equal_line_scan_with_the_lexicon(text: str) -> None:
    _same(text, _get_lexicon(None))


terms = st.lists(
    st.one_of(st.text(alphabet="甲乙丙丁", min_size=1, max_size=5), st.sampled_from(["甲、乙丙", "乙丙，丁", "两个甲", "十四五"])),
    min_size=1, max_size=8, unique=True,
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(words=terms, text=st.text(alphabet="甲乙丙丁、，“”《》十四五两个+1\n ", max_size=80))
def test_fast_rows_equal_line_scan_with_nested_and_overlapping_terms(words: list[str], text: str) -> None:
    _same(text, _Lexicon(tuple(words)))


@pytest.mark.parametrize("text", ["", "\n", "无口号的文本", "“”", "《》", "甲\n乙"])
def test_fast_rows_on_texts_without_slogans(text: str) -> None:
    _same(text, _get_lexicon(None))
    _same(text, _Lexicon(()))


def test_a_term_with_a_line_break_takes_the_line_scan() -> None:
    lex = _Lexicon(("甲\n乙", "甲"))
    assert lex.multiline
    assert _doc_rows("甲\n乙 甲", lex, True) == _scan_rows("甲\n乙 甲", lex, True)


def _regex_matches(lex: _Lexicon, text: str) -> tuple[list[str], list[tuple[int, int]]]:
    if lex.regex is None:
        return [], []
    found = list(lex.regex.finditer(text))
    return [m.group() for m in found], [m.span() for m in found]


@settings(max_examples=400, deadline=None)
@given(
    words=st.lists(st.text(alphabet="甲乙丙丁aA😀", min_size=1, max_size=5), max_size=8, unique=True),
    text=st.text(alphabet="甲乙丙丁aA😀\n ", max_size=80),
)
def test_automaton_matches_are_the_trie_regex_matches(words: list[str], text: str) -> None:
    """The automaton's leftmost-longest matches (the fast scan's) are those of the trie regex, with
    offsets in characters, letters matched case-sensitively and astral characters counted as one."""
    lex = _Lexicon(tuple(words))
    assert lex.matches(text) == _regex_matches(lex, text)


def test_automaton_matches_on_the_lexicon_and_a_text_it_cannot_encode() -> None:
    lex = _get_lexicon(None)
    text = "坚持“两个维护”，全面从严治党向纵深推进😀从严治党\n一体推进不敢腐、不能腐、不想腐"
    words, spans = lex.matches(text)
    assert "全面从严治党" in words and "从严治党" in words
    assert [text[a:b] for a, b in spans] == words
    assert (words, spans) == _regex_matches(lex, text)
    broken = text.replace("😀", "\udcff")  # a lone surrogate: the regex finds the same terms
    assert lex.matches(broken) == _regex_matches(lex, broken) == (words, spans)


def test_a_lexicon_that_has_searched_can_be_sent_to_another_process() -> None:
    import pickle

    lex = _Lexicon(("全面从严治党", "从严治党"))
    assert lex.matches("全面从严治党") == (["全面从严治党"], [(0, 6)])
    copy = pickle.loads(pickle.dumps(lex))
    assert copy.matches("坚持从严治党") == (["从严治党"], [(2, 6)])
