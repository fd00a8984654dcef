"""The playground in a real browser: JupyterLab on loopback, headless Chromium driven by Playwright.

The test writes a one-cell notebook into a temporary folder, starts ``jupyter lab`` there
(token, no news or update checks, settings and workspaces kept in the temporary folder),
opens the notebook in Debian's Chromium (``/usr/bin/chromium``; nothing is downloaded),
runs all cells, moves the first weight slider with the keyboard and checks that the loss
the widget shows changes. Server and browser are stopped even when the test fails.

With ``COURSE_LIB_REQUIRE_BROWSER=1`` (set in CI) a missing Chromium or Playwright is a
failure; otherwise the test is skipped.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from browser_kit import CHROMIUM, CHROMIUM_FLAGS, require_browser

SERVER_TIMEOUT_S = 60
UI_TIMEOUT_MS = 60_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_notebook(folder: Path) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("from course_lib.widgets import playground\ndemo = playground()\ndemo")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / "playground.ipynb")
    return "playground.ipynb"


def quiet_settings(folder: Path) -> Path:
    """A JupyterLab user-settings folder with the news and update checks turned off."""
    settings = folder / "settings"
    target = settings / "@jupyterlab" / "apputils-extension"
    target.mkdir(parents=True)
    (target / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    return settings


@pytest.fixture
def jupyter_server(tmp_path):
    """Start jupyter lab on 127.0.0.1 in ``tmp_path/root``; yield (base url, token); always stop it."""
    root = tmp_path / "root"
    root.mkdir()
    notebook = write_notebook(root)
    token = secrets.token_hex(16)
    port = free_port()
    env = dict(os.environ,
               JUPYTERLAB_SETTINGS_DIR=str(quiet_settings(tmp_path)),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    jupyter = shutil.which("jupyter", path=str(Path(sys.executable).parent)) or "jupyter"
    log = open(tmp_path / "server.log", "wb")
    server = subprocess.Popen(
        [jupyter, "lab", "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
         "--LabApp.expose_app_in_browser=True", "--ServerApp.port_retries=0"],
        stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_TIMEOUT_S
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {server.returncode}:\n"
                                   + (tmp_path / "server.log").read_text()[-2000:])
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"jupyter lab did not answer within {SERVER_TIMEOUT_S} s")
            time.sleep(0.3)
        yield base, token, notebook
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def shown_hinge_loss(page) -> str:
    """The hinge loss as the playground's readout shows it."""
    return page.locator("table.course-lib-readout tr").first.locator("code").inner_text()


def test_playground_slider_changes_the_loss_in_jupyterlab(jupyter_server):
    sync_playwright = require_browser()
    base, token, notebook = jupyter_server
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(UI_TIMEOUT_MS)
            page.goto(f"{base}/lab/tree/{notebook}?token={token}")
            page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                                   " && window.jupyterapp.shell.currentWidget.sessionContext")
            page.wait_for_function(
                "() => { const k = window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel;"
                " return k && k.status === 'idle'; }")
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
            readout = page.locator("table.course-lib-readout")
            readout.wait_for(state="visible")
            before = shown_hinge_loss(page)
            first_slider = page.locator(".widget-slider").filter(has_text="W[0,0]").first
            handle = first_slider.locator(".noUi-handle")
            handle.focus()
            for _ in range(10):
                handle.press("ArrowRight")
            page.wait_for_function(
                "(before) => { const c = document.querySelector('table.course-lib-readout tr code');"
                " return c && c.textContent !== before; }", arg=before)
            after = shown_hinge_loss(page)
            assert after != before
            assert first_slider.locator(".widget-readout").inner_text().strip() != "0.00"
            assert float(after) >= 0.0
        finally:
            browser.close()
