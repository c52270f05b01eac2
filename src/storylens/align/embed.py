"""The sentence vectors statements are compared by.

Two embedders can make them: all-MiniLM-L6-v2 as shipped (``all-MiniLM-L6-v2``), or
the same network fine-tuned on claims_train to place statements that make one claim
near each other (``statement-encoder``: ``data/statement-encoder.onnx``, int8, made by
``python benchmarks/train_encoder.py`` and hash-checked against
``data/model-hashes.json``). The same-claim model records which one it was fitted on,
and :func:`embed_statements` uses that one, so fitted weights and run-time cosines
always come from the same vector space.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from ..errors import ModelError
from ..nlp import MINILM_NAME, load_embedder, tokenizer_path

BASE_EMBEDDER = "all-MiniLM-L6-v2"
STATEMENT_ENCODER = "statement-encoder"
ENCODER_FILE = "statement-encoder.onnx"
MAX_TOKENS = 128  # the length it was trained at (train_encoder.py)
_lock = threading.Lock()


class StatementEncoder:
    """The fine-tuned encoder: mean-pooled, L2-normalised token states, as MiniLM's."""

    name = STATEMENT_ENCODER

    def __init__(self, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        data = Path(str(resources.files("storylens").joinpath("data")))
        path = data / ENCODER_FILE
        try:
            pinned = json.loads((data / "model-hashes.json").read_text("utf-8"))[ENCODER_FILE]
            from .model import file_sha256

            if file_sha256(path) != pinned:
                raise ValueError("it does not match its SHA-256 in data/model-hashes.json")
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(
                f"the statement encoder {path} is missing or damaged ({exc}); reinstall "
                "storylens, or retrain it with: python benchmarks/train_encoder.py"
            ) from exc
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path()))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or min(4, os.cpu_count() or 1)
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        self.dim = int(self.session.get_outputs()[0].shape[-1] or 384)

    def embed(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for b in range(0, len(order), batch_size):
            idx = order[b : b + batch_size]
            enc = self.tokenizer.encode_batch([texts[i] or " " for i in idx])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            hidden = self.session.run(
                None,
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
            )[0]
            m = mask[..., None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
            out[idx] = pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return out


@lru_cache(maxsize=1)
def load_statement_encoder() -> StatementEncoder:
    with _lock:
        return StatementEncoder()


def statement_embedder_name(embedder: str | None = None) -> str:
    """The name the vectors of :func:`embed_statements` carry (their vector space), read
    without loading the embedder: records keep it beside their vectors."""
    if embedder is None:
        from .model import load_claims_model

        embedder = load_claims_model().embedder
    if embedder == STATEMENT_ENCODER:
        return STATEMENT_ENCODER
    if embedder == BASE_EMBEDDER:
        return MINILM_NAME
    raise ModelError(f"unknown statement embedder {embedder!r}; refit the same-claim model")


def embed_statements(texts: Sequence[str], embedder: str | None = None) -> np.ndarray:
    """Unit vectors, one row per text, from ``embedder`` (default: the one the shipped
    same-claim model was fitted on)."""
    if embedder is None:
        from .model import load_claims_model

        embedder = load_claims_model().embedder
    if embedder == STATEMENT_ENCODER:
        return load_statement_encoder().embed(list(texts))
    if embedder == BASE_EMBEDDER:
        return load_embedder().embed(list(texts))
    raise ModelError(f"unknown statement embedder {embedder!r}; refit the same-claim model")
