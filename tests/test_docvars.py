"""Document variables (issue 16): metadata-file columns, --path-vars, doc_type, grouping and filtering by
any variable, the safe where filter, and the stats and report commands on a foldered corpus."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import analysis as tl
from analysis.__main__ import main
from analysis.errors import AnalysisError, CorpusError
from analysis.ingest.corpus import IngestResult, ingest
from analysis.ingest.docvars import PathVars, infer_type
from analysis.ingest.metadata.doctype import extract_doc_type
from analysis.select import DocumentsLeftOut
from analysis.where import evaluate, parse_where

BODY = {
    "移动": "中国移动召开党风廉政建设工作会议。中国移动党组书记强调，要坚持全面从严治党，推进党风廉政建设。",
    "联通": "中国联通召开警示教育大会。中国联通党委要求，全面从严治党，持续推进作风建设和党风廉政建设。",
    "电信": "中国电信发布年度工作安排。中国电信坚持全面从严治党，深化改革，推进数字化转型和党风廉政建设。",
}


def _doc(title: str, date: str, company: str, extra: str = "") -> str:
    return f"{title}\n发布时间：{date}\n{extra}{BODY[company]}\n{BODY[company]}\n"


@pytest.fixture(scope="module")
def foldered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A corpus in subfolders (news/, reports/, white-papers/, one file at the top) and a metadata file
    with extra columns of every type."""
    root = tmp_path_factory.mktemp("foldered") / "corpus"
    files = {
        "news/n1.txt": _doc("中国移动召开2023年党风廉政建设工作会议", "2023-03-01", "移动"),
        "news/n2.txt": _doc("中国联通召开警示教育大会", "2023-05-10", "联通", "栏目：公司新闻\n"),
        "news/n3.txt": _doc("中国电信发布2023年可持续发展报告", "2024-01-15", "电信"),
        "news/n4.txt": _doc("中国移动深化全面从严治党", "2024-02-01", "移动"),
        "reports/r1.txt": _doc("中国联通2023年可持续发展报告", "2024-04-01", "联通"),
        "reports/r2.txt": _doc("关于开展党纪学习教育的通知", "2024-04-20", "电信"),
        "white-papers/w1.txt": _doc("《中国移动5G专网白皮书》", "2024-06-01", "移动"),
        "top.txt": _doc("中国电信深化改革", "2022-06-01", "电信"),
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    meta = root.parent / "meta.csv"
    meta.write_text(
        "path,genre,Region,pages,score,reviewed,date\n"
        "news/n4.txt,commentary,北京,3,0.5,2024-03-01,\n"
        "reports/r1.txt,,上海,60,1.25,2024-05-02,\n"
        "white-papers/w1.txt,,,40,,,\n"
        "top.txt,news,广东,,,,2022-07-01\n"
        "nowhere/x.txt,news,,,,,\n",
        encoding="utf-8",
    )
    return root, meta


@pytest.fixture(scope="module")
def ingested(foldered: tuple[Path, Path]) -> IngestResult:
    root, meta = foldered
    return tl.read_corpus(root, meta, path_vars="{genre}/*", progress=False)


@pytest.fixture(scope="module")
def corpus(ingested) -> pd.DataFrame:
    return ingested.corpus.set_index("path", drop=False)


# --------------------------------------------------------------------------- variables and their origin
def test_path_vars_and_metadata_precedence(corpus: pd.DataFrame) -> None:
    assert corpus.loc["news/n1.txt", "genre"] == "news"
    assert corpus.loc["news/n1.txt", "genre_from"] == "path"
    assert corpus.loc["reports/r2.txt", "genre"] == "reports"
    # the metadata file wins over the folder; an empty cell keeps the folder's value
    assert (corpus.loc["news/n4.txt", "genre"], corpus.loc["news/n4.txt", "genre_from"]) == ("commentary", "metadata")
    assert (corpus.loc["reports/r1.txt", "genre"], corpus.loc["reports/r1.txt", "genre_from"]) == ("reports", "path")
    # a file the pattern does not match gets its value from the metadata file only
    assert (corpus.loc["top.txt", "genre"], corpus.loc["top.txt", "genre_from"]) == ("news", "metadata")


def test_metadata_columns_are_typed(corpus: pd.DataFrame) -> None:
    assert str(corpus["pages"].dtype) == "Int64"
    assert corpus.loc["reports/r1.txt", "pages"] == 60 and pd.isna(corpus.loc["news/n1.txt", "pages"])
    assert str(corpus["score"].dtype) == "Float64" and corpus.loc["reports/r1.txt", "score"] == 1.25
    assert str(corpus["reviewed"].dtype) == "datetime64[ns]"
    assert corpus.loc["news/n4.txt", "reviewed"] == pd.Timestamp("2024-03-01")
    # column names are lower-cased; text stays text, '' when missing
    assert corpus.loc["top.txt", "region"] == "广东" and corpus.loc["news/n1.txt", "region"] == ""
    assert corpus.loc["top.txt", "region_from"] == "metadata" and corpus.loc["news/n1.txt", "region_from"] == ""


def test_builtin_origin_columns(corpus: pd.DataFrame) -> None:
    assert corpus.loc["top.txt", "date"] == pd.Timestamp("2022-07-01")
    assert corpus.loc["top.txt", "date_from"] == "metadata" and corpus.loc["top.txt", "year_from"] == "metadata"
    assert bool(corpus.loc["top.txt", "date_from_override"])
    assert corpus.loc["news/n1.txt", "date_from"] == "document" and corpus.loc["news/n1.txt", "year"] == 2023
    assert corpus.loc["news/n1.txt", "company_from"] == "document"


def test_report_names_unmatched_paths_and_rows(ingested) -> None:
    report = ingested.report
    assert ((report["path"] == "top.txt") & report["reason"].str.contains("does not match --path-vars")).any()
    assert report["reason"].str.contains("'nowhere/x.txt' matches no document").any()


def test_variables_in_corpus_csv(foldered: tuple[Path, Path], tmp_path: Path) -> None:
    root, meta = foldered
    ingest(root, tmp_path / "out", meta, path_vars="{genre}/*", progress=False)
    table = pd.read_csv(tmp_path / "out" / "corpus.csv", dtype=str, keep_default_na=False)
    assert {"genre", "genre_from", "region", "pages", "doc_type", "doc_type_source"} <= set(table.columns)
    again = tl.load_corpus(tmp_path / "out" / "corpus.parquet", progress=False)  # variables survive Parquet
    assert str(again["pages"].dtype) == "Int64" and set(again["genre"]) >= {"news", "reports", "white-papers"}


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("path,text\n", "clashes with a built-in column"),
        ("path,chars\n", "clashes with a built-in column"),
        ("path,company_source\n", "clashes"),
        ("path,genre_from\n", "reserved"),
        ("path,my genre\n", "is not a word"),
        ("path,genre,genre\n", "appears twice"),
    ],
)
def test_metadata_column_names_checked(tmp_path: Path, raw_dir: Path, header: str, message: str) -> None:
    meta = tmp_path / "m.csv"
    meta.write_text(header + "x.txt" + "," * header.count(",") + "\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=message):
        tl.load_corpus(raw_dir, meta, progress=False)


def test_cli_clash_is_a_clear_error(tmp_path: Path, raw_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    meta = tmp_path / "m.csv"
    meta.write_text("path,n_tokens\n", encoding="utf-8")
    assert main(["ingest", str(raw_dir), "--out", str(tmp_path / "o"), "--metadata", str(meta), "-q"]) == 2
    assert "n_tokens" in capsys.readouterr().err


# --------------------------------------------------------------------------------------- path patterns
def test_path_pattern_language() -> None:
    p = PathVars.parse("{company}/{year}/*")
    assert p.names == ("company", "year")
    assert p.match("中国移动/2023/a/b.pdf") == {"company": "中国移动", "year": "2023"}
    assert p.match("中国移动/a.pdf") is None
    q = PathVars.parse("{_}/{region}_{series}-*.txt")
    assert q.match("x/广东_党建-01.txt") == {"region": "广东", "series": "党建"}
    assert q.match("x/广东_党建-01.pdf") is None
    for bad, why in [("", "empty"), ("*/x", "no"), ("{a}/{a}/*", "twice"), ("{text}/*", "clashes"),
                     ("{ge/*", "unbalanced"), ("**/{genre}", "\\*\\*"), ("{1x}/*", "not a word")]:  # fmt: skip
        with pytest.raises(CorpusError, match=why):
            PathVars.parse(bad, ["text"])


def test_company_and_year_from_folders(tmp_path: Path) -> None:
    root = tmp_path / "c"
    for rel, (title, date, company) in {
        "China Mobile/2023/a.txt": ("党建工作动态", "2023-05-01", "联通"),  # the folder names the company
        "中国联通/2022/b.txt": ("作风建设推进会", "2024-01-02", "联通"),  # the stated date is in another year
        "中国电信/misc/c.txt": ("改革深化", "2021-01-02", "电信"),  # 'misc' is not a year
    }.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(_doc(title, date, company), encoding="utf-8")
    res = tl.read_corpus(root, path_vars="{company}/{year}/*", progress=False)
    c = res.corpus.set_index("path")
    a, b, cc = c.loc["China Mobile/2023/a.txt"], c.loc["中国联通/2022/b.txt"], c.loc["中国电信/misc/c.txt"]
    assert (a["company"], a["company_from"]) == ("中国移动", "path")  # alias mapped to the canonical name
    assert (a["year"], a["year_from"], a["date"]) == (2023, "path", pd.Timestamp("2023-05-01"))
    assert (b["year"], b["year_from"]) == (2022, "path") and pd.isna(b["date"])  # the folder wins, said
    assert "cleared" in b["date_source"]
    assert (cc["year"], cc["year_from"]) == (2021, "document")
    reasons = " ".join(res.report["reason"])
    assert "cleared" in reasons and "'misc' is not a year" in reasons


def test_infer_type() -> None:
    assert str(infer_type(["1", "", "3"]).dtype) == "Int64"
    assert str(infer_type(["1", "2.5"]).dtype) == "Float64"
    assert str(infer_type(["2024-01-02", ""]).dtype) == "datetime64[ns]"
    assert infer_type(["2024-13-45", "x"]).tolist() == ["2024-13-45", "x"]
    assert infer_type(["01", "inf"]).tolist() == ["01", "inf"]  # not every cell a finite number: text


# ---------------------------------------------------------------------------------------------- doc_type
@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        ("关于开展党纪学习教育的通知", "", "通知"),
        ("中国移动2023年可持续发展报告", "", "社会责任报告"),
        ("中国联通2022年企业社会责任报告（摘要）", "", "社会责任报告"),
        ("中国电信股份有限公司2023年年度报告", "", "年度报告"),
        ("《中国移动5G专网白皮书》", "", "白皮书"),
        ("算力网络白皮书（2023年）", "", "白皮书"),
        ("在2024年党风廉政建设工作会议上的讲话", "", "讲话"),
        ("中国电信发布2023年可持续发展报告", "", ""),  # news of a release, not the report
        ("中国联通召开警示教育大会", "", ""),
        ("中国联通召开警示教育大会", "栏目：公司新闻\n正文第一段。", "新闻"),
        ("", "2023\n社会责任报告\n中国联通", "社会责任报告"),
        ("", "白皮书\n通知\n", ""),  # first lines naming two types: unclear
        ("", "中国移动召开会议，部署年度报告编制工作。", ""),  # a sentence, not a cover line
    ],
)
def test_doc_type(title: str, text: str, expected: str) -> None:
    kind, evidence = extract_doc_type(title, text)
    assert kind == expected
    assert bool(evidence) == bool(expected)


