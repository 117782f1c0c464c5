"""Code points and spacing: Unicode normalisation, CJK spacing repair, whitespace, pinyin glosses and
the re-joining of lines a PDF text layer wrapped at the page width.

CJK spacing rule (:func:`fix_cjk_spacing`): a run of horizontal whitespace is removed when the
character on either side of it is a Han/kana character or unambiguous CJK punctuation (，。、；：！？
（）《》「」【】 and the other fullwidth/CJK punctuation blocks), unless it separates a Han character from
a date/time token such as ``2024-07-30`` or ``13:02`` or precedes a header field label such as
``来源：``; it is also removed when both neighbours are typographic marks shared with Western text
(“ ” ‘ ’ … — ·). Every other run is kept, so spaces between Latin words and between numbers survive
("CCF BDCI", "13:02:46 +0800", "said “hello” and").
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

from analysis._text import HAN, HAN_URO, char_class
from analysis.ingest.clean.chars import _mapped_re, map_chars

__all__ = [
    "fix_cjk_spacing",
    "join_wrapped_lines",
    "normalize_unicode",
    "normalize_whitespace",
    "remove_pinyin_glosses",
]

# Han ideographs (URO, extension A, compatibility ideographs, supplementary planes) and 〇.
_HAN = HAN
# Kana count as CJK for spacing (Japanese is written without spaces too).
_KANA = "\u3040-\u309f\u30a0-\u30ff"
# Punctuation that only occurs in CJK typesetting: CJK symbols block (minus the ideographic space and
# 〇), fullwidth punctuation, CJK compatibility and vertical forms.
_CJK_PUNCT = (
    "\u3001-\u3006\u3008-\u303f"
    "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
    "\ufe10-\ufe1f\ufe30-\ufe4f"
)
# Marks shared by CJK and Western typesetting: curly quotes, ellipsis, dashes, middle dots.
_SHARED_MARKS = "\u2018\u2019\u201c\u201d\u2026\u2014\u2015\u2013\u00b7\u2022\u30fb"

_HAN_RE = re.compile(f"[{_HAN}]")
_CJK_CHAR_RE = re.compile(f"[{_HAN}{_KANA}{_CJK_PUNCT}]")
_SHARED_RE = re.compile(f"[{_SHARED_MARKS}]")
_CJK_PUNCT_RE = re.compile(f"[{_CJK_PUNCT}]")
_HSPACE = r"[^\S\n]"  # any whitespace except the line break
# The same characters written out (what \s matches, minus the line break): a positive class lets the
# regex engine skip ahead, a negated one (as in _HSPACE) is tested at every position.
_HSPACE_CHARS = "\t\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_HSPACE_RUN_RE = re.compile(f"[{_HSPACE_CHARS}][{_HSPACE_CHARS}]*")  # (a class first: see _HSPACE_CHANGE_RE)
# The runs that collapsing to one space changes (a lone plain space stays): text without them is returned
# as it is, without building a copy.
# A run starting with a space needs a second character; the pattern starts with a class, so the regex
# engine skips ahead to the next whitespace.
_HSPACE_CHANGE_RE = re.compile(f"[{_HSPACE_CHARS}](?:(?<! )|[{_HSPACE_CHARS}])[{_HSPACE_CHARS}]*")

_PAGE_DIV_RE = re.compile(r"[^\S\n]*<\s*/?\s*PAGE_DIV\s*/?\s*>[^\S\n]*", re.IGNORECASE)

# ---------------------------------------------------------------------------------------------------
# Unicode and spacing
# ---------------------------------------------------------------------------------------------------

# Fullwidth symbols that are typed for their ASCII meaning (1＋N, ５％, Ａ／Ｂ). Fullwidth punctuation
# used as Chinese punctuation (，。：；！？（）「」 …) and ＜＞ (book-title marks in some texts) stay.
_FULLWIDTH_SYMBOLS = "＃＄％＆＊＋－．／＝＠＼＾＿｀｛｝｜～"
_LINE_BREAKS_RE = re.compile(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]")
_CONTROL_RE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f]"
)
_ODD_SPACES_RE = re.compile("[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_ENTITY_SPACE_RE = re.compile(r"&(?:nbsp|ensp|emsp|thinsp|#160|#12288|#x0*a0|#x0*3000);?", re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def _unicode_table() -> dict[int, str]:
    """Translation table: fullwidth letters/digits/space/symbols -> ASCII; PDF compatibility forms
    (Kangxi radicals, CJK compatibility ideographs, Latin ligatures) -> their NFKC form."""
    table: dict[int, str] = {}
    for cp in range(0xFF10, 0xFF1A):  # ０-９
        table[cp] = chr(cp - 0xFEE0)
    for cp in [*range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]:  # Ａ-Ｚ ａ-ｚ
        table[cp] = chr(cp - 0xFEE0)
    for ch in _FULLWIDTH_SYMBOLS:
        table[ord(ch)] = chr(ord(ch) - 0xFEE0)
    compat_ranges = (
        range(0x2F00, 0x2FE0),  # Kangxi radicals: ⼀ -> 一 (a classic PDF text-layer artefact)
        range(0x2E80, 0x2F00),  # CJK radicals supplement (only a few have a decomposition)
        range(0xF900, 0xFB00),  # CJK compatibility ideographs
        range(0xFB00, 0xFB07),  # Latin ligatures ﬁ ﬂ
        range(0x2F800, 0x2FA20),  # CJK compatibility ideographs supplement
    )
    for rng in compat_ranges:
        for cp in rng:
            ch = chr(cp)
            norm = unicodedata.normalize("NFKC", ch)
            if norm != ch:
                table[cp] = norm
    return table


def normalize_unicode(text: str) -> str:
    """Normalise code points without touching CJK punctuation (no blanket NFKC).

    CRLF/CR and other line separators -> LF; fullwidth ASCII letters, digits and symbols (＋％／…) ->
    ASCII; NBSP, ideographic and other odd spaces, tabs and ``&nbsp;`` leftovers -> a plain space;
    zero-width, bidi, soft hyphen, other control characters and lone surrogates -> removed; Kangxi
    radicals and compatibility ideographs (PDF artefacts) -> the ordinary ideograph.
    """
    # Each step only where the text has a character it acts on: one scan finds which (most texts have
    # none or a few kinds). No step produces a character that a later step acts on, except the line
    # breaks of the first, which none does.
    if len(text) >= _TABLE_SCAN_MIN_CHARS and not _has_hinted_char(text):
        return text  # the usual case, found by a table lookup (faster than a regex scan of a long text)
    present = "".join(set(_normalize_hint_re().findall(text)))
    if not present:
        return text
    if _LINE_BREAKS_RE.search(present):
        text = _LINE_BREAKS_RE.sub("\n", text)
    if _CONTROL_RE.search(present):
        text = _CONTROL_RE.sub("", text)
    if "&" in present:
        text = _ENTITY_SPACE_RE.sub(" ", text)
    if _ODD_SPACES_RE.search(present):
        text = _ODD_SPACES_RE.sub(" ", text)
    if _mapped_re().search(present):
        text = map_chars(text)  # radicals supplement / Kangxi -> unified ideographs (clean/chars.py)
    if _table_regex().search(present):
        text = _translate(text)
    return text


@functools.lru_cache(maxsize=1)
def _normalize_hint_re() -> re.Pattern[str]:
    """Any character that a step of :func:`normalize_unicode` acts on."""
    classes = (
        "\r\x0b\x0c\x85\u2028\u2029&",
        _CONTROL_RE.pattern[1:-1],
        _ODD_SPACES_RE.pattern[1:-1],
        _mapped_re().pattern[1:-1],
        _table_regex().pattern[1:-1],
    )
    return re.compile("[" + "".join(classes) + "]")


# Below this length a regex scan is cheaper than encoding the text for a table lookup.
_TABLE_SCAN_MIN_CHARS = 256


@functools.lru_cache(maxsize=1)
def _hint_table() -> Any:
    """Per code point: True when :func:`_normalize_hint_re` matches it (found by running that regex over
    every code point)."""
    import numpy as np

    every = np.arange(0x110000, dtype=np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
    table = np.zeros(0x110000, dtype=bool)
    table[[m.start() for m in _normalize_hint_re().finditer(every)]] = True
    return table


def _has_hinted_char(text: str) -> bool:
    """``_normalize_hint_re().search(text) is not None``, by a table lookup of every code point."""
    import numpy as np

    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return bool(_hint_table()[codes].any())


@functools.lru_cache(maxsize=1)
def _table_regex() -> re.Pattern[str]:
    return re.compile(char_class(map(chr, _unicode_table())))


def _translate(text: str) -> str:
    """``text.translate(_unicode_table())``, but scanning with a regex: such characters are rare, and
    ``str.translate`` with a dict looks every character up."""
    table = _unicode_table()
    return _table_regex().sub(lambda m: table[ord(m.group())], text)


# Dates and times written with separators ("2024-07-30", "13:02", "2024.04.15") keep the space that
# separates them from the next field ("2024-07-30 发布人：…"); plain numbers do not ("2024 年").
_DATE_TOKEN_RE = re.compile(r"\d{1,4}(?:[-/:]\d{1,4})+|\d{4}\.\d{1,2}\.\d{1,2}")
# Header lines list fields separated by spaces ("发布日期：… 来源：… 浏览次数：…"); the space before a
# field label is kept so that the fields do not run together.
_FIELD_LABEL_RE = re.compile(
    r"(?:发布时间|发布日期|发表时间|更新时间|时间|日期|来源|文章来源|稿源|出处|作者|记者|通讯员|摄影|发布人|发布者"
    r"|责任编辑|责编|编辑|审核|浏览次数|浏览量|浏览|点击数|点击量|点击|阅读量|阅读数|阅读|访问量|字号|字体|栏目|分类)"
    r"\s*[:：]"
)
_TOKEN_EDGE_PUNCT = ",.;:!?()[]\"'"


def _space_repl(m: re.Match[str]) -> str:
    """A maximal run of horizontal whitespace (``_HSPACE_RUN_RE``): what replaces it."""
    text = m.string
    start, end = m.start(), m.end()
    # Only runs between two non-space characters change. Matching the run first (and looking at its
    # neighbours here) lets the regex engine skip to the next space instead of trying every position.
    if start == 0 or end == len(text) or text[start - 1] == "\n" or text[end] == "\n":
        return m.group(0)
    left, right = text[start - 1], text[end]
    left_cjk, right_cjk = _CJK_CHAR_RE.match(left), _CJK_CHAR_RE.match(right)
    if not (left_cjk or right_cjk):
        return "" if _SHARED_RE.match(left) and _SHARED_RE.match(right) else m.group(0)
    if _CJK_PUNCT_RE.match(left) or _CJK_PUNCT_RE.match(right):
        return ""
    if _FIELD_LABEL_RE.match(text, end):
        return m.group(0)  # "… 来源：…" in a header line
    if left_cjk and right_cjk:
        return ""
    # One side is Latin/digits: keep the space only after/before a date or time token.
    if left_cjk:
        stop = end
        while stop < len(text) and not text[stop].isspace() and not _CJK_CHAR_RE.match(text[stop]):
            stop += 1
        token = text[end:stop]
    else:
        begin = start
        while begin > 0 and not text[begin - 1].isspace() and not _CJK_CHAR_RE.match(text[begin - 1]):
            begin -= 1
        token = text[begin:start]
    return m.group(0) if _DATE_TOKEN_RE.fullmatch(token.strip(_TOKEN_EDGE_PUNCT)) else ""


def drop_page_divs(text: str) -> str:
    """``<PAGE_DIV>`` markers (and the spaces around them) -> one space."""
    return _PAGE_DIV_RE.sub(" ", text) if "<" in text else text


def fix_cjk_spacing(text: str) -> str:
    """Remove spaces that PDF extraction and careless typing put into Chinese text.

    Rule: ``<PAGE_DIV>`` markers become a space; then a run of horizontal whitespace is deleted when

    1. a neighbour on either side is CJK punctuation ("责任 ，" -> "责任，", "： 2024" -> "：2024"); or
    2. a neighbour on either side is a Han/kana character ("反腐败工 作" -> "反腐败工作", "2024 年 1 月" ->
       "2024年1月", "5G 网络" -> "5G网络", "中, 中" -> "中,中", "用 “身边事” 警醒" -> "用“身边事”警醒"),
       except before a header field label ("2019年7月22日 来源：…", "… 浏览次数：…") and between a Han
       character and a date or time token with separators ("2024-07-30 发布人", "13:02 发布"; "2.2 万"
       and "2024 年" are not such tokens); or
    3. both neighbours are typographic marks shared with Western text (” “, … —).

    Every other run is kept as it is ("CCF BDCI", "2022-01-14 13:02:46 +0800", "said “hello” and");
    line breaks are never touched.
    """
    return _HSPACE_RUN_RE.sub(_space_repl, drop_page_divs(text))


def normalize_whitespace(text: str) -> str:
    """One paragraph per line: lines stripped, inner whitespace runs collapsed to one space, empty lines
    dropped, no trailing newline."""
    changed = _HSPACE_CHANGE_RE.sub(" ", text)
    if changed is text and not (  # only lone spaces and line breaks, none at a line's edge, no empty line
        text.startswith((" ", "\n")) or text.endswith((" ", "\n")) or " \n" in text or "\n " in text or "\n\n" in text
    ):
        return text  # (cleaning calls this on text it normalised before: usually nothing to do)
    return "\n".join(filter(None, map(str.strip, changed.split("\n"))))


# ---------------------------------------------------------------------------------------------------
# Pinyin glosses (mirror-site noise)
# ---------------------------------------------------------------------------------------------------

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_UNTONED = "aaaaeeeeiiiioooouuuuüüüünnnm"
_TONE_STRIP = str.maketrans(_TONED, _UNTONED)
_PINYIN_SYLLABLE_RE = re.compile(
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|üan|van|üe|ve|ue|ün|vn|"
    r"ai|ei|ao|ou|an|en|in|un|ia|ie|iu|io|ua|uo|ui|er|a|o|e|i|u|ü|v|ê|ng|m|n)"
)
_GLOSS_PART_RE = re.compile(r"[^\S\n]*[(（]([^()（）\s]{1,7})[)）]")
_GLOSS_RUN_RE = re.compile(rf"(?<=[{_HAN}])(?:[^\S\n]*[(（][^()（）\s]{{1,7}}[)）])+")
_PINYIN_TOKEN_RE = re.compile(rf"([a-zêü{_TONED}]{{1,6}})([1-5])?")
# A gloss that can be removed: its part fullmatches _PINYIN_TOKEN_RE. Text without one is left as it
# is, which this search (starting at a bracket, so the regex engine skips ahead) tells cheaply.
_GLOSS_HINT_RE = re.compile(rf"[(（][a-zêü{_TONED}]{{1,6}}[1-5]?[)）]")


def _is_pinyin_syllable(token: str) -> bool:
    """One lowercase pinyin syllable, with a tone mark or tone digit, or at least two letters."""
    m = _PINYIN_TOKEN_RE.fullmatch(token)
    if not m:
        return False
    letters, digit = m.group(1), m.group(2)
    base = letters.translate(_TONE_STRIP)
    if not _PINYIN_SYLLABLE_RE.fullmatch(base):
        return False
    return bool(digit) or base != letters or len(base) >= 2


def _gloss_repl(m: re.Match[str]) -> str:
    run = m.group(0)
    pos = 0
    for part in _GLOSS_PART_RE.finditer(run):
        if not _is_pinyin_syllable(part.group(1)):
            break
        pos = part.end()
    return run[pos:]


def remove_pinyin_glosses(text: str) -> str:
    """Drop pinyin glosses that mirror sites put after characters: ``國(guó)家(jiā)`` -> ``國家``.

    A gloss is a parenthesised (half- or fullwidth) single lowercase pinyin syllable directly after a Han
    character, with a tone mark, a tone digit (``guo2``) or at least two letters. ``(CCF)``, ``(5G)``,
    ``(以下简称公司)`` and English words that are not pinyin syllables are kept.
    """
    if ("(" not in text and "（" not in text) or not _GLOSS_HINT_RE.search(text):  # (in: a faster scan)
        return text
    return _GLOSS_RUN_RE.sub(_gloss_repl, text)


# ---------------------------------------------------------------------------------------------------
# PDF line wrapping
# ---------------------------------------------------------------------------------------------------

_WRAP_END_RE = re.compile(r"[。！？!?；;：:…][”’」』）)】》]*$")
_WRAP_BREAK_BEFORE_RE = re.compile(
    r"^(?:#|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[.、．)]"
    r"|第[一二三四五六七八九十\d]+[章节条部分]|[-—–]\s*\d+\s*[-—–]$"
    rf"|(?:[{HAN_URO}]{{0,4}}(?:时间|日期)|发布人|发布者|来源|文章来源|作者|编辑|责任编辑)\s*[:：]"
    r"|\d{4}\s*(?:年|-|/|\.)\s*\d{1,2}|本报|记者|通讯员|新华社|[（(]记者)"
)
_WRAP_MIN_CHARS = 12
_WRAP_RATIO = 0.8  # of each neighbour's length
_WRAP_WIDTH_RATIO = 0.5  # of the document's long-line length (90th percentile)


def join_wrapped_lines(text: str) -> str:
    """Re-join lines that a PDF text layer wrapped at the page width.

    Line *i* is joined to line *i+1* (directly, or with a space between two Latin words) when both are
    non-blank, line *i* has at least 12 characters, does not end a sentence
    (。！？；：… optionally followed by a closing quote or bracket) and is at least 80 % as long as each of
    its non-blank neighbours and half as long as the document's long lines (a wrapped line is full width;
    the last line of a paragraph, titles and headings are shorter), and line *i+1* does not start a
    heading, numbered item, page number, date, byline or metadata field (#, 一、, （二）, 3., 第四条,
    — 2 —, 2024年…, 本报记者…, 发布时间：…). A title wrapped over the first two lines is joined too when
    its first line is at least as long as the second and a blank, date or metadata line follows.
    Blank lines are kept.
    """
    lines = text.split("\n")
    stripped = [line.strip() for line in lines]
    lengths = sorted(len(line) for line in stripped if line)
    if not lengths:
        return text
    width = lengths[min(len(lengths) - 1, int(0.9 * len(lengths)))]
    first = next(k for k, line in enumerate(stripped) if line)
    out: list[str] = []
    joining = False
    for i, cur in enumerate(stripped):
        if joining:
            left = out[-1].rstrip()
            latin = left[-1:].isascii() and left[-1:].isalpha() and cur[:1].isascii() and cur[:1].isalnum()
            out[-1] = left + (" " if latin else "") + cur
        else:
            out.append(lines[i])
        nxt = stripped[i + 1] if i + 1 < len(lines) else ""
        prev = stripped[i - 1] if i > 0 else ""
        after = stripped[i + 2] if i + 2 < len(lines) else ""
        candidate = (
            bool(cur and nxt)
            and len(cur) >= _WRAP_MIN_CHARS
            and not _WRAP_END_RE.search(cur)
            and not cur.startswith("#")
            and not _WRAP_BREAK_BEFORE_RE.match(nxt)
        )
        body_wrap = (
            len(cur) >= _WRAP_WIDTH_RATIO * width
            and len(cur) >= _WRAP_RATIO * len(nxt)
            and (not prev or len(cur) >= _WRAP_RATIO * len(prev))
        )
        title_wrap = (
            i == first and len(cur) >= len(nxt) and (not after or bool(_WRAP_BREAK_BEFORE_RE.match(after)))
        )
        joining = candidate and (body_wrap or title_wrap)
    return "\n".join(out)

