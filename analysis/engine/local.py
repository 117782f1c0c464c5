"""The local engine: partitions run one after the other in this process.

The stages keep their own process pools on this machine (``n_jobs``), so "local" is exactly the
behaviour without an engine; the class exists so that code written against :class:`Engine` runs
unchanged on one machine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any


class LocalEngine:
    """Runs ``fn`` over the partitions in this process, in order."""

    name = "local"
    distributed = False

    @property
    def n_workers(self) -> int:
        return 1

    def map(self, fn: Callable[..., Any], args: Sequence[tuple[Any, ...]], errors: bool = False) -> Iterator[Any]:
        for a in args:
            try:
                result = fn(*a)
            except Exception as exc:
                if not errors:
                    raise
                result = exc
            yield result

    def close(self) -> None:
        pass

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return "LocalEngine()"
