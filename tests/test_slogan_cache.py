"""The per-document slogan cache: a cached run gives the same table as a scan, never trusts a damaged file,
and a changed lexicon or option is a different cache."""

from __future__ import annotations

import os
import time
import warnings
from pathlib import Path

import pandas as pd
import pytest

from analysis import config
from analysis.stats import _slogan_cache
from analysis.stats.slogans import _get_lexicon, _scan_rows, slogan_counts

SEEDS = Path(__file__).resolve().parents[1] / "data" / "raw"

PARAS = [
    "坚决做到“两个维护”，增强“四个意识”，推进全面从严治党。",
    "学习《中国共产党纪律处分条例》，落实“学思想、强党性、重实践、建新功”要求，一体推进不敢腐、不能腐、不想腐。",
    "“实”字当头，推动1+N政策体系落地，谋划十四五规划，坚持以人民为中心。",
    "正风肃纪反腐，习近平新时代中国特色社会主义思想，党风廉政建设和反腐败斗争。",
    '他说"BASIC6"和‘单引号’，「全面从严治党」「两个确立」。',
]


def _corpus(n: int, prefix: str = "d") -> pd.DataFrame:
    texts = [f"{i}号通知\n" + "\n".join(PARAS[(i + k) % len(PARAS)] for k in range(1 + i % 4)) * (1 + i % 3) for i in range(n)]
    return pd.DataFrame({"doc_id": [f"{prefix}{i}" for i in range(n)], "text": texts})


@pytest.fixture()
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path)
    monkeypatch.setattr(_slogan_cache, "_WRITE_MIN_CHARS", 0)
    return tmp_path / "slogans"


def _reference(corpus: pd.DataFrame, **kw) -> pd.DataFrame:
    """The counts scanned document by document without any cache, by the line scan behind extract_slogans
    (what the table must equal)."""
    lex = _get_lexicon(None)
    rows = [(d, *r) for d, t in zip(corpus["doc_id"], corpus["text"], strict=True) for r in _scan_rows(t, lex, kw.get("split_compound", True))]
    return pd.DataFrame(rows, columns=["doc_id", "slogan", "kind", "count", "count_standalone"])


def test_cached_run_equals_first_run_and_scans_nothing(own_cache, monkeypatch):
    corpus = _corpus(30)
    first = slogan_counts(corpus)
    pd.testing.assert_frame_equal(first, _reference(corpus))
    assert len(list(own_cache.glob("*/shard-*.arrow"))) == 1

    def no_scan(*args, **kwargs):
        raise AssertionError("a cached document was scanned again")

    monkeypatch.setattr(_slogan_cache, "_scan", no_scan)
    pd.testing.assert_frame_equal(slogan_counts(corpus), first)
    # a subset in another order, kinds filtered: still served from the cache
    sub = corpus.iloc[[5, 2, 9]].reset_index(drop=True)
    expected = first[first["doc_id"].isin(sub["doc_id"])]
    expected = pd.concat([expected[expected["doc_id"] == d] for d in sub["doc_id"]], ignore_index=True)
    pd.testing.assert_frame_equal(slogan_counts(sub), expected)


def test_only_new_documents_are_scanned(own_cache, monkeypatch):
    slogan_counts(_corpus(10))
    scanned: list[int] = []
    real = _slogan_cache._scan

    def counting(texts, lex, split_compound, *rest):
        scanned.append(len(texts))
        return real(texts, lex, split_compound, *rest)

    monkeypatch.setattr(_slogan_cache, "_scan", counting)
    more = pd.concat([_corpus(10), pd.DataFrame({"doc_id": ["new"], "text": ["新的“两个维护”"]})], ignore_index=True)
    out = slogan_counts(more)
    assert scanned == [1]
    pd.testing.assert_frame_equal(out, _reference(more))


def test_other_lexicon_or_option_is_another_cache(own_cache):
    corpus = _corpus(8)
    slogan_counts(corpus)
    nosplit = slogan_counts(corpus, split_compound=False)
    pd.testing.assert_frame_equal(nosplit, _reference(corpus, split_compound=False))
    mine = slogan_counts(corpus, lexicon=["两个维护"])
    assert set(mine.loc[mine["kind"] == "lexicon", "slogan"]) <= {"两个维护"}
    assert len(list(own_cache.glob("*/shard-*.arrow"))) == 3


