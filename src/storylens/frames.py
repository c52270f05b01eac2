"""The per-article and per-story steps as pandas frames in, pandas frames out.

A cluster engine (Spark's ``mapInPandas`` and ``applyInPandas``; Dask's
``map_partitions``; Ray Data's ``map_batches``) calls these module-level functions on
batches of rows; nothing here imports an engine. ``storylens spark`` (:mod:`storylens.spark`)
runs them:

1. :func:`analyze_batch`: input rows (:data:`INPUT_COLUMNS`: a position, an origin and
   one JSONL record each) become record rows (:data:`RECORD_COLUMNS`): the article, its
   analysis record (:meth:`storylens.analysis.ArticleAnalysis.to_dict`), its clustering
   features and its MinHash bands, or the rejection that says why there is none. Each
   article is read and analysed by the functions the single-machine commands use
   (:func:`storylens.ingest.readers.article_from_line`,
   :func:`storylens.ingestion.prepare_article`), one article at a time, so a row depends
   on its article alone, never on the batch;
2. :func:`band_pairs`: the articles that share one MinHash band (a group), paired with
   the earlier ones whose signatures reach :data:`storylens.dedup.DUPLICATE_JACCARD`;
   :func:`resolve_duplicates` turns all such pairs, in input order, into each reprint's
   original, as :class:`storylens.dedup.DuplicateIndex` decides it one article at a time;
3. the clusterer (:class:`storylens.cluster.StoryClusterer`) files the articles in input
   order from :func:`features_of_row`, with :class:`FoundDuplicates` in place of its own
   near-duplicate index: a sequential step, run by the caller on one machine;
4. :func:`compare_batch`: one story's record rows become its report
   (:func:`storylens.compare.compare_articles` from the records, no parse), as one row
   of :data:`REPORT_COLUMNS`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import MissingDependency
from .model import Article, Rejection

if TYPE_CHECKING:
    import pandas as pd

    from .cluster import ArticleFeatures

PANDAS_INSTALL = "pip install 'storylens[spark]'"
# (name, Arrow/Spark type) of each column; Spark's schemas are made from these.
INPUT_COLUMNS = (("order", "long"), ("origin", "string"), ("raw", "binary"))
RECORD_COLUMNS = (
    ("order", "long"),  # the input position: clustering and each story follow it
    ("origin", "string"),
    ("id", "string"),  # null for a rejected input
    ("reason", "string"),  # why it was rejected (null when not)
    ("detail", "string"),
    ("article", "string"),  # the Article as JSON (its original text included)
    ("record", "string"),  # ArticleAnalysis.to_dict() as JSON
    ("vector", "binary"),  # the clustering features: the lead's float32 unit vector
    ("space", "string"),
    ("embedder", "string"),
    ("language", "string"),
    ("terms", "string"),  # JSON {term: count}
    ("entities", "string"),  # JSON {name: count}
    ("years", "string"),  # JSON [year, ...]
    ("day", "string"),  # the published day, ISO, or null
    ("signature", "binary"),  # MinHash values, uint64 little-endian; null when too short
    ("bands", "array<binary>"),  # one key per LSH band (band number + its values)
)
PAIR_COLUMNS = (
    ("order", "long"),
    ("id", "string"),
    ("earlier_order", "long"),
    ("earlier_id", "string"),
)
REPORT_COLUMNS = (
    ("story", "string"),
    ("articles", "long"),
    ("report", "string"),  # the story as `storylens compare --format json` writes it
    ("rejected", "string"),  # JSON list of the articles the comparison left out
)


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as exc:  # pragma: no cover - pandas comes with the spark extra
        raise MissingDependency(
            f"pandas is needed here; install it with: {PANDAS_INSTALL}"
        ) from exc
    return pandas


def _frame(rows: list[dict[str, Any]], columns: Sequence[tuple[str, str]]) -> pd.DataFrame:
    names = [name for name, _ in columns]
    # object columns: pandas 3's Arrow-backed strings reach the engines' Arrow conversion
    # as chunked arrays, which PySpark 4.3 cannot take
    # (and every cell given: a missing one would be NaN, not null)
    full = [[row.get(name) for name in names] for row in rows]
    return _pandas().DataFrame(full, columns=names, dtype=object)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# --------------------------------------------------------------------------- 1. analysis


def analyze_batch(frame: pd.DataFrame) -> pd.DataFrame:
    """Record rows (:data:`RECORD_COLUMNS`) for a frame of input rows (:data:`INPUT_COLUMNS`).

    A blank record gives no row (as a blank JSONL line gives no article); an input the
    reader refuses, or an article the analysis fails on, gives a row with ``reason``
    and ``detail`` and nothing else. The models run at one thread: the engine gives
    each task one core.
    """
    from .ingest.readers import article_from_line
    from .ingestion import prepare_article
    from .parallel import capped_threads, outcome

    rows: list[dict[str, Any]] = []
    with capped_threads(1):
        for order, origin, raw in zip(frame["order"], frame["origin"], frame["raw"], strict=True):
            data = raw if isinstance(raw, bytes) else str(raw).encode("utf-8")
            item = article_from_line(data, str(origin))
            if item is None:
                continue
            done: Any = item
            if isinstance(item, Article):
                done = outcome(prepare_article, item, "the analysis")
            rows.append(_record_row(int(order), str(origin), done))
    return _frame(rows, RECORD_COLUMNS)


def _record_row(order: int, origin: str, item: Any) -> dict[str, Any]:
    if isinstance(item, Rejection):
        return {"order": order, "origin": item.origin, "reason": item.reason, "detail": item.detail}
    article, features, record = item.article, item.features, item.record
    signature = features.signature
    has_signature = signature is not None and len(signature) > 0
    return {
        "order": order,
        "origin": origin,
        "id": article.id,
        "article": _dumps(asdict(article)),
        "record": _dumps(record.to_dict()),
        "vector": np.asarray(features.vector, dtype="<f4").tobytes(),
        "space": features.space,
        "embedder": features.embedder,
        "language": features.language,
        "terms": _dumps(dict(features.terms)),
        "entities": _dumps(dict(features.entities)),
        "years": _dumps(sorted(features.years)),
        "day": features.published.isoformat() if features.published else None,
        "signature": np.asarray(signature, dtype="<u8").tobytes() if has_signature else None,
        "bands": band_keys(np.asarray(signature, dtype=np.uint64)) if has_signature else [],
    }


def article_of_row(row: Mapping[str, Any]) -> Article:
    """The :class:`Article` of a record row."""
    return Article(**json.loads(row["article"]))


def features_of_row(row: Mapping[str, Any]) -> ArticleFeatures:
    """The clustering features of a record row, exactly as they were made."""
    from .cluster import ArticleFeatures

    signature = row["signature"]
    day = row["day"]
    return ArticleFeatures(
        id=row["id"],
        vector=np.frombuffer(row["vector"], dtype="<f4").astype(np.float32),
        space=row["space"],
        embedder=row["embedder"] or "",
        language=row["language"],
        terms=json.loads(row["terms"]),
        entities=json.loads(row["entities"]),
        years=frozenset(json.loads(row["years"])),
        published=dt.date.fromisoformat(day) if day else None,
        signature=None
        if signature is None
        else np.frombuffer(signature, dtype="<u8").astype(np.uint64),
    )


# --------------------------------------------------------------------------- 2. near-duplicates


@lru_cache(maxsize=1)
def band_ranges() -> tuple[tuple[int, int], ...]:
    """The LSH bands :class:`storylens.dedup.DuplicateIndex` uses: two signatures are
    compared when one band of theirs is equal."""
    from datasketch import MinHashLSH

    from .dedup import DUPLICATE_JACCARD, NUM_PERM

    lsh = MinHashLSH(threshold=DUPLICATE_JACCARD, num_perm=NUM_PERM)
    return tuple((int(a), int(b)) for a, b in lsh.hashranges)


def band_keys(signature: np.ndarray) -> list[bytes]:
    """One key per band: the band's number and its MinHash values, as bytes."""
    values = np.asarray(signature, dtype="<u8")
    return [n.to_bytes(2, "big") + values[a:b].tobytes() for n, (a, b) in enumerate(band_ranges())]


