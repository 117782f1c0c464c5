"""Markup -> text: YAML front matter, HTML and Markdown reduced to one block per line.

Pure functions; headings found on the way are returned with the text, because title extraction
wants them.
"""

from __future__ import annotations

import re
import warnings
from datetime import date, datetime, time
from typing import Any, ClassVar

import yaml

from analysis.ingest.safeyaml import NoAliasSafeLoader

__all__ = [
    "html_headings",
    "html_to_text",
    "looks_like_html",
    "markdown_headings",
    "markdown_to_text",
    "split_front_matter",
]

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
_MD_INLINE_HINT_RE = re.compile(r"[\[<`*_~]")
_BR_TAG_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)
# Every block and inline rule of _markdown needs one of these: an inline marker anywhere, or a block
# marker at the line start (a chain of block prefixes starts there too).
_MD_LINE_HINT_RE = re.compile(r"[*_`~\[#<]|^[ \t]*(?:[-=+>|\d]|:-)")
# The same test in two parts the regex engine runs faster: a class it can skip ahead on, and the start.
_MD_INLINE_CHARS_RE = re.compile(r"[*_`~\[#<]")
_MD_BLOCK_START_RE = re.compile(r"[ \t]*(?:[-=+>|\d]|:-)")


def _fixpoint(pattern: re.Pattern[str], repl: str, text: str) -> str:
    """Apply a shrinking substitution until nothing changes (nested markup such as [[a](b)](c))."""
    while True:
        new = pattern.sub(repl, text)
        if new == text:
            return text
        text = new


def _md_inline(line: str) -> str:
    """Reduce inline Markdown (images, links, autolinks, code, emphasis, stray tags) to plain text."""
    if not _MD_INLINE_HINT_RE.search(line):
        return line  # every inline rule needs one of these characters
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
    if "<" in text:
        text = _BR_TAG_RE.sub("\n", text)
    lines = text.split("\n")
    out: list[str] = []
    headings: list[str] = []
    prev_raw = ""  # last output line before inline reduction was applied, for setext headings
    for raw in lines:
        stripped = raw.strip()
        if not (_MD_INLINE_CHARS_RE.search(raw) or _MD_BLOCK_START_RE.match(raw)):
            # no rule below can apply (_MD_LINE_HINT_RE): the line stays as it is
            out.append(raw)
            prev_raw = stripped
            continue
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

