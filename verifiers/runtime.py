"""Runtime evidence about the database, taken inside the pod after the suite ran.

The pipeline collects it (it can reach the pod); the database rules read it.
Keeping the model here lets verifiers judge it without knowing about pods.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class RuntimeEvidence(BaseModel):
    database: str = Field(description="Engine the pod provided: postgresql or sqlite.")
    tables: dict[str, int] = Field(
        default_factory=dict, description="Table name -> row count in the provided database."
    )
    sqlite_files: list[str] = Field(
        default_factory=list, description="SQLite files written under the workspace (relative paths)."
    )
    collected: bool = Field(default=True, description="False when the pod could not be inspected.")
    note: str = ""
