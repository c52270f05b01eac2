"""``storylens timex``: both output formats, publication dates, rejected inputs."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from storylens.cli import cli

TEXT = "The Pellmouth ferry resumed on Monday after two weeks of repairs.\nIt now sails daily.\n"


def _jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "ferry.jsonl"
    rows = [
        {"id": "ferry-1", "published": "2014-03-25", "text": TEXT},
        {"id": "ferry-2", "published": None, "text": "The pier reopened last year."},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_jsonl_rows_have_the_documented_shape_and_exact_offsets(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["timex", str(_jsonl(tmp_path))])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert all(set(r) == {"id", "start", "end", "text", "type", "value"} for r in rows)
    first = [(r["text"], r["type"], r["value"]) for r in rows if r["id"] == "ferry-1"]
    assert first == [
        ("Monday", "DATE", "2014-03-24"),
        ("two weeks", "DURATION", "P2W"),
        ("now", "DATE", "PRESENT_REF"),
        ("daily", "SET", "P1D"),
    ]
    for r in rows:
        if r["id"] == "ferry-1":
            assert TEXT[r["start"] : r["end"]] == r["text"]
    # no publication date: the year stays unknown
    assert [(r["text"], r["value"]) for r in rows if r["id"] == "ferry-2"] == [
        ("last year", "XXXX")
    ]


def test_published_option_fills_in_a_missing_date_only(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["timex", str(_jsonl(tmp_path)), "--published", "2001-06-01"])
    assert result.exit_code == 0, result.output
    values = {
        json.loads(line)["text"]: json.loads(line)["value"] for line in result.stdout.splitlines()
    }
    assert values["last year"] == "2000"
    assert values["Monday"] == "2014-03-24"  # the article's own date wins


def test_table_format(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["timex", str(_jsonl(tmp_path)), "--format", "table"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["article", "offsets", "type", "value", "text"]
    assert any("DURATION" in line and "P2W" in line and "two weeks" in line for line in lines)


def test_bad_inputs_are_reported_and_the_rest_goes_on(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02\xff" * 10)
    result = CliRunner().invoke(
        cli, ["timex", str(_jsonl(tmp_path)), str(empty), str(binary), str(tmp_path / "nope.txt")]
    )
    assert result.exit_code == 1
    assert result.stderr.count("rejected") >= 3
    assert "ferry-1" in result.stdout


def test_a_malformed_published_date_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["timex", str(_jsonl(tmp_path)), "--published", "2014-13-45"])
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output


def test_listed_in_help() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert "timex" in result.output
