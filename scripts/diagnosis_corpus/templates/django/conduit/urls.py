"""URL routes of the Conduit API."""

from django.http import JsonResponse
from django.urls import path

from conduit.api import views

urlpatterns = [
    path("api/health-check", lambda request: JsonResponse({"status": "ok"})),
    path("api/users", views.register),  #@u_users
    path("api/user", views.me),  #@u_user
    path("api/profiles/<str:username>", views.profile),
    path("api/profiles/<str:username>/follow", views.follow),
    path("api/articles", views.articles),  #@u_articles
    path("api/articles/feed", views.feed),  #@u_feed
    path("api/articles/<slug:slug>", views.article),  #@u_article
    path("api/articles/<slug:slug>/favorite", views.favorite),  #@u_favorite
    path("api/tags", views.tags),  #@u_tags
]
