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
is only counted where its first n-1 tokens are a frequent (n-1)-gram, so memory stays proportional to
the frequent n-grams even on a 20 MB corpus.

Note: ``tokens.docs`` from ``analysis.tokens.tokenize`` have stopwords and punctuation removed, so two
tokens that were separated by a stopword look adjacent (习近平同志 核心 党中央 from 以习近平同志为核心的党中央).
Pass the corpus (``corpus=``): every candidate is then looked up in the cleaned text, and only phrases
that occur there verbatim are kept, with their verbatim count and number of documents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis import config
from analysis.errors import AnalysisError, ReadError

__all__ = ["discover_phrases", "known_words"]

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


def _entropy(gram_ids: np.ndarray, neighbours: np.ndarray, totals: np.ndarray, n_grams: int) -> np.ndarray:
    """Branching entropy (bits) per gram; a neighbour -1 (boundary) is a distinct value every time."""
    ok = neighbours >= 0
    g, nb = gram_ids[ok], neighbours[ok]
    if len(g):
        width = np.int64(neighbours.max() + 1)
        pairs, counts = np.unique(g.astype(np.int64) * width + nb, return_counts=True)
        owner = pairs // width
        clogc = np.bincount(owner, weights=counts * np.log2(counts), minlength=n_grams)
    else:
        clogc = np.zeros(n_grams)
    t = totals.astype(np.float64)
    return np.log2(t) - clogc / t


