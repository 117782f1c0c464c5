"""Window collocations are counted on integer codes (the token cache's, with no Python list per token);
here they are checked against a brute-force count written for the purpose: a boolean mask per document
around every occurrence of the term, on generated token lists. And selecting documents of cached tokens
keeps them as codes."""

from __future__ import annotations

import sys
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_token_lists import _corpus

from analysis.select import select
from analysis.stats.collocations import collocations
from analysis.tokens import TokenLists, tokenize

ALPHABET = ["党建", "全面从严治党", "主题教育", "学习", "会议", "公司"]


def _brute(docs: list[list[str]], term: str, window: int) -> tuple[Counter, int, int, int]:
    observed: Counter = Counter()
    near = hits_total = n = 0
    for doc in docs:
        n += len(doc)
        mask = [False] * len(doc)
        hits = [i for i, t in enumerate(doc) if t == term]
        hits_total += len(hits)
        for i in hits:
            for j in range(max(0, i - window), min(len(doc), i + window + 1)):
                mask[j] = True
        for i in hits:
            mask[i] = False
        near += sum(mask)
        observed.update(doc[j] for j in range(len(doc)) if mask[j])
    return observed, hits_total, near, n - hits_total


@pytest.mark.filterwarnings("ignore::UserWarning")
@settings(max_examples=300, deadline=None)
@given(
    docs=st.lists(st.lists(st.sampled_from(ALPHABET), max_size=25), min_size=1, max_size=8),
    term=st.sampled_from(ALPHABET),
    window=st.integers(1, 6),
    step=st.sampled_from([1, 3, 1 << 22]),
)
def test_window_counts_equal_brute_force(docs, term, window, step):
    observed, term_total, near, space = _brute(docs, term, window)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sys.modules["analysis.stats.collocations"], "_TALLY_STEP", step)  # the corpus tally's steps
        got = collocations(docs, term, window=window, min_count=1)
    want = {c: o for c, o in observed.items() if c != term}
    assert dict(zip(got["collocate"], got["count"], strict=True)) == want
    if len(got):
        assert (got["term_total"] == term_total).all()
        totals = Counter(t for d in docs for t in d)
        assert dict(zip(got["collocate"], got["collocate_total"], strict=True)) == {c: totals[c] for c in want}
        expected = near * got["collocate_total"].to_numpy(dtype=float) / space
        np.testing.assert_allclose(got["expected"].to_numpy(), expected, rtol=0, atol=0)


def test_cached_codes_give_the_lists_answer_and_selection_makes_no_list(tmp_path):
    corpus = pd.concat([_corpus(range(0, 40)), _corpus(range(10, 30), salt="另")], ignore_index=True)
    corpus["year"] = pd.array([2020 + i % 5 for i in range(len(corpus))], dtype="Int64")
    tokens = tokenize(corpus, cache_dir=tmp_path, n_jobs=1, progress=False)
    term = pd.Series([t for d in tokenize(corpus, cache_dir=tmp_path, n_jobs=1, progress=False).docs for t in d]).mode()[0]
    recent = select(tokens, years=(2023, None))
    assert isinstance(tokens.docs, TokenLists) and tokens.docs._lists is None  # selecting made no list
    assert isinstance(recent.docs, TokenLists) and len(recent.docs) == int((corpus["year"] >= 2023).sum())
    from_codes = collocations(tokens, term, window=3, min_count=1)
    assert tokens.docs._lists is None and len(from_codes) > 3
    as_lists = [list(d) for d in tokens.docs]
    pd.testing.assert_frame_equal(collocations(as_lists, term, window=3, min_count=1), from_codes)
    assert [list(d) for d in recent.docs] == [as_lists[i] for i in np.flatnonzero(corpus["year"] >= 2023)]


def test_a_term_that_is_no_token_gives_an_empty_table_with_near_variants():
    with pytest.warns(UserWarning):
        out = collocations([["党建", "工作"], ["党建"]], "党建工作")
    assert out.empty and out.attrs["near_variants"]


def test_the_document_table_counts_tokens_without_making_lists(tmp_path, sample_corpus):
    from analysis.report import notebook

    docs = sample_corpus
    tokens = tokenize(docs, cache_dir=tmp_path, n_jobs=1, progress=False)
    table = notebook.document_table(docs, tokens)
    assert isinstance(tokens.docs, TokenLists) and tokens.docs._lists is None
    by_hand = dict(zip(tokens.docvars["doc_id"], [len(d) for d in tokens.docs], strict=True))
    assert table["tokens"].tolist() == [by_hand[d] for d in docs.set_index("path").loc[table["path"], "doc_id"]]
    assert table["tokens"].gt(0).all()
