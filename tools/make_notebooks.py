"""Write the report notebooks in notebooks/ (without outputs) from the cell sources below.

The notebooks hold no logic: parameters, then short calls into the ``analysis`` package. Edit this
file and re-run it (``.venv/bin/python tools/make_notebooks.py``) rather than editing the .ipynb by hand,
so that all six notebooks keep the same layout: a title, a ``parameters`` cell, a ``setup`` cell that
loads the corpus, then one section per chart or table.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

COMMON_PARAMS = """\
# Parameters (papermill replaces this cell's values; `python -m analysis report -p key=value`).
corpus = "../data/raw"  # a folder of documents, or a corpus.parquet written by `python -m analysis ingest`
metadata = "../data/metadata.csv"  # CSV of per-file overrides, or None
year_min = None  # e.g. 2022: only documents from this year on (undated documents are then left out)
year_max = None
figures_dir = "../reports/figures/{name}"  # PNG, SVG and CSV of every chart go here; "" to not save
progress = True  # progress bars while loading (the report runner turns them off)
"""

SETUP = """\
from analysis import notebook

notebook.setup_notebook()  # first: keeps library warnings out of the report, sets the Chinese font
import analysis as tl
from analysis import plots

loaded = tl.read_corpus(corpus, metadata, progress=progress)  # the corpus table and the ingest report
docs = notebook.select_years(loaded.corpus, year_min, year_max)
notebook.require_documents(docs, year_min, year_max)
"""

SETUP_TOKENS = (
    SETUP
    + """tokens = tl.tokenize(docs, progress=progress)
m = tl.dtm(tokens)
plots.show_table(notebook.summary_table(docs), caption="语料概况")
"""
)


def _nb(
    name: str, title: str, intro: str, params: str, setup: str, sections: list[tuple[str, str]]
) -> nbformat.NotebookNode:
    cells = [new_markdown_cell(f"# {title}\n\n{intro}")]
    cells.append(new_code_cell(COMMON_PARAMS.format(name=name) + params, metadata={"tags": ["parameters"]}))
    cells.append(new_code_cell(setup, metadata={"tags": ["setup"]}))
    for heading, code in sections:
        if heading:
            cells.append(new_markdown_cell(heading))
        if code:
            cells.append(new_code_cell(code))
    for i, cell in enumerate(cells):
        cell.id = f"{name[:2]}-{i:02d}"  # stable ids: regenerating gives no diff
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def notebooks() -> dict[str, nbformat.NotebookNode]:
    """Every report notebook, by file stem."""
    nbs: dict[str, nbformat.NotebookNode] = {}

    nbs["00-corpus-overview"] = _nb(
        "00-corpus-overview",
        "语料概览",
        "语料中有哪些文档：各公司、各年份的文档数，文档长度，缺少日期或公司的文档，以及导入时跳过的文件。",
        "",
        SETUP + "tokens = tl.tokenize(docs, progress=progress)\n",
        [
            ("## 概况", 'plots.show_table(notebook.summary_table(docs), caption="语料概况")'),
            (
                "## 文档变量\n\n公司和年份之外的变量：文档类型（doc_type，文档自己写明时）、元数据文件的其他列、"
                "`--path-vars` 从文件夹得到的变量。来源：metadata = 元数据文件，path = 文件夹，document = 文档本身。"
                "可用于 `-p group_by=变量名` 和 `-p where=\"变量名 == '取值'\"`。",
                """\
variables = notebook.docvar_table(docs)
if variables.empty:
    plots.show_message("没有公司和年份之外的文档变量。")
else:
    plots.show_table(variables, caption="文档变量及其取值")
""",
            ),
            (
                "## 各公司每年的文档数\n\n无日期的文档不计入此表（见下文）。",
                """\
table = notebook.company_year_table(docs)
if table.empty:
    plots.show_message("没有带日期的文档，无法按年份统计。", warn=True)
else:
    plots.show_table(table, index=True, caption="公司 × 年份：文档数")
    plots.show_figure(plots.plot_company_year(table), "company-year", figures_dir=figures_dir, table=table)
""",
            ),
            (
                "## 文档长度",
                """\
lengths = notebook.document_table(docs, tokens)
plots.show_figure(plots.plot_lengths(lengths), "document-lengths", figures_dir=figures_dir, table=lengths)
plots.show_table(lengths, caption="每篇文档的长度（chars = 字符数，tokens = 过滤后的词数）")
""",
            ),
            (
                "## 缺少日期或公司的文档\n\n可在元数据文件（metadata.csv）中补上日期或公司。",
                """\
incomplete = notebook.incomplete_documents(docs)
if incomplete.empty:
    plots.show_message("每篇文档都有日期和公司。")
