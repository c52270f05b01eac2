"""Readers: every input becomes an article or a recorded rejection, never a crash."""

from __future__ import annotations

import io
import json
from pathlib import Path

from storylens.ingest import content_id, iter_inputs, read_inputs
from storylens.model import Article, Rejection

TEXT = "The Pellmouth ferry resumed service on Friday, the operator said.\n"


def _write(tmp_path: Path, name: str, data: bytes | str) -> str:
    p = tmp_path / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return str(p)


def test_plain_text_gets_content_hash_id_and_keeps_text(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.txt", TEXT)
    (article,), rejected = read_inputs([path])
    assert rejected == []
    assert article.text == TEXT
    assert article.id == content_id(TEXT)
    assert article.id == content_id(
        "The  Pellmouth ferry resumed service on Friday, the operator said."
    )


def test_jsonl_records_keep_given_ids_and_metadata(tmp_path: Path) -> None:
    rows = [
        {
            "id": "n1",
            "outlet": "Harbour Times",
            "url": "https://example.org/1",
            "title": "Ferry back",
            "published": "2025-04-02",
            "text": TEXT,
        },
        {"id": 7, "outlet": None, "text": "Second article text."},
        {"outlet": "No Id Daily", "text": "Third article without an id."},
    ]
    path = _write(tmp_path, "c.jsonl", "\n".join(json.dumps(r) for r in rows))
    articles, rejected = read_inputs([path])
    assert rejected == []
    assert [a.id for a in articles] == ["n1", "7", content_id("Third article without an id.")]
    assert articles[0].outlet == "Harbour Times" and articles[0].published == "2025-04-02"


def test_jsonl_html_field_is_extracted(tmp_path: Path) -> None:
    html = (
        "<html><body><article><p>"
        + "The Pellmouth ferry resumed service on Friday after a week of storms, the operator said. "
        * 3
        + "</p></article></body></html>"
    )
    path = _write(tmp_path, "h.jsonl", json.dumps({"id": "h1", "outlet": "Bay Post", "html": html}))
    (article,), rejected = read_inputs([path])
    assert (
        not rejected
        and article.id == "h1"
        and "ferry resumed service" in article.text
        and "<p>" not in article.text
    )


def test_bad_inputs_are_rejected_with_reasons_and_batch_goes_on(tmp_path: Path) -> None:
    good = _write(tmp_path, "good.txt", TEXT)
    empty = _write(tmp_path, "empty.txt", "  \n")
    binary = _write(tmp_path, "bin.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    latin = _write(
        tmp_path, "latin.txt", "Caf\xe9 owners said the port reopened.".encode("latin-1")
    )
    corpus = _write(
        tmp_path,
        "corpus.jsonl",
        json.dumps({"id": "ok", "text": "Fine."})
        + "\n"
        + '{"id": "cut", "text": "The line ends mid'
        + "\n"
        + json.dumps(["not", "an", "object"])
        + "\n"
        + json.dumps({"id": "x", "title": "no body"}),
    )
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as f:  # sparse: 200 MB on paper, nothing written
        f.truncate(200 * 1024 * 1024)
    items = list(
        iter_inputs([good, empty, binary, latin, corpus, str(huge), str(tmp_path / "missing.txt")])
    )
    articles = [i for i in items if isinstance(i, Article)]
    reasons = {Path(r.origin).name: r.reason for r in items if isinstance(r, Rejection)}
    assert [a.id for a in articles] == [content_id(TEXT), "ok"]
    assert reasons == {
        "empty.txt": "empty",
        "bin.txt": "binary",
        "latin.txt": "encoding",
        "corpus.jsonl:2": "json",
        "corpus.jsonl:3": "record",
        "corpus.jsonl:4": "missing_text",
        "huge.txt": "too_large",
        "missing.txt": "missing",
    }
    latin_detail = next(
        r.detail for r in items if isinstance(r, Rejection) and r.reason == "encoding"
    )
    assert "UTF-8" in latin_detail


def test_malformed_html_is_read_or_rejected_never_crashes(tmp_path: Path) -> None:
    broken = _write(
        tmp_path,
        "broken.html",
        "<html><body><p>The Pellmouth council met on Monday and approved the harbour budget after a long debate<div><b>unclosed <script>alert(1)</script>",
    )
    junk = _write(tmp_path, "junk.html", "<html><<<>>></html>")
    items = list(iter_inputs([broken, junk]))
    assert len(items) == 2
    for item in items:
        if isinstance(item, Article):
            assert "alert(1)" not in item.text
        else:
            assert item.reason == "html"


def test_html_file_metadata(tmp_path: Path) -> None:
    page = (
        '<html><head><title>Ferry back | Bay Post</title><meta property="og:site_name" content="Bay Post">'
        '<meta name="date" content="2025-04-02"></head><body><article><h1>Ferry back</h1>'
        "<p>The Pellmouth ferry resumed service on Friday after a week of storms, the operator said on its website.</p>"
        "<p>Passengers queued from dawn, and the first crossing left at seven.</p></article></body></html>"
    )
    (article,), _ = read_inputs([_write(tmp_path, "page.html", page)])
    assert article.outlet == "Bay Post"
    assert article.published == "2025-04-02"
    assert article.text.startswith("The Pellmouth ferry resumed service")


def test_folder_and_stdin(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    _write(tmp_path / "sub", "b.txt", "Second.")
    _write(tmp_path, "a.txt", "First.")
    _write(tmp_path, ".hidden.txt", "Hidden.")
    articles, _ = read_inputs([str(tmp_path)])
    assert [a.text for a in articles] == ["First.", "Second."]
    items = list(
        iter_inputs(
            ["-"], stdin=io.BytesIO(json.dumps({"id": "s", "text": "From stdin."}).encode())
        )
    )
    assert isinstance(items[0], Article) and items[0].id == "s"


def test_duplicate_ids_with_different_text_are_rejected(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "d.jsonl",
        "\n".join(json.dumps({"id": "same", "text": t}) for t in ["One.", "One.", "Two."]),
    )
    items = list(iter_inputs([path]))
    assert [type(i).__name__ for i in items] == ["Article", "Rejection"]
    assert items[1].reason == "duplicate_id"  # type: ignore[union-attr]
