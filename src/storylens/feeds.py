"""Feeds for ``storylens follow``: OPML lists, RSS/Atom feeds, and the articles they link.

Every byte comes through :class:`storylens.fetch.Fetcher` (address guard, robots.txt,
politeness, caps); feedparser only ever parses bytes it is handed, so a feed cannot make
it fetch anything. Article pages are read with the ingest HTML reader (trafilatura).

:func:`iter_feed_articles` is a cascade, per feed:

1. fetch the feed (a 304 means nothing new: the feed is skipped);
2. parse it and keep entries whose link was not seen before (:class:`SeenLinks` in
   memory, or :class:`storylens.store.fetchstate.StoredLinks` in the store, so that a
   restarted ``follow`` fetches nothing it already has); the entry's date is read with
   :func:`storylens.dates.parse_published`, time and zone kept;
3. fetch each new link and extract its article; the feed's title names the outlet when
   the page does not;
4. any failure becomes a :class:`Rejection` (``fetch`` or the reader's reason) and the
   run goes on. A link is marked seen once it was dealt with for good (fetched, or
   refused by its server or the reader); one whose host was in trouble (timeout, 5xx,
   429) is tried again at the next poll.

Hosts are polled side by side (:func:`iter_polled_feeds`, up to ``hosts`` at once): each
host's requests, feeds and articles alike, go one after another in its own lane (the
fetcher keeps its delay between them), so one slow host delays only what it serves.
Results come out feed by feed in the order given, and links are marked seen only in the
caller's thread.
"""

from __future__ import annotations

import logging
import threading
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, TypeVar
from urllib.parse import urljoin, urlsplit

from .dates import parse_published
from .errors import FetchError, InputError, RejectedInput
from .fetch import Fetcher, HostFailure
from .model import Article, Rejection

log = logging.getLogger(__name__)
T = TypeVar("T")


def parse_opml(data: bytes) -> list[str]:
    """The feed URLs (``xmlUrl``) of an OPML document, in document order, without repeats."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise InputError(
            f"the OPML file is not valid XML ({exc}); export it again from your feed reader"
        ) from exc
    urls: list[str] = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or "").strip()
        if url and url not in urls:
            urls.append(url)
    return urls


def read_targets(targets: Iterable[str]) -> list[str]:
    """Expand OPML files among ``targets`` into their feed URLs; URLs pass through."""
    urls: list[str] = []
    for target in targets:
        if target.startswith(("http://", "https://")):
            found = [target]
        else:
            try:
                with open(target, "rb") as handle:
                    found = parse_opml(handle.read())
            except OSError as exc:
                raise InputError(
                    f"cannot read {target!r} ({exc.strerror}); give an OPML file or a feed URL"
                ) from exc
        urls.extend(url for url in found if url not in urls)
    return urls


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a feed: where it links and what the feed says about it."""

    link: str
    title: str | None
    published: str | None
    outlet: str | None


def parse_feed(data: bytes, feed_url: str) -> list[FeedEntry]:
    """Entries of an RSS or Atom document (bytes only: feedparser never fetches here)."""
    import feedparser

    parsed = feedparser.parse(data)
    if parsed.bozo and not parsed.entries:
        raise FetchError(
            f"{feed_url!r} is not a readable RSS or Atom feed ({parsed.get('bozo_exception')})"
        )
    outlet = parsed.feed.get("title") or None
    entries = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            continue
        raw = entry.get("published") or entry.get("updated")
        published = parse_published(raw)
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        if published is None and stamp:  # feedparser read a date dateparser could not
            published = f"{stamp.tm_year:04d}-{stamp.tm_mon:02d}-{stamp.tm_mday:02d}"
        entries.append(
            FeedEntry(urljoin(feed_url, link), entry.get("title") or None, published, outlet)
        )
    return entries


class LinkLog(Protocol):
    """Where seen links are kept: :class:`SeenLinks` or the store's ``StoredLinks``."""

    def is_new(self, link: str) -> bool: ...

    def add(self, link: str, feed: str = "", outcome: str = "fetched") -> None: ...


@dataclass
class SeenLinks:
    """Links already dealt with, so a poll only fetches what is new (kept for one process)."""

    links: set[str] = field(default_factory=set)

    def is_new(self, link: str) -> bool:
        return link not in self.links

    def add(self, link: str, feed: str = "", outcome: str = "fetched") -> None:
        self.links.add(link)


def fetch_article(fetcher: Fetcher, entry: FeedEntry) -> Article:
    """Fetch and extract one linked article; raises FetchError or RejectedInput."""
    from .ingest import decode_bytes
    from .ingest.readers import html_to_article

    result = fetcher.fetch(entry.link, conditional=False)
    html = decode_bytes(result.content)
    article = html_to_article(html, origin=entry.link, url=result.final_url)
    return replace(
        article,
        outlet=entry.outlet or article.outlet,
        title=article.title or entry.title,
        published=article.published or entry.published,
    )


