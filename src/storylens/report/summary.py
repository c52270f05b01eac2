"""What a reader reads first: the story as the outlets agree on it, then where they differ,
what only one outlet reports and what each outlet does not report.

``summarize(story)`` reads a :class:`~storylens.model.StoryReport` and returns a
:class:`Summary`; it adds no text of its own except the frame of a sentence ("<Outlet>
does not report that ..."): every statement it shows is an article's own sentence,
cited by offsets into the original text of every outlet that carries it.

The stages:

1. **Outlet names**: each article is shown by its outlet's name (its title or id only
   where it has none; two articles of one outlet get their ids beside the name).
2. **Summary**: facts carried by two or more outlets, most outlets first, then the
   confidently matched, then the most central (sharing the most content words with the
   whole story); fragments, bylines and boilerplate never. At least three and at most
   seven: every fact carried by most outlets, topped up from the other shared facts and,
   only when fewer than three facts are shared, from single-outlet facts. Shown in the
   order the story tells them.
3. **Differences**: each conflict beside its fact's core statement, with its reason.
4. **Only one outlet**: single-outlet facts ranked by importance (centrality, position
   in the article, names and numbers), fragments and boilerplate out.
5. **Not reported**: per outlet, the facts it leaves out (``StoryReport.omissions``, which
   come only from confident matches) as sentences, most important first; then those it
   may leave out (``Omission.possible``), less certain.

Certainty follows the same-claim model's thresholds (:mod:`storylens.align.model`): a
fact is ``certain`` when its weakest link reaches ``confident``, a conflict when its
confidence reaches ``match``. Markdown and HTML put what is not certain behind a switch.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from ..model import Fact, StatementRef, StoryReport
from .text import (
    content_words,
    is_boilerplate,
    is_fragment,
    lower_vocabulary,
    quoted,
    starts_with_pronoun,
    that_clause,
)

MIN_SUMMARY, MAX_SUMMARY = 3, 7  # the bounds: a summary a reader takes in at once
_NAME_OR_NUMBER = re.compile(r"\d|\b[A-Z][a-z]+\s+[A-Z][a-z]+")


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Where a match or a conflict is sure enough to show without a switch."""

    confident: float  # a fact's weakest link at least this: certain
    match: float  # a conflict at least this: certain

    @classmethod
    def of_model(cls) -> Thresholds:
        return _model_thresholds()


@lru_cache(maxsize=1)
def _model_thresholds() -> Thresholds:
    from ..align.model import load_claims_model

    model = load_claims_model()
    return Thresholds(confident=model.confident, match=model.match)


@dataclass(frozen=True, slots=True)
class Cite:
    """One outlet's statement: ``text`` is ``article.text[start:end]``."""

    article: str
    outlet: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Statement:
    """A fact as the reader sees it: its core statement, cited to every outlet carrying it."""

    fact: str
    text: str  # the core statement, an article's own sentence
    cites: tuple[Cite, ...]
    confidence: float
    certain: bool
    disputed: bool = False  # a conflict about this fact is shown under the differences

    @property
    def outlets(self) -> list[str]:
        return list(dict.fromkeys(c.outlet for c in self.cites))

    def to_dict(self) -> dict[str, Any]:
        return {
            "fact": self.fact,
            "text": self.text,
            "outlets": self.outlets,
            "cites": [c.to_dict() for c in self.cites],
            "confidence": round(self.confidence, 4),
            "certain": self.certain,
            "disputed": self.disputed,
        }


@dataclass(frozen=True, slots=True)
class DifferenceValue:
    article: str
    outlet: str
    value: str  # exactly article.text[start:end]
    start: int
    end: int
    resolved: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Difference:
    """A conflict beside the fact it is about."""

    fact: Statement
    kind: str
    reason: str
    values: tuple[DifferenceValue, ...]
    confidence: float
    certain: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "fact": self.fact.to_dict(),
            "kind": self.kind,
            "reason": self.reason,
            "values": [v.to_dict() for v in self.values],
            "confidence": round(self.confidence, 4),
            "certain": self.certain,
        }


