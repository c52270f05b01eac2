"""Article analysis: normalise, parse, extract. The one-way path every command uses.

``analyze`` runs, for each article: :func:`storylens.normalize.normalize` (repairs
with an offset map), the spaCy pipeline over the repaired text (with line breaks
kept as sentence boundaries), sentence spans mapped back to the original text,
then quote and source extraction. Articles are parsed in batches with ``nlp.pipe``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .model import Article, Quote, Sentence, Source
from .nlp import load_spacy
from .normalize import Normalized, normalize

_COMPONENT = "storylens_line_breaks"


@dataclass(frozen=True)
class Analyzed:
    """Everything later stages need about one article."""

    article: Article
    norm: Normalized
    doc: Any  # spacy.tokens.Doc over norm.text
    sentences: tuple[Sentence, ...]
    quotes: tuple[Quote, ...]
    sources: tuple[Source, ...]


def _register_line_breaks() -> None:
    from spacy.language import Language

    if Language.has_factory(_COMPONENT):
        return

    @Language.component(_COMPONENT)
    def line_breaks(doc: Any) -> Any:
        """A token after a line break starts a sentence: kept breaks are real breaks."""
        for i, token in enumerate(doc[:-1]):
            if "\n" in token.text or token.whitespace_ == "\n" or "\n" in token.whitespace_:
                doc[i + 1].is_sent_start = True
        return doc


def nlp_pipeline() -> Any:
    """The spaCy pipeline with storylens's line-break rule before the parser."""
    nlp = load_spacy()
    if _COMPONENT not in nlp.pipe_names:
        _register_line_breaks()
        nlp.add_pipe(_COMPONENT, before="parser")
    return nlp


def sentences_of(doc: Any, norm: Normalized) -> tuple[Sentence, ...]:
    """Sentence spans of ``doc`` in original offsets, whitespace trimmed, with paragraph numbers."""
    from .normalize import truncated_from

    cut = truncated_from(norm)
    out: list[Sentence] = []
    text = norm.text
    for sent in doc.sents:
        start, end = sent.start_char, sent.end_char
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            continue
        paragraph = text.count("\n", 0, start)
        span = norm.span(start, end)
        out.append(
            Sentence(
                span.start, span.end, span.text, paragraph, truncated=cut is not None and end > cut
            )
        )
    return tuple(out)


def analyze(
    articles: Iterable[Article],
    *,
    progress: Callable[[Article], None] | None = None,
    batch_size: int = 16,
    extract: bool = True,
) -> Iterator[Analyzed]:
    """Analyse articles in order; ``progress`` is called once per finished article."""
    nlp = nlp_pipeline()
    if extract:
        from .extract.quotes import extract_quotes
        from .extract.sources import extract_sources

    def pairs() -> Iterator[tuple[str, tuple[Article, Normalized]]]:
        for article in articles:
            norm = normalize(article.text)
            yield norm.text, (article, norm)

    for doc, (article, norm) in nlp.pipe(pairs(), as_tuples=True, batch_size=batch_size):
        quotes: tuple[Quote, ...] = ()
        sources: tuple[Source, ...] = ()
        if extract:
            quotes = tuple(extract_quotes(doc, norm, article.id))
            sources = tuple(extract_sources(doc, norm, article.id, list(quotes)))
        result = Analyzed(article, norm, doc, sentences_of(doc, norm), quotes, sources)
        if progress is not None:
            progress(article)
        yield result


__all__ = ["Analyzed", "analyze", "nlp_pipeline", "sentences_of"]
