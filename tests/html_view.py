"""What a reader of a generated HTML report sees, for assertions in the report and notebook tests."""

from __future__ import annotations

import json
import re

_DATA_JSON = re.compile(r'"data_json":\s*("(?:[^"\\]|\\.)*")')


def table_rows(script: str) -> str:
    """The rows an interactive table (itables) shows, as escaped text: its JSON data decoded."""
    out = []
    for m in _DATA_JSON.finditer(script):
        for row in json.loads(json.loads(m.group(1))):
            out.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>")
    return "".join(out)


def visible(html_text: str) -> str:
    """The report body without <style>/<script> blocks and inline image/font data; the rows of
    interactive tables (JSON inside their script) are kept, as the page shows them (escaped)."""
    body = html_text[html_text.find("<body") :]
    body = re.sub(r"<style.*?</style>", "", body, flags=re.S)
    body = re.sub(
        r"<script[^>]*>((?:(?!</script>).)*)</script>",
        lambda m: "SCRIPTBLOCK" + table_rows(m.group(1)),
        body,
        flags=re.S,
    )
    return re.sub(r"data:(?:image/[a-z+]+|font/woff2);base64,[A-Za-z0-9+/=]+", "IMG", body)
