"""The fitted same-claim model: two logistic stages over named features.

``data/claims-model.json`` holds, for each stage, the feature names, the means and
scales that standardise them, a weight per name and a bias; then the thresholds
chosen on out-of-fold scores (``match``: two statements are one claim; ``confident``:
a match sure enough to call a claim left out by an outlet that has no match for it;
``weak``: any article with a pair this likely is not said to leave the claim out).

A model of format 2 also reads pairs with the cross-encoder (:mod:`storylens.align.cross`):
``screen`` is a stage over the named features alone, and the pairs whose screening
probability lies in ``cross_band`` (and whose cosine is at least ``cross_min_cosine``)
are read by the cross-encoder, the likeliest first, up to ``reads_per_statement``; its
logit becomes stage one's ``cross`` feature. A pair in the band that the budget leaves
unread takes the logit the network gives on average at its screening probability
(``cross_expect``, a line fitted out of fold); the pairs outside the band take
``cross_fill`` and ``cross_scored`` 0.
It is written by ``python benchmarks/train_claims.py`` and checked against the SHA-256
pinned in ``data/model-hashes.json`` when read, so a hand-edited or damaged file
fails loudly instead of aligning quietly worse.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from ..errors import ModelError
from .features import CROSS_FEATURES, GRAPH_FEATURES, PAIR_FEATURES

# Cross-encoder reads per statement at most: one read costs about 11 ms on 2 cores and
# NLP about 21 ms a statement (benchmarks/results/compare_speed.md), and alignment with
# conflicts may take half of NLP. Three-outlet stories read 0.66 a statement
# (claims_train); many outlets on one story put far more candidates in the band (3.8 a
# statement at 5,000 statements of ECB+), so the likeliest pairs are read first, up to
# this budget (storylens.align.pairs_to_read). A model file carries the budget it was
# fitted with (``ClaimsModel.reads_per_statement``); this is the default.
READS_PER_STATEMENT = 0.75

MODEL_FILE = "claims-model.json"
HASHES_FILE = "model-hashes.json"
REFIT = "python benchmarks/train_claims.py (needs ../shared/data/claims_train)"


@dataclass(frozen=True)
class Stage:
    """One logistic stage: p = sigmoid(((x - mean) / scale) . weights + bias)."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float

    def prob(self, x: np.ndarray) -> np.ndarray:
        if not len(x):
            return np.zeros(0, dtype=np.float32)
        z = ((x - self.mean) / self.scale) @ self.weights + self.bias
        return (1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))).astype(np.float32)

    def to_dict(self) -> dict[str, object]:
        return {
            "features": list(self.features),
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "weights": [round(float(v), 6) for v in self.weights],
            "bias": round(float(self.bias), 6),
        }

    @classmethod
    def from_dict(cls, data: dict[str, object], expected: tuple[str, ...]) -> Stage:
        features: tuple[str, ...] = tuple(data["features"])  # type: ignore[arg-type]
        if features != expected:
            raise ValueError(f"its features {list(features)} are not this version's")
        arrays = [np.asarray(data[k], dtype=np.float32) for k in ("mean", "scale", "weights")]
        if any(a.shape != (len(features),) for a in arrays):
            raise ValueError("a weight vector has the wrong length")
        return cls(features, arrays[0], arrays[1], arrays[2], float(data["bias"]))  # type: ignore[arg-type]


def logit(p: np.ndarray) -> np.ndarray:
    """log(p / (1 - p)) in float64, with p kept inside (1e-6, 1 - 1e-6)."""
    q = np.clip(p.astype(np.float64), 1e-6, 1 - 1e-6)
    return np.asarray(np.log(q / (1 - q)))


def on_line(p0: np.ndarray, line: tuple[float, float]) -> np.ndarray:
    """``slope * logit(p0) + intercept`` (float64): the ``cross_expect`` line at ``p0``."""
    return line[0] * logit(p0) + line[1]


