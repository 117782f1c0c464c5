"""Phrase candidates counted ahead (issue 12): ``warm_phrases`` fills the phrase cache, and a
``discover_phrases`` of the same tokens in another process waits for a count in progress instead of
making its own; the report runner's warm-up is given the notebooks' ``phrase_min_count`` and runs the
notebooks that count slogans last."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from test_token_lists import _corpus

from analysis import config
from analysis.report import runner, warmup
from analysis.stats import _phrase_cache, phrases
from analysis.stats.phrases import discover_phrases
from analysis.tokens import tokenize

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@pytest.fixture()
def sample(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    corpus = pd.concat([_corpus(range(0, 40)), _corpus(range(10, 30), salt="另")], ignore_index=True)
    return corpus, tokenize(corpus, cache_dir=tmp_path / "tokens", n_jobs=1, progress=False)


def _forbid_counting(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("counted here")

    monkeypatch.setattr(phrases, "_count_ngrams", fail)


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
    with pytest.raises(AssertionError, match="counted here"):
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


def _code(name: str) -> str:
    return runner._code_of(NOTEBOOKS / f"{name}.ipynb")


def test_notebooks_that_count_slogans_run_after_the_others():
    names = sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb"))
    # by hand: 30 (slogan trends), 40 (slogans) and 60 (walk-through, question on slogans) count slogans
    assert [n for n in names if warmup.counts_slogans(_code(n))] == [
        "30-year-trends", "40-slogans", "60-analyst-walkthrough",
    ]  # fmt: skip
    assert warmup.deferred(names, _code) == [
        "00-corpus-overview", "10-keywords", "20-company-comparison", "50-term-explorer",
        "30-year-trends", "40-slogans", "60-analyst-walkthrough",
    ]  # fmt: skip
    assert warmup.counts_slogans("x = tl.slogan_trend(docs, tokens)") and not warmup.counts_slogans("slogan_trend = 1")


def test_the_warm_up_counts_the_phrase_settings_of_the_notebooks():
    def task(name, **params):  # as the runner makes it: only the parameters the user set
        return {"name": name, "params": params}

    names = {"10": "10-keywords", "60": "60-analyst-walkthrough", "20": "20-company-comparison"}
    code = {k: _code(v) for k, v in names.items()}
    defaults = {k: runner._notebook_params(NOTEBOOKS / f"{v}.ipynb") for k, v in names.items()}
    assert defaults["10"]["phrase_min_count"] == 3 and "phrase_min_count" not in defaults["20"]

    def counts(*tasks):
        return runner._phrase_min_counts(list(tasks), code, defaults)

    assert counts(task("10"), task("60"), task("20")) == (3,)  # the notebooks' own default
    assert counts(task("10"), task("60", phrase_min_count=5)) == (3, 5)
    assert counts(task("10", year_min=2020), task("60", year_max=2023)) == ()  # not the whole corpus
    assert counts(task("20", phrase_min_count=4)) == ()  # discovers no phrase
    assert counts(task("10", phrase_min_count="x"), task("60", phrase_min_count=0)) == ()
