"""Issue 13: the analyst's notebook session, for the statistics: one vocabulary, every exclusion said,
clear answers to wrong or empty questions."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from analysis.dtm import DTM, dtm
from analysis.errors import AnalysisError
from analysis.stats import collocations, frequency, keyness, kwic, trend


@dataclass
class FakeTokens:
    docs: list[list[str]]
    docvars: pd.DataFrame


@pytest.fixture
def small() -> DTM:
    docs = [["党建", "改革", "党建"], ["党建", "创新"], ["改革", "创新", "创新"], ["党建"], ["改革"]]
    docvars = pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(5)],
            "company": ["中国联通", "中国联通", "中国移动", "中国移动", ""],
            "year": pd.array([2022, 2023, 2022, None, 2023], dtype="Int64"),
        }
    )
    return dtm(FakeTokens(docs, docvars))


@pytest.mark.parametrize("by", ["company,year", ["company", "year"], ("company", "year"), "company+year"])
def test_by_is_accepted_in_the_same_forms_everywhere(small, by):
    f = frequency(small, by=by, ci=None)
    assert "中国联通|2022" in set(f["group"])
    t = trend(small, "党建", by=by, ci=None)  # was TypeError: unhashable type: 'list'
    assert list(t.columns[:3]) == ["company", "year", "term"]
    row = t[(t["company"] == "中国联通") & (t["year"] == 2022)].iloc[0]
    assert row["count"] == 2 and row["n_tokens"] == 3
    k = keyness(small, by=by, target="中国联通|2022", min_count=1)
    assert set(k["group"]) == {"中国联通|2022"}
    with pytest.raises(AnalysisError, match="by="):
        frequency(small, by=3)


def test_targets_and_company_filters_accept_any_alias(small):
    k = keyness(small, by="company", target="China Mobile", reference="中國聯通", min_count=1)
    assert set(k["group"]) == {"中国移动"} and set(k["reference"]) == {"中国联通"}
    k2 = keyness(small, by="company,year", target="China Unicom|2023", min_count=1)
    assert set(k2["group"]) == {"中国联通|2023"}
    t = trend(small, "党建", company="China Unicom", ci=None)
    assert t["count"].sum() == 3
    with pytest.raises(AnalysisError, match="no group 'China Satcom'"):
        keyness(small, by="company", target="China Satcom")
