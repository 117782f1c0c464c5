"""pipeline._write_tables with tables computed aside in a forked process: same files, notes and warnings
as computing every table here, and a fallback when that process dies."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pandas as pd
import pytest

from analysis import pipeline
from analysis._proc import mp_context
from analysis.errors import AnalysisError

pytestmark = pytest.mark.skipif(
    mp_context().get_start_method() != "fork", reason="tables are computed aside only where fork is the start method"
)

PARENT = os.getpid()


def _where() -> pd.DataFrame:
    return pd.DataFrame({"group": ["a"], "here": [os.getpid() == PARENT]})


def _refused() -> pd.DataFrame:
    raise AnalysisError("only one group")


def _warns() -> pd.DataFrame:
    warnings.warn("thin groups were flagged", UserWarning, stacklevel=1)
    return pd.DataFrame({"group": ["b"], "n": [2]})


def _dies_aside() -> pd.DataFrame:
    if os.getpid() != PARENT:
        os._exit(3)
    return pd.DataFrame({"group": ["c"], "n": [3]})


def _tables() -> dict:
    return {
        "one.csv": (_where, False, []),
        "two.csv": (_refused, False, ["group", "score"]),
        "three.csv": (_warns, False, []),
        "four.csv": (_where, True, []),
    }


def _run(out: Path, aside: list[list[str]]) -> tuple[pipeline.StatsOutput, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = pipeline._write_tables(_tables(), out, aside=aside)
    return result, [str(w.message) for w in caught if issubclass(w.category, UserWarning)]


def test_tables_aside_give_the_same_files_notes_and_warnings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTLAB_JOBS", "2")
    here, said_here = _run(tmp_path / "here", [])
    aside, said_aside = _run(tmp_path / "aside", [["two.csv", "three.csv", "four.csv"]])
    assert [p.name for p in aside.files] == [p.name for p in here.files] == ["one.csv", "two.csv", "three.csv", "four.csv"]
    assert aside.notes == here.notes == ["two.csv: not computed: only one group"]
    assert said_aside == said_here == ["thin groups were flagged"]
    for name in ("one.csv", "two.csv", "three.csv"):
        assert (tmp_path / "aside" / name).read_bytes() == (tmp_path / "here" / name).read_bytes()
    # four.csv was computed in the forked process, one.csv here
    assert pd.read_csv(tmp_path / "aside" / "one.csv")["here"].tolist() == [True]
    assert pd.read_csv(tmp_path / "aside" / "four.csv", index_col=0)["here"].tolist() == [False]
    assert pd.read_csv(tmp_path / "here" / "four.csv", index_col=0)["here"].tolist() == [True]


def test_one_core_computes_every_table_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTLAB_JOBS", "1")
    pipeline._write_tables(_tables(), tmp_path, aside=[["four.csv"]])
    assert pd.read_csv(tmp_path / "four.csv", index_col=0)["here"].tolist() == [True]


def test_a_dead_aside_process_leaves_its_tables_to_this_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTLAB_JOBS", "2")
    tables = {"one.csv": (_where, False, []), "dies.csv": (_dies_aside, False, [])}
    result = pipeline._write_tables(tables, tmp_path, aside=[["dies.csv"]])
    assert [p.name for p in result.files] == ["one.csv", "dies.csv"] and result.notes == []
    assert pd.read_csv(tmp_path / "dies.csv")["n"].tolist() == [3]


def _pid() -> pd.DataFrame:
    return pd.DataFrame({"group": ["p"], "pid": [os.getpid()]})


def _warns_first() -> pd.DataFrame:
    warnings.warn("first table's warning", UserWarning, stacklevel=1)
    return pd.DataFrame({"group": ["f"]})


def _warns_second() -> pd.DataFrame:
    warnings.warn("second table's warning", UserWarning, stacklevel=1)
    return pd.DataFrame({"group": ["s"]})


def test_groups_of_tables_aside_each_get_a_process_and_warnings_keep_table_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEXTLAB_JOBS", "2")
    tables = {
        "here.csv": (_where, False, []),
        "first.csv": (_warns_first, False, []),
        "pid_a.csv": (_pid, False, []),
        "second.csv": (_warns_second, False, []),
        "pid_b.csv": (_pid, False, []),
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # the second table's process is listed first: its warning must still come second
        result = pipeline._write_tables(tables, tmp_path, aside=[["second.csv", "pid_b.csv"], ["first.csv", "pid_a.csv"]])
    assert [p.name for p in result.files] == list(tables)
    said = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    assert said == ["first table's warning", "second table's warning"]
    assert pd.read_csv(tmp_path / "here.csv")["here"].tolist() == [True]
    a, b = (int(pd.read_csv(tmp_path / n)["pid"].iloc[0]) for n in ("pid_a.csv", "pid_b.csv"))
    assert PARENT not in (a, b) and a != b
