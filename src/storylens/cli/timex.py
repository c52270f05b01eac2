"""``storylens timex``: every date, time, duration and frequency, resolved."""

from __future__ import annotations

from datetime import date
from functools import partial

import click

from ..extract.timex import Timex, article_timexes, parse_published
from ..model import Article
from ._common import INPUTS, JOBS, PROGRESS, Batch, echo_jsonl, echo_table, with_progress


def _date_option(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    parsed = parse_published(value)
    if parsed is None:
        raise click.BadParameter(
            f"{value!r} is not a date: write it as YYYY-MM-DD, e.g. 2014-03-25"
        )
    return parsed


@click.command()
@INPUTS
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "table"]),
    default="jsonl",
    show_default=True,
    help="jsonl: one JSON object per expression (offsets into the original text); table: for reading.",
)
@click.option(
    "--published",
    metavar="YYYY-MM-DD",
    callback=_date_option,
    help="Resolve against this date the inputs that carry no publication date "
    "(plain text and HTML files); without one, 'Tuesday' stays XXXX-WXX-2.",
)
@PROGRESS
@JOBS
@click.pass_context
def timex(
    ctx: click.Context,
    inputs: tuple[str, ...],
    fmt: str,
    published: date | None,
    progress: bool | None,
    jobs: int | None,
) -> None:
    """Print every time expression in INPUT... with its TimeML type and resolved value.

    Types: DATE, TIME, DURATION, SET. Values are TIMEX3, resolved against each article's
    publication date: "Tuesday" in an article of 2014-03-25 is 2014-03-25, "last year"
    2013, "the past three months" P3M, "now" PRESENT_REF. Offsets index the original text.
    """
    batch = Batch(inputs)
    rows = []
    tagged = batch.outcomes(partial(_tagged, published=published), jobs, "time tagging")
    for article_id, found in with_progress(tagged, progress, "timex"):
        for t in found:
            if fmt == "jsonl":
                echo_jsonl([{"id": article_id, "start": t.start, "end": t.end, "text": t.text,
                             "type": t.type, "value": t.value}])  # fmt: skip
            else:
                rows.append([article_id, f"{t.start}-{t.end}", t.type, t.value, t.text])
    if fmt == "table":
        echo_table(rows, ["article", "offsets", "type", "value", "text"], [16, 11, 8, 18, 40])
    ctx.exit(batch.exit_code())


def _tagged(article: Article, published: date | None) -> tuple[str, list[Timex]]:
    """An article's id and time expressions (module level: ``--jobs`` workers run it)."""
    return article.id, article_timexes(article, published)


def register(group: click.Group) -> None:
    group.add_command(timex)
