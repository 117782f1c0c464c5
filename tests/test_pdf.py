"""Tests for analysis.ingest.pdf: the layout reader on PDFs made by real producers (tests/fixtures/pdf/,
rebuilt by make_fixtures.py there), layout rules on synthetic glyphs, unusable text layers, and OCR.

The expectations (expected.json, the .txt versions) were written by hand with the articles; the fixtures
are a regression test of our own making, not evidence of accuracy on real collections.
"""

from __future__ import annotations

import difflib
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.__main__ import build_parser
from analysis.errors import ReadError
from analysis.ingest import pdf as pdfmod
from analysis.ingest.clean.chars import map_chars
from analysis.ingest.corpus import read_corpus
from analysis.ingest.pdf import Glyph, garbage_reason, layout_text, ocr_available, read_pdf_layout
from analysis.ingest.readers import read_document

FIXTURES = Path(__file__).parent / "fixtures" / "pdf"
EXPECTED: dict[str, dict] = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
TEXT_FIXTURES = [name for name, exp in EXPECTED.items() if not exp["unusable"]]
UNUSABLE_FIXTURES = [name for name, exp in EXPECTED.items() if exp["unusable"]]
RADICALS = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf]")
PRINT_TIME = re.compile(r"\d{1,2}/\d{1,2}/\d{2,4},?\s*\d{1,2}:\d{2}\s*[AP]M")


def _squash(text: str) -> str:
    return "".join(text.split())


def _article(name: str) -> list[str]:
    """The text version's non-empty lines: title, header line, paragraphs."""
    return [ln for ln in (FIXTURES / f"{name}.txt").read_text(encoding="utf-8").splitlines() if ln.strip()]


def _read(name: str, **kwargs) -> str:
    path = FIXTURES / f"{name}.pdf"
    return read_pdf_layout(path.read_bytes(), path, **kwargs)[0]


