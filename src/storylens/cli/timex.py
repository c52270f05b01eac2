"""``storylens timex``: every date, time, duration and frequency, resolved."""

from __future__ import annotations

from datetime import date

import click

from ..extract.timex import parse_published, tag_text
from ._common import INPUTS, PROGRESS, Batch, echo_jsonl, echo_table, with_progress


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
@click.pass_context
def timex(
    ctx: click.Context,
    inputs: tuple[str, ...],
    fmt: str,
    published: date | None,
    progress: bool | None,
) -> None:
    """Print every time expression in INPUT... with its TimeML type and resolved value.

    Types: DATE, TIME, DURATION, SET. Values are TIMEX3, resolved against each article's
    publication date: "Tuesday" in an article of 2014-03-25 is 2014-03-25, "last year"
    2013, "the past three months" P3M, "now" PRESENT_REF. Offsets index the original text.
    """
    batch = Batch(inputs)
    rows = []
    for article in with_progress(batch, progress, "timex"):
        for t in tag_text(article.text, article.published or published):
            if fmt == "jsonl":
                echo_jsonl([{"id": article.id, "start": t.start, "end": t.end, "text": t.text,
                             "type": t.type, "value": t.value}])  # fmt: skip
            else:
                rows.append([article.id, f"{t.start}-{t.end}", t.type, t.value, t.text])
    if fmt == "table":
        echo_table(rows, ["article", "offsets", "type", "value", "text"], [16, 11, 8, 18, 40])
    ctx.exit(batch.exit_code())


def register(group: click.Group) -> None:
    group.add_command(timex)
