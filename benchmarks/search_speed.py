"""Full-text search speed in process, by ranking window or against an earlier commit,
on the load-test store.

    python benchmarks/search_speed.py --db /tmp/load10k.db [--stories 10000] [--rounds 3]
    python benchmarks/search_speed.py --db /tmp/load10k.db --baseline main --rounds 5

Fills the store as benchmarks/load_serve.py does (skipped when it holds enough), then
runs every query of ``load_serve.QUERIES`` ``--rounds`` times through
:func:`storylens.store.search` for each ranking window (``RANK_WINDOW``: how many of the
newest matching articles get a relevance score; 100000 ranks every match), windows
interleaved round by round so machine noise falls on all alike. Prints one JSON line with
the mean and the worst milliseconds per query for each window.

With ``--baseline REF`` it times this tree's search against the search module of the
git commit ``REF`` instead (read with ``git show``), at the current window, the two
alternating query by query (which goes first alternates too), and first checks that
both give the same answer (counts, stories, order, scores, snippets, metadata) for
every query on its first two pages and a page past the end. With the web extra it also
times the service's search (``Catalog.search``: the page's stories too) with its cache
off and answering from it (the store unchanged). Beside the wall-clock
milliseconds it reports CPU milliseconds of this process, which a busy machine
inflates less. ``--profile N`` then prints the N costliest functions (cProfile) of
this tree's search over the queries.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import importlib
import json
import os
import pstats
import statistics
import subprocess
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_serve import QUERIES, fill  # noqa: E402

from storylens.store import Store, open_store, search  # noqa: E402

# The module itself: ``storylens.store.search`` is also the name of the function the
# package exports, so ``import storylens.store.search as m`` would bind the function and
# setting its RANK_WINDOW would change nothing (it did, before 2026-12-07).
search_module = importlib.import_module("storylens.store.search")

WINDOWS = (100_000, 10_000, 2_000, 1_000, 500)
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "benchmarks" / "results" / "search_speed.json"
Search = Callable[..., Any]


def baseline_search(ref: str) -> Search:
    """``search`` as the commit ``ref`` had it, loaded from git beside this tree's."""
    source = subprocess.run(
        ["git", "show", f"{ref}:src/storylens/store/search.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    name = "storylens.store._search_baseline"
    module = types.ModuleType(name)
    module.__package__ = "storylens.store"
    sys.modules[name] = module  # dataclasses look their module up
    exec(compile(source, f"{ref}:src/storylens/store/search.py", "exec"), module.__dict__)
    function: Search = module.search
    return function


def answer(found: Any) -> tuple[Any, ...]:
    """A search page as plain values, so two modules' classes compare."""
    hits = [dataclasses.astuple(hit) for hit in found.hits]
    return found.matched_articles, found.stories, found.complete, hits


def compare(store: Store, rounds: int, ref: str, profile: int) -> dict[str, Any]:
    variants: dict[str, Search] = {f"baseline {ref}": baseline_search(ref), "this tree": search}
    old, new = variants.values()
    pages = [(0, 20), (20, 20), (100_000, 20)]
    differ = [
        (q, offset)
        for q in QUERIES
        for offset, limit in pages
        if answer(old(store, q, offset, limit)) != answer(new(store, q, offset, limit))
    ]
    try:  # the service's search (the page's stories too), without and with its cache
        from storylens.web import Catalog

        uncached, cached = Catalog(store, search_cache_size=0), Catalog(store)
        variants["service, cache off"] = lambda st, q: uncached.search(q)
        variants["service, cache hit"] = lambda st, q: cached.search(q)
        for q in QUERIES:  # the store does not change during the timing: every one hits
            cached.search(q)
    except ImportError:  # pragma: no cover - without the web extra
        pass
    wall: dict[str, list[float]] = {name: [] for name in variants}
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    for r in range(rounds):
        for k, q in enumerate(QUERIES):
            order = list(variants.items())
            if (r + k) % 2:
                order.reverse()
            for name, run in order:
                started, used = time.perf_counter(), time.process_time()
                run(store, q)
                cpu[name].append(1000 * (time.process_time() - used))
                wall[name].append(1000 * (time.perf_counter() - started))
    result: dict[str, Any] = {
        "window": search_module.RANK_WINDOW,
        "identical_answers": not differ,
        "differing": differ,
        "variants": {
            name: {
                "mean_ms": round(statistics.fmean(wall[name]), 2),
                "median_ms": round(statistics.median(wall[name]), 2),
                "max_ms": round(max(wall[name]), 1),
                "cpu_mean_ms": round(statistics.fmean(cpu[name]), 2),
            }
            for name in variants
        },
    }
    base, this = (result["variants"][name] for name in list(variants)[:2])
    result["cpu_ratio"] = round(this["cpu_mean_ms"] / base["cpu_mean_ms"], 3)
    result["wall_ratio"] = round(this["mean_ms"] / base["mean_ms"], 3)
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for q in QUERIES:
            search(store, q)
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(profile)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="where the JSON line is also written",
    )
    parser.add_argument(
        "--baseline", metavar="REF", help="time against this git commit's search instead"
    )
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    args = parser.parse_args()
    if args.baseline and args.out == DEFAULT_OUT:
        args.out = DEFAULT_OUT.with_name("search_speed_baseline.json")
    store = open_store(args.db)
    fill(store, args.stories, 3)
    for q in QUERIES:  # warm the page cache once
        search(store, q)
    if args.baseline:
        result = {
            "stories": store.count("stories"),
            "articles": store.count("articles"),
            "queries": len(QUERIES),
            "rounds": args.rounds,
            **compare(store, args.rounds, args.baseline, args.profile),
            "command": " ".join(sys.argv),
            "load_avg_1m": round(os.getloadavg()[0], 2),
        }
        store.close()
        write(result, args.out)
        return
    times: dict[int, list[float]] = {w: [] for w in WINDOWS}
    for _ in range(args.rounds):
        for window in WINDOWS:
            search_module.RANK_WINDOW = window
            for q in QUERIES:
                start = time.perf_counter()
                search(store, q)
                times[window].append(1000 * (time.perf_counter() - start))
    result = {
        "stories": store.count("stories"),
        "articles": store.count("articles"),
        "queries": len(QUERIES),
        "rounds": args.rounds,
        "windows": {
            str(w): {"mean_ms": round(statistics.fmean(t), 1), "max_ms": round(max(t), 1)}
            for w, t in times.items()
        },
        "command": " ".join(sys.argv),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }
    store.close()
    write(result, args.out)


def write(result: dict[str, Any], out: Path | None) -> None:
    line = json.dumps(result)
    print(line)
    if out is not None:
        out.write_text(line + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
