"""`storylens spark`: the same clusters and reports as `storylens cluster` and `compare`,
outputs written whole or not at all, and a run killed mid-way and started again losing
and doubling nothing. One local[1] session for the module, on a few made-up articles."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from storylens.cli import cli
from storylens.errors import MissingDependency

DEMO = (
    Path(__file__).resolve().parents[1] / "src" / "storylens" / "data" / "demo" / "articles.jsonl"
)
# Made-up articles about made-up events, besides the demo corpus (a second story).
FERRY = {
    "id": "ferry",
    "outlet": "Pellmouth Post",
    "title": "Pellmouth opens its new ferry terminal",
    "published": "2031-05-02",
    "text": "The Pellmouth ferry terminal opened on Monday after three years of work.\n"
    "\u201cThis is a good day for the island,\u201d said Mayor Ana Pell.\n"
    "Pell said the terminal would handle 4,000 passengers a day by next summer.\n",
}


def _spark_missing() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "PySpark is not installed: pip install 'storylens[spark]'"
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        return "Java is not installed: apt-get install default-jre-headless"
    return None


@pytest.fixture(scope="module")
def spark() -> Iterator[object]:
    missing = _spark_missing()
    if missing:
        pytest.skip(missing)
    from storylens.spark import start_session

    session = start_session("local[1]", "storylens-tests")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo corpus with a rejected record and a blank line in the middle, and a
    second story after it."""
    lines = DEMO.read_text(encoding="utf-8").splitlines()
    middle = [json.dumps({"id": "bad-text", "text": 12345}), ""]
    path = tmp_path_factory.mktemp("spark") / "articles.jsonl"
    path.write_text("\n".join(lines[:2] + middle + lines[2:] + [json.dumps(FERRY)]) + "\n")
    return path


@pytest.fixture(scope="module")
def single_machine(corpus: Path) -> dict[str, object]:
    """What `storylens cluster` and `storylens compare` print for the corpus."""
    runs = {
        name: CliRunner().invoke(cli, [name, "--format", fmt, str(corpus), "--jobs", "1"])
        for name, fmt in (("cluster", "jsonl"), ("compare", "json"))
    }
    for result in runs.values():
        assert result.exit_code == 1, result.output  # the rejected record
    report = json.loads(runs["compare"].stdout)
    return {
        "clusters": [json.loads(line) for line in runs["cluster"].stdout.splitlines()],
        "stories": {story["id"]: story for story in report["stories"]},
        "rejected": [r["origin"] for r in report["rejected"]],
    }


def _rows(folder: Path) -> list[dict[str, object]]:
    import pyarrow.parquet as pq

    files = sorted(folder.glob("part-*.parquet"))
    return [row for f in files for row in pq.read_table(f).to_pylist()]


def test_spark_gives_the_single_machine_clusters_and_reports(
    spark: object, corpus: Path, single_machine: dict[str, object], tmp_path: Path
) -> None:
    from storylens.spark import run

    out = tmp_path / "out"
    summary = run(spark, "compare", [str(corpus)], str(out))  # type: ignore[arg-type]
    assert (summary.articles, summary.rejected, summary.reused) == (5, 1, False)
    assert _rows(out / "clusters") == single_machine["clusters"]  # the same rows, in order
    assert len({row["story"] for row in _rows(out / "clusters")}) == 2  # the demo, the ferry
    reports = {row["story"]: json.loads(row["report"]) for row in _rows(out / "reports")}
    assert reports == single_machine["stories"]
    assert all(json.loads(row["rejected"]) == [] for row in _rows(out / "reports"))
    records = _rows(out / "records")
    assert sorted(r["origin"] for r in records if r["reason"]) == single_machine["rejected"]
    # a second run over the same inputs reads the records back instead of analysing again
    again = run(spark, "cluster", [str(corpus)], str(out))  # type: ignore[arg-type]
    assert again.reused and _rows(out / "clusters") == single_machine["clusters"]
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_a_run_killed_midway_and_started_again_loses_and_doubles_nothing(
    spark: object, corpus: Path, single_machine: dict[str, object], tmp_path: Path
) -> None:
    from storylens.spark import run

    out = tmp_path / "out"
    storylens = Path(sys.executable).with_name("storylens")
    command = [
        str(storylens),
        "spark",
        "cluster",
        str(corpus),
        "-o",
        str(out),
        "--master",
        "local[1]",
    ]
    job = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline and job.poll() is None:
            if out.exists() and any(p.name.startswith(".records.tmp-") for p in out.iterdir()):
                break  # Spark is writing the records: kill the job (JVM and workers) now
            time.sleep(0.05)
        assert job.poll() is None, "the job ended before it could be killed"
    finally:
        os.killpg(job.pid, signal.SIGKILL)
        job.wait(30)
    assert not (out / "records").exists()  # nothing half-written in place
    summary = run(spark, "cluster", [str(corpus)], str(out))  # type: ignore[arg-type]
    assert not summary.reused
    assert _rows(out / "clusters") == single_machine["clusters"]
    records = _rows(out / "records")
    assert len(records) == 6 and len({r["order"] for r in records}) == 6  # nothing doubled
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []  # leftovers gone


def test_missing_java_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip(
        "pyspark", reason="PySpark is not installed: pip install 'storylens[spark]'"
    )
    from storylens import spark as spark_module

    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(spark_module.shutil, "which", lambda name: None)
    with pytest.raises(MissingDependency, match="default-jre-headless"):
        spark_module.start_session("local[1]")


def test_missing_pyspark_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from storylens import spark as spark_module

    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(MissingDependency, match=r"storylens\[spark\]"):
        spark_module.start_session("local[1]")


def test_inputs_of_other_formats_are_refused_with_the_fix(tmp_path: Path) -> None:
    from storylens.errors import InputError
    from storylens.spark import input_files

    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(InputError, match="JSONL"):
        input_files([str(tmp_path / "notes.txt")])
    with pytest.raises(InputError, match="no JSONL or Parquet"):
        input_files([str(tmp_path)])
    with pytest.raises(InputError, match="no such file"):
        input_files([str(tmp_path / "absent.jsonl")])
