"""Real headless Chromium for tests that look at pages (Debian's chromium, driven by Playwright).

Playwright's own browser download cannot run here (no network beyond the
package registries), so it drives the system Chromium (`/usr/bin/chromium`,
installed by `./dev test`). Background networking is off: the page under test
may only load what the test serves.

    with browser_page() as page:
        page.goto(url)
        page.screenshot(path=...)

`page.console` lists the console messages and `page.dialogs` the dialogs the
page opened (a hostile string that executes shows up in one or the other).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",  # tests run as root; the page is our own
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("chromium is not installed (./dev test installs Debian's chromium package)")
    return path


@contextmanager
def browser_page(width: int = 1280, height: int = 900) -> Iterator[Any]:
    """A fresh page in a fresh headless Chromium; records console messages and dialogs on the page object."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=True)
            page = context.new_page()
            page.console = []
            page.dialogs = []
            page.on("console", lambda message: page.console.append(message.text))

            def on_dialog(dialog: Any) -> None:
                page.dialogs.append(dialog.message)
                dialog.dismiss()

            page.on("dialog", on_dialog)
            yield page
        finally:
            browser.close()
