"""End-to-end PDF ingestion: the layout reader against the previous text-stream reader, same run.

Builds a folder of ``--copies`` copies of every text-bearing PDF fixture (tests/fixtures/pdf/, made by
Chromium and LibreOffice) and ingests it with ``read_corpus`` twice, in one process (``n_jobs=1``):

- ``layout``: the reader of analysis.ingest.pdf (PDFium character boxes -> lines, columns, paragraphs);
- ``baseline``: the previous reader (pypdf's text stream, pages joined by a blank line).

For each: files/s and pages/s of the whole ingestion (read, clean, describe), and the agreement of the
rows with the fixtures' text versions (title, date, company equal; text similarity). Under load on a
shared 2-core machine the rates are noisy: compare the two lines of one run, not runs.

    .venv/bin/python benchmarks/bench_pdf_ingest.py [--copies 20]
"""

from __future__ import annotations

import argparse
import difflib
import io
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

import analysis.ingest.pdf as pdfmod
from analysis.ingest.corpus import read_corpus

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "pdf"


def _baseline(data: bytes, path: Path, *, ocr: bool = False) -> tuple[str, dict[str, Any]]:
    from pypdf import PdfReader

    pages = [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]
    return "\n\n".join(p.strip("\n") for p in pages), {"pages": len(pages)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20)
    args = parser.parse_args()
    expected = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
    names = [n for n, e in expected.items() if not e["unusable"]]
    work = Path(tempfile.mkdtemp(prefix="bench-pdf-"))
    pdfs, texts = work / "pdf", work / "txt"
    pdfs.mkdir()
    texts.mkdir()
    for name in names:
        shutil.copy(FIXTURES / f"{name}.txt", texts / f"{name}.txt")
        for k in range(args.copies):
            shutil.copy(FIXTURES / f"{name}.pdf", pdfs / f"{name}-{k:03d}.pdf")
    truth = read_corpus(texts, progress=False, n_jobs=1).corpus.set_index("path")
    import pypdfium2 as pdfium

    pages_per_copy = 0
    for name in names:
        pages_per_copy += len(pdfium.PdfDocument((FIXTURES / f"{name}.pdf").read_bytes()))
    n_pages = pages_per_copy * args.copies
    original = pdfmod.read_pdf_layout
    print(f"{len(names) * args.copies} files, {n_pages} pages")
    print(f"{'reader':10} {'files/s':>8} {'pages/s':>8} {'title':>6} {'date':>6} {'company':>8} {'sim med':>8} {'sim min':>8}")
    for label, reader in (("baseline", _baseline), ("layout", original)):
        pdfmod.read_pdf_layout = reader
        try:
            start = time.perf_counter()
            corpus = read_corpus(pdfs, progress=False, n_jobs=1).corpus
            seconds = time.perf_counter() - start
        finally:
            pdfmod.read_pdf_layout = original
        ok = {"title": 0, "date": 0, "company": 0}
        sims = []
        for row in corpus.itertuples():
            ref = truth.loc[row.path.rsplit("-", 1)[0] + ".txt"]
            ok["title"] += row.title == ref["title"]
            ok["company"] += row.company == ref["company"]
            ok["date"] += (pd.isna(row.date) and pd.isna(ref["date"])) or row.date == ref["date"]
            sims.append(difflib.SequenceMatcher(None, row.text, ref["text"], autojunk=False).ratio())
        n = len(corpus)
        print(
            f"{label:10} {n / seconds:8.1f} {n_pages / seconds:8.1f} {ok['title']:>3}/{n:<3}"
            f"{ok['date']:>3}/{n:<3} {ok['company']:>4}/{n:<3} {statistics.median(sims):8.3f} {min(sims):8.3f}"
        )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
