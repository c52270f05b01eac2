"""Story clustering quality on ECB+ and MEANTIME, scored by the shared scorer.

    python benchmarks/cluster_eval.py

Runs `storylens cluster DATA/articles.jsonl --format jsonl` once per dataset (one
pass, file order, the same settings for every dataset). The output carries both
levels: "story" (the event) and "topic" (the kind of news); the topic file is the
same as `storylens cluster ... --level topic`. Scores with
../shared/eval/score_clusters.py: ECB+ at story and topic level, MEANTIME (whose
gold "story" is a corpus topic) with our topic level. Writes
benchmarks/results/cluster_eval.{json,md}.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
RESULTS = ROOT / "benchmarks" / "results"
SCORER = SHARED / "eval" / "score_clusters.py"

# (dataset, our level, gold level for the scorer)
RUNS = [
    ("ecbplus", "story", "story"),
    ("ecbplus", "topic", "topic"),
    ("meantime", "topic", "story"),
    ("recession", "story", None),
    ("recession", "topic", None),
]


def cluster(dataset: str) -> tuple[list[dict[str, str]], float]:
    exe = Path(sys.executable).with_name("storylens")
    cmd = [str(exe), "cluster", str(SHARED / "data" / dataset / "articles.jsonl")]
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        sys.exit(f"storylens cluster failed on {dataset}: {done.stderr[-2000:]}")
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()], seconds


def score(rows: list[dict[str, str]], level: str, dataset: str, gold_level: str) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for row in rows:
            f.write(json.dumps({"id": row["id"], "story": row[level]}) + "\n")
        pred = f.name
    try:
        cmd = [
            sys.executable,
            str(SCORER),
            pred,
            str(SHARED / "data" / dataset / "gold_stories.jsonl"),
        ]
        cmd += ["--json"] + (["--level", "topic"] if gold_level == "topic" else [])
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(pred)
    return json.loads(out)


# The targets set for story clustering (B3 F1).
TARGETS = {("ecbplus", "story"): 0.90, ("ecbplus", "topic"): 0.97, ("meantime", "topic"): 0.95}


def main() -> int:
    if "--render-only" in sys.argv:  # rewrite the .md from the committed .json
        saved = json.loads((RESULTS / "cluster_eval.json").read_text(encoding="utf-8"))
        render(saved["meta"], saved["results"])
        return 0
    if not SCORER.exists():
        sys.exit(f"{SCORER} not found: the evaluation data (../shared) is absent")
    outputs: dict[str, tuple[list[dict[str, str]], float]] = {}
    results = []
    for dataset, level, gold_level in RUNS:
        if dataset not in outputs:
            outputs[dataset] = cluster(dataset)
        rows, seconds = outputs[dataset]
        row: dict = {"dataset": dataset, "level": level, "articles": len(rows), "seconds": seconds}
        if gold_level is None:
            sizes: dict[str, int] = {}
            for r in rows:  # empty texts are rejected by the reader
                sizes[r[level]] = sizes.get(r[level], 0) + 1
            row["clusters"] = len(sizes)
            row["largest"] = max(sizes.values()) if sizes else 0
        else:
            s = score(rows, level, dataset, gold_level)
            row.update(
                gold_level=gold_level,
                clusters=s["n_pred_clusters"],
                gold_clusters=s["n_gold_clusters"],
                b3_precision=s["b3_precision"],
                b3_recall=s["b3_recall"],
                b3_f1=s["b3_f1"],
                pairwise_f1=s["pairwise_f1"],
                ari=s["ari"],
            )
        results.append(row)
        print(json.dumps(row), flush=True)
    meta = {
        "command": "python benchmarks/cluster_eval.py",
        "cluster_command": "storylens cluster ../shared/data/DATASET/articles.jsonl --format jsonl",
        "score_command": "python ../shared/eval/score_clusters.py PRED GOLD [--level topic] --json",
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "cluster_eval.json").write_text(
        json.dumps({"meta": meta, "results": results}, indent=2) + "\n", encoding="utf-8"
    )
    render(meta, results)
    return 0


def render(meta: dict, results: list[dict]) -> None:
    lines = [
        "# story clustering quality",
        "",
        f"Command: `{meta['command']}` (runs `{meta['cluster_command']}` once per dataset, "
        "one pass in file order, one setting for all; scores with "
        f"`{meta['score_command']}`).",
        "",
        "| dataset | our level | gold level | clusters (gold) | B3 P | B3 R | B3 F1 | target | pairwise F1 | ARI |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        if "b3_f1" in r:
            lines.append(
                f"| {r['dataset']} | {r['level']} | {r['gold_level']} | {r['clusters']} ({r['gold_clusters']}) "
                f"| {r['b3_precision']:.4f} | {r['b3_recall']:.4f} | {r['b3_f1']:.4f} "
                f"| {_target(r)} | {r['pairwise_f1']:.4f} | {r['ari']:.4f} |"
            )
    lines += ["", "Recession (one story, no gold file: all readable articles belong together):", ""]
    for r in results:
        if "b3_f1" not in r:
            lines.append(
                f"- {r['level']} level: {r['articles']} articles in {r['clusters']} clusters, "
                f"largest {r['largest']}"
            )
    lines.append("")
    (RESULTS / "cluster_eval.md").write_text("\n".join(lines), encoding="utf-8")


def _target(row: dict) -> str:
    goal = TARGETS.get((row["dataset"], row["level"]))
    if goal is None:
        return ""
    return f">= {goal:.2f} ({'met' if row['b3_f1'] >= goal else 'not met'})"


if __name__ == "__main__":
    sys.exit(main())
