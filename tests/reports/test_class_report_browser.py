"""The class report in a real browser: Debian's Chromium through Playwright, offline, checked by axe-core.

A generated class (60 students, three notebooks) is reported into a temporary folder and the
page is opened from disk at laptop width (1366 px). The test checks that nothing is fetched,
that the page fits the width, that every figure has loaded and has alt text, that clicking
(or pressing Enter on) a column header sorts the table, and that axe-core finds no serious or
critical accessibility violation. It saves a screenshot; with
``COURSE_LIB_UPDATE_SCREENSHOTS=1`` it also replaces ``assets/screenshots/class_report.png``.

As for the notebook browser test, a missing Chromium or Playwright skips it locally and fails
it in CI (``COURSE_LIB_REQUIRE_BROWSER=1``); so does a missing ``axe-playwright-python``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from browser_kit import CHROMIUM, CHROMIUM_FLAGS, require_browser
from synthetic_results import synthetic_class, write_results

from course_lib.grading.reports.class_report import build_report

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "assets" / "screenshots" / "class_report.png"
NOTEBOOKS = ["03_multiclass_svm", "05_softmax_cross_entropy", "08_gradients"]
WIDTH = 1366


def require_axe():
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        if os.environ.get("COURSE_LIB_REQUIRE_BROWSER") == "1":
            pytest.fail("COURSE_LIB_REQUIRE_BROWSER=1 but axe-playwright-python is not installed")
        pytest.skip("axe-playwright-python is not installed")
    return Axe


@pytest.fixture
def report_page(tmp_path) -> Path:
    write_results(tmp_path / "grades" / "results", synthetic_class(60, NOTEBOOKS, seed=0))
    page, _ = build_report(tmp_path / "grades")
    return page


def column_values(page, table_id: str, column: int) -> list:
    return page.eval_on_selector_all(
        f"#{table_id} tbody tr",
        "(rows, k) => rows.map(r => r.cells[k].dataset.sort ?? r.cells[k].textContent)", column)


def test_the_class_report_in_chromium(report_page, tmp_path):
    sync_playwright = require_browser()
    Axe = require_axe()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": 900})
            fetched = []
            page.on("request", lambda r: None if r.url.startswith(("file:", "data:")) else fetched.append(r.url))
            page.goto(report_page.as_uri())
            assert page.evaluate("document.documentElement.lang") == "en"
            assert fetched == []
            assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH   # no sideways scrolling

            images = page.eval_on_selector_all("img", "imgs => imgs.map(i => [i.naturalWidth, i.alt])")
            assert len(images) == len(NOTEBOOKS)
            assert all(width > 0 and alt.startswith("Histogram of scores") for width, alt in images)

            # sort the progress table by its total (last column): click, then click again
            total = page.locator("#progress-table thead th").last
            total.locator("button").click()
            assert total.get_attribute("aria-sort") == "ascending"
            ascending = [float(v) for v in column_values(page, "progress-table", 1 + len(NOTEBOOKS) + 1)]
            assert ascending == sorted(ascending) and ascending[0] < ascending[-1]
            total.locator("button").click()
            assert total.get_attribute("aria-sort") == "descending"
            descending = [float(v) for v in column_values(page, "progress-table", 1 + len(NOTEBOOKS) + 1)]
            assert descending == sorted(ascending, reverse=True)
            # the keyboard works too: a text column, sorted with Enter
            student = page.locator("#progress-table thead th").first
            student.locator("button").focus()
            page.keyboard.press("Enter")
            assert student.get_attribute("aria-sort") == "ascending"
            names = column_values(page, "progress-table", 0)
            assert names == sorted(names)

            results = Axe().run(page)
            serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
            assert serious == [], results.generate_report()

            page.evaluate("window.scrollTo(0, 0)")
            shot = tmp_path / "class_report.png"
            page.set_viewport_size({"width": WIDTH, "height": 1500})
            page.screenshot(path=str(shot))
            assert shot.stat().st_size > 10_000
            if os.environ.get("COURSE_LIB_UPDATE_SCREENSHOTS") == "1":
                shutil.copyfile(shot, SCREENSHOT)
        finally:
            browser.close()


def test_twelve_notebooks_fit_laptop_width(tmp_path):
    """Every table of a twelve-notebook class fits 1366 px without scrolling sideways."""
    sync_playwright = require_browser()
    from synthetic_results import EXERCISES

    notebooks = sorted({ex.notebook for ex in EXERCISES.values()})
    assert len(notebooks) == 12
    write_results(tmp_path / "grades" / "results", synthetic_class(15, notebooks, seed=2))
    report, _ = build_report(tmp_path / "grades")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": 900})
            page.goto(report.as_uri())
            assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
            too_wide = page.evaluate(
                "() => [...document.querySelectorAll('.scroll')].filter(r => r.scrollWidth > r.clientWidth)"
                ".map(r => r.querySelector('table').id)")
            assert too_wide == []
        finally:
            browser.close()
