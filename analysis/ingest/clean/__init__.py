"""Pure text -> text cleaning for Chinese corporate news, plus the ingestion pipeline built from it.

Every public function takes and returns plain strings (or small containers of them) and has no side
effects, so each one can be tested on its own. Two pipelines combine them:

* :func:`prepare` turns a reader's raw text into simplified-script text with one paragraph per line
  (front matter split off, HTML and Markdown reduced, Unicode and PDF spacing repaired, pinyin glosses
  removed). Header lines such as ``发布时间：…`` are kept, because metadata extraction reads them.
* :func:`clean_body` then removes boilerplate and repeated paragraphs: the text that gets analysed.

:func:`clean_text` chains both for callers that only want the analysis text.

CJK spacing rule (:func:`fix_cjk_spacing`): a run of horizontal whitespace is removed when the
character on either side of it is a Han/kana character or unambiguous CJK punctuation (，。、；：！？
（）《》「」【】 and the other fullwidth/CJK punctuation blocks), unless it separates a Han character from
a date/time token such as ``2024-07-30`` or ``13:02`` or precedes a header field label such as
``来源：``; it is also removed when both neighbours are
typographic marks shared with Western text (“ ” ‘ ’ … — ·). Every other run is kept, so spaces between
Latin words and between numbers survive ("CCF BDCI", "13:02:46 +0800", "said “hello” and").
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import unicodedata
import warnings
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, ClassVar

import yaml

from analysis.errors import AnalysisError
from analysis.ingest.safeyaml import NoAliasSafeLoader

__all__ = [
    "FORMATS",
    "Prepared",
    "clean_body",
    "clean_text",
    "dedupe_paragraphs",
    "detect_script",
    "fix_cjk_spacing",
    "html_headings",
    "html_to_text",
    "join_wrapped_lines",
    "looks_like_html",
    "markdown_headings",
    "markdown_to_text",
    "normalize_unicode",
    "normalize_whitespace",
    "prepare",
    "remove_boilerplate",
    "remove_pinyin_glosses",
    "split_front_matter",
    "to_simplified",
]

FORMATS = ("text", "markdown", "html", "pdf", "docx")

# ---------------------------------------------------------------------------------------------------
# Character classes
# ---------------------------------------------------------------------------------------------------

# Han ideographs (URO, extension A, compatibility ideographs, supplementary planes) and 〇.
_HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
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

_PAGE_DIV_RE = re.compile(r"[^\S\n]*<\s*/?\s*PAGE_DIV\s*/?\s*>[^\S\n]*", re.IGNORECASE)

# ---------------------------------------------------------------------------------------------------
# Front matter
# ---------------------------------------------------------------------------------------------------

_FRONT_MATTER_RE = re.compile(
    r"\A[ \t]*---[ \t]*\r?\n(?P<yaml>.*?)(?:\r?\n)?^[ \t]*(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)",
    re.DOTALL | re.MULTILINE,
)
_YAML_KEY_LINE_RE = re.compile(r"^[ \t]*[\w\-. ]{1,40}[ \t]*:(?:[ \t]|$)")
_YAML_NULL_TAG = "tag:yaml.org,2002:null"


class _TextScalarLoader(NoAliasSafeLoader):  # aliases refused: no billion laughs
    """Safe YAML loader that keeps every plain scalar as the text written (dates, numbers, booleans).

    Front matter values feed metadata extraction, which wants ``2022-01-14 13:02:46 +0800`` exactly as
    it appears rather than a datetime object or ``1.1`` for ``1.10``. Only ``null``/``~`` is resolved.
    """

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, re.Pattern[str]]]]] = {
        first: [(tag, rx) for tag, rx in resolvers if tag == _YAML_NULL_TAG]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def _scalar_to_str(value: Any) -> str:
    """Render a parsed YAML value as a string; lists are joined with ", "."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple | set):
        return ", ".join(s for s in (_scalar_to_str(v) for v in value) if s)
    if isinstance(value, dict):
        return ", ".join(f"{_scalar_to_str(k)}: {_scalar_to_str(v)}" for k, v in value.items())
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split a leading YAML front matter block (between ``---`` lines) from the body.

    Returns ``(front_matter, body)``; every front matter value is a string as written in the file
    (``date: 2022-01-14 13:02:46 +0800`` stays that string; lists become ``"a, b"``). A leading BOM is
    ignored. When the block is delimited but not valid YAML mapping, it is still removed from the body if
    it looks like ``key: value`` lines, and the front matter is empty. Text without a block is returned
    unchanged (minus a BOM).
    """
    text = text.removeprefix("\ufeff")
    match = _FRONT_MATTER_RE.match(text)
    if not match:
        return {}, text
    block = match.group("yaml")
    body = text[match.end() :]
    try:
        data = yaml.load(block, Loader=_TextScalarLoader)  # a SafeLoader subclass: safe
    except yaml.YAMLError:
        data = None
    except (RecursionError, ValueError, TypeError):
        data = None
    if isinstance(data, dict) and data:
        return {_scalar_to_str(k): _scalar_to_str(v) for k, v in data.items()}, body
    lines = [line for line in block.splitlines() if line.strip()]
    key_lines = sum(1 for line in lines if _YAML_KEY_LINE_RE.match(line))
    if not lines or (key_lines * 2 >= len(lines) and len(lines) <= 100):
        return {}, body  # clearly a (broken) metadata block: drop it, keep no values
    return {}, text


# ---------------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------------

_HTML_TAG_NAMES = (
    "html|head|body|title|meta|link|p|div|span|br|hr|a|img|table|thead|tbody|tfoot|tr|td|th|ul|ol|li|"
    "dl|dt|dd|h[1-6]|section|article|header|footer|nav|main|aside|figure|figcaption|blockquote|pre|"
    "strong|em|b|i|u|s|font|center|small|sup|sub|label|form|input|button|select|option|textarea|"
    "script|style|noscript|template|iframe|svg|video|audio|source|picture"
)
_HTML_TAG_RE = re.compile(rf"</?(?:{_HTML_TAG_NAMES})\b[^<>]*>", re.IGNORECASE)
_HTML_DOC_RE = re.compile(r"<!doctype\s+html|<html[\s>]|<body[\s>]", re.IGNORECASE)
_HTML_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)
_AUTOLINK_RE = re.compile(r"<(?:(?:https?|ftp|mailto):|www\.)[^<>\s]*>", re.IGNORECASE)

_HTML_DROP = frozenset(
    {
        "script", "style", "noscript", "template", "iframe", "head", "svg", "canvas", "object", "embed",
        "img", "picture", "video", "audio", "map", "select", "button", "input", "textarea",
    }
)  # fmt: skip
_HTML_BLOCKS = frozenset(
    {
        "p", "div", "br", "hr", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
        "tr", "td", "th", "table", "thead", "tbody", "tfoot", "caption", "section", "article", "header",
        "footer", "nav", "aside", "main", "figure", "figcaption", "blockquote", "pre", "address", "form",
        "fieldset", "legend", "details", "summary", "center", "title",
    }
)  # fmt: skip
_HTML_HEADINGS = ("h1", "h2", "h3")
_PARA_BREAK_RE = re.compile(r"[ \t\r\f\v]*\n[ \t\r\f\v]*\n[ \t\r\f\v\n]*")
_HTML_SPACE_RE = re.compile(r"[ \t\r\f\v\n]+")
_HTML_HSPACE_RE = re.compile(r"[ \t\r\f\v]+")


def looks_like_html(text: str) -> bool:
    """True when the text is (or embeds) HTML markup: a document tag, or at least two known tags/comments."""
    if _HTML_DOC_RE.search(text[:5000]):
        return True
    hits = 0
    for _ in _HTML_TAG_RE.finditer(text):
        hits += 1
        if hits >= 2:
            return True
    return hits + len(_HTML_COMMENT_RE.findall(text[:20000])) >= 2


def _html_string_text(s: str, keep_newlines: bool) -> str:
    """Whitespace of an HTML text node: blank lines mark paragraphs (embedded Markdown), other runs
    become one space, except that line breaks survive when ``keep_newlines`` (HTML inside a text file)."""
    if keep_newlines:
        return _HTML_HSPACE_RE.sub(" ", s)
    parts = _PARA_BREAK_RE.split(s)
    return "\n".join(_HTML_SPACE_RE.sub(" ", p) for p in parts)


def _html_extract(html: str, *, keep_newlines: bool = False) -> tuple[str, list[str]]:
    """Parse HTML once; return (text with one block per line, h1-h3 heading texts in order).

    The tree is walked iteratively and never modified (inserting separators into a bs4 tree costs
    O(siblings) per insert, quadratic on pages with many blocks).
    """
    from bs4 import BeautifulSoup, NavigableString, Tag

    html = _AUTOLINK_RE.sub(" ", html)  # Markdown autolinks would be parsed as bogus elements
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        soup = BeautifulSoup(html, "lxml")
    out: list[str] = []
    headings: list[str] = []
    open_headings: list[int] = []  # start offsets in `out` of the h1-h3 being walked
    # Stack entries: (node, in_pre) to visit, or (None, marker) to close a block/heading.
    stack: list[tuple[Any, Any]] = [(soup, False)]
    while stack:
        node, flag = stack.pop()
        if node is None:
            if flag == "heading":
                heading = _HTML_SPACE_RE.sub(" ", "".join(out[open_headings.pop() :])).strip()
                if heading:
                    headings.append(heading)
            out.append("\n")
            continue
        if isinstance(node, NavigableString):
            if type(node) is NavigableString:  # not a comment, doctype, CDATA, script/style string
                out.append(str(node) if flag else _html_string_text(str(node), keep_newlines))
            continue
        if not isinstance(node, Tag) or node.name in _HTML_DROP:
            continue
        name = node.name
        if name in ("br", "hr"):
            out.append("\n")
            continue
        if name in _HTML_BLOCKS:
            out.append("\n")
            if name in _HTML_HEADINGS:
                open_headings.append(len(out))
                stack.append((None, "heading"))
            else:
                stack.append((None, "block"))
        in_pre = flag or name in ("pre", "textarea")
        stack.extend((child, in_pre) for child in reversed(node.contents))
    lines = (line.strip() for line in "".join(out).split("\n"))
    return "\n".join(line for line in lines if line), headings


def html_to_text(html: str, *, keep_newlines: bool = False) -> str:
    """HTML -> plain text, one block element (p, div, li, h1-h6, tr/td, br, ...) per line.

    Scripts, styles, templates, iframes, the head, images, ruby annotations and comments are dropped;
    entities are decoded. Whitespace inside text follows HTML rules (a single newline is a space), except
    that a blank line inside a text node is kept as a paragraph break (Markdown mixed with HTML, as in
    Jekyll posts). ``keep_newlines=True`` keeps every line break of the source text: for HTML fragments
    inside a text or Markdown file, whose lines are paragraphs.
    """
    return _html_extract(html, keep_newlines=keep_newlines)[0]


def html_headings(html: str) -> list[str]:
    """Texts of the h1-h3 elements, in document order (empty ones skipped)."""
    return _html_extract(html)[1]


# ---------------------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------------------

# Block prefixes: ATX heading hashes, blockquote, bullet, ordered-list numbers (possibly nested).
_MD_PREFIX_RE = re.compile(r"^[ \t]*(?:(?:#{1,6}|>|[-*+]|\d{1,3}[.)])(?:[ \t]+|$))+")
_MD_ATX_TIGHT_RE = re.compile(r"^[ \t]*#{1,6}(?=[^\s#])(?=[^#]*$)")  # "#标题" without the space
_MD_ATX_CLOSE_RE = re.compile(r"[ \t]+#+[ \t]*$")
_MD_TASK_RE = re.compile(r"^\[[ xX]\][ \t]+")
_MD_RULE_RE = re.compile(r"^[ \t]*(?:(?:[-*_=][ \t]*){3,})$")
_MD_SETEXT_RE = re.compile(r"^[ \t]*(?:=+|-+)[ \t]*$")
_MD_FENCE_RE = re.compile(r"^[ \t]*(?:`{3,}|~{3,})[^`]*$")
_MD_LINKDEF_RE = re.compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*\S+.*$")
_MD_TABLE_SEP_RE = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$")
_MD_TABLE_ROW_RE = re.compile(r"^[ \t]*\|(.*)\|[ \t]*$")
_MD_IMAGE_RE = re.compile(r"!\[[^\]\n]*\](?:\([^)\n]*\)|\[[^\]\n]*\])")
_MD_LINK_RE = re.compile(
    r"\[([^\[\]\n]*)\]\((?:[^()\s]|\([^()\s]*\))*(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*\)"
)
_MD_REFLINK_RE = re.compile(r"\[([^\[\]\n]+)\]\[[^\[\]\n]*\]")
_MD_CODE_RE = re.compile(r"(`+)(?=\S)(.+?)(?<=\S)\1")
_MD_EMPHASIS_RES = (
    re.compile(r"(?<![A-Za-z0-9\\])\*\*(?![\s*])(.+?)(?<![\s*\\])\*\*(?![A-Za-z0-9])"),
    re.compile(r"(?<![A-Za-z0-9\\])__(?![\s_])(.+?)(?<![\s_\\])__(?![A-Za-z0-9])"),
    re.compile(r"(?<![A-Za-z0-9*\\])\*(?![\s*])([^*\n]+?)(?<![\s*\\])\*(?![A-Za-z0-9*])"),
    re.compile(r"(?<![A-Za-z0-9_\\])_(?![\s_])([^_\n]+?)(?<![\s_\\])_(?![A-Za-z0-9_])"),
    re.compile(r"~~(?![\s~])(.+?)(?<![\s~])~~"),
)
_INLINE_TAG_RE = re.compile(rf"</?(?:{_HTML_TAG_NAMES})\b[^<>\n]*>|<!--.*?-->", re.IGNORECASE)
_BR_TAG_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)


def _fixpoint(pattern: re.Pattern[str], repl: str, text: str) -> str:
    """Apply a shrinking substitution until nothing changes (nested markup such as [[a](b)](c))."""
    while True:
        new = pattern.sub(repl, text)
        if new == text:
            return text
        text = new


def _md_inline(line: str) -> str:
    """Reduce inline Markdown (images, links, autolinks, code, emphasis, stray tags) to plain text."""
    prev = None
    while prev != line:
        prev = line
        line = _MD_IMAGE_RE.sub("", line)
        line = _fixpoint(_MD_LINK_RE, r"\1", line)
        line = _MD_REFLINK_RE.sub(r"\1", line)
        line = _AUTOLINK_RE.sub("", line)
        line = _MD_CODE_RE.sub(r"\2", line)
        for rx in _MD_EMPHASIS_RES:
            line = rx.sub(r"\1", line)
        line = _INLINE_TAG_RE.sub("", line)
    return line


def _strip_block_prefix(line: str) -> tuple[str, bool]:
    """Remove heading/quote/list markers at the start of a line; report whether it was an ATX heading."""
    is_heading = False
    m = _MD_PREFIX_RE.match(line)
    if m:
        is_heading = "#" in m.group(0)
        line = line[m.end() :]
    else:
        m = _MD_ATX_TIGHT_RE.match(line)
        if m:
            return line.lstrip(" \t#"), True
    if is_heading:
        line = _MD_ATX_CLOSE_RE.sub("", line)
    line = _MD_TASK_RE.sub("", line)
    return line, is_heading


def _markdown(text: str) -> tuple[str, list[str]]:
    """Reduce Markdown to text; return (text, heading texts in order)."""
    text = _BR_TAG_RE.sub("\n", text)
    lines = text.split("\n")
    out: list[str] = []
    headings: list[str] = []
    prev_raw = ""  # last output line before inline reduction was applied, for setext headings
    for raw in lines:
        stripped = raw.strip()
        if _MD_SETEXT_RE.match(raw) and out and out[-1].strip() and prev_raw:
            candidate = out[-1].strip()
            if len(candidate) <= 60 and not candidate.endswith(("。", "！", "？", ".", "!", "?", "；")):
                headings.append(candidate)
                prev_raw = ""
                continue
        if _MD_RULE_RE.match(raw) or _MD_FENCE_RE.match(raw) or _MD_TABLE_SEP_RE.match(raw):
            out.append("")
            prev_raw = ""
            continue
        if _MD_LINKDEF_RE.match(raw):
            prev_raw = ""
            continue
        row = _MD_TABLE_ROW_RE.match(raw)
        if row:
            raw = " ".join(cell.strip() for cell in row.group(1).split("|"))
        line, is_heading = _strip_block_prefix(raw)
        line = _md_inline(line)
        # Markup removal can expose another block prefix ("**# x**"); strip until stable.
        while True:
            again, again_heading = _strip_block_prefix(line)
            if again == line:
                break
            line = _md_inline(again)
            is_heading = is_heading or again_heading
        if is_heading and line.strip():
            headings.append(line.strip())
        out.append(line)
        prev_raw = stripped if not is_heading else ""
    return "\n".join(out), headings


def markdown_to_text(text: str) -> str:
    """Markdown -> plain text: headings keep their text on their own line, links keep their text,
    images, autolinks, rules and link definitions go, emphasis/code/list/quote markers are removed."""
    return _markdown(text)[0]


def markdown_headings(text: str) -> list[str]:
    """Texts of the ATX (``# …``) and setext headings, inline markup reduced, in order."""
    return _markdown(text)[1]


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
    text = _LINE_BREAKS_RE.sub("\n", text)
    text = _CONTROL_RE.sub("", text)
    text = _ENTITY_SPACE_RE.sub(" ", text)
    text = _ODD_SPACES_RE.sub(" ", text)
    return text.translate(_unicode_table())


_SPACE_RUN_RE = re.compile(rf"(?<=(\S)){_HSPACE}+(?=(\S))")
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
    left, right = m.group(1), m.group(2)
    left_cjk, right_cjk = _CJK_CHAR_RE.match(left), _CJK_CHAR_RE.match(right)
    if not (left_cjk or right_cjk):
        return "" if _SHARED_RE.match(left) and _SHARED_RE.match(right) else m.group(0)
    if _CJK_PUNCT_RE.match(left) or _CJK_PUNCT_RE.match(right):
        return ""
    text = m.string
    if _FIELD_LABEL_RE.match(text, m.end()):
        return m.group(0)  # "… 来源：…" in a header line
    if left_cjk and right_cjk:
        return ""
    # One side is Latin/digits: keep the space only after/before a date or time token.
    if left_cjk:
        end = m.end()
        while end < len(text) and not text[end].isspace() and not _CJK_CHAR_RE.match(text[end]):
            end += 1
        token = text[m.end() : end]
    else:
        start = m.start()
        while start > 0 and not text[start - 1].isspace() and not _CJK_CHAR_RE.match(text[start - 1]):
            start -= 1
        token = text[start : m.start()]
    return m.group(0) if _DATE_TOKEN_RE.fullmatch(token.strip(_TOKEN_EDGE_PUNCT)) else ""


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
    text = _PAGE_DIV_RE.sub(" ", text)
    return _SPACE_RUN_RE.sub(_space_repl, text)


def normalize_whitespace(text: str) -> str:
    """One paragraph per line: lines stripped, inner whitespace runs collapsed to one space, empty lines
    dropped, no trailing newline."""
    out = []
    for line in text.split("\n"):
        line = re.sub(rf"{_HSPACE}+", " ", line).strip()
        if line:
            out.append(line)
    return "\n".join(out)


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
    return _GLOSS_RUN_RE.sub(_gloss_repl, text)


# ---------------------------------------------------------------------------------------------------
# Script: traditional -> simplified
# ---------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _opencc(config: str) -> Any:
    """One OpenCC converter per configuration and process."""
    import opencc

    return opencc.OpenCC(config)


_SURROGATE_RE = re.compile("([\ud800-\udfff]+)")


def _convert(text: str, config: str) -> str:
    conv = _opencc(config)
    if not _SURROGATE_RE.search(text):
        return conv.convert(text)
    # OpenCC cannot encode lone surrogates; convert around them.
    return "".join(p if i % 2 else conv.convert(p) for i, p in enumerate(_SURROGATE_RE.split(text)))


def to_simplified(text: str) -> str:
    """Traditional -> simplified Chinese with OpenCC ``t2s`` (phrase-aware); other text unchanged."""
    if not _HAN_RE.search(text):
        return text
    return _convert(text, "t2s")


def detect_script(text: str) -> str:
    """Which Chinese script the text is written in: "simplified", "traditional", "mixed" or "none".

    Each distinct Han character is converted on its own with OpenCC t2s and s2t. Characters changed by
    t2s are traditional-only, those changed by s2t are simplified-only; characters shared by both scripts
    are ignored. With at least 90 % of the script-specific occurrences on one side (or no script-specific
    character at all, which is read as simplified), that side wins; otherwise "mixed". "none": no Han.
    """
    chars = Counter(_HAN_RE.findall(text))
    if not chars:
        return "none"
    distinct = list(chars)
    joined = "\n".join(distinct)
    as_simp = _convert(joined, "t2s").split("\n")
    as_trad = _convert(joined, "s2t").split("\n")
    if len(as_simp) != len(distinct) or len(as_trad) != len(distinct):  # pragma: no cover - defensive
        as_simp = [_convert(c, "t2s") for c in distinct]
        as_trad = [_convert(c, "s2t") for c in distinct]
    trad = sum(chars[c] for c, s in zip(distinct, as_simp, strict=True) if s != c)
    simp = sum(chars[c] for c, t in zip(distinct, as_trad, strict=True) if t != c)
    specific = trad + simp
    if specific == 0 or trad <= 0.1 * specific:
        return "simplified"
    if simp <= 0.1 * specific:
        return "traditional"
    return "mixed"


# ---------------------------------------------------------------------------------------------------
# PDF line wrapping
# ---------------------------------------------------------------------------------------------------

_WRAP_END_RE = re.compile(r"[。！？!?；;：:…][”’」』）)】》]*$")
_WRAP_BREAK_BEFORE_RE = re.compile(
    r"^(?:#|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[.、．)]"
    r"|第[一二三四五六七八九十\d]+[章节条部分]|[-—–]\s*\d+\s*[-—–]$"
    r"|(?:[\u4e00-\u9fff]{0,4}(?:时间|日期)|发布人|发布者|来源|文章来源|作者|编辑|责任编辑)\s*[:：]"
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


# ---------------------------------------------------------------------------------------------------
# Boilerplate
# ---------------------------------------------------------------------------------------------------

_URL_RE = re.compile(
    r"(?:(?:https?|ftp)://|(?<![\w./])//(?=[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})|(?<![A-Za-z0-9.\-])www\.)"
    r"[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]+",
    re.IGNORECASE,
)
_URL_TRAIL = ".,;:!?'"

# Whole-line navigation/action items: a line made only of these (and separators) is boilerplate.
_NAV_TOKEN_RE = re.compile(
    # WeChat article chrome first: longer items must win over their prefixes (分享让更多人看到 > 分享).
    r"阅读原文|写留言|留言|在看|知道了|预览时标签不可点|微信扫一扫|关注该公众号|分享让更多人看到|往期推荐|往期回顾"
    r"|赞赏|轻点两下取消(?:赞|在看)|继续滑动看下一个|向上滑动看下一个|取消|允许|小程序|视频"
    r"|(?:网站|回到|返回)?首页|网站地图|站点地图|网站导航|联系我们|关于我们|设为首页|加入收藏|收藏本[页站]"
    r"|(?:返回|回到)顶部|打印(?:本页|此页|本文|文章|页面)?|关闭(?:窗口|本页|页面|本窗口)?|分享到|分享|收藏|点赞|评论"
    r"|微信|微博|朋友圈|QQ空间|QQ|豆瓣|(?:(?:字体|字号)[:：]?)?[\s【\[]*大[\s】\]【\[]*中[\s】\]【\[]*小[\s】\]]*"
    r"|上一页|下一页|尾页|末页|更多|登录|注册|无障碍(?:浏览|阅读)?|繁體|繁体(?:中文|版)?|简体(?:中文|版)?|English"
    r"|当前位置|您的位置|您现在的位置|所在位置|正文(?:内容)?|详情|纠错|返回[^\s|｜>＞/，。；！？、:：]{0,15}",
    re.IGNORECASE,
)
# What may remain of a navigation line once its items are removed: separators, and the date with
# weekday of a site's top bar ("2024年05月12日星期四|设为首页|加入收藏").
_NAV_LEFTOVER_RE = re.compile(
    r"(?:[\s|｜/／>＞›»·•\-—_\[\]【】()（）:：,，、*<＜]"
    r"|(?:今天是)?\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:星期|周)[一二三四五六日天])*"
)
_NAV_SPLIT_RE = re.compile(r"\s*[|｜>＞›»]+\s*")
_SENTENCE_PUNCT_RE = re.compile(r"[，。；！？,;!?]")
_METADATA_HINT_RE = re.compile(
    r"发布时间|发布日期|发表时间|时间[:：]|日期[:：]|来源[:：]|作者[:：]|发布人|发布者|稿源|出处|\d{4}\s*[-年./]\s*\d{1,2}"
)

# Header of a block of links to other articles.
_RELATED_HEADER_RE = re.compile(
    r"^(?:相关新闻|相关阅读|相关文章|相关链接|相关推荐|相关报道|推荐阅读|延伸阅读|热点推荐|热门推荐|猜你喜欢"
    r"|精彩推荐|热门文章|最新文章|热点新闻|往期推荐|往期回顾)\s*[:：]?$"
)
# (pattern, max line length or None): a line matching the pattern (searched) is dropped.
_LINE_RULES: tuple[tuple[re.Pattern[str], int | None], ...] = (
    (re.compile(r"^分享到"), 80),
    (re.compile(r"^(?:上一篇|下一篇|上一条|下一条|上篇|下篇|前一篇|后一篇)"), 120),
    (
        re.compile(
            r"^[\[【(（]?\s*(?:责任编辑|责编|编辑|审核|审校|校对|终审|初审|复审|值班编辑|编审|美编|实习编辑)\s*[:：]"
        ),
        80,
    ),
    (re.compile(r"^[\[【(（]\s*(?:责任)?编辑\s*[:：]?\s*\S{1,12}\s*[\]】)）]$"), 30),
    (re.compile(r"^(?:标签|Tags?|TAG|关键词|关键字|文章关键词)\s*[:：]", re.IGNORECASE), 100),
    (_RELATED_HEADER_RE, None),
    (
        re.compile(
            r"^[\[【(（]?\s*(?:image|img|picture|photo|pic|图片|图像|照片|配图|图|插图)\s*[-_ ]?\d{0,3}\s*"
            r"(?:\.(?:png|jpe?g|gif|bmp|webp|svg|tiff?))?\s*[\]】)）]?$",
            re.IGNORECASE,
        ),
        None,
    ),
    (re.compile(r"^[\w\-. ()（）]{1,80}\.(?:png|jpe?g|gif|bmp|webp|svg|tiff?)$", re.IGNORECASE), None),
    (re.compile(r"^[\[【(（]?\s*点击.{0,6}(?:大图|原图|图片|放大)\s*[\]】)）]?$"), None),
    (re.compile(r"^(?:浏览|阅读|点击|访问)(?:次数|量|数)?\s*[:：]\s*\d*\s*次?$"), None),
    (re.compile(r"^(?:[-—–]\s*\d{1,4}\s*[-—–]|\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*[/／,，]?\s*共\s*\d{1,4}\s*页)?)$"), None),
    (re.compile(r"^(?:原文链接|原文地址|本文链接|文章链接|链接|网址|URL)\s*[:：]?$", re.IGNORECASE), None),
    (re.compile(r"^[-—–_=\s]*(?:THE\s+)?END[-—–_=\s]*$"), None),
    (re.compile(r"^\d{1,3}$"), None),  # section numbers of WeChat posts, lone table figures
    (re.compile(r"^\W{0,3}(?:点击|戳)(?:上方|下方|上面|下面)?\s*(?:蓝字|关注|“[^”]{1,12}”\s*关注)"), 30),
    (re.compile(r"^关注(?:我们|公众号|微信公众号|官方微信)"), 30),
    (re.compile(r"今天是[:：]?\s*\d{4}.{0,20}(?:星期|周[一二三四五六日天])"), 60),
    (re.compile(r"^欢迎您?(?:访问|光临|来到)"), 40),
    # Links to other articles: a title followed by a bracketed date, or a bullet item ending in a date.
    (re.compile(r"^[^。！？]{1,60}[\[【(（]\s*\d{2,4}[-/.]\d{1,2}(?:[-/.]\d{1,2})?\s*[\]】)）]$"), 80),
    (re.compile(r"^[·•][^。！？]{1,60}\d{4}(?:[-/.]|年)\d{1,2}(?:[-/.]|月)\d{1,2}日?$"), 80),
)
# Lines after a related-news header that are titles of other articles (short, no sentence end).
_RELATED_ITEM_RE = re.compile(r"^[^。！？!?]{1,50}$")
# Menus written one item per line: runs of >= 3 very short lines around a navigation line.
_MENU_ITEM_MAX_CHARS = 6
_MENU_MIN_LINES = 3
_BODY_LINE_RE = re.compile(r"。|\S{40}")

# Footer rules are not anchored to the line start, so they never apply to a line that reads like a body
# sentence (longer than 40 characters, at least two commas, ends with 。！？).
_FOOTER_RULES: tuple[tuple[re.Pattern[str], int | None], ...] = (
    (re.compile(r"版权所有|版权声明|免责声明"), 80),
    (
        re.compile(
            r"Copyright|©|\(c\)\s*\d{4}|All rights reserved|ICP[备证]|公网安备|不良信息举报"
            r"|未经(?:授权|许可).{0,10}(?:转载|复制|使用)",
            re.IGNORECASE,
        ),
        150,
    ),
    (re.compile(r"^(?:扫一扫|扫描|微信扫|手机扫|长按|扫码).*(?:二维码|扫一扫|扫码|关注|手机|打开|识别)"), 60),
    (re.compile(r"扫一扫.*(?:朋友圈|分享|手机)"), 80),
    (re.compile(r"二维码"), 20),
)

# Disclaimer of the CCF BDCI corpus: its first sentence and the warnings that follow it.
_DISCLAIMER_RE = re.compile(
    r"本文档为[^。\n]*语料[^。\n]*[。.]?"
    r"(?:[^。\n]*(?:大语言模型|仅允许|不具备现实意义|与现实情况不符|本次比赛)[^。\n]*[。.]?)*"
)
_TRAILING_EDITOR_RE = re.compile(
    r"[（(【\[]\s*(?:责任编辑|责编|编辑)\s*[:：]\s*[^（）()【】\[\]\n]{1,20}[）)】\]]\s*$"
)
_WORD_RE = re.compile(r"\w")


def _strip_url(m: re.Match[str]) -> str:
    url = m.group(0)
    kept = url.rstrip(_URL_TRAIL)
    return url[len(kept) :]


_BREADCRUMB_RE = re.compile(
    r"^(?:(?:当前位置|您的位置|您现在的位置|您所在的位置|所在位置)\s*[:：]|[^\s>＞›»，。]{0,10}首页\s*[>＞›»/])"
)
# A menu bar whose items lost their separating spaces: "网站首页集团概况新闻中心…".
_MENU_BAR_RE = re.compile(r"^(?:网站)?首页[^，。；！？,;!?]{0,58}$")
_CRUMB_LAST = frozenset({"正文", "正文内容", "详情", "文章正文", "内容", "详细内容"})
# A short line without sentence punctuation between two navigation lines: a site name or section label.
_SANDWICH_MAX_CHARS = 12


def _is_nav_line(line: str) -> bool:
    """Navigation: a line made only of navigation/action items, a breadcrumb (首页 > …, 当前位置：…), or
    any line of >= 3 short items separated by | ｜ > › » without sentence punctuation or date hints."""
    if len(line) > 120:
        return False
    if _BREADCRUMB_RE.match(line) or _MENU_BAR_RE.match(line):
        return True
    if len(line) > 100:
        return False
    if _NAV_TOKEN_RE.search(line) and _NAV_LEFTOVER_RE.fullmatch(_NAV_TOKEN_RE.sub("", line)):
        return True
    items = [item for item in _NAV_SPLIT_RE.split(line) if item]
    if len(items) >= 2 and items[-1] in _CRUMB_LAST and all(len(item) <= 15 for item in items):
        return True
    return (
        len(items) >= 3
        and all(len(item) <= 15 for item in items)
        and not _SENTENCE_PUNCT_RE.search(line)
        and not _METADATA_HINT_RE.search(line)
    )


def _is_boilerplate_line(line: str) -> bool:
    if not _WORD_RE.search(line):
        return True  # nothing but punctuation/symbols (also what a bare URL line leaves behind)
    rules = _LINE_RULES if _reads_like_sentence(line) else _LINE_RULES + _FOOTER_RULES
    return any((max_len is None or len(line) <= max_len) and pattern.search(line) for pattern, max_len in rules)


def _reads_like_sentence(line: str) -> bool:
    return len(line) > 40 and len(re.findall(r"[，,]", line)) >= 2 and line.endswith(("。", "！", "？", "!", "?"))


def remove_boilerplate(text: str) -> str:
    """Remove web/PDF/corpus boilerplate, line by line; body sentences are kept.

    Inline: ``<PAGE_DIV>`` markers, bare URLs (http(s)/ftp, ``//host.tld/…``, ``www.…``), the corpus
    disclaimer sentences (本文档为…语料…。 and the warnings after it), a trailing ``（责任编辑：…）``.
    Whole lines (each rule anchored to the line start or limited by line length so that long body lines
    survive): navigation made only of items such as 网站首页 | 网站地图, 返回…, 分享到, 关闭窗口, 打印本页,
    【字体：大 中 小】; breadcrumbs (首页 > … > 正文, 当前位置：…, any line of >= 3 short items separated by
    | ｜ > › » without sentence punctuation or date/source hints); a short label between two navigation
    lines (the site name "大国新村" in seed 004); 上一篇/下一篇; editor lines (责任编辑,
    [责任编辑:…], 编辑：…); 标签/关键词 lines; related-news headers; image placeholders (图片, 图1,
    image.png, any lone image file name, 点击查看大图); copyright/ICP/公网安备 footers; 扫一扫/二维码
    lines; view counters; page numbers (- 3 -, 第3页 共10页); link labels left empty; lines with no
    letter, digit or ideograph. Date, publisher and source lines (发布时间：…, 文章来源：…) are kept.
    """
    lines: list[tuple[str, str]] = []  # (line, kind) with kind "keep", "nav" or "drop"
    in_related = False
    for raw in text.split("\n"):
        line = _PAGE_DIV_RE.sub(" ", raw)
        line = _URL_RE.sub(_strip_url, line)
        line = _DISCLAIMER_RE.sub("", line)
        line = _TRAILING_EDITOR_RE.sub("", line)
        stripped = line.strip()
        if not stripped:
            continue
        if _RELATED_HEADER_RE.match(stripped):
            in_related = True
            kind = "drop"
        elif in_related and _RELATED_ITEM_RE.match(stripped) and not _METADATA_HINT_RE.match(stripped):
            kind = "drop"  # title of another article listed under the header
        elif _is_nav_line(stripped):
            kind = "nav"
        elif _is_boilerplate_line(stripped):
            kind = "drop"
        else:
            kind = "keep"
        if kind == "keep" or (kind == "nav" and in_related):
            in_related = False
        lines.append((line, kind))
    _drop_menu_labels(lines)
    return "\n".join(line for line, kind in lines if kind == "keep")


def _is_menu_label(line: str) -> bool:
    stripped = line.strip()
    return len(stripped) <= _MENU_ITEM_MAX_CHARS and not _SENTENCE_PUNCT_RE.search(stripped)


def _drop_menu_labels(lines: list[tuple[str, str]]) -> None:
    """Mark as dropped the short labels that belong to navigation: menu items written one per line (a
    run of >= 3 short lines/navigation lines containing a navigation line, above the first or below the
    last body sentence, where site headers and footers are) and a short label between two navigation
    lines (a site name)."""
    n = len(lines)
    body = [k for k, (line, kind) in enumerate(lines) if kind == "keep" and _BODY_LINE_RE.search(line)]
    first_body, last_body = (body[0], body[-1]) if body else (n, -1)
    i = 0
    while i < n:
        j = i
        while j < n and (lines[j][1] in ("nav", "drop") or (lines[j][1] == "keep" and _is_menu_label(lines[j][0]))):
            j += 1
        run = range(i, j)
        outside_body = j <= first_body or i > last_body
        size = sum(1 for k in run if lines[k][1] != "drop")
        if outside_body and size >= _MENU_MIN_LINES and any(lines[k][1] == "nav" for k in run):
            for k in run:
                lines[k] = (lines[k][0], "drop")
        i = max(j, i + 1)
    for k in range(1, n - 1):
        line, kind = lines[k]
        stripped = line.strip()
        if (
            kind == "keep"
            and lines[k - 1][1] == lines[k + 1][1] == "nav"
            and len(stripped) <= _SANDWICH_MAX_CHARS
            and not _SENTENCE_PUNCT_RE.search(stripped)
        ):
            lines[k] = (line, "drop")


# ---------------------------------------------------------------------------------------------------
# Repeated paragraphs
# ---------------------------------------------------------------------------------------------------

_SENTENCE_RE = re.compile(r"[^。！？!?\n]*(?:[。！？!?]+[”’」』)）]*|$)")
_KEY_DROP_RE = re.compile(r"[\W_]+")
_SENTENCE_END_RE = re.compile(r"[。！？!?][”’」』)）]*\s*$")


def _split_sentences(paragraph: str) -> list[str]:
    return [s for s in _SENTENCE_RE.findall(paragraph) if s]


def _bigrams(key: str) -> set[str]:
    return {a + b for a, b in itertools.pairwise(key)}


def _drop_near_duplicate_sentences(paragraphs: list[str], threshold: float, min_chars: int) -> list[str]:
    """Drop sentences whose character-bigram Jaccard similarity with an earlier kept sentence reaches
    ``threshold``.

    Candidates come from a prefix-filter index: bigrams are ranked rarest first across the document and
    only the first ``n - ceil(threshold * n) + 1`` of each sentence are indexed/probed, which is enough
    to find every pair at or above the threshold while keeping posting lists short.
    """
    sentences = [_split_sentences(p) for p in paragraphs]
    raw_grams: list[list[set[str] | None]] = []
    for sents in sentences:
        row: list[set[str] | None] = []
        for s in sents:
            key = _KEY_DROP_RE.sub("", s)
            # Only finished sentences take part: titles and headings restate the body by design.
            finished = _SENTENCE_END_RE.search(s) is not None
            row.append(_bigrams(key) if finished and len(key) >= min_chars else None)
        raw_grams.append(row)
    freq: Counter[str] = Counter(g for row in raw_grams for gs in row if gs for g in gs)
    # Any fixed global order makes the prefix filter exact; rarest first keeps posting lists short.
    rank = {g: r for r, g in enumerate(sorted(freq, key=freq.__getitem__))}
    index: dict[int, list[frozenset[int]]] = {}
    out = []
    for sents, row in zip(sentences, raw_grams, strict=True):
        kept = []
        for s, raw in zip(sents, row, strict=True):
            if raw is None:
                kept.append(s)
                continue
            ordered = sorted(map(rank.__getitem__, raw))
            ids = frozenset(ordered)
            size = len(ids)
            prefix = ordered[: size - math.ceil(threshold * size) + 1]
            if not _has_near_duplicate(ids, prefix, index, threshold):
                kept.append(s)
                for g in prefix:
                    index.setdefault(g, []).append(ids)
        if kept:
            out.append("".join(kept))
    return out


def _has_near_duplicate(
    ids: frozenset[int], prefix: list[int], index: dict[int, list[frozenset[int]]], threshold: float
) -> bool:
    size = len(ids)
    checked: set[int] = set()
    for g in prefix:
        for other in index.get(g, ()):
            if id(other) in checked:
                continue
            checked.add(id(other))
            # Jaccard >= t needs t*|a| <= |b| <= |a|/t: skip the rest without intersecting.
            if not threshold * size <= len(other) <= size / threshold:
                continue
            inter = len(ids & other)
            if inter / (size + len(other) - inter) >= threshold:
                return True
    return False


def dedupe_paragraphs(
    text: str, *, min_chars: int = 10, similarity: float | None = 0.5, min_sentence_chars: int = 15
) -> str:
    """Keep each repeated passage of a document once (the first occurrence).

    Two passes over the lines (one paragraph per line):

    1. Near-duplicate sentences (LLM-rewritten texts repeat a description in other words, as seed 001
       does): a sentence with at least ``min_sentence_chars`` letters/ideographs is dropped when the
       Jaccard similarity of its character bigrams with an earlier kept sentence is >= ``similarity``
       (punctuation and spaces ignored; identical sentences have similarity 1). ``similarity=None``
       disables this pass.
    2. Exact paragraphs: a line equal to an earlier one, ignoring whitespace, is dropped when it has at
       least ``min_chars`` non-space characters. Short lines (一、, 会议强调) are never deduplicated.
    """
    paragraphs = [p for p in text.split("\n") if p.strip()]
    if similarity is not None:
        paragraphs = _drop_near_duplicate_sentences(paragraphs, similarity, min_sentence_chars)
    seen: set[str] = set()
    out = []
    for p in paragraphs:
        key = re.sub(r"\s+", "", p)
        if len(key) >= min_chars:
            if key in seen:
                continue
            seen.add(key)
        out.append(p)
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------------
# Pipelines
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """Result of :func:`prepare`.

    front_matter: YAML front matter, values as strings, repaired like headings (Unicode, pinyin glosses,
        simplified script, CJK spacing); dates stay as written ("2022-01-14 13:02:46 +0800").
    headings: Markdown/HTML headings, cleaned, in document order.
    script: "simplified" | "traditional" | "mixed" | "none", detected before conversion.
    text: simplified script, markup reduced, one paragraph per line, boilerplate still present.
    spaced_text / spaced_headings: the same before :func:`fix_cjk_spacing`. Titles use single spaces
        between clauses (会议召开 巩固成效), which the spacing repair cannot tell from PDF artefacts;
        title extraction reads these and repairs broken words itself.
    """

    front_matter: dict[str, str] = field(default_factory=dict)
    headings: list[str] = field(default_factory=list)
    script: str = "none"
    text: str = ""
    spaced_text: str = ""
    spaced_headings: list[str] = field(default_factory=list)


def _clean_inline(value: str, *, spacing: bool = True) -> str:
    """A short single-line string (heading, title) through the same repairs as the body."""
    value = normalize_unicode(value)
    value = remove_pinyin_glosses(value)
    value = to_simplified(value)
    if spacing:
        value = fix_cjk_spacing(value)
    return re.sub(r"\s+", " ", value).strip()


def prepare(raw_text: str, *, fmt: str = "text") -> Prepared:
    """Raw reader text -> :class:`Prepared`; boilerplate is left in place for metadata extraction.

    Steps: split front matter -> drop ``<PAGE_DIV>`` markers -> HTML to text (when ``fmt == "html"`` or
    the body looks like HTML; h1-h3 collected) -> :func:`normalize_unicode` -> re-join wrapped lines
    (``fmt == "pdf"`` only) -> Markdown reduced (headings collected) -> :func:`remove_pinyin_glosses` ->
    :func:`detect_script` (before conversion) -> :func:`to_simplified` -> :func:`fix_cjk_spacing` ->
    :func:`normalize_whitespace`. Headings and front matter values get the same repairs.

    ``fmt`` is the reader's format, one of :data:`FORMATS`; anything else raises AnalysisError.
    """
    if fmt not in FORMATS:
        raise AnalysisError(f"unknown document format {fmt!r}; expected one of {', '.join(FORMATS)}")
    front_matter, body = split_front_matter(raw_text)
    # PDF text (also PDF text saved as .txt, recognisable by its page markers) is hard-wrapped.
    pdf_like = fmt == "pdf" or _PAGE_DIV_RE.search(body) is not None
    body = _PAGE_DIV_RE.sub(" ", body)
    html_heads: list[str] = []
    if fmt == "html" or looks_like_html(body):
        # Tags inside a text/Markdown file: its line breaks are paragraph breaks, keep them.
        body, html_heads = _html_extract(body, keep_newlines=fmt != "html")
    body = normalize_unicode(body)
    if pdf_like:
        body = join_wrapped_lines(body)
    body, md_heads = _markdown(body)
    body = remove_pinyin_glosses(body)
    script = detect_script(body)
    body = to_simplified(body)
    spaced = normalize_whitespace(body)
    body = normalize_whitespace(fix_cjk_spacing(body))

    headings: list[str] = []
    spaced_headings: list[str] = []
    for heading in (*html_heads, *md_heads):
        cleaned = _clean_inline(heading)
        if cleaned and cleaned not in headings:
            headings.append(cleaned)
            spaced_headings.append(_clean_inline(heading, spacing=False))
    front_matter = {key: _clean_inline(value) for key, value in front_matter.items()}
    return Prepared(
        front_matter=front_matter,
        headings=headings,
        script=script,
        text=body,
        spaced_text=spaced,
        spaced_headings=spaced_headings,
    )


def clean_body(text: str, *, keep_repeated: bool = False) -> str:
    """Prepared text -> analysis text: boilerplate removed, repeated passages kept once (unless
    ``keep_repeated``), spacing and whitespace normalised (one paragraph per line)."""
    text = remove_boilerplate(text)
    if not keep_repeated:
        text = dedupe_paragraphs(text)
    text = fix_cjk_spacing(text)  # URL removal can leave a space between two ideographs
    return normalize_whitespace(text)


_MAX_CLEAN_ROUNDS = 6


def clean_text(raw_text: str, *, fmt: str = "text", keep_repeated: bool = False) -> str:
    """Raw text -> analysis text: ``clean_body(prepare(raw_text, fmt=fmt).text)``, repeated until stable.

    Removing one layer can expose another (a URL removed from ``1. http://x`` leaves a list marker,
    ``&lt;p&gt;`` decodes to a tag), so the plain-text pipeline is re-applied until the output no longer
    changes (at most a few rounds; usually one extra round that only confirms). This makes
    ``clean_text(clean_text(x)) == clean_text(x)``.
    """
    text = clean_body(prepare(raw_text, fmt=fmt).text, keep_repeated=keep_repeated)
    for _ in range(_MAX_CLEAN_ROUNDS):
        again = clean_body(prepare(text).text, keep_repeated=keep_repeated)
        if again == text:
            break
        text = again
    return text
