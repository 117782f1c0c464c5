"""Statistics on a DTM (and on the corpus/tokens); every public function returns a tidy DataFrame."""

from __future__ import annotations

from analysis.stats.collocations import collocations, sentence_tokens
from analysis.stats.dispersion import dispersion
from analysis.stats.frequency import frequency
from analysis.stats.keyness import keyness, year_over_year
from analysis.stats.kwic import kwic
from analysis.stats.phrases import discover_phrases, known_words
from analysis.stats.similarity import similarity
from analysis.stats.slogans import (
    adoption_timeline,
    extract_slogans,
    load_slogan_lexicon,
    slogan_counts,
    slogan_profile,
)
from analysis.stats.tfidf import tfidf_profile
from analysis.stats.trends import slogan_trend, trend

__all__ = [
    "adoption_timeline",
    "collocations",
    "discover_phrases",
    "dispersion",
    "extract_slogans",
    "frequency",
    "keyness",
    "known_words",
    "kwic",
    "load_slogan_lexicon",
    "sentence_tokens",
    "similarity",
    "slogan_counts",
    "slogan_profile",
    "slogan_trend",
    "tfidf_profile",
    "trend",
    "year_over_year",
]
