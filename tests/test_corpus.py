"""Corpus ingestion: golden expectations for the sample documents, bad input, overrides, the CLI."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.__main__ import main
from analysis.errors import CorpusError
from analysis.ingest.corpus import CORPUS_COLUMNS, ingest, list_files, load_corpus, read_corpus

# Derived by hand from the five files in data/raw (see each file's header lines).
GOLDEN = {
    "000_80c5e8dbfcbfbb28.txt": ("2024-01-30", "中国联通", ""),
    "001_d018b7b22c4d4108.txt": ("2024-07-30", "中国联通", "新闻宣传中心"),
    "002_7056b8479da2a9af.txt": ("2023-05-18", "中国联通", "新闻宣传中心"),
    "003_376b9caba071efd0.txt": ("2022-01-14", "中国联通", "人民邮电报"),
    "004_83744d454e603408.txt": (None, "中国移动", ""),
}
GOLDEN_TITLE_START = {
    "000_80c5e8dbfcbfbb28.txt": "中国联通积极响应国务院国资委党风廉政建设和反腐败工作会议精神",
    "001_d018b7b22c4d4108.txt": "中国联通召开警示教育会",
    "002_7056b8479da2a9af.txt": "中国联通直属党委走在前、作表率",
    "003_376b9caba071efd0.txt": "中国联通召开党史学习教育总结会议",
    "004_83744d454e603408.txt": "中国移动:牢牢把握主题主线",
}


def _tree_state(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def extracted(raw_dir: Path) -> pd.DataFrame:
    """The sample corpus without overrides: what extraction alone finds."""
    return load_corpus(raw_dir, progress=False).set_index("path")


def test_columns_and_order(sample_corpus: pd.DataFrame) -> None:
    # Pinned literally: downstream code and users' notebooks rely on these names and this order.
    expected = [
        "doc_id", "path", "title", "date", "year", "company", "source", "script", "encoding", "format",
        "chars", "chars_mapped", "text", "content_hash", "duplicate_of", "title_from_override", "date_from_override",
        "company_from_override", "source_from_override", "removed_chars", "removed_text", "date_source", "company_source",
        "doc_type", "doc_type_source", "title_from", "date_from", "year_from", "company_from", "source_from",
        "doc_type_from",
    ]  # fmt: skip
    assert list(sample_corpus.columns) == expected == CORPUS_COLUMNS
    assert list(sample_corpus["path"]) == sorted(GOLDEN)
    assert sample_corpus["doc_id"].str.fullmatch(r"[0-9a-f]{12}").all()
    assert sample_corpus["doc_id"].is_unique
    assert str(sample_corpus["date"].dtype) == "datetime64[ns]"
    assert str(sample_corpus["year"].dtype) == "Int64"


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_extraction(extracted: pd.DataFrame, name: str) -> None:
    date, company, source = GOLDEN[name]
    row = extracted.loc[name]
    if date is None:
        assert pd.isna(row["date"]), "a document without a stated date must stay undated"
        assert pd.isna(row["year"])
    else:
        assert row["date"] == pd.Timestamp(date)
        assert row["year"] == int(date[:4])
    assert row["company"] == company
    assert row["source"] == source
    assert row["title"].startswith(GOLDEN_TITLE_START[name])
    assert row["encoding"] in {"utf-8", "ascii"}
    assert row["script"] == "simplified"
    assert row["chars"] == len(row["text"]) > 1000
    assert not any(row[f"{f}_from_override"] for f in ("title", "date", "company", "source"))


def test_cleaning_reached_the_corpus(extracted: pd.DataFrame) -> None:
    texts = extracted["text"]
    assert not texts.str.contains("<PAGE_DIV>").any()
    assert not texts.str.contains("<p>|<img|</p>", regex=True).any()
    assert not texts.str.contains("本文档为").any()
    assert not texts.str.contains("网站首页|责任编辑|返回首页", regex=True).any()
    assert "反腐败工作会议" in texts["000_80c5e8dbfcbfbb28.txt"]
    assert texts["000_80c5e8dbfcbfbb28.txt"].count("全面从严治党") == 12
    assert texts["000_80c5e8dbfcbfbb28.txt"].count("党风廉政建设") == 15


def test_repeated_paragraphs_counted_once_by_default(raw_dir: Path) -> None:
    once = load_corpus(raw_dir, progress=False).set_index("path")
    kept = load_corpus(raw_dir, keep_repeated=True, progress=False).set_index("path")
    name = "001_d018b7b22c4d4108.txt"
    assert kept.loc[name, "chars"] > once.loc[name, "chars"]
    # the other seeds repeat nothing
    assert kept.loc["003_376b9caba071efd0.txt", "text"] == once.loc["003_376b9caba071efd0.txt", "text"]


def test_removed_repeats_are_recorded_and_restorable(raw_dir: Path) -> None:
    from analysis.ingest.clean.repeats import removals_from_json, restore_repeats

    res = read_corpus(raw_dir, progress=False)
    once = res.corpus.set_index("path")
    kept = load_corpus(raw_dir, keep_repeated=True, progress=False).set_index("path")
    name = "001_d018b7b22c4d4108.txt"
    assert once.loc[name, "removed_chars"] == 114 == kept.loc[name, "chars"] - once.loc[name, "chars"]
    removals = removals_from_json(once.loc[name, "removed_text"])
    assert [r.reason for r in removals] == ["restated passage"]
    assert restore_repeats(once.loc[name, "text"], removals) == kept.loc[name, "text"]
    assert (once.drop(index=name)["removed_chars"] == 0).all() and (kept["removed_chars"] == 0).all()
    assert (once.drop(index=name)["removed_text"] == "").all()
    removed = res.report[res.report["status"] == "removed"]
    assert removed["path"].tolist() == [name]
    assert removed["reason"].iloc[0].startswith("114 characters removed as repeats (restated passage)")


def test_metadata_override_supplies_the_missing_date(sample_corpus: pd.DataFrame) -> None:
    row = sample_corpus.set_index("path").loc["004_83744d454e603408.txt"]
    assert row["date"] == pd.Timestamp("2024-02-22")
    assert row["year"] == 2024
    assert bool(row["date_from_override"]) is True
    assert not row["title_from_override"] and not row["company_from_override"]
    others = sample_corpus[sample_corpus["path"] != "004_83744d454e603408.txt"]
    assert not others["date_from_override"].any()


def test_traditional_and_encodings(tmp_path: Path) -> None:
    corpus_dir = tmp_path / "in"
    corpus_dir.mkdir()
    trad = "中國電信召開黨風廉政建設工作會議\n\n發布時間：2019年3月5日\n\n中國電信黨組書記主持會議，強調堅決做到「兩個維護」，推進全面從嚴治黨。"
    simp = "中国联通召开党风廉政建设工作会议\n\n发布时间：2021-06-01\n\n中国联通党组书记主持会议，强调坚决做到“两个维护”，推进全面从严治党向纵深发展。"
    (corpus_dir / "big5.txt").write_bytes(trad.encode("big5"))
    (corpus_dir / "gb.txt").write_bytes(simp.encode("gb18030"))
    (corpus_dir / "u16.txt").write_bytes(simp.replace("2021-06-01", "2021-06-02").encode("utf-16"))
    res = read_corpus(corpus_dir, progress=False)
    df = res.corpus.set_index("path")
    assert df.loc["big5.txt", "script"] == "traditional"
    assert df.loc["big5.txt", "company"] == "中国电信"
    assert df.loc["big5.txt", "date"] == pd.Timestamp("2019-03-05")
    assert "全面从严治党" in df.loc["big5.txt", "text"]  # converted to simplified for analysis
    assert df.loc["big5.txt", "encoding"].lower().startswith("big5")
    assert df.loc["gb.txt", "encoding"] == "gb18030"
    assert df.loc["u16.txt", "encoding"].startswith("utf-16")
    assert df.loc["u16.txt", "date"] == pd.Timestamp("2021-06-02")


def test_bad_files_are_skipped_and_reported(tmp_path: Path) -> None:
    corpus_dir = tmp_path / "in"
    (corpus_dir / "sub").mkdir(parents=True)
    good = "中国移动召开主题教育总结会议\n\n发布时间：2023-12-01\n\n中国移动党组坚持以高质量发展为主线，推进全面从严治党。"
    (corpus_dir / "good.txt").write_text(good, encoding="utf-8")
    (corpus_dir / "sub" / "good2.md").write_text(
        "# 标题：中国电信党建\n\n" + good.replace("移动", "电信"), encoding="utf-8"
    )
    (corpus_dir / "empty.txt").write_bytes(b"")
    (corpus_dir / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (corpus_dir / "scan.pdf").write_bytes(b"%PDF-1.4\nnot really a pdf")
    (corpus_dir / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    (corpus_dir / "dup.txt").write_text(good, encoding="utf-8")
    before = _tree_state(corpus_dir)

    res = read_corpus(corpus_dir, progress=False)

    assert sorted(res.corpus["path"]) == ["dup.txt", "good.txt", "sub/good2.md"]
    skipped = res.report[res.report["status"] == "skipped"].set_index("path")["reason"]
    assert set(skipped.index) == {"empty.txt", "binary.txt", "scan.pdf", "photo.jpg"}
    assert "empty" in skipped["empty.txt"]
    assert "unsupported" in skipped["photo.jpg"]
    dup = res.corpus.set_index("path")
    assert dup.loc["good.txt", "duplicate_of"] == dup.loc["dup.txt", "doc_id"]  # "dup.txt" sorts first
    assert _tree_state(corpus_dir) == before


def test_symlink_loop_is_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "in"
    (root / "a").mkdir(parents=True)
    (root / "a" / "x.txt").write_text("中国联通", encoding="utf-8")
    os.symlink(root, root / "a" / "loop")
    files = list_files(root)
    assert [p.relative_to(root).as_posix() for p in files] == ["a/x.txt"]


def test_ingest_writes_outputs_and_never_into_input(
    tmp_path: Path, raw_dir: Path, metadata_csv: Path
) -> None:
    before = _tree_state(raw_dir)
    out = tmp_path / "out"
    res = ingest(raw_dir, out, metadata_csv, progress=False)
    assert res.n_skipped == 0
    assert (out / "corpus.parquet").exists()
    table = pd.read_csv(out / "corpus.csv", dtype=str, keep_default_na=False)
    assert "text" not in table.columns
    assert table.set_index("path").loc["004_83744d454e603408.txt", "date"] == "2024-02-22"
    back = load_corpus(out / "corpus.parquet")
    assert back["text"].tolist() == res.corpus["text"].tolist()
    assert _tree_state(raw_dir) == before
    with pytest.raises(CorpusError, match="inside the input folder"):
        ingest(raw_dir.parent, raw_dir.parent / "out", progress=False)


def test_an_ingested_corpus_read_with_overrides_keeps_its_hashes(
    tmp_path: Path, raw_dir: Path, metadata_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Overrides never change the text: reading corpus.parquet with a metadata file hashes no text again
    (it did twice, row by row: 18 s of a 21 s load at 1 GB), unless a row lacks its hash."""
    out = tmp_path / "out"
    ingest(raw_dir, out, progress=False)
    plain = read_corpus(out / "corpus.parquet", progress=False).corpus
    corpus_module = sys.modules[read_corpus.__module__]
    hashed: list[str] = []
    real = corpus_module._content_hash
    monkeypatch.setattr(corpus_module, "_content_hash", lambda text: hashed.append(text) or real(text))
    res = read_corpus(out / "corpus.parquet", metadata_csv, progress=False)
    assert hashed == []
    overridden = res.corpus.set_index("path")
    assert overridden.loc["004_83744d454e603408.txt", "date"] == pd.Timestamp("2024-02-22")
    assert res.corpus["content_hash"].tolist() == plain["content_hash"].tolist()
    assert res.corpus["content_hash"].tolist() == [
        hashlib.sha256(t.encode("utf-8")).hexdigest() for t in res.corpus["text"]
    ]
    stale = tmp_path / "stale" / "corpus.parquet"  # a row whose hash is missing gets it computed
    stale.parent.mkdir()
    table = pd.read_parquet(out / "corpus.parquet")
    table.loc[0, "content_hash"] = ""
    table.to_parquet(stale)
    again = read_corpus(stale, metadata_csv, progress=False).corpus
    assert hashed == [table.loc[0, "text"]]
    assert again["content_hash"].tolist() == res.corpus["content_hash"].tolist()


