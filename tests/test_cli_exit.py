"""The command line ends its process without the interpreter's object-by-object teardown
(``analysis.__main__.exit_quickly``), and loses nothing a normal exit would keep."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _exit_after(setup: str, code: int, mark: Path) -> subprocess.CompletedProcess[str]:
    """Run ``setup`` (which may write ``MARK``, the path of ``mark``) and then ``exit_quickly(code)`` in
    a fresh interpreter, with buffered standard streams (as usual outside this machine's environment)."""
    script = f"MARK = {str(mark)!r}\n{setup}from analysis.__main__ import exit_quickly\nexit_quickly({code})\nprint('not reached')\n"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60, env=env)


def test_streams_are_flushed_atexit_handlers_run_and_the_code_is_kept(tmp_path: Path) -> None:
    setup = (
        "import atexit, sys\n"
        "atexit.register(lambda: open(MARK, 'w').write('ran'))\n"
        "sys.stdout.write('no newline at the end')\n"
        "sys.stderr.write('said on stderr')\n"
    )
    out = _exit_after(setup, 3, tmp_path / "atexit.txt")
    assert (out.returncode, out.stdout, out.stderr) == (3, "no newline at the end", "said on stderr")
    assert (tmp_path / "atexit.txt").read_text() == "ran"


def test_a_running_thread_is_waited_for(tmp_path: Path) -> None:
    """A thread that is not a daemon still runs: the normal exit, which waits for it, is taken."""
    setup = (
        "import threading, time\n"
        "def late():\n    time.sleep(0.5)\n    open(MARK, 'w').write('finished')\n"
        "threading.Thread(target=late).start()\n"
    )
    out = _exit_after(setup, 4, tmp_path / "thread.txt")
    assert out.returncode == 4
    assert (tmp_path / "thread.txt").read_text() == "finished"


def test_the_command_writes_its_outputs_and_says_so(tmp_path: Path) -> None:
    """``python -m analysis ingest`` through the quick exit: every output file whole, the summary said."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for i, company in enumerate(["中国移动", "中国联通", "中国电信"]):
        (folder / f"doc{i}.txt").write_text(
            f"{company}召开党建工作会议\n发布时间：2024-0{i + 1}-15\n会议强调，要坚持全面从严治党，增强“四个意识”。\n",
            encoding="utf-8",
        )
    env_cache = tmp_path / "cache"
    out = subprocess.run(
        [sys.executable, "-m", "analysis", "ingest", str(folder), "--out", str(tmp_path / "out")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "TEXTLAB_CACHE": str(env_cache), "TEXTLAB_PROGRESS": "0"},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "ingested 3 documents" in out.stdout + out.stderr
    import pandas as pd

    table = pd.read_parquet(tmp_path / "out" / "corpus.parquet")
    assert sorted(table["company"]) == ["中国电信", "中国移动", "中国联通"]
    assert list(pd.read_csv(tmp_path / "out" / "corpus.csv")["company"].sort_values()) == sorted(table["company"])
