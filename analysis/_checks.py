"""Checks on values that come from the user (command line, notebook parameters) at the edge."""

from __future__ import annotations

import math
from typing import Any

from analysis.errors import AnalysisError


def require_finite(name: str, value: Any, given: Any = None) -> Any:
    """``value`` unchanged if every number in it (lists and dicts included) is finite, else AnalysisError.

    ``1e999`` parses as infinity and ``nan`` as not-a-number: both are refused here with a message naming
    the parameter, instead of failing somewhere later with an OverflowError.
    """
    if isinstance(
        value, str
    ):  # a parameter of unknown type kept as text: "inf", "nan" are numbers gone wrong
        try:
            number = float(value)
        except ValueError:
            return value
        if not math.isfinite(number):
            raise AnalysisError(f"-p {name}={given if given is not None else value}: not a finite number")
        return value
    items = (
        value.values()
        if isinstance(value, dict)
        else value
        if isinstance(value, list | tuple | set)
        else [value]
    )
    for item in items:
        if isinstance(item, list | tuple | set | dict):
            require_finite(name, item, given)
        elif isinstance(item, float | complex) and not (
            math.isfinite(item.real) and math.isfinite(item.imag)
        ):
            shown = given if given is not None else value
            raise AnalysisError(f"-p {name}={shown}: not a finite number")
    return value
