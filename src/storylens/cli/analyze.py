"""``storylens quotes`` and ``storylens sources``: per-article extraction commands."""

from __future__ import annotations

import click

from ..pipeline import extract_article
from ._common import (
    INPUTS,
    JOBS,
    OUTPUT,
    PROGRESS,
    Batch,
    TableOutput,
    echo_table,
    with_progress,
)


@click.command()
@INPUTS
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "table", "csv", "parquet"]),
    default="jsonl",
    show_default=True,
    help="jsonl: one JSON object per quote (offsets into the original text); table: for "
    "reading; csv / parquet: one row per quote, spans as _start/_end/_text columns.",
)
@click.option("--direct-only", is_flag=True, help="Only quotes inside quotation marks.")
@OUTPUT
@PROGRESS
@JOBS
@click.pass_context
def quotes(
    ctx: click.Context,
    inputs: tuple[str, ...],
    fmt: str,
    direct_only: bool,
    output: str | None,
    progress: bool | None,
    jobs: int | None,
) -> None:
    """Print every quote and attribution in INPUT... with its speaker.

    INPUT is a text, HTML or JSONL file, a folder of them, or - for stdin. Each
    quote has its content, cue ("said") and source spans as character offsets into
    the article's original text, the speaker's canonical name within the article,
    and whether it is a direct quote.
    """
    batch = Batch(inputs)
    rows = []
    out = TableOutput("quotes", fmt, output) if fmt != "table" else None
    results = batch.outcomes(extract_article, jobs, "the analysis")
    for result in with_progress(results, progress, "quotes"):
        if result.error is not None:
            batch.extraction_failed(result.origin, result.error)
        for quote in result.quotes:
            if direct_only and not quote.direct:
                continue
            if out is not None:
                out.add(quote.to_dict())
            else:
                rows.append(
                    [
                        quote.article,
                        quote.speaker or "?",
                        "yes" if quote.direct else "no",
                        quote.content.text,
                    ]
                )
    if out is not None:
        out.close()
    else:
        echo_table(rows, ["article", "speaker", "direct", "content"], [16, 24, 6, 70])
    ctx.exit(batch.exit_code())


@click.command()
@INPUTS
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "jsonl", "csv", "parquet"]),
    default="table",
    show_default=True,
    help="table: for reading; jsonl: one JSON object per source; csv / parquet: one row "
    "per source (mentions as JSON text).",
)
@OUTPUT
@PROGRESS
@JOBS
@click.pass_context
def sources(
    ctx: click.Context,
    inputs: tuple[str, ...],
    fmt: str,
    output: str | None,
    progress: bool | None,
    jobs: int | None,
) -> None:
    """List whom each article in INPUT... quotes or cites, and who did not respond.

    Kinds: person, organisation, outlet, document, anonymous; with the role or title
    the article gives ("White House deputy press secretary") and how many quotes.
    """
    batch = Batch(inputs)
    rows = []
    out = TableOutput("sources", fmt, output) if fmt != "table" else None
    results = batch.outcomes(extract_article, jobs, "the analysis")
    for result in with_progress(results, progress, "sources"):
        if result.error is not None:
            batch.extraction_failed(result.origin, result.error)
        for source in result.sources:
            if out is not None:
                out.add(source.to_dict())
            else:
                note = "did not respond" if source.non_response else (source.via or "")
                rows.append(
                    [
                        source.article,
                        source.name,
                        source.kind,
                        source.role or "",
                        str(source.quotes),
                        note,
                    ]
                )
    if out is not None:
        out.close()
    else:
        echo_table(
            rows, ["article", "source", "kind", "role", "quotes", "note"], [16, 28, 12, 32, 6, 24]
        )
    ctx.exit(batch.exit_code())


def register(group: click.Group) -> None:
    group.add_command(quotes)
    group.add_command(sources)
