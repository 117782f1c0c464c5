"""Glue for the command line: corpus table -> tokens -> dtm -> the standard statistics tables as CSV.

Nothing here computes statistics itself; it calls the stage modules in order and writes their output.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import _io, _results
from analysis.errors import AnalysisError
from analysis.tokens import tokenize

STATS_FILES = ("frequency.csv", "tfidf.csv", "slogans.csv", "keyness.csv", "similarity.csv")
#: Written too when the grouping includes year: each year against the year before (per company if grouped
#: by company as well).
YEAR_OVER_YEAR_FILE = "year_over_year.csv"



def _write_csv(df: pd.DataFrame, target: Path, index: bool = False) -> Path:
    return _io.write_csv(df, target, index=index)  # formula-like text cells neutralised


@dataclass
class StatsOutput:
    """Files written by :func:`write_stats` and notes on tables that could not be computed."""

    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def write_stats(
    corpus: pd.DataFrame,
    out: Path,
    *,
    by: Sequence[str] = ("company",),
    target: str | None = None,
    reference: str | None = None,
    top_n: int = 50,
    min_count: int = 5,
    family: str = "table",
    progress: bool = True,
    engine: Any = None,
    streaming: bool = True,
    texts: Any = None,
) -> StatsOutput:
    """Compute the standard tables for ``corpus`` grouped ``by`` and write them to ``out`` (UTF-8 CSV).

    A table that cannot be computed for this corpus (keyness with a single group, say) is written
    with its header only, and the reason is returned in ``notes``; the other tables are still written.

    ``streaming`` (default): the tables come from per-partition sums and never from one document-term
    matrix of the whole corpus (``analysis.stats.streamed``: same CSVs, memory of vocabulary x groups);
    False computes them from the whole-corpus matrix (the reference the streamed path is tested against).

    The files are cached (``analysis._results``): a run on the same documents (text and docvars) with the
    same settings, resources and code writes the files of the first run again, with its notes and
    warnings, without tokenizing or computing anything.

    ``texts`` (the ``stats`` command; issue 12): an ``analysis.engine.texts.CorpusTexts`` holding the
    texts of ``corpus``, which then has no ``text`` column. The streamed path reads them a partition at a
    time, so the process never holds the text of the whole corpus; the cache key uses their content
    hashes. The whole-matrix path (and a grouping by a column the corpus lacks) reads them whole first.
    """
    # The path and the engine are in the key although they give the same files: a comparison of two
    # paths or engines must compute both, never read one from the other's run.
    params = {"by": list(by), "target": target, "reference": reference, "top_n": top_n,
              "min_count": min_count, "family": family, "streaming": bool(streaming),
              "engine": engine if engine is None or isinstance(engine, str) else type(engine).__name__}  # fmt: skip
    key = _results.key(corpus, params, hashes=None if texts is None else texts.hashes)
    if key is not None:
        cached = _results.load(key)
        if cached is not None:  # the same corpus, settings and code as a run before: its files again
            out.mkdir(parents=True, exist_ok=True)
            result = StatsOutput(notes=list(cached.notes))
            for name, data in cached.files:
                result.files.append(_io.write_bytes(out / name, data))
            cached.replay_warnings()
            return result
    with _results.Recorder() as recorder:
        if streaming and len(corpus) and all(c in corpus.columns for c in by):
            result = _write_streamed(corpus, out, by=by, target=target, reference=reference, top_n=top_n,
                                     min_count=min_count, family=family, progress=progress, engine=engine,
                                     texts=texts)  # fmt: skip
        else:
            if texts is not None:  # the whole-matrix path reads the text column whole
                corpus = with_texts(corpus, texts)
            result = _compute_stats(corpus, out, by, target, reference, top_n, min_count, family, progress, engine)
    if key is not None:
        _results.store(key, result.files, result.notes, recorder.kept)
    return result


def _compute_stats(
    corpus: pd.DataFrame, out: Path, by: Sequence[str], target: str | None, reference: str | None,
    top_n: int, min_count: int, family: str, progress: bool, engine: Any,
) -> StatsOutput:
    # imported here: a run served by the result cache never loads scipy nor the statistics
    from analysis.dtm import dtm as build_dtm
    from analysis.stats.frequency import frequency
    from analysis.stats.keyness import KEYNESS_COLUMNS, keyness, year_over_year
    from analysis.stats.similarity import similarity
    from analysis.stats.slogans import slogan_profile
    from analysis.stats.tfidf import tfidf_profile

    by_arg: str | list[str] = by[0] if len(by) == 1 else list(by)
    tokens = tokenize(corpus, progress=progress, engine=engine)  # engine: analysis.engine (issue 12)
    matrix = build_dtm(tokens)
    out.mkdir(parents=True, exist_ok=True)
    tables: dict[str, tuple[Callable[[], pd.DataFrame], bool, list[str]]] = {
        "frequency.csv": (lambda: frequency(matrix, by=by_arg, top_n=top_n), False, []),
        "tfidf.csv": (lambda: tfidf_profile(matrix, by=by_arg, top_n=top_n), False, []),
        "slogans.csv": (lambda: slogan_profile(corpus, tokens, by=by_arg), False, []),
        "keyness.csv": (
            lambda: keyness(
                matrix, by=by_arg, target=target, reference=reference, min_count=min_count, family=family
            ),
            False,
            KEYNESS_COLUMNS,
        ),
        "similarity.csv": (lambda: similarity(matrix, by=by_arg), True, []),
    }
    if "year" in by:
        within = next((b for b in by if b != "year"), None)
        tables[YEAR_OVER_YEAR_FILE] = (
            lambda: year_over_year(matrix, within=within, min_count=min_count, family=family),
            False,
            KEYNESS_COLUMNS,
        )
    return _write_tables(tables, out)


def _write_tables(
    tables: dict[str, tuple[Callable[[], pd.DataFrame], bool, list[str]]],
    out: Path,
    *,
    aside: Sequence[Sequence[str]] = (),
) -> StatsOutput:
    """Compute and write each table; one that cannot be computed is written with its header only (the
    columns given, or ``group``) and the reason kept in ``notes``.

    ``aside``: groups of tables, each computed meanwhile in a forked process of its own (where fork is
    the start method and there are two cores or more), so that the single-threaded table work uses every
    core. Their notes and warnings come back here, and if a process fails its tables are computed here
    instead."""
    done: dict[str, tuple[Path, str | None]] = {}
    groups = [g for g in ([n for n in names if n in tables] for names in aside) if g]
    children = []
    if sum(len(g) for g in groups) < len(tables):  # at least one table is left to this process
        for g in groups:
            child = _start_aside(tables, out, g)
            if child is not None:
                children.append(child)
    away = {name for child in children for name in child[2]}
    for name in tables:
        if name not in away:
            done[name] = _write_table(name, tables[name], out)
    said: dict[str, list[Any]] = {}
    for child in children:
        written, heard = _finish_aside(tables, out, child)
        done.update(written)
        said.update(heard)
    if said:
        import warnings

        for name in tables:
            for message, category, filename, lineno in said.get(name, []):
                warnings.warn_explicit(message, category, filename, lineno)
    result = StatsOutput()
    for name in tables:  # files and notes in table order, wherever they were computed
        path, note = done[name]
        result.files.append(path)
        if note is not None:
            result.notes.append(note)
    return result


def _write_table(
    name: str, spec: tuple[Callable[[], pd.DataFrame], bool, list[str]], out: Path
) -> tuple[Path, str | None]:
    compute, index, empty_columns = spec
    note = None
    try:
        df = compute()
    except AnalysisError as exc:
        note = f"{name}: not computed: {exc}"
        df, index = pd.DataFrame(columns=empty_columns or ["group"]), False
    return _write_csv(df, out / name, index=index), note


def _start_aside(
    tables: dict[str, tuple[Callable[[], pd.DataFrame], bool, list[str]]], out: Path, names: list[str]
) -> tuple[Any, Any, list[str]] | None:
    """Fork a process that writes the tables ``names``; None where that does not pay or cannot be done."""
    from analysis import config
    from analysis._proc import mp_context

    if len(names) == 0 or config.n_jobs_default() < 2:
        return None
    ctx = mp_context()
    if ctx.get_start_method() != "fork":
        return None  # the tables' state (closures over the streamed corpus) reaches a child by fork only
    receive, send = ctx.Pipe(duplex=False)

    def run() -> None:
        import warnings

        written, said = {}, {}
        for name in names:  # the warnings of each table apart: they are shown in table order
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                written[name] = _write_table(name, tables[name], out)
            said[name] = [(w.message, w.category, w.filename, w.lineno) for w in caught]
        send.send((written, said))

    try:
        proc = ctx.Process(target=run, daemon=True)
        proc.start()
    except OSError:
        return None
    send.close()
    return proc, receive, names


def _finish_aside(
    tables: dict[str, tuple[Callable[[], pd.DataFrame], bool, list[str]]], out: Path, child: tuple[Any, Any, list[str]]
) -> tuple[dict[str, tuple[Path, str | None]], dict[str, list[Any]]]:
    """The forked process's tables and the warnings of each (to be shown here); computed here if it
    failed (their warnings then shown as they come)."""
    proc, receive, names = child
    answer = None
    try:
        answer = receive.recv()
    except (EOFError, OSError):
        pass
    finally:
        receive.close()
        proc.join()
    if answer is None:  # the process died (its files, if any, are rewritten whole)
        return {name: _write_table(name, tables[name], out) for name in names}, {}
    return answer  # type: ignore[no-any-return]


def with_texts(corpus: pd.DataFrame, texts: Any) -> pd.DataFrame:
    """``corpus`` (no ``text`` column) with the texts of ``texts`` (a ``CorpusTexts``) as its ``text``
    column, placed where ``load_corpus`` puts it."""
    if len(texts) != len(corpus):
        raise AnalysisError(f"{len(texts)} texts for {len(corpus)} documents")
    out = corpus.copy()
    at = out.columns.get_loc("chars_mapped") + 1 if "chars_mapped" in out.columns else len(out.columns)
    out.insert(int(at), "text", texts.read_all().to_numpy(dtype=object))
    return out


def _write_streamed(corpus: pd.DataFrame, out: Path, **options: Any) -> StatsOutput:
    """``write_stats`` through :mod:`analysis.stats.streamed` (per-partition sums; issue 12)."""
    from analysis.stats.streamed import stats_tables

    streamed, tables = stats_tables(corpus, **options)
    out.mkdir(parents=True, exist_ok=True)
    with streamed:
        # slogans.csv here (it collects the background slogan scan); the others meanwhile in two forks,
        # keyness (the most work: a dispersion pass per comparison) in one, the rest in the other
        rest = [name for name in tables if name not in ("slogans.csv", "keyness.csv")]
        return _write_tables(tables, out, aside=[["keyness.csv"], rest])