@pytest.fixture(scope="module")
def fixture_rows(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """Every fixture ingested twice, as PDF and as its text version (separate folders: no duplicates)."""
    rows = []
    for kind in ("pdf", "txt"):
        folder = tmp_path_factory.mktemp(kind)
        for name in EXPECTED:
            shutil.copy(FIXTURES / f"{name}.{kind}", folder / f"{name}.{kind}")
        result = read_corpus(folder, progress=False)
        corpus = result.corpus.assign(kind=kind, name=result.corpus["path"].str.rsplit(".", n=1).str[0])
        rows.append(corpus)
        if kind == "pdf":
            rows.append(result.report.assign(kind="report", name=result.report["path"].str.rsplit(".", n=1).str[0]))
    return pd.concat(rows, ignore_index=True)


def test_fixtures_are_small_and_from_real_producers() -> None:
    total = sum(p.stat().st_size for p in FIXTURES.glob("*.pdf"))
    assert total < 1_000_000
    producers = {name: read_document(FIXTURES / f"{name}.pdf").meta.get("producer", "") for name in TEXT_FIXTURES}
    assert producers["chromium_header"].startswith("Skia/PDF") and producers["lo_footer"].startswith("LibreOffice")
    assert set(EXPECTED) <= {p.stem for p in FIXTURES.glob("*.pdf")}


@pytest.mark.parametrize("name", TEXT_FIXTURES)
def test_pdf_gives_the_same_corpus_row_as_its_text_version(fixture_rows: pd.DataFrame, name: str) -> None:
    both = fixture_rows[fixture_rows["name"] == name].set_index("kind")
    pdf, txt = both.loc["pdf"], both.loc["txt"]
    expected = EXPECTED[name]
    for field in ("title", "company"):
        assert pdf[field] == txt[field] == expected[field], field
    want = pd.Timestamp(expected["date"]) if expected["date"] else pd.NaT
    assert (pd.isna(pdf["date"]) and pd.isna(want)) or pdf["date"] == want
    assert (pd.isna(txt["date"]) and pd.isna(want)) or txt["date"] == want
    assert not RADICALS.search(pdf["text"])
    ratio = difflib.SequenceMatcher(None, pdf["text"], txt["text"], autojunk=False).ratio()
    assert ratio >= 0.99, ratio


@pytest.mark.parametrize("name", TEXT_FIXTURES)
def test_layout_gives_the_articles_lines_and_paragraphs(name: str) -> None:
    """Title, the header line on its own, each paragraph as one block: nothing joined, nothing split."""
    blocks = [_squash(b) for b in _read(name).split("\n\n")]
    assert blocks == [_squash(line) for line in _article(name)]


def test_running_headers_and_footers_removed() -> None:
    header = _read("chromium_header")
    raw = "".join(pdfmod._pdfium_page(p, __import__("pypdfium2.raw").raw)[2] for p in _pages("chromium_header"))
    assert PRINT_TIME.search(raw) and "1/2" in raw and "file://" in raw  # the browser did print them
    assert not PRINT_TIME.search(header) and "1/2" not in header and "2/2" not in header
    assert "file://" not in header
    assert header.split("\n\n")[0] == EXPECTED["chromium_header"]["title"]  # the header's title is gone
    footer = _read("lo_footer")
    assert not re.search(r"第\s*\d+\s*页", footer)
    blocks = footer.split("\n\n")
    assert blocks[0] == EXPECTED["lo_footer"]["title"] and blocks[1].startswith("责任编辑")
    two = _read("lo_two_column")
    assert not re.search(r"(?m)^\s*\d+\s*$", two)  # bare page numbers


def _pages(name: str):
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument((FIXTURES / f"{name}.pdf").read_bytes())
    return [doc[i] for i in range(len(doc))]


def test_print_timestamp_never_becomes_a_date(fixture_rows: pd.DataFrame) -> None:
    pdf = fixture_rows[fixture_rows["kind"] == "pdf"].set_index("name")
    assert pd.isna(pdf.loc["chromium_undated", "date"])
    assert pdf.loc["chromium_header", "date"] == pd.Timestamp("2022-04-25")
    printed = _read("chromium_undated")
    assert not re.search(r"\d{1,2}:\d{2}", printed)


def test_word_broken_at_line_end_is_joined() -> None:
    import pypdfium2.raw as raw

    rows = [r.text for r in pdfmod._rows(pdfmod._pdfium_page(_pages("chromium_plain")[0], raw)[0])]
    assert not any("CloudNativeMicroserviceArchitecture" in r for r in rows)  # broken in the PDF
    assert "CloudNativeMicroserviceArchitecture" in _read("chromium_plain")


def test_two_columns_are_read_column_by_column() -> None:
    text = _squash(_read("lo_two_column"))
    for paragraph in _article("lo_two_column")[2:]:
        assert _squash(paragraph) in text


def test_radicals_of_the_raw_text_layer_are_mapped() -> None:
    """pypdf returns the radicals Chromium's ToUnicode maps name (⻓ for 长); the map repairs them."""
    pypdf = pytest.importorskip("pypdf")
    raw = "".join(p.extract_text() for p in pypdf.PdfReader(FIXTURES / "chromium_header.pdf").pages)
    assert RADICALS.search(raw)
    assert not RADICALS.search(map_chars(raw))
    assert "以人民为中心" in map_chars(raw) and "以人民为中心" not in raw


@pytest.mark.parametrize("name", UNUSABLE_FIXTURES)
def test_unusable_pdfs_are_reported_with_the_reason(fixture_rows: pd.DataFrame, name: str) -> None:
    report = fixture_rows[(fixture_rows["kind"] == "report") & (fixture_rows["name"] == name)]
    assert len(report) == 1
    row = report.iloc[0]
    assert row["status"] == "skipped"
    assert row["reason"].startswith("no usable text")
    assert EXPECTED[name]["unusable"] in row["reason"]
    assert "--ocr" in row["reason"]
    pdf = fixture_rows[fixture_rows["kind"] == "pdf"]
    assert f"{name}.pdf" not in set(pdf["path"])


def test_ocr_missing_names_the_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdfmod.shutil, "which", lambda name: None)
    available, detail = ocr_available()
    assert not available and "tesseract-ocr-chi-sim" in detail and "tesseract-ocr-chi-tra" in detail
    with pytest.raises(ReadError, match="tesseract-ocr tesseract-ocr-chi-sim"):
        read_document(FIXTURES / "scanned.pdf", ocr=True)


@pytest.mark.skipif(not ocr_available()[0], reason="Tesseract with chi_sim is not installed (.ci/run installs it)")
@pytest.mark.parametrize("name", UNUSABLE_FIXTURES)
def test_ocr_reads_scanned_and_garbage_pages(tmp_path: Path, name: str) -> None:
    shutil.copy(FIXTURES / f"{name}.pdf", tmp_path / f"{name}.pdf")
    result = read_corpus(tmp_path, progress=False, ocr=True)
    assert len(result.corpus) == 1, result.report
    row = result.corpus.iloc[0]
    expected = EXPECTED[name]
    assert row["company"] == expected["company"]
    assert row["date"] == pd.Timestamp(expected["date"])
    assert difflib.SequenceMatcher(None, row["title"], expected["title"]).ratio() >= 0.8
    truth = "".join(_article(name))
    assert difflib.SequenceMatcher(None, _squash(row["text"]), _squash(truth), autojunk=False).ratio() >= 0.85
    assert "以人民为中心" in row["text"]