def test_doc_type_from_front_matter() -> None:
    assert extract_doc_type("某标题", "", {"categories": ["news"]})[0] == "新闻"
    assert extract_doc_type("某标题", "", {"type": "White Paper"})[0] == "白皮书"
    assert extract_doc_type("某标题", "", {"tags": ["news"]})[0] == ""


def test_doc_type_in_corpus_and_cache(foldered: tuple[Path, Path], tmp_path: Path) -> None:
    root, _ = foldered
    first = tl.read_corpus(root, progress=False, cache_dir=tmp_path).corpus.set_index("path")
    second = tl.read_corpus(root, progress=False, cache_dir=tmp_path).corpus.set_index("path")
    for c in (first, second):
        assert c.loc["reports/r1.txt", "doc_type"] == "社会责任报告"
        assert c.loc["reports/r2.txt", "doc_type"] == "通知"
        assert c.loc["white-papers/w1.txt", "doc_type"] == "白皮书"
        assert c.loc["news/n2.txt", "doc_type"] == "新闻" and "栏目" in c.loc["news/n2.txt", "doc_type_source"]
        assert c.loc["news/n3.txt", "doc_type"] == "" and c.loc["news/n3.txt", "doc_type_from"] == ""
        assert c.loc["reports/r1.txt", "doc_type_from"] == "document"
    pd.testing.assert_frame_equal(first, second)
    from analysis.ingest.cache import RECORD_COLUMNS

    assert {"doc_type", "doc_type_source"} <= set(RECORD_COLUMNS)


