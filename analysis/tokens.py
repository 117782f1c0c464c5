"""Tokens: jieba segmentation with the project's pinned dictionary and stopwords, parallel and cached.

``Tokenizer`` is one explicit object (no module-level tokenizer) that knows its dictionary files, stopword
files, options and a ``hash`` of all of them. Two interchangeable backends segment identically:

* ``"rjieba"`` (default): the Python binding of jieba-rs, the Rust port of jieba (same default
  dictionary, same algorithm, 10-20x faster);
* ``"jieba"``: jieba 0.42.1 itself, the reference.

Both receive the user words through ``add_word(word, freq, tag)`` in the same order, and the jieba
backend's dictionary total is then set the way jieba-rs keeps it (the sum of the current frequencies;
jieba itself adds a re-added word's frequency on top of the old one), so the same dictionary gives the
same tokens: identical with ``hmm=False``; with the HMM on, the two differ only inside ASCII runs such as
URLs, dates and markup. The segmenter is built
lazily, on the first ``segment``/``tokenize`` call, so a fully cached run never loads it.

Built-in resources (``analysis/resources``): ``userdict.txt`` (jieba format ``word freq tag``),
``stopwords.txt`` (one word a line) and every term of ``slogans.txt`` (added as a user word with
frequency ``SLOGAN_FREQ`` so it stays one token). In all three, lines starting with ``#`` are comments.

``tokenize(corpus)`` segments a corpus table in worker processes and caches the filtered tokens on
disk, keyed by document text hash and tokenizer hash::

    <cache_dir>/tokens/<tokenizer hash[:16]>/
        tokenizer.json                      what the hash stands for (backend, options, versions)
        shard-<time_ns>-<pid>-<rand>-<sha256>.arrow  Arrow IPC file (= Feather v2), zstd-compressed:
            content_hash: string            sha256 of the document text
            tokens: large_list<dictionary<int32, string>>   filtered tokens, in order

``tokenize`` returns the token lists as ``TokenLists``: the cache's integer codes, turned into Python lists
only when a list is asked for, so ``analysis.dtm.dtm`` counts a cached corpus without a string per token.

Every run appends one shard with the documents it had to segment (atomic write); reading merges the
shards, and more than ``_MAX_SHARDS`` shards are compacted into one. A shard is used only when its bytes
match the sha256 in its name and its structure checks out (schema, offsets, dictionary codes); a damaged
one is moved to ``damaged/`` with a warning and its documents are segmented again. The shards are Arrow IPC rather than
Parquet because a cached run must cost next to nothing: for 2 million tokens Parquet takes ~15 ms to
decode the nested column, IPC ~3 ms, at a smaller file size. Any Arrow reader opens them
(``pyarrow.feather.read_table``, ``pandas.read_feather``). Never pickle.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import hashlib
import importlib.metadata
import json
import logging
import os
import re
import time
import uuid
import warnings
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from analysis import _io, config
from analysis._proc import mp_context as _mp_context  # a module name: tests choose the start method
from analysis._shards import set_aside
from analysis._steps import runs
from analysis._text import read_resource as _read_resource
from analysis.errors import AnalysisError, ReadError

if TYPE_CHECKING:
    import pandas as pd  # imported where used: worker processes never need it

__all__ = [
    "BACKENDS",
    "DEFAULT_USER_FREQ",
    "SLOGAN_FREQ",
    "TokenLists",
    "Tokenizer",
    "Tokens",
    "load_slogan_terms",
    "load_stopwords",
    "load_user_dict",
    "tokenize",
]

Backend = Literal["rjieba", "jieba"]
BACKENDS: tuple[str, ...] = ("rjieba", "jieba")

#: Frequency given to every slogans.txt term (jieba's scale: the default dictionary totals about 6e7).
SLOGAN_FREQ = 50_000
#: Frequency of a user-dictionary line that gives none (jieba would guess one; a fixed value keeps the
#: two backends identical).
DEFAULT_USER_FREQ = 10_000

# Bump when the filtering rules or the cache layout change: it is part of every tokenizer hash.
_FORMAT = 3  # 3: shard names carry the sha256 of their bytes
_MAX_SHARDS = 8
# Below this much text (characters, about 200 KB of UTF-8) starting worker processes costs more than it saves.
_PARALLEL_MIN_CHARS = 70_000
_CHUNK_MIN_CHARS = 50_000
_CHUNK_MAX_CHARS = 1_000_000

# A token is kept only if it has a letter or digit of some script (CJK included): drops punctuation,
# symbols and whitespace.
_CONTENT_RE = re.compile(r"[^\W_]")
# Pure numbers: digits with decimal/thousand separators, signs, ranges, percent. "5G", "1+N" stay.
_NUMBER_RE = re.compile(r"[-+−－]?[\d.,．，:：/／%％‰\-－~～]*\d[\d.,．，:：/／%％‰\-－~～]*")
# Characters jieba keeps together in one block; a slogan with any other character (、，“ ...) can never
# be one token, so it is not added to the dictionary.
_BLOCK_RE = re.compile(r"[\u4e00-\u9fd5a-zA-Z0-9+#&._%\-]+")

_JIEBA_LOGGER = "jieba"


# ------------------------------------------------------------------------------------------ resources
def _parse_user_dict(path: Path, lines: list[str]) -> list[tuple[str, int, str]]:
    entries = []
    for n, line in enumerate(lines, 1):
        fields = line.split()
        word, rest = fields[0], fields[1:]
        freq, tag = DEFAULT_USER_FREQ, ""
        if rest and rest[0].isdigit():
            freq = int(rest.pop(0))
            if freq <= 0:
                raise ReadError(path, f"entry {n} {word!r}: frequency must be a positive integer")
        if rest and rest[0].isalpha():
            tag = rest.pop(0)
        if rest:
            raise ReadError(path, f"entry {n} {line!r}: expected 'word [freq] [tag]'")
        entries.append((word, freq, tag))
    return entries


def _parse_slogans(lines: list[str]) -> list[str]:
    terms = dict.fromkeys(line.split()[0] for line in lines)
    return [t for t in terms if _BLOCK_RE.fullmatch(t)]


def load_user_dict(path: str | Path) -> list[tuple[str, int, str]]:
    """Parse a jieba user dictionary (``word [freq] [tag]`` a line) into ``(word, freq, tag)`` tuples.

    A missing frequency becomes ``DEFAULT_USER_FREQ``; a missing tag ``""``. Raises ReadError on a
    malformed line (more than three fields, a frequency that is not a positive integer).
    """
    path = Path(path)
    return _parse_user_dict(path, _read_resource(path, "user dictionary")[1])


def load_stopwords(path: str | Path) -> set[str]:
    """Read a stopword file (one word a line, ``#`` comments) into a set."""
    return {w for line in _read_resource(Path(path), "stopword file")[1] for w in line.split()}


def load_slogan_terms(path: str | Path) -> list[str]:
    """Terms of a slogan lexicon (first field of each non-comment line) that can be one token.

    Terms with characters jieba never joins (、，“” spaces ...) are skipped: the slogan extractor counts
    those on the text. A missing file gives an empty list.
    """
    path = Path(path)
    return _parse_slogans(_read_resource(path, "slogan lexicon")[1]) if path.exists() else []


@lru_cache(maxsize=32)
def _dist_version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


# ---------------------------------------------------------------------------------------- settings
@dataclass(frozen=True, eq=False)
class _Settings:
    """Everything a worker process needs to rebuild a Tokenizer: the parsed resources, not file paths,
    so a worker segments with exactly what the parent hashed. Equality and hash by ``digest``."""

    backend: str
    hmm: bool
    keep_single_chars: bool
    keep_numbers: bool
    words: tuple[tuple[str, int, str], ...]
    stopwords: frozenset[str]
    digest: str

    def __hash__(self) -> int:
        return hash(self.digest)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Settings) and other.digest == self.digest


