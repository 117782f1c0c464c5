"""The tables of ``stats`` from per-partition sums: no document-term matrix of the whole corpus is built.

``write_stats`` used to tokenise the whole corpus, build one document-term matrix (DTM) and compute
every table from it, so its memory grew with the corpus. Here the corpus is cut into partitions of
consecutive documents, and two passes run over them in corpus order:

1. **Sums.** Each partition is tokenised (one lookup of the token cache for the whole corpus, which
   holds the encoded tokens, a few bytes per token; documents not in the cache are segmented first,
   as Dask tasks with a Dask engine), turned into a small DTM, and added into running per-group sums: each term's count
   and the number of documents containing it per group, the documents and tokens per group. Sums of
   integers are exact, so they do not depend on how the corpus was cut nor on the engine. The
   partition's sparse counts (int32 term ids and counts, no strings) are spilled to a temporary folder
   and the partition is dropped. TF-IDF group profiles (the IDF is learned from the document
   frequencies), similarity, counts, ranks, rates and the keyness tests (G², Log Ratio, log-odds) need
   these sums only.
2. **Per-document statistics.** Gries' DP (frequency and keyness) and the bootstrap intervals of the
   frequency table resample or compare *documents*, so they read the spilled partitions back, in
   order. DP is a sum over documents: it is accumulated partition by partition in document order,
   with the running sum carried in front of the next partition's terms, so every floating-point
   addition happens in the same order as over the whole matrix and the CSVs are byte-identical to the
   whole-matrix path (``analysis.stats.frequency``, ``keyness``). The bootstrap needs, for each group,
   its documents' counts of the group's top terms: only those cells are kept.

Memory, beyond the corpus table itself (the ``stats`` command holds its document variables only: the
texts are an ``analysis.engine.texts.CorpusTexts`` read a partition at a time by the tokenizer and the
slogan counts, and only for the documents their caches do not know; a DataFrame with ``text`` is held
whole): the encoded tokens of the corpus (int codes from the token cache, a few bytes per token); one
partition's token lists and DTM; the sums, groups × vocabulary (twice: counts and document
frequencies, sparse); per document only its group codes and token total; for DP, two floats per
(comparison side × tested term) in keyness (groups × 2 sides × tested terms, dense) and per selected
(group, term) cell in frequency; for the bootstrap, the stored counts of the selected top terms
(about documents × ``top_n`` at most) plus the bootstrap's own n_boot × group documents weights.
Disk: the spilled partitions, about 8 bytes per (document, distinct term), in ``<cache>/spill/``
(removed when the command ends).
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis.dtm import DTM, TOKENS_COLUMN, _indicator
from analysis.engine.texts import PARTITION_DOCS  # per partition: its text, tokens and DTM are held
from analysis.errors import AnalysisError

__all__ = ["PARTITION_DOCS", "Streamed", "stream_corpus"]


# ------------------------------------------------------------------------------------------- sums
class _Adder:
    """Adds (group, term id) -> (count, documents) entries into one sparse groups x terms table."""

    def __init__(self, n_groups: int) -> None:
        self.n_groups = n_groups
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, codes: np.ndarray, counts: sp.csr_matrix) -> None:
        """Add the rows of ``counts`` (documents x term ids) to their groups ``codes`` (-1: none)."""
        inside = np.flatnonzero(codes >= 0)
        if not len(inside):
            return
        sub = counts[inside]
        indicator = _indicator(codes[inside], self.n_groups, len(inside))
        present = sub.copy()
        present.data = np.ones_like(present.data)
        c = sp.coo_matrix(indicator @ sub)
        d = sp.csr_matrix(indicator @ present)
        if c.nnz:
            self.parts.append(
                (c.row.astype(np.int64), c.col.astype(np.int64), c.data.astype(np.int64),
                 np.asarray(d[c.row, c.col]).ravel().astype(np.int64))
            )  # fmt: skip
        if len(self.parts) > 8:
            self._compact(int(max(p[1].max() for p in self.parts)) + 1)

    def _compact(self, n_terms: int) -> None:
        if len(self.parts) <= 1:
            return
        g = np.concatenate([p[0] for p in self.parts])
        t = np.concatenate([p[1] for p in self.parts])
        shape = (self.n_groups, n_terms)
        counts = sp.csr_matrix((np.concatenate([p[2] for p in self.parts]), (g, t)), shape=shape)
        docs = sp.csr_matrix((np.concatenate([p[3] for p in self.parts]), (g, t)), shape=shape)
        counts.sum_duplicates()
        docs.sum_duplicates()
        c = counts.tocoo()
        self.parts = [(c.row.astype(np.int64), c.col.astype(np.int64), c.data, np.asarray(docs[c.row, c.col]).ravel())]

    def tables(self, rank: np.ndarray) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """(counts, documents) as groups x features CSR, term ids mapped to sorted positions ``rank``."""
        shape = (self.n_groups, len(rank))
        if not self.parts:
            empty = sp.csr_matrix(shape, dtype=np.int64)
            return empty, empty.copy()
        self._compact(len(rank))
        g, t, c, d = self.parts[0]
        counts = sp.csr_matrix((c, (g, rank[t])), shape=shape)
        docs = sp.csr_matrix((d, (g, rank[t])), shape=shape)
        for m in (counts, docs):
            m.sum_duplicates()
            m.sort_indices()
        return counts, docs


@dataclass
class Grouping:
    """The documents of one grouping: group code per corpus row (-1: left out), group docvars as
    ``DTM.group_codes`` gives them, and the summed tables (groups x features)."""

    cols: list[str]
    codes: np.ndarray
    gv: pd.DataFrame
    counts: sp.csr_matrix = field(default_factory=lambda: sp.csr_matrix((0, 0), dtype=np.int64))
    docs: sp.csr_matrix = field(default_factory=lambda: sp.csr_matrix((0, 0), dtype=np.int64))

    @property
    def labels(self) -> np.ndarray:
        return self.gv["group"].to_numpy(dtype=object)

    @property
    def n_groups(self) -> int:
        return len(self.gv)


@dataclass
class Streamed:
    """What pass 1 leaves: the features (sorted), every document's token total, the groupings' sums
    and the spilled partitions (read back with :meth:`rows`)."""

    features: np.ndarray
    n_tokens: np.ndarray
    groupings: dict[str, Grouping]
    parts: list[tuple[Path, int, int]]
    rank: np.ndarray
    folder: Path | None

    @property
    def n_docs(self) -> int:
        return len(self.n_tokens)

    def rows(self) -> Iterator[tuple[int, sp.csr_matrix]]:
        """(first corpus row, documents x features CSR of counts) per partition, in corpus order."""
        n_features = len(self.features)
        for path, start, stop in self.parts:
            with np.load(path) as z:
                indptr, indices, data = z["indptr"], z["indices"], z["data"]
            m = sp.csr_matrix(
                (data.astype(np.int64), self.rank[indices].astype(np.int64), indptr), shape=(stop - start, n_features)
            )
            m.sort_indices()
            yield start, m

    def close(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def __enter__(self) -> Streamed:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _docvars(corpus: pd.DataFrame, n_tokens: np.ndarray | None = None) -> pd.DataFrame:
    docvars = corpus.drop(columns=["text"], errors="ignore").reset_index(drop=True)
    docvars[TOKENS_COLUMN] = np.zeros(len(docvars), dtype=np.int64) if n_tokens is None else n_tokens
    return docvars


def _codes(docvars: pd.DataFrame, cols: list[str], keep: np.ndarray | None) -> tuple[np.ndarray, pd.DataFrame]:
    """Group code per row (-1 outside ``keep``) and the group docvars, exactly as ``DTM.group_codes``
    on the (subset) document-level DTM."""
    rows = np.arange(len(docvars)) if keep is None else np.flatnonzero(keep)
    sub = docvars.iloc[rows]
    holder = DTM(sp.csr_matrix((len(sub), 0), dtype=np.int64), np.array([], dtype=object), sub)
    codes, gv = holder.group_codes(cols)
    out = np.full(len(docvars), -1, dtype=np.int64)
    out[rows] = codes
    return out, gv


class _NoBar:
    def update(self, n: int) -> None:
        pass


@contextlib.contextmanager
def _bar(total: int, progress: bool) -> Iterator[Any]:
    """A tqdm bar over the documents, or nothing (tqdm not even imported) without ``progress``."""
    if not progress:
        yield _NoBar()
        return
    from tqdm import tqdm

    with tqdm(total=total, desc="stats", unit="doc", file=sys.stderr) as bar:
        yield bar


def stream_corpus(
    corpus: pd.DataFrame,
    groupings: dict[str, tuple[list[str], np.ndarray | None]],
    *,
    engine: Any = None,
    tokenizer: Any = None,
    partition_docs: int = PARTITION_DOCS,
    progress: bool = False,
    spill_dir: str | Path | None = None,
    texts: Any = None,
) -> Streamed:
    """Pass 1 over ``corpus``: sums per group for every grouping ``{name: (columns, rows kept or None)}``
    and the spilled partitions. Close the result (or use it as a context) to remove the spill folder.
    ``texts``: the corpus's texts as an ``analysis.engine.texts.CorpusTexts`` (``corpus`` then has no
    ``text`` column; see ``analysis.tokens.tokenize_parts``)."""
    from analysis.dtm import dtm as build_dtm
    from analysis.tokens import tokenize_parts

    if partition_docs < 1:
        raise AnalysisError(f"partition_docs must be at least 1, got {partition_docs}")
    docvars = _docvars(corpus)
    made = {name: (cols, *_codes(docvars, cols, keep)) for name, (cols, keep) in groupings.items()}
    adders = {name: _Adder(len(gv)) for name, (_, _, gv) in made.items()}
    n = len(corpus)
    n_tokens = np.zeros(n, dtype=np.int64)
    vocab: dict[str, int] = {}
    from analysis import config

    # under the cache folder by default: derived data on disk (a tmpfs /tmp would hold the spill in memory)
    base = Path(spill_dir) if spill_dir is not None else Path(config.CACHE_DIR) / "spill"
    base.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="textlab-stats-", dir=base))
    parts: list[tuple[Path, int, int]] = []
    try:
        parts_of_tokens = tokenize_parts(
            corpus, partition_docs, tokenizer, progress=progress, engine=engine, texts=texts
        )
        with _bar(n, progress) as bar:
            for start, tokens in zip(range(0, n, partition_docs), parts_of_tokens, strict=True):
                stop = min(n, start + partition_docs)
                m = build_dtm(tokens, cache=False)  # one partition: not worth a cache file
                del tokens
                n_tokens[start:stop] = m.n_tokens
                ids = np.fromiter((vocab.setdefault(t, len(vocab)) for t in m.features), dtype=np.int64,
                                  count=len(m.features))  # fmt: skip
                local = m.counts
                counts = sp.csr_matrix((local.data, ids[local.indices], local.indptr), shape=(stop - start, len(vocab)))
                for name, (_, codes, _) in made.items():
                    adders[name].add(codes[start:stop], counts)
                path = folder / f"part-{len(parts):06d}.npz"
                np.savez(path, indptr=local.indptr.astype(np.int64), indices=ids[local.indices].astype(np.int32),
                         data=local.data.astype(np.int32))  # fmt: skip
                parts.append((path, start, stop))
                bar.update(stop - start)
        terms = np.empty(len(vocab), dtype=object)
        terms[:] = list(vocab)
        order = np.argsort(terms, kind="stable")  # code point order, as the DTM's factorize(sort=True)
        rank = np.empty(len(terms), dtype=np.int64)
        rank[order] = np.arange(len(terms))
        docvars[TOKENS_COLUMN] = n_tokens
        out: dict[str, Grouping] = {}
        for name, (cols, codes, _) in made.items():
            keep = groupings[name][1]
            _, gv = _codes(docvars, cols, keep)  # again, now with the token totals
            grouping = Grouping(cols, codes, gv)
            grouping.counts, grouping.docs = adders[name].tables(rank)
            out[name] = grouping
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Streamed(terms[order], n_tokens, out, parts, rank, folder)


# ------------------------------------------------------------------------------ pass 2: documents
class _Accumulator:
    """Sums over documents carried across partitions, added in entry order (``np.add.at`` adds one entry
    after another, so the sums are those of one ``np.bincount`` over the entries of every partition)."""

    def __init__(self, n_bins: int) -> None:
        self.n = n_bins
        self.dev = np.zeros(n_bins)
        self.covered = np.zeros(n_bins)

    def add(self, bins: np.ndarray, dev: np.ndarray, covered: np.ndarray) -> None:
        if not len(bins):
            return
        np.add.at(self.dev, bins, dev)
        np.add.at(self.covered, bins, covered)

    def dp(self) -> np.ndarray:
        return 0.5 * (self.dev + np.maximum(1.0 - self.covered, 0.0))


@dataclass
class SideRequest:
    """DP of the ``terms`` (sorted feature positions) over the documents where ``member`` is True, as
    ``analysis.stats.dispersion.dispersion_over`` computes it; ``term_totals`` are the terms' counts
    over those documents (exact sums)."""

    member: np.ndarray
    terms: np.ndarray
    term_totals: np.ndarray
    total: float = 0.0
    acc: _Accumulator | None = None


def side_dispersion(streamed: Streamed, requests: Sequence[SideRequest]) -> list[np.ndarray]:
    """DP per request (NaN for a term with no occurrence on that side), in one pass over the partitions.

    Requests that test the same terms (the two sides of a comparison) share one lookup of the partition's
    entries: a table from feature to the term's position, not a binary search per entry and side (with
    many groups, every entry of the corpus is looked up once per side)."""
    sizes = streamed.n_tokens.astype(np.float64)
    n_features = len(streamed.features)
    shared: dict[int, tuple[np.ndarray, list[SideRequest]]] = {}  # id(terms) -> (feature -> bin, requests)
    for r in requests:
        r.total = float(sizes[r.member].sum())
        r.acc = _Accumulator(len(r.terms))
        if not len(r.terms):
            continue
        key = id(r.terms)
        if key not in shared:
            lut = np.full(max(n_features, int(r.terms.max()) + 1), -1, dtype=np.int64)
            order = np.arange(len(r.terms), dtype=np.int64)
            lut[r.terms[::-1]] = order[::-1]  # a repeated term: its first position, as searchsorted gives
            shared[key] = (lut, [])
        shared[key][1].append(r)
    if shared:
        for start, m in streamed.rows():
            coo = m.tocoo()
            keep = coo.data > 0
            rows = coo.row[keep].astype(np.int64) + start
            cols = coo.col[keep].astype(np.int64)
            data = coo.data[keep].astype(np.float64)
            for lut, same in shared.values():
                bins = lut[cols]
                hit = bins >= 0
                if not hit.any():
                    continue
                h_rows, h_bins, h_data = rows[hit], bins[hit], data[hit]
                for r in same:
                    inside = r.member[h_rows]
                    if not inside.any():
                        continue
                    b = h_bins[inside]
                    share = (sizes[h_rows[inside]] / r.total) if r.total > 0 else np.zeros(len(b))
                    with np.errstate(divide="ignore", invalid="ignore"):
                        v = h_data[inside] / r.term_totals[b]
                    assert r.acc is not None
                    r.acc.add(b, np.abs(v - share), share)
    out = []
    for r in requests:
        assert r.acc is not None
        dp = r.acc.dp()
        dp[np.asarray(r.term_totals) == 0] = np.nan
        out.append(np.clip(dp, 0.0, 1.0))
        r.acc = None
    return out


def cell_entries(
    streamed: Streamed, codes: np.ndarray, keys: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every stored (document, cell, count) of the (group, term) cells ``keys`` (group * n_features +
    term, sorted), in document order: the documents' counts of the selected cells only."""
    n_features = np.int64(len(streamed.features))
    rows_out, cells_out, data_out = [], [], []
    for start, m in streamed.rows():
        coo = m.tocoo()
        keep = coo.data > 0
        rows = coo.row[keep].astype(np.int64) + start
        g = codes[rows]
        inside = g >= 0
        rows, cols, data = rows[inside], coo.col[keep][inside].astype(np.int64), coo.data[keep][inside]
        k = g[inside] * n_features + cols
        pos = np.searchsorted(keys, k)
        hit = pos < len(keys)
        hit[hit] = keys[pos[hit]] == k[hit]
        rows_out.append(rows[hit])
        cells_out.append(pos[hit])
        data_out.append(data[hit].astype(np.int64))
    if not rows_out:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(rows_out), np.concatenate(cells_out), np.concatenate(data_out)