def test_metadata_overrides_doc_type(foldered: tuple[Path, Path], tmp_path: Path) -> None:
    root, _ = foldered
    meta = tmp_path / "m.csv"
    meta.write_text("path,doc_type\nnews/n1.txt,新闻\n", encoding="utf-8")
    c = tl.load_corpus(root, meta, progress=False).set_index("path")
    assert (c.loc["news/n1.txt", "doc_type"], c.loc["news/n1.txt", "doc_type_from"]) == ("新闻", "metadata")
    assert "m.csv" in c.loc["news/n1.txt", "doc_type_source"]


# ------------------------------------------------------------------------------------------ where filter
def test_where_parse_and_evaluate(corpus: pd.DataFrame) -> None:
    c = corpus.reset_index(drop=True)
    conds = parse_where("genre == 'news' and year >= 2023")
    assert [str(x) for x in conds] == ["genre == 'news'", "year >= 2023"]
    assert set(c.loc[evaluate(c, conds), "path"]) == {"news/n1.txt", "news/n2.txt", "news/n3.txt"}
    assert set(c.loc[evaluate(c, "genre in ['reports', “white-papers”]"), "path"]) == {
        "reports/r1.txt", "reports/r2.txt", "white-papers/w1.txt"
    }  # fmt: skip
    assert evaluate(c, "pages > 10").sum() == 2  # missing numbers match no comparison
    assert evaluate(c, "pages != 3").sum() == len(c) - 1  # ... except != (and not in)
    assert evaluate(c, "genre not in [news, reports]").sum() == 2
    assert evaluate(c, "reviewed >= '2024-04-01'").sum() == 1
    assert evaluate(c, "region = 上海").sum() == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("__import__('os').system('touch /tmp/x')", "cannot read|expected"),
        ("genre == 'news' or 1 == 1", "'and'"),
        ("genre == news; import os", "cannot read"),
        ("genre < 'news'", "is text"),
        ("year == 'abc'", "holds numbers"),
        ("nosuch == 1", "no variable"),
        ("", "empty"),
        ("year > 1e999", "cannot read|finite"),
        ("genre in ['a'", "','"),
    ],
)
def test_where_refuses(corpus: pd.DataFrame, text: str, message: str) -> None:
    with pytest.raises(AnalysisError, match=message):
        evaluate(corpus.reset_index(drop=True), text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_where_parser_never_fails_otherwise(text: str) -> None:
    frame = pd.DataFrame({"genre": ["news", ""], "year": pd.array([2023, None], dtype="Int64")})
    try:
        mask = evaluate(frame, text)
    except AnalysisError:
        return
    assert mask.dtype == bool and len(mask) == 2


# ------------------------------------------------------------------------------- select / group / stats
def test_select_by_any_variable(corpus: pd.DataFrame) -> None:
    c = corpus.reset_index(drop=True)
    with pytest.warns(DocumentsLeftOut, match="not genre = news"):
        out = tl.select(c, genre="news", year=(2023, 2024))
    assert set(out["path"]) == {"news/n1.txt", "news/n2.txt", "news/n3.txt"}
    assert out.attrs["left_out"] == {"outside the years asked for": 1, "not genre = news": 4}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DocumentsLeftOut)
        assert set(tl.select(c, genre=["reports", "white-papers"], pages=(50, None))["path"]) == {"reports/r1.txt"}
        assert len(tl.select(c, where="doc_type == '白皮书'")) == 1
        tokens = tl.tokenize(c, progress=False)
        matrix = tl.dtm(tokens)
        assert set(tl.select(tokens, genre="reports").docvars["path"]) == {"reports/r1.txt", "reports/r2.txt"}
        assert tl.select(matrix, company="中国移动", genre="news").n_docs == 1
    with pytest.raises(AnalysisError, match="no document variable 'gnre'"):
        tl.select(c, gnre="news")


