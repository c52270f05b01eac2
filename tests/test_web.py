"""The service over a real SQLite store holding the made-up demo story: API shapes, the
pages, the one error shape, the token on writes, and hostile article text kept inert."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")
from fastapi.testclient import TestClient  # noqa: E402

from storylens.ingest import read_inputs  # noqa: E402
from storylens.ingestion import ingest  # noqa: E402
from storylens.store import open_store  # noqa: E402
from storylens.web import CSP, Catalog, create_app, load_outlets  # noqa: E402

TOKEN = "s3cret-token-for-tests"
HOSTILE = (
    'The Orrin Lake council voted on Tuesday. <script>alert("x")</script> '
    '<img src=x onerror="alert(1)"> Read more at javascript:alert(2) today.\n'
    "Council member Jory Fane said the vote was close."
)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("web")
    demo = resources.files("storylens").joinpath("data", "demo", "articles.jsonl")
    articles, _ = read_inputs([str(demo)])
    outlets_csv = folder / "outlets.csv"
    outlets_csv.write_text(
        "outlet,domain,country,leaning,owner\n"
        "Elsby Courier,courier.example,XX,left,Courier Group\n"
        "Northern Ledger,ledger.example,XX,right,\n",
        encoding="utf-8",
    )
    store = open_store(folder / "s.db")
    ingest(store, articles)
    app = create_app(Catalog(store), token=TOKEN, outlets=load_outlets(outlets_csv))
    with TestClient(app) as test_client:
        yield test_client
    store.close()


class _Inline(HTMLParser):
    """Collects every element that could run code or carry inline style."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "style" or (tag == "script" and not names.get("src")):
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"{tag}[{name}]")
            if name in ("href", "src") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag}[{name}=javascript:]")


def _inline_code(html: str) -> list[str]:
    parser = _Inline()
    parser.feed(html)
    return parser.found


def _story_id(client: TestClient) -> str:
    stories = client.get("/api/stories", params={"q": "bridge"}).json()["stories"]
    return str(max(stories, key=lambda s: s["size"])["id"])


def test_story_list_filters_and_paginates(client: TestClient) -> None:
    body = client.get("/api/stories").json()
    assert body["total"] >= 1 and body["stories"][0]["outlets"]
    biggest = client.get("/api/stories", params={"sort": "covered", "limit": 1}).json()
    assert len(biggest["stories"]) == 1 and len(biggest["stories"][0]["outlets"]) >= 2
    by_outlet = client.get("/api/stories", params={"outlet": "valley wire"}).json()
    assert all("Valley Wire" in s["outlets"] for s in by_outlet["stories"]) and by_outlet["total"]
    assert client.get("/api/stories", params={"q": "zzzz-nothing"}).json()["total"] == 0
    assert client.get("/api/stories", params={"since": "2099-01-01"}).json()["total"] == 0
    second = client.get("/api/stories", params={"offset": 1, "limit": 1}).json()
    assert second["offset"] == 1 and len(second["stories"]) <= 1


def test_story_report_article_sources_and_outlets(client: TestClient) -> None:
    story_id = _story_id(client)
    story = client.get(f"/api/stories/{story_id}").json()
    assert {a["outlet"] for a in story["articles"]} >= {"Elsby Courier", "Northern Ledger"}
    report = client.get(f"/api/stories/{story_id}/report").json()
    told = report["stories"][0]
    assert told["id"] == story_id and told["facts"]
    article = client.get(f"/api/articles/{story['articles'][0]['id']}").json()
    for fact in told["facts"]:
        for ref in fact["statements"]:
            if ref["article"] == article["id"]:
                assert article["text"][ref["start"] : ref["end"]]
    assert "sources" in client.get(f"/api/stories/{story_id}/sources").json()
    outlets = {o["outlet"]: o for o in client.get("/api/outlets").json()["outlets"]}
    assert (
        outlets["Elsby Courier"]["leaning"] == "left" and outlets["Valley Wire"]["leaning"] is None
    )
    assert client.get("/api/openapi.json").json()["paths"]["/api/stories"]


def test_one_error_shape(client: TestClient) -> None:
    for path, status in [
        ("/api/stories/no-such-story", 404),
        ("/api/articles/no-such-article", 404),
        ("/api/stories?limit=0", 422),
        ("/api/nothing-here", 404),
    ]:
        response = client.get(path)
        assert response.status_code == status
        assert set(response.json()) == {"error"}
        assert set(response.json()["error"]) == {"code", "message"}
    assert "s.db" not in client.get("/api/stories/no-such-story").text