# ----------------------------------------------------------------------------------------- tables
def _group_tokens(streamed: Streamed, grouping: Grouping) -> np.ndarray:
    inside = grouping.codes >= 0
    return np.bincount(
        grouping.codes[inside], weights=streamed.n_tokens[inside].astype(np.float64), minlength=grouping.n_groups
    )


def frequency_table(
    streamed: Streamed, grouping: Grouping, *, top_n: int | None, ci: float | None = 0.95,
    n_boot: int = 1000, seed: int = 0, thin_docs: int | None = 3,
) -> pd.DataFrame:  # fmt: skip
    """``analysis.stats.frequency.frequency(dtm, by, top_n)`` from the sums; DP and the bootstrap
    intervals from the documents' counts of the selected cells only (see the module docstring)."""
    from analysis.stats.frequency import _coords, _term_keys, rank_within_groups, table_of_cells

    if top_n is not None and top_n < 1:
        raise AnalysisError(f"top_n must be a positive integer or None, got {top_n}")
    labels, codes = grouping.labels, grouping.codes
    counts, doc_freq = grouping.counts, grouping.docs
    rows, cols = _coords(counts)
    group_docs = np.bincount(codes[codes >= 0], minlength=len(labels)).astype(np.int64)
    group_tokens = _group_tokens(streamed, grouping)
    values = counts.data
    sel, rank = rank_within_groups(rows, values, _term_keys(streamed.features)[cols], top_n)
    rows, cols, values = rows[sel], cols[sel], values[sel]
    # DP and the bootstrap of the selected cells, from the documents' counts of these cells
    n_features = np.int64(len(streamed.features))
    keys = rows * n_features + cols
    key_order = np.argsort(keys, kind="stable")
    doc, cell, data = cell_entries(streamed, codes, keys[key_order])
    cell = key_order[cell]  # position in the output
    sizes = streamed.n_tokens.astype(np.float64)
    g = rows[cell]
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(group_tokens[g] > 0, sizes[doc] / group_tokens[g], 0.0)
    v = data.astype(np.float64) / values[cell]
    dev = np.bincount(cell, weights=np.abs(v - s), minlength=len(sel))
    covered = np.bincount(cell, weights=s, minlength=len(sel))
    dp = np.clip(0.5 * (dev + np.maximum(1.0 - covered, 0.0)), 0.0, 1.0)

    def cell_counts(docs: np.ndarray, at: np.ndarray) -> sp.csr_matrix:
        col_of = np.full(len(sel), -1, dtype=np.int64)
        col_of[at] = np.arange(len(at))
        mine = col_of[cell] >= 0
        return sp.csr_matrix(
            (data[mine], (np.searchsorted(docs, doc[mine]), col_of[cell[mine]])), shape=(len(docs), len(at))
        )

    return table_of_cells(
        labels, streamed.features[cols], rows, values, doc_freq.data[sel], rank, dp, group_docs, group_tokens,
        codes=codes, n_tokens=streamed.n_tokens, cell_counts=cell_counts,
        ci=ci, n_boot=n_boot, seed=seed, thin_docs=thin_docs,
    )  # fmt: skip


