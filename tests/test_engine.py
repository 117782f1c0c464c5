"""Execution engines (issue 12): --engine dask gives the same CSVs as the local engine (row order aside),
on a LocalCluster of two workers and on a real ``dask scheduler`` + two ``dask worker`` processes."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.engine import EngineError, open_engine
from analysis.engine.partitions import split_files

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
METADATA = ROOT / "data" / "metadata.csv"

# Dask runs only in subprocesses: importing it here would grow this process, and the tests that fork
# budgeted workers from it afterwards (test_hostile) would see the children start above their memory limit.
needs_dask = pytest.mark.skipif(importlib.util.find_spec("distributed") is None, reason="dask[distributed] not installed")


def _cli(args: list[str], cache: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """``python -m analysis ARGS`` in a fresh process with its own (cold) cache folder."""
    env = dict(os.environ, TEXTLAB_CACHE=str(cache), TEXTLAB_PROGRESS="0")
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args, "-q"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def _same_csvs(a: Path, b: Path, names: list[str] | None = None) -> list[str]:
    """Assert every CSV of ``a`` has an identical twin in ``b`` (rows sorted); return the names."""
    names = names or sorted(p.name for p in a.glob("*.csv"))
    assert names == sorted(p.name for p in b.glob("*.csv") if p.name in names)
    for name in names:
        x = pd.read_csv(a / name, dtype=str, keep_default_na=False)
        y = pd.read_csv(b / name, dtype=str, keep_default_na=False)
        assert list(x.columns) == list(y.columns), name
        x = x.sort_values(list(x.columns)).reset_index(drop=True)
        y = y.sort_values(list(y.columns)).reset_index(drop=True)
        pd.testing.assert_frame_equal(x, y, check_exact=True, obj=name)
    return names


def _run_ok(args: list[str], cache: Path) -> int:
    proc = _cli(args, cache)
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    return proc.returncode


@pytest.fixture(scope="module")
def genre_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated genre corpus (about 250 files of every format and encoding, tests/genre.py)."""
    from genre import write_genre_corpus

    folder = tmp_path_factory.mktemp("genre") / "corpus"
    write_genre_corpus(folder)
    return folder


@pytest.fixture(scope="module")
def genre_local(genre_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int]:
    """The local engine's ingest and stats outputs for the genre corpus (the reference)."""
    base = tmp_path_factory.mktemp("genre-local")
    rc = _run_ok(["ingest", str(genre_dir), "--out", str(base / "ingest")], base / "cache")
    _run_ok(
        ["stats", str(base / "ingest" / "corpus.parquet"), "--by", "company,year", "--out", str(base / "stats")],
        base / "cache",
    )
    return base / "ingest", base / "stats", rc


@needs_dask
def test_sample_corpus_dask_cluster_of_two_equals_local(tmp_path: Path) -> None:
    common = ["--metadata", str(METADATA), "--by", "company,year"]
    _run_ok(["stats", str(RAW), *common, "--out", str(tmp_path / "local")], tmp_path / "c1")
    _run_ok(
        ["stats", str(RAW), *common, "--out", str(tmp_path / "dask"), "--engine", "dask", "--workers", "2"],
        tmp_path / "c2",
    )
    names = _same_csvs(tmp_path / "local", tmp_path / "dask")
    assert {"frequency.csv", "keyness.csv", "slogans.csv", "tfidf.csv", "year_over_year.csv"} <= set(names)
    assert len(pd.read_csv(tmp_path / "local" / "frequency.csv")) > 0


@needs_dask
def test_generated_corpus_dask_cluster_of_two_equals_local(
    genre_dir: Path, genre_local: tuple[Path, Path, int], tmp_path: Path
) -> None:
    ingest_local, stats_local, rc_local = genre_local
    rc = _run_ok(
        ["ingest", str(genre_dir), "--out", str(tmp_path / "ingest"), "--engine", "dask", "--workers", "2"],
        tmp_path / "cache",
    )
    assert rc == rc_local
    _same_csvs(ingest_local, tmp_path / "ingest", ["corpus.csv", "ingest_report.csv"])
    corpus = pd.read_csv(ingest_local / "corpus.csv", dtype=str, keep_default_na=False)
    assert len(corpus) > 200 and corpus["company"].nunique() >= 3
    _run_ok(
        ["stats", str(tmp_path / "ingest" / "corpus.parquet"), "--by", "company,year", "--out",
         str(tmp_path / "stats"), "--engine", "dask", "--workers", "2"],
        tmp_path / "cache2",
    )  # fmt: skip
    _same_csvs(stats_local, tmp_path / "stats")


