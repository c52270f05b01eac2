"""Fit the indirect-attribution model on PolNeAR train and write it into the package.

    python benchmarks/train_attribution.py [--cache DIR] [--l2 X] [--no-write]

Steps, all on the train split (the dev split is only scored, never fitted):

1. normalise and parse every article (spaCy Docs cached under ``--cache`` when given);
2. the candidates of :mod:`storylens.extract.indirect`, minus those lying inside a
   direct quote or another rule-found content (they can never be chosen; filtering as
   the selection does, with its 40% share for plain contents and no second content for a
   cue that frames a rule-found quote, was tried: dev direct F1 0.8921 against 0.8926);
3. a target per candidate: 0 unless its content matches a gold content at the scorer's
   rule (character overlap >= 50% of the longer span), and then that overlap squared, so
   that of a cue's shapes that all match, the one closer to the gold extent learns the
   higher score (see :func:`target`);
4. L2-regularised logistic regression over the named features seen at least
   ``--min-count`` times (full-batch Adam, a fixed number of steps: deterministic);
5. the threshold: the one of a fixed grid that maximises all-attribution plus
   direct-quote content F1 on train, through the real ``extract_quotes`` path;
6. ``src/storylens/data/attribution-model.json``: feature names, weights, bias,
   threshold and this command; then train and dev are scored with that file.

Only feature names (lemmas, dependency labels, shape names) and numbers are written;
no text of the corpus.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "src"))

from storylens.extract.indirect import (  # noqa: E402
    MODEL_PATH,
    AttributionModel,
    features_of,
    iter_candidates,
    score_candidates,
    select,
)
from storylens.extract.quotes import extract_quotes, rule_spans  # noqa: E402
from storylens.ingest import read_inputs  # noqa: E402
from storylens.normalize import Normalized, normalize  # noqa: E402
from storylens.pipeline import nlp_pipeline  # noqa: E402

THRESHOLDS = [round(0.2 + 0.05 * i, 2) for i in range(13)]  # 0.20 ... 0.80
NOTHING = AttributionModel({}, -100.0, 1.0, 1.0)  # selects no candidate: rule output only


def scorer() -> Any:
    spec = importlib.util.spec_from_file_location(
        "score_quotes", SHARED / "eval" / "score_quotes.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def parsed(split: str, cache: Path | None) -> list[tuple[Any, Normalized, Any]]:
    """(article, normalised text, spaCy Doc) for every article of the split.

    With ``cache``, Docs are kept in a DocBin and reused while the texts are unchanged.
    """
    from spacy.tokens import DocBin

    articles, _ = read_inputs([str(SHARED / "data" / "polnear" / split / "articles.jsonl")])
    norms = [normalize(a.text) for a in articles]
    nlp = nlp_pipeline()
    path = cache / f"polnear-{split}.spacy" if cache else None
    if path is not None and path.exists():
        docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
        if len(docs) == len(articles) and all(
            d.text == n.text for d, n in zip(docs, norms, strict=True)
        ):
            return list(zip(articles, norms, docs, strict=True))
    docs = list(nlp.pipe([n.text for n in norms], batch_size=16))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        bin_ = DocBin()
        for d in docs:
            bin_.add(d)
        bin_.to_disk(path)
    return list(zip(articles, norms, docs, strict=True))


def gold_spans(split: str) -> dict[str, list[tuple[int, int]]]:
    out: dict[str, list[tuple[int, int]]] = {}
    path = SHARED / "data" / "polnear" / split / "gold_attributions.jsonl"
    for line in path.open(encoding="utf-8"):
        g = json.loads(line)
        out.setdefault(g["id"], []).append((g["content"]["start"], g["content"]["end"]))
    return out


def ratio(span: tuple[int, int], gold: tuple[int, int]) -> float:
    """The scorer's overlap measure: shared characters over the longer span's length."""
    (s, e), (a, b) = span, gold
    return max(0, min(e, b) - max(s, a)) / max(e - s, b - a)


def target(span: tuple[int, int], golds: list[tuple[int, int]]) -> float:
    """The training target of a candidate's content: 0 when it matches no gold content at
    the scorer's rule (overlap >= 0.5), else its best overlap squared (0.25 ... 1).

    A 0/1 target treats every matching shape of a cue alike, so the model cannot learn
    which extent the annotators take; the graded one can. Refitted on PolNeAR train with
    the same features (all-attribution / direct content F1):

    =============  ===============  ===============
    target         train            dev
    =============  ===============  ===============
    0/1            0.7330 / 0.8911  0.7270 / 0.8830
    overlap        0.7375 / 0.8916  0.7339 / 0.8847
    overlap ** 2   0.7376 / 0.8914  0.7376 / 0.8858
    overlap ** 3   0.7371 / 0.8915  0.7379 / 0.8852
    =============  ===============  ===============

    (The powers tie on train; the square is the best of them on dev. An overlap target
    without the 0.5 floor, crediting contents the scorer would not count, gave 0.7358 /
    0.8902 and 0.7319 / 0.8833.)
    """
    best = max((ratio(span, g) for g in golds), default=0.0)
    return best * best if best >= 0.5 else 0.0


def candidate_rows(
    data: list[tuple[Any, Normalized, Any]], gold: dict
) -> tuple[list[list[str]], list[float]]:
    """Features and target (see :func:`target`) of every choosable candidate."""
    feats: list[list[str]] = []
    labels: list[float] = []
    for article, norm, doc in data:
        inside, taken = rule_spans(doc, norm)
        golds = gold.get(article.id, [])
        for c in iter_candidates(doc, norm.text):
            if any(min(c.end, b) - max(c.start, a) > 0.5 * (c.end - c.start) for a, b in taken):
                continue
            feats.append(features_of(c, norm.text, inside))
            labels.append(target(norm.to_original(c.start, c.end), golds))
    return feats, labels


def encode(feats: list[list[str]], min_count: int) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Feature names seen at least ``min_count`` times, and the (row, column) pairs."""
    counts = Counter(f for row in feats for f in set(row))
    names = sorted(f for f, n in counts.items() if n >= min_count)
    index = {f: i for i, f in enumerate(names)}
    rows, cols = [], []
    for r, row in enumerate(feats):
        for f in set(row):
            if f in index:
                rows.append(r)
                cols.append(index[f])
    return names, np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def fit(
    feats: list[list[str]], labels: list[float], l2: float, min_count: int, steps: int
) -> AttributionModel:
    """L2-regularised logistic regression, full-batch Adam; thresholds still to be chosen."""
    names, row_ids, col_ids = encode(feats, min_count)
    y = np.array(labels, dtype=np.float64)
    n, d = len(y), len(names)
    theta = np.zeros(d + 1)  # weights, then the bias
    m, v = np.zeros_like(theta), np.zeros_like(theta)
    lr, beta1, beta2, eps = 0.05, 0.9, 0.999, 1e-8
    for t in range(1, steps + 1):
        w, b = theta[:d], theta[d]
        err = sigmoid(b + np.bincount(row_ids, weights=w[col_ids], minlength=n)) - y
        grad = np.append(
            np.bincount(col_ids, weights=err[row_ids], minlength=d) / n + l2 * w, err.mean()
        )
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad * grad
        theta -= lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    weights = {
        f: round(float(x), 4) for f, x in zip(names, theta[:d], strict=True) if abs(x) >= 1e-3
    }
    return AttributionModel(weights, round(float(theta[d]), 4), 0.5, 0.5, "PolNeAR train")


