"""Match a log error against the signature table in `signatures.yml`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from checks.diagnosis.logs import LogError
from checks.diagnosis.model import Category, Subcategory, classification

_TABLE = Path(__file__).with_name("signatures.yml")


@dataclass(frozen=True)
class Signature:
    id: str
    pattern: re.Pattern[str]
    category: Category
    subcategory: Subcategory | None
    label: str
    dependency: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def signatures() -> tuple[Signature, ...]:
    rows = yaml.safe_load(_TABLE.read_text())
    out = []
    for r in rows:
        category, subcategory = classification(r["category"], r.get("subcategory"))
        out.append(
            Signature(
                id=r["id"],
                pattern=re.compile(r["pattern"], re.IGNORECASE),
                category=category,
                subcategory=subcategory,
                label=r["label"],
                dependency=tuple(r.get("dependency") or ()),
            )
        )
    return tuple(out)


def classify(error: LogError) -> Signature | None:
    """The first signature the error matches, or None for an error we cannot read."""
    text = error.text
    for signature in signatures():
        if signature.pattern.search(text):
            return signature
    return None
