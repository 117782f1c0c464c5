"""Tables and notices in the report notebooks: escaped HTML; long tables sortable, filterable and paged.

Every header and cell is escaped text: document titles and slogans come from scraped pages.

A table longer than ``INTERACTIVE_MIN_ROWS`` rows is shown with itables (DataTables) in offline mode:
the JavaScript and CSS are embedded in the notebook's output once, just before its first long table
(``init_interactive_tables`` resets that for each notebook), so the page sorts, filters and pages with
no network, and a page without long tables carries no table library. Its top rows show first (the
table's own order); a CSV button exports the whole table. itables escapes every cell and header
(``allow_html=False``); captions are escaped here. Short tables stay static HTML.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd

from analysis.plots.figures import _fmt_number, _require, display_label, safe_name
from analysis.plots.style import msg, resolve_lang

__all__ = [
    "INTERACTIVE_MAX_ROWS",
    "INTERACTIVE_MIN_ROWS",
    "init_interactive_tables",
    "interactive_table_html",
    "kwic_lines",
    "show_heading",
    "show_kwic",
    "show_message",
    "show_table",
    "table_html",
]

#: Tables with more rows than this are interactive (sortable, filterable, paged); shorter ones static.
INTERACTIVE_MIN_ROWS = 15
#: At most this many rows are embedded in a page; the CSV of the full table is written beside the figures.
INTERACTIVE_MAX_ROWS = 20_000
_PAGE_LENGTH = 15


def _display(obj: Any) -> None:
    from IPython.display import display

    display(obj)


class _Library:
    """Whether this notebook's output already holds the table library (reset for each notebook)."""

    embedded = False


def init_interactive_tables(*, now: bool = False) -> None:
    """Prepare interactive tables for a new notebook: the itables (DataTables) JavaScript and CSS are
    embedded in the output once, just before the first long table (``now=True``: at once). Pages
    without a long table stay light. Offline mode: nothing is fetched when the page is opened.
    """
    _Library.embedded = False
    if now:
        _embed_library()


def _embed_library() -> None:
    import itables

    if not _Library.embedded:
        itables.init_notebook_mode(all_interactive=False, connected=False)
        _Library.embedded = True


def _cell(value: Any, float_decimals: int, lang: str | None = None) -> str:
    if value is None or (not isinstance(value, (str, bytes, list, tuple, dict)) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.isoformat(sep=" ")
    if isinstance(value, (bool, np.bool_)):
        return msg("yes" if value else "no", lang)
    if isinstance(value, (float, np.floating)):
        return _fmt_number(value, float_decimals)
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}" if abs(int(value)) >= 10000 else str(int(value))
    return str(value)


def _cells(values: pd.Series, float_decimals: int, lang: str | None = None) -> Any:
    """``[_cell(v, float_decimals, lang) for v in values]``; a text column (missing values aside) at once."""
    if pd.api.types.is_string_dtype(values):
        return values.fillna("").to_numpy(dtype=object)
    return [_cell(v, float_decimals, lang) for v in values]


def _display_frame(df: pd.DataFrame, float_decimals: int, lang: str) -> pd.DataFrame:
    """Dates, booleans and floats as the static tables show them; numbers stay numbers for sorting."""
    out = pd.DataFrame(index=df.index)
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_bool_dtype(s):
            out[col] = [_cell(v, 0, lang) for v in s]
        elif pd.api.types.is_float_dtype(s):
            out[col] = s.round(float_decimals)
        elif pd.api.types.is_numeric_dtype(s):
            out[col] = s
        else:
            out[col] = _cells(s, float_decimals, lang)
    out.columns = [str(c) for c in df.columns]
    return out


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
    ".textlab-table{margin:0.5em 0 1.2em 0;font-size:13px}"
    ".textlab-caption{font-weight:bold;margin:4px 0}"
    # JupyterLab's page CSS right-aligns every cell: text left, numbers (dt-right) right
    ".textlab-table table.dataTable th,.textlab-table table.dataTable td{text-align:left}"
    ".textlab-table table.dataTable th.dt-right,.textlab-table table.dataTable td.dt-right{text-align:right}"
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
    lang: str | None = None,
) -> str:
    """Render ``df`` as a static HTML table in which every header and cell is escaped text.

    Built by hand rather than with pandas' Styler, which does not escape by default.
    """
    if not isinstance(df, pd.DataFrame):
        df = pd.DataFrame(df)
    lang = resolve_lang(lang)
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
        cap = (cap + " " if cap else "") + msg("rows_shown", lang, shown=max_rows, total=total)
    if cap:
        parts.append(f"<caption>{esc(cap)}</caption>")
    parts.append(
        "<thead><tr>" + "".join(f"<th>{esc(str(c))}</th>" for c in frame.columns) + "</tr></thead><tbody>"
    )
    for row in frame.itertuples(index=False, name=None):
        cells = []
        for v, num in zip(row, numeric, strict=True):
            cls = ' class="num"' if num else ""
            cells.append(f"<td{cls}>{esc(_cell(v, float_decimals, lang))}</td>")
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    return _TABLE_STYLE + "".join(parts)


