"""The reader's view on real stories: the made-up demo story and the seeds (../shared).

Every summary sentence is cited to every outlet carrying it with exact offsets and, where
facts carried by two or more outlets exist, taken from them; the timeline's dates cite
the text that gives them."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import shared_path
from storylens.cli.compare import demo_corpus
from storylens.compare import compare
from storylens.ingest import read_inputs
from storylens.report import report_to_dict


def _reader_checks(story: dict[str, Any]) -> None:
    texts = {a["id"]: a for a in story["articles"]}
    facts = {f["id"]: f for f in story["facts"]}
    shared = [f for f in facts.values() if len({s["article"] for s in f["statements"]}) > 1]
    statements = story["summary"]["statements"]
    assert 3 <= len(statements) <= 7 or len(statements) == len(facts)
    for s in statements:
        carried = {st["article"] for st in facts[s["fact"]]["statements"]}
        assert {c["article"] for c in s["cites"]} == carried
        if len(shared) >= 3:
            assert len(carried) >= 2, s["text"]
    for part in ("only_one", "not_reported"):
        for item in story["summary"][part]:
            assert item["cites"]
    for item in story["summary"]["not_reported"]:
        verb = "does not report" if item["certain"] else "may not report"
        assert item["sentence"].startswith(f"{item['outlet']} {verb}")
    outlets = {a["outlet"] or a["id"] for a in texts.values()}
    for item in story["summary"]["only_one"]:
        assert item["outlets"][0] in outlets


def _exact(story: dict[str, Any], texts: dict[str, str]) -> None:
    summary = story["summary"]
    cites = [c for s in summary["statements"] for c in s["cites"]]
    cites += [c for d in summary["differences"] for c in d["fact"]["cites"]]
    cites += [c for u in summary["only_one"] for c in u["cites"]]
    cites += [c for e in story["timeline"] for c in e["cites"]]
    cites += [m for e in story["timeline"] for m in e["mentions"] + e["other_dates"]]
    for c in cites:
        assert texts[c["article"]][c["start"] : c["end"]] == c["text"]
    for d in summary["differences"]:
        for v in d["values"]:
            assert texts[v["article"]][v["start"] : v["end"]] == v["value"]


@pytest.fixture(scope="module")
def demo() -> tuple[dict[str, Any], dict[str, str]]:
    articles, _ = read_inputs([str(demo_corpus())])
    story = report_to_dict(compare(articles, group=False))["stories"][0]
    return story, {a.id: a.text for a in articles}


def test_demo_summary_timeline_and_gaps(demo: tuple[dict[str, Any], dict[str, str]]) -> None:
    story, texts = demo
    _reader_checks(story)
    _exact(story, texts)
    first = story["summary"]["statements"][0]
    assert "footbridge" in first["text"] and len(first["outlets"]) == 4
    timeline = story["timeline"]
    inspected = next(e for e in timeline if "last inspected" in e["text"])
    assert inspected["date"] == "2031-03-03"
    assert [o["text"] for o in inspected["other_dates"]] == ["March 13"]
    collapse = next(e for e in timeline if e["fact"] == first["fact"])
    assert collapse["date"].startswith("2031-04-08") and collapse["basis"] == "text"
    dated = [e for e in timeline if e["basis"] == "text" and not e["date"].startswith("XXXX")]
    assert [e["date"][:10] for e in dated] == sorted(e["date"][:10] for e in dated)


def test_seeds_summary_is_cited_and_from_shared_facts() -> None:
    path = shared_path("data", "seeds", "articles.jsonl")
    articles, rejected = read_inputs([str(path)])
    data = report_to_dict(compare(articles, rejected))
    texts = {a.id: a.text for a in articles}
    for story in data["stories"]:
        _reader_checks(story)
        _exact(story, texts)
        assert story["summary"]["statements"]
        assert all(len(s["outlets"]) >= 2 for s in story["summary"]["statements"])
