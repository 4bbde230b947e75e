"""Each seeded defect of the Flask app fails exactly the assertions pinned in its corpus file.

A change in how the suites count, or a defect that stops (or starts) showing,
changes a failed-id list and fails here. Each variant gets a fresh server on a
fresh SQLite database and runs compat, then strict, as an evaluation of both
suites does; the variants share one venv since only code differs. When a
suite changes on purpose, regenerate with `python -m tests.test_flask_variants`
and read the diff: each pin must be explained by its defect alone.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pytest
import yaml

from conduit_suite import run_suite
from tests.support.servers import running_app
from tests.support.variants import CORPUS, Variant, load_all

pytestmark = pytest.mark.slow

SUITES = ("compat", "strict")
VARIANTS = [v for v in load_all(base="flask") if set(SUITES) <= set(v.expect)]


def failed_ids(app_dir: Path) -> dict[str, list[str]]:
    """Each suite's sorted failed assertion ids, run in order against one server."""
    with running_app(app_dir) as base_url:
        return {suite: run_suite(suite, base_url).failed_ids() for suite in SUITES}


def test_every_flask_variant_pins_both_suites() -> None:
    own = [p.stem for p in CORPUS.glob("flask_*.yml")]
    assert len(own) >= 8
    assert sorted(own) == sorted(v.name for v in VARIANTS if v.name.startswith("flask_"))


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.name for v in VARIANTS])
def test_variant_fails_exactly_the_pinned_assertions(variant: Variant, tmp_path: Path) -> None:
    app_dir = variant.materialize(tmp_path / variant.name)
    actual = failed_ids(app_dir)
    assert actual == {suite: sorted(variant.expect[suite]) for suite in SUITES}
    assert actual["compat"] or actual["strict"], "a seeded defect that no suite notices"


def write_pins(variant: Variant, pins: dict[str, list[str]]) -> None:
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
            pins = failed_ids(variant.materialize(Path(scratch) / variant.name))
            write_pins(variant, pins)
            print(variant.name, {suite: len(ids) for suite, ids in pins.items()})


if __name__ == "__main__":
    main(sys.argv[1:])
