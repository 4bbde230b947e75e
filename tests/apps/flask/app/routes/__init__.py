"""HTTP layer: Flask blueprints that parse requests, call services and shape responses."""

from flask import Flask

from app.routes import articles, comments, errors, health, profiles, tags, users


def register(app: Flask, api_prefix: str) -> None:
    for blueprint in (health.bp, users.bp, profiles.bp, articles.bp, comments.bp, tags.bp):
        app.register_blueprint(blueprint, url_prefix=api_prefix)
    errors.register(app)
