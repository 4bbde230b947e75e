"""Each seeded defect of the Flask app fails exactly the assertions pinned in its corpus file.

A change in how the suites count, or a defect that stops (or starts) showing,
changes a failed-id list and fails here; `strict_aspects` pins how many
strict failures each aspect holds, so a change in the aspects the strict
suite gives its assertions shows here too. Each variant gets a fresh server on a
fresh SQLite database and runs compat, then strict, as an evaluation of both
suites does; the variants share one venv since only code differs. When a
suite changes on purpose, regenerate with `python -m tests.test_flask_variants`
and read the diff: each pin must be explained by its defect alone.
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

import pytest
import yaml

from conduit_suite import SuiteResult, run_suite
from tests.support.servers import running_app
from tests.support.variants import CORPUS, Variant, load_all

pytestmark = pytest.mark.slow

SUITES = ("compat", "strict")
VARIANTS = [v for v in load_all(base="flask") if set(SUITES) <= set(v.expect)]


def run_both(app_dir: Path) -> dict[str, SuiteResult]:
    """Each suite's result, run in order against one server."""
    with running_app(app_dir) as base_url:
        return {suite: run_suite(suite, base_url) for suite in SUITES}


def failed_by_aspect(result: SuiteResult) -> dict[str, int]:
    """Failed assertions per aspect, in the order they failed."""
    return dict(Counter(f.aspect or "" for r in result.requests for f in r.failures))


def test_every_flask_variant_pins_both_suites() -> None:
    own = [p.stem for p in CORPUS.glob("flask_*.yml")]
    assert len(own) >= 8
    assert sorted(own) == sorted(v.name for v in VARIANTS if v.name.startswith("flask_"))


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.name for v in VARIANTS])
def test_variant_fails_exactly_the_pinned_assertions(variant: Variant, tmp_path: Path) -> None:
    app_dir = variant.materialize(tmp_path / variant.name)
    results = run_both(app_dir)
    actual = {suite: results[suite].failed_ids() for suite in SUITES}
    assert actual == {suite: sorted(variant.expect[suite]) for suite in SUITES}
    assert actual["compat"] or actual["strict"], "a seeded defect that no suite notices"
    assert failed_by_aspect(results["strict"]) == variant.expect["strict_aspects"]


def write_pins(variant: Variant, pins: dict[str, object]) -> None:
    """Rewrite the variant file's trailing `expect:` block with `pins`, keeping other expectations."""
    assert variant.source is not None
    text = variant.source.read_text()
    head = text[: text.index("\nexpect:")]
    expect = {**variant.expect, **pins}
    variant.source.write_text(head + "\n" + yaml.safe_dump({"expect": expect}, sort_keys=False, width=200))


def main(names: list[str]) -> None:
    """Regenerate the pins: `python -m tests.test_flask_variants [NAME...]`; then read every diff."""
    chosen = [v for v in load_all(base="flask") if v.name.startswith("flask_") and (not names or v.name in names)]
    with tempfile.TemporaryDirectory() as scratch:
        for variant in chosen:
            results = run_both(variant.materialize(Path(scratch) / variant.name))
            pins: dict[str, object] = {suite: results[suite].failed_ids() for suite in SUITES}
            pins["strict_aspects"] = failed_by_aspect(results["strict"])
            write_pins(variant, pins)
            print(variant.name, {suite: len(results[suite].failed_ids()) for suite in SUITES}, pins["strict_aspects"])


if __name__ == "__main__":
    main(sys.argv[1:])
