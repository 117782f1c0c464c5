"""``analysis._frames.rows_at``: the rows ``iloc`` gives, taken piece by piece from a corpus table whose
text column is an Arrow column in many pieces (as read from Parquet)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis._frames import rows_at


def _table(texts: list[str | None], rows_per_piece: int, folder: Path) -> pd.DataFrame:
    path = folder / "corpus.parquet"
    table = pa.table({"doc_id": [f"d{i}" for i in range(len(texts))], "text": pa.array(texts, pa.large_string()),
                      "year": list(range(len(texts)))})  # fmt: skip
    pq.write_table(table, path, row_group_size=rows_per_piece)
    frame = pd.read_parquet(path)
    frame.index = frame.index * 10  # an index of its own: kept as iloc keeps it
    frame.attrs["ingest"] = {"note": "kept"}
    return frame


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(st.one_of(st.none(), st.text(alphabet="党建中国移动 abc\n", max_size=12)), min_size=1, max_size=40),
    rows_per_piece=st.integers(1, 9),
    picks=st.lists(st.integers(-45, 44), max_size=30),
)
def test_rows_at_is_iloc(texts: list[str | None], rows_per_piece: int, picks: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        frame = _table(texts, rows_per_piece, Path(tmp))
        n = len(frame)
        try:
            expected = frame.iloc[np.asarray(picks, dtype=np.int64)]
        except IndexError:
            with pytest.raises(IndexError):
                rows_at(frame, picks)
            return
        got = rows_at(frame, picks)
        pd.testing.assert_frame_equal(got, expected)
        assert got.attrs == frame.attrs
        for sorted_picks in (sorted({p % n for p in picks}), list(range(n))):
            pd.testing.assert_frame_equal(rows_at(frame, sorted_picks), frame.iloc[sorted_picks])


def test_the_text_pieces_are_not_joined(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every take reaches Arrow on one piece of the text column, never on the column of many pieces (which
    Arrow joins into one buffer first: ``iloc`` does that)."""
    from pandas.core.arrays.arrow.array import ArrowExtensionArray

    frame = _table([f"文本{i}" * 50 for i in range(200)], 10, tmp_path)
    assert frame["text"].array._pa_array.num_chunks == 20
    pieces: list[int] = []
    real = ArrowExtensionArray.take

    def take(self, *args, **kwargs):
        pieces.append(self._pa_array.num_chunks)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(ArrowExtensionArray, "take", take)
    assert frame.iloc[[5, 150, 7]]["text"].tolist() == [frame["text"].iloc[i] for i in (5, 150, 7)]
    assert max(pieces) == 20  # what rows_at avoids
    pieces.clear()
    got = rows_at(frame, [5, 150, 7])
    assert got["text"].tolist() == [frame["text"].iloc[i] for i in (5, 150, 7)]
    assert pieces and max(pieces) <= 3  # the pieces taken from, and the three rows put back in order
