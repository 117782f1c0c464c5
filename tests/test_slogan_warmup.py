"""The slogan-cache warm-up (``_slogan_cache.warm``, started by the report runner): it fills the cache from
an ingested corpus.parquet, a count that lacks documents waits for a running warm-up and takes its rows
instead of scanning them again, and a warm-up that never ends is waited for a bounded time only."""

from __future__ import annotations

import threading
import time
import warnings
from pathlib import Path

import pandas as pd
import pytest

from analysis import config
from analysis.ingest.corpus import ingest, load_corpus
from analysis.stats import _slogan_cache
from analysis.stats.slogans import _get_lexicon, _scan_rows, slogan_counts

PARAS = [
    "坚决做到“两个维护”，增强“四个意识”，推进全面从严治党。",
    "一体推进不敢腐、不能腐、不想腐，推动1+N政策体系落地。",
    "正风肃纪反腐，党风廉政建设和反腐败斗争，「两个确立」。",
]


@pytest.fixture()
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(_slogan_cache, "_WRITE_MIN_CHARS", 0)
    return tmp_path / "cache"


@pytest.fixture()
def parquet(tmp_path: Path, own_cache: Path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    for i in range(6):
        body = "\n".join(f"第{i}篇第{k}段。{PARAS[(i + k) % len(PARAS)]}" for k in range(1 + i % 3))
        (folder / f"d{i}.txt").write_text(f"中国移动党委召开会议\n2023-0{i + 1}-0{i + 1}\n{body}\n", encoding="utf-8")
    ingest(folder, tmp_path / "out", progress=False)
    return tmp_path / "out" / "corpus.parquet"


def _reference(corpus: pd.DataFrame) -> pd.DataFrame:
    lex = _get_lexicon(None)
    rows = [(d, *r) for d, t in zip(corpus["doc_id"], corpus["text"], strict=True) for r in _scan_rows(t, lex, True)]
    return pd.DataFrame(rows, columns=["doc_id", "slogan", "kind", "count", "count_standalone"])


def _store() -> object:
    return _slogan_cache._store(_slogan_cache.cache_key(_get_lexicon(None), True))


def test_warm_fills_the_cache_and_a_count_then_scans_nothing(parquet: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = load_corpus(parquet, progress=False)
    assert _slogan_cache.warm(parquet)
    assert not _slogan_cache.warm(parquet)  # every document cached: nothing scanned, nothing written

    def no_scan(*args: object, **kwargs: object) -> None:
        raise AssertionError("a warmed document was scanned again")

    monkeypatch.setattr(_slogan_cache, "_scan", no_scan)
    counts = slogan_counts(corpus)
    assert len(counts) and counts["doc_id"].nunique() == 6
    pd.testing.assert_frame_equal(counts, _reference(corpus))


def test_a_count_waits_for_a_running_warm_up_and_takes_its_rows(parquet: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = load_corpus(parquet, progress=False)
    scanned_by: list[int] = []
    real_scan = _slogan_cache._scan

    def recording_scan(*args: object, **kwargs: object) -> object:
        scanned_by.append(threading.get_ident())
        return real_scan(*args, **kwargs)

    monkeypatch.setattr(_slogan_cache, "_scan", recording_scan)
    found: list[pd.DataFrame] = []
    with _slogan_cache._warming(_store()) as mine:  # this test plays the warm-up
        assert mine
        counter = threading.Thread(target=lambda: found.append(slogan_counts(corpus)))
        counter.start()
        time.sleep(0.5)
        assert counter.is_alive() and not scanned_by  # waiting, not scanning
        _slogan_cache.slogan_rows(corpus["text"], _get_lexicon(None), True, wait=False)
    counter.join(30)
    assert not counter.is_alive()
    assert scanned_by == [threading.get_ident()]  # the warm-up scanned; the waiting count did not
    pd.testing.assert_frame_equal(found[0], _reference(corpus))


def test_a_stuck_warm_up_is_waited_for_a_bounded_time(parquet: Path) -> None:
    store = _store()
    assert not _slogan_cache._wait_for_warm(store)  # never warmed: no wait at all
    with _slogan_cache._warming(store) as mine:
        assert mine
        assert not _slogan_cache.warm(parquet)  # a second warm-up of the same cache does nothing
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            started = time.monotonic()
            assert not _slogan_cache._wait_for_warm(store, timeout=0.3)
            assert time.monotonic() - started < 5
        assert any("warm-up still holds" in str(w.message) for w in caught)
    assert not _slogan_cache._wait_for_warm(store)  # released: nothing to wait for


def test_a_warm_up_in_small_partitions_writes_the_table_of_all_rows(
    parquet: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each partition's rows become a table at once (their Python tuples held 1.2 GB more at 1 GB of
    text); the shard written is the table of all rows, with one slogan dictionary (an IPC file holds one)."""
    import pyarrow as pa

    from analysis.engine.texts import CorpusTexts

    real = CorpusTexts.batches
    monkeypatch.setattr(CorpusTexts, "batches", lambda self, wanted, partition_docs=None: real(self, wanted, 2))
    scans: list[int] = []
    real_scan = _slogan_cache._scan
    monkeypatch.setattr(_slogan_cache, "_scan", lambda texts, *a, **k: scans.append(len(texts)) or real_scan(texts, *a, **k))
    tables: list[int] = []
    real_table = _slogan_cache._table
    monkeypatch.setattr(_slogan_cache, "_table", lambda hashes, rows: tables.append(len(rows)) or real_table(hashes, rows))
    assert _slogan_cache.warm(parquet)
    assert scans == [2, 2, 2]
    assert max(tables) == 2  # no table of every row at once: a partition's at a time
    monkeypatch.setattr(_slogan_cache, "_table", real_table)
    (shard,) = _store().shards()
    with pa.ipc.open_file(shard) as f:
        written = f.read_all()
    assert written.column("slogan").num_chunks == 1
    corpus = load_corpus(parquet, progress=False)
    lex = _get_lexicon(None)
    whole = _slogan_cache._table(list(corpus["content_hash"]), [_scan_rows(t, lex, True) for t in corpus["text"]])
    assert written.replace_schema_metadata(None).equals(whole.replace_schema_metadata(None))
    pd.testing.assert_frame_equal(slogan_counts(corpus), _reference(corpus))
