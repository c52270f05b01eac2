"""Fetch URLs politely and safely for ``storylens follow``.

A feed is third-party input: any URL in it may point at the machine storylens runs on or
at a cloud metadata service. So every hop (the first URL, each redirect, robots.txt) is
resolved first and refused when any of its addresses is private, loopback, link-local,
multicast, reserved or unspecified, unless the operator passes ``allow_private=True``.

The stages of :meth:`Fetcher.fetch`, in order:

1. back-off check: a host that failed recently (timeout, connection, 5xx, 429) is not asked again until its delay passes;
2. robots.txt of the host (fetched once through the same guarded path, then cached);
3. per host, one request at a time and at least ``min_delay`` seconds apart;
4. for each hop: address check, conditional GET (ETag / Last-Modified cached per URL),
   a streamed body capped at ``max_bytes``, a manual redirect (re-checked) up to
   ``max_redirects``;
5. every failure is appended to :attr:`Fetcher.failures` with its reason, then raised.

The resolver, transport, clock and sleep are injectable so tests never connect anywhere
forbidden and never wait.

Known limit: the address is checked when resolved, and httpx resolves again when it
connects; a DNS server that answers differently the second time (rebinding) is not stopped.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from . import __version__
from .errors import AddressRefused, FetchError

log = logging.getLogger(__name__)

USER_AGENT = f"storylens/{__version__} (+https://github.com/storylens/storylens)"

Resolver = Callable[[str, int], list[str]]
"""``(host, port) -> list of IP address strings``."""

_REDIRECTS = {301, 302, 303, 307, 308}


def system_resolver(host: str, port: int) -> list[str]:
    """Resolve with the operating system, every address family."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(f"cannot resolve {host!r}: {exc}; check the URL's host name") from exc
    return sorted({str(info[4][0]) for info in infos})


def address_refusal(ip: str) -> str | None:
    """Why storylens will not connect to ``ip`` by default, or None when it may."""
    addr = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    checks = (
        ("loopback", addr.is_loopback),
        ("link-local", addr.is_link_local),
        ("unspecified", addr.is_unspecified),
        ("multicast", addr.is_multicast),
        ("reserved", addr.is_reserved),
        ("private", addr.is_private),
        ("not globally routable", not addr.is_global),
    )
    for reason, hit in checks:
        if hit:
            return reason
    return None