class HostLanes:
    """Jobs run one at a time per host, hosts side by side in a thread pool: a host with
    many jobs holds one thread, never all of them."""

    def __init__(self, pool: ThreadPoolExecutor) -> None:
        self._pool = pool
        self._lock = threading.Lock()
        self._queues: dict[str, deque[tuple[Future[Any], Callable[..., Any], tuple[Any, ...]]]] = {}

    def submit(self, url: str, fn: Callable[..., T], *args: Any) -> Future[T]:
        """``fn(*args)`` in the lane of ``url``'s host; its result as a future."""
        host = urlsplit(url).netloc.lower()
        future: Future[T] = Future()
        with self._lock:
            queue = self._queues.get(host)
            start = queue is None
            if queue is None:
                queue = self._queues[host] = deque()
            queue.append((future, fn, args))
        if start:
            self._pool.submit(self._drain, host)
        return future

    def _drain(self, host: str) -> None:
        while True:
            with self._lock:
                queue = self._queues[host]
                if not queue:
                    del self._queues[host]
                    return
                future, fn, args = queue.popleft()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(*args))
            except BaseException as exc:  # handed to whoever reads the future
                future.set_exception(exc)


@dataclass(frozen=True)
class PolledFeed:
    """One feed's part of a poll: its new articles and rejections in entry order, and the
    URLs it was fetched from (whose validators to keep once the articles are stored)."""

    url: str
    items: list[Article | Rejection]
    fetched: tuple[str, ...]


def _read_feed(
    fetcher: Fetcher, feed_url: str
) -> tuple[list[FeedEntry] | Rejection | None, tuple[str, ...]]:
    """A feed's entries (None: not modified; a Rejection: it failed), and the URLs fetched."""
    try:
        result = fetcher.fetch(feed_url)
    except FetchError as exc:
        return Rejection(feed_url, "fetch", str(exc)), (feed_url,)
    fetched = tuple(dict.fromkeys([feed_url, result.final_url]))
    if result.not_modified:
        log.info("%s: not modified", feed_url)
        return None, fetched
    try:
        return parse_feed(result.content, feed_url), fetched
    except FetchError as exc:
        return Rejection(feed_url, "fetch", str(exc)), fetched
    except Exception as exc:  # a parser bug on one feed must not stop the poll
        log.warning("%s: reading the feed failed", feed_url, exc_info=exc)
        detail = f"the feed could not be read ({type(exc).__name__}: {exc})"
        return Rejection(feed_url, "fetch", detail), fetched


def _fetch_entry(fetcher: Fetcher, entry: FeedEntry) -> tuple[Article | Rejection, str | None]:
    """The entry's article or why not, and what to mark its link with (None: it is tried
    again at the next poll, its host being in trouble)."""
    try:
        article = fetch_article(fetcher, entry)
    except HostFailure as exc:
        return Rejection(entry.link, "fetch", str(exc)), None
    except FetchError as exc:
        return Rejection(entry.link, "fetch", str(exc)), "refused"
    except RejectedInput as exc:
        return Rejection(entry.link, exc.reason, exc.detail), exc.reason
    except Exception as exc:  # a reader bug on one page must not stop the poll
        log.warning("%s: reading the article failed", entry.link, exc_info=exc)
        detail = f"the page could not be read ({type(exc).__name__}: {exc})"
        return Rejection(entry.link, "unreadable", detail), "unreadable"
    return article, "fetched"


def iter_polled_feeds(
    fetcher: Fetcher, feed_urls: Iterable[str], seen: LinkLog, *, hosts: int = 8
) -> Iterator[PolledFeed]:
    """Every feed's new articles, feed by feed in order, fetched with hosts side by side
    (see the module docstring); ``seen.add`` is called only here, in the caller's thread."""
    feeds = list(dict.fromkeys(feed_urls))
    queued: set[str] = set()
    lock = threading.Lock()
    started: list[Future[Any]] = []
    with ThreadPoolExecutor(max_workers=max(1, hosts), thread_name_prefix="follow") as pool:
        lanes = HostLanes(pool)

        def read(feed_url: str) -> tuple[Any, tuple[str, ...], list[tuple[FeedEntry, Any]]]:
            outcome, fetched = _read_feed(fetcher, feed_url)
            pending = []
            for entry in outcome if isinstance(outcome, list) else []:
                with lock:
                    if entry.link in queued:
                        continue
                    queued.add(entry.link)
                if seen.is_new(entry.link):
                    future = lanes.submit(entry.link, _fetch_entry, fetcher, entry)
                    started.append(future)
                    pending.append((entry, future))
            return outcome, fetched, pending

        polls = [lanes.submit(url, read, url) for url in feeds]
        started.extend(polls)
        try:
            for feed_url, poll in zip(feeds, polls, strict=True):
                outcome, fetched, pending = poll.result()
                items: list[Article | Rejection] = []
                if isinstance(outcome, Rejection):
                    items.append(outcome)
                for entry, future in pending:
                    item, mark = future.result()
                    if mark is not None:
                        seen.add(entry.link, feed_url, mark)
                    items.append(item)
                yield PolledFeed(feed_url, items, fetched)
        finally:
            for future in started:  # a caller that stopped early: drop what has not run
                future.cancel()


def iter_feed_articles(
    fetcher: Fetcher, feed_urls: Iterable[str], seen: LinkLog, *, hosts: int = 8
) -> Iterator[Article | Rejection]:
    """New articles of every feed, in feed order; see the module docstring for the stages."""
    for polled in iter_polled_feeds(fetcher, feed_urls, seen, hosts=hosts):
        yield from polled.items


__all__ = [
    "FeedEntry",
    "HostLanes",
    "LinkLog",
    "PolledFeed",
    "SeenLinks",
    "fetch_article",
    "iter_feed_articles",
    "iter_polled_feeds",
    "parse_feed",
    "parse_opml",
    "read_targets",
]
