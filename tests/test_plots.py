"""Plots and fonts: every chart draws with Chinese labels and no missing glyph; files and tables are safe."""

from __future__ import annotations

import io
import json
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from PIL import Image

from analysis import plots
from analysis.errors import AnalysisError
from analysis.plots import figures, fonts, style, tables

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(1)>"


def draw(fig: Figure) -> None:
    """Render to PNG and SVG with every warning an error: a missing glyph fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.savefig(io.BytesIO(), format="png", dpi=60)
        fig.savefig(io.BytesIO(), format="svg")


def texts(fig: Figure) -> str:
    """All text drawn in the figure (titles, labels, tick labels, annotations, legends), one string."""
    fig.canvas.draw()  # creates the tick labels
    return "\n".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text") and a.get_visible()))


# ------------------------------------------------------------------------------------------ fonts


def test_use_cjk_font_registers_once_and_sets_rcparams() -> None:
    import matplotlib as mpl
    from matplotlib import font_manager

    assert fonts.use_cjk_font() == "Noto Sans CJK SC"
    path = str(fonts.font_path())
    n = sum(e.fname == path for e in font_manager.fontManager.ttflist)
    assert fonts.use_cjk_font() == "Noto Sans CJK SC"
    assert sum(e.fname == path for e in font_manager.fontManager.ttflist) == n
    assert mpl.rcParams["font.family"][0] == "Noto Sans CJK SC"
    assert mpl.rcParams["font.sans-serif"][0] == "Noto Sans CJK SC"
    found = font_manager.findfont(font_manager.FontProperties(family=mpl.rcParams["font.family"]))
    assert Path(found).name == "NotoSansCJK-Regular.ttc"


def test_font_path_is_the_packaged_file() -> None:
    p = fonts.font_path()
    assert p.name == "NotoSansCJK-Regular.ttc" and p.stat().st_size > 10_000_000


def test_missing_font_file_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(AnalysisError, match="missing"):
        fonts.register_cjk_font(tmp_path / "NotoSansCJK-Regular.ttc")
    monkeypatch.setattr(fonts.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(AnalysisError, match="noto-cjk-sans-otc"):
        fonts.font_path()


def test_missing_glyph_check_can_fail() -> None:
    """The guard used by every test below really turns matplotlib's warning into a failure."""
    fonts.use_cjk_font()
    fig = Figure()
    fig.text(0.5, 0.5, "笑\u0f40")  # TIBETAN LETTER KA: in neither Noto Sans CJK nor DejaVu Sans
    with pytest.raises(UserWarning, match="Glyph"):
        draw(fig)


def test_minus_sign_and_latin_render() -> None:
    fonts.use_cjk_font()
    fig = Figure()
    ax = fig.add_subplot()
    ax.plot([-3, -1, 2], [-2.5, 0, 1.5])
    ax.set_title("Log Ratio −2 到 5G，1+N")
    draw(fig)


def test_drawable_replaces_what_no_font_has() -> None:
    assert fonts.drawable("全面从严治党 5G") == "全面从严治党 5G"
    assert fonts.drawable("党\u0f40建\U0001f9ec") == "党□建□"
    assert fonts.drawable("a\tb\x00c") == "a b c"


# ------------------------------------------------------------------------------------------ colours


def test_company_colours_are_fixed_and_deterministic() -> None:
    assert plots.company_color("中国联通") == "#d62728"
    assert plots.company_color("中国移动") == "#1f77b4"
    assert len(set(plots.company_colors(plots.COMPANY_COLORS).values())) == 5
    other = plots.company_color("中国石油")
    assert other == plots.company_color("中国石油")
    assert other not in plots.COMPANY_COLORS.values()
    assert plots.company_color("") == plots.company_color(None) == plots.NONE_COLOR


# ------------------------------------------------------------------------------------------ charts


@pytest.fixture
def keyness_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "group": ["中国联通"] * 4 + ["中国移动"] * 2,
            "reference": ["(rest)"] * 6,
            "term": ["全面从严治党", "警示教育", "主题教育", "5G", "主题教育", "联通"],
            "count_target": [12, 9, 2, 0, 9, 0],
            "count_reference": [0, 1, 9, 4, 2, 20],
            "g2": [10.0, 6.0, -4.0, -3.0, 5.0, -12.0],
            "log_ratio": [3.5, 2.1, -1.5, -np.inf, 2.0, -4.0],
            "significant": [True, False, True, False, True, True],
            "min_count": [5] * 6,
        }
    )


