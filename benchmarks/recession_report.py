"""Build the report for the 46-article recession story; show its most-agreed facts and conflicts.

    python benchmarks/recession_report.py [--show 5] [--near 5] [--html PATH]

Prints statement texts to the terminal for judging. The committed results file
(benchmarks/results/recession_report.json) holds only ids, offsets, statuses and
counts, since the article texts belong to their publishers.

The articles are grouped with compare's title-and-lead grouping
(``storylens.compare.group_stories``): the data set is one story by construction, a
debate rather than one event, and the event-level story clusterer that ``compare``
uses splits it (the script prints how, for comparison).

Besides the reported conflicts it lists "near conflicts": candidate pairs of statements
from different articles that the same-claim model scored between its ``weak`` and
``match`` thresholds and that a conflict rule would flag if the two were one fact. They show what
the alignment keeps out, so a reader can judge whether it keeps out the right ones.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "src"))

from storylens.align import align  # noqa: E402
from storylens.align.embed import embed_statements  # noqa: E402
from storylens.compare import compare_articles, group_stories  # noqa: E402
from storylens.conflicts import find_conflicts  # noqa: E402
from storylens.ingest import read_inputs  # noqa: E402
from storylens.model import Report  # noqa: E402
from storylens.pipeline import analyze  # noqa: E402
from storylens.report import render_html  # noqa: E402
from storylens.statements import statements_of  # noqa: E402


def _flat(text: str, n: int) -> str:
    return " ".join(text.split())[:n]


def near_conflicts(story: list, limit: int) -> list[dict[str, Any]]:
    """Rule hits between scored candidate pairs that alignment did not match, best first."""
    statements = [s for r in story for s in statements_of(r)]
    result = align(statements, embed_statements([s.text for s in statements]))
    texts = {r.article.id: r.article.text for r in story}
    hits = []
    for m in result.matches:
        if m.p >= result.model.match or m.p < result.model.weak:
            continue
        a, b = statements[m.a], statements[m.b]
        for c in find_conflicts("-", [(a, b, m.p)], texts):
            hits.append((m.p, c, a, b))
    hits.sort(key=lambda h: -h[0])
    out = []
    for score, c, a, b in hits[:limit]:
        print(f"\n  near {c.kind} (same-claim probability {score:.3f}): {c.explanation}")
        print(f"    {a.article}: {_flat(a.text, 200)}")
        print(f"    {b.article}: {_flat(b.text, 200)}")
        out.append(
            {
                "kind": c.kind,
                "probability": round(score, 3),
                "statements": [
                    {"article": s.article, "start": s.start, "end": s.end} for s in (a, b)
                ],
            }
        )
    return out


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--show", type=int, default=5, help="most-agreed facts to print")
    ap.add_argument("--near", type=int, default=5, help="near conflicts to print")
    ap.add_argument("--html", help="also write the HTML report here")
    args = ap.parse_args()
    articles, rejected = read_inputs([str(SHARED / "data" / "recession" / "articles.jsonl")])
    results = list(analyze(articles))
    stories = sorted(group_stories(results), key=len, reverse=True)
    reports = [compare_articles([r.article for r in s], s) for s in stories]
    story, main_results = reports[0], stories[0]
    facts = sorted(story.facts, key=lambda f: -len({s.article for s in f.statements}))
    counts = {
        k: sum(1 for f in story.facts if f.status == k)
        for k in ("agreed", "partial", "unique", "conflicting")
    }
    print(f"{len(articles)} readable articles, {len(rejected)} rejected (empty text)")
    print(f"stories: {[len(s.articles) for s in reports]}")
    for s in reports[1:]:
        print(f"  set apart: {[a.id for a in s.articles]}")
    try:
        from storylens.cluster import cluster_articles
    except ImportError:
        clustered = None
    else:
        rows = cluster_articles([r.article for r in results])
        clustered = sorted(Counter(s for _, s in rows).values(), reverse=True)
        print(f"the event-level clusterer would make {len(clustered)} stories: {clustered}")
    print(f"{len(story.facts)} facts: {counts}")
    print(f"\nThe {args.show} most-agreed facts:")
    for fact in facts[: args.show]:
        n = len({s.article for s in fact.statements})
        print(f"\n{fact.id} ({fact.status}, {n} articles)")
        for s in fact.statements:
            print(f"  {s.article} [{s.start}:{s.end}]: {_flat(s.text, 200)}")
    print(f"\n{len(story.conflicts)} conflicts reported:")
    for c in story.conflicts:
        print(f"\n  {c.kind} in {c.fact}: {c.explanation}")
        for v in c.values:
            print(f"    {v.article} [{v.start}:{v.end}] {v.value!r}")
    print(f"\nNear conflicts (similar statements not aligned as one fact), top {args.near}:")
    near = near_conflicts(main_results, args.near)
    summary = {
        "command": "python benchmarks/recession_report.py",
        "readable": len(articles),
        "rejected": len(rejected),
        "story_sizes": [len(s.articles) for s in reports],
        "set_apart": [[a.id for a in s.articles] for s in reports[1:]],
        "clusterer_story_sizes": clustered,
        "facts": counts,
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
        "near_conflicts": near,
    }
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "recession_report.json").write_text(json.dumps(summary, indent=2) + "\n")
    if args.html:
        Path(args.html).write_text(render_html(Report(tuple(reports))), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
