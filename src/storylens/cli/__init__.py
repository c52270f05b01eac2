"""The ``storylens`` command line: a thin layer over the library.

Each area keeps its commands in its own module here, exposing ``register(group)``.
Library errors (:class:`storylens.errors.StorylensError`) become one-line messages
and exit code 2; a run where some inputs were rejected exits with 1.
"""

from __future__ import annotations

import importlib
import logging
import sys

import click

from .. import __version__
from ..errors import StorylensError

# Command modules, in the order their commands appear in --help.
COMMAND_MODULES = ("analyze", "timex", "compare", "cluster", "store", "follow", "serve", "spark")


class UsageFailure(click.ClickException):
    """A library error shown as one line on stderr, exit code 2."""

    exit_code = 2


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except StorylensError as exc:
            raise UsageFailure(str(exc)) from exc
        except Exception as exc:
            if type(exc).__module__.startswith("sqlalchemy"):  # the database itself failed
                detail = getattr(exc, "orig", None) or exc
                raise UsageFailure(
                    f"the store failed ({detail}); check the --db file or server, then run again"
                ) from exc
            raise


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="storylens")
@click.option("-v", "--verbose", count=True, help="Log more (-v info, -vv debug) to stderr.")
def cli(verbose: int) -> None:
    """storylens: compare how outlets report the same story, claim by claim.

    Every finding cites exact character offsets into the articles as given.
    """
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )


for _name in COMMAND_MODULES:
    try:
        _module = importlib.import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as _exc:
        if _exc.name != f"{__name__}.{_name}":
            raise
        continue
    _module.register(cli)


def main() -> None:
    cli(prog_name="storylens")