class Scored:
    """Per article: the rule-found quotes and every candidate with its scores."""

    def __init__(self, data: list[tuple[Any, Normalized, Any]], model: AttributionModel) -> None:
        self.items = []
        for article, norm, doc in data:
            rules = [q.to_dict() for q in extract_quotes(doc, norm, article.id, model=NOTHING)]
            inside, taken = rule_spans(doc, norm)
            scored = score_candidates(doc, norm.text, inside, model)
            self.items.append((article, norm, rules, taken, scored))

    def rows(self, model: AttributionModel) -> list[dict]:
        """What ``extract_quotes`` would output with ``model``'s thresholds (scored fields)."""
        out: list[dict] = []
        for article, norm, rules, taken, scored in self.items:
            out.extend(rules)
            for c in select(scored, taken, model):
                content = norm.span(c.start, c.end)
                src = c.source_span
                source = None if src is None else norm.span(src.start_char, src.end_char)
                out.append(
                    {
                        "id": article.id,
                        "content": {"start": content.start, "end": content.end},
                        "source": None if source is None else source.to_dict(),
                        "direct": c.quoted,
                    }
                )
        return out


def evaluate(sq: Any, split: str, data: list, rows: list[dict]) -> dict[str, dict]:
    gold = sq.read_jsonl(str(SHARED / "data" / "polnear" / split / "gold_attributions.jsonl"))
    texts = {a.id: a.text for a, _, _ in data}
    return {
        "all": sq.score(rows, gold, texts, False),
        "direct": sq.score(rows, gold, texts, True),
    }


