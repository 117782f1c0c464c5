"""metadata.describe (one prepared line view per document) agrees with the four extract_* functions,
and user alias tables reach every place a company name is made canonical."""

from __future__ import annotations

from pathlib import Path

import pytest

import analysis.ingest.clean as clean
from analysis.ingest.metadata import (
    describe,
    extract_company,
    extract_date,
    extract_source,
    extract_title,
    load_aliases,
)
from analysis.ingest.metadata.companies import _pattern_needle

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


@pytest.mark.parametrize("path", sorted(RAW.glob("*")), ids=lambda p: p.name[:3])
def test_describe_equals_the_extractors_one_by_one(path: Path) -> None:
    aliases = load_aliases()
    p = clean.prepare(path.read_text(encoding="utf-8"), fmt="markdown" if path.suffix == ".md" else "text")
    title = extract_title(p.front_matter, p.spaced_headings, p.spaced_text, aliases=aliases)
    expected = (
        title,
        extract_date(p.front_matter, p.text, title=title, aliases=aliases),
        extract_company(title, p.text, aliases),
        extract_source(p.front_matter, p.text),
    )
    meta = describe(
        p.text,
        front_matter=p.front_matter,
        spaced_text=p.spaced_text,
        spaced_headings=p.spaced_headings,
        aliases=aliases,
    )
    assert (meta.title, meta.date, meta.company, meta.source) == expected


def test_user_aliases_reach_title_suffixes_and_closing_signatures(tmp_path: Path) -> None:
    extra = tmp_path / "more.csv"
    extra.write_text("company,alias\n中国卫通,中国卫通\n中国卫通,卫通集团\n", encoding="utf-8")
    mine = load_aliases(extra=[extra])
    body = "中国卫通党委召开会议，研究部署全面从严治党工作，推动企业高质量发展取得新成效。\n"
    # the site suffix is a company only the user's table knows
    assert extract_title({"title": "党委召开全面从严治党工作会议_中国卫通"}, [], body, aliases=mine) == "党委召开全面从严治党工作会议"
    shipped = extract_title({"title": "党委召开全面从严治党工作会议_中国卫通"}, [], body)
    assert shipped == "党委召开全面从严治党工作会议_中国卫通"
    # a bracketed closing line signed by a company only the user's table knows dates the document
    text = f"党委召开全面从严治党工作会议\n{body}（中国卫通 2023年1月17日）\n"
    assert str(extract_date({}, text, aliases=mine)) == "2023-01-17"
    assert extract_date({}, text) is None


def test_pattern_aliases_are_prefiltered_by_a_literal_every_match_contains() -> None:
    assert _pattern_needle("(?:北京|上海)(?:省|市)?联通(?!性)") == "联通"
    assert _pattern_needle("中国移动(?!互联网|支付)") == "中国移动"
    assert _pattern_needle("中移(?<![集空]中移)(?=动|物联)") == "中移"
    assert _pattern_needle("(?:联通|移动)") is None  # no literal common to every match
    assert _pattern_needle("[") is None  # unparsable: the regex always runs
