"""Moved to ``analysis.report.notebook``; this name stays importable for existing notebooks."""

from analysis.report.notebook import *  # noqa: F403
from analysis.report.notebook import __all__  # noqa: F401