def real_rows(data: list[tuple[Any, Normalized, Any]], model: AttributionModel) -> list[dict]:
    return [
        q.to_dict()
        for article, norm, doc in data
        for q in extract_quotes(doc, norm, article.id, model=model)
    ]


def line(name: str, r: dict) -> str:
    return (
        f"{name:6s} F1={r['content_f1']:.4f} P={r['content_precision']:.4f} "
        f"R={r['content_recall']:.4f} SOURCE_ACC={r['source_acc']:.4f}"
    )


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--cache", type=Path, help="folder for parsed Docs (reused when current)")
    ap.add_argument("--l2", type=float, default=1e-4, help="L2 penalty (default 1e-4)")
    ap.add_argument("--min-count", type=int, default=3, help="rarest feature kept (default 3)")
    ap.add_argument("--steps", type=int, default=400, help="optimiser steps (default 400)")
    ap.add_argument("--no-write", action="store_true", help="fit and score, keep the old file")
    ap.add_argument("--out", type=Path, default=MODEL_PATH, help="where to write the model")
    args = ap.parse_args()
    if not (SHARED / "data" / "polnear").exists():
        print(f"PolNeAR not found under {SHARED / 'data'}", file=sys.stderr)
        return 2
    sq = scorer()
    started = time.perf_counter()
    train = parsed("train", args.cache)
    feats, labels = candidate_rows(train, gold_spans("train"))
    print(
        f"train: {len(train)} articles, {len(feats)} candidates, "
        f"{sum(1 for y in labels if y > 0)} matching"
    )
    fitted = fit(feats, labels, args.l2, args.min_count, args.steps)
    print(f"fitted {len(fitted.weights)} weights in {time.perf_counter() - started:.0f} s")
    scored = Scored(train, fitted)
    best: tuple[float, float, float] | None = None
    plain, quoted = 0.5, 0.6
    # coordinate search: the plain threshold, then the quoted one, then the plain again
    for which in ("plain", "quoted", "plain"):
        for value in THRESHOLDS:
            p, q = (value, quoted) if which == "plain" else (plain, value)
            r = evaluate(
                sq, "train", train, scored.rows(replace(fitted, threshold=p, threshold_quoted=q))
            )
            total = r["all"]["content_f1"] + r["direct"]["content_f1"]
            if best is None or total > best[0]:
                best = (total, p, q)
                print(
                    f"thresholds {p:.2f}/{q:.2f}: {line('all', r['all'])} | {line('direct', r['direct'])}"
                )
        assert best is not None
        plain, quoted = best[1], best[2]
    assert best is not None
    model = replace(fitted, threshold=best[1], threshold_quoted=best[2])
    r = evaluate(sq, "train", train, real_rows(train, model))
    print(
        f"chosen {best[1]:.2f}/{best[2]:.2f}; train (real path): {line('all', r['all'])} | {line('direct', r['direct'])}"
    )
    dev = parsed("dev", args.cache)
    r = evaluate(sq, "dev", dev, real_rows(dev, model))
    print(f"dev (real path): {line('all', r['all'])} | {line('direct', r['direct'])}")
    if not args.no_write:
        payload = {
            "format": 1,
            "trained_on": f"PolNeAR train split, {len(train)} articles",
            "command": "python benchmarks/train_attribution.py"
            + (f" --l2 {args.l2}" if args.l2 != 1e-4 else "")
            + (f" --min-count {args.min_count}" if args.min_count != 3 else "")
            + (f" --steps {args.steps}" if args.steps != 400 else ""),
            "threshold": best[1],
            "threshold_quoted": best[2],
            "bias": model.bias,
            "weights": dict(sorted(model.weights.items())),
        }
        args.out.write_text(json.dumps(payload, indent=0, sort_keys=False) + "\n", "utf-8")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
