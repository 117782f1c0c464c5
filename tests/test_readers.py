"""Tests for analysis.ingest.readers: every format and encoding, from fixture files written into tmp_path."""

from __future__ import annotations

import contextlib
import io
import os
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import config
from analysis.errors import ReadError
from analysis.ingest import encoding, readers
from analysis.ingest.readers import (
    READERS,
    SUPPORTED_SUFFIXES,
    BinaryContentError,
    DecodeError,
    RawDocument,
    decode_bytes,
    read_document,
    reader_for,
)

SIMPLIFIED = (
    "中国联通党组召开党风廉政建设和反腐败工作会议，深入学习贯彻习近平总书记关于全面从严治党的重要论述。"
    "会议强调，要坚持严的基调不动摇，推动全面从严治党向纵深发展。"
    "各级党组织要切实担负起主体责任，以高质量党建引领保障企业高质量发展。"
)
TRADITIONAL = (
    "中國聯通召開黨風廉政建設工作會議，深入學習貫徹全面從嚴治黨的重要論述。"
    "會議強調，要堅持嚴的基調不動搖，推動全面從嚴治黨向縱深發展。"
)
# 镕 (as in 朱镕基) is in GBK but not in GB2312.
GBK_ONLY = "会议传达了朱镕基同志关于国有企业改革的讲话精神，中国电信、中国移动负责同志参加会议。"
SHORT_SIMPLIFIED = "中国联通召开党风廉政建设工作会议"
SHORT_TRADITIONAL = "中國聯通召開黨風廉政建設工作會議"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def reason_of(path: Path, **kwargs) -> str:
    with pytest.raises(ReadError) as info:
        read_document(path, **kwargs)
    assert info.value.path == str(path)
    return info.value.reason


# --- encodings -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "data", "encoding"),
    [
        ("utf8.txt", SIMPLIFIED, SIMPLIFIED.encode("utf-8"), "utf-8"),
        ("utf8bom.txt", SIMPLIFIED, SIMPLIFIED.encode("utf-8-sig"), "utf-8-sig"),
        ("utf16le_bom.txt", SIMPLIFIED, b"\xff\xfe" + SIMPLIFIED.encode("utf-16-le"), "utf-16"),
        ("utf16be_bom.txt", SIMPLIFIED, b"\xfe\xff" + SIMPLIFIED.encode("utf-16-be"), "utf-16"),
        ("utf32_bom.txt", SIMPLIFIED, SIMPLIFIED.encode("utf-32"), "utf-32"),
        ("gb18030.txt", SIMPLIFIED, SIMPLIFIED.encode("gb18030"), "gb18030"),
        ("gb2312.txt", SIMPLIFIED, SIMPLIFIED.encode("gb2312"), "gb18030"),
        ("gbk_only.txt", GBK_ONLY, GBK_ONLY.encode("gbk"), "gb18030"),
        ("big5.txt", TRADITIONAL, TRADITIONAL.encode("big5"), "big5"),
        ("short_gb.txt", SHORT_SIMPLIFIED, SHORT_SIMPLIFIED.encode("gb18030"), "gb18030"),
        ("short_big5.txt", SHORT_TRADITIONAL, SHORT_TRADITIONAL.encode("big5"), "big5"),
        # Extensions are named only when plain Big5 cannot decode the file: 碁 is cp950-only,
        # 㗎 (Cantonese) needs HKSCS.
        ("cp950.txt", TRADITIONAL + "碁", (TRADITIONAL + "碁").encode("cp950"), "cp950"),
        ("hkscs.txt", TRADITIONAL + "㗎", (TRADITIONAL + "㗎").encode("big5hkscs"), "big5hkscs"),
        # BOM-less UTF-16: recognised from the NUL bytes of the ASCII characters.
        (
            "utf16le_nobom.txt",
            "2024年\n" + SIMPLIFIED,
            ("2024年\n" + SIMPLIFIED).encode("utf-16-le"),
            "utf-16-le",
        ),
        (
            "utf16be_nobom.txt",
            "2024年\n" + SIMPLIFIED,
            ("2024年\n" + SIMPLIFIED).encode("utf-16-be"),
            "utf-16-be",
        ),
    ],
)
def test_encodings_are_detected_and_recorded(
    tmp_path: Path, name: str, text: str, data: bytes, encoding: str
):
    doc = read_document(write(tmp_path, name, data))
    assert doc == RawDocument(text=text, format="text", encoding=encoding, meta={})
    # The label is a codec name that reproduces the text.
    assert data.decode(doc.encoding) == text


