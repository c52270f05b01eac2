"""Pieces the commands share: reading inputs with rejections reported, progress, output."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from ..errors import InputError
from ..ingest import iter_inputs
from ..model import Article, Rejection

if TYPE_CHECKING:
    from ..store import Store

R = TypeVar("R")

INPUTS = click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
JOBS = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Worker processes, one core each (default: the cores this process may use). "
    "The output is the same for every N; memory grows with N, as each worker loads "
    "its own models.",
)
PROGRESS = click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a progress bar on stderr (default: when stderr is a terminal).",
)


class Batch:
    """Articles read from the command's inputs, with their rejections reported on stderr."""

    def __init__(self, paths: Sequence[str]) -> None:
        self.paths = paths
        self.rejected: list[Rejection] = []

    def __iter__(self) -> Iterator[Article]:
        return self._kept(iter_inputs(self.paths))

    def _kept(self, items: Iterable[R | Rejection]) -> Iterator[R]:
        """``items`` without their rejections, each reported in its place."""
        for item in items:
            if isinstance(item, Rejection):
                self.reject(item)
            else:
                yield item

    def outcomes(self, fn: Callable[[Article], R], jobs: int | None, step: str) -> Iterator[R]:
        """``fn`` of each article read, in input order, on ``jobs`` cores
        (:func:`storylens.parallel.iter_outcomes`); the inputs the readers refuse and
        the articles ``fn`` fails on are reported in their place."""
        from ..parallel import iter_outcomes

        return self._kept(iter_outcomes(fn, iter_inputs(self.paths), jobs=jobs, step=step))

    def batch_outcomes(
        self,
        fn: Callable[[list[Article]], Sequence[R | Rejection]],
        jobs: int | None,
        step: str,
        chunk: int,
    ) -> Iterator[R]:
        """:meth:`outcomes` for a function of up to ``chunk`` articles at a time
        (:func:`storylens.parallel.iter_batch_outcomes`)."""
        from ..parallel import iter_batch_outcomes

        return self._kept(
            iter_batch_outcomes(fn, iter_inputs(self.paths), jobs=jobs, step=step, chunk=chunk)
        )

    def reject(self, rejection: Rejection) -> None:
        """Record and report one rejection (an input, or an article that failed later)."""
        self.rejected.append(rejection)
        echo_rejection(rejection)

    def extraction_failed(self, origin: str, error: str) -> None:
        """An article analysed without its quotes and sources: reported like a rejection."""
        self.reject(
            Rejection(
                origin,
                "extraction",
                f"quote and source extraction failed ({error}); the article has none listed",
            )
        )

    def exit_code(self) -> int:
        """1 when some inputs were rejected, so scripts notice; 0 otherwise."""
        if self.rejected:
            click.echo(f"{len(self.rejected)} input(s) rejected", err=True)
            return 1
        return 0


def echo_rejection(rejection: Rejection) -> None:
    click.echo(f"rejected {rejection.origin}: {rejection.reason}: {rejection.detail}", err=True)


PREPARE = click.option(
    "--prepare/--no-prepare",
    default=False,
    show_default=True,
    help="Also compare each story of two or more articles that changed, and store what the "
    "comparison reads (the cross-encoder's claim pairs), so the first `show` or web page of "
    "the story is as quick as the next ones. Costs that comparison's time here.",
)


def prepare_changed(store: Store, since: str, show: bool) -> list[Rejection]:
    """``--prepare``: the stories changed at or after ``since`` compared and their reads
    stored (:func:`storylens.stored.prepare_stories`), said on stderr; the articles a
    comparison had to leave out come back, for the caller to report."""
    from ..stored import prepare_stories

    def tick(done: int, total: int) -> None:
        click.echo(f"\rpreparing stories: {done} of {total}", err=True, nl=False)

    prepared = prepare_stories(store, since, progress=tick if show else None)
    if show and prepared.stories:
        click.echo("", err=True)
    analysed = f"; {prepared.analysed} article(s) analysed" if prepared.analysed else ""
    click.echo(
        f"prepared {prepared.stories} changed stor{'y' if prepared.stories == 1 else 'ies'} "
        f"({prepared.reads} new pair reads{analysed})",
        err=True,
    )
    return prepared.left_out


