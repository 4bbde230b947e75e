"""Defect patterns for the recurring rows of the catalogue of real coding-agent failures.

Each pattern follows one catalogue row (tests/corpus/diagnosis/catalog-coverage.yml
names it): the request shape the suite sees and what the server log shows,
in each framework's own format. Labels follow the catalogue's definitions,
with upstream precedence (a crash that loses the token is blamed where the
token was lost, not on the 401s after it).
"""

from __future__ import annotations

from scripts.diagnosis_corpus.build import Ctx, Hit, Pattern, Spec
from scripts.diagnosis_corpus.errors import DJ, PY_LIB, SA, node_db, node_err, py_db, py_err
from scripts.diagnosis_corpus.render import NODE_MODULES, Frame, py_traceback

TOKENS = ("token", "tokenA", "tokenB", "tokenC")
BODY_OPS = ("CreateUser", "Login", "UpdateCurrentUser", "CreateArticle", "UpdateArticle", "CreateArticleComment")
NODE_V = "Node.js v20.18.0"
FAVORITED_LISTS = r"favorited by"
EMPTY_LIST = r"articles\[0\]|articlesCount (equals [1-9]|>)|has an item|every item"


def _aw(ctx: Ctx, text: str) -> str:
    return text.replace("AWAIT ", "await " if ctx.asyncio else "")


