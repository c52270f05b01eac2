"""Every "must find" item of the seeds' EXPECTED.md, checked in the JSON report.

The seed texts are read from ../shared at test time; nothing of them is stored here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest

from storylens.compare import compare
from storylens.ingest import read_inputs
from storylens.report import load_schema, report_to_dict


@pytest.fixture(scope="module")
def report(seeds_path: Path) -> dict[str, Any]:
    articles, rejected = read_inputs([str(seeds_path)])
    data = report_to_dict(compare(articles, rejected))
    jsonschema.validate(data, load_schema())
    return data


@pytest.fixture(scope="module")
def texts(seeds_path: Path) -> dict[str, str]:
    articles, _ = read_inputs([str(seeds_path)])
    return {a.id: a.text for a in articles}


def _fact_with(story: dict[str, Any], article: str, words: str) -> dict[str, Any]:
    for fact in story["facts"]:
        if any(s["article"] == article and words in s["text"] for s in fact["statements"]):
            return fact
    raise AssertionError(f"no fact of {article} contains {words!r}")


def test_1_one_story(report: dict[str, Any]) -> None:
    assert len(report["stories"]) == 1
    assert {a["id"] for a in report["stories"][0]["articles"]} == {"fox", "epoch"}


def test_offsets_cite_original_text(report: dict[str, Any], texts: dict[str, str]) -> None:
    story = report["stories"][0]
    for fact in story["facts"]:
        for s in fact["statements"]:
            assert texts[s["article"]][s["start"] : s["end"]] == s["text"]
    for group in story["quotes"]:
        for v in group["variants"]:
            assert texts[v["article"]][v["start"] : v["end"]] == v["text"]
    for c in story["conflicts"]:
        for v in c["values"]:
            assert 0 <= v["start"] < v["end"] <= len(texts[v["article"]])
            cited = texts[v["article"]][v["start"] : v["end"]]
            if c["kind"] in ("number", "date"):
                assert cited == v["value"]
            elif c["kind"] == "actor":  # the mention, which may be a pronoun for the name
                assert (
                    cited == v["value"]
                    or cited.lower() in ("he", "she")
                    or (cited in v["value"] or v["value"] in cited)
                )


def test_2_quotes_matched_across_outlets_with_wording(report: dict[str, Any]) -> None:
    groups = report["stories"][0]["quotes"]
    territory = next(g for g in groups if any("inalienable" in v["text"] for v in g["variants"]))
    assert territory["speaker"] == "Claudia Sheinbaum"
    assert {v["article"] for v in territory["variants"]} == {"fox", "epoch"}
    assert any("inviolable" in v["text"] for v in territory["variants"])
    assert territory["wording"] == "minor"
    changed = {
        (op["a"].strip(",. "), op["b"].strip(",. "))
        for op in territory["diff"]
        if op["op"] == "replace"
    }
    assert ("our", "the") in changed
    assert any("inalienable" in a and "inviolable" in b for a, b in changed)
    army = next(g for g in groups if any("United States Army" in v["text"] for v in g["variants"]))
    assert army["speaker"] == "Claudia Sheinbaum" and {v["article"] for v in army["variants"]} == {
        "fox",
        "epoch",
    }
    assert army["wording"] in ("punctuation", "truncated")


def test_2_single_outlet_quotes_with_speakers(report: dict[str, Any]) -> None:
    quotes = report["stories"][0]["article_quotes"]
    kelly = [
        q
        for q in quotes
        if q["id"] == "fox" and "We will make America safe again" in q["content"]["text"]
    ]
    assert kelly and kelly[0]["speaker"] == "Anna Kelly"
    heritage = [
        q for q in quotes if "In the appropriate context, unilateral action" in q["content"]["text"]
    ]
    assert (
        heritage and heritage[0]["speaker"] == "Heritage Foundation" and heritage[0]["id"] == "fox"
    )


def test_3_facts_both_report(report: dict[str, Any]) -> None:
    story = report["stories"][0]
    offer = _fact_with(story, "fox", "rejection of U.S. military assistance")
    assert offer["status"] == "agreed" and {s["article"] for s in offer["statements"]} == {
        "fox",
        "epoch",
    }
    share = _fact_with(story, "fox", "We can share information")
    assert share["status"] == "agreed"
    designation = _fact_with(story, "fox", "designated drug cartels")
    assert {s["article"] for s in designation["statements"]} == {"fox", "epoch"}
    assert designation["status"] == "conflicting"
    actor = [
        c for c in story["conflicts"] if c["fact"] == designation["id"] and c["kind"] == "actor"
    ]
    assert actor, "the designation should show who did it differently"
    # values are the articles' own words; what a pronoun stands for is in "resolved"
    assert {v["value"] for v in actor[0]["values"]} == {"He", "the U.S. State Department"}
    assert {v["resolved"] for v in actor[0]["values"]} == {"Trump", "U.S. State Department"}
    assert "\u201cHe\u201d (Trump)" in actor[0]["explanation"]
    assert "\u201cthe U.S. State Department\u201d" in actor[0]["explanation"]


@pytest.mark.parametrize(
    "words",
    [
        "first\nreported on May 2",
        "Jan. 31 interview",
        "10,000 Mexican troops",
        "25 percent tariff",
        "Humberto Rivera",
        "Green Berets",
    ],
)
def test_4_epoch_only_facts_are_unique_and_omitted_by_fox(
    report: dict[str, Any], words: str
) -> None:
    story = report["stories"][0]
    fact = _fact_with(story, "epoch", words)
    assert fact["status"] == "unique"
    fox = next(o for o in story["omissions"] if o["article"] == "fox")
    if words.startswith("first"):
        # Fox's sentence on the president's public rejection of U.S. military help
        # is near enough (p 0.35 with the claims model of this commit, the cross-encoder
        # reading both as about U.S. troops in Mexico) that the omission is said as
        # possible, not sure
        assert fact["id"] in fox["facts"] + fox["possible"]
    else:
        assert fact["id"] in fox["facts"]


@pytest.mark.parametrize(
    "words", ["most secure border in history", "surveillance flights", "issued a report in January"]
)
def test_5_fox_only_facts_are_unique(report: dict[str, Any], words: str) -> None:
    story = report["stories"][0]
    fact = _fact_with(story, "fox", words)
    assert fact["status"] == "unique"
    epoch = next(o for o in story["omissions"] if o["article"] == "epoch")
    if words == "surveillance flights":
        # Epoch's "Since taking office, Trump has sought more expansive security measures"
        # is near enough (p 0.42 with the claims model of this commit) that the omission
        # is said as possible, not sure
        assert fact["id"] in epoch["facts"] + epoch["possible"]
    else:
        assert fact["id"] in epoch["facts"]


def test_6_sourcing_per_outlet_and_the_white_house_difference(report: dict[str, Any]) -> None:
    story = report["stories"][0]
    by = {(s["article"], s["name"]): s for s in story["sources"]}
    assert by[("fox", "Claudia Sheinbaum")]["kind"] == "person"
    assert by[("fox", "Anna Kelly")]["role"] == "White House deputy press secretary"
    assert by[("fox", "Heritage Foundation")]["kind"] == "organisation"
    assert by[("epoch", "Claudia Sheinbaum")]["kind"] == "person"
    assert by[("epoch", "Wall Street Journal")]["kind"] == "outlet"
    assert by[("epoch", "anonymous sources")]["kind"] == "anonymous"
    assert by[("epoch", "Pete Hegseth")]["via"] == "interview with Fox News"
    assert by[("epoch", "White House")]["non_response"] is not None
    wh = next(d for d in story["sourcing_differences"] if d["source"] == "White House")
    assert wh["per_article"] == {"fox": "quoted", "epoch": "did not respond"}
    assert not any("White House" in c["explanation"] for c in story["conflicts"]), (
        "a sourcing difference, not a contradiction"
    )


def test_7_repairs(report: dict[str, Any], texts: dict[str, str]) -> None:
    story = report["stories"][0]
    joined = [r for r in story["repairs"] if r["article"] == "epoch" and r["kind"] == "joined_line"]
    assert len(joined) == 6
    cut = [r for r in story["repairs"] if r["article"] == "fox" and r["kind"] == "truncated"]
    assert [texts["fox"][r["start"] : r["end"]] for r in cut] == ["Digital\u2019s Adam Shaw and"]
    assert not any("Adam Shaw" in s["text"] for f in story["facts"] for s in f["statements"])