def interactive_table_html(
    df: pd.DataFrame,
    *,
    caption: str | None = None,
    name: str = "table",
    float_decimals: int = 3,
    index: bool = False,
    right_align: tuple[str, ...] = (),
    lang: str | None = None,
    total: int | None = None,
) -> str:
    """A sortable, filterable, paged table (itables, offline) with a CSV button for the whole table.

    Needs the table library earlier in the same notebook (``show_table`` embeds it). Cells and headers are escaped by
    itables; the caption here. At most ``INTERACTIVE_MAX_ROWS`` rows are embedded (the caption says so).
    ``total``: the rows of the whole table when ``df`` holds only its first rows.
    """
    import itables

    lang = resolve_lang(lang)
    frame = df.reset_index() if index else df
    total = len(frame) if total is None else max(int(total), len(frame))
    if total > INTERACTIVE_MAX_ROWS:
        frame = frame.head(INTERACTIVE_MAX_ROWS)
    shown = _display_frame(frame, float_decimals, lang)
    note = (
        msg("rows_shown", lang, shown=len(frame), total=total)
        if total > len(frame)
        else msg("all_rows", lang, total=total)
    )
    columns = list(shown.columns)
    right = [i for i, c in enumerate(columns) if c in right_align]
    numeric = [i for i, c in enumerate(columns) if pd.api.types.is_numeric_dtype(shown[c])]
    body = itables.to_html_datatable(
        shown,
        connected=False,
        showIndex=False,
        allow_html=False,
        maxBytes=0,
        maxColumns=0,
        order=[],
        pageLength=_PAGE_LENGTH,
        lengthMenu=[_PAGE_LENGTH, 50, 200, -1],
        classes="display compact",
        display_logo_when_loading=False,
        text_in_header_can_be_selected=False,  # a click on a header sorts by it
        layout={"topStart": "pageLength", "topEnd": "search", "bottomStart": "info", "bottomEnd": "paging",
                "top2Start": "buttons"},
        buttons=[
            {
                "extend": "csvHtml5",
                "text": msg("csv_link", lang),
                "filename": safe_name(name),
                "bom": True,
                "exportOptions": {"modifier": {"search": "none", "order": "index"}},
            }
        ],
        columnDefs=[
            {"targets": numeric, "className": "dt-right"},
            {"targets": right, "className": "dt-right"},
        ],
        language=_DT_LANGUAGE.get(lang, {}),
    )  # fmt: skip
    esc = html.escape
    head = '<div class="textlab-table">'
    note = f"（{note}）" if lang == "zh" else f"({note})"
    cap = f"{caption} {note}" if caption else note
    head += f'<p class="textlab-caption">{esc(cap)}</p>'
    return _TABLE_STYLE + head + body + "</div>"


# DataTables' own words, in Chinese for Chinese reports (its defaults are English).
_DT_LANGUAGE: dict[str, dict[str, Any]] = {
    "zh": {
        "search": "筛选：",
        "lengthMenu": "每页 _MENU_ 行",
        "info": "第 _START_–_END_ 行，共 _TOTAL_ 行",
        "infoEmpty": "没有行",
        "infoFiltered": "（从 _MAX_ 行中筛选）",
        "zeroRecords": "没有匹配的行",
        "emptyTable": "表格为空",
        "paginate": {"first": "首页", "last": "末页", "next": "下一页", "previous": "上一页"},
        "lengthLabels": {"-1": "全部"},
    },
    "en": {"lengthLabels": {"-1": "all"}},
}


