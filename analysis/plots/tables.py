"""Tables and notices in the report notebooks: escaped HTML, interactive (sortable, filterable, paged) when long.

Every header and cell is escaped text: document titles and slogans come from scraped pages.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd

from analysis.plots.figures import _fmt_number, _require, display_label

__all__ = ["show_heading", "show_kwic", "show_message", "show_table", "table_html"]


def _display(obj: Any) -> None:
    from IPython.display import display

    display(obj)


def _cell(value: Any, float_decimals: int) -> str:
    if value is None or (not isinstance(value, (str, bytes, list, tuple, dict)) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.isoformat(sep=" ")
    if isinstance(value, (bool, np.bool_)):
        return "是" if value else "否"
    if isinstance(value, (float, np.floating)):
        return _fmt_number(value, float_decimals)
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}" if abs(int(value)) >= 10000 else str(int(value))
    return str(value)


# Class names are doubled (table.textlab.textlab) to outrank JupyterLab's own table rules, which
# right-align every cell.
_TABLE_STYLE = (
    "<style>"
    "table.textlab{border-collapse:collapse;font-size:13px;margin:0.5em 0 1em 0}"
    "table.textlab.textlab th,table.textlab.textlab td{border:1px solid #ddd;padding:3px 8px;"
    "vertical-align:top;text-align:left}"
    "table.textlab.textlab th{background:#f3f3f3}"
    "table.textlab.textlab td.num{text-align:right;font-variant-numeric:tabular-nums}"
    "table.textlab caption{caption-side:top;text-align:left;font-weight:bold;padding:4px 0}"
    "table.kwic.kwic td.left{text-align:right;color:#444}"
    "table.kwic.kwic td.match{text-align:center;font-weight:bold;background:#fff3c4;white-space:nowrap}"
    "table.kwic.kwic td.right{color:#444}"
    ".textlab-msg{padding:8px 12px;border-left:4px solid #4c72b0;background:#f4f7fb;margin:0.5em 0}"
    ".textlab-msg.warn{border-color:#d9822b;background:#fdf6ec}"
    "</style>"
)


def table_html(
    df: pd.DataFrame,
    *,
    caption: str | None = None,
    max_rows: int | None = 50,
    float_decimals: int = 3,
    index: bool = False,
    css_class: str = "textlab",
) -> str:
    """Render ``df`` as an HTML table in which every header and cell is escaped text.

    Built by hand rather than with pandas' Styler, which does not escape by default.
    """
    if not isinstance(df, pd.DataFrame):
        df = pd.DataFrame(df)
    frame = df.reset_index() if index else df
    total = len(frame)
    if max_rows is not None and total > max_rows:
        frame = frame.head(max_rows)
    esc = html.escape
    numeric = [
        pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
        for c in frame.columns
    ]
    parts = [f'<table class="{esc(css_class)}">']
    cap = caption or ""
    if max_rows is not None and total > max_rows:
        cap = (cap + " " if cap else "") + f"（显示前 {max_rows} 行，共 {total} 行）"
    if cap:
        parts.append(f"<caption>{esc(cap)}</caption>")
    parts.append(
        "<thead><tr>" + "".join(f"<th>{esc(str(c))}</th>" for c in frame.columns) + "</tr></thead><tbody>"
    )
    for row in frame.itertuples(index=False, name=None):
        cells = []
        for v, num in zip(row, numeric, strict=True):
            cls = ' class="num"' if num else ""
            cells.append(f"<td{cls}>{esc(_cell(v, float_decimals))}</td>")
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    return _TABLE_STYLE + "".join(parts)


def show_table(
    df: pd.DataFrame,
    *,
    caption: str | None = None,
    max_rows: int | None = 50,
    float_decimals: int = 3,
    index: bool = False,
) -> None:
    """Display ``df`` in the notebook as an escaped HTML table (hostile text shows as text)."""
    from IPython.display import HTML

    _display(
        HTML(table_html(df, caption=caption, max_rows=max_rows, float_decimals=float_decimals, index=index))
    )


def show_kwic(df: pd.DataFrame, *, caption: str | None = None, max_rows: int | None = 100) -> None:
    """Display a KWIC table (left context right-aligned, match highlighted), every cell escaped."""
    from IPython.display import HTML

    _require(df, ["left", "match", "right"], "show_kwic")
    frame = df if max_rows is None else df.head(max_rows)
    esc = html.escape
    meta_cols = [c for c in ("title", "company", "date") if c in frame.columns]
    names = {"title": "文档", "company": "公司", "date": "日期"}
    parts = ['<table class="textlab kwic">']
    cap = caption or ""
    if max_rows is not None and len(df) > max_rows:
        cap = (cap + " " if cap else "") + f"（显示前 {max_rows} 条，共 {len(df)} 条）"
    if cap:
        parts.append(f"<caption>{esc(cap)}</caption>")
    parts.append(
        "<thead><tr>"
        + "".join(f"<th>{names[c]}</th>" for c in meta_cols)
        + "<th>左侧语境</th><th>关键词</th><th>右侧语境</th></tr></thead><tbody>"
    )
    for _, row in frame.iterrows():
        meta = "".join(f"<td>{esc(_kwic_meta(c, row[c]))}</td>" for c in meta_cols)
        parts.append(
            f'<tr>{meta}<td class="left">{esc(_cell(row["left"], 3))}</td>'
            f'<td class="match">{esc(_cell(row["match"], 3))}</td>'
            f'<td class="right">{esc(_cell(row["right"], 3))}</td></tr>'
        )
    parts.append("</tbody></table>")
    _display(HTML(_TABLE_STYLE + "".join(parts)))


def _kwic_meta(column: str, value: Any) -> str:
    if column == "company":
        return display_label(value)
    text = _cell(value, 3)
    return text if column != "title" or len(text) <= 24 else text[:23] + "…"


def show_message(text: str, *, warn: bool = False) -> None:
    """Display a short notice (escaped) in the notebook, e.g. why a chart is missing."""
    from IPython.display import HTML

    cls = "textlab-msg warn" if warn else "textlab-msg"
    _display(HTML(_TABLE_STYLE + f'<div class="{cls}">{html.escape(str(text))}</div>'))


def show_heading(text: str, *, level: int = 3) -> None:
    """Display a heading (escaped) in the notebook, e.g. one per explored term."""
    from IPython.display import HTML

    level = min(max(int(level), 1), 6)
    _display(HTML(f"<h{level}>{html.escape(str(text))}</h{level}>"))
