"""Shared text facts (analysis._text): CJK ranges, script conversion, resource files and word lists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import _text
from analysis.errors import ReadError


def test_cjk_ranges_nest_and_cover_what_each_stage_needs() -> None:
    han, bmp, uro = (re.compile(f"[{r}]") for r in (_text.HAN, _text.HAN_BMP, _text.HAN_URO))
    for ch in "中國〇\U00020000㐀豈":
        assert han.match(ch), ch
    assert bmp.match("㐀") and bmp.match("豈") and not bmp.match("〇") and not bmp.match("\U00020000")
    assert uro.match("中") and not uro.match("㐀")
    for ch in "a1，。 ":
        assert not han.match(ch)


def test_script_conversion_and_detection() -> None:
    assert _text.to_simplified("中國聯通黨組") == "中国联通党组"
    assert _text.to_traditional("中国联通党组") == "中國聯通黨組"
    assert _text.to_simplified("ABC 123") == "ABC 123"
    assert _text.to_simplified("國\ud800家") == "国\ud800家"  # lone surrogates pass through
    assert _text.detect_script("中国联通召开会议") == "simplified"
    assert _text.detect_script("中國聯通召開會議") == "traditional"
    assert _text.detect_script("中国联通 中國聯通 召開會議") == "mixed"
    assert _text.detect_script("CCF BDCI 2024") == "none"


def test_resource_lines_have_one_comment_rule() -> None:
    text = "\ufeff# header\n\n  全面从严治党  \n两个维护 # a note\nC#语言\n#commented out\n"
    assert _text.resource_lines(text.removeprefix("\ufeff")) == ["全面从严治党", "两个维护", "C#语言"]


def test_read_resource_hashes_exactly_what_it_parsed(tmp_path: Path) -> None:
    f = tmp_path / "words.txt"
    f.write_bytes("\ufeff甲\n# x\n乙 # y\n".encode())
    digest, lines = _text.read_resource(f, "word list")
    assert lines == ["甲", "乙"] and len(digest) == 64
    f.write_bytes("甲\n乙\n丙\n".encode())
    assert _text.read_resource(f, "word list")[0] != digest
    f.write_bytes("甲".encode("gb18030") + b"\xff")
    with pytest.raises(ReadError, match="not UTF-8"):
        _text.read_resource(f, "word list")
    with pytest.raises(ReadError, match="not found"):
        _text.read_resource(tmp_path / "missing.txt", "word list")


def test_word_lists_are_data_and_longer_entries_win() -> None:
    nav = _text.word_list("boilerplate_navigation.txt")
    assert "分享到" in nav and "分享" in nav and not any(w.startswith("#") for w in nav)
    rx = re.compile(_text.words_pattern("boilerplate_navigation.txt"))
    assert rx.match("分享让更多人看到").group(0) == "分享让更多人看到"
    assert rx.match("分享到朋友圈").group(0) == "分享到"
    for name in (
        "boilerplate_related.txt",
        "layout_navigation.txt",
        "layout_chrome.txt",
        "layout_article_end.txt",
        "layout_link_lists.txt",
        "layout_disclaimer.txt",
    ):
        assert len(_text.word_list(name)) >= 10, name


# Script detection against its definition, character by character with OpenCC.
_SCRIPT_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from("中国联通召开会议中國聯通召開會議发發后後里裡乾干台臺么麼着著 ，。a1\n"),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.characters(min_codepoint=0x20000, max_codepoint=0x2A6DF),
        st.characters(),
    ),
    max_size=60,
)


def _script_by_definition(text: str) -> str:
    han = [c for c in text if re.match(f"[{_text.HAN}]", c)]
    if not han:
        return "none"
    trad = sum(1 for c in han if _text.convert_script(c, "t2s") != c)
    simp = sum(1 for c in han if _text.convert_script(c, "s2t") != c)
    specific = trad + simp
    if specific == 0 or trad <= 0.1 * specific:
        return "simplified"
    return "traditional" if simp <= 0.1 * specific else "mixed"


@settings(max_examples=200, deadline=None)
@given(_SCRIPT_TEXT)
def test_detect_script_follows_its_definition(text: str) -> None:
    assert _text.detect_script(text) == _script_by_definition(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(_SCRIPT_TEXT, max_size=8))
def test_script_table_finds_exactly_the_unseen_characters(texts: list[str]) -> None:
    table = _text._ScriptTable()
    table._REBUILD_AFTER = 3  # rebuild often, and also search with stale regexes
    table._LONG_TEXT = 30  # and take the path of long texts too
    for text in texts:
        assert table._unseen(text) == set(text) - table.seen
        table.learn(text)
        assert set(text) <= table.seen


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("國家后髮a\ud800\udc00\ud83d\ude00 \n")))
def test_conversion_without_a_surrogate_scan_equals_the_split_path(text: str) -> None:
    """convert_script tries the whole text first; with a surrogate it converts the pieces between them."""
    parts = _text._SURROGATE_RE.split(text)
    conv = _text.opencc_converter("t2s")
    expected = "".join(p if i % 2 else conv.convert(p) for i, p in enumerate(parts))
    assert _text.convert_script(text, "t2s") == expected


# Phrases that t2s rewrites although each of their characters is unchanged alone (from OpenCC's TSPhrases),
# phrases it keeps, and characters of both scripts: the fast path must convert exactly when t2s would.
_PHRASE_PIECES = ["回覆", "答覆", "覆盖", "深沈", "沈阳", "打坏", "土坏", "坏", "慰藉", "憑藉", "凭借", "瞭望", "明瞭", "甦醒", "衹有", "英哩", "回", "覆"]
_T2S_TEXT = st.lists(
    st.one_of(st.sampled_from(_PHRASE_PIECES), _SCRIPT_TEXT.map(lambda t: t[:6])), max_size=12
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_T2S_TEXT)
def test_script_and_simplified_equals_detection_and_conversion(text: str) -> None:
    conv = _text.opencc_converter("t2s")
    parts = _text._SURROGATE_RE.split(text)
    converted = "".join(p if i % 2 else conv.convert(p) for i, p in enumerate(parts))
    assert _text.script_and_simplified(text) == (_text.detect_script(text), converted)


def test_t2s_context_phrases_are_those_of_the_installed_opencc() -> None:
    """The resource lists the phrases that rewrite characters unchanged alone (回覆 -> 回复); rebuilt from
    the installed dictionary when the OpenCC build ships its dictionary tool."""
    phrases = _text._t2s_context_phrases()
    assert phrases["回覆"] == "回复" and {"覆", "沈", "坏"} <= _text._t2s_context_chars()
    assert _text.script_and_simplified("回覆") == ("simplified", "回复")
    assert _text.script_and_simplified("覆盖") == ("simplified", "覆盖")
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
    try:
        import build_t2s_context_phrases as tool
    finally:
        sys.path.pop(0)
    try:
        _, built = tool.context_phrases()
    except FileNotFoundError:
        pytest.skip("this OpenCC build ships no opencc_dict tool")
    assert built == phrases


def test_t2s_context_phrases_of_another_opencc_version_are_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.metadata

    monkeypatch.setattr(importlib.metadata, "version", lambda name: "0.0.0-other")
    assert _text._t2s_context_phrases.__wrapped__() == {}