def test_short_texts_misdecode_without_errors_in_the_other_encoding():
    # The premise of the scoring: both decodings are error-free, only plausibility tells them apart.
    gb, big5 = SHORT_SIMPLIFIED.encode("gb18030"), SHORT_TRADITIONAL.encode("big5")
    assert gb.decode("big5") != SHORT_SIMPLIFIED
    assert big5.decode("gb18030") != SHORT_TRADITIONAL
    assert decode_bytes(gb) == (SHORT_SIMPLIFIED, "gb18030")
    assert decode_bytes(big5) == (SHORT_TRADITIONAL, "big5")


@pytest.mark.parametrize("wrong", ["gb18030", "big5"])
def test_a_wrong_detector_guess_does_not_overrule_the_score(monkeypatch: pytest.MonkeyPatch, wrong: str):
    monkeypatch.setattr(encoding, "_detector_pick", lambda data, candidates: wrong)
    assert decode_bytes(SHORT_SIMPLIFIED.encode("gb18030")) == (SHORT_SIMPLIFIED, "gb18030")
    assert decode_bytes(SHORT_TRADITIONAL.encode("big5")) == (SHORT_TRADITIONAL, "big5")


def test_very_common_characters_outweigh_merely_common_ones(monkeypatch: pytest.MonkeyPatch):
    # Every character here mis-decodes into a common Big5 character (你们的国家 -> 斕蠅腔弊模), so
    # only the frequency tier tells the two apart; a detector voting Big5 must not win.
    data = "你们的国家".encode("gb18030")
    assert data.decode("big5") == "斕蠅腔弊模"
    monkeypatch.setattr(encoding, "_detector_pick", lambda data, candidates: "big5")
    assert decode_bytes(data) == ("你们的国家", "gb18030")


def test_the_detector_settles_a_genuine_tie(monkeypatch: pytest.MonkeyPatch):
    # One character whose two bytes are a common character in both tables: 比 (GB) / 掀 (Big5).
    data = "比".encode("gb18030")
    assert data.decode("big5") == "掀"
    monkeypatch.setattr(encoding, "_detector_pick", lambda data, candidates: "big5")
    assert decode_bytes(data) == ("掀", "big5")
    monkeypatch.setattr(encoding, "_detector_pick", lambda data, candidates: None)
    assert decode_bytes(data) == ("比", "gb18030")  # no opinion: the mainland default
    # A charset declared in the file outweighs the detector.
    monkeypatch.setattr(encoding, "_detector_pick", lambda data, candidates: "gb18030")
    doc = readers.read_text(b'<meta charset="big5">' + data, Path("page.txt"))
    assert (doc.text, doc.encoding) == ('<meta charset="big5">掀', "big5")


def test_pure_cjk_utf16_without_bom_or_nul_bytes():
    assert decode_bytes(SHORT_SIMPLIFIED.encode("utf-16-le")) == (SHORT_SIMPLIFIED, "utf-16-le")


def test_utf16_without_bom_mostly_ascii():
    # Few Chinese characters, and symbols that score nothing: the NUL layout carries the decision.
    text = "Item 1: ① ② ③ ④ 中国\nItem 2: ⑤ ⑥\n"
    assert decode_bytes(text.encode("utf-16-le")) == (text, "utf-16-le")
    assert decode_bytes(text.encode("utf-16-be")) == (text, "utf-16-be")


