"""Scoring shared by the generated-genre acceptance tests: truth table vs. what ingestion produced.

Each generator (``genre_real.py``, ``genre_seedlike.py``) writes a folder and returns its truth table
with columns ``path, date (ISO or None), company ('' for none), category, note``. ``score`` runs
ingestion on the folder and joins the result; the ``check_*`` functions hold the issue's criteria and
fail with a readable table of every mismatch.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.ingest.corpus import read_corpus

DATE_RECALL_MIN = 0.95
COMPANY_ACCURACY_MIN = 0.95


@dataclass
class Scored:
    """Truth joined with what ingestion produced."""

    folder: Path
    table: pd.DataFrame
    report: pd.DataFrame

    def __repr__(self) -> str:  # keep pytest's failure output to the message
        return f"Scored({len(self.table)} documents in {self.folder})"


def _iso(value: object) -> str | None:
    return None if pd.isna(value) else pd.Timestamp(value).date().isoformat()


def score(folder: Path, truth: pd.DataFrame) -> Scored:
    """Ingest ``folder`` and compare every document with its truth row."""
    result = read_corpus(folder, progress=False)
    got = result.corpus.set_index("path")
    t = truth.copy()
    t["in_corpus"] = t["path"].isin(got.index)
    t["got_date"] = [_iso(got.at[p, "date"]) if p in got.index else None for p in t["path"]]
    t["got_company"] = [got.at[p, "company"] if p in got.index else None for p in t["path"]]
    t["title"] = [str(got.at[p, "title"])[:60] if p in got.index else "" for p in t["path"]]
    t["date_ok"] = [(a or None) == (b or None) for a, b in zip(t["date"], t["got_date"], strict=True)]
    t["company_ok"] = t["company"] == t["got_company"]
    return Scored(folder, t, result.report)


def mismatch_table(rows: pd.DataFrame, expected: str, got: str) -> str:
    """One block per mismatching document: path, category, expected, got, note, title."""
    out = []
    for r in rows.itertuples(index=False):
        out.append(
            f"  {r.path:<44} {r.category:<14} expected={getattr(r, expected)!s:<10} "
            f"got={getattr(r, got)!s:<10}\n      {r.note}\n      title: {r.title}"
        )
    return "\n".join(out)


def print_breakdown(scored: Scored) -> None:
    """Per-category counts (shown with ``pytest -s``)."""
    t = scored.table
    stated = t[t["date"].notna()]
    by = t.groupby("category").agg(
        n=("path", "size"),
        dated=("date", lambda s: int(s.notna().sum())),
        date_ok=("date_ok", "sum"),
        company_ok=("company_ok", "sum"),
    )
    print("\nper category (n, documents stating a date, date right, company right):")
    print(by.to_string())
    print(
        f"date recall {stated['date_ok'].mean():.3f} on {len(stated)}; "
        f"invented {int((t['date'].isna() & t['got_date'].notna()).sum())} of {int(t['date'].isna().sum())}; "
        f"company {t['company_ok'].mean():.3f} on {len(t)}"
    )


def check_every_category(scored: Scored, min_share: float = 0.75) -> None:
    """No layout is broken as a whole: in every category, at least ``min_share`` of the documents that
    state a date get it exactly, and of all documents get the right company. (A category of four
    documents failing entirely would hide under the corpus-wide 95 % thresholds.)"""
    t = scored.table
    stated = t[t["date"].notna()]
    date_share = stated.groupby("category")["date_ok"].mean()
    company_share = t.groupby("category")["company_ok"].mean()
    weak = sorted(
        {c for c, v in date_share.items() if v < min_share} | {c for c, v in company_share.items() if v < min_share}
    )
    assert not weak, (
        f"categories below {min_share:.0%} on dates or companies: {', '.join(weak)}\n"
        + pd.DataFrame({"date": date_share, "company": company_share}).loc[weak].to_string()
    )


def check_no_file_skipped(scored: Scored) -> None:
    skipped = scored.report[scored.report["status"] == "skipped"]
    missing = scored.table[~scored.table["in_corpus"]]
    assert skipped.empty and missing.empty, (
        f"{len(skipped)} skipped, {len(missing)} missing:\n" + skipped.to_string(index=False)
    )


def check_stated_dates(scored: Scored) -> None:
    stated = scored.table[scored.table["date"].notna()]
    wrong = stated[~stated["date_ok"]]
    recall = 1 - len(wrong) / len(stated)
    assert recall >= DATE_RECALL_MIN, (
        f"date recall {recall:.3f} < {DATE_RECALL_MIN} ({len(wrong)} of {len(stated)} wrong):\n"
        + mismatch_table(wrong, "date", "got_date")
    )


def check_no_invented_date(scored: Scored) -> None:
    undated = scored.table[scored.table["date"].isna()]
    invented = undated[undated["got_date"].notna()]
    assert invented.empty, f"{len(invented)} of {len(undated)} undated documents got a date:\n" + mismatch_table(
        invented, "date", "got_date"
    )


def check_company(scored: Scored) -> None:
    t = scored.table
    wrong = t[~t["company_ok"]]
    accuracy = 1 - len(wrong) / len(t)
    assert accuracy >= COMPANY_ACCURACY_MIN, (
        f"company accuracy {accuracy:.3f} < {COMPANY_ACCURACY_MIN} ({len(wrong)} of {len(t)} wrong):\n"
        + mismatch_table(wrong, "company", "got_company")
    )
