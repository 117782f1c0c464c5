"""Cache of the stats command's output files: a run on unchanged input writes the same files again at once.

``pipeline.write_stats`` turns a corpus into CSV tables through tokens, the document-term matrix and
every statistic. Its output depends only on

* the documents: every text (sha256, as the token cache) and every docvar value (pandas' stable row
  hash, plus the type of each value in object columns, so 2024 and "2024" differ), in order;
* the settings (``by``, ``target``, ``reference``, ``top_n``, ``min_count``, ``family``);
* the code and data of the package (every ``analysis/**/*.py`` and ``analysis/resources`` file: the
  rules, the dictionaries, the slogan lexicon), the tokenizer's backend version and the versions of
  numpy, pandas, scipy and pyarrow.

The sha256 of all of them names one Arrow IPC file ``<cache_dir>/stats/<key>.arrow`` holding the bytes of
every file written, the notes, and the package's own warnings (documents left out, terms not found),
which a cached run shows again. The bytes are checked against a sha256 kept in the file; a damaged file
is recomputed with a warning. Atomic writes, never pickle. Input that cannot be hashed this way (a docvar
holding lists, say) is simply not cached.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis import _io, config

_FORMAT = 1


@functools.lru_cache(maxsize=1)
def _code_digest() -> str:
    """sha256 of the package's code and resources and of the libraries that compute the numbers."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    files = sorted(root.rglob("*.py")) + sorted(p for p in (root / "resources").rglob("*") if p.is_file())
    for path in files:
        if "__pycache__" in path.parts:
            continue
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    from importlib.metadata import PackageNotFoundError, version

    for dist in ("numpy", "pandas", "scipy", "pyarrow", "rjieba", "jieba"):
        try:
            h.update(f"{dist}={version(dist)};".encode())
        except PackageNotFoundError:
            h.update(f"{dist}=missing;".encode())
    return h.hexdigest()


def key(corpus: Any, params: dict[str, Any], hashes: Sequence[str] | None = None) -> str | None:
    """The cache key of ``write_stats(corpus, **params)``, or None when the corpus cannot be hashed.

    ``hashes``: the content hashes of the texts of a corpus table without ``text`` (the ``stats``
    command's, from the ``content_hash`` that ingestion wrote); the key is the one of the same table with
    its texts. Without them, the texts are hashed (a caller may have edited them)."""
    import numpy as np
    import pandas as pd
    from pandas.api.types import infer_dtype

    from analysis.tokens import Tokenizer, _content_hashes

    if not isinstance(corpus, pd.DataFrame) or ("text" not in corpus.columns and hashes is None):
        return None
    if hashes is not None and ("text" in corpus.columns or len(hashes) != len(corpus)):
        return None
    try:
        docvars = corpus.drop(columns=["text"], errors="ignore").reset_index(drop=True)
        rows = pd.util.hash_pandas_object(docvars, index=False).to_numpy()
        kinds = {}  # object columns holding other values than str (ints, dates ...): their types count too
        for name in docvars.columns:
            col = docvars[name]
            if col.dtype == object and infer_dtype(col, skipna=True) not in ("string", "empty"):
                kinds[str(name)] = pd.util.hash_array(
                    np.array([type(v).__qualname__ for v in col], dtype=object)
                ).tobytes()
        spec = {
            "format": _FORMAT,
            "code": _code_digest(),
            "tokenizer": Tokenizer().hash,
            "params": params,
            "columns": [[str(c), str(t)] for c, t in docvars.dtypes.items()],
            "rows": len(docvars),
        }
        h = hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode())
    except (TypeError, ValueError):
        return None
    h.update(rows.tobytes())
    for name in sorted(kinds):
        h.update(name.encode() + b"\0" + kinds[name])
    h.update("".join(_content_hashes(corpus) if hashes is None else hashes).encode())
    return h.hexdigest()


def _path(key: str) -> Path:
    return config.CACHE_DIR / "stats" / f"{key}.arrow"


@dataclass
class Cached:
    files: list[tuple[str, bytes]]
    notes: list[str]
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def replay_warnings(self) -> None:
        for w in self.warnings:
            warnings.warn_explicit(w["message"], _category(w["category"]), w["filename"], int(w["lineno"]))


