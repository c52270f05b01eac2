"""A made-up story, built by hand as a compare report would hold it (no NLP run): three
made-up outlets tell of a ferry that ran aground at a made-up harbour."""

from __future__ import annotations

from storylens.model import (
    Article,
    Conflict,
    ConflictValue,
    Fact,
    FactLink,
    Omission,
    StatementRef,
    StoryReport,
)
from storylens.report.summary import Thresholds

TEXTS = {
    "a1": (
        "By Mara Quill\n"
        "The ferry Saltwind ran aground off Penmoor harbour on Tuesday morning. "
        "Forty passengers were taken ashore by lifeboat crews. "
        "The divers searched the bay until noon for a missing deckhand. "
        "The harbour board closed the north channel after the grounding. "
        "No he won't. "
        "Captain Ilse Varga said the tide had fallen faster than forecast. "
        "The Saltwind was built in 2004 and refitted last year. "
        "Photo: Penmoor Lifeboat Station."
    ),
    "a2": (
        "The ferry Saltwind ran aground off Penmoor harbour on Tuesday. "
        "Thirty-eight passengers were taken ashore by lifeboat crews. "
        "The coast guard closed the north channel after the grounding. "
        "A salvage tug from Orrin is expected to refloat the ferry on Thursday."
    ),
    "a3": (
        "The ferry Saltwind ran aground off Penmoor harbour on Tuesday morning. "
        "Forty passengers were taken ashore by lifeboat crews. "
        "The divers searched the bay until noon for a missing deckhand. "
        "The Penmoor Gazette reached out to the ferry operator for comment. "
        "Local cafes served soup to the rescued passengers until late evening."
    ),
}
OUTLETS = {"a1": "Penmoor Gazette", "a2": "Coastline Daily", "a3": "Harbour Radio"}
PUBLISHED = {"a1": "2031-06-03", "a2": "2031-06-03", "a3": None}


def ref(article: str, sentence: str) -> StatementRef:
    text = TEXTS[article]
    start = text.index(sentence)
    return StatementRef(article, start, start + len(sentence), sentence)


def value(article: str, word: str, resolved: str | None = None) -> ConflictValue:
    start = TEXTS[article].index(word)
    return ConflictValue(article, word, start, start + len(word), resolved)


def story() -> StoryReport:
    articles = tuple(
        Article(id=k, text=v, outlet=OUTLETS[k], published=PUBLISHED[k]) for k, v in TEXTS.items()
    )
    facts = (
        Fact(
            "f1",
            "agreed",
            (
                ref("a1", "The ferry Saltwind ran aground off Penmoor harbour on Tuesday morning."),
                ref("a2", "The ferry Saltwind ran aground off Penmoor harbour on Tuesday."),
                ref("a3", "The ferry Saltwind ran aground off Penmoor harbour on Tuesday morning."),
            ),
            confidence=0.99,
            links=(FactLink(0, 1, 0.99), FactLink(0, 2, 1.0)),
        ),
        Fact(
            "f2",
            "conflicting",
            (
                ref("a1", "Forty passengers were taken ashore by lifeboat crews."),
                ref("a2", "Thirty-eight passengers were taken ashore by lifeboat crews."),
                ref("a3", "Forty passengers were taken ashore by lifeboat crews."),
            ),
            confidence=0.95,
            links=(FactLink(0, 1, 0.95), FactLink(0, 2, 1.0)),
        ),
        Fact(
            "f3",
            "conflicting",
            (
                ref("a1", "The harbour board closed the north channel after the grounding."),
                ref("a2", "The coast guard closed the north channel after the grounding."),
            ),
            confidence=0.7,  # matched, but under the model's 'confident'
            links=(FactLink(0, 1, 0.7),),
        ),
        Fact(
            "f12",
            "partial",
            (
                ref("a1", "The divers searched the bay until noon for a missing deckhand."),
                ref("a3", "The divers searched the bay until noon for a missing deckhand."),
            ),
            confidence=0.97,
            links=(FactLink(0, 1, 0.97),),
        ),
        Fact("f4", "unique", (ref("a1", "By Mara Quill"),)),
        Fact("f5", "unique", (ref("a1", "No he won't."),)),
        Fact(
            "f6",
            "unique",
            (ref("a1", "Captain Ilse Varga said the tide had fallen faster than forecast."),),
        ),
        Fact(
            "f7", "unique", (ref("a1", "The Saltwind was built in 2004 and refitted last year."),)
        ),
        Fact("f8", "unique", (ref("a1", "Photo: Penmoor Lifeboat Station."),)),
        Fact(
            "f9",
            "unique",
            (ref("a2", "A salvage tug from Orrin is expected to refloat the ferry on Thursday."),),
        ),
        Fact(
            "f10",
            "unique",
            (ref("a3", "The Penmoor Gazette reached out to the ferry operator for comment."),),
        ),
        Fact(
            "f11",
            "unique",
            (ref("a3", "Local cafes served soup to the rescued passengers until late evening."),),
        ),
    )
    conflicts = (
        Conflict(
            "number",
            "f2",
            (value("a1", "Forty"), value("a2", "Thirty-eight")),
            "Penmoor Gazette gives Forty (passengers), Coastline Daily gives Thirty-eight",
            0.93,
        ),
        Conflict(
            "actor",
            "f3",
            (value("a1", "harbour board"), value("a2", "coast guard")),
            "Penmoor Gazette says harbour board did it, Coastline Daily says coast guard",
            0.4,  # under the model's 'match': less certain
        ),
    )
    omissions = (
        Omission("a1", ()),
        Omission("a2", (), ("f12",)),  # its nearest statement: below a match, not far
        Omission("a3", ("f3",)),
    )
    return StoryReport(
        "s-ferry", "Ferry aground at Penmoor", articles, facts, (), conflicts, (), omissions
    )


THRESHOLDS = Thresholds(confident=0.9, match=0.575)