def test_writes_need_the_token(client: TestClient) -> None:
    record = {"id": "orrin-0", "outlet": "Orrin Herald", "text": HOSTILE + " Second take."}
    assert client.post("/api/articles", json=record).status_code == 401
    wrong = client.post("/api/articles", json=record, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "unauthorized"
    empty = client.post("/api/articles", json={"id": "x", "text": ""}, headers=_auth())
    assert empty.status_code == 422 and empty.json()["error"]["code"].startswith("rejected_")
    ok = client.post("/api/articles", json=record, headers=_auth())
    assert ok.status_code == 201 and ok.json()["new"] == 1
    again = client.post("/api/articles", json=record, headers=_auth())
    assert again.json()["duplicate"] == 1


def _auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}"}


def test_no_token_configured_refuses_writes(tmp_path: Path) -> None:
    with open_store(tmp_path / "empty.db") as store:
        app = create_app(Catalog(store))
        response = TestClient(app).post("/api/articles", json={"text": "x"}, headers=_auth())
    assert response.status_code == 403 and response.json()["error"]["code"] == "writes_disabled"


def test_pages_render_with_csp_and_without_inline_code(client: TestClient) -> None:
    story_id = _story_id(client)
    pages = [
        "/",
        "/?sort=covered",
        "/search?q=bridge",
        f"/stories/{story_id}",
        "/outlets/Elsby%20Courier",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-security-policy"] == CSP
        assert _inline_code(response.text) == [], path
    story = client.get(f"/stories/{story_id}").text
    assert 'class="st ' in story and "data-fact=" in story and "Elsby Courier" in story
    assert "left: Elsby Courier" in story  # coverage by the operator's labels
    assert "Marrow Creek" in client.get("/search?q=marrow").text
    assert "Whom it quotes" in client.get("/outlets/Elsby%20Courier").text


def test_hostile_article_text_is_escaped(client: TestClient) -> None:
    client.post(
        "/api/articles",
        json={
            "id": "orrin-1",
            "outlet": "Orrin <b>Herald</b>",
            "url": "javascript:alert(3)",
            "text": HOSTILE,
        },
        headers=_auth(),
    )
    stories = client.get("/api/stories", params={"q": "orrin"}).json()["stories"]
    assert stories, "the hostile article was not stored"
    page = client.get(f"/stories/{stories[0]['id']}").text
    assert _inline_code(page) == [] and _inline_code(client.get("/?q=orrin").text) == []
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror" in page
    assert 'href="javascript:' not in page and "<b>Herald</b>" not in page
    listing = client.get("/?q=orrin").text
    assert "<b>Herald</b>" not in listing


def test_cached_story_page_is_reused(client: TestClient) -> None:
    story_id = _story_id(client)
    catalog: Catalog = client.app.state.catalog  # type: ignore[attr-defined]
    calls = []
    original = catalog._told
    catalog._told = lambda *args: calls.append(1) or original(*args)  # type: ignore[method-assign]
    try:
        first = client.get(f"/stories/{story_id}").text
        second = client.get(f"/stories/{story_id}").text
    finally:
        catalog._told = original  # type: ignore[method-assign]
    assert first == second and calls == []


def test_a_new_catalog_reads_no_pair_an_earlier_view_read(
    client: TestClient, counted_reads: list[int]
) -> None:
    """The cross-encoder's reads outlive the process's cache: a new Catalog (a restarted
    service) takes them from the store and gives the same report."""
    asked = counted_reads
    story_id = _story_id(client)
    store = client.app.state.catalog.store  # type: ignore[attr-defined]
    first = Catalog(store).report(story_id)  # the fixture's views may have read them all
    asked.clear()
    again = Catalog(store).report(story_id)
    assert asked == [] and again == first


def test_story_report_files_render_through_the_one_table(client: TestClient) -> None:
    story_id = _story_id(client)
    md = client.get(f"/stories/{story_id}/report.md")
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert "attachment" in md.headers["content-disposition"]
    assert md.text.index("## Summary") < md.text.index("## Timeline")
    html = client.get(f"/stories/{story_id}/report.html")
    assert html.status_code == 200 and "<h2>Summary</h2>" in html.text
    data = client.get(f"/stories/{story_id}/report.json").json()
    assert data["stories"][0]["summary"]["statements"]
    missing = client.get(f"/stories/{story_id}/report.pdf")
    assert missing.status_code == 404 and "json, md, html" in missing.json()["error"]["message"]
    page = client.get(f"/stories/{story_id}").text
    assert page.index("<h2>Summary</h2>") < page.index('<div class="columns">')
    api = client.get(f"/api/stories/{story_id}/report").json()["stories"][0]
    assert api["timeline"] and api["summary"]["not_reported"]
