"""Typed response models of the JSON API, over the shapes the library already returns.

Each model mirrors one ``to_dict()`` of :mod:`storylens.model` or :mod:`storylens.store`
(or the compare report of :mod:`storylens.report.json`), field for field, so the OpenAPI
document at ``/api/openapi.json`` describes every response exactly; FastAPI validates
each response against its model, so a change in the library that the API would pass on
silently fails the API tests instead.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..model import ConflictKind
from ..store.search import RANK_WINDOW


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SpanOut(_Model):
    """A stretch of an article's original text: ``text[start:end] == text``."""

    start: int
    end: int
    text: str


class ErrorDetail(_Model):
    code: str = Field(description="machine-readable: not_found, invalid_request, ...")
    message: str = Field(description="what went wrong and how to fix it")


class ErrorOut(_Model):
    """The one error shape of every endpoint."""

    error: ErrorDetail


# --------------------------------------------------------------------------- stories


class StoryOut(_Model):
    """A stored story (:class:`storylens.store.StoredStory`) with its outlets."""

    id: str
    title: str
    topic: str
    size: int = Field(description="articles in the story")
    accounts: int = Field(description="independent accounts (wire copies counted once)")
    created_at: str
    updated_at: str
    first_date: str | None
    last_date: str | None
    outlets: list[str]


class StoryListOut(_Model):
    total: int
    offset: int
    limit: int
    stories: list[StoryOut]


class ArticleMetaOut(_Model):
    """An article's metadata (:meth:`storylens.model.Article.meta`)."""

    id: str
    outlet: str | None
    title: str | None
    published: str | None = Field(description="ISO 8601, with the zone the source gave")
    url: str | None


class StoryDetailOut(StoryOut):
    articles: list[ArticleMetaOut]


class ArticleOut(ArticleMetaOut):
    text: str = Field(description="the original text every offset indexes")


class SearchHitOut(_Model):
    story: StoryOut
    article: ArticleMetaOut | None = Field(
        description="the best-matching article of the story (None when only the title matched)"
    )
    snippet: str = Field(description="words around the match, from the title or the text")
    rank: float = Field(description="relevance; higher is better")


class SearchOut(_Model):
    query: str
    total: int = Field(description="stories found among the ranked articles")
    matched_articles: int = Field(description="every article holding all the words")
    complete: bool = Field(
        description="false when more articles matched than are ranked "
        f"(the newest {RANK_WINDOW:,} are)"
    )
    offset: int
    limit: int
    results: list[SearchHitOut]


class OutletOut(_Model):
    outlet: str
    stories: int
    domain: str | None
    country: str | None
    leaning: str | None
    owner: str | None


class OutletListOut(_Model):
    outlets: list[OutletOut]


# --------------------------------------------------------------------------- the report


class StatementOut(_Model):
    article: str
    start: int
    end: int
    text: str
    context: bool = False


class FactLinkOut(_Model):
    a: int
    b: int
    score: float


class FactOut(_Model):
    id: str
    status: Literal["agreed", "partial", "unique", "conflicting"]
    context: bool = False
    confidence: float = 1.0
    claim: int = 0
    statements: list[StatementOut]
    links: list[FactLinkOut] = []


class QuoteVariantOut(_Model):
    article: str
    start: int
    end: int
    text: str
    direct: bool


class DiffOpOut(_Model):
    op: Literal["equal", "insert", "delete", "replace"]
    a: str
    b: str


class QuoteGroupOut(_Model):
    speaker: str | None
    wording: Literal["identical", "punctuation", "minor", "truncated", "different", "paraphrase"]
    variants: list[QuoteVariantOut]
    diff: list[DiffOpOut]


class ConflictValueOut(_Model):
    article: str
    value: str
    start: int
    end: int
    resolved: str | None = None


class ConflictOut(_Model):
    kind: ConflictKind
    fact: str
    values: list[ConflictValueOut]
    explanation: str
    confidence: float = 1.0


SourceKind = Literal["person", "organisation", "outlet", "document", "anonymous"]


class ReportSourceOut(_Model):
    article: str
    name: str
    kind: SourceKind
    role: str | None
    quotes: int
    via: str | None
    non_response: SpanOut | None


class SourcingDifferenceOut(_Model):
    source: str
    kind: str
    per_article: dict[str, Literal["quoted", "cited", "did not respond", "absent"]]
    detail: dict[str, str]
    note: str


class QuoteOut(_Model):
    """One attribution (:meth:`storylens.model.Quote.to_dict`); ``id`` is the article."""

    id: str
    content: SpanOut
    source: SpanOut | None
    speaker: str | None
    cue: SpanOut | None
    direct: bool
    unbalanced: bool


class OmissionOut(_Model):
    article: str
    facts: list[str]
    possible: list[str] = []


