"""Exports for analysts: CSV and Parquet read back equal to the JSON, every JSON output
validates against its shipped schema, DataFrames, and the top-level API."""

from __future__ import annotations

import builtins
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

import storylens
from storylens.cli import cli
from storylens.cli.compare import demo_corpus
from storylens.errors import MissingDependency
from storylens.schemas import SCHEMA_NAMES, load_schema
from storylens.tables import (
    TABLES,
    facts_from_rows,
    read_csv,
    read_parquet,
    records_from_rows,
)

DEMO = str(demo_corpus())


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def _jsonl(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _validate(name: str, instance: Any) -> None:
    jsonschema.Draft202012Validator(load_schema(name)).validate(instance)


def _round_trips(table: str, records: list[dict[str, Any]], args: list[str], tmp: Path) -> None:
    """The csv and parquet exports of ``args`` read back as exactly ``records``."""
    spec = TABLES[table]
    csv_text = _run(*args, "--format", "csv")
    assert records_from_rows(spec, read_csv(spec, io.StringIO(csv_text))) == records
    out = tmp / f"{table}.parquet"
    _run(*args, "--format", "parquet", "-o", str(out))
    assert records_from_rows(spec, read_parquet(spec, out)) == records


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("store") / "demo.db")
    _run("ingest", DEMO, "--db", db, "--no-analyze", "--no-progress")
    return db


def test_quotes_export_round_trips_and_json_validates(tmp_path: Path) -> None:
    records = _jsonl(_run("quotes", DEMO))
    assert records and all(r["content"]["text"] for r in records)
    for record in records:
        _validate("quote", record)
    _round_trips("quotes", records, ["quotes", DEMO], tmp_path)


def test_sources_export_round_trips_and_json_validates(tmp_path: Path) -> None:
    records = _jsonl(_run("sources", DEMO, "--format", "jsonl"))
    assert records and any(r["mentions"] for r in records)
    for record in records:
        _validate("source", record)
    _round_trips("sources", records, ["sources", DEMO], tmp_path)


def test_cluster_export_round_trips_and_json_validates(tmp_path: Path) -> None:
    records = _jsonl(_run("cluster", DEMO))
    assert len(records) == 4
    for record in records:
        _validate("cluster", record)
    _round_trips("cluster", records, ["cluster", DEMO], tmp_path)


def test_stories_export_round_trips_and_json_validates(store: str, tmp_path: Path) -> None:
    records = _jsonl(_run("stories", "--db", store, "--format", "jsonl"))
    assert records
    for record in records:
        _validate("story", record)
    as_array = json.loads(_run("stories", "--db", store, "--format", "json"))
    _validate("stories", as_array)
    assert as_array == records
    _round_trips("stories", records, ["stories", "--db", store], tmp_path)


def test_compare_facts_round_trip_to_the_report_json(tmp_path: Path) -> None:
    report = json.loads(_run("compare", DEMO, "--format", "json", "--no-group"))
    _validate("report", report)
    expected = {s["id"]: s["facts"] for s in report["stories"]}
    assert sum(len(f) for f in expected.values()) > 5
    spec = TABLES["facts"]
    args = ["compare", DEMO, "--no-group"]
    from_csv = read_csv(spec, io.StringIO(_run(*args, "--format", "csv")))
    assert _facts_as_json(facts_from_rows(from_csv)) == _facts_as_json(expected)
    out = tmp_path / "facts.parquet"
    _run(*args, "--format", "parquet", "-o", str(out))
    assert _facts_as_json(facts_from_rows(read_parquet(spec, out))) == _facts_as_json(expected)


