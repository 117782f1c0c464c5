"""Issues 10 and 13, the report side: charts, notebook helpers and notebooks read the statistics' meaning
(non-estimable effect sizes, correction families, intervals, thin groups, year hints), use one vocabulary,
say what they leave out, and draw English figures from the public API."""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection, PolyCollection
from matplotlib.figure import Figure

import analysis as tl
from analysis import config
from analysis.plots import figures, tables
from analysis.report import notebook
from analysis.select import DocumentsLeftOut

CJK = re.compile(r"[\u4e00-\u9fff]")


def texts(fig: Figure) -> str:
    fig.canvas.draw()
    return "\n".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text") and a.get_visible()))


def _keyness_table(family: str = "table") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "group": ["甲"] * 3,
            "reference": ["(rest)"] * 3,
            "term": ["常见", "独有", "少用"],
            "count_target": [30, 9, 2],
            "count_reference": [10, 0, 20],
            "g2": [12.0, 9.0, -8.0],
            "significant": [True, True, True],
            "log_ratio": [1.5, 9.7, -1.2],
            "log_ratio_estimable": [True, False, True],
            "min_count": [5, 5, 5],
            "correction": ["fdr_bh"] * 3,
            "family": [family] * 3,
            "family_size": [470] * 3,
        }
    )


# ------------------------------------------------------------------------------------------ keyness
def test_a_non_estimable_log_ratio_is_a_marker_at_the_edge_not_a_bar():
    fig = tl.plots.plot_keyness(_keyness_table(), lang="en")
    ax = fig.axes[0]
    widths = [abs(b.get_width()) for b in ax.patches if b.get_visible()]
    assert max(widths) == pytest.approx(1.5)  # the 9.7 of the zero-count term is drawn nowhere
    lo, hi = ax.get_xlim()
    assert hi < 1.5 * 1.5 and lo > -1.5 * 1.5  # and does not set the axis span
    markers = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(markers) == 1
    x, _ = markers[0].get_offsets()[0]
    assert 1.5 < x <= hi  # at the right edge: over-used, direction only
    assert "direction only" in texts(fig)


def test_keyness_subtitle_names_the_correction_family_from_the_table():
    sub = tl.plots.figure_title  # public: the title line; the subtitle is read from the figure's texts
    fig = tl.plots.plot_keyness(_keyness_table("table"), lang="en")
    assert sub(fig) == "Keyness"
    assert "Benjamini-Hochberg (FDR) over the whole table (one family of 470 tests)" in texts(fig)
    fig = tl.plots.plot_keyness(_keyness_table("block"), lang="zh")
    assert "每组比较各为一个族（每族 470 个检验）" in texts(fig)


def test_threshold_text_takes_the_family():
    assert notebook.threshold_text("fdr", 0.05, "en") == "significant: p < 0.05 after FDR (Benjamini-Hochberg) correction"
    text = notebook.threshold_text("fdr", 0.05, "en", family="block", family_size=[120, 150])
    assert text.endswith("per comparison (families of 120–150 tests)")
    assert "whole table" in notebook.threshold_text("bonferroni", 0.01, "en", family=_keyness_table())


def test_keyness_highlights_carry_documents_and_estimability():
    kt = _keyness_table().assign(docs_with_term_target=[4, 1, 2], docs_with_term_reference=[3, 0, 5],
                                 dp_target=[0.2, 0.9, 0.5], p_adjusted=0.01, logodds_z=1.0)  # fmt: skip
    hi = notebook.keyness_highlights(kt, 5)
    for col in ("docs_with_term_target", "docs_with_term_reference", "dp_target", "log_ratio_estimable"):
        assert col in hi.columns


# -------------------------------------------------------------------------------------------- trend
def _trend(ci: bool = True) -> pd.DataFrame:
    t = pd.DataFrame(
        {
            "year": pd.array([2022, 2023, 2024, 2022, 2023, 2024], dtype="Int64"),
            "term": ["甲"] * 3 + ["乙"] * 3,
            "count": [1, 2, 3, 0, 1, 1],
            "rate_per_10k": [10.0, 20.0, 30.0, 0.0, 5.0, 6.0],
            "group_docs": [1, 4, 5, 1, 4, 5],
            "group_tokens": [1000] * 6,
            "rate_ci_low": [np.nan, 12.0, 20.0, np.nan, 1.0, 2.0],
            "rate_ci_high": [np.nan, 30.0, 45.0, np.nan, 9.0, 11.0],
            "docs_year_hint": [0, 2, 0, 0, 2, 0],
        }
    )
    return t if ci else t.drop(columns=["rate_ci_low", "rate_ci_high"])


