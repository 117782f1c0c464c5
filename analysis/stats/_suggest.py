"""Clear answers to wrong or empty questions: refusing the wrong input, saying a term never occurs."""

from __future__ import annotations

import difflib
import re
import warnings
from collections import Counter
from collections.abc import Iterable
from typing import Any

import pandas as pd

from analysis.errors import AnalysisError

__all__ = ["TermNotFoundWarning", "near_variants", "refuse", "say_not_found", "with_module_doc"]


class TermNotFoundWarning(UserWarning):
    """A searched term does not occur; the message names near variants that do."""


# What each kind of input is and how to get the right one.
_CALLS = {
    "corpus": "the corpus table: corpus = tl.load_corpus(folder)",
    "tokens": "tokens: tokens = tl.tokenize(corpus)",
    "dtm": "a document-term matrix: m = tl.dtm(tl.tokenize(corpus))",
}


def _kind(obj: Any) -> str:
    from analysis.dtm import DTM

    if isinstance(obj, DTM):
        return "a DTM"
    if isinstance(obj, pd.DataFrame):
        return "the corpus table" if "text" in obj.columns else "a DataFrame"
    if hasattr(obj, "docs") and hasattr(obj, "docvars"):
        return "tokens"
    return f"a {type(obj).__name__}"


def refuse(what: str, obj: Any, needs: str, call: str) -> None:
    """Raise AnalysisError: ``what`` got ``obj`` but needs ``needs`` (a key of _CALLS); ``call`` shows
    the right way, e.g. "collocations(tl.tokenize(corpus), term)"."""
    raise AnalysisError(f"{what} needs {_CALLS[needs]}, not {_kind(obj)}; call {call}")


def near_variants(term: str, candidates: Iterable[str] | Counter[str], n: int = 5) -> list[str]:
    """Up to ``n`` candidates that look like ``term``: sharing its characters, most similar first."""
    chars = set(term)
    counts = candidates if isinstance(candidates, Counter) else Counter(candidates)
    scored = []
    for cand, freq in counts.items():
        if cand == term or not isinstance(cand, str):
            continue
        shared = len(chars & set(cand))
        if shared == 0 or (len(term) > 1 and shared < 2 and len(cand) > 1):
            continue
        ratio = difflib.SequenceMatcher(None, term, cand).ratio()
        if ratio >= 0.4:
            scored.append((-shared, -ratio, -freq, cand))
    scored.sort()
    return [c for *_, c in scored[:n]]


def text_variants(term: str, texts: Iterable[Any], n: int = 5, limit: int = 300_000) -> list[str]:
    """Near variants of ``term`` found in raw texts: substrings of about its length around its characters."""
    chars = set(term)
    if not chars:
        return []
    pattern = re.compile("[" + re.escape("".join(sorted(chars))) + "]")
    length = len(term)
    found: Counter[str] = Counter()
    for text in texts:
        if not isinstance(text, str):
            continue
        for m in pattern.finditer(text):
            i = m.start()
            for size in {max(1, length - 1), length, length + 1}:
                for start in (i, i - size + 1):
                    piece = text[max(0, start) : max(0, start) + size]
                    if len(piece) == size and not re.search(r"\s|[，。、；：！？“”（）]", piece):
                        found[piece] += 1
            if len(found) > limit:
                break
    return near_variants(term, found, n)


def say_not_found(df: pd.DataFrame, what: str, term: str, variants: list[str], asked: str | None = None) -> None:
    """Warn that ``term`` never occurs (naming near variants) and record it in ``df.attrs``."""
    msg = f"{what}: {term!r} does not occur in these documents"
    if asked is not None and asked != term:
        msg += f" (searched as simplified {term!r} for {asked!r})"
    msg += f"; near variants that do: {', '.join(variants)}" if variants else "; no near variant found either"
    df.attrs["not_found"] = term
    df.attrs["near_variants"] = variants
    df.attrs["note"] = msg
    warnings.warn(msg, TermNotFoundWarning, stacklevel=3)


def with_module_doc(module_doc: str | None, *functions: Any) -> None:
    """Append a stats module's docstring (its definitions and sources) to its public functions'
    docstrings, so ``help(tl.keyness)`` shows them: ``analysis.stats.keyness`` names the function, which
    shadows the module."""
    if not module_doc:
        return
    for fn in functions:
        fn.__doc__ = f"{fn.__doc__ or ''}\n\nDefinitions and sources ({fn.__module__}):\n\n{module_doc}"
