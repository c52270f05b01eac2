"""Article analysis: normalise, parse, extract. The one-way path every command uses.

``analyze`` runs, for each article:

1. check: text the store can keep, at most :data:`storylens.ingest.MAX_CHARS`
   characters (:func:`storylens.ingest.check_article`);
2. normalise: :func:`storylens.normalize.normalize` (repairs with an offset map);
3. cut: the repaired text into pieces of at most :data:`PIECE_CHARS` characters, at a
   paragraph break outside quotes where there is one, else a line break, a sentence
   end, a space, or (a run of that many characters without one) anywhere
   (:func:`split_pieces`); an article shorter than that is one piece, as it always was;
4. parse: the spaCy pipeline, with line breaks kept as sentence boundaries, over pieces
   in batches of at most :data:`BATCH_CHARS` characters, so the parser's memory is
   bounded whatever the length of one article;
5. extract: quotes and sources of each piece as soon as it is parsed (then its token
   vectors are dropped), sentences in original offsets through the offset map;
6. join: the pieces' results, and (``keep_docs``) one Doc over the whole repaired text.

Time is linear in the length of an article and memory per article is bounded (see the
README, "Limits"). An article that fails in any stage becomes a :class:`Rejection`
(reason ``analysis``, or the check's own reason) handed to ``on_reject``, and the batch
goes on; an extraction failure keeps the article, with ``error`` set and no quotes.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .errors import RejectedInput
from .model import Article, Entity, Quote, Rejection, Sentence, Source
from .nlp import load_spacy
from .normalize import Normalized, normalize, truncated_from

_COMPONENT = "storylens_line_breaks"
log = logging.getLogger(__name__)

# Characters parsed as one Doc. Above the longest article of the evaluation corpora
# (33,672 in PolNeAR train), so none of them is cut; the parser's memory grows with the
# length of a Doc (issue 25: a 4.9 MB article parsed whole needed 13.2 GB).
PIECE_CHARS = 50_000
# Characters parsed together in one batch. With both at 50,000, a 5,242,880-character
# article peaks at 568 MB in `storylens quotes`, 428 MB at 1,048,576 characters and 172 MB
# at 1,000 (benchmarks/results/robustness.md, long).
BATCH_CHARS = 50_000

# Tokens without a line break or a possible sentence end (. ! ? …) after which a sentence
# is ended anyway. News sentences stay far below it (in the evaluation corpora only a
# scraped list of country names reaches it); text without punctuation would otherwise
# make sentences thousands of tokens long, and the indirect-attribution search spends,
# for every verb of saying, time in the length of its sentence (benchmarks/robustness.py,
# words, measures such text with the cap).
MAX_SENTENCE_TOKENS = 200
_ENDS = frozenset(".!?\u2026")

Rejecter = Callable[[Rejection], None]
Timer = Callable[[str, float], None]
_collector: contextvars.ContextVar[Rejecter | None] = contextvars.ContextVar(
    "storylens_rejections", default=None
)


@dataclass(frozen=True)
class Analyzed:
    """Everything later stages need about one article."""

    article: Article
    norm: Normalized
    doc: Any  # spacy.tokens.Doc over norm.text (None when analysed with keep_docs=False)
    sentences: tuple[Sentence, ...]
    quotes: tuple[Quote, ...]
    sources: tuple[Source, ...]
    error: str | None = None  # why quote and source extraction failed, if it did

    @property
    def entities(self) -> tuple[Entity, ...]:
        """The parser's named entities, in original offsets (needs ``doc``)."""
        if self.doc is None:
            raise ValueError("entities need the parse: analyse with keep_docs=True")
        out = []
        for ent in self.doc.ents:
            span = self.norm.span(ent.start_char, ent.end_char)
            out.append(Entity(span.start, span.end, ent.label_, ent.text))
        return tuple(out)


@contextlib.contextmanager
def collect_rejections() -> Iterator[list[Rejection]]:
    """Gather the rejections of every :func:`analyze` run inside the block that was given
    no ``on_reject`` (one reached through another library call, such as ``compare``)."""
    found: list[Rejection] = []
    token = _collector.set(found.append)
    try:
        yield found
    finally:
        _collector.reset(token)


