"""``stats`` from per-partition sums (issue 12): the same CSVs, byte for byte, as the whole-corpus
document-term matrix, however the corpus is cut, and no DTM of more than one partition is ever built."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.pipeline import _write_streamed, write_stats


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


def _both(corpus: pd.DataFrame, tmp_path: Path, partition_docs: int, **options: object) -> tuple[dict, dict]:
    opts = {"by": ["company"], "target": None, "reference": None, "top_n": 50, "min_count": 5, "family": "table"}
    opts.update(options)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        whole = write_stats(corpus, tmp_path / "whole", progress=False, streaming=False, **opts)
        parts = _write_streamed(corpus, tmp_path / "parts", progress=False, engine=None, partition_docs=partition_docs, **opts)
    assert whole.notes == parts.notes
    return _files(tmp_path / "whole"), _files(tmp_path / "parts")


@pytest.fixture(scope="module")
def generated(sample_corpus: pd.DataFrame) -> pd.DataFrame:
    """About 300 documents resampled from the sample's sentences, over three companies and six years,
    with undated and company-less documents: many groups, thin ones, and terms in few documents."""
    sentences = [s for t in sample_corpus["text"] for s in re.split(r"(?<=[。！？；])", t) if len(s.strip()) > 4]
    rng = np.random.default_rng(7)
    rows = []
    for i in range(300):
        k = int(rng.integers(1, 25))
        text = "".join(sentences[j] for j in rng.integers(0, len(sentences), size=k))
        year = int(rng.integers(2019, 2025)) if rng.random() > 0.1 else None
        company = ["中国联通", "中国移动", "中国电信", ""][int(rng.integers(0, 4))]
        rows.append({"doc_id": f"g{i:04d}", "text": text, "company": company, "year": year,
                     "date": pd.Timestamp(f"{year}-0{1 + i % 9}-1{i % 10}") if year else pd.NaT})  # fmt: skip
    df = pd.DataFrame(rows)
    df["year"] = df["year"].astype("Int64")
    return df


@pytest.mark.parametrize("partition_docs", [1, 2, 3, 1000])
def test_sample_streamed_equals_whole_matrix(sample_corpus: pd.DataFrame, tmp_path: Path, partition_docs: int) -> None:
    whole, parts = _both(sample_corpus, tmp_path, partition_docs, by=["company", "year"])
    assert set(whole) == {"frequency.csv", "tfidf.csv", "slogans.csv", "keyness.csv", "similarity.csv", "year_over_year.csv"}
    assert parts == whole


@pytest.mark.parametrize(
    ("partition_docs", "options"),
    [
        (7, {"by": ["company", "year"]}),
        (64, {"by": ["year"], "family": "block"}),
        (50, {"by": ["company"], "target": "中国联通", "reference": "中国移动", "top_n": 20}),
        (33, {"by": ["company"], "target": "中国电信", "min_count": 2}),
    ],
)
def test_generated_streamed_equals_whole_matrix(
    generated: pd.DataFrame, tmp_path: Path, partition_docs: int, options: dict
) -> None:
    whole, parts = _both(generated, tmp_path, partition_docs, **options)
    assert len(whole["keyness.csv"]) > 10_000 and len(whole["frequency.csv"]) > 10_000  # real tables
    for name in whole:
        assert parts[name] == whole[name], name


def test_no_document_term_matrix_larger_than_a_partition(
    generated: pd.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib

    module = importlib.import_module("analysis.dtm")  # the package shadows the module by the function
    real = module.dtm
    sizes: list[int] = []

    def spy(tokens, **options):
        sizes.append(len(tokens.docs))
        assert options == {"cache": False}  # one partition: no count cache file
        return real(tokens, **options)

    monkeypatch.setattr(module, "dtm", spy)
    from analysis import config

    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _write_streamed(generated, tmp_path / "out", by=["company", "year"], target=None, reference=None, top_n=50,
                        min_count=5, family="table", progress=False, engine=None, partition_docs=40)  # fmt: skip
    assert sizes and max(sizes) <= 40 and sum(sizes) == len(generated)
    assert (tmp_path / "cache" / "spill").is_dir() and not list((tmp_path / "cache" / "spill").iterdir())


def test_the_spill_folder_is_removed(generated: pd.DataFrame, tmp_path: Path) -> None:
    from analysis.stats.streamed import stream_corpus

    with stream_corpus(generated.iloc[:30], {"by": (["company"], None)}, partition_docs=10, spill_dir=tmp_path) as s:
        assert len(list(tmp_path.iterdir())) == 1 and len(s.parts) == 3
        assert sum(m.shape[0] for _, m in s.rows()) == 30
    assert not list(tmp_path.iterdir())


def test_tokenize_parts_equals_tokenize_with_one_cache_lookup(
    generated: pd.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from analysis import tokens as tok

    whole = tok.tokenize(generated, cache_dir=tmp_path, progress=False)  # fills the cache
    calls: list[int] = []
    real = tok._Cache.lookup

    def counted(self, wanted):
        calls.append(1)
        return real(self, wanted)

    monkeypatch.setattr(tok._Cache, "lookup", counted)
    parts = list(tok.tokenize_parts(generated, 70, cache_dir=tmp_path))
    assert len(calls) == 1 and [len(p) for p in parts] == [70, 70, 70, 70, 20]
    assert [d for p in parts for d in p.docs] == whole.docs
    pd.testing.assert_frame_equal(pd.concat([p.docvars for p in parts], ignore_index=True), whole.docvars)
