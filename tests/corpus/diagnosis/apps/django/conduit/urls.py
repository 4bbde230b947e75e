"""URL routes of the Conduit API."""

from django.http import JsonResponse
from django.urls import path

from conduit.api import views

urlpatterns = [
    path("api/health-check", lambda request: JsonResponse({"status": "ok"})),
    path("api/users", views.register),
    path("api/user", views.me),
    path("api/profiles/<str:username>", views.profile),
    path("api/profiles/<str:username>/follow", views.follow),
    path("api/articles", views.articles),
    path("api/articles/feed", views.feed),
    path("api/articles/<slug:slug>", views.article),
    path("api/articles/<slug:slug>/favorite", views.favorite),
    path("api/tags", views.tags),
]
