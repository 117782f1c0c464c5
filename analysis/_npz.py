"""The ``.npz`` files of the array caches (document-term counts, keyness sides, slogan intervals).

``read`` loads the named arrays without pickle, through one open handle (a file that another process
replaces or evicts meanwhile is read whole, or not at all), and hands them to the caller's check, which
returns what the caller works with or raises when the arrays do not fit together; a damaged file is
reported with a warning and the caller computes again (and overwrites it). ``write`` is atomic and
keeps only the newest files of the folder when asked.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from analysis import _io

T = TypeVar("T")


def read(
    path: Path, names: Sequence[str], check: Callable[[dict[str, np.ndarray]], T], what: str, redo: str
) -> T | None:
    """``check(arrays)`` of the file's arrays ``names``; None when there is no file or it is damaged
    (a warning ``<what> file <name> is damaged (...); <redo>``)."""
    try:
        handle = path.open("rb")
    except OSError:
        return None
    try:
        with handle, np.load(handle, allow_pickle=False) as f:
            arrays = {name: f[name] for name in names}
        return check(arrays)
    except Exception as exc:  # any damage: computed again by the caller
        warnings.warn(f"{what} file {path.name} is damaged ({exc}); {redo}", RuntimeWarning, stacklevel=3)
        return None


def write(
    path: Path, arrays: Mapping[str, Any], what: str, keep: int | None = None, max_bytes: int | None = None
) -> None:
    """Write the arrays atomically; with ``keep``, only the newest ``keep`` ``.npz`` files of the folder
    stay (and with ``max_bytes``, no more than that many bytes of them: ``_io.keep_newest``). A folder
    that cannot be written gets a warning, never an error."""
    try:
        _io.write_with(path, lambda tmp: np.savez(tmp, **arrays), suffix=".npz")
        if keep is not None:
            _io.keep_newest(path.parent, "*.npz", keep, max_bytes)
    except OSError as exc:
        warnings.warn(f"{what} not written to {path.parent}: {exc}", RuntimeWarning, stacklevel=3)
