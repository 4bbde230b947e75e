"""Schema migration: raw DDL is fine here."""
UP = "CREATE TABLE articles (id SERIAL PRIMARY KEY, title TEXT)"
