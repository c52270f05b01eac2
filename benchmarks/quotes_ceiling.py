"""How much of PolNeAR the extractor's candidates could reach with a perfect choice.

    python benchmarks/quotes_ceiling.py [--split dev|train] [--no-write]

For every gold content it asks whether one of the extractor's own spans matches it at
the scorer's rule (character overlap >= 50% of the longer span):

- ``rule``: the contents found by rule (direct quotes, "Name: ..." lines, headlines,
  transcript turns, "according to X"), from :func:`storylens.extract.quotes.rule_spans`;
- ``candidates``: every content shape the attribution model scores
  (:func:`storylens.extract.indirect.iter_candidates`), chosen or not;
- ``rule or candidates``: either, the recall a perfect selection could reach;
- ``shipped``: what the extractor actually outputs (``extract_quotes``).

The gap between ``rule or candidates`` and ``shipped`` is lost in selection (threshold,
overlaps, the wrong shape); the gap to 1.0 needs spans no rule or parse shape offers.
Results: benchmarks/results/quotes_ceiling_SPLIT.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(SHARED / "eval"))

from storylens.extract.indirect import iter_candidates  # noqa: E402
from storylens.extract.quotes import extract_quotes, rule_spans  # noqa: E402
from storylens.ingest import read_inputs  # noqa: E402
from storylens.normalize import Normalized, normalize  # noqa: E402
from storylens.pipeline import nlp_pipeline  # noqa: E402

KINDS = ("rule", "candidates", "rule or candidates", "shipped")


def original(norm: Normalized, start: int, end: int) -> tuple[int, int]:
    """Normalised offsets -> offsets into the input text (the gold's)."""
    span = norm.span(start, end)
    return span.start, span.end


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--split", default="dev", choices=["dev", "train"])
    ap.add_argument("--no-write", action="store_true", help="print, do not update results")
    args = ap.parse_args()
    data = SHARED / "data" / "polnear" / args.split
    if not data.exists():
        print(f"PolNeAR not found at {data}", file=sys.stderr)
        return 2
    import score_quotes as sq  # the shared scorer (standard library only)

    gold: dict[str, list[dict]] = {}
    for g in sq.read_jsonl(str(data / "gold_attributions.jsonl")):
        gold.setdefault(str(g["id"]), []).append(g)
    articles, _ = read_inputs([str(data / "articles.jsonl")])
    norms = [normalize(a.text) for a in articles]
    nlp = nlp_pipeline()
    counts = {k: {kind: 0 for kind in KINDS} | {"gold": 0} for k in ("direct", "all")}

    def matches(a: tuple[int, int], b: tuple[int, int]) -> bool:
        ov = sq.overlap(a, b)
        return ov > 0 and ov >= 0.5 * max(a[1] - a[0], b[1] - b[0])

    docs = nlp.pipe(n.text for n in norms)
    for article, norm, doc in zip(articles, norms, docs, strict=True):
        _, found_by_rule = rule_spans(doc, norm)
        rule = [original(norm, *s) for s in found_by_rule]
        cands = [original(norm, c.start, c.end) for c in iter_candidates(doc, norm.text)]
        shipped = [(q.content.start, q.content.end) for q in extract_quotes(doc, norm, article.id)]
        for g in gold.get(article.id, []):
            span = (g["content"]["start"], g["content"]["end"])
            found = {
                "rule": any(matches(s, span) for s in rule),
                "candidates": any(matches(s, span) for s in cands),
                "shipped": any(matches(s, span) for s in shipped),
            }
            found["rule or candidates"] = found["rule"] or found["candidates"]
            for key in ("all", "direct") if g.get("direct") else ("all",):
                counts[key]["gold"] += 1
                for kind in KINDS:
                    counts[key][kind] += found[kind]
    result = {
        "split": args.split,
        "recall": {
            key: {kind: round(c[kind] / c["gold"], 4) for kind in KINDS} | {"gold": c["gold"]}
            for key, c in counts.items()
        },
        "command": "python benchmarks/quotes_ceiling.py --split " + args.split,
    }
    lines = [
        f"# Candidate ceiling on PolNeAR {args.split}",
        "",
        f"Command: `{result['command']}`. Share of gold contents matched (scorer's rule) by:",
        "",
        "| gold | n | " + " | ".join(KINDS) + " |",
        "|---|---|" + "---|" * len(KINDS),
    ]
    for key, r in result["recall"].items():
        lines.append(f"| {key} | {r['gold']} | " + " | ".join(f"{r[k]:.3f}" for k in KINDS) + " |")
    print("\n".join(lines))
    if not args.no_write:
        out = ROOT / "benchmarks" / "results"
        (out / f"quotes_ceiling_{args.split}.json").write_text(
            json.dumps(result, indent=2, sort_keys=True) + "\n"
        )
        (out / f"quotes_ceiling_{args.split}.md").write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
