"""The engine-neutral frame steps behind `storylens spark`: near-duplicates found by MinHash
bands and a group-by link each reprint exactly as the single-machine index does, and the
clusterer fed those links files every article as `storylens cluster` does."""

from __future__ import annotations

import random

import pytest

from storylens.dedup import DuplicateIndex, find_duplicates
from storylens.model import Article

pd = pytest.importorskip("pandas", reason="pandas is not installed: pip install 'storylens[spark]'")

from storylens import frames  # noqa: E402  (after the pandas check)

# Made-up texts about made-up events.
BASES = [
    "The river Quell burst its banks early on Tuesday, flooding about 300 homes in the lower "
    "town of Marrowby and forcing the closure of the old stone bridge, the town council said. "
    "Mayor Elsa Vintner said emergency crews had moved 120 residents to the sports hall "
    "overnight and that no one had been hurt, while forecasters expect the water to fall.",
    "Pellmouth opened its new ferry terminal on Monday after three years of work, and the "
    "harbour board said the first night crossing would leave on Friday. Mayor Ana Pell said "
    "the terminal would handle four thousand passengers a day by next summer and that two "
    "more berths were planned for the autumn if the island council approves the money.",
    "The Tarnby water authority began lowering the reservoir on Tuesday after engineers found "
    "cracks in the dam wall, according to a statement. Chief engineer Lise Varga told "
    "reporters there was no danger to the town and that residents would be kept informed "
    "while the work lasts about three weeks and the footpath along the shore stays closed.",
]
FILLER = [
    "orchard",
    "lantern",
    "pebble",
    "violet",
    "harbour",
    "meadow",
    "cinder",
    "quarry",
    "saddle",
    "thimble",
]


def _variant(text: str, changes: int, rng: random.Random) -> str:
    words = text.split()
    for _ in range(changes):
        words[rng.randrange(len(words))] = rng.choice(FILLER)
    return " ".join(words)


def _corpus(seed: int) -> list[Article]:
    """Originals, close copies, copies of copies and texts near the threshold, shuffled."""
    rng = random.Random(seed)
    texts = list(BASES)
    for _ in range(30):
        parent = rng.choice(texts)
        texts.append(_variant(parent, rng.choice([1, 2, 4, 6, 8, 12]), rng))
    rng.shuffle(texts)
    return [Article(id=f"a{n:02d}", text=t) for n, t in enumerate(texts)]


def _band_links(articles: list[Article]) -> dict[str, str]:
    index = DuplicateIndex()
    groups: dict[bytes, list[dict[str, object]]] = {}
    for order, article in enumerate(articles):
        signature = index.signature_of(article.text)
        if len(signature) == 0:
            continue
        for band in frames.band_keys(signature):
            row = {"order": order, "id": article.id, "signature": signature.astype("<u8").tobytes()}
            groups.setdefault(band, []).append(row)
    pairs = set()
    for members in groups.values():
        if len(members) > 1:
            found = frames.band_pairs(pd.DataFrame(members))
            pairs |= set(found.itertuples(index=False, name=None))
    return frames.resolve_duplicates(sorted(pairs))


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_band_groups_link_reprints_as_the_index_does(seed: int) -> None:
    articles = _corpus(seed)
    expected = find_duplicates(articles)
    assert expected, "the corpus must hold reprints for the test to mean anything"
    assert _band_links(articles) == expected


def test_found_duplicates_answer_like_the_index() -> None:
    found = frames.FoundDuplicates({"b": "a"})
    assert found.add_signature("a", None) is None
    assert found.add_signature("b", None) == "a"
    assert found.duplicate_of("b") == "a" and found.links() == {"b": "a"} and len(found) == 2


def test_a_blank_line_gives_no_row_and_a_bad_one_a_rejection() -> None:
    frame = pd.DataFrame(
        {"order": [1, 2, 3], "origin": ["in.jsonl:1", "in.jsonl:2", "in.jsonl:3"],
         "raw": [b"   ", b'{"id": "x", "text": 5}', b"{not json"]}
    )  # fmt: skip
    out = frames.analyze_batch(frame)
    assert list(out["origin"]) == ["in.jsonl:2", "in.jsonl:3"]
    assert list(out["reason"]) == ["record", "json"]
    assert out["id"].isna().all()
    assert list(out.columns) == [name for name, _ in frames.RECORD_COLUMNS]
