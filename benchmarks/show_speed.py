"""`storylens show` and a story page from the stored analyses, against the re-parse they
replaced; and what writing the analyses costs at ingest.

    nice python benchmarks/show_speed.py [--base COMMIT] [--repeat N]

Runs the same script twice, one after the other in one sitting, each in a process of
its own: once on this checkout's code ("records") and once on the code of ``--base``
(by default 3ab9621, the last commit before the analysis records, whose ``show`` and
story pages compared from the raw text; its ``src/`` is taken with ``git archive``).
Each run:

1. loads the models (one made-up article through the analysis) so no timing below
   holds a model's loading;
2. ingests the packaged demo story and ../shared/data/recession into a fresh SQLite
   file with the full analysis (timed: articles/s), and measures the bytes the
   analyses take (records: ``article_analyses`` payload and vectors; base:
   ``stage_outputs`` payloads) and the file; records only, then times what
   ``ingest --prepare`` adds (``prepare_stories``: each story of two or more articles
   compared, its pair reads stored);
3. times ``storylens show STORY`` (Markdown, through the click command, in process)
   ``--repeat`` times (the fastest counts) on the largest stored story and on the demo
   story; the same command in a new process each time, as a user runs it (models
   loaded as needed); and an uncached story page (``GET /stories/ID`` on a new Catalog and app each
   time, no report processes) as often; before those, records only, one run with the
   store's cross-encoder reads deleted (a story's first view after its ingest);
4. records only: the same with the story's records deleted first (what an older store
   costs the first time: analyse, store the records, compare).

The two clusterers are the same code, so both runs store the same stories. Writes
benchmarks/results/show_speed.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
BASE = "3ab9621"  # main before the analysis records (issue 23 part 1)
RECORD_STAGES = ("statements", "statement_vectors")  # what ingest does beyond the base

# Runs in a process of its own with PYTHONPATH at one version's src/: sets up (models,
# ingest), prints one JSON line, then times what each line on stdin asks ("show largest",
# "forget demo": delete the story's records) and answers with one JSON line each.
RUNNER = r"""
import json, os, sys, tempfile, time
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import text as sql

from storylens.cli import cli
from storylens.cli.compare import demo_corpus
from storylens.ingest import iter_inputs
from storylens.model import Article
from storylens.pipeline import analyze
from storylens.store import open_store

try:
    from storylens.ingestion import ingest
    RECORDS = True
except ImportError:  # the base version
    from storylens.store import ingest
    RECORDS = False

corpus = Path(sys.argv[1])
warm = Article(id="warm", text="The ferry left Ostvale on Tuesday, the harbour master said.")
list(analyze([warm]))
from storylens.nlp import load_embedder
load_embedder().embed(["warm"])
if RECORDS:
    from storylens.analysis import analyse_article
    analyse_article(warm)

import storylens
out = {"records": RECORDS, "module": storylens.__file__}
tmp = Path(tempfile.mkdtemp())
db = tmp / "store.db"
items = list(iter_inputs([str(demo_corpus()), str(corpus)]))
stages = {}


def timer(stage, seconds):
    stages[stage] = stages.get(stage, 0.0) + seconds


try:  # `ingest --prepare` (this checkout only)
    from storylens.store.store import now
    from storylens.stored import prepare_stories
except ImportError:
    prepare_stories = None
clock = time.perf_counter()
with open_store(db) as store:
    since = now() if prepare_stories is not None else None
    counts = ingest(store, items, timer=timer)
    out["ingest_s"] = time.perf_counter() - clock
    out["ingest_stages_s"] = {k: round(v, 2) for k, v in sorted(stages.items())}
    if prepare_stories is not None:
        clock = time.perf_counter()
        prepared = prepare_stories(store, since)
        out["prepare"] = {"seconds": time.perf_counter() - clock, "stories": prepared.stories,
                          "reads": prepared.reads}
    out["articles"] = counts.new
    stories = store.stories()
    big = max(stories, key=lambda s: (s.size, s.id))
    demo = next(s for s in stories if any(a.id == "courier" for a in store.story_articles(s.id)))
    table, vectors = ("article_analyses", "length(vectors)") if RECORDS else ("stage_outputs", "0")
    with store.engine.connect() as conn:
        json_bytes, vector_bytes = conn.execute(
            sql(f"SELECT sum(length(CAST(payload AS BLOB))), sum({vectors}) FROM {table}")).one()
    out["analysis_bytes"] = int(json_bytes) + int(vector_bytes)
    out["vector_bytes"] = int(vector_bytes)
    ids = {s.id: [a.id for a in store.story_articles(s.id)] for s in (big, demo)}