def test_trend_draws_a_band_per_term_from_the_intervals_and_reads_group_docs():
    fig = tl.plots.plot_trend(_trend(), lang="en")  # no n_docs column: group_docs is enough
    bands = [c for c in fig.axes[0].collections if isinstance(c, PolyCollection)]
    assert len(bands) == 2
    # nothing where the interval is NaN (2022, one document): the band starts at 2023
    xs = np.concatenate([p.vertices[:, 0] for b in bands for p in b.get_paths()])
    assert xs.min() >= 2023
    assert "bootstrap over documents" in texts(fig)
    no_ci = tl.plots.plot_trend(_trend(ci=False), lang="en")
    assert not [c for c in no_ci.axes[0].collections if isinstance(c, PolyCollection)]


def test_trend_marks_years_placed_by_a_year_hint():
    fig = tl.plots.plot_trend(_trend(), lang="en")
    bars = fig.axes[1].patches
    assert [bool(b.get_hatch()) for b in bars] == [False, True, False]
    assert "year hint" in texts(fig)
    assert not any(b.get_hatch() for b in tl.plots.plot_trend(_trend().drop(columns="docs_year_hint")).axes[1].patches)


# ------------------------------------------------------------------------------------------ heatmaps
def test_a_thin_group_is_grey_and_never_sets_the_colour_scale():
    profile = pd.DataFrame(
        {
            "group": ["大", "大", "小", "小"],
            "slogan": ["甲", "乙", "甲", "乙"],
            "rate_per_10k": [10.0, 5.0, 180.0, 0.0],
            "count": [10, 5, 2, 0],
            "group_docs": [20, 20, 1, 1],
            "thin_group": [False, False, True, True],
        }
    )
    fig = tl.plots.plot_slogan_heatmap(profile, value="rate_per_10k", lang="en")
    scaled = fig.axes[0].images[0]
    assert scaled.norm.vmax == pytest.approx(10.0)  # the one-document group's 180 does not set it
    assert "grey columns" in texts(fig) and "180" in texts(fig)  # its value is still shown
    alone = tl.plots.plot_slogan_heatmap(profile.assign(thin_group=False), value="rate_per_10k")
    assert alone.axes[0].images[0].norm.vmax == pytest.approx(180.0)


# --------------------------------------------------------------------------------------------- KWIC
def test_kwic_table_shows_the_file(monkeypatch):
    shown = []
    monkeypatch.setattr(tables, "_display", lambda obj: shown.append(obj.data))
    lines = pd.DataFrame({"path": ["unicom/2024-01.txt"], "title": ["标题"], "company": ["中国联通"],
                          "date": ["2024-01-05"], "left": ["坚决"], "match": ["两个维护"], "right": ["。"]})  # fmt: skip
    tl.plots.show_kwic(lines, lang="en", interactive=False)
    assert "unicom/2024-01.txt" in shown[0] and "<th>File</th>" in shown[0]


# ----------------------------------------------------------------------------------- notebook helpers
def test_select_years_delegates_to_select_and_says_what_it_left_out():
    docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "company": ["中国联通", "中国移动", "中国联通"],
                         "date": pd.to_datetime(["2022-01-01", "2024-01-01", None]),
                         "year": pd.array([2022, 2024, None], dtype="Int64")})  # fmt: skip
    with pytest.warns(DocumentsLeftOut):
        out = notebook.select_years(docs, 2023, None)
    assert list(out["doc_id"]) == ["b"]
    assert sum(out.attrs["left_out"].values()) == 2


def test_top_slogans_follows_slogans_of_several_tokens():
    profile = pd.DataFrame({"slogan": ["习近平新时代中国特色社会主义思想", "两个维护", "零次"], "count": [9, 3, 0]})
    assert notebook.top_slogans(profile, 5) == ["习近平新时代中国特色社会主义思想", "两个维护"]


