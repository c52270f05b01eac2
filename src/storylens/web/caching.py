"""ETag and Cache-Control on every GET answer, and 304 for a client that has it already.

The ETag is a hash of the body, so it changes exactly when the answer does (a story
page after an ingest touched the story, a list after a new story); a request whose
``If-None-Match`` names it gets ``304 Not Modified`` and no body. Pages and API
answers may be kept but must be checked again (``no-cache``): a story can change at
any ingest. Static files, which change only with storylens itself, may be kept for a day.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

DYNAMIC = "public, no-cache"
STATIC = "public, max-age=86400"

Next = Callable[[Request], Awaitable[Response]]


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _matches(header: str, etag: str) -> bool:
    """Whether an If-None-Match header names ``etag`` (weak comparison, RFC 9110 13.1.2)."""
    if header.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in header.split(","))


async def conditional(request: Request, call_next: Next) -> Response:
    """Middleware: ETag and Cache-Control on GET/HEAD 200s, 304 on a matching If-None-Match."""
    response = await call_next(request)
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    static = request.url.path.startswith("/static/")
    response.headers.setdefault("Cache-Control", STATIC if static else DYNAMIC)
    etag = response.headers.get("etag")
    body: bytes | None = None
    if etag is None:
        chunks = [chunk async for chunk in response.body_iterator]  # type: ignore[attr-defined]
        body = b"".join(c if isinstance(c, bytes) else c.encode() for c in chunks)
        etag = etag_of(body)
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
    headers["ETag"] = etag
    given = request.headers.get("if-none-match")
    if given and _matches(given, etag):
        for name in ("content-type", "content-encoding"):
            headers.pop(name, None)
        return Response(status_code=304, headers=headers)
    if body is None:
        return response  # a file response with its own ETag: passed on as it is
    return Response(body, status_code=200, headers=headers, media_type=None)


__all__ = ["DYNAMIC", "STATIC", "conditional", "etag_of"]
