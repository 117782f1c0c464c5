"""Per-file budgets: one hostile or broken file never takes the run down.

Every file is read, cleaned and described in a worker process, under four limits (:class:`Limits`):

=================== ================================================================================
``seconds``          wall time for one file; the worker is killed and replaced when it runs over. Holds
                     for work inside C libraries too (a PDF content stream, a regular expression).
``memory_mb``        resident memory of the worker; it is killed and replaced above this. An address
                     space limit of twice that is set in the worker as well, as a backstop.
``chars``            characters of decoded text; a file that decodes to more is skipped.
``decompressed_mb``  bytes a container (.docx: a zip archive) may unpack to, checked from the archive's
                     directory before anything is unpacked; a zip read never returns more than that.
=================== ================================================================================

A file over budget is skipped and reported with the limit it hit; the run goes on with the next file.
Links that lead out of the corpus folder are not followed unless ``follow_links`` (``--follow-links``)
is set: see :mod:`analysis.ingest.paths`. The defaults are far above anything a real document needs (a 1,000-page report is about 1 M characters
and a few seconds); raise them with the command-line options ``--file-time-limit``,
``--file-memory-limit``, ``--file-char-limit``, ``--file-unpacked-limit``, or in Python with
``with limits.applied(Limits(seconds=600)): load_corpus(...)``.
"""

from __future__ import annotations

import contextlib
import faulthandler
import gc
import io
import os
import resource
import signal
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, TypeVar

from analysis._proc import mp_context
from analysis.errors import AnalysisError, ReadError

__all__ = ["BUDGET_REASONS", "Limits", "active", "applied", "check_chars", "check_zip", "iter_budgeted", "run_budgeted"]

J = TypeVar("J")
R = TypeVar("R")


@dataclass(frozen=True)
class Limits:
    """Budget for one file (see the module docstring). Every value must be positive and finite."""

    seconds: float = 120.0
    memory_mb: int = 2048
    chars: int = 20_000_000
    decompressed_mb: int = 256
    #: follow links that lead out of the corpus folder (off: such files are skipped and reported)
    follow_links: bool = False

    def __post_init__(self) -> None:
        for name in ("seconds", "memory_mb", "chars", "decompressed_mb"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or value != value or value <= 0 or value == float("inf"):
                raise AnalysisError(f"limit {name} must be a positive finite number, got {value!r}")

    def with_options(self, **options: float | None) -> Limits:
        """A copy with the options that are not None replaced."""
        return replace(self, **{k: v for k, v in options.items() if v is not None})


#: Reasons (prefixes) of skips that depend on the limits in force, not on the file alone: a cache of
#: per-file results must not keep them (the user may raise the limit and run again).
BUDGET_REASONS = ("time limit", "memory limit", "character limit", "decompressed-size limit", "the reader crashed")

_DEFAULT = Limits()
_active: Limits | None = None


def active() -> Limits:
    """The limits in force in this process (defaults unless :func:`applied` says otherwise)."""
    return _active or _DEFAULT


@contextlib.contextmanager
def applied(limits: Limits) -> Iterator[Limits]:
    """Use ``limits`` for every file read in this block (and in the workers it starts)."""
    global _active
    previous, _active = _active, limits
    try:
        yield limits
    finally:
        _active = previous


# --------------------------------------------------------------------------------------- checks
def _mb(n: float) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def check_zip(data: bytes, path: Path, *, what: str = "archive") -> None:
    """Refuse a zip archive (a .docx) that would unpack to more than ``decompressed_mb``.

    The sizes come from the archive's central directory; Python's zipfile never returns more bytes
    for a member than that directory states (a lie ends in a CRC error), so the sum bounds the work.
    """
    limit = active().decompressed_mb * 1024 * 1024
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise ReadError(path, f"corrupt or not a .docx file (not a zip archive: {exc})") from None
    if len(members) > 100_000:
        raise ReadError(path, f"decompressed-size limit: {what} has {len(members)} members")
    total = sum(m.file_size for m in members)
    if total > limit:
        raise ReadError(
            path,
            f"decompressed-size limit: {what} unpacks to {_mb(total)} ({len(data)} bytes on disk), "
            f"limit {_mb(limit)} (--file-unpacked-limit)",
        )


def check_chars(text: str, path: Path) -> str:
    """``text`` unchanged, or ReadError when it is longer than the ``chars`` limit."""
    limit = active().chars
    if len(text) > limit:
        raise ReadError(
            path, f"character limit: {len(text):,} characters, limit {limit:,} (--file-char-limit)"
        )
    return text


# --------------------------------------------------------------------------------------- runner
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _vm_bytes(statm: int | None = None) -> int | None:
    """This process's virtual memory size; ``statm``: a descriptor of its ``/proc/self/statm`` opened
    by this process, read again from the start (a worker asks after every file: no open and close)."""
    try:
        if statm is not None:
            return int(os.pread(statm, 128, 0).split()[0]) * _PAGE_SIZE
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[0]) * _PAGE_SIZE
    except (OSError, ValueError, IndexError):
        return None


