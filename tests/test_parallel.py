"""--jobs N: results in input order, failures recorded in place, bounded read-ahead, one
thread per worker, a dead worker a clear error, and command output byte-identical to
--jobs 1."""

from __future__ import annotations

import itertools
import json
import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from storylens import parallel
from storylens.cli import cli
from storylens.errors import ModelError, RejectedInput, WorkerError
from storylens.model import Article, Rejection
from storylens.parallel import iter_batch_outcomes, iter_outcomes

DEMO = (
    Path(__file__).resolve().parents[1] / "src" / "storylens" / "data" / "demo" / "articles.jsonl"
)

# Made-up articles about made-up events, besides the demo corpus.
FERRY = (
    "Pellmouth opens its new ferry terminal\n"
    "PELLMOUTH, 2031-05-02 - The Pellmouth ferry terminal opened on Monday after three "
    "years of work.\n"
    "\u201cThis is a good day for the island,\u201d said Mayor Ana Pell.\n"
    "Pell said the terminal would handle 4,000 passengers a day by next summer, and the "
    "harbour board expects the first night crossing on Friday.\n"
)
DAM = (
    "Water authority lowers Tarnby reservoir after cracks are found\n"
    "The Tarnby water authority began lowering the reservoir on Tuesday after engineers "
    "found cracks in the dam wall, according to a statement.\n"
    "\u201cThere is no danger to the town,\u201d chief engineer Lise Varga told reporters.\n"
    "Residents were told the work would last three weeks.\n"
)


# ---------------------------------------------------------------------------- the library
# (functions at module level: the workers import them by name)


def _length(article: Article) -> tuple[str, int]:
    if article.id == "boom":
        raise RuntimeError("made-up bug")
    if article.id == "refused":
        raise RejectedInput("made_up", "this article is refused on purpose")
    return article.id, len(article.text)


def _settings(article: Article) -> tuple[str | None, int, int]:
    from storylens.nlp import default_threads

    return os.environ.get("OMP_NUM_THREADS"), default_threads(), os.getpid()


def _die(article: Article) -> str:
    if article.id == "doomed":
        os.kill(os.getpid(), signal.SIGKILL)  # what the out-of-memory killer does
    return article.id


def _missing_model(article: Article) -> str:
    raise ModelError("no model here; install it with: pip install made-up-model")


def _lengths(articles: list[Article]) -> list[tuple[str, int, int] | Rejection]:
    """A batch function: (id, length, size of the batch it came in) per article; "refused"
    gets its Rejection in its place, and "boom" breaks any batch it is in."""
    if any(a.id == "boom" for a in articles):
        raise RuntimeError("made-up batch bug")
    return [
        Rejection(a.origin, "made_up", "refused in the batch")
        if a.id == "refused"
        else (a.id, len(a.text), len(articles))
        for a in articles
    ]


def _die_in_batch(articles: list[Article]) -> list[str]:
    return [_die(a) for a in articles]


def _short_batch(articles: list[Article]) -> list[str]:
    return [a.id for a in articles[1:]]


def _articles(n: int) -> list[Article]:
    return [Article(id=f"a{i}", text="x" * (i + 1), origin=f"in.jsonl:{i + 1}") for i in range(n)]


