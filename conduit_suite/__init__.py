"""The Conduit behavioural contract: suites as data, a generic runner, per-assertion results.

from conduit_suite import run_suite
result = run_suite("compat", "http://127.0.0.1:8080")
result.assert_pct, result.pass_at_1, result.failed_ids()
"""

from conduit_suite.result import AssertionFailure, RequestResult, SuiteResult
from conduit_suite.runner import UsageError, run_suite
from conduit_suite.suite import Suite, SuiteError, load_suite, suite_names

__all__ = [
    "AssertionFailure",
    "RequestResult",
    "Suite",
    "SuiteError",
    "SuiteResult",
    "UsageError",
    "load_suite",
    "run_suite",
    "suite_names",
]
