"""The document-term counts of cached token lists, kept under ``<cache_dir>/dtm/``.

``analysis.dtm.dtm`` counts a corpus's cached tokens (``TokenLists.sparse_counts``): about 9 s and a
1.2 GB transient for 1 GB of text, paid by every notebook of a report. The result depends only on the
token lists, so it is kept in one ``.npz`` per token content (``TokenLists.content_key``, which names
the token cache's blocks and the rows taken from them) and the counting code (the source of
``analysis.tokens``): ``data`` (counts, int32 when they fit), ``indices``, ``indptr``, ``lengths``
(tokens per document), the sorted features as UTF-8 bytes with their offsets, and ``shape``. Read
without pickle and checked for consistency; a damaged file is counted again with a warning. Written
atomically; only the newest ``MAX_FILES`` are kept (each is about half the size of the text).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from analysis import _io, _memo, _npz, config

_FORMAT = 1
MAX_FILES = 3
_ARRAYS = ("data", "indices", "indptr", "lengths", "features_utf8", "features_offsets", "shape")


def _folder() -> Path:
    return config.CACHE_DIR / "dtm"


def _code_digest() -> str:
    from analysis import tokens

    return _io.source_digest(tokens.__file__)


def _key(content: str) -> str:
    spec = {"format": _FORMAT, "content": content, "code": _code_digest()}
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()


def counts_of(docs: Any) -> tuple[Any, np.ndarray, np.ndarray] | None:
    """``docs.sparse_counts()`` (a ``TokenLists``), from the cache when it holds them; None when the
    lists cannot be counted from codes."""
    content = docs.content_key()
    if content is None:
        return None
    path = _folder() / f"{_key(content)}.npz"
    kept = _LAST.get(_memo.identity(path, named_by_content=True))
    if kept is not None:
        return _handed_out(*kept)
    found = _read(path)
    if found is None:
        found = docs.sparse_counts()
        if found is None:
            return None
        _write(path, *found)
    _keep(path, *found)
    return _handed_out(*found)


#: The last counts read or written, for the next call on the same tokens in this process (a report's
#: notebooks each count the same tokens in one kernel; see ``analysis._memo``). Their arrays are made
#: read-only: what is handed out shares them and cannot change them.
_LAST = _memo.Last()


def _keep(path: Path, counts: Any, features: np.ndarray, lengths: np.ndarray) -> None:
    for a in (counts.data, counts.indices, counts.indptr, features, lengths):
        a.flags.writeable = False
    _LAST.put(_memo.identity(path, named_by_content=True), (counts, features, lengths))


def _handed_out(counts: Any, features: np.ndarray, lengths: np.ndarray) -> tuple[Any, np.ndarray, np.ndarray]:
    import scipy.sparse as sp

    out = sp.csr_matrix((counts.data, counts.indices, counts.indptr), shape=counts.shape, copy=False)
    out.has_sorted_indices = True  # as the kept matrix: its indices are sorted
    return out, features, lengths


def _read(path: Path) -> tuple[Any, np.ndarray, np.ndarray] | None:
    import scipy.sparse as sp

    def check(a: dict[str, np.ndarray]) -> tuple[Any, np.ndarray, np.ndarray]:
        n_docs, n_terms = (int(x) for x in a["shape"])
        data, indices, indptr, lengths = a["data"], a["indices"], a["indptr"], a["lengths"]
        raw, offsets = a["features_utf8"], a["features_offsets"]
        ok = (
            len(indptr) == n_docs + 1 and len(lengths) == n_docs and len(offsets) == n_terms + 1
            and indptr[0] == 0 and indptr[-1] == len(indices) == len(data) and bool((np.diff(indptr) >= 0).all())
            and (len(indices) == 0 or (int(indices.min()) >= 0 and int(indices.max()) < n_terms))
            and offsets[0] == 0 and offsets[-1] == len(raw) and bool((np.diff(offsets) >= 0).all())
        )  # fmt: skip
        if not ok:
            raise ValueError("inconsistent arrays")
        text = raw.tobytes()
        features = np.empty(n_terms, dtype=object)
        features[:] = [text[offsets[i] : offsets[i + 1]].decode("utf-8", "surrogatepass") for i in range(n_terms)]
        counts = sp.csr_matrix((data.astype(np.int64), indices, indptr), shape=(n_docs, n_terms))
        counts.has_sorted_indices = True  # written from a matrix with sorted indices
        return counts, features, lengths.astype(np.int64)

    return _npz.read(path, _ARRAYS, check, "document-term cache", "counted again")


def _write(path: Path, counts: Any, features: np.ndarray, lengths: np.ndarray) -> None:
    data = counts.data
    if len(data) and int(data.max()) <= np.iinfo(np.int32).max and int(data.min()) >= 0:
        data = data.astype(np.int32)  # counts: half the bytes on disk
    encoded = [str(f).encode("utf-8", "surrogatepass") for f in features]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in encoded], out=offsets[1:])
    arrays = {
        "data": data, "indices": counts.indices, "indptr": counts.indptr, "lengths": np.asarray(lengths, dtype=np.int64),
        "features_utf8": np.frombuffer(b"".join(encoded), dtype=np.uint8), "features_offsets": offsets,
        "shape": np.array(counts.shape, dtype=np.int64),
    }  # fmt: skip
    _npz.write(path, arrays, "document-term cache", keep=MAX_FILES)
