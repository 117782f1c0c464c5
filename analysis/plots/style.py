"""Language and figure style of the report charts and tables.

``configure(lang=..., figure_style=...)`` sets the defaults every plot and table function uses when it
is not given ``lang=`` itself (like matplotlib's rcParams, these are presentation settings of one
process: a report kernel calls it once, in ``analysis.report.notebook.setup_notebook``).

Languages: ``"zh"`` (default) and ``"en"``. Only the words the package writes change (titles, axis
labels, legends, captions, messages); terms, titles and company names from the corpus stay as written,
with a company's English name added in legends where the alias table has one.

Figure styles (canvas and font sizes for the medium):

- ``report``: charts sized to their content, for HTML pages (the default);
- ``slide``: a 16:9 canvas (13.33 × 7.5 in) with large type, for projection;
- ``paper``: a single-column width (6.5 in) with small type and 300 dpi PNG, for print.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass, replace
from typing import Literal

from analysis import config
from analysis.errors import AnalysisError

__all__ = [
    "FIGURE_STYLES",
    "LANGS",
    "FigureStyle",
    "configure",
    "current_lang",
    "current_style",
    "english_company_name",
    "legend_label",
    "msg",
    "resolve_lang",
]

Lang = Literal["zh", "en"]
LANGS: tuple[str, ...] = ("zh", "en")


@dataclass(frozen=True)
class FigureStyle:
    """Sizes of one medium: font sizes in points; ``canvas`` fixes the figure size (inches) when set."""

    name: str
    title: float
    label: float
    annot: float
    scale: float = 1.0  # multiplies the content-driven canvas of the report style
    canvas: tuple[float, float] | None = None
    max_width: float | None = None
    dpi: int = 200


FIGURE_STYLES: dict[str, FigureStyle] = {
    "report": FigureStyle("report", title=13, label=10, annot=8),
    "slide": FigureStyle("slide", title=20, label=15, annot=12, canvas=(13.333, 7.5)),
    "paper": FigureStyle("paper", title=10, label=8.5, annot=7, scale=0.75, max_width=6.5, dpi=300),
}


@dataclass
class _Settings:
    lang: str = "zh"
    style: FigureStyle = FIGURE_STYLES["report"]


_settings = _Settings()


def configure(*, lang: str | None = None, figure_style: str | None = None) -> None:
    """Set this process's default language (``zh`` / ``en``) and figure style (``report`` / ``slide`` / ``paper``)."""
    if lang is not None:
        _settings.lang = resolve_lang(lang)
    if figure_style is not None:
        key = str(figure_style).strip().lower()
        if key not in FIGURE_STYLES:
            raise AnalysisError(f"figure_style={figure_style!r}: expected one of {', '.join(FIGURE_STYLES)}")
        _settings.style = replace(FIGURE_STYLES[key])


def resolve_lang(lang: str | None) -> str:
    """``lang`` checked and normalised ("EN" -> "en", "zh-CN" -> "zh"); None gives the current default."""
    if lang is None:
        return _settings.lang
    key = str(lang).strip().lower().split("-")[0].split("_")[0]
    if key not in LANGS:
        raise AnalysisError(f"lang={lang!r}: expected one of {', '.join(LANGS)}")
    return key


def current_lang() -> str:
    return _settings.lang


def current_style() -> FigureStyle:
    return _settings.style


