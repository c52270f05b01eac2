"""Articles per second of `storylens spark cluster` on local[1] and local[2], checked
against `storylens cluster`, and what 1M and 100M articles would cost.

    nice python benchmarks/spark_speed.py [--limit N] [--masters local[1],local[2]] [--out spark_speed]

Runs the installed commands (the `storylens` next to this Python) on ECB+
(../shared/data/ecbplus/articles.jsonl, or its first N lines in a temporary file), each
in a fresh process as a user would (JVM, Python workers and models started inside the
time): first `storylens cluster --format jsonl --jobs 1` (the single-machine rows), then
`storylens spark cluster` once per master, each into a new output folder (no records
reused). Each Spark run's `clusters/` rows must equal the single-machine rows, in order;
the benchmark fails otherwise.

`spark cluster` analyses each article in full (the records `spark compare` reads) where
`storylens cluster` only makes the clustering features, so the two speeds are not the
same work; the rows they give are the same.

The stage times come from the command's own progress lines on stderr, stamped as they
arrive: reading and analysis (the executors), then clustering (the driver). The cost of
1M and 100M articles is arithmetic from those per-article times, not a run.

Writes benchmarks/results/<out>.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "ecbplus" / "articles.jsonl"
RESULTS = ROOT / "benchmarks" / "results"
STORYLENS = Path(sys.executable).with_name("storylens")
EXECUTORS = (10, 100, 1000)
SIZES = (1_000_000, 100_000_000)


def first_lines(n: int | None, folder: Path) -> tuple[Path, int]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    if n is not None:
        lines = lines[:n]
    path = folder / "articles.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, sum(1 for line in lines if line.strip())


def single_machine(corpus: Path) -> tuple[list[dict[str, Any]], float]:
    clock = time.perf_counter()
    done = subprocess.run(
        [str(STORYLENS), "cluster", "--format", "jsonl", "--jobs", "1", str(corpus)],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - clock
    if done.returncode not in (0, 1):
        raise SystemExit(f"storylens cluster failed:\n{done.stderr}")
    return [json.loads(line) for line in done.stdout.splitlines()], wall


def spark_run(corpus: Path, master: str, out: Path) -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    clock = time.perf_counter()
    job = subprocess.Popen(
        [str(STORYLENS), "spark", "cluster", str(corpus), "-o", str(out), "--master", master],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    marks: dict[str, float] = {}
    peak = [0]

    def sample() -> None:  # the driver's peak resident memory (the Python process)
        while job.poll() is None:
            try:
                status = Path(f"/proc/{job.pid}/status").read_text()
                peak[0] = max(peak[0], int(status.split("VmHWM:")[1].split()[0]))
            except (OSError, IndexError, ValueError):
                pass
            time.sleep(0.5)

    threading.Thread(target=sample, daemon=True).start()
    assert job.stderr is not None
    for line in job.stderr:
        for stage in ("analysing", "clustering"):
            if line.startswith(stage):
                marks[stage] = time.perf_counter() - clock
    code = job.wait()
    wall = time.perf_counter() - clock
    if code not in (0, 1):
        raise SystemExit(f"storylens spark cluster --master {master} failed (exit {code})")
    return {
        "master": master,
        "wall_s": round(wall, 2),
        "start_s": round(marks.get("analysing", 0.0), 2),
        "analysis_s": round(marks.get("clustering", wall) - marks.get("analysing", 0.0), 2),
        "clustering_s": round(wall - marks.get("clustering", wall), 2),
        "driver_peak_mb": round(peak[0] / 1024, 1),
        "load_1min_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def parquet_rows(folder: Path) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    return [
        row for f in sorted(folder.glob("part-*.parquet")) for row in pq.read_table(f).to_pylist()
    ]


def projection(articles: int, one_core: dict[str, Any]) -> list[dict[str, Any]]:
    """Hours for SIZES articles on EXECUTORS one-core executors: the analysis divides
    among them, the driver's clustering does not."""
    analysis = one_core["analysis_s"] / articles  # executor core-seconds per article
    driver = one_core["clustering_s"] / articles  # driver seconds per article
    rows = []
    for size in SIZES:
        for executors in EXECUTORS:
            rows.append(
                {
                    "articles": size,
                    "executors": executors,
                    "analysis_h": round(size * analysis / executors / 3600, 2),
                    "clustering_h": round(size * driver / 3600, 2),
                    "core_hours": round(size * analysis / 3600, 1),
                }
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="the first N ECB+ articles")
    parser.add_argument("--masters", default="local[1],local[2]")
    parser.add_argument("--out", default="spark_speed")
    args = parser.parse_args()
    if not CORPUS.exists():
        raise SystemExit(f"ECB+ not found at {CORPUS} (../shared is absent)")
    with tempfile.TemporaryDirectory() as tmp:
        corpus, articles = first_lines(args.limit, Path(tmp))
        expected, reference_wall = single_machine(corpus)
        print(f"storylens cluster: {articles} articles in {reference_wall:.1f} s", flush=True)
        runs = []
        for n, master in enumerate(args.masters.split(",")):
            run = spark_run(corpus, master, Path(tmp) / f"out{n}")
            got = parquet_rows(Path(tmp) / f"out{n}" / "clusters")
            run["identical"] = got == expected
            run["articles_per_s"] = round(articles / run["wall_s"], 3)
            runs.append(run)
            print(json.dumps(run), flush=True)
            if not run["identical"]:
                raise SystemExit(f"{master}: the clusters differ from storylens cluster's")
    result = {
        "command": "nice python benchmarks/spark_speed.py"
        + (f" --limit {args.limit}" if args.limit else ""),
        "machine": f"{platform.machine()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, shared with other jobs",
        "articles": articles,
        "stories": len({r["story"] for r in expected}),
        "single_machine": {
            "wall_s": round(reference_wall, 2),
            "articles_per_s": round(articles / reference_wall, 3),
        },
        "spark": runs,
        "projection": projection(articles, runs[0]),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.out}.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / f"{args.out}.md").write_text(markdown(result))
    print(markdown(result))


