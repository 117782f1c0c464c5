"""Background warm-up of the shared slogan and phrase caches while the report's notebooks run.

At a size where the runner executes one notebook kernel at a time, one core is idle for most of the
run. ``start`` uses it: a process of its own (started fresh, so it shares none of the runner's memory,
and at a lower CPU priority than the kernels), which

1. scans every document of the ingested ``corpus.parquet`` for slogans into the slogan cache
   (``analysis.stats._slogan_cache.warm``). The first notebook that counts slogans waits for it if it is
   still running, then reads its rows instead of scanning the whole corpus again in forked processes
   of the kernel's size;
2. then counts the phrase candidates of the whole corpus for each ``min_count`` given
   (``analysis.stats.phrases.warm_phrases``, from the token cache: no text is read). A notebook whose
   ``discover_phrases`` reaches the same tokens meanwhile waits for this count instead of making its
   own (about a minute of CPU at 1 GB of text).

The runner therefore executes the notebooks in the order their inputs become ready (``deferred``):
those that need neither first, then those that count slogans, then those that discover phrases. Each
wait of a kernel is then short, and the core the kernel leaves has work until the kernel's last
notebooks. The other order, phrases first and the notebooks that count slogans last, left notebook 10
waiting about 30 s for the phrase count, and the notebooks that count slogans to run alone on one core
once the warm-up had ended: the notebooks of a 1 GB report took 143.9 / 160.5 / 149.6 s against 135.7
/ 128.8 / 130.6 s in this order (alternated). The price is memory: the phrase count (about 2.5 GB at
1 GB of text) now runs beside the heavier notebooks, and the process tree's peak rose from 6.6–6.7 to
7.4–7.5 GB. A report whose notebooks count no slogan has no scan.

    python -c "from analysis.report.warmup import main; main(['CORPUS.parquet', '--phrases', '3'])"
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis import config

_NICE = 10  # below the kernels: the warm-up takes what they leave
# (not ``-m analysis.report.warmup``: the package imports this module before runpy would run it)
_ENTRY = "import sys; from analysis.report.warmup import main; sys.exit(main(sys.argv[1:]))"


@dataclass
class Warmup:
    """A running warm-up process, and how long it has run."""

    proc: subprocess.Popen[bytes]
    started: float = field(default_factory=time.perf_counter)
    ended: float | None = None

    def __post_init__(self) -> None:
        threading.Thread(target=self._watch, name="textlab-warmup-watch", daemon=True).start()

    def _watch(self) -> None:
        self.proc.wait()
        self.ended = time.perf_counter()

    def finish(self, timeout: float = 5.0) -> dict[str, Any]:
        """Stop it if it still runs (its cache writes are atomic: nothing is left half written); what it
        did, for the run's timings (``seconds``: until it ended, or was stopped)."""
        running = self.proc.poll() is None
        if running:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        ended = self.ended if self.ended is not None and not running else time.perf_counter()
        return {
            "finished": not running,
            "returncode": self.proc.returncode,
            "seconds": round(ended - self.started, 3),
        }


#: ``main``'s option: no notebook counts slogans, only the phrases are counted.
_NO_SLOGANS = "--no-slogans"

#: Calls in a notebook's code that read the slogan cache this warm-up fills.
_SLOGAN_CALL = re.compile(r"\b(?:slogan_profile|slogan_trend|slogan_counts|adoption_timeline|top_slogans)\s*\(")


def counts_slogans(code: str) -> bool:
    """Whether notebook code calls a function that counts slogans (and so waits for this warm-up)."""
    return bool(_SLOGAN_CALL.search(code))


def discovers_phrases(code: str) -> bool:
    """Whether notebook code discovers phrases (and so waits for this warm-up's phrase count; the runner
    asks the warm-up to count for such a notebook's ``phrase_min_count``)."""
    return "discover_phrases(" in code


def deferred(tasks: list[Any], code_of: Any) -> list[Any]:
    """``tasks`` in the order to execute them while a warm-up runs, as their inputs become ready: those
    whose code (``code_of(task)``) needs neither cache, then those that count slogans, then those that
    discover phrases; each group in its own order."""

    def stage(task: Any) -> int:
        code = code_of(task)
        return 2 if discovers_phrases(code) else 1 if counts_slogans(code) else 0

    return sorted(tasks, key=stage)  # (a stable sort: each group keeps its order)


def start(parquet: Path, phrase_min_counts: tuple[int, ...] = (), *, slogans: bool = True) -> Warmup | None:
    """Start warming the phrase candidates (for each of ``phrase_min_counts``) and the slogan cache for
    ``parquet`` (unless not ``slogans``: no notebook counts them); None if there is nothing to warm or
    the process cannot be started."""
    if not slogans and not phrase_min_counts:
        return None
    jobs = str(min(2, config.n_jobs_default()))  # the phrase count's threads (the kernel waits for it)
    env = dict(os.environ, TEXTLAB_CACHE=str(config.CACHE_DIR), TEXTLAB_JOBS=jobs, TEXTLAB_PROGRESS="0")
    phrases = ["--phrases", ",".join(map(str, sorted(set(phrase_min_counts))))] if phrase_min_counts else []
    try:
        proc = subprocess.Popen(
            [sys.executable, "-c", _ENTRY, str(parquet), *phrases, *([] if slogans else [_NO_SLOGANS])],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        return None
    return Warmup(proc)


def warm_phrases(parquet: Path, min_counts: list[int]) -> None:
    """Count the phrase candidates of the whole corpus at ``parquet`` for each ``min_count`` (``max_len``
    as ``discover_phrases``'s default), from the token cache the runner has filled."""
    from analysis._proc import release_memory
    from analysis.ingest.corpus import load_corpus_texts
    from analysis.stats import phrases
    from analysis.tokens import tokenize_parts

    docs, texts = load_corpus_texts(parquet, progress=False)
    with texts:  # (its texts are read only for a document the token cache lacks)
        (tokens,) = tokenize_parts(docs, max(1, len(docs)), progress=False, texts=texts)
    del docs, texts  # the count needs the tokens only (0.2 GB less beside the kernel at 1 GB of text)
    release_memory()
    for min_count in min_counts:
        phrases.warm_phrases(tokens, min_count=min_count, max_len=phrases.MAX_LEN)
    del tokens
    release_memory()


def main(argv: list[str] | None = None) -> int:
    from analysis._proc import die_with_parent, release_memory
    from analysis.stats._slogan_cache import warm

    die_with_parent()  # never outlives the report that started it
    args = list(sys.argv[1:] if argv is None else argv)
    slogans = _NO_SLOGANS not in args
    args = [a for a in args if a != _NO_SLOGANS]
    min_counts: list[int] = []
    if len(args) == 3 and args[1] == "--phrases":
        try:
            min_counts = [int(v) for v in args.pop(2).split(",") if v]
        except ValueError:
            min_counts = [0]
        args.pop(1)
    if len(args) != 1 or any(m < 1 for m in min_counts):
        print(f"usage: main([CORPUS.parquet] [, '--phrases', 'N[,N...]'] [, '{_NO_SLOGANS}'])", file=sys.stderr)
        return 2
    if hasattr(os, "nice"):
        os.nice(_NICE)
    if slogans:
        warm(Path(args[0]))
        release_memory()  # the scan's texts and rows, before the phrase count's tokens
    if min_counts:
        warm_phrases(Path(args[0]), min_counts)
    return 0
