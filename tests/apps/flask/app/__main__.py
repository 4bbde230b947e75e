"""`python -m app`: serve with waitress on $HOST:$PORT (default 0.0.0.0:8080)."""

import logging
import os

from waitress import serve

from app import create_app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    serve(create_app(), host=os.environ.get("HOST", "0.0.0.0"), port=int(os.environ.get("PORT", "8080")),
          threads=int(os.environ.get("THREADS", "8")), ident="conduit")


if __name__ == "__main__":
    main()
