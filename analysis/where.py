"""A safe filter language for documents: ``genre == 'news' and year >= 2020``.

Used by ``select(data, where=...)``, ``stats --where`` and the reports' ``-p where=...``. The text is
parsed by the small grammar below and compared column by column; nothing in it is ever executed (no
``eval``, no ``DataFrame.query``).

::

    filter     := condition ("and" condition)*
    condition  := NAME op value  |  NAME ["not"] "in" "[" value ("," value)* "]"
    op         := "==" | "=" | "!=" | "<" | "<=" | ">" | ">="
    value      := 'text' | "text" | “text” | number | bare word (letters, digits, _, -)

``NAME`` is a column of the corpus table (a document variable). Numbers compare with numeric columns,
text with text; a date column compares with ``'2023-06-01'``. A document whose variable is missing
satisfies no condition on it, except ``!=`` and ``not in``.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError

__all__ = ["Condition", "evaluate", "parse_where"]

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<str>'[^']*'|"[^"]*"|“[^”]*”|‘[^’]*’|「[^」]*」)
      | (?P<num>[+-]?\d+(?:\.\d+)?(?![\w.]))
      | (?P<op>==|!=|<=|>=|=|<|>)
      | (?P<punct>[\[\],，、])
      | (?P<word>[^\W\d][\w\-]*|\d[\w\-]*)
    )""",
    re.X,
)
_OPERATORS = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}  # fmt: skip


@dataclass(frozen=True)
class Condition:
    """One comparison of a filter: ``name op value`` (``value`` a list for in / not in)."""

    name: str
    op: str
    value: Any

    def __str__(self) -> str:
        v = (
            "[" + ", ".join(map(_show, self.value)) + "]"
            if isinstance(self.value, list)
            else _show(self.value)
        )
        return f"{self.name} {self.op} {v}"


def _show(v: Any) -> str:
    return repr(v) if isinstance(v, str) else f"{v:g}" if isinstance(v, float) else str(v)