def band_pairs(frame: pd.DataFrame) -> pd.DataFrame:
    """For the articles of one band (``order``, ``id``, ``signature``): each article
    paired with every earlier one whose signature agrees on at least
    :data:`storylens.dedup.DUPLICATE_JACCARD` of its values (:data:`PAIR_COLUMNS`)."""
    from .dedup import DUPLICATE_JACCARD

    members = sorted(
        (int(o), str(i), np.frombuffer(s, dtype="<u8"))
        for o, i, s in zip(frame["order"], frame["id"], frame["signature"], strict=True)
    )
    rows = []
    for k, (order, article, sig) in enumerate(members):
        for earlier_order, earlier, other in members[:k]:
            # the float the datasketch index compares (MinHash.jaccard)
            share = np.float64(np.count_nonzero(sig == other)) / np.float64(len(sig))
            if earlier != article and share >= DUPLICATE_JACCARD:
                rows.append(
                    {
                        "order": order,
                        "id": article,
                        "earlier_order": earlier_order,
                        "earlier_id": earlier,
                    }
                )
    return _frame(rows, PAIR_COLUMNS)


def resolve_duplicates(pairs: Iterable[tuple[int, str, int, str]]) -> dict[str, str]:
    """Reprint id -> original id from :func:`band_pairs`'s pairs (``order``, ``id``,
    ``earlier_order``, ``earlier_id``), as :class:`storylens.dedup.DuplicateIndex` links
    them article by article: to the first-seen original of the earliest matching chain."""
    by_article: dict[tuple[int, str], set[tuple[int, str]]] = {}
    for order, article, earlier_order, earlier_id in pairs:
        by_article.setdefault((int(order), article), set()).add((int(earlier_order), earlier_id))
    links: dict[str, str] = {}
    position: dict[str, int] = {}
    for (order, article), candidates in sorted(by_article.items()):
        position.setdefault(article, order)
        best: tuple[int, str] | None = None
        for candidate_order, other in candidates:
            position.setdefault(other, candidate_order)
            root = links.get(other, other)
            key = (position[root], root)
            if best is None or key < best:
                best = key
        if best is not None and article not in links:
            links[article] = best[1]
    return links


