"""The defect patterns coding agents produce in Conduit apps, each as data for every framework it applies to.

A pattern's `build` returns, for one framework, the edit that plants the
defect, the anchor of the line at fault, the requests it changes, and what
the server logs. Patterns follow the taxonomy the diagnosis reports:
category, and for logic errors the subcategory.
"""

from __future__ import annotations

from scripts.diagnosis_corpus.build import NODE, PYTHON, Ctx, Hit, Pattern, Spec
from scripts.diagnosis_corpus.errors import (
    DJ,
    PY_LIB,
    SA,
    django_orm_frames,
    node_db,
    node_err,
    py_db,
    py_err,
    sa_frames,
)
from scripts.diagnosis_corpus.render import NODE_MODULES, Frame

ALL = PYTHON + NODE
SQLA = ("flask", "fastapi", "aiohttp")
AUTH_OPS = (
    "GetCurrentUser",
    "UpdateCurrentUser",
    "CreateArticle",
    "GetArticlesFeed",
    "UpdateArticle",
    "DeleteArticle",
    "CreateArticleFavorite",
    "DeleteArticleFavorite",
    "CreateArticleComment",
    "DeleteArticleComment",
    "FollowUserByUsername",
    "UnfollowUserByUsername",
)
ARTICLE_READS = ("GetArticle", "CreateArticleFavorite", "DeleteArticleFavorite", "UpdateArticle")


def route(ctx: Ctx, name: str) -> list[str]:
    """The route-level anchors a request to `name` passes (none for Django, whose views hold the code)."""
    return [name] if ctx.has(name) else []


def viewer_chain(ctx: Ctx, op_anchor: str) -> list[str]:
    """Route → the viewer helper → current_user, as each framework calls it."""
    if ctx.fw == "django":
        return ["r_viewer"] if op_anchor == "r_me" else ["r_list_viewer"]
    if ctx.fw in ("flask", "aiohttp"):
        return [op_anchor, "r_viewer", "cu_decode"]
    if ctx.fw == "fastapi":
        return ["r_viewer", "cu_decode"]
    return [op_anchor if op_anchor != "r_create" else "r_me"]


# --- auth_misconfiguration ----------------------------------------------------------------------------------


def bearer_scheme(ctx: Ctx) -> Spec:
    if ctx.node:
        line = "const match = /^Bearer\\s+(\\S+)$/.exec(header || '');"
    elif ctx.fw == "django":
        line = 'if not header.startswith("Bearer "):'
    else:
        line = 'if not header or not header.startswith("Bearer "):'
    status = 403 if ctx.fw == "django" else 401
    return Spec(where="scheme", edit={"scheme": line}, hits=[Hit(auth_only=True, status=status)])


def secret_mismatch(ctx: Ctx) -> Spec:
    if ctx.node:
        edit = {"decode": "const payload = jwt.verify(token, process.env.SECRET || 'secret');"}
        head = "JsonWebTokenError: invalid signature"
        lib = [
            Frame(f"{NODE_MODULES}/jsonwebtoken/verify.js", 171, ""),
            Frame(f"{NODE_MODULES}/jsonwebtoken/node_modules/jws/lib/verify-stream.js", 54, "getSecret"),
            Frame(f"{NODE_MODULES}/jsonwebtoken/verify.js", 97, "module.exports [as verify]"),
        ]
        error = node_err(ctx, head, ["r_me", "decode"], lib=lib)
        return Spec(where="decode", edit=edit, hits=[Hit(auth_only=True, status=500, error=True)], error=error)
    if ctx.fw == "django":
        edit = {"decode": 'payload = jwt.decode(token, "conduit-secret", algorithms=["HS256"])'}
    else:
        edit = {"decode": 'payload = jwt.decode(token, os.environ.get("JWT_SECRET", "secret"), algorithms=[ALGORITHM])'}
    if ctx.fw == "django":
        lib = [
            Frame(f"{PY_LIB}/jwt/api_jwt.py", 222, "decode", "decoded = self.decode_complete("),
            Frame(f"{PY_LIB}/jwt/api_jwt.py", 156, "decode_complete", "decoded = api_jws.decode_complete("),
            Frame(
                f"{PY_LIB}/jwt/api_jws.py",
                220,
                "decode_complete",
                "self._verify_signature(signing_input, header, signature, key, algorithms)",
            ),
            Frame(
                f"{PY_LIB}/jwt/api_jws.py",
                317,
                "_verify_signature",
                'raise InvalidSignatureError("Signature verification failed")',
            ),
        ]
        error = py_err(
            ctx, ["r_viewer", "decode"], lib, ["jwt.exceptions.InvalidSignatureError: Signature verification failed"]
        )
        return Spec(where="decode", edit=edit, hits=[Hit(auth_only=True, status=500, error=True)], error=error)
    return Spec(where="decode", edit=edit, hits=[Hit(auth_only=True, status=401)])


def algorithms_missing(ctx: Ctx) -> Spec:
    """PyJWT 2 requires `algorithms`; the app catches only expiry, so every authenticated request is a 500."""
    lib = [
        Frame(f"{PY_LIB}/jwt/api_jwt.py", 222, "decode", "decoded = self.decode_complete("),
        Frame(f"{PY_LIB}/jwt/api_jwt.py", 156, "decode_complete", "decoded = api_jws.decode_complete("),
        Frame(f"{PY_LIB}/jwt/api_jws.py", 203, "decode_complete", "raise DecodeError("),
    ]
    exc = [
        'jwt.exceptions.DecodeError: It is required that you pass in a value for the "algorithms" argument when calling decode().'
    ]
    if ctx.fw == "django":
        edit = {"decode": "payload = jwt.decode(token, settings.SECRET_KEY)"}
        chain = ["r_viewer", "decode"]
    else:
        edit = {"decode": "payload = jwt.decode(token, SECRET)", "decode_except": "except jwt.ExpiredSignatureError:"}
        chain = viewer_chain(ctx, "r_me") + ["decode"]
    return Spec(
        where="decode",
        edit=edit,
        hits=[Hit(auth_only=True, status=500, error=True)],
        error=py_err(ctx, chain, lib, exc, dependency=True),
    )


def current_user_crash(ctx: Ctx) -> Spec:
    """The token's claim is read under the wrong name: a 500 from the current-user code on every authenticated request."""
    if ctx.node:
        edit = {"cu_get": "return users.findById(payload.userId);"}
        if ctx.orm == "knex":
            head = (
                "Error: Undefined binding(s) detected when compiling FIRST. Undefined column(s): [id] query: "
                'select * from "users" where "id" = ? limit ?'
            )
            lib = [
                Frame(f"{NODE_MODULES}/knex/lib/query/querycompiler.js", 150, "QueryCompiler_PG.toSQL"),
                Frame(f"{NODE_MODULES}/knex/lib/query/querybuilder.js", 84, "Builder.toSQL"),
                Frame(f"{NODE_MODULES}/knex/lib/execution/runner.js", 37, ""),
            ]
            error = node_err(ctx, head, ["r_me", "cu_get", "find_by_id"], lib=lib)
        else:
            head = 'Error: WHERE parameter "id" has invalid "undefined" value'
            lib = [
                Frame(
                    f"{NODE_MODULES}/sequelize/lib/dialects/postgres/query-generator.js",
                    2529,
                    "PostgresQueryGenerator.whereItemQuery",
                ),
                Frame(f"{NODE_MODULES}/sequelize/lib/model.js", 1241, "User.findOne"),
                Frame(f"{NODE_MODULES}/sequelize/lib/model.js", 1286, "User.findByPk"),
            ]
            error = node_err(ctx, head, ["r_me", "cu_get", "find_by_id"], lib=lib)
        return Spec(where="cu_get", edit=edit, hits=[Hit(auth_only=True, status=500, error=True)], error=error)
    if ctx.fw == "django":
        edit = {"cu_get": 'return User.objects.get(pk=payload["user_id"])'}
        chain = ["r_viewer", "cu_get"]
        where = "cu_get"
    else:
        edit = {"sub": 'return int(payload["user_id"])'}
        chain = viewer_chain(ctx, "r_me") + ["sub"]
        where = "sub"
    return Spec(
        where=where,
        edit=edit,
        hits=[Hit(auth_only=True, status=500, error=True)],
        error=py_err(ctx, chain, (), ["KeyError: 'user_id'"], dependency=True),
    )


def public_route_401(ctx: Ctx) -> Spec:
    if ctx.fw == "django":
        edit = {"r_list_viewer": "viewer = current_user(request)"}
        return Spec(where="r_list_viewer", edit=edit, hits=[Hit(ops=("GetArticles",), unauth=True, status=403)])
    edit = {
        "flask": {"r_list_viewer": "viewer(),"},
        "fastapi": {"r_list_viewer": "user=Depends(viewer),"},
        "aiohttp": {"r_list_viewer": "await viewer(request),"},
    }.get(ctx.fw)
    if edit is None:
        getter = {
            "express": "req.headers.authorization",
            "koa": "ctx.get('Authorization')",
            "fastify": "request.headers.authorization",
            "hono": "c.req.header('Authorization')",
        }[ctx.fw]
        edit = {"r_list_viewer": f"const viewer = await currentUser({getter});"}
    status = 401
    hits = [Hit(ops=("GetArticles",), unauth=True, status=status)]
    error = None
    if ctx.node:
        error = node_err(
            ctx, "Error: missing token", ["r_list", "cu_required"] if False else ["r_list_viewer", "cu_required"]
        )
        hits = [Hit(ops=("GetArticles",), unauth=True, status=status, error=ctx.fw in ("express", "hono"))]
    return Spec(where="r_list_viewer", edit=edit, hits=hits, error=error)


def token_bytes_decode(ctx: Ctx) -> Spec:
    """PyJWT 1 habits on PyJWT 2: `.decode()` on the str the encoder already returns."""
    edit = {"encode": 'return jwt.encode(payload, SECRET, algorithm=ALGORITHM).decode("utf-8")'}
    if ctx.fw == "django":
        edit = {"encode": 'return jwt.encode(payload, settings.SECRET_KEY, algorithm="HS256").decode("utf-8")'}
        chain = ["r_register", "user_out_token", "encode"]
    elif ctx.fw == "fastapi":
        chain = ["r_register", "reg_out", "user_out_token", "encode"]
    else:
        chain = ["r_register", "reg_out", "user_out_token", "encode"]
    exc = ["AttributeError: 'str' object has no attribute 'decode'. Did you mean: 'encode'?"]
    return Spec(
        where="encode",
        edit=edit,
        hits=[Hit(ops=("CreateUser", "Login"), status=500, error=True, lose=("token", "tokenA", "tokenB", "tokenC"))],
        error=py_err(ctx, chain, (), exc),
    )


def token_payload_instance(ctx: Ctx) -> Spec:
    """jsonwebtoken refuses a Sequelize/knex row object as the payload."""
    edit = {"encode": "return jwt.sign(user, SECRET, { expiresIn: '7d' });"}
    head = 'Error: Expected "payload" to be a plain object.'
    lib = [
        Frame(f"{NODE_MODULES}/jsonwebtoken/sign.js", 34, "validate"),
        Frame(f"{NODE_MODULES}/jsonwebtoken/sign.js", 48, "validatePayload"),
        Frame(f"{NODE_MODULES}/jsonwebtoken/sign.js", 155, "module.exports [as sign]"),
    ]
    error = node_err(ctx, head, ["r_register", "encode"], lib=lib)
    if ctx.orm == "knex":
        return None  # type: ignore[return-value]  # knex rows are plain objects: signing works
    return Spec(
        where="encode",
        edit=edit,
        hits=[Hit(ops=("CreateUser", "Login"), status=500, error=True, lose=("token", "tokenA", "tokenB", "tokenC"))],
        error=error,
    )


def ownership_missing(ctx: Ctx) -> Spec:
    line = {
        "django": "if viewer is None:",
    }.get(
        ctx.fw,
        "if (!viewer) throw Object.assign(new Error('forbidden'), { status: 403 });"
        if ctx.node
        else "if viewer is None:",
    )
    return Spec(
        where="del_owner",
        edit={"del_owner": line},
        hits=[
            Hit(names=r"^B deletes A2$", status=204),
            Hit(names=r"^article A2 after refused deletes$", status=404),
        ],
        level="rich",
    )


