"""Inputs and outputs given as fsspec URLs (``s3://bucket/news``, ``gcs://...``, ``file:///shared/x``).

The stages read and write local folders (ingestion reads every file in a budgeted child process, the
reports are written atomically); a URL is therefore brought to a local folder for the run:

- an input URL (a corpus folder, or a ``corpus.parquet`` file or dataset folder) is copied into a
  temporary folder before the command reads it, and the copy is removed afterwards;
- an output URL is written to a temporary folder, and its files are uploaded to the URL when the
  command has finished (nothing is uploaded when it fails);
- ``file://`` URLs are plain local paths (no copy).

Each protocol needs its fsspec implementation (``s3fs`` for s3://, ``gcsfs`` for gcs://, ``adlfs`` for
az:// ...): when it is missing, the error names the package to install. Remote Dask workers
(``--scheduler``) cannot read the command's temporary folder: give them a shared folder for a corpus
to ingest; a ``corpus.parquet`` URL is fine (the command reads it and sends the texts to the workers).
"""

from __future__ import annotations

import contextlib
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from analysis.errors import AnalysisError

__all__ = ["StorageError", "filesystem", "is_url", "local_input", "local_output", "path_or_url"]

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")


class StorageError(AnalysisError):
    """A URL cannot be used: no fsspec, no implementation of its protocol, not found."""


def is_url(value: object) -> bool:
    """True for ``protocol://...`` strings (a URL), False for paths."""
    return isinstance(value, str) and bool(_URL.match(value))


def path_or_url(value: str) -> Path | str:
    """An argument of the command line: a URL stays a string (``Path`` would fold its ``//``)."""
    return value if is_url(value) else Path(value)


def _package(protocol: str) -> str:
    """The package implementing ``protocol`` in fsspec's registry (``s3`` -> ``s3fs``)."""
    from fsspec.registry import known_implementations

    spec = known_implementations.get(protocol, {})
    return str(spec.get("class", "")).split(".", 1)[0] or f"an fsspec implementation of {protocol}://"


def filesystem(url: str) -> tuple[Any, str]:
    """(fsspec filesystem, path inside it) of ``url``, or a clear error naming what to install."""
    protocol = url.split("://", 1)[0].lower()
    try:
        import fsspec
    except ImportError:
        raise StorageError(f"{url}: URLs need the optional package fsspec, which is not installed (pip install fsspec)") from None
    try:
        fs, path = fsspec.core.url_to_fs(url)
    except ImportError as exc:
        pkg = _package(protocol)
        raise StorageError(
            f"{url}: the {protocol}:// protocol needs the optional package {pkg}, which is not installed "
            f"(pip install {pkg}; fsspec says: {exc})"
        ) from None
    except ValueError as exc:
        raise StorageError(f"{url}: {exc}") from None
    return fs, path


def _is_local(fs: Any) -> bool:
    return "file" in (fs.protocol if isinstance(fs.protocol, tuple) else (fs.protocol,))


def _resolve(value: Path | str | None) -> tuple[Path | None, Any, str]:
    """``(path, None, "")`` for None, a plain path or a file:// URL (the local path, or None); ``(None,
    filesystem, path)`` for a URL of any other filesystem."""
    if value is None or not is_url(value):
        return (None if value is None else Path(value)), None, ""
    fs, path = filesystem(str(value))
    if _is_local(fs):
        return Path(path), None, ""
    return None, fs, path


@contextlib.contextmanager
def local_input(value: Path | str | None) -> Iterator[Path | None]:
    """A local path for the input ``value``: itself, or a temporary copy of a URL's file or folder."""
    local, fs, path = _resolve(value)
    if fs is None:
        yield local
        return
    try:
        if not fs.exists(path):
            raise StorageError(f"{value}: not found")
        folder = Path(tempfile.mkdtemp(prefix="textlab-in-"))
    except StorageError:
        raise
    except Exception as exc:  # network, credentials: the filesystem's own words
        raise StorageError(f"{value}: cannot be read ({type(exc).__name__}: {exc})") from None
    try:
        target = folder / (Path(path.rstrip("/")).name or "input")
        if fs.isdir(path):
            root = path.rstrip("/")
            for remote in fs.find(root):
                local = target / remote[len(root) :].lstrip("/")
                local.parent.mkdir(parents=True, exist_ok=True)
                fs.get_file(remote, str(local))
            target.mkdir(exist_ok=True)
        else:
            fs.get_file(path, str(target))
        yield target
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def local_output(value: Path | str | None) -> Iterator[Path | None]:
    """A local folder for the output ``value``: itself, or a temporary folder uploaded to the URL when
    the block finishes without an exception."""
    local, fs, path = _resolve(value)
    if fs is None:
        yield local
        return
    folder = Path(tempfile.mkdtemp(prefix="textlab-out-"))
    try:
        yield folder
        root = path.rstrip("/")
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        try:
            fs.makedirs(root, exist_ok=True)
            for local in files:
                remote = f"{root}/{local.relative_to(folder).as_posix()}"
                fs.makedirs(remote.rsplit("/", 1)[0], exist_ok=True)
                fs.put_file(str(local), remote)
        except Exception as exc:
            raise StorageError(f"{value}: the outputs could not be uploaded ({type(exc).__name__}: {exc})") from None
        print(f"uploaded {len(files)} files to {value} (written first to a temporary folder)", file=sys.stderr)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def local_paths(args: Any) -> Iterator[None]:
    """The command's ``dir``/``corpus`` input and ``out`` output made local for the run (see the module
    docstring); ``args`` (argparse namespace) is updated in place."""
    src_name = "dir" if hasattr(args, "dir") else "corpus"
    src, out = getattr(args, src_name, None), getattr(args, "out", None)
    if is_url(src) and getattr(args, "scheduler", None):
        kept = str(src).rstrip("/").endswith(".parquet")
        if not kept or getattr(args, "command", "") == "ingest":
            raise StorageError(
                f"{src}: remote Dask workers (--scheduler) cannot read a corpus folder given by URL (it is "
                "copied to this machine only): put it in a folder every worker mounts, or give a corpus.parquet URL"
            )
    if is_url(src) and is_url(out) and str(out).rstrip("/").startswith(str(src).rstrip("/") + "/"):
        raise StorageError(f"{out}: output is inside the input {src}; raw data is never written to")
    with local_input(src) as local_src, local_output(out) as local_out:
        setattr(args, src_name, local_src)
        if hasattr(args, "out"):
            args.out = local_out
        yield