def check_url(
    url: str, *, resolver: Resolver = system_resolver, allow_private: bool = False
) -> list[str]:
    """Resolve the URL's host and refuse forbidden addresses; returns the addresses.

    Nothing is connected to: this is the decision only.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"{url!r}: only http and https URLs can be fetched")
    host = parts.hostname
    if not host:
        raise FetchError(f"{url!r} has no host name; give a full URL such as https://example.org/")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        ips = [str(ipaddress.ip_address(host))]
    except ValueError:
        ips = resolver(host, port)
    if not ips:
        raise FetchError(f"{host!r} resolves to no address; check the URL")
    if not allow_private:
        for ip in ips:
            reason = address_refusal(ip)
            if reason is not None:
                raise AddressRefused(
                    f"{url!r} resolves to {ip}, a {reason} address; storylens refuses it "
                    "by default (pass --allow-private to fetch from your own network)"
                )
    return ips


class HostFailure(FetchError):
    """A failure that says the host is in trouble (timeout, connection, 5xx, 429): back off."""


@dataclass(frozen=True)
class FetchResult:
    """One fetched URL; ``not_modified`` means the cached body was reused after a 304."""

    url: str
    final_url: str
    status: int
    content: bytes
    content_type: str
    not_modified: bool = False


@dataclass(frozen=True)
class FetchFailure:
    """A fetch that failed, kept so the operator can see why."""

    url: str
    reason: str
    at: float


@dataclass
class _Cached:
    etag: str | None
    last_modified: str | None
    result: FetchResult


@dataclass
class _HostState:
    lock: threading.Lock = field(default_factory=threading.Lock)
    last_request: float = float("-inf")
    failures: int = 0
    retry_at: float = float("-inf")
    robots: urllib.robotparser.RobotFileParser | None = None


class Fetcher:
    """A guarded, polite HTTP client; see the module docstring for its stages."""

    def __init__(
        self,
        *,
        allow_private: bool = False,
        max_bytes: int = 5_000_000,
        timeout: float = 20.0,
        min_delay: float = 1.0,
        max_redirects: int = 5,
        backoff_base: float = 30.0,
        backoff_max: float = 3600.0,
        obey_robots: bool = True,
        resolver: Resolver = system_resolver,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.allow_private = allow_private
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.min_delay = min_delay
        self.max_redirects = max_redirects
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.obey_robots = obey_robots
        self.resolver = resolver
        self.clock = clock
        self.sleep = sleep
        self.failures: list[FetchFailure] = []
        self._hosts: dict[str, _HostState] = {}
        self._hosts_lock = threading.Lock()
        self._cache: dict[str, _Cached] = {}
        self._client = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT},
            trust_env=False,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch(self, url: str) -> FetchResult:
        """Fetch ``url`` through every stage; raises :class:`FetchError` with the reason."""
        try:
            return self._fetch(url)
        except FetchError as exc:
            self.failures.append(FetchFailure(url, str(exc), self.clock()))
            raise

    def _host(self, url: str) -> _HostState:
        key = urlsplit(url).netloc.lower()
        with self._hosts_lock:
            return self._hosts.setdefault(key, _HostState())

    def _fetch(self, url: str) -> FetchResult:
        state = self._host(url)
        now = self.clock()
        if now < state.retry_at:
            raise FetchError(
                f"{url!r}: host failed {state.failures} time(s); backing off for "
                f"{state.retry_at - now:.0f} s more"
            )
        if self.obey_robots and not self._robots_allow(url, state):
            raise FetchError(f"{url!r} is disallowed by the site's robots.txt")
        try:
            result = self._follow(url)
        except HostFailure:
            state.failures += 1
            delay = min(self.backoff_base * 2 ** (state.failures - 1), self.backoff_max)
            state.retry_at = self.clock() + delay
            raise
        state.failures = 0
        state.retry_at = float("-inf")
        return result

    def _follow(self, url: str) -> FetchResult:
        current = url
        for _ in range(self.max_redirects + 1):
            result, location = self._one_hop(url, current)
            if location is None:
                assert result is not None
                return result
            current = location
        raise FetchError(f"{url!r}: more than {self.max_redirects} redirects")

    def _one_hop(self, original: str, url: str) -> tuple[FetchResult | None, str | None]:
        check_url(url, resolver=self.resolver, allow_private=self.allow_private)
        headers: dict[str, str] = {}
        cached = self._cache.get(url)
        if cached is not None:
            if cached.etag:
                headers["If-None-Match"] = cached.etag
            if cached.last_modified:
                headers["If-Modified-Since"] = cached.last_modified
        state = self._host(url)
        with state.lock:
            wait = state.last_request + self.min_delay - self.clock()
            if wait > 0:
                self.sleep(wait)
            state.last_request = self.clock()
            return self._request(original, url, headers, cached)

    def _request(
        self, original: str, url: str, headers: dict[str, str], cached: _Cached | None
    ) -> tuple[FetchResult | None, str | None]:
        deadline = self.clock() + self.timeout
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                if response.status_code in _REDIRECTS:
                    location = response.headers.get("location")
                    if not location:
                        raise FetchError(f"{url!r}: redirect without a Location header")
                    return None, urljoin(url, location)
                if response.status_code == 304 and cached is not None:
                    old = cached.result
                    return FetchResult(
                        original, url, 304, old.content, old.content_type, True
                    ), None
                if response.status_code >= 500 or response.status_code == 429:
                    raise HostFailure(f"{url!r}: HTTP {response.status_code}")
                if response.status_code >= 400:
                    raise FetchError(f"{url!r}: HTTP {response.status_code}")
                body = self._read_capped(url, response, deadline)
                result = FetchResult(
                    original,
                    url,
                    response.status_code,
                    body,
                    response.headers.get("content-type", ""),
                )
                etag = response.headers.get("etag")
                modified = response.headers.get("last-modified")
                if etag or modified:
                    self._cache[url] = _Cached(etag, modified, result)
                return result, None
        except httpx.TimeoutException as exc:
            raise HostFailure(f"{url!r}: timed out after {self.timeout:g} s") from exc
        except httpx.HTTPError as exc:
            raise HostFailure(f"{url!r}: {type(exc).__name__}: {exc}") from exc

    def _read_capped(self, url: str, response: httpx.Response, deadline: float) -> bytes:
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(
                f"{url!r}: {declared} bytes is over the {self.max_bytes}-byte cap "
                "(raise --max-bytes to allow it)"
            )
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(
                    f"{url!r}: body passed the {self.max_bytes}-byte cap "
                    "(raise --max-bytes to allow it)"
                )
            if self.clock() > deadline:
                raise FetchError(f"{url!r}: body took longer than {self.timeout:g} s")
            chunks.append(chunk)
        return b"".join(chunks)

    def _robots_allow(self, url: str, state: _HostState) -> bool:
        if state.robots is None:
            parts = urlsplit(url)
            robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
            parser = urllib.robotparser.RobotFileParser(robots_url)
            try:
                result, _ = self._one_hop(robots_url, robots_url)
            except AddressRefused:
                raise
            except FetchError as exc:
                # A missing robots.txt allows everything; a refused one forbids it.
                refused = "HTTP 401" in str(exc) or "HTTP 403" in str(exc)
                parser.parse(["User-agent: *", "Disallow: /"] if refused else [])
            else:
                if result is None:  # a redirected robots.txt: treat as absent
                    parser.parse([])
                else:
                    text = result.content.decode("utf-8", errors="replace")
                    parser.parse(text.splitlines())
            state.robots = parser
        return state.robots.can_fetch(USER_AGENT, url)


__all__ = [
    "USER_AGENT",
    "FetchFailure",
    "FetchResult",
    "Fetcher",
    "HostFailure",
    "Resolver",
    "address_refusal",
    "check_url",
    "system_resolver",
]
