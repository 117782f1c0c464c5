"""Build analysis/resources/cjk_radicals.tsv from the Unicode Character Database.

The mapping of CJK Radicals Supplement (U+2E80-U+2EFF) and Kangxi Radicals (U+2F00-U+2FDF) to their
unified ideographs is the UCD file ``EquivalentUnifiedIdeograph.txt``. Python's ``unicodedata`` does not
carry it (NFKC covers the Kangxi block only) and no maintained PyPI package ships it, so the table is
derived from Debian's ``unicode-data`` package, which installs the whole UCD under /usr/share/unicode:

    apt-get install -y unicode-data
    python tools/build_radicals_table.py            # writes the table
    python tools/build_radicals_table.py --check    # exit 1 when the committed table differs

The table is pinned (committed); ingestion never needs the Debian package. Its header records the
Unicode version the data came from (read from the UCD's ReadMe.txt or the file's own header).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

UCD_DIR = Path("/usr/share/unicode")
SOURCE = "EquivalentUnifiedIdeograph.txt"
ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "analysis" / "resources" / "cjk_radicals.tsv"
# The two blocks the table covers; the UCD file also lists CJK Strokes, which are left alone.
BLOCKS = ((0x2E80, 0x2EFF), (0x2F00, 0x2FDF))
_LINE_RE = re.compile(r"^([0-9A-F]{4,6})(?:\.\.([0-9A-F]{4,6}))?\s*;\s*([0-9A-F]{4,6})\b")
_VERSION_RE = re.compile(r"(\d+\.\d+\.\d+)")


def _in_blocks(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in BLOCKS)


def unicode_version(ucd_dir: Path) -> str:
    """The UCD version: the file's own header (``EquivalentUnifiedIdeograph-15.0.0.txt``) or ReadMe.txt."""
    for candidate in (ucd_dir / SOURCE, ucd_dir / "ReadMe.txt"):
        if candidate.exists():
            head = candidate.read_text(encoding="utf-8", errors="replace")[:2000]
            match = _VERSION_RE.search(head)
            if match:
                return match.group(1)
    raise SystemExit(f"cannot tell the Unicode version of {ucd_dir}")


def parse(path: Path) -> dict[int, int]:
    """Source code point -> unified ideograph, restricted to the two radical blocks."""
    mapping: dict[int, int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _LINE_RE.match(line)
        if not match:
            continue
        first = int(match.group(1), 16)
        last = int(match.group(2) or match.group(1), 16)
        target = int(match.group(3), 16)
        for cp in range(first, last + 1):
            if _in_blocks(cp):
                mapping[cp] = target
    return mapping


def render(mapping: dict[int, int], version: str) -> str:
    lines = [
        f"# CJK radicals -> unified ideographs. Unicode {version}, {SOURCE}",
        "# Blocks: CJK Radicals Supplement U+2E80-U+2EFF, Kangxi Radicals U+2F00-U+2FDF.",
        "# Built by tools/build_radicals_table.py from Debian's unicode-data package; do not edit by hand.",
        "# columns: source code point, target code point, source character, target character",
    ]
    lines += [f"{src:04X}\t{dst:04X}\t{chr(src)}\t{chr(dst)}" for src, dst in sorted(mapping.items())]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ucd", type=Path, default=UCD_DIR, help="folder holding the UCD files")
    parser.add_argument("--out", type=Path, default=TABLE)
    parser.add_argument("--check", action="store_true", help="compare with the committed table only")
    args = parser.parse_args(argv)
    source = args.ucd / SOURCE
    if not source.exists():
        print(f"{source} not found: apt-get install unicode-data (or pass --ucd)", file=sys.stderr)
        return 2
    text = render(parse(source), unicode_version(args.ucd))
    if args.check:
        same = args.out.exists() and args.out.read_text(encoding="utf-8") == text
        print("table up to date" if same else f"{args.out} differs from {source}")
        return 0 if same else 1
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({text.count(chr(10)) - 4} mappings)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
