"""robots.txt as RFC 9309 says, with protego's parser, cached with an expiry.

What a robots.txt answer means (RFC 9309, section 2.3.1):

- 2xx: the rules in the body apply (protego: longest match wins, ``*`` and ``$``
  patterns, the ``storylens`` product token, ``Crawl-delay``);
- redirects are followed (at least five hops; the fetcher's own redirect limit) and the
  rules of the target apply;
- 4xx, 401 and 403 included: "unavailable", so everything may be fetched;
- 5xx, or no answer at all (timeout, refused connection): "unreachable", so nothing may
  be fetched until it is asked again;
- a 503 or 429 with ``Retry-After``: unreachable, asked again after that delay.

Rules are kept for :data:`RULES_TTL` seconds (the RFC asks crawlers not to keep them
longer than 24 hours); an unreachable answer only for :data:`UNREACHABLE_TTL` seconds
(or its Retry-After), since it forbids the whole site.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

RULES_TTL = 24 * 3600.0
UNREACHABLE_TTL = 300.0
# a Crawl-delay above this is honoured as this: a feed polled every 15 minutes must still
# reach its host (and a site asking for a day between requests is asking not to be read)
MAX_CRAWL_DELAY = 120.0
PRODUCT_TOKEN = "storylens"


@dataclass(frozen=True)
class RobotsAnswer:
    """What fetching /robots.txt gave: a status (0 when unreachable) and the body."""

    status: int
    body: bytes = b""
    retry_after: float | None = None


@dataclass(frozen=True)
class RobotsRules:
    """The rules for one origin, and until when they hold."""

    kind: str  # "rules" | "unavailable" | "unreachable"
    expires: float
    parser: object | None = None  # protego.Protego for "rules"
    crawl_delay: float | None = None

    def allows(self, url: str) -> bool:
        if self.kind == "unavailable":
            return True
        if self.kind == "unreachable" or self.parser is None:
            return False
        return bool(self.parser.can_fetch(url, PRODUCT_TOKEN))  # type: ignore[attr-defined]


def rules_from(answer: RobotsAnswer, now: float, ttl: float = RULES_TTL) -> RobotsRules:
    """Turn one robots.txt answer into rules, by RFC 9309's reading of its status."""
    if 200 <= answer.status < 300:
        from protego import Protego

        text = answer.body.decode("utf-8", errors="replace")
        parser = Protego.parse(text)
        delay = parser.crawl_delay(PRODUCT_TOKEN)
        crawl_delay = None if delay is None else min(float(delay), MAX_CRAWL_DELAY)
        return RobotsRules("rules", now + ttl, parser, crawl_delay)
    if 400 <= answer.status < 500:
        return RobotsRules("unavailable", now + ttl)
    wait = answer.retry_after if answer.retry_after is not None else UNREACHABLE_TTL
    return RobotsRules("unreachable", now + max(1.0, min(wait, ttl)))


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


class RobotsStore(Protocol):
    """Where answers outlive the process (``storylens follow`` keeps them in the store)."""

    def get(self, robots_url: str) -> tuple[int, bytes, float] | None: ...

    def put(self, robots_url: str, status: int, body: bytes, fetched_at: float) -> None: ...


class RobotsCache:
    """Rules per origin, fetched when missing or expired (one fetch at a time per origin).

    With a ``persist`` store, answers that allow (2xx rules, 4xx) are kept there with the
    wall-clock time they were fetched, and reused by a later process until they expire.
    """

    def __init__(
        self,
        clock: Callable[[], float],
        ttl: float = RULES_TTL,
        *,
        persist: RobotsStore | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.clock = clock
        self.ttl = ttl
        self.persist = persist
        self.wall_clock = wall_clock
        self._rules: dict[str, RobotsRules] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def rules(self, url: str, fetch: Callable[[str], RobotsAnswer]) -> RobotsRules:
        """The rules for ``url``'s origin; ``fetch(robots_url)`` is called when they expired."""
        origin = origin_of(url)
        with self._lock:
            lock = self._locks.setdefault(origin, threading.Lock())
        with lock:
            cached = self._rules.get(origin)
            now = self.clock()
            if cached is not None and now < cached.expires:
                return cached
            robots_url = origin + "/robots.txt"
            rules = self._stored(robots_url, now)
            if rules is None:
                answer = fetch(robots_url)
                rules = rules_from(answer, self.clock(), self.ttl)
                if self.persist is not None and rules.kind != "unreachable":
                    self.persist.put(robots_url, answer.status, answer.body, self.wall_clock())
            self._rules[origin] = rules
            return rules

    def _stored(self, robots_url: str, now: float) -> RobotsRules | None:
        if self.persist is None:
            return None
        found = self.persist.get(robots_url)
        if found is None:
            return None
        status, body, fetched_at = found
        age = self.wall_clock() - fetched_at
        if not 0 <= age < self.ttl:
            return None
        return rules_from(RobotsAnswer(status, body), now - age, self.ttl)


__all__ = [
    "MAX_CRAWL_DELAY",
    "RULES_TTL",
    "UNREACHABLE_TTL",
    "RobotsAnswer",
    "RobotsCache",
    "RobotsRules",
    "RobotsStore",
    "origin_of",
    "rules_from",
]
