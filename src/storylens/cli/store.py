"""``storylens ingest``, ``stories`` and ``show``: the corpus kept in a store."""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..ingest import iter_inputs
from ..model import Report
from ..report import RENDERERS
from ..store import ENV_DB, open_store
from ..store.store import now
from ._common import (
    INPUTS,
    JOBS,
    OUTPUT,
    PREPARE,
    PROGRESS,
    TableOutput,
    echo_rejection,
    echo_table,
    prepare_changed,
)

if TYPE_CHECKING:
    from ..ingestion import IngestCounts

DB = click.option(
    "--db",
    default=None,
    envvar=ENV_DB,
    help=f"SQLite file or postgresql:// URL (default: ${ENV_DB}, else storylens.db here).",
)


@click.command("ingest")
@INPUTS
@DB
@click.option(
    "--analyze/--no-analyze",
    default=True,
    show_default=True,
    help="--no-analyze stores only what clustering needs (text, normalised text, features); "
    "the articles are then analysed, and their analyses stored, the first time their story "
    "is shown.",
)
@PREPARE
@JOBS
@PROGRESS
@click.pass_context
def ingest_command(
    ctx: click.Context,
    inputs: tuple[str, ...],
    db: str | None,
    analyze: bool,
    prepare: bool,
    jobs: int | None,
    progress: bool | None,
) -> None:
    """Add the articles in INPUT... to the store and file each under its story.

    Each article is analysed once, here, and its analysis stored with it (sentences,
    quotes, sources, statements and their vectors), so `show` and the web pages
    parse nothing again. Articles already stored (same id, or the same text) are counted as
    duplicates and left alone, so running it again changes nothing; a run
    that was stopped resumes where it left off. Exits 1 when some inputs were
    rejected (each is printed on stderr and kept in the store).
    """
    from ..ingestion import ingest  # the analysis and its models: loaded for ingest only
    from ..parallel import default_jobs

    show = sys.stderr.isatty() if progress is None else progress

    def tick(counts: IngestCounts) -> None:
        click.echo(
            f"\ringest: {counts.seen} read, {counts.new} new, {counts.duplicate} duplicate, "
            f"{counts.rejected} rejected",
            err=True,
            nl=False,
        )

    with open_store(db) as store:
        started = now()
        counts = ingest(
            store,
            iter_inputs(inputs),
            analyze=analyze,
            progress=tick if show else None,
            jobs=default_jobs() if jobs is None else jobs,
        )
        if show:
            click.echo("", err=True)
        if prepare:
            counts.rejections.extend(prepare_changed(store, started, show))
    for rejection in counts.rejections:
        echo_rejection(rejection)
    click.echo(f"{counts.new} new, {counts.duplicate} duplicate, {counts.rejected} rejected")
    if counts.analyzed:
        click.echo(f"{counts.analyzed} stored article(s) analysed again", err=True)
    ctx.exit(1 if counts.rejected else 0)


@click.command()
@DB
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]),
    default=None,
    help="Only stories updated on or after this date or time (UTC), e.g. 2026-01-31.",
)
@click.option(
    "--limit", type=click.IntRange(min=1), default=None, help="At most this many stories."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "jsonl", "csv", "parquet"]),
    default="table",
    show_default=True,
    help="json: an array; jsonl, csv, parquet: one story per line or row.",
)
@OUTPUT
def stories(
    db: str | None, since: dt.datetime | None, limit: int | None, fmt: str, output: str | None
) -> None:
    """List the stories in the store, most recently updated first."""
    after = since.isoformat() if since else None
    out = TableOutput("stories", fmt, output) if fmt in ("jsonl", "csv", "parquet") else None
    with open_store(db, create=False, upgrade=True) as store:
        rows = [s.to_dict() for s in store.stories(since=after, limit=limit)]
    if out is not None:
        with out:
            for row in rows:
                out.add(row)
    elif fmt == "json":
        text = json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            click.echo(text, nl=False)
    else:
        table = [
            [r["id"], str(r["size"]), str(r["accounts"]), r["updated_at"][:19], r["title"]]
            for r in rows
        ]
        echo_table(table, ["story", "articles", "accounts", "updated", "title"], [14, 8, 8, 19, 50])


@click.command()
@click.argument("story")
@DB
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(RENDERERS)),
    default="md",
    show_default=True,
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write the report to this file instead of stdout.",
)
@click.pass_context
def show(ctx: click.Context, story: str, db: str | None, fmt: str, output: str | None) -> None:
    """The claim-by-claim comparison report for STORY (an id from `storylens stories`).

    Read from the analyses stored at ingest; articles stored without a current one
    (by an older storylens, or with --no-analyze) are analysed now and their
    analyses stored, so the next show reads them too.
    """
    from ..report import render
    from ..stored import stored_report

    def analysing(n: int) -> None:
        click.echo(
            f"analysing {n} article(s) stored without a current analysis (stored for next time)",
            err=True,
        )

    with open_store(db, create=False, upgrade=True) as store:
        current = store.story(story)
        articles = store.story_articles(current.id)
        told, left_out = stored_report(store, articles, analysing=analysing)
    report = replace(told, id=current.id, title=current.title)
    text = render(Report(stories=(report,), rejected=tuple(left_out)), fmt)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"report written to {output}", err=True)
    else:
        click.echo(text, nl=False)
    for rejection in left_out:
        echo_rejection(rejection)
    ctx.exit(1 if left_out else 0)


def register(group: click.Group) -> None:
    group.add_command(ingest_command)
    group.add_command(stories)
    group.add_command(show)
