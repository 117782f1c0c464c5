"""Ingestion at scale: a generated folder of N documents (default 10,000) through ``read_corpus``.

Documents are built from the sample corpus's paragraphs with varied headers (dates in several formats,
companies, simplified/traditional script, UTF-8 / GB18030 / Big5), plus a few bad files. Everything is
written to a temporary folder, never into the repository.

    /usr/bin/time -v .venv/bin/python benchmarks/bench_ingest.py --files 10000
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from pathlib import Path

import opencc

from analysis.ingest.clean import to_simplified
from analysis.ingest.corpus import read_corpus

ROOT = Path(__file__).resolve().parents[1]
COMPANIES = ["中国联通", "中国移动", "中国电信", "中国铁塔", "中国广电"]
HEADERS = [
    "发布时间：{y}年{m}月{d}日",
    "发布时间：{y}-{m:02d}-{d:02d} 发布人：新闻宣传中心",
    "时间:{y}-{m:02d}-{d:02d} 13:17:59  来源：人民邮电报",
    "{y}.{m:02d}.{d:02d} 15:23",
]


def make_corpus(folder: Path, n: int, seed: int = 7) -> dict[str, int]:
    """Write ``n`` documents (and a few bad files) into ``folder``; return counts by kind."""
    rng = random.Random(seed)
    paragraphs = []
    for f in sorted((ROOT / "data" / "raw").glob("*.txt")):
        paragraphs += [p for p in f.read_text(encoding="utf-8").splitlines() if len(p) > 80]
    paragraphs = [to_simplified(p) for p in paragraphs]
    to_traditional = opencc.OpenCC("s2t")
    counts = {"docs": 0, "bad": 0}
    for i in range(n):
        company = rng.choice(COMPANIES)
        y, m, d = rng.randint(2008, 2026), rng.randint(1, 12), rng.randint(1, 28)
        body = "\n\n".join(p.replace("中国联通", company) for p in rng.sample(paragraphs, 4))
        text = f"{company}召开党风廉政建设工作会议\n\n{rng.choice(HEADERS).format(y=y, m=m, d=d)}\n\n{body}\n"
        sub = folder / f"{y}" / f"{i % 50:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        enc = rng.choice(["utf-8", "utf-8", "gb18030", "big5"])
        if enc == "big5":
            text = to_traditional.convert(text)
        (sub / f"doc{i:05d}.txt").write_bytes(text.encode(enc, errors="ignore"))
        counts["docs"] += 1
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "image.jpg").write_bytes(b"\xff\xd8\xff")
    counts["bad"] = 3
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=10_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        t0 = time.perf_counter()
        counts = make_corpus(folder, args.files)
        t1 = time.perf_counter()
        res = read_corpus(folder, progress=True)
        t2 = time.perf_counter()
    dated = res.corpus["date"].notna().mean()
    attributed = (res.corpus["company"] != "").mean()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"generated {counts['docs']} docs + {counts['bad']} bad files in {t1 - t0:.1f} s")
    print(
        f"ingested {len(res.corpus)} docs, skipped {res.n_skipped}, in {t2 - t1:.1f} s "
        f"({len(res.corpus) / (t2 - t1):.0f} docs/s); dated {dated:.1%}, attributed {attributed:.1%}; "
        f"peak RSS (main process) {rss_mb:.0f} MB"
    )


if __name__ == "__main__":
    main()
