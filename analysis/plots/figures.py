"""Charts and tables for the reports: DataFrame in, matplotlib Figure (or escaped HTML) out.

Every plot function only draws: the statistics come from ``analysis.stats``; sorting, top-n selection
and pivoting for display are the only data work done here. Figures are built with
``matplotlib.figure.Figure`` (no pyplot state), in Chinese, with the CJK font from ``analysis.fonts``,
constrained layout, wrapped or rotated long labels, and one fixed colour per company in every report.

Labels are untrusted text (titles and slogans come from scraped documents): characters no font can
draw become a box and ``$`` is escaped so matplotlib never reads a label as mathtext. Tables are shown
as HTML with every cell escaped (``show_table``, ``show_kwic``, ``show_message``).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis import _io
from analysis.errors import AnalysisError
from analysis.plots.fonts import drawable, use_cjk_font
from analysis.plots.style import current_style, legend_label, msg, resolve_lang

__all__ = [
    "COMPANY_COLORS",
    "MANIFEST",
    "NEUTRAL_COLOR",
    "NONE_COLOR",
    "PNG_DPI",
    "company_color",
    "company_colors",
    "display_label",
    "family_words",
    "figure_title",
    "keyness_family_text",
    "plot_adoption_timeline",
    "plot_company_year",
    "plot_heatmap",
    "plot_keyness",
    "plot_lengths",
    "plot_similarity",
    "plot_slogan_heatmap",
    "plot_top_terms",
    "plot_trend",
    "safe_name",
    "save_figure",
    "show_figure",
]

#: Resolution of every saved PNG.
PNG_DPI = 200
#: One colour per company, the same in every report and figure.
COMPANY_COLORS: Mapping[str, str] = MappingProxyType(
    {
        "中国联通": "#d62728",  # red
        "中国移动": "#1f77b4",  # blue
        "中国电信": "#2ca02c",  # green
        "中国铁塔": "#9467bd",  # purple
        "中国广电": "#ff7f0e",  # orange
    }
)
#: Colour of documents without a company, and of groups that are not companies (years, ...).
NONE_COLOR = "#8c8c8c"
NEUTRAL_COLOR = "#4c72b0"
# The statistics' default for thin groups (analysis.stats.columns.THIN_DOCS), when a table does not say.
THIN_DOCS_DEFAULT = 3
#: Bars of a group with too few documents.
THIN_COLOR = "#bdbdbd"
# Other companies get one of these, chosen from a hash of the name (stable across runs and machines).
_FALLBACK_PALETTE = (
    "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#393b79", "#637939",
    "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354",
)  # fmt: skip
# Line colours for terms in trend charts (not companies).
_TERM_PALETTE = (
    "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666",
    "#1f78b4", "#b2df8a",
)  # fmt: skip
_DISPLAY_KEYS = MappingProxyType(
    {"": "none", "(none)": "none", "(undated)": "undated", "(rest)": "rest", "(all)": "all"}
)




def _value_name(value: str, lang: str | None = None) -> str:
    """Reader's name of a value column ("rate_per_10k" -> "每万词出现次数" / "Per 10,000 tokens")."""
    try:
        return msg(f"value_{value}", lang)
    except KeyError:
        return value


# --------------------------------------------------------------------------------------------------
# labels and colours


