DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "conduit"}}
INSTALLED_APPS = ["conduit.articles"]
