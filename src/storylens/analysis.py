"""The analysis as data: everything the comparison needs to know about one article.

:func:`analyse_article` (one article) and :func:`analyse_articles` (a batch, parsed
together) run the per-article stages once and return an :class:`ArticleAnalysis`:

1. normalise, parse, find sentences, quotes and sources (:func:`storylens.pipeline.analyze`);
2. entities: the parser's named entities, in original offsets;
3. time expressions (:func:`storylens.extract.timex.find_timexes`);
4. statements with every feature alignment and conflicts read
   (:func:`storylens.statements.statements_of`);
5. the statements' vectors, from the embedder the same-claim model was fitted on
   (:func:`storylens.align.embed.embed_statements`), tagged with its name.

A record holds no spaCy object and no offset map: every value is in original offsets,
so :func:`storylens.compare.compare_articles` runs from records alone, with no parse.
It is plain data: :meth:`ArticleAnalysis.to_dict` (JSON, vectors as base64 float32)
and :meth:`ArticleAnalysis.to_payload` (the store's form: JSON beside the raw vector
bytes) read back exactly. Texts are not repeated: each span is stored as offsets and
its text is cut from the article's original text when the record is read, so a record
is read together with its :class:`Article` (checked by id and content hash).

Each part is stamped with the version of the stage that made it (:data:`STAGE_VERSIONS`,
``vectors``: the embedder's name) and the whole with :data:`RECORD_FORMAT`. A record is
current when both match this storylens (:meth:`ArticleAnalysis.is_current`); a stale one
is made again from the text. Bump a stage's version whenever what it produces changes.

The functions are top level and take and return picklable values, so a process pool or
a cluster can run them one article (or one batch) per task.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import RecordError, RejectedInput
from .extract.timex import Timex
from .features import DateMention, Number
from .model import Article, Entity, Quote, Rejection, Repair, Sentence, Source, Span
from .statements import NameMention, Statement

if TYPE_CHECKING:
    from .pipeline import Analyzed

# The layout of a record (bump it when the layout itself changes, not a stage's output).
RECORD_FORMAT = 1
# The version of each stage's output. Bump a stage's version when what it produces
# changes: stored records made by the older one are then analysed again when read.
STAGE_VERSIONS: dict[str, str] = {
    "normalize": "1",
    "sentences": "1",
    "quotes": "6",
    "sources": "6",
    "entities": "1",
    "timex": "1",
    "statements": "2",  # 2: slots read nearest first, lengths and temperatures in units, "no-one"
}

Timer = Callable[[str, float], None]
Rejecter = Callable[[Rejection], None]


def _text_hash(text: str) -> str:
    """SHA-256 of the exact text: a record's offsets fit this text and no other."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def current_versions() -> dict[str, str]:
    """The stage versions a record made now carries, ``vectors`` (the embedder) included."""
    from .align.embed import statement_embedder_name

    return {**STAGE_VERSIONS, "vectors": statement_embedder_name()}


