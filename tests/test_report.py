"""Report runner: hostile text is escaped everywhere, a failing notebook keeps the last good report."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from html_view import visible
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analysis import config
from analysis.errors import AnalysisError
from analysis.report import notebook
from analysis.report import runner as report

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


@pytest.fixture
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A token cache for this test only, seen by the runner and by the kernels it starts."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("TEXTLAB_CACHE", str(cache))
    monkeypatch.setattr(config, "CACHE_DIR", cache)
    return cache


def assert_no_live_markup(html_text: str) -> None:
    assert "<script>alert" not in html_text
    assert not re.search(r"<img[^>]*onerror", html_text, flags=re.I)
    assert "<b>某" not in html_text
    assert "evil<script>" not in html_text


# ------------------------------------------------------------------------------------ hostile corpus


@pytest.fixture
def hostile_corpus(tmp_path: Path) -> tuple[Path, Path]:
    """Two documents with markup in title and body, plus metadata that puts markup in a title and a company.

    The cleaner strips complete tags from document text, but an unclosed ``<img ... onerror=`` survives,
    and metadata overrides are taken verbatim: both must reach the reports as text.
    """
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "001.txt").write_text(
        f"# {SCRIPT}中国联通召开全面从严治党工作会议\n\n发布时间：2024-01-30\n\n"
        f"中国联通坚持全面从严治党，{SCRIPT}推进党风廉政建设。{IMG}全面从严治党永远在路上。\n",
        encoding="utf-8",
    )
    (corpus / "003.txt").write_text(
        "中国联通党委会议\n\n发布时间：2022-01-14\n\n"
        "会上强调，中国联通要把全面从严治党要求贯彻到底 <img src=x onerror=alert(1) 全面从严治党向纵深发展。\n",
        encoding="utf-8",
    )
    (corpus / "002.txt").write_text(
        "中国移动召开主题教育总结会议\n\n发布时间：2023-05-18\n\n"
        "中国移动推动主题教育走深走实，全面从严治党取得新成效。主题教育成果持续巩固。\n",
        encoding="utf-8",
    )
    (corpus / "evil<script>.bin").write_bytes(b"not a document")  # skipped: listed in the ingest report
    metadata = tmp_path / "metadata.csv"
    pd.DataFrame(
        {
            "path": ["001.txt", "002.txt"],
            "title": [f"{SCRIPT}{IMG}中国联通全面从严治党", ""],
            "company": ["", "<b>某公司</b>"],
        }
    ).to_csv(metadata, index=False, encoding="utf-8")
    return corpus, metadata


def test_hostile_text_is_escaped_in_every_report(
    tmp_path: Path, hostile_corpus: tuple[Path, Path], private_cache: Path
) -> None:
    corpus, metadata = hostile_corpus
    out = tmp_path / "out"
    code = report.run_reports(
        corpus,
        metadata,
        out,
        params={"terms": "全面从严治党,onerror"},
        only=["00-corpus-overview", "50-term-explorer"],
        progress=False,
    )
    assert code == 0, (out / "index.html").read_text(encoding="utf-8")
    # precondition: the hostile strings really are in the ingested corpus
    ingested = pd.read_parquet(out / "data" / "corpus.parquet")
    assert ingested["title"].str.contains(SCRIPT, regex=False).any()
    body_markup = ingested["text"].str.contains("<img src=x onerror=alert(1)", regex=False).any()
    assert (ingested["company"] == "<b>某公司</b>").any()

    overview = (out / "00-corpus-overview.html").read_text(encoding="utf-8")
    explorer = (out / "50-term-explorer.html").read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    for page in (overview, explorer, index):
        assert_no_live_markup(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in overview  # titles in the tables
    assert "&lt;b&gt;某公司&lt;/b&gt;" in overview and "&lt;b&gt;某公司&lt;/b&gt;" in index
    assert "evil&lt;script&gt;.bin" in overview  # the ingest report's skipped file, as text
    assert "&lt;script&gt;alert(1)" in visible(explorer)  # document titles in the KWIC table
    # The cleaner strips complete tags from the text but (today) keeps an unclosed one: the KWIC table
    # must then show it as text next to the match.
    if body_markup:
        assert "&lt;img src=x" in visible(explorer)


# ------------------------------------------------------------------------------------ failing notebook


def _notebook(path: Path, body: str, title: str) -> None:
    params = 'corpus = ""\nmetadata = None\nfigures_dir = ""\nprogress = True\n'
    nb = new_notebook(
        cells=[
            new_markdown_cell(f"# {title}"),
            new_code_cell(params, metadata={"tags": ["parameters"]}),
            new_code_cell(body),
        ]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "small"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "中国联通召开警示教育会\n\n发布时间：2024-07-30\n\n中国联通召开警示教育会，推动全面从严治党向纵深发展。\n",
        encoding="utf-8",
    )
    return corpus


def test_failing_notebook_keeps_last_good_report(
    tmp_path: Path, small_corpus: Path, private_cache: Path
) -> None:
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    _notebook(nbs / "a-set.ipynb", "leak = 'from a-set'\nprint('a ran fine')", "第一份报告")
    _notebook(nbs / "b-bad.ipynb", "raise ValueError('deliberate failure <b>bold</b>')", "会失败的报告")
    _notebook(
        nbs / "c-check.ipynb",
        # a shared kernel must not leak names between reports, and counts restart at 1
        "assert 'leak' not in globals(), 'namespace leaked'\n"
        "assert get_ipython().execution_count == 3, get_ipython().execution_count\n"
        "print('c ran fine with corpus', corpus.endswith('corpus.parquet'))\n"
        "import sys\nprint('kernel python', sys.executable)",
        "第三份报告",
    )
    out = tmp_path / "out"
    (out / "figures" / "b-bad").mkdir(parents=True)
    (out / "b-bad.html").write_text("PREVIOUS GOOD REPORT", encoding="utf-8")
    (out / "figures" / "b-bad" / "old.png").write_bytes(b"previous figure")

    code = report.run_reports(small_corpus, None, out, notebooks_dir=nbs, jobs=1, progress=False)

    assert code == 1
    assert (out / "b-bad.html").read_text(encoding="utf-8") == "PREVIOUS GOOD REPORT"
    assert (out / "figures" / "b-bad" / "old.png").read_bytes() == b"previous figure"
    assert "a ran fine" in (out / "a-set.html").read_text(encoding="utf-8")
    checked = (out / "c-check.html").read_text(encoding="utf-8")
    assert "c ran fine with corpus True" in checked
    # kernel "python3" is the venv's own (found by papermill without any `ipykernel install`)
    assert f"kernel python {sys.executable}" in checked
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "ValueError: deliberate failure &lt;b&gt;bold&lt;/b&gt;" in index
    assert "<b>bold</b>" not in index
    assert 'href="failed/b-bad.html"' in index and (out / "failed" / "b-bad.html").is_file()
    assert 'href="a-set.html"' in index and 'href="b-bad.html"' not in index
    timings = json.loads((out / "timings.json").read_text(encoding="utf-8"))
    assert set(timings["notebooks"]) == {"a-set", "b-bad", "c-check"}
    assert timings["kernels_started"] == 1  # one worker, one kernel for all three
    for name, phases in timings["notebooks"].items():  # each code cell's seconds, and when it started
        assert phases["cell_s"] and min(phases["cell_s"]) >= 0, name
        assert sum(phases["cell_s"]) == pytest.approx(phases["cells_s"], abs=0.01), name
    starts = [timings["notebooks"][n]["started_s"] for n in ("a-set", "b-bad", "c-check")]
    assert 0 <= starts[0] < starts[1] < starts[2] < timings["notebooks_wall_s"]  # one kernel: one after another
    assert not list(out.glob(".*"))  # no temporary files left behind


def test_every_notebook_copes_with_one_company_and_no_dates(tmp_path: Path, private_cache: Path) -> None:
    corpus = tmp_path / "undated"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "中国联通召开警示教育会\n\n中国联通召开警示教育会，推动全面从严治党向纵深发展。坚持“两个维护”。\n",
        encoding="utf-8",
    )
    (corpus / "b.txt").write_text("联通党委学习会\n\n中国联通党委学习贯彻全面从严治党要求。\n", encoding="utf-8")
    out = tmp_path / "out"
    assert report.run_reports(corpus, None, out, progress=False) == 0
    overview = visible((out / "00-corpus-overview.html").read_text(encoding="utf-8"))
    assert "没有带日期的文档" in overview
    comparison = visible((out / "20-company-comparison.html").read_text(encoding="utf-8"))
    assert "关键词对比：无法计算" in comparison and "Traceback" not in comparison
    trends = visible((out / "30-year-trends.html").read_text(encoding="utf-8"))
    assert "没有带日期的文档" in trends


# ------------------------------------------------------------------------------------ helpers


def test_discover_and_only(tmp_path: Path) -> None:
    for name in ("00-corpus-overview", "50-term-explorer"):
        _notebook(tmp_path / f"{name}.ipynb", "pass", name)
    assert [p.stem for p in report.discover_notebooks(tmp_path, ["term-explorer"])] == ["50-term-explorer"]
    assert [p.stem for p in report.discover_notebooks(tmp_path, ["00"])] == ["00-corpus-overview"]
    with pytest.raises(AnalysisError, match="no such notebook"):
        report.discover_notebooks(tmp_path, ["nope"])
    with pytest.raises(AnalysisError, match="not found"):
        report.discover_notebooks(tmp_path / "missing")


def test_parameters_are_typed_and_checked() -> None:
    nbs = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))
    per_nb, effective = report._resolve_params(
        nbs, {"top_n": "7", "terms": "全面从严治党，主题教育", "year_min": "2023", "alpha": "0.01"}
    )
    assert per_nb["10-keywords"] == {"top_n": 7, "year_min": 2023}
    assert per_nb["50-term-explorer"]["terms"] == ["全面从严治党", "主题教育"]
    assert per_nb["20-company-comparison"]["alpha"] == 0.01
    assert effective["top_n"] == 7
    with pytest.raises(AnalysisError, match="unknown parameter"):
        report._resolve_params(nbs, {"colour": "red"})
    with pytest.raises(AnalysisError, match="set by the runner"):
        report._resolve_params(nbs, {"figures_dir": "/tmp"})
    with pytest.raises(AnalysisError, match="integer"):
        report._resolve_params(nbs, {"top_n": "many"})
    per_nb, _ = report._resolve_params(nbs, {"lang": "en", "figure_style": "slide"})
    assert all(v == {"lang": "en", "figure_style": "slide"} for v in per_nb.values())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"params": {"lang": "fr"}}, "lang"),
        ({"lang": "en", "params": {"lang": "zh"}}, "disagree"),
        ({"params": {"figure_style": "poster"}}, "figure_style"),
    ],
)
def test_language_and_style_are_checked_before_any_work(tmp_path: Path, kwargs: dict, message: str) -> None:
    with pytest.raises(AnalysisError, match=message):
        report.run_reports(tmp_path / "no-such-corpus", out=tmp_path / "out", progress=False, **kwargs)
    assert not (tmp_path / "out").exists()


def test_cli_report_language_options() -> None:
    from analysis.__main__ import build_parser

    args = build_parser().parse_args(["report", "--lang", "en", "--no-slides", "-p", "figure_style=paper"])
    assert args.lang == "en" and args.no_slides and args.param == ["figure_style=paper"]
    with pytest.raises(SystemExit):
        build_parser().parse_args(["report", "--lang", "fr"])


def test_index_escapes_everything() -> None:
    result = report.NotebookResult(name="x", title=SCRIPT, status="failed", error=f"ValueError: {IMG}")
    from dataclasses import asdict

    ctx = {
        "generated": "now",
        "corpus_path": SCRIPT,
        "metadata_path": "",
        "corpus_hash": "abc",
        "summary": {"documents": 1, "years": None, "undated": 1, "unattributed": 0, "duplicates": 0},
        "company_counts": [(IMG, 1)],
        "skipped": 0,
        "warnings": 0,
        "params": {"terms": [SCRIPT]},
        "show_code": False,
        "reports": [asdict(result)],
        "timings": {
            "ingest_s": 0,
            "tokenize_s": 0,
            "notebooks_wall_s": 0,
            "total_s": 0,
            "jobs": 1,
            "kernels_started": 1,
            "notebooks": {},
            "fixed_per_notebook_s": {"kernel_start_s": 0, "overhead_s": 0, "setup_s": 0, "convert_s": 0},
        },
        "versions": {"python": "3"},
        "n_failed": 1,
        "lang": "zh",
        "slides": "slides.pptx",
        "slides_note": SCRIPT,
    }
    page = report._render_index(ctx)
    assert_no_live_markup(page)
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 4
    assert 'href="slides.pptx"' in page and "幻灯片" in page
    english = report._render_index({**ctx, "lang": "en"})
    assert_no_live_markup(english)
    assert '<html lang="en">' in english and "Slide deck" in english and "幻灯片" not in english
    # every word the index writes itself is English: what is left in Chinese is corpus data only
    assert not re.search(r"[\u4e00-\u9fff]", visible(english))


def test_notebook_helpers() -> None:
    docs = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "path": ["a.txt", "b.txt", "c.txt"],
            "title": ["甲", "乙", "丙"],
            "company": ["中国联通", "", "中国移动"],
            "date": pd.to_datetime(["2022-01-14", "2024-02-22", None]),
            "year": pd.array([2022, 2024, None], dtype="Int64"),
            "chars": [10, 20, 30],
        }
    )
    table = notebook.company_year_table(docs)
    assert table.loc["中国联通", 2022] == 1 and table.loc["（未识别公司）", 2024] == 1
    assert "中国移动" not in table.index  # undated
    assert list(notebook.select_years(docs, 2023, None)["doc_id"]) == ["b"]
    assert notebook.select_years(docs) is docs
    assert list(notebook.incomplete_documents(docs)["missing"]) == ["公司", "日期"]
    assert notebook.group_columns("company, year") == ["company", "year"]
    assert notebook.group_label("company,year") == "公司×年份"
    with pytest.raises(AnalysisError, match="no dated document"):
        notebook.require_documents(docs.iloc[:0], 2030, None)
    kn = pd.DataFrame(
        {
            "group": ["甲"] * 3 + ["乙"] * 3,
            "reference": ["(rest)"] * 6,
            "term": ["x", "y", "z", "y", "z", "x"],
            "g2": [5.0, 1.0, -2.0, 4.0, 0.5, -3.0],
        }
    )
    pos = notebook.term_positions(kn, ["y", "x"])
    assert list(zip(pos["term"], pos["group"], pos["rank"], strict=True)) == [
        ("y", "乙", 1),
        ("y", "甲", 2),
        ("x", "甲", 1),
        ("x", "乙", 3),
    ]
    hi = notebook.keyness_highlights(kn, 1)
    assert list(hi["term"]) == ["x", "z", "y", "x"] and list(hi["direction"]) == ["多用", "少用"] * 2


def test_only_keeps_the_other_reports_in_the_index(tmp_path: Path, small_corpus: Path, private_cache: Path) -> None:
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    _notebook(nbs / "a-one.ipynb", "print('one')", "第一份")
    _notebook(nbs / "b-two.ipynb", "print('two')", "第二份")
    out = tmp_path / "out"
    assert report.run_reports(small_corpus, None, out, notebooks_dir=nbs, jobs=1, progress=False) == 0
    assert report.run_reports(small_corpus, None, out, notebooks_dir=nbs, only=["b-two"], progress=False) == 0
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count('href="a-one.html"') == 1 and index.count('href="b-two.html"') == 1
    assert index.count("本次未重新运行") == 1  # a-one is kept from the first run, and says so


def test_runner_never_holds_the_whole_text_and_warms_the_token_cache(
    tmp_path: Path, small_corpus: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The runner reads the texts a partition at a time (issue 12: at 1 GB it held them twice while the
    notebooks ran); the notebooks then find every document's tokens in the cache."""
    from analysis.engine.texts import CorpusTexts
    from analysis.ingest import corpus as ingest_corpus

    def whole(*args: object, **kwargs: object) -> None:
        raise AssertionError("the runner read the whole corpus text")

    monkeypatch.setattr(ingest_corpus, "load_corpus", whole)  # this process only: the kernels are others
    monkeypatch.setattr(CorpusTexts, "read_all", whole)
    (small_corpus / "b.txt").write_text("中国移动开展主题党日活动\n\n2023-05-04\n\n中国移动坚持党建引领。\n", encoding="utf-8")
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    check = (
        "import os, pathlib\nimport analysis as tl\n"
        "shards = lambda: sorted(pathlib.Path(os.environ['TEXTLAB_CACHE']).rglob('shard-*'))\n"
        "before = shards()\n"
        "tokens = tl.tokenize(tl.load_corpus(corpus, progress=False), progress=False)\n"
        "assert before and shards() == before, (before, shards())\n"
        "assert len(tokens) == 2 and all(len(d) for d in tokens.docs)\n"
    )
    _notebook(nbs / "a-cache.ipynb", check, "缓存")
    out = tmp_path / "out"
    assert report.run_reports(small_corpus, None, out, notebooks_dir=nbs, jobs=1, progress=False) == 0
    assert (out / "a-cache.html").is_file()


