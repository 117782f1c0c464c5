"""Boilerplate: web, PDF and corpus chrome removed line by line; body sentences are kept."""

from __future__ import annotations

import bisect
import functools
import re

from analysis._text import words_pattern
from analysis.ingest.clean.spacing import _PAGE_DIV_RE

__all__ = ["remove_boilerplate"]

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
    # The items (resources/boilerplate_navigation.txt), the font-size switch 【字体：大 中 小】, and any
    # short 返回… link (返回集团要闻).
    words_pattern("boilerplate_navigation.txt")
    + r"|(?:(?:字体|字号)[:：]?)?[\s【\[]*大[\s】\]【\[]*中[\s】\]【\[]*小[\s】\]]*"
    + r"|返回[^\s|｜>＞/，。；！？、:：]{0,15}",
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
    rf"^(?:{words_pattern('boilerplate_related.txt')})\s*[:：]?$"
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
_URL_HINT_RE = re.compile(r"//|www\.", re.IGNORECASE)  # every URL the rule removes has one


def _has_url_hint(text: str) -> bool:
    """``_URL_HINT_RE.search(text) is not None``, by substring tests: a case-insensitive regex search
    tries every position, ``in`` skips ahead (only W and w match ``w`` case-insensitively)."""
    return "//" in text or ("." in text and ("w" in text or "W" in text) and _URL_HINT_RE.search(text) is not None)


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
    footers = not _reads_like_sentence(line)
    bucket = bisect.bisect_left(_RULE_LENGTHS, len(line))
    anchored, unanchored = _combined_rules(bucket, footers)
    return bool((anchored and anchored.match(line)) or (unanchored and unanchored.search(line)))


# The rules apply by line length: a line of length n is tested against the rules without a maximum or
# with a maximum >= n. Each such set is one regex for the rules anchored at the line start (the anchor
# factored out: one match at position 0) and one for the others.
_RULE_LENGTHS = sorted({max_len for _, max_len in _LINE_RULES + _FOOTER_RULES if max_len is not None})


@functools.cache
def _combined_rules(bucket: int, footers: bool) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    shortest = _RULE_LENGTHS[bucket] if bucket < len(_RULE_LENGTHS) else None
    rules = _LINE_RULES + _FOOTER_RULES if footers else _LINE_RULES
    anchored: list[str] = []
    unanchored: list[str] = []
    for pattern, max_len in rules:
        if max_len is not None and (shortest is None or max_len < shortest):
            continue
        flags = "i" if pattern.flags & re.IGNORECASE else ""
        source = pattern.pattern
        if source.startswith("^"):  # none of the rules has a top-level alternative
            anchored.append(f"(?{flags}:{source[1:]})" if flags else f"(?:{source[1:]})")
        else:
            unanchored.append(f"(?{flags}:{source})" if flags else f"(?:{source})")
    return (
        re.compile("|".join(anchored)) if anchored else None,
        re.compile("|".join(unanchored)) if unanchored else None,
    )


def _reads_like_sentence(line: str) -> bool:
    return len(line) > 40 and line.endswith(("。", "！", "？", "!", "?")) and line.count("，") + line.count(",") >= 2


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
    urls = _has_url_hint(text)
    for raw in text.split("\n"):
        # each substitution only where its required text occurs (most lines have none)
        line = _PAGE_DIV_RE.sub(" ", raw) if "<" in raw else raw
        if urls and _has_url_hint(line):
            line = _URL_RE.sub(_strip_url, line)
        if "本文档为" in line:
            line = _DISCLAIMER_RE.sub("", line)
        if "编" in line:
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


def _is_body_line(line: str) -> bool:
    """``_BODY_LINE_RE.search(line)``: its ``\\S{40}`` (a repeat first) is tried at every position; a
    line with 。 or shorter than 40 characters is decided without it."""
    return "。" in line or (len(line) >= 40 and _BODY_LINE_RE.search(line) is not None)


def _is_menu_label(line: str) -> bool:
    stripped = line.strip()
    return len(stripped) <= _MENU_ITEM_MAX_CHARS and not _SENTENCE_PUNCT_RE.search(stripped)


def _drop_menu_labels(lines: list[tuple[str, str]]) -> None:
    """Mark as dropped the short labels that belong to navigation: menu items written one per line (a
    run of >= 3 short lines/navigation lines containing a navigation line, above the first or below the
    last body sentence, where site headers and footers are) and a short label between two navigation
    lines (a site name)."""
    if all(kind != "nav" for _, kind in lines):
        return  # both rules need a navigation line (most documents have none)
    n = len(lines)
    body = [k for k, (line, kind) in enumerate(lines) if kind == "keep" and _is_body_line(line)]
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

