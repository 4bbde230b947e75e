"""Minimal Django settings: Django serves HTTP only; data access is SQLAlchemy's."""
from app.config import jwt_secret

SECRET_KEY = jwt_secret()
DEBUG = False
# Trap: behind a pod or proxy the Host header is "postgres", an IP or anything
# else; a narrow ALLOWED_HOSTS turns every request into a 400 (DisallowedHost).
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "app.urls"
INSTALLED_APPS: list[str] = []
# Trap: CsrfViewMiddleware would 403 every token-authenticated POST/PUT/DELETE;
# CommonMiddleware with APPEND_SLASH would 301 `/api/users` to `/api/users/`,
# and a redirected POST loses its body. Neither is installed.
MIDDLEWARE = ["app.routes.middleware.ServerTimingMiddleware"]
APPEND_SLASH = False
DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True
USE_I18N = False
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