def markdown(r: dict[str, Any]) -> str:
    lines = [
        "# storylens spark speed",
        "",
        f"Command: `{r['command']}` ({r['machine']}).",
        f"Corpus: ECB+, {r['articles']} articles; each run a fresh process (JVM, Python "
        "workers and models started inside the time), a new output folder each.",
        "",
        "| run | wall s | articles/s | start s | analysis s (executors) | clustering s (driver) "
        "| driver peak MB | rows equal `storylens cluster` | load before/after |",
        "|---|---|---|---|---|---|---|---|---|",
        f"| `storylens cluster --jobs 1` | {r['single_machine']['wall_s']} | "
        f"{r['single_machine']['articles_per_s']} | | | | | (the reference) | |",
    ]
    for s in r["spark"]:
        lines.append(
            f"| `storylens spark cluster --master {s['master']}` | {s['wall_s']} | "
            f"{s['articles_per_s']} | {s['start_s']} | {s['analysis_s']} | {s['clustering_s']} "
            f"| {s['driver_peak_mb']} | {'yes' if s['identical'] else 'NO'} | {s['load_1min_before_after']} |"
        )
    one = r["spark"][0]
    lines += [
        "",
        "`spark cluster` analyses every article in full (the records `spark compare` reads); "
        "`storylens cluster` makes the clustering features only.",
        "",
        "## 1M and 100M articles: arithmetic, not a run",
        "",
        f"From the {one['master']} run: {one['analysis_s'] / r['articles']:.3f} executor "
        f"core-seconds of analysis per article and {one['clustering_s'] / r['articles']:.4f} "
        "driver seconds of clustering per article (the near-duplicate pairs and the "
        "clusterer, which runs on the driver in input order and does not divide among "
        "executors). Hours = articles x seconds per article / executors (analysis) + "
        "articles x driver seconds (clustering); one core per executor; start-up, shuffle "
        "growth and the clusterer's index growing with the corpus left out. The driver also "
        "holds every article's features for the clusterer: its memory grows with the corpus "
        "(peak above for this run).",
        "",
        "| articles | executors | analysis h | clustering h (driver) | core-hours |",
        "|---|---|---|---|---|",
    ]
    for p in r["projection"]:
        lines.append(
            f"| {p['articles']:,} | {p['executors']} | {p['analysis_h']} | {p['clustering_h']} "
            f"| {p['core_hours']} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
