"""Atomic file writes: write to a temporary file in the same folder, then rename over the target.

A crash never leaves a half-written report, CSV or cache file behind.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


@contextlib.contextmanager
def atomic_path(target: str | Path, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; on success rename it to ``target``."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=suffix if suffix is not None else ".tmp", dir=target.parent
    )
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # mkstemp creates the file 0600; give the result the permissions a plain open() would.
        os.chmod(tmp_path, 0o666 & ~_umask())
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_bytes(target: str | Path, data: bytes) -> Path:
    """Atomically write ``data`` to ``target``."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


@functools.cache
def source_digest(*files: str) -> str:
    """sha256 of these source files' bytes, one after the other, read once per process: the name of the
    code a cache's contents depend on (any edit of it is a new key)."""
    h = hashlib.sha256()
    for file in files:
        h.update(Path(file).read_bytes())
    return h.hexdigest()


def keep_newest(folder: Path, pattern: str, keep: int, max_bytes: int | None = None) -> None:
    """Remove all but the ``keep`` most recently written files of ``folder`` matching ``pattern`` (a
    cache's bound); with ``max_bytes``, also the older files beyond that many bytes in all (the newest
    file always stays). A file another process removes meanwhile is simply gone."""
    dated = []
    for path in folder.glob(pattern):
        with contextlib.suppress(OSError):
            st = path.stat()
            dated.append((st.st_mtime_ns, st.st_size, path))
    dated.sort(reverse=True)
    kept, total = 0, 0
    for _, size, path in dated:
        total += size
        if kept >= keep or (kept and max_bytes is not None and total > max_bytes):
            path.unlink(missing_ok=True)
        else:
            kept += 1


def write_text(target: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Atomically write ``text`` to ``target`` (UTF-8 by default).

    A lone surrogate (an undecodable byte of a file name, as Python passes it on) is written as ``\\xNN``.
    """
    return write_bytes(target, text.encode(encoding, errors="backslashreplace"))


def write_with(target: str | Path, writer: Callable[[Path], Any], suffix: str | None = None) -> Path:
    """Atomically produce ``target`` with ``writer(tmp_path)``, e.g. ``df.to_parquet``.

    ``suffix`` lets writers that look at the file extension (matplotlib's savefig) see the real one.
    """
    with atomic_path(target, suffix=suffix) as tmp:
        writer(tmp)
    return Path(target)


@contextlib.contextmanager
def open_atomic(target: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO[Any]]:
    """Open a temporary file for writing; it replaces ``target`` only if the block succeeds."""
    with atomic_path(target) as tmp, open(tmp, mode, encoding=None if "b" in mode else encoding) as fh:
        yield fh


# --------------------------------------------------------------------------- CSV for spreadsheets
# A text cell starting with one of these is taken for a formula by Excel, LibreOffice or WPS (OWASP,
# "CSV Injection"); the full-width forms are included because Chinese input methods type them.
_FORMULA_TRIGGERS = frozenset("=+-@\t\r＝＋－＠")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")


def neutralise_cell(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, made inert with a leading apostrophe (OWASP).

    Non-text values and text that is a plain number (``-12.5``, ``+3%``) are returned unchanged.
    """
    if not isinstance(value, str) or not value:
        return value
    first = value.lstrip(" ")[:1]
    if first in _FORMULA_TRIGGERS and not _PLAIN_NUMBER.fullmatch(value.strip()):
        return "'" + value
    return value


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells, text column names and text index labels are neutralised."""
    import pandas as pd

    def textual(dtype: Any) -> bool:
        types = pd.api.types
        return (
            types.is_object_dtype(dtype)
            or types.is_string_dtype(dtype)
            or isinstance(dtype, pd.CategoricalDtype)
        )

    out = df.copy()
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if textual(col.dtype):
            out.isetitem(i, col.map(neutralise_cell))
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = out.columns.map(lambda key: tuple(neutralise_cell(k) for k in key))
    else:
        out.columns = [neutralise_cell(c) for c in out.columns]
    if isinstance(out.index, pd.MultiIndex):
        out.index = out.index.map(lambda key: tuple(neutralise_cell(k) for k in key))
    elif textual(out.index.dtype):
        out.index = out.index.map(neutralise_cell)
    return out


def write_csv(df: pd.DataFrame, target: str | Path, *, index: bool = False) -> Path:
    """Atomically write ``df`` as a UTF-8 CSV meant for spreadsheets: formula-like text cells neutralised.

    Use it for every CSV a person may open in Excel; machine-read data (Parquet) keeps the raw text.
    """
    safe = spreadsheet_safe(df)
    return write_with(target, lambda t: safe.to_csv(t, index=index, encoding="utf-8"), suffix=".csv")


@contextlib.contextmanager
def exclusive_lock(path: Path, wait: float = 0.0) -> Iterator[bool | None]:
    """Hold an exclusive ``flock`` on the file ``path`` (created if missing) for the block: yields True
    once held; False when another process still holds it after ``wait`` seconds (0: at once); None
    where there are no file locks (no ``fcntl``) or the file cannot be opened (the caller decides what
    that means)."""
    try:
        import fcntl
    except ImportError:
        yield None
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(path, "a+b")  # noqa: SIM115 (closed below)
    except OSError:
        yield None
        return
    with fh:
        if poll_flock(fh, fcntl.LOCK_EX, wait) is None:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def poll_flock(fh: Any, operation: int, wait: float) -> bool | None:
    """Take the ``flock`` ``operation`` (``fcntl.LOCK_EX`` or ``LOCK_SH``) on the open file ``fh``,
    trying every 0.1 s for at most ``wait`` seconds: None when it was not taken in time, else whether
    it had to wait (another process held the lock at first)."""
    import fcntl

    limit = time.monotonic() + wait
    waited = False
    while True:
        try:
            fcntl.flock(fh, operation | fcntl.LOCK_NB)
            return waited
        except OSError:
            if time.monotonic() >= limit:
                return None
            waited = True
            time.sleep(0.1)
