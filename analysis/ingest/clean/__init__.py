"""Pure text -> text cleaning for Chinese corporate news, plus the ingestion pipeline built from it.

Every public function takes and returns plain strings (or small containers of them) and has no side
effects, so each one can be tested on its own. Two pipelines combine them:

* :func:`prepare` turns a reader's raw text into simplified-script text with one paragraph per line
  (front matter split off, HTML and Markdown reduced, Unicode and PDF spacing repaired, pinyin glosses
  removed). Header lines such as ``发布时间：…`` are kept, because metadata extraction reads them.
* :func:`clean_body` then removes boilerplate and repeated paragraphs: the text that gets analysed.

:func:`clean_text` chains both for callers that only want the analysis text.

Each concern is a module of its own:

=============================== ======================================================================
:mod:`.markup`                   front matter, HTML and Markdown -> text, headings
:mod:`.spacing`                  Unicode, CJK spacing, whitespace, pinyin glosses, PDF line wrapping
:mod:`.boilerplate`              navigation, editor lines, footers, the corpus disclaimer
:mod:`.repeats`                  repeated passages kept once
:mod:`analysis._text`            script: traditional -> simplified, script detection
=============================== ======================================================================

This package composes them; every public function is re-exported here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from analysis._text import detect_script, script_and_simplified, to_simplified
from analysis.errors import AnalysisError
from analysis.ingest.clean.boilerplate import remove_boilerplate
from analysis.ingest.clean.markup import (
    _html_extract,
    _markdown,
    html_headings,
    html_to_text,
    looks_like_html,
    markdown_headings,
    markdown_to_text,
    split_front_matter,
)
from analysis.ingest.clean.repeats import (
    Removal,
    dedupe_paragraphs,
    remove_repeats,
    remove_repeats_each,
    restore_repeats,
)
from analysis.ingest.clean.spacing import (
    _PAGE_DIV_RE,
    drop_page_divs,
    fix_cjk_spacing,
    join_wrapped_lines,
    normalize_unicode,
    normalize_whitespace,
    remove_pinyin_glosses,
)

__all__ = [
    "FORMATS",
    "Prepared",
    "Removal",
    "clean_body",
    "clean_body_recorded",
    "clean_boilerplate",
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
    "remove_repeats",
    "remove_repeats_each",
    "restore_repeats",
    "split_front_matter",
    "to_simplified",
]

FORMATS = ("text", "markdown", "html", "pdf", "docx")

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
    pdf_like = fmt == "pdf" or ("<" in body and _PAGE_DIV_RE.search(body) is not None)
    body = drop_page_divs(body)
    html_heads: list[str] = []
    if fmt == "html" or looks_like_html(body):
        # Tags inside a text/Markdown file: its line breaks are paragraph breaks, keep them.
        body, html_heads = _html_extract(body, keep_newlines=fmt != "html")
    body = normalize_unicode(body)
    if pdf_like:
        body = join_wrapped_lines(body)
    body, md_heads = _markdown(body)
    body = remove_pinyin_glosses(body)
    script, body = script_and_simplified(body)  # the script is detected before conversion
    spaced = normalize_whitespace(body)
    fixed = fix_cjk_spacing(body)
    body = spaced if fixed == body else normalize_whitespace(fixed)

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
    """Prepared text -> analysis text: boilerplate removed, spacing and whitespace normalised (one
    paragraph per line), repeated paragraphs and restated passages removed (unless ``keep_repeated``)."""
    return clean_body_recorded(text, keep_repeated=keep_repeated)[0]


def clean_body_recorded(text: str, *, keep_repeated: bool = False) -> tuple[str, list[Removal]]:
    """:func:`clean_body` plus the record of what repeat removal took out (see :mod:`.repeats`)."""
    text = clean_boilerplate(text)
    if keep_repeated:
        return text, []
    return remove_repeats(text)


def clean_boilerplate(text: str) -> str:
    """The first step of :func:`clean_body`: boilerplate removed, spacing and whitespace normalised;
    :func:`remove_repeats` is the second."""
    text = remove_boilerplate(text)
    return normalize_whitespace(fix_cjk_spacing(text))  # URL removal can leave a space between two ideographs


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

