"""The data storylens passes from stage to stage: small frozen dataclasses.

Every span cites the article's **original input text**: ``article.text[start:end]``
is exactly ``span.text``. The normaliser keeps an offset map so that work done on
the repaired text is always reported against what the user gave us.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from .extract.timex import Timex

SourceKind = Literal["person", "organisation", "outlet", "document", "anonymous"]
FactStatus = Literal["agreed", "partial", "unique", "conflicting"]
# what two outlets disagree on (storylens.conflicts.RULES makes one kind each)
ConflictKind = Literal["number", "date", "actor", "name", "negation"]


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of an article's original text."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as given: ``text`` is the original input, never modified."""

    id: str
    text: str
    outlet: str | None = None
    url: str | None = None
    title: str | None = None
    published: str | None = None
    origin: str = ""  # where it came from: "path", "path:line", "<stdin>"
    language: str | None = None

    def meta(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "outlet": self.outlet,
            "title": self.title,
            "published": self.published,
            "url": self.url,
        }


@dataclass(frozen=True, slots=True)
class Rejection:
    """An input that could not become an article, and why."""

    origin: str
    reason: str  # short code: empty, binary, encoding, json, too_large, html, missing_text ...
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Repair:
    """Something the normaliser changed or flagged, at an original-text span.

    kinds: ``joined_line`` (a line broken mid-sentence was joined), ``truncated``
    (the text ends mid-sentence), ``dropped_text`` (visible missing link text or a
    line cut short), ``unbalanced_quote`` (a quotation mark without its partner),
    ``mojibake`` (UTF-8 text that had been read as Windows-1252, repaired).
    """

    kind: str
    start: int
    end: int
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence with offsets into the original text."""

    start: int
    end: int
    text: str
    paragraph: int = 0
    truncated: bool = False


@dataclass(frozen=True, slots=True)
class Entity:
    """A named entity the parser found: ``[start, end)`` in original offsets, its label
    (PERSON, ORG, GPE...), and ``text`` as the parser read it: the repaired text, which
    names are resolved by (the original's spelling is ``article.text[start:end]``)."""

    start: int
    end: int
    label: str
    text: str


@dataclass(frozen=True, slots=True)
class Quote:
    """One attribution: who said (``source``/``speaker``) what (``content``), and how (``cue``)."""

    article: str
    content: Span
    source: Span | None
    speaker: str | None  # canonical name within the article, e.g. "Claudia Sheinbaum"
    cue: Span | None
    direct: bool
    unbalanced: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.article,
            "content": self.content.to_dict(),
            "source": self.source.to_dict() if self.source else None,
            "speaker": self.speaker,
            "cue": self.cue.to_dict() if self.cue else None,
            "direct": self.direct,
            "unbalanced": self.unbalanced,
        }


@dataclass(frozen=True, slots=True)
class Source:
    """Someone or something an article attributes information to."""

    article: str
    name: str
    kind: SourceKind
    role: str | None = None
    mentions: tuple[Span, ...] = ()
    quotes: int = 0
    non_response: Span | None = None  # "did not respond", "declined to comment"
    via: str | None = None  # "statement provided to the outlet", "interview with Fox News"

    def to_dict(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "name": self.name,
            "kind": self.kind,
            "role": self.role,
            "quotes": self.quotes,
            "non_response": self.non_response.to_dict() if self.non_response else None,
            "via": self.via,
            "mentions": [m.to_dict() for m in self.mentions],
        }


# --------------------------------------------------------------------------- reports


@dataclass(frozen=True, slots=True)
class StatementRef:
    """A statement of a fact. ``times`` are the time expressions the statement stage
    found inside it (original offsets), so that the report layer reads them instead of
    tagging the article again; None where the reference was built without them."""

    article: str
    start: int
    end: int
    text: str
    context: bool = False  # background / framing rather than the story's new facts
    times: tuple[Timex, ...] | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "context": self.context,
        }


@dataclass(frozen=True, slots=True)
class FactLink:
    """Two statements of a fact (indices into ``Fact.statements``) matched as one claim,
    with the same-claim model's probability."""

    a: int
    b: int
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "score": round(self.score, 4)}


@dataclass(frozen=True, slots=True)
class Fact:
    """One claim and the statements that make it, in one or more articles.

    ``confidence`` is the lowest probability among its links (1.0 for a claim only one
    article makes); ``claim`` indexes the statement that states it best matched by the
    others (its core claim).
    """

    id: str
    status: FactStatus
    statements: tuple[StatementRef, ...]
    context: bool = False
    confidence: float = 1.0
    claim: int = 0
    links: tuple[FactLink, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "context": self.context,
            "confidence": round(self.confidence, 4),
            "claim": self.claim,
            "statements": [s.to_dict() for s in self.statements],
            "links": [link.to_dict() for link in self.links],
        }


@dataclass(frozen=True, slots=True)
class QuoteVariant:
    article: str
    start: int
    end: int
    text: str
    direct: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class QuoteGroup:
    """Quotes of one speaker saying the same thing, across articles."""

    speaker: str | None
    wording: str  # identical, punctuation, minor, truncated, different, paraphrase
    variants: tuple[QuoteVariant, ...]
    diff: tuple[
        dict[str, Any], ...
    ] = ()  # word diff ops: {"op": "equal|insert|delete|replace", "a": str, "b": str}

    def to_dict(self) -> dict[str, Any]:
        return {
            "speaker": self.speaker,
            "wording": self.wording,
            "variants": [v.to_dict() for v in self.variants],
            "diff": list(self.diff),
        }


@dataclass(frozen=True, slots=True)
class ConflictValue:
    """One side of a conflict: ``value`` is exactly ``article.text[start:end]``; what it
    stands for (a name a pronoun refers to, a resolved date) goes in ``resolved``."""

    article: str
    value: str
    start: int
    end: int
    resolved: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Conflict:
    kind: ConflictKind
    fact: str
    values: tuple[ConflictValue, ...]
    explanation: str  # one line quoting both values
    confidence: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "fact": self.fact,
            "values": [v.to_dict() for v in self.values],
            "explanation": self.explanation,
            "confidence": round(self.confidence, 4),
        }


@dataclass(frozen=True, slots=True)
class Omission:
    """What one article leaves out: ``facts`` it surely does not report (none of its
    statements comes near them), ``possible`` those where its nearest statement is below
    a match but not far (shown behind the reports' switch for less certain items)."""

    article: str
    facts: tuple[str, ...]
    possible: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"article": self.article, "facts": list(self.facts), "possible": list(self.possible)}


@dataclass(frozen=True, slots=True)
class StoryReport:
    id: str
    title: str
    articles: tuple[Article, ...]
    facts: tuple[Fact, ...] = ()
    quotes: tuple[QuoteGroup, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    sources: tuple[Source, ...] = ()
    omissions: tuple[Omission, ...] = ()
    repairs: tuple[tuple[str, Repair], ...] = ()  # (article id, repair)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Report:
    stories: tuple[StoryReport, ...]
    rejected: tuple[Rejection, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The versioned JSON form (``storylens compare --format json``)."""
        from .report import report_to_dict

        return report_to_dict(self)

    def to_pandas(self) -> dict[str, Any]:
        """One pandas DataFrame per part of the report: ``articles``, ``facts``, ``quotes``,
        ``conflicts``, ``sources``, ``omissions``, ``repairs`` (see
        :func:`storylens.tables.report_rows`). Needs pandas: ``pip install 'storylens[pandas]'``.
        """
        from .tables import report_frames

        return report_frames(self.to_dict())