@pytest.mark.parametrize("damage", ["flip", "truncate", "rename"])
def test_damaged_shard_is_set_aside_and_recomputed(own_cache, damage):
    corpus = _corpus(12)
    first = slogan_counts(corpus)
    (shard,) = own_cache.glob("*/shard-*.arrow")
    data = bytearray(shard.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0xFF
        shard.write_bytes(bytes(data))
    elif damage == "truncate":
        shard.write_bytes(bytes(data[: len(data) // 3]))
    else:  # well-formed bytes under a name promising other bytes
        shard.rename(shard.with_name(shard.stem[:-64] + "0" * 64 + ".arrow"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        again = slogan_counts(corpus)
    assert any("slogan cache file" in str(w.message) and "damaged" in str(w.message) for w in caught)
    pd.testing.assert_frame_equal(again, first)
    assert list(own_cache.glob("*/damaged/shard-*.arrow"))


def test_parallel_scan_equals_serial(own_cache, monkeypatch):
    corpus = _corpus(40)
    monkeypatch.setattr(_slogan_cache, "_PARALLEL_MIN_CHARS", 0)
    monkeypatch.setattr(_slogan_cache, "_CHUNK_CHARS", 500)
    monkeypatch.setattr(config, "n_jobs_default", lambda: 2)
    pd.testing.assert_frame_equal(slogan_counts(corpus), _reference(corpus))


@pytest.fixture()
def ahead(own_cache, monkeypatch):
    """Background scans started for any amount of text, on two workers, in small chunks."""
    monkeypatch.setattr(_slogan_cache, "_AHEAD_MIN_CHARS", 0)
    monkeypatch.setattr(_slogan_cache, "_AHEAD_MIN_DOCS", 0)
    monkeypatch.setattr(_slogan_cache, "_CHUNK_CHARS", 500)
    monkeypatch.setattr(config, "n_jobs_default", lambda: 2)
    yield own_cache
    for scan in _slogan_cache._AHEAD.values():
        scan.close()
    _slogan_cache._AHEAD.clear()


def _no_scan(*args, **kwargs):
    raise AssertionError("scanned in this process although the background scan had the documents")


def test_background_scan_gives_the_rows_and_nothing_is_scanned_again(ahead, monkeypatch):
    corpus = _corpus(40)
    assert _slogan_cache.scan_ahead(corpus["text"])
    assert len(_slogan_cache._AHEAD) == 1
    monkeypatch.setattr(_slogan_cache, "_scan", _no_scan)
    pd.testing.assert_frame_equal(slogan_counts(corpus), _reference(corpus))
    assert not _slogan_cache._AHEAD  # taken, workers stopped
    assert len(list(ahead.glob("*/shard-*.arrow"))) == 1  # and kept in the cache
    pd.testing.assert_frame_equal(slogan_counts(corpus), _reference(corpus))
    assert not _slogan_cache.scan_ahead(corpus["text"])  # all cached: nothing to scan


def test_background_scan_part_by_part_and_only_what_the_cache_lacks(ahead, monkeypatch):
    corpus = _corpus(40)
    slogan_counts(corpus.iloc[:10])  # cached before
    texts = corpus["text"].tolist()
    hashes = _slogan_cache._text_hashes(corpus["text"])
    assert not _slogan_cache.scan_ahead(texts[:10], hashes=hashes[:10])
    assert _slogan_cache.scan_ahead(texts[10:25], hashes=hashes[10:25])
    assert _slogan_cache.scan_ahead(texts[20:])  # overlapping the part before: those are not sent again
    (scan,) = _slogan_cache._AHEAD.values()
    assert scan.submitted == set(hashes[10:])
    monkeypatch.setattr(_slogan_cache, "_scan", _no_scan)
    pd.testing.assert_frame_equal(slogan_counts(corpus), _reference(corpus))


def test_other_lexicon_is_not_served_by_the_background_scan(ahead):
    corpus = _corpus(12)
    assert _slogan_cache.scan_ahead(corpus["text"], lexicon=["两个维护"])
    pd.testing.assert_frame_equal(slogan_counts(corpus), _reference(corpus))  # the default lexicon: scanned
    assert len(_slogan_cache._AHEAD) == 1


_REAL_SCAN_CHUNK = _slogan_cache._scan_chunk


def _slow_chunk(*args, **kwargs):
    time.sleep(0.5)
    return _REAL_SCAN_CHUNK(*args, **kwargs)


def test_waiting_for_the_background_scan_this_process_scans_the_chunks_not_started(ahead, monkeypatch):
    corpus = _corpus(40)
    monkeypatch.setattr(_slogan_cache, "_scan_chunk", _slow_chunk)  # the workers are forked with it
    assert _slogan_cache.scan_ahead(corpus["text"])
    (scan,) = _slogan_cache._AHEAD.values()
    assert len(scan.jobs) > 6
    here: list[str] = []
    real = _slogan_cache._part_rows

    def counting(texts, lex, split_compound):
        here.extend(texts)
        return real(texts, lex, split_compound)

    monkeypatch.setattr(_slogan_cache, "_part_rows", counting)  # in this process only
    pd.testing.assert_frame_equal(slogan_counts(corpus), _reference(corpus))
    assert 0 < len(here) < len(corpus)  # the workers did some, this process the rest


class _Source:
    """A source of texts read part by part, as analysis.engine.texts.CorpusTexts hands them out: content
    hashes, select(positions), batches(wanted) (each wanted hash once, in order, a few texts at a time)."""

    def __init__(self, texts: list[str], hashes: list[str]) -> None:
        self.texts, self.hashes = texts, hashes

    def __len__(self) -> int:
        return len(self.hashes)

    def select(self, positions):
        return _Source([self.texts[i] for i in positions], [self.hashes[i] for i in positions])

    def batches(self, wanted):
        left = set(wanted)
        picked = [(h, t) for h, t in zip(self.hashes, self.texts, strict=True) if h in left and not left.discard(h)]
        for at in range(0, len(picked), 3):
            yield [h for h, _ in picked[at : at + 3]], [t for _, t in picked[at : at + 3]]


def test_background_scan_of_a_source_read_by_the_workers(ahead, monkeypatch):
    corpus = pd.concat([_corpus(30), _corpus(5, prefix="again")], ignore_index=True)  # repeated texts too
    slogan_counts(corpus.iloc[:4])
    source = _Source(corpus["text"].tolist(), _slogan_cache._text_hashes(corpus["text"]))
    assert _slogan_cache.scan_ahead(source)
    (scan,) = _slogan_cache._AHEAD.values()
    assert all(isinstance(texts, _Source) for _, texts, _ in scan.jobs)  # no text handed over from here
    assert len(scan.submitted) == 26  # 30 distinct texts, 4 of them cached
    monkeypatch.setattr(_slogan_cache, "_scan", _no_scan)
    pd.testing.assert_frame_equal(slogan_counts(corpus), _reference(corpus))


def _die(*args, **kwargs):
    os._exit(3)


def test_dead_background_worker_its_documents_are_scanned_here(ahead, monkeypatch):
    corpus = _corpus(30)
    monkeypatch.setattr(_slogan_cache, "_scan_chunk", _die)  # the workers are forked with it
    assert _slogan_cache.scan_ahead(corpus["text"])
    (scan,) = _slogan_cache._AHEAD.values()
    assert scan.jobs[-1][2].exception(timeout=60) is not None  # the pool is broken: every chunk failed
    pd.testing.assert_frame_equal(slogan_counts(corpus), _reference(corpus))
    assert not _slogan_cache._AHEAD


def test_no_background_scan_for_little_text_or_one_core(own_cache, monkeypatch):
    corpus = _corpus(30)
    assert not _slogan_cache.scan_ahead(corpus["text"])  # a few kB: scanned where needed
    monkeypatch.setattr(_slogan_cache, "_AHEAD_MIN_CHARS", 0)
    monkeypatch.setattr(config, "n_jobs_default", lambda: 1)
    assert not _slogan_cache.scan_ahead(corpus["text"])
    assert not _slogan_cache._AHEAD


def test_many_runs_are_compacted(own_cache):
    for k in range(12):
        slogan_counts(_corpus(3, prefix=f"r{k}-").assign(text=lambda d, k=k: d["text"] + f"第{k}批"))
    assert 1 <= len(list(own_cache.glob("*/shard-*.arrow"))) <= 9
    corpus = pd.concat([_corpus(3, prefix=f"r{k}-").assign(text=lambda d, k=k: d["text"] + f"第{k}批") for k in range(12)], ignore_index=True)
    pd.testing.assert_frame_equal(slogan_counts(corpus), _reference(corpus))


def test_sample_corpus_counts_cached_equal_scanned(own_cache):
    from analysis.ingest.corpus import load_corpus

    corpus = load_corpus(SEEDS, progress=False, quiet=True)
    first = slogan_counts(corpus)
    assert len(first) > 20
    pd.testing.assert_frame_equal(slogan_counts(corpus), first)
    ref = _reference(corpus)
    pd.testing.assert_frame_equal(first, ref)


def _brute_occurrences(text: str, terms: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for t in terms:
        n = sum(1 for i in range(len(text)) if text.startswith(t, i))
        if n:
            found[t] = n
    return found


def test_occurrences_from_the_line_scan_are_every_overlapping_occurrence():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from analysis.stats.slogans import _Lexicon, _scan

    alphabet = "甲乙丙丁“”、\n"
    terms_st = st.lists(st.text(alphabet="甲乙丙丁", min_size=1, max_size=5), min_size=1, max_size=8, unique=True)

    @settings(max_examples=300, deadline=None)
    @given(terms=terms_st, text=st.text(alphabet=alphabet, max_size=60))
    def check(terms: list[str], text: str) -> None:
        lex = _Lexicon(tuple(terms))
        found: dict[str, int] = {}
        _scan(text, lex, True, found)
        assert found == _brute_occurrences(text, terms)
        assert lex.occurrences(text) == found

    check()


def test_bootstrap_intervals_cached_equal_computed_and_damage_is_recomputed(own_cache, monkeypatch):
    from analysis.stats import uncertainty
    from analysis.stats.slogans import slogan_profile

    corpus = _corpus(24).assign(company=lambda d: ["移动", "联通", "电信"] * 8)
    first = slogan_profile(corpus, by="company")
    assert first["rate_ci_low"].notna().any()
    (ci,) = own_cache.glob("ci/*.npz")

    def no_bootstrap(*args, **kwargs):
        raise AssertionError("the intervals were computed again")

    with monkeypatch.context() as m:
        m.setattr(uncertainty, "bootstrap_rate_ci", no_bootstrap)
        pd.testing.assert_frame_equal(slogan_profile(corpus, by="company"), first)
    ci.write_bytes(ci.read_bytes()[:40])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        again = slogan_profile(corpus, by="company")
    assert any("interval cache file" in str(w.message) for w in caught)
    pd.testing.assert_frame_equal(again, first)
    other = slogan_profile(corpus, by="company", seed=1)  # another seed: another file, other intervals
    assert len(list(own_cache.glob("ci/*.npz"))) == 2
    assert not other["rate_ci_low"].equals(first["rate_ci_low"]) or not other["rate_ci_high"].equals(first["rate_ci_high"])


def test_occurrences_are_every_overlapping_occurrence_whatever_the_terms():
    """``_Lexicon.occurrences`` (one scan, each distinct match worked out once) against a count at every
    position, with terms that nest, overlap themselves or span a line break."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from analysis.stats.slogans import _Lexicon

    terms_st = st.lists(st.text(alphabet="甲乙丙\n", min_size=1, max_size=5), min_size=1, max_size=8, unique=True)

    @settings(max_examples=300, deadline=None)
    @given(terms=terms_st, text=st.text(alphabet="甲乙丙丁\n", max_size=60))
    def check(terms: list[str], text: str) -> None:
        terms = [t for t in terms if t.strip()] or ["甲"]
        assert _Lexicon(tuple(terms)).occurrences(text) == _brute_occurrences(text, terms)

    check()
