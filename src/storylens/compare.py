"""Compare articles claim by claim: the stages behind ``storylens compare``.

``compare_articles`` (one story) runs: the articles' records (:mod:`storylens.analysis`:
parse, statements, embeddings; given, or made first) -> alignment into facts
(:mod:`storylens.align`) -> statuses and omissions -> conflicts
(:mod:`storylens.conflicts`) -> quote groups (:mod:`storylens.quotegroups`) ->
sourcing (:mod:`storylens.sourcing`), and returns one :class:`StoryReport`.
``compare`` first groups the inputs into stories.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from .align import Alignment, FactGroup, ReadMemo, align, cover_facts
from .align.embed import statement_embedder_name
from .align.quotes import quote_links
from .analysis import ArticleAnalysis, record_of, story_vectors
from .conflicts import dates_disagree, find_conflicts
from .errors import ReportError, VectorSpaceError
from .ids import story_id
from .model import (
    Article,
    Fact,
    FactLink,
    FactStatus,
    Omission,
    Rejection,
    Report,
    StatementRef,
    StoryReport,
)
from .names import StoryNames
from .nlp import load_embedder
from .pipeline import Analyzed, analyze
from .quotegroups import group_quotes
from .sourcing import sourcing_differences, story_sources
from .statements import Statement

STORY_LINK = 0.45  # title+lead cosine that puts two articles in one story (seeds, demo, recession)


def _title(articles: Sequence[Article], results: Sequence[ArticleAnalysis]) -> str:
    for a in articles:
        if a.title:
            return a.title
    for r in results:
        if r.sentences:
            first = " ".join(r.sentences[0].text.split())
            return first if len(first) <= 100 else first[:100].rsplit(" ", 1)[0] + "…"
    return "untitled story"


def _check_vectors(records: Sequence[ArticleAnalysis]) -> None:
    """Refuse records whose statement vectors are not those the same-claim model reads."""
    wanted = statement_embedder_name()
    for r in records:
        if r.embedder != wanted:
            raise VectorSpaceError(
                f"the analysis of {r.article.id!r} holds statement vectors of "
                f"{r.embedder or 'an unnamed embedder'}, and the same-claim model reads "
                f"{wanted}'s: analyse the article again (storylens.analysis.analyse_article; "
                "storylens show does it by itself)"
            )


def _status(n_articles: int, total: int, conflicting: bool) -> FactStatus:
    if conflicting:
        return "conflicting"
    if n_articles == 1:
        return "unique"
    return "agreed" if n_articles == total else "partial"


def compare_articles(
    articles: Sequence[Article],
    analyzed: Sequence[Analyzed] | None = None,
    timings: dict[str, float] | None = None,
    *,
    analyses: Sequence[ArticleAnalysis] | None = None,
    story: str | None = None,
    reads: ReadMemo | None = None,
) -> StoryReport:
    """The claim-by-claim report for articles that tell one story.

    From ``analyses`` (records of the articles, :mod:`storylens.analysis`) nothing is
    parsed or embedded; else from ``analyzed``, else the articles are analysed first.
    Either way the report is the same: the records are what the comparison reads.
    ``story`` is the report's id; by default, that of the story the first article
    founded (:func:`storylens.ids.story_id`, the clusterer's formula). ``reads``: the
    cross-encoder's reads made before for these articles (a stored story's), which are
    not made again, and where the new ones go.
    """
    if not articles:
        raise ReportError("no articles to compare; give at least one readable article")
    clock = time.perf_counter()
    spent: dict[str, float] = {}
    if analyses is None:
        results = list(analyzed) if analyzed is not None else list(analyze(articles))
        t_parse = time.perf_counter() - clock

        def charge(stage: str, seconds: float) -> None:
            spent[stage] = spent.get(stage, 0.0) + seconds

        records = [record_of(r, charge) for r in results]
    else:
        records = list(analyses)
        t_parse = 0.0
        _check_vectors(records)
    texts = {r.article.id: r.article.text for r in records}
    outlets = {r.article.id: r.article.outlet or r.article.id for r in records}
    order = {r.article.id: n for n, r in enumerate(records)}
    statements: list[Statement] = [s for r in records for s in r.statements]
    t_statements = spent.get("statements", 0.0)
    clock = time.perf_counter()
    vectors = story_vectors(records)
    t_embed = spent.get("statement_vectors", 0.0) + time.perf_counter() - clock
    clock = time.perf_counter()
    names = StoryNames.build(records)  # quote groups come first: they link statements
    quotes = group_quotes([q for r in records for q in r.quotes], texts, names)
    t_quotes = time.perf_counter() - clock
    clock = time.perf_counter()
    alignment = align(statements, vectors, linked=quote_links(statements, quotes), memo=reads)
    groups, apart = _apart_on_dates(statements, alignment)
    t_match = time.perf_counter() - clock
    t_conflicts = 0.0
    total = len({s.article for s in statements})
    facts, conflicts = [], []
    for n, group in enumerate(groups, 1):
        fact_id = f"f{n}"
        members = sorted(
            group.members, key=lambda i: (order[statements[i].article], statements[i].start)
        )
        place = {i: k for k, i in enumerate(members)}
        links = [(statements[m.a], statements[m.b], m.p) for m in group.links]
        tick = time.perf_counter()
        found = find_conflicts(fact_id, links, texts, outlets)
        t_conflicts += time.perf_counter() - tick
        conflicts.extend(found)
        stmts = [statements[i] for i in members]
        n_articles = len({s.article for s in stmts})
        refs = tuple(
            StatementRef(s.article, s.start, s.end, s.text, s.context, times=s.times) for s in stmts
        )
        facts.append(
            Fact(
                fact_id,
                _status(n_articles, total, bool(found)),
                refs,
                all(s.context for s in stmts),
                confidence=group.confidence,
                claim=place[group.core],
                links=tuple(
                    FactLink(min(place[m.a], place[m.b]), max(place[m.a], place[m.b]), m.p)
                    for m in group.links
                ),
            )
        )
    omissions = _omissions(facts, groups, alignment, [r.article.id for r in records], statements)
    sources = story_sources([s for r in records for s in r.sources], names)
    repairs = tuple((r.article.id, rep) for r in records for rep in r.repairs)
    t_rest = time.perf_counter() - clock - t_match - t_conflicts + t_quotes
    if timings is not None:
        timings.update(
            parse=t_parse,
            statements_s=t_statements,
            embed=t_embed,
            align=t_match,
            conflicts=t_conflicts,
            rest=t_rest,
            statements=len(statements),
            pairs=len(alignment.matches),
        )
    extra: dict[str, Any] = {
        "sourcing_differences": sourcing_differences([r.article.id for r in records], sources),
        "statements": len(statements),
        "article_quotes": [q.to_dict() for r in records for q in r.quotes],
        "possibly_different_events": apart,
    }
    return StoryReport(
        id=story or story_id(articles[0].id),
        title=_title(articles, records),
        articles=tuple(r.article for r in records),
        facts=tuple(facts),
        quotes=tuple(quotes),
        conflicts=tuple(conflicts),
        sources=sources,
        omissions=tuple(omissions),
        repairs=repairs,
        extra=extra,
    )


def _apart_on_dates(
    statements: Sequence[Statement], alignment: Alignment
) -> tuple[list[FactGroup], list[dict[str, Any]]]:
    """Facts, with matches kept apart where two statements the model was not sure of date
    their news to days that cannot be the same: possibly two events of one kind."""
    model = alignment.model
    kept, apart = [], []
    for m in alignment.matches:
        if model.match <= m.p < model.confident:
            a, b = statements[m.a], statements[m.b]
            why: dict[str, Any] = {}
            days = dates_disagree(a, b)
            if days is not None:
                why = {
                    "dates": [t.text for t in days],
                    "values": [t.value for t in days],
                    "spans": [[t.start, t.end] for t in days],  # original offsets
                }
            if why:
                apart.append(
                    {
                        "statements": [
                            {"article": s.article, "start": s.start, "end": s.end, "text": s.text}
                            for s in (a, b)
                        ],
                        **why,
                        "score": round(m.p, 4),
                    }
                )
                continue
        kept.append(m)
    if not apart:
        return list(alignment.facts), []
    article = alignment_articles(statements)
    return cover_facts(len(statements), article, kept, model.match), apart


def alignment_articles(statements: Sequence[Statement]) -> list[int]:
    ids = list(dict.fromkeys(s.article for s in statements))
    return [ids.index(s.article) for s in statements]


def _omissions(
    facts: Sequence[Fact],
    groups: Sequence[FactGroup],
    alignment: Alignment,
    articles: Sequence[str],
    statements: Sequence[Statement],
) -> list[Omission]:
    """Per article: claims that others report with confidence (at least two others, or
    the other one when there are two articles) and that no statement of the article
    matches even weakly (``facts``), or matches only below ``match`` (``possible``)."""
    model = alignment.model
    near: dict[int, dict[str, float]] = {}
    for m in alignment.matches:
        for x, y in ((m.a, m.b), (m.b, m.a)):
            other = statements[y].article
            seen = near.setdefault(x, {})
            seen[other] = max(seen.get(other, 0.0), m.p)
    needed = 1 if len(articles) == 2 else 2
    missing: dict[str, list[str]] = {a: [] for a in articles}
    possible: dict[str, list[str]] = {a: [] for a in articles}
    for fact, group in zip(facts, groups, strict=True):
        reporters = {s.article for s in fact.statements}
        if len(reporters) < needed or (len(reporters) > 1 and fact.confidence < model.confident):
            continue
        closest: dict[str, float] = {}  # article -> its nearest statement's probability
        for i in group.members:
            for other, p in near.get(i, {}).items():
                closest[other] = max(closest.get(other, 0.0), p)
        for article in articles:
            if article in reporters:
                continue
            p = closest.get(article, 0.0)
            if p < model.weak:
                missing[article].append(fact.id)
            elif p < model.match:
                possible[article].append(fact.id)
    return [Omission(a, tuple(missing[a]), tuple(possible[a])) for a in articles]


def group_stories(results: Sequence[Analyzed]) -> list[list[Analyzed]]:
    """A simple grouping of articles into stories: single-link on title + lead embeddings."""
    groups = group_leads([_lead(r.article, r.norm.text) for r in results])
    return [[results[i] for i in group] for group in groups]


def _lead(article: Article, normalized_text: str) -> str:
    return ((article.title or "") + " " + normalized_text[:600]).strip()


def group_leads(leads: Sequence[str]) -> list[list[int]]:
    """Indexes of ``leads`` grouped into stories: single-link on their embeddings at
    :data:`STORY_LINK`, each group in input order, groups in order of their first member."""
    if len(leads) <= 1:
        return [list(range(len(leads)))]
    vectors = load_embedder().embed(list(leads))
    sims = vectors @ vectors.T
    parent = list(range(len(leads)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i in range(len(leads)):
        for j in range(i + 1, len(leads)):
            if sims[i, j] >= STORY_LINK:
                parent[find(j)] = find(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(leads)):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


class _HasArticle(Protocol):
    @property
    def article(self) -> Article: ...


_Member = TypeVar("_Member", bound=_HasArticle)


def _stories(results: Sequence[Analyzed]) -> dict[str | None, list[Analyzed]]:
    """Stories by :func:`storylens.cluster.cluster_articles` (event-level stories, wire
    copies with their original) under the clusterer's ids, or by :func:`group_stories`
    (ids None: the founder's) where that is not installed."""
    try:
        from .cluster import cluster_articles
    except ImportError:
        return _unnamed(group_stories(results))
    by_id = {r.article.id: r for r in results}
    if len(by_id) != len(results):
        # repeated ids: the clusterer's rows would be ambiguous
        return _unnamed(group_stories(results))
    stories: dict[str | None, list[Analyzed]] = {}
    for article_id, story in cluster_articles([r.article for r in results]):
        stories.setdefault(story, []).append(by_id[article_id])
    return stories


def _unnamed(groups: list[list[_Member]]) -> dict[str | None, list[_Member]]:
    """Groups under the founder's story id (``Analyzed`` results or ``Prepared`` articles)."""
    return {story_id(group[0].article.id): group for group in groups if group}


def compare(
    articles: Sequence[Article],
    rejected: Sequence[Rejection] = (),
    progress: Callable[[Article], None] | None = None,
    group: bool = True,
) -> Report:
    """Group ``articles`` into stories and compare each story's articles."""
    if not articles:
        raise ReportError(
            "no readable articles were given" + (f" ({len(rejected)} rejected)" if rejected else "")
        )
    results = list(analyze(articles, progress=progress))
    stories = _stories(results) if group else {None: results}
    reports = [
        compare_articles([r.article for r in members], members, story=story)
        for story, members in stories.items()
    ]
    reports.sort(key=lambda s: -len(s.articles))
    return Report(stories=tuple(reports), rejected=tuple(rejected))


class Prepared(Protocol):
    """One article made ready for the comparison on any process
    (:func:`storylens.ingestion.prepare_articles`): its record, its clustering features
    and its normalised text."""

    @property
    def article(self) -> Article: ...
    @property
    def features(self) -> Any: ...
    @property
    def normalized_text(self) -> str: ...
    @property
    def record(self) -> ArticleAnalysis | None: ...


def compare_prepared(
    prepared: Sequence[Prepared], rejected: Sequence[Rejection] = (), group: bool = True
) -> Report:
    """:func:`compare` from articles already analysed (on ``--jobs`` workers, or anywhere):
    the stories are found from the articles' features, by the clusterer that
    :func:`compare` runs, and each story is compared from its articles' records, so
    nothing is parsed here."""
    if not prepared:
        raise ReportError(
            "no readable articles were given" + (f" ({len(rejected)} rejected)" if rejected else "")
        )
    missing = [p.article.id for p in prepared if p.record is None]
    if missing:
        raise ValueError(f"articles without an analysis record: {', '.join(missing[:3])}")
    stories = _prepared_stories(prepared) if group else {None: list(prepared)}
    reports = [
        compare_articles(
            [p.article for p in members],
            analyses=[p.record for p in members if p.record is not None],
            story=story,
        )
        for story, members in stories.items()
    ]
    reports.sort(key=lambda s: -len(s.articles))
    return Report(stories=tuple(reports), rejected=tuple(rejected))


def _prepared_stories(prepared: Sequence[Prepared]) -> dict[str | None, list[Prepared]]:
    """:func:`_stories` from features made anywhere (the same stories, the same ids)."""
    if len({p.article.id for p in prepared}) != len(prepared):
        groups = group_leads([_lead(p.article, p.normalized_text) for p in prepared])
        return _unnamed([[prepared[i] for i in g] for g in groups])
    from .cluster import cluster_features

    by_id = {p.article.id: p for p in prepared}
    stories: dict[str | None, list[Prepared]] = {}
    for article_id, story, _topic in cluster_features(p.features for p in prepared)[1]:
        stories.setdefault(story, []).append(by_id[article_id])
    return stories
