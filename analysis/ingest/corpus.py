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
text                  cleaned analysis text, simplified script, one paragraph per line
content_hash          sha256 of ``text``: the key of every downstream cache
duplicate_of          doc_id of an earlier document with identical text, else ''
*_from_override       True where title / date / company / source came from the metadata file
===================== =========================================================================

The ingest report lists every skipped or problematic file with columns ``path, status, reason``;
``status`` is ``skipped`` (not in the corpus) or ``warning`` (in the corpus, but look at it).
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm

from analysis import _io, config
from analysis._checks import override_date
from analysis.errors import AnalysisError, CorpusError, ReadError
from analysis.ingest import limits, paths
from analysis.ingest.clean import clean_body, prepare
from analysis.ingest.limits import run_budgeted
from analysis.ingest.metadata import CompanyAliases, describe, load_aliases
from analysis.ingest.readers import SUPPORTED_SUFFIXES, read_document

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
    "text",
    "content_hash",
    "duplicate_of",
    *(f"{f}_from_override" for f in OVERRIDE_FIELDS),
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

    @property
    def n_skipped(self) -> int:
        """Number of files left out of the corpus."""
        return int((self.report["status"] == "skipped").sum()) if len(self.report) else 0


def make_doc_id(rel_path: str) -> str:
    """Deterministic document id from the path relative to the corpus root."""
    return hashlib.sha1(rel_path.encode("utf-8")).hexdigest()[:12]


def list_files(root: Path) -> list[Path]:
    """All files below ``root``, sorted, following symlinked folders but never a loop.

    Hidden files and folders (``.git``, ``.DS_Store`` ...) are left out. A link to a folder outside
    ``root`` is listed itself, not walked (read_corpus reports it), unless ``--follow-links``.
    """
    root = Path(root)
    seen: set[tuple[int, int]] = set()
    out: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        try:
            st = os.stat(dirpath)
        except OSError:
            dirnames[:] = []
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen:  # a symlink loop or a second link to a folder already walked
            dirnames[:] = []
            continue
        seen.add(key)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        if not limits.active().follow_links:  # a link out of the folder is listed (and reported), not walked
            out.extend(Path(dirpath) / d for d in dirnames if paths.leaves(Path(dirpath) / d, root))
            dirnames[:] = [d for d in dirnames if not paths.leaves(Path(dirpath) / d, root)]
        out.extend(Path(dirpath) / name for name in filenames if not name.startswith("."))
    return sorted(out, key=lambda p: p.relative_to(root).as_posix())


def _process_file(root: str, rel: str, keep_repeated: bool, company_files: tuple[str, ...]) -> dict[str, Any]:
    """Read, clean and describe one file. Never raises: failures come back as a skip record."""
    path = paths.on_disk(root, rel)  # rel is the readable form of the name (paths.display)
    try:
        raw = read_document(path)
        prepared = prepare(raw.text, fmt=raw.format)
        text = clean_body(prepared.text, keep_repeated=keep_repeated)
        if not text.strip():
            return {"status": "skipped", "path": rel, "reason": "no text left after cleaning"}
        front_matter = dict(prepared.front_matter)
        if raw.format == "html":
            for key in _HTML_DATE_META:
                if raw.meta.get(key):
                    front_matter.setdefault(key, raw.meta[key])
    except ReadError as exc:
        return {"status": "skipped", "path": rel, "reason": exc.reason}
    except Exception as exc:  # one bad file must never lose the rest of the corpus
        return {"status": "skipped", "path": rel, "reason": f"unexpected error: {type(exc).__name__}: {exc}"}
    title, date, company, source, warning = "", None, "", "", ""
    try:
        aliases = load_aliases(Path(company_files[0]), extra=tuple(Path(p) for p in company_files[1:]))
        meta = describe(
            prepared.text,
            front_matter=prepared.front_matter,
            spaced_text=prepared.spaced_text,
            spaced_headings=prepared.spaced_headings,
            date_front_matter=front_matter,
            aliases=aliases,
        )
        title, date, company, source = meta.title, meta.date, meta.company, meta.source
    except Exception as exc:  # the text is good: keep the document, undescribed, and say so
        warning = (
            f"metadata extraction failed ({type(exc).__name__}: {exc}); title/date/company/source left empty"
        )
        title, date, company, source = title or "", None, "", ""
    return {
        "status": "ok",
        "warning": warning,
        "path": rel,
        "title": title,
        "date": pd.Timestamp(date) if date else pd.NaT,
        "company": company,
        "source": source,
        "script": prepared.script,
        "encoding": raw.encoding,
        "format": raw.format,
        "text": text,
    }


def _process_star(args: tuple[str, str, bool, tuple[str, ...]]) -> dict[str, Any]:
    return _process_file(*args)


