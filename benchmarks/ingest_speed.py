"""Speed of `storylens ingest` end to end on ECB+, and the share spent in the models.

    nice python benchmarks/ingest_speed.py [--limit N]

Runs the same library path as the command (open_store on a fresh SQLite file,
storylens.ingest.iter_inputs, storylens.ingestion.ingest) twice in one process on
../shared/data/ecbplus/articles.jsonl: first with the full analysis (what
`storylens ingest` does by default), then with --no-analyze (features and
clustering only) into another fresh file. Model loading is part of the first
run's time, as it is for one command. Each stage is timed inside the run:

- models: ``parse`` (spaCy over the normalised text; analyze normalises each
  article as it feeds spaCy, so normalisation is inside this figure: it is also
  timed on its own after the runs), ``embed`` (MiniLM), ``ner`` (spaCy NER for
  the clusterer's entities), ``language`` (fastText language id);
- ours: ``extract`` (quotes and sources), ``terms``, ``cluster+store`` (the
  clusterer and one transaction per article), ``restore``, and the rest
  (reading, look-ups, rejections).

Writes benchmarks/results/ingest_speed.{json,md}.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "src"))

from storylens.ingest import iter_inputs  # noqa: E402
from storylens.ingestion import ingest  # noqa: E402
from storylens.normalize import normalize  # noqa: E402
from storylens.store import open_store  # noqa: E402

MODEL_STAGES = ("parse", "embed", "ner", "language")


def run(corpus: Path, db: Path, analyze: bool, limit: int | None) -> dict[str, object]:
    stages: collections.Counter[str] = collections.Counter()

    def timer(stage: str, seconds: float) -> None:
        stages[stage] += seconds

    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    items = iter_inputs([str(corpus)])
    if limit is not None:
        items = (item for n, item in enumerate(items) if n < limit)
    with open_store(db) as store:
        counts = ingest(store, items, analyze=analyze, timer=timer)
        stories = len(store.stories())
    total = time.perf_counter() - started
    models = sum(stages[s] for s in MODEL_STAGES)
    return {
        "analyze": analyze,
        "articles": counts.new,
        "duplicate": counts.duplicate,
        "rejected": counts.rejected,
        "stories": stories,
        "total_s": round(total, 2),
        "articles_per_s": round(counts.new / total, 2),
        "models_s": round(models, 2),
        "model_share": round(models / total, 3),
        "stages_s": {k: round(v, 2) for k, v in sorted(stages.items())},
        "other_s": round(total - sum(stages.values()), 2),
        "load_1min_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N inputs")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args()
    corpus = SHARED / "data" / "ecbplus" / "articles.jsonl"
    if not corpus.exists():
        sys.exit(f"ECB+ not found at {corpus} (../shared is absent)")
    with tempfile.TemporaryDirectory() as tmp:
        full = run(corpus, Path(tmp) / "full.db", True, args.limit)
        fast = run(corpus, Path(tmp) / "fast.db", False, args.limit)
    texts = [a.text for a in iter_inputs([str(corpus)]) if hasattr(a, "text")][: args.limit]
    clock = time.perf_counter()
    for text in texts:
        normalize(text)
    normalize_s = time.perf_counter() - clock
    result = {
        "command": "nice python benchmarks/ingest_speed.py"
        + (f" --limit {args.limit}" if args.limit else ""),
        "corpus": "ecbplus/articles.jsonl",
        "machine": f"{platform.machine()}, Python {platform.python_version()}, shared 2-core machine",
        "runs": [full, fast],
        "normalize_alone_s": round(normalize_s, 2),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "ingest_speed.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        "# ingest speed",
        "",
        f"Command: `{result['command']}` ({result['machine']}).",
        "Corpus: ECB+ (../shared/data/ecbplus/articles.jsonl) into a fresh SQLite file per run.",
        "",
        "| run | articles | stories | total s | articles/s | models s | model share | load before/after | stages (s) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in (full, fast):
        stage_text = ", ".join(f"{k} {v}" for k, v in r["stages_s"].items())  # type: ignore[union-attr]
        lines.append(
            f"| {'full analysis' if r['analyze'] else '--no-analyze'} | {r['articles']} | "
            f"{r['stories']} | {r['total_s']} | {r['articles_per_s']} | {r['models_s']} | "
            f"{r['model_share']:.0%} | {r['load_1min_before_after']} | "
            f"{stage_text}; other {r['other_s']} |"
        )
    lines += [
        "",
        "models = parse (spaCy, with normalisation inside) + embed + ner + language id.",
        f"Normalisation alone over the same texts, timed after the runs: {normalize_s:.2f} s.",
        "Model loading is inside the first run's parse and embed figures.",
        "Timings were taken on a 2-core machine shared with other jobs (load: the 1-minute",
        "load average before and after each run): read the shares and the ratio between",
        "the two runs, not the seconds.",
        "",
    ]
    (args.out / "ingest_speed.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
