"""The web API as a contract: typed OpenAPI, /docs from local files, full-text search on
SQLite and PostgreSQL, the Atom feed, and ETag / Cache-Control with 304s."""

from __future__ import annotations

import os
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")
from fastapi.testclient import TestClient  # noqa: E402

from storylens.ingest import read_inputs  # noqa: E402
from storylens.ingestion import ingest  # noqa: E402
from storylens.model import Article  # noqa: E402
from storylens.store import open_store, search  # noqa: E402
from storylens.web import Catalog, create_app  # noqa: E402

TOKEN = "token-for-api-tests"
PG_URL = os.environ.get("STORYLENS_TEST_PG_URL")
DEMO = resources.files("storylens").joinpath("data", "demo", "articles.jsonl")
EXTRA = Article(
    id="orrin-mill",
    outlet="Orrin Ledger",
    title="Mill floods on the Orrin",
    published="2031-04-08T10:00:00+00:00",
    text="The old mill on the Orrin river flooded on Tuesday after a week of rain. "
    "Volunteers filled sandbags through the night, the fire service said.",
)


@pytest.fixture(scope="module")
def app_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    store = open_store(tmp_path_factory.mktemp("api") / "s.db")
    articles, _ = read_inputs([str(DEMO)])
    ingest(store, [*articles, EXTRA], analyze=False)
    catalog = Catalog(store, max_age=0)
    with TestClient(create_app(catalog, token=TOKEN)) as client:
        yield client
    store.close()


# --------------------------------------------------------------------------- OpenAPI


def _untyped(schema: Any, components: dict[str, Any], path: str, seen: set[str]) -> list[str]:
    """Every place under ``schema`` that says nothing about its shape."""
    if not isinstance(schema, dict) or not schema:
        return [path]
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        if name in seen:
            return []
        seen.add(name)
        return _untyped(components[name], components, f"{path}->{name}", seen)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return [
                bad
                for i, part in enumerate(schema[key])
                for bad in _untyped(part, components, f"{path}.{key}[{i}]", seen)
            ]
    if "enum" in schema or "const" in schema:
        return []
    kind = schema.get("type")
    if kind is None:
        return [path]
    if kind == "array":
        return _untyped(schema.get("items"), components, f"{path}[]", seen)
    if kind == "object":
        props = schema.get("properties")
        extra = schema.get("additionalProperties")
        if not props and not isinstance(extra, dict):
            return [path]
        found = [
            bad
            for name, sub in (props or {}).items()
            for bad in _untyped(sub, components, f"{path}.{name}", seen)
        ]
        if isinstance(extra, dict):
            found += _untyped(extra, components, f"{path}.*", seen)
        return found
    return []


def test_openapi_has_no_untyped_response(app_client: TestClient) -> None:
    doc = app_client.get("/api/openapi.json").json()
    components = doc["components"]["schemas"]
    problems: list[str] = []
    operations = 0
    for route, methods in doc["paths"].items():
        for method, op in methods.items():
            operations += 1
            assert "200" in op["responses"] or "201" in op["responses"], route
            for status, answer in op["responses"].items():
                content = answer.get("content")
                where = f"{method.upper()} {route} {status}"
                if not content:
                    problems.append(f"{where}: no content")
                    continue
                for media, body in content.items():
                    problems += _untyped(body.get("schema"), components, f"{where} {media}", set())
    assert operations >= 8
    assert problems == []


def test_every_api_answer_matches_its_model(app_client: TestClient) -> None:
    story = app_client.get("/api/stories").json()["stories"][0]["id"]
    for path in (
        "/api/stories",
        f"/api/stories/{story}",
        f"/api/stories/{story}/report",
        f"/api/stories/{story}/sources",
        "/api/outlets",
        "/api/search?q=bridge",
        "/api/articles/orrin-mill",
    ):
        assert app_client.get(path).status_code == 200, path  # FastAPI validated the model
    assert app_client.get("/api/stories/nope").json()["error"]["code"] == "not_found"


# --------------------------------------------------------------------------- /docs


def test_docs_are_served_from_local_files(app_client: TestClient) -> None:
    page = app_client.get("/docs")
    assert page.status_code == 200
    html = page.text
    assert "/static/docs/swagger-ui-bundle.js" in html and "/static/docs/docs.js" in html
    assert "http://" not in html and "https://" not in html  # no CDN
    assert "<script>" not in html  # no inline script: the CSP allows none
    assert "script-src 'self'" in page.headers["content-security-policy"]
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "docs.js", "LICENSE", "NOTICE"):
        got = app_client.get(f"/static/docs/{asset}")
        assert got.status_code == 200 and len(got.content) > 50, asset
    assert "Apache License" in app_client.get("/static/docs/LICENSE").text


# --------------------------------------------------------------------------- search


