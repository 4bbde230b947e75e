"""URL table. Every pattern ends in `/?$`: trailing slashes are tolerated, never redirected."""
from django.urls import re_path

from app.routes import articles, comments, health, profiles, tags, users

handler404 = "app.routes.errors.not_found"
handler500 = "app.routes.errors.server_error"

urlpatterns = [
    re_path(r"^api/health-check/?$", health.health_check),
    re_path(r"^api/users/login/?$", users.login),
    re_path(r"^api/users/?$", users.register),
    re_path(r"^api/user/?$", users.current_user),
    re_path(r"^api/profiles/(?P<username>[^/]+)/follow/?$", profiles.follow),
    re_path(r"^api/profiles/(?P<username>[^/]+)/?$", profiles.profile),
    re_path(r"^api/articles/?$", articles.collection),
    re_path(r"^api/articles/feed/?$", articles.feed),
    re_path(r"^api/articles/(?P<slug>[^/]+)/favorite/?$", articles.favorite),
    re_path(r"^api/articles/(?P<slug>[^/]+)/comments/?$", comments.collection),
    re_path(r"^api/articles/(?P<slug>[^/]+)/comments/(?P<comment_id>[^/]+)/?$", comments.comment),
    re_path(r"^api/articles/(?P<slug>[^/]+)/?$", articles.article),
    re_path(r"^api/tags/?$", tags.collection),
]
