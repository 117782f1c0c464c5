"""Selecting documents, and saying what was left out.

``select(data, years=..., companies=...)`` works on a corpus table, ``Tokens`` or a ``DTM`` and returns
the same kind of object. Whatever it leaves out is said twice: in a ``DocumentsLeftOut`` warning and in
``attrs["left_out"]`` ({reason: number of documents}) of the result (for Tokens and DTM: of their
docvars).

Year hints: a document that states no date stays undated (``date`` is only what a document states),
but its headline or an opening phrase often names the year (``中国移动2022年工作会议``).
``add_year_hint(corpus)`` adds ``year_hint`` (Int64) and ``year_hint_source`` ("headline" or "body
phrase") for undated documents; ``select(..., use_year_hint=True)`` and
``trend(..., use_year_hint=True)`` place such documents by their hint when asked, and say how many.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from analysis._frames import rows_at
from analysis.errors import AnalysisError

__all__ = ["DocumentsLeftOut", "add_year_hint", "report_left_out", "select", "year_hints"]


class DocumentsLeftOut(UserWarning):
    """Some documents were left out of an answer; the message says how many and why."""


def report_left_out(
    target: pd.DataFrame, what: str, reasons: dict[str, int], total: int, *, stacklevel: int = 3
) -> None:
    """Record ``reasons`` ({why: n}) in ``target.attrs["left_out"]`` and warn when any n > 0
    (``stacklevel`` as for ``warnings.warn`` here: the default 3 names the line that called the caller)."""
    reasons = {k: int(v) for k, v in reasons.items() if int(v) > 0}
    previous = dict(target.attrs.get("left_out", {}))
    for k, v in reasons.items():
        previous[k] = previous.get(k, 0) + v
    target.attrs["left_out"] = previous
    if reasons:
        n = sum(reasons.values())
        parts = "; ".join(f"{v} {k}" for k, v in reasons.items())
        warnings.warn(
            f"{what}: {n} of {total} documents left out ({parts})", DocumentsLeftOut, stacklevel=stacklevel
        )


# ------------------------------------------------------------------------------------------- year hints
_MAX_YEAR = pd.Timestamp.now().year
_HEADLINE_YEAR = re.compile(r"(?<![\d０-９])((?:19[89]|20[0-9])\d)\s*年")
_BODY_YEAR = re.compile(
    r"(?<![\d到至])((?:19[89]|20[0-9])\d)年(?:度)?(?:全面从严治党|党风廉政建设|党建|党的建设|纪检监察|宣传思想)?"
    r"(?:工作)?(?:会议|总结|报告|述职|会)"
)
_BODY_CHARS = 300


def _unique_year(matches: Iterable[str]) -> int | None:
    years = {int(y) for y in matches if 1980 <= int(y) <= _MAX_YEAR}
    return years.pop() if len(years) == 1 else None


def year_hints(corpus: pd.DataFrame) -> pd.DataFrame:
    """``year_hint`` (Int64) and ``year_hint_source`` for every undated document of ``corpus`` (NA and ''
    for dated ones and those without a hint): one year named in the headline (``title``) with 年, else
    one year of a meeting/report phrase (2022年工作会议, 2023年度党建工作总结) in the first 300 characters
    of the text. Several different years: no hint."""
    if not isinstance(corpus, pd.DataFrame):
        raise AnalysisError(f"year_hints needs the corpus table, got {type(corpus).__name__}")
    n = len(corpus)
    undated = _undated(corpus)
    titles = corpus["title"].fillna("").astype(str).to_numpy() if "title" in corpus.columns else np.full(n, "")
    texts = corpus["text"].to_numpy() if "text" in corpus.columns else np.full(n, None)
    hint = pd.array([pd.NA] * n, dtype="Int64")
    source = np.full(n, "", dtype=object)
    for i in np.flatnonzero(undated):
        y = _unique_year(_HEADLINE_YEAR.findall(titles[i]))
        if y is not None:
            hint[i], source[i] = y, "headline"
            continue
        text = texts[i]
        if isinstance(text, str):
            y = _unique_year(_BODY_YEAR.findall(text[:_BODY_CHARS]))
            if y is not None:
                hint[i], source[i] = y, "body phrase"
    return pd.DataFrame({"year_hint": hint, "year_hint_source": source}, index=corpus.index)


def add_year_hint(corpus: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``corpus`` with the ``year_hint`` and ``year_hint_source`` columns (see ``year_hints``).
    Add them before ``tokenize`` so the tokens and the DTM carry them."""
    out = corpus.copy()
    hints = year_hints(corpus)
    out["year_hint"] = hints["year_hint"]
    out["year_hint_source"] = hints["year_hint_source"]
    return out


