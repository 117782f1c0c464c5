"""fsspec URLs for the inputs and outputs of the commands (issue 12): a URL's files are copied to a
temporary folder for the run and outputs are uploaded after it; a missing implementation is named."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from analysis.__main__ import main
from analysis.engine.storage import StorageError, filesystem, is_url, local_input, local_output

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"

fsspec = pytest.importorskip("fsspec")


def _stats(args: list[str], monkeypatch: pytest.MonkeyPatch, cache: Path) -> int:
    monkeypatch.setenv("TEXTLAB_CACHE", str(cache))
    monkeypatch.setenv("TEXTLAB_PROGRESS", "0")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return main(["stats", *args, "--by", "company", "-q"])


def test_memory_urls_in_and_out_give_the_local_csvs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fs = fsspec.filesystem("memory")
    for f in RAW.iterdir():
        fs.put_file(str(f), f"/tl-test/raw/{f.name}")
    try:
        assert _stats(["memory://tl-test/raw", "--out", "memory://tl-test/stats"], monkeypatch, tmp_path / "c") == 0
        assert _stats([str(RAW), "--out", str(tmp_path / "local")], monkeypatch, tmp_path / "c") == 0
        local = sorted(p.name for p in (tmp_path / "local").glob("*.csv"))
        assert local and sorted(Path(p).name for p in fs.find("/tl-test/stats")) == local
        for name in local:
            assert fs.cat_file(f"/tl-test/stats/{name}") == (tmp_path / "local" / name).read_bytes(), name
    finally:
        fs.rm("/tl-test", recursive=True)


def test_file_urls_on_the_command_line(tmp_path: Path) -> None:
    env = dict(os.environ, TEXTLAB_CACHE=str(tmp_path / "cache"), TEXTLAB_PROGRESS="0")
    out = tmp_path / "stats out"
    proc = subprocess.run(
        [sys.executable, "-m", "analysis", "stats", RAW.as_uri(), "--out", out.as_uri().replace("%20", " "), "-q"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (out / "frequency.csv").stat().st_size > 1000 and (out / "keyness.csv").exists()


def test_a_missing_implementation_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys) -> None:
    fsspec.register_implementation("tlnowhere", "tl_missing_fs_package.NowhereFileSystem", clobber=True,
                                   errtxt="Install tl_missing_fs_package to access tlnowhere")  # fmt: skip
    with pytest.raises(StorageError, match=r"tlnowhere:// protocol needs the optional package tl_missing_fs_package"):
        filesystem("tlnowhere://bucket/news")
    assert _stats(["tlnowhere://bucket/news", "--out", str(tmp_path / "o")], monkeypatch, tmp_path / "c") == 2
    assert "pip install tl_missing_fs_package" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_urls_and_paths(tmp_path: Path) -> None:
    assert is_url("s3://b/x") and is_url("file:///x") and not is_url("/x/y") and not is_url("C:/x") and not is_url(Path("/x"))
    with local_input(tmp_path.as_uri()) as p:  # file:// is the path itself, never a copy
        assert p == tmp_path
    with pytest.raises(StorageError, match="not found"), local_input("memory://tl-none/x"):
        pass
    fs = fsspec.filesystem("memory")
    with pytest.raises(RuntimeError), local_output("memory://tl-failed/out") as folder:
        (folder / "a.csv").write_text("x")
        raise RuntimeError("the command failed")
    assert not fs.exists("/tl-failed/out/a.csv")  # nothing uploaded from a failed run
    with local_output("memory://tl-ok/out") as folder:
        (folder / "sub").mkdir()
        (folder / "sub" / "b.csv").write_text("y")
    assert fs.cat_file("/tl-ok/out/sub/b.csv") == b"y" and not folder.exists()
    fs.rm("/tl-ok", recursive=True)


def test_output_inside_the_input_url_and_remote_workers_are_refused(tmp_path: Path, monkeypatch, capsys) -> None:
    assert _stats(["memory://tl-x/raw", "--out", "memory://tl-x/raw/out"], monkeypatch, tmp_path) == 2
    assert "never written to" in capsys.readouterr().err
    monkeypatch.setenv("TEXTLAB_CACHE", str(tmp_path))
    assert main(["ingest", "memory://tl-x/raw", "--out", str(tmp_path / "o"), "--engine", "dask",
                 "--scheduler", "tcp://127.0.0.1:1", "-q"]) == 2  # fmt: skip
    assert "cannot read a corpus folder given by URL" in capsys.readouterr().err
