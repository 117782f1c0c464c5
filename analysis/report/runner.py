"""Report runner: corpus folder -> executed notebooks -> HTML reports, figures and an index page.

``run_reports`` starts its worker processes, ingests the corpus once (``out/data/corpus.parquet``),
tokenises it once to warm the shared token cache (reading the texts a partition at a time: the runner
never holds the corpus text, and the workers, forked before, inherit none of it), then executes every
notebook of ``notebooks/`` with papermill in two of the worker processes, or one when two kernels of
the corpus would not fit in ``config.memory_budget()`` (each notebook reads the ingested corpus and
the cached tokens; each worker keeps one kernel
for the notebooks it runs, see "shared kernels" below), converts each executed notebook to HTML in the
worker with nbconvert's ``HTMLExporter`` (code hidden unless ``show_code``), and writes
``out/index.html`` and ``out/timings.json``.

Layout of ``out``::

    index.html            links, corpus summary and hash, parameters, versions, status and timings
    <report>.html         one per notebook; replaced only when the notebook ran cleanly
    figures/<report>/     <name>.png (200 dpi), <name>.svg, <name>.csv (the table behind the chart)
    failed/<report>.html  the executed notebook of a failed run, for diagnosis
    data/                 corpus.parquet, corpus.csv, ingest_report.csv
    timings.json          seconds per phase and per notebook

The small helpers the notebooks call live in ``analysis.report.notebook``; kernels in
``analysis.report.kernels``; the index page's template in ``templates/index.html.j2``.
"""

from __future__ import annotations

import ast
import collections
import contextlib
import hashlib
import json
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import _io, _runguard, config
from analysis._checks import require_finite
from analysis._proc import die_with_parent, release_memory
from analysis.errors import AnalysisError
from analysis.plots.style import FIGURE_STYLES, resolve_lang
from analysis.report import kernels, pages, warmup

__all__ = [
    "NotebookResult",
    "discover_notebooks",
    "run_reports",
]

#: Jinja2 templates of the report pages (the index page, the nbconvert page template).
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
#: Notebooks executed at the same time (worker processes, each with its own kernel).
DEFAULT_JOBS = 2
# From this many documents up, a core the kernels leave idle warms the slogan cache (report.warmup).
WARMUP_MIN_DOCS = 2_000
#: Longest time one notebook cell may run, in seconds.
CELL_TIMEOUT = 1800
#: Parameters the runner sets itself for every notebook (users set the others with ``params``).
RUNNER_PARAMS = ("corpus", "metadata", "figures_dir", "progress")
VERSION_PACKAGES = (
    "textlab-analysis", "pandas", "numpy", "scipy", "pyarrow", "jieba", "rjieba", "scikit-learn", "matplotlib",
    "noto-cjk-sans-otc", "fonttools", "itables", "python-pptx", "papermill", "nbconvert", "nbclient", "ipykernel",
)  # fmt: skip


@dataclass
class NotebookResult:
    """Outcome of one notebook: status ("ok" / "failed"), error message, seconds per phase, outputs."""

    name: str
    title: str = ""
    status: str = "failed"
    error: str = ""
    execute_s: float = 0.0
    kernel_s: float = 0.0  # execution time not spent in cells: kernel start-up, papermill, shutdown
    setup_s: float = 0.0  # the setup cell (imports, loading the corpus)
    cells_s: float = 0.0  # every cell, the setup cell included
    convert_s: float = 0.0
    html: str = ""  # path of the report relative to ``out`` ('' when none was written)
    failed_html: str = ""
    figures: list[str] = field(default_factory=list)
    cell_s: list[float] = field(default_factory=list)  # each code cell of the report, in order
    started_at: float = 0.0  # when its execution began (epoch seconds: the workers are other processes)


# ==================================================================================================
# runner


def discover_notebooks(notebooks_dir: Path, only: Sequence[str] | None = None) -> list[Path]:
    """The report notebooks in ``notebooks_dir`` (sorted), restricted to the names in ``only``.

    A name matches a notebook by its stem ("50-term-explorer"), its stem without the numeric prefix
    ("term-explorer") or its numeric prefix ("50"). Raises AnalysisError for a name matching none.
    """
    notebooks_dir = Path(notebooks_dir)
    if not notebooks_dir.is_dir():
        raise AnalysisError(f"{notebooks_dir}: notebooks folder not found")
    found = sorted(p for p in notebooks_dir.glob("*.ipynb") if not p.name.startswith("."))
    if not found:
        raise AnalysisError(f"{notebooks_dir}: no notebooks (*.ipynb) found")
    if not only:
        return found
    chosen: list[Path] = []
    for name in only:
        key = Path(str(name)).stem.strip()
        hits = [p for p in found if key in (p.stem, p.stem.split("-", 1)[-1], p.stem.split("-", 1)[0])]
        if not hits:
            names = ", ".join(p.stem for p in found)
            raise AnalysisError(f"--only {name}: no such notebook (available: {names})")
        chosen.extend(h for h in hits if h not in chosen)
    return sorted(chosen)


