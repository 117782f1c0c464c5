"""Helpers the report notebooks call, so that the notebooks hold no logic of their own.

Each one is a small, tested function: setting up a report kernel (fonts, language, figure style,
interactive tables, quiet libraries), selecting years, summary tables, and turning analysis errors
into short notices in the report. Every helper that writes words takes ``lang`` ("zh" or "en";
default: the language ``setup_notebook`` set).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pandas as pd

from analysis.errors import AnalysisError
from analysis.plots.style import resolve_lang

__all__ = [
    "company_year_table",
    "document_table",
    "docvar_table",
    "explain_errors",
    "group_columns",
    "group_label",
    "has_dated",
    "incomplete_documents",
    "keyness_highlights",
    "language",
    "require_documents",
    "select_years",
    "setup_notebook",
    "summary_table",
    "term_positions",
    "threshold_text",
    "top_slogans",
]

def setup_notebook(lang: str = "zh", figure_style: str = "report", *, interactive: bool = True) -> None:
    """Set up a report kernel: language and figure style of the charts and tables, the CJK font, the
    embedded table library (``interactive``), and quiet library noise (deprecation warnings, jieba's log).

    Warnings the package gives a reader on purpose (documents left out of an answer, a term that does
    not occur) are shown as notices in the report, every time, instead of as stderr text."""
    from analysis.plots.fonts import use_cjk_font
    from analysis.plots.style import configure
    from analysis.plots.tables import init_interactive_tables

    configure(lang=lang, figure_style=figure_style)

    for category in (DeprecationWarning, PendingDeprecationWarning, FutureWarning):
        warnings.filterwarnings("ignore", category=category)
    warnings.filterwarnings("ignore", message=".*pkg_resources.*")
    warnings.filterwarnings("ignore", message="IProgress not found")  # tqdm.auto without ipywidgets
    logging.getLogger("jieba").setLevel(logging.ERROR)
    os.environ.setdefault("TQDM_DISABLE", "1")
    _say_warnings()
    pd.set_option("display.max_colwidth", 80)
    use_cjk_font()
    if interactive:
        init_interactive_tables()


def _say_warnings() -> None:
    from analysis.plots.tables import show_message
    from analysis.select import DocumentsLeftOut
    from analysis.stats._suggest import TermNotFoundWarning

    said = (DocumentsLeftOut, TermNotFoundWarning)
    for category in said:
        warnings.simplefilter("always", category)
    previous = warnings.showwarning
    if getattr(previous, "_textlab", False):
        return

    def show(message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        if issubclass(category, said):
            show_message(str(message), warn=True)
        else:
            previous(message, category, *args, **kwargs)

    show._textlab = True  # type: ignore[attr-defined]
    warnings.showwarning = show


def language(lang: str | None = None) -> Callable[[str, str], str]:
    """A chooser for the notebook's own words: ``L = language("en"); L("高频词", "Top terms") == "Top terms"``.

    Terms and names from the corpus are never passed through it: they stay as written.
    """
    chosen = resolve_lang(lang)

    def choose(zh: str, en: str) -> str:
        return en if chosen == "en" else zh

    return choose


@contextlib.contextmanager
def explain_errors(what: str, lang: str | None = None) -> Iterator[None]:
    """Run a report section; an AnalysisError is shown as a short notice instead of a traceback.

    Only errors the package raises on purpose (bad input, too few groups, ...) are caught: anything
    else is a bug and must fail the report.
    """
    from analysis.plots.tables import show_message

    try:
        yield
    except AnalysisError as exc:
        if resolve_lang(lang) == "en":
            show_message(f"{what}: cannot be computed ({exc})", warn=True)
        else:
            show_message(f"{what}：无法计算（{exc}）", warn=True)


def select_years(
    docs: pd.DataFrame, year_min: int | None = None, year_max: int | None = None
) -> pd.DataFrame:
    """Documents whose year lies in [year_min, year_max]; with no bound given, all (undated included).

    ``tl.select(docs, years=(year_min, year_max))``: with a bound, undated documents are left out (they
    cannot be placed in the range), and ``attrs["left_out"]`` and a ``DocumentsLeftOut`` warning say so.
    """
    if year_min is None and year_max is None:
        return docs
    from analysis.select import select

    return select(docs, years=(None if year_min is None else int(year_min), None if year_max is None else int(year_max)))


def company_year_table(docs: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """Documents per company (rows) and year (columns) over the dated documents.

    Documents without a company are counted under "（未识别公司）". Empty when no document is dated.
    """
    en = resolve_lang(lang) == "en"
    dated = docs[docs["year"].notna()]
    if dated.empty:
        return pd.DataFrame()
    company = dated["company"].fillna("").astype(str).replace("", "(no company)" if en else "（未识别公司）")
    table = pd.crosstab(company, dated["year"].astype(int))
    table.index.name = "company" if en else "公司"
    table.columns.name = "year" if en else "年份"
    return table.loc[table.sum(axis=1).sort_values(ascending=False, kind="stable").index]


def document_table(docs: pd.DataFrame, tokens: Any | None = None) -> pd.DataFrame:
    """One row per document: title, company, date, characters (and tokens when ``tokens`` is given)."""
    out = pd.DataFrame(
        {
            "title": docs["title"].astype(str),
            "company": docs["company"].fillna("").astype(str),
            "date": docs["date"].dt.strftime("%Y-%m-%d").fillna(""),
            "chars": docs["chars"].astype(int),
            "path": docs["path"].astype(str),
        }
    )
    if tokens is not None:
        from analysis.tokens import list_lengths

        lengths = pd.Series(list_lengths(tokens.docs), index=tokens.docvars["doc_id"].to_numpy())  # no list made
        lengths = lengths[~lengths.index.duplicated(keep="last")]  # as a dict would: the last of a doc_id wins
        out.insert(4, "tokens", docs["doc_id"].map(lengths).astype("Int64"))
    return out.sort_values("chars", ascending=False, kind="stable").reset_index(drop=True)


def incomplete_documents(docs: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """Documents without a date or without a company, with what is missing."""
    en = resolve_lang(lang) == "en"
    undated = docs["date"].isna()
    nocompany = docs["company"].fillna("").astype(str) == ""
    # the two columns shown, not the whole table: taking rows of the text column copies all of it (_frames)
    sel = docs[["path", "title"]][(undated | nocompany).to_numpy(dtype=bool)]
    words = ("date", "company", ", ") if en else ("日期", "公司", "、")
    missing = [
        words[2].join(w for w, flag in ((words[0], u), (words[1], c)) if flag)
        for u, c in zip(undated[sel.index], nocompany[sel.index], strict=True)
    ]
    return pd.DataFrame(
        {"path": sel["path"].astype(str), "title": sel["title"].astype(str), "missing": missing}
    ).reset_index(drop=True)


def term_positions(keyness_table: pd.DataFrame, terms: Sequence[str]) -> pd.DataFrame:
    """Where each of ``terms`` stands in each keyness block: its rank by G² and its statistics.

    Rank 1 is the most over-used term of the block (blocks are sorted by g2 descending); ``of`` is the
    number of terms tested in the block. Terms below the block's minimum count are absent.
    """
    if keyness_table.empty:
        return pd.DataFrame(columns=["term", "group", "reference", "rank", "of"])
    kt = keyness_table.copy()
    kt["rank"] = kt.groupby(["group", "reference"], sort=False).cumcount() + 1
    kt["of"] = kt.groupby(["group", "reference"], sort=False)["term"].transform("size")
    keep = ["term", "group", "reference", "rank", "of", "count_target", "count_reference", "g2",
            "p_adjusted", "significant", "log_ratio", "logodds_z"]  # fmt: skip
    out = kt[kt["term"].isin(list(terms))][[c for c in keep if c in kt.columns]]
    order = {t: i for i, t in enumerate(terms)}
    return out.sort_values(
        ["term", "rank"], key=lambda s: s.map(order) if s.name == "term" else s
    ).reset_index(drop=True)


def group_columns(group_by: str | Sequence[str]) -> str | list[str]:
    """Parse ``group_by``: "company" -> "company"; "company,year" -> ["company", "year"]."""
    if isinstance(group_by, str):
        parts = [p.strip() for p in re.split(r"[,，+×|]", group_by) if p.strip()]
    else:
        parts = [str(p).strip() for p in group_by if str(p).strip()]
    if not parts:
        raise AnalysisError("group_by is empty; use company, year or company,year")
    return parts[0] if len(parts) == 1 else parts


_GROUP_NAMES = {"company": "公司", "year": "年份", "source": "来源", "date": "日期"}


def group_label(group_by: str | Sequence[str], lang: str | None = None) -> str:
    """Name of a grouping for titles: "company" -> "公司" (English: "company"), ["company", "year"] -> "公司×年份"."""
    by = group_columns(group_by)
    parts = [by] if isinstance(by, str) else by
    if resolve_lang(lang) == "en":
        return " × ".join(parts)
    return "×".join(_GROUP_NAMES.get(p, p) for p in parts)


def require_documents(docs: pd.DataFrame, year_min: int | None = None, year_max: int | None = None) -> None:
    """Raise a clear AnalysisError when the (year-filtered) corpus has no document at all."""
    if len(docs):
        return
    if year_min is not None or year_max is not None:
        raise AnalysisError(f"no dated document between year_min={year_min} and year_max={year_max}")
    raise AnalysisError("the corpus has no document")


def summary_table(docs: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """Key numbers of the corpus as a two-column table (指标, 数值 / measure, value)."""
    years = pd.to_numeric(docs["year"], errors="coerce").dropna()
    companies = sorted({c for c in docs["company"].fillna("").astype(str) if c})
    if resolve_lang(lang) == "en":
        rows = [
            ("documents", f"{len(docs)}"),
            ("companies", f"{len(companies)} ({', '.join(companies) or 'none'})"),
            ("years", f"{int(years.min())}–{int(years.max())}" if len(years) else "no dated document"),
            ("undated documents", f"{int(docs['date'].isna().sum())}"),
            ("documents without company", f"{int((docs['company'].fillna('') == '').sum())}"),
            ("characters", f"{int(docs['chars'].sum()):,}"),
        ]
        if "duplicate_of" in docs.columns:
            rows.append(("duplicate documents", f"{int((docs['duplicate_of'].fillna('') != '').sum())}"))
        return pd.DataFrame(rows, columns=["measure", "value"])
    rows = [
        ("文档数", f"{len(docs)}"),
        ("公司数", f"{len(companies)}（{'、'.join(companies) or '无'}）"),
        ("年份", f"{int(years.min())}–{int(years.max())}" if len(years) else "无带日期的文档"),
        ("无日期的文档", f"{int(docs['date'].isna().sum())}"),
        ("未识别公司的文档", f"{int((docs['company'].fillna('') == '').sum())}"),
        ("总字符数", f"{int(docs['chars'].sum()):,}"),
    ]
    if "duplicate_of" in docs.columns:
        rows.append(("重复文档", f"{int((docs['duplicate_of'].fillna('') != '').sum())}"))
    return pd.DataFrame(rows, columns=["指标", "数值"])


def threshold_text(
    correction: str | None,
    alpha: float,
    lang: str | None = None,
    family: str | pd.DataFrame | None = None,
    family_size: int | Sequence[int] | None = None,
) -> str:
    """Subtitle text for the significance threshold, e.g. "显著：FDR 校正后 p < 0.05", and, given
    ``family`` ("table" / "block", or the keyness table itself to read it from), which tests were
    corrected together ("Benjamini-Hochberg (FDR) over the whole table (one family of 470 tests)")."""
    from analysis.plots.figures import family_words, keyness_family_text

    if resolve_lang(lang) == "en":
        names_en = {"fdr": "FDR (Benjamini-Hochberg)", "bonferroni": "Bonferroni"}
        if not correction:
            text = f"significant: uncorrected p < {alpha:g}"
        else:
            text = f"significant: p < {alpha:g} after {names_en.get(str(correction).lower(), str(correction))} correction"
    else:
        names = {"fdr": "FDR（Benjamini-Hochberg）", "bonferroni": "Bonferroni"}
        text = (f"显著：未校正 p < {alpha:g}" if not correction
                else f"显著：{names.get(str(correction).lower(), str(correction))} 校正后 p < {alpha:g}")  # fmt: skip
    if family is None or not correction:
        return text
    if isinstance(family, pd.DataFrame):
        words = keyness_family_text(family, lang)
    else:
        sizes = [] if family_size is None else ([family_size] if isinstance(family_size, int) else list(family_size))
        words = family_words(str(correction), str(family), sizes, lang)
    sep = "; " if resolve_lang(lang) == "en" else "；"
    return text + sep + words if words else text


#: Keyness columns a reader needs to judge a term: counts and documents on both sides, effect sizes.
HIGHLIGHT_COLUMNS = ["group", "reference", "direction", "term", "count_target", "count_reference",
                     "docs_with_term_target", "docs_with_term_reference", "dp_target", "g2", "p_adjusted",
                     "significant", "log_ratio", "log_ratio_estimable", "logodds_z"]  # fmt: skip


def keyness_highlights(keyness_table: pd.DataFrame, top_n: int = 10, lang: str | None = None) -> pd.DataFrame:
    """Per block, the ``top_n`` most over-used and ``top_n`` most under-used terms (by G²), for display,
    with the documents behind each count on both sides and the target's DP (``HIGHLIGHT_COLUMNS``)."""
    if keyness_table.empty:
        return keyness_table
    more, less = ("over-used", "under-used") if resolve_lang(lang) == "en" else ("多用", "少用")
    blocks = []
    for _, block in keyness_table.groupby(["group", "reference"], sort=False):
        over = block[block["g2"] > 0].head(top_n)
        under = block[block["g2"] < 0].iloc[::-1].head(top_n)
        blocks.append(pd.concat([over.assign(direction=more), under.assign(direction=less)]))
    out = pd.concat(blocks, ignore_index=True)
    return out[[c for c in HIGHLIGHT_COLUMNS if c in out.columns]]


def top_slogans(profile: pd.DataFrame, n: int = 6) -> list[str]:
    """The ``n`` most frequent slogans of a profile (``slogan_profile``), for ``tl.slogan_trend``.

    ``slogan_trend`` counts slogans in the text, so slogans of several tokens are followed as well as
    single tokens.
    """
    if profile.empty:
        return []
    totals = profile.groupby("slogan")["count"].sum()
    totals = totals[totals > 0].sort_values(ascending=False, kind="stable")
    return [str(s) for s in totals.index[: int(n)]]


def has_dated(docs: pd.DataFrame) -> bool:
    """True when at least one document has a date."""
    return bool(docs["date"].notna().any())


def docvar_table(docs: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """The document variables beyond company and year (``doc_type``, metadata-file columns, ``--path-vars``):
    per variable its type, where its values came from (metadata / path / document, with document
    counts), how many documents have a value and how many do not, and the most frequent values with
    their document counts. Empty when there are none."""
    from analysis.ingest.corpus import CORPUS_COLUMNS

    en = resolve_lang(lang) == "en"
    skip = {"year_hint", "year_hint_source", "year_from_hint", "n_tokens"}
    extra = [
        c for c in docs.columns
        if c not in CORPUS_COLUMNS and c not in skip and not c.endswith(("_from", "_source"))
    ]  # fmt: skip
    names = (["doc_type"] if "doc_type" in docs.columns else []) + extra
    cols = (
        ["variable", "type", "from", "documents", "missing", "values (documents)"]
        if en else ["变量", "类型", "来源", "有值的文档", "缺失", "取值（文档数）"]
    )  # fmt: skip
    rows = []
    for name in names:
        col = docs[name]
        text = col.astype("object").where(col.notna(), None)
        present = (text.notna() & (text.astype(str) != "")).to_numpy(dtype=bool)
        values = col[present]
        if pd.api.types.is_datetime64_any_dtype(col):
            values = pd.to_datetime(values).dt.strftime("%Y-%m-%d")
        counts = values.astype(str).value_counts(sort=True)
        sep, lp, rp = (", ", " (", ")") if en else ("、", "（", "）")
        shown = sep.join(f"{v}{lp}{n}{rp}" for v, n in counts.head(8).items())
        if len(counts) > 8:
            shown += f" … (+{len(counts) - 8} more values)" if en else f" …（另有 {len(counts) - 8} 个取值）"
        origins = ""
        if f"{name}_from" in docs.columns:
            origin = docs[f"{name}_from"].fillna("").astype(str)[present]
            origins = sep.join(f"{k} {n}" for k, n in origin.value_counts().items() if k)
        if pd.api.types.is_datetime64_any_dtype(col):
            kind = "date" if en else "日期"
        elif pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
            kind = "number" if en else "数值"
        else:
            kind = "text" if en else "文本"
        rows.append([name, kind, origins, int(present.sum()), int((~present).sum()), shown or "—"])
    return pd.DataFrame(rows, columns=cols)
