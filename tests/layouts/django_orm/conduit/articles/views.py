from django.db import connection
from django.http import JsonResponse

from conduit.articles.models import Article


def list_articles(request):
    articles = Article.objects.filter(title__icontains=request.GET.get("q", ""))
    return JsonResponse({"articles": [a.slug for a in articles]})


def popular(request):
    rows = Article.objects.raw("SELECT id, slug FROM articles_article ORDER BY id DESC")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE articles_article SET title = upper(title)")
    return JsonResponse({"articles": [r.slug for r in rows]})