# --------------------------------------------------------------------------------------- backends
def _silenced_jieba() -> Any:
    """Import jieba without its noise: the pkg_resources deprecation warning that old setuptools emit
    from jieba/_compat.py, and jieba's DEBUG log lines on stderr (only jieba's own logger is touched)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
    logging.getLogger(_JIEBA_LOGGER).setLevel(logging.WARNING)
    return jieba


def _build_rjieba(settings: _Settings) -> Callable[[str], list[str]]:
    import rjieba

    seg = rjieba.Jieba()
    for word, freq, tag in settings.words:
        seg.add_word(word, freq, tag or None)
    cut = seg.cut
    hmm = settings.hmm
    return lambda text: cut(text, hmm)


def _build_jieba(settings: _Settings) -> Callable[[str], list[str]]:
    jieba = _silenced_jieba()
    seg = jieba.Tokenizer()  # our own instance, never the global jieba.dt
    seg.initialize()
    for word, freq, tag in settings.words:
        seg.add_word(word, freq, tag or None)
    # jieba adds a re-added word's frequency to the dictionary total without removing the old one (and
    # counts dict.txt's duplicate entry twice); jieba-rs keeps the total equal to the sum of the current
    # frequencies. Every word probability is freq / total, so align jieba on jieba-rs.
    seg.total = sum(seg.FREQ.values())
    lcut = seg.lcut
    hmm = settings.hmm
    return lambda text: lcut(text, HMM=hmm)


_BUILDERS: dict[str, Callable[[_Settings], Callable[[str], list[str]]]] = {
    "rjieba": _build_rjieba,
    "jieba": _build_jieba,
}


# --------------------------------------------------------------------------------------- tokenizer
class Tokenizer:
    """Chinese word segmenter with the project's dictionary, stopwords and filters.

    ``user_dicts``: extra jieba user dictionaries (``word [freq] [tag]`` a line), applied after the
    built-in userdict.txt and slogans.txt, so they override them. ``stopword_files``: extra stopword
    lists. ``keep_single_chars``: keep one-character tokens (default: drop them). ``keep_numbers``:
    keep pure numbers like 2024 or 1.5 (default: drop; mixed terms such as 5G, 1+N, 4G are always kept).
    ``backend``: "rjieba" (fast) or "jieba" (reference). ``hmm``: jieba's HMM for unknown words.

    Construction only reads the resource files; the segmenter itself is built on first use.
    """

    def __init__(
        self,
        *,
        user_dicts: Iterable[str | Path] = (),
        stopword_files: Iterable[str | Path] = (),
        keep_single_chars: bool = False,
        keep_numbers: bool = False,
        backend: Backend = "rjieba",
        hmm: bool = True,
    ) -> None:
        if backend not in BACKENDS:
            raise AnalysisError(f"unknown tokenizer backend {backend!r}; choose one of {BACKENDS}")
        if isinstance(user_dicts, (str, Path)) or isinstance(stopword_files, (str, Path)):
            raise AnalysisError("user_dicts and stopword_files take a list of paths, not a single path")
        self.user_dicts: tuple[Path, ...] = tuple(Path(p) for p in user_dicts)
        self.stopword_files: tuple[Path, ...] = tuple(Path(p) for p in stopword_files)

        options = {
            "format": _FORMAT,
            "backend": backend,
            "backend_version": _dist_version(backend),
            "hmm": bool(hmm),
            "keep_single_chars": bool(keep_single_chars),
            "keep_numbers": bool(keep_numbers),
            "slogan_freq": SLOGAN_FREQ,
            "default_user_freq": DEFAULT_USER_FREQ,
        }
        resources: list[tuple[str, str]] = []  # (role, sha256 of the file), in the order applied
        words: dict[str, tuple[int, str]] = {}  # later entries override earlier ones
        if config.SLOGANS_FILE.exists():
            digest, lines = _read_resource(config.SLOGANS_FILE, "slogan lexicon")
            resources.append(("slogans", digest))
            words.update((term, (SLOGAN_FREQ, "nz")) for term in _parse_slogans(lines))
        else:
            resources.append(("slogans", "missing"))
        dict_files = [("userdict", config.USERDICT_FILE), *(("user_dict", p) for p in self.user_dicts)]
        for role, path in dict_files:
            digest, lines = _read_resource(path, "user dictionary")
            resources.append((role, digest))
            for word, freq, tag in _parse_user_dict(path, lines):
                words.pop(word, None)  # re-insert: the later entry is also added later
                words[word] = (freq, tag)
        stopwords: set[str] = set()
        stop_files = [("stopwords", config.STOPWORDS_FILE), *(("stopword_file", p) for p in self.stopword_files)]
        for role, path in stop_files:
            digest, lines = _read_resource(path, "stopword file")
            resources.append((role, digest))
            stopwords.update(w for line in lines for w in line.split())

        digest = hashlib.sha256(
            json.dumps({"options": options, "resources": resources}, sort_keys=True).encode()
        ).hexdigest()
        self._description = {"tokenizer_hash": digest, **options, "resources": resources}
        self._init(
            _Settings(
                backend=backend,
                hmm=bool(hmm),
                keep_single_chars=bool(keep_single_chars),
                keep_numbers=bool(keep_numbers),
                words=tuple((w, f, t) for w, (f, t) in words.items()),
                stopwords=frozenset(stopwords),
                digest=digest,
            )
        )

    def _init(self, settings: _Settings) -> None:
        self._settings = settings
        self._cut: Callable[[str], list[str]] | None = None
        self._keep = _Decisions(settings)  # per-token filter decision, made on first sight

    @classmethod
    def _from_settings(cls, settings: _Settings) -> Tokenizer:
        obj = cls.__new__(cls)
        obj.user_dicts = obj.stopword_files = ()
        obj._description = {"tokenizer_hash": settings.digest}
        obj._init(settings)
        return obj

    # pickling ships the parsed settings, never the segmenter or the decision cache
    def __getstate__(self) -> dict[str, Any]:
        keep = ("user_dicts", "stopword_files", "_description", "_settings")
        return {k: v for k, v in self.__dict__.items() if k in keep}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._init(state["_settings"])

    # ------------------------------------------------------------------ properties
    @property
    def hash(self) -> str:
        """sha256 of resource file contents, options, backend and its version (the cache key)."""
        return self._settings.digest

    @property
    def backend(self) -> str:
        return self._settings.backend

    @property
    def hmm(self) -> bool:
        return self._settings.hmm

    @property
    def keep_single_chars(self) -> bool:
        return self._settings.keep_single_chars

    @property
    def keep_numbers(self) -> bool:
        return self._settings.keep_numbers

    @property
    def stopwords(self) -> frozenset[str]:
        return self._settings.stopwords

    @property
    def user_words(self) -> tuple[tuple[str, int, str], ...]:
        """``(word, freq, tag)`` added to the backend's default dictionary, in order."""
        return self._settings.words

    @property
    def is_initialized(self) -> bool:
        """Whether the segmenter (dictionary) has been built in this process."""
        return self._cut is not None

    def describe(self) -> dict[str, Any]:
        """What the hash stands for: options, backend version, resource digests."""
        return dict(self._description)

    def __repr__(self) -> str:
        s = self._settings
        return (
            f"Tokenizer(backend={s.backend!r}, hmm={s.hmm}, keep_single_chars={s.keep_single_chars}, "
            f"keep_numbers={s.keep_numbers}, user_dicts={len(self.user_dicts)}, "
            f"stopword_files={len(self.stopword_files)}, hash={s.digest[:12]})"
        )

    # ------------------------------------------------------------------ segmentation
    def _segmenter(self) -> Callable[[str], list[str]]:
        if self._cut is None:
            self._cut = _BUILDERS[self._settings.backend](self._settings)
        return self._cut

    def segment(self, text: str) -> list[str]:
        """Raw segmentation: every token, punctuation and whitespace included."""
        if not isinstance(text, str):
            raise AnalysisError(f"segment() needs a str, got {type(text).__name__}")
        return self._segmenter()(text)

    def is_stopword(self, token: str) -> bool:
        """Whether ``token`` is in the stopword lists (ASCII tokens compared case-folded)."""
        return _is_stopword(self._settings.stopwords, token)

    def keeps(self, token: str) -> bool:
        """The filter of ``tokenize``: False for punctuation/whitespace, stopwords, pure numbers (unless
        keep_numbers) and one-character tokens (unless keep_single_chars)."""
        return self._keep[token]

    def tokenize(self, text: str) -> list[str]:
        """Segment ``text`` and keep the tokens that pass the filter (see ``keeps``)."""
        tokens = self.segment(text)
        return list(compress(tokens, map(self._keep.__getitem__, tokens)))

    def _encode(self, texts: Sequence[str]) -> _Encoded:
        """Tokenize ``texts`` into one local vocabulary and int32 codes (compact to ship between processes)."""
        vocab = _Vocabulary(self._keep)
        code = vocab.__getitem__
        parts: list[np.ndarray] = []
        lengths = np.zeros(len(texts), dtype=np.int64)
        for i, text in enumerate(texts):
            tokens = self.segment(text)
            # one C-level dict lookup per token; only unseen tokens reach Python (__missing__)
            codes = np.fromiter(map(code, tokens), dtype=np.int32, count=len(tokens))
            codes = codes[codes >= 0]
            parts.append(codes)
            lengths[i] = len(codes)
        codes = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
        return _Encoded(vocab.words, codes, lengths)


