"""The headless Chromium the page tests use: it renders, runs scripts, and records dialogs and console output."""

from __future__ import annotations

from pathlib import Path

from tests.support.browser import browser_page


def test_chromium_renders_a_page_and_reports_what_its_scripts_did(tmp_path: Path) -> None:
    page_file = tmp_path / "page.html"
    page_file.write_text(
        "<!doctype html><title>t</title><h1 id=h>hello</h1>"
        "<script>console.log('ran'); alert('popped'); document.getElementById('h').dataset.seen = '1'</script>"
    )
    with browser_page() as page:
        page.goto(page_file.as_uri())
        page.screenshot(path=str(tmp_path / "shot.png"))
        assert page.inner_text("#h") == "hello"
        assert page.get_attribute("#h", "data-seen") == "1"
        assert page.console == ["ran"] and page.dialogs == ["popped"]
    assert (tmp_path / "shot.png").read_bytes().startswith(b"\x89PNG")
