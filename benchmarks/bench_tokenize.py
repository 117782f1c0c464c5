"""Tokenisation throughput: plain single-process ``jieba.lcut`` versus ``analysis.tokens.tokenize``.

Generates a corpus of ``--mb`` MB (UTF-8) by resampling the sentences of the bundled sample documents
(cleaned by the project's own pipeline, split on 。！？, seeded RNG) into a temporary folder, then
measures in one run:

1. plain ``jieba.lcut`` in this process, default dictionary, on the first ``--jieba-mb`` MB (it runs
   at about 1 MB/s, so the whole corpus would take long); reported as MB/s;
2. ours, cold: ``tokenize(corpus)`` with the default Tokenizer (rjieba backend, worker processes,
   a fresh cache folder): segmentation + filtering + writing the on-disk cache;
3. ours, cached re-run: the same call again with a fresh Tokenizer (reads the cache, segments nothing).

Ours is run ``--repeat`` times each (every cold run with a fresh cache folder) and the best time counts,
as timeit does, because the machine may be shared; every run is printed.

Prints MB/s, the ratios (cold vs jieba throughput, cold vs cached time) and peak RSS of this process
and of its worker processes. ``--json PATH`` also writes the numbers as JSON. Nothing is written to the
repository. Run: ``.venv/bin/python benchmarks/bench_tokenize.py [--mb 20] [--jobs N] [--json out.json]``
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import logging
import random
import re
import resource
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd

from analysis import _io, config
from analysis.ingest.corpus import load_corpus
from analysis.tokens import Tokenizer, tokenize

SENTENCE_END = re.compile(r"(?<=[。！？])")


def sample_sentences() -> list[str]:
    """Sentences of the bundled sample corpus, as cleaned by the ingestion pipeline."""
    corpus = load_corpus(config.RAW_DIR, progress=False)
    sentences = []
    for text in corpus["text"]:
        for part in SENTENCE_END.split(text):
            part = part.strip()
            if len(part) >= 6:
                sentences.append(part)
    return sentences


def generate(folder: Path, megabytes: float, seed: int) -> pd.DataFrame:
    """Write documents of 10-80 resampled sentences to ``folder`` until ``megabytes`` MB; return the
    corpus table (doc_id, text, content_hash) read back from the files."""
    rng = random.Random(seed)
    sentences = sample_sentences()
    target = int(megabytes * 1e6)
    folder.mkdir(parents=True, exist_ok=True)
    size = n = 0
    while size < target:
        paragraphs = ["".join(rng.choices(sentences, k=rng.randint(3, 8))) for _ in range(rng.randint(2, 10))]
        data = "\n".join(paragraphs).encode("utf-8")
        _io.write_bytes(folder / f"doc{n:06d}.txt", data)
        size += len(data)
        n += 1
    rows = []
    for path in sorted(folder.glob("doc*.txt")):
        text = path.read_text(encoding="utf-8")
        rows.append(
            {"doc_id": path.stem, "text": text, "content_hash": hashlib.sha256(text.encode("utf-8")).hexdigest()}
        )
    return pd.DataFrame(rows)


def plain_jieba_throughput(texts: list[str], megabytes: float) -> dict[str, float]:
    """Single-process ``jieba.lcut`` on the leading documents that make up ``megabytes`` MB."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()  # dictionary loading is not counted against jieba
    subset, size = [], 0
    for text in texts:
        if size >= megabytes * 1e6:
            break
        subset.append(text)
        size += len(text.encode("utf-8"))
    start = time.perf_counter()
    n_tokens = sum(len(jieba.lcut(text)) for text in subset)
    seconds = time.perf_counter() - start
    return {"mb": size / 1e6, "seconds": seconds, "mb_per_s": size / 1e6 / seconds, "tokens": n_tokens}


def peak_rss_mb() -> dict[str, float]:
    # ru_maxrss is in KiB on Linux (bytes on macOS)
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return {
        "self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale,
        "workers": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / scale,
    }