def _notebook_params(path: Path) -> dict[str, Any]:
    """Parameters declared in the notebook's ``parameters`` cell, with their default values."""
    import papermill

    declared = papermill.inspect_notebook(str(path))
    out: dict[str, Any] = {}
    for name, info in declared.items():
        try:
            out[name] = ast.literal_eval(str(info.get("default", "None")))
        except (ValueError, SyntaxError):
            out[name] = None
    return out


def _code_of(path: Path) -> str:
    """The source of a notebook's code cells ('' when it cannot be read)."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    cells = nb.get("cells", []) if isinstance(nb, dict) else []
    sources = (c.get("source", "") for c in cells if isinstance(c, dict) and c.get("cell_type") == "code")
    return "\n".join(s if isinstance(s, str) else "".join(map(str, s)) for s in sources)


def _phrase_min_counts(
    tasks: list[dict[str, Any]], code: Mapping[str, str], defaults: Mapping[str, Mapping[str, Any]]
) -> tuple[int, ...]:
    """The ``phrase_min_count`` of each notebook that discovers phrases over the whole corpus (no
    ``year_min`` / ``year_max``): the counts the warm-up makes ahead for it. ``defaults``: each
    notebook's declared parameters, which the task's own (the user's) override."""
    out: set[int] = set()
    for task in tasks:
        params = {**defaults.get(task["name"], {}), **task["params"]}
        if not warmup.discovers_phrases(code.get(task["name"], "")) or "phrase_min_count" not in params:
            continue
        if params.get("year_min") is not None or params.get("year_max") is not None:
            continue
        with contextlib.suppress(TypeError, ValueError):
            if int(params["phrase_min_count"]) >= 1:
                out.add(int(params["phrase_min_count"]))
    return tuple(sorted(out))


def _coerce(name: str, value: Any, default: Any) -> Any:
    """Turn a command-line string into the type of the notebook's default value."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if isinstance(default, bool):
        low = text.lower()
        if low in ("1", "true", "yes", "on"):
            return True
        if low in ("0", "false", "no", "off"):
            return False
        raise AnalysisError(f"-p {name}={value}: expected true or false")
    if isinstance(default, int) and not isinstance(default, bool):
        try:
            return int(text)
        except ValueError:
            raise AnalysisError(f"-p {name}={value}: expected an integer") from None
    if isinstance(default, float):
        try:
            return float(text)
        except ValueError:
            raise AnalysisError(f"-p {name}={value}: expected a number") from None
    if isinstance(default, (list, tuple)):
        if text.startswith("["):
            with contextlib.suppress(ValueError, SyntaxError):
                parsed = ast.literal_eval(text)
                if isinstance(parsed, (list, tuple)):
                    return [str(x) if not isinstance(x, (int, float)) else x for x in parsed]
        return [t.strip() for t in re.split(r"[,，、]", text) if t.strip()]
    if default is None:
        if text.lower() in ("", "none", "null"):
            return None
        with contextlib.suppress(ValueError, SyntaxError):
            parsed = ast.literal_eval(text)
            if isinstance(parsed, (int, float, list)):
                return parsed
        return text
    return text


def _resolve_params(
    notebooks: Sequence[Path], params: Mapping[str, Any] | None
) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Per-notebook parameter dicts (only what each declares) and the merged user parameters."""
    declared = {nb.stem: _notebook_params(nb) for nb in notebooks}
    user = dict(params or {})
    reserved = [k for k in user if k in RUNNER_PARAMS]
    if reserved:
        raise AnalysisError(
            f"-p {reserved[0]}: set by the runner (use --corpus / --metadata / --out instead)"
        )
    known = set().union(*(d.keys() for d in declared.values())) - set(RUNNER_PARAMS)
    unknown = sorted(k for k in user if k not in known)
    if unknown:
        raise AnalysisError(
            f"unknown parameter(s) {', '.join(unknown)}; notebooks accept: {', '.join(sorted(known))}"
        )
    per_nb: dict[str, dict[str, Any]] = {}
    effective: dict[str, Any] = {}
    for stem, defaults in declared.items():
        values = {}
        for k, v in user.items():
            if k in defaults:
                values[k] = require_finite(k, _coerce(k, v, defaults[k]), v)  # 1e999, nan: refused
                effective[k] = values[k]
        per_nb[stem] = values
    return per_nb, effective


def _notebook_title(path: Path, lang: str = "zh") -> str:
    """First markdown heading of the notebook in ``lang`` (the report's title), else the file stem."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return path.stem
    other = {f"lang-{code}" for code in ("zh", "en") if code != lang}
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown" and not other & set(cell.get("metadata", {}).get("tags", [])):
            src = "".join(cell.get("source", []))
            m = re.search(r"^#+\s*(.+)$", src, flags=re.MULTILINE)
            if m:
                return m.group(1).strip()
    return path.stem


def _error_message(exc: BaseException) -> str:
    """One readable line (plus the failing cell) for the index page."""
    ename = getattr(exc, "ename", None)
    evalue = getattr(exc, "evalue", None)
    if ename:
        cell = getattr(exc, "exec_count", None)
        where = f" (cell {cell})" if cell else ""
        return f"{ename}: {evalue}{where}"
    return f"{type(exc).__name__}: {exc}"


def _cell_seconds(nb: Any) -> tuple[float, float, list[float]]:
    """(seconds in the setup cell, seconds in all report cells, each code cell's seconds in order) from
    papermill's per-cell metadata."""
    total = setup = 0.0
    per_cell: list[float] = []
    for cell in nb.cells:
        dur = cell.get("metadata", {}).get("papermill", {}).get("duration")
        if cell.get("cell_type") == "code":
            per_cell.append(round(float(dur or 0.0), 3))
        if dur is None:
            continue
        total += float(dur)
        if "setup" in cell.get("metadata", {}).get("tags", []):
            setup = float(dur)
    return setup, total, per_cell


def _swap_dir(new: Path, final: Path) -> None:
    """Replace folder ``final`` by ``new`` (old content removed only once the new one is in place)."""
    old = final.with_name(f".{final.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if final.exists():
        final.rename(old)
    new.rename(final)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def _execute_one(task: dict[str, Any], km: Any, exporter: Any) -> dict[str, Any]:
    """Execute one notebook on kernel ``km``, convert it to HTML and write its report. Never raises."""
    import nbformat
    import papermill

    name: str = task["name"]
    out = Path(task["out"])
    result = NotebookResult(name=name, title=task["title"])
    fig_final = out / "figures" / name
    fig_tmp = out / "figures" / f".{name}.tmp"
    work: Path | None = None
    try:
        if fig_tmp.exists():
            shutil.rmtree(fig_tmp)
        fig_tmp.mkdir(parents=True)
        params = {**task["params"], "figures_dir": str(fig_tmp)}
        work = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=out))
        executed_path = work / f"{name}.ipynb"
        source = nbformat.read(task["path"], as_version=4)
        pages.select_language(source, task["lang"])
        source.cells.insert(0, kernels.reset_cell(task["cwd"]))
        nb = failed_nb = None
        t0 = time.perf_counter()
        result.started_at = time.time()
        try:
            nb = papermill.execute_notebook(
                source,
                str(executed_path),
                parameters=params,
                engine_name=kernels.register_engine(),
                kernel_name="python3",
                progress_bar=False,
                request_save_on_cell_execute=False,
                cwd=task["cwd"],
                execution_timeout=CELL_TIMEOUT,
                km=km,
            )
        except Exception as exc:  # a broken notebook must not stop the others
            result.error = _error_message(exc)
            if executed_path.exists():
                with contextlib.suppress(Exception):
                    failed_nb = nbformat.read(str(executed_path), as_version=4)
        result.execute_s = time.perf_counter() - t0
        target_nb = nb if nb is not None else failed_nb
        if target_nb is not None:
            kernels.strip_runner_cells(target_nb)
            result.setup_s, result.cells_s, result.cell_s = _cell_seconds(target_nb)
            result.kernel_s = max(0.0, result.execute_s - result.cells_s)
            t1 = time.perf_counter()
            body = None
            try:
                body, _ = exporter.from_notebook_node(
                    target_nb, resources={"metadata": {"name": result.title}}
                )
            except Exception as exc:
                if nb is not None:
                    result.error = f"HTML conversion failed: {_error_message(exc)}"
                    nb = None
            result.convert_s = time.perf_counter() - t1
            if body is not None and nb is not None:
                _io.write_text(out / f"{name}.html", body)
                result.html = f"{name}.html"
            elif body is not None:
                _io.write_text(out / "failed" / f"{name}.html", body)
                result.failed_html = f"failed/{name}.html"
        if nb is not None:
            result.status = "ok"
            _swap_dir(fig_tmp, fig_final)
            stale = out / "failed" / f"{name}.html"
            if stale.exists():
                stale.unlink()
    except Exception as exc:
        result.status = "failed"
        result.error = result.error or _error_message(exc)
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
        if fig_tmp.exists():
            shutil.rmtree(fig_tmp, ignore_errors=True)
    if fig_final.is_dir():
        result.figures = sorted(p.relative_to(out).as_posix() for p in fig_final.iterdir() if p.is_file())
    return asdict(result)


def _worker(tasks: Any, results: Any, cwd: str, show_code: bool, fresh_kernels: bool) -> None:
    """Worker process: take notebooks from ``tasks`` until ``None``, put each result on ``results``."""
    die_with_parent()  # a killed command leaves no worker running (and writing) behind
    # Progress bars of a kernel's libraries must not reach the terminal through this process.
    os.environ["TQDM_DISABLE"] = "1"
    exporters: dict[str, Any] = {}
    km = None
    try:
        while True:
            task = tasks.get()
            if task is None:
                return
            kernel_start = 0.0
            try:
                if km is None or not kernels.kernel_alive(km):
                    if km is not None:
                        kernels.stop_kernel(km)
                    if task.get("kernel_jobs") and "TEXTLAB_JOBS" not in os.environ:
                        # the kernels share the cores: a kernel's worker processes and threads take its share
                        os.environ["TEXTLAB_JOBS"] = str(task["kernel_jobs"])
                    t0 = time.perf_counter()
                    km = None
                    km = kernels.start_kernel(cwd)
                    kernel_start = time.perf_counter() - t0
                if task["lang"] not in exporters:
                    exporters[task["lang"]] = pages.html_exporter(show_code, task["lang"])
                res = _execute_one(task, km, exporters[task["lang"]])
            except Exception as exc:
                res = asdict(
                    NotebookResult(name=task["name"], title=task["title"], error=_error_message(exc))
                )
            res["kernel_start_s"] = kernel_start
            results.put(res)
            if fresh_kernels and km is not None:
                kernels.stop_kernel(km)
                km = None
    finally:
        if km is not None:
            kernels.stop_kernel(km)


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for pkg in VERSION_PACKAGES:
        try:
            out[pkg] = importlib_metadata.version(pkg)
        except importlib_metadata.PackageNotFoundError:
            out[pkg] = "(not installed)"
    return out


#: A report kernel's peak memory: the libraries, plus this much per character of corpus text (every
#: notebook loads the corpus with its text, its tokens and its document-term matrix). Fitted, rounded
#: up, to the largest report process measured cold on the generated corpora of bench_scale.py: 1.4 GB
#: for 34 M characters (100 MB) and 8.2 GB for 345 M (1 GB).
KERNEL_BASE_BYTES = 3 * 2**28  # 0.75 GB
KERNEL_BYTES_PER_CHAR = 24


def _kernel_bytes(docs: pd.DataFrame) -> int:
    """Estimated peak memory of one report kernel on the corpus ``docs`` (its docvars)."""
    chars = int(pd.to_numeric(docs["chars"], errors="coerce").fillna(0).sum()) if "chars" in docs.columns else 0
    return KERNEL_BASE_BYTES + KERNEL_BYTES_PER_CHAR * chars


def _kernels_that_fit(docs: pd.DataFrame) -> int:
    """``DEFAULT_JOBS`` kernels, fewer if their estimated peaks exceed the memory budget."""
    return int(max(1, min(DEFAULT_JOBS, config.memory_budget() // _kernel_bytes(docs))))


def _mp_context() -> Any:
    import multiprocessing as mp

    # fork starts a worker in milliseconds; workers only drive kernels, which are processes of their own.
    return mp.get_context(
        "fork" if "fork" in mp.get_all_start_methods() and sys.platform != "darwin" else "spawn"
    )


@dataclass
class _Pool:
    """Worker processes started before the corpus is loaded (so that a forked worker inherits none of
    it); ``_run_workers`` gives them the notebooks, ``stop`` lets them go."""

    procs: list[Any]
    tasks: Any
    results: Any
    stopped: bool = False

    @classmethod
    def start(cls, n_workers: int, cwd: str, show_code: bool, fresh_kernels: bool) -> _Pool:
        ctx = _mp_context()
        if ctx.get_start_method() == "fork":
            # imported once here rather than once in every forked worker
            import jupyter_client.manager  # noqa: F401
            import nbconvert  # noqa: F401
            import papermill  # noqa: F401
        task_q, result_q = ctx.Queue(), ctx.Queue()
        procs = [
            ctx.Process(target=_worker, args=(task_q, result_q, cwd, show_code, fresh_kernels), daemon=False)
            for _ in range(n_workers)
        ]
        for proc in procs:
            proc.start()
        return cls(procs, task_q, result_q)

    def stop(self) -> None:
        """Let every worker still waiting go (each takes one ``None``), and wait for them."""
        if not self.stopped:
            self.stopped = True
            for _ in self.procs:
                self.tasks.put(None)
        for proc in self.procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.terminate()


def _run_workers(tasks: list[dict[str, Any]], n_workers: int, pool: _Pool, progress: bool) -> dict[str, dict[str, Any]]:
    """Run ``tasks`` on ``n_workers`` of the pool's workers (the others leave first); a result for every
    task, whatever happens."""
    import queue

    from tqdm.auto import tqdm

    procs = pool.procs
    result_q = pool.results
    # Every waiting worker takes one item at a time: the surplus workers each take a leading None and
    # leave; the others share the notebooks and leave at the trailing Nones.
    for _ in range(len(procs) - n_workers):
        pool.tasks.put(None)
    for task in tasks:
        pool.tasks.put(task)
    for _ in range(n_workers):
        pool.tasks.put(None)
    pool.stopped = True
    results: dict[str, dict[str, Any]] = {}
    bar = tqdm(total=len(tasks), desc="reports", unit="notebook", disable=not progress, file=sys.stderr)
    try:
        while len(results) < len(tasks):
            try:
                res = result_q.get(timeout=1.0)
            except queue.Empty:
                if not any(p.is_alive() for p in procs):
                    break  # every worker died: the remaining notebooks are reported as failed below
                continue
            results[res["name"]] = res
            bar.set_postfix_str(f"{res['name']}: {res['status']}")
            bar.update(1)
    finally:
        bar.close()
        pool.stop()
    for task in tasks:
        if task["name"] not in results:
            results[task["name"]] = {
                **asdict(NotebookResult(name=task["name"], title=task["title"], error="worker process died")),
                "kernel_start_s": 0.0,
            }
    return results


def _warm_token_cache(docs: pd.DataFrame, texts: Any, engine: Any) -> None:
    """Tokenise the corpus into the shared token cache, which the kernels then only read. Nothing of the
    tokens stays in this process while the notebooks run: no partition (each one holds the corpus's whole
    token block) and no shard read (0.4 GB at 1 GB of text)."""
    from analysis.engine.texts import PARTITION_DOCS
    from analysis.tokens import forget_read_shards, tokenize_parts

    with texts:
        parts = tokenize_parts(docs, PARTITION_DOCS, progress=False, engine=engine, texts=texts)
        collections.deque(parts, maxlen=0)  # consumed, none kept
    forget_read_shards()


@_runguard.guarded  # the run's staging folder never outlives the call
def run_reports(
    corpus: Path | None = None,
    metadata: Path | None = None,
    out: Path | None = None,
    params: dict[str, Any] | None = None,
    only: list[str] | None = None,
    show_code: bool = False,
    jobs: int | None = None,
    *,
    notebooks_dir: Path | None = None,
    progress: bool = True,
    fresh_kernels: bool = False,
    companies: Sequence[str | Path] = (),
    path_vars: str | None = None,
    lang: str | None = None,
    slides: bool = True,
    engine: Any = None,
) -> int:
    """Execute the report notebooks on a corpus and write HTML reports plus ``index.html`` to ``out``.

    corpus:   folder of documents (default: the bundled sample ``config.RAW_DIR``, with
              ``config.METADATA_CSV`` as its metadata when that file exists).
    metadata: CSV of per-file overrides (see ``analysis.ingest.corpus.read_overrides``).
    out:      output folder (default ``config.REPORTS_DIR``); never inside the corpus folder.
    params:   notebook parameters (``top_n``, ``terms``, ...); strings are converted to the type of the
              notebook's default ("10" -> 10, "全面从严治党,主题教育" -> a list).
    only:     notebook names to run (stem, stem without number, or number); default all.
    show_code: keep the code cells in the HTML.
    jobs:     notebooks executed at once, each worker with its own kernel (default: 2, or 1 when two
              kernels of this corpus would not fit in ``config.memory_budget()``).
    notebooks_dir: folder of notebooks (default ``config.NOTEBOOKS_DIR``).
    companies: extra company alias CSV files (see ``analysis.ingest.metadata.load_aliases``).
    engine:   "dask" or an engine of ``analysis.engine``: ingestion and tokenisation as Dask tasks (the
              notebooks then read the ingested corpus and the token cache here).
    progress: progress bar over notebooks (stderr).
    fresh_kernels: one kernel per notebook instead of one per worker (slower; see "shared kernels").
    path_vars: document variables from the folder layout (``"{genre}/*"``; see ``ingest.docvars``).

    ``params["where"]`` (``-p where="genre == 'news'"``) restricts every report to the documents
    matching that filter (:mod:`analysis.where`: parsed, never executed); the index says how many
    documents it kept and left out.
    lang:     "zh" (default) or "en": language of every report, figure and the index (the same as
              ``params={"lang": ...}``); terms, titles and company names stay as written.
    slides:   also write ``slides.pptx`` (one 16:9 slide per chart, see ``analysis.plots.slides``).

    Returns the exit code: 0 when every notebook succeeded, 1 when any failed (its previous HTML, if
    any, is kept). Raises AnalysisError for unusable input (no corpus, unknown parameter, ...).
    """
    from analysis.ingest.corpus import corpus_hash, corpus_summary, ingest, load_corpus_texts

    t_start = time.perf_counter()
    started = datetime.now().astimezone()
    if corpus is None:
        corpus = config.RAW_DIR
        if metadata is None and config.METADATA_CSV.is_file():
            metadata = config.METADATA_CSV
    corpus = Path(corpus)
    out = Path(out) if out is not None else config.REPORTS_DIR
    nb_dir = Path(notebooks_dir) if notebooks_dir is not None else config.NOTEBOOKS_DIR
    notebooks = discover_notebooks(nb_dir, only)
    params = dict(params or {})
    where = params.pop("where", None)
    if where is not None:
        from analysis.where import parse_where

        where = " and ".join(map(str, parse_where(str(where))))  # a bad filter: refused before any work
    if lang is not None:
        if "lang" in params and resolve_lang(str(params["lang"])) != resolve_lang(lang):
            raise AnalysisError(f"--lang {lang} and -p lang={params['lang']} disagree")
        params["lang"] = lang
    if "lang" in params:
        params["lang"] = resolve_lang(str(params["lang"]))
    if "figure_style" in params and str(params["figure_style"]).strip().lower() not in FIGURE_STYLES:
        raise AnalysisError(
            f"-p figure_style={params['figure_style']}: expected one of {', '.join(FIGURE_STYLES)}"
        )
    per_nb_params, effective = _resolve_params(notebooks, params)
    page_lang = resolve_lang(str(effective.get("lang", "zh")))
    out.mkdir(parents=True, exist_ok=True)
    stage = _runguard.stage_for(out)  # everything of this run is built here; commit() moves it into out
    timings: dict[str, Any] = {}

    # started before the corpus is loaded: a forked worker inherits none of it
    warm: warmup.Warmup | None = None
    pool = _Pool.start(
        max(1, min(jobs or DEFAULT_JOBS, len(notebooks))), str(nb_dir.resolve()), show_code, fresh_kernels
    )
    try:
        t = time.perf_counter()
        # The texts go from Arrow to corpus.parquet without a Python string each (a -p where filter may
        # read the text: it gets the table with its text column).
        result = ingest(
            corpus, stage / "data", metadata, companies=companies, progress=False, path_vars=path_vars, engine=engine,
            arrow_texts=where is None,
        )  # fmt: skip
        timings["ingest_s"] = time.perf_counter() - t
        parquet = stage / "data" / "corpus.parquet"
        if result.corpus.empty:
            raise AnalysisError(f"{corpus}: no readable document (see {out / 'data' / 'ingest_report.csv'})")
        if where is not None:
            effective["where"] = _apply_where(result, where, stage / "data")
        report_df = result.report
        del result  # the corpus table is not kept while the notebooks run
        release_memory()

        t = time.perf_counter()
        # The document variables whole, the texts a partition at a time: the runner never holds the corpus
        # text while the notebooks run (each kernel loads it itself).
        docs, texts = load_corpus_texts(parquet, progress=False)
        _warm_token_cache(docs, texts, engine)
        release_memory()
        timings["tokenize_s"] = time.perf_counter() - t

        tasks = [
            {
                "name": nb.stem,
                "title": _notebook_title(nb, page_lang),
                "lang": page_lang,
                "path": str(nb),
                "cwd": str(nb.parent.resolve()),
                "out": str(stage.resolve()),
                "params": {
                    **per_nb_params[nb.stem],
                    "corpus": str(parquet.resolve()),
                    "metadata": None,
                    "progress": False,
                },
            }
            for nb in notebooks
        ]
        n_workers = max(1, min(jobs or _kernels_that_fit(docs), len(tasks)))
        for task in tasks:
            task["kernel_jobs"] = max(1, config.n_jobs_default() // n_workers)
        if jobs is None and n_workers < min(DEFAULT_JOBS, len(tasks)) and progress:
            print(
                f"report: {n_workers} notebook at a time: {DEFAULT_JOBS} kernels of this corpus (about "
                f"{_kernel_bytes(docs) / 2**30:.1f} GB each) would exceed the memory budget of "
                f"{config.memory_budget() / 2**30:.1f} GB (set TEXTLAB_MEMORY_MB to change it)",
                file=sys.stderr,
            )
        run_order = tasks
        if n_workers < config.n_jobs_default() and len(docs) >= WARMUP_MIN_DOCS:
            # one kernel at a time leaves a core idle: it scans the slogans and counts the phrases the
            # notebooks will ask for; the notebooks run as what they need becomes ready
            code = {task["name"]: _code_of(Path(task["path"])) for task in tasks}
            defaults = {task["name"]: _notebook_params(Path(task["path"])) for task in tasks}
            warm = warmup.start(
                parquet,
                _phrase_min_counts(tasks, code, defaults),
                slogans=any(warmup.counts_slogans(c) for c in code.values()),
            )
            run_order = warmup.deferred(tasks, lambda task: code[task["name"]])
        t, t_epoch = time.perf_counter(), time.time()
        results = _run_workers(run_order, n_workers, pool, progress)
    finally:
        pool.stop()
        if warm is not None:
            timings["slogan_warmup"] = warm.finish()
    timings["notebooks_wall_s"] = time.perf_counter() - t
    ordered = [results[task["name"]] for task in tasks]
    t = time.perf_counter()
    font, covered = _embed_fonts(stage, ordered)  # in the staged pages, before they replace the old ones
    timings["fonts_s"] = round(time.perf_counter() - t, 3)
    _runguard.plan_figures(stage, out, ordered)  # as out will hold them once committed
    phases = ("kernel_start_s", "execute_s", "kernel_s", "setup_s", "cells_s", "convert_s")
    # per notebook: its phases, when it started (seconds into the notebooks' phase: with the warm-up's
    # ``seconds``, the order of events) and each code cell's seconds
    timings["notebooks"] = {
        r["name"]: {
            **{k: round(float(r.get(k, 0.0)), 3) for k in phases},
            "started_s": round(float(r["started_at"]) - t_epoch, 3) if r.get("started_at") else None,
            "cell_s": list(r.get("cell_s") or []),
        }
        for r in ordered
    }
    n = max(len(ordered), 1)
    starts = [r["kernel_start_s"] for r in ordered if r.get("kernel_start_s")]
    timings["kernels_started"] = len(starts)
    timings["fixed_per_notebook_s"] = {
        "kernel_start_s": round(sum(starts) / n, 3),
        "overhead_s": round(sum(r["kernel_s"] for r in ordered) / n, 3),
        "setup_s": round(sum(r["setup_s"] for r in ordered) / n, 3),
        "convert_s": round(sum(r["convert_s"] for r in ordered) / n, 3),
    }
    timings["total_s"] = time.perf_counter() - t_start
    for k in ("ingest_s", "tokenize_s", "notebooks_wall_s", "total_s"):
        timings[k] = round(timings[k], 3)
    timings["jobs"] = n_workers
    timings["fresh_kernels"] = fresh_kernels

    # Everything this run writes is finished in the staging folder first (record, deck, index); then
    # pages, figures and data move into out, and the top-level files follow by rename, index last, so
    # a killed run leaves the last good reports and their index together.
    listed = _with_previous_reports(
        out, nb_dir, ordered, started.strftime("%Y-%m-%d %H:%M:%S"), page_lang, record_dir=stage
    )
    summary = corpus_summary(docs)
    digest = corpus_hash(docs)
    t = time.perf_counter()
    deck, deck_note = "", ""
    if slides:
        deck, deck_note = _write_slides(stage, out, listed, corpus, docs, digest, page_lang)
    timings["slides_s"] = round(time.perf_counter() - t, 3)
    context = {
        "lang": page_lang,
        "slides": deck,
        "slides_note": deck_note,
        "generated": started.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "corpus_path": str(corpus),
        "metadata_path": str(metadata) if metadata else "",
        "corpus_hash": digest,
        "summary": summary,
        "company_counts": _company_counts(docs, page_lang),
        "skipped": int((report_df["status"] == "skipped").sum()) if len(report_df) else 0,
        "warnings": int((report_df["status"] == "warning").sum()) if len(report_df) else 0,
        "params": effective,
        "show_code": show_code,
        "reports": listed,
        "timings": timings,
        "versions": _versions(),
        "n_failed": sum(r["status"] != "ok" for r in ordered),
    }
    index_html = _render_index(context)
    index_chars = pages.page_characters(index_html)
    if font is None or not index_chars <= covered:
        font = pages.subset_font(covered | index_chars)  # the index shows characters no page has
    _io.write_text(stage / "index.html", pages.embed_font(index_html, font))
    _io.write_text(stage / "timings.json", json.dumps(timings, ensure_ascii=False, indent=2) + "\n")
    _runguard.commit(stage, out, ordered)  # pages, figures and data
    _runguard.commit_files(stage, out, ("reports.json", "slides.pptx", "timings.json", "index.html"))
    failed = [r for r in ordered if r["status"] != "ok"]
    for r in failed:
        print(f"report {r['name']} failed: {r['error']}", file=sys.stderr)
    if progress:
        print(
            f"{len(ordered) - len(failed)}/{len(ordered)} reports written to {out / 'index.html'} "
            f"in {timings['total_s']:.1f} s",
            file=sys.stderr,
        )
    return 1 if failed else 0


def _apply_where(result: Any, where: str, data_dir: Path) -> str:
    """Keep the documents matching ``where`` in the run's corpus; the filter and its counts, as text."""
    import warnings

    from analysis.ingest.corpus import write_corpus
    from analysis.select import select

    total = len(result.corpus)
    with warnings.catch_warnings():  # the index says it
        warnings.simplefilter("ignore")
        result.corpus = select(result.corpus, where=where)
    if result.corpus.empty:
        raise AnalysisError(f"-p where={where}: no document of the {total} matches")
    if result.inputs_key is not None:  # the outputs now stand for the inputs and the filter
        result.inputs_key = hashlib.sha256(f"{result.inputs_key}\0where={where}".encode()).hexdigest()
    write_corpus(result, data_dir)
    return f"{where} ({len(result.corpus)} of {total} documents kept, {total - len(result.corpus)} left out)"


def _with_previous_reports(
    out: Path,
    nb_dir: Path,
    ordered: list[dict[str, Any]],
    generated: str,
    lang: str = "zh",
    record_dir: Path | None = None,
) -> list[dict[str, Any]]:
    """This run's results plus, for notebooks not run this time (``--only``), the last good report
    still in ``out``, marked as such, so that index.html keeps linking every report. Records the
    list in ``reports.json`` (in ``record_dir``, default ``out``) for the next run."""
    record = out / "reports.json"
    try:
        previous = {r["name"]: r for r in json.loads(record.read_text(encoding="utf-8"))}
    except (OSError, ValueError, KeyError, TypeError):
        previous = {}
    this_run = {r["name"]: {**r, "generated": generated} for r in ordered}
    listed: list[dict[str, Any]] = []
    for name in dict.fromkeys([p.stem for p in discover_notebooks(nb_dir)] + [r["name"] for r in ordered]):
        if name in this_run:
            listed.append(this_run.pop(name))
        elif name in previous and previous[name].get("html") and (out / previous[name]["html"]).exists():
            old = dict(previous.pop(name))
            when = old.get("generated", "")
            old["note"] = (
                f"not re-run this time; the report generated {when or 'earlier'} is kept"
                if lang == "en"
                else f"本次未重新运行；保留 {when or '此前'} 生成的报告"
            )
            listed.append(old)
    keep = [{k: v for k, v in r.items() if k != "note"} for r in listed]
    _io.write_text((record_dir or out) / "reports.json", json.dumps(keep, ensure_ascii=False, indent=1) + "\n")
    return listed


def _embed_fonts(folder: Path, ordered: list[dict[str, Any]]) -> tuple[bytes | None, set[str]]:
    """Embed one font subset, made for the characters of every page of this run, in each page under
    ``folder``; return the font and the characters it was made for (the index reuses it).

    One subset for the whole set costs a fraction of one per page (subsetting the CJK face is the
    expensive step), for a somewhat larger font in each page.
    """
    written = [folder / r[key] for r in ordered for key in ("html", "failed_html") if r.get(key)]
    texts = {path: path.read_text(encoding="utf-8") for path in written if path.is_file()}
    if not texts:
        return None, set()
    # the index page's own words too, so that it can reuse the font (its data mostly comes from the pages)
    chars = pages.page_characters((TEMPLATES_DIR / "index.html.j2").read_text(encoding="utf-8"))
    for text in texts.values():
        chars |= pages.page_characters(text)
    font = pages.subset_font(chars)
    for path, text in texts.items():
        _io.write_text(path, pages.embed_font(text, font))
    return font, chars


def _company_counts(docs: pd.DataFrame, lang: str = "zh") -> list[tuple[str, int]]:
    counts = docs["company"].fillna("").astype(str).value_counts()
    none = "(no company)" if lang == "en" else "（未识别公司）"
    return [(name or none, int(n)) for name, n in counts.items()]


def _date_range(docs: pd.DataFrame) -> str:
    dates = pd.to_datetime(docs["date"], errors="coerce").dropna()
    if dates.empty:
        return ""
    return f"{dates.min():%Y-%m-%d} – {dates.max():%Y-%m-%d}"


def _write_slides(
    stage: Path,
    out: Path,
    listed: list[dict[str, Any]],
    corpus: Path,
    docs: pd.DataFrame,
    digest: str,
    lang: str,
) -> tuple[str, str]:
    """Write ``stage/slides.pptx`` (moved into ``out`` with the index) from the charts of every listed
    report, this run's figures or the kept ones; (link, note for the index)."""
    from analysis.plots.slides import charts_from_figures, write_deck

    span = _date_range(docs) or ("undated" if lang == "en" else "无日期")
    n = len(docs)
    footer = (
        f"corpus {corpus.name} · {span} · {n} documents · hash {digest[:12]}"
        if lang == "en"
        else f"语料 {corpus.name} · {span} · {n} 篇文档 · 哈希 {digest[:12]}"
    )
    dirs = [
        (str(r.get("title") or r["name"]), _runguard.figures_folder(stage, out, r)) for r in listed if r.get("html")
    ]
    charts = charts_from_figures(dirs)
    target = stage / "slides.pptx"
    if not charts:  # commit_files then removes an old deck from out
        return "", ("no chart: no slide deck" if lang == "en" else "没有图表，未生成幻灯片")
    write_deck(target, charts, footer)
    return "slides.pptx", (f"{len(charts)} slides" if lang == "en" else f"{len(charts)} 张幻灯片")




def _render_index(context: Mapping[str, Any]) -> str:
    """The index page; every value is escaped by Jinja2's autoescape."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    english = context.get("lang") == "en"

    def choose(zh: str, en: str) -> str:
        return en if english else zh

    env.globals["L"] = choose
    return env.get_template("index.html.j2").render(**context)
