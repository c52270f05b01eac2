"""Story clustering speed: end to end on ECB+, and the cost of one add as the store grows.

    python benchmarks/cluster_speed.py [--sizes 1000,10000,100000,1000000] [--adds 200]
                                       [--baseline-src DIR]

0. The command: ``storylens cluster`` on ECB+ timed as a user runs it (a fresh
   process, models loaded, output written), for this checkout and, with
   ``--baseline-src DIR``, for another checkout's ``src`` (say, the main branch
   before a change) in the same sitting, so the two times can be compared.
1. End to end: featurize + cluster all ECB+ articles in file order; articles/s and
   the share of time spent in the models (language detection; embedding and NER,
   which run at the same time, so their own times overlap).
2. Add one article at N stored: a synthetic stream made from real ECB+ article
   embeddings plus Gaussian noise (unit vectors again). Up to ``--full-max`` stored
   articles the whole clusterer is filled (with the real articles' words and
   entities cycled) and ``--adds`` further ``StoryClusterer.add`` calls are timed;
   above it, stored vectors only: the ANN index is filled in bulk and the timed
   step is its part of an add (search the 10 nearest, then insert).
3. Memory per stored article: the ANN index's own count of bytes, and for the full
   clusterer the Python heap growth measured with tracemalloc.

Writes benchmarks/results/cluster_speed.{json,md}. Timings are wall clock on a
shared 2-core machine: absolute numbers are noisy, ratios within one run are what
to read.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
RESULTS = ROOT / "benchmarks" / "results"
sys.path.insert(0, str(ROOT / "src"))

from storylens.cluster import StoryClusterer, VectorIndex, featurize  # noqa: E402
from storylens.cluster.clusterer import NEIGHBOURS  # noqa: E402
from storylens.ingest import read_inputs  # noqa: E402


def end_to_end(articles: list) -> tuple[dict, list]:
    timings: dict[str, float] = {}

    def timer(stage: str, seconds: float) -> None:
        timings[stage] = timings.get(stage, 0.0) + seconds

    started = time.perf_counter()
    feats = []
    for i in range(0, len(articles), 64):
        feats.extend(featurize(articles[i : i + 64], timer=timer))
    featurized = time.perf_counter()
    clusterer = StoryClusterer()
    for f in feats:
        clusterer.add(f)
    total = time.perf_counter() - started
    models = timings.get("language", 0) + timings.get("models", 0)
    row = {
        "articles": len(articles),
        "total_s": total,
        "articles_per_s": len(articles) / total,
        "language_s": timings.get("language", 0.0),
        "embed_s": timings.get("embed", 0.0),
        "ner_s": timings.get("ner", 0.0),
        "models_s": timings.get("models", 0.0),  # embedding and NER together, wall clock
        "terms_minhash_s": timings.get("terms", 0.0),
        "cluster_s": total - (featurized - started),
        "model_share": models / total,
    }
    return row, feats


def machine_cpu() -> float | None:
    """CPU seconds the whole machine has spent (user, nice, system), from /proc/stat: the
    command's workers are the forkserver's children, which getrusage never counts, so
    on a quiet machine this is the measure of the command's CPU; None off Linux."""
    try:
        fields = Path("/proc/stat").read_text(encoding="ascii").split("\n", 1)[0].split()
    except OSError:
        return None
    return sum(int(v) for v in fields[1:4]) / os.sysconf("SC_CLK_TCK")


