"""How far the conflict rules reach: each rule over every candidate pair, by match bar.

    python benchmarks/conflict_reach.py [--split claims_train] [--cache DIR]

compare looks for conflicts only between statements it matched as one claim (pair
probability >= the model's ``match``). This asks what lowering that bar would buy: for
every candidate pair of a story (the pairs the same-claim model scores) it applies each
rule of ``storylens.conflicts.RULES`` and maps the two values to the annotated units as
``eval/score_claims.py`` does. For each bar it counts the pairs where a rule fires
("firings"), those whose values sit on an annotated conflict ("right"), and the
annotated conflicts reached. Run on claims_train (the fitting split) only: it is a
diagnosis of the rules, not a score. Writes benchmarks/results/conflict_reach.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from claims_data import SHARED, covers, iter_groups, unit_pairs

from storylens.align import align
from storylens.align.embed import embed_statements
from storylens.align.model import load_claims_model
from storylens.align.quotes import quote_links
from storylens.conflicts import RULES, Pair
from storylens.names import StoryNames
from storylens.quotegroups import group_quotes
from storylens.statements import statements_of

RESULTS = Path(__file__).resolve().parent / "results"
BARS = (0.0, 0.05, 0.1, 0.2, 0.28, 0.4, 0.575, 0.65, 0.75, 0.9)


def firings(split: str, cache: Path | None) -> tuple[list[dict], int, int]:
    """(every rule firing on a candidate pair, annotated conflicts, groups)."""
    rows: list[dict] = []
    gold = groups = 0
    for group in iter_groups(SHARED / "data" / split, cache):
        groups += 1
        gold += len(group.conflicts)
        results = group.results
        texts = {r.article.id: r.article.text for r in results}
        statements = [s for r in results for s in statements_of(r)]
        vectors = embed_statements([s.text for s in statements])
        names = StoryNames.build(results)
        quotes = group_quotes([q for r in results for q in r.quotes], texts, names)
        alignment = align(statements, vectors, linked=quote_links(statements, quotes))
        for match in alignment.matches:
            a, b = statements[match.a], statements[match.b]
            if a.article == b.article:
                continue
            pair = Pair(a, b, match.p, texts, {})
            for kind, rule in RULES:
                found = rule(pair)
                if found is None:
                    continue
                va, vb = found.values
                units = unit_pairs(
                    covers(group, va.article, va.start, va.end),
                    covers(group, vb.article, vb.start, vb.end),
                )
                rows.append(
                    {
                        "group": group.name,
                        "kind": kind,
                        "p": match.p,
                        "conflicts": sorted("-".join(sorted(u)) for u in units & group.conflicts),
                    }
                )
    return rows, gold, groups


def table(rows: list[dict], gold: int) -> list[dict]:
    out = []
    kinds = sorted({r["kind"] for r in rows})
    for bar in BARS:
        for kind in [*kinds, "all"]:
            sel = [r for r in rows if r["p"] >= bar and kind in (r["kind"], "all")]
            reached = {(r["group"], c) for r in sel for c in r["conflicts"]}
            right = sum(1 for r in sel if r["conflicts"])
            out.append(
                {
                    "bar": bar,
                    "kind": kind,
                    "firings": len(sel),
                    "right": right,
                    "precision": round(right / len(sel), 4) if sel else None,
                    "reached": len(reached),
                    "recall": round(len(reached) / gold, 4) if gold else None,
                }
            )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", default="claims_train")
    ap.add_argument("--cache", type=Path, help="folder for the groups' analyses")
    args = ap.parse_args()
    if args.split == "claims":
        raise SystemExit("claims is the check split: diagnose the rules on claims_train")
    clock = time.perf_counter()
    rows, gold, groups = firings(args.split, args.cache)
    result = {
        "command": "python benchmarks/conflict_reach.py --split " + args.split,
        "split": args.split,
        "groups": groups,
        "annotated_conflicts": gold,
        "match_bar": load_claims_model().match,
        "fired_by_kind": dict(Counter(r["kind"] for r in rows)),
        "table": table(rows, gold),
        "seconds": round(time.perf_counter() - clock, 1),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "conflict_reach.json").write_text(json.dumps(result, indent=1) + "\n", "utf-8")
    lines = [
        "# How far the conflict rules reach (benchmarks/conflict_reach.py)",
        "",
        f"`{result['command']}`: {groups} groups, {gold} annotated conflicts. Every rule of "
        "`storylens.conflicts.RULES` applied to every candidate pair the same-claim model "
        "scores, kept when the pair's probability reaches the bar; compare itself uses "
        f"the match bar ({result['match_bar']}). `right`: firings whose two values sit on "
        "an annotated conflict; `reached`: annotated conflicts with at least one such firing.",
        "",
        "| bar | rule | firings | right | precision | reached | recall |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in result["table"]:
        lines.append(
            f"| {row['bar']} | {row['kind']} | {row['firings']} | {row['right']} | "
            f"{row['precision']} | {row['reached']} | {row['recall']} |"
        )
    (RESULTS / "conflict_reach.md").write_text("\n".join(lines) + "\n", "utf-8")
    for row in result["table"]:
        if row["kind"] == "all":
            print(json.dumps(row))


if __name__ == "__main__":
    sys.exit(main())
