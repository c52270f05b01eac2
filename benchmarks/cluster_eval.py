"""Story clustering quality on ECB+ and MEANTIME, scored by the shared scorer.

    python benchmarks/cluster_eval.py

Runs `storylens cluster DATA/articles.jsonl --format jsonl` once per dataset (one
pass, file order, the same settings for every dataset). The output carries both
levels: "story" (the event) and "topic" (the kind of news); the topic file is the
same as `storylens cluster ... --level topic`. Scores with
../shared/eval/score_clusters.py: ECB+ at story and topic level, MEANTIME (whose
gold "story" is a corpus topic) with our topic level. Writes
benchmarks/results/cluster_eval.{json,md}.

    python benchmarks/cluster_eval.py --orders 5     # the default; --orders 0 skips it

Lone topics (skipped with ``--no-lone-grid``): the clusterer's rule that a lone
article's topic joins the topic whose mean vector is nearest (LONE_TOPIC_JOIN,
LONE_TOPIC_MARGIN in storylens.cluster.clusterer) scored over a grid of bars and
margins on the same features, in the file order and the shuffled orders; and, for
calibration, each gold topic's articles' cosine to their own topic's mean (the
article left out) against the nearest other topic's mean.

Order sensitivity: the file order is one draw of the arrival order, and settings
tuned on it alone can fit that draw. The features are computed once, in process and
batched as `storylens cluster` batches them (so the file-order run reproduces the
command's scores, which is checked), and the clusterer is fed them again in ORDERS
shuffled orders (seeds 1..ORDERS); the table gives the spread.
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
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
ORDERS = 5  # shuffled arrival orders scored besides the file order


_FEATURES: dict[str, list] = {}


def features_of(dataset: str) -> list:
    """The dataset's features, computed once per process as `storylens cluster` does."""
    if dataset not in _FEATURES:
        from storylens.cluster import FEATURE_BATCH, featurize
        from storylens.ingest import read_inputs

        articles, _ = read_inputs([str(SHARED / "data" / dataset / "articles.jsonl")])
        feats = []
        for start in range(0, len(articles), FEATURE_BATCH):
            feats.extend(featurize(articles[start : start + FEATURE_BATCH]))
        _FEATURES[dataset] = feats
    return _FEATURES[dataset]


def iter_orders(dataset: str, orders: int) -> list[dict]:
    """Scores of the clusterer fed the dataset's features in the file order, then shuffled."""
    from storylens.cluster import StoryClusterer

    feats = features_of(dataset)
    runs = []
    for seed in range(orders + 1):
        order = list(feats)
        if seed:
            random.Random(seed).shuffle(order)
        clusterer = StoryClusterer()
        for f in order:
            clusterer.add(f)
        rows = [{"id": a, "story": s, "topic": t} for a, s, t in clusterer.assignments()]
        runs.append({"seed": seed, "rows": rows})
    return runs


def order_rows(outputs: dict[str, list[dict[str, str]]], orders: int) -> list[dict]:
    """Per scored level: B3 F1 in the file order and over the shuffled orders."""
    runs = {
        dataset: iter_orders(dataset, orders) for dataset in ("ecbplus", "meantime", "recession")
    }
    out = []
    for dataset, level, gold_level in RUNS:
        per = []
        for run in runs[dataset]:
            if gold_level is None:
                sizes: dict[str, int] = {}
                for r in run["rows"]:
                    sizes[r[level]] = sizes.get(r[level], 0) + 1
                per.append(max(sizes.values()) if sizes else 0)
            else:
                per.append(score(run["rows"], level, dataset, gold_level)["b3_f1"])
        cli = {r["id"]: r for r in outputs[dataset]}
        first = runs[dataset][0]["rows"]
        same = all(cli[r["id"]][level] == r[level] for r in first) and len(first) == len(cli)
        out.append(
            {
                "dataset": dataset,
                "level": level,
                "measure": "largest cluster" if gold_level is None else "B3 F1",
                "file_order": per[0],
                "shuffled": per[1:],
                "mean": statistics.mean(per),
                "min": min(per),
                "max": max(per),
                "file_order_matches_command": same,
            }
        )
        print(json.dumps(out[-1]), flush=True)
    return out


