"""Quote and attribution quality on PolNeAR, scored by ../shared/eval/score_quotes.py.

    python benchmarks/quotes_eval.py [--split dev|train] [--limit N] [--no-write]

Runs the real extraction path (normalise, spaCy, extract_quotes) over the split's
articles, writes the predictions in the scorer's format, scores all attributions and
direct quotes only, and records the results in benchmarks/results/quotes_eval_SPLIT.json.
The errors are counted too, with the scorer's own matching: misses and spurious
contents that overlap the other side (boundary disagreements) and those that do not.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "src"))

from storylens.ingest import read_inputs  # noqa: E402
from storylens.pipeline import analyze  # noqa: E402


def score(pred: Path, gold: Path, direct_only: bool) -> dict[str, float]:
    cmd = [sys.executable, str(SHARED / "eval" / "score_quotes.py"), str(pred), str(gold), "--json"]
    if direct_only:
        cmd.append("--direct-only")
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)


def errors(rows: list[dict], gold: Path, direct_only: bool) -> dict[str, int]:
    """Misses and spurious contents, split by whether they overlap the other side at all.

    Uses the scorer's own one-to-one matching. A miss that overlaps one of our contents
    is a boundary disagreement (the overlap is under half the longer span); one that
    overlaps nothing was not found.
    """
    if str(SHARED / "eval") not in sys.path:
        sys.path.insert(0, str(SHARED / "eval"))
    import score_quotes as sq  # the shared scorer (standard library only)

    def span(r: dict) -> tuple[int, int]:
        return r["content"]["start"], r["content"]["end"]

    golds: dict[str, list[tuple[int, int]]] = {}
    for g in sq.read_jsonl(str(gold)):
        if g.get("direct") or not direct_only:
            golds.setdefault(str(g["id"]), []).append(span(g))
    preds: dict[str, list[tuple[int, int]]] = {}
    for r in rows:
        if r.get("direct") or not direct_only:
            preds.setdefault(str(r["id"]), []).append(span(r))
    out = {"missed_overlapping": 0, "missed_no_overlap": 0}
    out |= {"spurious_overlapping": 0, "spurious_no_overlap": 0}
    for aid in set(golds) | set(preds):
        gs, ps = golds.get(aid, []), preds.get(aid, [])
        pairs = sq.greedy_match(ps, gs)
        used_p, used_g = {i for i, _ in pairs}, {j for _, j in pairs}
        for j, g in enumerate(gs):
            if j not in used_g:
                near = any(sq.overlap(p, g) > 0 for p in ps)
                out["missed_overlapping" if near else "missed_no_overlap"] += 1
        for i, p in enumerate(ps):
            if i not in used_p:
                near = any(sq.overlap(p, g) > 0 for g in gs)
                out["spurious_overlapping" if near else "spurious_no_overlap"] += 1
    return out


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--split", default="dev", choices=["dev", "train"])
    ap.add_argument(
        "--limit", type=int, default=0, help="only the first N articles (for quick tuning)"
    )
    ap.add_argument(
        "--no-write", action="store_true", help="print, do not update benchmarks/results"
    )
    args = ap.parse_args()
    data = SHARED / "data" / "polnear" / args.split
    if not data.exists():
        print(f"PolNeAR not found at {data}", file=sys.stderr)
        return 2
    articles, _ = read_inputs([str(data / "articles.jsonl")])
    if args.limit:
        articles = articles[: args.limit]
    started = time.perf_counter()
    rows = [q.to_dict() for r in analyze(articles) for q in r.quotes]
    elapsed = time.perf_counter() - started
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")
        pred = Path(f.name)
    gold = data / "gold_attributions.jsonl"
    if args.limit:
        ids = {a.id for a in articles}
        sub = Path(tempfile.mkdtemp()) / "gold_attributions.jsonl"
        sub.write_text("".join(line for line in gold.open() if json.loads(line)["id"] in ids))
        (sub.parent / "articles.jsonl").write_text(
            "".join(
                line for line in (data / "articles.jsonl").open() if json.loads(line)["id"] in ids
            )
        )
        gold = sub
    result = {
        "split": args.split,
        "articles": len(articles),
        "predictions": len(rows),
        "seconds": round(elapsed, 1),
        "all": score(pred, gold, False),
        "direct": score(pred, gold, True),
        "errors": {"all": errors(rows, gold, False), "direct": errors(rows, gold, True)},
        "command": "python benchmarks/quotes_eval.py --split " + args.split,
    }
    for key in ("all", "direct"):
        r = result[key]
        print(
            f"{key:7s} CONTENT_F1={r['content_f1']:.4f} (P={r['content_precision']:.4f} R={r['content_recall']:.4f}) "
            f"SOURCE_ACC={r['source_acc']:.4f} exact_F1={r['exact_f1']:.4f} n_gold={r['n_gold']} n_pred={r['n_pred']}"
        )
        e = result["errors"][key]
        print(
            f"{'':7s} missed {e['missed_overlapping']} overlapping ours + {e['missed_no_overlap']} "
            f"not found; spurious {e['spurious_overlapping']} overlapping gold + "
            f"{e['spurious_no_overlap']} with no gold near"
        )
    if not args.no_write and not args.limit:
        out = ROOT / "benchmarks" / "results"
        out.mkdir(parents=True, exist_ok=True)
        (out / f"quotes_eval_{args.split}.json").write_text(
            json.dumps(result, indent=2, sort_keys=True) + "\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
