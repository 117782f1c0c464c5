"""Every report notebook, executed end to end on the sample corpus through the runner (one shared run)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from html_view import visible
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from PIL import Image

from analysis import config
from analysis.report import runner as report

NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))
EXPECTED = [
    "00-corpus-overview",
    "10-keywords",
    "20-company-comparison",
    "30-year-trends",
    "40-slogans",
    "50-term-explorer",
]
NOISE = (
    "Traceback",
    "Warning",
    "warn(",
    "Building prefix dict",
    "Loading model",
    "Glyph",
    "findfont",
    "ERROR",
)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory, raw_dir: Path, metadata_csv: Path) -> Iterator[Path]:
    """The whole report set on the sample corpus, cold (empty token cache), written once for the module."""
    base = tmp_path_factory.mktemp("reports")
    out = base / "out"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TEXTLAB_CACHE", str(base / "cache"))
        mp.setattr(config, "CACHE_DIR", base / "cache")
        code = report.run_reports(raw_dir, metadata_csv, out, progress=False)
    assert code == 0, (out / "index.html").read_text(encoding="utf-8")
    yield out


def test_the_six_notebooks_exist() -> None:
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_on_disk_are_clean(path: Path) -> None:
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert "parameters" in code[0].metadata.get("tags", [])
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")


@pytest.mark.parametrize("name", EXPECTED)
def test_report_html_is_clean(reports: Path, name: str) -> None:
    html_text = (reports / f"{name}.html").read_text(encoding="utf-8")
    shown = visible(html_text)
    assert 'src="IMG"' in shown or "<svg" in shown, "no figure in the report"
    for noise in NOISE:
        assert noise not in shown, f"{noise!r} in {name}.html"
    assert "application/vnd.jupyter.stderr" not in shown  # no stderr output at all
    assert "jp-InputArea-editor" not in shown and "highlight hl-ipython3" not in shown  # no code cells
    assert "textlab report runner" not in html_text  # the runner's reset cell is not shown
    assert "jp-OutputArea-executeResult" not in shown and "PosixPath" not in shown  # no stray values


def test_index_links_every_report(reports: Path) -> None:
    index = (reports / "index.html").read_text(encoding="utf-8")
    for name in EXPECTED:
        assert f'href="{name}.html"' in index
    assert "成功" in index and "失败" not in index
    for key in ("文档数", "语料哈希", "pandas", "jieba", "rjieba", "matplotlib", "scikit-learn", "papermill"):
        assert key in index
    timings = json.loads((reports / "timings.json").read_text(encoding="utf-8"))
    assert set(timings["notebooks"]) == set(EXPECTED)
    assert {"ingest_s", "tokenize_s", "notebooks_wall_s", "total_s", "fixed_per_notebook_s"} <= set(timings)


def test_figures_are_written_as_png_svg_csv(reports: Path) -> None:
    for name in EXPECTED:
        folder = reports / "figures" / name
        pngs = sorted(folder.glob("*.png"))
        assert pngs, f"no figure for {name}"
        for png in pngs:
            assert png.with_suffix(".svg").is_file() and png.with_suffix(".csv").is_file()
            with Image.open(png) as img:
                assert img.info["dpi"][0] == pytest.approx(200, abs=0.5)
    assert (reports / "figures" / "20-company-comparison" / "keyness.png").is_file()
    assert (reports / "figures" / "40-slogans" / "adoption-timeline.png").is_file()


def test_code_is_hidden_unless_asked() -> None:
    nb = new_notebook(cells=[new_markdown_cell("# t"), new_code_cell("print('x')")])
    hidden, _ = report._html_exporter(False).from_notebook_node(nb)
    shown, _ = report._html_exporter(True).from_notebook_node(nb)
    assert "jp-InputArea-editor" in visible(shown)
    assert "jp-InputArea-editor" not in visible(hidden)


def test_sections_reach_the_sample_reports(reports: Path) -> None:
    """A few things a reader of the sample reports must see, derived from the five seed documents."""
    keywords = visible((reports / "10-keywords.html").read_text(encoding="utf-8"))
    assert "新词发现" in keywords and "牢牢把握" in keywords  # 6 times in the seeds (4 in 004), not in the dictionary
    slogans = visible((reports / "40-slogans.html").read_text(encoding="utf-8"))
    assert "全面从严治党" in slogans and "两个维护" in slogans
    explorer = visible((reports / "50-term-explorer.html").read_text(encoding="utf-8"))
    assert "KWIC" in explorer