def _category(name: str) -> type[Warning]:
    module, _, qualname = name.rpartition(".")
    try:
        obj: Any = importlib.import_module(module)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError, ValueError):
        return UserWarning
    return obj if isinstance(obj, type) and issubclass(obj, Warning) else UserWarning


def load(key: str) -> Cached | None:
    """The cached output of ``key``, or None (absent, or damaged: then with a warning)."""
    import pyarrow as pa

    path = _path(key)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        with pa.ipc.open_file(pa.BufferReader(data)) as reader:
            table = reader.read_all()
        meta = {k.decode(): v.decode() for k, v in (table.schema.metadata or {}).items()}
        if meta.get("textlab.key") != key:
            raise ValueError("another key")
        names = table.column("name").to_pylist()
        blobs = table.column("data").to_pylist()
        info = json.loads(meta["textlab.info"])
        digest = hashlib.sha256()
        for name, blob in zip(names, blobs, strict=True):
            digest.update(hashlib.sha256(name.encode()).digest() + hashlib.sha256(blob).digest())
        if digest.hexdigest() != info["digest"]:
            raise ValueError("checksum mismatch")
        if any("/" in n or "\\" in n or n.startswith(".") for n in names):
            raise ValueError("a file name that is no plain name")
        return Cached(list(zip(names, blobs, strict=True)), [str(n) for n in info["notes"]], list(info["warnings"]))
    except (OSError, KeyError, TypeError, ValueError, json.JSONDecodeError, pa.ArrowException) as exc:
        warnings.warn(
            f"stats cache file {path.name} is damaged ({type(exc).__name__}: {str(exc)[:80]}); computed again",
            RuntimeWarning,
            stacklevel=3,
        )
        return None


def store(key: str, files: Sequence[Path], notes: Sequence[str], kept: list[dict[str, Any]]) -> None:
    """Keep the bytes of ``files`` (just written), the notes and the package's warnings under ``key``."""
    import pyarrow as pa

    try:
        names = [Path(f).name for f in files]
        blobs = [Path(f).read_bytes() for f in files]
        digest = hashlib.sha256()
        for name, blob in zip(names, blobs, strict=True):
            digest.update(hashlib.sha256(name.encode()).digest() + hashlib.sha256(blob).digest())
        info = {"digest": digest.hexdigest(), "notes": list(notes), "warnings": kept}
        table = pa.table(
            {"name": pa.array(names, type=pa.string()), "data": pa.array(blobs, type=pa.large_binary())}
        ).replace_schema_metadata({"textlab.key": key, "textlab.info": json.dumps(info, ensure_ascii=False)})
        sink = pa.BufferOutputStream()
        with pa.ipc.new_file(sink, table.schema, options=pa.ipc.IpcWriteOptions(compression="zstd")) as out:
            out.write_table(table)
        path = _path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        _io.write_bytes(path, sink.getvalue().to_pybytes())
    except OSError as exc:
        warnings.warn(f"stats cache not written to {config.CACHE_DIR / 'stats'}: {exc}", RuntimeWarning, stacklevel=3)


class Recorder:
    """Records the warnings of a computation, shows them all again when it ends (as they would have been
    shown), and keeps the package's own ones (``analysis`` UserWarnings) for a cached run to replay."""

    def __init__(self) -> None:
        self.kept: list[dict[str, Any]] = []
        self._ctx = warnings.catch_warnings(record=True)
        self._caught: list[warnings.WarningMessage] = []

    def __enter__(self) -> Recorder:
        log = self._ctx.__enter__()
        self._caught = log if log is not None else []
        return self

    def __exit__(self, *exc: object) -> None:
        self._ctx.__exit__(*exc)
        for w in self._caught:
            category = w.category
            warnings.warn_explicit(w.message, category, w.filename, w.lineno, source=w.source)
            if issubclass(category, UserWarning) and category.__module__.startswith("analysis"):
                self.kept.append(
                    {"message": str(w.message), "category": f"{category.__module__}.{category.__qualname__}",
                     "filename": w.filename, "lineno": w.lineno}
                )
