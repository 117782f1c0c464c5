"""The per-partition functions an engine runs, and how work is cut into partitions.

Each function is self-contained (plain arguments in, plain data out) so that it can run as a Dask
task on another machine; each calls the stage's own code (``analysis.ingest.corpus._run`` with its
per-file cache and budget, the tokenizer's ``_encode_chunk``), so every engine gives the same answers.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from analysis.engine import EngineError

# A partition of files holds about this many bytes (and at most this many files): small enough to
# spread over the workers and keep their memory low, large enough that a task costs far more than
# its scheduling (~1 ms).
PARTITION_BYTES = 32_000_000
PARTITION_FILES = 2_000


def split_files(sizes: Sequence[int], n_workers: int) -> list[slice]:
    """Consecutive runs of files, at least four per worker when there is enough work."""
    total = sum(sizes)
    target = max(1, min(PARTITION_BYTES, total // max(1, 4 * n_workers) or 1))
    parts: list[slice] = []
    start, size = 0, 0
    for i, n in enumerate(sizes):
        size += n
        if size >= target or i + 1 - start >= PARTITION_FILES:
            parts.append(slice(start, i + 1))
            start, size = i + 1, 0
    if start < len(sizes):
        parts.append(slice(start, len(sizes)))
    return parts


def ingest_partition(
    root: str,
    rels: list[str],
    keep_repeated: bool,
    company_files: tuple[str, ...],
    cache_dir: str | None,
    ocr: bool,
    file_limits: Any,
) -> list[dict[str, Any]]:
    """Records of the files ``rels`` under ``root`` (as ``read_corpus`` makes them), each file read in a
    budgeted child process; the worker's records go to the shared ingestion cache when ``cache_dir``."""
    from analysis.ingest import corpus, limits, paths
    from analysis.ingest.cache import IngestCache

    if multiprocessing.current_process().daemon:
        raise EngineError(
            "this Dask worker may not start child processes (the per-file budget needs them): start "
            "workers with DASK_DISTRIBUTED__WORKER__DAEMON=False in their environment, or with --no-nanny"
        )
    todo = [(paths.on_disk(root, rel), rel) for rel in rels]
    store = IngestCache(cache_dir) if cache_dir is not None else None
    corpus._ALIASES.clear()
    with limits.applied(file_limits):
        return corpus._run(Path(root), todo, keep_repeated, company_files, store, 1, False, ocr)


def encode_partition(settings: Any, texts: list[str]) -> Any:
    """Token codes of ``texts`` with the tokenizer of ``settings`` (built once per worker process)."""
    from analysis.tokens import _encode_chunk

    return _encode_chunk(settings, texts)


def encode_source(settings: Any, texts: Any) -> tuple[list[str], Any]:
    """(content hashes, token codes) of the documents of ``texts`` (a ``CorpusTexts`` selection, one
    document per hash), read here from its file."""
    from analysis.tokens import _encode_chunk

    return list(texts.hashes), _encode_chunk(settings, texts.read_all().tolist())


# ------------------------------------------------------------------------------- driver side
def ingest_records(
    engine: Any,
    root: Path,
    todo: list[tuple[Path, str]],
    keep_repeated: bool,
    company_files: tuple[str, ...],
    cache_dir: str | None,
    ocr: bool,
    progress: bool,
) -> list[dict[str, Any]]:
    """``corpus._run`` over ``todo`` as partitions on ``engine``: the records, in ``todo`` order."""
    import sys

    from tqdm import tqdm

    from analysis.ingest import limits

    sizes = []
    for f, _ in todo:
        try:
            sizes.append(f.stat().st_size)
        except OSError:
            sizes.append(0)
    parts = split_files(sizes, engine.n_workers)
    company_files = tuple(str(Path(p).resolve()) for p in company_files)
    args = [
        (str(root.resolve()), [rel for _, rel in todo[s]], keep_repeated, company_files, cache_dir, ocr, limits.active())
        for s in parts
    ]
    records: list[dict[str, Any]] = []
    with tqdm(total=len(todo), desc=f"ingest ({engine.name})", unit="file", disable=not progress, file=sys.stderr) as bar:
        for part in engine.map(ingest_partition, args):
            records.extend(part)
            bar.update(len(part))
    return records


def encode_chunks(engine: Any, settings: Any, texts: list[str], chunks: list[list[int]]) -> list[Any]:
    """The tokenizer's encoded chunks, computed as tasks on ``engine`` (in chunk order)."""
    return list(engine.map(encode_partition, [(settings, [texts[i] for i in idx]) for idx in chunks]))
