"""One bad article never takes a batch down: run a batch step, and when it fails, find
the articles that make it fail, reject them with the error, and run the rest again.

:func:`run_isolated` is the general form; :func:`compare_isolated` (the library's
:func:`storylens.compare.compare`), :func:`compare_prepared_isolated` (``storylens compare``,
its articles analysed on ``--jobs`` workers), :func:`report_isolated` (``storylens show``,
the story pages) and :func:`cluster_isolated` (``storylens cluster``) apply it. A failure costs one run of the
step per article (each alone) and one more for the rest; a run without failures costs
nothing extra. Errors storylens raises on purpose (:class:`storylens.errors.StorylensError`:
a missing model, nothing left to compare) are not an article's fault and pass through.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import ReportError, StorylensError
from .model import Article, Rejection, Report, StoryReport

if TYPE_CHECKING:
    from .cluster import ArticleFeatures

log = logging.getLogger(__name__)
R = TypeVar("R")
T = TypeVar("T")


def _rejection(origin: str, step: str, exc: BaseException) -> Rejection:
    return Rejection(
        origin,
        "analysis",
        f"{step} failed on this article ({type(exc).__name__}: {exc}); it was left out and "
        "the rest went on (please report this article to the storylens developers)",
    )


def _origin_of(article: Any) -> str:
    return str(article.origin or article.id)


def run_isolated(
    articles: Sequence[T],
    run: Callable[[Sequence[T]], R],
    step: str,
    *,
    origin: Callable[[T], str] = _origin_of,
) -> tuple[R, list[Rejection]]:
    """``run(articles)``, or, when it fails, ``run`` over the articles that do not fail alone.

    ``articles`` are articles, or anything ``origin`` names in a rejection (by default
    an article's ``origin``, else its ``id``). Raises :class:`ReportError` when no
    article is left, or when the rest still fails together (the failure then needs
    several articles at once, and is reported whole).
    """
    try:
        return run(articles), []
    except StorylensError:
        raise
    except Exception as exc:
        log.warning("%s failed on %d articles (%s); finding which", step, len(articles), exc)
        first = exc
    rejected: list[Rejection] = []
    kept: list[T] = []
    for article in articles:
        try:
            run([article])
        except StorylensError:
            raise
        except Exception as exc:
            rejected.append(_rejection(origin(article), step, exc))
        else:
            kept.append(article)
    if not kept:
        raise ReportError(
            f"{step} failed on every article ({type(first).__name__}: {first}); "
            "please report these articles to the storylens developers"
        )
    try:
        return run(kept), rejected
    except StorylensError:
        raise
    except Exception as exc:
        raise ReportError(
            f"{step} failed on these articles together though on none alone "
            f"({type(exc).__name__}: {exc}); please report them to the storylens developers"
        ) from exc


def compare_isolated(
    articles: Sequence[Article],
    rejected: Sequence[Rejection] = (),
    *,
    progress: Callable[[Article], None] | None = None,
    group: bool = True,
) -> Report:
    """:func:`storylens.compare.compare` with failing articles rejected (see the module doc).

    Articles the analysis rejects (:func:`storylens.pipeline.collect_rejections`) are
    listed in the report's ``rejected`` too, after ``rejected``.
    """
    from .compare import compare
    from .pipeline import collect_rejections

    with collect_rejections() as failed:

        def run(subset: Sequence[Article]) -> Report:
            return compare(subset, progress=progress, group=group)

        try:
            report, left_out = run_isolated(articles, run, "the comparison")
        except ReportError as exc:
            if not failed:
                raise
            raise ReportError(
                f"{exc}; {len(_unique(failed))} article(s) could not be analysed, the first "
                f"({failed[0].origin}) because {failed[0].detail}"
            ) from exc
    extra = _unique([*failed, *left_out])
    return replace(report, rejected=tuple(rejected) + tuple(extra))


def compare_prepared_isolated(
    prepared: Sequence[Any], rejected: Sequence[Rejection] = (), *, group: bool = True
) -> Report:
    """:func:`storylens.compare.compare_prepared` (articles analysed on ``--jobs``
    workers) with the articles that make the comparison fail rejected, after ``rejected``."""
    from .compare import compare_prepared

    def run(subset: Sequence[Any]) -> Report:
        return compare_prepared(subset, group=group)

    report, left_out = run_isolated(
        prepared, run, "the comparison", origin=lambda p: _origin_of(p.article)
    )
    return replace(report, rejected=tuple(rejected) + tuple(_unique(left_out)))


def report_isolated(
    articles: Sequence[Article], reporter: Callable[[Sequence[Article]], StoryReport] | None = None
) -> tuple[StoryReport, list[Rejection]]:
    """The compare report of one story's articles, and the articles left out of it."""
    from .pipeline import collect_rejections

    if reporter is None:
        from .compare import compare_articles

        reporter = compare_articles
    with collect_rejections() as failed:
        report, left_out = run_isolated(articles, reporter, "the comparison")
    return report, _unique([*failed, *left_out])


def cluster_isolated(
    features: Iterable[tuple[str, ArticleFeatures]],
) -> tuple[Any, list[tuple[str, str, str]], list[Rejection]]:
    """:func:`storylens.cluster.cluster_features` over ``(origin, features)`` pairs, in
    order, with the articles that make the clusterer fail rejected.

    Each article is clustered as it arrives, so clustering overlaps with the making of
    the next features (on ``--jobs`` workers); only when the clusterer fails does the
    whole run start again through :func:`run_isolated`.
    """
    from .cluster import StoryClusterer, cluster_features

    def run(
        subset: Sequence[tuple[str, ArticleFeatures]],
    ) -> tuple[Any, list[tuple[str, str, str]]]:
        return cluster_features(f for _, f in subset)

    seen: list[tuple[str, ArticleFeatures]] = []
    clusterer = StoryClusterer()
    stream = iter(features)
    try:
        for pair in stream:
            seen.append(pair)
            clusterer.add(pair[1])
    except StorylensError:
        raise
    except Exception as exc:
        log.warning("clustering failed (%s); finding the articles that make it fail", exc)
        seen.extend(stream)
    else:
        return clusterer, clusterer.assignments(), []
    (clusterer, rows), rejected = run_isolated(seen, run, "clustering", origin=lambda pair: pair[0])
    return clusterer, rows, rejected


def _unique(rejections: list[Rejection]) -> list[Rejection]:
    """Each article once: analysing an article again to find a failure rejects it again."""
    seen: set[tuple[str, str]] = set()
    out = []
    for r in rejections:
        if (r.origin, r.reason) not in seen:
            seen.add((r.origin, r.reason))
            out.append(r)
    return out


__all__ = [
    "cluster_isolated",
    "compare_isolated",
    "compare_prepared_isolated",
    "report_isolated",
    "run_isolated",
]
