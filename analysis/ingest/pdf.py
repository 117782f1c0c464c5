"""PDF -> text from the page layout: lines, paragraphs and columns from character positions.

A PDF has no paragraphs, only glyphs placed on a page. This reader takes every character with its box
(PDFium, through pypdfium2: the fastest of the libraries measured, see ``benchmarks/bench_pdf_libraries.py``
and the README) and rebuilds the text a reader sees:

1. **Rows.** Characters whose vertical centres agree are one row; a row is read left to right, and a
   horizontal gap wider than a third of the font size becomes a space (header fields spaced apart).
2. **Columns.** A vertical strip in the middle half of the page that no row crosses, with rows on both
   sides of it, is a gutter: the page is read column by column between rows that span it (a title
   above a two-column article is read first).
3. **Running headers and footers.** The first and last rows of a page, when they sit in the top or
   bottom eighth, are dropped when they repeat on other pages (digits ignored: ``第 1 页`` = ``第 2 页``)
   or are page furniture on their own: bare page numbers (``3``, ``- 3 -``, ``3/7``, ``第 3 页 共 7 页``,
   ``Page 3 of 7``), and a browser's print header and footer (print time and page title; URL or file
   path with ``1/3``). No print timestamp reaches the text, so none can become a document date.
4. **Paragraphs.** A row starts a new paragraph when the vertical gap to the row above is clearly
   larger than the line pitch, when it is indented (first-line indent), when its font size differs,
   or when the row above ended well short of the column's right edge (a paragraph's last line, a
   title, a date or byline line). A short row that starts with a header field (``日期：``, ``来源：``,
   ``责任编辑：`` …), a bare date or a site footer (``版权所有``, ``©``) is a line of its own even after a
   full-width row. Never because of
   punctuation alone. A paragraph continues across a
   column or page break when the last row was full width and the next is not indented.
5. **Joining.** Rows of one paragraph are joined without a space (Chinese has none, and a word broken
   at the line end, ``CloudNative`` / ``Architecture``, is one word); a space only between two Latin
   words when the row above ended short of the edge (a wrap at a space) and a hyphenated break loses its
   hyphen.

Paragraphs are separated by a blank line; short header lines (dates, sources, bylines) are paragraphs
of their own, so the metadata rules see them as lines.

**No usable text.** A page without text but with images is a scan; a page whose characters are mostly
private-use code points, characters PDFium could not map to Unicode (a font without a ToUnicode map: CID
numbers), control characters or ``(cid:N)`` leftovers is garbage. A document whose pages are all like
that raises :class:`~analysis.errors.ReadError` with the reason (the ingest report shows it), unless
``ocr=True`` and Tesseract is installed: then those pages are rendered at 300 dpi and read by Tesseract
(``chi_sim`` / ``chi_tra``), and the words it finds go through the same layout steps. Partly unusable
documents keep their good pages and say which pages were lost in ``meta["warning"]``.
"""

from __future__ import annotations

import ctypes
import functools
import io
import itertools
import re
import shutil
import statistics
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.errors import ReadError

__all__ = [
    "OCR_PACKAGES",
    "Glyph",
    "Row",
    "layout_text",
    "ocr_available",
    "read_pdf_layout",
]

OCR_PACKAGES = "tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-tra"
OCR_DPI = 300
_OCR_TIMEOUT = 300

# Geometry thresholds, in units of the font size unless said otherwise.
_ROW_TOLERANCE = 0.45  # vertical centres closer than this are one row
_SPACE_GAP = 0.33  # a horizontal gap wider than this is a space
_CJK_SPACE_GAP = 1.0  # ... between two Chinese characters
_MIN_PITCH_SAMPLES = 3
_FULL_SHARE = 0.7  # a column whose lines all stop before this share of its width has no measured edge
_DEFAULT_PITCH = 2.0  # line pitch (at most) assumed when a document has too few lines to measure it
_INDENT = 0.8  # first-line indent
_SHORT_LINE = 2.5  # a row ending this much before the column's right edge ends its paragraph
_SIZE_CHANGE = 0.15  # relative font size change
_GAP_FACTOR = 1.15  # of the typical line pitch
_MARGIN_SHARE = 0.125  # top / bottom share of the page where running headers and footers sit
_OUTER_SHARE = 0.06  # ... and where browsers print theirs (about half an inch of a letter page)
_GUTTER_MIN = 0.6  # narrowest gutter (font sizes)
_MIN_COLUMN_ROWS = 3

