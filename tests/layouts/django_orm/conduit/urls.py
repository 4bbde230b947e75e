from django.urls import path

from conduit.articles import views

urlpatterns = [path("api/articles", views.list_articles)]
