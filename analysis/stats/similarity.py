"""Cosine similarity between groups (or documents) on their TF-IDF profiles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis.dtm import DTM
from analysis.errors import AnalysisError
from analysis.stats.tfidf import tfidf_matrix

__all__ = ["similarity"]


def similarity(
    dtm: DTM,
    by: str | Sequence[str] | None = "company",
    *,
    weighting: Literal["tfidf", "count"] = "tfidf",
) -> pd.DataFrame:
    """Square matrix of cosine similarities between the groups of docvar(s) ``by`` (documents if None).

    weighting="tfidf" (default) compares the same group profiles as ``tfidf_profile``: summed group
    counts weighted by the IDF learned over the documents, L2-normalised. weighting="count" compares
    raw count vectors (equivalently, rate vectors).

    Returns a DataFrame with index = columns = group labels (in ``DTM.group`` order, or doc_id),
    values in [0, 1], symmetric, diagonal 1. A group without any token has no direction: its row and
    column are NaN.
    """
    if weighting == "tfidf":
        vectors, _, labels = tfidf_matrix(dtm, by)
    elif weighting == "count":
        _, counts, labels = tfidf_matrix(dtm, by)
        vectors = counts.astype(np.float64)
    else:
        raise AnalysisError(f"weighting must be 'tfidf' or 'count', got {weighting!r}")
    return cosine_table(vectors, labels)


def cosine_table(vectors: sp.spmatrix, labels: np.ndarray) -> pd.DataFrame:
    """The ``similarity`` table of the row ``vectors`` named by ``labels``."""
    vectors = sp.csr_matrix(vectors)
    norms = np.sqrt(np.asarray(vectors.multiply(vectors).sum(axis=1)).ravel())
    empty = norms == 0
    inv = np.divide(1.0, norms, out=np.zeros_like(norms), where=~empty)
    unit = sp.diags(inv) @ vectors
    sims = np.asarray((unit @ unit.T).toarray(), dtype=np.float64)
    sims = np.clip((sims + sims.T) / 2.0, 0.0, 1.0)  # exact symmetry; clip rounding past 1
    np.fill_diagonal(sims, 1.0)
    sims[empty, :] = np.nan
    sims[:, empty] = np.nan
    index = pd.Index(labels, name="group")
    return pd.DataFrame(sims, index=index, columns=index.rename("group"))