# --- incorrect_query_logic ----------------------------------------------------------------------------------


def feed_unfiltered(ctx: Ctx) -> Spec:
    line = {
        "django": 'query = Article.objects.order_by("-created_at")',
        "knex": "const query = db('articles');",
        "sequelize": "const { rows, count } = await Article.findAndCountAll({ include: INCLUDE, order: [['createdAt', 'DESC']], limit, offset, distinct: true });",
    }.get(ctx.orm if ctx.node else ctx.fw, "query = select(Article).options(*EAGER)")
    return Spec(
        where="feed_filter",
        edit={"feed_filter": line},
        hits=[
            Hit(
                ops=("GetArticlesFeed",),
                fails=r"articlesCount equals|\[\*\]\.slug",
                actual=lambda t: 5 if "Count" in t else ["sb-1", "sc-1", "sa-3"],
            )
        ],
        level="rich",
    )


def knex_in_unparenthesised(ctx: Ctx) -> Spec:
    edit = {"feed_filter": "const query = db('articles').whereIn('author_id', db.raw(followed.toString()));"}
    sql = (
        'select count(*) as "count" from "articles" where "author_id" in select "followed_id" from "follows" '
        'where "follower_id" = 12'
    )
    error = node_db(ctx, "syntax", 'syntax error at or near "select"', sql, [])
    return Spec(
        where="feed_filter", edit=edit, hits=[Hit(ops=("GetArticlesFeed",), status=500, error=True)], error=error
    )


def operator_mismatch(ctx: Ctx) -> Spec:
    """The author filter compares the integer author id with the username."""
    if ctx.fw == "django":
        edit = {"q_author": 'query = query.filter(author=request.GET["author"])'}
        lib = [
            Frame(f"{DJ}/db/models/query.py", 1476, "filter", "return self._filter_or_exclude(False, args, kwargs)"),
            Frame(f"{DJ}/db/models/fields/__init__.py", 2125, "get_prep_value", "raise e.__class__("),
        ]
        exc = ["ValueError: Field 'id' expected a number but got 'johnjacob'."]
        error = py_err(ctx, ["q_author"], lib, exc)
    elif ctx.node and ctx.orm == "knex":
        edit = {"q_author": "if (author) query.where('author_id', author);"}
        sql = 'select count(*) as "count" from "articles" where "author_id" = $1'
        error = node_db(ctx, "invalid_text", 'invalid input syntax for type integer: "johnjacob"', sql, [])
    elif ctx.node:
        edit = {"q_base": "const where = author ? { authorId: author } : {};"}
        sql = 'SELECT count(DISTINCT("Article"."id")) AS "count" FROM "Articles" AS "Article" WHERE "Article"."authorId" = \\\'johnjacob\\\';'
        error = node_db(
            ctx, "invalid_text", 'invalid input syntax for type integer: "johnjacob"', sql, ["r_list", "q_exec"]
        )
        return Spec(
            where="q_base",
            edit=edit,
            hits=[Hit(names=r"by author", ops=("GetArticles",), status=500, error=True)],
            error=error,
        )
    else:
        edit = {"q_author": "query = query.where(Article.author_id == author)"}
        cause, exc = py_db(
            ctx,
            "operator",
            "operator does not exist: integer = character varying",
            "SELECT count(*) AS count_1 FROM (SELECT articles.id AS id FROM articles WHERE articles.author_id = %(author_id_1)s::VARCHAR) AS anon_1",
            detail=[
                "LINE 1: ...FROM articles WHERE articles.author_id = $1::VARCHAR) AS anon_1",
                "                                                       ^",
                "HINT:  No operator matches the given name and argument types. You might need to add explicit type casts.",
            ],
        )
        error = py_err(ctx, ["r_list", "q_count"], sa_frames(ctx, "scalar"), exc, cause)
    return Spec(
        where="q_author",
        edit=edit,
        hits=[Hit(names=r"by author", ops=("GetArticles",), status=500, error=True)],
        error=error,
    )


def dialect_operator(ctx: Ctx) -> Spec:
    """A PostgreSQL-only operator on the SQLite database the app runs with."""
    if ctx.node:
        sql = "SELECT `Article`.* FROM `Articles` AS `Article` WHERE `Article`.`tagList` @> '[\"dragons\"]';"
        error = node_db(
            ctx,
            "syntax",
            'near "@>": syntax error',
            sql,
            ["r_list", "q_exec"],
            sqlite_message='near "@>": syntax error',
        )
        return Spec(
            where="q_tag",
            edit={},
            hits=[Hit(names=r"by tag", ops=("GetArticles",), status=500, error=True)],
            error=error,
            database="sqlite",
        )
    edit = {"q_tag": 'query = query.where(Article.tags.any(Tag.name.op("~*")(tag)))'}
    cause, exc = py_db(
        ctx,
        "syntax",
        'near "~": syntax error',
        "SELECT count(*) AS count_1 FROM (SELECT articles.id ...)",
        sqlite_message='near "~": syntax error',
    )
    error = py_err(ctx, ["r_list", "q_count"], sa_frames(ctx, "scalar"), exc, cause)
    return Spec(
        where="q_tag",
        edit=edit,
        hits=[Hit(names=r"by tag", ops=("GetArticles",), status=500, error=True)],
        error=error,
        database="sqlite",
    )


def tag_filter_wrong_join(ctx: Ctx) -> Spec:
    line = {
        "django": 'query = query.filter(tags__name__in=request.GET["tag"])',
        "knex": "if (tag) query.whereIn('articles.id', db('article_tags').join('tags', 'tags.id', 'article_tags.article_id').where('tags.name', tag).select('article_id'));",
        "sequelize": "if (tag) where.tagList = { [Op.eq]: [tag] };",
    }.get(ctx.orm if ctx.node else ctx.fw, "query = query.join(Tag, Tag.id == Article.id).where(Tag.name == tag)")
    return Spec(
        where="q_tag",
        edit={"q_tag": line},
        hits=[
            Hit(
                names=r"by tag",
                ops=("GetArticles",),
                fails=r"\[0\]|articlesCount equals [1-9]|\[\*\]\.slug",
                actual=lambda t: 0 if "Count" in t else [],
                excerpt='{"articles":[],"articlesCount":0}',
            )
        ],
    )


def offset_ignored(ctx: Ctx) -> Spec:
    line = {
        "django": "page = query[:limit]",
        "knex": "const rows = await query.orderBy('created_at', 'desc').limit(limit);",
        "sequelize": "const { rows, count } = await Article.findAndCountAll({ where, include, order: [['createdAt', 'DESC']], limit, distinct: true });",
    }.get(ctx.orm if ctx.node else ctx.fw, "page = query.order_by(Article.created_at.desc()).limit(limit)")
    anchor = "q_exec" if ctx.node else "q_page"
    return Spec(
        where=anchor,
        edit={anchor: line},
        hits=[Hit(names=r"offset", fails=r"\[\*\]\.slug", actual=lambda t: ["sa-3", "sa-2"])],
        level="rich",
    )


def order_missing(ctx: Ctx) -> Spec:
    line = {
        "django": "query = Article.objects.all()",
        "knex": "const rows = await query.limit(limit).offset(offset);",
        "sequelize": "const { rows, count } = await Article.findAndCountAll({ where, include, limit, offset, distinct: true });",
    }.get(ctx.orm if ctx.node else ctx.fw, "page = query.limit(limit).offset(offset)")
    anchor = "q_exec" if ctx.node else ("q_base" if ctx.fw == "django" else "q_page")
    return Spec(
        where=anchor,
        edit={anchor: line},
        hits=[
            Hit(
                ops=("GetArticles",),
                fails=r"sorted by|\[\*\]\.slug is \[\"\w+-?\w*\", \"",
                actual=lambda t: False if "sorted" in t else ["sa-1", "sa-2", "sa-3"],
            )
        ],
        level="rich",
    )


def favorited_filter_viewer(ctx: Ctx) -> Spec:
    line = {
        "django": "query = query.filter(favorites__user=viewer)",
        "knex": "if (favorited) query.whereIn('articles.id', db('favorites').where('user_id', viewer ? viewer.id : 0).select('article_id'));",
        "sequelize": "{ model: User, as: 'favoritedBy', where: favorited ? { id: viewer ? viewer.id : 0 } : undefined, required: Boolean(favorited) },",
    }.get(
        ctx.orm if ctx.node else ctx.fw,
        "query = query.where(Article.favorites.any(Favorite.user_id == (viewer.id if viewer else 0)))",
    )
    return Spec(
        where="q_favorited",
        edit={"q_favorited": line},
        hits=[
            Hit(
                names=r"favorited by",
                fails=r"articlesCount equals [1-9]|\[\*\]\.slug|\[0\]",
                actual=lambda t: 0 if "Count" in t else [],
            )
        ],
        level="rich",
    )


def eager_alias(ctx: Ctx) -> Spec:
    edit = {"eager": "const INCLUDE = [{ model: User }, { model: User, as: 'favoritedBy' }];"}
    head = (
        "SequelizeEagerLoadingError: User is associated to Article using an alias. You must use the 'as' keyword "
        "to specify the alias within your include statement."
    )
    lib = [
        Frame(f"{NODE_MODULES}/sequelize/lib/model.js", 574, "Article._getIncludedAssociation"),
        Frame(f"{NODE_MODULES}/sequelize/lib/model.js", 505, "Article._validateIncludedElement"),
        Frame(f"{NODE_MODULES}/sequelize/lib/model.js", 421, ""),
        Frame("<anonymous>", 0, "Array.map")
        if False
        else Frame(f"{NODE_MODULES}/sequelize/lib/model.js", 417, "Article._validateIncludedElements"),
        Frame(f"{NODE_MODULES}/sequelize/lib/model.js", 1204, "Article.findAll"),
        Frame(f"{NODE_MODULES}/sequelize/lib/model.js", 1240, "async Article.findOne"),
    ]
    error = node_err(ctx, head, ["r_get", "get_lookup"], lib=lib)
    return Spec(
        where="eager",
        edit=edit,
        hits=[Hit(ops=ARTICLE_READS + ("GetArticlesFeed",), status=500, error=True)],
        error=error,
    )


def model_attribute(ctx: Ctx) -> Spec:
    if ctx.fw == "django":
        edit = {"q_author": 'query = query.filter(author_username=request.GET["author"])'}
        lib = [
            Frame(f"{DJ}/db/models/query.py", 1476, "filter", "return self._filter_or_exclude(False, args, kwargs)"),
            Frame(f"{DJ}/db/models/sql/query.py", 1768, "names_to_path", "raise FieldError("),
        ]
        exc = [
            "django.core.exceptions.FieldError: Cannot resolve keyword 'author_username' into field. Choices are: "
            "author, author_id, body, created_at, description, favorites, id, slug, tags, title, updated_at"
        ]
        error = py_err(ctx, ["q_author"], lib, exc)
    else:
        edit = {"q_author": "query = query.where(Article.author_username == author)"}
        exc = ["AttributeError: type object 'Article' has no attribute 'author_username'"]
        error = py_err(ctx, ["r_list", "q_author"], (), exc)
    return Spec(
        where="q_author",
        edit=edit,
        hits=[Hit(names=r"by author", ops=("GetArticles",), status=500, error=True)],
        error=error,
    )


def lookup_wrong_column(ctx: Ctx) -> Spec:
    line = {
        "django": "found = Article.objects.filter(title=slug).first()",
        "knex": "const row = await db('articles').where({ title: slug }).first();",
        "sequelize": "const article = await Article.findOne({ where: { title: slug }, include: INCLUDE });",
    }.get(
        ctx.orm if ctx.node else ctx.fw,
        "article = AWAIT session.scalar(select(Article).options(*EAGER).where(Article.title == slug))",
    )
    if not ctx.node and ctx.fw != "django":
        line = line.replace("AWAIT ", "await " if ctx.asyncio else "")
    return Spec(where="get_lookup", edit={"get_lookup": line}, hits=[Hit(ops=("GetArticle",), status=404)])


