"""Sourcing side by side: a source quoted in one outlet and silent in another is a difference."""

from __future__ import annotations

from storylens.model import Source, Span
from storylens.sourcing import sourcing_differences


def _src(article: str, name: str, kind: str = "organisation", **kw: object) -> Source:
    return Source(article=article, name=name, kind=kind, **kw)  # type: ignore[arg-type]


def test_quoted_in_one_outlet_did_not_respond_in_another() -> None:
    sources = [
        _src("a", "Harlow Steel", quotes=2, via="statement provided to the outlet"),
        _src("b", "Harlow Steel", non_response=Span(10, 30, "did not respond")),
        _src("c", "Harlow Steel", quotes=1),
    ]
    [diff] = sourcing_differences(["a", "b", "c"], sources)
    assert diff["source"] == "Harlow Steel"
    assert diff["per_article"] == {"a": "quoted", "b": "did not respond", "c": "quoted"}
    assert diff["detail"]["b"] == "did not respond"
    assert "b: did not respond" in diff["note"]


def test_an_organisation_quoted_through_its_spokesperson() -> None:
    sources = [
        _src("a", "Ruth Calloway", kind="person", role="Elsby council spokesperson", quotes=1),
        _src("a", "Elsby council", quotes=0),
        _src("b", "Elsby council", non_response=Span(0, 5, "did not respond")),
    ]
    diffs = {d["source"]: d for d in sourcing_differences(["a", "b"], sources)}
    assert diffs["Elsby council"]["per_article"] == {"a": "quoted", "b": "did not respond"}
    assert "through Ruth Calloway" in diffs["Elsby council"]["detail"]["a"]
    assert diffs["Ruth Calloway"]["per_article"] == {"a": "quoted", "b": "absent"}


def test_same_standing_everywhere_is_no_difference_and_unnamed_groups_are_left_out() -> None:
    sources = [
        _src("a", "Valley Wire", kind="outlet"),
        _src("b", "Valley Wire", kind="outlet"),
        _src("a", "drivers", kind="person", quotes=1),
    ]
    assert sourcing_differences(["a", "b"], sources) == []


def test_most_telling_difference_first() -> None:
    sources = [
        _src("a", "Anna Lind", kind="person", quotes=1),
        _src("a", "Port Authority", quotes=1),
        _src("b", "Port Authority", non_response=Span(0, 5, "declined to comment")),
    ]
    order = [d["source"] for d in sourcing_differences(["a", "b"], sources)]
    assert order == ["Port Authority", "Anna Lind"]
