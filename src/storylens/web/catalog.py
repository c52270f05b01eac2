"""What the service reads from the store, with the caches that keep pages fast.

The story list (with each story's outlets) is rebuilt only when the store's article or
story count changes, looked at most every ``max_age`` seconds (so a list can be that
much behind an ingest); a story's compare report is cached under its id and its
``updated_at``, so an ingest that touches a story makes its page fresh again.

A report is made from the analysis records ingest stored (:mod:`storylens.stored`):
nothing is parsed again. An article without a current record (stored by an older
storylens, or with ``--no-analyze``) is analysed when its story is first shown, and its
record written back. With ``processes=N`` reports are computed in N worker processes
(started on first use, with the models loaded there), so the comparison, and any
parsing and embedding it needs, never holds the server's interpreter while it answers
other pages; a worker that dies is replaced.
"""

from __future__ import annotations

import logging
import multiprocessing
import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select

from ..align.cross import network_hash
from ..analysis import ArticleAnalysis
from ..errors import ReportError, StoreError
from ..ingestion import ingest
from ..isolate import report_isolated
from ..model import Article, Rejection, StoryReport
from ..parallel import exit_with_parent
from ..store import Store, StoredStory, content_hash
from ..store import schema as tables
from ..store import search as search_store
from ..store.reads import story_reads
from ..store.store import story_from_row
from ..stored import Reads, report_from_analyses, save_analyses, save_reads, stored_analyses

log = logging.getLogger(__name__)

Reporter = Callable[[Sequence[Article]], StoryReport]
Told = tuple[StoryReport, list[Rejection], list[ArticleAnalysis], Reads]


def _report(
    reporter: Reporter | None,
    articles: list[Article],
    found: dict[str, ArticleAnalysis],
    known: dict[str, float],
) -> Told:
    """What a report process runs (a module-level function, so it can be sent there): the
    report from the stored records ``found`` and reads ``known`` (with the records and
    reads it had to make), or, with a ``reporter``, the reporter's."""
    if reporter is None:
        return report_from_analyses(articles, found, known)
    report, left_out = report_isolated(articles, reporter)
    return report, left_out, [], {}


@dataclass(frozen=True)
class ListedStory:
    story: StoredStory
    outlets: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {**self.story.to_dict(), "outlets": list(self.outlets)}


@dataclass(frozen=True)
class StoryPage:
    total: int
    offset: int
    limit: int
    stories: tuple[ListedStory, ...]


@dataclass(frozen=True)
class Searched:
    """A search answer (the API's ``SearchOut``) and its stories with their outlets.
    Shared by every request that gets it from the cache: read it, never change it."""

    answer: dict[str, Any]
    stories: tuple[ListedStory, ...]


# Recent search answers kept (query, offset, limit); any write to the store empties them.
SEARCH_CACHE_SIZE = 256


