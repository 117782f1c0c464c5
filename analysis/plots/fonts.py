"""CJK font for matplotlib, shipped by the PyPI package ``noto-cjk-sans-otc`` (no system font needed).

``use_cjk_font()`` registers ``NotoSansCJK-Regular.ttc`` with matplotlib's font manager (at run time,
by path: matplotlib's on-disk font cache is never relied on, so a stale cache cannot hide the font)
and makes "Noto Sans CJK SC" the first sans-serif family. The font covers Latin text, digits and the
Unicode minus sign, so ``axes.unicode_minus`` stays on.
"""

from __future__ import annotations

import functools
import importlib.resources
import importlib.util
from pathlib import Path

from analysis.errors import AnalysisError

__all__ = [
    "FONT_FAMILY",
    "covered_codepoints",
    "drawable",
    "font_path",
    "register_cjk_font",
    "use_cjk_font",
]

FONT_FAMILY = "Noto Sans CJK SC"
FONT_PACKAGE = "noto_cjk_sans_otc"
FONT_FILE = "NotoSansCJK-Regular.ttc"
# Used for the few characters the CJK face lacks; matplotlib always ships it.
FALLBACK_FAMILY = "DejaVu Sans"
# Shown instead of characters no registered font can draw (emoji in scraped titles, ...).
REPLACEMENT_CHAR = "□"


def font_path() -> Path:
    """Path of ``NotoSansCJK-Regular.ttc`` inside the installed ``noto-cjk-sans-otc`` package.

    Raises AnalysisError when the package or the font file is missing.
    """
    if importlib.util.find_spec(FONT_PACKAGE) is None:
        raise AnalysisError(
            f"the CJK font package is not installed: pip install 'noto-cjk-sans-otc==0.0.1' "
            f"(module {FONT_PACKAGE!r} not found)"
        )
    path = Path(str(importlib.resources.files(FONT_PACKAGE).joinpath(FONT_FILE)))
    if not path.is_file():
        raise AnalysisError(f"{path}: CJK font file missing; reinstall 'noto-cjk-sans-otc==0.0.1'")
    return path


def register_cjk_font(path: Path | None = None) -> str:
    """Add the CJK font collection to matplotlib's font manager once per process; return the family name."""
    from matplotlib import font_manager

    path = Path(path) if path is not None else font_path()
    if not path.is_file():
        raise AnalysisError(f"{path}: CJK font file missing")
    fname = str(path)
    manager = font_manager.fontManager
    if not any(entry.fname == fname and entry.name == FONT_FAMILY for entry in manager.ttflist):
        try:
            manager.addfont(fname)
        except (OSError, RuntimeError) as exc:
            raise AnalysisError(f"{path}: cannot load the CJK font ({exc})") from None
        if not any(entry.fname == fname and entry.name == FONT_FAMILY for entry in manager.ttflist):
            raise AnalysisError(f"{path}: font file does not contain the family {FONT_FAMILY!r}")
    return FONT_FAMILY


def use_cjk_font() -> str:
    """Register the CJK font and make it matplotlib's default sans-serif family. Idempotent.

    Returns the family name ("Noto Sans CJK SC").
    """
    import matplotlib as mpl

    family = register_cjk_font()
    sans = [f for f in mpl.rcParams["font.sans-serif"] if f not in (family, FALLBACK_FAMILY)]
    mpl.rcParams["font.sans-serif"] = [family, FALLBACK_FAMILY, *sans]
    # Concrete names, not just "sans-serif": matplotlib falls back glyph by glyph only across the
    # families listed here; a generic family resolves to a single font.
    mpl.rcParams["font.family"] = [family, FALLBACK_FAMILY, "sans-serif"]
    # The CJK face has U+2212, so the typographic minus renders; keep matplotlib's default.
    mpl.rcParams["axes.unicode_minus"] = True
    return family


@functools.lru_cache(maxsize=4)
def _charmap(path: str, face_index: int) -> frozenset[int]:
    from matplotlib import ft2font

    return frozenset(ft2font.FT2Font(path, face_index=face_index).get_charmap())


def _face_index(path: Path) -> int:
    from matplotlib import font_manager

    for entry in font_manager.fontManager.ttflist:
        if entry.fname == str(path) and entry.name == FONT_FAMILY:
            return int(getattr(entry, "index", 0) or 0)
    return 0


def covered_codepoints() -> frozenset[int]:
    """Code points the registered fonts (CJK face plus DejaVu Sans fallback) can draw."""
    from matplotlib import font_manager

    path = font_path()
    register_cjk_font(path)
    cjk = _charmap(str(path), _face_index(path))
    fallback = font_manager.findfont(FALLBACK_FAMILY, fallback_to_default=True)
    return cjk | _charmap(fallback, 0)


def drawable(text: object) -> str:
    """``text`` as str with characters no registered font can draw replaced by a visible box.

    Keeps figures free of missing-glyph warnings whatever the (untrusted) labels contain.
    """
    s = str(text)
    if s.isascii() and s.isprintable():
        return s
    covered = covered_codepoints()
    out = []
    for ch in s:
        if ch == "\n":
            out.append(ch)
        elif not ch.isprintable():
            out.append(" ")  # control and format characters (tabs, zero-width joiners, ...)
        else:
            out.append(ch if ord(ch) in covered else REPLACEMENT_CHAR)
    return "".join(out)