def _undated(frame: pd.DataFrame) -> np.ndarray:
    if "year" in frame.columns:
        return pd.to_numeric(frame["year"], errors="coerce").isna().to_numpy()
    if "date" in frame.columns:
        return pd.to_datetime(frame["date"], errors="coerce").isna().to_numpy()
    return np.ones(len(frame), dtype=bool)


def effective_years(frame: pd.DataFrame, use_year_hint: bool) -> tuple[pd.Series, np.ndarray]:
    """(year per row: the stated year, or the hint when asked and the year is missing; hinted rows)."""
    year = pd.to_numeric(frame["year"], errors="coerce") if "year" in frame.columns else pd.Series(
        np.nan, index=frame.index
    )
    hinted = np.zeros(len(frame), dtype=bool)
    if use_year_hint:
        hint = frame["year_hint"] if "year_hint" in frame.columns else year_hints(frame)["year_hint"]
        hint = pd.to_numeric(hint, errors="coerce")
        hinted = (year.isna() & hint.notna()).to_numpy()
        year = year.where(~hinted, hint)
    return year.astype("Int64"), hinted


# --------------------------------------------------------------------------------------------- select
def _docvars_of(data: Any) -> pd.DataFrame:
    from analysis.dtm import DTM

    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, DTM) or (hasattr(data, "docs") and hasattr(data, "docvars")):
        return data.docvars
    raise AnalysisError(
        "select needs the corpus table (tl.load_corpus), tokens (tl.tokenize) or a DTM (tl.dtm), "
        f"got {type(data).__name__}"
    )


def _years_wanted(years: Any) -> tuple[int | None, int | None, set[int] | None]:
    if years is None:
        return None, None, None
    if isinstance(years, (int, np.integer)):
        return int(years), int(years), None
    if isinstance(years, range):
        return None, None, set(years)
    if isinstance(years, tuple) and len(years) == 2:
        lo, hi = years
        return (None if lo is None else int(lo)), (None if hi is None else int(hi)), None
    if isinstance(years, Iterable) and not isinstance(years, str):
        return None, None, {int(y) for y in years}
    raise AnalysisError(f"years must be a year, a (first, last) pair, a range or a list of years, got {years!r}")


