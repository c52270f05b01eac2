"""robots.txt per RFC 9309, Retry-After, DNS pinning and the bounded body cache, through an
injected transport (nothing connects anywhere), and a restarted `follow` against a local
feed server on 127.0.0.1 that fetches nothing twice."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import pytest

httpx = pytest.importorskip("httpx", reason="the web extra is not installed")
pytest.importorskip("protego", reason="the web extra is not installed")

from click.testing import CliRunner  # noqa: E402

from storylens.cli import cli  # noqa: E402
from storylens.errors import FetchError  # noqa: E402
from storylens.fetch import BodyCache, Fetcher, FetchResult, parse_retry_after  # noqa: E402
from storylens.robots import MAX_CRAWL_DELAY, RULES_TTL, UNREACHABLE_TTL  # noqa: E402

PUBLIC = "93.184.216.34"
Handler = Callable[[httpx.Request], httpx.Response]


class Site:
    """A fake site behind a MockTransport, with a fake clock and sleep."""

    def __init__(self, robots: Handler, pages: Handler | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.now = 1000.0
        self.wall = 2_000_000_000.0
        self.slept: list[float] = []

        def handle(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            if request.url.path in ("/robots.txt", "/moved-robots.txt"):
                return robots(request)
            return pages(request) if pages else httpx.Response(200, content=b"page")

        def sleep(seconds: float) -> None:
            self.slept.append(seconds)
            self.now += seconds

        self.fetcher = Fetcher(
            transport=httpx.MockTransport(handle),
            resolver=lambda host, port: [PUBLIC],
            min_delay=0,
            clock=lambda: self.now,
            wall_clock=lambda: self.wall,
            sleep=sleep,
            backoff_base=10,
        )

    def paths(self) -> list[str]:
        return [r.url.path for r in self.requests]

    def allowed(self, path: str) -> bool:
        try:
            self.fetcher.fetch(f"https://news.example{path}")
        except FetchError as exc:
            if "robots.txt" in str(exc):
                return False
            raise
        return True


def _rules(text: str) -> Handler:
    return lambda request: httpx.Response(200, content=text.encode())


# --------------------------------------------------------------------------- robots.txt


def test_rules_apply_with_longest_match() -> None:
    site = Site(_rules("User-agent: *\nDisallow: /private/\nAllow: /private/open\n"))
    assert not site.allowed("/private/page")
    assert site.allowed("/private/open-letter")
    assert site.allowed("/news")
    assert site.paths().count("/robots.txt") == 1  # cached
    assert "/private/page" not in site.paths()


def test_star_and_dollar_patterns() -> None:
    site = Site(_rules("User-agent: *\nDisallow: /*.pdf$\nDisallow: /drafts*/edit\n"))
    assert not site.allowed("/reports/budget.pdf")
    assert site.allowed("/reports/budget.pdf?page=2")  # $ anchors the end
    assert not site.allowed("/drafts-2031/edit")
    assert site.allowed("/drafts-2031/view")


def test_storylens_group_wins_over_star() -> None:
    site = Site(_rules("User-agent: *\nAllow: /\n\nUser-agent: storylens\nDisallow: /feeds/\n"))
    assert not site.allowed("/feeds/rss")
    assert site.allowed("/news/a")


def test_redirected_robots_txt_is_followed() -> None:
    def robots(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(301, headers={"Location": "/moved-robots.txt"})
        return httpx.Response(200, content=b"User-agent: *\nDisallow: /secret\n")

    site = Site(robots)
    assert not site.allowed("/secret/a")
    assert site.allowed("/open")
    assert site.paths()[:2] == ["/robots.txt", "/moved-robots.txt"]


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_robots_disallows_everything_until_asked_again(status: int) -> None:
    answers = [httpx.Response(status), httpx.Response(200, content=b"User-agent: *\nAllow: /\n")]
    site = Site(lambda request: answers.pop(0))
    assert not site.allowed("/news")
    assert "/news" not in site.paths()
    site.now += UNREACHABLE_TTL - 1
    site.fetcher._hosts.clear()  # forget the host back-off; the robots rules still hold
    assert not site.allowed("/news")
    site.now += 2
    assert site.allowed("/news")
    assert site.paths().count("/robots.txt") == 2


def test_unreachable_robots_disallows() -> None:
    def robots(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    site = Site(robots)
    assert not site.allowed("/news")


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410])
def test_4xx_robots_allows_everything(status: int) -> None:
    site = Site(lambda request: httpx.Response(status))
    assert site.allowed("/anything/at/all")


def test_crawl_delay_spaces_requests_to_a_host() -> None:
    site = Site(_rules("User-agent: *\nCrawl-delay: 7\n"))
    assert site.allowed("/a") and site.allowed("/b") and site.allowed("/c")
    assert site.slept == [7.0, 7.0, 7.0]  # robots.txt -> /a -> /b -> /c


def test_crawl_delay_is_capped() -> None:
    site = Site(_rules("User-agent: *\nCrawl-delay: 86400\n"))
    assert site.allowed("/a") and site.allowed("/b")
    assert site.slept == [MAX_CRAWL_DELAY, MAX_CRAWL_DELAY]


def test_rules_expire_after_a_day() -> None:
    bodies = [b"User-agent: *\nDisallow: /a\n", b"User-agent: *\nDisallow: /b\n"]
    site = Site(lambda request: httpx.Response(200, content=bodies.pop(0)))
    assert not site.allowed("/a")
    site.now += RULES_TTL - 10
    assert not site.allowed("/a")
    site.now += 20
    assert site.allowed("/a") and not site.allowed("/b")


# --------------------------------------------------------------------------- Retry-After


def _failing(status: int, retry_after: str | None) -> Site:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return Site(lambda r: httpx.Response(404), lambda r: httpx.Response(status, headers=headers))


def _backing_off(site: Site) -> bool:
    try:
        site.fetcher.fetch("https://news.example/x")
    except FetchError as exc:
        return "backing off" in str(exc)
    return False


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_seconds_sets_the_back_off(status: int) -> None:
    site = _failing(status, "120")
    with pytest.raises(FetchError, match=f"HTTP {status}"):
        site.fetcher.fetch("https://news.example/x")
    site.now += 119
    assert _backing_off(site)
    site.now += 2
    assert not _backing_off(site)  # asked again (and failed again with HTTP status)


def test_retry_after_http_date() -> None:
    site = _failing(503, None)
    when = datetime.fromtimestamp(site.wall + 300, UTC)
    site = _failing(503, format_datetime(when, usegmt=True))
    with pytest.raises(FetchError):
        site.fetcher.fetch("https://news.example/x")
    site.now += 299
    assert _backing_off(site)
    site.now += 2
    assert not _backing_off(site)


def test_unreadable_retry_after_falls_back_to_doubling_back_off() -> None:
    site = _failing(503, "soon")
    with pytest.raises(FetchError):
        site.fetcher.fetch("https://news.example/x")
    site.now += 11  # backoff_base is 10 s
    assert not _backing_off(site)


def test_retry_after_is_capped_by_backoff_max() -> None:
    site = _failing(429, "999999")
    with pytest.raises(FetchError):
        site.fetcher.fetch("https://news.example/x")
    site.now += site.fetcher.backoff_max + 1
    assert not _backing_off(site)


def test_retry_after_on_robots_keeps_the_site_closed_that_long() -> None:
    answers = [
        httpx.Response(503, headers={"Retry-After": "1200"}),
        httpx.Response(200, content=b"User-agent: *\nAllow: /\n"),
    ]
    site = Site(lambda request: answers.pop(0))
    assert not site.allowed("/news")
    site.now += 1199
    site.fetcher._hosts.clear()
    assert not site.allowed("/news")
    site.now += 2
    assert site.allowed("/news")


def test_parse_retry_after() -> None:
    assert parse_retry_after("30", 0) == 30.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412480.0 - 60) == 60.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412480.0 + 60) == 0.0
    assert parse_retry_after("later", 0) is None and parse_retry_after(None, 0) is None


# --------------------------------------------------------------------------- DNS and cache


def test_connection_goes_to_the_checked_address_never_resolved_again() -> None:
    answers = [[PUBLIC], ["127.0.0.1"]]  # a rebinding DNS server: public first, then local
    calls: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        calls.append(host)
        return answers[0] if len(calls) == 1 else answers[1]

    sent: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, content=b"ok")

    fetcher = Fetcher(
        transport=httpx.MockTransport(handle), resolver=resolver, min_delay=0, obey_robots=False
    )
    result = fetcher.fetch("https://news.example:8443/story?id=1")
    assert result.content == b"ok" and result.final_url == "https://news.example:8443/story?id=1"
    assert calls == ["news.example"]  # resolved once, for the check
    (request,) = sent
    assert request.url.host == PUBLIC and request.url.port == 8443
    assert request.url.raw_path == b"/story?id=1"
    assert request.headers["Host"] == "news.example:8443"
    assert request.extensions["sni_hostname"] == "news.example"


def test_ipv6_address_is_bracketed() -> None:
    sent: list[httpx.Request] = []
    fetcher = Fetcher(
        transport=httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(200)),
        resolver=lambda h, p: ["2606:2800:220:1:248:1893:25c8:1946"],
        min_delay=0,
        obey_robots=False,
    )
    fetcher.fetch("http://news.example/a")
    assert sent[0].url.host == "2606:2800:220:1:248:1893:25c8:1946"
    assert sent[0].headers["Host"] == "news.example"


def test_body_cache_is_bounded_in_bytes() -> None:
    cache = BodyCache(max_bytes=100)
    for n in range(10):
        cache.put(f"u{n}", FetchResult(f"u{n}", f"u{n}", 200, b"x" * 30, ""))
    assert cache.size <= 100 and len(cache) == 3
    assert cache.get("u9") is not None and cache.get("u0") is None
    cache.put("huge", FetchResult("huge", "huge", 200, b"x" * 101, ""))
    assert cache.get("huge") is None


# --------------------------------------------------------------------------- follow, restarted

_RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Orrin Ledger</title>
<link>{base}/</link><description>made-up news</description>
<item><title>Mill floods</title><link>{base}/mill</link>
<pubDate>Tue, 08 Apr 2031 10:00:00 GMT</pubDate></item>
<item><title>Mill reopens</title><link>{base}/mill-2</link></item>
</channel></rss>"""
_PAGE = """<html><head><title>{title}</title></head><body><article><h1>{title}</h1>
<p>The old mill on the Orrin river flooded on Tuesday after a week of rain, the county
said in a statement, and its owners moved the grain stores to higher ground.</p>
<p>{extra} Volunteers filled 3,000 sandbags, according to the fire service, which said
the water had started to fall by the evening.</p></article></body></html>"""


