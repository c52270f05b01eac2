"""A stored story's report from its articles' analysis records: parse nothing that was
parsed at ingest.

:func:`stored_analyses` reads the records the store holds for a story's articles and
sorts out those that are not current (missing: stored by an older storylens or with
``--no-analyze``; stale: a stage's version or the statement embedder changed since;
unreadable). :func:`report_from_analyses` (top level, so a report process can run it)
analyses those few articles again and compares the story from records alone;
:func:`save_analyses` writes the new records back, so the next report reads them.
The cross-encoder's reads go the same way (:func:`storylens.store.reads.story_reads`
in, the new ones back with :func:`save_reads`), so a view of a stored story reads only
the pairs no view read before. :func:`stored_report` does it all in a row
(``storylens show``); the web service runs :func:`report_from_analyses` in its report
processes; :func:`prepare_stories` does it at ingest (``ingest --prepare``) for the
stories that changed, so that their first view is as quick as the next ones.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from .align import ReadMemo
from .align.cross import network_hash
from .analysis import RECORD_FORMAT, ArticleAnalysis, analyse_articles, current_versions
from .errors import RecordError, StoreError
from .isolate import report_isolated
from .model import Article, Rejection, StoryReport
from .store import Store
from .store.analyses import analysis_rows, put_analyses
from .store.reads import put_reads, story_reads

log = logging.getLogger(__name__)


def stored_analyses(
    store: Store, articles: Sequence[Article]
) -> tuple[dict[str, ArticleAnalysis], list[Article]]:
    """The current records of ``articles`` by id, and the articles that have none."""
    versions = current_versions()
    rows = analysis_rows(store, [a.id for a in articles])
    found: dict[str, ArticleAnalysis] = {}
    missing: list[Article] = []
    for article in articles:
        row = rows.get(article.id)
        if row is None or not row.is_current(RECORD_FORMAT, versions):
            missing.append(article)
            continue
        try:
            found[article.id] = ArticleAnalysis.from_payload(row.payload, row.vectors, article)
        except RecordError as exc:
            log.warning("%s", exc)
            missing.append(article)
    return found, missing


def save_analyses(store: Store, records: Sequence[ArticleAnalysis]) -> None:
    """Write (or replace) the records of stored articles."""
    from .ingestion import record_row

    put_analyses(store, [record_row(r) for r in records])


Reads = dict[str, tuple[str, str, float]]  # ReadMemo.made: the reads to keep


def report_from_analyses(
    articles: Sequence[Article],
    found: Mapping[str, ArticleAnalysis],
    known_reads: Mapping[str, float] | None = None,
) -> tuple[StoryReport, list[Rejection], list[ArticleAnalysis], Reads]:
    """The story's report from records: those of ``found``, and new ones for the
    articles without one (returned third, for the caller to store). An article that
    cannot be analysed, or makes the comparison fail, is left out and listed second.
    ``known_reads``: the story's stored cross-encoder reads, not made again; the new
    ones come back fourth, for the caller to store (:func:`save_reads`)."""
    from .compare import compare_articles

    todo = [a for a in articles if a.id not in found]
    refused: list[Rejection] = []
    fresh = list(analyse_articles(todo, on_reject=refused.append)) if todo else []
    records = {**found, **{r.article.id: r for r in fresh}}
    memo = ReadMemo(known=dict(known_reads or {}))

    def compare(subset: Sequence[Article]) -> StoryReport:
        return compare_articles(
            subset, analyses=[records[a.id] for a in subset if a.id in records], reads=memo
        )

    report, left_out = report_isolated(articles, compare)
    return report, [*refused, *left_out], fresh, memo.made


def save_reads(store: Store, made: Mapping[str, tuple[str, str, float]]) -> None:
    """Keep a report's new cross-encoder reads; the report stands if the store refuses."""
    try:
        put_reads(store, made, network_hash())
    except StoreError as exc:
        log.warning("the %d new pair reads were not stored: %s", len(made), exc)


def stored_report(
    store: Store,
    articles: Sequence[Article],
    *,
    analysing: Callable[[int], None] | None = None,
) -> tuple[StoryReport, list[Rejection]]:
    """The report of a stored story's ``articles`` from their records, analysing (and
    storing) the ones without a current record; ``analysing(n)`` is told how many.

    A store that refuses the new records (another writer holding it past the busy
    timeout, a read-only file) costs the next report the same analysis, not this one."""
    report, left_out, _ = _stored_report(store, articles, analysing)
    return report, left_out


def _stored_report(
    store: Store, articles: Sequence[Article], analysing: Callable[[int], None] | None
) -> tuple[StoryReport, list[Rejection], int]:
    """:func:`stored_report`, and how many new pair reads it stored."""
    found, missing = stored_analyses(store, articles)
    if missing and analysing is not None:
        analysing(len(missing))
    known = story_reads(store, [a.id for a in articles], network_hash())
    report, left_out, fresh, made = report_from_analyses(articles, found, known)
    try:
        save_analyses(store, fresh)
    except StoreError as exc:
        log.warning("the %d new analyses were not stored: %s", len(fresh), exc)
        return report, left_out, 0
    save_reads(store, made)
    return report, left_out, len(made)


@dataclass
class Prepared:
    """What :func:`prepare_stories` did."""

    stories: int = 0  # stories of two or more articles compared
    reads: int = 0  # new cross-encoder pair reads stored
    analysed: int = 0  # articles analysed because they had no current record
    left_out: list[Rejection] = field(default_factory=list)


def prepare_stories(
    store: Store,
    since: str,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> Prepared:
    """Compare now every story of two or more articles updated at or after ``since`` (an
    ISO time, as the store writes them), keeping what a view of it would make: the
    cross-encoder's reads of its claim pairs and the records it lacked. The first `show`
    or web page of such a story then reads only what changed after (``storylens ingest
    --prepare``). ``progress(done, total)`` is told after each story."""
    done = Prepared()
    todo = [s for s in store.stories(since=since) if s.size >= 2]

    def analysing(n: int) -> None:
        done.analysed += n

    for k, story in enumerate(todo, 1):
        _, left_out, made = _stored_report(store, store.story_articles(story.id), analysing)
        done.stories += 1
        done.reads += made
        done.left_out.extend(left_out)
        if progress is not None:
            progress(k, len(todo))
    return done


__all__ = [
    "Prepared",
    "prepare_stories",
    "report_from_analyses",
    "save_analyses",
    "save_reads",
    "stored_analyses",
    "stored_report",
]
