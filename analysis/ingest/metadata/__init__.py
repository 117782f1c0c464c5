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
from analysis.ingest.stepwise import stepwise

__all__ = [
    "AliasEntry",
    "CompanyAliases",
    "Mention",
    "Metadata",
    "describe",
    "describe_each",
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
    doc = {
        "text": text,
        "front_matter": front_matter,
        "headings": headings,
        "spaced_text": spaced_text,
        "spaced_headings": spaced_headings,
        "date_front_matter": date_front_matter,
    }
    (meta,) = describe_each([doc], aliases)
    if isinstance(meta, Exception):
        raise meta
    return meta


def describe_each(
    docs: Sequence[Mapping[str, Any]], aliases: CompanyAliases | None = None
) -> list[Metadata | Exception]:
    """:func:`describe` of each document (``docs``: its keyword arguments, ``text`` included), in order,
    one field at a time over all of them: the lines of every document, then every title, every date,
    every company, every source. The answers are those of :func:`describe`, with less work on many
    documents (each rule's code and tables stay in the processor's caches). A document whose
    description raises gets the exception in its place; the others are described."""
    aliases = aliases if aliases is not None else load_aliases()

    def lines(doc: Mapping[str, Any], st: dict[str, Any]) -> None:
        text, spaced_text = doc.get("text") or "", doc.get("spaced_text")
        st["lines"] = _lines(text)
        st["title_lines"] = (
            st["lines"]
            if spaced_text is None or spaced_text == text
            else _lines(spaced_text, nfkc=st["lines"].memo.get("nfkc"))
        )

    def title(doc: Mapping[str, Any], st: dict[str, Any]) -> None:
        headings = doc.get("spaced_headings")
        headings = headings if headings is not None else doc.get("headings", ())
        st["title"] = _title(doc.get("front_matter") or {}, list(headings), st["title_lines"], aliases)

    def date(doc: Mapping[str, Any], st: dict[str, Any]) -> None:
        date_fm = doc.get("date_front_matter")
        st["date"] = _date_explained(
            date_fm if date_fm is not None else doc.get("front_matter") or {},
            st["lines"],
            title=st["title"],
            aliases=aliases,
        )

    def company(doc: Mapping[str, Any], st: dict[str, Any]) -> None:
        st["company"] = _company_explained(st["title"], st["lines"], aliases)

    def source(doc: Mapping[str, Any], st: dict[str, Any]) -> None:
        st["source"] = _source(doc.get("front_matter") or {}, st["lines"])

    state, failed = stepwise(docs, (lines, title, date, company, source))
    out: list[Any] = [failed.get(k) for k in range(len(docs))]
    for k, st in state.items():
        (date_value, date_source), (company_name, company_source) = st["date"], st["company"]
        out[k] = Metadata(st["title"], date_value, company_name, st["source"], date_source, company_source)
    return out
