"""Regression tests on a generated corpus modelled on the seed documents (issue 2, "Tests and acceptance").

The generator was written together with the rules it checks: a regression test, not evidence of
real-world accuracy.

``tests/genre_seedlike.py`` writes ~150 variants of the seeds' three shapes (PDF text turned into
Markdown, Jekyll post, scraped portal page) across companies, years 2008-2026, simplified and
traditional script (UTF-8 and Big5) and pinyin-glossed mirrors; its docstring states the truth rules.
Criteria as in the issue:

- the stated publication date is extracted exactly for >= 95% of the documents that state one;
- no date is invented for a document that states none (zero tolerance);
- the company is right for >= 95% of all documents ('' for documents about none of them);
- no file is skipped.

A failure prints every mismatch (path, category, note, expected, got, title); ``pytest -s`` prints a
per-category table.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from genre_scoring import (
    Scored,
    check_company,
    check_every_category,
    check_no_file_skipped,
    check_no_invented_date,
    check_stated_dates,
    print_breakdown,
    score,
)
from genre_seedlike import COMPANIES, write_seedlike_corpus


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Scored:
    folder = tmp_path_factory.mktemp("genre_seedlike")
    return score(folder, write_seedlike_corpus(folder, seed=0))


def test_generator_is_deterministic_and_varied(tmp_path: Path, scored: Scored) -> None:
    again = write_seedlike_corpus(tmp_path, seed=0)
    pd.testing.assert_frame_equal(again, scored.table[list(again.columns)])
    for rel in again["path"].iloc[::9]:
        assert (tmp_path / rel).read_bytes() == (scored.folder / rel).read_bytes()
    t = scored.table
    assert 140 <= len(t) <= 170
    assert set(t["company"]) == {*COMPANIES, ""}
    years = t["date"].dropna().str[:4].astype(int)
    assert years.min() == 2008 and years.max() == 2026
    assert t["date"].isna().sum() >= 25
    shapes = t["category"].str[0].value_counts()
    assert set(shapes.index) == {"A", "B", "C"} and shapes.min() >= 25
    assert t["category"].str.contains("trad").sum() >= 30
    assert t["category"].str.contains("pinyin").sum() >= 10
    encodings = t["note"].str.extract(r"enc=(\S+)")[0]
    assert set(encodings) == {"utf-8", "big5"}


def test_no_category_is_broken(scored: Scored) -> None:
    print_breakdown(scored)  # shown with ``pytest -s``
    check_every_category(scored)


def test_no_file_skipped(scored: Scored) -> None:
    check_no_file_skipped(scored)


def test_stated_dates_are_extracted(scored: Scored) -> None:
    check_stated_dates(scored)


def test_no_date_is_invented(scored: Scored) -> None:
    check_no_invented_date(scored)


def test_company_is_right(scored: Scored) -> None:
    check_company(scored)