def _resident_bytes(pid: int) -> int | None:
    """Resident memory of a process, shared pages included (an upper bound of :func:`_rss_bytes`, read
    far more cheaply: smaps_rollup walks every mapping of a large process)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * _PAGE_SIZE
    except (OSError, ValueError, IndexError):
        return None


def _rss_bytes(pid: int) -> int | None:
    """Memory of the worker's own: its private pages.

    A forked worker shares every page of its parent (a notebook kernel may hold gigabytes) until it
    writes to one; those count in its RSS but are not the file's doing, so only private pages count
    (``smaps_rollup``), with the plain RSS where that file is not available.
    """
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            private = sum(
                int(line.split()[1]) for line in fh if line.startswith((b"Private_Clean:", b"Private_Dirty:"))
            )
        return private * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * _PAGE_SIZE
    except (OSError, ValueError, IndexError):
        return None


def _worker_main(
    conn: Connection,
    fn: Callable[[Any], Any],
    limits: Limits,
    parent: int,
    at_exit: Callable[[], Any] | None = None,
    running: Any = None,
) -> None:
    """Worker loop: receive a batch of (index, job), send lists of (index, ok, value, retiring) as jobs
    finish; ends on None or a closed pipe. ``at_exit`` runs before a worker that is told to stop (or
    retires) ends, e.g. to write out what it kept.

    Answers go in groups (the last two jobs of a batch, or every :data:`_SEND_EVERY` seconds), not one
    message per job: each message wakes the parent, which then competes with the workers for a core.
    So that the parent can still tell which job a stuck or dead worker was on, the worker writes the
    job's index and start time into ``running`` (shared memory) before it starts it."""
    from analysis._proc import die_with_parent

    die_with_parent(parent)
    # A process group of its own: a worker killed for its budget takes the programs it started
    # (Tesseract for OCR) with it. Ctrl-C is the parent's to handle.
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    faulthandler.disable()  # a crash is reported as the file's reason, not as a C stack on the terminal
    gc.freeze()  # the parent's objects stay shared pages: the collector never writes to them here
    global _active
    _active = limits
    budget = limits.memory_mb * 1024 * 1024
    try:  # opened here, in the worker: /proc/self is the process that opens it
        statm: int | None = os.open("/proc/self/statm", os.O_RDONLY)
    except OSError:
        statm = None
    base = _vm_bytes(statm)
    if base is not None:
        with contextlib.suppress(ValueError, OverflowError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (base + 2 * budget, resource.RLIM_INFINITY))

    def leave() -> None:
        if at_exit is not None:
            with contextlib.suppress(Exception):
                at_exit()

    pending: list[tuple[int, bool, Any, bool]] = []
    sent = time.monotonic()
    while True:
        try:
            batch = conn.recv()
        except (EOFError, OSError):
            return
        if batch is None:
            leave()
            return
        for pos, (index, job) in enumerate(batch):
            if running is not None:
                # the start first: read together with the previous index, it only looks later
                running[1] = time.monotonic()
                running[0] = index
            try:
                ok, value = True, fn(job)
            except MemoryError:
                ok, value = False, f"memory limit: more than {limits.memory_mb} MB (--file-memory-limit)"
            except Exception as exc:  # fn should not raise; say what it raised rather than die
                ok, value = False, f"unexpected error: {type(exc).__name__}: {exc}"
            vm = _vm_bytes(statm)
            # grown (fragmented) after a big file: this worker retires, a fresh one takes over (the
            # parent gives the rest of its batch to another)
            retiring = vm is not None and base is not None and vm > base + budget
            pending.append((index, ok, value, retiring))
            if retiring or pos >= len(batch) - 2 or time.monotonic() - sent >= _SEND_EVERY:
                try:
                    conn.send(pending)
                except (OSError, ValueError):
                    return
                pending = []
                sent = time.monotonic()
            if retiring:
                leave()
                return