def count_ignores_filters(ctx: Ctx) -> Spec:
    if ctx.fw == "django":
        edit = {
            "r_list": 'return JsonResponse({"articles": [article_out(a, viewer) for a in page], "articlesCount": Article.objects.count()})'
        }
        where = "r_list"
    elif ctx.node:
        edit = {"q_count": "const [{ count }] = await db('articles').count('* as count');"}
        where = "q_count"
    else:
        edit = {
            "q_count": "count = AWAIT session.scalar(select(func.count(Article.id)))".replace(
                "AWAIT ", "await " if ctx.asyncio else ""
            )
        }
        where = "q_count"
    return Spec(
        where=where,
        edit=edit,
        hits=[
            Hit(
                ops=("GetArticles",),
                names=r"by (author|tag)|favorited by",
                fails=r"articlesCount equals",
                actual=lambda t: 6,
            )
        ],
        level="rich",
    )


# --- database_runtime_error ---------------------------------------------------------------------------------

LAZY_FRAMES = [
    Frame(
        f"{SA}/orm/attributes.py", 566, "__get__", "return self.impl.get(state, dict_)  # type: ignore[no-any-return]"
    ),
    Frame(f"{SA}/orm/attributes.py", 1086, "get", "value = self._fire_loader_callables(state, key, passive)"),
    Frame(f"{SA}/orm/attributes.py", 1121, "_fire_loader_callables", "return self.callable_(state, passive)"),
    Frame(f"{SA}/orm/strategies.py", 918, "_load_for_state", "raise orm_exc.DetachedInstanceError("),
]


def detached_instance(ctx: Ctx) -> Spec:
    edit = {
        "get_lookup": "article = session.scalar(select(Article).where(Article.slug == slug))",
        "get_out": "    return article_out(article, viewer)",
    }
    exc = [
        "sqlalchemy.orm.exc.DetachedInstanceError: Parent instance <Article at 0x7f2c1b3e4d10> is not bound to a Session; "
        "lazy load operation of attribute 'tags' cannot proceed (Background on this error at: https://sqlalche.me/e/20/bhk3)"
    ]
    error = py_err(ctx, ["r_get", "get_out", "out_tags"], LAZY_FRAMES, exc)
    return Spec(where="get_out", edit=edit, hits=[Hit(ops=("GetArticle",), status=500, error=True)], error=error)


def missing_greenlet(ctx: Ctx) -> Spec:
    edit = {"get_lookup": "article = await session.scalar(select(Article).where(Article.slug == slug))"}
    lib = LAZY_FRAMES[:3] + [
        Frame(f"{SA}/orm/strategies.py", 922, "_load_for_state", "return self._emit_lazyload("),
        Frame(f"{SA}/orm/strategies.py", 1087, "_emit_lazyload", "result = session.execute("),
        Frame(f"{SA}/util/_concurrency_py3k.py", 123, "await_only", "raise exc.MissingGreenlet("),
    ]
    exc = [
        "sqlalchemy.exc.MissingGreenlet: greenlet_spawn has not been called; can't call await_only() here. Was IO "
        "attempted in an unexpected place? (Background on this error at: https://sqlalche.me/e/20/xd2s)"
    ]
    error = py_err(ctx, ["r_get", "get_out", "out_tags"], lib, exc)
    return Spec(where="get_lookup", edit=edit, hits=[Hit(ops=("GetArticle",), status=500, error=True)], error=error)


def schema_not_created(ctx: Ctx) -> Spec:
    if ctx.fw == "django":
        edit = {"migrate": "python manage.py collectstatic --noinput || true"}
        where = "migrate"
    elif ctx.node:
        edit = {"init_db": "Promise.resolve().then(() => { // tables come from `npm run migrate`"}
        where = "init_db"
        if ctx.fw == "hono":
            edit = {"init_db": "// await initDatabase(); tables come from `npm run migrate`"}
    elif ctx.fw == "flask":
        edit = {"init_db": "pass  # the schema is created by `alembic upgrade head`"}
        where = "init_db"
    else:
        edit = {"init_db": "pass  # the schema is created by `alembic upgrade head`"}
        where = "init_db"
    table = {"django": "api_user", "sequelize": "Users", "knex": "users"}.get(
        ctx.fw if ctx.fw == "django" else ctx.orm, "users"
    )
    message = f'relation "{table}" does not exist'
    if ctx.node:
        sql = f'SELECT "id", "username" FROM "{table}" AS "User" WHERE "User"."email" = \'sa@example.com\' LIMIT 1;'
        error = node_db(
            ctx,
            "missing_table",
            message,
            sql if ctx.orm == "sequelize" else f'select * from "{table}" where "email" = $1 limit $2',
            ["r_register", "reg_taken"],
            sqlite_message=f"no such table: {table}",
            model="User",
        )
    else:
        cause, exc = py_db(
            ctx,
            "missing_table",
            message,
            f"SELECT {table}.id, {table}.username FROM {table} WHERE {table}.email = %(email_1)s",
            detail=[f"LINE 1: ...username FROM {table} WHERE ..."],
            sqlite_message=f"no such table: {table}",
        )
        chain = ["r_register", "reg_taken"]
        lib = django_orm_frames("exists") if ctx.fw == "django" else sa_frames(ctx, "scalar")
        if ctx.fw == "django":
            lib = [
                Frame(f"{DJ}/db/models/query.py", 1285, "exists", "return self.query.has_results(using=self.db)")
            ] + django_orm_frames()[1:]
        error = py_err(ctx, chain, lib, exc, cause)
    return Spec(
        where=where,
        edit=edit,
        hits=[
            Hit(ops=("CreateUser", "Login"), status=500, error=True),
            Hit(ops=("GetArticles", "GetTags", "GetProfileByUsername"), status=500, error=True),
        ],
        error=error,
        database=ctx.database,
    )


def missing_column(ctx: Ctx) -> Spec:
    """A model field with no migration (Django) or a model the table was not synced with (Sequelize)."""
    if ctx.fw == "django":
        cause, exc = py_db(
            ctx,
            "missing_column",
            "column api_article.updated_at does not exist",
            "",
            detail=['LINE 1: ...api_article"."body", "api_article"."created_at", "api_article"...'],
        )
        error = py_err(ctx, ["r_create"], django_orm_frames("create"), exc, cause)
        return Spec(
            where="m_updated",
            edit={},
            hits=[
                Hit(
                    ops=("CreateArticle",),
                    status=500,
                    error=True,
                    lose=("slug", "slugA1", "slugA2", "slugB1", "slugC1", "slugA3"),
                )
            ],
            error=error,
        )
    sql = 'INSERT INTO "Articles" ("id","slug","title","description","body","tagList","createdAt","updatedAt","authorId") VALUES (DEFAULT,$1,$2,$3,$4,$5,$6,$7,$8) RETURNING *;'
    error = node_db(
        ctx,
        "missing_column",
        'column "tagList" of relation "Articles" does not exist',
        sql,
        ["r_create", "create_insert"],
    )
    return Spec(
        where="m_tags",
        edit={"create_all": "await sequelize.sync({ alter: false }); // the Articles table predates tagList"},
        hits=[
            Hit(
                ops=("CreateArticle",),
                status=500,
                error=True,
                lose=("slug", "slugA1", "slugA2", "slugB1", "slugC1", "slugA3"),
            )
        ],
        error=error,
    )


def pool_exhausted(ctx: Ctx) -> Spec:
    if ctx.node:
        edit = {
            "fav_add": "const trx = await db.transaction(); await trx('favorites').insert({ article_id: row.id, user_id: viewer.id });"
        }
        head = "KnexTimeoutError: Knex: Timeout acquiring a connection. The pool is probably full. Are you missing a .transacting(trx) call?"
        lib = [
            Frame(f"{NODE_MODULES}/knex/lib/client.js", 312, "Client_PG.acquireConnection"),
            Frame("node:internal/process/task_queues", 95, "process.processTicksAndRejections"),
            Frame(f"{NODE_MODULES}/knex/lib/execution/runner.js", 228, "async Runner.ensureConnection"),
            Frame(f"{NODE_MODULES}/knex/lib/execution/runner.js", 37, "async Runner.run"),
        ]
        error = node_err(ctx, head, ["r_get", "get_lookup"], lib=lib)
        return Spec(
            where="fav_add",
            edit=edit,
            hits=[Hit(names=r"favorite|unfavorite|comment|after|as [ABC]$|feed|tags|delete", status=500, error=True)],
            error=error,
        )
    edit = {"session_close": "pass" if not ctx.asyncio else "pass  # closed when the engine is disposed"}
    exc = [
        "sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 0 reached, connection timed out, timeout 10.00 "
        "(Background on this error at: https://sqlalche.me/e/20/3o7r)"
    ]
    lib = sa_frames(ctx, "scalar")[:2] + [
        Frame(f"{SA}/pool/base.py", 1263, "_checkout", "fairy = _ConnectionRecord.checkout(pool)"),
        Frame(f"{SA}/pool/impl.py", 167, "_do_get", "raise exc.TimeoutError("),
    ]
    error = py_err(ctx, ["r_get", "get_lookup"], lib, exc)
    return Spec(
        where="session_close",
        edit=edit,
        hits=[
            Hit(
                names=r"favorite|unfavorite|comment|after|as [ABC]$|feed|tags|delete|profile|articles",
                status=500,
                error=True,
            )
        ],
        error=error,
    )


def sync_in_async_view(ctx: Ctx) -> Spec:
    edit = {"v_tags_def": "async def tags(request):"}
    lib = [
        Frame(f"{PY_LIB}/asgiref/sync.py", 254, "__call__", "return call_result.result()"),
        Frame(f"{DJ}/db/models/query.py", 400, "__iter__", "self._fetch_all()"),
        Frame(f"{DJ}/utils/asyncio.py", 24, "inner", "raise SynchronousOnlyOperation(message)"),
    ]
    exc = [
        "django.core.exceptions.SynchronousOnlyOperation: You cannot call this from an async context - use a thread or sync_to_async."
    ]
    error = py_err(ctx, ["r_tags"], lib, exc)
    return Spec(where="v_tags_def", edit=edit, hits=[Hit(ops=("GetTags",), status=500, error=True)], error=error)


def concurrent_session(ctx: Ctx) -> Spec:
    edit = {
        "q_exec": "rows = (await asyncio.gather(session.execute(page), session.scalar(select(func.count()).select_from(query.subquery()))))[0].scalars().all()"
    }
    lib = [
        Frame(f"{PY_LIB}/sqlalchemy/ext/asyncio/session.py", 461, "execute", "result = await greenlet_spawn("),
        Frame(
            f"{SA}/orm/session.py",
            2229,
            "_connection_for_bind",
            "return trans._connection_for_bind(engine, execution_options)",
        ),
        Frame(f"{SA}/orm/state_changes.py", 121, "_go", "raise sa_exc.InvalidRequestError("),
    ]
    exc = [
        "sqlalchemy.exc.InvalidRequestError: This session is provisioning a new connection; concurrent operations are not permitted (Background on this error at: https://sqlalche.me/e/20/isce)"
    ]
    error = py_err(ctx, ["r_list", "q_exec"], lib, exc)
    return Spec(where="q_exec", edit=edit, hits=[Hit(ops=("GetArticles",), status=500, error=True)], error=error)


# --- state_propagation_failure ------------------------------------------------------------------------------