_CJK_RE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff]")
_LATIN_END_RE = re.compile(r"[A-Za-z0-9]$")
_LATIN_START_RE = re.compile(r"^[A-Za-z0-9]")
_HYPHEN_BREAK_RE = re.compile(r"[a-z]-$")

# Page furniture, matched on a margin row with its spaces removed.
_PAGE_NUMBER_RE = re.compile(
    r"^(?:[-—–_]*\d{1,4}[-—–_]*|\d{1,4}/\d{1,4}|第\d{1,4}页(?:[/／,，]?共\d{1,4}页)?|共\d{1,4}页第\d{1,4}页"
    r"|page\d{1,4}(?:of\d{1,4})?|\d{1,4}of\d{1,4}|[ivxlc]{1,6})$",
    re.IGNORECASE,
)
# Browser print header: print date and time first ("11/29/26, 12:29 AM", "2026/11/29 00:29"), then title.
_PRINT_HEADER_RE = re.compile(
    r"^\s*(?:\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}|\d{4}年\d{1,2}月\d{1,2}日)[,，]?\s*"
    r"(?:(?:上午|下午)\s*)?\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s|$)"
)
# Browser print footer: a URL or file path, then "n/m".
_PRINT_FOOTER_RE = re.compile(
    r"^\s*(?:(?:https?|file|ftp)://|www\.|about:|chrome:|/)\S*(?:\s+\S+)*?\s+\d{1,4}\s*/\s*\d{1,4}\s*$",
    re.IGNORECASE,
)
_DIGITS_RE = re.compile(r"\d+")
_DATETIME_RE = re.compile(r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}[,，]?\s*(?:上午|下午)?\s*\d{1,2}:\d{2}")
_PAGE_COUNT_RE = re.compile(r"(?<![\d/.-])\d{1,4}\s*/\s*\d{1,4}(?![\d/.-])|\bpage\s*\d+\s*of\s*\d+|第\s*\d+\s*页", re.I)
_ADDRESS_RE = re.compile(r"(?:https?|file|ftp)://|www\.", re.I)
_OCR_PUNCT = str.maketrans(",:;!?()", "，：；！？（）")
# Short header and footer lines that stay lines of their own even right after a full-width line: a field
# label (日期：, 来源：, 作者：, 责任编辑：…), a bare date (with time), a site footer's start (版权所有, ©)
# or a link to other articles (上一篇：, 相关新闻).
_HEADER_LINE_RE = re.compile(
    r"^\s*[【\[(（]?\s*(?:发布时间|发布日期|发表时间|更新时间|时间|日期|来源|文章来源|稿源|出处|作者|记者|通讯员|摄影"
    r"|发布人|发布者|责任编辑|责编|编辑|审核|浏览次数|点击数|阅读量)\s*[:：]"
    r"|^\s*\d{4}\s*[-年./]\s*\d{1,2}\s*[-月./]\s*\d{1,2}\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?(?:\s|$)"
    r"|^\s*(?:版权所有|版权声明|免责声明|Copyright|©|主办单位|承办单位|技术支持|[京沪粤浙苏]ICP"
    r"|上一篇|下一篇|上一条|下一条|上篇|下篇|相关新闻|相关阅读|相关链接|推荐阅读)",
    re.IGNORECASE,
)
_CID_RE = re.compile(r"\(cid:\d+\)")
_MOJIBAKE_MIN_HAN = 20
_MOJIBAKE_COMMON_SHARE = 0.6


