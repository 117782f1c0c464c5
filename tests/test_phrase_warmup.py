"""The report's warm-up (issue 12): it is given the notebooks' ``phrase_min_count`` (their phrase
candidates are counted ahead: tests/test_phrase_cache.py), it scans the slogans first, and the
notebooks run as their inputs become ready: those that need neither, then those that count slogans,
then those that discover phrases."""

from __future__ import annotations

from pathlib import Path

from analysis.report import runner, warmup

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def _code(name: str) -> str:
    return runner._code_of(NOTEBOOKS / f"{name}.ipynb")


def test_notebooks_run_as_the_caches_they_need_are_warmed():
    names = sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb"))
    # by hand: 30 (slogan trends), 40 (slogans) and 60 (walk-through, question on slogans) count slogans
    assert [n for n in names if warmup.counts_slogans(_code(n))] == [
        "30-year-trends", "40-slogans", "60-analyst-walkthrough",
    ]  # fmt: skip
    # 10 (new phrases) and 60 (the walk-through's new-word question) discover phrases
    assert [n for n in names if warmup.discovers_phrases(_code(n))] == ["10-keywords", "60-analyst-walkthrough"]
    assert warmup.deferred(names, _code) == [
        "00-corpus-overview", "20-company-comparison", "50-term-explorer",
        "30-year-trends", "40-slogans",
        "10-keywords", "60-analyst-walkthrough",
    ]  # fmt: skip
    assert warmup.counts_slogans("x = tl.slogan_trend(docs, tokens)") and not warmup.counts_slogans("slogan_trend = 1")
    assert warmup.discovers_phrases("p = tl.discover_phrases(tokens)") and not warmup.discovers_phrases("discover_phrases = 1")


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


def test_the_warm_up_does_only_what_the_notebooks_ask_for(monkeypatch, tmp_path):
    """Slogans scanned first, then the phrases counted; no scan when no notebook counts slogans (say
    ``--only 10-keywords``), and no process at all when there is nothing to warm."""
    from analysis import _proc
    from analysis.stats import _slogan_cache

    calls: list[object] = []
    monkeypatch.setattr(_proc, "die_with_parent", lambda: None)
    monkeypatch.setattr(warmup.os, "nice", lambda n: 0)
    monkeypatch.setattr(_slogan_cache, "warm", lambda parquet: calls.append(("slogans", parquet.name)))
    monkeypatch.setattr(warmup, "warm_phrases", lambda parquet, counts: calls.append(("phrases", counts)))
    parquet = str(tmp_path / "corpus.parquet")
    assert warmup.main([parquet, "--phrases", "3,5"]) == 0
    assert calls == [("slogans", "corpus.parquet"), ("phrases", [3, 5])]
    calls.clear()
    assert warmup.main([parquet, "--phrases", "3", "--no-slogans"]) == 0
    assert calls == [("phrases", [3])]
    calls.clear()
    assert warmup.main([parquet]) == 0
    assert calls == [("slogans", "corpus.parquet")]
    assert warmup.main([parquet, "--bad"]) == 2
    assert warmup.start(tmp_path / "corpus.parquet", (), slogans=False) is None