def test_search_finds_words_in_text_not_only_titles(app_client: TestClient) -> None:
    found = app_client.get("/api/search", params={"q": "sandbags volunteers"}).json()
    assert found["total"] == 1
    hit = found["results"][0]
    assert hit["article"]["id"] == "orrin-mill" and "sandbags" in hit["snippet"]
    assert app_client.get("/api/search", params={"q": "flood"}).json()["total"] == 1  # prefix
    assert app_client.get("/api/search", params={"q": "sandbags bridge"}).json()["total"] == 0
    bridge = app_client.get("/api/search", params={"q": "footbridge"}).json()
    assert bridge["total"] == 1 and bridge["results"][0]["story"]["size"] == 4


@pytest.mark.parametrize("q", ['"', "*", "AND OR NOT", "a'b", "NEAR(x y)", "col:umn", "-x", "é"])
def test_search_never_fails_on_odd_queries(app_client: TestClient, q: str) -> None:
    assert app_client.get("/api/search", params={"q": q}).status_code == 200


def test_search_page_uses_the_index(app_client: TestClient) -> None:
    page = app_client.get("/search", params={"q": "sandbags"})
    assert page.status_code == 200 and "Mill floods on the Orrin" in page.text


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "search.db")
        return
    if not PG_URL:
        pytest.skip("PostgreSQL tests need STORYLENS_TEST_PG_URL (see scripts/ci-postgres.sh)")
    import sqlalchemy as sa

    name = "t_" + uuid.uuid4().hex[:12]
    engine = sa.create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {name}"))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{name}"
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {name} CASCADE"))
        engine.dispose()


def test_full_text_search_on_both_databases(any_db: str) -> None:
    with open_store(any_db) as store:
        articles, _ = read_inputs([str(DEMO)])
        ingest(store, [*articles, EXTRA], analyze=False)
        (mill,) = search(store, "Orrin sandbag").hits
        assert mill.article_id == "orrin-mill"
        assert "sandbags" in search(store, "sandbag").hits[0].snippet
        bridge = search(store, "footbridge")
        assert len(bridge.hits) == 1 and bridge.matched_articles == 4  # one story
        assert bridge.complete and bridge.stories == 1
        assert search(store, "mill floods").hits[0].article_id == "orrin-mill"
        assert search(store, "zebra").hits == [] and search(store, "  ").hits == []
        assert search(store, "'\\\"&|!").hits == []


# --------------------------------------------------------------------------- Atom


def test_atom_feed_lists_stories_newest_update_first(app_client: TestClient) -> None:
    answer = app_client.get("/feed.atom")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.fromstring(answer.content)
    entries = feed.findall("a:entry", ns)
    stories = app_client.get("/api/stories").json()["stories"]
    assert [e.find("a:title", ns).text for e in entries] == [s["title"] for s in stories]
    updated = [e.find("a:updated", ns).text for e in entries]
    assert updated == sorted(updated, reverse=True)
    link = entries[0].find("a:link", ns).get("href")
    assert link.startswith("http://testserver/stories/")
    assert app_client.get(link.removeprefix("http://testserver")).status_code == 200


# --------------------------------------------------------------------------- caching


@pytest.mark.parametrize("path", ["/api/stories", "/", "/feed.atom", "/api/search?q=mill"])
def test_etag_and_304(app_client: TestClient, path: str) -> None:
    first = app_client.get(path)
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "public, no-cache"
    again = app_client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    assert "content-security-policy" in again.headers
    other = app_client.get(path, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.content == first.content


def test_static_files_may_be_kept(app_client: TestClient) -> None:
    answer = app_client.get("/static/app.css")
    assert answer.headers["cache-control"] == "public, max-age=86400"
    assert (
        app_client.get(
            "/static/app.css", headers={"If-None-Match": answer.headers["etag"]}
        ).status_code
        == 304
    )


def test_etag_changes_when_the_store_does(app_client: TestClient) -> None:
    before = app_client.get("/api/stories").headers["etag"]
    created = app_client.post(
        "/api/articles",
        json={
            "id": "harlow-school",
            "outlet": "Harlow Gazette",
            "title": "Harlow school opens its new wing",
            "text": "The Harlow school opened a new wing on Monday, the head teacher said. "
            "Pupils moved into eight new classrooms.",
        },
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert created.status_code == 201, created.text
    answer = app_client.get("/api/stories", headers={"If-None-Match": before})
    assert answer.status_code == 200 and answer.headers["etag"] != before


def test_snippet_is_the_window_with_most_query_words_and_bounded() -> None:
    from storylens.store.search import _snippet

    body = (
        "Filler words here. " * 40 + "The Orrin weir held while sandbags were stacked. " + "x " * 40
    )
    snippet = _snippet("Title", body, ["orrin", "sandbag"])
    assert "Orrin" in snippet and "sandbags" in snippet and snippet.startswith("…")
    # A word all through a long text: only the first hits are weighed, in bounded time.
    long_body = "flood " * 200_000 + "flood levee " * 10
    started = time.perf_counter()
    snippet = _snippet("", long_body, ["flood", "levee"])
    assert time.perf_counter() - started < 2.0
    assert "levee" not in snippet and snippet.count("flood") == 16  # the first window won
    assert _snippet("Only the title", "", ["title"]) == "Only the title"
