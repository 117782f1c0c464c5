"""What a reader of a generated HTML report sees, for assertions in the report and notebook tests."""

from __future__ import annotations

import re


def visible(html_text: str) -> str:
    """The report body without nbconvert's own <style>/<script> blocks and inline image data."""
    body = html_text[html_text.find("<body") :]
    body = re.sub(r"<style.*?</style>", "", body, flags=re.S)
    body = re.sub(r"<script[^>]*>(?:(?!</script>).)*</script>", "SCRIPTBLOCK", body, flags=re.S)
    return re.sub(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+", "IMG", body)