def test_company_year_chart_counts_and_gap_years() -> None:
    table = pd.DataFrame({2022: [1, 0], 2024: [3, 1]}, index=["中国联通", "中国移动"])
    fig = plots.plot_company_year(table)
    draw(fig)
    text = texts(fig)
    assert "各公司每年的文档数" in text and "中国联通" in text and "中国移动" in text
    assert "2023" in text  # the empty year in the range is shown
    assert "4" in text.split("\n")  # the total above the 2024 bar


def test_lengths_bars_and_histogram() -> None:
    docs = pd.DataFrame(
        {
            "title": [
                "中国联通召开警示教育会 巩固深化党纪学习教育成效 推动企业全面从严治党向纵深发展",
                "短标题",
            ],
            "company": ["中国联通", ""],
            "chars": [5000, 120],
        }
    )
    fig = plots.plot_lengths(docs)
    draw(fig)
    text = texts(fig)
    assert "5,000" in text and "（未识别）" in text and "…" in text  # long title cut, not overlapping
    many = pd.DataFrame(
        {"title": [f"文档{i}" for i in range(60)], "company": ["中国移动"] * 60, "chars": range(60)}
    )
    draw(plots.plot_lengths(many))


def test_top_terms_sorted_with_counts() -> None:
    freq = pd.DataFrame(
        {
            "group": ["中国联通"] * 3 + ["2024"] * 2,
            "term": ["主题教育", "党风廉政建设", "全面从严治党", "警示教育", "1+N"],
            "count": [7, 15, 12, 5, 2],
        }
    )
    fig = plots.plot_top_terms(freq, top_n=2, title="高频词")
    draw(fig)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["全面从严治党", "党风廉政建设"]  # top 2, largest at the top (last tick)
    assert "15" in texts(fig) and "主题教育" not in labels


def test_keyness_diverging_with_counts_and_threshold(keyness_table: pd.DataFrame) -> None:
    fig = plots.plot_keyness(keyness_table, threshold="显著：FDR 校正后 p < 0.05")
    draw(fig)
    text = texts(fig)
    assert "最小频次 ≥ 5" in text and "FDR 校正后 p < 0.05" in text
    assert "12 / 0" in text and "0 / 20" in text
    assert "其余各组" in text
    ax = fig.axes[0]
    widths = [p.get_width() for p in ax.patches]
    assert min(widths) < 0 < max(widths)  # diverging
    assert all(np.isfinite(widths))  # -inf log ratio drawn at the axis limit


def test_keyness_picks_the_strongest_terms_on_each_side() -> None:
    kn = pd.DataFrame(
        {
            "group": ["中国移动"] * 4,
            "reference": ["(rest)"] * 4,
            "term": ["强多用", "弱多用", "弱少用", "强少用"],
            "count_target": [20, 6, 6, 1],
            "count_reference": [1, 5, 7, 30],
            "g2": [12.0, 0.4, -0.3, -9.0],  # signed, as stats.keyness returns it
            "log_ratio": [3.0, 0.2, -0.1, -3.5],
            "significant": [True, False, False, True],
        }
    )
    fig = plots.plot_keyness(kn, top_n=1)
    draw(fig)
    labels = {t.get_text() for t in fig.axes[0].get_yticklabels()}
    assert labels == {"强多用", "强少用"}


def test_similarity_heatmap_annotated() -> None:
    sim = pd.DataFrame(
        [[1.0, 0.52], [0.52, 1.0]], index=["中国联通", "中国移动"], columns=["中国联通", "中国移动"]
    )
    fig = plots.plot_similarity(sim)
    draw(fig)
    assert "0.52" in texts(fig)
    single = plots.plot_similarity(sim.iloc[:1, :1])
    draw(single)
    assert "至少需要两个组" in texts(single)


