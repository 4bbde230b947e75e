"""The check's conclusion: did this evaluation clear the repository's gate?

Policy from `gate:` in the repo config: `pass_at_1` (every assertion of the
headline suite passes and no constraint finding), and/or `min_assert_pct` (a
floor on A%). With neither set, pass@1 is required, as in the study.
"""

from __future__ import annotations

from typing import Any

from checks.config import GateConfig
from checks.report import Report


def policy(cfg: GateConfig) -> dict[str, Any]:
    need_pass = cfg.pass_at_1 if cfg.pass_at_1 is not None else cfg.min_assert_pct is None
    return {"pass_at_1": need_pass, "min_assert_pct": cfg.min_assert_pct}


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
    if rules["pass_at_1"] and not report.pass_at_1:
        failed = report.assertions_total - report.assertions_passed
        if failed:
            return False, f"pass@1 required: {failed} of {report.assertions_total} assertions failed"
        return False, f"pass@1 required: {len(report.findings)} constraint finding(s)"
    floor = rules["min_assert_pct"]
    if floor is not None and report.assert_pct < floor:
        return False, f"A% {report.assert_pct:.2f} is below the required {floor:g}"
    met = [
        name
        for name, on in (
            ("pass@1", rules["pass_at_1"]),
            (f"A% ≥ {floor:g}" if floor is not None else "", floor is not None),
        )
        if on
    ]
    return True, "met: " + ", ".join(met)


def apply(cfg: GateConfig, report: Report) -> Report:
    passed, reason = decide(cfg, report)
    report.gate = {**policy(cfg), "passed": passed, "reason": reason}
    report.gate_passed = passed
    return report