def test_ascii_is_utf8_and_empty_bytes_decode_to_empty_text():
    assert decode_bytes(b"Party building, 2024\n") == ("Party building, 2024\n", "utf-8")
    assert decode_bytes(b"") == ("", "utf-8")


def test_a_few_bad_bytes_are_replaced_and_counted(tmp_path: Path):
    truncated = SIMPLIFIED.encode("gb18030")[:-1]  # last character cut in half
    doc = read_document(write(tmp_path, "cut.txt", truncated))
    assert doc.encoding == "gb18030"
    assert doc.text == SIMPLIFIED[:-1] + "\ufffd"
    assert doc.meta == {"decode_errors": 1}

    data = SIMPLIFIED.encode("utf-8")
    doc = read_document(write(tmp_path, "stray.txt", data[:30] + b"\xa9" + data[30:]))
    assert (doc.encoding, doc.meta) == ("utf-8", {"decode_errors": 1})
    assert doc.text.replace("\ufffd", "") == SIMPLIFIED


def test_newlines_are_universal(tmp_path: Path):
    doc = read_document(write(tmp_path, "crlf.txt", "标题\r\n\r\n正文\r第二段".encode("gb18030")))
    assert doc.text == "标题\n\n正文\n第二段"


def test_undecodable_bytes(tmp_path: Path):
    # Western single-byte text is not among the encodings of the genre.
    latin = ("Café crème brûlée, naïve résumé à la française. " * 4).encode("cp1252")
    assert reason_of(write(tmp_path, "latin.txt", latin)).startswith("cannot decode: ")
    with pytest.raises(DecodeError) as info:
        decode_bytes(b"abc \x80\x80\x80 def " * 20)
    assert not isinstance(info.value, BinaryContentError)


def test_binary_content_with_a_text_suffix(tmp_path: Path):
    rng = random.Random(7)
    noise = bytes(rng.randrange(256) for _ in range(4096)) + b"\x00" * 16
    assert reason_of(write(tmp_path, "noise.txt", noise)) == "binary file, not text"
    no_nul = bytes(rng.randrange(1, 256) for _ in range(4096))
    assert reason_of(write(tmp_path, "noise2.md", no_nul)) == "binary file, not text"
    controls = b"header\x01\x02\x03\x04\x05 body\x06\x07\x08" * 20  # valid UTF-8, yet not text
    assert reason_of(write(tmp_path, "controls.txt", controls)) == "binary file, not text"
    with pytest.raises(BinaryContentError):
        decode_bytes(noise)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.text(
        alphabet=st.one_of(
            st.characters(min_codepoint=0x20, max_codepoint=0x7E),
            st.sampled_from("\n\t，。、；：？！“”‘’《》（）【】—…·"),
            st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
            st.characters(min_codepoint=0x3400, max_codepoint=0x4DBF),
        )
    ),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]),
)
def test_property_unicode_encodings_round_trip(text: str, encoding: str):
    decoded, label = decode_bytes(text.encode(encoding))
    assert decoded == text
    if text:
        assert label == encoding
    else:
        assert label in (encoding, "utf-8")


