"""KWIC concordance (keyword in context) over the cleaned corpus text.

Chinese needs no token boundaries for a concordance, so matching is on characters: a term may be a
slogan spanning several tokens (两个维护, 学思想、强党性、重实践、建新功) or any regular expression.

Paragraphs are the unit of context: ``left`` and ``right`` stop at the paragraph break ("\\n"), so a
line never borrows words from the previous paragraph (a match at the start of a paragraph has an empty
left context). With ``cross_paragraphs=True`` contexts run on across breaks and every break is shown
as " ⏎ ". Matches are searched paragraph by paragraph, so a match never spans a paragraph break.

The corpus text is untrusted: everything returned is a plain str, never markup (escape it yourself
before putting it into HTML).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from analysis.dtm import NONE_LABEL
from analysis.errors import AnalysisError
from analysis.ingest.clean import to_simplified
from analysis.stats._suggest import refuse, say_not_found, text_variants

__all__ = ["PARAGRAPH_MARK", "kwic"]

KWIC_COLUMNS = ["doc_id", "path", "company", "date", "title", "left", "match", "right", "start"]
#: What a paragraph break looks like inside a context when ``cross_paragraphs=True``.
PARAGRAPH_MARK = " ⏎ "


def _compile(term: str, regex: bool, ignore_case: bool) -> re.Pattern[str]:
    if not isinstance(term, str) or not term:
        raise AnalysisError("kwic needs a non-empty search term")
    flags = re.IGNORECASE if ignore_case else 0
    if not regex:
        return re.compile(re.escape(term), flags)
    try:
        return re.compile(term, flags)
    except re.error as exc:
        raise AnalysisError(f"invalid regular expression {term!r}: {exc}") from None


def _paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """(offset in ``text``, paragraph) of every paragraph (line)."""
    offset = 0
    for line in text.split("\n"):
        yield offset, line
        offset += len(line) + 1


def _context(text: str, a: int, b: int, window: int, cross: bool) -> tuple[str, str]:
    if cross:
        left = text[max(0, a - window) : a].replace("\n", PARAGRAPH_MARK)
        right = text[b : b + window].replace("\n", PARAGRAPH_MARK)
        return left, right
    line_start = text.rfind("\n", 0, a) + 1
    line_end = text.find("\n", b)
    if line_end < 0:
        line_end = len(text)
    return text[max(line_start, a - window) : a], text[b : min(line_end, b + window)]


def kwic(
    corpus: pd.DataFrame,
    term: str,
    *,
    window: int = 20,
    regex: bool = False,
    max_rows: int | None = None,
    ignore_case: bool = False,
    cross_paragraphs: bool = False,
) -> pd.DataFrame:
    """Every occurrence of ``term`` in ``corpus.text`` with ``window`` characters of context each side.

    ``term`` is literal by default (``regex=True``: a Python regular expression; empty matches are
    skipped). The corpus text is simplified Chinese; a traditional-script term is converted to simplified.

    Columns:
      doc_id, path, company, title  str (the file the line comes from, its title; '' when the corpus
                              has no such column; company "(none)" when the document has none)
      date                    datetime64 (NaT if undated)
      left, right             str; up to ``window`` characters before / after the match, within the
                              paragraph (see the module docstring)
      match                   str; the matched text
      start                   int; character offset of the match in the document text
    Rows: sorted by date (undated last), doc_id, start; the first ``max_rows`` rows if given.
    A term that never occurs gives an empty frame and a ``TermNotFoundWarning`` naming near variants
    that do occur (also in ``attrs["near_variants"]``).
    """
    if not isinstance(corpus, pd.DataFrame) or "text" not in corpus.columns or "doc_id" not in corpus.columns:
        refuse("kwic", corpus, "corpus", "kwic(corpus, term)")
    if window < 0:
        raise AnalysisError(f"window must be >= 0, got {window}")
    if max_rows is not None and max_rows < 0:
        raise AnalysisError(f"max_rows must be >= 0 or None, got {max_rows}")
    asked = term
    term = to_simplified(term) if isinstance(term, str) else term
    pattern = _compile(term, regex, ignore_case)

    n = len(corpus)
    doc_ids = corpus["doc_id"].astype(str).to_numpy()
    company = _str_column(corpus, "company", n)
    company[company == ""] = NONE_LABEL  # the one label for "no company" in stats tables
    path = _str_column(corpus, "path", n)
    title = _str_column(corpus, "title", n)
    dates = (
        pd.to_datetime(corpus["date"], errors="coerce").to_numpy()
        if "date" in corpus.columns
        else np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    )
    rows: list[tuple[Any, ...]] = []
    # A literal term without a line break cannot match across one: the whole text is searched at once,
    # and only where the term occurs (a case-insensitive one is searched everywhere).
    literal = None if regex or "\n" in term else term
    texts = corpus["text"].to_numpy()
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            continue
        if literal is None:
            parts: Iterable[tuple[int, str]] = _paragraphs(text)
        elif ignore_case or literal in text:
            parts = ((0, text),)
        else:
            continue
        for offset, part in parts:
            for m in pattern.finditer(part):
                if m.end() == m.start():
                    continue
                a, b = offset + m.start(), offset + m.end()
                left, right = _context(text, a, b, window, cross_paragraphs)
                rows.append((i, left, m.group(), right, a))
    if not rows:
        out = pd.DataFrame({c: pd.Series(dtype=object) for c in KWIC_COLUMNS})
        out["date"] = pd.Series(dtype="datetime64[ns]")
        out["start"] = pd.Series(dtype=np.int64)
        out = out[KWIC_COLUMNS]
        variants = [] if regex else text_variants(term, texts)
        say_not_found(out, "kwic", term, variants, asked)
        return out
    idx = np.array([r[0] for r in rows], dtype=np.int64)
    out = pd.DataFrame(
        {
            "doc_id": doc_ids[idx],
            "path": path[idx],
            "company": company[idx],
            "date": dates[idx],
            "title": title[idx],
            "left": [r[1] for r in rows],
            "match": [r[2] for r in rows],
            "right": [r[3] for r in rows],
            "start": np.array([r[4] for r in rows], dtype=np.int64),
        }
    )
    out = out.sort_values(["date", "doc_id", "start"], na_position="last", kind="stable").reset_index(drop=True)
    if max_rows is not None:
        out = out.head(max_rows)
    return out[KWIC_COLUMNS]


def _str_column(corpus: pd.DataFrame, name: str, n: int) -> np.ndarray:
    if name not in corpus.columns:
        return np.full(n, "", dtype=object)
    return corpus[name].fillna("").astype(str).to_numpy(dtype=object)


# help(function) shows the definitions too: the package namespace shadows this module by the function.
from analysis.stats._suggest import with_module_doc  # noqa: E402

with_module_doc(__doc__, kwic)
