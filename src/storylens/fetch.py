"""Fetch URLs politely and safely for ``storylens follow``.

A feed is third-party input: any URL in it may point at the machine storylens runs on or
at a cloud metadata service. So every hop (the first URL, each redirect, robots.txt) is
resolved first and refused when any of its addresses is private, loopback, link-local,
multicast, reserved or unspecified, unless the operator passes ``allow_private=True``.

The stages of :meth:`Fetcher.fetch`, in order:

1. back-off check: a host that failed recently (timeout, connection, 5xx, 429) is not
   asked again until its delay passes: the server's ``Retry-After`` when it sent one,
   else a delay that doubles with each failure;
2. robots.txt of the host, read as RFC 9309 says (:mod:`storylens.robots`: protego,
   redirects followed, 4xx allows, 5xx forbids), cached until it expires;
3. per host, one request at a time and at least ``min_delay`` seconds apart, or the
   site's ``Crawl-delay`` when that is longer;
4. for each hop: the host is resolved once and every address checked, then the
   connection is made to the checked address (the URL's host goes in the ``Host``
   header and TLS's SNI, so certificates are still verified for the name): a DNS server
   that answers differently the second time (rebinding) is never asked a second time.
   A conditional GET (ETag / Last-Modified from :attr:`Fetcher.validators`, which
   ``storylens follow`` keeps in the store), a streamed body capped at ``max_bytes``,
   a manual redirect (re-checked) up to ``max_redirects``; connecting, the headers and
   the body share one deadline of ``timeout`` seconds (:mod:`storylens.deadline`), so a
   server that trickles bytes cannot hold a fetch longer;
5. every failure is appended to :attr:`Fetcher.failures` with its reason, then raised.

Bodies of conditional responses are kept in a cache bounded in bytes, so a 304 can hand
back the body when it is still there (``not_modified`` tells the caller either way).

The resolver, transport, clocks and sleep are injectable so tests never connect anywhere
forbidden and never wait.
"""

from __future__ import annotations

import email.utils
import ipaddress
import logging
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from . import __version__
from .deadline import DeadlineTransport
from .deadline import deadline as within
from .errors import AddressRefused, FetchError
from .robots import RobotsAnswer, RobotsCache, RobotsStore

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


class HttpStatusError(FetchError):
    """The server answered with an error status (kept in ``status``)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class HostFailure(FetchError):
    """A failure that says the host is in trouble (timeout, connection, 5xx, 429): back off.

    ``status`` is 0 when no answer came; ``retry_after`` is the server's Retry-After in
    seconds, when it sent one.
    """

    def __init__(self, message: str, status: int = 0, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or an HTTP-date), or None.

    ``now`` is the wall-clock time (seconds since the epoch) an HTTP-date is measured from.
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now)


class Validators(Protocol):
    """Where conditional-GET validators live: in memory, or in the store for ``follow``."""

    def get(self, url: str) -> tuple[str | None, str | None] | None: ...

    def put(self, url: str, etag: str | None, last_modified: str | None) -> None: ...


class MemoryValidators:
    """Validators for the last ``size`` URLs, in memory."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._items: OrderedDict[str, tuple[str | None, str | None]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, url: str) -> tuple[str | None, str | None] | None:
        with self._lock:
            return self._items.get(url)

    def put(self, url: str, etag: str | None, last_modified: str | None) -> None:
        with self._lock:
            self._items[url] = (etag, last_modified)
            self._items.move_to_end(url)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


