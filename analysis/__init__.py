"""textlab analysis: comparative text analytics for Chinese corporate news.

Data flows one way: raw files -> readers -> clean -> corpus -> tokens -> dtm -> stats -> plots -> report.
This module re-exports the public verbs only.
"""

from __future__ import annotations

__version__ = "0.1.0"

from analysis.corpus import load_corpus

__all__ = ["__version__", "load_corpus"]
