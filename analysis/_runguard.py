"""A report run that is killed writes nothing afterwards and leaves nothing behind.

``run_reports`` builds every file of a run in a staging folder inside the output folder,
``out/.textlab-run-<pid>-<random>/`` (same file system, so moving is renaming): the ingested data, the
executed notebooks' pages, their figures and failed pages. Only when every notebook has finished does
:func:`commit` move them into place, right before the index is written, so the pages and the index
of one run stay together; a run killed before that leaves the previous reports and index as they were.

Nothing outlives the command: report workers and kernels are killed by the kernel when their parent
ends (:mod:`analysis._proc`, :mod:`analysis._kernel_launcher`), and a small guardian process, started
in its own session, removes the staging folder when the command ends without committing (``kill -9``,
an exception, Ctrl-C). Kernel sockets are abstract Unix sockets (no files in /tmp) and the kernel
spec is held in memory (no ``/tmp/textlab-kernelspec-*`` folders).
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["commit", "guarded", "kernel_ip", "pinned_kernel_specs", "stage_for"]

F = TypeVar("F", bound=Callable[..., Any])

STAGE_PREFIX = ".textlab-run-"

# The guardian: waits until the command closes its stdin; unless the command said "done" first, it
# waits for the command's workers to be gone (they die with it) and removes the staging folder.
_GUARDIAN = r"""
import os, shutil, sys, time
stage = sys.argv[1]
said = sys.stdin.buffer.read()
if said.strip() != b"done":
    for delay in (0.3, 1.0, 3.0):
        time.sleep(delay)
        shutil.rmtree(stage, ignore_errors=True)
"""


class _Stage:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.path = out / f"{STAGE_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.path.mkdir(parents=True)
        self.guardian: subprocess.Popen[bytes] | None = None
        with contextlib.suppress(OSError):
            self.guardian = subprocess.Popen(
                [sys.executable, "-c", _GUARDIAN, str(self.path)],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # a kill of the command's process group does not reach it
                close_fds=True,
            )

    def keep_ingest_report(self, exc: BaseException) -> None:
        """A run that failed early keeps the ingest report that says why (as before staging), and its
        message names the output folder, not the staging folder."""
        report = self.path / "data" / "ingest_report.csv"
        if report.is_file():
            with contextlib.suppress(OSError):
                (self.out / "data").mkdir(parents=True, exist_ok=True)
                os.replace(report, self.out / "data" / "ingest_report.csv")
        if exc.args and isinstance(exc.args[0], str) and str(self.path) in exc.args[0]:
            exc.args = (exc.args[0].replace(str(self.path), str(self.out)), *exc.args[1:])

    def close(self) -> None:
        """Remove the staging folder now and let the guardian go."""
        shutil.rmtree(self.path, ignore_errors=True)
        if self.guardian is not None and self.guardian.stdin is not None:
            with contextlib.suppress(OSError, ValueError):
                self.guardian.stdin.write(b"done")
                self.guardian.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.guardian.wait(timeout=5)


_stages: list[_Stage] = []


def guarded(func: F) -> F:
    """Decorator for the report runner: whatever happens in the call, its staging folder is removed."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        depth = len(_stages)
        try:
            return func(*args, **kwargs)
        except Exception as exc:
            for stage in _stages[depth:]:
                stage.keep_ingest_report(exc)
            raise
        finally:
            while len(_stages) > depth:
                _stages.pop().close()

    return wrapper  # type: ignore[return-value]


def stage_for(out: Path) -> Path:
    """A fresh staging folder inside ``out`` for this run (removed when the guarded call ends)."""
    stage = _Stage(Path(out))
    _stages.append(stage)
    return stage.path


def _swap(new: Path, final: Path) -> None:
    old = final.with_name(f".{final.name}.old")
    if old.exists():
        shutil.rmtree(old) if old.is_dir() else old.unlink()
    if final.exists():
        final.rename(old)
    new.rename(final)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink()


