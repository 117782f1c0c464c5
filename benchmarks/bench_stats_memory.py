"""Peak memory of ``write_stats`` (``stats --by company,year``): streamed (per-partition sums) against the
whole-corpus document-term matrix, on one corpus table, each in a fresh process.

    .venv/bin/python benchmarks/bench_stats_memory.py CORPUS.parquet [--by company,year] [--runs whole,streamed]

``CORPUS.parquet``: a corpus table (``ingest`` output, or any table with doc_id, text and the grouping
columns). The first run fills the token cache (``TEXTLAB_CACHE``); run it twice to compare warm runs.
Each run prints its wall time, the command process's CPU time and its peak RSS (and the RSS after
loading the corpus table, which both paths hold). The CSVs of the two paths are compared byte for byte.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import resource, sys, time, warnings
warnings.simplefilter("ignore")
from pathlib import Path
import pandas as pd
from analysis.pipeline import _compute_stats, _write_streamed
corpus = pd.read_parquet(sys.argv[1])
by, mode, out = sys.argv[2].split(","), sys.argv[3], Path(sys.argv[4])
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t, c = time.perf_counter(), time.process_time()
if mode == "whole":
    _compute_stats(corpus, out, by, None, None, 50, 5, "table", False, None)
else:
    _write_streamed(corpus, out, by=by, target=None, reference=None, top_n=50, min_count=5, family="table",
                    progress=False, engine=None)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"{mode:9s} wall {time.perf_counter() - t:6.1f} s, CPU {time.process_time() - c:6.1f} s, peak RSS {peak / 1024:6.0f} MB "
      f"(corpus table loaded: {base / 1024:.0f} MB), {len(corpus)} documents", flush=True)
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--by", default="company,year")
    ap.add_argument("--runs", default="whole,streamed")
    args = ap.parse_args()
    root = Path(__file__).resolve().parents[1]
    outs = {}
    with tempfile.TemporaryDirectory(prefix="textlab-bench-stats-") as tmp:
        for mode in args.runs.split(","):
            outs[mode] = Path(tmp) / mode
            load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
            print(f"load {load}", flush=True)
            subprocess.run([sys.executable, "-c", CHILD, str(args.corpus), args.by, mode, str(outs[mode])],
                           cwd=root, env=dict(os.environ, TEXTLAB_PROGRESS="0"), check=True)  # fmt: skip
        if len(outs) == 2:
            a, b = outs.values()
            names = sorted(p.name for p in a.glob("*.csv"))
            same = all(filecmp.cmp(a / n, b / n, shallow=False) for n in names)
            print(f"CSVs {'byte-identical' if same else 'DIFFERENT'}: {', '.join(names)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
