"""Phrase discovery's two costly results, kept under ``<cache_dir>/phrases/``.

* ``candidates-<key>.parquet``: the counted and scored n-grams of a token stream (``phrases._count_ngrams``),
  keyed by the stream's name (the token cache's ``TokenLists.content_key``, else the sha256 of the
  vocabulary, codes and document lengths), ``min_count``,
  ``max_len`` and the source code of ``phrases.py`` (any edit of the rules is a new key). Counting takes
  about a minute for 1 GB of text; reading the table back takes a second.
* ``verbatim-<key>.parquet``: how often each phrase looked up so far occurs in a set of texts, and in
  how many of them, keyed by the texts' content hashes; a later call looks up only the phrases it lacks.

Written atomically (``analysis._io``), read without pickle, checked column by column: a damaged file
is computed again with a warning. Only the newest ``MAX_FILES`` files are kept.

A candidates table is counted under an exclusive lock (``candidates-<key>.lock``, ``flock``): a process
asking for a table that another one is counting (the report's warm-up, ``phrases.warm_phrases``) waits
for it and reads it, instead of counting the same stream again at the same time.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import _io, config

_FORMAT = 1
MAX_FILES = 16
#: A process waits this long at most for another one counting the same candidates.
_WAIT_S = 1800.0
CANDIDATE_COLUMNS = {
    "phrase": "str", "count": "int64", "pmi": "float64", "left_entropy": "float64", "right_entropy": "float64",
    "tokens": "str", "docs_with_term": "int64",
}  # fmt: skip
_VERBATIM_COLUMNS = {"phrase": "str", "count_verbatim": "int64", "docs_verbatim": "int64"}


def _folder() -> Path:
    return config.CACHE_DIR / "phrases"


def _rules_digest() -> str:
    from analysis.stats import phrases

    return _io.source_digest(phrases.__file__)


def _read(path: Path, columns: dict[str, str]) -> pd.DataFrame | None:
    """The table at ``path``, or None when there is none; a damaged one is reported and ignored."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        table = pd.read_parquet(io.BytesIO(data))
        if list(table.columns) != list(columns):
            raise ValueError(f"columns {list(table.columns)}")
        for col, dtype in columns.items():
            if str(table[col].dtype) != dtype or table[col].isna().any():
                raise ValueError(f"column {col} has dtype {table[col].dtype} or missing values")
        return table
    except Exception as exc:  # any damage: computed again (and the file replaced)
        warnings.warn(f"phrase cache file {path.name} is damaged ({exc}); computed again", RuntimeWarning, stacklevel=3)
        return None


def _write(path: Path, table: pd.DataFrame) -> None:
    buf = io.BytesIO()
    table.to_parquet(buf, index=False)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _io.write_bytes(path, buf.getvalue())
        _io.keep_newest(path.parent, "*.parquet", MAX_FILES)
        _io.keep_newest(path.parent, "*.lock", MAX_FILES)
    except OSError as exc:
        warnings.warn(f"phrase cache not written to {path.parent}: {exc}", RuntimeWarning, stacklevel=3)


def stream_digest(vocab: np.ndarray, codes: np.ndarray, lengths: np.ndarray) -> str:
    """sha256 naming a token stream (vocabulary, codes, document lengths) that has no cheaper name."""
    h = hashlib.sha256("\x00".join(map(str, vocab)).encode("utf-8", "surrogatepass"))
    for arr, dtype in ((codes, np.int32), (lengths, np.int64)):
        h.update(b"|")
        h.update(np.ascontiguousarray(arr, dtype=dtype).data)
    return h.hexdigest()


def _path(stream: str, min_count: int, max_len: int) -> Path:
    spec = {"format": _FORMAT, "rules": _rules_digest(), "min_count": int(min_count), "max_len": int(max_len),
            "pandas": pd.__version__, "stream": stream}  # fmt: skip
    return _folder() / f"candidates-{hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()}.parquet"