def _fmt(times: list[float]) -> str:
    return ", ".join(f"{t:.3f}" for t in times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0, help="corpus size in MB of UTF-8 text (default 20)")
    parser.add_argument("--jieba-mb", type=float, default=4.0, help="MB segmented by plain jieba (default 4)")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of ours, cold and cached; best is kept")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, default=None, help="also write the results to this JSON file")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="textlab-bench-") as tmp:
        tmp_dir = Path(tmp)
        t = time.perf_counter()
        corpus = generate(tmp_dir / "corpus", args.mb, args.seed)
        total_mb = sum(len(s.encode("utf-8")) for s in corpus["text"]) / 1e6
        print(f"corpus: {len(corpus)} documents, {total_mb:.1f} MB, generated in {time.perf_counter() - t:.1f} s")

        base = plain_jieba_throughput(corpus["text"].tolist(), min(args.jieba_mb, total_mb))
        print(f"plain jieba.lcut, 1 process: {base['mb']:.1f} MB in {base['seconds']:.2f} s = {base['mb_per_s']:.2f} MB/s")

        # best of --repeat runs each (a fresh cache folder for every cold run): this machine is shared
        cold_times, cached_times = [], []
        for i in range(args.repeat):
            cache = tmp_dir / f"cache{i}"
            cold = None  # each timed run starts from the same memory and garbage-collector state
            gc.collect()
            t = time.perf_counter()
            cold = tokenize(corpus, Tokenizer(), cache_dir=cache, n_jobs=args.jobs, progress=False)
            cold_times.append(time.perf_counter() - t)
        cold_s = min(cold_times)
        n_tokens = int(cold.n_tokens.sum())
        print(f"ours, cold ({args.jobs or config.n_jobs_default()} workers, rjieba): best {cold_s:.2f} s = "
              f"{total_mb / cold_s:.2f} MB/s, {n_tokens} tokens kept; runs: {_fmt(cold_times)}")

        reference = cold.docs
        cold = cached = None
        for _ in range(args.repeat):
            fresh = Tokenizer()
            cached = None
            gc.collect()
            t = time.perf_counter()
            cached = tokenize(corpus, fresh, cache_dir=cache, n_jobs=args.jobs, progress=False)
            cached_times.append(time.perf_counter() - t)
            assert not fresh.is_initialized, "the cached run built the segmenter"
        assert cached.docs == reference, "cached tokens differ from the cold run"
        cached_s = min(cached_times)
        print(f"ours, cached re-run (no segmentation): best {cached_s:.3f} s = {total_mb / cached_s:.1f} MB/s; "
              f"runs: {_fmt(cached_times)}")

    rss = peak_rss_mb()
    result = {
        "corpus_mb": round(total_mb, 3),
        "documents": len(corpus),
        "jieba_mb": round(base["mb"], 3),
        "jieba_mb_per_s": round(base["mb_per_s"], 3),
        "repeat": args.repeat,
        "cold_s": round(cold_s, 3),
        "cold_runs_s": [round(t, 3) for t in cold_times],
        "cold_mb_per_s": round(total_mb / cold_s, 3),
        "cached_s": round(cached_s, 4),
        "cached_runs_s": [round(t, 4) for t in cached_times],
        "cached_mb_per_s": round(total_mb / cached_s, 3),
        "cold_vs_jieba": round(total_mb / cold_s / base["mb_per_s"], 2),
        "cached_vs_cold": round(cold_s / cached_s, 2),
        "peak_rss_mb": round(rss["self"], 1),
        "peak_rss_workers_mb": round(rss["workers"], 1),
        "jobs": args.jobs or config.n_jobs_default(),
    }
    print(f"ratios: cold throughput = {result['cold_vs_jieba']}x plain jieba (target >= 10x); "
          f"cached re-run {result['cached_vs_cold']}x faster than cold (target >= 20x)")
    print(f"peak RSS: {rss['self']:.0f} MB this process, {rss['workers']:.0f} MB largest worker (target < 2048)")
    if args.json is not None:
        _io.write_text(args.json, json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
