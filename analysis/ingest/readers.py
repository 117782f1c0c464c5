"""Raw files -> text: one reader per format behind one interface, chosen from a registry by suffix.

Every reader has the signature ``reader(data: bytes, path: Path) -> RawDocument`` and raises
:class:`~analysis.errors.ReadError` for anything it cannot turn into text. :func:`read_document` does the
checks common to all formats (regular file, size limit, permissions, empty file) and dispatches on the
lower-cased suffix through :data:`READERS`; adding a format means adding one function and one registry
entry. Heavy optional libraries (pypdf, python-docx, charset-normalizer, opencc) are imported lazily, and
a missing one is reported as a ReadError naming the package to install.

Nothing here cleans text (that is :mod:`analysis.ingest.clean`), except that text formats get universal
newlines (``\\r\\n`` and ``\\r`` become ``\\n``), as Python's own text mode would do. Nothing is written.

Encodings are decided in :mod:`analysis.ingest.encoding` (its docstring lists the labels and the rules);
``RawDocument.encoding`` holds that label. Binary formats are labelled ``binary-pdf`` and ``binary-docx``.
"""

from __future__ import annotations

import html
import importlib
import io
import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from types import MappingProxyType, ModuleType
from typing import Any

from analysis import config
from analysis.errors import ReadError
from analysis.ingest import limits
from analysis.ingest.encoding import _DECLARED_CHARSET, BinaryContentError, DecodeError, _decode, decode_bytes

__all__ = [
    "READERS",
    "SUPPORTED_SUFFIXES",
    "BinaryContentError",
    "DecodeError",
    "RawDocument",
    "Reader",
    "decode_bytes",
    "read_bytes",
    "read_document",
    "read_docx",
    "read_html",
    "read_markdown",
    "read_pdf",
    "read_text",
    "reader_for",
]

PDF_ENCODING = "binary-pdf"
DOCX_ENCODING = "binary-docx"


@dataclass(frozen=True)
class RawDocument:
    """A document as read from disk, before any cleaning.

    ``text``: the decoded text (raw markup for HTML); ``format``: text / markdown / html / pdf / docx;
    ``encoding``: see the module docstring; ``meta``: a few format-specific facts, e.g. ``pages`` for a
    PDF, ``title`` and selected ``<meta>`` tags for HTML, ``decode_errors`` when bytes were replaced.
    """

    text: str
    format: str
    encoding: str
    meta: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------------
# Readers: one per format, same signature
# ---------------------------------------------------------------------------------------------------

Reader = Callable[[bytes, Path], RawDocument]


def _universal_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _declared_charset(data: bytes) -> str | None:
    """The charset an HTML ``<meta>`` near the top declares (scraped pages are often saved as .txt)."""
    match = _DECLARED_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii", errors="ignore") if match else None


def _decode_for(path: Path, data: bytes, *, declared: str | None = None) -> tuple[str, str, dict[str, Any]]:
    try:
        decoded = _decode(data, declared=declared)
    except BinaryContentError:
        raise ReadError(path, "binary file, not text") from None
    except DecodeError as exc:
        reason = str(exc)
        raise ReadError(
            path, reason if reason.startswith("cannot decode") else f"cannot decode: {reason}"
        ) from None
    text = _universal_newlines(decoded.text)
    if not text.strip():
        raise ReadError(path, "empty file (only whitespace)")
    meta: dict[str, Any] = {"decode_errors": decoded.errors} if decoded.errors else {}
    return text, decoded.encoding, meta


def read_text(data: bytes, path: Path) -> RawDocument:
    """Plain text (``.txt``): decoded, universal newlines, nothing else."""
    text, encoding, meta = _decode_for(path, data, declared=_declared_charset(data))
    return RawDocument(text, "text", encoding, meta)


def read_markdown(data: bytes, path: Path) -> RawDocument:
    """Markdown: like text; front matter and markup stay in the text for :mod:`analysis.ingest.clean`."""
    text, encoding, meta = _decode_for(path, data, declared=_declared_charset(data))
    return RawDocument(text, "markdown", encoding, meta)


