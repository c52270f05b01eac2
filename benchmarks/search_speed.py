"""Full-text search speed in process, by ranking window, on the load-test store.

    python benchmarks/search_speed.py --db /tmp/load10k.db [--stories 10000] [--rounds 3]

Fills the store as benchmarks/load_serve.py does (skipped when it holds enough), then
runs every query of ``load_serve.QUERIES`` ``--rounds`` times through
:func:`storylens.store.search` for each ranking window (``RANK_WINDOW``: how many of the
newest matching articles get a relevance score; 100000 ranks every match), windows
interleaved round by round so machine noise falls on all alike. Prints one JSON line with
the mean and the worst milliseconds per query for each window.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_serve import QUERIES, fill  # noqa: E402

from storylens.store import open_store, search  # noqa: E402

# The module itself: ``storylens.store.search`` is also the name of the function the
# package exports, so ``import storylens.store.search as m`` would bind the function and
# setting its RANK_WINDOW would change nothing (it did, before 2026-12-07).
search_module = importlib.import_module("storylens.store.search")

WINDOWS = (100_000, 10_000, 2_000, 1_000, 500)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent / "results" / "search_speed.json",
        help="where the JSON line is also written",
    )
    args = parser.parse_args()
    store = open_store(args.db)
    fill(store, args.stories, 3)
    times: dict[int, list[float]] = {w: [] for w in WINDOWS}
    for q in QUERIES:  # warm the page cache once
        search(store, q)
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
    line = json.dumps(result)
    print(line)
    if args.out is not None:
        args.out.write_text(line + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