# Words the charts and tables write themselves: key -> (Chinese, English).
_MESSAGES: dict[str, tuple[str, str]] = {
    "none": ("（未识别）", "(unattributed)"),
    "undated": ("（无日期）", "(undated)"),
    "rest": ("其余各组", "all other groups"),
    "all": ("全部", "all"),
    "no_data": ("没有可显示的数据", "No data to show"),
    "no_dated": ("没有带日期的文档", "No dated documents"),
    "no_terms": ("没有可显示的词", "No terms to show"),
    "no_min_count": ("没有达到最小频次的词", "No term reaches the minimum count"),
    "no_dated_slogans": ("没有带日期的提法使用记录", "No dated use of any slogan"),
    "no_slogans": ("没有找到提法", "No slogans found"),
    "slogan": ("提法", "Slogan"),
    "n_docs_short": ("{n} 篇", "{n} docs"),
    "slogans_note": ("按总量排序的前 {n} 个提法；数值：{value}", "top {n} slogans by total; values: {value}"),
    "two_groups": ("至少需要两个组才能比较相似度", "Similarity needs at least two groups"),
    "year": ("年份", "Year"),
    "date": ("日期", "Date"),
    "documents": ("文档数", "Documents"),
    "company": ("公司", "Company"),
    "term": ("词语", "Term"),
    "chars": ("字符数", "Characters"),
    "doc_n": ("文档 {n}", "Document {n}"),
    "n_docs_total": ("共 {n} 篇文档", "{n} documents"),
    "shown_groups": ("仅显示前 {shown} 组（共 {total} 组）", "first {shown} of {total} groups shown"),
    "sep": ("；", "; "),
    "title_company_year": ("各公司每年的文档数", "Documents per company and year"),
    "title_lengths": ("文档长度", "Document length"),
    "title_top_terms": ("高频词", "Top terms"),
    "title_keyness": ("关键词对比（Keyness）", "Keyness"),
    "title_similarity": ("公司之间的文本相似度（TF-IDF 余弦）", "Text similarity between companies (TF-IDF cosine)"),
    "title_slogans": ("提法 × {col}（{value}）", "Slogans × {col} ({value})"),
    "title_trend": ("年度变化", "Change by year"),
    "title_timeline": ("提法的采用时间线（各公司首次使用）", "Adoption timeline of slogans (first use per company)"),
    "versus": ("{group} 对比 {ref}", "{group} vs {ref}"),
    "the_rest": ("其余", "the rest"),
    "log_ratio_axis": (
        "Log Ratio（log₂ 相对频率比）：右 = 目标组多用，左 = 少用",
        "Log Ratio (log₂ of relative frequencies): right = over-used by the target, left = under-used",
    ),
    "min_count": ("最小频次 ≥ {n}", "minimum count ≥ {n}"),
    "keyness_note": (
        "条上数字 = 目标组频次 / 参照组频次；浅色斜线 = 不显著",
        "numbers = target count / reference count; pale hatched bars = not significant",
    ),
    "cosine": ("余弦相似度", "Cosine similarity"),
    "thin_years": (
        "空心点 / 浅色柱：文档少于 {n} 篇的年份，谨慎解读",
        "open dots / pale bars: years with fewer than {n} documents, read with care",
    ),
    "timeline_both": ("点 = 首次使用；线 = 首次到最近一次使用", "dot = first use; line = first to latest use"),
    "timeline_first": ("点 = 首次使用", "dot = first use"),
    "value_count": ("出现次数", "Occurrences"),
    "value_rate_per_10k": ("每万词出现次数", "Per 10,000 tokens"),
    "value_rate_per_10k_chars": ("每万字出现次数", "Per 10,000 characters"),
    "value_n_docs": ("文档数", "Documents"),
    "value_tfidf": ("TF-IDF", "TF-IDF"),
    "value_pmi": ("PMI", "PMI"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "rows_shown": ("（显示前 {shown} 行，共 {total} 行）", "(first {shown} of {total} rows)"),
    "lines_shown": ("（显示前 {shown} 条，共 {total} 条）", "(first {shown} of {total} lines)"),
    "all_rows": ("共 {total} 行；可排序、筛选、翻页", "{total} rows; sort, filter and page through them"),
    "csv_link": ("下载完整表格（CSV）", "Download the full table (CSV)"),
    "kwic_doc": ("文档", "Document"),
    "kwic_left": ("左侧语境", "Left context"),
    "kwic_match": ("关键词", "Keyword"),
    "kwic_right": ("右侧语境", "Right context"),
    "kwic_path": ("文件", "File"),
    "family_none": ("未做多重检验校正", "no multiple-testing correction"),
    "family_table": (
        "多重检验：{method}，整表为一个族（{n} 个检验）",
        "multiple testing: {method} over the whole table (one family of {n} tests)",
    ),
    "family_block": (
        "多重检验：{method}，每组比较各为一个族（每族 {n} 个检验）",
        "multiple testing: {method} per comparison (families of {n} tests)",
    ),
    "not_estimable": (
        "边缘的三角：一方频次为 0，Log Ratio 只表示方向，不表示大小",
        "triangles at the edge: a count is zero, so Log Ratio gives the direction only, not the size",
    ),
    "thin_columns": (
        "灰色列：文档少于 {n} 篇的组，谨慎解读，不参与色阶",
        "grey columns: groups with fewer than {n} documents, read with care; they do not set the colour scale",
    ),
    "thin_panels": (
        "灰色：文档少于 {n} 篇的组，谨慎解读",
        "grey bars: groups with fewer than {n} documents, read with care",
    ),
    "ci_band": ("色带：按文档自助法的 95% 置信区间", "bands: 95% interval, bootstrap over documents"),
    "year_hint_years": (
        "斜线柱：含按年份线索（而非标明日期）归入的文档",
        "hatched bars: years holding documents placed by a year hint, not a stated date",
    ),
}


def msg(key: str, lang: str | None = None, **fields: object) -> str:
    """The text ``key`` in ``lang`` (default: the configured language), with ``{fields}`` filled in."""
    zh, en = _MESSAGES[key]
    text = en if resolve_lang(lang) == "en" else zh
    return text.format(**fields) if fields else text


_LATIN_NAME = re.compile(r"[A-Za-z][A-Za-z .&'-]*[A-Za-z]")


@functools.lru_cache(maxsize=8)
def _english_names(path: str) -> dict[str, str]:
    names: dict[str, str] = {}
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(line for line in fh if not line.startswith("#")):
                company, alias = (row.get("company") or "").strip(), (row.get("alias") or "").strip()
                if row.get("kind", "name").strip() != "name" or company in names:
                    continue
                # the first Latin alias with a space is the company's English name ("China Unicom")
                if _LATIN_NAME.fullmatch(alias) and " " in alias:
                    names[company] = alias
    except OSError:
        return {}
    return names


def english_company_name(company: object) -> str | None:
    """The English name of a canonical company from the alias table (``companies.csv``), or None."""
    return _english_names(str(config.COMPANIES_FILE)).get(str(company))


def legend_label(company: object, lang: str | None = None) -> str:
    """A company as a legend shows it: as written, plus its English name in English reports."""
    from analysis.plots.figures import display_label

    shown = display_label(company, lang=lang)
    if resolve_lang(lang) == "en":
        en = english_company_name(company)
        if en:
            return f"{en} ({shown})"
    return shown
