"""Settings of the Conduit Django project."""

import os

SECRET_KEY = os.environ.get("SECRET_KEY", "conduit-dev-secret")
DEBUG = False
ALLOWED_HOSTS = ["*"]
APPEND_SLASH = True
ROOT_URLCONF = "conduit.urls"
INSTALLED_APPS = ["django.contrib.contenttypes", "conduit.api"]
MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("POSTGRES_DB", "conduit"),
        "USER": os.environ.get("POSTGRES_USER", "user"),
        "PASSWORD": os.environ.get("POSTGRES_PASSWORD", "password"),
        "HOST": os.environ.get("POSTGRES_HOST", "postgres"),
        "PORT": "5432",
    }
}
USE_TZ = True
