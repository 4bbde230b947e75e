"""The recorded diagnosis corpus: labelled failures of Conduit apps, as data with a schema.

    tests/corpus/diagnosis/
      apps/<framework>/...     eight base apps (Flask, FastAPI, Django, aiohttp, Express, Fastify, Hono, Koa)
      cases/<id>.yml           one labelled failure each (schema: `Case`)
      split.yml                the frozen train/test split (`split_of`)

A case is a defect planted in a base app by exact text edits (the format of
`tests/support/variants.py`), its label (category, subcategory, the file and
line at fault), and the evidence a run records: requests (study level:
status and failed count only; rich: failures with expected/actual, response
excerpts, the dependency graph), the server log as the run wrote it (tail
only, framework formats, ANSI colour where the logger prints it), startup,
and verifier findings. `scripts/diagnosis_corpus/build.py` writes them.

The split is decided by a hash of the case id, never by its content: 30% of
ids fall in `test`. Tables are tuned on `train` only; `test` is read once,
for the figures.
"""

from __future__ import annotations

import hashlib
import shutil
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from checks.diagnosis.model import Category, DiagnosisInput, Subcategory

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "diagnosis"
SPLIT_FILE = CORPUS / "split.yml"
TEST_PERCENT = 30
Framework = Literal["flask", "fastapi", "django", "aiohttp", "express", "fastify", "hono", "koa"]
Split = Literal["train", "test"]


class Label(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: Category
    subcategory: Subcategory | None = None
    path: str = Field(description="Repository-relative file at fault.")
    line: int | None = Field(default=None, description="The line at fault; absent when the fault is a missing piece.")


class Edit(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    file: str
    replace: str
    with_: str = Field(alias="with")


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    app: str = Field(description="Base app folder under apps/.")
    framework: Framework
    database: Literal["postgresql", "sqlite"]
    orm: str
    pattern: str = Field(description="The defect pattern the case instantiates.")
    evidence_level: Literal["study", "rich"]
    description: str
    label: Label
    edits: list[Edit] = Field(default_factory=list)
    evidence: DiagnosisInput

    @property
    def split(self) -> Split:
        return split_of(self.id)

    def materialize(self, dest: Path) -> Path:
        """The base app with the defect planted, at `dest`."""
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(CORPUS / "apps" / self.app, dest)
        for edit in self.edits:
            target = dest / edit.file
            text = target.read_text()
            if text.count(edit.replace) != 1:
                raise ValueError(f"{self.id}: {edit.file}: the replaced text occurs {text.count(edit.replace)} times")
            target.write_text(text.replace(edit.replace, edit.with_))
        return dest


def split_of(case_id: str) -> Split:
    """`test` for 30% of ids, by the SHA-256 of the id: fixed before any tuning, whatever the case says."""
    bucket = int(hashlib.sha256(case_id.encode()).hexdigest()[:8], 16) % 100
    return "test" if bucket < TEST_PERCENT else "train"


@lru_cache(maxsize=1)
def _all() -> tuple[Case, ...]:
    return tuple(Case.model_validate(yaml.safe_load(p.read_text())) for p in sorted((CORPUS / "cases").glob("*.yml")))


def load_cases(split: Split | None = None) -> list[Case]:
    """Every case, or those of one split as recorded in split.yml."""
    recorded = recorded_split()
    return [c for c in _all() if split is None or recorded.get(c.id) == split]


def recorded_split() -> dict[str, Split]:
    data = yaml.safe_load(SPLIT_FILE.read_text()) or {}
    return {case_id: name for name in ("train", "test") for case_id in data.get(name, [])}


def write_split(ids: list[str]) -> None:
    """Record the split of `ids` (the build script calls this; the test checks it against the hash)."""
    by = {
        "train": sorted(i for i in ids if split_of(i) == "train"),
        "test": sorted(i for i in ids if split_of(i) == "test"),
    }
    header = (
        "# The frozen split of the diagnosis corpus: test holds the ids whose SHA-256 falls in the first\n"
        f"# {TEST_PERCENT} of 100 buckets (tests/support/diagnosis_cases.py:split_of). Decided by the id alone,\n"
        "# before any tuning; tables are tuned on train, test is read once for the reported figures.\n"
    )
    SPLIT_FILE.write_text(header + yaml.safe_dump(by, sort_keys=False))