def figures_folder(stage: Path, out: Path, result: dict[str, Any]) -> Path:
    """Where a report's figures will be once :func:`commit` has run: this run's when it ran cleanly."""
    name = result["name"]
    staged = stage / "figures" / name
    if result.get("status") == "ok" and (stage / f"{name}.html").exists() and staged.is_dir():
        return staged
    return out / "figures" / name


def plan_figures(stage: Path, out: Path, results: Iterable[dict[str, Any]]) -> None:
    """Set ``results[i]["figures"]`` to what ``out`` will hold after :func:`commit` (paths as in out)."""
    for r in results:
        folder = figures_folder(stage, out, r)
        r["figures"] = (
            sorted(f"figures/{r['name']}/{p.name}" for p in folder.iterdir() if p.is_file())
            if folder.is_dir()
            else []
        )


def commit_files(stage: Path, out: Path, names: Iterable[str]) -> None:
    """Move the run's top-level files (written last into ``stage``) into ``out``, in the order given.

    Each move is a rename within one file system; a name not in ``stage`` is removed from ``out``
    (e.g. a slide deck this run has no chart for).
    """
    for name in names:
        if (stage / name).exists():
            os.replace(stage / name, out / name)
        else:
            with contextlib.suppress(FileNotFoundError):
                (out / name).unlink()


def commit(stage: Path, out: Path, results: Iterable[dict[str, Any]]) -> None:
    """Move a finished run's data, pages, figures and failed pages from ``stage`` into ``out``.

    A notebook that ran cleanly replaces its page and figures and drops its old failed page; a failed
    one keeps its previous page and figures and gets its new failed page. ``results[i]["figures"]``
    is brought up to date with what ``out`` now holds.
    """
    out.mkdir(parents=True, exist_ok=True)
    if (stage / "data").is_dir():
        _swap(stage / "data", out / "data")
    for r in results:
        name = r["name"]
        if r.get("status") == "ok" and (stage / f"{name}.html").exists():
            if (stage / "figures" / name).is_dir():
                (out / "figures").mkdir(exist_ok=True)
                _swap(stage / "figures" / name, out / "figures" / name)
            os.replace(stage / f"{name}.html", out / f"{name}.html")
            with contextlib.suppress(FileNotFoundError):
                (out / "failed" / f"{name}.html").unlink()
        elif (stage / "failed" / f"{name}.html").exists():
            (out / "failed").mkdir(exist_ok=True)
            os.replace(stage / "failed" / f"{name}.html", out / "failed" / f"{name}.html")
        figures = out / "figures" / name
        r["figures"] = (
            sorted(p.relative_to(out).as_posix() for p in figures.iterdir() if p.is_file())
            if figures.is_dir()
            else []
        )


def kernel_ip() -> str:
    """Address for a kernel's IPC sockets: an abstract Unix socket on Linux (nothing on disk)."""
    name = f"textlab-kernel-{os.getpid()}-{time.monotonic_ns()}"
    if sys.platform.startswith("linux"):
        return "@" + name
    import tempfile

    return os.path.join(tempfile.gettempdir(), name)


@functools.lru_cache(maxsize=1)
def pinned_kernel_specs() -> Any:
    """A kernel spec manager, held in memory, whose only "python3" kernel is this interpreter, started
    through :mod:`analysis._kernel_launcher` (no kernelspec folder is written anywhere)."""
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager, NoSuchKernel

    try:
        from ipykernel.kernelspec import RESOURCES as resource_dir
    except ImportError:  # pragma: no cover - ipykernel is a dependency
        resource_dir = ""
    spec = KernelSpec(
        argv=[sys.executable, "-m", "analysis._kernel_launcher", "-f", "{connection_file}"],
        display_name="textlab (this environment)",
        language="python",
        resource_dir=resource_dir,
    )

    class PinnedKernelSpecs(KernelSpecManager):
        def find_kernel_specs(self) -> dict[str, str]:
            return {"python3": resource_dir}

        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
            if kernel_name != "python3":
                raise NoSuchKernel(kernel_name)
            return spec

        def get_all_specs(self) -> dict[str, Any]:
            return {"python3": {"resource_dir": resource_dir, "spec": spec.to_dict()}}

    return PinnedKernelSpecs(ensure_native_kernel=False)
