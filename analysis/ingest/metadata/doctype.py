"""Document type (``doc_type``: 新闻, 报告, 年度报告, 社会责任报告, 白皮书, 通知 …) where the document says it.

Only what a document states is used, with its evidence (``doc_type_source``); a document that does not
name its type gets ``''``, never a guess from its length or wording. In order:

1. the front matter: a ``type`` / ``doc_type`` / ``category`` / ``categories`` field naming a type;
2. the title, when it *ends* with a type word (关于开展……工作的通知, 中国移动2023年可持续发展报告,
   《5G 专网白皮书》); a title that only reports on a document (中国电信发布2023年可持续发展报告, words of
   ``resources/doc_type_reporting.txt`` before the type word, unless the title starts with 关于 or the
   type word follows 的) names no type of its own;
3. the first lines: a label line (栏目：公司新闻, 类型：通知) or a short line of its own that is a type
   word (a cover page: 白皮书, 2023 年度报告). When those lines name different types, none is chosen.

The type words are data: ``resources/doc_types.tsv`` (word, type); the longest word wins, so
社会责任报告 beats 报告.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from analysis import config
from analysis._text import read_resource, word_list

__all__ = ["doc_type_words", "extract_doc_type"]

_FIRST_LINES = 8
_COVER_MAX = 30
_LABEL = re.compile(
    r"^\s*(?:栏目|类型|文档类型|文章类型|文件类型|类别|分类|频道|type|category)\s*[:：]\s*(.+?)\s*$", re.I
)
_FM_KEYS = ("doc_type", "type", "category", "categories", "类型", "分类", "栏目")
_TRAILING = re.compile(r"(?:\s|[（(][^（）()]{0,12}[)）]|[\s。．.!！?？:：;；,，、\"'“”’]|全文|摘要版?)+$")
_SENTENCE_PUNCT = re.compile(r"[，。；！？,;!?]")
_YEARS = re.compile(r"[0-9０-９]{2,4}\s*(?:年度?|版)?|[—\-–]+")


@functools.cache
def doc_type_words() -> dict[str, str]:
    """Type word (lower-cased) -> doc_type, from ``resources/doc_types.tsv``."""
    _, lines = read_resource(config.RESOURCES_DIR / "doc_types.tsv", "doc_types.tsv")
    out: dict[str, str] = {}
    for line in lines:
        word, _, kind = line.partition("\t")
        if word.strip() and kind.strip():
            out[word.strip().lower()] = kind.strip()
    return out


@functools.cache
def _ending() -> re.Pattern[str]:
    words = sorted(doc_type_words(), key=lambda w: (-len(w), w))
    return re.compile("(" + "|".join(re.escape(w) for w in words) + r")$", re.I)


@functools.cache
def _reporting() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in word_list("doc_type_reporting.txt")))


def _strip_title(title: str) -> str:
    t = title.strip()
    if t.startswith("《") and t.endswith("》") and t.count("《") == 1:
        t = t[1:-1]
    return _TRAILING.sub("", t).strip()


@functools.cache
def _ending_width() -> int:
    """The length of the longest type word: the most characters a match of :func:`_ending` spans
    (re.I matches character by character)."""
    return max(map(len, doc_type_words()), default=0)


def _type_at_end(text: str) -> tuple[str, str] | None:
    """(type, word) when ``text`` ends with a type word, else None."""
    t = text.strip()
    # A match ends at the end (a stripped text has no final line break for $ to stop before), so it
    # starts in the last _ending_width() characters: the search starts there, not at every position.
    m = _ending().search(t, max(0, len(t) - _ending_width()))
    if not m:
        return None
    return doc_type_words()[m.group(1).lower()], m.group(1)


def _from_value(value: Any) -> tuple[str, str] | None:
    values = value if isinstance(value, (list, tuple)) else [value]
    found = {hit for v in values if isinstance(v, (str, int)) and (hit := _type_at_end(str(v)))}
    kinds = {k for k, _ in found}
    return sorted(found)[0] if len(kinds) == 1 else None


def extract_doc_type(title: str, text: str, front_matter: Mapping[str, Any] | None = None) -> tuple[str, str]:
    """(doc_type, evidence) of one document; ``('', '')`` when it does not say (see the module doc)."""
    for key, value in (front_matter or {}).items():
        if str(key).strip().lower() in _FM_KEYS:
            hit = _from_value(value)
            if hit:
                return hit[0], f"front matter {key}: {str(value)[:60]}"
    stripped = _strip_title(title or "")
    if stripped:
        hit = _type_at_end(stripped)
        if hit:
            kind, word = hit
            before = stripped[: len(stripped) - len(word)]
            own_heading = before.endswith("的") or stripped.startswith("关于")  # 关于召开…会议的通知
            if own_heading or not _reporting().search(before):
                return kind, f"title ends with {word}: {title.strip()[:80]}"
    found: dict[str, str] = {}
    lines: list[str] = []  # the first _FIRST_LINES non-empty lines, stripped
    for ln in (text or "").splitlines():
        if stripped_line := ln.strip():
            lines.append(stripped_line)
            if len(lines) == _FIRST_LINES:
                break
    for n, line in enumerate(lines, start=1):
        if title and line == title.strip():
            continue
        label = _LABEL.match(line)
        if label:
            hit = _type_at_end(_strip_title(label.group(1)))
            if hit:
                found.setdefault(hit[0], f"line {n}, label: {line[:60]}")
            continue
        if len(line) > _COVER_MAX or _SENTENCE_PUNCT.search(line) or _reporting().search(line):
            continue
        core = _strip_title(line)
        hit = _type_at_end(core)
        # a line of its own that is (a year and) the type word, or a cover title ending with it
        if hit and (len(_YEARS.sub("", core).strip()) - len(hit[1]) <= 16):
            found.setdefault(hit[0], f"line {n}: {line[:60]}")
    if len(found) == 1:
        kind, evidence = next(iter(found.items()))
        return kind, evidence
    return "", ""