def test_trend_shows_documents_per_year() -> None:
    tr = pd.DataFrame(
        {
            "year": [2022, 2023, 2024] * 2,
            "term": ["全面从严治党"] * 3 + ["主题教育"] * 3,
            "count": [1, 2, 3, 4, 5, 6],
            "rate_per_10k": [1.5, 2.5, 3.1, 0.4, 5.5, 2.0],
            "n_docs": [1, 1, 7] * 2,
            "n_tokens": [100, 200, 300] * 2,
        }
    )
    fig = plots.plot_trend(tr, thin_docs=3)
    draw(fig)
    text = texts(fig)
    assert "文档数" in text and "7" in text.split("\n") and "文档少于 3 篇" in text
    assert len(fig.axes) == 2


def test_slogan_heatmaps_and_timeline() -> None:
    prof = pd.DataFrame(
        {
            "group": ["中国联通", "中国联通", "中国移动", "(none)"],
            "slogan": ["全面从严治党", "两个维护", "全面从严治党", "四个意识"],
            "count": [12, 3, 2, 1],
        }
    )
    fig = plots.plot_slogan_heatmap(prof, title="提法 × 公司")
    draw(fig)
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks[0] == "全面从严治党"  # sorted by total
    assert "（未识别）" in texts(fig)
    with_docs = plots.plot_slogan_heatmap(prof.assign(group_docs=[4, 4, 1, 2]))
    draw(with_docs)
    assert "中国移动\n1 篇" in [t.get_text() for t in with_docs.axes[0].get_xticklabels()]
    years = prof.assign(group=["2022", "2024", "2024", "(undated)"])
    draw(plots.plot_slogan_heatmap(years, col_label="年份", title="提法 × 年份"))
    timeline = pd.DataFrame(
        {
            "slogan": ["全面从严治党", "两个维护", "全面从严治党"],
            "company": ["中国联通", "中国联通", "中国移动"],
            "first_date": pd.to_datetime(["2022-01-14", "2023-05-18", "2024-02-22"]),
            "last_date": pd.to_datetime(["2024-07-30", "2023-05-18", "2024-02-22"]),
        }
    )
    fig = plots.plot_adoption_timeline(timeline)
    draw(fig)
    text = texts(fig)
    assert "首次使用" in text and "中国移动" in text and "2023" in text


def test_empty_inputs_give_a_message_not_an_error(keyness_table: pd.DataFrame) -> None:
    for fig in (
        plots.plot_company_year(pd.DataFrame()),
        plots.plot_top_terms(pd.DataFrame(columns=["group", "term", "count"])),
        plots.plot_keyness(keyness_table.iloc[:0]),
        plots.plot_trend(pd.DataFrame(columns=["year", "term", "rate_per_10k", "n_docs"])),
        plots.plot_slogan_heatmap(pd.DataFrame(columns=["group", "slogan", "count"])),
        plots.plot_adoption_timeline(pd.DataFrame(columns=["slogan", "company", "first_date"])),
    ):
        draw(fig)
        assert "没有" in texts(fig)


def test_missing_columns_are_a_clear_error() -> None:
    with pytest.raises(AnalysisError, match="missing column"):
        plots.plot_top_terms(pd.DataFrame({"word": ["党"], "n": [1]}))


def test_hostile_labels_draw_as_text() -> None:
    freq = pd.DataFrame(
        {"group": ["中国联通"] * 3, "term": ["$x^2$", "党\u0f40建", HOSTILE], "count": [3, 2, 1]}
    )
    fig = plots.plot_top_terms(freq)
    draw(fig)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert r"\$x^2\$" in labels  # escaped: rendered literally, never as mathtext
    assert "党□建" in labels


def test_long_labels_are_wrapped_and_cut() -> None:
    label = figures._label("学思想、强党性、重实践、建新功" * 4, width=12, max_lines=2)
    lines = label.split("\n")
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(figures._text_width(line) <= 12 for line in lines)


# ------------------------------------------------------------------------------------------ files


def test_save_figure_writes_png_svg_csv(tmp_path: Path) -> None:
    table = pd.DataFrame({"term": ["全面从严治党", "两个维护"], "count": [12, 3]})
    fig = plots.plot_top_terms(table.assign(group="中国联通"))
    written = plots.save_figure(fig, tmp_path / "figs", "top-terms", table=table)
    assert set(written) == {"png", "svg", "csv"}
    with Image.open(written["png"]) as img:
        dpi = img.info["dpi"]
        assert dpi[0] == pytest.approx(200, abs=0.5) and dpi[1] == pytest.approx(200, abs=0.5)
        assert img.size[0] >= 1000
    svg = written["svg"].read_text(encoding="utf-8")
    assert "<svg" in svg
    assert pd.read_csv(written["csv"], encoding="utf-8").equals(table)
    assert written["csv"].read_bytes()[:3] != b"\xef\xbb\xbf"  # plain UTF-8, no BOM
    assert sorted(p.name for p in (tmp_path / "figs").iterdir()) == [
        "figures.json",  # the list the slide deck is built from
        "top-terms.csv",
        "top-terms.png",
        "top-terms.svg",
    ]


