"""The HTML rendering of a Report: the App's details page (`/runs/{id}`, the Check Run's details link).

A readable page: the headline and the gate, every suite (by aspect where
the suite names aspects), every failing request with what was expected and
what came back, the findings and root causes with links to the repository's
files at the commit, timings and the server log's tail. Every string on it
came from a pull request (names, bodies, paths, logs), so the template is
rendered by Jinja2 with autoescaping on, links are built here from quoted
paths under the repository's blob URL (never from a PR's own URL), and
`CONTENT_SECURITY_POLICY` forbids every script, plugin, frame and load from
elsewhere, allowing only the page's own stylesheet by its hash.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from checks.render.common import title
from checks.report import Report

TEMPLATES = Path(__file__).parent / "templates"
MAX_FAILURES = 50
MAX_EVIDENCE = 20
MAX_LOG_LINES = 200
MAX_VALUE = 4000


@dataclass(frozen=True)
class Page:
    """What the page says besides the report: which run of which commit, and where its files are."""

    repo: str
    sha: str
    state: str = ""
    conclusion: str = "—"
    pr_number: int | None = None
    check_name: str = ""
    note: str = ""
    blob_url: str = ""  # e.g. https://github.com/acme/conduit/blob/<sha>; '' shows paths without links
    json_href: str = ""

    @property
    def sha_short(self) -> str:
        return self.sha[:12]


def _css() -> str:
    return (TEMPLATES / "details.css").read_text()


@cache
def content_security_policy() -> str:
    """No script, no plugin, no frame, no form, nothing from elsewhere; the page's stylesheet by its hash."""
    digest = base64.b64encode(hashlib.sha256(_css().encode()).digest()).decode()
    return (
        "default-src 'none'; "
        f"style-src 'sha256-{digest}'; "
        "img-src 'none'; script-src 'none'; object-src 'none'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


# Bidirectional overrides and isolates: in a PR's text they reorder what a reviewer reads ("Trojan source").
_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), "\ufffd")


def _plain(value: Any) -> Any:
    """Every `{{ }}` of the page: strings lose their bidi controls (escaping follows)."""
    return value.translate(_BIDI) if isinstance(value, str) else value


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        finalize=_plain,
    )
    env.filters["shown"] = _shown
    return env


def link_builder(page: Page, app_path: str) -> Any:
    """`link(path, line)`: the file at the commit, path quoted under the blob URL (app-relative paths prefixed)."""

    def link(path: str, line: int | None) -> str:
        if not page.blob_url:
            return "#"
        parts = [p for p in PurePosixPath(app_path, path).parts if p not in ("", ".", "/")]
        href = page.blob_url.rstrip("/") + "/" + quote("/".join(parts), safe="/")
        return href + (f"#L{int(line)}" if line else "")

    return link


def details_page(page: Page, report: Report | None) -> str:
    """The whole HTML document."""
    context: dict[str, Any] = {
        "page": page,
        "report": report,
        "css": _css(),
        "max_failures": MAX_FAILURES,
        "max_evidence": MAX_EVIDENCE,
    }
    if report is not None:
        mode = report.gate.get("mode", "blocking")
        context.update(
            headline=title(report),
            gate_mode=mode,
            verdict="neutral" if mode == "informational" else ("ok" if report.gate_passed else "bad"),
            link=link_builder(page, report.app_path),
            log_tail="\n".join(report.server_log_tail.rstrip().splitlines()[-MAX_LOG_LINES:]),
        )
    return _environment().get_template("details.html").render(**context)