else:
    plots.show_table(incomplete, caption=f"{len(incomplete)} 篇文档缺少日期或公司")
""",
            ),
            (
                "## 导入报告：跳过或需要检查的文件",
                """\
if loaded.report.empty:
    plots.show_message("导入时没有跳过任何文件，也没有需要检查的文件。")
else:
    plots.show_table(loaded.report, caption="status：skipped = 未导入，warning = 已导入但请检查")
""",
            ),
        ],
    )

    nbs["10-keywords"] = _nb(
        "10-keywords",
        "关键词",
        "高频词与 TF-IDF 关键词：整个语料、各公司、各年份。词频是过滤停用词、标点和数字之后的结果。",
        'group_by = "company"  # company, year or company,year\ntop_n: int = 15  # terms per group\n'
        "phrase_min_count: int = 3  # new-phrase candidates must occur at least this often\n",
        SETUP_TOKENS,
        [
            (
                "## 整个语料的高频词",
                """\
freq_all = tl.frequency(m, top_n=top_n)
plots.show_figure(
    plots.plot_top_terms(freq_all, top_n=top_n, title="整个语料的高频词", value_label="词频"),
    "top-terms-all", figures_dir=figures_dir, table=freq_all,
)
""",
            ),
            (
                "## 各组的高频词",
                """\
by = notebook.group_columns(group_by)
freq = tl.frequency(m, by=by, top_n=top_n)
plots.show_figure(
    plots.plot_top_terms(freq, top_n=top_n, title=f"各{notebook.group_label(by)}的高频词", value_label="词频"),
    "top-terms-by-group", figures_dir=figures_dir, table=freq,
)
plots.show_table(freq, caption="rate_per_10k = 每万词出现次数；doc_freq = 出现该词的文档数")
""",
            ),
            (
                "## 各公司的 TF-IDF 关键词\n\n"
                "每个公司的文档合并为一个词频向量，再乘以按文档计算的 IDF：突出该公司常用、而在其他文档中少见的词。",
                """\
with notebook.explain_errors("各公司的 TF-IDF 关键词"):
    tfidf_company = tl.tfidf_profile(m, by="company", top_n=top_n)
    plots.show_figure(
        plots.plot_top_terms(tfidf_company, value="tfidf", top_n=top_n, title="各公司的 TF-IDF 关键词",
                             value_label="TF-IDF"),
        "tfidf-by-company", figures_dir=figures_dir, table=tfidf_company,
    )
""",
            ),
            (
                "## 各年份的 TF-IDF 关键词",
                """\
if not notebook.has_dated(docs):
    plots.show_message("没有带日期的文档，无法按年份比较。", warn=True)
else:
    with notebook.explain_errors("各年份的 TF-IDF 关键词"):
        tfidf_year = tl.tfidf_profile(m, by="year", top_n=top_n)
        plots.show_figure(
            plots.plot_top_terms(tfidf_year, value="tfidf", top_n=top_n, title="各年份的 TF-IDF 关键词",
                                 value_label="TF-IDF"),
            "tfidf-by-year", figures_dir=figures_dir, table=tfidf_year,
        )
""",
            ),
            (
                "## 新词发现：词典中还没有的候选词\n\n"
                "经常连在一起出现（PMI 高）、左右搭配又多样（分支熵高）的词串。值得保留的，可写进自己的词典文件"
                "（jieba 格式：每行 `词 词频 词性`），用 `Tokenizer(user_dicts=[...])` 加载，使其成为一个词。",
                """\
with notebook.explain_errors("新词发现"):
    phrases = tl.discover_phrases(tokens, min_count=phrase_min_count, top_n=top_n * 2, exclude_known=True)
    if phrases.empty:
        plots.show_message(f"没有出现至少 {phrase_min_count} 次的候选词。")
    else:
        plots.show_table(phrases, caption="score = PMI × min(左熵, 右熵)；tokens = 目前的切分")
""",
            ),
        ],
    )

    nbs["20-company-comparison"] = _nb(
        "20-company-comparison",
        "公司对比",
        "每个公司与其余公司相比多用、少用哪些词（Keyness：G² 对数似然、Log Ratio、"
        "带先验的对数几率 z 值），以及公司之间的文本相似度。",
        'group_by = "company"  # company, year or company,year\n'
        'target = ""  # a group to compare, e.g. 中国联通; empty: every group against the rest\n'
        'reference = ""  # the group to compare it with; empty: all the other groups\n'
        "min_count: int = 5  # a term is tested only if target + reference count reaches this\n"
        'correction = "fdr"  # fdr, bonferroni, or empty for none\n'
        "alpha: float = 0.05\n"
        "top_n: int = 12  # terms per side in the chart\n",
        SETUP_TOKENS,
        [
            (
                "## 关键词对比（Keyness）\n\n"
                "右侧：目标组多用的词；左侧：目标组少用的词。条上的数字是目标组 / 参照组的频次，"
                "浅色斜线条表示未达到显著性阈值。",
                """\
