"""``storylens cluster``: group articles into stories, without a store."""

from __future__ import annotations

import click

from ..cluster import ArticleFeatures, featurize
from ..isolate import cluster_isolated
from ..model import Article
from ._common import INPUTS, JOBS, OUTPUT, PROGRESS, Batch, TableOutput, echo_table, with_progress

# Articles a worker featurises together: spaCy's NER runs them as one batch, the embedder
# each text alone, so every row is what it is one article at a time (the command's output
# on ECB+ is byte-identical to featurising one at a time; tests/test_parallel.py checks
# the stories). The size is ingest's PREPARE_CHUNK, measured there by
# `python benchmarks/prepare_chunk.py` (-7.6% CPU an article in chunks of 32).
FEATURE_CHUNK = 32


@click.command()
@INPUTS
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "table", "csv", "parquet"]),
    default="jsonl",
    show_default=True,
    help='jsonl: {"id", "story", "topic", "duplicate_of"} per article; table: for reading; '
    "csv / parquet: the same fields as columns.",
)
@click.option(
    "--level",
    type=click.Choice(["story", "topic"]),
    default="story",
    show_default=True,
    help="What the jsonl 'story' field holds: the event (story) or the wider topic.",
)
@OUTPUT
@PROGRESS
@JOBS
@click.pass_context
def cluster(
    ctx: click.Context,
    inputs: tuple[str, ...],
    fmt: str,
    level: str,
    output: str | None,
    progress: bool | None,
    jobs: int | None,
) -> None:
    """Group the articles in INPUT... into stories, in the order read.

    Each article joins an existing story or starts one; wire copies join their
    original and are marked duplicate_of. Stories sit inside topics (the same
    kind of news); --level topic prints the topic as the 'story' field. Each
    article's features (its entities and vectors) are found on --jobs cores;
    the articles then join stories one by one, in the order read.
    """
    out = TableOutput("cluster", fmt, output) if fmt != "table" else None
    batch = Batch(inputs)
    found = batch.batch_outcomes(
        _located_features, jobs, "finding the article's features", FEATURE_CHUNK
    )
    clusterer, rows, failed = cluster_isolated(with_progress(found, progress, "features"))
    for rejection in failed:
        batch.reject(rejection)
    if out is not None:
        with out:
            for article_id, story, topic in rows:
                out.add(
                    {
                        "id": article_id,
                        "story": topic if level == "topic" else story,
                        "topic": topic,
                        "duplicate_of": clusterer.dedup.duplicate_of(article_id),
                    }
                )
    else:
        table = [
            [article_id, story, topic, clusterer.dedup.duplicate_of(article_id) or ""]
            for article_id, story, topic in rows
        ]
        echo_table(table, ["article", "story", "topic", "duplicate of"], [24, 16, 16, 24])
    ctx.exit(batch.exit_code())


def _located_features(articles: list[Article]) -> list[tuple[str, ArticleFeatures]]:
    """Where each article came from, and its features (module level: ``--jobs`` workers
    run it on a chunk of articles at a time)."""
    found = featurize(articles)
    return [(a.origin or a.id, f) for a, f in zip(articles, found, strict=True)]


def register(group: click.Group) -> None:
    group.add_command(cluster)
