"""Bytes -> text: the encoding of a text file, decided per file.

Encoding labels (``RawDocument.encoding``). For text formats the label is a Python codec name such that
``data.decode(label)`` gives the text back (up to newlines and reported decoding errors):

=============================== ===========================================================
``utf-8``                        UTF-8 without BOM (plain ASCII is reported as utf-8 too)
``utf-8-sig``                    UTF-8 with a BOM
``utf-16`` / ``utf-32``          with a BOM (either byte order; the BOM says which)
``utf-16-le`` / ``utf-16-be``    no BOM, recognised by the NUL bytes of ASCII characters
``utf-32-le`` / ``utf-32-be``    likewise
``gb18030``                      GB18030, also for GBK and GB2312 files (it is their superset)
``big5`` / ``cp950`` /           Big5; cp950 (Microsoft) or big5hkscs (Hong Kong) only when plain
``big5hkscs``                    Big5 cannot decode the file but the extension can
=============================== ===========================================================

Binary formats are labelled ``binary-pdf`` and ``binary-docx`` (no text encoding was detected).

How an encoding is decided (:func:`decode_bytes`):

1. a byte-order mark decides (UTF-32 is tried before UTF-16, whose BOM is a prefix of UTF-32-LE's);
2. NUL bytes are only explained by UTF-16/32 (ASCII characters leave NULs at one byte parity, or two
   of every four positions) when the result is plausible text (see 4); anything else with NULs is
   binary;
3. strict UTF-8 wins if it decodes;
4. otherwise the plausible encodings of the genre (UTF-8 with a few bad bytes, GB18030, Big5 and its
   extensions) are each decoded and scored by how Chinese the result looks: the share of very common
   characters (charset-normalizer's Chinese frequency list, in simplified and traditional script),
   then of the frequent-character blocks of GB2312 (level 1) and Big5 (常用字), CJK punctuation;
   kana, Hangul, private-use, compatibility and extension-A characters, controls and decoding errors
   count against. Mis-decodings of GB18030 as Big5 (or the reverse) decode without error but land on
   rare characters and symbols, so the score separates them even on texts of ~10 characters.
   When several decodings score within 0.1 of the best, charset-normalizer (restricted to those
   encodings) is asked and its pick gets a 0.1 bonus: it settles near ties but never overrules a
   clear score (on short texts it confuses GB18030 and Big5 often enough to need that guard).
   A charset declared in an HTML ``<meta>`` gets a 0.25 bonus. Remaining ties go to GB18030.
5. a result needs a minimum score and at most 0.5% decoding errors (at least one is tolerated: a
   file cut in the middle of a character), reported in ``meta["decode_errors"]``; as a last resort
   BOM-less UTF-16 of pure Chinese (no ASCII, hence no NUL) is tried with a higher minimum score;
   otherwise the bytes are undecodable, or binary when they are full of control characters.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import lru_cache

from analysis._text import opencc_converter

__all__ = ["BinaryContentError", "DecodeError", "decode_bytes"]


class DecodeError(ValueError):
    """Bytes that no plausible encoding turns into text."""


class BinaryContentError(DecodeError):
    """Bytes that are not text at all (NUL bytes, control characters)."""



# Tried in this order; on equal scores the earlier one wins (mainland corpora are mostly GB).
_CANDIDATES = ("utf-8", "gb18030", "big5", "cp950", "big5hkscs")
# charset-normalizer's spelling of the same codecs.
_DETECTOR_NAMES = {
    "utf_8": "utf-8",
    "gb18030": "gb18030",
    "big5": "big5",
    "cp950": "cp950",
    "big5hkscs": "big5hkscs",
}
# Correct decodings of 40+ characters outscore the GB18030 <-> Big5 mis-decodings by 0.4 or more
# (measured on sentences of the sample corpus); the bonuses only settle near ties.
_DETECTOR_BONUS = 0.1
_DECLARED_BONUS = 0.25
_MIN_SCORE = 0.5
# Pure-CJK UTF-16 without BOM is only accepted when it reads like real Chinese.
_MIN_SCORE_UTF16 = 1.0
_MAX_ERROR_SHARE = 0.005
_MAX_CONTROL_SHARE = 0.01
# Scoring looks at this many characters (decoding always covers the whole file).
_SCORE_SAMPLE = 50_000
_DETECTOR_SAMPLE = 200_000
_DECLARED_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_GB_ALIASES = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn", "x-euc-cn", "hz-gb-2312"}
_BIG5_ALIASES = {"big5", "big-5", "cn-big5", "x-x-big5", "cp950", "big5-hkscs", "big5hkscs"}
# C0 controls except the whitespace ones (\t \n \v \f \r), DEL and C1 controls.
_CONTROL_CHARS_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# The bytes of UTF-8 text that are not (the start of) such a character: deleting them from the bytes leaves
# only C0 controls, DEL and the lead byte 0xC2 of U+0080-U+00BF (the C1 controls among them).
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if not (b < 0x09 or 0x0E <= b <= 0x1F or b in (0x7F, 0xC2)))


@dataclass(frozen=True)
class _Decoded:
    text: str
    encoding: str
    errors: int = 0


@lru_cache(maxsize=1)
def _frequent_chars() -> tuple[frozenset[str], frozenset[str]]:
    """(very common characters, common characters), simplified and traditional.

    The common set is derived from the code tables themselves: GB2312 level 1 (B0A1-D7F9, the 3755
    most used simplified characters) and Big5's 常用字 block (A440-C67E, 5401 traditional ones).
    """
    common: set[str] = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            common.add(bytes((lead, trail)).decode("gb2312", errors="ignore"))
    for lead in range(0xA4, 0xC7):
        for trail in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            if (lead, trail) <= (0xC6, 0x7E):
                common.add(bytes((lead, trail)).decode("big5", errors="ignore"))
    common.discard("")
    top: set[str] = set()
    try:
        from charset_normalizer.constant import FREQUENCIES

        top.update(FREQUENCIES["Chinese"])
    except (ImportError, KeyError, AttributeError):  # pragma: no cover - optional refinement
        pass
    try:
        converter = opencc_converter("s2t")
        top.update(converter.convert(ch) for ch in list(top))
    except (ImportError, AttributeError, RuntimeError):  # pragma: no cover - optional refinement
        pass
    top = {ch for ch in top if len(ch) == 1}
    return frozenset(top), frozenset(common | top)


def _char_weight(ch: str, top: frozenset[str], common: frozenset[str]) -> float:
    """How typical one non-ASCII character is of Chinese news text (higher is more typical)."""
    if ch in top:
        return 2.0
    if ch in common:
        return 1.0
    cp = ord(ch)
    if ch == "\ufffd":
        return -3.0
    if (
        0x3000 <= cp <= 0x303F  # CJK punctuation
        or 0xFF01 <= cp <= 0xFF5E  # full-width ASCII
        or 0x2010 <= cp <= 0x2027  # dashes, quotes, ellipsis
        or cp in (0xB7, 0xD7, 0x2030, 0x2103, 0x3001)
    ):
        return 1.0
    if 0x4E00 <= cp <= 0x9FFF:
        return 0.0  # a real but rare character: names, places
    if (
        0xE000 <= cp <= 0xF8FF  # private use
        or 0x3400 <= cp <= 0x4DBF  # extension A
        or cp >= 0x20000  # extensions B+
        or 0xF900 <= cp <= 0xFAFF  # compatibility ideographs
        or 0xFE10 <= cp <= 0xFE6F  # vertical and small forms
        or 0xAC00 <= cp <= 0xD7FF  # Hangul
        or 0x1100 <= cp <= 0x11FF
        or 0x3130 <= cp <= 0x318F
        or 0x3040 <= cp <= 0x30FF  # kana
        or 0x3100 <= cp <= 0x312F  # bopomofo
        or 0x2500 <= cp <= 0x257F  # box drawing
        or 0x80 <= cp <= 0x9F  # C1 controls
        or 0xD800 <= cp <= 0xDFFF
    ):
        return -1.0
    return 0.0


def _plausibility(text: str) -> float:
    """Mean weight of the non-ASCII characters of ``text`` (ASCII decodes alike in every candidate)."""
    top, common = _frequent_chars()
    weights = [_char_weight(ch, top, common) for ch in text[:_SCORE_SAMPLE] if ch >= "\x80"]
    return sum(weights) / len(weights) if weights else 1.0


def _control_share(text: str) -> float:
    sample = text[:_SCORE_SAMPLE]
    if not sample:
        return 0.0
    return len(_CONTROL_CHARS_RE.findall(sample)) / len(sample)


def _decode_lenient(data: bytes, encoding: str) -> _Decoded:
    """Decode with replacement characters; ``errors`` counts the replacements."""
    text = data.decode(encoding, errors="replace")
    return _Decoded(text, encoding, text.count("\ufffd"))


def _bom_decode(data: bytes) -> _Decoded | None:
    boms = (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    )
    for bom, encoding in boms:
        if data.startswith(bom):
            try:
                return _Decoded(data.decode(encoding), encoding)
            except UnicodeDecodeError:
                if encoding == "utf-32":
                    continue  # FF FE 00 00 may be a UTF-16-LE BOM followed by U+0000
                decoded = _decode_lenient(data, encoding)
                if decoded.errors <= max(1, _MAX_ERROR_SHARE * len(decoded.text)):
                    return decoded
                raise DecodeError(f"invalid {encoding} despite its byte-order mark") from None
    return None


def _nul_explained_encodings(data: bytes) -> tuple[tuple[str, ...], float]:
    """UTF-16/32 byte orders that could explain the NUL bytes of ``data``, and the score they need.

    ASCII characters leave their NUL at the odd bytes of UTF-16-LE (even ones of -BE); characters
    such as U+5F00 put one on the other parity now and then, so a clear majority is enough. Without
    one (a few NULs only), both orders are tried but must read like real Chinese.
    """
    sample = data[: 1 << 16]
    sample = sample[: len(sample) - len(sample) % 4] or sample
    by_pos = [sample[k::4].count(0) for k in range(4)]
    quarter = max(1, len(sample) // 4)
    if by_pos[2] >= 0.9 * quarter and by_pos[3] >= 0.9 * quarter:
        return ("utf-32-le",), _MIN_SCORE
    if by_pos[0] >= 0.9 * quarter and by_pos[1] >= 0.9 * quarter:
        return ("utf-32-be",), _MIN_SCORE
    odd, even = by_pos[1] + by_pos[3], by_pos[0] + by_pos[2]
    if odd >= 2 * even + 2:
        return ("utf-16-le",), _MIN_SCORE
    if even >= 2 * odd + 2:
        return ("utf-16-be",), _MIN_SCORE
    order = ("utf-16-le", "utf-16-be") if odd >= even else ("utf-16-be", "utf-16-le")
    return order, _MIN_SCORE_UTF16


def _detector_pick(data: bytes, candidates: tuple[str, ...]) -> str | None:
    """charset-normalizer's best guess among ``candidates`` (None when unavailable or undecided)."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - detector is a refinement, scoring still decides
        return None
    isolation = [name for name, ours in _DETECTOR_NAMES.items() if ours in candidates]
    if not isolation:
        return None
    best = from_bytes(data[:_DETECTOR_SAMPLE], cp_isolation=isolation, explain=False).best()
    return _DETECTOR_NAMES.get(best.encoding) if best is not None else None


