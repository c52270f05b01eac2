"""Speed of `compare`: NLP time (parse + embeddings) against alignment and reporting time.

    python benchmarks/compare_speed.py [--repeat 2]

Runs the real path (storylens.compare.compare_articles, then all three renderers)
on the seed pair and on the recession story cut to 5, 10, 20 and all of its
readable articles, in one process, and writes benchmarks/results/compare_speed.{json,md}.
"NLP" is the spaCy analysis plus the statement embeddings; "ours" is statements,
alignment, conflicts, quote groups, sourcing and rendering. The ratio ours/NLP is
the cost storylens adds on top of the models it needs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "src"))

from storylens.compare import compare_articles  # noqa: E402
from storylens.ingest import read_inputs  # noqa: E402
from storylens.model import Report  # noqa: E402
from storylens.nlp import load_embedder, load_spacy  # noqa: E402
from storylens.report import render_html, render_markdown, report_to_dict  # noqa: E402


def measure(articles: list, repeat: int) -> dict[str, float]:
    best: dict[str, float] | None = None
    for _ in range(repeat):
        timings: dict[str, float] = {}
        started = time.perf_counter()
        story = compare_articles(articles, timings=timings)
        clock = time.perf_counter()
        report = Report(stories=(story,))
        json.dumps(report_to_dict(report))
        render_markdown(report)
        render_html(report)
        render = time.perf_counter() - clock
        total = time.perf_counter() - started
        row = {
            "articles": len(articles),
            "statements": int(timings["statements"]),
            "parse_s": timings["parse"],
            "embed_s": timings["embed"],
            "align_s": timings["align"],
            "render_s": render,
            "total_s": total,
        }
        row["nlp_s"] = row["parse_s"] + row["embed_s"]
        row["ours_s"] = row["align_s"] + row["render_s"]
        row["ours_over_nlp"] = row["ours_s"] / row["nlp_s"]
        if best is None or row["total_s"] < best["total_s"]:
            best = row
    assert best is not None
    return best


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--repeat", type=int, default=2, help="runs per size; the fastest is kept")
    args = ap.parse_args()
    seeds, _ = read_inputs([str(SHARED / "data" / "seeds" / "articles.jsonl")])
    recession, rejected = read_inputs([str(SHARED / "data" / "recession" / "articles.jsonl")])
    load_spacy()
    load_embedder()
    load_before = os.getloadavg()[0]
    rows = {"seeds": measure(seeds, args.repeat)}
    for n in (5, 10, 20, len(recession)):
        rows[f"recession_{n}"] = measure(recession[:n], args.repeat)
    result = {
        "command": f"python benchmarks/compare_speed.py --repeat {args.repeat}",
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "recession_rejected_empty": len(rejected),
        "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "rows": rows,
    }
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "compare_speed.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        "# compare speed",
        "",
        f"Command: `{result['command']}` ({result['machine']}; fastest of {args.repeat} runs per size;"
        f" 1-minute load average {result['load_average_1min'][0]} before, "
        f"{result['load_average_1min'][1]} after, on {os.cpu_count()} cores).",
        "",
        "| input | articles | statements | parse s | embed s | align s | render s | total s | ours/NLP | align ms/statement |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in rows.items():
        lines.append(
            f"| {name} | {r['articles']} | {r['statements']} | {r['parse_s']:.2f} | {r['embed_s']:.2f} | "
            f"{r['align_s']:.2f} | {r['render_s']:.2f} | {r['total_s']:.2f} | {r['ours_over_nlp']:.2f} | "
            f"{1000 * r['align_s'] / max(1, r['statements']):.2f} |"
        )
    lines += [
        "",
        "align = statements, alignment, conflicts, quote groups, sourcing; ours = align + render.",
        "If align ms/statement stays flat as statements grow, the cost grows linearly in them",
        "(the similarity product is quadratic but done in numpy and small at these sizes).",
        "Timings were taken on a machine shared with other jobs: read the ratios, not the seconds.",
    ]
    (out / "compare_speed.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