def show_table(
    df: pd.DataFrame,
    *,
    caption: str | None = None,
    max_rows: int | None = 50,
    float_decimals: int = 3,
    index: bool = False,
    name: str | None = None,
    interactive: bool | None = None,
    lang: str | None = None,
) -> None:
    """Display ``df`` in the notebook as an escaped table (hostile text shows as text).

    Tables longer than ``INTERACTIVE_MIN_ROWS`` rows are interactive (all rows, sortable, filterable,
    paged, CSV button; ``name`` names the CSV file); shorter ones, or ``interactive=False``, are static
    HTML limited to ``max_rows`` rows.
    """
    from IPython.display import HTML

    if not isinstance(df, pd.DataFrame):
        df = pd.DataFrame(df)
    if interactive is None:
        interactive = len(df) > INTERACTIVE_MIN_ROWS
    if interactive:
        _embed_library()
        page = interactive_table_html(
            df, caption=caption, name=name or caption or "table", float_decimals=float_decimals,
            index=index, lang=lang,
        )  # fmt: skip
    else:
        page = table_html(df, caption=caption, max_rows=max_rows, float_decimals=float_decimals, index=index,
                          lang=lang)  # fmt: skip
    _display(HTML(page))


def show_kwic(
    df: pd.DataFrame,
    *,
    caption: str | None = None,
    max_rows: int | None = 100,
    name: str | None = None,
    interactive: bool | None = None,
    lang: str | None = None,
) -> None:
    """Display a KWIC table (left context right-aligned, match highlighted), every cell escaped.

    Long KWIC tables are interactive like ``show_table`` (all lines; ``max_rows`` limits static ones).
    """
    from IPython.display import HTML

    _require(df, ["left", "match", "right"], "show_kwic")
    lang = resolve_lang(lang)
    esc = html.escape
    meta_cols = [c for c in ("path", "title", "company", "date") if c in df.columns]
    names = {"path": msg("kwic_path", lang), "title": msg("kwic_doc", lang), "company": msg("company", lang),
             "date": msg("date", lang)}  # fmt: skip
    total = kwic_lines(df)
    if interactive is None:
        interactive = len(df) > INTERACTIVE_MIN_ROWS
    if interactive:
        _embed_library()
        head = df.head(INTERACTIVE_MAX_ROWS)  # only these are embedded: no cell is made for the others
        frame = pd.DataFrame({names[c]: [_kwic_meta(c, v, lang) for v in head[c]] for c in meta_cols})
        frame[msg("kwic_left", lang)] = _cells(head["left"], 3, lang)
        frame[msg("kwic_match", lang)] = _cells(head["match"], 3, lang)
        frame[msg("kwic_right", lang)] = _cells(head["right"], 3, lang)
        _display(HTML(interactive_table_html(
            frame, caption=caption, name=name or "kwic", right_align=(msg("kwic_left", lang),), lang=lang,
            total=total,
        )))  # fmt: skip
        return
    frame = df if max_rows is None else df.head(max_rows)
    parts = ['<table class="textlab kwic">']
    cap = caption or ""
    if total > len(frame):
        cap = (cap + " " if cap else "") + msg("lines_shown", lang, shown=len(frame), total=total)
    if cap:
        parts.append(f"<caption>{esc(cap)}</caption>")
    parts.append(
        "<thead><tr>"
        + "".join(f"<th>{esc(names[c])}</th>" for c in meta_cols)
        + f"<th>{esc(msg('kwic_left', lang))}</th><th>{esc(msg('kwic_match', lang))}</th>"
        + f"<th>{esc(msg('kwic_right', lang))}</th></tr></thead><tbody>"
    )
    for _, row in frame.iterrows():
        meta = "".join(f"<td>{esc(_kwic_meta(c, row[c], lang))}</td>" for c in meta_cols)
        parts.append(
            f'<tr>{meta}<td class="left">{esc(_cell(row["left"], 3, lang))}</td>'
            f'<td class="match">{esc(_cell(row["match"], 3, lang))}</td>'
            f'<td class="right">{esc(_cell(row["right"], 3, lang))}</td></tr>'
        )
    parts.append("</tbody></table>")
    _display(HTML(_TABLE_STYLE + "".join(parts)))


def kwic_lines(df: pd.DataFrame) -> int:
    """Lines of the whole concordance of a ``kwic`` table: ``attrs["lines"]`` when ``df`` is the table
    ``kwic(..., max_rows=N)`` returned (its first lines only), else ``len(df)``. A frame cut or filtered
    from it has fewer rows than ``attrs["rows"]`` says: it is counted as it is."""
    lines, rows = df.attrs.get("lines"), df.attrs.get("rows")
    if isinstance(lines, int) and rows == len(df):
        return max(lines, len(df))
    return len(df)


def _kwic_meta(column: str, value: Any, lang: str | None = None) -> str:
    if column == "company":
        return display_label(value, lang)
    text = _cell(value, 3, lang)
    if column == "path" and len(text) > 32:  # the file name matters most: keep the end
        return "…" + text[-31:]
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