class BodyCache:
    """Bodies of responses that carried validators, least recently used out past ``max_bytes``."""

    def __init__(self, max_bytes: int = 32_000_000) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._items: OrderedDict[str, FetchResult] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, url: str) -> FetchResult | None:
        with self._lock:
            found = self._items.get(url)
            if found is not None:
                self._items.move_to_end(url)
            return found

    def put(self, url: str, result: FetchResult) -> None:
        if len(result.content) > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(url, None)
            if old is not None:
                self.size -= len(old.content)
            self._items[url] = result
            self.size += len(result.content)
            while self.size > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self.size -= len(dropped.content)

    def __len__(self) -> int:
        return len(self._items)


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
class _HostState:
    lock: threading.Lock = field(default_factory=threading.Lock)
    last_request: float = float("-inf")
    failures: int = 0
    retry_at: float = float("-inf")
    crawl_delay: float = 0.0  # the site's Crawl-delay, from its robots.txt


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
        wall_clock: Callable[[], float] = time.time,
        validators: Validators | None = None,
        robots_store: RobotsStore | None = None,
        body_cache_bytes: int = 32_000_000,
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
        self.wall_clock = wall_clock
        self.failures: list[FetchFailure] = []
        self.validators: Validators = validators if validators is not None else MemoryValidators()
        self.bodies = BodyCache(body_cache_bytes)
        self.robots = RobotsCache(clock, persist=robots_store, wall_clock=wall_clock)
        self._hosts: dict[str, _HostState] = {}
        self._hosts_lock = threading.Lock()
        self._client = httpx.Client(
            transport=transport if transport is not None else DeadlineTransport(trust_env=False),
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

    def fetch(self, url: str, *, conditional: bool = True) -> FetchResult:
        """Fetch ``url`` through every stage; raises :class:`FetchError` with the reason.

        ``conditional=False`` neither sends nor keeps validators (a page fetched once).
        """
        try:
            return self._fetch(url, conditional)
        except FetchError as exc:
            self.failures.append(FetchFailure(url, str(exc), self.clock()))
            raise

    def _host(self, url: str) -> _HostState:
        key = urlsplit(url).netloc.lower()
        with self._hosts_lock:
            return self._hosts.setdefault(key, _HostState())

    def _fetch(self, url: str, conditional: bool) -> FetchResult:
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
            result = self._follow(url, conditional)
        except HostFailure as exc:
            state.failures += 1
            delay = min(self.backoff_base * 2 ** (state.failures - 1), self.backoff_max)
            if exc.retry_after is not None:  # the server said when: believe it (capped)
                delay = min(exc.retry_after, self.backoff_max)
            state.retry_at = self.clock() + delay
            raise
        state.failures = 0
        state.retry_at = float("-inf")
        return result

    def _follow(self, url: str, conditional: bool) -> FetchResult:
        current = url
        for _ in range(self.max_redirects + 1):
            result, location = self._one_hop(url, current, conditional)
            if location is None:
                assert result is not None
                return result
            current = location
        raise FetchError(f"{url!r}: more than {self.max_redirects} redirects")

    def _one_hop(
        self, original: str, url: str, conditional: bool = True
    ) -> tuple[FetchResult | None, str | None]:
        ips = check_url(url, resolver=self.resolver, allow_private=self.allow_private)
        headers: dict[str, str] = {}
        known = self.validators.get(url) if conditional else None
        if known is not None:
            etag, modified = known
            if etag:
                headers["If-None-Match"] = etag
            if modified:
                headers["If-Modified-Since"] = modified
        state = self._host(url)
        with state.lock:
            wait = state.last_request + max(self.min_delay, state.crawl_delay) - self.clock()
            if wait > 0:
                self.sleep(wait)
            state.last_request = self.clock()
            return self._request(original, url, ips[0], headers, conditional)

    def _request(
        self, original: str, url: str, ip: str, headers: dict[str, str], conditional: bool
    ) -> tuple[FetchResult | None, str | None]:
        deadline = self.clock() + self.timeout
        request = self._pinned_request(url, ip, headers)
        try:
            with (
                within(self.timeout),  # connect, headers and body: one deadline
                self._client.stream(
                    "GET", request.url, headers=request.headers, extensions=request.extensions
                ) as response,
            ):
                status = response.status_code
                if status in _REDIRECTS:
                    location = response.headers.get("location")
                    if not location:
                        raise FetchError(f"{url!r}: redirect without a Location header")
                    return None, urljoin(url, location)
                if status == 304 and conditional:
                    old = self.bodies.get(url)
                    content = old.content if old is not None else b""
                    kind = old.content_type if old is not None else ""
                    return FetchResult(original, url, 304, content, kind, True), None
                if status >= 500 or status == 429:
                    wait = parse_retry_after(response.headers.get("retry-after"), self.wall_clock())
                    raise HostFailure(f"{url!r}: HTTP {status}", status, wait)
                if status >= 400:
                    raise HttpStatusError(f"{url!r}: HTTP {status}", status)
                body = self._read_capped(url, response, deadline)
                result = FetchResult(
                    original, url, status, body, response.headers.get("content-type", "")
                )
                etag = response.headers.get("etag")
                modified = response.headers.get("last-modified")
                if conditional and (etag or modified):
                    self.validators.put(url, etag, modified)
                    self.bodies.put(url, result)
                return result, None
        except httpx.TimeoutException as exc:
            raise HostFailure(f"{url!r}: timed out after {self.timeout:g} s") from exc
        except httpx.HTTPError as exc:
            raise HostFailure(f"{url!r}: {type(exc).__name__}: {exc}") from exc

    @staticmethod
    def _pinned_request(url: str, ip: str, headers: dict[str, str]) -> httpx.Request:
        """A request for ``url`` sent to the checked address ``ip``, never resolved again.

        The URL's host is replaced by the address; the name goes in ``Host`` and, for
        https, in TLS's SNI, where the certificate is verified against it.
        """
        parts = urlsplit(url)
        host = parts.hostname or ""
        literal = f"[{ip}]" if ":" in ip else ip
        netloc = literal if parts.port is None else f"{literal}:{parts.port}"
        target = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
        extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
        return httpx.Request(
            "GET", target, headers={**headers, "Host": parts.netloc}, extensions=extensions
        )

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
        rules = self.robots.rules(url, self._fetch_robots)
        state.crawl_delay = rules.crawl_delay or 0.0
        return rules.allows(url)

    def _fetch_robots(self, robots_url: str) -> RobotsAnswer:
        """One robots.txt answer, redirects followed (each hop checked), for RFC 9309."""
        try:
            current = robots_url
            for _ in range(self.max_redirects + 1):
                result, location = self._one_hop(robots_url, current, conditional=False)
                if location is None:
                    assert result is not None
                    return RobotsAnswer(result.status, result.content)
                current = location
            return RobotsAnswer(404)  # too many redirects: RFC 9309 reads it as unavailable
        except AddressRefused:
            raise
        except HttpStatusError as exc:
            return RobotsAnswer(exc.status)
        except HostFailure as exc:
            return RobotsAnswer(exc.status, retry_after=exc.retry_after)
        except FetchError as exc:  # over the byte cap, a redirect without Location...
            log.info("robots.txt at %s unreadable (%s): treated as unreachable", robots_url, exc)
            return RobotsAnswer(0)


__all__ = [
    "USER_AGENT",
    "BodyCache",
    "FetchFailure",
    "FetchResult",
    "Fetcher",
    "HostFailure",
    "HttpStatusError",
    "MemoryValidators",
    "Validators",
    "parse_retry_after",
    "Resolver",
    "address_refusal",
    "check_url",
    "system_resolver",
]
