"""Ingestion cache: each file's ingested record, keyed by the file's bytes, the settings and the rules.

A run over an unchanged folder reads every file's bytes (to hash them) but cleans and describes none;
a changed file is ingested again on its own. Layout, under ``config.CACHE_DIR / "ingest"``::

    ingest/<rules key, 16 hex>/shard-<time>-<pid>-<random>.parquet

The *rules key* hashes :data:`INGEST_VERSION`, the source code of ``analysis.ingest`` and the shipped
word lists, and the versions of the libraries that read and convert text, so any change to the rules
starts a fresh cache. Inside, a record is found by ``key`` = sha256 of (file suffix, keep-repeated
setting, sha256 of the file's bytes), and its metadata by ``alias_key`` (a hash of the content of every
company alias file in use). A record keeps the document's prepared form (``prep_*`` columns; the prepared
text only where cleaning changed it, '' otherwise), so a new alias file re-derives title, date and
company from it without reading, decoding or cleaning the file again (PDFs are not parsed again).

Safety, as for the token cache: shards are Parquet files written atomically (temporary file, then
rename) under unique names, so concurrent runs never see a half-written shard and never overwrite each
other; nothing is pickled; a shard that cannot be read is set aside (renamed ``*.damaged``) with a
warning and its documents are simply ingested again; a shard that vanished under a concurrent
compaction is a cache miss. When a folder holds more than :data:`MAX_SHARDS` small shards, the writer merges
them into one.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import os
import time
import uuid
import warnings
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any

from analysis import _io, config

__all__ = ["INGEST_VERSION", "DigestMemo", "IngestCache", "alias_key", "file_digest", "rules_key", "take_rows"]

# Bump when ingestion changes in a way the source hash cannot see (it sees analysis/ingest and the
# word lists, not e.g. a changed default passed in from elsewhere).
INGEST_VERSION = "3"
MAX_SHARDS = 8
# A shard of at least this many bytes of uncompressed data is never merged again: the records of a
# large run stay where its workers wrote them (merging would rewrite the whole corpus every time).
BIG_SHARD_BYTES = 16_000_000

RECORD_COLUMNS = (
    "key", "alias_key", "status", "reason", "warning",
    "title", "date", "company", "source", "date_source", "company_source", "doc_type", "doc_type_source", "script", "encoding", "format", "chars_mapped", "text",
    "removed_chars", "removed_text", "removed_reasons", "content_hash",
    "prep_text", "prep_spaced", "prep_front_matter", "prep_spaced_headings", "prep_date_front_matter", "prep_read_warning",
)  # fmt: skip
# What a run over an unchanged folder needs (the prepared form stays on disk).
RESULT_COLUMNS = tuple(c for c in RECORD_COLUMNS if not c.startswith("prep_"))
_INT_COLUMNS = frozenset({"removed_chars", "chars_mapped"})
_LIBRARIES = (
    "opencc",
    "pypdf",
    "pypdfium2",
    "python-docx",
    "beautifulsoup4",
    "lxml",
    "charset-normalizer",
    "PyYAML",
    "rjieba",
)


@lru_cache(maxsize=1)
def rules_key() -> str:
    """Hash of everything that decides what ingestion makes of a file's bytes."""
    h = hashlib.sha256(f"textlab-ingest {INGEST_VERSION}\n".encode())
    package = Path(__file__).resolve().parent
    sources = sorted(package.rglob("*.py"))
    # every word list and table ingestion reads; the alias table is keyed apart (alias_key), and the
    # tokenizer's files do not change what ingestion makes of a file
    keyed_elsewhere = {"userdict.txt", "stopwords.txt", "slogans.txt", "companies.csv"}
    sources += sorted(
        p for p in config.RESOURCES_DIR.iterdir() if p.is_file() and p.name not in keyed_elsewhere
    )
    sources += [Path(__file__).resolve().parents[1] / "_text.py"]
    for path in sources:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for lib in _LIBRARIES:
        try:
            version = importlib.metadata.version(lib)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        h.update(f"{lib}={version}\n".encode())
    return h.hexdigest()


def alias_key(files: Sequence[str | Path]) -> str:
    """Hash of the content of the company alias files, in order (what company extraction reads)."""
    h = hashlib.sha256()
    for path in files:
        h.update(Path(path).read_bytes() + b"\0")
    return h.hexdigest()


_READ_WHOLE_BYTES = 1 << 20