def _is_stopword(stopwords: frozenset[str], token: str) -> bool:
    return token in stopwords or (token.isascii() and token.lower() in stopwords)


class _Decisions(dict):
    """token -> kept by the filter?, decided the first time a token is looked up."""

    def __init__(self, settings: _Settings) -> None:
        super().__init__()
        self.settings = settings

    def __missing__(self, token: str) -> bool:
        s = self.settings
        keep = not (
            not _CONTENT_RE.search(token)  # punctuation, symbols, whitespace
            or _is_stopword(s.stopwords, token)
            or (not s.keep_numbers and _NUMBER_RE.fullmatch(token))
            or (not s.keep_single_chars and len(token) == 1)
        )
        self[token] = keep
        return keep


class _Vocabulary(dict):
    """token -> code into ``words`` (first-seen order), or -1 for a token the filter drops."""

    def __init__(self, keep: _Decisions) -> None:
        super().__init__()
        self.keep = keep
        self.words: list[str] = []

    def __missing__(self, token: str) -> int:
        code = -1
        if self.keep[token]:
            code = len(self.words)
            self.words.append(token)
        self[token] = code
        return code


# ------------------------------------------------------------------------------------------ tokens
@dataclass
class Tokens:
    """Token lists aligned with the corpus docvars.

    ``docs[i]`` are the filtered tokens of the document in ``docvars.iloc[i]``; ``docvars`` is the corpus
    table without ``text`` (same row order, fresh RangeIndex); ``tokenizer_hash`` identifies the
    tokenizer that produced them. Equal tokens are shared str objects (cheap in memory).
    """

    docs: Sequence[list[str]]  # a list, or the TokenLists of tokenize() (lists made on first access)
    docvars: pd.DataFrame
    tokenizer_hash: str

    def __post_init__(self) -> None:
        if len(self.docs) != len(self.docvars):
            raise AnalysisError(f"{len(self.docs)} token lists but {len(self.docvars)} docvars rows")

    def __len__(self) -> int:
        return len(self.docs)

    @property
    def n_tokens(self) -> pd.Series:
        """Tokens per document, indexed like ``docvars``."""
        import pandas as pd

        if isinstance(self.docs, TokenLists):
            counts = self.docs.lengths()
        else:
            counts = np.fromiter((len(d) for d in self.docs), dtype=np.int64, count=len(self.docs))
        return pd.Series(counts, index=self.docvars.index, name="n_tokens")


#: Tokens per run of documents gathered at once by ``TokenLists.flat_codes``.
_FLAT_RUN = 1 << 22


