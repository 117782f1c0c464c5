"""Command line: ``python -m analysis {ingest,stats,report} ...``.

Exit codes: 0 success; 1 finished but something was skipped or failed (see the report); 2 unusable input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from analysis import config
from analysis.errors import AnalysisError

EXIT_OK, EXIT_PARTIAL, EXIT_ERROR = 0, 1, 2


def _cmd_ingest(args: argparse.Namespace) -> int:
    from analysis.ingest.corpus import corpus_summary, ingest

    result = ingest(  # raises CorpusError (exit 2) when no document at all could be ingested
        args.dir,
        args.out,
        args.metadata,
        keep_repeated=args.keep_repeated,
        companies=args.companies,
        progress=not args.quiet,
    )
    s = corpus_summary(result.corpus)
    years = f"{s['years'][0]}-{s['years'][1]}" if s["years"] else "none"
    print(
        f"ingested {s['documents']} documents ({s['undated']} undated, {s['unattributed']} without company, "
        f"years {years}); {result.n_skipped} file(s) skipped -> {Path(args.out) / 'corpus.parquet'}"
    )
    if result.n_skipped:
        print(f"see {Path(args.out) / 'ingest_report.csv'} for the skipped files", file=sys.stderr)
    return EXIT_PARTIAL if result.n_skipped else EXIT_OK


def _cmd_stats(args: argparse.Namespace) -> int:
    from analysis.ingest.corpus import load_corpus
    from analysis.pipeline import write_stats

    corpus = load_corpus(args.dir, args.metadata, companies=args.companies, progress=not args.quiet)
    if corpus.empty:
        raise AnalysisError(f"{args.dir}: no readable document")
    by = [b.strip() for b in args.by.split(",") if b.strip()]
    written = write_stats(
        corpus,
        Path(args.out),
        by=by,
        target=args.target,
        reference=args.reference,
        top_n=args.top_n,
        min_count=args.min_count,
        progress=not args.quiet,
    )
    print("wrote " + ", ".join(str(p) for p in written.files))
    for note in written.notes:
        print(f"note: {note}", file=sys.stderr)
    return EXIT_PARTIAL if written.notes else EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    from analysis.report import run_reports

    params: dict[str, str] = {}
    for item in args.param or []:
        if "=" not in item:
            raise AnalysisError(f"-p {item}: expected key=value")
        k, v = item.split("=", 1)
        params[k.strip()] = v
    return run_reports(
        corpus=args.corpus,
        metadata=args.metadata,
        out=args.out,
        params=params,
        only=args.only,
        show_code=args.show_code,
        companies=args.companies,
        lang=args.lang,
        slides=not args.no_slides,
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and documentation)."""
    p = argparse.ArgumentParser(prog="python -m analysis", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)

    ing = sub.add_parser(
        "ingest", help="folder of documents -> corpus.parquet, corpus.csv, ingest_report.csv"
    )
    ing.add_argument("dir", type=Path, help="corpus folder (read only, walked recursively)")
    ing.add_argument("--out", type=Path, required=True, help="output folder (not inside DIR)")
    ing.add_argument("--metadata", type=Path, default=None, help="CSV of per-file overrides")
    ing.add_argument("--companies", type=Path, action="append", default=[], help="extra company alias CSV")
    ing.add_argument("--keep-repeated", action="store_true", help="keep paragraphs repeated in a document")
    ing.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    ing.set_defaults(func=_cmd_ingest)

    st = sub.add_parser("stats", help="frequency, tfidf, slogans, keyness, similarity CSVs")
    st.add_argument("dir", type=Path, help="corpus folder or corpus.parquet")
    st.add_argument("--out", type=Path, required=True)
    st.add_argument("--metadata", type=Path, default=None)
    st.add_argument("--companies", type=Path, action="append", default=[], help="extra company alias CSV")
    st.add_argument("--by", default="company", help="docvar(s) to group by: company, year or company,year")
    st.add_argument("--target", default=None, help="keyness target group (default: each group vs the rest)")
    st.add_argument("--reference", default=None, help="keyness reference group (default: the rest)")
    st.add_argument("--top-n", type=int, default=50, help="rows per group in frequency/tfidf")
    st.add_argument("--min-count", type=int, default=5, help="keyness minimum count")
    st.add_argument("-q", "--quiet", action="store_true")
    st.set_defaults(func=_cmd_stats)

    rp = sub.add_parser("report", help="run the notebooks with papermill and write HTML reports")
    rp.add_argument("--corpus", type=Path, default=None, help=f"default: {config.RAW_DIR}")
    rp.add_argument("--metadata", type=Path, default=None, help="default: data/metadata.csv with the sample")
    rp.add_argument("--out", type=Path, default=None, help=f"default: {config.REPORTS_DIR}")
    rp.add_argument("--companies", type=Path, action="append", default=[], help="extra company alias CSV")
    rp.add_argument("-p", "--param", action="append", metavar="KEY=VALUE", help="notebook parameter")
    rp.add_argument("--only", action="append", metavar="NAME", help="run only this notebook (repeatable)")
    rp.add_argument("--show-code", action="store_true", help="keep code cells in the HTML")
    rp.add_argument("--lang", choices=["zh", "en"], default=None, help="language of reports and figures (default zh)")
    rp.add_argument("--no-slides", action="store_true", help="do not write slides.pptx")
    rp.set_defaults(func=_cmd_report)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except AnalysisError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
