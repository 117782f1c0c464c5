"""Report kernels: one Jupyter kernel per worker process, shared by the notebooks it runs.

Starting a kernel and importing pandas, scipy, scikit-learn and matplotlib into it costs about as
much CPU as running a report notebook. Each worker process therefore starts one kernel and runs its
notebooks on it one after another, each after a reset cell (fresh namespace, execution count 1,
matplotlib defaults, working directory), which is removed from the executed notebook. Every notebook
is still executed by papermill.execute_notebook with its parameters. ``fresh_kernels=True`` gives
every notebook its own kernel instead.
"""

from __future__ import annotations

import contextlib
import functools
from typing import Any

from analysis import _runguard

RUNNER_TAG = "textlab-runner"
_ENGINE_NAME = "textlab-shared-kernel"


def reset_cell(cwd: str) -> Any:
    from nbformat.v4 import new_code_cell

    source = (
        "# textlab report runner: fresh namespace (the kernel is shared with other reports)\n"
        "get_ipython().reset(new_session=True)\n"
        "__import__('sys').modules.get('matplotlib') and __import__('matplotlib').rcdefaults()\n"
        f"__import__('os').chdir({cwd!r})\n"
        "get_ipython().execution_count = 0\n"
    )
    cell = new_code_cell(source, metadata={"tags": [RUNNER_TAG]})
    cell.id = "textlab-runner-reset"
    return cell


def strip_runner_cells(nb: Any) -> Any:
    nb.cells = [c for c in nb.cells if RUNNER_TAG not in c.get("metadata", {}).get("tags", [])]
    return nb


@functools.cache
def register_engine() -> str:
    """Register (once per process) a papermill engine that runs on a kernel it is given and keeps it.

    Papermill's own nbclient engine already accepts ``km=``; this one also closes the kernel client
    it opened, so that no idle client keeps queueing the next notebook's output messages.
    """
    import papermill.engines as pm_engines
    from papermill.clientwrap import PapermillNotebookClient

    class SharedKernelEngine(pm_engines.NBClientEngine):
        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man: Any,
            kernel_name: str,
            log_output: bool = False,
            stdout_file: Any = None,
            stderr_file: Any = None,
            start_timeout: int = 60,
            execution_timeout: int | None = None,
            **kwargs: Any,
        ) -> Any:
            kwargs.pop("input_path", None)
            client = PapermillNotebookClient(
                nb_man,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=pm_engines.logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
                **kwargs,
            )
            try:
                return client.execute()
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()

    pm_engines.papermill_engines.register(_ENGINE_NAME, SharedKernelEngine)
    return _ENGINE_NAME


@functools.lru_cache(maxsize=1)
def _pinned_kernel_specs() -> Any:
    """A kernel spec manager whose only "python3" kernel is this very interpreter.

    Without it jupyter_client may pick a user-level "python3" kernelspec pointing at another Python,
    where ``analysis`` is not installed.
    """
    return _runguard.pinned_kernel_specs()  # held in memory: no kernelspec folder in /tmp


def start_kernel(cwd: str) -> Any:
    """Start a python3 kernel (IPC transport: local sockets, no TCP ports) and wait until it answers."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    # IPC socket paths must be absolute: the kernel runs in ``cwd``, this process elsewhere.
    ip = _runguard.kernel_ip()  # abstract sockets on Linux: no IPC files left in /tmp
    km = AsyncKernelManager(
        kernel_name="python3", transport="ipc", ip=ip, kernel_spec_manager=_pinned_kernel_specs()
    )
    # No IPython history database: report kernels never need it, and a shared kernel would reuse
    # line numbers after each reset.
    run_sync(km.start_kernel)(cwd=cwd, extra_arguments=["--HistoryManager.enabled=False"])
    kc = km.client()
    kc.start_channels()
    try:
        run_sync(kc.wait_for_ready)(timeout=120)
    finally:
        kc.stop_channels()
    return km


def kernel_alive(km: Any) -> bool:
    from jupyter_core.utils import run_sync

    try:
        return bool(run_sync(km.is_alive)())
    except Exception:
        return False


def stop_kernel(km: Any) -> None:
    from jupyter_core.utils import run_sync

    with contextlib.suppress(Exception):
        run_sync(km.shutdown_kernel)(now=False)
    with contextlib.suppress(Exception):
        run_sync(km.cleanup_resources)()
