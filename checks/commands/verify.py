"""`decaycheck verify` (placeholder until its issue lands)."""

import typer


def register(app: typer.Typer) -> None:
    @app.command("verify")
    def _placeholder() -> None:
        """Not built yet."""
        raise typer.Exit(2)
