"""New-phrase discovery: frequent runs of adjacent tokens that behave like one word.

A candidate is an n-gram of 2..``max_len`` adjacent tokens, each token made of CJK characters only,
occurring at least ``min_count`` times. Documents and non-CJK tokens (5G, 2024, 1+N) break runs.
Two signals say whether a candidate is a word the segmenter does not know:

* cohesion, PMI: for every split of the n-gram into a left part x and a right part y,
  ``log2(c(xy) * N / (c(x) * c(y)))`` with N the number of CJK tokens; the reported ``pmi`` is the
  *minimum* over the split points, because a phrase is only as tight as its weakest joint
  (数字 孪生 技术 is no phrase if 技术 follows 数字孪生 only by chance);
* freedom, branching entropy (bits) of the token right before (``left_entropy``) and right after
  (``right_entropy``) the candidate's occurrences; a document start/end or a non-CJK token counts as a
  neighbour of its own, different from every other. A true word appears in varied contexts; a fragment
  of a longer word always has the same neighbour (entropy 0).

``score = max(pmi, 0) * min(left_entropy, right_entropy)``: high only if the parts are tied together
*and* the whole is free on both sides. Counting is vectorised (numpy) with Apriori pruning: an n-gram
is only counted where its first n-1 tokens are a frequent (n-1)-gram. It runs over chunks of whole
documents with hash counts summed across chunks, on the token cache's integer codes (no Python string
per token), so memory is the int32 codes (one array per level kept) plus the distinct n-grams: about
1.3 GB for a 100 MB corpus with its text loaded.

Note: ``tokens.docs`` from ``analysis.tokens.tokenize`` have stopwords and punctuation removed, so two
tokens that were separated by a stopword look adjacent (习近平同志 核心 党中央 from 以习近平同志为核心的党中央).
Pass the corpus (``corpus=``): candidates are then looked up in the cleaned text, and only phrases
that occur there verbatim are kept, with their verbatim count and number of documents. The look-up
goes in score order a batch at a time and stops once ``top_n`` phrases occur.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis import config
from analysis.errors import AnalysisError, ReadError

__all__ = ["discover_phrases", "known_words"]

#: Longest candidate (tokens) by default, for ``discover_phrases`` and the warm-up that counts ahead for it.
MAX_LEN = 4

PHRASE_COLUMNS = [
    "phrase", "count", "pmi", "left_entropy", "right_entropy", "score", "in_dictionary", "tokens", "docs_with_term",
    "count_verbatim", "docs_verbatim",
]

_CJK_TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def _docs_of(tokens: Any) -> list[list[str]]:
    from analysis.dtm import DTM

    if isinstance(tokens, (pd.DataFrame, DTM)):
        from analysis.stats._suggest import refuse

        refuse("discover_phrases", tokens, "tokens", "discover_phrases(tl.tokenize(corpus), corpus=corpus)")
    docs = getattr(tokens, "docs", tokens)
    if isinstance(docs, (str, bytes)) or not isinstance(docs, Iterable):
        raise AnalysisError("expected Tokens (an object with .docs) or a list of token lists")
    out = [list(d) for d in docs]
    if any(not all(isinstance(t, str) for t in d) for d in out):
        raise AnalysisError("token lists must contain str tokens only")
    return out


def _words_from_file(path: Path) -> set[str]:
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ReadError(path, f"cannot read word list: {exc}") from None
    words = set()
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            words.add(line.split()[0])  # jieba user-dict format: "word [freq] [tag]"
    return words


def known_words(dictionary: Iterable[str] | str | Path | None = None) -> set[str]:
    """Words counted as already known: ``dictionary`` (a word list, or a file with one word per line,
    jieba user-dictionary format accepted), by default the bundled userdict.txt plus slogans.txt."""
    if dictionary is None:
        words: set[str] = set()
        for path in (config.USERDICT_FILE, config.SLOGANS_FILE):
            if path.exists():  # a resource still missing is not the caller's fault
                words |= _words_from_file(path)
        return words
    if isinstance(dictionary, (str, Path)):
        return _words_from_file(Path(dictionary))
    return {str(w) for w in dictionary}


#: Positions per counting step (cut at document boundaries): bounds the temporary arrays, so memory
#: grows with the token codes (4 bytes a token per level kept) and the distinct n-grams, not more.
_CHUNK = 1 << 20


def _flat_of(tokens: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(vocabulary as an object array, int32 codes of every token in document order, tokens per document).

    Codes are numbered by first appearance, as factorising the concatenated tokens would; the cached
    ``TokenLists`` of ``tokenize`` give theirs without a Python string per token."""
    from analysis.tokens import TokenLists, factorized

    docs = getattr(tokens, "docs", tokens)
    flat = docs.flat_codes() if isinstance(docs, TokenLists) else None
    if flat is not None:
        vocab, codes, lengths = flat
        used_codes = _numbered_by_first_appearance(codes)
        if used_codes is not None:  # (the token cache's own numbering, usually): the codes as they are
            return np.asarray(vocab[:used_codes], dtype=object), codes, lengths
        # renumbered by first appearance, a chunk at a time (no int64 array of every token)
        first = np.full(len(vocab), len(codes), dtype=np.int64)
        for a in range(0, len(codes), _CHUNK):
            part = codes[a : a + _CHUNK]
            np.minimum.at(first, part, np.arange(a, a + len(part), dtype=np.int64))
        used = np.flatnonzero(first < len(codes))
        used = used[np.argsort(first[used], kind="stable")]
        number = np.full(len(vocab), -1, dtype=np.int32)
        number[used] = np.arange(len(used), dtype=np.int32)
        return np.asarray(vocab, dtype=object)[used], number[codes], lengths
    return factorized(_docs_of(tokens))


