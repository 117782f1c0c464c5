"""The document-term count cache (``analysis._dtm_cache``): ``dtm`` on the same cached tokens reads the
counts back instead of counting, gives the same matrix, and counts again for other tokens, after any
damage, and once the token lists exist as Python lists."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_token_lists import _corpus

from analysis import config
from analysis.dtm import dtm
from analysis.tokens import TokenLists, tokenize


@pytest.fixture()
def sample(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    corpus = pd.concat([_corpus(range(0, 40)), _corpus(range(10, 30), salt="另")], ignore_index=True)
    return corpus, lambda c: tokenize(c, cache_dir=tmp_path / "tokens", n_jobs=1, progress=False)


def _same(a, b) -> None:
    assert list(a.features) == list(b.features)
    for x, y in ((a.counts.data, b.counts.data), (a.counts.indices, b.counts.indices), (a.counts.indptr, b.counts.indptr)):
        assert x.dtype == y.dtype and np.array_equal(x, y)
    assert np.array_equal(a.n_tokens, b.n_tokens)
    pd.testing.assert_frame_equal(a.docvars, b.docvars)


def _counted(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = TokenLists.sparse_counts
    monkeypatch.setattr(TokenLists, "sparse_counts", lambda self: calls.append(1) or real(self))
    return calls


def test_the_same_tokens_are_read_back_not_counted(sample, monkeypatch):
    corpus, tok = sample
    first = dtm(tok(corpus))
    calls = _counted(monkeypatch)
    again = dtm(tok(corpus))  # new TokenLists over the same cached tokens
    assert not calls
    _same(again, first)
    fresh = tok(corpus)
    lists = list(fresh.docs)  # the lists exist now (they could be edited): counted from them
    assert fresh.docs.content_key() is None and lists
    _same(dtm(fresh), first)
    assert (config.CACHE_DIR / "dtm").is_dir()


def test_other_tokens_and_cache_false_count(sample, monkeypatch):
    corpus, tok = sample
    dtm(tok(corpus))
    calls = _counted(monkeypatch)
    part = dtm(tok(corpus.iloc[5:25].reset_index(drop=True)))
    assert calls == [1]
    dtm(tok(corpus.iloc[5:25].reset_index(drop=True)), cache=False)
    assert calls == [1, 1]
    backwards = corpus.iloc[::-1].reset_index(drop=True)  # the same cached blocks, other rows of them
    _same(dtm(tok(backwards)), dtm(tok(backwards), cache=False))
    before = sorted((config.CACHE_DIR / "dtm").glob("*.npz"))
    _same(dtm(tok(corpus.iloc[5:25].reset_index(drop=True))), part)
    assert calls == [1, 1, 1, 1] and sorted((config.CACHE_DIR / "dtm").glob("*.npz")) == before


def test_a_damaged_file_is_counted_again_with_a_warning(sample, monkeypatch):
    corpus, tok = sample
    first = dtm(tok(corpus))
    (path,) = (config.CACHE_DIR / "dtm").glob("*.npz")
    arrays = dict(np.load(path))
    arrays["indices"] = arrays["indices"] + 10**6  # a term number out of range
    np.savez(path, **arrays)
    calls = _counted(monkeypatch)
    with pytest.warns(RuntimeWarning, match="damaged"):
        again = dtm(tok(corpus))
    assert calls == [1]
    _same(again, first)
    path.write_bytes(b"not a zip file")
    with pytest.warns(RuntimeWarning, match="damaged"):
        _same(dtm(tok(corpus)), first)


def test_the_counts_of_this_process_are_kept_read_only(sample, monkeypatch):
    """A report's notebooks each call dtm on the same tokens in one kernel: the next call reads nothing
    (the file is named by its content, so it is kept even when just written; a touched file is read
    again), and the matrix it gets shares arrays that nobody can change."""
    import os
    import sys
    import time

    cache_module = sys.modules["analysis._dtm_cache"]
    corpus, tok = sample
    reads: list[object] = []
    real = cache_module._read
    monkeypatch.setattr(cache_module, "_read", lambda p: reads.append(p) or real(p))
    first = dtm(tok(corpus))  # counted and written (named by its content: kept although just written)
    assert len(reads) == 1
    kept = dtm(tok(corpus))
    assert len(reads) == 1
    (path,) = (config.CACHE_DIR / "dtm").glob("*.npz")
    t = time.time() - 60
    os.utime(path, (t, t))  # the file touched since: read again, then kept
    again = dtm(tok(corpus))
    assert len(reads) == 2
    assert dtm(tok(corpus)).counts is not again.counts and len(reads) == 2  # a new matrix over the kept arrays
    _same(again, first)
    _same(kept, first)
    for arr in (again.counts.data, again.counts.indices, again.counts.indptr):
        with pytest.raises(ValueError, match="read-only"):
            arr[0] = 7
    subset = again.subset(np.arange(again.n_docs) < 5)  # what the statistics do with it works as before
    assert subset.n_docs == 5
    _same(dtm(tok(corpus)), first)