by = notebook.group_columns(group_by)
with notebook.explain_errors("关键词对比"):
    kn = tl.keyness(m, by=by, target=target or None, reference=reference or None, min_count=min_count,
                    correction=correction or None, alpha=alpha)
    plots.show_figure(
        plots.plot_keyness(kn, top_n=top_n, threshold=notebook.threshold_text(correction, alpha),
                           title=f"关键词对比（按{notebook.group_label(by)}）"),
        "keyness", figures_dir=figures_dir, table=kn,
    )
    plots.show_table(notebook.keyness_highlights(kn, top_n), max_rows=200,
                     caption="各组多用 / 少用最明显的词（按 G² 排序）")
""",
            ),
            (
                "## 相似度\n\n各组 TF-IDF 词频向量的余弦相似度：1 = 用词分布完全相同，0 = 没有共同的词。",
                """\
with notebook.explain_errors("相似度"):
    sim = tl.similarity(m, by=by)
    plots.show_figure(
        plots.plot_similarity(sim, title=f"{notebook.group_label(by)}之间的文本相似度（TF-IDF 余弦）"),
        "similarity", figures_dir=figures_dir, table=sim,
    )
""",
            ),
        ],
    )

    nbs["30-year-trends"] = _nb(
        "30-year-trends",
        "年度趋势",
        "选定词语和最常见提法每年的使用频率（每万词出现次数）。下方柱状图是每年的文档数："
        "文档很少的年份波动大，请谨慎解读。",
        'terms = ["全面从严治党", "党风廉政建设", "主题教育", "高质量发展"]  # terms to follow\n'
        'company = ""  # only this company\'s documents; empty: all\n'
        "top_n: int = 6  # number of most frequent slogans to follow\n"
        "thin_docs: int = 3  # years with fewer documents are marked as thin\n",
        SETUP_TOKENS,
        [
            (
                "## 选定词语的年度变化",
                """\
if not notebook.has_dated(docs):
    plots.show_message("没有带日期的文档，无法按年份统计。", warn=True)
else:
    with notebook.explain_errors("选定词语的年度变化"):
        term_trend = tl.trend(m, terms, company=company or None)
        plots.show_figure(plots.plot_trend(term_trend, thin_docs=thin_docs, title="选定词语的年度变化"),
                          "term-trends", figures_dir=figures_dir, table=term_trend)
        plots.show_table(term_trend, max_rows=200, caption="n_docs / n_tokens = 该年的文档数 / 总词数")
""",
            ),
            (
                "## 最常见提法的年度变化",
                """\
if notebook.has_dated(docs):
    with notebook.explain_errors("最常见提法的年度变化"):
        slogans = notebook.top_slogans(tl.slogan_profile(docs, tokens, by=None), m.features, top_n)
        if not slogans:
            plots.show_message("语料中没有可按年份统计的提法。")
        else:
            slogan_trend = tl.trend(m, slogans, company=company or None)
            plots.show_figure(plots.plot_trend(slogan_trend, thin_docs=thin_docs, title="最常见提法的年度变化"),
                              "slogan-trends", figures_dir=figures_dir, table=slogan_trend)
""",
            ),
        ],
    )

    nbs["40-slogans"] = _nb(
        "40-slogans",
        "提法",
        "引号中的提法、数字式提法（两个维护、四个意识……）和提法词表中的词：各公司、各年份的使用情况，"
        "以及各公司首次使用的时间。",
        "top_n: int = 25  # slogans shown in the charts\n"
        "min_docs: int = 1  # keep slogans used in at least this many documents\n"
        'slogan_kinds = ["numbered", "lexicon", "quoted"]  # add "title" for 《…》 titles\n',
        SETUP_TOKENS,
        [
            (
                "## 各公司的提法",
                """\
with notebook.explain_errors("各公司的提法"):
    profile = tl.slogan_profile(docs, tokens, by="company", min_docs=min_docs, kinds=slogan_kinds)
    if profile.empty:
        plots.show_message("没有找到提法。")
    else:
        plots.show_figure(plots.plot_slogan_heatmap(profile, top_n=top_n, title="提法 × 公司（出现次数）"),
                          "slogans-by-company", figures_dir=figures_dir, table=profile)
        plots.show_table(profile, max_rows=50,
                         caption="count = 出现次数；n_docs = 使用该提法的文档数；group_docs = 该组文档数")