@dataclass(frozen=True, slots=True)
class SeparateEvents:
    """Two statements alike enough to be one fact but dated to days that cannot be the
    same ("met on Tuesday", "met on Sunday"): possibly two events of one kind, which
    ``compare`` keeps as two facts. ``dates`` quote each statement's date, ``resolved``
    holding its TIMEX3 value."""

    statements: tuple[Cite, ...]
    dates: tuple[DifferenceValue, ...]
    score: float  # the same-claim model's probability that they are one claim

    def to_dict(self) -> dict[str, Any]:
        return {
            "statements": [c.to_dict() for c in self.statements],
            "dates": [d.to_dict() for d in self.dates],
            "score": round(self.score, 4),
        }


@dataclass(frozen=True, slots=True)
class OnlyOne:
    """A fact one outlet alone reports, with the importance it was ranked by."""

    statement: Statement
    importance: float

    def to_dict(self) -> dict[str, Any]:
        return {**self.statement.to_dict(), "importance": round(self.importance, 4)}


@dataclass(frozen=True, slots=True)
class NotReported:
    """A fact an outlet leaves out, as a sentence: ``<outlet> does not report that ...``;
    where its nearest statement is below a match but not far (``Omission.possible``),
    ``<outlet> may not report that ...`` and ``certain`` is False."""

    article: str
    outlet: str
    sentence: str
    statement: Statement  # the fact as the outlets that carry it tell it
    certain: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "outlet": self.outlet,
            "sentence": self.sentence,
            **{
                k: v
                for k, v in self.statement.to_dict().items()
                if k not in ("certain", "disputed")
            },
            "certain": self.certain,
        }


@dataclass(frozen=True, slots=True)
class Summary:
    statements: tuple[Statement, ...]
    differences: tuple[Difference, ...]
    only_one: tuple[OnlyOne, ...]
    not_reported: tuple[NotReported, ...]
    separate_events: tuple[SeparateEvents, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "statements": [s.to_dict() for s in self.statements],
            "differences": [d.to_dict() for d in self.differences],
            "possibly_different_events": [e.to_dict() for e in self.separate_events],
            "only_one": [u.to_dict() for u in self.only_one],
            "not_reported": [n.to_dict() for n in self.not_reported],
        }


def outlet_names(story: StoryReport) -> dict[str, str]:
    """Article id -> the name a reader sees: the outlet, else the title, else the id;
    articles of one outlet keep their id beside its name so they stay apart."""
    base = {a.id: a.outlet or a.title or a.id for a in story.articles}
    seen = Counter(base.values())
    return {k: (f"{v} ({k})" if seen[v] > 1 else v) for k, v in base.items()}


def _reads_alone(text: str) -> bool:
    return not is_fragment(text) and not is_boilerplate(text)


