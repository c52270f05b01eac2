"""``storylens compare`` and ``storylens demo``: the claim-by-claim report."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import click

from ..compare import compare
from ..errors import ReportError
from ..ingest import read_inputs
from ..isolate import compare_prepared_isolated
from ..report import RENDERERS, render, report_to_dict
from ..tables import fact_rows
from ._common import INPUTS, JOBS, PROGRESS, Batch, TableOutput, with_progress

FORMATS = tuple(RENDERERS)
TABLE_FORMATS = ("csv", "parquet")


@click.command("compare")
@INPUTS
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS + TABLE_FORMATS),
    default="md",
    show_default=True,
    help="json: the versioned report data (offsets into the original texts); md: for reading; "
    "html: a standalone page; csv / parquet: the facts, one row per cited statement.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write the report to this file instead of stdout.",
)
@click.option(
    "--no-group", is_flag=True, help="Treat all inputs as one story instead of grouping them first."
)
@PROGRESS
@JOBS
@click.pass_context
def compare_command(
    ctx: click.Context,
    inputs: tuple[str, ...],
    fmt: str,
    output: str | None,
    no_group: bool,
    progress: bool | None,
    jobs: int | None,
) -> None:
    """Compare how the articles in INPUT... report the same story, claim by claim.

    Groups the inputs into stories, then for each story lists the facts every
    article agrees on, those only some or one report, what each article leaves
    out, conflicting numbers, dates, actors and negations, how each quote is
    worded across outlets, and whom each article relies on. Each article is
    analysed on --jobs cores; the grouping and the comparison then run here.
    """
    table = TableOutput("facts", fmt, output) if fmt in TABLE_FORMATS else None
    # the store's modules load only when used
    from ..ingestion import PREPARE_CHUNK, prepare_articles

    batch = Batch(inputs)
    analysed = batch.batch_outcomes(prepare_articles, jobs, "the analysis", PREPARE_CHUNK)
    prepared = list(with_progress(analysed, progress, "analysis"))
    if not prepared:
        raise ReportError(
            "no readable articles were given"
            + (f" ({len(batch.rejected)} rejected)" if batch.rejected else "")
        )
    report = compare_prepared_isolated(prepared, batch.rejected, group=not no_group)
    for rejection in report.rejected[len(batch.rejected) :]:
        batch.reject(rejection)
    if table is not None:
        with table:
            for row in fact_rows(report_to_dict(report)):
                table.add_row(row)
        ctx.exit(batch.exit_code())
    text = render(report, fmt)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"report written to {output}", err=True)
    else:
        click.echo(text, nl=False)
    ctx.exit(batch.exit_code())


def demo_corpus() -> Path:
    """The packaged demo articles: a made-up bridge collapse told by four made-up outlets."""
    return Path(str(resources.files("storylens").joinpath("data", "demo", "articles.jsonl")))


@click.command()
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False),
    default="storylens-demo",
    show_default=True,
    help="Folder for report.html, report.json and report.md.",
)
def demo(output_dir: str) -> None:
    """Compare the bundled demo story and write its report in all three formats.

    The demo is a made-up event (a footbridge collapse in a made-up town) told by
    four made-up outlets, written so that every kind of finding appears.
    """
    articles, rejected = read_inputs([str(demo_corpus())])
    report = compare(articles, rejected, group=False)
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    for fmt, name in (("json", "report.json"), ("md", "report.md"), ("html", "report.html")):
        (out / name).write_text(render(report, fmt), encoding="utf-8")
    click.echo(render(report, "md"))
    click.echo(f"HTML report: {(out / 'report.html').resolve()}")


def register(group: click.Group) -> None:
    group.add_command(compare_command)
    group.add_command(demo)
