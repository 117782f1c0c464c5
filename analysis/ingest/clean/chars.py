"""Character-level repair: compatibility forms that PDFs and scraped pages carry -> the ordinary character.

A PDF text layer often names a glyph by a code point that merely looks right: Noto CJK and other fonts
map the glyph of 长 to ⻓ (U+2ED3, CJK Radicals Supplement) or the glyph of 一 to ⼀ (U+2F00, Kangxi
Radicals), and text copied out of such a PDF into .txt, .html or .docx files keeps them. The strings
then fail every search (人民 does not match ⼈⺠). NFKC maps the Kangxi block but not the Radicals
Supplement; the Unicode Character Database gives both in ``EquivalentUnifiedIdeograph.txt``, pinned
here as ``resources/cjk_radicals.tsv`` (built by ``tools/build_radicals_table.py``; the header names
the Unicode version).

The mapping (one translation table, applied to every format):

================================== =============================================================
CJK Radicals Supplement, Kangxi     the equivalent unified ideograph (⻓ -> 长, ⺠ -> 民, ⼈ -> 人)
CJK compatibility ideographs        their canonical (NFC) ideograph (U+F900-U+FAFF and the
                                    supplement U+2F800-U+2FA1F; the twelve unified ideographs in
                                    U+FA0E-U+FA29 have none and stay)
full-width ASCII                    letters, digits and the symbols typed for their ASCII meaning
                                    (＋％／＝ …) -> ASCII; full-width punctuation used as Chinese
                                    punctuation (，。：；！？（）) stays
ideographic space U+3000            a plain space
zero-width characters, soft hyphen  removed (U+200B-U+200D, U+2060, U+FEFF, U+00AD)
================================== =============================================================
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path
from typing import Any

from analysis import config
from analysis._text import char_class

__all__ = ["RADICALS_FILE", "char_table", "count_mapped", "map_chars", "map_chars_counted", "radical_table"]

RADICALS_FILE: Path = config.RESOURCES_DIR / "cjk_radicals.tsv"

# Full-width symbols typed for their ASCII meaning (1＋N, ５％, Ａ／Ｂ); kept in step with the cleaning
# rules, which leave full-width Chinese punctuation (，。：；！？（）「」 …) and ＜＞ alone.
_FULLWIDTH_SYMBOLS = "＃＄％＆＊＋－．／＝＠＼＾＿｀｛｝｜～"
_REMOVED = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_COMPAT_RANGES = (range(0xF900, 0xFB00), range(0x2F800, 0x2FA20))


@functools.lru_cache(maxsize=1)
def radical_table() -> dict[str, str]:
    """The pinned radicals table: radical character -> unified ideograph (see the module docstring)."""
    table: dict[str, str] = {}
    for line in RADICALS_FILE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        src, dst = line.split("\t")[:2]
        table[chr(int(src, 16))] = chr(int(dst, 16))
    return table


@functools.lru_cache(maxsize=1)
def char_table() -> dict[int, str]:
    """The whole translation table (code point -> replacement, '' for removal), for ``str.translate``."""
    table: dict[int, str] = {ord(src): dst for src, dst in radical_table().items()}
    for rng in _COMPAT_RANGES:
        for cp in rng:
            norm = unicodedata.normalize("NFC", chr(cp))
            if norm != chr(cp):
                table[cp] = norm
    for cp in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)):
        table[cp] = chr(cp - 0xFEE0)
    for ch in _FULLWIDTH_SYMBOLS:
        table[ord(ch)] = chr(ord(ch) - 0xFEE0)
    table[0x3000] = " "
    for ch in _REMOVED:
        table[ord(ch)] = ""
    return table


@functools.lru_cache(maxsize=1)
def _mapped_re() -> re.Pattern[str]:
    # Written as ranges: a class of ~1,000 single characters, some beyond the BMP, is tested one by one.
    return re.compile(char_class(map(chr, char_table())))


def map_chars(text: str) -> str:
    """``text`` with every compatibility form of the table replaced (or removed)."""
    if not _mapped_re().search(text):  # the usual case; ``str.translate`` looks every character up
        return text
    return text.translate(char_table())


def count_mapped(text: str) -> int:
    """How many characters of ``text`` :func:`map_chars` replaces or removes."""
    if len(text) < 256:
        return len(_mapped_re().findall(text))
    import numpy as np  # a long text: counted by a table lookup, faster than the regex scan

    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return int(np.count_nonzero(_mapped_table()[codes]))


@functools.lru_cache(maxsize=1)
def _mapped_table() -> Any:
    """Per code point: True for the characters of :func:`char_table` (what ``_mapped_re`` matches)."""
    import numpy as np

    table = np.zeros(0x110000, dtype=bool)
    table[list(char_table())] = True
    return table


def map_chars_counted(text: str) -> tuple[str, int]:
    """``(map_chars(text), count_mapped(text))``."""
    return map_chars(text), count_mapped(text)