@needs_dask
def test_real_scheduler_and_two_worker_processes(
    genre_dir: Path, genre_local: tuple[Path, Path, int], tmp_path: Path
) -> None:
    """The deployment a user makes: ``dask scheduler`` and two ``dask worker`` processes (here on
    localhost), the command pointed at the scheduler with --scheduler."""
    if not Path(sys.executable).with_name("dask").exists():
        pytest.skip("the dask command line is not installed next to this Python")
    dask_exe = str(Path(sys.executable).with_name("dask"))
    ingest_local, stats_local, _ = genre_local
    scheduler_file = tmp_path / "scheduler.json"
    env = dict(os.environ, DASK_DISTRIBUTED__WORKER__DAEMON="False", TEXTLAB_CACHE=str(tmp_path / "wcache"))
    procs: list[subprocess.Popen[bytes]] = []
    logs = tmp_path / "logs"
    logs.mkdir()
    try:
        procs.append(subprocess.Popen(
            [dask_exe, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(scheduler_file)],
            env=env, stdout=subprocess.DEVNULL, stderr=(logs / "scheduler.log").open("wb"),
        ))  # fmt: skip
        deadline = time.monotonic() + 60
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert scheduler_file.exists(), (logs / "scheduler.log").read_text()
        address = json.loads(scheduler_file.read_text())["address"]
        for k in range(2):
            procs.append(subprocess.Popen(
                [dask_exe, "worker", address, "--nthreads", "1", "--nworkers", "1", "--no-dashboard",
                 "--host", "127.0.0.1", "--name", f"w{k}", "--local-directory", str(tmp_path / f"w{k}")],
                env=env, stdout=subprocess.DEVNULL, stderr=(logs / f"worker{k}.log").open("wb"),
            ))  # fmt: skip
        waited = subprocess.run(
            [sys.executable, "-c", "import sys, distributed; c = distributed.Client(sys.argv[1], timeout='30s'); "
             "c.wait_for_workers(2, timeout=120); print(len(c.scheduler_info()['workers'])); c.close()", address],
            capture_output=True, text=True, timeout=200,
        )  # fmt: skip
        assert waited.stdout.strip() == "2", waited.stderr[-2000:]
        common = ["--engine", "dask", "--scheduler", address]
        _run_ok(["ingest", str(genre_dir), "--out", str(tmp_path / "ingest"), *common], tmp_path / "cache")
        _same_csvs(ingest_local, tmp_path / "ingest", ["corpus.csv", "ingest_report.csv"])
        _run_ok(
            ["stats", str(tmp_path / "ingest" / "corpus.parquet"), "--by", "company,year", "--out",
             str(tmp_path / "stats"), *common],
            tmp_path / "cache",
        )  # fmt: skip
        _same_csvs(stats_local, tmp_path / "stats")
        # the workers wrote the shared ingestion cache they were given (the client's cache folder)
        assert list((tmp_path / "cache" / "ingest").rglob("shard-*.parquet"))
        # and scanned the slogans: the scan grows with the cluster (a LocalCluster leaves it here)
        seen = subprocess.run(
            [sys.executable, "-c", "import sys, distributed; c = distributed.Client(sys.argv[1], timeout='30s'); "
             "print(' '.join(c.run_on_scheduler(lambda dask_scheduler: sorted(dask_scheduler.task_prefixes)))); "
             "c.close()", address],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert "scan_chunk" in seen.stdout.split(), (seen.stdout, seen.stderr[-2000:])  # (prefix: no leading _)
        assert "encode_source" in seen.stdout.split()  # the tokenizer's tasks read the texts themselves
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(tmp_path / "w0", ignore_errors=True)
        shutil.rmtree(tmp_path / "w1", ignore_errors=True)


def test_missing_dask_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "dask", None)  # import dask -> ImportError
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(EngineError, match=r"dask\[distributed\]"):
        open_engine("dask")


def test_engine_options_are_checked(capsys: pytest.CaptureFixture[str]) -> None:
    from analysis.__main__ import main

    assert main(["stats", str(RAW), "--out", "/tmp/never", "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert "--scheduler needs --engine dask" in capsys.readouterr().err
    with pytest.raises(EngineError, match="unknown engine"):
        open_engine("spark")


@needs_dask
def test_unreachable_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    proc = _cli(
        ["ingest", str(RAW), "--out", str(tmp_path / "o"), "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"],
        tmp_path / "cache",
    )
    assert proc.returncode == 2
    assert "cannot connect to a Dask scheduler" in proc.stderr


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 50_000_000), max_size=300), st.integers(1, 16))
def test_file_partitions_cover_every_file_once_in_order(sizes: list[int], workers: int) -> None:
    parts = split_files(sizes, workers)
    covered = [i for s in parts for i in range(len(sizes))[s]]
    assert covered == list(range(len(sizes)))
    assert all(s.stop > s.start for s in parts)
    if sum(sizes) > 0 and len(sizes) >= 8 * workers and max(sizes) <= sum(sizes) // (8 * workers):
        assert len(parts) >= 2 * workers  # enough partitions to keep every worker busy


