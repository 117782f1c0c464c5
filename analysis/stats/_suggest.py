"""Clear answers to wrong or empty questions: refusing the wrong input, saying a term never occurs."""

from __future__ import annotations

import difflib
import re
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
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


#: Characters of text that ``text_variants`` looks at, spread over the corpus: the variants are a
#: suggestion, not a count, so a term that never occurs in a large corpus is said at once (every text of
#: 1 GB took 77 s) while a small corpus is still read whole.
VARIANT_CHARS = 4_000_000
_SEPARATOR = re.compile(r"\s|[，。、；：！？“”（）]")


def _spread(texts: Iterable[Any]) -> Iterable[Any]:
    """``texts`` in an order of which every beginning is spread over the whole corpus: the first text,
    the middle one, the quarters, the eighths... (each text once). A plain iterable stays in order."""
    if not isinstance(texts, Sequence) and not hasattr(texts, "__array__"):
        return texts
    n = len(texts)  # type: ignore[arg-type]
    if n == 0:
        return ()

    def order() -> Iterator[Any]:
        yield texts[0]  # type: ignore[index]
        step = 1 << (n - 1).bit_length()
        while step > 1:  # the texts at an odd multiple of step / 2: those no coarser step reached
            half = step // 2
            for i in range(half, n, step):
                yield texts[i]  # type: ignore[index]
            step = half

    return order()


def text_variants(
    term: str, texts: Iterable[Any], n: int = 5, limit: int = 300_000, max_chars: int = VARIANT_CHARS
) -> list[str]:
    """Near variants of ``term`` found in raw texts: substrings of about its length around its characters.

    At most ``max_chars`` characters of text are looked at, spread over ``texts`` when it is a sequence
    (see :func:`_spread`), and no more once ``limit`` distinct substrings are found."""
    chars = set(term)
    if not chars:
        return []
    pattern = re.compile("[" + re.escape("".join(sorted(chars))) + "]")
    length = len(term)
    sizes = sorted({max(1, length - 1), length, length + 1})
    found: Counter[str] = Counter()
    seen = 0
    for text in _spread(texts):
        if not isinstance(text, str):
            continue
        for m in pattern.finditer(text):
            i = m.start()
            for size in sizes:
                for start in (i, max(0, i - size + 1)):
                    piece = text[start : start + size]
                    # near_variants keeps a longer piece only when it shares two characters with the term
                    if len(piece) != size or (length > 1 and size > 1 and len(chars.intersection(piece)) < 2):
                        continue
                    if not _SEPARATOR.search(piece):
                        found[piece] += 1
        seen += len(text)
        if len(found) > limit or seen >= max_chars:
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
