"""Report pages that read the same everywhere: one language, nothing from the network, their own font.

- ``select_language``: keeps the markdown cells of the report's language (cells tagged ``lang-zh`` /
  ``lang-en``; untagged cells are kept in both).
- ``html_exporter``: nbconvert's JupyterLab layout without require.js, MathJax or Mermaid from a CDN
  (template ``templates/nbconvert/textlab``).
- ``embed_font``: subsets Noto Sans CJK SC (from the pinned PyPI package ``noto-cjk-sans-otc``) to the
  characters the page uses, as WOFF2 (fontTools), and embeds it as a data URL, so that the page reads
  correctly on a machine without any CJK font. Characters inside scripts (the interactive tables keep
  their rows as JSON with ``\\uXXXX`` escapes) count too.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import html
import io
import re
import types
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from analysis.errors import AnalysisError

__all__ = [
    "EMBEDDED_FAMILY",
    "embed_font",
    "font_css",
    "html_exporter",
    "page_characters",
    "select_language",
    "subset_font",
]

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
#: Family name of the embedded font (distinct from any installed font, so the page never borrows one).
EMBEDDED_FAMILY = "textlab Noto Sans CJK SC"
_FACE = "Noto Sans CJK SC"
# Brotli quality for the WOFF2 data: 9 is about 25 times faster than the default 11 for ~8 % more bytes.
_BROTLI_QUALITY = 9
_MARKER = "<!-- textlab embedded font -->"
_PRINTABLE_ASCII = "".join(chr(c) for c in range(0x20, 0x7F))


def select_language(nb: Any, lang: str) -> Any:
    """Drop the markdown and code cells tagged for another language (``lang-zh`` / ``lang-en``)."""
    other = {f"lang-{code}" for code in ("zh", "en") if code != lang}
    nb.cells = [c for c in nb.cells if not other & set(c.get("metadata", {}).get("tags", []))]
    return nb


def html_exporter(show_code: bool, lang: str = "zh") -> Any:
    """nbconvert HTML exporter for report pages (code hidden unless ``show_code``)."""
    from nbconvert import HTMLExporter

    return HTMLExporter(
        extra_template_basedirs=[str(TEMPLATES_DIR / "nbconvert")],
        template_name="textlab",
        exclude_input=not show_code,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
        language_code="en" if lang == "en" else "zh",
    )



def page_characters(page: str) -> set[str]:
    """Every character a reader may see on ``page``: its text after entity decoding, plus characters
    written as ``\\uXXXX`` escapes (JSON data of interactive tables), plus printable ASCII."""
    text = html.unescape(page)
    # ASCII adds nothing to the printable ASCII already there (the rest of it is not printable): the
    # set is made of the other characters only, a small part of a page of markup and table data
    chars = set(_ASCII_RUNS.sub("", text)) | set(_PRINTABLE_ASCII)
    codes = _escaped_code_points(text)  # a table's data repeats a few hundred escapes millions of times
    chars.update(chr(cp) for cp in codes[(codes < 0xD800) | (codes > 0xDFFF)].tolist())
    # surrogate pairs written as two escapes (characters beyond the BMP)
    for hi, lo in re.findall(r"\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})", text, flags=re.I):
        cp = 0x10000 + ((int(hi, 16) - 0xD800) << 10) + (int(lo, 16) - 0xDC00)
        chars.add(chr(cp))
    return {c for c in chars if c.isprintable() or c == " "}


_ASCII_RUNS = re.compile(r"[\x00-\x7f]+")


def _escaped_code_points(text: str) -> Any:
    """The distinct code points written as ``\\uXXXX`` (a backslash, ``u``, four hex digits) in ``text``,
    as a numpy array.

    Found in the UTF-8 bytes, where a backslash, a ``u`` and hex digits are single bytes that no other
    character's encoding holds; matches never overlap (neither a backslash nor a ``u`` is a hex digit),
    so every backslash-u followed by four hex digits is one."""
    import numpy as np

    data = np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    at = np.flatnonzero((data[:-5] == 0x5C) & (data[1:-4] == 0x75))
    value = np.zeros(len(at), dtype=np.int64)
    ok = np.ones(len(at), dtype=bool)
    hex_value = _hex_value()
    for k in range(2, 6):
        digit = hex_value[data[at + k]]
        ok &= digit >= 0
        value = value * 16 + digit
    return np.unique(value[ok])


@functools.cache
def _hex_value() -> Any:
    """Per byte: its value as a hex digit, -1 for any other byte."""
    import numpy as np

    table = np.full(256, -1, dtype=np.int64)
    for c in "0123456789abcdefABCDEF":
        table[ord(c)] = int(c, 16)
    return table


@functools.cache
def _face_number(path: str) -> int:
    from fontTools.ttLib import TTCollection

    collection = TTCollection(path, lazy=True)
    try:
        for i, font in enumerate(collection.fonts):
            if font["name"].getDebugName(1) == _FACE:
                return i
    finally:
        collection.close()
    raise AnalysisError(f"{path}: the font collection has no face {_FACE!r}")


@contextlib.contextmanager
def _brotli_quality(quality: int) -> Iterator[None]:
    """fontTools compresses WOFF2 with brotli's slowest setting; use ``quality`` while saving."""
    from fontTools.ttLib import woff2

    real = woff2.brotli

    def compress(data: bytes, mode: int = real.MODE_GENERIC, **kwargs: Any) -> bytes:
        kwargs.setdefault("quality", quality)
        return real.compress(data, mode=mode, **kwargs)

    woff2.brotli = types.SimpleNamespace(
        compress=compress, decompress=real.decompress, MODE_FONT=real.MODE_FONT,
        MODE_TEXT=real.MODE_TEXT, MODE_GENERIC=real.MODE_GENERIC,
    )  # fmt: skip
    try:
        yield
    finally:
        woff2.brotli = real


