"""Idempotent, crash-safe ingest: read, analyse, cluster and store, article by article.

The pipelines run here; the store (:mod:`storylens.store`) only keeps the rows.
``ingest(store, items)`` runs, for each window of :data:`WINDOW` inputs:

1. rejections are recorded (once per origin and reason), and every article passes
   :func:`storylens.ingest.clean.check_article` (storable text, the size limit);
2. each article is looked up by id and by content hash: already stored (same id
   and text, or the same text under another id) counts as a duplicate and is
   skipped; the same id with a different text is rejected (``id_conflict``);
3. the new articles' features are computed in one batch (:func:`storylens.cluster.featurize`);
4. new articles are analysed into their records (:mod:`storylens.analysis`:
   normalisation, spaCy, sentences, quotes, sources, entities, time expressions,
   statements and their vectors) unless ``analyze=False``; stored articles without
   a current record (ingested with ``analyze=False``, or before a stage's version
   was bumped) are analysed too, and only their records are written;
5. each new article is filed with the clusterer (:func:`file_article`) and
   written, with its record and story, in its own transaction.

With ``jobs`` > 1, steps 3 and 4 run on worker processes, a chunk of
:data:`PREPARE_CHUNK` new articles at a time (:func:`prepare_articles`, the same
batched functions); the parent admits, files and writes, in input order.

An article that fails in any stage (featurising, analysis, a write the store refuses
for that article alone) is recorded as a rejection with its reason and the run goes
on; only a failure of the store itself (:class:`StoreError`: another writer, the
database gone) stops it.

A process killed at any point leaves whole articles only; the next run restores
the clusterer from the store and goes on where it stopped, filing every article
exactly as an uninterrupted run would (an article's features depend on that
article alone: :mod:`storylens.embedding`).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from typing import Any, Protocol

from .analysis import RECORD_FORMAT, ArticleAnalysis, current_versions
from .errors import MissingDependency, ModelError, StoreError, VectorSpaceError
from .ingest.clean import checked
from .model import Article, Rejection
from .parallel import capped_threads, iter_batch_outcomes
from .store import Store, content_hash
from .store.analyses import analysis_row, put_analyses, stale_analyses
from .store.rows import features_row, story_row
from .store.store import now

# Failures of the run, not of one article: the store itself, vectors of another embedder
# than the store's, a missing model or package. They stop the run (a rerun resumes);
# anything else one article raises makes that article a rejection.
NOT_THE_ARTICLE = (StoreError, VectorSpaceError, ModelError, MissingDependency)

# Inputs read, featurised and filed together (the batch size of
# storylens.cluster.cluster_levels); the features do not depend on it.
WINDOW = 64
# Articles a --jobs worker prepares together (prepare_articles): spaCy's nlp.pipe and the
# embedder's length-sorted batches pay only over several articles. CPU s per article of
# prepare_articles at one thread on the first 64 ECB+ articles, by chunk: 1 0.668,
# 8 0.646, 16 0.633, 32 0.617 (-7.6%; `python benchmarks/prepare_chunk.py --limit 64
# --sizes 1,8,16,32`, benchmarks/results/prepare_chunk.md, a busy machine: the two runs
# of a size differ by up to 2.5 s of 40). The end of a run does not wait on a whole
# chunk: storylens.parallel cuts the last ones smaller.
PREPARE_CHUNK = 32
TITLE_CHARS = 100

Timer = Callable[[str, float], None]
Rejecter = Callable[[Rejection], None]
log = logging.getLogger(__name__)


class Clusterer(Protocol):
    """What ingest needs of an incremental clusterer (:class:`storylens.cluster.StoryClusterer`)."""

    @property
    def stories(self) -> Mapping[str, Any]: ...

    @property
    def story_of(self) -> Sequence[str]: ...

    @property
    def topic_of(self) -> Sequence[str]: ...

    def __len__(self) -> int: ...

    def add(self, features: Any) -> Any: ...

    def resolve(self, story_id: str) -> str: ...


Featurizer = Callable[..., list[Any]]


@dataclass
class IngestCounts:
    """What one ingest run did."""

    new: int = 0
    duplicate: int = 0
    rejected: int = 0
    analyzed: int = 0  # stored articles analysed again (no record, or a stale one)
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def seen(self) -> int:
        return self.new + self.duplicate + self.rejected

    def to_dict(self) -> dict[str, int]:
        return {"new": self.new, "duplicate": self.duplicate, "rejected": self.rejected}


def restore_clusterer(store: Store) -> Clusterer:
    """The real clusterer, as it stood after the last article the store holds."""
    from .cluster import from_state

    return from_state(store.cluster_state())


def story_title(article: Article) -> str:
    if article.title and article.title.strip():
        return " ".join(article.title.split())
    first = next((line.strip() for line in article.text.splitlines() if line.strip()), "")
    first = " ".join(first.split())
    return first if len(first) <= TITLE_CHARS else first[:TITLE_CHARS].rsplit(" ", 1)[0] + "…"


def file_article(
    store: Store,
    clusterer: Clusterer,
    article: Article,
    features: Any,
    normalized_text: str,
    record: ArticleAnalysis | None,
) -> Any:
    """Add one article to the clusterer and write everything about it in one transaction.

    If the write fails the clusterer is ahead of the store: the caller must stop
    (a later run restores the clusterer from the store).
    """
    assignment = clusterer.add(features)
    seq = len(clusterer) - 1
    at = now()
    story = clusterer.resolve(assignment.story)
    story_merges = [m for m in assignment.merges if m.level == "story"]
    touched = {story} | {clusterer.resolve(m.into) for m in story_merges}
    title = story_title(article)
    stories = [story_row(clusterer.stories[s], title, at) for s in sorted(touched)]
    history = []
    if assignment.new_story:
        history.append(_event("created", "story", assignment.story, None, article.id, None, "", at))
    if assignment.new_topic:
        history.append(_event("created", "topic", assignment.topic, None, article.id, None, "", at))
    for m in assignment.merges:
        history.append(
            _event("merged", m.level, m.into, m.absorbed, m.article, m.score, m.reason, at)
        )
    store.file_article(
        {
            "article": {
                "id": article.id,
                "seq": seq,
                "content_hash": content_hash(article.text),
                "outlet": article.outlet,
                "url": article.url,
                "title": article.title,
                "published": article.published,
                "language": article.language or getattr(features, "language", None),
                "origin": article.origin,
                "text": article.text,
                "normalized_text": normalized_text,
                "ingested_at": at,
            },
            "analysis": None if record is None else record_row(record),
            "features": features_row(features),
            "stories": stories,
            "member": {
                "article_id": article.id,
                "story_id": story,
                "arrival_story": clusterer.story_of[seq],
                "arrival_topic": clusterer.topic_of[seq],
                "seq": seq,
                "score": float(assignment.score),
                "duplicate_of": assignment.duplicate_of,
                "added_at": at,
            },
            "merged": [(m.absorbed, clusterer.resolve(m.into)) for m in story_merges],
            "history": history,
        }
    )
    return assignment


def _event(
    event: str,
    level: str,
    story: str,
    other: str | None,
    article: str,
    score: float | None,
    reason: str,
    at: str,
) -> dict[str, Any]:
    return {
        "event": event,
        "level": level,
        "story_id": story,
        "other_id": other,
        "article_id": article,
        "score": score,
        "reason": reason,
        "at": at,
    }


def _windows(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _timed(items: Iterable[Any], stage: str, timer: Timer | None) -> Iterator[Any]:
    """Yield from ``items``, charging the time spent producing each to ``stage``."""
    it = iter(items)
    while True:
        clock = time.perf_counter()
        try:
            item = next(it)
        except StopIteration:
            return
        finally:
            if timer is not None:
                timer(stage, time.perf_counter() - clock)
        yield item


def record_row(record: ArticleAnalysis) -> dict[str, Any]:
    """The article_analyses row of a record."""
    payload, vectors = record.to_payload()
    return analysis_row(record.article.id, record.format, record.versions, payload, vectors)


def _analyses(
    articles: Sequence[Article], analyze: bool, timer: Timer | None, reject: Rejecter
) -> Iterator[tuple[Article, str, ArticleAnalysis | None]]:
    """(article, normalised text, record) for each article that could be analysed, in
    order (no record with ``analyze=False``); the others go to ``reject``."""
    if not analyze:
        from .normalize import normalize

        for article in articles:
            clock = time.perf_counter()
            try:
                norm = normalize(article.text)
            except Exception as exc:  # a normaliser bug on one article must not stop the run
                reject(_failed(article, "normalising", exc))
                continue
            if timer is not None:
                timer("normalize", time.perf_counter() - clock)
            yield article, norm.text, None
        return
    from .analysis import record_of
    from .pipeline import analyze as run_analysis

    for result in run_analysis(articles, on_reject=reject, timer=timer):
        try:
            record = record_of(result, timer)
        except NOT_THE_ARTICLE:
            raise
        except Exception as exc:  # a statement or embedding bug on one article
            reject(_failed(result.article, "making the analysis record", exc))
            continue
        yield result.article, result.norm.text, record


def _failed(article: Article, stage: str, exc: BaseException) -> Rejection:
    log.warning("article %s: %s failed", article.id, stage, exc_info=exc)
    return Rejection(
        article.origin or article.id,
        "analysis",
        f"{stage} failed ({type(exc).__name__}: {exc}); the rest of the batch went on",
    )


def _backfill(
    store: Store, stored: Sequence[Article], timer: Timer | None, reject: Rejecter
) -> int:
    """Analyse stored articles without a current record; return how many."""
    stale = stale_analyses(store, [a.id for a in stored], RECORD_FORMAT, current_versions())
    todo = [a for a in stored if a.id in stale]
    done = 0
    for _, _, record in _analyses(todo, True, timer, reject):
        if record is not None:
            put_analyses(store, [record_row(record)])
            done += 1
    return done


def _features(
    featurizer: Featurizer, batch: list[Article], timer: Timer | None, reject: Rejecter
) -> dict[str, Any]:
    """Clustering features of ``batch`` by id, computed together; when that fails, the
    articles that fail alone are rejected and the rest computed together again."""
    try:
        return {f.id: f for f in featurizer(batch, timer=timer)}
    except NOT_THE_ARTICLE:
        raise
    except Exception as exc:
        log.warning("featurising %d articles failed (%s); finding which", len(batch), exc)
    good = []
    for article in batch:
        try:
            featurizer([article])
        except NOT_THE_ARTICLE:
            raise
        except Exception as exc:
            reject(_failed(article, "featurising for clustering", exc))
        else:
            good.append(article)
    return {f.id: f for f in featurizer(good, timer=timer)} if good else {}


def _admit(
    store: Store,
    chunk: list[Article | Rejection],
    pending: set[str],
    reject: Rejecter,
    counts: IngestCounts,
    progress: Callable[[IngestCounts], None] | None,
) -> tuple[list[Article], list[Article]]:
    """Steps 1 and 2 for one window: (the articles to analyse and file, the ones stored
    by an earlier, interrupted run, whose records may need making again), in order."""
    arts: list[Article] = []
    for item in chunk:
        item = checked(item)
        if isinstance(item, Rejection):
            reject(item)
        else:
            arts.append(item)
    hashes = {a.id: content_hash(a.text) for a in arts}
    by_id, by_hash = store.lookup(list(hashes), list(hashes.values()))
    new: list[Article] = []
    again: list[Article] = []
    for a in arts:
        h = hashes[a.id]
        if a.id in by_id and by_id[a.id] != h:
            reject(
                Rejection(
                    a.origin,
                    "id_conflict",
                    f"the store already holds a different article with id {a.id!r}; "
                    "give this one another id",
                )
            )
            continue
        if a.id in by_id:
            again.append(a)
        elif h not in by_hash and h not in pending:
            pending.add(h)
            new.append(a)
            continue
        counts.duplicate += 1
        if progress is not None:
            progress(counts)
    return new, again


@dataclass(frozen=True)
class Prepared:
    """What a ``--jobs`` worker makes of one new article: all but the filing."""

    article: Article
    features: Any
    normalized_text: str
    record: ArticleAnalysis | None


def prepare_article(article: Article, analyze: bool = True) -> Prepared:
    """The clustering features, normalised text and (with ``analyze``) analysis record of
    one article: module level, so :func:`storylens.parallel.iter_outcomes` can send it to
    a worker. Each part depends on the article alone, so the result is what the batched
    path makes."""
    from .cluster import features_of

    features = features_of(article)
    if not analyze:
        from .normalize import normalize

        return Prepared(article, features, normalize(article.text).text, None)
    from .analysis import analysed_with_text

    record, normalized = analysed_with_text(article)
    return Prepared(article, features, normalized, record)


def prepare_articles(
    articles: Sequence[Article], analyze: bool = True
) -> list[Prepared | Rejection]:
    """:func:`prepare_article` of each of ``articles``, in order, made as ``--jobs 1`` makes
    them: the features in one batch, the records in one pass of the pipeline. An article
    that fails a stage gets its Rejection in its place and the rest go on (featurising
    falls back to each article alone). Module level, so
    :func:`storylens.parallel.iter_batch_outcomes` can send it to a worker."""
    from .cluster import featurize

    batch = list(articles)
    refused: list[Rejection] = []
    features = _features(featurize, batch, None, refused.append)
    made: list[Prepared] = [
        Prepared(article, features[article.id], normalized, record)
        for article, normalized, record in _analyses(
            [a for a in batch if a.id in features], analyze, None, refused.append
        )
    ]
    return _in_place(batch, made, refused)


def _same(made: Article, given: Article) -> bool:
    return (made.id, made.origin) == (given.id, given.origin)


def _in_place(
    batch: list[Article], made: list[Prepared], refused: list[Rejection]
) -> list[Prepared | Rejection]:
    """One outcome per article of ``batch``: ``made`` (an ordered subsequence of it) where
    there is one, else the article's rejection (found by its origin), else a rejection
    saying that nothing came back, so no article is lost without a word."""
    out: list[Prepared | Rejection] = []
    done = iter(made)
    following = next(done, None)
    for article in batch:
        if following is not None and _same(following.article, article):
            out.append(following)
            following = next(done, None)
            continue
        origin = article.origin or article.id
        mine = next((r for r in refused if r.origin == origin), None)
        if mine is None:
            mine = Rejection(origin, "analysis", "the analysis gave no result for this article")
        else:
            refused.remove(mine)
        out.append(mine)
    for extra in refused:  # more than one rejection for an article: keep them in the log
        log.warning("%s: also rejected: %s: %s", extra.origin, extra.reason, extra.detail)
    return out


def ingest(
    store: Store,
    items: Iterable[Article | Rejection],
    *,
    analyze: bool = True,
    progress: Callable[[IngestCounts], None] | None = None,
    timer: Timer | None = None,
    featurizer: Featurizer | None = None,
    clusterer: Clusterer | None = None,
    window: int = WINDOW,
    jobs: int | None = None,
) -> IngestCounts:
    """Store every new article in ``items`` with its analysis record and story; see the
    module doc. ``jobs`` > 1 makes the features and records in that many worker
    processes (:mod:`storylens.parallel`), ``jobs=1`` in this process on one core, and
    None in this process with the models' own threads; the store ends the same."""
    if featurizer is None:
        from .cluster import featurize

        featurizer = featurize
    if clusterer is None:
        clock = time.perf_counter()
        clusterer = restore_clusterer(store)
        if timer is not None:
            timer("restore", time.perf_counter() - clock)
    counts = IngestCounts()

    def reject(rejection: Rejection) -> None:
        store.add_rejection(rejection)
        counts.rejected += 1
        counts.rejections.append(rejection)
        if progress is not None:
            progress(counts)

    active: Clusterer = clusterer

    def file(article: Article, features: Any, normalized: str, record: Any) -> None:
        nonlocal active
        clock = time.perf_counter()
        try:
            file_article(store, active, article, features, normalized, record)
        except NOT_THE_ARTICLE:
            raise  # another writer, the store failing, another embedder: a rerun resumes
        except Exception as exc:
            # the clusterer took the article but the store did not: restore the
            # clusterer from the store, so the next article files as if this one never came
            reject(_failed(article, "storing", exc))
            active = restore_clusterer(store)
            return
        if timer is not None:
            timer("cluster+store", time.perf_counter() - clock)
        counts.new += 1
        if progress is not None:
            progress(counts)

    def admitted(chunk: list[Article | Rejection], pending: set[str]) -> list[Article]:
        """The new articles of one window (the others counted, rejected or backfilled)."""
        new, again = _admit(store, chunk, pending, reject, counts, progress)
        if analyze and again:
            counts.analyzed += _backfill(store, again, timer, reject)
        return new

    if jobs is not None and jobs > 1:
        # One pool for the whole run: the parent admits and files, the workers make
        # features and records. Admission reads ahead of the filing, so duplicates
        # within the run are caught by one set of every hash sent to the workers.
        pending: set[str] = set()
        stream = (a for chunk in _windows(items, window) for a in admitted(chunk, pending))
        work = partial(prepare_articles, analyze=analyze)
        clock = time.perf_counter()
        outcomes = iter_batch_outcomes(
            work, stream, jobs=jobs, step="the analysis", chunk=PREPARE_CHUNK
        )
        for done in outcomes:
            if timer is not None:
                timer("workers", time.perf_counter() - clock)
            if isinstance(done, Rejection):
                reject(done)
            else:
                file(done.article, done.features, done.normalized_text, done.record)
            clock = time.perf_counter()
        return counts

    with capped_threads(jobs) if jobs is not None else contextlib.nullcontext():
        for chunk in _windows(items, window):
            new = admitted(chunk, set())
            if not new:
                continue
            features = _features(featurizer, new, timer, reject)
            for article, normalized, record in _analyses(
                [a for a in new if a.id in features], analyze, timer, reject
            ):
                file(article, features[article.id], normalized, record)
    return counts


__all__ = [
    "PREPARE_CHUNK",
    "WINDOW",
    "Clusterer",
    "IngestCounts",
    "file_article",
    "ingest",
    "prepare_article",
    "prepare_articles",
    "record_row",
    "restore_clusterer",
    "story_title",
]