class TokenLists(Sequence):  # type: ignore[type-arg]
    """The token lists of ``tokenize``, kept as the cache's codes until a list is asked for.

    Behaves as a read-only sequence of ``list[str]`` (indexing, iteration, ``len``, ``==`` with a list);
    the Python lists are made, all at once, on first access. Until then ``lengths()`` and
    ``sparse_counts()`` (used by ``analysis.dtm.dtm``) work on the integer codes directly, so a cached
    run builds its document-term matrix without creating a string per token.
    """

    def __init__(self, rows: list[tuple[_Block, int]]) -> None:
        self._rows = rows
        self._lists: list[list[str]] | None = None

    def _all(self) -> list[list[str]]:
        if self._lists is None:
            with _gc_paused():
                self._lists = [block.tokens(row) for block, row in self._rows]
        return self._lists

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i: Any) -> Any:
        return self._all()[i]

    def __iter__(self) -> Iterator[list[str]]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TokenLists):
            other = other._all()
        return self._all() == other if isinstance(other, list) else NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._all())

    def _gathered(self) -> tuple[list[_Block], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(blocks, block number, row in the block, start, end) of every document's codes."""
        blocks: list[_Block] = []
        number: dict[int, int] = {}
        which = np.empty(len(self._rows), dtype=np.int64)
        rows = np.empty(len(self._rows), dtype=np.int64)
        for i, (block, row) in enumerate(self._rows):
            k = number.get(id(block))
            if k is None:
                k = number[id(block)] = len(blocks)
                blocks.append(block)
            which[i], rows[i] = k, row
        starts = np.zeros(len(rows), dtype=np.int64)
        ends = np.zeros(len(rows), dtype=np.int64)
        for k, block in enumerate(blocks):
            at = which == k
            starts[at] = block.offsets[rows[at]]
            ends[at] = block.offsets[rows[at] + 1]
        return blocks, which, rows, starts, ends

    def lengths(self) -> np.ndarray:
        """Tokens per document (int64), without making the lists."""
        if self._lists is not None:
            return np.fromiter((len(d) for d in self._lists), dtype=np.int64, count=len(self._lists))
        _, _, _, starts, ends = self._gathered()
        return ends - starts

    def flat_codes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """(vocabulary: object array of distinct str, int32 codes of every document's tokens concatenated
        in document order, tokens per document), without making the lists; None once the lists exist."""
        if self._lists is not None:
            return None
        blocks, which, rows, starts, ends = self._gathered()
        lengths = ends - starts
        whole = _whole_block(blocks, rows)
        if whole is not None:  # every row of one block, in order: its own codes are the answer
            return whole[0], whole[1], lengths.astype(np.int64)
        bases, global_code, uniques = _one_vocabulary(blocks, sort=False)
        out_start = np.zeros(len(lengths), dtype=np.int64)
        np.cumsum(lengths[:-1], out=out_start[1:])
        codes = np.empty(int(lengths.sum()), dtype=np.int32)
        for k, block in enumerate(blocks):
            remap = global_code[bases[k] : bases[k + 1]]
            block_codes = np.asarray(block.codes)
            docs = np.flatnonzero(which == k)
            # documents in runs of about _FLAT_RUN tokens: the index arrays stay small whatever the corpus
            for run in runs(lengths[docs], _FLAT_RUN):
                at = docs[run]
                n = lengths[at]
                if not n.sum():
                    continue
                step = np.arange(int(n.sum()), dtype=np.int64) - np.repeat(np.cumsum(n) - n, n)  # 0.. within a doc
                source = block_codes[np.repeat(starts[at], n) + step]
                codes[np.repeat(out_start[at], n) + step] = remap[source]
        return uniques, codes, lengths.astype(np.int64)

    def take(self, positions: Sequence[int]) -> TokenLists | list[list[str]]:
        """The lists at ``positions``, in that order: a TokenLists of the same codes (no list is made),
        or plain lists once this one's lists exist."""
        if self._lists is not None:
            return [self._lists[i] for i in positions]
        return TokenLists([self._rows[i] for i in positions])

    def content_key(self) -> str | None:
        """sha256 of what the lists hold (each block's vocabulary and codes, and which of its rows are
        taken), without making them; None once the lists exist (they may have been edited)."""
        if self._lists is not None:
            return None
        blocks, which, rows, _, _ = self._gathered()
        h = hashlib.sha256(b"token-lists-1")
        for block in blocks:
            h.update(block.digest().encode())
        h.update(which.astype(np.int64).tobytes())
        h.update(rows.astype(np.int64).tobytes())
        return h.hexdigest()

    def sparse_counts(self) -> tuple[Any, np.ndarray, np.ndarray] | None:
        """(documents x terms CSR counts, sorted terms, tokens per document), exactly what counting the
        lists gives (``analysis.dtm.dtm``); None once the lists exist (they may have been edited)."""
        if self._lists is not None:
            return None
        import scipy.sparse as sp

        blocks, which, rows, starts, ends = self._gathered()
        lengths = ends - starts
        n_docs = len(lengths)
        # one sorted vocabulary over the blocks; each block's codes mapped into it
        bases, global_code, uniques = _one_vocabulary(blocks, sort=True)
        n_terms = len(uniques)
        pieces, order = [], []
        for k, block in enumerate(blocks):
            at = np.flatnonzero(which == k)
            n = lengths[at]
            remap = global_code[bases[k] : bases[k + 1]]
            if 2 * int(n.sum()) >= len(block.codes):  # most of the block: count all its rows, then pick
                codes, offsets, pick = np.asarray(block.codes), block.offsets, rows[at]
            else:  # a few documents of a large block: gather their codes first
                before = np.concatenate([[0], np.cumsum(n)[:-1]]).astype(np.int64)
                codes = np.asarray(block.codes)[np.repeat(starts[at] - before, n) + np.arange(int(n.sum()))]
                offsets, pick = np.concatenate([[0], np.cumsum(n)]).astype(np.int64), None
            m = sp.csr_matrix(
                (np.ones(len(codes), dtype=np.int32), remap[codes], offsets), shape=(len(offsets) - 1, n_terms)
            )
            m.sum_duplicates()  # one entry per (doc, term), indices sorted
            pieces.append(m if pick is None else m[pick])
            order.append(at)
        if pieces:
            counts = sp.vstack(pieces, format="csr") if len(pieces) > 1 else pieces[0]
            where = np.concatenate(order)
            if not np.array_equal(where, np.arange(n_docs)):
                counts = counts[np.argsort(where, kind="stable")]
        else:
            counts = sp.csr_matrix((n_docs, n_terms), dtype=np.int64)
        # only the terms that occur (a block's vocabulary may hold words of documents not asked for)
        used = np.bincount(counts.indices, minlength=n_terms) > 0
        new_code = (np.cumsum(used) - 1).astype(counts.indices.dtype)
        features = np.asarray(uniques, dtype=object)[used]
        counts = sp.csr_matrix(
            (counts.data.astype(np.int64), new_code[counts.indices], counts.indptr.copy()),
            shape=(n_docs, len(features)),
        )
        counts.has_sorted_indices = True  # the renumbering keeps the order
        return counts, features, lengths.astype(np.int64)


def list_lengths(docs: Sequence[Sequence[str]]) -> np.ndarray:
    """Tokens per document (int64): from a ``TokenLists``'s codes without making its lists, else counted."""
    if isinstance(docs, TokenLists):
        return docs.lengths()
    return np.fromiter((len(d) for d in docs), dtype=np.int64, count=len(docs))


def factorized(lists: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Token lists as (vocabulary in order of first appearance, int32 code of every token in document
    order, tokens per document): the form ``TokenLists.flat_codes`` gives, for plain lists."""
    import pandas as pd

    lengths = np.fromiter((len(d) for d in lists), dtype=np.int64, count=len(lists))
    words = np.empty(int(lengths.sum()), dtype=object)
    words[:] = [t for d in lists for t in d]
    codes, uniques = pd.factorize(words)
    return np.asarray(uniques, dtype=object), np.asarray(codes, dtype=np.int32), lengths


def _whole_block(blocks: list[_Block], rows: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(vocabulary, codes) of the one block whose rows, all of them in order, ``rows`` are, as read-only
    views (what ``flat_codes`` would copy out: a distinct vocabulary numbers its words by first
    appearance already); None otherwise. At 1 GB of text this is 0.4 GB not copied (103 M codes)."""
    if len(blocks) != 1:
        return None
    block = blocks[0]
    codes = np.asarray(block.codes)
    n_rows = len(block.offsets) - 1
    if (
        codes.dtype != np.int32
        or len(rows) != n_rows
        or int(block.offsets[0]) != 0
        or int(block.offsets[-1]) != len(codes)
        or not np.array_equal(rows, np.arange(n_rows))
        or len(set(block.vocab.tolist())) != len(block.vocab)
    ):
        return None
    vocab, codes = block.vocab.view(), codes.view()
    vocab.flags.writeable = codes.flags.writeable = False
    return vocab, codes


def _one_vocabulary(blocks: list[_Block], *, sort: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One vocabulary over the blocks (a word in two blocks: one code; ``sort``: in code point order,
    else by first appearance): (where each block's words start in the concatenation, int32 code of
    every concatenated word, the vocabulary as an object array)."""
    import pandas as pd

    bases = np.cumsum([0] + [len(b.vocab) for b in blocks])
    vocab = np.concatenate([b.vocab for b in blocks]) if blocks else np.zeros(0, dtype=object)
    global_code, uniques = pd.factorize(vocab, sort=sort)
    return bases, np.asarray(global_code, dtype=np.int32), np.asarray(uniques, dtype=object)


# ------------------------------------------------------------------------------- encoded token lists
@dataclass
class _Encoded:
    """Token lists of several documents: a vocabulary and one run of int32 codes per document."""

    vocab: list[str]
    codes: np.ndarray  # int32, all documents concatenated
    lengths: np.ndarray  # int64, tokens per document


class _Merger:
    """Merges encoded chunks or shards into one vocabulary, one entry per content hash (first one wins)."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.hashes: list[str] = []
        self.seen: set[str] = set()
        self.parts: list[np.ndarray] = []
        self.lengths: list[np.ndarray] = []

    def add(self, hashes: Sequence[str], enc: _Encoded) -> None:
        index = self.index
        remap = np.fromiter((index.setdefault(w, len(index)) for w in enc.vocab), np.int32, len(enc.vocab))
        codes = remap[enc.codes] if len(enc.codes) else np.zeros(0, dtype=np.int32)
        lengths = np.asarray(enc.lengths, dtype=np.int64)
        rows = []
        for i, h in enumerate(hashes):
            if h not in self.seen:
                self.seen.add(h)
                rows.append(i)
        if len(rows) == len(hashes):
            self.hashes.extend(hashes)
            self.parts.append(codes)
            self.lengths.append(lengths)
            return
        offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        for i in rows:
            self.hashes.append(hashes[i])
            self.parts.append(codes[offsets[i] : offsets[i + 1]])
            self.lengths.append(lengths[i : i + 1])

    def result(self) -> tuple[list[str], _Encoded]:
        # the parts are copied into one array and let go one by one: the codes are not held twice
        codes = np.empty(sum(len(p) for p in self.parts), dtype=np.int32)
        at = 0
        for i, part in enumerate(self.parts):
            codes[at : at + len(part)] = part
            at += len(part)
            self.parts[i] = codes[:0]
        self.parts = [codes]
        lengths = np.concatenate(self.lengths) if self.lengths else np.zeros(0, dtype=np.int64)
        self.lengths = [lengths]
        return self.hashes, _Encoded(list(self.index), codes, lengths)


@dataclass
class _Block:
    """Decoded view of token lists: the vocabulary as an object array, codes and row offsets."""

    vocab: np.ndarray  # object (str)
    codes: np.ndarray  # integer codes into vocab, all rows concatenated
    offsets: np.ndarray  # int64, rows + 1
    _digest: str | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def from_encoded(cls, enc: _Encoded) -> _Block:
        vocab = np.empty(len(enc.vocab), dtype=object)
        vocab[:] = enc.vocab
        offsets = np.zeros(len(enc.lengths) + 1, dtype=np.int64)
        np.cumsum(enc.lengths, out=offsets[1:])
        return cls(vocab, enc.codes, offsets)

    def tokens(self, row: int) -> list[str]:
        # fancy indexing an object array shares the str objects: no string is copied
        return self.vocab[self.codes[self.offsets[row] : self.offsets[row + 1]]].tolist()

    def digest(self) -> str:
        """sha256 of the block's vocabulary, codes and offsets (computed once: a block is never changed)."""
        if self._digest is None:
            h = hashlib.sha256("\x00".join(map(str, self.vocab)).encode("utf-8", "surrogatepass"))
            for arr in (self.codes, self.offsets):
                h.update(b"|")
                h.update(np.ascontiguousarray(arr).view(np.uint8))
            self._digest = h.hexdigest()
        return self._digest


# ------------------------------------------------------------------------------------------- cache
# Shards read and verified in this process, by (path, tokenizer hash, size, mtime): calls on parts of one
# corpus (the streamed stats tokenize partition by partition) read and check each shard once, not once
# per call; a file written since (damaged, replaced) is read and checked again.
_READ_MEMO: dict[tuple[str, str, int, int], list[tuple[list[str], _Block]]] = {}
_READ_MEMO_MAX = _MAX_SHARDS + 2


def forget_read_shards() -> None:
    """Drop the shards this process read and kept (``_READ_MEMO``): a process done with tokens (the report
    runner once it has warmed the cache for its kernels) gives their memory back."""
    _READ_MEMO.clear()


class _Cache:
    """Arrow IPC shards holding one tokenizer's results (layout in the module docstring)."""

    def __init__(self, root: Path, tokenizer: Tokenizer) -> None:
        self.dir = root / "tokens" / tokenizer.hash[:16]
        self.tokenizer = tokenizer

    def shards(self) -> list[Path]:
        return sorted(self.dir.glob("shard-*.arrow")) if self.dir.is_dir() else []

    def read(self, path: Path) -> list[tuple[list[str], _Block]] | None:
        """A shard as (content hashes, token block) per Arrow chunk; None if unusable.

        Nothing of a shard reaches Arrow before its bytes match the sha256 in its name, and the decoded
        table is then checked (schema, offsets, dictionary codes) before use: a damaged file could
        otherwise crash the process inside Arrow's C++ code. A damaged shard is set aside with a
        warning, and its documents are segmented again."""
        import pyarrow as pa

        try:
            st = path.stat()
        except OSError:
            return None  # vanished (a concurrent compaction): its documents are simply segmented again
        memo_key = (str(path), self.tokenizer.hash, st.st_size, st.st_mtime_ns)
        if memo_key in _READ_MEMO:  # verified in this process, file untouched since
            return _READ_MEMO[memo_key]
        try:
            data = path.read_bytes()
        except OSError:
            return None
        expected = _shard_digest(path)
        if expected is None or hashlib.sha256(data).hexdigest() != expected:
            self._set_aside(path, "checksum mismatch" if expected else "no checksum in its name")
            return None
        try:
            with pa.ipc.open_file(pa.BufferReader(data)) as reader:
                table = reader.read_all()
            meta = table.schema.metadata or {}
            if meta.get(b"textlab.tokenizer_hash", b"").decode() != self.tokenizer.hash:
                return None  # a different tokenizer whose hash shares the 16-character prefix
            parts = _validated_parts(table)
        except (OSError, KeyError, AttributeError, ValueError, TypeError, IndexError, pa.ArrowException) as exc:
            self._set_aside(path, f"unreadable ({type(exc).__name__}: {' '.join(str(exc).split())[:120]})")
            return None
        _READ_MEMO[memo_key] = parts
        while len(_READ_MEMO) > _READ_MEMO_MAX:
            del _READ_MEMO[next(iter(_READ_MEMO))]  # oldest first
        return parts

    def _set_aside(self, path: Path, reason: str) -> None:
        set_aside(self.dir, path, reason, "token cache file", "segmented again")

    def lookup(self, wanted: Iterable[str]) -> dict[str, tuple[_Block, int]]:
        """Cached token lists for the ``wanted`` content hashes: hash -> (block, row)."""
        wanted = set(wanted)
        found: dict[str, tuple[_Block, int]] = {}
        for path in reversed(self.shards()):  # newest first
            if len(found) == len(wanted):
                break
            shard = self.read(path)
            if shard is None:
                continue
            for hashes, block in shard:
                for row, h in enumerate(hashes):
                    if h in wanted and h not in found:
                        found[h] = (block, row)
        return found

    def write(self, hashes: list[str], enc: _Encoded) -> Path:
        """Add one shard (atomic write); compact the folder when it holds too many."""
        path = self._write_shard(hashes, enc)
        if len(self.shards()) > _MAX_SHARDS:
            path = self.compact() or path
        return path

    def _write_shard(self, hashes: list[str], enc: _Encoded) -> Path:
        import pyarrow as pa

        offsets = np.zeros(len(enc.lengths) + 1, dtype=np.int64)
        np.cumsum(enc.lengths, out=offsets[1:])
        values = pa.DictionaryArray.from_arrays(
            pa.array(enc.codes, type=pa.int32()), pa.array(enc.vocab, type=pa.string())
        )
        table = pa.table(
            {
                "content_hash": pa.array(hashes, type=pa.string()),
                "tokens": pa.LargeListArray.from_arrays(pa.array(offsets, type=pa.int64()), values),
            }
        ).replace_schema_metadata(
            {"textlab.tokenizer_hash": self.tokenizer.hash, "textlab.format": str(_FORMAT)}
        )
        self.dir.mkdir(parents=True, exist_ok=True)
        info = self.dir / "tokenizer.json"
        if not info.exists():
            _io.write_text(info, json.dumps(self.tokenizer.describe(), indent=2, ensure_ascii=False) + "\n")
        options = pa.ipc.IpcWriteOptions(compression="zstd")
        sink = pa.BufferOutputStream()
        with pa.ipc.new_file(sink, table.schema, options=options) as out:
            out.write_table(table)
        data = sink.getvalue().to_pybytes()
        # the name carries the sha256 of the bytes: read() checks it before Arrow sees anything
        name = f"shard-{time.time_ns():020d}-{os.getpid()}-{uuid.uuid4().hex[:8]}-{hashlib.sha256(data).hexdigest()}"
        return _io.write_bytes(self.dir / f"{name}.arrow", data)

    def compact(self) -> Path | None:
        """Merge every readable shard into a new one (one entry per content hash), then delete them."""
        merger = _Merger()
        merged = []
        for path in reversed(self.shards()):  # newest first, as in lookup
            shard = self.read(path)
            if shard is None:
                continue
            for hashes, block in shard:
                merger.add(hashes, _Encoded(block.vocab.tolist(), block.codes, np.diff(block.offsets)))
            merged.append(path)
        if len(merged) < 2:
            return None
        path = self._write_shard(*merger.result())
        for old in merged:
            with contextlib.suppress(FileNotFoundError):
                old.unlink()
        return path


_SHARD_DIGEST_RE = re.compile(r"-([0-9a-f]{64})$")
_HASH_RE = re.compile(r"[0-9a-f]{64}")


def _shard_digest(path: Path) -> str | None:
    """The sha256 a shard's file name promises for its bytes (None for a name without one)."""
    match = _SHARD_DIGEST_RE.search(path.stem)
    return match.group(1) if match else None


def _validated_parts(table: Any) -> list[tuple[list[str], _Block]]:
    """Check a shard table's structure and turn it into (hashes, block) per chunk; ValueError if bad."""
    import pyarrow as pa

    want = pa.schema(
        [("content_hash", pa.string()), ("tokens", pa.large_list(pa.dictionary(pa.int32(), pa.string())))]
    )
    if not table.schema.remove_metadata().equals(want):
        raise ValueError(f"unexpected schema {table.schema.remove_metadata()}")
    table.validate(full=True)
    hashes = table.column("content_hash").to_pylist()
    if not all(isinstance(h, str) and _HASH_RE.fullmatch(h) for h in hashes):
        raise ValueError("a content hash is not 64 hex digits")
    parts: list[tuple[list[str], _Block]] = []
    start = 0
    for chunk in table.column("tokens").chunks:
        if chunk.null_count or chunk.values.null_count:
            raise ValueError("null token lists")
        offsets = chunk.offsets.to_numpy()
        values = chunk.values.slice(offsets[0], offsets[-1] - offsets[0])
        vocab = values.dictionary.to_numpy(zero_copy_only=False)
        codes = values.indices.to_numpy(zero_copy_only=False)
        rel = (offsets - offsets[0]).astype(np.int64)
        if len(rel) != len(chunk) + 1 or (np.diff(rel) < 0).any() or rel[-1] != len(codes):
            raise ValueError("token offsets out of order")
        if len(codes) and (codes.min() < 0 or codes.max() >= len(vocab)):
            raise ValueError("token codes outside the vocabulary")
        parts.append((hashes[start : start + len(chunk)], _Block(vocab, codes, rel)))
        start += len(chunk)
    if start != len(hashes):
        raise ValueError("columns of different lengths")
    return parts


# ----------------------------------------------------------------------------------------- workers
@lru_cache(maxsize=4)
def _worker_tokenizer(settings: _Settings) -> Tokenizer:
    """One Tokenizer per worker process and settings."""
    return Tokenizer._from_settings(settings)


def _init_worker(settings: _Settings) -> None:
    _worker_tokenizer(settings)._segmenter()  # build the dictionary while the tasks are queued


def _encode_chunk(settings: _Settings, texts: list[str]) -> _Encoded:
    return _worker_tokenizer(settings)._encode(texts)


_SCOPES: list[dict[tuple[str, int], ProcessPoolExecutor]] = []


@contextlib.contextmanager
def reuse_workers() -> Iterator[None]:
    """Within this block, ``tokenize`` keeps its worker processes from one call to the next (each worker
    builds the dictionary once), for callers that tokenize a corpus part by part; they stop at its end."""
    scope: dict[tuple[str, int], ProcessPoolExecutor] = {}
    _SCOPES.append(scope)
    try:
        yield
    finally:
        _SCOPES.remove(scope)
        for pool in scope.values():
            pool.shutdown(wait=True, cancel_futures=True)


def _chunks(sizes: Sequence[int], n_parts: int) -> list[list[int]]:
    """Consecutive document indices grouped into chunks of similar text size (several per worker)."""
    target = min(max(sum(sizes) // (n_parts * 8), _CHUNK_MIN_CHARS), _CHUNK_MAX_CHARS)
    chunks: list[list[int]] = []
    current: list[int] = []
    size = 0
    for i, n in enumerate(sizes):
        current.append(i)
        size += n
        if size >= target:
            chunks.append(current)
            current, size = [], 0
    if current:
        chunks.append(current)
    return chunks


def _segment_all(
    tokenizer: Tokenizer, hashes: list[str], texts: list[str], n_jobs: int, progress: bool, engine: Any = None
) -> tuple[list[str], _Encoded]:
    """Tokenize ``texts`` (unique content) in worker processes, or in this one for small work."""
    from tqdm import tqdm

    sizes = [len(t) for t in texts]
    if engine is not None:  # issue 12: the chunks as tasks of a Dask cluster (analysis.engine)
        from analysis.engine.partitions import encode_chunks

        chunks = _chunks(sizes, engine.n_workers)
        merger = _Merger()
        for idx, enc in zip(chunks, encode_chunks(engine, tokenizer._settings, texts, chunks), strict=True):
            merger.add([hashes[i] for i in idx], enc)
        return merger.result()
    parallel = n_jobs > 1 and len(texts) > 1 and sum(sizes) >= _PARALLEL_MIN_CHARS
    chunks = _chunks(sizes, n_jobs if parallel else 1)
    results: list[_Encoded | None] = [None] * len(chunks)
    with tqdm(total=len(texts), unit="doc", desc="tokenize", disable=not progress) as bar:
        if not parallel:
            for k, idx in enumerate(chunks):
                results[k] = tokenizer._encode([texts[i] for i in idx])
                bar.update(len(idx))
        else:
            settings = tokenizer._settings
            try:
                if _SCOPES:  # inside reuse_workers(): one pool for every call of the block
                    pool_ctx: Any = contextlib.nullcontext(_scoped_pool(settings, n_jobs))
                else:
                    pool_ctx = ProcessPoolExecutor(
                        max_workers=min(n_jobs, len(chunks)),
                        mp_context=_mp_context(),
                        initializer=_init_worker,
                        initargs=(settings,),
                    )
                with pool_ctx as pool:
                    futures = {
                        pool.submit(_encode_chunk, settings, [texts[i] for i in idx]): k
                        for k, idx in enumerate(chunks)
                    }
                    for future in as_completed(futures):
                        k = futures[future]
                        results[k] = future.result()
                        bar.update(len(chunks[k]))
            except BrokenProcessPool as exc:
                raise _worker_died(exc, settings, n_jobs) from None
    merger = _Merger()
    for idx, enc in zip(chunks, results, strict=True):
        assert enc is not None
        merger.add([hashes[i] for i in idx], enc)
    return merger.result()


def _segment_parts(
    tokenizer: Tokenizer, texts: Any, todo: list[str], n_jobs: int, progress: bool, engine: Any = None
) -> tuple[list[str], _Encoded]:
    """``_segment_all`` of the documents ``todo`` (content hashes), their texts read from ``texts`` (a
    ``CorpusTexts``) a partition at a time; the worker processes are kept from one partition to the next."""
    from tqdm import tqdm

    if engine is not None:  # (a distributed one: resolve() gives no other)
        return _segment_on_workers(tokenizer, texts, todo, progress, engine)
    merger = _Merger()
    settings = tokenizer._settings
    # (hashes, future) of every chunk sent to the workers and not merged yet, in corpus order
    pending: collections.deque[tuple[list[str], Any]] = collections.deque()
    with reuse_workers(), tqdm(total=len(todo), unit="doc", desc="tokenize", disable=not progress) as bar:
        for part_hashes, part_texts in texts.batches(todo):
            if len(part_hashes) == len(todo) or n_jobs <= 1:  # one part (small work may stay here), or no workers
                merger.add(*_segment_all(tokenizer, part_hashes, part_texts, n_jobs, False, engine))
                bar.update(len(part_hashes))
                continue
            # several parts: each one's chunks go to the workers while the part before is still being
            # segmented, so they never wait for this process to read and send the next texts
            pool = _scoped_pool(settings, n_jobs)
            for idx in _chunks([len(t) for t in part_texts], n_jobs):
                try:
                    future = pool.submit(_encode_chunk, settings, [part_texts[i] for i in idx])
                except BrokenProcessPool as exc:
                    raise _worker_died(exc, settings, n_jobs) from None
                pending.append(([part_hashes[i] for i in idx], future))
            del part_texts
            while len(pending) > 2 * n_jobs * 8:  # about one part in flight besides the one being sent
                bar.update(_merge_next(merger, pending, settings, n_jobs))
        while pending:
            bar.update(_merge_next(merger, pending, settings, n_jobs))
    return merger.result()


def _scoped_pool(settings: _Settings, n_jobs: int) -> ProcessPoolExecutor:
    """The worker pool of the enclosing ``reuse_workers()`` block for these settings (made once)."""
    scope = _SCOPES[-1]
    key = (settings.digest, n_jobs)
    if key not in scope:
        scope[key] = ProcessPoolExecutor(
            max_workers=n_jobs, mp_context=_mp_context(), initializer=_init_worker, initargs=(settings,)
        )
    return scope[key]


def _worker_died(exc: BaseException, settings: _Settings, n_jobs: int) -> AnalysisError:
    if _SCOPES:
        _SCOPES[-1].pop((settings.digest, n_jobs), None)
    return AnalysisError(f"a tokenizer worker process died ({exc}); try n_jobs=1")


def _merge_next(merger: _Merger, pending: Any, settings: _Settings, n_jobs: int) -> int:
    """Wait for the oldest chunk in ``pending`` and merge it; its number of documents."""
    hashes, future = pending.popleft()
    try:
        merger.add(hashes, future.result())
    except BrokenProcessPool as exc:
        raise _worker_died(exc, settings, n_jobs) from None
    return len(hashes)


def _segment_on_workers(
    tokenizer: Tokenizer, texts: Any, todo: list[str], progress: bool, engine: Any
) -> tuple[list[str], _Encoded]:
    """``_segment_parts`` as tasks of a distributed engine whose workers read the texts themselves from
    the file of ``texts`` (a ``CorpusTexts``): no text goes through this process nor the task graph. A
    chunk whose task fails (a worker that cannot read the file) is read here and sent as text."""
    from tqdm import tqdm

    from analysis.engine.partitions import encode_chunks, encode_source

    wanted = set(todo)
    positions: list[int] = []
    for i, h in enumerate(texts.hashes):
        if h in wanted:
            wanted.discard(h)
            positions.append(i)
    n_chunks = max(1, min(len(positions), 8 * engine.n_workers))
    size = -(-len(positions) // n_chunks)
    chunks = [texts.select(positions[k : k + size]) for k in range(0, len(positions), size)]
    merger = _Merger()
    settings = tokenizer._settings
    with tqdm(total=len(positions), unit="doc", desc="tokenize", disable=not progress) as bar:
        for chunk, done in zip(chunks, engine.map(encode_source, [(settings, c) for c in chunks], errors=True), strict=True):
            if isinstance(done, BaseException):
                part = chunk.read_all().tolist()
                done = (chunk.hashes, encode_chunks(engine, settings, part, [list(range(len(part)))])[0])
            merger.add(*done)
            bar.update(len(chunk))
    return merger.result()


# ------------------------------------------------------------------------------------------ verb
def _content_hashes(corpus: pd.DataFrame) -> list[str]:
    # Always hashed from the text itself: a caller may have edited ``text`` after ingestion, and a
    # stale ``content_hash`` column would return the old tokens. sha256 costs ~2 ms per MB.
    hashes = _arrow_text_hashes(corpus["text"])
    if hashes is not None:
        return hashes
    return [hashlib.sha256(_as_text(t).encode("utf-8")).hexdigest() for t in corpus["text"].tolist()]


def _arrow_text_hashes(column: Any) -> list[str] | None:
    """sha256 of every text of an Arrow-backed string column, hashed straight from Arrow's UTF-8 bytes
    (no Python str is made; the same digests as ``text.encode("utf-8")``; a missing text hashes as "").
    None for any other column."""
    array = getattr(column, "array", None)
    if not hasattr(array, "__arrow_array__") or getattr(column.dtype, "storage", None) != "pyarrow":
        return None
    import pyarrow as pa

    chunked = array.__arrow_array__()
    last = _LAST_HASHED[0] if _LAST_HASHED else None
    if last is not None and last[0]() is chunked:  # the same Arrow data (immutable) as the last call
        return list(last[1])
    chunks = chunked.chunks if isinstance(chunked, pa.ChunkedArray) else [chunked]
    sha256 = hashlib.sha256
    out: list[str] = []
    for chunk in chunks:
        if chunk.type == pa.string():
            width = np.int32
        elif chunk.type == pa.large_string():
            width = np.int64
        else:
            return None
        _, offsets_buf, data_buf = chunk.buffers()
        n = len(chunk)
        offsets = np.frombuffer(offsets_buf, dtype=width)[chunk.offset : chunk.offset + n + 1].tolist() if n else []
        data = memoryview(data_buf) if data_buf is not None else memoryview(b"")
        valid = chunk.is_valid().to_numpy(zero_copy_only=False).tolist() if chunk.null_count else [True] * n
        empty = sha256(b"").hexdigest()
        out.extend(
            sha256(data[offsets[i] : offsets[i + 1]]).hexdigest() if valid[i] else empty for i in range(n)
        )
    with contextlib.suppress(TypeError):  # an array that takes no weak reference is not remembered
        _LAST_HASHED[:] = [(weakref.ref(chunked), tuple(out))]
    return out


# The digests of the last Arrow text column hashed, with a weak reference to its data: the stats command
# hashes one column for its results key, the token cache and the slogan cache, and computes them once.
# Arrow data never changes in place (an edited column holds new arrays), and a weak reference is None once
# the data is gone, so the digests are those of the data the reference still points to.
_LAST_HASHED: list[tuple[weakref.ref[Any], tuple[str, ...]]] = []


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many token lists: every young-generation
    collection would walk all the new lists' elements (millions of pointers), doubling the cost. The
    lists hold only str, so no reference cycle is missed."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def tokenize(
    corpus: pd.DataFrame,
    tokenizer: Tokenizer | None = None,
    *,
    cache_dir: str | Path | None = None,
    n_jobs: int | None = None,
    progress: bool = True,
    engine: Any = None,
) -> Tokens:
    """Tokenize every document of a corpus table (columns ``doc_id``, ``text``; ``content_hash`` is used
    when present, else computed as sha256 of the UTF-8 text).

    Results are cached under ``cache_dir`` (default ``config.CACHE_DIR``) by text hash and tokenizer
    hash: a re-run on an unchanged corpus reads the cache and does no segmentation (the segmenter is not
    even built); new or changed documents are segmented and added. Segmentation runs in ``n_jobs``
    worker processes (default ``config.n_jobs_default()``; in-process for small work). A progress bar
    is shown unless ``progress=False`` or the environment sets ``TEXTLAB_PROGRESS=0``.

    ``engine="dask"`` (or an engine of :mod:`analysis.engine`) segments the new documents as Dask tasks.

    Returns ``Tokens`` aligned with the corpus rows: ``docvars`` is the corpus without ``text``.
    """
    import pandas as pd

    if not isinstance(corpus, pd.DataFrame):
        raise AnalysisError(f"tokenize() needs a corpus DataFrame, got {type(corpus).__name__}")
    missing = [c for c in ("doc_id", "text") if c not in corpus.columns]
    if missing:
        raise AnalysisError(f"corpus table lacks column(s) {missing}; build it with analysis.load_corpus")
    if tokenizer is None:
        tokenizer = Tokenizer()
    elif not isinstance(tokenizer, Tokenizer):
        raise AnalysisError(f"tokenizer must be an analysis.tokens.Tokenizer, got {type(tokenizer).__name__}")
    n_jobs = config.n_jobs_default() if n_jobs is None else int(n_jobs)
    if n_jobs < 1:
        raise AnalysisError(f"n_jobs must be at least 1, got {n_jobs}")
    progress = bool(progress) and os.environ.get("TEXTLAB_PROGRESS", "1") != "0"

    hashes = _content_hashes(corpus)
    docvars = corpus.drop(columns=["text"]).reset_index(drop=True)
    docvars["content_hash"] = hashes
    found = _cached_blocks(corpus, hashes, tokenizer, cache_dir, n_jobs, progress, engine)
    return Tokens(TokenLists([found[h] for h in hashes]), docvars, tokenizer.hash)


def _cached_blocks(
    corpus: pd.DataFrame,
    hashes: list[str],
    tokenizer: Tokenizer,
    cache_dir: str | Path | None,
    n_jobs: int,
    progress: bool,
    engine: Any,
    texts: Any = None,
) -> dict[str, tuple[_Block, int]]:
    """Every document's encoded tokens (content hash -> (block, row)): read from the cache in one
    lookup, the missing ones segmented (on ``engine`` if given) and added to the cache. ``texts``: an
    ``analysis.engine.texts.CorpusTexts`` to read the missing texts from, a partition at a time (the
    corpus then has no ``text`` column)."""
    cache = _Cache(Path(cache_dir) if cache_dir is not None else config.CACHE_DIR, tokenizer)
    first_row: dict[str, int] = {}
    for i, h in enumerate(hashes):
        first_row.setdefault(h, i)
    with _gc_paused():
        found = cache.lookup(first_row)
    todo = [h for h in first_row if h not in found]
    if todo:
        from analysis.engine import resolve

        runner, owned = resolve(engine)
        try:
            if texts is None:
                todo_texts = [_as_text(t) for t in corpus["text"].iloc[[first_row[h] for h in todo]].tolist()]
                new_hashes, enc = _segment_all(tokenizer, todo, todo_texts, n_jobs, progress, runner)
                del todo_texts
            else:
                new_hashes, enc = _segment_parts(tokenizer, texts, todo, n_jobs, progress, runner)
        finally:
            if owned and runner is not None:
                runner.close()
        try:
            cache.write(new_hashes, enc)
        except OSError as exc:
            warnings.warn(f"token cache not written to {cache.dir}: {exc}", RuntimeWarning, stacklevel=3)
        block = _Block.from_encoded(enc)
        found.update((h, (block, row)) for row, h in enumerate(new_hashes))
    return found


def tokenize_parts(
    corpus: pd.DataFrame,
    partition_docs: int,
    tokenizer: Tokenizer | None = None,
    *,
    cache_dir: str | Path | None = None,
    n_jobs: int | None = None,
    progress: bool = False,
    engine: Any = None,
    texts: Any = None,
) -> Iterator[Tokens]:
    """``tokenize(corpus.iloc[i:i + partition_docs])`` for consecutive partitions, with one cache lookup
    for the whole corpus (not one per partition): the encoded tokens (int codes, a few bytes per token)
    of the whole corpus are held, and each partition's ``TokenLists`` (issue 12).

    ``texts`` (an ``analysis.engine.texts.CorpusTexts`` aligned with the rows of ``corpus``, which then
    has no ``text`` column): the content hashes are its hashes, and the documents the cache does not
    know are read and segmented a partition at a time, so no more than a partition of text is held."""
    if partition_docs < 1:
        raise AnalysisError(f"partition_docs must be at least 1, got {partition_docs}")
    needed = ("doc_id",) if texts is not None else ("doc_id", "text")
    missing = [c for c in needed if c not in corpus.columns]
    if missing:
        raise AnalysisError(f"corpus table lacks column(s) {missing}; build it with analysis.load_corpus")
    if texts is not None and len(texts) != len(corpus):
        raise AnalysisError(f"{len(texts)} texts for {len(corpus)} documents")
    tokenizer = tokenizer or Tokenizer()
    n_jobs = config.n_jobs_default() if n_jobs is None else int(n_jobs)
    progress = bool(progress) and os.environ.get("TEXTLAB_PROGRESS", "1") != "0"
    hashes = list(texts.hashes) if texts is not None else _content_hashes(corpus)
    found = _cached_blocks(corpus, hashes, tokenizer, cache_dir, n_jobs, progress, engine, texts)
    for start in range(0, len(corpus), partition_docs):
        part = corpus.iloc[start : start + partition_docs]
        docvars = part.drop(columns=["text"], errors="ignore").reset_index(drop=True)
        docvars["content_hash"] = hashes[start : start + partition_docs]
        yield Tokens(TokenLists([found[h] for h in hashes[start : start + partition_docs]]), docvars, tokenizer.hash)