def _within(seconds: float, fn: object) -> object:
    """``fn()`` in a thread; fail (rather than hang the suite) when it takes longer."""
    box: list[object] = []
    worker = threading.Thread(target=lambda: box.append(_caught(fn)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still running after {seconds} s"
    return box[0]


def _caught(fn: object) -> object:
    try:
        return fn()  # type: ignore[operator]
    except Exception as exc:
        return exc


@pytest.mark.parametrize("jobs", [1, 2])
def test_results_in_input_order_with_failures_in_their_place(jobs: int) -> None:
    items: list[Article | Rejection] = _articles(9)
    items[2] = Article(id="boom", text="b", origin="in.jsonl:3")
    items[5] = Rejection("in.jsonl:6", "record", "not a JSON object")
    items[7] = Article(id="refused", text="r", origin="in.jsonl:8")
    out = list(iter_outcomes(_length, items, jobs=jobs, min_pool=0, step="measuring"))
    assert [o if isinstance(o, tuple) else o.origin for o in out] == [
        ("a0", 1),
        ("a1", 2),
        "in.jsonl:3",
        ("a3", 4),
        ("a4", 5),
        "in.jsonl:6",
        ("a6", 7),
        "in.jsonl:8",
        ("a8", 9),
    ]
    boom, passed, refused = out[2], out[5], out[7]
    assert isinstance(boom, Rejection) and boom.reason == "analysis"
    assert "measuring failed (RuntimeError: made-up bug)" in boom.detail
    assert passed == items[5]
    assert refused == Rejection("in.jsonl:8", "made_up", "this article is refused on purpose")


@pytest.mark.parametrize("jobs", [1, 2])
def test_batches_keep_input_order_and_one_bad_article_fails_alone(jobs: int) -> None:
    items: list[Article | Rejection] = _articles(11)
    items[2] = Article(id="boom", text="b", origin="in.jsonl:3")
    items[5] = Rejection("in.jsonl:6", "record", "not a JSON object")
    items[7] = Article(id="refused", text="r", origin="in.jsonl:8")
    out = list(
        iter_batch_outcomes(_lengths, items, jobs=jobs, min_pool=0, chunk=4, step="measuring")
    )
    assert [o[0] if isinstance(o, tuple) else o.origin for o in out] == [
        "a0", "a1", "in.jsonl:3", "a3", "a4", "in.jsonl:6", "a6", "in.jsonl:8", "a8", "a9", "a10",
    ]  # fmt: skip
    boom, passed, refused = out[2], out[5], out[7]
    assert isinstance(boom, Rejection) and boom.reason == "analysis"
    assert "measuring failed (RuntimeError: made-up batch bug)" in boom.detail
    assert passed == items[5]
    assert refused == Rejection("in.jsonl:8", "made_up", "refused in the batch")
    # the chunk with the bad article ran again each alone; in process the others ran whole
    sizes = [o[2] for o in out if isinstance(o, tuple)]
    assert sizes[:3] == [1, 1, 1]
    if jobs == 1:
        assert sizes[3:] == [3, 3, 3, 3, 3]


def test_the_last_chunks_are_cut_smaller_so_the_workers_end_together() -> None:
    out = list(iter_batch_outcomes(_lengths, _articles(40), jobs=2, min_pool=0, chunk=8))
    assert [o[0] for o in out] == [f"a{i}" for i in range(40)]  # type: ignore[index]
    assert [o[2] for o in out] == [8] * 24 + [2] * 16  # type: ignore[index]


def test_a_dead_worker_in_a_batch_is_a_clear_error() -> None:
    items = _articles(12)
    items[6] = Article(id="doomed", text="z", origin="in.jsonl:7")
    result = _within(
        120, lambda: list(iter_batch_outcomes(_die_in_batch, items, jobs=2, min_pool=0, chunk=3))
    )
    assert isinstance(result, WorkerError), result
    assert "SIGKILL" in str(result) and "in.jsonl:" in str(result)


def test_a_batch_function_that_loses_results_is_a_bug_not_a_rejection() -> None:
    with pytest.raises(TypeError, match="one per article"):
        list(iter_batch_outcomes(_short_batch, _articles(4), jobs=1, chunk=4))


def test_workers_run_their_math_libraries_at_one_thread() -> None:
    before = os.environ.get("OMP_NUM_THREADS")
    out = list(iter_outcomes(_settings, _articles(12), jobs=2, min_pool=0))
    assert {(omp, threads) for omp, threads, _ in out} == {("1", 1)}  # type: ignore[misc]
    assert os.getpid() not in {pid for _, _, pid in out}  # type: ignore[misc]
    assert len({pid for _, _, pid in out}) <= 2  # type: ignore[misc]
    assert os.environ.get("OMP_NUM_THREADS") == before  # the parent's setting is left as it was


def test_read_ahead_is_bounded_even_for_an_endless_stream() -> None:
    read = 0

    def endless() -> Iterator[Article]:
        nonlocal read
        for i in itertools.count():
            read += 1
            yield Article(id=f"e{i}", text="y")

    first = _within(120, lambda: list(itertools.islice(
        iter_outcomes(_length, endless(), jobs=2, min_pool=0), 5)))  # fmt: skip
    assert isinstance(first, list) and [r[0] for r in first] == [f"e{i}" for i in range(5)]
    ahead = 2 * parallel.CHUNKS_IN_FLIGHT * parallel.CHUNK_ARTICLES + parallel.CHUNK_ARTICLES
    assert read <= 5 + ahead


def test_a_dead_worker_is_a_clear_error_not_a_hang() -> None:
    items = _articles(12)
    items[6] = Article(id="doomed", text="z", origin="in.jsonl:7")
    result = _within(120, lambda: list(iter_outcomes(_die, items, jobs=2, min_pool=0)))
    assert isinstance(result, WorkerError), result
    message = str(result)
    assert "SIGKILL" in message and "out-of-memory" in message
    assert "in.jsonl:" in message and "fewer --jobs" in message


def test_an_error_that_is_not_the_articles_fault_stops_the_run() -> None:
    with pytest.raises(ModelError, match="pip install made-up-model"):
        list(iter_outcomes(_missing_model, _articles(8), jobs=2, min_pool=0))


def test_a_small_input_runs_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a pool was started for a small input")

    monkeypatch.setattr(parallel, "_pooled", no_pool)
    out = list(iter_outcomes(_settings, _articles(parallel.MIN_POOL_ARTICLES - 1), jobs=2))
    assert {pid for _, _, pid in out} == {os.getpid()}  # type: ignore[misc]


def test_a_function_that_cannot_go_to_a_worker_is_refused_before_any_work() -> None:
    with pytest.raises(TypeError, match="module-level function"):
        list(iter_outcomes(lambda a: a.id, _articles(4), jobs=2, min_pool=0))


# ---------------------------------------------------------------------------- the commands


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder: the demo corpus with rejected records in the middle, and two text files."""
    folder = tmp_path_factory.mktemp("jobs")
    lines = DEMO.read_text(encoding="utf-8").splitlines()
    middle = [
        json.dumps({"id": "bad-text", "text": 12345}),  # rejected by the reader
        json.dumps({"id": "blank", "text": "   \n  "}),  # rejected: empty
    ]
    (folder / "a.jsonl").write_text("\n".join(lines[:2] + middle + lines[2:]) + "\n", "utf-8")
    (folder / "b-ferry.txt").write_text(FERRY, encoding="utf-8")
    (folder / "c-dam.txt").write_text(DAM, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    "command",
    [
        ["quotes", "--format", "jsonl"],
        ["sources", "--format", "jsonl"],
        ["timex", "--published", "2031-04-08"],
        ["cluster", "--format", "jsonl"],
        ["compare", "--format", "json"],
    ],
    ids=["quotes", "sources", "timex", "cluster", "compare"],
)
def test_jobs_2_prints_exactly_what_jobs_1_prints(
    command: list[str], corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "MIN_POOL_ARTICLES", 0)  # workers even for a small input
    runs = {
        jobs: CliRunner().invoke(cli, [*command, str(corpus), "--jobs", jobs])
        for jobs in ("1", "2")
    }
    one, two = runs["1"], runs["2"]
    assert one.exit_code == 1, one.output  # the rejected records
    assert two.exit_code == 1, two.output
    assert one.stdout and two.stdout == one.stdout
    assert two.stderr == one.stderr
    assert "rejected" in one.stderr and "a.jsonl:3" in one.stderr and "a.jsonl:4" in one.stderr
    if command[0] == "compare":
        report = json.loads(one.stdout)
        printed = {a["id"] for story in report["stories"] for a in story["articles"]}
        origins = [r["origin"] for r in report["rejected"]]
        assert origins[0].endswith("a.jsonl:3") and origins[1].endswith("a.jsonl:4")
    else:
        key = "article" if command[0] == "sources" else "id"
        printed = {json.loads(line)[key] for line in one.stdout.splitlines()}
    assert "courier" in printed  # articles after the rejected records are there too


def test_cluster_features_in_chunks_are_those_of_one_article_at_a_time(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`cluster` featurises a chunk of articles together (spaCy's NER as one batch): the
    stories are those of featurising each article alone."""
    from storylens.cli import cluster as cluster_cli

    runs = {}
    for size in (1, 32):
        monkeypatch.setattr(cluster_cli, "FEATURE_CHUNK", size)
        runs[size] = CliRunner().invoke(cli, ["cluster", str(corpus), "--format", "jsonl"])
    assert runs[1].exit_code == 1 and runs[32].exit_code == 1  # the rejected records
    assert runs[1].stdout and runs[32].stdout == runs[1].stdout
    assert len(runs[1].stdout.splitlines()) > 3


def test_jobs_must_be_at_least_one(corpus: Path) -> None:
    result = CliRunner().invoke(cli, ["quotes", str(corpus), "--jobs", "0"])
    assert result.exit_code == 2 and "--jobs" in result.stderr


def test_an_article_that_breaks_the_clusterer_is_rejected_and_the_rest_clustered(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storylens.cluster import StoryClusterer

    real = StoryClusterer.add

    def add(self: StoryClusterer, features: object) -> object:
        if features.id == "wire":  # type: ignore[attr-defined]
            raise RuntimeError("made-up clusterer bug")
        return real(self, features)  # type: ignore[arg-type]

    monkeypatch.setattr(StoryClusterer, "add", add)
    result = CliRunner().invoke(cli, ["cluster", str(corpus), "--jobs", "1"])
    assert result.exit_code == 1, result.output
    printed = {json.loads(line)["id"] for line in result.stdout.splitlines()}
    assert "wire" not in printed and {"courier", "ledger"} <= printed
    assert "clustering failed on this article (RuntimeError: made-up clusterer bug)" in (
        result.stderr
    )


def test_compare_from_the_workers_records_is_the_librarys_compare(corpus: Path) -> None:
    """The command compares from records made by the workers' prepare_articles; the
    library's `compare` parses the batch together: the reports are the same."""
    from storylens.compare import compare
    from storylens.ingest import read_inputs
    from storylens.report import render

    articles, rejected = read_inputs([str(corpus)])
    expected = render(compare(articles, rejected), "json")
    result = CliRunner().invoke(cli, ["compare", str(corpus), "--format", "json", "--jobs", "1"])
    assert result.exit_code == 1, result.output
    assert result.stdout == expected