def _numbered_by_first_appearance(codes: np.ndarray) -> int | None:
    """The number of distinct codes when ``codes`` already number the tokens by first appearance (the
    codes that occur are 0..n-1 and each first occurs after the one before it: no code exceeds every
    code before it by more than one); None otherwise. A chunk at a time, no copy of the codes."""
    top = -1
    for a in range(0, len(codes), _CHUNK):
        part = codes[a : a + _CHUNK]
        if not len(part):
            continue
        highest = np.maximum.accumulate(part)
        np.maximum(highest, top, out=highest)
        if part[0] > top + 1 or bool((part[1:] > highest[:-1] + 1).any()):
            return None
        top = int(highest[-1])
    return top + 1


def _run_starts(ordered: np.ndarray) -> np.ndarray:
    """Where each run of equal values starts in a sorted array."""
    if len(ordered) == 0:
        return np.zeros(0, dtype=np.int64)
    new = np.empty(len(ordered), dtype=bool)
    new[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    return np.flatnonzero(new)


def _documents_of(positions: np.ndarray, doc_start: np.ndarray) -> np.ndarray:
    """The document of each position, ``np.searchsorted(doc_start, positions, side="right") - 1``, for
    rising ``positions``: one search per document of their span instead of one per position."""
    if len(positions) == 0:
        return np.zeros(0, dtype=np.int64)
    lo = int(np.searchsorted(doc_start, positions[0], side="right")) - 1
    hi = int(np.searchsorted(doc_start, positions[-1], side="right"))
    bounds = np.searchsorted(positions, doc_start[lo + 1 : hi], side="left")
    sizes = np.diff(np.concatenate(([0], bounds, [len(positions)])))
    return np.repeat(np.arange(lo, hi, dtype=np.int64), sizes)


def _counted(keys: np.ndarray, weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Distinct keys (first-appearance order) and how often each occurs (with ``weights``: the sum of
    theirs; float sums of int64 counts are exact below 2**53): a hash count, no sort (the keys repeat
    a lot; a sort would cost more)."""
    codes, uniques = pd.factorize(keys)
    total = np.bincount(codes, weights=weights, minlength=len(uniques))
    return np.asarray(uniques, dtype=np.int64), total.astype(np.int64)


class _KeyCounts:
    """Per-chunk key counts summed into one table; ``result`` gives the keys sorted with their totals."""

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, np.ndarray]] = []
        self.pending = 0

    def add(self, keys: np.ndarray) -> None:
        self.add_counted(_counted(keys))

    def add_counted(self, part: tuple[np.ndarray, np.ndarray]) -> None:
        """Add the (distinct keys, counts) of a chunk (``_counted``)."""
        self.parts.append(part)
        self.pending += len(part[0])
        if len(self.parts) > 1 and self.pending > 4 * _CHUNK:
            self.parts = [self._merged()]
            self.pending = len(self.parts[0][0])

    def _merged(self) -> tuple[np.ndarray, np.ndarray]:
        if len(self.parts) == 1:
            return self.parts[0]
        return _counted(np.concatenate([k for k, _ in self.parts]), np.concatenate([c for _, c in self.parts]))

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        if not self.parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        keys, counts = self._merged()
        order = np.argsort(keys, kind="stable")
        return keys[order], counts[order]


#: Chunks counted at once at most, in threads (numpy and pandas' hash tables release the GIL for most of
#: the work); no more than ``config.n_jobs_default()`` (a report running two kernels gives each one core).
_MAX_THREADS = 2


def _in_threads(work: Callable[..., Any], chunks: list[tuple[int, int]]) -> Iterator[Any]:
    """``work(a, b)`` of every chunk, in chunk order (so the sums are made in the same order as in one
    thread), in up to ``_MAX_THREADS`` threads (no more than ``config.n_jobs_default()``), one chunk
    ahead per thread."""
    threads = min(_MAX_THREADS, config.n_jobs_default())
    if threads == 1 or len(chunks) < 2:
        for a, b in chunks:
            yield work(a, b)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(threads) as pool:
        pending = [pool.submit(work, a, b) for a, b in chunks[:threads]]
        for a, b in chunks[threads:]:
            yield pending.pop(0).result()
            pending.append(pool.submit(work, a, b))
        for future in pending:
            yield future.result()


def _entropy(pairs: _KeyCounts, width: int, totals: np.ndarray) -> np.ndarray:
    """Branching entropy (bits) per gram from the counts of (gram * width + neighbour); occurrences whose
    neighbour is a boundary (not counted in ``pairs``) are each a distinct value of their own."""
    keys, counts = pairs.result()
    clogc = np.bincount(keys // width, weights=counts * np.log2(counts), minlength=len(totals))
    t = totals.astype(np.float64)
    return np.log2(t) - clogc / t


def _sequence(codes: np.ndarray, lengths: np.ndarray, is_cjk: np.ndarray) -> np.ndarray:
    """The int32 codes with non-CJK tokens as -1 and one -1 after every document (n-grams never cross
    either), made a chunk of whole documents at a time: no temporary array of every token."""
    ends = np.cumsum(lengths)
    n_docs = len(lengths)
    seq = np.empty(len(codes) + n_docs, dtype=np.int32)
    d0 = 0
    while d0 < n_docs:
        t0 = int(ends[d0 - 1]) if d0 else 0
        d1 = min(n_docs, max(d0 + 1, int(np.searchsorted(ends, t0 + _CHUNK, side="right"))))
        t1 = int(ends[d1 - 1])
        part = codes[t0:t1]
        seq[t0 + d0 : t1 + d1] = np.insert(np.where(is_cjk[part], part, -1).astype(np.int32, copy=False), ends[d0:d1] - t0, -1)
        d0 = d1
    return seq


_FRAME_ORDER = ["phrase", "count", "pmi", "left_entropy", "right_entropy", "tokens", "docs_with_term"]


def _count_ngrams(
    vocab: np.ndarray, codes: np.ndarray, lengths: np.ndarray, *, min_count: int, max_len: int
) -> list[pd.DataFrame]:
    """The candidate n-grams (2..``max_len``) of each length, one frame per length (rows in the order of
    their (n-1)-gram and last token), with count, minimum PMI, branching entropies and documents.

    Apriori: an n-gram is counted only where its first n-1 tokens are a frequent (n-1)-gram and its last
    token is frequent. Counting runs over chunks of whole documents and sums the per-chunk counts."""
    is_cjk = np.fromiter((bool(_CJK_TOKEN.fullmatch(u)) for u in vocab), dtype=bool, count=len(vocab))
    seq = _sequence(codes, lengths, is_cjk)
    size, n_docs, V = len(seq), len(lengths), np.int64(len(vocab))
    doc_start = np.zeros(n_docs, dtype=np.int64)
    np.cumsum(lengths[:-1] + 1, out=doc_start[1:])
    wanted = np.searchsorted(doc_start, np.arange(_CHUNK, size, _CHUNK))
    edges = np.unique(np.concatenate([[0], doc_start[np.minimum(wanted, n_docs - 1)], [size]]))
    chunks = list(zip(edges[:-1].tolist(), edges[1:].tolist(), strict=True))

    uni_counts = np.zeros(len(vocab), dtype=np.int64)
    for a, b in chunks:
        part = seq[a:b]
        uni_counts += np.bincount(part[part >= 0], minlength=len(vocab))
    n_tokens = int(uni_counts.sum())
    if n_tokens == 0:
        return []
    frequent = uni_counts >= min_count

    def level_one(a: int, b: int) -> np.ndarray:  # a position's 1-gram id: its code if frequent, else -1
        part = seq[a:b]
        return np.where((part >= 0) & frequent[np.maximum(part, 0)], part, -1)

    ids: dict[int, np.ndarray] = {}  # level -> gram id at every position (-1: none), levels 2..max_len-1
    counts: dict[int, np.ndarray] = {1: uni_counts}

    def grams_at(n: int, a: int, b: int, any_last: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Positions in [a, b) where a countable n-gram starts, and its key (n-1)-gram id * V + last code
        (``any_last``: whatever CJK token is last, frequent or not)."""
        prev = level_one(a, b) if n == 2 else ids[n - 1][a:b]
        pos = np.flatnonzero(prev[: max(0, min(b, size - n + 1) - a)] >= 0)
        last = seq[a + pos + n - 1]
        ok = last >= 0 if any_last else (last >= 0) & frequent[np.maximum(last, 0)]
        pos = pos[ok]
        return pos + a, prev[pos].astype(np.int64) * V + last[ok]

    def gram_id(positions: np.ndarray, k: int) -> np.ndarray:  # the k-gram id starting at each position
        return seq[positions].astype(np.int64) if k == 1 else ids[k][positions]

    def chunk_keys(n: int, a: int, b: int) -> tuple[np.ndarray, np.ndarray]:
        return _counted(grams_at(n, a, b)[1])

    def chunk_keys_and_right(n: int, a: int, b: int) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
        """A chunk's (n-1)-grams followed by a CJK token, counted once: as (n-1)-gram * V + token they are
        the right-neighbour pairs of level n-1, and those whose token is frequent are level n's keys."""
        keys, cnt = _counted(grams_at(n, a, b, any_last=True)[1])
        frequent_last = frequent[keys % V]
        return (keys, cnt), (keys[frequent_last], cnt[frequent_last])

    def finish(columns: dict[str, Any], right: _KeyCounts, totals: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame({**columns, "right_entropy": _entropy(right, int(V), totals)})[_FRAME_ORDER]

    frames = []
    unfinished: tuple[dict[str, Any], np.ndarray] | None = None  # level n-1's frame, but its right entropy
    for n in range(2, max_len + 1):
        found = _KeyCounts()
        if unfinished is not None:
            right_before = _KeyCounts()
            for right_part, part in _in_threads(functools.partial(chunk_keys_and_right, n), chunks):
                right_before.add_counted(right_part)
                found.add_counted(part)
            columns, totals = unfinished
            frames.append(finish(columns, right_before, totals))
            unfinished = None
        else:
            for part in _in_threads(functools.partial(chunk_keys, n), chunks):
                found.add_counted(part)
        keys, cnt = found.result()
        keep = cnt >= min_count
        if not keep.any():
            break
        keys, counts[n] = keys[keep], cnt[keep]
        n_grams = len(keys)
        level = np.full(size, -1, dtype=np.int32) if n < max_len else None
        first_pos = np.full(n_grams, size, dtype=np.int64)
        left, right = _KeyCounts(), _KeyCounts()
        n_docs_gram = np.zeros(n_grams, dtype=np.int64)
        index = pd.Index(keys)  # a hash table: much faster than a binary search of a large array

        def chunk_grams(a: int, b: int, n: int = n, index: pd.Index = index, n_grams: int = n_grams,
                        level: np.ndarray | None = level) -> tuple[np.ndarray, ...]:  # fmt: skip
            """One chunk's part: (first gram ids, their positions, left and right pair counts, grams per
            document), its gram ids written into ``level`` (chunks are disjoint)."""
            pos, key = grams_at(n, a, b)
            at = index.get_indexer(key)
            hit = at >= 0
            pos, gid = pos[hit], at[hit].astype(np.int64)
            if level is not None:
                level[pos] = gid
            first = ~pd.Series(gid).duplicated().to_numpy()  # positions rise: the first of each gram

            def pairs(nb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # (gram, CJK neighbour) counts
                ok = nb >= 0
                return _counted(gid[ok] * V + nb[ok])

            left_part = pairs(np.where(pos > 0, seq[np.maximum(pos - 1, 0)], -1))
            # the right neighbours of a level with a next one are counted with that level's keys
            right_part = None if level is not None else pairs(np.where(pos + n < size, seq[np.minimum(pos + n, size - 1)], -1))
            doc = _documents_of(pos, doc_start)
            # a chunk holds whole documents: no pair in two chunks; the keys come in runs per document (the
            # positions rise), which the stable sort (timsort for int64) merges about twice as fast
            doc_grams = np.sort(doc * n_grams + gid, kind="stable")
            per_doc = np.bincount(doc_grams[_run_starts(doc_grams)] % n_grams, minlength=n_grams)
            return gid[first], pos[first], left_part, right_part, per_doc

        for first_gid, first_at, left_part, right_part, per_doc in _in_threads(chunk_grams, chunks):
            first_pos[first_gid] = np.minimum(first_pos[first_gid], first_at)
            left.add_counted(left_part)
            if right_part is not None:
                right.add_counted(right_part)
            n_docs_gram += per_doc
        if level is not None:
            ids[n] = level

        # PMI at every split point: the parts of a frequent n-gram are frequent, so both have ids.
        pmi = np.full(n_grams, np.inf)
        for k in range(1, n):
            left_c = counts[k][gram_id(first_pos, k)]
            right_c = counts[n - k][gram_id(first_pos + k, n - k)]
            pmi = np.minimum(pmi, np.log2(counts[n] * float(n_tokens) / (left_c * right_c.astype(np.float64))))

        parts = [vocab[seq[first_pos + j]] for j in range(n)]
        phrase = parts[0].copy()
        joined = parts[0].copy()
        for p in parts[1:]:
            phrase = phrase + p
            joined = joined + " " + p
        columns = {
            "phrase": phrase,
            "count": counts[n],
            "pmi": pmi,
            "left_entropy": _entropy(left, int(V), counts[n]),
            "tokens": joined,
            "docs_with_term": n_docs_gram,
        }
        if level is None:
            frames.append(finish(columns, right, counts[n]))
        else:
            unfinished = (columns, counts[n])
    assert unfinished is None  # (a level with a next one is finished by that level's count)
    return frames


def _candidates(tokens: Any, min_count: int, max_len: int, wait: bool = True) -> pd.DataFrame | None:
    """The counted and scored n-grams of ``tokens`` (``_phrase_cache.CANDIDATE_COLUMNS``), counted once
    per token stream and settings (see ``_phrase_cache.candidates``; None: ``wait=False`` and another
    process is counting them)."""
    from analysis.stats import _phrase_cache
    from analysis.tokens import TokenLists

    docs = getattr(tokens, "docs", tokens)
    # the token cache's lists name their content cheaply: a cached count is then found without
    # gathering the codes; other token lists are named by the stream itself
    content = docs.content_key() if isinstance(docs, TokenLists) else None
    flat = _flat_of(tokens) if content is None else None
    key = f"token-lists:{content}" if content is not None else _phrase_cache.stream_digest(*flat)

    def count() -> pd.DataFrame:
        vocab, codes, lengths = flat if flat is not None else _flat_of(tokens)
        frames = _count_ngrams(vocab, codes, lengths, min_count=min_count, max_len=max_len) if len(codes) else []
        out = pd.concat(frames, ignore_index=True) if frames else _empty()[list(_phrase_cache.CANDIDATE_COLUMNS)]
        return out.astype(_phrase_cache.CANDIDATE_COLUMNS)

    return _phrase_cache.candidates(key, min_count, max_len, count, wait=wait)


def warm_phrases(tokens: Any, *, min_count: int = 5, max_len: int = MAX_LEN) -> bool:
    """Count the phrase candidates of ``tokens`` into the phrase cache ahead of ``discover_phrases``
    with the same ``min_count`` and ``max_len`` (a report's warm-up does this on an idle core). While it
    counts, a ``discover_phrases`` of the same tokens in another process waits for its table. True when
    the candidates are in the cache; False when another process is counting them (nothing is done)."""
    if min_count < 1 or max_len < 2:
        raise AnalysisError(f"min_count must be >= 1 and max_len >= 2, got {min_count} and {max_len}")
    return _candidates(tokens, min_count, max_len, wait=False) is not None


def discover_phrases(
    tokens: Any,
    *,
    min_count: int = 5,
    max_len: int = MAX_LEN,
    top_n: int | None = 200,
    dictionary: Iterable[str] | str | Path | None = None,
    exclude_known: bool = False,
    corpus: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Candidate new words: frequent, cohesive, freely combining runs of 2..``max_len`` tokens.

    ``tokens``: Tokens (``.docs``) or a list of token lists. ``dictionary``: known words (see
    ``known_words``); ``exclude_known`` drops candidates that are already known.

    Columns:
      phrase         str; the tokens concatenated (as a dictionary entry would be written)
      count          int; occurrences (n-grams that concatenate to the same phrase: the best scored kept)
      pmi            float; minimum PMI (bits) over the split points
      left_entropy, right_entropy  float; branching entropy (bits) of the neighbouring tokens
      score          float; max(pmi, 0) * min(left_entropy, right_entropy)
      in_dictionary  bool; phrase is a known word
      tokens         str; the tokens joined by a space
      docs_with_term int; documents in which the token sequence occurs
      count_verbatim, docs_verbatim  int; occurrences of the phrase in the corpus text and documents
                     containing it (with ``corpus=``; without it they are missing and a phrase may not
                     occur verbatim)
    Rows: score descending, then count descending, phrase; at most ``top_n`` (None: all). With
    ``corpus=`` only phrases occurring verbatim in the text.
    """
    if min_count < 1:
        raise AnalysisError(f"min_count must be >= 1, got {min_count}")
    if max_len < 2:
        raise AnalysisError(f"max_len must be >= 2, got {max_len}")
    if top_n is not None and top_n < 1:
        raise AnalysisError(f"top_n must be a positive integer or None, got {top_n}")
    known = known_words(dictionary)
    out = _candidates(tokens, min_count, max_len)  # counted once per stream (or waited for)
    if out is None or out.empty:
        return _empty()
    out["score"] = np.maximum(out["pmi"], 0.0) * np.minimum(out["left_entropy"], out["right_entropy"])
    out["in_dictionary"] = out["phrase"].isin(known)
    if exclude_known:
        out = out[~out["in_dictionary"]]
    out = out.sort_values(["score", "count", "phrase"], ascending=[False, False, True], kind="stable")
    out = out.drop_duplicates("phrase", keep="first")
    out["count_verbatim"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out["docs_verbatim"] = pd.array([pd.NA] * len(out), dtype="Int64")
    if corpus is not None:
        out = _verbatim(out, corpus, top_n)
    if top_n is not None:
        out = out.head(top_n)
    out["phrase"] = out["phrase"].astype(str)
    out["tokens"] = out["tokens"].astype(str)
    return out.reset_index(drop=True)[PHRASE_COLUMNS]


#: Candidates looked up in the text per pass when all of them are wanted: one regex of every candidate
#: of a large corpus (hundreds of thousands sharing prefixes) takes longer to compile than to scan.
_VERBATIM_BATCH = 2000
#: With ``top_n``: a batch holds this many candidates at least (1.5 x top_n otherwise; most candidates
#: do occur verbatim, and every batch is one pass over all the texts).
_VERBATIM_MIN = 20


def _verbatim(out: pd.DataFrame, corpus: pd.DataFrame, wanted: int | None) -> pd.DataFrame:
    """The candidates, in order, that occur in the corpus text, with their count and documents there.

    Looked up a batch at a time in ``out``'s order (one pass over the texts per batch), stopping once
    ``wanted`` of them occur (None: all are looked up): the first ``wanted`` rows are those that
    looking up every candidate would give."""
    if not isinstance(corpus, pd.DataFrame) or "text" not in corpus.columns:
        raise AnalysisError("corpus= must be the corpus table (tl.load_corpus(folder)) with its text column")
    from analysis.stats._phrase_cache import VerbatimCounts, texts_key

    column = corpus["text"]
    look_up = functools.partial(_count_verbatim, column)
    known = VerbatimCounts(texts_key(column))  # phrases looked up in these texts before
    batch = _VERBATIM_BATCH if wanted is None else max(wanted + wanted // 2, _VERBATIM_MIN)
    kept, n_kept = [], 0
    for start in range(0, len(out), batch):
        part = out.iloc[start : start + batch].copy()
        found = known.lookup(list(part["phrase"]), look_up)  # one pass over the texts for the new ones
        pairs = [found[p] for p in part["phrase"]]
        part["count_verbatim"] = pd.array([c for c, _ in pairs], dtype="Int64")
        part["docs_verbatim"] = pd.array([d for _, d in pairs], dtype="Int64")
        part = part[part["count_verbatim"] > 0]
        kept.append(part)
        n_kept += len(part)
        if wanted is not None and n_kept >= wanted:
            break
    known.save()
    return pd.concat(kept) if kept else out.iloc[:0]


#: From this many texts on, a verbatim look-up is shared by forked worker processes (fewer: their start
#: and the answers cost more than they save).
_PARALLEL_MIN_TEXTS = 20_000
_SHARED_COLUMN: list[Any] = []  # the column the forked workers count in (inherited, never pickled)


def _count_verbatim(column: Any, phrases: list[str]) -> dict[str, tuple[int, int]]:
    """(occurrences, documents) of each phrase in the texts of ``column``: one pass over them, shared by
    ``config.n_jobs_default()`` forked processes for a large column (each counts its own rows; the
    counts are summed)."""
    from analysis._proc import mp_context

    n_jobs = min(config.n_jobs_default(), len(column) // max(1, _PARALLEL_MIN_TEXTS // 2))  # >= 10,000 each
    if n_jobs < 2 or mp_context().get_start_method() != "fork":
        return _count_rows(column, phrases)
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    bounds = np.linspace(0, len(column), 2 * n_jobs + 1).astype(np.int64).tolist()  # two parts per worker
    _SHARED_COLUMN[:] = [column]
    try:
        with ProcessPoolExecutor(max_workers=n_jobs, mp_context=mp_context()) as pool:
            parts = list(pool.map(_count_shared, [(phrases, a, b) for a, b in itertools.pairwise(bounds)]))
    except (BrokenProcessPool, OSError):  # no worker processes here: count in this one
        return _count_rows(column, phrases)
    finally:
        _SHARED_COLUMN.clear()
    return {p: (sum(part[p][0] for part in parts), sum(part[p][1] for part in parts)) for p in phrases}


def _count_shared(job: tuple[list[str], int, int]) -> dict[str, tuple[int, int]]:
    """In a forked worker: the counts of rows ``a:b`` of the shared column."""
    phrases, a, b = job
    return _count_rows(_SHARED_COLUMN[0].iloc[a:b], phrases)


def _count_rows(column: Any, phrases: list[str]) -> dict[str, tuple[int, int]]:
    """(occurrences, documents) of each phrase in the texts of ``column``, in this process."""
    from analysis._frames import texts_in_steps
    from analysis.stats.slogans import _Lexicon

    lex = _Lexicon(tuple(phrases))
    count: dict[str, int] = dict.fromkeys(phrases, 0)
    docs: dict[str, int] = dict.fromkeys(phrases, 0)
    for text in texts_in_steps(column):
        if not isinstance(text, str):
            continue
        for phrase, n in lex.occurrences(text).items():
            count[phrase] += n
            docs[phrase] += 1
    return {p: (count[p], docs[p]) for p in phrases}


def _empty() -> pd.DataFrame:
    dtypes = {"count": np.int64, "in_dictionary": bool, "pmi": float, "left_entropy": float,
              "right_entropy": float, "score": float, "docs_with_term": np.int64, "count_verbatim": "Int64",
              "docs_verbatim": "Int64"}
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, object)) for c in PHRASE_COLUMNS})


# help(function) shows the definitions too: the package namespace shadows this module by the function.
from analysis.stats._suggest import with_module_doc  # noqa: E402

with_module_doc(__doc__, discover_phrases)
