"""Copies of the shared Conduit contract (openapi.yml, compat-suite.md), shipped as package data."""
