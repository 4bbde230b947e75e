"""Readiness probe used by the evaluation harness."""

from flask import Blueprint, jsonify

bp = Blueprint("health", __name__)


@bp.get("/health-check")
def health_check():  # type: ignore[no-untyped-def]
    return jsonify({"status": "ok"}), 200
