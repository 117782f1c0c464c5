"""Many documents one step at a time: every document through a step before any goes on to the next.

Ingestion runs its steps this way over a batch of documents (``corpus._process_files``,
``metadata.describe_each``): each step's code and tables stay in the processor's caches from one
document to the next, which costs less than taking each document through every step in turn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")

__all__ = ["Joint", "stepwise"]


@dataclass(frozen=True)
class Joint(Generic[T]):
    """A step over every item still going at once: ``run(items, states)`` fills the states and returns,
    for each item in order, ``None`` or the exception that item raised (the others go on). A step that
    raises as a whole fails every item it was given, with that exception.
    """

    run: Callable[[list[T], list[dict[str, Any]]], Sequence[Exception | None]]


def stepwise(
    items: Sequence[T], steps: Iterable[Callable[[T, dict[str, Any]], None] | Joint[T]]
) -> tuple[dict[int, dict[str, Any]], dict[int, Exception]]:
    """Run each step on every item still going, in order, each item with a state dict of its own that
    the steps fill. An item whose step raises leaves there with its exception; the others go on. A
    :class:`Joint` step takes all the items still going in one call (its work shared between them).

    Returns the states of the items that went through every step and the exceptions of the others,
    both by the item's position.
    """
    live: dict[int, dict[str, Any]] = {k: {} for k in range(len(items))}
    failed: dict[int, Exception] = {}
    for step in steps:
        if isinstance(step, Joint):
            ks = list(live)
            try:
                outcomes = list(step.run([items[k] for k in ks], [live[k] for k in ks]))
            except Exception as exc:
                outcomes = [exc] * len(ks)
            if len(outcomes) != len(ks):
                raise ValueError(f"a joint step returned {len(outcomes)} outcomes for {len(ks)} items")
            for k, exc in zip(ks, outcomes, strict=True):
                if exc is not None:
                    failed[k] = exc
                    del live[k]
            continue
        for k in list(live):
            try:
                step(items[k], live[k])
            except Exception as exc:
                failed[k] = exc
                del live[k]
    return live, failed