def tfidf_rows(streamed: Streamed, grouping: Grouping, *, sublinear_tf: bool = False) -> tuple[sp.csr_matrix, sp.csr_matrix, np.ndarray]:
    """``analysis.stats.tfidf.tfidf_matrix(dtm, by)`` from the sums: the IDF over every document of the
    corpus (``grouping`` must cover them all), applied to the grouped counts."""
    from analysis.stats.frequency import _clean

    if streamed.n_docs == 0:
        raise AnalysisError("TF-IDF needs at least one document")
    from analysis.stats.tfidf import _Idf

    doc_freq = np.asarray(grouping.docs.sum(axis=0)).ravel()
    transformer = _Idf.from_doc_freq(doc_freq, streamed.n_docs, sublinear_tf)
    counts = _clean(grouping.counts)
    return sp.csr_matrix(transformer.transform(counts)), counts, grouping.labels


def tfidf_table(streamed: Streamed, grouping: Grouping, *, top_n: int | None) -> pd.DataFrame:
    """``analysis.stats.tfidf.tfidf_profile(dtm, by, top_n)`` from the sums."""
    from analysis.stats.tfidf import profile_from

    return profile_from(*tfidf_rows(streamed, grouping), streamed.features, top_n)


def similarity_table(streamed: Streamed, grouping: Grouping) -> pd.DataFrame:
    """``analysis.stats.similarity.similarity(dtm, by)`` (TF-IDF weighting) from the sums."""
    from analysis.stats.similarity import cosine_table

    weights, _, labels = tfidf_rows(streamed, grouping)
    return cosine_table(weights, labels)


