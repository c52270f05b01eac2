"""Build the report for the 46-article recession story and show its most-agreed facts and conflicts.

    python benchmarks/recession_report.py [--show N]

Prints the texts to the terminal for judging; the committed results file
(benchmarks/results/recession_report.json) holds only ids, offsets, statuses and
counts, since the article texts belong to their publishers.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "src"))

from storylens.compare import compare  # noqa: E402
from storylens.ingest import read_inputs  # noqa: E402
from storylens.report import render_html  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--show", type=int, default=5, help="how many of the most-agreed facts to print"
    )
    ap.add_argument("--html", help="also write the HTML report here")
    args = ap.parse_args()
    articles, rejected = read_inputs([str(SHARED / "data" / "recession" / "articles.jsonl")])
    report = compare(articles, rejected)
    story = max(report.stories, key=lambda s: len(s.articles))
    facts = sorted(story.facts, key=lambda f: -len({s.article for s in f.statements}))
    outlets = {a.id: a.outlet or a.id for a in story.articles}
    print(
        f"{len(articles)} readable articles, {len(rejected)} rejected; stories: {[len(s.articles) for s in report.stories]}"
    )
    print(
        f"{len(story.facts)} facts: "
        + ", ".join(
            f"{k} {sum(1 for f in story.facts if f.status == k)}"
            for k in ("agreed", "partial", "unique", "conflicting")
        )
    )
    print(f"\nThe {args.show} most-agreed facts:")
    for fact in facts[: args.show]:
        n = len({s.article for s in fact.statements})
        print(f"\n{fact.id} ({fact.status}, {n} articles)")
        for s in fact.statements[:6]:
            print(f"  {outlets[s.article]}: {' '.join(s.text.split())[:200]}")
    print(f"\n{len(story.conflicts)} conflicts:")
    for c in story.conflicts:
        print(f"\n{c.kind} in {c.fact}: {c.explanation}")
        fact = next(f for f in story.facts if f.id == c.fact)
        for s in fact.statements:
            if s.article in {v.article for v in c.values}:
                print(f"  {outlets[s.article]}: {' '.join(s.text.split())[:220]}")
    summary = {
        "command": "python benchmarks/recession_report.py",
        "readable": len(articles),
        "rejected": len(rejected),
        "story_sizes": [len(s.articles) for s in report.stories],
        "facts": {
            k: sum(1 for f in story.facts if f.status == k)
            for k in ("agreed", "partial", "unique", "conflicting")
        },
        "most_agreed": [
            {
                "fact": f.id,
                "status": f.status,
                "articles": len({s.article for s in f.statements}),
                "statements": [
                    {"article": s.article, "start": s.start, "end": s.end} for s in f.statements
                ],
            }
            for f in facts[: args.show]
        ],
        "conflicts": [
            {
                "kind": c.kind,
                "fact": c.fact,
                "values": [
                    {"article": v.article, "start": v.start, "end": v.end} for v in c.values
                ],
            }
            for c in story.conflicts
        ],
    }
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "recession_report.json").write_text(json.dumps(summary, indent=2) + "\n")
    if args.html:
        Path(args.html).write_text(render_html(report), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
