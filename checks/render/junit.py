"""The JUnit XML rendering of reports, for CI dashboards.

One `<testsuite>` per suite that ran, one `<testcase>` per assertion, named
`<request>: <assertion>` (classname `<suite>.<request>`); a failed assertion
carries a `<failure>` with what was expected and what came back. The
assertions that passed are named from the suite's definition for the suites
decaycheck ships; for a repository's own suite they are numbered. Constraint
findings form a `constraints` testsuite, and an evaluation that could not run
(config error, server that did not start) an `evaluation` testsuite with one
error, so a dashboard never shows an empty, green run. Text the server
produced is stripped of characters XML 1.0 cannot hold.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from functools import cache

from checks.render.common import short
from checks.report import Report, SuiteSummary
from conduit_suite.result import AssertionFailure, RequestResult

_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
MAX_DETAIL = 4000


@dataclass(frozen=True)
class Named:
    """One report and the name its testsuites are prefixed with ('' for a single evaluation)."""

    report: Report
    name: str = ""


def clean(value: object, limit: int | None = None) -> str:
    text = _NOT_XML.sub("\ufffd", str(value))
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


@cache
def _assertion_texts(suite: str) -> dict[str, tuple[str, ...]]:
    """Request name -> its assertion texts, for the suites decaycheck ships ({} for others)."""
    from conduit_suite.suite import load_suite, suite_names

    if suite not in suite_names():
        return {}
    return {r.name: tuple(a.text for a in r.assertions) for r in load_suite(suite).requests}


def _cases(suite: str, request: RequestResult) -> list[tuple[str, AssertionFailure | None]]:
    """(assertion text, its failure or None) for every assertion of the request."""
    failures = list(request.failures)
    texts = _assertion_texts(suite).get(request.name)
    cases: list[tuple[str, AssertionFailure | None]] = []
    if texts is not None and len(texts) == request.total:
        pending = list(failures)
        for text in texts:
            match = next((f for f in pending if f.assertion == text), None)
            if match is not None:
                pending.remove(match)
            cases.append((text, match))
        if not pending:
            return cases
    # a suite of the repository's own, or one whose definition changed: failures by name, passes numbered
    cases = [(f.assertion, f) for f in failures]
    cases += [(f"assertion {n} passed", None) for n in range(1, max(0, request.total - len(failures)) + 1)]
    return cases


def _unique(names: list[str]) -> list[str]:
    seen: Counter[str] = Counter()
    out = []
    for name in names:
        seen[name] += 1
        out.append(name if seen[name] == 1 else f"{name} (#{seen[name]})")
    return out


def _failure_text(request: RequestResult, failure: AssertionFailure) -> str:
    lines = [
        f"request: {request.method} {request.path} ({request.name})",
        f"status: {request.status if request.status is not None else 'no response'}",
        f"assertion: {failure.assertion}",
    ]
    if failure.blocked_by is not None:
        unset = ", ".join(failure.unset)
        lines.append(f"blocked by: {failure.blocked_by}" + (f" ({unset} never set)" if unset else ""))
    lines += [f"expected: {clean(failure.expected, MAX_DETAIL)}", f"actual: {clean(failure.actual, MAX_DETAIL)}"]
    if failure.cites:
        lines.append(f"rule: {failure.cites}")
    if request.error:
        lines.append(f"error: {request.error}")
    return clean("\n".join(lines))


def _suite_element(prefix: str, summary: SuiteSummary) -> ET.Element:
    name = f"{prefix}{summary.suite}"
    element = ET.Element("testsuite")
    failures = 0
    seconds = 0.0
    for request in summary.requests:
        cases = _cases(summary.suite, request)
        per_case = request.elapsed_ms / 1000 / max(1, len(cases))
        seconds += request.elapsed_ms / 1000
        for case_name, (_text, failure) in zip(_unique([f"{request.name}: {t}" for t, _ in cases]), cases):
            case = ET.SubElement(
                element,
                "testcase",
                name=clean(case_name),
                classname=clean(f"{name}.{request.name}"),
                time=f"{per_case:.3f}",
            )
            if failure is not None:
                failures += 1
                message = failure.assertion
                if failure.blocked_by is None and (failure.expected is not None or failure.actual is not None):
                    message += f": expected {short(failure.expected, 200)}, got {short(failure.actual, 200)}"
                ET.SubElement(
                    case, "failure", type=clean(failure.aspect or failure.kind or "assertion"), message=clean(message)
                ).text = _failure_text(request, failure)
    element.attrib.update(
        name=clean(name),
        tests=str(len(element)),
        failures=str(failures),
        errors="0",
        skipped="0",
        time=f"{seconds:.3f}",
    )
    return element


def _constraints_element(prefix: str, report: Report) -> ET.Element | None:
    if not report.constraints and not report.findings:
        return None
    element = ET.Element("testsuite")
    for finding in report.findings:
        where = f"{finding.path}:{finding.line}" if finding.path and finding.line else (finding.path or "repository")
        case = ET.SubElement(
            element,
            "testcase",
            name=clean(f"{finding.rule}: {where}"),
            classname=f"{prefix}constraints.{finding.constraint}",
        )
        ET.SubElement(case, "failure", type=finding.rule, message=clean(finding.message, 1000)).text = clean(
            f"{finding.constraint}/{finding.rule} at {where}\n{finding.message}"
        )
    broken = {f.constraint for f in report.findings}
    for constraint, value in report.constraints.items():
        if constraint not in broken:
            ET.SubElement(element, "testcase", name=clean(f"{constraint}: {value}"), classname=f"{prefix}constraints")
    element.attrib.update(
        name=f"{prefix}constraints", tests=str(len(element)), failures=str(len(report.findings)), errors="0"
    )
    return element


def _evaluation_element(prefix: str, report: Report) -> ET.Element | None:
    problem = report.config_error or report.error
    if problem is None and report.startup != "ok":
        problem = f"the server did not start ({report.startup}): {report.startup_detail}".rstrip(": ")
    if problem is None and not any(s.assertions_total for s in report.suites):
        problem = "no assertion ran"
    if problem is None:
        return None
    element = ET.Element("testsuite", name=f"{prefix}evaluation", tests="1", failures="0", errors="1")
    case = ET.SubElement(element, "testcase", name="evaluation", classname=f"{prefix}evaluation")
    ET.SubElement(case, "error", type="evaluation", message=clean(problem, 1000)).text = clean(
        f"{problem}\n\n{report.server_log_tail[-MAX_DETAIL:]}".rstrip()
    )
    return element


def junit_xml(reports: list[Named]) -> str:
    """A `<testsuites>` document of every report's suites, constraints and evaluation errors."""
    root = ET.Element("testsuites", name="decaycheck")
    for named in reports:
        prefix = f"{named.name}/" if named.name else ""
        report = named.report
        for element in (_evaluation_element(prefix, report), _constraints_element(prefix, report)):
            if element is not None:
                root.append(element)
        for summary in report.suites:
            root.append(_suite_element(prefix, summary))
    suites = list(root)
    for attr in ("tests", "failures", "errors"):
        root.set(attr, str(sum(int(s.get(attr, "0")) for s in suites)))
    root.set("time", f"{sum(float(s.get('time', '0')) for s in suites):.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def junit(report: Report) -> str:
    """The JUnit XML of one evaluation."""
    return junit_xml([Named(report)])
