"""`decaycheck run` (placeholder until its issue lands)."""

import typer


def register(app: typer.Typer) -> None:
    @app.command("run")
    def _placeholder() -> None:
        """Not built yet."""
        raise typer.Exit(2)
