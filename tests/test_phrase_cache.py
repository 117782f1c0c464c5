"""The phrase cache (``analysis.stats._phrase_cache``): a repeated ``discover_phrases`` on the same tokens
counts nothing and looks up no phrase it looked up before, gives the same table, and a damaged or
stale file is computed again; candidates counted ahead (``warm_phrases``, the report's warm-up) are
read, and a count in progress in another process is waited for, not made again."""

from __future__ import annotations

import shutil
import threading
import time
import warnings
from pathlib import Path

import pandas as pd
import pytest
from test_token_lists import _corpus

from analysis import config
from analysis.stats import _phrase_cache, phrases
from analysis.stats.phrases import discover_phrases
from analysis.stats.slogans import _Lexicon
from analysis.tokens import tokenize


@pytest.fixture()
def sample(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    corpus = pd.concat([_corpus(range(0, 40)), _corpus(range(10, 30), salt="另")], ignore_index=True)
    return corpus, tokenize(corpus, cache_dir=tmp_path / "tokens", n_jobs=1, progress=False)


def _forbid_counting(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("counted again")

    monkeypatch.setattr(phrases, "_count_ngrams", fail)


def test_a_repeat_counts_nothing_and_gives_the_same_table(sample, monkeypatch):
    corpus, tokens = sample
    first = discover_phrases(tokens, min_count=2, top_n=None)
    first_verbatim = discover_phrases(tokens, min_count=2, top_n=5, corpus=corpus)
    assert len(first) > 10 and len(first_verbatim) == 5
    looked_up: list[int] = []
    real = _Lexicon.occurrences
    monkeypatch.setattr(_Lexicon, "occurrences", lambda self, text: looked_up.append(1) or real(self, text))
    _forbid_counting(monkeypatch)
    pd.testing.assert_frame_equal(discover_phrases(tokens, min_count=2, top_n=None), first)
    pd.testing.assert_frame_equal(discover_phrases(tokens, min_count=2, top_n=3, corpus=corpus), first_verbatim.head(3))
    assert not looked_up  # every phrase of the top 3 was looked up for the top 5
    discover_phrases(tokens, min_count=2, top_n=None, corpus=corpus)
    assert looked_up  # the rest had not been


def test_other_settings_or_other_tokens_count_again(sample, monkeypatch):
    corpus, tokens = sample
    discover_phrases(tokens, min_count=2, top_n=None)
    calls: list[int] = []
    real = phrases._count_ngrams
    monkeypatch.setattr(phrases, "_count_ngrams", lambda *a, **k: calls.append(1) or real(*a, **k))
    discover_phrases(tokens, min_count=3, top_n=None)
    discover_phrases(tokens, min_count=2, max_len=3, top_n=None)
    fewer = tokenize(corpus.iloc[:30].reset_index(drop=True), n_jobs=1, progress=False)
    discover_phrases(fewer, min_count=2, top_n=None)
    assert len(calls) == 3


def test_a_damaged_file_is_computed_again_with_a_warning(sample):
    corpus, tokens = sample
    first = discover_phrases(tokens, min_count=2, top_n=4, corpus=corpus)
    files = sorted((config.CACHE_DIR / "phrases").glob("*.parquet"))
    assert {f.name.split("-")[0] for f in files} == {"candidates", "verbatim"}
    for f in files:
        f.write_bytes(f.read_bytes()[:40])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        again = discover_phrases(tokens, min_count=2, top_n=4, corpus=corpus)
    assert sum("damaged" in str(w.message) for w in caught) == 2
    pd.testing.assert_frame_equal(again, first)
    assert all(_phrase_cache._read(f, cols) is not None for f, cols in
               zip(sorted((config.CACHE_DIR / "phrases").glob("*.parquet")),
                   [_phrase_cache.CANDIDATE_COLUMNS, _phrase_cache._VERBATIM_COLUMNS], strict=True))


def test_a_file_of_the_wrong_shape_is_not_trusted(sample):
    _, tokens = sample
    discover_phrases(tokens, min_count=2, top_n=None)
    (path,) = (config.CACHE_DIR / "phrases").glob("candidates-*.parquet")
    table = pd.read_parquet(path)
    table["count"] = table["count"].astype("float64")
    table.to_parquet(path, index=False)
    with pytest.warns(RuntimeWarning, match="damaged"):
        assert _phrase_cache._read(path, _phrase_cache.CANDIDATE_COLUMNS) is None


def _counted_elsewhere(tokens, folder: Path, monkeypatch) -> tuple[pd.DataFrame, Path]:
    """The phrases of ``tokens`` (min_count 2) and their candidates file, counted in another cache."""
    with monkeypatch.context() as mp:
        mp.setattr(config, "CACHE_DIR", folder)
        table = discover_phrases(tokens, min_count=2, top_n=None)
    (path,) = folder.glob("phrases/candidates-*.parquet")
    return table, path


def test_warm_phrases_counts_what_discover_phrases_then_reads(sample, tmp_path, monkeypatch):
    _, tokens = sample
    want, _ = _counted_elsewhere(tokens, tmp_path / "elsewhere", monkeypatch)
    assert len(want) > 10
    assert phrases.warm_phrases(tokens, min_count=2) is True
    _forbid_counting(monkeypatch)
    pd.testing.assert_frame_equal(discover_phrases(tokens, min_count=2, top_n=None), want)
    assert phrases.warm_phrases(tokens, min_count=2) is True  # already there: nothing to do
    with pytest.raises(AssertionError, match="counted again"):
        discover_phrases(tokens, min_count=3, top_n=None)  # other settings: not warmed


def test_a_count_in_progress_is_waited_for_not_made_again(sample, tmp_path, monkeypatch):
    _, tokens = sample
    want, counted = _counted_elsewhere(tokens, tmp_path / "elsewhere", monkeypatch)
    _forbid_counting(monkeypatch)
    path = _phrase_cache._path(f"token-lists:{tokens.docs.content_key()}", 2, 4)
    assert path.name == counted.name  # the same stream and settings name the same file
    got: list[pd.DataFrame] = []
    with _phrase_cache._counting(path, wait=True) as mine:  # as a warm-up process counting them
        assert mine
        assert phrases.warm_phrases(tokens, min_count=2) is False  # a second warm-up leaves it be
        reader = threading.Thread(target=lambda: got.append(discover_phrases(tokens, min_count=2, top_n=None)))
        reader.start()
        time.sleep(0.5)
        assert reader.is_alive() and not got  # waiting for the count, not counting
        shutil.copyfile(counted, path)  # the count is written
    reader.join(30)
    assert len(got) == 1
    pd.testing.assert_frame_equal(got[0], want)


def test_a_count_that_left_nothing_is_made_by_the_waiting_process(sample, monkeypatch):
    """A warm-up stopped while counting writes no table: the notebook then counts itself."""
    _, tokens = sample
    path = _phrase_cache._path(f"token-lists:{tokens.docs.content_key()}", 2, 4)
    with _phrase_cache._counting(path, wait=True):
        pass
    assert len(discover_phrases(tokens, min_count=2, top_n=None)) > 10
    assert path.is_file()


def test_a_count_that_never_ends_is_waited_for_at_most_a_while(sample, tmp_path, monkeypatch):
    """A stuck counting process (its lock held) delays a notebook by ``_WAIT_S`` at most: then the
    notebook counts itself, with a warning."""
    _, tokens = sample
    want, _ = _counted_elsewhere(tokens, tmp_path / "elsewhere", monkeypatch)
    monkeypatch.setattr(_phrase_cache, "_WAIT_S", 0.3)
    path = _phrase_cache._path(f"token-lists:{tokens.docs.content_key()}", 2, 4)
    with _phrase_cache._counting(path, wait=True):  # held for the whole call below
        start = time.monotonic()
        with pytest.warns(RuntimeWarning, match="counting here"):
            got = discover_phrases(tokens, min_count=2, top_n=None)
        assert 0.3 <= time.monotonic() - start < 30
    pd.testing.assert_frame_equal(got, want)
