"""Shared text facts used by several stages: CJK character ranges, script conversion, resource files.

One definition each, so that ingestion, tokenisation and statistics agree on what a Chinese character
is, convert traditional script the same way and read the shipped word lists with the same rules.

CJK ranges (character-class fragments, for use inside ``[...]``):

=================== ==============================================================================
``HAN_BMP``          ideographs of the Basic Multilingual Plane: extension A (3400-4DBF), unified
                     ideographs (4E00-9FFF), compatibility ideographs (F900-FAFF)
``HAN``              ``HAN_BMP`` plus 〇 (U+3007, used as a zero in dates) and the supplementary planes
                     (extensions B-H, 20000-3134F)
``HAN_URO``          the unified ideographs block only (4E00-9FFF): short word-like patterns
=================== ==============================================================================

Resource files (word lists, dictionaries) are UTF-8 (a BOM is allowed); ``#`` at the start of a line
makes it a comment, as does `` # …`` after whitespace at the end of a line; blank lines are skipped.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from analysis import config
from analysis.errors import ReadError

__all__ = [
    "HAN",
    "HAN_BMP",
    "HAN_URO",
    "char_class",
    "detect_script",
    "read_resource",
    "resource_lines",
    "script_and_simplified",
    "to_simplified",
    "to_traditional",
    "word_list",
    "words_pattern",
]

HAN_URO = "\u4e00-\u9fff"
HAN_BMP = f"\u3400-\u4dbf{HAN_URO}\uf900-\ufaff"
HAN = f"\u3007{HAN_BMP}\U00020000-\U0003134f"

_HAN_RE = re.compile(f"[{HAN}]")
_SURROGATE_RE = re.compile("([\ud800-\udfff]+)")
_COMMENT_RE = re.compile(r"\s#.*$")


@functools.lru_cache(maxsize=4)
def opencc_converter(config: str) -> Any:
    """One OpenCC converter per configuration (``t2s``, ``s2t`` ...) and process."""
    import opencc

    return opencc.OpenCC(config)


def convert_script(text: str, config: str) -> str:
    """Convert ``text`` with OpenCC ``config``; lone surrogates (which OpenCC cannot encode) pass through."""
    conv = opencc_converter(config)
    try:  # the common case, without a scan for surrogates first
        return conv.convert(text)
    except UnicodeEncodeError:  # only a surrogate cannot be encoded as UTF-8 (the converter's input)
        pass
    return "".join(p if i % 2 else conv.convert(p) for i, p in enumerate(_SURROGATE_RE.split(text)))


def to_simplified(text: str) -> str:
    """Traditional -> simplified Chinese with OpenCC ``t2s`` (phrase-aware); other text unchanged."""
    if not _HAN_RE.search(text):
        return text
    return convert_script(text, "t2s")


def to_traditional(text: str) -> str:
    """Simplified -> traditional Chinese with OpenCC ``s2t`` (test fixtures, benchmarks)."""
    if not _HAN_RE.search(text):
        return text
    return convert_script(text, "s2t")


def char_class(chars: Iterable[str]) -> str:
    """A regex character class matching exactly ``chars``, written as ranges: the regex engine tests a
    long list of single characters one by one, but a few ranges at once."""
    ranges: list[list[int]] = []
    for cp in sorted({ord(c) for c in chars}):
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    parts = (re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return "[" + "".join(parts) + "]"


class _ScriptTable:
    """Per-process memory of which characters are script-specific, filled as characters are met.

    ``seen`` (``seen_simp``) holds every character already converted with t2s (s2t); ``trad`` / ``simp``
    are the characters OpenCC's t2s / s2t change on their own. ``flags`` marks them by code point (1 traditional, 2 simplified), so
    that a text's script-specific characters are counted in one vectorised pass.
    """

    # Characters not yet seen are found with a regex of the seen ones (Basic Multilingual Plane only:
    # a class of scattered supplementary characters is tested one by one), rebuilt when it has missed
    # this many characters since it was built; `set(text)` would look at every character of every text.
    _REBUILD_AFTER = 256
    _LONG_TEXT = 100_000

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.trad: set[str] = set()
        self.simp: set[str] = set()
        self.seen_simp: set[str] = set()  # characters whose s2t form is known
        self._flags: Any = None
        self._trad_re: re.Pattern[str] | None = None  # the traditional-only characters learnt so far
        self._unseen_re: re.Pattern[str] | None = None
        self._missed = 0

    def _unseen(self, text: str) -> set[str]:
        """The characters of ``text`` not in ``seen`` (exactly ``set(text) - seen``)."""
        if len(text) > self._LONG_TEXT:  # its distinct characters, counted in one vectorised pass
            import numpy as np

            codes = np.unique(np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32))
            return set(map(chr, codes.tolist())) - self.seen
        if not self.seen:  # the first text: every character is new
            return set(text)
        if self._unseen_re is None or self._missed >= self._REBUILD_AFTER:
            bmp = [c for c in self.seen if ord(c) < 0x10000]
            self._unseen_re = re.compile("[^" + char_class(bmp)[1:]) if bmp else re.compile("(?s:.)")
            self._missed = 0
        candidates = set(self._unseen_re.findall(text))
        new = candidates - self.seen
        self._missed += len(candidates)
        return new

    def learn(self, text: str) -> None:
        """Learn which characters of ``text`` t2s changes (the traditional-only ones)."""
        new = self._unseen(text)
        if not new:
            return
        han = [c for c in new if _HAN_RE.match(c)]
        if han:
            flags = self.flags()
            for c, simp_form in zip(han, _convert_each(han, "t2s"), strict=True):
                if simp_form != c:
                    self.trad.add(c)
                    flags[ord(c)] |= 1
                    self._trad_re = None
        self.seen |= new

    def learn_simplified(self, text: str) -> None:
        """Learn which characters of ``text`` s2t changes (the simplified-only ones). Only texts with a
        traditional-only character need this, so simplified corpora never load the s2t converter."""
        if len(text) > self._LONG_TEXT:
            import numpy as np

            codes = np.unique(np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32))
            new = set(map(chr, codes.tolist())) - self.seen_simp
        else:
            new = set(text) - self.seen_simp
        han = [c for c in new if _HAN_RE.match(c)]
        if han:
            flags = self.flags()
            for c, trad_form in zip(han, _convert_each(han, "s2t"), strict=True):
                if trad_form != c:
                    self.simp.add(c)
                    flags[ord(c)] |= 2
        self.seen_simp |= new

    def flags(self) -> Any:
        if self._flags is None:
            import numpy as np

            self._flags = np.zeros(0x110000, dtype=np.uint8)
        return self._flags

    def has_traditional(self, text: str) -> bool:
        """Does ``text`` (learnt already) hold a traditional-only character? One regex scan: they are few."""
        if not self.trad:
            return False
        if self._trad_re is None:
            self._trad_re = re.compile(char_class(self.trad))
        return self._trad_re.search(text) is not None

    def count(self, text: str) -> tuple[int, int]:
        """(traditional-only, simplified-only) character occurrences in ``text``."""
        import numpy as np

        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        counts = np.bincount(self.flags()[codes], minlength=4)
        return int(counts[1] + counts[3]), int(counts[2] + counts[3])


_SCRIPT = _ScriptTable()


def _convert_each(chars: list[str], config: str) -> list[str]:
    """Each character converted on its own with OpenCC ``config`` (in one call: one per line)."""
    out = convert_script("\n".join(chars), config).split("\n")
    if len(out) != len(chars):  # pragma: no cover - defensive
        out = [convert_script(c, config) for c in chars]
    return out


@functools.cache
def _t2s_context_phrases() -> dict[str, str]:
    """The phrases in which OpenCC's t2s changes characters it leaves alone (回覆 -> 回复), with their
    conversion, from ``resources/t2s_context_phrases.txt``; empty (every text is converted) unless the
    file was built from the installed OpenCC version (``tools/build_t2s_context_phrases.py``)."""
    import importlib.metadata

    path = config.RESOURCES_DIR / "t2s_context_phrases.txt"
    try:
        text = path.read_text(encoding="utf-8")
        installed = importlib.metadata.version("opencc")
    except (OSError, UnicodeDecodeError, importlib.metadata.PackageNotFoundError):
        return {}
    if f"# opencc-version\t{installed}\n" not in text:
        return {}
    pairs = (line.split("\t") for line in resource_lines(text))
    return {p[0]: p[1] for p in pairs if len(p) == 2 and p[0] and p[0] != p[1]}


@functools.cache
def _t2s_context_index() -> dict[str, tuple[tuple[str, int], ...]]:
    """For each character those phrases change (all of a phrase's when the conversion changes its
    length): the phrases that change it, each with the character's offset in the phrase."""
    index: dict[str, list[tuple[str, int]]] = {}
    for key, value in _t2s_context_phrases().items():
        same_length = len(key) == len(value)
        for at, c in enumerate(key):
            if not same_length or c != value[at]:
                index.setdefault(c, []).append((key, at))
    return {c: tuple(found) for c, found in index.items()}