def _register_line_breaks() -> None:
    from spacy.language import Language

    if Language.has_factory(_COMPONENT):
        return

    @Language.component(_COMPONENT)
    def line_breaks(doc: Any) -> Any:
        """A token after a line break starts a sentence: kept breaks are real breaks; and
        so does one :data:`MAX_SENTENCE_TOKENS` tokens after the last possible end."""
        run = 0  # tokens since a line break or a token that could end a sentence
        for i, token in enumerate(doc[:-1]):
            if "\n" in token.text or token.whitespace_ == "\n" or "\n" in token.whitespace_:
                doc[i + 1].is_sent_start = True
                run = 0
            elif token.text[-1] in _ENDS:
                run = 0
            else:
                run += 1
                if run >= MAX_SENTENCE_TOKENS:
                    doc[i + 1].is_sent_start = True
                    run = 0
        return doc


def nlp_pipeline() -> Any:
    """The spaCy pipeline with storylens's line-break rule before the parser."""
    nlp = load_spacy()
    if _COMPONENT not in nlp.pipe_names:
        _register_line_breaks()
        nlp.add_pipe(_COMPONENT, before="parser")
    return nlp


def sentences_of(doc: Any, norm: Normalized, paragraph_base: int = 0) -> tuple[Sentence, ...]:
    """Sentence spans of ``doc`` in original offsets, whitespace trimmed, with paragraph
    numbers (``paragraph_base`` line breaks come before ``norm``'s text)."""
    cut = truncated_from(norm)
    out: list[Sentence] = []
    text = norm.text
    counted, paragraph = 0, paragraph_base  # line breaks before `counted`, counted once
    for sent in doc.sents:
        start, end = sent.start_char, sent.end_char
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            continue
        paragraph += text.count("\n", counted, start)
        counted = start
        span = norm.span(start, end)
        out.append(
            Sentence(
                span.start, span.end, span.text, paragraph, truncated=cut is not None and end > cut
            )
        )
    return tuple(out)


_CUTS = ("\n\n", "\n", ". ", " ")


def split_pieces(norm: Normalized, limit: int | None = None) -> list[tuple[int, int]]:
    """``[start, end)`` stretches of ``norm.text``, each at most ``limit`` (by default
    :data:`PIECE_CHARS`) long, in order.

    Each cut falls in the second half of the stretch, after the latest paragraph break
    that is outside every quotation (so a quote that runs over paragraphs stays whole),
    else the latest line break, sentence end (". "), space, or at the limit. Linear in
    the length of the text.
    """
    limit = PIECE_CHARS if limit is None else max(2, limit)
    text = norm.text
    n = len(text)
    if n <= limit:
        return [(0, n)]
    from bisect import bisect_right

    from .extract.marks import find_quotes

    marks = find_quotes(text)[0]
    mark_starts = [q.start for q in marks]

    def inside_quote(pos: int) -> bool:
        k = bisect_right(mark_starts, pos - 1) - 1
        return k >= 0 and marks[k].start < pos < marks[k].end

    pieces: list[tuple[int, int]] = []
    start = 0
    while n - start > limit:
        lowest, end = start + limit // 2, start + limit
        cut = end
        for sep in _CUTS:
            found = text.rfind(sep, lowest, end)
            while found >= 0 and sep == "\n\n" and inside_quote(found + len(sep)):
                found = text.rfind(sep, lowest, found)
            if found >= 0:
                cut = found + len(sep)
                break
        pieces.append((start, cut))
        start = cut
    pieces.append((start, n))
    return pieces


@dataclass
class _Job:
    """One article on its way through the pipeline, its pieces parsed and extracted in order."""

    article: Article
    norm: Normalized
    cuts: list[tuple[int, int]]
    docs: list[Any] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    sources: list[list[Source]] = field(default_factory=list)
    error: str | None = None
    failed: str | None = None  # the analysis failed: the article is rejected
    lines: int = 0  # line breaks before `counted` in the repaired text
    counted: int = 0

    @property
    def done(self) -> bool:
        return self.failed is not None or len(self.docs) == len(self.cuts)