def _node_boot(path: str, line: int, code: str, message: str) -> list[str]:
    """What Node prints when a module fails to parse at boot."""
    return [
        f"/repository/{path}:{line}",
        code.strip(),
        " " * max(len(code.strip()) // 2, 1) + "^",
        "",
        message,
        "    at wrapSafe (node:internal/modules/cjs/loader:1378:20)",
        "    at Module._compile (node:internal/modules/cjs/loader:1428:41)",
        "    at Module._extensions..js (node:internal/modules/cjs/loader:1548:10)",
        "    at Module.load (node:internal/modules/cjs/loader:1288:32)",
        "",
        NODE_V,
    ]


# --- auth_misconfiguration ----------------------------------------------------------------------------------


def follow_other_scheme(ctx: Ctx) -> Spec:
    """A4: the follow routes authenticate through a second dependency that wants `Bearer`."""
    line = {
        "fastapi": '    return {"profile": await users.follow(await oauth2_user(request), username)}',
        "flask": '    return jsonify(profile=users.follow(bearer_user(request.headers.get("Authorization")), username))',
        "express": "  res.json({ profile: await users.follow(await bearerUser(req.get('Authorization')), req.params.username) });",
    }[ctx.fw]
    hits = [Hit(ops=("FollowUserByUsername", "UnfollowUserByUsername"), auth_only=True, status=401)]
    return Spec(where="r_follow", edit={"r_follow": line}, hits=hits)


# --- incorrect_query_logic ----------------------------------------------------------------------------------


def json_contains_sqlite(ctx: Ctx) -> Spec:
    """Q1: `tagList__contains` on a JSONField under SQLite."""
    lib = [
        Frame(f"{DJ}/db/models/query.py", 400, "__iter__", "self._fetch_all()"),
        Frame(f"{DJ}/db/models/sql/compiler.py", 1549, "execute_sql", "sql, params = self.as_sql()"),
        Frame(f"{DJ}/db/models/fields/json.py", 151, "as_sql", "raise NotSupportedError("),
    ]
    exc = ["django.db.utils.NotSupportedError: contains lookup is not supported on this database backend."]
    return Spec(
        where="q_tag",
        edit={"q_tag": 'query = query.filter(tagList__contains=[request.GET["tag"]])'},
        hits=[Hit(names=r"by tag", ops=("GetArticles",), status=500, error=True)],
        error=py_err(ctx, ["r_list"], lib, exc),
    )


def base_array_contains(ctx: Ctx) -> Spec:
    """Q2: the generic `sqlalchemy.ARRAY` has no `contains`."""
    lib = [
        Frame(f"{SA}/sql/sqltypes.py", 2987, "contains", "raise NotImplementedError("),
    ]
    exc = [
        "NotImplementedError: ARRAY.contains() not implemented for the base ARRAY type; please use the "
        "dialect-specific ARRAY type"
    ]
    return Spec(
        where="q_tag",
        edit={"q_tag": "query = query.where(Article.tag_list.contains([tag]))"},
        hits=[Hit(names=r"by tag", ops=("GetArticles",), status=500, error=True)],
        error=py_err(ctx, ["r_list", "q_tag"], lib, exc),
    )


def constant_list(ctx: Ctx) -> Spec:
    """Q6: the list handler answers a well-formed but constant empty page."""
    line = {
        "express": "  return { articles: [], articlesCount: 0 };",
        "fastapi": '        return {"articles": [], "articlesCount": 0}',
        "django": '    return JsonResponse({"articles": [], "articlesCount": 0})',
    }[ctx.fw]
    where = "r_list" if ctx.fw == "django" else "q_out"
    hits = [Hit(ops=("GetArticles", "GetArticlesFeed"), fails=EMPTY_LIST, excerpt='{"articles":[],"articlesCount":0}')]
    return Spec(where=where, edit={where: line}, hits=hits)


def join_alias_missing(ctx: Ctx) -> Spec:
    """Q9: the favorited filter names a join alias that is never in FROM."""
    if ctx.node:
        edit = {
            "q_favorited": "  if (favorited) query.join('favorites', 'favorites.article_id', 'articles.id').where('fu.username', favorited);"
        }
        sql = 'select "articles".* from "articles" inner join "favorites" on "favorites"."article_id" = "articles"."id" where "fu"."username" = $1'
        error = node_db(
            ctx,
            "missing_table",
            'missing FROM-clause entry for table "fu"',
            sql.replace('"', "`") if ctx.database == "sqlite" else sql,
            ["r_list", "q_exec"],
            sqlite_message="no such column: fu.username",
        )
    else:
        edit = {
            "q_favorited": 'query = query.join(Favorite, Favorite.article_id == Article.id).where(text("fu.username = :name")).params(name=favorited)'
        }
        cause, exc = py_db(
            ctx,
            "missing_table",
            'missing FROM-clause entry for table "fu"',
            "SELECT articles.id, articles.slug ... FROM articles JOIN favorites ON favorites.article_id = articles.id WHERE fu.username = ?",
            sqlite_message="no such column: fu.username",
        )
        error = py_err(ctx, ["r_list", "q_exec"], [], exc, cause)
    return Spec(
        where="q_favorited",
        edit=edit,
        hits=[Hit(names=FAVORITED_LISTS, ops=("GetArticles",), status=500, error=True)],
        error=error,
    )


def favorite_insert_wrong_key(ctx: Ctx) -> Spec:
    """Q12: the favorites join-table insert binds the slug where the article id belongs."""
    edit = {
        "fav_add": "  await db('favorites').insert({ article_id: row.slug, user_id: viewer.id }).onConflict().ignore();"
    }
    sql = 'insert into "favorites" ("article_id", "user_id") values ($1, $2) on conflict do nothing'
    error = node_db(
        ctx, "invalid_text", 'invalid input syntax for type integer: "alpha-k3x9"', sql, ["r_favorite", "fav_add"]
    )
    return Spec(
        where="fav_add",
        edit=edit,
        hits=[
            Hit(ops=("CreateArticleFavorite",), status=500, error=True),
            Hit(names=FAVORITED_LISTS, ops=("GetArticles",), fails=EMPTY_LIST),
        ],
        error=error,
    )


# --- database_runtime_error ---------------------------------------------------------------------------------


def data_access_name_error(ctx: Ctx) -> Spec:
    """D10: the data-access code names a model it never imported."""
    if ctx.node:
        edit = {"q_author": "    { model: Users, as: 'author', where: author ? { username: author } : undefined },"}
        error = node_err(ctx, "ReferenceError: Users is not defined", ["r_list", "q_author"])
    else:
        edit = {"q_author": "query = query.where(Article.author.has(Users.username == author))"}
        exc = ["NameError: name 'Users' is not defined. Did you mean: 'User'?"]
        error = py_err(ctx, ["r_list", "q_author"], [], exc)
    hits = [Hit(names=r"by author", ops=("GetArticles",), status=500, error=True)]
    if ctx.node:  # the include list is built for every list request
        hits = [Hit(ops=("GetArticles",), status=500, error=True)]
    return Spec(where="q_author", edit=edit, hits=hits, error=error)


def data_access_method_missing(ctx: Ctx) -> Spec:
    """D11: the list code calls a data-access method nobody defined."""
    edit = {"q_exec": _aw(ctx, "rows = (AWAIT session.get_db_connection().execute(page)).scalars().all()")}
    session = "AsyncSession" if ctx.asyncio else "Session"
    exc = [f"AttributeError: '{session}' object has no attribute 'get_db_connection'"]
    return Spec(
        where="q_exec",
        edit=edit,
        hits=[Hit(ops=("GetArticles",), status=500, error=True)],
        error=py_err(ctx, ["r_list", "q_exec"], [], exc),
    )


def unique_not_invoked(ctx: Ctx) -> Spec:
    """D15: a joined eager load of a collection read with scalar_one_or_none() but no unique()."""
    edit = {
        "get_lookup": _aw(
            ctx,
            "article = (AWAIT session.execute(select(Article).options(joinedload(Article.tags)).where(Article.slug == slug))).scalar_one_or_none()",
        )
    }
    lib = [
        Frame(f"{SA}/engine/result.py", 1466, "scalar_one_or_none", "return self._only_one_row("),
        Frame(
            f"{SA}/engine/result.py",
            757,
            "_only_one_row",
            "row: Optional[_InterimRowType[Any]] = onerow(hard_close=True)",
        ),
        Frame(
            f"{SA}/engine/result.py",
            1744,
            "_fetchone_impl",
            "return self._real_result._fetchone_impl(hard_close=hard_close)",
        ),
        Frame(f"{SA}/engine/result.py", 2318, "_fetchone_impl", "row = next(self.iterator, _NO_ROW)"),
        Frame(f"{SA}/orm/loading.py", 192, "chunks", "raise sa_exc.InvalidRequestError("),
    ]
    exc = [
        "sqlalchemy.exc.InvalidRequestError: The unique() method must be invoked on this Result, as it contains "
        "results that include joined eager loads against collections"
    ]
    return Spec(
        where="get_lookup",
        edit=edit,
        hits=[
            Hit(
                ops=("GetArticle", "UpdateArticle", "CreateArticleFavorite", "DeleteArticleFavorite"),
                status=500,
                error=True,
            )
        ],
        error=py_err(ctx, ["r_get", "get_lookup"], lib, exc),
    )


def sqlite_dialect_crash(ctx: Ctx) -> Spec:
    """D19: a better-sqlite3 shim under Sequelize's sqlite dialect crashes in Tag.findOrCreate."""
    edit = {"db_client": "  dialect: 'sqlite', dialectModule: require('./better-sqlite3-shim'),"}
    if ctx.fw == "hono":
        edit = {"db_client": "  dialect: 'sqlite', dialectModule: betterSqliteShim,"}
    lib = [
        Frame(f"{NODE_MODULES}/sequelize/lib/dialects/sqlite/query.js", 239, ""),
        Frame("node:internal/util", 439, "new Promise (<anonymous>)"),
        Frame(f"{NODE_MODULES}/sequelize/lib/dialects/sqlite/query.js", 237, "Query.run"),
        Frame(f"{NODE_MODULES}/sequelize/lib/sequelize.js", 650, ""),
        Frame(
            f"{NODE_MODULES}/sequelize/lib/dialects/abstract/query-interface.js",
            795,
            "async SQLiteQueryInterface.insert",
        ),
        Frame(f"{NODE_MODULES}/sequelize/lib/model.js", 2430, "async Tag.findOrCreate"),
    ]
    error = node_err(ctx, "TypeError: conn.serialize is not a function", ["r_create", "create_tags"], lib=lib)
    return Spec(
        where="db_client",
        edit=edit,
        hits=[Hit(ops=("CreateArticle",), status=500, error=True, lose=("slug",))],
        error=error,
    )


def silent_write_crash(ctx: Ctx) -> Spec:
    """D21: writes crash in the data layer and the app's error handler logs nothing: only access lines remain."""
    if ctx.fw == "koa":
        edit = {"reg_user": "  const [user] = await db('user')"}
    else:
        edit = {
            "reg_user": "  return User.create({ username: data.username, email: data.email, password_hash: await hashPassword(data.password) });"
        }
    hits = [
        Hit(ops=("CreateUser",), status=500, lose=TOKENS),
        Hit(ops=("CreateArticle", "CreateArticleFavorite"), status=500),
    ]
    return Spec(where="reg_user", edit=edit, hits=hits)


# --- state_propagation_failure ------------------------------------------------------------------------------


def favorite_not_committed(ctx: Ctx) -> Spec:
    """S1: the favorite row is added but never committed."""
    edit = {"fav_commit": _aw(ctx, "AWAIT session.flush()")}
    hits = [
        Hit(ops=("CreateArticleFavorite",), fails=r"favorited equals true|favoritesCount (equals [1-9]|>)"),
        Hit(names=FAVORITED_LISTS, ops=("GetArticles",), fails=EMPTY_LIST),
    ]
    return Spec(where="fav_commit", edit=edit, hits=hits)


def unfavorite_kept(ctx: Ctx) -> Spec:
    """S3: unfavorite answers 200 without deleting the row."""
    if ctx.fw == "django":
        edit, where = {"unfav_delete": "Favorite.objects.filter(user=viewer, article=found)"}, "unfav_delete"
    elif ctx.fw == "flask":
        edit, where = {"r_unfavorite": "    return jsonify(article=articles.favorite(slug, viewer()))"}, "r_unfavorite"
    else:
        edit, where = {"r_unfavorite": '    return {"article": await articles.favorite(slug, user)}'}, "r_unfavorite"
    hits = [
        Hit(ops=("DeleteArticleFavorite",), fails=r"favorited equals false|favoritesCount equals"),
        Hit(names=r"after unfavorite", ops=("GetArticles",), fails=r"articlesCount equals"),
    ]
    return Spec(where=where, edit=edit, hits=hits)


def favorited_hardcoded(ctx: Ctx) -> Spec:
    """S4: the serializer hard-codes `favorited: false`."""
    line = {
        "express": "    favorited: false,",
        "koa": "  const favorited = false;",
        "django": '        "favorited": False,',
    }[ctx.fw]
    hits = [
        Hit(ops=("CreateArticleFavorite",), fails=r"favorited equals true"),
        Hit(ops=("GetArticles",), names=r"as C|as B", fails=r"favorited = true"),
    ]
    return Spec(where="out_favorited", edit={"out_favorited": line}, hits=hits)


# --- framework_idiosyncrasy ---------------------------------------------------------------------------------


def hono_duplex(ctx: Ctx) -> Spec:
    """F3: a hand-written Node→Fetch adapter builds `new Request(url, { body: req })` without `duplex`."""
    edit = {
        "listen": "createServer(async (req, res) => { const r = await app.fetch(new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers: req.headers, body: ['GET', 'HEAD'].includes(req.method) ? undefined : req })); res.writeHead(r.status, Object.fromEntries(r.headers)); res.end(Buffer.from(await r.arrayBuffer())); }).listen(Number(process.env.PORT || 3000)"
    }
    lib = [
        Frame("node:internal/deps/undici/undici", 9582, "new Request"),
    ]
    error = node_err(ctx, "TypeError: RequestInit: duplex option is required when sending a body.", ["listen"], lib=lib)
    return Spec(
        where="listen",
        edit=edit,
        hits=[Hit(ops=BODY_OPS, status=500, error=True, lose=TOKENS + ("slug",))],
        error=error,
    )


def django_first_match(ctx: Ctx) -> Spec:
    """F4: two `path("api/user", ...)` entries; Django dispatches PUT to the first, GET-only view."""
    edit = {"u_user": '    path("api/user", views.current_user), path("api/user", views.update_user),'}
    hits = [Hit(ops=("UpdateCurrentUser",), status=405, excerpt="")]
    return Spec(where="u_user", edit=edit, hits=hits, extra_log=[])


def flask_url_kwarg(ctx: Ctx) -> Spec:
    """F6: the URL rule's variable is not the view function's parameter name."""
    edit = {"fl_unfav_rule": '@api.delete("/articles/<article_slug>/favorite")'}
    exc = ["TypeError: unfavorite() got an unexpected keyword argument 'article_slug'"]
    lib = [
        Frame(f"{PY_LIB}/flask/app.py", 1473, "wsgi_app", "response = self.full_dispatch_request()"),
        Frame(f"{PY_LIB}/flask/app.py", 882, "full_dispatch_request", "rv = self.dispatch_request()"),
        Frame(
            f"{PY_LIB}/flask/app.py",
            865,
            "dispatch_request",
            "return self.ensure_sync(self.view_functions[rule.endpoint])(**view_args)  # type: ignore[no-any-return]",
        ),
    ]
    return Spec(
        where="fl_unfav_rule",
        edit=edit,
        hits=[Hit(ops=("DeleteArticleFavorite",), status=500, error=True)],
        error=py_traceback(lib, exc),
    )


def fastify_empty_body_quiet(ctx: Ctx) -> Spec:
    """B3 (read as F1): Fastify's 400s on bodyless toggles, with no pino error line; only the body names the code."""
    return Spec(
        where="logger",
        hits=[
            Hit(
                ops=("CreateArticleFavorite", "DeleteArticleFavorite", "UnfollowUserByUsername"),
                status=400,
                excerpt='{"statusCode":400,"code":"FST_ERR_CTP_EMPTY_JSON_BODY","error":"Bad Request","message":"Body cannot be empty when content-type is set to \'application/json\'"}',
            ),
            Hit(names=FAVORITED_LISTS, ops=("GetArticles",), fails=EMPTY_LIST),
        ],
    )


# --- business_logic_defect ----------------------------------------------------------------------------------


def put_validated_like_post(ctx: Ctx) -> Spec:
    """B1: PUT /user demands every field, as registration does."""
    line = {
        "express": "  if (!req.body.user || !req.body.user.email || !req.body.user.username || !req.body.user.password) return res.status(422).json({ errors: { body: ['email, username and password are required'] } }); const updated = await users.updateUser(user, req.body.user);",
        "koa": "  const data = ctx.request.body.user || {}; if (!data.email || !data.username || !data.password) ctx.throw(422, 'email, username and password are required'); const updated = await users.updateUser(user, data);",
    }[ctx.fw]
    return Spec(
        where="r_update_user",
        edit={"r_update_user": line},
        hits=[
            Hit(
                ops=("UpdateCurrentUser",),
                status=422,
                excerpt='{"errors":{"body":["email, username and password are required"]}}',
            )
        ],
    )


def validator_on_get(ctx: Ctx) -> Spec:
    """B4: the article validator runs on GET too and demands a body."""
    line = {
        "express": "  if (!req.body || !req.body.article) return res.status(422).json({ errors: { body: ['article is required'] } }); res.json(await articles.listArticles(viewer, { tag, author, favorited, limit, offset }));",
        "koa": "  if (!ctx.request.body || !ctx.request.body.article) ctx.throw(422, 'article is required'); ctx.body = await articles.listArticles(viewer, { tag, author, favorited, limit: Number(limit), offset: Number(offset) });",
    }[ctx.fw]
    return Spec(
        where="r_list",
        edit={"r_list": line},
        hits=[Hit(ops=("GetArticles",), status=422, excerpt='{"errors":{"body":["article is required"]}}')],
    )


# --- server_startup_failure ---------------------------------------------------------------------------------


def duplicate_declaration(ctx: Ctx) -> Spec:
    """SS5: the same `const` declared twice in one module (a second paste of the client setup)."""
    path, line = ctx.app.anchors["db_client"]
    original = ctx.app.line("db_client")
    code = (
        "const sequelize = new Sequelize(process.env.DATABASE_URL);"
        if ctx.orm == "sequelize"
        else "const db = knex(config);"
    )
    name = "sequelize" if ctx.orm == "sequelize" else "db"
    return Spec(
        where="db_client",
        edit={"db_client": original.strip() + " }); " + code + " ({"},
        startup="start_failed",
        startup_log=_node_boot(path, line, code, f"SyntaxError: Identifier '{name}' has already been declared"),
    )


def email_validator_missing(ctx: Ctx) -> Spec:
    """SS8: pydantic's EmailStr without the email-validator package."""
    entry = "app/main.py" if ctx.fw != "flask" else "app/__init__.py"
    frames = [
        Frame(
            f"/repository/{entry}",
            7,
            "<module>",
            "from app.routes import router" if ctx.fw == "fastapi" else "from app.routes import routes",
        ),
        Frame("/repository/app/routes.py", 5, "<module>", "from app.schemas import NewUser, LoginUser, UpdateUser"),
        Frame("/repository/app/schemas.py", 8, "NewUser", "email: EmailStr"),
        Frame(f"{PY_LIB}/pydantic/networks.py", 965, "__get_pydantic_core_schema__", "import_email_validator()"),
        Frame(
            f"{PY_LIB}/pydantic/networks.py",
            927,
            "import_email_validator",
            "raise ImportError(\"email-validator is not installed, run `pip install 'pydantic[email]'`\") from e",
        ),
    ]
    log = py_traceback(
        frames[:2] + frames[3:], ["ImportError: email-validator is not installed, run `pip install 'pydantic[email]'`"]
    )
    return Spec(where="req_framework", edit={}, startup="start_failed", startup_log=log, label_line=False)


def removed_api(ctx: Ctx) -> Spec:
    """SS12: an API the installed framework release no longer has."""
    if ctx.fw == "hono":
        path, line = ctx.app.anchors["listen"]
        edit = {"listen": "app.listen(Number(process.env.PORT || 3000)"}
        log = [
            f"file:///repository/{path}:{line}",
            "app.listen(Number(process.env.PORT || 3000));",
            "    ^",
            "",
            "TypeError: app.listen is not a function",
            f"    at file:///repository/{path}:{line}:5",
            "    at ModuleJob.run (node:internal/modules/esm/module_job:234:25)",
            "    at async ModuleLoader.import (node:internal/modules/esm/loader:473:24)",
            "",
            NODE_V,
        ]
        return Spec(where="listen", edit=edit, startup="start_failed", startup_log=log)
    path, line = ctx.app.anchors["init_db"]
    frames = [
        Frame("/repository/app/__init__.py", line, "create_app", "@app.before_first_request"),
    ]
    log = py_traceback(
        frames,
        ["AttributeError: 'Flask' object has no attribute 'before_first_request'. Did you mean: '_got_first_request'?"],
    )
    return Spec(
        where="init_db",
        edit={"init_db": "    app.before_first_request(init_db)"},
        startup="start_failed",
        startup_log=log,
    )


def port_in_use(ctx: Ctx) -> Spec:
    """SS13: the app starts its server twice (or the agent's own server still holds the port)."""
    path, line = ctx.app.anchors["listen"]
    if ctx.node:
        edit = {"listen": "  app.listen(3000); app.listen(process.env.PORT || 3000, () =>"}
        log = [
            "node:net:1904",
            "    const ex = new UVExceptionWithHostPort(err, 'listen', address, port);",
            "               ^",
            "",
            "Error: listen EADDRINUSE: address already in use :::3000",
            "    at Server.setupListenHandle [as _listen2] (node:net:1904:16)",
            "    at listenInCluster (node:net:1961:12)",
            "    at Server.listen (node:net:2063:7)",
            f"    at /repository/{path}:{line}:7",
            "Emitted 'error' event on Server instance at:",
            "    at emitErrorNT (node:net:1940:8)",
            "    at process.processTicksAndRejections (node:internal/process/task_queues:82:21) {",
            "  code: 'EADDRINUSE',",
            "  errno: -98,",
            "  syscall: 'listen',",
            "  address: '::',",
            "  port: 3000",
            "}",
            "",
            NODE_V,
        ]
        return Spec(where="listen", edit=edit, startup="start_failed", startup_log=log)
    frames = [
        Frame(f"/repository/{path}", line, "<module>", "web.run_app(create_app(), port=8080)"),
        Frame(f"{PY_LIB}/aiohttp/web.py", 526, "run_app", "loop.run_until_complete(main_task)"),
        Frame("/usr/local/lib/python3.12/asyncio/base_events.py", 687, "run_until_complete", "return future.result()"),
        Frame(f"{PY_LIB}/aiohttp/web.py", 344, "_run_app", "await site.start()"),
        Frame(f"{PY_LIB}/aiohttp/web_runner.py", 121, "start", "self._server = await loop.create_server("),
        Frame(
            "/usr/local/lib/python3.12/asyncio/base_events.py",
            1536,
            "create_server",
            "raise OSError(err.errno, msg) from None",
        ),
    ]
    log = ["======== Running on http://0.0.0.0:8080 ========"] + py_traceback(
        frames,
        ["OSError: [Errno 98] error while attempting to bind on address ('0.0.0.0', 8080): address already in use"],
    )
    return Spec(where="listen", edit={}, startup="start_failed", startup_log=log)


def django_settings_unset(ctx: Ctx) -> Spec:
    """SS14: run.sh migrates through django-admin, which has no DJANGO_SETTINGS_MODULE."""
    frames = [
        Frame("/usr/local/bin/django-admin", 8, "<module>", "sys.exit(execute_from_command_line())"),
        Frame(f"{DJ}/core/management/__init__.py", 442, "execute_from_command_line", "utility.execute()"),
        Frame(
            f"{DJ}/core/management/__init__.py",
            436,
            "execute",
            "self.fetch_command(subcommand).run_from_argv(self.argv)",
        ),
        Frame(
            f"{DJ}/core/management/__init__.py",
            275,
            "fetch_command",
            "klass = load_command_class(app_name, subcommand)",
        ),
        Frame(f"{DJ}/conf/__init__.py", 81, "__getattr__", "self._setup(name)"),
        Frame(f"{DJ}/conf/__init__.py", 61, "_setup", "raise ImproperlyConfigured("),
    ]
    log = py_traceback(
        frames,
        [
            "django.core.exceptions.ImproperlyConfigured: Requested setting INSTALLED_APPS, but settings are not "
            "configured. You must either define the environment variable DJANGO_SETTINGS_MODULE or call "
            "settings.configure() before accessing settings."
        ],
    )
    return Spec(
        where="migrate", edit={"migrate": "django-admin migrate --noinput"}, startup="start_failed", startup_log=log
    )


def package_layout(ctx: Ctx) -> Spec:
    """SS11: the app package is started as a script or under the wrong module path, so its imports fail."""
    if ctx.fw == "fastapi":
        log = ['ERROR:    Error loading ASGI app. Could not import module "main".']
        return Spec(where="app", edit={}, startup="start_failed", startup_log=log, label_line=False)
    frames = [Frame("/repository/app/main.py", 3, "<module>", "from app.db import init_db")]
    log = py_traceback(frames, ["ModuleNotFoundError: No module named 'app'"])
    return Spec(where="app", edit={}, startup="start_failed", startup_log=log, label_line=False)


def wrong_cwd(ctx: Ctx) -> Spec:
    """SS3: the launcher changes to a directory computed wrongly (`cd /$(dirname "$0")`) and finds no code."""
    return Spec(
        where="runserver",
        edit={"runserver": 'cd /$(dirname "$0") && exec python manage.py runserver 0.0.0.0:8080 --noreload'},
        startup="start_failed",
        startup_log=["python: can't open file '//manage.py': [Errno 2] No such file or directory"],
    )


# --- incomplete_implementation ------------------------------------------------------------------------------


def only_health(ctx: Ctx) -> Spec:
    """II1: only the health check is written; no API router is registered."""
    from scripts.diagnosis_corpus.patterns import NOT_FOUND_BODY

    comment = "// TODO: register the API routes"
    return Spec(
        where="mount",
        edit={"mount": comment},
        hits=[Hit(names=r".", status=404, excerpt=NOT_FOUND_BODY[ctx.fw], lose=TOKENS + ("slug",))],
        label_line=False,
    )


def user_routes_missing(ctx: Ctx) -> Spec:
    """II2: GET and PUT /user are never routed."""
    from scripts.diagnosis_corpus.patterns import NOT_FOUND_BODY

    if ctx.fw == "django":
        edit = {"u_user": "    # TODO: current user"}
    else:
        edit = {"u_user": "// TODO: current user routes", "u_user_put": "// (PUT /user too)"}
    return Spec(
        where="u_user",
        edit=edit,
        hits=[Hit(ops=("GetCurrentUser", "UpdateCurrentUser"), status=404, excerpt=NOT_FOUND_BODY[ctx.fw])],
        label_line=False,
    )


# --- schema_format_error ------------------------------------------------------------------------------------


def flat_body(ctx: Ctx) -> Spec:
    """SF1: user bodies are read flat instead of from `{"user": {...}}`: registration and login answer 422."""
    line = {
        "flask": "    data = request.get_json()",
        "aiohttp": "    data = await request.json()",
        "hono": "  const data = await c.req.json();",
    }[ctx.fw]
    excerpt = '{"errors":{"body":["username, email and password are required"]}}'
    return Spec(
        where="r_register_body",
        edit={"r_register_body": line},
        hits=[
            Hit(ops=("CreateUser",), status=422, excerpt=excerpt, lose=TOKENS),
            Hit(ops=("Login",), status=422, excerpt=excerpt, lose=TOKENS),
        ],
    )


def placeholder_list(ctx: Ctx) -> Spec:
    """SF2: the list endpoints answer a tiny placeholder without the list envelope."""
    return Spec(
        where="r_list",
        edit={"r_list": '    return JsonResponse({"articles": []})'},
        hits=[
            Hit(
                ops=("GetArticles",),
                fails=r"articlesCount|articles\[0\]|has an item|every item",
                excerpt='{"articles": []}',
            )
        ],
    )


CATALOG_PATTERNS: list[Pattern] = [
    Pattern(
        "auth-follow-other-scheme",
        "logic_error",
        "auth_misconfiguration",
        ("fastapi", "flask", "express"),
        "The follow routes authenticate through a second, Bearer-only dependency.",
        follow_other_scheme,
    ),
    Pattern(
        "query-json-contains",
        "logic_error",
        "incorrect_query_logic",
        ("django",),
        "A JSONField `contains` lookup on SQLite.",
        json_contains_sqlite,
        ("sqlite",),
    ),
    Pattern(
        "query-array-contains",
        "logic_error",
        "incorrect_query_logic",
        ("flask", "aiohttp"),
        "The tag filter calls contains() on the generic ARRAY type.",
        base_array_contains,
    ),
    Pattern(
        "query-constant-list",
        "logic_error",
        "incorrect_query_logic",
        ("express", "fastapi", "django"),
        "The list handler answers a constant empty page.",
        constant_list,
    ),
    Pattern(
        "query-join-alias",
        "logic_error",
        "incorrect_query_logic",
        ("aiohttp", "flask", "fastify", "koa"),
        "The favorited filter names a join alias that is not in FROM.",
        join_alias_missing,
        ("postgresql", "sqlite"),
    ),
    Pattern(
        "query-favorite-insert-key",
        "logic_error",
        "incorrect_query_logic",
        ("fastify", "koa"),
        "The favorites insert binds the slug where the article id belongs.",
        favorite_insert_wrong_key,
    ),
    Pattern(
        "db-name-error",
        "logic_error",
        "database_runtime_error",
        ("flask", "aiohttp", "express"),
        "The data-access code names a model it never imported.",
        data_access_name_error,
        ("postgresql", "sqlite"),
    ),
    Pattern(
        "db-method-missing",
        "logic_error",
        "database_runtime_error",
        ("flask", "fastapi"),
        "The list code calls a data-access method that is not defined.",
        data_access_method_missing,
        ("postgresql", "sqlite"),
    ),
    Pattern(
        "db-unique-not-invoked",
        "logic_error",
        "database_runtime_error",
        ("flask", "fastapi", "aiohttp"),
        "A joined collection load read without unique().",
        unique_not_invoked,
    ),
    Pattern(
        "db-sqlite-dialect",
        "logic_error",
        "database_runtime_error",
        ("express", "hono"),
        "A driver shim under Sequelize's SQLite dialect crashes on insert.",
        sqlite_dialect_crash,
        ("sqlite",),
    ),
    Pattern(
        "db-silent-write",
        "logic_error",
        "database_runtime_error",
        ("hono", "koa"),
        "Writes crash in the data layer and nothing is logged but the 500s.",
        silent_write_crash,
        ("postgresql", "sqlite"),
    ),
    Pattern(
        "state-favorite-uncommitted",
        "logic_error",
        "state_propagation_failure",
        ("flask", "aiohttp"),
        "The favorite row is added but never committed.",
        favorite_not_committed,
        ("postgresql", "sqlite"),
    ),
    Pattern(
        "state-unfavorite-kept",
        "logic_error",
        "state_propagation_failure",
        ("django", "flask", "fastapi"),
        "Unfavorite answers 200 without deleting the row.",
        unfavorite_kept,
    ),
    Pattern(
        "state-favorited-constant",
        "logic_error",
        "state_propagation_failure",
        ("express", "koa", "django"),
        "The serializer hard-codes favorited false.",
        favorited_hardcoded,
    ),
    Pattern(
        "fw-hono-duplex",
        "logic_error",
        "framework_idiosyncrasy",
        ("hono",),
        "A Node-to-Fetch adapter passes the request body without `duplex`.",
        hono_duplex,
        ("postgresql", "sqlite"),
    ),
    Pattern(
        "fw-django-first-match",
        "logic_error",
        "framework_idiosyncrasy",
        ("django",),
        "Two URL patterns for /api/user: the first (GET-only) wins.",
        django_first_match,
        ("postgresql", "sqlite"),
    ),
    Pattern(
        "fw-flask-url-kwarg",
        "logic_error",
        "framework_idiosyncrasy",
        ("flask",),
        "The URL rule's variable is not the view's parameter name.",
        flask_url_kwarg,
        ("postgresql", "sqlite"),
    ),
    Pattern(
        "fw-fastify-empty-body-quiet",
        "logic_error",
        "framework_idiosyncrasy",
        ("fastify",),
        "Fastify rejects bodyless toggles; no pino error line, only the body's FST code.",
        fastify_empty_body_quiet,
        ("postgresql", "sqlite"),
    ),
    Pattern(
        "logic-put-requires-all",
        "logic_error",
        "business_logic_defect",
        ("express", "koa"),
        "PUT /user is validated like registration.",
        put_validated_like_post,
        ("postgresql", "sqlite"),
    ),
    Pattern(
        "logic-validator-on-get",
        "logic_error",
        "business_logic_defect",
        ("express", "koa"),
        "The article validator demands a body on GET.",
        validator_on_get,
        ("postgresql", "sqlite"),
    ),
    Pattern(
        "startup-duplicate-const",
        "server_startup_failure",
        None,
        ("hono", "koa"),
        "A declaration pasted twice into one module.",
        duplicate_declaration,
    ),
    Pattern(
        "startup-email-validator",
        "server_startup_failure",
        None,
        ("fastapi", "aiohttp"),
        "EmailStr without the email-validator package.",
        email_validator_missing,
        ("postgresql", "sqlite"),
    ),
    Pattern(
        "startup-removed-api",
        "server_startup_failure",
        None,
        ("flask", "hono"),
        "An API the installed framework release removed.",
        removed_api,
        ("postgresql", "sqlite"),
    ),
    Pattern(
        "startup-port-in-use",
        "server_startup_failure",
        None,
        ("aiohttp", "express", "koa"),
        "The server is started twice on one port.",
        port_in_use,
    ),
    Pattern(
        "startup-package-layout",
        "server_startup_failure",
        None,
        ("fastapi", "aiohttp"),
        "The app package is started under the wrong module path.",
        package_layout,
        ("postgresql", "sqlite"),
    ),
    Pattern(
        "startup-wrong-cwd",
        "server_startup_failure",
        None,
        ("django",),
        "The launcher changes to a wrong directory before starting.",
        wrong_cwd,
        ("postgresql", "sqlite"),
    ),
    Pattern(
        "startup-django-settings",
        "server_startup_failure",
        None,
        ("django",),
        "DJANGO_SETTINGS_MODULE is never set.",
        django_settings_unset,
        ("postgresql", "sqlite"),
    ),
    Pattern(
        "incomplete-health-only",
        "incomplete_implementation",
        None,
        ("express", "fastify", "koa"),
        "Only the health check is written; the API router is never registered.",
        only_health,
    ),
    Pattern(
        "incomplete-user-routes",
        "incomplete_implementation",
        None,
        ("express", "koa", "django"),
        "GET and PUT /user are not routed.",
        user_routes_missing,
    ),
    Pattern(
        "schema-flat-body",
        "schema_format_error",
        None,
        ("flask", "aiohttp", "hono"),
        "The registration body is read flat, not from the user envelope.",
        flat_body,
    ),
    Pattern(
        "schema-placeholder-list",
        "schema_format_error",
        None,
        ("django",),
        "The list answers a placeholder without articlesCount.",
        placeholder_list,
        ("postgresql", "sqlite"),
    ),
]
