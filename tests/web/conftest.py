"""A served ledger (real SQLite file, real `warledger serve` process) and a real Chromium
driven by Playwright. Screenshots go to test-artifacts/screenshots/ (or $WARLEDGER_ARTIFACTS)."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import SEED, _need_shared

CHROMIUM = "/usr/bin/chromium"
# As root Chromium needs --no-sandbox; on a closed network it must not reach for Google's services.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
         "--metrics-recording-only", "--no-default-browser-check", "--disable-features=Translate,OptimizationHints"]
PASSWORDS = {"admin": "admin-password-1", "ana": "analyst-password-1", "vera": "viewer-password-1"}
ROLES = {"admin": "admin", "ana": "analyst", "vera": "viewer"}
ROOT = Path(__file__).resolve().parents[2]

# Written for this test: a report whose text carries markup that must stay text.
HOSTILE = """Shelling hits <script>window.__pwned = 1; alert("x")</script> market town

Dateline: Kharkiv, 3 May 2023.

Shelling struck the central market of Kharkiv on Tuesday, killing four civilians, the regional
governor said <img src="x" onerror="window.__pwned = 2">. Local officials said the attack
damaged <b onmouseover="window.__pwned = 3">shops</b> near the station.
"""


def _cli(*args: str, stdin: str | None = None, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "warledger.cli", *args], input=stdin, capture_output=True,
                          text=True, cwd=cwd, check=True, timeout=600)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def artifacts() -> Path:
    out = Path(os.environ.get("WARLEDGER_ARTIFACTS", ROOT / "test-artifacts")) / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture(scope="session")
def served(tmp_path_factory):
    """A ledger holding the bundled sample, the seed report and the hostile report, served on
    loopback; users admin, ana (analyst) and vera (viewer) with passwords."""
    _need_shared()
    work = tmp_path_factory.mktemp("served")
    db = f"sqlite:///{work / 'ledger.sqlite'}"
    (work / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    from warledger.sample import sample_paths
    _cli("ingest", *map(str, sample_paths()), str(SEED),
         str(work / "hostile.txt"), "--db", db, cwd=work)
    for name, password in PASSWORDS.items():
        _cli("users", "add", name, "--role", ROLES[name], "--password-stdin", "--db", db, stdin=password + "\n",
             cwd=work)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "warledger.cli", "serve", "--port", str(port), "--db", db],
                            cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(base + "/health", timeout=1) as r:
                if json.load(r)["status"] == "ok":
                    break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("warledger serve exited: " + proc.stdout.read()) from None
            time.sleep(0.1)
    yield {"base": base, "db": db, "work": work}
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() or not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


class Visit:
    """A browser context that records every request its pages make."""

    def __init__(self, browser, base: str):
        self.base = base
        self.context = browser.new_context(viewport={"width": 1300, "height": 900})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context.on("request", lambda r: self.requests.append(r.url))
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def login(self, name: str) -> None:
        self.page.goto(self.base + "/login")
        self.page.fill("input[name=name]", name)
        self.page.fill("input[name=password]", PASSWORDS[name])
        self.page.click("form[action='/login'] button[type=submit]")
        self.page.wait_for_url(self.base + "/map")

    def offsite(self) -> list[str]:
        return [u for u in self.requests
                if not (u.startswith(self.base + "/") or u.startswith("data:") or u.startswith("blob:" + self.base))]


@pytest.fixture
def visit(browser, served):
    opened: list[Visit] = []

    def make() -> Visit:
        v = Visit(browser, served["base"])
        opened.append(v)
        return v
    yield make
    for v in opened:
        v.context.close()