def test_save_figure_names_stay_in_the_folder(tmp_path: Path) -> None:
    fig = plots.plot_company_year(pd.DataFrame({2024: [1]}, index=["中国联通"]))
    written = plots.save_figure(fig, tmp_path, "../collocates-全面/从严<治党>")
    for p in written.values():
        assert p.parent == tmp_path
        assert "全面" in p.name
    with pytest.raises(AnalysisError):
        plots.save_figure("not a figure", tmp_path, "x")  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------ tables


def test_table_html_escapes_every_cell_and_header() -> None:
    df = pd.DataFrame({HOSTILE: [HOSTILE, "中国联通"], "count": [1, 2], "ok": [True, False]})
    out = plots.table_html(df, caption=HOSTILE)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "<script>alert" not in out and "<img src=x" not in out
    assert "中国联通" in out and "是" in out


def test_show_kwic_and_message_escape(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(tables, "_display", lambda obj: shown.append(obj.data))
    lines = pd.DataFrame(
        {
            "doc_id": ["a"],
            "company": ["中国联通"],
            "date": pd.to_datetime(["2024-01-30"]),
            "title": [HOSTILE],
            "left": ["<script>alert(1)</script>"],
            "match": ["全面从严治党"],
            "right": ["<img src=x onerror=alert(1)>"],
        }
    )
    plots.show_kwic(lines, caption=HOSTILE)
    plots.show_message(HOSTILE)
    plots.show_heading(HOSTILE)
    for out in shown:
        assert "<script>alert" not in out and "<img src=x" not in out
        assert "&lt;script&gt;" in out or "&lt;img" in out
    assert "2024-01-30" in shown[0] and "全面从严治党" in shown[0]


def test_long_kwic_embeds_the_first_rows_only_and_says_how_many(monkeypatch: pytest.MonkeyPatch) -> None:
    """A KWIC of a frequent slogan on a large corpus has a million lines: only the embedded ones are
    formatted (at 1 GB, formatting every line took 19 s of a notebook), and the caption gives the total."""
    shown: list[str] = []
    monkeypatch.setattr(tables, "_display", lambda obj: shown.append(obj.data))
    monkeypatch.setattr(tables, "_embed_library", lambda: None)
    monkeypatch.setattr(tables, "INTERACTIVE_MAX_ROWS", 40)
    formatted: list[object] = []
    real_cell = tables._cell
    monkeypatch.setattr(tables, "_cell", lambda v, *a, **k: formatted.append(v) or real_cell(v, *a, **k))
    n = 1_000
    lines = pd.DataFrame(
        {
            "company": ["中国联通"] * n,
            "left": [f"L{i}x" for i in range(n)],
            "match": ["全面从严治党"] * n,
            "right": [f"右{i}" for i in range(n)],
        }
    )
    plots.show_kwic(lines, lang="en")
    assert len(formatted) <= 8 * 40  # (4 columns, each formatted here and again for display)
    assert "(first 40 of 1000 rows)" in shown[-1]
    assert "L39x" in shown[-1] and "L40x" not in shown[-1]


# ------------------------------------------------------------------------------ language and style


@pytest.fixture
def restore_style() -> Iterator[None]:
    yield
    style.configure(lang="zh", figure_style="report")


def _texts(fig) -> list[str]:
    fig.draw_without_rendering()
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]


def test_english_figures_keep_terms_and_name_companies(restore_style: None) -> None:
    table = pd.DataFrame({2022: [2, 1], 2023: [1, 0]}, index=["中国联通", "某某公司"])
    zh = _texts(plots.plot_company_year(table))
    en = _texts(plots.plot_company_year(table, lang="en"))
    assert "年份" in zh and "Year" in en and "年份" not in en
    assert "China Unicom (中国联通)" in en  # English name from companies.csv, the name as written kept
    assert "某某公司" in en  # no English name known: as written
    assert "中国联通" in zh and not any("China" in t for t in zh)
    freq = pd.DataFrame({"group": ["(none)"] * 2, "term": ["全面从严治党", "主题教育"], "count": [3, 2]})
    texts = _texts(plots.plot_top_terms(freq, lang="en"))
    assert "全面从严治党" in texts and "Top terms" in texts


