"""Child processes that never outlive the command that started them.

``die_with_parent()`` is called first thing in every worker process: on Linux the kernel then sends
the worker SIGKILL the moment its parent ends, however it ends (``kill -9`` included), so no worker
keeps running, or writing, after its command is gone. Elsewhere a watcher thread polls the parent.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1


def mp_context() -> multiprocessing.context.BaseContext:
    """How worker processes start. "fork" where Python < 3.12 has it: a worker starts in milliseconds
    with everything imported (and sees test monkeypatches), and the workers never take a lock another
    thread of the parent may hold. Python 3.12+ warns when a multi-threaded process forks (pyarrow, tqdm
    and Jupyter start threads), so there, and on platforms without fork, "forkserver" or "spawn"."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and sys.version_info < (3, 12):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def die_with_parent(parent_pid: int | None = None) -> None:
    """End this process with SIGKILL when its parent process ends (call it in the child)."""
    parent = os.getppid() if parent_pid is None else parent_pid
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before prctl took effect
                    os._exit(1)
                return
    _watch_parent(parent)


def _watch_parent(parent: int) -> None:
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="textlab-parent-watch", daemon=True).start()


def release_memory() -> None:
    """Give the memory freed since the last large work back to the operating system: a collection,
    Arrow's unused pool memory, and the C heap's free pages (glibc ``malloc_trim``). Freed memory
    otherwise stays in the process's resident set while its children (notebook kernels) run."""
    import gc

    gc.collect()
    if "pyarrow" in sys.modules:
        with contextlib.suppress(Exception):
            sys.modules["pyarrow"].default_memory_pool().release_unused()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
