"""The Dask engine: partitions run as tasks on a Dask cluster (``dask[distributed]``, optional).

With a scheduler address the engine connects to a running cluster (``dask scheduler`` and ``dask
worker`` processes on any machines that can reach it); without one it starts a ``LocalCluster`` of one
single-threaded worker process per core. Tasks are plain functions of
:mod:`analysis.engine.partitions`; their arguments and results are small tuples, lists of records and
numpy arrays. Workers must have this package installed (the same version) and must be able to read
the corpus paths they are given (a shared folder) and write the cache folder.

Ingestion runs every file in a child process of the worker under the per-file budget
(:mod:`analysis.ingest.limits`), so worker processes must be allowed children: a ``LocalCluster`` is
started so, and ``dask worker`` needs ``DASK_DISTRIBUTED__WORKER__DAEMON=False`` in its environment
(or ``--no-nanny``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from analysis.engine import EngineError

MISSING = (
    "--engine dask needs the optional dependency dask[distributed], which is not installed: "
    "pip install 'textlab-analysis[dask]' (or pip install 'dask[distributed]')"
)


def _import_distributed() -> Any:
    try:
        import dask  # noqa: F401
        import distributed
    except ImportError:
        raise EngineError(MISSING) from None
    return distributed


def _worker_version() -> str:
    import analysis

    return getattr(analysis, "__version__", "?")


class DaskEngine:
    """Maps partition functions over a Dask cluster; results come back in partition order."""

    name = "dask"
    distributed = True

    def __init__(self, scheduler: str | None = None, n_workers: int | None = None) -> None:
        distributed = _import_distributed()
        import dask

        self.cluster: Any = None
        self.scheduler = scheduler
        if scheduler:
            try:
                self.client = distributed.Client(scheduler, timeout="15s", set_as_default=False)
            except (OSError, TimeoutError) as exc:
                raise EngineError(f"--scheduler {scheduler}: cannot connect to a Dask scheduler ({exc})") from None
        else:
            n = n_workers or max(1, os.cpu_count() or 1)
            with dask.config.set({"distributed.worker.daemon": False}):
                self.cluster = distributed.LocalCluster(
                    n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                    silence_logs=40,
                )  # fmt: skip
            self.client = distributed.Client(self.cluster, set_as_default=False)
        self._check_workers()

    def _check_workers(self) -> None:
        import analysis

        try:
            self.client.wait_for_workers(1, timeout=60)
        except TimeoutError:
            self.close()
            raise EngineError(f"scheduler {self.scheduler}: no worker joined within 60 s") from None
        try:
            versions = self.client.run(_worker_version)
        except Exception as exc:  # a worker without the package: say so here, not in the first task
            self.close()
            raise EngineError(f"Dask workers cannot import the analysis package ({exc}); install it on every worker") from None
        mine = getattr(analysis, "__version__", "?")
        other = {w: v for w, v in versions.items() if v != mine}
        if other:
            self.close()
            raise EngineError(f"Dask workers run another version of the analysis package: {other} (here {mine})")

    @property
    def n_workers(self) -> int:
        return max(1, len(self.client.scheduler_info(n_workers=-1).get("workers", {})))

    def map(self, fn: Callable[..., Any], args: Sequence[tuple[Any, ...]], errors: bool = False) -> Iterator[Any]:
        if not args:
            return
        futures = self.client.map(fn, *zip(*args, strict=True), pure=False)
        try:
            for future in futures:
                try:
                    result = future.result()
                except Exception as exc:  # errors=True: the task's exception as its result
                    if not errors:
                        raise
                    result = exc
                future.release()
                yield result
        finally:
            for future in futures:
                future.cancel()

    def submit(self, fn: Callable[..., Any], *args: Any, priority: int = 0) -> Any:
        """``fn(*args)`` as one task, started now (a Dask future: ``result()``, ``cancel()``); tasks of
        lower ``priority`` wait while others are queued."""
        return self.client.submit(fn, *args, pure=False, priority=priority)

    def close(self) -> None:
        client, cluster = getattr(self, "client", None), getattr(self, "cluster", None)
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()

    def __enter__(self) -> DaskEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        where = self.scheduler or "LocalCluster"
        return f"DaskEngine({where})"
