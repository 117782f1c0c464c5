"""Bounded steps over ordered items: the whole-corpus passes (group sums, dispersion, token gathering)
go a run of items at a time, so their temporary arrays stay small whatever the corpus size."""

from __future__ import annotations

from typing import Any

import numpy as np


def runs(sizes: np.ndarray, limit: int) -> list[np.ndarray]:
    """The positions ``0 .. len(sizes) - 1`` in consecutive, non-empty runs of about ``limit`` in size
    (a run ends at the item whose running total reaches the next multiple of ``limit``)."""
    ends = np.cumsum(np.asarray(sizes, dtype=np.int64))
    total = int(ends[-1]) if len(ends) else 0
    cuts = np.unique(np.searchsorted(ends, np.arange(limit, total, limit)) + 1)
    return [part for part in np.split(np.arange(len(ends)), cuts) if len(part)]


def _consecutive(rows: np.ndarray) -> bool:
    """Whether the ascending positions ``rows`` are one unbroken run (at least one)."""
    return bool(len(rows)) and int(rows[-1]) - int(rows[0]) + 1 == len(rows)


def picked_rows(matrix: Any, rows: np.ndarray) -> Any:
    """The rows ``rows`` (ascending) of a CSR matrix: a slice when they are consecutive, else a copy."""
    if _consecutive(rows):
        return matrix[int(rows[0]) : int(rows[-1]) + 1]
    return matrix[rows]


def row_arrays(matrix: Any, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(indptr from 0, indices, data) of the rows ``rows`` (ascending) of a CSR matrix, to read only:
    views of the matrix's own arrays when the rows are consecutive (a scipy matrix built over them, or
    its row slice, copies them), else those of a copy."""
    if _consecutive(rows):
        indptr = matrix.indptr[int(rows[0]) : int(rows[-1]) + 2]
        start, end = int(indptr[0]), int(indptr[-1])
        return indptr - start, matrix.indices[start:end], matrix.data[start:end]
    part = matrix[rows]
    return part.indptr, part.indices, part.data
