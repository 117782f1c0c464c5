"""write_stats keeps its files: the same input writes the same bytes without computing; any change of a
text, a docvar or a setting computes again."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from analysis import _results, config, pipeline
from analysis.select import DocumentsLeftOut

PARAS = [
    "坚决做到“两个维护”，增强“四个意识”，推进全面从严治党，党风廉政建设。",
    "中国移动北京公司党委召开会议，学习党的二十大精神，推动高质量发展，全面从严治党。",
    "中国联通开展主题党日活动，落实三会一课制度，加强纪律建设，推动高质量发展。",
    "中国电信推进5G网络建设，服务数字中国，深化改革创新，党风廉政建设。",
]


def _corpus() -> pd.DataFrame:
    n = 18
    return pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(n)],
            "company": [["中国移动", "中国联通", "中国电信"][i % 3] for i in range(n)],
            "year": pd.array([2022 + i % 2 if i % 5 else None for i in range(n)], dtype="Int64"),
            "text": ["".join(PARAS[(i + k) % 4] for k in range(1 + i % 3)) * 3 for i in range(n)],
        }
    )


@pytest.fixture()
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    return tmp_path / "cache" / "stats"


def _files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def _run(corpus: pd.DataFrame, out: Path, **kw) -> pipeline.StatsOutput:
    return pipeline.write_stats(corpus, out, by=kw.pop("by", ["company", "year"]), progress=False, **kw)


def _no_compute(monkeypatch) -> None:
    def fail(*args, **kwargs):
        raise AssertionError("computed again")

    monkeypatch.setattr(pipeline, "_compute_stats", fail)


def test_same_input_same_files_without_computing_and_warnings_again(own_cache, tmp_path, monkeypatch):
    corpus = _corpus()
    with pytest.warns(DocumentsLeftOut):
        first = _run(corpus, tmp_path / "a")
    assert len(list(own_cache.glob("*.arrow"))) == 1
    with monkeypatch.context() as m:
        _no_compute(m)
        with pytest.warns(DocumentsLeftOut, match="year_over_year"):  # said again from the cache
            again = _run(corpus.copy(), tmp_path / "b")
    assert [p.name for p in again.files] == [p.name for p in first.files]
    assert again.notes == first.notes
    assert _files(tmp_path / "b") == _files(tmp_path / "a")


@pytest.mark.parametrize(
    "change",
    ["text", "company", "year_type", "setting", "order"],
)
def test_any_change_computes_again(own_cache, tmp_path, change):
    corpus = _corpus()
    kw = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _run(corpus, tmp_path / "a")
        if change == "text":
            corpus.loc[3, "text"] += "新增一句话。"
        elif change == "company":
            corpus.loc[3, "company"] = "中国电信"
        elif change == "year_type":  # the same digits as text: another grouping, another key
            corpus["year"] = corpus["year"].astype(object).where(corpus["year"].notna(), None)
            corpus["year"] = [str(y) if y is not None else None for y in corpus["year"]]
        elif change == "setting":
            kw["top_n"] = 7
        else:
            corpus = corpus.iloc[::-1].reset_index(drop=True)
        assert _results.key(corpus, {"x": 1}) != _results.key(_corpus(), {"x": 1}) or change == "setting"
        _run(corpus, tmp_path / "b", **kw)
    assert len(list(own_cache.glob("*.arrow"))) == 2


def test_damaged_cache_file_is_recomputed_with_a_warning(own_cache, tmp_path):
    corpus = _corpus()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DocumentsLeftOut)
        _run(corpus, tmp_path / "a")
        (path,) = own_cache.glob("*.arrow")
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x55
        path.write_bytes(bytes(data))
        with pytest.warns(RuntimeWarning, match="stats cache file"):
            _run(corpus, tmp_path / "b")
    assert _files(tmp_path / "b") == _files(tmp_path / "a")


def test_unhashable_docvars_are_not_cached(own_cache, tmp_path):
    corpus = _corpus()
    corpus["tags"] = [["a", "b"]] * len(corpus)
    assert _results.key(corpus, {}) is None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _run(corpus, tmp_path / "a", by=["company"])
    assert not own_cache.exists() or not list(own_cache.glob("*.arrow"))
