"""Conduit API reference app."""
