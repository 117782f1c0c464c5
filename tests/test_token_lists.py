"""tokenize() returns lazy token lists; the DTM counted from their codes equals the DTM counted from lists."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.dtm import dtm
from analysis.tokens import TokenLists, Tokens, tokenize

PARAS = [
    "坚决做到两个维护，增强四个意识，推进全面从严治党。",
    "中国移动北京公司党委召开会议，学习党的二十大精神，推动高质量发展。",
    "中国联通开展主题党日活动，落实三会一课制度，加强纪律建设。",
    "中国电信推进5G网络建设，服务数字中国，深化改革创新。",
]


@dataclass
class Lists:
    docs: list[list[str]]
    docvars: pd.DataFrame


def _corpus(ids: range, salt: str = "") -> pd.DataFrame:
    texts = [salt + "".join(PARAS[(i + k) % 4] for k in range(1 + i % 3)) + f"第{i}期" for i in ids]
    return pd.DataFrame({"doc_id": [f"d{i}" for i in ids], "company": [["移动", "联通", ""][i % 3] for i in ids], "text": texts})


def _same_dtm(tokens: Tokens) -> None:
    assert isinstance(tokens.docs, TokenLists)
    fast = dtm(tokens)  # from the codes: no list made
    assert tokens.docs._lists is None
    slow = dtm(Lists([list(d) for d in tokens.docs], tokens.docvars))
    assert np.array_equal(fast.features, slow.features)
    assert fast.counts.dtype == slow.counts.dtype == np.int64
    for part in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(fast.counts, part), getattr(slow.counts, part)), part
    pd.testing.assert_frame_equal(fast.docvars, slow.docvars)


def test_dtm_from_codes_equals_dtm_from_lists_across_cache_blocks(tmp_path):
    kw = {"cache_dir": tmp_path, "n_jobs": 1, "progress": False}
    tokenize(_corpus(range(0, 12)), **kw)  # first shard
    tokenize(_corpus(range(8, 20), salt="另"), **kw)  # second shard
    # documents from both shards, a new block, duplicate texts, an empty text, in shuffled order
    mixed = pd.concat(
        [_corpus(range(0, 12)), _corpus(range(8, 20), salt="另"), _corpus(range(30, 34), salt="新"), _corpus(range(3, 5))],
        ignore_index=True,
    ).sample(frac=1.0, random_state=1)
    mixed.loc[mixed.index[0], "text"] = ""
    tokens = tokenize(mixed.reset_index(drop=True), **kw)
    _same_dtm(tokens)
    again = tokenize(mixed.reset_index(drop=True), **kw)  # all cached
    _same_dtm(again)
    assert again.docs == tokens.docs and again.n_tokens.tolist() == [len(d) for d in tokens.docs]


def test_token_lists_behave_as_lists_and_edits_are_respected(tmp_path):
    tokens = tokenize(_corpus(range(6)), cache_dir=tmp_path, n_jobs=1, progress=False)
    docs = tokens.docs
    assert len(docs) == 6 and docs.lengths().tolist() == [len(d) for d in docs]
    assert docs[0] == next(iter(docs)) and docs[-2:] == [docs[4], docs[5]]
    assert docs == [list(d) for d in docs] and docs != [[]] * 6
    docs[0].append("手工加的词")  # lists exist now: dtm counts them, edits included
    assert "手工加的词" in dtm(tokens).features
    assert dtm(Tokens([], pd.DataFrame({"doc_id": []}), "")).shape == (0, 0)


def test_dtm_from_codes_of_a_few_documents_of_a_large_cached_block(tmp_path):
    kw = {"cache_dir": tmp_path, "n_jobs": 1, "progress": False}
    tokenize(_corpus(range(40)), **kw)
    few = _corpus(range(40)).iloc[[31, 2, 17]].reset_index(drop=True)  # codes gathered, not the whole block
    _same_dtm(tokenize(few, **kw))


def test_reuse_workers_keeps_one_pool_across_calls_and_stops_it(tmp_path, monkeypatch):
    import analysis.tokens as T

    monkeypatch.setattr(T, "_PARALLEL_MIN_CHARS", 0)
    monkeypatch.setattr(T, "_CHUNK_MIN_CHARS", 10)
    first, second = _corpus(range(0, 8)), _corpus(range(8, 16))
    serial = [tokenize(c, cache_dir=tmp_path / "serial", n_jobs=1, progress=False).docs for c in (first, second)]
    with T.reuse_workers():
        got = [tokenize(first, cache_dir=tmp_path / "pool", n_jobs=2, progress=False).docs]
        (scope,) = T._SCOPES
        (pool,) = scope.values()
        pids = set(pool._processes)
        got.append(tokenize(second, cache_dir=tmp_path / "pool", n_jobs=2, progress=False).docs)
        assert list(scope.values()) == [pool] and set(pool._processes) == pids and len(pids) == 2
    assert not T._SCOPES and not pool._processes  # stopped at the end of the block
    assert got == serial


def test_content_hashes_from_arrow_bytes_equal_hashes_of_the_text():
    import hashlib

    from analysis.tokens import _arrow_text_hashes, _content_hashes

    s = pd.Series(["中国联通", None, "abc", "", "𠀀x\u3000"] * 3, dtype="str")
    expected = [hashlib.sha256((t if isinstance(t, str) else "").encode()).hexdigest() for t in s.tolist()]
    assert _arrow_text_hashes(s) == expected
    assert _arrow_text_hashes(s.iloc[3:11]) == expected[3:11]  # a slice: offsets into the buffers
    assert _arrow_text_hashes(pd.concat([s, s.iloc[2:5]], ignore_index=True)) == expected + expected[2:5]
    assert _arrow_text_hashes(pd.Series(["a"], dtype=object)) is None
    objects = pd.DataFrame({"text": pd.Series(s.tolist(), dtype=object)})
    assert _content_hashes(objects) == _content_hashes(pd.DataFrame({"text": s})) == expected


def test_flat_codes_of_one_whole_block_are_its_own_codes_unchanged(tmp_path, monkeypatch):
    import analysis.tokens as tokens_module

    corpus = _corpus(range(0, 30))
    docs = tokenize(corpus, cache_dir=tmp_path, n_jobs=1, progress=False).docs
    (block,) = docs._gathered()[0]
    vocab, codes, lengths = docs.flat_codes()
    assert np.shares_memory(codes, block.codes)  # not copied (0.4 GB at 1 GB of text)
    assert not codes.flags.writeable and not vocab.flags.writeable  # the block's own: never written through
    monkeypatch.setattr(tokens_module, "_whole_block", lambda blocks, rows: None)  # the general path
    general = docs.flat_codes()
    assert np.array_equal(general[0], vocab) and np.array_equal(general[2], lengths)
    assert np.array_equal(general[1], codes) and general[1].dtype == codes.dtype == np.int32
    monkeypatch.undo()
    part = docs.take(list(range(29, -1, -1)))  # the rows in another order: copied as before
    p_vocab, p_codes, p_lengths = part.flat_codes()
    assert not np.shares_memory(p_codes, block.codes)
    ends = np.cumsum(p_lengths)
    assert [p_vocab[p_codes[e - n : e]].tolist() for e, n in zip(ends, p_lengths, strict=True)] == [
        list(d) for d in tokenize(corpus.iloc[::-1].reset_index(drop=True), cache_dir=tmp_path, n_jobs=1,
                                  progress=False).docs
    ]
