"""The per-file budget runner (analysis.ingest.limits) when jobs travel in batches: every job keeps
its own time and memory budget, the jobs queued behind a failing one are run by another worker, and
what a worker keeps is written out before it ends."""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path

import pytest

from analysis.ingest.limits import Limits, run_budgeted


def _job(kind: str) -> str:
    if kind == "slow":  # C-level work that never checks for signals
        re.match(r"(a+)+$", "a" * 40 + "b")
    elif kind == "hog":
        blocks = [bytearray(64 * 1024 * 1024) for _ in range(40)]
        return str(len(blocks))
    elif kind == "crash":
        os.kill(os.getpid(), signal.SIGSEGV)
    return f"done {kind}"


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_a_failing_job_in_a_batch_costs_only_itself(n_jobs: int) -> None:
    # long enough that the jobs go out in batches: the failures sit in the middle of one
    jobs = [f"a{i}" for i in range(150)] + ["slow"] + [f"b{i}" for i in range(60)] + ["hog", "crash"]
    jobs += [f"c{i}" for i in range(150)]
    results = run_budgeted(
        _job, jobs, failed=lambda job, reason: f"{job}: {reason}", n_jobs=n_jobs,
        limits=Limits(seconds=8, memory_mb=400),  # the hog must meet its memory limit first, even on a busy machine
    )  # fmt: skip
    for job, result in zip(jobs, results, strict=True):
        if job == "slow":
            assert result.startswith("slow: time limit: still running after 8 s")
        elif job == "hog":
            assert result.startswith("hog: memory limit")
        elif job == "crash":
            assert result.startswith("crash: the reader crashed") and "SIGSEGV" in result
        else:
            assert result == f"done {job}"


_LOG: list[Path] = []


def _remember(job: str) -> str:
    _KEPT.append(job)
    return job


_KEPT: list[str] = []


def _write_kept() -> None:
    with open(_LOG[0], "a", encoding="utf-8") as fh:
        fh.write("".join(f"{job}\n" for job in _KEPT))


def test_each_worker_writes_what_it_kept_before_it_ends(tmp_path: Path) -> None:
    _LOG[:] = [tmp_path / "kept.log"]
    jobs = [f"j{i}" for i in range(300)]
    assert run_budgeted(_remember, jobs, failed=lambda job, reason: reason, n_jobs=2, at_exit=_write_kept) == jobs
    assert sorted(_LOG[0].read_text(encoding="utf-8").split()) == sorted(jobs)


_ECHO = """
import sys
from analysis.ingest.limits import iter_budgeted

def echo(job):
    return job

jobs = [str(i) * 1_000_000 for i in range(10)] * 4
out = list(iter_budgeted(echo, jobs, failed=lambda job, reason: reason, n_jobs=2, per_message=1))
print(out == jobs)
"""


def test_jobs_and_answers_larger_than_the_pipe_go_one_at_a_time_without_a_deadlock() -> None:
    # (with several such jobs to a message, the parent writing the next one while the worker writes
    # its answers leaves both waiting: this very script hangs with per_message=32)
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _ECHO], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
