"""Glue for the command line: corpus table -> tokens -> dtm -> the standard statistics tables as CSV.

Nothing here computes statistics itself; it calls the stage modules in order and writes their output.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from analysis import _io
from analysis.dtm import dtm as build_dtm
from analysis.stats.frequency import frequency
from analysis.stats.keyness import keyness
from analysis.stats.similarity import similarity
from analysis.stats.slogans import slogan_profile
from analysis.stats.tfidf import tfidf_profile
from analysis.tokens import tokenize

STATS_FILES = ("frequency.csv", "tfidf.csv", "slogans.csv", "keyness.csv", "similarity.csv")


def _write_csv(df: pd.DataFrame, target: Path, index: bool = False) -> Path:
    return _io.write_with(target, lambda t: df.to_csv(t, index=index, encoding="utf-8"))


def write_stats(
    corpus: pd.DataFrame,
    out: Path,
    *,
    by: Sequence[str] = ("company",),
    target: str | None = None,
    reference: str | None = None,
    top_n: int = 50,
    min_count: int = 5,
    progress: bool = True,
) -> list[Path]:
    """Compute the standard tables for ``corpus`` grouped ``by`` and write them to ``out`` (UTF-8 CSV)."""
    by_arg: str | list[str] = by[0] if len(by) == 1 else list(by)
    tokens = tokenize(corpus, progress=progress)
    matrix = build_dtm(tokens)
    out.mkdir(parents=True, exist_ok=True)
    tables: dict[str, tuple[pd.DataFrame, bool]] = {
        "frequency.csv": (frequency(matrix, by=by_arg, top_n=top_n), False),
        "tfidf.csv": (tfidf_profile(matrix, by=by_arg, top_n=top_n), False),
        "slogans.csv": (slogan_profile(corpus, tokens, by=by_arg), False),
        "keyness.csv": (
            keyness(matrix, by=by_arg, target=target, reference=reference, min_count=min_count),
            False,
        ),
        "similarity.csv": (similarity(matrix, by=by_arg), True),
    }
    return [_write_csv(df, out / name, index=index) for name, (df, index) in tables.items()]
