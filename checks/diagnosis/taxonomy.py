"""What each kind of root cause means (taxonomy.yml), typed and checked against the model's categories."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import get_args

import yaml
from pydantic import BaseModel, ConfigDict

from checks.diagnosis.model import Category, Subcategory

_TABLE = Path(__file__).with_name("taxonomy.yml")


class Kind(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    summary: str
    help: str


@cache
def taxonomy() -> dict[str, Kind]:
    """Every category (but `none`) and subcategory, described; raises when the table misses one."""
    table = {name: Kind.model_validate(entry) for name, entry in yaml.safe_load(_TABLE.read_text()).items()}
    expected = {*get_args(Category), *get_args(Subcategory)} - {"none"}
    missing, unknown = expected - table.keys(), table.keys() - expected
    if missing or unknown:
        raise ValueError(f"{_TABLE.name}: missing {sorted(missing)}, unknown {sorted(unknown)}")
    return table