def _stat_key(path: str | Path, max_bytes: int) -> tuple[int, int, int, int] | None:
    """``(size, mtime_ns, ctime_ns, inode)`` of a file no larger than ``max_bytes`` (None otherwise, or
    when it cannot be looked at): what tells :class:`DigestMemo` that a file is unchanged."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if st.st_size > max_bytes:
        return None
    return stat_key(st)


def stat_key(st: os.stat_result) -> tuple[int, int, int, int]:
    """``(size, mtime_ns, ctime_ns, inode)`` of a ``stat`` result: with the digest of the bytes read after
    it, what :class:`DigestMemo` keeps of a file."""
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def file_digest(path: Path, max_bytes: int) -> str | None:
    """sha256 of a file's bytes, or None when it cannot be read or is too large (the reader then
    reports why, and nothing is cached)."""
    try:
        with open(path, "rb", buffering=0) as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > max_bytes:
                return None
            if size > _READ_WHOLE_BYTES:
                return hashlib.file_digest(fh, "sha256").hexdigest()
            # a small file in one read (file_digest allocates a 256 kB buffer for each file)
            h = hashlib.sha256(fh.read(size + 1))
            while chunk := fh.read(1 << 18):  # it grew since fstat: the rest too, as file_digest would
                h.update(chunk)
            return h.hexdigest()
    except OSError:
        return None


class DigestMemo:
    """Remembered file digests of one corpus folder, so that a re-run need not read unchanged files.

    A digest is reused only when the file's size, modification time, change time and inode are all as
    they were when it was computed (the change time cannot be set back by any tool); otherwise the
    file is read and hashed again. Kept in ``ingest/digests/<folder hash>.parquet``, written atomically.
    """

    def __init__(self, base: str | Path | None, root: Path) -> None:
        base = Path(base) if base is not None else config.CACHE_DIR
        name = hashlib.sha256(os.fsencode(Path(root).resolve())).hexdigest()[:16]
        self.path = base / "ingest" / "digests" / f"{name}.parquet"
        self.known: dict[str, tuple[int, int, int, int, str]] = {}
        self.changed = False
        try:
            import pyarrow.parquet as pq

            table = pq.read_table(self.path).to_pydict()
            for row in zip(
                *(table[c] for c in ("path", "size", "mtime_ns", "ctime_ns", "ino", "digest")), strict=True
            ):
                self.known[row[0]] = tuple(row[1:])  # type: ignore[assignment]
        except Exception:  # absent, vanished or damaged: every file is hashed
            self.known = {}

    @staticmethod
    def _name(path: str | Path) -> str:
        """How a file is named in the memo: file names may hold any bytes (not always valid UTF-8)."""
        return os.fsencode(path).hex()

    def knows(self, path: str | Path) -> bool:
        """A digest of ``path`` is remembered (it may be out of date: :meth:`digest` checks)."""
        return self._name(path) in self.known

    def remember(self, path: str | Path, stat: Sequence[int], digest: str) -> None:
        """Keep a digest computed elsewhere (a worker process) from the file's ``stat`` (size,
        modification time, change time, inode; taken before it read the file) and bytes."""
        self.known[self._name(path)] = (*stat, digest)  # type: ignore[assignment]
        self.changed = True

    def digest(self, path: str | Path, max_bytes: int) -> str | None:
        key = _stat_key(path, max_bytes)
        if key is None:
            return None
        known = self.known.get(self._name(path))
        if known is not None and known[:4] == key:
            return known[4]
        digest = file_digest(Path(path), max_bytes)
        if digest is not None:
            self.remember(path, key, digest)
        return digest

    def save(self) -> None:
        if not self.changed:
            return
        import pyarrow as pa
        import pyarrow.parquet as pq

        names = list(self.known)
        rows = [self.known[n] for n in names]
        table = pa.table(
            {
                "path": pa.array(names, type=pa.string()),
                **{
                    c: pa.array([r[i] for r in rows], type=pa.int64())
                    for i, c in enumerate(("size", "mtime_ns", "ctime_ns", "ino"))
                },
                "digest": pa.array([r[4] for r in rows], type=pa.string()),
            }
        )
        try:
            _io.write_with(self.path, lambda tmp: pq.write_table(table, tmp), suffix=".parquet")
        except OSError as exc:
            warnings.warn(f"file digests not written to {self.path}: {exc}", RuntimeWarning, stacklevel=2)
        self.changed = False


def record_key(digest: str, suffix: str, keep_repeated: bool, *, ocr: bool = False) -> str:
    """The cache key of one file's record (``ocr``: PDF pages without text were read by OCR)."""
    settings = f"{digest}\0{suffix.lower()}\0{int(keep_repeated)}" + ("\0ocr" if ocr else "")
    return hashlib.sha256(settings.encode()).hexdigest()


