"""The functions behind ``storylens.quotes``, ``storylens.compare`` and the rest.

Each takes articles (:class:`~storylens.model.Article` objects, or a path or a list of
paths, read as the command line reads them) and returns the library's own data:

    import storylens
    articles, rejected = storylens.read(["articles.jsonl"])
    for quote in storylens.quotes(articles):
        print(quote.speaker, quote.content.text)
    report = storylens.compare(articles)
    frames = report.to_pandas()          # with pandas installed
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .model import Article, Quote, Rejection, Report, Source

log = logging.getLogger(__name__)

Inputs = str | os.PathLike[str] | Iterable[Article | str | os.PathLike[str]]


def read(
    paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
) -> tuple[list[Article], list[Rejection]]:
    """Articles and rejections from files, folders, JSONL corpora (``-`` is stdin)."""
    from .ingest import read_inputs

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    return read_inputs([os.fspath(p) for p in paths])


def articles_of(inputs: Inputs) -> tuple[list[Article], list[Rejection]]:
    """Articles given as objects pass through; paths are read (rejections logged)."""
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    articles: list[Article] = []
    paths: list[str] = []
    for item in inputs:
        if isinstance(item, Article):
            articles.append(item)
        else:
            paths.append(os.fspath(item))
    rejected: list[Rejection] = []
    if paths:
        found, rejected = read(paths)
        articles += found
        for r in rejected:
            log.warning("rejected %s: %s: %s", r.origin, r.reason, r.detail)
    return articles, rejected


def quotes(inputs: Inputs, *, direct_only: bool = False) -> list[Quote]:
    """Every quote and attribution, with offsets into each article's original text."""
    from .pipeline import analyze

    articles, _ = articles_of(inputs)
    return [q for result in analyze(articles) for q in result.quotes if q.direct or not direct_only]


def sources(inputs: Inputs) -> list[Source]:
    """Whom each article quotes or cites, with non-responses."""
    from .pipeline import analyze

    articles, _ = articles_of(inputs)
    return [s for result in analyze(articles) for s in result.sources]


@dataclass(frozen=True)
class Filed:
    """Where :func:`cluster` filed one article."""

    id: str
    story: str
    topic: str
    duplicate_of: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "story": self.story,
            "topic": self.topic,
            "duplicate_of": self.duplicate_of,
        }


def cluster(inputs: Inputs, *, level: Literal["story", "topic"] = "story") -> list[Filed]:
    """Group articles into stories (and topics), in the order given."""
    from .cluster import cluster_levels

    articles, _ = articles_of(inputs)
    clusterer, rows = cluster_levels(articles)
    return [
        Filed(aid, topic if level == "topic" else story, topic, clusterer.dedup.duplicate_of(aid))
        for aid, story, topic in rows
    ]


def compare(inputs: Inputs, *, group: bool = True) -> Report:
    """The claim-by-claim comparison: stories, facts, quotes, conflicts, sources."""
    from .compare import compare as run_compare

    articles, rejected = articles_of(inputs)
    return run_compare(articles, rejected, group=group)


__all__ = ["Filed", "articles_of", "cluster", "compare", "quotes", "read", "sources"]
