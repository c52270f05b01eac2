"""The embedder protocol: what storylens needs of a sentence-embedding model.

An embedder has a ``name`` (the vector space its vectors live in: two vectors
may be compared only when they carry the same name), a ``dim`` and
``embed(texts)``, which returns a ``(len(texts), dim)`` float32 array of unit
vectors, one row per text, in order. Nothing in storylens assumes a size: code
that needs one asks the embedder for ``dim``.

Each row must depend on its own text only, never on the other texts of the call,
their order or how many there are, so that clustering gives the same answer
however articles are batched or shipped to workers (``tests/test_embedding.py``
holds the shipped embedders to this).

The shipped embedders are :class:`storylens.nlp.MiniLMEmbedder` (English,
:func:`storylens.nlp.load_embedder`) and :class:`storylens.embed_multi.MultiEmbedder`
(other languages, :func:`storylens.embed_multi.load_multi_embedder`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """A sentence-embedding model behind the three things storylens uses."""

    @property
    def name(self) -> str:
        """The vector space: vectors are compared only with vectors of the same name."""
        ...

    @property
    def dim(self) -> int:
        """The length of every vector ``embed`` returns."""
        ...

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """A ``(len(texts), dim)`` float32 array of unit vectors, row i for ``texts[i]``."""
        ...


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """``vectors`` as float32 with every row scaled to length 1 (zero rows stay zero)."""
    out = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.clip(norms, 1e-12, None)


def empty(embedder: Embedder) -> np.ndarray:
    """The ``(0, dim)`` array an embedder returns for no texts."""
    return np.zeros((0, embedder.dim), dtype=np.float32)


__all__ = ["Embedder", "empty", "unit_rows"]
