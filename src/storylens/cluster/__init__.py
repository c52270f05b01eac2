"""Story clustering, batch and incremental, in two levels: topics and stories.

A *topic* gathers articles about the same kind of news (a series of rehab
check-ins, an airline's year); a *story* is one event within it, the unit the
comparison reports on. Near-duplicates (wire copies) join their original's story
and count as one account.

API::

    feats = featurize(articles)                 # models run here, batched
    clusterer = StoryClusterer()
    a = clusterer.add(feats[0])                 # Assignment(story, topic, new_story, merges...)
    clusterer.resolve(old_story_id)             # current id after merges
    clusterer.merges                            # [Merge(level, into, absorbed, article, score, reason)]
    state = to_state(clusterer)                 # plain data for a store
    clusterer = from_state(state)               # ANN and LSH indexes rebuilt from stored data

    cluster_articles(articles) -> [(article id, story id)]   # batch, in the order given
    cluster_features(features_of(a) for a in articles)      # the same; features made anywhere

Story ids (``"s-"`` + a hash of the first article's id) never change as a story
grows; when two stories turn out to be one, the older id absorbs the newer and
the merge is logged, so an id a user has seen still resolves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from ..ids import stable_id
from ..model import Article
from .clusterer import Assignment, Merge, StoryClusterer, StoryState
from .features import ArticleFeatures, features_of, featurize
from .index import VectorIndex
from .state import from_state, to_state

# Articles featurised together (progress is reported per batch); an article's
# features depend on it alone, so the batch size does not change any result.
FEATURE_BATCH = 64

__all__ = [
    "FEATURE_BATCH",
    "ArticleFeatures",
    "Assignment",
    "Merge",
    "StoryClusterer",
    "StoryState",
    "VectorIndex",
    "cluster_articles",
    "cluster_features",
    "cluster_levels",
    "features_of",
    "featurize",
    "from_state",
    "stable_id",
    "to_state",
]


def cluster_levels(
    articles: Sequence[Article],
    *,
    progress: Callable[[int], None] | None = None,
    timer: Callable[[str, float], None] | None = None,
) -> tuple[StoryClusterer, list[tuple[str, str, str]]]:
    """Cluster ``articles`` in the order given: (clusterer, [(id, story, topic)])."""
    clusterer = StoryClusterer()
    batch = FEATURE_BATCH
    for start in range(0, len(articles), batch):
        for feats in featurize(articles[start : start + batch], timer=timer):
            clusterer.add(feats)
        if progress is not None:
            progress(min(start + batch, len(articles)))
    return clusterer, clusterer.assignments()


def cluster_features(
    features: Iterable[ArticleFeatures],
) -> tuple[StoryClusterer, list[tuple[str, str, str]]]:
    """Cluster articles' features (:func:`features_of`, made in any process) in the
    order given: the same as :func:`cluster_levels` over the articles."""
    clusterer = StoryClusterer()
    for feats in features:
        clusterer.add(feats)
    return clusterer, clusterer.assignments()


def cluster_articles(articles: Sequence[Article]) -> list[tuple[str, str]]:
    """(article id, story id) for every article, fed to the clusterer in the order given."""
    _, rows = cluster_levels(articles)
    return [(article_id, story) for article_id, story, _ in rows]