@dataclass(frozen=True)
class ClaimsModel:
    pairs: Stage  # stage one: PAIR_FEATURES
    graph: Stage  # stage two: PAIR_FEATURES + GRAPH_FEATURES
    match: float
    confident: float
    weak: float
    trained_on: str = ""
    command: str = ""
    embedder: str = "all-MiniLM-L6-v2"  # the statement vectors it was fitted on
    screen: Stage | None = None  # format 2: PAIR_FEATURES, to choose the pairs to read
    cross_band: tuple[float, float] = (0.0, 0.0)
    cross_min_cosine: float = 0.0
    cross_fill: float = 0.0  # the cross feature of a pair outside the band
    # the cross feature of a pair in the band that the read budget left unread: the
    # least-squares line of the out-of-fold logit on logit(screening probability), as
    # (slope, intercept); None (files before it): such pairs take ``cross_fill``
    cross_expect: tuple[float, float] | None = None
    reads_per_statement: float = READS_PER_STATEMENT  # the read budget it was fitted with

    def expected_cross(self, p0: np.ndarray) -> np.ndarray:
        """The logit the cross-encoder gives, on average, to pairs screened at ``p0``."""
        assert self.cross_expect is not None
        return on_line(p0, self.cross_expect).astype(np.float32)

    @property
    def stage_one_features(self) -> tuple[str, ...]:
        return PAIR_FEATURES + (CROSS_FEATURES if self.screen is not None else ())

    def to_dict(self) -> dict[str, object]:
        extra: dict[str, object] = {}
        if self.screen is not None:
            extra = {
                "screen": self.screen.to_dict(),
                "cross_band": [round(v, 4) for v in self.cross_band],
                "cross_min_cosine": self.cross_min_cosine,
                "cross_fill": round(self.cross_fill, 6),
                "reads_per_statement": self.reads_per_statement,
            }
            if self.cross_expect is not None:
                extra["cross_expect"] = [round(v, 6) for v in self.cross_expect]
        return {
            "format": 2 if self.screen is not None else 1,
            "trained_on": self.trained_on,
            "command": self.command,
            "embedder": self.embedder,
            "match": self.match,
            "confident": self.confident,
            "weak": self.weak,
            "pairs": self.pairs.to_dict(),
            "graph": self.graph.to_dict(),
            **extra,
        }


def _data_dir() -> Path:
    return Path(str(resources.files("storylens").joinpath("data")))


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@lru_cache(maxsize=4)
def load_claims_model(path: str | None = None) -> ClaimsModel:
    """The shipped same-claim model (or the one at ``path``), hash-checked, read once."""
    file = Path(path) if path else _data_dir() / MODEL_FILE
    try:
        if path is None:
            pinned = json.loads((_data_dir() / HASHES_FILE).read_text("utf-8"))[MODEL_FILE]
            if file_sha256(file) != pinned:
                raise ValueError(
                    "it does not match the SHA-256 pinned in data/model-hashes.json "
                    "(damaged or edited by hand)"
                )
        data = json.loads(file.read_text("utf-8"))
        fmt = int(data.get("format", 1))
        if fmt not in (1, 2):
            raise ValueError(f"format {fmt} is not one this version reads")
        one = PAIR_FEATURES + (CROSS_FEATURES if fmt == 2 else ())
        band = data.get("cross_band", [0.0, 0.0]) if fmt == 2 else [0.0, 0.0]
        return ClaimsModel(
            pairs=Stage.from_dict(data["pairs"], one),
            graph=Stage.from_dict(data["graph"], one + GRAPH_FEATURES),
            screen=Stage.from_dict(data["screen"], PAIR_FEATURES) if fmt == 2 else None,
            cross_band=(float(band[0]), float(band[1])),
            cross_min_cosine=float(data.get("cross_min_cosine", 0.0)),
            cross_fill=float(data.get("cross_fill", 0.0)),
            cross_expect=(
                (float(data["cross_expect"][0]), float(data["cross_expect"][1]))
                if fmt == 2 and data.get("cross_expect") is not None
                else None
            ),
            reads_per_statement=float(data.get("reads_per_statement", READS_PER_STATEMENT)),
            match=float(data["match"]),
            confident=float(data["confident"]),
            weak=float(data["weak"]),
            trained_on=str(data.get("trained_on", "")),
            command=str(data.get("command", "")),
            embedder=str(data.get("embedder", "all-MiniLM-L6-v2")),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(
            f"the same-claim model {file} is missing or unreadable ({exc}); reinstall "
            f"storylens, or refit it with: {REFIT}"
        ) from exc


def write_claims_model(model: ClaimsModel, data_dir: Path) -> Path:
    """Write the model and pin its hash (the trainer's last step)."""
    file = data_dir / MODEL_FILE
    file.write_text(json.dumps(model.to_dict(), indent=1) + "\n", encoding="utf-8")
    hashes_path = data_dir / HASHES_FILE
    hashes = json.loads(hashes_path.read_text("utf-8")) if hashes_path.exists() else {}
    hashes[MODEL_FILE] = file_sha256(file)
    hashes_path.write_text(json.dumps(hashes, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    load_claims_model.cache_clear()
    return file
