"""The text column of a corpus table on disk, read partition by partition (issue 12).

The ``stats`` command needs every document's text only to segment the documents the token cache does
not know and to scan those the slogan cache does not know; everything else reads the document variables
and the content hashes. :class:`CorpusTexts` stands for the text column of a corpus table held in a
Parquet file (the ``corpus.parquet`` that ``ingest`` writes, or a spill file written from an ingested
folder) and hands the texts out a partition at a time, so the command's process never holds more than
one partition of text, whatever the size of the corpus. The document variables stay one DataFrame (they
are small); the two are aligned row by row.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError

__all__ = ["PARTITION_DOCS", "CorpusTexts"]

#: Documents per partition of text read at once.
PARTITION_DOCS = 2_000


class CorpusTexts:
    """The texts of a corpus table, read from the column ``column`` of the Parquet file ``path``.

    ``hashes``: the content hash (sha256 of the UTF-8 text) of every selected row, in order; ``rows``:
    the positions in the file of the selected rows, ascending (None: every row of the file, in order).
    ``owned``: the file is a spill file of this object, removed by :meth:`close`. ``partition_docs``:
    documents per partition when a caller gives none.
    """

    partition_docs: int = PARTITION_DOCS

    def __init__(
        self, path: str | Path, hashes: Sequence[str], *, rows: np.ndarray | None = None, column: str = "text",
        owned: bool = False,
    ) -> None:  # fmt: skip
        self.path = Path(path)
        self.hashes = list(hashes)
        self.rows = None if rows is None else np.asarray(rows, dtype=np.int64)
        self.column = column
        self.owned = owned
        if self.rows is not None:
            if len(self.rows) != len(self.hashes):
                raise AnalysisError(f"{len(self.rows)} rows but {len(self.hashes)} content hashes")
            if len(self.rows) > 1 and bool((np.diff(self.rows) <= 0).any()):
                raise AnalysisError("the rows of a CorpusTexts must be ascending")

    def __len__(self) -> int:
        return len(self.hashes)

    def __repr__(self) -> str:
        return f"CorpusTexts({str(self.path)!r}, {len(self)} documents)"

    # ---------------------------------------------------------------------------------------- make
    @classmethod
    def spill(cls, texts: Any, hashes: Sequence[str], folder: str | Path, partition_docs: int = PARTITION_DOCS) -> CorpusTexts:
        """Write ``texts`` (a column: pandas Series or Arrow array) to a new Parquet file in ``folder``,
        in row groups of ``partition_docs`` rows (the object's partition size); the returned object
        removes the file on :meth:`close`."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        if isinstance(texts, pd.Series):
            array = pa.array(texts.astype(str).to_numpy(dtype=object), type=pa.large_string(), from_pandas=True)
        else:
            array = texts if isinstance(texts, (pa.Array, pa.ChunkedArray)) else pa.array(texts, type=pa.large_string())
        Path(folder).mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix="textlab-texts-", suffix=".parquet", dir=folder)
        os.close(fd)
        try:
            pq.write_table(  # (no dictionary: every text is another string; plain pages read faster)
                pa.table({"text": array}), name, row_group_size=max(1, partition_docs), use_dictionary=False
            )
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(name)
            raise
        out = cls(name, hashes, owned=True)
        out.partition_docs = max(1, partition_docs)
        return out

    def select(self, positions: Sequence[int] | np.ndarray) -> CorpusTexts:
        """The texts of the selected rows ``positions`` (ascending positions in this object); the new
        object reads the same file and does not own it."""
        pos = np.asarray(positions, dtype=np.int64)
        rows = pos if self.rows is None else self.rows[pos]
        out = CorpusTexts(self.path, [self.hashes[i] for i in pos.tolist()], rows=rows, column=self.column)
        out.partition_docs = self.partition_docs
        return out

    def close(self) -> None:
        """Remove the spill file (only when this object wrote it)."""
        if self.owned:
            with contextlib.suppress(OSError):
                self.path.unlink()
            self.owned = False

    def __enter__(self) -> CorpusTexts:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------------------------------- read
    def _batches(self, partition_docs: int) -> Iterator[tuple[int, Any]]:
        """(first selected position, Arrow array of the selected texts) per batch of the file, in order."""
        import pyarrow.parquet as pq

        if not len(self):
            return
        rows = self.rows
        try:
            f = pq.ParquetFile(self.path, pre_buffer=False, buffer_size=1 << 20)
            batches = self._row_group_batches(f, max(1, partition_docs)) if rows is not None else (
                (None, b) for b in f.iter_batches(batch_size=max(1, partition_docs), columns=[self.column])
            )
        except (OSError, ValueError, KeyError) as exc:
            raise AnalysisError(f"{self.path}: cannot read the text column: {exc}") from None
        first = 0  # file row of the batch's first row
        taken = 0  # selected rows handed out so far
        for start, batch in batches:
            if start is not None:
                first = start
            n = batch.num_rows
            column = batch.column(0)
            if rows is None:
                picked = column
            else:
                stop = int(np.searchsorted(rows, first + n))
                picked = column.take(rows[taken:stop] - first) if stop > taken else column.slice(0, 0)
            if len(picked):
                yield taken, picked
                taken += len(picked)
            first += n
            if taken >= len(self):
                break
        if taken != len(self):
            raise AnalysisError(f"{self.path}: {taken} texts read, {len(self)} expected (the file changed?)")

    def _row_group_batches(self, f: Any, size: int) -> Iterator[tuple[int | None, Any]]:
        """(file row of the batch's first row, batch) over the row groups holding a selected row only: a
        selection from the end of a large file reads none of its beginning."""
        meta = f.metadata
        starts = np.zeros(meta.num_row_groups + 1, dtype=np.int64)
        np.cumsum([meta.row_group(g).num_rows for g in range(meta.num_row_groups)], out=starts[1:])
        rows = self.rows
        assert rows is not None
        lo = np.searchsorted(rows, starts[:-1])  # selected rows before each group's start
        hi = np.searchsorted(rows, starts[1:])
        for g in np.flatnonzero(hi > lo).tolist():
            first: int | None = int(starts[g])
            for batch in f.iter_batches(batch_size=size, row_groups=[g], columns=[self.column]):
                yield first, batch
                first = None  # the next batch of the group follows this one

    def parts(self, partition_docs: int | None = None) -> Iterator[tuple[int, list[str]]]:
        """(first position, texts) of consecutive partitions of at most ``partition_docs`` documents."""
        for start, picked in self._batches(partition_docs or self.partition_docs):
            yield start, _strings(picked)

    def batches(self, wanted: Collection[str], partition_docs: int | None = None) -> Iterator[tuple[list[str], list[str]]]:
        """(content hashes, texts) of the documents whose hash is in ``wanted``, each hash once (its first
        document), in corpus order, at most ``partition_docs`` documents per batch. Nothing is read when
        nothing is wanted."""
        remaining = set(wanted)
        if not remaining:
            return
        hashes: list[str] = []
        texts: list[str] = []
        size = max(1, partition_docs or self.partition_docs)
        for start, picked in self._batches(size):
            take = []
            for i, h in enumerate(self.hashes[start : start + len(picked)]):
                if h in remaining:
                    remaining.discard(h)
                    take.append(i)
            for at in range(0, len(take), size):  # never more than ``size`` texts as Python strings
                rows = take[at : at + size]
                if len(hashes) + len(rows) > size:
                    yield hashes, texts
                    hashes, texts = [], []
                chosen = picked if len(rows) == len(picked) else picked.take(rows)
                hashes += [self.hashes[start + i] for i in rows]
                texts += _strings(chosen)
            if not remaining:
                break
        if hashes:
            yield hashes, texts

    def read_all(self) -> pd.Series:
        """Every selected text as one Series (str): for the paths that need the whole column."""
        texts: list[str] = []
        for _, part in self.parts(max(len(self), 1)):
            texts.extend(part)
        return pd.Series(texts, dtype=object)


def _strings(column: Any) -> list[str]:
    """An Arrow string column as Python strings (a null text: "")."""
    return [t if isinstance(t, str) else "" for t in column.to_pylist()]