def _frequency_counts(corpus: pd.DataFrame, by: str) -> pd.DataFrame:
    import analysis as tl

    f = tl.frequency(tl.dtm(tl.tokenize(corpus, progress=False)), by=by, ci=None)
    cols = ["group", "term", "count", "docs_with_term", "group_docs", "group_tokens"]
    return f[cols].sort_values(["group", "term"]).reset_index(drop=True)


@pytest.mark.parametrize("partition_docs", [1, 2, 1000])
def test_grouped_counts_summed_over_partitions_equal_the_whole_corpus_dtm(
    sample_corpus: pd.DataFrame, partition_docs: int
) -> None:
    import analysis as tl

    got = tl.grouped_counts(sample_corpus, "company,year", partition_docs=partition_docs)
    got = got.sort_values(["group", "term"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, _frequency_counts(sample_corpus, "company,year"), check_dtype=False)
    assert got["count"].sum() == got.drop_duplicates("group")["group_tokens"].sum()  # every token counted once


@needs_dask
def test_grouped_counts_on_a_dask_cluster_equal_local(
    genre_dir: Path, genre_local: tuple[Path, Path, int], tmp_path: Path
) -> None:
    corpus_file = genre_local[0] / "corpus.parquet"
    script = (
        "import sys, pandas as pd, analysis as tl\n"
        "corpus = pd.read_parquet(sys.argv[1])\n"
        "with tl.open_engine('dask', workers=2) as engine:\n"
        "    tl.grouped_counts(corpus, ['company', 'year'], engine=engine, partition_docs=40).to_parquet(sys.argv[2])\n"
    )
    env = dict(os.environ, TEXTLAB_CACHE=str(tmp_path / "cache"))
    proc = subprocess.run(
        [sys.executable, "-c", script, str(corpus_file), str(tmp_path / "counts.parquet")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = pd.read_parquet(tmp_path / "counts.parquet").sort_values(["group", "term"]).reset_index(drop=True)
    assert got["group"].nunique() > 10
    pd.testing.assert_frame_equal(got, _frequency_counts(pd.read_parquet(corpus_file), "company,year"), check_dtype=False)


def test_a_partitioned_parquet_corpus_loads_as_one_table(sample_corpus: pd.DataFrame, tmp_path: Path) -> None:
    from analysis.ingest.corpus import load_corpus

    dataset = tmp_path / "corpus.parquet"
    dataset.mkdir()
    half = len(sample_corpus) // 2
    table = sample_corpus.copy()
    table.attrs = {}  # the ingest summary the notebook shows is not part of the table
    table.iloc[half:].to_parquet(dataset / "part-0.parquet", index=False)
    table.iloc[:half].to_parquet(dataset / "part-1.parquet", index=False)
    loaded = load_corpus(dataset, progress=False, quiet=True)
    pd.testing.assert_frame_equal(loaded, table)


@needs_dask
def test_report_with_dask_gives_the_local_pages_data(tmp_path: Path) -> None:
    """``report --engine dask`` (a LocalCluster of 2 workers ingests and tokenises) gives the local engine's
    corpus table and the same data behind every figure of every page."""
    runs = {}
    for engine in ("local", "dask"):
        out = tmp_path / engine
        extra = ["--engine", "dask", "--workers", "2"] if engine == "dask" else []
        env = dict(os.environ, TEXTLAB_CACHE=str(tmp_path / f"cache-{engine}"), TEXTLAB_PROGRESS="0")
        proc = subprocess.run(
            [sys.executable, "-m", "analysis", "report", "--corpus", str(RAW), "--metadata", str(METADATA),
             "--out", str(out), "--no-slides", *extra],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr[-3000:]
        runs[engine] = out
    local, dask = runs["local"], runs["dask"]
    pages = sorted(p.name for p in local.glob("*.html") if p.name != "index.html")
    assert len(pages) >= 7 and pages == sorted(p.name for p in dask.glob("*.html") if p.name != "index.html")
    x = pd.read_parquet(local / "data" / "corpus.parquet")
    y = pd.read_parquet(dask / "data" / "corpus.parquet")
    pd.testing.assert_frame_equal(x, y, check_exact=True)
    tables = sorted(str(p.relative_to(local)) for p in (local / "figures").rglob("*.csv"))
    assert len(tables) >= 20
    assert tables == sorted(str(p.relative_to(dask)) for p in (dask / "figures").rglob("*.csv"))
    for rel in tables:
        assert (local / rel).read_bytes() == (dask / rel).read_bytes(), rel


@needs_dask
def test_streamed_stats_on_a_dask_cluster_in_small_partitions_equal_the_whole_matrix(
    genre_local: tuple[Path, Path, int], tmp_path: Path
) -> None:
    """The streamed ``stats`` tables with tokenisation on 2 Dask workers, the corpus cut into partitions
    of 40 documents, are byte-identical to the whole-corpus matrix's on this machine."""
    import warnings

    from analysis.pipeline import write_stats

    corpus_file = genre_local[0] / "corpus.parquet"
    script = (
        "import sys, warnings, pandas as pd, analysis as tl\n"
        "from pathlib import Path\n"
        "from analysis.pipeline import _write_streamed\n"
        "warnings.simplefilter('ignore')\n"
        "corpus = pd.read_parquet(sys.argv[1])\n"
        "with tl.open_engine('dask', workers=2) as engine:\n"
        "    _write_streamed(corpus, Path(sys.argv[2]), by=['company', 'year'], target=None, reference=None,\n"
        "                    top_n=50, min_count=5, family='table', progress=False, engine=engine, partition_docs=40)\n"
    )
    env = dict(os.environ, TEXTLAB_CACHE=str(tmp_path / "cache"))
    proc = subprocess.run(
        [sys.executable, "-c", script, str(corpus_file), str(tmp_path / "dask")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    corpus = pd.read_parquet(corpus_file)
    assert len(corpus) > 80  # several partitions
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        write_stats(corpus, tmp_path / "whole", by=["company", "year"], progress=False, streaming=False)
    names = sorted(p.name for p in (tmp_path / "whole").glob("*.csv"))
    assert len(names) == 6 and names == sorted(p.name for p in (tmp_path / "dask").glob("*.csv"))
    for name in names:
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name


class _ReadsNothing:
    """A distributed engine whose workers cannot read the corpus files: every task that reads one
    fails, as on a cluster without the shared folder; tasks given their texts run."""

    name, distributed, n_workers = "fake", True, 2

    def __init__(self) -> None:
        self.calls: list[str] = []

    def map(self, fn, args, errors=False):  # type: ignore[no-untyped-def]
        for a in args:
            self.calls.append(fn.__name__)
            if fn.__name__ == "encode_source":
                exc = OSError("no such file on this worker")
                if not errors:
                    raise exc
                yield exc
            else:
                yield fn(*a)


def _decoded(hashes: list[str], enc) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    out, at = {}, 0
    for h, n in zip(hashes, enc.lengths.tolist(), strict=True):
        out[h] = [enc.vocab[c] for c in enc.codes[at : at + n].tolist()]
        at += n
    return out


@pytest.mark.parametrize("readable", [True, False])
def test_workers_read_the_texts_they_tokenize_or_are_sent_them(
    sample_corpus: pd.DataFrame, tmp_path: Path, readable: bool
) -> None:
    """With a distributed engine the tokenizer's tasks read the texts from the corpus file themselves
    (none goes through the task graph); a worker that cannot read it gets the chunk's texts instead.
    Either way every document gets the tokens of the local tokenizer."""
    from analysis.engine.local import LocalEngine
    from analysis.engine.texts import CorpusTexts
    from analysis.tokens import Tokenizer, _content_hashes, _segment_all, _segment_on_workers

    corpus = pd.concat([sample_corpus] * 3, ignore_index=True)  # repeated texts: each tokenized once
    hashes = _content_hashes(corpus)
    texts = CorpusTexts.spill(corpus["text"], hashes, tmp_path)
    todo = list(dict.fromkeys(hashes))
    tok = Tokenizer()
    want = _decoded(*_segment_all(tok, todo, [corpus["text"][hashes.index(h)] for h in todo], 1, False))
    class Readable(LocalEngine):  # runs each task here, as a worker that can read the file would
        distributed = True  # type: ignore[assignment]
        n_workers = 2  # type: ignore[assignment]

    engine = Readable() if readable else _ReadsNothing()
    got_hashes, enc = _segment_on_workers(tok, texts, todo, False, engine)
    assert sorted(got_hashes) == sorted(todo) and len(got_hashes) == len(todo)
    assert _decoded(got_hashes, enc) == want
    if not readable:
        assert engine.calls.count("encode_source") == engine.calls.count("encode_partition") >= 1
    texts.close()
