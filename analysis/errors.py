"""One root exception class for the package, and the few specific ones callers may catch."""

from __future__ import annotations

from pathlib import Path


class AnalysisError(Exception):
    """Root of every error this package raises on purpose."""


class ReadError(AnalysisError):
    """A file could not be turned into text. Carries the path and a one-line reason."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class CorpusError(AnalysisError):
    """The corpus as a whole is unusable (missing folder, no readable document, bad metadata file)."""
