"""Data access with the SQLAlchemy 2.0 ORM; the only layer that touches the session."""
