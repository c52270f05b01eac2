"""``storylens follow``: poll feeds, fetch new articles politely and ingest them."""

from __future__ import annotations

import time

import click

from ..errors import InputError
from ..store import ENV_DB, open_store
from ..store.store import now
from ._common import PREPARE, echo_rejection, prepare_changed


@click.command("follow")
@click.argument("targets", nargs=-1, required=True, metavar="FEEDS.opml|URL...")
@click.option(
    "--db",
    default=None,
    envvar=ENV_DB,
    help=f"SQLite file or postgresql:// URL (default: ${ENV_DB}, else storylens.db here).",
)
@click.option(
    "--interval",
    type=click.FloatRange(min=60.0),
    default=900.0,
    show_default=True,
    help="Seconds between polls of every feed.",
)
@click.option("--once", is_flag=True, help="Poll every feed once and exit.")
@click.option(
    "--allow-private",
    is_flag=True,
    help="Allow feeds and articles on private, loopback and link-local addresses "
    "(refused by default so a feed cannot reach into your network).",
)
@click.option("--max-bytes", type=click.IntRange(min=1024), default=5_000_000, show_default=True)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1.0),
    default=20.0,
    show_default=True,
    help="Seconds allowed for each request: connecting, headers and body together.",
)
@click.option(
    "--delay",
    type=click.FloatRange(min=0.0),
    default=1.0,
    show_default=True,
    help="Least seconds between two requests to the same host.",
)
@click.option(
    "--hosts",
    type=click.IntRange(min=1),
    default=8,
    show_default=True,
    help="Hosts fetched from at once (each host's requests still go one at a time).",
)
@PREPARE
@click.pass_context
def follow_command(
    ctx: click.Context,
    targets: tuple[str, ...],
    db: str | None,
    interval: float,
    once: bool,
    allow_private: bool,
    max_bytes: int,
    timeout: float,
    delay: float,
    hosts: int,
    prepare: bool,
) -> None:
    """Poll the feeds in FEEDS.opml or the feed URLs given, and ingest new articles.

    Each fetch obeys robots.txt (RFC 9309, Crawl-delay included), waits between
    requests to one host, sends conditional requests, backs off from failing hosts
    (as long as their Retry-After says) and names storylens in its user agent. Hosts
    are polled side by side, so one slow host stalls only what it serves. Links
    already dealt with and the feeds' validators are kept in the store, so a
    restarted follow fetches nothing it already has. Failures are printed with their reason and stored as rejections.
    With --once, exits 1 when anything was rejected.
    """
    try:
        from ..feeds import iter_polled_feeds, read_targets
        from ..fetch import Fetcher
        from ..store.fetchstate import StoredLinks, StoredRobots, StoredValidators
    except ImportError as exc:
        raise InputError(
            f"follow needs the web extra ({exc.name} is missing); "
            "install it with: pip install 'storylens[web]'"
        ) from exc
    from ..ingestion import IngestCounts, ingest  # the analysis and its models

    feed_urls = read_targets(targets)
    rejected = 0
    with open_store(db) as store:
        seen = StoredLinks(store)
        validators = StoredValidators(store)
        with Fetcher(
            allow_private=allow_private,
            max_bytes=max_bytes,
            timeout=timeout,
            min_delay=delay,
            validators=validators,
            robots_store=StoredRobots(store),
        ) as fetcher:
            while True:
                total = IngestCounts()
                started = now()
                for polled in iter_polled_feeds(fetcher, feed_urls, seen, hosts=hosts):
                    # one feed at a time: its articles are stored, then its links and
                    # validators, so a run killed half-way asks for that feed again
                    # (and for the later ones, fetched ahead while it was stored)
                    counts = ingest(store, polled.items)
                    seen.commit()
                    validators.commit(polled.fetched)
                    for rejection in counts.rejections:
                        click.echo(
                            f"rejected {rejection.origin}: {rejection.reason}: {rejection.detail}",
                            err=True,
                        )
                    total.new += counts.new
                    total.duplicate += counts.duplicate
                    total.rejected += counts.rejected
                if prepare:
                    for rejection in prepare_changed(store, started, show=False):
                        echo_rejection(rejection)
                rejected += total.rejected
                click.echo(
                    f"{len(feed_urls)} feed(s): {total.new} new, {total.duplicate} duplicate, "
                    f"{total.rejected} rejected"
                )
                if once:
                    break
                time.sleep(interval)
    ctx.exit(1 if rejected else 0)


def register(group: click.Group) -> None:
    group.add_command(follow_command)
