"""`python -m analysis stats`: the five CSV files with their documented columns."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.__main__ import main

FREQ_COLS = ["group", "term", "count", "rate_per_10k", "docs_with_term", "rank"]
KEY_COLS = [
    "group",
    "reference",
    "term",
    "count_target",
    "count_reference",
    "group_tokens_target",
    "group_tokens_reference",
    "g2",
    "p_value",
    "log_ratio",
    "logodds_z",
]


@pytest.mark.parametrize("by", ["company", "year", "company,year"])
def test_stats_writes_all_tables(tmp_path: Path, raw_dir: Path, metadata_csv: Path, by: str) -> None:
    out = tmp_path / "stats"
    assert (
        main(["stats", str(raw_dir), "--metadata", str(metadata_csv), "--by", by, "--out", str(out), "-q"])
        == 0
    )
    for name in ("frequency.csv", "tfidf.csv", "slogans.csv", "keyness.csv", "similarity.csv"):
        assert (out / name).stat().st_size > 0, name
    freq = pd.read_csv(out / "frequency.csv", dtype={"group": str})
    assert list(freq.columns[: len(FREQ_COLS)]) == FREQ_COLS
    key = pd.read_csv(out / "keyness.csv")
    assert set(KEY_COLS) <= set(key.columns)
    assert (key["reference"] == "(rest)").all()
    sim = pd.read_csv(out / "similarity.csv", index_col=0)
    assert [str(i) for i in sim.index] == list(sim.columns)
    groups = set(freq["group"])
    if by == "company":
        assert groups == {"中国联通", "中国移动"}
        # seed 004 is the only 中国移动 document: its name is its most distinctive term
        top = key[key["group"] == "中国移动"].iloc[0]
        assert top["term"] == "中国移动" and top["count_reference"] == 0
    if by == "year":
        assert groups == {"2022", "2023", "2024"}  # 004's year comes from data/metadata.csv
    # issue 10: what the numbers mean is in the CSVs
    assert {"dp", "docs_share", "group_docs", "group_tokens", "rate_ci_low", "rate_ci_high"} <= set(freq.columns)
    assert {"correction", "family", "family_size", "log_ratio_estimable", "dp_target", "docs_with_term_target",
            "group_docs_target"} <= set(key.columns)
    assert set(key["family"]) == {"table"} and set(key["correction"]) == {"fdr_bh"}
    slog = pd.read_csv(out / "slogans.csv")
    assert {"count", "count_standalone"} <= set(slog.columns)
    yoy = out / "year_over_year.csv"
    assert yoy.exists() == ("year" in by)
    if "year" in by:
        table = pd.read_csv(yoy)
        assert {"year", "year_reference"} <= set(table.columns)
        assert (table["year"] > table["year_reference"]).all()
        assert ("company" in table.columns) == (by == "company,year")


def test_stats_with_target_and_reference(tmp_path: Path, raw_dir: Path, metadata_csv: Path) -> None:
    out = tmp_path / "s"
    args = [
        "stats",
        str(raw_dir),
        "--metadata",
        str(metadata_csv),
        "--by",
        "company",
        "--out",
        str(out),
        "-q",
    ]
    assert main([*args, "--target", "中国联通", "--reference", "中国移动"]) == 0
    key = pd.read_csv(out / "keyness.csv")
    assert set(key["group"]) == {"中国联通"} and set(key["reference"]) == {"中国移动"}
    slog = pd.read_csv(out / "slogans.csv").set_index(["group", "slogan"])
    assert slog.loc[("中国联通", "全面从严治党"), "count"] >= 12  # seed 000 alone uses it 12 times
    # any alias works as a target; a year against the year before, with the family asked for
    assert main([*args, "--target", "China Unicom", "--reference", "China Mobile"]) == 0
    assert set(pd.read_csv(out / "keyness.csv")["group"]) == {"中国联通"}
    by_year = [*args[:5], "year", *args[6:]]
    assert main([*by_year, "--target", "2024", "--reference", "2023", "--family", "block"]) == 0
    key = pd.read_csv(out / "keyness.csv")
    assert set(key["group"]) == {2024} and set(key["reference"]) == {2023} and set(key["family"]) == {"block"}


def test_single_company_still_writes_every_table(tmp_path: Path) -> None:
    corpus = tmp_path / "one"
    corpus.mkdir()
    for i, year in enumerate((2021, 2022)):
        (corpus / f"{i}.txt").write_text(
            f"中国联通召开党建工作会议\n\n发布时间：{year}-03-0{i + 1}\n\n"
            "中国联通党组坚持全面从严治党，坚决做到“两个维护”，推动高质量发展。会议部署党风廉政建设工作。\n",
            encoding="utf-8",
        )
    out = tmp_path / "s"
    assert main(["stats", str(corpus), "--by", "company", "--out", str(out), "-q"]) == 1  # keyness: one group
    for name in ("frequency.csv", "tfidf.csv", "slogans.csv", "similarity.csv"):
        assert len(pd.read_csv(out / name)) > 0, name
    keyness = pd.read_csv(out / "keyness.csv")
    assert keyness.empty and {"g2", "log_ratio", "logodds_z"} <= set(keyness.columns)
    # by year the same corpus has two groups, and keyness works
    assert main(["stats", str(corpus), "--by", "year", "--out", str(tmp_path / "y"), "-q"]) == 0


def test_user_company_file_extends_the_alias_table(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    for i in range(2):
        (corpus / f"{i}.txt").write_text(
            f"中国卫通召开党建工作会议\n\n发布时间：2022-0{i + 1}-10\n\n中国卫通党委坚持全面从严治党，推动高质量发展。\n",
            encoding="utf-8",
        )
    extra = tmp_path / "more.csv"
    extra.write_text("company,alias\n中国卫通,中国卫通\n中国卫通,China Satcom\n", encoding="utf-8")
    out = tmp_path / "s"
    assert (
        main(["stats", str(corpus), "--by", "company", "--out", str(out), "-q"]) == 1
    )  # one group, none known
    assert set(pd.read_csv(out / "frequency.csv")["group"]) == {"(none)"}
    assert (
        main(["stats", str(corpus), "--companies", str(extra), "--by", "company", "--out", str(out), "-q"])
        == 1
    )
    assert set(pd.read_csv(out / "frequency.csv")["group"]) == {"中国卫通"}
