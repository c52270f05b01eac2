"""One bad article never takes a batch down: run a batch step, and when it fails, find
the articles that make it fail, reject them with the error, and run the rest again.

:func:`run_isolated` is the general form; :func:`compare_isolated` (``storylens compare``),
:func:`report_isolated` (``storylens show``, the story pages) and
:func:`cluster_isolated` (``storylens cluster``) apply it. A failure costs one run of the
step per article (each alone) and one more for the rest; a run without failures costs
nothing extra. Errors storylens raises on purpose (:class:`storylens.errors.StorylensError`:
a missing model, nothing left to compare) are not an article's fault and pass through.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from .errors import ReportError, StorylensError
from .model import Article, Rejection, Report, StoryReport

log = logging.getLogger(__name__)
R = TypeVar("R")


def _rejection(article: Article, step: str, exc: BaseException) -> Rejection:
    return Rejection(
        article.origin or article.id,
        "analysis",
        f"{step} failed on this article ({type(exc).__name__}: {exc}); it was left out and "
        "the rest went on (please report this article to the storylens developers)",
    )


def run_isolated(
    articles: Sequence[Article], run: Callable[[Sequence[Article]], R], step: str
) -> tuple[R, list[Rejection]]:
    """``run(articles)``, or, when it fails, ``run`` over the articles that do not fail alone.

    Raises :class:`ReportError` when no article is left, or when the rest still fails
    together (the failure then needs several articles at once, and is reported whole).
    """
    try:
        return run(articles), []
    except StorylensError:
        raise
    except Exception as exc:
        log.warning("%s failed on %d articles (%s); finding which", step, len(articles), exc)
        first = exc
    rejected: list[Rejection] = []
    kept: list[Article] = []
    for article in articles:
        try:
            run([article])
        except StorylensError:
            raise
        except Exception as exc:
            rejected.append(_rejection(article, step, exc))
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
    articles: Sequence[Article], **options: Any
) -> tuple[Any, list[tuple[str, str, str]], list[Rejection]]:
    """:func:`storylens.cluster.cluster_levels` with failing articles rejected."""
    from .cluster import cluster_levels

    def run(subset: Sequence[Article]) -> tuple[Any, list[tuple[str, str, str]]]:
        return cluster_levels(subset, **options)

    (clusterer, rows), rejected = run_isolated(articles, run, "clustering")
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


__all__ = ["cluster_isolated", "compare_isolated", "report_isolated", "run_isolated"]
