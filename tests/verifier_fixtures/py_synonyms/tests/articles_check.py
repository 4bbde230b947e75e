import sqlite3


def check_rows():
    conn = sqlite3.connect("test.db")
    assert conn.execute("SELECT 1 FROM articles").fetchall() == []