class StoryView:
    """What the ranking reads about the story once: names, positions, word weights."""

    def __init__(self, story: StoryReport, thresholds: Thresholds):
        self.story = story
        self.thresholds = thresholds
        self.names = outlet_names(story)
        self.length = {a.id: max(1, len(a.text)) for a in story.articles}
        # a word's weight: in how many articles it appears (a story word), dampened by
        # how common it is within the story (log), so a story's names count most
        counts: Counter[str] = Counter()
        spread: Counter[str] = Counter()
        for a in story.articles:
            found = content_words(a.text)
            spread.update(found)
            counts.update(w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'’-]+", a.text))
        n = max(1, len(story.articles))
        self.weight = {w: (spread[w] / n) * (1 + math.log1p(counts[w])) for w in spread}
        self.top = max(self.weight.values(), default=1.0) or 1.0
        self.lower_words = lower_vocabulary([a.text for a in story.articles])
        self.disputed = {c.fact for c in story.conflicts if c.confidence >= thresholds.match}
        # per fact id: each fact is read once, though a story of many outlets lists one
        # fact in many outlets' gaps (143 articles: 200,000 reads of 2,000 facts)
        self._core: dict[str, StatementRef] = {}
        self._importance: dict[str, float] = {}
        self._readable: dict[str, bool] = {}
        self._statement: dict[str, Statement] = {}

    def core(self, fact: Fact) -> StatementRef:
        """The statement shown for a fact: its core claim, or where that is a fragment or
        boilerplate, the first of its other statements that reads alone."""
        if fact.id not in self._core:
            self._core[fact.id] = self._find_core(fact)
        return self._core[fact.id]

    def _find_core(self, fact: Fact) -> StatementRef:
        first = fact.statements[fact.claim if 0 <= fact.claim < len(fact.statements) else 0]
        for s in (first, *fact.statements):
            if _reads_alone(s.text):
                return s
        return first

    def statement(self, fact: Fact) -> Statement:
        if fact.id not in self._statement:
            self._statement[fact.id] = self._make_statement(fact)
        return self._statement[fact.id]

    def _make_statement(self, fact: Fact) -> Statement:
        cites, seen = [], set()
        core = self.core(fact)
        for s in (core, *fact.statements):
            key = (s.article, s.start)
            if key in seen:
                continue
            seen.add(key)
            cites.append(
                Cite(s.article, self.names.get(s.article, s.article), s.start, s.end, s.text)
            )
        return Statement(
            fact.id,
            " ".join(core.text.split()),
            tuple(cites),
            fact.confidence,
            fact.confidence >= self.thresholds.confident,
            fact.id in self.disputed,
        )

    def outlets(self, fact: Fact) -> int:
        return len({s.article for s in fact.statements})

    def centrality(self, fact: Fact) -> float:
        found = content_words(self.core(fact).text)
        if not found:
            return 0.0
        total = sum(self.weight.get(w, 0.0) for w in found) / self.top
        return total / (len(found) + 3)  # a long sentence is not central for its length

    def position(self, fact: Fact) -> float:
        """0 for a story's opening, 1 for its end: the mean of the statements' places."""
        return sum(s.start / self.length.get(s.article, 1) for s in fact.statements) / len(
            fact.statements
        )

    def readable(self, fact: Fact) -> bool:
        if fact.id not in self._readable:
            self._readable[fact.id] = _reads_alone(self.core(fact).text)
        return self._readable[fact.id]

    def importance(self, fact: Fact) -> float:
        """Hand-set, not tuned on any set: how central, how early, how specific; a
        sentence that leans on the one before (a pronoun first) counts less."""
        if fact.id not in self._importance:
            self._importance[fact.id] = self._score(fact)
        return self._importance[fact.id]

    def _score(self, fact: Fact) -> float:
        text = self.core(fact).text
        score = 0.6 * self.centrality(fact) + 0.3 * (1 - self.position(fact))
        score += 0.1 * bool(_NAME_OR_NUMBER.search(text))
        if fact.context:
            score -= 0.1
        if starts_with_pronoun(text):
            score -= 0.1
        return score


def _summary(view: StoryView) -> list[Statement]:
    """Candidates in order: facts most outlets carry, then the other shared facts, then
    (only while fewer than three are chosen) single-outlet facts; a candidate that says
    nearly the same words as one already chosen is skipped."""
    facts = [f for f in view.story.facts if view.readable(f)]
    n = len(view.story.articles)
    ranked = sorted(
        (f for f in facts if view.outlets(f) >= 2),
        key=lambda f: (
            -view.outlets(f),
            f.id in view.disputed,
            -(f.confidence >= view.thresholds.confident),
            -view.importance(f),
        ),
    )
    alone = sorted((f for f in facts if view.outlets(f) == 1), key=view.importance, reverse=True)
    chosen: list[Fact] = []
    words: list[set[str]] = []
    for f in ranked + alone:
        if len(chosen) >= MAX_SUMMARY:
            break
        most = view.outlets(f) * 2 > n
        if len(chosen) >= MIN_SUMMARY and not most:
            break
        if view.outlets(f) == 1 and len(chosen) >= MIN_SUMMARY:
            break
        mine = content_words(view.core(f).text)
        if any(_overlap(mine, other) > 0.7 for other in words):
            continue
        chosen.append(f)
        words.append(mine)
    chosen.sort(key=view.position)
    return [view.statement(f) for f in chosen]


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / max(1, min(len(a), len(b)))


def _differences(view: StoryView) -> list[Difference]:
    facts = {f.id: f for f in view.story.facts}
    out = []
    for c in view.story.conflicts:
        fact = facts.get(c.fact)
        if fact is None:
            continue
        values = tuple(
            DifferenceValue(
                v.article, view.names.get(v.article, v.article), v.value, v.start, v.end, v.resolved
            )
            for v in c.values
        )
        out.append(
            Difference(
                view.statement(fact),
                c.kind,
                c.explanation,
                values,
                c.confidence,
                c.confidence >= view.thresholds.match,
            )
        )
    out.sort(key=lambda d: (not d.certain, -d.confidence))
    return out


def _separate_events(view: StoryView) -> list[SeparateEvents]:
    """``compare``'s "possibly_different_events", with outlet names and each date cited."""
    out = []
    for item in view.story.extra.get("possibly_different_events", []):
        stmts = item.get("statements", [])
        dates, values = item.get("dates", []), item.get("values", [])
        if not (len(stmts) == len(dates) == len(values) == 2):
            continue
        spans = item.get("spans") or [None, None]
        cites, quoted = [], []
        for s, text, value, span in zip(stmts, dates, values, spans, strict=True):
            outlet = view.names.get(s["article"], s["article"])
            cites.append(Cite(s["article"], outlet, s["start"], s["end"], s["text"]))
            if span is None:  # a report from before the offsets were kept: find the date
                at = s["text"].find(text)
                span = [s["start"] + at, s["start"] + at + len(text)] if at >= 0 else [0, 0]
            quoted.append(DifferenceValue(s["article"], outlet, text, span[0], span[1], value))
        out.append(SeparateEvents(tuple(cites), tuple(quoted), float(item.get("score", 0.0))))
    return out


def _only_one(view: StoryView) -> list[OnlyOne]:
    alone = [f for f in view.story.facts if view.outlets(f) == 1 and view.readable(f)]
    ranked = sorted(alone, key=view.importance, reverse=True)
    return [OnlyOne(view.statement(f), view.importance(f)) for f in ranked]


def _not_reported(view: StoryView) -> list[NotReported]:
    """Per outlet, what it surely leaves out, then what it may leave out; the most
    important first within each."""
    facts = {f.id: f for f in view.story.facts}
    out = []
    clauses: dict[str, str] = {}  # fact id -> its that-clause, made once
    for omission in view.story.omissions:
        outlet = view.names.get(omission.article, omission.article)
        for ids, certain in ((omission.facts, True), (omission.possible, False)):
            missing = [facts[i] for i in ids if i in facts and view.readable(facts[i])]
            missing.sort(key=view.importance, reverse=True)
            verb = "does not report" if certain else "may not report"
            for fact in missing:
                text = view.core(fact).text
                if quoted(text):
                    sentence = f"{outlet} {verb}: {' '.join(text.split())}"
                else:
                    if fact.id not in clauses:
                        clauses[fact.id] = that_clause(text, view.lower_words)
                    sentence = f"{outlet} {verb} that {clauses[fact.id]}."
                out.append(
                    NotReported(omission.article, outlet, sentence, view.statement(fact), certain)
                )
    return out


def summarize(story: StoryReport, thresholds: Thresholds | None = None) -> Summary:
    """The reader's view of one story (see the module's docstring for the stages)."""
    view = StoryView(story, thresholds or Thresholds.of_model())
    return Summary(
        statements=tuple(_summary(view)),
        differences=tuple(_differences(view)),
        only_one=tuple(_only_one(view)),
        not_reported=tuple(_not_reported(view)),
        separate_events=tuple(_separate_events(view)),
    )
