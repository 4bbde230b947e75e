"""`decaycheck serve` and `decaycheck worker` (placeholder until the App issue lands)."""

import typer


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def _serve() -> None:
        """Not built yet."""
        raise typer.Exit(2)

    @app.command("worker")
    def _worker() -> None:
        """Not built yet."""
        raise typer.Exit(2)
