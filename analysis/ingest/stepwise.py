"""Many documents one step at a time: every document through a step before any goes on to the next.

Ingestion runs its steps this way over a batch of documents (``corpus._process_files``,
``metadata.describe_each``): each step's code and tables stay in the processor's caches from one
document to the next, which costs less than taking each document through every step in turn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

__all__ = ["stepwise"]


def stepwise(
    items: Sequence[T], steps: Iterable[Callable[[T, dict[str, Any]], None]]
) -> tuple[dict[int, dict[str, Any]], dict[int, Exception]]:
    """Run each step on every item still going, in order, each item with a state dict of its own that
    the steps fill. An item whose step raises leaves there with its exception; the others go on.

    Returns the states of the items that went through every step and the exceptions of the others,
    both by the item's position.
    """
    live: dict[int, dict[str, Any]] = {k: {} for k in range(len(items))}
    failed: dict[int, Exception] = {}
    for step in steps:
        for k in list(live):
            try:
                step(items[k], live[k])
            except Exception as exc:
                failed[k] = exc
                del live[k]
    return live, failed
