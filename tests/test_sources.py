"""Per-article sources on a made-up article: people with roles, documents, anonymity, non-responses."""

from __future__ import annotations

from storylens.model import Article
from storylens.pipeline import analyze

TEXT = (
    "Port authority spokeswoman Mara Velt said the eastern pier would stay closed until Friday.\n"
    '"We will not reopen until the divers finish," Velt said.\n'
    "According to a report by the Harbour Safety Board, the pier had cracked twice before.\n"
    "Officials who spoke on condition of anonymity said repairs could take a month.\n"
    "The shipping firm Norrow Lines did not respond to a request for comment.\n"
)


def _sources() -> dict:
    (result,) = list(analyze([Article(id="s", text=TEXT)]))
    return {s.name: s for s in result.sources}


def test_named_person_with_role_counts_both_quotes() -> None:
    velt = _sources()["Mara Velt"]
    assert velt.kind == "person"
    assert velt.role is not None and "spokeswoman" in velt.role
    assert velt.quotes == 2


def test_document_and_anonymous_sources() -> None:
    kinds = {s.kind for s in _sources().values()}
    assert "document" in kinds
    assert "anonymous" in kinds


def test_non_response_points_at_original_text() -> None:
    firm = _sources()["Norrow Lines"]
    assert firm.kind == "organisation"
    span = firm.non_response
    assert span is not None and span.text == "did not respond"
    assert TEXT[span.start : span.end] == span.text


def test_poll_named_with_its_date_is_a_document() -> None:
    text = "In a harbour board survey last month, the ferry trailed the bridge by 12 points.\n"
    (result,) = list(analyze([Article(id="p", text=text)]))
    survey = {s.name: s for s in result.sources}["harbour board survey"]
    assert survey.kind == "document" and survey.quotes == 1
