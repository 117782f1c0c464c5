"""The calls the report notebooks make, one after the other in one process, with the time and the peak
RSS of each: where a notebook kernel spends its time and memory on a large corpus.

    .venv/bin/python benchmarks/bench_notebook_steps.py CORPUS.parquet [freq,tfidf,key,trend,slogan,kwic,phrases]

``CORPUS.parquet``: a corpus table written by ``python -m analysis ingest`` (or a report's
``data/corpus.parquet``). The caches of ``TEXTLAB_CACHE`` are used as a notebook uses them: run once to
warm them, or point ``TEXTLAB_CACHE`` at an empty folder for cold figures. RSS is sampled every 50 ms
in a thread; "peak" is the highest value during the step, "rss" what the process holds after it.
"""

from __future__ import annotations

import sys
import threading
import time
import warnings
from collections.abc import Callable
from typing import Any

import psutil

STEPS = ("freq", "tfidf", "key", "trend", "slogan", "kwic", "phrases")


def main(argv: list[str]) -> int:
    import analysis as tl

    warnings.simplefilter("ignore")
    corpus = argv[0]
    which = set(argv[1].split(",")) if len(argv) > 1 else set(STEPS)
    proc = psutil.Process()
    peak = [0]

    def sample() -> None:
        while True:
            peak[0] = max(peak[0], proc.memory_info().rss)
            time.sleep(0.05)

    threading.Thread(target=sample, daemon=True).start()

    def step(name: str, fn: Callable[[], Any]) -> Any:
        peak[0] = proc.memory_info().rss
        t = time.perf_counter()
        out = fn()
        took = time.perf_counter() - t
        time.sleep(0.1)
        print(f"{name:28s} {took:7.1f} s  rss {proc.memory_info().rss / 2**30:5.2f} GiB  "
              f"peak {peak[0] / 2**30:5.2f} GiB", flush=True)  # fmt: skip
        return out

    docs = step("read_corpus", lambda: tl.read_corpus(corpus, None, progress=False)).corpus
    tokens = step("tokenize", lambda: tl.tokenize(docs, progress=False))
    m = step("dtm", lambda: tl.dtm(tokens))
    if "freq" in which:
        step("frequency all", lambda: tl.frequency(m, top_n=15))
        step("frequency by company", lambda: tl.frequency(m, by="company", top_n=15))
    if "tfidf" in which:
        step("tfidf company", lambda: tl.tfidf_profile(m, by="company", top_n=15))
        step("tfidf year", lambda: tl.tfidf_profile(m, by="year", top_n=15))
    if "key" in which:
        step("keyness company", lambda: tl.keyness(m, by="company", min_count=5))
        step("similarity", lambda: tl.similarity(m, by="company"))
        step("year_over_year", lambda: tl.year_over_year(m, min_count=5))
    if "trend" in which:
        step("trend", lambda: tl.trend(m, ["全面从严治党", "主题教育"]))
    if "slogan" in which:
        step("slogan_profile company", lambda: tl.slogan_profile(docs, tokens, by="company"))
        step("slogan_profile year", lambda: tl.slogan_profile(docs, tokens, by="year"))
        step("adoption_timeline", lambda: tl.adoption_timeline(docs))
        step("slogan_trend", lambda: tl.slogan_trend(docs, tokens, ["全面从严治党", "两个维护"], by="company,year"))
    if "kwic" in which:
        step("kwic", lambda: tl.kwic(docs, "全面从严治党", window=20))
        step("collocations", lambda: tl.collocations(tokens, "全面从严治党", window=5))
    if "phrases" in which:
        step("discover_phrases top 30", lambda: tl.discover_phrases(tokens, min_count=3, top_n=30, exclude_known=True,
                                                                    corpus=docs))  # fmt: skip
        step("discover_phrases again", lambda: tl.discover_phrases(tokens, min_count=3, top_n=10, exclude_known=True,
                                                                   corpus=docs))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
