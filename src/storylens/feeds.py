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
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Protocol
from urllib.parse import urljoin

from .dates import parse_published
from .errors import FetchError, InputError, RejectedInput
from .fetch import Fetcher, HostFailure
from .model import Article, Rejection

log = logging.getLogger(__name__)


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


def iter_feed_articles(
    fetcher: Fetcher, feed_urls: Iterable[str], seen: LinkLog
) -> Iterator[Article | Rejection]:
    """New articles of every feed, in feed order; see the module docstring for the stages."""
    for feed_url in feed_urls:
        try:
            result = fetcher.fetch(feed_url)
            if result.not_modified:
                log.info("%s: not modified", feed_url)
                continue
            entries = parse_feed(result.content, feed_url)
        except FetchError as exc:
            yield Rejection(feed_url, "fetch", str(exc))
            continue
        for entry in entries:
            if not seen.is_new(entry.link):
                continue
            try:
                article = fetch_article(fetcher, entry)
            except HostFailure as exc:  # the host is in trouble: try again next poll
                yield Rejection(entry.link, "fetch", str(exc))
                continue
            except FetchError as exc:
                seen.add(entry.link, feed_url, "refused")
                yield Rejection(entry.link, "fetch", str(exc))
                continue
            except RejectedInput as exc:
                seen.add(entry.link, feed_url, exc.reason)
                yield Rejection(entry.link, exc.reason, exc.detail)
                continue
            seen.add(entry.link, feed_url, "fetched")
            yield article


__all__ = [
    "FeedEntry",
    "LinkLog",
    "SeenLinks",
    "fetch_article",
    "iter_feed_articles",
    "parse_feed",
    "parse_opml",
    "read_targets",
]