def _tokens(text: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise AnalysisError(f"where {text!r}: cannot read {text[pos:].strip()[:20]!r} (position {pos})")
        kind = m.lastgroup
        raw = m.group(kind)
        if kind == "str":
            out.append(("value", raw[1:-1]))
        elif kind == "num":
            number = float(raw)
            if not np.isfinite(number):
                raise AnalysisError(f"where {text!r}: {raw} is not a finite number")
            out.append(("value", int(raw) if re.fullmatch(r"[+-]?\d+", raw) else number))
        elif kind == "op":
            out.append(("op", "==" if raw == "=" else raw))
        elif kind == "punct":
            out.append(("punct", {"，": ",", "、": ","}.get(raw, raw)))
        else:
            out.append(("word", raw))
        pos = m.end()
    return out


def parse_where(text: str) -> list[Condition]:
    """Parse a filter into its conditions (all must hold); AnalysisError with the reason when it is
    not one."""
    if not isinstance(text, str) or not text.strip():
        raise AnalysisError("where: empty filter (e.g. \"genre == 'news' and year >= 2020\")")
    toks = _tokens(text)
    conds: list[Condition] = []
    i = 0

    def need(ok: bool, what: str) -> None:
        if not ok:
            near = " ".join(str(t[1]) for t in toks[i : i + 3]) or "the end"
            raise AnalysisError(f"where {text!r}: expected {what} near {near!r}")

    while True:
        need(i < len(toks) and toks[i][0] == "word", "a variable name")
        name = toks[i][1]
        i += 1
        if i + 1 < len(toks) and toks[i] == ("word", "not") and toks[i + 1] == ("word", "in"):
            op, i = "not in", i + 2
        elif i < len(toks) and toks[i] == ("word", "in"):
            op, i = "in", i + 1
        else:
            need(i < len(toks) and toks[i][0] == "op", "a comparison (==, !=, <, <=, >, >=, in, not in)")
            op, i = toks[i][1], i + 1
        if op in ("in", "not in"):
            need(i < len(toks) and toks[i] == ("punct", "["), "'[' after in")
            i += 1
            values: list[Any] = []
            while True:
                need(i < len(toks) and toks[i][0] in ("value", "word"), "a value in the list")
                values.append(toks[i][1])
                i += 1
                if i < len(toks) and toks[i] == ("punct", ","):
                    i += 1
                    continue
                need(i < len(toks) and toks[i] == ("punct", "]"), "',' or ']'")
                i += 1
                break
            conds.append(Condition(name, op, values))
        else:
            need(i < len(toks) and toks[i][0] in ("value", "word"), "a value")
            conds.append(Condition(name, op, toks[i][1]))
            i += 1
        if i == len(toks):
            return conds
        need(toks[i] == ("word", "and"), "'and' between conditions")
        i += 1


def _column_kind(series: pd.Series) -> str:
    if pd.api.types.is_datetime64_any_dtype(series):
        return "date"
    if pd.api.types.is_bool_dtype(series):
        return "bool"
    if pd.api.types.is_numeric_dtype(series):
        return "number"
    return "text"


def _coerce(cond: Condition, value: Any, kind: str) -> Any:
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            try:
                number = float(str(value))
            except ValueError:
                raise AnalysisError(
                    f"where {cond}: {cond.name} holds numbers, {value!r} is not one"
                ) from None
            if not np.isfinite(number):
                raise AnalysisError(f"where {cond}: {value!r} is not a finite number")
            return number
        return value
    if kind == "date":
        parsed = pd.to_datetime(str(value), errors="coerce", format="ISO8601")
        if pd.isna(parsed):
            raise AnalysisError(
                f"where {cond}: {cond.name} holds dates, {value!r} is not one (use 'YYYY-MM-DD')"
            )
        return parsed
    if kind == "bool":
        low = str(value).lower()
        if low in ("true", "1", "yes"):
            return True
        if low in ("false", "0", "no"):
            return False
        raise AnalysisError(f"where {cond}: {cond.name} is true or false, not {value!r}")
    return str(value) if not isinstance(value, float) else f"{value:g}"


def evaluate(frame: pd.DataFrame, conditions: list[Condition] | str) -> np.ndarray:
    """Boolean mask of the rows of ``frame`` meeting every condition (a filter text is parsed first)."""
    conds = parse_where(conditions) if isinstance(conditions, str) else conditions
    keep = np.ones(len(frame), dtype=bool)
    for cond in conds:
        if cond.name not in frame.columns:
            names = ", ".join(c for c in frame.columns if c not in ("text",))
            raise AnalysisError(f"where {cond}: no variable {cond.name!r} (variables: {names})")
        series = frame[cond.name]
        kind = _column_kind(series)
        if kind == "text":
            col = series.astype("object").where(series.notna(), None)
            missing = col.isna().to_numpy() | (col.astype(str) == "").to_numpy()
            values = col.astype(str).to_numpy()
        else:
            missing = series.isna().to_numpy()
            values = series.to_numpy()
        if cond.op in ("in", "not in"):
            wanted = [_coerce(cond, v, kind) for v in cond.value]
            hit = np.zeros(len(frame), dtype=bool)
            hit[~missing] = pd.Series(values[~missing]).isin(wanted).to_numpy()
            ok = hit if cond.op == "in" else ~hit
        else:
            target = _coerce(cond, cond.value, kind)
            if cond.op in ("<", "<=", ">", ">=") and kind in ("text", "bool"):
                raise AnalysisError(f"where {cond}: {cond.name} is text; use ==, != or in")
            ok = np.zeros(len(frame), dtype=bool)
            present = values[~missing]
            if kind == "date":
                present = pd.to_datetime(present)
            ok[~missing] = np.asarray(_OPERATORS[cond.op](present, target), dtype=bool)
            if cond.op == "!=":
                ok[missing] = True
        keep &= ok
    return keep
