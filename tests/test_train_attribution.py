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
