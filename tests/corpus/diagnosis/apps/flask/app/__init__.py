"""The Flask application factory."""

from flask import Flask, jsonify

from app.db import init_db
from app.errors import ApiError


def create_app():
    app = Flask(__name__)
    app.url_map.strict_slashes = True
    from app.routes import api

    app.register_blueprint(api)

    @app.errorhandler(ApiError)
    def api_error(error):
        return jsonify(error.body()), error.status

    @app.get("/api/health-check")
    def health():
        return {"status": "ok"}

    init_db()
    return app
