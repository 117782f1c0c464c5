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


def override_date(value: str) -> tuple[Any, str]:
    """A metadata file's date cell -> ``(Timestamp at midnight, "")``, or ``(None, why it is ignored)``.

    Dates pandas cannot hold in nanoseconds (before 1677-09-22 or after 2262-04-11: ``0001-01-01``,
    ``9999-12-31``) are refused like invalid ones, with their own reason, instead of failing later.
    """
    import pandas as pd

    try:
        parsed = pd.to_datetime(value, errors="coerce", format="ISO8601")
    except (ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):
        parsed = None
        out_of_range = True
    else:
        if not pd.isna(parsed) and parsed.tzinfo:
            parsed = parsed.tz_localize(None)  # the local date as written
        out_of_range = not pd.isna(parsed) and not (pd.Timestamp.min <= parsed <= pd.Timestamp.max)
    if out_of_range:
        lo, hi = pd.Timestamp.min.ceil("D").date(), pd.Timestamp.max.floor("D").date()
        return None, f"date '{value}' outside the supported range {lo} to {hi}; ignored"
    if parsed is None or pd.isna(parsed):
        return None, f"invalid date '{value}' (use YYYY-MM-DD); ignored"
    return parsed.normalize().as_unit("ns"), ""
