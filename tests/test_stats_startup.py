"""The stats command's start-up stays light, and the library code it replaces computes the same floats.

keyness uses scipy.special instead of scipy.stats, and TF-IDF is computed with numpy instead of
scikit-learn (each import costs about a second at every command start). These tests compare the two
bit for bit on random data and check that the modules of the stats command import neither.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import scipy.sparse as sp

from analysis.stats.keyness import _benjamini_hochberg, _chi2_sf_1df
from analysis.stats.tfidf import _Idf


def test_stats_command_modules_import_no_scipy_stats_nor_sklearn():
    code = (
        "import sys, analysis.pipeline, analysis.__main__\n"
        "heavy = [m for m in ('scipy.stats', 'sklearn') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("seed", range(5))
def test_chi2_sf_and_bh_equal_scipy_bit_for_bit(seed):
    from scipy import stats

    rng = np.random.default_rng(seed)
    g2 = np.abs(rng.standard_cauchy(500)) * rng.choice([0.0, 1e-3, 1.0, 50.0], 500)
    g2[:7] = [0.0, 0.0, np.inf, 3.841458820694124, 3.841458820694124, 1e-300, 700.0]
    p = _chi2_sf_1df(g2)
    assert np.array_equal(p, stats.chi2.sf(g2, df=1))
    p = np.concatenate([p, p[:50]])  # ties
    assert np.array_equal(_benjamini_hochberg(p), stats.false_discovery_control(p, method="bh"))
    one = np.array([0.3])
    assert np.array_equal(_benjamini_hochberg(one), stats.false_discovery_control(one, method="bh"))


@pytest.mark.parametrize(("seed", "sublinear"), [(0, False), (1, False), (2, True), (3, True)])
def test_tfidf_equals_sklearn_bit_for_bit(seed, sublinear):
    from sklearn.feature_extraction.text import TfidfTransformer

    rng = np.random.default_rng(seed)
    docs = sp.random(300, 2000, density=0.02, random_state=seed, format="csr", dtype=np.float64)
    docs.data = rng.integers(1, 40, len(docs.data)).astype(np.int64)
    docs = sp.csr_matrix(docs.astype(np.int64))
    docs.data[docs.indptr[5] : docs.indptr[6]] = 0  # an empty document
    docs.eliminate_zeros()
    groups = rng.integers(0, 4, 300)
    indicator = sp.csr_matrix((np.ones(300, dtype=np.int64), (groups, np.arange(300))), shape=(5, 300))
    grouped = sp.csr_matrix(indicator @ docs)  # group 4 is empty
    grouped.sort_indices()
    ours = _Idf(docs, sublinear)
    theirs = TfidfTransformer(norm="l2", use_idf=True, smooth_idf=True, sublinear_tf=sublinear).fit(docs)
    assert np.array_equal(ours.idf, theirs.idf_)
    for counts in (docs, grouped):
        a, b = ours.transform(counts), sp.csr_matrix(theirs.transform(counts))
        assert np.array_equal(a.indptr, b.indptr)
        assert np.array_equal(a.indices, b.indices)
        assert np.array_equal(a.data, b.data)


def test_idf_from_document_frequencies_equals_idf_fitted_on_the_matrix():
    docs = sp.random(50, 300, density=0.05, random_state=3, format="csr")
    docs.data[:] = 1
    fitted = _Idf(docs, False)
    streamed = _Idf.from_doc_freq(np.bincount(docs.indices, minlength=300), 50)
    assert np.array_equal(fitted.idf, streamed.idf)
    assert np.array_equal(fitted.transform(docs).data, streamed.transform(docs).data)