def author_lost(ctx: Ctx) -> Spec | None:
    """The author's id is read from the request body instead of the authenticated user: a NOT NULL violation."""
    lose = ("slug", "slugA1", "slugA2", "slugB1", "slugC1", "slugA3")
    if ctx.fw == "django":
        edit = {"create_author": 'author_id=data.get("author"),'}
        cause, exc = py_db(
            ctx,
            "not_null",
            'null value in column "author_id" of relation "api_article" violates not-null constraint',
            "",
            detail=[
                "DETAIL:  Failing row contains (3, alpha-k3x9, Alpha, About alpha, Alpha body, null, 2026-12-01 10:00:04+00, 2026-12-01 10:00:04+00)."
            ],
        )
        error = py_err(ctx, ["r_create"], django_orm_frames("create"), exc, cause)
        return Spec(
            where="create_author",
            edit=edit,
            hits=[Hit(ops=("CreateArticle",), status=500, error=True, lose=lose)],
            error=error,
        )
    if ctx.node and ctx.orm == "sequelize":
        edit = {"create_author": "authorId: data.authorId,"}
        head = "TypeError: Cannot read properties of null (reading 'username')"
        error = node_err(ctx, head, ["r_create", "create_out", "out_following"])
        return Spec(
            where="create_author",
            edit=edit,
            hits=[Hit(ops=("CreateArticle",), status=500, error=True, lose=lose)],
            error=error,
        )
    if ctx.node:
        edit = {"create_author": "author_id: data.authorId,"}
        sql = 'insert into "articles" ("author_id", "body", "description", "slug", "title") values (DEFAULT, $1, $2, $3, $4) returning *'
        error = node_db(
            ctx,
            "not_null",
            'null value in column "author_id" of relation "articles" violates not-null constraint',
            sql,
            [],
        )
        return Spec(
            where="create_author",
            edit=edit,
            hits=[Hit(ops=("CreateArticle",), status=500, error=True, lose=lose)],
            error=error,
        )
    edit = {"create_author": 'author_id=data.get("author_id"),'}
    cause, exc = py_db(
        ctx,
        "not_null",
        'null value in column "author_id" of relation "articles" violates not-null constraint',
        "INSERT INTO articles (slug, title, description, body, author_id, created_at, updated_at) VALUES (%(slug)s, %(title)s, %(description)s, %(body)s, %(author_id)s, %(created_at)s, %(updated_at)s) RETURNING articles.id",
        detail=[
            "DETAIL:  Failing row contains (1, alpha-k3x9, Alpha k3x9, About alpha, Alpha body, null, 2026-12-01 10:00:04.1, 2026-12-01 10:00:04.1)."
        ],
        sqlite_message="NOT NULL constraint failed: articles.author_id",
    )
    lib = [
        Frame(f"{SA}/orm/session.py", 2017, "commit", "trans.commit(_to_root=True)"),
        Frame(f"{SA}/orm/session.py", 4331, "flush", "self._flush(objects)"),
    ] + sa_frames(ctx)[1:]
    error = py_err(ctx, ["r_create", "create_commit"], lib, exc, cause)
    return Spec(
        where="create_author",
        edit=edit,
        hits=[Hit(ops=("CreateArticle",), status=500, error=True, lose=lose)],
        error=error,
        database=ctx.database,
    )


def slug_null_path(ctx: Ctx) -> Spec:
    """The slug comes from a database default the object is never refreshed with: later requests go to /articles/None."""
    edit = {"create_slug": "slug=None,  # filled in by the database default"}
    return Spec(
        where="create_slug",
        edit=edit,
        hits=[
            Hit(
                ops=("CreateArticle",),
                fails=r"slug is a non-empty",
                actual=lambda t: None,
                lose=("slug", "slugA1", "slugA2", "slugB1", "slugC1", "slugA3"),
                excerpt='{"article":{"slug":null,"title":"Alpha k3x9","description":"About alpha","body":"Alpha body","tagList":[]}}',
            )
        ],
    )


def favorite_count_stale(ctx: Ctx) -> Spec:
    if ctx.fw == "django":
        edit, where = {"fav_add": "Favorite(user=viewer, article=found)"}, "fav_add"
    elif ctx.node and ctx.orm == "knex":
        edit, where = {"fav_out": "return articleOut(row, null);"}, "fav_out"
    elif ctx.node:
        edit, where = {"fav_refresh": "await article.reload();"}, "fav_refresh"
    else:
        edit, where = (
            {"fav_refresh": "AWAIT session.flush()".replace("AWAIT ", "await " if ctx.asyncio else "")},
            "fav_refresh",
        )
    return Spec(
        where=where,
        edit=edit,
        hits=[Hit(ops=("CreateArticleFavorite",), fails=r"favorited equals true|favoritesCount equals [1-9]")],
        level="rich",
    )


def follow_not_persisted(ctx: Ctx) -> Spec:
    if ctx.fw == "django":
        edit, where = {"follow_add": "Follow(follower=viewer, followed=target)"}, "follow_add"
    elif ctx.node and ctx.orm == "knex":
        edit, where = (
            {
                "follow_add": "db('follows').insert({ follower_id: viewer.id, followed_id: target.id }).onConflict().ignore();"
            },
            "follow_add",
        )
    elif ctx.node:
        edit, where = {"follow_add": "await viewer.addFollower(target);"}, "follow_add"
    else:
        edit, where = (
            {"follow_commit": "AWAIT session.flush()".replace("AWAIT ", "await " if ctx.asyncio else "")},
            "follow_commit",
        )
    return Spec(
        where=where,
        edit=edit,
        hits=[
            Hit(names=r"^profile B as A$", fails=r"following equals true"),
            Hit(
                names=r"^feed of A",
                fails=r"articlesCount equals [1-9]|\[\*\]\.slug",
                actual=lambda t: 0 if "Count" in t else [],
            ),
        ],
        level="rich",
    )


def update_not_persisted(ctx: Ctx) -> Spec:
    if ctx.fw == "django":
        edit, where = {"upd_user_commit": 'user.save(update_fields=["email"])'}, "upd_user_commit"
    elif ctx.node and ctx.orm == "knex":
        edit, where = (
            {
                "upd_user_commit": "db('users').where({ id: user.id }).update(changes); const updated = { ...user, ...changes };"
            },
            "upd_user_commit",
        )
    elif ctx.node:
        edit, where = {"upd_user_commit": "user.set(changes);"}, "upd_user_commit"
    else:
        edit, where = (
            {"upd_user_commit": "AWAIT session.flush()".replace("AWAIT ", "await " if ctx.asyncio else "")},
            "upd_user_commit",
        )
    return Spec(
        where=where,
        edit=edit,
        hits=[
            Hit(
                names=r"^current user A after update$|^profile A shows the updated bio$",
                fails=r"\.(bio|image) equals",
                actual=lambda t: "" if "bio" in t else None,
            ),
            Hit(names=r"^login C with new email", status=401, lose=("tokenC",)),
        ],
        level="rich",
    )


def delete_not_applied(ctx: Ctx) -> Spec:
    line = {
        "django": "found.delete",
        "knex": "db('articles').where({ id: row.id }).del();",
        "sequelize": "article.destroy;",
    }.get(ctx.orm if ctx.node else ctx.fw, "session.expunge(article)")
    return Spec(
        where="del_delete",
        edit={"del_delete": line},
        hits=[
            Hit(names=r"^article A1 after delete$|^comments on deleted A1$", status=200),
            Hit(
                names=r"after delete$",
                ops=("GetArticles",),
                fails=r"articlesCount equals|\[\*\]\.slug",
                actual=lambda t: 3 if "Count" in t else ["sa-3", "sa-2", "sa-1"],
            ),
        ],
        level="rich",
    )


# --- framework_idiosyncrasy ---------------------------------------------------------------------------------


def fastify_empty_body(ctx: Ctx) -> Spec:
    lines = []
    return Spec(
        where="logger",
        edit={},
        hits=[
            Hit(
                ops=(
                    "CreateArticleFavorite",
                    "DeleteArticleFavorite",
                    "FollowUserByUsername",
                    "UnfollowUserByUsername",
                ),
                status=400,
                excerpt='{"statusCode":400,"code":"FST_ERR_CTP_EMPTY_JSON_BODY","error":"Bad Request","message":"Body cannot be empty when content-type is set to \'application/json\'"}',
                error=True,
            )
        ],
        error=[
            "FastifyError [FST_ERR_CTP_EMPTY_JSON_BODY]: Body cannot be empty when content-type is set to 'application/json'",
            f"    at Parser.defaultJsonParser [as fn] ({NODE_MODULES}/fastify/lib/contentTypeParser.js:307:19)",
            f"    at IncomingMessage.onEnd ({NODE_MODULES}/fastify/lib/contentTypeParser.js:287:27)",
            "    at IncomingMessage.emit (node:events:519:28)",
            "    at endReadableNT (node:internal/streams/readable:1696:12)",
        ]
        + lines,
        database=ctx.database,
    )


def django_append_slash(ctx: Ctx) -> Spec:
    edit = {"u_users": 'path("api/users/", views.register),', "u_articles": 'path("api/articles/", views.articles),'}
    lib = [
        Frame(
            f"{DJ}/core/handlers/base.py",
            181,
            "_get_response",
            "response = self.process_exception_by_middleware(e, request)",
        ),
        Frame(f"{DJ}/middleware/common.py", 53, "process_request", "path = self.get_full_path_with_slash(request)"),
        Frame(f"{DJ}/middleware/common.py", 88, "get_full_path_with_slash", "raise RuntimeError("),
    ]
    exc = [
        "RuntimeError: You called this URL via POST, but the URL doesn't end in a slash and you have APPEND_SLASH set. "
        "Django can't redirect to the slash URL while maintaining POST data. Change your form to point to "
        "127.0.0.1:8080/api/users/ (note the trailing slash), or set APPEND_SLASH=False in your Django settings."
    ]
    error = py_traceback_only(ctx, lib, exc)
    return Spec(
        where="u_users",
        edit=edit,
        hits=[
            Hit(ops=("CreateUser",), status=500, error=True, lose=("token", "tokenA", "tokenB", "tokenC")),
            Hit(ops=("GetArticles",), unauth=True, status=301),
        ],
        error=error,
        database=ctx.database,
    )


def py_traceback_only(ctx: Ctx, lib: list[Frame], exc: list[str]) -> list[str]:
    """A traceback raised inside the framework before any of the app's code ran."""
    return py_err(
        ctx,
        [],
        [Frame(f"{DJ}/core/handlers/exception.py", 55, "inner", "response = get_response(request)")] + lib,
        exc,
        dispatch=False,
    )


def trailing_slash_redirect(ctx: Ctx) -> Spec:
    decorator = '@api.get("/articles/")' if ctx.fw == "flask" else '@router.get("/articles/")'
    status = 308 if ctx.fw == "flask" else 307
    return Spec(where="d_list", edit={"d_list": decorator}, hits=[Hit(ops=("GetArticles",), status=status, excerpt="")])


def empty_body_json(ctx: Ctx) -> Spec:
    if ctx.fw == "flask":
        return Spec(
            where="r_unfavorite_body",
            edit={"r_unfavorite_body": "request.get_json()"},
            hits=[
                Hit(
                    ops=("DeleteArticleFavorite",),
                    status=400,
                    excerpt="<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>Failed to decode JSON object: Expecting value: line 1 column 1 (char 0)</p>\n",
                )
            ],
        )
    lib = [
        Frame(f"{PY_LIB}/aiohttp/web_request.py", 701, "json", "return loads(body)"),
        Frame("/usr/local/lib/python3.12/json/__init__.py", 346, "loads", "return _default_decoder.decode(s)"),
        Frame(
            "/usr/local/lib/python3.12/json/decoder.py",
            338,
            "decode",
            "obj, end = self.raw_decode(s, idx=_w(s, 0).end())",
        ),
        Frame(
            "/usr/local/lib/python3.12/json/decoder.py",
            356,
            "raw_decode",
            'raise JSONDecodeError("Expecting value", s, err.value) from None',
        ),
    ]
    error = py_err(
        ctx,
        ["mw_errors", "r_favorite_body"] if False else ["r_favorite_body"],
        lib,
        ["json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)"],
    )
    return Spec(
        where="r_favorite_body",
        edit={"r_favorite_body": "await request.json()"},
        hits=[Hit(ops=("CreateArticleFavorite",), status=500, error=True)],
        error=error,
        database=ctx.database,
    )


def fastapi_body_required(ctx: Ctx) -> Spec:
    return Spec(
        where="r_favorite_sig",
        edit={"r_favorite_sig": "async def favorite(slug: str, payload: dict = Body(...), user=Depends(viewer)):"},
        hits=[
            Hit(
                ops=("CreateArticleFavorite",),
                status=422,
                excerpt='{"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]}',
            )
        ],
        database=ctx.database,
    )


def koa_unawaited(ctx: Ctx) -> Spec:
    anchor = "r_list" if ctx.database == "postgresql" else "r_feed"
    line = {
        "r_list": "articles.listArticles(viewer, { tag, author, favorited, limit: Number(limit), offset: Number(offset) }).then((result) => { ctx.body = result; });",
        "r_feed": "articles.feed(viewer, { limit: Number(ctx.query.limit || 20), offset: Number(ctx.query.offset || 0) }).then((result) => { ctx.body = result; });",
    }[anchor]
    ops = ("GetArticles",) if anchor == "r_list" else ("GetArticlesFeed",)
    return Spec(
        where=anchor, edit={anchor: line}, hits=[Hit(ops=ops, status=404, excerpt="Not Found")], database=ctx.database
    )


