"""The FastAPI application: the JSON API under /api and the pages (see :mod:`.pages`).

Read endpoints are open; write endpoints need ``Authorization: Bearer <token>``, compared
in constant time and checked before the body is read, and a body is capped at
``max_body`` bytes (:mod:`.guard`). Every error, API or page, 500s included, has one JSON
shape for API clients: ``{"error": {"code": "...", "message": "..."}}``, and every
response carries a strict Content-Security-Policy: only this server's own scripts,
styles and images. Story reports and ingests run in a bounded pool of their own
(:mod:`.work`), so light pages keep answering while they compute.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Annotated, Any

import anyio
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
from .guard import (
    CSP,
    MAX_BODY,
    SECURITY_HEADERS,
    RequestGuard,
    SecurityHeaders,
    error_body,
    token_refusal,
)
from .models import (
    ERRORS,
    REPORT_ERRORS,
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
from .work import Busy, HeavyWork

log = logging.getLogger(__name__)

MAX_LIMIT = 200
MAX_RECORDS = 100
DOCS_CSP = CSP.replace("img-src 'self'", "img-src 'self' data:")


class ApiError(Exception):
    """An error the API answers with its own status and code."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The one JSON error shape, with the security headers (a 500 passes no middleware)."""
    return JSONResponse(
        error_body(code, message),
        status_code=status,
        headers={**SECURITY_HEADERS, **(headers or {})},
    )


def create_app(
    catalog: Catalog,
    *,
    token: str | None = None,
    outlets: dict[str, OutletInfo] | None = None,
    max_body: int = MAX_BODY,
    heavy: HeavyWork | None = None,
) -> FastAPI:
    """The whole service over ``catalog``; ``token`` None means writes are refused.

    ``max_body`` caps a request body in bytes; ``heavy`` is the pool story reports and
    ingests run in (:class:`HeavyWork`: a few threads, a bounded queue).
    """
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
    app.state.heavy = heavy or HeavyWork()

    @app.middleware("http")
    async def caching(request: Request, call_next: Any) -> Response:
        """ETag, Cache-Control and 304 (:mod:`.caching`)."""
        response: Response = await conditional(request, call_next)
        return response

    # added last is outermost: the guard answers before the caching reads a body, and the
    # security headers go on every answer, the guard's own included
    app.add_middleware(RequestGuard, token=lambda: app.state.token, max_body=max_body)
    app.add_middleware(SecurityHeaders)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(Busy)
    async def busy(request: Request, exc: Busy) -> Response:
        return error_response(503, "busy", str(exc), {"Retry-After": str(exc.retry_after)})

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        message = f"{where}: {first.get('msg', 'invalid request')}"
        return error_response(422, "invalid_request", message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return error_response(exc.status_code, code, str(exc.detail))

    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError) -> Response:
        message = str(exc).replace(catalog.store.name, "this store")
        return error_response(404, "not_found", message)

    @app.exception_handler(StorylensError)
    async def storylens_error(request: Request, exc: StorylensError) -> Response:
        log.warning("%s: %s", request.url.path, exc)
        message = str(exc).replace(catalog.store.name, "this store")
        return error_response(500, "server_error", message)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.error("%s failed", request.url.path, exc_info=exc)
        return error_response(
            500, "server_error", f"the server failed on this request ({type(exc).__name__})"
        )

    _add_api(app, catalog)
    from .pages import add_pages

    add_pages(app, catalog)
    _add_docs(app)
    from importlib import resources

    static = resources.files(__package__).joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    return app


def require_token(app: FastAPI, authorization: str | None) -> None:
    refused = token_refusal(app.state.token, authorization)
    if refused is not None:
        raise ApiError(*refused)


def query_date(name: str, value: str | None) -> str | None:
    """An ISO date or date-time query value as it compares with stored ones; 422 otherwise."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value).isoformat()
        return dt.datetime.fromisoformat(value).isoformat()
    except ValueError:
        raise ApiError(
            422,
            "invalid_request",
            f"{name}: {value!r} is not a date; give YYYY-MM-DD or an ISO date and time",
        ) from None


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
            q=q,
            outlet=outlet,
            since=query_date("since", since),
            until=query_date("until", until),
            sort=sort,
            offset=offset,
            limit=limit,
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

    async def story_report(story_id: str) -> dict[str, Any]:
        """The report as data: from the cache at once, else computed in the heavy pool."""
        story = await anyio.to_thread.run_sync(catalog.story, story_id)
        report = catalog.cached_report(story)
        if report is None:
            report = await app.state.heavy.run(catalog.report, story.id)
        return report_to_dict(Report(stories=(report,)))

    @app.get(
        "/api/stories/{story_id}/report",
        tags=["stories"],
        response_model=ReportOut,
        responses=REPORT_ERRORS,
    )
    async def get_report(story_id: str) -> dict[str, Any]:
        return await story_report(story_id)

    @app.get(
        "/api/stories/{story_id}/sources",
        tags=["stories"],
        response_model=StorySourcesOut,
        responses=REPORT_ERRORS,
    )
    async def get_sources(story_id: str) -> dict[str, Any]:
        report = await story_report(story_id)
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
    async def post_articles(
        payload: Annotated[dict[str, Any] | list[dict[str, Any]], Body()],
        authorization: Annotated[str | None, Header()] = None,
    ) -> dict[str, Any]:
        require_token(app, authorization)  # checked before the body too (RequestGuard)
        records = payload if isinstance(payload, list) else [payload]
        if len(records) > MAX_RECORDS:
            raise ApiError(413, "too_many", f"send at most {MAX_RECORDS} articles per request")
        articles = []
        for i, record in enumerate(records):
            try:
                articles.append(article_from_record(record, f"api:{i}"))
            except RejectedInput as exc:
                raise ApiError(422, f"rejected_{exc.reason}", f"article {i}: {exc.detail}") from exc
        taken = await anyio.to_thread.run_sync(catalog.id_conflicts, articles)
        if taken:
            raise _conflict(taken)
        counts = await app.state.heavy.run(catalog.ingest, articles)
        rejections = counts.pop("rejections")
        raced = [r.detail for r in rejections if r.reason == "id_conflict"]
        if raced:  # another writer took the id between the check and the ingest
            raise ApiError(409, "id_conflict", "; ".join(raced))
        return {
            **counts,
            "ids": [a.id for a in articles],
            "rejections": [r.to_dict() for r in rejections],
        }


def _conflict(ids: list[str]) -> ApiError:
    shown = ", ".join(repr(i) for i in ids[:5]) + (" ..." if len(ids) > 5 else "")
    return ApiError(
        409,
        "id_conflict",
        f"the store already holds different articles with the ids {shown}; nothing was "
        "stored: give these articles other ids",
    )


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
