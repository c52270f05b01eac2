"""An approximate nearest-neighbour index over unit vectors (usearch HNSW).

Keys are arrival numbers; the index can always be rebuilt from stored vectors,
so it is never persisted on its own.
"""

from __future__ import annotations

import numpy as np

from ..errors import ModelError

INDEX_INSTALL = "pip install usearch==2.26.6"
# HNSW graph degree and search breadth (usearch's defaults); their recall of the 10
# nearest against an exact scan is measured in benchmarks/cluster_speed.py.
CONNECTIVITY = 16
EXPANSION_ADD = 128
EXPANSION_SEARCH = 64


class VectorIndex:
    """Cosine nearest neighbours of unit vectors, stored as half floats."""

    def __init__(self, ndim: int, dtype: str = "f16") -> None:
        try:
            from usearch.index import Index
        except ImportError as exc:
            raise ModelError(f"usearch is not installed; install it with: {INDEX_INSTALL}") from exc
        self.ndim = ndim
        self._index = Index(
            ndim=ndim,
            metric="cos",
            dtype=dtype,
            connectivity=CONNECTIVITY,
            expansion_add=EXPANSION_ADD,
            expansion_search=EXPANSION_SEARCH,
        )

    def __len__(self) -> int:
        return len(self._index)

    def add(self, key: int, vector: np.ndarray) -> None:
        self._index.add(key, np.asarray(vector, dtype=np.float32))

    def add_many(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        self._index.add(np.asarray(keys), np.asarray(vectors, dtype=np.float32))

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Up to ``k`` (key, cosine similarity) pairs, nearest first."""
        if len(self._index) == 0:
            return []
        found = self._index.search(np.asarray(vector, dtype=np.float32), min(k, len(self._index)))
        return [
            (int(key), 1.0 - float(d)) for key, d in zip(found.keys, found.distances, strict=True)
        ]

    def memory_bytes(self) -> int:
        return int(self._index.memory_usage)
