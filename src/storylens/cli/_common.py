"""Pieces the commands share: reading inputs with rejections reported, progress, output."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import click

from ..ingest import iter_inputs
from ..model import Article, Rejection

INPUTS = click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
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
        for item in iter_inputs(self.paths):
            if isinstance(item, Rejection):
                self.rejected.append(item)
                click.echo(f"rejected {item.origin}: {item.reason}: {item.detail}", err=True)
            else:
                yield item

    def exit_code(self) -> int:
        """1 when some inputs were rejected, so scripts notice; 0 otherwise."""
        if self.rejected:
            click.echo(f"{len(self.rejected)} input(s) rejected", err=True)
            return 1
        return 0


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
