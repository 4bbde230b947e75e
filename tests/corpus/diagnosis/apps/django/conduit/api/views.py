"""The Conduit API as plain Django views returning JSON."""

import json

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from conduit.api.auth import current_user, hash_password, issue_token
from conduit.api.models import Article, Favorite, Follow, Tag, User


def article_out(article, viewer):
    return {
        "slug": article.slug,
        "title": article.title,
        "description": article.description,
        "body": article.body,
        "tagList": sorted(article.tags.values_list("name", flat=True)),
        "createdAt": article.created_at.isoformat(),
        "updatedAt": article.updated_at.isoformat(),
        "favorited": viewer is not None and article.favorites.filter(user=viewer).exists(),
        "favoritesCount": article.favorites.count(),
        "author": profile_out(article.author, viewer),
    }


def profile_out(user, viewer):
    following = viewer is not None and Follow.objects.filter(follower=viewer, followed=user).exists()
    return {"username": user.username, "bio": user.bio, "image": user.image, "following": following}


def user_out(user):
    return {"email": user.email, "username": user.username, "bio": user.bio, "image": user.image, "token": issue_token(user)}


def body_of(request, key):
    return json.loads(request.body or b"{}")[key]


@csrf_exempt
@require_http_methods(["POST"])
def register(request):
    data = body_of(request, "user")
    if User.objects.filter(email=data["email"]).exists():
        return JsonResponse({"errors": {"email": ["has already been taken"]}}, status=422)
    user = User.objects.create(username=data["username"], email=data["email"], password=hash_password(data["password"]))
    return JsonResponse({"user": user_out(user)}, status=201)


@csrf_exempt
@require_http_methods(["GET", "PUT"])
def me(request):
    user = current_user(request)
    if request.method == "PUT":
        data = body_of(request, "user")
        for field in ("email", "username", "bio", "image"):
            if field in data:
                setattr(user, field, data[field])
        user.save()
    return JsonResponse({"user": user_out(user)})


@csrf_exempt
def articles(request):
    viewer = current_user(request, required=request.method == "POST")
    if request.method == "POST":
        data = body_of(request, "article")
        article = Article.objects.create(
            title=data["title"],
            description=data["description"],
            body=data["body"],
            author=viewer,
        )
        article.tags.set([Tag.objects.get_or_create(name=name)[0] for name in data.get("tagList", [])])
        return JsonResponse({"article": article_out(article, viewer)}, status=201)
    query = Article.objects.order_by("-created_at")
    if "tag" in request.GET:
        query = query.filter(tags__name=request.GET["tag"])
    if "author" in request.GET:
        query = query.filter(author__username=request.GET["author"])
    if "favorited" in request.GET:
        query = query.filter(favorites__user__username=request.GET["favorited"])
    limit, offset = int(request.GET.get("limit", 20)), int(request.GET.get("offset", 0))
    page = query[offset : offset + limit]
    return JsonResponse({"articles": [article_out(a, viewer) for a in page], "articlesCount": query.count()})


def feed(request):
    viewer = current_user(request)
    followed = Follow.objects.filter(follower=viewer).values("followed")
    query = Article.objects.filter(author__in=followed).order_by("-created_at")
    limit, offset = int(request.GET.get("limit", 20)), int(request.GET.get("offset", 0))
    page = query[offset : offset + limit]
    return JsonResponse({"articles": [article_out(a, viewer) for a in page], "articlesCount": query.count()})


@csrf_exempt
def article(request, slug):
    viewer = current_user(request, required=request.method != "GET")
    found = Article.objects.filter(slug=slug).first()
    if found is None:
        return JsonResponse({"errors": {"article": ["not found"]}}, status=404)
    if request.method == "DELETE":
        if found.author_id != viewer.id:
            return JsonResponse({"errors": {"article": ["forbidden"]}}, status=403)
        found.delete()
        return JsonResponse({}, status=204)
    if request.method == "PUT":
        data = body_of(request, "article")
        for field in ("title", "description", "body"):
            if field in data:
                setattr(found, field, data[field])
        found.save()
    return JsonResponse({"article": article_out(found, viewer)})


@csrf_exempt
def favorite(request, slug):
    viewer = current_user(request)
    found = Article.objects.filter(slug=slug).first()
    if found is None:
        return JsonResponse({"errors": {"article": ["not found"]}}, status=404)
    if request.method == "POST":
        Favorite.objects.get_or_create(user=viewer, article=found)
    else:
        Favorite.objects.filter(user=viewer, article=found).delete()
    return JsonResponse({"article": article_out(found, viewer)})


def profile(request, username):
    user = User.objects.filter(username=username).first()
    if user is None:
        return JsonResponse({"errors": {"profile": ["not found"]}}, status=404)
    return JsonResponse({"profile": profile_out(user, current_user(request, required=False))})


@csrf_exempt
def follow(request, username):
    viewer = current_user(request)
    target = User.objects.filter(username=username).first()
    if target is None:
        return JsonResponse({"errors": {"profile": ["not found"]}}, status=404)
    Follow.objects.get_or_create(follower=viewer, followed=target)
    return JsonResponse({"profile": profile_out(target, viewer)})


def tags(request):
    names = Tag.objects.values_list("name", flat=True).distinct()
    return JsonResponse({"tags": list(names)})
