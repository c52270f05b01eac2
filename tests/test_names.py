"""One name per person and organisation across a story, on made-up names and outlets."""

from __future__ import annotations

import pytest

from storylens.model import Quote, Source, Span
from storylens.names import StoryNames, fold, may_be_same, name_key, surname_key
from storylens.quotegroups import group_quotes
from storylens.sourcing import sourcing_differences, story_sources


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("C.S.B.", "CSB"),
        ("C.S.B", "CSB"),
        ("the C.S.B.'s", "CSB"),
        ("Rep. Dana K. Morrow", "Dana Morrow"),
        ("President Ivo Hadley", "Ivo Hadley"),
        ("Mr. Hadley", "Hadley"),
        ("Harbour Commissioner Ivan Kolb", "Ivan Kolb"),
        ("Marta Ruíz", "marta ruiz"),
    ],
)
def test_spellings_of_one_name_share_a_key(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


def test_names_that_differ_keep_their_keys() -> None:
    assert name_key("Justice Department") == "justice department"  # a title only before a name
    assert name_key("General Motors", person=False) == "general motors"
    assert name_key("Marta Ruiz") != name_key("Maria T. Ruíz")
    assert fold("Ruíz") == "ruiz"


def test_one_person_or_two_without_the_story() -> None:
    assert may_be_same("Morrow", "Rep. Dana K. Morrow")
    assert may_be_same("CSB", "Coastal Safety Bureau")
    assert may_be_same("Ana Sorel", "Ana Lucia Sorel")
    # same surname, other first name: a name conflict candidate, not a variant
    assert not may_be_same("Marta Ruiz", "Maria T. Ruíz")
    assert surname_key("Marta Ruiz") == surname_key("Maria T. Ruíz") == "ruiz"


def _story() -> StoryNames:
    return StoryNames.from_names(
        [
            ("Dana K. Morrow", "PERSON"),
            ("Dana Morrow", "PERSON"),
            ("Morrow", None),
            ("Ivo Hadley", "PERSON"),
            ("Hadley", "ORG"),  # the small model's mistake on a surname alone
            ("Coastal Safety Bureau", "ORG"),
            ("C.S.B", "ORG"),
            ("CSB", "ORG"),
            ("Marta Ruiz", "PERSON"),
            ("Maria T. Ruíz", "PERSON"),
            ("Ruiz", None),
            ("Ana Lucia Sorel", "PERSON"),
            ("Ana Sorel", "PERSON"),
            ("Secretary of Harbours Ivo Hadley", "PERSON"),
            ("drivers", None),
        ]
    )


def test_surname_alone_is_the_storys_only_full_name_with_it() -> None:
    names = _story()
    assert names.canonical("Hadley") == "Ivo Hadley"
    assert names.canonical("Mr. Hadley") == "Ivo Hadley"
    assert names.same("Hadley", "President Ivo Hadley")


def test_fullest_spelling_is_canonical_and_middle_initials_are_ignored() -> None:
    names = _story()
    assert names.canonical("Dana Morrow") == "Dana K. Morrow"
    assert names.canonical("Morrow") == "Dana K. Morrow"
    assert names.canonical("Rep. Dana Morrow") == "Dana K. Morrow"
    assert set(names.aliases("Morrow")) == {"Dana K. Morrow", "Dana Morrow", "Morrow"}


def test_a_fuller_name_and_a_described_name_are_one_person() -> None:
    names = _story()
    assert names.canonical("Ana Sorel") == "Ana Lucia Sorel"
    assert names.canonical("Sorel") == "Ana Lucia Sorel"
    assert names.canonical("Secretary of Harbours Ivo Hadley") == "Ivo Hadley"


def test_acronym_and_its_full_name_are_one_organisation() -> None:
    names = _story()
    for spelling in ("CSB", "C.S.B.", "C.S.B", "the CSB"):
        assert names.canonical(spelling) == "Coastal Safety Bureau"


def test_two_people_of_one_surname_stay_two() -> None:
    names = _story()
    assert not names.same("Marta Ruiz", "Maria T. Ruíz")
    assert names.canonical("Maria Ruiz") == "Maria T. Ruíz"  # accents and initials folded
    assert names.canonical("Ruiz") == "Ruiz"  # which of them: the story does not say
    assert not names.same("Ruiz", "Marta Ruiz")


def test_an_acronym_is_never_a_surname() -> None:
    names = StoryNames.from_names([("Pia Osu", "PERSON"), ("O.S.U.", "ORG"), ("OSU", "ORG")])
    assert names.canonical("O.S.U.") == "O.S.U"
    assert not names.same("OSU", "Pia Osu")


def test_common_nouns_and_unknown_names_pass_through() -> None:
    names = _story()
    assert names.canonical("drivers") == "drivers"
    assert names.canonical("Sen. Pia Lund") == "Pia Lund"
    assert not names.same("drivers", "Dana Morrow")


def _quote(article: str, text: str, content: str, speaker: str) -> Quote:
    start = text.index(content)
    return Quote(article, Span(start, start + len(content), content), None, speaker, None, True)


def test_a_quote_group_forms_across_outlets_only_through_the_storys_names() -> None:
    a = "“Nobody should take that risk,” said Harbour Commissioner Ivan D. Kolb."
    b = "“Nobody should take that risk,” Kolb told reporters."
    texts = {"a": a, "b": b}
    quotes = [
        _quote("a", a, "“Nobody should take that risk,”", "Ivan D. Kolb"),
        _quote("b", b, "“Nobody should take that risk,”", "Kolb"),
    ]
    assert group_quotes(quotes, texts) == []  # as written, two speakers
    names = StoryNames.from_names([("Ivan D. Kolb", "PERSON"), ("Kolb", "PERSON")])
    (group,) = group_quotes(quotes, texts, names)
    assert group.speaker == "Ivan D. Kolb"
    assert {v.article for v in group.variants} == {"a", "b"}


def _src(article: str, name: str, kind: str = "person", **kw: object) -> Source:
    return Source(article=article, name=name, kind=kind, **kw)  # type: ignore[arg-type]


def test_one_person_under_two_names_is_no_sourcing_difference() -> None:
    sources = [
        _src("a", "Ivo Hadley", quotes=2, mentions=(Span(0, 10, "Ivo Hadley"),)),
        _src("b", "Hadley", quotes=1, mentions=(Span(5, 11, "Hadley"),)),
        _src("a", "C.S.B", kind="organisation", quotes=1),
        _src("b", "CSB", kind="organisation", quotes=1),
        _src("b", "Coastal Safety Bureau", kind="organisation"),
    ]
    names = StoryNames.from_names(
        [("Ivo Hadley", "PERSON"), ("Hadley", None), ("Coastal Safety Bureau", "ORG")]
        + [("C.S.B", "ORG"), ("CSB", "ORG")]
    )
    assert sourcing_differences(["a", "b"], sources) != []  # as written: false differences
    merged = story_sources(sources, names)
    assert sourcing_differences(["a", "b"], merged) == []
    assert [(s.article, s.name, s.quotes) for s in merged] == [
        ("a", "Ivo Hadley", 2),
        ("b", "Ivo Hadley", 1),
        ("a", "Coastal Safety Bureau", 1),
        ("b", "Coastal Safety Bureau", 1),  # "CSB" and its full name: one row of the article
    ]
    assert merged[1].mentions == (Span(5, 11, "Hadley"),)  # spans still cite the text


def test_a_real_difference_is_shown_under_the_canonical_name() -> None:
    sources = [
        _src("a", "CSB", kind="organisation", quotes=1),
        _src("b", "C.S.B", kind="organisation", non_response=Span(0, 15, "did not respond")),
    ]
    names = StoryNames.from_names([("Coastal Safety Bureau", "ORG"), ("CSB", "ORG")])
    (diff,) = sourcing_differences(["a", "b"], story_sources(sources, names), names)
    assert diff["source"] == "Coastal Safety Bureau"
    assert diff["per_article"] == {"a": "quoted", "b": "did not respond"}
