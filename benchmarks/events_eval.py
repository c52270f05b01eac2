"""Statement alignment against ECB+ cross-document event coreference, topics 36-45.

    python benchmarks/events_eval.py [--src DIR] [--label NAME] [--topics 36-45]

For each gold story of the topics (``../shared/data/ecbplus/gold_stories.jsonl``), all
its articles are compared as one story by the command a user runs,
``storylens compare STORY.jsonl --no-group --format json`` (in a fresh process, with
``--src`` on the path: another checkout's ``src`` gives the numbers before a change),
and ``eval/score_events.py`` scores every report together. ECB+ annotates events, not
claims: two sentences that mention one event are often not one claim, so precision is
the figure to hold (the same-claim model is never fitted on these topics).
Writes ``benchmarks/results/events_eval_<label>.{json,md}``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--src", type=Path, default=ROOT / "src", help="the storylens src/ to run")
    ap.add_argument("--label", default="current")
    ap.add_argument("--topics", default="36-45")
    args = ap.parse_args()
    data = SHARED / "data" / "ecbplus"
    if not (data / "gold_events.jsonl").is_file():
        raise SystemExit(f"{data} not found: ECB+ lives in ../shared")
    low, high = (int(x) for x in args.topics.split("-"))
    articles = {
        a["id"]: a for a in map(json.loads, (data / "articles.jsonl").open(encoding="utf-8"))
    }
    stories: dict[str, list[str]] = defaultdict(list)
    for g in map(json.loads, (data / "gold_stories.jsonl").open(encoding="utf-8")):
        if low <= int(g["topic"]) <= high:
            stories[g["story"]].append(g["id"])
    env = dict(os.environ, PYTHONPATH=str(args.src.resolve()))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        reports = []
        for n, (story, ids) in enumerate(sorted(stories.items()), 1):
            path = Path(tmp) / f"{story}.jsonl"
            path.write_text(
                "".join(json.dumps(articles[i]) + "\n" for i in sorted(ids)), encoding="utf-8"
            )
            out = Path(tmp) / f"{story}.json"
            subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "from storylens.cli import main; main()",
                    "compare",
                    str(path),
                    "--no-group",
                    "--format",
                    "json",
                    "-o",
                    str(out),
                ],
                check=True,
                env=env,
                stdout=subprocess.DEVNULL,
            )
            reports.append(str(out))
            print(f"\r{n}/{len(stories)} stories", end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)
        printed = subprocess.run(
            [
                sys.executable,
                str(SHARED / "eval" / "score_events.py"),
                str(data / "gold_events.jsonl"),
                *reports,
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    print(printed, end="")
    scores = {
        k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", printed.strip().splitlines()[-1])
    }
    commit = subprocess.run(
        ["git", "-C", str(args.src), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    result = {
        "command": f"python benchmarks/events_eval.py --label {args.label}"
        + (f" --src {args.src}" if args.src != ROOT / "src" else ""),
        "src_commit": commit,
        "topics": args.topics,
        "stories": len(stories),
        "articles": sum(len(v) for v in stories.values()),
        "scores": scores,
        "scorer_output": printed.strip().splitlines(),
        "seconds": round(time.perf_counter() - started, 1),
        "machine": f"{platform.machine()}, Python {platform.python_version()}",
    }
    out_dir = ROOT / "benchmarks" / "results"
    (out_dir / f"events_eval_{args.label}.json").write_text(
        json.dumps(result, indent=1) + "\n", encoding="utf-8"
    )
    (out_dir / f"events_eval_{args.label}.md").write_text(
        f"# events eval: {args.label}\n\nCommand: `{result['command']}` (code at {commit}; "
        f"{result['stories']} stories, {result['articles']} articles of ECB+ topics {args.topics}).\n\n"
        + "```\n"
        + printed.strip()
        + "\n```\n",
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