def _t2s_context_chars() -> set[str]:
    return set(_t2s_context_index())


def _has_t2s_context_phrase(text: str) -> bool:
    """Does one of the phrases of :func:`_t2s_context_phrases` occur in ``text``? Looked up around each
    occurrence of a character they change (a few characters, rare, found with ``str.find``)."""
    for c, phrases in _t2s_context_index().items():
        pos = text.find(c)
        while pos >= 0:
            if any(text.startswith(key, pos - at) for key, at in phrases if pos >= at):
                return True
            pos = text.find(c, pos + 1)
    return False


def _script_of(trad: int, simp: int) -> str:
    specific = trad + simp
    if specific == 0 or trad <= 0.1 * specific:
        return "simplified"
    if simp <= 0.1 * specific:
        return "traditional"
    return "mixed"


def script_and_simplified(text: str) -> tuple[str, str]:
    """``(detect_script(text), to_simplified(text))``, without running the converter over a text that it
    would leave as it is: one where no character is traditional-only and none of the phrases of
    :func:`_t2s_context_phrases` occurs. Converting phrase by phrase, t2s changes a text only in a
    character that it changes alone or in a phrase; a phrase made of characters it leaves alone that
    it changes is one of those."""
    if not _HAN_RE.search(text):
        return "none", text
    _SCRIPT.learn(text)
    if not _SCRIPT.has_traditional(text):
        if not _t2s_context_phrases() or _has_t2s_context_phrase(text):
            return "simplified", convert_script(text, "t2s")
        return "simplified", text
    _SCRIPT.learn_simplified(text)
    trad, simp = _SCRIPT.count(text)
    return _script_of(trad, simp), convert_script(text, "t2s")