# Words and phrases of the genre; any sequence of them, with ASCII numbers and punctuation between,
# must survive a GB18030 round trip. (Arbitrary *rare* characters cannot: their GB18030 bytes are
# often valid, common Big5 text, and then Big5 is the better explanation.)
GENRE_WORDS = [
    "中国联通",
    "中国移动",
    "中国电信",
    "中国铁塔",
    "党组",
    "党委",
    "书记",
    "召开",
    "会议",
    "强调",
    "全面从严治党",
    "党风廉政建设",
    "反腐败",
    "主题教育",
    "警示教育",
    "纪律",
    "高质量发展",
    "企业",
    "深入学习贯彻",
    "习近平",
    "新时代",
    "的",
    "和",
    "在",
    "要",
    "工作",
    "推动",
    "坚持",
    "以",
    "，",
    "。",
    "“",
    "”",
    "、",
    "：",
    "年",
    "月",
    "日",
]
ASCII_BITS = ["2024", "7", " ", "\n", "5G", "1+N", "(", ")"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    words=st.lists(st.sampled_from(GENRE_WORDS + ASCII_BITS), min_size=4, max_size=40).filter(
        lambda ws: sum(len(w) for w in ws if w in GENRE_WORDS) >= 6
    )
)
def test_property_gb18030_round_trips_for_genre_text(words: list[str]):
    text = "".join(words)
    assert decode_bytes(text.encode("gb18030")) == (text, "gb18030")


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=512))
def test_property_arbitrary_bytes_decode_or_raise_decode_error(data: bytes):
    try:
        text, label = decode_bytes(data)
    except DecodeError:
        return
    assert isinstance(text, str)
    assert data.decode(label, errors="replace") == text


# --- formats -----------------------------------------------------------------------------------


def test_markdown_keeps_front_matter_and_markup(tmp_path: Path):
    body = '---\ntitle: "中国联通召开党史学习教育总结会议"\ndate: 2022-01-14 13:02:46 +0800\n---\n# 标题\n\n正文。\n'
    doc = read_document(write(tmp_path, "post.md", body.encode("utf-8")))
    assert doc == RawDocument(body, "markdown", "utf-8", {})
    upper = read_document(write(tmp_path, "POST.MARKDOWN", body.encode("gb18030")))
    assert (upper.format, upper.encoding, upper.text) == ("markdown", "gb18030", body)


HTML_PAGE = """<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>中国联通召开党风廉政建设工作会议 &amp; 警示教育会</title>
<meta name="PubDate" content="2024-01-30 09:15">
<meta name="description" content="会议强调&quot;全面从严治党&quot;">
<meta name="keywords" content="党风廉政建设,全面从严治党">
<meta name="author" content="新闻宣传中心">
<meta name="viewport" content="width=device-width">
</head><body><p>正文&nbsp;内容：中国联通党组书记主持会议。</p><script>var x = 1;</script></body></html>
"""


def test_html_reader_returns_raw_markup_and_head_meta(tmp_path: Path):
    doc = read_document(write(tmp_path, "page.HTM", HTML_PAGE.encode("gb2312")))
    assert doc.format == "html"
    assert doc.encoding == "gb18030"
    assert doc.text == HTML_PAGE  # cleaning happens later, in clean.py
    assert doc.meta == {
        "charset": "gb2312",
        "title": "中国联通召开党风廉政建设工作会议 & 警示教育会",
        "pubdate": "2024-01-30 09:15",
        "description": '会议强调"全面从严治党"',
        "keywords": "党风廉政建设,全面从严治党",
        "author": "新闻宣传中心",
    }


def test_html_declared_charset_settles_a_short_page_and_a_wrong_one_is_ignored(tmp_path: Path):
    page = f'<html><head><meta charset="big5"><title>{SHORT_TRADITIONAL[:6]}</title></head></html>'
    doc = read_document(write(tmp_path, "short.html", page.encode("big5")))
    assert (doc.encoding, doc.meta["title"]) == ("big5", SHORT_TRADITIONAL[:6])
    lying = f'<html><head><meta charset="utf-8"></head><body>{SIMPLIFIED}</body></html>'
    doc = read_document(write(tmp_path, "lying.html", lying.encode("gb18030")))
    assert (doc.encoding, doc.text) == ("gb18030", lying)


