"""``storylens serve``: the JSON API and the web pages over a store."""

from __future__ import annotations

import os

import click

from ..errors import InputError
from ..store import ENV_DB, open_store


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
def serve_command(
    db: str | None, host: str, port: int, token_env: str, outlets_csv: str | None
) -> None:
    """Serve the stories in the store: pages at / and the JSON API at /api."""
    try:
        import uvicorn

        from ..web import Catalog, create_app, load_outlets
    except ImportError as exc:
        raise InputError(
            f"serve needs the web extra ({exc.name} is missing); "
            "install it with: pip install 'storylens[web]'"
        ) from exc
    token = os.environ.get(token_env) or None
    if token is None:
        click.echo(f"${token_env} is not set: write endpoints are refused", err=True)
    outlets = load_outlets(outlets_csv) if outlets_csv else None
    store = open_store(db)
    try:
        app = create_app(Catalog(store), token=token, outlets=outlets)
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        store.close()


def register(group: click.Group) -> None:
    group.add_command(serve_command)
