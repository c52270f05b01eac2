"""Claim alignment and conflicts, scored as ``eval/score_claims.py`` scores them.

    python benchmarks/claims_eval.py [--split claims|claims_train] [--cache DIR] [--no-write]

For every annotated group of the split, the real path: ``storylens compare --no-group``
on the group's articles (:func:`storylens.compare.compare` with ``group=False``), the
JSON report written to a temporary folder, then the official scorer over all groups.
``claims`` is the check set: it is never used to fit or tune anything (the model is
fitted on ``claims_train`` by ``benchmarks/train_claims.py``), so its numbers are the
ones to report; ``claims_train`` numbers are in-sample for the model.
Writes ``benchmarks/results/claims_eval_<split>.{json,md}``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import platform
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from claims_data import ROOT, SHARED, iter_groups, scorer  # noqa: E402

from storylens.compare import compare_articles  # noqa: E402
from storylens.model import Report  # noqa: E402
from storylens.report import report_to_dict  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--split", default="claims", choices=("claims", "claims_train"))
    ap.add_argument(
        "--cache", type=Path, help="folder for analyses (reused while the code is unchanged)"
    )
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    root = SHARED / "data" / args.split
    if not root.is_dir():
        raise SystemExit(f"{root} not found: the annotated groups live in ../shared")
    started = time.perf_counter()
    conflicts: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for group in iter_groups(root, args.cache):
            story = compare_articles([r.article for r in group.results], group.results)
            data = report_to_dict(Report(stories=(story,)))
            out = Path(tmp) / group.name
            out.mkdir()
            (out / "report.json").write_text(json.dumps(data), encoding="utf-8")
            for c in data["stories"][0]["conflicts"]:
                # kind and confidence only: the reasons quote the corpus's text
                conflicts.append(
                    {"group": group.name, "kind": c["kind"], "confidence": c["confidence"]}
                )
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            scorer().score(str(root), tmp)
    text = printed.getvalue()
    print(text, end="")
    last = text.strip().splitlines()[-1]
    scores = {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", last)}
    result = {
        "command": f"python benchmarks/claims_eval.py --split {args.split}",
        "split": args.split,
        "scores": scores,
        "scorer_output": text.strip().splitlines(),
        "conflicts": conflicts,
        "seconds": round(time.perf_counter() - started, 1),
        "machine": f"{platform.machine()}, Python {platform.python_version()}",
    }
    if not args.no_write:
        out_dir = ROOT / "benchmarks" / "results"
        (out_dir / f"claims_eval_{args.split}.json").write_text(
            json.dumps(result, indent=1) + "\n", encoding="utf-8"
        )
        lines = [
            f"# claims eval: {args.split}",
            "",
            f"Command: `{result['command']}` ({result['machine']}).",
            "",
            "| PAIR_P | PAIR_R | PAIR_F1 | CONFLICT_P | CONFLICT_R |",
            "|---|---|---|---|---|",
            "| "
            + " | ".join(
                f"{scores.get(k, 0):.4f}"
                for k in ("PAIR_P", "PAIR_R", "PAIR_F1", "CONFLICT_P", "CONFLICT_R")
            )
            + " |",
            "",
            "Per group (scorer output):",
            "",
            "```",
            *text.strip().splitlines(),
            "```",
            "",
            "Conflicts reported:",
            "",
            *[f"- {c['group']} {c['kind']} ({c['confidence']:.2f})" for c in conflicts],
        ]
        (out_dir / f"claims_eval_{args.split}.md").write_text(
            "\n".join(lines) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