class FoundDuplicates:
    """The clusterer's near-duplicate index when the links were found beforehand
    (:func:`resolve_duplicates`): it answers from them instead of comparing again."""

    def __init__(self, links: Mapping[str, str]) -> None:
        self._found = dict(links)
        self._links: dict[str, str] = {}
        self._seen: set[str] = set()

    def __len__(self) -> int:
        return len(self._seen)

    def add_signature(self, article_id: str, hashvalues: np.ndarray | None) -> str | None:
        if article_id not in self._seen:
            self._seen.add(article_id)
            original = self._found.get(article_id)
            if original is not None:
                self._links[article_id] = original
        return self._links.get(article_id)

    def restore(
        self, article_id: str, hashvalues: np.ndarray | None, duplicate_of: str | None
    ) -> None:
        self._seen.add(article_id)
        if duplicate_of is not None:
            self._links[article_id] = duplicate_of

    def duplicate_of(self, article_id: str) -> str | None:
        return self._links.get(article_id)

    def links(self) -> dict[str, str]:
        return dict(self._links)


def cluster_rows(
    rows: Iterable[Mapping[str, Any]], links: Mapping[str, str]
) -> Iterator[dict[str, Any]]:
    """``{id, story, topic, duplicate_of}`` per article, as ``storylens cluster`` prints
    them, from record rows in input order and the near-duplicate links: one clusterer,
    fed one article at a time (it keeps every article's features: run it where they fit)."""
    from .cluster import StoryClusterer

    clusterer = StoryClusterer()
    clusterer.dedup = FoundDuplicates(links)  # type: ignore[assignment]
    for row in rows:
        clusterer.add(features_of_row(row))
    for article_id, story, topic in clusterer.assignments():
        yield {
            "id": article_id,
            "story": story,
            "topic": topic,
            "duplicate_of": clusterer.dedup.duplicate_of(article_id),
        }


# --------------------------------------------------------------------------- 4. comparison


def compare_batch(frame: pd.DataFrame) -> pd.DataFrame:
    """One story's report (:data:`REPORT_COLUMNS`) from its record rows (``story``,
    ``order``, ``article``, ``record``): the comparison ``storylens compare`` runs, from
    the records; an article that makes it fail is left out and listed in ``rejected``."""
    from .analysis import ArticleAnalysis
    from .compare import compare_articles
    from .isolate import run_isolated
    from .parallel import capped_threads
    from .report.json import story_to_dict

    ordered = frame.sort_values("order", kind="stable")
    story = str(ordered["story"].iloc[0])
    pairs = []
    for article_json, record_json in zip(ordered["article"], ordered["record"], strict=True):
        article = Article(**json.loads(article_json))
        pairs.append((article, ArticleAnalysis.from_dict(json.loads(record_json), article)))

    def run(subset: Sequence[tuple[Article, Any]]) -> Any:
        return compare_articles(
            [a for a, _ in subset], analyses=[r for _, r in subset], story=story
        )

    with capped_threads(1):
        report, left_out = run_isolated(
            pairs, run, "the comparison", origin=lambda pair: pair[0].origin or pair[0].id
        )
    row = {
        "story": story,
        "articles": len(report.articles),
        "report": _dumps(story_to_dict(report)),
        "rejected": _dumps([r.to_dict() for r in left_out]),
    }
    return _frame([row], REPORT_COLUMNS)


__all__ = [
    "INPUT_COLUMNS",
    "PAIR_COLUMNS",
    "RECORD_COLUMNS",
    "REPORT_COLUMNS",
    "FoundDuplicates",
    "analyze_batch",
    "article_of_row",
    "band_keys",
    "band_pairs",
    "band_ranges",
    "cluster_rows",
    "compare_batch",
    "features_of_row",
    "resolve_duplicates",
]