out["db_bytes"] = db.stat().st_size + sum(p.stat().st_size for p in tmp.glob("store.db-*"))
out["stories"] = {"largest": [big.id, big.size], "demo": [demo.id, demo.size]}


def show(story):
    clock = time.perf_counter()
    result = CliRunner().invoke(cli, ["show", story, "--db", str(db)])
    seconds = time.perf_counter() - clock
    assert result.exit_code == 0, result.output
    return seconds, result.stdout


def command(story):
    # storylens show STORY as a user runs it: a new process, models loaded as needed
    import subprocess
    clock = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", "from storylens.cli import main; main()", "show", story, "--db", str(db)],
        capture_output=True, text=True)
    seconds = time.perf_counter() - clock
    assert done.returncode == 0, done.stderr
    return seconds, done.stdout


def page(story):
    from fastapi.testclient import TestClient
    from storylens.web import Catalog, create_app

    with open_store(db) as store:
        catalog = Catalog(store)
        with TestClient(create_app(catalog)) as client:
            clock = time.perf_counter()
            response = client.get(f"/stories/{story}")
            seconds = time.perf_counter() - clock
        catalog.close()
    assert response.status_code == 200, response.text
    return seconds, response.text


def forget(story):
    with open_store(db) as store, store.engine.begin() as conn:
        conn.execute(sql("DELETE FROM article_analyses WHERE article_id IN (%s)" % ",".join(
            "'" + i.replace("'", "''") + "'" for i in ids[story])))


def forget_reads(story):
    # the cross-encoder's stored reads (schema 6): as before the story's first view
    with open_store(db) as store, store.engine.begin() as conn:
        conn.execute(sql("DELETE FROM pair_reads"))


stories = {"largest": big.id, "demo": demo.id}
runs = {"show": show, "command": command, "page": page}
print(json.dumps(out), flush=True)  # set up: ready for timings
import hashlib
for line in sys.stdin:
    what, name = line.split()
    if what in ("forget", "forget_reads"):
        (forget if what == "forget" else forget_reads)(stories[name])
        print("{}", flush=True)
        continue
    seconds, body = runs[what](stories[name])
    sha = hashlib.sha256(body.encode()).hexdigest()[:16]
    print(json.dumps({"seconds": seconds, "sha256": sha}), flush=True)
