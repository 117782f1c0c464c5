"""Every report page opened in headless Chromium, as a reader opens a shared file.

No console error and no request outside the page; hostile text from the corpus shows as text and never
runs; long tables sort and filter; the embedded font is loaded; and, in a browser that has no CJK font
at all, Chinese text still draws as real glyphs (screenshots), not as identical boxes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from browser import Page, chromium, chromium_path

from analysis import config
from analysis.report.pages import EMBEDDED_FAMILY

if chromium_path() is None:
    if os.environ.get("CI"):
        pytest.fail("chromium is missing: .ci/run installs it (apt-get install chromium)", pytrace=False)
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)

PAYLOAD = "<script>alert('title')</script>"
IMG_PAYLOAD = "<img src=x onerror=alert('img')>"
PAGES = [
    "index",
    "00-corpus-overview",
    "10-keywords",
    "20-company-comparison",
    "30-year-trends",
    "40-slogans",
    "50-term-explorer",
    "60-analyst-walkthrough",
]
# the interactive tables of a page are ready when every itables table has become a DataTable
TABLES_READY = (
    "document.querySelectorAll('table[id^=itables_]').length"
    " === document.querySelectorAll('table.dataTable').length"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, raw_dir: Path, metadata_csv: Path) -> Iterator[Path]:
    """The report set for the sample corpus plus two hostile documents (markup in titles and text)."""
    base = tmp_path_factory.mktemp("browser")
    corpus = base / "corpus"
    shutil.copytree(raw_dir, corpus)
    (corpus / "901-hostile.txt").write_text(
        f"# {PAYLOAD}中国联通全面从严治党推进会\n\n发布时间：2024-03-05\n\n"
        f"中国联通坚持全面从严治党，{IMG_PAYLOAD}全面从严治党永远在路上。{PAYLOAD}\n",
        encoding="utf-8",
    )
    (corpus / "902-hostile.txt").write_text(
        "中国联通党委会议\n\n发布时间：2023-06-01\n\n"
        "会议强调把全面从严治党要求贯彻到底 <img src=x onerror=alert('open') 全面从严治党向纵深发展。\n",
        encoding="utf-8",
    )
    metadata = base / "metadata.csv"
    overrides = pd.read_csv(metadata_csv, dtype=str)
    extra = pd.DataFrame({"path": ["901-hostile.txt"], "title": [f"{PAYLOAD}{IMG_PAYLOAD}标题"]})
    pd.concat([overrides, extra], ignore_index=True).to_csv(metadata, index=False)
    out = base / "out"
    # built by the command line in its own process, as a user builds it (and the test process stays small)
    run = subprocess.run(
        [sys.executable, "-m", "analysis", "report", "--corpus", str(corpus), "--metadata", str(metadata),
         "--out", str(out)],
        cwd=config.PROJECT_ROOT, env={**os.environ, "TEXTLAB_CACHE": str(base / "cache")},
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    yield out


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    with chromium() as p:
        yield p


@pytest.fixture(scope="module")
def bare_page() -> Iterator[Page]:
    """A browser that has no CJK font at all (fontconfig limited to DejaVu)."""
    with chromium(fonts="none-cjk") as p:
        yield p


def open_page(page: Page, site: Path, name: str) -> None:
    page.goto((site / f"{name}.html").as_uri())
    page.wait_for(TABLES_READY)
    page.wait_for("document.fonts.status === 'loaded'")
    page.pump(0.3)


@pytest.mark.parametrize("name", PAGES)
def test_page_opens_cleanly_and_nothing_hostile_runs(page: Page, site: Path, name: str) -> None:
    open_page(page, site, name)
    assert page.errors() == []
    assert page.dialogs() == [], "a payload from the corpus ran"
    # nothing is fetched from outside the page (no CDN script, font or style)
    urls = page.eval("performance.getEntriesByType('resource').map(e => e.name)")
    assert [u for u in urls if not u.startswith(("data:", "blob:", "file:"))] == []
    fonts = page.eval("[...document.fonts].map(f => [f.family.replace(/\"/g, ''), f.status])")
    assert [EMBEDDED_FAMILY, "loaded"] in fonts
    assert page.eval(f"document.fonts.check('16px \"{EMBEDDED_FAMILY}\"', '全面从严治党')")


def test_hostile_text_shows_as_text(page: Page, site: Path) -> None:
    open_page(page, site, "50-term-explorer")
    # the KWIC table of 全面从严治党 is long, hence interactive; contexts and titles carry the payloads
    page.eval(
        "document.querySelectorAll('.dt-container input[type=search]').forEach(box => {"
        " box.value = 'alert'; box.dispatchEvent(new Event('input', {bubbles: true})); })"
    )
    page.pump(0.5)
    text = page.eval("document.body.innerText")
    assert "alert('open')" in text and "<script>alert('title')" in text
    assert page.eval("document.querySelectorAll('img[onerror]').length") == 0
    open_page(page, site, "00-corpus-overview")
    assert PAYLOAD in page.eval("document.body.innerText")
    assert page.dialogs() == []


def _column(page: Page, table: int, col: int) -> list[str]:
    return page.eval(
        f"[...document.querySelectorAll('table.dataTable')[{table}].querySelectorAll('tbody tr')]"
        f".map(tr => tr.children[{col}] ? tr.children[{col}].innerText : '')"
    )


def test_long_tables_sort_filter_and_page(page: Page, site: Path) -> None:
    open_page(page, site, "40-slogans")
    headers = page.eval(
        "[...document.querySelectorAll('table.dataTable')[0].querySelectorAll('thead th')].map(th => th.innerText)"
    )
    col = [h.strip() for h in headers].index("count")
    total = page.eval("document.querySelectorAll('table.dataTable')[0].closest('.dt-container')"
                      ".querySelector('.dt-info').innerText")  # fmt: skip
    assert len(_column(page, 0, col)) == 15, "paged: the first 15 rows show first"
    align = page.eval(
        "[...document.querySelectorAll('table.dataTable')[0].querySelectorAll('tbody tr:first-child td')]"
        ".map(td => getComputedStyle(td).textAlign)"
    )
    assert align[col] == "right" and align[[h.strip() for h in headers].index("slogan")] == "left"
    click = (
        "document.querySelectorAll('table.dataTable')[0].querySelectorAll('thead th')"
        f"[{col}].click()"
    )
    page.eval(click)
    page.pump(0.3)
    first = [float(v.replace(",", "")) for v in _column(page, 0, col)]
    page.eval(click)
    page.pump(0.3)
    second = [float(v.replace(",", "")) for v in _column(page, 0, col)]
    assert first == sorted(first) or first == sorted(first, reverse=True)
    assert second == sorted(second, reverse=first == sorted(first)) and second != first
    # filter: only rows mentioning 两个维护 remain
    page.eval(
        "(() => { const box = document.querySelectorAll('table.dataTable')[0].closest('.dt-container')"
        ".querySelector('input[type=search]'); box.value = '两个维护';"
        " box.dispatchEvent(new Event('input', {bubbles: true})); })()"
    )
    page.pump(0.5)
    rows = page.eval(
        "[...document.querySelectorAll('table.dataTable')[0].querySelectorAll('tbody tr')].map(tr => tr.innerText)"
    )
    assert rows and all("两个维护" in r for r in rows)
    info = page.eval("document.querySelectorAll('table.dataTable')[0].closest('.dt-container')"
                     ".querySelector('.dt-info').innerText")  # fmt: skip
    assert info != total
    # the CSV button is there for the whole table
    assert page.eval("!!document.querySelector('.dt-container button.buttons-csv')")


PROBE = """(() => {
  const make = (text, family) => {
    const el = document.createElement('span');
    el.textContent = text;
    el.style.cssText = 'position:fixed;left:10px;top:10px;font-size:48px;line-height:1;background:#fff;'
      + 'color:#000;padding:2px;z-index:99999;' + (family ? 'font-family:' + family : '');
    document.body.appendChild(el);
    const r = el.getBoundingClientRect();
    return {el, clip: {x: r.x, y: r.y, width: Math.ceil(r.width), height: Math.ceil(r.height)}};
  };
  window.__probe = make;
  return true;
})()"""


def _shot(page: Page, text: str, family: str) -> bytes:
    rect = page.eval(
        f"(() => {{ const p = window.__probe({text!r}, {family!r}); const c = p.clip;"
        " window.__last = p.el; return c; })()"
    )
    png = page.screenshot(rect)
    page.eval("window.__last.remove()")
    return png


@pytest.mark.parametrize("name", ["index", "40-slogans"])
def test_pages_read_without_any_cjk_system_font(bare_page: Page, site: Path, name: str) -> None:
    """Screenshots: with the page's own font, two different Chinese words draw differently; with the
    browser's fonts only (none has CJK glyphs here), both are the same row of boxes."""
    open_page(bare_page, site, name)
    assert bare_page.eval(PROBE)
    # control: no CJK font in this browser, so different words give identical boxes
    assert _shot(bare_page, "中国联通", "sans-serif") == _shot(bare_page, "党风廉政", "sans-serif")
    # the page's font (inherited from the body) draws real, distinct glyphs
    assert _shot(bare_page, "中国联通", "") != _shot(bare_page, "党风廉政", "")
    # and the page's own text is drawn with it: its first heading renders like the probe does
    family = bare_page.eval("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert EMBEDDED_FAMILY in family
