"""The demo story shows every kind of finding, and `storylens demo` writes its reports."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from storylens.cli import cli
from storylens.cli.compare import demo_corpus
from storylens.compare import compare
from storylens.ingest import read_inputs
from storylens.report import load_schema, report_to_dict


@pytest.fixture(scope="module")
def story() -> dict:
    articles, rejected = read_inputs([str(demo_corpus())])
    assert not rejected and len(articles) == 4
    data = report_to_dict(compare(articles, group=False))
    jsonschema.validate(data, load_schema())
    return data["stories"][0]


def test_every_fact_status(story: dict) -> None:
    assert {f["status"] for f in story["facts"]} == {"agreed", "partial", "unique", "conflicting"}


def test_every_conflict_kind(story: dict) -> None:
    assert {c["kind"] for c in story["conflicts"]} >= {"number", "date", "actor", "negation"}
    for c in story["conflicts"]:
        assert c["explanation"] and len(c["values"]) == 2


def test_every_wording_class(story: dict) -> None:
    assert {q["wording"] for q in story["quotes"]} >= {
        "identical",
        "punctuation",
        "minor",
        "truncated",
        "different",
        "paraphrase",
    }


def test_omissions_and_sourcing(story: dict) -> None:
    assert all(o["facts"] for o in story["omissions"])
    kinds = {s["kind"] for s in story["sources"]}
    assert {"person", "anonymous", "document", "outlet"} <= kinds
    assert any(s["non_response"] for s in story["sources"])
    assert any(d["source"] == "Harlow Steel" for d in story["sourcing_differences"])
    assert {r["kind"] for r in story["repairs"]} >= {"joined_line", "truncated"}


def test_demo_command_writes_three_reports(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["demo", "--output-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (
        result.output.strip().splitlines()[-1]
        == f"HTML report: {(tmp_path / 'report.html').resolve()}"
    )
    data = json.loads((tmp_path / "report.json").read_text())
    jsonschema.validate(data, load_schema())
    assert "<html" in (tmp_path / "report.html").read_text()
    assert (tmp_path / "report.md").read_text().startswith("# ")


def test_compare_command_formats_and_rejections(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "cut", "text": "unfinished\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["compare", str(demo_corpus()), str(bad), "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["rejected"][0]["reason"] == "json"
    assert len(data["stories"][0]["articles"]) == 4
