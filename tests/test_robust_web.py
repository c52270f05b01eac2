"""The service under hostile requests (issue 25): the token before the body, a capped
body, dates checked, 409 for a taken id, the JSON error shape and security headers on
every response (500s included), outlet names with "/", and light pages that keep
answering while story reports compute."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")
from fastapi.testclient import TestClient  # noqa: E402

from storylens.ingestion import ingest  # noqa: E402
from storylens.model import Article, StoryReport  # noqa: E402
from storylens.store import open_store  # noqa: E402
from storylens.web import CSP, Catalog, HeavyWork, create_app  # noqa: E402
from test_store import fake_featurize  # noqa: E402

TOKEN = "t0ken-for-the-robust-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _articles() -> list[Article]:
    return [
        Article(
            id=f"ferry-{i}",
            text=f"The ferry at Ostvale ran late again on day {i}, its operator said.",
            outlet="North/South Herald" if i % 2 else "Ostvale Post",
            published=f"2031-05-0{i + 1}",
        )
        for i in range(3)
    ] + [
        Article(
            id="orchard-0",
            text="The orchard at Brindle flowered early this year, growers said.",
            outlet="Brindle Daily",
            published="2031-05-02",
        )
    ]


def _slow_reporter(gate: threading.Event) -> Any:
    def report(articles: Sequence[Article]) -> StoryReport:
        gate.wait(30)
        return StoryReport(id="x", title="x", articles=tuple(articles))

    return report


@pytest.fixture()
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "s.db"
    with open_store(path) as store:
        ingest(store, _articles(), analyze=False, featurizer=fake_featurize)
    return path


@pytest.fixture()
def client(store_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    # POSTed articles are embedded as the store's were (a store refuses another embedder)
    monkeypatch.setattr("storylens.cluster.featurize", fake_featurize)
    store = open_store(store_path)
    reporter = lambda arts: StoryReport(id="x", title="x", articles=tuple(arts))  # noqa: E731
    app = create_app(Catalog(store, reporter=reporter), token=TOKEN, max_body=64 * 1024)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
    store.close()


def _is_error(response: Any, status: int, code: str | None = None) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    if code is not None:
        assert body["error"]["code"] == code, body
    assert response.headers["content-security-policy"] == CSP
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_token_is_checked_before_the_body(client: TestClient) -> None:
    # malformed JSON without a token: 401, not the 422 a parsed body would give
    _is_error(client.post("/api/articles", content=b"{not json"), 401, "unauthorized")
    big = b"x" * (1024 * 1024)  # over the 64 KiB cap, and no token: still 401
    _is_error(client.post("/api/articles", content=big), 401, "unauthorized")
    wrong = {"Authorization": "Bearer nope"}
    _is_error(client.post("/api/articles", content=b"[]", headers=wrong), 401, "unauthorized")


def test_a_body_over_the_cap_is_413_declared_or_streamed(client: TestClient) -> None:
    big = json.dumps({"id": "huge", "text": "word " * 20_000}).encode()
    _is_error(client.post("/api/articles", content=big, headers=AUTH), 413, "too_large")

    def chunks() -> Iterator[bytes]:  # no Content-Length: the guard counts as it reads
        for _ in range(40):
            yield b" " * 4096

    streamed = client.post("/api/articles", content=chunks(), headers=AUTH)
    _is_error(streamed, 413, "too_large")


def test_dates_are_checked(client: TestClient) -> None:
    _is_error(client.get("/api/stories", params={"since": "notadate"}), 422, "invalid_request")
    _is_error(client.get("/api/stories", params={"until": "2031-13-45"}), 422)
    assert client.get("/api/stories", params={"since": "2031-05-02"}).status_code == 200
    later = client.get("/api/stories", params={"since": "2031-05-03T00:00:00"})
    assert later.status_code == 200 and later.json()["total"] <= 2


def test_an_id_taken_by_another_article_is_409_and_nothing_is_stored(client: TestClient) -> None:
    record = {"id": "ferry-0", "text": "A different text about the Ostvale ferry, said nobody."}
    fresh = {"id": "ferry-new", "text": "The new Ostvale ferry pier opened, the port said."}
    _is_error(client.post("/api/articles", json=[fresh, record], headers=AUTH), 409, "id_conflict")
    assert client.get("/api/articles/ferry-new").status_code == 404


def test_a_lone_surrogate_in_posted_json_is_cleaned_not_a_500(client: TestClient) -> None:
    body = b'{"id": "sur-1", "text": "A fire \\ud800 broke out at the Ostvale pier."}'
    response = client.post(
        "/api/articles", content=body, headers={**AUTH, "content-type": "application/json"}
    )
    assert response.status_code == 201, response.text
    stored = client.get("/api/articles/sur-1").json()
    assert stored["text"] == "A fire \ufffd broke out at the Ostvale pier."
    number = client.post("/api/articles", json={"id": "n", "text": 12345}, headers=AUTH)
    _is_error(number, 422, "rejected_record")
    assert "not int" in number.json()["error"]["message"]


def test_a_server_error_has_the_json_shape_and_the_headers(store_path: Path) -> None:
    store = open_store(store_path)
    catalog = Catalog(store)

    def broken(**_: Any) -> Any:
        raise RuntimeError("made-up bug")

    catalog.page = broken  # type: ignore[method-assign]
    app = create_app(catalog, token=TOKEN)
    with TestClient(app, raise_server_exceptions=False) as client:
        for path in ("/api/stories", "/"):
            response = client.get(path)
            _is_error(response, 500, "server_error")
            assert "made-up bug" not in response.text
    store.close()


def test_outlet_names_with_a_slash_link_to_working_pages(client: TestClient) -> None:
    listing = client.get("/").text
    assert 'href="/outlets/North%2FSouth%20Herald"' in listing
    page = client.get("/outlets/North%2FSouth%20Herald")
    assert page.status_code == 200 and "North/South Herald" in page.text
    assert client.get("/outlets/North/South Herald").status_code == 200


def test_light_pages_answer_while_story_reports_compute(store_path: Path) -> None:
    store = open_store(store_path)
    gate = threading.Event()
    catalog = Catalog(store, reporter=_slow_reporter(gate))
    app = create_app(catalog, token=TOKEN, heavy=HeavyWork(workers=1, queue=3))
    story_ids = [s.id for s in store.stories()]
    statuses: list[int] = []
    with TestClient(app, raise_server_exceptions=False) as client:
        heavy = [
            threading.Thread(
                target=lambda s=s: statuses.append(client.get(f"/stories/{s}").status_code)
            )
            for s in story_ids[:2]
        ]
        for t in heavy:
            t.start()
        time.sleep(0.5)  # both story pages are now waiting on the gate or for the worker
        clock = time.perf_counter()
        assert client.get("/").status_code == 200
        assert client.get("/api/stories").status_code == 200
        # not held behind the reports, which wait on the gate for 30 s (loose bound: a
        # loaded machine may keep this process waiting for a core)
        assert time.perf_counter() - clock < 10.0
        # one computing and three waiting fill the pool and its queue: a fifth is refused
        more = [
            threading.Thread(
                target=lambda: statuses.append(
                    client.get(f"/api/stories/{story_ids[0]}/report").status_code
                )
            )
            for _ in range(2)
        ]
        for t in more:
            t.start()
        time.sleep(0.5)
        refused = client.get(f"/stories/{story_ids[-1]}")
        _is_error(refused, 503, "busy")
        assert int(refused.headers["retry-after"]) >= 1
        gate.set()
        for t in heavy + more:
            t.join(30)
    assert statuses.count(200) == 4
    store.close()


def test_one_computation_per_report_however_many_ask(store_path: Path) -> None:
    store = open_store(store_path)
    calls: list[int] = []
    gate = threading.Event()

    def report(articles: Sequence[Article]) -> StoryReport:
        calls.append(1)
        gate.wait(30)
        return StoryReport(id="x", title="x", articles=tuple(articles))

    catalog = Catalog(store, reporter=report)
    story = store.stories()[0].id
    threads = [threading.Thread(target=catalog.report, args=(story,)) for _ in range(5)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    gate.set()
    for t in threads:
        t.join(30)
    assert calls == [1]
    store.close()


def test_reports_computed_in_a_process_of_their_own(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What `storylens serve` does: the real compare runs in a worker process; the
    analyses it had to make (the store was filled with --no-analyze) are stored, and the
    next server reads them instead of parsing again."""
    store = open_store(store_path)
    catalog = Catalog(store, processes=1)
    try:
        app = create_app(catalog, token=TOKEN)
        story = next(s for s in store.stories() if s.size == 3)
        with TestClient(app) as client:
            report = client.get(f"/api/stories/{story.id}/report").json()
            assert {a["id"] for a in report["stories"][0]["articles"]} == {
                "ferry-0",
                "ferry-1",
                "ferry-2",
            }
            page = client.get(f"/stories/{story.id}")
            assert page.status_code == 200 and "Ostvale" in page.text
        assert catalog._pool is not None  # the report went to the worker
        assert store.count("article_analyses") == 3
        import storylens.pipeline

        def refuse(*_: Any, **__: Any) -> Any:
            raise AssertionError("an article was parsed again")

        monkeypatch.setattr(storylens.pipeline, "analyze", refuse)
        from storylens.report.json import story_to_dict

        again = Catalog(store).report(story.id)
        assert json.loads(json.dumps(story_to_dict(again))) == report["stories"][0]
    finally:
        catalog.close()
        store.close()
