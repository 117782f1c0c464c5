"""Document metadata: title, publication date, company and source, extracted from one document.

Every function takes what ``clean.prepare`` gives (front matter, headings, simplified text with the
boilerplate still in it) but also copes with raw text: HTML tags, a YAML front matter block, PDF
spacing, fullwidth characters and traditional script are tolerated.

One module per field, all reading the same prepared form (:mod:`.lines`):

=================== ==============================================================================
:mod:`.lines`        the document's lines, normalised once; layout (title line, body, page chrome)
:mod:`.dates`        date formats and the publication date (``extract_date``, ``parse_date``)
:mod:`.titles`       the title (``extract_title``)
:mod:`.sources`      the publisher or outlet (``extract_source``)
:mod:`.companies`    the alias table and the company a document is about (``extract_company``)
:mod:`.textsearch`   searching a pattern only next to the literal every match holds (alias patterns)
=================== ==============================================================================

:func:`describe` extracts all four from one prepared document, splitting and normalising its text
once; the ``extract_*`` functions do the same for one field each.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from analysis.ingest.metadata.companies import (
    AliasEntry,
    CompanyAliases,
    Mention,
    _company_explained,
    explain_company,
    extract_company,
    load_aliases,
    prepare_for_matching,
)
from analysis.ingest.metadata.dates import _date_explained, explain_date, extract_date, parse_date
from analysis.ingest.metadata.lines import _lines
from analysis.ingest.metadata.sources import _source, extract_source
from analysis.ingest.metadata.titles import _title, extract_title

__all__ = [
    "AliasEntry",
    "CompanyAliases",
    "Mention",
    "Metadata",
    "describe",
    "explain_company",
    "explain_date",
    "extract_company",
    "extract_date",
    "extract_source",
    "extract_title",
    "load_aliases",
    "parse_date",
    "prepare_for_matching",
]


@dataclass(frozen=True)
class Metadata:
    """What :func:`describe` found: ``date`` is None when the document states none."""

    title: str
    date: Any
    company: str
    source: str
    date_source: str = ""  # evidence: the rule and the line the date was read from
    company_source: str = ""  # evidence: the rule, the scores and the line behind the company


def describe(
    text: str,
    *,
    front_matter: Mapping[str, object] | None = None,
    headings: Sequence[str] = (),
    spaced_text: str | None = None,
    spaced_headings: Sequence[str] | None = None,
    date_front_matter: Mapping[str, object] | None = None,
    aliases: CompanyAliases | None = None,
) -> Metadata:
    """Title, date, company and source of one prepared document, each line view built once.

    ``text`` is the prepared text (``clean.Prepared.text``); the title is read from ``spaced_text`` /
    ``spaced_headings`` when given (the text before the CJK spacing repair, see ``clean.Prepared``).
    ``date_front_matter`` is the front matter the date is read from (front matter plus an HTML page's
    publication-date ``<meta>`` tags), default ``front_matter``. The result equals calling
    ``extract_title``, ``extract_date``, ``extract_company`` and ``extract_source`` one after the other.
    """
    aliases = aliases if aliases is not None else load_aliases()
    front_matter = front_matter or {}
    lines = _lines(text or "")
    title_lines = (
        lines if spaced_text is None or spaced_text == text else _lines(spaced_text, nfkc=lines.memo.get("nfkc"))
    )
    title = _title(
        front_matter, list(spaced_headings if spaced_headings is not None else headings), title_lines, aliases
    )
    date, date_source = _date_explained(
        date_front_matter if date_front_matter is not None else front_matter,
        lines,
        title=title,
        aliases=aliases,
    )
    company, company_source = _company_explained(title, lines, aliases)
    source = _source(front_matter, lines)
    return Metadata(title, date, company, source, date_source, company_source)
