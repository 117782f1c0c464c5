"""``analysis._memo``: what names a file's content for the kept results of a process, and when it does not."""

from __future__ import annotations

import os
import time
from pathlib import Path

from analysis import _memo


def _settle(path: Path, age_s: float = 60.0) -> None:
    t = time.time() - age_s
    os.utime(path, (t, t))


def test_identity_changes_with_the_files_and_is_none_while_they_are_fresh(tmp_path: Path) -> None:
    f, folder = tmp_path / "a.parquet", tmp_path / "parts.parquet"
    f.write_bytes(b"one")
    assert _memo.identity(f) is None  # just written: a same-size rewrite in the same clock tick could follow
    _settle(f)
    key = _memo.identity(f, None, tmp_path / "absent.csv")
    assert key is not None and key == _memo.identity(f, None, tmp_path / "absent.csv")
    (tmp_path / "absent.csv").write_text("now here")
    _settle(tmp_path / "absent.csv")
    assert _memo.identity(f, None, tmp_path / "absent.csv") != key
    f.write_bytes(b"two")  # same size, another modification time
    _settle(f, age_s=30)
    assert _memo.identity(f, None, tmp_path / "absent.csv") not in (None, key)
    folder.mkdir()
    (folder / "part-0.parquet").write_bytes(b"x")
    _settle(folder / "part-0.parquet")
    whole = _memo.identity(folder)
    (folder / "part-1.parquet").write_bytes(b"y")
    _settle(folder / "part-1.parquet")
    assert whole is not None and _memo.identity(folder) not in (None, whole)


def test_last_keeps_one_result_for_its_key() -> None:
    last = _memo.Last()
    assert last.get(None) is None and last.get(("k",)) is None
    last.put(("k",), 1)
    assert last.get(("k",)) == 1 and last.get(("j",)) is None
    last.put(("j",), 2)
    assert last.get(("k",)) is None and last.get(("j",)) == 2
    last.put(None, 3)  # no key: nothing kept
    assert last.get(("j",)) is None and last.get(None) is None
