"""Print documents to PDF with headless Chromium and compare their ingestion with the same pages as text.

This is how issue 8 was found: news pages printed by a mainstream producer (Chromium, Noto CJK from
Debian, the browser's own print header and footer on) and ingested as PDF, against the same pages
ingested directly. For every document the script writes one HTML page (HTML documents as they are;
text and Markdown documents as one paragraph per line, title as ``<title>``), prints it, ingests both
folders and reports:

- radicals: CJK Radicals Supplement / Kangxi code points left in the PDF corpus text;
- dates, companies, titles: how many PDF rows equal their page's row;
- invented dates: a PDF row with a date its page does not have (a print timestamp taken as a date);
- similarity: difflib ratio of the two corpus texts (whitespace dropped), median and minimum.

    .venv/bin/python tools/eval_pdf_roundtrip.py --source seeds            # the bundled sample corpus
    .venv/bin/python tools/eval_pdf_roundtrip.py --source genre --limit 80  # generated genre pages

Needs Debian's chromium and fonts-noto-cjk. The pages are our own or generated: a regression check, not
a measurement on a real collection.
"""

from __future__ import annotations

import argparse
import difflib
import html
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.ingest.corpus import read_corpus  # noqa: E402
from analysis.ingest.readers import read_document  # noqa: E402

RADICALS = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf]")


def _page(path: Path) -> str:
    """The HTML page for one document (HTML documents unchanged)."""
    raw = read_document(path)
    if raw.format == "html":  # written as UTF-8 below: its own charset declaration must go
        page = re.sub(r"<meta[^>]*charset[^>]*>", "", raw.text, flags=re.IGNORECASE)
        return "<meta charset='utf-8'>" + page
    text = re.sub(r"\A---\n.*?\n---\n", "", raw.text, flags=re.S)  # Jekyll front matter is not printed
    lines = [ln for ln in text.splitlines() if ln.strip()]
    title = lines[0].lstrip("# ").strip() if lines else path.stem
    body = "\n".join(f"<p>{html.escape(ln)}</p>" for ln in lines)
    return f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head><body>{body}</body></html>"


def _print(src: Path, pdf: Path) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from browser import print_to_pdf_command

    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(print_to_pdf_command(src, pdf, profile), check=True, capture_output=True, timeout=180)


def _sources(kind: str, limit: int, work: Path) -> list[Path]:
    if kind == "seeds":
        files = sorted((ROOT / "data" / "raw").iterdir())
    else:
        sys.path.insert(0, str(ROOT / "tests"))
        from genre import write_genre_corpus

        folder = work / "genre"
        folder.mkdir()
        write_genre_corpus(folder, seed=8)
        files = sorted(p for p in folder.rglob("*") if p.suffix in (".html", ".htm", ".txt", ".md"))
    return files[:limit] if limit else files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", choices=("seeds", "genre"), default="seeds")
    parser.add_argument("--limit", type=int, default=0, help="at most this many documents (0: all)")
    parser.add_argument("--pick", default="", help="only these document numbers (comma-separated), e.g. 40,122")
    parser.add_argument("--keep", type=Path, default=None, help="keep the pages and PDFs in this folder")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pdf-roundtrip-"))
    pages, pdfs = work / "pages", work / "pdfs"
    pages.mkdir()
    pdfs.mkdir()
    jobs = []
    picked = {int(k) for k in args.pick.split(",") if k.strip()}
    for k, src in enumerate(_sources(args.source, args.limit, work)):
        if picked and k not in picked:
            continue
        try:
            page = _page(src)
        except Exception as exc:  # an unreadable source is not what this measures
            print(f"skip {src.name}: {exc}", file=sys.stderr)
            continue
        name = f"{k:03d}_{src.stem}"
        (pages / f"{name}.html").write_text(page, encoding="utf-8")
        jobs.append((pages / f"{name}.html", pdfs / f"{name}.pdf"))
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda job: _print(*job), jobs))
    as_text = read_corpus(pages, progress=False).corpus.assign(key=lambda d: d["path"].str.rsplit(".", n=1).str[0])
    as_pdf_result = read_corpus(pdfs, progress=False)
    as_pdf = as_pdf_result.corpus.assign(key=lambda d: d["path"].str.rsplit(".", n=1).str[0])
    both = as_text.merge(as_pdf, on="key", suffixes=("_text", "_pdf"))
    n = len(both)

    def same(col: str) -> int:
        a, b = both[f"{col}_text"], both[f"{col}_pdf"]
        return int(((a == b) | (a.isna() & b.isna())).sum())

    sims = [
        difflib.SequenceMatcher(None, "".join(a.split()), "".join(b.split()), autojunk=False).ratio()
        for a, b in zip(both["text_text"], both["text_pdf"], strict=True)
    ]
    invented = both[both["date_pdf"].notna() & (both["date_text"].isna() | (both["date_text"] != both["date_pdf"]))]
    radicals = sum(len(RADICALS.findall(t)) for t in as_pdf["text"])
    print(f"documents: {len(jobs)} printed, {n} ingested both ways; PDF report: {len(as_pdf_result.report)} row(s)")
    print(f"radicals left in PDF text: {radicals}")
    print(f"dates equal: {same('date')}/{n} (text dated: {int(both['date_text'].notna().sum())})")
    print(f"companies equal: {same('company')}/{n}; titles equal: {same('title')}/{n}")
    print(f"invented dates: {len(invented)}")
    print(f"text similarity: median {statistics.median(sims):.4f}, min {min(sims):.4f}")
    worst = sorted(zip(sims, both["key"], strict=True))[:5]
    print("lowest:", ", ".join(f"{k} {s:.3f}" for s, k in worst))
    diff = both[(both["date_text"] != both["date_pdf"]) & ~(both["date_text"].isna() & both["date_pdf"].isna())]
    for row in diff.itertuples():
        print(f"  date differs: {row.key}: text {row.date_text} pdf {row.date_pdf}")
    for row in both[both["company_text"] != both["company_pdf"]].itertuples():
        print(f"  company differs: {row.key}: text {row.company_text!r} pdf {row.company_pdf!r}")
    if len(as_pdf_result.report):
        print(pd.DataFrame(as_pdf_result.report).to_string())
    if args.keep:
        shutil.copytree(work, args.keep, dirs_exist_ok=True)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
