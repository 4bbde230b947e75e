"""The structural constraints a repository declares, and the study's L0..L3 shorthand.

The levels are cumulative, as in the constraint-decay study: L0 the framework
alone; L1 adds Clean Architecture; L2 adds a database; L3 adds an ORM.
"""

from __future__ import annotations

import fnmatch
from typing import Literal, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field

Framework = Literal["flask", "fastapi", "django", "aiohttp", "express", "fastify", "hono", "koa"]
Architecture = Literal["clean", "none"]
Database = Literal["postgresql", "sqlite"]
Orm = Literal["sqlalchemy", "sqlmodel", "django", "sequelize", "knex", "prisma", "typeorm", "none"]
Level = Literal["L0", "L1", "L2", "L3"]

PYTHON_FRAMEWORKS: frozenset[str] = frozenset({"flask", "fastapi", "django", "aiohttp"})
NODE_FRAMEWORKS: frozenset[str] = frozenset({"express", "fastify", "hono", "koa"})

LEVELS: tuple[Level, ...] = get_args(Level)
FRAMEWORKS: tuple[Framework, ...] = get_args(Framework)
ARCHITECTURES: tuple[Architecture, ...] = get_args(Architecture)
DATABASES: tuple[Database, ...] = get_args(Database)
ORMS: tuple[Orm, ...] = get_args(Orm)
Choice = TypeVar("Choice", bound=str)


def one_of(value: object, allowed: tuple[Choice, ...]) -> Choice | None:
    """`value` as the member of `allowed` it equals, or None."""
    return next((option for option in allowed if option == value), None)


class Constraints(BaseModel):
    """What the repo promises. `None` means not declared, so not checked."""

    framework: Framework | None = None
    architecture: Architecture | None = None
    database: Database | None = None
    orm: Orm | None = None

    @classmethod
    def from_level(
        cls, level: Level, *, framework: Framework | None = None, database: Database = "postgresql"
    ) -> Constraints:
        """Expand a study level; the ORM follows the runtime (SQLAlchemy for Python, Sequelize for Node)."""
        rank = int(level[1])
        orm: Orm | None = None
        if rank >= 3:
            orm = "sequelize" if framework in NODE_FRAMEWORKS else "sqlalchemy"
        return cls(
            framework=framework,
            architecture="clean" if rank >= 1 else None,
            database=database if rank >= 2 else None,
            orm=orm,
        )

    def declared(self) -> dict[str, str]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


LayerName = Literal["routes", "services", "repositories", "models"]


class Waiver(BaseModel):
    """A finding the repository accepts, with its reason: kept visible, never failing the gate or a root cause.

    `rule` is a rule id or a glob of them (`orm.*`); `path` a glob of
    app-relative paths (`**` or `*` cross folders); absent, anywhere.
    """

    model_config = ConfigDict(extra="forbid")

    rule: str = Field(min_length=1)
    path: str | None = None
    reason: str = Field(min_length=1)

    def covers(self, rule: str, path: str | None) -> bool:
        if not fnmatch.fnmatchcase(rule, self.rule):
            return False
        return self.path is None or (path is not None and path_matches(path, self.path))


def path_matches(path: str, pattern: str) -> bool:
    """A glob over a repository-relative path; a pattern without wildcards also names a folder and all below it."""
    pattern = pattern.strip("/").removeprefix("./")
    if fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase(path, pattern.replace("**/", "")):
        return True
    return not any(c in pattern for c in "*?[") and path.startswith(pattern + "/")
