"""The dispersion of one side of a keyness comparison, kept under ``<cache_dir>/dispersion/``.

``keyness`` on a document-term matrix computes, for each side of every comparison (the target group's
documents, the reference's), each term's document count and Gries' DP over the side's documents
(``dispersion.dispersion_over``): one pass over the side's matrix entries, about 3 s a comparison on
1 GB of text. The notebooks of a report compare the same sides of the same matrix again (each company
against the rest, one company against another), so a side is kept in one ``.npz`` named by the sha256
of the matrix (its arrays, dtypes and shape), the documents' token totals, the side's rows and the
dispersion code. Read without pickle and checked; a damaged file is computed again with a warning.
Written atomically; the newest ``MAX_FILES`` are kept, up to ``MAX_BYTES`` in all. A report needs
room for all its sides at once: notebook 20's year-over-year comparison writes a side for every
company's year (36 for 3 companies over 12 years) between the keyness sides that notebook 50 reads
back, which 32 files did not hold. Small matrices are not cached: computing their dispersion costs
less than hashing them and reading a file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np

from analysis import _io, _npz, config

_FORMAT = 1
MAX_FILES = 1024
MAX_BYTES = 512 * 2**20  # a side takes 16 bytes a term: 32 sides of a 1,000,000-term vocabulary
# Below this many stored entries a side is computed, not cached.
MIN_ENTRIES = 2_000_000


def _folder() -> Path:
    return config.CACHE_DIR / "dispersion"


def _code_digest() -> str:
    return _io.source_digest(str(Path(__file__).with_name("dispersion.py")), __file__)


def _update(h: Any, array: np.ndarray) -> None:
    array = np.ascontiguousarray(array)
    h.update(f"{array.dtype.str}:{array.shape}".encode())
    h.update(memoryview(array).cast("B"))


class SideDispersion:
    """``dispersion_over(counts, n_tokens, rows)`` of one matrix for any rows, through the cache when
    the matrix is large enough; the matrix is hashed once, on the first side asked for."""

    def __init__(self, counts: Any, n_tokens: np.ndarray) -> None:
        self.counts, self.n_tokens = counts, np.asarray(n_tokens)
        self._digest: str | None = None

    def _matrix_digest(self) -> str:
        if self._digest is None:
            h = hashlib.sha256(f"{_FORMAT}:{_code_digest()}:{self.counts.shape}".encode())
            for array in (self.counts.indptr, self.counts.indices, self.counts.data, self.n_tokens):
                _update(h, array)
            self._digest = h.hexdigest()
        return self._digest

    def over(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(docs_with_term, dp) of every term over the documents ``rows`` (see ``dispersion_over``)."""
        from analysis.stats.dispersion import dispersion_over

        rows = np.asarray(rows, dtype=np.int64)
        if self.counts.nnz < MIN_ENTRIES:
            return dispersion_over(self.counts, self.n_tokens, rows=rows)
        h = hashlib.sha256(self._matrix_digest().encode())
        _update(h, rows)
        path = _folder() / f"{h.hexdigest()}.npz"
        found = _read(path, self.counts.shape[1])
        if found is not None:
            return found
        docs, dp = dispersion_over(self.counts, self.n_tokens, rows=rows)
        _write(path, docs, dp)
        return docs, dp


def _read(path: Path, n_terms: int) -> tuple[np.ndarray, np.ndarray] | None:
    def check(a: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        docs, dp = a["docs"], a["dp"]
        ok = (
            docs.shape == (n_terms,) and dp.shape == (n_terms,) and docs.dtype == np.int64 and dp.dtype == np.float64
            and bool((docs >= 0).all())
            and bool(np.isnan(dp[docs == 0]).all())
            and bool(((dp[docs > 0] >= 0) & (dp[docs > 0] <= 1)).all())
        )  # fmt: skip
        if not ok:
            raise ValueError("inconsistent arrays")
        return docs, dp

    return _npz.read(path, ("docs", "dp"), check, "dispersion cache", "computed again")


def _write(path: Path, docs: np.ndarray, dp: np.ndarray) -> None:
    _npz.write(path, {"docs": docs, "dp": dp}, "dispersion cache", keep=MAX_FILES, max_bytes=MAX_BYTES)
