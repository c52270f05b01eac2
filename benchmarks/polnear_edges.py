"""Where PolNeAR's annotators start a content: with a leading word, or just after it.

    python benchmarks/polnear_edges.py [--split train] [--words that,whether,...]

For each word, counts the gold contents that begin with it ("that the dam had failed")
and those that begin right after it ("... that [the dam had failed]"). The extractor's
content shapes follow the convention these counts show (a clause keeps its "that";
a prepositional object leaves out its "about"). Writes
``benchmarks/results/polnear_edges_{split}.md``: counts only, no text of the corpus.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
WORDS = "that,whether,if,how,what,why,to,about,for,of,on"


def counts(split: str, words: list[str]) -> dict[str, tuple[int, int]]:
    """word -> (contents beginning with it, contents beginning right after it)."""
    base = SHARED / "data" / "polnear" / split
    texts = {}
    with (base / "articles.jsonl").open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                texts[row["id"]] = row["text"]
    out = {w: [0, 0] for w in words}
    with (base / "gold_attributions.jsonl").open(encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            g = json.loads(line)
            text, start = texts[g["id"]], g["content"]["start"]
            for w in words:
                probe = w + " "
                if text[start : start + len(probe)].lower() == probe:
                    out[w][0] += 1
                elif text[max(0, start - len(probe)) : start].lower() == probe:
                    out[w][1] += 1
    return {w: (a, b) for w, (a, b) in out.items()}


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--split", default="train", choices=("train", "dev"))
    ap.add_argument("--words", default=WORDS, help=f"comma-separated (default {WORDS})")
    ap.add_argument("--no-write", action="store_true", help="print only")
    args = ap.parse_args()
    if not (SHARED / "data" / "polnear" / args.split).exists():
        print(f"PolNeAR not found under {SHARED / 'data'}", file=sys.stderr)
        return 2
    words = [w.strip().lower() for w in args.words.split(",") if w.strip()]
    table = counts(args.split, words)
    lines = [
        f"# Where PolNeAR {args.split} contents start",
        "",
        f"Command: `python benchmarks/polnear_edges.py --split {args.split}`.",
        "",
        "| word | content begins with it | content begins right after it |",
        "|---|---|---|",
    ]
    lines += [f"| {w} | {a} | {b} |" for w, (a, b) in table.items()]
    report = "\n".join(lines) + "\n"
    print(report, end="")
    if not args.no_write:
        out = ROOT / "benchmarks" / "results" / f"polnear_edges_{args.split}.md"
        out.write_text(report, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