def test_the_runner_keeps_no_tokens_once_it_has_warmed_the_cache(
    tmp_path: Path, small_corpus: Path, private_cache: Path
) -> None:
    """At 1 GB the runner kept 0.4 GB of token codes through every notebook: the last partition it was
    given (which refers to the corpus's whole token block) and the shards it had read."""
    import gc

    from analysis import tokens as tokens_module
    from analysis.ingest.corpus import ingest, load_corpus_texts

    ingest(small_corpus, tmp_path / "data", progress=False)
    for _ in range(2):  # a cold cache, then a warm one (as when a report runs again): its shards are read
        docs, texts = load_corpus_texts(tmp_path / "data" / "corpus.parquet", progress=False)
        report._warm_token_cache(docs, texts, None)
    gc.collect()
    assert not [o for o in gc.get_objects() if isinstance(o, tokens_module._Block)]
    assert not tokens_module._READ_MEMO
    assert sorted(private_cache.rglob("shard-*"))  # the cache is warm: the kernels read it


def test_kernels_run_one_at_a_time_when_two_would_not_fit_in_memory(
    tmp_path: Path, small_corpus: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    docs = pd.DataFrame({"chars": [100_000_000, 200_000_000]})  # 300 M characters: about 7.5 GB a kernel
    monkeypatch.setenv("TEXTLAB_MEMORY_MB", str(16 * 1024))
    assert report._kernels_that_fit(docs) == 2
    monkeypatch.setenv("TEXTLAB_MEMORY_MB", str(8 * 1024))
    assert report._kernels_that_fit(docs) == 1
    assert report._kernels_that_fit(docs.iloc[:0]) == 2  # the libraries alone fit twice

    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    show_jobs = "import os; print('jobs=' + os.environ.get('TEXTLAB_JOBS', '?'))"
    _notebook(nbs / "a-one.ipynb", show_jobs, "第一份")
    _notebook(nbs / "b-two.ipynb", show_jobs, "第二份")
    monkeypatch.delenv("TEXTLAB_JOBS", raising=False)
    cores = config.n_jobs_default()
    monkeypatch.setenv("TEXTLAB_MEMORY_MB", "1")  # below one kernel: still one at a time, and said
    assert report.run_reports(small_corpus, None, tmp_path / "out", notebooks_dir=nbs, progress=True) == 0
    assert json.loads((tmp_path / "out" / "timings.json").read_text(encoding="utf-8"))["jobs"] == 1
    assert "1 notebook at a time" in capsys.readouterr().err
    assert f"jobs={cores}" in (tmp_path / "out" / "a-one.html").read_text(encoding="utf-8")  # one kernel: every core
    monkeypatch.delenv("TEXTLAB_MEMORY_MB")
    assert report.run_reports(small_corpus, None, tmp_path / "out2", notebooks_dir=nbs, progress=False) == 0
    assert json.loads((tmp_path / "out2" / "timings.json").read_text(encoding="utf-8"))["jobs"] == 2
    # two kernels share the cores: each one's worker processes and threads take half of them
    assert f"jobs={max(1, cores // 2)}" in (tmp_path / "out2" / "b-two.html").read_text(encoding="utf-8")


def test_the_warm_up_counts_the_phrases_the_notebooks_discover(
    tmp_path: Path, small_corpus: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With one kernel at a time the warm-up process counts the phrase candidates for the notebooks'
    ``phrase_min_count`` first; the notebook's ``discover_phrases`` reads (or waits for) that count and
    counts nothing itself (issue 12: about a minute of the kernel's time at 1 GB)."""
    monkeypatch.setattr(report, "WARMUP_MIN_DOCS", 0)
    monkeypatch.setattr(config, "n_jobs_default", lambda: 2)
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    params = 'corpus = ""\nmetadata = None\nfigures_dir = ""\nprogress = True\nphrase_min_count = 2\n'
    check = (
        "import importlib, pathlib, time\nimport analysis as tl\n"
        "ph = importlib.import_module('analysis.stats.phrases')\n"
        "found = lambda: list(pathlib.Path(ph.config.CACHE_DIR, 'phrases').glob('candidates-*'))\n"
        "deadline = time.monotonic() + 60\n"
        "while not found() and time.monotonic() < deadline:\n    time.sleep(0.05)\n"
        "assert found(), 'no warm-up counted'\n"
        "def no_count(*args, **kwargs):\n    raise AssertionError('the kernel counted')\n"
        "ph._count_ngrams = no_count\n"
        "tokens = tl.tokenize(tl.load_corpus(corpus, progress=False), progress=False)\n"
        "print(len(tl.discover_phrases(tokens, min_count=phrase_min_count)), 'phrases')\n"
    )
    nb = new_notebook(
        cells=[new_code_cell(params, metadata={"tags": ["parameters"]}), new_code_cell(check)]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(nbs / "a-phrases.ipynb"))
    out = tmp_path / "out"
    assert report.run_reports(small_corpus, None, out, notebooks_dir=nbs, jobs=1, progress=False) == 0
    assert "phrases" in (out / "a-phrases.html").read_text(encoding="utf-8")
    assert list(private_cache.glob("phrases/candidates-*.parquet"))


def test_one_kernel_leaves_a_core_that_warms_the_slogan_cache(
    tmp_path: Path, small_corpus: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With one kernel at a time (a large corpus) the idle core scans the slogans in a process of its
    own; the notebook's count waits for it and scans nothing itself (issue 12: at 1 GB the kernel forked
    two scan processes of its own size)."""
    monkeypatch.setattr(report, "WARMUP_MIN_DOCS", 0)
    monkeypatch.setattr(config, "n_jobs_default", lambda: 2)
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    check = (
        "import importlib, pathlib, time\nimport analysis as tl\n"
        "sc = importlib.import_module('analysis.stats._slogan_cache')\n"
        "locks = lambda: list(pathlib.Path(sc.config.CACHE_DIR, 'slogans').rglob('warming.lock'))\n"
        "deadline = time.monotonic() + 60\n"
        "while not locks() and time.monotonic() < deadline:\n    time.sleep(0.05)\n"
        "assert locks(), 'no warm-up ran'\n"
        "def no_scan(*args, **kwargs):\n    raise AssertionError('the kernel scanned')\n"
        "sc._scan = no_scan\n"
        "counts = tl.slogan_counts(tl.load_corpus(corpus, progress=False))\n"
        "assert '全面从严治党' in set(counts['slogan']), counts\n"
    )
    _notebook(nbs / "a-warm.ipynb", check, "提法")
    out = tmp_path / "out"
    assert report.run_reports(small_corpus, None, out, notebooks_dir=nbs, jobs=1, progress=False) == 0
    timings = json.loads((out / "timings.json").read_text(encoding="utf-8"))
    assert timings["slogan_warmup"]["returncode"] in (0, -15)  # done, or stopped as it ended
    assert list(private_cache.glob("slogans/*/shard-*.arrow"))
    # a small corpus: no warm-up (its kernel scans faster than a process starts)
    monkeypatch.setattr(report, "WARMUP_MIN_DOCS", 2)
    plain = tmp_path / "plain"
    plain.mkdir()
    _notebook(plain / "a-plain.ipynb", "print('plain')", "无")
    assert report.run_reports(small_corpus, None, tmp_path / "out2", notebooks_dir=plain, jobs=1, progress=False) == 0
    assert "slogan_warmup" not in json.loads((tmp_path / "out2" / "timings.json").read_text(encoding="utf-8"))


def test_workers_start_before_the_corpus_is_loaded_and_stop_when_ingestion_fails(
    tmp_path: Path, small_corpus: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forked before ingestion, the notebook workers inherit none of the corpus (at 1 GB a worker forked
    after it carried 1.3 GB of the runner's pages); a failed ingestion leaves no worker behind."""
    import multiprocessing

    from analysis.ingest import corpus as ingest_corpus

    real_ingest = ingest_corpus.ingest
    seen: list[int] = []

    def counting_ingest(*args: object, **kwargs: object) -> object:
        seen.append(len(multiprocessing.active_children()))
        return real_ingest(*args, **kwargs)

    monkeypatch.setattr(ingest_corpus, "ingest", counting_ingest)
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    _notebook(nbs / "a-one.ipynb", "print('one')", "第一份")
    _notebook(nbs / "b-two.ipynb", "print('two')", "第二份")
    assert report.run_reports(small_corpus, None, tmp_path / "out", notebooks_dir=nbs, progress=False) == 0
    assert seen == [2]
    assert multiprocessing.active_children() == []

    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "a.txt").write_bytes(b"")
    with pytest.raises(AnalysisError):
        report.run_reports(empty, None, tmp_path / "out2", notebooks_dir=nbs, progress=False)
    assert multiprocessing.active_children() == []
