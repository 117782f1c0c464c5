"""Rows of a corpus table without joining its Arrow columns first.

A corpus read from Parquet holds its text as an Arrow column in many pieces (one per row group). Taking
rows of it (``frame.iloc[positions]``, a boolean mask) makes Arrow join every piece into one buffer
before it picks the rows: at 1 GB of text, 2.2 s and a 1 GB transient for 55 rows, and memory the Arrow
pool keeps afterwards. ``rows_at`` takes the rows piece by piece instead.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd

#: Texts made Python strings at a time by ``texts_in_steps`` (all of them at once held about 0.7 GB at
#: 1 GB of text).
TEXT_STEP = 4096


def texts_in_steps(column: pd.Series) -> Iterator[object]:
    """Every value of a text column in order (a missing one as it is), ``TEXT_STEP`` rows at a time made
    Python objects: never the whole corpus as Python strings at once."""
    step = TEXT_STEP
    for a in range(0, len(column), step):
        yield from column.iloc[a : a + step].tolist()


def _piece_bounds(frame: pd.DataFrame) -> np.ndarray | None:
    """Row offsets of the pieces of the frame's largest Arrow column in more than one piece; None if none."""
    best, bounds = 0, None
    for _, col in frame.items():
        arrow = getattr(col.array, "_pa_array", None)
        if arrow is None or getattr(arrow, "num_chunks", 1) <= 1:
            continue
        size = arrow.nbytes
        if size > best:
            lengths = [len(chunk) for chunk in arrow.chunks]
            best, bounds = size, np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    return bounds


def rows_at(frame: pd.DataFrame, positions: Sequence[int] | np.ndarray) -> pd.DataFrame:
    """``frame.iloc[positions]`` (same rows, order, index, dtypes and attrs), each piece of the largest
    Arrow column taken from on its own."""
    pos = np.asarray(positions, dtype=np.int64).reshape(-1)
    bounds = _piece_bounds(frame) if len(pos) else None
    if bounds is None:
        return frame.iloc[pos]
    if pos.min() < -len(frame) or pos.max() >= len(frame):
        return frame.iloc[pos]  # out of bounds: pandas says so
    pos = np.where(pos < 0, pos + len(frame), pos)
    piece = np.searchsorted(bounds, pos, side="right") - 1
    order = np.argsort(piece, kind="stable")
    in_order = pos[order]
    starts = np.flatnonzero(np.r_[True, piece[order][1:] != piece[order][:-1]])
    ends = np.r_[starts[1:], len(order)]
    parts = []
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        k = piece[order[a]]
        lo = int(bounds[k])
        parts.append(frame.iloc[lo : int(bounds[k + 1])].iloc[in_order[a:b] - lo])
    out = pd.concat(parts) if len(parts) > 1 else parts[0]
    # back to the caller's order (a take of the few rows)
    if not np.array_equal(order, np.arange(len(order))):
        inverse = np.empty(len(order), dtype=np.int64)
        inverse[order] = np.arange(len(order))
        out = out.iloc[inverse]
    out.attrs = copy.deepcopy(frame.attrs)
    return out
