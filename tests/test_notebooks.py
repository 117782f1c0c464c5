"""Every report notebook, executed end to end on the sample corpus through the runner (one shared run)."""

from __future__ import annotations

import base64
import html
import io
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from html_view import visible
from hypothesis import given, settings
from hypothesis import strategies as st
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from PIL import Image

from analysis import config
from analysis.report import pages
from analysis.report import runner as report

NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))
EXPECTED = [
    "00-corpus-overview",
    "10-keywords",
    "20-company-comparison",
    "30-year-trends",
    "40-slogans",
    "50-term-explorer",
    "60-analyst-walkthrough",
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


def test_the_seven_notebooks_exist() -> None:
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_on_disk_are_clean(path: Path) -> None:
    """The notebooks are the source: committed without outputs, in nbformat's own layout (so a diff
    shows only real edits), with a title, a parameters cell and a setup cell."""
    text = path.read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code), f"{path.name} has outputs"
    assert text == nbformat.writes(nb) + "\n", f"{path.name} is not in canonical form (re-save it with nbformat)"
    assert "parameters" in code[0].metadata.get("tags", [])
    assert "setup" in code[1].metadata.get("tags", [])
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert len({c.id for c in nb.cells}) == len(nb.cells)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_markdown_cell_has_its_english_twin(path: Path) -> None:
    """Markdown comes in pairs: a lang-zh cell followed by its lang-en twin with the same heading level."""
    nb = nbformat.read(str(path), as_version=4)
    cells = nb.cells
    for i, cell in enumerate(cells):
        if cell.cell_type != "markdown":
            continue
        tags = cell.metadata.get("tags", [])
        assert tags in (["lang-zh"], ["lang-en"]), f"cell {cell.id}: tag it lang-zh or lang-en"
        if tags == ["lang-zh"]:
            twin = cells[i + 1]
            assert twin.cell_type == "markdown" and twin.metadata.get("tags") == ["lang-en"], cell.id
            level = len(cell.source) - len(cell.source.lstrip("#"))
            assert len(twin.source) - len(twin.source.lstrip("#")) == level, cell.id
            assert not re.search(r"[\u4e00-\u9fff]", re.sub(r"“[^”]*”|`[^`]*`|\([^)]*\)", "", twin.source)) or (
                "两个维护" in twin.source
            ), f"cell {twin.id}: Chinese words in the English text"
        else:
            assert cells[i - 1].metadata.get("tags") == ["lang-zh"], cell.id


def test_ruff_reads_the_notebooks() -> None:
    """The notebooks' code is linted like the package's (nothing excludes them)."""
    ruff = Path(sys.executable).with_name("ruff")
    proc = subprocess.run([str(ruff), "check", "--show-files", str(config.NOTEBOOKS_DIR)],
                          capture_output=True, text=True, cwd=config.PROJECT_ROOT)  # fmt: skip
    listed = {Path(line.strip()).name for line in proc.stdout.splitlines() if line.strip().endswith(".ipynb")}
    assert listed == {p.name for p in NOTEBOOKS}
    check = subprocess.run([str(ruff), "check", str(config.NOTEBOOKS_DIR)], capture_output=True, text=True,
                           cwd=config.PROJECT_ROOT)  # fmt: skip
    assert check.returncode == 0, check.stdout


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
    hidden, _ = pages.html_exporter(False).from_notebook_node(nb)
    shown, _ = pages.html_exporter(True).from_notebook_node(nb)
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


# ------------------------------------------------------------------------------------- shared pages

_FONT_DATA = re.compile(r"url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\)")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def uncovered(page: str) -> set[str]:
    """CJK characters (and full-width punctuation) on ``page`` that its embedded font cannot draw."""
    from fontTools.ttLib import TTFont

    fonts = _FONT_DATA.findall(page)
    assert len(fonts) == 1, f"expected one embedded font, found {len(fonts)}"
    cmap = TTFont(io.BytesIO(base64.b64decode(fonts[0]))).getBestCmap()
    return {ch for ch in pages.page_characters(page) if _CJK.match(ch) and ord(ch) not in cmap}


@pytest.mark.parametrize("name", ["index", *EXPECTED])
def test_every_cjk_character_is_in_the_embedded_font(reports: Path, name: str) -> None:
    page = (reports / f"{name}.html").read_text(encoding="utf-8")
    assert sum(bool(_CJK.match(c)) for c in pages.page_characters(page)) > 50
    assert uncovered(page) == set()
    if name != "index":
        assert '<html lang="zh">' in page
    # base64 data (font, images, the table library) may spell anything: look at the rest
    text = re.sub(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+|inject(?:Module|CSS)\(\"[A-Za-z0-9+/=]+\"\)", "", page)
    assert "cdnjs" not in text and "require.min.js" not in text and "mathjax" not in text.lower()


def test_coverage_check_can_fail() -> None:
    page = "<html><head></head><body>中国联通</body></html>"
    embedded = pages.embed_font(page)
    assert uncovered(embedded) == set()
    # a font made for fewer characters than the page shows is caught
    short = page.replace("</head>", pages.font_css(pages.subset_font("中国")) + "</head>")
    assert uncovered(short) == {"联", "通"}


def test_characters_inside_table_data_count() -> None:
    chars = pages.page_characters('<script>{"data_json": "[[\\"\\u4e2d\\u56fd\\"]]"}</script>')
    assert {"中", "国"} <= chars
    # each escape counted once however often it repeats; a pair of escapes beyond the BMP is one character,
    # a lone surrogate none
    many = pages.page_characters("<script>" + "\\u8054\\u901a" * 1000 + "\\ud83d\\ude00 \\ud800</script>")
    assert {"联", "通", "\U0001F600"} <= many
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in many)


