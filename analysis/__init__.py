"""textlab analysis: comparative text analytics for Chinese corporate news.

Data flows one way: raw files -> readers -> clean -> corpus -> tokens -> dtm -> stats -> plots -> report.
This module re-exports the public verbs only, each imported lazily on first use.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

from analysis._allocator import use_system_allocator

__version__ = "0.1.0"

use_system_allocator()  # before anything loads pyarrow

# The verbs ``dtm`` and ``select`` share their names with their modules: importing the module anywhere
# (``import analysis.dtm``) makes Python set the package attribute to the module. The package's class
# turns that back into the function, so the verbs stay functions and are still imported lazily (pandas
# and scipy load on first use, not with ``import analysis``: the ingest command never needs scipy).
_VERBS_NAMED_AS_MODULES = ("dtm", "select")


class _Package(types.ModuleType):
    def __setattr__(self, name: str, value: Any) -> None:
        if name in _VERBS_NAMED_AS_MODULES and isinstance(value, types.ModuleType):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "load_corpus": "analysis.ingest.corpus",
    "read_corpus": "analysis.ingest.corpus",
    "ingest": "analysis.ingest.corpus",
    "corpus_summary": "analysis.ingest.corpus",
    "Tokenizer": "analysis.tokens",
    "Tokens": "analysis.tokens",
    "tokenize": "analysis.tokens",
    "DTM": "analysis.dtm",
    "dtm": "analysis.dtm",
    "frequency": "analysis.stats.frequency",
    "dispersion": "analysis.stats.dispersion",
    "tfidf_profile": "analysis.stats.tfidf",
    "keyness": "analysis.stats.keyness",
    "year_over_year": "analysis.stats.keyness",
    "similarity": "analysis.stats.similarity",
    "trend": "analysis.stats.trends",
    "slogan_trend": "analysis.stats.trends",
    "extract_slogans": "analysis.stats.slogans",
    "slogan_profile": "analysis.stats.slogans",
    "adoption_timeline": "analysis.stats.slogans",
    "load_slogan_lexicon": "analysis.stats.slogans",
    "kwic": "analysis.stats.kwic",
    "collocations": "analysis.stats.collocations",
    "discover_phrases": "analysis.stats.phrases",
    "known_words": "analysis.stats.phrases",
    "slogan_counts": "analysis.stats.slogans",
    "sentence_tokens": "analysis.stats.collocations",
    "select": "analysis.select",
    "add_year_hint": "analysis.select",
    "year_hints": "analysis.select",
    "AnalysisError": "analysis.errors",
    "run_reports": "analysis.report.runner",
    "grouped_counts": "analysis.engine.counts",  # issue 12: per-partition counts, summed
    "open_engine": "analysis.engine",
}

# public subpackages reachable as attributes: ``tl.plots.plot_trend(...)``
_SUBPACKAGES: dict[str, str] = {"plots": "analysis.plots"}

__all__ = ["__version__", *sorted(_EXPORTS), *sorted(_SUBPACKAGES)]


def __getattr__(name: str) -> Any:
    if name in _SUBPACKAGES:
        value = importlib.import_module(_SUBPACKAGES[name])
        globals()[name] = value
        return value
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS) | set(_SUBPACKAGES))
