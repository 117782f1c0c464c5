"""Command line: ``python -m analysis {ingest,stats,report} ...``.

Exit codes: 0 success; 1 finished but something was skipped or failed (see the report); 2 unusable input.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from analysis import config
from analysis.engine.storage import local_paths, path_or_url
from analysis.errors import AnalysisError
from analysis.ingest.limits import Limits, applied

EXIT_OK, EXIT_PARTIAL, EXIT_ERROR = 0, 1, 2


def _refuse_output_inside(src: Path | None, out: Path | None) -> None:
    """Raw data is never written to: no output folder inside (or equal to) the input folder."""
    if src is None or out is None or not src.is_dir():
        return
    root, target = src.resolve(), out.resolve()
    if target == root or root in target.parents:
        raise AnalysisError(
            f"{out}: output folder is inside the input folder {src}; raw data is never written to"
        )


def _cmd_ingest(args: argparse.Namespace) -> int:
    from analysis.ingest.corpus import CORPUS_COLUMNS, ingest

    if args.ocr:  # issue 8: say once, up front, when OCR cannot run (the report repeats it per file)
        from analysis.ingest.pdf import ocr_available

        available, detail = ocr_available()
        if not available:
            print(f"warning: --ocr: {detail}; scanned PDFs will be reported, not read", file=sys.stderr)
    with _open_engine(args) as engine:
        result = ingest(  # raises CorpusError (exit 2) when no document at all could be ingested
            args.dir,
            args.out,
            args.metadata,
            keep_repeated=args.keep_repeated,
            companies=args.companies,
            progress=not args.quiet,
            ocr=args.ocr,
            path_vars=args.path_vars,
            engine=engine,
            arrow_texts=True,  # the texts go to corpus.parquet from Arrow, never as Python strings (issue 12)
        )
    summary = str(result.summary).split("; ", 2)  # the words load_corpus prints in a notebook
    print(f"{'; '.join(summary[:2])} -> {Path(args.out) / 'corpus.parquet'}")
    variables = [c for c in result.corpus.columns if c not in CORPUS_COLUMNS and not c.endswith("_from")]
    if variables or (result.corpus["doc_type"] != "").any():
        filled = {v: int((result.corpus[v].notna() & (result.corpus[v].astype(str) != "")).sum()) for v in variables}
        typed = int((result.corpus["doc_type"] != "").sum())
        shown = ", ".join([f"doc_type ({typed} documents)", *(f"{v} ({n} documents)" for v, n in filled.items())])
        print(f"document variables: {shown}")
    if result.n_skipped:
        print(f"see {Path(args.out) / 'ingest_report.csv'} for the skipped files", file=sys.stderr)
    return EXIT_PARTIAL if result.n_skipped else EXIT_OK


def _cmd_stats(args: argparse.Namespace) -> int:
    import contextlib

    from analysis.ingest.corpus import load_corpus_texts
    from analysis.pipeline import write_stats

    _refuse_output_inside(args.dir, args.out)
    with _open_engine(args) as engine, contextlib.ExitStack() as stack:
        # the document variables whole, the texts read a partition at a time (issue 12)
        corpus, texts = load_corpus_texts(
            args.dir, args.metadata, companies=args.companies, progress=not args.quiet,
            path_vars=args.path_vars, engine=engine,
        )  # fmt: skip
        stack.callback(texts.close)
        if corpus.empty:
            raise AnalysisError(f"{args.dir}: no readable document")
        if args.where:
            corpus, texts = _where(corpus, texts, args.where)
        by = [b.strip() for b in args.by.split(",") if b.strip()]
        written = write_stats(
            corpus,
            Path(args.out),
            by=by,
            target=args.target,
            reference=args.reference,
            top_n=args.top_n,
            min_count=args.min_count,
            family=args.family,
            progress=not args.quiet,
            engine=engine,
            texts=texts,
        )
    print("wrote " + ", ".join(str(p) for p in written.files))
    for note in written.notes:
        print(f"note: {note}", file=sys.stderr)
    return EXIT_PARTIAL if written.notes else EXIT_OK


def _where(corpus: Any, texts: Any, where: str) -> tuple[Any, Any]:
    """``stats --where``: the documents matching the filter, and their texts."""
    import warnings

    import numpy as np

    from analysis.select import select
    from analysis.where import parse_where

    named_text = any(c.name == "text" for c in parse_where(where))
    if named_text or not corpus["doc_id"].is_unique:  # the filter reads the text: it is read whole
        from analysis.pipeline import with_texts

        corpus, texts = with_texts(corpus, texts), None
    with warnings.catch_warnings():  # said once, below, not as a warning
        warnings.simplefilter("ignore")
        kept = select(corpus, where=where)
    left = sum(kept.attrs.get("left_out", {}).values())
    print(f"--where {where}: {len(kept)} documents kept, {left} left out", file=sys.stderr)
    if kept.empty:
        raise AnalysisError(f"--where {where}: no document matches")
    if texts is not None:  # doc_id is unique: the kept rows, in order
        texts = texts.select(np.flatnonzero(corpus["doc_id"].isin(kept["doc_id"]).to_numpy()))
    return kept, texts


def _cmd_report(args: argparse.Namespace) -> int:
    from analysis.report import run_reports

    _refuse_output_inside(args.corpus or config.RAW_DIR, args.out or config.REPORTS_DIR)
    params: dict[str, str] = {}
    for item in args.param or []:
        if "=" not in item:
            raise AnalysisError(f"-p {item}: expected key=value")
        k, v = item.split("=", 1)
        params[k.strip()] = v
    with _open_engine(args) as engine:
        return run_reports(
            corpus=args.corpus,
            metadata=args.metadata,
            out=args.out,
            params=params,
            only=args.only,
            show_code=args.show_code,
            companies=args.companies,
            path_vars=args.path_vars,
            lang=args.lang,
            slides=not args.no_slides,
            engine=engine,
        )


def _open_engine(args: argparse.Namespace) -> Any:
    """The execution engine of --engine / --scheduler / --workers (analysis.engine), as a context."""
    from analysis.engine import open_engine

    if args.scheduler and args.engine != "dask":
        raise AnalysisError("--scheduler needs --engine dask")
    return open_engine(args.engine, scheduler=args.scheduler, workers=args.workers)


def _add_engine_options(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("execution (issue 12; see README 'Running on a cluster')")
    g.add_argument(
        "--engine", choices=("local", "dask"), default="local",
        help="local: process pools on this machine (default); dask: tasks on a Dask cluster (pip install 'textlab-analysis[dask]')",
    )  # fmt: skip
    g.add_argument("--scheduler", metavar="ADDRESS", default=None, help="a running Dask scheduler, e.g. tcp://host:8786")
    g.add_argument(
        "--workers", type=_positive(int), default=None, metavar="N",
        help="workers of the LocalCluster started when no --scheduler is given (default: one per core)",
    )  # fmt: skip


def _positive(kind: type) -> Callable[[str], float]:
    """argparse type: a positive finite number (``inf``, ``nan``, ``1e999`` are refused)."""

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {'whole ' if kind is int else ''}number") from None
        if not math.isfinite(value) or value <= 0:
            raise argparse.ArgumentTypeError(f"{text!r}: expected a positive finite number")
        return value

    return parse


def _add_limit_options(parser: argparse.ArgumentParser) -> None:
    """Per-file budget of ingestion (analysis.ingest.limits): raise them for unusual documents."""
    d = Limits()
    g = parser.add_argument_group("per-file limits (a file over one is skipped and reported)")
    g.add_argument(
        "--file-time-limit", type=_positive(float), metavar="SECONDS", help=f"default {d.seconds:g}"
    )
    g.add_argument("--file-memory-limit", type=_positive(int), metavar="MB", help=f"default {d.memory_mb}")
    g.add_argument("--file-char-limit", type=_positive(int), metavar="N", help=f"default {d.chars:,}")
    g.add_argument(
        "--file-unpacked-limit", type=_positive(int), metavar="MB", help=f"default {d.decompressed_mb}"
    )
    g.add_argument(
        "--follow-links", action="store_true", default=None, help="follow links that leave the corpus folder"
    )


def _limits(args: argparse.Namespace) -> Limits:
    return Limits().with_options(
        seconds=getattr(args, "file_time_limit", None),
        memory_mb=getattr(args, "file_memory_limit", None),
        chars=getattr(args, "file_char_limit", None),
        decompressed_mb=getattr(args, "file_unpacked_limit", None),
        follow_links=getattr(args, "follow_links", None),
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and documentation)."""
    p = argparse.ArgumentParser(prog="python -m analysis", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)

    ing = sub.add_parser(
        "ingest", help="folder of documents -> corpus.parquet, corpus.csv, ingest_report.csv"
    )
    ing.add_argument("dir", type=path_or_url, help="corpus folder (read only, walked recursively)")
    ing.add_argument("--out", type=path_or_url, required=True, help="output folder or fsspec URL (not inside DIR)")
    ing.add_argument("--metadata", type=Path, default=None, help="CSV of per-file overrides")
    ing.add_argument("--companies", type=Path, action="append", default=[], help="extra company alias CSV")
    ing.add_argument("--keep-repeated", action="store_true", help="keep paragraphs repeated in a document")
    ing.add_argument(
        "--path-vars", default=None, metavar="PATTERN",
        help="document variables from the folder layout, e.g. '{genre}/*' or '{company}/{year}/*'",
    )  # fmt: skip
    ing.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    ing.add_argument(
        "--ocr", action="store_true", help="read scanned PDF pages with Tesseract (chi_sim/chi_tra) when installed"
    )
    _add_limit_options(ing)
    _add_engine_options(ing)
    ing.set_defaults(func=_cmd_ingest)

    st = sub.add_parser("stats", help="frequency, tfidf, slogans, keyness, similarity CSVs")
    st.add_argument("dir", type=path_or_url, help="corpus folder or corpus.parquet (a path or an fsspec URL)")
    st.add_argument("--out", type=path_or_url, required=True, help="output folder or fsspec URL")
    st.add_argument("--metadata", type=Path, default=None)
    st.add_argument("--companies", type=Path, action="append", default=[], help="extra company alias CSV")
    st.add_argument(
        "--by", default="company",
        help="docvar(s) to group by: company, year, company,year or any document variable (genre, company,genre)",
    )  # fmt: skip
    st.add_argument("--where", default=None, help="only documents matching a filter, e.g. \"genre == 'news'\"")
    st.add_argument("--target", default=None, help="keyness target group (default: each group vs the rest)")
    st.add_argument("--reference", default=None, help="keyness reference group (default: the rest)")
    st.add_argument("--top-n", type=int, default=50, help="rows per group in frequency/tfidf")
    st.add_argument("--min-count", type=int, default=5, help="keyness minimum count")
    st.add_argument(
        "--family", choices=("table", "block"), default="table",
        help="keyness multiple-testing family: the whole table (default) or each comparison",
    )
    st.add_argument(
        "--path-vars", default=None, metavar="PATTERN",
        help="document variables from the folder layout, e.g. '{genre}/*' or '{company}/{year}/*'",
    )  # fmt: skip
    st.add_argument("-q", "--quiet", action="store_true")
    _add_limit_options(st)
    _add_engine_options(st)
    st.set_defaults(func=_cmd_stats)

    rp = sub.add_parser("report", help="run the notebooks with papermill and write HTML reports")
    rp.add_argument("--corpus", type=path_or_url, default=None, help=f"default: {config.RAW_DIR}")
    rp.add_argument("--metadata", type=Path, default=None, help="default: data/metadata.csv with the sample")
    rp.add_argument("--out", type=path_or_url, default=None, help=f"default: {config.REPORTS_DIR}")
    rp.add_argument("--companies", type=Path, action="append", default=[], help="extra company alias CSV")
    rp.add_argument("-p", "--param", action="append", metavar="KEY=VALUE", help="notebook parameter")
    rp.add_argument("--only", action="append", metavar="NAME", help="run only this notebook (repeatable)")
    rp.add_argument(
        "--path-vars", default=None, metavar="PATTERN",
        help="document variables from the folder layout, e.g. '{genre}/*' or '{company}/{year}/*'",
    )  # fmt: skip
    rp.add_argument("--show-code", action="store_true", help="keep code cells in the HTML")
    rp.add_argument("--lang", choices=["zh", "en"], default=None, help="language of reports and figures (default zh)")
    rp.add_argument("--no-slides", action="store_true", help="do not write slides.pptx")
    _add_limit_options(rp)
    _add_engine_options(rp)
    rp.set_defaults(func=_cmd_report)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = build_parser().parse_args(argv)
    # file names may hold any bytes: print what cannot be encoded as \xNN, never fail on it
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        with applied(_limits(args)), local_paths(args):  # fsspec URLs as local folders (issue 12)
            return int(args.func(args))
    except AnalysisError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130


def exit_quickly(code: int) -> NoReturn:
    """End the process with ``code`` without the interpreter freeing its objects one by one.

    After a run over thousands of documents that teardown alone takes 0.1-0.2 s (measured on ``ingest``
    and ``stats`` of 20 MB). Everything a normal exit does that matters still happens first: the
    standard streams are flushed and the atexit handlers run (multiprocessing reaps its children
    there). While a thread that is not a daemon still runs, the normal exit, which waits for it, is
    taken instead. Every file the package writes is closed before its command returns.
    """
    import atexit
    import contextlib
    import os
    import threading

    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (| head): nothing more to say there
            stream.flush()
    atexit._run_exitfuncs()  # what the interpreter runs at exit (not part of atexit's documented API)
    os._exit(code)


def cli() -> NoReturn:
    """The ``textlab`` command: :func:`main`, then :func:`exit_quickly`."""
    exit_quickly(main())


if __name__ == "__main__":
    cli()
