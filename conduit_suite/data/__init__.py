"""The Conduit contract shipped as package data: the OpenAPI description (openapi.yml) and the facts of
the constraint-decay study's suite (compat-suite.md)."""
