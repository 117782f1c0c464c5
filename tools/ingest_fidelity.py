"""Fidelity check for ingestion changes: snapshot the corpus tables, then compare after a change.

Ingests, without cache, a fixed set of corpora: the bundled sample, the generated genre corpora of the
tests (``tests/genre*.py``, two seeds of the main one), the PDF fixtures, and a 4 MB corpus resampled
from the sample's sentences (``benchmarks/bench_tokenize.generate``). ``snapshot`` writes every corpus
table to ``DIR/<name>.parquet``; ``compare`` ingests again with the code as it is now and prints every
cell that differs (exit status 1 if any does). The stats CSVs of ``stats data/raw --by company`` are
snapshot and compared too.

The generated corpora were written together with the rules they exercise: this is a regression check
(same output as before), not evidence of accuracy on real pages.

    .venv/bin/python tools/ingest_fidelity.py snapshot /tmp/fidelity
    .venv/bin/python tools/ingest_fidelity.py compare /tmp/fidelity
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "benchmarks")]


def _writers() -> dict[str, Callable[[Path], object]]:
    from bench_tokenize import generate
    from genre import write_genre_corpus
    from genre_real import write_real_corpus
    from genre_seedlike import write_seedlike_corpus

    def copy_tree(src: Path) -> Callable[[Path], object]:
        return lambda dst: shutil.copytree(src, dst, dirs_exist_ok=True)

    def pdfs(dst: Path) -> None:
        dst.mkdir(parents=True, exist_ok=True)
        for p in sorted((ROOT / "tests/fixtures/pdf").glob("*.pdf")):
            shutil.copy(p, dst / p.name)

    return {
        "sample": copy_tree(ROOT / "data/raw"),
        "genre0": lambda d: write_genre_corpus(d, seed=0),
        "genre1": lambda d: write_genre_corpus(d, seed=1),
        "real": lambda d: write_real_corpus(d, seed=0),
        "seedlike": lambda d: write_seedlike_corpus(d, seed=0),
        "pdf": pdfs,
        "resampled4mb": lambda d: generate(d, 4, 0),
    }


def _ingest(folder: Path) -> pd.DataFrame:
    from analysis.ingest.corpus import read_corpus

    result = read_corpus(folder, progress=False, cache=False)
    corpus = result.corpus.reset_index(drop=True)
    corpus.attrs = {}
    corpus = corpus.astype(str)
    corpus["__report__"] = ""
    if len(result.report):
        report = result.report.astype(str).to_json(orient="records", force_ascii=False)
        corpus.loc[len(corpus)] = {"path": "(ingest report)", "__report__": report}
    return corpus.fillna("")


def _stats(out: Path, cache: Path) -> None:
    env = dict(os.environ, TEXTLAB_CACHE=str(cache), TEXTLAB_PROGRESS="0")
    subprocess.run(
        [sys.executable, "-m", "analysis", "stats", str(ROOT / "data/raw"), "--by", "company", "--out", str(out), "-q"],
        check=True, cwd=ROOT, env=env, capture_output=True,
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=["snapshot", "compare"])
    ap.add_argument("dir", type=Path)
    ap.add_argument("--only", action="append", default=[], help="corpus names to check (default all)")
    args = ap.parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)
    bad = 0
    with tempfile.TemporaryDirectory(prefix="textlab-fidelity-") as tmp_name:
        tmp = Path(tmp_name)
        for name, write in _writers().items():
            if args.only and name not in args.only:
                continue
            folder = tmp / name
            write(folder)
            table = _ingest(folder)
            target = args.dir / f"{name}.parquet"
            if args.mode == "snapshot":
                table.to_parquet(target)
                print(f"{name}: {len(table)} rows snapshot")
                continue
            before = pd.read_parquet(target)
            if list(before.columns) != list(table.columns) or len(before) != len(table):
                print(f"{name}: shape/columns differ: {before.shape} {list(before.columns)} -> "
                      f"{table.shape} {list(table.columns)}")
                bad += 1
                continue
            diff = before.ne(table)
            n = int(diff.to_numpy().sum())
            print(f"{name}: {len(table)} rows, {n} cells differ")
            if n:
                bad += 1
                for row, col in list(zip(*diff.to_numpy().nonzero(), strict=True))[:20]:
                    column = table.columns[col]
                    print(f"  {table.at[row, 'path']} [{column}]\n    before: {before.iat[row, col][:300]!r}\n"
                          f"    now:    {table.iat[row, col][:300]!r}")
        if not args.only or "stats" in args.only:
            out = tmp / "stats"
            _stats(out, tmp / "cache")
            for csv in sorted(out.glob("*.csv")):
                target = args.dir / f"stats-{csv.name}"
                if args.mode == "snapshot":
                    shutil.copy(csv, target)
                elif target.read_bytes() != csv.read_bytes():
                    print(f"stats {csv.name}: differs")
                    bad += 1
                else:
                    print(f"stats {csv.name}: same")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
