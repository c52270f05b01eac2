"""The guarded fetcher: address refusals decided without connecting, and polite fetching
against a local HTTP server on 127.0.0.1 (allowed explicitly)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

httpx = pytest.importorskip("httpx", reason="the web extra is not installed")

from storylens.errors import AddressRefused, FetchError  # noqa: E402
from storylens.fetch import USER_AGENT, Fetcher, check_url  # noqa: E402


def _no_resolve(host: str, port: int) -> list[str]:
    raise AssertionError(f"a literal address must not be resolved ({host})")


class _Refuse(httpx.BaseTransport):
    """A transport that fails the test if anything tries to connect."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"connected to {request.url}")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/feed.xml",
        "http://10.0.0.1/feed.xml",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/feed.xml",
        "http://0.0.0.0/",
        "http://[::ffff:127.0.0.1]/",
    ],
)
def test_forbidden_literal_addresses_are_refused_without_connecting(url: str) -> None:
    with pytest.raises(AddressRefused, match="--allow-private"):
        check_url(url, resolver=_no_resolve)
    with Fetcher(transport=_Refuse(), resolver=_no_resolve) as fetcher:
        with pytest.raises(AddressRefused):
            fetcher.fetch(url)
        assert fetcher.failures and fetcher.failures[0].url == url


@pytest.mark.parametrize("ip", ["127.0.0.1", "10.0.0.1", "169.254.169.254", "::1"])
def test_hostname_resolving_to_forbidden_address_is_refused(ip: str) -> None:
    def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34", ip] if host == "news.example" else []

    with (
        Fetcher(transport=_Refuse(), resolver=resolver) as fetcher,
        pytest.raises(AddressRefused, match=ip.replace(".", r"\.")),
    ):
        fetcher.fetch("https://news.example/story")


def test_public_address_passes_the_check_and_allow_private_lets_loopback_through() -> None:
    assert check_url("http://news.example/", resolver=lambda h, p: ["93.184.216.34"])
    assert check_url("http://127.0.0.1/", resolver=_no_resolve, allow_private=True)
    with pytest.raises(FetchError, match="only http"):
        check_url("file:///etc/passwd")


def test_redirect_to_metadata_address_is_refused_at_the_hop() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(302, headers={"Location": "http://169.254.169.254/latest/"})

    fetcher = Fetcher(
        transport=httpx.MockTransport(handler),
        resolver=lambda h, p: ["93.184.216.34"],
        min_delay=0,
    )
    with pytest.raises(AddressRefused, match="link-local"):
        fetcher.fetch("http://news.example/a")
    assert not any("169.254" in url for url in seen)


def test_size_cap_backoff_and_failure_record() -> None:
    clock = [1000.0]

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        if request.url.path == "/big":
            return httpx.Response(200, content=b"x" * 5000)
        return httpx.Response(500)

    fetcher = Fetcher(
        transport=httpx.MockTransport(handler),
        resolver=lambda h, p: ["93.184.216.34"],
        max_bytes=1000,
        min_delay=0,
        backoff_base=10,
        clock=lambda: clock[0],
    )
    with pytest.raises(FetchError, match="byte cap"):
        fetcher.fetch("http://big.example/big")
    with pytest.raises(FetchError, match="HTTP 500"):
        fetcher.fetch("http://down.example/x")
    with pytest.raises(FetchError, match="backing off"):
        fetcher.fetch("http://down.example/x")
    clock[0] += 11
    with pytest.raises(FetchError, match="HTTP 500"):
        fetcher.fetch("http://down.example/x")
    clock[0] += 11  # second failure doubled the delay to 20 s
    with pytest.raises(FetchError, match="backing off"):
        fetcher.fetch("http://down.example/x")
    assert [f.reason.split(": ", 1)[1][:8] for f in fetcher.failures][:2] == [
        "5000 byt",
        "HTTP 500",
    ]


# --- against a real local server -------------------------------------------------------

_PAGES = {
    "/robots.txt": b"User-agent: *\nDisallow: /private/\n",
    "/story": b"<html><body><p>The Brindle Valley ferry resumed on Monday.</p></body></html>",
}


class _Handler(http.server.BaseHTTPRequestHandler):
    requests: list[tuple[str, dict[str, str]]] = []

    def do_GET(self) -> None:
        type(self).requests.append((self.path, dict(self.headers)))
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/story")
            self.end_headers()
            return
        body = _PAGES.get(self.path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        if self.headers.get("If-None-Match") == '"v1"':
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("ETag", '"v1"')
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[str]:
    _Handler.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def test_local_server_refused_by_default(server: str) -> None:
    with Fetcher(min_delay=0) as fetcher, pytest.raises(AddressRefused):
        fetcher.fetch(f"{server}/story")
    assert _Handler.requests == []


def test_local_fetch_with_robots_redirect_and_conditional_get(server: str) -> None:
    with Fetcher(allow_private=True, min_delay=0, timeout=5) as fetcher:
        first = fetcher.fetch(f"{server}/moved")
        assert first.final_url.endswith("/story") and b"Brindle Valley" in first.content
        second = fetcher.fetch(f"{server}/story")
        assert second.not_modified and second.content == first.content
        with pytest.raises(FetchError, match="robots.txt"):
            fetcher.fetch(f"{server}/private/page")
    paths = [path for path, _ in _Handler.requests]
    assert paths.count("/robots.txt") == 1 and "/private/page" not in paths
    assert all(headers.get("User-Agent") == USER_AGENT for _, headers in _Handler.requests)
    assert USER_AGENT.startswith("storylens/")
    assert _Handler.requests[-1][1].get("If-None-Match") == '"v1"'