LONE_BARS = (0.45, 0.5, 0.55)
LONE_MARGINS = (0.05, 0.1)


def _scorer_module():  # the shared scorer, imported once instead of run per score
    import importlib.util

    spec = importlib.util.spec_from_file_location("score_clusters", SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def lone_grid(orders: int) -> list[dict]:
    """B3 F1 per lone-topic setting: file order and the mean over all orders."""
    from storylens.cluster import clusterer as module

    scorer = _scorer_module()
    gold = {
        d: scorer.read_jsonl(str(SHARED / "data" / d / "gold_stories.jsonl"))
        for d in ("ecbplus", "meantime")
    }
    saved = (module.LONE_TOPIC_JOIN, module.LONE_TOPIC_MARGIN)
    settings = [(2.0, 0.0)] + [(b, m) for b in LONE_BARS for m in LONE_MARGINS]  # 2.0: off
    out = []
    try:
        for bar, margin in settings:
            module.LONE_TOPIC_JOIN, module.LONE_TOPIC_MARGIN = bar, margin
            row: dict = {"bar": None if bar > 1 else bar, "margin": margin}
            runs = {d: iter_orders(d, orders) for d in ("ecbplus", "meantime")}
            for dataset, level, gold_level in RUNS:
                if gold_level is None:
                    continue
                per = [
                    scorer.score(
                        [{"id": r["id"], "story": r[level]} for r in run["rows"]],
                        gold[dataset],
                        level=gold_level,
                    )["b3_f1"]
                    for run in runs[dataset]
                ]
                row[f"{dataset}/{level}"] = {"file_order": per[0], "mean": statistics.mean(per)}
            out.append(row)
            print(json.dumps(row), flush=True)
    finally:
        module.LONE_TOPIC_JOIN, module.LONE_TOPIC_MARGIN = saved
    return out


def own_topic_cosines() -> list[dict]:
    """Per gold-labelled dataset: articles' cosine to their own topic's mean and the next's."""
    import numpy as np

    out = []
    for dataset, label in (("ecbplus", "topic"), ("meantime", "story")):
        gold_path = SHARED / "data" / dataset / "gold_stories.jsonl"
        gold = {}
        for line in gold_path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                gold[row["id"]] = row[label]
        feats = [f for f in features_of(dataset) if f.id in gold]
        vectors = np.array([f.vector for f in feats])
        labels = [gold[f.id] for f in feats]
        sums = {t: vectors[[i for i, x in enumerate(labels) if x == t]].sum(0) for t in set(labels)}
        own, other = [], []
        for i, t in enumerate(labels):
            rest = sums[t] - vectors[i]
            if not rest.any():
                continue
            own.append(float(vectors[i] @ rest / np.linalg.norm(rest)))
            other.append(
                max(float(vectors[i] @ v / np.linalg.norm(v)) for u, v in sums.items() if u != t)
            )
        own_a, other_a = np.array(own), np.array(other)
        out.append(
            {
                "dataset": dataset,
                "articles": len(own),
                "own_p01": float(np.percentile(own_a, 1)),
                "own_p05": float(np.percentile(own_a, 5)),
                "own_median": float(np.median(own_a)),
                "other_median": float(np.median(other_a)),
                "other_p99": float(np.percentile(other_a, 99)),
                "own_below_other": int((own_a < other_a).sum()),
            }
        )
    return out


def main() -> int:
    if "--render-only" in sys.argv:  # rewrite the .md from the committed .json
        saved = json.loads((RESULTS / "cluster_eval.json").read_text(encoding="utf-8"))
        render(
            saved["meta"],
            saved["results"],
            saved.get("orders"),
            saved.get("lone"),
            saved.get("calibration"),
        )
        return 0
    if not SCORER.exists():
        sys.exit(f"{SCORER} not found: the evaluation data (../shared) is absent")
    orders = ORDERS
    if "--orders" in sys.argv:
        orders = int(sys.argv[sys.argv.index("--orders") + 1])
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
    shuffled = order_rows({k: v[0] for k, v in outputs.items()}, orders) if orders else []
    lone = lone_grid(orders) if "--no-lone-grid" not in sys.argv else []
    calibration = own_topic_cosines() if lone else []
    meta = {
        "command": "python benchmarks/cluster_eval.py"
        + (f" --orders {orders}" if orders != ORDERS else "")
        + (" --no-lone-grid" if "--no-lone-grid" in sys.argv else ""),
        "orders": orders,
        "cluster_command": "storylens cluster ../shared/data/DATASET/articles.jsonl --format jsonl",
        "score_command": "python ../shared/eval/score_clusters.py PRED GOLD [--level topic] --json",
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "cluster_eval.json").write_text(
        json.dumps(
            {
                "meta": meta,
                "results": results,
                "orders": shuffled,
                "lone": lone,
                "calibration": calibration,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    render(meta, results, shuffled, lone, calibration)
    return 0


def render(
    meta: dict,
    results: list[dict],
    shuffled: list[dict] | None = None,
    lone: list[dict] | None = None,
    calibration: list[dict] | None = None,
) -> None:
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
    if shuffled:
        n = len(shuffled[0]["shuffled"])
        lines += [
            "",
            f"Order sensitivity: the same features fed in the file order and in {n} shuffled "
            f"orders (seeds 1-{n}); the file-order column reproduces the command's run "
            "(checked: "
            + ("yes" if all(r["file_order_matches_command"] for r in shuffled) else "NO")
            + ").",
            "",
            "| dataset | our level | measure | file order | mean of all | min | max |",
            "|---|---|---|---|---|---|---|",
        ]
        for r in shuffled:
            fmt = "{:.4f}" if r["measure"] == "B3 F1" else "{:.0f}"
            cells = [fmt.format(r[k]) for k in ("file_order", "mean", "min", "max")]
            if r["measure"] != "B3 F1":
                cells[1] = f"{r['mean']:.1f}"
            lines.append(
                f"| {r['dataset']} | {r['level']} | {r['measure']} | " + " | ".join(cells) + " |"
            )
    if lone:
        keys = [f"{d}/{lv}" for d, lv, g in RUNS if g is not None]
        lines += [
            "",
            "Lone topics: the rule that a topic of one article joins the topic whose mean "
            "vector is nearest (cosine >= bar, ahead of the next by >= margin), on the same "
            "features; B3 F1 in the file order / mean over the file order and the shuffled "
            "orders. The shipped setting is LONE_TOPIC_JOIN / LONE_TOPIC_MARGIN in "
            "storylens.cluster.clusterer.",
            "",
            "| bar | margin | " + " | ".join(keys) + " |",
            "|---|---|" + "---|" * len(keys),
        ]
        for r in lone:
            bar = "off" if r["bar"] is None else f"{r['bar']:.2f}"
            cells = [f"{r[k]['file_order']:.4f} / {r[k]['mean']:.4f}" for k in keys]
            lines.append(f"| {bar} | {r['margin']:.2f} | " + " | ".join(cells) + " |")
    if calibration:
        lines += [
            "",
            "Gold topics (calibration): each article's cosine to its own gold topic's mean "
            "(itself left out) and to the nearest other topic's mean.",
            "",
            "| dataset | articles | own: 1st pct | own: 5th pct | own: median | other: median "
            "| other: 99th pct | own below other |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for c in calibration:
            lines.append(
                f"| {c['dataset']} | {c['articles']} | {c['own_p01']:.3f} | {c['own_p05']:.3f} "
                f"| {c['own_median']:.3f} | {c['other_median']:.3f} | {c['other_p99']:.3f} "
                f"| {c['own_below_other']} |"
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
