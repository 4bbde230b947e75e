"""Seeded-defect variants of the reference apps, as data.

A variant is a YAML file under `tests/corpus/`: a base app (a folder under
`tests/apps/`), a list of exact text edits, and what each part of decaycheck
is expected to say about the result. One format serves the suite, verifier
and diagnosis corpora, so a defect is written once and pinned everywhere.

    base: flask                       # tests/apps/flask
    description: feed returns every article
    edits:
      - file: app/services/articles.py
        replace: "filter(follower_ids)"   # must occur exactly once in the file
        with: "filter(True)"
      - file: app/extra.py                # `create` adds a file; `delete: true` removes one
        create: "..."
    expect:                               # each key is read by the tests that own it
      compat: [...]                       # failing assertion ids
      strict: [...]
      findings: [...]
      diagnosis: {category: logic_error, subcategory: incorrect_query_logic, path: ..., line: ...}
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

TESTS = Path(__file__).resolve().parent.parent
APPS = TESTS / "apps"
CORPUS = TESTS / "corpus"
_IGNORE = shutil.ignore_patterns("node_modules", ".venv", "__pycache__", "*.db", ".decaycheck")


class VariantError(ValueError):
    """A variant file that does not apply cleanly to its base app."""


@dataclass
class Variant:
    name: str
    base: str
    description: str
    edits: list[dict[str, Any]]
    expect: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None

    @classmethod
    def load(cls, path: Path) -> Variant:
        data = yaml.safe_load(path.read_text())
        return cls(
            name=path.stem,
            base=data["base"],
            description=data.get("description", ""),
            edits=data.get("edits", []),
            expect=data.get("expect", {}),
            source=path,
        )

    def materialize(self, dest: Path) -> Path:
        """Copy the base app to `dest` and apply the edits; returns `dest`."""
        base = APPS / self.base
        if not base.is_dir():
            raise VariantError(f"{self.name}: no base app {base}")
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(base, dest, ignore=_IGNORE, symlinks=True)
        for edit in self.edits:
            target = dest / edit["file"]
            if edit.get("delete"):
                target.unlink()
            elif "create" in edit:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(edit["create"])
            else:
                text = target.read_text()
                count = text.count(edit["replace"])
                if count != 1:
                    raise VariantError(f"{self.name}: {edit['file']}: 'replace' text occurs {count} times, not once")
                target.write_text(text.replace(edit["replace"], edit["with"]))
        return dest


def load_all(*, base: str | None = None, expecting: str | None = None) -> list[Variant]:
    """Every variant in the corpus, optionally only those of one base app or with one expectation key."""
    variants = [Variant.load(p) for p in sorted(CORPUS.glob("*.yml"))]
    return [v for v in variants if (base is None or v.base == base) and (expecting is None or expecting in v.expect)]
