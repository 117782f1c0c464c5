"""The last result read from some files, kept for the next read of the same, unchanged files (issue 12).

A report runs its notebooks one after another in one kernel (``analysis.report.kernels``), and every
notebook reads the same ``corpus.parquet`` and the same cached document-term counts again: 2-3 s per
notebook at 1 GB of text, for tables the kernel held a moment before. A ``Last`` keeps one result with
the identity of the files it came from (device, inode, size and modification time: a file rewritten or
replaced has another), so a read of the same files gives it back. Callers hand out copies that cannot
change the kept result (see ``frame``).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pandas as pd

#: pandas 3 copies a shallow copy's data before any change to it (Copy-on-Write, always on): a shallow
#: copy of a kept table is then as safe as a deep one. Earlier versions get a deep copy.
_COPY_ON_WRITE = int(pd.__version__.split(".", 1)[0]) >= 3


#: A file changed less than this long ago is not named by its identity: a file system stamps times at
#: a coarse clock tick, so a file rewritten at the same size within one tick would keep its identity
#: (git's "racily clean" files). Files this fresh are read again.
SETTLED_S = 2.0


def identity(*paths: str | Path | None, named_by_content: bool = False) -> tuple[Any, ...] | None:
    """What names the files' current content cheaply; None when one of them cannot be looked at or was
    changed within ``SETTLED_S``. A folder stands for the files under it, a ``None`` path for no file; an
    absent file is named as absent. ``named_by_content``: the files' names say what they hold (a cache
    keyed by content hash, written atomically), so a fresh one is named too."""
    settled = time.time_ns() - int(SETTLED_S * 1e9)
    out: list[Any] = []
    for p in paths:
        if p is None:
            out.append(None)
            continue
        path = Path(p)
        if not path.exists():  # an absent file is part of the identity too (an optional report file)
            out.append(("absent", os.fspath(path.absolute())))
            continue
        try:
            files = sorted(f for f in path.rglob("*") if f.is_file()) if path.is_dir() else [path]
            stats = tuple((os.fspath(f.resolve()), *_stat(f)) for f in files)
        except OSError:
            return None
        if not named_by_content and any(st[-1] > settled for st in stats):
            return None
        out.append(stats)
    return tuple(out)


def _stat(path: Path) -> tuple[int, int, int, int]:
    st = path.stat()
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of a kept table that the caller may change freely (shallow under Copy-on-Write)."""
    return df.copy(deep=not _COPY_ON_WRITE)


class Last:
    """One kept result and the key it was made for."""

    def __init__(self) -> None:
        self._key: Any = None
        self._value: Any = None

    def get(self, key: Any) -> Any:
        """The kept result if it was made for ``key`` (never for a None key), else None."""
        return self._value if key is not None and key == self._key else None

    def put(self, key: Any, value: Any) -> None:
        """Keep ``value`` for ``key`` (a None key keeps nothing, and drops what was kept)."""
        self._key, self._value = (key, value) if key is not None else (None, None)