# <meta name=...> tags worth keeping (lower case), including the ones Chinese government and news
# sites standardise on (ArticleTitle, PubDate, ContentSource, ...).
_HTML_META_NAMES = frozenset(
    {
        "description",
        "keywords",
        "author",
        "source",
        "publishdate",
        "pubdate",
        "publish_date",
        "publishtime",
        "date",
        "articletitle",
        "contentsource",
        "sitename",
        "columnname",
        "og:title",
        "og:site_name",
        "article:published_time",
    }
)
_HTML_HEAD_LIMIT = 200_000
_META_VALUE_LIMIT = 500


class _HeadParser(HTMLParser):
    """Collects <title> and selected <meta> tags; entities are resolved by HTMLParser."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self._in_title = False
        self._title: list[str] = []
        self._title_done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title" and not self._title_done:
            self._in_title = True
        elif tag == "meta":
            values = {k.lower(): (v or "") for k, v in attrs}
            name = (values.get("name") or values.get("property") or values.get("itemprop") or "").lower()
            content = " ".join(values.get("content", "").split())[:_META_VALUE_LIMIT]
            if name in _HTML_META_NAMES and content and name not in self.meta:
                self.meta[name] = content

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._in_title:
            self._in_title = False
            self._title_done = True

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title.append(data)

    @property
    def title(self) -> str:
        return " ".join("".join(self._title).split())


def _html_head_meta(text: str) -> dict[str, str]:
    head = text[:_HTML_HEAD_LIMIT]
    end = head.lower().find("</head>")
    head = head[:end] if end >= 0 else head
    parser = _HeadParser()
    try:
        parser.feed(head)
        parser.close()
    except (AssertionError, ValueError):  # malformed markup: keep what was parsed
        pass
    meta = dict(parser.meta)
    if parser.title:
        meta["title"] = html.unescape(parser.title)
    return meta


def read_html(data: bytes, path: Path) -> RawDocument:
    """HTML: decoded (honouring a plausible ``<meta charset>``); ``meta`` gets the title and meta tags.

    The text is the raw markup: turning HTML into text is :func:`analysis.ingest.clean.html_to_text`'s job.
    """
    declared = _declared_charset(data)
    text, encoding, meta = _decode_for(path, data, declared=declared)
    if declared:
        meta["charset"] = declared
    meta.update(_html_head_meta(text))
    return RawDocument(text, "html", encoding, meta)


def _import_optional(module: str, package: str, path: Path) -> ModuleType:
    """Import a heavy optional dependency, or say which package is missing."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ReadError(
            path, f"reading {path.suffix.lower()} files needs the '{package}' package (pip install {package})"
        ) from exc


def _describe(exc: BaseException) -> str:
    message = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def read_pdf(data: bytes, path: Path, *, ocr: bool = False) -> RawDocument:
    """PDF: lines and paragraphs from the page layout, running headers/footers removed, two-column pages
    read column by column; ``ocr=True`` runs Tesseract on pages without a usable text layer.

    Delegates to :func:`analysis.ingest.pdf.read_pdf_layout` (issue 8); scanned or garbage text
    layers, encrypted and corrupt files raise ReadError with the reason.
    """
    from analysis.ingest.pdf import read_pdf_layout

    text, meta = read_pdf_layout(data, path, ocr=ocr)
    return RawDocument(text, "pdf", PDF_ENCODING, meta)


def _docx_blocks(container: Any) -> list[str]:
    """Paragraph texts of a document or table cell in document order, tables included, row by row."""
    from docx.table import Table

    lines: list[str] = []
    for block in container.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell is returned once per grid column
                        continue
                    seen.add(id(cell._tc))
                    lines.extend(_docx_blocks(cell))
        elif block.text.strip():
            lines.append(block.text)
    return lines


