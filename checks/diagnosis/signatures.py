"""Match a log error against the signature table in `signatures.yml`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from checks.diagnosis.logs import LogError

_TABLE = Path(__file__).with_name("signatures.yml")


@dataclass(frozen=True)
class Signature:
    id: str
    pattern: re.Pattern[str]
    category: str
    subcategory: str | None
    label: str
    dependency: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def signatures() -> tuple[Signature, ...]:
    rows = yaml.safe_load(_TABLE.read_text())
    return tuple(
        Signature(
            id=r["id"],
            pattern=re.compile(r["pattern"], re.IGNORECASE),
            category=r["category"],
            subcategory=r.get("subcategory"),
            label=r["label"],
            dependency=tuple(r.get("dependency") or ()),
        )
        for r in rows
    )


def classify(error: LogError) -> Signature | None:
    """The first signature the error matches, or None for an error we cannot read."""
    text = error.text
    for signature in signatures():
        if signature.pattern.search(text):
            return signature
    return None