class _NothingToMerge(Exception):
    """Every shard vanished or was damaged while compacting."""


class IngestCache:
    """The shards of one rules key: look records up by key, add new ones."""

    def __init__(self, root: str | Path | None = None) -> None:
        self.base = Path(root) if root is not None else config.CACHE_DIR
        self.dir = self.base / "ingest" / rules_key()[:16]

    def shards(self) -> list[Path]:
        return sorted(self.dir.glob("shard-*.parquet")) if self.dir.is_dir() else []

    def _read(self, path: Path, columns: Sequence[str] | None = None, filters: Any = None) -> Any:
        """A shard as an Arrow table (None if it vanished or is damaged; damaged ones are set aside)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            return pq.read_table(path, columns=list(columns) if columns else None, filters=filters)
        except FileNotFoundError:
            return None  # removed by a concurrent compaction: a miss
        except (OSError, pa.ArrowException, ValueError) as exc:
            if not path.exists():
                return None
            warnings.warn(
                f"ingestion cache shard {path.name} is damaged ({type(exc).__name__}: {exc}); set aside, "
                "its documents are ingested again",
                RuntimeWarning,
                stacklevel=3,
            )
            with contextlib.suppress(OSError):
                path.rename(path.with_suffix(".damaged"))
            return None

    def known_keys(self) -> set[str]:
        """Every key the cache holds a record of (whatever its alias files): from the shards' key
        columns only; empty for a new cache."""
        known: set[str] = set()
        for path in self.shards():
            index = self._read(path, ["key"])
            if index is not None:
                known.update(index.column("key").to_pylist())
        return known

    def lookup(
        self, keys: Iterable[str], alias: str
    ) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
        """``(full, prepared)``: records of ``keys`` made with the alias files ``alias`` (ready to use;
        skips whatever the alias files), and for the other found keys a record made with other alias
        files (with its prepared form, for describing again)."""
        table, other = self.lookup_table(keys, alias)
        full = {rec["key"]: rec for rec in table.to_pylist()} if table is not None else {}
        return full, other

    def lookup_table(self, keys: Iterable[str], alias: str) -> tuple[Any, dict[str, dict[str, Any]]]:
        """Like :meth:`lookup`, but the ready records as one Arrow table of :data:`RESULT_COLUMNS` (one
        row per found key, in the order the shards were written; None when none), read column by
        column: a re-run over a large unchanged folder makes no Python object per record."""
        import pyarrow as pa
        import pyarrow.compute as pc

        wanted = set(keys)
        found: set[str] = set()
        parts: list[tuple[int, Any]] = []
        ready: list[tuple[int, Path, list[int], Any]] = []  # (age, shard, rows, key column) to read
        other: dict[str, dict[str, Any]] = {}
        # every wanted key, made into an Arrow array once (keys found in a newer shard are passed over
        # below, row by row, rather than by a new array of the keys still wanted for each shard)
        value_set = pa.array(list(wanted), type=pa.string())
        for age, path in reversed(list(enumerate(self.shards()))):  # newest first
            if len(found) == len(wanted):
                break
            index = self._read(path, ["key", "alias_key", "status"])
            if index is None:
                continue
            key_col = index.column("key")
            hit = pc.is_in(key_col, value_set=value_set)
            # a skipped file stays skipped whatever the alias files say
            usable = pc.or_(
                pc.equal(index.column("alias_key"), alias), pc.equal(index.column("status"), "skipped")
            )
            same = pc.and_(hit, usable)
            rows_full = pc.indices_nonzero(same).to_numpy()
            rows_other = pc.indices_nonzero(pc.and_(hit, pc.invert(same))).to_pylist()
            if rows_other:  # (a key found in a newer shard is not looked at again)
                rows_other = [
                    r for r, k in zip(rows_other, key_col.take(rows_other).to_pylist(), strict=True) if k not in found
                ]
            keep: list[int] = []  # the first row of each key (a run stores identical files once each)
            if len(rows_full):
                for row, key in zip(rows_full.tolist(), key_col.take(rows_full).to_pylist(), strict=True):
                    if key not in found:
                        found.add(key)
                        keep.append(row)
            if keep:
                ready.append((age, path, keep, key_col))
            if rows_other:
                table = self._read(path, RECORD_COLUMNS)
                if table is None:
                    continue
                for rec in table.take(rows_other).to_pylist():
                    if rec["key"] not in found and rec["status"] == "ok":
                        other.setdefault(rec["key"], rec)
        # the ready records, read shard by shard in threads (Parquet's decoding releases the GIL)
        lost: list[str] = []  # keys of a shard found damaged now: looked for again in the others
        with ThreadPoolExecutor(max(1, min(config.n_jobs_default(), _READ_THREADS, len(ready)))) as pool:
            for (age, _, keep, key_col), table in zip(
                ready, pool.map(lambda job: self._read(job[1], RESULT_COLUMNS), ready), strict=True
            ):
                if table is None:
                    lost += key_col.take(keep).to_pylist()
                    continue
                parts.append((age, take_rows(table, keep)))
                del table
        if lost:
            found.difference_update(lost)
            again, more = self.lookup_table(lost, alias)  # (the damaged shard is set aside: not read again)
            if again is not None:
                found.update(again.column("key").to_pylist())
                parts.append((-1, again))  # (its rows are looked up by key: their place does not matter)
            for k, rec in more.items():
                other.setdefault(k, rec)
        table = None
        if parts:  # oldest shard first: a folder's records come out in the order its run wrote them
            table = pa.concat_tables([part for _, part in sorted(parts, key=lambda p: p[0])])
        del parts
        pa.default_memory_pool().release_unused()  # the pages read and decompressed: back to the system
        return table, {k: v for k, v in other.items() if k not in found}

    def store(self, records: Sequence[dict[str, Any]], *, compact: bool = True) -> Path | None:
        """Add the records as one new shard (atomic); merge the folder when it holds too many shards
        (unless ``compact`` is False: a run writing several shards compacts once, at its end).

        Failing to write (read-only cache folder, full disk) is a warning, never an error: the corpus
        is correct without the cache.
        """
        try:
            path = self._write(records) if records else None
            if compact and len(self.small_shards()) > MAX_SHARDS:
                self.compact(self.small_shards())
            return path
        except OSError as exc:
            warnings.warn(f"ingestion cache not written to {self.dir}: {exc}", RuntimeWarning, stacklevel=2)
            return None

    def _write(self, records: Sequence[dict[str, Any]]) -> Path:
        import pyarrow as pa

        columns = {
            c: pa.array(
                [int(r.get(c) or 0) if c in _INT_COLUMNS else str(r.get(c) or "") for r in records],
                type=pa.int64() if c in _INT_COLUMNS else pa.large_string(),
            )
            for c in RECORD_COLUMNS
        }
        table = pa.table(columns)
        return self._write_table(table)

    # Shards are written without dictionary encoding: nearly every cell is unique text, and a column
    # that starts as a dictionary and falls back to plain pages reads about 3x more slowly.
    def _write_table(self, table: Any) -> Path:
        import pyarrow.parquet as pq

        self.dir.mkdir(parents=True, exist_ok=True)
        target = self.dir / f"shard-{time.time_ns():020d}-{os.getpid()}-{uuid.uuid4().hex[:8]}.parquet"
        return _io.write_with(
            target,
            lambda tmp: pq.write_table(table, tmp, compression="zstd", compression_level=1, use_dictionary=False),
            suffix=".parquet",
        )

    def small_shards(self) -> list[Path]:
        """The shards below :data:`BIG_SHARD_BYTES` of data (oldest first)."""
        import pyarrow.parquet as pq

        small = []
        for path in self.shards():
            try:
                meta = pq.read_metadata(path)
                size = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
            except Exception:  # vanished or damaged: a lookup sets it aside
                continue
            if size < BIG_SHARD_BYTES:
                small.append(path)
        return small

    def compact(self, shards: Sequence[Path] | None = None) -> Path | None:
        """Merge the shards (all, or those given) into one (newest record per key and alias key wins); the
        merged ones are removed.

        Streams: one shard is in memory at a time, whatever the size of the cache.
        """
        import pyarrow as pa
        import pyarrow.parquet as pq

        shards = list(reversed(self.shards() if shards is None else sorted(shards)))  # newest first
        if len(shards) < 2:
            return None
        self.dir.mkdir(parents=True, exist_ok=True)
        target = self.dir / f"shard-{time.time_ns():020d}-{os.getpid()}-{uuid.uuid4().hex[:8]}.parquet"
        seen: set[tuple[str, str]] = set()
        merged: list[Path] = []

        # the newest record of each (key, alias key) wins; the merged shard keeps the oldest shard's
        # records first, so that a folder's records stay in the order its runs wrote them
        keep: dict[Path, list[int]] = {}
        for path in shards:
            index = self._read(path, ["key", "alias_key"])
            if index is None:
                continue
            rows = keep[path] = []
            pairs = zip(index.column("key").to_pylist(), index.column("alias_key").to_pylist(), strict=True)
            for i, pair in enumerate(pairs):
                if pair not in seen:
                    seen.add(pair)
                    rows.append(i)

        def writer(tmp: Path) -> None:
            out = None
            try:
                for path in reversed(shards):
                    if path not in keep:
                        continue
                    table = self._read(path)
                    if table is None:
                        continue
                    if len(keep[path]) < table.num_rows:  # (a take copies every string: only when needed)
                        table = table.take(pa.array(keep[path], type=pa.int64()))
                    if out is None:
                        out = pq.ParquetWriter(
                            tmp, table.schema, compression="zstd", compression_level=1, use_dictionary=False
                        )
                    out.write_table(table)
                    merged.append(path)
                    del table
            finally:
                if out is not None:
                    out.close()
            if out is None:
                raise _NothingToMerge

        try:
            result = _io.write_with(target, writer, suffix=".parquet")
        except _NothingToMerge:
            return None
        for path in merged:
            with contextlib.suppress(OSError):
                path.unlink()
        return result


_READ_THREADS = 4  # shards read at once by lookup_table


def take_rows(table: Any, rows: Sequence[int]) -> Any:
    """Rows of an Arrow table, each column in one piece.

    Rows mostly taken in runs (the records of a run come back in the batches its workers took them)
    are copied once, as slices of the pieces they lie in; others by a take, column by column (a
    whole-table take, or a take over a column of many pieces, copies large string columns far more
    slowly)."""
    import numpy as np
    import pyarrow as pa

    n = table.num_rows
    at = np.asarray(rows, dtype=np.int64).reshape(-1)
    if len(at) and (int(at.min()) < 0 or int(at.max()) >= n):
        raise IndexError(f"row out of range for a table of {n} rows")
    whole = len(at) == n and bool((at == np.arange(n)).all())
    if whole and all(col.num_chunks <= 1 for col in table.columns):
        return table
    index = None
    layouts: dict[tuple[int, ...], list[tuple[int, int, int]] | None] = {}  # the slices, per chunk layout
    columns = []
    for col in table.columns:
        layout = tuple(len(c) for c in col.chunks)
        if layout not in layouts:
            layouts[layout] = _runs(at, layout) if len(at) and not whole else None
        pieces = layouts[layout]
        if pieces is not None:
            chunks = col.chunks
            columns.append(pa.concat_arrays([chunks[c].slice(a, k) for c, a, k in pieces]))
            continue
        col = col.combine_chunks()
        if not whole:
            index = pa.array(at, type=pa.int64()) if index is None else index
            col = col.take(index)
        columns.append(col)
    return pa.Table.from_arrays(columns, schema=table.schema)


# A take by slices pays per slice: used while the rows come in runs at least this long on average.
_MIN_RUN = 8


def _runs(rows: Any, layout: tuple[int, ...]) -> list[tuple[int, int, int]] | None:
    """``rows`` (an int64 array) as ``(piece, offset, length)`` slices of a column whose pieces have the
    lengths ``layout``, in order; None when the rows are not mostly in runs (a take is then cheaper)."""
    import numpy as np

    sizes = np.array(layout, dtype=np.int64)
    bounds = np.concatenate(([0], np.cumsum(sizes)))
    piece = np.searchsorted(bounds, rows, side="right") - 1
    # a run breaks where the next row is not the next one, or lies in another piece
    breaks = np.flatnonzero((np.diff(rows) != 1) | (np.diff(piece) != 0)) + 1
    if (len(breaks) + 1) * _MIN_RUN > len(rows):
        return None
    starts = np.concatenate(([0], breaks))
    lengths = np.diff(np.concatenate((starts, [len(rows)])))
    first = rows[starts]
    return list(zip(piece[starts].tolist(), (first - bounds[piece[starts]]).tolist(), lengths.tolist(), strict=True))


def dumps(value: Any) -> str:
    """JSON for the prepared form's small structured fields."""
    return json.dumps(value, ensure_ascii=False)


def loads(value: str, default: Any) -> Any:
    return json.loads(value) if value else default