"""


def base_src(commit: str, into: Path) -> Path:
    """``src/`` of ``commit``, unpacked under ``into``."""
    data = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, "src"], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


class Side:
    """One version's runner process: set up at start, then timed on request."""

    def __init__(self, src: Path, corpus: Path) -> None:
        self.src = src
        load = os.getloadavg()[0]
        self.proc = subprocess.Popen(
            [sys.executable, "-c", RUNNER, str(corpus)],
            env={**os.environ, "PYTHONPATH": str(src)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=src.parent,
        )
        self.setup = self._answer()
        self.setup["load_1min_before_after_ingest"] = [round(load, 2), round(os.getloadavg()[0], 2)]
        self.timings: dict[str, list[float]] = {}
        self.sha256: dict[str, str] = {}

    def _answer(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait()
            sys.exit(
                f"the run on {self.src} failed (exit {self.proc.returncode}); see stderr above"
            )
        found: dict[str, Any] = json.loads(line)
        return found

    def ask(self, what: str, name: str, key: str | None = None) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{what} {name}\n")
        self.proc.stdin.flush()
        answer = self._answer()
        if not what.startswith("forget"):
            key = key or f"{what}_{name}"
            self.timings.setdefault(key, []).append(answer["seconds"])
            self.sha256[key] = answer["sha256"]

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait()


def measure(records: Side, base: Side, repeat: int) -> None:
    """Each measure ``repeat`` times on both sides, alternating which goes first, so the
    two sides meet the same load; before them, records only, the story's first view (no
    stored cross-encoder reads); after them, once without the story's records."""
    for name in ("largest", "demo"):
        for what in ("show", "command", "page"):
            records.ask("forget_reads", name)
            records.ask(what, name, f"{what}_{name}_first_view")
            for n in range(repeat):
                for side in (records, base) if n % 2 == 0 else (base, records):
                    side.ask(what, name)
            records.ask("forget", name)
            records.ask(what, name, f"{what}_{name}_without_records")
            assert (
                records.sha256[f"{what}_{name}_without_records"] == records.sha256[f"{what}_{name}"]
            ), "the records made again gave another report"


def _best(runs: list[float]) -> float:
    """The fastest run: on a shared machine the others waited for other jobs."""
    return min(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default=BASE, help="the commit to measure against")
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed runs of each (the fastest counts)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args()
    corpus = SHARED / "data" / "recession" / "articles.jsonl"
    if not corpus.exists():
        sys.exit(f"the recession corpus is not at {corpus} (../shared is absent)")
    head = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        new = Side(ROOT / "src", corpus)
        old = Side(base_src(args.base, Path(tmp)), corpus)
        load = os.getloadavg()[0]
        try:
            measure(new, old, args.repeat)
        finally:
            new.close()
            old.close()
        load_timed = [round(load, 2), round(os.getloadavg()[0], 2)]
    records = {**new.setup, "timings_s": new.timings, "output_sha256": new.sha256}
    base = {**old.setup, "timings_s": old.timings, "output_sha256": old.sha256}
    same = {
        k: base["output_sha256"][k] == v
        for k, v in records["output_sha256"].items()
        if k.startswith(("show", "command")) and k in base["output_sha256"]
    }
    rows = []
    for key in (
        "show_largest",
        "command_largest",
        "page_largest",
        "show_demo",
        "command_demo",
        "page_demo",
    ):
        new, old = _best(records["timings_s"][key]), _best(base["timings_s"][key])
        cold = records["timings_s"][key + "_without_records"][0]
        first = records["timings_s"][key + "_first_view"][0]
        rows.append(
            {
                "what": key,
                "records_s": round(new, 3),
                "reparse_s": round(old, 3),
                "speedup": round(old / new, 1),
                "first_view_s": round(first, 3),
                "first_view_speedup": round(old / first, 1),
                "records_missing_s": round(cold, 3),
            }
        )
    ingest = []
    for name, r in (("records", records), ("base (re-parse)", base)):
        ingest.append(
            {
                "code": name,
                "articles": r["articles"],
                "ingest_s": round(r["ingest_s"], 2),
                "articles_per_s": round(r["articles"] / r["ingest_s"], 2),
                "analysis_bytes_per_article": round(r["analysis_bytes"] / r["articles"]),
                "vector_bytes_per_article": round(r["vector_bytes"] / r["articles"]),
                "stages_s": r["ingest_stages_s"],
                # making the records beyond what the base did: statements and their vectors
                "records_share": round(
                    sum(r["ingest_stages_s"].get(k, 0.0) for k in RECORD_STAGES) / r["ingest_s"], 3
                ),
                "db_bytes_per_article": round(r["db_bytes"] / r["articles"]),
            }
        )
    result = {
        "command": f"nice python benchmarks/show_speed.py --repeat {args.repeat}"
        + (f" --base {args.base}" if args.base != BASE else ""),
        "head": head,
        "base": args.base,
        "machine": f"{platform.machine()}, Python {platform.python_version()}, shared 2-core machine",
        "stories": records["stories"],
        "same_show_output": same,
        "speed": rows,
        "ingest": ingest,
        "load_1min_during_timings": load_timed,
        "runs": {"records": records, "base": base},
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "show_speed.json").write_text(json.dumps(result, indent=2) + "\n")
    big, demo = records["stories"]["largest"], records["stories"]["demo"]
    lines = [
        "# show speed: stored analyses against the re-parse",
        "",
        f"Command: `{result['command']}` at {head}, against {args.base} "
        f"({result['machine']}). Each side ran in a process of its own, models loaded "
        "before any timing; the two sides took turns, run by run, so both met the same "
        "load; the fastest of the runs is shown.",
        f"Store: the demo story and ../shared/data/recession ({records['articles']} articles), "
        f"ingested with the full analysis. Largest story {big[0]} ({big[1]} articles); demo "
        f"story {demo[0]} ({demo[1]} articles).",
        "",
        "| what | from records s | re-parse (base) s | speed-up | first view s | its speed-up "
        "| records missing s |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['what']} | {r['records_s']} | {r['reparse_s']} | {r['speedup']}x | "
            f"{r['first_view_s']} | {r['first_view_speedup']}x | {r['records_missing_s']} |"
        )
    lines += [
        "",
        "show: `storylens show STORY` (Markdown) through the click command in a process "
        "whose models are loaded; command: the same as a user runs it, a new process each "
        "time (the base loads spaCy and the embedder, the records need neither); page: "
        "`GET /stories/ID` on a new Catalog (nothing cached). First view: the story's "
        "stored cross-encoder reads deleted first, as after its ingest, so the view reads "
        "its pairs and stores them; the timed runs after it read them from the store. "
        "Records missing: the story's "
        "records deleted first, as in a store written by an older storylens: the articles "
        "are analysed, their records stored, and the report is the same.",
        "show's Markdown is byte-identical to the base's: "
        + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in same.items())
        + ".",
        "",
        "## Ingest",
        "",
        "| code | articles | ingest s | articles/s | analysis bytes/article | of which vectors | store file bytes/article |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in ingest:
        lines.append(
            f"| {r['code']} | {r['articles']} | {r['ingest_s']} | {r['articles_per_s']} | "
            f"{r['analysis_bytes_per_article']} | {r['vector_bytes_per_article']} | "
            f"{r['db_bytes_per_article']} |"
        )
    lines += [""] + [
        f"Ingest stages, {r['code']}: " + ", ".join(f"{k} {v}" for k, v in r["stages_s"].items())
        for r in ingest
    ]
    lines += [
        "",
        f"Making the records (statements and their vectors, the work the base did at every "
        f"show) took {ingest[0]['records_share']:.0%} of the records' ingest.",
    ]
    prepared = records.get("prepare")
    if prepared:
        lines += [
            "",
            f"`ingest --prepare` (`storylens.stored.prepare_stories` after the ingest above): "
            f"{prepared['seconds']:.2f} s for the {prepared['stories']} stories of two or more "
            f"articles, {prepared['reads']} pair reads stored, "
            f"{prepared['seconds'] / records['ingest_s']:.0%} on top of the ingest; a prepared "
            "story's first view is then like the timed views above (its reads are stored), "
            "not the first-view column.",
        ]
    lines += [
        "",
        "Analysis bytes: the records (JSON without texts, and the statements' float32 "
        "vectors) against the per-stage outputs the base stored (JSON of sentences, quotes "
        "and sources). The file includes the texts, features and search index of both.",
        f"Load (1-minute average) before/after each ingest: records "
        f"{records['load_1min_before_after_ingest']}, base "
        f"{base['load_1min_before_after_ingest']} (the ingests ran one after the other: "
        "compare the stages' shares, not the two totals); during the timings "
        f"{load_timed}. Timings were taken on a 2-core machine shared with other jobs: read "
        "the ratios, not the seconds.",
        "",
    ]
    (args.out / "show_speed.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
