"""The App's web service: webhook intake, health, metrics, run details."""
