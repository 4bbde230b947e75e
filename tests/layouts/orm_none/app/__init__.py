import os

import psycopg2
from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/api/tags")
def tags():
    with psycopg2.connect(os.environ["DATABASE_URL"]) as conn, conn.cursor() as cur:
        cur.execute("SELECT name FROM tags ORDER BY name")
        return jsonify(tags=[r[0] for r in cur.fetchall()])
