"""Execution engines: the same per-partition functions run in this process tree or as Dask tasks.

``open_engine("local")`` is today's behaviour (process pools on this machine, nothing to install);
``open_engine("dask", scheduler=ADDRESS)`` connects to a running cluster, or starts a
``distributed.LocalCluster`` when no address is given. The work is split into *partitions* (files for
ingestion, documents for tokenisation), each handled by a function of :mod:`analysis.engine.partitions`;
the engine maps it over the partitions and the caller reduces the results in partition order, so the
answers do not depend on the engine nor on the number of workers.

    with open_engine("dask", scheduler="tcp://10.0.0.5:8786") as engine:
        corpus = load_corpus("/shared/news", engine=engine)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal, Protocol

from analysis.errors import AnalysisError

__all__ = ["ENGINES", "Engine", "EngineError", "open_engine", "resolve"]

ENGINES = ("local", "dask")


class EngineError(AnalysisError):
    """An engine cannot be used (missing optional dependency, unreachable scheduler ...)."""


class Engine(Protocol):
    """What the stages need of an engine."""

    name: str
    #: True when partitions run outside this process tree (then they must be self-contained)
    distributed: bool

    @property
    def n_workers(self) -> int: ...

    def map(self, fn: Callable[..., Any], args: Sequence[tuple[Any, ...]], errors: bool = False) -> Iterator[Any]:
        """``fn(*a)`` for every ``a`` of ``args``, results yielded in the order of ``args`` (with
        ``errors``, a call's exception is yielded as its result instead of raised)."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Engine: ...

    def __exit__(self, *exc: object) -> None: ...


def open_engine(
    engine: Literal["local", "dask"] | str = "local",
    *,
    scheduler: str | None = None,
    workers: int | None = None,
) -> Engine:
    """An engine by name. ``scheduler``: address of a running Dask scheduler (``tcp://host:8786``);
    ``workers``: size of the LocalCluster started when no address is given (default: one per core)."""
    if engine == "local":
        if scheduler:
            raise EngineError("--scheduler needs --engine dask")
        from analysis.engine.local import LocalEngine

        return LocalEngine()
    if engine == "dask":
        from analysis.engine.dask import DaskEngine

        return DaskEngine(scheduler=scheduler, n_workers=workers)
    raise EngineError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")


def resolve(engine: Engine | str | None) -> tuple[Engine | None, bool]:
    """An engine argument of the API: ``None``/``"local"`` -> (None, False) (the stage's own local path),
    a name -> a new engine the caller must close (True), an engine -> itself (False)."""
    if engine is None or engine == "local":
        return None, False
    if isinstance(engine, str):
        return open_engine(engine), True
    if not engine.distributed:
        return None, False
    return engine, False
