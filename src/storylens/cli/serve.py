"""``storylens serve``: the JSON API and the web pages over a store."""

from __future__ import annotations

import os

import click

from ..errors import InputError
from ..store import ENV_DB, open_store

# the defaults, without importing the web extra before it is needed
MAX_BODY = 16 * 1024 * 1024  # storylens.web.guard.MAX_BODY
DEFAULT_WORKERS = max(1, (os.cpu_count() or 2) // 2)  # storylens.web.work.DEFAULT_WORKERS
DEFAULT_QUEUE = 256  # storylens.web.work.DEFAULT_QUEUE
DEFAULT_SEARCH_CACHE = 256  # storylens.web.catalog.SEARCH_CACHE_SIZE


@click.command("serve")
@click.option(
    "--db",
    default=None,
    envvar=ENV_DB,
    help=f"SQLite file or postgresql:// URL (default: ${ENV_DB}, else storylens.db here).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--token-env",
    default="STORYLENS_TOKEN",
    show_default=True,
    help="Environment variable holding the API token for write endpoints "
    "(unset: writes are refused).",
)
@click.option(
    "--outlets",
    "outlets_csv",
    type=click.Path(dir_okay=False),
    default=None,
    help="CSV with columns outlet,domain,country,leaning,owner (your own labels).",
)
@click.option(
    "--max-body",
    type=click.IntRange(min=1024),
    default=MAX_BODY,
    show_default=True,
    help="Largest request body in bytes; a larger one is refused (413) before it is read.",
)
@click.option(
    "--report-workers",
    type=click.IntRange(min=1),
    default=DEFAULT_WORKERS,
    show_default=True,
    help="Story reports computed at once, each in a process of its own; other pages "
    "never wait behind them.",
)
@click.option(
    "--report-queue",
    type=click.IntRange(min=0),
    default=DEFAULT_QUEUE,
    show_default=True,
    help="Story reports that may wait for a worker; more are refused (503, Retry-After).",
)
@click.option(
    "--search-cache",
    type=click.IntRange(min=0),
    default=DEFAULT_SEARCH_CACHE,
    show_default=True,
    help="Recent search answers kept; any write to the store empties them (0: keep none).",
)
def serve_command(
    db: str | None,
    host: str,
    port: int,
    token_env: str,
    outlets_csv: str | None,
    max_body: int,
    report_workers: int,
    report_queue: int,
    search_cache: int,
) -> None:
    """Serve the stories in the store: pages at / and the JSON API at /api.

    The store must exist (made by storylens ingest); serve never creates one, but
    brings an older one's schema up to date (story pages store the analyses they make).
    """
    try:
        import uvicorn

        from ..web import Catalog, HeavyWork, create_app, load_outlets
    except ImportError as exc:
        raise InputError(
            f"serve needs the web extra ({exc.name} is missing); "
            "install it with: pip install 'storylens[web]'"
        ) from exc
    outlets = load_outlets(outlets_csv) if outlets_csv else None
    store = open_store(db, create=False, upgrade=True)
    token = os.environ.get(token_env) or None
    if token is None:
        click.echo(f"${token_env} is not set: write endpoints are refused", err=True)
    catalog = Catalog(store, processes=report_workers, search_cache_size=search_cache)
    try:
        app = create_app(
            catalog,
            token=token,
            outlets=outlets,
            max_body=max_body,
            heavy=HeavyWork(report_workers, report_queue),
        )
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        catalog.close()
        store.close()


def register(group: click.Group) -> None:
    group.add_command(serve_command)