def hono_not_finalized(ctx: Ctx) -> Spec:
    if ctx.database == "postgresql":
        anchor, line, ops = (
            "r_tags",
            "api.get('/tags', async (c) => { c.json(await articles.allTags()); });",
            ("GetTags",),
        )
    else:
        anchor, line, ops = (
            "r_get",
            "c.json({ article: await articles.getArticle(c.req.param('slug'), viewer) });",
            ("GetArticle",),
        )
    head = "Error: Context is not finalized. Did you forget to return a Response object or `await next()`?"
    lib = [
        Frame(f"{NODE_MODULES}/hono/dist/hono-base.js", 211, "Hono.#dispatch"),
        Frame(f"{NODE_MODULES}/@hono/node-server/dist/index.js", 383, "Server.<anonymous>"),
    ]
    error = node_stack_only(head, lib)
    return Spec(
        where=anchor,
        edit={anchor: line},
        hits=[Hit(ops=ops, status=500, error=True, excerpt="Internal Server Error")],
        error=error,
        database=ctx.database,
    )


def node_stack_only(head: str, lib: list[Frame]) -> list[str]:
    from scripts.diagnosis_corpus.render import node_stack

    return node_stack(head, lib, esm=True)


def django_csrf(ctx: Ctx) -> Spec:
    return Spec(
        where="common_mw",
        edit={"common_mw": '"django.middleware.csrf.CsrfViewMiddleware",'},
        hits=[
            Hit(
                ops=("CreateUser", "Login"),
                status=403,
                lose=("token", "tokenA", "tokenB", "tokenC"),
                excerpt='\n<!DOCTYPE html>\n<html lang="en">\n<head>\n  <meta http-equiv="content-type" content="text/html; charset=utf-8">\n  <title>403 Forbidden</title>',
            )
        ],
        extra_log=[],
        database=ctx.database,
    )


def rate_limited(ctx: Ctx) -> Spec:
    line = {
        "express": "app.use(express.json(), rateLimit({ windowMs: 15 * 60 * 1000, max: 20 }));",
        "koa": "app.use(bodyParser()).use(ratelimit({ driver: 'memory', db: new Map(), duration: 60000, max: 20 }));",
        "fastify": "app.register(require('@fastify/rate-limit'), { max: 20, timeWindow: '1 minute' }).register(routes, { prefix: '/api' });",
        "fastapi": 'app = FastAPI(title="Conduit", dependencies=[Depends(RateLimiter(times=20, seconds=60))])',
    }[ctx.fw]
    anchor = {"express": "body_parser", "koa": "body_parser", "fastify": "mount", "fastapi": "app"}[ctx.fw]
    excerpt = {
        "express": "Too many requests, please try again later.",
        "koa": "Rate limit exceeded, retry in 59 seconds.",
        "fastify": '{"statusCode":429,"error":"Too Many Requests","message":"Rate limit exceeded, retry in 1 minute"}',
        "fastapi": '{"detail":"Too Many Requests"}',
    }[ctx.fw]
    late = r"^(1[6-9]|2\d|3\d) |^(articles|feed|A |B |C |comment|delete|tags|unfollow|unfavorite|profile|favorite|update|current user A after|login C)"
    return Spec(where=anchor, edit={anchor: line}, hits=[Hit(names=late, status=429, excerpt=excerpt)])


def passlib_bcrypt_clash(ctx: Ctx) -> Spec:
    trapped = py_err(
        ctx,
        [],
        [
            Frame(
                f"{PY_LIB}/passlib/handlers/bcrypt.py",
                620,
                "_load_backend_mixin",
                "version = _bcrypt.__about__.__version__",
            )
        ],
        ["AttributeError: module 'bcrypt' has no attribute '__about__'"],
        dispatch=False,
    )
    lib = [
        Frame(f"{PY_LIB}/passlib/context.py", 2258, "hash", "return record.hash(secret, **kwds)"),
        Frame(f"{PY_LIB}/passlib/utils/handlers.py", 779, "hash", "self.checksum = self._calc_checksum(secret)"),
        Frame(f"{PY_LIB}/passlib/handlers/bcrypt.py", 591, "_calc_checksum", "self._stub_requires_backend()"),
        Frame(f"{PY_LIB}/passlib/utils/handlers.py", 2254, "_stub_requires_backend", "cls.set_backend()"),
        Frame(f"{PY_LIB}/passlib/handlers/bcrypt.py", 421, "_finalize_backend_mixin", "if detect_wrap_bug(IDENT_2A):"),
        Frame(f"{PY_LIB}/passlib/handlers/bcrypt.py", 380, "detect_wrap_bug", "if verify(secret, bug_hash):"),
        Frame(f"{PY_LIB}/passlib/handlers/bcrypt.py", 655, "_calc_checksum", "hash = _bcrypt.hashpw(secret, config)"),
    ]
    exc = [
        "ValueError: password cannot be longer than 72 bytes, truncate manually if necessary (e.g. my_password[:72])"
    ]
    error = py_err(ctx, ["r_register", "reg_user", "hash"], lib, exc)
    return Spec(
        where="req_bcrypt",
        edit={},
        hits=[
            Hit(ops=("CreateUser",), status=500, error=True, lose=("token", "tokenA", "tokenB", "tokenC")),
            Hit(ops=("Login",), status=401, lose=("token", "tokenA", "tokenB", "tokenC")),
        ],
        error=["(trapped) error reading bcrypt version", *trapped, *error],
        database=ctx.database,
    )


# --- business_logic_defect ----------------------------------------------------------------------------------


def bcrypt_undefined(ctx: Ctx) -> Spec:
    """PUT /user without a password hashes `undefined` (conduit-express); the startup log has an unrelated transient error."""
    edit = {"upd_user_password": "changes.password = await hashPassword(data.password);"}
    lib = [
        Frame(f"{NODE_MODULES}/bcrypt/promises.js", 16, "module.exports.reject"),
        Frame(f"{NODE_MODULES}/bcrypt/bcrypt.js", 133, "Object.hash"),
    ]
    error = node_err(
        ctx, "Error: data and salt arguments required", ["r_update_user", "upd_user_password", "hash"], lib=lib
    )
    extra = []
    if ctx.orm == "sequelize":
        extra = node_db(
            ctx, "missing_table", 'relation "Users" does not exist', 'SELECT "id" FROM "Users" LIMIT 1;', ["create_all"]
        )
    return Spec(
        where="upd_user_password",
        edit=edit,
        hits=[
            Hit(
                ops=("UpdateCurrentUser",),
                names=r"update user( A bio| C email)?$|bio and image",
                status=500,
                error=True,
            )
        ],
        error=error,
        extra_log=extra,
    )


def duplicate_username(ctx: Ctx) -> Spec:
    if ctx.node:
        sql = 'insert into "users" ("email", "password", "username") values ($1, $2, $3) returning *'
        error = node_db(
            ctx,
            "unique",
            'duplicate key value violates unique constraint "users_username_key"',
            sql,
            ["r_register", "reg_user"],
            model="User",
        )
    else:
        cause, exc = py_db(
            ctx,
            "unique",
            'duplicate key value violates unique constraint "users_username_key"',
            "INSERT INTO users (username, email, password, bio, image) VALUES (%(username)s, %(email)s, %(password)s, %(bio)s, %(image)s) RETURNING users.id",
            detail=["DETAIL:  Key (username)=(sak3x9) already exists."],
            sqlite_message="UNIQUE constraint failed: users.username",
        )
        if ctx.fw == "django":
            error = py_err(ctx, ["reg_user"], django_orm_frames("create"), exc, cause)
        else:
            error = py_err(
                ctx,
                ["r_register", "reg_commit"],
                [Frame(f"{SA}/orm/session.py", 2017, "commit", "trans.commit(_to_root=True)")] + sa_frames(ctx)[1:],
                exc,
                cause,
            )
    return Spec(
        where="reg_taken",
        edit={},
        hits=[Hit(names=r"^register with taken username$", status=500, error=True)],
        error=error,
        level="rich",
        database=ctx.database,
    )


def bio_from_image(ctx: Ctx) -> Spec:
    if ctx.fw == "django":
        edit, where = (
            {
                "user_out_token": 'return {"email": user.email, "username": user.username, "bio": user.image, "image": user.image, "token": issue_token(user)}'
            },
            "user_out_token",
        )
    elif ctx.node:
        edit, where = (
            {
                "user_out_token": "return { email: user.email, username: user.username, bio: user.image, image: user.image, token };"
            },
            "user_out_token",
        )
    else:
        edit, where = {"user_out_bio": '"bio": user.image,'}, "user_out_bio"
    return Spec(
        where=where,
        edit=edit,
        hits=[
            Hit(
                ops=("UpdateCurrentUser", "GetCurrentUser"),
                fails=r"user\.bio equals",
                actual=lambda t: "https://example.com/sak3x9.png",
            )
        ],
        level="rich",
    )


def description_from_body(ctx: Ctx) -> Spec:
    line = {
        "django": 'description=data["body"],',
        "knex": "description: data.body,",
        "sequelize": "description: data.body,",
    }.get(ctx.orm if ctx.node else ctx.fw, 'description=data["body"],')
    return Spec(
        where="create_description",
        edit={"create_description": line},
        hits=[Hit(names=r"^create article A1$", fails=r"description equals", actual=lambda t: "Alpha body")],
        level="rich",
    )


def tag_list_required(ctx: Ctx) -> Spec:
    if ctx.node and ctx.orm == "knex":
        return None  # knex's loop over `data.tagList || []` already tolerates the missing list
    if ctx.node:
        edit = {"create_tags": "tagList: data.tagList,"}
        return Spec(
            where="create_tags",
            edit=edit,
            hits=[Hit(names=r"A3 with A1's title", fails=r"tagList equals", actual=lambda t: None)],
            level="rich",
        )
    if ctx.fw == "django":
        edit = {
            "create_tags": 'article.tags.set([Tag.objects.get_or_create(name=name)[0] for name in data["tagList"]])'
        }
        error = py_err(ctx, ["create_tags"], (), ["KeyError: 'tagList'"])
    else:
        line = 'article.tags = [AWAIT tag_named(session, name) for name in data["tagList"]]'.replace(
            "AWAIT ", "await " if ctx.asyncio else ""
        )
        edit = {"create_tags": line}
        error = py_err(ctx, ["r_create", "create_tags"], (), ["KeyError: 'tagList'"])
    return Spec(
        where="create_tags",
        edit=edit,
        hits=[Hit(names=r"A3 with A1's title", status=500, error=True)],
        error=error,
        level="rich",
    )


def slug_not_unique(ctx: Ctx) -> Spec:
    if ctx.node:
        sql = 'insert into "articles" ("author_id", "body", "description", "slug", "title") values ($1, $2, $3, $4, $5) returning *'
        error = node_db(
            ctx,
            "unique",
            'duplicate key value violates unique constraint "articles_slug_key"',
            sql,
            ["r_create", "create_insert"],
        )
    else:
        cause, exc = py_db(
            ctx,
            "unique",
            'duplicate key value violates unique constraint "articles_slug_key"',
            "INSERT INTO articles (slug, title, description, body, author_id) VALUES (...)",
            detail=["DETAIL:  Key (slug)=(alpha-k3x9) already exists."],
            sqlite_message="UNIQUE constraint failed: articles.slug",
        )
        if ctx.fw == "django":
            error = py_err(ctx, ["r_create", "m_save"], django_orm_frames("create"), exc, cause)
        else:
            error = py_err(
                ctx,
                ["r_create", "create_commit"],
                [Frame(f"{SA}/orm/session.py", 2017, "commit", "trans.commit(_to_root=True)")] + sa_frames(ctx)[1:],
                exc,
                cause,
            )
    return Spec(
        where="create_slug",
        edit={},
        hits=[Hit(names=r"A3 with A1's title", status=500, error=True)],
        error=error,
        level="rich",
        database=ctx.database,
    )