@dataclass(frozen=True)
class ArticleAnalysis:
    """What storylens knows about one article, in original offsets (see the module doc)."""

    article: Article
    versions: Mapping[str, str]
    sentences: tuple[Sentence, ...]
    quotes: tuple[Quote, ...]
    sources: tuple[Source, ...]
    entities: tuple[Entity, ...]
    timexes: tuple[Timex, ...]
    statements: tuple[Statement, ...]
    vectors: np.ndarray = field(compare=False, repr=False)  # (statements, dim) float32
    repairs: tuple[Repair, ...] = ()
    cleaned: tuple[Repair, ...] = ()
    error: str | None = None  # why quote and source extraction failed, if it did
    format: int = RECORD_FORMAT

    @property
    def embedder(self) -> str:
        return self.versions.get("vectors", "")

    def is_current(self, versions: Mapping[str, str] | None = None) -> bool:
        """Made by this storylens's stages (``versions``: :func:`current_versions`)."""
        wanted = current_versions() if versions is None else versions
        return self.format == RECORD_FORMAT and dict(self.versions) == dict(wanted)

    # ------------------------------------------------------------------ writing
    def to_payload(self) -> tuple[str, bytes]:
        """The store's form: compact JSON without texts, and the vectors' raw bytes
        (little-endian float32, row after row)."""
        return _dumps(self._body()), _vector_bytes(self.vectors)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, the vectors as base64 of their little-endian float32 bytes."""
        body = self._body()
        body["vectors"]["data"] = base64.b64encode(_vector_bytes(self.vectors)).decode("ascii")
        return body

    def _body(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "article": self.article.id,
            "text_sha256": _text_hash(self.article.text),
            "versions": dict(sorted(self.versions.items())),
            "repairs": [_repair(r) for r in self.repairs],
            "cleaned": [_repair(r) for r in self.cleaned],
            "error": self.error,
            "sentences": [[s.start, s.end, s.paragraph, int(s.truncated)] for s in self.sentences],
            "quotes": [_quote(q) for q in self.quotes],
            "sources": [_source(s) for s in self.sources],
            "entities": [_entity(e, self.article.text) for e in self.entities],
            "timexes": [[t.start, t.end, t.type, t.value] for t in self.timexes],
            "statements": [_statement(s) for s in self.statements],
            "vectors": {"dim": int(self.vectors.shape[1])},
        }

    # ------------------------------------------------------------------ reading
    @classmethod
    def from_payload(cls, payload: str, vectors: bytes, article: Article) -> ArticleAnalysis:
        """The record of ``article`` from :meth:`to_payload`'s two parts."""
        try:
            body = json.loads(payload)
        except ValueError as exc:
            raise RecordError(f"the analysis of {article.id!r} is not JSON ({exc})") from exc
        return cls._from_body(body, vectors, article)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], article: Article) -> ArticleAnalysis:
        """The record of ``article`` from :meth:`to_dict`."""
        try:
            raw = base64.b64decode(data["vectors"]["data"], validate=True)
        except (KeyError, TypeError, ValueError) as exc:
            raise RecordError(f"the analysis of {article.id!r} has no readable vectors") from exc
        return cls._from_body(data, raw, article)

    @classmethod
    def _from_body(cls, body: Mapping[str, Any], raw: bytes, article: Article) -> ArticleAnalysis:
        if not isinstance(body, Mapping) or body.get("format") != RECORD_FORMAT:
            found = body.get("format") if isinstance(body, Mapping) else None
            raise RecordError(
                f"the analysis of {article.id!r} has record format {found!r}, and this "
                f"storylens reads format {RECORD_FORMAT}; it is analysed again from the text"
            )
        if body.get("article") != article.id or body.get("text_sha256") != _text_hash(article.text):
            raise RecordError(
                f"the analysis given for {article.id!r} was made for another text "
                f"(article {body.get('article')!r}); analyse the article again"
            )
        try:
            return _read(body, raw, article)
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise RecordError(
                f"the analysis of {article.id!r} is damaged ({type(exc).__name__}: {exc}); "
                "it is analysed again from the text"
            ) from exc


# --------------------------------------------------------------------------- making records


def record_of(result: Analyzed, timer: Timer | None = None) -> ArticleAnalysis:
    """The record of one analysed article (its ``doc`` is needed, not kept);
    ``timer(stage, seconds)`` is charged "statements" (time expressions included) and
    "statement_vectors"."""
    from .align.embed import embed_statements, statement_embedder_name
    from .extract.timex import find_timexes
    from .statements import statements_of

    if result.doc is None:
        raise ValueError("record_of needs the parse: analyse with keep_docs=True")
    clock = time.perf_counter()
    timexes = tuple(find_timexes(result))
    statements = tuple(statements_of(result, timexes))
    entities = result.entities
    tick = time.perf_counter()
    if timer is not None:
        timer("statements", tick - clock)
    name = statement_embedder_name()
    vectors = np.asarray(embed_statements([s.text for s in statements]), dtype=np.float32)
    if timer is not None:
        timer("statement_vectors", time.perf_counter() - tick)
    return ArticleAnalysis(
        article=result.article,
        versions={**STAGE_VERSIONS, "vectors": name},
        sentences=tuple(result.sentences),
        quotes=tuple(result.quotes),
        sources=tuple(result.sources),
        entities=entities,
        timexes=timexes,
        statements=statements,
        vectors=vectors,
        repairs=tuple(result.norm.repairs),
        cleaned=tuple(result.norm.cleaned),
        error=result.error,
    )


def analyse_articles(
    articles: Iterable[Article],
    *,
    progress: Callable[[Article], None] | None = None,
    on_reject: Rejecter | None = None,
    timer: Timer | None = None,
) -> Iterator[ArticleAnalysis]:
    """Records of ``articles``, in order, parsed in batches; an article that cannot be
    analysed goes to ``on_reject`` (as in :func:`storylens.pipeline.analyze`) and the
    rest go on."""
    from .pipeline import analyze

    for result in analyze(articles, progress=progress, on_reject=on_reject, timer=timer):
        yield record_of(result, timer)


