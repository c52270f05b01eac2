"""``storylens spark analyze|cluster|compare``: the commands over a Spark cluster."""

from __future__ import annotations

import click

from ._common import INPUTS

MASTER = click.option(
    "--master",
    default="local[*]",
    show_default=True,
    metavar="URL",
    help="The Spark master: local[N] (N cores of this machine), spark://HOST:PORT, yarn, k8s://...",
)
OUTPUT_DIR = click.option(
    "-o",
    "--output",
    required=True,
    metavar="DIR",
    help="Folder for the Parquet outputs (records/, clusters/, reports/); a local path or "
    "any filesystem Spark writes (hdfs://...).",
)


@click.group("spark")
def spark_group() -> None:
    """Analyse, cluster and compare a corpus with Apache Spark (pip install 'storylens[spark]').

    INPUT... are JSONL or Parquet files (or folders of them). Each step also runs the
    steps before it; every output is written whole or not at all, and a rerun over the
    same inputs reuses the records a finished analysis wrote.
    """


def _run(ctx: click.Context, step: str, inputs: tuple[str, ...], output: str, master: str) -> None:
    from ..spark import run, start_session

    spark = start_session(master)
    try:
        summary = run(spark, step, inputs, output, note=lambda m: click.echo(m, err=True))
    finally:
        spark.stop()
    reused = " (reused from a previous run)" if summary.reused else ""
    click.echo(
        f"{summary.articles} article(s) analysed{reused}, {summary.rejected} input(s) rejected"
        + (f", {summary.stories} stories" if step != "analyze" else ""),
        err=True,
    )
    for name, path in summary.outputs.items():
        click.echo(f"{name} written to {path}", err=True)
    ctx.exit(1 if summary.rejected else 0)


@spark_group.command("analyze")
@INPUTS
@OUTPUT_DIR
@MASTER
@click.pass_context
def analyze(ctx: click.Context, inputs: tuple[str, ...], output: str, master: str) -> None:
    """Analyse each article of INPUT... once: DIR/records, one row per input record
    (the analysis record as JSON, the clustering features; a reason where rejected)."""
    _run(ctx, "analyze", inputs, output, master)


@spark_group.command("cluster")
@INPUTS
@OUTPUT_DIR
@MASTER
@click.pass_context
def cluster(ctx: click.Context, inputs: tuple[str, ...], output: str, master: str) -> None:
    """Group the articles of INPUT... into stories: DIR/clusters, one row
    {id, story, topic, duplicate_of} per article, as `storylens cluster` prints them.

    The analysis runs on the executors; the clusterer runs on the driver, over every
    article's features in input order (its memory grows with the corpus).
    """
    _run(ctx, "cluster", inputs, output, master)


@spark_group.command("compare")
@INPUTS
@OUTPUT_DIR
@MASTER
@click.pass_context
def compare(ctx: click.Context, inputs: tuple[str, ...], output: str, master: str) -> None:
    """Compare each story of INPUT... claim by claim: DIR/reports, one row per story
    with its report as `storylens compare --format json` writes it (the clusters too)."""
    _run(ctx, "compare", inputs, output, master)


def register(group: click.Group) -> None:
    group.add_command(spark_group)
