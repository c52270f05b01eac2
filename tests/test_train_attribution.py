"""The fitting script of the attribution model: its training target and its fit."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def trainer() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "train_attribution", ROOT / "benchmarks" / "train_attribution.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["train_attribution"] = module
    spec.loader.exec_module(module)
    return module


def test_target_is_zero_unless_the_scorer_would_count_the_content(trainer: ModuleType) -> None:
    assert trainer.target((0, 100), []) == 0.0
    # 40 shared characters over a longer span of 100: below the scorer's 0.5
    assert trainer.target((0, 100), [(60, 140)]) == 0.0


def test_target_grows_with_the_best_overlap(trainer: ModuleType) -> None:
    assert trainer.target((0, 100), [(0, 100)]) == 1.0
    assert trainer.target((0, 100), [(0, 75)]) == pytest.approx(0.75**2)
    # of two gold contents, the closer one sets the target
    assert trainer.target((0, 100), [(0, 60), (0, 90), (300, 400)]) == pytest.approx(0.9**2)
    tight, loose = trainer.target((10, 50), [(10, 50)]), trainer.target((10, 70), [(10, 50)])
    assert tight > loose > 0.0


def test_fit_ranks_the_closer_extent_higher(trainer: ModuleType) -> None:
    # two shapes of the same cue both match; the graded target tells them apart
    feats = [["shape=close"], ["shape=wide"], ["shape=none"]] * 50
    labels = [1.0, 0.36, 0.0] * 50
    model = trainer.fit(feats, labels, l2=1e-4, min_count=3, steps=400)
    close = model.probability(["shape=close"])
    wide = model.probability(["shape=wide"])
    none = model.probability(["shape=none"])
    assert close > wide > none


def test_fit_weighs_token_vectors_and_folds_them_onto_the_raw_ones(trainer: ModuleType) -> None:
    import numpy as np

    from storylens.extract.vectors import GROUPS

    rng = np.random.default_rng(0)
    width, n = 4, 800
    # an offset the folding has to move into the bias; the cue vector's first value decides
    dense = (rng.normal(size=(n, len(GROUPS) * width)) + 3.0).astype(np.float32)
    labels = [1.0 if x > 3.0 else 0.0 for x in dense[:, 0]]
    feats = [["shape=x"]] * n
    model = trainer.fit(
        feats, labels, l2=1e-4, min_count=3, steps=400, dense=dense, dims=len(GROUPS) * width
    )
    assert model.dense is not None and model.dense.shape == (len(GROUPS), width)
    # the package scores a candidate as its named features plus its raw vectors . weights
    probs = [
        model.probability(f, float(d @ model.dense.ravel()))
        for f, d in zip(feats, dense, strict=True)
    ]
    pos = np.mean([p for p, y in zip(probs, labels, strict=True) if y])
    neg = np.mean([p for p, y in zip(probs, labels, strict=True) if not y])
    assert pos > 0.7 and neg < 0.3
    assert abs(model.dense[0, 0]) > 5 * np.abs(model.dense.ravel()[1:]).max()
