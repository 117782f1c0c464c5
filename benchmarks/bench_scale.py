"""Scale: ``ingest`` and ``stats --by company,year`` on large generated corpora, local engine and Dask
with 1 and 2 workers, cold (fresh cache folder for every run).

Corpora are generated, seeded: documents of 2-10 paragraphs resampled from the sample corpus's cleaned
sentences (as ``bench_tokenize.py``), each with a title naming one of the three operators and a
``发布时间`` header line with a date of 2015-2024, so that ``--by company,year`` has about 30 groups.
Every command runs as a fresh process; a sampler walks its process tree (Dask workers, budgeted
ingestion children and tokenizer pools included) every 0.2 s and keeps each process's peak RSS and the
peak of the whole tree. Parallel efficiency of 2 workers = T(1 worker) / (2 x T(2 workers)).

    .venv/bin/python benchmarks/bench_scale.py --sizes 100,1000 [--configs local,dask1,dask2] [--json out.json]
    .venv/bin/python benchmarks/bench_scale.py --sizes 1000 --configs "" --report   # the report set alone
    make bench-scale

The machine may be shared: the load average is printed before and after each run. The corpus folders go
to a temporary folder (``--workdir`` to choose) and are removed at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
from bench_tokenize import sample_sentences

ROOT = Path(__file__).resolve().parents[1]
COMPANIES = ("中国联通", "中国移动", "中国电信")
CONFIGS = {
    "local": [],
    "dask1": ["--engine", "dask", "--workers", "1"],
    "dask2": ["--engine", "dask", "--workers", "2"],
}


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def generate(folder: Path, megabytes: float, seed: int = 12) -> tuple[int, float]:
    """Write the corpus (if not already there for these settings); return (files, MB)."""
    stamp = folder / ".generated"
    want = f"{megabytes} {seed}"
    if stamp.exists() and stamp.read_text() == want:
        files = [p for p in folder.rglob("*.txt")]
        return len(files), sum(p.stat().st_size for p in files) / 1e6
    shutil.rmtree(folder, ignore_errors=True)
    rng = random.Random(seed)
    sentences = sample_sentences()
    target = int(megabytes * 1e6)
    size = n = 0
    while size < target:
        company = rng.choice(COMPANIES)
        year = rng.randint(2015, 2024)
        date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        title = f"{company}{''.join(rng.choices(sentences, k=1))[:18]}"
        paragraphs = ["".join(rng.choices(sentences, k=rng.randint(3, 8))) for _ in range(rng.randint(2, 10))]
        data = "\n".join([title, f"发布时间：{date}  来源：{company}", *paragraphs]).encode("utf-8")
        sub = folder / f"part{n // 5000:04d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"doc{n:07d}.txt").write_bytes(data)
        size += len(data)
        n += 1
    stamp.write_text(want)
    return n, size / 1e6


class TreeSampler(threading.Thread):
    """Peak RSS of every process in the tree of ``pid`` and of the tree as a whole."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peaks: dict[int, tuple[str, int]] = {}
        self.tree_peak = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                root = psutil.Process(self.pid)
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                break
            total = 0
            for p in procs:
                try:
                    rss = p.memory_info().rss
                    if p.pid not in self.peaks:
                        self.peaks[p.pid] = ("main" if p.pid == self.pid else _role(p), rss)
                    elif rss > self.peaks[p.pid][1]:
                        self.peaks[p.pid] = (self.peaks[p.pid][0], rss)
                    total += rss
                except psutil.Error:
                    continue
            self.tree_peak = max(self.tree_peak, total)
            self.stop.wait(self.interval)


def _role(p: psutil.Process) -> str:
    try:
        cmd = " ".join(p.cmdline())
    except psutil.Error:
        return "?"
    if "distributed" in cmd or "dask" in cmd or "spawn_main" in cmd or "forkserver" in cmd:
        return "worker/child"
    return "child"


def run(cmd: list[str], cache: Path) -> dict[str, object]:
    env = dict(os.environ, TEXTLAB_CACHE=str(cache), TEXTLAB_PROGRESS="0")
    load_before = _load()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    _out, err = proc.communicate()
    wall = time.perf_counter() - t0
    sampler.stop.set()
    sampler.join()
    peaks = sorted(((role, rss / 1e6) for role, rss in sampler.peaks.values()), key=lambda x: -x[1])
    main_peak = max((mb for role, mb in peaks if role == "main"), default=0.0)
    others = [mb for role, mb in peaks if role != "main"]
    return {
        "cmd": " ".join(cmd[2:]),
        "rc": proc.returncode,
        "wall_s": round(wall, 1),
        "main_peak_mb": round(main_peak, 0),
        "max_other_peak_mb": round(max(others, default=0.0), 0),
        "tree_peak_mb": round(sampler.tree_peak / 1e6, 0),
        "processes": [(role, round(mb)) for role, mb in peaks],
        "load_before": load_before,
        "load_after": _load(),
        # exit 1 (finished, with notes on what was left out or failed) is shown too: a figure with notes
        "stderr_tail": err[-800:] if proc.returncode != 0 else "",
    }


