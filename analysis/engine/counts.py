"""Grouped term counts computed per partition and summed: memory grows with vocabulary x groups, never
with the number of documents, and no document-term matrix of the whole corpus is ever built.

Every partition of documents is tokenised, turned into a small DTM (:func:`analysis.dtm.dtm`) and
grouped (:meth:`analysis.dtm.DTM.group`, so group labels are exactly those of every statistics
table); the partition returns, per group, each term's count and the number of documents containing
it, plus the group's documents and tokens. The reduction adds these up (sums are exact, so the
answer does not depend on how the corpus was cut, nor on the engine).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis.errors import AnalysisError

__all__ = ["COUNT_COLUMNS", "grouped_counts"]

COUNT_COLUMNS = ["group", "term", "count", "docs_with_term", "group_docs", "group_tokens"]
# documents per partition when the corpus table is cut on this machine
PARTITION_DOCS = 5_000


@dataclass
class PartCounts:
    """One partition's sums: ``counts`` and ``docs`` are groups x terms (CSR, int64)."""

    groups: list[str]
    terms: list[str]
    counts: sp.csr_matrix
    docs: sp.csr_matrix
    group_docs: np.ndarray
    group_tokens: np.ndarray


def _part_counts(tokens: Any, by: list[str]) -> PartCounts:
    from analysis.dtm import dtm

    matrix = dtm(tokens, cache=False)  # one partition: not worth a cache file
    grouped = matrix.group(by)
    present = matrix.counts.copy()
    present.data = np.ones_like(present.data)
    codes, _ = matrix.group_codes(by)
    indicator = sp.csr_matrix(
        (np.ones(len(codes), dtype=np.int64), (codes, np.arange(len(codes)))), shape=(len(grouped.docvars), len(codes))
    )
    return PartCounts(
        groups=grouped.docvars["group"].astype(str).tolist(),
        terms=[str(t) for t in matrix.features],
        counts=sp.csr_matrix(grouped.counts),
        docs=sp.csr_matrix(indicator @ present),
        group_docs=grouped.docvars["n_docs"].to_numpy(np.int64),
        group_tokens=grouped.docvars["n_tokens"].to_numpy(np.int64),
    )


def count_partition(settings: Any, texts: list[str], docvars: pd.DataFrame, by: list[str]) -> PartCounts:
    """A Dask task: tokenise ``texts`` with the tokenizer of ``settings`` and count them per group."""
    from analysis.tokens import Tokens, _Block, _encode_chunk

    block = _Block.from_encoded(_encode_chunk(settings, texts))
    docs = [block.tokens(i) for i in range(len(texts))]
    return _part_counts(Tokens(docs, docvars.reset_index(drop=True), ""), by)


class _Sum:
    """Adds partition counts into one groups x terms table."""

    def __init__(self) -> None:
        self.groups: dict[str, int] = {}
        self.terms: dict[str, int] = {}
        self.counts: dict[tuple[int, int], int] = {}
        self.rows: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        self.group_docs: dict[int, int] = {}
        self.group_tokens: dict[int, int] = {}

    def add(self, part: PartCounts) -> None:
        g_map = np.array([self.groups.setdefault(g, len(self.groups)) for g in part.groups], dtype=np.int64)
        t_map = np.array([self.terms.setdefault(t, len(self.terms)) for t in part.terms], dtype=np.int64)
        c, d = part.counts.tocoo(), part.docs.tocoo()
        if c.nnz:
            self.rows.append((g_map[c.row], t_map[c.col], c.data.astype(np.int64), np.asarray(d.tocsr()[c.row, c.col]).ravel()))
        for g, n_docs, n_tok in zip(g_map, part.group_docs, part.group_tokens, strict=True):
            self.group_docs[int(g)] = self.group_docs.get(int(g), 0) + int(n_docs)
            self.group_tokens[int(g)] = self.group_tokens.get(int(g), 0) + int(n_tok)
        if len(self.rows) > 16:  # keep memory at the size of the table, not of all partitions
            self._compact()

    def _compact(self) -> None:
        if len(self.rows) <= 1:
            return
        g = np.concatenate([r[0] for r in self.rows])
        t = np.concatenate([r[1] for r in self.rows])
        shape = (len(self.groups), len(self.terms))
        counts = sp.coo_matrix((np.concatenate([r[2] for r in self.rows]), (g, t)), shape=shape).tocsr()
        docs = sp.coo_matrix((np.concatenate([r[3] for r in self.rows]), (g, t)), shape=shape).tocsr()
        counts.sum_duplicates()
        docs.sum_duplicates()
        c = counts.tocoo()
        self.rows = [(c.row.astype(np.int64), c.col.astype(np.int64), c.data, np.asarray(docs[c.row, c.col]).ravel())]

    def frame(self) -> pd.DataFrame:
        self._compact()
        groups = np.array(list(self.groups), dtype=object)
        terms = np.array(list(self.terms), dtype=object)
        if not self.rows:
            return pd.DataFrame(columns=COUNT_COLUMNS)
        g, t, count, docs = self.rows[0]
        out = pd.DataFrame(
            {
                "group": groups[g],
                "term": terms[t],
                "count": count.astype(np.int64),
                "docs_with_term": docs.astype(np.int64),
                "group_docs": [self.group_docs[int(x)] for x in g],
                "group_tokens": [self.group_tokens[int(x)] for x in g],
            }
        )
        out = out.sort_values(["group", "count", "term"], ascending=[True, False, True], kind="stable")
        return out.reset_index(drop=True)


def grouped_counts(
    corpus: pd.DataFrame,
    by: str | Sequence[str] = "company",
    *,
    engine: Any = None,
    tokenizer: Any = None,
    partition_docs: int = PARTITION_DOCS,
    progress: bool = False,
) -> pd.DataFrame:
    """Count every term per group, partition by partition, and sum: one row per (group, term) with
    ``count``, ``docs_with_term``, ``group_docs`` and ``group_tokens`` (the columns of
    :func:`analysis.stats.frequency.frequency` of the same name hold the same numbers).

    ``engine``: None or ``"local"`` (partitions one after the other here, tokens from the token cache),
    ``"dask"`` or an engine of :mod:`analysis.engine` (each partition a Dask task). Groups with no token
    have no row.
    """
    from analysis.dtm import as_columns
    from analysis.engine import resolve
    from analysis.tokens import Tokenizer, tokenize

    cols = as_columns(by)
    missing = [c for c in [*cols, "text", "doc_id"] if c not in corpus.columns]
    if missing:
        raise AnalysisError(f"grouped_counts needs the corpus table with column(s) {missing}")
    if partition_docs < 1:
        raise AnalysisError(f"partition_docs must be at least 1, got {partition_docs}")
    tokenizer = tokenizer or Tokenizer()
    total = _Sum()
    bounds = range(0, len(corpus), partition_docs)
    runner, owned = resolve(engine)
    try:
        if runner is None:
            for start in bounds:
                part = corpus.iloc[start : start + partition_docs]
                total.add(_part_counts(tokenize(part, tokenizer, progress=progress), cols))
        else:
            keep = [c for c in corpus.columns if c != "text"]
            args = [
                (
                    tokenizer._settings,
                    [t if isinstance(t, str) else "" for t in corpus["text"].iloc[s : s + partition_docs]],
                    corpus[keep].iloc[s : s + partition_docs],
                    cols,
                )
                for s in bounds
            ]
            for part in runner.map(count_partition, args):
                total.add(part)
    finally:
        if owned and runner is not None:
            runner.close()
    return total.frame()
