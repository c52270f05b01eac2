"""CPU seconds per article of what an `ingest --jobs` worker runs, by the size of its chunk.

    nice python benchmarks/prepare_chunk.py [--limit 64] [--sizes 1,8,16,32] [--out prepare_chunk]

Runs storylens.ingestion.prepare_articles in this process as a worker runs it (every
math library at one thread, storylens.parallel's cap at 1) over the first N ECB+
articles (../shared/data/ecbplus/articles.jsonl), in chunks of each size, and counts
the process's CPU seconds (time.process_time), so what other processes on a shared
machine take counts less than in wall time. Size 1 is the per-article unit the workers
used before chunks. The models are loaded, and warmed on one article, before the first
timing. Sizes run in the order given and then in reverse (ABBA), and each size's two
timings are reported with their mean. Every size must give every article the same
features and record (the rows ingest writes); the benchmark fails otherwise.

Writes benchmarks/results/<out>.{json,md}; this run set storylens.ingestion.PREPARE_CHUNK.
"""

from __future__ import annotations

import os

from storylens.parallel import THREAD_VARIABLES

os.environ.update({name: "1" for name in THREAD_VARIABLES})  # before numpy's pools start

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from storylens.ingest import read_inputs  # noqa: E402
from storylens.ingestion import Prepared, prepare_articles, record_row  # noqa: E402
from storylens.model import Article  # noqa: E402
from storylens.parallel import capped_threads  # noqa: E402
from storylens.store.rows import features_row  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "ecbplus" / "articles.jsonl"
RESULTS = ROOT / "benchmarks" / "results"


def digest(prepared: list[Any]) -> str:
    """A hash of every row ingest would write from ``prepared`` (features and record)."""
    h = hashlib.sha256()
    for p in prepared:
        assert isinstance(p, Prepared), f"an article was rejected: {p}"
        rows = {"features": features_row(p.features), "normalized": p.normalized_text}
        if p.record is not None:
            rows["analysis"] = {k: v for k, v in record_row(p.record).items() if k != "created_at"}
        h.update(json.dumps(rows, sort_keys=True, default=repr).encode())
    return h.hexdigest()


def timed(articles: list[Article], size: int) -> tuple[float, str]:
    out: list[Any] = []
    clock = time.process_time()
    for start in range(0, len(articles), size):
        out.extend(prepare_articles(articles[start : start + size]))
    return time.process_time() - clock, digest(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=64)
    ap.add_argument("--sizes", default="1,8,16,32")
    ap.add_argument("--out", default="prepare_chunk")
    args = ap.parse_args()
    if not CORPUS.exists():
        print(f"{CORPUS} is missing; this benchmark needs the shared ECB+ data", file=sys.stderr)
        return 2
    lines = CORPUS.read_text(encoding="utf-8").splitlines()[: args.limit]
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "articles.jsonl"
        corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
        articles, rejected = read_inputs([str(corpus)])
    assert not rejected, rejected
    sizes = [int(s) for s in args.sizes.split(",")]
    load = os.getloadavg()[0]
    runs: dict[int, list[float]] = {size: [] for size in sizes}
    digests: set[str] = set()
    with capped_threads(1):
        prepare_articles(articles[:1])  # load and warm the models
        for size in sizes + sizes[::-1]:
            seconds, got = timed(articles, size)
            runs[size].append(round(seconds, 2))
            digests.add(got)
            print(f"chunk {size}: {seconds:.2f} CPU s", file=sys.stderr, flush=True)
    if len(digests) != 1:
        print(f"the chunk size changed the rows: {len(digests)} digests", file=sys.stderr)
        return 1
    n = len(articles)
    base = sum(runs[sizes[0]]) / 2
    rows = [
        {
            "chunk": size,
            "cpu_s": runs[size],
            "cpu_s_per_article": round(sum(runs[size]) / 2 / n, 4),
            "vs_first": round(sum(runs[size]) / 2 / base, 3),
        }
        for size in sizes
    ]
    command = "python benchmarks/prepare_chunk.py " + " ".join(sys.argv[1:])
    result = {
        "command": command.strip(),
        "machine": f"{platform.machine()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores",
        "load_before": load,
        "articles": n,
        "rows_digest": digests.pop(),
        "sizes": rows,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.out}.json").write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    md = [
        "# CPU per article of a --jobs worker, by chunk size",
        "",
        f"Command: `{result['command']}` ({result['machine']}; 1-minute load {load:.2f} before).",
        f"Corpus: the first {n} ECB+ articles; storylens.ingestion.prepare_articles over "
        "chunks of each size, in process, every math library at one thread (as in a "
        "worker); CPU seconds of this process (time.process_time), sizes run in the order "
        "given and then reversed. Every size gave the same rows (features and records): "
        f"sha256 {result['rows_digest'][:12]}.",
        "",
        f"| chunk | CPU s (two runs) | CPU s per article | vs chunk {sizes[0]} |",
        "|---|---|---|---|",
        *(
            f"| {r['chunk']} | {', '.join(map(str, r['cpu_s']))} | {r['cpu_s_per_article']} "
            f"| {r['vs_first']} |"
            for r in rows
        ),
        "",
    ]
    (RESULTS / f"{args.out}.md").write_text("\n".join(md), encoding="utf-8")
    print("\n".join(md))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
