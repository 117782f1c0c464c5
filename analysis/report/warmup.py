"""Background warm-up of the shared slogan cache while the report's notebooks run.

At a size where the runner executes one notebook kernel at a time, one core is idle for most of the
run. ``start`` uses it: a process of its own (started fresh, so it shares none of the runner's memory,
and at a lower CPU priority than the kernels) scans every document of the ingested ``corpus.parquet``
for slogans into the slogan cache (``analysis.stats._slogan_cache.warm``). The first notebook that
counts slogans waits for it if it is still running, then reads its rows instead of scanning the whole
corpus again in forked processes of the kernel's size.

    python -c "from analysis.report.warmup import main; main(['CORPUS.parquet'])"
"""

from __future__ import annotations

import os
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


def start(parquet: Path) -> Warmup | None:
    """Start warming the slogan cache for ``parquet``; None if the process cannot be started."""
    env = dict(os.environ, TEXTLAB_CACHE=str(config.CACHE_DIR), TEXTLAB_JOBS="1", TEXTLAB_PROGRESS="0")
    try:
        proc = subprocess.Popen(
            [sys.executable, "-c", _ENTRY, str(parquet)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        return None
    return Warmup(proc)


def main(argv: list[str] | None = None) -> int:
    from analysis._proc import die_with_parent
    from analysis.stats._slogan_cache import warm

    die_with_parent()  # never outlives the report that started it
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: main([CORPUS.parquet])", file=sys.stderr)
        return 2
    if hasattr(os, "nice"):
        os.nice(_NICE)
    warm(Path(args[0]))
    return 0
