"""The pair reader: a cross-encoder that reads two statements together.

all-MiniLM-L6-v2 with a classification head over ``[CLS] a [SEP] b [SEP]``, fine-tuned on
claims_train's same-claim pairs and their hardest other candidates (``python
benchmarks/train_cross.py --final``), shipped as ``data/cross-encoder.onnx`` (int8) and
checked against the SHA-256 pinned in ``data/model-hashes.json`` when loaded. Its logit
is one of the same-claim model's features (``cross``); the model says which pairs are
worth it (:mod:`storylens.align.model`: a band of the screening stage's probability),
since one pair costs about as much as embedding a sentence.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from ..errors import ModelError
from ..nlp import tokenizer_path

CROSS_FILE = "cross-encoder.onnx"
MAX_TOKENS = 128  # the pair length it was trained at (train_cross.py)
# Pairs per run, shortest first: 16 measured faster than 1 or 64 by the timing that
# ``train_cross.py --final`` prints over 512 claims_train candidate pairs (13.4, 11.7 and
# 13.9 ms a pair on 2 cores). The int8 network scales its activations per run, so a
# pair's logit moves by about 1e-3 with its batch mates; a story's batches are always
# the same, so its report is.
BATCH = 16
RETRAIN = "python benchmarks/train_cross.py --final (needs ../shared/data/claims_train)"
_lock = threading.Lock()


class CrossEncoder:
    """Same-claim logits of statement pairs, read in the order given (a, then b)."""

    def __init__(self, path: Path | None = None, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        data = Path(str(resources.files("storylens").joinpath("data")))
        file = path or data / CROSS_FILE
        try:
            if path is None:
                from .model import file_sha256

                pinned = json.loads((data / "model-hashes.json").read_text("utf-8"))[CROSS_FILE]
                if file_sha256(file) != pinned:
                    raise ValueError("it does not match its SHA-256 in data/model-hashes.json")
            opts = ort.SessionOptions()
            opts.intra_op_num_threads = threads or min(4, os.cpu_count() or 1)
            opts.inter_op_num_threads = 1
            self.session = ort.InferenceSession(str(file), opts, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime's load errors derive from Exception alone
            raise ModelError(
                f"the cross-encoder {file} is missing or damaged ({exc}); reinstall "
                f"storylens, or retrain it with: {RETRAIN}"
            ) from exc
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path()))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")

    def score(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """One logit per pair (higher: more likely one claim)."""
        out = np.zeros(len(pairs), dtype=np.float32)
        order = sorted(range(len(pairs)), key=lambda k: len(pairs[k][0]) + len(pairs[k][1]))
        for start in range(0, len(order), BATCH):
            idx = order[start : start + BATCH]
            enc = self.tokenizer.encode_batch(
                [(pairs[k][0] or " ", pairs[k][1] or " ") for k in idx]
            )
            feeds = {
                "input_ids": np.array([e.ids for e in enc], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in enc], dtype=np.int64),
            }
            out[idx] = np.asarray(self.session.run(None, feeds)[0], dtype=np.float32).reshape(-1)
        return out


@lru_cache(maxsize=1)
def network_hash() -> str:
    """The shipped network's pinned SHA-256: what a stored read was made by."""
    data = Path(str(resources.files("storylens").joinpath("data")))
    return str(json.loads((data / "model-hashes.json").read_text("utf-8"))[CROSS_FILE])


def read_key(a: str, b: str) -> str:
    """The key of one read: the network's hash and the two texts, in the order read."""
    return hashlib.sha256(f"{network_hash()}\0{a}\0{b}".encode()).hexdigest()


@dataclass
class ReadMemo:
    """Reads made before (``known``, by :func:`read_key`) and those made now (``made``:
    key -> (article of the first statement, article of the second, logit)), so a stored
    story's report reads each pair once (:mod:`storylens.store.reads` keeps them)."""

    known: Mapping[str, float] = field(default_factory=dict)
    made: dict[str, tuple[str, str, float]] = field(default_factory=dict)


@lru_cache(maxsize=1)
def load_cross_encoder() -> CrossEncoder:
    """The shipped cross-encoder, hash-checked, loaded once per process."""
    with _lock:
        return CrossEncoder()
