"""What users feel: whole commands end to end, against plain ``jieba.lcut`` on the same texts, one run.

Corpora are generated as in ``bench_tokenize.py`` (the sample corpus's cleaned sentences resampled into
documents of 2-10 paragraphs, seeded), the 20 MB corpus being the first part of the 100 MB one. Every
command runs as a fresh process (interpreter start-up included) with a fresh cache folder when cold,
timed by wall clock, its peak RSS taken from ``/usr/bin/time``. Measured, in this order:

1. plain ``jieba.lcut`` (default dictionary, one process, dictionary loading not counted) over the
   20 MB texts; the 100 MB figure is that rate times five unless ``--jieba-full`` segments it all;
2. ``python -m analysis ingest DIR`` cold on 20 MB: MB/s (target >= 10);
3. ``python -m analysis stats DIR --by company`` cold on 20 MB: speed-up over jieba (target >= 3x);
4. the same on 100 MB (target >= 4x), its peak RSS (target <= 1 GB), then the same command again on
   the unchanged folder (target <= 3 s); ``ingest`` alone on 100 MB, for its share of time and memory;
5. one 4 MB document through ``read_corpus`` (target <= 2 s) and one 50 MB single-line file (must
   finish; reported).

    .venv/bin/python benchmarks/bench_end_to_end.py [--mb 20 --big-mb 100] [--json out.json]

The machine may be shared: each figure is one run, so note the load (printed at start and end).
Nothing is written to the repository.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

from bench_tokenize import generate, sample_sentences

from analysis import _io

ROOT = Path(__file__).resolve().parents[1]


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def jieba_seconds(folder: Path, limit_mb: float | None = None) -> tuple[float, float]:
    """Seconds plain ``jieba.lcut`` takes over the files of ``folder`` (sorted), and the MB it read."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    texts, size = [], 0
    for path in sorted(folder.glob("*.txt")):
        if limit_mb is not None and size >= limit_mb * 1e6:
            break
        data = path.read_bytes()
        texts.append(data.decode("utf-8"))
        size += len(data)
    start = time.perf_counter()
    for text in texts:
        jieba.lcut(text)
    return time.perf_counter() - start, size / 1e6


def run(cmd: list[str], cache: Path, label: str) -> dict[str, float]:
    """Run a command in a fresh process; wall seconds and peak RSS (MB, largest process) from time -v."""
    env = dict(os.environ, TEXTLAB_CACHE=str(cache), TEXTLAB_PROGRESS="0")
    with tempfile.NamedTemporaryFile(suffix=".time") as tf:
        start = time.perf_counter()
        proc = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", tf.name, *cmd], env=env, cwd=ROOT, capture_output=True, text=True
        )
        seconds = time.perf_counter() - start
        rss_kb = Path(tf.name).read_text().strip().splitlines()[-1]
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{label} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return {"seconds": seconds, "rss_mb": int(rss_kb) / 1024}