def _stamp(path: Path) -> tuple[int, int] | None:
    """(modification time, size) of ``path``; None when there is no such file."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


@contextlib.contextmanager
def _counting(path: Path, wait: bool) -> Iterator[bool]:
    """Hold the lock of the table at ``path`` while it is counted, so that two processes (a report's
    warm-up and its kernel, two notebooks) count a stream once: True once held. ``wait``: wait for
    another holder (at most ``_WAIT_S``); else yield False at once when another process holds it. Where
    there are no locks (no ``fcntl``, a read-only folder) it yields True: the count is then made here."""
    with _io.exclusive_lock(path.with_suffix(".lock"), _WAIT_S if wait else 0.0) as held:
        yield held is not False


def candidates(
    stream: str, min_count: int, max_len: int, count: Callable[[], pd.DataFrame], *, wait: bool = True
) -> pd.DataFrame | None:
    """The table ``count()`` gives for the token stream named ``stream`` (``TokenLists.content_key`` or
    ``stream_digest``) and these settings, from the cache when there.

    While another process counts the same stream (a report's warm-up, ``phrases.warm_phrases``), this one
    waits for its table (at most ``_WAIT_S``) instead of counting too; ``wait=False`` returns None then."""
    path = _path(stream, min_count, max_len)
    seen = _stamp(path)
    table = _read(path, CANDIDATE_COLUMNS)
    if table is not None:
        return table
    with _counting(path, wait) as mine:
        if not mine and not wait:
            return None
        if not mine:  # a count that never ends (a stuck process) must not hold a report forever
            warnings.warn(f"phrase cache: another process has counted {path.name} for {_WAIT_S:.0f} s; counting here",
                          RuntimeWarning, stacklevel=3)  # fmt: skip
        if _stamp(path) != seen:  # written meanwhile, by the process this one waited for
            table = _read(path, CANDIDATE_COLUMNS)
            if table is not None:
                return table
        table = count()
        _write(path, table.astype(CANDIDATE_COLUMNS)[list(CANDIDATE_COLUMNS)])
    return table


def texts_key(texts: pd.Series) -> str:
    """sha256 naming a set of texts (in order), from their content hashes."""
    from analysis.tokens import _arrow_text_hashes

    hashes = _arrow_text_hashes(texts)
    if hashes is None:
        hashes = [hashlib.sha256(t.encode("utf-8", "surrogatepass")).hexdigest() if isinstance(t, str) else ""
                  for t in texts]  # fmt: skip
    h = hashlib.sha256(json.dumps({"format": _FORMAT, "rules": _rules_digest()}).encode())
    for d in hashes:
        h.update(d.encode())
    return h.hexdigest()


class VerbatimCounts:
    """Verbatim counts of phrases in one set of texts, remembered across calls."""

    def __init__(self, key: str) -> None:
        self.path = _folder() / f"verbatim-{key}.parquet"
        table = _read(self.path, _VERBATIM_COLUMNS)
        self.known: dict[str, tuple[int, int]] = (
            {} if table is None
            else dict(zip(table["phrase"], zip(table["count_verbatim"].tolist(), table["docs_verbatim"].tolist(), strict=True), strict=True))
        )  # fmt: skip
        self.added = False

    def lookup(self, phrases: Sequence[str], count: Callable[[list[str]], dict[str, tuple[int, int]]]) -> dict[str, tuple[int, int]]:
        """(occurrences, documents) of every phrase; ``count(missing)`` gives those not known yet."""
        missing = [p for p in dict.fromkeys(phrases) if p not in self.known]
        if missing:
            self.known.update(count(missing))
            self.added = True
        return {p: self.known[p] for p in phrases}

    def save(self) -> None:
        if not self.added:
            return
        phrases = list(self.known)
        table = pd.DataFrame(
            {
                "phrase": pd.Series(phrases, dtype="str"),
                "count_verbatim": np.array([self.known[p][0] for p in phrases], dtype=np.int64),
                "docs_verbatim": np.array([self.known[p][1] for p in phrases], dtype=np.int64),
            }
        )
        _write(self.path, table)
        self.added = False