def _report_phases(path: Path) -> str:
    """The runner's own timings of a report run (timings.json): ingestion, token cache, each notebook
    (kernel start + execution) and the slogan warm-up; '' when the file is missing."""
    try:
        t = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    parts = [f"ingest {t.get('ingest_s', 0):.0f} s", f"token cache {t.get('tokenize_s', 0):.0f} s"]
    for name, nb in t.get("notebooks", {}).items():
        parts.append(f"{name.split('-')[0]} {nb.get('kernel_start_s', 0) + nb.get('execute_s', 0):.0f} s")
    warm = t.get("slogan_warmup")
    if warm:
        parts.append(f"slogan warm-up {warm['seconds']:.0f} s ({'done' if warm['finished'] else 'stopped'})")
    return ", ".join(parts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100,1000", help="corpus sizes in MB, comma-separated")
    ap.add_argument("--configs", default="local,dask1,dask2", help=f"of {', '.join(CONFIGS)}")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--keep", action="store_true", help="keep the generated corpora")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--report", action="store_true",
                    help="also `report --no-slides` on each corpus (local engine, cold), after the configs")
    args = ap.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="textlab-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    results: list[dict[str, object]] = []
    print(f"cores {os.cpu_count()}, load {_load()}, workdir {work}", flush=True)
    try:
        for mb in (float(s) for s in args.sizes.split(",")):
            corpus = work / f"corpus-{mb:g}MB"
            t = time.perf_counter()
            n_files, real_mb = generate(corpus, mb)
            print(f"\n{real_mb:.0f} MB, {n_files} files (generated in {time.perf_counter() - t:.0f} s)", flush=True)
            for name in [c for c in args.configs.split(",") if c]:
                extra = CONFIGS[name]
                base = work / f"run-{mb:g}-{name}"
                shutil.rmtree(base, ignore_errors=True)
                py = [sys.executable, "-m", "analysis"]
                ing = run([*py, "ingest", str(corpus), "--out", str(base / "ingest"), "-q", *extra], base / "cache")
                st = run(
                    [*py, "stats", str(base / "ingest" / "corpus.parquet"), "--by", "company,year",
                     "--out", str(base / "stats"), "-q", *extra],
                    base / "cache",
                )  # fmt: skip
                row = {"mb": round(real_mb), "files": n_files, "config": name, "ingest": ing, "stats": st}
                total = float(ing["wall_s"]) + float(st["wall_s"])  # type: ignore[arg-type]
                row["total_s"] = round(total, 1)
                row["mb_per_s"] = round(real_mb / total, 2)
                results.append(row)
                print(
                    f"{real_mb:6.0f} MB {name:6s} ingest {ing['wall_s']:>7} s (rc {ing['rc']}, main {ing['main_peak_mb']:.0f} MB, "
                    f"largest other {ing['max_other_peak_mb']:.0f} MB, tree {ing['tree_peak_mb']:.0f} MB; load {ing['load_before']} -> {ing['load_after']}) | "
                    f"stats {st['wall_s']:>7} s (rc {st['rc']}, main {st['main_peak_mb']:.0f} MB, largest other {st['max_other_peak_mb']:.0f} MB, "
                    f"tree {st['tree_peak_mb']:.0f} MB; load {st['load_before']} -> {st['load_after']}) | {total:.0f} s, {real_mb / total:.2f} MB/s",
                    flush=True,
                )
                for r in (ing, st):
                    if r["stderr_tail"]:
                        print(r["stderr_tail"], file=sys.stderr)
                shutil.rmtree(base, ignore_errors=True)
            if args.report:
                base = work / f"run-{mb:g}-report"
                shutil.rmtree(base, ignore_errors=True)
                rep = run([sys.executable, "-m", "analysis", "report", "--corpus", str(corpus), "--out",
                           str(base / "reports"), "--no-slides"], base / "cache")  # fmt: skip
                results.append({"mb": round(real_mb), "files": n_files, "config": "report", "report": rep})
                print(
                    f"{real_mb:6.0f} MB report {rep['wall_s']:>7} s (rc {rep['rc']}, main {rep['main_peak_mb']:.0f} MB, "
                    f"largest other (a notebook kernel) {rep['max_other_peak_mb']:.0f} MB, tree {rep['tree_peak_mb']:.0f} MB; "
                    f"load {rep['load_before']} -> {rep['load_after']})",
                    flush=True,
                )
                if rep["stderr_tail"]:
                    print(rep["stderr_tail"], file=sys.stderr)
                phases = _report_phases(base / "reports" / "timings.json")
                if phases:
                    rep["phases"] = phases
                    print(f"         phases: {phases}", flush=True)
                shutil.rmtree(base, ignore_errors=True)
            by = {r["config"]: r for r in results if r["mb"] == round(real_mb)}
            if "dask1" in by and "dask2" in by:
                eff = float(by["dask1"]["total_s"]) / (2 * float(by["dask2"]["total_s"]))  # type: ignore[arg-type]
                print(f"{real_mb:6.0f} MB parallel efficiency of 2 Dask workers vs 1: {eff:.2f} (goal >= 0.8)", flush=True)
                by["dask2"]["efficiency_vs_1"] = round(eff, 2)
    finally:
        if args.json:
            args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1))
        if not args.keep and args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"\nload at the end {_load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
