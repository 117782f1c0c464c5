"""Document variables beyond what extraction finds: metadata-file columns and folder-layout variables.

Three ways attach a variable to a document; the first that has a value wins, and ``<name>_from`` says
which one it was:

1. the **metadata file** (``--metadata``): ``path`` plus any columns. ``title, date, year, company,
   source, doc_type`` override what extraction found; every other column becomes a variable of its own
   (``genre``, ``region``, ``author`` …), typed from its cells: whole numbers -> ``Int64``, numbers ->
   ``Float64``, ISO dates -> ``datetime64``, anything else text (``''`` when empty);
2. the **folder layout** (``--path-vars``), a pattern matched against each document's path relative to
   the corpus folder (see :class:`PathVars`): ``"{genre}/*"`` gives ``reports/x.pdf`` ``genre=reports``;
   ``"{company}/{year}/*"`` sets company and year;
3. **extraction** from the document (title, date, company, source, doc_type).

These depend on the path and the metadata file, never on a file's bytes, so they are applied after the
ingestion cache's per-file records (``analysis.ingest.cache``), on every run.

A column name that clashes with a built-in column of the corpus table (``text``, ``chars``,
``company_source`` …) is refused with a clear error, as is a name that is not a word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis._checks import override_date
from analysis.errors import CorpusError

__all__ = ["BUILTIN_VARS", "PathVars", "check_name", "infer_type", "reserved_names"]

#: Built-in variables a metadata column or a path variable may set (over extraction).
BUILTIN_VARS = ("title", "date", "year", "company", "source", "doc_type")
#: Columns made downstream of the corpus table (tokens, DTM, select, year hints).
_DOWNSTREAM = ("n_tokens", "group", "year_hint", "year_hint_source", "year_from_hint", "label", "key")
_NAME = re.compile(r"^[^\W\d]\w*$")
_WHOLE = re.compile(r"^[+-]?\d+$")
_ISO_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")


def reserved_names(corpus_columns: Iterable[str]) -> set[str]:
    """Names no user variable may take: the corpus table's own columns (but the built-in variables)."""
    return (set(corpus_columns) | set(_DOWNSTREAM)) - set(BUILTIN_VARS)


def check_name(name: str, origin: str, corpus_columns: Iterable[str]) -> None:
    """Refuse a variable name that is not a word or clashes with a built-in column (CorpusError)."""
    if not _NAME.match(name):
        raise CorpusError(
            f"{origin}: variable name {name!r} is not a word (letters, digits and _, not starting with a digit)"
        )
    reserved = reserved_names(corpus_columns)
    if name in reserved or name.endswith(("_from", "_source", "_from_override")):
        raise CorpusError(
            f"{origin}: variable name {name!r} clashes with a built-in column of the corpus table; "
            f"rename it (built-in: {', '.join(sorted(reserved))}; names ending in _from / _source are "
            f"reserved for evidence columns)"
        )


def infer_type(values: Sequence[str], name: str = "") -> pd.Series:
    """Typed column from text cells (``''`` = missing): Int64, Float64, datetime64 or text."""
    s = pd.Series(list(values), dtype=object).fillna("").astype(str).str.strip()
    given = s[s != ""]
    if given.empty:
        return s
    if given.map(lambda v: bool(_WHOLE.match(v))).all():
        return pd.to_numeric(s.where(s != "", None), errors="coerce").astype("Int64")
    numeric = pd.to_numeric(given, errors="coerce")
    if numeric.notna().all() and np.isfinite(numeric.to_numpy(dtype=float)).all():
        return pd.to_numeric(s.where(s != "", None), errors="coerce").astype("Float64")
    if given.map(lambda v: bool(_ISO_DATE.match(v))).all():
        parsed = [override_date(v)[0] if v else None for v in s]
        if all(p is not None for p, v in zip(parsed, s, strict=True) if v):
            return pd.Series(pd.to_datetime(parsed), dtype="datetime64[ns]")
    return s


@dataclass(frozen=True)
class PathVars:
    """Variables read from the folder layout, by a small pattern language.

    The pattern is matched against a document's path relative to the corpus folder, segment by
    segment (``/`` separates segments):

    - ``{name}`` matches one segment, or the part of a segment between the literal text around it
      (``{company}_{year}.txt``, ``{year}-*``), and gives the variable ``name`` that text;
    - ``*`` as the **last** segment matches the rest of the path (one or more segments); inside a
      segment it matches any text of that segment; ``{_}`` matches a segment without keeping it;
    - anything else must be equal.

    ``"{genre}/*"``: ``news/a.txt`` -> genre=news; ``"{company}/{year}/*"``: ``中国移动/2023/x.pdf`` ->
    company=中国移动, year=2023. A path the pattern does not match gets no value (reported as a warning).
    """

    pattern: str
    regex: re.Pattern[str]
    names: tuple[str, ...]

    @classmethod
    def parse(cls, pattern: str, corpus_columns: Iterable[str] = ()) -> PathVars:
        """Compile ``pattern``; CorpusError for an empty pattern, a bad or repeated name, or a clash."""
        text = (pattern or "").strip().strip("/")
        if not text:
            raise CorpusError("--path-vars: empty pattern (e.g. '{genre}/*' or '{company}/{year}/*')")
        segments = text.split("/")
        parts: list[str] = []
        names: list[str] = []
        for i, seg in enumerate(segments):
            if seg == "*" and i == len(segments) - 1:
                parts.append(".+")
                continue
            if seg in ("", "**"):
                raise CorpusError(
                    f"--path-vars {pattern!r}: empty segment or '**' (use '*' as the last segment)"
                )
            out = ""
            for token in re.split(r"(\{[^{}]*\}|\*)", seg):
                if token == "*":
                    out += "[^/]*?"
                elif token.startswith("{") and token.endswith("}"):
                    name = token[1:-1].strip()
                    if name == "_":
                        out += "[^/]+?"
                        continue
                    check_name(name, f"--path-vars {pattern!r}", corpus_columns)
                    if name in names:
                        raise CorpusError(f"--path-vars {pattern!r}: variable {name!r} appears twice")
                    names.append(name)
                    out += f"(?P<{name}>[^/]+?)"
                elif "{" in token or "}" in token:
                    raise CorpusError(f"--path-vars {pattern!r}: unbalanced brace in {seg!r}")
                else:
                    out += re.escape(token)
            parts.append(out)
        if not names:
            raise CorpusError(f"--path-vars {pattern!r}: no {{name}} in the pattern")
        return cls(pattern, re.compile("^" + "/".join(parts) + "$"), tuple(names))

    def match(self, rel_path: str) -> dict[str, str] | None:
        """The variables of one relative path (POSIX separators), or None when it does not match."""
        m = self.regex.match(rel_path)
        return None if m is None else {k: v.strip() for k, v in m.groupdict().items()}