def _normalise_declared(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    if name in _GB_ALIASES:
        return "gb18030"
    if name in _BIG5_ALIASES:
        return "big5hkscs" if "hk" in name else "big5"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _choose(
    data: bytes, candidates: tuple[str, ...], *, declared: str | None = None, min_score: float = _MIN_SCORE
) -> _Decoded:
    """Decode with every candidate and keep the most plausible acceptable result.

    Ranking: error-free decodings first (one with a few errors only wins when nothing decodes cleanly
    and plausibly), then the score (plus the declared charset's bonus), then the candidate order.
    The detector is consulted only when several distinct decodings are within its bonus of the best.
    """
    ranked: list[tuple[bool, float, int, _Decoded]] = []
    seen_texts: set[str] = set()
    for rank, encoding in enumerate(candidates):
        decoded = _decode_lenient(data, encoding)
        if decoded.text in seen_texts:
            continue  # e.g. cp950 decoding plain Big5 exactly like big5: keep the earlier label
        seen_texts.add(decoded.text)
        if decoded.errors > max(1, _MAX_ERROR_SHARE * len(decoded.text)):
            continue
        score = _plausibility(decoded.text)
        if score < min_score:
            continue
        bonus = _DECLARED_BONUS if encoding == declared else 0.0
        ranked.append((decoded.errors == 0, score + bonus, -rank, decoded))
    if not ranked:
        raise DecodeError(f"no plausible encoding among {', '.join(candidates)}")
    best = max(ranked, key=lambda item: item[:3])
    close = [item for item in ranked if item[0] == best[0] and item[1] > best[1] - _DETECTOR_BONUS]
    if len(close) > 1:
        pick = _detector_pick(data, tuple(item[3].encoding for item in close))
        best = max(close, key=lambda item: (item[1] + _DETECTOR_BONUS * (item[3].encoding == pick), item[2]))
    return best[3]


def _raw_control_share(data: bytes) -> float:
    sample = data[:_SCORE_SAMPLE]
    controls = sum(1 for byte in sample if (byte < 0x20 and byte not in b"\t\n\r\f\v") or byte == 0x7F)
    return controls / max(1, len(sample))


def _decode_legacy(data: bytes, declared: str | None) -> _Decoded:
    """Bytes that are neither BOM-marked, nor NUL-bearing, nor UTF-8."""
    try:
        return _choose(data, _CANDIDATES, declared=declared)
    except DecodeError as exc:
        reason = str(exc)
    if len(data) % 2 == 0:
        # UTF-16 without BOM and without a single ASCII character (so no NUL byte): last resort.
        try:
            return _choose(data, ("utf-16-le", "utf-16-be"), min_score=_MIN_SCORE_UTF16)
        except DecodeError:
            pass
    if _raw_control_share(data) > _MAX_CONTROL_SHARE:
        raise BinaryContentError("binary file, not text (control characters)")
    raise DecodeError(f"cannot decode: {reason}")


def _decode(data: bytes, *, declared: str | None = None) -> _Decoded:
    if not data:
        return _Decoded("", "utf-8")
    decoded = _bom_decode(data)
    if decoded is None and b"\x00" in data:
        explained, min_score = _nul_explained_encodings(data)
        try:
            decoded = _choose(data, explained, min_score=min_score)
        except DecodeError:
            raise BinaryContentError("binary file, not text (NUL bytes)") from None
    if decoded is None:
        try:
            decoded = _Decoded(data.decode("utf-8"), "utf-8")
        except UnicodeDecodeError:
            decoded = _decode_legacy(data, _normalise_declared(declared))
        else:
            if not data.translate(None, _NOT_CONTROL_BYTES):  # no control character anywhere: the usual case
                return decoded
    if _control_share(decoded.text) > _MAX_CONTROL_SHARE:
        raise BinaryContentError("binary file, not text (control characters)")
    return decoded


def decode_bytes(data: bytes, *, declared: str | None = None) -> tuple[str, str]:
    """Decode the bytes of a text file: ``(text, encoding)``; see the module docstring for the rules.

    ``declared`` is a charset named by the file itself (an HTML ``<meta charset>``). It is a hint,
    not an order: it only matters for bytes that are not UTF-8, and its decoding gets a bonus that
    settles close calls but cannot rescue implausible text.
    Raises :class:`BinaryContentError` for binary data and :class:`DecodeError` for undecodable bytes.
    """
    decoded = _decode(data, declared=declared)
    return decoded.text, decoded.encoding