def test_configure_sets_the_default_language(restore_style: None) -> None:
    style.configure(lang="en")
    assert style.msg("year") == "Year" and plots.display_label("") == "(unattributed)"
    with pytest.raises(AnalysisError, match="lang"):
        style.configure(lang="fr")
    with pytest.raises(AnalysisError, match="figure_style"):
        style.configure(figure_style="poster")


def test_figure_styles_set_canvas_fonts_and_dpi(tmp_path: Path, restore_style: None) -> None:
    table = pd.DataFrame({2022: [2], 2023: [1]}, index=["中国联通"])
    report_fig = plots.plot_company_year(table)
    style.configure(figure_style="slide")
    slide_fig = plots.plot_company_year(table)
    assert tuple(slide_fig.get_size_inches()) == pytest.approx((13.333, 7.5))
    assert slide_fig._suptitle.get_fontsize() > report_fig._suptitle.get_fontsize()
    style.configure(figure_style="paper")
    paper_fig = plots.plot_company_year(table)
    assert paper_fig.get_size_inches()[0] <= 6.5
    assert paper_fig._suptitle.get_fontsize() < report_fig._suptitle.get_fontsize()
    written = plots.save_figure(paper_fig, tmp_path, "paper")
    with Image.open(written["png"]) as img:
        assert img.info["dpi"][0] == pytest.approx(300, abs=0.5)
    entries = json.loads((tmp_path / "figures.json").read_text(encoding="utf-8"))
    assert entries == [{"name": "paper", "title": "各公司每年的文档数", "png": "paper.png", "svg": "paper.svg"}]


def test_long_tables_are_interactive_and_escaped(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(tables, "_display", lambda obj: shown.append(obj.data))
    long = pd.DataFrame({"term": [HOSTILE] * 40, "count": range(40)})
    plots.show_table(long, caption=HOSTILE, name="t")
    plots.show_table(long.head(5), caption="short")
    interactive, static = shown
    assert "itables" in interactive and "csvHtml5" in interactive and '"pageLength": 15' in interactive
    assert HOSTILE not in interactive and "&lt;script&gt;alert(1)" in interactive
    assert "itables" not in static and "<table" in static


def test_a_kwic_of_the_first_lines_is_shown_with_the_count_of_all(monkeypatch: pytest.MonkeyPatch) -> None:
    """``kwic(..., max_rows=N)`` returns the first N lines and counts all of them in ``attrs``: the table
    says how many there are; a frame cut from it is counted as it is."""
    import pyarrow as pa

    from analysis.stats.kwic import kwic

    shown: list[str] = []
    monkeypatch.setattr(tables, "_display", lambda obj: shown.append(obj.data))
    monkeypatch.setattr(tables, "_embed_library", lambda: None)
    corpus = pd.DataFrame(
        {
            "doc_id": [f"d{i:02d}" for i in range(30)],
            "company": ["中国联通", "中国移动"] * 15,
            "text": pd.array(["坚持全面从严治党，全面从严治党。"] * 30, dtype=pd.ArrowDtype(pa.large_string())),
        }
    )
    lines = kwic(corpus, "全面从严治党", max_rows=10)
    assert len(lines) == 10 and (lines.attrs["lines"], lines.attrs["documents"]) == (60, 30)
    plots.show_kwic(lines, max_rows=4, interactive=False, lang="en")
    assert "(first 4 of 60 lines)" in shown[-1]
    plots.show_kwic(lines, lang="en")
    assert "(first 10 of 60 lines)" in shown[-1]
    plots.show_kwic(lines, interactive=True, lang="en")
    assert "(first 10 of 60 rows)" in shown[-1]
    plots.show_kwic(lines[lines["company"] == "中国联通"], max_rows=4, interactive=False, lang="en")
    assert "(first 4 of 6 lines)" in shown[-1]  # (d00, d02 and d04 of the first ten lines)
