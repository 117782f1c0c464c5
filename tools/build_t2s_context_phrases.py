"""Build analysis/resources/t2s_context_phrases.txt: the phrases in which OpenCC's t2s changes characters it leaves alone.

t2s converts phrase by phrase (``TSPhrases``), then character by character. A text in which t2s changes
no character on its own can still change where a phrase rewrites a character that is unchanged alone
(回覆 -> 回复, 深沈 -> 深沉). This lists those phrases, read from the installed OpenCC's own
dictionary (dumped with the ``opencc_dict`` program the wheel ships), so that ``analysis._text`` can
tell, without converting, that t2s leaves a text as it is: no character changed alone and none of these
phrases.

    .venv/bin/python tools/build_t2s_context_phrases.py            # write the file
    .venv/bin/python tools/build_t2s_context_phrases.py --check    # exit 1 if it differs
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
OUT = ROOT / "analysis" / "resources" / "t2s_context_phrases.txt"


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


def context_phrases() -> tuple[str, dict[str, str]]:
    """(OpenCC version, {phrase: its t2s conversion}) of the phrases made only of characters t2s leaves
    alone that t2s changes."""
    from analysis._text import convert_script

    phrases: dict[str, str] = {}
    for key, _ in opencc_phrases():
        if any(convert_script(c, "t2s") != c for c in key):
            continue  # a text holding it has a character changed alone
        converted = convert_script(key, "t2s")
        if converted != key:
            phrases[key] = converted
    return importlib.metadata.version("opencc"), phrases


def render(version: str, phrases: dict[str, str]) -> str:
    lines = [
        "# Phrases that OpenCC's t2s changes although it leaves each of their characters alone, and what",
        "# it makes of them (回覆 -> 回复). Tab-separated: phrase, conversion.",
        f"# opencc {version}; built by tools/build_t2s_context_phrases.py from its TSPhrases; do not edit by hand.",
        f"# opencc-version\t{version}",
        *(f"{key}\t{value}" for key, value in sorted(phrases.items())),
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed file instead of writing")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    text = render(*context_phrases())
    if args.check:
        same = OUT.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{OUT} differs from the installed OpenCC's dictionary")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
