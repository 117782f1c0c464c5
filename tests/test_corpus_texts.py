"""The ``stats`` command reads the texts a partition at a time (issue 12): ``analysis.engine.texts``,
``load_corpus_texts`` and the streamed statistics given a corpus table without ``text``. Same CSVs, same
results-cache key, no more than a partition of text handed out at once."""

from __future__ import annotations

import hashlib
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import _results, config
from analysis.engine.texts import CorpusTexts
from analysis.ingest.corpus import load_corpus, load_corpus_texts
from analysis.pipeline import _write_streamed, write_stats


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


@pytest.fixture(scope="module")
def parquet(sample_corpus: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus.parquet ``ingest`` writes for 120 files resampled from the sample's sentences (some with
    the same text), three companies, five years, some undated."""
    from analysis.ingest.corpus import ingest

    sentences = [s for t in sample_corpus["text"] for s in re.split(r"(?<=[。！？；])", t) if len(s.strip()) > 4]
    rng = np.random.default_rng(3)
    folder = tmp_path_factory.mktemp("texts-raw")
    bodies: list[str] = []
    for i in range(120):
        company = ["中国联通", "中国移动", "中国电信"][i % 3]
        body = "\n".join(
            "".join(sentences[j] for j in rng.integers(0, len(sentences), size=int(rng.integers(1, 6))))
            for _ in range(int(rng.integers(1, 4)))
        )
        bodies.append(body if i % 17 != 5 else bodies[i - 3])
        date = f"发布时间：{int(rng.integers(2020, 2025))}-03-0{1 + i % 8}\n" if i % 9 else ""
        (folder / f"{i:04d}.txt").write_text(f"{company}新闻第{i}号\n{date}{bodies[-1]}\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("texts-out")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ingest(folder, out, progress=False)
    return out / "corpus.parquet"


def test_parts_batches_select(tmp_path: Path) -> None:
    texts = [f"第{i}篇文本" for i in range(11)] + ["第3篇文本"]
    hashes = [_sha(t) for t in texts]
    with CorpusTexts.spill(pd.Series(texts), hashes, tmp_path, partition_docs=4) as ct:
        assert len(ct) == 12
        assert list(ct.parts(4)) == [(0, texts[0:4]), (4, texts[4:8]), (8, texts[8:12])]
        # each wanted hash once (its first document), in corpus order, never more than 4 per batch
        every = list(ct.batches(set(hashes), 4))
        assert [h for hs, _ in every for h in hs] == hashes[:11]
        assert [t for _, ts in every for t in ts] == texts[:11]
        assert max(len(ts) for _, ts in every) <= 4
        assert list(ct.batches({hashes[9], hashes[0], hashes[3]}, 4)) == [
            ([hashes[0], hashes[3], hashes[9]], [texts[0], texts[3], texts[9]])
        ]
        assert list(ct.batches(set(), 4)) == []
        sel = ct.select([1, 5, 11])
        assert sel.hashes == [hashes[1], hashes[5], hashes[11]]
        assert sel.read_all().tolist() == [texts[1], texts[5], texts[11]]
        assert [t for _, part in sel.parts(2) for t in part] == [texts[1], texts[5], texts[11]]
        sel.close()  # not its file: nothing removed
        assert ct.path.exists()
        path = ct.path
    assert not path.exists()  # the spill file goes with its owner


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.integers(1, 40), st.integers(1, 7), st.integers(1, 9), st.data(),
)
def test_a_selection_reads_the_row_groups_holding_its_rows(
    tmp_path: Path, n: int, group_rows: int, batch: int, data: st.DataObject
) -> None:
    """Whatever row groups the file has and whichever rows are selected (a selection of a selection
    too), the selected texts come out, in order, from the row groups holding them."""
    texts = [f"第{i}篇" * (1 + i % 3) for i in range(n)]
    hashes = [_sha(t) for t in texts]
    folder = tmp_path / f"g{n}-{group_rows}-{batch}"
    with CorpusTexts.spill(pd.Series(texts), hashes, folder, partition_docs=group_rows) as ct:
        picked = sorted(data.draw(st.sets(st.integers(0, n - 1), max_size=n)))
        sel = ct.select(picked)
        assert [t for _, part in sel.parts(batch) for t in part] == [texts[i] for i in picked]
        inner = sorted(data.draw(st.sets(st.integers(0, max(0, len(picked) - 1)), max_size=len(picked)))) if picked else []
        again = sel.select(inner)
        assert again.read_all().tolist() == [texts[picked[i]] for i in inner]
        got = [t for _, ts in again.batches(set(again.hashes), batch) for t in ts]
        assert got == [texts[picked[i]] for i in inner]


def test_load_corpus_texts_is_load_corpus_without_text(parquet: Path) -> None:
    full = load_corpus(parquet, quiet=True)
    docvars, texts = load_corpus_texts(parquet)
    assert not texts.owned and texts.path == parquet  # read from the corpus file itself: no copy
    assert "text" not in docvars.columns
    pd.testing.assert_frame_equal(docvars, full.drop(columns=["text"]))
    assert texts.read_all().tolist() == full["text"].tolist()
    assert texts.hashes == [_sha(t) for t in full["text"]]
    assert str(docvars.attrs["ingest"]) == str(full.attrs["ingest"])
    # the results cache: the same key from the content hashes as from the texts
    params = {"by": ["company", "year"], "top_n": 50}
    assert _results.key(docvars, params, hashes=texts.hashes) == _results.key(full, params)
    # an edited text in the API path changes the key
    edited = full.copy()
    edited.loc[3, "text"] = edited.loc[3, "text"] + "。"
    assert _results.key(edited, params) != _results.key(full, params)


def test_without_content_hash_the_texts_are_spilled(parquet: Path, tmp_path: Path) -> None:
    pd.read_parquet(parquet).drop(columns=["content_hash"]).to_parquet(tmp_path / "corpus.parquet", index=False)
    full = load_corpus(tmp_path / "corpus.parquet", quiet=True)
    docvars, texts = load_corpus_texts(tmp_path / "corpus.parquet", spill_dir=tmp_path / "spill")
    with texts:
        assert texts.owned and texts.path.parent == tmp_path / "spill"
        assert texts.hashes == [_sha(t) for t in full["text"]]
        assert texts.read_all().tolist() == full["text"].tolist()
        pd.testing.assert_frame_equal(docvars, full.drop(columns=["text"]))
    assert list((tmp_path / "spill").iterdir()) == []


@pytest.mark.parametrize("partition_docs", [7, 50])
def test_streamed_from_texts_equals_whole_matrix(
    parquet: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, partition_docs: int
) -> None:
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")  # cold: every text is segmented and scanned
    full = load_corpus(parquet, quiet=True)
    docvars, texts = load_corpus_texts(parquet)
    texts.partition_docs = partition_docs
    handed: list[int] = []
    batches = CorpusTexts.batches

    def counted(self: CorpusTexts, wanted: object, size: int | None = None) -> object:
        for hs, ts in batches(self, wanted, size):  # type: ignore[arg-type]
            handed.append(len(ts))
            yield hs, ts

    monkeypatch.setattr(CorpusTexts, "batches", counted)
    opts = {"by": ["company", "year"], "target": None, "reference": None, "top_n": 50, "min_count": 5, "family": "table"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parts = _write_streamed(
            docvars, tmp_path / "parts", progress=False, engine=None, partition_docs=partition_docs, texts=texts, **opts
        )  # fmt: skip
        whole = write_stats(full, tmp_path / "whole", progress=False, streaming=False, **opts)
    assert parts.notes == whole.notes
    assert _files(tmp_path / "parts") == _files(tmp_path / "whole")
    assert len(_files(tmp_path / "whole")) == 6
    n_unique = full["content_hash"].nunique()
    # tokenizer and slogan counts each read every distinct text once, a partition at a time
    assert sum(handed) == 2 * n_unique and max(handed) <= partition_docs


def test_write_stats_with_texts_whole_matrix_and_cache(parquet: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    full = load_corpus(parquet, quiet=True)
    docvars, texts = load_corpus_texts(parquet)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # the whole-matrix path reads the texts whole (computed first: the second run is a cache hit)
        write_stats(docvars, tmp_path / "b", by=["company"], progress=False, streaming=False, texts=texts)
        write_stats(full, tmp_path / "a", by=["company"], progress=False, streaming=False)
        write_stats(docvars, tmp_path / "c", by=["company"], progress=False, texts=texts)
        # a grouping the corpus lacks: the same notes and header-only tables as with the texts in the table
        y = write_stats(docvars, tmp_path / "y", by=["genre"], progress=False, texts=texts)
        x = write_stats(full, tmp_path / "x", by=["genre"], progress=False)
    assert _files(tmp_path / "a") == _files(tmp_path / "b") == _files(tmp_path / "c")
    assert x.notes == y.notes and x.notes and _files(tmp_path / "x") == _files(tmp_path / "y")
    stored = sorted((tmp_path / "cache" / "stats").glob("*.arrow"))
    # a and x were written from the results cache: the runs with the texts read from the file have the
    # keys of the same table with its texts
    assert len(stored) == 3


def test_stats_command_holds_no_text_column(parquet: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import analysis.pipeline as pipeline
    from analysis.__main__ import main

    seen: dict[str, object] = {}
    real = pipeline.write_stats

    def spy(corpus: pd.DataFrame, out: Path, **kw: object) -> object:
        seen["columns"], seen["texts"] = list(corpus.columns), kw.get("texts")
        return real(corpus, out, **kw)

    monkeypatch.setattr(pipeline, "write_stats", spy)
    where = "company == '中国联通' and year >= 2022"
    assert main(["stats", str(parquet), "--by", "company,year", "--where", where, "--out", str(tmp_path / "cli"), "-q"]) == 0
    assert "text" not in seen["columns"] and isinstance(seen["texts"], CorpusTexts)  # type: ignore[operator]
    from analysis.select import select

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kept = select(load_corpus(parquet, quiet=True), where=where)
        real(kept, tmp_path / "api", by=["company", "year"], progress=False, streaming=False)
    assert _files(tmp_path / "cli") == _files(tmp_path / "api")


def test_ingest_arrow_texts_writes_the_same_corpus(raw_dir: Path, tmp_path: Path) -> None:
    """``ingest`` with the texts kept as one Arrow column (the command's way) writes the corpus.parquet,
    corpus.csv and report of the DataFrame way: same cells, types and pandas metadata."""
    import pyarrow.parquet as pq

    from analysis.ingest.corpus import ingest

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = ingest(raw_dir, tmp_path / "a", progress=False)
        b = ingest(raw_dir, tmp_path / "b", progress=False, arrow_texts=True)
    assert "text" not in b.corpus.columns and b.texts is not None and a.texts is None
    pd.testing.assert_frame_equal(a.corpus.drop(columns=["text"]), b.corpus)
    assert b.texts.to_pylist() == a.corpus["text"].tolist()
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "a" / "corpus.parquet"), pd.read_parquet(tmp_path / "b" / "corpus.parquet"))
    assert pq.read_schema(tmp_path / "a" / "corpus.parquet").equals(
        pq.read_schema(tmp_path / "b" / "corpus.parquet"), check_metadata=True
    )
    for name in ("corpus.csv", "ingest_report.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert pq.ParquetFile(tmp_path / "b" / "corpus.parquet").metadata.num_row_groups == 1  # 5 documents


def test_parts_are_segmented_in_the_workers(tmp_path: Path) -> None:
    """A job of several parts is segmented in worker processes, its small parts too: the command's process
    never builds the dictionary (about 100 MB) for a last part of a few documents."""
    from analysis.tokens import Tokenizer, tokenize, tokenize_parts

    texts = ["中国联通召开警示教育大会。", "中国移动推进全面从严治党。", "中国电信学习贯彻会议精神。"]
    corpus = pd.DataFrame({"doc_id": ["a", "b", "c"]})
    tokenizer = Tokenizer()
    with CorpusTexts.spill(pd.Series(texts), [_sha(t) for t in texts], tmp_path, partition_docs=2) as ct:
        parts = list(tokenize_parts(corpus, 2, tokenizer, cache_dir=tmp_path / "cache", n_jobs=2, texts=ct))
    assert not tokenizer.is_initialized
    expected = tokenize(pd.DataFrame({"doc_id": ["a", "b", "c"], "text": texts}), Tokenizer(), cache_dir=tmp_path / "other", n_jobs=1, progress=False)
    assert [list(d) for p in parts for d in p.docs] == [list(d) for d in expected.docs]


def test_many_parts_in_flight_give_the_lists_and_cache_of_one_pass(tmp_path: Path) -> None:
    """The parts' chunks go to the workers while earlier ones are still being segmented (several parts
    in flight) and are merged in corpus order: the same token lists, and the same cached vocabulary and
    codes, as segmenting the whole corpus in one process; a text repeated in a later part is one entry."""
    from analysis.tokens import Tokenizer, _Cache, tokenize, tokenize_parts

    words = ["全面从严治党", "中国联通", "中国移动", "主题教育", "警示教育", "数字化转型", "党建引领", "基层党组织"]
    texts = ["，".join(words[(i * k) % len(words)] for k in range(1, 2 + i % 6)) + f"第{i}次会议。" for i in range(90)]
    texts[77] = texts[3]  # the same content in two parts
    corpus = pd.DataFrame({"doc_id": [f"d{i}" for i in range(90)]})
    with CorpusTexts.spill(pd.Series(texts), [_sha(t) for t in texts], tmp_path, partition_docs=4) as ct:
        parts = list(tokenize_parts(corpus, 10, Tokenizer(), cache_dir=tmp_path / "cache", n_jobs=2, texts=ct))
    one = tokenize(pd.DataFrame({"doc_id": corpus["doc_id"], "text": texts}), Tokenizer(), cache_dir=tmp_path / "one", n_jobs=1, progress=False)
    assert [list(d) for p in parts for d in p.docs] == [list(d) for d in one.docs]
    hashes = {_sha(t): None for t in texts}
    stored = [_Cache(tmp_path / name, Tokenizer()).lookup({h: 0 for h in hashes}) for name in ("cache", "one")]
    for h in hashes:
        (a, ra), (b, rb) = stored[0][h], stored[1][h]
        assert a.tokens(ra) == b.tokens(rb)
    blocks = [{id(blk): blk for blk, _ in found.values()} for found in stored]
    assert [len(b) for b in blocks] == [1, 1]  # one shard each
    (a,), (b,) = (list(b.values()) for b in blocks)
    assert list(a.vocab) == list(b.vocab) and np.array_equal(np.asarray(a.codes), np.asarray(b.codes))
