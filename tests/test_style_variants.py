"""Conduit servers written in other teams' styles lose points in exactly one strict aspect.

Each `tests/corpus/style_*.yml` turns a reference app (Flask, and Express
for Node) into a server written the way other teams write Conduit: per-field
error envelopes, 409 on a duplicate registration, 404 on a login with an
unknown email, `articlesCount` counting the page. None is a bug elsewhere, so
each must fail one aspect only, with the pinned count, as one deviation (one
rule broken, one finding), with nothing blocked; and the pinned ids of both
suites. Each variant gets a fresh server on a fresh database (SQLite for
Flask, PostgreSQL for Express, whose reference app has PostgreSQL drivers
only). Regenerate with `python -m tests.test_style_variants [NAME...]` and
read the diff.
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import pytest

from checks import gate
from checks.config import GateConfig
from checks.report import Report, SuiteSummary
from conduit_suite import SuiteResult, run_suite
from conduit_suite.aspects import ASPECT_NAMES
from tests.support.node_servers import running_node_app
from tests.support.servers import postgres_database, running_app
from tests.support.variants import Variant, load_all
from tests.test_flask_variants import write_pins

pytestmark = pytest.mark.slow

SUITES = ("compat", "strict")
VARIANTS = [v for v in load_all() if v.name.startswith("style_")]
# What each style is, and the one aspect it must show in.
STYLES = {
    "field_errors": "error_envelope",
    "conflict_409": "status_codes",
    "login_404": "status_codes",
    "page_count": "beyond_spec",
}


def run_both(app_dir: Path, base: str) -> dict[str, SuiteResult]:
    """compat then strict against one fresh server of the variant."""
    with ExitStack() as stack:
        if base == "flask":
            url = stack.enter_context(running_app(app_dir))
        else:
            url = stack.enter_context(running_node_app(app_dir, database_url=stack.enter_context(postgres_database())))
        return {suite: run_suite(suite, url) for suite in SUITES}


def failed_by_aspect(result: SuiteResult) -> dict[str, int]:
    return dict(Counter(f.aspect or "" for r in result.requests for f in r.failures))


def test_every_style_is_written_for_flask_and_a_node_app() -> None:
    names = {v.name for v in VARIANTS}
    assert names == {f"style_{base}_{style}" for base in ("flask", "express") for style in STYLES}
    assert all(v.expect.get("strict_aspects") for v in VARIANTS), "unpinned style variant"


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.name for v in VARIANTS])
def test_style_shows_in_exactly_one_aspect_as_one_deviation(variant: Variant, tmp_path: Path) -> None:
    results = run_both(variant.materialize(tmp_path / variant.name), variant.base)
    strict = results["strict"]
    assert {s: results[s].failed_ids() for s in SUITES} == {s: sorted(variant.expect[s]) for s in SUITES}

    style = variant.name.split("_", 2)[2]
    counts = failed_by_aspect(strict)
    assert counts == variant.expect["strict_aspects"]
    assert list(counts) == [STYLES[style]], f"{variant.name} shows in {sorted(counts)}"
    summary = SuiteSummary.of(strict)
    assert [d.aspect for d in summary.deviations] == [STYLES[style]], "one rule broken must be one finding"
    (deviation,) = summary.deviations
    assert deviation.assertions == counts[STYLES[style]] and summary.assertions_blocked == 0
    scores = {a.aspect: (a.passed, a.total) for a in summary.aspects}
    assert set(scores) == set(ASPECT_NAMES)
    assert all(passed == total for aspect, (passed, total) in scores.items() if aspect != STYLES[style])

    # A team that accepts the style leaves that aspect out of its gate, and the server then passes it.
    report = Report(startup="ok").with_suites([results["compat"], strict])
    others = [a for a in ASPECT_NAMES if a != STYLES[style]]
    assert gate.decide(GateConfig(strict_aspects=others), report)[0] is (results["compat"].pass_at_1)
    assert gate.decide(GateConfig(), report)[0] is False


def main(names: list[str]) -> None:
    """Regenerate the pins: `python -m tests.test_style_variants [NAME...]`; then read every diff."""
    chosen = [v for v in VARIANTS if not names or v.name in names]
    with tempfile.TemporaryDirectory() as scratch:
        for variant in chosen:
            results = run_both(variant.materialize(Path(scratch) / variant.name), variant.base)
            pins = {suite: results[suite].failed_ids() for suite in SUITES}
            write_pins(variant, {**pins, "strict_aspects": failed_by_aspect(results["strict"])})
            print(variant.name, {suite: len(ids) for suite, ids in pins.items()}, failed_by_aspect(results["strict"]))


if __name__ == "__main__":
    main(sys.argv[1:])