def read_docx(data: bytes, path: Path) -> RawDocument:
    """Word (.docx) via python-docx: body paragraphs and table cells, one per line."""
    docx = _import_optional("docx", "python-docx", path)
    limits.check_zip(data, path, what=".docx")  # a zip bomb is refused before anything is unpacked
    try:
        document = docx.Document(io.BytesIO(data))
        lines = _docx_blocks(document)
    except Exception as exc:  # zipfile, lxml and python-docx errors alike
        raise ReadError(path, f"corrupt or not a .docx file ({_describe(exc)})") from None
    text = _universal_newlines("\n".join(lines))
    if not text.strip():
        raise ReadError(path, "empty file (no text in the document)")
    meta: dict[str, Any] = {}
    try:
        props = document.core_properties
        if props.title:
            meta["title"] = props.title
        if props.author:
            meta["author"] = props.author
        if props.created is not None:
            meta["created"] = props.created.isoformat()
    except Exception:  # malformed core properties are not worth failing the document for
        pass
    return RawDocument(text, "docx", DOCX_ENCODING, meta)


# The one place that maps suffixes to readers (read only; add a format here).
READERS: Mapping[str, Reader] = MappingProxyType(
    {
        ".txt": read_text,
        ".md": read_markdown,
        ".markdown": read_markdown,
        ".html": read_html,
        ".htm": read_html,
        ".pdf": read_pdf,
        ".docx": read_docx,
    }
)
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(READERS)


def reader_for(path: str | Path) -> Reader:
    """The reader for ``path``'s suffix (case-insensitive); ReadError for an unsupported one."""
    suffix = (path if isinstance(path, Path) else Path(path)).suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        raise ReadError(path, f"unsupported format {suffix}" if suffix else "unsupported format (no suffix)")
    return reader


def _format_size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB ({n} bytes)"


def read_bytes(path: str | Path, *, max_bytes: int = config.MAX_FILE_BYTES) -> tuple[os.stat_result, bytes]:
    """The checks of :func:`read_document` and the read: ``(stat before reading, bytes)``.

    Raises ``ReadError(path, reason)``: not an existing regular file, unsupported suffix, empty, larger
    than ``max_bytes`` (from ``stat``, before reading, and again after), unreadable.
    """
    if not isinstance(path, Path):
        path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise ReadError(path, "no such file (or a broken link)") from None
    except PermissionError:
        raise ReadError(path, "permission denied") from None
    except OSError as exc:
        raise ReadError(path, f"cannot stat file ({_describe(exc)})") from None
    if not stat.S_ISREG(st.st_mode):
        raise ReadError(path, "not a regular file")
    reader_for(path)
    if st.st_size == 0:
        raise ReadError(path, "empty file (0 bytes)")
    if st.st_size > max_bytes:
        raise ReadError(path, f"file too large: {_format_size(st.st_size)}, limit {_format_size(max_bytes)}")
    try:
        with path.open("rb") as fh:
            # Up to one byte past the stat size (asking for max_bytes + 1 at once would allocate that
            # much for every file); more only if the file has grown since stat.
            data = fh.read(st.st_size + 1)
            if len(data) > st.st_size:
                data += fh.read(max_bytes + 1 - len(data))
    except PermissionError:
        raise ReadError(path, "permission denied (unreadable file)") from None
    except OSError as exc:
        raise ReadError(path, f"cannot read file ({_describe(exc)})") from None
    if len(data) > max_bytes:
        raise ReadError(path, f"file too large: more than {_format_size(max_bytes)}")
    if not data:
        raise ReadError(path, "empty file (0 bytes)")
    return st, data


def read_document(
    path: str | Path, *, max_bytes: int = config.MAX_FILE_BYTES, ocr: bool = False, data: bytes | None = None
) -> RawDocument:
    """Read one file into a :class:`RawDocument`; any problem raises ``ReadError(path, reason)``.

    Checked in this order: the path is an existing regular file, its suffix is supported, it is not
    empty and not larger than ``max_bytes`` (from ``stat``, before reading), it can be read; then the
    format's reader decodes it. ``data``: the file's bytes as :func:`read_bytes` returned them (read once
    for hashing and reading). Never writes anything.
    """
    if not isinstance(path, Path):
        path = Path(path)
    if data is None:
        data = read_bytes(path, max_bytes=max_bytes)[1]
    reader = reader_for(path)
    raw = read_pdf(data, path, ocr=ocr) if reader is read_pdf else reader(data, path)  # OCR: PDF only
    limits.check_chars(raw.text, path)
    return raw
