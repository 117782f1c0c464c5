"""The dispersion cache of keyness sides (``analysis.stats._dispersion_cache``): a side computed before on
the same matrix is read back, not computed, with the same keyness table; another matrix, other rows or a
damaged file compute again; small matrices are never cached."""

from __future__ import annotations

import dataclasses
import importlib
import os
import warnings

import numpy as np
import pandas as pd
import pytest
from test_token_lists import _corpus

from analysis import _io, config
from analysis.dtm import dtm
from analysis.stats import keyness, year_over_year
from analysis.tokens import tokenize

cache_mod = importlib.import_module("analysis.stats._dispersion_cache")
dispersion_mod = importlib.import_module("analysis.stats.dispersion")


@pytest.fixture()
def matrix(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(cache_mod, "MIN_ENTRIES", 0)
    corpus = pd.concat([_corpus(range(0, 45)), _corpus(range(5, 20), salt="另")], ignore_index=True)
    tokens = tokenize(corpus, cache_dir=tmp_path / "tokens", n_jobs=1, progress=False)
    return dtm(tokens, cache=False)


def _computed(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = dispersion_mod.dispersion_over
    monkeypatch.setattr(dispersion_mod, "dispersion_over", lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


def _files(tmp_path) -> list:
    return sorted((tmp_path / "cache" / "dispersion").glob("*.npz"))


def test_sides_seen_before_are_read_back_with_the_same_table(matrix, tmp_path, monkeypatch):
    calls = _computed(monkeypatch)
    first = keyness(matrix, by="company")  # every group against the rest: two sides each
    n_sides = len(calls)
    assert n_sides >= 4 and len(_files(tmp_path)) == n_sides
    again = keyness(matrix, by="company")
    assert len(calls) == n_sides  # nothing computed
    pd.testing.assert_frame_equal(again, first)
    # one company against another: both sides are sides of the first call
    pair = keyness(matrix, by="company", target="移动", reference="联通")
    assert len(calls) == n_sides  # 移动 alone and 联通 alone were target sides of the first call
    monkeypatch.setattr(cache_mod, "MIN_ENTRIES", 10**12)
    pd.testing.assert_frame_equal(keyness(matrix, by="company", target="移动", reference="联通"), pair)


def test_another_matrix_is_computed_and_small_ones_are_not_cached(matrix, tmp_path, monkeypatch):
    keyness(matrix, by="company")
    calls = _computed(monkeypatch)
    changed = matrix.counts.copy()  # two counts of one row swapped: same token totals, another matrix
    a = next(i for i in range(len(changed.data) - 1) if changed.data[i] != changed.data[i + 1]
             and np.searchsorted(changed.indptr, i, "right") == np.searchsorted(changed.indptr, i + 1, "right"))
    changed.data[[a, a + 1]] = changed.data[[a + 1, a]]
    other = dataclasses.replace(matrix, counts=changed)
    expected = keyness(other, by="company")
    assert len(calls) >= 4  # its own sides
    monkeypatch.setattr(cache_mod, "MIN_ENTRIES", 10**12)
    before = _files(tmp_path)
    pd.testing.assert_frame_equal(keyness(other, by="company"), expected)
    assert _files(tmp_path) == before  # not cached below the size


def test_a_damaged_file_is_computed_again_with_a_warning(matrix, tmp_path, monkeypatch):
    first = keyness(matrix, by="company")
    files = _files(tmp_path)
    files[0].write_bytes(b"not an npz file")
    bad_dp = {name: np.load(files[1])[name] for name in ("docs", "dp")}
    bad_dp["dp"] = np.where(bad_dp["docs"] > 0, 2.0, np.nan)  # DP outside [0, 1]
    with open(files[1], "wb") as fh:
        np.savez(fh, **bad_dp)
    calls = _computed(monkeypatch)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        again = keyness(matrix, by="company")
    assert len(calls) == 2
    assert sum("dispersion cache file" in str(w.message) for w in caught) == 2
    pd.testing.assert_frame_equal(again, first)


def test_the_sides_of_a_report_all_stay(tmp_path, monkeypatch):
    """A report compares companies (notebook 20), then each company year over year (a side for each
    company's year), then the companies again (notebook 50): the first sides must still be there. With
    3 companies over 12 years that is 36 sides between them (32 files were kept before)."""
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(cache_mod, "MIN_ENTRIES", 0)
    corpus = _corpus(range(0, 216))
    corpus["company"] = [["移动", "联通", "电信"][i % 3] for i in range(216)]
    corpus["date"] = pd.to_datetime([f"{2013 + (i // 3) % 12}-06-01" for i in range(216)])
    corpus["year"] = corpus["date"].dt.year
    m = dtm(tokenize(corpus, cache_dir=tmp_path / "tokens", n_jobs=1, progress=False), cache=False)
    first = keyness(m, by="company", min_count=5)
    year_over_year(m)
    assert len(_files(tmp_path)) == 6 + 36
    calls = _computed(monkeypatch)
    pd.testing.assert_frame_equal(keyness(m, by="company", min_count=5), first)
    keyness(m, by="company", min_count=3)  # notebook 50's minimum: the same sides
    assert calls == []


def test_the_newest_files_stay_within_the_count_and_the_bytes(tmp_path):
    for i, size in enumerate([50, 10, 30, 20, 40]):  # written oldest first
        path = tmp_path / f"{i}.npz"
        path.write_bytes(b"x" * size)
        os.utime(path, ns=(10**18 + i, 10**18 + i))
    (tmp_path / "other.txt").write_bytes(b"x" * 1000)
    _io.keep_newest(tmp_path, "*.npz", 4, max_bytes=90)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2.npz", "3.npz", "4.npz", "other.txt"]  # 40+20+30
    _io.keep_newest(tmp_path, "*.npz", 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["3.npz", "4.npz", "other.txt"]
    _io.keep_newest(tmp_path, "*.npz", 2, max_bytes=1)  # the newest stays, whatever its size
    assert sorted(p.name for p in tmp_path.iterdir()) == ["4.npz", "other.txt"]