def discover_phrases(
    tokens: Any,
    *,
    min_count: int = 5,
    max_len: int = 4,
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
    docs = _docs_of(tokens)
    known = known_words(dictionary)

    lengths = np.fromiter((len(d) for d in docs), dtype=np.int64, count=len(docs))
    flat = np.empty(int(lengths.sum()), dtype=object)
    flat[:] = list(chain.from_iterable(docs))
    if len(flat) == 0:
        return _empty()
    codes, uniques = pd.factorize(flat)
    uniques = np.asarray(uniques, dtype=object)
    is_cjk = np.fromiter((bool(_CJK_TOKEN.fullmatch(u)) for u in uniques), dtype=bool, count=len(uniques))
    codes = np.where(is_cjk[codes], codes, -1).astype(np.int64)
    # One -1 after every document: n-grams never cross documents.
    seq = np.insert(codes, np.cumsum(lengths), -1)
    size = len(seq)
    doc_of = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths + 1)  # document of every position
    valid = seq >= 0
    n_tokens = int(valid.sum())
    if n_tokens == 0:
        return _empty()
    V = np.int64(len(uniques))
    uni_counts = np.bincount(seq[valid], minlength=len(uniques))

    # Level 1: a token's gram id is its code, if frequent enough to start a frequent n-gram.
    ids = {1: np.where(valid & (uni_counts[np.maximum(seq, 0)] >= min_count), seq, -1)}
    counts = {1: uni_counts}
    frames = []
    for n in range(2, max_len + 1):
        prev = ids[n - 1]
        pos = np.flatnonzero(prev[: size - n + 1] >= 0)
        pos = pos[ids[1][pos + n - 1] >= 0]
        if len(pos) == 0:
            break
        keys = prev[pos] * V + seq[pos + n - 1]
        uniq, first, inverse, cnt = np.unique(keys, return_index=True, return_inverse=True, return_counts=True)
        keep = cnt >= min_count
        if not keep.any():
            break
        remap = np.full(len(uniq), -1, dtype=np.int64)
        remap[keep] = np.arange(int(keep.sum()))
        level = np.full(size, -1, dtype=np.int64)
        level[pos] = remap[np.asarray(inverse).ravel()]
        ids[n], counts[n] = level, cnt[keep].astype(np.int64)
        first_pos = pos[first[keep]]
        n_grams = len(first_pos)

        # PMI at every split point: the parts of a frequent n-gram are frequent, so both have ids.
        pmi = np.full(n_grams, np.inf)
        for k in range(1, n):
            left = counts[k][ids[k][first_pos]]
            right = counts[n - k][ids[n - k][first_pos + k]]
            pmi = np.minimum(pmi, np.log2(counts[n] * float(n_tokens) / (left * right.astype(np.float64))))

        occ = np.flatnonzero(level >= 0)
        gid = level[occ]
        left_nb = np.where(occ > 0, seq[np.maximum(occ - 1, 0)], -1)
        right_nb = np.where(occ + n < size, seq[np.minimum(occ + n, size - 1)], -1)
        h_left = _entropy(gid, left_nb, counts[n], n_grams)
        h_right = _entropy(gid, right_nb, counts[n], n_grams)
        gram_docs = np.unique(gid.astype(np.int64) * len(lengths) + doc_of[occ]) // len(lengths)
        n_docs_gram = np.bincount(gram_docs, minlength=n_grams).astype(np.int64)

        parts = [uniques[seq[first_pos + j]] for j in range(n)]
        phrase = parts[0].copy()
        joined = parts[0].copy()
        for p in parts[1:]:
            phrase = phrase + p
            joined = joined + " " + p
        frames.append(
            pd.DataFrame(
                {
                    "phrase": phrase,
                    "count": counts[n],
                    "pmi": pmi,
                    "left_entropy": h_left,
                    "right_entropy": h_right,
                    "tokens": joined,
                    "docs_with_term": n_docs_gram,
                }
            )
        )
    if not frames:
        return _empty()
    out = pd.concat(frames, ignore_index=True)
    out["score"] = np.maximum(out["pmi"], 0.0) * np.minimum(out["left_entropy"], out["right_entropy"])
    out["in_dictionary"] = out["phrase"].isin(known)
    if exclude_known:
        out = out[~out["in_dictionary"]]
    out = out.sort_values(["score", "count", "phrase"], ascending=[False, False, True], kind="stable")
    out = out.drop_duplicates("phrase", keep="first")
    out["count_verbatim"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out["docs_verbatim"] = pd.array([pd.NA] * len(out), dtype="Int64")
    if corpus is not None:
        out = _verbatim(out, corpus)
    if top_n is not None:
        out = out.head(top_n)
    out["phrase"] = out["phrase"].astype(str)
    out["tokens"] = out["tokens"].astype(str)
    return out.reset_index(drop=True)[PHRASE_COLUMNS]


def _verbatim(out: pd.DataFrame, corpus: pd.DataFrame) -> pd.DataFrame:
    """Count every candidate in the corpus text (one pass per document) and keep those that occur."""
    if not isinstance(corpus, pd.DataFrame) or "text" not in corpus.columns:
        raise AnalysisError("corpus= must be the corpus table (tl.load_corpus(folder)) with its text column")
    from analysis.stats.slogans import _Lexicon

    phrases = tuple(out["phrase"])
    if not phrases:
        return out
    lex = _Lexicon(phrases)
    count: dict[str, int] = dict.fromkeys(phrases, 0)
    docs: dict[str, int] = dict.fromkeys(phrases, 0)
    for text in corpus["text"]:
        if not isinstance(text, str):
            continue
        for phrase, n in lex.occurrences(text).items():
            count[phrase] += n
            docs[phrase] += 1
    out["count_verbatim"] = out["phrase"].map(count).astype("Int64")
    out["docs_verbatim"] = out["phrase"].map(docs).astype("Int64")
    return out[out["count_verbatim"] > 0]


def _empty() -> pd.DataFrame:
    dtypes = {"count": np.int64, "in_dictionary": bool, "pmi": float, "left_entropy": float,
              "right_entropy": float, "score": float, "docs_with_term": np.int64, "count_verbatim": "Int64",
              "docs_verbatim": "Int64"}
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, object)) for c in PHRASE_COLUMNS})


# help(function) shows the definitions too: the package namespace shadows this module by the function.
from analysis.stats._suggest import with_module_doc  # noqa: E402

with_module_doc(__doc__, discover_phrases)
