"""A stored story's report from its articles' analysis records: parse nothing that was
parsed at ingest.

:func:`stored_analyses` reads the records the store holds for a story's articles and
sorts out those that are not current (missing: stored by an older storylens or with
``--no-analyze``; stale: a stage's version or the statement embedder changed since;
unreadable). :func:`report_from_analyses` (top level, so a report process can run it)
analyses those few articles again and compares the story from records alone;
:func:`save_analyses` writes the new records back, so the next report reads them.
:func:`stored_report` does the three in a row (``storylens show``); the web service
runs the middle one in its report processes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence

from .analysis import RECORD_FORMAT, ArticleAnalysis, analyse_articles, current_versions
from .errors import RecordError, StoreError
from .isolate import report_isolated
from .model import Article, Rejection, StoryReport
from .store import Store
from .store.analyses import analysis_rows, put_analyses

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


def report_from_analyses(
    articles: Sequence[Article], found: Mapping[str, ArticleAnalysis]
) -> tuple[StoryReport, list[Rejection], list[ArticleAnalysis]]:
    """The story's report from records: those of ``found``, and new ones for the
    articles without one (returned third, for the caller to store). An article that
    cannot be analysed, or makes the comparison fail, is left out and listed second."""
    from .compare import compare_articles

    todo = [a for a in articles if a.id not in found]
    refused: list[Rejection] = []
    fresh = list(analyse_articles(todo, on_reject=refused.append)) if todo else []
    records = {**found, **{r.article.id: r for r in fresh}}

    def compare(subset: Sequence[Article]) -> StoryReport:
        return compare_articles(subset, analyses=[records[a.id] for a in subset if a.id in records])

    report, left_out = report_isolated(articles, compare)
    return report, [*refused, *left_out], fresh


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
    found, missing = stored_analyses(store, articles)
    if missing and analysing is not None:
        analysing(len(missing))
    report, left_out, fresh = report_from_analyses(articles, found)
    try:
        save_analyses(store, fresh)
    except StoreError as exc:
        log.warning("the %d new analyses were not stored: %s", len(fresh), exc)
    return report, left_out


__all__ = ["report_from_analyses", "save_analyses", "stored_analyses", "stored_report"]