def read_overrides(path: str | Path) -> pd.DataFrame:
    """Read a metadata override file (CSV, UTF-8): a ``path`` column plus any of title/date/company/source.

    Empty cells mean "no override". Raises CorpusError naming the file when it cannot be used at all.
    """
    path = Path(path)
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise CorpusError(f"{path}: metadata file not found") from None
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise CorpusError(f"{path}: not a readable UTF-8 CSV file ({exc})") from None
    df.columns = [c.strip().lower() for c in df.columns]
    if "path" not in df.columns:
        raise CorpusError(f"{path}: metadata file needs a 'path' column (has: {', '.join(df.columns)})")
    unknown = [c for c in df.columns if c != "path" and c not in OVERRIDE_FIELDS]
    if unknown:
        raise CorpusError(
            f"{path}: unknown column(s) {', '.join(unknown)}; allowed: path, {', '.join(OVERRIDE_FIELDS)}"
        )
    for col in OVERRIDE_FIELDS:
        if col not in df.columns:
            df[col] = ""
    df = df.apply(lambda s: s.str.strip())
    return df[["path", *OVERRIDE_FIELDS]]


def _apply_overrides(
    corpus: pd.DataFrame, overrides: pd.DataFrame, source_name: str, aliases: CompanyAliases
) -> tuple[pd.DataFrame, list[dict[str, str]]]:
    """Merge override cells over extracted values; return the corpus and report records for bad rows.

    A company override is mapped to its canonical name when it is a known alias (联通 -> 中国联通),
    so that it groups with the extracted values; any other name is kept as written.
    """
    problems: list[dict[str, str]] = []
    by_path = {p: i for i, p in enumerate(corpus["path"])}
    by_name: dict[str, list[int]] = {}
    for i, p in enumerate(corpus["path"]):
        by_name.setdefault(Path(p).name, []).append(i)
    for n, row in enumerate(overrides.itertuples(index=False), start=2):  # row 1 is the header
        key = row.path if row.path in by_path else row.path.replace("\\", "/")  # \xNN: paths.display
        key = key[2:] if key.startswith("./") else key
        idx = by_path.get(key)
        if idx is None and "/" not in key:  # a bare name: its document when the name is unique
            candidates = by_name.get(key, [])
            idx = candidates[0] if len(candidates) == 1 else None
        if idx is None:
            problems.append(
                {
                    "path": source_name,
                    "status": "warning",
                    "reason": f"row {n}: path '{row.path}' matches no document",
                }
            )
            continue
        for fieldname in OVERRIDE_FIELDS:
            value = getattr(row, fieldname)
            if not value:
                continue
            if fieldname == "date":
                parsed, why = override_date(value)  # invalid or outside pandas' range: warned, ignored
                if why:
                    problems.append({"path": source_name, "status": "warning", "reason": f"row {n}: {why}"})
                    continue
                value = parsed
            elif fieldname == "company":
                value = aliases.canonical(value) or value
            corpus.at[idx, fieldname] = value
            corpus.at[idx, f"{fieldname}_from_override"] = True
    return corpus, problems