def _rejection(article: Article, stage: str, exc: BaseException) -> Rejection:
    log.warning("article %s: %s failed", article.id, stage, exc_info=exc)
    return Rejection(
        article.origin or article.id,
        "analysis",
        f"{stage} failed ({type(exc).__name__}: {exc}); the rest of the batch went on "
        "(please report this article to the storylens developers)",
    )


def analyze(
    articles: Iterable[Article],
    *,
    progress: Callable[[Article], None] | None = None,
    batch_size: int = 16,
    extract: bool = True,
    keep_docs: bool = True,
    on_reject: Rejecter | None = None,
    timer: Timer | None = None,
) -> Iterator[Analyzed]:
    """Analyse articles in order (see the module docstring for the stages).

    ``progress`` is called once per finished article; ``on_reject`` (else the block of
    :func:`collect_rejections` around the call, else the log) gets each article that
    could not be analysed; ``timer(stage, seconds)`` is charged "parse" and "extract".
    ``keep_docs=False`` leaves ``doc`` None and holds no tokens once a piece is
    extracted (what a command that only prints or stores results needs).
    """
    nlp = nlp_pipeline()
    reject = on_reject or _collector.get() or _log_rejection
    jobs: deque[_Job] = deque()  # started and not yet yielded, in input order

    def pieces() -> Iterator[tuple[_Job, str]]:
        for article in articles:
            try:
                article = _checked(article)
                norm = normalize(article.text)
                job = _Job(article, norm, split_pieces(norm))
            except RejectedInput as exc:
                reject(Rejection(article.origin or article.id, exc.reason, exc.detail))
                continue
            except Exception as exc:  # a bug on one article must not stop the batch
                reject(_rejection(article, "normalising", exc))
                continue
            jobs.append(job)
            for start, end in job.cuts:
                yield job, norm.text[start:end]

    for batch in _batches(pieces(), batch_size):
        clock = time.perf_counter()
        docs = _parse(nlp, batch)
        if timer is not None:
            timer("parse", time.perf_counter() - clock)
        clock = time.perf_counter()
        for (job, _), doc in zip(batch, docs, strict=True):
            if job.failed is not None:
                continue
            if doc is None:
                job.failed = "parse"
                reject(_rejection(job.article, "parsing", RuntimeError("spaCy refused the text")))
                continue
            try:
                _extract_piece(job, doc, extract, keep_docs)
            except Exception as exc:  # finding sentences: a bug, not the article's fault
                job.failed = "sentences"
                reject(_rejection(job.article, "finding sentences", exc))
        if timer is not None:
            timer("extract", time.perf_counter() - clock)
        while jobs and jobs[0].done:
            job = jobs.popleft()
            if job.failed is not None:
                continue
            try:
                result = _joined(job, keep_docs)
            except Exception as exc:  # joining the pieces' Docs: a bug, not the article's fault
                reject(_rejection(job.article, "joining the pieces", exc))
                continue
            if progress is not None:
                progress(job.article)
            yield result


@dataclass(frozen=True)
class Extracted:
    """The quotes and sources of one article without its parse: small and picklable, what
    a ``--jobs`` worker sends back (``error``: as in :class:`Analyzed`)."""

    article: str  # the article's id
    origin: str
    quotes: tuple[Quote, ...]
    sources: tuple[Source, ...]
    error: str | None = None


def extract_article(article: Article) -> Extracted:
    """:func:`analyze` of one article, kept to its quotes and sources; raises
    :class:`RejectedInput` (reason and detail as ``analyze`` rejects it) when it cannot be
    analysed. Module level, so a worker process can be given it
    (:func:`storylens.parallel.iter_outcomes`)."""
    refused: list[Rejection] = []
    for result in analyze([article], keep_docs=False, on_reject=refused.append):
        return Extracted(
            result.article.id,
            result.article.origin or result.article.id,
            result.quotes,
            result.sources,
            result.error,
        )
    why = refused[0] if refused else Rejection("", "analysis", "it was not analysed")
    raise RejectedInput(why.reason, why.detail)


def _log_rejection(rejection: Rejection) -> None:
    log.warning("rejected %s: %s: %s", rejection.origin, rejection.reason, rejection.detail)


def _checked(article: Article) -> Article:
    from .ingest.clean import check_article

    return check_article(article)