""",
            ),
            (
                "## 各年份的提法",
                """\
if not notebook.has_dated(docs):
    plots.show_message("没有带日期的文档，无法按年份统计。", warn=True)
else:
    with notebook.explain_errors("各年份的提法"):
        profile_year = tl.slogan_profile(docs, tokens, by="year", min_docs=min_docs, kinds=slogan_kinds)
        plots.show_figure(
            plots.plot_slogan_heatmap(profile_year, top_n=top_n, col_label="年份", title="提法 × 年份（出现次数）"),
            "slogans-by-year", figures_dir=figures_dir, table=profile_year,
        )
""",
            ),
            (
                "## 采用时间线：各公司首次使用",
                """\
with notebook.explain_errors("采用时间线"):
    timeline = tl.adoption_timeline(docs, min_docs=min_docs, kinds=slogan_kinds)
    if timeline.empty or timeline["first_date"].isna().all():
        plots.show_message("没有带日期的提法使用记录。", warn=True)
    else:
        plots.show_figure(plots.plot_adoption_timeline(timeline, top_n=top_n), "adoption-timeline",
                          figures_dir=figures_dir, table=timeline)
        plots.show_table(timeline, max_rows=100, caption="n_dated = 其中带日期的文档数")
""",
            ),
        ],
    )

    nbs["50-term-explorer"] = _nb(
        "50-term-explorer",
        "词语探索",
        "对一组词语：年度变化、在关键词对比中的位置、搭配词，以及上下文（KWIC）。",
        'terms = ["全面从严治党", "主题教育"]  # terms or slogans to explore\n'
        'group_by = "company"  # grouping for the keyness positions\n'
        "min_count: int = 3  # keyness minimum count\n"
        "window: int = 20  # KWIC context, characters on each side\n"
        "colloc_window: int = 5  # collocation window, tokens on each side\n"
        "top_n: int = 15  # collocates shown\n"
        "max_kwic: int = 50  # KWIC lines shown per term\n",
        SETUP_TOKENS,
        [
            (
                "## 年度变化",
                """\
if not notebook.has_dated(docs):
    plots.show_message("没有带日期的文档，无法按年份统计。", warn=True)
else:
    with notebook.explain_errors("年度变化"):
        term_trend = tl.trend(m, terms)
        plots.show_figure(plots.plot_trend(term_trend, title="词语的年度变化"), "term-trends",
                          figures_dir=figures_dir, table=term_trend)
""",
            ),
            (
                "## 在关键词对比中的位置\n\n"
                "rank = 该词在各组 Keyness 表中按 G² 的名次（1 = 最突出的多用词），of = 参与检验的词数。",
                """\
by = notebook.group_columns(group_by)
with notebook.explain_errors("关键词对比中的位置"):
    positions = notebook.term_positions(tl.keyness(m, by=by, min_count=min_count), terms)
    if positions.empty:
        plots.show_message(f"这些词的频次低于最小频次 {min_count}，没有参与检验。")
    else:
        plots.show_table(positions, caption="各词在关键词对比中的位置")
""",
            ),
            (
                "## 搭配词与上下文（KWIC）",
                """\
for term in terms:
    plots.show_heading(term)
    with notebook.explain_errors(f"“{term}”的搭配词"):
        colloc = tl.collocations(tokens, term, window=colloc_window)
        if colloc.empty:
            plots.show_message(f"“{term}”不是一个词，或出现次数太少，没有搭配词。")
        else:
            plots.show_figure(
                plots.plot_top_terms(colloc.rename(columns={"term": "group", "collocate": "term"}), value="pmi",
                                     top_n=top_n, title=f"“{term}”的搭配词（PMI）", value_label="PMI",
                                     color=plots.NEUTRAL_COLOR),
                f"collocates-{term}", figures_dir=figures_dir, table=colloc,
            )
    with notebook.explain_errors(f"“{term}”的上下文"):
        lines = tl.kwic(docs, term, window=window)
        if lines.empty:
            plots.show_message(f"语料中没有“{term}”。")
        else:
            plots.show_kwic(lines, max_rows=max_kwic, caption=f"“{term}”：{len(lines)} 处")
""",
            ),
        ],
    )
    return nbs


def main(argv: list[str] | None = None) -> int:
    """Write every notebook (cleared of outputs) into notebooks/."""
    NOTEBOOKS.mkdir(exist_ok=True)
    for name, nb in notebooks().items():
        nbformat.validate(nb)
        path = NOTEBOOKS / f"{name}.ipynb"
        path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