def _finish(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Turn per-file records into the typed corpus table."""
    df = pd.DataFrame(rows)
    if df.empty:
        df = pd.DataFrame({c: pd.Series(dtype=object) for c in CORPUS_COLUMNS})
    df = df.drop(columns=["status"], errors="ignore")
    df["doc_id"] = df["path"].map(make_doc_id)
    df["date"] = pd.to_datetime(df["date"]).astype("datetime64[ns]")
    for f in OVERRIDE_FIELDS:
        df[f"{f}_from_override"] = False
    return df


def _derive(df: pd.DataFrame) -> pd.DataFrame:
    """Columns computed from others: year, chars, content_hash, duplicate_of."""
    df["date"] = pd.to_datetime(df["date"]).astype("datetime64[ns]")
    df["year"] = df["date"].dt.year.astype("Int64")
    df["text"] = df["text"].astype(str)
    df["chars"] = df["text"].str.len().astype("int64")
    df["content_hash"] = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in df["text"]]
    first: dict[str, str] = {}
    dup = []
    for h, d in zip(df["content_hash"], df["doc_id"], strict=True):
        dup.append(first.get(h, ""))
        first.setdefault(h, d)
    df["duplicate_of"] = dup
    for col in ("title", "company", "source", "script", "encoding", "format", "path", "doc_id"):
        df[col] = df[col].fillna("").astype(str)
    return df[CORPUS_COLUMNS].reset_index(drop=True)


def _read_ingested(parquet: Path, metadata: str | Path | None, aliases: CompanyAliases) -> IngestResult:
    """An ingested corpus (``corpus.parquet`` + sibling ``ingest_report.csv``), overrides re-applied."""
    corpus = pd.read_parquet(parquet)
    report_file = parquet.with_name("ingest_report.csv")
    report = (
        pd.read_csv(report_file, dtype=str, keep_default_na=False)
        if report_file.exists()
        else pd.DataFrame(columns=REPORT_COLUMNS)
    )
    if metadata is not None:
        corpus, problems = _apply_overrides(corpus, read_overrides(metadata), Path(metadata).name, aliases)
        corpus = _derive(corpus)
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
) -> IngestResult:
    """Ingest a folder, one file, or a ``corpus.parquet`` written by ``ingest``: corpus table + report.

    See the module docstring for the columns of both.
    """
    root = Path(path)
    if not root.exists():
        raise CorpusError(f"{root}: no such file or folder")
    company_files = tuple(str(p) for p in (config.COMPANIES_FILE, *companies))
    try:  # a bad alias file is the user's whole run going wrong: say so now, not once per document
        aliases = load_aliases(Path(company_files[0]), extra=tuple(Path(p) for p in company_files[1:]))
    except AnalysisError as exc:
        raise CorpusError(str(exc)) from None
    if root.is_file() and root.suffix == ".parquet":
        return _read_ingested(root, metadata, aliases)
    if root.is_file():
        files, root = [root], root.parent
    else:
        files = list_files(root)
    report: list[dict[str, str]] = []
    jobs: list[tuple[str, str, bool, tuple[str, ...]]] = []
    for f in files:
        rel = paths.display(f.relative_to(root).as_posix())
        if not limits.active().follow_links and paths.leaves(f, root):
            report.append({"path": rel, "status": "skipped", "reason": paths.link_reason(f)})
            continue
        if f.suffix.lower() not in SUPPORTED_SUFFIXES:
            report.append(
                {"path": rel, "status": "skipped", "reason": f"unsupported format '{f.suffix or '(none)'}'"}
            )
            continue
        jobs.append((str(root), rel, keep_repeated, company_files))

    n_jobs = n_jobs or config.n_jobs_default()
    bar = dict(
        total=len(jobs), desc="ingest", unit="file", disable=not progress or len(jobs) < 50, file=sys.stderr
    )
    with tqdm(**bar) as pbar:  # every file in a worker process, under the per-file budget of limits.py
        results = run_budgeted(
            _process_star,
            jobs,
            failed=lambda job, reason: {"status": "skipped", "path": job[1], "reason": reason},
            n_jobs=n_jobs if len(jobs) >= _PARALLEL_MIN_FILES else 1,
            progress=pbar.update,
        )

    rows = []
    for res in results:
        if res["status"] == "ok":
            warning = res.pop("warning", "")
            if warning:
                report.append({"path": res["path"], "status": "warning", "reason": warning})
            rows.append(res)
        else:
            report.append({"path": res["path"], "status": "skipped", "reason": res["reason"]})

    corpus = _finish(rows)
    if metadata is not None:
        overrides = read_overrides(metadata)
        corpus, problems = _apply_overrides(corpus, overrides, Path(metadata).name, aliases)
        report.extend(problems)
    corpus = _derive(corpus).sort_values("path", kind="stable").reset_index(drop=True)

    for d, p in zip(corpus["duplicate_of"], corpus["path"], strict=True):
        if d:
            report.append({"path": p, "status": "warning", "reason": f"exact duplicate of document {d}"})
    report_df = pd.DataFrame(report, columns=REPORT_COLUMNS)
    report_df = report_df.sort_values(["status", "path"], kind="stable").reset_index(drop=True)
    return IngestResult(corpus=corpus, report=report_df)


def load_corpus(
    path: str | Path,
    metadata: str | Path | None = None,
    *,
    keep_repeated: bool = False,
    companies: Sequence[str | Path] = (),
    progress: bool = True,
) -> pd.DataFrame:
    """Load a corpus: a folder of raw documents, one document, or a ``corpus.parquet`` written by ``ingest``.

    Returns the corpus table (see the module docstring for its columns). ``read_corpus`` returns the
    ingest report of skipped and problematic files as well.
    """
    return read_corpus(
        path, metadata, keep_repeated=keep_repeated, companies=companies, progress=progress
    ).corpus


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
) -> IngestResult:
    """Ingest ``path`` and write ``out/corpus.parquet``, ``out/corpus.csv`` (no text), ``out/ingest_report.csv``.

    Refuses to write inside the input folder. Files are written atomically. When no document at all
    could be ingested, only the report is written and CorpusError is raised (an existing corpus in
    ``out`` is left as it was).
    """
    src, out = Path(path), Path(out)
    if src.is_dir() and _inside(out, src):
        raise CorpusError(
            f"{out}: output folder is inside the input folder {src}; raw data is never written to"
        )
    result = read_corpus(src, metadata, keep_repeated=keep_repeated, companies=companies, progress=progress)
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


def write_corpus(result: IngestResult, out: Path) -> None:
    """Write the three ingest outputs atomically into ``out``."""
    _io.write_with(out / "corpus.parquet", lambda t: result.corpus.to_parquet(t, index=False))
    table = result.corpus.drop(columns=["text"]).copy()
    table["date"] = table["date"].dt.strftime("%Y-%m-%d").fillna("")
    _io.write_csv(table, out / "corpus.csv")  # for spreadsheets: formula-like cells neutralised
    _io.write_csv(result.report, out / "ingest_report.csv")


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