def subset_font(chars: Iterable[str], font_file: Path | None = None) -> bytes:
    """WOFF2 bytes of Noto Sans CJK SC reduced to ``chars`` (characters the font lacks are skipped)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    from analysis.plots.fonts import font_path

    path = str(font_file or font_path())
    # Bounding boxes of the full font are kept (recomputing them draws every glyph: a second per page).
    font = TTFont(path, fontNumber=_face_number(path), lazy=True, recalcBBoxes=False)
    try:
        options = subset.Options()
        options.desubroutinize = True  # compresses better
        # No glyph closure over layout features: the alternates it adds (vertical forms, other locales'
        # shapes, width variants) are never used by horizontal Simplified Chinese pages, and they made
        # up a third of the subset.
        options.layout_closure = False
        options.flavor = "woff2"
        subsetter = subset.Subsetter(options)
        subsetter.populate(text="".join(sorted(set(chars))))
        subsetter.subset(font)
        buf = io.BytesIO()
        font.flavor = "woff2"
        with _brotli_quality(_BROTLI_QUALITY):
            font.save(buf)
    finally:
        font.close()
    return buf.getvalue()


def font_css(woff2: bytes) -> str:
    """A <style> block declaring the embedded font and making it the page's first font family."""
    data = base64.b64encode(woff2).decode("ascii")
    family = f'"{EMBEDDED_FAMILY}"'
    return (
        f"{_MARKER}\n<style>\n"
        f"@font-face{{font-family:{family};src:url(data:font/woff2;base64,{data}) format('woff2');"
        "font-display:block}\n"
        f":root{{--jp-ui-font-family:{family},sans-serif;--jp-content-font-family:{family},sans-serif;"
        f"--jp-code-font-family:monospace,{family}}}\n"
        f"body,table,input,select,button,.dt-container{{font-family:{family},sans-serif}}\n"
        f"pre,code{{font-family:monospace,{family}}}\n"
        "</style>\n"
    )


def embed_font(page: str, font: bytes | None = None) -> str:
    """``page`` with a font embedded before ``</head>``: ``font`` (WOFF2 bytes covering the page, e.g.
    one subset for a whole report set) or, by default, a subset for exactly the page's characters."""
    if _MARKER in page:
        raise AnalysisError("embed_font: the page already has an embedded font")
    css = font_css(font if font is not None else subset_font(page_characters(page)))
    at = page.lower().find("</head>")
    if at < 0:
        return css + page
    return page[:at] + css + page[at:]