def analyse_article(article: Article) -> ArticleAnalysis:
    """The record of one article; :class:`RejectedInput` when it cannot be analysed.

    Top level and of picklable values only, so a process pool or a cluster can call it."""
    return analysed_with_text(article)[0]


def analysed_with_text(article: Article) -> tuple[ArticleAnalysis, str]:
    """:func:`analyse_article` and the normalised text the record was made from (what
    ingest stores beside it); :class:`RejectedInput` when it cannot be analysed."""
    from .pipeline import analyze

    refused: list[Rejection] = []
    for result in analyze([article], on_reject=refused.append):
        return record_of(result), result.norm.text
    why = refused[0] if refused else Rejection(article.origin, "analysis", "it was not analysed")
    raise RejectedInput(why.reason, why.detail)


def story_vectors(records: Sequence[ArticleAnalysis], dim: int | None = None) -> np.ndarray:
    """The statements' vectors of ``records`` stacked in order (one embedder, checked)."""
    from .errors import VectorSpaceError

    names = {r.embedder for r in records}
    if len(names) > 1:
        raise VectorSpaceError(
            f"the analyses hold statement vectors of {len(names)} embedders "
            f"({', '.join(sorted(names))}); analyse the articles again with one storylens"
        )
    parts = [r.vectors for r in records]
    if not parts:
        return np.zeros((0, dim or 0), dtype=np.float32)
    return np.vstack(parts).astype(np.float32, copy=False)


# --------------------------------------------------------------------------- the codec
# Spans are [start, end] (their text is the article's); small values are lists in the
# field order of their class; falsy statement features are left out.


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _vector_bytes(vectors: np.ndarray) -> bytes:
    return np.ascontiguousarray(vectors, dtype="<f4").tobytes()


def _span(span: Span | None) -> list[int] | None:
    return None if span is None else [span.start, span.end]


def _repair(r: Repair) -> list[Any]:
    return [r.kind, r.start, r.end, r.detail]


def _quote(q: Quote) -> list[Any]:
    return [
        _span(q.content),
        _span(q.source),
        q.speaker,
        _span(q.cue),
        int(q.direct),
        int(q.unbalanced),
    ]


def _source(s: Source) -> list[Any]:
    return [
        s.name,
        s.kind,
        s.role,
        [_span(m) for m in s.mentions],
        s.quotes,
        _span(s.non_response),
        s.via,
    ]


def _entity(e: Entity, text: str) -> list[Any]:
    row: list[Any] = [e.start, e.end, e.label]
    if text[e.start : e.end] != e.text:
        row.append(e.text)  # repaired: the parser read another spelling
    return row


def _number(n: Number) -> list[Any]:
    return [
        n.value,
        n.unit,
        n.start,
        n.end,
        int(n.approximate),
        n.noun,
        n.low,
        n.high,
        n.bound,
        n.slot,
    ]


def _statement(s: Statement) -> dict[str, Any]:
    row: dict[str, Any] = {
        "span": [s.start, s.end],
        "words": sorted(s.words),
        "tokens": " ".join(s.tokens),
        "verb": s.verb,
        "quote_share": s.quote_share,
    }
    optional: dict[str, Any] = {
        "context": int(s.context),
        "entities": sorted(s.entities),
        "people": sorted(s.people),
        "numbers": [_number(n) for n in s.numbers],
        "dates": [[d.month, d.day, d.year, d.start, d.end] for d in s.dates],
        "weekdays": list(s.weekdays),
        "actor": s.actor,
        "actor_span": list(s.actor_span) if s.actor_span else None,
        "negated": int(s.negated),
        "headline": int(s.headline),
        "persons": [[p.start, p.end, p.name, p.given, p.surname] for p in s.persons],
        "verb_span": list(s.verb_span) if s.verb_span else None,
        "passive": int(s.passive),
        "reported": int(s.reported),
        "not_only": int(s.not_only),
    }
    row.update((k, v) for k, v in optional.items() if v)
    return row


