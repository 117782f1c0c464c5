"""Arrow's default memory pool: malloc unless the user chose one (analysis/_allocator.py)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _backend(code: str, **env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    out = subprocess.run(
        [sys.executable, "-c", code + "; print(pa.default_memory_pool().backend_name)"],
        env={**environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def test_importing_the_package_makes_malloc_the_pool() -> None:
    assert _backend("import analysis, pyarrow as pa") == "system"


def test_a_pool_already_loaded_is_switched() -> None:
    # a notebook that imported pandas (and so pyarrow) first
    assert _backend("import pyarrow as pa, pandas; pa.default_memory_pool(); import analysis") == "system"


@pytest.mark.parametrize("pool", ["mimalloc", "jemalloc"])
def test_the_users_choice_is_kept(pool: str) -> None:
    import pyarrow as pa

    if pool not in pa.supported_memory_backends():
        pytest.skip(f"this pyarrow has no {pool}")
    assert _backend("import analysis, pyarrow as pa", ARROW_DEFAULT_MEMORY_POOL=pool) == pool


def test_started_processes_inherit_it() -> None:
    code = (
        "import analysis, subprocess, sys; "
        "print(subprocess.run([sys.executable, '-c', 'import pyarrow as pa; "
        "print(pa.default_memory_pool().backend_name)'], capture_output=True, text=True).stdout.strip()); "
        "import pyarrow as pa"
    )
    assert _backend(code).split()[0] == "system"
