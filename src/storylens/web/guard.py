"""What every request and response passes, before and after the application.

Two ASGI middlewares, outermost first:

1. :class:`SecurityHeaders` puts the strict Content-Security-Policy and its companions on
   every response (the application's 500 handler adds them itself, since Starlette sends
   that one from outside every middleware);
2. :class:`RequestGuard` answers before a byte of the body is read: a write endpoint
   without the operator's token gets 401 (403 when the server has none), and a declared
   body over ``max_body`` bytes gets 413; a body that turns out longer than it declared
   (or was sent in chunks) is cut off at ``max_body`` and answered 413 too. So an
   unauthenticated or oversized upload costs the server neither time nor memory.

Every answer is the one JSON error shape, ``{"error": {"code", "message"}}``.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

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
# Bytes of one request body: 100 articles of 50,000 characters in JSON fit with room.
MAX_BODY = 16 * 1024 * 1024
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def token_refusal(expected: str | None, authorization: str | None) -> tuple[int, str, str] | None:
    """(status, code, message) when ``authorization`` does not carry the token, else None.

    The comparison takes the same time whatever the given token is.
    """
    if not expected:
        return 403, "writes_disabled", "this server has no API token; start it with --token-env"
    given = ""
    if authorization and authorization.lower().startswith("bearer "):
        given = authorization[7:].strip()
    if not hmac.compare_digest(given.encode(), str(expected).encode()):
        return 401, "unauthorized", "send the operator's token as 'Authorization: Bearer'"
    return None


async def send_error(send: Send, status: int, code: str, message: str) -> None:
    """A complete JSON error response, security headers included."""
    body = json.dumps(error_body(code, message)).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ] + [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every response that does not set them itself."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in present]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, with_headers)


class RequestGuard:
    """Token and size checks before the body is read (see the module docstring)."""

    def __init__(
        self,
        app: App,
        *,
        token: Callable[[], str | None],
        max_body: int = MAX_BODY,
        writes: Callable[[str, str], bool] = lambda method, path: (
            method in WRITE_METHODS and path.startswith("/api/")
        ),
    ) -> None:
        self.app = app
        self.token = token
        self.max_body = max_body
        self.writes = writes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if self.writes(scope["method"], scope["path"]):
            refused = token_refusal(self.token(), headers.get("authorization"))
            if refused is not None:
                await send_error(send, *refused)
                return
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body:
            await send_error(send, 413, "too_large", self._too_large())
            return
        received = 0
        started = answered = False

        async def capped_receive() -> Message:
            nonlocal received, answered
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    if not started and not answered:
                        answered = True
                        await send_error(send, 413, "too_large", self._too_large())
                    return {"type": "http.disconnect"}  # the application stops reading
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if answered:
                return  # the 413 went out already; whatever the application says is dropped
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, capped_receive, tracking_send)

    def _too_large(self) -> str:
        return (
            f"the request body is over {self.max_body:,} bytes; send fewer articles per "
            "request (or start the server with a larger --max-body)"
        )


__all__ = [
    "CSP",
    "MAX_BODY",
    "SECURITY_HEADERS",
    "RequestGuard",
    "SecurityHeaders",
    "error_body",
    "send_error",
    "token_refusal",
]
