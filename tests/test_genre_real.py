"""Regression tests on a second generated corpus, of real-page layouts (issue 2, "Tests and acceptance").

``tests/genre_real.py`` writes ~160 documents in layouts studied on real pages of the genre (see its
docstring for the truth rules). The corpus was written together with the extraction rules it checks: it
guards against regressions, it is not evidence of accuracy on real pages. Criteria as in the issue:

- the stated publication date is extracted exactly for >= 95% of the documents that state one;
- no date is invented for a document that states none (zero tolerance);
- the company is right for >= 95% of all documents ('' for documents about none of them);
- no file is skipped.

A failure prints every mismatch (path, note, expected, got, title); ``pytest -s`` prints a per-category table.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from genre_real import COMPANIES, write_real_corpus
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


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Scored:
    folder = tmp_path_factory.mktemp("genre_real")
    return score(folder, write_real_corpus(folder, seed=0))


def test_generator_is_deterministic_and_varied(tmp_path: Path, scored: Scored) -> None:
    again = write_real_corpus(tmp_path, seed=0)
    pd.testing.assert_frame_equal(again, scored.table[list(again.columns)])
    for rel in again["path"].iloc[::11]:
        assert (tmp_path / rel).read_bytes() == (scored.folder / rel).read_bytes()
    t = scored.table
    assert 120 <= len(t) <= 200
    assert set(t["company"]) == {*COMPANIES, ""}
    years = t["date"].dropna().str[:4].astype(int)
    assert years.min() == 2008 and years.max() == 2026
    assert t["date"].isna().sum() >= 30
    assert {Path(p).suffix for p in t["path"]} == {".txt", ".md", ".html"}
    encodings = {n.split("enc=")[1].split()[0] for n in t["note"]}
    assert {"utf-8", "utf-8-sig", "gb18030", "big5"} <= encodings


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
