"""The web app of `saywho serve`: `create_app` builds it over one store file, read-only.

    app = create_app("saywho.db")                       # pages and the JSON API (CONTRACT.md)
    uvicorn.run(app, host="127.0.0.1", port=8000)

Pages are rendered on the server from Jinja templates (no script is needed to read them); the
OpenAPI description of the JSON API is at /docs, its scripts served from here (fastapi-offline ships
them), so it works with no internet. Posted texts are analysed in worker processes (analysing.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from fastapi_offline import FastAPIOffline

from saywho import __version__
from saywho.confidence import LOW_CONFIDENCE, is_low, low_label
from saywho.model import quoted_words
from saywho.quote_fields import LABELS, speaker_label
from saywho.web.analysing import Analyser
from saywho.web.database import Database, open_read_only
from saywho.web.errors import add_error_handlers, error_response
from saywho.web.links import API_ARTICLES, article_url
from saywho.web.markup import flag_help
from saywho.web.security import (
    TOKEN_COOKIE,
    BodyLimit,
    Limits,
    RateLimiter,
    presented_token,
    token_matches,
)
from saywho.web.views import api, pages

HERE = Path(__file__).parent
ANALYSE_PATHS = ("/api/analyse", "/analyse")
# Pages may load only this server's own style sheet: no script, no inline style, no frames. The
# article text is escaped anyway; this is the second lock on the door.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
# The API's pages (Swagger UI, ReDoc) start their scripts inline; everything they load comes from
# this server too, never from another site.
DOCS_PATHS = ("/docs", "/redoc", "/docs/oauth2-redirect")
DOCS_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'"
)
TOKEN_NEEDED = "this server needs its token: add ?token=T to the address, or send the header X-Saywho-Token"


def templates() -> Jinja2Templates:
    found = Jinja2Templates(directory=HERE / "templates")  # autoescaping on for .html files
    found.env.globals["flag_help"] = flag_help
    found.env.globals["version"] = __version__
    found.env.globals["quoted_words"] = quoted_words
    found.env.globals["article_url"] = article_url
    found.env.globals["API_ARTICLES"] = API_ARTICLES
    found.env.globals.update(is_low=is_low, low_label=low_label, low_confidence=LOW_CONFIDENCE)
    found.env.globals.update(speaker_label=speaker_label, quote_labels=LABELS)
    return found


def create_app(db_path: str | Path, token: str | None = None, limits: Limits | None = None) -> FastAPI:
    """The app serving the store at `db_path`. With a `token`, every request must carry it (header
    X-Saywho-Token, `Authorization: Bearer`, or ?token=, which the browser then keeps in a cookie).
    StoreError at once if the file is not a usable store."""
    open_read_only(db_path).close()  # fail now, with the reason, not at the first request
    limits = limits or Limits()
    analyser = Analyser(limits.analyse_workers, limits.analyse_seconds, limits.analyse_queue)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        analyser.close()  # the worker processes end with the server

    app = FastAPIOffline(
        title="saywho",
        version=__version__,
        description="Who said what, to whom, and when: quotes found in news articles, searchable.",
        lifespan=lifespan,
        # Swagger UI would fetch a badge from its online validator: nothing leaves this server.
        swagger_ui_parameters={"validatorUrl": None},
    )
    app.state.analyser = analyser
    app.state.database = Database(db_path)
    app.state.templates = templates()
    app.state.limits = limits
    app.state.limiter = RateLimiter(limits.analyse_requests, limits.analyse_window)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(pages.router)
    app.include_router(api.router)
    add_error_handlers(app)
    # Inside the guard below (middleware added later wraps what was added before): the limit's
    # 413 is raised as the route reads the body, where the app's error handlers answer it.
    app.add_middleware(BodyLimit, max_bytes=limits.analyse_bytes, paths=ANALYSE_PATHS)

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        from_url = False
        if token:
            given, from_url = presented_token(request)
            if not token_matches(given, token):
                return error_response(request, 401, TOKEN_NEEDED)
        response = await call_next(request)
        if from_url:
            response.set_cookie(TOKEN_COOKIE, token or "", httponly=True, samesite="strict")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")  # a ?token= must not leak
        docs = request.url.path in DOCS_PATHS
        policy = DOCS_SECURITY_POLICY if docs else CONTENT_SECURITY_POLICY
        response.headers.setdefault("Content-Security-Policy", policy)
        return response

    return app
