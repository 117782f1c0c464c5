"""File names and links of a corpus folder, whatever bytes they hold.

* A file name is any bytes on POSIX; Python hands the undecodable ones over as lone surrogates, which
  no UTF-8 file (Parquet, CSV, HTML) can hold. :func:`display` gives the readable form used in every
  table and report: valid UTF-8 as it is, each other byte as ``\\xNN`` (``badname_\\xff\\xfe.txt``, as
  zip archives made on Chinese Windows produce). :func:`on_disk` finds the file again from that form.
* A link inside the corpus folder that leads out of it (``passwd.txt -> /etc/passwd``, ``all -> /``)
  is not followed unless the user asks (``--follow-links``): :func:`leaves` tells, and the file or
  folder is reported as skipped with :func:`link_reason`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

__all__ = ["display", "leaves", "link_reason", "on_disk"]

_ESCAPE_RE = re.compile(rb"\\x([0-9a-f]{2})")


def display(rel: str) -> str:
    """The readable form of a relative path: undecodable bytes of the name written as ``\\xNN``."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(rel).decode("utf-8", errors="backslashreplace")
    return rel


def on_disk(root: str | Path, rel: str) -> Path:
    """The file that ``display`` form ``rel`` names below ``root`` (the name itself when it exists)."""
    path = Path(root) / rel
    if "\\x" not in rel or os.path.lexists(path):
        return path
    raw = _ESCAPE_RE.sub(lambda m: bytes([int(m.group(1), 16)]), rel.encode("utf-8"))
    return Path(root) / os.fsdecode(raw)


def leaves(path: str | Path, root: str | Path) -> bool:
    """True when ``path`` (below ``root``) resolves, through links, to a place outside ``root``."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    return real != real_root and not real.startswith(real_root.rstrip(os.sep) + os.sep)


def link_reason(path: str | Path) -> str:
    """Why a link that leaves the corpus folder is skipped, naming its target."""
    target = display(os.path.realpath(path))
    kind = "folder" if os.path.isdir(path) else "file"
    return f"link to a {kind} outside the corpus folder ({target}); not followed (use --follow-links)"
