"""Build analysis/resources/t2s_context_chars.txt: the characters OpenCC's t2s changes only inside a phrase.

t2s converts phrase by phrase (``TSPhrases``), then character by character. A text in which t2s changes
no character on its own can still change where a phrase rewrites a character that is unchanged alone
(回覆 -> 回复, 深沈 -> 深沉). This lists those characters, read from the installed OpenCC's own
dictionary (dumped with the ``opencc_dict`` program the wheel ships), so that ``analysis._text`` can
tell, without converting, that t2s leaves a text as it is: no character changed alone and none of these.

    .venv/bin/python tools/build_t2s_context_chars.py            # write the file
    .venv/bin/python tools/build_t2s_context_chars.py --check    # exit 1 if it differs
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "analysis" / "resources" / "t2s_context_chars.txt"


def opencc_phrases() -> list[tuple[str, str]]:
    """``(phrase, first conversion)`` of OpenCC's TSPhrases dictionary, as installed."""
    import opencc

    clib = Path(opencc.__file__).resolve().parent / "clib"
    tool = clib / "bin" / "opencc_dict"
    source = clib / "share" / "opencc" / "TSPhrases.ocd2"
    if not tool.exists() or not source.exists():
        raise FileNotFoundError(f"{tool} or {source} not found: this OpenCC build does not ship them")
    env = dict(os.environ, LD_LIBRARY_PATH=os.pathsep.join(str(p) for p in (clib / "lib64", clib / "lib")))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "phrases.txt"
        subprocess.run(
            [str(tool), "-i", str(source), "-o", str(out), "-f", "ocd2", "-t", "text"],
            check=True, env=env, capture_output=True,
        )  # fmt: skip
        pairs = []
        for line in out.read_text(encoding="utf-8").splitlines():
            key, _, values = line.partition("\t")
            if key:
                pairs.append((key, values.split(" ")[0]))
    return pairs


def context_chars() -> tuple[str, set[str]]:
    """(OpenCC version, the characters): of each phrase made only of characters t2s leaves alone but
    that t2s changes, the characters that differ (all of them when the length changes)."""
    from analysis._text import convert_script

    chars: set[str] = set()
    for key, _ in opencc_phrases():
        if any(convert_script(c, "t2s") != c for c in key):
            continue  # a text holding it has a character changed alone
        converted = convert_script(key, "t2s")
        if converted == key:
            continue
        if len(converted) == len(key):
            chars.update(a for a, b in zip(key, converted, strict=True) if a != b)
        else:
            chars.update(key)
    return importlib.metadata.version("opencc"), chars


def render(version: str, chars: set[str]) -> str:
    lines = [
        "# Characters that OpenCC's t2s changes only inside a phrase (回覆 -> 回复), one a line.",
        f"# opencc {version}; built by tools/build_t2s_context_chars.py from its TSPhrases; do not edit by hand.",
        f"# opencc-version\t{version}",
        *sorted(chars),
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed file instead of writing")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    text = render(*context_chars())
    if args.check:
        same = OUT.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{OUT} differs from the installed OpenCC's dictionary")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
