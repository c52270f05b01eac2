"""The pages in a real browser (Debian's headless chromium through Playwright): open the
list, open a story, click a sentence and see its matches, search, and hostile text that
never runs. Set STORYLENS_SCREENSHOTS=docs/screenshots to refresh the committed images."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.browser

if not Path(CHROMIUM).exists():
    pytest.skip(
        f"{CHROMIUM} is missing; install Debian's chromium (apt-get install chromium)",
        allow_module_level=True,
    )
playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
uvicorn = pytest.importorskip("uvicorn", reason="the web extra is not installed")

from storylens.ingest import read_inputs  # noqa: E402
from storylens.ingestion import ingest  # noqa: E402
from storylens.store import open_store  # noqa: E402
from storylens.web import Catalog, create_app, load_outlets  # noqa: E402

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HOSTILE = (
    "The Orrin Lake council voted on Tuesday. <script>window.pwned=1</script> "
    '<img src=x onerror="window.pwned=2"> More at javascript:window.pwned=3 today.'
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("browser")
    demo = resources.files("storylens").joinpath("data", "demo", "articles.jsonl")
    articles, _ = read_inputs([str(demo)])
    hostile, _ = read_inputs([_hostile_file(folder)])
    csv = folder / "outlets.csv"
    csv.write_text("outlet,leaning\nElsby Courier,left\nNorthern Ledger,right\n", encoding="utf-8")
    store = open_store(folder / "s.db")
    ingest(store, [*articles, *hostile])
    app = create_app(Catalog(store), token="t", outlets=load_outlets(csv))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        store.close()


def _hostile_file(folder: Path) -> str:
    import json

    path = folder / "hostile.jsonl"
    record = {
        "id": "orrin",
        "outlet": "Orrin <i>Herald</i>",
        "url": "javascript:x()",
        "text": HOSTILE,
    }
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def page(base_url: str) -> Iterator[Any]:
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        # nothing but the local server may be reached from these pages
        context.route(
            "**/*",
            lambda route: (
                route.continue_() if route.request.url.startswith(base_url) else route.abort()
            ),
        )
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        yield tab
        browser.close()


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("STORYLENS_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_list_story_click_and_search(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/?sort=covered")
    assert page.locator(".story-item").count() >= 2
    _shot(page, "list")
    page.locator("a.story-link", has_text="ridge").first.click()
    page.wait_for_url(f"{base_url}/stories/*")
    sentences = page.locator("a.st.agreed")
    assert sentences.count() >= 2
    sentences.first.click()
    matches = page.locator("#matches")
    assert "told by" in matches.inner_text()
    assert page.locator("a.st.hl").count() >= 2  # the same fact in other columns
    _shot(page, "story")
    page.fill("input[name=q]", "marrow")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/search?q=marrow")
    assert page.locator(".story-item").count() >= 1
    _shot(page, "search")
    page.goto(f"{base_url}/outlets/Elsby%20Courier")
    assert "Whom it quotes" in page.content()
    _shot(page, "outlet")


def test_hostile_text_never_runs(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/?q=orrin")
    page.locator("a.story-link").first.click()
    page.wait_for_url(f"{base_url}/stories/*")
    assert page.evaluate("window.pwned === undefined")
    assert "<script>window.pwned=1</script>" in page.locator(".text").first.inner_text()
    assert page.locator("a[href^='javascript:']").count() == 0


def test_api_docs_render_from_local_files(page: Any, base_url: str) -> None:
    """/docs draws every operation with Swagger UI shipped in the package, under the CSP."""
    blocked: list[str] = []
    page.on(
        "console", lambda msg: blocked.append(msg.text) if "Content Security" in msg.text else None
    )
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{base_url}/docs")
    page.wait_for_selector(".opblock", timeout=30_000)
    assert page.locator(".opblock").count() >= 8
    assert "/api/search" in page.content()
    assert all(url.startswith(base_url) or url.startswith("data:") for url in requested)
    assert blocked == []
    _shot(page, "docs")