class _FeedServer(http.server.BaseHTTPRequestHandler):
    paths: list[str] = []
    etags = True

    def do_GET(self) -> None:
        type(self).paths.append(self.path)
        base = f"http://{self.headers['Host']}"
        pages = {
            "/robots.txt": ("text/plain", "User-agent: *\nDisallow: /private/\n"),
            "/rss": ("application/rss+xml", _RSS.format(base=base)),
            "/mill": ("text/html", _PAGE.format(title="Mill floods", extra="")),
            "/mill-2": ("text/html", _PAGE.format(title="Mill reopens", extra="Crews dug.")),
        }
        if self.path not in pages:
            self.send_response(404)
            self.end_headers()
            return
        kind, text = pages[self.path]
        etag = f'"{abs(hash(text))}"'
        if type(self).etags and self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.end_headers()
            return
        body = text.encode()
        self.send_response(200)
        self.send_header("Content-Type", kind)
        if type(self).etags:
            self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def feed_server() -> Iterator[str]:
    _FeedServer.paths = []
    _FeedServer.etags = True
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FeedServer)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _follow(server: str, db: Path) -> str:
    args = ["follow", f"{server}/rss", "--db", str(db), "--once", "--delay", "0"]
    result = CliRunner().invoke(cli, [*args, "--allow-private"])
    assert result.exit_code == 0, result.output
    return result.output


def test_restarted_follow_fetches_nothing_twice(feed_server: str, tmp_path: Path) -> None:
    db = tmp_path / "follow.db"
    assert "2 new" in _follow(feed_server, db)
    first = list(_FeedServer.paths)
    assert sorted(first) == ["/mill", "/mill-2", "/robots.txt", "/rss"]
    _FeedServer.paths = []
    assert "0 new" in _follow(feed_server, db)  # a new process: state came from the store
    assert _FeedServer.paths == ["/rss"]  # one conditional request, answered 304


def test_restarted_follow_without_validators_fetches_no_article_twice(
    feed_server: str, tmp_path: Path
) -> None:
    _FeedServer.etags = False
    db = tmp_path / "follow.db"
    _follow(feed_server, db)
    _FeedServer.paths = []
    _follow(feed_server, db)
    assert _FeedServer.paths == ["/rss"]  # the feed again (it has no validators), no article
