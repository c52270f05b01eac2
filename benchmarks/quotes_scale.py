"""Quote extraction time as an article grows: the cost per attribution should stay flat.

    python benchmarks/quotes_scale.py [--sizes 250,500,1000,2000]

Builds a made-up article of N paragraphs (a direct quote with its frame, an indirect
"said that" and a "told" in each, so 3 attributions per paragraph), parses it once
with spaCy, and times ``extract_quotes`` alone (best of 2). A lookup that scans the
whole article per quote shows up as a cost per attribution that grows with N.
Writes benchmarks/results/quotes_scale.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from storylens.extract.quotes import extract_quotes  # noqa: E402
from storylens.normalize import normalize  # noqa: E402
from storylens.pipeline import nlp_pipeline  # noqa: E402

PARAGRAPH = (
    "\u201cWe will talk about the harbour wall soon,\u201d Pell said. Brandt said that the "
    "council would pay for it. She told him it would not.\n\n"
)


def article(paragraphs: int) -> str:
    return "Ana Pell met Ivo Brandt on Monday.\n\n" + PARAGRAPH * paragraphs


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--sizes", default="250,500,1000,2000", help="paragraph counts, comma-separated"
    )
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    nlp = nlp_pipeline()
    nlp.max_length = max(nlp.max_length, len(article(max(sizes))) + 1)
    rows = []
    for n in sizes:
        norm = normalize(article(n))
        doc = nlp(norm.text)
        best = float("inf")
        found = 0
        for _ in range(2):
            started = time.perf_counter()
            found = len(extract_quotes(doc, norm, "scale"))
            best = min(best, time.perf_counter() - started)
        rows.append(
            {
                "paragraphs": n,
                "characters": len(norm.text),
                "attributions": found,
                "seconds": round(best, 3),
                "ms_per_attribution": round(1000 * best / max(found, 1), 3),
            }
        )
        print(rows[-1])
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    meta = {"command": "python benchmarks/quotes_scale.py", "machine": platform.machine()}
    (out / "quotes_scale.json").write_text(json.dumps({**meta, "rows": rows}, indent=2) + "\n")
    lines = [
        "# Quote extraction time as one article grows",
        "",
        f"Command: `{meta['command']}` ({meta['machine']}, Python {platform.python_version()}; "
        "extraction only, the spaCy parse excluded; best of 2).",
        "",
        "| paragraphs | characters | attributions | seconds | ms per attribution |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['paragraphs']} | {r['characters']} | {r['attributions']} | {r['seconds']} | "
        f"{r['ms_per_attribution']} |"
        for r in rows
    ]
    (out / "quotes_scale.md").write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
