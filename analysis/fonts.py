"""Moved to ``analysis.plots.fonts``; this name stays importable for existing code."""

from analysis.plots.fonts import *  # noqa: F403
from analysis.plots.fonts import __all__  # noqa: F401
