"""Debian's Chromium driven by Playwright, offline: what the browser tests share."""

from __future__ import annotations

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def require_browser():
    """Return playwright's sync API, or skip (fail in CI) when the browser stack is missing."""
    problem = None
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        problem = f"no Chromium at {CHROMIUM} (apt-get install -y chromium)"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        problem = "the playwright Python package is not installed"
    if problem:
        if os.environ.get("COURSE_LIB_REQUIRE_BROWSER") == "1":
            pytest.fail(f"COURSE_LIB_REQUIRE_BROWSER=1 but {problem}")
        pytest.skip(problem)
    return sync_playwright