def _settle(*paths: Path, age_s: float = 60.0) -> None:
    """Date the files back: a file changed within the last seconds is always read again (analysis._memo)."""
    import time

    for p in paths:
        t = time.time() - age_s
        os.utime(p, (t, t))


def test_a_second_read_of_an_unchanged_corpus_file_gives_the_kept_table(
    tmp_path: Path, raw_dir: Path, metadata_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A report's notebooks each read corpus.parquet in one kernel: the second read of the same unchanged
    files reads nothing, and nothing a caller does to a table it got reaches the next one."""
    out = tmp_path / "out"
    ingest(raw_dir, out, progress=False)
    parquet = out / "corpus.parquet"
    meta = tmp_path / "meta.csv"
    meta.write_bytes(metadata_csv.read_bytes())
    _settle(parquet, out / "ingest_report.csv", meta)
    corpus_module = sys.modules[read_corpus.__module__]
    reads: list[Path] = []
    real = corpus_module._read_ingested
    monkeypatch.setattr(corpus_module, "_read_ingested", lambda p, *a, **k: reads.append(p) or real(p, *a, **k))
    first = read_corpus(parquet, progress=False)
    expected = first.corpus.copy(deep=True)
    first.corpus.loc[0, "title"] = "改过的标题"  # the caller's table is its own
    first.corpus["extra"] = 1
    first.report.loc[len(first.report)] = ["x.txt", "skipped", "a note"]
    again = read_corpus(parquet, progress=False)
    assert reads == [parquet]
    pd.testing.assert_frame_equal(again.corpus, expected)
    assert "x.txt" not in again.report["path"].tolist()
    with_meta = read_corpus(parquet, meta, progress=False)  # other settings: read
    assert len(reads) == 2
    assert with_meta.corpus.set_index("path").loc["004_83744d454e603408.txt", "date"] == pd.Timestamp("2024-02-22")
    meta.write_text(meta.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # an edited metadata file
    _settle(meta, age_s=30)
    read_corpus(parquet, meta, progress=False)
    assert len(reads) == 3
    table = pd.read_parquet(parquet)  # corpus.parquet rewritten
    table.loc[0, "title"] = "新的标题"
    table.to_parquet(parquet)
    assert read_corpus(parquet, progress=False).corpus.loc[0, "title"] == "新的标题"  # just written: read
    _settle(parquet, age_s=10)
    assert read_corpus(parquet, progress=False).corpus.loc[0, "title"] == "新的标题"
    n = len(reads)
    assert read_corpus(parquet, progress=False).corpus.loc[0, "title"] == "新的标题"
    assert len(reads) == n  # settled and unchanged: kept


def test_bad_metadata_file_is_a_clear_error(tmp_path: Path, raw_dir: Path) -> None:
    bad = tmp_path / "meta.csv"
    bad.write_text("file,date\nx.txt,2024-01-01\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="'path' column"):
        load_corpus(raw_dir, bad, progress=False)
    odd = tmp_path / "odd.csv"
    odd.write_text("path,date\nnope.txt,2024-01-01\n004_83744d454e603408.txt,2024-13-45\n", encoding="utf-8")
    res = read_corpus(raw_dir, odd, progress=False)
    corpus = res.corpus
    reasons = " ".join(res.report["reason"])
    assert "matches no document" in reasons and "invalid date" in reasons
    assert pd.isna(corpus.set_index("path").loc["004_83744d454e603408.txt", "date"])


def test_cli_exit_codes(tmp_path: Path, raw_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", str(raw_dir), "--out", str(tmp_path / "ok"), "-q"]) == 0
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    (mixed / "a.txt").write_text(
        "中国联通召开会议\n\n发布时间：2020-01-02\n\n会议强调全面从严治党。", encoding="utf-8"
    )
    (mixed / "b.txt").write_bytes(b"")
    assert main(["ingest", str(mixed), "--out", str(tmp_path / "m"), "-q"]) == 1
    report = pd.read_csv(tmp_path / "m" / "ingest_report.csv")
    assert report["path"].tolist() == ["b.txt"]
    assert main(["ingest", str(tmp_path / "missing"), "--out", str(tmp_path / "x"), "-q"]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_cli_module_runs_as_a_process(tmp_path: Path, raw_dir: Path) -> None:
    out = tmp_path / "o"
    proc = subprocess.run(
        [sys.executable, "-m", "analysis", "ingest", str(raw_dir), "--out", str(out), "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "ingested 5 documents" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_oversized_file_is_skipped_without_reading(tmp_path: Path) -> None:
    corpus_dir = tmp_path / "in"
    corpus_dir.mkdir()
    (corpus_dir / "ok.txt").write_text(
        "中国铁塔召开会议\n\n发布时间：2022-02-02\n\n会议部署全面从严治党工作。", encoding="utf-8"
    )
    with open(corpus_dir / "huge.txt", "wb") as fh:  # sparse: 200 MB on paper, nothing on disk
        fh.truncate(200 * 1024 * 1024)
    res = read_corpus(corpus_dir, progress=False)
    assert res.corpus["path"].tolist() == ["ok.txt"]
    reason = res.report.set_index("path").loc["huge.txt", "reason"]
    assert "MB" in reason or "large" in reason


def test_bad_alias_file_is_one_clear_error(
    tmp_path: Path, raw_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "o"
    assert (
        main(["ingest", str(raw_dir), "--out", str(out), "-q", "--companies", str(tmp_path / "nope.csv")])
        == 2
    )
    assert "nope.csv" in capsys.readouterr().err
    assert not (out / "corpus.parquet").exists()


def test_nothing_ingested_keeps_the_previous_corpus(tmp_path: Path, raw_dir: Path) -> None:
    out = tmp_path / "o"
    assert main(["ingest", str(raw_dir), "--out", str(out), "-q"]) == 0
    before = (out / "corpus.parquet").read_bytes()
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "blank.txt").write_bytes(b"")
    assert main(["ingest", str(empty), "--out", str(out), "-q"]) == 2
    assert (out / "corpus.parquet").read_bytes() == before
    assert "blank.txt" in (out / "ingest_report.csv").read_text(encoding="utf-8")


def test_company_override_uses_the_canonical_name(tmp_path: Path, raw_dir: Path) -> None:
    meta = tmp_path / "m.csv"
    meta.write_text(
        "path,company\n004_83744d454e603408.txt,中移动\n000_80c5e8dbfcbfbb28.txt,某研究院\n", encoding="utf-8"
    )
    df = load_corpus(raw_dir, meta, progress=False).set_index("path")
    assert df.loc["004_83744d454e603408.txt", "company"] == "中国移动"
    assert df.loc["000_80c5e8dbfcbfbb28.txt", "company"] == "某研究院"  # unknown names are kept as written
    assert df.loc["000_80c5e8dbfcbfbb28.txt", "company_from_override"]


def test_metadata_failure_keeps_the_document(
    tmp_path: Path, raw_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import analysis.ingest.corpus as corpus_mod

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(corpus_mod, "describe_each", broken)
    res = read_corpus(raw_dir, progress=False, n_jobs=1, cache=False)
    assert len(res.corpus) == 5 and res.corpus["date"].isna().all()
    warnings = res.report[res.report["status"] == "warning"]
    assert len(warnings) == 5 and warnings["reason"].str.contains("metadata extraction failed").all()


def _write_chinese_pdf(path: Path, lines: list[str]) -> None:
    """A real PDF with a Chinese text layer: matplotlib with the project's CJK font, TrueType embedded."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from analysis.fonts import use_cjk_font

    use_cjk_font()
    with matplotlib.rc_context({"pdf.fonttype": 42}):
        fig = plt.figure(figsize=(8.27, 11.69))
        for i, line in enumerate(lines):
            fig.text(0.08, 0.92 - 0.04 * i, line, fontsize=12)
        fig.savefig(path)
        plt.close(fig)


def test_pdf_and_docx_documents_end_to_end(tmp_path: Path) -> None:
    import docx

    corpus_dir = tmp_path / "in"
    corpus_dir.mkdir()
    _write_chinese_pdf(
        corpus_dir / "telecom.pdf",
        [
            "中国电信召开党风廉政建设工作会议",
            "发布时间：2021年3月15日",
            "中国电信党组坚持全面从严治党，推动高质量发展。",
        ],
    )
    document = docx.Document()
    for para in (
        "中国铁塔召开主题教育总结会议",
        "发布日期：2023-12-20  来源：中国铁塔",
        "会议强调坚决做到“两个维护”。",
    ):
        document.add_paragraph(para)
    document.save(str(corpus_dir / "tower.docx"))

    df = read_corpus(corpus_dir, progress=False).corpus.set_index("path")
    pdf, word = df.loc["telecom.pdf"], df.loc["tower.docx"]
    assert (pdf["format"], pdf["company"], pdf["date"]) == ("pdf", "中国电信", pd.Timestamp("2021-03-15"))
    assert pdf["title"] == "中国电信召开党风廉政建设工作会议"
    assert "全面从严治党" in pdf["text"]
    assert (word["format"], word["company"], word["date"]) == ("docx", "中国铁塔", pd.Timestamp("2023-12-20"))
    assert word["source"] == "中国铁塔"
