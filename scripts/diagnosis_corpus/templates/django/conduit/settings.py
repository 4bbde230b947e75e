"""Settings of the Conduit Django project."""

import os

SECRET_KEY = os.environ.get("SECRET_KEY", "conduit-dev-secret")  #@secret
DEBUG = False
ALLOWED_HOSTS = ["*"]  #@allowed_hosts
APPEND_SLASH = True  #@append_slash
ROOT_URLCONF = "conduit.urls"
INSTALLED_APPS = ["django.contrib.contenttypes", "conduit.api"]  #@installed_apps
MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",  #@common_mw
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",  #@db_engine
        "NAME": os.environ.get("POSTGRES_DB", "conduit"),
        "USER": os.environ.get("POSTGRES_USER", "user"),
        "PASSWORD": os.environ.get("POSTGRES_PASSWORD", "password"),
        "HOST": os.environ.get("POSTGRES_HOST", "postgres"),  #@db_host
        "PORT": "5432",
    }
}
USE_TZ = True
