"""Quote groups across articles: units cut at sentence ends, not at abbreviations."""

from __future__ import annotations

from storylens.model import Quote, Span
from storylens.quotegroups import group_quotes


def _quote(article: str, text: str, content: str, direct: bool) -> Quote:
    start = text.index(content)
    return Quote(
        article=article,
        content=Span(start, start + len(content), content),
        source=None,
        speaker="Lena Okafor",
        cue=None,
        direct=direct,
    )


def test_abbreviations_do_not_cut_a_quote_into_units() -> None:
    a = "Okafor said she opposed any U.S. military presence on the island. It was final."
    b = "Okafor said she rejected any U.S. military presence on the island."
    texts = {"a": a, "b": b}
    quotes = [
        _quote("a", a, "she opposed any U.S. military presence on the island", False),
        _quote("b", b, "she rejected any U.S. military presence on the island", False),
    ]
    (group,) = group_quotes(quotes, texts)
    assert [v.text for v in group.variants] == [
        "she opposed any U.S. military presence on the island",
        "she rejected any U.S. military presence on the island",
    ]


def test_sentence_ends_inside_a_quote_still_cut_units() -> None:
    a = "\u201cThe wall held. We were lucky,\u201d Okafor said."
    b = "\u201cWe were lucky,\u201d Okafor said on Tuesday."
    quotes = [
        _quote("a", a, "\u201cThe wall held. We were lucky,\u201d", True),
        _quote("b", b, "\u201cWe were lucky,\u201d", True),
    ]
    (group,) = group_quotes(quotes, {"a": a, "b": b})
    assert {v.text for v in group.variants} == {"We were lucky"}