_ESCAPE_ALPHABET = [*"\\u0123456789abcdefABCDEFxz &;#<>\n\t\x00\x7f\xa0", "文", "中", "\U0001F600", "&amp;", "&#25991;",
                    "&#x4e2d;", "&nbsp;", "\\ud83d\\ude00", "\\u4E2D", "\\uD800", "\\u00"]


@given(st.lists(st.sampled_from(_ESCAPE_ALPHABET), max_size=40).map("".join))
@settings(max_examples=300, deadline=None)
def test_page_characters_follow_the_escape_rule(page: str) -> None:
    """The characters of a page are those of its unescaped text, of every backslash-u escape (a regular
    expression here) and of the surrogate pairs, printable ones only, plus printable ASCII."""
    text = html.unescape(page)
    want = set(text) | {chr(c) for c in range(0x20, 0x7F)}
    want |= {chr(int(d, 16)) for d in re.findall(r"\\u([0-9a-fA-F]{4})", text) if not 0xD800 <= int(d, 16) <= 0xDFFF}
    for hi, lo in re.findall(r"\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})", text, flags=re.I):
        want.add(chr(0x10000 + ((int(hi, 16) - 0xD800) << 10) + (int(lo, 16) - 0xDC00)))
    assert pages.page_characters(page) == {c for c in want if c.isprintable() or c == " "}


def test_slide_deck_has_one_picture_per_chart(reports: Path) -> None:
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE
    from pptx.util import Inches

    from analysis.ingest.corpus import corpus_hash, load_corpus

    deck = Presentation(str(reports / "slides.pptx"))
    assert (deck.slide_width, deck.slide_height) == (Inches(13.333), Inches(7.5))  # 16:9
    charts = [e for name in EXPECTED
              for e in json.loads((reports / "figures" / name / "figures.json").read_text(encoding="utf-8"))]  # fmt: skip
    pngs = sorted(p for name in EXPECTED for p in (reports / "figures" / name).glob("*.png"))
    assert len(deck.slides) == len(charts) == len(pngs) > 5
    docs = load_corpus(reports / "data" / "corpus.parquet", progress=False)
    digest = corpus_hash(docs)[:12]
    for slide, chart in zip(deck.slides, charts, strict=True):
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        assert chart["title"] and chart["title"] in texts
        footer = texts[-1]
        assert digest in footer and f"{len(docs)} 篇文档" in footer and "2022-" in footer
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert 'href="slides.pptx"' in index


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory, raw_dir: Path, metadata_csv: Path) -> Iterator[Path]:
    base = tmp_path_factory.mktemp("english")
    out = base / "out"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TEXTLAB_CACHE", str(base / "cache"))
        mp.setattr(config, "CACHE_DIR", base / "cache")
        code = report.run_reports(raw_dir, metadata_csv, out, params={"figure_style": "slide"}, lang="en",
                                  progress=False)  # fmt: skip
    assert code == 0, (out / "index.html").read_text(encoding="utf-8")
    yield out


def _own_words(html_text: str) -> list[str]:
    """Headings, captions, notices and table headers: the words a report writes itself."""
    shown = visible(html_text)
    found = re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", shown, flags=re.S)
    found += re.findall(r'<p class="textlab-caption">(.*?)</p>', shown, flags=re.S)
    found += re.findall(r'<div class="textlab-msg[^"]*">(.*?)</div>', shown, flags=re.S)
    found += re.findall(r"<th>(.*?)</th>", shown, flags=re.S)
    # terms quoted in captions and headings stay as written
    return [re.sub(r"“[^”]*”|（[^）]*）", "", re.sub(r"<[^>]+>", "", t)) for t in found]


@pytest.mark.parametrize("name", EXPECTED)
def test_english_reports_speak_english(english: Path, name: str) -> None:
    page = (english / f"{name}.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page
    words = _own_words(page)
    assert words
    chinese = [w for w in words if re.search(r"[\u4e00-\u9fff]", w) and w.strip() not in ("全面从严治党", "主题教育")]
    assert chinese == []
    assert uncovered(page) == set()


def test_english_figures_legends_and_index(english: Path) -> None:
    index = (english / "index.html").read_text(encoding="utf-8")
    assert "Reports" in index and "Slide deck" in index and "报告" not in visible(index)
    titles = [e["title"] for name in EXPECTED
              for e in json.loads((english / "figures" / name / "figures.json").read_text(encoding="utf-8"))]  # fmt: skip
    assert titles and all(not re.search(r"[\u4e00-\u9fff]", re.sub(r"“[^”]*”", "", t)) for t in titles)
    # figure_style=slide: every chart on a 16:9 canvas
    with Image.open(english / "figures" / "40-slogans" / "slogans-by-company.png") as img:
        assert img.size[0] / img.size[1] == pytest.approx(16 / 9, rel=0.01)
