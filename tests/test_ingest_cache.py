"""The ingestion cache (analysis.ingest.cache): re-runs clean nothing, changes re-ingest only what changed."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

import analysis.ingest.corpus as corpus_mod
from analysis import config
from analysis.ingest.cache import IngestCache
from analysis.ingest.corpus import read_corpus

DOC = "{co}召开党建工作会议\n\n发布时间：2022-0{m}-10\n\n{co}党委坚持全面从严治党，推动高质量发展，取得新成效。\n"


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for i, co in enumerate(["中国卫通", "中国联通", "中国移动"]):
        (folder / f"{i}.txt").write_text(DOC.format(co=co, m=i + 1), encoding="utf-8")
    (folder / "bad.txt").write_bytes(bytes(range(256)) * 4)
    return folder


class Counter:
    """Records calls through a file: each file is read in a worker process (analysis.ingest.limits)."""

    def __init__(self, func, log: Path):
        self.func, self.log = func, log

    @property
    def calls(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").split() if self.log.exists() else []

    def __call__(self, path, *args, **kwargs):
        with open(self.log, "a", encoding="utf-8") as fh:
            fh.write(Path(path).name + "\n")
        return self.func(path, *args, **kwargs)


def _read(folder: Path, cache_dir: Path, **kw) -> corpus_mod.IngestResult:
    return read_corpus(folder, progress=False, n_jobs=1, cache_dir=cache_dir, **kw)


def test_a_rerun_cleans_nothing_and_gives_the_same_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, cache = _folder(tmp_path), tmp_path / "cache"
    cold = _read(folder, cache)
    assert IngestCache(cache).shards()

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("a cached document was read or cleaned again")

    monkeypatch.setattr(corpus_mod, "read_document", fail)
    monkeypatch.setattr(corpus_mod, "prepare", fail)
    warm = _read(folder, cache)
    pd.testing.assert_frame_equal(cold.corpus, warm.corpus)
    pd.testing.assert_frame_equal(cold.report, warm.report)
    assert warm.report["path"].tolist() == ["bad.txt"]  # skips are cached with their reason


def test_a_changed_file_is_ingested_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, cache = _folder(tmp_path), tmp_path / "cache"
    _read(folder, cache)
    (folder / "1.txt").write_text(DOC.format(co="中国电信", m=5), encoding="utf-8")
    counter = Counter(corpus_mod.read_document, tmp_path / "calls.log")
    monkeypatch.setattr(corpus_mod, "read_document", counter)
    again = _read(folder, cache).corpus.set_index("path")
    assert counter.calls == ["1.txt"]
    assert again.loc["1.txt", "company"] == "中国电信"
    assert again.loc["1.txt", "date"] == pd.Timestamp("2022-05-10")
    pd.testing.assert_frame_equal(_read(folder, cache, cache=False).corpus, _read(folder, cache).corpus)


def test_keep_repeated_and_the_suffix_are_part_of_the_key(tmp_path: Path) -> None:
    folder, cache = _folder(tmp_path), tmp_path / "cache"
    para = "会议强调，要坚持全面从严治党，推动企业高质量发展，取得新成效。"
    (folder / "rep.txt").write_text(f"标题\n{para}\n{para}\n", encoding="utf-8")
    assert _read(folder, cache).corpus.set_index("path").loc["rep.txt", "removed_chars"] == len(para) + 1
    kept = _read(folder, cache, keep_repeated=True).corpus.set_index("path")
    assert kept.loc["rep.txt", "removed_chars"] == 0 and kept.loc["rep.txt", "text"].count(para) == 2
    page = "<html><body><p>中国联通召开会议，推动全面从严治党，取得新成效。</p></body></html>\n"
    (folder / "rep.html").write_text(page, encoding="utf-8")
    (folder / "rep.txt").write_text(page, encoding="utf-8")
    formats = _read(folder, cache).corpus.set_index("path")["format"]
    assert (formats["rep.html"], formats["rep.txt"]) == ("html", "text")


def test_a_new_alias_file_redescribes_without_reading_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, cache = _folder(tmp_path), tmp_path / "cache"
    assert _read(folder, cache).corpus.set_index("path").loc["0.txt", "company"] == ""
    extra = tmp_path / "more.csv"
    extra.write_text("company,alias\n中国卫通,中国卫通\n", encoding="utf-8")
    counter = Counter(corpus_mod.read_document, tmp_path / "calls.log")
    monkeypatch.setattr(corpus_mod, "read_document", counter)
    with_alias = _read(folder, cache, companies=[extra]).corpus.set_index("path")
    assert counter.calls == []  # described again from the cached prepared form
    assert with_alias.loc["0.txt", "company"] == "中国卫通"
    assert with_alias.loc["1.txt", "company"] == "中国联通"
    monkeypatch.undo()
    fresh = _read(folder, tmp_path / "other-cache", companies=[extra]).corpus
    pd.testing.assert_frame_equal(with_alias.reset_index()[fresh.columns], fresh)
    extra.write_text("company,alias\n中国卫通,卫通集团\n", encoding="utf-8")  # same name, other content
    assert _read(folder, cache, companies=[extra]).corpus.set_index("path").loc["0.txt", "company"] == "中国卫通"


def test_a_damaged_shard_is_set_aside_with_a_warning(tmp_path: Path) -> None:
    folder, cache = _folder(tmp_path), tmp_path / "cache"
    cold = _read(folder, cache)
    (shard,) = IngestCache(cache).shards()
    shard.write_bytes(b"PAR1 not really a parquet file")
    with pytest.warns(RuntimeWarning, match="damaged"):
        again = _read(folder, cache)
    pd.testing.assert_frame_equal(cold.corpus, again.corpus)
    assert shard.with_suffix(".damaged").exists()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _read(folder, cache)  # rebuilt: no warning any more


def test_many_shards_are_compacted(tmp_path: Path) -> None:
    folder, cache = _folder(tmp_path), tmp_path / "cache"
    for m in range(1, 10):
        (folder / "1.txt").write_text(DOC.format(co="中国联通", m=m), encoding="utf-8")
        _read(folder, cache)
    assert 1 <= len(IngestCache(cache).shards()) <= 8
    assert _read(folder, cache).corpus.set_index("path").loc["1.txt", "date"] == pd.Timestamp("2022-09-10")


def test_unchanged_files_are_not_read_again_but_edits_are_seen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import analysis.ingest.cache as cache_mod

    folder, cache = _folder(tmp_path), tmp_path / "cache"
    cold = _read(folder, cache)
    hashed: list[str] = []
    real = cache_mod.file_digest
    monkeypatch.setattr(cache_mod, "file_digest", lambda p, m: hashed.append(p.name) or real(p, m))
    pd.testing.assert_frame_equal(_read(folder, cache).corpus, cold.corpus)
    assert hashed == []  # size, times and inode unchanged: the remembered digest is used
    same_size = DOC.format(co="中国电信", m=1)
    assert len(same_size.encode()) == (folder / "0.txt").stat().st_size
    (folder / "0.txt").write_text(same_size, encoding="utf-8")
    assert _read(folder, cache).corpus.set_index("path").loc["0.txt", "company"] == "中国电信"
    assert hashed == ["0.txt"]


def _crash_on(name: str, func):
    def read(path, *args, **kwargs):
        if Path(path).name == name:
            import os
            import signal

            os.kill(os.getpid(), signal.SIGSEGV)
        return func(path, *args, **kwargs)

    return read


def test_records_a_killed_worker_had_not_written_are_ingested_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # each worker writes its records to the cache itself, in batches: one killed on the last file
    # takes the unwritten records of the files before with it, and those must not go missing
    folder, cache = _folder(tmp_path), tmp_path / "cache"
    expected = _read(folder, tmp_path / "other-cache").corpus
    (folder / "zz-crash.txt").write_text(DOC.format(co="中国电信", m=7), encoding="utf-8")
    monkeypatch.setattr(corpus_mod, "read_document", _crash_on("zz-crash.txt", corpus_mod.read_document))
    result = _read(folder, cache)
    pd.testing.assert_frame_equal(result.corpus, expected)
    skipped = result.report.set_index("path").loc["zz-crash.txt"]
    assert skipped["status"] == "skipped" and skipped["reason"].startswith("the reader crashed")


def test_ingest_over_an_unchanged_folder_leaves_its_outputs_alone(tmp_path: Path) -> None:
    folder, cache, out = _folder(tmp_path), tmp_path / "cache", tmp_path / "out"
    out.mkdir()

    def stamps() -> list[int]:
        return [(out / n).stat().st_mtime_ns for n in ("corpus.parquet", "corpus.csv", "ingest_report.csv")]

    def run(**kw) -> corpus_mod.IngestResult:  # what ``ingest`` does, with this test's cache folder
        result = _read(folder, cache, **kw)
        corpus_mod.write_corpus(result, out)
        return result

    assert run().inputs_key is None  # cold: the records were not all known beforehand
    assert run().inputs_key is not None  # warm: written once more, with the note of its inputs
    second = stamps()
    run()
    assert stamps() == second  # the same inputs: nothing written
    (out / "corpus.csv").write_text("edited\n", encoding="utf-8")
    run()
    assert (out / "corpus.csv").read_text(encoding="utf-8") != "edited\n"  # an edited output is rewritten
    meta = tmp_path / "meta.csv"
    meta.write_text("path,title\n0.txt,新标题\n", encoding="utf-8")
    run(metadata=meta)
    assert pd.read_parquet(out / "corpus.parquet").set_index("path").loc["0.txt", "title"] == "新标题"
    (folder / "1.txt").write_text(DOC.format(co="中国电信", m=5), encoding="utf-8")
    run(metadata=meta)
    run(metadata=meta)
    assert pd.read_parquet(out / "corpus.parquet").set_index("path").loc["1.txt", "company"] == "中国电信"
    (folder / "new.txt").write_text(DOC.format(co="中国移动", m=6), encoding="utf-8")
    run(metadata=meta)
    run(metadata=meta)
    assert "new.txt" in set(pd.read_parquet(out / "corpus.parquet")["path"])


def test_a_filtered_table_is_written_even_when_the_inputs_are_unchanged(tmp_path: Path) -> None:
    """The report runner writes the corpus, then a ``where`` filter of it, from the same inputs: the
    second write must not be taken for "nothing changed" (it was, and the pages used every document)."""
    folder, cache, out = _folder(tmp_path), tmp_path / "cache", tmp_path / "out"
    out.mkdir()
    _read(folder, cache)
    result = _read(folder, cache)  # warm: carries the key of its inputs
    assert result.inputs_key is not None
    corpus_mod.write_corpus(result, out)
    result.corpus = result.corpus.iloc[:1]
    corpus_mod.write_corpus(result, out)
    assert len(pd.read_parquet(out / "corpus.parquet")) == 1


@pytest.mark.parametrize("size", [0, 1, 4095, 1 << 20, (1 << 20) + 1, 3 << 20])
def test_file_digest_is_the_sha256_of_the_bytes_small_or_large(tmp_path: Path, size: int) -> None:
    import hashlib

    import analysis.ingest.cache as cache_mod

    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    path = tmp_path / "f.txt"
    path.write_bytes(data)
    assert cache_mod.file_digest(path, 4 << 20) == hashlib.sha256(data).hexdigest()
    if size:
        assert cache_mod.file_digest(path, size - 1) is None  # over the limit: not hashed
    assert cache_mod.file_digest(tmp_path / "missing.txt", 4 << 20) is None


def test_a_document_redescribed_from_the_cache_keeps_its_spaced_form(tmp_path: Path) -> None:
    """The cache keeps the spaced form apart only where the spacing repair changed the text ('' means
    the same as the text); a redescribed document reads the right one either way."""
    folder, cache = _folder(tmp_path), tmp_path / "cache"
    (folder / "3.txt").write_text("中国卫通召开 党建工作会议\n\n发布时间：2022-05-10\n\n反腐败工 作取得新成效。\n", encoding="utf-8")
    _read(folder, cache)
    record = corpus_mod._process_file(str(folder), "3.txt", False, (str(config.COMPANIES_FILE),), True)
    assert record["prep_spaced"] and record["prep_spaced"] != (record["prep_text"] or record["text"])
    plain = corpus_mod._process_file(str(folder), "1.txt", False, (str(config.COMPANIES_FILE),), True)
    assert plain["prep_spaced"] == ""
    extra = tmp_path / "more.csv"
    extra.write_text("company,alias\n中国卫通,中国卫通\n", encoding="utf-8")
    redescribed = _read(folder, cache, companies=[extra]).corpus
    fresh = _read(folder, tmp_path / "other-cache", companies=[extra]).corpus
    pd.testing.assert_frame_equal(redescribed, fresh)


def test_the_prepared_text_is_kept_once_unless_cleaning_changed_it(tmp_path: Path) -> None:
    """A shard stores '' for a prepared text that is the cleaned text, and the prepared text itself where
    cleaning removed something; either way a redescribed document gets what a fresh run gets."""
    import pyarrow.parquet as pq

    folder, cache = _folder(tmp_path), tmp_path / "cache"
    para = "中国卫通党委坚持全面从严治党，推动高质量发展，取得新成效，各项工作扎实推进。"
    # the same paragraph twice: the repeat is removed, so the cleaned text is not the prepared one
    (folder / "3.txt").write_text(f"中国卫通召开党建工作会议\n\n发布时间：2022-05-10\n\n{para}\n\n{para}\n", encoding="utf-8")
    _read(folder, cache)
    shards = IngestCache(cache).shards()
    table = pq.read_table(shards, columns=["status", "text", "prep_text", "removed_chars"]).to_pylist()
    ok = [r for r in table if r["status"] == "ok"]
    assert len(ok) == 4
    cleaned = [r for r in ok if r["removed_chars"]]
    assert len(cleaned) == 1 and cleaned[0]["prep_text"] and cleaned[0]["prep_text"] != cleaned[0]["text"]
    assert para in cleaned[0]["text"] and cleaned[0]["prep_text"].count(para) == 2
    assert all(r["prep_text"] == "" for r in ok if not r["removed_chars"])
    extra = tmp_path / "more.csv"
    extra.write_text("company,alias\n中国卫通,中国卫通\n", encoding="utf-8")
    redescribed = _read(folder, cache, companies=[extra]).corpus
    fresh = _read(folder, tmp_path / "other-cache", companies=[extra]).corpus
    pd.testing.assert_frame_equal(redescribed, fresh)
    assert (redescribed.set_index("path").loc[["0.txt", "3.txt"], "company"] == "中国卫通").all()


def test_a_copied_folder_is_found_in_the_cache_without_reading_a_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A folder the digest memo has never seen: its files are hashed by the workers (where they fork),
    # which pass over every file the cache knows, and what they hashed is remembered for the next run.
    import shutil

    import analysis.ingest.cache as cache_mod

    folder, cache = _folder(tmp_path), tmp_path / "cache"
    first = _read(folder, cache)
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    counter = Counter(corpus_mod.read_document, tmp_path / "calls.log")
    monkeypatch.setattr(corpus_mod, "read_document", counter)
    again = _read(copy, cache)
    assert counter.calls == []
    pd.testing.assert_frame_equal(again.corpus, first.corpus)
    pd.testing.assert_frame_equal(again.report, first.report)
    hashed: list[str] = []
    real = cache_mod.file_digest
    monkeypatch.setattr(cache_mod, "file_digest", lambda p, m: hashed.append(p.name) or real(p, m))
    pd.testing.assert_frame_equal(_read(copy, cache).corpus, first.corpus)
    assert hashed == []  # the digests hashed in the workers were remembered
    extra = tmp_path / "more.csv"
    extra.write_text("company,alias\n中国卫通,中国卫通\n", encoding="utf-8")
    other = tmp_path / "copy2"
    shutil.copytree(folder, other)
    with_alias = _read(other, cache, companies=[extra]).corpus.set_index("path")
    assert counter.calls == []  # described again from the cached prepared form
    assert with_alias.loc["0.txt", "company"] == "中国卫通"
    monkeypatch.undo()
    fresh = _read(folder, tmp_path / "other-cache", companies=[extra]).corpus
    pd.testing.assert_frame_equal(with_alias.reset_index()[fresh.columns], fresh)


def test_a_file_hashed_in_a_worker_is_opened_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the bytes that are hashed are the bytes that are ingested: one read of each file, not a read for
    # the digest and another for the reader
    import builtins
    import io

    folder, cache = _folder(tmp_path), tmp_path / "cache"
    expected = _read(folder, tmp_path / "other-cache").corpus
    log, real_open = tmp_path / "opened.log", io.open

    def counting_open(file, *args, **kwargs):  # the workers are forked: they log through a file
        if isinstance(file, (str, Path)) and Path(file).parent == folder:
            with real_open(log, "a", encoding="utf-8") as fh:
                fh.write(Path(file).name + "\n")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(io, "open", counting_open)  # what Path.open calls
    monkeypatch.setattr(builtins, "open", counting_open)
    result = _read(folder, cache)
    opened = log.read_text(encoding="utf-8").split()
    pd.testing.assert_frame_equal(result.corpus, expected)
    assert sorted(opened) == ["0.txt", "1.txt", "2.txt", "bad.txt"]
    pd.testing.assert_frame_equal(_read(folder, cache).corpus, expected)
    assert len(log.read_text(encoding="utf-8").split()) == 4  # the digests were remembered: none read again


def test_files_hashed_in_the_workers_give_the_table_of_files_hashed_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(tmp_path)
    (folder / "dup.txt").write_bytes((folder / "1.txt").read_bytes())  # the same bytes twice
    in_workers = _read(folder, tmp_path / "a")
    monkeypatch.setattr(corpus_mod, "mp_context", lambda: type("Ctx", (), {"get_start_method": lambda self: "spawn"})())
    here = _read(folder, tmp_path / "b")
    pd.testing.assert_frame_equal(in_workers.corpus, here.corpus)
    pd.testing.assert_frame_equal(in_workers.report, here.report)
    monkeypatch.undo()
    pd.testing.assert_frame_equal(_read(folder, tmp_path / "a").corpus, here.corpus)  # and from the cache


def _records(keys: list[str], text: str) -> list[dict[str, object]]:
    return [{"key": k, "alias_key": "a", "status": "ok", "text": f"{text} {k}", "removed_chars": 0} for k in keys]


def test_a_shard_found_damaged_when_its_records_are_read_gives_way_to_an_older_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """lookup_table reads the records of every shard at once, after choosing their rows; a shard whose
    records then cannot be read is set aside and its keys are looked for in the other shards."""
    from analysis.ingest import cache as cache_mod

    store = IngestCache(tmp_path / "cache")
    store.store(_records(["k1", "k2", "k3"], "old"), compact=False)
    store.store(_records(["k2", "k4"], "new"), compact=False)
    store.store(_records(["k5"], "newest"), compact=False)
    table, other = store.lookup_table(["k1", "k2", "k3", "k4", "k5", "k6"], "a")
    assert other == {}
    assert dict(zip(table.column("key").to_pylist(), table.column("text").to_pylist(), strict=True)) == {
        "k1": "old k1", "k2": "new k2", "k3": "old k3", "k4": "new k4", "k5": "newest k5",
    }  # fmt: skip
    older, newer, _ = store.shards()
    real = cache_mod.IngestCache._read

    def records_damaged(self, path, columns=None, filters=None):
        if path == newer and columns is not None and "text" in columns:
            path.rename(path.with_suffix(".damaged"))  # what _read does with a damaged shard
            return None
        return real(self, path, columns, filters)

    monkeypatch.setattr(cache_mod.IngestCache, "_read", records_damaged)
    table, other = store.lookup_table(["k1", "k2", "k3", "k4", "k5", "k6"], "a")
    assert other == {}
    found = dict(zip(table.column("key").to_pylist(), table.column("text").to_pylist(), strict=True))
    assert found == {"k1": "old k1", "k2": "old k2", "k3": "old k3", "k5": "newest k5"}  # k4: ingested again
    assert older.exists() and not newer.exists()


def test_take_rows_equals_a_take_whatever_the_pieces_and_rows() -> None:
    """Rows in runs are copied as slices of the pieces they lie in, others by a take: the same table."""
    import numpy as np
    import pyarrow as pa
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from analysis.ingest.cache import take_rows

    @settings(max_examples=200, deadline=None)
    @given(
        sizes=st.lists(st.integers(0, 40), min_size=1, max_size=6),
        data=st.data(),
    )
    def check(sizes: list[int], data: st.DataObject) -> None:
        n = sum(sizes)
        texts = [f"文{i}" * (i % 5) for i in range(n)]
        pieces, start = [], 0
        for size in sizes:
            pieces.append(pa.table({"text": pa.array(texts[start : start + size], type=pa.large_string()),
                                    "n": pa.array(range(start, start + size), type=pa.int64())}))  # fmt: skip
            start += size
        table = pa.concat_tables(pieces)
        if n == 0:
            rows: list[int] = []
        else:
            runs = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(1, 30)), max_size=8))
            rows = [r for a, k in runs for r in range(a, min(a + k, n))]
            if data.draw(st.booleans()):
                rows = data.draw(st.permutations(list(range(n))))
        got = take_rows(table, rows)
        assert got.equals(table.take(pa.array(rows, type=pa.int64())))
        assert all(col.num_chunks == 1 for col in got.columns)
        assert np.array_equal(got.column("n").to_numpy(), np.asarray(rows, dtype=np.int64))

    check()
    with pytest.raises(IndexError):
        take_rows(pa.table({"n": [1, 2]}), [0, 2])
