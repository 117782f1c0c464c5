"""Which PDF library for the layout reader: text fidelity on the fixtures and pages per second.

For every candidate library, each text-bearing fixture of tests/fixtures/pdf/ is read the way the layout
reader needs it: every character with its box (pypdf has no character boxes; its text-operator visitor
gives one position per text run, measured too). Reported per library:

- similarity: difflib ratio between the library's characters (whitespace dropped, compatibility forms
  mapped by analysis.ingest.clean.chars) and the fixture's text version, median and minimum over the
  fixtures; this is about the characters only, not the line order (that is the reader's job);
- radicals: how many CJK Radicals Supplement / Kangxi code points the raw text layer gave;
- pages/s: all fixture pages read ``--rounds`` times, character boxes included (wall time, one process).

    .venv/bin/python benchmarks/bench_pdf_libraries.py [--rounds 20]

A regression check on our own generated fixtures, not evidence of accuracy on real collections.
"""

from __future__ import annotations

import argparse
import difflib
import io
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from analysis.ingest.clean.chars import map_chars

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "pdf"
TEXT_FIXTURES = ("chromium_plain", "chromium_header", "chromium_undated", "lo_footer", "lo_two_column")


def _pypdf(data: bytes) -> tuple[str, int]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    parts: list[str] = []
    runs = 0
    for page in reader.pages:

        def visit(text: str, cm, tm, font, size) -> None:
            nonlocal runs
            if text:
                runs += 1
                parts.append(text)

        page.extract_text(visitor_text=visit)
    return "".join(parts), len(reader.pages)


def _pdfplumber(data: bytes) -> tuple[str, int]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        chars = [c["text"] for page in pdf.pages for c in page.chars]
        return "".join(chars), len(pdf.pages)


def _pdfminer(data: bytes) -> tuple[str, int]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar

    def walk(obj):
        if isinstance(obj, LTChar):
            yield obj.get_text()
        elif hasattr(obj, "__iter__"):
            for child in obj:
                yield from walk(child)

    pages = list(extract_pages(io.BytesIO(data), laparams=LAParams()))
    return "".join(ch for page in pages for ch in walk(page)), len(pages)


def _pypdfium2(data: bytes) -> tuple[str, int]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    out: list[str] = []
    for page in pdf:
        textpage = page.get_textpage()
        n = textpage.count_chars()
        for i in range(n):
            textpage.get_charbox(i)  # the boxes are what the layout reader needs
        out.append(textpage.get_text_range())
        textpage.close()
        page.close()
    pages = len(pdf)
    pdf.close()
    return "".join(out), pages


LIBRARIES: dict[str, Callable[[bytes], tuple[str, int]]] = {
    "pypdf (text runs only)": _pypdf,
    "pdfplumber": _pdfplumber,
    "pdfminer.six": _pdfminer,
    "pypdfium2": _pypdfium2,
}


def _squash(text: str) -> str:
    return "".join(map_chars(text).split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    files = {name: (FIXTURES / f"{name}.pdf").read_bytes() for name in TEXT_FIXTURES}
    truth = {name: (FIXTURES / f"{name}.txt").read_text(encoding="utf-8") for name in TEXT_FIXTURES}
    print(f"{'library':24} {'sim median':>10} {'sim min':>8} {'radicals':>8} {'pages/s':>8}")
    for label, fn in LIBRARIES.items():
        sims, radicals = [], 0
        for name, data in files.items():
            text, _ = fn(data)
            radicals += sum(1 for ch in text if 0x2E80 <= ord(ch) <= 0x2FDF)
            # Running headers and footers are in the text layer of every library: compare the body only.
            sims.append(difflib.SequenceMatcher(None, _squash(text), _squash(truth[name]), autojunk=False).ratio())
        start = time.perf_counter()
        pages = sum(fn(data)[1] for _ in range(args.rounds) for data in files.values())
        rate = pages / (time.perf_counter() - start)
        print(f"{label:24} {statistics.median(sims):10.3f} {min(sims):8.3f} {radicals:8d} {rate:8.1f}")


if __name__ == "__main__":
    main()
