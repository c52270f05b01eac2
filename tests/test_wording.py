"""Quote wording classes and the word diff."""

from __future__ import annotations

import pytest

from storylens.wording import compare_wording


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("\u201cWe will rebuild the bridge.\u201d", '"We will rebuild the bridge."', "identical"),
        (
            "Nobody should cross the creek until it is safe",
            "Nobody should cross the creek, until it is safe.",
            "punctuation",
        ),
        (
            "This is a dark day for our town, and I ask everyone to stay away",
            "This is a dark day for our town",
            "truncated",
        ),
        (
            "Our territory is inalienable, sovereignty is inalienable",
            "The territory is inviolable. Sovereignty is inviolable",
            "minor",
        ),
        (
            "Our crews reached the water within six minutes of the first call",
            "Within minutes of the first call our crews were at the water and working",
            "different",
        ),
    ],
)
def test_classes(a: str, b: str, expected: str) -> None:
    assert compare_wording(a, b)[0] == expected


def test_paraphrase_when_one_outlet_gives_indirect_speech() -> None:
    assert (
        compare_wording(
            "the bolts had rusted through long before",
            "that the bolts had rusted well before",
            True,
            False,
        )[0]
        == "paraphrase"
    )


def test_diff_marks_changed_words() -> None:
    _, diff = compare_wording("our territory is inalienable", "the territory is inviolable")
    changes = [(op["a"], op["b"]) for op in diff if op["op"] == "replace"]
    assert changes == [("our", "the"), ("inalienable", "inviolable")]
