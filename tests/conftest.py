"""Shared fixtures: the bundled sample corpus, ingested once per test session."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
METADATA = ROOT / "data" / "metadata.csv"

# Tests never touch the developer's cache: each session gets its own. Set before analysis.config is
# imported (it reads the variable once), and inherited by the subprocesses tests start.
_SESSION_CACHE = tempfile.mkdtemp(prefix="textlab-test-cache-")
atexit.register(shutil.rmtree, _SESSION_CACHE, ignore_errors=True)
os.environ["TEXTLAB_CACHE"] = _SESSION_CACHE
os.environ.setdefault("TEXTLAB_PROGRESS", "0")


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    """The bundled sample corpus (five real documents, read only)."""
    return RAW


@pytest.fixture(scope="session")
def metadata_csv() -> Path:
    """The sample corpus's override file."""
    return METADATA


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A token cache shared by the tests of one session."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="session")
def sample_corpus(raw_dir: Path, metadata_csv: Path):
    """The sample corpus as a corpus table (with the metadata overrides applied)."""
    from analysis.ingest.corpus import load_corpus

    return load_corpus(raw_dir, metadata_csv, progress=False)