def test_group_by_variables_carried_downstream(corpus: pd.DataFrame) -> None:
    c = corpus.reset_index(drop=True)
    tokens = tl.tokenize(c, progress=False)
    assert {"genre", "pages", "doc_type"} <= set(tokens.docvars.columns)
    matrix = tl.dtm(tokens)
    grouped = matrix.group("genre")
    assert list(grouped.docvars["genre"]) == ["commentary", "news", "reports", "white-papers"]
    assert grouped.counts.sum() == matrix.counts.sum()  # grouping keeps every count
    freq = tl.frequency(matrix, by=["company", "genre"], top_n=3)
    assert "中国移动|news" in set(freq["group"])
    docs = freq.drop_duplicates("group").set_index("group")["group_docs"]
    assert docs["中国移动|news"] == 1 and docs["中国联通|reports"] == 1


def test_stats_cli_by_genre(foldered: tuple[Path, Path], tmp_path: Path) -> None:
    root, meta = foldered
    out = tmp_path / "stats"
    code = main([
        "stats", str(root), "--metadata", str(meta), "--path-vars", "{genre}/*", "--by", "genre",
        "--out", str(out), "--min-count", "1", "-q",
    ])  # fmt: skip
    assert code == 0
    freq = pd.read_csv(out / "frequency.csv")
    assert set(freq["group"]) == {"commentary", "news", "reports", "white-papers"}
    assert freq.groupby("group")["group_docs"].first().to_dict() == {
        "commentary": 1, "news": 4, "reports": 2, "white-papers": 1
    }  # fmt: skip
    assert set(pd.read_csv(out / "keyness.csv")["group"]) <= {"commentary", "news", "reports", "white-papers"}
    out2 = tmp_path / "stats2"
    code = main([
        "stats", str(root), "--metadata", str(meta), "--path-vars", "{genre}/*", "--by", "company,genre",
        "--where", "genre != 'news'", "--out", str(out2), "--min-count", "1", "-q",
    ])  # fmt: skip
    assert code == 0
    assert not any(g.endswith("|news") for g in pd.read_csv(out2 / "frequency.csv")["group"])


