"""The Conduit API as plain Django views returning JSON."""

import json  #@imp_json

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from conduit.api.auth import current_user, hash_password, issue_token
from conduit.api.models import Article, Favorite, Follow, Tag, User


def article_out(article, viewer):
    return {
        "slug": article.slug,  #@out_slug
        "title": article.title,
        "description": article.description,  #@out_description
        "body": article.body,
        "tagList": sorted(article.tags.values_list("name", flat=True)),  #@out_tags
        "createdAt": article.created_at.isoformat(),  #@out_created
        "updatedAt": article.updated_at.isoformat(),  #@out_updated
        "favorited": viewer is not None and article.favorites.filter(user=viewer).exists(),  #@out_favorited
        "favoritesCount": article.favorites.count(),  #@out_count
        "author": profile_out(article.author, viewer),  #@out_author
    }


def profile_out(user, viewer):
    following = viewer is not None and Follow.objects.filter(follower=viewer, followed=user).exists()  #@out_following
    return {"username": user.username, "bio": user.bio, "image": user.image, "following": following}  #@profile_out


def user_out(user):
    return {"email": user.email, "username": user.username, "bio": user.bio, "image": user.image, "token": issue_token(user)}  #@user_out_token


def body_of(request, key):
    return json.loads(request.body or b"{}")[key]  #@body_of


@csrf_exempt
@require_http_methods(["POST"])
def register(request):
    data = body_of(request, "user")  #@r_register_body
    if User.objects.filter(email=data["email"]).exists():  #@reg_taken
        return JsonResponse({"errors": {"email": ["has already been taken"]}}, status=422)  #@reg_reject
    user = User.objects.create(username=data["username"], email=data["email"], password=hash_password(data["password"]))  #@reg_user
    return JsonResponse({"user": user_out(user)}, status=201)  #@r_register


@csrf_exempt
@require_http_methods(["GET", "PUT"])
def me(request):
    user = current_user(request)  #@r_viewer
    if request.method == "PUT":
        data = body_of(request, "user")  #@r_update_user_body
        for field in ("email", "username", "bio", "image"):
            if field in data:
                setattr(user, field, data[field])  #@upd_user_set
        user.save()  #@upd_user_commit
    return JsonResponse({"user": user_out(user)})  #@r_me


@csrf_exempt
def articles(request):
    viewer = current_user(request, required=request.method == "POST")  #@r_list_viewer
    if request.method == "POST":
        data = body_of(request, "article")  #@r_create_body
        article = Article.objects.create(  #@r_create
            title=data["title"],
            description=data["description"],  #@create_description
            body=data["body"],
            author=viewer,  #@create_author
        )
        article.tags.set([Tag.objects.get_or_create(name=name)[0] for name in data.get("tagList", [])])  #@create_tags
        return JsonResponse({"article": article_out(article, viewer)}, status=201)  #@create_out
    query = Article.objects.order_by("-created_at")  #@q_base
    if "tag" in request.GET:
        query = query.filter(tags__name=request.GET["tag"])  #@q_tag
    if "author" in request.GET:
        query = query.filter(author__username=request.GET["author"])  #@q_author
    if "favorited" in request.GET:
        query = query.filter(favorites__user__username=request.GET["favorited"])  #@q_favorited
    limit, offset = int(request.GET.get("limit", 20)), int(request.GET.get("offset", 0))  #@r_list_limit
    page = query[offset : offset + limit]  #@q_page
    return JsonResponse({"articles": [article_out(a, viewer) for a in page], "articlesCount": query.count()})  #@r_list


def feed(request):  #@v_feed_def
    viewer = current_user(request)  #@r_feed_viewer
    followed = Follow.objects.filter(follower=viewer).values("followed")  #@feed_followed
    query = Article.objects.filter(author__in=followed).order_by("-created_at")  #@feed_filter
    limit, offset = int(request.GET.get("limit", 20)), int(request.GET.get("offset", 0))
    page = query[offset : offset + limit]
    return JsonResponse({"articles": [article_out(a, viewer) for a in page], "articlesCount": query.count()})  #@r_feed


@csrf_exempt
def article(request, slug):
    viewer = current_user(request, required=request.method != "GET")
    found = Article.objects.filter(slug=slug).first()  #@get_lookup
    if found is None:
        return JsonResponse({"errors": {"article": ["not found"]}}, status=404)
    if request.method == "DELETE":
        if found.author_id != viewer.id:  #@del_owner
            return JsonResponse({"errors": {"article": ["forbidden"]}}, status=403)
        found.delete()  #@del_delete
        return JsonResponse({}, status=204)
    if request.method == "PUT":
        data = body_of(request, "article")
        for field in ("title", "description", "body"):
            if field in data:
                setattr(found, field, data[field])  #@upd_fields
        found.save()  #@upd_commit
    return JsonResponse({"article": article_out(found, viewer)})  #@r_get


@csrf_exempt
def favorite(request, slug):
    viewer = current_user(request)
    found = Article.objects.filter(slug=slug).first()  #@fav_lookup
    if found is None:
        return JsonResponse({"errors": {"article": ["not found"]}}, status=404)
    if request.method == "POST":
        Favorite.objects.get_or_create(user=viewer, article=found)  #@fav_add
    else:
        Favorite.objects.filter(user=viewer, article=found).delete()  #@unfav_delete
    return JsonResponse({"article": article_out(found, viewer)})  #@r_favorite


def profile(request, username):
    user = User.objects.filter(username=username).first()  #@profile_lookup
    if user is None:
        return JsonResponse({"errors": {"profile": ["not found"]}}, status=404)
    return JsonResponse({"profile": profile_out(user, current_user(request, required=False))})  #@r_profile


@csrf_exempt
def follow(request, username):
    viewer = current_user(request)
    target = User.objects.filter(username=username).first()  #@follow_lookup
    if target is None:
        return JsonResponse({"errors": {"profile": ["not found"]}}, status=404)
    Follow.objects.get_or_create(follower=viewer, followed=target)  #@follow_add
    return JsonResponse({"profile": profile_out(target, viewer)})  #@r_follow


def tags(request):  #@v_tags_def
    names = Tag.objects.values_list("name", flat=True).distinct()  #@tags_query
    return JsonResponse({"tags": list(names)})  #@r_tags
