"""Helpers for the sign-up page tests: the shop's page path from the real CLI, a form filled over HTTP the
way a browser sends it (the CSRF cookie and token from a GET first), and the system's headless Chromium
driven by selenium (skipped, with the reason, where no browser can be started)."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The screenshots land with the project's notes where they exist, else in the temp folder (CI elsewhere).
_NOTES = Path("/work/notes")
SCREENS = Path(os.environ.get("TILL_SCREENS_DIR") or (_NOTES / "screens" / "web" if _NOTES.is_dir()
                                                      else Path(tempfile.gettempdir()) / "till-screens"))


def signup_path(database_url: str, shop: str) -> str:
    """``pos-central signup-url --store NAME``: the page's path, its only line on stdout."""
    done = subprocess.run([sys.executable, "-m", "central.cli", "signup-url", "--database-url", database_url,
                           "--store", shop], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("/"), done.stdout
    return lines[0]


def csrf_token(page_html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page_html)
    assert match, "the form has no CSRF token"
    return html.unescape(match.group(1))


def submit(client, path: str, fields: dict, *, token: str | None = None):
    """Open the form (its cookie lands in ``client``), then post ``fields`` with the page's token."""
    page = client.get(path)
    assert page.status_code == 200, page.text
    data = {"csrf_token": csrf_token(page.text) if token is None else token, "website": "", **fields}
    return client.post(path, data=data)


def chromium(width: int = 1280, height: int = 900, *, javascript: bool = True):
    """A headless Chromium (Debian's chromium and chromium-driver) under selenium, or a skip saying why.
    ``javascript=False`` turns the pages' scripts off (selenium still drives the browser)."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not binary or not driver_path:
        pytest.skip("no browser: install Debian's chromium and chromium-driver (apt-get install chromium "
                    "chromium-driver); .ci/run does")
    try:
        from selenium import webdriver
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("selenium is not installed (the test extra has it)")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={width},{height}", "--lang=en-US"):
        options.add_argument(argument)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    try:
        return webdriver.Chrome(service=Service(driver_path), options=options)
    except WebDriverException as exc:
        pytest.skip(f"Chromium did not start: {str(exc.msg or exc).splitlines()[0]}")


def screenshot(browser, name: str, width: int) -> Path:
    """The whole page laid out ``width`` CSS pixels wide (a phone's when narrow), saved under SCREENS."""
    import base64

    metrics = {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": width < 600}
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    try:
        height = browser.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]["height"]
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", dict(metrics, height=int(height) + 1))
        shot = browser.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    SCREENS.mkdir(parents=True, exist_ok=True)
    target = SCREENS / f"{name}-{width}.png"
    target.write_bytes(base64.b64decode(shot["data"]))
    return target
