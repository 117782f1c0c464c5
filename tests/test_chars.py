"""Tests for analysis.ingest.clean.chars: the pinned radicals table, the compatibility map, the count, and
the map applied to every format through cleaning and the corpus table."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.ingest.clean import clean_text, normalize_unicode
from analysis.ingest.clean.chars import (
    RADICALS_FILE,
    char_table,
    count_mapped,
    map_chars,
    map_chars_counted,
    radical_table,
)
from analysis.ingest.corpus import read_corpus

ROOT = Path(__file__).resolve().parents[1]
RADICAL_BLOCKS = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf]")


def _is_unified_ideograph(ch: str) -> bool:
    cp = ord(ch)
    return 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x3FFFF


def test_table_header_names_the_unicode_version_and_source() -> None:
    head = RADICALS_FILE.read_text(encoding="utf-8").splitlines()[0]
    assert re.search(r"Unicode \d+\.\d+\.\d+", head)
    assert "EquivalentUnifiedIdeograph" in head


def test_table_covers_both_radical_blocks_with_unified_ideographs() -> None:
    table = radical_table()
    assert all(RADICAL_BLOCKS.fullmatch(src) for src in table)
    assert all(_is_unified_ideograph(dst) for dst in table.values())
    kangxi = [src for src in table if 0x2F00 <= ord(src) <= 0x2FDF]
    supplement = [src for src in table if 0x2E80 <= ord(src) <= 0x2EFF]
    assert len(kangxi) == 214  # every Kangxi radical
    assert len(supplement) >= 110  # all assigned supplement radicals except U+2E80 (no equivalent)
    # Where NFKC knows a Kangxi radical, the UCD table agrees with it.
    assert all(unicodedata.normalize("NFKC", src) == table[src] for src in kangxi)


@pytest.mark.parametrize(
    ("radical", "ideograph"),
    [("⻓", "长"), ("⺠", "民"), ("⻘", "青"), ("⻢", "马"), ("⻚", "页"), ("⼈", "人"), ("⼀", "一"), ("⻔", "门")],
)
def test_radicals_named_in_the_issue(radical: str, ideograph: str) -> None:
    assert map_chars(radical) == ideograph


def test_build_script_reproduces_the_pinned_table(tmp_path: Path) -> None:
    ucd = Path("/usr/share/unicode/EquivalentUnifiedIdeograph.txt")
    if not ucd.exists():
        pytest.skip("Debian's unicode-data package is not installed (only needed to rebuild the table)")
    import runpy

    module = runpy.run_path(str(ROOT / "tools" / "build_radicals_table.py"))
    out = tmp_path / "table.tsv"
    assert module["main"](["--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == RADICALS_FILE.read_text(encoding="utf-8")


def test_compatibility_forms() -> None:
    text = "１＋Ｎ　ｗｉｔｈ５％\u200b增长\u00ad，\uf900\ufa0e。\u2060\ufeff"
    assert map_chars(text) == "1+N with5%增长，\u8c48\ufa0e。"  # U+F900 -> U+8C48; U+FA0E is unified, kept
    assert count_mapped(text) == 15
    # Chinese punctuation in full width stays.
    assert map_chars("，。：；！？（）「」") == "，。：；！？（）「」"


@given(st.text(alphabet=st.sampled_from([*map(chr, char_table()), "人", "民", "a", "，", " ", "1"]), max_size=60))
def test_count_is_the_number_of_changed_characters(text: str) -> None:
    mapped, n = map_chars_counted(text)
    assert n == sum(1 for ch in text if ord(ch) in char_table())
    assert mapped == text.translate(char_table())  # the fast path (nothing to map) agrees with translate
    assert map_chars(mapped) == mapped  # idempotent
    assert not RADICAL_BLOCKS.search(mapped.replace("\u2e80", ""))


@given(st.text(max_size=80))
def test_normalize_unicode_leaves_no_mapped_radical(text: str) -> None:
    out = normalize_unicode(text)
    assert not any(ch in radical_table() for ch in out)


def test_cleaning_repairs_slogans_in_every_format() -> None:
    broken = "坚持以⼈⺠为中⼼的发展思想，⻓期坚持"
    assert "以人民为中心" in clean_text(broken)
    assert "长期坚持" in clean_text(broken)
    html = f"<html><body><h1>标题</h1><p>{broken}</p></body></html>"
    assert "以人民为中心" in clean_text(html, fmt="html")


def test_corpus_records_mapped_characters(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "copied.txt").write_text(
        "中国移动召开党建工作会议\n时间：2022-04-25\n坚持以⼈⺠为中⼼的发展思想，⻓期坚持。\n", encoding="utf-8"
    )
    (corpus / "clean.txt").write_text(
        "中国联通召开党建工作会议\n时间：2022-04-26\n坚持以人民为中心的发展思想。\n", encoding="utf-8"
    )
    df = read_corpus(corpus, progress=False).corpus.set_index("path")
    assert df.loc["copied.txt", "chars_mapped"] == 4
    assert df.loc["clean.txt", "chars_mapped"] == 0
    assert "以人民为中心" in df.loc["copied.txt", "text"]
    assert str(df["chars_mapped"].dtype) == "int64"


_MAPPED_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from("⻓⼀人民中國ＡＢ１２＋％，。\u3000\u200b\ufeff\u00ad a\n豈\U0002f800\U0002fa1d\ud800"),
        st.characters(),
    ),
    min_size=0,
    max_size=400,
)


@settings(max_examples=300, deadline=None)
@given(_MAPPED_TEXT)
def test_count_mapped_by_table_equals_the_regex_count(text: str) -> None:
    """Long texts are counted with a table lookup, short ones with the regex: both give the regex count."""
    from analysis.ingest.clean import chars

    assert count_mapped(text) == len(chars._mapped_re().findall(text))
    assert count_mapped(text * 3) == 3 * len(chars._mapped_re().findall(text))