def unknown_article_crash(ctx: Ctx) -> Spec | None:
    if ctx.node:
        edit = {"get_check": "if (!slug) throw Object.assign(new Error('article not found'), { status: 404 });"}
        prop = "id" if ctx.orm == "knex" else "favoritedBy"
        head = f"TypeError: Cannot read properties of {'undefined' if ctx.orm == 'knex' else 'null'} (reading '{prop}')"
        error = node_err(ctx, head, ["r_get", "get_out", "out_tags" if ctx.orm == "knex" else "out_favorited"])
        return Spec(
            where="get_check",
            edit=edit,
            hits=[Hit(names=r"^unknown article$", status=500, error=True)],
            error=error,
            level="rich",
        )
    if ctx.fw == "django":
        return None
    edit = {"profile_check": "if not username:"}
    error = py_err(
        ctx,
        ["r_profile", "profile_get_out", "profile_out"],
        (),
        ["AttributeError: 'NoneType' object has no attribute 'followers'"],
    )
    return Spec(
        where="profile_check",
        edit=edit,
        hits=[Hit(names=r"^profile of unknown user$", status=500, error=True)],
        error=error,
        level="rich",
    )


def wrong_password_accepted(ctx: Ctx) -> Spec:
    line = "if (!user) {" if ctx.node else "if user is None:"
    return Spec(
        where="login_verify",
        edit={"login_verify": line},
        hits=[Hit(names=r"^login (with wrong password|C with old password)$", status=200)],
        level="rich",
    )


# --- incomplete_implementation ------------------------------------------------------------------------------

NOT_FOUND_BODY = {
    "express": '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot POST /api/articles/alpha-k3x9/comments</pre>\n</body>\n</html>\n',
    "fastify": '{"message":"Route POST:/api/articles/alpha-k3x9/comments not found","error":"Not Found","statusCode":404}',
    "hono": "404 Not Found",
    "koa": "Not Found",
    "flask": "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>",
    "fastapi": '{"detail":"Not Found"}',
    "aiohttp": "404: Not Found",
    "django": '\n<!doctype html>\n<html lang="en">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n',
}


def comments_missing(ctx: Ctx) -> Spec:
    where = {
        "flask": "blueprint",
        "fastapi": "router",
        "aiohttp": "routes",
        "django": "u_articles",
        "express": "router",
        "koa": "router",
        "fastify": "r_tags",
        "hono": "router",
    }[ctx.fw]
    return Spec(
        where=where,
        hits=[
            Hit(
                ops=("CreateArticleComment", "GetArticleComments", "DeleteArticleComment"),
                status=404,
                excerpt=NOT_FOUND_BODY[ctx.fw],
            )
        ],
        label_line=False,
    )


def follow_not_implemented(ctx: Ctx) -> Spec:
    if ctx.node:
        edit = {"follow_add": "throw Object.assign(new Error('Not implemented'), { status: 501 });"}
        return Spec(
            where="follow_add",
            edit=edit,
            hits=[Hit(ops=("FollowUserByUsername",), status=501, excerpt='{"errors":{"body":["Not implemented"]}}')],
        )
    if ctx.fw == "django":
        edit = {"follow_add": 'raise NotImplementedError("follow")'}
        error = py_err(ctx, ["follow_add"], (), ["NotImplementedError: follow"])
    else:
        edit = {"follow_add": 'raise NotImplementedError("follow")'}
        error = py_err(ctx, ["r_follow", "follow_add"], (), ["NotImplementedError: follow"])
    return Spec(
        where="follow_add", edit=edit, hits=[Hit(ops=("FollowUserByUsername",), status=500, error=True)], error=error
    )


def tags_missing(ctx: Ctx) -> Spec:
    anchor = {"express": "u_tags", "koa": "u_tags", "django": "u_tags", "hono": "r_tags"}[ctx.fw]
    comment = "# TODO: tags endpoint" if ctx.fw == "django" else "// TODO: tags endpoint"
    return Spec(
        where=anchor,
        edit={anchor: comment},
        hits=[Hit(ops=("GetTags",), status=404, excerpt=NOT_FOUND_BODY[ctx.fw])],
        label_line=False,
    )


# --- schema_format_error ------------------------------------------------------------------------------------


def author_missing(ctx: Ctx) -> Spec:
    if ctx.node:
        line = "authorId: row.author_id," if ctx.orm == "knex" else "authorId: article.authorId,"
        edit = {"out_following": line}
        where = "out_following"
    else:
        edit = {"out_author": '"author_id": article.author_id,'}
        where = "out_author"
    excerpt = '{"article":{"slug":"alpha-k3x9","title":"Alpha k3x9","description":"About alpha","body":"Alpha body","tagList":[],"favorited":false,"favoritesCount":0,"author_id":1}}'
    return Spec(
        where=where,
        edit=edit,
        hits=[
            Hit(
                ops=("CreateArticle", "GetArticle", "UpdateArticle", "CreateArticleFavorite", "DeleteArticleFavorite"),
                fails=r"\bauthor\b|matches",
                excerpt=excerpt,
            ),
            Hit(ops=("GetArticles", "GetArticlesFeed"), fails=r"\[0\]\.author|matches"),
        ],
    )


def count_as_string(ctx: Ctx) -> Spec:
    if ctx.node and ctx.orm == "knex":
        edit, where = {"out_count_number": "favoritesCount: count,"}, "out_count_number"
    elif ctx.node:
        edit, where = {"out_count": "favoritesCount: String(fans.length),"}, "out_count"
    elif ctx.fw == "django":
        edit, where = {"out_count": '"favoritesCount": str(article.favorites.count()),'}, "out_count"
    else:
        edit, where = {"out_count": '"favoritesCount": str(len(article.favorites)),'}, "out_count"
    return Spec(
        where=where,
        edit=edit,
        hits=[
            Hit(
                ops=("CreateArticle", "GetArticle", "CreateArticleFavorite", "DeleteArticleFavorite", "GetArticles"),
                fails=r"favoritesCount is an integer|matches|favoritesCount equals",
                actual=lambda t: "0",
            )
        ],
    )


def plain_text_errors(ctx: Ctx) -> Spec:
    line = {
        "flask": "return str(error.detail), error.status",
        "fastapi": "return PlainTextResponse(str(error.detail), status_code=error.status)",
        "aiohttp": "return web.Response(text=str(error.detail), status=error.status)",
        "express": "app.use((err, req, res, next) => { console.error(err); res.status(err.status || 500).send(err.message); });",
        "fastify": "app.setErrorHandler((error, request, reply) => { reply.code(error.status || 500).type('text/plain').send(error.message);",
        "hono": "app.onError((err, c) => { console.error(err); return c.text(err.message, err.status || 500);",
        "koa": "app.use(async (ctx, next) => { try { await next(); } catch (err) { ctx.status = err.status || 500; ctx.body = err.message; } });",
    }[ctx.fw]
    if ctx.fw == "koa":
        line = "app.use(async (ctx, next) => { //@error_handler"  # keeps the block; the body line changes below
        return None  # type: ignore[return-value]
    return Spec(
        where="error_handler",
        edit={"error_handler": line},
        hits=[
            Hit(
                names=r"without token|unknown|wrong password|with invalid token|B deletes A2|B updates A2|C deletes",
                fails=r"matches GenericErrorModel",
                any_status=True,
                excerpt="missing token",
            )
        ],
        level="rich",
    )


# --- server_startup_failure ---------------------------------------------------------------------------------


def wrong_module(ctx: Ctx) -> Spec:
    if ctx.node:
        edit = {
            "imp_slugify": "const slugify = require('slugify-lib');"
            if ctx.fw != "hono"
            else "import slugify from 'slugify-lib';"
        }
        path, line = ctx.app.anchors["imp_slugify"]
        if ctx.fw == "hono":
            log = [
                "node:internal/modules/esm/resolve:854",
                "  throw new ERR_MODULE_NOT_FOUND(packageName, fileURLToPath(base), null);",
                "        ^",
                "",
                f"Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'slugify-lib' imported from /repository/{path}",
                "    at packageResolve (node:internal/modules/esm/resolve:854:9)",
                "    at moduleResolve (node:internal/modules/esm/resolve:927:18)",
                "    at defaultResolve (node:internal/modules/esm/resolve:1157:11)",
                "    at ModuleLoader.defaultResolve (node:internal/modules/esm/loader:383:12)",
                "  code: 'ERR_MODULE_NOT_FOUND'",
                "}",
                "",
                "Node.js v20.18.0",
            ]
        else:
            log = [
                "node:internal/modules/cjs/loader:1228",
                "  throw err;",
                "  ^",
                "",
                "Error: Cannot find module 'slugify-lib'",
                "Require stack:",
                f"- /repository/{path}",
                "- /repository/src/routes.js",
                "    at Module._resolveFilename (node:internal/modules/cjs/loader:1225:15)",
                "    at Module._load (node:internal/modules/cjs/loader:1051:27)",
                "    at Module.require (node:internal/modules/cjs/loader:1311:19)",
                "    at require (node:internal/modules/helpers:179:18)",
                f"    at Object.<anonymous> (/repository/{path}:{line}:17)",
                "    at Module._compile (node:internal/modules/cjs/loader:1469:14) {",
                "  code: 'MODULE_NOT_FOUND',",
                f"  requireStack: [ '/repository/{path}', '/repository/src/routes.js' ]",
                "}",
                "",
                "Node.js v20.18.0",
            ]
        return Spec(where="imp_slugify", edit=edit, startup="start_failed", startup_log=log)
    if ctx.fw == "django":
        edit = {"imp_json": "import simplejson as json"}
        path, line = ctx.app.anchors["imp_json"]
        frames = [
            Frame(f"{DJ}/urls/resolvers.py", 718, "urlconf_module", "return import_module(self.urlconf_name)"),
            Frame(
                "/usr/local/lib/python3.12/importlib/__init__.py",
                90,
                "import_module",
                "return _bootstrap._gcd_import(name[level:], package, level)",
            ),
            Frame("/repository/conduit/urls.py", 6, "<module>", "from conduit.api import views"),
            Frame(f"/repository/{path}", line, "<module>", "import simplejson as json"),
        ]
        from scripts.diagnosis_corpus.render import py_traceback

        log = py_traceback(frames, ["ModuleNotFoundError: No module named 'simplejson'"])
        return Spec(where="imp_json", edit=edit, startup="start_failed", startup_log=log)
    edit = {"imp_slugify": "from python_slugify import slugify"}
    path, line = ctx.app.anchors["imp_slugify"]
    entry = {
        "flask": ("app/__init__.py", "from app.routes import api"),
        "fastapi": ("app/main.py", "from app.routes import router"),
        "aiohttp": ("app/main.py", "from app.routes import routes"),
    }[ctx.fw]
    from scripts.diagnosis_corpus.render import py_traceback

    frames = [
        Frame(f"/repository/{entry[0]}", 7, "<module>" if ctx.fw != "flask" else "create_app", entry[1]),
        Frame("/repository/app/routes.py", 6, "<module>", "from app.services import articles, users"),
        Frame(f"/repository/{path}", line, "<module>", "from python_slugify import slugify"),
    ]
    head = {"flask": [], "fastapi": ["Traceback (most recent call last):"], "aiohttp": []}[ctx.fw]
    log = py_traceback(frames, ["ModuleNotFoundError: No module named 'python_slugify'"])
    return Spec(where="imp_slugify", edit=edit, startup="start_failed", startup_log=head[:0] + log)


