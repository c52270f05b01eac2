"""Feeds: OPML and RSS parsing from bytes, new-entry detection, and ``storylens follow``
against a local server on 127.0.0.1 serving a made-up feed and made-up articles."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("httpx", reason="the web extra is not installed")
from click.testing import CliRunner

from storylens.cli import cli
from storylens.errors import InputError
from storylens.feeds import SeenLinks, iter_feed_articles, parse_feed, parse_opml, read_targets
from storylens.fetch import Fetcher
from storylens.model import Article, Rejection
from storylens.store import open_store

_ARTICLE = """<html><head><title>{title}</title></head><body><article>
<h1>{title}</h1>
<p>The Brindle Valley ferry resumed service on Monday after a three-week stoppage, the
Harlow Port Authority said in a statement released early in the morning.</p>
<p>{extra} Officials said 2,400 passengers crossed on the first day, more than the
authority had expected, and that the timetable would return to normal by Friday.</p>
<p>"We are glad to have the boats moving again," said port director Amina Velt, who
added that repairs to the north pier had cost less than the council first feared.</p>
</article></body></html>"""

_RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Harlow Gazette</title>
<link>{base}/</link><description>made-up news</description>
<item><title>Ferry back</title><link>{base}/ferry</link>
<pubDate>Mon, 03 Mar 2031 08:00:00 GMT</pubDate></item>
<item><title>Ferry, second take</title><link>/ferry-2</link></item>
<item><title>Gone</title><link>{base}/missing</link></item>
</channel></rss>"""

_OPML = b"""<?xml version="1.0"?><opml version="2.0"><body>
<outline text="news"><outline type="rss" xmlUrl="https://gazette.example/rss"/>
<outline type="rss" xmlUrl="https://courier.example/atom"/></outline>
<outline type="rss" xmlUrl="https://gazette.example/rss"/></body></opml>"""


def test_parse_opml_keeps_order_and_drops_repeats(tmp_path: Path) -> None:
    assert parse_opml(_OPML) == ["https://gazette.example/rss", "https://courier.example/atom"]
    path = tmp_path / "feeds.opml"
    path.write_bytes(_OPML)
    assert read_targets([str(path), "https://other.example/feed"])[-1].startswith("https://other")
    with pytest.raises(InputError, match="OPML"):
        parse_opml(b"<opml><body>")
    with pytest.raises(InputError, match="cannot read"):
        read_targets([str(tmp_path / "absent.opml")])


def test_parse_feed_resolves_relative_links_and_dates() -> None:
    entries = parse_feed(_RSS.format(base="https://g.example").encode(), "https://g.example/rss")
    assert [e.link for e in entries] == [
        "https://g.example/ferry",
        "https://g.example/ferry-2",
        "https://g.example/missing",
    ]
    assert (
        entries[0].published == "2031-03-03T08:00:00+00:00"
        and entries[0].outlet == "Harlow Gazette"
    )


class _Handler(http.server.BaseHTTPRequestHandler):
    paths: list[str] = []

    def do_GET(self) -> None:
        type(self).paths.append(self.path)
        base = f"http://{self.headers['Host']}"
        pages = {
            "/rss": ("application/rss+xml", _RSS.format(base=base)),
            "/ferry": ("text/html", _ARTICLE.format(title="Ferry back", extra="")),
            "/ferry-2": (
                "text/html",
                _ARTICLE.format(title="Ferry returns", extra="Crews worked overnight."),
            ),
        }
        if self.path not in pages:
            self.send_response(404)
            self.end_headers()
            return
        kind, text = pages[self.path]
        body = text.encode()
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[str]:
    _Handler.paths = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def test_new_entries_fetched_once_and_failures_become_rejections(server: str) -> None:
    seen = SeenLinks()
    with Fetcher(allow_private=True, min_delay=0, timeout=5) as fetcher:
        first = list(iter_feed_articles(fetcher, [f"{server}/rss"], seen))
        again = list(iter_feed_articles(fetcher, [f"{server}/rss"], seen))
    articles = [a for a in first if isinstance(a, Article)]
    rejections = [r for r in first if isinstance(r, Rejection)]
    assert len(articles) == 2 and all("Brindle Valley" in a.text for a in articles)
    assert articles[0].outlet == "Harlow Gazette"
    assert articles[0].published == "2031-03-03T08:00:00+00:00"  # time and zone kept
    assert [(r.origin.rsplit("/", 1)[1], r.reason) for r in rejections] == [("missing", "fetch")]
    assert "HTTP 404" in rejections[0].detail
    assert again == []
    assert _Handler.paths.count("/ferry") == 1


def test_feed_on_loopback_refused_by_default(server: str) -> None:
    with Fetcher(min_delay=0) as fetcher:
        items = list(iter_feed_articles(fetcher, [f"{server}/rss"], SeenLinks()))
    assert len(items) == 1 and isinstance(items[0], Rejection)
    assert "loopback" in items[0].detail and _Handler.paths == []


def test_follow_once_ingests_into_the_store(server: str, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    args = ["follow", f"{server}/rss", "--db", str(db), "--once", "--delay", "0"]
    refused = CliRunner().invoke(cli, args)
    assert refused.exit_code == 1 and "--allow-private" in refused.output
    result = CliRunner().invoke(cli, [*args, "--allow-private"])
    assert result.exit_code == 1, result.output  # the missing page is a rejection
    assert "2 new" in result.output
    with open_store(db) as store:
        titles = sorted(a.title or "" for a in store.articles())
    assert titles == ["Ferry back", "Ferry returns"]


def test_follow_prepare_compares_the_stories_each_round_changed(
    server: str, tmp_path: Path
) -> None:
    """`follow --prepare` keeps, after each round, what a first view of each changed story
    would read; the count it prints is what the store holds."""
    import re

    db = tmp_path / "s.db"
    args = ["follow", f"{server}/rss", "--db", str(db), "--once", "--delay", "0"]
    result = CliRunner().invoke(cli, [*args, "--allow-private", "--prepare"])
    assert result.exit_code == 1, result.output  # the missing page is a rejection
    found = re.search(
        r"prepared (\d+) changed stor(?:y|ies) \((\d+) new pair reads\)", result.stderr
    )
    assert found is not None, result.stderr
    assert int(found.group(1)) == 1 and int(found.group(2)) > 0  # the two ferry articles
    with open_store(db) as store:
        assert int(found.group(1)) == sum(1 for s in store.stories() if s.size >= 2)
        assert int(found.group(2)) == store.count("pair_reads")