def _pdf(pages: list[str | None]) -> bytes:
    """A minimal valid PDF: one line of Helvetica text per page, or (None) a page with only a rectangle."""
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, line in enumerate(pages):
        content = b"0 0 100 100 re f" if line is None else f"BT /F1 14 Tf 40 700 Td ({line}) Tj ET".encode()
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdf_text_layer_pages_joined_by_blank_line(tmp_path: Path):
    path = write(tmp_path, "report.PDF", _pdf(["China Unicom party building 2024", "Second page 1+N"]))
    doc = read_document(path)
    assert doc.format == "pdf"
    assert doc.encoding == "binary-pdf"
    assert doc.meta["pages"] == 2
    first, second = doc.text.split("\n\n")
    assert "China Unicom party building 2024" in first
    assert "Second page 1+N" in second


def test_pdf_without_text_layer(tmp_path: Path):
    reason = reason_of(write(tmp_path, "scan.pdf", _pdf([None, None])))
    assert reason.startswith("no usable text: no text layer") and "2 of 2 page(s)" in reason


def test_pdf_encrypted_and_corrupt(tmp_path: Path):
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(_pdf(["secret text"])))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert "encrypted PDF" in reason_of(write(tmp_path, "locked.pdf", buffer.getvalue()))
    assert reason_of(write(tmp_path, "broken.pdf", b"%PDF-1.4\nnot really a pdf\n")).startswith("corrupt PDF")


def test_docx_paragraphs_and_tables_in_order(tmp_path: Path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.core_properties.title = "党风廉政建设"
    document.add_heading("中国联通召开党风廉政建设工作会议", level=1)
    document.add_paragraph("会议强调，要坚持严的基调不动摇。")
    document.add_paragraph("   ")  # blank paragraphs are dropped
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "单位"
    table.cell(0, 1).text = "负责人"
    merged = table.cell(1, 0).merge(table.cell(1, 1))
    merged.text = "中国联通党组"
    document.add_paragraph("推动全面从严治党向纵深发展。")
    path = tmp_path / "meeting.docx"
    document.save(path)

    doc = read_document(path)
    assert doc.format == "docx"
    assert doc.encoding == "binary-docx"
    assert doc.text.split("\n") == [
        "中国联通召开党风廉政建设工作会议",
        "会议强调，要坚持严的基调不动摇。",
        "单位",
        "负责人",
        "中国联通党组",  # the merged cell once, not once per grid column
        "推动全面从严治党向纵深发展。",
    ]
    assert doc.meta["title"] == "党风廉政建设"


def test_docx_corrupt_and_empty(tmp_path: Path):
    assert reason_of(write(tmp_path, "bad.docx", b"PK\x03\x04 not a zip at all")).startswith(
        "corrupt or not a .docx"
    )
    docx = pytest.importorskip("docx")
    path = tmp_path / "blank.docx"
    docx.Document().save(path)
    assert reason_of(path).startswith("empty file")


# --- file-level checks -------------------------------------------------------------------------


def test_empty_files(tmp_path: Path):
    assert reason_of(write(tmp_path, "empty.txt", b"")).startswith("empty file")
    assert reason_of(write(tmp_path, "blank.md", " \n\t\r\n\u3000".encode())).startswith("empty file")


def test_too_large_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = write(tmp_path, "big.txt", SIMPLIFIED.encode("utf-8") * 20)
    size = path.stat().st_size

    def no_open(self, *args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(Path, "open", no_open)
    reason = reason_of(path, max_bytes=1000)
    assert reason.startswith("file too large")
    assert str(size) in reason
    monkeypatch.undo()
    assert read_document(path, max_bytes=size).text == SIMPLIFIED * 20
    assert read_document.__kwdefaults__["max_bytes"] == config.MAX_FILE_BYTES


def test_unsupported_missing_and_not_regular(tmp_path: Path):
    assert reason_of(write(tmp_path, "table.xyz", b"data")) == "unsupported format .xyz"
    assert reason_of(write(tmp_path, "old.DOC", b"data")) == "unsupported format .doc"
    assert reason_of(write(tmp_path, "README", b"data")) == "unsupported format (no suffix)"
    assert reason_of(tmp_path / "missing.txt").startswith("no such file")
    (tmp_path / "folder.txt").mkdir()
    assert reason_of(tmp_path / "folder.txt") == "not a regular file"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads chmod 000 files")
def test_unreadable_file_by_permissions(tmp_path: Path):
    path = write(tmp_path, "secret.txt", SIMPLIFIED.encode())
    path.chmod(0)
    try:
        assert reason_of(path).startswith("permission denied")
    finally:
        path.chmod(0o644)


def test_unreadable_file_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = write(tmp_path, "secret.txt", SIMPLIFIED.encode())
    real_open = Path.open

    def deny(self, *args, **kwargs):
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", deny)
    assert reason_of(path).startswith("permission denied")


def test_reading_writes_nothing(tmp_path: Path):
    write(tmp_path, "a.txt", SIMPLIFIED.encode("gb18030"))
    write(tmp_path, "b.html", HTML_PAGE.encode("gb2312"))
    write(tmp_path, "c.pdf", _pdf(["text"]))
    write(tmp_path, "d.txt", b"")
    before = sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in tmp_path.iterdir())
    for path in sorted(tmp_path.iterdir()):
        with contextlib.suppress(ReadError):
            read_document(path)
    assert sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in tmp_path.iterdir()) == before