def test_report_group_by_genre(foldered: tuple[Path, Path], tmp_path: Path) -> None:
    from analysis.report import run_reports

    root, meta = foldered
    out = tmp_path / "reports"
    code = run_reports(
        root, meta, out, params={"group_by": "genre", "where": "genre != 'commentary'"},
        only=["00", "10"], progress=False, path_vars="{genre}/*", slides=False,
    )  # fmt: skip
    assert code == 0
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "genre != &#39;commentary&#39; (7 of 8 documents kept, 1 left out)" in index or "7 of 8" in index
    overview = (out / "00-corpus-overview.html").read_text(encoding="utf-8")
    assert "文档变量及其取值" in overview and "white-papers" in overview
    tables = list((out / "figures" / "10-keywords").glob("*.csv"))
    groups = set()
    for t in tables:
        frame = pd.read_csv(t)
        if "group" in frame.columns:
            groups |= set(frame["group"].astype(str))
    assert {"news", "reports", "white-papers"} <= groups and "commentary" not in groups
    kept = pd.read_parquet(out / "data" / "corpus.parquet")
    assert len(kept) == 7 and "genre" in kept.columns
    json.loads((out / "timings.json").read_text())


def test_report_refuses_bad_where_before_work(foldered: tuple[Path, Path], tmp_path: Path) -> None:
    from analysis.report import run_reports

    root, meta = foldered
    with pytest.raises(AnalysisError, match="where"):
        run_reports(root, meta, tmp_path / "r", params={"where": "__import__('os')"}, progress=False)
    assert not (tmp_path / "r" / "index.html").exists()


def test_ingest_cli_names_the_variables(
    foldered: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, meta = foldered
    args = ["ingest", str(root), "--out", str(tmp_path / "o"), "--metadata", str(meta), "-q"]
    assert main([*args, "--path-vars", "{genre}/*"]) == 0
    out = capsys.readouterr().out
    assert "genre (8 documents)" in out and "region (3 documents)" in out and "doc_type (4 documents)" in out
    assert main([*args, "--path-vars", "{genre"]) == 2
    assert "unbalanced" in capsys.readouterr().err