def test_cli_has_ocr_option() -> None:
    args = build_parser().parse_args(["ingest", "in", "--out", "out", "--ocr"])
    assert args.ocr is True
    assert build_parser().parse_args(["ingest", "in", "--out", "out"]).ocr is False


# --- layout rules on synthetic glyphs (points, y downwards, one glyph per character) ----------------

WIDTH, HEIGHT = 600.0, 800.0


def line(text: str, x: float, y: float, size: float = 12.0) -> list[Glyph]:
    out: list[Glyph] = []
    for ch in text:
        w = size if ord(ch) > 0x2000 else size * 0.5
        if ch != " ":
            out.append(Glyph(ch, x, x + w, y, y + size * 1.2, size))
        elif out:
            out[-1].space_after = True  # as PDFium reports a space of the text layer
        x += w
    return out


def page(*lines: list[Glyph]) -> tuple[float, float, list[Glyph]]:
    return WIDTH, HEIGHT, [g for ln in lines for g in ln]


FULL = "一" * 40  # 40 characters of 12 pt: from x=60 to the right edge at 540


def test_indent_starts_a_paragraph_and_punctuation_alone_does_not() -> None:
    text = layout_text(
        [
            page(
                line("　　" + "二" * 38, 60, 100),  # indented first line (ideographic spaces are not drawn)
                line("三" * 39 + "。", 60, 120),  # full width, ends with 。, next line not indented
                line("四" * 40, 60, 140),
                line("五" * 10, 60, 160),  # short: ends the paragraph
                line("六" * 38, 84, 180),  # indented
                line("七" * 5, 60, 200),
            )
        ]
    )
    assert text.split("\n\n") == ["二" * 38 + "三" * 39 + "。" + "四" * 40 + "五" * 10, "六" * 38 + "七" * 5]


def test_vertical_gap_starts_a_paragraph() -> None:
    rows = [line(FULL, 60, 100 + 20 * i) for i in range(4)] + [line(FULL, 60, 200 + 20 * i) for i in range(3)]
    assert layout_text([page(*rows)]).split("\n\n") == [FULL * 4, FULL * 3]


def test_short_header_lines_stay_lines() -> None:
    text = layout_text(
        [
            page(
                line("中国移动召开工作会议", 200, 60, 16),
                line("时间：2022-04-25 14:11:11 来源：中国移动 作者：张青", 60, 100),
                line(FULL, 60, 120),
                line(FULL, 60, 140),
                line("五" * 20, 60, 160),
            )
        ]
    )
    blocks = text.split("\n\n")
    assert blocks[0] == "中国移动召开工作会议"
    assert blocks[1] == "时间：2022-04-25 14:11:11 来源：中国移动 作者：张青"
    assert blocks[2] == FULL * 2 + "五" * 20


def test_repeated_headers_page_numbers_and_browser_furniture_removed() -> None:
    pages = []
    for n in range(1, 4):
        pages.append(
            page(
                line("11/29/26, 12:29 AM 中国移动召开工作会议", 30, 10, 8),
                line("中国移动报 2022年第3期", 60, 40, 9),
                *[line(FULL, 60, 100 + 20 * i) for i in range(5)],
                line(f"第 {n} 页 共 3 页", 260, 740, 9),
                line(f"file:///home/user/news/a.html {n}/3", 30, 780, 8),
            )
        )
    text = layout_text(pages)
    assert text == FULL * 15
    # A single page: no repetition to go by, the furniture patterns alone decide; the body stays.
    single = layout_text(
        [page(line("2024/05/06 13:02 标题", 30, 10, 8), line(FULL, 60, 100), line("- 1 -", 290, 760, 9))]
    )
    assert single == FULL


def test_continuation_across_pages_and_columns() -> None:
    first = page(*[line(FULL, 60, 100 + 20 * i) for i in range(3)])
    second = page(line(FULL, 60, 100), line("八" * 10, 60, 120), line("九" * 38, 84, 140))
    assert layout_text([first, second]).split("\n\n") == [FULL * 4 + "八" * 10, "九" * 38]