class _StreamedSides:
    """The documents' side of keyness (``analysis.stats.keyness.Sides``) from the sums and pass 2."""

    def __init__(self, streamed: Streamed, grouping: Grouping) -> None:
        self.streamed = streamed
        self.grouping = grouping

    def docs(self, t: int, r: int | None) -> tuple[np.ndarray, np.ndarray]:
        d = self.grouping.docs
        target = np.asarray(d[t].toarray()).ravel()
        if r is None:
            reference = np.asarray(d.sum(axis=0)).ravel() - target
        else:
            reference = np.asarray(d[r].toarray()).ravel()
        return target.astype(np.int64), reference.astype(np.int64)

    def dispersion(self, requests: list[tuple[int, int | None, np.ndarray, np.ndarray, np.ndarray]]) -> list[tuple[np.ndarray, np.ndarray]]:
        """(dp_target, dp_reference) of the tested terms per (t, r, tested, a, b) request."""
        codes = self.grouping.codes
        sides = []
        for t, r, tested, a, b in requests:
            in_t = codes == t
            in_r = (codes >= 0) & ~in_t if r is None else codes == r
            sides += [SideRequest(in_t, tested, a), SideRequest(in_r, tested, b)]
        dps = side_dispersion(self.streamed, sides)
        return [(dps[2 * i], dps[2 * i + 1]) for i in range(len(requests))]


