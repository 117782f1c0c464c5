"""Where Arrow's buffers come from: the C library's ``malloc`` (Arrow's "system" pool), not the bundled
mimalloc that pyarrow uses by default.

Measured on the 2-core machine (2026-11-30, fresh processes): the first use of 1 GB from mimalloc
took 2.4 s against 0.5 s from ``malloc`` (memory a pool reuses costs about 0.1 s either way). A 1 GB
corpus is read, reordered and written as Arrow columns of that size in every command, each a first use
in its process: the ingestion of an unchanged 1 GB folder went from 16-18 s to 12-14 s and the
report's tokenisation from 35 to 32 s, with a slightly lower peak; the notebooks' own work did not
change.

A user's choice (``ARROW_DEFAULT_MEMORY_POOL`` set before the command) is kept.
"""

from __future__ import annotations

import os
import sys

_VARIABLE = "ARROW_DEFAULT_MEMORY_POOL"


def use_system_allocator() -> None:
    """Make ``malloc`` Arrow's default pool in this process and the processes it starts, unless the user
    named a pool. Set before pyarrow loads, the variable decides; if pyarrow is loaded already (a
    notebook that imported pandas first), its default pool is switched for the buffers still to come."""
    if _VARIABLE in os.environ:
        return
    os.environ[_VARIABLE] = "system"
    pa = sys.modules.get("pyarrow")
    if pa is not None:
        pa.set_memory_pool(pa.system_memory_pool())
