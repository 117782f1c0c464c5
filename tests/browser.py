"""A headless Chromium driven over the DevTools protocol, for the browser tests of the report pages.

Debian's ``chromium`` (installed by .ci/run) is started as the tests' user (root on CI) with a fresh
profile and no network services. ``fonts="none-cjk"`` gives it a fontconfig that lists DejaVu only,
so a page reads correctly only with the font it embeds (as on a machine without CJK fonts).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
#: A quiet headless Chromium (root in CI needs --no-sandbox), shared with the PDF fixture makers.
HEADLESS_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
FLAGS = (
    *HEADLESS_FLAGS,
    "--hide-scrollbars",
    "--remote-debugging-port=0",
    "--window-size=1280,900",
)
_DEJAVU_DIRS = ("/usr/share/fonts/truetype/dejavu",)


def print_to_pdf_command(src: Path, pdf: Path, profile: str, *, header_footer: bool = True) -> list[str]:
    """The command printing ``src`` to ``pdf`` with headless Chromium (its print header and footer on
    unless ``header_footer`` is false), using the profile folder ``profile``."""
    cmd = [chromium_path() or "chromium", *HEADLESS_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}"]
    if not header_footer:
        cmd.append("--no-pdf-header-footer")
    return [*cmd, src.as_uri()]


def chromium_path() -> str | None:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _fontconfig_without_cjk(folder: Path) -> Path:
    """A fonts.conf that knows DejaVu only (no CJK font at all), with its own cache folder."""
    dirs = "".join(f"<dir>{d}</dir>" for d in _DEJAVU_DIRS if Path(d).is_dir())
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"{dirs}<cachedir>{folder / 'cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    return conf


class Page:
    """One browser tab: send DevTools commands, collect events (console, exceptions, dialogs)."""

    def __init__(self, ws_url: str) -> None:
        import websocket

        self._ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
        self._id = 0
        self.events: list[dict[str, Any]] = []
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable")

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._ws.close()

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        self._id += 1
        my_id = self._id
        self._ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self._ws.recv())
            if msg.get("id") == my_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self._event(msg)

    def _event(self, msg: dict[str, Any]) -> None:
        self.events.append(msg)
        if msg["method"] == "Page.javascriptDialogOpening":
            # an alert() from a payload would block the page: record it, dismiss it
            self._id += 1
            self._ws.send(json.dumps({"id": self._id, "method": "Page.handleJavaScriptDialog",
                                      "params": {"accept": False}}))  # fmt: skip

    def pump(self, seconds: float) -> None:
        """Read events for ``seconds``."""
        end = time.monotonic() + seconds
        self._ws.settimeout(0.1)
        try:
            while time.monotonic() < end:
                try:
                    msg = json.loads(self._ws.recv())
                except Exception:  # timeout: nothing to read now
                    continue
                if "method" in msg:
                    self._event(msg)
        finally:
            self._ws.settimeout(30)

    def goto(self, url: str, timeout: float = 30.0) -> None:
        self.events.clear()
        self.send("Page.navigate", url=url)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if any(e["method"] == "Page.loadEventFired" for e in self.events):
                return
            self.pump(0.2)
        raise TimeoutError(f"{url}: no load event after {timeout} s")

    def eval(self, expression: str, await_promise: bool = False) -> Any:
        res = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=await_promise)
        if "exceptionDetails" in res:
            raise RuntimeError(f"{expression[:80]}: {res['exceptionDetails']}")
        return res["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 20.0) -> Any:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            value = self.eval(expression)
            if value:
                return value
            self.pump(0.2)
        raise TimeoutError(f"still false after {timeout} s: {expression}")

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and failed loads seen since the last ``goto``."""
        out = []
        for e in self.events:
            p = e.get("params", {})
            if e["method"] == "Runtime.exceptionThrown":
                out.append(f"exception: {p.get('exceptionDetails', {}).get('text')} "
                           f"{p.get('exceptionDetails', {}).get('exception', {}).get('description', '')}")  # fmt: skip
            elif e["method"] == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append("console: " + " ".join(str(a.get("value", a.get("description"))) for a in p["args"]))
            elif e["method"] == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                out.append(f"log: {p['entry'].get('text')} {p['entry'].get('url', '')}")
        return out

    def dialogs(self) -> list[str]:
        return [e["params"].get("message", "") for e in self.events if e["method"] == "Page.javascriptDialogOpening"]

    def screenshot(self, clip: dict[str, float] | None = None) -> bytes:
        params: dict[str, Any] = {"format": "png"}
        if clip:
            params["clip"] = {**clip, "scale": 1}
        return base64.b64decode(self.send("Page.captureScreenshot", **params)["data"])


@contextlib.contextmanager
def chromium(fonts: str = "system") -> Iterator[Page]:
    """A headless Chromium with a fresh profile; yields one page. ``fonts="none-cjk"``: no CJK font."""
    exe = chromium_path()
    if exe is None:
        raise RuntimeError("chromium is not installed (apt-get install chromium)")
    tmp = tempfile.mkdtemp(prefix="textlab-chromium-")
    try:
        profile = Path(tmp) / "profile"
        profile.mkdir()
        env = dict(os.environ)
        if fonts == "none-cjk":
            env["FONTCONFIG_FILE"] = str(_fontconfig_without_cjk(Path(tmp)))
        proc = subprocess.Popen(
            [exe, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,  # its renderer and helper processes too: ended together below
        )
        page = None
        try:
            port_file = profile / "DevToolsActivePort"
            end = time.monotonic() + 30
            while not port_file.is_file() or not port_file.read_text().strip():
                if proc.poll() is not None or time.monotonic() > end:
                    raise RuntimeError(f"chromium did not start (exit code {proc.poll()})")
                time.sleep(0.1)
            port = int(port_file.read_text().split()[0])
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as resp:
                targets = json.loads(resp.read())
            target = next(t for t in targets if t.get("type") == "page")
            page = Page(target["webSocketDebuggerUrl"])
            yield page
        finally:
            if page is not None:
                page.close()
            _stop(proc)
    finally:
        _remove(Path(tmp))


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """End Chromium, then every process of its session: a helper that outlives the browser process
    kept writing into the profile while the folder was being removed (a flaky teardown error)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _remove(folder: Path) -> None:
    """Remove the browser's temporary folder; a file written as it goes (a helper still ending) gets
    a few more tries before the error is raised."""
    for attempt in range(5):
        try:
            shutil.rmtree(folder)
            return
        except FileNotFoundError:
            return
        except OSError:
            if attempt == 4:
                raise
            time.sleep(0.2)
