"""One deadline for a whole HTTP request: connect, headers and body together.

httpx's timeouts are per operation: a read timeout of 1 s is met by a server that sends
one header line every 0.5 s, for as long as it likes. :class:`DeadlineTransport` is
httpx's own transport with every socket operation's timeout cut to what is left of the
deadline set by :func:`deadline` around the request (in this thread), and a
:class:`httpx.TimeoutException` once it has passed. Outside a :func:`deadline` block it
behaves exactly as :class:`httpx.HTTPTransport`.
"""

from __future__ import annotations

import contextlib
import ssl
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpcore
import httpx

_local = threading.local()


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Every request this thread makes inside the block ends within ``seconds`` of its start."""
    previous = getattr(_local, "at", None)
    _local.at = time.monotonic() + seconds
    try:
        yield
    finally:
        _local.at = previous


def _left(timeout: float | None, error: type[Exception]) -> float | None:
    """``timeout`` cut to what is left of the deadline; ``error`` when nothing is."""
    at = getattr(_local, "at", None)
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise error("the request's deadline passed")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return _Stream(
            self._stream.start_tls(
                ssl_context, server_hostname, _left(timeout, httpcore.ConnectTimeout)
            )
        )

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        return _Stream(
            self._backend.connect_tcp(
                host, port, _left(timeout, httpcore.ConnectTimeout), local_address, socket_options
            )
        )

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        return _Stream(
            self._backend.connect_unix_socket(
                path, _left(timeout, httpcore.ConnectTimeout), socket_options
            )
        )

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class DeadlineTransport(httpx.HTTPTransport):
    """:class:`httpx.HTTPTransport` whose sockets keep to the :func:`deadline` around a request."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        pool = self._pool
        backend = getattr(pool, "_network_backend", None)
        if backend is None:  # pragma: no cover - pinned httpx 0.28 / httpcore 1.0 have it
            raise RuntimeError(
                "this httpcore keeps no network backend to wrap; install httpx==0.28.1"
            )
        pool._network_backend = _Backend(backend)


__all__ = ["DeadlineTransport", "deadline"]