class _Text:
    """The article's text, cut at a record's offsets (checked: a span outside the text
    means the record is damaged)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def cut(self, start: int, end: int) -> str:
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span {start}-{end} is outside the text")
        return self.text[start:end]

    def span(self, row: Sequence[int]) -> Span:
        start, end = int(row[0]), int(row[1])
        return Span(start, end, self.cut(start, end))

    def maybe(self, row: Sequence[int] | None) -> Span | None:
        return None if row is None else self.span(row)


def _read(body: Mapping[str, Any], raw: bytes, article: Article) -> ArticleAnalysis:
    text = _Text(article.text)
    timexes = tuple(
        Timex(int(a), int(b), text.cut(a, b), kind, value) for a, b, kind, value in body["timexes"]
    )
    statements = tuple(
        _read_statement(row, k, article, text, timexes) for k, row in enumerate(body["statements"])
    )
    dim = int(body["vectors"]["dim"])
    vectors = np.frombuffer(raw, dtype="<f4").astype(np.float32)
    if dim <= 0 or vectors.size != dim * len(statements):
        raise ValueError(f"{vectors.size} vector values for {len(statements)} statements of {dim}")
    sentences = []
    for start, end, paragraph, truncated in body["sentences"]:
        found = text.span((start, end))
        sentences.append(
            Sentence(found.start, found.end, found.text, int(paragraph), bool(truncated))
        )
    return ArticleAnalysis(
        article=article,
        versions={str(k): str(v) for k, v in body["versions"].items()},
        sentences=tuple(sentences),
        quotes=tuple(
            Quote(article.id, text.span(c), text.maybe(src), who, text.maybe(cue), bool(d), bool(u))
            for c, src, who, cue, d, u in body["quotes"]
        ),
        sources=tuple(
            Source(
                article.id,
                name,
                kind,
                role,
                tuple(text.span(m) for m in mentions),
                int(quotes),
                text.maybe(non_response),
                via,
            )
            for name, kind, role, mentions, quotes, non_response, via in body["sources"]
        ),
        entities=tuple(
            Entity(int(e[0]), int(e[1]), e[2], e[3] if len(e) > 3 else text.cut(e[0], e[1]))
            for e in body["entities"]
        ),
        timexes=timexes,
        statements=statements,
        vectors=vectors.reshape(len(statements), dim),
        repairs=tuple(Repair(k, int(a), int(b), d) for k, a, b, d in body["repairs"]),
        cleaned=tuple(Repair(k, int(a), int(b), d) for k, a, b, d in body["cleaned"]),
        error=body["error"],
    )


def _read_statement(
    row: Mapping[str, Any], index: int, article: Article, text: _Text, timexes: Sequence[Timex]
) -> Statement:
    start, end = (int(v) for v in row["span"])
    actor_span = row.get("actor_span")
    verb_span = row.get("verb_span")
    return Statement(
        id=f"{article.id}#{index + 1}",
        article=article.id,
        start=start,
        end=end,
        text=text.cut(start, end),
        context=bool(row.get("context", 0)),
        words=frozenset(row["words"]),
        entities=frozenset(row.get("entities", ())),
        numbers=tuple(
            Number(v, u, int(a), int(b), bool(ap), noun, low, high, bound, slot)
            for v, u, a, b, ap, noun, low, high, bound, slot in row.get("numbers", ())
        ),
        dates=tuple(DateMention(*d) for d in row.get("dates", ())),
        weekdays=tuple(row.get("weekdays", ())),
        actor=row.get("actor"),
        actor_span=(int(actor_span[0]), int(actor_span[1])) if actor_span else None,
        negated=bool(row.get("negated", 0)),
        quote_share=float(row["quote_share"]),
        verb=row["verb"],
        people=frozenset(row.get("people", ())),
        index=index,
        headline=bool(row.get("headline", 0)),
        tokens=tuple(row["tokens"].split()),
        persons=tuple(
            NameMention(text.cut(a, b), int(a), int(b), name, given, surname)
            for a, b, name, given, surname in row.get("persons", ())
        ),
        verb_span=(int(verb_span[0]), int(verb_span[1])) if verb_span else None,
        passive=bool(row.get("passive", 0)),
        reported=bool(row.get("reported", 0)),
        not_only=bool(row.get("not_only", 0)),
        times=tuple(t for t in timexes if start <= t.start and t.end <= end),
    )


__all__ = [
    "RECORD_FORMAT",
    "STAGE_VERSIONS",
    "ArticleAnalysis",
    "analyse_article",
    "analyse_articles",
    "current_versions",
    "record_of",
    "story_vectors",
]
