"""One vocabulary of column names across every statistics table (README: "Columns").

  docs_with_term   documents of the group that contain the term (or slogan)
  group_docs       documents in the group
  group_tokens     tokens in the group (after stopword filtering, before trimming): the denominator
  rate_per_10k     count / group_tokens * 10,000
  NONE_LABEL       "(none)": the one label for "no company" (and any other missing grouping value)

Tables written before this vocabulary used other names for the same things; the reports and notebooks
read the new names only, and the old ones are gone (``KEEP_OLD_NAMES`` False; True would add them back as
copies). ``RENAMED`` lists every old name and its new name, per table.
"""

from __future__ import annotations

import pandas as pd

from analysis.dtm import NONE_LABEL

__all__ = ["KEEP_OLD_NAMES", "NONE_LABEL", "RENAMED", "THIN_DOCS", "flag_thin", "with_vocabulary"]

#: Groups with fewer documents than this are flagged ``thin_group`` (read them with care; charts grey them).
THIN_DOCS = 3

#: Keep the old column names (copies of the new ones) until every reader has switched.
KEEP_OLD_NAMES = False

#: table -> {old name: new name}
RENAMED: dict[str, dict[str, str]] = {
    "frequency": {"doc_freq": "docs_with_term"},
    "slogan_profile": {"n_docs": "docs_with_term", "group_size": "group_tokens"},
    "adoption_timeline": {"n_docs": "docs_with_term"},
    "trend": {"n_docs": "group_docs", "n_tokens": "group_tokens"},
    "keyness": {"total_target": "group_tokens_target", "total_reference": "group_tokens_reference"},
}


def with_vocabulary(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """``df`` (built with the old names) with the new names: in place of the old ones, or added at the
    end beside them while ``KEEP_OLD_NAMES`` is True. Keeps ``df.attrs``."""
    attrs = dict(df.attrs)
    if KEEP_OLD_NAMES:
        for old, new in RENAMED[table].items():
            if old in df.columns and new not in df.columns:
                df[new] = df[old]
    else:  # the new name takes the old one's place
        renamed = {o: n for o, n in RENAMED[table].items() if o in df.columns and n not in df.columns}
        df = df.drop(columns=[o for o in RENAMED[table] if o in df.columns and o not in renamed])
        df = df.rename(columns=renamed)
    df.attrs = attrs
    return df


def flag_thin(df: pd.DataFrame, thin_docs: int | None) -> pd.DataFrame:
    """Add ``thin_group``: the row's group has fewer than ``thin_docs`` documents (``group_docs``)."""
    if thin_docs is None:
        return df
    if thin_docs < 1:
        from analysis.errors import AnalysisError

        raise AnalysisError(f"thin_docs must be >= 1 or None, got {thin_docs}")
    docs = df["group_docs"] if "group_docs" in df.columns else df.get("n_docs")
    if docs is not None:
        attrs = dict(df.attrs)
        df["thin_group"] = pd.to_numeric(docs, errors="coerce").fillna(0).to_numpy() < thin_docs
        df.attrs = attrs
        df.attrs["thin_docs"] = thin_docs
    return df
