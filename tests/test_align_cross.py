"""The cross-encoder: what it reads, which pairs it is asked about, and how it fails."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from storylens.align import Story, candidate_pairs, cross_features, score_pairs
from storylens.align.cross import CrossEncoder, load_cross_encoder
from storylens.align.embed import embed_statements
from storylens.align.features import CROSS_FEATURES, PAIR_FEATURES, pair_features
from storylens.align.model import ClaimsModel, load_claims_model, write_claims_model
from storylens.errors import ModelError
from storylens.model import Article
from storylens.pipeline import analyze
from storylens.statements import statements_of

TEXTS = (
    "The river Orna flooded the town of Pell on Sunday, forcing 400 people from their "
    "homes. The mayor, Ada Krin, said the water rose faster than in 1998. Schools will "
    "stay closed until Wednesday. A relief fund has raised 12,000 crowns.",
    "Floodwater from the Orna drove about 400 residents of Pell out of their houses on "
    "Sunday. Mayor Ada Krin said the river had risen more quickly than during the 1998 "
    "flood. The town's football club postponed its match. Pell's schools remain shut.",
)


class Counting:
    """A stand-in reader: records what it was asked and answers a fixed logit."""

    def __init__(self, logit: float) -> None:
        self.logit = logit
        self.asked: list[tuple[str, str]] = []

    def score(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        self.asked.extend(pairs)
        return np.full(len(pairs), self.logit, dtype=np.float32)


@pytest.fixture(scope="module")
def story() -> Story:
    articles = [Article(id=f"o{k}", text=t, outlet=f"Outlet {k}") for k, t in enumerate(TEXTS)]
    statements = [s for result in analyze(articles) for s in statements_of(result)]
    return Story(statements, embed_statements([s.text for s in statements]))


def test_the_shipped_model_reads_pairs_with_the_cross_encoder() -> None:
    model = load_claims_model()
    assert model.screen is not None, "the shipped same-claim model is format 2"
    assert model.pairs.features == PAIR_FEATURES + CROSS_FEATURES
    lo, hi = model.cross_band
    assert 0 < lo < 1 <= hi  # read from the screen's 0.10 up: surer pairs are read too


def test_a_restatement_reads_higher_than_a_different_claim() -> None:
    reader = load_cross_encoder()
    same, other = reader.score(
        [
            ("Floods forced 400 people in Pell from their homes on Sunday.",
             "About 400 Pell residents were driven out of their houses by floodwater on Sunday."),
            ("Floods forced 400 people in Pell from their homes on Sunday.",
             "The town's football club postponed its match against Vorn."),
        ]
    )  # fmt: skip
    assert same > other + 2.0
    # a pair's batch mates barely move it (dynamic int8 quantisation scales the
    # activations per batch: about 1e-3 of a logit)
    again = reader.score(
        [("The town's football club postponed its match against Vorn.", "Pell's schools shut.")]
        * 3
        + [
            ("Floods forced 400 people in Pell from their homes on Sunday.",
             "About 400 Pell residents were driven out of their houses by floodwater on Sunday."),
        ]
    )  # fmt: skip
    assert again[-1] == pytest.approx(same, abs=0.01)


def test_only_the_pairs_the_screen_finds_undecided_are_read(story: Story) -> None:
    model = load_claims_model()
    assert model.screen is not None
    i, j = candidate_pairs(story)
    x = pair_features(story, i, j)
    p0 = model.screen.prob(x)
    lo, hi = model.cross_band
    cosine = x[:, PAIR_FEATURES.index("cosine")]
    band = (p0 >= lo) & (p0 <= hi) & (cosine >= model.cross_min_cosine)
    reader = Counting(3.0)
    cols = cross_features(story, i, j, x, model, reader)
    expected = {
        (story.statements[a].text, story.statements[b].text)
        for a, b in zip(i[band], j[band], strict=True)
    }
    assert set(reader.asked) == expected and len(reader.asked) == int(band.sum())
    assert np.all(cols[band] == [3.0, 1.0])
    assert np.all(cols[~band, 0] == model.cross_fill) and np.all(cols[~band, 1] == 0)


def test_the_reader_moves_only_the_pairs_it_read(story: Story) -> None:
    model = load_claims_model()
    i, j = candidate_pairs(story)
    _, low, _ = score_pairs(story, i, j, model, Counting(-8.0))
    _, high, _ = score_pairs(story, i, j, model, Counting(8.0))
    read = cross_features(story, i, j, pair_features(story, i, j), model, Counting(0.0))[:, 1] > 0
    assert read.any(), "the made-up story has pairs in the band"
    assert np.all(high[read] > low[read])
    assert np.allclose(high[~read], low[~read])


def test_a_format_one_model_reads_no_pairs(story: Story, tmp_path: Path) -> None:
    shipped = load_claims_model()
    assert shipped.screen is not None
    old = ClaimsModel(
        pairs=shipped.screen,
        graph=replace(
            shipped.graph,
            features=shipped.graph.features[: len(PAIR_FEATURES)]
            + shipped.graph.features[len(PAIR_FEATURES) + len(CROSS_FEATURES) :],
            mean=np.delete(shipped.graph.mean, [len(PAIR_FEATURES), len(PAIR_FEATURES) + 1]),
            scale=np.delete(shipped.graph.scale, [len(PAIR_FEATURES), len(PAIR_FEATURES) + 1]),
            weights=np.delete(shipped.graph.weights, [len(PAIR_FEATURES), len(PAIR_FEATURES) + 1]),
        ),
        match=shipped.match,
        confident=shipped.confident,
        weak=shipped.weak,
    )
    (tmp_path / "model-hashes.json").write_text("{}")
    path = write_claims_model(old, tmp_path)
    assert json.loads(path.read_text())["format"] == 1
    loaded = load_claims_model(str(path))
    assert loaded.screen is None
    reader = Counting(0.0)
    i, j = candidate_pairs(story)
    x, _, p = score_pairs(story, i, j, loaded, reader)
    assert reader.asked == [] and x.shape[1] == len(PAIR_FEATURES) and len(p) == len(i)


def test_a_damaged_or_edited_cross_encoder_fails_loudly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "cross-encoder.onnx"
    bad.write_bytes(b"\x08\x07not a network")
    with pytest.raises(ModelError, match="train_cross.py --final"):
        CrossEncoder(bad)
    from storylens.align import model as m

    monkeypatch.setattr(m, "file_sha256", lambda path: "0" * 64)
    with pytest.raises(ModelError, match="SHA-256"):
        CrossEncoder()


def test_reads_are_bounded_per_statement_and_the_likeliest_go_first() -> None:
    from storylens.align import READS_PER_STATEMENT, pairs_to_read

    model = load_claims_model()
    rng = np.random.default_rng(0)
    p0 = rng.uniform(0, 1, 5000).astype(np.float32)
    cosine = np.full(5000, 0.9, dtype=np.float32)
    read = pairs_to_read(p0, cosine, model.cross_band, model.cross_min_cosine, 400)
    assert len(read) == int(np.ceil(READS_PER_STATEMENT * 400))
    assert list(read) == sorted(read)
    assert p0[read].min() >= np.sort(p0)[-len(read)]  # the likeliest ones
    few = pairs_to_read(
        p0[:50], cosine[:50], model.cross_band, model.cross_min_cosine, 400
    )  # under the budget
    lo = model.cross_band[0]
    assert set(few) == set(np.nonzero(p0[:50] >= lo)[0])
    low_cosine = pairs_to_read(
        p0[:50], np.zeros(50, dtype=np.float32), model.cross_band, model.cross_min_cosine, 400
    )
    assert len(low_cosine) == 0


def test_a_binding_budget_can_read_the_least_sure_pairs_first_for_train_claims() -> None:
    """The order train_claims.py --read-order can try: nearest 0.5 first; compare's
    default stays the likeliest; an unknown order is refused."""
    from storylens.align import pairs_to_read

    p0 = np.array([0.95, 0.5, 0.2, 0.9, 0.6], dtype=np.float32)
    cosine = np.full(5, 0.9, dtype=np.float32)
    args = (p0, cosine, (0.1, 1.01), 0.3, 4, 0.5)  # a budget of 2 reads
    assert list(pairs_to_read(*args)) == [0, 3]
    assert list(pairs_to_read(*args, order="unsure")) == [1, 4]
    with pytest.raises(ValueError, match="likeliest, unsure"):
        pairs_to_read(*args, order="random")


def test_pairs_the_budget_leaves_unread_take_the_expected_logit_not_the_fill(
    story: Story,
) -> None:
    shipped = load_claims_model()
    assert shipped.screen is not None and shipped.cross_expect is not None
    tight = replace(shipped, reads_per_statement=0.2)  # binds on the made-up story
    i, j = candidate_pairs(story)
    x = pair_features(story, i, j)
    p0 = shipped.screen.prob(x)
    cosine = x[:, PAIR_FEATURES.index("cosine")]
    lo, hi = shipped.cross_band
    band = (p0 >= lo) & (p0 <= hi) & (cosine >= shipped.cross_min_cosine)
    reader = Counting(5.0)
    cols = cross_features(story, i, j, x, tight, reader)
    budget = int(np.ceil(0.2 * len(story.statements)))
    assert len(reader.asked) == budget < int(band.sum())
    read = cols[:, 0] == 5.0
    unread = band & ~read
    assert unread.any()
    # the likeliest pairs in the band were read, the others take the line's value
    assert p0[read].min() >= p0[unread].max()
    assert np.allclose(cols[unread, 0], tight.expected_cross(p0[unread]))
    assert np.all(cols[unread, 1] == 1.0) and np.all(cols[read, 1] == 1.0)
    assert np.allclose(cols[~band], [shipped.cross_fill, 0.0])
    # a file from before the line: unread pairs in the band take the fill, as pairs
    # outside it do
    older = cross_features(story, i, j, x, replace(tight, cross_expect=None), Counting(5.0))
    assert np.allclose(older[unread], [shipped.cross_fill, 0.0])


def test_the_budget_and_the_line_travel_with_the_model_file(tmp_path: Path) -> None:
    shipped = load_claims_model()
    assert shipped.cross_expect is not None
    (tmp_path / "model-hashes.json").write_text("{}")
    mine = replace(shipped, reads_per_statement=0.4, cross_expect=(0.5, -1.0))
    loaded = load_claims_model(str(write_claims_model(mine, tmp_path)))
    assert loaded.reads_per_statement == 0.4 and loaded.cross_expect == (0.5, -1.0)
    p = np.array([0.5, 0.9], dtype=np.float32)
    assert np.allclose(loaded.expected_cross(p), [-1.0, 0.5 * np.log(9.0) - 1.0], atol=1e-5)
    data = json.loads((tmp_path / "claims-model.json").read_text())
    del data["cross_expect"], data["reads_per_statement"]
    (tmp_path / "older.json").write_text(json.dumps(data))
    before = load_claims_model(str(tmp_path / "older.json"))
    assert before.cross_expect is None and before.reads_per_statement == 0.75