def detect_script(text: str) -> str:
    """Which Chinese script the text is written in: "simplified", "traditional", "mixed" or "none".

    Each distinct Han character is converted on its own with OpenCC t2s and s2t (once per process).
    Characters changed by t2s are traditional-only, those changed by s2t are simplified-only; characters
    shared by both scripts are ignored. With at least 90 % of the script-specific occurrences on one side
    (or no script-specific character at all, which is read as simplified), that side wins; otherwise
    "mixed". "none": no Han.
    """
    if not _HAN_RE.search(text):
        return "none"
    _SCRIPT.learn(text)
    trad, _ = _SCRIPT.count(text)
    if trad == 0:  # whatever the simplified-only count, the text reads as simplified
        return "simplified"
    _SCRIPT.learn_simplified(text)
    return _script_of(*_SCRIPT.count(text))


def resource_lines(text: str) -> list[str]:
    """The content lines of a resource file's text: comments and blank lines dropped, lines stripped."""
    out = []
    for line in text.splitlines():
        line = _COMMENT_RE.sub("", line).strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def read_resource(path: str | Path, what: str) -> tuple[str, list[str]]:
    """sha256 of a resource file's bytes and its content lines (see :func:`resource_lines`).

    Read once, so the hash always describes exactly the content that is used. Raises ReadError naming
    the file for a missing, unreadable or non-UTF-8 file.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ReadError(path, f"{what} not found") from None
    except OSError as exc:
        raise ReadError(path, f"cannot read {what}: {exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadError(path, f"{what} is not UTF-8 ({exc})") from None
    return hashlib.sha256(data).hexdigest(), resource_lines(text)


@functools.cache
def word_list(name: str) -> tuple[str, ...]:
    """Entries of the shipped word list ``resources/<name>`` (one entry a line), in file order."""
    return tuple(read_resource(config.RESOURCES_DIR / name, f"word list {name}")[1])


def words_pattern(name: str) -> str:
    """A regex alternation of the entries of word list ``name``, escaped, longest first (so that an
    entry wins over its prefixes whatever the file order)."""
    words = sorted(set(word_list(name)), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w) for w in words)
