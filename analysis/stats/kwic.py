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

from analysis._frames import rows_at, texts_in_steps
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
    ``attrs``: ``lines`` and ``documents``, how many lines the whole concordance has and in how many
    documents (with ``max_rows`` more than the table holds), and ``rows``, the table's length.
    With ``max_rows`` a literal term is first counted in every text, and only the texts that come first
    are searched for the lines. The texts are made Python strings a few thousand at a time, never all
    at once.
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
    doc_ids = corpus["doc_id"].astype(str).reset_index(drop=True)
    company = _str_column(corpus, "company", n)
    company = company.where(company != "", NONE_LABEL)  # the one label for "no company" in stats tables
    path = _str_column(corpus, "path", n)
    title = _str_column(corpus, "title", n)
    dates = (
        pd.to_datetime(corpus["date"], errors="coerce").to_numpy()
        if "date" in corpus.columns
        else np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    )
    at: list[int] = []  # per line: the document's row, the left context, the match, the right one, start
    lefts: list[str] = []
    found: list[str] = []
    rights: list[str] = []
    starts: list[int] = []
    # Sorted by date (undated last), doc_id, start, stably: the same order as DataFrame.sort_values, for
    # integer keys (a document's rank among the sorted doc_ids)
    day = pd.Series(dates).rank(method="dense", na_option="bottom").to_numpy()
    _, doc_rank = np.unique(doc_ids.to_numpy(dtype=object), return_inverse=True)
    # A literal term without a line break cannot match across one: the whole text is searched at once,
    # and only where the term occurs (a case-insensitive one is searched everywhere).
    literal = None if regex or "\n" in term else term
    searched, texts, totals = _texts_to_search(corpus["text"], literal, ignore_case, max_rows, day, doc_rank)
    for i, text, a, b, matched in _matches(texts, pattern, literal, ignore_case):
        left, right = _contexts(text, a, b, window, cross_paragraphs)
        at.append(i)
        lefts.append(left)
        found.append(matched)
        rights.append(right)
        starts.append(a)
    if not at:
        out = pd.DataFrame({c: pd.Series(dtype=object) for c in KWIC_COLUMNS})
        out["date"] = pd.Series(dtype="datetime64[ns]")
        out["start"] = pd.Series(dtype=np.int64)
        out = out[KWIC_COLUMNS]
        variants = [] if regex else text_variants(term, corpus["text"].to_numpy())
        say_not_found(out, "kwic", term, variants, asked)
        out.attrs.update(lines=0, documents=0, rows=0)
        return out
    idx = np.array(at, dtype=np.int64) if searched is None else searched[np.array(at, dtype=np.int64)]
    if totals is None:
        totals = (len(idx), len(np.unique(idx)))
    start = np.array(starts, dtype=np.int64)
    order = np.lexsort((start, doc_rank[idx], day[idx]))
    if max_rows is not None:
        order = order[:max_rows]
    rows = idx[order]
    out = pd.DataFrame(
        {
            "doc_id": doc_ids.take(rows).reset_index(drop=True),
            "path": path.take(rows).reset_index(drop=True),
            "company": company.take(rows).reset_index(drop=True),
            "date": dates[rows],
            "title": title.take(rows).reset_index(drop=True),
            "left": _taken(lefts, order),
            "match": _taken(found, order),
            "right": _taken(rights, order),
            "start": start[order],
        }
    )[KWIC_COLUMNS]
    out.attrs.update(lines=int(totals[0]), documents=int(totals[1]), rows=len(out))
    return out


def _texts_to_search(
    column: pd.Series,
    literal: str | None,
    ignore_case: bool,
    max_rows: int | None,
    day: np.ndarray,
    doc_rank: np.ndarray,
) -> tuple[np.ndarray | None, Iterable[Any], tuple[int, int] | None]:
    """``(rows, texts, totals)``: the texts to search and the rows they are (None: every row, in order),
    and the number of lines and of documents with one (None: counted from the lines).

    The texts are made Python strings a step at a time (``texts_in_steps``), so the whole corpus is never
    held as Python strings at once. With ``max_rows`` a literal, case-sensitive term is counted in every
    text first (``str.count``: the non-overlapping occurrences the search finds), and only the texts that
    come first in the table's order are searched, until they hold ``max_rows`` lines (with every
    document sharing the last one's date and doc_id, which the lines of the others could come between)."""
    every = texts_in_steps(column)
    if max_rows is None or literal is None or ignore_case:
        return None, every, None
    counts = np.fromiter(
        (t.count(literal) if isinstance(t, str) else 0 for t in every), np.int64, len(column)
    )
    totals = (int(counts.sum()), int(np.count_nonzero(counts)))
    rows = np.flatnonzero(counts)
    if totals[0] > max_rows:
        rows = rows[np.lexsort((doc_rank[rows], day[rows]))]  # the documents in the table's order
        last = int(np.searchsorted(np.cumsum(counts[rows]), max(max_rows, 1)))  # holds line max_rows
        same = (day[rows] == day[rows[last]]) & (doc_rank[rows] == doc_rank[rows[last]])
        rows = np.sort(rows[: last + 1 + int(np.count_nonzero(same[last + 1 :]))])
    # (rows_at: the rows piece by piece of an Arrow column, which a take over it would join first)
    return rows, rows_at(column.to_frame(), rows).iloc[:, 0].tolist(), totals


def _matches(
    texts: Iterable[Any], pattern: re.Pattern[str], literal: str | None, ignore_case: bool
) -> Iterator[tuple[int, str, int, int, str]]:
    """(row, text, start, end, matched text) of every non-empty match, text by text in order.

    A literal, case-sensitive term is found with str.find from the end of each match: the same
    non-overlapping matches as ``finditer``, and each match is the term itself. A case-insensitive
    literal is searched in the whole text, any other pattern paragraph by paragraph."""
    if literal is not None and not ignore_case:
        size = len(literal)
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                continue
            a = text.find(literal)
            while a >= 0:
                yield i, text, a, a + size, literal
                a = text.find(literal, a + size)
        return
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            continue
        parts: Iterable[tuple[int, str]] = _paragraphs(text) if literal is None else ((0, text),)
        for offset, part in parts:
            for m in pattern.finditer(part):
                a, b = m.span()
                if a != b:
                    yield i, text, offset + a, offset + b, m.group()


def _contexts(text: str, a: int, b: int, window: int, cross_paragraphs: bool) -> tuple[str, str]:
    """Left and right context of the match ``text[a:b]`` (see the module docstring)."""
    if cross_paragraphs:
        return (
            text[max(0, a - window) : a].replace("\n", PARAGRAPH_MARK),
            text[b : b + window].replace("\n", PARAGRAPH_MARK),
        )
    left = text[max(0, a - window) : a]  # bounded by the match's paragraph
    k = left.rfind("\n")
    if k >= 0:
        left = left[k + 1 :]
    right = text[b : b + window]
    k = right.find("\n")
    if k >= 0:
        right = right[:k]
    return left, right


def _taken(values: list[str], order: np.ndarray) -> np.ndarray:
    """``values`` in ``order`` (an object array: cheaper to make and index than a list comprehension)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out[order]


def _str_column(corpus: pd.DataFrame, name: str, n: int) -> pd.Series:
    if name not in corpus.columns:
        return pd.Series([""] * n, dtype=object).astype(str)
    return corpus[name].fillna("").astype(str).reset_index(drop=True)


# help(function) shows the definitions too: the package namespace shadows this module by the function.
from analysis.stats._suggest import with_module_doc  # noqa: E402

with_module_doc(__doc__, kwic)