def command_seconds(data: Path, src: Path | None) -> dict:
    """Wall and CPU seconds of `storylens cluster DATA` in a fresh process (``src``: code to
    run): ``cpu_seconds`` the main process's and the children it waited for (not the
    workers), ``machine_cpu_seconds`` the whole machine's over the run."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    run_cli = "from storylens.cli import main; main()"
    cmd = [sys.executable, "-c", run_cli, "cluster", str(data), "--format", "jsonl"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    machine = machine_cpu()
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        sys.exit(f"storylens cluster failed ({src or 'this checkout'}): {done.stderr[-2000:]}")
    machine_after = machine_cpu()
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    out = {"seconds": seconds, "cpu_seconds": cpu}
    if machine is not None and machine_after is not None:
        out["machine_cpu_seconds"] = machine_after - machine
    return out


def synthetic(base: np.ndarray, n: int, rng: np.random.Generator, noise: float) -> np.ndarray:
    picks = base[rng.integers(0, len(base), n)]
    out = picks + rng.normal(0.0, noise, picks.shape).astype(np.float32)
    return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)


def full_adds(feats: list, n: int, adds: int, rng: np.random.Generator, noise: float) -> dict:
    base = np.array([f.vector for f in feats])
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    clusterer = StoryClusterer()
    vectors = synthetic(base, n + adds, rng, noise)
    for i in range(n):
        f = feats[i % len(feats)]
        clusterer.add(dataclasses.replace(f, id=f"syn-{i}", vector=vectors[i], signature=None))
    heap = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    index_bytes = sum(ix.memory_bytes() for ix in clusterer._indexes.values())
    times = []
    for j in range(adds):
        f = feats[(n + j) % len(feats)]
        g = dataclasses.replace(f, id=f"add-{j}", vector=vectors[n + j], signature=None)
        t = time.perf_counter()
        clusterer.add(g)
        times.append(time.perf_counter() - t)
    return {
        "stored": n,
        "mode": "full clusterer",
        "add_ms_median": 1000 * statistics.median(times),
        "add_ms_p90": 1000 * float(np.percentile(times, 90)),
        "python_heap_bytes_per_article": heap / n,
        "index_bytes_per_article": index_bytes / n,
    }


RECALL_PROBES = 50


def index_adds(base: np.ndarray, n: int, adds: int, rng: np.random.Generator, noise: float) -> dict:
    index = VectorIndex(base.shape[1])
    chunk = 50_000
    stored = np.zeros((n, base.shape[1]), dtype=np.float32)
    built = time.perf_counter()
    for start in range(0, n, chunk):
        m = min(chunk, n - start)
        block = synthetic(base, m, rng, noise)
        stored[start : start + m] = block
        index.add_many(np.arange(start, start + m), block)
    build_s = time.perf_counter() - built
    queries = synthetic(base, adds, rng, noise)
    # recall of the 10 nearest against an exact scan, before the timed inserts
    hits = 0
    probes = queries[:RECALL_PROBES]
    for q in probes:
        exact = set(np.argpartition(-(stored @ q), NEIGHBOURS)[:NEIGHBOURS])
        hits += len(exact & {k for k, _ in index.search(q, NEIGHBOURS)})
    recall = hits / (NEIGHBOURS * len(probes))
    times = []
    for j in range(adds):
        t = time.perf_counter()
        index.search(queries[j], NEIGHBOURS)
        index.add(n + j, queries[j])
        times.append(time.perf_counter() - t)
    return {
        "stored": n,
        "mode": "vectors only (ANN search + insert)",
        "add_ms_median": 1000 * statistics.median(times),
        "add_ms_p90": 1000 * float(np.percentile(times, 90)),
        "index_bytes_per_article": index.memory_bytes() / n,
        "build_s": build_s,
        "recall_at_10": recall,
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,100000,1000000")
    ap.add_argument("--full-max", type=int, default=10_000)
    ap.add_argument("--adds", type=int, default=200)
    ap.add_argument("--noise", type=float, default=0.03)
    ap.add_argument("--baseline-src", default=None, help="another checkout's src/ to time too")
    ap.add_argument(
        "--repeat", type=int, default=1, help="runs of each command, baseline and this alternating"
    )
    ap.add_argument(
        "--no-growth",
        action="store_true",
        help="skip the add-cost rows (parts 2-3); the committed ones are kept, marked as such",
    )
    ap.add_argument(
        "--no-e2e",
        action="store_true",
        help="time the commands only; the committed end-to-end row is kept, marked as such",
    )
    ap.add_argument("--render-only", action="store_true", help="rewrite the .md from the .json")
    args = ap.parse_args()
    if args.render_only:
        saved = json.loads((RESULTS / "cluster_speed.json").read_text(encoding="utf-8"))
        render(saved["meta"], saved["end_to_end"], saved["growth"], saved.get("command_runs"))
        return 0
    data = SHARED / "data" / "ecbplus" / "articles.jsonl"
    if not data.exists():
        sys.exit(f"{data} not found: the evaluation data (../shared) is absent")
    runs = []
    for _ in range(args.repeat):
        if args.baseline_src:
            runs.append({"code": "baseline"} | command_seconds(data, Path(args.baseline_src)))
            print(json.dumps(runs[-1]), flush=True)
        runs.append({"code": "this checkout"} | command_seconds(data, None))
        print(json.dumps(runs[-1]), flush=True)
    previous = json.loads((RESULTS / "cluster_speed.json").read_text(encoding="utf-8"))
    if args.no_e2e:
        e2e, feats = previous["end_to_end"] | {"kept_from_earlier_run": True}, []
    else:
        articles, _ = read_inputs([str(data)])
        e2e, feats = end_to_end(articles)
        print(json.dumps(e2e), flush=True)
    growth: list[dict] = []
    if args.no_growth or args.no_e2e:
        growth = [r | {"kept_from_earlier_run": True} for r in previous["growth"]]
    else:
        rng = np.random.default_rng(7)
        base = np.array([f.vector for f in feats])
        for n in (int(s) for s in args.sizes.split(",")):
            if n <= args.full_max:
                row = full_adds(feats, n, args.adds, rng, args.noise)
                print(json.dumps(row), flush=True)
                growth.append(row)
            row = index_adds(base, n, args.adds, rng, args.noise)
            print(json.dumps(row), flush=True)
            growth.append(row)
    shown = [a if a != args.baseline_src else "DIR" for a in sys.argv[1:]]
    meta = {
        "command": "python benchmarks/cluster_speed.py " + " ".join(shown),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "note": "wall clock on a shared 2-core machine: noisy",
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "cluster_speed.json").write_text(
        json.dumps(
            {"meta": meta, "command_runs": runs, "end_to_end": e2e, "growth": growth}, indent=2
        )
        + "\n",
        encoding="utf-8",
    )
    render(meta, e2e, growth, runs)
    return 0


def render(meta: dict, e2e: dict, growth: list[dict], runs: list[dict] | None = None) -> None:
    lines = [
        "# story clustering speed",
        "",
        f"Command: `{meta['command']}` ({meta['machine']}, Python {meta['python']}). "
        f"{meta['note'].capitalize()}; ratios within the run are what to read.",
        "",
    ]
    if runs:
        lines += [
            "## `storylens cluster` on ECB+ (982 articles), a fresh process each",
            "",
            "| code | seconds | articles/s | machine CPU seconds | wall vs baseline "
            "| machine CPU vs baseline |",
            "|---|---|---|---|---|---|",
        ]
        bases = [r for r in runs if r["code"] == "baseline"]
        base_wall = statistics.mean(r["seconds"] for r in bases) if bases else None
        base_cpu = [r.get("machine_cpu_seconds", r["cpu_seconds"]) for r in bases]
        for r in runs:
            cpu = r.get("machine_cpu_seconds", r["cpu_seconds"])
            wall = f"{base_wall / r['seconds']:.2f}x faster" if base_wall else ""
            less = f"{statistics.mean(base_cpu) / cpu:.2f}x less" if base_cpu else ""
            lines.append(
                f"| {r['code']} | {r['seconds']:.1f} | {982 / r['seconds']:.1f} "
                f"| {cpu:.1f} | {wall} | {less} |"
            )
        lines += [
            "",
            "Ratios against the baseline's mean over its runs. Machine CPU: the whole "
            "machine's CPU seconds over the run (/proc/stat), since the command's `--jobs` "
            "workers are not counted by getrusage; runs kept before this column existed "
            "show the main process's CPU only.",
            "",
        ]
    lines += [
        "## End to end on ECB+ (featurize + cluster, file order)",
        "",
        *(
            [
                "This row was not rerun with this command (`--no-e2e`): it is the previous "
                "committed run's, made by the code of that time.",
                "",
            ]
            if e2e.get("kept_from_earlier_run")
            else []
        ),
        "Embedding and NER run at the same time: the models column is their wall clock",
        "together, the embed and NER columns each one's own (they overlap).",
        "",
        "| articles | total s | articles/s | language s | models s | embed s | NER s | words+MinHash s | clustering s | model share |",
        "|---|---|---|---|---|---|---|---|---|---|",
        f"| {e2e['articles']} | {e2e['total_s']:.1f} | {e2e['articles_per_s']:.1f} "
        f"| {e2e['language_s']:.1f} | {e2e.get('models_s', 0.0):.1f} | {e2e['embed_s']:.1f} "
        f"| {e2e['ner_s']:.1f} | {e2e['terms_minhash_s']:.1f} | {e2e['cluster_s']:.1f} "
        f"| {e2e['model_share']:.0%} |",
        "",
        "## Adding one article as the store grows (synthetic stream from real ECB+ vectors + noise)",
        "",
        "| stored | mode | add ms (median) | add ms (p90) | index bytes/article | Python heap bytes/article | ANN recall@10 |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in growth:
        heap = r.get("python_heap_bytes_per_article")
        recall = f"{r['recall_at_10']:.3f}" if "recall_at_10" in r else ""
        lines.append(
            f"| {r['stored']:,} | {r['mode']} | {r['add_ms_median']:.3f} | {r['add_ms_p90']:.3f} "
            f"| {r['index_bytes_per_article']:.0f} | {'' if heap is None else f'{heap:.0f}'} "
            f"| {recall} |"
        )
    if any(r.get("kept_from_earlier_run") for r in growth):
        lines += [
            "",
            "These add-cost rows were not rerun with this command (`--no-growth`): they are "
            "the previous committed run's.",
        ]
    lines += [
        "",
        "Index bytes per article at small sizes include usearch's first allocation (about 16 MB);",
        "the 100k and 1M rows show the steady cost. Python heap: the clusterer's own per-article",
        "features (content words, entities, the vector) measured with tracemalloc.",
        "",
    ]
    (RESULTS / "cluster_speed.md").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