def select(
    data: Any,
    *,
    years: Any = None,
    companies: str | Iterable[str] | None = None,
    use_year_hint: bool = False,
    where: str | None = None,
    **variables: Any,
) -> Any:
    """The documents of ``data`` (corpus table, Tokens or DTM) in ``years``, of ``companies``, and
    matching every document variable given (``genre="news"``, ``year=(2020, 2024)``) and ``where``.

    years:      2024, (2022, 2024) (inclusive; None for an open end), range(2022, 2025) or [2022, 2024].
                Undated documents cannot be placed in a year range and are left out, unless
                ``use_year_hint`` places those with a year hint (their ``year`` is then filled from the
                hint and ``year_from_hint`` is True).
    companies:  a name or a list; any alias of the alias table works ("China Mobile").
    **variables: any docvar by name: a value (``genre="news"``), a list of values
                (``genre=["news", "reports"]``) or, for numbers and dates, an inclusive (low, high) pair
                (``pages=(1, 20)``; None for an open end). ``year=`` is ``years=``; ``company=`` is
                ``companies=``.
    where:      a filter in the safe filter language of :mod:`analysis.where`
                (``"genre == 'news' and year >= 2020"``); nothing in it is executed.
    Returns the same kind of object; ``attrs["left_out"]`` (for Tokens and DTM: ``.docvars.attrs``)
    says how many documents were left out and why, and a ``DocumentsLeftOut`` warning says it too.
    """
    from analysis.dtm import DTM

    frame = _docvars_of(data)
    if "year" in variables:
        if years is not None:
            raise AnalysisError("give years= or year=, not both")
        years = variables.pop("year")
    if "company" in variables:
        if companies is not None:
            raise AnalysisError("give companies= or company=, not both")
        companies = variables.pop("company")
    keep = np.ones(len(frame), dtype=bool)
    reasons: dict[str, int] = {}
    year, hinted = effective_years(frame, use_year_hint)
    lo, hi, wanted = _years_wanted(years)
    if years is not None:
        undated = year.isna().to_numpy()
        reasons["undated (no year to place them in the range"
                + ("; a year hint could place some: use_year_hint=True" if not use_year_hint else "")
                + ")"] = int(undated.sum())
        inside = ~undated
        y = year.to_numpy(dtype="float64", na_value=np.nan)
        if lo is not None:
            inside &= y >= lo
        if hi is not None:
            inside &= y <= hi
        if wanted is not None:
            inside &= np.isin(y, list(wanted))
        reasons["outside the years asked for"] = int((~undated & ~inside).sum())
        keep &= inside
    if companies is not None:
        from analysis.stats.keyness import canonical_label

        names = [companies] if isinstance(companies, str) else list(companies)
        names = {canonical_label(str(c)) for c in names} | {str(c) for c in names}
        if "company" not in frame.columns:
            raise AnalysisError("companies= needs a 'company' column")
        ok = frame["company"].fillna("").astype(str).isin(names).to_numpy()
        known = sorted({c for c in frame["company"].fillna("").astype(str) if c})
        if not ok.any():
            raise AnalysisError(f"no documents for companies {sorted(names)}; companies are {known}")
        reasons["of other companies"] = int((keep & ~ok).sum())
        keep &= ok
    for name, wanted_value in variables.items():
        ok = _variable_mask(frame, name, wanted_value)
        reasons[f"not {name} {_describe_wanted(wanted_value)}"] = int((keep & ~ok).sum())
        keep &= ok
    if where is not None:
        from analysis.where import evaluate, parse_where

        conditions = parse_where(where)
        ok = evaluate(frame, conditions)
        reasons["not matching where: " + " and ".join(map(str, conditions))] = int((keep & ~ok).sum())
        keep &= ok
    idx = np.flatnonzero(keep)
    if isinstance(data, DTM):
        out = data.subset(keep)
        target = out.docvars
    elif isinstance(data, pd.DataFrame):
        out = rows_at(data, idx).reset_index(drop=True)
        out.attrs = dict(data.attrs)
        target = out
    else:
        from analysis.tokens import TokenLists

        docs = data.docs.take(idx) if isinstance(data.docs, TokenLists) else [data.docs[i] for i in idx]  # no lists made
        out = type(data)(**{**vars(data), "docs": docs, "docvars": data.docvars.iloc[idx].reset_index(drop=True)})
        target = out.docvars
    if use_year_hint and hinted[idx].any():
        target["year"] = year.to_numpy()[idx]
        target["year"] = target["year"].astype("Int64")
        target["year_from_hint"] = hinted[idx]
    report_left_out(target, "select", reasons, len(frame))
    return out


def _describe_wanted(value: Any) -> str:
    if isinstance(value, tuple) and len(value) == 2:
        return f"in {value[0]}–{value[1]}"
    if isinstance(value, (list, set, range)):
        return "in [" + ", ".join(map(str, value)) + "]"
    return f"= {value}"


def _variable_mask(frame: pd.DataFrame, name: str, wanted: Any) -> np.ndarray:
    """Rows whose docvar ``name`` equals ``wanted``, is one of a list, or lies in a (low, high) pair.
    A missing value matches nothing."""
    from analysis.where import Condition, evaluate

    if name not in frame.columns:
        shown = [c for c in frame.columns if c != "text" and not c.endswith(("_source", "_from", "_from_override"))]
        raise AnalysisError(f"select: no document variable {name!r} (variables: {', '.join(shown)})")
    if isinstance(wanted, tuple) and len(wanted) == 2:
        lo, hi = wanted
        conds = ([Condition(name, ">=", lo)] if lo is not None else []) + (
            [Condition(name, "<=", hi)] if hi is not None else []
        )
        if not conds:
            return np.ones(len(frame), dtype=bool)
        return evaluate(frame, conds)
    if isinstance(wanted, (list, set, range, np.ndarray, pd.Series)):
        return evaluate(frame, [Condition(name, "in", list(wanted))])
    return evaluate(frame, [Condition(name, "==", wanted)])
