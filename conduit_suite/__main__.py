"""`python -m conduit_suite --base-url URL [--api-prefix /api] [--suite NAME | --plan FILE|-] [--json FILE]`.

The entry point the sandbox runs inside the pod, so it needs nothing beyond
the suite's own dependencies: plain argparse, a plain-text table, JSON out.
`--plan` reads a `SuitePlan` (JSON; `-` for stdin): a repository's suite
file, Postman collection or OpenAPI document as the host resolved it.
Exit codes: 0 every assertion passed, 1 any failed, 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pydantic import ValidationError

from conduit_suite.plan import SuitePlan, run_plan
from conduit_suite.result import SuiteResult
from conduit_suite.runner import UsageError, run_suite
from conduit_suite.suite import SuiteError, suite_names


def text_table(result: SuiteResult) -> str:
    """One line per request and a totals line, for logs and terminals."""
    width = max((len(r.name) for r in result.requests), default=4)
    pwidth = max((len(r.path) for r in result.requests), default=4)
    lines = [f"{'request':<{width}}  {'method':<6}  {'path':<{pwidth}}  status  passed"]
    for r in result.requests:
        status = str(r.status) if r.status is not None else "-"
        mark = "" if r.passed == r.total else "  FAIL" + (f" ({r.error})" if r.error else "")
        lines.append(f"{r.name:<{width}}  {r.method:<6}  {r.path:<{pwidth}}  {status:>6}  {r.passed}/{r.total}{mark}")
    lines.append(
        f"{result.suite}: {result.assertions_passed}/{result.assertions_total} assertions "
        f"(A% {result.assert_pct:.2f}), pass@1 {int(result.pass_at_1)}, {result.elapsed_ms:.0f} ms"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m conduit_suite", description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True, help="server root, e.g. http://127.0.0.1:8080")
    parser.add_argument("--api-prefix", default="/api")
    parser.add_argument("--suite", default="compat", help=f"one of {', '.join(suite_names())}")
    parser.add_argument("--plan", help="a SuitePlan JSON file to run instead of --suite ('-': stdin)")
    parser.add_argument("--json", type=Path, help="write the result as JSON to this file")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    parser.add_argument("--deadline", type=float, default=None, help="seconds for the whole run")
    args = parser.parse_args(argv)
    try:
        if args.plan:
            text = sys.stdin.read() if args.plan == "-" else Path(args.plan).read_text()
            plan = SuitePlan.model_validate_json(text)
            result = run_plan(plan, args.base_url, args.api_prefix, timeout=args.timeout, deadline=args.deadline)
        else:
            result = run_suite(args.suite, args.base_url, args.api_prefix, timeout=args.timeout, deadline=args.deadline)
    except (UsageError, SuiteError, ValidationError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(text_table(result))
    for problem in result.problems:
        print(f"problem: {problem}")
    if args.json:
        args.json.write_text(json.dumps(result.summary(), indent=2))
    return 0 if result.pass_at_1 else 1


if __name__ == "__main__":
    sys.exit(main())
