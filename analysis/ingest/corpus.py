"""Folder of raw documents -> corpus table (one row per document) + ingest report.

The corpus table is the first derived artefact: every later stage (tokens, dtm, stats, plots) starts
from it. Raw files are only ever read; outputs go to the folder the caller names.

Columns of the corpus table, in order:

===================== =========================================================================
doc_id                12 hex chars: sha1 of the path relative to the corpus root (stable, from path)
path                  path relative to the corpus root, POSIX separators
title                 cleaned title (front matter, first heading or first substantial line)
date                  publication date (datetime64, NaT when the document states none)
year                  publication year (nullable Int64)
company               canonical company name from the alias table, '' when about none of them
source                publisher or outlet where stated, else ''
script                script of the source text: simplified / traditional / mixed / none
encoding              detected encoding of the file (or the binary format's label)
format                text / markdown / html / pdf / docx
chars                 length of ``text`` in characters
chars_mapped          characters of the raw text replaced or removed by the compatibility map
                      (radicals -> ideographs, full-width ASCII, zero-width ...; clean/chars.py)
text                  cleaned analysis text, simplified script, one paragraph per line
content_hash          sha256 of ``text``: the key of every downstream cache
duplicate_of          doc_id of an earlier document with identical text, else ''
*_from_override       True where title / date / company / source came from the metadata file
removed_chars         characters taken out as repeats (0 with ``keep_repeated``)
removed_text          what was taken out, as JSON (position, text, reason of each passage);
                      ``analysis.ingest.clean.repeats.restore_repeats`` puts it back
date_source           evidence for ``date``: the rule and the line it read (or the metadata file row)
company_source        evidence for ``company``: the rule, the scores and the line (or the metadata file row)
doc_type              type the document names (新闻, 报告, 白皮书, 通知 …; metadata/doctype.py), else ''
doc_type_source       evidence for ``doc_type``: front matter, the title's last word or a first line
*_from                where title / date / year / company / source / doc_type came from: ``metadata``
                      (the metadata file), ``path`` (``--path-vars``), ``document`` (extraction), ''
<variables>           any further column of the metadata file or ``{name}`` of ``--path-vars``, typed,
                      each with its ``<name>_from`` (``metadata`` / ``path`` / ''); see ingest/docvars.py
===================== =========================================================================

The ingest report lists every skipped or problematic file with columns ``path, status, reason``;
``status`` is ``skipped`` (not in the corpus), ``warning`` (in the corpus, but look at it) or
``removed`` (repeated text was taken out: how many characters, and why).
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from analysis import _io, _memo, config
from analysis._checks import override_date
from analysis._proc import mp_context
from analysis.errors import AnalysisError, CorpusError, ReadError
from analysis.ingest import limits, paths
from analysis.ingest.cache import DigestMemo, IngestCache, alias_key, record_key, stat_key, take_rows
from analysis.ingest.clean import clean_boilerplate, prepare, remove_repeats_each
from analysis.ingest.clean.chars import count_mapped
from analysis.ingest.clean.repeats import removals_to_json
from analysis.ingest.docvars import BUILTIN_VARS, PathVars, check_name, infer_type
from analysis.ingest.limits import BUDGET_REASONS, iter_budgeted
from analysis.ingest.metadata import CompanyAliases, Metadata, describe_each, load_aliases
from analysis.ingest.metadata.doctype import extract_doc_type
from analysis.ingest.readers import SUPPORTED_SUFFIXES, read_bytes, read_document
from analysis.ingest.stepwise import Joint, stepwise

OVERRIDE_FIELDS = ("title", "date", "company", "source")
CORPUS_COLUMNS = [
    "doc_id",
    "path",
    "title",
    "date",
    "year",
    "company",
    "source",
    "script",
    "encoding",
    "format",
    "chars",
    "chars_mapped",
    "text",
    "content_hash",
    "duplicate_of",
    *(f"{f}_from_override" for f in OVERRIDE_FIELDS),
    "removed_chars",
    "removed_text",
    "date_source",
    "company_source",
    "doc_type",
    "doc_type_source",
    *(f"{f}_from" for f in BUILTIN_VARS),
]
REPORT_COLUMNS = ["path", "status", "reason"]

# Publication-date <meta> tags of HTML pages, used like front matter. A PDF's or a Word file's
# "created" property is when the file was made, not when the text was published: never used.
_HTML_DATE_META = ("publishdate", "pubdate", "publish_date", "publishtime", "article:published_time", "date")

# Below this many files the process pool costs more than it saves.
_PARALLEL_MIN_FILES = 64


@dataclass
class IngestResult:
    """What ingestion produced: the corpus table and the report of skipped / problematic files."""

    corpus: pd.DataFrame
    report: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REPORT_COLUMNS))
    #: hash of everything the tables were made from, when all of it is known (every file's record came
    #: from the ingestion cache): ``ingest`` leaves outputs made from the same inputs as they are
    inputs_key: str | None = field(default=None, repr=False, compare=False)
    #: the texts as one Arrow column aligned with the rows, when ``corpus`` has no ``text`` column
    #: (``ingest`` writes them to corpus.parquet without making a Python string of any; issue 12)
    texts: Any = field(default=None, repr=False, compare=False)

    @property
    def n_skipped(self) -> int:
        """Number of files left out of the corpus."""
        return int((self.report["status"] == "skipped").sum()) if len(self.report) else 0

    @property
    def summary(self) -> IngestSummary:
        """What the ``ingest`` command prints: documents, undated, without company, skipped (+ the report)."""
        s = corpus_summary(self.corpus)
        return IngestSummary(
            documents=s["documents"], undated=s["undated"], unattributed=s["unattributed"],
            skipped=self.n_skipped, years=s["years"], report=self.report,
        )  # fmt: skip


@dataclass(frozen=True, eq=False)
class IngestSummary:
    """How a corpus was loaded, as the ``ingest`` command says it; ``load_corpus`` puts it in
    ``corpus.attrs["ingest"]``. ``report`` holds every skipped or problematic file with the reason."""

    documents: int
    undated: int
    unattributed: int
    skipped: int
    years: tuple[int, int] | None
    report: pd.DataFrame = field(repr=False)

    def __str__(self) -> str:
        years = f"{self.years[0]}-{self.years[1]}" if self.years else "none"
        text = (
            f"ingested {self.documents} documents ({self.undated} undated, {self.unattributed} without company, "
            f"years {years}); {self.skipped} file(s) skipped"
        )
        warned = int((self.report["status"] != "skipped").sum()) if len(self.report) else 0
        if self.skipped or warned:
            text += f"; {self.skipped + warned} file(s) in the ingest report (corpus.attrs['ingest'].report)"
        return text

    __repr__ = __str__


def make_doc_id(rel_path: str) -> str:
    """Deterministic document id from the path relative to the corpus root."""
    return hashlib.sha1(rel_path.encode("utf-8")).hexdigest()[:12]


def list_files(root: Path) -> list[Path]:
    """All files below ``root``, sorted, following symlinked folders but never a loop.

    Hidden files and folders (``.git``, ``.DS_Store`` ...) are left out. A link to a folder outside
    ``root`` is listed itself, not walked (read_corpus reports it), unless ``--follow-links``.
    """
    return [Path(p) for p, _, _ in _walk(Path(root))]


def _walk(root: Path) -> list[tuple[str, str, bool]]:
    """``(path, path relative to root with '/', is a link)`` of every file below ``root``, sorted by the
    relative path: :func:`list_files` without a Path object or a ``realpath`` per file (a large folder
    is listed on every run, cached or not)."""
    follow = limits.active().follow_links
    seen: set[tuple[int, int]] = set()
    out: list[tuple[str, str, bool]] = []
    stack = [(os.fspath(root), "")]
    while stack:  # depth first, folders in name order: the first way into a folder is the one kept
        dirpath, prefix = stack.pop()
        try:
            st = os.stat(dirpath)
            if (st.st_dev, st.st_ino) in seen:  # a symlink loop or a second link to a folder already walked
                continue
            seen.add((st.st_dev, st.st_ino))
            with os.scandir(dirpath) as it:
                entries = sorted((e for e in it if not e.name.startswith(".")), key=lambda e: e.name)
        except OSError:
            continue
        folders = []
        for e in entries:
            try:
                is_dir = e.is_dir()
            except OSError:
                is_dir = False
            link = e.is_symlink()
            if not is_dir:
                out.append((e.path, prefix + e.name, link))
            elif link and not follow and paths.leaves(e.path, root):  # listed (and reported), not walked
                out.append((e.path, prefix + e.name, True))
            else:
                folders.append((e.path, prefix + e.name + "/"))
        stack.extend(reversed(folders))
    out.sort(key=lambda t: t[1])
    return out


def _suffix(name: str) -> str:
    """``Path(name).suffix`` of a file name."""
    i = name.rfind(".")
    return name[i:] if 0 < i < len(name) - 1 else ""


def _file_key(digest: str, path: str | Path, keep_repeated: bool, ocr: bool) -> str:
    """The ingestion cache key of the file ``path`` whose bytes hash to ``digest`` (here or in a worker)."""
    return record_key(digest, _suffix(os.path.basename(path)), keep_repeated, ocr=ocr)


#: The last ingested corpus read (``read_corpus`` of a corpus.parquet), for the next read of the same
#: unchanged files: a report's notebooks each read it in one kernel (see ``analysis._memo``).
_LAST_READ = _memo.Last()
# Alias tables of this run, per process (read_corpus clears it: alias files may change between runs).
_ALIASES: dict[tuple[str, ...], CompanyAliases] = {}


def _aliases(company_files: tuple[str, ...]) -> CompanyAliases:
    table = _ALIASES.get(company_files)
    if table is None:
        table = load_aliases(Path(company_files[0]), extra=tuple(Path(p) for p in company_files[1:]))
        _ALIASES.clear()
        _ALIASES[company_files] = table
    return table


def _content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _all_hashes(values: Sequence[Any]) -> bool:
    """Every value looks like a ``content_hash`` (a sha256 in hex), as ``ingest`` writes them."""
    return all(isinstance(h, str) and len(h) == 64 for h in values)


def _dumps(value: dict[str, Any] | list[Any]) -> str:
    """``json.dumps(value, ensure_ascii=False)``; most documents have no front matter nor headings."""
    if not value:
        return "[]" if isinstance(value, list) else "{}"
    return json.dumps(value, ensure_ascii=False)


def _skip(rel: str, reason: str) -> dict[str, Any]:
    return {"status": "skipped", "path": rel, "reason": reason}


def _process_file(
    root: str,
    rel: str,
    keep_repeated: bool,
    company_files: tuple[str, ...],
    keep_prepared: bool = False,
    ocr: bool = False,
    data: bytes | None = None,
) -> dict[str, Any]:
    """Read, clean and describe one file into a record (the ingestion cache's columns, plus ``path``).

    Never raises: failures come back as a skip record. ``keep_prepared`` keeps the prepared form
    (``prep_*``), from which :func:`_describe_record` can describe the document again. ``data``: the
    file's bytes, already read (and hashed) by the caller.
    """
    return _process_files([(root, rel, keep_repeated, company_files, keep_prepared, ocr, data)])[0]


def _process_files(files: Sequence[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """:func:`_process_file` of each file (its arguments as a tuple), in order, one step at a time over
    all of them: every file is read, then every text prepared, stripped of boilerplate, of repeats, and
    every document described (one field at a time, :func:`_describe_records`).

    The records are the same as file after file. The work is less: each step's code and tables stay in
    the processor's caches from one document to the next (see the README's speed section).
    """
    out: list[dict[str, Any] | None] = [None] * len(files)

    def read(file: tuple[Any, ...], st: dict[str, Any]) -> None:
        root, rel, _, _, _, ocr, data = file
        # rel is the readable form of the name (paths.display)
        st["raw"] = read_document(paths.on_disk(root, rel), ocr=ocr, data=data)

    def prepared(file: tuple[Any, ...], st: dict[str, Any]) -> None:
        st["prepared"] = prepare(st["raw"].text, fmt=st["raw"].format)

    def boilerplate(file: tuple[Any, ...], st: dict[str, Any]) -> None:
        st["text"] = clean_boilerplate(st["prepared"].text)

    def repeats(batch: list[tuple[Any, ...]], states: list[dict[str, Any]]) -> list[Exception | None]:
        # all the batch's texts at once (remove_repeats_each: its tables in one numpy pass)
        todo = [k for k, file in enumerate(batch) if not file[2]]  # (keep_repeated: the text stays as it is)
        outcomes: list[Exception | None] = [None] * len(states)
        for st in states:
            st["removals"] = []
        for k, result in zip(todo, remove_repeats_each([states[k]["text"] for k in todo]), strict=True):
            if isinstance(result, Exception):
                outcomes[k] = result
            else:
                states[k]["text"], states[k]["removals"] = result
        return outcomes

    live, failed = stepwise(files, (read, prepared, boilerplate, Joint(repeats)))
    for k, exc in failed.items():
        rel = files[k][1]
        if isinstance(exc, ReadError):
            out[k] = _skip(rel, exc.reason)
        else:  # one bad file must never lose the rest of the corpus
            out[k] = _skip(rel, f"unexpected error: {type(exc).__name__}: {exc}")
    records: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for k, st in live.items():
        raw, prepared_doc, text, removals = st["raw"], st["prepared"], st["text"], st["removals"]
        if not text.strip():
            out[k] = _skip(files[k][1], "no text left after cleaning")
            continue
        front_matter = dict(prepared_doc.front_matter)
        if raw.format == "html":
            for key in _HTML_DATE_META:
                if raw.meta.get(key):
                    front_matter.setdefault(key, raw.meta[key])
        out[k] = {
            "status": "ok",
            "path": files[k][1],
            "script": prepared_doc.script,
            "encoding": raw.encoding,
            "format": raw.format,
            "chars_mapped": count_mapped(raw.text),
            "text": text,
            "removed_chars": sum(len(r.text) for r in removals),
            "removed_text": removals_to_json(removals),
            "removed_reasons": json.dumps(sorted({r.reason for r in removals})) if removals else "[]",
            "content_hash": _content_hash(text),
            # '' when it is the cleaned text (usually: cleaning removed nothing), and the spaced form '' when
            # it is the prepared text (usually: no spacing repair changed it); the cache keeps one copy
            "prep_text": "" if prepared_doc.text == text else prepared_doc.text,
            "prep_spaced": "" if prepared_doc.spaced_text == prepared_doc.text else prepared_doc.spaced_text,
            "prep_front_matter": _dumps(prepared_doc.front_matter),
            "prep_spaced_headings": _dumps(prepared_doc.spaced_headings),
            "prep_date_front_matter": _dumps(front_matter),
            # what the reader had to say (e.g. PDF pages without usable text, ingest/pdf.py)
            "prep_read_warning": str(raw.meta.get("warning", "")),
        }
        records.setdefault(files[k][3], []).append(out[k])  # type: ignore[arg-type]
    live.clear()
    for company_files, described in records.items():
        _describe_records(described, company_files)
    for k, record in enumerate(out):
        if record is not None and record["status"] == "ok" and not files[k][4]:
            _drop_prepared(record)
    return out  # type: ignore[return-value]


def _describe_record(record: dict[str, Any], company_files: tuple[str, ...]) -> dict[str, Any]:
    """Fill title, date, company, source and warning of a record from its prepared form."""
    return _describe_records([record], company_files)[0]


def _describe_records(records: Sequence[dict[str, Any]], company_files: tuple[str, ...]) -> list[dict[str, Any]]:
    """:func:`_describe_record` of each record, one field at a time over all of them
    (:func:`analysis.ingest.metadata.describe_each`)."""
    found: list[Any] = [None] * len(records)
    docs: list[dict[str, Any]] = []
    at: list[int] = []
    try:
        aliases = _aliases(company_files)
    except Exception as exc:
        found = [exc] * len(records)
    else:
        for k, record in enumerate(records):
            try:
                prepared = record["prep_text"] or record["text"]  # '' is never the prepared form of a text
                docs.append({
                    "text": prepared,
                    "front_matter": json.loads(record["prep_front_matter"] or "{}"),  # read-only below: shared
                    "spaced_text": record["prep_spaced"] or prepared,
                    "spaced_headings": json.loads(record["prep_spaced_headings"] or "[]"),
                    "date_front_matter": json.loads(record["prep_date_front_matter"] or "{}"),
                })  # fmt: skip
                at.append(k)
            except Exception as exc:
                found[k] = exc
        try:
            metas: list[Any] = describe_each(docs, aliases)
        except Exception as exc:  # (it answers each document's failure in its place: this is its own)
            metas = [exc] * len(docs)
        for k, doc, meta in zip(at, docs, metas, strict=True):
            if isinstance(meta, Exception):
                found[k] = meta
                continue
            try:
                found[k] = (meta, extract_doc_type(meta.title, records[k].get("text") or "", doc["front_matter"]))
            except Exception as exc:
                found[k] = exc
    for record, answer in zip(records, found, strict=True):
        warning = record.get("prep_read_warning") or ""
        meta, doc_type, doc_type_source = Metadata("", None, "", ""), "", ""
        if isinstance(answer, Exception):  # the text is good: keep the document, undescribed, and say so
            warning = "; ".join(filter(None, [warning, (
                f"metadata extraction failed ({type(answer).__name__}: {answer}); title/date/company/source left empty"
            )]))  # fmt: skip
        else:
            meta, (doc_type, doc_type_source) = answer
        record.update(
            title=meta.title,
            date=meta.date.isoformat() if meta.date else "",
            company=meta.company,
            source=meta.source,
            warning=warning,
            date_source=meta.date_source,
            company_source=meta.company_source,
            doc_type=doc_type,
            doc_type_source=doc_type_source,
        )
    return list(records)


def _redescribe_batch(jobs: Sequence[tuple[dict[str, Any], tuple[str, ...]]]) -> list[dict[str, Any]]:
    """Cached records described again in a worker (``(record, company files)`` each, the same files)."""
    return _describe_records([record for record, _ in jobs], jobs[0][1]) if jobs else []


_ROW_FIELDS = (
    "path", "title", "date", "company", "source", "script", "encoding", "format", "text",
    "removed_chars", "removed_text", "date_source", "company_source", "chars_mapped", "doc_type", "doc_type_source",
)  # fmt: skip


def _over_budget(job: tuple[Any, ...], reason: str) -> dict[str, Any]:
    if isinstance(job[0], dict):  # a cached record being described again
        return {**_skip(job[0].get("path", ""), reason), "key": job[0].get("key")}
    return _skip(job[1], reason)


# New cache records are written in shards of about this many characters of prepared text, so that a
# long run keeps its progress and never holds every document's prepared form in memory.
_FLUSH_CHARS = 12_000_000


def _run(
    root: Path,
    todo: Sequence[tuple[str | Path, str]],
    keep_repeated: bool,
    company_files: tuple[str, ...],
    store: IngestCache | None,
    n_jobs: int,
    progress: bool,
    ocr: bool = False,
) -> list[dict[str, Any]]:
    """Records for every file of ``todo``, in order, as dicts (what an engine's task returns)."""
    table = _run_table(root, todo, keep_repeated, company_files, store, n_jobs, progress, ocr)
    return table.to_pylist()


# Columns of the records table (one row per file, in ``todo`` order): what read_corpus assembles from.
_FRAME_COLUMNS = (
    "path", "status", "reason", "warning", "removed_reasons", "content_hash",
    *(c for c in _ROW_FIELDS if c != "path"),
)  # fmt: skip
_FRAME_INTS = ("removed_chars", "chars_mapped")


def _records_table(records: Sequence[dict[str, Any]]) -> Any:
    """Records (dicts) as a records table: every column present, '' / 0 where a record has none."""
    import pyarrow as pa

    return pa.table({
        c: pa.array(
            [int(r.get(c) or 0) if c in _FRAME_INTS else str(r.get(c) or "") for r in records],
            type=pa.int64() if c in _FRAME_INTS else pa.large_string(),
        )
        for c in _FRAME_COLUMNS
    })  # fmt: skip


# In a worker process: the records it made, kept for the ingestion cache and written as shards of its
# own (the parent then reads them from the cache: the prepared form never travels between processes).
_WORKER_FLUSH_CHARS = 16_000_000


class _ShardWriter:
    """Records for the ingestion cache, written as a shard whenever ``limit`` characters of text and
    prepared text are pending (a failure is a warning: the documents are ingested again next time)."""

    def __init__(self, store: IngestCache, limit: int) -> None:
        self.store = store
        self.limit = limit
        self.pending: list[dict[str, Any]] = []
        self.chars = 0

    def add(self, record: dict[str, Any]) -> None:
        self.pending.append(record)
        self.chars += len(record.get("prep_text") or "") + len(record.get("text") or "")
        if self.chars > self.limit:
            self.flush()

    def flush(self, compact: bool = False) -> None:
        if self.pending or compact:
            self.store.store(self.pending, compact=compact)
            self.pending.clear()
            self.chars = 0


def _worth_caching(record: dict[str, Any]) -> bool:
    return record["status"] == "ok" or _cacheable_skip(record)


def _drop_prepared(record: dict[str, Any]) -> None:
    for name in [k for k in record if k.startswith("prep_")]:
        del record[name]


_WRITERS: dict[str, _ShardWriter] = {}


def _flush_writers() -> None:
    """Runs in each worker before it ends: the records it still holds go to the cache."""
    for writer in _WRITERS.values():
        writer.flush()


# ``key`` of a job whose file the worker hashes itself (see _run_table), and the keys the cache held
# when the workers started (inherited by fork: set only where that is the start method)
_HASH_HERE = "?"
_KNOWN_KEYS: set[str] = set()


def _ingest_batch(jobs: Sequence[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Files in a worker, one answer each, in order; the files are read, cleaned and described one step
    at a time over all of them (:func:`_process_files`). With a cache (``base``), a record worth keeping
    goes to the worker's own cache shard and only ``{"status": "ok", "path": ..., "cached": True}`` comes
    back for a document.

    A job whose key is ``_HASH_HERE`` hashes the file first: the answer then carries ``hashed`` (the
    file's stat, digest and key), and is ``{"status": "known", ...}`` without reading the document when
    the cache already holds a record of that key."""
    out: list[dict[str, Any] | None] = [None] * len(jobs)
    todo: list[tuple[int, str | None, dict[str, Any], bytes | None]] = []
    for k, job in enumerate(jobs):
        root, rel, keep_repeated, ocr, key = job[0], job[1], job[2], job[4], job[6]
        hashed: dict[str, Any] = {}
        data = None
        if key == _HASH_HERE:
            # one read of the file, hashed and then ingested; a file that cannot be read is left to
            # _process_files, which says why
            path = paths.on_disk(root, rel)
            key = None
            with contextlib.suppress(ReadError):
                st, data = read_bytes(path)
                digest = hashlib.sha256(data).hexdigest()
                key = _file_key(digest, path, keep_repeated, ocr)
                hashed = {"hashed": (stat_key(st), digest, key)}
                if key in _KNOWN_KEYS:
                    out[k] = {"status": "known", "path": rel, **hashed}
                    continue
        todo.append((k, key, hashed, data))
    files = []
    for k, key, _, data in todo:
        root, rel, keep_repeated, company_files, ocr, base, _, _ = jobs[k]
        files.append((root, rel, keep_repeated, company_files, base is not None and key is not None, ocr, data))
    records = _process_files(files)
    for (k, key, hashed, _), record in zip(todo, records, strict=True):
        rel, base, aliases_key = jobs[k][1], jobs[k][5], jobs[k][7]
        kept = base is not None and key is not None and _worth_caching(record)
        if kept:
            writer = _WRITERS.get(base)
            if writer is None:
                writer = _WRITERS[base] = _ShardWriter(IngestCache(base), _WORKER_FLUSH_CHARS)
            writer.add(dict(record, key=key, alias_key=aliases_key))
        _drop_prepared(record)
        if kept and record["status"] == "ok":
            out[k] = {"status": "ok", "path": rel, "cached": True, **hashed}
        else:
            out[k] = dict(record, cached=kept, **hashed)
    return out  # type: ignore[return-value]


# Text files go to the workers in batches (each batch one job: one step at a time over its files, see
# _process_files), up to _BATCH_FILES files and _BATCH_BYTES bytes; a larger text file, a PDF or a Word
# file is a job of its own. The per-file budget then holds for a whole batch: one over it, or whose worker
# dies, is run again file by file, each file under its own budget. (A batch of small files takes well
# under a second; only a hostile file brings one near the time limit.)
_BATCHED_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm"})
_BATCH_FILES = 32
_BATCH_BYTES = 1 << 20
_BATCH_FILE_BYTES = 256 << 10


def _batches(jobs: Sequence[tuple[Any, ...]], sizes: Mapping[str, int]) -> list[list[tuple[Any, ...]]]:
    """``jobs`` (of :func:`_ingest_batch`) in order, cut into batches of consecutive text files whose
    sizes (``sizes``, by relative path; a file missing there is not batched) are known to be small."""
    out: list[list[tuple[Any, ...]]] = []
    batch: list[tuple[Any, ...]] = []
    held = 0
    for job in jobs:
        size = sizes.get(job[1])
        if size is None or size > _BATCH_FILE_BYTES:
            if batch:
                out.append(batch)
                batch, held = [], 0
            out.append([job])
            continue
        if batch and (len(batch) >= _BATCH_FILES or held + size > _BATCH_BYTES):
            out.append(batch)
            batch, held = [], 0
        batch.append(job)
        held += size
    if batch:
        out.append(batch)
    return out


def _batchable_sizes(todo: Iterable[tuple[str | Path, str]]) -> dict[str, int]:
    """Size in bytes of each text file of ``todo`` (by relative path) that :func:`_batches` may batch."""
    sizes: dict[str, int] = {}
    for f, rel in todo:  # (every new file, before the workers start: no context manager per file)
        if _suffix(rel.rpartition("/")[2]).lower() in _BATCHED_SUFFIXES:
            try:
                sizes[rel] = os.stat(f).st_size
            except OSError:
                continue
    return sizes


def _batch_failed(batch: list[tuple[Any, ...]], reason: str) -> list[dict[str, Any]]:
    if len(batch) == 1:
        return [_over_budget(batch[0], reason)]
    return [{"status": "retry", "job": job} for job in batch]


def _batched(func: Any, batches: list[list[Any]], n_jobs: int, bar: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """``func`` over ``batches`` of jobs in worker processes, each batch one job under the per-file budget
    of :mod:`analysis.ingest.limits` (``func(batch)``: one answer per job of the batch); the answers in
    order, except that the jobs of a batch that failed as a whole come last, each run again alone under
    its own budget (a job alone over its budget becomes a skip record naming the limit)."""

    def run(part: list[list[Any]]) -> Iterator[list[dict[str, Any]]]:
        return iter_budgeted(
            func,
            part,
            failed=_batch_failed,
            n_jobs=n_jobs if sum(map(len, part)) >= _PARALLEL_MIN_FILES else 1,
            at_exit=_flush_writers,
            per_message=1,  # a batch's answers can be large: a worker gets its next job when it is idle
        )

    again: list[Any] = []
    with tqdm(**bar) as pbar:
        for answers in run(batches):
            for answer in answers:
                if answer["status"] == "retry":
                    again.append(answer["job"])
                else:
                    pbar.update(1)
                    yield answer
        for answers in run([[job] for job in again]):  # a job alone is never retried: it has its answer
            pbar.update(len(answers))
            yield from answers


def _run_table(
    root: Path,
    todo: Sequence[tuple[str | Path, str]],
    keep_repeated: bool,
    company_files: tuple[str, ...],
    store: IngestCache | None,
    n_jobs: int,
    progress: bool,
    ocr: bool = False,
    seen: dict[str, Any] | None = None,
) -> Any:
    """The records table of ``todo`` (Arrow): one row per file, in order, columns ``_FRAME_COLUMNS``.

    With a cache, each file's bytes are hashed (or their remembered digest reused): a record made with
    the same alias files is used as it is, straight from the cache's columns; one made with other
    alias files is described again from its prepared form (the file is not read again); anything else
    is ingested in full by the workers, which add the records to the cache themselves.
    """
    import pyarrow as pa

    keys: dict[str, str] = {}
    cached: Any = None
    other: dict[str, dict[str, Any]] = {}
    aliases_key = ""
    unhashed: dict[str, str | Path] = {}  # rel -> file, for the files the workers hash
    memo = None
    if store is not None:
        aliases_key = alias_key(company_files)
        memo = DigestMemo(store.base, root)
        # A file whose digest is not remembered is hashed by the worker that ingests it, on every core
        # and with one read of the file, rather than here before any worker starts. Only where workers
        # fork: they pass over what the cache holds by the set of its keys, which they inherit.
        in_workers = mp_context().get_start_method() == "fork"
        for f, rel in todo:
            if in_workers and not memo.knows(f):
                unhashed[rel] = f
                continue
            digest = memo.digest(f, config.MAX_FILE_BYTES)
            if digest is not None:
                keys[rel] = _file_key(digest, f, keep_repeated, ocr)
        memo.save()
        cached, other = store.lookup_table(keys.values(), aliases_key)
    found = set(cached.column("key").to_pylist()) if cached is not None else set()
    base = str(store.base) if store is not None else None
    if seen is not None and store is not None and all(keys.get(rel) in found for _, rel in todo):
        seen["keys"] = [(rel, keys[rel]) for _, rel in todo]  # every record known from its key
        seen["aliases"] = aliases_key

    def jobs(rels: Iterable[str], to_cache: bool) -> list[tuple[Any, ...]]:
        return [
            (
                str(root), rel, keep_repeated, company_files, ocr, base if to_cache else None,
                keys.get(rel, _HASH_HERE if rel in unhashed else None), aliases_key,
            )
            for rel in rels
        ]

    ingest_jobs = jobs((rel for _, rel in todo if keys.get(rel) not in found and keys.get(rel) not in other), True)
    redo_keys = list(dict.fromkeys(keys[rel] for _, rel in todo if keys.get(rel) in other))
    redo_jobs = [(dict(other[k]), company_files) for k in redo_keys]
    other.clear()
    done: dict[str, dict[str, Any]] = {}  # records that came back whole (skips, no cache)
    in_cache: set[str] = set()  # files whose record a worker wrote to the cache
    writer = _ShardWriter(store, _FLUSH_CHARS) if store is not None else None

    def keep(record: dict[str, Any], key: str | None) -> None:
        if writer is not None and key is not None and _worth_caching(record):
            writer.add(dict(record, key=key, alias_key=aliases_key))
        _drop_prepared(record)

    bar = dict(
        total=len(ingest_jobs), desc="ingest", unit="file", disable=not progress or len(ingest_jobs) < 50,
        file=sys.stderr,
    )  # fmt: skip
    known_later: list[str] = []  # files a worker hashed and found in the cache
    to_ingest = {job[1] for job in ingest_jobs}
    sizes = _batchable_sizes((f, rel) for f, rel in todo if rel in to_ingest)
    if unhashed:
        _KNOWN_KEYS.update(store.known_keys())  # type: ignore[union-attr]
    try:
        for rec in _batched(_ingest_batch, _batches(ingest_jobs, sizes), n_jobs, bar):
            made = rec.pop("hashed", None)
            if made is not None:
                stat, digest, keys[rec["path"]] = made
                memo.remember(unhashed[rec["path"]], stat, digest)  # type: ignore[union-attr]
            if rec["status"] == "known":
                known_later.append(rec["path"])
            elif rec.pop("cached", False) and rec["status"] == "ok":
                in_cache.add(rec["path"])
            else:
                done[rec["path"]] = rec
    finally:
        _KNOWN_KEYS.clear()
    if unhashed:
        memo.save()  # type: ignore[union-attr]
    if known_later:  # as if hashed here: ready records are read back below, others described again
        _, other = store.lookup_table([keys[rel] for rel in known_later], aliases_key)  # type: ignore[union-attr]
        redo_jobs += [(dict(other[k]), company_files) for k in dict.fromkeys(keys[r] for r in known_later) if k in other]
        in_cache.update(rel for rel in known_later if keys[rel] not in other)
        other.clear()
    bar = dict(bar, total=len(redo_jobs), desc="describe", disable=not progress or len(redo_jobs) < 50)
    redone: dict[str, dict[str, Any]] = {}
    redo_batches = [redo_jobs[i : i + _BATCH_FILES] for i in range(0, len(redo_jobs), _BATCH_FILES)]
    for rec in _batched(_redescribe_batch, redo_batches, n_jobs, bar):
        keep(rec, rec["key"])
        redone[rec["key"]] = rec
    if writer is not None:
        writer.flush(compact=True)
    if in_cache:  # what the workers wrote, read back column by column with what was cached before
        del cached
        cached, _ = store.lookup_table(  # type: ignore[union-attr]
            [k for _, rel in todo if (k := keys.get(rel)) in found or rel in in_cache], aliases_key
        )
        found = set(cached.column("key").to_pylist()) if cached is not None else set()
        lost = [rel for rel in in_cache if keys[rel] not in found]  # a worker killed before writing them
        if lost:
            for rec in _batched(_ingest_batch, [[job] for job in jobs(lost, False)], n_jobs, dict(bar, disable=True)):
                rec.pop("cached", None)
                done[rec["path"]] = rec  # (not cached: ingested again next time)
    # assembly: cached records column by column, the others from dicts; then every row in todo order
    row_of = {k: i for i, k in enumerate(cached.column("key").to_pylist())} if cached is not None else {}
    order: list[int] = []
    cache_rows: list[int] = []
    fresh: list[dict[str, Any]] = []
    for _, rel in todo:
        key = keys.get(rel)
        if rel in done:
            fresh.append(done.pop(rel))
            order.append(-len(fresh))
        elif key in redone:
            fresh.append(dict(redone[key], path=rel))
            order.append(-len(fresh))
        else:
            order.append(len(cache_rows))
            cache_rows.append(row_of[key])
    parts = []
    if cache_rows:
        part = take_rows(cached, cache_rows)
        del cached
        pa.default_memory_pool().release_unused()
        rels = [rel for (_, rel), o in zip(todo, order, strict=True) if o >= 0]
        part = part.append_column("path", pa.array(rels, type=pa.large_string()))
        parts.append(part.select(list(_FRAME_COLUMNS)))
    cached = None
    if fresh:
        parts.append(_records_table(fresh))
    fresh.clear()
    if not parts:
        return _records_table([])
    if len(parts) == 1 and all(o >= 0 for o in order):
        return take_rows(parts[0], list(range(parts[0].num_rows)))
    n_cached = len(cache_rows)
    table = take_rows(pa.concat_tables(parts), [o if o >= 0 else n_cached - o - 1 for o in order])
    del parts
    pa.default_memory_pool().release_unused()
    return table


def _frame_report(frame: pd.DataFrame) -> list[dict[str, str]]:
    """Report lines of a records frame, file by file: skips, reader / metadata warnings, repeats removed."""
    report: list[dict[str, str]] = []
    notable = (frame["status"] != "ok") | (frame["warning"] != "") | (frame["removed_chars"] != 0)
    rows = frame.loc[notable.to_numpy(dtype=bool), ["path", "status", "reason", "warning", "removed_chars", "removed_reasons"]]
    for path, status, reason, warning, removed, reasons in rows.itertuples(index=False):
        if status != "ok":
            report.append({"path": path, "status": "skipped", "reason": reason})
            continue
        if warning:
            report.append({"path": path, "status": "warning", "reason": warning})
        if removed:
            listed = ", ".join(json.loads(reasons or "[]"))
            report.append({
                "path": path,
                "status": "removed",
                "reason": f"{removed} characters removed as repeats ({listed}); "
                "kept in the corpus table's removed_text column, --keep-repeated keeps them",
            })  # fmt: skip
    return report


def _cacheable_skip(record: dict[str, Any]) -> bool:
    """Skips that depend on the file's bytes only (not on permissions or a crash) are cached too."""
    reason = record["reason"]  # nor the skips of a per-file limit: the user may raise it
    return record["status"] == "skipped" and not reason.startswith(("unexpected error", "permission", *BUDGET_REASONS))


def read_overrides(path: str | Path) -> pd.DataFrame:
    """Read a metadata file (CSV, UTF-8): a ``path`` column plus any other columns.

    ``title, date, year, company, source, doc_type`` override what extraction found; every other
    column is a document variable of its own (see :mod:`analysis.ingest.docvars`). Empty cells mean "no
    value". Raises CorpusError naming the file when it cannot be used at all, or when a column name is
    not a word or clashes with a built-in column of the corpus table.
    """
    path = Path(path)
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise CorpusError(f"{path}: metadata file not found") from None
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise CorpusError(f"{path}: not a readable UTF-8 CSV file ({exc})") from None
    with path.open(encoding="utf-8-sig", newline="") as fh:  # pandas renames a repeated column
        header = [c.strip().lower() for c in next(csv.reader(fh), [])]
    df.columns = [c.strip().lower() for c in df.columns]
    if "path" not in df.columns:
        raise CorpusError(f"{path}: metadata file needs a 'path' column (has: {', '.join(df.columns)})")
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        raise CorpusError(f"{path}: column {repeated[0]!r} appears twice")
    for col in df.columns:
        if col != "path" and col not in BUILTIN_VARS:
            check_name(col, f"{path}: column", CORPUS_COLUMNS)
    for col in OVERRIDE_FIELDS:
        if col not in df.columns:
            df[col] = ""
    df = df.apply(lambda s: s.str.strip())
    extra = [c for c in df.columns if c != "path" and c not in OVERRIDE_FIELDS]
    return df[["path", *OVERRIDE_FIELDS, *extra]]


def _user_vars(corpus: pd.DataFrame) -> list[str]:
    """Names of the user's variables in a corpus table (columns beyond the built-in ones)."""
    return [c for c in corpus.columns if c not in CORPUS_COLUMNS and not c.endswith("_from")]


def _as_text(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.isoformat()
    return str(value)


def _year_value(value: str) -> int | None:
    text = value.strip()
    if re.fullmatch(r"\d{4}", text) and 1000 <= int(text) <= 2262:
        return int(text)
    return None


class _Setter:
    """Sets built-in fields and user variables of the corpus table, recording where each came from."""

    def __init__(self, corpus: pd.DataFrame, aliases: CompanyAliases) -> None:
        self.corpus = corpus
        self.aliases = aliases
        self.cells: dict[str, list[str]] = {}  # user variable -> text cells (typed at the end)
        self.origin: dict[str, list[str]] = {}

    def user(self, name: str) -> tuple[list[str], list[str]]:
        if name not in self.cells:
            existing = self.corpus[name] if name in self.corpus.columns else None
            self.cells[name] = [_as_text(v) for v in existing] if existing is not None else [""] * len(self.corpus)
            frm = f"{name}_from"
            self.origin[name] = (
                self.corpus[frm].fillna("").astype(str).tolist() if frm in self.corpus.columns
                else ["" if not c else "metadata" for c in self.cells[name]]
            )
        return self.cells[name], self.origin[name]

    def set(self, idx: int, name: str, value: str, origin: str, evidence: str) -> str:
        """Set one cell; returns why it was ignored ('' when it was set)."""
        c = self.corpus
        if name not in BUILTIN_VARS:
            cells, origins = self.user(name)
            cells[idx], origins[idx] = value, origin
            return ""
        if name == "date":
            parsed, why = override_date(value)  # invalid or outside pandas' range: warned, ignored
            if why:
                return why
            value = parsed
        elif name == "year":
            year = _year_value(value)
            if year is None:
                return f"year {value!r} is not a year (four digits, up to 2262)"
            value = year
        elif name == "company":
            value = self.aliases.canonical(value) or value
        c.at[idx, name] = value
        c.at[idx, f"{name}_from"] = origin
        if origin == "metadata" and name in OVERRIDE_FIELDS:
            c.at[idx, f"{name}_from_override"] = True
        if name in ("date", "company", "doc_type"):
            c.at[idx, f"{name}_source"] = evidence
        return ""

    def finish(self) -> pd.DataFrame:
        c = self.corpus
        for name, cells in self.cells.items():
            c[name] = infer_type(cells, name).set_axis(c.index)
            c[f"{name}_from"] = self.origin[name]
        return c


def _apply_path_vars(corpus: pd.DataFrame, pattern: PathVars, setter: _Setter) -> list[dict[str, str]]:
    """Variables of each document's relative path (over extraction); a path that does not match is
    a warning."""
    problems: list[dict[str, str]] = []
    for name in pattern.names:
        if name not in BUILTIN_VARS:
            setter.user(name)
    for i, rel in enumerate(corpus["path"]):
        found = pattern.match(rel)
        if found is None:
            problems.append(
                {"path": rel, "status": "warning", "reason": f"path does not match --path-vars {pattern.pattern!r}"}
            )
            continue
        for name, value in found.items():
            if not value:
                continue
            why = setter.set(i, name, value, "path", f"folder layout {pattern.pattern!r}: {rel}")
            if why:
                problems.append({"path": rel, "status": "warning", "reason": f"--path-vars {name}: {why}"})
    return problems


def _apply_overrides(
    corpus: pd.DataFrame, overrides: pd.DataFrame, source_name: str, setter: _Setter
) -> list[dict[str, str]]:
    """Merge the metadata file's cells over path variables and extracted values; report bad rows.

    A company override is mapped to its canonical name when it is a known alias (联通 -> 中国联通),
    so that it groups with the extracted values; any other name is kept as written.
    """
    problems: list[dict[str, str]] = []
    by_path = {p: i for i, p in enumerate(corpus["path"])}
    by_name: dict[str, list[int]] = {}
    for i, p in enumerate(corpus["path"]):
        by_name.setdefault(Path(p).name, []).append(i)
    columns = [c for c in overrides.columns if c != "path"]
    for name in columns:
        if name not in BUILTIN_VARS:
            setter.user(name)
    for n, row in enumerate(overrides.to_dict("records"), start=2):  # row 1 is the header
        raw = row["path"]
        key = raw if raw in by_path else raw.replace("\\", "/")  # \xNN: paths.display
        key = key[2:] if key.startswith("./") else key
        idx = by_path.get(key)
        if idx is None and "/" not in key:  # a bare name: its document when the name is unique
            candidates = by_name.get(key, [])
            idx = candidates[0] if len(candidates) == 1 else None
        if idx is None:
            problems.append(
                {"path": source_name, "status": "warning", "reason": f"row {n}: path '{raw}' matches no document"}
            )
            continue
        for name in columns:
            value = row[name]
            if not value:
                continue
            why = setter.set(idx, name, value, "metadata", f"metadata file {source_name}, row {n}")
            if why:
                problems.append({"path": source_name, "status": "warning", "reason": f"row {n}: {why}"})
    return problems


def _reconcile_years(corpus: pd.DataFrame) -> list[dict[str, str]]:
    """A year given by the metadata file or the folder layout and a date in another year: the
    stronger origin wins (metadata > path > document); a weaker date is cleared, and said."""
    problems: list[dict[str, str]] = []
    rank = {"metadata": 3, "path": 2, "document": 1, "": 0}
    given = corpus["year_from"].isin(["path", "metadata"]).to_numpy() & corpus["date"].notna().to_numpy()
    for i in np.flatnonzero(given):
        yfrom = corpus.at[i, "year_from"]
        date = corpus.at[i, "date"]
        if yfrom not in ("path", "metadata") or pd.isna(date) or int(date.year) == int(corpus.at[i, "year"]):
            continue
        dfrom = corpus.at[i, "date_from"]
        if rank.get(dfrom, 0) > rank[yfrom]:
            corpus.at[i, "year"], corpus.at[i, "year_from"] = int(date.year), dfrom
            continue
        reason = (
            f"date {date:%Y-%m-%d} ({dfrom or 'document'}) cleared: the year {corpus.at[i, 'year']} "
            f"from the {'metadata file' if yfrom == 'metadata' else 'folder layout'} differs"
        )
        corpus.at[i, "date"], corpus.at[i, "date_from"] = pd.NaT, ""
        corpus.at[i, "date_source"] = reason
        problems.append({"path": corpus.at[i, "path"], "status": "warning", "reason": reason})
    return problems


def _attach_docvars(
    corpus: pd.DataFrame,
    metadata: str | Path | None,
    path_vars: str | PathVars | None,
    aliases: CompanyAliases,
) -> tuple[pd.DataFrame, list[dict[str, str]]]:
    """Path variables, then the metadata file, over the extracted fields (see ingest/docvars.py)."""
    corpus = corpus.reset_index(drop=True)
    _ensure_from(corpus)
    corpus["year"] = corpus["year"].astype("object") if "year" in corpus.columns else None
    setter = _Setter(corpus, aliases)
    problems: list[dict[str, str]] = []
    if path_vars:
        pattern = path_vars if isinstance(path_vars, PathVars) else PathVars.parse(path_vars, CORPUS_COLUMNS)
        problems += _apply_path_vars(corpus, pattern, setter)
    if metadata is not None:
        problems += _apply_overrides(corpus, read_overrides(metadata), Path(metadata).name, setter)
    corpus = setter.finish()
    corpus["date"] = pd.to_datetime(corpus["date"]).astype("datetime64[ns]")
    _fill_years(corpus)
    problems += _reconcile_years(corpus)
    return corpus, problems


def _ensure_from(df: pd.DataFrame) -> None:
    """``<field>_from`` columns of the built-in fields: 'document' where extraction found a value."""
    for f in BUILTIN_VARS:
        col = f"{f}_from"
        if f == "year":
            continue
        if col not in df.columns:
            has = df[f].notna() & (df[f].astype(str) != "") if f in df.columns else pd.Series(False, index=df.index)
            df[col] = np.where(has.to_numpy(dtype=bool), "document", "")
        df[col] = df[col].fillna("").astype(str)
    if "year_from" not in df.columns:
        df["year_from"] = df["date_from"]


def _fill_years(df: pd.DataFrame) -> None:
    """``year`` from the date, except where the metadata file or the folder layout gave it."""
    date_year = pd.to_datetime(df["date"]).dt.year.astype("Int64")
    given = df["year_from"].isin(["path", "metadata"]).to_numpy() if "year_from" in df.columns else None
    if given is None or not given.any():
        df["year"] = date_year
        if "year_from" in df.columns:
            df["year_from"] = df["date_from"].where(date_year.notna(), "")
        return
    year = pd.to_numeric(df["year"], errors="coerce").astype("Int64")
    df["year"] = year.where(given, date_year).astype("Int64")
    df["year_from"] = df["year_from"].where(given, df["date_from"].where(date_year.notna(), ""))


def _finish(rows: pd.DataFrame | list[dict[str, Any]]) -> pd.DataFrame:
    """Turn per-file records (a frame of ``_ROW_FIELDS``, or dicts) into the typed corpus table."""
    df = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
    if df.empty:
        df = pd.DataFrame({c: pd.Series(dtype=object) for c in CORPUS_COLUMNS})
    df = df.drop(columns=["status"], errors="ignore")
    df["doc_id"] = [make_doc_id(p) for p in df["path"].tolist()]
    df["date"] = pd.to_datetime(df["date"]).astype("datetime64[ns]")
    for f in OVERRIDE_FIELDS:
        df[f"{f}_from_override"] = False
    _ensure_from(df)
    return df


def _derive(df: pd.DataFrame, *, hashed: bool = False, texts: Any = None) -> pd.DataFrame:
    """Columns computed from others: year, chars, content_hash, duplicate_of.

    ``hashed``: the ``content_hash`` column already holds the hash of every text (ingestion computed it).
    ``texts``: the texts as an Arrow string column aligned with the rows of ``df``, which then has no
    ``text`` column (nor gets one).
    """
    df["date"] = pd.to_datetime(df["date"]).astype("datetime64[ns]")
    for col in ("doc_type", "doc_type_source"):  # absent from older corpus files
        df[col] = df[col].fillna("").astype(str) if col in df.columns else ""
    _ensure_from(df)
    _fill_years(df)
    if texts is None:
        df["text"] = df["text"].astype(str)
        df["chars"] = df["text"].str.len().astype("int64")
    else:
        import pyarrow.compute as pc

        df["chars"] = pc.utf8_length(texts).to_numpy(zero_copy_only=False).astype("int64")
    if "chars_mapped" not in df:  # a corpus.parquet written before the column existed
        df["chars_mapped"] = 0
    df["chars_mapped"] = df["chars_mapped"].fillna(0).astype("int64")

    def texts_at(rows: Sequence[int]) -> list[str]:  # (one pass over the column, not a look-up per row)
        if texts is None:
            return df["text"].iloc[rows].tolist()  # type: ignore[no-any-return]
        return [texts[i].as_py() or "" for i in rows]

    if not hashed or "content_hash" not in df.columns:
        df["content_hash"] = [_content_hash(t) for t in texts_at(range(len(df)))]
    else:  # a record from a worker running older code has none
        missing = np.flatnonzero((df["content_hash"].fillna("") == "").to_numpy(dtype=bool))
        if len(missing):
            hashes = df["content_hash"].astype(object).to_numpy(copy=True)
            hashes[missing] = [_content_hash(t) for t in texts_at(missing.tolist())]
            df["content_hash"] = hashes
    df["content_hash"] = df["content_hash"].astype(str)
    if "removed_chars" not in df:  # a corpus.parquet written before repeats were recorded
        df["removed_chars"], df["removed_text"] = 0, ""
    df["removed_chars"] = df["removed_chars"].fillna(0).astype("int64")
    df["removed_text"] = df["removed_text"].fillna("").astype(str)
    first: dict[str, str] = {}
    dup = []
    for h, d in zip(df["content_hash"].tolist(), df["doc_id"].tolist(), strict=True):
        dup.append(first.get(h, ""))
        first.setdefault(h, d)
    df["duplicate_of"] = dup
    for col in ("date_source", "company_source"):  # evidence columns; absent from older corpus files
        df[col] = df[col].fillna("").astype(str) if col in df.columns else ""
    for col in ("title", "company", "source", "script", "encoding", "format", "path", "doc_id"):
        df[col] = df[col].fillna("").astype(str)
    extra = [c for v in _user_vars(df) for c in (v, f"{v}_from") if c in df.columns]
    columns = CORPUS_COLUMNS if texts is None else [c for c in CORPUS_COLUMNS if c != "text"]
    return df[columns + extra].reset_index(drop=True)


def _read_ingested(
    parquet: Path, metadata: str | Path | None, aliases: CompanyAliases, path_vars: str | PathVars | None = None
) -> IngestResult:
    """An ingested corpus (``corpus.parquet`` + sibling ``ingest_report.csv``), overrides re-applied."""
    corpus = pd.read_parquet(parquet)
    if parquet.is_dir():  # a partitioned dataset (issue 12): parts in name order, as one table
        corpus = corpus.sort_values("path", kind="stable").reset_index(drop=True)
    report_file = parquet.with_name("ingest_report.csv")
    report = (
        pd.read_csv(report_file, dtype=str, keep_default_na=False)
        if report_file.exists()
        else pd.DataFrame(columns=REPORT_COLUMNS)
    )
    if metadata is not None or path_vars:
        # overrides never touch the text, so the hashes ingestion stored stay right (_derive computes
        # any that are missing)
        corpus, problems = _attach_docvars(_derive(corpus, hashed=True), metadata, path_vars, aliases)
        corpus = _derive(corpus, hashed=True)
        report = pd.concat([report, pd.DataFrame(problems, columns=REPORT_COLUMNS)], ignore_index=True)
    return IngestResult(corpus=corpus, report=report)


def read_corpus(
    path: str | Path,
    metadata: str | Path | None = None,
    *,
    keep_repeated: bool = False,
    companies: Sequence[str | Path] = (),
    progress: bool = True,
    n_jobs: int | None = None,
    cache: bool = True,
    cache_dir: str | Path | None = None,
    ocr: bool = False,
    engine: Any = None,
    path_vars: str | None = None,
    arrow_texts: bool = False,
) -> IngestResult:
    """Ingest a folder, one file, or a ``corpus.parquet`` written by ``ingest``: corpus table + report.

    See the module docstring for the columns of both. Each file's record is cached (``cache_dir``,
    default ``config.CACHE_DIR``; see :mod:`analysis.ingest.cache`): a re-run on an unchanged folder
    cleans nothing. ``cache=False`` ingests every file and writes no cache. ``ocr``: run Tesseract on
    PDF pages without a usable text layer (see :mod:`analysis.ingest.pdf`). ``engine``: ``"dask"`` or an
    engine of :mod:`analysis.engine` reads the files as tasks over file partitions (same table). ``path_vars``: variables
    from the folder layout, e.g. ``"{genre}/*"`` (see :class:`analysis.ingest.docvars.PathVars`); the
    metadata file wins over them, and they win over extraction. ``arrow_texts`` (a folder or a file):
    the texts are not a column of the corpus table but one Arrow column in ``result.texts``, aligned with
    the rows (no Python string is made of them: what ``ingest`` writes from; issue 12).
    """
    root = Path(path)
    pattern = PathVars.parse(path_vars, CORPUS_COLUMNS) if path_vars else None  # a bad pattern: error now
    if not root.exists():
        raise CorpusError(f"{root}: no such file or folder")
    company_files = tuple(str(p) for p in (config.COMPANIES_FILE, *companies))
    try:  # a bad alias file is the user's whole run going wrong: say so now, not once per document
        aliases = load_aliases(Path(company_files[0]), extra=tuple(Path(p) for p in company_files[1:]))
    except AnalysisError as exc:
        raise CorpusError(str(exc)) from None
    if root.suffix == ".parquet" and (root.is_file() or root.is_dir()):  # a dir: a partitioned dataset
        key = _memo.identity(root, root.with_name("ingest_report.csv"), metadata, *company_files)
        key = None if key is None else (key, path_vars)
        read = _LAST_READ.get(key)
        if read is None:
            read = _read_ingested(root, metadata, aliases, pattern)
            _LAST_READ.put(key, read)
        return IngestResult(corpus=_memo.frame(read.corpus), report=_memo.frame(read.report))
    if root.is_file():
        entries, root = [(os.fspath(root), root.name, False)], root.parent
    else:
        entries = _walk(root)
    follow, named = limits.active().follow_links, os.fspath(Path(path))
    report: list[dict[str, str]] = []
    todo: list[tuple[str, str]] = []
    for f, rel_raw, link in entries:
        rel = paths.display(rel_raw)
        if link and not follow and f != named and paths.leaves(f, root):  # a named file is read
            report.append({"path": rel, "status": "skipped", "reason": paths.link_reason(f)})
            continue
        suffix = _suffix(rel_raw.rpartition("/")[2])
        if suffix.lower() not in SUPPORTED_SUFFIXES:
            report.append({"path": rel, "status": "skipped", "reason": f"unsupported format '{suffix or '(none)'}'"})
            continue
        todo.append((f, rel))
    _ALIASES.clear()
    seen: dict[str, Any] = {}
    # --- engine (issue 12): file partitions as tasks of a Dask cluster, else this machine's pool
    from analysis.engine import resolve

    runner, owned = resolve(engine)
    if runner is not None:
        from analysis.engine.partitions import ingest_records

        shared_cache = str(Path(cache_dir or config.CACHE_DIR).resolve()) if cache else None
        try:
            paths_todo = [(Path(f), rel) for f, rel in todo]
            records = ingest_records(runner, root, paths_todo, keep_repeated, company_files, shared_cache, ocr, progress)
            table = _records_table(records)
            del records
        finally:
            if owned:
                runner.close()
    else:
        store = IngestCache(cache_dir) if cache else None
        table = _run_table(
            root, todo, keep_repeated, company_files, store, n_jobs or config.n_jobs_default(), progress, ocr,
            seen=seen,
        )  # fmt: skip
    # --- end engine

    notes = ["path", "status", "reason", "warning", "removed_chars", "removed_reasons"]
    report.extend(_frame_report(table.select(notes).to_pandas()))
    ok = (table.column("status").to_numpy(zero_copy_only=False) == "ok")
    if not ok.all():  # skipped files: out of the table, before it becomes a DataFrame
        table = take_rows(table, np.flatnonzero(ok).tolist())
    # the texts stay one Arrow column, apart from the rest, until the end (one copy of them at a time)
    texts = table.column("text")
    rows = table.select([f for f in (*_ROW_FIELDS, "content_hash") if f != "text"]).to_pandas()
    del table
    corpus = _finish(rows)
    del rows
    if metadata is not None:
        read_overrides(metadata)  # a bad metadata file is an error before anything else
    if metadata is not None or pattern is not None:
        corpus, problems = _attach_docvars(corpus, metadata, pattern, aliases)
        report.extend(problems)
    corpus = _derive(corpus, hashed=True, texts=texts)
    if not corpus["path"].is_monotonic_increasing:  # listed in order already, unless names were escaped
        order = np.argsort(corpus["path"].to_numpy(dtype=object), kind="stable")
        corpus = corpus.iloc[order].reset_index(drop=True)
        texts = texts.take(order)
    if not arrow_texts:
        corpus.insert(CORPUS_COLUMNS.index("text"), "text", _text_column(texts).to_numpy())
        texts = None

    for d, p in zip(corpus["duplicate_of"].tolist(), corpus["path"].tolist(), strict=True):
        if d:
            report.append({"path": p, "status": "warning", "reason": f"exact duplicate of document {d}"})
    report_df = pd.DataFrame(report, columns=REPORT_COLUMNS)
    report_df = report_df.sort_values(["status", "path"], kind="stable").reset_index(drop=True)
    inputs = None
    if "keys" in seen:
        listed = [(r["path"], r["reason"]) for r in report[: len(entries) - len(todo)]]
        inputs = _inputs_key(seen, listed, metadata, path_vars)
    return IngestResult(corpus=corpus, report=report_df, inputs_key=inputs, texts=texts)


def _text_column(texts: Any) -> pd.Series:
    """An Arrow string column as the corpus table's ``text`` column (``astype(str)``, as ``_derive`` makes it)."""
    return texts.to_pandas().astype(str)


def _inputs_key(
    seen: dict[str, Any], listed: list[tuple[str, str]], metadata: str | Path | None, path_vars: str | None
) -> str:
    """Hash of what a corpus table made from cached records depends on: the ingestion rules (the source
    of analysis.ingest), each file's name and record key (its bytes and settings), the alias files, the
    files left out at listing, the metadata file's content and the path pattern, and the libraries
    that write the tables."""
    import pyarrow as pa

    from analysis import _io as io_module
    from analysis.ingest.cache import rules_key

    h = hashlib.sha256()
    parts = [rules_key(), seen["aliases"], str(path_vars or ""), pd.__version__, pa.__version__]
    parts.append(io_module.source_digest(io_module.__file__))
    parts.append(hashlib.sha256(Path(metadata).read_bytes()).hexdigest() if metadata is not None else "")
    for part in parts:
        h.update(part.encode() + b"\0")
    for rel, key in seen["keys"]:
        h.update(rel.encode("utf-8", "backslashreplace") + b"\0" + key.encode() + b"\n")
    for rel, reason in listed:
        h.update(rel.encode("utf-8", "backslashreplace") + b"\0" + reason.encode("utf-8", "backslashreplace") + b"\n")
    return h.hexdigest()


def load_corpus(
    path: str | Path,
    metadata: str | Path | None = None,
    *,
    keep_repeated: bool = False,
    companies: Sequence[str | Path] = (),
    progress: bool = True,
    cache: bool = True,
    ocr: bool = False,
    engine: Any = None,
    path_vars: str | None = None,
    quiet: bool = False,
) -> pd.DataFrame:
    """Load a corpus: a folder of raw documents, one document, or a ``corpus.parquet`` written by ``ingest``.

    Returns the corpus table (see the module docstring for its columns). The summary the ``ingest``
    command prints (documents, undated, without company, skipped) is printed too (``quiet=True``: not)
    and kept in ``corpus.attrs["ingest"]`` (an ``IngestSummary``), whose ``.report`` is the ingest
    report of skipped and problematic files; ``read_corpus`` returns both as well.
    """
    result = read_corpus(
        path,
        metadata,
        keep_repeated=keep_repeated,
        companies=companies,
        progress=progress,
        cache=cache,
        ocr=ocr,
        engine=engine,
        path_vars=path_vars,
    )
    corpus = result.corpus
    corpus.attrs["ingest"] = result.summary
    if not quiet:
        print(result.summary)
    return corpus


def load_corpus_texts(
    path: str | Path,
    metadata: str | Path | None = None,
    *,
    companies: Sequence[str | Path] = (),
    progress: bool = True,
    engine: Any = None,
    path_vars: str | None = None,
    spill_dir: str | Path | None = None,
) -> tuple[pd.DataFrame, Any]:
    """``load_corpus`` without the text column: (the corpus table without ``text``, its texts as an
    ``analysis.engine.texts.CorpusTexts`` aligned with the rows) for work that reads the texts a
    partition at a time (the ``stats`` command; issue 12).

    A ``corpus.parquet`` written by ``ingest`` (no metadata file, no path pattern) is read without its
    ``text`` column, whose cells are then read from the file itself. Anything else is loaded as
    ``load_corpus`` does, and the texts are written to a spill file in ``spill_dir`` (default
    ``<cache>/spill``), removed when the returned ``CorpusTexts`` is closed. ``corpus.attrs["ingest"]``
    is set as ``load_corpus`` sets it (nothing is printed).
    """
    from analysis.engine.texts import CorpusTexts

    root = Path(path)
    if metadata is None and not path_vars and root.suffix == ".parquet" and root.is_file():
        read = _read_ingested_docvars(root, companies)
        if read is not None:
            result, hashes = read
            result.corpus.attrs["ingest"] = result.summary
            return result.corpus, CorpusTexts(root, hashes)
    # a folder: the texts come as one Arrow column (no Python string made), written to the spill file
    result = read_corpus(
        path, metadata, companies=companies, progress=progress, engine=engine, path_vars=path_vars, arrow_texts=True
    )
    corpus, column = result.corpus, result.texts
    if column is None:  # a corpus.parquet with a metadata file or a path pattern: read whole
        column = corpus["text"]
        corpus = corpus.drop(columns=["text"])
    result.texts = None
    folder = Path(spill_dir) if spill_dir is not None else Path(config.CACHE_DIR) / "spill"
    hashes = corpus["content_hash"].tolist() if "content_hash" in corpus.columns else []
    if len(hashes) != len(corpus) or not _all_hashes(hashes):
        values = column.tolist() if isinstance(column, pd.Series) else column.to_pylist()
        hashes = [_content_hash(t if isinstance(t, str) else "") for t in values]
    texts = CorpusTexts.spill(column, hashes, folder)
    del column
    corpus.attrs["ingest"] = result.summary
    return corpus, texts


def _read_ingested_docvars(parquet: Path, companies: Sequence[str | Path]) -> tuple[IngestResult, list[str]] | None:
    """A ``corpus.parquet`` of ``ingest`` without its text column, and the texts' content hashes; None
    when the file has no usable ``content_hash`` (the texts must then be read and hashed)."""
    import pyarrow.parquet as pq

    company_files = tuple(str(p) for p in (config.COMPANIES_FILE, *companies))
    try:  # as read_corpus: a bad alias file is an error even when the corpus needs none
        load_aliases(Path(company_files[0]), extra=tuple(Path(p) for p in company_files[1:]))
    except AnalysisError as exc:
        raise CorpusError(str(exc)) from None
    try:
        names = pq.ParquetFile(parquet).schema_arrow.names
    except (OSError, ValueError) as exc:
        raise CorpusError(f"{parquet}: not a readable Parquet file ({exc})") from None
    if "text" not in names or "content_hash" not in names:
        return None
    corpus = pd.read_parquet(parquet, columns=[n for n in names if n != "text"])
    hashes = corpus["content_hash"].tolist()
    if not _all_hashes(hashes):
        return None
    report_file = parquet.with_name("ingest_report.csv")
    report = (
        pd.read_csv(report_file, dtype=str, keep_default_na=False)
        if report_file.exists()
        else pd.DataFrame(columns=REPORT_COLUMNS)
    )
    return IngestResult(corpus=corpus, report=report), hashes


def _inside(child: Path, parent: Path) -> bool:
    try:
        child.resolve().relative_to(parent.resolve())
    except ValueError:
        return False
    return True


def ingest(
    path: str | Path,
    out: str | Path,
    metadata: str | Path | None = None,
    *,
    keep_repeated: bool = False,
    companies: Sequence[str | Path] = (),
    progress: bool = True,
    cache: bool = True,
    ocr: bool = False,
    engine: Any = None,
    path_vars: str | None = None,
    arrow_texts: bool = False,
) -> IngestResult:
    """Ingest ``path`` and write ``out/corpus.parquet``, ``out/corpus.csv`` (no text), ``out/ingest_report.csv``.

    Refuses to write inside the input folder. Files are written atomically. When no document at all
    could be ingested, only the report is written and CorpusError is raised (an existing corpus in
    ``out`` is left as it was). ``arrow_texts``: the returned corpus table has no ``text`` column, the
    texts are ``result.texts`` (Arrow), and no Python string is made of them (the ``ingest`` command).
    """
    src, out = Path(path), Path(out)
    if src.is_dir() and _inside(out, src):
        raise CorpusError(
            f"{out}: output folder is inside the input folder {src}; raw data is never written to"
        )
    result = read_corpus(
        src,
        metadata,
        keep_repeated=keep_repeated,
        companies=companies,
        progress=progress,
        cache=cache,
        ocr=ocr,
        engine=engine,
        path_vars=path_vars,
        arrow_texts=arrow_texts and not (src.suffix == ".parquet" and (src.is_file() or src.is_dir())),
    )
    out.mkdir(parents=True, exist_ok=True)
    if result.corpus.empty:
        # Keep whatever good corpus ``out`` may already hold; only say why nothing was ingested.
        _io.write_csv(result.report, out / "ingest_report.csv")
        raise CorpusError(
            f"{src}: no document could be ingested ({len(result.report)} file(s) skipped); "
            f"see {out / 'ingest_report.csv'}"
        )
    write_corpus(result, out)
    return result


# Beside the outputs of ``ingest``: the inputs key they were made from, and each file's size and
# modification time after writing (an output edited or replaced since is written again).
_OUTPUTS_NOTE = "ingest_inputs.json"
_OUTPUTS = ("corpus.parquet", "corpus.csv", "ingest_report.csv")


def _outputs_state(out: Path) -> list[list[int]] | None:
    try:
        return [[st.st_size, st.st_mtime_ns, st.st_ino] for st in (os.stat(out / name) for name in _OUTPUTS)]
    except OSError:
        return None


def _outputs_current(out: Path, inputs_key: str) -> bool:
    """The outputs in ``out`` were written from the same inputs and are untouched since."""
    try:
        note = json.loads((out / _OUTPUTS_NOTE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    state = _outputs_state(out)
    return isinstance(note, dict) and note.get("inputs") == inputs_key and state is not None and note.get("files") == state


def _outputs_key(result: IngestResult) -> str | None:
    """What the outputs stand for: the inputs, and the rows kept (a caller may filter the table)."""
    return None if result.inputs_key is None else f"{result.inputs_key}:{len(result.corpus)}"


def write_corpus(result: IngestResult, out: Path) -> None:
    """Write the three ingest outputs atomically into ``out`` (unless they are there already, made from
    the same inputs and untouched since: a re-run over an unchanged folder writes nothing)."""
    key = _outputs_key(result)
    if key is not None and _outputs_current(out, key):
        return
    with contextlib.suppress(OSError):  # from here on the outputs are not known to be current
        (out / _OUTPUTS_NOTE).unlink()

    # The CSVs are written in a thread meanwhile (Arrow compresses and writes the Parquet file without
    # the GIL), under names of their own, and take their place only once the Parquet file is written.
    pending = {name: out / f".{name}.{os.getpid()}.pending" for name in ("corpus.csv", "ingest_report.csv")}

    def write_csvs() -> None:
        table = result.corpus.drop(columns=["text"], errors="ignore").copy()
        table["date"] = table["date"].dt.strftime("%Y-%m-%d").fillna("")
        _io.write_csv(table, pending["corpus.csv"])  # for spreadsheets: formula-like cells neutralised
        _io.write_csv(result.report, pending["ingest_report.csv"])

    from concurrent.futures import ThreadPoolExecutor

    try:
        with ThreadPoolExecutor(1, thread_name_prefix="textlab-csv") as pool:
            csvs = pool.submit(write_csvs)
            if result.texts is None:
                _io.write_with(out / "corpus.parquet", lambda t: result.corpus.to_parquet(t, index=False))
            else:
                _io.write_with(out / "corpus.parquet", lambda t: _write_parquet_texts(result.corpus, result.texts, t))
            csvs.result()  # (raises what the thread raised)
        for name, path in pending.items():
            os.replace(path, out / name)
    finally:
        for path in pending.values():
            with contextlib.suppress(OSError):
                path.unlink()
    state = _outputs_state(out)
    if key is not None and state is not None:
        with contextlib.suppress(OSError):
            _io.write_text(out / _OUTPUTS_NOTE, json.dumps({"inputs": key, "files": state}))


def _write_parquet_texts(corpus: pd.DataFrame, texts: Any, target: Any, rows: int = 2_000) -> None:
    """``corpus`` with ``texts`` (Arrow) as its ``text`` column, written as ``DataFrame.to_parquet`` would
    write the table with the texts (same columns, types and pandas metadata), in row groups of ``rows``
    documents: the texts go from their Arrow column to the file, never as Python strings."""
    import json as json_module

    import pyarrow as pa
    import pyarrow.parquet as pq

    at = CORPUS_COLUMNS.index("text")
    docvars = pa.Table.from_pandas(corpus, preserve_index=False)
    # the text column's type and pandas metadata as pandas gives them for the table with its texts
    one = corpus.head(1).copy()
    one.insert(at, "text", _text_column(texts.slice(0, 1)).to_numpy())
    field_text = pa.Table.from_pandas(one, preserve_index=False).schema.field("text")
    meta_one = json_module.loads(pa.Table.from_pandas(one, preserve_index=False).schema.metadata[b"pandas"])
    meta = json_module.loads(docvars.schema.metadata[b"pandas"])
    meta["columns"].insert(at, next(c for c in meta_one["columns"] if c["name"] == "text"))
    schema = docvars.schema.insert(at, field_text)
    schema = schema.with_metadata({**docvars.schema.metadata, b"pandas": json_module.dumps(meta).encode()})
    # the long text columns without dictionary encoding (every cell another string): read faster
    plain = {"text", "removed_text"}
    with pq.ParquetWriter(target, schema, use_dictionary=[n for n in schema.names if n not in plain]) as writer:
        for start in range(0, max(len(corpus), 1), rows):  # one row group at a time: no copy of all texts
            part = docvars.slice(start, rows)
            text = texts.slice(start, rows).cast(field_text.type)
            writer.write_table(part.add_column(at, field_text, text).replace_schema_metadata(schema.metadata))


def corpus_summary(corpus: pd.DataFrame) -> dict[str, Any]:
    """Small summary used by the CLI and the report index: counts of documents, companies, years."""
    years = corpus["year"].dropna()
    return {
        "documents": len(corpus),
        "companies": sorted(c for c in corpus["company"].unique() if c),
        "unattributed": int((corpus["company"] == "").sum()),
        "undated": int(corpus["date"].isna().sum()),
        "years": (int(years.min()), int(years.max())) if len(years) else None,
        "duplicates": int((corpus["duplicate_of"] != "").sum()),
    }


def corpus_hash(corpus: pd.DataFrame, extra: Iterable[str] = ()) -> str:
    """A short hash identifying the corpus content (and any extra settings strings)."""
    h = hashlib.sha256()
    for part in sorted(corpus["content_hash"]):
        h.update(part.encode())
    for part in extra:
        h.update(part.encode())
    return h.hexdigest()[:16]
