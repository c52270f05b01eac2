"""Near-duplicate detection: wire copies and syndicated reprints.

The same agency text printed by five outlets is one account, not five
confirmations. Each article's text becomes a MinHash signature of its word
5-gram shingles (datasketch); a MinHash LSH index finds earlier articles whose
estimated Jaccard similarity reaches :data:`DUPLICATE_JACCARD`, and the new
article is linked to the first-seen original (never to another reprint, so every
chain ends at one original).

    index = DuplicateIndex()
    index.add("a1", text1)          # None: an original
    index.add("a2", text2)          # "a1": a reprint of a1
    index.duplicate_of("a2")        # "a1"

State for a store: :meth:`DuplicateIndex.signature_of` gives a text's
signature (``num_perm`` uint64 values); :meth:`DuplicateIndex.restore` puts a
stored signature and link back without the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import numpy as np

from .errors import ModelError
from .model import Article

DEDUP_INSTALL = "pip install datasketch==2.0.0"
# Estimated Jaccard of 5-gram shingle sets at or above which two texts are one
# account. Reprints that add a byline or trim a paragraph stay above 0.6; two
# outlets' own write-ups of one event share a few phrases and stay far below 0.2.
DUPLICATE_JACCARD = 0.6
NUM_PERM = 64
# the datasketch hashing scheme; stored signatures are only comparable within one
SCHEME = "affine32"
SHINGLE = 5
# texts with fewer words than this are too short to call copies of anything
MIN_WORDS = 25

_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, size: int = SHINGLE) -> set[bytes]:
    """Lower-cased word ``size``-grams, as bytes for hashing."""
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}


class DuplicateIndex:
    """Incremental near-duplicate index: each added article is an original or a reprint."""

    def __init__(self, threshold: float = DUPLICATE_JACCARD, num_perm: int = NUM_PERM) -> None:
        try:
            from datasketch import MinHash, MinHashLSH
        except ImportError as exc:
            raise ModelError(
                f"datasketch is not installed; install it with: {DEDUP_INSTALL}"
            ) from exc
        self._minhash = MinHash
        self.threshold = threshold
        self.num_perm = num_perm
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._sigs: dict[str, Any] = {}
        self._links: dict[str, str] = {}
        self._order: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._order)

    def signature_of(self, text: str) -> np.ndarray:
        """MinHash values of ``text`` (``num_perm`` uint64), or an empty array for a short text."""
        if len(_WORD.findall(text[:2000])) < MIN_WORDS:
            return np.zeros(0, dtype=np.uint64)
        m = self._minhash(num_perm=self.num_perm, scheme=SCHEME)
        m.update_batch(list(shingles(text)))
        return np.asarray(m.hashvalues, dtype=np.uint64)

    def add(self, article_id: str, text: str) -> str | None:
        """Index ``text``; return the id of the original it copies, or None."""
        return self.add_signature(article_id, self.signature_of(text))

    def add_signature(self, article_id: str, hashvalues: np.ndarray | None) -> str | None:
        """Index a signature from :meth:`signature_of`; return the original's id, or None."""
        if article_id in self._order:
            return self._links.get(article_id)
        original = None
        if hashvalues is not None and len(hashvalues) == self.num_perm:
            sig = self._minhash(
                num_perm=self.num_perm, hashvalues=np.asarray(hashvalues), scheme=SCHEME
            )
            original = self._match(sig)
            self._lsh.insert(article_id, sig)
            self._sigs[article_id] = sig
        self._remember(article_id, original)
        return original

    def _match(self, sig: Any) -> str | None:
        best: tuple[int, str] | None = None
        for other in self._lsh.query(sig):
            if sig.jaccard(self._sigs[other]) < self.threshold:
                continue
            root = self._links.get(other, other)
            key = (self._order[root], root)
            if best is None or key < best:
                best = key
        return best[1] if best else None

    def _remember(self, article_id: str, original: str | None) -> None:
        self._order[article_id] = len(self._order)
        if original is not None:
            self._links[article_id] = original

    def duplicate_of(self, article_id: str) -> str | None:
        """The first-seen original ``article_id`` reprints, or None for an original."""
        return self._links.get(article_id)

    def restore(
        self, article_id: str, hashvalues: np.ndarray | None, duplicate_of: str | None
    ) -> None:
        """Put back a stored article, in arrival order, without comparing it again."""
        if hashvalues is not None and len(hashvalues) == self.num_perm:
            sig = self._minhash(
                num_perm=self.num_perm, hashvalues=np.asarray(hashvalues), scheme=SCHEME
            )
            self._lsh.insert(article_id, sig)
            self._sigs[article_id] = sig
        self._remember(article_id, duplicate_of)

    def links(self) -> dict[str, str]:
        """Every reprint's id mapped to its original's id."""
        return dict(self._links)


def find_duplicates(articles: Iterable[Article]) -> dict[str, str]:
    """Reprint id -> original id over ``articles`` taken in the order given."""
    index = DuplicateIndex()
    for article in articles:
        index.add(article.id, article.text)
    return index.links()


__all__ = ["DUPLICATE_JACCARD", "DuplicateIndex", "find_duplicates", "shingles"]
