"""Paths and defaults. Every path the package uses is defined here and nowhere else."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
RESOURCES_DIR = PACKAGE_DIR / "resources"

DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
METADATA_CSV = DATA_DIR / "metadata.csv"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"

# Derived data (token cache, ...) lives outside the user's corpus folder, always.
CACHE_DIR = Path(os.environ.get("TEXTLAB_CACHE", DATA_DIR / "cache"))

# Pinned resource files shipped with the package.
USERDICT_FILE = RESOURCES_DIR / "userdict.txt"
STOPWORDS_FILE = RESOURCES_DIR / "stopwords.txt"
COMPANIES_FILE = RESOURCES_DIR / "companies.csv"
SLOGANS_FILE = RESOURCES_DIR / "slogans.txt"

# Ingestion limits.
MAX_FILE_BYTES = 50 * 1024 * 1024
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx")


def memory_budget() -> int:
    """Bytes the heavy processes of one run may hold together: TEXTLAB_MEMORY_MB, or a third of the
    machine's memory (room for the system, the page cache and the user's own work)."""
    env = os.environ.get("TEXTLAB_MEMORY_MB")
    if env and env.isdigit() and int(env) > 0:
        return int(env) * 2**20
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not a POSIX system: assume a small machine
        total = 8 * 2**30
    return int(total // 3)


def n_jobs_default() -> int:
    """Worker processes for heavy work: all cores, overridable with TEXTLAB_JOBS."""
    env = os.environ.get("TEXTLAB_JOBS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, os.cpu_count() or 1)
