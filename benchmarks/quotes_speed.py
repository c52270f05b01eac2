"""Speed of `storylens quotes` on PolNeAR dev against the bare spaCy pipeline, side by side.

    python benchmarks/quotes_speed.py [--repeat 2]

Both runs use the same texts in the same process: first the bare spaCy pipeline
(nlp.pipe over the article texts, nothing else), then the full path behind
`storylens quotes` (reading JSONL, text repair, the same spaCy pipeline, quote and
source extraction, JSON lines). The ratio full/bare shows what storylens adds on
top of the parse it needs. Results: benchmarks/results/quotes_speed.{json,md}.
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "src"))

from click.testing import CliRunner  # noqa: E402

from storylens.cli import cli  # noqa: E402
from storylens.ingest import read_inputs  # noqa: E402
from storylens.pipeline import nlp_pipeline  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--repeat", type=int, default=2, help="runs of each; the fastest is kept")
    args = ap.parse_args()
    corpus = SHARED / "data" / "polnear" / "dev" / "articles.jsonl"
    articles, _ = read_inputs([str(corpus)])
    texts = [a.text for a in articles]
    nlp = nlp_pipeline()
    list(nlp.pipe(texts[:2]))  # warm up
    bare, full = [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=16):
            pass
        bare.append(time.perf_counter() - started)
        started = time.perf_counter()
        with redirect_stdout(io.StringIO()):
            result = CliRunner().invoke(cli, ["quotes", str(corpus)])
        full.append(time.perf_counter() - started)
        assert result.exit_code == 0, result.output
    quotes = len(result.stdout.splitlines())
    row = {
        "command": "python benchmarks/quotes_speed.py",
        "machine": f"{platform.machine()}, Python {platform.python_version()}",
        "articles": len(articles),
        "quotes": quotes,
        "bare_spacy_s": min(bare),
        "storylens_quotes_s": min(full),
        "articles_per_s": len(articles) / min(full),
        "overhead": min(full) / min(bare) - 1,
        "runs_s": {"bare": bare, "full": full},  # every run, to show how much they move
    }
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "quotes_speed.json").write_text(json.dumps(row, indent=2) + "\n")
    text = (
        f"# storylens quotes speed (PolNeAR dev)\n\nCommand: `{row['command']}` ({row['machine']}; fastest of {args.repeat}).\n\n"
        f"| articles | quotes | bare spaCy s | storylens quotes s | articles/s | added over spaCy |\n|---|---|---|---|---|---|\n"
        f"| {row['articles']} | {quotes} | {row['bare_spacy_s']:.2f} | {row['storylens_quotes_s']:.2f} | "
        f"{row['articles_per_s']:.2f} | {row['overhead'] * 100:.0f}% |\n\n"
        "Seconds of every run, in order: bare spaCy "
        + ", ".join(f"{x:.2f}" for x in bare)
        + "; storylens quotes "
        + ", ".join(f"{x:.2f}" for x in full)
        + ".\n"
    )
    (out / "quotes_speed.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
