"""New-phrase discovery at scale: counting over chunks of documents, from the token cache's codes, and
the verbatim look-up that stops once ``top_n`` phrases are found give what one pass over everything gives.

The oracle of the property test counts n-grams with a plain Counter, written here for the purpose.
"""

from __future__ import annotations

import math
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_token_lists import _corpus

from analysis import config
from analysis.stats import _phrase_cache, phrases
from analysis.stats.phrases import discover_phrases
from analysis.tokens import TokenLists, tokenize


@pytest.fixture(scope="module", autouse=True)
def _counted_every_time():
    """Every call here counts and looks up (the phrase cache would answer repeats: tests/test_phrase_cache.py)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_phrase_cache, "_read", lambda path, columns: None)
        yield


@dataclass
class Lists:
    docs: list[list[str]]
    docvars: pd.DataFrame


def _lists(docs: list[list[str]]) -> Lists:
    return Lists(docs, pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(docs))]}))


# Single-character tokens: a phrase is then one token sequence only, so the oracle's keys are phrases.
ALPHABET = [*"党建工作推进发展", "5G", "2024"]


def _oracle(docs: list[list[str]], min_count: int, max_len: int) -> dict[str, tuple[int, int, float, float]]:
    """phrase -> (count, documents, left entropy, right entropy) of every frequent n-gram, by brute force."""
    runs = []  # maximal runs of CJK tokens, each with its document
    for d, doc in enumerate(docs):
        run: list[str] = []
        for tok in [*doc, None]:
            if tok is not None and "\u4e00" <= tok[0] <= "\u9fff":
                run.append(tok)
            elif run:
                runs.append((d, run))
                run = []
    count: Counter[tuple[str, ...]] = Counter()
    in_docs: dict[tuple[str, ...], set[int]] = defaultdict(set)
    sides: dict[tuple[str, ...], tuple[Counter[object], Counter[object]]] = defaultdict(lambda: (Counter(), Counter()))
    boundary = 0
    for d, run in runs:
        for n in range(2, max_len + 1):
            for i in range(len(run) - n + 1):
                gram = tuple(run[i : i + n])
                count[gram] += 1
                in_docs[gram].add(d)
                left, right = sides[gram]
                boundary += 2  # a boundary neighbour differs from every other: a fresh value each time
                left[run[i - 1] if i > 0 else -boundary] += 1
                right[run[i + n] if i + n < len(run) else -boundary - 1] += 1

    def entropy(c: Counter[object]) -> float:
        total = sum(c.values())
        return -sum(v / total * math.log2(v / total) for v in c.values())

    return {
        "".join(g): (n, len(in_docs[g]), entropy(sides[g][0]), entropy(sides[g][1]))
        for g, n in count.items()
        if n >= min_count
    }


@settings(max_examples=60, deadline=None)
@given(
    docs=st.lists(st.lists(st.sampled_from(ALPHABET), max_size=30), min_size=1, max_size=12),
    min_count=st.integers(1, 3),
    max_len=st.integers(2, 4),
    chunk=st.sampled_from([1, 3, 16, 1 << 22]),
)
def test_counts_match_brute_force_whatever_the_chunks(docs, min_count, max_len, chunk, monkeypatch_module):
    monkeypatch_module.setattr(phrases, "_CHUNK", chunk)
    got = discover_phrases(_lists(docs), min_count=min_count, max_len=max_len, top_n=None)
    want = _oracle(docs, min_count, max_len)
    assert set(got["phrase"]) == set(want)
    for row in got.itertuples():
        count, n_docs, left, right = want[row.phrase]
        assert (row.count, row.docs_with_term) == (count, n_docs), row.phrase
        assert row.left_entropy == pytest.approx(left, abs=1e-9) and row.right_entropy == pytest.approx(right, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(lengths=st.lists(st.integers(0, 6), min_size=1, max_size=20), data=st.data())
def test_documents_of_rising_positions_is_a_search_per_position(lengths, data):
    """The document of each position, found with one search per document, is what a search per position
    finds (documents laid out as the counter lays them out: each followed by one separator)."""
    doc_start = np.zeros(len(lengths), dtype=np.int64)
    np.cumsum(np.array(lengths[:-1], dtype=np.int64) + 1, out=doc_start[1:])
    size = int(doc_start[-1]) + lengths[-1] + 1
    picked = data.draw(st.sets(st.integers(0, size - 1), max_size=size))
    positions = np.array(sorted(picked), dtype=np.int64)
    want = np.searchsorted(doc_start, positions, side="right") - 1
    assert np.array_equal(phrases._documents_of(positions, doc_start), want)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def _sample_tokens(tmp_path):
    corpus = pd.concat([_corpus(range(0, 40)), _corpus(range(10, 30), salt="另")], ignore_index=True)
    return corpus, tokenize(corpus, cache_dir=tmp_path, n_jobs=1, progress=False)


def test_token_cache_codes_give_the_lists_and_the_same_phrases(tmp_path, monkeypatch):
    corpus, tokens = _sample_tokens(tmp_path)
    tokenize(corpus.iloc[::-1].reset_index(drop=True), cache_dir=tmp_path, n_jobs=1, progress=False)
    assert isinstance(tokens.docs, TokenLists)
    monkeypatch.setattr(sys.modules["analysis.tokens"], "_FLAT_RUN", 7)  # many runs of documents
    vocab, codes, lengths = tokens.docs.flat_codes()
    assert codes.dtype == np.int32 and len(set(vocab)) == len(vocab)
    ends = np.cumsum(lengths)
    assert [vocab[codes[e - n : e]].tolist() for e, n in zip(ends, lengths, strict=True)] == list(tokens.docs)
    assert tokens.docs.flat_codes() is None  # the lists exist now (and may be edited): codes are not trusted

    _, fresh = _sample_tokens(tmp_path)  # cached: codes again
    from_codes = discover_phrases(fresh, min_count=2, top_n=None)
    assert fresh.docs._lists is None  # no list was made
    from_lists = discover_phrases(_lists([list(d) for d in fresh.docs]), min_count=2, top_n=None)
    assert len(from_codes) > 10
    pd.testing.assert_frame_equal(from_codes, from_lists)
    monkeypatch.setattr(phrases, "_CHUNK", 5)  # many chunks, each of whole documents
    pd.testing.assert_frame_equal(discover_phrases(fresh, min_count=2, top_n=None), from_lists)


def test_verbatim_lookup_in_batches_keeps_the_first_top_n(tmp_path, monkeypatch):
    corpus, tokens = _sample_tokens(tmp_path)
    everything = discover_phrases(tokens, min_count=2, top_n=None, corpus=corpus)
    candidates = discover_phrases(tokens, min_count=2, top_n=None)
    assert 0 < len(everything) < len(candidates)  # some candidates never occur verbatim (stopwords removed)
    assert (everything["count_verbatim"] > 0).all()
    monkeypatch.setattr(phrases, "_VERBATIM_MIN", 1)
    for top_n in (1, 3, 7):  # batches of 1.5 x top_n candidates, several passes
        pd.testing.assert_frame_equal(
            discover_phrases(tokens, min_count=2, top_n=top_n, corpus=corpus), everything.head(top_n)
        )
    monkeypatch.setattr(phrases, "_VERBATIM_BATCH", 3)
    pd.testing.assert_frame_equal(discover_phrases(tokens, min_count=2, top_n=None, corpus=corpus), everything)
    from analysis import _frames, config

    for step in (1, 2, 5):  # the texts read a few at a time, each look-up done again (an empty cache)
        monkeypatch.setattr(config, "CACHE_DIR", tmp_path / f"cache-{step}")
        monkeypatch.setattr(_frames, "TEXT_STEP", step)
        pd.testing.assert_frame_equal(discover_phrases(tokens, min_count=2, top_n=None, corpus=corpus), everything)


def test_verbatim_lookup_shared_by_worker_processes_counts_the_same(tmp_path, monkeypatch):
    """A large column's verbatim look-up is shared by forked processes, each counting its rows: the
    counts summed are those of one pass, and so is the table (with texts that hold no string too)."""
    corpus, tokens = _sample_tokens(tmp_path)
    everything = discover_phrases(tokens, min_count=2, top_n=None, corpus=corpus)
    wanted = list(discover_phrases(tokens, min_count=2, top_n=None)["phrase"])
    column = pd.concat([corpus["text"], pd.Series([None, ""]), corpus["text"]], ignore_index=True)
    one_pass = phrases._count_rows(column, wanted)
    assert sum(n for n, _ in one_pass.values()) > 0
    monkeypatch.setenv("TEXTLAB_JOBS", "2")
    monkeypatch.setattr(phrases, "_PARALLEL_MIN_TEXTS", 4)
    here: list[int] = []  # passes made in this process (the workers' own calls stay in theirs)
    real = phrases._count_rows
    monkeypatch.setattr(phrases, "_count_rows", lambda texts, found: here.append(len(texts)) or real(texts, found))
    assert phrases._count_verbatim(column, wanted) == one_pass
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache-shared")
    pd.testing.assert_frame_equal(discover_phrases(tokens, min_count=2, top_n=None, corpus=corpus), everything)
    assert not here
    monkeypatch.setenv("TEXTLAB_JOBS", "1")  # one core: one pass here
    assert phrases._count_verbatim(column, wanted) == one_pass and here == [len(column)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 6), max_size=40), st.integers(1, 5))
def test_codes_numbered_by_first_appearance_are_recognised_exactly(xs, chunk):
    codes = np.array(xs, dtype=np.int32)
    first: dict[int, int] = {}
    for i, c in enumerate(xs):
        first.setdefault(c, i)
    renumbered = sorted(first, key=first.__getitem__)  # what factorising the tokens would number them
    already = renumbered == list(range(len(renumbered)))
    old = phrases._CHUNK
    try:
        phrases._CHUNK = chunk  # the check runs a chunk at a time
        assert phrases._numbered_by_first_appearance(codes) == (len(renumbered) if already else None)
    finally:
        phrases._CHUNK = old


def test_codes_already_numbered_are_used_as_they_are(tmp_path, monkeypatch):
    _, tokens = _sample_tokens(tmp_path)
    single = tokenize(_corpus(range(0, 40)), cache_dir=tmp_path / "one", n_jobs=1, progress=False)
    for toks in (tokens, single):
        vocab, codes, lengths = phrases._flat_of(toks)
        with monkeypatch.context() as m:
            m.setattr(phrases, "_numbered_by_first_appearance", lambda codes: None)  # always renumber
            r_vocab, r_codes, r_lengths = phrases._flat_of(toks)
        assert vocab.tolist() == r_vocab.tolist() and np.array_equal(lengths, r_lengths)
        assert np.array_equal(codes, r_codes)
    (block,) = single.docs._gathered()[0]
    assert np.shares_memory(phrases._flat_of(single)[1], block.codes)  # no copy of the codes