def syntax_error(ctx: Ctx) -> Spec:
    if ctx.node:
        anchor = "r_tags" if ctx.has("r_tags") and ctx.fw in ("fastify", "hono") else "u_tags"
        original = ctx.app.line(anchor)
        broken = original.rstrip().rstrip(";").rstrip(")") + ";"
        path, line = ctx.app.anchors[anchor]
        log = [
            f"/repository/{path}:{line}",
            broken.strip(),
            " " * (len(broken.strip()) - 1) + "^",
            "",
            "SyntaxError: missing ) after argument list",
            "    at wrapSafe (node:internal/modules/cjs/loader:1378:20)",
            "    at Module._compile (node:internal/modules/cjs/loader:1428:41)",
            "    at Module._extensions..js (node:internal/modules/cjs/loader:1548:10)",
            "    at Module.load (node:internal/modules/cjs/loader:1288:32)",
            "    at Module._load (node:internal/modules/cjs/loader:1104:12)",
            "",
            "Node.js v20.18.0",
        ]
        return Spec(where=anchor, edit={anchor: broken.strip()}, startup="start_failed", startup_log=log)
    anchor = "r_tags"
    original = ctx.app.line(anchor).strip()
    broken = original.replace("(", "(", 1)
    broken = broken[: broken.rfind(")")] if broken.endswith(")") else broken + "("
    path, line = ctx.app.anchors[anchor]
    log = [
        "Traceback (most recent call last):",
        '  File "/usr/local/bin/gunicorn", line 8, in <module>'
        if ctx.fw == "flask"
        else '  File "<frozen runpy>", line 198, in _run_module_as_main',
        f'  File "/repository/{path}", line {line}',
        f"    {broken}",
        "    " + " " * (broken.find("(")) + "^",
        "SyntaxError: '(' was never closed",
    ]
    return Spec(where=anchor, edit={anchor: broken}, startup="start_failed", startup_log=log)


def db_unreachable(ctx: Ctx) -> Spec:
    if ctx.fw == "django":
        edit, anchor = {"db_host": '"HOST": "db",'}, "db_host"
        log = py_err(
            ctx,
            [],
            [
                Frame(f"{DJ}/db/backends/base/base.py", 275, "ensure_connection", "self.connect()"),
                Frame(f"{PY_LIB}/psycopg/connection.py", 119, "connect", "raise last_ex.with_traceback(None)"),
            ],
            [
                'django.db.utils.OperationalError: connection failed: could not translate host name "db" to address: Name or service not known'
            ],
            dispatch=False,
        )
    elif ctx.node:
        edit = {
            "db_url": "connection: 'postgres://postgres:postgres@localhost:5432/conduit_dev',"
            if ctx.orm == "knex"
            else "const sequelize = new Sequelize('postgres://postgres:postgres@localhost:5432/conduit_dev', {"
        }
        anchor = "db_url"
        if ctx.orm == "knex":
            log = (
                ['error: database "conduit_dev" does not exist']
                + [
                    f"    at {f.function} ({f.path}:{f.line}:{f.line % 40 + 3})"
                    for f in [
                        Frame(f"{NODE_MODULES}/pg-protocol/dist/parser.js", 283, "Parser.parseErrorMessage"),
                        Frame(f"{NODE_MODULES}/pg-protocol/dist/parser.js", 122, "Parser.handlePacket"),
                        Frame(f"{NODE_MODULES}/pg-protocol/dist/index.js", 11, "Socket.<anonymous>"),
                    ]
                ]
                + [
                    "  length: 96,",
                    "  severity: 'FATAL',",
                    "  code: '3D000',",
                    "  routine: 'InitPostgres'",
                    "}",
                    "",
                    "Node.js v20.18.0",
                ]
            )
        else:
            log = [
                'ConnectionError [SequelizeConnectionError]: database "conduit_dev" does not exist',
                f"    at Client._connectionCallback ({NODE_MODULES}/sequelize/lib/dialects/postgres/connection-manager.js:145:24)",
                f"    at Client._handleErrorWhileConnecting ({NODE_MODULES}/pg/lib/client.js:327:19)",
                '  parent: error: database "conduit_dev" does not exist',
                '  original: error: database "conduit_dev" does not exist',
                "}",
            ]
    else:
        edit, anchor = (
            {
                "db_url": 'DATABASE_URL = "postgresql+psycopg://postgres:postgres@localhost:5432/conduit_dev"'
                if not ctx.asyncio
                else 'DATABASE_URL = "postgresql+asyncpg://postgres:postgres@localhost:5432/conduit_dev"'
            },
            "db_url",
        )
        driver = "asyncpg.exceptions.InvalidCatalogNameError" if ctx.asyncio else "psycopg.OperationalError"
        wrapper = (
            "(sqlalchemy.dialects.postgresql.asyncpg.Error) <class 'asyncpg.exceptions.InvalidCatalogNameError'>:"
            if ctx.asyncio
            else '(psycopg.OperationalError) connection failed: connection to server at "127.0.0.1", port 5432 failed: FATAL: '
        )
        init = "init_db"
        log = py_err(
            ctx,
            [init, "create_all"],
            [
                Frame(f"{SA}/sql/schema.py", 5868, "create_all", "bind._run_ddl_visitor("),
                Frame(f"{SA}/engine/base.py", 3250, "_run_ddl_visitor", "with self.begin() as conn:"),
                Frame(f"{SA}/pool/base.py", 643, "__connect", "connection = pool._invoke_creator(self)"),
            ],
            [
                f'sqlalchemy.exc.OperationalError: {wrapper} database "conduit_dev" does not exist',
                "(Background on this error at: https://sqlalche.me/e/20/e3q8)",
            ]
            if True
            else [driver],
            dispatch=False,
        )
        if ctx.fw == "fastapi":
            log = (
                [
                    "INFO:     Started server process [7]",
                    "INFO:     Waiting for application startup.",
                    "ERROR:    Traceback (most recent call last):",
                ]
                + log[1:]
                + ["", "ERROR:    Application startup failed. Exiting."]
            )
    return Spec(where=anchor, edit=edit, startup="start_failed", startup_log=log)


def wrong_port(ctx: Ctx) -> Spec:
    line = {
        "aiohttp": "web.run_app(create_app(), port=5000)",
        "express": "app.listen(5000, () =>",
        "koa": "app.listen(5000, () => console.log('listening on 5000'));",
        "fastify": ".then(() => app.listen({ port: 5000, host: '0.0.0.0' }))",
        "hono": "serve({ fetch: app.fetch, port: 5000 }",
    }[ctx.fw]
    said = {
        "aiohttp": ["======== Running on http://0.0.0.0:5000 ========", "(Press CTRL+C to quit)"],
        "express": ["Server listening on port 5000"],
        "koa": ["listening on 5000"],
        "fastify": [
            '{"level":30,"time":1764583202113,"pid":19,"hostname":"pod","msg":"Server listening at http://0.0.0.0:5000"}'
        ],
        "hono": ["Server is running on http://localhost:5000"],
    }[ctx.fw]
    return Spec(where="listen", edit={"listen": line}, startup="health_timeout", startup_log=said)


def install_failed(ctx: Ctx) -> Spec:
    if ctx.node:
        edit = {"req_orm": f'"{ctx.orm}": "^9.4.0",'}
        log = [
            "npm ERR! code ETARGET",
            f"npm ERR! notarget No matching version found for {ctx.orm}@^9.4.0.",
            "npm ERR! notarget In most cases you or one of your dependencies are requesting",
            "npm ERR! notarget a package version that doesn't exist.",
            "",
            "npm ERR! A complete log of this run can be found in: /tmp/.npm/_logs/2026-12-01T10_00_01_113Z-debug-0.log",
        ]
        return Spec(where="req_orm", edit=edit, startup="install_failed", startup_log=log)
    edit = {"req_driver": "psycopg[binary]==4.0.1" if not ctx.asyncio else "asyncpg==1.2.0"}
    package = "psycopg[binary]==4.0.1" if not ctx.asyncio else "asyncpg==1.2.0"
    versions = "3.1.18, 3.1.19, 3.1.20, 3.2.0, 3.2.1, 3.2.2, 3.2.3" if not ctx.asyncio else "0.28.0, 0.29.0, 0.30.0"
    log = [
        "Using Python 3.12.7 environment at: .venv",
        "  × No solution found when resolving dependencies:",
        f"  ╰─▶ Because there is no version of {package.split('[')[0].split('=')[0]}=={package.split('==')[1]} and you require {package}, we can conclude that your requirements are unsatisfiable.",
        f"      (available: {versions})",
    ]
    return Spec(where="req_driver", edit=edit, startup="install_failed", startup_log=log)


# --- constraint_violation -----------------------------------------------------------------------------------


def raw_sql_query(ctx: Ctx) -> Spec:
    line = {
        "django": 'names = [row[0] for row in connection.cursor().execute("SELECT DISTINCT name FROM api_tag").fetchall()]',
        "knex": "return { tags: (await db.raw('SELECT DISTINCT name FROM tags')).rows.map((r) => r.name) };",
        "sequelize": 'const [rows] = await sequelize.query(\'SELECT DISTINCT unnest("tagList") AS name FROM "Articles"\');',
    }.get(
        ctx.orm if ctx.node else ctx.fw,
        'names = (AWAIT session.execute(text("SELECT DISTINCT name FROM tags"))).scalars().all()',
    )
    line = line.replace("AWAIT ", "await " if ctx.asyncio else "")
    path, number = ctx.app.anchors["tags_query"]
    finding = {
        "constraint": "orm",
        "rule": "orm.raw-query",
        "path": path,
        "line": number,
        "severity": "error",
        "message": f"raw SQL where the declared ORM ({ctx.orm}) should build the query",
    }
    return Spec(where="tags_query", edit={"tags_query": line}, findings=[finding])


def sqlite_side_store(ctx: Ctx) -> Spec:
    if ctx.node:
        edit = {
            "db_client": "client: 'sqlite3', useNullAsDefault: true,"
            if ctx.orm == "knex"
            else "dialect: 'sqlite', storage: 'conduit.sqlite',"
        }
    elif ctx.fw == "django":
        edit = {"db_engine": '"ENGINE": "django.db.backends.sqlite3",'}
    else:
        edit = {
            "db_url": 'DATABASE_URL = "sqlite:///conduit.db"'
            if not ctx.asyncio
            else 'DATABASE_URL = "sqlite+aiosqlite:///conduit.db"'
        }
    anchor = next(iter(edit))
    path, number = ctx.app.anchors[anchor]
    findings = [
        {
            "constraint": "database",
            "rule": "database.other-engine-config",
            "path": path,
            "line": number,
            "severity": "error",
            "message": "the app is configured for SQLite where PostgreSQL is declared",
        },
        {
            "constraint": "database",
            "rule": "database.runtime-sqlite-file",
            "path": "conduit.sqlite" if ctx.node else "conduit.db",
            "line": None,
            "severity": "error",
            "message": "the app wrote a SQLite file during the run although PostgreSQL is declared",
        },
    ]
    return Spec(where=anchor, edit=edit, findings=findings)


# --- other --------------------------------------------------------------------------------------------------


def killed_midsuite(ctx: Ctx) -> Spec:
    return Spec(
        where="q_exec" if ctx.has("q_exec") else "r_list",
        hits=[
            Hit(
                names=r"^(2[0-9]|3[0-2]) |^(articles favorited by|unfavorite|comment|delete|tags|profile|follow)",
                status=None,
                error=True,
            )
        ],
        error=["Killed"],
        label_line=False,
    )