# ------------------------------------------------------------------------------------ loading a corpus
def test_load_corpus_says_what_the_ingest_command_says(tmp_path, capsys, raw_dir: Path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for p in sorted(raw_dir.iterdir())[:2]:
        (folder / p.name).write_bytes(p.read_bytes())
    (folder / "notes.xyz").write_text("x", encoding="utf-8")  # unsupported: skipped and reported
    docs = tl.load_corpus(folder, progress=False, cache=False)
    assert isinstance(docs, pd.DataFrame) and len(docs) == 2
    said = capsys.readouterr().out
    summary = docs.attrs["ingest"]
    assert str(summary) in said
    assert re.match(r"ingested 2 documents \(\d+ undated, \d+ without company, years .*\); 1 file\(s\) skipped", said)
    assert (summary.documents, summary.skipped) == (2, 1)
    assert list(summary.report.loc[summary.report["status"] == "skipped", "path"]) == ["notes.xyz"]
    tl.load_corpus(folder, progress=False, cache=False, quiet=True)
    assert capsys.readouterr().out == ""


def test_the_ingest_command_prints_the_same_words(tmp_path, capsys, raw_dir: Path):
    from analysis.__main__ import main

    folder = tmp_path / "corpus"
    folder.mkdir()
    for p in sorted(raw_dir.iterdir())[:2]:
        (folder / p.name).write_bytes(p.read_bytes())
    main(["ingest", str(folder), "--out", str(tmp_path / "out"), "--quiet"])
    printed = capsys.readouterr().out
    docs = tl.load_corpus(folder, progress=False, quiet=True)
    head = str(docs.attrs["ingest"]).split("; ")[:2]
    assert printed.startswith("; ".join(head))


# ------------------------------------------------------------------------------------- English figures
def test_plots_are_public_and_take_lang():
    import inspect

    assert tl.plots is __import__("analysis.plots", fromlist=["x"])
    for name in tl.plots.__all__:
        if name.startswith("plot_"):
            assert "lang" in inspect.signature(getattr(tl.plots, name)).parameters, name


def test_english_figures_have_no_chinese_words_of_their_own():
    prof = pd.DataFrame({"group": ["中国联通", "(none)"], "slogan": ["两个维护"] * 2, "count": [3, 1],
                         "group_docs": [4, 1], "thin_group": [False, True]})  # fmt: skip
    cy = pd.DataFrame({2023: [2, 1], 2024: [1, 0]}, index=["中国联通", ""])
    figs = [
        tl.plots.plot_keyness(_keyness_table(), lang="en"),
        tl.plots.plot_trend(_trend(), lang="en"),
        tl.plots.plot_slogan_heatmap(prof, lang="en"),
        tl.plots.plot_company_year(cy, lang="en"),
    ]
    allowed = {"两个维护", "甲", "乙", "常见", "独有", "少用", "中国联通"}
    for fig in figs:
        words = set(re.findall(r"[\u4e00-\u9fff]+", texts(fig)))
        assert words <= allowed, words
    legend = texts(figs[3])
    assert "China Unicom (中国联通)" in legend and "(unattributed)" in legend and "篇" not in legend
    assert "未识别" not in texts(figs[2])


# ------------------------------------------------------------------------------------------ notebooks
OLD_NAMES = ("doc_freq", "n_docs", "group_size", "total_target", "total_reference", "n_tokens")


@pytest.mark.parametrize("path", sorted(config.NOTEBOOKS_DIR.glob("*.ipynb")), ids=lambda p: p.stem)
def test_notebooks_read_the_new_column_names_only(path: Path):
    nb = nbformat.read(str(path), as_version=4)
    source = "\n".join(c.source for c in nb.cells)
    for old in OLD_NAMES:
        assert not re.search(rf"\b{old}\b", source), (path.name, old)


def test_the_walkthrough_uses_the_public_api_only():
    nb = nbformat.read(str(config.NOTEBOOKS_DIR / "60-analyst-walkthrough.ipynb"), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    body = "\n".join(c.source for c in code[2:])  # after the parameters and the report kernel's set-up
    assert "import" not in body and "notebook." not in body.replace("notebook.explain_errors", "").replace(
        "notebook.language", ""
    )
    assert not re.search(r"\._[a-z]", body)  # no private attribute
    for call in ("tl.slogan_profile", "tl.slogan_trend", "tl.keyness", "tl.kwic", "tl.collocations",
                 "tl.discover_phrases", 'lang="en"', "tl.select"):  # fmt: skip
        assert call in body, call


def test_plot_heatmap_refuses_a_wrong_number_of_grey_flags():
    with pytest.raises(tl.AnalysisError, match="grey_columns"):
        figures.plot_heatmap(pd.DataFrame([[1, 2]]), title="t", grey_columns=[True])
    fig = figures.plot_heatmap(pd.DataFrame([[1.0, 50.0]]), title="t", grey_columns=[False, True])
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.savefig(buf, format="png", dpi=40)


def test_thin_groups_are_grey_in_top_term_panels():
    from matplotlib.colors import to_hex

    freq = pd.DataFrame({"group": ["中国联通", "中国联通", "中国移动"], "term": ["甲", "乙", "甲"], "count": [5, 3, 9],
                         "thin_group": [False, False, True]})  # fmt: skip
    fig = tl.plots.plot_top_terms(freq, lang="en")
    colours = [{to_hex(b.get_facecolor()) for b in ax.patches} for ax in fig.axes]
    assert colours[0] == {figures.company_color("中国联通")} and colours[1] == {figures.THIN_COLOR}
    assert "grey bars" in texts(fig)
