"""Suite definitions (YAML), shipped as package data."""