# How often the parent looks at a busy worker's memory (the worker's own address-space limit is the
# hard stop in between).
_MEMORY_CHECK_EVERY = 0.25
# At most this many jobs go to a worker in one message (fewer towards the end of the run, so that
# the workers finish together); the worker starts the next job without waiting for the parent.
_MAX_BATCH = 32
# A worker sends the answers it holds at least this often (progress, and results in order).
_SEND_EVERY = 0.05


class _Worker:
    def __init__(
        self, ctx: Any, fn: Callable[[Any], Any], limits: Limits, at_exit: Callable[[], Any] | None = None
    ) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        # [index, start] of the job the worker is on (written by the worker, read here)
        self.running = ctx.RawArray("d", [-1.0, 0.0])
        self.proc = ctx.Process(
            target=_worker_main, args=(child, fn, limits, os.getpid(), at_exit, self.running), daemon=True
        )
        self.proc.start()
        child.close()
        self.queue: list[int] = []  # jobs sent and not answered; the first one is running
        self.started = 0.0  # when the first job of the queue started (as far as the parent can tell)
        self.checked = 0.0
        self.retiring = False
        # how long a worker told to stop may take to end (its at_exit may write files)
        self.grace = max(2.0, limits.seconds) if at_exit is not None else 2.0

    @property
    def index(self) -> int | None:
        """The job running now, if any: the one the worker says it is on, when that one is unanswered
        (the answers of the jobs before it may still be in the worker, unsent)."""
        if not self.queue:
            return None
        on = int(self.running[0])
        return on if on in self.queue else self.queue[0]

    def since(self) -> float:
        """When the job running now started (as far as the parent can tell)."""
        on = int(self.running[0])
        return max(self.started, self.running[1]) if self.queue and on in self.queue else self.started

    def submit(self, batch: list[tuple[int, Any]]) -> None:
        self.conn.send(batch)
        if not self.queue:
            self.started = time.monotonic()
        self.queue.extend(i for i, _ in batch)

    def kill(self) -> None:
        with contextlib.suppress(OSError, AttributeError):
            if self.proc.pid is not None and os.getpgid(self.proc.pid) == self.proc.pid:
                os.killpg(self.proc.pid, signal.SIGKILL)  # the worker and whatever it started
        with contextlib.suppress(OSError, AttributeError):
            self.proc.kill()
        self.proc.join(timeout=5)
        self.conn.close()

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.conn.send(None)
        self.end()

    def end(self) -> None:
        """Wait (up to the grace time) for a worker that was told to stop or retires; kill it after."""
        self.proc.join(timeout=self.grace)
        if self.proc.is_alive():
            self.kill()
        else:
            self.conn.close()


def run_budgeted(
    fn: Callable[[J], R],
    jobs: Sequence[J],
    *,
    failed: Callable[[J, str], R],
    n_jobs: int = 1,
    limits: Limits | None = None,
    progress: Callable[[int], Any] | None = None,
    at_exit: Callable[[], Any] | None = None,
) -> list[R]:
    """``[fn(job) for job in jobs]``, each call in a worker process under ``limits`` (default: active()).

    A job that runs over its time or memory budget, or whose worker dies (a crash inside a C library),
    gets ``failed(job, reason)`` instead; its worker is killed and replaced and the other jobs go on.
    ``progress(n)`` is called as jobs finish. ``fn`` (and ``at_exit``, run in each worker before it
    ends normally) must be module-level functions.
    """
    return list(
        iter_budgeted(fn, jobs, failed=failed, n_jobs=n_jobs, limits=limits, progress=progress, at_exit=at_exit)
    )