def _facts_as_json(facts: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """Facts with the defaults the JSON omits filled in, for comparison."""
    return {
        story: [
            {
                **f,
                "context": bool(f.get("context", False)),
                "confidence": f.get("confidence", 1.0),
                "claim": f.get("claim", 0),
                "links": f.get("links", []),
                "statements": [
                    {**s, "context": bool(s.get("context", False))} for s in f["statements"]
                ],
            }
            for f in items
        ]
        for story, items in facts.items()
    }


def test_demo_report_json_validates(tmp_path: Path) -> None:
    _run("demo", "--output-dir", str(tmp_path))
    _validate("report", json.loads((tmp_path / "report.json").read_text(encoding="utf-8")))


def test_every_schema_is_valid_draft_2020_12() -> None:
    for name in SCHEMA_NAMES:
        jsonschema.Draft202012Validator.check_schema(load_schema(name))


def test_schema_refuses_a_drifted_record() -> None:
    record = _jsonl(_run("cluster", DEMO))[0]
    with pytest.raises(jsonschema.ValidationError):
        _validate("cluster", {**record, "unexpected": 1})


def test_parquet_needs_an_output_file() -> None:
    result = CliRunner().invoke(cli, ["quotes", DEMO, "--format", "parquet"])
    assert result.exit_code == 2
    assert "-o FILE" in result.output


def _hide(monkeypatch: pytest.MonkeyPatch, package: str) -> None:
    real = builtins.__import__

    def fake(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == package or name.startswith(package + "."):
            raise ImportError(f"No module named {package!r}")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake)


def test_missing_pyarrow_fails_only_when_used_with_the_pip_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _hide(monkeypatch, "pyarrow")
    result = CliRunner().invoke(
        cli, ["cluster", DEMO, "--format", "parquet", "-o", str(tmp_path / "x")]
    )
    assert result.exit_code == 2
    assert "pip install 'storylens[parquet]'" in result.output
    assert CliRunner().invoke(cli, ["cluster", DEMO, "--format", "csv"]).exit_code == 0


def test_report_to_pandas_has_one_frame_per_part(monkeypatch: pytest.MonkeyPatch) -> None:
    report = storylens.compare(DEMO, group=False)
    frames = report.to_pandas()
    assert set(frames) == {
        "articles",
        "facts",
        "quotes",
        "conflicts",
        "sources",
        "omissions",
        "repairs",
    }
    facts = frames["facts"]
    n_statements = sum(len(f.statements) for s in report.stories for f in s.facts)
    assert len(facts) == n_statements
    assert set(facts["status"]) == {"agreed", "partial", "unique", "conflicting"}
    assert len(frames["articles"]) == 4 and len(frames["conflicts"]) > 0
    _hide(monkeypatch, "pandas")
    with pytest.raises(MissingDependency, match=r"pip install 'storylens\[pandas\]'"):
        report.to_pandas()


# --------------------------------------------------------------------------- the API


def test_top_level_all_is_the_documented_api() -> None:
    assert storylens.__all__ == [
        "__version__",
        "Analyzed",
        "Article",
        "Filed",
        "Quote",
        "Rejection",
        "Report",
        "Source",
        "Span",
        "StoryReport",
        "StorylensError",
        "analyze",
        "cluster",
        "compare",
        "ingest",
        "load_schema",
        "normalize",
        "open_store",
        "quotes",
        "read",
        "sources",
    ]
    for name in storylens.__all__:
        assert getattr(storylens, name) is not None
        if name != "__version__":
            assert name in (storylens.__doc__ or "") or name[0].isupper()
    with pytest.raises(AttributeError):
        _ = storylens.no_such_thing  # type: ignore[attr-defined]


def test_import_storylens_is_cheap() -> None:
    code = (
        "import sys, storylens; heavy = [m for m in ('spacy', 'numpy', 'sqlalchemy', "
        "'onnxruntime', 'dateparser', 'storylens.model') if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_api_functions_on_the_demo() -> None:
    articles, rejected = storylens.read(DEMO)
    assert len(articles) == 4 and not rejected
    quotes = storylens.quotes(articles)
    assert quotes and all(
        next(a for a in articles if a.id == q.article).text[q.content.start : q.content.end]
        == q.content.text
        for q in quotes
    )
    assert all(q.direct for q in storylens.quotes(articles, direct_only=True))
    assert {s.article for s in storylens.sources(articles)} <= {a.id for a in articles}
    filed = storylens.cluster(DEMO)
    assert [f.id for f in filed] == [a.id for a in articles]
    report = storylens.compare(articles, group=False)
    assert isinstance(report, storylens.Report) and report.stories
    _validate("report", report.to_dict())


def test_api_names_shared_with_submodules_stay_callable(tmp_path: Path) -> None:
    """``import storylens.compare`` (the module) must not hide ``storylens.compare()``."""
    code = (
        "import storylens.compare, storylens.cluster, storylens.normalize, storylens\n"
        "assert callable(storylens.compare) and callable(storylens.cluster)\n"
        "assert storylens.compare.compare_articles is not None\n"
        "print(storylens.normalize('a  b').text)\n"
        "import storylens.ingest.clean\n"  # the readers' package, named as ingest()
        "assert callable(storylens.ingest) and storylens.ingest.read_inputs is not None\n"
        f"store = storylens.open_store({str(tmp_path / 's.db')!r})\n"
        "print(storylens.ingest(store, []).to_dict())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:2] == ["a b", "{'new': 0, 'duplicate': 0, 'rejected': 0}"]
