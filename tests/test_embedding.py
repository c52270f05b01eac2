"""The embedder protocol: shipped embedders follow it, and a row depends on its text alone."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from storylens import cluster
from storylens.cluster import ArticleFeatures, StoryClusterer, cluster_levels, featurize
from storylens.embed_multi import MULTI_NAME, load_multi_embedder
from storylens.embedding import Embedder
from storylens.errors import VectorSpaceError
from storylens.model import Article
from storylens.nlp import MAX_TOKENS, MINILM_NAME, MiniLMEmbedder, load_embedder
from storylens.store.migrations import SCHEMA1_EMBEDDERS

# Made up for these tests: two events, told three times each, of different lengths.
ARTICLES = [
    Article(
        "quay-1",
        "Storm closes Harlow Quay\nThe harbour master of Harlow, Ines Toll, closed the quay "
        "on Friday after waves broke over the sea wall and flooded the fish market.",
    ),
    Article("quay-2", "Harlow Quay shut as waves flood fish market, harbour master Toll says."),
    Article(
        "quay-3",
        "HARLOW (Coastline News) - Ines Toll, who runs the Harlow harbour, said the quay "
        "would stay shut until engineers had checked the sea wall. " * 8,
    ),
    Article(
        "choir-1",
        "Pellmouth choir wins national prize\nThe Pellmouth Youth Choir won the Brannock "
        "Prize on Saturday, its conductor Milo Vane said.",
    ),
    Article("choir-2", "Brannock Prize goes to Pellmouth Youth Choir, led by Milo Vane."),
    Article(
        "choir-3",
        "The youth choir of Pellmouth took the Brannock Prize in the capital; Milo Vane, "
        "who has led it for ten years, thanked the parents.",
    ),
]
TEXTS = [a.text for a in ARTICLES]


@pytest.fixture(scope="module", params=["minilm", "multi"])
def embedder(request: pytest.FixtureRequest) -> Embedder:
    return load_embedder() if request.param == "minilm" else load_multi_embedder()


def test_shipped_embedders_follow_the_protocol(embedder: Embedder) -> None:
    assert isinstance(embedder, Embedder)
    assert embedder.name in (MINILM_NAME, MULTI_NAME)
    vectors = embedder.embed(TEXTS)
    assert vectors.shape == (len(TEXTS), embedder.dim) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.embed([]).shape == (0, embedder.dim)
    sims = vectors @ vectors.T
    assert sims[0, 1] > sims[0, 4] and sims[3, 4] > sims[3, 1]  # same event nearer


def test_a_row_depends_on_its_text_alone(embedder: Embedder) -> None:
    together = embedder.embed(TEXTS)
    one_by_one = np.vstack([embedder.embed([t]) for t in TEXTS])
    reversed_order = embedder.embed(TEXTS[::-1])[::-1]
    pairs = np.vstack([embedder.embed(TEXTS[i : i + 2]) for i in range(0, len(TEXTS), 2)])
    for other in (one_by_one, reversed_order, pairs):
        assert np.array_equal(together, other)


def test_the_minilm_embedder_gives_the_same_rows_on_any_number_of_threads() -> None:
    shared = load_embedder().embed(TEXTS)
    for threads in (1, 3):
        assert np.array_equal(MiniLMEmbedder(threads=threads).embed(TEXTS), shared)


def test_text_past_the_models_limit_is_cut_there() -> None:
    embedder = load_embedder()
    long = " ".join(f"word{i}" for i in range(MAX_TOKENS * 2))
    assert np.array_equal(embedder.embed([long]), embedder.embed([long + " and then some"]))


def test_stores_of_schema_1_are_tagged_with_the_shipped_embedders_names() -> None:
    assert SCHEMA1_EMBEDDERS == {"en": MINILM_NAME, "multi": MULTI_NAME}


def test_features_and_clusters_do_not_depend_on_batch_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    whole = featurize(ARTICLES)
    singly = [f for a in ARTICLES for f in featurize([a])]
    for a, b in zip(whole, singly, strict=True):
        assert np.array_equal(a.vector, b.vector)
        assert replace(a, vector=b.vector, signature=b.signature) == b
        assert np.array_equal(a.signature, b.signature)
    assert [f.embedder for f in whole] == [MINILM_NAME] * len(ARTICLES)
    rows = {}
    for batch in (1, 4, 64):
        monkeypatch.setattr(cluster, "FEATURE_BATCH", batch)
        rows[batch] = cluster_levels(ARTICLES)[1]
    assert rows[1] == rows[4] == rows[64]
    assert [article for article, _, _ in rows[1]] == [a.id for a in ARTICLES]


def test_the_clusterer_refuses_vectors_of_a_second_embedder_in_one_space() -> None:
    def made(i: int, name: str, size: int = 4) -> ArticleFeatures:
        v = np.ones(size, dtype=np.float32)
        return ArticleFeatures(f"a{i}", v / np.linalg.norm(v), "en", embedder=name)

    c = StoryClusterer()
    c.add(made(0, "model-a"))
    c.add(made(1, "model-a"))
    with pytest.raises(VectorSpaceError, match="model-b.*model-a.*--db"):
        c.add(made(2, "model-b"))
    with pytest.raises(VectorSpaceError, match="8-dimensional"):
        c.add(made(3, "model-a", size=8))
    assert len(c) == 2  # nothing was filed
    other = ArticleFeatures("m0", made(0, "e5").vector, "multi", embedder="e5")
    assert c.add(other).new_story  # another space may hold another embedder
    assert c.embedders == {"en": "model-a", "multi": "e5"}