class RepairOut(_Model):
    article: str
    kind: Literal["joined_line", "truncated", "dropped_text", "unbalanced_quote", "mojibake"]
    start: int
    end: int
    detail: str


class CiteOut(_Model):
    """One outlet's statement of a fact: ``text`` is the article's ``text[start:end]``."""

    article: str
    outlet: str
    start: int
    end: int
    text: str


class SummaryStatementOut(_Model):
    """A fact as a reader sees it (:class:`storylens.report.summary.Statement`)."""

    fact: str
    text: str = Field(description="the core statement, an article's own sentence")
    outlets: list[str]
    cites: list[CiteOut]
    confidence: float
    certain: bool = Field(description="its weakest link reaches the claims model's 'confident'")
    disputed: bool = Field(description="a conflict about it is listed under differences")


class DifferenceValueOut(_Model):
    article: str
    outlet: str
    value: str
    start: int
    end: int
    resolved: str | None


class DifferenceOut(_Model):
    fact: SummaryStatementOut
    kind: ConflictKind
    reason: str
    values: list[DifferenceValueOut]
    confidence: float
    certain: bool = Field(description="its confidence reaches the claims model's 'match'")


class SeparateEventsOut(_Model):
    """Two alike statements kept as two facts: their dates cannot be the same day."""

    statements: list[CiteOut]
    dates: list[DifferenceValueOut] = Field(description="each statement's date, as written")
    score: float = Field(description="the same-claim model's probability of one claim")


class OnlyOneOut(SummaryStatementOut):
    importance: float


class NotReportedOut(_Model):
    article: str
    outlet: str
    sentence: str = Field(description="'<Outlet> does not report that ...'")
    fact: str
    text: str
    outlets: list[str]
    cites: list[CiteOut]
    confidence: float
    certain: bool = Field(description="false for 'may not report': a possible omission")


class SummaryOut(_Model):
    """What a reader reads first (:func:`storylens.report.summarize`)."""

    statements: list[SummaryStatementOut]
    differences: list[DifferenceOut]
    possibly_different_events: list[SeparateEventsOut]
    only_one: list[OnlyOneOut]
    not_reported: list[NotReportedOut]


class DatedMentionOut(_Model):
    article: str
    outlet: str
    start: int
    end: int
    text: str
    value: str = Field(description="TIMEX3 value")


class TimelineEntryOut(SummaryStatementOut):
    """A fact on the date it resolves to (:func:`storylens.report.build_timeline`)."""

    date: str = Field(description="TIMEX3 value of the period; XXXX where no year is given")
    label: str
    precision: Literal["decade", "year", "season", "quarter", "month", "week", "day", "time"]
    basis: Literal["text", "published"]
    mentions: list[DatedMentionOut]
    other_dates: list[DatedMentionOut]


class StoryReportOut(_Model):
    id: str
    title: str
    articles: list[ArticleMetaOut]
    summary: SummaryOut
    timeline: list[TimelineEntryOut]
    facts: list[FactOut]
    quotes: list[QuoteGroupOut]
    conflicts: list[ConflictOut]
    sources: list[ReportSourceOut]
    sourcing_differences: list[SourcingDifferenceOut]
    article_quotes: list[QuoteOut]
    omissions: list[OmissionOut]
    repairs: list[RepairOut]


class RejectionOut(_Model):
    origin: str
    reason: str
    detail: str


class IngestOut(_Model):
    new: int
    duplicate: int
    rejected: int
    ids: list[str]
    rejections: list[RejectionOut] = Field(
        default_factory=list, description="articles that could not be stored, and why"
    )


class ReportOut(_Model):
    """The compare report (``storylens show --format json``), schema version 1."""

    schema_version: Literal["1"]
    stories: list[StoryReportOut]
    rejected: list[RejectionOut]


class StorySourcesOut(_Model):
    story: str
    sources: list[ReportSourceOut]


ERRORS: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorOut, "description": "no such story, article or page"},
    422: {"model": ErrorOut, "description": "a parameter is out of range or malformed"},
    500: {"model": ErrorOut, "description": "the store could not answer"},
}
REPORT_ERRORS: dict[int | str, dict[str, object]] = {
    **ERRORS,
    503: {
        "model": ErrorOut,
        "description": "too many reports are being prepared; try again after Retry-After",
    },
}
WRITE_ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorOut, "description": "missing or wrong token (checked before the body)"},
    403: {"model": ErrorOut, "description": "this server accepts no writes (no token set)"},
    409: {
        "model": ErrorOut,
        "description": "an id is taken by a different article; nothing was stored",
    },
    413: {
        "model": ErrorOut,
        "description": "more than 100 articles, or a body over the server's --max-body",
    },
    422: {"model": ErrorOut, "description": "an article was refused; the code says why"},
    503: {"model": ErrorOut, "description": "the server is busy; try again after Retry-After"},
}
