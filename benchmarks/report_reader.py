"""The reader's view on the demo story and the seeds: what the summary, differences,
single-outlet list, gaps and timeline hold, whether every summary sentence is cited
exactly to every outlet carrying it, and what rendering costs beside ``compare``.

    python benchmarks/report_reader.py

The seeds are read from ``../shared/data/seeds/articles.jsonl`` (left out when absent).
Only counts and timings are written (benchmarks/results/report_reader.{json,md}), no
article text. Timings are wall clock on a shared machine: compare them within one run.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from storylens.cli.compare import demo_corpus
from storylens.compare import compare
from storylens.ingest import read_inputs
from storylens.model import Report
from storylens.report import build_timeline, render, report_to_dict, summarize

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "data" / "seeds" / "articles.jsonl"
RESULTS = ROOT / "benchmarks" / "results"


def _carriers(fact: dict[str, Any]) -> set[str]:
    return {s["article"] for s in fact["statements"]}


def measure(name: str, path: Path, group: bool) -> list[dict[str, Any]]:
    articles, rejected = read_inputs([str(path)])
    texts = {a.id: a.text for a in articles}
    clock = time.perf_counter()
    report = compare(articles, rejected, group=group)
    t_compare = time.perf_counter() - clock
    rows = []
    for story in report.stories:
        data = report_to_dict(Report((story,)))["stories"][0]
        facts = {f["id"]: f for f in data["facts"]}
        summary = data["summary"]
        cites = [c for s in summary["statements"] for c in s["cites"]]
        timings = {}
        for fmt in ("json", "md", "html"):
            clock = time.perf_counter()
            render(Report((story,)), fmt)
            timings[f"render_{fmt}_ms"] = round((time.perf_counter() - clock) * 1000, 1)
        clock = time.perf_counter()
        summarize(story)
        timings["summarize_ms"] = round((time.perf_counter() - clock) * 1000, 1)
        clock = time.perf_counter()
        build_timeline(story)
        timings["timeline_ms"] = round((time.perf_counter() - clock) * 1000, 1)
        rows.append(
            {
                "corpus": name,
                "articles": len(story.articles),
                "facts": len(facts),
                "shared_facts": sum(len(_carriers(f)) > 1 for f in facts.values()),
                "summary": len(summary["statements"]),
                "summary_from_shared": sum(len(s["outlets"]) > 1 for s in summary["statements"]),
                "summary_cites_exact": all(
                    texts[c["article"]][c["start"] : c["end"]] == c["text"] for c in cites
                ),
                "summary_cited_to_every_carrier": all(
                    {c["article"] for c in s["cites"]} == _carriers(facts[s["fact"]])
                    for s in summary["statements"]
                ),
                "differences": len(summary["differences"]),
                "differences_certain": sum(d["certain"] for d in summary["differences"]),
                "single_outlet_facts": sum(len(_carriers(f)) == 1 for f in facts.values()),
                "only_one_listed": len(summary["only_one"]),
                "not_reported": len(summary["not_reported"]),
                "not_reported_certain": sum(n["certain"] for n in summary["not_reported"]),
                "timeline": len(data["timeline"]),
                "timeline_dated_by_text": sum(e["basis"] == "text" for e in data["timeline"]),
                "compare_s": round(t_compare, 2),
                **timings,
            }
        )
    return rows


def main() -> None:
    rows = measure("demo", demo_corpus(), group=False)
    if SEEDS.exists():
        rows += measure("seeds", SEEDS, group=True)
    else:
        print(f"{SEEDS} is absent: the seeds are left out")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "report_reader.json").write_text(json.dumps(rows, indent=2) + "\n", "utf-8")
    keys = list(rows[0])
    lines = [
        "# The reader's view: demo story and seeds",
        "",
        "`python benchmarks/report_reader.py`",
        "",
        "| " + " | ".join(keys) + " |",
        "|" + "---|" * len(keys),
    ]
    lines += ["| " + " | ".join(str(r[k]) for k in keys) + " |" for r in rows]
    (RESULTS / "report_reader.md").write_text("\n".join(lines) + "\n", "utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
