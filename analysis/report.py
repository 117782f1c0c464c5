"""Report runner: corpus folder -> executed notebooks -> HTML reports, figures and an index page.

``run_reports`` ingests the corpus once (``out/data/corpus.parquet``), tokenises it once to warm the
shared token cache, then executes every notebook of ``notebooks/`` with papermill in two worker
processes (each notebook reads the ingested corpus and the cached tokens; each worker keeps one kernel
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

The small helpers the notebooks call live in ``analysis.notebook``.
"""

from __future__ import annotations

import ast
import contextlib
import functools
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
from analysis._proc import die_with_parent
from analysis.errors import AnalysisError

__all__ = [
    "NotebookResult",
    "discover_notebooks",
    "run_reports",
]

#: Notebooks executed at the same time (worker processes, each with its own kernel).
DEFAULT_JOBS = 2
#: Longest time one notebook cell may run, in seconds.
CELL_TIMEOUT = 1800
#: Parameters the runner sets itself for every notebook (users set the others with ``params``).
RUNNER_PARAMS = ("corpus", "metadata", "figures_dir", "progress")
VERSION_PACKAGES = (
    "textlab-analysis", "pandas", "numpy", "scipy", "pyarrow", "jieba", "rjieba", "scikit-learn", "matplotlib",
    "noto-cjk-sans-otc", "papermill", "nbconvert", "nbclient", "ipykernel",
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


def _notebook_title(path: Path) -> str:
    """First markdown heading of the notebook (the report's title), else the file stem."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return path.stem
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            src = "".join(cell.get("source", []))
            m = re.search(r"^#+\s*(.+)$", src, flags=re.MULTILINE)
            if m:
                return m.group(1).strip()
    return path.stem


def _html_exporter(show_code: bool) -> Any:
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        exclude_input=not show_code,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
    )


def _error_message(exc: BaseException) -> str:
    """One readable line (plus the failing cell) for the index page."""
    ename = getattr(exc, "ename", None)
    evalue = getattr(exc, "evalue", None)
    if ename:
        cell = getattr(exc, "exec_count", None)
        where = f" (cell {cell})" if cell else ""
        return f"{ename}: {evalue}{where}"
    return f"{type(exc).__name__}: {exc}"


def _cell_seconds(nb: Any) -> tuple[float, float]:
    """(seconds in the setup cell, seconds in all report cells) from papermill's per-cell metadata."""
    total = setup = 0.0
    for cell in nb.cells:
        dur = cell.get("metadata", {}).get("papermill", {}).get("duration")
        if dur is None:
            continue
        total += float(dur)
        if "setup" in cell.get("metadata", {}).get("tags", []):
            setup = float(dur)
    return setup, total


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


# --------------------------------------------------------------------------------------------------
# shared kernels
#
# Starting a kernel and importing pandas, scipy, scikit-learn and matplotlib into it costs about as
# much CPU as running a report notebook. Each worker process therefore starts one kernel and runs its
# notebooks on it one after another, each after a reset cell (fresh namespace, execution count 1,
# matplotlib defaults, working directory), which is removed from the executed notebook. Every notebook
# is still executed by papermill.execute_notebook with its parameters. ``fresh_kernels=True`` gives
# every notebook its own kernel instead.

_RUNNER_TAG = "textlab-runner"
_ENGINE_NAME = "textlab-shared-kernel"


def _reset_cell(cwd: str) -> Any:
    from nbformat.v4 import new_code_cell

    source = (
        "# textlab report runner: fresh namespace (the kernel is shared with other reports)\n"
        "get_ipython().reset(new_session=True)\n"
        "__import__('sys').modules.get('matplotlib') and __import__('matplotlib').rcdefaults()\n"
        f"__import__('os').chdir({cwd!r})\n"
        "get_ipython().execution_count = 0\n"
    )
    cell = new_code_cell(source, metadata={"tags": [_RUNNER_TAG]})
    cell.id = "textlab-runner-reset"
    return cell


def _strip_runner_cells(nb: Any) -> Any:
    nb.cells = [c for c in nb.cells if _RUNNER_TAG not in c.get("metadata", {}).get("tags", [])]
    return nb


@functools.cache
def _register_engine() -> str:
    """Register (once per process) a papermill engine that runs on a kernel it is given and keeps it.

    Papermill's own nbclient engine already accepts ``km=``; this one also closes the kernel client
    it opened, so that no idle client keeps queueing the next notebook's output messages.
    """
    import papermill.engines as pm_engines
    from papermill.clientwrap import PapermillNotebookClient

    class SharedKernelEngine(pm_engines.NBClientEngine):
        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man: Any,
            kernel_name: str,
            log_output: bool = False,
            stdout_file: Any = None,
            stderr_file: Any = None,
            start_timeout: int = 60,
            execution_timeout: int | None = None,
            **kwargs: Any,
        ) -> Any:
            kwargs.pop("input_path", None)
            client = PapermillNotebookClient(
                nb_man,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=pm_engines.logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
                **kwargs,
            )
            try:
                return client.execute()
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()

    pm_engines.papermill_engines.register(_ENGINE_NAME, SharedKernelEngine)
    return _ENGINE_NAME


