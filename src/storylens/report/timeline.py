"""A story's timeline: each fact placed on the date its statements resolve to.

``build_timeline(story, summary)`` reads the time expressions each statement carries
from the statement stage (``StatementRef.times``; an article whose statements were built
without them is tagged here, once, by :func:`storylens.extract.timex.tag_text`, resolved
against its publication date) and places each fact:

1. **From the text**: the first DATE or TIME expression inside each of the fact's
   statements whose value names a calendar period (a year, season, quarter, month, week,
   day or time of day; a year the text does not give stays unknown, "May 2" in an
   undated article). Where the outlets give different values, the one most of them give
   wins and the others are kept as ``other_dates`` (values that cannot be the same
   period: "March 3" and "March 13"; "Tuesday" and "April 8" agree).
2. **Else from the article's date**: the publication date of the article that states
   the fact (``basis: "published"``); a fact with neither is left off the timeline.

Entries are sorted by the start of their period (an unknown year sorts after every
known one), then by how precise they are, then by where the story tells them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from ..extract.timex import Timex, parse_published, same_time, tag_text
from ..model import StatementRef, StoryReport
from .summary import Statement, StoryView, Thresholds

Basis = Literal["text", "published"]
_VALUE = re.compile(
    r"^(?P<year>\d{4}|XXXX)"
    r"(?:-(?:(?P<month>\d\d)(?:-(?P<day>\d\d))?|W(?P<week>\d\d)|Q(?P<quarter>[1-4])|(?P<season>SP|SU|FA|WI)))?"
    r"(?:T(?P<time>MO|MI|AF|EV|NI|DT|\d\d(?::\d\d)?))?$"
)
_DECADE = re.compile(r"^(?P<decade>\d{3})$")
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_PARTS = {
    "MO": "morning",
    "MI": "midday",
    "AF": "afternoon",
    "EV": "evening",
    "NI": "night",
    "DT": "daytime",
}
_SEASONS = {"SP": ("spring", 3), "SU": ("summer", 6), "FA": ("autumn", 9), "WI": ("winter", 12)}
_PRECISION = {
    "decade": 0,
    "year": 1,
    "season": 2,
    "quarter": 2,
    "month": 3,
    "week": 4,
    "day": 5,
    "time": 6,
}


@dataclass(frozen=True, slots=True)
class When:
    """A calendar period read from a TIMEX3 value."""

    value: str
    precision: str
    label: str
    key: tuple[int, int, int, int, str]  # (unknown year, year, month, day, time): sort order


def read_value(value: str) -> When | None:
    """The calendar period a TIMEX3 value names, or None (durations, sets, "PAST_REF",
    a weekday whose week is unknown)."""
    m = _DECADE.match(value)
    if m:
        year = int(m["decade"]) * 10
        return When(value, "decade", f"the {year}s", (0, year, 0, 0, ""))
    m = _VALUE.match(value)
    if not m:
        return None
    unknown = m["year"] == "XXXX"
    year = 0 if unknown else int(m["year"])
    shown = "" if unknown else f" {year}"
    tail = " (year not given)" if unknown else ""
    month = day = 0
    if m["day"]:
        month, day = int(m["month"]), int(m["day"])
        if not 1 <= month <= 12 or not 1 <= day <= 31:
            return None
        precision, label = "day", f"{day} {_MONTHS[month - 1]}{shown}"
    elif m["month"]:
        month = int(m["month"])
        if not 1 <= month <= 12:
            return None
        precision, label = "month", f"{_MONTHS[month - 1]}{shown}"
    elif m["week"]:
        if unknown:
            return None
        week = int(m["week"])
        try:
            monday = date.fromisocalendar(year, week, 1)
        except ValueError:
            return None
        month, day = monday.month, monday.day
        precision, label = "week", f"the week of {monday.day} {_MONTHS[monday.month - 1]}{shown}"
    elif m["quarter"]:
        month = 3 * int(m["quarter"]) - 2
        precision, label = "quarter", f"Q{m['quarter']}{shown}"
    elif m["season"]:
        name, month = _SEASONS[m["season"]]
        precision, label = "season", f"{name}{shown}"
    else:
        if unknown:
            return None
        precision, label = "year", str(year)
    time = m["time"] or ""
    if time:
        if precision != "day":
            return None
        part = _PARTS.get(time, time)
        precision, label = "time", f"{label}, {part}"
    return When(value, precision, label + tail, (int(unknown), year, month, day, time))


@dataclass(frozen=True, slots=True)
class DatedMention:
    """Where an outlet dates a fact: the expression's exact text and its value."""

    article: str
    outlet: str
    start: int
    end: int
    text: str
    value: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "outlet": self.outlet,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "value": self.value,
        }


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    when: When
    basis: Basis
    statement: Statement
    mentions: tuple[DatedMention, ...]  # the expressions that place it (basis "text")
    other_dates: tuple[DatedMention, ...]  # outlets that date it to another period
    order: float  # where the story tells it (0 first, 1 last)

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.when.value,
            "label": self.when.label,
            "precision": self.when.precision,
            "basis": self.basis,
            **self.statement.to_dict(),
            "mentions": [m.to_dict() for m in self.mentions],
            "other_dates": [m.to_dict() for m in self.other_dates],
        }