def _batches(
    items: Iterator[tuple[_Job, str]], batch_size: int
) -> Iterator[list[tuple[_Job, str]]]:
    """Pieces in batches of at most ``batch_size`` pieces and :data:`BATCH_CHARS` characters
    (a piece longer than that goes alone)."""
    batch: list[tuple[_Job, str]] = []
    size = 0
    for item in items:
        if batch and (len(batch) >= batch_size or size + len(item[1]) > BATCH_CHARS):
            yield batch
            batch, size = [], 0
        batch.append(item)
        size += len(item[1])
    if batch:
        yield batch


def _parse(nlp: Any, batch: list[tuple[_Job, str]]) -> list[Any]:
    """Docs for a batch of pieces; when the batch fails, each piece alone (None if it fails)."""
    texts = [text for _, text in batch]
    try:
        return list(nlp.pipe(texts, batch_size=len(texts)))
    except Exception:
        log.warning("a batch of %d pieces failed to parse; parsing them one by one", len(texts))
    docs: list[Any] = []
    for text in texts:
        try:
            docs.append(nlp(text))
        except Exception as exc:
            log.warning("a piece of %d characters failed to parse: %s", len(text), exc)
            docs.append(None)
    return docs


def _extract_piece(job: _Job, doc: Any, extract: bool, keep_docs: bool) -> None:
    """Sentences, quotes and sources of the job's next piece, in original offsets."""
    start, end = job.cuts[len(job.docs)]
    whole = len(job.cuts) == 1
    norm = job.norm if whole else job.norm.piece(start, end)
    job.lines += job.norm.text.count("\n", job.counted, start)
    job.counted = start
    job.sentences.extend(sentences_of(doc, norm, job.lines))
    if extract and job.error is None:
        try:
            from .extract.quotes import extract_quotes
            from .extract.sources import extract_sources

            quotes = extract_quotes(doc, norm, job.article.id)
            job.sources.append(extract_sources(doc, norm, job.article.id, quotes))
            job.quotes.extend(quotes)
        except Exception as exc:  # an extractor bug on one article must not stop the run
            log.warning(
                "article %s: quote and source extraction failed (%s: %s); kept without them",
                job.article.id,
                type(exc).__name__,
                exc,
            )
            job.error = f"{type(exc).__name__}: {exc}"
            job.quotes.clear()
            job.sources.clear()
    if not whole:
        doc.tensor = doc.tensor[:0]  # the token vectors were only needed by the extractors
    job.docs.append(doc if keep_docs else None)


def _joined(job: _Job, keep_docs: bool) -> Analyzed:
    doc: Any = None
    if keep_docs:
        if len(job.docs) == 1:
            doc = job.docs[0]
        else:
            from spacy.tokens import Doc

            # the stub lacks `exclude`, which spaCy 3.8 has
            doc = Doc.from_docs(job.docs, ensure_whitespace=False, exclude=["tensor"])  # type: ignore[call-arg]
    return Analyzed(
        job.article,
        job.norm,
        doc,
        tuple(job.sentences),
        tuple(job.quotes),
        tuple(_merged_sources(job.sources)),
        job.error,
    )


def _merged_sources(per_piece: list[list[Source]]) -> list[Source]:
    """One Source per name over the pieces (mentions joined, quotes added up)."""
    if len(per_piece) == 1:
        return per_piece[0]
    from dataclasses import replace

    merged: dict[str, Source] = {}
    for sources in per_piece:
        for s in sources:
            key = s.name.lower()
            seen = merged.get(key)
            if seen is None:
                merged[key] = s
                continue
            merged[key] = replace(
                seen,
                role=seen.role or s.role,
                mentions=seen.mentions + s.mentions,
                quotes=seen.quotes + s.quotes,
                non_response=seen.non_response or s.non_response,
                via=seen.via or s.via,
            )
    return list(merged.values())


__all__ = [
    "BATCH_CHARS",
    "MAX_SENTENCE_TOKENS",
    "PIECE_CHARS",
    "Analyzed",
    "Extracted",
    "analyze",
    "collect_rejections",
    "extract_article",
    "nlp_pipeline",
    "sentences_of",
    "split_pieces",
]
