"""Entry point: create the schema, then serve the Django WSGI app with waitress."""
from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "app.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402
from waitress import serve  # noqa: E402

from app.config import port  # noqa: E402
from app.services.setup import initialise  # noqa: E402

application = get_wsgi_application()


def main() -> None:
    initialise()
    serve(application, host="0.0.0.0", port=port(), threads=8)


if __name__ == "__main__":
    main()
