"""The check's conclusion: did this evaluation clear the repository's gate?

Policy from `gate:` in the repo config: `pass_at_1` (every counted assertion
passes and no constraint finding), and/or `min_assert_pct` (a floor on A%).
With neither set, pass@1 is required, as in the study. The suites `suites`
names count (default: every behavioural suite that ran, i.e. all but the
OpenAPI conformance ones): each as a whole, and a suite whose assertions
name aspects (strict) over the aspects `strict_aspects` lists (default:
all), so a team can leave out, say, `beyond_spec`. A counted suite that
could not run as written (a script error, a request with no response) fails
pass@1. `conformance: true` also requires every conformance check to pass.
The reason names the suites counted.
"""

from __future__ import annotations

from typing import Any

from checks.config import GateConfig
from checks.report import Report


def policy(cfg: GateConfig) -> dict[str, Any]:
    need_pass = cfg.pass_at_1 if cfg.pass_at_1 is not None else cfg.min_assert_pct is None
    return {
        "mode": cfg.mode,
        "pass_at_1": need_pass,
        "min_assert_pct": cfg.min_assert_pct,
        "strict_aspects": list(cfg.strict_aspects) if cfg.strict_aspects is not None else "all",
        "suites": list(cfg.suites) if cfg.suites is not None else "behavioural",
        "conformance": cfg.conformance,
    }


def decide(cfg: GateConfig, report: Report) -> tuple[bool, str]:
    """(passed, reason) for `report` under the policy; the reason names the first rule not met."""
    rules = policy(cfg)
    if report.config_error:
        return False, "the repository's config could not be read"
    if report.error:
        return False, "the evaluation could not be carried out"
    if report.startup != "ok":
        return False, f"the server did not start ({report.startup})"
    if report.assertions_total == 0:
        return False, "no assertion ran"
    aspects = cfg.strict_aspects
    counted = _counted(report, aspects, cfg.suites)
    if not counted:
        return False, "none of the suites the gate counts ran"
    floor = rules["min_assert_pct"]
    if rules["pass_at_1"]:
        for name, passed, total, scoped in counted:
            if passed < total:
                where = "" if name == report.suite else f"{name}: "
                scope = f" in the aspects counted ({', '.join(aspects or [])})" if scoped else ""
                return False, f"pass@1 required: {where}{total - passed} of {total} assertions failed{scope}"
        for summary in report.suites:
            if summary.suite in [c[0] for c in counted] and summary.problems:
                return False, f"pass@1 required: {summary.suite} did not run as written: {summary.problems[0][:200]}"
        if report.open_findings:
            return False, f"pass@1 required: {len(report.open_findings)} constraint finding(s)"
    if floor is not None:
        for name, passed, total, _scoped in counted:
            pct = round(100.0 * passed / total, 2) if total else 0.0
            if pct < floor:
                where = "A%" if name == report.suite else f"{name} A%"
                return False, f"{where} {pct:.2f} is below the required {floor:g}"
    if cfg.conformance:
        for summary in report.suites:
            if not summary.behavioural and (summary.assertions_passed < summary.assertions_total or summary.problems):
                failed = summary.assertions_total - summary.assertions_passed
                return (
                    False,
                    f"conformance required: {summary.suite}: {failed} of {summary.assertions_total} checks failed",
                )
        if not any(not s.behavioural for s in report.suites):
            return False, "conformance required: the conformance run did not complete"
    met = [
        name
        for name, on in (
            ("pass@1", rules["pass_at_1"]),
            (f"A% ≥ {floor:g}" if floor is not None else "", floor is not None),
            ("conformance", cfg.conformance),
        )
        if on
    ]
    scoped = any(s for *_, s in counted)
    names = f" over {', '.join(c[0] for c in counted)}" if len(report.suites) > 1 else ""
    return True, (
        "met: " + ", ".join(met) + names + (f" (strict aspects: {', '.join(aspects or [])})" if scoped else "")
    )


def _counted(
    report: Report, aspects: list[str] | None, suites: list[str] | None = None
) -> list[tuple[str, int, int, bool]]:
    """(suite, passed, total, restricted to aspects) per counted suite, in the order they ran."""
    if not report.suites:
        return [(report.suite, report.assertions_passed, report.assertions_total, False)]
    out = []
    for summary in report.suites:
        if (suites is None and not summary.behavioural) or (suites is not None and summary.suite not in suites):
            continue
        passed, total = summary.counted(aspects)
        out.append((summary.suite, passed, total, aspects is not None and bool(summary.aspects)))
    return out


def apply(cfg: GateConfig, report: Report) -> Report:
    passed, reason = decide(cfg, report)
    report.gate = {**policy(cfg), "passed": passed, "reason": reason}
    report.gate_passed = passed
    return report