@functools.lru_cache(maxsize=1)
def _pinned_kernel_specs() -> Any:
    """A kernel spec manager whose only "python3" kernel is this very interpreter.

    Without it jupyter_client may pick a user-level "python3" kernelspec pointing at another Python,
    where ``analysis`` is not installed.
    """
    return _runguard.pinned_kernel_specs()  # held in memory: no kernelspec folder in /tmp


def _start_kernel(cwd: str) -> Any:
    """Start a python3 kernel (IPC transport: local sockets, no TCP ports) and wait until it answers."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    # IPC socket paths must be absolute: the kernel runs in ``cwd``, this process elsewhere.
    ip = _runguard.kernel_ip()  # abstract sockets on Linux: no IPC files left in /tmp
    km = AsyncKernelManager(
        kernel_name="python3", transport="ipc", ip=ip, kernel_spec_manager=_pinned_kernel_specs()
    )
    # No IPython history database: report kernels never need it, and a shared kernel would reuse
    # line numbers after each reset.
    run_sync(km.start_kernel)(cwd=cwd, extra_arguments=["--HistoryManager.enabled=False"])
    kc = km.client()
    kc.start_channels()
    try:
        run_sync(kc.wait_for_ready)(timeout=120)
    finally:
        kc.stop_channels()
    return km


def _kernel_alive(km: Any) -> bool:
    from jupyter_core.utils import run_sync

    try:
        return bool(run_sync(km.is_alive)())
    except Exception:
        return False


def _stop_kernel(km: Any) -> None:
    from jupyter_core.utils import run_sync

    with contextlib.suppress(Exception):
        run_sync(km.shutdown_kernel)(now=False)
    with contextlib.suppress(Exception):
        run_sync(km.cleanup_resources)()


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
        source.cells.insert(0, _reset_cell(task["cwd"]))
        nb = failed_nb = None
        t0 = time.perf_counter()
        try:
            nb = papermill.execute_notebook(
                source,
                str(executed_path),
                parameters=params,
                engine_name=_register_engine(),
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
            _strip_runner_cells(target_nb)
            result.setup_s, result.cells_s = _cell_seconds(target_nb)
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
    exporter = _html_exporter(show_code)
    km = None
    try:
        while True:
            task = tasks.get()
            if task is None:
                return
            kernel_start = 0.0
            try:
                if km is None or not _kernel_alive(km):
                    if km is not None:
                        _stop_kernel(km)
                    t0 = time.perf_counter()
                    km = None
                    km = _start_kernel(cwd)
                    kernel_start = time.perf_counter() - t0
                res = _execute_one(task, km, exporter)
            except Exception as exc:
                res = asdict(
                    NotebookResult(name=task["name"], title=task["title"], error=_error_message(exc))
                )
            res["kernel_start_s"] = kernel_start
            results.put(res)
            if fresh_kernels and km is not None:
                _stop_kernel(km)
                km = None
    finally:
        if km is not None:
            _stop_kernel(km)


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for pkg in VERSION_PACKAGES:
        try:
            out[pkg] = importlib_metadata.version(pkg)
        except importlib_metadata.PackageNotFoundError:
            out[pkg] = "(not installed)"
    return out


def _mp_context() -> Any:
    import multiprocessing as mp

    # fork starts a worker in milliseconds; workers only drive kernels, which are processes of their own.
    return mp.get_context(
        "fork" if "fork" in mp.get_all_start_methods() and sys.platform != "darwin" else "spawn"
    )


def _run_workers(
    tasks: list[dict[str, Any]],
    n_workers: int,
    cwd: str,
    show_code: bool,
    fresh_kernels: bool,
    progress: bool,
) -> dict[str, dict[str, Any]]:
    """Run ``tasks`` on ``n_workers`` worker processes; a result for every task, whatever happens."""
    import queue

    from tqdm.auto import tqdm

    ctx = _mp_context()
    if ctx.get_start_method() == "fork":
        # imported once here rather than once in every forked worker
        import jupyter_client.manager  # noqa: F401
        import nbconvert  # noqa: F401
        import papermill  # noqa: F401
    task_q, result_q = ctx.Queue(), ctx.Queue()
    for task in tasks:
        task_q.put(task)
    for _ in range(n_workers):
        task_q.put(None)
    procs = [
        ctx.Process(target=_worker, args=(task_q, result_q, cwd, show_code, fresh_kernels), daemon=False)
        for _ in range(n_workers)
    ]
    for p in procs:
        p.start()
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
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.terminate()
    for task in tasks:
        if task["name"] not in results:
            results[task["name"]] = {
                **asdict(NotebookResult(name=task["name"], title=task["title"], error="worker process died")),
                "kernel_start_s": 0.0,
            }
    return results


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
    jobs:     notebooks executed at once (default 2), each worker with its own kernel.
    notebooks_dir: folder of notebooks (default ``config.NOTEBOOKS_DIR``).
    companies: extra company alias CSV files (see ``analysis.ingest.metadata.load_aliases``).
    progress: progress bar over notebooks (stderr).
    fresh_kernels: one kernel per notebook instead of one per worker (slower; see "shared kernels").
    path_vars: document variables from the folder layout (``"{genre}/*"``; see ``ingest.docvars``).

    ``params["where"]`` (``-p where="genre == 'news'"``) restricts every report to the documents
    matching that filter (:mod:`analysis.where`: parsed, never executed); the index says how many
    documents it kept and left out.

    Returns the exit code: 0 when every notebook succeeded, 1 when any failed (its previous HTML, if
    any, is kept). Raises AnalysisError for unusable input (no corpus, unknown parameter, ...).
    """
    from analysis.ingest.corpus import corpus_hash, corpus_summary, ingest, load_corpus
    from analysis.tokens import tokenize

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
    per_nb_params, effective = _resolve_params(notebooks, params)
    out.mkdir(parents=True, exist_ok=True)
    stage = _runguard.stage_for(out)  # everything of this run is built here; commit() moves it into out
    timings: dict[str, Any] = {}

    t = time.perf_counter()
    result = ingest(corpus, stage / "data", metadata, companies=companies, progress=False, path_vars=path_vars)
    timings["ingest_s"] = time.perf_counter() - t
    parquet = stage / "data" / "corpus.parquet"
    if result.corpus.empty:
        raise AnalysisError(f"{corpus}: no readable document (see {out / 'data' / 'ingest_report.csv'})")
    if where is not None:
        effective["where"] = _apply_where(result, where, stage / "data")

    t = time.perf_counter()
    docs = load_corpus(parquet, progress=False)
    tokenize(docs, progress=False)  # warms the shared cache: the notebooks only read it
    timings["tokenize_s"] = time.perf_counter() - t

    tasks = [
        {
            "name": nb.stem,
            "title": _notebook_title(nb),
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
    n_workers = max(1, min(jobs or DEFAULT_JOBS, len(tasks)))
    t = time.perf_counter()
    results = _run_workers(tasks, n_workers, str(nb_dir.resolve()), show_code, fresh_kernels, progress)
    timings["notebooks_wall_s"] = time.perf_counter() - t
    ordered = [results[task["name"]] for task in tasks]
    _runguard.commit(stage, out, ordered)  # pages, figures and data move into out just before the index
    phases = ("kernel_start_s", "execute_s", "kernel_s", "setup_s", "cells_s", "convert_s")
    timings["notebooks"] = {r["name"]: {k: round(float(r.get(k, 0.0)), 3) for k in phases} for r in ordered}
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

    listed = _with_previous_reports(out, nb_dir, ordered, started.strftime("%Y-%m-%d %H:%M:%S"))
    summary = corpus_summary(docs)
    report_df = result.report
    context = {
        "generated": started.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "corpus_path": str(corpus),
        "metadata_path": str(metadata) if metadata else "",
        "corpus_hash": corpus_hash(docs),
        "summary": summary,
        "company_counts": _company_counts(docs),
        "skipped": int((report_df["status"] == "skipped").sum()) if len(report_df) else 0,
        "warnings": int((report_df["status"] == "warning").sum()) if len(report_df) else 0,
        "params": effective,
        "show_code": show_code,
        "reports": listed,
        "timings": timings,
        "versions": _versions(),
        "n_failed": sum(r["status"] != "ok" for r in ordered),
    }
    _io.write_text(out / "index.html", _render_index(context))
    _io.write_text(out / "timings.json", json.dumps(timings, ensure_ascii=False, indent=2) + "\n")
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
    write_corpus(result, data_dir)
    return f"{where} ({len(result.corpus)} of {total} documents kept, {total - len(result.corpus)} left out)"


def _with_previous_reports(
    out: Path, nb_dir: Path, ordered: list[dict[str, Any]], generated: str
) -> list[dict[str, Any]]:
    """This run's results plus, for notebooks not run this time (``--only``), the last good report
    still in ``out``, marked as such, so that index.html keeps linking every report. Records the
    list in ``out/reports.json`` for the next run."""
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
            old["note"] = f"本次未重新运行；保留 {old.get('generated', '此前')} 生成的报告"
            listed.append(old)
    keep = [{k: v for k, v in r.items() if k != "note"} for r in listed]
    _io.write_text(record, json.dumps(keep, ensure_ascii=False, indent=1) + "\n")
    return listed


def _company_counts(docs: pd.DataFrame) -> list[tuple[str, int]]:
    counts = docs["company"].fillna("").astype(str).value_counts()
    return [(name or "（未识别公司）", int(n)) for name, n in counts.items()]


_INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>textlab 报告</title>
<style>
body{font-family:"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif;
  max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.5}
h1{margin-bottom:0.2em} h2{margin-top:1.6em;border-bottom:1px solid #ddd;padding-bottom:0.2em}
table{border-collapse:collapse;margin:0.5em 0 1em 0;font-size:14px}
th,td{border:1px solid #ddd;padding:4px 10px;text-align:left;vertical-align:top}
th{background:#f3f3f3} td.num{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#1a7f37;font-weight:bold} .failed{color:#b42318;font-weight:bold}
pre.error{white-space:pre-wrap;margin:0;color:#b42318;font-size:13px;max-width:520px}
.muted{color:#666;font-size:13px} code{background:#f5f5f5;padding:0 3px}
.banner{padding:8px 12px;background:#fdecea;border-left:4px solid #b42318;margin:1em 0}
ul.figs{margin:0;padding-left:1.1em;font-size:12px;columns:2}
</style>
</head>
<body>
<h1>textlab 报告</h1>
<p class="muted">生成时间：{{ generated }} ・ 语料哈希：<code>{{ corpus_hash }}</code></p>
{% if n_failed %}<div class="banner">{{ n_failed }} 个报告运行失败，见下表（失败时保留上一次成功的报告）。</div>{% endif %}

<h2>报告</h2>
<table>
<tr><th>报告</th><th>状态</th><th>执行（秒）</th><th>转换（秒）</th><th>图表</th><th>错误</th></tr>
{% for r in reports %}
<tr>
<td>{% if r.html %}<a href="{{ r.html }}">{{ r.title }}</a>{% else %}{{ r.title }}{% endif %}<br>
<span class="muted">{{ r.name }}</span></td>
<td class="{{ r.status }}">{{ "成功" if r.status == "ok" else "失败" }}{% if r.get("note") %}<br><span class="muted">{{ r.get("note") }}</span>{% endif %}</td>
<td class="num">{{ "%.1f"|format(r.execute_s) }}</td>
<td class="num">{{ "%.1f"|format(r.convert_s) }}</td>
<td>{% if r.figures %}<details><summary>{{ r.figures|length }} 个文件（PNG / SVG / CSV）</summary>
<ul class="figs">{% for f in r.figures %}<li><a href="{{ f }}">{{ f.rsplit("/", 1)[-1] }}</a></li>{% endfor %}</ul></details>{% endif %}</td>
<td>{% if r.error %}<pre class="error">{{ r.error }}</pre>{% if r.failed_html %}<a href="{{ r.failed_html }}">失败的运行记录</a>{% endif %}{% endif %}</td>
</tr>
{% endfor %}
</table>

<h2>语料</h2>
<table>
<tr><th>语料</th><td>{{ corpus_path }}</td></tr>
{% if metadata_path %}<tr><th>元数据</th><td>{{ metadata_path }}</td></tr>{% endif %}
<tr><th>文档数</th><td class="num">{{ summary.documents }}</td></tr>
<tr><th>公司</th><td>{% for name, n in company_counts %}{{ name }}（{{ n }}）{% if not loop.last %}、{% endif %}{% endfor %}</td></tr>
<tr><th>年份</th><td>{% if summary.years %}{{ summary.years[0] }}–{{ summary.years[1] }}{% else %}无带日期的文档{% endif %}</td></tr>
<tr><th>无日期文档</th><td class="num">{{ summary.undated }}</td></tr>
<tr><th>未识别公司的文档</th><td class="num">{{ summary.unattributed }}</td></tr>
<tr><th>重复文档</th><td class="num">{{ summary.duplicates }}</td></tr>
<tr><th>跳过的文件</th><td class="num">{{ skipped }}{% if warnings %}（另有 {{ warnings }} 条提醒）{% endif %} ・ <a href="data/ingest_report.csv">ingest_report.csv</a></td></tr>
</table>

<h2>参数</h2>
{% if params %}
<table>{% for k, v in params|dictsort %}<tr><th>{{ k }}</th><td>{{ v }}</td></tr>{% endfor %}</table>
{% else %}<p>全部使用笔记本中的默认参数。</p>{% endif %}
<p class="muted">代码单元：{{ "显示" if show_code else "隐藏" }}</p>

<h2>耗时（秒）</h2>
<table>
<tr><th>导入语料（ingest）</th><td class="num">{{ "%.2f"|format(timings.ingest_s) }}</td></tr>
<tr><th>分词（一次，写入共享缓存）</th><td class="num">{{ "%.2f"|format(timings.tokenize_s) }}</td></tr>
<tr><th>运行全部笔记本（{{ timings.jobs }} 个并行）</th><td class="num">{{ "%.2f"|format(timings.notebooks_wall_s) }}</td></tr>
<tr><th>合计</th><td class="num">{{ "%.2f"|format(timings.total_s) }}</td></tr>
</table>
<table>
<tr><th>报告</th><th>启动内核</th><th>执行（papermill）</th><th>其中：固定开销</th><th>其中：准备单元（导入、读语料）</th><th>全部单元</th><th>转换 HTML</th></tr>
{% for name, t in timings.notebooks.items() %}
<tr><td>{{ name }}</td><td class="num">{{ "%.2f"|format(t.kernel_start_s) }}</td><td class="num">{{ "%.2f"|format(t.execute_s) }}</td>
<td class="num">{{ "%.2f"|format(t.kernel_s) }}</td><td class="num">{{ "%.2f"|format(t.setup_s) }}</td>
<td class="num">{{ "%.2f"|format(t.cells_s) }}</td><td class="num">{{ "%.2f"|format(t.convert_s) }}</td></tr>
{% endfor %}
<tr><td>每个笔记本平均</td><td class="num">{{ "%.2f"|format(timings.fixed_per_notebook_s.kernel_start_s) }}</td><td></td>
<td class="num">{{ "%.2f"|format(timings.fixed_per_notebook_s.overhead_s) }}</td>
<td class="num">{{ "%.2f"|format(timings.fixed_per_notebook_s.setup_s) }}</td><td></td>
<td class="num">{{ "%.2f"|format(timings.fixed_per_notebook_s.convert_s) }}</td></tr>
</table>
<p class="muted">启动内核：每个工作进程启动一个内核（共 {{ timings.kernels_started }} 个），依次运行多个报告，每个报告前清空命名空间。
固定开销 = papermill 执行时间减去各单元的运行时间（参数注入、内核通信、保存）。</p>
<p class="muted">另见 <a href="timings.json">timings.json</a>。</p>

<h2>软件版本</h2>
<table>{% for k, v in versions.items() %}<tr><th>{{ k }}</th><td>{{ v }}</td></tr>{% endfor %}</table>
</body>
</html>
"""


def _render_index(context: Mapping[str, Any]) -> str:
    """The index page; every value is escaped by Jinja2's autoescape."""
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return env.from_string(_INDEX_TEMPLATE).render(**context)