@dataclass
class Glyph:
    """One character (PDF text layer) or one word (OCR) with its box; y grows downwards."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    # The text layer has a space right after it (drawn, or inferred by PDFium from a gap). Between two
    # Chinese characters such a space is removed by cleaning unless a header field label follows.
    space_after: bool = False

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class Row:
    """Glyphs on one baseline within one column, left to right."""

    glyphs: list[Glyph] = field(default_factory=list)

    @property
    def x0(self) -> float:
        return min(g.x0 for g in self.glyphs)

    @property
    def x1(self) -> float:
        return max(g.x1 for g in self.glyphs)

    @property
    def top(self) -> float:
        return min(g.top for g in self.glyphs)

    @property
    def bottom(self) -> float:
        return max(g.bottom for g in self.glyphs)

    @property
    def cy(self) -> float:
        return statistics.median(g.cy for g in self.glyphs)

    @property
    def size(self) -> float:
        sizes = [g.size for g in self.glyphs if g.text.strip()]
        return statistics.median(sizes) if sizes else statistics.median(g.size for g in self.glyphs)

    @property
    def text(self) -> str:
        out: list[str] = []
        prev: Glyph | None = None
        for g in sorted(self.glyphs, key=lambda g: g.x0):
            if prev is not None:
                # Between two Chinese characters only a wide gap is a space (fields of a header line);
                # justified text and OCR word boxes leave narrower ones.
                cjk = bool(_CJK_RE.match(prev.text[-1:]) and _CJK_RE.match(g.text[:1]))
                threshold = _CJK_SPACE_GAP if cjk else _SPACE_GAP
                if prev.space_after or g.x0 - prev.x1 > threshold * max(g.size, prev.size):
                    out.append(" ")
            out.append(g.text)
            prev = g
        return " ".join("".join(out).split())


@dataclass
class _Page:
    width: float
    height: float
    glyphs: list[Glyph]


# ---------------------------------------------------------------------------------------------------
# Geometry -> rows -> columns -> paragraphs
# ---------------------------------------------------------------------------------------------------


def _rows(glyphs: list[Glyph]) -> list[Row]:
    """Cluster glyphs into rows by their vertical centres (whole page width)."""
    rows: list[Row] = []
    for g in sorted(glyphs, key=lambda g: (g.cy, g.x0)):
        if rows:
            last = rows[-1]
            ref = last.glyphs[-1]
            if abs(g.cy - ref.cy) <= _ROW_TOLERANCE * min(g.size, ref.size):
                last.glyphs.append(g)
                continue
        rows.append(Row([g]))
    return rows


def _intervals(row: Row) -> list[tuple[float, float]]:
    """The row's inked horizontal extent as merged intervals (gaps under one font size are ink)."""
    spans = sorted((g.x0, g.x1) for g in row.glyphs if g.text.strip())
    merged: list[list[float]] = []
    size = row.size
    for x0, x1 in spans:
        if merged and x0 - merged[-1][1] < size:
            merged[-1][1] = max(merged[-1][1], x1)
        else:
            merged.append([x0, x1])
    return [(a, b) for a, b in merged]


