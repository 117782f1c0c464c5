"""A folder of Arrow IPC shards keyed by document content hash: the storage of derived per-document caches.

Layout: ``<folder>/shard-<time_ns>-<pid>-<rand>-<sha256 of the bytes>.arrow``, one Arrow IPC file each,
zstd-compressed, whose schema metadata carries the cache key (``textlab.key``). Every run that computed
something appends one shard (atomic write, so concurrent runs never see half a file); more than
``MAX_SHARDS`` shards are merged into one. A shard is read only when its bytes match the sha256 in its
name, its key matches and its structure passes the caller's check; a damaged one is moved to
``damaged/`` with a warning and its documents are simply computed again. Never pickle.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import time
import uuid
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from analysis import _io

MAX_SHARDS = 8
_DIGEST_RE = re.compile(r"-([0-9a-f]{64})$")


class ShardStore:
    """Shards of one cache key in ``folder``. ``parse(table)`` turns a shard's Arrow table into what the
    caller works with, and raises ValueError when the table is malformed."""

    def __init__(self, folder: Path, key: str, parse: Callable[[Any], Any], what: str) -> None:
        self.dir = folder
        self.key = key
        self.parse = parse
        self.what = what  # for warnings: "slogan cache"

    def shards(self) -> list[Path]:
        return sorted(self.dir.glob("shard-*.arrow")) if self.dir.is_dir() else []

    def read(self, path: Path) -> Any | None:
        """The parsed shard, or None (vanished, another key, or damaged: then set aside)."""
        import pyarrow as pa

        try:
            data = path.read_bytes()
        except OSError:
            return None  # removed by a concurrent compaction: its documents are computed again
        match = _DIGEST_RE.search(path.stem)
        if match is None or hashlib.sha256(data).hexdigest() != match.group(1):
            self._set_aside(path, "checksum mismatch" if match else "no checksum in its name")
            return None
        try:
            with pa.ipc.open_file(pa.BufferReader(data)) as reader:
                table = reader.read_all()
            if (table.schema.metadata or {}).get(b"textlab.key", b"").decode() != self.key:
                return None  # another key sharing the folder name's prefix
            table.validate(full=True)
            parsed = self.parse(table)
        except (OSError, KeyError, AttributeError, ValueError, TypeError, IndexError, pa.ArrowException) as exc:
            self._set_aside(path, f"unreadable ({type(exc).__name__}: {' '.join(str(exc).split())[:120]})")
            return None
        return parsed

    def write(self, table: Any) -> Path | None:
        """Add ``table`` as a new shard (atomic). Returns None (with a warning) when the folder cannot
        be written."""
        try:
            return self._write(table)
        except OSError as exc:
            warnings.warn(f"{self.what} not written to {self.dir}: {exc}", RuntimeWarning, stacklevel=3)
            return None

    def _write(self, table: Any) -> Path:
        import pyarrow as pa

        table = table.replace_schema_metadata({"textlab.key": self.key})
        sink = pa.BufferOutputStream()
        with pa.ipc.new_file(sink, table.schema, options=pa.ipc.IpcWriteOptions(compression="zstd")) as out:
            out.write_table(table)
        data = sink.getvalue().to_pybytes()
        self.dir.mkdir(parents=True, exist_ok=True)
        name = f"shard-{time.time_ns():020d}-{os.getpid()}-{uuid.uuid4().hex[:8]}-{hashlib.sha256(data).hexdigest()}"
        return _io.write_bytes(self.dir / f"{name}.arrow", data)

    def replace_all(self, table: Any, old: list[Path]) -> None:
        """Write ``table`` (the merge of ``old``) as one shard, then delete ``old``."""
        if self.write(table) is None:
            return
        for path in old:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def _set_aside(self, path: Path, reason: str) -> None:
        set_aside(self.dir, path, reason, f"{self.what} file", "computed again")


def set_aside(folder: Path, path: Path, reason: str, what: str, redo: str) -> None:
    """Move a damaged shard of ``folder`` to ``folder/damaged/`` (kept for inspection, never read again;
    removed if it cannot be moved) and warn, at the caller of the cache's read: ``what`` names the file,
    ``redo`` what happens to its documents."""
    target = folder / "damaged" / path.name
    try:
        target.parent.mkdir(exist_ok=True)
        os.replace(path, target)
        where = f"moved to {target}"
    except OSError:
        with contextlib.suppress(OSError):
            path.unlink()
        where = "removed"
    warnings.warn(f"{what} {path.name} is damaged ({reason}); {where}; its documents are {redo}", RuntimeWarning,
                  stacklevel=5)  # fmt: skip