def display_label(value: Any, lang: str | None = None) -> str:
    """Human label for a group value: '' / NaN / "(none)" become "（未识别）" / "(unattributed)", etc."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return msg("none", lang)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = str(value)
    return msg(_DISPLAY_KEYS[s], lang) if s in _DISPLAY_KEYS else s


def _text_width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _wrap(s: str, width: int, max_lines: int) -> str:
    """Wrap ``s`` to lines of at most ``width`` columns (CJK characters count two); add '…' if cut."""
    lines: list[str] = []
    for para in s.split("\n"):
        line, w = "", 0
        for ch in para:
            cw = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
            if w + cw > width and line:
                cut = line.rfind(" ")
                if cut > len(line) // 2:  # Latin text: break between words, not inside one
                    lines.append(line[:cut])
                    line = line[cut + 1 :]
                    w = _text_width(line)
                else:
                    lines.append(line)
                    line, w = "", 0
            line += ch
            w += cw
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:-1] + "…" if lines[-1] else "…"
    return "\n".join(lines)


def _label(value: Any, width: int = 24, max_lines: int = 2, lang: str | None = None) -> str:
    """A safe, wrapped label: drawable characters only, ``$`` escaped against mathtext."""
    s = drawable(display_label(value, lang)).strip()
    return _wrap(s, width, max_lines).replace("$", r"\$")


def company_color(company: Any) -> str:
    """Colour of one company: fixed for the five telecom SOEs, a stable hashed colour for any other."""
    name = "" if company is None or (not isinstance(company, str) and pd.isna(company)) else str(company)
    if name in COMPANY_COLORS:
        return COMPANY_COLORS[name]
    if name in ("", "(none)"):
        return NONE_COLOR
    digest = hashlib.sha1(name.encode("utf-8")).digest()
    return _FALLBACK_PALETTE[int.from_bytes(digest[:4], "big") % len(_FALLBACK_PALETTE)]


def company_colors(companies: Iterable[Any]) -> dict[str, str]:
    """``{company: colour}`` for the given names (see ``company_color``)."""
    return {str(c): company_color(c) for c in companies}


def _group_color(group: Any) -> str:
    """Company colour when the group is a company name, a neutral colour for years and the like."""
    name = str(group)
    if name in COMPANY_COLORS or name in ("", "(none)"):
        return company_color(name)
    if re.fullmatch(r"\d{4}|\(undated\)|\(all\)", name):
        return NEUTRAL_COLOR
    if "|" in name:  # company|year labels from DTM.group(["company", "year"])
        return company_color(name.split("|", 1)[0])
    return company_color(name)


def _require(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise AnalysisError(f"{what}: expected a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise AnalysisError(
            f"{what}: missing column(s) {', '.join(missing)} (has: {', '.join(map(str, df.columns))})"
        )


def _figure(width: float, height: float) -> Figure:
    """A new figure sized for the current figure style (see ``analysis.plots.style``)."""
    use_cjk_font()
    style = current_style()
    if style.canvas is not None:
        return Figure(figsize=style.canvas, layout="constrained")
    width, height = width * style.scale, height * style.scale
    if style.max_width is not None and width > style.max_width:
        height *= max(style.max_width / width, 0.6)
        width = style.max_width
    return Figure(figsize=(width, min(max(height, 2.5 * style.scale), 40.0)), layout="constrained")


def _empty_figure(title: str, message: str | None = None, lang: str | None = None) -> Figure:
    message = message or msg("no_data", lang)
    fig = _figure(7, 2.5)
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.text(
        0.5, 0.5, _label(message, 60, 3), ha="center", va="center", fontsize=current_style().label + 2, color="#555555"
    )
    fig.suptitle(_label(title, 80, 2), fontsize=current_style().title)
    return fig


def _fmt_number(v: Any, decimals: int = 2) -> str:
    if v is None or pd.isna(v):
        return ""
    f = float(v)
    if f.is_integer() and abs(f) < 1e15:
        return f"{int(f):,}"
    return f"{f:,.{decimals}f}"


def _titles(fig: Figure, title: str, subtitle: str | None = None) -> None:
    text = _label(title, 90, 2)
    if subtitle:
        text += "\n" + _label(subtitle, 130, 3)
        fig.suptitle(text, fontsize=current_style().title - 1)
    else:
        fig.suptitle(text, fontsize=current_style().title)


def _grid(n: int, max_cols: int) -> tuple[int, int]:
    ncols = max(1, min(max_cols, n))
    return math.ceil(n / ncols), ncols


# --------------------------------------------------------------------------------------------------
# charts


def plot_company_year(table: pd.DataFrame, *, title: str | None = None, lang: str | None = None) -> Figure:
    """Stacked bars of documents per year, one segment per company, with counts.

    ``table``: company × year counts (index = company, columns = years as int, values = documents),
    e.g. ``pd.crosstab(corpus.company, corpus.year)``. Years missing inside the range show as empty.
    """
    if not isinstance(table, pd.DataFrame):
        raise AnalysisError("plot_company_year: expected a company × year DataFrame")
    lang = resolve_lang(lang)
    title = title or msg("title_company_year", lang)
    data = table.fillna(0)
    years = [y for y in data.columns if not pd.isna(y) and str(y).lstrip("-").isdigit()]
    if data.empty or not years or float(data[years].to_numpy().sum()) == 0:
        return _empty_figure(title, msg("no_dated", lang))
    data = data[years]
    data.columns = [int(y) for y in years]
    full = list(range(min(data.columns), max(data.columns) + 1))
    if len(full) <= 60:
        data = data.reindex(columns=full, fill_value=0)
    data = data.loc[data.sum(axis=1).sort_values(ascending=False).index]
    x = np.arange(len(data.columns))
    fig = _figure(max(6.0, 0.55 * len(x) + 3), 4.8)
    ax = fig.add_subplot()
    bottom = np.zeros(len(x))
    totals = data.sum(axis=0).to_numpy(dtype=float)
    for company, row in data.iterrows():
        vals = row.to_numpy(dtype=float)
        bars = ax.bar(
            x, vals, bottom=bottom, color=company_color(company), label=_label(legend_label(company, lang), 30, 1),
            width=0.7,
        )
        # counts inside segments that are tall enough to hold a number
        labels = [_fmt_number(v) if v > 0 and v >= 0.08 * max(totals.max(), 1) else "" for v in vals]
        ax.bar_label(bars, labels=labels, label_type="center", fontsize=current_style().annot, color="white")
        bottom += vals
    for xi, tot in zip(x, totals, strict=True):
        ax.annotate(_fmt_number(tot), (xi, tot), xytext=(0, 2), textcoords="offset points",
                    ha="center", va="bottom", fontsize=current_style().annot + 1)  # fmt: skip
    ax.set_xticks(x, [str(y) for y in data.columns], rotation=45 if len(x) > 12 else 0)
    ax.set_xlabel(msg("year", lang), fontsize=current_style().label)
    ax.set_ylabel(msg("documents", lang), fontsize=current_style().label)
    ax.set_ylim(0, max(totals.max(), 1) * 1.15)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)
    fig.legend(loc="outside right upper", title=msg("company", lang), fontsize=current_style().annot + 1,
               frameon=False)  # fmt: skip
    _titles(fig, title)
    return fig


def plot_lengths(
    docs: pd.DataFrame,
    *,
    value: str = "chars",
    label: str = "title",
    company: str = "company",
    title: str | None = None,
    value_label: str | None = None,
    max_bars: int = 40,
    lang: str | None = None,
) -> Figure:
    """Document lengths: one sorted horizontal bar per document (few documents) or a histogram per company.

    ``docs``: one row per document with columns ``value`` (a length), ``label`` and ``company``.
    """
    _require(docs, [value], "plot_lengths")
    lang = resolve_lang(lang)
    title = title or msg("title_lengths", lang)
    value_label = value_label or msg("chars", lang)
    data = docs.copy()
    if company not in data.columns:
        data[company] = ""
    if label not in data.columns:
        data[label] = [msg("doc_n", lang, n=i + 1) for i in range(len(data))]
    data = data[pd.to_numeric(data[value], errors="coerce").notna()]
    if data.empty:
        return _empty_figure(title, lang=lang)
    data[value] = data[value].astype(float)
    companies = list(dict.fromkeys(data[company].fillna("").astype(str)))
    if len(data) <= max_bars:
        data = data.sort_values(value, ascending=True, kind="stable")
        fig = _figure(9.5, 0.32 * len(data) + 1.6)
        ax = fig.add_subplot()
        y = np.arange(len(data))
        bars = ax.barh(y, data[value], color=[company_color(c) for c in data[company].fillna("")], height=0.7)
        ax.bar_label(bars, labels=[_fmt_number(v) for v in data[value]], padding=3, fontsize=current_style().annot)
        ax.set_yticks(y, [_label(t, 36, 1) for t in data[label]], fontsize=current_style().annot + 1)
        ax.set_xlim(0, data[value].max() * 1.15)
        ax.set_xlabel(value_label, fontsize=current_style().label)
    else:
        fig = _figure(8, 4.5)
        ax = fig.add_subplot()
        bins = np.histogram_bin_edges(data[value], bins=min(40, max(10, int(math.sqrt(len(data))))))
        series = [data.loc[data[company].fillna("").astype(str) == c, value] for c in companies]
        ax.hist(series, bins=bins, stacked=True, color=[company_color(c) for c in companies],
                label=[_label(legend_label(c, lang), 30, 1) for c in companies])  # fmt: skip
        ax.set_xlabel(value_label, fontsize=current_style().label)
        ax.set_ylabel(msg("documents", lang), fontsize=current_style().label)
    handles = [_patch(company_color(c), _label(legend_label(c, lang), 30, 1)) for c in companies]
    fig.legend(
        handles=handles, loc="outside right upper", title=msg("company", lang),
        fontsize=current_style().annot + 1, frameon=False,
    )
    ax.spines[["top", "right"]].set_visible(False)
    _titles(fig, title, msg("n_docs_total", lang, n=len(data)))
    return fig


def _patch(color: str, label: str) -> Any:
    from matplotlib.patches import Patch

    return Patch(facecolor=color, label=label)


def plot_top_terms(
    table: pd.DataFrame,
    *,
    value: str = "count",
    group: str = "group",
    term: str = "term",
    top_n: int = 15,
    max_groups: int = 9,
    title: str | None = None,
    value_label: str | None = None,
    subtitle: str | None = None,
    color: str | None = None,
    lang: str | None = None,
) -> Figure:
    """Sorted horizontal bars of the top terms, one panel per group, values written on the bars.

    ``table``: tidy rows ``[group, term, value]`` such as ``frequency(...)`` or ``tfidf_profile(...)``.
    Panels follow the order groups first appear in; at most ``max_groups`` panels are drawn. Bars take
    the company colour of their group unless ``color`` is given; a single panel gets no panel title.
    """
    _require(table, [term, value], "plot_top_terms")
    lang = resolve_lang(lang)
    title = title or msg("title_top_terms", lang)
    data = table.copy()
    if group not in data.columns:
        data[group] = ""
    data = data[pd.to_numeric(data[value], errors="coerce").notna()]
    if data.empty:
        return _empty_figure(title, lang=lang)
    groups = list(dict.fromkeys(data[group].astype(str)))
    shown = groups[:max_groups]
    top_n = max(1, int(top_n))
    rows, cols = _grid(len(shown), 3)
    fig = _figure(4.6 * cols + 0.6, rows * (0.26 * top_n + 1.0) + 0.8)
    is_int = pd.api.types.is_integer_dtype(data[value]) or bool((data[value] % 1 == 0).all())
    any_thin = False
    for i, g in enumerate(shown):
        ax = fig.add_subplot(rows, cols, i + 1)
        part = (
            data[data[group].astype(str) == g].sort_values(value, ascending=False, kind="stable").head(top_n)
        )
        part = part.iloc[::-1]
        y = np.arange(len(part)) + (top_n - len(part))  # align every panel's first bar at the top
        bar_color = color or _group_color(g)
        thin_panel = "thin_group" in part.columns and bool(part["thin_group"].fillna(False).astype(bool).any())
        if thin_panel:  # too few documents: grey, so the panel is not read as a company habit
            bar_color = THIN_COLOR
            any_thin = True
        bars = ax.barh(y, part[value].astype(float), color=bar_color, height=0.7)
        labels = [_fmt_number(v, 0 if is_int else 3) for v in part[value]]
        ax.bar_label(bars, labels=labels, padding=2, fontsize=current_style().annot)
        ax.set_yticks(y, [_label(t, 18, 1) for t in part[term]], fontsize=current_style().annot + 1)
        ax.set_ylim(-0.6, top_n - 0.4)
        vmax = max(float(part[value].max()), 0.0) if len(part) else 1.0
        vmin = min(float(part[value].min()), 0.0) if len(part) else 0.0
        ax.set_xlim(vmin * 1.22, vmax * 1.22 if vmax > 0 else 1)
        if len(shown) > 1:
            ax.set_title(_label(g, 30, 1, lang), fontsize=current_style().label + 1, color=bar_color)
        ax.tick_params(axis="x", labelsize=current_style().annot)
        ax.spines[["top", "right"]].set_visible(False)
        if value_label:
            ax.set_xlabel(_label(value_label, 40, 1), fontsize=current_style().annot + 1)
    note = subtitle or ""
    if any_thin:
        thin_note = msg("thin_panels", lang, n=table.attrs.get("thin_docs", THIN_DOCS_DEFAULT))
        note = (note + msg("sep", lang) if note else "") + thin_note
    if len(groups) > len(shown):
        more = msg("shown_groups", lang, shown=len(shown), total=len(groups))
        note = (note + msg("sep", lang) if note else "") + more
    _titles(fig, title, note or None)
    return fig


def keyness_family_text(table: pd.DataFrame, lang: str | None = None) -> str | None:
    """Which p-values were corrected together, read from a keyness table's ``correction``, ``family`` and
    ``family_size`` columns ("Benjamini-Hochberg over the whole table: one family of 470 tests"); None
    when the table does not say."""
    if not isinstance(table, pd.DataFrame) or "family" not in table.columns or table.empty:
        return None
    family = str(table["family"].dropna().iloc[0]) if table["family"].notna().any() else ""
    method = str(table["correction"].dropna().iloc[0]) if "correction" in table.columns and table["correction"].notna().any() else ""
    sizes = (
        pd.to_numeric(table["family_size"], errors="coerce").dropna().astype(int)
        if "family_size" in table.columns else pd.Series(dtype=int)
    )  # fmt: skip
    return family_words(method, family, sizes.tolist(), lang)


def family_words(method: str | None, family: str | None, sizes: Sequence[int] = (), lang: str | None = None) -> str | None:
    """Words for a correction method ("fdr", "fdr_bh", "bonferroni", None / "none") over a family
    ("table" / "block") of ``sizes`` tests each."""
    key = (method or "none").lower()
    if key in ("none", ""):
        return msg("family_none", lang)
    name = {"fdr": "Benjamini-Hochberg (FDR)", "fdr_bh": "Benjamini-Hochberg (FDR)", "bonferroni": "Bonferroni"}.get(key, key)
    if not family:
        return name
    uniq = sorted(set(int(n) for n in sizes))
    n = "" if not uniq else (f"{uniq[0]:,}" if len(uniq) == 1 else f"{uniq[0]:,}–{uniq[-1]:,}")
    if family == "table":
        return msg("family_table", lang, method=name, n=n or "?")
    if family == "block":
        return msg("family_block", lang, method=name, n=n or "?")
    return f"{name}: {family}"


def plot_keyness(
    table: pd.DataFrame,
    *,
    top_n: int = 12,
    max_groups: int = 6,
    measure: str = "log_ratio",
    title: str | None = None,
    threshold: str | None = None,
    lang: str | None = None,
) -> Figure:
    """Diverging bars per target group: terms over-used (right) and under-used (left) against the reference.

    ``table``: rows of ``keyness(...)`` (columns group, reference, term, count_target, count_reference,
    g2, log_ratio, significant, min_count, log_ratio_estimable, correction, family, family_size). Per side
    the ``top_n`` terms with the largest G² are shown; bar length is ``measure`` (Log Ratio by default),
    the label gives "target count / reference count", pale hatched bars are not significant. A Log Ratio
    that is not estimable (a zero count, ``log_ratio_estimable`` False) gives the direction only: it is
    drawn as a triangle at the edge of the axis, not as a bar, and does not set the axis span.
    ``threshold`` (e.g. "FDR 校正后 p < 0.05") goes in the subtitle next to the minimum count, and the
    correction method and family read from the table.
    """
    _require(table, ["group", "term", "count_target", "count_reference", "g2", measure], "plot_keyness")
    lang = resolve_lang(lang)
    title = title or msg("title_keyness", lang)
    if table.empty:
        return _empty_figure(title, msg("no_min_count", lang))
    data = table.copy()
    data[measure] = pd.to_numeric(data[measure], errors="coerce").astype(float)
    if measure == "log_ratio" and "log_ratio_estimable" in data.columns:
        data["_estimable"] = data["log_ratio_estimable"].fillna(True).astype(bool)
    else:
        data["_estimable"] = True
    data["_estimable"] &= np.isfinite(data[measure])
    finite = data.loc[data["_estimable"], measure]
    cap = float(finite.abs().max()) if len(finite) else 1.0
    # direction of a non-estimable row: the sign of its value, or of G² (observed against expected)
    direction = np.sign(data[measure].fillna(0.0)).where(lambda d: d != 0, np.sign(data["g2"].astype(float)))
    data[measure] = data[measure].clip(-cap, cap).fillna(0.0)
    data["_direction"] = direction.fillna(0.0)
    if "significant" not in data.columns:
        data["significant"] = True
    groups = list(dict.fromkeys(data["group"].astype(str)))
    shown = groups[:max_groups]
    rows, cols = _grid(len(shown), 2)
    fig = _figure(6.6 * cols, rows * (0.3 * 2 * top_n + 1.3) + 1.0)
    any_edge = False
    for i, g in enumerate(shown):
        ax = fig.add_subplot(rows, cols, i + 1)
        part = data[data["group"].astype(str) == g]
        # strongest evidence first on each side (g2 may be signed, so rank by its size)
        part = part.assign(_strength=part["g2"].abs())
        over = part[part["_direction"] > 0].sort_values("_strength", ascending=False, kind="stable").head(top_n)
        under = part[part["_direction"] < 0].sort_values("_strength", ascending=False, kind="stable").head(top_n)
        sel = pd.concat([over, under])
        if sel.empty:
            ax.set_axis_off()
            ax.text(0.5, 0.5, msg("no_terms", lang), ha="center", va="center", fontsize=current_style().label)
            ax.set_title(_label(g, 30, 1, lang), fontsize=current_style().label + 1)
            continue
        est = sel["_estimable"].to_numpy(dtype=bool)
        span = max(float(sel.loc[est, measure].abs().max()) if est.any() else 0.0, 0.5)
        edge = span * 1.3
        # non-estimable rows sort at the edge of their side
        sel = sel.assign(_pos=np.where(est, sel[measure], sel["_direction"] * edge)).sort_values("_pos", kind="stable")
        est = sel["_estimable"].to_numpy(dtype=bool)
        y = np.arange(len(sel))
        sig = sel["significant"].fillna(False).astype(bool).to_numpy()
        color = _group_color(g)
        colors = [color if v > 0 else "#7f7f7f" for v in sel["_direction"]]
        bar_values = np.where(est, sel[measure].to_numpy(dtype=float), 0.0)
        bars = ax.barh(y, bar_values, color=colors, height=0.7)
        for bar, s, e in zip(bars, sig, est, strict=True):
            if not e:
                bar.set_visible(False)
            elif not s:
                bar.set_alpha(0.35)
                bar.set_hatch("///")
        labels = [
            f"{int(a)} / {int(b)}" for a, b in zip(sel["count_target"], sel["count_reference"], strict=True)
        ]
        ax.bar_label(bars, labels=[lab if e else "" for lab, e in zip(labels, est, strict=True)], padding=3,
                     fontsize=current_style().annot - 0.5)  # fmt: skip
        for yi, e, d, s, lab, c in zip(y, est, sel["_direction"], sig, labels, colors, strict=True):
            if e:
                continue
            any_edge = True
            ax.scatter([d * edge], [yi], marker=">" if d > 0 else "<", s=60, color=c, alpha=1.0 if s else 0.4,
                       zorder=3, clip_on=False)  # fmt: skip
            ax.annotate(lab, (d * edge, yi), xytext=(-6 if d > 0 else 6, 0), textcoords="offset points",
                        ha="right" if d > 0 else "left", va="center", fontsize=current_style().annot - 0.5)  # fmt: skip
        ax.set_yticks(y, [_label(t, 18, 1) for t in sel["term"]], fontsize=current_style().annot + 1)
        ax.set_xlim(-span * 1.45, span * 1.45)
        ax.axvline(0, color="black", linewidth=0.8)
        ref = display_label(part["reference"].iloc[0], lang) if "reference" in part.columns else msg("the_rest", lang)
        versus = msg("versus", lang, group=display_label(g, lang), ref=ref)
        ax.set_title(_label(versus, 44, 2, lang), fontsize=current_style().label + 1)
        ax.set_xlabel(msg("log_ratio_axis", lang) if measure == "log_ratio"
                      else _label(measure, 40, 1), fontsize=current_style().annot + 1)  # fmt: skip
        ax.tick_params(axis="x", labelsize=current_style().annot)
        ax.spines[["top", "right"]].set_visible(False)
    parts = []
    if "min_count" in data.columns and data["min_count"].notna().any():
        parts.append(msg("min_count", lang, n=_fmt_number(data["min_count"].dropna().iloc[0])))
    if threshold:
        parts.append(threshold)
    family = keyness_family_text(table, lang)
    if family and (not threshold or family not in threshold):
        parts.append(family)
    parts.append(msg("keyness_note", lang))
    if any_edge:
        parts.append(msg("not_estimable", lang))
    if len(groups) > len(shown):
        parts.append(msg("shown_groups", lang, shown=len(shown), total=len(groups)))
    _titles(fig, title, msg("sep", lang).join(parts))
    return fig


def plot_heatmap(
    matrix: pd.DataFrame,
    *,
    title: str,
    xlabel: str = "",
    ylabel: str = "",
    cmap: str = "YlOrRd",
    fmt_decimals: int = 0,
    vmin: float | None = None,
    vmax: float | None = None,
    colorbar_label: str = "",
    subtitle: str | None = None,
    grey_columns: Sequence[bool] | None = None,
    lang: str | None = None,
) -> Figure:
    """Annotated heatmap of a numeric matrix (rows × columns as given; labels are wrapped or rotated).

    ``grey_columns`` (one flag per column): columns drawn in grey with their numbers, left out of the
    colour scale (thin groups: a group of one short document never sets the scale alone).
    """
    if not isinstance(matrix, pd.DataFrame):
        raise AnalysisError("plot_heatmap: expected a DataFrame")
    lang = resolve_lang(lang)
    if matrix.empty:
        return _empty_figure(title, lang=lang)
    values = matrix.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    n_rows, n_cols = values.shape
    col_labels = [_label(c, 14, 2, lang) for c in matrix.columns]
    row_labels = [_label(r, 28, 1, lang) for r in matrix.index]
    widest = max((_text_width(line) for c in col_labels for line in c.split("\n")), default=0)
    rotate = n_cols > 6 or widest > 12 or (n_cols > 3 and widest > 8)
    fig = _figure(max(5.5, 0.75 * n_cols + 3.8), max(3.0, 0.38 * n_rows + 2.2))
    ax = fig.add_subplot()
    grey = np.zeros(n_cols, dtype=bool)
    if grey_columns is not None:
        grey = np.asarray(list(grey_columns), dtype=bool)
        if grey.shape != (n_cols,):
            raise AnalysisError(f"plot_heatmap: grey_columns needs {n_cols} flags, got {grey.size}")
    scaled = values[:, ~grey] if (~grey).any() else values
    finite = scaled[np.isfinite(scaled)]
    lo = vmin if vmin is not None else (float(finite.min()) if finite.size else 0.0)
    hi = vmax if vmax is not None else (float(finite.max()) if finite.size else 1.0)
    if hi <= lo:
        hi = lo + 1.0
    shown = np.where(grey[None, :], np.nan, values)
    im = ax.imshow(np.ma.masked_invalid(shown), cmap=cmap, vmin=lo, vmax=hi, aspect="auto")
    if grey.any():
        from matplotlib.colors import ListedColormap

        greys = np.where(grey[None, :] & np.isfinite(values), 1.0, np.nan)
        ax.imshow(np.ma.masked_invalid(greys), cmap=ListedColormap(["#e3e3e3"]), vmin=0, vmax=1, aspect="auto")
    if n_rows * n_cols <= 900:
        for (r, c), v in np.ndenumerate(values):
            if not np.isfinite(v):
                continue
            dark = not grey[c] and (v - lo) / (hi - lo) > 0.6
            ax.text(c, r, _fmt_number(v, fmt_decimals), ha="center", va="center",
                    fontsize=current_style().annot, color="white" if dark else ("#555555" if grey[c] else "black"))  # fmt: skip
    ax.set_xticks(np.arange(n_cols), col_labels, rotation=45 if rotate else 0,
                  ha="right" if rotate else "center", rotation_mode="anchor", fontsize=current_style().annot + 1)  # fmt: skip
    ax.set_yticks(np.arange(n_rows), row_labels, fontsize=current_style().annot + 1)
    ax.set_xlabel(_label(xlabel, 40, 1), fontsize=current_style().label)
    ax.set_ylabel(_label(ylabel, 40, 1), fontsize=current_style().label)
    cbar = fig.colorbar(im, ax=ax, shrink=0.8)
    if colorbar_label:
        cbar.set_label(_label(colorbar_label, 30, 1), fontsize=current_style().annot + 1)
    cbar.ax.tick_params(labelsize=current_style().annot)
    _titles(fig, title, subtitle)
    return fig


def plot_similarity(sim: pd.DataFrame, *, title: str | None = None, lang: str | None = None) -> Figure:
    """Annotated heatmap of a square similarity matrix (index = columns = group labels), 0..1 scale."""
    if not isinstance(sim, pd.DataFrame):
        raise AnalysisError("plot_similarity: expected a square DataFrame")
    lang = resolve_lang(lang)
    title = title or msg("title_similarity", lang)
    if len(sim) < 2:
        return _empty_figure(title, msg("two_groups", lang))
    return plot_heatmap(
        sim, title=title, cmap="Blues", fmt_decimals=2, vmin=0.0, vmax=1.0, colorbar_label=msg("cosine", lang),
        lang=lang,
    )


def plot_slogan_heatmap(
    profile: pd.DataFrame,
    *,
    row: str = "slogan",
    col: str = "group",
    value: str = "count",
    top_n: int = 25,
    title: str | None = None,
    col_label: str | None = None,
    lang: str | None = None,
) -> Figure:
    """Slogans × groups heatmap from a tidy profile (one row per slogan and group).

    Rows are the ``top_n`` slogans with the largest total ``value``, sorted by that total.
    """
    _require(profile, [row, col, value], "plot_slogan_heatmap")
    lang = resolve_lang(lang)
    col_label = col_label or msg("company", lang)
    title = title or msg("title_slogans", lang, col=col_label, value=_value_name(value, lang))
    if profile.empty:
        return _empty_figure(title, msg("no_slogans", lang))
    data = profile.copy()
    data[value] = pd.to_numeric(data[value], errors="coerce")
    matrix = data.pivot_table(
        index=row, columns=col, values=value, aggfunc="sum", fill_value=0, observed=True
    )
    order = matrix.sum(axis=1).sort_values(ascending=False, kind="stable").index[:top_n]
    matrix = matrix.loc[order]
    # group labels in order, the "(none)" / "(undated)" groups last
    matrix = matrix[sorted(matrix.columns, key=lambda c: (str(c) in ("(none)", "(undated)", ""), str(c)))]
    grey = None
    if "thin_group" in data.columns:
        # thin groups (too few documents) are greyed and never set the colour scale alone
        thin = data.groupby(col, observed=True)["thin_group"].agg(lambda v: bool(v.fillna(False).astype(bool).any()))
        grey = [bool(thin.get(c, False)) for c in matrix.columns]
    if "group_docs" in data.columns and col == "group":
        # show how many documents stand behind each column, so thin groups are not over-read
        docs = data.groupby(col, observed=True)["group_docs"].max()
        matrix.columns = [
            f"{display_label(c, lang)}\n{msg('n_docs_short', lang, n=int(docs.get(c, 0)))}" for c in matrix.columns
        ]
    decimals = 0 if bool((matrix.to_numpy() % 1 == 0).all()) else 1
    value_name = _value_name(value, lang)
    note = msg("slogans_note", lang, n=len(matrix), value=value_name)
    if grey is not None and any(grey):
        note += msg("sep", lang) + msg("thin_columns", lang, n=profile.attrs.get("thin_docs", THIN_DOCS_DEFAULT))
    return plot_heatmap(matrix, title=title, xlabel=col_label, ylabel=msg("slogan", lang), cmap="YlOrRd",
                        fmt_decimals=decimals, vmin=0.0, colorbar_label=value_name, subtitle=note,
                        grey_columns=grey, lang=lang)  # fmt: skip


def plot_trend(
    table: pd.DataFrame,
    *,
    value: str = "rate_per_10k",
    title: str | None = None,
    value_label: str | None = None,
    thin_docs: int = 3,
    lang: str | None = None,
) -> Figure:
    """Lines of each term's ``value`` per year above bars of the number of documents per year.

    ``table``: ``trend(...)`` or ``slogan_trend(...)`` rows ``[year, term, count, rate_per_10k,
    group_docs, group_tokens, ...]``. With ``rate_ci_low``/``rate_ci_high`` (and ``value`` the rate) each
    term gets a band of its interval (none where the interval is NaN: one-document years). Years with
    fewer than ``thin_docs`` documents (or flagged ``thin_group``) get hollow markers and pale bars, so
    thin years are not over-read; years holding documents placed by a year hint (``docs_year_hint`` > 0)
    get hatched bars.
    """
    docs_col = "group_docs" if isinstance(table, pd.DataFrame) and "group_docs" in table.columns else "n_docs"
    _require(table, ["year", "term", value, docs_col], "plot_trend")
    lang = resolve_lang(lang)
    title = title or msg("title_trend", lang)
    value_label = value_label or _value_name(value, lang)
    data = table.copy()
    data["year"] = pd.to_numeric(data["year"], errors="coerce")
    data = data[data["year"].notna()]
    if data.empty:
        return _empty_figure(title, msg("no_dated", lang))
    data["year"] = data["year"].astype(int)
    years = sorted(data["year"].unique())
    docs = data.groupby("year")[docs_col].max().reindex(years).fillna(0)
    hinted: set[int] = set()
    if "docs_year_hint" in data.columns:
        hint = pd.to_numeric(data["docs_year_hint"], errors="coerce").fillna(0).groupby(data["year"]).max()
        hinted = {int(y) for y, v in hint.items() if v > 0}
    fig = _figure(max(7.0, 0.5 * len(years) + 4.5), 6.2)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1])
    terms = list(dict.fromkeys(data["term"].astype(str)))
    thin = {y for y in years if docs.get(y, 0) < thin_docs}
    if "thin_group" in data.columns:
        thin |= {int(y) for y in data.loc[data["thin_group"].fillna(False).astype(bool), "year"]}
    band = value == "rate_per_10k" and {"rate_ci_low", "rate_ci_high"} <= set(data.columns)
    drew_band = False
    for i, t in enumerate(terms):
        part = data[data["term"].astype(str) == t].sort_values("year")
        color = _TERM_PALETTE[i % len(_TERM_PALETTE)]
        ys = part[value].astype(float).to_numpy()
        xs = part["year"].to_numpy()
        if band:
            lo = pd.to_numeric(part["rate_ci_low"], errors="coerce").to_numpy(dtype=float)
            hi = pd.to_numeric(part["rate_ci_high"], errors="coerce").to_numpy(dtype=float)
            ok = np.isfinite(lo) & np.isfinite(hi)
            if ok.any():
                drew_band = True
                top.fill_between(xs, np.where(ok, lo, np.nan), np.where(ok, hi, np.nan), where=ok, color=color,
                                 alpha=0.15, linewidth=0, interpolate=False)  # fmt: skip
                # a year standing alone between NaN years still shows its interval
                alone = ok & ~np.r_[False, ok[:-1]] & ~np.r_[ok[1:], False]
                top.vlines(xs[alone], lo[alone], hi[alone], color=color, alpha=0.35, linewidth=4)
        top.plot(xs, ys, color=color, linewidth=1.8, label=_label(t, 20, 1))
        filled = np.array([x not in thin for x in xs])
        top.scatter(xs[filled], ys[filled], color=color, s=30, zorder=3)
        top.scatter(
            xs[~filled], ys[~filled], facecolors="white", edgecolors=color, s=30, zorder=3, linewidths=1.5
        )
    top.set_ylabel(_label(value_label, 20, 2), fontsize=current_style().label)
    top.set_ylim(bottom=0)
    top.spines[["top", "right"]].set_visible(False)
    fig.legend(*top.get_legend_handles_labels(), loc="outside right upper", fontsize=current_style().annot + 1,
               frameon=False, title=msg("term", lang))  # fmt: skip
    bars = bottom.bar(years, docs.to_numpy(), color=["#c7c7c7" if y in thin else "#7f7f7f" for y in years])
    for bar, y in zip(bars, years, strict=True):
        if y in hinted:
            bar.set_hatch("///")
            bar.set_edgecolor("#333333")
    bottom.bar_label(bars, labels=[_fmt_number(v) for v in docs], padding=1, fontsize=current_style().annot)
    bottom.set_ylabel(msg("documents", lang), fontsize=current_style().label)
    bottom.set_ylim(0, max(float(docs.max()), 1.0) * 1.35)
    bottom.yaxis.get_major_locator().set_params(integer=True)
    bottom.set_xticks(years, [str(y) for y in years], rotation=45 if len(years) > 12 else 0)
    bottom.set_xlabel(msg("year", lang), fontsize=current_style().label)
    bottom.spines[["top", "right"]].set_visible(False)
    if len(years) == 1:
        bottom.set_xlim(years[0] - 1, years[0] + 1)
    notes = []
    if drew_band:
        notes.append(msg("ci_band", lang))
    if thin:
        notes.append(msg("thin_years", lang, n=thin_docs))
    if hinted:
        notes.append(msg("year_hint_years", lang))
    _titles(fig, title, "\n".join(notes) or None)  # one note a line: the legend sits top right
    return fig


def plot_adoption_timeline(
    table: pd.DataFrame,
    *,
    slogan: str = "slogan",
    company: str = "company",
    first: str = "first_date",
    last: str | None = "last_date",
    top_n: int = 30,
    title: str | None = None,
    lang: str | None = None,
) -> Figure:
    """Dot plot on a date axis: for each slogan, one dot per company at its first use.

    ``table``: one row per slogan and company with the first (and optionally last) date of use.
    A thin line runs from first to last use. The ``top_n`` slogans used by the most companies (then in
    the most documents) are shown, ordered by their earliest first use.
    """
    _require(table, [slogan, company, first], "plot_adoption_timeline")
    lang = resolve_lang(lang)
    title = title or msg("title_timeline", lang)
    data = table.copy()
    data[first] = pd.to_datetime(data[first], errors="coerce")
    data = data[data[first].notna()]
    if data.empty:
        return _empty_figure(title, msg("no_dated_slogans", lang))
    has_last = last is not None and last in data.columns
    if has_last:
        data[last] = pd.to_datetime(data[last], errors="coerce")
    # Show the slogans most worth comparing (used by the most companies, then in the most documents),
    # then order them by their earliest first use.
    weight = next((c for c in ("docs_with_term", "n_docs") if c in data.columns), first)
    stats = data.groupby(slogan).agg(
        n_companies=(company, "nunique"),
        weight=(weight, "count" if weight == first else "sum"),
        start=(first, "min"),
    )
    chosen = stats.sort_values(
        ["n_companies", "weight", "start"], ascending=[False, False, True], kind="stable"
    )
    order = chosen.index[:top_n]
    order = stats.loc[order].sort_values("start", kind="stable").index
    data = data[data[slogan].isin(order)]
    companies = list(dict.fromkeys(data[company].fillna("").astype(str)))
    offsets = {
        c: (i - (len(companies) - 1) / 2) * min(0.6 / max(len(companies), 1), 0.2)
        for i, c in enumerate(companies)
    }
    ypos = {s: i for i, s in enumerate(order)}
    fig = _figure(10, 0.36 * len(order) + 2.2)
    ax = fig.add_subplot()
    for c in companies:
        part = data[data[company].fillna("").astype(str) == c]
        ys = np.array([ypos[s] + offsets[c] for s in part[slogan]])
        color = company_color(c)
        if has_last:
            for y, a, b in zip(ys, part[first], part[last], strict=True):
                if pd.notna(b) and b > a:
                    ax.plot([a, b], [y, y], color=color, linewidth=1.2, alpha=0.5)
        ax.scatter(part[first], ys, color=color, s=36, zorder=3, label=_label(legend_label(c, lang), 30, 1))
    ax.set_yticks(np.arange(len(order)), [_label(s, 24, 1) for s in order], fontsize=current_style().annot + 1)
    ax.set_ylim(len(order) - 0.5, -0.5)
    lo, hi = (
        data[first].min(),
        (data[last].max() if has_last and data[last].notna().any() else data[first].max()),
    )
    hi = max(hi, data[first].max())
    pad = max((hi - lo) * 0.05, pd.Timedelta(days=20))
    ax.set_xlim(lo - pad, hi + pad)
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    ax.tick_params(axis="x", labelsize=current_style().annot + 1)
    ax.grid(axis="x", color="#e0e0e0", linewidth=0.6)
    ax.set_xlabel(msg("date", lang), fontsize=current_style().label)
    ax.spines[["top", "right"]].set_visible(False)
    fig.legend(loc="outside right upper", title=msg("company", lang), fontsize=current_style().annot + 1,
               frameon=False)  # fmt: skip
    _titles(fig, title, msg("timeline_both" if has_last else "timeline_first", lang))
    return fig


# --------------------------------------------------------------------------------------------------
# saving and showing


def safe_name(name: str) -> str:
    """A file-name stem safe on every OS; keeps Chinese characters, drops separators and control chars."""
    s = unicodedata.normalize("NFC", str(name))
    s = re.sub(r"[\\/:*?\"<>|\x00-\x1f\x7f]+", "_", s).strip(" ._")
    return s[:120] or "figure"


@contextlib.contextmanager
def _layout_kept(fig: Figure) -> Iterator[None]:
    """Within the block the figure keeps the positions its last draw gave it (its layout engine is off);
    the engine is restored after.

    Constrained layout measures every text on each save. ``save_figure`` lets the PNG's draw lay the
    figure out and writes the SVG inside this block: positions are figure fractions, so one layout
    serves both formats (and no separate layout pass is drawn before them).
    """
    engine = fig.get_layout_engine()
    if engine is None or not engine.__class__.__name__.startswith(("Constrained", "Tight")):
        yield
        return
    fig.set_layout_engine("none")
    try:
        yield
    finally:
        fig.set_layout_engine(engine)


def figure_title(fig: Figure) -> str:
    """The first line of the figure's title (its suptitle), '' when it has none."""
    sup = getattr(fig, "_suptitle", None)
    text = sup.get_text() if sup is not None else ""
    return text.split("\n", 1)[0].replace(r"\$", "$").strip()