def keyness_sides(streamed: Streamed, grouping: Grouping) -> Any:
    return _StreamedSides(streamed, grouping)


# ------------------------------------------------------------------------------------ write_stats
class _TokenCounts:
    """What ``slogan_profile`` reads of the tokens: each document's token count (``len(docs[i])``)."""

    def __init__(self, n_tokens: np.ndarray, docvars: pd.DataFrame) -> None:
        self.docs = [range(int(n)) for n in n_tokens]
        self.docvars = docvars


def stats_tables(
    corpus: pd.DataFrame,
    *,
    by: Sequence[str],
    target: str | None,
    reference: str | None,
    top_n: int,
    min_count: int,
    family: str,
    progress: bool,
    engine: Any,
    partition_docs: int = PARTITION_DOCS,
    texts: Any = None,
) -> tuple[Streamed, dict[str, tuple[Callable[[], pd.DataFrame], bool, list[str]]]]:
    """The tables of ``write_stats`` ({file name: (compute, index, header if empty)}) computed from
    per-partition sums; the caller closes the returned :class:`Streamed` when done. ``texts``: an
    ``analysis.engine.texts.CorpusTexts`` holding the texts of ``corpus`` (which then has no ``text``
    column): they are read a partition at a time, by the tokenizer and the slogan counts."""
    from analysis.dtm import _is_missing, as_columns
    from analysis.stats.keyness import KEYNESS_COLUMNS, keyness_from, year_over_year_from
    from analysis.stats.slogans import slogan_profile

    missing_cols = [c for c in ("doc_id", "text") if c not in corpus.columns and (c != "text" or texts is None)]
    if missing_cols:
        raise AnalysisError(f"corpus table lacks column(s) {missing_cols}; build it with analysis.load_corpus")
    by_arg: str | list[str] = by[0] if len(by) == 1 else list(by)
    cols = as_columns(by_arg)
    groupings: dict[str, tuple[list[str], np.ndarray | None]] = {"by": (cols, None)}
    within = None
    if "year" in by:
        within = next((b for b in by if b != "year"), None)
        yoy_cols = ["year"] if within is None else [within, "year"]
        missing = [c for c in yoy_cols if c not in corpus.columns]
        if not missing:
            keep = np.ones(len(corpus), dtype=bool)
            for c in yoy_cols:
                keep &= ~_is_missing(corpus[c].reset_index(drop=True))
            groupings["yoy"] = (yoy_cols, keep)
    missing_by = [c for c in cols if c not in corpus.columns]
    if missing_by:
        raise AnalysisError(
            f"cannot group by {missing_by}: not a docvar (docvars are {[c for c in corpus.columns if c != 'text']})"
        )
    from analysis.stats._slogan_cache import scan_ahead

    # the counts of slogans.csv, scanned in the background meanwhile (a CorpusTexts is read by the workers)
    scan_ahead(corpus["text"] if texts is None else texts, engine=engine)
    streamed = stream_corpus(
        corpus, groupings, engine=engine, partition_docs=partition_docs, progress=progress, texts=texts
    )
    g = streamed.groupings["by"]
    docvars = _docvars(corpus, streamed.n_tokens)
    tables: dict[str, tuple[Callable[[], pd.DataFrame], bool, list[str]]] = {
        "frequency.csv": (lambda: frequency_table(streamed, g, top_n=top_n), False, []),
        "tfidf.csv": (lambda: tfidf_table(streamed, g, top_n=top_n), False, []),
        "slogans.csv": (
            lambda: slogan_profile(corpus, _TokenCounts(streamed.n_tokens, docvars), by=by_arg, texts=texts),
            False,
            [],
        ),
        "keyness.csv": (
            lambda: keyness_from(
                streamed.features, g.counts, g.gv, keyness_sides(streamed, g), by=by_arg, target=target,
                reference=reference, min_count=min_count, family=family,
            ),
            False,
            KEYNESS_COLUMNS,
        ),
        "similarity.csv": (lambda: similarity_table(streamed, g), True, []),
    }
    if "year" in by:

        def yoy() -> pd.DataFrame:
            if "yoy" not in streamed.groupings:
                from analysis.stats.keyness import year_over_year

                # a grouping column is missing: the whole-matrix function says which, with no matrix
                return year_over_year(DTM(sp.csr_matrix((0, 0), dtype=np.int64), np.array([], dtype=object), docvars.iloc[:0]),
                                      within=within, min_count=min_count, family=family)  # fmt: skip
            y = streamed.groupings["yoy"]
            return year_over_year_from(
                streamed.features, y, keyness_sides(streamed, y), within=within, n_docs=streamed.n_docs,
                min_count=min_count, family=family,
            )

        tables["year_over_year.csv"] = (yoy, False, KEYNESS_COLUMNS)
    return streamed, tables