def iter_budgeted(
    fn: Callable[[J], R],
    jobs: Sequence[J],
    *,
    failed: Callable[[J, str], R],
    n_jobs: int = 1,
    limits: Limits | None = None,
    progress: Callable[[int], Any] | None = None,
    at_exit: Callable[[], Any] | None = None,
    per_message: int = _MAX_BATCH,
) -> Iterator[R]:
    """Like :func:`run_budgeted`, but yields the results in job order as soon as they are ready.

    Jobs go to the workers in small batches (one message each, at most ``per_message`` jobs), so a
    worker never waits for the parent between two jobs; each job still has its own time and memory
    budget. With ``per_message=1`` a worker gets its next job only once it is idle: for jobs or answers
    larger than the pipe's buffer (a batch of documents), where the parent sending more while the
    worker sends its answers would leave both waiting for the other to read.
    """
    limits = limits or active()
    results: dict[int, Any] = {}
    if not jobs:
        return
    next_out = 0
    ctx = mp_context()
    budget = limits.memory_mb * 1024 * 1024
    todo = list(range(len(jobs) - 1, -1, -1))  # popped from the end: jobs in order
    workers: list[_Worker] = []
    done = 0

    def settle(i: int, value: Any) -> None:
        nonlocal done
        results[i] = value
        done += 1
        if progress is not None:
            progress(1)

    def finish(w: _Worker, value: Any) -> None:
        settle(w.queue.pop(0), value)
        w.started = time.monotonic()  # the next job of its queue starts now

    def give_back(w: _Worker) -> None:
        """The jobs sent to ``w`` that it will not run go back to the front of the line."""
        todo.extend(reversed(w.queue))
        w.queue.clear()

    try:
        while done < len(jobs):
            for w in [w for w in workers if not w.queue and (w.retiring or not w.proc.is_alive())]:
                if w.retiring:
                    w.end()
                else:
                    w.kill()
                workers.remove(w)
            while len(workers) < min(n_jobs, len(jobs) - done) and todo:
                workers.append(_Worker(ctx, fn, limits, at_exit))
            for w in workers:
                if len(w.queue) <= 1 and todo and not w.retiring:
                    size = max(1, min(per_message, len(todo) // (4 * max(1, n_jobs))))
                    if w.queue and size == 1:
                        continue  # near the end: one job at a time, to whichever worker is free
                    batch = [todo.pop() for _ in range(min(size, len(todo)))]
                    try:
                        w.submit([(i, jobs[i]) for i in batch])
                    except (OSError, ValueError):  # the worker died between two jobs
                        todo.extend(reversed(batch))
            busy = [w for w in workers if w.queue]
            ready = wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout=0.05)
            now = time.monotonic()
            for w in list(busy):
                if w.conn in ready or w.proc.sentinel in ready:
                    try:
                        while w.queue and w.conn.poll():  # every answer already there (a dead worker's too)
                            for index, ok, value, retiring in w.conn.recv():
                                if index != w.queue[0]:  # cannot happen: never pair a result with another job
                                    raise OSError(f"worker answered job {index}, expected {w.queue[0]}")
                                finish(w, value if ok else failed(jobs[index], value))
                                if retiring:
                                    w.retiring = True
                                    give_back(w)
                    except (EOFError, OSError):
                        pass
                    now = time.monotonic()
                i = w.index
                if i is None:
                    continue
                reason = None
                if w.proc.sentinel in ready or not w.proc.is_alive():
                    w.proc.join(timeout=5)
                    code = w.proc.exitcode
                    if code == 0:  # ended without taking the job (cannot happen, but never lose a file)
                        give_back(w)
                        w.kill()
                        workers.remove(w)
                        continue
                    if code is not None and code < 0:
                        name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
                        reason = f"the reader crashed (worker process killed by {name})"
                    else:
                        reason = f"the reader crashed (worker process exited with code {code})"
                elif now - w.since() > limits.seconds:
                    reason = f"time limit: still running after {limits.seconds:g} s (--file-time-limit)"
                elif now - w.checked >= _MEMORY_CHECK_EVERY:  # reading a process's memory costs time
                    w.checked = now
                    rss = _resident_bytes(w.proc.pid)  # cheap; private pages only when that is over
                    if rss is not None and rss > budget:
                        rss = _rss_bytes(w.proc.pid)
                    if rss is not None and rss > budget:
                        reason = f"memory limit: more than {limits.memory_mb} MB (--file-memory-limit)"
                if reason is not None:
                    w.kill()
                    workers.remove(w)
                    # job i failed; the jobs before it whose answers died with the worker run again
                    w.queue.remove(i)
                    settle(i, failed(jobs[i], reason))
                    give_back(w)
            while next_out in results:
                yield results.pop(next_out)
                next_out += 1
    finally:
        idle = [w for w in workers if not w.queue]
        for w in workers:
            if w.queue:
                w.kill()
            else:  # told first, all of them: they write out what they kept at the same time
                with contextlib.suppress(OSError, ValueError):
                    w.conn.send(None)
        for w in idle:
            w.end()
