"""One bad article never takes the batch down: each hostile input of issue 25 sits in a
batch between good made-up articles, goes through every command, and every good article
comes out while the bad one is cleaned or rejected with its reason.

The made-up articles tell invented events in invented towns. The long-article and
size-limit cases run here scaled down (the piece and character limits are lowered);
the full 5,242,880-character article runs with --runslow and in
benchmarks/robustness.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from storylens import pipeline
from storylens.cli import cli
from storylens.ingest import clean, read_inputs
from storylens.model import Article
from storylens.pipeline import analyze

GOOD = [
    {
        "id": "good-a",
        "outlet": "Harlow Gazette",
        "title": "Quarry road closed after rockfall",
        "published": "2031-03-04",
        "text": "The quarry road above Harlow was closed on Tuesday after a rockfall.\n"
        '"We will not reopen it until the slope is safe," said road warden Ilse Varro.\n'
        "Engineers expect to inspect the slope on Thursday.",
    },
    {
        "id": "good-b",
        "outlet": "Valley Wire",
        "title": "Rockfall shuts Harlow quarry road",
        "published": "2031-03-04",
        "text": "A rockfall shut the quarry road above Harlow on Tuesday.\n"
        '"The slope has to be made safe first," road warden Ilse Varro said.\n'
        "Residents were told to use the river road.",
    },
]
LONG_PIECE = 3_000  # the piece limit while these tests run (50,000 in use)
LIMIT = 40_000  # the character limit while these tests run (5,242,880 in use)


def _long_line(chars: int) -> str:
    """A one-line made-up article with a quote every few sentences, ``chars`` long."""
    out, size, k = [], 0, 0
    while size < chars:
        k += 1
        sentence = (
            f'"The dam at Orrin will hold," engineer Tam Rusk said in briefing {k}.'
            if k % 4 == 0
            else f"The water at the Orrin dam rose again in hour {k} of the storm."
        )
        out.append(sentence)
        size += len(sentence) + 1
    return " ".join(out)[:chars]


BAD = [
    ("surrogate", {"id": "bad-surrogate", "text": "A fire \ud800 broke out at the Elm mill."}),
    ("nul", {"id": "bad-nul", "text": "The Elm mill\x00 fire was put out by noon, crews said."}),
    ("number", {"id": "bad-number", "text": 12345}),
    ("too_long", {"id": "bad-too-long", "text": "word " * (LIMIT // 5 + 10)}),
    ("flood", {"id": "bad-flood", "text": 'The mayor said "' + '"' * 20_000}),
    ("long_line", {"id": "bad-long-line", "text": _long_line(12_000)}),
]


@pytest.fixture()
def small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clean, "MAX_CHARS", LIMIT)
    monkeypatch.setattr(pipeline, "PIECE_CHARS", LONG_PIECE)
    monkeypatch.setattr(pipeline, "BATCH_CHARS", LONG_PIECE)


def _jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


@pytest.fixture()
def hostile(tmp_path: Path, small_limits: None) -> Path:
    """A folder: good articles around every bad record, and bad files beside them."""
    folder = tmp_path / "in"
    folder.mkdir()
    records: list[dict[str, object]] = [GOOD[0]]
    for _, record in BAD:
        records.append(record)
    records.append(GOOD[1])
    _jsonl(folder / "corpus.jsonl", records)
    (folder / "latin.txt").write_bytes(
        "Le maire a déclaré que le pont de Harlow restera fermé.".encode("latin-1")
    )
    (folder / "utf16.txt").write_bytes(
        "The Harlow ferry ran again on Wednesday, its owner said.\n".encode("utf-16-le")
    )
    os.symlink(folder / "gone.txt", folder / "dangling.txt")
    os.mkfifo(folder / "pipe.txt")
    return folder


def _rejected(stderr: str) -> dict[str, str]:
    """origin -> reason, from the 'rejected ORIGIN: REASON: detail' lines."""
    out = {}
    for line in stderr.splitlines():
        if line.startswith("rejected "):
            origin, reason = line[len("rejected ") :].split(": ", 2)[:2]
            out[origin] = reason
    return out


def _expected_rejections(folder: Path) -> dict[str, str]:
    corpus = str(folder / "corpus.jsonl")
    return {
        f"{corpus}:4": "record",  # "text": 12345
        f"{corpus}:5": "too_long",
        str(folder / "latin.txt"): "encoding",
        str(folder / "dangling.txt"): "missing",
        str(folder / "pipe.txt"): "not_a_file",
    }


def _in_thread(fn: object, seconds: float) -> object:
    """Run ``fn()`` in a thread; fail the test if it does not end in ``seconds`` (a FIFO
    opened for reading blocks forever, so a hang must fail, not stall the suite)."""
    result: list[object] = []
    worker = threading.Thread(target=lambda: result.append(fn()), daemon=True)  # type: ignore[operator]
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still running after {seconds} s"
    return result[0]


def test_readers_keep_every_good_article_and_say_why_for_the_rest(hostile: Path) -> None:
    articles, rejected = _in_thread(lambda: read_inputs([str(hostile)]), 60)  # type: ignore[misc]
    ids = {a.id for a in articles}
    assert {"good-a", "good-b", "bad-surrogate", "bad-nul", "bad-flood", "bad-long-line"} <= ids
    assert {r.origin: r.reason for r in rejected} == _expected_rejections(hostile)
    by_id = {a.id: a for a in articles}
    # cleaned one for one: offsets are those of the text as given
    assert by_id["bad-surrogate"].text == "A fire \ufffd broke out at the Elm mill."
    assert len(by_id["bad-nul"].text) == len(BAD[1][1]["text"])  # type: ignore[arg-type]
    utf16 = next(a for a in articles if a.origin.endswith("utf16.txt"))
    assert utf16.text.startswith("The Harlow ferry ran again")
    reasons = {r.reason: r.detail for r in rejected}
    assert "not int" in reasons["record"]
    assert "iconv -f CP1252" in reasons["encoding"]
    assert "gone.txt" in reasons["missing"]


def test_latin1_hint_names_the_encoding_that_gives_the_text_back(tmp_path: Path) -> None:
    text = "Le maire a déclaré que le pont de Harlow restera fermé jusqu'à jeudi."
    path = tmp_path / "latin.txt"
    path.write_bytes(text.encode("latin-1"))
    _, (rejection,) = read_inputs([str(path)])
    encoding = rejection.detail.split("iconv -f ")[1].split()[0]
    assert encoding == "CP1252"
    assert path.read_bytes().decode(encoding) == text  # the hint is right, not cp775


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read(tmp_path: Path, codec: str) -> None:
    text = "Мэр Харлоу сказал, что паром снова ходит.\nThe Harlow ferry ran again.\n"
    path = tmp_path / "a.txt"
    path.write_bytes(text.encode(codec))
    (article,), rejected = read_inputs([str(path)])
    assert rejected == [] and article.text == text


def test_a_fifo_given_by_name_is_refused_without_opening_it(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.jsonl")
    articles, rejected = _in_thread(lambda: read_inputs([str(tmp_path / "pipe.jsonl")]), 20)  # type: ignore[misc]
    assert articles == [] and [r.reason for r in rejected] == ["not_a_file"]


def test_quotes_and_sources_go_on_past_every_bad_input(hostile: Path) -> None:
    runner = CliRunner()
    result = _in_thread(lambda: runner.invoke(cli, ["quotes", str(hostile)]), 300)
    assert result.exit_code == 1, result.output  # type: ignore[attr-defined]
    rows = [json.loads(line) for line in result.stdout.splitlines()]  # type: ignore[attr-defined]
    quoted = {row["id"] for row in rows}
    assert {"good-a", "good-b", "bad-long-line"} <= quoted
    assert _rejected(result.stderr) == _expected_rejections(hostile)  # type: ignore[attr-defined]
    texts = {a.id: a.text for a in read_inputs([str(hostile / "corpus.jsonl")])[0]}
    for row in rows:
        for key in ("content", "source", "cue"):
            span = row[key]
            if span and row["id"] in texts:
                assert texts[row["id"]][span["start"] : span["end"]] == span["text"]
    sources = runner.invoke(cli, ["sources", str(hostile), "--format", "jsonl"])
    assert sources.exit_code == 1, sources.output
    assert {"good-a", "good-b"} <= {json.loads(x)["article"] for x in sources.stdout.splitlines()}


def test_compare_and_cluster_go_on_past_every_bad_input(hostile: Path) -> None:
    runner = CliRunner()
    compared = runner.invoke(cli, ["compare", str(hostile), "--format", "json"])
    assert compared.exit_code == 1, compared.output
    report = json.loads(compared.stdout)
    told = {a["id"] for s in report["stories"] for a in s["articles"]}
    assert {"good-a", "good-b", "bad-surrogate", "bad-nul"} <= told
    assert {r["origin"]: r["reason"] for r in report["rejected"]} == _expected_rejections(hostile)
    clustered = runner.invoke(cli, ["cluster", str(hostile)])
    assert clustered.exit_code == 1, clustered.output
    stories = {json.loads(x)["id"]: json.loads(x)["story"] for x in clustered.stdout.splitlines()}
    assert stories["good-a"] == stories["good-b"] and "bad-surrogate" in stories


def test_ingest_stories_and_show_go_on_past_every_bad_input(hostile: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "s.db")
    stored = runner.invoke(cli, ["ingest", str(hostile), "--db", db])
    assert stored.exit_code == 1, stored.output
    assert _rejected(stored.stderr) == _expected_rejections(hostile)
    again = runner.invoke(cli, ["ingest", str(hostile), "--db", db])
    assert again.stdout.strip().startswith("0 new"), again.output  # nothing lost, nothing doubled
    listed = runner.invoke(cli, ["stories", "--db", db, "--format", "jsonl"])
    assert listed.exit_code == 0, listed.output
    stories = [json.loads(line) for line in listed.stdout.splitlines()]
    assert sum(s["size"] for s in stories) == 7  # the six stored records and the UTF-16 file
    for story in stories:
        shown = runner.invoke(cli, ["show", story["id"], "--db", db, "--format", "json"])
        assert shown.exit_code == 0, shown.output
        for fact in json.loads(shown.stdout)["stories"][0]["facts"]:
            assert fact["statements"]


def test_a_failure_inside_analysis_rejects_that_article_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import storylens.normalize as normalize_module

    real = normalize_module.normalize

    def broken(text: str):  # type: ignore[no-untyped-def]
        if "Elm mill" in text:
            raise RuntimeError("made-up normaliser bug")
        return real(text)

    monkeypatch.setattr(pipeline, "normalize", broken)
    articles = [
        Article(id=str(r["id"]), text=str(r["text"])) for r in (GOOD[0], BAD[0][1], GOOD[1])
    ]
    rejected: list[object] = []
    results = list(analyze(articles, on_reject=rejected.append))
    assert [r.article.id for r in results] == ["good-a", "good-b"]
    assert len(rejected) == 1 and "made-up normaliser bug" in rejected[0].detail  # type: ignore[attr-defined]


def test_long_one_line_article_is_analysed_in_pieces_with_exact_offsets(small_limits: None) -> None:
    text = _long_line(12_000)
    pieces = pipeline.split_pieces(pipeline.normalize(text))
    assert len(pieces) >= 4 and all(e - s <= LONG_PIECE for s, e in pieces)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(pieces, pieces[1:], strict=False))
    (result,) = analyze([Article(id="long", text=text)])
    assert result.doc.text == result.norm.text
    assert len(result.quotes) >= 30
    speakers = {q.speaker for q in result.quotes}
    assert speakers == {"Tam Rusk"}
    for q in result.quotes:
        for span in (q.content, q.source, q.cue):
            if span is not None:
                assert text[span.start : span.end] == span.text
    for s in result.sentences:
        assert text[s.start : s.end] == s.text
    ends = [s.end for s in result.sentences]
    assert ends == sorted(ends) and ends[-1] > len(text) - 100
    (tally,) = [s for s in result.sources if s.name == "Tam Rusk"]
    assert tally.quotes == len(result.quotes)


def test_a_quote_that_runs_over_paragraphs_is_not_cut(small_limits: None) -> None:
    filler = "The river at Orrin rose in the night. " * 60  # 2,280 characters
    text = (
        filler
        + '\n\n"The dam will hold through the storm,\n\n"and the town will stay dry," '
        + "engineer Tam Rusk said.\n\n"
        + filler
    )
    cuts = [end for _, end in pipeline.split_pieces(pipeline.normalize(text))[:-1]]
    quote_start = text.index('"The dam')
    quote_end = text.index('," engineer')
    assert not any(quote_start < cut <= quote_end for cut in cuts)


def test_a_flood_of_quote_marks_takes_linear_time() -> None:
    """The issue: 10,000 marks took 12.8 s and 100,000 did not finish in 300 s."""
    timings = []
    for n in (10_000, 40_000):
        text = 'The mayor of Orrin said "' + '"' * n + "\nThe council met."
        clock = time.process_time()  # CPU time: what other work on the machine cannot inflate
        (result,) = analyze([Article(id=f"flood-{n}", text=text)])
        timings.append(time.process_time() - clock)
        assert result.norm.cleaned and result.norm.cleaned[-1].kind == "mark_run"
        for s in result.sentences:
            assert text[s.start : s.end] == s.text
    assert timings[1] < 10.0, timings  # the benchmark runs 100,000 marks in under 5 s


@pytest.mark.parametrize(
    "run",
    ["!" * 30_000, "(" * 30_000, ")" * 30_000, "\"'" * 15_000, "“”" * 15_000, "\u2014" * 30_000],
)
def test_any_run_of_marks_is_cut_before_the_tokenizer(run: str) -> None:
    text = f"The Orrin council said {run} and left."
    clock = time.process_time()
    (result,) = analyze([Article(id="run", text=text)])
    assert time.process_time() - clock < 10.0
    assert len(result.norm.text) < 100
    assert result.norm.span(0, len(result.norm.text)).text == text


def test_foreign_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    import sqlite3

    other = tmp_path / "otherapp.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE articles (x)")
        conn.execute("INSERT INTO articles VALUES (1)")
    before = other.read_bytes()
    corpus = _jsonl(tmp_path / "c.jsonl", GOOD)
    runner = CliRunner()
    for args in (
        ["stories"],
        ["show", "s-anything"],
        ["ingest", str(corpus)],
        ["serve", "--port", "1"],
    ):
        result = runner.invoke(cli, [*args, "--db", str(other)])
        assert result.exit_code == 2, (args, result.output)
        assert "was not created by storylens" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert result.exception is None or isinstance(result.exception, SystemExit)
    assert other.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.jsonl", "otherapp.db"]


def test_reading_commands_never_create_a_store(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = tmp_path / "none.db"
    for args in (["stories"], ["show", "s-x"], ["serve", "--port", "1"]):
        result = runner.invoke(cli, [*args, "--db", str(missing)])
        assert result.exit_code == 2 and "there is no store" in result.stderr, result.output
    assert not missing.exists()


@pytest.mark.slow
def test_a_five_megabyte_line_beside_good_files(tmp_path: Path) -> None:
    """The issue's case at full size: 5,242,880 characters on one line beside two good
    files, through `storylens quotes` in its own process (its peak memory is measured)."""
    folder = tmp_path / "in"
    folder.mkdir()
    _jsonl(folder / "a.jsonl", [GOOD[0]])
    (folder / "b.txt").write_text(_long_line(5_242_880), encoding="utf-8")
    _jsonl(folder / "c.jsonl", [GOOD[1]])
    script = (
        "import resource, sys\n"
        "from storylens.cli import main\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print('PEAK_KB', peak, file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, "quotes", str(folder), "--no-progress"],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    ids = {json.loads(line)["id"] for line in done.stdout.splitlines()}
    assert {"good-a", "good-b"} <= ids and len(ids) == 3
    peak_kb = int(done.stderr.split("PEAK_KB")[1].split()[0])
    assert peak_kb < 1024 * 1024, f"peak {peak_kb / 1024:.0f} MB"
