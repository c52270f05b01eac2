"""``storylens ingest``, ``stories`` and ``show`` on the packaged made-up demo story."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from storylens.analysis import RECORD_FORMAT, ArticleAnalysis, current_versions
from storylens.cli import cli
from storylens.cli.compare import demo_corpus
from storylens.store import open_store
from storylens.store.analyses import analysis_rows
from test_store import db  # noqa: F401  (the SQLite/PostgreSQL fixture, by name)


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, CliRunner]:
    """A store holding the demo story, ingested with full analysis, plus one rejected input."""
    folder = tmp_path_factory.mktemp("cli")
    empty = folder / "empty.txt"
    empty.write_text("", encoding="utf-8")
    db_file = folder / "demo.db"
    runner = CliRunner()
    result = runner.invoke(
        cli, ["ingest", str(demo_corpus()), str(empty), "--db", str(db_file), "--progress"]
    )
    assert result.exit_code == 1, result.output  # one input was rejected
    assert result.stdout.strip() == "4 new, 0 duplicate, 1 rejected"
    assert "ingest: 5 read, 4 new, 0 duplicate, 1 rejected" in result.stderr
    assert "rejected " + str(empty) in result.stderr
    return db_file, runner


def test_ingest_again_counts_duplicates(stored: tuple[Path, CliRunner]) -> None:
    db_file, runner = stored
    result = runner.invoke(cli, ["ingest", str(demo_corpus()), "--db", str(db_file)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "0 new, 4 duplicate, 0 rejected"


def _records(db_file: Path | str) -> dict[str, ArticleAnalysis]:
    """The current records the store holds, read back against their articles."""
    with open_store(db_file) as store:
        articles = {a.id: a for a in store.articles()}
        rows = analysis_rows(store, list(articles))
    versions = current_versions()
    return {
        i: ArticleAnalysis.from_payload(row.payload, row.vectors, articles[i])
        for i, row in rows.items()
        if row.is_current(RECORD_FORMAT, versions)
    }


def test_ingest_stores_one_current_record_per_article(stored: tuple[Path, CliRunner]) -> None:
    db_file, _ = stored
    records = _records(db_file)
    assert len(records) == 4
    for record in records.values():
        text = record.article.text
        assert record.sentences and record.quotes and record.statements
        assert record.vectors.shape[0] == len(record.statements)
        for sentence in record.sentences:
            assert (
                text[sentence.start : sentence.end].strip()
                == sentence.text
                == (text[sentence.start : sentence.end])
            )
        for quote in record.quotes:
            assert text[quote.content.start : quote.content.end] == quote.content.text


def test_stories_formats(stored: tuple[Path, CliRunner]) -> None:
    db_file, runner = stored
    result = runner.invoke(cli, ["stories", "--db", str(db_file), "--format", "json"])
    assert result.exit_code == 0, result.output
    (story,) = json.loads(result.stdout)
    assert story["size"] == 4 and story["title"]
    lines = runner.invoke(cli, ["stories", "--db", str(db_file), "--format", "jsonl"]).stdout
    assert [json.loads(line)["id"] for line in lines.splitlines()] == [story["id"]]
    table = runner.invoke(cli, ["stories", "--db", str(db_file)]).stdout
    assert story["id"] in table and "articles" in table.splitlines()[0]
    later = runner.invoke(cli, ["stories", "--db", str(db_file), "--since", "2999-01-01"])
    assert later.exit_code == 0 and "--------" in later.stdout and story["id"] not in later.stdout
    earlier = runner.invoke(
        cli, ["stories", "--db", str(db_file), "--since", "2000-01-01T00:00:00"]
    )
    assert story["id"] in earlier.stdout
    wrong = runner.invoke(cli, ["stories", "--db", str(db_file), "--since", "last week"])
    assert wrong.exit_code == 2 and "--since" in wrong.output


def test_show_renders_the_compare_report(stored: tuple[Path, CliRunner]) -> None:
    db_file, runner = stored
    (story,) = json.loads(
        runner.invoke(cli, ["stories", "--db", str(db_file), "--format", "json"]).stdout
    )
    as_json = runner.invoke(cli, ["show", story["id"], "--db", str(db_file), "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    report = json.loads(as_json.stdout)
    (shown,) = report["stories"]
    assert shown["id"] == story["id"]
    with open_store(db_file) as store:
        texts = {a.id: a.text for a in store.articles()}
    facts = shown["facts"]
    assert facts
    for fact in facts:
        for ref in fact["statements"]:
            assert texts[ref["article"]][ref["start"] : ref["end"]] == ref["text"]
    md = runner.invoke(cli, ["show", story["id"], "--db", str(db_file)])
    assert md.exit_code == 0 and md.stdout.startswith("# ")
    html = runner.invoke(cli, ["show", story["id"], "--db", str(db_file), "--format", "html"])
    assert html.exit_code == 0 and "<html" in html.stdout.lower()


def test_unknown_story_and_db_from_environment(
    stored: tuple[Path, CliRunner], monkeypatch: pytest.MonkeyPatch
) -> None:
    db_file, runner = stored
    monkeypatch.setenv("STORYLENS_DB", str(db_file))
    result = runner.invoke(cli, ["show", "s-nothing"])
    assert result.exit_code == 2
    assert "no story 's-nothing'" in result.output and "storylens stories" in result.output
    listed = runner.invoke(cli, ["stories", "--format", "jsonl"])
    assert listed.exit_code == 0 and len(listed.stdout.splitlines()) == 1


def test_ingest_and_list_on_either_database(db: str) -> None:  # noqa: F811
    """The commands take a PostgreSQL URL as well as a file (``db`` from test_store)."""
    runner = CliRunner()
    args = ["ingest", str(demo_corpus()), "--db", db, "--no-analyze"]
    assert runner.invoke(cli, args).stdout.strip() == "4 new, 0 duplicate, 0 rejected"
    assert runner.invoke(cli, args).stdout.strip() == "0 new, 4 duplicate, 0 rejected"
    listed = runner.invoke(cli, ["stories", "--db", db, "--format", "jsonl"])
    assert listed.exit_code == 0, listed.output
    assert [json.loads(line)["size"] for line in listed.stdout.splitlines()] == [4]


def test_an_extractor_failure_stores_the_article_and_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import storylens.extract.quotes as quotes
    from storylens.ingest import read_inputs
    from storylens.ingestion import ingest

    real = quotes.extract_quotes
    articles, _ = read_inputs([str(demo_corpus())])
    broken = articles[1].id

    def flaky(doc, norm, article_id):  # type: ignore[no-untyped-def]
        if article_id == broken:
            raise ValueError("made-up extractor bug")
        return real(doc, norm, article_id)

    monkeypatch.setattr(quotes, "extract_quotes", flaky)
    with open_store(tmp_path / "s.db") as store:
        counts = ingest(store, articles)
        assert counts.to_dict() == {"new": 4, "duplicate": 0, "rejected": 0}
    records = _records(tmp_path / "s.db")
    assert records[broken].error == "ValueError: made-up extractor bug"
    assert records[broken].quotes == () and records[broken].statements
    assert records[articles[0].id].quotes and records[articles[0].id].error is None
    assert "made-up extractor bug" in caplog.text


def test_articles_stored_without_analysis_are_analysed_by_a_later_run(tmp_path: Path) -> None:
    runner = CliRunner()
    db_file = str(tmp_path / "later.db")
    args = ["ingest", str(demo_corpus()), "--db", db_file]
    assert runner.invoke(cli, [*args, "--no-analyze"]).exit_code == 0
    assert _records(db_file) == {}
    second = runner.invoke(cli, args)
    assert second.stdout.strip() == "0 new, 4 duplicate, 0 rejected"
    assert "4 stored article(s) analysed again" in second.stderr
    assert len(_records(db_file)) == 4
    with open_store(db_file) as store:
        rows = store.count("article_analyses")
    third = runner.invoke(cli, args)
    assert "analysed again" not in third.stderr
    with open_store(db_file) as store:
        assert store.count("article_analyses") == rows == 4


def _show_json(runner: CliRunner, db_file: Path | str) -> tuple[dict, str]:  # type: ignore[type-arg]
    (story,) = json.loads(
        runner.invoke(cli, ["stories", "--db", str(db_file), "--format", "json"]).stdout
    )
    shown = runner.invoke(cli, ["show", story["id"], "--db", str(db_file), "--format", "json"])
    assert shown.exit_code == 0, shown.output
    return json.loads(shown.stdout), shown.stderr


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    import storylens.pipeline as pipeline

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("an article was parsed again")

    monkeypatch.setattr(pipeline, "analyze", refuse)


def test_show_reads_the_stored_records_and_parses_nothing(
    stored: tuple[Path, CliRunner], monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    from storylens.compare import compare_articles
    from storylens.model import Report
    from storylens.report import report_to_dict

    db_file, runner = stored
    with open_store(db_file) as store:
        (listed,) = store.stories()
        articles = store.story_articles(listed.id)
    from_text = replace(compare_articles(articles), id=listed.id, title=listed.title)
    _no_parsing(monkeypatch)
    report, err = _show_json(runner, db_file)
    assert "analysing" not in err
    assert report == json.loads(json.dumps(report_to_dict(Report(stories=(from_text,)))))


def test_show_keeps_the_cross_encoders_reads_and_makes_them_once(
    stored: tuple[Path, CliRunner], counted_reads: list[int]
) -> None:
    """The pairs a view reads with the cross-encoder are stored; the next view of the
    story (in any process) reads none again and says the same."""
    import sqlalchemy as sa

    asked = counted_reads
    db_file, runner = stored
    with open_store(db_file) as store, store.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM pair_reads"))
    first, _ = _show_json(runner, db_file)
    assert sum(asked) > 0
    with open_store(db_file) as store:
        assert store.count("pair_reads") == sum(asked)
    asked.clear()
    again, _ = _show_json(runner, db_file)
    assert asked == [] and again == first


def test_ingest_prepare_reads_the_changed_stories_so_their_first_show_reads_nothing(
    tmp_path: Path, counted_reads: list[int]
) -> None:
    """`ingest --prepare` compares the stories the run changed and keeps their pair reads:
    the first `show` then reads none and says what a show of an unprepared store says;
    a second run that adds nothing prepares nothing."""
    runner = CliRunner()
    plain, prepared = tmp_path / "plain.db", tmp_path / "prepared.db"
    assert runner.invoke(cli, ["ingest", str(demo_corpus()), "--db", str(plain)]).exit_code == 0
    assert counted_reads == []  # ingest alone reads no pairs
    done = runner.invoke(cli, ["ingest", str(demo_corpus()), "--db", str(prepared), "--prepare"])
    assert done.exit_code == 0, done.output
    made = sum(counted_reads)
    assert made > 0 and f"prepared 1 changed story ({made} new pair reads)" in done.stderr
    counted_reads.clear()
    first, _ = _show_json(runner, prepared)
    assert counted_reads == []
    assert first == _show_json(runner, plain)[0]
    again = runner.invoke(cli, ["ingest", str(demo_corpus()), "--db", str(prepared), "--prepare"])
    assert again.exit_code == 0 and "prepared 0 changed stories (0 new pair reads)" in again.stderr


def test_ingest_no_analyze_prepare_analyses_the_changed_stories_articles(
    tmp_path: Path,
) -> None:
    """With --no-analyze, --prepare makes the records the comparison needs and says so."""
    db_file = tmp_path / "lean.db"
    args = ["ingest", str(demo_corpus()), "--db", str(db_file), "--no-analyze", "--prepare"]
    done = CliRunner().invoke(cli, args)
    assert done.exit_code == 0, done.output
    assert "prepared 1 changed story (" in done.stderr
    assert "; 4 article(s) analysed)" in done.stderr
    assert len(_records(db_file)) == 4


def test_show_analyses_and_stores_what_an_older_ingest_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store written without records (--no-analyze, or by storylens before schema 5,
    or with a stale stage version) still shows; the records made are kept."""
    import sqlalchemy as sa

    runner = CliRunner()
    db_file = tmp_path / "old.db"
    args = ["ingest", str(demo_corpus()), "--db", str(db_file), "--no-analyze"]
    assert runner.invoke(cli, args).exit_code == 0
    with open_store(db_file) as store, store.engine.begin() as conn:  # back to schema 4
        conn.execute(sa.text("DROP TABLE article_analyses"))
        conn.execute(sa.text("DELETE FROM schema_migrations WHERE version = 5"))
    first, err = _show_json(runner, db_file)
    assert "analysing 4 article(s) stored without a current analysis" in err
    assert len(_records(db_file)) == 4
    with open_store(db_file) as store, store.engine.begin() as conn:  # one stage moved on
        conn.execute(
            sa.text("UPDATE article_analyses SET versions = :v WHERE article_id = :a"),
            {"v": json.dumps({**current_versions(), "quotes": "0"}), "a": "courier"},
        )
    again, err = _show_json(runner, db_file)
    assert "analysing 1 article(s)" in err and again == first
    _no_parsing(monkeypatch)
    last, err = _show_json(runner, db_file)
    assert "analysing" not in err and last == first


def test_show_stands_when_the_store_refuses_the_new_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import storylens.stored as stored
    from storylens.errors import StoreError

    runner = CliRunner()
    db_file = tmp_path / "busy.db"
    args = ["ingest", str(demo_corpus()), "--db", str(db_file), "--no-analyze"]
    assert runner.invoke(cli, args).exit_code == 0

    def refuse(*_: object) -> None:
        raise StoreError("made-up: the database is locked")

    monkeypatch.setattr(stored, "put_analyses", refuse)
    report, err = _show_json(runner, db_file)
    assert report["stories"][0]["facts"] and "analysing 4 article(s)" in err
    assert "made-up: the database is locked" in caplog.text
    assert _records(db_file) == {}
