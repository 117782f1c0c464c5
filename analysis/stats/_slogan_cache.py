"""Per-document slogan counts, cached on disk by document text and computed in parallel when new.

``slogan_counts`` scans every text with the extraction rules of ``analysis.stats.slogans``; the rows of
one document (slogan, kind, count, count_standalone) depend only on its text, the lexicon's terms, the
``split_compound`` option and the rules themselves. They are kept under
``<cache_dir>/slogans/<key[:16]>/`` (``analysis._shards``: Arrow IPC shards with a checksum in their
name, atomic writes, a damaged shard set aside with a warning and recomputed, never pickle), where the
key is the sha256 of the lexicon terms, the option, the Unicode version and the source code of the
extraction module (any edit of the rules is a new key). Columns of a shard::

    content_hash       string                              sha256 of the document text (UTF-8)
    slogan             large_list<dictionary<int32, string>>
    kind               large_list<int8>                    index into slogans.KINDS
    count              large_list<int64>
    count_standalone   large_list<int64>                   (the four lists of a row have equal lengths)

A run over unchanged documents reads the rows back and scans no text.

``scan_ahead`` starts scanning the documents the cache lacks in background worker processes (one core
fewer than ``n_jobs``: the calling process keeps one) and returns at once: the ``stats`` command calls
it once the corpus is tokenized, so the scan runs on the core its statistics leave idle, and
``slogan_rows`` later takes the rows from there (scanning the chunks no worker has started itself).

``warm`` fills the cache for an ingested ``corpus.parquet`` in a process of its own (the report runner
starts it on the core its one notebook kernel leaves idle). While it runs it holds an exclusive lock on
``<store>/warming.lock``; a ``slogan_rows`` that lacks documents waits for that lock, then reads what
the warm-up wrote, instead of scanning the same texts again.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import sys
import unicodedata
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from analysis import _io, _memo, config

_FORMAT = 1
# Below this much new text (characters) the rows are not worth a shard: scanning them again is cheaper.
_WRITE_MIN_CHARS = 20_000
# Below this much new text worker processes cost more than they save (the scan runs ~1.5 M chars/s).
_PARALLEL_MIN_CHARS = 1_500_000
_CHUNK_CHARS = 400_000


def _rules_digest() -> str:
    from analysis import _io
    from analysis.stats import slogans

    return _io.source_digest(slogans.__file__)


def cache_key(lex: Any, split_compound: bool) -> str:
    """sha256 naming everything a document's rows depend on besides its text."""
    spec = {
        "format": _FORMAT,
        "rules": _rules_digest(),
        "unicode": unicodedata.unidata_version,
        "python": list(sys.version_info[:2]),
        "split_compound": bool(split_compound),
        "terms": sorted(lex.terms),
    }
    return hashlib.sha256(json.dumps(spec, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _schema() -> Any:
    import pyarrow as pa

    return pa.schema(
        [
            ("content_hash", pa.string()),
            ("slogan", pa.large_list(pa.dictionary(pa.int32(), pa.string()))),
            ("kind", pa.large_list(pa.int8())),
            ("count", pa.large_list(pa.int64())),
            ("count_standalone", pa.large_list(pa.int64())),
        ]
    )


@functools.lru_cache(maxsize=1)
def _hash_re() -> Any:
    import re

    return re.compile(r"[0-9a-f]{64}")


def _parse(table: Any) -> tuple[list[str], _Flat]:
    """(content hashes, flattened rows) of a shard table; ValueError unless it is well-formed (after
    Arrow's own full validation)."""
    from analysis.stats.slogans import KINDS

    if not table.schema.remove_metadata().equals(_schema()):
        raise ValueError(f"unexpected schema {table.schema.remove_metadata()}")
    if any(table.column(c).null_count for c in table.column_names):
        raise ValueError("null values")
    hashes = table.column("content_hash").to_pylist()
    if not all(_hash_re().fullmatch(h) for h in hashes):
        raise ValueError("a content hash is not 64 hex digits")
    flat = _flatten(table)
    if flat is None:
        raise ValueError("malformed lists (lengths differ within a row, or slogan codes out of range)")
    kinds, counts, alone = flat.kind, flat.count, flat.alone
    if len(hashes) != len(flat.offsets) - 1:
        raise ValueError("columns of different lengths")
    if len(kinds) and (kinds.min() < 0 or kinds.max() >= len(KINDS)):
        raise ValueError("kind codes out of range")
    if (alone < 0).any() or (counts < alone).any():
        raise ValueError("count below count_standalone")
    return hashes, flat


class _Flat(NamedTuple):
    """The rows of a shard, flattened: document ``r`` owns rows ``offsets[r]:offsets[r + 1]``; a row's
    slogan is ``vocab[codes[row]]`` (the vocabulary may repeat a string: one per Arrow batch)."""

    offsets: np.ndarray
    codes: np.ndarray
    vocab: np.ndarray
    kind: np.ndarray
    count: np.ndarray
    alone: np.ndarray

    def slogans(self) -> np.ndarray:
        return self.vocab[self.codes] if len(self.codes) else np.zeros(0, dtype=object)


def _flatten(table: Any) -> _Flat | None:
    """The rows of a shard table (see ``_Flat``), or None when the four list columns do not share their
    offsets or a slogan code is out of range."""
    parts: dict[str, list[np.ndarray]] = {c: [] for c in ("offsets", "codes", "vocab", "kind", "count", "count_standalone")}
    base = 0
    vocab_base = 0
    for batch in table.to_batches():
        offsets = None
        for col in ("slogan", "kind", "count", "count_standalone"):
            arr = batch.column(col)
            off = arr.offsets.to_numpy().astype(np.int64)
            values = arr.values.slice(int(off[0]), int(off[-1] - off[0]))
            off = off - off[0]
            if offsets is None:
                offsets = off
            elif not np.array_equal(off, offsets):
                return None
            if col == "slogan":
                vocab = values.dictionary.to_numpy(zero_copy_only=False).astype(object, copy=False)
                codes = values.indices.to_numpy(zero_copy_only=False).astype(np.int64)
                if len(codes) and (codes.min() < 0 or codes.max() >= len(vocab)):
                    return None
                parts["codes"].append(codes + vocab_base)
                parts["vocab"].append(vocab)
                vocab_base += len(vocab)
            else:
                parts[col].append(values.to_numpy(zero_copy_only=False))
        assert offsets is not None
        parts["offsets"].append(offsets[:-1] + base if len(offsets) > 1 else np.zeros(0, dtype=np.int64))
        base += int(offsets[-1])
    cat = {k: (np.concatenate(v) if v else np.zeros(0)) for k, v in parts.items()}
    return _Flat(
        np.append(cat["offsets"].astype(np.int64), np.int64(base)),
        cat["codes"].astype(np.int64, copy=False),
        cat["vocab"].astype(object, copy=False),
        cat["kind"].astype(np.int8, copy=False),
        cat["count"].astype(np.int64, copy=False),
        cat["count_standalone"].astype(np.int64, copy=False),
    )


def _table(hashes: Sequence[str], rows: Sequence[Sequence[tuple[str, str, int, int]]]) -> Any:
    """A shard table from per-document rows."""
    import pyarrow as pa

    from analysis.stats.slogans import KINDS

    kind_code = {k: i for i, k in enumerate(KINDS)}
    lengths = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
    offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    flat = [row for doc in rows for row in doc]
    slogans = pd.factorize(np.array([r[0] for r in flat], dtype=object)) if flat else (np.zeros(0, np.int64), [])
    codes, vocab = slogans
    off = pa.array(offsets, type=pa.int64())

    def lists(values: Any) -> Any:
        return pa.LargeListArray.from_arrays(off, values)

    return pa.table(
        {
            "content_hash": pa.array(list(hashes), type=pa.string()),
            "slogan": lists(
                pa.DictionaryArray.from_arrays(
                    pa.array(np.asarray(codes, dtype=np.int32), type=pa.int32()),
                    pa.array(list(vocab), type=pa.string()),
                )
            ),
            "kind": lists(pa.array(np.array([kind_code[r[1]] for r in flat], dtype=np.int8), type=pa.int8())),
            "count": lists(pa.array(np.array([r[2] for r in flat], dtype=np.int64), type=pa.int64())),
            "count_standalone": lists(pa.array(np.array([r[3] for r in flat], dtype=np.int64), type=pa.int64())),
        },
        schema=_schema(),
    )


def _joined(tables: list[Any]) -> Any:
    """One shard table of the rows of ``tables`` in order, with one slogan dictionary (an IPC file holds
    one per column): the table ``_table`` makes of all their rows at once."""
    import pyarrow as pa

    tables = [t for t in tables if t.num_rows] or tables[:1]
    return tables[0] if len(tables) == 1 else pa.concat_tables(tables).combine_chunks()


# ------------------------------------------------------------------------------------------ scanning
@functools.lru_cache(maxsize=4)
def _worker_lexicon(terms: tuple[str, ...]) -> Any:
    from analysis.stats.slogans import _Lexicon

    return _Lexicon(terms)


def _scan_chunk(terms: tuple[str, ...], split_compound: bool, texts: Any) -> list[list[tuple[str, str, int, int]]]:
    """Rows of every text of ``texts``: a list of texts, or a source of texts (see ``scan_ahead``)."""
    return _part_rows(texts, _worker_lexicon(terms), split_compound)


def _part_rows(texts: Any, lex: Any, split_compound: bool) -> list[list[tuple[str, str, int, int]]]:
    """Rows of a list of texts, or of every document of a source (in the order of its ``hashes``, each
    hash once), whose texts are read here a part at a time."""
    from analysis.stats.slogans import _doc_rows

    if isinstance(texts, list):
        return [_doc_rows(t, lex, split_compound) for t in texts]
    found: dict[str, list[tuple[str, str, int, int]]] = {}
    for hashes, part in texts.batches(set(texts.hashes)):
        found.update((h, _doc_rows(t, lex, split_compound)) for h, t in zip(hashes, part, strict=True))
    return [found[h] for h in texts.hashes]


def _is_source(texts: Any) -> bool:
    """A source of texts read a part at a time (``analysis.engine.texts.CorpusTexts``): content hashes,
    ``select(positions)`` and ``batches(wanted hashes)``; picklable, so worker processes read it themselves."""
    return all(hasattr(texts, a) for a in ("hashes", "select", "batches")) and not isinstance(texts, (list, pd.Series))


def _scan(
    texts: list[str], lex: Any, split_compound: bool, parallel: bool = True
) -> list[list[tuple[str, str, int, int]]]:
    """Rows of every text: in worker processes (as the tokenizer's) when there is enough text, unless
    not ``parallel``."""
    from analysis.stats.slogans import _doc_rows

    total = sum(len(t) for t in texts)
    n_jobs = config.n_jobs_default() if parallel else 1
    if n_jobs < 2 or total < _PARALLEL_MIN_CHARS or len(texts) < 2:
        return [_doc_rows(t, lex, split_compound) for t in texts]
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from analysis._proc import mp_context as _mp_context

    chunks: list[list[int]] = []
    current: list[int] = []
    size = 0
    for i, t in enumerate(texts):
        current.append(i)
        size += len(t)
        if size >= _CHUNK_CHARS:
            chunks.append(current)
            current, size = [], 0
    if current:
        chunks.append(current)
    terms = tuple(sorted(lex.terms))
    out: list[list[tuple[str, str, int, int]]] = [[] for _ in texts]
    try:
        with ProcessPoolExecutor(max_workers=min(n_jobs, len(chunks)), mp_context=_mp_context()) as pool:
            futures = [pool.submit(_scan_chunk, terms, split_compound, [texts[i] for i in idx]) for idx in chunks]
            for idx, future in zip(chunks, futures, strict=True):
                for i, rows in zip(idx, future.result(), strict=True):
                    out[i] = rows
    except (BrokenProcessPool, OSError):  # no worker processes here: scan in this one
        return [_doc_rows(t, lex, split_compound) for t in texts]
    return out


# ----------------------------------------------------------------------------------- scanning ahead
_AHEAD_MIN_CHARS = 500_000  # below this a background scan saves less than its worker processes cost
_AHEAD_MIN_DOCS = 200  # the same for a source, whose texts are not read here: about as many documents
_AHEAD: dict[str, _Ahead] = {}  # cache key -> the scan running for it


class _Ahead:
    """A scan of documents in background worker processes, fed chunks of (content hashes, texts); with
    a distributed ``engine`` (``analysis.engine.dask``), as tasks of its cluster instead."""

    def __init__(self, terms: tuple[str, ...], split_compound: bool, n_jobs: int, engine: Any = None) -> None:
        self.terms, self.split_compound, self.n_jobs = terms, split_compound, n_jobs
        self.submitted: set[str] = set()
        self.engine = engine
        self.pool: Any = None
        if engine is None:
            from concurrent.futures import ProcessPoolExecutor

            from analysis._proc import mp_context as _mp_context

            self.pool = ProcessPoolExecutor(max_workers=max(1, n_jobs - 1), mp_context=_mp_context())
        self.jobs: list[tuple[list[str], list[str], Any]] = []  # (hashes, texts, future) per chunk

    def add(self, hashes: list[str], texts: list[str]) -> None:
        """Hand these texts to the workers, in chunks of about ``_CHUNK_CHARS`` characters."""
        chunk_h: list[str] = []
        chunk_t: list[str] = []
        size = 0
        for h, t in zip(hashes, texts, strict=True):
            chunk_h.append(h)
            chunk_t.append(t)
            size += len(t)
            if size >= _CHUNK_CHARS:
                self._submit(chunk_h, chunk_t)
                chunk_h, chunk_t, size = [], [], 0
        if chunk_h:
            self._submit(chunk_h, chunk_t)

    def add_source(self, source: Any, positions: list[int]) -> None:
        """Hand the documents at ``positions`` of a source to the workers, which read their texts."""
        n = max(1, -(-len(positions) // (4 * self.n_jobs)))
        for start in range(0, len(positions), n):
            part = source.select(positions[start : start + n])
            self._submit(list(part.hashes), part)

    def _submit(self, hashes: list[str], texts: Any) -> None:
        if self.engine is not None:  # after the tokenizer's tasks when both wait for a worker
            future = self.engine.submit(_scan_chunk, self.terms, self.split_compound, texts, priority=-1)
        else:
            future = self.pool.submit(_scan_chunk, self.terms, self.split_compound, texts)
        self.jobs.append((hashes, texts, future))
        self.submitted.update(hashes)

    def collect(self, lex: Any) -> tuple[dict[str, list[tuple[str, str, int, int]]], int]:
        """(content hash -> rows, characters) of every document handed over. While chunks wait for a
        worker, this process takes them one by one from the end of the queue and scans them itself; a
        chunk whose worker failed is scanned here too."""
        rows: dict[str, list[tuple[str, str, int, int]]] = {}
        chars = 0
        try:
            left = list(self.jobs)
            while left and self.engine is None:
                hashes, texts, future = left[-1]
                if not future.cancel():  # started (or done): the others before it too
                    break
                left.pop()
                rows.update(zip(hashes, _part_rows(texts, lex, self.split_compound), strict=True))
                chars += _chars(texts)
            for hashes, texts, future in left:
                try:
                    found = future.result()
                except Exception:  # any failure there (a worker died, say): scanned here instead
                    found = _part_rows(texts, lex, self.split_compound)
                rows.update(zip(hashes, found, strict=True))
                chars += _chars(texts)
        finally:
            self.close()
        return rows, chars

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        else:
            for _, _, future in self.jobs:
                with contextlib.suppress(Exception):
                    future.cancel()


def scan_ahead(
    texts: Any,
    *,
    hashes: Sequence[str] | None = None,
    lexicon: Any = None,
    split_compound: bool = True,
    engine: Any = None,
) -> bool:
    """Start scanning, in background worker processes (``n_jobs - 1`` of them), the texts the slogan cache
    lacks; the next ``slogan_rows`` with the same lexicon and option takes their rows from there instead
    of scanning. Returns at once: True if texts were handed to the background scan (not for little
    text, nor on one core).

    ``texts``: a text column, a list of texts (``hashes``: their sha256, if known), or a source read a
    part at a time such as ``analysis.engine.texts.CorpusTexts`` (content ``hashes``,
    ``select(positions)``, ``batches(wanted)``; the workers read the texts themselves, so this process
    holds none). May be called again, part by part: the parts go to the same workers.

    ``engine``: a distributed engine (``analysis.engine``) connected to a scheduler elsewhere scans as
    tasks of its cluster, whose workers read a source's texts themselves (the folder it reads from must
    be shared with them; a chunk that fails there is scanned here), so that the scan grows with the
    cluster rather than waiting on this machine. A ``LocalCluster``'s workers share this machine's cores
    with this process: there the scan stays in a background process here (measured faster on 2 cores)."""
    from analysis.engine import resolve
    from analysis.stats.slogans import _get_lexicon

    runner = resolve(engine)[0] if not isinstance(engine, str) else None
    if runner is not None and not getattr(runner, "scheduler", None):
        runner = None
    n_jobs = config.n_jobs_default() if runner is None else runner.n_workers + 1
    if n_jobs < 2 or len(texts) == 0:
        return False
    lex = _get_lexicon(lexicon)
    key = cache_key(lex, split_compound)
    source = texts if _is_source(texts) else None
    if source is not None:
        hashes = list(source.hashes)
    elif isinstance(texts, pd.Series):
        texts = texts.reset_index(drop=True)
        hashes = _text_hashes(texts) if hashes is None else list(hashes)
    else:
        texts = list(texts)
        hashes = _text_hashes(pd.Series(texts, dtype=object)) if hashes is None else list(hashes)
    if len(hashes) != len(texts):
        raise ValueError(f"{len(hashes)} hashes for {len(texts)} texts")
    ahead = _AHEAD.get(key)
    missing = dict.fromkeys(h for h in hashes if ahead is None or h not in ahead.submitted)
    store = _store(key)
    for path in reversed(store.shards()):
        if not missing:
            break
        shard = _read(store, path)
        if shard is not None:
            for h in shard[0]:
                missing.pop(h, None)
    first = {h: i for h, i in _first_positions(hashes).items() if h in missing}
    if not first:
        return False
    positions = list(first.values())
    if source is not None and ahead is None and len(positions) < _AHEAD_MIN_DOCS:
        return False
    new_texts: list[str] = []
    if source is None:
        new_texts = _texts_at(texts, positions)
        if ahead is None and sum(len(t) for t in new_texts) < _AHEAD_MIN_CHARS:
            return False  # scanned where needed: cheaper than starting workers
    try:
        if ahead is None:
            ahead = _AHEAD[key] = _Ahead(tuple(sorted(lex.terms)), split_compound, n_jobs, runner)
        if source is None:
            ahead.add(list(first), new_texts)
        else:
            ahead.add_source(source, positions)
    except OSError:  # no worker processes here: slogan_rows scans as usual
        return False
    return True


def _first_positions(hashes: Sequence[str]) -> dict[str, int]:
    """The position of each content hash's first document, in order of first occurrence."""
    first: dict[str, int] = {}
    for i, h in enumerate(hashes):
        first.setdefault(h, i)
    return first


def _texts_at(texts: pd.Series | list[Any], positions: list[int]) -> list[str]:
    """The texts at ``positions`` of a text column or list (a text that is no str: "")."""
    picked = texts.iloc[positions].tolist() if isinstance(texts, pd.Series) else [texts[i] for i in positions]
    return [t if isinstance(t, str) else "" for t in picked]


def _chars(texts: Any) -> int:
    """Characters of a list of texts; a source's are not known here: counted as worth a shard."""
    return sum(len(t) for t in texts) if isinstance(texts, list) else _WRITE_MIN_CHARS


def _ahead_rows(key: str, lex: Any, needed: bool) -> tuple[dict[str, list[tuple[str, str, int, int]]], int]:
    """The rows of the background scan for ``key`` (content hash -> rows) and the characters it scanned;
    ({}, 0) if none runs. Not ``needed`` (every document is cached): it is stopped unread."""
    ahead = _AHEAD.pop(key, None)
    if ahead is None:
        return {}, 0
    if not needed:
        ahead.close()
        return {}, 0
    return ahead.collect(lex)


def _text_hashes(texts: pd.Series) -> list[str]:
    """sha256 of every text (UTF-8; a missing text hashes as ""), as the token cache computes them."""
    from analysis.tokens import _arrow_text_hashes

    hashes = _arrow_text_hashes(texts)  # from Arrow's UTF-8 bytes when the column is Arrow-backed
    if hashes is None:
        hashes = [
            hashlib.sha256((t if isinstance(t, str) else "").encode("utf-8", "surrogatepass")).hexdigest()
            for t in texts.tolist()
        ]
    return hashes


def _store(key: str) -> Any:
    from analysis._shards import ShardStore

    return ShardStore(config.CACHE_DIR / "slogans" / key[:16], key, _parse, "slogan cache")


# Shards read and verified in this process, by (path, key, size, mtime): scan_ahead and slogan_rows of one
# run read each shard once; a file written since (replaced, damaged) is read and checked again.
_READ_MEMO: dict[tuple[str, str, int, int], Any] = {}


def _read(store: Any, path: Path) -> Any:
    try:
        st = path.stat()
    except OSError:
        return None
    memo = (str(path), store.key, st.st_size, st.st_mtime_ns)
    if memo in _READ_MEMO:
        return _READ_MEMO[memo]
    shard = store.read(path)
    if shard is not None:
        _READ_MEMO[memo] = shard
        while len(_READ_MEMO) > 10:
            del _READ_MEMO[next(iter(_READ_MEMO))]
    return shard


# ---------------------------------------------------------------------------------------------- verb
class SloganRows(NamedTuple):
    """Every document's slogan rows, in corpus order (a document's rows as ``slogans._doc_rows`` gives
    them): row ``i`` belongs to the document at position ``doc[i]`` of the texts; its slogan is
    ``vocab[codes[i]]`` (``vocab`` holds each string once) and its kind ``slogans.KINDS[kind[i]]``."""

    doc: np.ndarray
    codes: np.ndarray
    vocab: np.ndarray
    kind: np.ndarray
    count: np.ndarray
    alone: np.ndarray


def slogan_rows(
    texts: Any, lex: Any, split_compound: bool, *, wait: bool = True, parallel: bool = True, keep: bool = False
) -> SloganRows:
    """Every document's rows (see ``slogans._doc_rows``) in corpus order; a text that is no str has none.
    ``texts``: the text column (only the texts not in the cache become Python strings), or an
    ``analysis.engine.texts.CorpusTexts`` (its content hashes; the texts not in the cache are read and
    scanned a partition at a time). ``wait``: when documents are missing and a ``warm`` of this cache
    runs, wait for it and take its rows (``warm`` itself passes False). ``parallel=False``: scan in this
    process only. ``keep``: write the new rows to the cache however little text they come from."""
    from analysis._shards import MAX_SHARDS
    source = None if isinstance(texts, pd.Series) else texts
    if source is not None:
        hashes = list(source.hashes)
    else:
        texts = texts.reset_index(drop=True)
        hashes = _text_hashes(texts)
    key = cache_key(lex, split_compound)
    store = _store(key)
    # The same documents and the same shards give the same rows: a report's notebooks ask for the whole
    # corpus's rows again and again, and gathering them takes 0.5 s at 1 GB of text. (Shards are named
    # by their content; one changed in place has another modification time, and is read again.)
    documents = hashlib.sha256("\n".join(hashes).encode()).hexdigest()
    kept = _LAST_ROWS.get(_rows_key(store, key, documents))
    if kept is not None:
        return kept  # type: ignore[no-any-return]

    wanted = dict.fromkeys(hashes)
    # hash -> (source number, row); sources are the flattened shards, newest first, then the new rows
    where: dict[str, tuple[int, int]] = {}
    sources: list[_Flat] = []
    seen: set[Path] = set()

    def take_shards() -> None:
        for path in reversed(store.shards()):
            if len(where) == len(wanted):
                break
            if path in seen:
                continue
            seen.add(path)
            shard = _read(store, path)
            if shard is None:
                continue
            shard_hashes, flat = shard
            k = len(sources)
            sources.append(flat)
            for row, h in enumerate(shard_hashes):
                if h in wanted and h not in where:
                    where[h] = (k, row)

    take_shards()
    if wait and len(where) < len(wanted) and _wait_for_warm(store):
        take_shards()  # what the warm-up wrote meanwhile
    todo = [h for h in wanted if h not in where]
    early, early_chars = _ahead_rows(key, lex, bool(todo))  # what a background scan (scan_ahead) found
    todo = [h for h in todo if h not in early]
    if todo or early:
        if source is not None:  # a partition of text at a time (issue 12), and its rows made a table at
            # once: the rows of every partition as Python tuples held 1.2 GB more at 1 GB of text
            rest, todo, tables, n_chars = set(todo), [], [], 0
            for part_hashes, part_texts in source.batches(rest) if rest else ():
                todo += part_hashes
                tables.append(_table(part_hashes, _scan(part_texts, lex, split_compound, parallel)))
                n_chars += sum(len(t) for t in part_texts)
        else:
            first = _first_positions(hashes)
            new_texts = _texts_at(texts, [first[h] for h in todo])
            tables = [_table(todo, _scan(new_texts, lex, split_compound, parallel) if todo else [])]
            n_chars = sum(len(t) for t in new_texts)
        todo = todo + list(early)
        table = _joined([*tables, _table(list(early), list(early.values()))])
        if keep or n_chars + early_chars >= _WRITE_MIN_CHARS:
            store.write(table)
            if len(store.shards()) > MAX_SHARDS:
                _compact(store)
        flat = _flatten(table)
        assert flat is not None
        k = len(sources)
        sources.append(flat)
        where.update((h, (k, row)) for row, h in enumerate(todo))
    rows = _gather(hashes, where, sources)
    for array in rows:
        array.flags.writeable = False  # handed out again by the memo: nobody may change it
    _LAST_ROWS.put(_rows_key(store, key, documents), rows)  # (the shards as they are now)
    return rows


_LAST_ROWS = _memo.Last()  # the last rows slogan_rows gave, for the same documents again


def _rows_key(store: Any, key: str, documents: str) -> tuple[Any, ...] | None:
    """What the rows of the documents (digest of their hashes) from ``store`` stand for."""
    shards = _memo.identity(store.dir, named_by_content=True)
    return None if shards is None else (key, documents, shards)


# ------------------------------------------------------------------------------------------ warming
_WARM_LOCK = "warming.lock"
# A kernel waits this long at most for a warm-up (a stuck one must not hold a report forever).
_WARM_WAIT_S = 1800.0


@contextlib.contextmanager
def _warming(store: Any) -> Iterator[bool]:
    """Hold the store's warm-up lock (exclusive) for the block; yields False when another warm-up
    holds it already (or locks are not available here: no warm-up to wait for)."""
    with _io.exclusive_lock(store.dir / _WARM_LOCK) as held:
        yield bool(held)


def _wait_for_warm(store: Any, timeout: float | None = None) -> bool:
    """Wait until no warm-up of this store holds its lock; True if one did (its rows are then in the
    store's shards, unless it failed)."""
    try:
        import fcntl
    except ImportError:
        return False
    path = store.dir / _WARM_LOCK
    try:
        fh = open(path, "rb")  # noqa: SIM115 (closed below, also on every early return)
    except OSError:
        return False  # never warmed here
    with fh:
        waited = _io.poll_flock(fh, fcntl.LOCK_SH, _WARM_WAIT_S if timeout is None else timeout)
        if waited is None:
            warnings.warn(
                f"slogan cache: a warm-up still holds {path}; scanning here instead", RuntimeWarning, stacklevel=3
            )
            return False
        fcntl.flock(fh, fcntl.LOCK_UN)
        return waited


def warm(parquet: str | Path, *, lexicon: Any = None, split_compound: bool = True) -> bool:
    """Fill the slogan cache with the rows of every document of an ingested ``corpus.parquet``, reading
    the texts a partition at a time, in this process only. True when it scanned documents and wrote
    their rows; False when every document was cached already, or another warm-up of the same cache
    runs."""
    from analysis.ingest.corpus import load_corpus_texts
    from analysis.stats.slogans import _get_lexicon

    lex = _get_lexicon(lexicon)
    store = _store(cache_key(lex, split_compound))
    with _warming(store) as mine:
        if not mine:
            return False
        _docs, texts = load_corpus_texts(parquet, progress=False)
        with texts:
            before = set(store.shards())
            slogan_rows(texts, lex, split_compound, wait=False, parallel=False, keep=True)
        return bool(set(store.shards()) - before)


def _gather(hashes: list[str], where: dict[str, tuple[int, int]], sources: list[_Flat]) -> SloganRows:
    """The rows of every document, in corpus order, gathered from the sources with numpy."""
    if not sources:
        empty = np.zeros(0, dtype=np.int64)
        return SloganRows(empty, empty, np.zeros(0, dtype=object), np.zeros(0, dtype=np.int8), empty, empty)
    bases = np.cumsum([0] + [len(s.codes) for s in sources])
    offsets = np.concatenate([s.offsets[:-1] + b for s, b in zip(sources, bases, strict=False)])
    ends = np.concatenate([s.offsets[1:] + b for s, b in zip(sources, bases, strict=False)])
    row_base = np.cumsum([0] + [len(s.offsets) - 1 for s in sources])
    idx = np.fromiter((row_base[k] + r for k, r in map(where.__getitem__, hashes)), dtype=np.int64, count=len(hashes))
    starts, stops = offsets[idx], ends[idx]
    lengths = stops - starts
    n = int(lengths.sum())
    take = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths) + np.arange(n, dtype=np.int64)
    # one vocabulary: the sources' (small) vocabularies numbered together, each string once
    vocab_bases = np.cumsum([0] + [len(s.vocab) for s in sources])
    uniq_of, vocab = pd.factorize(np.concatenate([s.vocab for s in sources]))
    codes = np.concatenate([s.codes + b for s, b in zip(sources, vocab_bases, strict=False)])
    return SloganRows(
        np.repeat(np.arange(len(hashes), dtype=np.int64), lengths),
        np.asarray(uniq_of, dtype=np.int64)[codes[take]],
        np.asarray(vocab, dtype=object),
        np.concatenate([s.kind for s in sources])[take],
        np.concatenate([s.count for s in sources])[take],
        np.concatenate([s.alone for s in sources])[take],
    )


def _compact(store: Any) -> None:
    """Merge every readable shard into one (newest entry of a content hash wins)."""
    paths = store.shards()
    seen: set[str] = set()
    hashes: list[str] = []
    rows: list[list[tuple[str, str, int, int]]] = []
    from analysis.stats.slogans import KINDS

    merged = []
    for path in reversed(paths):
        shard = _read(store, path)
        if shard is None:
            continue
        shard_hashes, flat = shard
        offsets, slogans, kinds, counts, alone = flat.offsets, flat.slogans(), flat.kind, flat.count, flat.alone
        merged.append(path)
        for r, h in enumerate(shard_hashes):
            if h in seen:
                continue
            seen.add(h)
            a, b = int(offsets[r]), int(offsets[r + 1])
            hashes.append(h)
            rows.append([(slogans[j], KINDS[kinds[j]], int(counts[j]), int(alone[j])) for j in range(a, b)])
    if len(merged) >= 2:
        store.replace_all(_table(hashes, rows), merged)


# ------------------------------------------------------------------------------- bootstrap intervals
def cached_rate_ci(
    matrix: Any, sizes: np.ndarray, codes: np.ndarray, n_groups: int, boot: tuple[float, int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """``uncertainty.bootstrap_rate_ci`` of the slogan counts, kept under ``<cache_dir>/slogans/ci/``.

    The resampling (a multinomial draw per document and resample) costs seconds on a large corpus and
    its result depends only on the arrays given, the parameters, the numpy version (the random stream)
    and the bootstrap code: a file named by the sha256 of all of them holds the two arrays (``.npz``,
    read without pickle); an unreadable file is recomputed with a warning."""
    import scipy.sparse as sp

    from analysis import _io, _npz
    from analysis.stats import uncertainty

    m = sp.csr_matrix(matrix, dtype=np.float64)
    m.sum_duplicates()
    m.sort_indices()
    h = hashlib.sha256()
    spec = {
        "format": _FORMAT, "numpy": np.__version__, "shape": list(m.shape), "n_groups": int(n_groups),
        "boot": [float(boot[0]), int(boot[1]), int(boot[2])],
        "code": _io.source_digest(uncertainty.__file__),
    }
    h.update(json.dumps(spec, sort_keys=True).encode())
    for arr, dtype in ((m.data, np.float64), (m.indices, np.int64), (m.indptr, np.int64),
                       (sizes, np.float64), (codes, np.int64)):
        h.update(np.ascontiguousarray(np.asarray(arr, dtype=dtype)).tobytes())
        h.update(b"|")
    path = config.CACHE_DIR / "slogans" / "ci" / f"{h.hexdigest()}.npz"
    shape = (int(n_groups), m.shape[1])

    def check(a: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        low, high = a["low"], a["high"]
        if low.shape == high.shape == shape and low.dtype == high.dtype == np.float64:
            return low, high
        raise ValueError(f"arrays of shape {low.shape} / {high.shape}, expected {shape}")

    found = _npz.read(path, ("low", "high"), check, "slogan interval cache", "recomputed")
    if found is not None:
        return found
    low, high = uncertainty.bootstrap_rate_ci(
        matrix, sizes, codes, n_groups, level=boot[0], n_boot=boot[1], seed=boot[2]
    )
    _npz.write(path, {"low": low, "high": high}, "slogan interval cache")
    return low, high