def test_two_column_page() -> None:
    left = [line("左" * 18, 60, 120 + 20 * i) for i in range(6)] + [line("左" * 5, 60, 240)]
    right = [line("　　" + "右" * 16, 300, 120)] + [line("右" * 18, 300, 140 + 20 * i) for i in range(6)]
    title = line("标题横跨两栏的新闻标题", 200, 60, 18)
    text = layout_text([page(title, *left, *right)])
    assert text.split("\n\n") == ["标题横跨两栏的新闻标题", "左" * (18 * 6 + 5), "右" * (16 + 18 * 6)]


def test_latin_words_at_line_ends() -> None:
    text = layout_text(
        [
            page(
                line("一" * 36 + "Transfor", 60, 100),  # full width: a word broken without a hyphen
                line("mation" + "二" * 30 + "and inter-", 60, 120),  # a hyphenated break
                line("national " + "二" * 30, 60, 140),
                line("三" * 5, 60, 160),
            )
        ]
    )
    assert "Transformation" in text and "international" in text


@pytest.mark.parametrize(
    ("text", "errors", "expected"),
    [
        ("中国移动召开党建工作会议", 0, None),
        ("\ue001\ue002\ue003\ue004中国", 0, "private-use"),
        ("日月入Zª", 5, "no Unicode map"),
        ("(cid:12)(cid:13)(cid:14)(cid:15)", 0, "CID"),
        ("ä¸­å›½ç§»åŠ¨å¬å¼€", 0, "mojibake"),
        (_article("chromium_header")[2].encode().decode("gbk", errors="ignore"), 0, "common ones"),
        ("中国移动召开党建工作会议，坚持以人民为中心，推动全面从严治党", 0, None),
        ("\x01\x02\x03中国移动", 0, "control"),
        ("", 0, None),
    ],
)
def test_garbage_reasons(text: str, errors: int, expected: str | None) -> None:
    reason = garbage_reason(text, errors)
    assert (reason is None) if expected is None else (expected in reason)


def test_damaged_and_empty_pdfs_are_clear_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4\nnot a pdf at all\n")
    with pytest.raises(ReadError, match="corrupt PDF"):
        read_document(bad)


def test_other_browsers_furniture_removed_but_a_documents_own_date_line_kept() -> None:
    body = [line(FULL, 60, 140 + 20 * i) for i in range(3)]
    text = layout_text(
        [
            page(
                line("中国移动新闻 https://www.10086.cn/news/a.html", 30, 12, 8),  # Firefox: title, URL
                line("2022-04-25 14:11 中国移动召开工作会议", 60, 60, 12),  # the document's own first line
                *body,
                line("Page 1 of 1      5/6/24, 1:02 PM", 30, 780, 8),
            )
        ]
    )
    blocks = text.split("\n\n")
    assert blocks[0] == "2022-04-25 14:11 中国移动召开工作会议"
    assert "Page" not in text and "1:02" not in text


def test_running_header_with_the_title_does_not_take_the_title_with_it() -> None:
    title = "中国联通召开党史学习教育总结会议"
    first = page(line(title, 200, 20, 8), line(title, 150, 45, 16), *[line(FULL, 60, 100 + 20 * i) for i in range(3)])
    second = page(line(title, 200, 20, 8), *[line(FULL, 60, 100 + 20 * i) for i in range(2)], line("二" * 5, 60, 140))
    blocks = layout_text([first, second]).split("\n\n")
    assert blocks == [title, FULL * 5 + "二" * 5]


def test_short_date_line_after_a_full_line_stays_its_own_line() -> None:
    text = layout_text(
        [
            page(
                line(FULL, 60, 100),
                line("日期：2016年7月23日", 60, 120),
                line("2016年7月23日 10:30", 60, 140),
                line("2016年7月23日召开的会议上作了交流发言", 60, 160),  # not a date line: a sentence
            )
        ]
    )
    assert text.split("\n\n") == [FULL, "日期：2016年7月23日", "2016年7月23日 10:30", "2016年7月23日召开的会议上作了交流发言"]


def test_partly_scanned_pdf_keeps_its_text_pages_and_warns(tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter()
    for name in ("lo_footer", "scanned"):
        writer.append(str(FIXTURES / f"{name}.pdf"))
    with (tmp_path / "mixed.pdf").open("wb") as fh:
        writer.write(fh)
    result = read_corpus(tmp_path, progress=False)
    assert len(result.corpus) == 1
    row = result.corpus.iloc[0]
    assert row["title"] == EXPECTED["lo_footer"]["title"] and row["date"] == pd.Timestamp("2024-04-15")
    warning = result.report[result.report["path"] == "mixed.pdf"]
    assert list(warning["status"]) == ["warning"]
    assert "page 3: no text layer (scanned page)" in warning.iloc[0]["reason"]
