"""The FastAPI application: the JSON API under /api and the pages (see :mod:`.pages`).

Read endpoints are open; write endpoints need ``Authorization: Bearer <token>``, compared
in constant time. Every error, API or page, has one JSON shape for API clients:
``{"error": {"code": "...", "message": "..."}}``. Every response carries a strict
Content-Security-Policy: only this server's own scripts, styles and images.
"""

from __future__ import annotations

import hmac
import logging
from typing import Annotated, Any

from fastapi import Body, FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..errors import InputError, RejectedInput, StorylensError
from ..ingest import article_from_record
from ..model import Report
from ..report import report_to_dict
from .caching import conditional
from .catalog import Catalog
from .models import (
    ERRORS,
    WRITE_ERRORS,
    ArticleOut,
    IngestOut,
    OutletListOut,
    ReportOut,
    SearchOut,
    StoryDetailOut,
    StoryListOut,
    StorySourcesOut,
)
from .outlets import OutletInfo

log = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
MAX_LIMIT = 200
DOCS_CSP = CSP.replace("img-src 'self'", "img-src 'self' data:")


class ApiError(Exception):
    """An error the API answers with its own status and code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def create_app(
    catalog: Catalog,
    *,
    token: str | None = None,
    outlets: dict[str, OutletInfo] | None = None,
) -> FastAPI:
    """The whole service over ``catalog``; ``token`` None means writes are refused."""
    app = FastAPI(
        title="storylens",
        version=__version__,
        description="Stories told by several outlets, reconciled claim by claim. Every "
        "offset (start, end) indexes the article's original text. Interactive "
        "documentation: /docs.",
        openapi_url="/api/openapi.json",
        docs_url=None,  # /docs is served from local files below, never from a CDN
        redoc_url=None,
    )
    app.state.catalog = catalog
    app.state.outlets = outlets or {}
    app.state.token = token

    @app.middleware("http")
    async def headers(request: Request, call_next: Any) -> Response:
        """Security headers on everything; ETag, Cache-Control and 304 (:mod:`.caching`)."""
        response: Response = await conditional(request, call_next)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        return JSONResponse(error_body(exc.code, exc.message), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        message = f"{where}: {first.get('msg', 'invalid request')}"
        return JSONResponse(error_body("invalid_request", message), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code)

    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError) -> Response:
        message = str(exc).replace(catalog.store.name, "this store")
        return JSONResponse(error_body("not_found", message), status_code=404)

    @app.exception_handler(StorylensError)
    async def storylens_error(request: Request, exc: StorylensError) -> Response:
        log.warning("%s: %s", request.url.path, exc)
        return JSONResponse(error_body("server_error", str(exc)), status_code=500)

    _add_api(app, catalog)
    from .pages import add_pages

    add_pages(app, catalog)
    _add_docs(app)
    from importlib import resources

    static = resources.files(__package__).joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    return app


def require_token(app: FastAPI, authorization: str | None) -> None:
    expected = app.state.token
    if not expected:
        raise ApiError(
            403, "writes_disabled", "this server has no API token; start it with --token-env"
        )
    given = ""
    if authorization and authorization.lower().startswith("bearer "):
        given = authorization[7:].strip()
    if not hmac.compare_digest(given.encode(), str(expected).encode()):
        raise ApiError(401, "unauthorized", "send the operator's token as 'Authorization: Bearer'")


def _add_api(app: FastAPI, catalog: Catalog) -> None:
    @app.get("/api/stories", tags=["stories"], response_model=StoryListOut, responses=ERRORS)
    def list_stories(
        q: str | None = Query(None, description="words that must all appear in the title"),
        outlet: str | None = None,
        since: str | None = Query(None, description="YYYY-MM-DD"),
        until: str | None = Query(None, description="YYYY-MM-DD"),
        sort: str = Query("newest", pattern="^(newest|covered)$"),
        offset: int = Query(0, ge=0),
        limit: int = Query(20, ge=1, le=MAX_LIMIT),
    ) -> dict[str, Any]:
        page = catalog.page(
            q=q, outlet=outlet, since=since, until=until, sort=sort, offset=offset, limit=limit
        )
        return {
            "total": page.total,
            "offset": page.offset,
            "limit": page.limit,
            "stories": [s.to_dict() for s in page.stories],
        }

    @app.get("/api/search", tags=["stories"], response_model=SearchOut, responses=ERRORS)
    def search_stories(
        q: str = Query(
            ...,
            min_length=1,
            max_length=500,
            description="words to find in article titles and texts, all of them, as "
            "prefixes ('flood' finds 'flooded'); titles weigh most",
        ),
        offset: int = Query(0, ge=0),
        limit: int = Query(20, ge=1, le=MAX_LIMIT),
    ) -> dict[str, Any]:
        return catalog.search(q, offset=offset, limit=limit)

    @app.get(
        "/api/stories/{story_id}", tags=["stories"], response_model=StoryDetailOut, responses=ERRORS
    )
    def get_story(story_id: str) -> dict[str, Any]:
        story = catalog.listed(story_id)
        return {**story.to_dict(), "articles": [a.meta() for a in catalog.articles(story.story.id)]}

    @app.get(
        "/api/stories/{story_id}/report",
        tags=["stories"],
        response_model=ReportOut,
        responses=ERRORS,
    )
    def get_report(story_id: str) -> dict[str, Any]:
        return report_to_dict(Report(stories=(catalog.report(story_id),)))

    @app.get(
        "/api/stories/{story_id}/sources",
        tags=["stories"],
        response_model=StorySourcesOut,
        responses=ERRORS,
    )
    def get_sources(story_id: str) -> dict[str, Any]:
        report = report_to_dict(Report(stories=(catalog.report(story_id),)))
        return {"story": story_id, "sources": report["stories"][0].get("sources", [])}

    @app.get(
        "/api/articles/{article_id}", tags=["articles"], response_model=ArticleOut, responses=ERRORS
    )
    def get_article(article_id: str) -> dict[str, Any]:
        article = catalog.article(article_id)
        if article is None:
            raise ApiError(404, "not_found", f"no article {article_id!r}")
        return {**article.meta(), "text": article.text}

    @app.get("/api/outlets", tags=["outlets"], response_model=OutletListOut, responses=ERRORS)
    def list_outlets() -> dict[str, Any]:
        meta: dict[str, OutletInfo] = app.state.outlets
        rows = []
        for name, count in catalog.outlets().items():
            info = meta.get(name.lower())
            rows.append({"outlet": name, "stories": count, **_info_dict(info)})
        return {"outlets": rows}

    @app.post(
        "/api/articles",
        status_code=201,
        tags=["articles"],
        response_model=IngestOut,
        responses=WRITE_ERRORS,
    )
    def post_articles(
        payload: Annotated[dict[str, Any] | list[dict[str, Any]], Body()],
        authorization: Annotated[str | None, Header()] = None,
    ) -> dict[str, Any]:
        require_token(app, authorization)
        records = payload if isinstance(payload, list) else [payload]
        if len(records) > 100:
            raise ApiError(413, "too_many", "send at most 100 articles per request")
        articles = []
        for i, record in enumerate(records):
            try:
                articles.append(article_from_record(record, f"api:{i}"))
            except RejectedInput as exc:
                raise ApiError(422, f"rejected_{exc.reason}", f"article {i}: {exc.detail}") from exc
        counts = catalog.ingest(articles)
        return {**counts, "ids": [a.id for a in articles]}


def _add_docs(app: FastAPI) -> None:
    """/docs: Swagger UI from the files shipped in ``web/static/docs`` (no CDN)."""
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>storylens API</title>"
        '<link rel="stylesheet" href="/static/docs/swagger-ui.css"></head>'
        '<body data-openapi="/api/openapi.json"><div id="swagger-ui"></div>'
        '<script src="/static/docs/swagger-ui-bundle.js"></script>'
        '<script src="/static/docs/docs.js"></script></body></html>'
    )

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        # Swagger UI draws its icons as data: images; nothing else is loosened
        return HTMLResponse(page, headers={"Content-Security-Policy": DOCS_CSP})


def _info_dict(info: OutletInfo | None) -> dict[str, Any]:
    if info is None:
        return {"domain": None, "country": None, "leaning": None, "owner": None}
    return {
        "domain": info.domain,
        "country": info.country,
        "leaning": info.leaning,
        "owner": info.owner,
    }
