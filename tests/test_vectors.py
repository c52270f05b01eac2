"""Token-vector inputs of the attribution model: the fast path, the checks, the weights."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from storylens.errors import ModelError
from storylens.extract.indirect import (
    AttributionModel,
    iter_candidates,
    load_model,
    score_candidates,
)
from storylens.extract.vectors import GROUPS, dense_logits, dense_vector, token_vectors
from storylens.normalize import normalize
from storylens.pipeline import nlp_pipeline

TEXT = (
    "Mayor Ana Pell said the bridge would reopen in May.\n\n"
    "The union vowed to strike until the pay deal is signed, as its leader told reporters.\n\n"
    "Critics called the levy \u201ca disgrace\u201d and asked the council to drop it.\n"
)


def _doc(text: str = TEXT):
    norm = normalize(text)
    return nlp_pipeline()(norm.text), norm


def test_fast_path_equals_the_vectors_it_stands_for() -> None:
    doc, norm = _doc()
    cands = list(iter_candidates(doc, norm.text))
    assert len(cands) > 5
    weights = np.random.default_rng(0).normal(size=(len(GROUPS), doc.tensor.shape[1]))
    fast = dense_logits(cands, doc, weights)
    for c, z in zip(cands, fast, strict=True):
        assert z == pytest.approx(float(dense_vector(c, doc.tensor) @ weights.ravel()), abs=1e-4)


def test_each_group_reads_its_own_token() -> None:
    doc, norm = _doc()
    said = next(c for c in iter_candidates(doc, norm.text) if c.cue.text == "said")
    width = doc.tensor.shape[1]
    vec = dense_vector(said, doc.tensor).reshape(len(GROUPS), width)
    start, end = said.tokens
    rows = dict(zip(GROUPS, vec, strict=True))
    assert np.allclose(rows["cue"], doc.tensor[said.cue.i])
    assert np.allclose(rows["first"], doc.tensor[start])
    assert np.allclose(rows["last"], doc.tensor[end - 1])
    assert np.allclose(rows["before"], doc.tensor[start - 1])
    assert np.allclose(rows["body"], doc.tensor[start:end].mean(axis=0), atol=1e-6)
    assert np.allclose(rows["source"], doc.tensor[said.source.i])


def test_a_doc_without_the_parsers_vectors_is_refused_with_the_fix() -> None:
    doc, _ = _doc()
    bare = nlp_pipeline().make_doc(doc.text)  # tokens only: no tensor
    with pytest.raises(ModelError, match="nlp_pipeline"):
        token_vectors(bare, 96)
    # a model fitted on vectors of another width (another pipeline) is refused too
    with pytest.raises(ModelError, match="97 wide"):
        token_vectors(doc, doc.tensor.shape[1] + 1)


def test_shipped_model_weighs_every_vector_group() -> None:
    model = load_model()
    doc, _ = _doc()
    assert model.dense is not None
    assert model.dense.shape == (len(GROUPS), doc.tensor.shape[1])
    assert np.all(np.isfinite(model.dense)) and np.abs(model.dense).sum(axis=1).min() > 0


def test_vector_weights_move_the_score() -> None:
    doc, norm = _doc()
    inside = [False] * (len(norm.text) + 1)
    width = doc.tensor.shape[1]
    plain = AttributionModel({}, 0.0, 0.5, 0.5)
    zero = AttributionModel({}, 0.0, 0.5, 0.5, dense=np.zeros((len(GROUPS), width)))
    ones = np.zeros((len(GROUPS), width))
    ones[GROUPS.index("cue")] = 1.0
    cue_sum = AttributionModel({}, 0.0, 0.5, 0.5, dense=ones)
    base = [p for p, _ in score_candidates(doc, norm.text, inside, plain)]
    assert [p for p, _ in score_candidates(doc, norm.text, inside, zero)] == base
    for p, c in score_candidates(doc, norm.text, inside, cue_sum):
        expected = 1 / (1 + np.exp(-float(doc.tensor[c.cue.i].sum())))
        assert p == pytest.approx(expected, rel=1e-4)


def test_model_file_without_vector_weights_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "named-only.json"
    path.write_text(
        json.dumps(
            {
                "weights": {"class=speech": 1.0},
                "bias": -1.0,
                "threshold": 0.3,
                "threshold_quoted": 0.35,
            }
        ),
        "utf-8",
    )
    model = load_model(str(path))
    assert model.dense is None and model.probability(["class=speech"]) == 0.5
    broken = json.loads(path.read_text("utf-8")) | {"dense": {"cue": [0.1, 0.2]}}
    (tmp_path / "broken.json").write_text(json.dumps(broken), "utf-8")
    with pytest.raises(ModelError, match="train_attribution.py"):
        load_model(str(tmp_path / "broken.json"))  # a group missing