def with_progress(items: Iterable[Any], show: bool | None, label: str) -> Iterator[Any]:
    """Yield ``items``, drawing a counter on stderr when asked (or when stderr is a tty)."""
    if show is None:
        show = sys.stderr.isatty()
    if not show:
        yield from items
        return
    with click.progressbar(
        items, label=label, file=sys.stderr, show_pos=True, show_eta=False
    ) as bar:
        yield from bar


def echo_jsonl(rows: Iterable[dict[str, Any]]) -> None:
    for row in rows:
        click.echo(json.dumps(row, ensure_ascii=False))


def echo_table(
    rows: Sequence[Sequence[str]], headers: Sequence[str], widths: Sequence[int]
) -> None:
    """A plain fixed-width table; long cells are cut with an ellipsis."""

    def cell(value: str, width: int) -> str:
        value = " ".join(str(value).split())
        return value if len(value) <= width else value[: width - 1] + "…"

    click.echo("  ".join(cell(h, w).ljust(w) for h, w in zip(headers, widths, strict=True)))
    click.echo("  ".join("-" * w for w in widths))
    for row in rows:
        click.echo("  ".join(cell(v, w).ljust(w) for v, w in zip(row, widths, strict=True)))


OUTPUT = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write to this file instead of stdout (needed for parquet).",
)
TABLE_FORMATS = ("csv", "parquet")


class TableOutput:
    """JSON records of one table written as jsonl, csv or parquet, to stdout or a file.

    The columns of csv and parquet are those of :data:`storylens.tables.TABLES`; a
    missing pyarrow, or parquet without ``-o``, is reported before any work is done.
    """

    def __init__(self, table: str, fmt: str, output: str | None) -> None:
        from ..tables import TABLES, CsvWriter, arrow_schema

        self.table = TABLES[table]
        self.fmt = fmt
        self.output = output
        self.rows: list[dict[str, Any]] = []
        self._csv: CsvWriter | None = None
        self._stream: IO[str] | None = None
        if fmt == "parquet":
            if not output:
                raise InputError(
                    "parquet is a binary format: give the file to write with -o FILE.parquet"
                )
            arrow_schema(self.table)  # fails now, with the pip line, when pyarrow is missing
        elif fmt in ("csv", "jsonl"):
            self._stream = open(output, "w", encoding="utf-8", newline="") if output else None  # noqa: SIM115 - closed in close()
            if fmt == "csv":
                self._csv = CsvWriter(self.table, self._stream or _StdoutText())

    def __enter__(self) -> TableOutput:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(write=exc[0] is None)

    def add(self, record: dict[str, Any]) -> None:
        from ..tables import row_of

        if self.fmt == "jsonl":
            line = json.dumps(record, ensure_ascii=False)
            if self._stream is not None:
                self._stream.write(line + "\n")
            else:
                click.echo(line)
        elif self._csv is not None:
            self._csv.write(row_of(self.table, record))
        else:
            self.rows.append(row_of(self.table, record))

    def add_row(self, row: dict[str, Any]) -> None:
        """A row already flat (the facts table)."""
        if self._csv is not None:
            self._csv.write(row)
        else:
            self.rows.append(row)

    def close(self, write: bool = True) -> None:
        from ..tables import write_parquet

        if self.fmt == "parquet" and write and self.output:
            write_parquet(self.table, self.rows, self.output)
        if self._stream is not None:
            self._stream.close()
            self._stream = None
        if self.output and write:
            click.echo(f"{self.table.name} written to {self.output}", err=True)


class _StdoutText:
    """A text stream onto click's stdout (so tests' CliRunner captures it)."""

    def write(self, text: str) -> int:
        click.echo(text, nl=False)
        return len(text)