def _gutter(rows: list[Row], width: float) -> float | None:
    """x of a column gutter in the middle half of the page, or None for a single-column page."""
    if len(rows) < 2 * _MIN_COLUMN_ROWS:
        return None
    spans = [(_intervals(r), r.size) for r in rows]
    best: tuple[float, float] | None = None
    run_start: float | None = None
    step = 1.0
    x = width * 0.25
    while x <= width * 0.75 + step:
        crossing = sum(1 for ivs, _ in spans if any(a < x < b for a, b in ivs))
        ok = crossing <= max(1, len(rows) // 3)  # rows spanning both columns (title, date line)
        if ok and run_start is None:
            run_start = x
        if (not ok or x > width * 0.75) and run_start is not None:
            if best is None or x - run_start > best[1] - best[0]:
                best = (run_start, x)
            run_start = None
        x += step
    if best is None:
        return None
    mid = (best[0] + best[1]) / 2
    body = statistics.median(size for _, size in spans)
    if best[1] - best[0] < _GUTTER_MIN * body:
        return None
    # Two real columns: many rows with ink on each side (the strip itself is crossed by few rows).
    left = sum(1 for ivs, _ in spans if any(b <= mid for _, b in ivs))
    right = sum(1 for ivs, _ in spans if any(a >= mid for a, _ in ivs))
    if left >= _MIN_COLUMN_ROWS and right >= _MIN_COLUMN_ROWS:
        return mid
    return None


def _split_row(row: Row, x: float) -> tuple[Row | None, Row | None]:
    left = [g for g in row.glyphs if g.x1 <= x]
    right = [g for g in row.glyphs if g.x0 >= x]
    return (Row(left) if left else None), (Row(right) if right else None)


def _fits_gutter(rows: list[Row], x: float) -> bool:
    """Whether a gutter found on another page also splits this page (a short last page of an article)."""
    spans = [_intervals(r) for r in rows]
    crossing = sum(1 for ivs in spans if any(a < x < b for a, b in ivs))
    left = sum(1 for ivs in spans if any(b <= x for _, b in ivs))
    right = sum(1 for ivs in spans if any(a >= x for a, _ in ivs))
    return left >= 1 and right >= 1 and crossing <= max(1, len(rows) // 3)


def _reading_order(rows: list[Row], x: float | None) -> list[list[Row]]:
    """Rows grouped into flows (a run of full-width rows, or one column of a band), in reading order."""
    if x is None:
        return [rows]
    flows: list[list[Row]] = []
    left: list[Row] = []
    right: list[Row] = []
    spanning: list[Row] = []

    def flush_columns() -> None:
        if left:
            flows.append(list(left))
        if right:
            flows.append(list(right))
        left.clear()
        right.clear()

    for row in rows:
        ivs = _intervals(row)
        bridges = any(a < x < b for a, b in ivs) or not ivs
        only_whitespace = not any(g.text.strip() for g in row.glyphs)
        if bridges and not only_whitespace:
            flush_columns()
            spanning.append(row)
            continue
        if spanning:
            flows.append(list(spanning))
            spanning.clear()
        lrow, rrow = _split_row(row, x)
        if lrow:
            left.append(lrow)
        if rrow:
            right.append(rrow)
    if spanning:
        flows.append(list(spanning))
    flush_columns()
    return flows


def _furniture_key(row: Row, top: bool) -> str:
    """What makes two margin rows the same running header: band, font size, text with digits ignored."""
    return f"{'top' if top else 'bottom'}|{round(row.size)}|" + _DIGITS_RE.sub("#", "".join(row.text.split()))


def _is_furniture(text: str, *, outer: bool) -> bool:
    """Page furniture on its own. ``outer``: the row sits in the outermost band, where browsers print
    their header and footer (the patterns with a date and time only apply there)."""
    squashed = "".join(text.split())
    if _PAGE_NUMBER_RE.match(squashed):
        return True
    if not outer:
        return False
    if _PRINT_HEADER_RE.match(text) or _PRINT_FOOTER_RE.match(text):
        return True
    # Other browsers' furniture: the page's address (with its title), or a print date and time with a
    # page count.
    return bool(_ADDRESS_RE.search(text) or (_DATETIME_RE.search(text) and _PAGE_COUNT_RE.search(text)))


def _margin_rows(rows: list[Row], height: float) -> list[tuple[int, bool, bool]]:
    """Up to two rows at the top and at the bottom inside the margin bands: (index, top?, outer?)."""
    out: list[tuple[int, bool, bool]] = []
    for idx in range(min(2, len(rows))):
        if rows[idx].bottom <= height * _MARGIN_SHARE:
            out.append((idx, True, rows[idx].bottom <= height * _OUTER_SHARE))
    for idx in range(len(rows) - 1, max(-1, len(rows) - 3), -1):
        if rows[idx].top >= height * (1 - _MARGIN_SHARE) and all(idx != i for i, _, _ in out):
            out.append((idx, False, rows[idx].top >= height * (1 - _OUTER_SHARE)))
    return out


def _drop_running_rows(pages: list[tuple[_Page, list[Row]]]) -> list[list[Row]]:
    """Remove running headers/footers and page numbers from each page's rows."""
    keys: Counter[str] = Counter()
    margins: list[list[tuple[int, bool, bool]]] = []
    for page, rows in pages:
        found = _margin_rows(rows, page.height)
        margins.append(found)
        keys.update({_furniture_key(rows[i], top) for i, top, _ in found})
    repeated = {k for k, n in keys.items() if n >= 2 and n >= len(pages) / 2}
    out: list[list[Row]] = []
    for (_page, rows), found in zip(pages, margins, strict=True):
        drop = {
            i
            for i, top, outer in found
            if _furniture_key(rows[i], top) in repeated or _is_furniture(rows[i].text, outer=outer)
        }
        out.append([r for i, r in enumerate(rows) if i not in drop])
    return out


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    size: float
    limit: float  # where the column's right edge should be: the gutter, or the page's mirrored margin


def _flow_stats(lines: list[_Line], doc_pitches: dict[int, list[float]]) -> tuple[float, float, float]:
    """(left edge, right edge, typical line pitch) of one flow; ``doc_pitches``: the whole document's
    line pitches by font size, for flows too short to measure their own."""
    left = statistics.median_low(sorted(round(ln.x0) for ln in lines)[: max(1, len(lines) // 2 + 1)])
    left = min(left, statistics.median(ln.x0 for ln in lines))
    ends = sorted(ln.x1 for ln in lines)
    # Hanging punctuation overshoots the edge: the upper quartile of the line ends, not the maximum. Few
    # lines, or only short ones (a list, a poem), cannot show the edge: then the expected edge is used.
    limit = max(lines[0].limit, ends[-1])
    right = ends[(3 * len(ends)) // 4] if len(ends) >= 4 else limit
    if right - left < _FULL_SHARE * (limit - left):
        right = limit
    pitches = _pitches(lines)
    size = statistics.median(ln.size for ln in lines)
    if len(pitches) < _MIN_PITCH_SAMPLES:
        pitches = doc_pitches.get(round(size), [])
    if len(pitches) >= _MIN_PITCH_SAMPLES:
        pitch = statistics.median(pitches)
    else:  # too few lines in the whole document to tell a line pitch from a paragraph gap
        pitch = min([*pitches, _DEFAULT_PITCH * size])
    return float(left), float(right), float(pitch)


def _pitches(lines: list[_Line]) -> list[float]:
    return [
        b.top - a.top
        for a, b in itertools.pairwise(lines)
        if b.top - a.top > 0 and abs(a.size - b.size) <= _SIZE_CHANGE * a.size
    ]


def _join(prev: str, nxt: str, *, wrapped_at_space: bool) -> str:
    if _HYPHEN_BREAK_RE.search(prev) and nxt[:1].islower():
        return prev[:-1] + nxt
    if wrapped_at_space and _LATIN_END_RE.search(prev) and _LATIN_START_RE.match(nxt):
        return prev + " " + nxt
    return prev + nxt


def _paragraphs(flows: list[list[_Line]]) -> list[str]:
    """Lines of all flows, in reading order -> paragraphs (see the module docstring, step 4)."""
    paragraphs: list[str] = []
    prev: _Line | None = None
    prev_stats: tuple[float, float, float] | None = None
    doc_pitches: dict[int, list[float]] = {}
    for lines in flows:
        for a, b in itertools.pairwise(lines):
            doc_pitches.setdefault(round(a.size), []).extend(_pitches([a, b]))
    for lines in flows:
        if not lines:
            continue
        stats = _flow_stats(lines, doc_pitches)
        left, _right, pitch = stats
        for k, line in enumerate(lines):
            new = True
            if prev is not None and prev_stats is not None:
                size = max(line.size, prev.size)
                same_size = abs(line.size - prev.size) <= _SIZE_CHANGE * max(line.size, prev.size)
                prev_full = prev.x1 >= prev_stats[1] - _SHORT_LINE * prev.size
                indented = line.x0 > left + _INDENT * size
                short = line.x1 < stats[1] - _SHORT_LINE * line.size
                if short and _HEADER_LINE_RE.match(line.text):
                    new = True  # a date, source, byline or editor line after a full line: its own line
                elif k == 0:  # first line of a column or page: only layout of both ends tells
                    new = not (same_size and prev_full and not indented)
                else:
                    gap = line.top - prev.top
                    new = gap > _GAP_FACTOR * pitch or not same_size or not prev_full or indented or gap < 0
            if new or not paragraphs:
                paragraphs.append(line.text)
            else:
                wrapped_at_space = (
                    prev is not None
                    and prev_stats is not None
                    and (prev.x1 < prev_stats[1] - 0.5 * prev.size)
                )
                paragraphs[-1] = _join(paragraphs[-1], line.text, wrapped_at_space=wrapped_at_space)
            prev, prev_stats = line, stats
    return [p for p in paragraphs if p.strip()]


def layout_text(pages: list[tuple[float, float, list[Glyph]]]) -> str:
    """Pages as ``(width, height, glyphs)`` -> text, one paragraph per block separated by blank lines."""
    prepared: list[tuple[_Page, list[Row]]] = []
    for width, height, glyphs in pages:
        page = _Page(width, height, [g for g in glyphs if g.text])
        rows = [r for r in _rows(page.glyphs) if r.text.strip()]
        prepared.append((page, rows))
    kept = _drop_running_rows(prepared)
    gutters = [_gutter(rows, page.width) for (page, _), rows in zip(prepared, kept, strict=True)]
    known = [x for x in gutters if x is not None]
    flows: list[list[_Line]] = []
    for (page, _), rows, x in zip(prepared, kept, gutters, strict=True):
        if x is None:
            x = next((k for k in known if _fits_gutter(rows, k)), None)
        page_left = min((r.x0 for r in rows), default=0.0)
        for flow_rows in _reading_order(rows, x):
            in_left_column = x is not None and all(r.x1 <= x for r in flow_rows)
            limit = x if in_left_column and x is not None else page.width - page_left
            flow = [
                _Line(r.text, r.x0, r.x1, r.top, r.size, limit)
                for r in sorted(flow_rows, key=lambda r: r.cy)
                if r.text.strip()
            ]
            if flow:
                flows.append(flow)
    return "\n\n".join(_paragraphs(flows))


# ---------------------------------------------------------------------------------------------------
# Text layer quality
# ---------------------------------------------------------------------------------------------------


def _is_private_use(cp: int) -> bool:
    return 0xE000 <= cp <= 0xF8FF or cp >= 0xF0000


def _is_control(cp: int) -> bool:
    return (cp < 0x20 and cp not in (9, 10, 13)) or 0x7F <= cp <= 0x9F or cp == 0xFFFD


def garbage_reason(text: str, map_errors: int = 0) -> str | None:
    """Why a page's text layer is unusable, or None when it reads as text.

    ``map_errors``: characters PDFium could not map to Unicode (fonts without a ToUnicode map).
    """
    chars = [ch for ch in text if not ch.isspace()]
    if not chars:
        return None
    n = len(chars)
    pua = sum(1 for ch in chars if _is_private_use(ord(ch)))
    if pua > 0.2 * n:
        return f"garbage text layer: {pua} of {n} characters are private-use code points (font without a Unicode map)"
    if map_errors > 0.2 * n:
        return f"garbage text layer: no Unicode map for {map_errors} of {n} characters (CID numbers only)"
    cids = len(_CID_RE.findall(text))
    if cids and 6 * cids > 0.2 * n:
        return f"garbage text layer: {cids} unmapped CID numbers '(cid:N)'"
    controls = sum(1 for ch in chars if _is_control(ord(ch)))
    if controls > 0.05 * n:
        return f"garbage text layer: {controls} of {n} characters are control characters (mojibake)"
    latin1 = sum(1 for ch in chars if 0xC0 <= ord(ch) <= 0x24F)
    cjk = sum(1 for ch in chars if _CJK_RE.match(ch))
    if latin1 > 0.3 * n and latin1 > cjk:
        return f"garbage text layer: {latin1} of {n} characters are accented Latin letters (mojibake)"
    han = [ch for ch in chars if "\u4e00" <= ch <= "\u9fff"]
    if len(han) >= _MOJIBAKE_MIN_HAN:
        common = _common_han()
        share = sum(1 for ch in han if ch in common) / len(han)
        if share < _MOJIBAKE_COMMON_SHARE:
            return (
                f"garbage text layer: only {share:.0%} of its {len(han)} Chinese characters are common ones "
                "(mojibake: text decoded with the wrong encoding)"
            )
    return None


@functools.lru_cache(maxsize=1)
def _common_han() -> frozenset[str]:
    """The common characters of both scripts, from the code tables themselves: GB2312 level 1 (the 3755
    most used simplified characters) and Big5's 常用字 block (5401 traditional ones). News text draws
    more than 90 % of its characters from them; UTF-8 read as GBK (涓浗 for 中国) about 40 %."""
    chars: set[str] = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            chars.add(bytes((lead, trail)).decode("gb2312", errors="ignore"))
    for lead in range(0xA4, 0xC7):
        for trail in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            if (lead, trail) <= (0xC6, 0x7E):
                chars.add(bytes((lead, trail)).decode("big5", errors="ignore"))
    chars.discard("")
    return frozenset(chars)


# ---------------------------------------------------------------------------------------------------
# PDFium
# ---------------------------------------------------------------------------------------------------


def _pdfium_page(page: Any, raw: Any) -> tuple[list[Glyph], int, str]:
    """Glyphs of one page (y downwards), the number of unmappable characters, and the plain text."""
    textpage = page.get_textpage()
    try:
        height = page.get_height()
        n = textpage.count_chars()
        left, right = ctypes.c_double(), ctypes.c_double()
        bottom, top = ctypes.c_double(), ctypes.c_double()
        rect = raw.FS_RECTF()
        glyphs: list[Glyph] = []
        errors = 0
        chars: list[str] = []
        for i in range(n):
            cp = raw.FPDFText_GetUnicode(textpage.raw, i)
            if cp in (10, 13) or cp == 0:
                continue
            if cp in (32, 9, 0xA0, 0x3000):  # the box of a space (often generated) says nothing: mark it
                if glyphs:
                    glyphs[-1].space_after = True
                chars.append(" ")
                continue
            try:
                ch = chr(cp)
            except ValueError:
                continue
            if raw.FPDFText_HasUnicodeMapError(textpage.raw, i) == 1:
                errors += 1
            size = raw.FPDFText_GetFontSize(textpage.raw, i) or 0.0
            if raw.FPDFText_GetLooseCharBox(textpage.raw, i, rect):
                x0, x1, y0, y1 = rect.left, rect.right, rect.bottom, rect.top
            else:
                raw.FPDFText_GetCharBox(textpage.raw, i, left, right, bottom, top)
                x0, x1, y0, y1 = left.value, right.value, bottom.value, top.value
            lo, hi = min(y0, y1), max(y0, y1)
            if size <= 0:
                size = max(hi - lo, 1.0)
            chars.append(ch)
            glyphs.append(Glyph(ch, min(x0, x1), max(x0, x1), height - hi, height - lo, float(size)))
        return glyphs, errors, "".join(chars)
    finally:
        textpage.close()


def _textless_reason(page: Any) -> str:
    """Why a page without text has none: a scan (images), text drawn as outlines (paths), or blank."""
    try:
        kinds = {obj.type for obj in page.get_objects(max_depth=2)}
    except Exception:  # a damaged page tree: nothing to tell
        kinds = set()
    if 3 in kinds:  # FPDF_PAGEOBJ_IMAGE
        return "no text layer (scanned page)"
    if 2 in kinds:  # FPDF_PAGEOBJ_PATH
        return "no text layer (drawings only, or text as outlines)"
    return "empty page"


# ---------------------------------------------------------------------------------------------------
# OCR
# ---------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _tesseract_languages(exe: str) -> frozenset[str]:
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.strip() for line in (out.stdout + out.stderr).splitlines()[1:] if line.strip())


def ocr_available() -> tuple[bool, str]:
    """(True, languages) when Tesseract with chi_sim or chi_tra is installed, else (False, what is missing)."""
    exe = shutil.which("tesseract")
    if exe is None:
        return False, f"OCR needs Tesseract: apt-get install {OCR_PACKAGES}"
    langs = _tesseract_languages(exe)
    chosen = [lang for lang in ("chi_sim", "chi_tra") if lang in langs]
    if not chosen:
        return False, f"Tesseract has no Chinese model: apt-get install {OCR_PACKAGES}"
    return True, "+".join(chosen)


def _ocr_page(page: Any, languages: str) -> tuple[float, float, list[Glyph]]:
    """Render one page at OCR_DPI and read it with Tesseract; words come back as glyphs in PDF points."""
    scale = OCR_DPI / 72
    image = page.render(scale=scale, grayscale=True).to_pil()
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    exe = shutil.which("tesseract") or "tesseract"
    proc = subprocess.run(
        [exe, "stdin", "stdout", "-l", languages, "--psm", "3", "tsv"],
        input=buf.getvalue(),
        capture_output=True,
        timeout=_OCR_TIMEOUT,
        check=False,
    )
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", errors="replace").strip().splitlines()[-1:] or ["failed"]
        raise RuntimeError(f"tesseract: {message[0]}")
    # TSV rows: level 4 = a text line, level 5 = a word in it. A word's height depends on its glyphs
    # (一 is flat), so every word gets its line's top, bottom and height: rows and sizes stay uniform.
    line_boxes: dict[tuple[str, ...], tuple[float, float]] = {}
    glyphs: list[Glyph] = []
    for line in proc.stdout.decode("utf-8", errors="replace").splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) < 12 or parts[0] not in ("4", "5"):
            continue
        try:
            x, y, w, h = (int(v) / scale for v in parts[6:10])
            conf = float(parts[10])
        except ValueError:
            continue
        key = tuple(parts[1:5])
        if parts[0] == "4":
            line_boxes[key] = (y, y + h)
            continue
        text = parts[11].strip()
        if not text or conf < 0:
            continue
        # Tesseract writes ASCII punctuation in Chinese text: in or right after a Chinese word, full width.
        if _CJK_RE.search(text) or (glyphs and _CJK_RE.search(glyphs[-1].text[-1:]) and not text.isalnum()):
            text = text.translate(_OCR_PUNCT)
        top, bottom = line_boxes.get(key, (y, y + h))
        glyphs.append(Glyph(text, x, x + w, top, bottom, max(bottom - top, 1.0)))
    return page.get_width(), page.get_height(), glyphs


# ---------------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------------


def _describe(exc: BaseException) -> str:
    message = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _metadata(pdf: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    try:
        info = pdf.get_metadata_dict(skip_empty=True)
    except Exception:  # malformed document info is not worth failing the document for
        return meta
    for key, name in (
        ("Title", "title"),
        ("Author", "author"),
        ("Producer", "producer"),
        ("Creator", "creator"),
    ):
        if info.get(key):
            meta[name] = str(info[key])
    return meta


def read_pdf_layout(data: bytes, path: Path, *, ocr: bool = False) -> tuple[str, dict[str, Any]]:
    """PDF bytes -> (text, meta); see the module docstring. Raises ReadError for unusable documents.

    ``meta``: ``pages``, ``ocr_pages`` (pages read by OCR), ``warning`` (pages left out and why), and
    ``title`` / ``author`` / ``producer`` / ``creator`` from the document info. A PDF's creation date is
    when the file was made, not when the text was published: it is not read.
    """
    try:
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_raw
    except ImportError as exc:
        raise ReadError(
            path, "reading .pdf files needs the 'pypdfium2' package (pip install pypdfium2)"
        ) from exc
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = str(exc)
        if "password" in reason.lower():
            raise ReadError(path, "encrypted PDF (password required)") from None
        raise ReadError(path, f"corrupt PDF ({_describe(exc)})") from None
    try:
        return _read(pdf, pdfium_raw, path, ocr=ocr)
    finally:
        pdf.close()


def _read(pdf: Any, raw: Any, path: Path, *, ocr: bool) -> tuple[str, dict[str, Any]]:
    n_pages = len(pdf)
    if n_pages == 0:
        raise ReadError(path, "PDF has no pages")
    pages: list[tuple[float, float, list[Glyph]]] = []
    problems: dict[int, str] = {}
    try:
        for index in range(n_pages):
            page = pdf[index]
            try:
                glyphs, errors, text = _pdfium_page(page, raw)
                reason = garbage_reason(text, errors)
                if not text.strip():
                    reason = _textless_reason(page)
                if reason is None:
                    pages.append((page.get_width(), page.get_height(), glyphs))
                else:
                    problems[index] = reason
            finally:
                page.close()
    except ReadError:
        raise
    except Exception as exc:  # PDFium raises several types for damaged files
        raise ReadError(path, f"corrupt PDF ({_describe(exc)})") from None

    unusable = {i: r for i, r in problems.items() if r != "empty page"}
    ocr_pages: list[int] = []
    ocr_note = ""
    if unusable and ocr:
        available, detail = ocr_available()
        if available:
            ocr_texts: list[tuple[int, tuple[float, float, list[Glyph]]]] = []
            for index in sorted(unusable):
                page = pdf[index]
                try:
                    ocr_texts.append((index, _ocr_page(page, detail)))
                except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
                    unusable[index] += f"; OCR failed ({_describe(exc)})"
                    continue
                finally:
                    page.close()
                ocr_pages.append(index)
            # Keep page order: merge OCR pages with the text-layer pages.
            by_index = dict(ocr_texts)
            ordered: list[tuple[float, float, list[Glyph]]] = []
            text_pages = iter(pages)
            for index in range(n_pages):
                if index in by_index:
                    ordered.append(by_index[index])
                elif index not in problems:
                    ordered.append(next(text_pages))
            pages = ordered
            for index in ocr_pages:
                unusable.pop(index, None)
        else:
            ocr_note = detail
    text = layout_text(pages).strip() if pages else ""
    if not text:
        reasons = sorted(set(unusable.values())) or ["no text layer on any page"]
        hint = ocr_note or ("" if ocr else "ingest --ocr reads such pages by OCR")
        what = "; ".join(reasons)
        pages_note = f"{len(unusable) or n_pages} of {n_pages} page(s)"
        raise ReadError(path, f"no usable text: {what} ({pages_note})" + (f"; {hint}" if hint else ""))
    meta: dict[str, Any] = {"pages": n_pages, **_metadata(pdf)}
    if ocr_pages:
        meta["ocr_pages"] = [i + 1 for i in ocr_pages]
    if unusable:
        lost = ", ".join(f"page {i + 1}: {r}" for i, r in sorted(unusable.items()))
        meta["warning"] = f"pages left out ({lost})" + (f"; {ocr_note}" if ocr_note else "")
    return text, meta