PATTERNS: list[Pattern] = [
    Pattern(
        "auth-bearer-scheme",
        "logic_error",
        "auth_misconfiguration",
        ALL,
        "The token is read after `Bearer`, not Conduit's `Token` scheme.",
        bearer_scheme,
    ),
    Pattern(
        "auth-secret-mismatch",
        "logic_error",
        "auth_misconfiguration",
        ALL,
        "Tokens are verified with another secret than they were signed with.",
        secret_mismatch,
    ),
    Pattern(
        "auth-algorithms-missing",
        "logic_error",
        "auth_misconfiguration",
        ("flask", "fastapi", "aiohttp", "django"),
        "PyJWT 2's decode without `algorithms`; only expiry is caught.",
        algorithms_missing,
    ),
    Pattern(
        "auth-current-user-claim",
        "logic_error",
        "auth_misconfiguration",
        ALL,
        "The current-user code reads the token's claim under the wrong name.",
        current_user_crash,
    ),
    Pattern(
        "auth-public-route",
        "logic_error",
        "auth_misconfiguration",
        ALL,
        "Listing articles requires a token.",
        public_route_401,
    ),
    Pattern(
        "auth-token-bytes",
        "logic_error",
        "auth_misconfiguration",
        ("flask", "fastapi", "aiohttp", "django"),
        "`.decode()` on the str PyJWT 2 returns when a token is issued.",
        token_bytes_decode,
    ),
    Pattern(
        "auth-token-payload",
        "logic_error",
        "auth_misconfiguration",
        NODE,
        "The ORM instance itself is signed as the token payload.",
        token_payload_instance,
    ),
    Pattern(
        "auth-ownership",
        "logic_error",
        "auth_misconfiguration",
        ALL,
        "Deleting an article checks only that someone is logged in.",
        ownership_missing,
    ),
    Pattern(
        "query-feed-unfiltered",
        "logic_error",
        "incorrect_query_logic",
        ALL,
        "The feed lists every article, not the followed authors'.",
        feed_unfiltered,
    ),
    Pattern(
        "query-knex-in-select",
        "logic_error",
        "incorrect_query_logic",
        ("koa", "fastify"),
        "knex emits `IN select` unparenthesised for a raw subquery.",
        knex_in_unparenthesised,
    ),
    Pattern(
        "query-operator-mismatch",
        "logic_error",
        "incorrect_query_logic",
        ALL,
        "The author filter compares the integer id with a username.",
        operator_mismatch,
    ),
    Pattern(
        "query-dialect-operator",
        "logic_error",
        "incorrect_query_logic",
        ("flask", "aiohttp", "express", "hono"),
        "A PostgreSQL operator on the SQLite database.",
        dialect_operator,
        ("sqlite",),
    ),
    Pattern(
        "query-tag-join",
        "logic_error",
        "incorrect_query_logic",
        ALL,
        "The tag filter joins on the wrong column.",
        tag_filter_wrong_join,
    ),
    Pattern(
        "query-offset-ignored",
        "logic_error",
        "incorrect_query_logic",
        ALL,
        "Paging applies the limit but not the offset.",
        offset_ignored,
    ),
    Pattern(
        "query-order-missing",
        "logic_error",
        "incorrect_query_logic",
        ALL,
        "Lists are not ordered by creation date.",
        order_missing,
    ),
    Pattern(
        "query-favorited-viewer",
        "logic_error",
        "incorrect_query_logic",
        ALL,
        "`favorited=` filters by the viewer instead of the named user.",
        favorited_filter_viewer,
    ),
    Pattern(
        "query-eager-alias",
        "logic_error",
        "incorrect_query_logic",
        ("express", "hono"),
        "An include without the association's alias.",
        eager_alias,
    ),
    Pattern(
        "query-model-attribute",
        "logic_error",
        "incorrect_query_logic",
        ("flask", "fastapi", "aiohttp", "django"),
        "A filter on a column the model does not have.",
        model_attribute,
    ),
    Pattern(
        "query-lookup-column",
        "logic_error",
        "incorrect_query_logic",
        ALL,
        "The article is looked up by title instead of slug.",
        lookup_wrong_column,
    ),
    Pattern(
        "query-count-unfiltered",
        "logic_error",
        "incorrect_query_logic",
        ("flask", "fastapi", "aiohttp", "django", "fastify", "koa"),
        "articlesCount counts every article.",
        count_ignores_filters,
    ),
    Pattern(
        "db-detached-instance",
        "logic_error",
        "database_runtime_error",
        ("flask",),
        "The article is serialised after its session closed.",
        detached_instance,
        ("postgresql", "sqlite"),
    ),
    Pattern(
        "db-missing-greenlet",
        "logic_error",
        "database_runtime_error",
        ("fastapi", "aiohttp"),
        "A lazy load inside async SQLAlchemy code.",
        missing_greenlet,
    ),
    Pattern(
        "db-schema-not-created",
        "logic_error",
        "database_runtime_error",
        ALL,
        "The schema is never created on startup.",
        schema_not_created,
        ("postgresql", "sqlite"),
    ),
    Pattern(
        "db-missing-column",
        "logic_error",
        "database_runtime_error",
        ("django", "express", "hono"),
        "A model field the table lacks (no migration, no sync).",
        missing_column,
    ),
    Pattern(
        "db-pool-exhausted",
        "logic_error",
        "database_runtime_error",
        ("flask", "fastapi", "aiohttp", "koa", "fastify"),
        "Sessions or transactions are never released.",
        pool_exhausted,
    ),
    Pattern(
        "db-sync-in-async",
        "logic_error",
        "database_runtime_error",
        ("django",),
        "An async Django view calls the synchronous ORM.",
        sync_in_async_view,
        ("postgresql", "sqlite"),
    ),
    Pattern(
        "db-concurrent-session",
        "logic_error",
        "database_runtime_error",
        ("fastapi", "aiohttp"),
        "One AsyncSession used by two coroutines at once.",
        concurrent_session,
    ),
    Pattern(
        "state-author-lost",
        "logic_error",
        "state_propagation_failure",
        ALL,
        "The author's id is read from the body, not the authenticated user.",
        author_lost,
    ),
    Pattern(
        "state-slug-null",
        "logic_error",
        "state_propagation_failure",
        ("flask", "fastapi", "aiohttp"),
        "The slug is left to a database default the object never sees.",
        slug_null_path,
    ),
    Pattern(
        "state-favorite-stale",
        "logic_error",
        "state_propagation_failure",
        ALL,
        "The favorite is stored but the response is built from stale state.",
        favorite_count_stale,
    ),
    Pattern(
        "state-follow-lost",
        "logic_error",
        "state_propagation_failure",
        ALL,
        "The follow is never persisted.",
        follow_not_persisted,
    ),
    Pattern(
        "state-update-lost",
        "logic_error",
        "state_propagation_failure",
        ALL,
        "Profile updates are answered but never stored.",
        update_not_persisted,
    ),
    Pattern(
        "state-delete-lost",
        "logic_error",
        "state_propagation_failure",
        ALL,
        "Deleted articles are still served.",
        delete_not_applied,
    ),
    Pattern(
        "fw-fastify-empty-body",
        "logic_error",
        "framework_idiosyncrasy",
        ("fastify",),
        "Fastify's JSON parser rejects the empty body of favorite/follow.",
        fastify_empty_body,
        ("postgresql", "sqlite"),
    ),
    Pattern(
        "fw-django-append-slash",
        "logic_error",
        "framework_idiosyncrasy",
        ("django",),
        "URL patterns end in a slash; APPEND_SLASH cannot redirect a POST.",
        django_append_slash,
        ("postgresql", "sqlite"),
    ),
    Pattern(
        "fw-trailing-slash",
        "logic_error",
        "framework_idiosyncrasy",
        ("flask", "fastapi"),
        "A route declared with a trailing slash: the framework redirects.",
        trailing_slash_redirect,
    ),
    Pattern(
        "fw-empty-json-body",
        "logic_error",
        "framework_idiosyncrasy",
        ("flask", "aiohttp"),
        "The handler parses a JSON body the request does not have.",
        empty_body_json,
    ),
    Pattern(
        "fw-fastapi-body",
        "logic_error",
        "framework_idiosyncrasy",
        ("fastapi",),
        "A Body(...) parameter on favorite makes FastAPI demand a body.",
        fastapi_body_required,
        ("postgresql", "sqlite"),
    ),
    Pattern(
        "fw-koa-unawaited",
        "logic_error",
        "framework_idiosyncrasy",
        ("koa",),
        "ctx.body is set after the middleware returned: Koa answers 404.",
        koa_unawaited,
        ("postgresql", "sqlite"),
    ),
    Pattern(
        "fw-hono-not-finalized",
        "logic_error",
        "framework_idiosyncrasy",
        ("hono",),
        "A Hono handler does not return its response.",
        hono_not_finalized,
        ("postgresql", "sqlite"),
    ),
    Pattern(
        "fw-django-csrf",
        "logic_error",
        "framework_idiosyncrasy",
        ("django",),
        "CSRF middleware rejects the API's POSTs.",
        django_csrf,
        ("postgresql", "sqlite"),
    ),
    Pattern(
        "fw-rate-limited",
        "logic_error",
        "framework_idiosyncrasy",
        ("express", "koa", "fastify", "fastapi"),
        "A rate limiter answers the suite with 429.",
        rate_limited,
    ),
    Pattern(
        "fw-passlib-bcrypt",
        "logic_error",
        "auth_misconfiguration",
        ("flask", "fastapi", "aiohttp"),
        "passlib 1.7.4 crashes on the bcrypt release an unpinned requirement installs.",
        passlib_bcrypt_clash,
        ("postgresql", "sqlite"),
    ),
    Pattern(
        "logic-bcrypt-undefined",
        "logic_error",
        "business_logic_defect",
        NODE,
        "PUT /user without a password hashes undefined.",
        bcrypt_undefined,
    ),
    Pattern(
        "logic-duplicate-username",
        "logic_error",
        "business_logic_defect",
        ALL,
        "Registration checks only the email; a taken username hits the unique index.",
        duplicate_username,
    ),
    Pattern(
        "logic-bio-from-image",
        "logic_error",
        "business_logic_defect",
        ALL,
        "The user's bio is answered from the image field.",
        bio_from_image,
    ),
    Pattern(
        "logic-description-from-body",
        "logic_error",
        "business_logic_defect",
        ALL,
        "The description is stored from the body field.",
        description_from_body,
    ),
    Pattern(
        "logic-taglist-required",
        "logic_error",
        "business_logic_defect",
        ALL,
        "An article without tagList fails or answers null.",
        tag_list_required,
    ),
    Pattern(
        "logic-slug-not-unique",
        "logic_error",
        "business_logic_defect",
        ALL,
        "Equal titles give equal slugs and the insert fails.",
        slug_not_unique,
    ),
    Pattern(
        "logic-unknown-crash",
        "logic_error",
        "business_logic_defect",
        ALL,
        "An unknown resource crashes instead of answering 404.",
        unknown_article_crash,
    ),
    Pattern(
        "logic-wrong-password",
        "logic_error",
        "auth_misconfiguration",
        ("flask", "fastapi", "aiohttp") + NODE,
        "Login accepts any password.",
        wrong_password_accepted,
    ),
    Pattern(
        "incomplete-comments",
        "incomplete_implementation",
        None,
        ALL,
        "The comment endpoints are not implemented.",
        comments_missing,
    ),
    Pattern(
        "incomplete-follow", "incomplete_implementation", None, ALL, "Following is a stub.", follow_not_implemented
    ),
    Pattern(
        "incomplete-tags",
        "incomplete_implementation",
        None,
        ("express", "koa", "django", "hono"),
        "GET /tags is not routed.",
        tags_missing,
    ),
    Pattern(
        "schema-author-missing",
        "schema_format_error",
        None,
        ALL,
        "Articles carry the author's id, not the author profile.",
        author_missing,
    ),
    Pattern("schema-count-string", "schema_format_error", None, ALL, "favoritesCount is a string.", count_as_string),
    Pattern(
        "schema-plain-errors",
        "schema_format_error",
        None,
        ("flask", "fastapi", "aiohttp", "express", "fastify", "hono"),
        "Errors are plain text, not the errors envelope.",
        plain_text_errors,
    ),
    Pattern(
        "startup-missing-module",
        "server_startup_failure",
        None,
        ALL,
        "An import names a package that is not installed.",
        wrong_module,
    ),
    Pattern(
        "startup-syntax-error", "server_startup_failure", None, ALL, "A syntax error in a route module.", syntax_error
    ),
    Pattern(
        "startup-database-url",
        "server_startup_failure",
        None,
        ALL,
        "The database URL names a database that does not exist.",
        db_unreachable,
    ),
    Pattern(
        "startup-wrong-port",
        "server_startup_failure",
        None,
        ("aiohttp", "express", "koa", "fastify", "hono"),
        "The server listens on another port than the contract's.",
        wrong_port,
    ),
    Pattern(
        "startup-install",
        "server_startup_failure",
        None,
        ALL,
        "A dependency pinned to a version that does not exist.",
        install_failed,
    ),
    Pattern(
        "constraint-raw-sql",
        "constraint_violation",
        None,
        ALL,
        "A raw SQL query where the declared ORM should build it.",
        raw_sql_query,
    ),
    Pattern(
        "constraint-sqlite",
        "constraint_violation",
        None,
        ALL,
        "The app stores its data in SQLite although PostgreSQL is declared.",
        sqlite_side_store,
    ),
    Pattern(
        "other-killed",
        "other",
        None,
        ("flask", "express", "django"),
        "The server process is killed mid-suite (out of memory).",
        killed_midsuite,
    ),
]

from scripts.diagnosis_corpus.catalog_patterns import CATALOG_PATTERNS  # noqa: E402

PATTERNS += CATALOG_PATTERNS