# --- registry ----------------------------------------------------------------------------------


def test_registry():
    assert SUPPORTED_SUFFIXES == (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx")
    assert set(SUPPORTED_SUFFIXES) == set(config.TEXT_SUFFIXES)
    assert reader_for("x/Y.TXT") is readers.read_text
    assert reader_for("a.markdown") is reader_for("a.MD") is readers.read_markdown
    assert reader_for("a.htm") is readers.read_html
    with pytest.raises(ReadError, match=r"unsupported format \.rtf"):
        reader_for("a.rtf")
    with pytest.raises(TypeError):
        READERS[".rtf"] = readers.read_text  # type: ignore[index]


def test_readers_take_bytes_directly():
    doc = readers.read_text(TRADITIONAL.encode("big5"), Path("in-memory.txt"))
    assert (doc.text, doc.encoding) == (TRADITIONAL, "big5")
    with pytest.raises(ReadError, match="binary file, not text"):
        readers.read_markdown(b"\x00\x01\x02\x03" * 50, Path("x.md"))


def test_missing_optional_dependency_is_a_clear_read_error(monkeypatch: pytest.MonkeyPatch):
    import builtins

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "pypdfium2":
            raise ImportError("No module named 'pypdfium2'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ReadError, match=r"needs the 'pypdfium2' package"):
        readers.read_pdf(_pdf(["text"]), Path("x.pdf"))


# --- the bundled sample corpus --------------------------------------------------------------------


def test_sample_corpus_is_utf8_text(raw_dir: Path):
    files = sorted(raw_dir.glob("*.txt"))
    assert len(files) == 5
    for path in files:
        doc = read_document(path)
        assert (doc.format, doc.encoding, doc.meta) == ("text", "utf-8", {})
        assert doc.text == path.read_bytes().decode("utf-8").replace("\r\n", "\n")
        assert "中国" in doc.text


def test_a_file_that_grew_after_stat_is_read_whole_or_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The read asks for one byte past the stat size; a file longer than stat said is read on."""
    path = write(tmp_path, "grown.txt", SIMPLIFIED.encode("utf-8") * 20)
    size = path.stat().st_size
    real_stat = Path.stat

    def stale_stat(self, *args, **kwargs):
        st = real_stat(self, *args, **kwargs)
        return os.stat_result((st.st_mode, *st[1:6], 10, *st[7:]))  # stat saw 10 bytes

    monkeypatch.setattr(Path, "stat", stale_stat)
    assert read_document(path, max_bytes=size).text == SIMPLIFIED * 20
    assert reason_of(path, max_bytes=size - 1).startswith("file too large: more than")