#: File in a figures folder listing its figures in the order they were saved, with their titles.
MANIFEST = "figures.json"


def _record(out: Path, stem: str, title: str, written: Mapping[str, Path]) -> None:
    """Add (or replace) the figure ``stem`` in ``out/figures.json``: slides are built from it."""
    path = out / MANIFEST
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(entries, list):
            entries = []
    except (OSError, ValueError):
        entries = []
    entries = [e for e in entries if isinstance(e, dict) and e.get("name") != stem]
    entries.append({"name": stem, "title": title, **{k: v.name for k, v in written.items()}})
    _io.write_text(path, json.dumps(entries, ensure_ascii=False, indent=1) + "\n")


def save_figure(
    fig: Figure, out_dir: str | Path, name: str, *, table: pd.DataFrame | None = None
) -> dict[str, Path]:
    """Write ``<name>.png``, ``<name>.svg`` and, given ``table``, ``<name>.csv`` (UTF-8) atomically.

    The PNG has 200 dpi (300 with the ``paper`` figure style). The figure is also listed, with its
    title, in ``figures.json`` of ``out_dir`` (the slide deck is built from that list).
    Returns ``{"png": path, "svg": path[, "csv": path]}``.
    """
    if not isinstance(fig, Figure):
        raise AnalysisError(f"save_figure: expected a matplotlib Figure, got {type(fig).__name__}")
    out = Path(out_dir)
    stem = safe_name(name)
    dpi = max(PNG_DPI, current_style().dpi)
    written: dict[str, Path] = {}
    written["png"] = _io.write_with(
        out / f"{stem}.png",
        lambda t: fig.savefig(t, format="png", dpi=dpi, facecolor="white"),
        suffix=".png",
    )
    with _layout_kept(fig):  # the PNG's draw laid the figure out
        written["svg"] = _io.write_with(
            out / f"{stem}.svg",
            lambda t: fig.savefig(t, format="svg", facecolor="white", metadata={"Date": None}),
            suffix=".svg",
        )
    if table is not None:
        frame = table if isinstance(table, pd.DataFrame) else pd.DataFrame(table)
        keep_index = not isinstance(frame.index, pd.RangeIndex)
        written["csv"] = _io.write_csv(frame, out / f"{stem}.csv", index=keep_index)
    _record(out, stem, figure_title(fig), written)
    return written


def _display(obj: Any) -> None:
    from IPython.display import display

    display(obj)


def show_figure(
    fig: Figure,
    name: str | None = None,
    *,
    figures_dir: str | Path | None = None,
    table: pd.DataFrame | None = None,
    display_width: int | None = None,
) -> None:
    """Save the figure (when ``figures_dir`` and ``name`` are given) and display it in the notebook as a PNG.

    Returns nothing, so that a cell ending with it shows no stray value (use ``save_figure`` for paths).
    """
    from IPython.display import Image

    if figures_dir and name:
        png = save_figure(fig, figures_dir, name, table=table)["png"].read_bytes()
    else:
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=PNG_DPI, facecolor="white")
        png = buf.getvalue()
    width = display_width or min(int(fig.get_figwidth() * 96), 1100)
    _display(Image(data=png, format="png", width=width))