class Catalog:
    """Read access for the web layer, plus the write paths (ingest under a lock, and the
    analyses a report had to make).

    ``reporter`` replaces the report from stored analyses by a function of a story's
    articles (tests use it to count or slow reports)."""

    def __init__(
        self,
        store: Store,
        reporter: Reporter | None = None,
        cache_size: int = 256,
        max_age: float = 2.0,
        processes: int = 0,
        search_cache_size: int = SEARCH_CACHE_SIZE,
    ):
        self.store = store
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        self.max_age = max_age
        self._rebuild_lock = threading.Lock()
        self._checked = float("-inf")
        self.reporter = reporter
        self.cache_size = cache_size
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._listing: tuple[tuple[int, int], list[ListedStory]] | None = None
        self._by_id: dict[str, ListedStory] = {}
        self._reports: OrderedDict[tuple[str, str], StoryReport] = OrderedDict()
        self._running: dict[tuple[str, str], threading.Event] = {}
        self.search_cache_size = search_cache_size
        self._searches: OrderedDict[tuple[str, int, int], Searched] = OrderedDict()
        self._searched_at: str | None = None  # the store's change mark the answers hold for
        self._search_lock = threading.Lock()

    # ------------------------------------------------------------------ listing
    def _version(self) -> tuple[int, int]:
        return self.store.count("articles"), self.store.count("stories")

    def listing(self) -> list[ListedStory]:
        """Every current story with its outlets, newest first.

        Cached: the store's counts are checked at most every ``max_age`` seconds, and
        while one request rebuilds the list the others keep serving the previous one,
        so a running ingest never makes every list request pay for a rebuild.
        """
        now = time.monotonic()
        cached = self._listing
        if cached is not None and now - self._checked < self.max_age:
            return cached[1]
        if not self._rebuild_lock.acquire(blocking=cached is None):
            return cached[1] if cached is not None else self.listing()
        try:
            version = self._version()
            if self._listing is not None and self._listing[0] == version:
                self._checked = time.monotonic()
                return self._listing[1]
            listed = self._build()
            self._by_id = {item.story.id: item for item in listed}
            self._listing = (version, listed)
            self._checked = time.monotonic()
            return listed
        finally:
            self._rebuild_lock.release()

    def _build(self) -> list[ListedStory]:
        a, m = tables.articles.c, tables.story_members.c
        query = select(m.story_id, a.outlet).join(tables.articles, a.id == m.article_id)
        outlets: dict[str, set[str]] = {}
        with self.store.engine.connect() as conn:
            for story_id, outlet in conn.execute(query):
                if outlet:
                    outlets.setdefault(story_id, set()).add(outlet)
        return [ListedStory(s, tuple(sorted(outlets.get(s.id, ())))) for s in self.store.stories()]

    def page(
        self,
        *,
        q: str | None = None,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        sort: str = "newest",
        offset: int = 0,
        limit: int = 20,
    ) -> StoryPage:
        stories = self.listing()
        if q:
            words = q.lower().split()
            stories = [s for s in stories if all(w in s.story.title.lower() for w in words)]
        if outlet:
            wanted = outlet.lower()
            stories = [s for s in stories if wanted in (o.lower() for o in s.outlets)]
        if since:
            stories = [s for s in stories if (s.story.last_date or s.story.updated_at) >= since]
        if until:
            stories = [s for s in stories if (s.story.first_date or s.story.created_at) <= until]
        if sort == "covered":
            stories = sorted(stories, key=lambda s: (-len(s.outlets), -s.story.size))
        return StoryPage(len(stories), offset, limit, tuple(stories[offset : offset + limit]))

    def outlets(self) -> dict[str, int]:
        """Outlet -> number of stories it covers."""
        counts: dict[str, int] = {}
        for listed in self.listing():
            for name in listed.outlets:
                counts[name] = counts.get(name, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    # ------------------------------------------------------------------ search
    def search(self, q: str, *, offset: int = 0, limit: int = 20) -> dict[str, Any]:
        """Stories whose articles' titles or texts hold every word of ``q`` (full-text
        index of the store), best first: the shape of the API's ``SearchOut``.

        Reads only the page's stories from the store (never rebuilds the cached list),
        so a search costs the same while an ingest runs. Recent answers are kept
        (``search_cache_size``) for as long as nothing was written to the store.
        """
        return self.searched(q, offset=offset, limit=limit).answer

    def searched(self, q: str, *, offset: int = 0, limit: int = 20) -> Searched:
        """:meth:`search`'s answer with its stories, from the cache while the store's
        change mark (read before the store is) is the one the cached answers hold for:
        any committed write, by this process or another, empties the cache."""
        mark = self.store.change_mark() if self.search_cache_size > 0 else None
        key = (q, offset, limit)
        if mark is not None:
            with self._search_lock:
                if mark != self._searched_at:
                    self._searches.clear()
                    self._searched_at = mark
                found = self._searches.get(key)
                if found is not None:
                    self._searches.move_to_end(key)
                    return found
        found = self._search(q, offset, limit)
        if mark is not None:
            with self._search_lock:
                if self._searched_at == mark:
                    self._searches[key] = found
                    while len(self._searches) > self.search_cache_size:
                        self._searches.popitem(last=False)
        return found

    def _search(self, q: str, offset: int, limit: int) -> Searched:
        found = search_store(self.store, q, offset=offset, limit=limit)
        stories = self._stories([m.story_id for m in found.hits])
        hits = [m for m in found.hits if m.story_id in stories]
        results = [
            {
                "story": stories[m.story_id].to_dict(),
                "article": m.article,
                "snippet": m.snippet,
                "rank": m.rank,
            }
            for m in hits
        ]
        answer = {
            "query": q,
            "total": found.stories,
            "matched_articles": found.matched_articles,
            "complete": found.complete,
            "offset": offset,
            "limit": limit,
            "results": results,
        }
        return Searched(answer, tuple(stories[m.story_id] for m in hits))

    def _stories(self, ids: Sequence[str]) -> dict[str, ListedStory]:
        """Current stories by id with their outlets, read from the store in two queries."""
        if not ids:
            return {}
        s, a, m = tables.stories.c, tables.articles.c, tables.story_members.c
        outlets: dict[str, set[str]] = {}
        with self.store.engine.connect() as conn:
            rows = list(conn.execute(select(tables.stories).where(s.id.in_(list(ids)))))
            query = (
                select(m.story_id, a.outlet)
                .join(tables.articles, a.id == m.article_id)
                .where(m.story_id.in_(list(ids)))
            )
            for story_id, outlet in conn.execute(query):
                if outlet:
                    outlets.setdefault(story_id, set()).add(outlet)
        return {
            row.id: ListedStory(
                story_from_row(row._mapping), tuple(sorted(outlets.get(row.id, ())))
            )
            for row in rows
        }

    # ------------------------------------------------------------------ one story
    def story(self, story_id: str) -> StoredStory:
        return self.store.story(story_id)

    def listed(self, story_id: str) -> ListedStory:
        """A story with its outlets (from the cached listing when it is there)."""
        current = self.store.resolve_story(story_id)
        self.listing()  # refresh the cache when it is due
        found = self._by_id.get(current)
        if found is not None:
            return found
        story = self.store.story(current)  # newer than the cached listing
        outlets = sorted({a.outlet for a in self.store.story_articles(current) if a.outlet})
        return ListedStory(story, tuple(outlets))

    def articles(self, story_id: str) -> list[Article]:
        return self.store.story_articles(story_id)

    def article(self, article_id: str) -> Article | None:
        found = self.store.articles([article_id])
        return found[0] if found else None

    def cached_report(self, story: StoredStory) -> StoryReport | None:
        """The report of ``story`` if it is cached, without computing anything."""
        key = (story.id, story.updated_at)
        with self._lock:
            cached = self._reports.get(key)
            if cached is not None:
                self._reports.move_to_end(key)
            return cached

    def report(self, story_id: str) -> StoryReport:
        """The compare report of a story, cached by (current id, updated_at).

        Requests for a report being computed wait for that one computation. An article
        that makes the comparison fail is left out of the report (and logged).
        """
        story = self.store.story(story_id)
        key = (story.id, story.updated_at)
        while True:
            cached = self.cached_report(story)
            if cached is not None:
                return cached
            with self._lock:
                running = self._running.get(key)
                if running is None:
                    running = self._running[key] = threading.Event()
                    break
            running.wait()  # another thread is computing it; then read it from the cache
            if self.cached_report(story) is None:
                break  # that computation failed: try ourselves
        try:
            articles = self.articles(story.id)
            found, known = {}, {}
            if self.reporter is None:
                found = stored_analyses(self.store, articles)[0]
                known = story_reads(self.store, [a.id for a in articles], network_hash())
            told, left_out, fresh, made = self._told(articles, found, known)
            self._save(story.id, fresh, made)
            for rejection in left_out:
                log.warning(
                    "story %s: %s left out: %s", story.id, rejection.origin, rejection.detail
                )
            report = replace(told, id=story.id, title=story.title)
            with self._lock:
                self._reports[key] = report
                while len(self._reports) > self.cache_size:
                    self._reports.popitem(last=False)
            return report
        finally:
            with self._lock:
                event = self._running.pop(key, None)
            if event is not None:
                event.set()

    def _save(self, story_id: str, fresh: list[ArticleAnalysis], made: Reads) -> None:
        """Store the records and reads a report made; the report stands if the store
        refuses them."""
        if not fresh:
            save_reads(self.store, made)
            return
        try:
            save_analyses(self.store, fresh)
        except StoreError as exc:
            log.warning(
                "story %s: the %d new analyses were not stored: %s", story_id, len(fresh), exc
            )
        else:
            log.info("story %s: analysed and stored %d article(s)", story_id, len(fresh))
            save_reads(self.store, made)

    def _told(
        self, articles: list[Article], found: dict[str, ArticleAnalysis], known: dict[str, float]
    ) -> Told:
        """The report, the articles left out and the records made for it, in a worker
        process when there are any."""
        if self.processes <= 0:
            return _report(self.reporter, articles, found, known)
        for _attempt in range(2):
            try:
                pool = self._process_pool()
                return pool.submit(_report, self.reporter, articles, found, known).result()
            except BrokenProcessPool:
                log.warning("a report process died (out of memory?); starting a new one")
                self._reset_pool()
            except (pickle.PicklingError, AttributeError, TypeError) as exc:
                log.warning("the reporter cannot go to a process (%s); reporting here", exc)
                return _report(self.reporter, articles, found, known)
        raise ReportError(
            "the report process died twice on this story (out of memory?); "
            "start the server with more memory or fewer --report-workers"
        )

    def _process_pool(self) -> ProcessPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=self.processes,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=exit_with_parent,
                )
            return self._pool

    def _reset_pool(self) -> None:
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the report processes, if any were started."""
        self._reset_pool()

    # ------------------------------------------------------------------ writing
    def id_conflicts(self, articles: Sequence[Article]) -> list[str]:
        """Ids of ``articles`` the store holds with a different text."""
        hashes = {a.id: content_hash(a.text) for a in articles}
        by_id, _ = self.store.lookup(list(hashes), [])
        return [i for i, h in hashes.items() if i in by_id and by_id[i] != h]

    def ingest(self, articles: Sequence[Article]) -> dict[str, Any]:
        """Store ``articles``: counts, and the rejections as :class:`Rejection` objects."""
        with self._write_lock:
            counts = ingest(self.store, articles)
        self._checked = float("-inf")  # what this server stored shows at once
        return {
            "new": counts.new,
            "duplicate": counts.duplicate,
            "rejected": counts.rejected,
            "rejections": list(counts.rejections),
        }