class _Times:
    """The time expressions of a statement: those it carries, else its article's, tagged once."""

    def __init__(self, story: StoryReport) -> None:
        self._articles = {a.id: a for a in story.articles}
        self._tagged: dict[str, list[Timex]] = {}

    def of(self, s: StatementRef) -> tuple[Timex, ...] | list[Timex]:
        if s.times is not None:
            return s.times
        if s.article not in self._tagged:
            a = self._articles.get(s.article)
            self._tagged[s.article] = tag_text(a.text, a.published) if a else []
        return [t for t in self._tagged[s.article] if s.start <= t.start and t.end <= s.end]


def _choose(
    mentions: list[tuple[DatedMention, When]],
) -> tuple[When, list[DatedMention], list[DatedMention]]:
    """The period most outlets give (then the most precise, then the first told)."""
    votes: list[tuple[int, int, int, When]] = []
    for n, (_m, when) in enumerate(mentions):
        agree = sum(1 for _, other in mentions if same_time(when.value, other.value) is not False)
        votes.append((-agree, -_PRECISION[when.precision], n, when))
    best = min(votes, key=lambda v: v[:3])[3]
    placing = [m for m, w in mentions if same_time(best.value, w.value) is not False]
    other = [m for m, w in mentions if same_time(best.value, w.value) is False]
    return best, placing, other


def build_timeline(story: StoryReport, thresholds: Thresholds | None = None) -> list[TimelineEntry]:
    """The story's facts on the dates they resolve to (see the module's docstring)."""
    view = StoryView(story, thresholds or Thresholds.of_model())
    times = _Times(story)
    published = {a.id: parse_published(a.published) for a in story.articles}
    entries = []
    for fact in story.facts:
        mentions: list[tuple[DatedMention, When]] = []
        for s in fact.statements:
            for t in times.of(s):
                when = read_value(t.value) if t.type in ("DATE", "TIME") else None
                if when is not None:
                    outlet = view.names.get(s.article, s.article)
                    mentions.append(
                        (DatedMention(s.article, outlet, t.start, t.end, t.text, t.value), when)
                    )
                    break
        statement = view.statement(fact)
        if mentions:
            when, placing, other = _choose(mentions)
            entries.append(
                TimelineEntry(
                    when, "text", statement, tuple(placing), tuple(other), view.position(fact)
                )
            )
            continue
        day = published.get(view.core(fact).article)
        if day is None:
            continue
        when = read_value(day.isoformat())
        if when is not None:
            entries.append(TimelineEntry(when, "published", statement, (), (), view.position(fact)))
    entries.sort(key=lambda e: (e.when.key[:4], e.basis == "published", e.order))
    return entries