def single_document(tmp: Path, mb: float, *, one_line: bool) -> dict[str, float]:
    """Time ``read_corpus`` (in a fresh process, no cache) on one generated document of ``mb`` MB."""
    rng = random.Random(3)
    sentences = sample_sentences()
    folder = tmp / f"single-{mb:g}{'-line' if one_line else ''}"
    folder.mkdir()
    parts, size = [], 0
    while size < mb * 1e6:
        para = "".join(rng.choices(sentences, k=rng.randint(3, 8)))
        parts.append(para)
        size += len(para.encode("utf-8")) + 1
    text = ("" if one_line else "\n").join(parts)
    _io.write_text(folder / "doc.txt", text)
    code = (
        "import time, sys; from analysis.ingest.corpus import read_corpus; t = time.perf_counter(); "
        f"r = read_corpus({str(folder)!r}, progress=False, cache=False); "
        "print(time.perf_counter() - t, len(r.corpus), int(r.corpus['chars'].sum()) if len(r.corpus) else 0)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=1800)
    if out.returncode:
        raise SystemExit(f"single document failed:\n{out.stderr[-2000:]}")
    seconds, docs, chars = out.stdout.split()
    return {"mb": folder_mb(folder), "seconds": float(seconds), "docs": int(docs), "chars": int(chars)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=20.0)
    ap.add_argument("--big-mb", type=float, default=100.0)
    ap.add_argument("--jieba-full", action="store_true", help="segment the big corpus with jieba too")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    py = sys.executable
    res: dict[str, object] = {"load_start": _load(), "cpus": os.cpu_count()}
    print(f"load average at start: {res['load_start']} ({os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory(prefix="textlab-e2e-") as tmp_name:
        tmp = Path(tmp_name)
        big = tmp / "big"
        generate(big, args.big_mb, args.seed)
        small = tmp / "small"
        small.mkdir()
        size = 0
        for path in sorted(big.glob("*.txt")):  # the small corpus is the first part of the big one
            if size >= args.mb * 1e6:
                break
            shutil.copy(path, small / path.name)
            size += path.stat().st_size
        mb_small, mb_big = folder_mb(small), folder_mb(big)
        print(f"corpora: {mb_small:.1f} MB ({len(list(small.glob('*.txt')))} files), "
              f"{mb_big:.1f} MB ({len(list(big.glob('*.txt')))} files)")

        j_small, _ = jieba_seconds(small)
        if args.jieba_full:
            j_big, _ = jieba_seconds(big)
            how = "measured"
        else:
            j_big, how = j_small * mb_big / mb_small, "extrapolated from the 20 MB rate"
        print(f"plain jieba.lcut: {mb_small:.1f} MB in {j_small:.1f} s ({mb_small / j_small:.2f} MB/s); "
              f"{mb_big:.1f} MB: {j_big:.1f} s ({how})")
        res.update(jieba_small_s=j_small, jieba_big_s=j_big, jieba_big_how=how, mb_small=mb_small, mb_big=mb_big)

        out = tmp / "out"
        ing = run([py, "-m", "analysis", "ingest", str(small), "--out", str(out / "i"), "-q"], tmp / "c1", "ingest")
        print(f"ingest {mb_small:.1f} MB cold: {ing['seconds']:.1f} s = {mb_small / ing['seconds']:.1f} MB/s "
              f"(target >= 10 MB/s), peak RSS {ing['rss_mb']:.0f} MB")
        stats = [py, "-m", "analysis", "stats"]
        s_small = run([*stats, str(small), "--by", "company", "--out", str(out / "s"), "-q"], tmp / "c2", "stats")
        print(f"stats --by company {mb_small:.1f} MB cold: {s_small['seconds']:.1f} s = "
              f"{j_small / s_small['seconds']:.2f}x plain jieba (target >= 3x), peak RSS {s_small['rss_mb']:.0f} MB")
        s_big = run([*stats, str(big), "--by", "company", "--out", str(out / "b"), "-q"], tmp / "c3", "stats big")
        print(f"stats --by company {mb_big:.1f} MB cold: {s_big['seconds']:.1f} s = "
              f"{j_big / s_big['seconds']:.2f}x plain jieba (target >= 4x), peak RSS {s_big['rss_mb']:.0f} MB "
              "(target <= 1024)")
        s_again = run([*stats, str(big), "--by", "company", "--out", str(out / "b"), "-q"], tmp / "c3", "again")
        print(f"stats --by company {mb_big:.1f} MB again, unchanged: {s_again['seconds']:.2f} s (target <= 3 s), "
              f"peak RSS {s_again['rss_mb']:.0f} MB")
        i_big = run([py, "-m", "analysis", "ingest", str(big), "--out", str(out / "ib"), "-q"], tmp / "c4", "ingest big")
        print(f"ingest {mb_big:.1f} MB cold: {i_big['seconds']:.1f} s = {mb_big / i_big['seconds']:.1f} MB/s, "
              f"peak RSS {i_big['rss_mb']:.0f} MB (the ingestion share of the stats command's memory)")
        res.update(ingest_big=i_big)
        one = single_document(tmp, 4, one_line=False)
        print(f"one {one['mb']:.1f} MB document, read_corpus: {one['seconds']:.2f} s (target <= 2 s)")
        line = single_document(tmp, 50, one_line=True)
        print(f"one {line['mb']:.1f} MB single-line file, read_corpus: {line['seconds']:.1f} s "
              f"({line['docs']} document, {line['chars']} characters kept)")
        res.update(
            ingest_small=ing, stats_small=s_small, stats_big=s_big, stats_again=s_again, one_doc=one, one_line=line,
            ingest_mb_per_s=mb_small / ing["seconds"],
            stats_small_vs_jieba=j_small / s_small["seconds"], stats_big_vs_jieba=j_big / s_big["seconds"],
        )
    res["load_end"] = _load()
    print(f"load average at end: {res['load_end']}")
    if args.json is not None:
        _io.write_text(args.json, json.dumps(res, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
